"""The priority strip of the maps and the GeoPackage, kept in the user's cache folder.

Drawing the strip (the union of the 1,000 m buffers of every overloaded part) takes 3-5 s of
CPU on the real national outlines, the same every run that has the same overloaded areas and
threshold. It is display only (priority comes from exact distances), so a run may take it from
the cache: the key is a sha256 of what the strip is made from (the WKB of every source geometry,
in order), the threshold, the GEOS version and :data:`STRIP_VERSION`; the strip is kept as WKB,
which gives back the same coordinates to the bit, so a cached run writes the same bytes as a
computed one (a test compares them).

The folder is ``$VBR_CACHE_DIR`` when set (``off`` or empty: no cache), else the user's cache
folder (``platformdirs``: ``~/.cache/vbr`` on Linux, ``%LOCALAPPDATA%\\vbr\\Cache`` on Windows).
A cache that cannot be read or written is passed over: the strip is then computed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from vbr.core.zones import strip_around, strip_sources, zone_frame
from vbr.model import NaturaAreas

__all__ = ["STRIP_VERSION", "cache_folder", "cached_priority_zone", "strip_key"]

#: Raise when :func:`~vbr.core.zones.strip_around` changes what it draws.
STRIP_VERSION = 1


def cache_folder() -> Path | None:
    """Where vbr keeps what it may compute again (``None``: no cache)."""
    chosen = os.environ.get("VBR_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("vbr", appauthor=False))


def strip_key(sources: np.ndarray, threshold_m: float) -> str:
    """The sha256 that names the strip around ``sources`` by ``threshold_m``."""
    digest = hashlib.sha256()
    digest.update(f"strip {STRIP_VERSION} {shapely.geos_version_string} {threshold_m!r}\n".encode())
    for wkb in shapely.to_wkb(np.asarray(sources, dtype=object)):
        digest.update(len(wkb).to_bytes(8, "little"))
        digest.update(wkb)
    return digest.hexdigest()


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
    if folder is None or len(sources) == 0:
        return zone_frame(strip_around(sources, threshold_m), threshold_m)
    path = folder / f"strip-{strip_key(sources, threshold_m)}.wkb"
    try:
        strip = shapely.from_wkb(path.read_bytes())
    except (OSError, shapely.errors.GEOSException):
        strip = None
    if strip is None:
        strip = strip_around(sources, threshold_m)
        _keep(path, shapely.to_wkb(strip))
    return zone_frame(strip, threshold_m)


def _keep(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file moved into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
