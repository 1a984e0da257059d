"""What a region map shows, prepared from a finished :class:`~vbr.model.Result`.

Geometry is converted to EPSG:4326 here, by :mod:`vbr.io.crs` (the one conversion). Polygons are
simplified (display only: the ranking never sees these shapes) and every coordinate is rounded to
about 1 m. Farm rows are the
region's ``ranking.csv`` rows, text for text, so a click shows exactly what the list says.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely

from vbr.cache import cached_geometries
from vbr.io.crs import RD_NEW, to_wgs84
from vbr.locale import t
from vbr.locale.formats import format_count
from vbr.maps.search import SearchColumns, search_columns
from vbr.maps.summary import pot_name
from vbr.model import OverloadZones
from vbr.threads import map_geometries

__all__ = [
    "FACTS",
    "STATUSES",
    "DisplayCache",
    "FarmPayload",
    "RawJSON",
    "Status",
    "carried_columns",
    "display_image",
    "farm_payload",
    "farm_statuses",
    "polygons_geojson",
    "safe_json",
]

#: Decimal places of polygon coordinates in degrees: 1e-5 degree is 1.1 m north-south and
#: 0.7 m east-west in the Netherlands.
POLYGON_DECIMALS = 5
#: Farms keep 6 decimals (0.1 m): they are points, and cost little.
FARM_DECIMALS = 6
#: Douglas-Peucker tolerance for display outlines, metres in EPSG:28992.
SIMPLIFY_M = 2.0


@dataclass(frozen=True)
class Status:
    """One farm status on the map: its key and colours (Okabe-Ito palette); its words are the
    catalogue's ``status.<key>``."""

    key: str
    fill: str
    stroke: str

    def label(self, lang: str) -> str:
        """The status in words: ``Voorrang · geselecteerd``."""
        return t(f"status.{self.key}", lang)


#: Statuses in legend order. With a budget: the first four; without: ``priority`` and ``ranked``.
STATUSES = (
    Status("priority_selected", "#D55E00", "#6b2f00"),
    Status("priority_not_selected", "#F0E442", "#6b2f00"),
    Status("selected", "#009E73", "#004d38"),
    Status("not_selected", "#9aa5b1", "#4a525a"),
    Status("priority", "#D55E00", "#6b2f00"),
    Status("ranked", "#0072B2", "#003a5c"),
)
_STATUS_INDEX = {s.key: k for k, s in enumerate(STATUSES)}
#: Drawing order, bottom to top: priority farms on top of the rest.
_DRAW_LAYER = {
    "not_selected": 0,
    "ranked": 0,
    "selected": 1,
    "priority_not_selected": 2,
    "priority_selected": 3,
    "priority": 3,
}

#: The popup's key facts, in order: list column, label (catalogue key) and how the value is
#: written (the ``kind`` that ``vbr.format`` in vbr_map.js knows). ``farm_id`` heads the popup,
#: ``priority`` and ``selected`` make its status line (the same decision as ``ranking.csv``),
#: ``funded_by`` names the pot that funded it and ``reason`` follows the facts; every other
#: column of the list is carried through from the input and folds under "Meer gegevens".
FACTS = (
    ("rank", "map.popup.rank_region", "rank"),
    ("national_rank", "map.popup.rank_national", "rank"),
    ("distance_m", "map.popup.distance", "distance"),  # with nearest_n2000, by name
    ("nh3_kg", "map.popup.nh3", "kg"),
    ("nh3_animals_kg", "map.popup.nh3_animals", "kg"),
    ("nh3_given_vs_animals", "map.popup.nh3_given_vs_animals", "ratio"),
    ("subsidy_eur", "map.popup.subsidy", "eur"),
    ("funded_by", "map.popup.funded_by", "choice"),
    ("subsidy_source", "map.popup.subsidy_source", "choice"),
    ("eur_per_kg", "map.popup.eur_per_kg", "eur_per_kg"),
    ("impact_mol", "map.popup.impact_mol", "mol"),
    ("eur_per_mol", "map.popup.eur_per_mol", "eur_per_mol"),
    ("sem_eur", "map.popup.sem_eur", "eur"),
    ("sem_nh3_kg", "map.popup.sem_nh3_kg", "kg"),
    ("sem_eur_per_kg", "map.popup.sem_eur_per_kg", "eur_per_kg"),
    ("regions", "map.popup.regions", "list"),
)
#: Columns of the list that the popup shows elsewhere than in its facts.
_SHOWN_APART = ("farm_id", "priority", "selected", "cumulative_eur", "reason", "nearest_n2000")
#: Words for the values of a ``choice`` column.
_CHOICES = {"subsidy_source": {"offer": "map.popup.offer", "estimate": "map.popup.estimate"}}


