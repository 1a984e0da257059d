"""Load farm locations: every row ends up either in the farm table or rejected with a reason."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
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
from vbr.io.locations import Located, locate
from vbr.io.offer_join import FileValues, OfferJoin, join_offers, offer_rows, take_offers
from vbr.io.rejections import reason_kind, rejection_table
from vbr.io.tables import RawTable, parse_numbers, read_table, row_label, short_text
from vbr.io.times import ParsedTimes, parse_times
from vbr.locale import Message, say
from vbr.model import FarmTable, FieldSource, OfferTable
from vbr.settings import ColumnMapping, load_config, option_default
from vbr.settings.limits import MAX_NH3_KG, MAX_OFFER_EUR, MAX_REJECTED_CELL_CHARS, MAX_ROWS

__all__ = [
    "FARM_COLUMNS",
    "FARM_FIELDS",
    "cut_cells_note",
    "cut_long_cells",
    "load_farms",
    "parse_times",
    "reject_farms",
    "rejected_table",
    "sort_rejected",
]

#: The ceiling of each number column of a farm row, and how the reason names it.
_CEILINGS = {
    "nh3_kg": (MAX_NH3_KG, f"{MAX_NH3_KG:,.0f} kg a year"),
    "subsidy_eur": (MAX_OFFER_EUR, f"EUR {MAX_OFFER_EUR:,.0f} per farm"),
}

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
    table=say("table_farms"),
    names=FARM_COLUMNS,
    option="--columns",
    config_table="columns",
    meaning={
        "farm_id": say("meaning_farm_id"),
        "nh3_kg": say("meaning_nh3_kg"),
        "subsidy_eur": say("meaning_subsidy_eur"),
    },
)
_LOCATION_FIELDS = ("x", "y", "lon", "lat")


def _number_problems(
    name: str, raw: pd.Series, values: np.ndarray, unparsed: np.ndarray, *, positive: bool
) -> dict[int, str]:
    """The problem of every row whose number cannot be used, by row (rows without one: absent)."""
    raw_list = raw.to_numpy(dtype=object)
    # an empty value reads as NaN: only those rows can be empty
    empty = np.zeros(len(values), dtype=bool)
    maybe = np.flatnonzero(np.isnan(values))
    empty[maybe] = [str(raw_list[i]).strip() == "" for i in maybe]
    out: dict[int, str] = {}
    ceiling, ceiling_text = _CEILINGS[name]
    with np.errstate(invalid="ignore"):
        bad_range = (values <= 0) if positive else (values < 0)
        too_large = values > ceiling
    infinite = np.isinf(values)
    for i in np.flatnonzero(empty | unparsed | infinite | bad_range | too_large):
        if empty[i]:
            out[i] = f"{name} missing"
        elif unparsed[i]:
            out[i] = f"{name} not a number ({_short(raw_list[i])})"
        elif infinite[i]:
            out[i] = f"{name} not a finite number ({_short(raw_list[i])})"
        elif too_large[i]:
            out[i] = f"{name} above the ceiling of {ceiling_text} (got {_short(raw_list[i])})"
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
    large: bool = False,
    min_herd_share: float | None = None,
    offers: OfferTable | None = None,
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
    large
        Read a file of more than :data:`~vbr.settings.limits.MAX_ROWS` rows (``--large``).
    min_herd_share
        A subsidy is estimated from animal counts only where they explain at least this share
        of the row's ``nh3_kg`` (``[subsidy] min_herd_share``; ``None``: the configured
        default); a row below it is rejected with both figures.
    offers
        An offers table (:func:`vbr.io.offers.read_offers`) joined on ``farm_id`` (see
        :mod:`vbr.io.offer_join`): a location takes the subsidy and times of its offer; a
        location without one keeps the farm file's subsidy, or is estimated where the rules
        allow, else rejected (``no offer``); an offer joined to no location is a rejected row
        of its own (``n_read`` and ``rejections`` count the locations and those offers).

    Raises
    ------
    InputError
        When the file as a whole cannot be used: missing, unreadable, no ``farm_id`` column, no
        ``nh3_kg`` column and no animal counts, no ``subsidy_eur`` column and nothing to
        estimate it from, no location, no CRS; two columns that could be one field; a column
        mapping that names a column the file does not have.
    """
    path = Path(path)
    table, imaer_animals = _read_farm_file(path, layer=layer, sheet=sheet, large=large)
    factors = emission_factors if emission_factors is not None else load_emission_factors()
    fields = _settle_fields(
        table,
        path,
        mapping=columns,
        factors=factors,
        with_herd=animals is not None or imaer_animals is not None,
        estimate_subsidy=estimate_subsidy,
        offers=offers,
    )
    located = locate(table, fields.cols, farms_crs, use_geometry=fields.use_geometry)
    values = _read_values(table, fields.cols, path)
    join = (
        _take_offers(values, offers, table, fields.cols, path, imaer=imaer_animals is not None)
        if offers is not None
        else None
    )
    herd = (
        _count_herd(values, table, fields, animals, imaer_animals, factors)
        if fields.with_animals
        else _Herd.none(values.n)
    )
    if fields.estimate:
        _estimate_rules(values, herd, min_herd_share)
    values.gather(located.problems)
    return _farm_table(
        _Reading(
            table=table,
            fields=fields,
            located=located,
            values=values,
            join=join,
            herd=herd,
            animals=animals,
            factors=factors,
            imaer=imaer_animals is not None,
            min_herd_share=min_herd_share,
        )
    )


