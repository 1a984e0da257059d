"""Read polygon files (Natura 2000 areas, regions) into EPSG:28992 and repair what is invalid.

A file must declare its CRS and hold polygons inside the Netherlands; invalid geometry is repaired
(:mod:`vbr.geometry`), and rows that hold no area are left out.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from vbr._version import package_sha256
from vbr.cache import cached_parts
from vbr.errors import InputError
from vbr.geometry import repair_each
from vbr.io.crs import RD_NEW, bounds_miss_netherlands
from vbr.io.tables import no_crs_message, read_table
from vbr.locale import say
from vbr.threads import map_geometries

__all__ = [
    "PARTS_VERSION",
    "check_in_netherlands",
    "checked_parts",
    "keep_with_area",
    "polygons_in_rd",
    "read_in_rd",
    "valid_parts",
]


def read_in_rd(
    path: Path, *, what: str, layer: str | None = None, layer_option: str = "--layer"
) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray, object, list[str]]:
    """Read a polygon file and convert it to EPSG:28992; nothing is checked for validity yet.

    Parameters
    ----------
    path
        The file.
    what
        What it holds, for messages (``Natura 2000 areas``).
    layer, layer_option
        The layer to read (``None``: the first layer of polygons, noted when the file has
        several) and the option that names it.

    Returns
    -------
    frame, geoms, present, crs, notes
        The table, its geometries in EPSG:28992 (object array), which are present (not missing
        nor empty), the file's declared CRS, and what the user should know about how it was
        read (the layer chosen, what the GIS library reported).

    Raises
    ------
    InputError
        No CRS, not polygons, or coordinates that cannot be converted.
    """
    table = read_table(
        path, layer=layer, geometry="polygon", layer_option=layer_option, sheet_option=None
    )
    if table.geometry is None:
        raise InputError(
            say(
                "polygons_not_spatial",
                what=what,
                layer=(
                    say("layer_no_geometry", layer=repr(table.info["layer"]))
                    if "layer" in table.info
                    else ""
                ),
            ),
            source=str(path),
        )
    if table.crs is None:
        raise InputError(no_crs_message(path), source=str(path))
    frame = gpd.GeoDataFrame(table.frame, geometry=table.geometry.values, crs=table.crs)
    if len(frame) == 0:
        raise InputError(say("holds_none", what=what), source=str(path))
    geoms = np.asarray(frame.geometry.values, dtype=object)
    kinds = shapely.get_type_id(geoms)
    nonpoly = [i for i, k in enumerate(kinds) if k not in (-1, 3, 6, 7)]
    if nonpoly:
        raise InputError(
            say("not_polygons", what=what),
            source=str(path),
            problems=[say("row_value", row=str(i + 1), value=geoms[i].geom_type) for i in nonpoly],
        )
    if frame.crs.is_geographic:
        _check_degrees(geoms, table.crs, path=path, what=what)
    if not frame.crs.equals(RD_NEW):
        frame = frame.to_crs(RD_NEW)
        geoms = np.asarray(frame.geometry.values, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    coords_ok = np.ones(len(geoms), dtype=bool)
    coords_ok[owner[~np.isfinite(coords).all(axis=1)]] = False
    if not coords_ok.all():
        raise InputError(
            say("polygons_unconvertible", what=what, crs=table.crs.to_string()),
            source=str(path),
            problems=[say("row", row=str(i + 1)) for i in np.flatnonzero(~coords_ok)],
        )
    return frame, geoms, present, table.crs, table.notes


def polygons_in_rd(
    path: Path, *, what: str, layer: str | None = None, layer_option: str = "--layer"
) -> tuple[gpd.GeoDataFrame, int, gpd.GeoDataFrame, list[str]]:
    """Read a polygon file, convert it to EPSG:28992 and repair invalid geometry.

    Returns
    -------
    frame, repaired, dropped, notes
        Rows holding area (geometry polygonal), the number of repaired geometries, the
        rows dropped for holding no area (no geometry, an empty one or one without area), both
        indexed by input row position (0-based), and the notes of reading the file.

    Raises
    ------
    InputError
        No CRS, not polygons, or nothing inside the Netherlands.
    """
    frame, geoms, present, crs, notes = read_in_rd(
        path, what=what, layer=layer, layer_option=layer_option
    )
    invalid = present & ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = map_geometries(repair_each, geoms[invalid])
    area = np.where(present, shapely.area(geoms), 0.0)
    has_area = present & (area > 0)
    dropped = frame.loc[~has_area].set_axis(np.flatnonzero(~has_area))
    frame = keep_with_area(frame, geoms, has_area, path=path, what=what)
    check_in_netherlands(frame, crs, path=path, what=what)
    return frame, int(invalid[frame.index].sum()), dropped, notes


def keep_with_area(
    frame: gpd.GeoDataFrame, geoms: np.ndarray, has_area: np.ndarray, *, path: Path, what: str
) -> gpd.GeoDataFrame:
    """The rows that hold area, indexed by input row position (0-based)."""
    frame = frame.set_geometry(gpd.GeoSeries(geoms, crs=RD_NEW)).loc[has_area]
    frame.index = np.flatnonzero(has_area)
    if len(frame) == 0:
        raise InputError(say("holds_none_with_area", what=what), source=str(path))
    return frame


def valid_parts(
    geoms: np.ndarray, invalid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The polygons of every geometry, those of invalid geometries repaired one by one.

    Returns
    -------
    parts, part_of, area
        Valid polygons with area, the position in ``geoms`` of each, and the area of each
        geometry as the sum of its parts' (0 for a geometry without area).
    """
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    fix = invalid[part_of]  # parts of valid geometries are valid
    fix[fix] = ~shapely.is_valid(parts[fix])
    if fix.any():
        fixed, which = shapely.get_parts(map_geometries(repair_each, parts[fix]), return_index=True)
        parts = np.concatenate([parts[~fix], fixed])
        part_of = np.concatenate([part_of[~fix], part_of[fix][which]])
    part_area = shapely.area(parts)
    keep = part_area > 0
    parts, part_of, part_area = parts[keep], part_of[keep], part_area[keep]
    order = np.argsort(part_of, kind="stable")
    area = np.bincount(part_of, weights=part_area, minlength=len(geoms))
    return parts[order], part_of[order], area


