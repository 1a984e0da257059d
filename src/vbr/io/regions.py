"""Load region polygons (area processes) and give every region its folder name."""

from __future__ import annotations

import hashlib
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
from vbr.settings.limits import MAX_SLUG_CHARS

__all__ = ["RESERVED_SLUGS", "load_regions", "slugify"]

REGION_NAMES = ("name", "naam", "regio", "gebied", "region")

#: Folder names vbr uses itself in an output folder: a region whose slug is one of these gets
#: ``-region`` after it (``National`` -> ``national-region``).
RESERVED_SLUGS = ("national", "scenarios")


def slugify(name: str) -> str:
    """Folder name of a region: lower case, runs of characters other than a-z and 0-9 become ``-``.

    Accented letters are folded to their base letter first (``Noordoost-Fryslân`` ->
    ``noordoost-fryslan``). A slug longer than :data:`~vbr.settings.limits.MAX_SLUG_CHARS`
    is cut and ends in ``-`` and the first 8 hex digits of the sha256 of the whole name, so
    that it stays the same from run to run and two long names that start alike differ.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > MAX_SLUG_CHARS:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        slug = slug[: MAX_SLUG_CHARS - len(digest) - 1].rstrip("-") + "-" + digest
    return slug


def load_regions(path: Path) -> Regions:
    """Read region polygons with a ``name`` column.

    Raises
    ------
    InputError
        No CRS, no ``name`` column, empty names, or two regions with the same folder name.
    """
    path = Path(path)
    frame, repaired, dropped = polygons_in_rd(path, what="regions")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    name_col = find_column(columns, REGION_NAMES, path=path)
    if name_col is None:
        raise InputError(
            f"needs a column `name`; the file has: {', '.join(columns)}", source=str(path)
        )
    names = [str(n).strip() for n in frame[name_col]]
    slugs = [slugify(n) for n in names]
    notes = []
    reserved = [(n, s) for n, s in zip(names, slugs, strict=True) if s in RESERVED_SLUGS]
    if reserved:
        slugs = [f"{s}-region" if s in RESERVED_SLUGS else s for s in slugs]
        notes.append(
            "region folder(s) renamed because vbr uses the name itself: "
            + ", ".join(f"{n!r} -> '{s}-region'" for n, s in reserved)
        )
    if len(dropped):
        left_out = [
            f"row {i + 1} ({str(dropped.at[i, name_col]).strip() or 'no name'!r})"
            for i in dropped.index
        ]
        notes.append(
            f"{len(dropped)} region(s) without a geometry with area left out (no farm can lie "
            f"in them): {', '.join(left_out)}"
        )
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
    return Regions(regions=regions, repaired=repaired, notes=notes)