def _read_farm_file(
    path: Path, *, layer: str | None, sheet: str | None, large: bool
) -> tuple[RawTable, pd.DataFrame | None]:
    """The farm file as a raw table, and the animal counts of an IMAER file (``None`` for any
    other file)."""
    if not is_imaer(path):
        table = read_table(
            path, layer=layer, sheet=sheet, geometry="point", max_rows=None if large else MAX_ROWS
        )
        return table, None
    if layer is not None or sheet is not None:
        option = "--layer" if layer is not None else "--sheet"
        raise InputError(say("imaer_whole", file=path.name, option=option), source=option)
    parsed = read_imaer(path)
    return parsed.table, parsed.animals


@dataclass(frozen=True)
class _Fields:
    """Which columns give the fields, and what follows from it: the location from the geometry
    or from columns, the wide animal-count columns, whether subsidies are estimated."""

    match: object
    cols: dict[str, str | None]
    use_geometry: bool
    wide: list[str]
    with_animals: bool
    estimate: bool


def _settle_fields(
    table: RawTable,
    path: Path,
    *,
    mapping: ColumnMapping | None,
    factors: EmissionFactors,
    with_herd: bool,
    estimate_subsidy: bool,
    offers: OfferTable | None,
) -> _Fields:
    """Match the columns to the fields; stop when a field the run needs has no column (or the
    file has no rows). ``with_herd``: animal counts come from a table or an IMAER file."""
    columns = list(table.frame.columns)
    use_geometry = table.geometry is not None and not _columns_named(mapping, _LOCATION_FIELDS)
    match = match_columns(
        columns,
        FARM_FIELDS,
        path=path,
        mapping=mapping,
        unused=_LOCATION_FIELDS if use_geometry else (),
    )
    cols = dict(match.columns)
    wide = [c for c in animal_columns(columns, factors) if c not in match.used]
    with_animals = bool(wide) or with_herd
    estimate = estimate_subsidy or (cols["subsidy_eur"] is None and with_animals)
    missing = [key for key in ("farm_id",) if cols[key] is None]
    if cols["nh3_kg"] is None and not with_animals:
        missing.append("nh3_kg")
    if cols["subsidy_eur"] is None and not estimate and offers is None:
        missing.append("subsidy_eur")
    if missing:
        raise missing_fields_error(
            FARM_FIELDS,
            missing,
            columns=columns,
            path=path,
            alternatives={
                "nh3_kg": say("alternative_nh3_kg"),
                "subsidy_eur": say("alternative_subsidy_eur"),
            },
        )
    if len(table.frame) == 0:
        raise InputError(say("no_rows"), source=str(path))
    return _Fields(match, cols, use_geometry, wide, with_animals, estimate)


@dataclass
class _Values:
    """Every row's values as read (later taken from offers and animal counts) and its problems:
    a number's or a time's own problem until :meth:`gather` adds them to ``reasons``."""

    n: int
    ids: pd.Series
    duplicated: np.ndarray
    nh3: np.ndarray
    nh3_raw: pd.Series
    nh3_problems: dict[int, str]
    subsidy: np.ndarray
    sub_raw: pd.Series
    sub_problems: dict[int, str]
    times: dict[str, ParsedTimes]
    reasons: defaultdict[int, list[str]]
    #: Rows whose location has no offer, and what it lacks (an offers table only).
    lacking: dict[int, str] = field(default_factory=dict)

    def gather(self, location_problems: dict[int, str]) -> None:
        """Add the location's, the numbers' and the times' problems to each row's reasons."""
        for found in (location_problems, self.nh3_problems, self.sub_problems):
            for i, text in found.items():
                self.reasons[i].append(text)
        ratio = _ratio_problems(self.subsidy, self.nh3, self.nh3_problems, self.sub_problems)
        for i, text in ratio.items():
            self.reasons[i].append(text)
        for parsed in self.times.values():
            for i, text in parsed.problems.items():
                self.reasons[i].append(text)


