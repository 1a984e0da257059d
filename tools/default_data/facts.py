"""The facts the generator is built on, read from the CSV tables in ``facts/``.

Each reader returns plain, immutable values (numbers as floats, coordinates of hand-drawn outlines
in km, of the reference tables in metres, EPSG:28992) and reads its table once. The tables and
their sources are described in ``facts/README.md``.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely

__all__ = [
    "FACTS",
    "AreaFacts",
    "Container",
    "HerdSize",
    "Kernel",
    "RegionFacts",
    "Sector",
    "StripLine",
    "Town",
    "containers",
    "emission_factors",
    "herd_sizes",
    "kernels",
    "land_outlines",
    "natura_areas",
    "not_land_outlines",
    "regions",
    "seats",
    "sectors",
    "stable_values",
    "strips",
    "towns",
]

#: Folder of the fact tables.
FACTS = Path(__file__).resolve().with_name("facts")

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class AreaFacts:
    """One Natura 2000 area of ``natura2000_areas.csv`` (metres, EPSG:28992)."""

    nr: int
    name: str
    nitrogen_sensitive: str  # yes, no or unknown
    area_ha: int
    inner: tuple[float, float]  # a point inside the official outline
    box: tuple[float, float, float, float]  # minx, miny, maxx, maxy of the official outline
    parts: int  # parts of the official outline
    vertices: int  # vertices of the official outline


@dataclass(frozen=True)
class RegionFacts:
    """One indicative area-process outline of ``regions_indicative.csv`` (metres)."""

    name: str
    municipalities: tuple[str, ...]
    ring: Ring  # closed: the last point repeats the first


@dataclass(frozen=True)
class StripLine:
    """A hand-drawn centre line of a strip-shaped area (``strips.csv``)."""

    nr: int
    name: str
    pieces: int  # the line is cut into this many parts, with small gaps
    points: tuple[tuple[float, float, float], ...]  # x, y (km), relative half-width


@dataclass(frozen=True)
class Container:
    """A hand-drawn water outline that a Natura 2000 area fills (``containers.csv``)."""

    nr: int
    ring: Ring  # km
    spill: float  # how far the area may grow beyond the outline (factor on the reach)


@dataclass(frozen=True)
class Sector:
    """A livestock sector (``sectors.csv``)."""

    name: str
    share: float  # share of the farms
    background_weight: float  # weight of the uniform background in the location mixture


@dataclass(frozen=True)
class Kernel:
    """A Gaussian density kernel of farm locations (``kernels.csv``; km)."""

    name: str
    x: float
    y: float
    sigma_x: float
    sigma_y: float
    weights: tuple[float, ...]  # one per sector, in the order of :func:`sectors`


@dataclass(frozen=True)
class HerdSize:
    """The headline herd of one kind of farm (``herd_sizes.csv``)."""

    sector: str
    animal: str  # as in the emission and stable tables
    animal_type: str  # as written to farms.csv (Dutch)
    share: float  # share of the sector's farms
    median: float  # animal places: lognormal round this median
    log_sd: float  # with this standard deviation of the log
    step: int  # rounded to a multiple of this
    minimum: int  # and at least this


@dataclass(frozen=True)
class Town:
    """A town where farms are rare (``towns.csv``; km)."""

    x: float
    y: float
    radius: float
    seat: str  # the municipality seat at this point, empty when there is none


def _rows(name: str) -> list[dict[str, str]]:
    """The rows of one fact table."""
    with (FACTS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def natura_areas() -> tuple[AreaFacts, ...]:
    """Every area of ``natura2000_areas.csv``, in file order (by ``nr``)."""
    return tuple(
        AreaFacts(
            nr=int(r["nr"]),
            name=r["naamN2K"],
            nitrogen_sensitive=r["nitrogen_sensitive"],
            area_ha=int(r["area_ha"]),
            inner=(float(r["inner_x"]), float(r["inner_y"])),
            box=(float(r["minx"]), float(r["miny"]), float(r["maxx"]), float(r["maxy"])),
            parts=int(r["parts"]),
            vertices=int(r["vertices"]),
        )
        for r in _rows("natura2000_areas.csv")
    )


@cache
def regions() -> tuple[RegionFacts, ...]:
    """The five indicative area-process outlines, in file order."""
    out = []
    for r in _rows("regions_indicative.csv"):
        xy = shapely.get_coordinates(shapely.from_wkt(r["wkt_rd"])).tolist()
        out.append(
            RegionFacts(
                name=r["name"],
                municipalities=tuple(r["municipalities_cbs2015"].split("; ")),
                ring=tuple((x, y) for x, y in xy),
            )
        )
    return tuple(out)


@cache
def _outlines() -> dict[str, Ring]:
    """Every hand-drawn outline of ``outlines.csv`` by name (open rings, km)."""
    return {
        name: tuple((float(r["x_km"]), float(r["y_km"])) for r in rows)
        for name, rows in itertools.groupby(_rows("outlines.csv"), key=lambda r: r["outline"])
    }


def _mask(kind: str) -> tuple[Ring, ...]:
    outlines = _outlines()
    return tuple(outlines[r["outline"]] for r in _rows("land_mask.csv") if r["kind"] == kind)


def land_outlines() -> tuple[Ring, ...]:
    """The coarse outlines of the Dutch land (km): the main land mass, Zeeuws-Vlaanderen, Texel."""
    return _mask("land")


def not_land_outlines() -> tuple[Ring, ...]:
    """Open water inside the land outlines, and the Belgian enclaves of Baarle-Hertog (km)."""
    return _mask("not_land")


@cache
def strips() -> dict[int, tuple[StripLine, ...]]:
    """The centre lines of the strip-shaped areas, by area ``nr``."""
    out: dict[int, tuple[StripLine, ...]] = {}
    for (nr, name), group in itertools.groupby(
        _rows("strips.csv"), key=lambda r: (int(r["nr"]), r["line"])
    ):
        rows = list(group)
        points = tuple((float(r["x_km"]), float(r["y_km"]), float(r["half_width"])) for r in rows)
        line = StripLine(nr=nr, name=name, pieces=int(rows[0]["pieces"]), points=points)
        out[nr] = (*out.get(nr, ()), line)
    return out


@cache
def containers() -> dict[int, Container]:
    """The water outlines that some areas fill, by area ``nr``."""
    outlines = _outlines()
    return {
        int(r["nr"]): Container(
            nr=int(r["nr"]), ring=outlines[r["outline"]], spill=float(r["spill"])
        )
        for r in _rows("containers.csv")
    }


@cache
def sectors() -> tuple[Sector, ...]:
    """The livestock sectors, in the order farms are drawn."""
    return tuple(
        Sector(
            name=r["sector"],
            share=float(r["share"]),
            background_weight=float(r["background_weight"]),
        )
        for r in _rows("sectors.csv")
    )


@cache
def kernels() -> tuple[Kernel, ...]:
    """The density kernels of farm locations."""
    names = [s.name for s in sectors()]
    return tuple(
        Kernel(
            name=r["kernel"],
            x=float(r["x_km"]),
            y=float(r["y_km"]),
            sigma_x=float(r["sigma_x_km"]),
            sigma_y=float(r["sigma_y_km"]),
            weights=tuple(float(r[n]) for n in names),
        )
        for r in _rows("kernels.csv")
    )


@cache
def towns() -> tuple[Town, ...]:
    """Towns and cities where farms are rare."""
    return tuple(
        Town(x=float(r["x_km"]), y=float(r["y_km"]), radius=float(r["radius_km"]), seat=r["seat"])
        for r in _rows("towns.csv")
    )


@cache
def seats() -> tuple[tuple[str, float, float], ...]:
    """Municipality seats: name, x and y (km)."""
    return tuple(
        (r["municipality"], float(r["x_km"]), float(r["y_km"])) for r in _rows("seats.csv")
    )


@cache
def emission_factors() -> dict[str, tuple[float, ...]]:
    """kg NH3 per animal place per year by animal, one value per housing in file order."""
    rows = _rows("emission_factors.csv")
    return {
        animal: tuple(float(r["kg_nh3_per_place"]) for r in group)
        for animal, group in itertools.groupby(rows, key=lambda r: r["animal"])
    }


@cache
def herd_sizes() -> tuple[HerdSize, ...]:
    """The kinds of farm of every sector, in file order."""
    return tuple(
        HerdSize(
            sector=r["sector"],
            animal=r["animal"],
            animal_type=r["animal_type"],
            share=float(r["share"]),
            median=float(r["median"]),
            log_sd=float(r["log_sd"]),
            step=int(r["step"]),
            minimum=int(r["minimum"]),
        )
        for r in _rows("herd_sizes.csv")
    )


@cache
def stable_values() -> dict[str, float]:
    """Assumed value of the stables, EUR per animal place, by animal."""
    return {r["animal"]: float(r["eur_per_place"]) for r in _rows("stable_values.csv")}
