"""What every writer gets: the finished result, the folder to write into, the notes so far, and
what several writers show alike, built once (the lists as text, the priority strip).

A writer is a function ``writer(context) -> WriteReport``: it writes files into
``context.folder`` and reports them with its notes. It never changes the result.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from vbr.cache import cache_folder
from vbr.locale.reasons import render_note
from vbr.model import RegionList, Result, WriteReport
from vbr.writers.strip_cache import cached_priority_zone
from vbr.writers.tables import (
    carried_names,
    carried_numbers,
    decisions_table,
    output_columns,
    ranking_table,
    region_list_table,
    renamed_note,
)

__all__ = ["WriteContext", "Writer", "now_utc", "output_notes", "run_time"]


def now_utc() -> dt.datetime:
    """The moment now in UTC, to the second (as the manifest records it)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def run_time(recorded: str | None = None) -> dt.datetime:
    """When the run was made (UTC, whole seconds): ``recorded`` (an ISO 8601 time, as
    ``manifest.json`` holds it) when given, else ``$SOURCE_DATE_EPOCH`` when set (the
    reproducible-builds convention), else now. A ``recorded`` text that is no time is passed
    over (``vbr verify`` then shows the outputs that differ)."""
    try:
        moment = dt.datetime.fromisoformat(recorded) if isinstance(recorded, str) else None
    except ValueError:
        moment = None
    if moment is not None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).replace(microsecond=0)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return now_utc()


@dataclass
class _Shared:
    """Built once per run and shared by every writer's context."""

    lists: dict[str, pd.DataFrame] = field(default_factory=dict)
    numbers: dict[str, list[str]] = field(default_factory=dict)
    zone: gpd.GeoDataFrame | None = None
    #: The notes before any writer's: the result's and the outputs' (:func:`output_notes`).
    first_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class WriteContext:
    """The finished result as the writers see it.

    Attributes
    ----------
    result
        The result to write (read only).
    folder
        The folder to write into (a temporary folder that is moved into place when every writer
        is done).
    notes
        The notes so far: the result's, then those of the writers that ran before.
    created
        When the run was made (UTC, whole seconds): the manifest's ``created``, the workbook's
        cover and the date the maps print show the same moment (``vbr verify`` repeats a run
        with its recorded moment).
    """

    result: Result
    folder: Path
    notes: tuple[str, ...] = ()
    created: dt.datetime = field(default_factory=lambda: run_time())
    _shared: _Shared = field(default_factory=_Shared, repr=False, compare=False)
    #: The notes of every writer before this one, in order: a tuple of notes, or a callable
    #: that waits for a writer running apart (:mod:`vbr.writers.apart`) and gives its notes.
    _before: tuple = field(default=(), repr=False, compare=False)

    @classmethod
    def of(
        cls, result: Result, folder: Path, *, created: dt.datetime | None = None
    ) -> WriteContext:
        """The context of the first writer: the result's own notes and those of the outputs as
        a whole (:func:`output_notes`); ``created`` as given, else :func:`run_time` (now, or
        ``$SOURCE_DATE_EPOCH``)."""
        first = (*result.notes, *output_notes(result))
        return cls(
            result=result,
            folder=Path(folder),
            notes=first,
            created=run_time() if created is None else created,
            _shared=_Shared(first_notes=first),
        )

    def with_notes(self, notes: Sequence[str], *, before: Sequence = ()) -> WriteContext:
        """The same context (and shared lists) with other notes so far; ``before`` as
        :meth:`notes_at_end` reads it (default: just ``notes``)."""
        return WriteContext(
            self.result, self.folder, tuple(notes), self.created, self._shared, tuple(before)
        )

    def notes_at_end(self) -> tuple[str, ...]:
        """Every note of the writers before this one, those of a writer running apart too
        (waiting for it): what a page written last (``index.html``) shows."""
        if not self._before:
            return self.notes
        notes = list(self._shared.first_notes)
        for item in self._before:
            notes += item() if callable(item) else item
        return tuple(notes)

    def ranking_text(self) -> pd.DataFrame:
        """The national list exactly as ``ranking.csv`` holds it."""
        if "" not in self._shared.lists:
            result = self.result
            self._shared.lists[""] = ranking_table(
                result.ranked, result.carried_table(), with_budget=result.with_budget
            )
        return self._shared.lists[""]

    def carried_numbers(self) -> list[str]:
        """The carried-through columns of the lists (their output names) that hold numbers in
        every filled cell (:func:`~vbr.writers.tables.carried_numbers`): the lists for people
        show them as numbers."""
        if "" not in self._shared.numbers:
            result = self.result
            names = carried_names(list(result.carried), output_columns(result.ranked))
            self._shared.numbers[""] = carried_numbers(self.ranking_text(), list(names.values()))
        return self._shared.numbers[""]

    def rejected_numbers(self) -> list[str]:
        """The input columns of the rejected rows that hold numbers in every filled cell."""
        if "rejected" not in self._shared.numbers:
            rejected = self.result.rejected
            names = [c for c in rejected.columns[2:] if c not in ("farm_id", "reason")]
            self._shared.numbers["rejected"] = carried_numbers(rejected, names)
        return self._shared.numbers["rejected"]

    def decisions_text(self) -> pd.DataFrame:
        """``decisions.csv`` as text: one row per application."""
        if "decisions.csv" not in self._shared.lists:
            self._shared.lists["decisions.csv"] = decisions_table(self.result)
        return self._shared.lists["decisions.csv"]

    def region_text(self, region: RegionList) -> pd.DataFrame:
        """A region's list exactly as ``<slug>/ranking.csv`` holds it."""
        if region.slug not in self._shared.lists:
            self._shared.lists[region.slug] = region_list_table(
                self.result, self.ranking_text(), region
            )
        return self._shared.lists[region.slug]

    def make_lists_text(self) -> None:
        """Make every list as text now (national, carried numbers, rejected, decisions, each
        region): called before the writers that run apart start (their ``settle``), so that
        their processes and this one share one copy instead of each making its own."""
        self.ranking_text()
        self.carried_numbers()
        self.rejected_numbers()
        self.decisions_text()
        for region in self.result.region_lists:
            self.region_text(region)

    @property
    def priority_zone(self) -> gpd.GeoDataFrame:
        """The threshold strip around what is overloaded (display only; one row, EPSG:28992),
        made or read from the user's cache folder (:mod:`vbr.writers.strip_cache`) on first use,
        here: in a thread beside the lists' text it cost more than it saved (its short GEOS and
        hashing calls waited for the interpreter's lock; 28 pairs of whole runs 0.97x CPU), and
        the strip's buffers have threads of their own."""
        shared = self._shared
        if shared.zone is None:
            result = self.result
            shared.zone = cached_priority_zone(
                result.natura,
                threshold_m=result.options.config.threshold_m,
                polygons=result.exceedance.zones if result.exceedance is not None else None,
                folder=cache_folder(),
            )
        return shared.zone


def output_notes(result: Result) -> tuple[str, ...]:
    """What every output of ``result`` holds that a reader should know, whichever writer writes
    it, in the run's language: the carried-through columns renamed because vbr uses the name itself
    (:func:`~vbr.writers.tables.renamed_note`). Known before any writer runs, so that a writer
    started apart has them too."""
    renamed = renamed_note(result.carried, result.ranked)
    return (render_note(renamed, result.options.config.language),) if renamed else ()


#: A writer: writes into ``context.folder`` and says what it wrote.
Writer = Callable[[WriteContext], WriteReport]
