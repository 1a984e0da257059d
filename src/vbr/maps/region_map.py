"""One region's interactive map: a Folium page with Leaflet inlined and no CDN reference.

Folium builds the page (map, basemaps, layer control); the data layers are small Folium layers
whose script hands JSON to ``vbr_map.js``, which draws the farms as one GeoJSON layer of circle
markers on a canvas and builds legend, panel, search and popups from DOM text. Every word on the
page is from the run's language catalogue (:mod:`vbr.locale`); the words ``vbr_map.js`` needs
reach it as one JSON object (``vbr.setTexts``) before any layer.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from babel.lists import format_list
from branca.element import Element, MacroElement
from folium.map import Layer
from folium.utilities import remove_empty

from vbr.locale import babel_locale, t, texts
from vbr.locale.formats import format_count, format_m, intl_locale
from vbr.maps import assets
from vbr.maps.buyout import add_buyout
from vbr.maps.data import STATUSES, safe_json
from vbr.maps.html import RawMarkup, render
from vbr.maps.whatif import RegionWhatIf, add_whatif

__all__ = [
    "BASEMAPS",
    "Basemap",
    "MapGeometry",
    "RegionMapContent",
    "legend_entries",
    "region_map_html",
    "write_region_map",
]


@dataclass(frozen=True)
class Basemap:
    """A tile layer a user can switch to; ``name`` is its catalogue key."""

    name: str
    url: str
    attribution: str
    max_native_zoom: int


#: ``{map}`` and ``{photo}`` are the catalogue's words (``map.attribution_*``), HTML-escaped.
_PDOK_ATTR = (
    '{map}: <a href="https://www.kadaster.nl">Kadaster</a> / <a href="https://www.pdok.nl">PDOK</a>'
)
#: Basemaps, the first shown on opening. Tiles are the only network requests a map makes.
BASEMAPS = (
    Basemap(
        "map.basemap_grey",
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png",
        _PDOK_ATTR,
        19,
    ),
    Basemap(
        "map.basemap_standard",
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
        _PDOK_ATTR,
        19,
    ),
    Basemap(
        "map.basemap_aerial",
        "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_orthoHR/EPSG:3857/{z}/{x}/{y}.jpeg",
        '{photo}: <a href="https://www.beeldmateriaal.nl">Beeldmateriaal Nederland</a> / '
        '<a href="https://www.pdok.nl">PDOK</a>',
        19,
    ),
    Basemap(
        "map.basemap_osm",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        19,
    ),
)

#: Styles of the polygon layers (Leaflet path options).
AREA_STYLES = {
    "overloaded": {
        "color": "#7a3e9d",
        "weight": 1.5,
        "fillColor": "#b07cc6",
        "fillOpacity": 0.35,
        "label": "map.legend.overloaded",
    },
    "other": {
        "color": "#2e7d32",
        "weight": 1.5,
        "fill": False,
        "dashArray": "4 3",
        "label": "map.legend.other",
    },
    "zone": {
        "color": "#c77c00",
        "weight": 1,
        "fillColor": "#f6c56b",
        "fillOpacity": 0.18,
        "label": "map.legend.zone",
    },
    "outline": {
        "color": "#111111",
        "weight": 2.5,
        "fill": False,
        "label": "map.legend.outline",
    },
}


def _add_script(element: Element, code: str) -> None:
    """Put ``code`` in the page's script as it is.

    Folium's own elements pass their rendered script through Jinja a second time, so input text
    such as ``{{ 7*7 }}`` in a payload would be evaluated; vbr's elements never do that.
    """
    element.get_root().script.add_child(RawMarkup(code), name=element.get_name())


class _ScriptLayer(Layer):
    """A layer whose JavaScript object is made by a ``vbr`` function from a JSON payload."""

    def __init__(self, factory: str, payload: dict, *, name: str, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "VbrLayer"
        self.factory = factory
        self.payload = safe_json(payload)

    def render(self, **kwargs) -> None:
        name, parent = self.get_name(), self._parent.get_name()
        code = f"var {name} = vbr.{self.factory}({parent}, {self.payload});\n"
        if self.show:
            code += f"{name}.addTo({parent});\n"
        _add_script(self, code)


class _ImageLayer(Layer):
    """A picture over the map (the exceedance raster), from a ``data:`` URI: no network."""

    def __init__(self, uri: str, bounds: tuple[float, float, float, float], *, name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "VbrImage"
        self.uri = uri
        self.bounds = bounds

    def render(self, **kwargs) -> None:
        south, west, north, east = self.bounds
        name, parent = self.get_name(), self._parent.get_name()
        _add_script(
            self,
            f"var {name} = L.imageOverlay({safe_json(self.uri)}, "
            f"[[{south}, {west}], [{north}, {east}]], {{opacity: 0.6}});\n"
            f"{name}.addTo({parent});\n",
        )


class _Tiles(folium.TileLayer):
    """Folium's tile layer of a URL, made without folium's search of every xyzservices
    provider for one named like the URL (7 ms a layer, 0.15 s a run): the same element, the
    same options in the same order (a test renders both)."""

    def __init__(
        self,
        *,
        tiles: str,
        attr: str,
        name: str,
        max_zoom: int,
        max_native_zoom: int | None,
        overlay: bool,
        control: bool,
        show: bool,
    ):
        Layer.__init__(self, name=name, overlay=overlay, control=control, show=show)
        self._name = "TileLayer"
        self.tile_name = name
        self.tiles = tiles
        self.options = remove_empty(
            min_zoom=0,
            max_zoom=max_zoom,
            max_native_zoom=max_native_zoom or max_zoom,
            no_wrap=False,
            attribution=attr,
            subdomains="abc",
            detect_retina=False,
            tms=False,
            opacity=1,
        )


class _BlankBase(Layer):
    """A base layer with no tiles: the map without any network at all."""

    def __init__(self, name: str):
        super().__init__(name=name, overlay=False, control=True, show=False)
        self._name = "BlankBase"

    def render(self, **kwargs) -> None:
        _add_script(self, f"var {self.get_name()} = L.layerGroup();\n")


class _Setup(MacroElement):
    """Calls ``vbr.<function>`` once every layer exists: ``setup`` (panel, search, legend,
    scale) for a region map, ``publicSetup`` (panel, cell legend, scale) for a public one."""

    def __init__(
        self, function: str, map_name: str, layer_name: str, payload: dict, overlays: list
    ):
        super().__init__()
        self._name = {"setup": "VbrSetup", "publicSetup": "VbrPublicSetup"}[function]
        self.function = function
        self.map_name = map_name
        self.layer_name = layer_name
        self.payload = safe_json(payload)
        self.overlays = overlays

    def render(self, **kwargs) -> None:
        overlays = ", ".join(f"{safe_json(key)}: {name}" for key, name in self.overlays)
        _add_script(
            self,
            f"vbr.{self.function}({self.map_name}, {self.layer_name}, {self.payload}, "
            f"{{{overlays}}});\n",
        )


@dataclass
class MapGeometry:
    """What a region's map shows, in EPSG:28992 (for ``map.png``)."""

    #: The region's extent: xmin, ymin, xmax, ymax.
    extent: tuple[float, float, float, float]
    #: The region's outline, or ``None``.
    outline: object
    #: The Natura 2000 areas near the region, overloaded and not, with their label anchors
    #: (``label_x``, ``label_y``, ``lr``; see :func:`vbr.maps.layout.label_anchors`).
    overloaded: gpd.GeoDataFrame
    other: gpd.GeoDataFrame
    #: The priority strip's parts near the region.
    zone: gpd.GeoDataFrame
    #: The region's farms (x, y), in the order of the farm layer's rows.
    farm_xy: np.ndarray
    #: Public map: the cells shown, with their class ``c`` (see :mod:`vbr.maps.public`).
    cells: gpd.GeoDataFrame | None = None


