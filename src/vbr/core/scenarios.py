"""Budget scenarios: cost curves, threshold sensitivity and the best possible selection.

Everything here is advisory: it shows what the rule's ranking buys and what other choices would
buy, and never changes the ranking or the rule's selection.

- Cost curve: walk a ranking and add up subsidy, NH3 (kg/yr) and deposition impact (mol/yr).
  Two rankings: the Vbr rule (priority first, then euro per kg) and the same with euro per mol.
- Threshold sensitivity: farms, subsidy and NH3 in the priority group for strips of 250 to
  2,000 m.
- Best selection for a budget: the 0-1 knapsack that maximises NH3 (or deposition) removed
  under the budget, solved exactly with ``scipy.optimize.milp`` (HiGHS). Priority farms first:
  the best selection of priority farms under the budget is made first, then the best selection
  of the other farms under what is left, as the rule also serves the priority group first.
  Optimal selections are not nested: the best selection for a larger budget need not contain
  the best selection for a smaller one, so they are no ranking.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vbr.core.budget import (
    allocate_budget,
    cents_sum_eur,
    cumulative_cents,
    sum_cents,
    to_cents,
)

__all__ = [
    "NOT_NESTED",
    "THRESHOLDS_M",
    "Knapsack",
    "best_selection",
    "cost_curve",
    "knapsack",
    "threshold_sensitivity",
]

#: The strips the threshold sensitivity compares (metres).
THRESHOLDS_M = (250.0, 500.0, 1000.0, 1500.0, 2000.0)

NOT_NESTED = (
    "Optimal selections are advisory benchmarks and are NOT nested as the budget grows: the "
    "best selection for a larger budget need not contain the best selection for a smaller "
    "one, so they cannot be walked down like a ranking. The rule's ranking decides."
)


@dataclass
class Knapsack:
    """A solved 0-1 knapsack.

    Attributes
    ----------
    selected
        Boolean per item.
    value, cost_eur
        Sum of values and of costs of the selected items.
    optimal
        Whether the solver proved optimality (else ``gap`` bounds the shortfall).
    gap
        Relative gap between the selection and the best bound (0 when optimal).
    seconds
        Solver time.
    status
        The solver's message.
    """

    selected: np.ndarray
    value: float
    cost_eur: float
    optimal: bool
    gap: float
    seconds: float
    status: str


def knapsack(
    values: np.ndarray, costs_eur: np.ndarray, budget_eur: float, *, time_limit_s: float
) -> Knapsack:
    """Maximise ``sum(values[x])`` subject to ``sum(costs_eur[x]) <= budget_eur``, x in {0, 1}.

    Costs are compared in whole cents, as the budget walk does. Items that cost nothing and
    have a value are always taken; items that cost more than the budget or have no value never.

    Before the solver runs, items are fixed by the LP bound (exact, standard for knapsacks):
    with ``r`` the value per cent of the LP's break item, the LP bound with item ``j`` forced
    the other way drops by ``|v_j - r c_j|``; when it drops below the value of the greedy
    selection, no better selection can force ``j`` that way, so ``j`` is fixed. The solver
    (``scipy.optimize.milp``, HiGHS, relative gap 0) then gets only the few items near the break.
    """
    values = np.asarray(values, dtype="float64")
    cents = to_cents(costs_eur)
    budget = float(to_cents(budget_eur))
    n = len(values)
    t0 = time.perf_counter()
    selected = np.zeros(n, dtype=bool)
    selected[(cents <= 0) & (values > 0)] = True
    open_ = np.flatnonzero((cents > 0) & (cents <= budget) & (values > 0))
    if sum_cents(cents[open_]) <= budget:
        selected[open_] = True
        return _done(selected, values, cents, t0, optimal=True, gap=0.0, status="everything fits")
    v, c = values[open_], cents[open_]
    order = np.lexsort((c, -v / c))  # best value per cent first
    cum = cumulative_cents(c[order])
    k = int(np.searchsorted(cum, budget, side="right"))  # break item: order[k]
    ratio = v[order[k]] / c[order[k]]
    lp_bound = float(v[order[:k]].sum() + (budget - (cum[k - 1] if k else 0.0)) * ratio)
    # the budget walk down the ratio order, skipping what does not fit
    walked, _ = allocate_budget(c[order] / 100.0, budget_eur=budget / 100.0, policy="skip")
    greedy = np.zeros(len(open_), dtype=bool)
    greedy[order[walked]] = True
    best = float(v[greedy].sum())
    reduced = v - ratio * c
    margin = best - 1e-9 * abs(best)
    fix_in = (reduced > 0) & (lp_bound - reduced < margin)
    fix_out = (reduced < 0) & (lp_bound + reduced < margin)
    core = np.flatnonzero(~fix_in & ~fix_out)
    left = budget - sum_cents(c[fix_in])
    x = greedy
    optimal, gap, status = True, 0.0, "greedy is optimal (LP bound)"
    if left >= 0 and len(core) and best < lp_bound - 1e-9 * abs(best):
        res = _milp(v[core], c[core], left, time_limit_s=time_limit_s)
        status = f"{len(core)} of {len(open_)} items left to the solver: {res.message}"
        if res.x is not None:
            trial = fix_in.copy()
            trial[core] = np.rint(res.x).astype(bool)
            # the solver's feasibility tolerance: drop the worst value per cent until it fits
            while c[trial].sum() > budget:
                chosen = np.flatnonzero(trial & ~fix_in)
                trial[chosen[np.argmin(v[chosen] / c[chosen])]] = False
                status += "; trimmed to fit in whole cents"
            if v[trial].sum() >= best:
                x, best = trial, float(v[trial].sum())
        optimal = res.status == 0
        if not optimal:
            bound = getattr(res, "mip_dual_bound", None)
            upper = (
                float(v[fix_in].sum() - bound)
                if bound is not None and np.isfinite(bound)
                else lp_bound
            )
            gap = max(0.0, (upper - best) / best) if best > 0 else float("inf")
    selected[open_[x]] = True
    return _done(selected, values, cents, t0, optimal=optimal, gap=gap, status=status)


def _milp(values: np.ndarray, cents: np.ndarray, budget: float, *, time_limit_s: float):
    from scipy.optimize import Bounds, LinearConstraint, milp

    with _quiet_stdout():  # HiGHS prints debug lines to the C stdout even with disp off
        return milp(
            c=-values,
            constraints=LinearConstraint(cents[None, :], -np.inf, budget),
            integrality=np.ones(len(values)),
            bounds=Bounds(0, 1),
            options={"time_limit": float(time_limit_s), "mip_rel_gap": 0.0},
        )


@contextlib.contextmanager
def _quiet_stdout():
    """Send file descriptor 1 to /dev/null for the duration (C-level prints included)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _done(selected, values, cents, t0, *, optimal, gap, status) -> Knapsack:
    return Knapsack(
        selected=selected,
        value=float(values[selected].sum()),
        cost_eur=float(cents[selected].sum() / 100.0),
        optimal=optimal,
        gap=gap,
        seconds=time.perf_counter() - t0,
        status=status,
    )


