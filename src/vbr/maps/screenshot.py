"""Make the README's screenshots of a region map: ``python -m vbr.maps.screenshot``.

Runs vbr on the embedded default data into a temporary folder, opens the region's map in
headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright from the ``[test]``
extras) with every network request blocked and saves a PNG of the first view and, with
``--popup-out``, one with the popup of the region's first farm open. With no network the basemap
stays blank: what the picture shows comes from the page alone.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "main", "screenshot_map"]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else route.abort()
                ),
            )
            page.goto(Path(map_html).resolve().as_uri() + fragment)
            page.wait_for_function("window.vbr && window.vbr.maps.length === 1")
            page.evaluate(
                """() => {
                    const map = window.vbr.maps[0].map;
                    for (const [name, layer] of Object.entries(map._layers)) {
                        if (layer instanceof L.TileLayer) { map.removeLayer(layer); }
                    }
                }"""
            )
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
        # `vbr run` in a child process: the maps layer stays below the pipeline
        subprocess.run(
            [
                sys.executable,
                "-m",
                "vbr.cli",
                "run",
                "--quiet",
                "--lang",
                args.lang,
                "--out",
                str(out),
            ],
            check=True,
        )
        page = out / args.region / "map.html"
        if not page.exists():
            print(f"no region {args.region!r} in the default data", file=sys.stderr)
            return 2
        screenshot_map(page, args.out, chromium=args.chromium, popup_rank=None)
        print(f"wrote {args.out}")
        if args.popup_out is not None:
            screenshot_map(page, args.popup_out, chromium=args.chromium)
            print(f"wrote {args.popup_out}")
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
