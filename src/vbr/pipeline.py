"""The whole job: load -> validate -> measure -> rank -> allocate -> write.

``compute`` does everything but writing and returns a :class:`Result`; ``write_result`` writes a
result to a temporary folder and moves it into place only when every file is written, so a run
that fails leaves no output that looks complete. ``run`` does both.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr._version import __version__
from vbr.budget import allocate_budget
from vbr.distance import distance_to_overloaded
from vbr.errors import ConfigError, OutputError
from vbr.explain import budget_reasons, join_reasons, order_reasons
from vbr.io.animals import load_emission_factors
from vbr.io.crs import RD_NEW
from vbr.io.farms import load_farms
from vbr.io.natura import load_natura, load_overloaded_list
from vbr.io.regions import load_regions
from vbr.model import NaturaAreas, OverloadZones, Regions
from vbr.outputs import (
    EXTRA_COLUMNS,
    LEAD_COLUMNS,
    NUMERIC_COLUMNS,
    carried_names,
    format_number,
    ranking_table,
    region_table,
    sha256_of,
    write_csv,
    write_excel_csv,
    write_gpkg,
    write_manifest,
    write_xlsx,
)
from vbr.ranking import rank_farms
from vbr.settings import RunOptions
from vbr.subsidy import estimate_subsidy, sem_alternative
from vbr.threads import map_geometries

__all__ = [
    "BudgetSummary",
    "Result",
    "compute",
    "reason_counts",
    "region_list_table",
    "region_reasons",
    "run",
    "write_result",
]

Progress = Callable[[str], None]
Writer = Callable[["Result", Path], Sequence[Path]]


@dataclass
class BudgetSummary:
    """One budget walk: the national one or a regional group."""

    name: str
    regions: tuple[str, ...]
    budget_eur: float
    used_eur: float
    selected: int
    selected_nh3_kg: float
    farms: int
    source: str = ""

    @property
    def left_eur(self) -> float:
        """Budget not spent."""
        return self.budget_eur - self.used_eur


@dataclass
class RegionList:
    """A region's farms (positions into the national order) and its own budget walk."""

    name: str
    slug: str
    positions: np.ndarray
    selected: np.ndarray | None = None
    cumulative_eur: np.ndarray | None = None
    budget: str | None = None
    #: The group's budget left when its walk reached each farm (for the ``reason`` column).
    left_before_eur: np.ndarray | None = None
    #: Policy ``stop``: the national rank at which the group's walk ended early, else ``None``.
    stopped_at_rank: int | None = None


@dataclass
class Result:
    """Everything a run computed; the maps and the writers read it."""

    options: RunOptions
    ranked: gpd.GeoDataFrame
    rejected: pd.DataFrame
    carried: list[str]
    carried_values: pd.DataFrame
    natura: NaturaAreas
    regions: Regions
    region_lists: list[RegionList]
    budgets: list[BudgetSummary]
    n_read: int
    first_come_first_served: bool
    farms_info: dict
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: The order part of each ranked farm's reason (national order); region lists add their own
    #: budget part (:func:`region_reasons`).
    order_reasons: np.ndarray | None = field(default=None, repr=False)
    _zone: Future | None = field(default=None, repr=False)
    #: With ``--exceedance``: the raster (``.exceedance.values``/``.transform``, EPSG:28992),
    #: the overloaded zones the distances measure to, and the grid the impacts use.
    exceedance: OverloadZones | None = None
    #: With ``--exceedance``: farms whose priority differs from the whole-area rule.
    priority_changes: pd.DataFrame | None = None
    _lists: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def ranking_text(self) -> pd.DataFrame:
        """The national list exactly as ``ranking.csv`` holds it (built once, shared by the
        writers and the maps)."""
        if "" not in self._lists:
            self._lists[""] = ranking_table(
                self.ranked, self.carried_table(), with_budget=self.with_budget
            )
        return self._lists[""]

    def region_text(self, region: RegionList) -> pd.DataFrame:
        """A region's list exactly as ``<slug>/ranking.csv`` holds it (built once)."""
        if region.slug not in self._lists:
            self._lists[region.slug] = region_list_table(self, self.ranking_text(), region)
        return self._lists[region.slug]

    def start_priority_zone(self) -> None:
        """Start computing the threshold strip in a background thread (GEOS releases the GIL)."""
        if self._zone is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vbr-zone")
            polygons = self.exceedance.zones if self.exceedance is not None else None
            self._zone = pool.submit(
                priority_zone,
                self.natura,
                threshold_m=self.options.config.threshold_m,
                polygons=polygons,
            )
            pool.shutdown(wait=False)

    @property
    def priority_zone(self) -> gpd.GeoDataFrame:
        """The threshold strip around overloaded areas (display only; one row, EPSG:28992)."""
        self.start_priority_zone()
        return self._zone.result()

    def carried_table(self) -> pd.DataFrame:
        """The carried-through input columns (text, input names) of the ranked farms, in
        national order."""
        rows = self.ranked["row"].to_numpy()
        return self.carried_values.iloc[rows].reset_index(drop=True)

    @property
    def with_budget(self) -> bool:
        """Whether a national budget was walked."""
        return self.options.config.budget_eur is not None

    def counts(self) -> dict[str, int]:
        """Headline counts (the manifest's ``counts``)."""
        ranked = self.ranked
        return {
            "read": int(self.n_read),
            "ranked": len(ranked),
            "rejected": len(self.rejected),
            "repaired": int(self.natura.repaired + self.regions.repaired),
            "priority": int(ranked["priority"].sum()),
            "selected": int(ranked["selected"].fillna(False).astype(bool).sum())
            if self.with_budget
            else 0,
            "natura2000_features": len(self.natura.attributes),
            "overloaded_features": int(self.natura.attributes["overloaded"].sum()),
            "natura2000_dropped": int(self.natura.dropped),
        }


