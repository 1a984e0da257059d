"""The data a run passes on: what the readers give, and what :func:`vbr.compute` returns.

Data classes only (with a few small derived properties). Nothing here reads or writes a file,
and nothing decides a rule: the readers in :mod:`vbr.io` fill the input classes, the rules in
:mod:`vbr.core` and the pipeline make the :class:`Result`, and the writers and the maps read it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from vbr.cache import cache_folder, cached_geometries, geometry_key
from vbr.geometry import OUTLINES_VERSION, RD_NEW, repaired_outlines
from vbr.settings import RunOptions

if TYPE_CHECKING:
    from affine import Affine  # only a raster holds one: not loaded by every run

__all__ = [
    "RAV_CODE",
    "BudgetSummary",
    "Decisions",
    "EmissionFactors",
    "Exceedance",
    "FarmTable",
    "FieldSource",
    "NaturaAreas",
    "OfferTable",
    "OverloadZones",
    "PotWalk",
    "RegionList",
    "Regions",
    "Result",
    "WindowSummary",
    "WriteReport",
    "Written",
    "empty_rejections",
]

#: A Rav code: a capital letter, then dot-separated numbers (A1.100, D1.1.100, G2.1.100).
RAV_CODE = re.compile(r"^[A-Za-z]\d+(?:\.\d+)+$")


@dataclass(frozen=True)
class FieldSource:
    """Where the values of one input field came from: an input column, or how they were made.

    Attributes
    ----------
    column
        The input column, if one gave the values.
    found_by
        How that column was found: ``name`` (the field's own name), ``alias``, ``shapefile
        name`` (a 10-character prefix of a name), or where it was named (``--columns``, ``my.toml
        [columns]``).
    made
        How the values were made where no column gave them: ``geometry``, ``row number``,
        ``computed from animal counts``, ``estimate``, ``--overloaded list`` ...
    made_rows
        With both a column and ``made``: for how many rows the values were made so.
    """

    column: str | None = None
    found_by: str | None = None
    made: str | None = None
    made_rows: int | None = None


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
    used_values, columns
        The other input columns (those read as ``farm_id``, ``nh3_kg``, ``subsidy_eur``) as
        read, one row per input row, and every input column's name in file order: with
        ``carried_values`` the rows as read, for a row that a later stage rejects.
    n_read
        Rows read from the file (= usable + rejected).
    info
        How the file was read, for the manifest.
    animals
        Animal places per input row, long: ``row, rav_code, animals`` (and
        ``kg_nh3_per_place`` for IMAER custom housing); empty without animal counts.
    nh3_check
        Rows where ``nh3_kg`` was given and also computed from animals: ``farm_id, row,
        nh3_kg_given, nh3_kg_from_animals, difference_kg, difference_pct`` (the given value wins).
    estimate_subsidy
        Whether empty ``subsidy_eur`` values are left to the subsidy estimate (``NaN`` in
        ``farms``, ``subsidy_source`` = ``estimate``) instead of rejected.
    notes
        Remarks for the run summary (e.g. animal rows that match no farm).
    rejections
        One row per problem of a rejected row: ``row`` (0-based), ``where`` (``row 5``),
        ``farm_id``, ``kind`` (the reason without its values), for the counts by kind.
    sources
        Every field and where it came from (:class:`FieldSource`), for the manifest and the
        summary.
    input_rows
        Every input row as read (text, index = ``row``), for rows that a later rule rejects
        (:func:`vbr.io.farms.reject_farms`).
    """

    farms: gpd.GeoDataFrame
    rejected: pd.DataFrame
    carried: list[str]
    n_read: int
    info: dict = field(default_factory=dict)
    carried_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    used_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    columns: list[str] = field(default_factory=list)
    animals: pd.DataFrame = field(default_factory=pd.DataFrame)
    nh3_check: pd.DataFrame = field(default_factory=pd.DataFrame)
    estimate_subsidy: bool = False
    notes: list[str] = field(default_factory=list)
    sources: dict[str, FieldSource | None] = field(default_factory=dict)
    rejections: pd.DataFrame = field(default_factory=lambda: empty_rejections())
    input_rows: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def empty_rejections() -> pd.DataFrame:
    """A :attr:`FarmTable.rejections` table without rows."""
    return pd.DataFrame(
        {
            "row": pd.Series(dtype="int64"),
            "where": pd.Series(dtype=object),
            "farm_id": pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
        }
    )


@dataclass
class OfferTable:
    """Offers read from an offers table (``--offers``): one row per offer, as read, with the
    fields parsed; joined on ``farm_id`` to the locations of the farm file by the farm reader.

    Attributes
    ----------
    path
        The file read.
    frame
        Every input column as read (text), one row per offer.
    ids
        ``farm_id`` per offer, as the farm reader makes them (:func:`vbr.io.ids.normalise_ids`:
        NFC, spaces around it removed; empty where missing).
    subsidy
        ``subsidy_eur`` per offer (NaN where empty or unusable); ``subsidy_given`` says where
        the cell is not empty.
    submitted_at, complete_at
        The times, read as the farm file's (:func:`vbr.io.times.parse_times`; UTC, NaT where
        empty or unreadable); ``None`` where the table has no such column. ``submitted_given``,
        ``complete_given``: where the cell is not empty.
    problems
        Per offer row, what makes its values unusable (a subsidy that is no number, a time that
        cannot be read, a row the reader could not split), each naming the file and row.
    carried
        The offers' columns carried through to the outputs (all but those of ``farm_id`` and
        ``subsidy_eur``), in file order.
    sources
        Every field and the column it came from (:class:`FieldSource`), for the manifest.
    notes
        What the user should know about how the table was read.
    """

    path: Path
    frame: pd.DataFrame
    ids: pd.Series
    subsidy: np.ndarray
    subsidy_given: np.ndarray
    submitted_at: pd.Series | None
    submitted_given: np.ndarray
    complete_at: pd.Series | None
    complete_given: np.ndarray
    problems: dict[int, list[str]] = field(default_factory=dict)
    carried: list[str] = field(default_factory=list)
    sources: dict[str, FieldSource | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class NaturaAreas:
    """Natura 2000 areas in EPSG:28992.

    An invalid area is measured by its parts, each part repaired on its own where it is invalid
    itself: a point's distance to a union is its least distance to the parts. Distances need
    only those parts; the repaired outline of the whole area (GEOS ``make_valid``, the costly
    step) is made the first time :attr:`areas` is read, for the maps and the GeoPackage.

    Attributes
    ----------
    attributes
        One row per area: ``nr`` (int), ``name``, ``overloaded`` (bool), ``overloaded_by`` (what
        decided it: ``column``, ``list``, ``all``, ``exceedance``; empty as read, before
        :func:`vbr.core.overloaded.decide_overloaded` decides).
    columns
        The other input columns of each area as read (text), in file order, for the rules
        (e.g. the ``overloaded`` column).
    path
        The file read.
    geometry, invalid
        The outline of each area as read (converted to EPSG:28992, not yet repaired), and
        whether it is invalid (and so repaired when :attr:`areas` is first read).
    parts, part_of
        Valid polygons whose union is each area, and the row in ``attributes`` of each.
    repaired
        Number of input geometries that were invalid and repaired.
    dropped
        Input features left out because they hold no area (empty or zero-area geometry).
    notes
        Things the user should know (printed in the summary, written to the manifest).
    sources
        Where ``nr``, ``name`` and ``overloaded`` came from (:class:`FieldSource`).
    rows
        The feature number in the file (1-based) of every area, for messages.
    """

    attributes: pd.DataFrame
    geometry: np.ndarray
    invalid: np.ndarray
    parts: np.ndarray
    part_of: np.ndarray
    repaired: int = 0
    dropped: int = 0
    notes: list[str] = field(default_factory=list)
    columns: pd.DataFrame = field(default_factory=pd.DataFrame)
    path: Path | None = None
    sources: dict[str, FieldSource | None] = field(default_factory=dict)
    rows: np.ndarray | None = None
    _outlines: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    @property
    def flag_column(self) -> str | None:
        """The input column that says per area whether it is overloaded, if any."""
        source = self.sources.get("overloaded")
        return source.column if source is not None else None

    @property
    def has_area_numbers(self) -> bool:
        """Whether the areas' numbers come from the file (not from their row)."""
        source = self.sources.get("nr")
        return source is None or source.column is not None

    @property
    def areas(self) -> gpd.GeoDataFrame:
        """The areas with their repaired outlines (a new frame on every call)."""
        return gpd.GeoDataFrame(self.attributes.copy(), geometry=self.outlines(), crs=RD_NEW)

    @property
    def overloaded(self) -> gpd.GeoDataFrame:
        """Only the overloaded areas, with their repaired outlines."""
        areas = self.areas
        return areas[areas["overloaded"].to_numpy(dtype=bool)]

    def outlines(self) -> np.ndarray:
        """The repaired outline of every area (repaired once, on the first call; where some
        are invalid, from the user's cache when an earlier run on the same areas kept them,
        :mod:`vbr.cache`)."""
        with self._lock:
            if self._outlines is None:

                def repaired(geometry: np.ndarray) -> np.ndarray:
                    return repaired_outlines(geometry, self.invalid, self.parts, self.part_of)

                self._outlines = (
                    cached_geometries(
                        "outlines",
                        OUTLINES_VERSION,
                        self.geometry,
                        repaired,
                        # the valid parts are the fallback of a repair that leaves no area
                        params=(geometry_key("parts", 1, self.parts), self.part_of.tolist()),
                        folder=cache_folder(),
                    )
                    if self.invalid.any()
                    else repaired(self.geometry)
                )
            return self._outlines

    def overloaded_parts(self) -> tuple[np.ndarray, np.ndarray]:
        """The valid parts of the overloaded areas and the ``nr`` of the area of each part."""
        over = self.attributes["overloaded"].to_numpy(dtype=bool)[self.part_of]
        nrs = self.attributes["nr"].to_numpy(dtype="int64")[self.part_of]
        return self.parts[over], nrs[over]


@dataclass
class Regions:
    """Regions in EPSG:28992, one row each: ``name``, ``slug``, polygonal geometry; where the
    name came from (``sources``) and what the user should know about reading them (``notes``:
    folder names changed, regions without geometry left out, ...)."""

    regions: gpd.GeoDataFrame
    repaired: int = 0
    notes: list[str] = field(default_factory=list)
    sources: dict[str, FieldSource | None] = field(default_factory=dict)


@dataclass
class Exceedance:
    """An exceedance grid in EPSG:28992.

    Attributes
    ----------
    values
        2-D float64 array (rows north to south), mol N/ha/yr above the KDW; NaN where the file
        has no data.
    transform
        Affine transform from (col, row) to EPSG:28992 metres (north-up, no rotation).
    path
        The file read.
    source_crs
        The CRS the file declared, or the one given with ``--exceedance-crs``.
    notes
        Things the user should know (reprojection, extra bands).
    """

    values: np.ndarray
    transform: Affine
    path: Path
    source_crs: str
    notes: list[str] = field(default_factory=list)

    @property
    def cell_size(self) -> tuple[float, float]:
        """Cell width and height in metres."""
        return float(self.transform.a), float(-self.transform.e)

    @property
    def cell_area_ha(self) -> float:
        """Area of one cell in hectares."""
        w, h = self.cell_size
        return w * h / 10_000.0

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """xmin, ymin, xmax, ymax in EPSG:28992."""
        rows, cols = self.values.shape
        x0, y0 = self.transform.c, self.transform.f
        w, h = self.cell_size
        return (x0, y0 - rows * h, x0 + cols * w, y0)


@dataclass
class OverloadZones:
    """The overloaded zones of an exceedance raster.

    Attributes
    ----------
    exceedance
        The raster (values, transform) in EPSG:28992; the maps can draw it.
    zones
        Polygons (EPSG:28992) with ``nr`` and ``name`` of the Natura 2000 area each lies in
        (``nr`` 0 and name ``""`` without areas).
    overloaded
        Cells above 0 (and, with areas, with their centre in one): the grid the impacts use.
    notes
        Things the user should know.
    """

    exceedance: Exceedance
    zones: gpd.GeoDataFrame
    overloaded: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def area_ha(self) -> float:
        """Area of the zones, hectares."""
        return float(shapely.area(self.zones.geometry.values).sum() / 10_000.0)


@dataclass(frozen=True)
class EmissionFactors:
    """kg NH3 per animal place per year by code, with category names and sources.

    Attributes
    ----------
    table
        ``rav_code, category_en, category_nl, kg_nh3_per_place, source`` (one row per code).
    sources
        The files the table was read from, shipped table first.
    """

    table: pd.DataFrame
    sources: tuple[str, ...] = ()

    @property
    def factors(self) -> dict[str, float]:
        """Code -> kg NH3 per animal place per year."""
        return dict(zip(self.table["rav_code"], self.table["kg_nh3_per_place"], strict=True))

    def is_species(self, code: str) -> bool:
        """Whether a code is a species-level fallback (not a Rav code)."""
        return not RAV_CODE.match(code)


@dataclass(frozen=True)
class WindowSummary:
    """One application window of the national pot as walked.

    ``available_eur`` = the window's budget + ``carried_in_eur``, capped by what the national
    budget had left; ``used_round1_eur`` + ``used_round2_eur`` were granted; ``carried_out_eur``
    went on to the next window (``carry_over``).
    """

    name: str
    opens: str
    closes: str
    budget_eur: float
    carried_in_eur: float
    available_eur: float
    used_round1_eur: float
    used_round2_eur: float
    carried_out_eur: float
    applications: int
    granted: int


@dataclass(frozen=True)
class BudgetSummary:
    """One pot as walked (the national pot or a regional one): each farm counts once, in the
    pot that funded it, so the pots' ``used_eur`` add up to the money granted.

    ``farms`` is the number of farms the pot walked: those it may fund (its regions; all for the
    national pot) that no earlier pot funded.
    """

    name: str
    regions: tuple[str, ...]
    budget_eur: float
    used_eur: float
    selected: int
    selected_nh3_kg: float
    farms: int
    source: str = ""
    policy: str = "skip"
    windows: tuple[WindowSummary, ...] = ()

    @property
    def left_eur(self) -> float:
        """Budget not spent."""
        return self.budget_eur - self.used_eur


@dataclass(frozen=True)
class PotWalk:
    """One pot's walk per farm, in national order.

    Attributes
    ----------
    name
        The pot.
    considered
        The farms the pot walked (it may fund them and no earlier pot did).
    selected
        The farms it funded.
    left_before_eur
        The pot's budget left when its walk reached each farm (NaN where it did not walk it;
        with windows: the budget left in the farm's window).
    reached
        Whether the walk reached the farm (``False`` after a walk ended early, policy ``stop``).
    stopped_at_rank
        Policy ``stop``: the national rank of the farm at which a walk ended, per window (empty:
        it did not end early).
    """

    name: str
    considered: np.ndarray
    selected: np.ndarray
    left_before_eur: np.ndarray
    reached: np.ndarray
    stopped_at_rank: tuple[int, ...] = ()


@dataclass(frozen=True)
class Decisions:
    """What the decision procedure decided, per farm in national order.

    Attributes
    ----------
    order
        The national order as positions into the order the procedure was given (the lottery
        changes the order inside a drawn day only).
    funded_by
        The pot that funded each farm (``""``: none).
    window
        The application window of each farm (``""`` without windows).
    round
        1 (the priority group) or 2.
    day
        The day that counted for first come first served (``YYYY-MM-DD``, Europe/Amsterdam;
        ``""`` where the order is not by day).
    lot_number, lot_size
        In a day drawn by lot: the place drawn (1 ...) and the applications of that day; 0
        elsewhere.
    walks
        Every pot's walk.
    budgets
        Every pot's figures, in walking order.
    drawn
        The days drawn by lot: ``window``, ``day``, ``applications``, ``pot`` (the first pot
        for which the order mattered).
    seed, draw
        The lottery: the seed, or the draw file's farm ids in drawn order.
    """

    order: np.ndarray
    funded_by: np.ndarray
    window: np.ndarray
    round: np.ndarray
    day: np.ndarray
    lot_number: np.ndarray
    lot_size: np.ndarray
    walks: tuple[PotWalk, ...]
    budgets: tuple[BudgetSummary, ...]
    drawn: tuple[dict, ...] = ()
    seed: int | None = None
    draw: tuple[str, ...] | None = None

    @property
    def selected(self) -> np.ndarray:
        """Funded by some pot."""
        return self.funded_by != ""


@dataclass(frozen=True)
class RegionList:
    """A region's farms: their positions in the national order. A region has no walk of its
    own: its list shows the national decision of each farm (:class:`Decisions`)."""

    name: str
    slug: str
    positions: np.ndarray


@dataclass(frozen=True)
class Result:
    """Everything a run computed (:func:`vbr.compute`); the writers and the maps read it.

    Attributes
    ----------
    options
        The options of the run.
    ranked
        The ranked farms in national order (``rank``, ``farm_id``, ``regions``, ``priority``,
        ``distance_m`` ... ``reason``; point geometry in EPSG:28992).
    rejected
        ``farm_id, reason``, then the input row as read.
    carried, carried_values
        The carried-through input columns: their names, and their text per input row.
    natura, regions
        The Natura 2000 areas (with the decision which are overloaded) and the regions.
    region_lists, budgets
        Each region's farms, and every pot's figures in walking order.
    n_read
        Rows read from the farm file.
    first_come_first_served
        Whether the priority group is ordered by ``submitted_at``.
    farms_info
        How the farm file was read (for the manifest).
    notes
        What the user should know about this run, from every stage.
    timings
        Seconds per stage of the computation.
    extra_tables
        Further lists by file name (``nh3_check.csv``, ``subsidy_estimates.csv``).
    decisions
        What the decision procedure decided per farm (national order): pots, windows, rounds,
        days and lots.
    exceedance, priority_changes
        With ``--exceedance``: the raster and its overloaded zones, and the farms whose priority
        differs from the whole-area rule.
    overloaded_list
        The list of overloaded area numbers that decided (``--overloaded``, or the shipped
        nitrogen-sensitive list for PDOK data), if any.
    columns
        For ``farms``, ``natura2000`` and ``regions``: every field and where it came from.
    """

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
    notes: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    extra_tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    decisions: Decisions | None = field(default=None, repr=False)
    exceedance: OverloadZones | None = None
    priority_changes: pd.DataFrame | None = None
    overloaded_list: Path | None = None
    #: The problems of the rejected rows by kind (:attr:`FarmTable.rejections`).
    rejections: pd.DataFrame = field(default_factory=lambda: empty_rejections())
    columns: Mapping[str, Mapping[str, FieldSource | None]] = field(default_factory=dict)

    def carried_table(self) -> pd.DataFrame:
        """The carried-through input columns (text, input names) of the ranked farms, in
        national order."""
        rows = self.ranked["row"].to_numpy()
        return self.carried_values.iloc[rows].reset_index(drop=True)

    @property
    def with_budget(self) -> bool:
        """Whether a pot was walked (``selected`` and ``funded_by`` mean something)."""
        return bool(self.budgets)

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


@dataclass(frozen=True)
class WriteReport:
    """What one writer wrote: its files (paths inside the folder it was given), its notes (e.g. a
    workbook sheet cut at Excel's row limit) and, where it times parts of its work itself, the
    seconds per part (else the caller times the writer as a whole)."""

    files: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Written:
    """A result written to its folder (:func:`vbr.write_result`, :func:`vbr.run`).

    Attributes
    ----------
    result
        The result that was written (unchanged by the writing).
    folder
        The output folder.
    files
        Every file written, relative to ``folder`` (the folder markers ``<name>/.vbr-folder``
        among them; ``manifest.json`` and ``manifest.sha256`` last).
    notes
        The result's notes, then the writers' notes: what the console, ``manifest.json``,
        ``index.html`` and the workbook show.
    timings
        Seconds per writer.
    """

    result: Result
    folder: Path
    files: tuple[str, ...]
    notes: tuple[str, ...]
    timings: Mapping[str, float] = field(default_factory=dict)