#: Raise when :func:`checked_parts` (:func:`valid_parts`, :func:`vbr.geometry.repair`) changes
#: what it makes. The user's cache of valid parts is keyed by it and by the sha256 of vbr's code.
PARTS_VERSION = 1


def checked_parts(
    geoms: np.ndarray, present: np.ndarray, *, folder: Path | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which geometries are invalid, and their valid parts (:func:`valid_parts`), from the
    user's cache where an earlier run on the same geometries with the same code kept them
    (``folder``; ``None``: computed), else computed and kept (:func:`vbr.cache.cached_parts`).

    Returns
    -------
    invalid, parts, part_of, area
        Per geometry whether it is present and invalid; the valid parts, the position in
        ``geoms`` of each, and the area of each geometry as the sum of its parts'.
    """

    def make(sources: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        invalid = present & ~shapely.is_valid(sources)
        parts, part_of, _ = valid_parts(sources, invalid)
        return invalid, parts, part_of

    invalid, parts, part_of = cached_parts(
        "parts", PARTS_VERSION, geoms, make, params=(package_sha256(),), folder=folder
    )
    area = np.bincount(part_of, weights=shapely.area(parts), minlength=len(geoms))
    return invalid, parts, part_of, area


def check_in_netherlands(frame: gpd.GeoDataFrame, crs: object, *, path: Path, what: str) -> None:
    """Stop when the polygons (EPSG:28992) lie wholly outside the Netherlands: the declared
    ``crs`` is then most likely wrong."""
    xmin, ymin, xmax, ymax = frame.total_bounds
    if bounds_miss_netherlands((xmin, ymin, xmax, ymax)):
        raise InputError(
            say(
                "polygons_outside",
                what=what,
                bounds=f"{xmin:.0f}, {ymin:.0f}, {xmax:.0f}, {ymax:.0f}",
                crs=crs.to_string(),
            ),
            source=str(path),
        )


def _check_degrees(geoms: np.ndarray, crs: object, *, path: Path, what: str) -> None:
    """Stop when a file in longitude/latitude holds coordinates that are not degrees.

    A GeoJSON file without a ``crs`` member is WGS84 by its standard (RFC 7946), so a GeoJSON
    in RD New metres that does not say so arrives here as EPSG:4326.
    """
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if not present.any():
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[present])
    if xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90:
        return
    raise InputError(
        say(
            "polygons_not_degrees",
            what=what,
            crs=crs.to_string(),
            low=f"{xmin:.0f}, {ymin:.0f}",
            high=f"{xmax:.0f}, {ymax:.0f}",
        ),
        source=str(path),
    )
