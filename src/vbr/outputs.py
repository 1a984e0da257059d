"""Write the lists: ranking.csv, rejected.csv, ranking.xlsx, ranking.gpkg, regions, manifest."""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = [
    "EXTRA_COLUMNS",
    "LEAD_COLUMNS",
    "NUMERIC_COLUMNS",
    "excel_table",
    "format_number",
    "looks_like_formula",
    "ranking_table",
    "region_table",
    "sha256_of",
    "write_csv",
    "write_excel_csv",
    "write_gpkg",
    "write_manifest",
    "write_xlsx",
]

#: The leading columns of ranking.csv (contract section 6).
LEAD_COLUMNS = [
    "rank",
    "farm_id",
    "regions",
    "priority",
    "distance_m",
    "nearest_n2000",
    "nh3_kg",
    "subsidy_eur",
    "eur_per_kg",
    "selected",
    "cumulative_eur",
]

#: Computed columns that later stages may add; when present in the ranked frame they are
#: written in this order after ``cumulative_eur`` and before the carried-through columns.
EXTRA_COLUMNS = [
    "subsidy_source",
    "sem_eur",
    "sem_nh3_kg",
    "sem_eur_per_kg",
    "impact_mol",
    "eur_per_mol",
    "reason",
]


def format_number(value: float) -> str:
    """Text of a number for the machine CSV: whole numbers without a decimal part, others with the
    shortest text that reads back as the same float; empty for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _numbers(values: Iterable) -> list[str]:
    """:func:`format_number` of every value, vectorised (the same text, value for value)."""
    try:
        array = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        return [format_number(v) for v in values]
    if array.ndim != 1:
        return [format_number(v) for v in values]
    out = np.empty(len(array), dtype=object)
    nan = np.isnan(array)
    with np.errstate(invalid="ignore"):
        whole = ~nan & (np.trunc(array) == array) & (np.abs(array) < 1e15)
    other = ~nan & ~whole
    out[nan] = ""
    out[whole] = array[whole].astype("int64").astype(str).tolist()
    out[other] = [repr(v) for v in array[other].tolist()]
    return out.tolist()


def _integers(values: Iterable, *, blank_below: int | None = None) -> list[str]:
    """Whole numbers as text; empty where below ``blank_below`` (e.g. ``NO_AREA``)."""
    array = np.asarray(values, dtype="int64")
    text = array.astype(str)
    if blank_below is not None:
        text[array < blank_below] = ""
    return text.tolist()


def _joined(values: list, separator: str = "\n") -> str | None:
    """The values joined by ``separator``, or ``None`` when not all are text (one pass in C)."""
    try:
        return separator.join(values)
    except TypeError:
        return None


def _texts(values: pd.Series) -> list[str]:
    """``str`` of every value; empty where missing."""
    array = values.to_numpy(dtype=object, na_value=None).tolist()
    if _joined(array) is None:  # not all text already (the reason column is)
        return ["" if v is None or pd.isna(v) else str(v) for v in array]
    return array


def _bools(values: Iterable) -> list[str]:
    return ["" if v is None or v is pd.NA else ("true" if v else "false") for v in values]


def carried_names(carried: Sequence[str], taken: Sequence[str]) -> dict[str, str]:
    """Output names of carried-through columns: ``input_<name>`` where a name is already taken."""
    taken_set = set(taken)
    out = {}
    for c in carried:
        name = c
        while name in taken_set:
            name = f"input_{name}"
        out[c] = name
        taken_set.add(name)
    return out


def ranking_table(
    ranked: pd.DataFrame, carried: pd.DataFrame, *, with_budget: bool
) -> pd.DataFrame:
    """The national list as text columns, exactly as written to ``ranking.csv``.

    Parameters
    ----------
    ranked
        The ranked farms in national order (``LEAD_COLUMNS`` and any ``EXTRA_COLUMNS``).
    carried
        The carried-through input columns as text, one row per ranked farm in the same order.
    with_budget
        Whether a budget was walked (else ``selected`` and ``cumulative_eur`` stay empty).
    """
    out = pd.DataFrame(
        {
            "rank": _integers(ranked["rank"]),
            "farm_id": ranked["farm_id"].astype(str).to_numpy(),
            "regions": ranked["regions"].to_numpy(),
            "priority": _bools(ranked["priority"]),
            "distance_m": _numbers(ranked["distance_m"].replace(np.inf, np.nan)),
            "nearest_n2000": _integers(ranked["nearest_n2000"], blank_below=0),
            "nh3_kg": _numbers(ranked["nh3_kg"]),
            "subsidy_eur": _numbers(ranked["subsidy_eur"]),
            "eur_per_kg": _numbers(ranked["eur_per_kg"]),
            "selected": _bools(ranked["selected"]) if with_budget else [""] * len(ranked),
            "cumulative_eur": _numbers(ranked["cumulative_eur"])
            if with_budget
            else [""] * len(ranked),
        }
    )
    extras = [c for c in EXTRA_COLUMNS if c in ranked.columns]
    for c in extras:
        values = ranked[c]
        out[c] = (
            _numbers(values)
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
            else _texts(values)
        )
    names = carried_names(list(carried.columns), [*LEAD_COLUMNS, *extras, "national_rank"])
    for c in carried.columns:
        out[names[c]] = carried[c].to_numpy(dtype=object)
    return out


def region_table(
    table: pd.DataFrame,
    positions: np.ndarray,
    selected: np.ndarray | None,
    cumulative: np.ndarray | None,
) -> pd.DataFrame:
    """A region's list: the national rows at ``positions``, ``rank`` in the region then
    ``national_rank``; ``selected``/``cumulative_eur`` from the region's own budget walk."""
    out = table.iloc[positions].reset_index(drop=True)
    out.insert(1, "national_rank", out["rank"].to_numpy())
    out["rank"] = _integers(np.arange(1, len(out) + 1))
    if selected is None:
        out["selected"] = ""
        out["cumulative_eur"] = ""
    else:
        out["selected"] = _bools(selected)
        out["cumulative_eur"] = _numbers(cumulative)
    return out


