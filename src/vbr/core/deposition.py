"""Deposition a farm's emission causes on overloaded nature: a distance-decay kernel and one FFT.

The kernel ``K(r)`` is the deposition, in mol N/ha/yr, that 1 kg NH3/yr emitted at a point causes
at distance ``r`` metres:

    K(r) = c / (1 + r / r0) ** p      for r <= cutoff_m (25,000 m, the AERIUS calculation distance)
    K(r) = 0                          beyond

with ``c`` the deposition next to the source, ``r0`` the near-source length and ``p`` the decay
power; defaults (in ``default_config.toml``) were fitted to an AERIUS calculation of 78 real farms
in Overijssel (see README, "Deposition and scenarios"). It is an estimate for ranking farms, not
an AERIUS calculation: no wind rose, stack height, terrain or land-use roughness.

A farm's impact is ``nh3_kg x sum over overloaded cells of K(distance) x weight x cell_ha`` (mol N
per year). For all farms at once the weight grid is convolved with the kernel sampled on the same
grid (``scipy.signal.fftconvolve``) and the result is read at each farm's cell. Contributions from
the farm's own cell and its neighbours up to ``near_cells`` cells away are then recomputed with the
farm's exact position, where the kernel is steep; farther cells are measured from the centre of
the farm's cell (an error of at most half a cell in distance where the kernel is already flat).
The tests hold this definition against a plain double sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vbr.core.zones import weight_grid

if TYPE_CHECKING:
    import geopandas as gpd
    from affine import Affine

    from vbr.model import OverloadZones
    from vbr.settings import DepositionSettings

__all__ = [
    "Kernel",
    "area_impacts",
    "coarsen",
    "farm_impacts",
    "impact_grid",
    "kernel_grid",
    "run_impacts",
]


@dataclass(frozen=True)
class Kernel:
    """The distance-decay kernel ``K(r) = c / (1 + r/r0)**p`` up to ``cutoff_m``.

    Attributes
    ----------
    c
        Deposition at the source, mol N/ha/yr per kg NH3/yr.
    r0_m
        Near-source length, metres.
    power
        Decay power ``p``.
    cutoff_m
        No deposition is counted beyond this distance (25,000 m, as AERIUS).
    """

    c: float
    r0_m: float
    power: float
    cutoff_m: float

    @classmethod
    def of(cls, settings: DepositionSettings) -> Kernel:
        """The kernel of the ``[deposition]`` settings (defaults: ``default_config.toml``)."""
        return cls(
            c=settings.c, r0_m=settings.r0_m, power=settings.power, cutoff_m=settings.cutoff_m
        )

    def __call__(self, r: np.ndarray) -> np.ndarray:
        """K at distances ``r`` (metres); 0 beyond the cut-off."""
        r = np.asarray(r, dtype="float64")
        k = self.c / (1.0 + r / self.r0_m) ** self.power
        return np.where(r <= self.cutoff_m, k, 0.0)


def kernel_grid(kernel: Kernel, *, cell_w: float, cell_h: float) -> np.ndarray:
    """The kernel sampled at cell-centre offsets, ``(2m+1) x (2n+1)`` cells covering the cut-off."""
    nx = math.floor(kernel.cutoff_m / cell_w)
    ny = math.floor(kernel.cutoff_m / cell_h)
    dx = np.arange(-nx, nx + 1) * cell_w
    dy = np.arange(-ny, ny + 1) * cell_h
    return kernel(np.hypot(dy[:, None], dx[None, :]))


def impact_grid(
    weight: np.ndarray, transform: Affine, kernel: Kernel
) -> tuple[np.ndarray, Affine, float]:
    """Convolve a weight grid with the kernel (one FFT); the result is padded by the cut-off.

    Parameters
    ----------
    weight
        Hectares counted per cell (cell area x weight; 0 where not overloaded).
    transform
        The weight grid's north-up transform.

    Returns
    -------
    grid, grid_transform, floor
        ``grid[i, j]`` is ``sum over cells of weight x K(distance between cell centres)`` in mol
        N/yr per kg NH3/yr, on a grid extended by the cut-off on every side; ``floor`` is half
        the smallest non-zero contribution one cell can make: values below it are FFT round-off
        and are set to 0, so a farm beyond the cut-off of every overloaded cell gets exactly 0.
    """
    from affine import Affine
    from scipy.signal import fftconvolve

    cell_w, cell_h = transform.a, -transform.e
    k = kernel_grid(kernel, cell_w=cell_w, cell_h=cell_h)
    ky, kx = k.shape[0] // 2, k.shape[1] // 2
    weight = np.nan_to_num(np.asarray(weight, dtype="float64"), nan=0.0)
    grid = fftconvolve(weight, k, mode="full")
    positive = weight[weight > 0]
    floor = (
        0.5
        * float(kernel(np.array(kernel.cutoff_m)))
        * (float(positive.min()) if len(positive) else 0.0)
    )
    grid[grid < floor] = 0.0
    grid_transform = transform @ Affine.translation(-kx, -ky)
    return grid, grid_transform, floor


def _cells(transform: Affine, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    col = np.floor((x - transform.c) / transform.a).astype("int64")
    row = np.floor((y - transform.f) / transform.e).astype("int64")
    return row, col


def farm_impacts(
    x: np.ndarray,
    y: np.ndarray,
    nh3_kg: np.ndarray,
    weight: np.ndarray,
    transform: Affine,
    kernel: Kernel,
    *,
    near_cells: int = 2,
) -> np.ndarray:
    """Deposition each farm causes on the weighted cells, mol N/yr (see the module docstring).

    Parameters
    ----------
    x, y
        Farm coordinates, EPSG:28992.
    nh3_kg
        Emission per farm, kg NH3/yr.
    weight
        Hectares counted per cell of the overload grid (0 elsewhere).
    transform
        The overload grid's transform.
    near_cells
        Cells up to this many rows/columns from a farm's cell use the farm's exact position.
    """
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    nh3_kg = np.asarray(nh3_kg, dtype="float64")
    weight = np.nan_to_num(np.asarray(weight, dtype="float64"), nan=0.0)
    n = len(x)
    if n == 0:
        return np.zeros(0)
    grid, gt, floor = impact_grid(weight, transform, kernel)
    row, col = _cells(gt, x, y)
    inside = (row >= 0) & (row < grid.shape[0]) & (col >= 0) & (col < grid.shape[1])
    per_kg = np.zeros(n)
    per_kg[inside] = grid[row[inside], col[inside]]
    # near field: swap the centre-to-centre contributions of nearby cells for exact distances
    wr, wc = _cells(transform, x, y)
    cell_w, cell_h = transform.a, -transform.e
    offsets = np.arange(-near_cells, near_cells + 1)
    for dr in offsets:
        for dc in offsets:
            r, c = wr + dr, wc + dc
            ok = (r >= 0) & (r < weight.shape[0]) & (c >= 0) & (c < weight.shape[1])
            w = np.zeros(n)
            w[ok] = weight[r[ok], c[ok]]
            if not w.any():
                continue
            cx = transform.c + (c + 0.5) * cell_w
            cy = transform.f - (r + 0.5) * cell_h
            exact = kernel(np.hypot(x - cx, y - cy))
            centred = kernel(np.array(math.hypot(dr * cell_h, dc * cell_w)))
            per_kg += w * (exact - centred)
    per_kg[per_kg < floor] = 0.0
    return nh3_kg * per_kg


def coarsen(
    weight: np.ndarray, transform: Affine, *, min_cell_m: float
) -> tuple[np.ndarray, Affine]:
    """Sum a weight grid into blocks of ``f x f`` cells so that cells are at least ``min_cell_m``
    wide (hectares add up, so the total is kept); grids already that coarse are returned as is."""
    from affine import Affine

    cell = min(transform.a, -transform.e)
    factor = math.ceil(min_cell_m / cell - 1e-9)
    if factor <= 1:
        return weight, transform
    rows, cols = weight.shape
    pr, pc = (-rows) % factor, (-cols) % factor
    padded = np.pad(np.nan_to_num(weight, nan=0.0), ((0, pr), (0, pc)))
    r2, c2 = padded.shape[0] // factor, padded.shape[1] // factor
    summed = padded.reshape(r2, factor, c2, factor).sum(axis=(1, 3))
    return summed, transform @ Affine.scale(factor)


def run_impacts(
    x: np.ndarray,
    y: np.ndarray,
    nh3_kg: np.ndarray,
    zones: OverloadZones,
    settings: DepositionSettings,
) -> np.ndarray:
    """The deposition each farm causes on the overloaded cells of ``zones`` (mol N/yr), with the
    ``[deposition]`` settings: cells weighted and coarsened, then :func:`farm_impacts`.

    Parameters
    ----------
    x, y, nh3_kg
        Farm coordinates (EPSG:28992) and emissions (kg NH3/yr).
    zones
        The overloaded zones of the exceedance raster.
    settings
        The kernel, the weighting and the coarsest cell.
    """
    weight, transform = coarsen(
        weight_grid(zones, weight=settings.weight),
        zones.exceedance.transform,
        min_cell_m=settings.min_cell_m,
    )
    return farm_impacts(x, y, nh3_kg, weight, transform, Kernel.of(settings))


def area_impacts(
    x: np.ndarray,
    y: np.ndarray,
    nh3_kg: np.ndarray,
    zones: OverloadZones,
    areas: gpd.GeoDataFrame,
    settings: DepositionSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """The deposition each farm causes on the overloaded cells of each Natura 2000 area, mol N/yr:
    :func:`run_impacts` split by area.

    A cell belongs to the area its centre lies in (where areas overlap, the one listed last), as
    :func:`vbr.core.zones.overloaded_zones` counts a cell when its centre lies in some area. Each
    area's cells are weighted and coarsened in the blocks of the whole grid and handed to
    :func:`farm_impacts` (the same FFT and near field), so a farm's figures add up to its
    ``impact_mol`` (up to FFT round-off; contributions below an area's round-off floor are 0).

    Parameters
    ----------
    x, y, nh3_kg, zones, settings
        As for :func:`run_impacts`.
    areas
        The Natura 2000 areas (``nr`` and geometry, EPSG:28992) the zones were cut by.

    Returns
    -------
    nr, mol
        The ``nr`` of every area with overloaded cells, and ``mol[farm, area]``.
    """
    from affine import Affine
    from rasterio import features

    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    nh3_kg = np.asarray(nh3_kg, dtype="float64")
    weight = weight_grid(zones, weight=settings.weight)
    transform = zones.exceedance.transform
    kernel = Kernel.of(settings)
    geoms = list(areas.geometry.values)
    if not geoms or not weight.any():
        return np.zeros(0, dtype="int64"), np.zeros((len(x), 0))
    labels = features.rasterize(
        [(g, k + 1) for k, g in enumerate(geoms)],
        out_shape=weight.shape,
        transform=transform,
        fill=0,
        all_touched=False,
        dtype="int16" if len(geoms) < 2**15 else "int32",  # half the memory of a big raster
    )
    cell = min(transform.a, -transform.e)
    factor = max(1, math.ceil(settings.min_cell_m / cell - 1e-9))
    rows, cols = np.nonzero(weight > 0)
    found = labels[rows, cols]
    numbers = areas["nr"].to_numpy()
    present = np.unique(found[found > 0])
    mol = np.zeros((len(x), len(present)))
    reach = kernel.cutoff_m + 2 * factor * cell
    for j, label in enumerate(present):
        mine = found == label
        r0 = int(rows[mine].min()) // factor * factor
        c0 = int(cols[mine].min()) // factor * factor
        r1, c1 = int(rows[mine].max()) + 1, int(cols[mine].max()) + 1
        local = np.where(labels[r0:r1, c0:c1] == label, weight[r0:r1, c0:c1], 0.0)
        local_transform = transform @ Affine.translation(c0, r0)
        xmin, ymax = local_transform @ (0, 0)
        xmax, ymin = local_transform @ (c1 - c0, r1 - r0)
        near = (x >= xmin - reach) & (x <= xmax + reach) & (y >= ymin - reach) & (y <= ymax + reach)
        if not near.any():
            continue
        coarse, coarse_transform = coarsen(local, local_transform, min_cell_m=settings.min_cell_m)
        mol[near, j] = farm_impacts(
            x[near], y[near], nh3_kg[near], coarse, coarse_transform, kernel
        )
    return numbers[present - 1].astype("int64"), mol