@dataclass
class RegionMapContent:
    """What goes on one region's map (all geometry already EPSG:4326 GeoJSON)."""

    title: str
    bounds: tuple[float, float, float, float]  # south, west, north, east
    #: What the first view fits (the region's farms, else ``bounds``): south, west, north, east.
    view: tuple[float, float, float, float]
    lang: str
    outline: dict
    overloaded: dict
    other_areas: dict
    zone: dict
    threshold_m: float
    farms: dict
    counts: dict[str, int]
    headline: dict
    #: With ``--exceedance``: the overloaded cells as a PNG ``data:`` URI and its bounds
    #: (south, west, north, east).
    deposition: tuple[str, tuple[float, float, float, float]] | None = None
    #: Public mode: farms aggregated to grid cells (``vbr.grid`` payload) and its legend; when
    #: given, ``farms`` is not drawn at all.
    grid: dict | None = None
    grid_legend: dict | None = None
    #: The same in EPSG:28992, for ``map.png``.
    geometry: MapGeometry | None = None
    #: The run's date, sources and limits (the print view; see :mod:`vbr.maps.credits`).
    credits: dict | None = None
    #: The what-if controls' data (``vbr.regionWhatif``, :mod:`vbr.maps.whatif`), or ``None``.
    whatif: RegionWhatIf | None = None
    #: The farm popups' buy-out view (``vbr.regionBuyout``, :mod:`vbr.maps.buyout`), or ``None``.
    buyout: dict | None = None


