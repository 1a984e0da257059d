"""The fast paths give exactly what the plain definitions give (the benchmark's speed-ups)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import gpkg_bytes
from vbr.core.distance import distance_to_overloaded
from vbr.io.tables import _parse_numbers_by_rules, _to_floats, parse_numbers
from vbr.writers import text
from vbr.writers.lists import write_csv
from vbr.writers.text import (
    DISTINCT_FROM,
    _orjson_writes_as_repr,
    _shortest_texts,
    format_bools,
    format_integers,
    format_number,
    format_numbers,
)

FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**60), max_value=2**60).map(float),
    st.sampled_from([0.0, -0.0, 1e15, -1e15, 1e15 - 1, 999999999999999.9, 0.1, 1e-7, 1e16]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FLOATS, max_size=30))
def test_vectorised_number_text_equals_format_number(values: list[float]) -> None:
    assert format_numbers(np.asarray(values, dtype="float64")).tolist() == [
        format_number(v) for v in values
    ]
    assert format_numbers(pd.Series(values, dtype="float64")).tolist() == [
        format_number(v) for v in values
    ]


@settings(max_examples=30, deadline=None)
@given(st.lists(FLOATS, min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_a_long_column_of_repeated_values_reads_as_each_value_alone(values, seed) -> None:
    # past DISTINCT_FROM a column whose values repeat is written one distinct value at a time
    # (the same bits: -0.0 apart from 0.0, every NaN); its texts must be those of every value
    rng = np.random.default_rng(seed)
    column = rng.choice(np.asarray(values, dtype="float64"), size=DISTINCT_FROM + 7)
    assert format_numbers(column).tolist() == [format_number(v) for v in column]
    whole = np.rint(np.nan_to_num(column, posinf=0, neginf=0) % 1000).astype("int64") - 1
    texts = [str(v) if v >= 0 else "" for v in whole]
    assert format_integers(whole, blank_below=0).tolist() == texts


def test_a_column_that_does_not_repeat_reads_the_same() -> None:
    column = np.random.default_rng(3).uniform(-1e6, 1e6, DISTINCT_FROM * 3)
    column[::7] = np.round(column[::7])
    assert format_numbers(column).tolist() == [format_number(v) for v in column]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=1e-4, max_value=1e15, exclude_max=True).flatmap(
            lambda v: st.sampled_from([v, -v])
        ),
        min_size=1,
        max_size=50,
    )
)
def test_floats_written_by_orjson_read_as_repr(values: list[float]) -> None:
    # the middle range goes through orjson (the shortest round-trip text in C): as repr
    assert _orjson_writes_as_repr()
    assert _shortest_texts(values) == [repr(v) for v in values]


def test_without_orjson_writing_as_repr_the_floats_are_written_by_repr(monkeypatch) -> None:
    monkeypatch.setattr(text, "_orjson_writes_as_repr", lambda: False)
    monkeypatch.setattr(text.orjson, "dumps", None)  # would raise if it were used
    values = np.random.default_rng(5).uniform(-1e5, 1e5, 1000)
    assert format_numbers(values).tolist() == [format_number(v) for v in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=30), st.integers(-5, 5))
def test_whole_numbers_read_as_str(values: list[int], below: int) -> None:
    array = np.asarray(values, dtype="int64")
    assert format_integers(array).tolist() == [str(v) for v in values]
    assert format_integers(array, blank_below=below).tolist() == [
        str(v) if v >= below else "" for v in values
    ]


def test_booleans_read_true_false_and_empty_where_missing() -> None:
    assert format_bools(np.array([True, False, True])).tolist() == ["true", "false", "true"]
    assert format_bools(pd.Series([False, True])).tolist() == ["false", "true"]
    assert format_bools(pd.Series([True, None, False], dtype=object)).tolist() == [
        "true",
        "",
        "false",
    ]
    assert format_bools(pd.Series([True, pd.NA], dtype="boolean")).tolist() == ["true", ""]
    assert format_bools([]).tolist() == []


NUMBER_TEXT = st.text(alphabet="0123456789.,-+ e'€\u00a0inf", max_size=14)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(NUMBER_TEXT, min_size=1, max_size=20), st.sampled_from([".", ","]))
def test_parse_numbers_fast_path_equals_the_rules(texts: list[str], decimal: str) -> None:
    values = pd.Series(texts, dtype=object)
    fast, fast_bad = parse_numbers(values, decimal=decimal)
    slow, slow_bad = _parse_numbers_by_rules(values, decimal=decimal)
    np.testing.assert_array_equal(fast, slow)
    np.testing.assert_array_equal(fast_bad, slow_bad)


PLAIN_DECIMALS = st.builds(
    lambda sign, digits, point: (
        sign + (digits[:point] + "." + digits[point:] if point >= 0 else digits)
    ),
    st.sampled_from(["", "", "-", "+"]),
    st.text(alphabet="0123456789", min_size=1, max_size=18),
    st.integers(-8, 18),
)
NUMBER_TEXTS = st.one_of(
    PLAIN_DECIMALS,
    PLAIN_DECIMALS,
    st.sampled_from(["", "-0", "+0", "-0.0", "0", "-", ".", "-.5", "5.", " 7", "7 ", "1e5", "inf"]),
    st.sampled_from(["-inf", "nan", "NaN", "1,5", "1_000", "\u0663", "12\n3", "9" * 20, "-1"]),
    st.sampled_from(["18446744073709551615", "9223372036854775808", "0x1A", "\x00", "1\x002"]),
    st.text(alphabet="0123456789.-+e ", max_size=8),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(NUMBER_TEXTS, max_size=25))
def test_plain_decimals_read_as_pandas_reads_them(texts: list[str]) -> None:
    # the same bits as pandas' to_numeric, also its choice of ints (where -0 is 0.0) or floats
    array = np.array(texts, dtype=object)
    expected = np.asarray(pd.to_numeric(array, errors="coerce"), dtype="float64")
    got = _to_floats(array)
    assert got.dtype == np.float64
    missing = np.isnan(expected)
    assert np.isnan(got).tolist() == missing.tolist()
    assert got[~missing].view(np.int64).tolist() == expected[~missing].view(np.int64).tolist()


def test_a_column_of_whole_numbers_reads_minus_zero_as_zero_as_pandas_does() -> None:
    whole = np.array(["-0", "12", "-3"], dtype=object)
    with_point = np.array(["-0", "12", "-3.5"], dtype=object)
    with_empty = np.array(["-0", "12", ""], dtype=object)
    assert np.signbit(_to_floats(whole)).tolist() == [False, False, True]
    assert np.signbit(_to_floats(with_point)).tolist() == [True, False, True]
    assert np.signbit(_to_floats(with_empty))[0]


def test_parse_numbers_keeps_thousands_points_in_decimal_comma_files() -> None:
    numbers, bad = parse_numbers(pd.Series(["1.500", "12", "12,5", "x", ""]), decimal=",")
    np.testing.assert_array_equal(numbers, [1500.0, 12.0, 12.5, np.nan, np.nan])
    np.testing.assert_array_equal(bad, [False, False, False, True, False])


def test_piece_size_changes_no_distance_nor_nearest_area() -> None:
    rng = np.random.default_rng(7)
    t = np.linspace(0, 2 * np.pi, 400)
    ring = np.column_stack([5000 + 3000 * np.cos(t), 5000 + 2000 * np.sin(t)])
    hole = [(4500, 4500), (5500, 4500), (5500, 5500), (4500, 5500)]
    polygons = np.array(
        [
            shapely.Polygon(ring, [hole]),
            shapely.box(9000, 9000, 9500, 9600),
            shapely.box(0, 0, 800, 900),
        ]
    )
    points = shapely.points(rng.uniform(-2000, 12000, (3000, 2)))
    numbers = np.array([57, 3, 12])
    results = [
        distance_to_overloaded(points, polygons, numbers, segments_per_piece=k)
        for k in (1, 7, 16, 500)
    ]
    for distance, nearest in results[1:]:
        np.testing.assert_array_equal(distance, results[0][0])
        np.testing.assert_array_equal(nearest, results[0][1])
    expected = np.min([shapely.distance(points, p) for p in polygons], axis=0)
    np.testing.assert_array_equal(results[0][0], expected)


def test_write_csv_quotes_only_where_needed(tmp_path) -> None:
    table = pd.DataFrame({"a": ["1", 'say "hi"', "x,y"], "b": ["", "line\nbreak", "=1+1"]})
    write_csv(table, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == (
        b'a,b\n1,\n"say ""hi""","line\nbreak"\n"x,y",=1+1\n'
    )


