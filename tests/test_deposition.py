"""The deposition kernel, the FFT impact against a brute-force sum, and the AERIUS calibration.

The oracles (a plain double sum of the impact, the exact deposition at receptor points, the share
of the emission the kernel deposits) live here: production code has only the fast way.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from affine import Affine

from realdata import REALDATA
from vbr.core.deposition import Kernel, coarsen, farm_impacts, kernel_grid
from vbr.settings import load_config

#: mol N in 1 kg NH3 (molar mass 17.031 g/mol).
MOL_N_PER_KG_NH3 = 1000.0 / 17.031


def impact_brute_force(x, y, nh3_kg, weight, transform, kernel, *, near_cells=2) -> np.ndarray:
    """The quantity :func:`farm_impacts` computes, by a plain double sum (small cases only):
    exact distances to the cells near the farm's cell, centre to centre beyond."""
    weight = np.nan_to_num(np.asarray(weight, dtype="float64"), nan=0.0)
    cell_w, cell_h = transform.a, -transform.e
    rows, cols = np.nonzero(weight)
    cx = transform.c + (cols + 0.5) * cell_w
    cy = transform.f - (rows + 0.5) * cell_h
    out = np.zeros(len(x))
    for i, (fx, fy, q) in enumerate(zip(x, y, nh3_kg, strict=True)):
        fr = math.floor((fy - transform.f) / transform.e)
        fc = math.floor((fx - transform.c) / transform.a)
        total = 0.0
        for r, c, px, py in zip(rows, cols, cx, cy, strict=True):
            if abs(r - fr) <= near_cells and abs(c - fc) <= near_cells:
                d = math.hypot(fx - px, fy - py)
            else:
                ccx = transform.c + (fc + 0.5) * cell_w
                ccy = transform.f - (fr + 0.5) * cell_h
                d = math.hypot(ccx - px, ccy - py)
            total += weight[r, c] * float(kernel(np.array(d)))
        out[i] = q * total
    return out


def deposition_at(
    receptor_x: np.ndarray,
    receptor_y: np.ndarray,
    source_x: np.ndarray,
    source_y: np.ndarray,
    nh3_kg: np.ndarray,
    kernel: Kernel,
    *,
    chunk: int = 2048,
) -> np.ndarray:
    """Deposition (mol N/ha/yr) at receptor points from point sources, summed exactly (to
    compare the kernel with an AERIUS result on receptor hexagons)."""
    rx, ry = np.asarray(receptor_x, dtype="float64"), np.asarray(receptor_y, dtype="float64")
    sx, sy = np.asarray(source_x, dtype="float64"), np.asarray(source_y, dtype="float64")
    q = np.asarray(nh3_kg, dtype="float64")
    out = np.empty(len(rx))
    for start in range(0, len(rx), chunk):
        stop = start + chunk
        d = np.hypot(rx[start:stop, None] - sx[None, :], ry[start:stop, None] - sy[None, :])
        out[start:stop] = kernel(d) @ q
    return out


def deposited_fraction(kernel: Kernel) -> float:
    """Share of the emitted N that the kernel deposits within its cut-off (a sanity figure)."""
    from scipy.integrate import quad

    mol, _ = quad(
        lambda r: float(kernel(r)) * 2.0 * math.pi * r / 10_000.0, 0.0, kernel.cutoff_m, limit=200
    )
    return mol / MOL_N_PER_KG_NH3


OVERIJSSEL = REALDATA / "farms" / "geonovius_overijssel_veehouderijen_kdw_hexagons.gpkg"


def test_kernel_decays_with_distance_and_is_zero_beyond_the_cutoff():
    k = Kernel(c=0.5, r0_m=100.0, power=2.0, cutoff_m=1_000.0)
    r = np.array([0.0, 100.0, 999.0, 1_000.0, 1_000.01])
    values = k(r)
    assert values[0] == 0.5
    assert values[1] == pytest.approx(0.125)
    assert values[3] == pytest.approx(0.5 / 11**2)
    assert values[4] == 0.0
    assert np.all(np.diff(values[:4]) < 0)


def default_kernel(**changes: float) -> Kernel:
    """The kernel of the built-in config, with ``changes``."""
    return replace(Kernel.of(load_config().deposition), **changes)


