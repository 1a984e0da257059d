"""Which Natura 2000 areas count as overloaded: the one place that decides it (contract section 3).

An area counts as overloaded when, in this order: its own ``overloaded`` column (or an alias,
:data:`FLAG_NAMES`, e.g. ``stikstofgevoelig``; values :data:`FLAG_TRUE` / :data:`FLAG_FALSE`)
says so; else its area number is in the ``--overloaded`` list; else ``--all-overloaded`` is
given; else, with an exceedance raster, an overloaded cell lies in it. When nothing says anything
for an area, the run stops. PDOK data that says nothing itself (its attributes, and no flag
column) takes the shipped list of areas with nitrogen-sensitive habitat as its list
(:func:`wants_nitrogen_sensitive_list`). Areas that are not overloaded never give priority.

Area numbers are facts: a list of area numbers is never matched against row numbers (a file
without an area number column cannot take a list), a listed number that matches no area is
named, and features of one area number that say different things stop the run.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.errors import InputError
from vbr.io.natura import FLAG_NAMES
from vbr.locale import Message, say
from vbr.model import FieldSource, NaturaAreas

__all__ = [
    "FLAG_FALSE",
    "FLAG_NAMES",
    "FLAG_TRUE",
    "NITROGEN_SENSITIVE_NOTE",
    "decide_overloaded",
    "flag_column",
    "wants_nitrogen_sensitive_list",
]

#: The values of the flag column, case-insensitive (an empty cell says nothing).
FLAG_TRUE = ("ja", "j", "waar", "yes", "true", "1")
FLAG_FALSE = ("nee", "n", "onwaar", "no", "false", "0")

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
    return natura.flag_column


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
        When the flag column holds other values than yes/no, or features of one area number
        say different things; when a list is given for a file without area numbers, or none of
        its numbers matches an area; when nothing decides for an area, or when no area is
        overloaded (without a raster).
    """
    path = natura.path
    file_name = Path(path).name if path is not None else "the Natura 2000 file"
    nrs = natura.attributes["nr"].to_numpy(dtype="int64")
    rows = natura.rows if natura.rows is not None else np.arange(1, len(nrs) + 1)
    flag_col = flag_column(natura)
    notes: list[str] = []
    flags = np.full(len(nrs), None, dtype=object)
    if flag_col:
        flags = _parse_flags(natura.columns[flag_col], rows=rows, path=path, column=flag_col)
        if natura.has_area_numbers:
            flags, filled = _one_flag_per_area(flags, nrs, rows, path=path, column=flag_col)
            if filled:
                notes.append(Message("notes.flag_filled", column=repr(flag_col), count=filled))
    if listed is not None:
        notes += _check_listed(natura, nrs, listed, list_name=list_name, file_name=file_name)
    decided = np.array([f is not None for f in flags], dtype=bool)
    overloaded = np.array([bool(f) for f in flags], dtype=bool)
    by = np.where(decided, "column", "").astype(object)
    rest = ~decided
    # what the old rule "undecided areas count as overloaded under a raster" checks against
    any_without_zones = bool(overloaded.any() or rest.any())
    made = None
    if rest.any() and listed is not None:
        overloaded[rest] = np.isin(nrs[rest], list(listed))
        by[rest] = "list"
        made = (
            "--overloaded list" if list_name == "--overloaded" else f"list {Path(list_name).name}"
        )
    elif rest.any() and all_overloaded:
        overloaded[rest] = True
        by[rest] = "all"
        made = "--all-overloaded"
    elif rest.any() and zone_nrs is not None:
        has_zone = np.isin(nrs, list(zone_nrs))
        overloaded[rest] = has_zone[rest]
        by[rest] = "exceedance"
        notes.append(
            Message("notes.flag_by_raster", count=int(rest.sum()), having=int(has_zone[rest].sum()))
        )
        made = "exceedance raster"
    elif rest.any():
        missing = sorted(set(nrs[rest].tolist()))
        raise InputError(
            say(
                "overloaded_unknown_column",
                column=repr(flag_col),
                areas=", ".join(map(str, missing[:10])),
            )
            if flag_col
            else say("overloaded_unknown"),
            source=str(path),
        )
    if decided.any() and (listed is not None or all_overloaded):
        notes.append(
            Message(
                "notes.flag_decides",
                column=repr(flag_col),
                count=int(decided.sum()),
                option="--overloaded" if listed is not None else "--all-overloaded",
                rest=int((~decided).sum()),
            )
        )
    by_raster = zone_nrs is not None and listed is None and not all_overloaded
    if not (any_without_zones if by_raster else overloaded.any()):
        raise InputError(
            say("none_overloaded"),
            source=str(path),
        )
    attributes = natura.attributes.assign(overloaded=overloaded, overloaded_by=by)
    sources = dict(natura.sources)
    column_source = sources.get("overloaded")
    rest_count = int(rest.sum())
    if made is not None and rest_count:
        sources["overloaded"] = FieldSource(
            column=column_source.column if column_source else None,
            found_by=column_source.found_by if column_source else None,
            made=made,
            made_rows=rest_count if column_source else None,
        )
    return replace(natura, attributes=attributes, notes=[*natura.notes, *notes], sources=sources)


