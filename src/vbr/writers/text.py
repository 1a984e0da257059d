"""How values read as text in every list vbr writes (the machine CSV, the Excel CSV, the
workbook, the map popups): numbers, whole numbers, booleans, and text that a spreadsheet would run
as a formula."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable

import numpy as np
import orjson
import pandas as pd

__all__ = [
    "FORMULA_START",
    "cell_values",
    "format_bools",
    "format_integers",
    "format_number",
    "format_numbers",
    "format_texts",
    "join_all",
    "looks_like_formula",
    "neutralise_formulas",
]


def format_number(value: float) -> str:
    """Text of a number for the machine CSV: whole numbers without a decimal part, others with the
    shortest text that reads back as the same float; empty for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


#: From this many values on, a column whose values repeat is written one distinct value at a
#: time (:func:`_each_distinct_once`).
DISTINCT_FROM = 10_000
#: How many values of a column are looked at to tell whether its values repeat.
_SAMPLE = 20_000


def _each_distinct_once(
    array: np.ndarray, write: Callable[[np.ndarray], list[str] | np.ndarray]
) -> np.ndarray:
    """``write(array)`` as an object array, where the values repeat as the text of each distinct
    value (the same bits) written once and shared by every row that holds it: the same texts
    in less time and memory (a million farms' ``nh3_kg`` has 70,000 distinct values, their
    ``cumulative_eur`` 2,000). A column whose evenly spread sample hardly repeats is written as
    it is."""
    n = len(array)
    if n >= DISTINCT_FROM:
        bits = array.view(np.uint64 if array.dtype.itemsize == 8 else f"u{array.dtype.itemsize}")
        sample = bits[:: max(1, n // _SAMPLE)]
        if len(np.unique(sample)) <= 0.95 * len(sample):
            codes, distinct = pd.factorize(bits, sort=False)
            return _texts(write(np.asarray(distinct).view(array.dtype)))[codes]
    return _texts(write(array))


def _texts(texts: list[str] | np.ndarray) -> np.ndarray:
    """Texts as a one-dimensional object array (what a table's column is made of)."""
    if isinstance(texts, np.ndarray) and texts.dtype == object:
        return texts
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


def format_numbers(values: Iterable) -> np.ndarray:
    """:func:`format_number` of every value, vectorised (the same text, value for value), as an
    object array."""
    try:
        array = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        return _texts([format_number(v) for v in values])
    if array.ndim != 1:
        return _texts([format_number(v) for v in values])
    return _each_distinct_once(array, _format_floats)


def _format_floats(array: np.ndarray) -> np.ndarray:
    out = np.empty(len(array), dtype=object)
    nan = np.isnan(array)
    with np.errstate(invalid="ignore"):
        whole = ~nan & (np.trunc(array) == array) & (np.abs(array) < 1e15)
    other = ~nan & ~whole
    out[nan] = ""
    out[whole] = _int_texts(array[whole].astype("int64"))
    with np.errstate(invalid="ignore"):
        middle = other & (np.abs(array) >= _SHORTEST_FROM) & (np.abs(array) < _SHORTEST_BELOW)
    out[middle] = _shortest_texts(array[middle].tolist())
    out[other & ~middle] = [repr(v) for v in array[other & ~middle].tolist()]
    return out


#: Where orjson writes a float as ``repr`` does: the shortest text that reads back as the same
#: float, in plain notation (``repr`` switches to an exponent below 1e-4 and from 1e16; orjson
#: writes ``0.00001`` for ``1e-05``). Whole numbers below 1e15 never get here.
_SHORTEST_FROM, _SHORTEST_BELOW = 1e-4, 1e15


def _shortest_texts(values: list[float]) -> list[str]:
    """``repr`` of every float (each between :data:`_SHORTEST_FROM` and
    :data:`_SHORTEST_BELOW` in size), four times faster: orjson writes the list in C. Where the
    orjson at hand would write any of a set of awkward values otherwise than ``repr``
    (:func:`_orjson_writes_as_repr`, checked once), ``repr`` writes them all."""
    if not values:
        return []
    if not _orjson_writes_as_repr():
        return [repr(v) for v in values]
    return _number_texts(values)


def _number_texts(numbers: object, option: int | None = None) -> list[str]:
    """The text orjson writes for each number of a list or 1-D array (a JSON array of numbers
    holds no comma inside an item)."""
    return orjson.dumps(numbers, option=option).decode("ascii")[1:-1].split(",")


@functools.cache
def _orjson_writes_as_repr() -> bool:
    """Whether orjson writes floats of the middle range as ``repr`` does: both give the
    shortest round-trip digits (ties to the nearest value), in plain notation there; checked on
    the bounds, halfway cases and 2,000 seeded values of every magnitude (about 5 ms)."""
    rng = np.random.default_rng(20261207)
    magnitudes = np.exp(rng.uniform(np.log(_SHORTEST_FROM), np.log(_SHORTEST_BELOW), 2_000))
    values = [
        _SHORTEST_FROM,
        np.nextafter(_SHORTEST_FROM, 1.0),
        np.nextafter(_SHORTEST_BELOW, 0.0),
        0.1,
        0.3,
        2.675,
        1 / 3,
        123456789012345.6,
        *magnitudes.tolist(),
        *(np.round(magnitudes, 2) + 0.005).tolist(),
    ]
    values = [float(sign * v) for v in values for sign in (1.0, -1.0)]
    return _number_texts(values) == [repr(v) for v in values]


def format_integers(values: Iterable, *, blank_below: int | None = None) -> np.ndarray:
    """Whole numbers as text, an object array; empty where below ``blank_below`` (e.g.
    ``NO_AREA``)."""
    array = np.asarray(values, dtype="int64")

    def write(array: np.ndarray) -> list[str] | np.ndarray:
        text = _int_texts(array)
        blank = array < blank_below if blank_below is not None else None
        if blank is None or not blank.any():
            return text
        out = np.array(text, dtype=object)  # every farm may be blank: no loop over them
        out[blank] = ""
        return out

    return _each_distinct_once(array, write)


def cell_values(column: pd.Series) -> list:
    """The values of a column as a list, as ``column.tolist()`` gives them, in half the time
    for pandas' string columns (their ``tolist`` converts value by value)."""
    return column.to_numpy(dtype=object).tolist()


def join_all(values: list, separator: str = "\n") -> str | None:
    """The values joined by ``separator``, or ``None`` when not all are text (one pass in C)."""
    try:
        return separator.join(values)
    except TypeError:
        return None


def format_texts(values: pd.Series) -> np.ndarray:
    """``str`` of every value, an object array; empty where missing."""
    array = values.to_numpy(dtype=object, na_value=None)
    # all text already (the reason column is): a scan in C (joining a million reasons to find
    # out took 200 MB)
    if pd.api.types.infer_dtype(array, skipna=False) == "string":
        return array
    return _texts(["" if v is None or pd.isna(v) else str(v) for v in array.tolist()])


def _int_texts(array: np.ndarray) -> list[str]:
    """``str`` of every whole number of an int64 array: written by orjson in C (a million in
    0.1 s; numpy's ``astype(str)`` and ``tolist`` take 0.4 s)."""
    if len(array) == 0:
        return []
    whole = np.ascontiguousarray(array, dtype="int64")
    return _number_texts(whole, orjson.OPT_SERIALIZE_NUMPY)


#: The texts of False and True, taken by index.
_BOOL_TEXTS = np.array(["false", "true"], dtype=object)


def format_bools(values: Iterable) -> np.ndarray:
    """``true``/``false`` per value, an object array; empty where missing."""
    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if array.dtype == bool and array.ndim == 1:  # no value missing: taken by index
        return _BOOL_TEXTS[array.view(np.int8)]
    return _texts(
        ["" if v is None or v is pd.NA else ("true" if v else "false") for v in array.tolist()]
    )


#: Characters that make a spreadsheet read a cell as a formula (or as DDE), when a cell starts with
#: them: ``=``, ``+``, ``-``, ``@``, and tab or carriage return before such a character.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"[+-]?(\d[\d.,]*|[.,]\d+)([eE][+-]?\d+)?"


def may_hold_formulas(values: list) -> bool:
    """False when no cell of ``values`` can start a formula: one search over the column joined
    in C, instead of a test per cell (most columns of a list hold none). True when some cell
    might (or the cells are not all text): :func:`looks_like_formula` then decides per cell."""
    joined = join_all(values, "\x00")
    if joined is None:
        return True
    # a substring test per character (C, memchr-fast); a regular expression of the same took 2 s
    return joined.startswith(FORMULA_START) or any(
        c in joined and "\x00" + c in joined for c in FORMULA_START
    )


def replace_in_all(values: list[str], old: str, new: str) -> list[str]:
    """``value.replace(old, new)`` for every text of ``values``, in one pass over the column
    joined in C (the decimal comma of the Excel lists: 1 s a column per cell at 45,000 farms)."""
    joined = join_all(values, "\x00")
    if joined is None or joined.count("\x00") != max(len(values) - 1, 0):
        return [str(v).replace(old, new) for v in values]
    return joined.replace(old, new).split("\x00") if values else []


def looks_like_formula(values: pd.Series) -> np.ndarray:
    """True where a text cell would start a formula in a spreadsheet (and is not a plain number:
    ``-12,5`` is a number, ``-2+3`` and ``=HYPERLINK(...)`` are formulas)."""
    text = values.astype(str)
    danger = text.str.startswith(FORMULA_START)
    if not danger.any():
        return danger.to_numpy()
    number = text.str.fullmatch(_PLAIN_NUMBER)
    return (danger & ~number).to_numpy()


def neutralise_formulas(table: pd.DataFrame, *, numeric: Iterable[str] = ()) -> pd.DataFrame:
    """A text table for people: every cell and column name that a spreadsheet would run as a
    formula (:func:`looks_like_formula`) gets a leading ``'`` (Excel hides it and shows the
    text as typed); the ``numeric`` columns are left as they are.

    The one place that neutralises text: the ``_excel.csv`` lists, the further lists
    (``subsidy_estimates.csv`` ...) and ``scenarios/`` use it.
    """
    out = table
    skip = set(numeric)
    for c in table.columns:
        if c in skip or not may_hold_formulas(cell_values(table[c])):
            continue
        values = table[c].astype(str)
        risky = looks_like_formula(values)
        if risky.any():
            if out is table:
                out = table.copy()
            values = values.copy()
            values[risky] = "'" + values[risky]
            out[c] = values.to_numpy(dtype=object)
    header = pd.Series([str(c) for c in out.columns])
    risky = looks_like_formula(header)
    if risky.any():
        out = out.copy() if out is table else out
        out.columns = ["'" + h if r else h for h, r in zip(header, risky, strict=True)]
    return out
