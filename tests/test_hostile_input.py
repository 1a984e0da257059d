"""Hostile and broken input through the real command line: every file gets exit 2 with a message
that names the file and the problem, or its bad rows are rejected with a reason. Never a
traceback, never exit 1, never a RuntimeWarning, never a changed file outside ``--out``.

Every case asserts the exit status, the message (or the rejection reasons) and the row
accounting: after exit 0, rows read = rows in ``ranking.csv`` + rows in ``rejected.csv`` (and
the manifest's counts agree); after exit 2, no output folder at all. Every case runs in its own
temporary folder, and the ``run`` fixture checks that nothing in it but ``--out`` changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pytest
from shapely.geometry import MultiPoint, Point, Polygon

import vbr.cli
from conftest import (
    X0,
    Y0,
    cover_section,
    read_rows,
    square,
    write_csv,
    write_natura,
    write_regions,
)

# numpy, pandas and shapely must not warn about floating point on any hostile input: every
# value out of range is a rejected row (the console script hides such warnings besides)
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
NEAR, FAR = (X0 - 300, Y0 + 500), (X0 + 2500, Y0 + 500)  # 300 m and 1,500 m from area 57


def good_rows() -> list[list[object]]:
    return [["near", *NEAR, 1000, 500_000], ["far", *FAR, 2000, 900_000]]


def snapshot(folder: Path, *, skip: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` but ``skip``, with a hash of each file."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        found[str(path.relative_to(folder))] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        )
    return found


@pytest.fixture
def run(run_small, tmp_path):
    """Run ``vbr run`` on a farm file (and maybe other Natura or regions files); assert no
    traceback, exit 0 or 2, nothing changed in the test's folder outside ``--out``, and no
    output folder after exit 2. In English (``--lang en``): the tests read the reasons' content
    in the language vbr's readers write them (tests/test_console_language.py: the Dutch)."""

    def _run(farms: Path, *extra: object, natura: Path | None = None, regions: Path | None = None):
        out = tmp_path / "out"
        before = snapshot(tmp_path, skip=out)
        code, _stdout, stderr, out = run_small(
            farms, "--quiet", "--lang", "en", *extra, natura=natura, regions=regions, out=out
        )
        assert code in (0, 2), stderr
        assert snapshot(tmp_path, skip=out) == before, "a file outside --out changed"
        if code == 2:
            assert not out.exists(), "a failed run left an output folder"
        return code, stderr, out

    return _run


def accounted(out: Path) -> dict[str, int]:
    """Assert that no row is lost: rows read = rows ranked + rows rejected, in the lists and in
    the manifest alike; return the manifest's counts."""
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    ranked, rejected = read_rows(out / "ranking.csv"), read_rows(out / "rejected.csv")
    assert (counts["ranked"], counts["rejected"]) == (len(ranked), len(rejected))
    assert counts["read"] == len(ranked) + len(rejected)
    return counts


def manifest_notes(out: Path) -> list[str]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]


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


