"""Small numeric helpers shared by the outline builders, in plain IEEE-754 arithmetic only.

No trigonometry, no FFT and no summation whose order depends on the platform (areas are summed with
:func:`math.fsum`), so that the same seed gives the same bytes on every machine.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["KM", "Parts", "cm", "noise", "ray_box", "ring_area", "smoothstep", "unit_circle"]

#: Metres per kilometre: hand-drawn facts are in km, outputs in metres.
KM = 1000.0

#: The parts of an area: each part is its exterior ring (x, y), then its holes; open rings (the
#: first point is not repeated), in metres.
Parts = list[list[tuple[np.ndarray, np.ndarray]]]


def cm(a: np.ndarray) -> np.ndarray:
    """Round metres to 0.01 m."""
    return np.rint(np.asarray(a, dtype=np.float64) * 100.0) / 100.0


def ring_area(x: np.ndarray, y: np.ndarray) -> float:
    """Signed area of an open ring (positive when counter-clockwise), summed exactly."""
    xs = x - x[0]
    ys = y - y[0]
    terms = xs * np.roll(ys, -1) - np.roll(xs, -1) * ys
    return 0.5 * math.fsum(terms.tolist())


def unit_circle(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n directions counter-clockwise round the circle from (0, -1) (rational parametrisation)."""
    m = n // 2
    t = -1.0 + 2.0 * np.arange(m, dtype=np.float64) / m
    d = 1.0 + t * t
    cx = (1.0 - t * t) / d
    cy = 2.0 * t / d
    return np.concatenate([cx, -cx]), np.concatenate([cy, -cy])


def noise(
    rng: np.random.Generator,
    n: int,
    *,
    cells: int,
    persistence: float,
    periodic: bool = True,
    max_octaves: int = 14,
) -> np.ndarray:
    """Multi-octave value noise in about [-1, 1] at n samples (periodic: round a closed ring)."""
    pos = np.arange(n, dtype=np.float64) / (n if periodic else max(n - 1, 1))
    total = np.zeros(n)
    norm = 0.0
    amp = 1.0
    for octave in range(max_octaves):
        k = cells * 2**octave
        if octave > 0 and 2 * k > n:
            break
        vals = rng.random(k + 1) * 2.0 - 1.0
        if periodic:
            vals[k] = vals[0]
        p = pos * k
        i = np.minimum(np.floor(p).astype(np.int64), k - 1)
        f = p - i
        s = f * f * (3.0 - 2.0 * f)
        total += amp * (vals[i] + (vals[i + 1] - vals[i]) * s)
        norm += amp
        amp *= persistence
    return total / norm


def smoothstep(t: np.ndarray) -> np.ndarray:
    """3t^2 - 2t^3 of t clipped to [0, 1]."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def ray_box(
    cx: float, cy: float, ux: np.ndarray, uy: np.ndarray, box: tuple[float, float, float, float]
) -> np.ndarray:
    """Distance from (cx, cy) along each direction to the edge of box (minx, miny, maxx, maxy)."""
    minx, miny, maxx, maxy = box
    big = np.full(ux.shape, np.inf)
    sx = np.where(ux == 0.0, 1.0, ux)
    sy = np.where(uy == 0.0, 1.0, uy)
    tx = np.where(ux > 0.0, (maxx - cx) / sx, np.where(ux < 0.0, (minx - cx) / sx, big))
    ty = np.where(uy > 0.0, (maxy - cy) / sy, np.where(uy < 0.0, (miny - cy) / sy, big))
    return np.minimum(tx, ty)