def test_default_kernel_parameters_come_from_the_config():
    dep = load_config().deposition
    kernel = Kernel.of(dep)
    assert (kernel.c, kernel.r0_m, kernel.power, kernel.cutoff_m) == (
        dep.c,
        dep.r0_m,
        dep.power,
        dep.cutoff_m,
    )


def test_kernel_grid_is_symmetric_and_covers_the_cutoff():
    k = default_kernel(cutoff_m=1_000.0)
    grid = kernel_grid(k, cell_w=100.0, cell_h=250.0)
    assert grid.shape == (9, 21)
    assert np.array_equal(grid, grid[::-1, ::-1])
    assert grid[4, 10] == k.c
    assert grid[0, 0] == 0.0  # corner is beyond the cut-off


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_fft_impact_equals_a_brute_force_sum(seed):
    rng = np.random.default_rng(seed)
    rows, cols, cell = 30, 40, 100.0
    transform = Affine(cell, 0, 200_000.0, 0, -cell, 480_000.0)
    weight = np.where(rng.random((rows, cols)) < 0.1, rng.uniform(0.2, 1.0, (rows, cols)), 0.0)
    kernel = Kernel(c=0.45, r0_m=90.0, power=1.85, cutoff_m=1_500.0)
    # farms inside the grid, at arbitrary positions, near and beyond the edges
    x = rng.uniform(200_000.0 - 2_000, 200_000.0 + cols * cell + 2_000, 60)
    y = rng.uniform(480_000.0 - rows * cell - 2_000, 480_000.0 + 2_000, 60)
    q = rng.uniform(10, 5_000, 60)
    fast = farm_impacts(x, y, q, weight, transform, kernel)
    slow = impact_brute_force(x, y, q, weight, transform, kernel)
    assert fast == pytest.approx(slow, rel=1e-9, abs=1e-12)
    assert (fast > 0).any()


def test_farm_beyond_the_cutoff_of_every_cell_has_exactly_zero_impact():
    transform = Affine(100.0, 0, 200_000.0, 0, -100.0, 480_000.0)
    weight = np.zeros((10, 10))
    weight[5, 5] = 1.0
    kernel = default_kernel(cutoff_m=1_000.0)
    centre_x, centre_y = 200_550.0, 479_450.0
    x = np.array([centre_x, centre_x + 1_000.0, centre_x + 1_100.0, centre_x + 50_000.0])
    y = np.full(4, centre_y)
    impact = farm_impacts(x, y, np.ones(4), weight, transform, kernel)
    assert impact[0] == pytest.approx(kernel.c)
    assert impact[1] == pytest.approx(float(kernel(np.array(1_000.0))))
    assert impact[2] == 0.0
    assert impact[3] == 0.0


def test_impact_is_proportional_to_emission_and_to_weight():
    transform = Affine(100.0, 0, 200_000.0, 0, -100.0, 480_000.0)
    weight = np.zeros((10, 10))
    weight[2, 3] = 1.0
    x, y = np.array([200_420.0]), np.array([479_100.0])
    kernel = default_kernel()
    one = farm_impacts(x, y, np.array([1.0]), weight, transform, kernel)
    assert farm_impacts(x, y, np.array([3.0]), weight, transform, kernel) == pytest.approx(3 * one)
    assert farm_impacts(x, y, np.array([1.0]), 2 * weight, transform, kernel) == pytest.approx(
        2 * one
    )


def test_coarsen_sums_blocks_and_keeps_the_total():
    transform = Affine(25.0, 0, 0.0, 0, -25.0, 100.0)
    weight = np.arange(1.0, 1 + 7 * 9).reshape(7, 9)
    summed, t = coarsen(weight, transform, min_cell_m=100.0)
    assert summed.shape == (2, 3)
    assert summed.sum() == weight.sum()
    assert summed[0, 0] == weight[:4, :4].sum()
    assert (t.a, t.e, t.c, t.f) == (100.0, -100.0, 0.0, 100.0)
    same, _ = coarsen(weight, Affine(100.0, 0, 0, 0, -100.0, 0), min_cell_m=100.0)
    assert same is weight


def test_default_kernel_deposits_a_plausible_share_within_25_km():
    # OPS/AERIUS: a few tens of percent of emitted NH3 deposits within tens of km
    assert 0.2 < deposited_fraction(default_kernel()) < 0.4


