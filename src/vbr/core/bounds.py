"""Computed values that leave the finite range reject their row (pure).

The readers reject a row whose own numbers are out of range (:mod:`vbr.io.farms`). What later
stages compute from them (the subsidy estimate, the Sem alternative, the deposition impact, the
ratios the ranking sorts by) is checked here, before the ranking: a row with a value that is
not a finite number, or an estimate above the offer ceiling, is rejected with a reason instead
of reaching a sum, a list or a map.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from vbr.io.farms import cut_long_cells, rejected_table, sort_rejected
from vbr.model import FarmTable
from vbr.settings.limits import MAX_OFFER_EUR

__all__ = ["Checked", "out_of_range", "reject_out_of_range"]

#: Computed columns that may be empty (not applicable) but never infinite.
_OPTIONAL = ("sem_eur", "sem_nh3_kg", "sem_eur_per_kg", "impact_mol")


@dataclass(frozen=True)
class Checked:
    """The farms after the check and the rows it rejected.

    Attributes
    ----------
    farms
        The farms whose computed values are all in range (input order kept).
    rejected
        Every rejected row: the reader's and this check's, sorted by content.
    extra_tables
        The further lists without the rows rejected here.
    priority_changes
        The priority changes without the rows rejected here (``None`` stays ``None``).
    """

    farms: gpd.GeoDataFrame
    rejected: pd.DataFrame
    extra_tables: dict[str, pd.DataFrame]
    priority_changes: pd.DataFrame | None


def out_of_range(farms: pd.DataFrame) -> dict[int, str]:
    """The reason of every farm (position) with a computed value out of range.

    Checks ``subsidy_eur`` (finite, at most :data:`~vbr.settings.limits.MAX_OFFER_EUR`; an
    estimate says so), ``eur_per_kg = subsidy_eur / nh3_kg``, the Sem columns, ``impact_mol``
    and ``eur_per_mol = subsidy_eur / impact_mol`` (finite where given).
    """
    reasons: dict[int, list[str]] = {}
    subsidy = farms["subsidy_eur"].to_numpy(dtype="float64")
    nh3 = farms["nh3_kg"].to_numpy(dtype="float64")
    estimated = (
        (farms["subsidy_source"] == "estimate").to_numpy()
        if "subsidy_source" in farms
        else np.zeros(len(farms), dtype=bool)
    )
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        bad_subsidy = ~(subsidy <= MAX_OFFER_EUR)
        for i in np.flatnonzero(bad_subsidy):
            reasons.setdefault(i, []).append(
                f"{'estimated ' if estimated[i] else ''}subsidy_eur is not a finite amount "
                f"within the ceiling of EUR {MAX_OFFER_EUR:,.0f} per farm ({subsidy[i]:.6g})"
                + ("; check the animal counts and stable columns" if estimated[i] else "")
            )
        ratio = subsidy / nh3
        for i in np.flatnonzero(~bad_subsidy & ~np.isfinite(ratio)):
            reasons.setdefault(i, []).append(
                f"eur_per_kg = subsidy_eur / nh3_kg is not a finite number "
                f"({subsidy[i]:.6g} / {nh3[i]:.6g})"
            )
        for column in _OPTIONAL:
            if column not in farms:
                continue
            values = farms[column].to_numpy(dtype="float64")
            for i in np.flatnonzero(np.isinf(values)):
                reasons.setdefault(i, []).append(f"{column} is not a finite number")
        if "impact_mol" in farms:
            impact = farms["impact_mol"].to_numpy(dtype="float64")
            per_mol = np.where(impact > 0, subsidy / impact, 0.0)
            for i in np.flatnonzero(np.isfinite(impact) & ~bad_subsidy & ~np.isfinite(per_mol)):
                reasons.setdefault(i, []).append(
                    f"eur_per_mol = subsidy_eur / impact_mol is not a finite number "
                    f"({subsidy[i]:.6g} / {impact[i]:.6g})"
                )
    return {i: "; ".join(texts) for i, texts in reasons.items()}


def reject_out_of_range(
    farms: gpd.GeoDataFrame,
    farm_table: FarmTable,
    *,
    extra_tables: dict[str, pd.DataFrame],
    priority_changes: pd.DataFrame | None = None,
) -> Checked:
    """Move the farms with a computed value out of range (:func:`out_of_range`) to the rejected
    rows, each with its reason and its row as read.

    Parameters
    ----------
    farms
        The farms with every computed column, ``row`` the input row.
    farm_table
        The farms as read (the rejected rows so far, the rows as read).
    extra_tables, priority_changes
        Lists by farm that must not keep a rejected farm.
    """
    reasons = out_of_range(farms)
    if not reasons:
        return Checked(farms, farm_table.rejected, dict(extra_tables), priority_changes)
    positions = np.array(sorted(reasons), dtype="int64")
    rows = farms["row"].to_numpy()[positions]
    as_read = pd.concat(
        [
            farm_table.used_values.iloc[rows].reset_index(drop=True),
            farm_table.carried_values.iloc[rows].reset_index(drop=True),
        ],
        axis=1,
    )[farm_table.columns]
    ids = farms["farm_id"].to_numpy(dtype=object)[positions]
    new, _ = cut_long_cells(
        sort_rejected(rejected_table(ids, [reasons[i] for i in positions], as_read))
    )
    rejected = sort_rejected(pd.concat([farm_table.rejected.astype(str), new], ignore_index=True))
    keep = np.ones(len(farms), dtype=bool)
    keep[positions] = False
    gone = set(ids.tolist())

    def without(table: pd.DataFrame) -> pd.DataFrame:
        if "farm_id" not in table:
            return table
        return table[~table["farm_id"].isin(gone)].reset_index(drop=True)

    return Checked(
        farms=farms[keep].reset_index(drop=True),
        rejected=rejected,
        extra_tables={name: without(t) for name, t in extra_tables.items()},
        priority_changes=None if priority_changes is None else without(priority_changes),
    )