def empty_xlsx_bytes(tmp_path: Path) -> bytes:
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    return (tmp_path / "empty.xlsx").read_bytes()


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
    # issue 19 point 7: files renamed to .csv say what they are, not "NUL bytes"
    "XLSX renamed .csv": (
        "farms.csv",
        lambda t: xlsx_bytes(t),
        "looks like an Excel workbook (.xlsx, a zip file), not a CSV text file; rename it to .xlsx",
    ),
    "old XLS renamed .csv": (
        "farms.csv",
        lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
        "looks like an old Excel .xls workbook",
    ),
    "GeoPackage renamed .csv": (
        "farms.csv",
        lambda t: gpkg_bytes(t),
        "looks like a GeoPackage (an SQLite database), not a CSV text file; rename it to .gpkg",
    ),
    # issue 19 point 6: a line over the limit stops the reading at that line
    "a line of 2 MB": (
        "farms.csv",
        lambda t: b"farm_id,x,y,nh3_kg,subsidy_eur\na,1,2,3,4\nb," + b"x" * 2_000_000 + b",1\n",
        "line 3 is longer than 1,000,000 bytes",
    ),
    "3 MB without a line end": (
        "farms.csv",
        lambda t: b"farm_id," + b"y" * 3_000_000,
        "line 1 is longer than 1,000,000 bytes",
    ),
    "a 2 MB line in UTF-16": (
        "farms.csv",
        lambda t: ("farm_id,x,y,nh3_kg,subsidy_eur\r\n" + "z" * 600_000 + "\r\n").encode("utf-16"),
        "line 2 is longer than 1,000,000 bytes",
    ),
    "header with an unnamed column": (
        "farms.csv",
        lambda t: b"farm_id,,x,y,nh3_kg,subsidy_eur\r\na,1,180000,460000,1,1\r\n",
        "column(s) 2 have no name",
    ),
    "names equal once trimmed": (
        "farms.csv",
        lambda t: b"farm_id,x, x ,y,nh3_kg,subsidy_eur\r\na,1,1,460000,1,1\r\n",
        "duplicate column name(s): 'x'",
    ),
    "no farm_id column": (
        "farms.csv",
        lambda t: b"id_of_farm,x,y,nh3_kg,subsidy_eur\r\na,180000,460000,1,1\r\n",
        "no column gives farm_id",
    ),
    "no location columns": (
        "farms.csv",
        lambda t: b"farm_id,nh3_kg,subsidy_eur\r\na,1,1\r\n",
        "has no location",
    ),
    "only x, no y": (
        "farms.csv",
        lambda t: b"farm_id,x,nh3_kg,subsidy_eur\r\na,180000,1,1\r\n",
        "has a column for x ('x') but none for y; give both",
    ),
    "unknown file type": ("farms.dat", lambda t: b"farm_id\r\na\r\n", "unknown file type '.dat'"),
    "old Excel .xls name": ("farms.xls", lambda t: b"anything", "old Excel .xls is not supported"),
    "XLSX with an empty first sheet": ("farms.xlsx", lambda t: empty_xlsx_bytes(t), "is empty"),
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


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le", "utf-8-sig", "utf-8"])
def test_csv_in_any_common_encoding_reads_the_same_names(encoding, run, tmp_path):
    rows = [["boëlaan-1", *NEAR, 1000, 500_000, "Café €"], ["Groß", *FAR, 2000, 900_000, "ĳ"]]
    if encoding == "cp1252":
        rows[1][-1] = "naïef"  # cp1252 has no ĳ
    path = write_csv(tmp_path / "farms.csv", [*HEADER, "note"], rows, encoding=encoding)
    code, stderr, out = run(path)
    assert code == 0, stderr
    assert accounted(out)["read"] == 2
    got = {r["farm_id"]: r["note"] for r in read_rows(out / "ranking.csv")}
    assert got == {r[0]: r[-1] for r in rows}
    expected = {"utf-16-le": "utf-16-le", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["farms_read_as"]["encoding"] == expected.get(encoding, encoding)


# --- bad values: rows rejected with a reason, the rest ranked -----------------------------------


@pytest.mark.slow
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
    assert accounted(out)["read"] == 8
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


@pytest.mark.slow
def test_thousands_separators_in_a_dutch_csv(run, tmp_path):
    rows = [["a", *NEAR, "1.234", "1.234.567,89"], ["b", *FAR, "2.000,5", "900.000"]]
    path = write_csv(tmp_path / "farms.csv", HEADER, rows, delimiter=";")
    code, _, out = run(path)
    assert code == 0
    counts = accounted(out)
    assert (counts["read"], counts["rejected"]) == (2, 0)
    got = {r["farm_id"]: (r["nh3_kg"], r["subsidy_eur"]) for r in read_rows(out / "ranking.csv")}
    assert got == {"a": ("1234", "1234567.89"), "b": ("2000.5", "900000")}


@pytest.mark.slow
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
    assert accounted(out)["read"] == 4
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


@pytest.mark.slow
def test_hundred_thousand_character_cells_pass_whole_to_the_csv(run, tmp_path):
    long = "x" * 100_000
    rows = [[long, *NEAR, 1000, 500_000, long], ["b", *FAR, long, 1, "short"]]
    path = write_csv(tmp_path / "farms.csv", [*HEADER, "note"], rows)
    code, _, out = run(path)
    assert code == 0
    assert accounted(out)["read"] == 2
    ranked = read_rows(out / "ranking.csv")
    assert [(r["farm_id"], r["note"]) for r in ranked] == [(long, long)]
    assert rejected_reasons(out) == {"b": f"nh3_kg not a number ('{'x' * 40}...')"}
    workbook = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True)
    cells = next(workbook["Netherlands"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert len(cells[1]) == 32_767  # Excel's cell limit; the CSV has the whole value
    # the workbook says so on its cover, as the manifest does
    notes = [value for _, value in cover_section(out / "ranking.xlsx", "section_notes", "en")]
    assert any("cut to Excel's 32,767 characters" in n for n in notes)
    assert notes == json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]


@pytest.mark.slow
def test_swapped_lat_lon_is_rejected_with_a_hint(run, tmp_path):
    rows = [["swapped", 52.1, 5.6, 1000, 5], ["right", 5.6, 52.1, 1000, 5]]
    path = write_csv(
        tmp_path / "farms.csv", ["farm_id", "lon", "lat", "nh3_kg", "subsidy_eur"], rows
    )
    code, _, out = run(path)
    assert code == 0
    assert accounted(out)["read"] == 2
    reason = rejected_reasons(out)["swapped"]
    assert reason.startswith("location outside the Netherlands")
    assert reason.endswith(
        "; with lon and lat swapped it lies in the Netherlands: are they swapped?"
    )
    assert ranked_ids(out) == ["right"]


@pytest.mark.slow
def test_degrees_declared_as_rd_are_rejected_with_a_hint(run, tmp_path):
    rows = [["degrees", 5.6, 52.1, 1000, 5], ["metres", *NEAR, 1000, 5]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows))
    assert code == 0
    assert accounted(out)["read"] == 2
    assert rejected_reasons(out) == {
        "degrees": "location outside the Netherlands (6, 52 in EPSG:28992); these look like "
        "degrees: use lon/lat columns or --farms-crs 4326"
    }