def _read_values(table: RawTable, cols: dict[str, str | None], path: Path) -> _Values:
    """The numbers, times and ids of every row, each row's problems with them, and the
    problems the reader and the ids give (an empty, duplicated or invisible-character id)."""
    frame = table.frame
    n = len(frame)
    empty_text = pd.Series([""] * n, index=frame.index, dtype=object)
    nh3_raw = frame[cols["nh3_kg"]] if cols["nh3_kg"] else empty_text
    nh3, nh3_bad = parse_numbers(nh3_raw, decimal=table.decimal)
    sub_raw = frame[cols["subsidy_eur"]] if cols["subsidy_eur"] else empty_text
    subsidy, sub_bad = parse_numbers(sub_raw, decimal=table.decimal)
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
    return _Values(
        n=n,
        ids=ids,
        duplicated=duplicated,
        nh3=nh3,
        nh3_raw=nh3_raw,
        nh3_problems=_number_problems("nh3_kg", nh3_raw, nh3, nh3_bad, positive=True),
        subsidy=subsidy,
        sub_raw=sub_raw,
        sub_problems=_number_problems("subsidy_eur", sub_raw, subsidy, sub_bad, positive=False),
        times=times,
        reasons=reasons,
    )


def _take_offers(
    values: _Values,
    offers: OfferTable,
    table: RawTable,
    cols: dict[str, str | None],
    path: Path,
    *,
    imaer: bool,
) -> OfferJoin:
    """Join the offers to the locations on ``farm_id`` and take each location's subsidy and
    times from its offer (see :mod:`vbr.io.offer_join`); the join."""
    frame = table.frame
    join = join_offers(
        offers,
        values.ids,
        duplicated=values.duplicated,
        farm_path=path,
        source_ids=frame["imaer_sources"] if imaer else None,
    )
    offered = take_offers(
        join,
        ids=values.ids,
        subsidy=FileValues(values.subsidy, values.sub_raw, cols["subsidy_eur"]),
        submitted_at=_file_times(frame, cols["submitted_at"], values.times["submitted_at"]),
        complete_at=_file_times(frame, cols["complete_at"], values.times["complete_at"]),
        farm_path=path,
    )
    values.subsidy, values.sub_raw = offered.subsidy, offered.subsidy_raw
    # the times of each location: its offer's where that gives one (the farm file's own
    # problems stay: a time that both give and that differs has stopped the run)
    values.times = {
        "submitted_at": replace(values.times["submitted_at"], times=offered.submitted_at),
        "complete_at": replace(values.times["complete_at"], times=offered.complete_at),
    }
    for i in np.flatnonzero(offered.subsidy_from_offer):
        values.sub_problems.pop(i, None)
    for i, texts in offered.problems.items():
        values.reasons[i] += texts
    for i, text in join.location_problems.items():
        values.reasons[i].append(text)
    values.lacking = offered.missing
    values.sub_problems.update(
        {i: text for i, text in values.lacking.items() if i in values.sub_problems}
    )
    return join


@dataclass
class _Herd:
    """What the animal counts gave: the long table of counts, the notes of reading them, the
    check of given against computed NH3, the rows whose NH3 they give, and the herd check."""

    table: pd.DataFrame
    notes: list[str]
    nh3_check: pd.DataFrame
    from_animals: np.ndarray
    check: _HerdCheck | None

    @classmethod
    def none(cls, n: int) -> _Herd:
        """No animal counts."""
        return cls(
            table=pd.DataFrame({"row": [], "rav_code": [], "animals": []}),
            notes=[],
            nh3_check=pd.DataFrame(),
            from_animals=np.zeros(n, dtype=bool),
            check=None,
        )


