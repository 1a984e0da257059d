"""The budget walks down a ranking, in whole euro cents so that no rounding decides (pure).

:func:`to_cents` is the one place where euro become cents: every sum of money a run reports or
compares is a sum of whole cents. :func:`walk_budgets` walks the national budget and the
regional budget groups of the configuration.

The arithmetic is exact and cannot overflow: an amount is at most
:data:`~vbr.settings.limits.MAX_EUR_OPTION` (budgets; offers are at most
:data:`~vbr.settings.limits.MAX_OFFER_EUR`, rows above are rejected when read), so one amount
in cents is below 2**50; the walk adds offers in int64 blocks small enough that no running total
can pass 2**63, and sums over any number of offers fall back to Python integers where int64
could not hold them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vbr.errors import ConfigError
from vbr.model import BudgetSummary, RegionList
from vbr.settings import Config
from vbr.settings.limits import MAX_EUR_OPTION

__all__ = [
    "Walks",
    "allocate_budget",
    "cents_sum_eur",
    "cumulative_cents",
    "left_before",
    "stopped_at",
    "sum_cents",
    "to_cents",
    "walk_budgets",
]

_INT64_MAX = int(np.iinfo(np.int64).max)


def to_cents(euros: np.ndarray | float) -> np.ndarray:
    """Euro amounts as whole cents (int64), rounded half to even.

    Raises
    ------
    ValueError
        When an amount is not finite or above :data:`~vbr.settings.limits.MAX_EUR_OPTION` in
        size: such an amount is refused where it is read, so reaching here is a bug.
    """
    values = np.asarray(euros, dtype="float64")
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(values) <= MAX_EUR_OPTION)
    if bad.any():
        raise ValueError(
            f"euro amount {values[bad].flat[0]!r} is not a finite amount within "
            f"EUR {MAX_EUR_OPTION:,.0f}"
        )
    return np.rint(values * 100.0).astype("int64")


def _fits_int64(cents: np.ndarray) -> bool:
    """Whether every running total of ``cents`` fits in int64 (a bound, checked before)."""
    if len(cents) == 0:
        return True
    largest = int(np.abs(cents).max())
    return largest * len(cents) <= _INT64_MAX


def cumulative_cents(cents: np.ndarray) -> np.ndarray:
    """The running totals of whole cents, exactly: int64 where the bound proves it holds them,
    else Python integers (an object array)."""
    cents = np.asarray(cents, dtype="int64")
    if _fits_int64(cents):
        return np.cumsum(cents)
    return np.cumsum(cents.astype(object))


def sum_cents(cents: np.ndarray) -> int:
    """The exact sum of whole cents (int64 where the bound proves it holds it, else Python
    integers)."""
    cents = np.asarray(cents, dtype="int64")
    return int(cents.sum()) if _fits_int64(cents) else sum(cents.tolist())


def cents_sum_eur(euros: np.ndarray) -> float:
    """The sum of euro amounts, each taken in whole cents (euro; exact before the one rounding
    to float)."""
    return sum_cents(to_cents(euros)) / 100


def _first_over(cents: np.ndarray, limit: int) -> tuple[int, int]:
    """Where a running total of ``cents`` (each >= 0) first passes ``limit`` (>= 0).

    Returns
    -------
    position, total_before
        The position of the first offer at which the running total exceeds ``limit``
        (``len(cents)`` when it never does), and the running total of the offers before it.

    The offers are added in int64 blocks: every offer is capped at ``limit + 1`` (one above
    the limit passes it alone, as it did uncapped), and a block holds at most as many offers
    as can be added to a total of at most ``limit`` without passing 2**63.
    """
    capped = np.minimum(cents, limit + 1)
    block = max(1, (_INT64_MAX - limit) // (limit + 1))
    total = 0
    for start in range(0, len(capped), block):
        running = np.cumsum(capped[start : start + block]) + total
        k = int(np.searchsorted(running, limit, side="right"))
        if k < len(running):
            return start + k, int(running[k - 1]) if k else total
        total = int(running[-1])
    return len(capped), total


def allocate_budget(
    subsidy_eur: np.ndarray, *, budget_eur: float, policy: str
) -> tuple[np.ndarray, np.ndarray]:
    """Walk offers in the given order and select those that fit the budget.

    An offer is selected when the running total plus its subsidy stays within the budget.
    ``skip``: an offer that does not fit is passed over and the walk goes on. ``stop``: the walk
    ends at the first offer that does not fit. Exact in whole cents for any number of offers.

    Parameters
    ----------
    subsidy_eur
        Offers in walking order (euro, >= 0).
    budget_eur
        The budget (euro, >= 0).
    policy
        ``"skip"`` or ``"stop"``.

    Returns
    -------
    selected, cumulative_eur
        Per offer: selected or not, and the running total of selected offers up to and
        including it (euro).
    """
    if policy not in ("skip", "stop"):
        raise ValueError(f"unknown budget policy {policy!r}")
    cents = to_cents(subsidy_eur)
    budget = int(to_cents(budget_eur))
    if budget < 0 or (len(cents) and int(cents.min()) < 0):
        raise ValueError("the budget and the offers must be >= 0")
    n = len(cents)
    selected = np.zeros(n, dtype=bool)
    if policy == "stop":
        selected[: _first_over(cents, budget)[0]] = True
    else:
        # The walk in blocks: offers larger than what is left can never fit again (what is left
        # only shrinks), so drop them; then take the longest run that fits, skip the offer after
        # it, and repeat. Same result as the one-by-one walk, without a Python loop per offer.
        left = budget
        candidates = np.arange(n)
        while len(candidates):
            candidates = candidates[cents[candidates] <= left]
            if not len(candidates):
                break
            k, spent = _first_over(cents[candidates], left)
            selected[candidates[:k]] = True
            if k == len(candidates):
                break
            left -= spent
            candidates = candidates[k + 1 :]
    # the selected offers add up to at most the budget: int64 holds every running total
    cumulative = np.cumsum(np.where(selected, cents, 0)) / 100.0
    return selected, cumulative


@dataclass(frozen=True)
class Walks:
    """Every budget walk of a run.

    Attributes
    ----------
    selected, cumulative_eur
        The national walk per farm in national order (``None`` without a national budget).
    region_lists
        The regions, each with its group's walk where a regional budget covers it.
    budgets
        The summary of every walk: national first, then the groups in config order.
    """

    selected: np.ndarray | None
    cumulative_eur: np.ndarray | None
    region_lists: list[RegionList]
    budgets: list[BudgetSummary]


def walk_budgets(
    subsidy_eur: np.ndarray,
    nh3_kg: np.ndarray,
    ranks: np.ndarray,
    region_lists: list[RegionList],
    config: Config,
) -> Walks:
    """Walk the national budget down the national order, and each regional budget group down
    the union of its regions' farms (in national order).

    Parameters
    ----------
    subsidy_eur, nh3_kg, ranks
        Per farm in national order: the offer, the emission and the national rank.
    region_lists
        The regions with their farms' positions in national order.
    config
        The national budget, the regional budget groups and the policy.

    Returns
    -------
    Walks
        The national walk, the regions with their group's walk, and a summary per walk.

    Raises
    ------
    ConfigError
        When a region is in two regional budget groups.
    """
    subsidy = np.asarray(subsidy_eur, dtype="float64")
    nh3 = np.asarray(nh3_kg, dtype="float64")
    budgets: list[BudgetSummary] = []
    selected = cumulative = None
    if config.budget_eur is not None:
        selected, cumulative = allocate_budget(
            subsidy, budget_eur=config.budget_eur, policy=config.budget_policy
        )
        budgets.append(
            BudgetSummary(
                name="national",
                regions=(),
                budget_eur=config.budget_eur,
                used_eur=float(cumulative[-1]) if len(cumulative) else 0.0,
                selected=int(selected.sum()),
                selected_nh3_kg=float(nh3[selected].sum()),
                farms=len(subsidy),
                source=config.budget_source,
            )
        )
    by_name = {r.name: r for r in region_lists}
    claimed: dict[str, str] = {}
    for group in config.regional_budgets:
        members = [by_name[r] for r in group.regions if r in by_name]
        for r in members:
            if r.name in claimed:
                raise ConfigError(
                    f"region {r.name!r} is in two regional budgets "
                    f"({claimed[r.name]!r} and {group.name!r})",
                    source=config.source,
                )
            claimed[r.name] = group.name
        if not members:
            continue
        positions = np.unique(np.concatenate([r.positions for r in members]))
        chosen_here, group_cumulative = allocate_budget(
            subsidy[positions], budget_eur=group.eur, policy=config.budget_policy
        )
        chosen = positions[chosen_here]
        left = left_before(subsidy[positions], chosen_here, group_cumulative, group.eur)
        stop = stopped_at(ranks[positions], chosen_here, config.budget_policy)
        for r in members:
            sel = np.isin(r.positions, chosen)
            by_name[r.name] = replace(
                r,
                selected=sel,
                cumulative_eur=np.cumsum(np.where(sel, to_cents(subsidy[r.positions]), 0)) / 100,
                budget=group.name,
                left_before_eur=left[np.searchsorted(positions, r.positions)],
                stopped_at_rank=stop,
            )
        budgets.append(
            BudgetSummary(
                name=group.name,
                regions=tuple(m.name for m in members),
                budget_eur=group.eur,
                used_eur=cents_sum_eur(subsidy[chosen]),
                selected=len(chosen),
                selected_nh3_kg=float(nh3[chosen].sum()),
                farms=len(positions),
                source=group.source,
            )
        )
    return Walks(
        selected=selected,
        cumulative_eur=cumulative,
        region_lists=[by_name[r.name] for r in region_lists],
        budgets=budgets,
    )


def left_before(
    subsidy_eur: np.ndarray, selected: np.ndarray, cumulative_eur: np.ndarray, budget_eur: float
) -> np.ndarray:
    """The budget left when the walk reached each offer (euro, from whole cents).

    Parameters
    ----------
    subsidy_eur, selected, cumulative_eur
        Per offer in walking order: the offer, and the walk's outcome and running total.
    budget_eur
        The walk's budget.
    """
    cents = to_cents(subsidy_eur)
    spent_before = to_cents(cumulative_eur) - np.where(selected, cents, 0)
    return (to_cents(budget_eur) - spent_before) / 100


def stopped_at(ranks: np.ndarray, selected: np.ndarray, policy: str) -> int | None:
    """Policy ``stop``: the national rank of the first offer that did not fit (else ``None``).

    Parameters
    ----------
    ranks, selected
        Per offer in walking order: its national rank and whether the walk selected it.
    policy
        ``"skip"`` or ``"stop"``.
    """
    if policy != "stop" or selected.all():
        return None
    return int(ranks[np.argmin(selected)])
