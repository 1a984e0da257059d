"""ranking.xlsx as a province sends it on, and the *_excel.csv lists, in both languages: a cover
with the run's facts, headers in words with units, numbers as numbers with number formats,
carried-through numbers as numbers and identifiers as text, a status in words; LibreOffice
opens it."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import DATA, cover_section, read_rows
from vbr.locale import LANGUAGES, t, texts
from vbr.locale.formats import AMSTERDAM, format_count, format_datetime
from vbr.writers.tables import DECISION_COLUMNS, EXTRA_COLUMNS, HEADED_COLUMNS, LEAD_COLUMNS


@pytest.fixture(scope="module")
def farms(tmp_path_factory) -> Path:
    """400 embedded farms with extra columns: numbers, decimals, ids with leading zeros."""
    path = tmp_path_factory.mktemp("farms") / "farms.csv"
    with open(DATA / "farms.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:401]
    rows[0] += ["oppervlakte_ha", "postcode", "kvk_nummer", "code"]
    for i, row in enumerate(rows[1:]):
        row += [f"{i % 50}.5", f"{i % 10:04d}", f"{10_000_000 + i}", f"{i % 7:03d}"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module", params=LANGUAGES)
def lang_run(request, farms, tmp_path_factory) -> tuple[str, Path]:
    from vbr.cli import main

    lang = request.param
    out = tmp_path_factory.mktemp(f"run-{lang}") / "out"
    assert main(["run", "--farms", str(farms), "--out", str(out), "--lang", lang, "--quiet"]) == 0
    return lang, out


def _book(out: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(out / "ranking.xlsx")


def test_every_column_of_the_lists_has_a_header_and_a_line_in_every_language():
    every = {*LEAD_COLUMNS, *EXTRA_COLUMNS, "national_rank", "status_text", *DECISION_COLUMNS}
    assert every == set(HEADED_COLUMNS)
    for lang in LANGUAGES:
        for c in HEADED_COLUMNS:
            assert f"columns.{c}" in texts(lang), (lang, c)
            assert f"column_help.{c}" in texts(lang), (lang, c)


@pytest.mark.slow
def test_sheets_and_headers_are_in_the_runs_language(lang_run):
    lang, out = lang_run
    book = _book(out)
    assert book.sheetnames == [
        t("workbook.sheet_about", lang),
        t("workbook.sheet_national", lang),
        "Veluwe", "Peel", "Rotterdam", "Eindhoven", "Groene Hart",
        t("workbook.sheet_rejected", lang),
        t("workbook.sheet_decisions", lang),
    ]  # fmt: skip
    header = [c.value for c in book.worksheets[1][1]]
    assert header[:6] == [
        t("columns.rank", lang),
        t("columns.farm_id", lang),
        t("columns.status_text", lang),
        t("columns.regions", lang),
        t("columns.priority", lang),
        t("columns.distance_m", lang),
    ]
    assert {"NH₃ (kg/jaar)", "Subsidie (€)", "€ per kg NH₃"} <= set(header) or lang == "en"
    assert {"NH₃ (kg/year)", "Subsidy (€)", "€ per kg NH₃"} <= set(header) or lang == "nl"
    # carried-through columns keep their own names
    assert header[-4:] == ["oppervlakte_ha", "postcode", "kvk_nummer", "code"]
    decisions = [c.value for c in book.worksheets[-1][1]]
    assert decisions[:4] == [t(f"columns.{c}", lang) for c in DECISION_COLUMNS[:4]]


def test_numbers_are_numbers_with_the_formats_of_their_kind(lang_run):
    _, out = lang_run
    ws = _book(out).worksheets[1]
    names = {t(f"columns.{c}", lang_run[0]): c for c in HEADED_COLUMNS}
    col = {names.get(c.value, c.value): c.column_letter for c in ws[1]}
    expected = {
        "rank": "0",
        "distance_m": "#,##0",
        "nh3_kg": "#,##0.0",
        "subsidy_eur": "#,##0",
        "eur_per_kg": "#,##0.00",
        "cumulative_eur": "#,##0",
    }
    for name, fmt in expected.items():
        cell = ws[f"{col[name]}2"]
        assert isinstance(cell.value, int | float), name
        assert cell.number_format == fmt, name
    machine = read_rows(out / "ranking.csv")[0]
    assert ws[f"{col['eur_per_kg']}2"].value == float(machine["eur_per_kg"])  # exact, not rounded
    assert ws[f"{col['farm_id']}2"].data_type == "s"
    # yes/no in the run's language, the same in every Excel (not an Excel boolean, which
    # shows WAAR/ONWAAR or TRUE/FALSE by Excel's own language)
    yes, no = t("workbook.yes", lang_run[0]), t("workbook.no", lang_run[0])
    assert ws[f"{col['priority']}2"].value == (yes if machine["priority"] == "true" else no)
    assert (yes, no) == (("ja", "nee") if lang_run[0] == "nl" else ("yes", "no"))
    # carried-through: numbers where the whole column is numeric, identifiers as text
    assert ws[f"{col['oppervlakte_ha']}2"].value == float(machine["oppervlakte_ha"])
    assert ws[f"{col['animals']}2"].value == int(machine["animals"])
    for name in ("postcode", "kvk_nummer", "code"):
        assert ws[f"{col[name]}2"].value == machine[name], name  # 0007, 007 keep their zeros


def test_a_regions_sheet_holds_both_ranks_as_numbers(lang_run):
    """A region's list has ``national_rank`` besides the national list's columns: a number too
    (as text it would sort 10 before 4 in Excel)."""
    lang, out = lang_run
    book = _book(out)
    ws = next(w for w in book.worksheets[2:] if w.max_row > 2)
    col = {c.value: c.column_letter for c in ws[1]}
    machine = read_rows(out / ws.title.lower().replace(" ", "-") / "ranking.csv")
    for name in ("rank", "national_rank"):
        cell = ws[f"{col[t(f'columns.{name}', lang)]}2"]
        assert isinstance(cell.value, int), name
        assert cell.number_format == "0", name
        assert cell.value == int(machine[0][name]), name


def test_times_are_excel_date_times_in_dutch_local_time(lang_run):
    _, out = lang_run
    ws = _book(out).worksheets[1]
    j = [c.value for c in ws[1]].index("submitted_at")
    machine = read_rows(out / "ranking.csv")
    cells = [row[j] for row in ws.iter_rows(min_row=2)]
    given = [(m, c) for m, c in zip(machine, cells, strict=True) if m["submitted_at"]]
    assert given and len(given) < len(machine)
    for m, cell in given:
        moment = dt.datetime.fromisoformat(m["submitted_at"]).astimezone(AMSTERDAM)
        assert cell.is_date and cell.number_format == "dd-mm-yyyy hh:mm"
        assert abs(cell.value - moment.replace(tzinfo=None)) < dt.timedelta(seconds=1)
    assert all(
        c.value is None for m, c in zip(machine, cells, strict=True) if not m["submitted_at"]
    )


@pytest.mark.slow
def test_a_time_column_without_a_single_time_leaves_its_cells_empty(tmp_path):
    from vbr.cli import main

    with open(DATA / "farms.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:41]
    j = rows[0].index("submitted_at")
    for row in rows[1:]:
        row[j] = ""  # the column is there, but no row gives a time
    farms = tmp_path / "farms.csv"
    with open(farms, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out"
    assert main(["run", "--farms", str(farms), "--out", str(out), "--quiet"]) == 0
    ws = _book(out).worksheets[1]
    k = [c.value for c in ws[1]].index("submitted_at")
    assert all(row[k].value is None for row in ws.iter_rows(min_row=2))


def test_status_words_say_priority_and_selection(lang_run):
    lang, out = lang_run
    ws = _book(out).worksheets[1]
    machine = read_rows(out / "ranking.csv")
    words = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    expected = {
        ("true", "true"): t("status.priority_selected", lang),
        ("true", "false"): t("status.priority_not_selected", lang),
        ("false", "true"): t("status.selected", lang),
        ("false", "false"): t("status.not_selected", lang),
    }
    assert words == [expected[(r["priority"], r["selected"])] for r in machine]


@pytest.mark.slow
def test_header_frozen_autofilter_and_widths_fitted_and_capped(lang_run):
    _, out = lang_run
    for ws in _book(out).worksheets[1:]:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        widths = [d.width for d in ws.column_dimensions.values()]
        assert len(widths) == ws.max_column
        assert all(6 <= w <= 60 for w in widths)
    ws = _book(out).worksheets[1]
    reason = next(c.column_letter for c in ws[1] if c.value == t("columns.reason", lang_run[0]))
    assert ws.column_dimensions[reason].width == 60  # long texts: capped
    assert ws.column_dimensions["A"].width < 12  # a rank: narrow


def test_cover_shows_the_runs_figures_as_the_manifest_records_them(lang_run):
    lang, out = lang_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    book = out / "ranking.xlsx"
    run = dict(cover_section(book, "section_run", lang))
    created = format_datetime(dt.datetime.fromisoformat(manifest["created"]), lang)
    assert run[t("workbook.created", lang)] == created
    assert run[t("workbook.version", lang)] == manifest["version"]
    assert manifest["code"]["source_sha256"] in run[t("workbook.code", lang)]
    inputs = dict(cover_section(book, "section_inputs", lang))
    roles = {t(f"workbook.input.{role}", lang): role for role in manifest["inputs"]}
    roles.pop(t("workbook.input.config", lang), None)  # the settings: where they are in full
    assert inputs.pop(t("workbook.input.config", lang)) == t("workbook.config_value", lang)
    assert set(inputs) == set(roles)
    for label, role in roles.items():
        assert manifest["inputs"][role]["sha256"] in inputs[label]
    farms_label = t("workbook.input.farms", lang)
    assert format_count(manifest["counts"]["read"], lang) in inputs[farms_label]
    counts = dict(cover_section(book, "section_counts", lang))
    for key in ("read", "ranked", "rejected", "priority", "selected"):
        assert counts[t(f"workbook.count_{key}", lang)] == format_count(
            manifest["counts"][key], lang
        )
    rules = dict(cover_section(book, "section_rules", lang))
    assert manifest["parameters"]["rule_set"]["sha256"] in rules[t("workbook.rule_set", lang)]
    budgets = cover_section(book, "section_budgets", lang)
    assert len(budgets) == len(manifest["budgets"])
    mapping = dict(cover_section(book, "section_columns", lang))
    assert "farm_id" in mapping[f"{farms_label}: farm_id"]
    notes = [v for _, v in cover_section(book, "section_notes", lang)]
    assert notes == (manifest["notes"] or [t("workbook.no_notes", lang)])
    meaning = dict(cover_section(book, "section_meaning", lang))
    assert meaning[t("columns.distance_m", lang)] == t("column_help.distance_m", lang)
    assert len(cover_section(book, "section_limits", lang)) >= 4


def test_excel_csv_headers_in_words_and_every_number_with_a_decimal_comma(lang_run):
    lang, out = lang_run
    with open(out / "ranking_excel.csv", encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh, delimiter=";"))
    assert (out / "ranking_excel.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (out / "ranking_excel.csv").read_bytes()[:2000]
    assert header[:3] == [t(f"columns.{c}", lang) for c in ("rank", "farm_id", "regions")]
    machine = read_rows(out / "ranking.csv")
    col = {c: i for i, c in enumerate(header)}
    for row, m in zip(rows, machine, strict=True):
        assert row[col[t("columns.eur_per_kg", lang)]] == m["eur_per_kg"].replace(".", ",")
        assert row[col["oppervlakte_ha"]] == m["oppervlakte_ha"].replace(".", ",")
        assert row[col["postcode"]] == m["postcode"]
    assert any("," in r[col["oppervlakte_ha"]] for r in rows)
    with open(out / "rejected_excel.csv", encoding="utf-8-sig", newline="") as fh:
        rejected_header = next(csv.reader(fh, delimiter=";"))
    assert rejected_header[:2] == [t("columns.farm_id", lang), t("columns.reason", lang)]


def test_writing_the_workbook_changes_nothing_the_other_writers_see(farms, tmp_path):
    from vbr import compute, run_options
    from vbr.writers.context import WriteContext
    from vbr.writers.workbook import write_workbook

    result = compute(run_options(farms=farms, out=tmp_path / "o"))
    context = WriteContext.of(result, tmp_path)
    before = context.ranking_text().copy()
    ranked = result.ranked.copy()
    write_workbook(context)
    assert context.ranking_text().equals(before)
    assert result.ranked.drop(columns="geometry").equals(ranked.drop(columns="geometry"))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_workbook_without_error(lang_run, tmp_path):
    lang, out = lang_run
    profile = tmp_path / "profile"
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            # every sheet to its own CSV (the last token, -1), UTF-8, comma separated
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(out / "ranking.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sheets = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True).sheetnames
    for sheet in sheets:
        assert (tmp_path / f"ranking-{sheet}.csv").is_file(), (sheet, done.stdout, done.stderr)
    national = (tmp_path / f"ranking-{sheets[1]}.csv").read_text(encoding="utf-8")
    header, first = national.splitlines()[:2]
    assert header.startswith(",".join(t(f"columns.{c}", lang) for c in ("rank", "farm_id")))
    assert first.startswith("1,")
    cover = (tmp_path / f"ranking-{sheets[0]}.csv").read_text(encoding="utf-8")
    assert t("workbook.section_limits", lang) in cover


def test_decisions_and_yes_no_are_words_of_the_run_language_for_people_only(lang_run):
    """The workbook's decisions sheet says the status in words; decisions.csv keeps the machine
    values (contract); priority and selected read yes/no in words in the workbook and in
    ranking_excel.csv, true/false in ranking.csv."""
    lang, out = lang_run
    machine = read_rows(out / "decisions.csv")
    ws = _book(out)[t("workbook.sheet_decisions", lang)]
    header = [c.value for c in ws[1]]
    status = header.index(t("columns.status", lang)) + 1
    shown = [ws.cell(row=i + 2, column=status).value for i in range(len(machine))]
    words = {
        "granted": t("workbook.decision_granted", lang),
        "not granted: budget exhausted": t("workbook.decision_not_granted", lang),
        "not granted: no budget for this location": t("workbook.decision_no_pot", lang),
        "not decided: no budget": t("workbook.decision_not_decided", lang),
    }
    assert {r["status"] for r in machine} & set(words), "no decided application"
    for row, cell in zip(machine, shown, strict=True):
        if row["status"].startswith("rejected: "):
            assert cell == t("workbook.decision_rejected", lang, reason=row["reason"])
        else:
            assert cell == words[row["status"]]
    if lang == "nl":
        assert "toegekend" in shown or "niet toegekend: budget op" in shown
    yes_no = {t("workbook.yes", lang), t("workbook.no", lang)}
    with open(out / "ranking_excel.csv", encoding="utf-8-sig", newline="") as fh:
        people = list(csv.DictReader(fh, delimiter=";"))
    assert {r[t("columns.priority", lang)] for r in people} <= yes_no
    assert {r["priority"] for r in read_rows(out / "ranking.csv")} <= {"true", "false"}


@pytest.mark.slow
def test_own_number_columns_hold_numbers_as_format_number_writes_them(farms, tmp_path):
    """The workbook takes the text of the lists' own number columns as it is (no reading back
    and writing again): that text must be what format_number writes, in every sheet's table."""
    import numpy as np

    from vbr import compute, run_options
    from vbr.writers.context import WriteContext
    from vbr.writers.text import format_numbers
    from vbr.writers.workbook import _own_numbers

    result = compute(run_options(farms=farms, out=tmp_path / "out"))
    context = WriteContext.of(result, tmp_path / "unused")
    tables = [
        context.ranking_text(),
        context.decisions_text(),
        *(context.region_text(r) for r in result.region_lists),
    ]
    checked = set()
    for table in tables:
        for column in _own_numbers(table.columns):
            text = np.asarray(table[column].tolist(), dtype=object)
            filled = text[text != ""]
            assert list(filled) == format_numbers(filled.astype("float64")).tolist(), column
            checked.add(column)
    assert {"rank", "distance_m", "nh3_kg", "subsidy_eur", "eur_per_kg"} <= checked
    assert {"national_rank", "cumulative_eur"} <= checked  # the regions' own