@pytest.mark.slow
def test_metres_declared_as_degrees_are_rejected_saying_so(run, tmp_path):
    rows = [["metres", *NEAR, 1000, 5], ["d1", 5.6, 52.1, 1000, 5], ["d2", 5.7, 52.2, 1000, 5]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows), "--farms-crs", "4326")
    assert code == 0
    assert accounted(out)["read"] == 3
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


@pytest.mark.slow
def test_one_geojson_farm_in_metres_among_degrees_is_rejected_saying_so(run, tmp_path):
    points = [("a", NEAR), ("b", (5.6, 52.1)), ("c", (5.7, 52.2))]
    code, _, out = run(geojson_points(tmp_path / "farms.geojson", points))
    assert code == 0
    assert accounted(out)["read"] == 3
    assert "without a `crs` member counts as WGS84" in rejected_reasons(out)["a"]


# --- Natura 2000 files ----------------------------------------------------------------------------


@pytest.fixture
def farms_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "farms.csv", HEADER, good_rows())


@pytest.mark.slow
def test_self_intersecting_area_is_repaired_and_counted(run, tmp_path, farms_csv):
    bowtie = Polygon([(X0, Y0), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0), (X0, Y0 + 1000)])
    natura = write_natura(tmp_path / "bow.geojson", [(57, "Veluwe", bowtie, True)])
    code, _, out = run(farms_csv, natura=natura)
    assert code == 0
    assert accounted(out)["read"] == 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["repaired"] == 1
    # the repaired bow tie still covers both triangles: "near" lies 300 m west of its left one
    rows = {r["farm_id"]: r for r in read_rows(out / "ranking.csv")}
    assert rows["near"]["distance_m"] == "300"
    assert rows["near"]["priority"] == "true"


@pytest.mark.slow
def test_zero_area_polygon_is_left_out_and_noted(run, tmp_path, farms_csv):
    flat = Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)])
    natura = write_natura(
        tmp_path / "n.geojson",
        [(57, "Veluwe", square(X0, Y0, 1000), True), (58, "Flat", flat, True)],
    )
    code, _, out = run(farms_csv, natura=natura)
    assert code == 0
    assert accounted(out)["read"] == 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["natura2000_dropped"] == 1
    assert manifest["counts"]["repaired"] == 0
    assert "1 Natura 2000 feature without area was left out" in manifest["notes"]


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


# --- money: exact and bounded (issue 19 point 2) ---------------------------------------------


def six_offers(first: object) -> list[list[object]]:
    return [["a", *NEAR, 1000, first]] + [
        [f"f{k}", FAR[0] + 100 * k, FAR[1], 2000, 100_000 * k] for k in range(1, 6)
    ]


@pytest.mark.slow
def test_an_offer_of_1e20_is_rejected_and_the_budget_is_never_exceeded(run, tmp_path):
    path = write_csv(tmp_path / "farms.csv", HEADER, six_offers("1e20"))
    code, _, out = run(path, "--budget", "1000000")
    assert code == 0
    counts = accounted(out)
    assert (counts["read"], counts["rejected"]) == (6, 1)
    assert rejected_reasons(out) == {
        "a": "subsidy_eur above the ceiling of EUR 1,000,000,000,000 per farm (got '1e20')"
    }
    budget = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["budgets"][0]
    assert 0 <= budget["used_eur"] <= 1_000_000
    chosen = [r for r in read_rows(out / "ranking.csv") if r["selected"] == "true"]
    assert sum(float(r["subsidy_eur"]) for r in chosen) <= 1_000_000
    # 100k + 200k + 300k + 400k fill the EUR 1 M exactly; 500k does not fit
    assert [r["farm_id"] for r in chosen] == ["f1", "f2", "f3", "f4"]


@pytest.mark.slow
def test_an_offer_at_the_ceiling_is_ranked_and_one_euro_more_is_rejected(run, tmp_path):
    rows = [["top", *NEAR, 1000, "1000000000000"], ["over", *FAR, 1000, "1000000000001"]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows))
    assert code == 0
    assert accounted(out)["read"] == 2
    assert ranked_ids(out) == ["top"]
    assert rejected_reasons(out)["over"].startswith("subsidy_eur above the ceiling of EUR")


