"""Tests of the synthetic default data: its generator (tools.default_data) and the committed data/
files."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from realdata import REALDATA
from tools.default_data import DEFAULT_SEED, facts, generate_default_data
from tools.default_data.__main__ import main as generate_command
from tools.default_data.areas import area_facts

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = REALDATA.parent
FILES = ("natura2000.geojson", "regions.geojson", "farms.csv")

# Areas the issue names, with the official size in ha (reference natura2000_areas.csv).
REQUIRED_AREAS = {
    57: ("Veluwe", 88437),
    140: ("Groote Peel", 1348),
    139: ("Deurnsche Peel & Mariapeel", 2734),
    137: ("Strabrechtse Heide & Beuven", 1843),
    136: ("Leenderbos, Groote Heide & De Plateaux", 4390),
    135: ("Kempenland-West", 1882),
    133: ("Kampina & Oisterwijkse Vennen", 2278),
    138: ("Weerter- en Budelerbergen & Ringselven", 3164),
    100: ("Voornes Duin", 1432),
    99: ("Solleveld & Kapittelduinen", 827),
    97: ("Meijendel & Berkheide", 2878),
    110: ("Oudeland van Strijen", 1568),
    106: ("Boezems Kinderdijk", 331),
    103: ("Nieuwkoopse Plassen & De Haeck", 2008),
    83: ("Botshol", 218),
    95: ("Oostelijke Vechtplassen", 6475),
    105: ("Zouweboezem", 257),
    38: ("Rijntakken", 23048),
    112: ("Biesbosch", 9640),
    145: ("Maasduinen", 5274),
    131: ("Loonse en Drunense Duinen & Leemkuilen", 3975),
    109: ("Haringvliet", 11196),
    111: ("Hollands Diep", 4225),
}
SEA_AREAS = {163, 164, 165, 166, 168}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default data, generated once for this module."""
    out = tmp_path_factory.mktemp("generated")
    paths = generate_default_data(out, seed=DEFAULT_SEED)
    assert [p.name for p in paths] == list(FILES)
    return out


@pytest.fixture(scope="module")
def natura() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "natura2000.geojson")


@pytest.fixture(scope="module")
def regions() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "regions.geojson")


