"""Euro amounts as people type them: one parser for --budget and the config's euro values."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import X0, Y0, write_csv
from vbr.errors import ConfigError
from vbr.locale import babel_locale
from vbr.locale.amounts import AmountError, parse_euro
from vbr.settings import load_config

HUNDRED_MILLION = Decimal(100_000_000)


@pytest.mark.parametrize(
    "typed",
    [
        "100000000",
        "100.000.000",
        "100,000,000",
        "100 000 000",
        "100\u00a0000\u00a0000",
        "100_000_000",
        "EUR 100.000.000",
        "€100.000.000",
        "€ 100.000.000",
        "100.000.000 euro",
        "€100 mln",
        "100 miljoen",
        "100M",
        "100 million",
        "0,1 mld",
        "1e8",
        "1.0E8",
        "  100000000  ",
        "+100000000",
    ],
)
def test_every_form_of_a_hundred_million_reads_as_a_hundred_million(typed):
    assert parse_euro(typed) == HUNDRED_MILLION


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1,125 mld", "1125000000"),
        ("1.125 miljard", "1125000000"),
        ("1.125.000.000", "1125000000"),
        ("1,125,000,000", "1125000000"),
        ("1.5e8", "150000000"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("1 234 567,89", "1234567.89"),
        ("12,5", "12.5"),
        ("0.75", "0.75"),
        ("0.125", "0.125"),
        ("1234.567", "1234.567"),
        ("2.5 mln", "2500000"),
        ("100k", "100000"),
        ("0", "0"),
        ("-0", "0"),
    ],
)
def test_amounts_read_as_people_mean_them(typed, amount):
    assert parse_euro(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["1.125", "1,125", "100.000", "€ 1.234", "EUR 999,999"])
def test_a_form_that_reads_two_ways_is_refused(typed):
    with pytest.raises(AmountError, match="reads two ways"):
        parse_euro(typed)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("-5", "negative"),
        ("−5 mln", "negative"),
        ("nan", "not a finite amount"),
        ("inf", "not a finite amount"),
        ("1e400", "not a finite amount"),
        ("", "holds no number"),
        ("EUR", "holds no number"),
        ("abc", "is not an amount"),
        ("5 biljoen", "biljoen"),
        ("5 foo", "unknown unit"),
        ("1.23.45", "groups thousands"),
        ("100 00", "groups of three"),
        ("1.2,3", "decimal mark"),
    ],
)
def test_unusable_amounts_are_refused_saying_why(typed, why):
    with pytest.raises(AmountError, match=why):
        parse_euro(typed)


def test_numbers_pass_through_and_bad_numbers_are_refused():
    assert parse_euro(1_125_000_000) == Decimal(1_125_000_000)
    assert parse_euro(0.5) == Decimal("0.5")
    for bad in (float("nan"), float("inf"), -1.0, True):
        with pytest.raises(AmountError):
            parse_euro(bad)


# --- round trips: an amount formatted as people and programs write it reads back exactly ------

cents = st.integers(min_value=0, max_value=10**15)  # up to EUR 10 trillion, to the cent
euros = st.integers(min_value=0, max_value=10**13)


def grouped(whole: int, mark: str) -> str:
    return f"{whole:,}".replace(",", mark)


@given(euros, st.sampled_from([".", ",", " ", "_", "\u00a0", "'"]))
def test_whole_euros_grouped_by_any_mark_read_back(amount, mark):
    text = grouped(amount, mark)
    if mark in ".," and text.count(mark) == 1:
        return  # one group mark alone reads two ways (tested above)
    assert parse_euro(text) == amount


@given(cents, st.sampled_from(["nl", "en"]))
def test_babel_formatted_money_reads_back(amount_cents, lang):
    from babel.numbers import format_currency

    amount = Decimal(amount_cents) / 100
    text = format_currency(amount, "EUR", locale=babel_locale(lang))
    assert parse_euro(text) == amount


@given(cents, st.sampled_from([("", ""), ("EUR ", ""), ("€", ""), ("", " euro")]))
def test_dutch_and_english_cents_with_a_currency_mark_read_back(amount_cents, marks):
    amount = Decimal(amount_cents) / 100
    whole, fraction = divmod(amount_cents, 100)
    before, after = marks
    dutch = f"{before}{grouped(whole, '.')},{fraction:02d}{after}"
    english = f"{before}{grouped(whole, ',')}.{fraction:02d}{after}"
    assert parse_euro(dutch) == amount
    assert parse_euro(english) == amount


@given(
    st.integers(min_value=1, max_value=999_999),
    st.sampled_from([("mln", 10**6), ("miljoen", 10**6), ("mld", 10**9), ("k", 10**3)]),
    st.sampled_from([",", "."]),
)
def test_fractions_of_a_unit_read_back_exactly(thousandths, unit, mark):
    word, factor = unit
    whole, fraction = divmod(thousandths, 1000)
    text = f"{whole}{mark}{fraction:03d} {word}"
    assert parse_euro(text) == Decimal(thousandths) * factor / 1000


@given(st.integers(min_value=0, max_value=10**17))
def test_python_and_scientific_forms_read_back(amount):
    assert parse_euro(f"{amount:_}") == amount
    assert parse_euro(str(amount)) == amount
    assert parse_euro(f"{amount:.6e}") == Decimal(f"{amount:.6e}")


# --- the command line and the config --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("100.000.000", 100_000_000.0), ("EUR 1,125 mld", 1_125_000_000.0), ("1.5e8", 150_000_000.0)],
)
@pytest.mark.slow
def test_budget_option_takes_what_people_type(run_small, tmp_path, typed, expected):
    farms = write_csv(
        tmp_path / "farms.csv",
        ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"],
        [["a", X0 + 500, Y0 + 500, 1000, 500_000]],
    )
    code, _, err, out = run_small(farms, "--budget", typed, "--quiet")
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["budget_eur"] == expected


@pytest.mark.parametrize(
    ("typed", "words"), [("1.125", "reads two ways"), ("-5", "negative"), ("inf", "finite")]
)
def test_budget_option_refuses_what_reads_two_ways_or_is_no_amount(vbr, tmp_path, typed, words):
    out = tmp_path / "out"
    code, _, err = vbr("run", "--budget", typed, "--out", out, "--quiet", "--lang", "en")
    assert code == 2
    assert "--budget" in err and words in err
    assert not out.exists()


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_config_euro_values_take_what_people_type(tmp_path):
    config = load_config(
        write_config(
            tmp_path / "c.toml",
            '[budget]\nnational_eur = "1,125 mld"\n'
            '[[budget.regional]]\nregions = ["Veluwe"]\neur = "EUR 600 mln"\n'
            '[subsidy]\nphosphate_eur_per_kg = "€ 121,50"\n'
            '[subsidy.pig_right_eur]\nsouth = "150"\neast = 31\nelsewhere = "27,50"\n',
        )
    )
    assert config.budget_eur == 1_125_000_000
    assert config.regional_budgets[0].eur == 600_000_000
    assert config.subsidy.phosphate_eur_per_kg == 121.5
    assert config.subsidy.pig_right_eur == {"south": 150, "east": 31, "elsewhere": 27.5}


def test_config_euro_value_that_reads_two_ways_names_the_key(tmp_path):
    path = write_config(tmp_path / "c.toml", '[budget]\nnational_eur = "1.125"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "budget.national_eur" in str(info.value)
    assert "reads two ways" in str(info.value)
