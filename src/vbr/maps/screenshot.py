"""Make the README's screenshots of a region map: ``python -m vbr.maps.screenshot``.

Runs vbr on the embedded default data into a temporary folder, opens the region's map in
headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright from the ``[test]``
extras) with every network request blocked and saves a PNG of the first view and, on request,
one with the popup of the region's first farm open (``--popup-out``), the search box's answer
to a place name (``--search-out``), the tooltip of a Natura 2000 area (``--area-out``) and the
print view on an A4 page (``--print-out``); ``--png-out`` and ``--public-png-out`` copy the
region's ``map.png`` of a normal and of a public run. With no network the basemap stays blank:
what the picture shows comes from the page alone.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = [
    "CHROMIUM_ARGS",
    "main",
    "offline_page",
    "open_map_offline",
    "screenshot_map",
    "screenshot_views",
]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def offline_page(browser, size: tuple[int, int] = (1280, 800)):
    """A new page of ``browser`` (a Playwright browser) of ``size`` that loads only ``file:``
    and ``data:`` URLs: every network request is blocked."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    return page


def open_map_offline(browser, map_html: Path, size: tuple[int, int], *, fragment: str = ""):
    """``map_html`` (``fragment`` added to its URL) opened in an :func:`offline_page`, once its
    map is set up, without the basemap's tile layers (they would only show grey)."""
    page = offline_page(browser, size)
    page.goto(Path(map_html).resolve().as_uri() + fragment)
    page.wait_for_function("window.vbr && window.vbr.maps.length === 1")
    page.evaluate(
        """() => {
            const map = window.vbr.maps[0].map;
            for (const layer of Object.values(map._layers)) {
                if (layer instanceof L.TileLayer) { map.removeLayer(layer); }
            }
        }"""
    )
    return page