@pytest.mark.slow
@pytest.mark.parametrize("budget", ["1e17", "1e13"])
def test_budget_above_the_ceiling_exits_2_and_at_it_selects_all_that_fit(run, tmp_path, budget):
    path = write_csv(tmp_path / "farms.csv", HEADER, six_offers(1000)[:3])
    code, stderr, out = run(path, "--budget", budget)
    if budget == "1e17":
        assert code == 2
        assert stderr.startswith("vbr: error: --budget: must be an amount from 0 to EUR")
        assert "EUR 10,000,000,000,000" in stderr
        return
    assert code == 0
    assert accounted(out)["read"] == 3
    assert all(r["selected"] == "true" for r in read_rows(out / "ranking.csv"))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            ["huge-ratio", *NEAR, "1e-300", "1e12"],
            "eur_per_kg = subsidy_eur / nh3_kg is not a finite number (1e+12 / 1e-300); "
            "is nh3_kg in kg a year?",
        ),
        (
            ["huge-subsidy", *NEAR, "0.001", "1e307"],
            "subsidy_eur above the ceiling of EUR 1,000,000,000,000 per farm (got '1e307')",
        ),
        (
            ["huge-nh3", *NEAR, "1e308", "2000"],
            "nh3_kg above the ceiling of 1,000,000,000,000 kg a year (got '1e308')",
        ),
        (["negative-subsidy", *NEAR, "10", "-5"], "subsidy_eur must be >= 0 (got '-5')"),
        (["zero-nh3", *NEAR, "0", "5"], "nh3_kg must be > 0 (got '0')"),
        (["words", *NEAR, "veel", "5"], "nh3_kg not a number ('veel')"),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else "",
)
@pytest.mark.slow
def test_values_out_of_range_reject_their_row_and_the_maps_still_work(run, tmp_path, row, reason):
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, [row, *good_rows()]))
    assert code == 0
    assert accounted(out)["read"] == 3
    assert rejected_reasons(out) == {row[0]: reason}
    assert (out / "index.html").exists()


def test_a_tiny_emission_gives_a_huge_but_finite_eur_per_kg_that_every_output_shows(run, tmp_path):
    rows = [["tiny", *NEAR, "1e-200", "1"], *good_rows()]
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, rows))
    assert code == 0
    counts = accounted(out)
    assert (counts["read"], counts["rejected"]) == (3, 0)
    tiny = next(r for r in read_rows(out / "ranking.csv") if r["farm_id"] == "tiny")
    assert tiny["eur_per_kg"] == "1e+200"
    assert "euro/kg" in tiny["reason"]
    assert (out / "elders" / "map.html").exists() and (out / "index.html").exists()


ANIMAL_HEADER = ["farm_id", "x", "y", "A1.100", "stable_m2"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            ["counts-1e308", *NEAR, "1e308", ""],
            "nh3_kg computed from the animal counts is above the ceiling of "
            "1,000,000,000,000 kg a year (inf); check the counts",
        ),
        (
            ["counts-1e11", *NEAR, "1e11", ""],
            "nh3_kg computed from the animal counts is above the ceiling of "
            "1,000,000,000,000 kg a year (1.3e+12); check the counts",
        ),
        (
            ["stable-1e300", *NEAR, "100", "1e300"],
            "estimated subsidy_eur is not a finite amount within the ceiling of EUR "
            "1,000,000,000,000 per farm",
        ),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else "",
)
@pytest.mark.slow
def test_animal_counts_and_estimates_that_overflow_reject_their_row(run, tmp_path, row, reason):
    rows = [row, ["fine", *FAR, "100", ""]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", ANIMAL_HEADER, rows))
    assert code == 0
    assert accounted(out)["read"] == 2
    assert rejected_reasons(out)[row[0]].startswith(reason)
    assert ranked_ids(out) == ["fine"]
    estimates = read_rows(out / "subsidy_estimates.csv")
    assert [r["farm_id"] for r in estimates] == ["fine"]  # no rejected farm in the estimates


@pytest.mark.slow
def test_given_nh3_with_animal_counts_that_overflow_is_rejected(run, tmp_path):
    header = [*HEADER, "A1.100"]
    rows = [["both", *NEAR, 100, 1000, "1e306"], ["ok", *FAR, 100, 1000, "10"]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", header, rows))
    assert code == 0
    assert accounted(out)["read"] == 2
    assert rejected_reasons(out)["both"].startswith("nh3_kg computed from the animal counts")
    assert [r["farm_id"] for r in read_rows(out / "nh3_check.csv")] == ["ok"]


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("[budget]\nnational_eur = 1e17\n", "budget.national_eur: must be an amount from 0 to EUR"),
        (
            '[budget]\nnational_eur = 1\n[[budget.regional]]\nregions = ["Elders"]\neur = 1e14\n',
            "budget.regional[1]: must be an amount from 0 to EUR",
        ),
        ("[subsidy]\nphosphate_eur_per_kg = 1e300\n", "subsidy.phosphate_eur_per_kg: must be"),
        ("[rules]\nthreshold_m = 1e9\n", "rules.threshold_m: threshold must be a finite number"),
        ("[deposition]\ncutoff_m = 1e9\n", "deposition.cutoff_m: must be a finite number > 0"),
        ("[rules]\nthreshold_m = 'far'\n", "threshold must be a number of metres, got 'far'"),
        ("[rules\n", "not a valid UTF-8 TOML file"),
        ("[rules]\nthreshhold_m = 5\n", "unknown key rules.threshhold_m"),
    ],
    ids=["national", "regional", "price", "threshold", "cutoff", "words", "not-toml", "typo"],
)
def test_config_values_that_cannot_be_used_exit_2_naming_the_key(run, tmp_path, toml, words):
    config = tmp_path / "config.toml"
    config.write_text(toml, encoding="utf-8")
    code, stderr, _ = run(
        write_csv(tmp_path / "farms.csv", HEADER, good_rows()), "--config", config
    )
    assert code == 2
    assert stderr.startswith(f"vbr: error: {config}")
    assert words in stderr