def reason_counts(rejected: pd.DataFrame) -> dict[str, int]:
    """How often each kind of rejection occurs (a row with two problems counts for both)."""
    counts: dict[str, int] = {}
    for reason in rejected["reason"]:
        for part in str(reason).split("; "):
            kind = part.split(" (", 1)[0]
            counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


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


def _load_natura_areas(options: RunOptions, *, flags_from_raster: bool) -> NaturaAreas:
    listed = load_overloaded_list(options.overloaded) if options.overloaded else None
    return load_natura(
        options.natura,
        overloaded_list=listed,
        all_overloaded=options.all_overloaded or flags_from_raster,
    )


def compute(options: RunOptions, *, progress: Progress | None = None) -> Result:
    """Load, validate, measure, rank and allocate; nothing is written.

    Raises
    ------
    InputError
        When an input file or option cannot be used.
    """
    cfg = options.config
    clock = _Clock(progress)
    if options.rank_by == "eur_per_mol" and options.exceedance is None:
        raise ConfigError(
            "ranking by euro per mol needs the deposition impact: give --exceedance RASTER",
            source="--rank-by eur_per_mol",
        )
    # with a raster, areas that nothing else flags are overloaded when a zone lies in them
    flags_from_raster = (
        options.exceedance is not None and options.overloaded is None and not options.all_overloaded
    )
    # Natura 2000 is read and repaired in a thread while the farms are read here: the repair runs
    # in GEOS, which releases the GIL, and the farms reader is mostly Python. "load_natura" is the
    # wait for it after the farms. When both fail, the farms' error is the one raised.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vbr-natura") as pool:
        natura_job = pool.submit(_load_natura_areas, options, flags_from_raster=flags_from_raster)
        with clock.stage("load_farms", f"reading farms from {options.farms}"):
            factors = load_emission_factors(options.emission_factors)
            farm_table = load_farms(
                options.farms,
                farms_crs=options.farms_crs,
                animals=options.animals,
                emission_factors=factors,
                estimate_subsidy=cfg.subsidy.estimate_missing,
            )
        with clock.stage("load_natura", f"reading Natura 2000 areas from {options.natura}"):
            natura = natura_job.result()
    zones = None
    if options.exceedance is not None:
        with clock.stage("exceedance", f"reading the exceedance raster {options.exceedance}"):
            zones = _overload_from_raster(options, natura, flags_from_raster=flags_from_raster)
    with clock.stage("load_regions", "reading regions"):
        regions = (
            load_regions(options.regions)
            if options.regions
            else Regions(
                regions=gpd.GeoDataFrame({"name": [], "slug": []}, geometry=[], crs=RD_NEW)
            )
        )
    farms = farm_table.farms
    with clock.stage(
        "distance",
        f"measuring {len(farms):,} farms to "
        f"{int(natura.attributes['overloaded'].sum())} overloaded areas",
    ):
        if zones is None:
            polygons, numbers = natura.overloaded_parts()
        else:
            polygons, numbers = zones.zones.geometry.values, zones.zones["nr"].to_numpy()
        distance, nearest = distance_to_overloaded(farms.geometry.values, polygons, numbers)
        farms = farms.assign(distance_m=distance, nearest_n2000=nearest)
    extra_tables: dict[str, pd.DataFrame] = {}
    if farm_table.estimate_subsidy or len(farm_table.animals):
        with clock.stage("subsidy", "estimating subsidies and the Sem alternative"):
            farms, extra_tables = _estimates(farms, farm_table, factors, options)
    if len(farm_table.nh3_check):
        extra_tables["nh3_check.csv"] = farm_table.nh3_check.drop(columns="row")
    changes = None
    if zones is not None:
        with clock.stage("whole_area", "measuring to whole overloaded areas for comparison"):
            changes = _compare_whole_areas(farms, natura, zones, threshold_m=cfg.threshold_m)
        with clock.stage("impact", "estimating deposition impacts (FFT)"):
            farms = farms.assign(impact_mol=_impacts(farms, zones, cfg))
    with clock.stage("rank", "ranking"):
        ranked, fcfs = rank_farms(farms, threshold_m=cfg.threshold_m, rank_by=options.rank_by)
    with clock.stage("regions", "assigning regions"):
        region_lists, region_names = _assign_regions(ranked, regions)
        ranked["regions"] = region_names
    with clock.stage("allocate", "walking the budgets"):
        budgets = _allocate(ranked, region_lists, options)
    with clock.stage("explain", "writing the reasons"):
        order, national_budget = _explain(ranked, natura, options, fcfs)
        ranked["reason"] = join_reasons(order, national_budget)
    notes = list(natura.notes) + list(farm_table.notes)
    notes += _real_data_notes(farm_table, farms)
    if zones is not None:
        notes += zones.notes
        notes.append(_changes_note(changes, cfg.threshold_m))
    if regions.repaired:
        notes.append(
            f"{regions.repaired} invalid region geometr"
            f"{'y was' if regions.repaired == 1 else 'ies were'} repaired"
        )
    known = {r.name for r in region_lists}
    for group in cfg.regional_budgets:
        unknown = [r for r in group.regions if r not in known]
        if unknown:
            notes.append(
                f"regional budget {group.name!r} names region(s) not in the regions "
                f"file: {', '.join(unknown)}"
            )
    return Result(
        options=options,
        ranked=ranked,
        rejected=farm_table.rejected,
        carried=farm_table.carried,
        carried_values=farm_table.carried_values,
        natura=natura,
        regions=regions,
        region_lists=region_lists,
        budgets=budgets,
        n_read=farm_table.n_read,
        first_come_first_served=fcfs,
        farms_info=farm_table.info,
        notes=notes,
        timings=clock.timings,
        extra_tables=extra_tables,
        exceedance=zones,
        priority_changes=changes,
        order_reasons=order,
    )


