"""Natura 2000 outlines as irregular star shapes round the official inner point.

An area is drawn inside its official bounding box (or, for a few water areas, inside a hand-drawn
lake or sea outline): a main part round the inner point with lobes, multi-octave detail, concave
notches and, for large areas, holes; further parts scattered in the box. Every part keeps clear of
the areas drawn before it and of the inner points of the others, so no two areas overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely

from tools.default_data.facts import AreaFacts, containers
from tools.default_data.numeric import KM, Parts, cm, noise, ray_box, ring_area, unit_circle

__all__ = ["blob_parts"]


def _ray_ellipse(
    cx: float,
    cy: float,
    ux: np.ndarray,
    uy: np.ndarray,
    box: tuple[float, float, float, float],
    scale: float,
) -> np.ndarray:
    """Distance along each direction to the ellipse inscribed in box times scale (inf: missed)."""
    minx, miny, maxx, maxy = box
    a = 0.5 * scale * (maxx - minx)
    b = 0.5 * scale * (maxy - miny)
    px = (cx - 0.5 * (minx + maxx)) / a
    py = (cy - 0.5 * (miny + maxy)) / b
    vx = ux / a
    vy = uy / b
    vv = vx * vx + vy * vy
    pv = px * vx + py * vy
    disc = pv * pv - vv * (px * px + py * py - 1.0)
    t = (np.sqrt(np.maximum(disc, 0.0)) - pv) / vv
    return np.where((disc > 0.0) & (t > 0.0), t, np.inf)


def _ray_ring(cx: float, cy: float, ux: np.ndarray, uy: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Distance from (cx, cy) along each direction to the first crossing of a closed ring (k, 2)."""
    px, py = ring[:, 0], ring[:, 1]
    ex = np.roll(px, -1) - px
    ey = np.roll(py, -1) - py
    wx = (px - cx)[None, :]
    wy = (py - cy)[None, :]
    u_x = ux[:, None]
    u_y = uy[:, None]
    denom = u_x * ey[None, :] - u_y * ex[None, :]
    safe = np.where(denom == 0.0, 1.0, denom)
    t = (wx * ey[None, :] - wy * ex[None, :]) / safe
    s = (wx * u_y - wy * u_x) / safe
    ok = (denom != 0.0) & (s >= 0.0) & (s <= 1.0) & (t > 0.0)
    return np.min(np.where(ok, t, np.inf), axis=1)


def _profile(
    rng: np.random.Generator,
    n: int,
    *,
    roughness: float,
    notches: int,
    cells: int = 5,
    detail: float = 0.12,
) -> np.ndarray:
    """Radial factor in (0, 1] round a ring: lobes, fine multi-octave detail and concave notches."""
    lobes = noise(rng, n, cells=cells, persistence=0.5, max_octaves=3)
    lobes = lobes / float(np.max(np.abs(lobes)))
    fine = noise(rng, n, cells=8 * cells, persistence=0.7)
    g = 1.0 - roughness * (1.0 - lobes) * 0.5 - detail * (1.0 - fine) * 0.5
    idx = np.arange(n, dtype=np.float64)
    for _ in range(notches):
        at = float(rng.random()) * n
        width = (0.02 + 0.04 * float(rng.random())) * n
        depth = 0.15 + 0.2 * float(rng.random())
        d = np.abs(idx - at)
        d = np.minimum(d, n - d) / width
        bump = np.where(d < 1.0, (1.0 - d * d) ** 2, 0.0)
        g = g * (1.0 - depth * bump)
    return np.maximum(g, 0.12)


def _cyclic_filter(v: np.ndarray, k: int, op: str) -> np.ndarray:
    """Cyclic moving minimum or maximum over 2k+1 samples."""
    padded = np.concatenate([v[-k:], v, v[:k]])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1)
    return windows.min(axis=1) if op == "min" else windows.max(axis=1)


def _radii(
    ux: np.ndarray, uy: np.ndarray, reach: np.ndarray, g: np.ndarray, target_m2: float
) -> np.ndarray:
    """Radius reach * g * s along each direction, s chosen for target_m2 (s * g <= 1).

    The radius never exceeds reach, so the ring stays inside its bounding box or outline.
    """
    # Flatten the profile where the full one could not reach the target area inside reach.
    for flatten in (1.0, 0.8, 0.6, 0.4, 0.2, 0.0):
        gg = 1.0 - flatten * (1.0 - g)
        r = reach * gg
        unit = ring_area(r * ux, r * uy)
        gmax = float(np.max(gg))
        if target_m2 <= unit / (gmax * gmax):
            break
    scale = min(math.sqrt(target_m2 / unit), 1.0 / gmax)
    return r * scale


