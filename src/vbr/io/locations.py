"""Farm locations: from point geometry, ``x``/``y`` or ``lon``/``lat`` to RD New, with the checks
that catch a file whose coordinates are misread as a whole.

Per row, a location outside the Netherlands is rejected with a reason that says what the numbers
look like (degrees, or a pair that lies inside when swapped). For the whole file, when MOST rows
(more than half of those with a numeric location: :data:`MOST`) show the same mistake, the run
stops with exit 2 and the fix, instead of rejecting nearly every row:

- degrees (x 3..8 and y 50..54, or swapped) read as metres: use lon/lat or ``--farms-crs``;
- RD New metres read as degrees (lon/lat columns, ``--farms-crs EPSG:4326``, a GeoJSON without
  ``crs`` member, a file that declares a geographic CRS);
- x and y (or lon and lat) swapped: only the swapped pair lies in the Netherlands;
- a spatial file without CRS: the message says what its numbers look like and how to declare it.

When both ``x``/``y`` and ``lon``/``lat`` are given, they must agree within :data:`AGREE_M`
metres after conversion wherever a row has both; then ``x``/``y`` is used (``lon``/``lat`` only
where ``x`` or ``y`` is empty) and a note says so. Where they disagree the run stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from vbr.errors import InputError
from vbr.io.crs import inside_netherlands, looks_like_degrees, parse_crs, to_rd
from vbr.io.tables import RawTable, no_crs_message, parse_numbers, row_label, short_text
from vbr.locale import Message, say

__all__ = ["AGREE_M", "MOST", "Located", "locate"]

#: "Most rows": more than this share of the rows with a numeric location.
MOST = 0.5
#: Largest distance (metres, after conversion to RD New) at which ``x``/``y`` and ``lon``/``lat``
#: of one row count as the same place: lon/lat with 4 decimals is within about 6 m, RD rounded
#: to the metre within 1 m; two pairs further apart than this describe different points.
AGREE_M = 50.0
#: Longitude and latitude of the Netherlands, generously (the whole-file degrees test).
_LON, _LAT = (3.0, 8.0), (50.0, 54.0)


@dataclass
class Located:
    """Where every row lies.

    Attributes
    ----------
    x, y
        RD New (EPSG:28992) metres; NaN where the row has no usable location.
    problems
        The location problem of every row that has one (row position -> text).
    info
        How the location was read (``location``, ``crs``), for the manifest.
    notes
        What the user should know (x/y and lon/lat both given).
    """

    x: np.ndarray
    y: np.ndarray
    problems: dict[int, str]
    info: dict
    notes: list[str] = field(default_factory=list)


@dataclass
class _Pair:
    """One source of coordinates as read: numbers in ``crs``, and how to name it in messages."""

    x: np.ndarray
    y: np.ndarray
    problems: dict[int, str]
    crs: CRS
    names: tuple[str, str]
    kind: str  # "columns", "geometry"
    label: str  # "columns x, y" / "geometry"


def locate(
    table: RawTable, cols: dict[str, str | None], farms_crs: str, *, use_geometry: bool
) -> Located:
    """Every row's location in RD New, the problem of each row without one.

    Parameters
    ----------
    table
        The farm file as read.
    cols
        The input column of each field (``x``, ``y``, ``lon``, ``lat``), ``None`` where absent.
    farms_crs
        The CRS of ``x``/``y`` columns.
    use_geometry
        Take a spatial file's point geometry (else its ``x``/``y`` or ``lon``/``lat`` columns,
        named with ``--columns``).

    Raises
    ------
    InputError
        When the file has no location, declares no CRS, or its coordinates are wrong for most
        rows (see the module), or ``x``/``y`` and ``lon``/``lat`` disagree.
    """
    path = str(table.path)
    notes: list[str] = []
    if use_geometry:
        pair = _geometry_pair(table)
        _refuse_whole_file(pair, table)
        rx, ry = _to_rd(pair)
        problems = {**pair.problems, **_outside_problems(pair, rx, ry, table)}
        return Located(rx, ry, problems, {"location": "geometry", "crs": pair.crs.to_string()})
    with_xy = bool(cols.get("x") or cols.get("y"))
    with_lonlat = bool(cols.get("lon") or cols.get("lat"))
    if not (with_xy or with_lonlat):
        raise InputError(
            say(
                "no_location",
                found=", ".join(repr(c) for c in table.frame.columns) or say("none_found"),
            ),
            source=path,
        )
    pairs = []
    if with_xy:
        pairs.append(
            _column_pair(
                table,
                cols.get("x"),
                cols.get("y"),
                ("x", "y"),
                parse_crs(farms_crs, where="--farms-crs"),
            )
        )
    if with_lonlat:
        pairs.append(
            _column_pair(
                table,
                cols.get("lon"),
                cols.get("lat"),
                ("lon", "lat"),
                parse_crs(4326, where="lon/lat"),
            )
        )
    converted = []
    for pair in pairs:
        _refuse_whole_file(pair, table)
        rx, ry = _to_rd(pair)
        converted.append(
            (pair, rx, ry, {**pair.problems, **_outside_problems(pair, rx, ry, table)})
        )
    pair, rx, ry, problems = converted[0]
    info = {"location": pair.label, "crs": pair.crs.to_string()}
    if len(converted) == 2:
        rx, ry, problems, note = _both_pairs(converted, table=table)
        info = {
            "location": f"{pair.label} (lon/lat agree within {AGREE_M:g} m)",
            "crs": pair.crs.to_string(),
        }
        notes.append(note)
    return Located(rx, ry, problems, info, notes)


def _column_pair(
    table: RawTable, x_col: str | None, y_col: str | None, names: tuple[str, str], crs: CRS
) -> _Pair:
    """Parse a pair of coordinate columns; the problem of every row where they cannot be used."""
    if not (x_col and y_col):
        have, lack = (names[0], names[1]) if x_col else (names[1], names[0])
        raise InputError(
            say("half_pair", have=have, column=repr(x_col or y_col), lack=lack),
            source=str(table.path),
        )
    x, ux = parse_numbers(table.frame[x_col], decimal=table.decimal)
    y, uy = parse_numbers(table.frame[y_col], decimal=table.decimal)
    raw_x = table.frame[x_col].to_numpy(dtype=object)
    raw_y = table.frame[y_col].to_numpy(dtype=object)
    problems: dict[int, str] = {}
    for i in np.flatnonzero(ux | uy | ~np.isfinite(x) | ~np.isfinite(y)):
        if ux[i] or uy[i] or np.isinf(x[i]) or np.isinf(y[i]):
            problems[i] = (
                f"coordinate not a number ({names[0]}={short_text(raw_x[i])}, "
                f"{names[1]}={short_text(raw_y[i])})"
            )
        else:
            problems[i] = "coordinate missing"
    finite = np.isfinite(x) & np.isfinite(y)
    return _Pair(
        x=np.where(finite, x, np.nan),
        y=np.where(finite, y, np.nan),
        problems=problems,
        crs=crs,
        names=names,
        kind="columns",
        label=f"columns {x_col}, {y_col}",
    )


def _geometry_pair(table: RawTable) -> _Pair:
    """The points of a spatial file; the problem of every feature that is no single point."""
    geoms = np.asarray(table.geometry.values, dtype=object)
    kinds = shapely.get_type_id(geoms)
    # single points; a multipoint of exactly one point counts as that point
    multi_one = (kinds == 4) & (shapely.get_num_geometries(geoms) == 1)
    pts = np.where(multi_one, shapely.get_geometry(geoms, 0), geoms)
    is_point = (shapely.get_type_id(pts) == 0) & ~shapely.is_empty(pts)
    placeholder = np.where(is_point, pts, shapely.Point(0, 0))
    x = np.where(is_point, shapely.get_x(placeholder), np.nan)
    y = np.where(is_point, shapely.get_y(placeholder), np.nan)
    problems: dict[int, str] = {}
    for i in np.flatnonzero(~is_point):
        g = geoms[i]
        if g is None or shapely.is_empty(g):
            problems[i] = "coordinate missing (empty geometry)"
        elif g.geom_type == "MultiPoint":
            problems[i] = f"geometry is a multipoint of {len(g.geoms)} points, not one point"
        else:
            problems[i] = f"geometry is a {g.geom_type}, not a point"
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = np.where(finite, x, np.nan), np.where(finite, y, np.nan)
    if table.crs is None:
        raise InputError(_no_crs_message(table.path, x, y), source=str(table.path))
    return _Pair(
        x=x,
        y=y,
        problems=problems,
        crs=CRS.from_user_input(table.crs),
        names=("x", "y"),
        kind="geometry",
        label="geometry",
    )


def _to_rd(pair: _Pair) -> tuple[np.ndarray, np.ndarray]:
    return to_rd(pair.x, pair.y, pair.crs)


def _degrees(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where a pair lies in the longitude/latitude box of the Netherlands (either order)."""
    with np.errstate(invalid="ignore"):
        lon_lat = (x >= _LON[0]) & (x <= _LON[1]) & (y >= _LAT[0]) & (y <= _LAT[1])
        lat_lon = (y >= _LON[0]) & (y <= _LON[1]) & (x >= _LAT[0]) & (x <= _LAT[1])
    return lon_lat | lat_lon