def _count_herd(
    values: _Values,
    table: RawTable,
    fields: _Fields,
    animals: Path | None,
    imaer_animals: pd.DataFrame | None,
    factors: EmissionFactors,
) -> _Herd:
    """NH3 from the animal counts where a row gives none, the rows' problems with the counts,
    and the check of given against computed NH3."""
    frame, n, reasons = table.frame, values.n, values.reasons
    herd, animal_problems, notes = _herd(
        frame, fields.wide, table.decimal, animals, imaer_animals, values.ids
    )
    with np.errstate(over="ignore", invalid="ignore"):
        computed, has_animals, unknown = nh3_from_animals(herd, factors, n)
        computed = np.round(computed, 3)
    # counts that give an emission beyond the ceiling (or beyond floats) cannot be right
    absurd = has_animals & ~(computed <= MAX_NH3_KG)
    for i in np.flatnonzero(absurd):
        reasons[i].append(
            f"nh3_kg computed from the animal counts is above the ceiling of "
            f"{_CEILINGS['nh3_kg'][1]} ({computed[i]:.3g}); check the counts"
        )
    computed = np.where(absurd, np.nan, computed)
    for i, texts in sorted(animal_problems.items()):
        reasons[i] += texts
    for i, codes in sorted(unknown.items()):
        reasons[i] += [
            f"unknown Rav code {c!r} (not in the emission factor table; add it with "
            "--emission-factors)"
            for c in codes
        ]
    given_empty = values.nh3_raw.astype(str).str.strip().to_numpy() == ""
    from_animals = given_empty & has_animals
    nh3 = values.nh3 = np.where(from_animals, computed, values.nh3)
    for i in np.flatnonzero(from_animals):
        values.nh3_problems.pop(i, None)
        if not (computed[i] > 0 or i in unknown or absurd[i]):
            values.nh3_problems[i] = "nh3_kg must be > 0 (computed from animals: 0)"
    for i in np.flatnonzero(given_empty & ~has_animals):
        values.nh3_problems[i] = "nh3_kg missing (no nh3_kg value and no animal counts)"
    both = ~given_empty & has_animals & np.isfinite(nh3) & (nh3 > 0)
    both[list(unknown)] = False
    both &= ~absurd
    nh3_check = _nh3_check(values.ids, np.flatnonzero(both), nh3, computed)
    check = _HerdCheck(explained=np.where(has_animals, computed, np.nan), nh3=nh3, both=both)
    if imaer_animals is not None:
        herd = _implied_herd(herd, frame, nh3, has_animals, factors)
    return _Herd(herd, notes, nh3_check, from_animals, check)


def _estimate_rules(values: _Values, herd: _Herd, min_herd_share: float | None) -> None:
    """A row without a subsidy is left to the estimate where it has animal counts that explain
    enough of its NH3; else it gets the problem that says why it cannot be estimated."""
    sub_empty = values.sub_raw.astype(str).str.strip().to_numpy() == ""
    rows_with_animals = set(herd.table["row"].tolist())
    lacking = values.lacking
    for i in np.flatnonzero(sub_empty):
        values.sub_problems.pop(i, None)
        if i not in rows_with_animals:
            values.sub_problems[i] = (
                f"{lacking[i]} and no animal counts to estimate the subsidy from"
                if i in lacking
                else "subsidy_eur missing and no animal counts to estimate it from"
            )
    if herd.check is not None:
        share = _herd_share_rule(min_herd_share)
        values.sub_problems.update(
            _herd_share_problems(
                herd.check, sub_empty & ~herd.from_animals, min_share=share, lacking=lacking
            )
        )


@dataclass(frozen=True)
class _Reading:
    """What the steps of :func:`load_farms` found, for sorting the rows and saying how the file
    was read."""

    table: RawTable
    fields: _Fields
    located: Located
    values: _Values
    join: OfferJoin | None
    herd: _Herd
    animals: Path | None
    factors: EmissionFactors
    imaer: bool
    min_herd_share: float | None


