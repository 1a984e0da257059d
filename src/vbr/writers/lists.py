"""The CSV lists: ranking.csv, rejected.csv, the region lists, their Excel versions and the
further lists of a run (:func:`write_lists`).
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.model import WriteReport
from vbr.writers.apart import runs_apart
from vbr.writers.context import WriteContext
from vbr.writers.tables import (
    BOOLEAN_COLUMNS,
    as_text,
    numeric_columns,
    output_columns,
    people_headers,
    yes_no,
)
from vbr.writers.text import (
    format_number,
    join_all,
    neutralise_formulas,
    replace_in_all,
)

__all__ = ["excel_table", "write_csv", "write_excel_csv", "write_lists"]


# reads the finished result only: written beside the workbook and the maps
@runs_apart(settle=WriteContext.make_lists_text)
def write_lists(context: WriteContext) -> WriteReport:
    """Write every CSV list: ``ranking.csv``, ``rejected.csv``, ``decisions.csv``, their
    ``*_excel.csv``, the further lists (``nh3_check.csv`` ...), ``<slug>/ranking.csv`` and
    ``ranking_excel.csv`` per region, and ``priority_changes.csv`` with an exceedance raster."""
    result, folder = context.result, context.folder
    t0 = time.perf_counter()
    table = context.ranking_text()
    numeric = [*numeric_columns(result.ranked), *context.carried_numbers()]
    lang = result.options.config.language
    known = output_columns(result.ranked)
    written = [folder / "ranking.csv", folder / "rejected.csv", folder / "decisions.csv"]
    write_csv(table, written[0])
    write_csv(result.rejected, written[1])
    write_csv(context.decisions_text(), written[2])
    for name, extra in result.extra_tables.items():
        write_csv(neutralise_formulas(as_text(extra)), folder / name)
    t1 = time.perf_counter()
    written += [folder / "ranking_excel.csv", folder / "rejected_excel.csv"]
    write_excel_csv(table, written[3], numeric=numeric, lang=lang, known=known)
    write_excel_csv(
        result.rejected,
        written[4],
        numeric=context.rejected_numbers(),
        lang=lang,
        known=("farm_id", "reason"),
    )
    written += [folder / name for name in result.extra_tables]
    t2 = time.perf_counter()
    for region in result.region_lists:
        rt = context.region_text(region)
        (folder / region.slug).mkdir(exist_ok=True)  # the maps may have made it
        write_csv(rt, folder / region.slug / "ranking.csv")
        write_excel_csv(
            rt, folder / region.slug / "ranking_excel.csv", numeric=numeric, lang=lang, known=known
        )
        written += [
            folder / region.slug / "ranking.csv",
            folder / region.slug / "ranking_excel.csv",
        ]
    if result.priority_changes is not None:
        write_csv(
            neutralise_formulas(_changes_table(result.priority_changes)),
            folder / "priority_changes.csv",
        )
        written.append(folder / "priority_changes.csv")
    t3 = time.perf_counter()
    timings = {"ranking_csv": t1 - t0, "excel_csv": t2 - t1, "region_csv": t3 - t2}
    return WriteReport(files=tuple(written), timings=timings)


def _changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "farm_id": changes["farm_id"].astype(str).to_numpy(),
            "change": changes["change"].to_numpy(),
            "distance_whole_area_m": [format_number(v) for v in changes["distance_whole_area_m"]],
            "distance_zone_m": [format_number(v) for v in changes["distance_zone_m"]],
        }
    )


def excel_table(
    table: pd.DataFrame,
    *,
    numeric: Iterable[str],
    lang: str | None = None,
    known: Iterable[str] = (),
) -> pd.DataFrame:
    """A text table for people who open CSV files in Dutch Excel.

    Numbers of the ``numeric`` columns (carried-through numeric columns among them) get a
    decimal comma and no thousands mark; text cells that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR at the start; see :func:`looks_like_formula`) get a
    leading ``'``, so Excel shows them as text. With ``lang``, the ``known`` columns get their
    headers in words (:func:`~vbr.writers.tables.people_headers`), the others keep their names,
    and ``priority`` and ``selected`` say yes or no in words (``ja``/``nee``).
    """
    out = table.copy()
    numeric = [c for c in out.columns if c in set(numeric)]
    for c in numeric:
        out[c] = np.array(replace_in_all(out[c].astype(str).tolist(), ".", ","), dtype=object)
    out = neutralise_formulas(out, numeric=numeric)  # a copy of ``table`` either way
    if lang is not None:
        for c in BOOLEAN_COLUMNS & set(out.columns):
            out[c] = yes_no(out[c], lang)
        out.columns = people_headers([str(c) for c in out.columns], lang, known=known)
    return out


def write_excel_csv(
    table: pd.DataFrame,
    path: Path,
    *,
    numeric: Iterable[str],
    lang: str | None = None,
    known: Iterable[str] = (),
) -> None:
    """Write :func:`excel_table`: headers in the run's language, ``;`` separated, decimal comma,
    UTF-8 with BOM, CRLF."""
    people = excel_table(table, numeric=numeric, lang=lang, known=known)
    _write_delimited(people, path, delimiter=";", line_end="\r\n", encoding="utf-8-sig")


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma separated, ``\\n`` line ends, quoting only where needed.

    A value is quoted when it holds the separator, a double quote, a line feed or a carriage
    return (Python's writer would not quote a lone carriage return with ``\\n`` line ends; a
    reader could take it for the end of a row).
    """
    _write_delimited(table, path, delimiter=",", line_end="\n", encoding="utf-8")


