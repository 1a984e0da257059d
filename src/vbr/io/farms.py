"""Load farm locations: every row ends up either in the farm table or rejected with a reason."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr.errors import InputError
from vbr.io.animals import (
    EmissionFactors,
    animal_columns,
    load_animals_table,
    load_emission_factors,
    nh3_from_animals,
    wide_to_long,
)
from vbr.io.columns import FieldSet, match_columns, missing_fields_error
from vbr.io.crs import RD_NEW, inside_netherlands, looks_like_degrees, parse_crs, to_rd
from vbr.io.imaer import is_imaer, label_to_code, read_imaer
from vbr.io.tables import RawTable, no_crs_message, parse_numbers, read_table
from vbr.model import FarmTable, FieldSource
from vbr.settings import ColumnMapping, option_default

__all__ = ["FARM_COLUMNS", "FARM_FIELDS", "load_farms", "parse_times", "reject_farms"]

#: Recognised columns and their accepted aliases, best first (matched case-insensitively; spaces,
#: hyphens, dots and slashes count as underscores; shapefile-truncated names too, see
#: :mod:`vbr.io.columns`). The README lists them. ``vthobject_id`` is the location id of the
#: omgevingsdiensten's IGO register; a bare ``id`` comes last: it is often a database row number,
#: so it is used only where no other column could be ``farm_id``.
FARM_COLUMNS: dict[str, tuple[str, ...]] = {
    "farm_id": (
        "farm_id",
        "farmid",
        "locatie_id",
        "locatieid",
        "locatienummer",
        "vthobject_id",
        "vth_object_id",
        "bedrijf_id",
        "bedrijfsnummer",
        "vestiging_id",
        "id",
    ),
    "x": ("x", "x_rd", "rd_x", "xcoord", "x_coord", "x_coordinaat", "geo_x"),
    "y": ("y", "y_rd", "rd_y", "ycoord", "y_coord", "y_coordinaat", "geo_y"),
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
    "complete_at": ("complete_at", "datum_volledig", "volledig_op"),
}

#: The farm file's fields, for the column resolver (``--columns``, ``[columns]``).
FARM_FIELDS = FieldSet(
    table="farm file",
    names=FARM_COLUMNS,
    option="--columns",
    config_table="columns",
    meaning={
        "farm_id": "required: the location's own id",
        "nh3_kg": "kg NH3 per year",
        "subsidy_eur": "the subsidy asked or offered, euro",
    },
)
_LOCATION_FIELDS = ("x", "y", "lon", "lat")

_TZ_SUFFIX = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"
#: A time with a zone: a date and a time (``T`` or a space between digits), then a zone suffix.
#: The suffix holds no ``T``, space or leading digit, so "somewhere a digit-T-digit, and the
#: suffix at the end" is the same as "a digit-T-digit, anything, the suffix".
_ZONED = re.compile(r"\d[T ]\d.*" + _TZ_SUFFIX, re.DOTALL)


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
    has_zone = s.str.contains(_ZONED, regex=True)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if has_zone.any():
        out[has_zone] = _within_range(
            pd.to_datetime(s[has_zone], format="ISO8601", utc=True, errors="coerce")
        )
    naive = ~has_zone & ~pd.Series(empty, index=s.index)
    if naive.any():
        local = pd.to_datetime(s[naive], format="ISO8601", errors="coerce")
        if getattr(local.dt, "tz", None) is None:
            # Leave a day's margin at both ends so that the zone shift cannot overflow.
            local = local.where((local > _TIME_MIN) & (local < _TIME_MAX))
            local = local.dt.tz_localize(
                "Europe/Amsterdam",
                ambiguous=np.ones(len(local), dtype=bool),
                nonexistent="shift_forward",
            )
        out[naive] = _within_range(local.dt.tz_convert("UTC"))
    unparsed = out.isna().to_numpy() & ~empty
    return out, unparsed


# Times are kept in nanoseconds (years 1678..2261); a time outside that range is a typing error
# (``9999-12-31``) and is rejected like any other unreadable time rather than crashing the run.
_TIME_MIN = pd.Timestamp("1678-01-02")
_TIME_MAX = pd.Timestamp("2261-12-31")


def _within_range(times: pd.Series) -> pd.Series:
    """UTC times with those outside the nanosecond range set to NaT, as nanoseconds."""
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None)
    ok = (naive > _TIME_MIN) & (naive < _TIME_MAX)
    return times.where(ok).astype("datetime64[ns, UTC]")


def _number_problems(
    name: str, raw: pd.Series, values: np.ndarray, unparsed: np.ndarray, *, positive: bool
) -> dict[int, str]:
    """The problem of every row whose number cannot be used, by row (rows without one: absent)."""
    empty = raw.astype(str).str.strip().to_numpy() == ""
    out: dict[int, str] = {}
    raw_list = raw.to_numpy(dtype=object)
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


def _coordinate_columns(
    table: RawTable, x_col: str | None, y_col: str | None, names: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Parse a pair of coordinate columns; the problem of every row where they cannot be used."""
    if not (x_col and y_col):
        have, lack = (names[0], names[1]) if x_col else (names[1], names[0])
        raise InputError(
            f"has a column for {have} ({x_col or y_col!r}) but none for {lack}; give both, or "
            f"name the other with --columns {lack}=COLUMN",
            source=str(table.path),
        )
    x, ux = parse_numbers(table.frame[x_col], decimal=table.decimal)
    y, uy = parse_numbers(table.frame[y_col], decimal=table.decimal)
    raw_x = table.frame[x_col].to_numpy(dtype=object)
    raw_y = table.frame[y_col].to_numpy(dtype=object)
    problems: dict[int, str] = {}
    for i in np.flatnonzero(ux | uy | ~np.isfinite(x) | ~np.isfinite(y)):
        if ux[i] or uy[i] or np.isinf(x[i]) or np.isinf(y[i]):
            problems[i] = (
                f"coordinate not a number ({names[0]}={_short(raw_x[i])}, "
                f"{names[1]}={_short(raw_y[i])})"
            )
        else:
            problems[i] = "coordinate missing"
    return x, y, problems


