"""The deposition options end to end: --exceedance, --rank-by eur_per_mol, --scenarios."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from vbr.cli import main
from vbr.core.ranking import rank_farms
from vbr.io.crs import RD_NEW

pytestmark = pytest.mark.slow  # every test runs vbr with a deposition raster

# Two Natura 2000 areas side by side; the raster says only the west half of area 1 and
# nothing of area 2 is overloaded.
AREA1 = shapely.box(100_000, 400_000, 102_000, 402_000)
AREA2 = shapely.box(110_000, 400_000, 112_000, 402_000)

FARMS = [
    # farm_id, x, y, nh3_kg, subsidy_eur
    ("west", 99_500, 401_000, 1_000, 1_000_000),  # 500 m from the overloaded half: priority
    ("east", 102_600, 401_000, 1_000, 900_000),  # 600 m from area 1, 2,600 m from the zone
    ("near2", 109_500, 401_000, 1_000, 800_000),  # 500 m from area 2 (not overloaded by raster)
    ("far", 130_000, 401_000, 4_000, 2_000_000),  # 29 km from the zone: no impact
    ("mid", 96_000, 401_000, 2_000, 2_000_000),
]


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    farms = tmp_path / "farms.csv"
    with open(farms, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "note"])
        for row in FARMS:
            w.writerow([*row, f"n-{row[0]}"])
    natura = tmp_path / "natura.geojson"
    gpd.GeoDataFrame(
        {"nr": [1, 2], "name": ["Een", "Twee"], "overloaded": [True, True]},
        geometry=[AREA1, AREA2],
        crs=RD_NEW,
    ).to_file(natura, driver="GeoJSON")
    values = np.full((20, 140), -10.0)
    values[:, :10] = 50.0  # x 100,000..101,000 overloaded
    asc = tmp_path / "exceedance.asc"
    header = (
        "ncols 140\nnrows 20\nxllcorner 100000\nyllcorner 400000\ncellsize 100\nNODATA_value -999\n"
    )
    asc.write_text(header + "\n".join(" ".join(f"{v:g}" for v in r) for r in values) + "\n")
    tif = tmp_path / "exceedance.tif"
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        height=20,
        width=140,
        count=1,
        dtype="float64",
        crs="EPSG:28992",
        transform=from_origin(100_000, 402_000, 100, 100),
    ) as dst:
        dst.write(values, 1)
    return {"farms": farms, "natura": natura, "asc": asc, "tif": tif, "tmp": tmp_path}


def run(inputs, *extra: str, out: str = "out") -> tuple[int, Path]:
    target = inputs["tmp"] / out
    code = main(
        [
            "run",
            "--farms",
            str(inputs["farms"]),
            "--natura",
            str(inputs["natura"]),
            "--out",
            str(target),
            "--budget",
            "3000000",
            "--quiet",
            *extra,
        ]
    )
    return code, target


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_exceedance_zones_replace_whole_areas_and_priority_changes_are_listed(inputs):
    code, out = run(inputs, "--exceedance", str(inputs["tif"]))
    assert code == 0
    table = read(out / "ranking.csv")
    priority = dict(zip(table["farm_id"], table["priority"], strict=True))
    assert priority == {
        "west": "true",
        "east": "false",
        "near2": "false",
        "far": "false",
        "mid": "false",
    }
    distance = dict(zip(table["farm_id"], table["distance_m"].astype(float), strict=True))
    assert distance["east"] == pytest.approx(1_600.0)
    changes = read(out / "priority_changes.csv")
    assert changes["farm_id"].tolist() == ["east", "near2"]
    assert changes["change"].tolist() == ["loses", "loses"]
    zones = gpd.read_file(out / "ranking.gpkg", layer="overloaded_zones")
    assert zones.area.sum() == pytest.approx(1_000 * 2_000)
    assert "overloaded_zones" in pyogrio.list_layers(out / "ranking.gpkg")[:, 0]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["exceedance"]["priority_lost"] == 2
    assert manifest["deposition_kernel"]["cutoff_m"] == 25_000


def test_impact_columns_follow_cumulative_eur_and_farms_out_of_reach_get_none(inputs):
    code, out = run(inputs, "--exceedance", str(inputs["tif"]))
    assert code == 0
    table = read(out / "ranking.csv")
    columns = list(table.columns)
    at = columns.index("cumulative_eur")
    assert columns[at + 1 : at + 4] == ["funded_by", "impact_mol", "eur_per_mol"]
    assert columns.index("note") > at + 2  # carried-through columns come after
    rows = table.set_index("farm_id")
    assert rows.loc["far", "impact_mol"] == "0"
    assert rows.loc["far", "eur_per_mol"] == ""
    west, east = float(rows.loc["west", "impact_mol"]), float(rows.loc["east", "impact_mol"])
    assert west > east > 0
    assert float(rows.loc["west", "eur_per_mol"]) == pytest.approx(1_000_000 / west)


def test_rank_by_eur_per_mol_orders_by_euro_per_mol_after_the_priority_group(inputs):
    code, out = run(inputs, "--exceedance", str(inputs["tif"]), "--rank-by", "eur_per_mol")
    assert code == 0
    table = read(out / "ranking.csv")
    assert table["farm_id"].iloc[0] == "west"  # priority first
    rest = table.iloc[1:]
    per_mol = rest["eur_per_mol"].replace("", "inf").astype(float).to_numpy()
    assert np.all(np.diff(per_mol) >= 0)
    assert rest["farm_id"].iloc[-1] == "far"  # no impact: last


def test_ascii_grid_needs_exceedance_crs_and_then_gives_the_same_ranking(inputs):
    code, _ = run(inputs, "--exceedance", str(inputs["asc"]), out="a")
    assert code == 2
    code_asc, out_asc = run(
        inputs, "--exceedance", str(inputs["asc"]), "--exceedance-crs", "28992", out="b"
    )
    code_tif, out_tif = run(inputs, "--exceedance", str(inputs["tif"]), out="c")
    assert code_asc == code_tif == 0
    assert (out_asc / "ranking.csv").read_bytes() == (out_tif / "ranking.csv").read_bytes()


def test_rank_by_eur_per_mol_without_a_raster_is_a_usage_error(inputs, capsys):
    code, out = run(inputs, "--rank-by", "eur_per_mol")
    assert code == 2
    assert "--exceedance" in capsys.readouterr().err
    assert not out.exists()


def test_runs_without_deposition_options_have_no_deposition_outputs(inputs):
    code, out = run(inputs)
    assert code == 0
    table = read(out / "ranking.csv")
    assert "impact_mol" not in table.columns and "eur_per_mol" not in table.columns
    assert not (out / "priority_changes.csv").exists()
    assert "exceedance" not in json.loads((out / "manifest.json").read_text())


def test_scenarios_write_cost_curves_thresholds_and_the_knapsack_benchmark(inputs):
    code, out = run(inputs, "--exceedance", str(inputs["tif"]), "--scenarios")
    assert code == 0
    folder = out / "scenarios"
    assert "NOT nested" in (folder / "README.txt").read_text()
    curve = read(folder / "national" / "cost_curve.csv")
    assert set(curve["ranking"]) == {"rule eur_per_kg", "rule eur_per_mol"}
    assert (folder / "national" / "cost_curve.png").read_bytes()[:4] == b"\x89PNG"
    thresholds = read(folder / "national" / "thresholds.csv")
    assert thresholds["threshold_m"].tolist() == ["250", "500", "1000", "1500", "2000"]
    budgets = read(folder / "budgets.csv")
    budgets = budgets[budgets["budget"] == "national"].set_index("selection")
    rule = float(budgets.loc["rule eur_per_kg", "nh3_kg"])
    best = float(budgets.loc["best nh3_kg", "nh3_kg"])
    assert best >= rule
    assert float(budgets.loc["best nh3_kg", "used_eur"]) <= 3_000_000
    assert budgets.loc["best nh3_kg", "optimal"] == "true"
    manifest = json.loads((out / "manifest.json").read_text())
    assert "scenarios/budgets.csv" in manifest["outputs"]


def test_rank_farms_ties_on_eur_per_mol_fall_back_to_eur_per_kg():
    farms = pd.DataFrame(
        {
            "farm_id": ["a", "b", "c", "d"],
            "distance_m": [5_000.0, 5_000.0, 5_000.0, 500.0],
            "nh3_kg": [100.0, 200.0, 100.0, 100.0],
            "subsidy_eur": [1_000.0, 1_000.0, 500.0, 9_000.0],
            "impact_mol": [10.0, 10.0, 0.0, 1.0],
        }
    )
    ranked, _ = rank_farms(farms, threshold_m=1_000.0, rank_by="eur_per_mol")
    # d: priority; a and b tie at 100 EUR/mol, b is cheaper per kg; c has no impact: last
    assert ranked["farm_id"].tolist() == ["d", "b", "a", "c"]
    by_kg, _ = rank_farms(farms, threshold_m=1_000.0)
    assert by_kg["farm_id"].tolist() == ["d", "b", "c", "a"]  # b, c: 5 EUR/kg, b emits more


def test_maps_show_the_exceedance_raster_inline_only_when_one_is_given(inputs):
    code, out = run(inputs, "--exceedance", str(inputs["tif"]), out="with")
    assert code == 0
    # the region maps, and the national overview map (its page data names the picture)
    maps = sorted(p for p in out.glob("*/map.html") if p.parent.name != "national")
    assert maps
    for path in [*maps, out / "national" / "map.html"]:
        html = path.read_text(encoding="utf-8")
        assert "Depositie boven de KDW (overschrijdingskaart)" in html  # the layer, in Dutch
        picture = '"deposition":{"url":"data:image/png;base64,'
        assert (picture if path.parent.name == "national" else 'L.imageOverlay("data:') in html
    code, out = run(inputs, out="without")
    assert code == 0
    for path in sorted(out.glob("*/map.html")):
        html = path.read_text(encoding="utf-8")
        assert 'L.imageOverlay("data:' not in html and '"deposition":{' not in html
        assert "overschrijdingskaart" not in html


def test_verify_repeats_a_run_with_a_raster_and_euro_per_mol(inputs, capsys):
    code, out = run(
        inputs, "--exceedance", str(inputs["tif"]), "--rank-by", "eur_per_mol", "--scenarios"
    )
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rerun"]["rank_by"] == "eur_per_mol"
    assert "scenarios/budgets.csv" in manifest["outputs"]
    assert "exceedance" in manifest["inputs"]
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0, capsys.readouterr()
