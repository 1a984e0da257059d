"""Public maps (``vbr run --public``): farms counted in hexagons, nothing farm-level.

Farm-level locations with emissions and subsidies are sensitive. A public map shows, per region,
the Natura 2000 areas, the priority strip and the farms counted in hexagons whose size is chosen
per region (see :mod:`vbr.maps.hexagons`): number of farms, NH3 sum (kg/yr, whole kg) and number
of priority farms, coloured by NH3 per km². Hexagons with fewer than :data:`MIN_FARMS_PER_CELL`
farms are not shown at all. The panel and the index give the region's totals per class (farms,
priority, selected) and the share of its farms in hexagons left out. No farm id, name, subsidy,
rank or carried-through column reaches a page or a picture; the lists are not written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from vbr._version import __version__
from vbr.geometry import RD_NEW
from vbr.locale import t
from vbr.locale.formats import format_count, format_m, format_number, format_tonnes
from vbr.maps.credits import credits
from vbr.maps.data import polygons_geojson
from vbr.maps.hexagons import (
    MAX_SUPPRESSED_SHARE,
    MIN_FARMS,
    Aggregation,
    choose_sizes,
    hex_polygons,
)
from vbr.maps.html import render
from vbr.maps.layout import region_content
from vbr.maps.pages import write_pages
from vbr.maps.summary import RegionSummary
from vbr.model import WriteReport
from vbr.writers.context import WriteContext

__all__ = ["MIN_FARMS_PER_CELL", "PublicRegion", "cells_frame", "write_public_maps"]

#: Hexagons with fewer farms than this are suppressed (not drawn, not counted on the page).
MIN_FARMS_PER_CELL = MIN_FARMS

#: Colour classes by the hexagon's NH3 per km² (t/yr): upper bounds and colours (light to dark).
_CLASSES = (
    (1.0, "#fee8c8", "#c9a98a"),
    (5.0, "#fdbb84", "#b9804f"),
    (20.0, "#e34a33", "#9c2c1b"),
    (np.inf, "#7f0000", "#4a0000"),
)


def _class_labels(lang: str) -> list[str]:
    """``minder dan 1 t NH₃ per km² per jaar``, ``1 tot 5 t ...``, ..., ``20 t ... of meer``."""

    def density(value: float) -> str:
        return t("units.t_per_km2", lang, value=format_count(round(value), lang))

    labels = []
    lower = None
    for upper, _, _ in _CLASSES:
        if lower is None:
            labels.append(t("public.class_below", lang, upper=density(upper)))
        elif np.isinf(upper):
            labels.append(t("public.class_above", lang, lower=density(lower)))
        else:
            labels.append(
                t(
                    "public.class_between",
                    lang,
                    lower=format_count(round(lower), lang),
                    upper=density(upper),
                )
            )
        lower = upper
    return labels


def cells_frame(aggregation: Aggregation) -> gpd.GeoDataFrame:
    """The hexagons shown, as polygons (EPSG:28992) with ``n``, ``nh3`` (whole kg), ``prio``
    and ``c`` (colour class by NH3 per km²)."""
    cells = aggregation.cells
    size = aggregation.size_m
    area_km2 = math.sqrt(3.0) / 2.0 * size * size / 1e6
    density = cells["nh3"].to_numpy(dtype=float) / 1000.0 / area_km2
    bounds = np.array([upper for upper, _, _ in _CLASSES])
    return gpd.GeoDataFrame(
        {
            "n": cells["n"].to_numpy(dtype=np.int64),
            "nh3": np.rint(cells["nh3"].to_numpy(dtype=float)).astype(np.int64),
            "prio": cells["prio"].to_numpy(dtype=np.int64),
            "c": np.searchsorted(bounds, density, side="right").clip(0, len(_CLASSES) - 1),
        },
        geometry=hex_polygons(cells["q"].to_numpy(), cells["r"].to_numpy(), size),
        crs=RD_NEW,
    )


@dataclass(frozen=True)
class PublicRegion:
    """One region's public figures (for its map, its picture and the index)."""

    name: str
    slug: str
    farms: int
    priority: int
    selected: int | None
    nh3_kg: float
    aggregation: Aggregation


def _size_text(size_m: float, lang: str) -> str:
    """A hexagon's size in words: ``3 km breed``."""
    km = size_m / 1000.0
    value = format_number(km, lang, 0 if km == round(km) else 1)
    return t("public.size", lang, size=f"{value} km")


def _percent(part: int, whole: int, lang: str) -> str:
    """``83 %`` (whole per cent; ``0 %`` without a whole)."""
    share = 100.0 * part / whole if whole else 0.0
    return t("units.percent", lang, value=format_count(round(share), lang))


def _figures(region: PublicRegion, lang: str) -> list[list[str]]:
    a = region.aggregation
    rows = [
        [t("public.farms", lang), format_count(region.farms, lang)],
        [t("public.priority", lang), format_count(region.priority, lang)],
    ]
    if region.selected is not None:
        rows.append([t("public.selected", lang), format_count(region.selected, lang)])
    rows += [
        [t("public.nh3", lang), format_tonnes(region.nh3_kg, lang)],
        [t("public.cell_size", lang), _size_text(a.size_m, lang)],
        [t("public.cells", lang), format_count(len(a.cells), lang)],
        [
            t("public.shown", lang),
            f"{format_count(a.shown, lang)} ({_percent(a.shown, a.farms, lang)})",
        ],
        [
            t("public.suppressed", lang),
            f"{format_count(a.suppressed, lang)} ({_percent(a.suppressed, a.farms, lang)})",
        ],
    ]
    return rows