#: Characters that make a spreadsheet read a cell as a formula (or as DDE), when a cell starts with
#: them: ``=``, ``+``, ``-``, ``@``, and tab or carriage return before such a character.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"[+-]?(\d[\d.,]*|[.,]\d+)([eE][+-]?\d+)?"


def looks_like_formula(values: pd.Series) -> np.ndarray:
    """True where a text cell would start a formula in a spreadsheet (and is not a plain number:
    ``-12,5`` is a number, ``-2+3`` and ``=HYPERLINK(...)`` are formulas)."""
    text = values.astype(str)
    danger = text.str.startswith(FORMULA_START)
    if not danger.any():
        return danger.to_numpy()
    number = text.str.fullmatch(_PLAIN_NUMBER)
    return (danger & ~number).to_numpy()


def excel_table(table: pd.DataFrame, *, numeric: Iterable[str]) -> pd.DataFrame:
    """A text table for people who open CSV files in Dutch Excel.

    Numbers of the ``numeric`` columns get a decimal comma; text cells that a spreadsheet would
    run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR at the start; see
    :func:`looks_like_formula`) get a leading ``'``, so Excel shows them as text.
    """
    out = table.copy()
    numeric = set(numeric)
    for c in out.columns:
        values = out[c].astype(str)
        if c in numeric:
            out[c] = values.str.replace(".", ",", regex=False).to_numpy(dtype=object)
            continue
        risky = looks_like_formula(values)
        if risky.any():
            values = values.copy()
            values[risky] = "'" + values[risky]
            out[c] = values.to_numpy(dtype=object)
    header = pd.Series([str(c) for c in out.columns])
    risky = looks_like_formula(header)
    if risky.any():
        out.columns = ["'" + h if r else h for h, r in zip(header, risky, strict=True)]
    return out


def write_excel_csv(table: pd.DataFrame, path: Path, *, numeric: Iterable[str]) -> None:
    """Write :func:`excel_table`: ``;`` separated, decimal comma, UTF-8 with BOM, CRLF."""
    people = excel_table(table, numeric=numeric)
    _write_delimited(people, path, delimiter=";", line_end="\r\n", encoding="utf-8-sig")


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma separated, ``\\n`` line ends, quoting only where needed.

    A value is quoted when it holds the separator, a double quote, a line feed or a carriage
    return (Python's writer would not quote a lone carriage return with ``\\n`` line ends; a
    reader could take it for the end of a row).
    """
    _write_delimited(table, path, delimiter=",", line_end="\n", encoding="utf-8")


#: Rows joined into one string per write: bounds the memory of a million-row list.
_ROWS_PER_WRITE = 50_000


def _write_delimited(
    table: pd.DataFrame, path: Path, *, delimiter: str, line_end: str, encoding: str
) -> None:
    """Write a table of text as delimited rows, column by column.

    The same bytes as :class:`csv.writer` with ``QUOTE_MINIMAL`` (``""`` doubles a quote), except
    that a carriage return is always quoted; a test compares both on generated tables.
    """
    special = re.compile(f'[{re.escape(delimiter)}"\r\n]')
    header = _field_texts([str(c) for c in table.columns], special)
    lone = len(header) == 1  # a lone empty field must not read as a blank line: write ""
    columns = [table.iloc[:, j].tolist() for j in range(table.shape[1])]
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(delimiter.join([h or '""' for h in header] if lone else header) + line_end)
        for start in range(0, len(table) if columns else 0, _ROWS_PER_WRITE):
            texts = [_field_texts(c[start : start + _ROWS_PER_WRITE], special) for c in columns]
            if lone:
                texts = [[v or '""' for v in texts[0]]]
            fh.write(line_end.join(map(delimiter.join, zip(*texts, strict=True))) + line_end)


def _field_texts(values: list, special: re.Pattern) -> list[str]:
    """The text of each cell as the CSV writer puts it: ``None`` as empty, others as ``str``;
    quoted (inner quotes doubled) where ``special`` finds a character that needs it."""
    joined = _joined(values, "\x00")
    if joined is None:  # not all text
        values = ["" if v is None else str(v) for v in values]
        joined = "\x00".join(values)
    # one search over the whole column: most columns need no quoting at all
    if not special.search(joined):
        return values
    return ['"' + v.replace('"', '""') + '"' if special.search(v) else v for v in values]


def sha256_of(path: Path) -> str:
    """The sha256 of a file, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


