"""The budget scenarios: exact knapsack against brute force, cost curves, threshold strips."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vbr.core.scenarios import (
    best_selection,
    cost_curve,
    knapsack,
    rule_selection,
    threshold_sensitivity,
)
from vbr.settings import load_config

#: The solver time limit of the built-in config.
LIMIT_S = load_config().deposition.knapsack_time_limit_s


def brute_force(values, costs, budget):
    """Best value of any subset within the budget (whole cents), by enumeration."""
    cents = np.rint(np.asarray(costs) * 100)
    limit = np.rint(budget * 100)
    best = 0.0
    for mask in itertools.product([False, True], repeat=len(values)):
        m = np.array(mask)
        if cents[m].sum() <= limit:
            best = max(best, float(np.asarray(values)[m].sum()))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_knapsack_matches_brute_force_on_random_small_cases(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 13))
    values = rng.uniform(1, 100, n).round(1)
    costs = rng.integers(1, 50, n) * 1000.0
    budget = float(rng.uniform(0.1, 0.9) * costs.sum())
    ks = knapsack(values, costs, budget, time_limit_s=LIMIT_S)
    assert ks.optimal
    assert ks.cost_eur <= budget + 1e-9
    assert ks.value == pytest.approx(brute_force(values, costs, budget), rel=1e-12)
    assert ks.value == pytest.approx(values[ks.selected].sum())


def test_knapsack_beats_the_greedy_walk_where_greedy_is_not_optimal():
    # greedy by value per euro takes item 0 (1.1 per euro) and then nothing else fits
    values = np.array([11.0, 10.0, 10.0])
    costs = np.array([10.0, 9.5, 9.5])
    ks = knapsack(values, costs, 19.0, time_limit_s=LIMIT_S)
    assert ks.selected.tolist() == [False, True, True]
    assert ks.value == 20.0


def test_knapsack_always_takes_free_items_and_never_unaffordable_ones():
    values = np.array([5.0, 7.0, 3.0])
    costs = np.array([0.0, 500.0, 20.0])
    ks = knapsack(values, costs, 100.0, time_limit_s=LIMIT_S)
    assert ks.selected.tolist() == [True, False, True]


def test_best_selection_serves_priority_farms_first():
    # a non-priority farm is far better value, but the priority farm comes first
    values = np.array([1.0, 100.0])
    costs = np.array([60.0, 60.0])
    priority = np.array([True, False])
    ks = best_selection(values, costs, priority, 100.0, time_limit_s=LIMIT_S)
    assert ks.selected.tolist() == [True, False]


@pytest.mark.parametrize("seed", range(10))
def test_best_selection_matches_two_stage_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n = 10
    values = rng.uniform(1, 50, n)
    costs = rng.integers(1, 30, n) * 100.0
    priority = rng.random(n) < 0.4
    budget = float(rng.uniform(0.2, 0.7) * costs.sum())
    ks = best_selection(values, costs, priority, budget, time_limit_s=LIMIT_S)
    first = brute_force(values[priority], costs[priority], budget)
    assert values[ks.selected & priority].sum() == pytest.approx(first)
    left = budget - costs[ks.selected & priority].sum()
    second = brute_force(values[~priority], costs[~priority], left)
    assert values[ks.selected & ~priority].sum() == pytest.approx(second)
    assert costs[ks.selected].sum() <= budget + 1e-9


def test_optimal_selections_are_not_nested_as_the_budget_grows():
    values = np.array([6.0, 5.0, 5.0])
    costs = np.array([6.0, 5.0, 5.0])
    small = knapsack(values, costs, 6.0, time_limit_s=LIMIT_S).selected
    large = knapsack(values, costs, 10.0, time_limit_s=LIMIT_S).selected
    assert small.tolist() == [True, False, False]
    assert large.tolist() == [False, True, True]


def test_cost_curve_accumulates_in_the_given_order():
    order = np.array([2, 0, 1])
    curve = cost_curve(
        order,
        farm_id=np.array(["a", "b", "c"], dtype=object),
        priority=np.array([False, False, True]),
        subsidy_eur=np.array([10.0, 20.0, 5.0]),
        nh3_kg=np.array([1.0, 2.0, 3.0]),
        impact_mol=np.array([0.5, 0.0, 4.0]),
        ranking="x",
    )
    assert curve["farm_id"].tolist() == ["c", "a", "b"]
    assert curve["cumulative_eur"].tolist() == [5.0, 15.0, 35.0]
    assert curve["cumulative_nh3_kg"].tolist() == [3.0, 4.0, 6.0]
    assert curve["cumulative_impact_mol"].tolist() == [4.0, 4.5, 4.5]


def test_threshold_sensitivity_counts_farms_within_each_strip_inclusive():
    table = threshold_sensitivity(
        np.array([0.0, 250.0, 251.0, 1000.0, 3000.0]),
        np.array([1.0, 2.0, 4.0, 8.0, 16.0]),
        np.array([1.0, 1.0, 1.0, 1.0, 1.0]),
        thresholds_m=(250.0, 1000.0, 2000.0),
        budget_eur=30.0,
    )
    assert table["priority_farms"].tolist() == [2, 4, 4]
    assert table["priority_subsidy_eur"].tolist() == [3.0, 15.0, 15.0]
    assert table["share_of_budget"].tolist() == pytest.approx([0.1, 0.5, 0.5])


def test_rule_selection_walks_the_order_with_skip():
    order = np.array([1, 0, 2])
    sel = rule_selection(order, np.array([30.0, 80.0, 15.0]), 100.0, policy="skip")
    assert sel.tolist() == [False, True, True]
