"""The priority strip of the maps and the GeoPackage, kept in the user's cache folder
(:mod:`vbr.cache`).

Drawing the strip (the union of the 1,000 m buffers of every overloaded part) takes 3-5 s of
CPU on the real national outlines, the same every run that has the same overloaded areas and
threshold. It is display only (priority comes from exact distances), so a run may take it from
the cache, keyed by the WKB of every source geometry, the threshold, the GEOS version and
:data:`STRIP_VERSION`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np

from vbr.cache import cached_geometries, geometry_key
from vbr.core.zones import strip_around, strip_sources, zone_frame
from vbr.model import NaturaAreas

__all__ = ["STRIP_VERSION", "cached_priority_zone", "strip_key"]

#: Raise when :func:`~vbr.core.zones.strip_around` changes what it draws.
STRIP_VERSION = 1


def strip_key(sources: np.ndarray, threshold_m: float) -> str:
    """The sha256 that names the strip around ``sources`` by ``threshold_m``."""
    return geometry_key("strip", STRIP_VERSION, sources, float(threshold_m))


def cached_priority_zone(
    natura: NaturaAreas,
    *,
    threshold_m: float,
    polygons: gpd.GeoDataFrame | None = None,
    folder: Path | None = None,
) -> gpd.GeoDataFrame:
    """:func:`~vbr.core.zones.priority_zone`, from the cache in ``folder`` where it holds it
    (and put there when it did not)."""
    sources = strip_sources(natura, polygons=polygons)
    if len(sources) == 0:
        return zone_frame(strip_around(sources, threshold_m), threshold_m)
    (strip,) = cached_geometries(
        "strip",
        STRIP_VERSION,
        sources,
        lambda s: np.array([strip_around(s, threshold_m)], dtype=object),
        params=(float(threshold_m),),
        folder=folder,
    )
    return zone_frame(strip, threshold_m)
