"""Read AERIUS IMAER GML (versions 5 and 6) as farm locations.

GDAL's GML driver does not surface the animal codes and counts that IMAER keeps in nested
elements and XML attributes, so the file is parsed with lxml. Every emission source of the
agricultural housing sectors becomes a source; sources of one farm that share a location (the
same point to the centimetre) are merged into one farm row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr.errors import InputError
from vbr.io.crs import RD_NEW
from vbr.io.tables import RawTable
from vbr.locale import say

__all__ = ["FARM_SECTORS", "LABEL_CODES", "ImaerFarms", "is_imaer", "label_to_code", "read_imaer"]

#: AERIUS sector ids read as farm sources: 4110 animal housing (stalemissies), 4120 manure
#: storage (mestopslag). Sources of other sectors (roads, industry, fields) are skipped.
FARM_SECTORS = frozenset({"4110", "4120"})
_FARM_ELEMENTS = frozenset({"FarmLodgingEmissionSource", "FarmAnimalHousingSource"})
_NAMESPACE = re.compile(rb"http://imaer\.aerius\.nl/(\d+(?:\.\d+)*)")
_EPSG = re.compile(r"EPSG::?(\d+)|EPSG/\d+/(\d+)|^EPSG:(\d+)$", re.IGNORECASE)
_CODE_ATTRIBUTES = ("animalHousingCode", "farmLodgingType", "code", "animalHousingType")
#: IMAER 6 (Omgevingsregeling) housing codes put an H before the Rav code: HA1.100 = A1.100.
_OMGEVINGSREGELING = re.compile(r"^H([A-Z]\d+(?:\.\d+)+)$")
_CUSTOM_ANIMAL = {
    "COW": "A",
    "CATTLE": "A",
    "SHEEP": "B",
    "GOAT": "C",
    "PIG": "D",
    "CHICKEN": "E",
    "POULTRY": "E",
    "TURKEY": "F",
    "DUCK": "G",
    "RABBIT": "I",
    "HORSE": "K",
}

#: Animal types that the QGIS IMAER plugin and provincial exports write as a source's label,
#: with the conventional Rav code they imply (first match wins: specific words first).
LABEL_CODES: tuple[tuple[str, str], ...] = (
    ("jongvee", "A3.100"),
    ("kalf", "A4.100"),
    ("kalveren", "A4.100"),
    ("melk", "A1.100"),
    ("vleesvee", "A3.100"),
    ("zoogkoe", "A3.100"),
    ("rundvee", "A1.100"),
    ("koe", "A1.100"),
    ("kraamzeug", "D1.2.100"),
    ("zeug", "D1.3.100"),
    ("biggen", "D1.1.100"),
    ("varken", "D3.100"),
    ("opfok", "E1.100"),
    ("leghen", "E2.100"),
    ("legkip", "E2.100"),
    ("kuiken", "E5.100"),
    ("kalkoen", "F4.100"),
    ("eend", "G2.1.100"),
    ("kip", "E2.100"),
    ("pluimvee", "E2.100"),
    ("konijn", "I1.100"),
    ("geit", "C1.100"),
    ("schaap", "B1.100"),
    ("schapen", "B1.100"),
    ("paard", "K1.100"),
    ("pony", "K1.100"),
)


def label_to_code(label: object) -> str | None:
    """The Rav code an IMAER label names as animal type (``Melkrundvee`` -> ``A1.100``)."""
    text = str(label or "").lower()
    return next((code for word, code in LABEL_CODES if word in text), None)


@dataclass
class ImaerFarms:
    """Farms read from an IMAER file.

    Attributes
    ----------
    table
        One row per farm location: columns ``farm_id`` (gml:id of its first source),
        ``nh3_kg`` (sum of the sources' NH3, empty where a source gives none), ``label``,
        ``description``, ``imaer_sources``, ``n_sources``, ``sector_id``, ``established``; point
        geometry in EPSG:28992.
    animals
        ``row, rav_code, animals, kg_nh3_per_place`` from the housing elements (the factor is
        given for custom housing, NaN for standard codes that the factor table prices).
    """

    table: RawTable
    animals: pd.DataFrame
    counts: dict = field(default_factory=dict)


def is_imaer(path: Path) -> bool:
    """Whether a file is IMAER GML (a ``.gml`` that declares the IMAER namespace)."""
    path = Path(path)
    if path.suffix.lower() != ".gml" or not path.is_file():
        return False
    with open(path, "rb") as fh:
        return _NAMESPACE.search(fh.read(8192)) is not None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [c for c in element if _local(c.tag) == name]


def _descendants(element, name: str) -> list:
    return [c for c in element.iter() if _local(c.tag) == name]


def _child_text(element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "").strip() if found else ""


def _coords(text: str, where: str) -> np.ndarray:
    values = np.array(text.split(), dtype="float64")
    if len(values) % 2:
        raise ValueError(f"odd number of coordinates in {where}")
    return values.reshape(-1, 2)


def _geometry(source) -> tuple[object, str | None]:
    """The representative point of a source and its srsName.

    A point is itself; a line gives its midpoint along the line; a surface its centroid, or a
    point on the surface where the centroid falls outside it.
    """
    geometries = _children(source, "geometry")
    if not geometries:
        return None, None
    for el in geometries[0].iter():
        name = _local(el.tag)
        srs = el.get("srsName")
        if name == "Point":
            pos = _descendants(el, "pos")
            if not pos:
                return None, srs
            xy = _coords(pos[0].text or "", "gml:pos")
            return shapely.Point(xy[0]), srs
        if name == "LineString":
            xy = _coords(_descendants(el, "posList")[0].text or "", "gml:posList")
            line = shapely.LineString(xy)
            return shapely.line_interpolate_point(line, 0.5, normalized=True), srs
        if name == "Polygon":
            rings = _descendants(el, "exterior")
            xy = _coords(_descendants(rings[0], "posList")[0].text or "", "gml:posList")
            polygon = shapely.make_valid(shapely.Polygon(xy))
            point = shapely.centroid(polygon)
            if not shapely.contains(polygon, point):
                point = shapely.point_on_surface(polygon)
            return point, srs
    return None, None


def _nh3(source) -> float | None:
    for emission in _children(source, "emission"):
        for e in _children(emission, "Emission"):
            if (e.get("substance") or "").upper() == "NH3":
                value = _child_text(e, "value")
                return float(value) if value else None
    return None


def _housing(source) -> list[tuple[str, float, float]]:
    """(code, animals, own factor or NaN) per housing element of a source."""
    out = []
    for prop in _children(source, "farmLodging") + _children(source, "animalHousing"):
        for h in prop:
            name = _local(h.tag)
            count_text = _child_text(h, "numberOfAnimals")
            if not count_text:
                continue
            animals = float(count_text)
            if name.startswith("Custom"):
                animal_type = (h.get("animalType") or _child_text(h, "animalType")).upper()
                letter = _CUSTOM_ANIMAL.get(animal_type, animal_type[:1] or "?")
                factor = np.nan
                for ef in _children(h, "emissionFactor"):
                    for e in _children(ef, "Emission"):
                        if (e.get("substance") or "").upper() == "NH3":
                            factor = float(_child_text(e, "value") or "nan")
                if _child_text(h, "emissionFactorType").upper() == "PER_ANIMAL_PER_DAY":
                    factor *= float(_child_text(h, "numberOfDays") or "nan")
                out.append((f"custom {letter}", animals, factor))
            else:
                code = next((h.get(a) for a in _CODE_ATTRIBUTES if h.get(a)), "")
                code = code.strip().upper()
                match = _OMGEVINGSREGELING.match(code)
                out.append((match.group(1) if match else code, animals, np.nan))
    return out


def _epsg(srs: str | None) -> int | None:
    if not srs:
        return None
    m = _EPSG.search(srs)
    return int(next(g for g in m.groups() if g)) if m else None


def read_imaer(path: Path) -> ImaerFarms:
    """Parse an IMAER GML file into farm rows and their animal housing.

    Raises
    ------
    InputError
        When the file is not well-formed XML, holds no farm sources, or declares a CRS other
        than EPSG:28992 (IMAER is always RD New).
    """
    from lxml import etree

    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8192)
    version = _NAMESPACE.search(head)
    try:
        root = etree.parse(str(path), etree.XMLParser(huge_tree=True, resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise InputError(say("imaer_malformed", detail=str(exc)), source=str(path)) from None
    records = []
    skipped: dict[str, int] = {}
    problems: list[str] = []
    for member in root.getroot().iter():
        if _local(member.tag) != "featureMember":
            continue
        for source in member:
            kind = _local(source.tag)
            if not kind.endswith("Source"):
                continue
            sector = source.get("sectorId") or ""
            if kind not in _FARM_ELEMENTS and sector and sector not in FARM_SECTORS:
                skipped[f"sector {sector}"] = skipped.get(f"sector {sector}", 0) + 1
                continue
            gml_id = source.get("{http://www.opengis.net/gml/3.2}id") or source.get("id") or ""
            try:
                point, srs = _geometry(source)
                housing = _housing(source)
                nh3 = _nh3(source)
            except (ValueError, IndexError) as exc:
                problems.append(f"source {gml_id}: unreadable geometry or number ({exc})")
                continue
            epsg = _epsg(srs)
            if epsg not in (None, 28992):
                problems.append(f"source {gml_id}: srsName {srs} is not EPSG:28992")
                continue
            records.append(
                {
                    "gml_id": gml_id,
                    "kind": kind,
                    "sector": sector,
                    "label": _child_text(source, "label"),
                    "description": _child_text(source, "description"),
                    "established": _child_text(source, "established"),
                    "point": point,
                    "nh3": nh3,
                    "housing": housing,
                }
            )
    if problems:
        raise InputError(say("imaer_unreadable"), source=str(path), problems=problems)
    if not records:
        raise InputError(
            say("imaer_no_farms"),
            source=str(path),
        )
    return _merge(path, records, skipped, version.group(1).decode() if version else None)


def _merge(path: Path, records: list[dict], skipped: dict, version: str | None) -> ImaerFarms:
    keys = []
    for r in records:
        p = r["point"]
        keys.append(
            ("", r["gml_id"])
            if p is None or p.is_empty
            else (f"{round(p.x, 2):.2f}", f"{round(p.y, 2):.2f}")
        )
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    rows, geoms, animals = [], [], []

    def joined(values: list[str]) -> str:
        return "; ".join(dict.fromkeys(v for v in values if v))

    for row, members in enumerate(groups.values()):
        rs = [records[i] for i in members]
        nh3 = [r["nh3"] for r in rs]
        total = "" if any(v is None for v in nh3) else repr(round(sum(nh3), 6))
        rows.append(
            {
                "farm_id": rs[0]["gml_id"],
                "nh3_kg": total,
                "label": joined([r["label"] for r in rs]),
                "description": joined([r["description"] for r in rs]),
                "imaer_sources": ";".join(r["gml_id"] for r in rs),
                "n_sources": str(len(rs)),
                "sector_id": joined([r["sector"] for r in rs]),
                "established": joined([r["established"] for r in rs]),
            }
        )
        geoms.append(rs[0]["point"])
        for r in rs:
            for code, count, factor in r["housing"]:
                animals.append((row, code, count, factor))
    frame = pd.DataFrame(rows, dtype=object)
    geometry = gpd.GeoSeries(geoms, crs=RD_NEW)
    animal_frame = pd.DataFrame(
        animals, columns=["row", "rav_code", "animals", "kg_nh3_per_place"]
    ).astype({"row": "int64", "animals": "float64", "kg_nh3_per_place": "float64"})
    counts = {
        "sources": len(records),
        "farms": len(rows),
        "merged_sources": len(records) - len(rows),
        "skipped_sources": skipped,
        "housing_entries": len(animals),
    }
    table = RawTable(
        path=path,
        frame=frame,
        geometry=geometry,
        crs=geometry.crs,
        decimal=".",
        info={"format": "imaer-gml", "imaer_version": version, "crs": "EPSG:28992", **counts},
    )
    return ImaerFarms(table=table, animals=animal_frame, counts=counts)
