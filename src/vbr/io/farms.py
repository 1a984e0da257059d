"""Load farm locations: every row ends up either in the farm table or rejected with a reason."""

from __future__ import annotations

from collections import defaultdict
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
from vbr.io.crs import RD_NEW
from vbr.io.ids import normalise_ids
from vbr.io.imaer import is_imaer, label_to_code, read_imaer
from vbr.io.locations import locate
from vbr.io.rejections import rejection_table
from vbr.io.tables import parse_numbers, read_table, row_label, short_text
from vbr.io.times import ParsedTimes, parse_times
from vbr.model import FarmTable, FieldSource
from vbr.settings import ColumnMapping, option_default

__all__ = ["FARM_COLUMNS", "FARM_FIELDS", "load_farms", "parse_times"]

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


_short = short_text


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

    located = locate(table, cols, farms_crs, use_geometry=use_geometry)
    rx, ry, loc_problems, loc_info = located.x, located.y, located.problems, located.info
    empty_text = pd.Series([""] * n, index=frame.index, dtype=object)
    nh3_raw = frame[cols["nh3_kg"]] if cols["nh3_kg"] else empty_text
    nh3, nh3_bad = parse_numbers(nh3_raw, decimal=table.decimal)
    nh3_problems = _number_problems("nh3_kg", nh3_raw, nh3, nh3_bad, positive=True)
    sub_raw = frame[cols["subsidy_eur"]] if cols["subsidy_eur"] else empty_text
    subsidy, sub_bad = parse_numbers(sub_raw, decimal=table.decimal)
    sub_problems = _number_problems("subsidy_eur", sub_raw, subsidy, sub_bad, positive=False)
    times = {
        key: parse_times(
            frame[cols[key]],
            column=key,
            source=str(path),
            excel_epoch=table.excel_epoch,
            row_label=lambda i: row_label(table, i),
        )
        if cols[key]
        else ParsedTimes.not_given(n)
        for key in ("submitted_at", "complete_at")
    }

    ids, id_problems = normalise_ids(frame[cols["farm_id"]])
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
    for i, text in id_problems.items():
        reasons[i].append(text)

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
    for parsed in times.values():
        for i, text in parsed.problems.items():
            reasons[i].append(text)

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
            "submitted_at": times["submitted_at"].times.array[keep],
            "row": np.flatnonzero(keep),
        }
    )
    if cols["complete_at"]:
        farms["complete_at"] = times["complete_at"].times.array[keep]
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
    rejections = rejection_table(reasons, ids, label=lambda i: row_label(table, i))
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
        *located.notes,
        *notes,
        *(note for parsed in times.values() for note in parsed.notes),
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
        rejections=rejections,
    )


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
    numbers, a ``complete_at`` column that the rules do not use yet."""
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
    if match["complete_at"]:
        notes.append(
            f"complete_at (column {match['complete_at']!r}) is carried through but not yet used "
            "for the order: first come, first served follows submitted_at"
        )
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
