"""Which Natura 2000 areas count as overloaded: the one place that decides it (contract section 3).

An area counts as overloaded when, in this order: its own ``overloaded`` column (or an alias,
:data:`FLAG_NAMES`) says so; else its area number is in the ``--overloaded`` list; else
``--all-overloaded`` is given; else, with an exceedance raster, an overloaded cell lies in it.
When nothing says anything for an area, the run stops. PDOK data that says nothing itself (its
attributes, and no flag column) takes the shipped list of areas with nitrogen-sensitive habitat
as its list (:func:`wants_nitrogen_sensitive_list`). Areas that are not overloaded never give
priority.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.errors import InputError, refuse_rows
from vbr.io.tables import find_column
from vbr.model import NaturaAreas

__all__ = [
    "FLAG_NAMES",
    "NITROGEN_SENSITIVE_NOTE",
    "decide_overloaded",
    "flag_column",
    "wants_nitrogen_sensitive_list",
]

#: The column that says per area whether it is overloaded, and its aliases.
FLAG_NAMES = ("overloaded", "overbelast", "overbelasting", "is_overloaded")
_TRUE = {"true", "1", "yes", "y", "ja", "j", "waar", "t", "x"}
_FALSE = {"false", "0", "no", "n", "nee", "onwaar", "f"}

#: The attributes that mark the PDOK Natura 2000 data (and the vector formats it comes in).
_PDOK_NAME_COLUMNS = {"naamn2k", "naam_n2k"}
_PDOK_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".fgb"}

NITROGEN_SENSITIVE_NOTE = (
    "Natura 2000: PDOK data without an overloaded column; the areas with nitrogen-sensitive "
    "habitat (data/nitrogen_sensitive_areas.csv) count as overloaded (give --overloaded or "
    "--all-overloaded to choose otherwise)"
)


def flag_column(natura: NaturaAreas) -> str | None:
    """The input column that says per area whether it is overloaded, if the file has one."""
    return find_column(list(natura.columns.columns), FLAG_NAMES, path=natura.path)


def wants_nitrogen_sensitive_list(
    natura: NaturaAreas, *, listed: bool, all_overloaded: bool
) -> bool:
    """Whether the shipped nitrogen-sensitive list decides: PDOK data (a vector file with the
    columns ``naamN2K`` and ``nr``) without a flag column, and no list nor ``--all-overloaded``
    given.

    Parameters
    ----------
    natura
        The areas as read.
    listed
        Whether an ``--overloaded`` list was given.
    all_overloaded
        Whether ``--all-overloaded`` was given.
    """
    if listed or all_overloaded or natura.path is None:
        return False
    if Path(natura.path).suffix.lower() not in _PDOK_SUFFIXES:
        return False
    names = {str(c).lower() for c in natura.columns.columns}
    return bool(names & _PDOK_NAME_COLUMNS) and "nr" in names and flag_column(natura) is None


def decide_overloaded(
    natura: NaturaAreas,
    *,
    listed: set[int] | None = None,
    list_name: str = "--overloaded",
    all_overloaded: bool = False,
    zone_nrs: set[int] | None = None,
) -> NaturaAreas:
    """Decide per area whether it is overloaded, in the order of the module docstring.

    Parameters
    ----------
    natura
        The areas as read.
    listed
        Area numbers of the ``--overloaded`` list (``None``: no list).
    list_name
        What to call the list in a note.
    all_overloaded
        ``--all-overloaded``: every area that nothing else decides is overloaded.
    zone_nrs
        With an exceedance raster: the numbers of the areas an overloaded cell lies in, for the
        areas that nothing else decides.

    Returns
    -------
    NaturaAreas
        A copy with ``overloaded`` and ``overloaded_by`` (``column``, ``list``, ``all``,
        ``exceedance``) set and notes added.

    Raises
    ------
    InputError
        When the flag column holds other values than yes/no, when nothing decides for an area,
        or when no area is overloaded (without a raster).
    """
    path = natura.path
    file_name = Path(path).name if path is not None else "the Natura 2000 file"
    nrs = natura.attributes["nr"].to_numpy(dtype="int64")
    flag_col = flag_column(natura)
    flags = (
        _parse_flags(natura.columns[flag_col], path=path, column=flag_col)
        if flag_col
        else np.full(len(nrs), None, dtype=object)
    )
    decided = np.array([f is not None for f in flags], dtype=bool)
    overloaded = np.array([bool(f) for f in flags], dtype=bool)
    by = np.where(decided, "column", "").astype(object)
    rest = ~decided
    # what the old rule "undecided areas count as overloaded under a raster" checks against
    any_without_zones = bool(overloaded.any() or rest.any())
    notes: list[str] = []
    if rest.any() and listed is not None:
        overloaded[rest] = np.isin(nrs[rest], list(listed))
        by[rest] = "list"
        unknown = sorted(set(listed) - set(nrs.tolist()))
        if unknown:
            notes.append(
                f"{list_name} lists area numbers that {file_name} does not "
                f"hold: {', '.join(map(str, unknown[:20]))}"
            )
    elif rest.any() and all_overloaded:
        overloaded[rest] = True
        by[rest] = "all"
    elif rest.any() and zone_nrs is not None:
        has_zone = np.isin(nrs, list(zone_nrs))
        overloaded[rest] = has_zone[rest]
        by[rest] = "exceedance"
        notes.append(
            f"{int(rest.sum())} Natura 2000 area(s) without an overloaded flag count as "
            "overloaded for the whole-area comparison when an overloaded cell lies in them "
            f"({int(has_zone[rest].sum())} do)"
        )
    elif rest.any():
        missing = sorted(set(nrs[rest].tolist()))
        raise InputError(
            "nothing says which Natura 2000 areas are overloaded"
            + (
                f" (column {flag_col!r} is empty for areas {', '.join(map(str, missing[:10]))})"
                if flag_col
                else ""
            )
            + "; give --overloaded FILE (a CSV with column nr) or --all-overloaded",
            source=str(path),
        )
    if decided.any() and (listed is not None or all_overloaded):
        notes.append(
            f"the column {flag_col!r} decides for {int(decided.sum())} area(s); "
            f"{'--overloaded' if listed is not None else '--all-overloaded'} "
            f"applies to the {int((~decided).sum())} without a value"
        )
    by_raster = zone_nrs is not None and listed is None and not all_overloaded
    if not (any_without_zones if by_raster else overloaded.any()):
        raise InputError(
            "no Natura 2000 area is overloaded, so no distance can be measured; check "
            "the overloaded column or the --overloaded list",
            source=str(path),
        )
    attributes = natura.attributes.assign(overloaded=overloaded, overloaded_by=by)
    return replace(natura, attributes=attributes, notes=[*natura.notes, *notes])


def _parse_flags(values: pd.Series, *, path: Path | None, column: str) -> np.ndarray:
    """Parse a yes/no column to an object array of True/False/None (None: empty)."""
    text = values.astype(str).str.strip().str.lower()
    out = np.full(len(text), None, dtype=object)
    out[text.isin(_TRUE).to_numpy()] = True
    out[text.isin(_FALSE).to_numpy()] = False
    bad = ~(text.isin(_TRUE) | text.isin(_FALSE) | (text == "") | (text == "none")).to_numpy()
    refuse_rows(
        values.to_numpy(dtype=object),
        bad,
        f"column {column!r} must hold true/false (or ja/nee, 1/0)",
        source=str(path),
    )
    return out
