"""Public maps (``vbr run --public``): farms aggregated to 1 km grid cells, nothing farm-level.

Farm-level locations with emissions and subsidies are sensitive. A public map shows, per region,
the Natura 2000 areas, the priority strip and the region's farms counted in 1 km x 1 km cells of
the RD New grid: number of farms, NH3 sum (kg/yr, whole kg) and number of priority farms. Cells
with fewer than :data:`MIN_FARMS_PER_CELL` farms are not shown at all. No farm id, name,
subsidy, rank or carried-through column reaches the page; the lists are not written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr._version import __version__
from vbr.geometry import RD_NEW
from vbr.locale import t
from vbr.locale.formats import format_count, format_m, format_tonnes
from vbr.maps.data import polygons_geojson
from vbr.maps.html import render
from vbr.maps.layout import MAP_MARGIN_M, map_extent, near, region_content
from vbr.maps.region_map import write_region_map
from vbr.maps.summary import RegionSummary
from vbr.model import WriteReport
from vbr.writers.context import WriteContext

__all__ = ["CELL_M", "MIN_FARMS_PER_CELL", "grid_cells", "write_public_maps"]

#: Cell size of the public grid, metres (RD New grid, cells aligned to whole kilometres).
CELL_M = 1_000.0
#: Cells with fewer farms than this are suppressed (not drawn, not counted on the page).
MIN_FARMS_PER_CELL = 3

#: Colour classes by the cell's NH3 sum (kg/yr): upper bounds and colours (light to dark).
_CLASSES = (
    (5_000.0, "#fee8c8", "#c9a98a"),
    (20_000.0, "#fdbb84", "#b9804f"),
    (50_000.0, "#e34a33", "#9c2c1b"),
    (np.inf, "#7f0000", "#4a0000"),
)


def _class_labels(lang: str) -> list[str]:
    """``minder dan 5 t NH₃/jaar``, ``5 tot 20 t NH₃/jaar``, ..., ``50 t NH₃/jaar of meer``."""

    def tonnes(kg: float) -> str:
        return t("units.t_per_year", lang, value=format_count(round(kg / 1000), lang))

    labels = []
    lower = None
    for upper, _, _ in _CLASSES:
        if lower is None:
            labels.append(t("public.class_below", lang, upper=tonnes(upper)))
        elif np.isinf(upper):
            labels.append(t("public.class_above", lang, lower=tonnes(lower)))
        else:
            labels.append(
                t(
                    "public.class_between",
                    lang,
                    lower=format_count(round(lower / 1000), lang),
                    upper=tonnes(upper),
                )
            )
        lower = upper
    return labels


@dataclass
class Cells:
    """Grid cells of one region's farms, after suppression."""

    frame: gpd.GeoDataFrame  # n, nh3, prio, c (class index), geometry (EPSG:28992)
    farms_shown: int
    farms_suppressed: int
    cells_suppressed: int


def grid_cells(
    x: np.ndarray,
    y: np.ndarray,
    nh3_kg: np.ndarray,
    priority: np.ndarray,
    *,
    cell_m: float = CELL_M,
    min_farms: int = MIN_FARMS_PER_CELL,
) -> Cells:
    """Count farms, sum NH3 and count priority farms per grid cell; drop cells under
    ``min_farms`` farms.

    Parameters
    ----------
    x, y
        Farm coordinates in EPSG:28992.
    nh3_kg, priority
        Per farm.
    """
    ix = np.floor(np.asarray(x, dtype=float) / cell_m).astype(np.int64)
    iy = np.floor(np.asarray(y, dtype=float) / cell_m).astype(np.int64)
    frame = pd.DataFrame(
        {"ix": ix, "iy": iy, "nh3": np.asarray(nh3_kg, dtype=float), "prio": priority}
    )
    grouped = frame.groupby(["ix", "iy"], sort=True).agg(
        n=("nh3", "size"), nh3=("nh3", "sum"), prio=("prio", "sum")
    )
    grouped = grouped.reset_index()
    keep = grouped["n"].to_numpy() >= min_farms
    shown = grouped[keep].reset_index(drop=True)
    bounds = np.array([upper for upper, _, _ in _CLASSES])
    x0 = shown["ix"].to_numpy() * cell_m
    y0 = shown["iy"].to_numpy() * cell_m
    cells = gpd.GeoDataFrame(
        {
            "n": shown["n"].astype(int).to_numpy(),
            "nh3": np.rint(shown["nh3"].to_numpy()).astype(np.int64),
            "prio": shown["prio"].astype(int).to_numpy(),
            "c": np.searchsorted(bounds, shown["nh3"].to_numpy(), side="right").clip(
                0, len(_CLASSES) - 1
            ),
        },
        geometry=shapely.box(x0, y0, x0 + cell_m, y0 + cell_m),
        crs=RD_NEW,
    )
    return Cells(
        frame=cells,
        farms_shown=int(shown["n"].sum()),
        farms_suppressed=int(grouped.loc[~keep, "n"].sum()),
        cells_suppressed=int((~keep).sum()),
    )


