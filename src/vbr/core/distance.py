"""Exact distance from farm points to the nearest overloaded Natura 2000 area (vectorised).

Every ring (outer edge and hole edges) of every area is cut into pieces of at most
``segments_per_piece`` segments; one STRtree over the pieces answers a nearest-neighbour query
for all farms at once, and a tree over the farms,
queried with each area once, finds the farms inside an area (distance 0). Cutting changes no
distance: the nearest point of a polygon to a point outside it lies on one of its rings, and the
pieces together are exactly those rings. It only lets the tree prune, so that a candidate costs
16 segments instead of the whole Veluwe outline (8 to 32 are about equally fast on the real
national outlines, 64 is slower; benchmarks/run.py measures it). From :data:`PARALLEL_FROM`
farms on, the query runs on a thread per core (at most four): shapely lets go of the
interpreter while GEOS searches the tree.
"""

from __future__ import annotations

import numpy as np
import shapely

from vbr.threads import map_rows

__all__ = ["NO_AREA", "PARALLEL_FROM", "boundary_pieces", "distance_to_overloaded", "z_order"]

#: From this many farms on the nearest query runs on a thread per core (see
#: distance_to_overloaded). At 45,000 farms on 2 cores the ranking took 0.92x the wall time for
#: the same CPU and memory (10 pairs; the query alone 0.37 -> 0.19-0.25 s); at a million farms
#: as fast as the forked processes it replaces (4.5-6.5 s either way, the same answers). Below
#: it the gain is hundredths of a second.
PARALLEL_FROM = 20_000

#: ``nearest`` where there is no overloaded area at all.
NO_AREA = -1

#: Children per node of the tree over ring pieces. GEOS defaults to 10; with 2 the nearest query
#: of the 45,000-farm benchmark visits fewer candidates and takes about half the time (measured
#: 2 to 25; the answer is the same for any value).
NODE_CAPACITY = 2


