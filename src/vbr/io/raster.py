"""Read an exceedance raster (GeoTIFF or ESRI ASCII grid) into EPSG:28992.

The raster holds nitrogen deposition above the critical deposition value (KDW), in mol N/ha/yr:
cells above 0 are overloaded. RIVM and AERIUS grids are in RD New (EPSG:28992); an ESRI ASCII
grid usually comes without a ``.prj``, and then ``--exceedance-crs`` must say what it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pyproj import CRS

from vbr.errors import InputError
from vbr.io.crs import RD_NEW, bounds_miss_netherlands, parse_crs
from vbr.locale import Message, say
from vbr.model import Exceedance

if TYPE_CHECKING:
    from affine import Affine

__all__ = ["load_exceedance"]


def load_exceedance(path: Path, *, crs: str | None = None) -> Exceedance:
    """Read band 1 of a GeoTIFF or ESRI ASCII grid and bring it to EPSG:28992.

    Parameters
    ----------
    path
        The raster file.
    crs
        The CRS of a file that declares none (``--exceedance-crs``), e.g. ``"28992"``.

    Raises
    ------
    InputError
        When the file cannot be read, has no CRS and none is given, declares a CRS other than
        the one given, is rotated, or does not overlap the Netherlands.
    """
    import rasterio
    from rasterio._err import CPLE_BaseError
    from rasterio.errors import RasterioError, RasterioIOError

    path = Path(path)
    source = str(path)
    if not path.exists():
        raise InputError(say("file_not_found"), source=source)
    given = parse_crs(crs, where="--exceedance-crs") if crs is not None else None
    notes: list[str] = []
    try:
        with rasterio.open(path) as src:
            file_crs = CRS.from_wkt(src.crs.to_wkt()) if src.crs else None
            band = src.read(1, masked=True)
            transform = src.transform
            if src.count > 1:
                notes.append(Message("notes.raster_bands", file=path.name, count=int(src.count)))
    except (RasterioIOError, RasterioError) as exc:
        raise InputError(
            say("raster_unreadable", detail=str(exc)),
            source=source,
        ) from None
    if file_crs is None and given is None:
        raise InputError(
            say("raster_no_crs"),
            source=source,
        )
    if file_crs is not None and given is not None and not file_crs.equals(given):
        raise InputError(
            say("raster_crs_differs", file_crs=_name(file_crs), given=_name(given)),
            source=source,
        )
    src_crs = file_crs or given
    if transform.b != 0 or transform.d != 0 or transform.a <= 0 or transform.e >= 0:
        raise InputError(
            say("raster_rotated"),
            source=source,
        )
    values = np.ma.filled(band.astype("float64"), np.nan)
    if not src_crs.equals(RD_NEW):
        try:
            values, transform = _to_rd(values, transform, src_crs)
        except (RasterioError, CPLE_BaseError) as exc:
            raise InputError(
                say("raster_unconvertible", crs=_name(src_crs), detail=str(exc)),
                source=source,
            ) from None
        notes.append(Message("notes.raster_reprojected", file=path.name, crs=_name(src_crs)))
    exc_ = Exceedance(
        values=values, transform=transform, path=path, source_crs=_name(src_crs), notes=notes
    )
    xmin, ymin, xmax, ymax = exc_.bounds
    if bounds_miss_netherlands((xmin, ymin, xmax, ymax)):
        raise InputError(
            say(
                "raster_outside",
                x=f"{xmin:.0f}..{xmax:.0f}",
                y=f"{ymin:.0f}..{ymax:.0f}",
                crs=_name(src_crs),
            ),
            source=source,
        )
    if not np.isfinite(values).any():
        raise InputError(say("raster_empty"), source=source)
    return exc_


def _name(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _to_rd(values: np.ndarray, transform: Affine, crs: CRS) -> tuple[np.ndarray, Affine]:
    from rasterio.crs import CRS as RIO_CRS
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    rows, cols = values.shape
    src_crs = RIO_CRS.from_wkt(crs.to_wkt())
    dst_crs = RIO_CRS.from_epsg(28992)
    left, top = transform @ (0, 0)
    right, bottom = transform @ (cols, rows)
    dst_transform, width, height = calculate_default_transform(
        src_crs, dst_crs, cols, rows, left=left, bottom=bottom, right=right, top=top
    )
    out = np.full((height, width), np.nan, dtype="float64")
    reproject(
        values,
        out,
        src_transform=transform,
        src_crs=src_crs,
        src_nodata=np.nan,
        dst_transform=dst_transform,
        dst_crs=dst_crs,
        dst_nodata=np.nan,
        resampling=Resampling.nearest,
    )
    return out, dst_transform
