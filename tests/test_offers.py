"""Offers joined to any location source (``--offers``): an application table's amounts and times
on the locations of a CSV, GeoPackage or IMAER file, every row ranked or rejected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from conftest import REALDATA, X0, Y0, read_rows, write_csv
from vbr.core.rejections import top_reasons
from vbr.errors import ConfigError, InputError
from vbr.io.farms import load_farms
from vbr.io.imaer import read_imaer
from vbr.io.offers import read_offers
from vbr.io.times import ACCEPTED_FORMS
from vbr.pipeline import compute
from vbr.settings import ColumnMapping, run_options

DATA = Path(__file__).resolve().parent / "data"
LOCATIONS = ["farm_id", "x", "y", "nh3_kg"]


def locations_csv(path: Path, ids=("A", "B", "C")) -> Path:
    rows = [[fid, X0 + 100 * k, Y0 - 2000 - 100 * k, 1000 + k] for k, fid in enumerate(ids)]
    return write_csv(path, LOCATIONS, rows)


def offers_csv(path: Path, rows, header=("farm_id", "subsidy_eur", "submitted_at", "dossier")):
    return write_csv(path, header, rows)


def compute_with(tmp_path, farms, offers, natura, regions, **more):
    """The run as the library computes it, in English (the tests read the reasons)."""
    more.setdefault("language", "en")
    return compute(
        run_options(
            farms=farms, natura=natura, regions=regions, out=tmp_path / "out", offers=offers, **more
        )
    )


def test_offers_join_on_farm_id_and_every_row_is_ranked_or_rejected(
    vbr, tmp_path, one_area, no_regions
):
    farms = locations_csv(tmp_path / "locations.csv")
    offers = offers_csv(
        tmp_path / "offers.csv",
        [
            ["A", "500000", "2025-01-02T10:00:00+01:00", "D-1"],
            ["B", "250000", "2025-01-01T10:00:00+01:00", "D-2"],
            ["X", "100000", "", "D-3"],
        ],
    )
    out = tmp_path / "out"
    code, stdout, _ = vbr(
        "run", "--farms", farms, "--offers", offers, "--natura", one_area,
        "--regions", no_regions, "--out", out, "--lang", "en",
    )  # fmt: skip
    assert code == 0
    # rows read = the 3 locations + the offer that no location has: 2 ranked, 2 rejected
    assert "4 rows read (3 locations + 1 offer(s) joined to none), 2 ranked, 2 rejected" in stdout
    assert "columns of the offers table: farm_id, subsidy_eur, submitted_at" in stdout
    ranked = {r["farm_id"]: r for r in read_rows(out / "ranking.csv")}
    assert ranked["A"]["subsidy_eur"] == "500000" and ranked["B"]["subsidy_eur"] == "250000"
    # the offers' other columns are carried through, submitted_at from the offers orders
    assert ranked["A"]["dossier"] == "D-1" and ranked["A"]["submitted_at"].startswith("2025-01-02")
    rejected = {r["farm_id"]: r for r in read_rows(out / "rejected.csv")}
    assert rejected["C"]["reason"] == "no offer"
    assert rejected["X"]["reason"] == (
        "no location for this offer (farm_id not in locations.csv; offers.csv row 4)"
    )
    # the offer as read stands beside the farm file's columns (empty for an offer alone)
    assert rejected["X"]["dossier"] == "D-3" and rejected["X"]["x"] == ""
    assert rejected["X"]["offers_farm_id"] == "X"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["read"] == 4
    assert manifest["inputs"]["offers"]["path"] == str(offers)
    assert len(manifest["inputs"]["offers"]["sha256"]) == 64
    assert manifest["columns"]["offers"]["subsidy_eur"] == {
        "column": "subsidy_eur",
        "found_by": "name",
    }
    assert manifest["columns"]["farms"]["subsidy_eur"] == {"made": "offers table (offers.csv)"}


def test_offers_with_dutch_names_numbers_and_a_mapping_from_a_workbook(
    tmp_path, one_area, no_regions
):
    import openpyxl

    farms = locations_csv(tmp_path / "locations.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["locatie_id", "Bedrag (EUR)", "ingediend_op"])
    sheet.append(["A", "1.250.000,50", "2025-03-05 15:59"])
    sheet.append(["B", 900000, ""])
    book.save(tmp_path / "aanvragen.xlsx")
    result = compute_with(
        tmp_path,
        farms,
        tmp_path / "aanvragen.xlsx",
        one_area,
        no_regions,
        offers_columns="subsidy_eur=Bedrag (EUR)",
    )
    subsidy = dict(zip(result.ranked["farm_id"], result.ranked["subsidy_eur"], strict=True))
    assert subsidy == {"A": 1250000.5, "B": 900000.0}
    assert result.columns["offers"]["farm_id"].found_by == "alias"
    assert result.columns["offers"]["subsidy_eur"].found_by == "--offers-columns"
    times = result.ranked.set_index("farm_id")["submitted_at"]
    assert str(times["A"]) == "2025-03-05 14:59:00+00:00"  # Dutch local time


def test_semicolon_offers_read_decimal_comma_beside_a_plain_location_file(
    tmp_path, one_area, no_regions
):
    farms = locations_csv(tmp_path / "locations.csv", ids=("A",))
    offers = write_csv(
        tmp_path / "bod.csv", ["farm_id", "bod_eur"], [["A", "12.500,25"]], delimiter=";"
    )
    result = compute_with(tmp_path, farms, offers, one_area, no_regions)
    assert result.ranked["subsidy_eur"].tolist() == [12500.25]


def write_herd_gpkg(path: Path) -> Path:
    """A GeoPackage of locations with a permit NH3 and animal counts by species, IGO style."""
    rows = [
        # farm_id, nh3, geiten, varkens: B complete, C 3 goats in a horse stable, D no counts
        ("A", 220.2, 3, None),
        ("B", 1000.0, None, 400),
        ("C", 220.2, 3, None),
        ("D", 300.0, None, None),
    ]
    gpd.GeoDataFrame(
        {
            "vthobject_id": [r[0] for r in rows],
            "nh3_emissie": [r[1] for r in rows],
            "geiten": [r[2] for r in rows],
            "varkens": [r[3] for r in rows],
        },
        geometry=[shapely.Point(X0 + 100 * k, Y0 - 3000) for k in range(len(rows))],
        crs="EPSG:28992",
    ).to_file(path)
    return path


def test_locations_of_a_geopackage_with_animal_counts_are_estimated_where_the_rules_allow(
    tmp_path, one_area, no_regions
):
    farms = write_herd_gpkg(tmp_path / "igo.gpkg")
    offers = offers_csv(tmp_path / "offers.csv", [["A", "80000", "", "D-1"]])
    result = compute_with(tmp_path, farms, offers, one_area, no_regions)
    ranked = result.ranked.set_index("farm_id")
    # A: its offer, whatever its counts explain; B: no offer, complete counts -> estimate
    assert ranked.loc["A", "subsidy_eur"] == 80000 and ranked.loc["A", "subsidy_source"] == "offer"
    assert ranked.loc["B", "subsidy_source"] == "estimate"
    reasons = dict(zip(result.rejected["farm_id"], result.rejected["reason"], strict=True))
    assert reasons == {
        "C": "no offer and the animal counts explain too little NH3 to estimate the subsidy "
        "(5.7 of 220.2 kg, 2%; min_herd_share 50%): give an offer for this farm or complete "
        "animal counts",
        "D": "no offer and no animal counts to estimate the subsidy from",
    }
    assert result.n_read == 4 == len(result.ranked) + len(result.rejected)
    assert "subsidy_eur estimated for 1 farm without an offer" in " ".join(result.notes)


def test_imaer_locations_take_offers_by_any_of_their_source_ids(tmp_path, one_area, no_regions):
    gml = tmp_path / "stables.gml"
    shutil.copyfile(DATA / "imaer5_two_stables.gml", gml)  # ES.1 and ES.2 share one location
    offers = offers_csv(tmp_path / "offers.csv", [["ES.2", "900000", "", ""]])
    result = compute_with(tmp_path, gml, offers, one_area, no_regions)
    ranked = result.ranked.set_index("farm_id")
    assert ranked.loc["ES.1", "subsidy_eur"] == 900000  # named by its second source
    assert ranked.loc["ES.3", "subsidy_source"] == "estimate"  # no offer, counts complete
    assert result.farms_info["offers"]["joined_by_imaer_source"] == 1
    both = offers_csv(tmp_path / "both.csv", [["ES.1", "900000", "", ""], ["ES.2", "1", "", ""]])
    # 3 of the 4 rows are rejected: more than --max-rejected's default 50 %
    result = compute_with(tmp_path, gml, both, one_area, no_regions, max_rejected=100)
    rejected = sorted(zip(result.rejected["farm_id"], result.rejected["reason"], strict=True))
    assert [(fid, reason.split(" (")[0]) for fid, reason in rejected] == [
        ("ES.1", "farm_id duplicated in the offers table"),  # the offer naming ES.1
        ("ES.1", "several offers for this farm"),  # the location
        ("ES.2", "farm_id duplicated in the offers table"),
    ]
    assert "(2 rows of both.csv name it; the tool cannot know which is right)" in rejected[1][1]
    # rows read: the 2 locations and the 2 offers that could not be joined
    assert result.n_read == 2 + 2 == len(result.ranked) + len(result.rejected)


def test_duplicated_offers_and_offers_for_duplicated_locations_are_all_rejected(
    tmp_path, one_area, no_regions
):
    farms = locations_csv(tmp_path / "locations.csv", ids=("A", "B", "D", "D"))
    offers = offers_csv(
        tmp_path / "offers.csv",
        [["A", "1", "", ""], ["A", "2", "", ""], ["B", "3", "", ""], ["D", "4", "", ""]],
    )
    result = compute_with(tmp_path, farms, offers, one_area, no_regions, max_rejected=100)
    assert result.ranked["farm_id"].tolist() == ["B"]
    reasons = sorted(result.rejected["reason"].str.split(" \\(").str[0])
    assert reasons == [
        "farm_id duplicated",
        "farm_id duplicated",
        "farm_id duplicated in the farm file",
        "farm_id duplicated in the offers table",
        "farm_id duplicated in the offers table",
        "several offers for this farm",
    ]
    # rows read: 4 locations + the 3 offers that could be joined to no single location
    assert result.n_read == 7 == len(result.ranked) + len(result.rejected)


def test_an_offer_that_cannot_be_used_rejects_its_location_naming_the_offer_row(
    tmp_path, one_area, no_regions
):
    farms = locations_csv(tmp_path / "locations.csv")
    offers = offers_csv(
        tmp_path / "offers.csv",
        [["A", "veel", "", ""], ["B", "", "2025-01-01", ""], ["C", "5", "gisteren", ""]],
    )
    result = compute_with(tmp_path, farms, offers, one_area, no_regions, max_rejected=100)
    reasons = dict(zip(result.rejected["farm_id"], result.rejected["reason"], strict=True))
    assert reasons["A"] == "subsidy_eur not a number ('veel' in offers.csv row 2)"
    assert reasons["B"] == "subsidy_eur missing (the offer, offers.csv row 3, gives no amount)"
    assert reasons["C"] == (
        "submitted_at not a time in an accepted form ('gisteren' in offers.csv row 4); accepted: "
        + ACCEPTED_FORMS
    )
    # counted by kind like the farm file's own problems
    kinds = {r.reason: r.rows for r in top_reasons(result.rejections, None)}
    assert kinds == {
        "subsidy_eur missing": 1,
        "subsidy_eur not a number": 1,
        "submitted_at not a time in an accepted form": 1,
    }


def test_a_value_in_both_files_must_agree_else_exit_2(vbr, tmp_path, one_area, no_regions):
    farms = write_csv(
        tmp_path / "farms.csv",
        [*LOCATIONS, "subsidy_eur"],
        [["A", X0, Y0 - 2000, 1000, "500000"], ["B", X0, Y0 - 2100, 1000, ""]],
    )
    same = offers_csv(tmp_path / "same.csv", [["A", "500000.00", "", ""], ["B", "7", "", ""]])
    result = compute_with(tmp_path, farms, same, one_area, no_regions)
    assert dict(zip(result.ranked["farm_id"], result.ranked["subsidy_eur"], strict=True)) == {
        "A": 500000.0,
        "B": 7.0,
    }
    other = offers_csv(tmp_path / "other.csv", [["A", "450000", "", ""]])
    code, _, err = vbr(
        "run", "--farms", farms, "--offers", other, "--natura", one_area,
        "--regions", no_regions, "--out", tmp_path / "o2",
    )  # fmt: skip
    assert code == 2
    assert "geven allebei subsidy_eur voor 1 veehouderij, en de waarden verschillen" in err
    assert "A: farms.csv subsidy_eur='500000', other.csv row 2 subsidy_eur='450000'" in err
    assert not (tmp_path / "o2").exists()


def test_submitted_at_in_both_files_must_be_the_same_instant(tmp_path, one_area, no_regions):
    farms = write_csv(
        tmp_path / "farms.csv",
        [*LOCATIONS, "submitted_at"],
        [["A", X0, Y0 - 2000, 1000, "2025-01-01T10:00:00+01:00"]],
    )
    same = offers_csv(tmp_path / "same.csv", [["A", "5", "2025-01-01T09:00:00Z", ""]])
    assert len(compute_with(tmp_path, farms, same, one_area, no_regions).ranked) == 1
    later = offers_csv(tmp_path / "later.csv", [["A", "5", "2025-01-02 10:00", ""]])
    with pytest.raises(InputError, match="both give submitted_at for 1 farm"):
        compute_with(tmp_path, farms, later, one_area, no_regions)


def test_an_offers_table_without_its_fields_and_a_mapping_without_offers_exit_2(
    vbr, tmp_path, one_area, no_regions
):
    farms = locations_csv(tmp_path / "locations.csv")
    offers = write_csv(tmp_path / "offers.csv", ["farm_id", "Bedrag"], [["A", "5"]])
    code, _, err = vbr(
        "run", "--farms", farms, "--offers", offers, "--natura", one_area, "--out", tmp_path / "o"
    )  # fmt: skip
    assert code == 2  # the message in the run's language, Dutch by default
    assert "vbr: fout: " in err
    assert "geen kolom geeft subsidy_eur" in err and "'Bedrag'" in err
    assert "--offers-columns subsidy_eur=COLUMN" in err
    with pytest.raises(ConfigError, match="no --offers is given"):
        run_options(farms=farms, offers_columns="subsidy_eur=Bedrag")
    with pytest.raises(ConfigError, match="'amount' is not a field of the offers table"):
        compute_with(tmp_path, farms, offers, one_area, no_regions, offers_columns="amount=Bedrag")


@pytest.mark.slow
def test_verify_repeats_a_run_with_offers_and_their_mapping(vbr, tmp_path, one_area, no_regions):
    farms = locations_csv(tmp_path / "locations.csv")
    offers = write_csv(
        tmp_path / "offers.csv", ["farm_id", "Bedrag"], [["A", "5"], ["B", "6"], ["Q", "7"]]
    )
    out = tmp_path / "out"
    code, _, _ = vbr(
        "run", "--farms", farms, "--offers", offers, "--offers-columns", "subsidy_eur=Bedrag",
        "--natura", one_area, "--regions", no_regions, "--out", out,
    )  # fmt: skip
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rerun"]["offers_columns"] == {"subsidy_eur": "Bedrag"}
    code, stdout, _ = vbr("verify", out)
    assert code == 0 and "gelijk: " in stdout  # the run's language, Dutch
    offers.write_text("farm_id,Bedrag\nA,5\nB,60\nQ,7\n", encoding="utf-8")
    code, _, err = vbr("verify", out)
    assert code == 3 and "invoer offers" in err  # the run is Dutch


def test_read_offers_keeps_every_row_and_names_problems_by_file_row(tmp_path):
    offers = read_offers(
        offers_csv(tmp_path / "o.csv", [[" A ", "-5", "", ""], ["", "5", "", ""]]),
        columns=ColumnMapping(),
    )
    assert offers.ids.tolist() == ["A", ""]
    assert offers.problems == {0: ["subsidy_eur must be >= 0 ('-5' in o.csv row 2)"]}
    assert offers.carried == ["submitted_at", "dossier"]


def test_offers_times_are_read_as_the_farm_files_and_complete_at_goes_into_the_farm_table(
    tmp_path,
):
    """Dutch dates, Excel date cells and serials, summer time: as in the farm file."""
    import datetime as dt

    import openpyxl
    import pandas as pd

    farms = locations_csv(tmp_path / "locations.csv", ids=("A", "B", "C", "D"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["farm_id", "subsidy_eur", "ingediend_op", "datum_volledig"])
    sheet.append(["A", 1, "05-03-2025 15:59", dt.datetime(2025, 3, 10, 9, 0)])
    sheet.append(["B", 2, 45722.5, "10/03/2025"])  # an Excel serial: 2025-03-06 12:00
    sheet.append(["C", 3, "30-03-2025 02:30", ""])  # the hour skipped as summer time begins
    sheet.append(["D", 4, "", "2025-03-10"])
    book.save(tmp_path / "aanvragen.xlsx")
    table = load_farms(farms, offers=read_offers(tmp_path / "aanvragen.xlsx"))
    farm = table.farms.set_index("farm_id")

    def utc(text):
        return pd.Timestamp(text).tz_convert("UTC")

    assert farm.loc["A", "submitted_at"] == utc("2025-03-05T15:59+01:00")
    assert farm.loc["B", "submitted_at"] == utc("2025-03-06T12:00+01:00")
    assert pd.isna(farm.loc["D", "submitted_at"])
    assert farm.loc["A", "complete_at"] == utc("2025-03-10T09:00+01:00")
    assert (
        farm.loc["B", "complete_at"]
        == farm.loc["D", "complete_at"]
        == utc("2025-03-10T00:00+01:00")
    )
    reasons = dict(zip(table.rejected["farm_id"], table.rejected["reason"], strict=True))
    assert reasons == {
        "C": "submitted_at does not exist in Dutch local time ('30-03-2025 02:30' in "
        "aanvragen.xlsx row 4: that night the clocks jump from 02:00 to 03:00 as summer time "
        "begins); give the time with its zone (+01:00) or as the clock showed it"
    }
    assert table.sources["complete_at"].made == "offers table (aanvragen.xlsx)"


def test_a_time_in_both_files_is_compared_as_read_dutch_or_iso(tmp_path, one_area, no_regions):
    farms = write_csv(
        tmp_path / "farms.csv",
        [*LOCATIONS, "submitted_at", "datum_volledig"],
        [["A", X0, Y0 - 2000, 1000, "05-03-2025 15:59", "10-03-2025"]],
    )
    same = write_csv(
        tmp_path / "same.csv",
        ["farm_id", "subsidy_eur", "submitted_at", "complete_at"],
        [["A", "5", "2025-03-05T14:59:00Z", "2025-03-10"]],
    )
    result = compute_with(tmp_path, farms, same, one_area, no_regions)
    assert str(result.ranked["complete_at"].iloc[0]) == "2025-03-09 23:00:00+00:00"
    other = write_csv(
        tmp_path / "other.csv",
        ["farm_id", "subsidy_eur", "complete_at"],
        [["A", "5", "11-03-2025"]],
    )
    with pytest.raises(InputError, match="both give complete_at for 1 farm"):
        compute_with(tmp_path, farms, other, one_area, no_regions)


def test_offer_ids_are_normalised_as_the_farm_files(tmp_path):
    farms = locations_csv(tmp_path / "locations.csv", ids=("Caf\u00e9", "B"))
    offers = offers_csv(
        tmp_path / "offers.csv",
        [[" Cafe\u0301 ", "5", "", ""], ["B\u200b", "6", "", ""]],  # decomposed; zero-width space
    )
    table = load_farms(farms, offers=read_offers(offers))
    assert table.farms["farm_id"].tolist() == ["Caf\u00e9"]  # joined: one id in NFC
    reasons = dict(zip(table.rejected["farm_id"], table.rejected["reason"], strict=True))
    assert reasons == {
        "B": "no offer",
        "B\u200b": "no location for this offer (farm_id not in locations.csv; offers.csv row 3); "
        "farm_id holds an invisible character (U+200B ZERO WIDTH SPACE at position 2 of "
        "'B\\u200b' in offers.csv row 3); retype the id without it",
    }


def test_offers_joined_to_no_location_count_towards_max_rejected_and_the_top_reasons(
    vbr, tmp_path, one_area, no_regions
):
    farms = locations_csv(tmp_path / "locations.csv")
    offers = offers_csv(
        tmp_path / "offers.csv",
        [[fid, "5", "", ""] for fid in ("A", "B", "C", "P", "Q", "R", "S")],
    )
    args = ["run", "--farms", farms, "--offers", offers, "--natura", one_area]
    args += ["--regions", no_regions, "--lang", "en"]
    # 3 locations + 4 offers without one: 4 of 7 rows rejected, more than the default 50 %
    code, _, err = vbr(*args, "--out", tmp_path / "refused")
    assert code == 2 and not (tmp_path / "refused").exists()
    assert "4 of 7 rows (57.1%) are rejected, more than --max-rejected 50%" in err
    assert "no location for this offer: 4 rows (e.g. offers.csv row 5, farm_id 'P')" in err
    out = tmp_path / "out"
    code, stdout, err = vbr(*args, "--out", out, "--max-rejected", 60)
    assert code == 0, err
    assert "7 rows read (3 locations + 4 offer(s) joined to none), 3 ranked, 4 rejected" in stdout
    assert "  - no location for this offer: 4 rows (e.g. offers.csv row 5, farm_id 'P')" in stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rejected_reasons"] == {"no location for this offer": 4}
    assert manifest["rejected_top"] == [
        {
            "reason": "no location for this offer",
            "rows": 4,
            "example": "offers.csv row 5",
            "example_farm_id": "P",
        }
    ]


GELDERLAND = REALDATA / "farms" / "geonovius_imaer_gelderland.gml"


@pytest.mark.realdata
@pytest.mark.skipif(not GELDERLAND.is_file(), reason="../shared/realdata is absent on this machine")
def test_real_gelderland_imaer_file_ranks_the_250_sources_that_have_an_offer(tmp_path):
    """304 real sources (ids ES.1..ES.310 with gaps; ES.263 and ES.307 share a location), none
    with animal counts: without offers every location is rejected. An offers table for 250
    sources (249 locations by their farm_id, one by its second source id) ranks those 250."""
    gml = tmp_path / GELDERLAND.name
    shutil.copyfile(GELDERLAND, gml)  # GDAL would write a .gfs sidecar beside the shared file
    locations = read_imaer(gml).table.frame
    merged = locations[locations["n_sources"] != "1"]
    assert merged["imaer_sources"].tolist() == ["ES.263;ES.307"]
    chosen = [*[fid for fid in locations["farm_id"] if fid != "ES.263"][:249], "ES.307"]
    offers = offers_csv(
        tmp_path / "aanvragen.csv",
        [[fid, str(100_000 + 10 * k), f"2025-02-{1 + k % 28:02d}", f"V-{k}"] for k, fid in
         enumerate([*chosen, "ES.44"])],  # ES.44: a gap in the numbering, no such source
    )  # fmt: skip
    result = compute(run_options(farms=gml, offers=offers, out=tmp_path / "out", language="en"))
    ranked = set(result.ranked["farm_id"])
    print(
        f"Gelderland: {result.n_read} rows read, {len(ranked)} ranked, {len(result.rejected)} "
        f"rejected; {result.farms_info['offers']}"
    )
    assert len(ranked) == 250 and "ES.263" in ranked  # offered as ES.307
    assert (result.ranked["subsidy_source"] == "offer").all()
    reasons = result.rejected.set_index("farm_id")["reason"]
    no_offer = reasons[reasons == "no offer and no animal counts to estimate the subsidy from"]
    assert len(no_offer) == 303 - 250 == 53
    assert reasons["ES.44"].startswith("no location for this offer")
    assert result.n_read == 303 + 1 == len(result.ranked) + len(result.rejected)


IGO = REALDATA / "farms" / "geonovius_igo_veehouderijen_nabij_n2000.gpkg"


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.skipif(not IGO.is_file(), reason="../shared/realdata is absent on this machine")
def test_real_igo_farms_whose_counts_explain_too_little_are_ranked_once_they_have_an_offer(
    tmp_path,
):
    farms = tmp_path / IGO.name
    shutil.copyfile(IGO, farms)
    options = {
        "farms": farms,
        "out": tmp_path / "out",
        "columns": "farm_id=vthobject_id",
        "language": "en",
    }
    before = compute(run_options(**options))
    short = before.rejected[before.rejected["reason"].str.contains("explain too little")]
    offers = offers_csv(
        tmp_path / "offers.csv", [[fid, "250000", "", ""] for fid in short["farm_id"]]
    )
    after = compute(run_options(**options, offers=offers))
    assert len(after.ranked) == len(before.ranked) + len(short)
    with_offer = after.ranked[after.ranked["farm_id"].isin(short["farm_id"])]
    assert (with_offer["subsidy_source"] == "offer").all()
    assert after.n_read == before.n_read == 1141
