"""The JavaScript and CSS a map needs, shipped inside the package and inlined into each page.

Leaflet 1.9.4 comes from the npm registry (``npm pack leaflet@1.9.4``; BSD 2-Clause licence in
``assets/leaflet/LICENSE``). The images its stylesheet refers to are inlined as data URIs, so a
map is one file that opens with no network at all (basemap tiles aside). ``vbr_map.js`` and
``vbr_map.css`` are this project's own code: farm layer, legend, panel, search and popups.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources

__all__ = [
    "LEAFLET_VERSION",
    "dom_js",
    "inline_css",
    "inline_script",
    "leaflet_css",
    "leaflet_js",
    "scenario_css",
    "scenario_js",
    "vbr_css",
    "vbr_js",
]

LEAFLET_VERSION = "1.9.4"

_ASSETS = resources.files("vbr.maps") / "assets"


def _read_asset(*parts: str) -> str:
    return _ASSETS.joinpath(*parts).read_text(encoding="utf-8")


@cache
def leaflet_js() -> str:
    """Leaflet's minified JavaScript, its licence first, without the source-map comment (no file
    to fetch)."""
    code = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", _read_asset("leaflet", "leaflet.js"))
    licence = _read_asset("leaflet", "LICENSE").replace("*/", "* /")
    return f"/* Leaflet licence:\n{licence}*/\n{code}"


@cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images inlined as data URIs."""

    def inline(match: re.Match) -> str:
        name = match.group(1)
        data = _ASSETS.joinpath("leaflet", "images", name).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return re.sub(
        r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, _read_asset("leaflet", "leaflet.css")
    )


@cache
def dom_js() -> str:
    """The DOM helpers of the project's scripts (``window.vbrDom``): inlined before them."""
    return _read_asset("vbr_dom.js")


@cache
def vbr_js() -> str:
    """The project's own map code."""
    return _read_asset("vbr_map.js")


@cache
def vbr_css() -> str:
    """The project's own map styles."""
    return _read_asset("vbr_map.css")


@cache
def scenario_js() -> str:
    """The what-if code: the procedure in the browser, its panel and the overview map."""
    return _read_asset("vbr_scenario.js")


@cache
def scenario_css() -> str:
    """The what-if panel's and the overview map's styles."""
    return _read_asset("vbr_scenario.css")


def inline_script(code: str) -> str:
    """A ``<script>`` element holding ``code``; refuses code that would close the element early."""
    if re.search(r"</script", code, flags=re.IGNORECASE):
        raise ValueError("script text contains '</script'")
    return f"<script>\n{code}\n</script>"


def inline_css(css: str) -> str:
    """A ``<style>`` element holding ``css``."""
    if re.search(r"</style", css, flags=re.IGNORECASE):
        raise ValueError("style text contains '</style'")
    return f"<style>\n{css}\n</style>"