def screenshot_map(
    map_html: Path,
    png: Path,
    *,
    chromium: Path = Path("/usr/bin/chromium"),
    size: tuple[int, int] = (1280, 800),
    popup_rank: str | None = "1",
    fragment: str = "",
) -> Path:
    """Save a screenshot of one map page (network blocked) to ``png``; ``fragment`` is added to
    the page's URL (a what-if setting: ``#budget=...&threshold=...&policy=...``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = open_map_offline(browser, map_html, size, fragment=fragment)
            if popup_rank is not None:
                page.evaluate(
                    """(rank) => {
                        const {map, farms} = window.vbr.maps[0];
                        const layer = farms.getLayers()
                            .find(l => l.feature.properties.rank === rank);
                        if (layer) {
                            window.vbr.openFarm(map, farms, layer.feature.properties.i);
                        }
                    }""",
                    popup_rank,
                )
            page.wait_for_timeout(300)
            png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(png))
        finally:
            browser.close()
    return png


#: Page margins of the print view (vbr_map.css: ``@page``), in CSS pixels: a screenshot of the
#: print view is taken with them around it, as on paper.
_PRINT_MARGIN_PX = 34


def screenshot_views(
    map_html: Path,
    *,
    search: tuple[str, Path] | None = None,
    area: tuple[int, Path] | None = None,
    printed: Path | None = None,
    chromium: Path = Path("/usr/bin/chromium"),
    size: tuple[int, int] = (1280, 800),
) -> list[Path]:
    """Screenshots of one map page (network blocked): the search box's answer to ``search[0]``,
    the tooltip of Natura 2000 area ``area[0]`` (the pointer where no farm is, nearest the
    area's label) and the print view; each saved where its tuple says."""
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            if search is not None:
                page = open_map_offline(browser, map_html, size)
                page.fill(".vbr-search input", search[0])
                page.press(".vbr-search input", "Enter")
                page.wait_for_selector(".vbr-search-hit")
                saved.append(_save(page, search[1]))
            if area is not None:
                page = open_map_offline(browser, map_html, size)
                point = page.evaluate(
                    """(nr) => {
                        const {map, farms, areas} = window.vbr.maps[0];
                        const item = areas.index.flatMap(e => e.items)
                            .find(i => i.feature.properties.nr === nr);
                        const p = item.feature.properties;
                        const at = map.latLngToContainerPoint([p.ly, p.lx]);
                        const dots = farms.getLayers()
                            .map(l => map.latLngToContainerPoint(l.getLatLng()));
                        const box = map.getContainer().getBoundingClientRect();
                        let best = null;
                        for (let dy = -120; dy <= 120; dy += 6) {
                            for (let dx = -120; dx <= 120; dx += 6) {
                                const x = at.x + dx - 40, y = at.y + dy + 90;
                                if (dots.some(d => Math.hypot(d.x - x, d.y - y) < 25)) continue;
                                const hits = areas.hits(map.containerPointToLatLng([x, y]));
                                if (!hits.some(h => h.item.feature.properties.nr === nr)) continue;
                                const far = Math.hypot(dx, dy);
                                if (!best || far < best.far) best = {x, y, far};
                            }
                        }
                        return best && {x: box.left + best.x, y: box.top + best.y};
                    }""",
                    area[0],
                )
                page.mouse.move(point["x"] - 20, point["y"] - 10)
                page.mouse.move(point["x"], point["y"], steps=4)
                page.wait_for_selector(".vbr-area-tooltip")
                page.wait_for_timeout(300)
                saved.append(_save(page, area[1]))
            if printed is not None:
                # A4 landscape at 96 dpi inside its margins, as the browser lays out a print
                page = open_map_offline(browser, map_html, (1123 - 2 * _PRINT_MARGIN_PX, 794))
                page.emulate_media(media="print")
                page.wait_for_function("() => document.body.classList.contains('vbr-printing')")
                page.add_style_tag(
                    content=f"html {{ background: white; }} body {{ margin: 0; padding: "
                    f"{_PRINT_MARGIN_PX}px !important; }}"
                )
                page.set_viewport_size({"width": 1123, "height": 794})
                page.wait_for_timeout(300)
                saved.append(_save(page, printed, clip=(1123, 794)))
        finally:
            browser.close()
    return saved


def _save(page, path: Path, *, clip: tuple[int, int] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if clip is None:
        page.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": clip[0], "height": clip[1]})
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: run on the default data and screenshot one region's map."""
    parser = argparse.ArgumentParser(prog="python -m vbr.maps.screenshot", description=__doc__)
    parser.add_argument("--region", default="veluwe", help="region slug (default: veluwe)")
    parser.add_argument(
        "--out", type=Path, default=Path("docs/map-veluwe.png"), help="PNG of the first view"
    )
    parser.add_argument(
        "--popup-out", type=Path, help="PNG with the popup of the region's first farm open"
    )
    parser.add_argument("--search-out", type=Path, help="PNG of the search box's answer")
    parser.add_argument("--search", default="barneveld", help="what to type in the search box")
    parser.add_argument("--area-out", type=Path, help="PNG of a Natura 2000 area's tooltip")
    parser.add_argument("--area", type=int, default=57, help="the area's number (default 57)")
    parser.add_argument("--print-out", type=Path, help="PNG of the print view (A4 landscape)")
    parser.add_argument("--png-out", type=Path, help="a copy of the region's map.png")
    parser.add_argument("--public-png-out", type=Path, help="the map.png of a public run")
    parser.add_argument(
        "--national-out",
        type=Path,
        help="PNG of national/map.html with a what-if setting (half the budget, a 1,500 m strip)",
    )
    parser.add_argument("--lang", choices=("nl", "en"), default="nl", help="the run's language")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    args = parser.parse_args(argv)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        print("needs playwright: pip install -e '.[test]'", file=sys.stderr)
        return 2
    if not args.chromium.exists():
        print(f"needs Chromium at {args.chromium} (make test-deps installs it)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="vbr-screenshot-") as tmp:
        out = Path(tmp) / "out"
        _vbr_run(out, args.lang)
        page = out / args.region / "map.html"
        if not page.exists():
            print(f"no region {args.region!r} in the default data", file=sys.stderr)
            return 2
        screenshot_map(page, args.out, chromium=args.chromium, popup_rank=None)
        print(f"wrote {args.out}")
        if args.popup_out is not None:
            screenshot_map(page, args.popup_out, chromium=args.chromium)
            print(f"wrote {args.popup_out}")
        views = screenshot_views(
            page,
            search=(args.search, args.search_out) if args.search_out else None,
            area=(args.area, args.area_out) if args.area_out else None,
            printed=args.print_out,
            chromium=args.chromium,
        )
        for path in views:
            print(f"wrote {path}")
        if args.png_out is not None:
            _copy(page.parent / "map.png", args.png_out)
        if args.public_png_out is not None:
            public = Path(tmp) / "public"
            _vbr_run(public, args.lang, "--public")
            _copy(public / args.region / "map.png", args.public_png_out)
        if args.national_out is not None:
            screenshot_map(
                out / "national" / "map.html",
                args.national_out,
                chromium=args.chromium,
                popup_rank=None,
                fragment="#budget=562500000&threshold=1500&policy=skip",
            )
            print(f"wrote {args.national_out}")
    return 0


def _vbr_run(out: Path, lang: str, *extra: str) -> None:
    """``vbr run`` on the default data in a child process (the maps layer stays below the
    pipeline)."""
    command = [sys.executable, "-m", "vbr.cli", "run", "--quiet", "--lang", lang, "--out"]
    subprocess.run([*command, str(out), *extra], check=True)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    print(f"wrote {target}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
