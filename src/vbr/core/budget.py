"""The budget walk down a ranking, in whole euro cents so that no rounding decides (pure).

:func:`to_cents` is the one place where euro become cents: every sum of money a run reports or
compares is a sum of whole cents. :func:`allocate_budget` is the one walk: the decision
procedure (:mod:`vbr.core.procedure`: pots, windows, days, the lottery) walks with it.

The arithmetic is exact and cannot overflow: an amount is at most
:data:`~vbr.settings.limits.MAX_EUR_OPTION` (budgets; offers are at most
:data:`~vbr.settings.limits.MAX_OFFER_EUR`, rows above are rejected when read), so one amount
in cents is below 2**50; the walk adds offers in int64 blocks small enough that no running total
can pass 2**63, and sums over any number of offers fall back to Python integers where int64
could not hold them.
"""

from __future__ import annotations

import numpy as np

from vbr.settings.limits import MAX_EUR_OPTION

__all__ = ["allocate_budget", "cents_sum_eur", "cumulative_cents", "sum_cents", "to_cents"]

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
