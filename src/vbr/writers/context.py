"""What every writer gets: the finished result, the folder to write into, the notes so far, and
what several writers show alike, built once (the lists as text, the priority strip).

A writer is a function ``writer(context) -> WriteReport``: it writes files into
``context.folder`` and reports them with its notes. It never changes the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from vbr.core.zones import priority_zone
from vbr.model import RegionList, Result, WriteReport
from vbr.writers.tables import decisions_table, ranking_table, region_list_table

__all__ = ["WriteContext", "Writer"]


@dataclass
class _Shared:
    """Built once per run and shared by every writer's context."""

    lists: dict[str, pd.DataFrame] = field(default_factory=dict)
    zone: Future | None = None


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
    """

    result: Result
    folder: Path
    notes: tuple[str, ...] = ()
    _shared: _Shared = field(default_factory=_Shared, repr=False, compare=False)

    @classmethod
    def of(cls, result: Result, folder: Path) -> WriteContext:
        """The context of the first writer: the result's own notes."""
        return cls(result=result, folder=Path(folder), notes=tuple(result.notes))

    def with_notes(self, notes: Sequence[str]) -> WriteContext:
        """The same context (and shared lists) with other notes so far."""
        return WriteContext(self.result, self.folder, tuple(notes), self._shared)

    def ranking_text(self) -> pd.DataFrame:
        """The national list exactly as ``ranking.csv`` holds it."""
        if "" not in self._shared.lists:
            result = self.result
            self._shared.lists[""] = ranking_table(
                result.ranked, result.carried_table(), with_budget=result.with_budget
            )
        return self._shared.lists[""]

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

    def start_priority_zone(self) -> None:
        """Start computing the threshold strip in a background thread (GEOS releases the GIL)."""
        shared = self._shared
        if shared.zone is None:
            result = self.result
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vbr-zone")
            polygons = result.exceedance.zones if result.exceedance is not None else None
            shared.zone = pool.submit(
                priority_zone,
                result.natura,
                threshold_m=result.options.config.threshold_m,
                polygons=polygons,
            )
            pool.shutdown(wait=False)

    @property
    def priority_zone(self) -> gpd.GeoDataFrame:
        """The threshold strip around what is overloaded (display only; one row, EPSG:28992)."""
        self.start_priority_zone()
        return self._shared.zone.result()


#: A writer: writes into ``context.folder`` and says what it wrote.
Writer = Callable[[WriteContext], WriteReport]
