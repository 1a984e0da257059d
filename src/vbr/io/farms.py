"""Load farm locations: every row ends up either in the farm table or rejected with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr.errors import InputError
from vbr.io.crs import RD_NEW, inside_netherlands, looks_like_degrees, parse_crs, to_rd
from vbr.io.tables import RawTable, find_column, parse_numbers, read_table

__all__ = ["FARM_COLUMNS", "FarmTable", "load_farms", "parse_times"]

#: Recognised columns and their accepted aliases (matched case-insensitively; spaces, hyphens and
#: dots count as underscores). The README lists them.
FARM_COLUMNS: dict[str, tuple[str, ...]] = {
    "farm_id": (
        "farm_id",
        "farmid",
        "locatie_id",
        "locatieid",
        "locatienummer",
        "bedrijf_id",
        "bedrijfsnummer",
        "vestiging_id",
        "id",
    ),
    "x": ("x", "x_rd", "rd_x", "xcoord", "x_coord", "x_coordinaat"),
    "y": ("y", "y_rd", "rd_y", "ycoord", "y_coord", "y_coordinaat"),
    "lon": ("lon", "lng", "long", "longitude", "lengtegraad"),
    "lat": ("lat", "latitude", "breedtegraad"),
    "nh3_kg": (
        "nh3_kg",
        "nh3",
        "nh3_emissie",
        "nh3_emissie_kg",
        "ammoniak_kg",
        "emissie_nh3",
        "nh3_kg_jaar",
    ),
    "subsidy_eur": ("subsidy_eur", "subsidy", "subsidie", "subsidie_eur", "bedrag_eur", "bod_eur"),
    "submitted_at": (
        "submitted_at",
        "ingediend_op",
        "datum_aanvraag",
        "aanvraagdatum",
        "ontvangen_op",
    ),
}

_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")


@dataclass
class FarmTable:
    """Farms read from one file.

    Attributes
    ----------
    farms
        The usable rows, in input order: ``farm_id``, ``nh3_kg``, ``subsidy_eur``, ``submitted_at``
        (UTC, NaT where not given), ``row`` (0-based input row) and a point geometry in
        EPSG:28992.
    rejected
        ``farm_id``, ``reason``, then the input row as read; sorted by that content (so input
        row order does not change it).
    carried
        Names of the carried-through input columns, in file order.
    carried_values
        Those columns as read (text), one row per input row (index = ``row``), so that no input
        name can collide with a computed column.
    n_read
        Rows read from the file (= usable + rejected).
    info
        How the file was read, for the manifest.
    """

    farms: gpd.GeoDataFrame
    rejected: pd.DataFrame
    carried: list[str]
    n_read: int
    info: dict = field(default_factory=dict)
    carried_values: pd.DataFrame = field(default_factory=pd.DataFrame)


def parse_times(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse ISO 8601 times to UTC; times without a zone are Dutch local time (Europe/Amsterdam).

    Returns
    -------
    times, unparsed
        A UTC datetime Series (NaT where empty or unparseable) and a mask of non-empty values that
        are not ISO 8601 times.
    """
    s = values.astype(str).str.strip()
    empty = (s == "").to_numpy()
    has_zone = s.str.contains(_TZ_SUFFIX, regex=True) & s.str.contains(r"\d[T ]\d", regex=True)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if has_zone.any():
        out[has_zone] = pd.to_datetime(s[has_zone], format="ISO8601", utc=True, errors="coerce")
    naive = ~has_zone & ~pd.Series(empty, index=s.index)
    if naive.any():
        local = pd.to_datetime(s[naive], format="ISO8601", errors="coerce")
        if getattr(local.dt, "tz", None) is None:
            local = local.dt.tz_localize(
                "Europe/Amsterdam",
                ambiguous=np.ones(len(local), dtype=bool),
                nonexistent="shift_forward",
            )
        out[naive] = local.dt.tz_convert("UTC")
    unparsed = out.isna().to_numpy() & ~empty
    return out, unparsed