def _overload_from_raster(
    options: RunOptions, natura: NaturaAreas, *, flags_from_raster: bool
) -> OverloadZones:
    """Read the raster, build the zones; set the whole-area flags the raster decides."""
    from vbr.io.raster import load_exceedance
    from vbr.overload import overloaded_zones

    exceedance = load_exceedance(options.exceedance, crs=options.exceedance_crs)
    zones = overloaded_zones(exceedance, natura.areas)
    if flags_from_raster:
        areas = natura.attributes
        by_raster = areas["overloaded_by"].to_numpy() == "all"
        has_zone = areas["nr"].isin(set(zones.zones["nr"].tolist())).to_numpy()
        natura.set_overloaded(np.flatnonzero(by_raster), has_zone[by_raster], by="exceedance")
        natura.notes[:] = [n for n in natura.notes if "--all-overloaded" not in n]
        if by_raster.any():
            natura.notes.append(
                f"{int(by_raster.sum())} Natura 2000 area(s) without an overloaded flag count as "
                "overloaded for the whole-area comparison when an overloaded cell lies in them "
                f"({int(has_zone[by_raster].sum())} do)"
            )
    return zones


def _compare_whole_areas(
    farms: gpd.GeoDataFrame, natura: NaturaAreas, zones: OverloadZones, *, threshold_m: float
) -> pd.DataFrame:
    from vbr.overload import priority_changes

    over = natura.overloaded
    if len(over) == 0:
        whole = np.full(len(farms), np.inf)
    else:
        whole, _ = distance_to_overloaded(
            farms.geometry.values, over.geometry.values, over["nr"].to_numpy()
        )
    return priority_changes(
        farms["farm_id"].to_numpy(), whole, farms["distance_m"].to_numpy(), threshold_m=threshold_m
    )


def _changes_note(changes: pd.DataFrame, threshold_m: float) -> str:
    gains = int((changes["change"] == "gains").sum())
    loses = int((changes["change"] == "loses").sum())
    return (
        f"overloaded zones from the exceedance raster instead of whole areas: {gains} farm(s) "
        f"gain and {loses} lose priority (within {threshold_m:,.0f} m); see priority_changes.csv"
    )