def _check_listed(
    natura: NaturaAreas, nrs: np.ndarray, listed: set[int], *, list_name: str, file_name: str
) -> list[str]:
    """Stop where a list of area numbers cannot be matched; a note naming the numbers that
    match no area."""
    path = natura.path
    if not natura.has_area_numbers:
        found = ", ".join(repr(str(c)) for c in natura.columns.columns) or "(none)"
        raise InputError(
            say("list_without_nr", list=list_name, found=found),
            source=str(path),
        )
    unknown = sorted(set(listed) - set(nrs.tolist()))
    if unknown and len(unknown) == len(listed):
        shown = ", ".join(map(str, unknown[:20])) + (" ..." if len(unknown) > 20 else "")
        raise InputError(
            say(
                "list_matches_none",
                count=len(listed),
                list=list_name,
                shown=shown,
                low=str(int(nrs.min())),
                high=str(int(nrs.max())),
            ),
            source=str(path),
        )
    if not unknown:
        return []
    shown = ", ".join(map(str, unknown[:20])) + (" ..." if len(unknown) > 20 else "")
    return [
        Message(
            "notes.list_unknown", list=list_name, count=len(unknown), file=file_name, shown=shown
        )
    ]


def _one_flag_per_area(
    flags: np.ndarray, nrs: np.ndarray, rows: np.ndarray, *, path: Path | None, column: str
) -> tuple[np.ndarray, int]:
    """One answer per area number: stop where its features say both yes and no; features
    without a value take the value of the area's other features. Returns the flags and how
    many features were filled."""
    known = np.array([f is not None for f in flags], dtype=bool)
    if not known.any():
        return flags, 0
    said = pd.DataFrame({"nr": nrs[known], "flag": flags[known].astype(bool), "row": rows[known]})
    kinds = said.groupby("nr")["flag"].nunique()
    conflicting = kinds.index[kinds.to_numpy() > 1]
    if len(conflicting):
        problems = []
        for nr in conflicting[:20]:
            part = said[said["nr"] == nr]
            yes = part.loc[part["flag"], "row"].tolist()
            no = part.loc[~part["flag"], "row"].tolist()
            problems.append(
                f"nr {nr}: yes in feature(s) {', '.join(map(str, yes))}; no in feature(s) "
                f"{', '.join(map(str, no))}"
            )
        raise InputError(
            say("flag_both", column=repr(column)),
            source=str(path),
            problems=problems,
        )
    per_area = said.groupby("nr")["flag"].first()
    fill = ~known & np.isin(nrs, per_area.index.to_numpy())
    if fill.any():
        flags = flags.copy()
        flags[fill] = per_area.reindex(nrs[fill]).to_numpy(dtype=bool)
    return flags, int(fill.sum())


def _parse_flags(
    values: pd.Series, *, rows: np.ndarray, path: Path | None, column: str
) -> np.ndarray:
    """Parse a yes/no column to an object array of True/False/None (None: empty).

    Raises
    ------
    InputError
        Naming every other value and the features (rows) that hold it.
    """
    text = values.astype(str).str.strip().str.lower()
    yes, no = text.isin(FLAG_TRUE).to_numpy(), text.isin(FLAG_FALSE).to_numpy()
    out = np.full(len(text), None, dtype=object)
    out[yes] = True
    out[no] = False
    bad = ~(yes | no | (text == "").to_numpy())
    if bad.any():
        raw = values.astype(str).str.strip().to_numpy(dtype=object)
        wrong = pd.DataFrame({"value": raw[bad], "row": rows[bad]})
        problems = [
            f"{value!r} in feature(s) {', '.join(map(str, group['row'].tolist()[:20]))}"
            + (" ..." if len(group) > 20 else "")
            for value, group in wrong.groupby("value", sort=False)
        ]
        raise InputError(
            say("flag_values", column=repr(column)),
            source=str(path),
            problems=problems,
        )
    return out