def boundary_pieces(
    polygons: np.ndarray, *, segments_per_piece: int = 16
) -> tuple[np.ndarray, np.ndarray]:
    """Cut the rings of polygons into linestrings of at most ``segments_per_piece`` segments.

    Returns
    -------
    pieces, owner
        The linestrings and, for each, the index of the polygon it came from.
    """
    parts, part_owner = shapely.get_parts(polygons, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_owner = part_owner[ring_part]
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    n_coords = np.bincount(ring_of_coord, minlength=len(rings))
    ring_start = np.concatenate([[0], np.cumsum(n_coords)[:-1]])
    n_segments = n_coords - 1
    n_pieces = -(-n_segments // segments_per_piece)
    piece_ring = np.repeat(np.arange(len(rings)), n_pieces)
    first_piece = np.concatenate([[0], np.cumsum(n_pieces)[:-1]])
    j = np.arange(len(piece_ring)) - first_piece[piece_ring]
    start = ring_start[piece_ring] + j * segments_per_piece
    seg = np.minimum(segments_per_piece, n_segments[piece_ring] - j * segments_per_piece)
    length = seg + 1
    piece_of_coord = np.repeat(np.arange(len(piece_ring)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    take = np.repeat(start, length) + offset
    pieces = shapely.linestrings(coords[take], indices=piece_of_coord)
    return pieces, ring_owner[piece_ring]


def distance_to_overloaded(
    points: np.ndarray,
    polygons: np.ndarray,
    numbers: np.ndarray,
    *,
    segments_per_piece: int = 16,
    parallel_from: int = PARALLEL_FROM,
) -> tuple[np.ndarray, np.ndarray]:
    """Distance from every point to the nearest polygon, and that polygon's number.

    Parameters
    ----------
    points
        Shapely points in EPSG:28992.
    polygons
        The overloaded areas (shapely polygons or multipolygons, EPSG:28992).
    numbers
        The area number (``nr``) of each polygon; several polygons may share one.
    segments_per_piece
        Ring pieces for the search tree; any value gives the same exact result.
    parallel_from
        From this many points on, the nearest query is split over a thread per CPU core (at
        most four; consecutive shares of the points; GEOS searches without the interpreter's
        lock). Each point's answer is the same either way.

    Returns
    -------
    distance_m, nearest
        Euclidean distance in metres (0 inside or on the edge of an area; a point in a hole
        measures to the hole's edge) and the ``nr`` of the nearest area; where several are equally
        near (inside overlapping areas, or equidistant), the lowest ``nr``. Without polygons:
        ``inf`` and ``NO_AREA``.
    """
    points = np.asarray(points, dtype=object)
    polygons = np.asarray(polygons, dtype=object)
    numbers = np.asarray(numbers, dtype="int64")
    n = len(points)
    distance = np.full(n, np.inf)
    nearest = np.full(n, NO_AREA, dtype="int64")
    if n == 0 or len(polygons) == 0:
        return distance, nearest

    # A tree over the points, queried with the areas: GEOS prepares each area once, so the
    # point-in-area test costs a fraction of a query of every point against a tree of areas.
    point_tree = shapely.STRtree(points)
    poly_idx, farm_idx = point_tree.query(polygons, predicate="intersects")
    inside = np.zeros(n, dtype=bool)
    if len(farm_idx):
        inside[farm_idx] = True
        distance[farm_idx] = 0.0
        _lowest_number(nearest, farm_idx, numbers[poly_idx])

    # the others in the order of a Z-curve over the map: neighbours query the tree one after
    # the other and find its nodes still in the CPU's cache (a quarter faster on a million
    # farms; the answers do not depend on the order)
    rest = np.flatnonzero(~inside)
    rest = rest[z_order(points[rest])]
    if len(rest):
        pieces, owner = boundary_pieces(polygons, segments_per_piece=segments_per_piece)
        piece_tree = shapely.STRtree(pieces, node_capacity=NODE_CAPACITY)
        sub, piece_idx, dist = _nearest_pieces(
            piece_tree, points[rest], parallel_from=parallel_from
        )
        farm = rest[sub]
        distance[farm] = dist
        _lowest_number(nearest, farm, numbers[owner[piece_idx]])
    return distance, nearest


#: The cell of the Z-curve that orders the points of the nearest query, metres.
Z_CELL_M = 50.0


def z_order(points: np.ndarray) -> np.ndarray:
    """The order of ``points`` along a Z-curve (Morton order) over cells of ``Z_CELL_M``."""
    if len(points) == 0:
        return np.zeros(0, dtype="int64")
    x, y = shapely.get_x(points), shapely.get_y(points)
    cells = [np.floor((v - v.min()) / Z_CELL_M).astype(np.uint64) for v in (x, y)]
    return np.argsort(
        _spread_bits(cells[0]) | (_spread_bits(cells[1]) << np.uint64(1)), kind="stable"
    )


def _spread_bits(v: np.ndarray) -> np.ndarray:
    """Put a zero bit between every two bits of the low 32 bits of ``v``."""
    v = v & np.uint64(0xFFFFFFFF)
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    ):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def _nearest_pieces(
    tree: shapely.STRtree, points: np.ndarray, *, parallel_from: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``tree.query_nearest`` of all points (every equally near piece), on a thread per core
    from ``parallel_from`` points on (:func:`vbr.threads.map_rows`: consecutive shares of the
    Z-ordered points, so that neighbours stay together; shapely lets go of the interpreter
    while GEOS searches); the result is ordered by point either way."""

    def share(start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        (sub, piece_idx), dist = tree.query_nearest(
            points[start:stop], return_distance=True, all_matches=True
        )
        return sub + start, piece_idx, dist

    return map_rows(share, len(points), min_rows=max(1, parallel_from // 2))


def _lowest_number(out: np.ndarray, farm: np.ndarray, number: np.ndarray) -> None:
    """Write, for every farm in ``farm``, the lowest of its ``number`` values into ``out``."""
    order = np.lexsort((number, farm))
    first = np.ones(len(order), dtype=bool)
    first[1:] = farm[order][1:] != farm[order][:-1]
    out[farm[order][first]] = number[order][first]