CSV_TEXT = st.text(alphabet="ab1 ,;\t\n\r\u00e9", max_size=60)


def _csv_module_bytes(table: pd.DataFrame, *, delimiter: str, line_end: str) -> bytes:
    """What Python's csv writer gives, with the one difference the fast writer keeps on purpose:
    a row holding a carriage return is quoted as if the line end were CRLF."""
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(list(table.columns))
    crlf = io.StringIO(newline="")
    quoting_cr = csv.writer(crlf, delimiter=delimiter, lineterminator="\r\n")
    for row in table.itertuples(index=False, name=None):
        if any("\r" in str(v) for v in row):
            crlf.seek(0)
            crlf.truncate()
            quoting_cr.writerow(row)
            out.write(crlf.getvalue()[:-2] + line_end)
        else:
            writer.writerow(row)
    return out.getvalue().encode("utf-8")


CELLS = st.one_of(st.text(alphabet='ab ,;"\n\r\t\u00e9=', max_size=8), st.none(), st.integers())


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.tuples(
            st.lists(st.text(alphabet='h ,;"\n', max_size=4), min_size=width, max_size=width),
            st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=6),
        )
    ),
    st.sampled_from([(",", "\n"), (";", "\r\n")]),
)
@pytest.mark.slow
def test_column_wise_csv_writer_equals_the_csv_module(table_rows, dialect) -> None:
    import tempfile
    from pathlib import Path

    from vbr.writers import lists

    header, rows = table_rows
    header = [f"{h}{i}" for i, h in enumerate(header)]  # names must differ for a DataFrame
    table = pd.DataFrame(rows, columns=header, dtype=object)
    delimiter, line_end = dialect
    expected = _csv_module_bytes(table, delimiter=delimiter, line_end=line_end)
    default = lists._ROWS_PER_WRITE
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        for block in (default, 2):  # one block, and blocks of two rows written one by one
            lists._ROWS_PER_WRITE = block
            try:
                lists._write_delimited(
                    table, path, delimiter=delimiter, line_end=line_end, encoding="utf-8"
                )
            finally:
                lists._ROWS_PER_WRITE = default
            assert path.read_bytes() == expected, block


