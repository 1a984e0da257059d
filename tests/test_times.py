"""Times as Dutch files hold them: ISO 8601, Dutch day-first dates, Excel date cells; local times
that do not exist are rejected, local times that occur twice follow a documented rule."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from conftest import X0, Y0, read_rows, write_csv
from vbr.errors import InputError
from vbr.io.farms import load_farms
from vbr.io.times import ACCEPTED_FORMS, parse_times

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "submitted_at"]
NEAR = (X0 - 300, Y0 + 500)  # 300 m from area 57 of the `one_area` fixture


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert("UTC")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("05-03-2024", "2024-03-05T00:00+01:00"),
        ("5-3-2024", "2024-03-05T00:00+01:00"),
        ("05/03/2024", "2024-03-05T00:00+01:00"),
        ("5/3/2024", "2024-03-05T00:00+01:00"),
        ("05-03-2024 15:59", "2024-03-05T15:59+01:00"),
        ("5-3-2024 9:05", "2024-03-05T09:05+01:00"),
        ("05/03/2024 15:59:30", "2024-03-05T15:59:30+01:00"),
        ("  05-03-2024 15:59  ", "2024-03-05T15:59+01:00"),
        ("15-07-2024 09:00", "2024-07-15T09:00+02:00"),  # summer time
        ("2024-03-05", "2024-03-05T00:00+01:00"),
        ("2024-03-05T15:59", "2024-03-05T15:59+01:00"),
        ("2024-03-05 15:59:00", "2024-03-05T15:59+01:00"),
        ("2024-03-05T15:59:00Z", "2024-03-05T15:59Z"),
        ("2024-03-05T15:59:00+02:00", "2024-03-05T15:59+02:00"),
    ],
)
def test_dutch_and_iso_times_are_read_day_first_in_dutch_local_time(typed, meant):
    parsed = parse_times(pd.Series([typed]))
    assert parsed.problems == {}
    assert parsed.times.iloc[0] == utc(meant)


@pytest.mark.parametrize(
    "typed",
    ["gisteren", "2024", "2024-03", "32-01-2024", "05.03.2024", "05-03-24", "05-03-2024 24:00"],
)
def test_a_time_in_no_accepted_form_is_rejected_with_the_forms(typed):
    parsed = parse_times(pd.Series([typed, "05-03-2024"]), column="complete_at")
    assert set(parsed.problems) == {0}
    assert parsed.problems[0] == (
        f"complete_at not a time in an accepted form ({typed!r}); accepted: {ACCEPTED_FORMS}"
    )
    assert pd.isna(parsed.times.iloc[0]) and parsed.times.iloc[1] == utc("2024-03-05T00:00+01:00")


@pytest.mark.parametrize("typed", ["2024-03-31T02:30", "31-03-2024 02:30", "31/03/2024 2:00"])
def test_a_local_time_that_does_not_exist_is_rejected_not_moved(typed):
    parsed = parse_times(pd.Series([typed]))
    assert pd.isna(parsed.times.iloc[0])  # never silently 03:30
    assert parsed.problems[0].startswith(
        f"submitted_at does not exist in Dutch local time ({typed!r}: that night the clocks jump "
        "from 02:00 to 03:00"
    )


def test_the_same_moment_with_its_zone_is_accepted():
    parsed = parse_times(pd.Series(["2024-03-31T02:30+01:00", "2024-03-31T03:30"]))
    assert parsed.problems == {}
    assert parsed.times.iloc[0] == parsed.times.iloc[1] == utc("2024-03-31T01:30Z")


def test_a_local_time_that_occurs_twice_is_read_as_the_first_and_noted():
    parsed = parse_times(pd.Series(["2024-10-27 02:30", "27-10-2024 02:30", "2024-10-27 03:30"]))
    assert parsed.problems == {}
    assert list(parsed.times) == [utc("2024-10-27T02:30+02:00")] * 2 + [
        utc("2024-10-27T03:30+01:00")
    ]
    assert parsed.ambiguous.tolist() == [True, True, False]
    (note,) = parsed.notes
    assert note.startswith("2 submitted_at times fall in the hour that occurs twice")
    assert "read as the first, in summer time (+02:00)" in note


def test_a_date_that_reads_only_month_first_stops_the_column():
    with pytest.raises(InputError) as info:
        parse_times(pd.Series(["05-03-2024", "3/25/2024 10:00"]), source="farms.csv")
    message = str(info.value)
    assert message.startswith("farms.csv: column submitted_at holds '3/25/2024 10:00' (row 3)")
    assert "reads only month first" in message and "dd-mm-jjjj" in message


def test_times_outside_what_can_be_held_are_rejected_saying_so():
    parsed = parse_times(pd.Series(["9999-12-31T23:59:59Z", "01-01-0001", "0001-01-01"]))
    assert all(
        p.startswith("submitted_at outside the years 1678..2261") for p in parsed.problems.values()
    )
    assert len(parsed.problems) == 3


# --- through the farm reader: submitted_at, complete_at (datum_volledig), XLSX date cells ----


def test_dutch_dates_in_a_dutch_excel_csv_are_read(tmp_path):
    rows = [["a", *NEAR, "1000", "500000", "05-03-2024 15:59"], ["b", *NEAR, "10", "5", "5-3-2024"]]
    path = write_csv(tmp_path / "farms.csv", HEADER, rows, delimiter=";")
    table = load_farms(path)
    assert table.rejected.empty
    times = table.farms.set_index("farm_id")["submitted_at"]
    assert times["a"] == utc("2024-03-05T15:59+01:00")
    assert times["b"] == utc("2024-03-05T00:00+01:00")


def test_complete_at_is_read_from_datum_volledig_like_submitted_at_and_carried(tmp_path):
    header = [*HEADER, "Datum volledig"]
    rows = [
        ["a", *NEAR, 10, 5, "01-03-2024", "05-03-2024 10:00"],
        ["b", *NEAR, 10, 5, "", "31-03-2024 02:15"],
        ["c", *NEAR, 10, 5, "", ""],
    ]
    table = load_farms(write_csv(tmp_path / "farms.csv", header, rows))
    complete = table.farms.set_index("farm_id")["complete_at"]
    assert complete["a"] == utc("2024-03-05T10:00+01:00") and pd.isna(complete["c"])
    reasons = dict(zip(table.rejected["farm_id"], table.rejected["reason"], strict=True))
    assert reasons == {
        "b": "complete_at does not exist in Dutch local time ('31-03-2024 02:15': that night the "
        "clocks jump from 02:00 to 03:00 as summer time begins); give the time with its zone "
        "(+01:00) or as the clock showed it"
    }
    assert "Datum volledig" in table.carried  # the column as read goes to the outputs unchanged


def test_without_complete_at_the_farm_table_has_no_such_column(tmp_path):
    table = load_farms(write_csv(tmp_path / "farms.csv", HEADER, [["a", *NEAR, 10, 5, ""]]))
    assert "complete_at" not in table.farms.columns


def xlsx(path, rows, *, epoch=None):
    workbook = openpyxl.Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_excel_date_cells_and_date_serials_are_read(tmp_path):
    rows = [
        ["cell", *NEAR, 10, 5, dt.datetime(2024, 3, 5, 15, 59)],
        ["date", *NEAR, 10, 5, dt.date(2024, 3, 5)],
        ["serial", *NEAR, 10, 5, 45356.66597222222],  # 2024-03-05 15:59 in the 1900 system
        ["text", *NEAR, 10, 5, "05-03-2024 15:59"],
        ["year", *NEAR, 10, 5, 2024],
    ]
    table = load_farms(xlsx(tmp_path / "farms.xlsx", rows))
    times = table.farms.set_index("farm_id")["submitted_at"]
    assert times["cell"] == times["serial"] == times["text"] == utc("2024-03-05T15:59+01:00")
    assert times["date"] == utc("2024-03-05T00:00+01:00")
    reasons = dict(zip(table.rejected["farm_id"], table.rejected["reason"], strict=True))
    assert reasons["year"].startswith(
        "submitted_at is a number ('2024') that is no Excel date between 1970 and 2099"
    )


def test_date_serials_of_a_1904_workbook_count_from_1904(tmp_path):
    rows = [["serial", *NEAR, 10, 5, 45356.66597222222 - 1462]]
    table = load_farms(xlsx(tmp_path / "farms.xlsx", rows, epoch=CALENDAR_MAC_1904))
    assert table.farms["submitted_at"].iloc[0] == utc("2024-03-05T15:59+01:00")


def test_plain_numbers_in_a_csv_date_column_are_not_guessed_to_be_serials(tmp_path):
    path = write_csv(tmp_path / "farms.csv", HEADER, [["a", *NEAR, 10, 5, "45356"]])
    table = load_farms(path)
    assert table.rejected["reason"].iloc[0].startswith("submitted_at not a time in an accepted")


def test_issue_14_dutch_dates_once_rejected_every_row_now_order_first_come_first_served(
    run_small, tmp_path
):
    rows = [
        ["later", *NEAR, 1000, 100_000, "06-03-2024 08:59"],
        ["earlier", *NEAR, 1000, 900_000, "5-3-2024 15:59"],
    ]
    code, stdout, err, out = run_small(
        write_csv(tmp_path / "farms.csv", HEADER, rows, delimiter=";")
    )
    assert code == 0, err
    assert "(wie het eerst komt" in stdout
    ranked = read_rows(out / "ranking.csv")
    # the day counts (vbr-2026: first come first served by day), read day first
    assert [r["farm_id"] for r in ranked] == ["earlier", "later"]
    assert (out / "rejected.csv").read_text(encoding="utf-8").count("\n") == 1  # header only


def test_a_month_first_column_is_exit_2_naming_file_column_and_fix(run_small, tmp_path):
    rows = [["a", *NEAR, 10, 5, "12/31/2024"], ["b", *NEAR, 10, 5, "1/2/2024"]]
    farms = write_csv(tmp_path / "farms.csv", HEADER, rows)
    code, _, err, out = run_small(farms)
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith(f"vbr: fout: {farms}: kolom submitted_at bevat '12/31/2024' (rij 2)")
    assert "sla de kolom op als dd-mm-jjjj of als ISO 8601 (jjjj-mm-dd)" in first
    assert not out.exists()
    code, _, err, out = run_small(farms, "--lang", "en")
    assert code == 2
    first = err.splitlines()[0]
    assert "farms.csv" in first and "column submitted_at holds '12/31/2024' (row 2)" in first


_TIME_CELLS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "2024-03-01T10:00:00+01:00",
                "2024-03-01 10:00:00Z",
                "2024-03-01T10:00:00-05:30",
                "2024-13-45T99:99:99+99:99",
                "2024-03-01T10:00:00.123+02:00",
                "2024-03-01T10:00",
                "01-03-2024 10:00",
                "",
                "2024-03-01x10:00:00+01:00",  # the common lengths, one character off
                "2024-03-01T10:00:00*01:00",
                "2024-03-01T10:00:00Y",
                "\uff12024-03-01T10:00:00+01:00",  # a full-width digit (a regex digit, not ASCII)
            ]
        ),
        st.text(alphabet="0123456789-:+TZ .\t\u2003xé\n", min_size=18, max_size=26),
    ),
    max_size=8,
)


@settings(max_examples=500, deadline=None)
@given(_TIME_CELLS)
def test_common_zoned_times_are_found_as_the_regular_expression_finds_them(cells):
    """The fixed-width test of the common forms (and the match of the rest) finds the same
    times with a zone, and strips the same, as stripping and matching every value."""
    from vbr.io.times import _ZONED, _zoned

    values = pd.Series(cells, dtype=object)
    stripped, zoned = _zoned(values)
    expected = values.astype(str).str.strip()
    assert stripped.tolist() == expected.tolist()
    assert zoned.tolist() == expected.str.match(_ZONED).tolist()