@pytest.fixture(scope="module")
def farms() -> pd.DataFrame:
    return pd.read_csv(DATA / "farms.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def valid_farms(farms: pd.DataFrame) -> pd.DataFrame:
    """Rows with a usable location inside the RD New extent, coordinates as floats."""
    x = pd.to_numeric(farms["x"], errors="coerce")
    y = pd.to_numeric(farms["y"], errors="coerce")
    ok = x.between(-7_000, 300_000) & y.between(289_000, 629_000)
    return farms[ok].assign(x=x[ok], y=y[ok])


# --- reproducibility ---------------------------------------------------------------------------


@pytest.mark.slow
def test_same_seed_gives_byte_identical_files(generated: Path, tmp_path: Path) -> None:
    # through the command line that `make data` runs
    assert generate_command(["--out", str(tmp_path / "again"), "--seed", str(DEFAULT_SEED)]) == 0
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (generated / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(FILES)


def test_committed_data_is_exactly_what_the_generator_writes(generated: Path) -> None:
    for name in FILES:
        assert (DATA / name).read_bytes() == (generated / name).read_bytes(), (
            f"data/{name} differs from the generator's output: run `make data` and commit"
        )


def test_copied_fact_tables_equal_the_shared_reference() -> None:
    """The generator's copies of the shared reference tables (facts/) must not drift from them."""
    ref = SHARED / "reference"
    if not ref.is_dir():
        pytest.skip(f"reference folder {ref} is absent")
    for name in ("natura2000_areas.csv", "regions_indicative.csv"):
        assert (facts.FACTS / name).read_bytes() == (ref / name).read_bytes(), name


def test_generator_reads_every_reference_area_but_the_sea_areas_and_every_region() -> None:
    with (facts.FACTS / "natura2000_areas.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["nr"]) not in SEA_AREAS]
    drawn = {f.nr: f for f in area_facts()}
    assert sorted(drawn) == sorted(int(r["nr"]) for r in rows)
    for r in rows:
        f = drawn[int(r["nr"])]
        assert f.name == r["naamN2K"]
        assert f.nitrogen_sensitive == r["nitrogen_sensitive"]
        assert f.area_ha == int(r["area_ha"])
        assert f.inner == (float(r["inner_x"]), float(r["inner_y"]))
        assert f.box == tuple(float(r[k]) for k in ("minx", "miny", "maxx", "maxy"))
    with (facts.FACTS / "regions_indicative.csv").open(encoding="utf-8") as fh:
        reg = list(csv.DictReader(fh))
    assert [r["name"] for r in reg] == [r.name for r in facts.regions()]
    for r, region in zip(reg, facts.regions(), strict=True):
        assert shapely.from_wkt(r["wkt_rd"]).equals(shapely.Polygon(region.ring))
        assert "; ".join(region.municipalities) == r["municipalities_cbs2015"]


# --- natura2000.geojson ------------------------------------------------------------------------


def test_natura_file_declares_rd_new_and_every_geometry_is_valid(natura: gpd.GeoDataFrame) -> None:
    raw = json.loads((DATA / "natura2000.geojson").read_text(encoding="utf-8"))
    assert raw["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::28992"
    assert natura.crs.to_epsg() == 28992
    assert natura.geometry.is_valid.all()
    assert set(natura.geom_type) <= {"Polygon", "MultiPolygon"}
    assert natura["nr"].is_unique
    assert list(natura["nr"]) == sorted(natura["nr"])
    assert natura["overloaded"].dtype == bool
    assert not SEA_AREAS & set(natura["nr"])
    assert len(natura) == 139


def test_natura_coordinates_are_rounded_to_the_centimetre() -> None:
    raw = json.loads((DATA / "natura2000.geojson").read_text(encoding="utf-8"))
    coords = np.concatenate(
        [
            shapely.get_coordinates(shapely.from_geojson(json.dumps(f["geometry"])))
            for f in raw["features"]
        ]
    )
    cents = coords * 100.0
    assert np.all(np.abs(cents - np.rint(cents)) < 1e-6)


def test_required_areas_are_present_in_place_and_of_about_the_right_size(
    natura: gpd.GeoDataFrame,
) -> None:
    facts = {f.nr: f for f in area_facts()}
    by_nr = natura.set_index("nr")
    for nr, (name, area_ha) in REQUIRED_AREAS.items():
        row = by_nr.loc[nr]
        assert row["naamN2K"] == name
        geom = row.geometry
        assert abs(geom.area / 1e4 / area_ha - 1) <= 0.15, (nr, geom.area / 1e4)
        minx, miny, maxx, maxy = facts[nr].box
        gx0, gy0, gx1, gy1 = geom.bounds
        assert gx0 >= minx - 1 and gy0 >= miny - 1 and gx1 <= maxx + 1 and gy1 <= maxy + 1, nr
        assert geom.distance(shapely.Point(facts[nr].inner)) < 3_000, nr


def test_every_area_is_about_its_official_size_and_reports_its_own_area(
    natura: gpd.GeoDataFrame,
) -> None:
    official = {f.nr: f.area_ha for f in area_facts()}
    ratio = natura.area / 1e4 / natura["nr"].map(official)
    assert ratio.between(0.85, 1.15).all(), natura.loc[~ratio.between(0.85, 1.15), "nr"].tolist()
    assert (natura.area / 1e4 - natura["area_ha"]).abs().max() <= 1


def test_veluwe_is_about_88000_ha_with_village_enclaves(natura: gpd.GeoDataFrame) -> None:
    veluwe = natura.set_index("nr").loc[57].geometry
    assert 75_000 <= veluwe.area / 1e4 <= 100_000
    holes = [shapely.Polygon(r) for p in shapely.get_parts(veluwe) for r in p.interiors]
    assert len(holes) >= 3
    for hole in holes:
        rect = shapely.minimum_rotated_rectangle(hole)
        xy = np.asarray(rect.exterior.coords)
        sides = np.hypot(*np.diff(xy, axis=0).T)
        assert sides.min() >= 300.0  # at least ~300 m across


def test_multi_part_areas_are_multipolygons_whose_parts_do_not_touch(
    natura: gpd.GeoDataFrame,
) -> None:
    multi = natura[natura.geom_type == "MultiPolygon"]
    assert len(multi) >= 3
    assert {38, 139} <= set(multi["nr"])
    for geom in multi.geometry:
        parts = shapely.get_parts(geom)
        for i, a in enumerate(parts):
            assert all(a.distance(b) > 0 for b in parts[i + 1 :])


def test_no_two_areas_overlap(natura: gpd.GeoDataFrame) -> None:
    tree = shapely.STRtree(natura.geometry.values)
    left, right = tree.query(natura.geometry.values, predicate="intersects")
    assert not [(a, b) for a, b in zip(left, right, strict=True) if a != b]


def test_overloaded_follows_nitrogen_sensitivity(natura: gpd.GeoDataFrame) -> None:
    flag = natura.set_index("nr")["overloaded"]
    assert not flag[106] and not flag[110]  # Boezems Kinderdijk, Oudeland van Strijen
    assert flag[57] and flag[140] and flag[38]
    ref = SHARED / "reference" / "natura2000_areas.csv"
    if ref.is_file():
        sens = pd.read_csv(ref).set_index("nr")["nitrogen_sensitive"]
        assert (flag == (sens.loc[flag.index] == "yes")).all()


def test_natura_file_has_many_vertices_but_stays_small(natura: gpd.GeoDataFrame) -> None:
    n = int(shapely.get_num_coordinates(natura.geometry.values).sum())
    assert 150_000 <= n <= 250_000
    assert shapely.get_num_coordinates(natura.set_index("nr").loc[57].geometry) >= 5_000
    assert (DATA / "natura2000.geojson").stat().st_size < 8_000_000


def test_rings_follow_the_right_hand_rule(natura: gpd.GeoDataFrame) -> None:
    for geom in natura.geometry:
        for part in shapely.get_parts(geom):
            assert shapely.is_ccw(part.exterior)
            assert not any(shapely.is_ccw(r) for r in part.interiors)


# --- regions.geojson ---------------------------------------------------------------------------


def test_regions_are_the_five_indicative_area_processes(regions: gpd.GeoDataFrame) -> None:
    assert regions.crs.to_epsg() == 28992
    assert list(regions["name"]) == ["Veluwe", "Peel", "Rotterdam", "Eindhoven", "Groene Hart"]
    assert regions.geometry.is_valid.all()
    assert regions["note"].str.contains("not an official boundary").all()


def test_peel_and_eindhoven_regions_overlap(regions: gpd.GeoDataFrame) -> None:
    by = regions.set_index("name").geometry
    assert by["Peel"].intersection(by["Eindhoven"]).area > 100e6  # > 100 km2


# --- farms.csv ---------------------------------------------------------------------------------


def test_farms_header_and_size(farms: pd.DataFrame) -> None:
    assert list(farms.columns[:5]) == ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
    assert "submitted_at" in farms.columns
    assert 24_000 <= len(farms) <= 26_000
    raw = (DATA / "farms.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    raw.decode("utf-8")


def test_farm_ids_are_unique_apart_from_the_deliberate_duplicate(farms: pd.DataFrame) -> None:
    ids = farms["farm_id"]
    assert (ids == "").sum() == 1
    counts = ids[ids != ""].value_counts()
    assert list(counts[counts > 1]) == [2]
    assert ids[ids != ""].str.fullmatch(r"NL-\d{6}").all()


def _reasons(farms: pd.DataFrame) -> pd.Series:
    """An independent reading of the contract's rejection rules, plus an unreadable date."""
    x = pd.to_numeric(farms["x"], errors="coerce")
    y = pd.to_numeric(farms["y"], errors="coerce")
    nh3 = pd.to_numeric(farms["nh3_kg"], errors="coerce")
    eur = pd.to_numeric(farms["subsidy_eur"], errors="coerce")
    ts = farms["submitted_at"]
    parsed = pd.to_datetime(ts.where(ts != ""), errors="coerce", format="ISO8601", utc=True)
    ids = farms["farm_id"]
    rules = {
        "coordinate": x.isna() | y.isna(),
        "outside NL": ~(x.between(-7_000, 300_000) & y.between(289_000, 629_000)),
        "nh3": ~(nh3 > 0),
        "subsidy": ~(eur >= 0),
        "farm_id missing": ids == "",
        "farm_id duplicated": ids.duplicated(keep=False) & (ids != ""),
        "submitted_at": (ts != "") & parsed.isna(),
    }
    out = pd.Series("", index=farms.index)
    for reason, bad in rules.items():
        out = out.where(~bad | (out != ""), reason)
    return out


def test_exactly_twelve_rows_are_deliberately_bad(farms: pd.DataFrame) -> None:
    reasons = _reasons(farms)
    bad = reasons[reasons != ""]
    assert len(bad) == 12
    assert bad.value_counts().to_dict() == {
        "nh3": 3,
        "coordinate": 1,
        "outside NL": 2,
        "subsidy": 2,
        "farm_id duplicated": 2,
        "farm_id missing": 1,
        "submitted_at": 1,
    }
    # Spread over the file, not bunched together.
    assert bad.index.min() < 2_500 and bad.index.max() > len(farms) - 2_500


def test_good_rows_have_whole_metre_coordinates_and_tenth_kg_emissions(
    farms: pd.DataFrame,
) -> None:
    good = farms[_reasons(farms) == ""]
    assert good["x"].str.fullmatch(r"\d+").all() and good["y"].str.fullmatch(r"\d+").all()
    assert good["nh3_kg"].str.fullmatch(r"\d+\.\d").all()
    assert good["subsidy_eur"].str.fullmatch(r"\d+").all()


def test_sector_mix_is_close_to_the_dutch_one(farms: pd.DataFrame) -> None:
    share = farms["sector"].value_counts(normalize=True)
    assert 0.55 <= share["dairy"] <= 0.60
    assert 0.13 <= share["pigs"] <= 0.17
    assert 0.05 <= share["poultry"] <= 0.08
    assert 0.07 <= share["veal_beef"] <= 0.09
    assert 0.04 <= share["goats_sheep"] <= 0.06
    assert 0.05 <= share["horses_other"] <= 0.10


def test_emissions_and_offers_are_of_a_realistic_size(farms: pd.DataFrame) -> None:
    nh3 = pd.to_numeric(farms["nh3_kg"], errors="coerce")
    eur = pd.to_numeric(farms["subsidy_eur"], errors="coerce")
    median_nh3 = nh3.groupby(farms["sector"]).median()
    assert 1_000 <= median_nh3["dairy"] <= 2_500  # ~110 cows with young stock: ~1,500 kg
    assert 3_000 <= median_nh3["pigs"] <= 10_000
    assert 500_000 <= eur.median() <= 3_000_000
    assert eur.between(500_000, 5_000_000).mean() >= 0.6
    per_kg = (eur / nh3).groupby(farms["sector"]).median()
    assert per_kg["pigs"] < per_kg["dairy"]  # intensive farms buy out more ammonia per euro


def test_about_forty_percent_have_a_distinct_submission_time_in_the_window(
    farms: pd.DataFrame,
) -> None:
    ts = farms["submitted_at"]
    given = ts[(ts != "") & (ts != "gisteren")]
    assert 0.35 <= len(given) / len(farms) <= 0.45
    assert given.is_unique
    assert given.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00").all()
    when = [datetime.fromisoformat(v) for v in given]
    assert min(when) >= datetime.fromisoformat("2023-07-01T00:00:00+02:00")
    assert max(when) <= datetime.fromisoformat("2024-12-31T23:59:59+01:00")


@pytest.fixture(scope="module")
def farm_points(valid_farms: pd.DataFrame) -> np.ndarray:
    return shapely.points(valid_farms["x"].to_numpy(), valid_farms["y"].to_numpy())


def test_a_few_hundred_farms_lie_within_1000_m_of_overloaded_nature(
    natura: gpd.GeoDataFrame, farm_points: np.ndarray
) -> None:
    tree = shapely.STRtree(farm_points)
    overloaded = natura.loc[natura["overloaded"], "geometry"].values
    _, near = tree.query(overloaded, predicate="dwithin", distance=1_000)
    assert 200 <= len(np.unique(near)) <= 700


def test_no_farm_lies_inside_natura_2000(natura: gpd.GeoDataFrame, farm_points: np.ndarray) -> None:
    tree = shapely.STRtree(farm_points)
    _, inside = tree.query(natura.geometry.values, predicate="intersects")
    assert len(inside) == 0


def test_farms_are_much_denser_in_the_peel_than_in_the_groene_hart(
    regions: gpd.GeoDataFrame, valid_farms: pd.DataFrame
) -> None:
    by = regions.set_index("name").geometry
    x, y = valid_farms["x"].to_numpy(), valid_farms["y"].to_numpy()
    density = {
        name: shapely.contains_xy(by[name], x, y).sum() / (by[name].area / 1e6)
        for name in ("Peel", "Groene Hart")
    }
    assert density["Peel"] >= 1.5 * density["Groene Hart"]


def test_pigs_and_poultry_are_concentrated_in_the_south_east_and_gelderse_vallei(
    valid_farms: pd.DataFrame,
) -> None:
    x, y = valid_farms["x"], valid_farms["y"]
    south_east = x.between(150_000, 215_000) & y.between(355_000, 415_000)
    vallei = x.between(158_000, 178_000) & y.between(440_000, 475_000)
    hot = south_east | vallei
    intensive = valid_farms["sector"].isin(["pigs", "poultry"])
    assert hot[intensive].mean() >= 0.5
    assert hot[valid_farms["sector"] == "dairy"].mean() <= 0.3


def test_few_farms_in_the_big_cities(valid_farms: pd.DataFrame) -> None:
    cities = {"Amsterdam": (121_500, 487_000), "Rotterdam": (92_500, 437_500)}
    for xy in cities.values():
        d = np.hypot(valid_farms["x"] - xy[0], valid_farms["y"] - xy[1])
        assert (d < 4_000).sum() <= 5


@pytest.mark.realdata
def test_farms_lie_in_dutch_provinces(valid_farms: pd.DataFrame) -> None:
    path = SHARED / "realdata" / "admin" / "cbs2015_provincie.geojson"
    if not path.is_file():
        pytest.skip(f"real province outlines not available ({path} is absent)")
    land = gpd.read_file(path).to_crs(28992).union_all()
    shapely.prepare(land)
    inside = shapely.contains_xy(land, valid_farms["x"].to_numpy(), valid_farms["y"].to_numpy())
    assert inside.mean() >= 0.97


def test_readme_documents_the_bad_rows_and_the_command() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and "INDICATIVE" in text
    assert "make data" in text and "python -m tools.default_data" in text
    assert str(DEFAULT_SEED) in text
    assert len(re.findall(r"^\|\s*\d+\s*\|", text, flags=re.MULTILINE)) == 12
