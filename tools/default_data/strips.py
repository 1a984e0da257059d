"""Natura 2000 outlines as strips along hand-drawn centre lines: rivers, estuaries, a dune coast.

Each centre line (``facts/strips.csv``) is smoothed, cut into pieces with small gaps, and widened on
both sides by a noisy half-width that tapers at the ends, stays inside the official bounding box
and never folds at a bend; the width is scaled until the strips hold the official area.
"""

from __future__ import annotations

import math

import numpy as np

from tools.default_data.facts import AreaFacts, strips
from tools.default_data.numeric import KM, Parts, cm, noise, ray_box, ring_area

__all__ = ["strip_parts"]


def _chaikin(p: np.ndarray, iterations: int) -> np.ndarray:
    """Corner-cutting smoothing of an open polyline (rows x, y, w), keeping the end points."""
    for _ in range(iterations):
        a = p[:-1]
        b = p[1:]
        q = 0.75 * a + 0.25 * b
        r = 0.25 * a + 0.75 * b
        mid = np.empty((2 * len(a), p.shape[1]))
        mid[0::2] = q
        mid[1::2] = r
        p = np.vstack([p[:1], mid[1:-1], p[-1:]])
    return p


def _interp(s: np.ndarray, cum: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Linear interpolation of values (rows at arc lengths cum) at arc lengths s."""
    i = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(cum) - 2)
    seg = cum[i + 1] - cum[i]
    t = (s - cum[i]) / np.where(seg == 0.0, 1.0, seg)
    return values[i] + (values[i + 1] - values[i]) * t[:, None]


def _moving_average(v: np.ndarray, h: int) -> np.ndarray:
    """Centred moving average over 2h+1 samples (ends padded), by a sequential cumulative sum."""
    if h < 1:
        return v
    vp = np.concatenate([np.full(h, v[0]), v, np.full(h, v[-1])])
    c = np.concatenate([[0.0], np.cumsum(vp)])
    return (c[2 * h + 1 :] - c[: -2 * h - 1]) / (2 * h + 1)


def strip_parts(rng: np.random.Generator, f: AreaFacts, n_total: int) -> Parts:
    """Elongated parts along hand-drawn centre lines (rivers, estuaries, a dune coast)."""
    target = f.area_ha * 1e4
    lines = []
    for line in strips()[f.nr]:
        p = np.asarray(line.points, dtype=np.float64)
        p[:, :2] *= KM
        p = _chaikin(p, 4)
        seg = np.sqrt((p[1:, 0] - p[:-1, 0]) ** 2 + (p[1:, 1] - p[:-1, 1]) ** 2)
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        lines.append((line.pieces, p, cum))
    total_len = math.fsum(float(c[-1]) for _, _, c in lines)
    expected_hw = target / (2.0 * total_len)
    gap = 350.0
    samples = []  # per piece: x, y, w_rel, normal x, y, max half-widths left, right, noises, taper
    for pieces, p, cum in lines:
        length = float(cum[-1])
        cuts = [0.0]
        for k in range(1, pieces):
            cuts.append(length * (k + 0.3 * (float(rng.random()) - 0.5)) / pieces)
        cuts.append(length)
        for k in range(pieces):
            a = cuts[k] + (gap / 2 if k > 0 else 0.0)
            b = cuts[k + 1] - (gap / 2 if k < pieces - 1 else 0.0)
            m = max(16, int(n_total * (b - a) / total_len / 2))
            s = a + (b - a) * np.arange(m, dtype=np.float64) / (m - 1)
            v = _interp(s, cum, p)
            w = v[:, 2]
            ds = (b - a) / (m - 1)
            # Smooth the centre line over about one half-width, so that its offsets do not fold.
            h = min(math.ceil(expected_hw * float(np.max(w)) / ds), m // 4)
            x0, y0 = float(v[0, 0]), float(v[0, 1])
            x = _moving_average(_moving_average(v[:, 0] - x0, h), h) + x0
            y = _moving_average(_moving_average(v[:, 1] - y0, h), h) + y0
            tx = np.gradient(x)
            ty = np.gradient(y)
            tl = np.sqrt(tx * tx + ty * ty)
            tx, ty = tx / tl, ty / tl
            cross = np.abs(tx[:-1] * ty[1:] - ty[:-1] * tx[1:])
            kappa = np.concatenate([cross, cross[-1:]]) / ds
            k2 = max(1, h // 2)
            kappa = np.lib.stride_tricks.sliding_window_view(
                np.pad(kappa, k2, mode="edge"), 2 * k2 + 1
            ).max(axis=1)
            max_hw = 0.7 / np.maximum(kappa, 1e-9)
            dist_end = np.minimum(s - a, b - s)
            taper = np.sqrt(np.clip(dist_end / max(0.12 * (b - a), 1.0), 0.0, 1.0))
            taper = np.maximum(taper, 0.03)
            cells = max(2, int((b - a) / 4000.0))
            nl = noise(rng, m, cells=cells, persistence=0.55, periodic=False)
            nr = noise(rng, m, cells=cells, persistence=0.55, periodic=False)
            # Stay inside the bounding box: no further out along the normal than its edge.
            left = np.minimum(max_hw, 0.98 * ray_box(x, y, -ty, tx, f.box))
            right = np.minimum(max_hw, 0.98 * ray_box(x, y, ty, -tx, f.box))
            samples.append((x, y, w, -ty, tx, left, right, nl, nr, taper))

    def rings(width: float) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for x, y, w, nx, ny, max_left, max_right, nl, nr, taper in samples:
            base = width * w * taper
            wl = np.minimum(base * (1.0 + 0.45 * nl), max_left)
            wr = np.minimum(base * (1.0 + 0.45 * nr), max_right)
            rx = np.concatenate([x + wl * nx, (x - wr * nx)[::-1]])
            ry = np.concatenate([y + wl * ny, (y - wr * ny)[::-1]])
            out.append((rx, ry))
        return out

    width = expected_hw
    for _ in range(5):
        area = math.fsum(abs(ring_area(rx, ry)) for rx, ry in rings(width))
        width *= target / area
    parts = []
    for rx, ry in rings(width):
        rx, ry = cm(rx), cm(ry)
        if ring_area(rx, ry) < 0:
            rx, ry = rx[::-1].copy(), ry[::-1].copy()
        parts.append([(rx, ry)])
    return parts