@pytest.mark.parametrize("value", ["1e308", "-1", "100001", "nan"])
def test_threshold_out_of_range_exits_2_naming_the_option(run, tmp_path, value):
    code, stderr, _ = run(
        write_csv(tmp_path / "farms.csv", HEADER, good_rows()), "--threshold-m", value
    )
    assert code == 2
    assert "--threshold-m" in stderr
    assert "0<=x<=100000" in stderr or "from 0 to 100,000" in stderr


# --- column names the outputs use themselves (issue 19 point 5) ------------------------------


@pytest.mark.parametrize(
    ("columns", "renamed"),
    [
        (["fid"], {"fid": "input_fid"}),
        (["FID"], {"FID": "input_FID"}),
        (["geom"], {"geom": "input_geom"}),
        (["Geometry"], {"Geometry": "input_Geometry"}),
        (["Rank"], {"Rank": "input_Rank"}),
        (["Name", "NAME"], {"Name": "Name", "NAME": "input_NAME"}),
        (
            ["Reason", "input_reason"],
            {"Reason": "input_Reason", "input_reason": "input_input_reason"},
        ),
    ],
    ids=["fid", "FID", "geom", "Geometry", "Rank", "Name+NAME", "Reason+input_reason"],
)
@pytest.mark.slow
def test_carried_columns_that_collide_are_renamed_in_every_output(run, tmp_path, columns, renamed):
    header = [*columns, *HEADER]
    rows = [[f"{c}-{k}" for c in columns] + r for k, r in enumerate(good_rows())]
    code, _, out = run(write_csv(tmp_path / "farms.csv", header, rows))
    assert code == 0
    assert accounted(out)["read"] == 2
    ranking = read_rows(out / "ranking.csv")
    for old, new in renamed.items():
        assert {r[new] for r in ranking} == {f"{old}-0", f"{old}-1"}
    layer = pyogrio.read_dataframe(out / "ranking.gpkg", layer="farms")
    assert all(new in layer.columns for new in renamed.values())
    if any(old != new for old, new in renamed.items()):
        note = next(n for n in manifest_notes(out) if "renamed in the outputs" in n)
        assert all(f"{old!r} -> {new!r}" in note for old, new in renamed.items() if old != new)
    workbook = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True)
    header_row = next(workbook["Netherlands"].iter_rows(max_row=1, values_only=True))
    assert all(new in header_row for new in renamed.values())


@pytest.mark.slow
def test_a_qgis_csv_export_with_fid_ranks_and_writes_the_geopackage(run, tmp_path):
    header = ["fid", "farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
    rows = [[k + 1, *r] for k, r in enumerate(good_rows())]
    code, _, out = run(write_csv(tmp_path / "export.csv", header, rows))
    assert code == 0
    assert accounted(out)["read"] == 2
    layer = pyogrio.read_dataframe(out / "ranking.gpkg", layer="farms", fid_as_index=True)
    assert sorted(layer["input_fid"]) == ["1", "2"]


# --- regions: long, reserved, colliding, empty names; sheet names ----------------------------


def regions_named(tmp_path: Path, names: list[str], *, name: str = "regions.gpkg") -> Path:
    return write_regions(
        tmp_path / name, [(n, square(X0 - 5000, Y0 - 5000, 20_000)) for n in names]
    )


@pytest.mark.slow
def test_a_region_name_of_300_characters_gets_a_short_folder_with_a_stable_hash(run, tmp_path):
    long = "Gebied " + "met een heel lange naam " * 12 + "einde"
    regions = regions_named(tmp_path, [long[:300]])
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, good_rows()), regions=regions)
    assert code == 0
    assert accounted(out)["read"] == 2
    folder = next(p for p in out.iterdir() if p.is_dir())
    digest = hashlib.sha256(long[:300].encode("utf-8")).hexdigest()[:8]
    assert folder.name == "gebied-met-een-heel-lange-naam-met-een-heel-lange-n-" + digest
    assert len(folder.name) <= 60
    assert len(read_rows(folder / "ranking.csv")) == 2
    assert (folder / "map.html").exists()


