"""Interactive maps: ``<slug>/map.html`` for every region and ``index.html``.

A thin layer on top of a finished :class:`~vbr.pipeline.Result`: it reads the ranking and writes
HTML, and never changes a result. The pages are self-contained (Leaflet inlined, no CDN); only
basemap tiles come from the network.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from vbr.io.crs import NL_EXTENT, RD_NEW
from vbr.locale import t
from vbr.maps.data import Walks, farm_payload, farm_statuses, polygons_geojson
from vbr.maps.index_page import index_html
from vbr.maps.region_map import RegionMapContent, write_region_map
from vbr.maps.summary import RegionSummary, budget_name

__all__ = ["MAP_MARGIN_M", "write_maps"]

#: Natura 2000 areas and priority strip parts are drawn when they come within this distance of a
#: region's bounding box (whole, never cut).
MAP_MARGIN_M = 5_000.0


def write_maps(result, out_dir: Path) -> list[Path]:
    """Write ``<slug>/map.html`` for every region and ``index.html`` into ``out_dir``.

    Parameters
    ----------
    result
        A computed :class:`vbr.pipeline.Result`.
    out_dir
        The (temporary) output folder; region folders are created when missing.

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir = Path(out_dir)
    table = result.ranking_text()
    areas = result.natura.areas
    if areas.crs is not None and not areas.crs.equals(RD_NEW):
        areas = areas.to_crs(RD_NEW)
    zone = result.priority_zone.explode(index_parts=False, ignore_index=True)
    area_names = {
        str(int(nr)): str(name) for nr, name in zip(areas["nr"], areas["name"], strict=True)
    }
    regions = result.regions.regions
    geometry_by_slug = dict(zip(regions["slug"], regions.geometry.values, strict=True))
    budgets = {b.name: b for b in result.budgets}
    national_budget = budgets.get("national") if result.with_budget else None
    nh3_all = result.ranked["nh3_kg"].to_numpy(dtype=float)
    subsidy_all = result.ranked["subsidy_eur"].to_numpy(dtype=float)
    points_all = result.ranked.geometry.values
    threshold_m = float(result.options.config.threshold_m)
    lang = result.options.config.language
    deposition = _deposition_overlay(result)
    submitted = _submitted(result.ranked)

    written: list[Path] = []
    summaries: list[RegionSummary] = []
    for region in result.region_lists:
        positions = np.asarray(region.positions, dtype=np.int64)
        rows = result.region_text(region)
        national_selected = (
            table["selected"].iloc[positions].reset_index(drop=True) if result.with_budget else None
        )
        statuses = farm_statuses(rows, national_selected)
        budget = budgets.get(region.budget) if region.budget else national_budget
        national = None
        if result.with_budget:
            national = pd.DataFrame(
                {
                    "selected": table["selected"].iloc[positions].to_numpy(),
                    "cumulative_eur": table["cumulative_eur"].iloc[positions].to_numpy(),
                }
            )
        walks = Walks(
            shown=budget_name(budget, lang) if budget is not None else None,
            own=region.selected is not None,
            national=national,
        )
        payload = farm_payload(
            rows,
            points_all[positions],
            nh3_all[positions],
            statuses=statuses,
            area_names=area_names,
            lang=lang,
            threshold_m=threshold_m,
            national_total=len(table),
            walks=walks,
            submitted=submitted[positions] if submitted is not None else None,
        )
        summary = _summary(
            region,
            statuses=statuses,
            rows=rows,
            nh3=nh3_all[positions],
            subsidy=subsidy_all[positions],
            budget=budget,
        )
        summaries.append(summary)
        region_geom = geometry_by_slug.get(region.slug)
        content = _content(
            summary,
            region_geom=region_geom,
            farm_points=points_all[positions],
            areas=areas,
            zone=zone,
            threshold_m=threshold_m,
            farms=payload.data,
            counts=payload.counts,
            lang=lang,
        )
        content.deposition = deposition
        written.append(write_region_map(content, out_dir / region.slug))

    index = out_dir / "index.html"
    index.write_text(index_html(result, summaries), encoding="utf-8")
    written.append(index)
    return written


