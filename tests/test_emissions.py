"""NH3 from animal counts: factor table, wide and long counts, given vs computed, unknown codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from realdata import REALDATA
from vbr.io.animals import load_emission_factors
from vbr.io.farms import load_farms
from vbr.settings import ColumnMapping

ISSUE_FACTORS = {
    "A1.100": 13.0,
    "A3.100": 4.4,
    "A4.100": 2.5,
    "B1.100": 0.7,
    "C1.100": 1.9,
    "D1.1.100": 0.75,
    "D1.2.100": 8.3,
    "D1.3.100": 4.2,
    "D3.100": 3.5,
    "E1.100": 0.170,
    "E2.100": 0.315,
    "E5.100": 0.080,
    "F4.100": 0.68,
    "G2.1.100": 0.210,
    "I1.100": 1.20,
    "K1.100": 5.0,
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_factor_table_has_the_issue_values_and_a_source_per_code():
    factors = load_emission_factors()
    table = factors.table.set_index("rav_code")
    for code, value in ISSUE_FACTORS.items():
        assert table.loc[code, "kg_nh3_per_place"] == pytest.approx(value)
        assert table.loc[code, "category_nl"] and table.loc[code, "category_en"]
    assert (factors.table["source"].str.len() > 10).all()
    assert "744" in table.loc["A1.100", "source"]
    assert "older Rav value" in table.loc["D3.100", "source"]


def test_user_factor_table_adds_codes_and_replaces_repeated_ones(tmp_path):
    user = write(
        tmp_path / "own.csv",
        "rav_code;kg_nh3_per_place;source\nA1.13;5,1;BWL 2004.10\nd3.100;3,0;own\n",
    )
    factors = load_emission_factors(user).factors
    assert factors["A1.13"] == pytest.approx(5.1)
    assert factors["D3.100"] == pytest.approx(3.0)
    assert factors["E2.100"] == pytest.approx(0.315)


def test_factor_table_with_a_bad_value_names_the_row(tmp_path):
    from vbr.errors import InputError

    bad = write(tmp_path / "bad.csv", "rav_code,kg_nh3_per_place\nA1.13,abc\n")
    with pytest.raises(InputError, match="row 2"):
        load_emission_factors(bad)


def test_wide_counts_give_nh3_as_sum_of_animals_times_factor(tmp_path):
    farms = write(
        tmp_path / "farms.csv",
        "farm_id,x,y,subsidy_eur,A1.100,A3.100,D3.100\n"
        "a,150000,450000,100000,100,50,\n"
        "b,151000,451000,200000,,,1000\n",
    )
    table = load_farms(farms)
    got = dict(zip(table.farms["farm_id"], table.farms["nh3_kg"], strict=True))
    assert got == {"a": pytest.approx(100 * 13.0 + 50 * 4.4), "b": pytest.approx(3500.0)}
    assert len(table.rejected) == 0
    assert "A1.100" in table.carried  # the counts stay visible in the outputs


def test_long_counts_of_several_stables_add_up_to_one_location(tmp_path):
    farms = write(
        tmp_path / "farms.csv",
        "farm_id,x,y,nh3_kg,subsidy_eur\nf1,150000,450000,,1000\nf2,151000,451000,,2000\n",
    )
    animals = write(
        tmp_path / "animals.csv",
        "farm_id,rav_code,animals\nf1,E2.100,10000\nf1,E2.100,5000\nf1,e1.100,2000\n"
        "f2,K1.100,4\nghost,A1.100,5\n",
    )
    table = load_farms(farms, animals=animals)
    got = dict(zip(table.farms["farm_id"], table.farms["nh3_kg"], strict=True))
    assert got["f1"] == pytest.approx(15000 * 0.315 + 2000 * 0.170)
    assert got["f2"] == pytest.approx(20.0)
    assert any("ghost" in n for n in table.notes)


def test_given_nh3_wins_and_the_difference_is_reported(tmp_path):
    farms = write(
        tmp_path / "farms.csv",
        "farm_id,x,y,nh3_kg,subsidy_eur,A1.100\ng,150000,450000,1000,5000,100\n"
        "h,151000,451000,,5000,100\n",
    )
    table = load_farms(farms)
    got = dict(zip(table.farms["farm_id"], table.farms["nh3_kg"], strict=True))
    assert got == {"g": 1000.0, "h": 1300.0}
    check = table.nh3_check.set_index("farm_id")
    assert list(check.index) == ["g"]
    assert check.loc["g", "nh3_kg_from_animals"] == pytest.approx(1300.0)
    assert check.loc["g", "difference_kg"] == pytest.approx(300.0)
    assert check.loc["g", "difference_pct"] == pytest.approx(30.0)


def test_unknown_rav_code_is_a_rejection_reason_naming_the_code(tmp_path):
    farms = write(
        tmp_path / "farms.csv",
        "farm_id,x,y,subsidy_eur,A1.100,X9.999\nok,150000,450000,1,10,\nbad,151000,451000,1,10,3\n",
    )
    table = load_farms(farms)
    assert list(table.farms["farm_id"]) == ["ok"]
    reason = table.rejected.set_index("farm_id").loc["bad", "reason"]
    assert "unknown Rav code 'X9.999'" in reason
    assert table.n_read == len(table.farms) + len(table.rejected)


def test_rows_without_nh3_or_animals_and_bad_counts_are_rejected_with_reasons(tmp_path):
    farms = write(
        tmp_path / "farms.csv",
        "farm_id,x,y,nh3_kg,subsidy_eur,A1.100\nnone,150000,450000,,1,\n"
        "neg,151000,451000,,1,-4\nzero,152000,452000,,1,0\n",
    )
    table = load_farms(farms)
    reasons = table.rejected.set_index("farm_id")["reason"]
    assert "no nh3_kg value and no animal counts" in reasons["none"]
    assert "animals in column A1.100 not a number >= 0" in reasons["neg"]
    assert "nh3_kg missing" in reasons["zero"]
    assert table.n_read == 3 and len(table.farms) == 0


@pytest.mark.realdata
def test_species_fallbacks_come_close_to_recorded_emission_of_real_farms():
    path = REALDATA / "farms" / "geonovius_igo_veehouderijen_nabij_n2000.gpkg"
    if not path.exists():
        pytest.skip("shared/realdata is absent")
    # its `id` is a database row number: the location id is named (tests/test_columns.py)
    table = load_farms(path, columns=ColumnMapping.given({"farm_id": "vthobject_id"}, where="test"))
    assert table.n_read == 1141 == len(table.farms) + len(table.rejected)
    check = table.nh3_check
    ratio = (check["nh3_kg_from_animals"] / check["nh3_kg_given"]).to_numpy()
    ratio = ratio[ratio > 0]
    median = float(np.median(ratio))
    q25, q75 = np.quantile(ratio, [0.25, 0.75])
    within_2x = float(np.mean((ratio >= 0.5) & (ratio <= 2.0)))
    print(
        f"geonovius IGO farms: {len(check)} compared, median computed/recorded {median:.2f}, "
        f"IQR {q25:.2f}-{q75:.2f}, within a factor 2: {within_2x:.0%}"
    )
    assert len(check) > 800
    assert 0.8 <= median <= 1.6
    assert within_2x >= 0.5
    assert isinstance(check, pd.DataFrame)
