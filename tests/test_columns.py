"""Which input column gives which field (issue 14 points 1-4, 7, 12; issue 19 point 7): column
mappings, no silent choice between candidates, Dutch flags, shapefile names, area numbers as
facts, layers and sheets stated, and messages for people."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from conftest import REALDATA, X0, Y0, read_rows, square, write_csv, write_natura
from vbr import load_natura
from vbr.errors import ConfigError, InputError
from vbr.io.columns import FieldSet, match_columns
from vbr.io.farms import FARM_FIELDS, load_farms
from vbr.io.tables import _plain_warnings
from vbr.model import FieldSource
from vbr.settings import ColumnMapping, load_config, parse_column_mapping

NEAR, FAR = (X0 - 300, Y0 + 500), (X0 + 2500, Y0 + 500)  # 300 m and 1,500 m from area 57
HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]


def good_rows() -> list[list[object]]:
    return [["near", *NEAR, 1000, 500_000], ["far", *FAR, 2000, 900_000]]


@pytest.fixture
def run(vbr, tmp_path, one_area, no_regions):
    """Run ``vbr run`` on a farm file (the one-area Natura file unless given); no traceback.
    In English (``--lang en``): the tests read the console's column lines and the reasons."""

    def _run(farms: Path, *extra: object, natura: Path | None = None, quiet: bool = True):
        out = tmp_path / "out"
        code, stdout, stderr = vbr(
            "run", "--farms", farms, "--natura", natura or one_area, "--regions", no_regions,
            "--out", out, "--lang", "en", *(["--quiet"] if quiet else []), *extra,
        )  # fmt: skip
        assert "Traceback" not in stderr
        assert code in (0, 2), stderr
        return code, stdout, stderr, out

    return _run


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def ranked(out: Path) -> dict[str, dict[str, str]]:
    return {r["farm_id"]: r for r in read_rows(out / "ranking.csv")}


def mapping(**pairs: str) -> ColumnMapping:
    return ColumnMapping.given(pairs, where="--columns")


# --- 1. column mapping -----------------------------------------------------------------------


def test_columns_option_names_columns_vbr_does_not_recognise(run, tmp_path):
    path = write_csv(
        tmp_path / "farms.csv",
        ["Locatie code", "x", "y", "Emissie (kg)", "Bod"],
        good_rows(),
    )
    code, _, stderr, out = run(
        path,
        "--columns",
        "farm_id=Locatie code, nh3_kg=Emissie (kg)",
        "--columns",
        "subsidy_eur=bod",
    )
    assert code == 0, stderr
    assert set(ranked(out)) == {"near", "far"}
    farms = manifest(out)["columns"]["farms"]
    assert farms["farm_id"] == {"column": "Locatie code", "found_by": "--columns"}
    assert farms["nh3_kg"] == {"column": "Emissie (kg)", "found_by": "--columns"}
    # a column name is matched case-insensitively when it is the only such column
    assert farms["subsidy_eur"] == {"column": "Bod", "found_by": "--columns"}
    assert farms["x"] == {"column": "x", "found_by": "name"}


def test_config_columns_table_maps_and_the_option_wins_for_the_same_field(run, tmp_path):
    path = write_csv(tmp_path / "farms.csv", ["code", "x", "y", "emissie", "bod", "bod2"], [
        ["near", *NEAR, 1000, 500_000, 7], ["far", *FAR, 2000, 900_000, 8],
    ])  # fmt: skip
    config = tmp_path / "vbr.toml"
    config.write_text(
        '[columns]\nfarm_id = "code"\nnh3_kg = "emissie"\nsubsidy_eur = "bod"\n', encoding="utf-8"
    )
    code, _, stderr, out = run(path, "--config", config, "--columns", "subsidy_eur=bod2")
    assert code == 0, stderr
    assert {k: v["subsidy_eur"] for k, v in ranked(out).items()} == {"near": "7", "far": "8"}
    farms = manifest(out)["columns"]["farms"]
    assert farms["farm_id"] == {"column": "code", "found_by": f"{config} [columns]"}
    assert farms["subsidy_eur"] == {"column": "bod2", "found_by": "--columns"}
    # vbr verify repeats the run with the same mapping
    assert manifest(out)["rerun"]["columns"] == {
        "farm_id": "code", "nh3_kg": "emissie", "subsidy_eur": "bod2",
    }  # fmt: skip


@pytest.mark.slow
def test_verify_repeats_a_run_with_a_column_mapping(vbr, run, tmp_path):
    path = write_csv(
        tmp_path / "farms.csv", ["code", "x", "y", "nh3_kg", "subsidy_eur"], good_rows()
    )
    code, _, stderr, out = run(path, "--columns", "farm_id=code")
    assert code == 0, stderr
    code, stdout, stderr = vbr("verify", out)
    assert code == 0, stderr
    assert stdout.splitlines()[-1].startswith("identical")


