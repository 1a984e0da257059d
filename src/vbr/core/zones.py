"""Zones: the overloaded zones of an exceedance raster, how they change priority, and the
priority strip around what is overloaded (display only).

Cells whose exceedance is above 0 form the overloaded nature. When Natura 2000 areas are given,
the cells are clipped exactly to them (a cell on an area's edge counts only for its part inside).
The zones are the cells polygonised with ``rasterio.features.shapes`` and cut by the areas; each
piece carries the ``nr`` of its area, and the 1,000 m rule measures to these pieces with the same
exact distance as for whole areas.

For the deposition impact the grid itself is used: a cell counts when its value is above 0 and,
with areas, its centre lies inside one (``weight_grid``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr.core.distance import distance_to_overloaded
from vbr.errors import InputError
from vbr.geometry import RD_NEW, polygonal
from vbr.locale import Message, say
from vbr.model import Exceedance, NaturaAreas, OverloadZones
from vbr.threads import map_geometries

__all__ = [
    "WEIGHTS",
    "buffer_in_threads",
    "changes_note",
    "compare_whole_areas",
    "overloaded_zones",
    "priority_changes",
    "priority_zone",
    "strip_around",
    "strip_sources",
    "weight_grid",
    "zone_frame",
]

WEIGHTS = ("area", "exceedance")


def overloaded_zones(exceedance: Exceedance, areas: gpd.GeoDataFrame | None) -> OverloadZones:
    """Polygonise the cells above 0 and clip them to the Natura 2000 areas.

    Parameters
    ----------
    exceedance
        The raster in EPSG:28992.
    areas
        Natura 2000 areas (``nr``, ``name``, geometry in EPSG:28992), or ``None`` to keep every
        cell above 0.

    Raises
    ------
    InputError
        When no cell above 0 lies in a Natura 2000 area.
    """
    from rasterio import features

    values = exceedance.values
    transform = exceedance.transform
    with np.errstate(invalid="ignore"):
        above = np.isfinite(values) & (values > 0)
    if areas is not None and len(areas):
        geoms = list(areas.geometry.values)
        touched = ~features.geometry_mask(
            geoms, out_shape=values.shape, transform=transform, all_touched=True
        )
        centre_in = ~features.geometry_mask(
            geoms, out_shape=values.shape, transform=transform, all_touched=False
        )
        candidate = above & touched
        overloaded = above & centre_in
    else:
        candidate = above
        overloaded = above
    shapes = [
        shapely.geometry.shape(geom)
        for geom, _ in features.shapes(
            candidate.astype("uint8"), mask=candidate, transform=transform, connectivity=4
        )
    ]
    cells = np.array(shapes, dtype=object)
    if areas is not None and len(areas):
        area_geoms = areas.geometry.values
        tree = shapely.STRtree(area_geoms)
        cell_idx, area_idx = tree.query(cells, predicate="intersects")
        pieces = shapely.intersection(cells[cell_idx], area_geoms[area_idx])
        pieces = np.array([polygonal(g) for g in pieces], dtype=object)
        keep = ~shapely.is_empty(pieces)
        zones = gpd.GeoDataFrame(
            {
                "nr": areas["nr"].to_numpy()[area_idx[keep]],
                "name": areas["name"].to_numpy()[area_idx[keep]],
            },
            geometry=pieces[keep],
            crs=RD_NEW,
        )
    else:
        zones = gpd.GeoDataFrame(
            {"nr": np.zeros(len(cells), dtype="int64"), "name": [""] * len(cells)},
            geometry=cells,
            crs=RD_NEW,
        )
    source = str(exceedance.path)
    if len(zones) == 0:
        raise InputError(
            say("raster_nothing_inside" if areas is not None else "raster_nothing"),
            source=source,
        )
    zones = zones.sort_values(["nr"], kind="stable").reset_index(drop=True)
    return OverloadZones(
        exceedance=exceedance, zones=zones, overloaded=overloaded, notes=list(exceedance.notes)
    )


def weight_grid(zones: OverloadZones, *, weight: str) -> np.ndarray:
    """Hectares counted per cell: the cell area times 1 (``area``) or times the exceedance
    divided by its mean over the overloaded cells (``exceedance``: the mol units stay, the most
    overloaded cells count more)."""
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {WEIGHTS}, got {weight!r}")
    mask = zones.overloaded
    out = np.zeros(mask.shape, dtype="float64")
    cell_ha = zones.exceedance.cell_area_ha
    if weight == "area":
        out[mask] = cell_ha
    else:
        v = zones.exceedance.values[mask]
        out[mask] = cell_ha * v / v.mean() if len(v) else 0.0
    return out


def priority_changes(
    farm_id: np.ndarray,
    whole_distance: np.ndarray,
    zone_distance: np.ndarray,
    *,
    threshold_m: float,
) -> pd.DataFrame:
    """Farms whose priority differs between the whole-area rule and the zone rule.

    Returns
    -------
    A frame ``farm_id, distance_whole_area_m, distance_zone_m, change`` (``gains`` or
    ``loses`` priority under the zones), sorted by ``farm_id``.
    """
    whole = np.asarray(whole_distance) <= threshold_m
    zone = np.asarray(zone_distance) <= threshold_m
    differ = whole != zone
    frame = pd.DataFrame(
        {
            "farm_id": np.asarray(farm_id, dtype=object)[differ],
            "distance_whole_area_m": np.asarray(whole_distance)[differ],
            "distance_zone_m": np.asarray(zone_distance)[differ],
            "change": np.where(zone[differ], "gains", "loses"),
        }
    )
    return frame.sort_values("farm_id", kind="stable").reset_index(drop=True)


def compare_whole_areas(
    farms: gpd.GeoDataFrame, natura: NaturaAreas, *, threshold_m: float
) -> pd.DataFrame:
    """:func:`priority_changes` of farms measured to the zones (``distance_m``) against the same
    farms measured to the whole overloaded areas.

    Parameters
    ----------
    farms
        The farms with ``farm_id``, ``distance_m`` (to the zones) and their points.
    natura
        The areas, with the decision which are overloaded.
    threshold_m
        The priority strip, metres.
    """
    over = natura.overloaded
    if len(over) == 0:
        whole = np.full(len(farms), np.inf)
    else:
        whole, _ = distance_to_overloaded(
            farms.geometry.values, over.geometry.values, over["nr"].to_numpy()
        )
    return priority_changes(
        farms["farm_id"].to_numpy(), whole, farms["distance_m"].to_numpy(), threshold_m=threshold_m
    )


def priority_zone(
    natura: NaturaAreas, *, threshold_m: float, polygons: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """The threshold strip around overloaded areas, for display only (the ranking never uses it).

    The union of the buffers of the areas' valid parts (the buffer of a union is the union of the
    buffers; parts need no whole-outline repair and spread better over threads: 2.9 s instead of
    4.9 s on the real outlines). GEOS's buffer approximates arcs with 16 segments per quarter
    circle and simplifies its input a little: on the real outlines 99.9 % of the edge vertices
    lie 997.8-1,000.4 m from the areas, the least at 880 m (a narrow spot of area 88). Priority
    comes from exact distances.

    Parameters
    ----------
    natura
        The areas, with the decision which are overloaded.
    threshold_m
        The strip's width, metres.
    polygons
        The overloaded zones of an exceedance raster, which replace the overloaded areas when
        given.
    """
    sources = strip_sources(natura, polygons=polygons)
    return zone_frame(strip_around(sources, threshold_m), threshold_m)


def strip_sources(natura: NaturaAreas, *, polygons: gpd.GeoDataFrame | None = None) -> np.ndarray:
    """What the strip of :func:`priority_zone` is drawn around: the valid parts of the
    overloaded areas, or the overloaded zones of an exceedance raster when given."""
    if polygons is None:
        geometries, _ = natura.overloaded_parts()
        return geometries
    return np.asarray(polygons.geometry.values)


def strip_around(sources: np.ndarray, threshold_m: float) -> shapely.Geometry:
    """The union of the buffers of ``sources`` by ``threshold_m`` (see :func:`priority_zone`)."""
    return shapely.union_all(buffer_in_threads(sources, threshold_m))


def zone_frame(strip: shapely.Geometry, threshold_m: float) -> gpd.GeoDataFrame:
    """The strip as the one-row frame the GeoPackage and the maps take."""
    return gpd.GeoDataFrame(
        {"threshold_m": [threshold_m], "note": ["display only; priority uses exact distances"]},
        geometry=[strip],
        crs=RD_NEW,
    )


def buffer_in_threads(geometries: np.ndarray, distance: float) -> np.ndarray:
    """``shapely.buffer(geometries, distance, quad_segs=16)`` spread over threads."""
    return map_geometries(lambda share: shapely.buffer(share, distance, quad_segs=16), geometries)


def changes_note(changes: pd.DataFrame, *, threshold_m: float) -> Message:
    """What the zones changed, as a note: how many farms gain and lose priority.

    Parameters
    ----------
    changes
        :func:`priority_changes`.
    threshold_m
        The priority strip, metres.
    """
    gains = int((changes["change"] == "gains").sum())
    loses = int((changes["change"] == "loses").sum())
    return Message("notes.zone_changes", gains=gains, loses=loses, threshold=round(threshold_m))