class RawJSON:
    """JSON text that :func:`safe_json` writes as it is (a display outline's GeoJSON geometry,
    :func:`geometry_json`): a page's outlines are not parsed into a Python float for every
    coordinate and written again."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def parsed(self) -> object:
        """The value the text holds."""
        return orjson.loads(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawJSON) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"RawJSON({self.text[:60]!r}{'...' if len(self.text) > 60 else ''})"


def _raw_fragment(value: object) -> orjson.Fragment:
    if isinstance(value, RawJSON):
        return orjson.Fragment(value.text)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def _raw_parsed(value: object) -> object:
    if isinstance(value, RawJSON):
        return value.parsed()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: orjson writes a numpy float64 as it writes the same Python float (the shortest text that
#: reads back to it; a test compares them).
_NUMPY = orjson.OPT_SERIALIZE_NUMPY


def geometry_json(geometry: object) -> str:
    """The GeoJSON text of a geometry (2D, finite) as orjson writes the value GEOS's GeoJSON
    gives (``orjson.dumps(orjson.loads(shapely.to_geojson(g)))``, a test compares them): for
    polygons and multipolygons written from their coordinate arrays, without a Python float per
    coordinate; any other geometry the long way."""
    kind = -1 if shapely.has_z(geometry) else shapely.get_type_id(geometry)
    if kind == 3 and not shapely.is_empty(geometry):
        return '{"type":"Polygon","coordinates":' + _polygon_json(geometry) + "}"
    if kind == 6:
        parts = shapely.get_parts(geometry)
        if len(parts) and not shapely.is_empty(parts).any():
            inner = ",".join(_polygon_json(p) for p in parts)
            return '{"type":"MultiPolygon","coordinates":[' + inner + "]}"
    return orjson.dumps(orjson.loads(shapely.to_geojson(geometry))).decode("utf-8")


def _polygon_json(polygon: object) -> str:
    rings = shapely.get_rings(polygon)
    return (
        "["
        + ",".join(orjson.dumps(shapely.get_coordinates(r), option=_NUMPY).decode() for r in rings)
        + "]"
    )


def safe_json(value: object) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` style escapes (so ``</script>`` in a value
    cannot end the element), as are U+2028/U+2029; NaN and infinity are refused (``ValueError``).

    orjson writes it (6x faster than :mod:`json` on a map's farms: 0.65 -> 0.10 s for the nine
    payloads of a 45,000-farm run, the same bytes; only an exponent is written ``1e16`` where
    :mod:`json` writes ``1e+16``); what orjson does not take (numpy scalars,
    keys that are not text, integers beyond 64 bits, lone surrogates) goes through :mod:`json`.
    orjson would write NaN as ``null``, so the numbers are checked first (:func:`_all_finite`).
    A :class:`RawJSON` is written as its text (it holds finite numbers only).
    """
    if not _all_finite(value):
        raise ValueError("Out of range float values are not JSON compliant")
    try:
        text = orjson.dumps(value, default=_raw_fragment).decode("utf-8")
    except TypeError:
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_raw_parsed
        )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_SEQUENCES = {list, tuple}


