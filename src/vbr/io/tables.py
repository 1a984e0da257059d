"""Read tabular and spatial files into text columns; parse numbers the way Dutch Excel writes them.

CSV: separator ``,``, ``;`` or tab (from the header line), UTF-8 with or without BOM, UTF-16 with
BOM, else Windows-1252. XLSX: the first visible sheet, or the one named. GeoPackage, GeoJSON,
Shapefile: through pyogrio, the first layer of the wanted geometry, or the one named. Every value
arrives as text (empty string for nothing), so that carried-through columns leave unchanged and
numbers are parsed in one place (:func:`parse_numbers`).

Which sheet or layer was read is stated in the table's notes whenever the file holds more than
one; what GDAL says while reading reaches the user as a note in plain words, never as a raw
warning, and a file GDAL cannot open gets a message that says what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import glob
import io
import re
import stat
import sys
import threading
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.errors import InputError
from vbr.locale import Message, say
from vbr.settings.limits import BYTES_PER_ROW, MAX_LINE_BYTES

__all__ = [
    "SPATIAL_SUFFIXES",
    "RawTable",
    "available_memory",
    "find_column",
    "no_crs_message",
    "normalise_name",
    "parse_numbers",
    "read_table",
    "row_label",
    "short_text",
    "text_frame",
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
    notes
        What the user should know about how the file was read: the sheet or layer chosen
        among several, what the GIS library reported (in plain words).
    """

    path: Path
    frame: pd.DataFrame
    geometry: object = None
    crs: object = None
    decimal: str = "."
    info: dict = field(default_factory=dict)
    row_problems: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: The date epoch of an XLSX workbook (1899-12-30, or 1904-01-01 for the Mac date system):
    #: plain numbers in a date column are days since it. ``None`` for other files.
    excel_epoch: _dt.datetime | None = None


def row_label(table: RawTable, position: int) -> Message:
    """How a message names the data row at ``position`` (0-based): ``row 5`` as a spreadsheet
    numbers it (the header is row 1; blank rows are not counted) in a CSV or XLSX file,
    ``feature 4`` in a spatial file."""
    if table.geometry is not None:
        return Message("reasons.where_feature", number=str(position + 1))
    return Message("reasons.where_row", number=str(position + 2))


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
            say("columns_ambiguous", columns=", ".join(repr(h) for h in hits), name=names[0]),
            source=str(path),
        )
    return hits[0] if hits else None


