"""Times as Dutch files hold them: ISO 8601, Dutch day-first dates, Excel date cells.

Accepted, per value (leading and trailing spaces ignored, an empty value is "not given"):

- ISO 8601: ``2024-03-05``, ``2024-03-05T15:59``, ``2024-03-05 15:59:00``, with or without a
  zone (``Z``, ``+01:00``);
- Dutch, always day first: ``05-03-2024``, ``5-3-2024``, ``05/03/2024``, each optionally followed
  by ``15:59`` or ``15:59:30``;
- in an XLSX file: date cells (openpyxl gives them as datetimes, read as ISO text) and plain
  numbers, which are Excel date serials (days since the workbook's epoch) between 1970 and 2099.

A time without a zone is Dutch local time (Europe/Amsterdam, summer time included). A local time
that does not exist (the hour skipped when summer time begins: ``2024-03-31 02:30``) is rejected.
A local time that occurs twice (the hour repeated when summer time ends: ``2024-10-27 02:30``)
is read as the first of the two, in summer time (+02:00): the clock showed it first then, both
readings fall on the same calendar day (which is what first come first served orders by), and a
note counts such times so that a user who meant the second can give the zone (+01:00).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vbr.errors import InputError
from vbr.io.tables import short_text
from vbr.locale import Message, say

__all__ = ["ACCEPTED_FORMS", "ParsedTimes", "parse_times"]

#: The forms a reason lists when a time cannot be read.
ACCEPTED_FORMS = (
    "jjjj-mm-dd[Thh:mm[:ss]][zone] (ISO 8601), dd-mm-jjjj, d-m-jjjj or dd/mm/jjjj, each "
    "optionally with hh:mm or hh:mm:ss (day first; without a zone Dutch local time)"
)
AMSTERDAM = "Europe/Amsterdam"

_TZ_SUFFIX = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"
#: ISO 8601 as accepted here starts with a full date (``2024`` or ``2024-03`` alone is no time).
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
#: A time with a zone (matched at the start): a full date, a time after ``T`` or a space, then a
#: zone suffix at the end. The suffix starts with no digit, so it cannot take the time's digit.
_ZONED = re.compile(_ISO_DATE + r"[T ]\d.*" + _TZ_SUFFIX, re.DOTALL)
#: A full ISO date, alone or followed by a time (matched at the start).
_ISO_START = re.compile(_ISO_DATE + r"(?:$|[T ])")
#: Dutch day-first dates with an optional time, for pandas' strptime (after ``/`` -> ``-``;
#: ``%d``, ``%m`` and ``%H`` take one or two digits).
_DUTCH_FORMS = ("%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y")
_SERIAL = re.compile(r"^\d+(?:\.\d+)?$")
#: Excel serials read as dates: 1970-01-01 .. 2099-12-31 (days since 1899-12-30).
_SERIAL_RANGE = (25_569.0, 73_051.0)

# Times are kept in nanoseconds (years 1678..2261); a time outside that range is a typing error
# (``9999-12-31``) and is rejected like any other unreadable time rather than crashing the run.
_TIME_MIN = pd.Timestamp("1678-01-02")
_TIME_MAX = pd.Timestamp("2261-12-31")


@dataclass
class ParsedTimes:
    """A column of times as read.

    Attributes
    ----------
    times
        UTC times (``datetime64[ns, UTC]``), NaT where empty or not usable.
    problems
        The reason of every row whose time cannot be used (row position -> text).
    ambiguous
        Rows whose local time occurs twice (read as summer time).
    notes
        What the user should know (ambiguous times).
    """

    times: pd.Series
    problems: dict[int, str] = field(default_factory=dict)
    ambiguous: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    notes: list[str] = field(default_factory=list)

    @classmethod
    def not_given(cls, n: int) -> ParsedTimes:
        """``n`` rows without a time (the file has no such column)."""
        return cls(
            times=pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]"),
            ambiguous=np.zeros(n, dtype=bool),
        )


def _zoned(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The values stripped, and where each is a time with a zone (:data:`_ZONED`).

    The common form, ``2024-03-01T10:00:00+01:00`` (or with ``Z``, or a space for ``T``), is
    recognised by its characters in a fixed-width byte array (numpy, in C); only the other
    values are stripped and matched one by one (2.2 -> 0.3 s at a million farms).
    """
    text = values.astype(str).reset_index(drop=True)
    zoned = np.zeros(len(text), dtype=bool)
    lengths = text.str.len().to_numpy()
    for width, shape in _COMMON_ZONED.items():
        zoned |= _shaped(text, lengths, width, shape)
    rest = np.flatnonzero(~zoned & (lengths > 0))  # an empty value stays empty, unzoned
    if not len(rest):
        return text, zoned
    stripped = text.iloc[rest].str.strip()
    zoned[rest] = stripped.str.match(_ZONED).to_numpy(dtype=bool)
    text = text.copy()
    text.iloc[rest] = stripped.to_numpy(dtype=object)
    return text, zoned


