"""`vbr run` end to end: outputs named by the contract, exit codes, nothing lost, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from openpyxl import load_workbook

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
from maps_inputs import default_run_once
from vbr.cli import main
from vbr.locale import t
from vbr.writers.tables import HEADED_COLUMNS, LEAD_COLUMNS

OUTPUTS = ["ranking.csv", "rejected.csv", "ranking.xlsx", "ranking.gpkg", "manifest.json"]


def lists_of(out: Path) -> dict[str, bytes]:
    """Every CSV list a run wrote, by relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.csv"))}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> Path:
    """The output folder of the test session's one run on the default data (the same run as
    `vbr run --out DIR`: tests/test_notes.py compares the two)."""
    return default_run_once(tmp_path_factory)[1]


@pytest.fixture
def small(tmp_path):
    """A small scene: one overloaded square, two overlapping regions, six farms (one bad)."""
    natura = write_natura(
        tmp_path / "n2k.gpkg",
        [
            (57, "Veluwe", square(X0, Y0, 1000), True),
            (110, "Strijen", square(X0, Y0 + 9000, 500), False),
        ],
    )
    regions = write_regions(
        tmp_path / "regions.geojson",
        [
            ("Peel", square(X0 - 5000, Y0 - 5000, 8000)),
            ("Groene Hart", square(X0, Y0 - 5000, 20000)),
        ],
    )
    farms = write_csv(
        tmp_path / "farms.csv",
        ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "eigenaar"],
        [
            ["in", X0 + 500, Y0 + 500, 1000, 600_000, "A"],
            ["edge", X0 + 1999, Y0 + 500, 2000, 900_000, "B"],
            ["far-cheap", X0 + 9000, Y0, 3000, 300_000, "C"],
            ["far-dear", X0 + 9000, Y0 + 100, 1000, 800_000, "D"],
            ["west", X0 - 4000, Y0, 1000, 100_000, "E"],
            ["bad", X0, Y0, "-3", 1, "F"],
        ],
    )
    return {"farms": farms, "natura": natura, "regions": regions, "tmp": tmp_path}


def run_small(vbr, small, *extra):
    out = small["tmp"] / "out"
    code, stdout, stderr = vbr(
        "run", "--farms", small["farms"], "--natura", small["natura"], "--regions",
        small["regions"], "--out", out, *extra,
    )  # fmt: skip
    return code, stdout, stderr, out


# --- the default run -------------------------------------------------------------------------


@pytest.mark.slow
def test_default_run_writes_every_contract_output(default_run):
    for name in OUTPUTS:
        assert (default_run / name).is_file(), name
    for slug in ("veluwe", "peel", "rotterdam", "eindhoven", "groene-hart"):
        assert (default_run / slug / "ranking.csv").is_file(), slug


def test_default_run_loses_no_row(default_run):
    manifest = json.loads((default_run / "manifest.json").read_text())
    ranked = read_rows(default_run / "ranking.csv")
    rejected = read_rows(default_run / "rejected.csv")
    counts = manifest["counts"]
    assert counts["read"] == len(ranked) + len(rejected) == 25_000
    assert counts["ranked"] == len(ranked)
    assert counts["rejected"] == len(rejected) > 0
    assert all(r["reason"] for r in rejected)


def test_default_ranking_columns_and_order_follow_the_contract(default_run):
    rows = read_rows(default_run / "ranking.csv")
    header = (default_run / "ranking.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[: len(LEAD_COLUMNS)] == LEAD_COLUMNS
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r["priority"] for r in rows} == {"true", "false"}
    prio = [r for r in rows if r["priority"] == "true"]
    assert rows[: len(prio)] == prio
    assert all(float(r["distance_m"]) <= 1000 for r in prio)
    rest = rows[len(prio) :]
    keys = [(float(r["eur_per_kg"]), -float(r["nh3_kg"]), r["farm_id"]) for r in rest]
    assert keys == sorted(keys)
    cumulative = [float(r["cumulative_eur"]) for r in rows]
    assert cumulative == sorted(cumulative)
    # every pot's money at most: national 1,125 M, Veluwe en Peel 600 M, the other three 242 M
    assert cumulative[-1] <= 1_125_000_000 + 600_000_000 + 242_000_000
    national = sum(float(r["subsidy_eur"]) for r in rows if r["funded_by"] == "national")
    assert national <= 1_125_000_000