def best_selection(
    values: np.ndarray,
    costs_eur: np.ndarray,
    priority: np.ndarray,
    budget_eur: float,
    *,
    time_limit_s: float,
) -> Knapsack:
    """The best selection under the budget, priority farms first (two knapsacks).

    First the priority farms: the selection of them that removes the most under the budget.
    Then the other farms under the budget that is left.
    """
    priority = np.asarray(priority, dtype=bool)
    values = np.asarray(values, dtype="float64")
    costs = np.asarray(costs_eur, dtype="float64")
    first = knapsack(values[priority], costs[priority], budget_eur, time_limit_s=time_limit_s)
    left = float(to_cents(budget_eur) / 100.0 - first.cost_eur)
    rest = ~priority
    second = knapsack(values[rest], costs[rest], max(left, 0.0), time_limit_s=time_limit_s)
    selected = np.zeros(len(values), dtype=bool)
    selected[priority] = first.selected
    selected[rest] = second.selected
    gaps = [k.gap for k in (first, second)]
    return Knapsack(
        selected=selected,
        value=float(values[selected].sum()),
        cost_eur=cents_sum_eur(costs[selected]),
        optimal=first.optimal and second.optimal,
        gap=max(gaps),
        seconds=first.seconds + second.seconds,
        status=f"priority: {first.status}; others: {second.status}",
    )


def cost_curve(
    order: np.ndarray,
    *,
    farm_id: np.ndarray,
    priority: np.ndarray,
    subsidy_eur: np.ndarray,
    nh3_kg: np.ndarray,
    impact_mol: np.ndarray | None,
    ranking: str,
) -> pd.DataFrame:
    """Cumulative subsidy, NH3 and deposition impact walking ``order`` (positions)."""
    cents = to_cents(np.asarray(subsidy_eur, dtype="float64")[order])
    frame = pd.DataFrame(
        {
            "ranking": ranking,
            "position": np.arange(1, len(order) + 1),
            "farm_id": np.asarray(farm_id, dtype=object)[order],
            "priority": np.asarray(priority, dtype=bool)[order],
            "subsidy_eur": np.asarray(subsidy_eur, dtype="float64")[order],
            "cumulative_eur": (cumulative_cents(cents) / 100.0).astype("float64"),
            "cumulative_nh3_kg": np.cumsum(np.asarray(nh3_kg, dtype="float64")[order]),
        }
    )
    if impact_mol is not None:
        frame["cumulative_impact_mol"] = np.cumsum(np.asarray(impact_mol, dtype="float64")[order])
    return frame


def threshold_sensitivity(
    distance_m: np.ndarray,
    subsidy_eur: np.ndarray,
    nh3_kg: np.ndarray,
    impact_mol: np.ndarray | None = None,
    *,
    thresholds_m: tuple[float, ...] = THRESHOLDS_M,
    budget_eur: float | None = None,
) -> pd.DataFrame:
    """Farms, subsidy, NH3 (and impact) in the priority group for each strip width."""
    distance = np.asarray(distance_m, dtype="float64")
    subsidy = np.asarray(subsidy_eur, dtype="float64")
    nh3 = np.asarray(nh3_kg, dtype="float64")
    rows = []
    for t in sorted(set(thresholds_m)):
        inside = distance <= t
        row = {
            "threshold_m": t,
            "priority_farms": int(inside.sum()),
            "priority_subsidy_eur": cents_sum_eur(subsidy[inside]),
            "priority_nh3_kg": float(nh3[inside].sum()),
        }
        if impact_mol is not None:
            row["priority_impact_mol"] = float(np.asarray(impact_mol)[inside].sum())
        if budget_eur is not None:
            row["share_of_budget"] = (
                row["priority_subsidy_eur"] / budget_eur if budget_eur > 0 else float("nan")
            )
        rows.append(row)
    return pd.DataFrame(rows)


def rule_selection(
    order: np.ndarray, subsidy_eur: np.ndarray, budget_eur: float, *, policy: str
) -> np.ndarray:
    """The budget walk down ``order``: a boolean per farm (positions into the inputs)."""
    selected_in_order, _ = allocate_budget(
        np.asarray(subsidy_eur, dtype="float64")[order], budget_eur=budget_eur, policy=policy
    )
    out = np.zeros(len(subsidy_eur), dtype=bool)
    out[order[selected_in_order]] = True
    return out