def read_table(
    path: Path,
    *,
    layer: str | None = None,
    sheet: str | None = None,
    geometry: str | None = None,
    layer_option: str = "--layer",
    sheet_option: str | None = "--sheet",
    max_rows: int | None = None,
) -> RawTable:
    """Read a CSV, XLSX or spatial file as text columns.

    Parameters
    ----------
    path
        The file.
    layer
        The layer of a spatial file to read (``None``: the first layer whose geometry is
        ``geometry``, else the first layer; the choice is noted when there are several).
    sheet
        The sheet of a workbook to read (``None``: the first visible sheet; the choice is noted
        when there are several).
    geometry
        The geometry the caller wants, ``"point"`` or ``"polygon"`` (for the layer choice).
    layer_option, sheet_option
        The options that name a layer or sheet, for messages and notes.
    max_rows
        The most data rows to read (``None``: no limit): a file with more stops before it is
        parsed, with the option ``--large`` that lifts the limit. With a limit, a file that
        would need more memory than the machine has free stops too
        (:data:`~vbr.settings.limits.BYTES_PER_ROW` per row).

    Raises
    ------
    InputError
        When the file is missing, not a regular file, empty, unreadable or of an unknown
        format, when the layer or sheet named does not exist or the file has none, or when it
        is over a size limit (a CSV line over :data:`~vbr.settings.limits.MAX_LINE_BYTES`,
        more rows than ``max_rows``, more memory than is free).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if layer is not None and suffix not in SPATIAL_SUFFIXES:
        raise InputError(
            say("layer_not_layered", file=path.name, option=layer_option),
            source=layer_option,
        )
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise InputError(
            say("sheet_not_excel", file=path.name, option=sheet_option),
            source=sheet_option,
        )
    if not path.exists():
        raise InputError(say("file_not_found"), source=str(path))
    if path.is_dir():
        raise InputError(say("is_folder"), source=str(path))
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise InputError(
            say("not_regular_fifo" if stat.S_ISFIFO(mode) else "not_regular_device"),
            source=str(path),
        )
    if path.stat().st_size == 0:
        raise InputError(say("file_empty"), source=str(path))
    if suffix in TEXT_SUFFIXES:
        return _read_csv(path, max_rows=max_rows)
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(path, sheet=sheet, sheet_option=sheet_option, max_rows=max_rows)
    if suffix in SPATIAL_SUFFIXES:
        return _read_spatial(
            path, layer=layer, geometry=geometry, layer_option=layer_option, max_rows=max_rows
        )
    if suffix == ".xls":
        raise InputError(say("xls_old"), source=str(path))
    raise InputError(
        say("unknown_type", suffix=repr(suffix or "(none)")),
        source=str(path),
    )


#: The first bytes of binary files that people rename to ``.csv`` by mistake, and what to say.
_SIGNATURES = (
    (
        b"PK\x03\x04",
        "looks_xlsx",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "looks_xls",
    ),
    (
        b"SQLite format 3\x00",
        "looks_gpkg",
    ),
)


def _read_text_bytes(path: Path, *, max_rows: int | None) -> bytes:
    """The bytes of a text file, read in pieces that are checked as they come.

    Raises
    ------
    InputError
        A known binary format under a text name; a line longer than
        :data:`~vbr.settings.limits.MAX_LINE_BYTES` (stops at that line, without reading on);
        more than ``max_rows`` data lines; more than the free memory can hold.
    """
    pieces: list[bytes] = []
    lines = 0  # line ends seen so far
    run = 0  # bytes since the last line end
    with open(path, "rb") as fh:
        while piece := fh.read(1 << 22):
            if not pieces:
                for magic, message in _SIGNATURES:
                    if piece.startswith(magic):
                        raise InputError(say(message), source=str(path))
            ends = np.flatnonzero(np.frombuffer(piece, dtype=np.uint8) == 10)
            if len(ends):
                gaps = np.diff(ends, prepend=-1 - run) - 1  # bytes of each line before its end
                too_long = np.flatnonzero(gaps > MAX_LINE_BYTES)
                if len(too_long):
                    _line_too_long(path, lines + int(too_long[0]) + 1)
                run = len(piece) - int(ends[-1]) - 1
            else:
                run += len(piece)
            if run > MAX_LINE_BYTES:
                _line_too_long(path, lines + len(ends) + 1)
            lines += len(ends)
            if max_rows is not None and lines - 1 > max_rows:
                _too_many_rows(path, say("found_more_lines", count=max_rows), max_rows)
            pieces.append(piece)
    rows = lines - 1 + (run > 0)  # a last line without a line end is a row too
    if max_rows is not None:
        if rows > max_rows:
            _too_many_rows(path, say("found_lines", count=rows), max_rows)
        _check_memory(path, rows)
    return b"".join(pieces)


def _line_too_long(path: Path, line: int) -> None:
    raise InputError(
        say("line_too_long", line=line, limit=MAX_LINE_BYTES),
        source=str(path),
    )


def _too_many_rows(path: Path, found: Message, max_rows: int) -> None:
    raise InputError(
        say("too_many_rows", found=found, limit=max_rows, gb=round(BYTES_PER_ROW * max_rows / 1e9)),
        source=str(path),
    )


#: Below this estimate (1 GiB) the free memory is not asked.
_MEMORY_WORTH_ASKING = 1 << 30


def available_memory() -> int | None:
    """Bytes of memory the system can give a process now (``MemAvailable`` of
    ``/proc/meminfo``), or ``None`` where that cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _check_memory(path: Path, rows: int) -> None:
    """Stop early when ``rows`` rows would need more memory than the machine has free."""
    needed = rows * BYTES_PER_ROW
    if needed < _MEMORY_WORTH_ASKING:
        return
    free = available_memory()
    if free is not None and needed > free:
        raise InputError(
            say("memory", rows=rows, needed=needed / 1e9, free=free / 1e9),
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
                    say("bom_mismatch", encoding=enc, detail=str(exc)), source=str(path)
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
        raise InputError(say("nul_bytes"), source=str(path))
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:65536]
    control = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    if control > max(2, len(sample) // 100):
        raise InputError(
            say("control_chars", count=control, chars=len(sample)),
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
            say("no_name", columns=", ".join(str(i + 1) for i, c in enumerate(columns) if c == ""))
        )
    seen: dict[str, int] = {}
    for c in columns:
        seen[c] = seen.get(c, 0) + 1
    dups = [c for c, n in seen.items() if n > 1 and c]
    if dups:
        problems.append(say("duplicate_names", names=", ".join(repr(d) for d in dups)))
    if problems:
        raise InputError(
            say("header_unusable"),
            source=str(path),
            problems=problems,
        )
    return columns


def _read_csv(path: Path, *, max_rows: int | None = None) -> RawTable:
    text, encoding = _decode(_read_text_bytes(path, max_rows=max_rows), path)
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    sep = _sniff_separator(first_line)
    info = {"format": "csv", "encoding": encoding, "separator": sep}
    fast = _read_plain_csv(text, sep)
    if fast is not None:
        if not fast or len(fast[0]) == 0:
            raise InputError(say("no_header"), source=str(path))
        columns = _check_header([c[0] for c in fast], path)
        frame = text_frame(columns, [c[1:] for c in fast])
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
        hint = say("quote_unclosed") if "end of data" in str(exc) else str(exc)
        raise InputError(
            say("csv_unreadable", line=start, hint=hint),
            source=str(path),
        ) from None
    rows = [r for r in rows if r and any(cell.strip() for cell in r)]
    if not rows:
        raise InputError(say("no_header"), source=str(path))
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


#: A cell (after a line feed) that is empty or starts with white space.
_BLANK_START = re.compile(r"\n\s")


def text_frame(names: list[str], columns: list[np.ndarray]) -> pd.DataFrame:
    """A frame of ``str`` columns (index 0..n-1) from object arrays of ``str`` (``None`` or NaN
    where missing), without copying them: the dtype pandas infers for them, but told it,
    pandas checks each value once instead of twice (0.7 s less at a million rows and 20
    columns). No rows: object columns, as pandas infers them. ``names`` may repeat."""
    if len(columns) == 0 or len(columns[0]) == 0:
        return pd.DataFrame(np.empty((0, len(names)), dtype=object), columns=names)
    frame = pd.DataFrame(dict(enumerate(columns)), copy=False, dtype="str")
    frame.columns = names  # (a dict keyed by the names would keep one of a repeated name)
    return frame


def _read_plain_csv(text: str, sep: str) -> list[np.ndarray] | None:
    """The columns of a CSV without quotes, each an object array of str (the header's cell
    first), read by pandas' C parser; ``None`` when the text needs the full reader (quotes,
    NUL, rows longer than the first).

    Without quote characters the csv module does nothing but split lines and fields, so both
    readers give the same cells; rows whose cells are all blank are left out, as the full reader
    does. Kept as columns (the parser's own), never as one table of cells: a million rows'
    cells turned into one array and back took 0.7 s.
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
    columns = [frame.iloc[:, j].to_numpy(dtype=object) for j in range(frame.shape[1])]
    if not columns or len(columns[0]) == 0:
        return columns
    # short rows (the full reader pads them with ""): the parser leaves their last cells
    # missing, so a row with a missing cell has its last one missing
    short = np.flatnonzero(pd.isna(columns[-1]))
    if len(short):
        columns = [column.copy() for column in columns]  # (the frame's may be read-only)
        for column in columns:
            part = column[short]
            part[pd.isna(part)] = ""
            column[short] = part
    # a row can be blank only where its first cell is (empty, or white space only): test the
    # others on those rows only. Most files have no such cell: one search of the column
    # joined tells (a cell here holds no line feed; ``\s`` is what ``str.strip`` removes).
    first = columns[0].tolist()
    if not _BLANK_START.search("\n" + "\n".join(first) + "\n"):
        return columns
    maybe = np.flatnonzero([not c.strip() for c in first])
    if len(maybe) == 0:
        return columns
    blank = np.array([not any(c[i].strip() for c in columns) for i in maybe], dtype=bool)
    if blank[0] and maybe[0] == 0:
        return None  # blank lines before the header: its width is not the first line's
    return [np.delete(column, maybe[blank]) for column in columns]


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


def _read_xlsx(
    path: Path, *, sheet: str | None, sheet_option: str | None, max_rows: int | None = None
) -> RawTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(say("xlsx_damaged", detail=str(exc)), source=str(path)) from None
    epoch = wb.epoch
    try:
        ws, notes = _choose_sheet(wb, path, sheet=sheet, sheet_option=sheet_option)
        if max_rows is not None and (ws.max_row or 0) > max_rows + 1:
            found = say("found_sheet_rows", count=ws.max_row - 1, sheet=repr(ws.title))
            _too_many_rows(path, found, max_rows)
        if max_rows is not None:
            _check_memory(path, ws.max_row or 0)
        rows = [
            r
            for r in ws.iter_rows(values_only=True)
            if r and any(v is not None and str(v).strip() for v in r)
        ]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise InputError(say("sheet_damaged", detail=str(exc)), source=str(path)) from None
    finally:
        wb.close()
    if not rows:
        others = [w.title for w in wb.worksheets if w.title != ws.title]
        raise InputError(
            say(
                "sheet_empty_others",
                sheet=repr(ws.title),
                others=", ".join(repr(o) for o in others),
                option=sheet_option,
            )
            if others and sheet_option
            else say("sheet_empty", sheet=repr(ws.title)),
            source=str(path),
        )
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
        notes=notes,
    )


def _choose_sheet(wb, path: Path, *, sheet: str | None, sheet_option: str | None):
    """The sheet to read, and a note where the workbook has more than one: the named sheet,
    else the first visible one (a hidden first sheet is passed over, and the note says so)."""
    sheets = list(wb.worksheets)
    if sheet is not None:
        titles = [ws.title for ws in sheets]
        match = [ws for ws in sheets if ws.title == sheet] or [
            ws for ws in sheets if ws.title.strip().lower() == sheet.strip().lower()
        ]
        if len(match) != 1:
            raise InputError(
                say(
                    "no_sheet",
                    sheet=repr(sheet),
                    option=sheet_option,
                    sheets=", ".join(repr(t) for t in titles),
                ),
                source=str(path),
            )
        return match[0], []
    visible = [ws for ws in sheets if ws.sheet_state == "visible"]
    ws = visible[0] if visible else sheets[0]
    if len(sheets) == 1:
        return ws, []
    hidden = [w.title for w in sheets if w.sheet_state != "visible"]
    others = [w.title for w in sheets if w.title != ws.title and w.title not in hidden]
    hidden_text = ", ".join(repr(h) for h in hidden)
    others_text = ", ".join(repr(o) for o in others)
    note = Message(
        "notes.sheet_read",
        file=path.name,
        sheet=repr(ws.title),
        hidden=Message("notes.sheet_hidden", sheets=hidden_text) if hidden else "",
        others=Message("notes.sheet_others", sheets=others_text) if others else "",
        choose=Message("notes.sheet_choose", option=sheet_option) if sheet_option else "",
    )
    return ws, [note]


#: GDAL's warnings go through Python's warning filters, which are process-wide: one spatial read
#: at a time records them, so that each file's notes hold its own.
_READ_LOCK = threading.Lock()

_KINDS = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "Shapefile",
    ".fgb": "FlatGeobuf",
    ".gml": "GML",
}


def no_crs_message(path: Path) -> Message:
    """What to say of a spatial file that declares no coordinate reference system."""
    if Path(path).suffix.lower() == ".shp":
        return say("no_prj")
    return say("no_crs")


def _read_spatial(
    path: Path,
    *,
    layer: str | None,
    geometry: str | None,
    layer_option: str,
    max_rows: int | None = None,
) -> RawTable:
    import geopandas as gpd
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    _check_shapefile_parts(path)
    gml = path.suffix.lower() == ".gml"
    notes: list[str] = []
    with _READ_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # GDAL writes a .gfs file beside a GML it lists: a GML's layer is read as GDAL picks
            layers = None if gml else pyogrio.list_layers(path)
            chosen, note = _choose_layer(
                path, layers, layer=layer, geometry=geometry, layer_option=layer_option
            )
            notes += note
            extra = {"WRITE_GFS": "NO"} if gml else {}
            if max_rows is not None:
                _check_spatial_size(path, max_rows, layer=chosen, options=extra)
            gdf = pyogrio.read_dataframe(path, layer=chosen, **extra)
        except DataLayerError as exc:
            if layer is not None:  # a GML's layers are not listed first
                raise InputError(
                    say("no_layer_unreadable", layer=repr(layer), option=layer_option),
                    source=str(path),
                ) from None
            raise _unreadable(path, exc) from None
        except (DataSourceError, OSError, ValueError, RuntimeError) as exc:
            raise _unreadable(path, exc) from None
    notes += _plain_warnings(caught, path, layer_option=layer_option)
    spatial = isinstance(gdf, gpd.GeoDataFrame) and gdf.geometry.name in gdf.columns
    geometry_name = gdf.geometry.name if spatial else None
    columns = _check_header([c for c in gdf.columns if c != geometry_name], path)
    frame = pd.DataFrame(
        {c: [_cell_text(v) for v in gdf[c].tolist()] for c in columns}, index=range(len(gdf))
    )
    frame = frame.astype(object) if len(columns) else pd.DataFrame(index=range(len(gdf)))
    crs = gdf.crs if spatial else None
    info = {"format": path.suffix.lower().lstrip("."), "crs": crs.to_string() if crs else None}
    if chosen is not None and layers is not None and len(layers) > 1:
        info["layer"] = chosen
    return RawTable(
        path=path,
        frame=frame,
        geometry=gdf.geometry.reset_index(drop=True) if spatial else None,
        crs=crs,
        decimal=".",
        info=info,
        notes=notes,
    )


#: The fewest bytes one feature of a text spatial file takes (GeoJSON's
#: ``{"type":"Feature","properties":{},"geometry":null}`` is 50).
_MIN_TEXT_FEATURE_BYTES = 40


def _check_spatial_size(
    path: Path, max_rows: int, *, layer: str | None, options: dict[str, str]
) -> None:
    """The feature count of a spatial file against ``max_rows`` and the free memory.

    GeoPackage and the other binary formats give the count from their metadata; a text format
    (GeoJSON, GML) must be parsed to count, so it is counted only when its size leaves room
    for more features than a guard allows.
    """
    import pyogrio

    if path.suffix.lower() in {".geojson", ".json", ".gml"}:
        most = path.stat().st_size // _MIN_TEXT_FEATURE_BYTES
        if most <= max_rows and most * BYTES_PER_ROW < _MEMORY_WORTH_ASKING:
            return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        count = pyogrio.read_info(path, layer=layer, force_feature_count=True, **options).get(
            "features", -1
        )
    if count > max_rows:
        _too_many_rows(path, say("found_features", count=int(count)), max_rows)
    if count > 0:
        _check_memory(path, count)


def _check_shapefile_parts(path: Path) -> None:
    """Stop when a shapefile lacks a file it cannot be read without (``.shx``, ``.dbf``)."""
    if path.suffix.lower() != ".shp":
        return
    present = {p.name.lower() for p in path.parent.glob(f"{glob.escape(path.stem)}.*")}
    missing = [
        f"{path.stem}{ext}"
        for ext, what in ((".shx", "index"), (".dbf", "attribute table"))
        if f"{path.stem}{ext}".lower() not in present
    ]
    if missing:
        raise InputError(
            say(
                "shapefile_incomplete_one" if len(missing) == 1 else "shapefile_incomplete",
                files=" & ".join(missing),
            ),
            source=str(path),
        )


def _kind_of(geometry_type: object) -> str:
    """A layer's geometry type in plain words."""
    text = str(geometry_type or "")
    if not text or text == "None":
        return "no geometry"
    for word in ("Polygon", "Point", "LineString"):
        if word in text:
            return {"Polygon": "polygons", "Point": "points", "LineString": "lines"}[word]
    return "mixed geometry"


def _choose_layer(
    path: Path,
    layers,
    *,
    layer: str | None,
    geometry: str | None,
    layer_option: str,
) -> tuple[str | None, list[str]]:
    """The layer to read and a note where the file has more than one."""
    if layers is None:
        return layer, []
    names = [str(n) for n in layers[:, 0]]
    kinds = [_kind_of(g) for g in layers[:, 1]]
    listing = ", ".join(f"{n!r} ({k})" for n, k in zip(names, kinds, strict=True))
    if layer is not None:
        match = [n for n in names if n == layer] or [
            n for n in names if n.lower() == layer.strip().lower()
        ]
        if len(match) != 1:
            raise InputError(
                say("no_layer", layer=repr(layer), option=layer_option, layers=listing),
                source=str(path),
            )
        return match[0], []
    if len(names) == 0:
        raise InputError(
            say("no_layers", kind=_KINDS.get(path.suffix.lower(), "file")),
            source=str(path),
        )
    if len(names) == 1:
        return names[0], []
    wanted = {"point": "points", "polygon": "polygons"}.get(geometry or "")
    fitting = [n for n, k in zip(names, kinds, strict=True) if k == wanted]
    chosen = fitting[0] if fitting else names[0]
    others = ", ".join(f"{n!r} ({k})" for n, k in zip(names, kinds, strict=True) if n != chosen)
    firsts = {"points": "notes.layer_first_points", "polygons": "notes.layer_first_polygons"}
    why = Message(firsts[wanted] if fitting and wanted else "notes.layer_first")
    return chosen, [
        Message(
            "notes.layer_read",
            file=path.name,
            count=len(names),
            layer=repr(chosen),
            why=why,
            others=others,
            option=layer_option,
        )
    ]


def _unreadable(path: Path, exc: Exception) -> InputError:
    """A spatial file GDAL cannot open, said plainly (GDAL's own text and its advice to prefix
    the path with a driver name are not for people)."""
    text = str(exc)
    if "OGR_GEOJSON_MAX_OBJ_SIZE" in text:
        return InputError(
            say("geojson_too_large"),
            source=str(path),
        )
    kind = _KINDS.get(path.suffix.lower(), "spatial")
    where = re.search(r"line (\d+), character (\d+)", text)
    if "not recognized as" in text or "not recognised as" in text:
        detail = say("spatial_not_kind", kind=kind)
    elif "malformed" in text or "not a database" in text or "database" in text.lower():
        detail = say("spatial_database", kind=kind)
    elif where:
        detail = say("spatial_cut", kind=kind, line=where.group(1), character=where.group(2))
    else:
        detail = say("spatial_other")
    return InputError(
        say("spatial_unreadable", suffix=path.suffix.lstrip("."), detail=detail), source=str(path)
    )


#: GDAL's warnings while reading, in plain words (pattern -> the key of the note; ``{layer}`` is
#: the first group).
_PLAIN_WARNINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"More than one layer found in '[^']*': '([^']*)' \(default\)", re.S),
        "notes.gis_layers",
    ),
    (
        re.compile(r"Measured \(M\) geometry types are not supported", re.S),
        "notes.gis_measures",
    ),
    (
        re.compile(r"Error parsing datetimes", re.S),
        "notes.gis_dates",
    ),
    (
        re.compile(r"Non closed ring", re.S),
        "notes.gis_rings",
    ),
)


