"""Valid polygonal geometry in RD New: repair what is invalid, keep only the polygonal part.

One rule for every place that repairs or cuts polygons (Natura 2000 and region outlines, the
exceedance zones cut by the areas): what is left of a geometry is its polygons with area.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS

from vbr.threads import map_geometries

__all__ = ["OUTLINES_VERSION", "RD_NEW", "polygonal", "repair", "repair_each", "repaired_outlines"]

#: EPSG:28992 (RD New): every geometry of a run is in these metres (:mod:`vbr.io.crs` brings
#: the inputs there).
RD_NEW = CRS.from_epsg(28992)


def polygonal(geom: object) -> object:
    """The polygonal part of a geometry.

    A polygon or multipolygon is returned as it is; of any other geometry (a collection from a
    repair or an intersection) the union of its polygons with area; an empty polygon where
    there is none.
    """
    if geom is None or shapely.is_empty(geom):
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = shapely.get_parts(shapely.get_parts(geom))  # members, then their polygons
    parts = [p for p in parts if p.geom_type == "Polygon" and p.area > 0]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def repair(geom: object) -> object:
    """Repair one invalid geometry; what GEOS cannot repair counts as holding no area."""
    try:
        fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    except shapely.errors.GEOSException:
        try:
            fixed = shapely.make_valid(geom)
        except shapely.errors.GEOSException:
            return shapely.Polygon()
    return polygonal(fixed)


def repair_each(geoms: np.ndarray) -> np.ndarray:
    """:func:`repair` of every geometry (an object array of the same length)."""
    out = np.empty(len(geoms), dtype=object)
    out[:] = [repair(g) for g in geoms]
    return out


#: Raise when :func:`repair` or :func:`repaired_outlines` changes what it makes (the user's cache
#: of repaired outlines, :mod:`vbr.cache`, is keyed by it).
OUTLINES_VERSION = 1


def repaired_outlines(
    geoms: np.ndarray, invalid: np.ndarray, parts: np.ndarray, part_of: np.ndarray
) -> np.ndarray:
    """Each geometry, the invalid ones repaired whole (spread over threads), and the union of
    their valid ``parts`` where GEOS's repair gives no area.

    Parameters
    ----------
    geoms
        The geometries as read.
    invalid
        Per geometry: whether it is invalid.
    parts, part_of
        Valid polygons, and the position in ``geoms`` of each (the fallback).
    """
    out = np.array(geoms, dtype=object)
    if invalid.any():
        out[invalid] = map_geometries(repair_each, out[invalid])
        lost = invalid & ~(shapely.area(out) > 0)
        for i in np.flatnonzero(lost):
            out[i] = shapely.union_all(parts[part_of == i])
    return out
