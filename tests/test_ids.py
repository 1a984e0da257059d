"""Farm ids: one text however it was typed (Unicode NFC, trimmed), and no invisible characters."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import X0, Y0, write_csv
from vbr.io.farms import load_farms
from vbr.io.ids import normalise_ids

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
COMPOSED = unicodedata.normalize("NFC", "Café-1")
DECOMPOSED = unicodedata.normalize("NFD", "Café-1")


def load(tmp_path, ids):
    rows = [[i, X0 + n, Y0, 10, 10] for n, i in enumerate(ids)]
    return load_farms(write_csv(tmp_path / "farms.csv", HEADER, rows))


def reasons_of(table) -> dict[str, str]:
    return dict(zip(table.rejected["farm_id"], table.rejected["reason"], strict=True))


def test_composed_and_decomposed_forms_of_one_id_are_duplicates(tmp_path):
    assert COMPOSED != DECOMPOSED
    table = load(tmp_path, [COMPOSED, DECOMPOSED, "other"])
    assert list(table.rejected["farm_id"]) == [COMPOSED, COMPOSED]
    assert set(table.rejected["reason"]) == {"farm_id duplicated (2 rows share it)"}
    assert list(table.farms["farm_id"]) == ["other"]


def test_decomposed_ids_are_ranked_in_their_composed_form(tmp_path):
    table = load(tmp_path, [DECOMPOSED, "other"])
    assert list(table.farms["farm_id"]) == [COMPOSED, "other"]


def test_ids_are_trimmed_of_unicode_white_space_before_the_duplicate_check(tmp_path):
    table = load(tmp_path, ["A-1", "\u00a0A-1\u3000", "\tB "])
    assert reasons_of(table) == {"A-1": "farm_id duplicated (2 rows share it)"}
    assert list(table.farms["farm_id"]) == ["B"]


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Café\u200b-1", "U+200B ZERO WIDTH SPACE at position 5"),
        ("\ufeffA-1", "U+FEFF ZERO WIDTH NO-BREAK SPACE at position 1"),  # a BOM in a cell
        ("A\ufeff-1", "U+FEFF ZERO WIDTH NO-BREAK SPACE at position 2"),
        ("A-1\u200b", "U+200B ZERO WIDTH SPACE at position 4"),
        ("A\x07-1", "U+0007 CONTROL CHARACTER at position 2"),
        ("A\u200e-1", "U+200E LEFT-TO-RIGHT MARK at position 2"),
        ("A\u00a0-1", "U+00A0 NO-BREAK SPACE at position 2"),
    ],
)
def test_an_id_with_an_invisible_character_is_rejected_naming_it(tmp_path, typed, named):
    table = load(tmp_path, [typed, "ok"])
    reason = reasons_of(table)[typed.strip()]
    assert reason.startswith(f"farm_id holds an invisible character ({named} of ")
    assert reason.endswith("; retype the id without it")
    assert list(table.farms["farm_id"]) == ["ok"]


def test_zero_width_space_no_longer_makes_a_second_farm_of_one_id(tmp_path):
    table = load(tmp_path, ["Café-1", "Café\u200b-1"])
    assert reasons_of(table)["Café\u200b-1"].startswith("farm_id holds an invisible character")
    assert list(table.farms["farm_id"]) == ["Café-1"]


def test_plain_ascii_ids_are_left_as_they_are():
    ids, problems = normalise_ids(pd.Series([" NL-001 ", "NL-002", ""]))
    assert ids.tolist() == ["NL-001", "NL-002", ""] and problems == {}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="a b\u00a0\x00\u00e9", max_size=4), max_size=12))
def test_ids_are_trimmed_and_checked_as_each_id_alone_would_be(texts):
    # the plain-ASCII shortcut (one search for spaces next to an id's edge) must trim and
    # flag exactly as normalising and checking every id on its own does
    ids, problems = normalise_ids(pd.Series(texts, dtype=object))
    expected = [unicodedata.normalize("NFC", t).strip() for t in texts]
    assert ids.tolist() == expected
    flagged = {i for i, t in enumerate(expected) if "\x00" in t or "\u00a0" in t}
    assert set(problems) == flagged