def _plain_warnings(caught: list, path: Path, *, layer_option: str) -> list[str]:
    """Notes in plain words for what the GIS library warned while reading ``path``; warnings
    from elsewhere (another thread at the same time) are passed on as they were."""
    notes: list[str] = []
    for record in caught:
        origin = str(record.filename)
        if "pyogrio" not in origin and "geopandas" not in origin and "osgeo" not in origin:
            warnings.warn_explicit(record.message, record.category, record.filename, record.lineno)
            continue
        message = str(record.message)
        for pattern, text in _PLAIN_WARNINGS:
            found = pattern.search(message)
            if found:
                layer = repr(found.group(1)) if found.groups() else ""
                note = Message(text, layer=layer, option=layer_option) if layer else Message(text)
                break
        else:
            first = message.strip().splitlines()[0] if message.strip() else "(no text)"
            note = Message("notes.gis_other", text=repr(first[:200]))
        note = Message("notes.in_file", file=path.name, note=note)
        if note not in notes:
            notes.append(note)
    return notes


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
    # Fast path: plain numbers (no grouping or decimal comma possible) parse in one pass. With
    # a decimal point, text that to_numeric reads holds no comma, so no rule below applies to it;
    # with a decimal comma, only text without a point is safe (``1.500`` is 1500 there).
    plain = _to_floats(text.to_numpy(dtype=object, na_value=""))
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


