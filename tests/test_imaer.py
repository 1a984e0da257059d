"""AERIUS IMAER GML (5 and 6) as farm input: sources, animal housing, merging, real files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from realdata import REALDATA
from vbr.errors import InputError
from vbr.io.farms import load_farms
from vbr.io.imaer import is_imaer, label_to_code, read_imaer

DATA = Path(__file__).resolve().parent / "data"


def test_imaer5_sources_sharing_a_location_merge_into_one_farm():
    parsed = read_imaer(DATA / "imaer5_two_stables.gml")
    frame = parsed.table.frame.set_index("farm_id")
    assert parsed.table.info["imaer_version"] == "5.1"
    assert list(frame.index) == ["ES.1", "ES.3"]
    assert frame.loc["ES.1", "imaer_sources"] == "ES.1;ES.2"
    assert float(frame.loc["ES.1", "nh3_kg"]) == pytest.approx(1520.0)
    assert frame.loc["ES.3", "nh3_kg"] == ""  # no NH3 element: computed from the animals
    assert parsed.counts["skipped_sources"] == {"sector 1800": 1}
    codes = parsed.animals.groupby("row")["rav_code"].apply(list).to_dict()
    assert codes == {0: ["A1.100", "A3.100"], 1: ["D3.100", "custom D"]}


def test_imaer5_farms_load_with_nh3_given_or_computed_and_estimation_on():
    table = load_farms(DATA / "imaer5_two_stables.gml")
    got = dict(zip(table.farms["farm_id"], table.farms["nh3_kg"], strict=True))
    assert got == {"ES.1": pytest.approx(1520.0), "ES.3": pytest.approx(1000 * 3.5 + 200 * 1.5)}
    assert table.estimate_subsidy
    assert set(table.farms["subsidy_source"]) == {"estimate"}
    check = table.nh3_check.set_index("farm_id")
    assert check.loc["ES.1", "difference_kg"] == pytest.approx(0.0)
    geom = table.farms.set_index("farm_id").geometry
    assert (geom["ES.1"].x, geom["ES.1"].y) == (180000.0, 450000.0)


def test_imaer6_housing_codes_custom_factors_polygons_and_unknown_codes():
    table = load_farms(DATA / "imaer6_housing.gml")
    farms = table.farms.set_index("farm_id")
    assert farms.loc["ES.10", "nh3_kg"] == pytest.approx(80 * 13.0 + 10 * 6.0)
    point = farms.geometry["ES.10"]
    assert (point.x, point.y) == pytest.approx((200020.0, 470010.0))  # the stable's centroid
    assert farms.loc["ES.12", "nh3_kg"] == pytest.approx(700.0)
    reason = table.rejected.set_index("farm_id").loc["ES.11", "reason"]
    assert "unknown Rav code 'Z9.999'" in reason
    implied = table.animals[table.animals.get("implied", False) == True]  # noqa: E712
    assert implied["rav_code"].tolist() == ["D3.100"]
    assert implied["animals"].tolist() == pytest.approx([200.0])
    assert table.n_read == 3 == len(table.farms) + len(table.rejected)


def test_labels_name_animal_types():
    assert label_to_code("Melkrundvee") == "A1.100"
    assert label_to_code("Vleesvarkens") == "D3.100"
    assert label_to_code("Zeugen") == "D1.3.100"
    assert label_to_code("Leghennen") == "E2.100"
    assert label_to_code("Meldingspl") is None


def test_not_imaer_and_broken_imaer(tmp_path):
    plain = tmp_path / "plain.gml"
    plain.write_text("<gml:FeatureCollection xmlns:gml='http://www.opengis.net/gml/3.2'/>")
    assert not is_imaer(plain)
    broken = tmp_path / "broken.gml"
    broken.write_text("<imaer:X xmlns:imaer='http://imaer.aerius.nl/6.0'><unclosed>")
    with pytest.raises(InputError, match="not well-formed"):
        load_farms(broken)
    empty = tmp_path / "empty.gml"
    empty.write_text(
        "<imaer:FeatureCollectionCalculator xmlns:imaer='http://imaer.aerius.nl/6.0'/>"
    )
    with pytest.raises(InputError, match="no farm emission sources"):
        load_farms(empty)


REAL_FILES = {
    "geonovius_imaer_piekbelasters500m.gml": 1138,
    "geonovius_imaer_brabant_limburg_1000m.gml": 1765,
    "geonovius_imaer_gelderland.gml": 304,
    "geonovius_imaer_800_varkens_farmlodging.gml": 1,
    "geonovius_imaer_120_koeien_animalhousing.gml": 1,
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_imaer_files_parse_and_every_row_is_accounted_for(name):
    path = REALDATA / "farms" / name
    if not path.exists():
        pytest.skip("shared/realdata is absent")
    start = time.perf_counter()
    table = load_farms(path)
    seconds = time.perf_counter() - start
    info = table.info
    print(
        f"{name}: {info['sources']} sources -> {info['farms']} farms, {len(table.farms)} usable, "
        f"{len(table.rejected)} rejected, {seconds:.2f} s"
    )
    assert info["sources"] == REAL_FILES[name]
    assert info["farms"] == table.n_read == len(table.farms) + len(table.rejected)
    assert (table.farms["nh3_kg"] > 0).all()
    # sources without animals and without an animal type in the label cannot be priced: they
    # are rejected with that reason (the Gelderland file labels sources by permit type)
    assert all("no animal counts to estimate it from" in r for r in table.rejected["reason"])


@pytest.mark.realdata
def test_real_custom_housing_gives_the_same_nh3_as_aerius():
    cows = REALDATA / "farms" / "geonovius_imaer_120_koeien_animalhousing.gml"
    pigs = REALDATA / "farms" / "geonovius_imaer_800_varkens_farmlodging.gml"
    if not cows.exists():
        pytest.skip("shared/realdata is absent")
    for path, expected in ((cows, 960.0), (pigs, 6400.0)):
        table = load_farms(path)
        assert table.farms["nh3_kg"].tolist() == [expected]
        assert table.nh3_check["difference_kg"].tolist() == [0.0]