def test_a_named_column_that_does_not_exist_exits_2_listing_the_columns(run, tmp_path):
    path = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, _, stderr, out = run(path, "--columns", "nh3_kg=nh3_emisie,farm_id=farm-id")
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: the column mapping names column(s) that")
    assert "the columns found: 'farm_id', 'x', 'y', 'nh3_kg', 'subsidy_eur'" in stderr
    assert "nh3_kg=nh3_emisie: no column 'nh3_emisie'" in stderr
    assert "[given in --columns]" in stderr
    assert not out.exists()


def test_a_field_that_is_no_field_exits_2_listing_the_fields(run, tmp_path):
    path = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, _, stderr, _ = run(path, "--columns", "farmid=farm_id")
    assert code == 2
    assert stderr.startswith("vbr: error: --columns: 'farmid' is not a field of the farm file")
    assert "(did you mean 'farm_id'?)" in stderr
    assert (
        "the fields are: farm_id, x, y, lon, lat, nh3_kg, subsidy_eur, submitted_at, complete_at"
        in stderr
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("farm_id", "'farm_id' is not FIELD=COLUMN"),
        ("farm_id=", "names no column"),
        ("farm_id=a,farm_id=b", "farm_id is given two columns ('a' and 'b')"),
    ],
)
def test_mapping_text_that_cannot_be_read_exits_2(run, tmp_path, text, words):
    path = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, _, stderr, _ = run(path, "--columns", text)
    assert code == 2
    assert stderr.startswith("vbr: error: --columns: ")
    assert words in stderr


def test_one_column_for_two_fields_exits_2(tmp_path):
    path = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    with pytest.raises(InputError, match="gives one column to more than one field") as info:
        load_farms(path, columns=mapping(x="x", lon="x"))
    assert "'x': x, lon" in str(info.value)


def test_config_mapping_table_with_a_number_is_refused(tmp_path):
    config = tmp_path / "vbr.toml"
    config.write_text("[columns]\nnh3_kg = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a column name in quotes"):
        load_config(config)


def test_the_resolver_serves_any_table_an_offers_table_alike(tmp_path):
    """The resolver is one piece: a later --offers-columns uses it as the farm file does."""
    offers = FieldSet(
        table="offers table",
        names={k: FARM_FIELDS.names[k] for k in ("farm_id", "subsidy_eur", "submitted_at")},
        option="--offers-columns",
        config_table="offers_columns",
    )
    match = match_columns(
        ["locatie_id", "Bedrag", "ingediend_op"],
        offers,
        path=tmp_path / "offers.csv",
        mapping=ColumnMapping.given({"subsidy_eur": "Bedrag"}, where="--offers-columns"),
    )
    assert dict(match.columns) == {
        "farm_id": "locatie_id", "subsidy_eur": "Bedrag", "submitted_at": "ingediend_op",
    }  # fmt: skip
    assert match.found_by == {
        "farm_id": "alias", "subsidy_eur": "--offers-columns", "submitted_at": "alias",
    }  # fmt: skip
    with pytest.raises(InputError, match="--offers-columns farm_id=locatie_id"):
        match_columns(["locatie_id", "id"], offers, path=tmp_path / "offers.csv")


def test_parse_column_mapping_keeps_column_names_as_typed():
    assert parse_column_mapping(" Farm_ID = Locatie code ,nh3_kg=NH3,", where="--columns") == {
        "farm_id": "Locatie code",
        "nh3_kg": "NH3",
    }


# --- 2. say what was used --------------------------------------------------------------------


def test_manifest_and_console_say_which_column_gave_every_field(run, tmp_path):
    path = write_csv(
        tmp_path / "farms.csv",
        ["locatie_id", "x_rd", "y_rd", "nh3_emissie", "subsidie", "ingediend_op", "note"],
        [["near", *NEAR, 1000, 500_000, "2024-03-01", "a"], ["far", *FAR, 2000, 1, "", "b"]],
    )
    code, stdout, stderr, out = run(path, quiet=False)
    assert code == 0, stderr
    columns = manifest(out)["columns"]
    assert columns["farms"] == {
        "farm_id": {"column": "locatie_id", "found_by": "alias"},
        "x": {"column": "x_rd", "found_by": "alias"},
        "y": {"column": "y_rd", "found_by": "alias"},
        "lon": None,
        "lat": None,
        "nh3_kg": {"column": "nh3_emissie", "found_by": "alias"},
        "subsidy_eur": {"column": "subsidie", "found_by": "alias"},
        "submitted_at": {"column": "ingediend_op", "found_by": "alias"},
        "complete_at": None,
    }
    assert columns["natura2000"] == {
        "nr": {"column": "nr", "found_by": "name"},
        "name": {"column": "naamN2K", "found_by": "alias"},
        "overloaded": {"column": "overloaded", "found_by": "name"},
    }
    assert columns["regions"] == {"name": {"column": "name", "found_by": "name"}}
    assert (
        "columns of the farm file: farm_id=locatie_id, x=x_rd, y=y_rd, nh3_kg=nh3_emissie, "
        "subsidy_eur=subsidie, submitted_at=ingediend_op" in stdout.splitlines()
    )
    assert "columns of Natura 2000: nr, name=naamN2K, overloaded; regions: name" in stdout