def test_region_lists_keep_national_order_and_give_national_rank(default_run):
    national = {r["farm_id"]: int(r["rank"]) for r in read_rows(default_run / "ranking.csv")}
    rows = read_rows(default_run / "peel" / "ranking.csv")
    header = (default_run / "peel" / "ranking.csv").read_text().splitlines()[0].split(",")
    assert header[:2] == ["rank", "national_rank"]
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    ranks = [int(r["national_rank"]) for r in rows]
    assert ranks == sorted(ranks)
    assert all(national[r["farm_id"]] == int(r["national_rank"]) for r in rows)
    assert all("Peel" in r["regions"].split(";") for r in rows)


def test_farms_in_overlapping_regions_are_in_both_lists(default_run):
    peel = {r["farm_id"] for r in read_rows(default_run / "peel" / "ranking.csv")}
    eindhoven = {r["farm_id"] for r in read_rows(default_run / "eindhoven" / "ranking.csv")}
    both = peel & eindhoven
    assert both
    national = {r["farm_id"]: r["regions"] for r in read_rows(default_run / "ranking.csv")}
    assert all(set(national[f].split(";")) >= {"Peel", "Eindhoven"} for f in both)


def test_workbook_has_a_sheet_for_the_notes_the_nation_every_region_and_the_rejected(
    default_run,
):
    wb = load_workbook(default_run / "ranking.xlsx", read_only=True)
    assert wb.sheetnames == [
        "Toelichting", "Nederland", "Veluwe", "Peel", "Rotterdam", "Eindhoven", "Groene Hart",
        "Afgewezen (rejected)", "Besluiten (decisions)",
    ]  # fmt: skip
    # the default run has no notes; the cover says so
    assert cover_section(default_run / "ranking.xlsx", "section_notes") == [
        ("", "Geen opmerkingen bij deze run.")
    ]
    ws = wb["Nederland"]
    header, first = list(ws.iter_rows(min_row=1, max_row=2, values_only=True))
    csv_first = read_rows(default_run / "ranking.csv")[0]
    # headers in Dutch words; the status in words after the id
    names = {t(f"columns.{c}", "nl"): c for c in HEADED_COLUMNS}
    columns = [names.get(h, h) for h in header]
    assert columns[: len(LEAD_COLUMNS) + 1] == [*LEAD_COLUMNS[:2], "status_text", *LEAD_COLUMNS[2:]]
    assert header[5] == "Afstand tot overbelast N2000-gebied (m)"
    row = dict(zip(columns, first, strict=True))
    assert row["status_text"] == "Voorrang · geselecteerd"
    assert row["rank"] == 1
    assert row["farm_id"] == csv_first["farm_id"]
    assert row["priority"] == ("ja" if csv_first["priority"] == "true" else "nee")  # Dutch words
    assert row["distance_m"] == pytest.approx(float(csv_first["distance_m"]))
    rejected = list(wb["Afgewezen (rejected)"].iter_rows(values_only=True))
    assert len(rejected) - 1 == len(read_rows(default_run / "rejected.csv"))
    assert "onbekend" in {v for r in rejected for v in r}


def test_geopackage_has_the_three_layers_in_rd_new(default_run):
    layers = {name for name, _ in pyogrio.list_layers(default_run / "ranking.gpkg")}
    assert layers == {"farms", "overloaded_natura2000", "priority_zone"}
    farms = gpd.read_file(default_run / "ranking.gpkg", layer="farms")
    assert farms.crs.to_epsg() == 28992
    assert len(farms) == len(read_rows(default_run / "ranking.csv"))
    zone = gpd.read_file(default_run / "ranking.gpkg", layer="priority_zone")
    prio = farms[farms["priority"].astype(bool)]
    assert zone.geometry.iloc[0].buffer(1).contains(prio.geometry).all()


def test_manifest_records_version_parameters_inputs_and_output_hashes(default_run):
    import hashlib

    manifest = json.loads((default_run / "manifest.json").read_text())
    assert manifest["tool"] == "vbr"
    assert manifest["version"]
    assert manifest["parameters"]["threshold_m"] == 1000
    assert manifest["parameters"]["budget_eur"] == 1_125_000_000
    farms_input = manifest["inputs"]["farms"]
    assert (
        farms_input["sha256"] == hashlib.sha256(Path(farms_input["path"]).read_bytes()).hexdigest()
    )
    digest = hashlib.sha256((default_run / "ranking.csv").read_bytes()).hexdigest()
    assert manifest["outputs"]["ranking.csv"] == digest
    assert set(manifest["counts"]) >= {"read", "ranked", "rejected", "repaired"}


