"""Spread work over threads where the libraries release the GIL: GEOS work on many geometries
(shapely 2) and text built row by row with numpy's string functions (numpy 2)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

__all__ = ["map_geometries", "map_rows"]


def map_geometries(
    func: Callable[[np.ndarray], np.ndarray],
    geometries: np.ndarray,
    *,
    max_threads: int = 4,
) -> np.ndarray:
    """``func(geometries)``, computed in shares on up to ``max_threads`` threads.

    ``func`` maps an array of geometries to an array of results of the same length, element by
    element (``shapely.buffer``, ``shapely.make_valid`` ...). The outlines are dealt to the
    threads biggest first, so that no thread gets all the big ones. Returns the same results in
    the same order as ``func(geometries)``.
    """
    geometries = np.asarray(geometries, dtype=object)
    n_threads = min(max_threads, os.cpu_count() or 1, len(geometries))
    if n_threads <= 1:
        return func(geometries)
    order = np.argsort(-shapely.get_num_coordinates(geometries), kind="stable")
    shares = [order[k::n_threads] for k in range(n_threads)]
    out = np.empty(len(geometries), dtype=object)
    with ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="vbr-geos") as pool:
        for share, result in zip(
            shares, pool.map(lambda idx: func(geometries[idx]), shares), strict=True
        ):
            out[share] = result
    return out


def map_rows(
    func: Callable[[int, int], np.ndarray | tuple[np.ndarray, ...]],
    n: int,
    *,
    min_rows: int = 20_000,
    max_rows: int = 100_000,
    max_threads: int = 4,
) -> np.ndarray | tuple[np.ndarray, ...]:
    """``func(0, n)``, computed as ``func(start, stop)`` on consecutive shares of the rows.

    ``func`` maps rows ``start:stop`` to an array of results (or a tuple of arrays), each row's
    results its own (no row looks at another), so that the shares joined (each array of the
    tuple on its own) are ``func(0, n)``. A share has at least ``min_rows`` rows and, where
    there are enough rows for every thread, at most ``max_rows`` (what a share builds on its
    way stays small); with fewer rows than two shares, or one core, ``func(0, n)`` runs here.
    """
    n_threads = min(max_threads, os.cpu_count() or 1, n // max(min_rows, 1))
    if n_threads <= 1:
        return func(0, n)
    n_shares = max(n_threads, -(-n // max(max_rows, 1)))
    edges = np.linspace(0, n, n_shares + 1).astype(int).tolist()
    with ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="vbr-rows") as pool:
        parts = list(pool.map(func, edges[:-1], edges[1:]))
    if isinstance(parts[0], tuple):
        return tuple(np.concatenate(column) for column in zip(*parts, strict=True))
    return np.concatenate(parts)