def test_manifest_says_geometry_computed_and_estimate_where_no_column_gave_values(run, tmp_path):
    path = tmp_path / "farms.gpkg"
    gpd.GeoDataFrame(
        {
            "locatie_id": ["a", "b", "c"],
            "nh3_kg": ["", "300", ""],
            "rundvee": [100, 50, 80],
        },
        geometry=[Point(*NEAR), Point(*FAR), Point(X0 + 5000, Y0)],
        crs="EPSG:28992",
    ).to_file(path)
    code, stdout, stderr, out = run(path, quiet=False)
    assert code == 0, stderr
    farms = manifest(out)["columns"]["farms"]
    assert farms["x"] == farms["y"] == {"made": "geometry"}
    assert farms["nh3_kg"] == {
        "column": "nh3_kg",
        "found_by": "name",
        "made": "computed from animal counts",
        "made_rows": 2,
    }
    assert farms["subsidy_eur"] == {"made": "estimate"}
    line = next(x for x in stdout.splitlines() if x.startswith("columns of the farm file"))
    assert line == (
        "columns of the farm file: farm_id=locatie_id, location: geometry, nh3_kg (computed "
        "from animal counts for 2 rows), subsidy_eur: estimate"
    )


def test_farm_id_that_holds_row_numbers_is_noted(tmp_path):
    rows = [[1, *NEAR, 1000, 5], [2, *FAR, 1000, 5], [3, *FAR, 1000, 5]]
    table = load_farms(
        write_csv(tmp_path / "f.csv", ["id", "x", "y", "nh3_kg", "subsidy_eur"], rows)
    )
    assert any(
        "farm_id comes from column 'id', which holds the row numbers 1..3" in n
        and "--columns farm_id=COLUMN" in n
        for n in table.notes
    )
    rows[2][0] = 7
    table = load_farms(
        write_csv(tmp_path / "g.csv", ["id", "x", "y", "nh3_kg", "subsidy_eur"], rows)
    )
    assert not any("row numbers" in n for n in table.notes)


# --- 3. never choose silently between candidates ---------------------------------------------


@pytest.mark.parametrize(
    ("header", "field", "columns", "line"),
    [
        (["id", "locatie_id", "x", "y", "nh3_kg", "subsidy_eur"], "farm_id",
         "'locatie_id' or 'id'", "--columns farm_id=locatie_id"),
        (["farm_id", "x", "y", "nh3", "nh3_emissie", "subsidy_eur"], "nh3_kg",
         "'nh3' or 'nh3_emissie'", "--columns nh3_kg=nh3"),
        (["farm_id", "X", "x", "y", "nh3_kg", "subsidy_eur"], "x", "'x' or 'X'",
         "--columns x=x"),
    ],
)  # fmt: skip
def test_two_candidate_columns_exit_2_with_the_line_that_settles_it(
    run, tmp_path, header, field, columns, line
):
    values = {
        "id": "farm_id", "locatie_id": "farm_id", "farm_id": "farm_id", "X": "x", "x": "x",
        "y": "y", "nh3": "nh3_kg", "nh3_emissie": "nh3_kg", "nh3_kg": "nh3_kg",
        "subsidy_eur": "subsidy_eur",
    }  # fmt: skip
    rows = [dict(zip(HEADER, r, strict=True)) for r in good_rows()]
    path = write_csv(tmp_path / "farms.csv", header, [[r[values[h]] for h in header] for r in rows])
    code, _, stderr, _ = run(path)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: one field could come from more than one column")
    assert "vbr does not choose between them" in stderr
    assert f"  - {field}: {columns}" in stderr
    assert line in stderr
    # the line settles it; the other column is carried through unchanged (through load_farms:
    # a pair `x` + `X` in the GeoPackage writer is the subject of issue 19 point 5)
    chosen = line.split("=", 1)[1]
    table = load_farms(path, columns=mapping(**{field: chosen}))
    assert len(table.farms) == 2
    assert table.sources[field] == FieldSource(column=chosen, found_by="--columns")
    other = next(c for c in header if c != chosen and values[c] == field)
    assert other in table.carried


def test_candidates_for_location_columns_of_a_file_with_geometry_are_no_conflict(tmp_path):
    path = tmp_path / "farms.gpkg"
    gpd.GeoDataFrame(
        {"farm_id": ["a"], "nh3_kg": [1], "subsidy_eur": [1], "x": [1.0], "X_RD": [2.0]},
        geometry=[Point(*NEAR)],
        crs="EPSG:28992",
    ).to_file(path)
    table = load_farms(path)
    assert table.sources["x"].made == "geometry"
    assert {"x", "X_RD"} <= set(table.carried)


# --- 4. Dutch flags and shapefile-truncated names ---------------------------------------------


