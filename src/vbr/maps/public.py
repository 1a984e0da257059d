"""Public maps (``vbr run --public``): farms aggregated to 1 km grid cells, nothing farm-level.

Farm-level locations with emissions and subsidies are sensitive. A public map shows, per region,
the Natura 2000 areas, the priority strip and the region's farms counted in 1 km x 1 km cells of
the RD New grid: number of farms, NH3 sum (kg/yr, whole kg) and number of priority farms. Cells
with fewer than :data:`MIN_FARMS_PER_CELL` farms are not shown at all. No farm id, name,
subsidy, rank or carried-through column reaches the page; the lists are not written.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr._version import __version__
from vbr.geometry import RD_NEW
from vbr.maps.data import polygons_geojson
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
    (5_000.0, "< 5 t NH3/yr", "#fee8c8", "#c9a98a"),
    (20_000.0, "5 - 20 t NH3/yr", "#fdbb84", "#b9804f"),
    (50_000.0, "20 - 50 t NH3/yr", "#e34a33", "#9c2c1b"),
    (np.inf, ">= 50 t NH3/yr", "#7f0000", "#4a0000"),
)


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
    bounds = np.array([upper for upper, *_ in _CLASSES])
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
    legend = {
        "title": f"Farms per {CELL_M / 1000:g} km cell",
        "classes": [
            {"label": label, "fill": fill, "stroke": stroke} for _, label, fill, stroke in _CLASSES
        ],
        "note": f"Colour: NH3 emission of the cell's farms. Cells with fewer than "
        f"{MIN_FARMS_PER_CELL} farms are not shown.",
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
            budget=None,
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
        )
        content.title = f"{region.name}: livestock farms per km2 (public map)"
        content.headline = {
            "title": region.name,
            "figures": [
                ["Farms", f"{len(pos):,}"],
                ["Priority farms", f"{int(priority[pos].sum()):,}"],
                ["NH3 of all farms", f"{nh3[pos].sum() / 1000:,.1f} t/yr"],
                ["Cells shown", f"{len(cells.frame):,}"],
                ["Farms in suppressed cells", f"{cells.farms_suppressed:,}"],
            ],
            "notes": [
                "Public map: farms are counted per 1 km cell; no farm is shown. Priority: "
                f"within {threshold_m:,g} m of an overloaded Natura 2000 area."
            ],
            "links": [["All regions", "../index.html"]],
        }
        extent = map_extent(geometry_by_slug.get(region.slug), ranked.geometry.values[pos])
        box = shapely.box(*shapely.bounds(extent))
        near_cells = (
            near(cells.frame, box.buffer(MAP_MARGIN_M)) if len(cells.frame) else cells.frame
        )
        content.grid = {
            "geojson": polygons_geojson(near_cells, ["n", "nh3", "prio", "c"], simplify_m=0.0),
            "classes": legend["classes"],
            "cell_text": f"{CELL_M / 1000:g} km cell",
        }
        content.grid_legend = legend
        written.append(write_region_map(content, out_dir / region.slug))
        rows.append((region, len(pos), int(priority[pos].sum()), len(cells.frame)))
    index = out_dir / "index.html"
    index.write_text(_public_index(rows), encoding="utf-8")
    written.append(index)
    return WriteReport(files=tuple(written))


def _public_index(rows) -> str:
    def e(text: object) -> str:
        return html.escape(str(text), quote=True)

    body = "\n".join(
        f'<tr><td>{e(r.name)}</td><td><a href="{e(r.slug)}/map.html">map</a></td>'
        f'<td class="num">{n:,}</td><td class="num">{p:,}</td><td class="num">{c:,}</td></tr>'
        for r, n, p, c in rows
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>vbr public maps</title>
<style>body {{ font: 14px/1.45 system-ui, Arial, sans-serif; margin: 24px; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 5px 10px; border-bottom: 1px solid #ddd; }}
th {{ text-align: left; background: #f3f4f6; }} td.num {{ text-align: right; }}</style></head>
<body><h1>Livestock farms near Natura 2000: public maps</h1>
<p>Farms are counted per {CELL_M / 1000:g} km cell; cells with fewer than {MIN_FARMS_PER_CELL}
farms are not shown. No farm-level data is published. Made with vbr {e(__version__)}.</p>
<table><thead><tr><th>Region</th><th>Map</th><th>Farms</th><th>Priority farms</th>
<th>Cells shown</th></tr></thead><tbody>
{body}
</tbody></table></body></html>
"""
