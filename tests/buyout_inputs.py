"""Small buy-out inputs built in code (not a test module): two overloaded Natura 2000 areas, an
exceedance raster that overloads part of each, one region and six farms; the mol N/yr a farm
deposits on one area by a plain kernel sum, to hold the maps' figures against.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

from vbr.cli import main
from vbr.core.deposition import Kernel
from vbr.settings import load_config

#: Two overloaded Natura 2000 areas (nr, name, xmin, ymin, size) and the raster's extent.
AREAS = [(11, "Heide", 150_000, 450_000, 2_000), (12, "Venen", 155_000, 449_000, 1_500)]
RASTER = (146_000, 445_000, 162_000, 456_000)  # xmin, ymin, xmax, ymax; 100 m cells
#: farm_id, x, y, nh3_kg, subsidy_eur
FARMS = [
    ("A1", 149_400, 451_000, 3_000, 2_400_000),
    ("A2", 153_600, 450_200, 5_000, 3_100_000),
    ("A3", 157_200, 449_700, 1_200, 900_000),
    ("A4", 152_500, 453_500, 2_200, 1_500_000),
    ("A5", 147_000, 446_000, 800, 700_000),
    ("A6", 160_500, 455_000, 4_000, 2_000_000),
]


def _square(x: float, y: float, size: float) -> list:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def _exceedance() -> np.ndarray:
    """Rows north to south: above 0 on the west half of each area's box and in a band."""
    xmin, ymin, xmax, ymax = RASTER
    cols, rows = (xmax - xmin) // 100, (ymax - ymin) // 100
    cx = xmin + (np.arange(cols) + 0.5) * 100
    cy = ymax - (np.arange(rows) + 0.5) * 100
    gx, gy = np.meshgrid(cx, cy)
    values = np.full((rows, cols), -20.0)
    values[gx < 151_200] = 180.0
    values[(gx > 155_300) & (gy < 450_100)] = 90.0
    return values


def write_inputs(folder: Path, names: dict[int, str] | None = None) -> dict[str, Path]:
    """natura.geojson, regions.geojson, farms.csv, exceedance.asc in ``folder`` (``names``:
    other names for the areas by ``nr``)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = names or {}
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    natura = {
        "type": "FeatureCollection",
        "crs": crs,
        "features": [
            {
                "type": "Feature",
                "properties": {"nr": nr, "name": names.get(nr, name), "overloaded": True},
                "geometry": {"type": "Polygon", "coordinates": _square(x, y, size)},
            }
            for nr, name, x, y, size in AREAS
        ],
    }
    regions = {
        "type": "FeatureCollection",
        "crs": crs,
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Zuidoost"},
                "geometry": {"type": "Polygon", "coordinates": _square(145_000, 444_000, 18_000)},
            }
        ],
    }
    paths = {
        "natura": folder / "natura.geojson",
        "regions": folder / "regions.geojson",
        "farms": folder / "farms.csv",
        "asc": folder / "exceedance.asc",
    }
    paths["natura"].write_text(json.dumps(natura), encoding="utf-8")
    paths["regions"].write_text(json.dumps(regions), encoding="utf-8")
    with open(paths["farms"], "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["farm_id", "x", "y", "nh3_kg", "subsidy_eur"])
        w.writerows(FARMS)
    values = _exceedance()
    xmin, ymin, _, _ = RASTER
    header = (
        f"ncols {values.shape[1]}\nnrows {values.shape[0]}\nxllcorner {xmin}\n"
        f"yllcorner {ymin}\ncellsize 100\nNODATA_value -999\n"
    )
    body = "\n".join(" ".join(f"{v:g}" for v in row) for row in values)
    paths["asc"].write_text(header + body + "\n", encoding="utf-8")
    return paths


def area_mol_by_hand(x: float, y: float, nh3: float, nr: int) -> float:
    """The mol N/yr a farm deposits on the overloaded cells of area ``nr`` by a plain sum of
    the kernel over the cells whose centre lies in it (exact distance within two cells of the
    farm's cell, from its cell's centre beyond: the definition of ``farm_impacts``)."""
    kernel = Kernel.of(load_config().deposition)
    _, _, ax, ay, size = next(a for a in AREAS if a[0] == nr)
    values = _exceedance()
    xmin, _, _, ymax = RASTER
    fr, fc = math.floor((ymax - y) / 100), math.floor((x - xmin) / 100)
    total = 0.0
    for r, c in zip(*np.nonzero(values > 0), strict=True):
        px, py = xmin + (c + 0.5) * 100, ymax - (r + 0.5) * 100
        if not (ax < px < ax + size and ay < py < ay + size):
            continue
        if abs(r - fr) <= 2 and abs(c - fc) <= 2:
            d = math.hypot(x - px, y - py)
        else:
            d = math.hypot(xmin + (fc + 0.5) * 100 - px, ymax - (fr + 0.5) * 100 - py)
        total += float(kernel(np.array(d))) * 1.0  # 1 ha per 100 m cell
    return nh3 * total


def run(folder: Path, *, exceedance: bool, names: dict[int, str] | None = None) -> Path:
    """``vbr run`` on :func:`write_inputs` with a budget, with or without ``--exceedance``; the
    output folder (``folder/out``)."""
    paths = write_inputs(folder / "in", names)
    extra = ["--exceedance", str(paths["asc"]), "--exceedance-crs", "28992"] if exceedance else []
    target = folder / "out"
    code = main(
        [
            "run",
            "--farms",
            str(paths["farms"]),
            "--natura",
            str(paths["natura"]),
            "--regions",
            str(paths["regions"]),
            "--budget",
            "5000000",
            "--out",
            str(target),
            "--quiet",
            *extra,
        ]
    )
    assert code == 0
    return target