def dutch_natura(path: Path, flags: list[object], nrs: list[int] | None = None) -> Path:
    nrs = nrs or list(range(1, len(flags) + 1))
    gpd.GeoDataFrame(
        {"nr": nrs, "naam": [f"a{n}" for n in nrs], "Stikstofgevoelig": flags},
        geometry=[square(X0 + 3000 * i, Y0, 1000) for i in range(len(flags))],
        crs="EPSG:28992",
    ).to_file(path)
    return path


def test_stikstofgevoelig_with_dutch_values_decides_which_areas_count(tmp_path):
    path = dutch_natura(
        tmp_path / "n.gpkg", ["JA", "nee", "j", "N", "Waar", "onwaar", "yes", "No", "1", "0", ""]
    )
    natura = load_natura(path, all_overloaded=True)
    assert natura.attributes["overloaded"].tolist() == [
        True, False, True, False, True, False, True, False, True, False, True,
    ]  # fmt: skip
    assert natura.attributes["overloaded_by"].tolist()[-1] == "all"  # empty: the next rule
    assert natura.sources["overloaded"].column == "Stikstofgevoelig"


def test_other_values_in_the_flag_column_exit_2_naming_value_and_rows(tmp_path):
    path = dutch_natura(tmp_path / "n.gpkg", ["ja", "-", "x", "-", "nee"])
    with pytest.raises(InputError) as info:
        load_natura(path)
    text = str(info.value)
    assert text.startswith(f"{path}: column 'Stikstofgevoelig' says per area whether")
    assert "ja or nee" in text
    assert "  - '-' in feature(s) 2, 4" in text and "  - 'x' in feature(s) 3" in text


def test_shapefile_truncated_names_are_recognised(run, tmp_path):
    path = tmp_path / "farms.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL warns that it shortens the names
        gpd.GeoDataFrame(
            {
                "vestiging_id": ["near", "far"],
                "nh3_emissie_kg": [1000, 2000],
                "subsidy_eur": [500_000, 900_000],
                "submitted_at": ["2024-03-01T09:00:00", "2024-03-02T09:00:00"],
            },
            geometry=[Point(*NEAR), Point(*FAR)],
            crs="EPSG:28992",
        ).to_file(path)
    assert {"vestiging_", "nh3_emissi", "subsidy_eu", "submitted_"} <= set(
        gpd.read_file(path).columns
    )
    code, _, stderr, out = run(path)
    assert code == 0, stderr
    farms = manifest(out)["columns"]["farms"]
    assert farms["subsidy_eur"] == {"column": "subsidy_eu", "found_by": "shapefile name"}
    assert farms["submitted_at"] == {"column": "submitted_", "found_by": "shapefile name"}
    assert farms["nh3_kg"] == {"column": "nh3_emissi", "found_by": "shapefile name"}
    assert farms["farm_id"] == {"column": "vestiging_", "found_by": "shapefile name"}
    assert manifest(out)["priority_order"].startswith("submitted_at")


def test_an_ambiguous_truncated_name_is_not_recognised(tmp_path):
    fields = FieldSet(
        table="test table",
        names={"start": ("begin_datum_x",), "end": ("begin_datum_y",), "other": ("overbelast",)},
    )
    assert fields.recognise("begin_datu") is None
    assert fields.recognise("Begin datum x") == ("start", 0, "alias")
    natura = FieldSet(table="natura", names={"overloaded": ("overloaded", "overbelast_stikstof")})
    assert natura.recognise("overbelast") == ("overloaded", 1, "shapefile name")


def test_shapefiles_are_read_as_natura_and_region_files(run, tmp_path):
    natura = write_natura(tmp_path / "n2k.shp", [(57, "Veluwe", square(X0, Y0, 1000), True)])
    regions = tmp_path / "regions.shp"
    gpd.GeoDataFrame(
        {"naam": ["Veluwe"]}, geometry=[square(X0 - 5000, Y0 - 5000, 20_000)], crs="EPSG:28992"
    ).to_file(regions)
    farms = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, _, stderr, out = run(farms, "--regions", regions, natura=natura)
    assert code == 0, stderr
    assert ranked(out)["near"]["priority"] == "true"
    assert ranked(out)["near"]["regions"] == "Veluwe"
    columns = manifest(out)["columns"]
    assert columns["natura2000"]["name"] == {"column": "naamN2K", "found_by": "alias"}
    assert columns["regions"]["name"] == {"column": "naam", "found_by": "alias"}


@pytest.mark.parametrize(
    ("missing", "words"),
    [
        (".shx", "the shapefile is incomplete: farms.shx is missing beside it"),
        (".dbf", "the shapefile is incomplete: farms.dbf is missing beside it"),
        (".prj", "the shapefile has no .prj file beside it"),
    ],
)
def test_incomplete_shapefile_says_which_part_is_missing(run, tmp_path, missing, words):
    path = tmp_path / "farms.shp"
    gpd.GeoDataFrame(
        {"farm_id": ["near"], "nh3_kg": [1000], "subsidy": [5]},
        geometry=[Point(*NEAR)],
        crs="EPSG:28992",
    ).to_file(path)
    path.with_suffix(missing).unlink()
    code, _, stderr, _ = run(path)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: {words}")
    assert "SHAPE_RESTORE_SHX" not in stderr and "GDAL" not in stderr


