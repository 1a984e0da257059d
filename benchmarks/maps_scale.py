"""How big and how fast is the map of a region with many farms? Prints figures; asserts nothing.

    .venv/bin/python benchmarks/maps_scale.py [--farms 20000] [--no-browser]

Builds synthetic inputs (one 40 x 40 km region, 30 Natura 2000 areas with 400-vertex outlines,
N farms with four carried-through columns), runs the pipeline, times ``write_maps`` and, when
Debian's Chromium is installed, the time until the page has drawn every farm (network blocked).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.maps import write_maps
from vbr.pipeline import compute
from vbr.settings import RunOptions, load_config
from vbr.writers.context import WriteContext

X0, Y0, SIDE = 170_000.0, 440_000.0, 40_000.0
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}


def _blob(rng: np.random.Generator, cx: float, cy: float, radius: float, n: int = 400) -> list:
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = radius * (1 + 0.25 * np.sin(5 * angles + rng.uniform(0, 6)) + rng.uniform(-0.05, 0.05, n))
    ring = np.column_stack([cx + r * np.cos(angles), cy + r * np.sin(angles)]).tolist()
    return [[*ring, ring[0]]]


def make_inputs(folder: Path, n_farms: int, seed: int = 7) -> RunOptions:
    rng = np.random.default_rng(seed)
    areas = []
    for k in range(30):
        cx, cy = X0 + rng.uniform(0, SIDE), Y0 + rng.uniform(0, SIDE)
        areas.append(
            {
                "type": "Feature",
                "properties": {"nr": k + 1, "name": f"Area {k + 1}", "overloaded": bool(k % 3)},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": _blob(rng, cx, cy, rng.uniform(300, 2500)),
                },
            }
        )
    (folder / "natura.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "crs": CRS, "features": areas})
    )
    square = [[[X0, Y0], [X0 + SIDE, Y0], [X0 + SIDE, Y0 + SIDE], [X0, Y0 + SIDE], [X0, Y0]]]
    region = {
        "type": "Feature",
        "properties": {"name": "Big region"},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    (folder / "regions.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "crs": CRS, "features": [region]})
    )
    farms = pd.DataFrame(
        {
            "farm_id": [f"NL-{k:06d}" for k in range(n_farms)],
            "x": np.round(X0 + rng.uniform(10, SIDE - 10, n_farms)),
            "y": np.round(Y0 + rng.uniform(10, SIDE - 10, n_farms)),
            "nh3_kg": np.round(rng.lognormal(7, 0.8, n_farms), 1),
            "subsidy_eur": np.round(rng.lognormal(13.5, 0.7, n_farms)),
            "sector": rng.choice(["dairy", "pigs", "poultry"], n_farms),
            "animals": rng.integers(20, 5000, n_farms),
            "animal_type": rng.choice(["melkkoeien", "vleesvarkens", "leghennen"], n_farms),
            "municipality_hint": rng.choice(["Ede", "Barneveld", "Apeldoorn", "Epe"], n_farms),
        }
    )
    farms.to_csv(folder / "farms.csv", index=False)
    return RunOptions(
        farms=folder / "farms.csv",
        natura=folder / "natura.geojson",
        regions=folder / "regions.geojson",
        out=folder / "out",
        config=replace(
            load_config(),
            budget_eur=float(farms["subsidy_eur"].sum() / 10),
            regional_budgets=(),
        ),
    )


def browser_draw_seconds(page_path: Path) -> float | None:
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium.exists():
        return None
    from vbr.maps.screenshot import CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
        )
        start = time.perf_counter()
        page.goto(page_path.resolve().as_uri())
        page.wait_for_function("window.vbr && window.vbr.maps.length === 1")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        seconds = time.perf_counter() - start
        drawn = page.evaluate("() => window.vbr.maps[0].farms.getLayers().length")
        browser.close()
    print(f"browser: {drawn:,} farms drawn")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--farms", type=int, default=20_000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vbr-maps-bench-") as tmp:
        folder = Path(tmp)
        options = make_inputs(folder, args.farms)
        t0 = time.perf_counter()
        result = compute(options)
        t1 = time.perf_counter()
        out = folder / "maps"
        out.mkdir()
        report = write_maps(WriteContext.of(result, out))
        t2 = time.perf_counter()
        page = next(p for p in report.files if p.name == "map.html")
        picture = next(p for p in report.files if p.name == "map.png")
        n = len(result.region_lists[0].positions)
        timings = report.timings or {}
        print(f"farms in the region: {n:,}")
        print(
            f"compute: {t1 - t0:.2f} s; write_maps: {t2 - t1:.2f} s (pages and index "
            f"{timings.get('maps', 0):.2f} s, then waiting for map.png "
            f"{timings.get('map_png', 0):.2f} s)"
        )
        print(f"map.html: {page.stat().st_size / 1e6:.2f} MB; map.png: "
              f"{picture.stat().st_size / 1e6:.2f} MB")  # fmt: skip
        if not args.no_browser:
            seconds = browser_draw_seconds(page)
            if seconds is None:
                print("browser: Chromium or playwright missing, not measured")
            else:
                print(f"browser: opened and drawn in {seconds:.2f} s (network blocked)")


if __name__ == "__main__":
    main()
