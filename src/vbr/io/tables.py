"""Read tabular and spatial files into text columns; parse numbers the way Dutch Excel writes them.

CSV: separator ``,``, ``;`` or tab (from the header line), UTF-8 with or without BOM, UTF-16 with
BOM, else Windows-1252. XLSX: the first sheet. GeoPackage, GeoJSON, Shapefile: through pyogrio.
Every value arrives as text (empty string for nothing), so that carried-through columns leave
unchanged and numbers are parsed in one place (:func:`parse_numbers`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import re
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.errors import InputError

__all__ = [
    "SPATIAL_SUFFIXES",
    "RawTable",
    "find_column",
    "normalise_name",
    "parse_numbers",
    "read_table",
    "row_label",
    "short_text",
]

SPATIAL_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".fgb", ".gml"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class RawTable:
    """A file read as text columns.

    Attributes
    ----------
    frame
        One column per input column (original names, in file order), values as ``str``.
    geometry
        The geometries of a spatial file (a GeoSeries), else ``None``.
    crs
        The CRS a spatial file declares (``None`` when it declares none).
    decimal
        The decimal mark the file most likely uses (``","`` for ``;``-separated CSV).
    info
        How the file was read (format, encoding, separator), for the manifest.
    row_problems
        Problems per row found while reading (row position -> text), e.g. too many fields.
    excel_epoch
        The date epoch of an XLSX workbook, else ``None``.
    """

    path: Path
    frame: pd.DataFrame
    geometry: object = None
    crs: object = None
    decimal: str = "."
    info: dict = field(default_factory=dict)
    row_problems: dict[int, str] = field(default_factory=dict)
    #: The date epoch of an XLSX workbook (1899-12-30, or 1904-01-01 for the Mac date system):
    #: plain numbers in a date column are days since it. ``None`` for other files.
    excel_epoch: _dt.datetime | None = None


def row_label(table: RawTable, position: int) -> str:
    """How a message names the data row at ``position`` (0-based): ``row 5`` as a spreadsheet
    numbers it (the header is row 1; blank rows are not counted) in a CSV or XLSX file,
    ``feature 4`` in a spatial file."""
    if table.geometry is not None:
        return f"feature {position + 1}"
    return f"row {position + 2}"


def short_text(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: ``repr`` of its text, cut after ``limit`` characters."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def normalise_name(name: str) -> str:
    """Lower-case a column name and fold spaces, hyphens and dots to underscores."""
    return re.sub(r"[\s\-./]+", "_", str(name).strip().lower()).strip("_")


def find_column(frame_columns: list[str], names: tuple[str, ...], *, path: Path) -> str | None:
    """Find the one column whose normalised name is one of ``names``.

    Raises
    ------
    InputError
        When two columns match (e.g. ``x`` and ``X``): the tool cannot know which is meant.
    """
    wanted = {normalise_name(n) for n in names}
    hits = [c for c in frame_columns if normalise_name(c) in wanted]
    if len(hits) > 1:
        raise InputError(
            f"columns {', '.join(repr(h) for h in hits)} all mean `{names[0]}`; keep one of them",
            source=str(path),
        )
    return hits[0] if hits else None


def read_table(path: Path) -> RawTable:
    """Read a CSV, XLSX or spatial file as text columns.

    Raises
    ------
    InputError
        When the file is missing, empty, unreadable or of an unknown format.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", source=str(path))
    if path.is_dir():
        raise InputError("is a folder, not a file", source=str(path))
    if path.stat().st_size == 0:
        raise InputError("the file is empty", source=str(path))
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(path)
    if suffix in SPATIAL_SUFFIXES:
        return _read_spatial(path)
    if suffix == ".xls":
        raise InputError(
            "old Excel .xls is not supported; save it as .xlsx or CSV", source=str(path)
        )
    raise InputError(
        f"unknown file type {suffix or '(none)'!r}; use CSV, XLSX, GeoPackage or GeoJSON",
        source=str(path),
    )


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {enc} mark but is not {enc}: {exc}", source=str(path)
                ) from None
    head = data[:65536]
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is NUL.
        even, odd = head[0::2], head[1::2]
        for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
            if len(zeros) and zeros.count(0) / len(zeros) > 0.9:
                try:
                    return data.decode(enc), enc
                except UnicodeDecodeError:
                    break
        raise InputError(
            "is not a text file (it holds NUL bytes); save it as CSV (UTF-8)", source=str(path)
        )
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:65536]
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    if control > max(2, len(sample) // 100):
        raise InputError(
            f"is not a text file ({control} control characters in its first "
            f"{len(sample):,} characters); save it as CSV (UTF-8)",
            source=str(path),
        )
    return text, encoding


def _sniff_separator(header: str) -> str:
    counts = {sep: 0 for sep in (",", ";", "\t")}
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def _check_header(columns: list[str], path: Path) -> list[str]:
    columns = [str(c).strip() for c in columns]
    problems = []
    if any(c == "" for c in columns):
        problems.append(
            "column(s) "
            + ", ".join(str(i + 1) for i, c in enumerate(columns) if c == "")
            + " have no name"
        )
    seen: dict[str, int] = {}
    for c in columns:
        seen[c] = seen.get(c, 0) + 1
    dups = [c for c, n in seen.items() if n > 1 and c]
    if dups:
        problems.append("duplicate column name(s): " + ", ".join(repr(d) for d in dups))
    if problems:
        raise InputError(
            "the header row cannot be used; give every column one unique name",
            source=str(path),
            problems=problems,
        )
    return columns


def _read_csv(path: Path) -> RawTable:
    text, encoding = _decode(path.read_bytes(), path)
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    sep = _sniff_separator(first_line)
    info = {"format": "csv", "encoding": encoding, "separator": sep}
    fast = _read_plain_csv(text, sep)
    if fast is not None:
        if len(fast) == 0:
            raise InputError("the file holds no header row", source=str(path))
        columns = _check_header(list(fast[0]), path)
        frame = pd.DataFrame(fast[1:], columns=columns)
        return RawTable(
            path=path, frame=frame, decimal="," if sep == ";" else ".", info=info, row_problems={}
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows: list[list[str]] = []
    start = 1  # the line on which the record being read began
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        hint = (
            'a quote (") opens a value that is never closed'
            if "end of data" in str(exc)
            else str(exc)
        )
        raise InputError(
            f"cannot be read as CSV at line {start}: {hint}; every value that starts "
            'with a quote must end with one (write a quote inside a value as "")',
            source=str(path),
        ) from None
    rows = [r for r in rows if r and any(cell.strip() for cell in r)]
    if not rows:
        raise InputError("the file holds no header row", source=str(path))
    columns = _check_header(rows[0], path)
    frame, problems = _padded_frame(
        rows[1:],
        columns,
        too_long=lambda r: f"row has {len(r)} fields, the header has {len(columns)}",
    )
    return RawTable(
        path=path,
        frame=frame,
        decimal="," if sep == ";" else ".",
        info=info,
        row_problems=problems,
    )


def _padded_frame(
    rows: list[list[str]], columns: list[str], *, too_long
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Rows as a text frame: short rows padded with ``""``; a row with values beyond the named
    columns keeps its first ones and gets the problem ``too_long(row)``."""
    width = len(columns)
    problems: dict[int, str] = {}
    body = []
    for i, r in enumerate(rows):
        if len(r) > width and any(cell.strip() for cell in r[width:]):
            problems[i] = too_long(r)
        body.append((r + [""] * width)[:width])
    frame = pd.DataFrame(np.array(body, dtype=object).reshape(len(body), width), columns=columns)
    return frame, problems


def _read_plain_csv(text: str, sep: str) -> np.ndarray | None:
    """Rows of a CSV without quotes, as an object array of str (header row first), read by
    pandas' C parser; ``None`` when the text needs the full reader (quotes, NUL, rows longer
    than the first).

    Without quote characters the csv module does nothing but split lines and fields, so both
    readers give the same cells; rows whose cells are all blank are left out, as the full reader
    does.
    """
    if '"' in text or "\x00" in text:
        return None
    text = text.replace("\r\n", "\n")
    if "\r" in text:  # a lone carriage return ends a line for the csv module
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=object,
            na_filter=False,
            keep_default_na=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=True,
            engine="c",
            low_memory=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    cells = frame.to_numpy(dtype=object)
    if cells.size == 0:
        return cells.reshape(0, cells.shape[1] if cells.ndim == 2 else 0)
    missing = pd.isna(cells)
    if missing.any():  # short rows: the full reader pads them with ""
        cells[missing] = ""
    # a row can be blank only where its first cell is: test the others on those rows only
    maybe = np.flatnonzero(pd.Series(cells[:, 0]).str.strip().to_numpy() == "")
    if len(maybe) == 0:
        return cells
    blank = np.array([not any(c.strip() for c in cells[i]) for i in maybe], dtype=bool)
    if blank[0] and maybe[0] == 0:
        return None  # blank lines before the header: its width is not the first line's
    return np.delete(cells, maybe[blank], axis=0)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            f"cannot be opened as an Excel workbook (damaged or not .xlsx): {exc}", source=str(path)
        ) from None
    epoch = wb.epoch
    try:
        ws = wb.worksheets[0]
        rows = [
            r
            for r in ws.iter_rows(values_only=True)
            if r and any(v is not None and str(v).strip() for v in r)
        ]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise InputError(
            f"the first sheet cannot be read (damaged workbook?): {exc}", source=str(path)
        ) from None
    finally:
        wb.close()
    if not rows:
        raise InputError("the first sheet is empty", source=str(path))
    header = list(rows[0])
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    columns = _check_header([_cell_text(h) for h in header], path)
    frame, problems = _padded_frame(
        [[_cell_text(v) for v in r] for r in rows[1:]],
        columns,
        too_long=lambda r: f"row has values beyond the {len(columns)} named columns",
    )
    return RawTable(
        path=path,
        frame=frame,
        decimal=".",
        info={"format": "xlsx", "sheet": ws.title},
        row_problems=problems,
        excel_epoch=epoch,
    )


def _read_spatial(path: Path) -> RawTable:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        with warnings.catch_warnings():
            # GDAL's own complaints about a damaged file; the error below says it plainly.
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = (
                pyogrio.read_dataframe(path, WRITE_GFS="NO")
                if path.suffix.lower() == ".gml"
                else pyogrio.read_dataframe(path)
            )
    except (DataSourceError, DataLayerError, OSError, ValueError, RuntimeError) as exc:
        raise InputError(
            f"cannot be read as a spatial file (damaged, cut short, or not a "
            f"{path.suffix.lstrip('.')} file): {exc}",
            source=str(path),
        ) from None
    columns = _check_header([c for c in gdf.columns if c != gdf.geometry.name], path)
    frame = pd.DataFrame(
        {c: [_cell_text(v) for v in gdf[c].tolist()] for c in columns}, index=range(len(gdf))
    )
    frame = frame.astype(object) if len(columns) else pd.DataFrame(index=range(len(gdf)))
    return RawTable(
        path=path,
        frame=frame,
        geometry=gdf.geometry.reset_index(drop=True),
        crs=gdf.crs,
        decimal=".",
        info={
            "format": path.suffix.lower().lstrip("."),
            "crs": gdf.crs.to_string() if gdf.crs else None,
        },
    )


_SPACES = re.compile(r"[\s\u00a0\u202f'€]")


def _grouped(thousands: str, decimal: str, *, min_groups: int) -> str:
    t, d = re.escape(thousands), re.escape(decimal)
    return rf"[+-]?\d{{1,3}}({t}\d{{3}}){{{min_groups},}}({d}\d*)?"


def parse_numbers(values: pd.Series, *, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse text to float, accepting decimal comma and thousands separators.

    Parameters
    ----------
    values
        Text values.
    decimal
        The file's decimal mark, ``"."`` or ``","`` (``","`` for ``;``-separated CSV). Rules, in
        order: digits grouped by three with the other mark are thousands (``1.234.567,89`` or
        ``1.500`` in a decimal-comma file); the opposite convention is recognised only where it
        cannot be misread (``1,234,567.89``: two groups, or both marks); otherwise one lone
        comma is a decimal comma (``12,5``) and one lone point a decimal point (``12.5``).

    Returns
    -------
    numbers, unparsed
        Floats (NaN where empty or not a number; ``inf`` stays ``inf``) and a boolean mask of
        non-empty values that are not numbers.
    """
    text = values.astype(str)
    # Fast path: plain numbers (no grouping or decimal comma possible) parse in one C pass. With
    # a decimal point, text that to_numeric reads holds no comma, so no rule below applies to it;
    # with a decimal comma, only text without a point is safe (``1.500`` is 1500 there).
    plain = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    safe = ~np.isnan(plain)
    if decimal != ".":
        safe &= ~text.str.contains(".", regex=False).to_numpy(dtype=bool)
    unparsed = np.zeros(len(plain), dtype=bool)
    if safe.all():
        return plain, unparsed
    numbers = plain.copy()  # to_numpy may hand out a read-only view
    rest = ~safe
    numbers[rest], unparsed[rest] = _parse_numbers_by_rules(
        text[rest].reset_index(drop=True), decimal=decimal
    )
    return numbers, unparsed


def _parse_numbers_by_rules(values: pd.Series, *, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    s = values.astype(str).str.replace(_SPACES, "", regex=True)
    other = "." if decimal == "," else ","
    own = s.str.fullmatch(_grouped(other, decimal, min_groups=1))
    foreign = ~own & (
        s.str.fullmatch(_grouped(decimal, other, min_groups=2))
        | (
            s.str.fullmatch(_grouped(decimal, other, min_groups=1))
            & s.str.contains(other, regex=False)
        )
    )
    out = s.copy()
    out[own] = s[own].str.replace(other, "", regex=False).str.replace(",", ".", regex=False)
    out[foreign] = (
        s[foreign].str.replace(decimal, "", regex=False).str.replace(",", ".", regex=False)
    )
    plain = ~(own | foreign)
    comma = plain & (s.str.count(",") == 1) & ~s.str.contains(".", regex=False)
    out[comma] = s[comma].str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(out, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    empty = s.str.len().to_numpy() == 0
    unparsed = np.isnan(numbers) & ~empty
    return numbers, unparsed