def _number_problems(
    name: str, raw: pd.Series, values: np.ndarray, unparsed: np.ndarray, *, positive: bool
) -> list[str | None]:
    empty = raw.astype(str).str.strip().to_numpy() == ""
    out: list[str | None] = [None] * len(raw)
    raw_list = raw.tolist()
    with np.errstate(invalid="ignore"):
        bad_range = (values <= 0) if positive else (values < 0)
    infinite = np.isinf(values)
    for i in np.flatnonzero(empty | unparsed | infinite | bad_range):
        if empty[i]:
            out[i] = f"{name} missing"
        elif unparsed[i]:
            out[i] = f"{name} not a number ({_short(raw_list[i])})"
        elif infinite[i]:
            out[i] = f"{name} not a finite number ({_short(raw_list[i])})"
        else:
            out[i] = f"{name} must be {'> 0' if positive else '>= 0'} (got {_short(raw_list[i])})"
    return out


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _locate(
    table: RawTable, cols: dict[str, str | None], farms_crs: str
) -> tuple[np.ndarray, np.ndarray, list[str | None], dict]:
    """Return RD x, y per row, the per-row location problem and a description of the source."""
    n = len(table.frame)
    problems: list[str | None] = [None] * n
    path = table.path
    if table.geometry is not None:
        if table.crs is None:
            raise InputError(
                "the file declares no coordinate reference system; save it with its CRS "
                "(e.g. EPSG:28992) so locations cannot be misread",
                source=str(path),
            )
        geoms = np.asarray(table.geometry.values, dtype=object)
        kinds = shapely.get_type_id(geoms)
        # single points; a multipoint of exactly one point counts as that point
        multi_one = (kinds == 4) & (shapely.get_num_geometries(geoms) == 1)
        pts = np.where(multi_one, shapely.get_geometry(geoms, 0), geoms)
        is_point = (shapely.get_type_id(pts) == 0) & ~shapely.is_empty(pts)
        x = np.where(is_point, shapely.get_x(np.where(is_point, pts, shapely.Point(0, 0))), np.nan)
        y = np.where(is_point, shapely.get_y(np.where(is_point, pts, shapely.Point(0, 0))), np.nan)
        for i in np.flatnonzero(~is_point):
            g = geoms[i]
            if g is None or shapely.is_empty(g):
                problems[i] = "coordinate missing (empty geometry)"
            elif g.geom_type == "MultiPoint":
                problems[i] = f"geometry is a multipoint of {len(g.geoms)} points, not one point"
            else:
                problems[i] = f"geometry is a {g.geom_type}, not a point"
        crs = table.crs
        source = {"location": "geometry", "crs": crs.to_string()}
    elif cols["x"] or cols["y"]:
        if not (cols["x"] and cols["y"]):
            raise InputError("has only one of the columns x and y; give both", source=str(path))
        crs = parse_crs(farms_crs, where="--farms-crs")
        x, ux = parse_numbers(table.frame[cols["x"]], decimal=table.decimal)
        y, uy = parse_numbers(table.frame[cols["y"]], decimal=table.decimal)
        raw_x = table.frame[cols["x"]].tolist()
        raw_y = table.frame[cols["y"]].tolist()
        for i in np.flatnonzero(ux | uy | np.isnan(x) | np.isnan(y) | np.isinf(x) | np.isinf(y)):
            if ux[i] or uy[i] or np.isinf(x[i]) or np.isinf(y[i]):
                problems[i] = (
                    f"coordinate not a number (x={_short(raw_x[i])}, y={_short(raw_y[i])})"
                )
            else:
                problems[i] = "coordinate missing"
        source = {"location": f"columns {cols['x']}, {cols['y']}", "crs": crs.to_string()}
    elif cols["lon"] or cols["lat"]:
        if not (cols["lon"] and cols["lat"]):
            raise InputError("has only one of the columns lon and lat; give both", source=str(path))
        crs = parse_crs(4326, where="lon/lat")
        x, ux = parse_numbers(table.frame[cols["lon"]], decimal=table.decimal)
        y, uy = parse_numbers(table.frame[cols["lat"]], decimal=table.decimal)
        raw_x = table.frame[cols["lon"]].tolist()
        raw_y = table.frame[cols["lat"]].tolist()
        for i in np.flatnonzero(ux | uy | np.isnan(x) | np.isnan(y) | np.isinf(x) | np.isinf(y)):
            if ux[i] or uy[i] or np.isinf(x[i]) or np.isinf(y[i]):
                problems[i] = (
                    f"coordinate not a number (lon={_short(raw_x[i])}, lat={_short(raw_y[i])})"
                )
            else:
                problems[i] = "coordinate missing"
        source = {"location": f"columns {cols['lon']}, {cols['lat']}", "crs": "EPSG:4326"}
    else:
        raise InputError(
            "has no location: give columns x and y (EPSG:28992, or --farms-crs), columns lon and "
            "lat (EPSG:4326), or a spatial file with point geometry",
            source=str(path),
        )
    finite = np.isfinite(x) & np.isfinite(y)
    x = np.where(finite, x, np.nan)
    y = np.where(finite, y, np.nan)
    rx, ry = to_rd(x, y, crs)
    outside = finite & ~inside_netherlands(rx, ry)
    degrees = looks_like_degrees(x, y) & (not crs.is_geographic)
    for i in np.flatnonzero(outside):
        if problems[i] is None:
            msg = (
                f"location outside the Netherlands ({rx[i]:.0f}, {ry[i]:.0f} in EPSG:28992)"
                if np.isfinite(rx[i])
                else "location outside the Netherlands (cannot be converted)"
            )
            if degrees[i]:
                msg += "; these look like degrees: use lon/lat columns or --farms-crs 4326"
            elif crs.is_geographic:
                msg += "; are latitude and longitude swapped?"
            problems[i] = msg
    return rx, ry, problems, source


