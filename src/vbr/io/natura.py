"""Read Natura 2000 areas and the ``--overloaded`` list of area numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vbr.cache import cache_folder
from vbr.errors import InputError, refuse_rows
from vbr.io.columns import FieldSet, match_columns, missing_fields_error
from vbr.io.polygons import check_in_netherlands, checked_parts, keep_with_area, read_in_rd
from vbr.io.tables import parse_numbers, read_table
from vbr.locale import Message, say
from vbr.model import NaturaAreas
from vbr.settings import ColumnMapping

__all__ = [
    "FLAG_NAMES",
    "NATURA_FIELDS",
    "load_overloaded_list",
    "read_natura",
    "read_overloaded_list",
]

NR_NAMES = ("nr", "nummer", "gebiedsnummer", "n2000_nr", "n2k_nr", "natura2000_nr")
NAME_NAMES = ("naamN2K", "naam_n2k", "naamn2k", "naam", "name", "gebiedsnaam", "naam_n2000")
#: The column that says per area whether it is overloaded (values: see
#: :mod:`vbr.core.overloaded`), and its aliases: Dutch files say ``overbelast`` or
#: ``stikstofgevoelig`` (nitrogen-sensitive, which the Vbr treats as overloaded).
FLAG_NAMES = (
    "overloaded",
    "overbelast",
    "overbelast_stikstof",
    "overbelasting",
    "stikstofgevoelig",
    "is_overloaded",
)

#: The Natura 2000 file's fields, for the column resolver (``--natura-columns``).
NATURA_FIELDS = FieldSet(
    table=say("table_natura"),
    names={"nr": NR_NAMES, "name": NAME_NAMES, "overloaded": FLAG_NAMES},
    option="--natura-columns",
    config_table="natura_columns",
    meaning={"nr": say("meaning_nr")},
)
#: The ``--overloaded`` list has one field; it has no mapping option.
_LIST_FIELDS = FieldSet(
    table=say("table_overloaded"),
    names={"nr": NR_NAMES},
    meaning={"nr": say("meaning_nr_list")},
)


def _parse_nrs(values: pd.Series, *, path: Path, column: str) -> np.ndarray:
    numbers, unparsed = parse_numbers(values, decimal=".")
    with np.errstate(invalid="ignore"):
        bad = unparsed | np.isnan(numbers) | (numbers != np.round(numbers))
    refuse_rows(
        values.to_numpy(dtype=object),
        bad,
        say("whole_area_numbers", column=repr(column)),
        source=str(path),
    )
    return numbers.astype("int64")


def load_overloaded_list(path: Path) -> set[int]:
    """Read the area numbers listed in an ``--overloaded`` file (column ``nr``)."""
    return read_overloaded_list(path)[0]


def read_overloaded_list(path: Path) -> tuple[set[int], list[str]]:
    """Read the area numbers listed in an ``--overloaded`` file (column ``nr``), and the notes
    of reading it (the sheet chosen in a workbook of several).

    Raises
    ------
    InputError
        No ``nr`` column, numbers that are not whole, or no number at all.
    """
    path = Path(path)
    table = read_table(path, sheet_option=None)
    columns = list(table.frame.columns)
    column = match_columns(columns, _LIST_FIELDS, path=path)["nr"]
    if column is None:
        raise missing_fields_error(_LIST_FIELDS, ["nr"], columns=columns, path=path)
    values = table.frame[column]
    values = values[values.astype(str).str.strip() != ""]
    if len(values) == 0:
        raise InputError(
            say("no_area_numbers", column=repr(column)),
            source=str(path),
        )
    numbers = _parse_nrs(values.reset_index(drop=True), path=path, column=column)
    return set(numbers.tolist()), table.notes


def read_natura(
    path: Path, *, columns: ColumnMapping | None = None, layer: str | None = None
) -> NaturaAreas:
    """Read Natura 2000 areas: number, name, the other columns as text and the outlines.

    Which areas count as overloaded is not decided here (every area reads as not overloaded,
    ``overloaded_by`` empty): :func:`vbr.core.overloaded.decide_overloaded` decides, with the
    flag column found here (``sources["overloaded"]``).

    Parameters
    ----------
    path
        The file.
    columns
        Input columns named for ``nr``, ``name``, ``overloaded`` (``--natura-columns``).
    layer
        The layer to read (``--natura-layer``; default: the first layer of polygons).

    Raises
    ------
    InputError
        When the file cannot be used: no CRS, not polygons, nothing inside the Netherlands, or
        area numbers that are not whole numbers; two columns that could be one field; a mapping
        that names a column the file does not have.
    """
    path = Path(path)
    what = say("what_natura")
    frame, geoms, present, crs, read_notes = read_in_rd(
        path, what=what, layer=layer, layer_option="--natura-layer"
    )
    # only the parts are repaired now (what distances need); whole outlines when first shown
    invalid, parts, part_of, area = checked_parts(geoms, present, folder=cache_folder())
    has_area = present & (area > 0)
    frame = keep_with_area(frame, geoms, has_area, path=path, what=what)
    check_in_netherlands(frame, crs, path=path, what=what)
    repaired = int(invalid[has_area].sum())
    dropped = int(len(geoms) - len(frame))
    kept = has_area[part_of]
    row_of = np.cumsum(has_area) - 1  # input position -> position among the kept areas
    parts, part_of = parts[kept], row_of[part_of[kept]]
    input_columns = [c for c in frame.columns if c != frame.geometry.name]
    match = match_columns(input_columns, NATURA_FIELDS, path=path, mapping=columns)
    nr_col, name_col = match["nr"], match["name"]
    notes: list[str] = list(read_notes)
    if nr_col:
        nrs = _parse_nrs(frame[nr_col].reset_index(drop=True), path=path, column=nr_col)
    else:
        nrs = frame.index.to_numpy(dtype="int64") + 1
        notes.append(Message("notes.natura_no_nr", file=path.name))
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
        key = "notes.natura_repaired_one" if repaired == 1 else "notes.natura_repaired"
        notes.append(Message(key, count=int(repaired)))
    if dropped:
        notes.append(Message("notes.natura_dropped", count=int(dropped)))
    return NaturaAreas(
        attributes=attributes,
        geometry=np.asarray(frame.geometry.to_numpy(), dtype=object),
        invalid=invalid[has_area],
        parts=parts,
        part_of=part_of,
        repaired=repaired,
        dropped=dropped,
        notes=notes,
        columns=pd.DataFrame(frame[input_columns]).reset_index(drop=True),
        path=path,
        sources={
            "nr": match.source("nr", made=None if nr_col else "row number"),
            "name": match.source("name", made=None if name_col else "'area' and the number"),
            "overloaded": match.source("overloaded"),
        },
        rows=frame.index.to_numpy(dtype="int64") + 1,
    )