def test_lone_empty_field_is_quoted_like_the_csv_module(tmp_path) -> None:
    table = pd.DataFrame({"only": ["", "x", ""]})
    write_csv(table, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == b'only\n""\nx\n""\n'


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["h1,h2,h3\n", "h1;h2\n", "a\tb\n", ""]), CSV_TEXT)
def test_plain_csv_fast_reader_equals_the_csv_module(header: str, text: str) -> None:
    import tempfile
    from pathlib import Path

    from vbr.errors import InputError
    from vbr.io import tables

    def read(fast: bool):
        original = tables._read_plain_csv
        if not fast:
            tables._read_plain_csv = lambda text, sep: None
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "f.csv"
                path.write_bytes((header + text).encode("utf-8"))
                try:
                    t = tables.read_table(path)
                except InputError as exc:
                    return ("error", str(exc).replace(str(path), "FILE"))
                return (
                    list(t.frame.columns),
                    t.frame.to_numpy(dtype=object).tolist(),
                    t.row_problems,
                    t.info,
                    t.decimal,
                )
        finally:
            tables._read_plain_csv = original

    assert read(fast=True) == read(fast=False)


def test_threaded_buffer_gives_the_same_geometries_in_the_same_order() -> None:
    from vbr.core.zones import buffer_in_threads

    rng = np.random.default_rng(3)
    polygons = np.array(
        [
            shapely.Point(x, y).buffer(r, quad_segs=rng.integers(2, 40))
            for x, y, r in rng.uniform(0, 5000, (9, 3))
        ]
        + [shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 4, 4))]
    )
    one = shapely.buffer(polygons, 1000, quad_segs=16)
    many = buffer_in_threads(polygons, 1000)
    assert all(shapely.equals_exact(a, b, 0) for a, b in zip(one, many, strict=True))


def _is_text_value_by_value(values: pd.Series) -> bool:
    """The search's text test as first written: every distinct value matched on its own."""
    from vbr.maps.search import _NUMBER_OR_DATE

    plain = pd.Series(pd.unique(values.to_numpy(dtype=object)), dtype=object).str.strip()
    plain = plain[plain.ne("") & plain.notna()]
    return not bool(plain.str.match(_NUMBER_OR_DATE).all())


_SEARCH_CELLS = st.lists(
    st.one_of(
        st.text(alphabet="0123456789.,-+/:eEZT \n\tx\u0663", max_size=12),
        st.sampled_from(["2024-01-01", "2024-01-01 10:00", "Z", "1,234", "05-03-2024 15:59", ""]),
        st.none(),
    ),
    max_size=10,
)


