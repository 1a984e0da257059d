"""Benchmark scenarios: farm files of any size and Natura 2000 outlines at real national detail.

Natura 2000: the real outlines in ``../shared/realdata/natura2000/boerderijen_n2k/`` when present
(144 areas, about 540,000 vertices, 764 parts, 3,528 holes; overloaded = nitrogen sensitive),
else the synthetic outlines of the default-data generator :mod:`tools.default_data` drawn at the
real vertex counts (139 areas, about 507,000 vertices). Farms: synthetic rows like the embedded
``data/farms.csv`` (same columns), drawn from the same regional kernels on land, with a share
placed close to overloaded areas so that the priority strip holds a realistic few percent, and a
few deliberately bad rows (so ``rejected.csv`` is not empty). Everything is seeded: the same size
gives the same files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tools.default_data import DEFAULT_SEED
from tools.default_data.areas import make_areas
from tools.default_data.facts import kernels, sectors
from tools.default_data.farms import BACKGROUND_BOX
from tools.default_data.land import land_polygons, not_land_polygons
from vbr.io.crs import RD_NEW
from vbr.settings import default_data_dir

__all__ = ["REALDATA_N2K", "farms_file", "natura_file"]

REPO = Path(__file__).resolve().parents[1]
# the same places as the tests (tests/realdata.py): $VBR_REALDATA, ../shared/realdata beside the
# checkout, or one level higher for a git worktree
_REALDATA = next(
    (
        p
        for p in (
            Path(os.environ["VBR_REALDATA"]) if os.environ.get("VBR_REALDATA") else None,
            REPO.parent / "shared" / "realdata",
            REPO.parent.parent / "shared" / "realdata",
        )
        if p is not None and p.is_dir()
    ),
    REPO.parent / "shared" / "realdata",
)
REALDATA_N2K = _REALDATA / "natura2000" / "boerderijen_n2k"
SEED = 20261123

_SECTORS = ("dairy", "pigs", "poultry", "veal", "beef_other", "horses_other")
_ANIMAL_TYPES = ("melkkoeien", "vleesvarkens", "leghennen", "vleeskalveren", "vleesvee", "paarden")
_NH3_MEDIAN = (1300.0, 2400.0, 1800.0, 1500.0, 600.0, 150.0)
_EUR_PER_KG = (900.0, 650.0, 700.0, 800.0, 1100.0, 1300.0)


def natura_file(work: Path, *, source: str = "auto") -> tuple[Path, str]:
    """The Natura 2000 file of the benchmark and a description of it.

    ``source``: ``real`` (shared real data), ``synthetic`` (``tools.default_data`` at real vertex
    counts), ``default`` (the embedded indicative outlines, 200,000 vertices: for quick
    self-tests) or ``auto`` (real when present, else synthetic).
    """
    if source == "auto":
        source = "real" if REALDATA_N2K.is_dir() else "synthetic"
    if source == "default":
        return default_data_dir() / "natura2000.geojson", "embedded default outlines"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"natura2000-{source}.gpkg"
    if not path.exists():
        frame = _real_areas() if source == "real" else _synthetic_areas()
        tmp = path.with_suffix(".tmp.gpkg")
        frame.to_file(tmp, driver="GPKG", layer="natura2000")
        tmp.replace(path)
    return path, ("real outlines (boerderijen_n2k)" if source == "real" else "synthetic outlines")


def describe_natura(path: Path) -> dict:
    """Counts that show the detail of a Natura 2000 file."""
    import pyogrio

    frame = pyogrio.read_dataframe(path)
    geoms = frame.geometry.values
    parts = shapely.get_parts(geoms)
    return {
        "areas": len(frame),
        "overloaded": int(frame["overloaded"].astype(str).str.lower().isin(["true", "1"]).sum())
        if "overloaded" in frame
        else None,
        "vertices": int(shapely.get_num_coordinates(geoms).sum()),
        "parts": len(parts),
        "holes": int(shapely.get_num_interior_rings(parts).sum()),
    }


def _real_areas() -> gpd.GeoDataFrame:
    rows = []
    for folder in sorted(REALDATA_N2K.iterdir()):
        geometry_file = folder / "geometrie.json"
        facts_file = folder / "richtlijn-raw.txt"
        if not (geometry_file.is_file() and facts_file.is_file()):
            continue
        data = json.loads(geometry_file.read_text(encoding="utf-8"))
        lines = [ln.split("|") for ln in facts_file.read_text(encoding="utf-8").splitlines() if ln]
        polygons = [shapely.Polygon(p[0], p[1:]) for p in data["polys"]]
        rows.append(
            {
                "nr": int(lines[0][0]),
                "naamN2K": data["naam"],
                # overloaded = nitrogen sensitive in any of its directive entries
                "overloaded": any(ln[6] == "true" for ln in lines),
                "geometry": shapely.MultiPolygon(polygons),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").to_crs(RD_NEW)
    return frame.sort_values("nr", kind="stable").reset_index(drop=True)


def _synthetic_areas() -> gpd.GeoDataFrame:
    areas = make_areas(DEFAULT_SEED, vertex_factor=1.0, vertex_max=100_000)
    return gpd.GeoDataFrame(
        {
            "nr": [a.facts.nr for a in areas],
            "naamN2K": [a.facts.name for a in areas],
            "overloaded": [a.overloaded for a in areas],
        },
        geometry=[a.geometry for a in areas],
        crs=RD_NEW,
    )


def farms_file(work: Path, n: int, natura: Path) -> Path:
    """A farms CSV of ``n`` rows (cached in ``work``)."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"farms-{n}-{natura.stem}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng([SEED, n])
    x, y = _locations(rng, n, natura)
    sector = rng.integers(0, len(_SECTORS), n)
    nh3 = np.round(np.asarray(_NH3_MEDIAN)[sector] * np.exp(0.6 * rng.standard_normal(n)), 1).clip(
        5, None
    )
    subsidy = np.rint(nh3 * np.asarray(_EUR_PER_KG)[sector] * np.exp(0.3 * rng.standard_normal(n)))
    animals = np.maximum(1, np.rint(nh3 / np.asarray([15, 2.5, 0.05, 3, 8, 5])[sector]))
    start = np.datetime64("2023-07-03T09:00:00")
    seconds = (rng.random(n) * 120 * 86400).astype("int64")
    times = pd.Series((start + seconds.astype("timedelta64[s]")).astype(str)).str.cat(
        pd.Series(["+02:00"] * n)
    )
    times[rng.random(n) < 0.4] = ""
    frame = pd.DataFrame(
        {
            "farm_id": [f"NL-{i:07d}" for i in range(1, n + 1)],
            "x": x.astype("int64").astype(str),
            "y": y.astype("int64").astype(str),
            "nh3_kg": pd.Series(nh3).map(repr),
            "subsidy_eur": subsidy.astype("int64").astype(str),
            "submitted_at": times,
            "sector": np.asarray(_SECTORS)[sector],
            "animals": animals.astype("int64").astype(str),
            "animal_type": np.asarray(_ANIMAL_TYPES)[sector],
            "municipality_hint": np.asarray(["Ede", "Deurne", "Barneveld", "Emmen", "Sluis"])[
                rng.integers(0, 5, n)
            ],
        }
    )
    # a few bad rows per size (about 1 in 2,000): every kind of rejection
    bad = rng.choice(n, size=max(6, n // 2000), replace=False)
    for k, i in enumerate(bad):
        kind = k % 6
        if kind == 0:
            frame.loc[i, "nh3_kg"] = ""
        elif kind == 1:
            frame.loc[i, "subsidy_eur"] = "-" + frame.loc[i, "subsidy_eur"]
        elif kind == 2:
            frame.loc[i, "x"] = ""
        elif kind == 3:
            frame.loc[i, "x"] = "320000"
        elif kind == 4:
            frame.loc[i, "subsidy_eur"] = "onbekend"
        else:
            frame.loc[i, "farm_id"] = frame.loc[(i + 1) % n, "farm_id"]
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    return path


def _locations(rng: np.random.Generator, n: int, natura: Path) -> tuple[np.ndarray, np.ndarray]:
    """Farm locations: 95 % from the regional kernels of the default data on land, 5 % within 3 km
    of a vertex of an overloaded area (so the priority strip is well populated)."""
    import pyogrio

    land = land_polygons()
    water = not_land_polygons()
    ks = kernels()
    background = sum(s.background_weight for s in sectors())
    weights = np.asarray([sum(k.weights) for k in ks] + [background * 4], dtype=float)
    weights /= weights.sum()
    frame = pyogrio.read_dataframe(natura)
    if frame.crs is not None and not frame.crs.equals(RD_NEW):
        frame = frame.to_crs(RD_NEW)
    flag = frame["overloaded"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
    vertices = shapely.get_coordinates(frame.geometry.values[flag])
    xs, ys = [], []
    got = 0
    n_near = n // 20
    while got < n - n_near:
        m = 2 * (n - n_near - got) + 1000
        comp = rng.choice(len(weights), size=m, p=weights)
        z = rng.standard_normal((m, 2))
        u = rng.random((m, 2))
        bg = comp == len(ks)
        kc = np.where(bg, 0, comp)
        k = np.asarray([[kk.x, kk.y, kk.sigma_x, kk.sigma_y] for kk in ks], dtype=float) * 1000.0
        bx0, by0, bx1, by1 = BACKGROUND_BOX
        x = np.rint(np.where(bg, bx0 + (bx1 - bx0) * u[:, 0], k[kc, 0] + k[kc, 2] * z[:, 0]))
        y = np.rint(np.where(bg, by0 + (by1 - by0) * u[:, 1], k[kc, 1] + k[kc, 3] * z[:, 1]))
        keep = np.zeros(m, dtype=bool)
        for p in land:
            keep |= shapely.contains_xy(p, x, y)
        for p in water:
            keep &= ~shapely.contains_xy(p, x, y)
        take = np.flatnonzero(keep)[: n - n_near - got]
        xs.append(x[take])
        ys.append(y[take])
        got += len(take)
    pick = vertices[rng.integers(0, len(vertices), n_near)]
    radius = 3000.0 * np.sqrt(rng.random(n_near))
    angle = rng.random(n_near) * 2 * np.pi
    xs.append(np.rint(pick[:, 0] + radius * np.cos(angle)))
    ys.append(np.rint(pick[:, 1] + radius * np.sin(angle)))
    order = rng.permutation(n)
    return np.concatenate(xs)[order], np.concatenate(ys)[order]