def _rd_metres(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where a pair, read as RD New metres (either order), lies in the Netherlands."""
    return inside_netherlands(x, y) | inside_netherlands(y, x)


def _swapped_inside(pair: _Pair, outside: np.ndarray) -> np.ndarray:
    """Where a row lies outside the Netherlands as given but inside with its two numbers
    swapped."""
    result = np.zeros(len(pair.x), dtype=bool)
    rows = np.flatnonzero(outside)
    if len(rows):
        sx, sy = to_rd(pair.y[rows], pair.x[rows], pair.crs)
        result[rows] = inside_netherlands(sx, sy)
    return result


def _example(pair: _Pair, mask: np.ndarray) -> str:
    i = int(np.flatnonzero(mask)[0])
    return f"{pair.names[0]} {pair.x[i]:,.6g}, {pair.names[1]} {pair.y[i]:,.6g}"


def _refuse_whole_file(pair: _Pair, table: RawTable) -> None:
    """Stop the run when most rows show the same misreading (see the module).

    Raises
    ------
    InputError
        Naming the file, the coordinates, what they look like and the fix.
    """
    finite = np.isfinite(pair.x) & np.isfinite(pair.y)
    n = int(finite.sum())
    if n == 0:
        return

    def most(mask: np.ndarray) -> bool:
        return int((mask & finite).sum()) > MOST * n

    unit = "share_features" if pair.kind == "geometry" else "share_rows"

    def share(mask: np.ndarray) -> Message:
        return say(unit, count=int((mask & finite).sum()), total=n)

    where = _where(pair)
    crs_name = pair.crs.to_string()
    if not pair.crs.is_geographic:
        degrees = _degrees(pair.x, pair.y)
        if most(degrees):
            fix = (
                say("fix_degrees_columns")
                if pair.kind == "columns"
                else say("fix_degrees_file", crs=crs_name)
            )
            raise InputError(
                say(
                    "degrees_not_metres",
                    where=where,
                    crs=crs_name,
                    share=share(degrees),
                    example=_example(pair, degrees & finite),
                    fix=fix,
                ),
                source=str(table.path),
            )
    else:
        metres = _rd_metres(pair.x, pair.y)
        if most(metres):
            raise InputError(
                say(
                    "metres_not_degrees",
                    where=where,
                    share=share(metres),
                    example=_example(pair, metres & finite),
                    fix=_metres_fix(pair, table),
                ),
                source=str(table.path),
            )
    rx, ry = _to_rd(pair)
    outside = finite & ~inside_netherlands(rx, ry)
    swapped = _swapped_inside(pair, outside)
    if most(swapped):
        a, b = pair.names if pair.kind == "columns" else ("x", "y")
        fix = say("fix_swap_columns", a=a, b=b) if pair.kind == "columns" else say("fix_swap_file")
        raise InputError(
            say(
                "swapped", a=a, b=b, share=share(swapped), example=_example(pair, swapped), fix=fix
            ),
            source=str(table.path),
        )


def _where(pair: _Pair) -> Message:
    if pair.kind == "columns":
        return say("where_columns", columns=pair.label.removeprefix("columns "))
    return say("where_points")


def _metres_fix(pair: _Pair, table: RawTable) -> Message:
    """How to fix RD New metres that are read as degrees, by where they came from."""
    if pair.kind == "columns" and pair.names == ("lon", "lat"):
        return say("fix_metres_lonlat")
    if pair.kind == "columns":
        return say("fix_metres_farms_crs")
    if table.path.suffix.lower() in (".geojson", ".json"):
        return say("fix_metres_geojson")
    return say("fix_metres_file", crs=pair.crs.to_string())


def _no_crs_message(path: Path, x: np.ndarray, y: np.ndarray) -> Message:
    """The message for a spatial file without CRS (:func:`vbr.io.tables.no_crs_message`), with
    what its numbers look like where most of them look like RD New metres or degrees."""
    finite = np.isfinite(x) & np.isfinite(y)
    n = int(finite.sum())
    looks = None
    if n and int((_rd_metres(x, y) & finite).sum()) > MOST * n:
        looks = say("looks_metres")
    elif n and int((_degrees(x, y) & finite).sum()) > MOST * n:
        looks = say("looks_degrees")
    message = no_crs_message(path)
    if looks is None:
        return message
    return say("no_crs_looks", message=message, looks=looks)


def _outside_problems(
    pair: _Pair, rx: np.ndarray, ry: np.ndarray, table: RawTable
) -> dict[int, str]:
    """The reason of every row that lies outside the Netherlands, with what its numbers look
    like: degrees, metres read as degrees, or a pair that lies inside when swapped."""
    finite = np.isfinite(pair.x) & np.isfinite(pair.y)
    outside = finite & ~inside_netherlands(rx, ry)
    swapped = _swapped_inside(pair, outside)
    degrees = looks_like_degrees(pair.x, pair.y) & (not pair.crs.is_geographic)
    a, b = pair.names
    problems: dict[int, str] = {}
    x, y = pair.x, pair.y
    for i in np.flatnonzero(outside):
        if i in pair.problems:
            continue
        if pair.crs.is_geographic and not (abs(x[i]) <= 180 and abs(y[i]) <= 90):
            msg = (
                f"location is not longitude/latitude degrees ({x[i]:.0f}, {y[i]:.0f} read as "
                f"{pair.crs.to_string()})"
                + (
                    "; a GeoJSON file without a `crs` member counts as WGS84 degrees: save it "
                    "with its real CRS"
                    if pair.kind == "geometry"
                    else "; use columns x and y with --farms-crs for metres"
                )
            )
        elif np.isfinite(rx[i]):
            msg = f"location outside the Netherlands ({rx[i]:.0f}, {ry[i]:.0f} in EPSG:28992)"
        else:
            msg = "location outside the Netherlands (cannot be converted)"
        if swapped[i]:
            msg += f"; with {a} and {b} swapped it lies in the Netherlands: are they swapped?"
        elif degrees[i]:
            msg += "; these look like degrees: use lon/lat columns or --farms-crs 4326"
        problems[i] = msg
    return problems


def _both_pairs(
    converted: list[tuple[_Pair, np.ndarray, np.ndarray, dict[int, str]]], *, table: RawTable
) -> tuple[np.ndarray, np.ndarray, dict[int, str], str]:
    """``x``/``y`` and ``lon``/``lat`` both given: one location per row, or a refusal.

    Where a row has both pairs they must agree within :data:`AGREE_M`; ``x``/``y`` is used,
    ``lon``/``lat`` only where ``x`` or ``y`` is empty.
    """
    (xy, xrx, xry, xprob), (ll, lrx, lry, lprob) = converted
    has_xy = np.isfinite(xy.x) & np.isfinite(xy.y)
    # rows whose x and y are both blank (not unreadable): they take lon/lat
    blank = [i for i, text in xprob.items() if text == "coordinate missing"]
    xy_empty = np.zeros(len(xy.x), dtype=bool)
    xy_empty[blank] = True
    has_ll = np.isfinite(ll.x) & np.isfinite(ll.y)
    both = has_xy & has_ll
    with np.errstate(invalid="ignore"):
        apart = np.hypot(xrx - lrx, xry - lry)
    disagree = both & ~(apart <= AGREE_M)
    if disagree.any():
        rows = np.flatnonzero(disagree)
        raise InputError(
            say(
                "pairs_disagree",
                xy=xy.label.removeprefix("columns "),
                lonlat=ll.label.removeprefix("columns "),
                metres=f"{AGREE_M:g}",
                count=len(rows),
                total=int(both.sum()),
            ),
            source=str(table.path),
            problems=[
                say("pairs_apart", row=row_label(table, i), metres=round(float(apart[i])))
                if np.isfinite(apart[i])
                else say("pairs_unconvertible", row=row_label(table, i))
                for i in rows
            ],
        )
    use_ll = xy_empty & has_ll
    rx = np.where(use_ll, lrx, xrx)
    ry = np.where(use_ll, lry, xry)
    problems = {i: t for i, t in xprob.items() if not use_ll[i]}
    problems.update({i: t for i, t in lprob.items() if use_ll[i]})
    note = Message(
        "notes.pairs_agree",
        xy=xy.label.removeprefix("columns "),
        lonlat=ll.label.removeprefix("columns "),
        metres=f"{AGREE_M:g}",
        count=int(both.sum()),
        lonlat_used=(
            Message("notes.pairs_lonlat_used", count=int(use_ll.sum())) if use_ll.any() else ""
        ),
    )
    return rx, ry, problems, note