# --- 5. area numbers are facts -----------------------------------------------------------------


def numberless_natura(path: Path) -> Path:
    """Two areas without an area number column; their real numbers are in `gebied_code`."""
    gpd.GeoDataFrame(
        {"naam": ["Far", "Near"], "gebied_code": [430, 57]},
        geometry=[square(X0 + 30_000, Y0, 1000), square(X0, Y0, 1000)],
        crs="EPSG:28992",
    ).to_file(path)
    return path


def test_area_number_list_with_a_file_without_area_numbers_exits_2(run, tmp_path):
    """Before: the list's 1 matched row 1 (the far area) and the wrong area counted."""
    natura = numberless_natura(tmp_path / "n2k.gpkg")
    farms = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    listed = write_csv(tmp_path / "list.csv", ["nr"], [[57], [1]])
    code, _, stderr, out = run(farms, "--overloaded", listed, natura=natura)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {natura}: has no area number column (nr)")
    assert "never matches area numbers against row numbers" in stderr
    assert "--natura-columns nr=COLUMN" in stderr
    assert "'gebied_code'" in stderr  # the columns found
    assert not out.exists()
    code, _, stderr, out = run(
        farms, "--overloaded", listed, "--natura-columns", "nr=gebied_code", natura=natura
    )
    assert code == 0, stderr
    assert ranked(out)["near"]["nearest_n2000"] == "57"
    assert ranked(out)["near"]["priority"] == "true"
    assert manifest(out)["columns"]["natura2000"]["nr"] == {
        "column": "gebied_code",
        "found_by": "--natura-columns",
    }


def test_without_a_list_a_numberless_file_numbers_areas_by_row_and_says_so(run, tmp_path):
    natura = numberless_natura(tmp_path / "n2k.gpkg")
    farms = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, _, stderr, out = run(farms, "--all-overloaded", natura=natura)
    assert code == 0, stderr
    assert manifest(out)["columns"]["natura2000"]["nr"] == {"made": "row number"}
    assert manifest(out)["columns"]["natura2000"]["overloaded"] == {"made": "--all-overloaded"}
    assert ranked(out)["near"]["nearest_n2000"] == "2"


def test_listed_numbers_that_match_no_area_are_named_and_none_matching_exits_2(run, tmp_path):
    natura = write_natura(
        tmp_path / "n2k.gpkg",
        [(57, "Veluwe", square(X0, Y0, 1000), None), (58, "B", square(X0, Y0 + 9000, 10), None)],
    )
    farms = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    listed = write_csv(tmp_path / "list.csv", ["nr"], [[57], [999], [1000]])
    code, stdout, stderr, out = run(farms, "--overloaded", listed, natura=natura, quiet=False)
    assert code == 0, stderr
    warning = "warning: --overloaded lists 2 area numbers that n2k.gpkg does not hold: 999, 1000"
    assert any(line.startswith(warning) for line in stdout.splitlines())
    assert any(n.startswith(warning) for n in manifest(out)["notes"])
    assert manifest(out)["columns"]["natura2000"]["overloaded"] == {"made": "--overloaded list"}
    none = write_csv(tmp_path / "none.csv", ["nr"], [[999], [1000]])
    code, _, stderr, _ = run(farms, "--overloaded", none, natura=natura)
    assert code == 2
    assert "none of the 2 area numbers in --overloaded (999, 1000) is an area of this file" in (
        stderr
    )


def test_an_empty_overloaded_list_exits_2(run, tmp_path, one_area):
    farms = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    listed = write_csv(tmp_path / "list.csv", ["nr"], [[""]])
    code, _, stderr, _ = run(farms, "--overloaded", listed)
    assert code == 2
    assert f"vbr: error: {listed}: lists no area numbers" in stderr


def test_conflicting_flags_for_one_area_number_exit_2_naming_number_and_features(tmp_path):
    path = dutch_natura(tmp_path / "m.gpkg", ["ja", "nee", "ja"], nrs=[57, 57, 58])
    with pytest.raises(InputError, match="says both yes and no for one area number") as info:
        load_natura(path)
    assert "  - nr 57: yes in feature(s) 1; no in feature(s) 2" in str(info.value)


def test_empty_flags_take_the_value_of_their_areas_other_features(tmp_path):
    path = dutch_natura(tmp_path / "n.gpkg", ["ja", "", "nee", ""], nrs=[57, 57, 58, 58])
    natura = load_natura(path)
    assert natura.attributes["overloaded"].tolist() == [True, True, False, False]
    assert any("empty for 2 features" in n for n in natura.notes)


# --- 6. layers and sheets are stated ------------------------------------------------------------


