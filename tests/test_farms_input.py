"""Reading farm locations (contract section 2): formats, CRS, aliases and every rejection reason."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import X0, Y0, write_csv
from vbr.errors import InputError
from vbr.io.farms import load_farms
from vbr.io.times import _ISO_DATE, _TZ_SUFFIX, _ZONED

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]


def reasons_of(table) -> dict[str, str]:
    return dict(zip(table.rejected["farm_id"], table.rejected["reason"], strict=True))


def load_rows(tmp_path, rows, header=HEADER, **kwargs):
    return load_farms(write_csv(tmp_path / "farms.csv", header, rows), **kwargs)


# --- every rejection reason of contract section 2 -------------------------------------------


def test_missing_coordinate_is_rejected(tmp_path):
    table = load_rows(tmp_path, [["a", "", Y0, 10, 10], ["ok", X0, Y0, 10, 10]])
    assert reasons_of(table) == {"a": "coordinate missing"}


def test_unreadable_coordinate_is_rejected(tmp_path):
    table = load_rows(tmp_path, [["a", "12x", Y0, 10, 10], ["ok", X0, Y0, 10, 10]])
    assert reasons_of(table)["a"].startswith("coordinate not a number")


def test_location_outside_the_netherlands_is_rejected(tmp_path):
    table = load_rows(tmp_path, [["paris", 652_000, 6_862_000, 10, 10], ["ok", X0, Y0, 10, 10]])
    assert reasons_of(table)["paris"].startswith("location outside the Netherlands")


def test_lat_lon_swapped_lands_outside_and_says_so(tmp_path):
    header = ["farm_id", "lon", "lat", "nh3_kg", "subsidy_eur"]
    table = load_rows(tmp_path, [["swapped", 52.1, 5.6, 10, 10], ["ok", 5.6, 52.1, 10, 10]], header)
    reason = reasons_of(table)["swapped"]
    assert reason.startswith("location outside the Netherlands")
    assert "swapped" in reason
    assert list(table.farms["farm_id"]) == ["ok"]


def test_degrees_given_as_rd_coordinates_are_rejected_with_a_hint(tmp_path):
    table = load_rows(tmp_path, [["deg", 5.6, 52.1, 10, 10], ["ok", X0, Y0, 10, 10]])
    reason = reasons_of(table)["deg"]
    assert "outside the Netherlands" in reason
    assert "degrees" in reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "nh3_kg missing"),
        ("veel", "nh3_kg not a number ('veel')"),
        ("0", "nh3_kg must be > 0 (got '0')"),
        ("-5", "nh3_kg must be > 0 (got '-5')"),
        ("inf", "nh3_kg not a finite number ('inf')"),
        ("nan", "nh3_kg not a number ('nan')"),
    ],
)
def test_bad_nh3_is_rejected(tmp_path, value, expected):
    table = load_rows(tmp_path, [["a", X0, Y0, value, 10], ["ok", X0, Y0, 10, 10]])
    assert reasons_of(table) == {"a": expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "subsidy_eur missing"),
        ("onbekend", "subsidy_eur not a number ('onbekend')"),
        ("-1", "subsidy_eur must be >= 0 (got '-1')"),
    ],
)
def test_bad_subsidy_is_rejected(tmp_path, value, expected):
    table = load_rows(tmp_path, [["a", X0, Y0, 10, value], ["ok", X0, Y0, 10, 10]])
    assert reasons_of(table) == {"a": expected}


def test_zero_subsidy_is_ranked(tmp_path):
    table = load_rows(tmp_path, [["free", X0, Y0, 10, 0]])
    assert table.rejected.empty
    assert table.farms["subsidy_eur"].iloc[0] == 0


def test_missing_farm_id_is_rejected(tmp_path):
    table = load_rows(tmp_path, [["", X0, Y0, 10, 10], ["ok", X0, Y0, 10, 10]])
    assert list(table.rejected["reason"]) == ["farm_id missing"]


def test_every_row_sharing_a_duplicated_farm_id_is_rejected(tmp_path):
    table = load_rows(
        tmp_path, [["d", X0, Y0, 10, 10], ["ok", X0, Y0, 10, 10], ["d", X0 + 5, Y0, 20, 10]]
    )
    assert list(table.rejected["farm_id"]) == ["d", "d"]
    assert set(table.rejected["reason"]) == {"farm_id duplicated (2 rows share it)"}
    assert list(table.farms["farm_id"]) == ["ok"]


def test_farm_ids_that_differ_only_in_surrounding_spaces_are_duplicates(tmp_path):
    table = load_rows(tmp_path, [["d", X0, Y0, 10, 10], [" d ", X0, Y0, 10, 10]])
    assert len(table.rejected) == 2


def test_a_row_with_several_problems_lists_them_all(tmp_path):
    table = load_rows(tmp_path, [["a", "", Y0, "-1", "x"], ["ok", X0, Y0, 10, 10]])
    reason = reasons_of(table)["a"]
    assert "coordinate missing" in reason
    assert "nh3_kg must be > 0" in reason
    assert "subsidy_eur not a number" in reason


def test_unparseable_submitted_at_is_rejected(tmp_path):
    header = [*HEADER, "submitted_at"]
    rows = [["a", X0, Y0, 10, 10, "gisteren"], ["ok", X0, Y0, 10, 10, "2024-01-02T10:00:00Z"]]
    table = load_rows(tmp_path, rows, header)
    reason = reasons_of(table)["a"]
    assert reason.startswith("submitted_at not a time in an accepted form ('gisteren'); accepted:")
    assert "dd-mm-jjjj, d-m-jjjj or dd/mm/jjjj" in reason


def test_rows_read_equal_rows_kept_plus_rows_rejected(tmp_path):
    rows = [[f"f{i}", X0 + i, Y0, 10 if i % 3 else -1, 10] for i in range(30)]
    table = load_rows(tmp_path, rows)
    assert table.n_read == 30
    assert len(table.farms) + len(table.rejected) == 30
    assert len(table.rejected) == 10


def test_rejected_rows_keep_the_input_row_as_read(tmp_path):
    header = [*HEADER, "eigenaar"]
    table = load_rows(tmp_path, [["a", X0, Y0, "12,5kg", "10", "Jansen"]], header)
    row = table.rejected.iloc[0]
    assert row["nh3_kg"] == "12,5kg"
    assert row["eigenaar"] == "Jansen"
    assert row["input_farm_id"] == "a"


# --- formats and encodings -------------------------------------------------------------------


def test_dutch_excel_csv_with_semicolons_decimal_commas_and_cp1252_loads(tmp_path):
    path = write_csv(
        tmp_path / "excel.csv",
        ["Locatienummer", "X", "Y", "NH3 emissie", "Subsidie", "Eigenaar"],
        [
            ["L-1", "180000,5", "460000", "1.234,5", "1.500.000", "Boerderij 't Hoëve"],
            ["L-2", "180100", "460000,25", "12,5", "250000", "Müller"],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    table = load_farms(path)
    assert table.rejected.empty
    farms = table.farms.set_index("farm_id")
    assert farms.loc["L-1", "nh3_kg"] == 1234.5
    assert farms.loc["L-1", "subsidy_eur"] == 1_500_000
    assert farms.loc["L-2", "nh3_kg"] == 12.5
    assert farms.loc["L-1"].geometry.x == 180000.5
    assert farms.loc["L-2"].geometry.y == 460000.25
    assert list(table.carried_values["Eigenaar"]) == ["Boerderij 't Hoëve", "Müller"]


def test_utf8_with_bom_loads_and_the_bom_is_not_part_of_the_first_name(tmp_path):
    path = write_csv(
        tmp_path / "bom.csv", HEADER, [["a", X0, Y0, "10,5", "10"]], delimiter=";",
        encoding="utf-8-sig",
    )  # fmt: skip
    table = load_farms(path)
    assert list(table.farms["farm_id"]) == ["a"]
    assert table.farms["nh3_kg"].iloc[0] == 10.5


def test_utf16_csv_loads(tmp_path):
    path = write_csv(tmp_path / "u16.csv", HEADER, [["é", X0, Y0, 10, 10]], encoding="utf-16")
    assert list(load_farms(path).farms["farm_id"]) == ["é"]


def test_thousands_with_points_in_a_comma_file_are_not_decimals(tmp_path):
    table = load_rows(tmp_path, [["a", X0, Y0, "1,234,567.89", "2,000,000"]])
    assert table.farms["nh3_kg"].iloc[0] == 1234567.89
    assert table.farms["subsidy_eur"].iloc[0] == 2_000_000


def test_column_names_match_case_insensitively_and_extra_columns_are_carried(tmp_path):
    table = load_rows(
        tmp_path,
        [["a", X0, Y0, 10, 10, "melkvee", "=SUM(A1)"]],
        ["FARM_ID", "X", "Y", "NH3_KG", "Subsidy_EUR", "Sector", "Opmerking"],
    )
    assert list(table.farms["farm_id"]) == ["a"]
    assert table.carried == ["X", "Y", "Sector", "Opmerking"]
    assert table.carried_values["Opmerking"].iloc[0] == "=SUM(A1)"


def test_xlsx_first_sheet_loads(tmp_path):
    path = tmp_path / "farms.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame(
            {"farm_id": ["a", "007"], "x": [X0, X0 + 1], "y": [Y0, Y0], "nh3_kg": [10.5, 3],
             "subsidy_eur": [100, 200]}
        ).to_excel(xl, sheet_name="Aanvragen", index=False)  # fmt: skip
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="Other", index=False)
    table = load_farms(path)
    assert table.rejected.empty
    assert list(table.farms["nh3_kg"]) == [10.5, 3]


def test_geopackage_in_another_crs_is_converted_to_rd(tmp_path):
    lon, lat = 5.6, 52.1
    path = tmp_path / "farms.gpkg"
    gpd.GeoDataFrame(
        {"farm_id": ["a"], "nh3_kg": [10.0], "subsidy_eur": [5.0]},
        geometry=[shapely.Point(lon, lat)],
        crs="EPSG:4326",
    ).to_file(path)
    table = load_farms(path)
    point = table.farms.geometry.iloc[0]
    expected = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(28992).iloc[0]
    assert point.distance(expected) < 1e-6
    assert table.farms.crs.to_epsg() == 28992


def test_geojson_points_load(tmp_path):
    path = tmp_path / "farms.geojson"
    gpd.GeoDataFrame(
        {"farm_id": ["a", "b"], "nh3_kg": [10.0, 1.0], "subsidy_eur": [5.0, 1.0]},
        geometry=[shapely.Point(X0, Y0), None],
        crs="EPSG:28992",
    ).to_file(path)
    table = load_farms(path)
    assert list(table.farms["farm_id"]) == ["a"]
    assert reasons_of(table)["b"].startswith("coordinate missing")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_spatial_file_without_crs_is_an_error_naming_the_file(tmp_path):
    # (GeoJSON without "crs" is WGS84 by RFC 7946; a GeoPackage layer may have no SRS at all)
    gpkg = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame(
        {"farm_id": ["a"], "nh3_kg": [1.0], "subsidy_eur": [1.0]}, geometry=[shapely.Point(X0, Y0)]
    ).to_file(gpkg)
    with pytest.raises(InputError, match="coordinate reference system") as info:
        load_farms(gpkg)
    assert "nocrs.gpkg" in str(info.value)


def test_farms_crs_option_converts_x_y(tmp_path):
    # the same place in EPSG:3857 (web mercator)
    merc = gpd.GeoSeries([shapely.Point(5.6, 52.1)], crs=4326).to_crs(3857).iloc[0]
    table = load_rows(tmp_path, [["a", merc.x, merc.y, 10, 10]], farms_crs="EPSG:3857")
    rd = gpd.GeoSeries([shapely.Point(5.6, 52.1)], crs=4326).to_crs(28992).iloc[0]
    assert table.farms.geometry.iloc[0].distance(rd) < 1e-3


def test_unknown_farms_crs_is_an_error(tmp_path):
    with pytest.raises(InputError, match="farms-crs"):
        load_rows(tmp_path, [["a", X0, Y0, 10, 10]], farms_crs="EPSG:999999")


def test_missing_required_column_is_an_error_naming_it(tmp_path):
    path = write_csv(tmp_path / "f.csv", ["farm_id", "x", "y", "nh3_kg"], [["a", X0, Y0, 1]])
    with pytest.raises(InputError, match="subsidy_eur") as info:
        load_farms(path)
    assert "f.csv" in str(info.value)


def test_file_without_location_columns_is_an_error(tmp_path):
    path = write_csv(tmp_path / "f.csv", ["farm_id", "nh3_kg", "subsidy_eur"], [["a", 1, 1]])
    with pytest.raises(InputError, match="no location"):
        load_farms(path)


def test_times_without_a_zone_are_dutch_local_time(tmp_path):
    header = [*HEADER, "submitted_at"]
    rows = [["w", X0, Y0, 10, 10, "2024-01-15 09:00"], ["s", X0, Y0, 10, 10, "2024-07-15T09:00"]]
    table = load_rows(tmp_path, rows, header)
    times = table.farms.set_index("farm_id")["submitted_at"]
    assert times["w"] == pd.Timestamp("2024-01-15T08:00:00Z")
    assert times["s"] == pd.Timestamp("2024-07-15T07:00:00Z")


def test_times_with_a_zone_keep_their_zone_in_every_iso_form(tmp_path):
    header = [*HEADER, "submitted_at"]
    forms = [
        "2024-01-15T09:00Z",
        "2024-01-15T10:00+01:00",
        "2024-01-15 10:00+0100",
        "2024-01-15T04:00-05",
        "2024-01-15T09:00:00.000Z",
    ]
    rows = [[f"f{k}", X0, Y0, 10, 10, text] for k, text in enumerate(forms)]
    times = load_rows(tmp_path, rows, header).farms["submitted_at"]
    assert (times == pd.Timestamp("2024-01-15T09:00:00Z")).all()
    assert str(times.dtype) == "datetime64[ns, UTC]"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["2024-03-05", "2024-3-05", "", "05-03-2024"]),
    st.text(alphabet="0123456789T Z+-:\n", max_size=14),
)
def test_one_pass_zone_test_is_the_three_tests_it_replaced(date, tail):
    # a time "has a zone" when it starts with a full date and a time and ends in a zone suffix
    text = date + tail
    three_tests = (
        bool(re.match(_ISO_DATE, text))
        and bool(re.match(r"[T ]\d", text[10:]))
        and bool(re.search(_TZ_SUFFIX, text))
    )
    assert bool(_ZONED.match(text)) == three_tests


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError) as info:
        load_farms(path)
    assert "empty.csv" in str(info.value)


def test_binary_junk_named_csv_is_an_error(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(np.random.default_rng(1).bytes(4000))
    with pytest.raises(InputError) as info:
        load_farms(path)
    assert "junk.csv" in str(info.value)