#: Digits of the numbers :func:`_to_floats` reads itself: below 2**53 as whole numbers, so every
#: way of reading them gives the same float.
_PLAIN_DIGITS = 15
#: 10**k as floats (exact up to 10**22).
_POWERS_OF_TEN = np.array([10.0**k for k in range(_PLAIN_DIGITS + 1)])


def _to_floats(texts: np.ndarray) -> np.ndarray:
    """``pd.to_numeric(texts, errors="coerce")`` as float64, the same bits, in a third of the
    time for a column of plain numbers.

    pandas reads each text in C but makes a bytes object per text, and reads whole numbers a
    second time as Python ints (a million coordinates: 0.6-0.9 s). Here the texts that are
    plain decimals (an optional sign, at most one point, 1 to 15 ASCII digits) are read
    column-wise with numpy: their digits make a whole number below 2**53 (exact), divided by
    the power of ten of the digits after the point: one correctly rounded division, which is
    how pandas' ``precise_xstrtod`` reads such a text. Every other text goes to
    :func:`pandas.to_numeric`. pandas' choice of result type is kept too: a column of whole
    numbers only (nothing empty, nothing else) comes out of ints, where ``-0`` is ``0.0``;
    any other column out of floats, where it is ``-0.0``. A test compares both on generated
    texts.

    Parameters
    ----------
    texts
        An object array of ``str`` (``""`` where empty).
    """
    if len(texts) == 0:
        return np.zeros(0)
    plain, values, whole = _plain_decimals(texts)
    if plain is None or not plain.all():
        rest = texts if plain is None else texts[~plain]
        read = pd.to_numeric(rest, errors="coerce")
        if plain is None:
            return np.asarray(read, dtype="float64")
        # pandas takes ints where every text is a whole number, unless a negative one meets
        # one beyond int64 (then floats)
        ints = read.dtype.kind == "i" or (read.dtype.kind == "u" and not (values < 0).any())
        whole = whole and ints
        if read.dtype.kind in "iu" and not whole:
            # pandas reads the column as floats (it has a plain decimal or an empty text); the
            # rest alone would come out of ints: read it as part of a column of floats
            read = pd.to_numeric(np.append(rest, "0.5"), errors="coerce")[:-1]
        values[~plain] = read
    if whole:  # read as ints by pandas: no negative zero
        values += 0.0
    return values


