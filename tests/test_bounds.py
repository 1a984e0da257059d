"""Money is exact and bounded (issue 19, point 2): the ceilings, a walk that cannot overflow at
any size, and computed values out of range rejecting their row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbr.core import budget as budget_module
from vbr.core.bounds import out_of_range
from vbr.core.budget import (
    allocate_budget,
    cents_sum_eur,
    cumulative_cents,
    sum_cents,
    to_cents,
)
from vbr.errors import ConfigError
from vbr.locale.formats import format_eur, format_eur_per_kg, format_kg
from vbr.settings import load_config, run_options
from vbr.settings.limits import MAX_EUR_OPTION, MAX_OFFER_EUR

CEILING_CENTS = int(MAX_OFFER_EUR * 100)
BUDGET_CEILING_CENTS = int(MAX_EUR_OPTION * 100)


def walk_in_python_ints(cents: list[int], budget: int, policy: str) -> list[bool]:
    """The contract's walk one offer at a time, in Python integers (no overflow possible)."""
    total, selected, stopped = 0, [], False
    for c in cents:
        fits = not stopped and total + c <= budget
        if fits:
            total += c
        elif policy == "stop":
            stopped = True
        selected.append(fits)
    return selected


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
    import time

    rng = np.random.default_rng(1)
    offers = np.round(rng.lognormal(13.5, 1, 1_000_000), 0)
    best = min(
        _timed(lambda: allocate_budget(offers, budget_eur=1.125e9, policy="skip"), time)
        for _ in range(3)
    )
    assert best < 0.5


def _timed(job, time) -> float:
    t0 = time.perf_counter()
    job()
    return time.perf_counter() - t0


# --- options and configuration above the ceilings: exit 2 (ConfigError) -----------------------


@pytest.mark.parametrize("budget", [1e17, MAX_EUR_OPTION * 1.5, float("inf")])
def test_a_budget_above_the_ceiling_is_refused(budget):
    with pytest.raises(ConfigError, match=r"from 0 to EUR 10,000,000,000,000"):
        run_options(budget_eur=budget)


def test_a_budget_at_the_ceiling_is_taken():
    assert run_options(budget_eur=MAX_EUR_OPTION).config.budget_eur == MAX_EUR_OPTION


@pytest.mark.parametrize(
    ("toml", "where"),
    [
        ("[budget]\nnational_eur = 1e17\n", "budget.national_eur"),
        (
            '[budget]\nnational_eur = 1\n[[budget.regional]]\nregions = ["Peel"]\neur = 1e14\n',
            "budget.regional[1]",
        ),
        ("[subsidy]\nphosphate_eur_per_kg = 1e20\n", "subsidy.phosphate_eur_per_kg"),
        ("[subsidy.stable_eur_per_m2]\ndairy = 1e300\n", "subsidy.stable_eur_per_m2.dairy"),
        ("[sem]\neur_per_cow_per_year = 1e14\n", "sem.eur_per_cow_per_year"),
        ("[rules]\nthreshold_m = 1e308\n", "rules.threshold_m"),
        ("[deposition]\ncutoff_m = 1e9\n", "deposition.cutoff_m"),
    ],
)
def test_config_values_above_their_ceiling_are_refused_naming_the_key(toml, where, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=where.replace("[", r"\[").replace("]", r"\]")):
        load_config(path)


# --- computed values out of range ------------------------------------------------------------


def test_every_computed_value_out_of_range_gives_its_row_a_reason():
    farms = pd.DataFrame(
        {
            "farm_id": ["ok", "ratio", "estimate", "sem", "impact", "per-mol"],
            "subsidy_eur": [1e6, 1e12, 4e302, 1e6, 1e6, 1e6],
            "nh3_kg": [1e3, 1e-300, 1e3, 1e3, 1e3, 1e3],
            "subsidy_source": ["offer", "offer", "estimate", "offer", "offer", "offer"],
            "sem_eur": [np.nan, np.nan, np.nan, np.inf, np.nan, np.nan],
            "impact_mol": [1.0, 1.0, 1.0, 1.0, np.inf, 1e-310],
        }
    )
    reasons = out_of_range(farms)
    assert sorted(reasons) == [1, 2, 3, 4, 5]
    assert reasons[1].startswith("eur_per_kg = subsidy_eur / nh3_kg is not a finite number")
    assert reasons[2].startswith("estimated subsidy_eur is not a finite amount within the ceiling")
    assert reasons[3] == "sem_eur is not a finite number"
    assert reasons[4].startswith("impact_mol is not a finite number")
    assert reasons[5].startswith("eur_per_mol = subsidy_eur / impact_mol is not a finite number")


@pytest.mark.parametrize("value", [1e300, 1e308, 2.5, 0.125, -7.5])
def test_the_people_formats_take_any_finite_number(value):
    assert format_eur(value, "nl")
    assert format_eur_per_kg(value, "en")
    assert format_kg(value, "nl")