def _notes(region: PublicRegion, threshold_m: float, lang: str) -> list[str]:
    a = region.aggregation
    share = _percent(round(MAX_SUPPRESSED_SHARE * 100), 100, lang)
    notes = [
        t(
            "public.note",
            lang,
            cell=_size_text(a.size_m, lang),
            share=share,
            distance=format_m(threshold_m, lang),
        )
    ]
    if a.suppressed_share > MAX_SUPPRESSED_SHARE:
        notes.append(t("public.note_target", lang, cell=_size_text(a.size_m, lang), share=share))
    return notes


def write_public_maps(context: WriteContext) -> WriteReport:
    """Write the public ``<slug>/map.html`` and ``<slug>/map.png`` for every region and a
    public ``index.html``.

    Only aggregates leave the run: the pages hold hexagons, region totals and the Natura 2000
    areas; no list is written beside them, and no note (a note may name a farm).
    """
    result, out_dir = context.result, context.folder
    ranked = result.ranked
    x = shapely.get_x(ranked.geometry.values)
    y = shapely.get_y(ranked.geometry.values)
    nh3 = ranked["nh3_kg"].to_numpy(dtype=float)
    priority = ranked["priority"].to_numpy(dtype=bool)
    selected_all = (
        ranked["selected"].to_numpy(dtype=bool)
        if result.with_budget and "selected" in ranked
        else None
    )
    areas = result.natura.areas
    if areas.crs is not None and not areas.crs.equals(RD_NEW):
        areas = areas.to_crs(RD_NEW)
    zone = context.priority_zone.explode(index_parts=False, ignore_index=True)
    regions = result.regions.regions
    geometry_by_slug = dict(zip(regions["slug"], regions.geometry.values, strict=True))
    threshold_m = float(result.options.config.threshold_m)
    lang = result.options.config.language
    masks = []
    for region in result.region_lists:
        mask = np.zeros(len(ranked), dtype=bool)
        mask[np.asarray(region.positions, dtype=np.int64)] = True
        masks.append(mask)
    aggregations = choose_sizes(x, y, nh3, priority, masks)
    run_credits = credits(result, context.created, public_min_farms=MIN_FARMS_PER_CELL)
    classes = [
        {"label": label, "fill": fill, "stroke": stroke}
        for (_, fill, stroke), label in zip(_CLASSES, _class_labels(lang), strict=True)
    ]
    rows: list[PublicRegion] = []

    def pages():
        for region, aggregation in zip(result.region_lists, aggregations, strict=True):
            pos = np.asarray(region.positions, dtype=np.int64)
            # the one decision of ranking.csv, whichever pot funded the farm
            selected = int(selected_all[pos].sum()) if selected_all is not None else None
            public = PublicRegion(
                name=region.name,
                slug=region.slug,
                farms=len(pos),
                priority=int(priority[pos].sum()),
                selected=selected,
                nh3_kg=float(nh3[pos].sum()),
                aggregation=aggregation,
            )
            rows.append(public)
            summary = RegionSummary(
                name=region.name,
                slug=region.slug,
                farms=len(pos),
                priority=public.priority,
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
            cells = cells_frame(aggregation)
            size = _size_text(aggregation.size_m, lang)
            # the first view fits the region (a hexagon is not a farm), not single farms
            content.view = content.bounds
            content.title = t("public.title", lang, region=region.name)
            content.headline = {
                "title": region.name,
                "figures": _figures(public, lang),
                "notes": _notes(public, threshold_m, lang),
                "links": [[t("map.panel.index", lang), "../index.html"]],
            }
            content.grid = {
                "geojson": polygons_geojson(cells, ["n", "nh3", "prio", "c"], simplify_m=0.0),
                "classes": classes,
                "cell_text": t("public.cell", lang, cell=size),
                "layer": t("public.layer", lang, cell=size),
            }
            content.grid_legend = {
                "title": t("public.legend_title", lang, cell=size),
                "classes": classes,
                "note": t("public.legend_note", lang, min=MIN_FARMS_PER_CELL),
            }
            content.geometry.cells = cells
            content.credits = run_credits.as_dict()
            yield region.slug, content

    return write_pages(
        out_dir,
        pages(),
        lambda: _index(rows, lang),
        jobs=len(result.region_lists),
        stage="public_maps",
    )


def _index(rows: list[PublicRegion], lang: str) -> str:
    share = _percent(round(MAX_SUPPRESSED_SHARE * 100), 100, lang)
    return render(
        "public_index.html.j2",
        lang,
        version=__version__,
        share=share,
        min_farms=MIN_FARMS_PER_CELL,
        with_selected=any(r.selected is not None for r in rows),
        rows=[
            {
                "name": r.name,
                "slug": r.slug,
                "farms": r.farms,
                "priority": r.priority,
                "selected": r.selected,
                "size": _size_text(r.aggregation.size_m, lang),
                "cells": len(r.aggregation.cells),
                "shown": f"{format_count(r.aggregation.shown, lang)} "
                f"({_percent(r.aggregation.shown, r.farms, lang)})",
                "suppressed": _percent(r.aggregation.suppressed, r.farms, lang),
            }
            for r in rows
        ],
    )