def _farm_table(reading: _Reading) -> FarmTable:
    """Sort every row into the usable farms or the rejected rows (with all its reasons), and
    say how the file was read."""
    table, fields, values = reading.table, reading.fields, reading.values
    located, join, herd = reading.located, reading.join, reading.herd
    frame, cols, n, ids, reasons = table.frame, fields.cols, values.n, values.ids, values.reasons
    columns = list(frame.columns)
    estimate, times, nh3_check = fields.estimate, values.times, herd.nh3_check
    bad = np.zeros(n, dtype=bool)
    bad[list(reasons)] = True
    used = {cols[k] for k in ("farm_id", "nh3_kg", "subsidy_eur") if cols[k]}
    carried = [c for c in columns if c not in used]

    keep = ~bad
    farms = pd.DataFrame(
        {
            "farm_id": ids.to_numpy(dtype=object)[keep],
            "nh3_kg": values.nh3[keep],
            "subsidy_eur": values.subsidy[keep],
            # the UTC datetime array itself (to_numpy would make a Timestamp object per farm)
            "submitted_at": times["submitted_at"].times.array[keep],
            "row": np.flatnonzero(keep),
        }
    )
    if cols["complete_at"] or (join is not None and join.offers.complete_at is not None):
        farms["complete_at"] = times["complete_at"].times.array[keep]
    if herd.check is not None and cols["nh3_kg"] and herd.check.both.any():
        farms["nh3_animals_kg"] = herd.check.explained[keep]
        farms["nh3_given_vs_animals"] = herd.check.ratio()[keep]
    if estimate:
        farms["subsidy_source"] = np.where(np.isnan(values.subsidy[keep]), "estimate", "offer")
    carried_values = frame[carried].reset_index(drop=True)
    # names the offers' columns take in the outputs: offers_<name> where a farm column has it
    taken = {*columns, "farm_id", "reason", "input_farm_id", "input_reason"}
    if join is not None:
        from_offers = offer_rows(join, join.offer_of_row, taken)
        names = dict(zip(join.offers.frame.columns, from_offers.columns, strict=True))
        offered_carried = [names[c] for c in join.offers.carried]
        carried_values = pd.concat([carried_values, from_offers[offered_carried]], axis=1)
        carried = [*carried, *offered_carried]
    geometry = shapely.points(located.x[keep], located.y[keep])
    farms_gdf = gpd.GeoDataFrame(farms, geometry=geometry, crs=RD_NEW)

    bad_rows = np.flatnonzero(bad)
    rejected = rejected_table(
        ids.to_numpy(dtype=object)[bad],
        ["; ".join(reasons[i]) for i in bad_rows],
        frame.loc[bad].reset_index(drop=True),
    )
    rejections = rejection_table(reasons, ids, label=lambda i: row_label(table, i))
    if join is not None:
        rejections = _rejections_with_offers(rejections, join, after=n)
        rejected = _rejected_with_offers(rejected, join, bad, taken)
    rejected, cut = cut_long_cells(sort_rejected(rejected))
    info, sources, notes = _how_read(reading, farms)
    if cut:
        notes.append(cut_cells_note(cut))
    return FarmTable(
        farms=farms_gdf,
        rejected=rejected,
        carried=carried,
        n_read=n + (len(join.unattached) if join is not None else 0),
        info=info,
        carried_values=carried_values,
        used_values=frame[[c for c in columns if c in used]].reset_index(drop=True),
        columns=columns,
        animals=herd.table,
        nh3_check=nh3_check,
        estimate_subsidy=estimate,
        notes=notes,
        sources=sources,
        rejections=rejections,
        input_rows=frame.reset_index(drop=True),
    )


def _how_read(reading: _Reading, farms: pd.DataFrame) -> tuple[dict, dict, list]:
    """How the file was read (``info`` for the manifest), where each field came from, and the
    notes the user should know about reading ``farms`` from it."""
    table, fields, values = reading.table, reading.fields, reading.values
    located, join, herd, animals = reading.located, reading.join, reading.herd, reading.animals
    min_herd_share = reading.min_herd_share
    estimate, times, nh3_check = fields.estimate, values.times, herd.nh3_check
    from_animals = int(herd.from_animals.sum())
    info = {**table.info, **located.info, "decimal": table.decimal}
    if fields.with_animals:
        info["animals"] = {
            "wide_columns": fields.wide,
            "long_table": str(animals) if animals is not None else None,
            "imaer": reading.imaer,
            "emission_factors": list(reading.factors.sources),
            "nh3_from_animals": from_animals,
            "nh3_given_and_computed": len(nh3_check),
        }
    if estimate:
        info["subsidy_estimate"] = True
    if join is not None:
        info["offers"] = _offers_info(join, farms, estimate=estimate)
    sources = _field_sources(
        fields.match,
        use_geometry=fields.use_geometry,
        nh3_from_animals=from_animals,
        estimated=int((farms["subsidy_source"] == "estimate").sum()) if estimate else 0,
        offers=join.offers if join is not None else None,
        offered_rows=int(join.has_offer.sum()) if join is not None else 0,
    )
    notes = [
        *table.notes,
        *located.notes,
        *herd.notes,
        *(note for parsed in times.values() for note in parsed.notes),
        *_reading_notes(info, nh3_check, farms, estimate=estimate),
        *(_herd_notes(farms, min_share=_herd_share_rule(min_herd_share)) if estimate else []),
        *(_offers_notes(info["offers"], join.offers) if join is not None else []),
        *_column_notes(fields.match, values.ids),
    ]
    return info, sources, notes


