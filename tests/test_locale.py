"""The text catalogues (vbr.locale) and the number, money and date formats (vbr.locale.formats)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from vbr.locale import LANGUAGES, placeholders, t, texts
from vbr.locale.formats import (
    format_count,
    format_datetime,
    format_eur,
    format_eur_per_kg,
    format_kg,
    format_m,
    format_number,
    format_tonnes,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "vbr"


def _nbsp(text: str) -> str:
    """CLDR puts a no-break space between € and the amount in Dutch; compare as a space."""
    return text.replace("\u00a0", " ")


def test_every_language_has_every_key():
    keys = {lang: set(texts(lang)) for lang in LANGUAGES}
    every = set().union(*keys.values())
    for lang, have in keys.items():
        assert not every - have, f"missing in {lang}.toml: {sorted(every - have)}"


def test_every_text_has_the_same_placeholders_in_every_language():
    first, *others = LANGUAGES
    for key, text in texts(first).items():
        for lang in others:
            assert placeholders(texts(lang)[key]) == placeholders(text), (key, lang)


def test_no_text_is_empty_or_left_untranslated_by_accident():
    for lang in LANGUAGES:
        for key, text in texts(lang).items():
            assert text.strip(), (lang, key)
    # Dutch and English differ except for names and units that are the same in both
    same = {k for k, v in texts("nl").items() if texts("en")[k] == v}
    assert same <= {
        "units.m",
        "units.eur_per_kg",
        "units.eur_per_mol",
        "units.percent",
        "map.basemap_osm",
        "diff.cause_value",
        "map.panel.budget",
        "map.popup.budget",
        "index.col_budget",
        "index.not_applicable",
        "index.rule_budget",
        "columns.eur_per_kg",
        "columns.eur_per_mol",
        "columns.status_text",
        "workbook.code",
        "workbook.input_value_no_rows",
        "workbook.rule_set_value",
        "console.field_made",
        "console.label_natura",
        "console.made_all_overloaded",
        "console.order_eur_per_kg",
        "rejections.farm",
        "whatif.buyout.area_line",
        "messages.out_path_why",
        "notes.in_file",
        "verify.detail_more",
        "messages.missing_field",
        "messages.meaning",
        "messages.column_fields",
    }, sorted(same)


def test_every_key_is_used_somewhere_in_the_code():
    from vbr.maps.data import STATUSES
    from vbr.writers.tables import HEADED_COLUMNS

    code = "\n".join(
        p.read_text(encoding="utf-8") for p in SRC.rglob("*") if p.suffix in (".py", ".js", ".j2")
    )
    # the status words are looked up by the status's key (Status.label); the headers and
    # column lines of the lists for people by the column's name
    dynamic = {f"status.{s.key}" for s in STATUSES}
    dynamic |= {f"{table}.{c}" for c in HEADED_COLUMNS for table in ("columns", "column_help")}
    # the reasons, notes and the readers' messages are found by their English text
    # (vbr.locale.reasons reads the whole table); tests/test_console_language.py proves that
    # the readers' reasons find their template
    dynamic |= {
        k for k in texts("en") if k.startswith(("reasons.", "messages.", "notes.", "click."))
    }
    # the reason column's words are read by their key in vbr.core.explain._WORD_KEYS
    from vbr.core.explain import _WORD_KEYS

    dynamic |= {f"reason_column.{k}" for k in _WORD_KEYS}
    # the forms of a plural (vbr.locale.plural) are used by the key they share
    dynamic |= {
        k
        for k in texts("en")
        if k.endswith((".one", ".other"))
        and f"{k.rsplit('.', 1)[0]}.one" in texts("en")
        and f'"{k.rsplit(".", 1)[0]}"' in code
    }
    # the help of the commands is read by the command's and the option's name (vbr.cli)
    from vbr.cli import help_keys

    dynamic |= help_keys()
    unused = [
        k for k in texts("nl") if f'"{k}"' not in code and f"'{k}'" not in code and k not in dynamic
    ]
    assert not unused, f"texts no code uses: {unused}"


def test_t_fills_placeholders_and_names_what_is_missing():
    assert t("map.title", "nl", region="Veluwe") == "Veluwe: Vbr-rangschikking op de kaart"
    assert t("map.title", "en", region="Veluwe") == "Veluwe: Vbr ranking map"
    with pytest.raises(KeyError, match=r"no text 'map\.nothing' in the 'nl' catalogue"):
        t("map.nothing", "nl")
    with pytest.raises(KeyError):
        t("map.title", "nl")  # the region is missing
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        texts("fr")


def test_input_text_is_filled_in_as_it_is():
    # a value holding braces or markup is not parsed again (escaping is the template's job)
    text = t("map.title", "nl", region="{{ 7*7 }} <b>")
    assert text == "{{ 7*7 }} <b>: Vbr-rangschikking op de kaart"


def test_the_formats_of_the_issue():
    assert _nbsp(format_eur(1_234_567, "nl")) == "€ 1.234.567"
    assert _nbsp(format_eur_per_kg(20.129, "nl")) == "€ 20,13 per kg NH₃"
    assert format_kg(83.87408781694496, "nl") == "83,9 kg NH₃/jaar"
    assert format_m(934.6550323642458, "nl") == "935 m"
    moment = dt.datetime(2024, 3, 5, 14, 59, tzinfo=dt.UTC)  # 15:59 in Amsterdam (winter time)
    assert format_datetime(moment, "nl") == "5 maart 2024 15:59"

    assert format_eur(1_234_567, "en") == "€1,234,567"
    assert format_eur_per_kg(20.129, "en") == "€20.13 per kg NH₃"
    assert format_kg(83.87408781694496, "en") == "83.9 kg NH₃/year"
    assert format_m(934.6550323642458, "en") == "935 m"
    assert format_datetime(moment, "en") == "5 March 2024 15:59"


def test_precision_per_kind():
    assert _nbsp(format_eur(678_122.49, "nl")) == "€ 678.122"  # to the euro
    assert _nbsp(format_eur_per_kg(83.87408781694496, "nl")) == "€ 83,87 per kg NH₃"  # the cent
    assert format_kg(8085, "nl") == "8.085,0 kg NH₃/jaar"  # one decimal, always
    assert format_m(0.0, "nl") == "0 m"
    assert format_m(12_345.5, "en") == "12,346 m"
    assert format_tonnes(6_911_234, "nl") == "6.911,2 t NH₃/jaar"
    assert format_count(24_988, "nl") == "24.988"
    assert format_count(24_988, "en") == "24,988"


def test_halves_round_away_from_zero_as_intl_does():
    assert format_number(2.5, "en") == "3"  # a half: away from zero (not to even)
    assert format_number(0.25, "en", 1) == "0.3"
    # 0.15 is 0.1499999999999999944... as a float; Chromium's Intl.NumberFormat rounds the
    # shortest text that reads back as that float ("0.15") and gives 0.2, and so do we
    assert format_number(0.15, "en", 1) == "0.2"
    assert format_number(1_000_000.5, "nl") == "1.000.001"


def test_a_distance_next_to_the_threshold_shows_centimetres():
    assert format_m(999.6, "nl", threshold_m=1000) == "999,60 m"
    assert format_m(1000.4, "en", threshold_m=1000) == "1,000.40 m"
    assert format_m(1000.0, "nl", threshold_m=1000) == "1.000 m"
    assert format_m(998.4, "nl", threshold_m=1000) == "998 m"


def test_times_are_dutch_local_time_in_summer_and_winter():
    summer = dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert format_datetime(summer, "nl") == "1 juli 2024 14:00"
    naive = dt.datetime(2024, 10, 27, 9, 30)  # no zone: already Dutch local time
    assert format_datetime(naive, "en") == "27 October 2024 09:30"


def test_catalogue_files_are_valid_toml_with_the_keys_in_tables():
    for lang in LANGUAGES:
        for key in texts(lang):
            assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", key), key


def _config(tmp_path, text: str):
    from vbr.settings import load_config

    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_one_language_setting_output_language_with_its_old_name_and_lang(tmp_path):
    from vbr.errors import ConfigError
    from vbr.settings import load_config

    assert load_config(None).language == "nl"
    assert _config(tmp_path, '[output]\nlanguage = "en"\n').language == "en"
    # [explain] language is the older name of the same setting, still read
    old = _config(tmp_path, '[explain]\nlanguage = "en"\n')
    assert old.language == old.explain_language == "en"
    assert old.effective["output"] == {"language": "en"}
    assert _config(tmp_path, '[output]\nlanguage = "en"\n[explain]\nlanguage = "en"\n').language
    with pytest.raises(ConfigError, match="give \\[output\\] language only"):
        _config(tmp_path, '[output]\nlanguage = "en"\n[explain]\nlanguage = "nl"\n')
    with pytest.raises(ConfigError, match='"nl" or "en"'):
        _config(tmp_path, '[output]\nlanguage = "de"\n')
    # --lang wins over the file
    assert old.overridden(language="nl").language == "nl"
    with pytest.raises(ConfigError, match="--lang"):
        old.overridden(language="fr")


def test_a_manifest_from_before_output_language_still_gives_its_language():
    from vbr.settings import config_from_mapping, load_config

    effective = dict(load_config(None).effective)
    effective.pop("output")
    effective["explain"] = {"language": "en"}
    assert config_from_mapping(effective).language == "en"


def test_one_row_is_singular_in_every_language():
    from vbr.locale import plural
    from vbr.locale.reasons import count_line

    assert plural("console.rows", "nl", count=1) == "1 rij"
    assert plural("console.rows", "nl", count=2) == "2 rijen"
    assert plural("console.rows", "nl", count=24_988) == "24.988 rijen"
    assert plural("console.rows", "en", count=1) == "1 row"
    assert plural("console.rows", "en", count=0) == "0 rows"
    line = count_line("nh3_kg missing", 1, "row 3", "a", "nl")
    assert line == "nh3_kg ontbreekt: 1 rij (bijv. rij 3, farm_id 'a')"
    line = count_line("nh3_kg missing", 2, "row 3", "a", "en")
    assert line == "nh3_kg missing: 2 rows (e.g. row 3, farm_id 'a')"
    assert plural("console.verify_differs", "nl", count=1) == "VERSCHILT: 1 verschil"
    assert plural("console.verify_differs", "nl", count=3) == "VERSCHILT: 3 verschillen"
    assert plural("console.rejected_kinds", "en", count=1).endswith(": 1 kind")


def test_a_plural_has_its_forms_in_every_language():
    forms = {k.rsplit(".", 1)[0] for k in texts("en") if k.endswith(".one")}
    assert forms, "no plural in the catalogue"
    for lang in LANGUAGES:
        for key in forms:
            assert f"{key}.one" in texts(lang) and f"{key}.other" in texts(lang), (lang, key)


def test_a_message_is_english_text_that_says_itself_in_any_language():
    import pickle

    from vbr.errors import InputError, refuse_rows
    from vbr.locale import Message, say

    message = say("sheet_empty", sheet="'Blad1'")
    assert isinstance(message, str) and message == "the sheet 'Blad1' is empty"
    assert message.render("nl") == "het werkblad 'Blad1' is leeg"
    assert pickle.loads(pickle.dumps(message)).render("nl") == message.render("nl")
    # nested messages, whole numbers in the language's digits
    found = say("too_many_rows", found=say("found_lines", count=2_000_000), limit=1_000_000, gb=1)
    assert "2.000.000 regels na de kopregel" in found.render("nl")
    assert "2,000,000 lines after the header" in found
    assert isinstance(Message("notes.natura_dropped", count=1), str)
    # an error: its message and the lines under it, and "... and N more"
    try:
        refuse_rows(
            list(range(25)), [True] * 25, say("whole_area_numbers", column="'nr'"), source="x"
        )
    except InputError as exc:
        english, lang = exc.render("en")
        dutch, taal = exc.render("nl")
        assert str(exc) == english  # the library's text is English
    assert (lang, taal) == ("en", "nl")
    assert english.splitlines()[0] == (
        "x: column 'nr' must hold whole area numbers; these rows do not"
    )
    assert (
        dutch.splitlines()[0] == "x: kolom 'nr' moet hele gebiedsnummers bevatten; deze rijen niet"
    )
    assert dutch.splitlines()[1] == "  - rij 1: 0"
    assert dutch.splitlines()[-1] == "  ... en nog 5"
    assert english.splitlines()[-1] == "  ... and 5 more"
    # a message no catalogue text gives stays English, and says so in its frame
    assert InputError("something new", source="x").render("nl") == ("x: something new", "en")


def test_a_counted_note_and_the_drawn_days_say_one_or_more_without_brackets():
    from vbr.locale import Message, plural

    one = Message("notes.natura_dropped", count=1)
    assert one == "1 Natura 2000 feature without area was left out"
    assert one.render("nl") == "1 Natura 2000-object zonder oppervlakte is weggelaten"
    two = Message("notes.animals_no_id", file="dieren.csv", count=2_000)
    assert two == "dieren.csv: 2,000 rows without farm_id were not used"
    assert two.render("nl") == "dieren.csv: 2.000 rijen zonder farm_id zijn niet gebruikt"
    assert plural("console.order_day", "nl", count=1).endswith("1 dag door loting)")
    assert plural("console.order_day", "nl", count=3).endswith("3 dagen door loting)")
    assert plural("index.rule_order_day", "en", count=1).endswith(
        "on 1 day whose applications did not all fit"
    )
    # the catalogues keep no "(en)" or "(s)" where a note or a drawn day has its count
    for lang, bracket in (("nl", "(en)"), ("en", "(s)")):
        for key in ("notes.nh3_from_animals", "notes.subsidy_estimated", "index.rule_order_day"):
            assert bracket not in texts(lang)[f"{key}.other"], (lang, key)
    # and the Dutch catalogue none at all: one text per form, or the count after a colon
    import re

    brackets = re.compile(r"\w\((?:en|s|'s|len|pen|nen)\)|aanvraag/aanvragen")
    assert not [k for k, v in texts("nl").items() if brackets.search(v)]
    # a count from numpy (a sum of a column) picks its form the same way
    import numpy as np

    filled = Message("notes.flag_filled", column="'overloaded'", count=np.int64(1))
    assert "voor 1 object van gebieden" in filled.render("nl")
    assert "for 1 feature of areas" in filled


def test_a_decimal_value_is_said_with_the_languages_decimal_mark_and_all_its_digits():
    from decimal import Decimal

    from vbr.locale import Message

    note = Message("notes.herd", count=254, times=Decimal("4"), share=Decimal("0.25"))
    assert "nh3_given_vs_animals onder 0,25" in note.render("nl")
    assert "nh3_given_vs_animals below 0.25" in note
    assert "meer dan 4 keer" in note.render("nl")