def _impacts(farms: gpd.GeoDataFrame, zones: OverloadZones, cfg) -> np.ndarray:
    from vbr.deposition import Kernel, coarsen, farm_impacts
    from vbr.overload import weight_grid

    dep = cfg.deposition
    kernel = Kernel.of(dep)
    weight, transform = coarsen(
        weight_grid(zones, weight=dep.weight),
        zones.exceedance.transform,
        min_cell_m=dep.min_cell_m,
    )
    return farm_impacts(
        shapely.get_x(farms.geometry.values),
        shapely.get_y(farms.geometry.values),
        farms["nh3_kg"].to_numpy(),
        weight,
        transform,
        kernel,
    )


def _estimates(
    farms: gpd.GeoDataFrame, farm_table, factors, options: RunOptions
) -> tuple[gpd.GeoDataFrame, dict[str, pd.DataFrame]]:
    """Fill estimated subsidies (where there is no offer) and add the Sem alternative."""
    cfg = options.config
    tables: dict[str, pd.DataFrame] = {}
    herd = farm_table.animals
    decimal = farm_table.info.get("decimal", ".")
    phosphate = None
    if farm_table.estimate_subsidy:
        priority = farms["distance_m"].to_numpy() <= cfg.threshold_m
        est = estimate_subsidy(
            farms,
            herd,
            farm_table.carried_values,
            priority=priority,
            config=cfg.subsidy,
            decimal=decimal,
        )
        need = (farms["subsidy_source"] == "estimate").to_numpy()
        farms = farms.assign(
            subsidy_eur=np.where(need, est["estimate_eur"].to_numpy(), farms["subsidy_eur"])
        )
        phosphate = est["phosphate_kg"].to_numpy()
        detail = est[need].copy()
        detail.insert(0, "farm_id", farms["farm_id"].to_numpy()[need])
        tables["subsidy_estimates.csv"] = detail.rename(columns={"factor": "strip_factor"})
    if len(herd):
        sem = sem_alternative(farms, herd, factors, config=cfg.sem, phosphate_kg=phosphate)
        farms = farms.assign(**{c: sem[c].to_numpy() for c in sem.columns})
    return farms, tables


def _real_data_notes(farm_table, farms: pd.DataFrame) -> list[str]:
    notes = []
    animals = farm_table.info.get("animals")
    if animals and animals["nh3_from_animals"]:
        notes.append(
            f"nh3_kg computed from animal counts for {animals['nh3_from_animals']:,} row(s) "
            f"(factors: {', '.join(Path(s).name for s in animals['emission_factors'])})"
        )
    check = farm_table.nh3_check
    if len(check):
        off = int((check["difference_pct"].abs() > 10).sum())
        notes.append(
            f"nh3_kg given and computed from animals for {len(check):,} row(s): the given value "
            f"is used; median difference {check['difference_pct'].median():+.1f}%, {off:,} "
            "differ by more than 10% (see nh3_check.csv)"
        )
    if farm_table.estimate_subsidy and "subsidy_source" in farms:
        n_est = int((farms["subsidy_source"] == "estimate").sum())
        notes.append(
            f"subsidy_eur estimated for {n_est:,} farm(s) without an offer "
            "(see subsidy_estimates.csv; prices from the [subsidy] config table)"
        )
    if farm_table.info.get("format") == "imaer-gml":
        info = farm_table.info
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


def _assign_regions(
    ranked: gpd.GeoDataFrame, regions: Regions
) -> tuple[list[RegionList], np.ndarray]:
    n = len(ranked)
    names = np.full(n, "", dtype=object)
    lists: list[RegionList] = []
    if len(regions.regions) == 0:
        return lists, names
    tree = shapely.STRtree(regions.regions.geometry.values)
    farm_idx, region_idx = tree.query(ranked.geometry.values, predicate="intersects")
    for k, (name, slug) in enumerate(
        zip(regions.regions["name"], regions.regions["slug"], strict=True)
    ):
        positions = np.sort(farm_idx[region_idx == k])
        current = names[positions]
        names[positions] = np.where(current == "", name, current + ";" + name)
        lists.append(RegionList(name=name, slug=slug, positions=positions))
    return lists, names