NUMERIC_COLUMNS = _NUMERIC_COLUMNS = {
    "rank": "0",
    "national_rank": "0",
    "distance_m": "#,##0.00",
    "nearest_n2000": "0",
    "nh3_kg": "#,##0.0",
    "subsidy_eur": "#,##0",
    "eur_per_kg": "#,##0.00",
    "cumulative_eur": "#,##0",
    "sem_eur": "#,##0",
    "sem_nh3_kg": "#,##0.0",
    "sem_eur_per_kg": "#,##0.00",
    "impact_mol": "#,##0.00",
    "eur_per_mol": "#,##0.00",
}
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


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
    title, k = base, 2
    while title.lower() in used:
        suffix = f" ({k})"
        title, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(title.lower())
    return title


def write_xlsx(sheets: Sequence[tuple[str, pd.DataFrame]], path: Path) -> list[str]:
    """Write text tables to one workbook for people: numbers as numbers, text always as text.

    Text is written as text cells (inline strings), never as formulas, so a cell starting with
    ``=`` shows as typed; such text also carries Excel's quote prefix. Header bold and frozen,
    autofilter on. The sheet XML is written directly, a column at a time, into the zip: the
    same cells a general writer such as xlsxwriter gives, at a small fraction of its time per
    cell (1M rows in seconds, not minutes). Fixed dates keep the workbook the same for the same
    inputs. Returns notes (e.g. a sheet cut at Excel's row limit, or cells cut at Excel's
    32,767 characters).
    """
    notes: list[str] = []
    used: set[str] = set()
    prepared = []
    for name, table in sheets:
        title = _sheet_title(name, used)
        n = len(table)
        if n > _XLSX_MAX_ROWS:
            notes.append(
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
            cut = _write_sheet(zf, f"xl/worksheets/sheet{k}.xml", table)
            if cut:
                notes.append(
                    f"sheet {name!r}: {cut:,} cells cut to Excel's {_XLSX_MAX_CHARS:,} characters; "
                    "the CSV has them whole"
                )
    return notes


_BUILTIN_FORMAT_IDS = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}
_XLSX_FORMAT_IDS = {
    fmt: _BUILTIN_FORMAT_IDS.get(fmt, 164 + k)
    for k, fmt in enumerate(sorted(set(_NUMERIC_COLUMNS.values())))
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
    joined = _joined(values)
    if (
        name in _NUMERIC_COLUMNS
        and joined is not None
        and joined.count("\n") == len(values) - 1  # no value holds a line feed itself
        and _PLAIN_NUMBERS.fullmatch(joined)
    ):
        style = _XLSX_STYLE[_NUMERIC_COLUMNS[name]]
        array = np.asarray(values, dtype=object)
        filled = array != ""
        texts = np.full(len(values), "", dtype=object)
        if filled.any():
            texts[filled] = _numbers(array[filled].astype("float64"))
        return [
            f'<c r="{r}" s="{style}"><v>{t}</v></c>' if t else ""
            for r, t in zip(ref, texts.tolist(), strict=True)
        ]
    if (
        name not in _NUMERIC_COLUMNS
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
    if name in _NUMERIC_COLUMNS:
        style = _XLSX_STYLE[_NUMERIC_COLUMNS[name]]
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


def _write_sheet(zf: zipfile.ZipFile, member: str, table: pd.DataFrame) -> int:
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
        if ncols:
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


def write_gpkg(layers: Sequence[tuple[str, gpd.GeoDataFrame]], path: Path) -> None:
    """Write several layers to one GeoPackage."""
    import pyogrio

    for name, frame in layers:
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")


def write_manifest(manifest: dict, path: Path) -> None:
    """Write the manifest as indented, key-ordered JSON."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(manifest, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")
