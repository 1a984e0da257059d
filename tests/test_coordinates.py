"""Coordinates that are wrong for the whole file stop the run with the fix; a few wrong rows are
rejected with a hint; x/y and lon/lat given together must agree."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from conftest import X0, Y0, write_csv
from vbr.errors import InputError
from vbr.io.crs import to_wgs84
from vbr.io.farms import load_farms
from vbr.io.locations import AGREE_M

XY = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
LONLAT = ["farm_id", "lon", "lat", "nh3_kg", "subsidy_eur"]
RD_POINTS = [(X0 + 100 * i, Y0 + 50 * i) for i in range(4)]
DEGREE_POINTS = [tuple(float(v) for v in to_wgs84(x, y)) for x, y in RD_POINTS]


def csv_of(tmp_path: Path, header: list[str], points, name: str = "farms.csv") -> Path:
    rows = [[f"f{i}", *p, 1000, 500_000] for i, p in enumerate(points)]
    return write_csv(tmp_path / name, header, rows)


def refusal(path: Path, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        load_farms(path, **kwargs)
    return str(info.value)


def reasons_of(table) -> dict[str, str]:
    return dict(zip(table.rejected["farm_id"], table.rejected["reason"], strict=True))


# --- the whole file: exit 2 with the fix -------------------------------------------------------


def test_lon_lat_written_in_x_y_for_most_rows_stops_with_the_fix(tmp_path):
    message = refusal(csv_of(tmp_path, XY, DEGREE_POINTS))
    assert message.startswith(
        f"{tmp_path / 'farms.csv'}: the columns x, y hold longitude/latitude degrees, not "
        "EPSG:28992 metres, for 4 of 4 rows"
    )
    assert message.endswith("use lon/lat columns (name them lon and lat) or --farms-crs EPSG:4326")


def test_lat_lon_written_in_x_y_counts_as_degrees_too(tmp_path):
    message = refusal(csv_of(tmp_path, XY, [(lat, lon) for lon, lat in DEGREE_POINTS]))
    assert "hold longitude/latitude degrees" in message


def test_rd_x_and_y_swapped_for_most_rows_stops_saying_so(tmp_path):
    message = refusal(csv_of(tmp_path, XY, [(y, x) for x, y in RD_POINTS]))
    assert message.startswith(f"{tmp_path / 'farms.csv'}: x and y look swapped: for 4 of 4 rows")
    assert message.endswith("swap the names of the columns x and y")


def test_lon_and_lat_swapped_for_most_rows_stops_saying_so(tmp_path):
    message = refusal(csv_of(tmp_path, LONLAT, [(lat, lon) for lon, lat in DEGREE_POINTS]))
    assert "lon and lat look swapped" in message
    assert message.endswith("swap the names of the columns lon and lat")


def test_rd_metres_in_lon_lat_columns_stop_the_run(tmp_path):
    message = refusal(csv_of(tmp_path, LONLAT, RD_POINTS))
    assert "the columns lon, lat hold RD New metres (EPSG:28992)" in message
    assert message.endswith("name the columns x and y (RD New is their default CRS)")


def test_most_means_more_than_half(tmp_path):
    # two of four rows in degrees: not most; they are rejected one by one with a hint
    points = [*DEGREE_POINTS[:2], *RD_POINTS[2:]]
    table = load_farms(csv_of(tmp_path, XY, points))
    assert sorted(reasons_of(table)) == ["f0", "f1"]
    assert all("these look like degrees" in r for r in reasons_of(table).values())
    # three of four: most
    with pytest.raises(InputError):
        load_farms(csv_of(tmp_path, XY, [*DEGREE_POINTS[:3], RD_POINTS[3]], name="three.csv"))


def test_rows_without_a_numeric_location_do_not_count_for_most(tmp_path):
    points = [DEGREE_POINTS[0], ("", ""), ("", ""), RD_POINTS[3], RD_POINTS[2]]
    table = load_farms(csv_of(tmp_path, XY, points))
    assert sorted(reasons_of(table)) == ["f0", "f1", "f2"]


def geojson(path: Path, points, *, crs_member: bool = False) -> Path:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"farm_id": f"f{i}", "nh3_kg": 1000, "subsidy_eur": 5},
                "geometry": {"type": "Point", "coordinates": list(p)},
            }
            for i, p in enumerate(points)
        ],
    }
    if crs_member:
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_rd_geojson_without_crs_member_stops_saying_how_to_declare_it(tmp_path):
    message = refusal(geojson(tmp_path / "farms.geojson", RD_POINTS))
    assert "the point coordinates hold RD New metres (EPSG:28992)" in message
    assert "for 4 of 4 features" in message
    assert "RFC 7946" in message and "ogr2ogr -t_srs EPSG:4326" in message
    assert '"urn:ogc:def:crs:EPSG::28992"' in message


def test_the_crs_member_the_message_proposes_makes_the_file_readable(tmp_path):
    table = load_farms(geojson(tmp_path / "farms.geojson", RD_POINTS, crs_member=True))
    assert table.rejected.empty and len(table.farms) == 4


def test_a_geopackage_that_declares_degrees_but_holds_metres_stops(tmp_path):
    path = tmp_path / "farms.gpkg"
    gpd.GeoDataFrame(
        {"farm_id": ["a", "b"], "nh3_kg": [1, 2], "subsidy_eur": [1, 2]},
        geometry=[Point(p) for p in RD_POINTS[:2]],
        crs="EPSG:4326",
    ).to_file(path)
    message = refusal(path)
    assert "the file declares EPSG:4326; set its real CRS, EPSG:28992, without reprojecting" in (
        message
    )


def test_a_spatial_file_without_crs_says_what_its_numbers_look_like(tmp_path):
    path = tmp_path / "farms.gpkg"
    gpd.GeoDataFrame(
        {"farm_id": ["a", "b"], "nh3_kg": [1, 2], "subsidy_eur": [1, 2]},
        geometry=[Point(p) for p in RD_POINTS[:2]],
        crs=None,
    ).to_file(path)
    message = refusal(path)
    assert "declares no coordinate reference system" in message
    assert "Its coordinates look like RD New metres (EPSG:28992) for most points" in message
    assert "Set CRS of Layer" in message


# --- one row at a time: a hint in its reason ---------------------------------------------------


def test_a_row_whose_swapped_pair_lies_inside_says_so(tmp_path):
    points = [(RD_POINTS[0][1], RD_POINTS[0][0]), *RD_POINTS[1:]]
    reason = reasons_of(load_farms(csv_of(tmp_path, XY, points)))["f0"]
    assert reason == (
        f"location outside the Netherlands ({points[0][0]:.0f}, {points[0][1]:.0f} in "
        "EPSG:28992); with x and y swapped it lies in the Netherlands: are they swapped?"
    )


def test_a_row_outside_whose_swapped_pair_is_outside_too_gets_no_swap_hint(tmp_path):
    points = [(652_000, 6_862_000), *RD_POINTS[1:]]  # Paris in Web Mercator
    reason = reasons_of(load_farms(csv_of(tmp_path, XY, points)))["f0"]
    assert reason == "location outside the Netherlands (652000, 6862000 in EPSG:28992)"


# --- x/y and lon/lat both given ---------------------------------------------------------------


BOTH = ["farm_id", "x", "y", "lon", "lat", "nh3_kg", "subsidy_eur"]


def both_rows(shift_m: float = 0.0):
    return [
        [f"f{i}", x, y, *to_wgs84(x + shift_m, y), 1000, 500_000]
        for i, (x, y) in enumerate(RD_POINTS)
    ]


def test_x_y_and_lon_lat_that_agree_use_x_y_and_say_so(tmp_path):
    table = load_farms(write_csv(tmp_path / "farms.csv", BOTH, both_rows(shift_m=AGREE_M - 1)))
    assert table.rejected.empty
    assert [(p.x, p.y) for p in table.farms.geometry] == RD_POINTS
    (note,) = [n for n in table.notes if "given twice" in n]
    assert note == (
        "the location is given twice, in columns x, y and in columns lon, lat; they agree "
        f"within {AGREE_M:g} m on all 4 rows that have both, and columns x, y is used"
    )
    assert table.info["location"] == f"columns x, y (lon/lat agree within {AGREE_M:g} m)"


def test_x_y_and_lon_lat_that_disagree_stop_the_run_listing_the_rows(tmp_path):
    rows = both_rows()
    rows[2][3:5] = to_wgs84(RD_POINTS[2][0] + 400, RD_POINTS[2][1])
    message = refusal(write_csv(tmp_path / "farms.csv", BOTH, rows))
    assert (
        "gives the location twice, in columns x, y and in columns lon, lat, and they disagree by "
        f"more than {AGREE_M:g} m on 1 of 4 rows that have both" in message
    )
    assert message.splitlines()[1] == "  - row 4: 400 m apart"


def test_rows_without_x_y_take_lon_lat(tmp_path):
    rows = both_rows()
    rows[1][1:3] = ["", ""]
    table = load_farms(write_csv(tmp_path / "farms.csv", BOTH, rows))
    assert table.rejected.empty
    located = table.farms.set_index("farm_id").geometry
    assert located["f1"].distance(Point(RD_POINTS[1])) < 0.01
    assert any("(1 rows without x/y use lon/lat)" in n for n in table.notes)


# --- the cases of issue 14, end to end: exit 2 with a clear first line --------------------------


def test_issue_14_lon_lat_in_x_y_and_swapped_rd_are_exit_2(run_small, tmp_path):
    # Dutch by default, English with --lang en; the file and the columns named in both
    for name, points, lang, first_words in [
        ("lonlat.csv", DEGREE_POINTS, "nl", "fout: {}: de kolommen x, y bevatten graden lengte"),
        ("lonlat.csv", DEGREE_POINTS, "en", "error: {}: the columns x, y hold longitude/latitude"),
        ("swapped.csv", [(y, x) for x, y in RD_POINTS], "nl", "fout: {}: x en y lijken verwisseld"),
        ("swapped.csv", [(y, x) for x, y in RD_POINTS], "en", "error: {}: x and y look swapped"),
    ]:
        farms = csv_of(tmp_path, XY, points, name=name)
        code, _, err, out = run_small(farms, "--lang", lang, out=tmp_path / f"out-{name}")
        assert code == 2
        assert err.splitlines()[0].startswith("vbr: " + first_words.format(farms))
        assert not out.exists()


def test_issue_14_rd_geojson_without_crs_is_exit_2(run_small, tmp_path):
    path = geojson(tmp_path / "farms.geojson", RD_POINTS)
    code, _, err, out = run_small(path)
    assert code == 2
    assert err.splitlines()[0].startswith(
        f"vbr: fout: {path}: de coördinaten van de punten bevatten RD New-meters (EPSG:28992)"
    )
    assert not out.exists()
    code, _, err, out = run_small(path, "--lang", "en")
    assert code == 2
    assert err.splitlines()[0].startswith(
        f"vbr: error: {path}: the point coordinates hold RD New metres (EPSG:28992)"
    )
