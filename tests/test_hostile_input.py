"""Hostile and broken input through the real command line: every file gets exit 2 with a message
that names the file and the problem, or its bad rows are rejected with a reason. Never a
traceback, never exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import Point, Polygon

from conftest import X0, Y0, read_rows, square, write_csv, write_natura

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
NEAR, FAR = (X0 - 300, Y0 + 500), (X0 + 2500, Y0 + 500)  # 300 m and 1,500 m from area 57


def good_rows() -> list[list[object]]:
    return [["near", *NEAR, 1000, 500_000], ["far", *FAR, 2000, 900_000]]


@pytest.fixture
def run(run_small):
    """Run ``vbr run`` on a farm file (and maybe another Natura file); assert no traceback."""

    def _run(farms: Path, *extra: object, natura: Path | None = None):
        code, _stdout, stderr, out = run_small(farms, "--quiet", *extra, natura=natura)
        assert code in (0, 2), stderr
        return code, stderr, out

    return _run


def rejected_reasons(out: Path) -> dict[str, str]:
    return {r["farm_id"]: r["reason"] for r in read_rows(out / "rejected.csv")}


def ranked_ids(out: Path) -> list[str]:
    return [r["farm_id"] for r in read_rows(out / "ranking.csv")]


# --- whole files that cannot be used: exit 2, message names the file and the problem ----------


def xlsx_bytes(tmp_path: Path) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in good_rows():
        ws.append(row)
    wb.save(tmp_path / "whole.xlsx")
    return (tmp_path / "whole.xlsx").read_bytes()


def gpkg_bytes(tmp_path: Path) -> bytes:
    gpd.GeoDataFrame(
        {"farm_id": ["near"], "nh3_kg": [1000], "subsidy_eur": [500_000]},
        geometry=[Point(*NEAR)],
        crs="EPSG:28992",
    ).to_file(tmp_path / "whole.gpkg")
    return (tmp_path / "whole.gpkg").read_bytes()


UNUSABLE_FARM_FILES = {
    # name: (file name, how to make its bytes, words the message must hold)
    "empty file": ("farms.csv", lambda t: b"", "the file is empty"),
    "only blank lines": ("farms.csv", lambda t: b"\r\n  \r\n\r\n", "holds no header row"),
    "header only": ("farms.csv", lambda t: b"farm_id,x,y,nh3_kg,subsidy_eur\r\n", "no rows"),
    "binary junk with NUL bytes": (
        "farms.csv",
        lambda t: bytes(range(256)) * 40,
        "is not a text file",
    ),
    "binary junk without NUL bytes": (
        "farms.csv",
        lambda t: bytes(range(1, 256)) * 40,
        "is not a text file",
    ),
    "quote never closed": (
        "farms.csv",
        lambda t: b'farm_id,x,y,nh3_kg,subsidy_eur\r\na,1,2,3,4\r\n"b,1,2,3,4\r\nc,1,2,3,4\r\n',
        "at line 3: a quote",
    ),
    "duplicate column names": (
        "farms.csv",
        lambda t: b"farm_id,x,y,nh3_kg,subsidy_eur,x\r\na,180000,460000,1,1,2\r\n",
        "duplicate column name(s): 'x'",
    ),
    "two columns that mean the same": (
        "farms.csv",
        lambda t: b"farm_id,X,x,y,nh3_kg,subsidy_eur\r\na,1,180000,460000,1,1\r\n",
        "x: 'x' or 'X'",
    ),
    "truncated XLSX": ("farms.xlsx", lambda t: xlsx_bytes(t)[:-200], "Excel workbook"),
    "XLSX cut in half": ("farms.xlsx", lambda t: xlsx_bytes(t)[:1500], "Excel workbook"),
    "truncated GeoPackage": (
        "farms.gpkg",
        lambda t: gpkg_bytes(t)[: len(gpkg_bytes(t)) // 2],
        "cannot be read as a spatial file (damaged, cut short",
    ),
    "GeoPackage of 100 bytes": (
        "farms.gpkg",
        lambda t: gpkg_bytes(t)[:100],
        "cannot be read as a spatial file",
    ),
    "truncated GeoJSON": (
        "farms.geojson",
        lambda t: b'{"type": "FeatureCollection", "features": [{"type": "Fea',
        "cannot be read as a spatial file",
    ),
}


@pytest.mark.parametrize("case", UNUSABLE_FARM_FILES, ids=list(UNUSABLE_FARM_FILES))
def test_unusable_farm_file_exits_2_naming_file_and_problem(case, run, tmp_path):
    name, make, words = UNUSABLE_FARM_FILES[case]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    code, stderr, out = run(path)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: ")
    assert words in stderr
    assert not out.exists()


def test_duplicate_column_names_in_xlsx_exit_2(run, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["farm_id", "x", "x", "y", "nh3_kg", "subsidy_eur"])
    wb.active.append(["a", X0, X0, Y0, 1, 1])
    wb.save(tmp_path / "dup.xlsx")
    code, stderr, _ = run(tmp_path / "dup.xlsx")
    assert code == 2
    assert "dup.xlsx" in stderr and "duplicate column name(s): 'x'" in stderr


# --- encodings: the same farms read the same way ------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le", "utf-8-sig", "utf-8"])
def test_csv_in_any_common_encoding_reads_the_same_names(encoding, run, tmp_path):
    rows = [["boëlaan-1", *NEAR, 1000, 500_000, "Café €"], ["Groß", *FAR, 2000, 900_000, "ĳ"]]
    if encoding == "cp1252":
        rows[1][-1] = "naïef"  # cp1252 has no ĳ
    path = write_csv(tmp_path / "farms.csv", [*HEADER, "note"], rows, encoding=encoding)
    code, stderr, out = run(path)
    assert code == 0, stderr
    got = {r["farm_id"]: r["note"] for r in read_rows(out / "ranking.csv")}
    assert got == {r[0]: r[-1] for r in rows}
    expected = {"utf-16-le": "utf-16-le", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["farms_read_as"]["encoding"] == expected.get(encoding, encoding)


# --- bad values: rows rejected with a reason, the rest ranked -----------------------------------


def test_nan_inf_and_overflowing_numbers_are_rejected_with_reasons(run, tmp_path):
    rows = [
        ["nan", *NEAR, "NaN", 1],
        ["inf", *NEAR, "inf", 1],
        ["minus-inf", *NEAR, "-inf", 1],
        ["e400", *NEAR, "1e400", 1],
        ["sub-e400", *NEAR, 10, "1e400"],
        ["x-nan", "nan", NEAR[1], 10, 1],
        ["x-inf", "inf", NEAR[1], 10, 1],
        ["ok", *NEAR, 10, 1],
    ]
    # 7 of 8 rows rejected: more than --max-rejected's default 50 %, so allow them all here
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows), "--max-rejected", 100)
    assert code == 0
    assert rejected_reasons(out) == {
        "nan": "nh3_kg not a number ('NaN')",
        "inf": "nh3_kg not a finite number ('inf')",
        "minus-inf": "nh3_kg not a finite number ('-inf')",
        "e400": "nh3_kg not a finite number ('1e400')",
        "sub-e400": "subsidy_eur not a finite number ('1e400')",
        "x-nan": f"coordinate not a number (x='nan', y='{NEAR[1]}')",
        "x-inf": f"coordinate not a number (x='inf', y='{NEAR[1]}')",
    }
    assert ranked_ids(out) == ["ok"]


def test_thousands_separators_in_a_dutch_csv(run, tmp_path):
    rows = [["a", *NEAR, "1.234", "1.234.567,89"], ["b", *FAR, "2.000,5", "900.000"]]
    path = write_csv(tmp_path / "farms.csv", HEADER, rows, delimiter=";")
    code, _, out = run(path)
    assert code == 0
    got = {r["farm_id"]: (r["nh3_kg"], r["subsidy_eur"]) for r in read_rows(out / "ranking.csv")}
    assert got == {"a": ("1234", "1234567.89"), "b": ("2000.5", "900000")}


def test_out_of_range_submission_times_are_rejected_not_a_crash(run, tmp_path):
    rows = [
        ["far-future", *NEAR, 10, 1, "9999-12-31T23:59:59Z"],
        ["year-one", *NEAR, 10, 1, "0001-01-01"],
        ["no-date", *NEAR, 10, 1, "2024-13-45"],
        ["ok", *NEAR, 10, 1, "2024-03-01T09:00:00+01:00"],
    ]
    path = write_csv(tmp_path / "farms.csv", [*HEADER, "submitted_at"], rows)
    code, _, out = run(path, "--max-rejected", 100)
    assert code == 0
    reasons = rejected_reasons(out)
    assert set(reasons) == {"far-future", "year-one", "no-date"}
    assert (
        reasons["far-future"]
        == "submitted_at outside the years 1678..2261 ('9999-12-31T23:59:59Z')"
    )
    assert reasons["year-one"] == "submitted_at outside the years 1678..2261 ('0001-01-01')"
    assert reasons["no-date"].startswith(
        "submitted_at not a time in an accepted form ('2024-13-45')"
    )
    assert ranked_ids(out) == ["ok"]


def test_hundred_thousand_character_cells_pass_whole_to_the_csv(run, tmp_path):
    long = "x" * 100_000
    rows = [[long, *NEAR, 1000, 500_000, long], ["b", *FAR, long, 1, "short"]]
    path = write_csv(tmp_path / "farms.csv", [*HEADER, "note"], rows)
    code, _, out = run(path)
    assert code == 0
    ranked = read_rows(out / "ranking.csv")
    assert [(r["farm_id"], r["note"]) for r in ranked] == [(long, long)]
    assert rejected_reasons(out) == {"b": f"nh3_kg not a number ('{'x' * 40}...')"}
    workbook = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True)
    cells = next(workbook["Nederland"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert len(cells[1]) == 32_767  # Excel's cell limit; the CSV has the whole value
    # the workbook says so on its first sheet, as the manifest does
    notes = [r[0] for r in workbook["Toelichting"].iter_rows(min_row=2, values_only=True)]
    assert any("cut to Excel's 32,767 characters" in n for n in notes)
    assert notes == json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]


def test_swapped_lat_lon_is_rejected_with_a_hint(run, tmp_path):
    rows = [["swapped", 52.1, 5.6, 1000, 5], ["right", 5.6, 52.1, 1000, 5]]
    path = write_csv(
        tmp_path / "farms.csv", ["farm_id", "lon", "lat", "nh3_kg", "subsidy_eur"], rows
    )
    code, _, out = run(path)
    assert code == 0
    reason = rejected_reasons(out)["swapped"]
    assert reason.startswith("location outside the Netherlands")
    assert reason.endswith(
        "; with lon and lat swapped it lies in the Netherlands: are they swapped?"
    )
    assert ranked_ids(out) == ["right"]


def test_degrees_declared_as_rd_are_rejected_with_a_hint(run, tmp_path):
    rows = [["degrees", 5.6, 52.1, 1000, 5], ["metres", *NEAR, 1000, 5]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows))
    assert code == 0
    assert rejected_reasons(out) == {
        "degrees": "location outside the Netherlands (6, 52 in EPSG:28992); these look like "
        "degrees: use lon/lat columns or --farms-crs 4326"
    }


def test_metres_declared_as_degrees_are_rejected_saying_so(run, tmp_path):
    rows = [["metres", *NEAR, 1000, 5], ["d1", 5.6, 52.1, 1000, 5], ["d2", 5.7, 52.2, 1000, 5]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows), "--farms-crs", "4326")
    assert code == 0
    assert rejected_reasons(out)["metres"].startswith(
        f"location is not longitude/latitude degrees ({NEAR[0]:.0f}, {NEAR[1]:.0f} read as "
        "EPSG:4326)"
    )


def test_metres_declared_as_degrees_for_the_whole_file_stop_the_run(run, tmp_path):
    rows = [["metres", *NEAR, 1000, 5]]
    code, err, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows), "--farms-crs", "4326")
    assert code == 2
    assert "hold RD New metres (EPSG:28992), not longitude/latitude degrees" in err
    assert "drop --farms-crs" in err
    assert not out.exists()


def geojson_points(path: Path, points: list[tuple[str, tuple[float, float]]]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"farm_id": farm_id, "nh3_kg": 1000, "subsidy_eur": 5},
            "geometry": {"type": "Point", "coordinates": list(xy)},
        }
        for farm_id, xy in points
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_geojson_farms_in_metres_without_crs_member_stop_the_run_saying_so(run, tmp_path):
    path = geojson_points(tmp_path / "farms.geojson", [("a", NEAR), ("b", FAR)])
    code, err, out = run(path)
    assert code == 2
    first = err.splitlines()[0]
    assert "farms.geojson" in first and "hold RD New metres (EPSG:28992)" in first
    assert "without a `crs` member is longitude/latitude degrees (RFC 7946)" in first
    assert "urn:ogc:def:crs:EPSG::28992" in first
    assert not out.exists()


def test_one_geojson_farm_in_metres_among_degrees_is_rejected_saying_so(run, tmp_path):
    points = [("a", NEAR), ("b", (5.6, 52.1)), ("c", (5.7, 52.2))]
    code, _, out = run(geojson_points(tmp_path / "farms.geojson", points))
    assert code == 0
    assert "without a `crs` member counts as WGS84" in rejected_reasons(out)["a"]


# --- Natura 2000 files ----------------------------------------------------------------------------


@pytest.fixture
def farms_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "farms.csv", HEADER, good_rows())


def test_self_intersecting_area_is_repaired_and_counted(run, tmp_path, farms_csv):
    bowtie = Polygon([(X0, Y0), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0), (X0, Y0 + 1000)])
    natura = write_natura(tmp_path / "bow.geojson", [(57, "Veluwe", bowtie, True)])
    code, _, out = run(farms_csv, natura=natura)
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["repaired"] == 1
    # the repaired bow tie still covers both triangles: "near" lies 300 m west of its left one
    rows = {r["farm_id"]: r for r in read_rows(out / "ranking.csv")}
    assert rows["near"]["distance_m"] == "300"
    assert rows["near"]["priority"] == "true"


def test_zero_area_polygon_is_left_out_and_noted(run, tmp_path, farms_csv):
    flat = Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)])
    natura = write_natura(
        tmp_path / "n.geojson",
        [(57, "Veluwe", square(X0, Y0, 1000), True), (58, "Flat", flat, True)],
    )
    code, _, out = run(farms_csv, natura=natura)
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["natura2000_dropped"] == 1
    assert manifest["counts"]["repaired"] == 0
    assert "1 Natura 2000 feature(s) without area were left out" in manifest["notes"]


def test_natura_file_of_only_zero_area_polygons_exits_2(run, tmp_path, farms_csv):
    flat = Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)])
    natura = write_natura(tmp_path / "flat.geojson", [(58, "Flat", flat, True)])
    code, stderr, _ = run(farms_csv, natura=natura)
    assert code == 2
    assert f"{natura}: holds no Natura 2000 areas with an area" in stderr


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_natura_geopackage_without_crs_exits_2(run, tmp_path, farms_csv):
    natura = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame(
        {"nr": [57], "overloaded": [True]}, geometry=[square(X0, Y0, 1000)], crs=None
    ).to_file(natura)
    code, stderr, _ = run(farms_csv, natura=natura)
    assert code == 2
    assert f"{natura}: the file declares no coordinate reference system" in stderr


def test_natura_geojson_in_metres_without_crs_member_exits_2(run, tmp_path, farms_csv):
    ring = [[X0, Y0], [X0 + 1000, Y0], [X0 + 1000, Y0 + 1000], [X0, Y0]]
    feature = {
        "type": "Feature",
        "properties": {"nr": 57, "overloaded": True},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    natura = tmp_path / "nocrs.geojson"
    natura.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    code, stderr, _ = run(farms_csv, natura=natura)
    assert code == 2
    assert f"{natura}: the file says its Natura 2000 areas are in EPSG:4326" in stderr
    assert "not degrees" in stderr


def test_truncated_natura_geopackage_exits_2(run, tmp_path, farms_csv):
    whole = write_natura(tmp_path / "n.gpkg", [(57, "Veluwe", square(X0, Y0, 1000), True)])
    cut = tmp_path / "cut.gpkg"
    cut.write_bytes(whole.read_bytes()[:4096])
    code, stderr, _ = run(farms_csv, natura=cut)
    assert code == 2
    assert f"{cut}: cannot be read as a spatial file" in stderr
