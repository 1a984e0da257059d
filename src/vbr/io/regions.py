"""Load region polygons (area processes) and give every region its folder name."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np

from vbr.errors import InputError
from vbr.io.crs import RD_NEW
from vbr.io.polygons import polygons_in_rd
from vbr.io.tables import find_column
from vbr.model import Regions

__all__ = ["load_regions", "slugify"]

REGION_NAMES = ("name", "naam", "regio", "gebied", "region")


def slugify(name: str) -> str:
    """Folder name of a region: lower case, runs of characters other than a-z and 0-9 become ``-``.

    Accented letters are folded to their base letter first (``Noordoost-Fryslân`` ->
    ``noordoost-fryslan``).
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def load_regions(path: Path) -> Regions:
    """Read region polygons with a ``name`` column.

    Raises
    ------
    InputError
        No CRS, no ``name`` column, empty names, or two regions with the same folder name.
    """
    path = Path(path)
    frame, repaired, _ = polygons_in_rd(path, what="regions")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    name_col = find_column(columns, REGION_NAMES, path=path)
    if name_col is None:
        raise InputError(
            f"needs a column `name`; the file has: {', '.join(columns)}", source=str(path)
        )
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
    return Regions(regions=regions, repaired=repaired)
