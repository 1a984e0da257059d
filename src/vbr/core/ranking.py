"""Priority, cost-effectiveness and the contract's national order (pure functions)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from vbr.core.ordering import ties_by_id
from vbr.core.procedure import application_times, day_numbers
from vbr.settings import RANK_BY, option_default

__all__ = ["eur_per_mol", "national_order", "rank_farms"]


def national_order(
    *,
    priority: np.ndarray,
    eur_per_kg: np.ndarray,
    nh3_kg: np.ndarray,
    farm_id: np.ndarray,
    submitted_at: ArrayLike | None = None,
    eur_per_mol: np.ndarray | None = None,
    fcfs: str = "time",
    window: np.ndarray | None = None,
) -> tuple[np.ndarray, bool]:
    """The contract's national order as positions into the inputs.

    Priority rows first. Inside the priority group first come first served by ``submitted_at``
    (the time that counts: see :func:`vbr.core.procedure.application_times`) when every
    priority row has one, else by ``eur_per_kg``; outside it by ``eur_per_kg``. Ties:
    ``eur_per_kg`` ascending, ``nh3_kg`` descending, ``farm_id`` ascending (Unicode code points).

    ``fcfs="day"`` orders the priority group by the calendar day (Europe/Amsterdam) of that time
    instead of the instant: inside a day the ties decide (the lottery of
    :func:`vbr.core.procedure.decide` may draw a day's order later). With application windows,
    ``window`` (index per row) orders the priority group by window first.

    With ``eur_per_mol`` (``--rank-by eur_per_mol``) that measure takes the place of
    ``eur_per_kg`` as the cost key, and ``eur_per_kg`` becomes the first tie-breaker: order by
    ``eur_per_mol`` ascending (NaN, a farm without impact, last), then ``eur_per_kg``
    ascending, ``nh3_kg`` descending, ``farm_id`` ascending.

    Returns
    -------
    order, first_come_first_served
        Positions in national order, and whether the priority group was ordered by time.
    """
    priority = np.asarray(priority, dtype=bool)
    n = len(priority)
    time_key = np.zeros(n, dtype="int64")
    first_come = False
    if submitted_at is not None and priority.any():
        times = pd.to_datetime(pd.Series(submitted_at), utc=True)
        if times[priority].notna().all():
            first_come = True
            ns = (
                day_numbers(times)
                if fcfs == "day"
                else times.to_numpy(dtype="datetime64[ns]").astype("int64")
            )
            time_key = np.where(priority, ns, 0)
    keys = [
        -np.asarray(nh3_kg, dtype="float64"),
        np.asarray(eur_per_kg, dtype="float64"),
    ]
    if eur_per_mol is not None:
        per_mol = np.asarray(eur_per_mol, dtype="float64")
        keys.append(np.where(np.isnan(per_mol), np.inf, per_mol))
    window_key = np.zeros(n, dtype="int64") if window is None else np.where(priority, window, 0)
    keys = [*keys, time_key, window_key, ~priority]
    return ties_by_id(np.lexsort(keys), keys, np.asarray(farm_id, dtype=object)), first_come


def rank_farms(
    farms: pd.DataFrame,
    *,
    threshold_m: float,
    rank_by: str = option_default("rank_by"),
    fcfs: str = "time",
    priority_group: str = "within_threshold",
    window: np.ndarray | None = None,
) -> tuple[pd.DataFrame, bool]:
    """Add ``priority``, ``eur_per_kg`` and ``rank``, and return the rows in national order.

    Parameters
    ----------
    farms
        Needs ``farm_id``, ``distance_m``, ``nh3_kg``, ``subsidy_eur`` and ``submitted_at``
        (``complete_at``, where the column is there, counts before it).
    threshold_m
        Priority strip width: ``priority = distance_m <= threshold_m``.
    fcfs
        ``time`` (by the instant) or ``day`` (by the calendar day; the rule set's ``fcfs``).
    priority_group
        ``within_threshold``, or ``all``: every farm is in the priority group (round 1).
    window
        The application window of each farm (index, in the order of ``farms``), or ``None``.
    rank_by
        ``eur_per_kg`` (the Vbr rule) or ``eur_per_mol``: then ``impact_mol`` must be a column,
        ``eur_per_mol = subsidy_eur / impact_mol`` is added (NaN where the impact is 0) and
        sorts in the place of ``eur_per_kg`` (see :func:`national_order`).

    Returns
    -------
    ranked, first_come_first_served
        A copy in national order with ``rank`` 1..n, and whether the priority group is ordered
        by ``submitted_at``.
    """
    out = farms.copy()
    out["priority"] = (out["distance_m"].to_numpy() <= threshold_m) | (priority_group == "all")
    out["eur_per_kg"] = out["subsidy_eur"].to_numpy() / out["nh3_kg"].to_numpy()
    if rank_by not in RANK_BY:
        raise ValueError(f"rank_by must be one of {RANK_BY}, got {rank_by!r}")
    if "impact_mol" in out:
        out["eur_per_mol"] = eur_per_mol(
            out["subsidy_eur"].to_numpy(), out["impact_mol"].to_numpy()
        )
    elif rank_by == "eur_per_mol":
        raise ValueError("rank_by='eur_per_mol' needs an impact_mol column")
    order, first_come = national_order(
        priority=out["priority"].to_numpy(),
        eur_per_kg=out["eur_per_kg"].to_numpy(),
        nh3_kg=out["nh3_kg"].to_numpy(),
        farm_id=out["farm_id"].to_numpy(),
        submitted_at=_times(out),
        eur_per_mol=out["eur_per_mol"].to_numpy() if rank_by == "eur_per_mol" else None,
        fcfs=fcfs,
        window=window,
    )
    out = out.iloc[order].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out, first_come


def _times(farms: pd.DataFrame) -> pd.Series | None:
    """The time that counts for first come first served per farm (``complete_at`` where the
    column gives one, else ``submitted_at``), or ``None`` without either column."""
    if "submitted_at" not in farms and "complete_at" not in farms:
        return None
    return application_times(farms.get("submitted_at"), farms.get("complete_at"))


def eur_per_mol(subsidy_eur: np.ndarray, impact_mol: np.ndarray) -> np.ndarray:
    """``subsidy_eur / impact_mol``; NaN where the impact is 0 (no overloaded nature within
    the kernel's cut-off: buying such a farm out removes no deposition from it)."""
    subsidy = np.asarray(subsidy_eur, dtype="float64")
    impact = np.asarray(impact_mol, dtype="float64")
    out = np.full(len(subsidy), np.nan)
    has = impact > 0
    out[has] = subsidy[has] / impact[has]
    return out