def two_layer_farms(path: Path) -> Path:
    """A GeoPackage whose first layer is polygons (no farms) and second the farm points."""
    gpd.GeoDataFrame({"value": [1]}, geometry=[square(X0, Y0, 10)], crs="EPSG:28992").to_file(
        path, layer="hexagons"
    )
    gpd.GeoDataFrame(
        {"farm_id": ["near", "far"], "nh3_kg": [1000, 2000], "subsidy_eur": [500_000, 900_000]},
        geometry=[Point(*NEAR), Point(*FAR)],
        crs="EPSG:28992",
    ).to_file(path, layer="farms")
    gpd.GeoDataFrame(
        {"farm_id": ["other"], "nh3_kg": [1], "subsidy_eur": [1]},
        geometry=[Point(*NEAR)],
        crs="EPSG:28992",
    ).to_file(path, layer="farms_2023")
    return path


@pytest.mark.slow
def test_geopackage_with_several_layers_says_which_it_read(run, tmp_path):
    path = two_layer_farms(tmp_path / "farms.gpkg")
    code, stdout, stderr, out = run(path, quiet=False)
    assert code == 0, stderr
    note = (
        "farms.gpkg holds 3 layers; read 'farms' (the first layer of points); not read: "
        "'hexagons' (polygons), 'farms_2023' (points). Choose another with --layer NAME"
    )
    assert f"note: {note}" in stdout
    assert note in manifest(out)["notes"]
    assert manifest(out)["farms_read_as"]["layer"] == "farms"
    assert set(ranked(out)) == {"near", "far"}
    code, _, stderr, out = run(path, "--layer", "FARMS_2023")
    assert code == 0, stderr
    assert set(ranked(out)) == {"other"}
    assert manifest(out)["rerun"]["layer"] == "FARMS_2023"


def test_a_layer_that_does_not_exist_exits_2_listing_the_layers(run, tmp_path):
    path = two_layer_farms(tmp_path / "farms.gpkg")
    code, _, stderr, _ = run(path, "--layer", "boerderijen")
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: has no layer 'boerderijen' (--layer)")
    assert "'hexagons' (polygons), 'farms' (points), 'farms_2023' (points)" in stderr


def test_layer_and_sheet_for_a_file_without_them_exit_2(run, tmp_path):
    path = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, _, stderr, _ = run(path, "--layer", "x")
    assert code == 2 and stderr.startswith("vbr: error: --layer: chooses a layer, but farms.csv")
    code, _, stderr, _ = run(path, "--sheet", "x")
    assert code == 2 and stderr.startswith("vbr: error: --sheet: chooses a sheet, but farms.csv")


@pytest.mark.slow
def test_natura_layer_is_the_first_of_polygons_and_natura_layer_chooses(run, tmp_path):
    natura = tmp_path / "n2k.gpkg"
    gpd.GeoDataFrame({"nr": [1]}, geometry=[Point(X0, Y0)], crs="EPSG:28992").to_file(
        natura, layer="points"
    )
    write_natura(natura, [(57, "Veluwe", square(X0, Y0, 1000), True)])  # layer n2k
    gpd.GeoDataFrame(
        {"nr": [58], "overloaded": [True]}, geometry=[square(X0 + 1500, Y0, 10)], crs=28992
    ).to_file(natura, layer="other")
    farms = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, stdout, stderr, out = run(farms, natura=natura, quiet=False)
    assert code == 0, stderr
    assert "read 'n2k' (the first layer of polygons)" in stdout
    assert "--natura-layer NAME" in stdout
    assert ranked(out)["near"]["nearest_n2000"] == "57"
    code, _, stderr, out = run(farms, "--natura-layer", "other", natura=natura)
    assert code == 0, stderr
    assert ranked(out)["far"]["nearest_n2000"] == "58"


def hidden_first_sheet(path: Path) -> Path:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Lookup"
    hidden.append(["code", "meaning"])
    hidden.sheet_state = "hidden"
    data = wb.create_sheet("Aanvragen")
    data.append(HEADER)
    for row in good_rows():
        data.append(row)
    old = wb.create_sheet("Vorig jaar")
    old.append(HEADER)
    old.append(["old", *NEAR, 10, 10])
    wb.save(path)
    return path


@pytest.mark.slow
def test_hidden_first_sheet_is_passed_over_and_the_choice_stated(run, tmp_path):
    path = hidden_first_sheet(tmp_path / "farms.xlsx")
    code, stdout, stderr, out = run(path, quiet=False)
    assert code == 0, stderr
    note = (
        "farms.xlsx: read sheet 'Aanvragen'; hidden, so not read: 'Lookup'; also in the file, "
        "not read: 'Vorig jaar'; choose another with --sheet NAME"
    )
    assert f"note: {note}" in stdout and note in manifest(out)["notes"]
    assert set(ranked(out)) == {"near", "far"}
    code, _, stderr, out = run(path, "--sheet", "vorig jaar")
    assert code == 0, stderr
    assert set(ranked(out)) == {"old"}
    code, _, stderr, _ = run(path, "--sheet", "2024")
    assert code == 2
    assert "has no sheet '2024' (--sheet); its sheets: 'Lookup', 'Aanvragen', 'Vorig jaar'" in (
        stderr
    )


