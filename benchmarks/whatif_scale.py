"""How big and how fast is ``national/map.html`` with many farms? Prints figures; asserts nothing.

    .venv/bin/python benchmarks/whatif_scale.py [--farms 45000] [--natura default|synthetic]
        [--exceedance CELL_M]

Makes the benchmark's farms (``benchmarks/scenarios.py``), runs ``vbr run`` with every output,
and opens ``national/map.html`` in Debian's headless Chromium with the network blocked: the time
until the page has drawn every farm (from navigation), the time of the first canvas draw, and
the median time of re-applying a scenario (``vbr.scenario``: the procedure and the redraw) over
ten settings. Also the sizes of the national and the region maps. With ``--exceedance`` the run
has the synthetic exceedance raster of ``bench_deposition.py`` (cells of that many metres): the
overview then carries the buy-out view's deposition figures and the raster's picture.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

SETTINGS = [
    {"budget_eur": b, "threshold_m": t, "policy": p}
    for b, t, p in [
        (300e6, 500, "skip"),
        (2250e6, 2000, "stop"),
        (1125e6, 1000, "stop"),
        (600e6, 1500, "skip"),
        (0, 250, "skip"),
        (1500e6, 1000, "skip"),
        (900e6, 2000, "skip"),
        (1125e6, 250, "stop"),
        (50e6, 1000, "skip"),
        (1125e6, 1000, "skip"),
    ]
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--farms", type=int, default=45_000)
    parser.add_argument("--natura", default="default", choices=("default", "synthetic", "real"))
    parser.add_argument("--exceedance", type=float, metavar="CELL_M", help="with a raster")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from scenarios import farms_file, natura_file
    from vbr.maps.screenshot import CHROMIUM_ARGS, offline_page
    from vbr.settings import default_options
    from vbr.writing import run

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        natura, what = natura_file(work, source=args.natura)
        farms = farms_file(work, args.farms, natura)
        out = work / "out"
        raster = None
        if args.exceedance:
            from bench_deposition import synthetic_raster

            raster = work / "exceedance.tif"
            synthetic_raster(raster, args.exceedance)
            what += f", --exceedance ({args.exceedance:g} m cells)"
        t0 = time.perf_counter()
        written = run(replace(default_options(out), farms=farms, natura=natura, exceedance=raster))
        print(f"{args.farms:,} farms, {what}: vbr run {time.perf_counter() - t0:.1f} s")
        print(f"  writing the maps: {written.timings.get('maps', float('nan')):.1f} s")
        page_path = out / "national" / "map.html"
        print(f"  national/map.html: {page_path.stat().st_size / 1e6:.2f} MB")
        for region in written.result.region_lists:
            size = (out / region.slug / "map.html").stat().st_size / 1e6
            print(f"  {region.slug}/map.html: {size:.2f} MB ({len(region.positions):,} farms)")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=CHROMIUM_ARGS,
            )
            loads = []
            for _ in range(3):
                page = offline_page(browser, (1280, 800))
                t0 = time.perf_counter()
                page.goto(page_path.resolve().as_uri())
                page.wait_for_function("window.vbr && vbr.maps.length === 1")
                loads.append(
                    (
                        time.perf_counter() - t0,
                        page.evaluate("() => vbr.maps[0].farms.lastDrawMs"),
                        page.evaluate("() => vbr.timings.started_ms"),
                        page.evaluate("() => vbr.timings.drawn_ms"),
                    )
                )
                page.close()
            page = offline_page(browser, (1280, 800))
            page.goto(page_path.resolve().as_uri())
            page.wait_for_function("window.vbr && vbr.maps.length === 1")
            times = page.evaluate(
                """(settings) => settings.map(s => {
                    const t0 = performance.now();
                    vbr.scenario(s);
                    return [performance.now() - t0, vbr.maps[0].farms.lastDrawMs];
                })""",
                SETTINGS,
            )
            browser.close()
        first = statistics.median(x[0] for x in loads)
        draw = statistics.median(x[1] for x in loads)
        started = statistics.median(x[2] for x in loads)
        drawn = statistics.median(x[3] for x in loads)
        print(
            f"  open to first draw (median of 3): {first:.2f} s as the test driver sees it; "
            f"in the page: map code starts at {started:.0f} ms, farms drawn at {drawn:.0f} ms "
            f"after navigation; the canvas draw itself {draw:.0f} ms"
        )
        apply = statistics.median(t[0] for t in times)
        redraw = statistics.median(t[1] for t in times)
        print(
            f"  re-apply a scenario (median of {len(times)}): {apply:.0f} ms, "
            f"of which the redraw {redraw:.0f} ms (max {max(t[0] for t in times):.0f} ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
