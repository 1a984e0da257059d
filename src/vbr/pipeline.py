"""The core job: :func:`compute` reads, decides and ranks; nothing is written.

``compute(options) -> Result`` holds the stage order, the timing and the notes: the readers
(:mod:`vbr.io`) give the inputs, the rules (:mod:`vbr.core`) decide which areas are overloaded,
measure, rank, walk the budgets and explain. Writing is :mod:`vbr.writing`'s (the writers and
the maps sit on top of this module, so that a ranking loads none of them).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from babel.numbers import format_decimal

from vbr.core.bounds import reject_out_of_range
from vbr.core.budget import to_cents
from vbr.core.deposition import run_impacts
from vbr.core.distance import distance_to_overloaded
from vbr.core.explain import national_reasons
from vbr.core.overloaded import (
    NITROGEN_SENSITIVE_NOTE,
    decide_overloaded,
    wants_nitrogen_sensitive_list,
)
from vbr.core.plausibility import exceedance_warnings, priority_warnings
from vbr.core.procedure import (
    Lottery,
    decide_ranked,
    derive_seed,
    window_index,
    window_rejections,
)
from vbr.core.ranking import rank_farms
from vbr.core.regions import assign_regions
from vbr.core.rejections import TooManyRejectedError, refuse_misleading_list
from vbr.core.subsidy import fill_estimates
from vbr.core.zones import changes_note, compare_whole_areas, overloaded_zones
from vbr.digest import sha256_of
from vbr.errors import InputError
from vbr.geometry import RD_NEW
from vbr.io.animals import load_emission_factors
from vbr.io.columns import check_mapping
from vbr.io.draw import load_draw
from vbr.io.farms import FARM_FIELDS, load_farms, reject_farms, sort_rejected
from vbr.io.natura import NATURA_FIELDS, read_natura, read_overloaded_list
from vbr.io.offers import OFFER_FIELDS, read_offers
from vbr.io.raster import load_exceedance
from vbr.io.regions import REGION_FIELDS, load_regions
from vbr.locale import Message, babel_locale, t
from vbr.locale.formats import format_count, format_number
from vbr.locale.reasons import count_line, render_note, render_reason
from vbr.model import (
    Decisions,
    EmissionFactors,
    FarmTable,
    NaturaAreas,
    OfferTable,
    OverloadZones,
    RegionList,
    Regions,
    Result,
)
from vbr.settings import ColumnMapping, RunOptions, input_notes, nitrogen_sensitive_list

__all__ = ["Progress", "compute", "load_natura"]

#: Called with a message at the start of every long stage.
Progress = Callable[[str], None]


def compute(options: RunOptions, *, progress: Progress | None = None) -> Result:
    """Load, validate, measure, rank and allocate; nothing is written.

    Behaves as ``vbr run`` with the same options (:func:`vbr.settings.run_options` builds them
    as the command line does): the same notes, the same lists.

    Parameters
    ----------
    options
        What to read and the rules to apply.
    progress
        Called with a message at the start of every long stage.

    Returns
    -------
    Result
        Everything the run computed, with the notes of every stage and its timings.

    Raises
    ------
    InputError
        When an input file or option cannot be used (English; ``InputError.render(lang)``
        says it in the run's language where the catalogue has the message).
    """
    return _compute(options, progress=progress)


def _compute(options: RunOptions, *, progress: Progress | None) -> Result:
    cfg = options.config
    clock = _Clock(progress)
    # a field name that no table has stops the run before any file is read
    check_mapping(options.columns, FARM_FIELDS)
    check_mapping(options.natura_columns, NATURA_FIELDS)
    check_mapping(options.regions_columns, REGION_FIELDS)
    check_mapping(options.offers_columns, OFFER_FIELDS)
    notes = input_notes(options)
    # the farms first, then Natura 2000 (a farm file that cannot be used stops the run before
    # the areas are read). Reading the areas in a thread beside the farms cost more than it
    # saved: each short GEOS, GDAL and hashing call of the one waited for the interpreter's lock
    # that the other's Python held (45,000-farm ranking, 30 pairs: 0.93-0.95x CPU, 0.96-0.97x
    # wall without the thread); the repair of invalid areas spreads over threads of its own.
    with clock.stage("load_farms", Message("progress.load_farms", file=options.farms)):
        factors = load_emission_factors(options.emission_factors)
        farm_table, offers = _read_farms(options, factors)
    with clock.stage("load_natura", Message("progress.load_natura", file=options.natura)):
        natura = read_natura(
            options.natura, columns=options.natura_columns, layer=options.natura_layer
        )
        listed, list_path = _overloaded_list(options, natura, notes)
        if options.exceedance is None:
            natura = _decide(natura, options, listed, list_path, zones=None)
    zones = None
    if options.exceedance is not None:
        with clock.stage("exceedance", Message("progress.exceedance", file=options.exceedance)):
            exceedance = load_exceedance(options.exceedance, crs=options.exceedance_crs)
            zones = overloaded_zones(exceedance, natura.areas)
            natura = _decide(natura, options, listed, list_path, zones=zones)
    with clock.stage("load_regions", Message("progress.load_regions")):
        regions = _read_regions(options)
    farms = farm_table.farms
    with clock.stage(
        "distance",
        Message(
            "progress.distance",
            farms=len(farms),
            areas=int(natura.attributes["overloaded"].sum()),
        ),
    ):
        if zones is None:
            polygons, numbers = natura.overloaded_parts()
        else:
            polygons, numbers = zones.zones.geometry.values, zones.zones["nr"].to_numpy()
        distance, nearest = distance_to_overloaded(farms.geometry.values, polygons, numbers)
        farms = farms.assign(distance_m=distance, nearest_n2000=nearest)
    extra_tables: dict[str, pd.DataFrame] = {}
    if farm_table.estimate_subsidy or len(farm_table.animals):
        with clock.stage("subsidy", Message("progress.subsidy")):
            farms, extra_tables = fill_estimates(farms, farm_table, factors, cfg)
    if len(farm_table.nh3_check):
        extra_tables["nh3_check.csv"] = farm_table.nh3_check.drop(columns="row")
    changes = None
    if zones is not None:
        with clock.stage("whole_area", Message("progress.whole_area")):
            changes = compare_whole_areas(farms, natura, threshold_m=cfg.threshold_m)
        with clock.stage("impact", Message("progress.impact")):
            points = farms.geometry.values
            farms = farms.assign(
                impact_mol=run_impacts(
                    shapely.get_x(points),
                    shapely.get_y(points),
                    farms["nh3_kg"].to_numpy(),
                    zones,
                    cfg.deposition,
                )
            )
    with clock.stage("bounds", Message("progress.bounds")):
        checked = reject_out_of_range(
            farms, farm_table, extra_tables=extra_tables, priority_changes=changes
        )
        farms, extra_tables, changes = checked.farms, checked.extra_tables, checked.priority_changes
    with clock.stage("rank", Message("progress.rank")):
        ranked, fcfs = rank_farms(
            farms,
            threshold_m=cfg.threshold_m,
            rank_by=options.rank_by,
            fcfs=cfg.fcfs,
            priority_group=cfg.priority_group,
            window=window_index(farms["submitted_at"], cfg.windows),
        )
    with clock.stage("regions", Message("progress.regions")):
        region_lists, region_names = assign_regions(ranked.geometry.values, regions)
        ranked["regions"] = region_names
    with clock.stage("allocate", Message("progress.allocate")):
        decisions = decide_ranked(
            ranked, region_lists, cfg, _lottery(options), first_come_first_served=fcfs
        )
        ranked, region_lists = _in_decided_order(ranked, region_lists, decisions)
    with clock.stage("explain", Message("progress.explain")):
        areas = natura.attributes
        names = dict(zip(areas["nr"].to_numpy()[::-1], areas["name"].to_numpy()[::-1], strict=True))
        ranked["reason"] = national_reasons(
            ranked,
            area_names=names,
            config=cfg,
            first_come_first_served=fcfs,
            decisions=decisions,
        )
    notes += natura.notes + farm_table.notes
    if zones is not None:
        notes += [*zones.notes, changes_note(changes, threshold_m=cfg.threshold_m)]
        notes += exceedance_warnings(zones, natura)
    notes += priority_warnings(ranked, threshold_m=cfg.threshold_m)
    notes += _region_notes(regions, region_lists, options)
    notes += _procedure_notes(decisions, ranked)
    return Result(
        options=options,
        ranked=ranked,
        rejected=_rejected_in_language(checked.rejected, cfg.language),
        carried=farm_table.carried,
        carried_values=farm_table.carried_values,
        natura=natura,
        regions=regions,
        region_lists=region_lists,
        budgets=list(decisions.budgets),
        n_read=farm_table.n_read,
        first_come_first_served=fcfs,
        farms_info=farm_table.info,
        notes=tuple(render_note(n, cfg.language) for n in notes),
        timings=clock.timings,
        extra_tables=extra_tables,
        decisions=decisions,
        exceedance=zones,
        priority_changes=changes,
        overloaded_list=list_path,
        rejections=farm_table.rejections,
        columns={
            "farms": farm_table.sources,
            "natura2000": natura.sources,
            **({"regions": regions.sources} if options.regions else {}),
            **({"offers": offers.sources} if offers is not None else {}),
        },
    )


def _read_farms(
    options: RunOptions, factors: EmissionFactors
) -> tuple[FarmTable, OfferTable | None]:
    """The farm file (with the offers table joined, where given) as the rules take it: an
    application outside every window rejected; a list with too many rejected rows refused."""
    cfg = options.config
    offers = (
        read_offers(options.offers, columns=options.offers_columns)
        if options.offers is not None
        else None
    )
    farm_table = load_farms(
        options.farms,
        farms_crs=options.farms_crs,
        animals=options.animals,
        emission_factors=factors,
        estimate_subsidy=cfg.subsidy.estimate_missing,
        columns=options.columns,
        layer=options.layer,
        sheet=options.sheet,
        large=options.large,
        min_herd_share=cfg.subsidy.min_herd_share,
        offers=offers,
    )
    if cfg.windows:
        # an application outside every window is rejected (it counts as read)
        farm_table = reject_farms(
            farm_table, window_rejections(farm_table.farms["submitted_at"], cfg.windows)
        )
    try:
        refuse_misleading_list(
            n_read=farm_table.n_read,
            n_rejected=len(farm_table.rejected),
            rejections=farm_table.rejections,
            max_percent=cfg.max_rejected_percent,
            source=str(options.farms),
        )
    except TooManyRejectedError as exc:
        raise _refusal_in_language(exc, cfg.language) from None
    return farm_table, offers


def _read_regions(options: RunOptions) -> Regions:
    """``--regions``, or no regions at all."""
    if options.regions:
        return load_regions(
            options.regions, columns=options.regions_columns, layer=options.regions_layer
        )
    return Regions(regions=gpd.GeoDataFrame({"name": [], "slug": []}, geometry=[], crs=RD_NEW))


def _rejected_in_language(rejected: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rejected rows with their ``reason`` in ``lang`` (:mod:`vbr.locale.reasons`), sorted
    by content again (the order of ``rejected.csv`` follows the texts it holds)."""
    if lang == "en" or rejected.empty or "reason" not in rejected:
        return rejected
    rejected = rejected.copy()
    reasons = rejected["reason"].astype(str)
    rendered = {text: render_reason(text, lang) for text in reasons.unique()}
    rejected["reason"] = reasons.map(rendered).to_numpy(dtype=object)
    return sort_rejected(rejected)


def _refusal_in_language(exc: TooManyRejectedError, lang: str) -> InputError:
    """The refusal of ``--max-rejected`` in the run's language, its reasons too."""
    return InputError(
        t(
            "errors.too_many_rejected",
            lang,
            rejected=format_count(exc.n_rejected, lang),
            read=format_count(exc.n_read, lang),
            share=format_number(exc.share, lang, 1),
            limit=format_decimal(exc.max_percent, locale=babel_locale(lang)),
            advice=math.ceil(exc.share),
        ),
        source=exc.source,
        problems=[
            count_line(r.reason, r.rows, r.example, r.example_farm_id, lang) for r in exc.reasons
        ],
        language=lang,
    )


def load_natura(
    path: Path,
    *,
    overloaded_list: set[int] | None = None,
    all_overloaded: bool = False,
    columns: ColumnMapping | None = None,
    layer: str | None = None,
) -> NaturaAreas:
    """Read Natura 2000 areas and decide which are overloaded (see :mod:`vbr.core.overloaded`).

    Parameters
    ----------
    path
        The Natura 2000 file.
    overloaded_list
        Area numbers of an ``--overloaded`` list.
    all_overloaded
        ``--all-overloaded``.
    columns, layer
        Input columns named for ``nr``, ``name``, ``overloaded``, and the layer to read.

    Raises
    ------
    InputError
        When the file cannot be used, or when nothing says which areas are overloaded.
    """
    return decide_overloaded(
        read_natura(path, columns=columns, layer=layer),
        listed=overloaded_list,
        all_overloaded=all_overloaded,
    )


def _overloaded_list(
    options: RunOptions, natura: NaturaAreas, notes: list[str]
) -> tuple[set[int] | None, Path | None]:
    """The list of overloaded area numbers and its file: ``--overloaded``, or for PDOK data
    that says nothing itself the shipped nitrogen-sensitive list (with a note)."""
    if options.overloaded is not None:
        listed, list_notes = read_overloaded_list(options.overloaded)
        notes += list_notes
        return listed, Path(options.overloaded)
    if wants_nitrogen_sensitive_list(natura, listed=False, all_overloaded=options.all_overloaded):
        notes.append(NITROGEN_SENSITIVE_NOTE)
        path = nitrogen_sensitive_list()
        return read_overloaded_list(path)[0], path
    return None, None


def _decide(
    natura: NaturaAreas,
    options: RunOptions,
    listed: set[int] | None,
    list_path: Path | None,
    *,
    zones: OverloadZones | None,
) -> NaturaAreas:
    # the shipped list by its place in vbr, not this machine's path: notes must read alike
    # wherever the run is repeated (vbr verify compares them)
    list_name = (
        "--overloaded" if options.overloaded is not None else f"data/{Path(str(list_path)).name}"
    )
    return decide_overloaded(
        natura,
        listed=listed,
        list_name=list_name,
        all_overloaded=options.all_overloaded,
        zone_nrs=None if zones is None else set(zones.zones["nr"].tolist()),
    )


def _region_notes(regions: Regions, region_lists: list, options: RunOptions) -> list[str]:
    notes = list(regions.notes)
    if regions.repaired:
        one = regions.repaired == 1
        key = "notes.regions_repaired_one" if one else "notes.regions_repaired"
        notes.append(Message(key, count=int(regions.repaired)))
    known = {r.name for r in region_lists}
    for pot in options.config.pots:
        unknown = [r for r in pot.regions if r not in known]
        if unknown:
            notes.append(
                f"regional budget {pot.name!r} names region(s) not in the regions "
                f"file: {', '.join(unknown)}"
            )
    return notes


def _lottery(options: RunOptions) -> Lottery:
    """``--draw``, else ``--seed``, else a seed from the farm file's sha256."""
    if options.draw is not None:
        return Lottery(draw=load_draw(options.draw))
    if options.seed is not None:
        return Lottery(seed=int(options.seed))
    return Lottery(seed=derive_seed(sha256_of(Path(options.farms))))


def _in_decided_order(
    ranked: gpd.GeoDataFrame, region_lists: list[RegionList], decisions: Decisions
) -> tuple[gpd.GeoDataFrame, list[RegionList]]:
    """The ranked farms in the procedure's national order (a drawn day in lot order) with
    ``rank``, ``selected``, ``cumulative_eur`` and ``funded_by``, and the regions' positions in
    that order."""
    order = decisions.order
    ranked = ranked.iloc[order].reset_index(drop=True)
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    position = np.empty(len(order), dtype="int64")
    position[order] = np.arange(len(order))
    region_lists = [
        RegionList(name=r.name, slug=r.slug, positions=np.sort(position[r.positions]))
        for r in region_lists
    ]
    if decisions.walks:
        selected = decisions.selected
        ranked["selected"] = selected
        granted = np.where(selected, to_cents(ranked["subsidy_eur"].to_numpy()), 0)
        ranked["cumulative_eur"] = np.cumsum(granted) / 100
    else:
        ranked["selected"] = pd.array([pd.NA] * len(ranked), dtype="boolean")
        ranked["cumulative_eur"] = np.nan
    ranked["funded_by"] = decisions.funded_by
    return ranked, region_lists


def _procedure_notes(decisions: Decisions, ranked: pd.DataFrame) -> list[str]:
    """What the user should know about the procedure: the days drawn by lot, and applications
    whose completion time is missing where others have one."""
    notes = []
    for d in decisions.drawn:
        where = Message("notes.drawn_window", window=str(d["window"])) if d["window"] else ""
        notes.append(
            Message(
                "notes.drawn",
                count=int(d["applications"]),
                day=str(d["day"]),
                where=where,
                pot=str(d["pot"]),
                how=(
                    Message("notes.drawn_file")
                    if decisions.draw is not None
                    else Message("notes.drawn_seed", seed=str(decisions.seed))
                ),
            )
        )
    if "complete_at" in ranked:
        fallback = int((ranked["complete_at"].isna() & ranked["submitted_at"].notna()).sum())
        if fallback:
            notes.append(Message("notes.no_complete_at", count=fallback))
    return notes


class _Clock:
    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.timings: dict[str, float] = {}

    def stage(self, name: str, message: str) -> _Stage:
        if self.progress:
            self.progress(message)
        return _Stage(self, name)


class _Stage:
    def __init__(self, clock: _Clock, name: str):
        self.clock, self.name = clock, name

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.clock.timings[self.name] = self.clock.timings.get(self.name, 0.0) + (
            time.perf_counter() - self.t0
        )