def _star(
    center: tuple[float, float],
    ux: np.ndarray,
    uy: np.ndarray,
    reach: np.ndarray,
    g: np.ndarray,
    *,
    target_m2: float,
    obstacles: Sequence[shapely.Geometry] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Star-shaped ring round center of target_m2 (see :func:`_radii`), clear of obstacles.

    Where a vertex comes within 250 m of an obstacle (an area drawn before) or an obstacle lies
    inside the ring, the reach of that direction and its neighbours is capped below the current
    radius; other directions may grow to keep the area. Reach only ever shrinks, so this ends.
    """
    reach = reach.copy()
    spread = max(2, reach.size // 300)
    for _ in range(60):
        rs = _radii(ux, uy, reach, g, target_m2)
        x, y = cm(center[0] + rs * ux), cm(center[1] + rs * uy)
        if not obstacles:
            break
        pts = shapely.points(x, y)
        bad = np.zeros(x.size, dtype=bool)
        for ob in obstacles:
            bad |= shapely.dwithin(ob, pts, 250.0)
        ring = shapely.Polygon(np.column_stack((x, y)))
        shapely.prepare(ring)
        inside = []  # obstacle vertices that the ring swallowed whole
        for ob in obstacles:
            if ring.intersects(ob):
                q = shapely.get_coordinates(ob)
                q = q[shapely.contains_xy(ring, q[:, 0], q[:, 1])]
                if q.size:
                    inside.append(q[:: max(1, len(q) // 300)])
        if not bad.any() and not inside:
            break
        radius = np.sqrt((x - center[0]) ** 2 + (y - center[1]) ** 2)
        limit = np.where(bad, 0.85 * radius, np.inf)
        for q in inside:
            dx = q[:, 0] - center[0]
            dy = q[:, 1] - center[1]
            dist = np.sqrt(dx * dx + dy * dy)
            facing = np.argmax(
                (dx[:, None] * ux[None, :] + dy[:, None] * uy[None, :]) / dist[:, None], axis=1
            )
            np.minimum.at(limit, facing, 0.85 * dist)
        # Spread every cap over the neighbouring directions, then open (erode, dilate) the reach so
        # that no narrow spike is left between two caps.
        reach = np.minimum(reach, _cyclic_filter(limit, spread, "min"))
        reach = _cyclic_filter(_cyclic_filter(reach, 3 * spread, "min"), 3 * spread, "max")
    return x, y


def _near(obstacles: list[shapely.Geometry], box: tuple[float, ...], margin: float) -> list:
    """The obstacles whose bounding box comes within margin of box."""
    minx, miny, maxx, maxy = box
    out = []
    for ob in obstacles:
        ox0, oy0, ox1, oy1 = ob.bounds
        if (
            ox0 <= maxx + margin
            and ox1 >= minx - margin
            and oy0 <= maxy + margin
            and oy1 >= miny - margin
        ):
            out.append(ob)
    return out


def blob_parts(
    rng: np.random.Generator,
    f: AreaFacts,
    n_total: int,
    obstacles: list[shapely.Geometry],
    inner_points: list[tuple[int, float, float]],
) -> Parts:
    """Irregular star-shaped parts in the bounding box (or a hand-drawn outline) round inner.

    Parameters
    ----------
    rng
        The area's random stream.
    f
        The area's reference facts (size, inner point, bounding box, official parts).
    n_total
        About how many vertices to give the area, over all its parts.
    obstacles
        The areas drawn before: the parts keep clear of them.
    inner_points
        ``(nr, x, y)`` of every area: the parts keep clear of the others' inner points.

    Returns
    -------
    Parts
        Counter-clockwise exteriors, clockwise holes, rounded to the centimetre.
    """
    water = containers()
    target = f.area_ha * 1e4
    box = f.box
    fill = target / ((box[2] - box[0]) * (box[3] - box[1]))
    n_parts = 1 if f.parts == 1 or f.nr in water else min(f.parts, 2 if f.area_ha < 100 else 6)
    if n_parts == 1:
        shares = [1.0]
    else:
        main = 0.9 if fill > 0.35 else 0.6 + 0.2 * float(rng.random())
        w = rng.random(n_parts - 1) + 0.5
        shares = [main] + [(1.0 - main) * float(v) / math.fsum(w.tolist()) for v in w]
    # Holes: the Veluwe has village enclaves; some other large areas one or two.
    if f.nr == 57:
        n_holes = 7
    elif f.area_ha > 2500 and f.nr not in water and float(rng.random()) < 0.4:
        n_holes = 1 + int(float(rng.random()) < 0.5)
    else:
        n_holes = 0
    hole_radii = [
        (250.0 + 450.0 * float(rng.random())) if f.nr == 57 else 160.0 + 220.0 * float(rng.random())
        for _ in range(n_holes)
    ]
    hole_m2 = math.fsum(2.4 * r * r for r in hole_radii)  # ~pi r^2 times a noisy factor
    weights = [math.sqrt(s) for s in shares]
    wsum = math.fsum(weights)
    counts = [max(32, 2 * int(n_total * w / wsum / 2)) for w in weights]
    near = _near(obstacles, box, 1000.0)
    # Keep clear of the inner points of the other areas too, so that none is swallowed.
    others = [
        (x, y)
        for nr, x, y in inner_points
        if nr != f.nr
        and box[0] - 1000.0 <= x <= box[2] + 1000.0
        and box[1] - 1000.0 <= y <= box[3] + 1000.0
    ]
    if others:
        near = [*near, shapely.multipoints(others)]

    # Main part round the inner point.
    ux, uy = unit_circle(counts[0])
    reach = ray_box(f.inner[0], f.inner[1], ux, uy, box)
    if f.nr in water:
        ring = np.asarray(water[f.nr].ring, dtype=np.float64) * KM
        reach = np.minimum(
            _ray_ring(f.inner[0], f.inner[1], ux, uy, ring) * water[f.nr].spill, reach
        )
        g = _profile(rng, ux.size, roughness=0.12, notches=0, detail=0.06)
    else:
        # Inside the ellipse inscribed in the bounding box (a little larger for the fullest boxes).
        scale = 1.0 if fill < 0.5 else 1.2
        reach = np.minimum(reach, _ray_ellipse(f.inner[0], f.inner[1], ux, uy, box, scale))
        fill_e = fill / (0.785 if scale == 1.0 else 0.93)  # share of the ellipse (cut by the box)
        roughness = (
            0.75 if fill_e < 0.35 else 0.6 if fill_e < 0.5 else 0.45 if fill_e < 0.65 else 0.25
        )
        notches = 0 if f.area_ha < 150 or fill > 0.6 else 1 + int(2.99 * float(rng.random()))
        g = _profile(rng, ux.size, roughness=roughness, notches=notches)
    sx, sy = _star(
        f.inner, ux, uy, reach, g, target_m2=target * shares[0] + hole_m2, obstacles=near
    )
    main_part: list[tuple[np.ndarray, np.ndarray]] = [(sx, sy)]
    shell = shapely.Polygon(np.column_stack((sx, sy)))
    shapely.prepare(shell)
    holes: list[shapely.Geometry] = []
    for radius in hole_radii:
        for _attempt in range(60):
            i = int(float(rng.random()) * sx.size)
            frac = 0.2 + 0.55 * float(rng.random())
            hx = f.inner[0] + (sx[i] - f.inner[0]) * frac
            hy = f.inner[1] + (sy[i] - f.inner[1]) * frac
            m = 48 + 2 * int(40 * float(rng.random()))
            hux, huy = unit_circle(m)
            hg = _profile(rng, m, roughness=0.3, notches=0, cells=2, detail=0.05)
            hxs, hys = _star(
                (hx, hy), hux, huy, np.full(m, radius * 1.25), hg, target_m2=2.4 * radius * radius
            )
            hole = shapely.Polygon(np.column_stack((hxs, hys)))
            if not shell.contains(hole) or shapely.distance(hole, shell.exterior) < 100.0:
                continue
            if any(shapely.distance(hole, h) < 150.0 for h in holes):
                continue
            holes.append(hole)
            main_part.append((hxs[::-1].copy(), hys[::-1].copy()))
            break
    parts = [main_part]

    # Further parts scattered in the bounding box, apart from each other and from other areas.
    placed = [shapely.Polygon(np.column_stack((sx, sy)))]
    for share, count in zip(shares[1:], counts[1:], strict=True):
        a = target * share
        for attempt in range(80):
            if attempt == 40:
                a *= 0.6
            cx = box[0] + (box[2] - box[0]) * (0.05 + 0.9 * float(rng.random()))
            cy = box[1] + (box[3] - box[1]) * (0.05 + 0.9 * float(rng.random()))
            pux, puy = unit_circle(count)
            rho = 1.6 * math.sqrt(a / math.pi)
            preach = np.minimum(ray_box(cx, cy, pux, puy, box), rho)
            pg = _profile(rng, count, roughness=0.55, notches=0, cells=2)
            px, py = _star((cx, cy), pux, puy, preach, pg, target_m2=a)
            cand = shapely.Polygon(np.column_stack((px, py)))
            if not cand.is_valid or any(shapely.distance(cand, p) < 150.0 for p in placed + near):
                continue
            placed.append(cand)
            parts.append([(px, py)])
            break
    return parts