def _allocate(
    ranked: pd.DataFrame, region_lists: list[RegionList], options: RunOptions
) -> list[BudgetSummary]:
    cfg = options.config
    subsidy = ranked["subsidy_eur"].to_numpy()
    nh3 = ranked["nh3_kg"].to_numpy()
    budgets: list[BudgetSummary] = []
    if cfg.budget_eur is not None:
        selected, cumulative = allocate_budget(
            subsidy, budget_eur=cfg.budget_eur, policy=cfg.budget_policy
        )
        ranked["selected"] = selected
        ranked["cumulative_eur"] = cumulative
        budgets.append(
            BudgetSummary(
                name="national",
                regions=(),
                budget_eur=cfg.budget_eur,
                used_eur=float(cumulative[-1]) if len(cumulative) else 0.0,
                selected=int(selected.sum()),
                selected_nh3_kg=float(nh3[selected].sum()),
                farms=len(ranked),
                source=cfg.budget_source,
            )
        )
    else:
        ranked["selected"] = pd.array([pd.NA] * len(ranked), dtype="boolean")
        ranked["cumulative_eur"] = np.nan
    by_name = {r.name: r for r in region_lists}
    claimed: dict[str, str] = {}
    for group in cfg.regional_budgets:
        members = [by_name[r] for r in group.regions if r in by_name]
        for r in members:
            if r.name in claimed:
                raise ConfigError(
                    f"region {r.name!r} is in two regional budgets "
                    f"({claimed[r.name]!r} and {group.name!r})",
                    source=cfg.source,
                )
            claimed[r.name] = group.name
        if not members:
            continue
        positions = np.unique(np.concatenate([r.positions for r in members]))
        selected, group_cumulative = allocate_budget(
            subsidy[positions], budget_eur=group.eur, policy=cfg.budget_policy
        )
        chosen = positions[selected]
        left_before = _left_before(subsidy[positions], selected, group_cumulative, group.eur)
        stopped = _stopped_at(ranked["rank"].to_numpy()[positions], selected, cfg.budget_policy)
        for r in members:
            sel = np.isin(r.positions, chosen)
            r.selected = sel
            r.cumulative_eur = (
                np.cumsum(np.where(sel, np.rint(subsidy[r.positions] * 100), 0)) / 100
            )
            r.budget = group.name
            r.left_before_eur = left_before[np.searchsorted(positions, r.positions)]
            r.stopped_at_rank = stopped
        budgets.append(
            BudgetSummary(
                name=group.name,
                regions=tuple(m.name for m in members),
                budget_eur=group.eur,
                used_eur=float(np.rint(subsidy[chosen] * 100).sum() / 100),
                selected=len(chosen),
                selected_nh3_kg=float(nh3[chosen].sum()),
                farms=len(positions),
                source=group.source,
            )
        )
    return budgets


def _left_before(
    subsidy: np.ndarray, selected: np.ndarray, cumulative: np.ndarray, budget_eur: float
) -> np.ndarray:
    """The budget left when the walk reached each offer (euro, from whole cents)."""
    cents = np.rint(np.asarray(subsidy, dtype="float64") * 100)
    spent_before = np.rint(np.asarray(cumulative) * 100) - np.where(selected, cents, 0)
    return (np.rint(budget_eur * 100) - spent_before) / 100


def _stopped_at(ranks: np.ndarray, selected: np.ndarray, policy: str) -> int | None:
    """Policy ``stop``: the national rank of the first offer that did not fit."""
    if policy != "stop" or selected.all():
        return None
    return int(ranks[np.argmin(selected)])


def _explain(result_ranked: pd.DataFrame, natura: NaturaAreas, options: RunOptions, fcfs: bool):
    """The order part of every reason (national order), and the national budget part."""
    cfg = options.config
    areas = natura.attributes
    names = dict(zip(areas["nr"].to_numpy()[::-1], areas["name"].to_numpy()[::-1], strict=True))
    order = order_reasons(
        result_ranked,
        area_names=names,
        threshold_m=cfg.threshold_m,
        first_come_first_served=fcfs,
        language=cfg.explain_language,
    )
    if cfg.budget_eur is None:
        return order, None
    selected = result_ranked["selected"].to_numpy(dtype=bool)
    subsidy = result_ranked["subsidy_eur"].to_numpy()
    budget = budget_reasons(
        subsidy_eur=subsidy,
        selected=selected,
        left_before_eur=_left_before(
            subsidy, selected, result_ranked["cumulative_eur"].to_numpy(), cfg.budget_eur
        ),
        stopped_at_rank=_stopped_at(result_ranked["rank"].to_numpy(), selected, cfg.budget_policy),
        national_rank=result_ranked["rank"].to_numpy(),
        language=cfg.explain_language,
    )
    return order, budget


def region_list_table(result: Result, table: pd.DataFrame, region: RegionList) -> pd.DataFrame:
    """A region's list exactly as ``<slug>/ranking.csv`` holds it, from the national text
    ``table``: regional rank, national rank, the region's own budget walk and its reasons."""
    rt = region_table(table, region.positions, region.selected, region.cumulative_eur)
    if "reason" in rt.columns and result.order_reasons is not None:
        rt["reason"] = region_reasons(result, region)
    return rt


