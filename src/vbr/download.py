"""Download the official Natura 2000 areas from the PDOK WFS (RVO).

The WFS is read page by page as GeoJSON in EPSG:28992 (``count`` / ``startIndex``), with retries
on server errors and dropped connections, and a clear message when the service cannot be reached.
PDOK delivers several (overlapping) features per area; they are made valid and dissolved to one
(multi)polygon per area number ``nr``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict, Unpack

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr.errors import InputError, OutputError
from vbr.io.crs import RD_NEW
from vbr.locale import Message, say

__all__ = [
    "PDOK_NATURA2000_URL",
    "DownloadError",
    "FetchOptions",
    "dissolve_by_nr",
    "download_natura2000",
    "fetch_wfs_features",
]

PDOK_NATURA2000_URL = "https://service.pdok.nl/rvo/natura2000/wfs/v1_0"
PDOK_TYPE_NAME = "natura2000"
_RETRY_STATUS = {429, 500, 502, 503, 504}


class DownloadError(InputError):
    """A download that could not be completed (exit status 2, like unusable input)."""


def _get(url: str, *, timeout: float) -> bytes:
    request = urllib.request.Request(
        url, headers={"User-Agent": "vbr (Natura 2000 download)", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _get_with_retries(
    url: str, *, retries: int, backoff_s: float, timeout: float, sleep: Callable[[float], None]
) -> bytes:
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff_s * 2 ** (attempt - 1))
        try:
            return _get(url, timeout=timeout)
        except urllib.error.HTTPError as exc:
            if exc.code not in _RETRY_STATUS:
                raise DownloadError(
                    f"the server answered HTTP {exc.code} {exc.reason}; check the URL and the "
                    "type name",
                    source=url,
                ) from None
            last = f"HTTP {exc.code} {exc.reason}"
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"cannot connect ({reason})"
    raise DownloadError(
        f"no answer after {retries + 1} attempts: {last}. Are you offline or behind a proxy? "
        "Check the connection (a proxy is taken from HTTPS_PROXY), or download the Natura 2000 "
        f"layer by hand from PDOK ({PDOK_NATURA2000_URL}) and give it to `vbr run --natura`",
        source=url,
    )


def fetch_wfs_features(
    url: str = PDOK_NATURA2000_URL,
    *,
    type_name: str = PDOK_TYPE_NAME,
    page_size: int = 1000,
    retries: int = 4,
    backoff_s: float = 1.0,
    timeout: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """All GeoJSON features of a WFS 2.0 feature type, page by page, in EPSG:28992.

    Paging stops at a page shorter than ``page_size``, at ``numberMatched``, or at an empty page.

    Raises
    ------
    DownloadError
        When the service cannot be reached after the retries, answers with an error, or sends
        something that is not GeoJSON.
    """
    features: list[dict] = []
    start = 0
    while True:
        query = urllib.parse.urlencode(
            {
                "service": "WFS",
                "version": "2.0.0",
                "request": "GetFeature",
                "typeNames": type_name,
                "outputFormat": "application/json",
                "srsName": "EPSG:28992",
                "count": page_size,
                "startIndex": start,
                "sortBy": "nr",
            }
        )
        page_url = f"{url}{'&' if '?' in url else '?'}{query}"
        body = _get_with_retries(
            page_url, retries=retries, backoff_s=backoff_s, timeout=timeout, sleep=sleep
        )
        try:
            page = json.loads(body)
            got = page["features"]
        except (ValueError, KeyError, TypeError):
            raise DownloadError(
                f"the answer is not GeoJSON (starts with {body[:80]!r})", source=page_url
            ) from None
        features += got
        if progress:
            progress(Message("progress.download_page", count=len(features)))
        matched = page.get("numberMatched")
        if (
            len(got) < page_size
            or (isinstance(matched, int) and len(features) >= matched)
            or not got
        ):
            return features
        start += len(got)


def dissolve_by_nr(features: list[dict]) -> gpd.GeoDataFrame:
    """One valid (multi)polygon per area number, with ``nr``, ``naamN2K``, ``beschermin``,
    ``status`` and the number of PDOK features merged (``n_features``), sorted by ``nr``."""
    if not features:
        raise DownloadError("the service returned no features", source=PDOK_NATURA2000_URL)
    frame = gpd.GeoDataFrame.from_features(features, crs=RD_NEW)
    columns = {c.lower(): c for c in frame.columns}
    nr_col = columns.get("nr")
    if nr_col is None:
        raise DownloadError(
            f"the features have no `nr` attribute (they have: {', '.join(frame.columns)})",
            source=PDOK_NATURA2000_URL,
        )
    nr = pd.to_numeric(frame[nr_col], errors="coerce")
    frame = frame[nr.notna()].assign(nr=nr[nr.notna()].astype("int64"))
    rows = []
    for value, group in frame.groupby("nr", sort=True):
        geoms = shapely.make_valid(np.asarray(group.geometry.values, dtype=object))
        merged = shapely.union_all(geoms)
        polygons = [
            g
            for g in shapely.get_parts(merged)
            if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
        ]
        geometry = shapely.union_all(polygons) if polygons else None

        def first(name: str, g: pd.DataFrame = group) -> str:
            col = columns.get(name.lower())
            if col is None:
                return ""
            values = [str(v) for v in g[col] if v is not None and str(v) not in ("", "nan")]
            return values[0] if values else ""

        def every(name: str, g: pd.DataFrame = group) -> str:
            col = columns.get(name.lower())
            if col is None:
                return ""
            values = [str(v) for v in g[col] if v is not None and str(v) not in ("", "nan")]
            return "; ".join(dict.fromkeys(values))

        rows.append(
            {
                "nr": int(value),
                "naamN2K": first("naamN2K"),
                "beschermin": every("beschermin"),
                "status": every("status"),
                "n_features": len(group),
                "geometry": geometry,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=RD_NEW)


class FetchOptions(TypedDict, total=False):
    """The keyword options of :func:`fetch_wfs_features` (its defaults apply to those left out)."""

    type_name: str
    page_size: int
    retries: int
    backoff_s: float
    timeout: float
    sleep: Callable[[float], None]
    progress: Callable[[str], None] | None


def download_natura2000(
    out: Path, *, url: str = PDOK_NATURA2000_URL, **options: Unpack[FetchOptions]
) -> tuple[Path, int, int]:
    """Download, dissolve per ``nr`` and write a GeoPackage (layer ``natura2000``).

    The file is written beside ``out`` first and moved into place when complete; ``options``
    go to :func:`fetch_wfs_features`.

    Returns
    -------
    path, features, areas
    """
    out = Path(out)
    features = fetch_wfs_features(url, **options)
    areas = dissolve_by_nr(features)
    tmp = out.with_name(f".vbr-tmp-{out.name}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        areas.to_file(tmp, layer="natura2000", driver="GPKG")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(say("cannot_write", detail=str(exc)), source=str(out)) from None
    return out, len(features), len(areas)
