"""The contract's national order (section 5): priority first, FCFS or euro per kg, tie keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbr.core.ranking import national_order, rank_farms


def farms(rows, *, times=None):
    """Farms from ``(farm_id, distance_m, nh3_kg, subsidy_eur)`` tuples."""
    frame = pd.DataFrame(rows, columns=["farm_id", "distance_m", "nh3_kg", "subsidy_eur"])
    frame["submitted_at"] = pd.to_datetime(
        times if times is not None else [None] * len(frame), utc=True
    )
    return frame


def ranked_ids(frame, threshold_m=1000):
    ranked, fcfs = rank_farms(frame, threshold_m=threshold_m)
    return list(ranked["farm_id"]), fcfs


def test_priority_rows_come_before_cheaper_rows_outside_the_strip():
    ids, _ = ranked_ids(farms([("cheap-far", 5000, 1000, 1), ("dear-near", 10, 1000, 9_000_000)]))
    assert ids == ["dear-near", "cheap-far"]


def test_priority_group_is_first_come_first_served_when_every_priority_row_has_a_time():
    frame = farms(
        [("late-cheap", 10, 1000, 1000), ("early-dear", 20, 1000, 900_000), ("far", 9000, 1, 1)],
        times=["2024-03-01T10:00:00+01:00", "2024-03-01T09:00:00+01:00", None],
    )
    ids, fcfs = ranked_ids(frame)
    assert fcfs
    assert ids == ["early-dear", "late-cheap", "far"]


def test_priority_group_falls_back_to_eur_per_kg_when_one_priority_row_has_no_time():
    frame = farms(
        [("late-cheap", 10, 1000, 1000), ("early-dear", 20, 1000, 900_000), ("no-time", 30, 1, 5)],
        times=["2024-03-01T10:00:00+01:00", "2024-03-01T09:00:00+01:00", None],
    )
    ids, fcfs = ranked_ids(frame)
    assert not fcfs
    assert ids == ["late-cheap", "no-time", "early-dear"]


def test_rows_outside_the_strip_ignore_submitted_at():
    frame = farms(
        [
            ("near", 10, 1, 1),
            ("far-early-dear", 5000, 1000, 9000),
            ("far-late-cheap", 5000, 1000, 10),
        ],
        times=["2024-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
    )
    ids, fcfs = ranked_ids(frame)
    assert fcfs
    assert ids == ["near", "far-late-cheap", "far-early-dear"]


def test_equal_times_are_broken_by_eur_per_kg_then_nh3_then_farm_id():
    t = "2024-03-01T09:00:00Z"
    frame = farms(
        [("d", 1, 100, 1000), ("c", 1, 200, 2000), ("b", 1, 100, 500), ("a", 1, 200, 2000)],
        times=[t, t, t, t],
    )
    ids, _ = ranked_ids(frame)
    # b: 5 euro/kg; then a, c, d at 10 euro/kg: a and c emit 200 kg (a before c), d emits 100
    assert ids == ["b", "a", "c", "d"]


def test_same_instant_in_different_zones_is_a_tie():
    frame = farms(
        [("z", 1, 100, 100), ("y", 1, 100, 900)],
        times=["2024-03-01T10:00:00+01:00", "2024-03-01T09:00:00Z"],
    )
    ids, fcfs = ranked_ids(frame)
    assert fcfs
    assert ids == ["z", "y"]  # same moment; z is cheaper per kg


def test_ties_outside_the_strip_go_to_larger_emission_then_farm_id():
    frame = farms([("b", 5000, 100, 1000), ("c", 5000, 200, 2000), ("a", 5000, 200, 2000)])
    ids, _ = ranked_ids(frame)
    assert ids == ["a", "c", "b"]


def test_farm_id_tie_break_is_by_code_point_not_locale_or_number():
    frame = farms([("b", 5000, 1, 1), ("B", 5000, 1, 1), ("10", 5000, 1, 1), ("9", 5000, 1, 1)])
    ids, _ = ranked_ids(frame)
    assert ids == ["10", "9", "B", "b"]


def test_rank_is_one_to_n_in_national_order():
    frame = farms([(f"f{i}", 5000 - i, 1 + i, 100) for i in range(5)])
    ranked, _ = rank_farms(frame, threshold_m=1000)
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]
    assert list(ranked["eur_per_kg"]) == sorted(ranked["eur_per_kg"])


def test_eur_per_kg_is_subsidy_over_nh3():
    ranked, _ = rank_farms(farms([("x", 5000, 8, 1000)]), threshold_m=1000)
    assert ranked["eur_per_kg"].iloc[0] == 125.0


def test_threshold_moves_the_priority_edge():
    frame = farms([("a", 1500, 1, 1000), ("b", 400, 1, 1)])
    assert ranked_ids(frame, threshold_m=1000)[0] == ["b", "a"]
    assert ranked_ids(frame, threshold_m=2000)[0] == ["b", "a"]
    assert ranked_ids(frame.assign(distance_m=[400, 1500]), threshold_m=2000)[0] == ["b", "a"]
    ranked, _ = rank_farms(frame, threshold_m=2000)
    assert ranked["priority"].all()


@pytest.mark.parametrize("seed", range(5))
def test_national_order_is_sorted_by_the_contract_keys_and_ignores_input_order(seed):
    rng = np.random.default_rng(seed)
    n = 400
    frame = farms(
        [
            (
                f"id{rng.integers(0, 10**6):06d}-{i}",
                float(rng.choice([0, 500, 999, 1000, 1001, 5000])),
                float(rng.choice([100, 200, 300])),
                float(rng.choice([1000, 2000, 3000])),
            )
            for i in range(n)
        ]
    )
    ranked, _ = rank_farms(frame, threshold_m=1000)
    keys = list(
        zip(
            ~ranked["priority"],
            ranked["eur_per_kg"],
            -ranked["nh3_kg"],
            ranked["farm_id"],
            strict=True,
        )
    )
    assert keys == sorted(keys)
    shuffled = frame.sample(frac=1, random_state=seed).reset_index(drop=True)
    again, _ = rank_farms(shuffled, threshold_m=1000)
    assert list(again["farm_id"]) == list(ranked["farm_id"])


def test_national_order_without_times_needs_no_submitted_at():
    order, fcfs = national_order(
        priority=np.array([False, True]),
        eur_per_kg=np.array([1.0, 2.0]),
        nh3_kg=np.array([1.0, 1.0]),
        farm_id=np.array(["a", "b"], dtype=object),
    )
    assert list(order) == [1, 0]
    assert not fcfs


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.booleans(),  # priority
            st.sampled_from([1.0, 2.0, float("nan"), -0.0, 0.0]),  # eur_per_kg
            st.sampled_from([1.0, 5.0, float("nan")]),  # nh3_kg
            st.text(alphabet="aBz\u00e9\u20ac\U0001f600", min_size=1, max_size=3),  # farm_id
        ),
        max_size=40,
        unique_by=lambda row: row[3],
    )
)
def test_ties_are_broken_by_farm_id_as_a_full_sort_on_every_key_does(rows) -> None:
    # only the tied ids are compared; the order must be that of sorting on the id as the last
    # key (code points), NaN and -0.0 tying as numpy's sort lets them
    priority = np.array([r[0] for r in rows], dtype=bool)
    eur = np.array([r[1] for r in rows], dtype="float64")
    nh3 = np.array([r[2] for r in rows], dtype="float64")
    ids = np.array([r[3] for r in rows], dtype=object)
    order, _ = national_order(priority=priority, eur_per_kg=eur, nh3_kg=nh3, farm_id=ids)
    id_code = np.empty(len(ids), dtype="int64")
    id_code[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    expected = np.lexsort((id_code, -nh3, eur, ~priority))
    assert order.tolist() == expected.tolist()