def legend_entries(content: RegionMapContent) -> dict:
    """The legend: the statuses the region's farms have (none without farms), sizes, areas."""
    lang = content.lang
    entries = [
        {
            "status": k,
            "count": content.counts[s.key],
            "count_text": format_count(content.counts[s.key], lang),
        }
        for k, s in enumerate(STATUSES)
        if content.counts.get(s.key, 0) > 0
    ]
    areas = []
    for key in ("overloaded", "other", "zone", "outline"):
        style = AREA_STYLES[key]
        areas.append(
            {
                "label": t(style["label"], lang, distance=_distance(content)),
                "stroke": style["color"],
                "fill": style.get("fillColor") if style.get("fill", True) else None,
                "dashed": "dashArray" in style,
            }
        )
    return {"statuses": entries, "sizes": content.farms.get("sizeLegend", []), "areas": areas}


def _distance(content: RegionMapContent) -> str:
    return format_m(content.threshold_m, content.lang)


#: The catalogue texts each kind of page hands to ``vbr_map.js``.
_JS_TEXTS = {
    "region": (
        "units.",
        "map.popup.",
        "map.tip.",
        "map.search.",
        "map.legend.",
        "map.print.",
        "map.panel.fold",
        "map.panel.unfold",
        "whatif.buyout.",
    ),
    "public": (
        "units.",
        "public.cell_",
        "map.tip.",
        "map.print.",
        "map.panel.fold",
        "map.panel.unfold",
    ),
}


def page_texts(lang: str, kind: str) -> dict[str, str]:
    """The one JSON object of words (and the ``Intl`` locale) a page's script gets."""
    return {"locale": intl_locale(lang), **texts(lang).subset(_JS_TEXTS[kind])}


def _path_style(key: str) -> dict:
    return {k: v for k, v in AREA_STYLES[key].items() if k != "label"}


