"""Reading Natura 2000 areas (contract section 3): CRS, repair and which areas are overloaded."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from conftest import X0, Y0, square, write_csv, write_natura
from vbr.errors import InputError
from vbr.io.natura import load_natura, load_overloaded_list


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
