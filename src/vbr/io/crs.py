"""The CRS guard: every input ends in EPSG:28992 (RD New) metres, inside the Netherlands."""

from __future__ import annotations

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from vbr.errors import ConfigError

__all__ = ["NL_EXTENT", "RD_NEW", "inside_netherlands", "looks_like_degrees", "parse_crs", "to_rd"]

RD_NEW = CRS.from_epsg(28992)
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
            f"unknown coordinate reference system {text!r}; "
            "give an EPSG code such as 28992 or 4326",
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


def looks_like_degrees(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where a pair looks like longitude/latitude degrees of the Netherlands (either order)."""
    with np.errstate(invalid="ignore"):
        a = (np.abs(x) <= 90) & (np.abs(y) <= 90)
    return a