def load_farms(path: Path, *, farms_crs: str = "EPSG:28992") -> FarmTable:
    """Read farm locations and sort every row into usable or rejected.

    Parameters
    ----------
    path
        CSV (``,`` or ``;``, decimal point or comma), XLSX (first sheet), GeoPackage or GeoJSON.
    farms_crs
        CRS of ``x``/``y`` columns (ignored for ``lon``/``lat`` and for spatial files).

    Raises
    ------
    InputError
        When the file as a whole cannot be used: missing, unreadable, no ``farm_id``,
        ``nh3_kg`` or ``subsidy_eur`` column, no location, no CRS.
    """
    path = Path(path)
    table = read_table(path)
    frame = table.frame
    columns = list(frame.columns)
    cols = {key: find_column(columns, names, path=path) for key, names in FARM_COLUMNS.items()}
    missing = [key for key in ("farm_id", "nh3_kg", "subsidy_eur") if cols[key] is None]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; the file has: "
            f"{', '.join(columns) if columns else '(no columns)'}. See the README for the names "
            "and Dutch aliases that are accepted",
            source=str(path),
        )
    n = len(frame)
    if n == 0:
        raise InputError("has a header but no rows", source=str(path))

    rx, ry, loc_problems, loc_info = _locate(table, cols, farms_crs)
    nh3, nh3_bad = parse_numbers(frame[cols["nh3_kg"]], decimal=table.decimal)
    subsidy, sub_bad = parse_numbers(frame[cols["subsidy_eur"]], decimal=table.decimal)
    nh3_problems = _number_problems("nh3_kg", frame[cols["nh3_kg"]], nh3, nh3_bad, positive=True)
    sub_problems = _number_problems(
        "subsidy_eur", frame[cols["subsidy_eur"]], subsidy, sub_bad, positive=False
    )
    if cols["submitted_at"]:
        times, time_bad = parse_times(frame[cols["submitted_at"]])
    else:
        times, time_bad = (
            pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]"),
            np.zeros(n, dtype=bool),
        )

    ids = frame[cols["farm_id"]].astype(str).str.strip()
    counts = ids.map(ids.value_counts())
    reasons: list[list[str]] = [[] for _ in range(n)]
    for i, text in table.row_problems.items():
        reasons[i].append(text)
    for i in np.flatnonzero((ids == "").to_numpy()):
        reasons[i].append("farm_id missing")
    for i in np.flatnonzero(((counts > 1) & (ids != "")).to_numpy()):
        reasons[i].append(f"farm_id duplicated ({counts.iloc[i]} rows share it)")
    for lst in (loc_problems, nh3_problems, sub_problems):
        for i, text in enumerate(lst):
            if text is not None:
                reasons[i].append(text)
    raw_times = frame[cols["submitted_at"]].tolist() if cols["submitted_at"] else []
    for i in np.flatnonzero(time_bad):
        reasons[i].append(f"submitted_at not an ISO 8601 time ({_short(raw_times[i])})")

    bad = np.array([bool(r) for r in reasons], dtype=bool)
    used = {cols[k] for k in ("farm_id", "nh3_kg", "subsidy_eur")}
    carried = [c for c in columns if c not in used]

    keep = ~bad
    farms = pd.DataFrame(
        {
            "farm_id": ids.to_numpy(dtype=object)[keep],
            "nh3_kg": nh3[keep],
            "subsidy_eur": subsidy[keep],
            "submitted_at": times.to_numpy()[keep],
            "row": np.flatnonzero(keep),
        }
    )
    farms["submitted_at"] = pd.to_datetime(farms["submitted_at"], utc=True)
    carried_values = frame[carried].reset_index(drop=True)
    geometry = shapely.points(rx[keep], ry[keep])
    farms_gdf = gpd.GeoDataFrame(farms, geometry=geometry, crs=RD_NEW)

    rejected = pd.DataFrame(
        {
            "farm_id": ids.to_numpy(dtype=object)[bad],
            "reason": ["; ".join(r) for r, b in zip(reasons, bad, strict=True) if b],
        }
    )
    raw_rows = frame.loc[bad].reset_index(drop=True)
    for c in columns:
        name = c if c not in ("farm_id", "reason") else f"input_{c}"
        rejected[name] = raw_rows[c].to_numpy(dtype=object)
    # Sorted by content (farm_id, reason, then the row as read), not by input position, so that
    # the same rows in another order give the same rejected.csv byte for byte.
    if len(rejected) > 1:
        rejected = rejected.astype(str).sort_values(list(rejected.columns), kind="stable")
        rejected = rejected.reset_index(drop=True)
    info = {
        **table.info,
        **loc_info,
        "decimal": table.decimal,
        "columns": {k: v for k, v in cols.items() if v},
    }
    return FarmTable(
        farms=farms_gdf,
        rejected=rejected,
        carried=carried,
        n_read=n,
        info=info,
        carried_values=carried_values,
    )
