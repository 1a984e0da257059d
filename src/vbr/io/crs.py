"""The CRS guard: every input ends in EPSG:28992 (RD New) metres, inside the Netherlands.

The way back for the web maps, EPSG:28992 to longitude/latitude (EPSG:4326), is here too and
nowhere else: :func:`to_wgs84` (points) and :func:`wgs84_bounds` (a box).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from vbr.errors import ConfigError
from vbr.geometry import RD_NEW
from vbr.locale import say

__all__ = [
    "NL_EXTENT",
    "RD_NEW",
    "WGS84",
    "bounds_miss_netherlands",
    "inside_netherlands",
    "looks_like_degrees",
    "parse_crs",
    "to_rd",
    "to_wgs84",
    "wgs84_bounds",
]

#: Longitude/latitude, as web maps take them.
WGS84 = "EPSG:4326"

#: The RD New extent of the Netherlands (contract section 2): xmin, ymin, xmax, ymax.
NL_EXTENT = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)


def parse_crs(value: object, *, where: str) -> CRS:
    """Turn ``28992``, ``"EPSG:28992"`` or any CRS text that pyproj knows into a CRS.

    Raises
    ------
    ConfigError
        When pyproj does not know the value.
    """
    text = str(value).strip()
    try:
        return CRS.from_epsg(int(text)) if text.isdigit() else CRS.from_user_input(text)
    except (CRSError, ValueError, TypeError):
        raise ConfigError(
            say("crs_unknown", crs=repr(text)),
            source=where,
        ) from None


def to_rd(x: np.ndarray, y: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinates from ``crs`` to EPSG:28992 (x = east/longitude, y = north/latitude)."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if crs.equals(RD_NEW):
        return x, y
    transformer = Transformer.from_crs(crs, RD_NEW, always_xy=True)
    with np.errstate(invalid="ignore"):
        rx, ry = transformer.transform(x, y, errcheck=False)
    rx = np.asarray(rx, dtype="float64")
    ry = np.asarray(ry, dtype="float64")
    bad = ~(np.isfinite(rx) & np.isfinite(ry))
    rx[bad] = np.nan
    ry[bad] = np.nan
    return rx, ry


def inside_netherlands(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where an EPSG:28992 coordinate lies in the RD New extent of the Netherlands."""
    xmin, ymin, xmax, ymax = NL_EXTENT
    with np.errstate(invalid="ignore"):
        return (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)


def bounds_miss_netherlands(bounds: tuple[float, float, float, float]) -> bool:
    """Whether EPSG:28992 bounds (xmin, ymin, xmax, ymax) lie wholly outside the RD New extent
    of the Netherlands: then the declared CRS of what they bound is most likely wrong."""
    xmin, ymin, xmax, ymax = bounds
    nx0, ny0, nx1, ny1 = NL_EXTENT
    return bool(xmax < nx0 or xmin > nx1 or ymax < ny0 or ymin > ny1)


def looks_like_degrees(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where a pair looks like longitude/latitude degrees of the Netherlands (either order)."""
    with np.errstate(invalid="ignore"):
        a = (np.abs(x) <= 90) & (np.abs(y) <= 90)
    return a


@cache
def _to_wgs84() -> Transformer:
    """The one RD New -> WGS84 transformer (made on first use: a ranking needs none)."""
    return Transformer.from_crs(RD_NEW, WGS84, always_xy=True)


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:28992 coordinates as longitude and latitude (EPSG:4326).

    Parameters
    ----------
    x, y
        Easting and northing, metres.

    Returns
    -------
    lon, lat
        Degrees.
    """
    return _to_wgs84().transform(x, y)


def wgs84_bounds(
    xmin: float, ymin: float, xmax: float, ymax: float
) -> tuple[float, float, float, float]:
    """A box in EPSG:28992 as the west, south, east and north longitude/latitude that hold it
    (its edges are densified, so the curved sides stay inside).

    Parameters
    ----------
    xmin, ymin, xmax, ymax
        The box, metres.
    """
    return _to_wgs84().transform_bounds(xmin, ymin, xmax, ymax)