def region_map_html(content: RegionMapContent) -> str:
    """The HTML text of one region's map.

    The page holds Leaflet and the vbr code inline; its only ``http(s)`` URLs are the basemap
    tile templates and attribution links.
    """
    south, west, north, east = content.bounds
    lang = content.lang
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=10,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,
        min_zoom=6,
        max_zoom=21,
    )
    # Folium would load Leaflet, jQuery, Bootstrap and Font Awesome from CDNs: drop them all and
    # inline what the page needs.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    header = root.header
    header.add_child(
        RawMarkup(render("map_title.html.j2", lang, title=content.title)), name="vbr_title"
    )
    header.add_child(RawMarkup(assets.inline_css(assets.leaflet_css())), name="leaflet_css")
    header.add_child(RawMarkup(assets.inline_css(assets.vbr_css())), name="vbr_css")
    header.add_child(RawMarkup(assets.inline_script(assets.leaflet_js())), name="leaflet_js")
    header.add_child(RawMarkup(assets.inline_script(assets.dom_js())), name="vbr_dom_js")
    header.add_child(RawMarkup(assets.inline_script(assets.vbr_js())), name="vbr_js")
    kind = "public" if content.grid is not None else "region"
    header.add_child(
        RawMarkup(assets.inline_script(f"vbr.setTexts({safe_json(page_texts(lang, kind))});")),
        name="vbr_texts",
    )

    for k, base in enumerate(BASEMAPS):
        _Tiles(
            tiles=base.url,
            attr=base.attribution.format(
                map=html.escape(t("map.attribution_map", lang)),
                photo=html.escape(t("map.attribution_photo", lang)),
            ),
            name=t(base.name, lang),
            max_zoom=21,
            max_native_zoom=base.max_native_zoom,
            overlay=False,
            control=True,
            show=k == 0,
        ).add_to(fmap)
    _BlankBase(t("map.basemap_none", lang)).add_to(fmap)

    layers = _area_layers(content)
    if content.deposition is not None:
        uri, image_bounds = content.deposition
        layers.insert(
            0,
            (
                "deposition",
                _ImageLayer(uri, image_bounds, name=t("map.layer.deposition", lang)),
            ),
        )
    for _, layer in layers:
        layer.add_to(fmap)
    v_south, v_west, v_north, v_east = content.view
    view = [[v_south, v_west], [v_north, v_east]]
    overlays = [(key, layer.get_name()) for key, layer in layers]
    print_view = _print_payload(content)
    if content.grid is not None:
        grid = _ScriptLayer("grid", content.grid, name=content.grid["layer"])
        grid.add_to(fmap)
        folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
        legend = {**content.grid_legend, "areas": legend_entries(content)["areas"]}
        payload = {"legend": legend, "headline": content.headline, "view": view, **print_view}
        fmap.add_child(_Setup("publicSetup", fmap.get_name(), grid.get_name(), payload, overlays))
        return _page(root, lang)
    farms = _ScriptLayer("farms", content.farms, name=t("map.layer.farms", lang))
    farms.add_to(fmap)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    overlays.append(("farms", farms.get_name()))
    setup_payload = {
        "legend": legend_entries(content),
        "headline": content.headline,
        "view": view,
        "search": search_scope(content.farms, lang),
        **print_view,
    }
    fmap.add_child(_Setup("setup", fmap.get_name(), farms.get_name(), setup_payload, overlays))
    if content.whatif is not None:
        add_whatif(fmap, content.whatif, _add_script)
    if content.buyout is not None:
        add_buyout(fmap, content.buyout, _add_script)
    return _page(root, lang)


def _area_layers(content: RegionMapContent) -> list[tuple[str, Layer]]:
    """The polygon layers, bottom to top: the strip, the other and the overloaded Natura 2000
    areas, the region's outline (and the deposition picture under them all, when given)."""
    lang = content.lang
    layers: list[tuple[str, Layer]] = [
        (
            "zone",
            _ScriptLayer(
                "polygons",
                {
                    "geojson": content.zone,
                    "style": _path_style("zone"),
                    "kind": "zone",
                    "text": t("map.tip.zone", lang, distance=_distance(content)),
                },
                name=t("map.layer.zone", lang, distance=_distance(content)),
            ),
        ),
        (
            "other_areas",
            _ScriptLayer(
                "polygons",
                {"geojson": content.other_areas, "style": _path_style("other"), "kind": "area"},
                name=t("map.layer.other", lang),
            ),
        ),
        (
            "overloaded",
            _ScriptLayer(
                "polygons",
                {
                    "geojson": content.overloaded,
                    "style": _path_style("overloaded"),
                    "kind": "area",
                },
                name=t("map.layer.overloaded", lang),
            ),
        ),
        (
            "outline",
            _ScriptLayer(
                "polygons",
                {"geojson": content.outline, "style": _path_style("outline"), "kind": "region"},
                name=t("map.layer.outline", lang),
            ),
        ),
    ]
    if content.deposition is not None:
        uri, image_bounds = content.deposition
        layers.insert(
            0,
            ("deposition", _ImageLayer(uri, image_bounds, name=t("map.layer.deposition", lang))),
        )
    return layers


