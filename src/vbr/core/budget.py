"""The budget walk down a ranking, in whole euro cents so that no rounding decides (pure).

:func:`to_cents` is the one place where euro become cents: every sum of money a run reports or
compares is a sum of whole cents. :func:`allocate_budget` is the one walk: the decision
procedure (:mod:`vbr.core.procedure`: pots, windows, days, the lottery) walks with it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["allocate_budget", "cents_sum_eur", "to_cents"]


def to_cents(euros: np.ndarray | float) -> np.ndarray:
    """Euro amounts as whole cents (int64), rounded half to even."""
    return np.rint(np.asarray(euros, dtype="float64") * 100.0).astype("int64")


def cents_sum_eur(euros: np.ndarray) -> float:
    """The sum of euro amounts, each taken in whole cents (euro)."""
    return float(to_cents(euros).sum() / 100)


def allocate_budget(
    subsidy_eur: np.ndarray, *, budget_eur: float, policy: str
) -> tuple[np.ndarray, np.ndarray]:
    """Walk offers in the given order and select those that fit the budget.

    An offer is selected when the running total plus its subsidy stays within the budget.
    ``skip``: an offer that does not fit is passed over and the walk goes on. ``stop``: the walk
    ends at the first offer that does not fit.

    Parameters
    ----------
    subsidy_eur
        Offers in walking order (euro).
    budget_eur
        The budget (euro).
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
    n = len(cents)
    selected = np.zeros(n, dtype=bool)
    if policy == "stop":
        over = np.flatnonzero(np.cumsum(cents) > budget)
        selected[: over[0] if len(over) else n] = True
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
            running = np.cumsum(cents[candidates])
            over = np.flatnonzero(running > left)
            if not len(over):
                selected[candidates] = True
                break
            k = over[0]
            selected[candidates[:k]] = True
            left -= int(running[k - 1]) if k else 0
            candidates = candidates[k + 1 :]
    cumulative = np.cumsum(np.where(selected, cents, 0)) / 100.0
    return selected, cumulative
