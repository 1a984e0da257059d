"""Spread GEOS work on many geometries over threads (shapely 2 releases the GIL in GEOS)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

__all__ = ["map_geometries"]


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