def _locate(
    table: RawTable, cols: dict[str, str | None], farms_crs: str, *, use_geometry: bool
) -> tuple[np.ndarray, np.ndarray, dict[int, str], dict]:
    """Return RD x, y per row, the location problem by row and a description of the source."""
    problems: dict[int, str] = {}
    path = table.path
    if use_geometry:
        if table.crs is None:
            raise InputError(no_crs_message(path), source=str(path))
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
        crs = parse_crs(farms_crs, where="--farms-crs")
        x, y, problems = _coordinate_columns(table, cols["x"], cols["y"], ("x", "y"))
        source = {"location": f"columns {cols['x']}, {cols['y']}", "crs": crs.to_string()}
    elif cols["lon"] or cols["lat"]:
        crs = parse_crs(4326, where="lon/lat")
        x, y, problems = _coordinate_columns(table, cols["lon"], cols["lat"], ("lon", "lat"))
        source = {"location": f"columns {cols['lon']}, {cols['lat']}", "crs": "EPSG:4326"}
    else:
        raise InputError(
            "has no location: no columns x and y (EPSG:28992, or --farms-crs), no columns lon "
            "and lat (EPSG:4326) and no point geometry. The columns found: "
            + (", ".join(repr(c) for c in table.frame.columns) or "(none)")
            + ". If the file has them under other names, name them with --columns "
            "x=COLUMN,y=COLUMN (or lon=COLUMN,lat=COLUMN)",
            source=str(path),
        )
    finite = np.isfinite(x) & np.isfinite(y)
    x = np.where(finite, x, np.nan)
    y = np.where(finite, y, np.nan)
    rx, ry = to_rd(x, y, crs)
    outside = finite & ~inside_netherlands(rx, ry)
    degrees = looks_like_degrees(x, y) & (not crs.is_geographic)
    for i in np.flatnonzero(outside):
        if i not in problems:
            msg = (
                f"location outside the Netherlands ({rx[i]:.0f}, {ry[i]:.0f} in EPSG:28992)"
                if np.isfinite(rx[i])
                else "location outside the Netherlands (cannot be converted)"
            )
            if degrees[i]:
                msg += "; these look like degrees: use lon/lat columns or --farms-crs 4326"
            elif crs.is_geographic and not (abs(x[i]) <= 180 and abs(y[i]) <= 90):
                msg = (
                    f"location ({x[i]:.0f}, {y[i]:.0f}) is not longitude/latitude degrees, but "
                    f"is read as {crs.to_string()}"
                    + (
                        " (a GeoJSON file without a `crs` member counts as WGS84 degrees; save "
                        "it with its real CRS)"
                        if table.geometry is not None
                        else " (use columns x and y with --farms-crs for metres)"
                    )
                )
            elif crs.is_geographic:
                msg += "; are latitude and longitude swapped?"
            problems[i] = msg
    return rx, ry, problems, source


