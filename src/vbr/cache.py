"""Geometry that vbr may compute again, kept in the user's cache folder: the valid parts of the
Natura 2000 areas (what distances are measured to), the priority strip, the repaired Natura 2000
outlines, and their simplified outlines of the map pages (in the rounded WGS84 the pages show)
and of the pictures; and the pictures' backdrops (the areas, the strip and the region's outline
drawn, before the farms), which are made from geometry alone too.

Each is made from geometry alone and takes a second or more of CPU on the real national outlines,
the same every run on the same file. A run may take it from the cache: the key is a sha256 of the
kind, its version, its parameters, the GEOS version and the sha256 of the WKB of every source
geometry (in order; each geometry's written and hashed once per process); the geometry is kept
as WKB, which gives back the same coordinates to the bit, so a cached run writes the same bytes
as a computed one (tests compare them). The valid parts decide
distances, so their key also holds the sha256 of vbr's own code (any change to it makes them
again) and their file the sha256 of its content (a file damaged on disk is made again, never
read); everything else is for display only.

The folder is ``$VBR_CACHE_DIR`` when set (``off`` or empty: no cache), else the user's cache
folder (``platformdirs``: ``~/.cache/vbr`` on Linux, ``%LOCALAPPDATA%\\vbr\\Cache`` on Windows).
A cache that cannot be read or written is passed over: the geometry is then computed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import shapely

__all__ = [
    "cache_folder",
    "cached_bytes",
    "cached_geometries",
    "cached_parts",
    "geometry_key",
    "wkb_digests",
]

T = TypeVar("T")

#: Marks a missing geometry (``None``) in a cache file.
_NONE = (1 << 64) - 1


def cache_folder() -> Path | None:
    """Where vbr keeps what it may compute again (``None``: no cache)."""
    chosen = os.environ.get("VBR_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("vbr", appauthor=False))


def geometry_key(kind: str, version: int, sources: np.ndarray, *params: object) -> str:
    """The sha256 that names ``kind`` (at ``version``, with ``params``) made from ``sources``:
    of the head (kind, version, GEOS version, parameters) and of each source's WKB sha256
    (:func:`wkb_digests`), in order."""
    digest = hashlib.sha256()
    head = " ".join([kind, str(version), shapely.geos_version_string, *map(repr, params)])
    digest.update(head.encode() + b"\n")
    digest.update(b"".join(wkb_digests(np.asarray(sources, dtype=object))))
    return digest.hexdigest()


#: The sha256 of the WKB of each geometry keyed so far in this process, by the geometry object
#: (a shapely geometry never changes), with a weak reference that forgets it when the geometry
#: goes: a run keys the same areas several times (their valid parts when read, their outlines,
#: the strip, the maps' outlines), and the WKB of the real national outlines takes 20 ms to
#: write and hash each time.
_DIGESTS: dict[int, tuple[weakref.ref, bytes]] = {}
#: What :func:`wkb_digests` gives a missing geometry (``None``).
_NO_GEOMETRY = hashlib.sha256(b"none").digest()


def wkb_digests(geometries: np.ndarray) -> list[bytes]:
    """The sha256 of each geometry's WKB (of ``b"none"`` for ``None``), written and hashed once
    per geometry object in this process."""
    geometries = np.asarray(geometries, dtype=object)
    out: list[bytes] = []
    missing: list[int] = []
    for k, geometry in enumerate(geometries):
        if geometry is None:
            out.append(_NO_GEOMETRY)
            continue
        kept = _DIGESTS.get(id(geometry))
        if kept is not None and kept[0]() is geometry:
            out.append(kept[1])
        else:
            out.append(b"")
            missing.append(k)
    if missing:
        for k, wkb in zip(missing, shapely.to_wkb(geometries[missing]), strict=True):
            geometry, digest = geometries[k], hashlib.sha256(wkb).digest()
            out[k] = digest
            key = id(geometry)
            _DIGESTS[key] = (weakref.ref(geometry, partial(_forget, key)), digest)
    return out


def _forget(key: int, ref: weakref.ref) -> None:
    kept = _DIGESTS.get(key)
    if kept is not None and kept[0] is ref:
        del _DIGESTS[key]


def cached_geometries(
    kind: str,
    version: int,
    sources: np.ndarray,
    compute: Callable[[np.ndarray], np.ndarray],
    *,
    params: tuple = (),
    folder: Path | None,
    each: bool = False,
) -> np.ndarray:
    """``compute(sources)`` (an object array of geometries), read from ``folder`` where an
    earlier run kept it, else computed and kept there (``folder`` ``None``: computed only).

    ``version`` is raised whenever ``compute`` changes what it makes; ``params`` are every
    other value it depends on. With ``each`` (a ``compute`` that maps each geometry on its
    own), one file is kept per source geometry: a geometry that an earlier run met in another
    company (another region's map) is read back all the same, and what is not in ``folder`` is
    computed in one call.
    """
    sources = np.asarray(sources, dtype=object)
    if folder is None or len(sources) == 0:
        return np.asarray(compute(sources), dtype=object)
    if not each:
        path = _path(folder, kind, version, sources, params)
        kept = _kept(path)
        if kept is not None:
            return kept
        made = np.asarray(compute(sources), dtype=object)
        _keep(path, _framed(made))
        return made
    paths = [_path(folder, kind, version, sources[k : k + 1], params) for k in range(len(sources))]
    out = np.empty(len(sources), dtype=object)
    missing = []
    for k, path in enumerate(paths):
        kept = _kept(path)
        if kept is not None and len(kept) == 1:
            out[k] = kept[0]
        else:
            missing.append(k)
    if missing:
        made = np.asarray(compute(sources[missing]), dtype=object)
        for j, k in enumerate(missing):
            out[k] = made[j]
            _keep(paths[k], _framed(made[j : j + 1]))
    return out


def cached_bytes(
    kind: str,
    version: int,
    sources: np.ndarray,
    make: Callable[[], bytes],
    *,
    read: Callable[[bytes], T],
    params: tuple = (),
    folder: Path | None,
) -> T:
    """``read(make())``: what ``make`` makes from ``sources`` (geometries) and ``params`` alone,
    read back from ``folder`` where an earlier run kept it, else made and kept there
    (``folder`` ``None``: made only). A kept file that ``read`` refuses (``ValueError``) is
    made again and replaced. ``version`` is raised whenever ``make`` changes what it makes."""
    sources = np.asarray(sources, dtype=object)
    if folder is None:
        return read(make())
    path = _path(folder, kind, version, sources, params, suffix=".bin")
    with contextlib.suppress(OSError, ValueError):
        return read(path.read_bytes())
    data = make()
    _keep(path, data)
    return read(data)


def cached_parts(
    kind: str,
    version: int,
    sources: np.ndarray,
    make: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
    *,
    params: tuple = (),
    folder: Path | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``make(sources)``: a flag per source geometry, and geometries made from the sources with
    the position of the source of each (``flags, parts, part_of``); read back from ``folder``
    where an earlier run kept them, else made and kept there (``folder`` ``None``: made only).

    The file holds the sha256 of its content: one that does not match it, or does not read
    whole, is made again and replaced. Made or read back, what is returned has passed through
    the file's form (WKB: the same coordinates to the bit), so both give the same arrays.
    """
    sources = np.asarray(sources, dtype=object)

    def packed() -> bytes:
        flags, parts, part_of = make(sources)
        return _packed_parts(flags, parts, part_of)

    return cached_bytes(
        kind,
        version,
        sources,
        packed,
        read=lambda data: _unpacked_parts(data, len(sources)),
        params=params,
        folder=folder,
    )


def _packed_parts(flags: np.ndarray, parts: np.ndarray, part_of: np.ndarray) -> bytes:
    """Flags, parts and their owners as one file: the sha256 of the rest, then the counts, the
    flags (a byte each), the owners (int64) and the parts (:func:`_framed`)."""
    flags = np.asarray(flags, dtype=bool)
    part_of = np.asarray(part_of, dtype="<i8")
    body = b"".join(
        [
            len(flags).to_bytes(8, "little"),
            len(part_of).to_bytes(8, "little"),
            flags.astype(np.uint8).tobytes(),
            part_of.tobytes(),
            _framed(np.asarray(parts, dtype=object)),
        ]
    )
    return hashlib.sha256(body).digest() + body


def _unpacked_parts(data: bytes, n_sources: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_packed_parts` read back; ``ValueError`` for a file that does not read whole,
    does not match its sha256 or was made from another number of sources."""
    digest, body = data[:32], memoryview(data)[32:]
    if len(data) < 48 or hashlib.sha256(body).digest() != digest:
        raise ValueError("cache file does not match its sha256")
    n_flags = int.from_bytes(body[:8], "little")
    n_parts = int.from_bytes(body[8:16], "little")
    if n_flags != n_sources:
        raise ValueError("cache file made from another number of geometries")
    at = 16 + n_flags + 8 * n_parts
    if len(body) < at:
        raise ValueError("cache file cut short")
    flags = np.frombuffer(body[16 : 16 + n_flags], dtype=np.uint8).astype(bool)
    part_of = np.frombuffer(body[16 + n_flags : at], dtype="<i8").astype("int64")
    try:
        parts = _read(bytes(body[at:]))
    except shapely.errors.GEOSException as exc:
        raise ValueError(f"cache file of unreadable geometry: {exc}") from None
    if len(parts) != n_parts or (n_parts and not (0 <= part_of.min() <= part_of.max() < n_flags)):
        raise ValueError("cache file of another shape")
    return flags, parts, part_of


def _path(
    folder: Path,
    kind: str,
    version: int,
    sources: np.ndarray,
    params: tuple,
    *,
    suffix: str = ".wkb",
) -> Path:
    return folder / f"{kind}-{geometry_key(kind, version, sources, *params)}{suffix}"


def _kept(path: Path) -> np.ndarray | None:
    """The geometries kept in ``path``; ``None`` where there is no such file or it does not
    read whole (it is then made again and replaced)."""
    try:
        return _read(path.read_bytes())
    except (OSError, ValueError, shapely.errors.GEOSException):
        return None


def _framed(geoms: np.ndarray) -> bytes:
    """The geometries as one file: their count, then each one's length and WKB."""
    parts = [len(geoms).to_bytes(8, "little")]
    for wkb in shapely.to_wkb(geoms):
        if wkb is None:
            parts.append(_NONE.to_bytes(8, "little"))
        else:
            parts += [len(wkb).to_bytes(8, "little"), wkb]
    return b"".join(parts)


def _read(data: bytes) -> np.ndarray:
    """:func:`_framed` read back; ``ValueError`` for a file that does not read whole."""
    view = memoryview(data)
    count, at = int.from_bytes(view[:8], "little"), 8
    wkbs: list[bytes | None] = []
    for _ in range(count):
        size = int.from_bytes(view[at : at + 8], "little")
        at += 8
        if size == _NONE:
            wkbs.append(None)
            continue
        if at + size > len(view):
            raise ValueError("cache file cut short")
        wkbs.append(bytes(view[at : at + size]))
        at += size
    if at != len(view) or len(data) < 8:
        raise ValueError("cache file of another length")
    return np.asarray(shapely.from_wkb(np.array(wkbs, dtype=object)), dtype=object)


def _keep(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file moved into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
