"""Load region polygons (area processes) and give every region its folder name."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np

from vbr.errors import InputError
from vbr.io.columns import FieldSet, match_columns, missing_fields_error
from vbr.io.crs import RD_NEW
from vbr.io.polygons import polygons_in_rd
from vbr.locale import Message, say
from vbr.model import Regions
from vbr.settings import ColumnMapping
from vbr.settings.limits import MAX_SLUG_CHARS

__all__ = ["REGION_FIELDS", "RESERVED_SLUGS", "load_regions", "slugify"]

REGION_NAMES = ("name", "naam", "regio", "gebied", "region")
#: The regions file's one field, for the column resolver (``--regions-columns``).
REGION_FIELDS = FieldSet(
    table=say("table_regions"),
    names={"name": REGION_NAMES},
    option="--regions-columns",
    config_table="regions_columns",
    meaning={"name": say("meaning_region_name")},
)

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
    frame, repaired, dropped, notes = polygons_in_rd(
        path, what=say("what_regions"), layer=layer, layer_option="--regions-layer"
    )
    names_in = [c for c in frame.columns if c != frame.geometry.name]
    match = match_columns(names_in, REGION_FIELDS, path=path, mapping=columns)
    name_col = match["name"]
    if name_col is None:
        raise missing_fields_error(REGION_FIELDS, ["name"], columns=names_in, path=path)
    names = [str(n).strip() for n in frame[name_col]]
    slugs = [slugify(n) for n in names]
    notes = list(notes)
    reserved = [(n, s) for n, s in zip(names, slugs, strict=True) if s in RESERVED_SLUGS]
    if reserved:
        slugs = [f"{s}-region" if s in RESERVED_SLUGS else s for s in slugs]
        notes.append(
            "region folder(s) renamed because vbr uses the name itself: "
            + ", ".join(f"{n!r} -> '{s}-region'" for n, s in reserved)
        )
    if len(dropped):
        left_out = [
            say("row_named", row=str(i + 1), value=repr(str(dropped.at[i, name_col]).strip()))
            if str(dropped.at[i, name_col]).strip()
            else say("row_no_name", row=str(i + 1))
            for i in dropped.index
        ]
        notes.append(Message("notes.regions_left_out", count=len(dropped), rows=left_out))
    problems = [
        say("region_no_name", row=str(i + 1), name=repr(n))
        for i, (n, s) in enumerate(zip(names, slugs, strict=True))
        if not s
    ]
    seen: dict[str, str] = {}
    for n, s in zip(names, slugs, strict=True):
        if s and s in seen:
            problems.append(say("region_same_folder", a=repr(seen[s]), b=repr(n), folder=repr(s)))
        seen.setdefault(s, n)
    if problems:
        raise InputError(
            say("region_names"),
            source=str(path),
            problems=problems,
        )
    regions = gpd.GeoDataFrame(
        {"name": names, "slug": slugs}, geometry=np.asarray(frame.geometry.values), crs=RD_NEW
    )
    return Regions(
        regions=regions, repaired=repaired, notes=notes, sources={"name": match.source("name")}
    )
