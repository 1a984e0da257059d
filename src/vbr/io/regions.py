"""Load region polygons (area processes) and give every region its folder name."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np

from vbr.errors import InputError
from vbr.io.columns import FieldSet, match_columns, missing_fields_error
from vbr.io.crs import RD_NEW
from vbr.io.polygons import polygons_in_rd
from vbr.model import Regions
from vbr.settings import ColumnMapping

__all__ = ["REGION_FIELDS", "load_regions", "slugify"]

REGION_NAMES = ("name", "naam", "regio", "gebied", "region")
#: The regions file's one field, for the column resolver (``--regions-columns``).
REGION_FIELDS = FieldSet(
    table="regions file",
    names={"name": REGION_NAMES},
    option="--regions-columns",
    config_table="regions_columns",
    meaning={"name": "the region's name"},
)


def slugify(name: str) -> str:
    """Folder name of a region: lower case, runs of characters other than a-z and 0-9 become ``-``.

    Accented letters are folded to their base letter first (``Noordoost-Fryslân`` ->
    ``noordoost-fryslan``).
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def load_regions(
    path: Path, *, columns: ColumnMapping | None = None, layer: str | None = None
) -> Regions:
    """Read region polygons with a ``name`` column.

    Parameters
    ----------
    path
        The file.
    columns
        The input column named for ``name`` (``--regions-columns``).
    layer
        The layer to read (``--regions-layer``; default: the first layer of polygons).

    Raises
    ------
    InputError
        No CRS, no ``name`` column, two columns that could be it, empty names, or two regions
        with the same folder name.
    """
    path = Path(path)
    frame, repaired, _, notes = polygons_in_rd(
        path, what="regions", layer=layer, layer_option="--regions-layer"
    )
    names_in = [c for c in frame.columns if c != frame.geometry.name]
    match = match_columns(names_in, REGION_FIELDS, path=path, mapping=columns)
    name_col = match["name"]
    if name_col is None:
        raise missing_fields_error(REGION_FIELDS, ["name"], columns=names_in, path=path)
    names = [str(n).strip() for n in frame[name_col]]
    slugs = [slugify(n) for n in names]
    problems = [
        f"row {i + 1}: no usable name ({n!r})"
        for i, (n, s) in enumerate(zip(names, slugs, strict=True))
        if not s
    ]
    seen: dict[str, str] = {}
    for n, s in zip(names, slugs, strict=True):
        if s and s in seen:
            problems.append(f"{seen[s]!r} and {n!r} both make the folder name {s!r}")
        seen.setdefault(s, n)
    if problems:
        raise InputError(
            "region names must be present and give distinct folder names",
            source=str(path),
            problems=problems,
        )
    regions = gpd.GeoDataFrame(
        {"name": names, "slug": slugs}, geometry=np.asarray(frame.geometry.values), crs=RD_NEW
    )
    return Regions(
        regions=regions, repaired=repaired, notes=notes, sources={"name": match.source("name")}
    )