#: Rows joined into one string per write: bounds the memory of a million-row list.
_ROWS_PER_WRITE = 20_000


def _write_delimited(
    table: pd.DataFrame, path: Path, *, delimiter: str, line_end: str, encoding: str
) -> None:
    """Write a table of text as delimited rows, column by column.

    The same bytes as :class:`csv.writer` with ``QUOTE_MINIMAL`` (``""`` doubles a quote), except
    that a carriage return is always quoted; a test compares both on generated tables. The rows
    are joined and encoded here in blocks while a thread writes the block before (a write
    releases the GIL), at most one block waiting.
    """
    special = (delimiter, '"', "\r", "\n")
    header = _field_texts([str(c) for c in table.columns], special)
    lone = len(header) == 1  # a lone empty field must not read as a blank line: write ""
    # the columns as they are held (no copy: a list of a million rows' values would take 8 MB
    # a column), made lists a block at a time
    columns = [table.iloc[:, j].to_numpy(dtype=object) for j in range(table.shape[1])]
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with (
        open(path, "wb") as fh,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="vbr-csv") as pool,
    ):
        if encoding == "utf-8-sig":
            fh.write(codecs.BOM_UTF8)
        header_line = delimiter.join([h or '""' for h in header] if lone else header)
        pending = pool.submit(fh.write, (header_line + line_end).encode(codec))
        for start in range(0, len(table) if columns else 0, _ROWS_PER_WRITE):
            stop = start + _ROWS_PER_WRITE
            texts = [_field_texts(c[start:stop].tolist(), special) for c in columns]
            if lone:
                texts = [[v or '""' for v in texts[0]]]
            block = line_end.join(map(delimiter.join, zip(*texts, strict=True))) + line_end
            block = block.encode(codec)
            pending.result()  # the block before is written (or its error raised here)
            pending = pool.submit(fh.write, block)
        pending.result()


def _field_texts(values: list, special: tuple[str, ...]) -> list[str]:
    """The text of each cell as the CSV writer puts it: ``None`` as empty, others as ``str``;
    quoted (inner quotes doubled) where it holds a character of ``special``."""
    joined = join_all(values, "\x00")
    if joined is None:  # not all text
        values = ["" if v is None else str(v) for v in values]
        joined = "\x00".join(values)
    # one search over the whole column: most columns need no quoting at all
    present = [c for c in special if c in joined]
    if not present:
        return values
    if present == [special[0]]:  # only the separator (the reasons' commas): one test a value
        sep = special[0]
        return ['"' + v + '"' if sep in v else v for v in values]
    a, b, c, d = special  # four ``in`` tests are several times faster than a regex per value
    return [
        '"' + v.replace('"', '""') + '"' if (a in v or b in v or c in v or d in v) else v
        for v in values
    ]