def region_reasons(result: Result, region: RegionList) -> np.ndarray:
    """The ``reason`` column of a region's list: the national order part, and the budget part of
    the region's own walk (none when no regional budget covers the region)."""
    order = result.order_reasons[region.positions]
    if region.selected is None:
        return join_reasons(order, None)
    ranked = result.ranked
    budget = budget_reasons(
        subsidy_eur=ranked["subsidy_eur"].to_numpy()[region.positions],
        selected=region.selected,
        left_before_eur=region.left_before_eur,
        stopped_at_rank=region.stopped_at_rank,
        national_rank=ranked["rank"].to_numpy()[region.positions],
        language=result.options.config.explain_language,
    )
    return join_reasons(order, budget)


def _input_entry(path: Path | None) -> dict | None:
    if path is None:
        return None
    path = Path(path)
    return {
        "path": str(path),
        "absolute_path": str(path.resolve()),
        "bytes": path.stat().st_size,
        "sha256": sha256_of(path),
    }


def _rerun_entry(result: Result) -> dict:
    """Everything ``vbr verify`` needs to repeat the run: the options and the effective config
    (defaults merged with the user's file; command-line overrides are in ``parameters``)."""
    options = result.options
    return {
        "farms_crs": options.farms_crs,
        "all_overloaded": options.all_overloaded,
        "with_regions": options.regions is not None,
        "explain_language": options.config.explain_language,
        "exceedance_crs": options.exceedance_crs,
        "rank_by": options.rank_by,
        "scenarios": options.scenarios,
        "config_effective": options.config.effective,
    }


def priority_zone(
    natura: NaturaAreas, *, threshold_m: float, polygons: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """The threshold strip around overloaded areas, for display only (the ranking never uses it).

    The union of the buffers of the areas' valid parts (the buffer of a union is the union of the
    buffers; parts need no whole-outline repair and spread better over threads: 2.9 s instead of
    4.9 s on the real outlines). GEOS's buffer approximates arcs with 16 segments per quarter
    circle and simplifies its input a little: on the real outlines 99.9 % of the edge vertices
    lie 997.8-1,000.4 m from the areas, the least at 880 m (a narrow spot of area 88). Priority
    comes from exact distances. ``polygons`` (the overloaded zones of an exceedance raster)
    replace the overloaded areas when given.
    """
    if polygons is None:
        geometries, _ = natura.overloaded_parts()
    else:
        geometries = polygons.geometry.values
    zone = shapely.union_all(_buffer_in_threads(geometries, threshold_m))
    return gpd.GeoDataFrame(
        {"threshold_m": [threshold_m], "note": ["display only; priority uses exact distances"]},
        geometry=[zone],
        crs=RD_NEW,
    )


def _buffer_in_threads(geometries: np.ndarray, distance: float) -> np.ndarray:
    """``shapely.buffer(geometries, distance, quad_segs=16)`` spread over threads."""
    return map_geometries(lambda share: shapely.buffer(share, distance, quad_segs=16), geometries)


def write_result(
    result: Result,
    out: Path,
    *,
    writers: Sequence[Writer] = (),
    progress: Progress | None = None,
    command: Sequence[str] = (),
) -> Path:
    """Write every output of a result into ``out``.

    Files go to a temporary folder beside ``out`` and are moved in only when all are written;
    ``manifest.json`` moves last. Outputs of an earlier run in ``out`` are replaced; other files
    there are left alone.

    Raises
    ------
    OutputError
        When ``out`` cannot be created or written.
    """
    out = Path(out)
    clock = _Clock(progress)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".vbr-tmp-{out.name}-", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc}", source=str(out)) from None
    try:
        written = _write_all(result, tmp, clock, writers, command)
        _move_into_place(tmp, out, written)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.timings.update({f"write_{k}": v for k, v in clock.timings.items()})
    return out


def _write_all(
    result: Result, tmp: Path, clock: _Clock, writers: Sequence[Writer], command: Sequence[str]
) -> list[str]:
    written: list[str] = []
    result.start_priority_zone()
    if not result.options.public:
        written += _write_lists(result, tmp, clock)
    for writer in writers:
        with clock.stage(getattr(writer, "__name__", "writer"), "writing maps"):
            for p in writer(result, tmp):
                rel = Path(p).relative_to(tmp).parts[0]
                if rel not in written:
                    written.append(rel)
    with clock.stage("manifest", "writing manifest.json"):
        manifest = _manifest(result, tmp, written, command)
        write_manifest(manifest, tmp / "manifest.json")
    return written