def _ratio_problems(
    subsidy: np.ndarray, nh3: np.ndarray, nh3_problems: dict, sub_problems: dict
) -> dict[int, str]:
    """Rows whose ``eur_per_kg = subsidy_eur / nh3_kg`` leaves the finite range (an emission
    too small for its subsidy), among the rows whose two numbers are fine on their own."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ratio = subsidy / nh3
    usable = np.isfinite(subsidy) & np.isfinite(nh3) & (nh3 > 0)
    out = {}
    for i in np.flatnonzero(usable & ~np.isfinite(ratio)):
        if i not in nh3_problems and i not in sub_problems:
            out[i] = (
                f"eur_per_kg = subsidy_eur / nh3_kg is not a finite number "
                f"({subsidy[i]:.6g} / {nh3[i]:.6g}); is nh3_kg in kg a year?"
            )
    return out


def rejected_table(
    farm_ids: np.ndarray, reasons: list[str], rows_as_read: pd.DataFrame
) -> pd.DataFrame:
    """The rejected rows as ``rejected.csv`` holds them: ``farm_id``, ``reason``, then the input
    row as read (an input column named ``farm_id`` or ``reason`` as ``input_<name>``).

    Parameters
    ----------
    farm_ids, reasons
        Per rejected row: the farm id as used (trimmed) and the reason.
    rows_as_read
        The rows as read, every input column in file order (text).
    """
    rejected = pd.DataFrame({"farm_id": farm_ids, "reason": reasons})
    for c in rows_as_read.columns:
        name = c if c not in ("farm_id", "reason") else f"input_{c}"
        rejected[name] = rows_as_read[c].to_numpy(dtype=object)
    return rejected


def sort_rejected(rejected: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows sorted by content (farm_id, reason, then the row as read), not by input
    position, so that the same rows in another order give the same rejected.csv byte for
    byte."""
    if len(rejected) <= 1:
        return rejected
    rejected = rejected.astype(str).sort_values(list(rejected.columns), kind="stable")
    return rejected.reset_index(drop=True)


def cut_long_cells(
    rejected: pd.DataFrame, *, limit: int = MAX_REJECTED_CELL_CHARS
) -> tuple[pd.DataFrame, int]:
    """Cells of rejected rows longer than ``limit`` characters cut to ``limit``, marked as cut
    (the ``reason`` is left whole; the input file keeps every cell whole).

    Returns
    -------
    rejected, cut
        The table and the number of cells cut. Cutting twice changes nothing.
    """
    cut = 0
    out = rejected
    for c in rejected.columns:
        if c == "reason" or len(rejected) == 0:
            continue
        values = rejected[c].astype(str)
        long = values.str.len().to_numpy() > limit
        if not long.any():
            continue
        if out is rejected:
            out = rejected.copy()
        texts = values.to_numpy(dtype=object)
        for i in np.flatnonzero(long):
            marker = f" [... cut: {len(texts[i]):,} characters in the input]"
            texts[i] = texts[i][: max(0, limit - len(marker))] + marker
        out[c] = texts
        cut += int(long.sum())
    return out, cut


def cut_cells_note(cut: int) -> Message:
    """The note that says how many cells of ``rejected.csv`` were cut."""
    return Message("notes.cut_cells", count=cut, limit=MAX_REJECTED_CELL_CHARS)


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
    more = rejected_table(
        farms["farm_id"].to_numpy(dtype=object)[bad],
        list(reasons[bad]),
        table.input_rows.iloc[rows].reset_index(drop=True),
    )
    more, _ = cut_long_cells(more)
    rejected = sort_rejected(pd.concat([table.rejected, more], ignore_index=True))
    # the kinds of reason behind --max-rejected and the summary count these rows too
    spatial = table.info.get("format") not in ("csv", "xlsx")
    kinds = pd.DataFrame(
        {
            "row": pd.Series(rows, dtype="int64"),
            "where": [f"feature {r + 1}" if spatial else f"row {r + 2}" for r in rows],
            "farm_id": farms["farm_id"].to_numpy(dtype=object)[bad],
            "kind": [reason_kind(text) for text in reasons[bad]],
        }
    )
    rejections = pd.concat([table.rejections, kinds], ignore_index=True)
    return replace(
        table,
        farms=farms[~bad].reset_index(drop=True),
        rejected=rejected,
        rejections=rejections.sort_values(["row", "kind"], kind="stable").reset_index(drop=True),
    )


def _file_times(frame: pd.DataFrame, column: str | None, parsed: ParsedTimes) -> FileValues:
    """A time column of the farm file as the offers join compares it: the times as read
    (UTC, NaT where empty or unreadable), the cells as read, the column (``None``: the file has
    none, and its cells count as empty)."""
    if column is None:
        empty = pd.Series([""] * len(frame), index=parsed.times.index, dtype=object)
        return FileValues(parsed.times, empty, None)
    return FileValues(parsed.times, frame[column].reset_index(drop=True), column)


def _rejections_with_offers(
    rejections: pd.DataFrame, join: OfferJoin, *, after: int
) -> pd.DataFrame:
    """The rejections of the locations and those of the offers joined to no location, for the
    counts by kind, ``--max-rejected`` and the top reasons. An offer alone is named by its row
    of the offers table (``offers.csv row 4``); its ``row`` is ``after`` (the number of
    locations) plus its position, so that the example of a kind is a location where one has it.
    """
    if not len(join.unattached):
        return rejections
    offers = join.offers
    alone = rejection_table(
        dict(zip(join.unattached.tolist(), join.unattached_problems, strict=True)),
        offers.ids,
        label=lambda j: f"{offers.path.name} row {j + 2}",
    )
    alone["row"] += after
    return pd.concat([rejections, alone], ignore_index=True)


