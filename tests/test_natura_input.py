"""Reading Natura 2000 areas (contract section 3): CRS, repair and which areas are overloaded."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, Polygon

from conftest import X0, Y0, square, write_csv, write_natura
from vbr import load_natura
from vbr.errors import InputError
from vbr.io.natura import load_overloaded_list


def test_overloaded_column_decides_first(tmp_path):
    path = write_natura(
        tmp_path / "n.geojson",
        [(1, "a", square(X0, Y0, 10), True), (2, "b", square(X0 + 100, Y0, 10), False)],
    )
    areas = load_natura(path, overloaded_list={2}).areas
    assert dict(zip(areas["nr"], areas["overloaded"], strict=True)) == {1: True, 2: False}


def test_overloaded_list_decides_where_the_column_is_absent(tmp_path):
    path = write_natura(
        tmp_path / "n.geojson",
        [
            (57, "Veluwe", square(X0, Y0, 10), None),
            (110, "Strijen", square(X0 + 100, Y0, 10), None),
        ],
    )
    listed = load_overloaded_list(write_csv(tmp_path / "o.csv", ["nr"], [[57], [999]]))
    natura = load_natura(path, overloaded_list=listed)
    areas = natura.areas
    assert dict(zip(areas["nr"], areas["overloaded"], strict=True)) == {57: True, 110: False}
    assert any("999" in note for note in natura.notes)


def test_all_overloaded_counts_every_area(tmp_path):
    path = write_natura(
        tmp_path / "n.geojson",
        [(1, "a", square(X0, Y0, 10), None), (2, "b", square(X0 + 100, Y0, 10), None)],
    )
    assert load_natura(path, all_overloaded=True).areas["overloaded"].all()


def test_nothing_saying_which_areas_are_overloaded_is_an_error(tmp_path):
    path = write_natura(tmp_path / "n.geojson", [(1, "a", square(X0, Y0, 10), None)])
    with pytest.raises(InputError, match="--overloaded") as info:
        load_natura(path)
    assert "n.geojson" in str(info.value)


def test_natura_file_without_crs_is_an_error(tmp_path):
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="crs"):
        gpd.GeoDataFrame({"nr": [1], "overloaded": [True]}, geometry=[square(X0, Y0, 10)]).to_file(
            path
        )
    with pytest.raises(InputError, match="coordinate reference system"):
        load_natura(path)


def test_areas_in_wgs84_are_converted_to_rd(tmp_path):
    rd = gpd.GeoSeries([square(X0, Y0, 1000)], crs=28992)
    path = write_natura(
        tmp_path / "n.geojson", [(5, "a", rd.to_crs(4326).iloc[0], True)], crs="EPSG:4326"
    )
    got = load_natura(path).areas.geometry.iloc[0]
    assert got.area == pytest.approx(1e6, rel=1e-6)
    assert got.centroid.distance(rd.iloc[0].centroid) < 0.01


def test_self_intersecting_area_is_repaired_and_counted(tmp_path):
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    path = write_natura(tmp_path / "n.geojson", [(3, "bow", bowtie, True)])
    natura = load_natura(path)
    assert natura.repaired == 1
    geom = natura.areas.geometry.iloc[0]
    assert geom.is_valid
    assert geom.area == pytest.approx(5000)


def test_area_without_nr_is_numbered_by_its_row(tmp_path):
    path = tmp_path / "n.geojson"
    gpd.GeoDataFrame(
        {"overloaded": [False, True]},
        geometry=[square(X0, Y0, 10), square(X0 + 100, Y0, 10)],
        crs=28992,
    ).to_file(path)
    natura = load_natura(path)
    assert list(natura.areas["nr"]) == [1, 2]
    assert list(natura.overloaded["nr"]) == [2]


def test_pdok_style_names_are_recognised(tmp_path):
    path = tmp_path / "pdok.geojson"
    gpd.GeoDataFrame(
        {"naamN2K": ["Veluwe"], "NR": [57]}, geometry=[square(X0, Y0, 10)], crs=28992
    ).to_file(path)
    areas = load_natura(path, overloaded_list={57}).areas
    assert list(areas["name"]) == ["Veluwe"]
    assert list(areas["overloaded"]) == [True]


def test_overloaded_list_without_nr_column_is_an_error(tmp_path):
    path = write_csv(tmp_path / "o.csv", ["gebied"], [["Veluwe"]])
    with pytest.raises(InputError, match="nr"):
        load_overloaded_list(path)


def _overlapping_parts_area():
    """Two overlapping squares as one multipolygon (invalid); the left one has a hole that the
    right one covers in part, and a hole that nothing covers."""
    left = Polygon(
        square(X0, Y0, 1000).exterior.coords,
        [
            square(X0 + 700, Y0 + 400, 200).exterior.coords,  # covered by the right square
            square(X0 + 100, Y0 + 100, 200).exterior.coords,  # a real hole
        ],
    )
    right = square(X0 + 600, Y0 + 300, 1000)
    return MultiPolygon([left, right])


def test_overlapping_parts_measure_like_their_repaired_union(tmp_path):
    import numpy as np
    import shapely

    from vbr.core.distance import distance_to_overloaded

    area = _overlapping_parts_area()
    assert not area.is_valid
    path = write_natura(tmp_path / "n.geojson", [(7, "two", area, True)])
    natura = load_natura(path)
    assert natura.repaired == 1
    parts, numbers = natura.overloaded_parts()
    assert shapely.is_valid(parts).all() and set(numbers) == {7}
    rng = np.random.default_rng(5)
    points = shapely.points(rng.uniform([X0 - 800, Y0 - 800], [X0 + 2400, Y0 + 2100], (2000, 2)))
    hole_centre = shapely.points([X0 + 200, Y0 + 200])
    covered_hole = shapely.points([X0 + 800, Y0 + 500])
    points = np.concatenate([points, [hole_centre, covered_hole]])
    by_parts, nearest = distance_to_overloaded(points, parts, numbers)
    union = natura.overloaded.geometry.iloc[0]
    np.testing.assert_allclose(by_parts, shapely.distance(points, union), rtol=0, atol=1e-9)
    assert by_parts[-2] == pytest.approx(100)  # in the real hole: to its edge
    assert by_parts[-1] == 0  # in the hole the other part covers: inside
    assert (nearest == 7).all()


def test_invalid_area_is_shown_repaired_whole_as_geos_repairs_it(tmp_path):
    import shapely

    area = _overlapping_parts_area()
    path = write_natura(tmp_path / "n.geojson", [(7, "two", area, True)])
    natura = load_natura(path)
    shown = natura.areas.geometry.iloc[0]
    assert shown.is_valid
    expected = shapely.make_valid(area, method="structure", keep_collapsed=False)
    assert shapely.equals_exact(shown, expected, tolerance=0)
    assert shown.area == pytest.approx(shapely.union_all(natura.parts).area)


def test_part_with_nested_holes_is_repaired_on_its_own(tmp_path):
    import shapely

    # a hole inside a hole: invalid as a polygon; the inner ring is dropped by the repair
    nested = Polygon(
        square(X0, Y0, 1000).exterior.coords,
        [
            square(X0 + 200, Y0 + 200, 600).exterior.coords,
            square(X0 + 400, Y0 + 400, 100).exterior.coords,
        ],
    )
    area = MultiPolygon([nested, square(X0 + 3000, Y0, 500)])
    assert not area.is_valid
    natura = load_natura(write_natura(tmp_path / "n.geojson", [(9, "nested", area, True)]))
    parts, _ = natura.overloaded_parts()
    assert shapely.is_valid(parts).all()
    assert shapely.union_all(parts).equals(natura.areas.geometry.iloc[0])


def test_priority_strip_from_parts_follows_the_strip_of_the_repaired_area(tmp_path):
    import shapely

    from vbr.core.zones import priority_zone

    natura = load_natura(
        write_natura(tmp_path / "n.geojson", [(7, "two", _overlapping_parts_area(), True)])
    )
    by_parts = priority_zone(natura, threshold_m=1000).geometry.iloc[0]
    whole = shapely.buffer(natura.overloaded.geometry.iloc[0], 1000, quad_segs=16)
    assert by_parts.is_valid
    assert shapely.hausdorff_distance(by_parts.boundary, whole.boundary) < 0.5