def _write_lists(result: Result, tmp: Path, clock: _Clock) -> list[str]:
    """The lists: CSVs for machines and for Excel, the workbook, the GeoPackage."""
    ranked = result.ranked
    table = result.ranking_text()
    written: list[str] = []
    numeric = _numeric_columns(ranked)
    with clock.stage("ranking_csv", "writing ranking.csv and rejected.csv"):
        write_csv(table, tmp / "ranking.csv")
        write_csv(result.rejected, tmp / "rejected.csv")
        written += ["ranking.csv", "rejected.csv"]
    with clock.stage("excel_csv", "writing ranking_excel.csv and rejected_excel.csv"):
        write_excel_csv(table, tmp / "ranking_excel.csv", numeric=numeric)
        write_excel_csv(result.rejected, tmp / "rejected_excel.csv", numeric=())
        written += ["ranking_excel.csv", "rejected_excel.csv"]
    with clock.stage("ranking_csv", "writing the other lists"):
        for name, extra in result.extra_tables.items():
            write_csv(_as_text(extra), tmp / name)
            written.append(name)
    region_tables = []
    with clock.stage("region_csv", "writing region lists"):
        for r in result.region_lists:
            rt = result.region_text(r)
            (tmp / r.slug).mkdir()
            write_csv(rt, tmp / r.slug / "ranking.csv")
            write_excel_csv(rt, tmp / r.slug / "ranking_excel.csv", numeric=numeric)
            region_tables.append((r.name, rt))
            written.append(r.slug)
    with clock.stage("xlsx", "writing ranking.xlsx"):
        xlsx_notes = write_xlsx(
            [("Nederland", table), *region_tables, ("Afgewezen (rejected)", result.rejected)],
            tmp / "ranking.xlsx",
        )
        result.notes += xlsx_notes
        written.append("ranking.xlsx")
    with clock.stage("gpkg", "writing ranking.gpkg"):
        farms_layer = _farms_layer(result)
        over = result.natura.overloaded[["nr", "name", "overloaded_by", "geometry"]]
        layers = [
            ("farms", farms_layer),
            ("overloaded_natura2000", over),
            ("priority_zone", result.priority_zone),
        ]
        if result.exceedance is not None:
            layers.append(("overloaded_zones", result.exceedance.zones))
        write_gpkg(layers, tmp / "ranking.gpkg")
        written.append("ranking.gpkg")
    if result.priority_changes is not None:
        write_csv(_changes_table(result.priority_changes), tmp / "priority_changes.csv")
        written.append("priority_changes.csv")
    return written


