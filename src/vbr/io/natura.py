"""Read Natura 2000 areas and the ``--overloaded`` list of area numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vbr.errors import InputError, refuse_rows
from vbr.io.polygons import check_in_netherlands, keep_with_area, read_in_rd, valid_parts
from vbr.io.tables import find_column, parse_numbers, read_table
from vbr.model import NaturaAreas

__all__ = ["load_overloaded_list", "read_natura"]

NR_NAMES = ("nr", "nummer", "gebiedsnummer", "n2000_nr", "n2k_nr", "natura2000_nr")
NAME_NAMES = ("naamN2K", "naam_n2k", "naamn2k", "naam", "name", "gebiedsnaam", "naam_n2000")


def _parse_nrs(values: pd.Series, *, path: Path, column: str) -> np.ndarray:
    numbers, unparsed = parse_numbers(values, decimal=".")
    with np.errstate(invalid="ignore"):
        bad = unparsed | np.isnan(numbers) | (numbers != np.round(numbers))
    refuse_rows(
        values.to_numpy(dtype=object),
        bad,
        f"column {column!r} must hold whole area numbers",
        source=str(path),
    )
    return numbers.astype("int64")


def load_overloaded_list(path: Path) -> set[int]:
    """Read the area numbers listed in an ``--overloaded`` file (column ``nr``)."""
    path = Path(path)
    table = read_table(path)
    column = find_column(list(table.frame.columns), NR_NAMES, path=path)
    if column is None:
        raise InputError(
            "needs a column `nr` with the numbers of the overloaded Natura 2000 areas; the file "
            f"has: {', '.join(table.frame.columns)}",
            source=str(path),
        )
    values = table.frame[column]
    values = values[values.astype(str).str.strip() != ""]
    return set(_parse_nrs(values.reset_index(drop=True), path=path, column=column).tolist())


def read_natura(path: Path) -> NaturaAreas:
    """Read Natura 2000 areas: number, name, the other columns as text and the outlines.

    Which areas count as overloaded is not decided here (every area reads as not overloaded,
    ``overloaded_by`` empty): :func:`vbr.core.overloaded.decide_overloaded` decides.

    Raises
    ------
    InputError
        When the file cannot be used: no CRS, not polygons, nothing inside the Netherlands, or
        area numbers that are not whole numbers.
    """
    path = Path(path)
    what = "Natura 2000 areas"
    frame, geoms, present, invalid, crs = read_in_rd(path, what=what)
    # only the parts are repaired now (what distances need); whole outlines when first shown
    parts, part_of, area = valid_parts(geoms, invalid)
    has_area = present & (area > 0)
    frame = keep_with_area(frame, geoms, has_area, path=path, what=what)
    check_in_netherlands(frame, crs, path=path, what=what)
    repaired = int(invalid[has_area].sum())
    dropped = int(len(geoms) - len(frame))
    kept = has_area[part_of]
    row_of = np.cumsum(has_area) - 1  # input position -> position among the kept areas
    parts, part_of = parts[kept], row_of[part_of[kept]]
    columns = [c for c in frame.columns if c != frame.geometry.name]
    nr_col = find_column(columns, NR_NAMES, path=path)
    name_col = find_column(columns, NAME_NAMES, path=path)
    notes: list[str] = []
    if nr_col:
        nrs = _parse_nrs(frame[nr_col].reset_index(drop=True), path=path, column=nr_col)
    else:
        nrs = frame.index.to_numpy(dtype="int64") + 1
        notes.append(f"{path.name} has no `nr` column: areas are numbered by their row (1, 2, ...)")
    names = (
        frame[name_col].astype(str).to_numpy(dtype=object)
        if name_col
        else np.array([f"area {n}" for n in nrs], dtype=object)
    )
    attributes = pd.DataFrame(
        {
            "nr": nrs,
            "name": names,
            "overloaded": np.zeros(len(nrs), dtype=bool),
            "overloaded_by": np.full(len(nrs), "", dtype=object),
        }
    )
    if repaired:
        notes.append(
            f"{repaired} invalid Natura 2000 geometr{'y was' if repaired == 1 else 'ies were'}"
            " repaired"
        )
    if dropped:
        notes.append(f"{dropped} Natura 2000 feature(s) without area were left out")
    return NaturaAreas(
        attributes=attributes,
        geometry=np.asarray(frame.geometry.to_numpy(), dtype=object),
        invalid=invalid[has_area],
        parts=parts,
        part_of=part_of,
        repaired=repaired,
        dropped=dropped,
        notes=notes,
        columns=pd.DataFrame(frame[columns]).reset_index(drop=True),
        path=path,
    )