def _rejected_with_offers(
    rejected: pd.DataFrame, join: OfferJoin, bad: np.ndarray, taken: set[str]
) -> pd.DataFrame:
    """The rejected locations with the row of their offer beside them, and a row for every
    offer joined to no location (its farm_id and reason, the offer as read, the farm file's
    columns empty)."""
    beside = offer_rows(join, join.offer_of_row[bad], taken)
    rejected = pd.concat([rejected.reset_index(drop=True), beside], axis=1)
    if not len(join.unattached):
        return rejected
    alone = offer_rows(join, join.unattached, taken)
    alone.insert(0, "farm_id", join.offers.ids.to_numpy(dtype=object)[join.unattached])
    alone.insert(1, "reason", join.unattached_reasons)
    return pd.concat([rejected, alone], ignore_index=True).fillna("")[list(rejected.columns)]


def _offers_info(join: OfferJoin, farms: pd.DataFrame, *, estimate: bool) -> dict:
    """How the offers table was joined, for the manifest and the notes."""
    offers = join.offers
    reasons = pd.Series([texts[0] for texts in join.unattached_problems], dtype=object)
    reasons = reasons.str.split(" (", regex=False).str[0]
    return {
        "path": str(offers.path),
        "rows": len(offers.frame),
        "joined": int(join.has_offer.sum()),
        "joined_by_imaer_source": join.via_source,
        "not_joined": {k: int(v) for k, v in reasons.value_counts().sort_index().items()},
        "locations_with_several_offers": len(join.location_problems),
        "ranked_with_offer": int(farms["row"].isin(np.flatnonzero(join.has_offer)).sum()),
        "ranked_on_estimate": int((farms["subsidy_source"] == "estimate").sum()) if estimate else 0,
    }


def _offers_notes(info: dict, offers: OfferTable) -> list[str]:
    """What the user should know about the join: how many offers found a location, and what
    became of the others and of the locations without one."""
    not_joined = sum(info["not_joined"].values())
    text = Message(
        "notes.offers_joined",
        rows=int(info["rows"]),
        file=offers.path.name,
        joined=int(info["joined"]),
        by_source=(
            Message("notes.offers_by_source", count=int(info["joined_by_imaer_source"]))
            if info["joined_by_imaer_source"]
            else ""
        ),
        none=(
            Message(
                "notes.offers_none",
                count=int(not_joined),
                kinds=", ".join(f"{kind}: {count:,}" for kind, count in info["not_joined"].items()),
            )
            if not_joined
            else ""
        ),
    )
    notes = [*offers.notes, text]
    complete = offers.sources.get("complete_at")
    if complete is not None and complete.column:
        notes.append(
            Message("notes.complete_at_unused", column=repr(complete.column), file=offers.path.name)
        )
    return notes


def _columns_named(columns: ColumnMapping | None, fields: tuple[str, ...]) -> list[str]:
    """The fields among ``fields`` that a column mapping names a column for."""
    return [f for f in fields if columns and f in columns.columns]


def _field_sources(
    match,
    *,
    use_geometry: bool,
    nh3_from_animals: int,
    estimated: int,
    offers: OfferTable | None = None,
    offered_rows: int = 0,
) -> dict[str, FieldSource | None]:
    """Every farm field and where its values came from (``None``: not in the file); with an
    offers table, the fields it gives say ``offers table`` (its own columns are in its own
    entry)."""
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
    if offers is not None:
        for name, source in offers.sources.items():
            if name == "farm_id" or source is None:
                continue
            made = f"offers table ({offers.path.name})"
            if name == "subsidy_eur" and estimated:
                made += f"; estimate for {estimated:,} rows"
            sources[name] = match.source(
                name, made=made, made_rows=offered_rows if match[name] else None
            )
    return sources