def load_farms(
    path: Path,
    *,
    farms_crs: str = option_default("farms_crs"),
    animals: Path | None = None,
    emission_factors: EmissionFactors | None = None,
    estimate_subsidy: bool = False,
    columns: ColumnMapping | None = None,
    layer: str | None = None,
    sheet: str | None = None,
) -> FarmTable:
    """Read farm locations and sort every row into usable or rejected.

    Parameters
    ----------
    path
        CSV (``,`` or ``;``, decimal point or comma), XLSX (first sheet), GeoPackage, GeoJSON or
        AERIUS IMAER GML (versions 5 and 6).
    farms_crs
        CRS of ``x``/``y`` columns (ignored for ``lon``/``lat`` and for spatial files).
    animals
        A long table ``farm_id, rav_code, animals`` (several rows per farm add up).
    emission_factors
        The factor table (default: the shipped ``data/emission_factors.csv``).
    estimate_subsidy
        Leave empty ``subsidy_eur`` values to the subsidy estimate instead of rejecting them.
        It is switched on by itself when the file has no ``subsidy_eur`` column but has animal
        counts (herd data, IMAER).
    columns
        Input columns named for fields (``--columns``, ``[columns]``): they settle which column
        gives a field (see :mod:`vbr.io.columns`).
    layer, sheet
        The layer of a GeoPackage or the sheet of a workbook to read (``--layer``,
        ``--sheet``); by default the first layer of points, the first visible sheet.

    Raises
    ------
    InputError
        When the file as a whole cannot be used: missing, unreadable, no ``farm_id`` column, no
        ``nh3_kg`` column and no animal counts, no ``subsidy_eur`` column and nothing to
        estimate it from, no location, no CRS; two columns that could be one field; a column
        mapping that names a column the file does not have.
    """
    path = Path(path)
    mapping, imaer_animals = columns, None
    if is_imaer(path):
        if layer is not None or sheet is not None:
            option = "--layer" if layer is not None else "--sheet"
            raise InputError(
                f"chooses a {option[2:]}, but {path.name} is an AERIUS IMAER file, which vbr "
                f"reads whole; leave out {option}",
                source=option,
            )
        parsed = read_imaer(path)
        table, imaer_animals = parsed.table, parsed.animals
    else:
        table = read_table(path, layer=layer, sheet=sheet, geometry="point")
    frame = table.frame
    columns = list(frame.columns)
    use_geometry = table.geometry is not None and not _columns_named(mapping, _LOCATION_FIELDS)
    match = match_columns(
        columns,
        FARM_FIELDS,
        path=path,
        mapping=mapping,
        unused=_LOCATION_FIELDS if use_geometry else (),
    )
    cols = dict(match.columns)
    factors = emission_factors if emission_factors is not None else load_emission_factors()
    wide = [c for c in animal_columns(columns, factors) if c not in match.used]
    with_animals = bool(wide) or animals is not None or imaer_animals is not None
    estimate = estimate_subsidy or (cols["subsidy_eur"] is None and with_animals)
    missing = [key for key in ("farm_id",) if cols[key] is None]
    if cols["nh3_kg"] is None and not with_animals:
        missing.append("nh3_kg")
    if cols["subsidy_eur"] is None and not estimate:
        missing.append("subsidy_eur")
    if missing:
        raise missing_fields_error(
            FARM_FIELDS,
            missing,
            columns=columns,
            path=path,
            alternatives={
                "nh3_kg": "animal counts to compute it from (columns named by Rav code or "
                "species, or --animals FILE)",
                "subsidy_eur": "animal counts to estimate it from (columns named by Rav code or "
                "species, or --animals FILE)",
            },
        )
    n = len(frame)
    if n == 0:
        raise InputError("has a header but no rows", source=str(path))

    rx, ry, loc_problems, loc_info = _locate(table, cols, farms_crs, use_geometry=use_geometry)
    empty_text = pd.Series([""] * n, index=frame.index, dtype=object)
    nh3_raw = frame[cols["nh3_kg"]] if cols["nh3_kg"] else empty_text
    nh3, nh3_bad = parse_numbers(nh3_raw, decimal=table.decimal)
    nh3_problems = _number_problems("nh3_kg", nh3_raw, nh3, nh3_bad, positive=True)
    sub_raw = frame[cols["subsidy_eur"]] if cols["subsidy_eur"] else empty_text
    subsidy, sub_bad = parse_numbers(sub_raw, decimal=table.decimal)
    sub_problems = _number_problems("subsidy_eur", sub_raw, subsidy, sub_bad, positive=False)
    if cols["submitted_at"]:
        times, time_bad = parse_times(frame[cols["submitted_at"]])
    else:
        times, time_bad = (
            pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]"),
            np.zeros(n, dtype=bool),
        )

    ids = frame[cols["farm_id"]].astype(str).str.strip()
    duplicated = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
    counts = ids[duplicated].value_counts()  # only of the duplicated ones: no map over all rows
    # problems by row; only rows that have one are in it (no Python loop over every farm)
    reasons: defaultdict[int, list[str]] = defaultdict(list)
    for i, text in table.row_problems.items():
        reasons[i].append(text)
    for i in np.flatnonzero((ids == "").to_numpy()):
        reasons[i].append("farm_id missing")
    for i in np.flatnonzero(duplicated):
        reasons[i].append(f"farm_id duplicated ({counts[ids.iat[i]]} rows share it)")

    notes: list[str] = []
    herd = pd.DataFrame({"row": [], "rav_code": [], "animals": []})
    nh3_check = pd.DataFrame()
    from_animals = np.zeros(n, dtype=bool)
    if with_animals:
        herd, animal_problems, notes = _herd(
            frame, wide, table.decimal, animals, imaer_animals, ids
        )
        computed, has_animals, unknown = nh3_from_animals(herd, factors, n)
        computed = np.round(computed, 3)
        for i, texts in sorted(animal_problems.items()):
            reasons[i] += texts
        for i, codes in sorted(unknown.items()):
            reasons[i] += [
                f"unknown Rav code {c!r} (not in the emission factor table; add it with "
                "--emission-factors)"
                for c in codes
            ]
        given_empty = nh3_raw.astype(str).str.strip().to_numpy() == ""
        from_animals = given_empty & has_animals
        nh3 = np.where(from_animals, computed, nh3)
        for i in np.flatnonzero(from_animals):
            nh3_problems.pop(i, None)
            if not (computed[i] > 0 or i in unknown):
                nh3_problems[i] = "nh3_kg must be > 0 (computed from animals: 0)"
        for i in np.flatnonzero(given_empty & ~has_animals):
            nh3_problems[i] = "nh3_kg missing (no nh3_kg value and no animal counts)"
        both = ~given_empty & has_animals & np.isfinite(nh3) & (nh3 > 0)
        both[list(unknown)] = False
        nh3_check = _nh3_check(ids, np.flatnonzero(both), nh3, computed)
        if imaer_animals is not None:
            herd = _implied_herd(herd, frame, nh3, has_animals, factors)
    if estimate:
        sub_empty = sub_raw.astype(str).str.strip().to_numpy() == ""
        rows_with_animals = set(herd["row"].tolist())
        for i in np.flatnonzero(sub_empty):
            sub_problems.pop(i, None)
            if i not in rows_with_animals:
                sub_problems[i] = "subsidy_eur missing and no animal counts to estimate it from"

    for found in (loc_problems, nh3_problems, sub_problems):
        for i, text in found.items():
            reasons[i].append(text)
    raw_times = frame[cols["submitted_at"]].to_numpy(dtype=object) if cols["submitted_at"] else []
    for i in np.flatnonzero(time_bad):
        reasons[i].append(
            f"submitted_at not an ISO 8601 time between 1678 and 2261 ({_short(raw_times[i])})"
        )
    complete = None
    if cols["complete_at"]:
        complete, complete_bad = parse_times(frame[cols["complete_at"]])
        raw_complete = frame[cols["complete_at"]].to_numpy(dtype=object)
        for i in np.flatnonzero(complete_bad):
            reasons[i].append(
                "complete_at not an ISO 8601 time between 1678 and 2261 "
                f"({_short(raw_complete[i])})"
            )

    bad = np.zeros(n, dtype=bool)
    bad[list(reasons)] = True
    used = {cols[k] for k in ("farm_id", "nh3_kg", "subsidy_eur") if cols[k]}
    carried = [c for c in columns if c not in used]

    keep = ~bad
    farms = pd.DataFrame(
        {
            "farm_id": ids.to_numpy(dtype=object)[keep],
            "nh3_kg": nh3[keep],
            "subsidy_eur": subsidy[keep],
            # the UTC datetime array itself (to_numpy would make a Timestamp object per farm)
            "submitted_at": times.array[keep],
            "row": np.flatnonzero(keep),
        }
    )
    if complete is not None:
        farms["complete_at"] = complete.array[keep]
    if estimate:
        farms["subsidy_source"] = np.where(np.isnan(subsidy[keep]), "estimate", "offer")
    carried_values = frame[carried].reset_index(drop=True)
    geometry = shapely.points(rx[keep], ry[keep])
    farms_gdf = gpd.GeoDataFrame(farms, geometry=geometry, crs=RD_NEW)

    rejected = pd.DataFrame(
        {
            "farm_id": ids.to_numpy(dtype=object)[bad],
            "reason": ["; ".join(reasons[i]) for i in np.flatnonzero(bad)],
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
    info = {**table.info, **loc_info, "decimal": table.decimal}
    if with_animals:
        info["animals"] = {
            "wide_columns": wide,
            "long_table": str(animals) if animals is not None else None,
            "imaer": imaer_animals is not None,
            "emission_factors": list(factors.sources),
            "nh3_from_animals": int(from_animals.sum()),
            "nh3_given_and_computed": len(nh3_check),
        }
    if estimate:
        info["subsidy_estimate"] = True
    sources = _field_sources(
        match,
        use_geometry=use_geometry,
        nh3_from_animals=int(from_animals.sum()),
        estimated=int((farms["subsidy_source"] == "estimate").sum()) if estimate else 0,
    )
    notes = [
        *table.notes,
        *notes,
        *_reading_notes(info, nh3_check, farms, estimate=estimate),
        *_column_notes(match, ids),
    ]
    return FarmTable(
        farms=farms_gdf,
        rejected=rejected,
        carried=carried,
        n_read=n,
        info=info,
        carried_values=carried_values,
        animals=herd,
        nh3_check=nh3_check,
        estimate_subsidy=estimate,
        notes=notes,
        sources=sources,
        input_rows=frame.reset_index(drop=True),
    )


def reject_farms(table: FarmTable, reasons: np.ndarray) -> FarmTable:
    """The farm table with more rows rejected: the usable farms whose ``reasons`` (one per farm,
    ``""`` to keep it) are not empty go to ``rejected`` with that reason and their input row as
    read, sorted in as :func:`load_farms` sorts.

    Parameters
    ----------
    table
        As :func:`load_farms` gave it.
    reasons
        Per row of ``table.farms``: why it is rejected, or ``""``.
    """
    reasons = np.asarray(reasons, dtype=object)
    bad = reasons != ""
    if not bad.any():
        return table
    farms = table.farms
    rows = farms["row"].to_numpy()[bad]
    more = pd.DataFrame({"farm_id": farms["farm_id"].to_numpy(dtype=object)[bad]})
    more["reason"] = reasons[bad]
    raw = table.input_rows.iloc[rows].reset_index(drop=True)
    for c in raw.columns:
        more[c if c not in ("farm_id", "reason") else f"input_{c}"] = raw[c].to_numpy(dtype=object)
    rejected = pd.concat([table.rejected.astype(str), more.astype(str)], ignore_index=True)
    rejected = rejected.sort_values(list(rejected.columns), kind="stable").reset_index(drop=True)
    return replace(table, farms=farms[~bad].reset_index(drop=True), rejected=rejected)


def _columns_named(columns: ColumnMapping | None, fields: tuple[str, ...]) -> list[str]:
    """The fields among ``fields`` that a column mapping names a column for."""
    return [f for f in fields if columns and f in columns.columns]


def _field_sources(
    match, *, use_geometry: bool, nh3_from_animals: int, estimated: int
) -> dict[str, FieldSource | None]:
    """Every farm field and where its values came from (``None``: not in the file)."""
    sources: dict[str, FieldSource | None] = {
        name: match.source(name) for name in FARM_FIELDS.fields
    }
    if use_geometry:
        sources.update(
            x=FieldSource(made="geometry"), y=FieldSource(made="geometry"), lon=None, lat=None
        )
    if nh3_from_animals:
        computed = "computed from animal counts"
        sources["nh3_kg"] = match.source(
            "nh3_kg",
            made=computed,
            made_rows=nh3_from_animals if match["nh3_kg"] else None,
        )
    if estimated:
        sources["subsidy_eur"] = match.source(
            "subsidy_eur", made="estimate", made_rows=estimated if match["subsidy_eur"] else None
        )
    return sources


def _column_notes(match, ids: pd.Series) -> list[str]:
    """What the user should know about the columns used: a ``farm_id`` that looks like row
    numbers."""
    notes = []
    column = match["farm_id"]
    if column and match.found_by.get("farm_id") in ("name", "alias", "shapefile name"):
        digits = ids.str.fullmatch(r"\d{1,15}")
        if len(ids) > 1 and bool(digits.all()):
            numbers = ids.astype("int64").to_numpy()
            for first in (0, 1):
                if np.array_equal(numbers, np.arange(first, first + len(ids))):
                    notes.append(
                        f"farm_id comes from column {column!r}, which holds the row numbers "
                        f"{first}..{first + len(ids) - 1}: if these are database row numbers "
                        "rather than the locations' own ids, name the right column with "
                        "--columns farm_id=COLUMN"
                    )
                    break
    return notes


def _herd(
    frame: pd.DataFrame,
    wide: list[str],
    decimal: str,
    animals: Path | None,
    imaer_animals: pd.DataFrame | None,
    ids: pd.Series,
) -> tuple[pd.DataFrame, dict[int, list[str]], list[str]]:
    """All animal places per input row, from wide columns, a long table and IMAER housing."""
    parts = []
    problems: dict[int, list[str]] = {}
    notes: list[str] = []
    if wide:
        long, problems = wide_to_long(frame, wide, decimal=decimal)
        parts.append(long)
    if animals is not None:
        long, more, notes = load_animals_table(animals, ids)
        for i, texts in more.items():
            problems.setdefault(i, []).extend(texts)
        parts.append(long)
    if imaer_animals is not None:
        parts.append(imaer_animals)
    parts = [p for p in parts if len(p)]
    herd = pd.concat(parts, ignore_index=True) if parts else None
    if herd is None or herd.empty:
        herd = pd.DataFrame({"row": [], "rav_code": [], "animals": []})
    herd = herd.astype({"row": "int64", "animals": "float64"})
    return herd.sort_values("row", kind="stable").reset_index(drop=True), problems, notes


def _implied_herd(
    herd: pd.DataFrame,
    frame: pd.DataFrame,
    nh3: np.ndarray,
    has_animals: np.ndarray,
    factors: EmissionFactors,
) -> pd.DataFrame:
    """Animal places implied by an IMAER source that gives only NH3 and an animal type in its
    label (``Melkrundvee``, ``Vleesvarkens``, ...): NH3 / the conventional factor of that type.
    Used for the subsidy estimate only (marked ``implied``), never for NH3."""
    table = factors.factors
    codes = frame["label"].map(label_to_code).to_numpy(dtype=object)
    rows = np.flatnonzero(
        ~has_animals
        & np.isfinite(nh3)
        & (nh3 > 0)
        & np.array([c is not None and c in table for c in codes], dtype=bool)
    )
    if len(rows) == 0:
        return herd
    implied = pd.DataFrame(
        {
            "row": rows,
            "rav_code": codes[rows],
            "animals": [nh3[r] / table[codes[r]] for r in rows],
            "implied": True,
        }
    )
    out = pd.concat([herd.assign(implied=False), implied], ignore_index=True)
    return out.sort_values("row", kind="stable").reset_index(drop=True)


def _nh3_check(
    ids: pd.Series, rows: np.ndarray, given: np.ndarray, computed: np.ndarray
) -> pd.DataFrame:
    diff = np.round(computed[rows] - given[rows], 3)
    return pd.DataFrame(
        {
            "farm_id": ids.to_numpy(dtype=object)[rows],
            "row": rows,
            "nh3_kg_given": given[rows],
            "nh3_kg_from_animals": computed[rows],
            "difference_kg": diff,
            "difference_pct": np.round(100 * diff / given[rows], 1),
        }
    )


def _reading_notes(
    info: dict, nh3_check: pd.DataFrame, farms: pd.DataFrame, *, estimate: bool
) -> list[str]:
    """What the user should know about how the farm file was read: NH3 from animal counts,
    subsidies left to the estimate, IMAER sources merged."""
    notes = []
    animals = info.get("animals")
    if animals and animals["nh3_from_animals"]:
        notes.append(
            f"nh3_kg computed from animal counts for {animals['nh3_from_animals']:,} row(s) "
            f"(factors: {', '.join(Path(s).name for s in animals['emission_factors'])})"
        )
    check = nh3_check
    if len(check):
        off = int((check["difference_pct"].abs() > 10).sum())
        notes.append(
            f"nh3_kg given and computed from animals for {len(check):,} row(s): the given value "
            f"is used; median difference {check['difference_pct'].median():+.1f}%, {off:,} "
            "differ by more than 10% (see nh3_check.csv)"
        )
    if estimate and "subsidy_source" in farms:
        n_est = int((farms["subsidy_source"] == "estimate").sum())
        notes.append(
            f"subsidy_eur estimated for {n_est:,} farm(s) without an offer "
            "(see subsidy_estimates.csv; prices from the [subsidy] config table)"
        )
    if info.get("format") == "imaer-gml":
        notes.append(
            f"IMAER {info.get('imaer_version')}: {info['sources']:,} source(s) read as "
            f"{info['farms']:,} farm location(s) ({info['merged_sources']:,} merged by shared "
            "location)"
            + (
                f"; skipped {sum(info['skipped_sources'].values()):,} source(s) of other sectors"
                if info["skipped_sources"]
                else ""
            )
        )
    return notes