def test_search_number_pattern_tells_digits_apart_only_as_any_digit() -> None:
    # _is_text matches each cell's shape with its ASCII digits read as 0: only right while the
    # pattern holds no literal digit (the digits of a {m,n} repeat are not matched text)
    from vbr.maps.search import _NUMBER_OR_DATE

    pattern = re.sub(r"\{\d+(,\d*)?\}", "", _NUMBER_OR_DATE.pattern)
    assert not re.search(r"[0-9]", pattern)


@settings(max_examples=400, deadline=None)
@given(_SEARCH_CELLS)
def test_search_text_test_on_the_joined_column_equals_the_test_value_by_value(cells):
    from vbr.maps.search import _is_text

    values = pd.Series(cells, dtype=object)
    assert _is_text(values) == _is_text_value_by_value(values)


_ESCAPE_PIECES = ["a", "&", "<", ">", "_x", "_x00A9_", "_X0041_", "_x12G4_", "_x005F_", "é", " "]
_ESCAPE_PIECES += ["\x00", "\x01", "\x0b", "\r", "\x1f", "\t", "\n"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(_ESCAPE_PIECES),
        max_size=14,
    ).map("".join)
)
def test_workbook_escape_of_a_joined_column_equals_the_escape_of_a_cell(text):
    from vbr.writers.workbook import _xml_column, _xml_text

    assert _xml_column(text) == _xml_text(text)


def _points_frame(n: int = 5):
    """Five farms with the values most likely to come out otherwise: missing text, NaN, inf,
    -0.0, 2**62, NUL, non-ASCII, booleans of three kinds in an object column."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {
            "rank": np.array([1, 2, 3, 2**62, -(2**62)][:n], dtype="int64"),
            "eur_per_kg": np.array([np.inf, -np.inf, 1.5, 0.1, 1e-300][:n]),
            "input_note": np.array(["a\x00b", None, "", "x", "y"][:n], dtype=object),
            "farm_id": pd.array([f"NL-{k}" for k in range(n - 1)] + [None], dtype="str"),
            "priority": np.array([True, False] * (n // 2) + [True] * (n % 2)),
            "distance_m": np.array([0.0, 12.5, np.nan, 1e15, -0.0][:n]),
            "selected": np.array([True, False, None, np.True_, "waarschijnlijk"][:n], dtype=object),
            "reason": pd.array(["Sûr – €", "", "voorrang: in Veluwe (57)", "😀", "a\tb"][:n]),
        },
        geometry=shapely.points(np.arange(n) * 10.0 + 150_000.0, np.full(n, 450_000.0)),
        crs="EPSG:28992",
    )


def test_gpkg_points_through_arrow_are_the_bytes_write_dataframe_writes(tmp_path) -> None:
    from vbr.writers.geopackage import arrow_points

    frame = _points_frame()
    assert arrow_points(frame) is not None  # the Arrow path is taken
    assert gpkg_bytes(frame, tmp_path / "arrow.gpkg", arrow=True) == gpkg_bytes(
        frame, tmp_path / "frame.gpkg", arrow=False
    )


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The test session's one run on the default data (slow: see conftest)."""
    from maps_inputs import default_run_once

    return default_run_once(tmp_path_factory)


def test_gpkg_points_of_the_default_run_through_arrow_are_the_same_bytes(
    tmp_path, default_run
) -> None:
    from vbr.writers.geopackage import arrow_points, farms_layer

    frame = farms_layer(default_run[0])
    assert arrow_points(frame) is not None
    assert gpkg_bytes(frame, tmp_path / "arrow.gpkg", arrow=True) == gpkg_bytes(
        frame, tmp_path / "frame.gpkg", arrow=False
    )


def test_gpkg_layers_arrow_does_not_take_are_written_by_write_dataframe(tmp_path) -> None:
    from vbr.writers.geopackage import arrow_points

    frame = _points_frame()
    others = {
        "no rows": frame.iloc[:0],
        "polygons": frame.set_geometry(frame.geometry.buffer(1.0)),
        "3D points": frame.set_geometry(shapely.points(np.ones((len(frame), 3)))),
        "nullable integers": frame.assign(rank=pd.array([1, None, 3, 4, 5], dtype="Int64")),
        "numbers in an object column": frame.assign(
            selected=np.array([1, 2.5, None, 3, 4], dtype=object)
        ),
        "an attribute named geom": frame.assign(GEOM="x"),
    }
    for why, other in others.items():
        assert arrow_points(other) is None, why
    # and they are written as before
    other = others["nullable integers"]
    assert gpkg_bytes(other, tmp_path / "a.gpkg", arrow=True) == gpkg_bytes(
        other, tmp_path / "b.gpkg", arrow=False
    )