def test_region_names_that_make_the_same_folder_exit_2_naming_both(run, tmp_path):
    regions = regions_named(tmp_path, ["Groene Hart", "groene-hart"])
    code, stderr, _ = run(write_csv(tmp_path / "farms.csv", HEADER, good_rows()), regions=regions)
    assert code == 2
    assert f"{regions}: region names must be present and give distinct folder names" in stderr
    assert "'Groene Hart' and 'groene-hart' both make the folder name 'groene-hart'" in stderr


@pytest.mark.slow
def test_regions_named_like_the_folders_vbr_uses_get_a_suffix_and_a_note(run, tmp_path):
    regions = regions_named(tmp_path, ["National", "Scenarios"])
    path = write_csv(tmp_path / "farms.csv", HEADER, good_rows())
    code, _, out = run(path, "--scenarios", regions=regions)
    assert code == 0
    assert accounted(out)["read"] == 2
    assert (out / "national-region" / "ranking.csv").exists()
    assert (out / "scenarios-region" / "ranking.csv").exists()
    assert (out / "scenarios" / "national" / "cost_curve.csv").exists()
    assert any("'National' -> 'national-region'" in n for n in manifest_notes(out))


@pytest.mark.slow
def test_a_region_without_geometry_is_noted_not_silently_dropped(run, tmp_path):
    regions = tmp_path / "regions.geojson"
    features = [
        {"type": "Feature", "properties": {"name": "Leeg"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"name": "Veluwe"},
            "geometry": json.loads(gpd.GeoSeries([square(X0 - 5000, Y0 - 5000, 20_000)]).to_json())[
                "features"
            ][0]["geometry"],
        },
    ]
    regions.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
                "features": features,
            }
        )
    )
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, good_rows()), regions=regions)
    assert code == 0
    assert accounted(out)["read"] == 2
    assert (
        "1 region without a geometry with area left out (no farm can lie in it): "
        "row 1 ('Leeg')" in manifest_notes(out)
    )
    assert not (out / "leeg").exists()


@pytest.mark.slow
def test_sheet_names_excel_forbids_are_made_safe_and_noted(run, tmp_path):
    names = [
        "Afgewezen (rejected)",
        "History",
        "'Peel'",
        "a[b]:c*d?e/f\\g",
        "Een naam van meer dan eenendertig tekens lang",
        "NEDERLAND",
    ]
    regions = regions_named(tmp_path, names)
    # the Dutch sheet names are the ones regions could collide with
    code, _, out = run(
        write_csv(tmp_path / "farms.csv", HEADER, good_rows()), "--lang", "nl", regions=regions
    )
    assert code == 0
    assert accounted(out)["read"] == 2
    sheets = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True).sheetnames
    assert sheets == [
        "Toelichting",
        "Nederland",
        "Afgewezen (rejected) (2)",
        "History (2)",
        "Peel",
        "a_b__c_d_e_f_g",
        "Een naam van meer dan eenendert",
        "NEDERLAND (2)",
        "Afgewezen (rejected)",
        "Besluiten (decisions)",
    ]
    rejected_sheet = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True)[
        "Afgewezen (rejected)"
    ]
    assert next(rejected_sheet.iter_rows(max_row=1, values_only=True))[:2] == (
        "Id veehouderij",
        "Reden",
    )
    # said in the run's language (Dutch), in the manifest and on the workbook's cover alike
    note = next(n for n in manifest_notes(out) if n.startswith("6 werkbladnamen aangepast"))
    assert "'History' -> 'History (2)'" in note and "\"'Peel'\" -> 'Peel'" in note
    assert note in [value for _, value in cover_section(out / "ranking.xlsx", "section_notes")]


