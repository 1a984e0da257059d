"""Write the lists: ranking.csv, rejected.csv, ranking.xlsx, ranking.gpkg, regions, manifest."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = [
    "EXTRA_COLUMNS",
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


def _integers(values: Iterable) -> list[str]:
    return np.asarray(values, dtype="int64").astype(str).tolist()


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
            "distance_m": _numbers(ranked["distance_m"]),
            "nearest_n2000": _integers(ranked["nearest_n2000"]),
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
            else ["" if pd.isna(v) else str(v) for v in values]
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


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma separated, ``\\n`` line ends, quoting only where needed."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(table.columns))
        # one list per column, zipped: much faster than itertuples on pandas string columns
        columns = [table.iloc[:, j].tolist() for j in range(table.shape[1])]
        writer.writerows(zip(*columns, strict=True))


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

    Text is written as text cells, never as formulas, so a cell starting with ``=`` shows as
    typed. Header frozen, autofilter on. Returns notes (e.g. a sheet cut at Excel's row limit,
    or cells cut at Excel's 32,767 characters).
    """
    import xlsxwriter

    notes: list[str] = []
    used: set[str] = set()
    with xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False}
    ) as wb:
        # A fixed creation date keeps the workbook the same for the same inputs.
        wb.set_properties({"created": _FIXED_DATE})
        bold = wb.add_format({"bold": True})
        formats = {
            fmt: wb.add_format({"num_format": fmt}) for fmt in set(_NUMERIC_COLUMNS.values())
        }
        for name, table in sheets:
            ws = wb.add_worksheet(_sheet_title(name, used))
            cols = [str(c) for c in table.columns]
            ws.freeze_panes(1, 0)
            n = len(table)
            if n > _XLSX_MAX_ROWS:
                notes.append(
                    f"sheet {name!r} holds the first {_XLSX_MAX_ROWS:,} of {n:,} rows (Excel's "
                    "limit); the CSV has all"
                )
                table = table.iloc[:_XLSX_MAX_ROWS]
            for j, c in enumerate(cols):
                ws.write_string(0, j, c, bold)
            if cols:
                ws.autofilter(0, 0, len(table), len(cols) - 1)
            kinds = [
                ("number", formats[_NUMERIC_COLUMNS[c]])
                if c in _NUMERIC_COLUMNS
                else ("bool", None)
                if c in _BOOLEAN_COLUMNS
                else ("text", None)
                for c in cols
            ]
            cut = 0
            for i, row in enumerate(table.itertuples(index=False, name=None), start=1):
                for j, value in enumerate(row):
                    if value == "" or value is None:
                        continue
                    kind, fmt = kinds[j]
                    if kind == "number":
                        number = _finite_number(value)
                        if number is not None:
                            ws.write_number(i, j, number, fmt)
                            continue
                    elif kind == "bool" and value in ("true", "false"):
                        ws.write_boolean(i, j, value == "true")
                        continue
                    text = str(value)
                    if len(text) > _XLSX_MAX_CHARS:
                        cut += 1
                        text = text[:_XLSX_MAX_CHARS]
                    ws.write_string(i, j, text)
            if cut:
                notes.append(
                    f"sheet {name!r}: {cut:,} cells cut to Excel's {_XLSX_MAX_CHARS:,} characters; "
                    "the CSV has them whole"
                )
    return notes


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
