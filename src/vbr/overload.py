"""Overloaded zones from an exceedance raster, and how they change priority.

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

from vbr.errors import InputError
from vbr.geometry import polygonal
from vbr.io.crs import RD_NEW
from vbr.model import Exceedance, OverloadZones

__all__ = [
    "WEIGHTS",
    "display_image",
    "overloaded_zones",
    "priority_changes",
    "weight_grid",
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
        where = " inside a Natura 2000 area" if areas is not None else ""
        raise InputError(
            f"no cell of the exceedance raster is above 0{where}; nothing is overloaded. "
            "Is this a map of deposition ABOVE the critical deposition value (KDW)?",
            source=source,
        )
    zones = zones.sort_values(["nr"], kind="stable").reset_index(drop=True)
    return OverloadZones(
        exceedance=exceedance, zones=zones, overloaded=overloaded, notes=list(exceedance.notes)
    )


def weight_grid(zones: OverloadZones, *, weight: str = "area") -> np.ndarray:
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


def display_image(
    zones: OverloadZones, *, cmap: str = "YlOrRd"
) -> tuple[bytes, tuple[float, float, float, float]]:
    """The overloaded cells as a PNG for a web map, and its bounds in EPSG:4326.

    Returns
    -------
    png, (south, west, north, east)
        A transparent PNG (cells not overloaded are transparent, colour by exceedance) and the
        raster's bounds as Leaflet's ``ImageOverlay`` wants them. The image is in EPSG:28992
        pixels; stretched over lat/lon bounds it is off by up to a cell at the edges of a
        national raster, fine for display only.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from PIL import Image
    from pyproj import Transformer

    values = zones.exceedance.values
    mask = zones.overloaded
    top = float(np.nanpercentile(values[mask], 99)) if mask.any() else 1.0
    rgba = colormaps[cmap](Normalize(0, max(top, 1e-9), clip=True)(np.nan_to_num(values)))
    rgba[..., 3] = np.where(mask, 0.7, 0.0)
    buf = io.BytesIO()
    Image.fromarray((rgba * 255).astype("uint8"), "RGBA").save(buf, format="PNG")
    xmin, ymin, xmax, ymax = zones.exceedance.bounds
    to_wgs = Transformer.from_crs(RD_NEW, "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform([xmin, xmax, xmin, xmax], [ymin, ymin, ymax, ymax])
    return buf.getvalue(), (min(lat), min(lon), max(lat), max(lon))