def _print_payload(content: RegionMapContent) -> dict:
    """What the print view adds: the title, the run's date, the sources and limits, and the
    basemap shown first (named among the sources)."""
    if content.credits is None:
        return {}
    return {
        "print": {
            "title": content.title,
            **content.credits,
            "basemap": t(BASEMAPS[0].name, content.lang),
        }
    }


def search_scope(farms: dict, lang: str) -> dict:
    """What the note under the search box says it searches: the searched columns by their
    input names (the first six and a count when there are more than eight, with the full list
    to unfold) and the Natura 2000 areas."""
    search = farms.get("search")
    if not search:
        return {}
    names = [str(farms["columns"][k]) for k in search["cols"]]
    if len(names) > 8:
        shown = t("map.search.scope_more", lang, shown=", ".join(names[:6]), count=len(names) - 6)
        return {"text": t("map.search.scope", lang, columns=shown), "all": ", ".join(names)}
    listed = format_list(names, locale=babel_locale(lang))
    return {"text": t("map.search.scope", lang, columns=listed), "all": None}


def _page(root: Element, lang: str) -> str:
    """The rendered page with stable ids, declaring its language (Folium's page template has a
    bare ``<html>``)."""
    html = render_with_stable_ids(root)
    head, sep, rest = html.partition("<html>")
    if not sep or "<html" in head:
        raise ValueError("the map page has no <html> element to declare its language on")
    return f'{head}<html lang="{lang}">{rest}'


def render_with_stable_ids(root: Element) -> str:
    """The page of ``root`` with the random ids Folium gave the page's elements (``map_<32
    hex>``) replaced by counters in order of first appearance, so that the same map is the same
    bytes every run.

    Only the ids of elements in the page's tree are replaced: data (farm ids, names) that happens
    to hold 32 hex digits is left alone. The elements' data (a ``payload`` of JSON text, most of
    a page) is rendered as a short mark, the ids are found and replaced with ``str.find`` and
    ``str.replace`` in what is left, and the data is put back in one pass (a regular expression
    of all ids over the whole page took 0.4 s per region map at 45,000 farms).
    """
    elements: list[Element] = []
    pending = [root]
    while pending:
        element = pending.pop()
        elements.append(element)
        pending.extend(reversed(element._children.values()))
    payloads: list[str] = []
    held = []
    for element in elements:
        payload = getattr(element, "payload", None)
        if isinstance(payload, str) and len(payload) >= _PAYLOAD_MARKED:
            held.append((element, payload))
            element.payload = f"\x00vbr-payload-{len(payloads)}\x00"
            payloads.append(payload)
    try:
        html = root.render()
    finally:
        for element, payload in held:
            element.payload = payload
    ids = [element._id for element in elements]
    first = {old: html.find(old) for old in dict.fromkeys(ids)}
    found = sorted((at, old) for old, at in first.items() if at >= 0)
    for k, (_, old) in enumerate(found):
        html = html.replace(old, f"{k:032x}")
    if not payloads:
        return html
    parts = _PAYLOAD_MARK.split(html)
    if sorted(map(int, parts[1::2])) != list(range(len(payloads))):
        raise ValueError("a map element's data was not rendered exactly once")
    parts[1::2] = [payloads[int(k)] for k in parts[1::2]]
    return "".join(parts)


#: Data of a map element this long or longer is left out while the ids are replaced.
_PAYLOAD_MARKED = 4096
_PAYLOAD_MARK = re.compile("\x00vbr-payload-([0-9]+)\x00")


def status_counts(statuses: np.ndarray) -> pd.Series:
    """Counts of farms per status key (all statuses, zero where absent)."""
    counts = np.bincount(statuses.astype(int), minlength=len(STATUSES))
    return pd.Series(counts, index=[s.key for s in STATUSES])


def write_region_map(content: RegionMapContent, folder: Path) -> Path:
    """Write :func:`region_map_html` to ``folder/map.html`` (the folder is made); its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "map.html"
    path.write_text(region_map_html(content), encoding="utf-8")
    return path