@pytest.mark.slow
def test_two_runs_give_byte_identical_lists(default_run, tmp_path):
    again = tmp_path / "again"
    assert main(["run", "--out", str(again), "--quiet"]) == 0
    assert lists_of(again) == lists_of(default_run)


# --- small scenes ----------------------------------------------------------------------------


@pytest.mark.slow
def test_small_run_ranks_priority_first_and_rejects_the_bad_row(vbr, small):
    code, stdout, _, out = run_small(vbr, small)
    assert code == 0
    assert "1 afgewezen" in stdout  # the console speaks Dutch by default
    rows = read_rows(out / "ranking.csv")
    # priority by euro per kg (no submitted_at): edge 450, in 600; then far-cheap and west at
    # 100 euro/kg (far-cheap emits more), far-dear 800
    assert [r["farm_id"] for r in rows] == ["edge", "in", "far-cheap", "west", "far-dear"]
    assert [r["priority"] for r in rows] == ["true", "true", "false", "false", "false"]
    assert rows[0]["distance_m"] == "999"
    assert rows[1]["distance_m"] == "0"
    assert rows[1]["regions"] == "Peel;Groene Hart"
    assert rows[1]["eigenaar"] == "A"
    (bad,) = read_rows(out / "rejected.csv")
    assert bad["farm_id"] == "bad"
    assert bad["reason"] == "nh3_kg moet > 0 zijn (gelezen: '-3')"  # Dutch by default


@pytest.mark.slow
def test_budget_skip_and_stop_select_as_the_contract_walks(vbr, small):
    # the national pot alone: the contract's walk down the national order
    code, _, _, out = run_small(vbr, small, "--budget", 1_600_000, "--only-national")
    assert code == 0
    rows = read_rows(out / "ranking.csv")
    # 900k + 600k = 1.5M; far-cheap 300k does not fit; west 100k does (skip)
    assert [r["selected"] for r in rows] == ["true", "true", "false", "true", "false"]
    assert [r["cumulative_eur"] for r in rows] == [
        "900000",
        "1500000",
        "1500000",
        "1600000",
        "1600000",
    ]
    code, _, _, out = run_small(
        vbr, small, "--budget", 1_600_000, "--budget-policy", "stop", "--only-national"
    )
    rows = read_rows(out / "ranking.csv")
    assert [r["selected"] for r in rows] == ["true", "true", "false", "false", "false"]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["--no-budget", "config without budget"])
def test_without_a_budget_selected_and_cumulative_are_empty(vbr, small, tmp_path, how):
    if how == "--no-budget":
        extra = ["--no-budget"]
    else:
        config = tmp_path / "nobudget.toml"
        config.write_text("[rules]\nthreshold_m = 1000\n[budget]\n")
        extra = ["--config", config]
    code, stdout, stderr, out = run_small(vbr, small, *extra)
    assert code == 0, stderr
    assert "geen budget: gerangschikt zonder te selecteren" in stdout
    rows = read_rows(out / "ranking.csv")
    assert {r["selected"] for r in rows} == {""}
    assert {r["cumulative_eur"] for r in rows} == {""}
    assert {r["selected"] for r in read_rows(out / "peel" / "ranking.csv")} == {""}


@pytest.mark.slow
def test_threshold_option_moves_the_strip(vbr, small):
    code, _, _, out = run_small(vbr, small, "--threshold-m", 998.5)
    assert code == 0
    rows = {r["farm_id"]: r["priority"] for r in read_rows(out / "ranking.csv")}
    assert rows["edge"] == "false"


@pytest.mark.slow
def test_region_slug_names_the_folder(vbr, small):
    _, _, _, out = run_small(vbr, small)
    assert (out / "groene-hart" / "ranking.csv").is_file()
    assert {r["farm_id"] for r in read_rows(out / "peel" / "ranking.csv")} == {"in", "edge", "west"}


def test_missing_column_exits_2_naming_file_and_column(vbr, small, tmp_path):
    farms = write_csv(tmp_path / "nosub.csv", ["farm_id", "x", "y", "nh3_kg"], [["a", X0, Y0, 1]])
    out = tmp_path / "fail"
    code, _, stderr = vbr("run", "--farms", farms, "--natura", small["natura"], "--out", out)
    assert code == 2
    assert "nosub.csv" in stderr and "subsidy_eur" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_missing_file_exits_2(vbr, tmp_path):
    code, _, stderr = vbr("run", "--farms", tmp_path / "nope.csv", "--out", tmp_path / "o")
    assert code == 2
    assert "nope.csv" in stderr


