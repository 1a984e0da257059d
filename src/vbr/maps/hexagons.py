"""Counting farms in hexagons whose size adapts to the density, for the public maps.

The hexagons tile the RD New plane from its origin (pointy side up; ``size`` is the distance
between opposite sides), so a hexagon of a given size is the same on every map and in every
run. A hexagon counts *every* ranked farm in it, whichever region the farm is in: the same
hexagon shows the same numbers on every map it is on, so two maps cannot be subtracted from
each other to single out a farm.

For each region the smallest size of :data:`HEX_SIZES_M` is chosen for which no more than
:data:`MAX_SUPPRESSED_SHARE` of the region's farms fall in hexagons that are left out (where no
size does, the one that leaves out the fewest; the map says so). A
hexagon with fewer than :data:`MIN_FARMS` farms is left out (*primary suppression*). The
region's totals are shown too, so the region's farms in left-out hexagons must also number 0 or
at least :data:`MIN_FARMS`: when they would be 1 or 2, the shown hexagons with the fewest of the
region's farms are left out as well until they are not (*secondary suppression*). Regions whose
hexagons could cover the same ground (their farms lie within one hexagon's width of each other)
get one size, the larger of their choices: hexagons of two sizes over the same farms could be
subtracted from each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

__all__ = [
    "HEX_SIZES_M",
    "MAX_SUPPRESSED_SHARE",
    "MIN_FARMS",
    "Aggregation",
    "aggregate",
    "choose_sizes",
    "hex_index",
    "hex_polygons",
]

#: Sizes tried, smallest first: the distance between opposite sides of a hexagon, metres.
HEX_SIZES_M = (
    *(1_000.0, 1_500.0, 2_000.0, 3_000.0, 4_000.0),
    *(5_000.0, 7_500.0, 10_000.0, 15_000.0, 20_000.0),
)
#: A hexagon with fewer farms than this is not shown.
MIN_FARMS = 3
#: The size is the smallest for which at most this share of a region's farms is left out.
MAX_SUPPRESSED_SHARE = 0.20

_SQRT3 = math.sqrt(3.0)


def hex_index(x: np.ndarray, y: np.ndarray, size_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The hexagon (axial ``q``, ``r``) each point lies in; hexagons of ``size_m`` between
    opposite sides, pointy side up, one centred on (0, 0)."""
    radius = size_m / _SQRT3  # centre to corner
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    qf = (_SQRT3 / 3.0 * x - y / 3.0) / radius
    rf = (2.0 / 3.0 * y) / radius
    sf = -qf - rf
    q, r, s = np.rint(qf), np.rint(rf), np.rint(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(np.int64), r.astype(np.int64)


def hex_polygons(q: np.ndarray, r: np.ndarray, size_m: float) -> np.ndarray:
    """The hexagons ``(q, r)`` as polygons in EPSG:28992."""
    radius = size_m / _SQRT3
    cx = radius * _SQRT3 * (np.asarray(q, dtype=float) + np.asarray(r, dtype=float) / 2.0)
    cy = radius * 1.5 * np.asarray(r, dtype=float)
    angles = np.radians(30.0 + 60.0 * np.arange(6))
    xs = cx[:, None] + radius * np.cos(angles)[None, :]
    ys = cy[:, None] + radius * np.sin(angles)[None, :]
    rings = np.stack([xs, ys], axis=-1)
    rings = np.concatenate([rings, rings[:, :1]], axis=1)
    return shapely.polygons(np.round(rings, 3))


@dataclass(frozen=True)
class Aggregation:
    """One region's hexagons at one size.

    Attributes
    ----------
    size_m
        Distance between opposite sides of a hexagon, metres.
    cells
        The hexagons shown: ``q``, ``r``, ``n`` (farms in it, of any region), ``nh3`` (kg/yr),
        ``prio`` (farms with priority), ``own`` (of them, farms of this region).
    farms
        The region's farms.
    suppressed
        The region's farms in hexagons left out (primary and secondary).
    secondary
        Hexagons left out only so that the left-out farms are not 1 or 2.
    """

    size_m: float
    cells: pd.DataFrame
    farms: int
    suppressed: int
    secondary: int

    @property
    def shown(self) -> int:
        """The region's farms in hexagons shown."""
        return self.farms - self.suppressed

    @property
    def suppressed_share(self) -> float:
        """The share of the region's farms in hexagons left out (0 without farms)."""
        return self.suppressed / self.farms if self.farms else 0.0


def _key(q: np.ndarray, r: np.ndarray) -> np.ndarray:
    return (q + (1 << 31)) * (1 << 32) + (r + (1 << 31))


def aggregate(
    x: np.ndarray,
    y: np.ndarray,
    nh3_kg: np.ndarray,
    priority: np.ndarray,
    region: np.ndarray,
    *,
    size_m: float,
    min_farms: int = MIN_FARMS,
) -> Aggregation:
    """Count every farm in hexagons of ``size_m`` and keep those of one region.

    Parameters
    ----------
    x, y, nh3_kg, priority
        Every ranked farm (EPSG:28992).
    region
        Whether each farm is in the region.
    size_m
        The hexagons' size.
    min_farms
        Hexagons with fewer farms are left out.
    """
    region = np.asarray(region, dtype=bool)
    q, r = hex_index(x, y, size_m)
    frame = pd.DataFrame(
        {
            "key": _key(q, r),
            "q": q,
            "r": r,
            "nh3": np.asarray(nh3_kg, dtype=float),
            "prio": np.asarray(priority, dtype=bool).astype(np.int64),
            "own": region.astype(np.int64),
        }
    )
    cells = frame.groupby("key", sort=True).agg(
        q=("q", "first"),
        r=("r", "first"),
        n=("own", "size"),
        nh3=("nh3", "sum"),
        prio=("prio", "sum"),
        own=("own", "sum"),
    )
    cells = cells[cells["own"] > 0].reset_index(drop=True)
    shown = cells["n"].to_numpy() >= min_farms
    suppressed = int(cells.loc[~shown, "own"].sum())
    secondary = 0
    if 0 < suppressed < min_farms:
        # leave out the shown hexagons with the fewest of the region's farms (then the fewest
        # farms, then by place) until the left-out farms are not 1 or 2
        keys = [cells[c].to_numpy() for c in ("r", "q", "n", "own")]
        order = np.lexsort(keys)  # by own, then n, then q, then r
        for k in order:
            if not shown[k]:
                continue
            shown[k] = False
            secondary += 1
            suppressed += int(cells["own"].iloc[k])
            if suppressed >= min_farms:
                break
    kept = cells[shown].reset_index(drop=True)
    return Aggregation(
        size_m=float(size_m),
        cells=kept,
        farms=int(region.sum()),
        suppressed=suppressed,
        secondary=secondary,
    )


def _choose(
    x, y, nh3_kg, priority, region, sizes: Sequence[float], max_share: float, min_farms: int
) -> Aggregation:
    """The smallest size that leaves out at most ``max_share``; where none does, the size that
    leaves out the fewest (the smaller on a tie)."""
    best = None
    for size in sizes:
        tried = aggregate(x, y, nh3_kg, priority, region, size_m=size, min_farms=min_farms)
        if tried.suppressed_share <= max_share:
            return tried
        if best is None or tried.suppressed < best.suppressed:
            best = tried
    return best


def choose_sizes(
    x: np.ndarray,
    y: np.ndarray,
    nh3_kg: np.ndarray,
    priority: np.ndarray,
    regions: Sequence[np.ndarray],
    *,
    sizes: Sequence[float] = HEX_SIZES_M,
    max_share: float = MAX_SUPPRESSED_SHARE,
    min_farms: int = MIN_FARMS,
) -> list[Aggregation]:
    """Each region's hexagons at its size (see the module's description).

    Parameters
    ----------
    x, y, nh3_kg, priority
        Every ranked farm (EPSG:28992).
    regions
        Per region, whether each farm is in it.
    sizes
        The sizes to try, smallest first.
    max_share
        The largest share of a region's farms that may be left out.
    min_farms
        Hexagons with fewer farms are left out.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    chosen = [
        _choose(x, y, nh3_kg, priority, mask, sizes, max_share, min_farms) for mask in regions
    ]
    boxes = [
        (x[m].min(), y[m].min(), x[m].max(), y[m].max()) if np.any(m) else None for m in regions
    ]
    # regions whose hexagons could cover the same farms share the larger size (repeat: a
    # larger size can bring another region within reach)
    size = [a.size_m for a in chosen]
    changed = True
    while changed:
        changed = False
        for i in range(len(regions)):
            for j in range(i + 1, len(regions)):
                if boxes[i] is None or boxes[j] is None or size[i] == size[j]:
                    continue
                reach = max(size[i], size[j])
                apart = max(
                    boxes[j][0] - boxes[i][2],
                    boxes[i][0] - boxes[j][2],
                    boxes[j][1] - boxes[i][3],
                    boxes[i][1] - boxes[j][3],
                )
                if apart < reach:
                    size[i] = size[j] = reach
                    changed = True
    return [
        a
        if a.size_m == s
        else aggregate(x, y, nh3_kg, priority, mask, size_m=s, min_farms=min_farms)
        for a, s, mask in zip(chosen, size, regions, strict=True)
    ]
