"""GeoJSON features of the drawn areas and the indicative regions, and the file writer.

Files are written by hand (fixed member order, one feature per line, coordinates as Python writes a
float) so that the bytes do not depend on a GIS library's version.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tools.default_data.areas import Area
from tools.default_data.facts import regions
from tools.default_data.numeric import ring_area

__all__ = ["CRS", "REGION_NOTE", "area_feature", "region_features", "write_feature_collection"]

#: The CRS member of every file: EPSG:28992 (RD New).
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}

#: The ``note`` of every region feature.
REGION_NOTE = (
    "Indicative outline (simplified union of CBS 2015 municipalities); not an official boundary of "
    "the area process. Synthetic default data of vbr."
)


def _ring_coords(x: np.ndarray, y: np.ndarray) -> list[list[float]]:
    """An open ring as closed GeoJSON coordinates."""
    xs = np.append(x, x[0]).tolist()
    ys = np.append(y, y[0]).tolist()
    return [[a, b] for a, b in zip(xs, ys, strict=True)]


def area_feature(area: Area) -> dict:
    """The GeoJSON feature of one drawn area."""
    polys = [[_ring_coords(*ring) for ring in part] for part in area.parts]
    geometry = (
        {"type": "Polygon", "coordinates": polys[0]}
        if len(polys) == 1
        else {"type": "MultiPolygon", "coordinates": polys}
    )
    return {
        "type": "Feature",
        "properties": {
            "nr": area.facts.nr,
            "naamN2K": area.facts.name,
            "overloaded": area.overloaded,
            "area_ha": round(area.area_m2 / 1e4),
        },
        "geometry": geometry,
    }


def region_features() -> list[dict]:
    """The GeoJSON features of the five indicative area processes (exteriors counter-clockwise)."""
    feats = []
    for region in regions():
        x = np.asarray([c[0] for c in region.ring[:-1]], dtype=np.float64)
        y = np.asarray([c[1] for c in region.ring[:-1]], dtype=np.float64)
        if ring_area(x, y) < 0:
            x, y = x[::-1].copy(), y[::-1].copy()
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "name": region.name,
                    "municipalities_cbs2015": "; ".join(region.municipalities),
                    "note": REGION_NOTE,
                },
                "geometry": {"type": "Polygon", "coordinates": [_ring_coords(x, y)]},
            }
        )
    return feats


def write_feature_collection(path: Path, name: str, features: list[dict]) -> None:
    """Write GeoJSON by hand: fixed member order, one feature per line, UTF-8, "\\n" line ends."""
    head = json.dumps({"type": "FeatureCollection", "name": name, "crs": CRS}, ensure_ascii=False)
    lines = [head[:-1] + ', "features": [']
    body = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    lines.append(",\n".join(body))
    lines.append("]}")
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
