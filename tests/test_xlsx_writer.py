"""ranking.xlsx: numbers as numbers, text as typed (never a formula), the same bytes each time."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vbr.writers.tables import NUMERIC_COLUMNS
from vbr.writers.workbook import BOOLEAN, GENERAL, write_xlsx


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": ["1", "2", "3"],
            "farm_id": ["=1+1", " leading space", "a & b <c> _x0041_ \x01 end"],
            "priority": ["true", "false", ""],
            "distance_m": ["0", "934.6550323642458", "not a number"],
            "nh3_kg": ["12.5", "", "1e-07"],
            "note": ["line\nbreak", "x" * 40_000, "é ü 'quote' \"dq\""],
        }
    )


def test_workbook_reads_back_with_types_and_text_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    notes = write_xlsx([("Nederland", _table()), ("Groene Hart & Co's", _table())], path)
    assert notes == [
        "sheet 'Nederland': 1 cell cut to Excel's 32,767 characters; the CSV has it whole",
        "sheet \"Groene Hart & Co's\": 1 cell cut to Excel's 32,767 characters; "
        "the CSV has it whole",
    ]
    assert notes[0].render("nl") == (
        "werkblad 'Nederland': 1 cel ingekort tot de 32.767 tekens van Excel; de CSV heeft haar "
        "volledig"
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Nederland", "Groene Hart & Co's"]
    ws = wb["Nederland"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("rank", "farm_id", "priority", "distance_m", "nh3_kg", "note")
    assert rows[1] == (1, "=1+1", True, 0, 12.5, "line\nbreak")
    assert rows[2][:5] == (2, " leading space", False, 934.6550323642458, None)
    assert rows[2][5] == "x" * 32_767
    # Excel reads _xHHHH_ as an escape: a control character and a literal "_x0041_" are stored
    # escaped (Excel shows them as typed; openpyxl shows the stored form)
    assert rows[3] == (3, "a & b <c> _x005F_x0041_ _x0001_ end", None, "not a number", 1e-07,
                       "é ü 'quote' \"dq\"")  # fmt: skip
    assert ws["B2"].data_type == "s"  # a string, not a formula
    assert ws["A1"].font.b
    assert ws["D3"].number_format == "#,##0" and ws["E2"].number_format == "#,##0.0"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F4"


def test_text_cells_are_stored_as_xlsxwriter_stores_them(tmp_path: Path) -> None:
    import re
    import zipfile

    import xlsxwriter

    texts = ["a & b <c> _x0041_ \x01 end", " lead", "trail ", "tab\tx", "cr\rx", "=SUM(A1)", "é"]
    write_xlsx([("S", pd.DataFrame({"note": texts}))], tmp_path / "ours.xlsx")
    with xlsxwriter.Workbook(tmp_path / "ref.xlsx", {"constant_memory": True}) as wb:
        ws = wb.add_worksheet("S")
        ws.write_string(0, 0, "note")
        for i, t in enumerate(texts, start=1):
            ws.write_string(i, 0, t)

    def cells(name: str) -> list[str]:
        xml = zipfile.ZipFile(tmp_path / name).read("xl/worksheets/sheet1.xml").decode()
        return re.findall(r"<t(?: xml:space=\"preserve\")?>.*?</t>", xml, flags=re.S)

    assert cells("ours.xlsx") == cells("ref.xlsx")


def test_same_tables_give_the_same_bytes(tmp_path: Path) -> None:
    write_xlsx([("Nederland", _table())], tmp_path / "a.xlsx")
    write_xlsx([("Nederland", _table())], tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_isal_deflates_the_workbook_to_the_same_parts_zlib_gives(
    tmp_path: Path, monkeypatch
) -> None:
    import zipfile
    import zlib

    import vbr.writers.workbook as workbook

    tables = [("Nederland", pd.concat([_table()] * 2_000, ignore_index=True))]
    fast, slow = tmp_path / "isal.xlsx", tmp_path / "zlib.xlsx"
    write_xlsx(tables, fast)
    monkeypatch.setattr(
        workbook,
        "_isal_deflate",
        lambda: zlib.compressobj(workbook._ZIP_LEVEL, zlib.DEFLATED, -15),
    )
    write_xlsx(tables, slow)
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(slow) as b:
        assert a.testzip() is None and a.namelist() == b.namelist()
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in a.infolist())
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
        sheet = "xl/worksheets/sheet1.xml"
        assert a.getinfo(sheet).CRC == b.getinfo(sheet).CRC
        # another compressor made the sheet: its deflate stream is not zlib's
        assert fast.read_bytes() != slow.read_bytes()
    assert openpyxl.load_workbook(fast, read_only=True)["Nederland"].max_row == 6_001


def test_empty_tables_still_make_a_valid_workbook(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    write_xlsx(
        [("Leeg", pd.DataFrame({"farm_id": [], "reason": []})), ("Niets", pd.DataFrame())], path
    )
    wb = openpyxl.load_workbook(path)
    assert list(wb["Leeg"].iter_rows(values_only=True)) == [("farm_id", "reason")]
    assert wb.sheetnames == ["Leeg", "Niets"]


XLSX_TEXT = st.text(alphabet="ab 1.-e+=@&<>_x0041\t\r\n\x01é", max_size=12)
XLSX_NUMBER_TEXT = st.one_of(
    st.just(""),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1.50", "007", "-0", "1e-07", "inf", "nan", " 12", "1_000", "12,5"]),
)


@settings(max_examples=300, deadline=None)
@example("#,##0", ["0\n0"])  # a line feed inside a value is not a cell boundary
@given(
    st.sampled_from(["#,##0", "#,##0.0", BOOLEAN, GENERAL, ""]),
    st.lists(st.one_of(XLSX_TEXT, XLSX_NUMBER_TEXT, st.sampled_from(["true", "false"]))),
)
def test_column_wise_cells_equal_cell_by_cell_cells(name: str, values: list[str]) -> None:
    from vbr.writers.workbook import _cells_one_by_one, _column_cells

    rows = [str(i + 2) for i in range(len(values))]
    fast_cut, slow_cut = [0], [0]
    fast = _column_cells(name, list(values), "A", rows, fast_cut)
    assert fast == _cells_one_by_one(name, list(values), "A", rows, slow_cut)
    assert fast_cut == slow_cut


@settings(max_examples=200, deadline=None)
@given(st.lists(XLSX_NUMBER_TEXT, min_size=1, max_size=8))
def test_column_of_numbers_takes_the_same_cells_either_way(values: list[str]) -> None:
    from vbr.writers.workbook import _cells_one_by_one, _column_cells

    rows = [str(i + 2) for i in range(len(values))]
    fast = _column_cells(NUMERIC_COLUMNS["nh3_kg"], values, "E", rows, [0])
    assert fast == _cells_one_by_one(NUMERIC_COLUMNS["nh3_kg"], values, "E", rows, [0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab 1é-=", max_size=6), min_size=1, max_size=8))
def test_column_of_mostly_plain_text_takes_the_same_cells_either_way(values: list[str]) -> None:
    from vbr.writers.workbook import _cells_one_by_one, _column_cells

    rows = [str(i + 2) for i in range(len(values))]
    fast = _column_cells("", values, "C", rows, [0])
    assert fast == _cells_one_by_one("", values, "C", rows, [0])