def write_public_maps(context: WriteContext) -> WriteReport:
    """Write the public ``<slug>/map.html`` for every region and a public ``index.html``.

    Only aggregates leave the run: the pages hold grid cells, region totals and the Natura 2000
    areas; no list is written beside them, and no note (a note may name a farm).
    """
    result, out_dir = context.result, context.folder
    ranked = result.ranked
    x = shapely.get_x(ranked.geometry.values)
    y = shapely.get_y(ranked.geometry.values)
    nh3 = ranked["nh3_kg"].to_numpy(dtype=float)
    priority = ranked["priority"].to_numpy(dtype=bool)
    areas = result.natura.areas
    zone = context.priority_zone.explode(index_parts=False, ignore_index=True)
    regions = result.regions.regions
    geometry_by_slug = dict(zip(regions["slug"], regions.geometry.values, strict=True))
    threshold_m = float(result.options.config.threshold_m)
    lang = result.options.config.language
    cell = _cell_text(lang)
    legend = {
        "title": t("public.legend_title", lang, cell=cell),
        "classes": [
            {"label": label, "fill": fill, "stroke": stroke}
            for (_, fill, stroke), label in zip(_CLASSES, _class_labels(lang), strict=True)
        ],
        "note": t("public.legend_note", lang, min=MIN_FARMS_PER_CELL),
    }
    written: list[Path] = []
    rows = []
    for region in result.region_lists:
        pos = np.asarray(region.positions, dtype=np.int64)
        cells = grid_cells(x[pos], y[pos], nh3[pos], priority[pos])
        summary = RegionSummary(
            name=region.name,
            slug=region.slug,
            farms=len(pos),
            priority=int(priority[pos].sum()),
            selected=None,
            selected_nh3_kg=None,
            selected_eur=None,
        )
        content = region_content(
            summary,
            region_geom=geometry_by_slug.get(region.slug),
            farm_points=ranked.geometry.values[pos],
            areas=areas,
            zone=zone,
            threshold_m=threshold_m,
            farms={},
            counts={},
            lang=lang,
        )
        # the first view fits the region (a cell is not a farm), not single farms
        content.view = content.bounds
        content.title = t("public.title", lang, region=region.name)
        content.headline = {
            "title": region.name,
            "figures": [
                [t("public.farms", lang), format_count(len(pos), lang)],
                [t("public.priority", lang), format_count(int(priority[pos].sum()), lang)],
                [t("public.nh3", lang), format_tonnes(float(nh3[pos].sum()), lang)],
                [t("public.cells", lang), format_count(len(cells.frame), lang)],
                [t("public.suppressed", lang), format_count(cells.farms_suppressed, lang)],
            ],
            "notes": [
                t("public.note", lang, cell=cell, distance=format_m(threshold_m, lang)),
            ],
            "links": [[t("map.panel.index", lang), "../index.html"]],
        }
        extent = map_extent(geometry_by_slug.get(region.slug), ranked.geometry.values[pos])
        box = shapely.box(*shapely.bounds(extent))
        near_cells = (
            near(cells.frame, box.buffer(MAP_MARGIN_M)) if len(cells.frame) else cells.frame
        )
        content.grid = {
            "geojson": polygons_geojson(near_cells, ["n", "nh3", "prio", "c"], simplify_m=0.0),
            "classes": legend["classes"],
            "cell_text": t("public.cell", lang, cell=cell),
            "layer": t("public.layer", lang, cell=cell),
        }
        content.grid_legend = legend
        written.append(write_region_map(content, out_dir / region.slug))
        rows.append((region, len(pos), int(priority[pos].sum()), len(cells.frame)))
    index = out_dir / "index.html"
    index.write_text(
        render(
            "public_index.html.j2",
            lang,
            version=__version__,
            cell=cell,
            min_farms=MIN_FARMS_PER_CELL,
            rows=[
                {"name": r.name, "slug": r.slug, "farms": n, "priority": p, "cells": c}
                for r, n, p, c in rows
            ],
        ),
        encoding="utf-8",
    )
    written.append(index)
    return WriteReport(files=tuple(written))


def _cell_text(lang: str) -> str:
    """The cell's size in words: ``1 km``."""
    return f"{format_count(round(CELL_M / 1000), lang)} km"