@pytest.mark.realdata
@pytest.mark.skipif(not OVERIJSSEL.exists(), reason="shared real data absent")
def test_default_kernel_matches_aerius_on_78_overijssel_farms():
    """Calibration check against AERIUS (78 farms, 10,520 receptor hexagons of 1 ha).

    Measured with the defaults: Spearman 0.974, ratio of totals 0.892. Band: Spearman >= 0.95
    (a spatial two-fold cross-validation of the fit gave 0.957 and 0.964 on held-out halves) and
    ratio 0.85..1.05 (the log-scale fit under-predicts the heaviest hexagons by about 10 %; a
    kernel 5 % weaker or 18 % stronger than the default leaves the band).
    """
    import geopandas as gpd
    import pyogrio
    from scipy.stats import spearmanr

    layers = pyogrio.list_layers(OVERIJSSEL)[:, 0]
    farms = gpd.read_file(OVERIJSSEL, layer=layers[0])
    hexagons = gpd.read_file(OVERIJSSEL, layer="situation_1__receptor_hexagons")
    assert len(farms) == 78 and len(hexagons) == 10_520
    dep = load_config().deposition
    kernel = Kernel.of(dep)
    centres = hexagons.geometry.centroid
    ours = deposition_at(
        centres.x.to_numpy(),
        centres.y.to_numpy(),
        farms.geometry.x.to_numpy(),
        farms.geometry.y.to_numpy(),
        farms["NH3_emissie"].to_numpy(dtype="float64"),
        kernel,
    )
    aerius = hexagons["deposition_nh3"].to_numpy(dtype="float64")
    rho = spearmanr(ours, aerius).statistic
    ratio = ours.sum() / aerius.sum()
    assert rho >= 0.95, rho
    assert 0.85 <= ratio <= 1.05, ratio


def test_area_impacts_split_run_impacts_by_area_and_equal_a_brute_force_sum():
    """Two areas on a 25 m raster (coarsened to 100 m blocks that hold cells of both): each
    farm's per-area figures are the kernel sum over that area's cells alone, and they add up
    to its ``impact_mol``."""
    from pathlib import Path

    import geopandas as gpd
    import shapely

    from vbr.core.deposition import area_impacts, run_impacts
    from vbr.core.zones import overloaded_zones, weight_grid
    from vbr.io.crs import RD_NEW
    from vbr.model import Exceedance

    rng = np.random.default_rng(3)
    cell = 25.0
    transform = Affine(cell, 0, 150_000.0, 0, -cell, 450_000.0)
    values = np.where(rng.random((80, 120)) < 0.5, rng.uniform(1, 900, (80, 120)), -5.0)
    areas = gpd.GeoDataFrame(
        {"nr": [7, 12], "name": ["Zeven", "Twaalf"]},
        # the areas meet at x = 151,410: inside a 100 m block, not on its edge
        geometry=[
            shapely.box(150_000, 448_000, 151_410, 450_000),
            shapely.box(151_410, 448_500, 153_000, 449_800),
        ],
        crs=RD_NEW,
    )
    zones = overloaded_zones(Exceedance(values, transform, Path("x.asc"), "EPSG:28992"), areas)
    settings = replace(
        load_config().deposition, cutoff_m=3_000.0, min_cell_m=100.0, weight="exceedance"
    )
    x = rng.uniform(148_000, 155_000, 25)
    y = rng.uniform(446_000, 452_000, 25)
    q = rng.uniform(100, 5_000, 25)
    nr, mol = area_impacts(x, y, q, zones, areas, settings)
    assert nr.tolist() == [7, 12]
    total = run_impacts(x, y, q, zones, settings)
    assert mol.sum(axis=1) == pytest.approx(total, rel=1e-9, abs=1e-9)
    assert ((mol > 0).sum(axis=1) == 2).sum() >= 5  # farms that reach both areas
    # one area alone: its cells (centre inside it) weighted and coarsened as the whole grid
    weight = weight_grid(zones, weight="exceedance")
    centres_x = transform.c + (np.arange(120) + 0.5) * cell
    own = np.where(centres_x[None, :] < 151_410, weight, 0.0)
    coarse, coarse_transform = coarsen(own, transform, min_cell_m=100.0)
    kernel = Kernel.of(settings)
    expected = impact_brute_force(x[:6], y[:6], q[:6], coarse, coarse_transform, kernel)
    assert mol[:6, 0] == pytest.approx(expected, rel=1e-9)
