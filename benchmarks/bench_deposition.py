"""Time the deposition options on the embedded default data (25,000 farms).

Builds a synthetic national exceedance raster (100 m cells over the RD New extent: a smooth
random field above 0 on part of every Natura 2000 area), then runs the pipeline with
``--exceedance`` and ``--scenarios`` and prints the stage times, the impact FFT alone and the
knapsack sizes and times. Run: ``.venv/bin/python benchmarks/bench_deposition.py [CELL_M]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio import features
from rasterio.transform import from_origin
from scipy.ndimage import gaussian_filter

from vbr import load_natura
from vbr.core.deposition import Kernel, coarsen, farm_impacts
from vbr.core.zones import weight_grid
from vbr.pipeline import compute
from vbr.settings import default_data_dir, default_options
from vbr.writers.context import WriteContext
from vbr.writers.scenarios import write_scenarios
from vbr.writing import write_result


def synthetic_raster(path: Path, cell: float) -> None:
    natura = load_natura(default_data_dir() / "natura2000.geojson", all_overloaded=True)
    x0, y0, x1, y1 = -7_000.0, 289_000.0, 300_000.0, 629_000.0
    cols, rows = int((x1 - x0) / cell), int((y1 - y0) / cell)
    transform = from_origin(x0, y1, cell, cell)
    inside = ~features.geometry_mask(
        list(natura.areas.geometry.values), out_shape=(rows, cols), transform=transform
    )
    rng = np.random.default_rng(5)
    field = gaussian_filter(rng.normal(size=(rows, cols)), sigma=3000 / cell)
    field = field / field.std() * 400 + 100  # mol/ha/yr above KDW, about 60 % above 0
    values = np.where(inside, field, -999.0).astype("float32")
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=rows,
        width=cols,
        count=1,
        dtype="float32",
        crs="EPSG:28992",
        transform=transform,
        nodata=-999.0,
        compress="deflate",
    ) as dst:
        dst.write(values, 1)


def main() -> None:
    cell = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
    with tempfile.TemporaryDirectory() as tmp:
        raster = Path(tmp) / "exceedance.tif"
        t0 = time.perf_counter()
        synthetic_raster(raster, cell)
        print(f"synthetic raster {cell:g} m written in {time.perf_counter() - t0:.1f} s")
        options = replace(default_options(Path(tmp) / "out"), exceedance=raster)
        t0 = time.perf_counter()
        result = compute(options)
        print(f"compute with --exceedance: {time.perf_counter() - t0:.2f} s")
        for k, v in result.timings.items():
            print(f"  {k:12s} {v:6.2f} s")
        zones = result.exceedance
        print(
            f"overloaded cells {int(zones.overloaded.sum()):,}, zone pieces {len(zones.zones):,}, "
            f"priority: {int(result.ranked['priority'].sum())} farms; changes vs whole areas: "
            f"{result.priority_changes['change'].value_counts().to_dict()}"
        )
        dep = options.config.deposition
        kernel = Kernel.of(dep)
        weight, transform = coarsen(
            weight_grid(zones, weight=dep.weight),
            zones.exceedance.transform,
            min_cell_m=dep.min_cell_m,
        )
        farms = result.ranked
        x = shapely.get_x(farms.geometry.values)
        y = shapely.get_y(farms.geometry.values)
        for _ in range(2):
            t0 = time.perf_counter()
            farm_impacts(x, y, farms["nh3_kg"].to_numpy(), weight, transform, kernel)
            print(
                f"impact of {len(farms):,} farms, one FFT on a {weight.shape[0]}x"
                f"{weight.shape[1]} grid: {time.perf_counter() - t0:.2f} s"
            )
        t0 = time.perf_counter()
        write_scenarios(WriteContext.of(result, Path(tmp)))
        print(f"scenarios written in {time.perf_counter() - t0:.1f} s")
        print(pd.read_csv(Path(tmp) / "scenarios" / "budgets.csv").to_string())
        t0 = time.perf_counter()
        write_result(result, Path(tmp) / "out")
        print(f"outputs written in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