#: The common forms of a time with a zone, by length: per character, what it must be (``d`` a
#: digit; ``+`` a sign; ``T`` a ``T`` or a space; any other character itself). Each is a case
#: of :data:`_ZONED`.
_COMMON_ZONED = {
    25: "dddd-dd-ddTdd:dd:dd+dd:dd",
    20: "dddd-dd-ddTdd:dd:ddZ",
}


def _shaped(text: pd.Series, lengths: np.ndarray, width: int, shape: str) -> np.ndarray:
    """Where a value (of ``lengths``) has exactly ``shape`` (see :data:`_COMMON_ZONED`)."""
    rows = np.flatnonzero(lengths == width)
    out = np.zeros(len(text), dtype=bool)
    if not len(rows):
        return out
    try:
        cells = np.array(text.iloc[rows].tolist(), dtype=f"S{width}")
    except UnicodeEncodeError:  # not ASCII: the slow path decides
        return out
    chars = cells.view(np.uint8).reshape(len(rows), width)
    ok = np.ones(len(rows), dtype=bool)
    for k, want in enumerate(shape):
        c = chars[:, k]
        if want == "d":
            ok &= (c >= ord("0")) & (c <= ord("9"))
        elif want == "+":
            ok &= (c == ord("+")) | (c == ord("-"))
        elif want == "T":
            ok &= (c == ord("T")) | (c == ord(" "))
        else:
            ok &= c == ord(want)
    out[rows[ok]] = True
    return out


def parse_times(
    values: pd.Series,
    *,
    column: str = "submitted_at",
    source: str | None = None,
    excel_epoch: _dt.datetime | None = None,
    row_label: Callable[[int], str] = lambda i: f"row {i + 2}",
) -> ParsedTimes:
    """Read a column of times (see the module for the accepted forms).

    Parameters
    ----------
    values
        The column as text.
    column
        The field's name, for the reasons (``submitted_at``, ``complete_at``).
    source
        The file, for an error.
    excel_epoch
        The workbook's date epoch when the column comes from an XLSX file (plain numbers are
        then Excel date serials); ``None`` for other files.
    row_label
        How a row position is named in a message (``row 5``).

    Raises
    ------
    InputError
        When a Dutch date in the column reads only month first (``3/25/2024``): the other dates
        of that column would be misread day first, so nothing of it can be trusted.
    """
    s, zoned = _zoned(values)
    n = len(s)
    raw = s.to_numpy(dtype=object)
    empty = (s == "").to_numpy()
    # Every time is first read at microseconds (years 1..9999), checked against the nanosecond
    # range, then kept in nanoseconds.
    utc = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]")
    local = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    zoned &= ~empty
    if zoned.any():
        utc[zoned] = pd.to_datetime(s[zoned], format="ISO8601", utc=True, errors="coerce")
    full_date = np.zeros(n, dtype=bool)
    others = np.flatnonzero(~zoned & ~empty)
    if len(others):
        full_date[others] = s.iloc[others].str.match(_ISO_START).to_numpy(dtype=bool)
    naive_rows = np.flatnonzero(full_date)
    not_iso = ~zoned & ~empty & ~full_date
    if len(naive_rows):
        iso = pd.to_datetime(s.iloc[naive_rows], format="ISO8601", errors="coerce")
        if getattr(iso.dt, "tz", None) is not None:  # a zone that _ZONED did not see
            utc.iloc[naive_rows] = iso.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        else:
            local.iloc[naive_rows] = iso.astype("datetime64[us]").to_numpy()
            not_iso[naive_rows] = iso.isna().to_numpy()
    problems: dict[int, str] = {}
    rest = np.flatnonzero(not_iso)
    if len(rest):
        dutch_rows, dutch_times = _dutch(
            s.iloc[rest], column=column, source=source, row_label=row_label
        )
        local.iloc[dutch_rows] = dutch_times
        if excel_epoch is not None:
            serial_rows, serial_times, serial_problems = _excel_serials(
                s.iloc[rest], excel_epoch, column=column
            )
            local.iloc[serial_rows] = serial_times
            problems.update(serial_problems)
    out_of_range = (utc.notna() & ~_in_range(utc.dt.tz_localize(None))).to_numpy() | (
        local.notna() & ~_in_range(local)
    ).to_numpy()
    local_rows = np.flatnonzero(local.notna().to_numpy() & ~out_of_range)
    ambiguous = np.zeros(n, dtype=bool)
    missing_hour = np.zeros(n, dtype=bool)
    if len(local_rows):
        naive = local.iloc[local_rows]
        strict = naive.dt.tz_localize(AMSTERDAM, ambiguous="NaT", nonexistent="NaT")
        summer = naive.dt.tz_localize(
            AMSTERDAM, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="NaT"
        )
        ambiguous[local_rows] = (strict.isna() & summer.notna()).to_numpy()
        missing_hour[local_rows] = summer.isna().to_numpy()
        utc.iloc[local_rows] = summer.dt.tz_convert("UTC").to_numpy()
    utc[out_of_range] = pd.NaT
    out = utc.astype("datetime64[ns, UTC]")
    for i in np.flatnonzero(~empty & out.isna().to_numpy()):
        if i in problems:
            continue
        if missing_hour[i]:
            problems[i] = (
                f"{column} does not exist in Dutch local time ({short_text(raw[i])}: that "
                "night the clocks jump from 02:00 to 03:00 as summer time begins); give the time "
                "with its zone (+01:00) or as the clock showed it"
            )
        elif out_of_range[i]:
            problems[i] = f"{column} outside the years 1678..2261 ({short_text(raw[i])})"
        else:
            problems[i] = (
                f"{column} not a time in an accepted form ({short_text(raw[i])}); accepted: "
                + ACCEPTED_FORMS
            )
    notes = []
    if ambiguous.any():
        notes.append(Message("notes.doubled_hour", count=int(ambiguous.sum()), column=column))
    return ParsedTimes(times=out, problems=problems, ambiguous=ambiguous, notes=notes)