def _all_finite(value: object) -> bool:
    """Whether every float in ``value`` (dicts, lists and tuples in any depth) is finite, in C
    where it can be: a list of numbers is summed (a finite sum means finite items), a list of
    texts joined, a list of lists flattened; only a list of other mixtures is looked at item by
    item."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is float or isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif kind is dict:
            stack.extend(item.values())
        elif (kind is list or kind is tuple) and item:
            first = type(item[0])
            try:
                if first is str:
                    "".join(item)
                    continue
                if (first is list or first is tuple) and set(map(type, item)) <= _SEQUENCES:
                    stack.append(list(chain.from_iterable(item)))
                    continue
                if math.isfinite(sum(item, 0.0)):
                    continue
            except (TypeError, OverflowError):
                pass
            stack.extend(item)
    return True


def _rounded_wgs84(geoms: np.ndarray, decimals: int) -> np.ndarray:
    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), decimals)

    return shapely.transform(geoms, project)


#: Raise when the display outlines (:func:`polygons_geojson`'s simplification) change.
#: 2: kept in rounded WGS84 (they were kept in EPSG:28992 and projected every run).
DISPLAY_VERSION = 2


@dataclass
class DisplayCache:
    """Display outlines already made in this run, per geometry object and tolerance (the
    region maps show many of the same areas), and the folder where runs keep the simplified
    outlines (:func:`vbr.cache.cache_folder`; ``None``: none kept)."""

    made: dict[tuple[int, float], tuple[object, dict | None]] = field(default_factory=dict)
    folder: Path | None = None


def polygons_geojson(
    gdf: gpd.GeoDataFrame,
    properties: list[str],
    *,
    simplify_m: float = SIMPLIFY_M,
    cache: DisplayCache | None = None,
) -> dict:
    """A GeoJSON FeatureCollection (EPSG:4326) of polygons for display; each feature's
    ``geometry`` is a :class:`RawJSON` (its text; :meth:`RawJSON.parsed` for the value).

    Outlines are simplified by ``simplify_m`` metres (topology kept) and coordinates rounded to
    5 decimals. ``properties`` are copied as they are (numbers stay numbers). With ``cache``
    (one shared by the maps of a run), an outline that an earlier call already made for the
    same geometry object and tolerance is taken from it, and the simplified outlines are kept
    in and read from its folder (one file per outline): simplifying the real national outlines
    takes 1.5 s of CPU, the same every run.
    """
    if gdf.crs is not None and gdf.crs != RD_NEW:
        gdf = gdf.to_crs(RD_NEW)
    source = np.asarray(gdf.geometry.values)
    shapes: list[dict | None] = [None] * len(source)
    todo = list(range(len(source)))
    if cache is not None:
        todo = []
        for k, geom in enumerate(source):
            hit = cache.made.get((id(geom), simplify_m))
            if hit is not None and hit[0] is geom:  # the same object, not a reused id
                shapes[k] = hit[1]
            else:
                todo.append(k)
    if todo:
        made = cached_geometries(  # simplified and in rounded WGS84: as the page shows them
            "display",
            DISPLAY_VERSION,
            source[todo],
            lambda todo: _rounded_wgs84(
                np.asarray(
                    map_geometries(  # over threads: GEOS leaves the interpreter free
                        lambda share: shapely.simplify(share, simplify_m, preserve_topology=True),
                        todo,
                    )
                ),
                POLYGON_DECIMALS,
            ),
            params=(float(simplify_m),),
            folder=cache.folder if cache is not None else None,
            each=True,
        )
        empty = shapely.is_missing(made) | shapely.is_empty(made)
        # written into the page as text (RawJSON) where every coordinate is finite; else
        # parsed, so that safe_json refuses it
        coords, owner = shapely.get_coordinates(made, return_index=True)
        finite = np.ones(len(made), dtype=bool)
        finite[owner[~np.isfinite(coords).all(axis=1)]] = False
        for k, gone, ok, geom in zip(todo, empty, finite, made, strict=True):
            if gone:
                shapes[k] = None
            elif ok:
                shapes[k] = RawJSON(geometry_json(geom))
            else:
                shapes[k] = orjson.loads(shapely.to_geojson(geom))
            if cache is not None:
                cache.made[(id(source[k]), simplify_m)] = (source[k], shapes[k])
    features = []
    records = gdf[properties].to_dict("records") if properties else [{}] * len(gdf)
    for shape, props in zip(shapes, records, strict=True):
        if shape is None:
            continue
        clean = {k: _plain(v) for k, v in props.items()}
        features.append({"type": "Feature", "properties": clean, "geometry": shape})
    return {"type": "FeatureCollection", "features": features}


def _plain(value: object) -> object:
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    if value is None or value is pd.NA:
        return None
    return value if isinstance(value, int | str) else str(value)


def carried_columns(columns: list[str]) -> list[int]:
    """Indices of the columns of a list that are carried through from the input (every column
    the popup does not show as a key fact or apart)."""
    known = {c for c, _, _ in FACTS} | set(_SHOWN_APART)
    return [k for k, c in enumerate(columns) if c not in known]


def farm_statuses(region_rows: pd.DataFrame, national_selected: pd.Series | None) -> np.ndarray:
    """The status index (into :data:`STATUSES`) of each row of a region's list.

    ``selected`` comes from the region's own list; where it is empty and a national budget was
    walked, ``national_selected`` (text ``true``/``false``, same rows) is used instead.
    """
    priority = region_rows["priority"].to_numpy() == "true"
    selected_text = region_rows["selected"].to_numpy(dtype=object)
    if national_selected is not None:
        national = national_selected.to_numpy(dtype=object)
        selected_text = np.where(selected_text == "", national, selected_text)
    has_budget = selected_text != ""
    selected = selected_text == "true"
    k = _STATUS_INDEX
    return np.where(
        has_budget,
        np.where(
            priority,
            np.where(selected, k["priority_selected"], k["priority_not_selected"]),
            np.where(selected, k["selected"], k["not_selected"]),
        ),
        np.where(priority, k["priority"], k["ranked"]),
    ).astype(np.int8)


@dataclass
class FarmPayload:
    """The farm layer's data: the region's rows as text, positions, statuses and sizes."""

    data: dict
    counts: dict[str, int]


def radius_px(nh3: np.ndarray, *, reference_kg: float) -> np.ndarray:
    """Circle radius in pixels: area in proportion to NH3, 3 px at least, 14 px at most."""
    scale = np.sqrt(np.clip(nh3, 0, None) / max(reference_kg, 1e-9))
    return np.round(np.clip(3.0 + 8.0 * scale, 3.0, 14.0), 1)


def _nice(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= value * 0.75:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def _fact(rows: pd.DataFrame, column: str, label: str, kind: str, lang: str) -> dict | None:
    """A popup line for ``column``, or ``None`` when no farm of the region has a value there."""
    columns = list(rows.columns)
    if column not in columns or not (rows[column].to_numpy(dtype=object) != "").any():
        return None
    fact = {"label": t(label, lang), "col": columns.index(column), "kind": kind}
    if column in _CHOICES:
        fact["choices"] = {raw: t(key, lang) for raw, key in _CHOICES[column].items()}
    if column == "funded_by":
        names = sorted(set(rows[column].tolist()) - {""})
        fact["choices"] = {name: pot_name(name, lang) for name in names}
    if kind == "distance" and "nearest_n2000" in columns:
        fact["area"] = columns.index("nearest_n2000")
    return fact


def _facts(rows: pd.DataFrame, lang: str, *, national_total: int) -> list:
    """The popup's key facts (see :data:`FACTS`)."""
    totals = {"rank": len(rows), "national_rank": national_total}
    facts = []
    for column, label, kind in FACTS:
        fact = _fact(rows, column, label, kind, lang)
        if fact is not None:
            if column in totals:
                fact["total"] = format_count(totals[column], lang)
            facts.append(fact)
    return facts