# --- sizes (issue 19 point 6) ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["csv", "xlsx", "gpkg"])
def test_a_file_over_the_row_limit_needs_large(run, tmp_path, monkeypatch, kind):
    monkeypatch.setattr("vbr.io.farms.MAX_ROWS", 2)
    rows = [*good_rows(), ["third", FAR[0] + 50, FAR[1], 10, 10]]
    if kind == "csv":
        path = write_csv(tmp_path / "farms.csv", HEADER, rows)
    elif kind == "xlsx":
        path = tmp_path / "farms.xlsx"
        wb = openpyxl.Workbook()
        for r in [HEADER, *rows]:
            wb.active.append(r)
        wb.save(path)
    else:
        path = tmp_path / "farms.gpkg"
        gpd.GeoDataFrame(
            {
                "farm_id": [r[0] for r in rows],
                "nh3_kg": [r[3] for r in rows],
                "subsidy_eur": [r[4] for r in rows],
            },
            geometry=[Point(r[1], r[2]) for r in rows],
            crs="EPSG:28992",
        ).to_file(path)
    code, stderr, _ = run(path)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: holds ")
    assert "more than vbr reads without --large (2 rows); give --large to read it" in stderr
    code, _, out = run(path, "--large")
    assert code == 0
    assert accounted(out)["read"] == 3


def test_an_input_that_needs_more_memory_than_is_free_stops_early(run, tmp_path, monkeypatch):
    monkeypatch.setattr("vbr.io.tables.BYTES_PER_ROW", 10**9)
    monkeypatch.setattr("vbr.io.tables.available_memory", lambda: 2 * 10**9)
    path = write_csv(tmp_path / "farms.csv", HEADER, good_rows() * 2)
    code, stderr, _ = run(path)
    assert code == 2
    assert f"{path}: holds about 4 rows: a run needs about 4.0 GB of memory" in stderr
    assert "2.0 GB free" in stderr


@pytest.mark.slow
def test_rejected_csv_keeps_at_most_1000_characters_of_a_cell(run, tmp_path):
    long = "L" * 100_000
    rows = [
        ["bad", *NEAR, "not-a-number", 5, long],
        ["x" * 5000, *FAR, 0, 5, "short"],
        *good_rows(),
    ]
    code, _, out = run(write_csv(tmp_path / "farms.csv", [*HEADER, "note"], rows))
    assert code == 0
    assert accounted(out)["read"] == 4
    by_id = {r["farm_id"][:3]: r for r in read_rows(out / "rejected.csv")}
    cell = by_id["bad"]["note"]
    assert len(cell) <= 1000
    assert cell.startswith("L" * 900)
    assert cell.endswith(" [... cut: 100,000 characters in the input]")
    assert len(by_id["xxx"]["farm_id"]) <= 1000
    assert by_id["xxx"]["farm_id"].endswith("[... cut: 5,000 characters in the input]")
    assert any(
        n.startswith("rejected.csv: 3 cells longer than 1,000 characters")
        for n in manifest_notes(out)
    )


# --- the smaller holes (issue 19 point 7) ------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_not_reported_as_empty(run, tmp_path):
    fifo = tmp_path / "farms.csv"
    os.mkfifo(fifo)
    code, stderr, _ = run(fifo)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {fifo}: is a named pipe (FIFO), not a regular file")


def test_a_device_is_not_a_farm_file(run, tmp_path):
    code, stderr, _ = run(Path("/dev/null"))
    assert code == 2
    assert "vbr: error: /dev/null: is a device or socket, not a regular file" in stderr


def test_a_geojson_feature_over_gdals_size_limit_names_the_limit_and_the_fix(
    run, tmp_path, farms_csv
):
    angles = np.linspace(0, 2 * np.pi, 60_000, endpoint=False)
    ring = np.c_[X0 + 500 + 400 * np.cos(angles), Y0 + 500 + 400 * np.sin(angles)]
    natura = write_natura(tmp_path / "big.geojson", [(57, "Veluwe", Polygon(ring), True)])
    assert natura.stat().st_size > 1_100_000
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": "1"})  # MB; GDAL's default is more
    try:
        code, stderr, _ = run(farms_csv, natura=natura)
    finally:
        pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": None})
    assert code == 2
    assert f"{natura}: holds a GeoJSON feature larger than GDAL reads by default" in stderr
    assert "OGR_GEOJSON_MAX_OBJ_SIZE" in stderr and "GeoPackage" in stderr


@pytest.mark.slow
def test_scenario_and_estimate_lists_neutralise_formula_like_farm_ids(run, tmp_path):
    rows = [
        ['=HYPERLINK("x")', *NEAR, "100", ""],
        ["@SUM(1)", *FAR, "50", ""],
        ["-2+3", *FAR[::-1], "1", ""],
    ]
    rows[2][1:3] = [FAR[0] + 30, FAR[1]]
    code, _, out = run(write_csv(tmp_path / "farms.csv", ANIMAL_HEADER, rows), "--scenarios")
    assert code == 0
    assert accounted(out)["read"] == 3
    curve = read_rows(out / "scenarios" / "national" / "cost_curve.csv")
    assert {r["farm_id"] for r in curve} == {'\'=HYPERLINK("x")', "'@SUM(1)", "'-2+3"}
    estimates = read_rows(out / "subsidy_estimates.csv")
    assert {r["farm_id"] for r in estimates} == {'\'=HYPERLINK("x")', "'@SUM(1)", "'-2+3"}
    assert all(not r["estimate_eur"].startswith("'") for r in estimates)
    # the machine list keeps the id exactly as read
    assert {r["farm_id"] for r in read_rows(out / "ranking.csv")} == {r[0] for r in rows}