@pytest.mark.slow
def test_no_raw_gdal_warning_reaches_the_user_even_with_quiet(tmp_path, one_area, no_regions):
    """A real process: what reaches stderr is what a user sees."""
    path = two_layer_farms(tmp_path / "farms.gpkg")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "vbr.cli", "run", "--farms", path, "--natura", one_area,
         "--regions", no_regions, "--out", out, "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""
    assert any("bevat 3 lagen" in n for n in manifest(out)["notes"])  # Dutch by default


def test_gdal_warnings_become_plain_notes():
    def record(message: str, filename: str) -> warnings.WarningMessage:
        return warnings.WarningMessage(UserWarning(message), UserWarning, filename, 1)

    pyogrio = "/venv/site-packages/pyogrio/geopandas.py"
    notes = _plain_warnings(
        [
            record("More than one layer found in 'x.gml': 'a' (default), 'b'. Specify layer "
                   "parameter to avoid this warning.", pyogrio),
            record("Measured (M) geometry types are not supported. Original type 'Measured "
                   "Point' is converted to 'Point'", pyogrio),
            record("Value 'abc' of field n parsed incompletely to integer 0.", pyogrio),
        ],
        Path("x.gml"),
        layer_option="--layer",
    )  # fmt: skip
    assert notes[0] == (
        "x.gml: holds more than one layer; read 'a', the file's first; choose another with "
        "--layer NAME"
    )
    assert notes[1] == "x.gml: its geometries carry measure (M) values; vbr does not use them"
    assert notes[2].startswith("x.gml: the GIS library reported while reading it:")
    assert not any("Specify layer parameter" in n for n in notes)
    with pytest.warns(UserWarning, match="elsewhere"):  # not ours: passed on as it was
        assert (
            _plain_warnings(
                [record("elsewhere", "/src/other.py")], Path("x.gpkg"), layer_option="--layer"
            )
            == []
        )


# --- 7. messages for people ---------------------------------------------------------------------


GDAL_WORDING = ("<DRIVER>", "It might help", "sqlite3_prepare", "SHAPE_RESTORE_SHX", "DataSource")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("farms.geojson", b"hello world, not json", "its content is not GeoJSON"),
        ("farms.gpkg", b"a,b\n1,2\n", "its content is not GeoPackage"),
        ("farms.gpkg", b"SQLite format 3\x00" + b"\x00" * 84, "database is damaged"),
        ("farms.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Fea',
         "cut short or damaged at line 1, character"),
    ],
)  # fmt: skip
def test_unreadable_spatial_files_are_explained_without_gdal_wording(
    run, tmp_path, name, content, words
):
    path = tmp_path / name
    path.write_bytes(content)
    code, _, stderr, _ = run(path)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: cannot be read as a spatial file")
    assert words in stderr
    assert "export" in stderr  # the fix
    assert not any(w in stderr for w in GDAL_WORDING), stderr


def test_missing_fields_message_names_what_is_missing_and_the_fix(run, tmp_path):
    path = write_csv(tmp_path / "farms.csv", ["locatie", "x", "y", "kg"], [["a", *NEAR, 1]])
    code, _, stderr, _ = run(path)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: no column gives farm_id, nh3_kg, subsidy_eur")
    assert "the columns found: 'locatie', 'x', 'y', 'kg'" in stderr
    assert "--columns farm_id=COLUMN,nh3_kg=COLUMN,subsidy_eur=COLUMN" in stderr
    assert "  - subsidy_eur (the subsidy asked or offered, euro); or animal counts" in stderr


def test_one_coordinate_column_names_the_missing_one(run, tmp_path):
    path = write_csv(tmp_path / "farms.csv", ["farm_id", "x_rd", "nh3_kg", "subsidy_eur"], [
        ["a", NEAR[0], 1, 1],
    ])  # fmt: skip
    code, _, stderr, _ = run(path)
    assert code == 2
    assert "has a column for x ('x_rd') but none for y" in stderr
    assert "--columns y=COLUMN" in stderr


def test_no_location_lists_the_columns_and_the_mapping(run, tmp_path):
    header = ["farm_id", "oost", "noord", "nh3_kg", "subsidy_eur"]
    path = write_csv(tmp_path / "farms.csv", header, [["a", *NEAR, 1, 1]])
    code, _, stderr, _ = run(path)
    assert code == 2
    assert "'oost', 'noord'" in stderr and "--columns x=COLUMN,y=COLUMN" in stderr
    code, _, stderr, out = run(path, "--columns", "x=oost,y=noord")
    assert code == 0, stderr
    assert np.isclose(float(ranked(out)["a"]["distance_m"]), 300)


# --- real files (../shared/realdata; skipped where absent, never copied into the project) ------