def _submitted(ranked: pd.DataFrame) -> np.ndarray | None:
    """``submitted_at`` of every ranked farm as ISO 8601 UTC text (``""`` where none), or
    ``None`` when no farm has one."""
    if "submitted_at" not in ranked.columns:
        return None
    times = pd.to_datetime(ranked["submitted_at"], utc=True)
    if not times.notna().any():
        return None
    text = times.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text.where(times.notna(), "").to_numpy(dtype=object)


def _deposition_overlay(result) -> tuple[str, tuple[float, float, float, float]] | None:
    """The exceedance raster as an inline PNG for the maps, when the run has one."""
    if getattr(result, "exceedance", None) is None:
        return None
    import base64

    from vbr.overload import display_image

    png, bounds = display_image(result.exceedance)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii"), bounds


def _summary(region, *, statuses, rows, nh3, subsidy, budget) -> RegionSummary:
    from vbr.maps.data import STATUSES

    keys = np.array([s.key for s in STATUSES])[statuses] if len(statuses) else np.array([])
    priority = int(np.isin(keys, ["priority", "priority_selected", "priority_not_selected"]).sum())
    chosen = np.isin(keys, ["priority_selected", "selected"])
    return RegionSummary(
        name=region.name,
        slug=region.slug,
        farms=len(rows),
        priority=priority,
        selected=int(chosen.sum()) if budget is not None else None,
        selected_nh3_kg=float(nh3[chosen].sum()) if budget is not None else None,
        selected_eur=float(np.rint(subsidy[chosen] * 100).sum() / 100)
        if budget is not None
        else None,
        budget=budget,
    )


def _near(frame: gpd.GeoDataFrame, box: shapely.Geometry) -> gpd.GeoDataFrame:
    if len(frame) == 0:
        return frame
    return frame[shapely.intersects(frame.geometry.values, box)]


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(RD_NEW, "EPSG:4326", always_xy=True)  # 45 ms to make: once


def _wgs84_bounds(xmin: float, ymin: float, xmax: float, ymax: float) -> tuple:
    """(south, west, north, east) in degrees of a box in EPSG:28992."""
    west, south, east, north = _to_wgs84().transform_bounds(xmin, ymin, xmax, ymax)
    return south, west, north, east


def map_extent(region_geom, farm_points) -> shapely.Geometry:
    """What a region's map covers: its outline, else its farms, else the whole country."""
    if region_geom is not None and not shapely.is_empty(region_geom):
        return region_geom
    if len(farm_points):
        return shapely.envelope(shapely.multipoints(farm_points))
    return shapely.box(*NL_EXTENT)


def _content(
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
) -> RegionMapContent:
    xmin, ymin, xmax, ymax = shapely.bounds(map_extent(region_geom, farm_points))
    box = shapely.box(xmin, ymin, xmax, ymax).buffer(MAP_MARGIN_M + threshold_m, join_style=2)
    near = _near(areas, box)
    near_over = near[near["overloaded"].to_numpy(dtype=bool)]
    near_other = near[~near["overloaded"].to_numpy(dtype=bool)]
    bounds = _wgs84_bounds(xmin, ymin, xmax, ymax)
    # the first view fits the farms (with 500 m around them), else the region
    view = bounds
    if len(farm_points):
        fx0, fy0, fx1, fy1 = shapely.total_bounds(farm_points)
        view = _wgs84_bounds(fx0 - 500.0, fy0 - 500.0, fx1 + 500.0, fy1 + 500.0)
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
        overloaded=polygons_geojson(near_over, ["nr", "name", "overloaded"]),
        other_areas=polygons_geojson(near_other, ["nr", "name", "overloaded"]),
        zone=polygons_geojson(_near(zone, box), []),
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
    )
