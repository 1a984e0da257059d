"""Write the lists: ranking.csv, rejected.csv, ranking.xlsx, ranking.gpkg, regions, manifest."""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = [
    "LEAD_COLUMNS",
    "format_number",
    "ranking_table",
    "region_table",
    "sha256_of",
    "write_csv",
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
    return [format_number(v) for v in values]


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
    ranked: pd.DataFrame, carried: Sequence[str], *, with_budget: bool
) -> pd.DataFrame:
    """The national list as text columns, exactly as written to ``ranking.csv``."""
    out = pd.DataFrame(
        {
            "rank": [str(r) for r in ranked["rank"]],
            "farm_id": ranked["farm_id"].astype(str).to_numpy(),
            "regions": ranked["regions"].to_numpy(),
            "priority": _bools(ranked["priority"]),
            "distance_m": _numbers(ranked["distance_m"]),
            "nearest_n2000": [str(int(v)) for v in ranked["nearest_n2000"]],
            "nh3_kg": _numbers(ranked["nh3_kg"]),
            "subsidy_eur": _numbers(ranked["subsidy_eur"]),
            "eur_per_kg": _numbers(ranked["eur_per_kg"]),
            "selected": _bools(ranked["selected"]) if with_budget else [""] * len(ranked),
            "cumulative_eur": _numbers(ranked["cumulative_eur"])
            if with_budget
            else [""] * len(ranked),
        }
    )
    names = carried_names(carried, LEAD_COLUMNS)
    for c in carried:
        out[names[c]] = ranked[c].to_numpy(dtype=object)
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
    out["rank"] = [str(i) for i in range(1, len(out) + 1)]
    if selected is None:
        out["selected"] = ""
        out["cumulative_eur"] = ""
    else:
        out["selected"] = _bools(selected)
        out["cumulative_eur"] = _numbers(cumulative)
    return out


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma separated, ``\\n`` line ends, quoting only where needed."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(table.columns))
        writer.writerows(table.itertuples(index=False, name=None))


def sha256_of(path: Path) -> str:
    """The sha256 of a file, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_NUMERIC_COLUMNS = {
    "rank": "0",
    "national_rank": "0",
    "distance_m": "#,##0.00",
    "nearest_n2000": "0",
    "nh3_kg": "#,##0.0",
    "subsidy_eur": "#,##0",
    "eur_per_kg": "#,##0.00",
    "cumulative_eur": "#,##0",
}
_BOOLEAN_COLUMNS = frozenset({"priority", "selected"})
_XLSX_MAX_ROWS = 1_048_575


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

    Text is written as text cells, never as formulas, so a cell starting with ``=`` shows as
    typed. Header frozen, autofilter on. Returns notes (e.g. a sheet cut at Excel's row limit).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    notes = []
    wb = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for name, table in sheets:
        ws = wb.create_sheet(_sheet_title(name, used))
        ws.freeze_panes = "A2"
        cols = list(table.columns)
        header = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=str(c))
            cell.font = bold
            cell.data_type = "s"
            header.append(cell)
        ws.append(header)
        numeric = [_NUMERIC_COLUMNS.get(c) for c in cols]
        boolean = [c in _BOOLEAN_COLUMNS for c in cols]
        n = len(table)
        if n > _XLSX_MAX_ROWS:
            notes.append(
                f"sheet {name!r} holds the first {_XLSX_MAX_ROWS:,} of {n:,} rows (Excel's "
                "limit); the CSV has all"
            )
            table = table.iloc[:_XLSX_MAX_ROWS]
        if len(cols):
            ws.auto_filter.ref = f"A1:{_column_letter(len(cols))}{len(table) + 1}"
        for row in table.itertuples(index=False, name=None):
            cells = []
            for value, fmt, is_bool in zip(row, numeric, boolean, strict=True):
                number = _finite_number(value) if fmt is not None and value != "" else None
                if number is not None:
                    cell = WriteOnlyCell(ws, value=number)
                    cell.number_format = fmt
                elif is_bool and value in ("true", "false"):
                    cell = WriteOnlyCell(ws, value=value == "true")
                else:
                    cell = WriteOnlyCell(ws, value=None if value == "" else str(value))
                    if value != "":
                        cell.data_type = "s"
                cells.append(cell)
            ws.append(cells)
    wb.save(path)
    return notes


def _column_letter(k: int) -> str:
    letters = ""
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(65 + r) + letters
    return letters


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