def test_unknown_option_value_exits_2(vbr, tmp_path):
    code, _, stderr = vbr("run", "--budget-policy", "greedy", "--out", tmp_path / "o")
    assert code == 2
    assert "greedy" in stderr


def test_negative_budget_exits_2(vbr, small):
    code, _, stderr, _ = run_small(vbr, small, "--budget", "-5")
    assert code == 2
    assert "budget" in stderr


def test_overloaded_and_all_overloaded_together_exit_2(vbr, small, tmp_path):
    listed = write_csv(tmp_path / "o.csv", ["nr"], [[57]])
    code, _, stderr, _ = run_small(vbr, small, "--overloaded", listed, "--all-overloaded")
    assert code == 2
    assert "--all-overloaded" in stderr


def test_natura_without_crs_exits_2(vbr, small, tmp_path):
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning):
        gpd.GeoDataFrame({"nr": [1], "overloaded": [True]}, geometry=[square(X0, Y0, 10)]).to_file(
            path
        )
    code, _, stderr = vbr(
        "run", "--farms", small["farms"], "--natura", path, "--out", tmp_path / "o"
    )
    assert code == 2
    assert "nocrs.gpkg" in stderr


@pytest.mark.slow
def test_failed_run_leaves_the_previous_outputs_untouched(vbr, small, tmp_path):
    code, _, _, out = run_small(vbr, small)
    assert code == 0
    before = lists_of(out)
    bad = write_csv(tmp_path / "bad.csv", ["farm_id"], [["a"]])
    code, _, _ = vbr("run", "--farms", bad, "--natura", small["natura"], "--out", out)
    assert code == 2
    assert lists_of(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".vbr-tmp")]


@pytest.mark.slow
def test_output_of_a_smaller_rerun_drops_stale_region_folders(vbr, small, tmp_path):
    _, _, _, out = run_small(vbr, small)
    assert (out / "peel").is_dir()
    regions = write_regions(tmp_path / "one.geojson", [("Veluwe", square(X0, Y0, 100))])
    code, _, _ = vbr(
        "run", "--farms", small["farms"], "--natura", small["natura"], "--regions", regions,
        "--out", out, "--quiet",
    )  # fmt: skip
    assert code == 0
    assert (out / "veluwe" / "ranking.csv").is_file()
    assert not (out / "peel").exists()


@pytest.mark.slow
def test_reordered_input_rows_give_identical_lists(vbr, small, tmp_path):
    _, _, _, out = run_small(vbr, small)
    lines = small["farms"].read_text().splitlines(keepends=True)
    small["farms"].write_text(lines[0] + "".join(reversed(lines[1:])))
    out2 = tmp_path / "out2"
    code, _, _ = vbr(
        "run", "--farms", small["farms"], "--natura", small["natura"], "--regions",
        small["regions"], "--out", out2,
    )  # fmt: skip
    assert code == 0
    assert lists_of(out2) == lists_of(out)


def test_help_describes_every_run_option(vbr):
    code, stdout, _ = vbr("run", "--help")
    assert code == 0
    for option in (
        "--farms", "--natura", "--regions", "--out", "--overloaded", "--all-overloaded",
        "--budget", "--budget-policy", "--threshold-m", "--farms-crs", "--config", "--quiet",
    ):  # fmt: skip
        assert option in stdout
    code, stdout, _ = vbr("--help")
    assert code == 0 and "run" in stdout


@pytest.mark.slow
def test_console_script_leaves_with_the_runs_code_and_all_it_printed(tmp_path):
    """The console script leaves without the interpreter's teardown (os._exit): its exit code
    and everything it printed must still come out."""
    import subprocess
    import sys

    missing = subprocess.run(
        [sys.executable, "-m", "vbr.cli", "run", "--farms", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert missing.returncode == 2
    assert "none.csv" in missing.stderr and "bestand niet gevonden" in missing.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "vbr.cli", "run", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0
    assert helped.stdout.startswith("Gebruik: vbr run")
    assert helped.stdout.rstrip().endswith("Toon deze hulp en stop.")
