"""The synthetic Natura 2000 outlines: one per area of the reference facts, none of them official.

Strip-shaped areas (rivers, estuaries) are drawn along hand-drawn centre lines
(:mod:`~tools.default_data.strips`), all others as irregular star shapes
(:mod:`~tools.default_data.blobs`). Each area gets its own random stream, so one area's drawing does
not shift another's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from tools.default_data.blobs import blob_parts
from tools.default_data.facts import AreaFacts, containers, natura_areas, strips
from tools.default_data.numeric import Parts, ring_area
from tools.default_data.strips import strip_parts

__all__ = [
    "SKIPPED_AREAS",
    "VERTEX_FACTOR",
    "VERTEX_MAX",
    "VERTEX_MIN",
    "Area",
    "area_facts",
    "make_areas",
]

#: The huge North Sea areas are left out: they hold no farm and would dwarf everything else on a
#: map (Vlakte van de Raan, Doggersbank, Klaverbank, Friese Front, Bruine Bank).
SKIPPED_AREAS = frozenset({163, 164, 165, 166, 168})

#: Vertices: the official count scaled by this factor, clipped, so the file holds ~200,000 vertices.
VERTEX_FACTOR = 0.42
VERTEX_MIN, VERTEX_MAX = 64, 24_000


@dataclass
class Area:
    """One drawn area.

    ``parts``: each part is its exterior ring (x, y), then its holes; open rings, rounded to the
    centimetre, exteriors counter-clockwise.
    """

    facts: AreaFacts
    parts: Parts
    geometry: shapely.Geometry
    area_m2: float

    @property
    def overloaded(self) -> bool:
        """Whether the area counts as overloaded: it holds nitrogen-sensitive habitat."""
        return self.facts.nitrogen_sensitive == "yes"


def area_facts() -> list[AreaFacts]:
    """The reference facts of the areas that are drawn (all but :data:`SKIPPED_AREAS`)."""
    return [f for f in natura_areas() if f.nr not in SKIPPED_AREAS]


def _polygon(parts: Parts) -> shapely.Geometry:
    """The parts as a Polygon (one part) or a MultiPolygon."""
    polys = [
        shapely.Polygon(np.column_stack(p[0]), [np.column_stack(h) for h in p[1:]]) for p in parts
    ]
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _parts_area(parts: Parts) -> float:
    """Area of the parts (m2): exteriors less holes, summed exactly."""
    return math.fsum(ring_area(*ring) for part in parts for ring in part)


def make_areas(
    seed: int, *, vertex_factor: float = VERTEX_FACTOR, vertex_max: int = VERTEX_MAX
) -> list[Area]:
    """All outlines, in ``nr`` order.

    Strips are drawn first, then the water areas in their outlines, then the rest from large to
    small, each keeping clear of the areas already drawn (so no two areas overlap).

    Parameters
    ----------
    seed
        Seed of every random draw.
    vertex_factor, vertex_max
        An area gets its official vertex count times ``vertex_factor`` vertices, at least
        :data:`VERTEX_MIN` and at most ``vertex_max`` (the benchmark draws at the real counts).

    Returns
    -------
    list of Area
    """
    facts = area_facts()
    strip_lines, water = strips(), containers()
    order = sorted(
        facts,
        key=lambda f: (0 if f.nr in strip_lines else 1 if f.nr in water else 2, -f.area_ha, f.nr),
    )
    inner_points = [(f.nr, f.inner[0], f.inner[1]) for f in facts]
    drawn: dict[int, Area] = {}
    obstacles: list[shapely.Geometry] = []
    for f in order:
        rng = np.random.default_rng([seed, 1, f.nr])
        n_total = int(min(max(round(f.vertices * vertex_factor), VERTEX_MIN), vertex_max))
        for _attempt in range(8):
            if f.nr in strip_lines:
                parts = strip_parts(rng, f, n_total)
            else:
                parts = blob_parts(rng, f, n_total, obstacles, inner_points)
            geom = _polygon(parts)
            if geom.is_valid:
                break
        else:  # pragma: no cover - the fixed seed never gets here
            raise RuntimeError(f"could not draw a valid outline for Natura 2000 area {f.nr}")
        shapely.prepare(geom)
        obstacles.append(geom)
        drawn[f.nr] = Area(facts=f, parts=parts, geometry=geom, area_m2=_parts_area(parts))
    return [drawn[f.nr] for f in facts]
