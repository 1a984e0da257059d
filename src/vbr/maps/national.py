"""``national/map.html``: every ranked farm of the run (also those in no region) on one overview
map with the what-if controls.

The farms are drawn by ``vbr_scenario.js`` on one canvas (projected once, redrawn per view),
so that tens of thousands stay fluid; the controls re-apply the decision procedure in the
browser (:mod:`vbr.maps.scenario_data`), and ``window.vbr.scenario({budget_eur, threshold_m,
policy})`` returns what ``vbr run --budget --threshold-m --budget-policy`` would select. The
page is one file: Leaflet and the code inline, the data as JSON escaped for a ``<script>``
element; only basemap tiles come from the network.

A farm's popup has the buy-out view of the region maps (:mod:`vbr.maps.buyout`, the same code):
with ``--exceedance`` the mol N/yr per Natura 2000 area of every farm (computed once a run for
the region maps and this map), its footprint while the view is open, and the raster's
overloaded cells as a layer under the farms (the picture the region maps show).
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from vbr.cache import cache_folder
from vbr.geometry import RD_NEW
from vbr.locale import t
from vbr.locale.formats import format_count
from vbr.maps import assets
from vbr.maps.buyout import buyout_payload, raster_picture, run_area_table
from vbr.maps.data import DisplayCache, polygons_geojson, safe_json
from vbr.maps.html import render
from vbr.maps.region_map import BASEMAPS
from vbr.maps.scenario_data import scenario_payload, scenario_texts, slider_pot
from vbr.model import Result

__all__ = ["SIMPLIFY_AREAS_M", "national_areas_geojson", "national_map_html", "write_national_map"]

#: Outlines of the overloaded areas are simplified by this much on the overview (display only).
SIMPLIFY_AREAS_M = 25.0
#: The first view when there are no farms: the Netherlands (south, west, north, east).
_NETHERLANDS = (50.75, 3.35, 53.55, 7.25)


def _view(lat: list[float], lon: list[float]) -> list[list[float]]:
    if not lat:
        south, west, north, east = _NETHERLANDS
    else:
        south, north, west, east = min(lat), max(lat), min(lon), max(lon)
    return [[south, west], [north, east]]


def national_areas_geojson(result: Result) -> dict | None:
    """The overloaded Natura 2000 areas as the overview map draws them (simplified by
    ``SIMPLIFY_AREAS_M``), or ``None`` when no area is overloaded."""
    areas = result.natura.areas
    if areas.crs is not None and not areas.crs.equals(RD_NEW):
        areas = areas.to_crs(RD_NEW)
    overloaded = areas[areas["overloaded"].to_numpy(dtype=bool)]
    if not len(overloaded):
        return None
    return polygons_geojson(
        overloaded,
        ["nr"],
        simplify_m=SIMPLIFY_AREAS_M,
        cache=DisplayCache(folder=cache_folder()),  # kept between runs
    )


_NOT_GIVEN = object()


def national_map_html(
    result: Result,
    *,
    payload: dict | None = None,
    deposition=_NOT_GIVEN,
    buyout: dict | None = None,
) -> str:
    """The text of ``national/map.html`` for a computed run; ``payload`` the run's
    :func:`~vbr.maps.scenario_data.scenario_payload` made for the region maps, ``deposition``
    the raster's picture (:func:`~vbr.maps.buyout.raster_picture`) and ``buyout`` the popups'
    :func:`~vbr.maps.buyout.buyout_payload` of every ranked farm (each made here when not
    given; ``payload`` is not changed)."""
    lang = result.options.config.language
    if deposition is _NOT_GIVEN:
        deposition = raster_picture(result)
    if buyout is None:
        positions = np.arange(len(result.ranked))
        buyout = buyout_payload(result, positions, run_area_table(result))
    farms = scenario_payload(result) if payload is None else dict(payload)
    farms["regions"] = result.ranked["regions"].astype(str).tolist()
    if "impact_mol" in result.ranked:
        # with --exceedance: the deposition on overloaded nature that buying a farm out removes
        impact = result.ranked["impact_mol"].to_numpy(dtype="float64")
        farms["impact"] = [None if np.isnan(v) else float(v) for v in impact]
    base = BASEMAPS[0]
    raster = None
    if deposition is not None:
        uri, (south, west, north, east) = deposition
        raster = {
            "url": uri,
            "bounds": [[south, west], [north, east]],
            "name": t("map.layer.deposition", lang),
        }
    page = {
        "lang": lang,
        "farms": farms,
        "texts": scenario_texts(lang),
        "buyout": buyout,
        "deposition": raster,
        "view": _view(farms["lat"], farms["lon"]),
        "pot": slider_pot(result),
        "areas": national_areas_geojson(result),
        "basemap": {
            "url": base.url,
            "attribution": base.attribution.format(
                map=html.escape(t("map.attribution_map", lang)),
                photo=html.escape(t("map.attribution_photo", lang)),
            ),
        },
    }
    n = len(result.ranked)
    in_none = int((result.ranked["regions"].astype(str) == "").sum()) if n else 0
    styles = "\n".join(
        assets.inline_css(css) for css in (assets.leaflet_css(), assets.scenario_css())
    )
    scripts = "\n".join(
        assets.inline_script(js)
        for js in (assets.leaflet_js(), assets.dom_js(), assets.scenario_js())
    )
    start = assets.inline_script(f"vbr.national({safe_json(page)});")
    return render(
        "national_map.html.j2",
        lang,
        title=t("whatif.national_title", lang),
        subtitle=t(
            "whatif.national_subtitle",
            lang,
            farms=format_count(n, lang),
            no_region=format_count(in_none, lang),
        ),
        styles=styles,
        scripts=scripts,
        start=start,
    )


def write_national_map(result: Result, folder: Path, **given) -> Path:
    """Write :func:`national_map_html` (with the keywords ``given``) to
    ``folder/national/map.html``; its path."""
    path = Path(folder) / "national" / "map.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(national_map_html(result, **given), encoding="utf-8")
    return path