def _dutch(
    values: pd.Series, *, column: str, source: str | None, row_label: Callable[[int], str]
) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in the whole column) and naive times of the Dutch day-first values.

    Each form is one strptime pass of pandas (C speed) over the values still unread; a value
    that reads in none of them but month first stops the run.
    """
    text = values.str.replace("/", "-", regex=False)
    found = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    for form in _DUTCH_FORMS:
        todo = found.isna().to_numpy()
        if not todo.any():
            break
        found[todo] = pd.to_datetime(text[todo], format=form, errors="coerce").astype(
            "datetime64[us]"
        )
    unread = found.isna().to_numpy()
    if unread.any():
        month_first = pd.Series(False, index=values.index)
        for form in _DUTCH_FORMS:
            month_first[unread] |= pd.to_datetime(
                text[unread], format=form.replace("%d-%m", "%m-%d"), errors="coerce"
            ).notna()
        if month_first.any():
            position = int(month_first.index[month_first.to_numpy()][0])
            raise InputError(
                say(
                    "month_first",
                    column=column,
                    value=repr(values[position]),
                    row=row_label(position),
                ),
                source=source,
            )
    read = ~unread
    return values.index.to_numpy()[read], found.to_numpy()[read]


def _excel_serials(
    values: pd.Series, epoch: _dt.datetime, *, column: str
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Positions and naive times of plain numbers read as Excel date serials; the reason of a
    number outside 1970..2099."""
    is_number = values.str.fullmatch(_SERIAL).fillna(False).to_numpy(dtype=bool)
    numbers = values[is_number]
    serial = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype="float64")
    # the range is of the 1900 system; a 1904 workbook counts 1,462 days fewer
    shift = (_dt.datetime(1899, 12, 30) - epoch).days
    ok = (serial >= _SERIAL_RANGE[0] + shift) & (serial < _SERIAL_RANGE[1] + shift)
    days = pd.to_timedelta(serial[ok], unit="D")
    times = (pd.Timestamp(epoch) + days).round("ms").astype("datetime64[us]")
    problems = {
        int(i): (
            f"{column} is a number ({short_text(v)}) that is no Excel date between 1970 and 2099; "
            "give a date (dd-mm-jjjj) or format the cell as a date"
        )
        for i, v in zip(numbers.index[~ok], numbers[~ok], strict=True)
    }
    return numbers.index.to_numpy()[ok], times.to_numpy(), problems


def _in_range(naive: pd.Series) -> pd.Series:
    """Where a naive time lies in the nanosecond range (with a day's margin at both ends)."""
    return (naive > _TIME_MIN) & (naive < _TIME_MAX)
