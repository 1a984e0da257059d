"""The layout of a region's map: its extent, and what of the areas and the priority strip it
shows (shared by the maps with farms and the public maps)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from vbr.io.crs import NL_EXTENT, RD_NEW, to_wgs84, wgs84_bounds
from vbr.locale import t
from vbr.maps.data import DisplayCache, polygons_geojson
from vbr.maps.region_map import MapGeometry, RegionMapContent
from vbr.maps.summary import RegionSummary

__all__ = [
    "AREA_PROPERTIES",
    "MAP_MARGIN_M",
    "label_anchors",
    "map_extent",
    "near",
    "region_content",
]

#: What the map knows of each Natura 2000 area: number, name, overloaded, and where its label
#: goes (``lx``/``ly``, degrees) and how much room it has there (``lr``, metres).
AREA_PROPERTIES = ["nr", "name", "overloaded", "lx", "ly", "lr"]

#: Natura 2000 areas and priority strip parts are drawn when they come within this distance of a
#: region's bounding box (whole, never cut).
MAP_MARGIN_M = 5_000.0


def near(frame: gpd.GeoDataFrame, box: shapely.Geometry) -> gpd.GeoDataFrame:
    """The rows of ``frame`` whose geometry meets ``box``.

    Parameters
    ----------
    frame
        Geometries with attributes.
    box
        The area of interest (same CRS).
    """
    if len(frame) == 0:
        return frame
    return frame[shapely.intersects(frame.geometry.values, box)]


def label_anchors(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``areas`` with where each one's name label goes: the centre of the largest circle inside
    it (``lx``, ``ly`` in degrees; ``label_x``, ``label_y`` in EPSG:28992) and that circle's
    radius in metres (``lr``): a name is shown where it fits in that circle.

    Parameters
    ----------
    areas
        Polygons in EPSG:28992.
    """
    if len(areas) == 0:
        return areas.assign(lx=[], ly=[], lr=[], label_x=[], label_y=[])
    geoms = areas.geometry.values
    tolerance = np.maximum(np.sqrt(np.maximum(shapely.area(geoms), 1.0)) / 200.0, 5.0)
    circles = shapely.maximum_inscribed_circle(geoms, tolerance=tolerance)
    centre = shapely.get_point(circles, 0)
    x, y = shapely.get_x(centre), shapely.get_y(centre)
    lon, lat = to_wgs84(x, y)
    return areas.assign(
        lx=np.round(lon, 5),
        ly=np.round(lat, 5),
        lr=np.round(shapely.length(circles), 0),
        label_x=x,
        label_y=y,
    )


def map_extent(region_geom, farm_points) -> shapely.Geometry:
    """What a region's map covers: its outline, else its farms, else the whole country.

    Parameters
    ----------
    region_geom
        The region's outline (EPSG:28992), or ``None``.
    farm_points
        The region's farms (EPSG:28992).
    """
    if region_geom is not None and not shapely.is_empty(region_geom):
        return region_geom
    if len(farm_points):
        return shapely.envelope(shapely.multipoints(farm_points))
    return shapely.box(*NL_EXTENT)


def region_content(
    summary: RegionSummary,
    *,
    region_geom,
    farm_points,
    areas: gpd.GeoDataFrame,
    zone: gpd.GeoDataFrame,
    threshold_m: float,
    farms: dict,
    counts: dict[str, int],
    lang: str,
    display_cache: DisplayCache | None = None,
) -> RegionMapContent:
    """What a region's map shows around its farms, all converted for the web map: the region's
    outline, the Natura 2000 areas and the priority strip that come within
    ``MAP_MARGIN_M + threshold_m`` of its extent (whole, never cut), the farms and the panel.

    Parameters
    ----------
    summary
        The region's headline figures.
    region_geom
        The region's outline (EPSG:28992), or ``None``.
    farm_points
        The region's farms (EPSG:28992).
    areas
        Every Natura 2000 area with ``nr``, ``name``, ``overloaded`` (EPSG:28992).
    zone
        The priority strip's parts (EPSG:28992).
    threshold_m
        The priority strip, metres.
    farms, counts
        The farm layer's payload and the farms per status (see :mod:`vbr.maps.data`).
    lang
        The run's language.
    display_cache
        Outlines already made for an earlier region's map (see :func:`polygons_geojson`).
    """
    xmin, ymin, xmax, ymax = shapely.bounds(map_extent(region_geom, farm_points))
    box = shapely.box(xmin, ymin, xmax, ymax).buffer(MAP_MARGIN_M + threshold_m, join_style=2)
    shown = near(areas, box)
    near_over = label_anchors(shown[shown["overloaded"].to_numpy(dtype=bool)])
    near_other = label_anchors(shown[~shown["overloaded"].to_numpy(dtype=bool)])
    near_zone = near(zone, box)
    farm_xy = shapely.get_coordinates(np.asarray(farm_points))
    geometry = MapGeometry(
        extent=(xmin, ymin, xmax, ymax),
        outline=region_geom,
        overloaded=near_over,
        other=near_other,
        zone=near_zone,
        farm_xy=farm_xy,
    )
    west, south, east, north = wgs84_bounds(xmin, ymin, xmax, ymax)
    bounds = (south, west, north, east)
    # the first view fits the farms (with 500 m around them), else the region
    view = bounds
    if len(farm_points):
        fx0, fy0, fx1, fy1 = shapely.total_bounds(farm_points)
        fw, fs, fe, fn = wgs84_bounds(fx0 - 500.0, fy0 - 500.0, fx1 + 500.0, fy1 + 500.0)
        view = (fs, fw, fn, fe)
    outline = (
        polygons_geojson(
            gpd.GeoDataFrame({"name": [summary.name]}, geometry=[region_geom], crs=RD_NEW),
            ["name"],
        )
        if region_geom is not None
        else {"type": "FeatureCollection", "features": []}
    )
    return RegionMapContent(
        title=t("map.title", lang, region=summary.name),
        bounds=bounds,
        view=view,
        lang=lang,
        outline=outline,
        overloaded=polygons_geojson(near_over, AREA_PROPERTIES, cache=display_cache),
        other_areas=polygons_geojson(near_other, AREA_PROPERTIES, cache=display_cache),
        zone=polygons_geojson(near_zone, [], cache=display_cache),
        threshold_m=threshold_m,
        farms=farms,
        counts=counts,
        headline={
            "title": summary.name,
            "figures": [list(p) for p in summary.figures(lang)],
            "notes": summary.notes(lang),
            "links": [
                [t("map.panel.list", lang), "ranking.csv"],
                [t("map.panel.index", lang), "../index.html"],
            ],
        },
        geometry=geometry,
    )