def _numeric_columns(ranked: pd.DataFrame) -> list[str]:
    """Columns of the lists that hold numbers (they get a decimal comma for Dutch Excel)."""
    extras = [
        c
        for c in EXTRA_COLUMNS
        if c in ranked.columns
        and pd.api.types.is_numeric_dtype(ranked[c])
        and not pd.api.types.is_bool_dtype(ranked[c])
    ]
    return [*NUMERIC_COLUMNS, *extras]


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as the machine CSV writes numbers (shortest exact text, empty for NaN)."""
    out = pd.DataFrame(index=range(len(frame)))
    for c in frame.columns:
        values = frame[c]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[c] = [format_number(v) for v in values]
        else:
            out[c] = ["" if pd.isna(v) else str(v) for v in values]
    return out


def _changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    from vbr.outputs import format_number

    return pd.DataFrame(
        {
            "farm_id": changes["farm_id"].astype(str).to_numpy(),
            "change": changes["change"].to_numpy(),
            "distance_whole_area_m": [format_number(v) for v in changes["distance_whole_area_m"]],
            "distance_zone_m": [format_number(v) for v in changes["distance_zone_m"]],
        }
    )


def _farms_layer(result: Result) -> gpd.GeoDataFrame:
    """The ranked farms with typed columns (numbers as numbers) for GIS users."""
    ranked = result.ranked
    extras = [c for c in EXTRA_COLUMNS if c in ranked.columns]
    names = carried_names(result.carried, [*LEAD_COLUMNS, *extras, "national_rank"])
    columns = {c: ranked[c].to_numpy() for c in LEAD_COLUMNS if c not in ("selected",)}
    columns["selected"] = ranked["selected"].to_numpy(dtype=object)
    if not result.with_budget:
        columns["selected"] = np.full(len(ranked), None, dtype=object)
    columns.update({c: ranked[c].to_numpy() for c in extras})
    carried = result.carried_table()
    columns.update({names[c]: carried[c].to_numpy(dtype=object) for c in result.carried})
    return gpd.GeoDataFrame(columns, geometry=ranked.geometry.values, crs=RD_NEW)


def _manifest(result: Result, tmp: Path, written: list[str], command: Sequence[str]) -> dict:
    options, cfg = result.options, result.options.config
    versions = {"python": platform.python_version()}
    for mod in ("geopandas", "shapely", "pyproj", "pyogrio", "pandas", "numpy", "openpyxl"):
        with contextlib.suppress(ImportError, AttributeError):
            versions[mod] = __import__(mod).__version__
    versions["geos"] = shapely.geos_version_string
    outputs = {}
    for name in written:
        p = tmp / name
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file():
                outputs[f.relative_to(tmp).as_posix()] = sha256_of(f)
    return {
        "tool": "vbr",
        "version": __version__,
        "created": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "command": list(command),
        "parameters": {
            "threshold_m": cfg.threshold_m,
            "budget_eur": cfg.budget_eur,
            "budget_policy": cfg.budget_policy,
            "farms_crs": options.farms_crs,
            "all_overloaded": options.all_overloaded,
            "config": cfg.source,
            "regional_budgets": [
                {"name": g.name, "regions": list(g.regions), "eur": g.eur, "source": g.source}
                for g in cfg.regional_budgets
            ],
        },
        "inputs": {
            k: v
            for k, v in {
                "farms": _input_entry(options.farms),
                "natura": _input_entry(options.natura),
                "regions": _input_entry(options.regions),
                "overloaded": _input_entry(options.overloaded),
                "animals": _input_entry(options.animals),
                "emission_factors": _input_entry(options.emission_factors),
                "exceedance": _input_entry(options.exceedance),
                "config": _input_entry(Path(cfg.source)) if Path(cfg.source).is_file() else None,
            }.items()
            if v is not None
        },
        "rerun": _rerun_entry(result),
        "farms_read_as": result.farms_info,
        "counts": result.counts(),
        "rejected_reasons": reason_counts(result.rejected),
        "priority_order": "submitted_at (first come, first served)"
        if result.first_come_first_served
        else options.rank_by,
        **_deposition_manifest(result),
        "budgets": [
            {
                "name": b.name,
                "regions": list(b.regions),
                "budget_eur": b.budget_eur,
                "used_eur": b.used_eur,
                "left_eur": b.left_eur,
                "selected": b.selected,
                "selected_nh3_kg": round(b.selected_nh3_kg, 3),
                "farms": b.farms,
            }
            for b in result.budgets
        ],
        "notes": result.notes,
        "outputs": outputs,
        "environment": versions,
    }


def _deposition_manifest(result: Result) -> dict:
    """Manifest entries of the deposition options; none for a run that does not use them."""
    options = result.options
    if result.exceedance is None:
        return {}
    dep = options.config.deposition
    zones = result.exceedance
    changes = result.priority_changes
    return {
        "rank_by": options.rank_by,
        "exceedance": {
            **(_input_entry(options.exceedance) or {}),
            "crs": zones.exceedance.source_crs,
            "cell_m": list(zones.exceedance.cell_size),
            "overloaded_cells": int(zones.overloaded.sum()),
            "zone_pieces": len(zones.zones),
            "zone_area_ha": round(zones.area_ha, 2),
            "priority_gained": int((changes["change"] == "gains").sum()),
            "priority_lost": int((changes["change"] == "loses").sum()),
        },
        "deposition_kernel": {
            "formula": "K(r) = c / (1 + r / r0_m) ** power, 0 beyond cutoff_m",
            "c": dep.c,
            "r0_m": dep.r0_m,
            "power": dep.power,
            "cutoff_m": dep.cutoff_m,
            "weight": dep.weight,
            "min_cell_m": dep.min_cell_m,
            "source": dep.source,
        },
    }


def _move_into_place(tmp: Path, out: Path, written: list[str]) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        old_manifest = out / "manifest.json"
        previous: list[str] = []
        if old_manifest.exists():
            try:
                import json

                old = json.loads(old_manifest.read_text(encoding="utf-8"))
                previous = sorted({k.split("/", 1)[0] for k in old.get("outputs", {})})
            except (OSError, ValueError):
                previous = []
            old_manifest.unlink()
        for name in sorted(set(previous) | set(written)):
            target = out / name
            if name == "manifest.json" or not (target.exists() or target.is_symlink()):
                continue
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
        for name in written:
            os.replace(tmp / name, out / name)
        os.replace(tmp / "manifest.json", out / "manifest.json")
    except OSError as exc:
        raise OutputError(f"cannot write the outputs: {exc}", source=str(out)) from None


def run(
    options: RunOptions,
    *,
    progress: Progress | None = None,
    writers: Sequence[Writer] = (),
    command: Sequence[str] = (),
) -> Result:
    """Compute and write one run; see :func:`compute` and :func:`write_result`."""
    result = compute(options, progress=progress)
    write_result(result, options.out, writers=writers, progress=progress, command=command)
    return result
