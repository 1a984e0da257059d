"""``ranking.gpkg``: the ranked farms with typed columns, the overloaded areas and the priority
strip (and the overloaded zones of an exceedance raster), for GIS users."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np

from vbr.geometry import RD_NEW
from vbr.model import Result, WriteReport
from vbr.writers.apart import runs_apart
from vbr.writers.context import WriteContext
from vbr.writers.tables import EXTRA_COLUMNS, LEAD_COLUMNS, carried_names, output_columns

__all__ = ["GPKG_LAST_CHANGE", "farms_layer", "write_geopackage", "write_gpkg"]


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
    ``OGR_CURRENT_DATE`` is set to :data:`GPKG_LAST_CHANGE` while it writes)."""
    import pyogrio

    earlier = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_LAST_CHANGE})
    try:
        for name, frame in layers:
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": earlier})


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
