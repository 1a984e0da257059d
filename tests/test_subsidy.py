"""Subsidy estimate and the Sem alternative, with numbers that can be checked by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from vbr.core.subsidy import estimate_subsidy, rights_region, sem_alternative
from vbr.io.animals import load_emission_factors
from vbr.io.crs import RD_NEW
from vbr.pipeline import compute
from vbr.settings import RunOptions, load_config
from vbr.writers.tables import LEAD_COLUMNS
from vbr.writing import run

CONFIG = load_config()


def frames():
    farms = gpd.GeoDataFrame(
        {"farm_id": ["dairy", "pigs"], "row": [0, 1], "nh3_kg": [1520.0, 3500.0]},
        geometry=[shapely.Point(200000, 480000), shapely.Point(170000, 390000)],
        crs=RD_NEW,
    )
    herd = pd.DataFrame(
        {
            "row": [0, 0, 1],
            "rav_code": ["A1.100", "A3.100", "D3.100"],
            "animals": [100.0, 50.0, 1000.0],
        }
    )
    carried = pd.DataFrame(
        {"bouwjaar": ["2004", ""], "stal_m2": ["", "1200"], "leeftijd_stal": ["", "50"]}
    )
    return farms, herd, carried


def test_estimate_of_a_dairy_and_a_pig_farm_by_hand():
    farms, herd, carried = frames()
    est = estimate_subsidy(
        farms, herd, carried, priority=np.array([False, False]), config=CONFIG.subsidy
    )
    dairy, pigs = est.iloc[0], est.iloc[1]
    # dairy: 100 cows x 10 m2 + 50 young stock x 5 m2 = 1,250 m2 x EUR 801, built 2004: 20 of
    # 40 years written off -> 50%; phosphate 100 x 41 + 50 x 13 = 4,750 kg x EUR 121
    assert dairy["stable_m2"] == 1250
    assert dairy["stable_eur"] == pytest.approx(1250 * 801 * 0.5)
    assert dairy["phosphate_kg"] == 4750
    assert dairy["rights_region"] == "east"
    assert dairy["estimate_eur"] == 1250 * 801 * 0.5 + 4750 * 121
    # pigs: stable 1,200 m2 given x EUR 850, 50 years old -> floor 20%; 1,000 pig rights x
    # EUR 150 (south)
    assert pigs["stable_eur"] == pytest.approx(1200 * 850 * 0.2)
    assert pigs["rights_region"] == "south"
    assert pigs["estimate_eur"] == 1200 * 850 * 0.2 + 1000 * 150


def test_priority_strip_pays_110_percent():
    farms, herd, carried = frames()
    outside = estimate_subsidy(
        farms, herd, carried, priority=np.array([False, False]), config=CONFIG.subsidy
    )
    inside = estimate_subsidy(
        farms, herd, carried, priority=np.array([True, True]), config=CONFIG.subsidy
    )
    assert (
        inside["estimate_eur"].tolist()
        == np.rint(outside["estimate_eur"].to_numpy() * 1.1).tolist()
    )


def test_rights_region_boxes():
    x = np.array([170000.0, 200000.0, 120000.0])
    y = np.array([390000.0, 480000.0, 480000.0])
    assert rights_region(x, y).tolist() == ["south", "east", "elsewhere"]


def test_sem_pays_per_cow_and_phosphate_and_saves_a_fifth_of_the_cattle_nh3():
    farms, herd, _ = frames()
    sem = sem_alternative(farms, herd, load_emission_factors(), config=CONFIG.sem)
    dairy = sem.iloc[0]
    # 20 cows fewer x EUR 1,606 x 3 years + 20% of 4,750 kg phosphate x EUR 110
    assert dairy["sem_eur"] == pytest.approx(20 * 1606 * 3 + 950 * 110)
    assert dairy["sem_nh3_kg"] == pytest.approx(0.2 * 1520)
    assert dairy["sem_eur_per_kg"] == pytest.approx((20 * 1606 * 3 + 950 * 110) / 304)
    assert sem.iloc[1].isna().all()  # no dairy cows, no Sem


def test_config_file_sets_this_years_prices(tmp_path):
    path = tmp_path / "vbr.toml"
    path.write_text(
        "[subsidy]\nphosphate_eur_per_kg = 100\n[subsidy.pig_right_eur]\nsouth = 200\n"
        "[sem]\neur_per_cow_per_year = 1000\n",
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.subsidy.phosphate_eur_per_kg == 100
    assert cfg.subsidy.pig_right_eur == {"south": 200, "east": 31, "elsewhere": 27.5}
    assert cfg.sem.eur_per_cow_per_year == 1000 and cfg.sem.years == 3


def write_inputs(tmp: Path, farms_text: str) -> RunOptions:
    natura = gpd.GeoDataFrame(
        {"nr": [1], "name": ["Testveen"], "overloaded": ["true"]},
        geometry=[shapely.box(199000, 478000, 199500, 479500)],
        crs=RD_NEW,
    )
    natura.to_file(tmp / "n2k.geojson", driver="GeoJSON")
    (tmp / "farms.csv").write_text(farms_text, encoding="utf-8")
    return RunOptions(
        farms=tmp / "farms.csv",
        natura=tmp / "n2k.geojson",
        regions=None,
        out=tmp / "out",
        config=load_config(),
    )


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_herd_file_without_offers_is_ranked_on_estimates_with_sem_columns(tmp_path):
    options = write_inputs(
        tmp_path,
        "farm_id,x,y,A1.100,A3.100,D3.100,bouwjaar\n"
        "near,200000,479000,100,50,,2004\n"
        "far,230000,479000,,,1000,2004\n"
        "empty,231000,479000,,,,\n",
    )
    result = run(options).result
    out = tmp_path / "out"
    rows = {r["farm_id"]: r for r in read_csv(out / "ranking.csv")}
    header = list(rows["near"])
    assert header[: len(LEAD_COLUMNS)] == LEAD_COLUMNS
    i = len(LEAD_COLUMNS)
    assert header[i : i + 5] == [
        "funded_by", "subsidy_source", "sem_eur", "sem_nh3_kg", "sem_eur_per_kg",
    ]  # fmt: skip
    assert rows["near"]["priority"] == "true" and rows["far"]["priority"] == "false"
    assert rows["near"]["subsidy_source"] == "estimate"
    # 1,000 m from the area: inside the strip, so 110% of the dairy estimate (east)
    assert float(rows["near"]["subsidy_eur"]) == np.rint((1250 * 801 * 0.5 + 4750 * 121) * 1.1)
    assert float(rows["near"]["sem_eur"]) == pytest.approx(20 * 1606 * 3 + 950 * 110)
    assert rows["far"]["sem_eur"] == ""
    rejected = read_csv(out / "rejected.csv")
    assert [r["farm_id"] for r in rejected] == ["empty"]
    assert result.n_read == 3 == len(rows) + len(rejected)
    detail = read_csv(out / "subsidy_estimates.csv")
    assert [d["farm_id"] for d in detail] == ["near", "far"]


def test_empty_offer_is_rejected_unless_estimation_is_switched_on(tmp_path):
    text = (
        "farm_id,x,y,subsidy_eur,A1.100\noffer,200000,479000,500000,100\nnone,200100,479000,,100\n"
    )
    options = write_inputs(tmp_path, text)
    result = compute(options)
    assert list(result.ranked["farm_id"]) == ["offer"]
    assert "subsidy_eur ontbreekt" in result.rejected["reason"].iloc[0]  # Dutch by default
    assert "subsidy_source" not in result.ranked

    path = tmp_path / "vbr.toml"
    path.write_text("[subsidy]\nestimate_missing = true\n", encoding="utf-8")
    on = compute(RunOptions(**{**options.__dict__, "config": load_config(path)}))
    sources = dict(zip(on.ranked["farm_id"], on.ranked["subsidy_source"], strict=True))
    assert sources == {"offer": "offer", "none": "estimate"}
    assert on.ranked.set_index("farm_id").loc["offer", "subsidy_eur"] == 500000


def test_plain_input_gets_no_new_columns(tmp_path):
    options = write_inputs(
        tmp_path, "farm_id,x,y,nh3_kg,subsidy_eur,note\na,200000,479000,100,1000,x\n"
    )
    run(options)
    with open(tmp_path / "out" / "ranking.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    # every list now explains its rows (issue 7) and names the pot (issue 20); no subsidy or
    # Sem columns appear
    assert header == [*LEAD_COLUMNS, "funded_by", "reason", "x", "y", "note"]
    assert not (tmp_path / "out" / "subsidy_estimates.csv").exists()
    assert not (tmp_path / "out" / "nh3_check.csv").exists()
