"""The budget walk (contract section 5): skip and stop, in whole cents."""

from __future__ import annotations

import numpy as np
import pytest

from vbr.core.budget import allocate_budget


def walk_one_by_one(offers, budget, policy):
    """The contract's walk, written the slow and obvious way."""
    total, selected = 0.0, []
    stopped = False
    for offer in offers:
        fits = not stopped and round((total + offer) * 100) <= round(budget * 100)
        if fits:
            total += offer
        elif policy == "stop":
            stopped = True
        selected.append(fits)
    return selected


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