def test_the_console_script_hides_runtime_warnings(monkeypatch, capsys):
    def noisy_main():
        warnings.warn("overflow encountered in multiply", RuntimeWarning, stacklevel=1)
        return 0

    def leave(code: int):  # the console script leaves with os._exit (no teardown)
        raise SystemExit(code)

    monkeypatch.setattr(vbr.cli, "main", noisy_main)
    monkeypatch.setattr(vbr.cli.os, "_exit", leave)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(SystemExit) as stop:
            vbr.cli.entry()
        assert stop.value.code == 0
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert "RuntimeWarning" not in capsys.readouterr().err


# --- more broken rows and files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["", *NEAR, 10, 5], "farm_id missing"),
        (["   ", *NEAR, 10, 5], "farm_id missing"),
        (["poly", "abc", NEAR[1], 10, 5], f"coordinate not a number (x='abc', y='{NEAR[1]}')"),
        (["nowhere", "", "", 10, 5], "coordinate missing"),
        (["abroad", 500_000, 900_000, 10, 5], "location outside the Netherlands (500000, 900000"),
        (["extra", *NEAR, 10, 5, "surplus"], "row has 6 fields, the header has 5"),
        (["sub-words", *NEAR, 10, "een miljoen"], "subsidy_eur not a number ('een miljoen')"),
    ],
    ids=[
        "empty-id",
        "blank-id",
        "x-text",
        "no-coordinates",
        "abroad",
        "too-many-fields",
        "subsidy-words",
    ],
)
@pytest.mark.slow
def test_a_broken_row_is_rejected_with_its_reason_and_the_rest_ranked(run, tmp_path, row, reason):
    code, _, out = run(write_csv(tmp_path / "farms.csv", HEADER, [*good_rows(), row]))
    assert code == 0
    assert accounted(out)["read"] == 3
    reasons = [r["reason"] for r in read_rows(out / "rejected.csv")]
    assert len(reasons) == 1 and reasons[0].startswith(reason), reasons
    assert sorted(ranked_ids(out)) == ["far", "near"]


def test_spatial_farms_that_are_not_single_points_are_rejected_saying_what_they_are(run, tmp_path):
    path = tmp_path / "farms.gpkg"
    gpd.GeoDataFrame(
        {"farm_id": ["pt", "poly", "multi"], "nh3_kg": [10, 10, 10], "subsidy_eur": [5, 5, 5]},
        geometry=[Point(*NEAR), square(*FAR, 10), MultiPoint([NEAR, FAR])],
        crs="EPSG:28992",
    ).to_file(path)
    code, _, out = run(path, "--max-rejected", "70")  # 2 of 3 rows rejected
    assert code == 0
    assert accounted(out)["read"] == 3
    assert rejected_reasons(out) == {
        "poly": "geometry is a Polygon, not a point",
        "multi": "geometry is a multipoint of 2 points, not one point",
    }


@pytest.mark.parametrize(
    ("what", "words"),
    [
        ("missing", "file not found"),
        ("folder", "is a folder, not a file"),
    ],
)
def test_a_farm_path_that_is_no_file_exits_2(run, tmp_path, what, words):
    path = tmp_path / "farms.csv"
    if what == "folder":
        path.mkdir()
    code, stderr, _ = run(path)
    assert code == 2
    assert stderr.startswith(f"vbr: error: {path}: {words}")


def test_a_natura_file_of_points_exits_2(run, tmp_path, farms_csv):
    natura = tmp_path / "points.gpkg"
    gpd.GeoDataFrame(
        {"nr": [57], "overloaded": [True]}, geometry=[Point(X0, Y0)], crs="EPSG:28992"
    ).to_file(natura)
    code, stderr, _ = run(farms_csv, natura=natura)
    assert code == 2
    assert f"{natura}: Natura 2000 areas must be polygons; these rows are not" in stderr


def test_regions_without_a_name_column_exit_2(run, tmp_path, farms_csv):
    regions = tmp_path / "regions.gpkg"
    gpd.GeoDataFrame({"code": ["A"]}, geometry=[square(X0, Y0, 100)], crs="EPSG:28992").to_file(
        regions
    )
    code, stderr, _ = run(farms_csv, regions=regions)
    assert code == 2
    assert f"{regions}: no column gives name" in stderr


def test_an_unknown_farms_crs_exits_2(run, farms_csv):
    code, stderr, _ = run(farms_csv, "--farms-crs", "EPSG:999999")
    assert code == 2
    assert "--farms-crs" in stderr