def _column_notes(match, ids: pd.Series) -> list[str]:
    """What the user should know about the columns used: a ``farm_id`` that looks like row
    numbers."""
    notes = []
    column = match["farm_id"]
    if column and match.found_by.get("farm_id") in ("name", "alias", "shapefile name"):
        # all ids digits: the first must be (one test before a pass over every id)
        first = ids.iloc[0] if len(ids) > 1 else ""
        if re.fullmatch(r"\d{1,15}", first) and bool(ids.str.fullmatch(r"\d{1,15}").all()):
            numbers = ids.astype("int64").to_numpy()
            for first in (0, 1):
                if np.array_equal(numbers, np.arange(first, first + len(ids))):
                    notes.append(
                        Message(
                            "notes.farm_id_row_numbers",
                            column=repr(column),
                            numbers=f"{first}..{first + len(ids) - 1}",
                        )
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


@dataclass(frozen=True)
class _HerdCheck:
    """What the animal counts explain of each input row's NH3.

    Attributes
    ----------
    explained
        kg NH3 per year that the counted animals explain (places x factor; species without an
        emission factor explain nothing), NaN for a row without counts.
    nh3
        The row's ``nh3_kg`` (given, or computed from the counts).
    both
        Rows with a given ``nh3_kg`` > 0 and counts whose codes are all known.
    """

    explained: np.ndarray
    nh3: np.ndarray
    both: np.ndarray

    def ratio(self) -> np.ndarray:
        """``nh3_kg / nh3_animals_kg`` where both are given (3 decimals), else NaN: above 1 the
        given NH3 is more than the counts explain (part of the farm is not counted), below 1
        the counts explain more (low-emission housing, or more animals than the NH3 covers)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.round(self.nh3 / self.explained, 3)
        return np.where(self.both & (self.explained > 0), ratio, np.nan)


def _herd_share_rule(min_herd_share: float | None) -> float:
    """The ``min_herd_share`` of a run: as given, else the configured default."""
    if min_herd_share is not None:
        return float(min_herd_share)
    return load_config().subsidy.min_herd_share


def _herd_share_problems(
    check: _HerdCheck,
    to_estimate: np.ndarray,
    *,
    min_share: float,
    lacking: dict[int, str] | None = None,
) -> dict[int, str]:
    """The rejection of every row whose subsidy would be estimated from animal counts that
    explain less than ``min_share`` of its given NH3, with both figures and the fix.

    ``lacking`` starts the reason of rows joined to an offers table (``no offer``) instead of
    ``subsidy_eur missing``."""
    lacking = lacking or {}
    with np.errstate(invalid="ignore"):
        short = to_estimate & check.both & (check.explained < min_share * check.nh3)
    out: dict[int, str] = {}
    for i in np.flatnonzero(short):
        explained, nh3 = check.explained[i], check.nh3[i]
        lack = lacking.get(int(i))
        out[int(i)] = (
            f"{lack or 'subsidy_eur missing'} and the animal counts explain too little NH3 "
            f"to estimate {'the subsidy' if lack else 'it'} ({explained:.1f} of {nh3:.1f} "
            f"kg, {_floor_percent(explained / nh3)}; min_herd_share {100 * min_share:g}%): give "
            f"an offer for this farm or complete animal counts"
        )
    return out


def _floor_percent(share: float) -> str:
    """A share as a whole percentage rounded down, so that one below a limit never reads as
    the limit (49.96 % is ``49%``, not ``50%``)."""
    return f"{math.floor(100 * share + 1e-9):d}%"


def _herd_notes(farms: pd.DataFrame, *, min_share: float) -> list[str]:
    """Estimates from counts that explain far more than the given NH3: kept, but said."""
    if "nh3_given_vs_animals" not in farms or min_share <= 0:
        return []
    estimated = (farms["subsidy_source"] == "estimate").to_numpy()
    low = int((estimated & (farms["nh3_given_vs_animals"].to_numpy() < min_share)).sum())
    if not low:
        return []
    times, share = Decimal(f"{1 / min_share:g}"), Decimal(f"{min_share:g}")  # 2 and 0,5 in Dutch
    return [Message("notes.herd", count=low, times=times, share=share)]


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
            Message(
                "notes.nh3_from_animals",
                count=int(animals["nh3_from_animals"]),
                factors=", ".join(Path(s).name for s in animals["emission_factors"]),
            )
        )
    check = nh3_check
    if len(check):
        off = int((check["difference_pct"].abs() > 10).sum())
        median = float(check["difference_pct"].median())
        notes.append(
            Message(
                "notes.nh3_given_and_computed",
                count=len(check),
                sign="+" if median >= 0 else "",
                median=median,
                off=off,
            )
        )
    estimated = farms["subsidy_source"] == "estimate" if estimate else pd.Series([], dtype=bool)
    n_est = int(estimated.sum())
    if n_est:
        notes.append(Message("notes.subsidy_estimated", count=n_est))
    if info.get("format") == "imaer-gml":
        skipped = sum(info["skipped_sources"].values())
        notes.append(
            Message(
                "notes.imaer",
                version=str(info.get("imaer_version")),
                sources=int(info["sources"]),
                farms=int(info["farms"]),
                merged=int(info["merged_sources"]),
                skipped=Message("notes.imaer_skipped", count=int(skipped)) if skipped else "",
            )
        )
    return notes
