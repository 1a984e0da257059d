"""``ranking.gpkg``: the ranked farms with typed columns, the overloaded areas and the priority
strip (and the overloaded zones of an exceedance raster), for GIS users."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from vbr.geometry import RD_NEW
from vbr.model import Result, WriteReport
from vbr.writers.apart import runs_apart
from vbr.writers.context import WriteContext
from vbr.writers.tables import EXTRA_COLUMNS, LEAD_COLUMNS, carried_names, output_columns

__all__ = [
    "GPKG_GEOMETRY",
    "GPKG_LAST_CHANGE",
    "arrow_points",
    "farms_layer",
    "write_geopackage",
    "write_gpkg",
]


def _settle(context: WriteContext) -> None:
    """What the GeoPackage reads that this process keeps for the maps too: the priority strip
    and the repaired outlines, made (or read from the cache) here once, before the fork."""
    context.priority_zone  # noqa: B018 (made here, once)
    context.result.natura.outlines()


# reads the finished result only: written beside the maps; it reads none of the lists' text,
# so its process starts before that text is made here (0.15-0.25 s at 45,000 farms: whole run
# 0.94-0.97x wall, 24 pairs)
@runs_apart(settle=_settle, starts_first=True)
def write_geopackage(context: WriteContext) -> WriteReport:
    """Write ``ranking.gpkg``: layers ``farms``, ``overloaded_natura2000``, ``priority_zone``
    (and ``overloaded_zones`` with an exceedance raster)."""
    result = context.result
    over = result.natura.overloaded[["nr", "name", "overloaded_by", "geometry"]]
    layers = [
        ("farms", farms_layer(result)),
        ("overloaded_natura2000", over),
        ("priority_zone", context.priority_zone),
    ]
    if result.exceedance is not None:
        layers.append(("overloaded_zones", result.exceedance.zones))
    path = context.folder / "ranking.gpkg"
    t0 = time.perf_counter()
    write_gpkg(layers, path)
    return WriteReport(files=(path,), timings={"gpkg": time.perf_counter() - t0})


#: The time GDAL writes into ``gpkg_contents.last_change`` of every layer: fixed, so that the
#: same inputs give the same bytes (``vbr verify`` compares the GeoPackage byte for byte); the
#: run's own time is in ``manifest.json``.
GPKG_LAST_CHANGE = "2000-01-01T00:00:00.000Z"


def write_gpkg(layers: Sequence[tuple[str, gpd.GeoDataFrame]], path: Path) -> None:
    """Write several layers to one GeoPackage, the same bytes for the same layers (GDAL's
    ``OGR_CURRENT_DATE`` is set to :data:`GPKG_LAST_CHANGE` while it writes).

    A layer of points whose columns are all of the kinds :func:`arrow_points` takes (the
    ranked farms) goes to GDAL through its Arrow interface: the same bytes as
    ``pyogrio.write_dataframe`` writes (a test compares them), in half the time (45,000 farms:
    0.52 -> 0.26 s CPU), as GDAL takes whole columns instead of one feature at a time. Any
    other layer (the areas: a few hundred polygons) is written by ``write_dataframe``.
    """
    import pyogrio

    earlier = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_LAST_CHANGE})
    try:
        for name, frame in layers:
            stream = arrow_points(frame)
            if stream is None:
                pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
            else:
                pyogrio.write_arrow(
                    stream,
                    path,
                    layer=name,
                    driver="GPKG",
                    geometry_name=GPKG_GEOMETRY,
                    geometry_type="Point",
                    crs=_crs_text(frame.crs),
                )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": earlier})


#: The name GDAL gives a GeoPackage layer's geometry column (as ``write_dataframe`` leaves it).
GPKG_GEOMETRY = "geom"


def arrow_points(frame: gpd.GeoDataFrame) -> object | None:
    """``frame`` as an Arrow stream (nanoarrow) with the fields ``pyogrio.write_dataframe``
    would write, in its order, and the geometry as WKB in :data:`GPKG_GEOMETRY`; ``None``
    unless it has rows, only 2D points and only columns of these kinds: ``float64`` (NaN
    written as null, as ``write_dataframe`` does), ``int64``, ``bool``, text (missing: null)
    and objects that are text, ``True``/``False`` (written ``"True"``/``"False"``) or
    ``None``."""
    import nanoarrow as na
    import shapely

    geometry = np.asarray(frame.geometry.values, dtype=object)
    if (
        len(frame) == 0
        or not (shapely.get_type_id(geometry) == 0).all()
        or shapely.has_z(geometry).any()
    ):
        return None
    names = [c for c in frame.columns if c != frame.geometry.name]
    if any(str(c).casefold() in (GPKG_GEOMETRY, "fid") for c in names):
        return None
    fields = {}
    for name in names:
        array = _arrow_column(frame[name])
        if array is None:
            return None
        fields[str(name)] = array
    fields[GPKG_GEOMETRY] = na.c_array(shapely.to_wkb(geometry).tolist(), na.binary())
    schema = na.struct({name: array.schema for name, array in fields.items()})
    table = na.c_array_from_buffers(schema, len(frame), [None], children=list(fields.values()))
    return na.c_array_stream(table)


def _arrow_column(column: pd.Series) -> object | None:
    """One column as a nanoarrow array of the type ``write_dataframe`` gives its field, or
    ``None`` for a kind :func:`arrow_points` does not take."""
    import nanoarrow as na

    kind = column.dtype
    n = len(column)
    if kind == np.float64:
        values = np.ascontiguousarray(column.to_numpy())
        valid = ~np.isnan(values)  # write_dataframe writes NaN as null
        if valid.all():
            return na.c_array(values, na.float64())
        return na.c_array_from_buffers(
            na.float64(), n, [_bits(valid), values], null_count=int(n - valid.sum())
        )
    if kind == np.int64:
        return na.c_array(column.to_numpy(), na.int64())
    if kind == np.bool_:
        return na.c_array_from_buffers(na.bool_(), n, [None, _bits(column.to_numpy())])
    if isinstance(kind, pd.StringDtype):
        return na.c_array(column.to_numpy(dtype=object, na_value=None).tolist(), na.string())
    if pd.api.types.is_object_dtype(kind):
        values = column.tolist()
        if not all(v is None or type(v) in (str, bool, np.bool_) for v in values):
            return None
        texts = [v if v is None or type(v) is str else str(bool(v)) for v in values]
        return na.c_array(texts, na.string())
    return None


def _bits(flags: np.ndarray) -> np.ndarray:
    """Booleans as Arrow holds them (a validity bitmap, a boolean column): one bit each, the
    first in the lowest bit."""
    return np.packbits(np.asarray(flags, dtype=bool), bitorder="little")


def _crs_text(crs) -> str | None:
    """The CRS as ``write_dataframe`` hands it to GDAL: ``EPSG:<code>``, else WKT1 (GDAL)."""
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt("WKT1_GDAL")


def farms_layer(result: Result) -> gpd.GeoDataFrame:
    """The ranked farms with typed columns (numbers as numbers) for GIS users."""
    ranked = result.ranked
    extras = [c for c in EXTRA_COLUMNS if c in ranked.columns]
    names = carried_names(result.carried, output_columns(ranked))
    columns = {c: ranked[c].to_numpy() for c in LEAD_COLUMNS if c not in ("selected",)}
    columns["selected"] = ranked["selected"].to_numpy(dtype=object)
    if not result.with_budget:
        columns["selected"] = np.full(len(ranked), None, dtype=object)
    columns.update({c: ranked[c].to_numpy() for c in extras})
    carried = result.carried_table()
    columns.update({names[c]: carried[c].to_numpy(dtype=object) for c in result.carried})
    return gpd.GeoDataFrame(columns, geometry=ranked.geometry.values, crs=RD_NEW)
