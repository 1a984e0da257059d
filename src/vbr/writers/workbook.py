"""``ranking.xlsx``: the lists for people, with a first sheet that explains the run.

Sheets: ``Toelichting`` (the run's notes, one per row), ``Nederland`` (the national list), one per
region, and the rejected rows. The OOXML is written by hand (see :func:`write_xlsx`).
"""

from __future__ import annotations

import datetime
import math
import re
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.model import WriteReport
from vbr.writers.context import WriteContext
from vbr.writers.tables import NUMERIC_COLUMNS
from vbr.writers.text import FORMULA_START, format_number, format_numbers, join_all

__all__ = ["NOTES_SHEET", "notes_table", "write_workbook", "write_xlsx"]

#: The first sheet: what the reader should know about the run (its notes).
NOTES_SHEET = "Toelichting"
#: The national list's sheet and the rejected rows' sheet: they keep these titles (a region
#: named alike gets another).
NATIONAL_SHEET = "Nederland"
REJECTED_SHEET = "Afgewezen (rejected)"
DECISIONS_SHEET = "Besluiten (decisions)"
#: What the notes sheet says when the run has no notes.
NO_NOTES = "Geen opmerkingen bij deze run."


def write_workbook(context: WriteContext) -> WriteReport:
    """Write ``ranking.xlsx``: the notes so far, the national list, each region's list, the
    rejected rows and the decisions (``decisions.csv``)."""
    result = context.result
    path = context.folder / "ranking.xlsx"
    sheets = [
        (NATIONAL_SHEET, context.ranking_text()),
        *((r.name, context.region_text(r)) for r in result.region_lists),
        (REJECTED_SHEET, result.rejected),
        (DECISIONS_SHEET, context.decisions_text()),
    ]
    t0 = time.perf_counter()
    own = write_xlsx(
        sheets,
        path,
        notes_sheet=NOTES_SHEET,
        notes=context.notes,
        fixed=(0, len(sheets) - 2, len(sheets) - 1),
    )
    return WriteReport(files=(path,), notes=tuple(own), timings={"xlsx": time.perf_counter() - t0})


_BOOLEAN_COLUMNS = frozenset({"priority", "selected"})
_XLSX_MAX_ROWS = 1_048_575
_XLSX_MAX_CHARS = 32_767
_FIXED_DATE = datetime.datetime(2000, 1, 1)


