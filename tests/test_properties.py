"""Property-based tests (hypothesis): the rules hold on random areas, farms and budgets."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from conftest import X0, Y0, square, write_natura, write_regions
from vbr.core.budget import allocate_budget
from vbr.core.distance import distance_to_overloaded
from vbr.core.ranking import rank_farms
from vbr.pipeline import compute
from vbr.settings import RunOptions, load_config
from vbr.writers.lists import write_csv
from vbr.writers.tables import granted_cents, ranking_table, region_table

coordinate = st.floats(min_value=0, max_value=20_000, allow_nan=False, allow_infinity=False)


@st.composite
def areas(draw) -> shapely.Geometry:
    """A random area: a star-shaped (often concave) polygon, maybe with a hole, maybe two parts."""
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        cx, cy = draw(coordinate), draw(coordinate)
        n = draw(st.integers(3, 14))
        radii = draw(st.lists(st.floats(50, 3_000), min_size=n, max_size=n))
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        shell = np.c_[X0 + cx + np.cos(angles) * radii, Y0 + cy + np.sin(angles) * radii]
        polygon = Polygon(shell)
        if draw(st.booleans()):
            hole = shapely.Point(X0 + cx, Y0 + cy).buffer(min(radii) * 0.5, quad_segs=3)
            polygon = polygon.difference(hole)
        parts.append(polygon)
    geometry = shapely.make_valid(shapely.union_all(parts))
    return shapely.get_parts(geometry)[0] if draw(st.booleans()) else geometry


@st.composite
def scenes(draw):
    polygons = draw(st.lists(areas(), min_size=1, max_size=5))
    numbers = draw(
        st.lists(st.integers(1, 200), min_size=len(polygons), max_size=len(polygons), unique=False)
    )
    n = draw(st.integers(1, 60))
    xs = draw(st.lists(st.floats(-4_000, 24_000), min_size=n, max_size=n))
    ys = draw(st.lists(st.floats(-4_000, 24_000), min_size=n, max_size=n))
    points = shapely.points(np.add(xs, X0), np.add(ys, Y0))
    return np.array(polygons, dtype=object), np.array(numbers), points


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(scenes(), st.floats(0, 3_000))
def test_distance_and_priority_agree_with_brute_force_shapely(scene, threshold_m):
    polygons, numbers, points = scene
    polygons = polygons[~shapely.is_empty(polygons)]
    numbers = numbers[: len(polygons)]
    if len(polygons) == 0:
        return
    distance, nearest = distance_to_overloaded(points, polygons, numbers)
    brute = shapely.distance(points[:, None], polygons[None, :])
    expected = brute.min(axis=1)
    assert np.abs(distance - expected).max() <= 0.005
    assert np.array_equal(distance <= threshold_m, expected <= threshold_m)
    lowest = np.where(brute == expected[:, None], numbers[None, :], np.iinfo(np.int64).max)
    assert np.array_equal(nearest, lowest.min(axis=1))


farm_rows = st.lists(
    st.tuples(
        st.sampled_from([0.0, 10.0, 999.99, 1000.0, 1000.01, 5000.0]),  # distance_m
        st.sampled_from([1.0, 2.0, 250.5, 1000.0]),  # nh3_kg
        st.sampled_from([0.0, 1.0, 500.0, 250_000.0, 1e6]),  # subsidy_eur
        st.one_of(st.none(), st.integers(0, 5)),  # submitted_at: day offset or none
    ),
    min_size=1,
    max_size=80,
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(farm_rows, st.booleans())
def test_national_order_is_sorted_by_the_contract_keys(rows, all_times):
    frame = pd.DataFrame(rows, columns=["distance_m", "nh3_kg", "subsidy_eur", "day"])
    frame["farm_id"] = [f"f{i:03d}" for i in range(len(frame))][::-1]
    if all_times:
        frame["day"] = frame["day"].fillna(0)
    frame["submitted_at"] = pd.to_datetime("2024-01-01", utc=True) + pd.to_timedelta(
        frame["day"], unit="D"
    )
    ranked, fcfs = rank_farms(frame.drop(columns="day"), threshold_m=1000)
    prio = ranked["priority"].to_numpy()
    assert fcfs == bool(prio.any() and ranked.loc[prio, "submitted_at"].notna().all())
    assert not (~prio[:-1] & prio[1:]).any(), "a priority row after a non-priority row"
    time_key = (
        ranked["submitted_at"].where(ranked["priority"]).astype("int64")
        if fcfs
        else pd.Series(0, index=ranked.index)
    )
    keys = list(
        zip(
            ~ranked["priority"],
            np.where(ranked["priority"], time_key, 0),
            ranked["eur_per_kg"],
            -ranked["nh3_kg"],
            ranked["farm_id"],
            strict=True,
        )
    )
    assert keys == sorted(keys)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 10**9), max_size=60).map(lambda c: np.array(c) / 100.0),
    st.integers(0, 10**10).map(lambda c: c / 100.0),
)
def test_budget_is_never_exceeded_and_skip_selects_a_superset_of_stop(offers, budget):
    skip, cumulative = allocate_budget(offers, budget_eur=budget, policy="skip")
    stop, _ = allocate_budget(offers, budget_eur=budget, policy="stop")
    cents = np.rint(offers * 100).astype(np.int64)
    assert cents[skip].sum() <= round(budget * 100)
    assert cents[stop].sum() <= round(budget * 100)
    assert not (stop & ~skip).any()
    # stop selects a prefix; skip passes over only offers that did not fit at their turn
    assert stop.tolist() == sorted(stop.tolist(), reverse=True)
    total = 0
    for c, chosen in zip(cents, skip, strict=True):
        assert chosen == (total + c <= round(budget * 100))
        total += c if chosen else 0
    if len(offers):
        assert round(cumulative[-1] * 100) == total


cell = st.one_of(
    st.sampled_from(["", "x", "-1", "0", "nan", "inf", "1e400", "1.234,5", "12,5", " "]),
    st.integers(-10, 10**7).map(str),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)


@st.composite
def farm_files(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        fid = draw(st.one_of(st.just(f"F{i}"), st.sampled_from(["", "dup", "F0"])))
        x = draw(st.one_of(st.floats(X0 - 3_000, X0 + 6_000).map(repr), cell))
        y = draw(st.one_of(st.floats(Y0 - 3_000, Y0 + 6_000).map(repr), cell))
        nh3 = draw(st.one_of(st.floats(0.5, 1e4).map(repr), cell))
        sub = draw(st.one_of(st.integers(0, 10**7).map(str), cell))
        note = draw(cell)
        rows.append([fid, x, y, nh3, sub, note])
    return rows


def _csv_text(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "note"])
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scene_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scene")
    natura = write_natura(
        tmp / "n.geojson",
        [(1, "a", square(X0, Y0, 1_000), True), (2, "b", square(X0 + 3_000, Y0, 500), True)],
    )
    regions = write_regions(tmp / "r.geojson", [("Regio", square(X0 - 1_000, Y0 - 1_000, 4_000))])
    return tmp, natura, regions


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow
@given(farm_files(), st.randoms(use_true_random=False))
def test_no_row_is_lost_and_row_order_changes_no_output_byte(scene_files, rows, random):
    tmp, natura, regions = scene_files
    shuffled = rows[:]
    random.shuffle(shuffled)
    outputs = []
    for k, variant in enumerate((rows, shuffled)):
        path = tmp / f"farms{k}.csv"
        path.write_text(_csv_text(variant), encoding="utf-8")
        options = RunOptions(
            farms=path,
            natura=natura,
            regions=regions,
            out=tmp / f"out{k}",
            config=replace(load_config(), budget_eur=2_000_000, regional_budgets=()),
        )
        try:
            result = compute(options)
        except Exception as exc:  # only a whole-file problem may stop a run, never a crash
            from vbr.errors import InputError

            assert isinstance(exc, InputError), exc
            return
        assert result.n_read == len(rows) == len(result.ranked) + len(result.rejected)
        # the CSV lists exactly as write_result writes them (without the slower xlsx and gpkg)
        table = ranking_table(result.ranked, result.carried_table(), with_budget=True)
        (region,) = result.region_lists
        lists = {
            "ranking.csv": table,
            "rejected.csv": result.rejected,
            "regio/ranking.csv": region_table(table, region.positions, granted_cents(result)),
        }
        outputs.append({})
        for name, frame in lists.items():
            target = options.out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            write_csv(frame, target)
            outputs[-1][name] = target.read_bytes()
    assert outputs[0]["ranking.csv"] == outputs[1]["ranking.csv"]
    assert outputs[0]["regio/ranking.csv"] == outputs[1]["regio/ranking.csv"]
    assert outputs[0]["rejected.csv"] == outputs[1]["rejected.csv"]
