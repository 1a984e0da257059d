"""Where a synthetic farm may stand: on land, away from the coast, outside Natura 2000.

The land is a hand-drawn coarse outline of the Netherlands (``facts/outlines.csv``, about 1-3 km
accuracy) less open water; farms keep :data:`LAND_INSET_M` from its coast and borders and never lie
inside a drawn Natura 2000 area. The mask also measures how near a point is to overloaded nature,
so that farms there can be thinned.
"""

from __future__ import annotations

import numpy as np
import shapely

from tools.default_data.areas import Area
from tools.default_data.facts import land_outlines, not_land_outlines
from tools.default_data.numeric import KM

__all__ = ["LAND_INSET_M", "LandMask", "land_polygons", "not_land_polygons"]

#: Farms keep this far (m) from the coarse coast and border lines.
LAND_INSET_M = 600.0


def land_polygons() -> list[shapely.Polygon]:
    """The coarse land outlines in metres (main land mass, Zeeuws-Vlaanderen, Texel)."""
    return [shapely.Polygon(np.asarray(r, dtype=np.float64) * KM) for r in land_outlines()]


def not_land_polygons() -> list[shapely.Polygon]:
    """Open water inside the land outlines and the Baarle-Hertog enclaves, in metres."""
    return [shapely.Polygon(np.asarray(r, dtype=np.float64) * KM) for r in not_land_outlines()]


class LandMask:
    """Land (hand-drawn, inset from coast and border) minus open water and Natura 2000 areas."""

    def __init__(self, areas: list[Area]) -> None:
        self.land = land_polygons()
        self.water = not_land_polygons()
        self.edges = shapely.MultiLineString(
            [np.asarray(p.exterior.coords) for p in self.land + self.water]
        )
        for g in [*self.land, *self.water, self.edges]:
            shapely.prepare(g)
        self.areas = areas
        self.boxes = np.asarray([a.geometry.bounds for a in areas])
        for a in areas:
            shapely.prepare(a.geometry)
        # Boundary pieces of the overloaded areas, for fast nearest-distance queries.
        chunks = []
        for a in areas:
            if not a.overloaded:
                continue
            for part in a.parts:
                for rx, ry in part:
                    ring = np.column_stack((np.append(rx, rx[0]), np.append(ry, ry[0])))
                    for i in range(0, len(ring) - 1, 64):
                        chunks.append(shapely.LineString(ring[i : i + 65]))
        self.overloaded_edges = shapely.STRtree(chunks)

    def on_land(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Whether each point is on land, not in open water and not near a coast or border."""
        inside = np.zeros(x.shape, dtype=bool)
        for p in self.land:
            inside |= shapely.contains_xy(p, x, y)
        for p in self.water:
            inside &= ~shapely.contains_xy(p, x, y)
        pts = shapely.points(x, y)
        inside &= ~shapely.dwithin(self.edges, pts, LAND_INSET_M)
        return inside

    def in_nature(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Whether each point lies inside a drawn Natura 2000 area."""
        hit = np.zeros(x.shape, dtype=bool)
        for a, (minx, miny, maxx, maxy) in zip(self.areas, self.boxes, strict=True):
            sel = np.flatnonzero((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
            if sel.size:
                hit[sel] |= shapely.contains_xy(a.geometry, x[sel], y[sel])
        return hit

    def overloaded_distance(
        self, x: np.ndarray, y: np.ndarray, *, max_distance: float
    ) -> np.ndarray:
        """Distance (m) to the nearest overloaded boundary; inf beyond max_distance."""
        out = np.full(x.shape, np.inf)
        idx, dist = self.overloaded_edges.query_nearest(
            shapely.points(x, y), max_distance=max_distance, return_distance=True, all_matches=False
        )
        out[idx[0]] = dist
        return out
