"""The budget walk (contract section 5): skip and stop, in whole cents, exact and bounded
(issue 19 point 2): no amount up to the ceilings can make it overflow."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbr.core import budget as budget_module
from vbr.core.budget import (
    allocate_budget,
    cents_sum_eur,
    cumulative_cents,
    sum_cents,
    to_cents,
)
from vbr.settings.limits import MAX_EUR_OPTION, MAX_OFFER_EUR

CEILING_CENTS = int(MAX_OFFER_EUR * 100)
BUDGET_CEILING_CENTS = int(MAX_EUR_OPTION * 100)


def walk_in_python_ints(cents: list[int], budget: int, policy: str) -> list[bool]:
    """The contract's walk one offer at a time, written the slow and obvious way, in whole
    cents as Python integers (no overflow possible)."""
    total, selected, stopped = 0, [], False
    for c in cents:
        fits = not stopped and total + c <= budget
        if fits:
            total += c
        elif policy == "stop":
            stopped = True
        selected.append(fits)
    return selected


def walk_one_by_one(offers, budget, policy):
    """The contract's walk of euro amounts (given to the cent)."""
    return walk_in_python_ints([round(o * 100) for o in offers], round(budget * 100), policy)


def test_skip_passes_over_an_offer_that_does_not_fit_and_goes_on():
    selected, cumulative = allocate_budget(
        np.array([60.0, 50.0, 40.0]), budget_eur=100, policy="skip"
    )
    assert list(selected) == [True, False, True]
    assert list(cumulative) == [60.0, 60.0, 100.0]


def test_stop_ends_the_walk_at_the_first_offer_that_does_not_fit():
    selected, cumulative = allocate_budget(
        np.array([60.0, 50.0, 40.0]), budget_eur=100, policy="stop"
    )
    assert list(selected) == [True, False, False]
    assert list(cumulative) == [60.0, 60.0, 60.0]


def test_an_offer_that_exactly_fills_the_budget_is_selected():
    selected, _ = allocate_budget(np.array([0.1, 0.2]), budget_eur=0.3, policy="skip")
    assert list(selected) == [True, True]  # 0.1 + 0.2 > 0.3 in floats; in cents it fits


def test_zero_offers_always_fit():
    selected, _ = allocate_budget(np.array([100.0, 0.0, 5.0]), budget_eur=100, policy="stop")
    assert list(selected) == [True, True, False]


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="policy"):
        allocate_budget(np.array([1.0]), budget_eur=1, policy="greedy")


@pytest.mark.parametrize("seed", range(20))
def test_block_walk_equals_the_one_by_one_walk_and_skip_is_a_superset_of_stop(seed):
    rng = np.random.default_rng(seed)
    offers = np.round(rng.lognormal(13, 1, rng.integers(1, 300)), 2)
    budget = float(np.round(offers.sum() * rng.uniform(0.05, 1.1), 2))
    skip, skip_cum = allocate_budget(offers, budget_eur=budget, policy="skip")
    stop, _ = allocate_budget(offers, budget_eur=budget, policy="stop")
    assert list(skip) == walk_one_by_one(offers, budget, "skip")
    assert list(stop) == walk_one_by_one(offers, budget, "stop")
    assert not (stop & ~skip).any()
    assert round(offers[skip].sum() * 100) <= round(budget * 100)
    assert skip_cum[-1] == pytest.approx(offers[skip].sum())


# --- extreme amounts (issue 19 point 2): the walk never overflows -------------------------

#: Offers in cents from 0 to the ceiling, crowding the extremes (0, 1 cent, the ceiling).
extreme_cents = st.one_of(
    st.integers(0, CEILING_CENTS),
    st.sampled_from([0, 1, CEILING_CENTS, CEILING_CENTS - 1, CEILING_CENTS // 2]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(extreme_cents, max_size=80),
    st.one_of(
        st.integers(0, BUDGET_CEILING_CENTS),
        st.sampled_from([0, 1, BUDGET_CEILING_CENTS, CEILING_CENTS, CEILING_CENTS + 1]),
    ),
    st.sampled_from(["skip", "stop"]),
)
@pytest.mark.slow
def test_walk_with_extreme_amounts_never_exceeds_the_budget_and_equals_python_ints(
    cents, budget, policy
):
    offers = np.array(cents, dtype="float64") / 100.0
    selected, cumulative = allocate_budget(offers, budget_eur=budget / 100.0, policy=policy)
    exact = [int(c) for c in to_cents(offers)]  # the amounts the walk compares
    assert selected.tolist() == walk_in_python_ints(exact, int(to_cents(budget / 100.0)), policy)
    spent = sum(c for c, s in zip(exact, selected, strict=True) if s)
    assert spent <= int(to_cents(budget / 100.0))
    if len(exact):
        assert round(cumulative[-1] * 100) == spent


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.sampled_from(["skip", "stop"]), st.integers(0, 2**32))
def test_walk_over_many_blocks_equals_python_ints(block, policy, seed):
    """With a huge budget the walk adds offers in small int64 blocks; the block edges change
    nothing (the block size is forced small here to cross many edges)."""
    rng = np.random.default_rng(seed)
    cents = rng.choice([0, 1, CEILING_CENTS, 10**12, 10**13], size=200).astype("int64")
    budget = int(rng.integers(0, BUDGET_CEILING_CENTS))
    original = budget_module._INT64_MAX
    try:
        # a tiny int64 "maximum" makes the blocks a few offers long
        budget_module._INT64_MAX = (block + 1) * (budget + 1) + budget
        selected, _ = allocate_budget(cents / 100.0, budget_eur=budget / 100.0, policy=policy)
    finally:
        budget_module._INT64_MAX = original
    assert selected.tolist() == walk_in_python_ints(cents.tolist(), budget, policy)


def test_a_million_offers_at_the_ceiling_sum_exactly_beyond_int64():
    offers = np.full(1_000_000, MAX_OFFER_EUR)  # 1e20 cents in all: past 2**63 (9.2e18)
    assert sum_cents(to_cents(offers)) == 10**20
    assert cents_sum_eur(offers) == 1e18
    running = cumulative_cents(to_cents(offers[:100_000]))
    assert running[-1] == 10**19  # Python integers where int64 would wrap
    selected, cumulative = allocate_budget(offers, budget_eur=MAX_EUR_OPTION, policy="skip")
    assert selected.sum() == 10 and cumulative[-1] == MAX_EUR_OPTION


@pytest.mark.parametrize("amount", [1e20, -1e14, float("inf"), float("nan")])
def test_to_cents_refuses_amounts_beyond_the_ceiling_instead_of_wrapping(amount):
    with pytest.raises(ValueError, match="not a finite amount within"):
        to_cents(np.array([1.0, amount]))


def test_the_walk_of_a_million_farms_takes_well_under_a_second():
    rng = np.random.default_rng(1)
    offers = np.round(rng.lognormal(13.5, 1, 1_000_000), 0)
    seconds = []
    for _ in range(3):  # CPU time of this process: other load on the machine does not count
        t0 = time.process_time()
        allocate_budget(offers, budget_eur=1.125e9, policy="skip")
        seconds.append(time.process_time() - t0)
    assert min(seconds) < 0.5
