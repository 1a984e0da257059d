"""Exact distance to the nearest overloaded area (contract section 5) and the priority edge."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from conftest import X0, Y0, polygon_with_hole, square
from vbr.core.distance import NO_AREA, boundary_pieces, distance_to_overloaded
from vbr.core.ranking import rank_farms


def measure(points, polygons, numbers=None):
    numbers = np.arange(1, len(polygons) + 1) if numbers is None else np.asarray(numbers)
    return distance_to_overloaded(
        np.array(points, dtype=object), np.array(polygons, dtype=object), numbers
    )


def test_farms_at_999_99_and_1000_01_m_from_an_edge_fall_either_side_of_priority():
    area = square(X0, Y0, 1000)
    points = [Point(X0 + 1000 + 999.99, Y0 + 500), Point(X0 + 1000 + 1000.01, Y0 + 500)]
    distance, _ = measure(points, [area])
    assert distance == pytest.approx([999.99, 1000.01], abs=1e-9)
    import pandas as pd

    farms = pd.DataFrame(
        {
            "farm_id": ["near", "far"],
            "distance_m": distance,
            "nh3_kg": [1000.0, 1000.0],
            "subsidy_eur": [1.0, 1.0],
            "submitted_at": pd.to_datetime([None, None], utc=True),
        }
    )
    ranked, _ = rank_farms(farms, threshold_m=1000)
    assert dict(zip(ranked["farm_id"], ranked["priority"], strict=True)) == {
        "near": True,
        "far": False,
    }


def test_farm_exactly_at_the_threshold_gets_priority():
    import pandas as pd

    farms = pd.DataFrame(
        {
            "farm_id": ["edge"],
            "distance_m": [1000.0],
            "nh3_kg": [1.0],
            "subsidy_eur": [1.0],
            "submitted_at": pd.to_datetime([None], utc=True),
        }
    )
    ranked, _ = rank_farms(farms, threshold_m=1000)
    assert bool(ranked["priority"].iloc[0])


def test_farm_near_a_corner_measures_to_the_corner_not_the_edge_lines():
    area = square(X0, Y0, 1000)
    # 707.1 m diagonally out from the corner: beyond both edge lines' extensions
    point = Point(X0 + 1000 + 600, Y0 + 1000 + 800)
    distance, _ = measure([point], [area])
    assert distance[0] == pytest.approx(1000.0, abs=1e-9)


def test_farm_inside_an_area_measures_zero():
    distance, nearest = measure([Point(X0 + 500, Y0 + 500)], [square(X0, Y0, 1000)], [57])
    assert distance[0] == 0.0
    assert nearest[0] == 57


def test_farm_on_the_edge_measures_zero():
    distance, _ = measure([Point(X0 + 1000, Y0 + 300)], [square(X0, Y0, 1000)])
    assert distance[0] == 0.0


def test_farm_in_hole_measures_to_hole_edge():
    # 10 km square with a 6 km hole: the centre is 3 km from the hole's edge, 5 km from outside
    area = polygon_with_hole(X0, Y0, 10_000, 6_000)
    distance, _ = measure([Point(X0 + 5_000, Y0 + 5_000)], [area])
    assert distance[0] == pytest.approx(3_000.0, abs=1e-9)


def test_farm_in_hole_near_its_edge_gets_priority():
    area = polygon_with_hole(X0, Y0, 10_000, 6_000)
    # the hole spans 2,000..8,000; 999.99 m inside the hole from its left edge
    distance, _ = measure([Point(X0 + 2_000 + 999.99, Y0 + 5_000)], [area])
    assert distance[0] == pytest.approx(999.99, abs=1e-9)


def test_farm_in_the_notch_of_a_concave_area_measures_to_the_nearest_arm():
    # a U: two 1 km wide arms 5 km apart joined at the bottom; the notch is open to the top
    u_shape = Polygon(
        [
            (X0, Y0),
            (X0 + 7_000, Y0),
            (X0 + 7_000, Y0 + 8_000),
            (X0 + 6_000, Y0 + 8_000),
            (X0 + 6_000, Y0 + 1_000),
            (X0 + 1_000, Y0 + 1_000),
            (X0 + 1_000, Y0 + 8_000),
            (X0, Y0 + 8_000),
        ]
    )
    notch = Point(X0 + 1_000 + 800, Y0 + 6_000)  # 800 m from the left arm, 4.2 km from the right
    distance, _ = measure([notch], [u_shape])
    assert distance[0] == pytest.approx(800.0, abs=1e-9)
    # the centroid-free truth: the convex hull would have said 0
    assert shapely.contains(shapely.convex_hull(u_shape), notch)


def test_farm_near_a_multipart_area_measures_to_the_nearest_part():
    parts = MultiPolygon([square(X0, Y0, 500), square(X0 + 20_000, Y0, 500)])
    distance, nearest = measure([Point(X0 + 20_000 - 300, Y0 + 250)], [parts], [65])
    assert distance[0] == pytest.approx(300.0, abs=1e-9)
    assert nearest[0] == 65


def test_area_that_is_not_overloaded_never_gives_priority(tmp_path, vbr, no_regions):
    from conftest import read_rows, write_csv, write_natura

    natura = write_natura(
        tmp_path / "n2k.geojson",
        [
            (110, "Oudeland van Strijen", square(X0, Y0, 1000), False),
            (57, "Veluwe", square(X0 + 30_000, Y0, 1000), True),
        ],
    )
    farms = write_csv(
        tmp_path / "farms.csv",
        ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"],
        [["inside-not-overloaded", X0 + 500, Y0 + 500, 1000, 100_000]],
    )
    code, _, err = vbr(
        "run", "--farms", farms, "--natura", natura, "--regions", no_regions, "--out",
        tmp_path / "out", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    (row,) = read_rows(tmp_path / "out" / "ranking.csv")
    assert row["priority"] == "false"
    assert row["nearest_n2000"] == "57"
    assert float(row["distance_m"]) == pytest.approx(30_000 - 500, abs=1e-9)


def test_farm_inside_overlapping_areas_reports_the_lowest_nr():
    a = square(X0, Y0, 1000)
    b = square(X0 + 500, Y0, 1000)
    distance, nearest = measure([Point(X0 + 700, Y0 + 500)], [a, b], [99, 38])
    assert distance[0] == 0.0
    assert nearest[0] == 38


def test_farm_equally_near_two_areas_reports_the_lowest_nr():
    left = square(X0, Y0, 1000)
    right = square(X0 + 3000, Y0, 1000)
    distance, nearest = measure([Point(X0 + 2000, Y0 + 500)], [right, left], [12, 140])
    assert distance[0] == pytest.approx(1000.0)
    assert nearest[0] == 12
    distance, nearest = measure([Point(X0 + 2000, Y0 + 500)], [right, left], [140, 12])
    assert nearest[0] == 12


def test_areas_sharing_a_number_count_as_one_area():
    parts = [square(X0, Y0, 100), square(X0 + 5000, Y0, 100)]
    _, nearest = measure([Point(X0 + 5200, Y0 + 50)], parts, [57, 57])
    assert nearest[0] == 57


def test_no_overloaded_area_gives_infinite_distance_and_no_priority():
    distance, nearest = measure([Point(X0, Y0)], [])
    assert np.isinf(distance[0])
    assert nearest[0] == NO_AREA


def test_ring_pieces_cover_every_segment_exactly_once():
    area = polygon_with_hole(X0, Y0, 10_000, 6_000).segmentize(37.0)
    pieces, owner = boundary_pieces(np.array([area], dtype=object), segments_per_piece=7)
    assert (owner == 0).all()
    assert shapely.get_num_coordinates(pieces).max() <= 8
    total = shapely.length(pieces).sum()
    assert total == pytest.approx(area.exterior.length + area.interiors[0].length, rel=1e-12)


@pytest.mark.parametrize("segments_per_piece", [1, 3, 32, 10_000])
def test_distances_agree_with_brute_force_on_random_concave_areas(segments_per_piece):
    rng = np.random.default_rng(20231)
    polygons = []
    for k in range(12):
        cx, cy = X0 + rng.uniform(0, 30_000), Y0 + rng.uniform(0, 30_000)
        angles = np.sort(rng.uniform(0, 2 * np.pi, 60))
        radii = rng.uniform(300, 2_500, 60)
        star = Polygon(np.c_[cx + radii * np.cos(angles), cy + radii * np.sin(angles)])
        if k % 3 == 0:
            star = star.difference(Point(cx, cy).buffer(250))
        polygons.append(shapely.make_valid(star))
    numbers = rng.permutation(np.arange(100, 100 + len(polygons)))
    points = shapely.points(
        rng.uniform(X0 - 3_000, X0 + 33_000, 3_000), rng.uniform(Y0 - 3_000, Y0 + 33_000, 3_000)
    )
    distance, nearest = measure(points, polygons, numbers)
    brute = shapely.distance(points[:, None], np.array(polygons, dtype=object)[None, :])
    expected = brute.min(axis=1)
    assert np.array_equal(distance, expected)
    # the reported area is one of the nearest, and the lowest-numbered among them
    lowest = np.where(brute == expected[:, None], numbers[None, :], np.iinfo(np.int64).max)
    assert np.array_equal(nearest, lowest.min(axis=1))


def test_nearest_query_over_several_threads_gives_the_same_answers():
    rng = np.random.default_rng(11)
    polygons = [
        polygon_with_hole(X0 + 4_000 * k, Y0 + 3_000 * (k % 3), 3_000, 1_000).segmentize(50.0)
        for k in range(6)
    ]
    points = shapely.points(
        rng.uniform(X0 - 2_000, X0 + 26_000, 5_000), rng.uniform(Y0 - 2_000, Y0 + 11_000, 5_000)
    )
    numbers = np.array([5, 3, 9, 3, 1, 7])
    one = measure(points, polygons, numbers)
    many = distance_to_overloaded(
        points, np.array(polygons, dtype=object), numbers, parallel_from=1
    )
    assert np.array_equal(one[0], many[0])
    assert np.array_equal(one[1], many[1])


def test_z_order_walks_the_cells_in_a_z_and_is_a_permutation():
    from vbr.core.distance import Z_CELL_M, z_order

    c = Z_CELL_M
    # given out of order: top right, bottom left, top left, bottom right; then one far away
    points = shapely.points([(c, c), (0, 0), (0, c), (c, 0), (4 * c, 4 * c)])
    assert z_order(points).tolist() == [1, 3, 2, 0, 4]
    many = shapely.points(np.random.default_rng(3).uniform(0, 300_000, (1_000, 2)))
    assert sorted(z_order(many).tolist()) == list(range(1_000))
    assert z_order(shapely.points(np.zeros((0, 2)))).tolist() == []