def _finite_number(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


#: Sheet names Excel refuses (compared without regard to case).
_RESERVED_SHEET_NAMES = frozenset({"history"})
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _sheet_title(name: str, used: set[str]) -> str:
    """A sheet title Excel accepts, unique in ``used`` (without regard to case): ``[]:*?/\\``
    and control characters become ``_``, a leading or trailing ``'`` is dropped, at most 31
    characters, not blank nor ``History``; a taken title gets `` (2)``, `` (3)`` ..."""
    base = _SHEET_FORBIDDEN.sub("_", str(name)).strip("'")[:31].strip("'")
    if not base.strip():
        base = "sheet"
    title, k = base, 2
    while title.lower() in used or title.lower() in _RESERVED_SHEET_NAMES:
        suffix = f" ({k})"
        title, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(title.lower())
    return title


def write_xlsx(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    path: Path,
    *,
    notes_sheet: str | None = None,
    notes: Sequence[str] = (),
    fixed: Sequence[int] = (),
) -> list[str]:
    """Write text tables to one workbook for people: numbers as numbers, text always as text.

    Text is written as text cells (inline strings), never as formulas, so a cell starting with
    ``=`` shows as typed; such text also carries Excel's quote prefix. Header bold and frozen,
    autofilter on. The sheet XML is written directly, a column at a time, into the zip: the
    same cells a general writer such as xlsxwriter gives, at a small fraction of its time per
    cell (1M rows in seconds, not minutes). Fixed dates keep the workbook the same for the same
    inputs.

    Parameters
    ----------
    sheets
        ``(name, table)`` per sheet, in order.
    path
        The workbook to write.
    notes_sheet
        When given, a first sheet of this name holds ``notes`` and the workbook's own notes, one
        per row (it is written last, so that it knows them all).
    notes
        The notes for ``notes_sheet``.
    fixed
        Positions in ``sheets`` of the sheets that keep their names as titles: another sheet
        with the same name (say a region named like the rejected rows' sheet) gets `` (2)``
        instead, wherever it stands.

    Returns
    -------
    list of str
        The workbook's own notes (e.g. a sheet cut at Excel's row limit, or cells cut at
        Excel's 32,767 characters).
    """
    own: list[str] = []
    used: set[str] = set()
    prepared = []
    if notes_sheet is not None:
        prepared.append((notes_sheet, _sheet_title(notes_sheet, used), None, ""))
    # fixed names first, so that they keep their titles; then the others in order
    names = [name for name, _ in sheets]
    titles = {k: _sheet_title(names[k], used) for k in sorted(set(fixed))}
    titles.update({k: _sheet_title(n, used) for k, n in enumerate(names) if k not in titles})
    changed = [f"{names[k]!r} -> {titles[k]!r}" for k in sorted(titles) if titles[k] != names[k]]
    if changed:
        own.append(
            "sheet name(s) changed to what Excel allows (at most 31 characters, none of "
            "[]:*?/\\, no ' at either end, not History, each once): " + ", ".join(changed)
        )
    for k, (name, table) in enumerate(sheets):
        title = titles[k]
        n = len(table)
        if n > _XLSX_MAX_ROWS:
            own.append(
                f"sheet {name!r} holds the first {_XLSX_MAX_ROWS:,} of {n:,} rows (Excel's "
                "limit); the CSV has all"
            )
            table = table.iloc[:_XLSX_MAX_ROWS]
        ncols = table.shape[1]
        quoted = title.replace("'", "''")
        span = f"'{quoted}'!$A$1:${_column_letter(ncols - 1)}${len(table) + 1}" if ncols else ""
        prepared.append((name, title, table, span))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        _write_package_parts(zf, [p[1] for p in prepared], [p[3] for p in prepared])
        for k, (name, _title, table, _span) in enumerate(prepared, start=1):
            if table is None:
                continue
            cut = _write_sheet(zf, f"xl/worksheets/sheet{k}.xml", table)
            if cut:
                own.append(
                    f"sheet {name!r}: {cut:,} cells cut to Excel's {_XLSX_MAX_CHARS:,} characters; "
                    "the CSV has them whole"
                )
        if notes_sheet is not None:
            table = notes_table(notes_sheet, [*notes, *own])
            _write_sheet(zf, "xl/worksheets/sheet1.xml", table, autofilter=False)
    return own


def notes_table(title: str, notes: Sequence[str]) -> pd.DataFrame:
    """The notes sheet as a table: one note per row under the header ``title``.

    Parameters
    ----------
    title
        The sheet's title, also its column header.
    notes
        The notes (a line that says there are none where empty).
    """
    return pd.DataFrame({title: list(notes) or [NO_NOTES]})


_BUILTIN_FORMAT_IDS = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}
_XLSX_FORMAT_IDS = {
    fmt: _BUILTIN_FORMAT_IDS.get(fmt, 164 + k)
    for k, fmt in enumerate(sorted(set(NUMERIC_COLUMNS.values())))
}
# cellXfs: 0 default, 1 bold (header), then one per number format in _XLSX_FORMAT_IDS order,
# then quote-prefixed text and quote-prefixed bold (formula-like text, header)
_XLSX_STYLE = {fmt: 2 + i for i, fmt in enumerate(_XLSX_FORMAT_IDS)}
_XLSX_QUOTED = 2 + len(_XLSX_FORMAT_IDS)
_XLSX_QUOTED_BOLD = _XLSX_QUOTED + 1
_XML_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")
_XML_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_XML_ESCAPED_LITERAL = re.compile(r"(_x[0-9a-fA-F]{4}_)")


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _xml_text(text: str) -> str:
    """Escape text for an XML text node the way Excel reads it back as typed."""
    if _XML_SPECIAL.search(text):
        text = _XML_ESCAPED_LITERAL.sub(r"_x005F\1", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = _XML_CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return text


def _xml_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _space(text: str) -> str:
    return ' xml:space="preserve"' if text and (text[0].isspace() or text[-1].isspace()) else ""


def _text_cells(ref: list[str], values: list, cut: list[int]) -> list[str]:
    out = []
    for r, value in zip(ref, values, strict=True):
        if value == "" or value is None:
            out.append("")
            continue
        text = str(value)
        if len(text) > _XLSX_MAX_CHARS:
            cut[0] += 1
            text = text[:_XLSX_MAX_CHARS]
        # formula-like text gets Excel's quote prefix: it stays text when someone edits the cell
        style = f' s="{_XLSX_QUOTED}"' if text.startswith(FORMULA_START) else ""
        out.append(
            f'<c r="{r}"{style} t="inlineStr"><is><t{_space(text)}>{_xml_text(text)}</t></is></c>'
        )
    return out


#: Where a text cell needs more than the plain template (escapes, ``xml:space``, the quote prefix
#: of formula-like text), in a column's cells joined by line feeds; may also match where nothing
#: is needed (then the cell-by-cell path runs), never miss a cell that needs it.
_XLSX_TEXT_CARE = re.compile(
    r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_|(?:^|\n)[=+\-@\s]|\s(?:\n|$)"
)
#: A column of numbers as ``format_number`` writes them (empty cells allowed), joined by line feeds.
_PLAIN_NUMBERS = re.compile(
    r"(?:-?\d+(?:\.\d+)?(?:e[+-]\d+)?)?(?:\n(?:-?\d+(?:\.\d+)?(?:e[+-]\d+)?)?)*"
)


def _column_cells(name: str, values: list, ref: list[str], cut: list[int]) -> list[str]:
    """The XML of one column's cells (``""`` for an empty cell): numbers in number columns and
    booleans in boolean columns where the value is one, text everywhere else.

    Columns of plain numbers or plain text take a column-wise path; any other column goes cell
    by cell. Both give the same cells (a test compares them).
    """
    joined = join_all(values)
    if (
        name in NUMERIC_COLUMNS
        and joined is not None
        and joined.count("\n") == len(values) - 1  # no value holds a line feed itself
        and _PLAIN_NUMBERS.fullmatch(joined)
    ):
        style = _XLSX_STYLE[NUMERIC_COLUMNS[name]]
        array = np.asarray(values, dtype=object)
        filled = array != ""
        texts = np.full(len(values), "", dtype=object)
        if filled.any():
            texts[filled] = format_numbers(array[filled].astype("float64"))
        return [
            f'<c r="{r}" s="{style}"><v>{t}</v></c>' if t else ""
            for r, t in zip(ref, texts.tolist(), strict=True)
        ]
    if (
        name not in NUMERIC_COLUMNS
        and name not in _BOOLEAN_COLUMNS
        and joined is not None
        and not _XLSX_TEXT_CARE.search(joined)
        and max(map(len, values), default=0) <= _XLSX_MAX_CHARS
    ):
        return [
            f'<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>' if v else ""
            for r, v in zip(ref, values, strict=True)
        ]
    return _cells_one_by_one(name, values, ref, cut)


def _cells_one_by_one(name: str, values: list, ref: list[str], cut: list[int]) -> list[str]:
    """:func:`_column_cells` for any values, one cell at a time (counts cut cells in ``cut``)."""
    if name in NUMERIC_COLUMNS:
        style = _XLSX_STYLE[NUMERIC_COLUMNS[name]]
        numbers = [None if v == "" or v is None else _finite_number(v) for v in values]
        out = [
            f'<c r="{r}" s="{style}"><v>{format_number(x)}</v></c>' if x is not None else None
            for r, x in zip(ref, numbers, strict=True)
        ]
    elif name in _BOOLEAN_COLUMNS:
        out = [
            f'<c r="{r}" t="b"><v>{1 if v == "true" else 0}</v></c>'
            if v in ("true", "false")
            else None
            for r, v in zip(ref, values, strict=True)
        ]
    else:
        return _text_cells(ref, values, cut)
    rest = [i for i, c in enumerate(out) if c is None]
    if rest:
        texts = _text_cells([ref[i] for i in rest], [values[i] for i in rest], cut)
        for i, c in zip(rest, texts, strict=True):
            out[i] = c
    return out


def _write_sheet(
    zf: zipfile.ZipFile, member: str, table: pd.DataFrame, *, autofilter: bool = True
) -> int:
    """Write one worksheet; return the number of cells cut at Excel's cell limit."""
    cols = [str(c) for c in table.columns]
    n, ncols = len(table), len(cols)
    letters = [_column_letter(j) for j in range(ncols)]
    cut = [0]
    head = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
        f'<dimension ref="A1:{letters[-1]}{n + 1}"/>' if ncols else '<dimension ref="A1"/>',
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>',
        '<row r="1">'
        + "".join(
            f'<c r="{letters[j]}1" s="{_XLSX_QUOTED_BOLD if c.startswith(FORMULA_START) else 1}" '
            f't="inlineStr"><is><t{_space(c)}>{_xml_text(c)}</t></is></c>'
            for j, c in enumerate(cols)
        )
        + "</row>",
    ]
    with zf.open(_zip_info(member), "w", force_zip64=True) as fh:
        fh.write("".join(head).encode("utf-8"))
        chunk = 10_000  # rows per piece of XML: bounds the memory, keeps the speed
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            rows = [str(i) for i in range(start + 2, stop + 2)]
            columns = [
                _column_cells(
                    cols[j],
                    table.iloc[start:stop, j].tolist(),
                    [letters[j] + r for r in rows],
                    cut,
                )
                for j in range(ncols)
            ]
            lines = [
                f'<row r="{r}">{"".join(cells)}</row>'
                for r, cells in zip(rows, zip(*columns, strict=True), strict=True)
            ] if ncols else [f'<row r="{r}"/>' for r in rows]  # fmt: skip
            fh.write("".join(lines).encode("utf-8"))
        tail = "</sheetData>"
        if ncols and autofilter:
            tail += f'<autoFilter ref="A1:{letters[-1]}{n + 1}"/>'
        tail += (
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/></worksheet>'
        )
        fh.write(tail.encode("utf-8"))
    return cut[0]