def farm_payload(
    rows: pd.DataFrame,
    geometry: np.ndarray,
    nh3_kg: np.ndarray,
    *,
    statuses: np.ndarray,
    area_names: dict[str, str],
    lang: str,
    threshold_m: float = 1000.0,
    national_total: int | None = None,
    submitted: np.ndarray | None = None,
    search: SearchColumns | None = None,
) -> FarmPayload:
    """Prepare the farm layer of one region.

    Values reach the page as the list holds them (exact, as text): the popup writes them in the
    run's language in the browser (``Intl.NumberFormat``), one farm at a time.

    Parameters
    ----------
    rows
        The region's ``ranking.csv`` rows (text), in the region's order.
    geometry
        The farms' points in EPSG:28992, same order.
    nh3_kg
        NH3 per farm (numbers, for the circle sizes), same order.
    statuses
        Index into :data:`STATUSES` per row (see :func:`farm_statuses`).
    area_names
        Natura 2000 area name by ``nr`` (text), for the popup.
    lang
        The run's language (labels and status words).
    threshold_m
        The priority threshold: a distance that would round onto it shows centimetres.
    national_total
        Farms in the national list (``national rank 12 of 24,988``).
    submitted
        ``submitted_at`` per farm as ISO 8601 UTC text (``""`` where none), when any farm has
        one.
    search
        What the search box looks in (by column name; see :mod:`vbr.maps.search`); default:
        decided from ``rows``.
    """
    n = len(rows)
    coords = shapely.get_coordinates(geometry)
    lon, lat = to_wgs84(coords[:, 0], coords[:, 1]) if n else ([], [])
    reference = float(np.quantile(nh3_kg, 0.95)) if n else 1.0
    radius = radius_px(np.asarray(nh3_kg, dtype=float), reference_kg=reference)
    draw_layer = np.array([_DRAW_LAYER[STATUSES[s].key] for s in statuses], dtype=np.int8)
    # Bottom to top: by status layer, then the better rank drawn later (on top).
    draw = np.lexsort((-np.arange(n), draw_layer)) if n else np.array([], dtype=int)
    columns = list(rows.columns)
    facts = _facts(rows, lang, national_total=national_total if national_total is not None else n)
    data = {
        "columns": columns,
        "rows": rows.to_numpy(dtype=object).tolist(),
        "id": columns.index("farm_id"),
        "rank": columns.index("rank"),
        "national": columns.index("national_rank") if "national_rank" in columns else -1,
        "reason": columns.index("reason") if "reason" in columns else -1,
        "facts": facts,
        # no budget walk lines: the decision is the list's (selected, funded_by, reason)
        "walks": [],
        "more": carried_columns(columns),
        "threshold": threshold_m,
        "lon": np.round(np.asarray(lon, dtype=float), FARM_DECIMALS).tolist(),
        "lat": np.round(np.asarray(lat, dtype=float), FARM_DECIMALS).tolist(),
        "status": statuses.tolist(),
        "radius": radius.tolist(),
        "draw": draw.tolist(),
        "statuses": [
            {"key": s.key, "label": s.label(lang), "fill": s.fill, "stroke": s.stroke}
            for s in STATUSES
        ],
        "areaNames": area_names,
    }
    if search is None:
        search = search_columns(rows, [columns[k] for k in data["more"]])
    data["search"] = search.payload(columns)
    if submitted is not None:
        data["submitted"] = list(submitted)
        data["facts"].append(
            {"label": t("map.popup.submitted", lang), "src": "submitted", "kind": "datetime"}
        )
    counts = {s.key: int((statuses == k).sum()) for k, s in enumerate(STATUSES)}
    sizes = sorted({_nice(float(np.quantile(nh3_kg, q))) for q in (0.1, 0.5, 0.95)}) if n else []
    data["sizeLegend"] = [
        {
            "radius": float(radius_px(np.array([v]), reference_kg=reference)[0]),
            "text": format_count(int(v), lang),
        }
        for v in sizes
    ]
    return FarmPayload(data=data, counts=counts)