def _plain_decimals(texts: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, bool]:
    """Which texts are plain decimals or empty (``None``: none can be told apart), their
    values as pandas reads them as floats (NaN where empty), and whether every text is a
    whole number. The texts are joined into one buffer of bytes and read a byte position at
    a time, every text at once."""
    n = len(texts)
    values = np.full(n, np.nan)
    try:
        data = ("\n".join(texts.tolist()) + "\n").encode("utf-8")
    except (TypeError, UnicodeEncodeError):  # not all text (or a lone surrogate)
        return None, values, False
    longest = _PLAIN_DIGITS + 2  # a sign, the digits and a point
    buffer = np.frombuffer(data + bytes(longest), dtype=np.uint8)
    ends = np.flatnonzero(buffer == 10)
    if len(ends) != n:  # a text holds a line feed
        return None, values, False
    starts = np.zeros(n, dtype=np.intp)
    starts[1:] = ends[:-1] + 1
    length = ends - starts
    plain = length <= longest
    first = buffer[starts]
    n_digits, n_points = np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8)
    after_point, past_point = np.zeros(n, dtype=np.int8), np.zeros(n, dtype=bool)
    whole_number = np.zeros(n, dtype=np.int64)
    for j in range(int(min(length.max(initial=0), longest))):
        inside = length > j
        byte = buffer[starts + j] if j else first
        digit = byte - np.uint8(48)  # other bytes wrap round to 10 or more
        is_digit = (digit < 10) & inside
        is_point = (byte == 46) & inside
        other = inside & ~is_digit & ~is_point
        if j == 0:
            other &= (byte != 45) & (byte != 43)  # a sign first
        plain &= ~other
        n_digits += is_digit
        n_points += is_point
        whole_number = np.where(is_digit, whole_number * 10 + digit, whole_number)
        past_point |= is_point
        after_point += is_digit & past_point
    empty = length == 0
    plain &= empty | ((n_digits >= 1) & (n_digits <= _PLAIN_DIGITS) & (n_points <= 1))
    read = whole_number / _POWERS_OF_TEN[np.minimum(after_point, _PLAIN_DIGITS)]
    read = np.where(first == 45, -read, read)
    values[plain & ~empty] = read[plain & ~empty]
    whole = not (plain & (empty | (n_points > 0))).any()
    return plain, values, whole


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