def _write_package_parts(zf: zipfile.ZipFile, titles: list[str], ranges: list[str]) -> None:
    """The parts around the sheets: content types, relationships, workbook, styles, properties."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheets = "".join(
        f'<sheet name="{_xml_attr(t)}" sheetId="{k}" r:id="rId{k}"/>'
        for k, t in enumerate(titles, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
        f"{_xml_text(r)}</definedName>"
        for k, r in enumerate(ranges)
        if r
    )
    n = len(titles)
    custom = [
        f'<numFmt numFmtId="{i}" formatCode="{_xml_attr(fmt)}"/>'
        for fmt, i in _XLSX_FORMAT_IDS.items()
        if i >= 164
    ]
    parts = {
        "[Content_Types].xml": decl
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for k in range(1, n + 1)
        )
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.extended-properties+xml"/></Types>',
        "_rels/.rels": decl
        + f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/><Relationship Id="rId3" Type="'
        f'{rel}/extended-properties" Target="docProps/app.xml"/></Relationships>',
        "docProps/app.xml": decl
        + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
        'properties"><Application>vbr</Application></Properties>',
        "docProps/core.xml": decl
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
        'purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_FIXED_DATE:%Y-%m-%dT%H:%M:%SZ}'
        '</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">'
        f"{_FIXED_DATE:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified></cp:coreProperties>",
        "xl/_rels/workbook.xml.rels": decl
        + f'<Relationships xmlns="{pkg}">'
        + "".join(
            f'<Relationship Id="rId{k}" Type="{rel}/worksheet" Target="worksheets/sheet{k}.xml"/>'
            for k in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": decl
        + f'<workbook xmlns="{main}" xmlns:r="{rel}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{sheets}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>",
        "xl/styles.xml": decl
        + f'<styleSheet xmlns="{main}">'
        + (f'<numFmts count="{len(custom)}">{"".join(custom)}</numFmts>' if custom else "")
        + '<fonts count="2"><font><sz val="11"/><name '
        'val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/>'
        '<family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
        '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
        "<border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs "
        'count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{4 + len(_XLSX_FORMAT_IDS)}"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" '
        'applyFont="1"/>'
        + "".join(
            f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            for i in _XLSX_FORMAT_IDS.values()
        )
        + '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
        'quotePrefix="1"/></cellXfs><cellStyles count="1">'
        '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }
    for name, text in parts.items():
        zf.writestr(_zip_info(name), text.encode("utf-8"))


def _zip_info(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date, so that the same workbook gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