IGO = REALDATA / "farms" / "geonovius_igo_veehouderijen_nabij_n2000.gpkg"
GRID_SHP = REALDATA / "farms" / "stikstof1_gcn2017_nh3_landbouw_5000m.shp"
OVERIJSSEL = REALDATA / "farms" / "geonovius_overijssel_veehouderijen_kdw_hexagons.gpkg"


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.skipif(not IGO.is_file(), reason="../shared/realdata is absent on this machine")
def test_real_igo_file_stops_until_its_location_id_is_named(vbr, tmp_path):
    """Its `id` is a database row number and `vthobject_id` the location id: vbr used to take
    `id` silently; now it stops and proposes the mapping, and with it ranks."""
    out = tmp_path / "out"
    code, _, stderr = vbr("run", "--farms", IGO, "--out", out, "--no-budget", "--quiet")
    assert code == 2
    # Dutch, the default language
    assert stderr.startswith(f"vbr: fout: {IGO}: één veld kan uit meer dan één kolom komen")
    assert "  - farm_id: 'vthobject_id' of 'id'" in stderr
    assert "--columns farm_id=vthobject_id" in stderr
    assert not out.exists()
    code, stdout, stderr = vbr(
        "run", "--farms", IGO, "--out", out, "--no-budget", "--columns", "farm_id=vthobject_id",
        "--lang", "en",
    )  # fmt: skip
    assert code == 0, stderr
    farms = manifest(out)["columns"]["farms"]
    assert farms["farm_id"] == {"column": "vthobject_id", "found_by": "--columns"}
    assert farms["nh3_kg"] == {"column": "nh3_emissie", "found_by": "alias"}
    assert farms["x"] == {"made": "geometry"} and farms["subsidy_eur"] == {"made": "estimate"}
    assert (
        "columns of the farm file: farm_id=vthobject_id, location: geometry, "
        "nh3_kg=nh3_emissie, subsidy_eur: estimate" in stdout.splitlines()
    )
    ids = [r["farm_id"] for r in read_rows(out / "ranking.csv")]
    # location ids (ODV..., 5175PB74), never the database row numbers 1, 7, 26 of `id`
    assert not any(i.isdigit() for i in ids)
    assert sum(i.startswith("OD") for i in ids) > len(ids) / 2


@pytest.mark.realdata
@pytest.mark.skipif(not GRID_SHP.is_file(), reason="../shared/realdata is absent on this machine")
def test_real_gridded_emission_shapefile_says_what_is_missing_and_the_fix(vbr, tmp_path):
    """RIVM's gridded NH3 emissions are no farm file: no subsidy, NH3 in `kg/j`."""
    out = tmp_path / "out"
    code, _, stderr = vbr("run", "--farms", GRID_SHP, "--out", out, "--quiet")
    assert code == 2
    first = stderr.splitlines()[0]  # in the run's language, Dutch by default
    assert first.startswith(f"vbr: fout: {GRID_SHP}: geen kolom geeft nh3_kg, subsidy_eur;")
    assert "'kg/j'" in first and "--columns nh3_kg=COLUMN,subsidy_eur=COLUMN" in first
    code, _, stderr = vbr(
        "run", "--farms", GRID_SHP, "--out", out, "--quiet", "--columns", "nh3_kg=kg/j",
        "--lang", "en",
    )  # fmt: skip
    assert code == 2
    assert stderr.startswith(f"vbr: error: {GRID_SHP}: no column gives subsidy_eur;")
    assert "  - subsidy_eur (the subsidy asked or offered, euro); or animal counts" in stderr
    assert not out.exists()


@pytest.mark.realdata
@pytest.mark.skipif(not OVERIJSSEL.is_file(), reason="../shared/realdata is absent on this machine")
def test_real_two_layer_geopackage_reads_the_farm_layer_and_says_so(tmp_path):
    table = load_farms(OVERIJSSEL)
    assert table.n_read == 78
    assert table.sources["farm_id"] == FieldSource(column="VTHOBJECT_ID", found_by="alias")
    assert table.sources["nh3_kg"] == FieldSource(column="NH3_emissie", found_by="alias")
    assert any(
        "holds 2 layers; read 'veehouderijen_van_overijssel__od_externgeo_veehouderijen_"
        "overijssel' (the first layer of points); not read: 'situation_1__receptor_hexagons' "
        "(polygons)" in n
        for n in table.notes
    )


def test_geopackage_table_without_geometry_reads_its_coordinate_columns(tmp_path):
    path = tmp_path / "aanvragen.gpkg"
    frame = pd.DataFrame({"farm_id": ["a"], "x": [NEAR[0]], "y": [NEAR[1]], "nh3_kg": [10],
                          "subsidy_eur": [5]})  # fmt: skip
    pyogrio.write_dataframe(frame, path, driver="GPKG", layer="aanvragen")
    table = load_farms(path)
    assert len(table.farms) == 1
    assert table.sources["x"] == FieldSource(column="x", found_by="name")


def test_layer_or_sheet_for_an_imaer_file_exits_2(tmp_path):
    gml = Path(__file__).parent / "data" / "imaer5_two_stables.gml"
    with pytest.raises(InputError, match="is an AERIUS IMAER file, which vbr reads whole") as info:
        load_farms(gml, sheet="x")
    assert info.value.source == "--sheet"
