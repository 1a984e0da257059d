"""The console and the reasons of rejected rows speak the run's language (issue 15 point 1):
Dutch by default, English with ``--lang en``; every reason the readers write has a template in
both catalogues, and the manifest counts reasons by kinds that do not depend on the language."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from conftest import X0, Y0, write_csv
from vbr.locale import LANGUAGES, placeholders, texts
from vbr.locale.reasons import reason_key, render_kind, render_reason, untranslated

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "submitted_at"]
NEAR = (X0 - 300, Y0 + 500)
#: One row for every common kind of problem (the contract's list and more).
BAD_ROWS = [
    ["", *NEAR, 1000, 500_000, ""],  # farm_id missing
    ["dup", *NEAR, 1000, 500_000, ""],  # farm_id duplicated
    ["dup", *NEAR, 1000, 500_000, ""],
    ["nonh3", *NEAR, "", 500_000, ""],  # nh3_kg missing
    ["text", *NEAR, "veel", 500_000, ""],  # nh3_kg not a number
    ["zero", *NEAR, 0, 500_000, ""],  # nh3_kg <= 0
    ["huge", *NEAR, 2e12, 500_000, ""],  # above the ceiling
    ["neg", *NEAR, 1000, -5, ""],  # subsidy_eur < 0
    ["nosub", *NEAR, 1000, "", ""],  # subsidy_eur missing
    ["nox", "", Y0, 1000, 500_000, ""],  # coordinate missing
    ["badx", "abc", Y0, 1000, 500_000, ""],  # coordinate not a number
    ["far", 320_000, 508_472, 1000, 500_000, ""],  # outside the Netherlands
    ["deg", 5.9, 52.1, 1000, 500_000, ""],  # degrees in x/y
    ["when", *NEAR, 1000, 500_000, "gisteren"],  # not a time
    ["both", *NEAR, "", -3, ""],  # two problems
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    good = [[f"ok{i}", *NEAR, 1000, 500_000, ""] for i in range(30)]
    return write_csv(tmp_path / "farms.csv", HEADER, good + BAD_ROWS)


def _run(run_small, farms: Path, out: Path, *extra: object):
    code, stdout, err, folder = run_small(farms, "--no-budget", *extra, out=out)
    assert code == 0, err
    return stdout, folder


@pytest.mark.slow
def test_the_console_summary_is_dutch_by_default_and_english_with_lang_en(
    run_small, bad_file, tmp_path
):
    nl, _ = _run(run_small, bad_file, tmp_path / "nl")
    en, _ = _run(run_small, bad_file, tmp_path / "en", "--lang", "en")
    assert re.search(r"^vbr \S+: 45 rijen gelezen, 30 gerangschikt, 15 afgewezen", nl, re.M)
    assert "geen budget: gerangschikt zonder te selecteren" in nl
    assert "afgewezen rijen per reden (een rij kan er meer hebben)" in nl
    assert "  - farm_id dubbel: 2 rijen (bijv. rij 33, farm_id 'dup')" in nl
    assert f"uitvoer in {tmp_path / 'nl'}/" in nl
    assert re.search(r"^vbr \S+: 45 rows read, 30 ranked, 15 rejected", en, re.M)
    assert "  - farm_id duplicated: 2 rows (e.g. row 33, farm_id 'dup')" in en
    # no English line in the Dutch summary but the names of files, columns and options
    for english in ("rows read", "ranked,", "rejected rows", "no budget", "outputs in", "row(s)"):
        assert english not in nl


def test_budgets_in_the_summary_are_dutch_money_in_millions(run_small, bad_file, tmp_path):
    code, nl, err, _ = run_small(bad_file, "--budget", "1.125 mln", out=tmp_path / "o")
    assert code == 0, err
    assert "landelijk budget € 1,1 mln (overslaan)" in nl
    assert "besluiten: " in nl and "toegekend" in nl


@pytest.mark.slow
def test_reasons_are_dutch_by_default_and_english_with_lang_en(run_small, bad_file, tmp_path):
    _, nl_out = _run(run_small, bad_file, tmp_path / "nl")
    _, en_out = _run(run_small, bad_file, tmp_path / "en", "--lang", "en")
    nl = {r["farm_id"] or "-": r["reason"] for r in _rows(nl_out / "rejected.csv")}
    en = {r["farm_id"] or "-": r["reason"] for r in _rows(en_out / "rejected.csv")}
    assert nl.keys() == en.keys() and len(nl) == len(BAD_ROWS) - 1  # "dup" twice
    assert en["nonh3"] == "nh3_kg missing"
    assert nl["nonh3"] == "nh3_kg ontbreekt"
    assert nl["text"] == "nh3_kg is geen getal ('veel')"
    assert nl["neg"] == "subsidy_eur moet >= 0 zijn (gelezen: '-5')"
    assert nl["nox"] == "coördinaat ontbreekt"
    assert nl["far"].startswith("locatie buiten Nederland (320000, 508472")
    assert nl["both"] == "nh3_kg ontbreekt; subsidy_eur moet >= 0 zijn (gelezen: '-3')"
    assert nl["huge"].startswith("nh3_kg boven het plafond van ")
    for key, english in en.items():
        # every reason the readers wrote has a template: none stays English in Dutch
        assert untranslated(english) == [], english
        assert nl[key] != english
        assert render_reason(english, "nl") == nl[key]
    # decisions.csv (machine columns, the reason in the run's language) follows
    decided = {r["farm_id"]: r["reason"] for r in _rows(nl_out / "decisions.csv")}
    assert decided["nonh3"] == "nh3_kg ontbreekt"


@pytest.mark.slow
def test_the_manifest_counts_reasons_by_kinds_that_do_not_depend_on_the_language(
    run_small, bad_file, tmp_path
):
    _, nl_out = _run(run_small, bad_file, tmp_path / "nl")
    _, en_out = _run(run_small, bad_file, tmp_path / "en", "--lang", "en")
    nl = json.loads((nl_out / "manifest.json").read_text(encoding="utf-8"))
    en = json.loads((en_out / "manifest.json").read_text(encoding="utf-8"))
    assert nl["rejected_reasons"] == en["rejected_reasons"]
    assert nl["rejected_reasons"]["nh3_kg missing"] == 2
    assert nl["rejected_top"] == en["rejected_top"]


def test_every_reason_template_is_in_every_catalogue_with_the_same_kind_values():
    keys = {lang: {k for k in texts(lang) if k.startswith("reasons.")} for lang in LANGUAGES}
    assert len(keys["en"]) > 40
    assert all(keys[lang] == keys["en"] for lang in LANGUAGES)
    cut = re.compile(r" \(|: |; ")
    for key in keys["en"]:
        # the kind (the part before the first cut) holds the same values in every language,
        # so that the summary can say a kind in any language
        kinds = {lang: cut.split(texts(lang)[key], maxsplit=1)[0] for lang in LANGUAGES}
        assert len({frozenset(placeholders(k)) for k in kinds.values()}) == 1, kinds


def test_a_reason_is_traced_to_its_key_and_its_values_are_kept():
    text = "nh3_kg above the ceiling of 1,000,000 kg a year (got '1e12')"
    assert reason_key(text) == "reasons.above_ceiling"
    assert render_reason(text, "nl") == (
        "nh3_kg boven het plafond van 1.000.000 kg per jaar (gelezen: '1e12')"
    )
    joined = (
        "location outside the Netherlands (1, 2 in EPSG:28992); with x and y swapped it lies in "
        "the Netherlands: are they swapped?"
    )
    assert render_reason(joined, "nl") == (
        "locatie buiten Nederland (1, 2 in EPSG:28992); met x en y verwisseld ligt ze in "
        "Nederland: zijn ze verwisseld?"
    )
    # a problem with "; " inside it is one problem, not two
    offer = "no location for this offer (farm_id not in farms.csv; offers.csv row 5)"
    assert render_reason(offer, "nl") == (
        "geen locatie voor dit aanbod (farm_id niet in farms.csv; offers.csv rij 5)"
    )
    assert render_reason(offer, "en") == offer


def test_a_text_without_template_stays_as_it_is_and_is_reported():
    assert render_reason("something new went wrong", "nl") == "something new went wrong"
    assert untranslated("nh3_kg missing; something new") == ["something new"]
    assert render_kind("something new", "nl") == "something new"


def test_kinds_render_in_the_language_with_their_values_marked():
    assert render_kind("nh3_kg not a number", "nl") == "nh3_kg is geen getal"
    assert render_kind("subsidy_eur must be >= 0", "nl") == "subsidy_eur moet >= 0 zijn"
    assert render_kind("row has N fields, the header has N", "nl") == (
        "rij heeft N velden, de kopregel heeft er N"
    )
    assert render_kind("nh3_kg not a number", "en") == "nh3_kg not a number"


def test_the_refusal_of_too_many_rejected_rows_is_dutch_by_default(run_small, tmp_path):
    rows = [["ok", *NEAR, 1000, 500_000, ""], ["a", *NEAR, "", 500_000, ""]]
    rows += [["b", *NEAR, "veel", 500_000, ""], ["c", *NEAR, "", 500_000, ""]]
    code, _, err, out = run_small(write_csv(tmp_path / "farms.csv", HEADER, rows))
    assert code == 2 and not out.exists()
    lines = err.splitlines()
    assert lines[0].startswith(
        f"vbr: fout: {tmp_path / 'farms.csv'}: 3 van 4 rijen (75,0%) zijn afgewezen, meer dan "
        "--max-rejected 50%: een lijst van de rest zou misleiden;"
    )
    assert "of geef --max-rejected 75 (config: [input] max_rejected_percent)" in lines[0]
    assert lines[1:] == [
        "  - nh3_kg ontbreekt: 2 rijen (bijv. rij 3, farm_id 'a')",
        "  - nh3_kg is geen getal: 1 rij (bijv. rij 4, farm_id 'b')",
    ]


def test_a_missing_file_and_a_missing_column_are_said_in_the_run_language(
    vbr, tmp_path, one_area, no_regions
):
    farms = write_csv(tmp_path / "farms.csv", ["farm_id", "x", "y", "emissie"], [["a", *NEAR, 5]])
    base = ["run", "--natura", one_area, "--regions", no_regions, "--out", tmp_path / "o"]
    code, _, err = vbr(*base, "--farms", tmp_path / "absent.csv")
    assert code == 2 and err.startswith(f"vbr: fout: {tmp_path / 'absent.csv'}: bestand niet")
    code, _, err = vbr(*base, "--farms", tmp_path / "absent.csv", "--lang", "en")
    assert code == 2 and err.startswith(f"vbr: error: {tmp_path / 'absent.csv'}: file not found")
    code, _, err = vbr(*base, "--farms", farms)
    assert code == 2
    assert "vbr: fout: " in err and "geen kolom geeft nh3_kg, subsidy_eur" in err
    assert "'emissie'" in err and "--columns nh3_kg=COLUMN" in err


@pytest.mark.slow
def test_a_note_is_one_text_in_the_run_language_everywhere(run_small, tmp_path, one_area):
    far = write_csv(tmp_path / "farms.csv", HEADER, [["far", X0 + 5000, Y0, 1000, 500_000, ""]])
    code, nl, err, out = run_small(far, out=tmp_path / "nl")
    assert code == 0, err
    (warning,) = [x for x in nl.splitlines() if x.startswith("waarschuwing: ")]
    assert warning.startswith("waarschuwing: geen enkele veehouderij ligt binnen 1.000 m van ")
    assert warning in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]
    assert warning in (out / "index.html").read_text(encoding="utf-8")
    code, en, err, out = run_small(far, "--lang", "en", out=tmp_path / "en")
    assert code == 0, err
    assert "warning: no farm lies within 1,000 m of an overloaded Natura 2000 area" in en


def test_verify_says_its_differences_in_the_run_language(vbr, run_small, tmp_path):
    farms = write_csv(tmp_path / "farms.csv", HEADER, [["a", *NEAR, 1000, 500_000, ""]])
    for lang, words in (
        ("nl", "ranking.csv: veranderd na de run (de sha256 is niet die in manifest.json); "),
        ("en", "ranking.csv: changed after the run (its sha256 is not the one in manifest.json); "),
    ):
        code, _, err, out = run_small(farms, "--lang", lang, out=tmp_path / lang)
        assert code == 0, err
        with open(out / "ranking.csv", "a", encoding="utf-8") as fh:
            fh.write("\n")
        code, _, err = vbr("verify", out)
        assert code == 3
        assert any(line.startswith(f"  - {words}") for line in err.splitlines()), err


def test_diff_says_its_change_and_cause_words_in_the_run_language():
    from vbr.cli import _cause_words, _change_words

    assert _change_words("now granted;rank", "nl") == "nu toegekend; andere rang"
    assert _change_words("now granted;rank", "en") == "now granted; other rank"
    assert _cause_words("input farms", "nl") == "invoer farms"
    assert _cause_words("threshold_m", "nl") == "threshold_m"  # a parameter keeps its name


def test_an_error_before_the_options_are_read_is_in_the_language_of_lang(vbr, tmp_path):
    """--lang (or the config file's [output] language) sets the language of an error that
    stops the run before its options are complete."""
    base = ["run", "--out", tmp_path / "o", "--pot", "national", "--only-national"]
    code, _, err = vbr(*base)
    assert code == 2 and err.startswith("vbr: fout: --only-national: geef --pot of --only-")
    code, _, err = vbr(*base, "--lang", "en")
    assert code == 2 and err.startswith("vbr: error: --only-national: give --pot or --only-")
    config = tmp_path / "vbr.toml"
    config.write_text('[output]\nlanguage = "en"\n', encoding="utf-8")
    code, _, err = vbr(*base, "--config", config)
    assert code == 2 and err.startswith("vbr: error: --only-national: give --pot or --only-")


def test_click_usage_errors_exit_2_in_the_run_language(vbr, tmp_path):
    code, _, err = vbr("run", "--threshold-m", "-5", "--out", tmp_path / "o")
    assert code == 2
    assert err.splitlines()[0] == "Gebruik: vbr run [OPTIONS]"
    assert "Zie 'vbr run --help' voor hulp." in err
    assert "vbr: fout: Ongeldige waarde voor '--threshold-m': -5.0 ligt niet in het bereik" in err
    code, _, err = vbr("run", "--bogus")
    assert code == 2 and "vbr: fout: Onbekende optie '--bogus'." in err
    code, _, err = vbr("run", "--lang", "fr")
    assert code == 2 and "Ongeldige waarde voor '--lang': 'fr' is niet een van 'nl', 'en'." in err
    # English: click's own words, as before
    code, _, err = vbr("run", "--threshold-m", "-5", "--lang", "en", "--out", tmp_path / "o")
    assert code == 2 and "Error: Invalid value for '--threshold-m': -5.0 is not in the range" in err


def test_the_progress_of_a_run_is_dutch_by_default(run_small, bad_file, tmp_path, monkeypatch):
    import vbr.cli

    monkeypatch.setattr(vbr.cli.sys.stderr, "isatty", lambda: True, raising=False)
    code, _, err, _ = run_small(bad_file, "--no-budget", out=tmp_path / "o")
    assert code == 0, err
    assert "veehouderijen lezen uit" in err and "rangschikken ..." in err
    assert "manifest.json schrijven ..." in err and "de werkmap schrijven ..." in err
    assert "writing" not in err and "reading" not in err