def display_image(
    zones: OverloadZones, *, cmap: str = "YlOrRd"
) -> tuple[bytes, tuple[float, float, float, float]]:
    """The overloaded cells as a PNG for a web map, and its bounds in EPSG:4326.

    Returns
    -------
    png, (south, west, north, east)
        A transparent PNG (cells not overloaded are transparent, colour by exceedance) and the
        raster's bounds as Leaflet's ``ImageOverlay`` wants them. The image is in EPSG:28992
        pixels; stretched over lat/lon bounds it is off by up to a cell at the edges of a
        national raster, fine for display only.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from PIL import Image

    values = zones.exceedance.values
    mask = zones.overloaded
    top = float(np.nanpercentile(values[mask], 99)) if mask.any() else 1.0
    rgba = colormaps[cmap](Normalize(0, max(top, 1e-9), clip=True)(np.nan_to_num(values)))
    rgba[..., 3] = np.where(mask, 0.7, 0.0)
    buf = io.BytesIO()
    Image.fromarray((rgba * 255).astype("uint8"), "RGBA").save(buf, format="PNG")
    xmin, ymin, xmax, ymax = zones.exceedance.bounds
    lon, lat = to_wgs84([xmin, xmax, xmin, xmax], [ymin, ymin, ymax, ymax])
    return buf.getvalue(), (min(lat), min(lon), max(lat), max(lon))
