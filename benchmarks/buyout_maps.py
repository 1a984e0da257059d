"""The region maps' buy-out view on the embedded default data with a synthetic exceedance raster.

Builds the raster of ``bench_deposition.py`` (100 m cells, a smooth random field above 0 on part
of every Natura 2000 area), runs ``vbr run`` with and without ``--exceedance`` into a temporary
folder, prints every region map's size and the time of the per-area deposition
(:func:`vbr.core.deposition.area_impacts` for every ranked farm, once a run), and with
``--screenshot PNG`` saves the Veluwe map in headless Chromium (network blocked, no basemap)
with the buy-out view of one farm open and its footprint drawn; ``--overview-screenshot PNG``
the same on the overview map ``national/map.html``.

Run: ``.venv/bin/python benchmarks/buyout_maps.py [--screenshot docs/buyout.png]
[--overview-screenshot docs/buyout-overview.png]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_deposition import synthetic_raster
from vbr.maps.screenshot import CHROMIUM_ARGS, open_map_offline


def _run(out: Path, *extra: str) -> float:
    start = time.perf_counter()
    command = [sys.executable, "-m", "vbr.cli", "run", "--quiet", "--out", str(out), *extra]
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def _area_time(raster: Path) -> None:
    from dataclasses import replace

    from vbr.maps.buyout import run_area_table
    from vbr.pipeline import compute
    from vbr.settings import default_options

    result = compute(replace(default_options(Path(tempfile.gettempdir())), exceedance=raster))
    start = time.perf_counter()
    nr, mol, _ = run_area_table(result)
    print(
        f"mol per area: {mol.shape[0]:,} ranked farms x {len(nr)} areas "
        f"in {time.perf_counter() - start:.2f} s"
    )


def screenshot(map_html: Path, png: Path, farm: str | None) -> None:
    """The map with the buy-out view of ``farm`` (default: the region's farm whose buyout
    removes the most deposition on the most areas) open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = open_map_offline(browser, map_html, (1280, 860))
        point = page.evaluate(
            """(farm) => {
                const entry = vbr.maps[0];
                const map = entry.map;
                const d = entry.farms.vbrData;
                const mol = d.columns.indexOf('impact_mol');
                let best = -1;
                d.rows.forEach((r, i) => {
                    if (farm ? r[d.id] === farm : (best < 0 || (entry.buyout.facts(i).areas || [])
                        .length * Number(r[mol]) > (entry.buyout.facts(best).areas || []).length
                        * Number(d.rows[best][mol]))) { best = i; }
                });
                const layer = entry.farms.vbrFarmsById.get(d.rows[best][d.id]);
                // the farm low in the view, the popup above it, the rings around it
                map.setView(layer.getLatLng(), 12, {animate: false});
                map.panBy([0, -170], {animate: false});
                const p = map.latLngToContainerPoint(layer.getLatLng());
                const box = map.getContainer().getBoundingClientRect();
                return {x: box.left + p.x, y: box.top + p.y};
            }""",
            farm,
        )
        page.mouse.click(point["x"], point["y"])
        page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout summary")
        page.click(".leaflet-popup-content .vbr-popup-buyout summary")
        page.wait_for_timeout(500)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    print(f"wrote {png}")


def overview_screenshot(map_html: Path, png: Path, farm: str | None) -> None:
    """The overview map with the buy-out view of ``farm`` (default: the farm whose buyout
    removes the most deposition on the most areas) open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = open_map_offline(browser, map_html, (1280, 860))
        point = page.evaluate(
            """(farm) => {
                const entry = vbr.maps[0];
                const map = entry.map;
                const d = entry.data;
                const score = (i) => (entry.buyout.facts(i).areas || []).length
                    * (d.impact[i] || 0);
                let best = farm ? d.ids.indexOf(farm) : 0;
                if (!farm) {
                    for (let i = 1; i < d.ids.length; i++) {
                        if (score(i) > score(best)) { best = i; }
                    }
                }
                // the farm low in the view, the popup above it, the rings around it
                map.setView([d.lat[best], d.lon[best]], 11, {animate: false});
                map.panBy([0, -200], {animate: false});
                const p = map.latLngToContainerPoint([d.lat[best], d.lon[best]]);
                const box = map.getContainer().getBoundingClientRect();
                return {x: box.left + p.x, y: box.top + p.y};
            }""",
            farm,
        )
        page.mouse.click(point["x"], point["y"])
        page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout summary")
        page.click(".leaflet-popup-content .vbr-popup-buyout summary")
        page.wait_for_timeout(800)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    print(f"wrote {png}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", type=Path, help="PNG of the Veluwe map's buy-out view")
    parser.add_argument("--overview-screenshot", type=Path, help="PNG of the overview's view")
    parser.add_argument("--farm", help="the farm whose buy-out view to open")
    parser.add_argument("--keep", type=Path, help="write the runs here instead of a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        raster = folder / "exceedance.tif"
        folder.mkdir(parents=True, exist_ok=True)
        synthetic_raster(raster, 100.0)
        plain_s = _run(folder / "plain")
        deposition_s = _run(folder / "exceedance", "--exceedance", str(raster))
        print(f"vbr run: {plain_s:.1f} s; with --exceedance {deposition_s:.1f} s")
        print(f"{'map':<26}{'default':>12}{'--exceedance':>14}")
        for page in sorted((folder / "plain").glob("*/map.html")):
            other = folder / "exceedance" / page.parent.name / "map.html"
            name = f"{page.parent.name}/map.html"
            print(f"{name:<26}{page.stat().st_size:>12,}{other.stat().st_size:>14,}")
        _area_time(raster)
        if args.screenshot:
            screenshot(folder / "exceedance" / "veluwe" / "map.html", args.screenshot, args.farm)
        if args.overview_screenshot:
            overview_screenshot(
                folder / "exceedance" / "national" / "map.html", args.overview_screenshot, args.farm
            )


if __name__ == "__main__":
    main()
