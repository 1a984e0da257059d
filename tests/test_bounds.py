"""Money is exact and bounded (issue 19, point 2): the ceilings of options and configuration,
and computed values out of range rejecting their row (the walk itself: ``test_budget.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vbr.core.bounds import out_of_range
from vbr.errors import ConfigError, InputError
from vbr.io.tables import read_table
from vbr.locale.formats import format_eur, format_eur_per_kg, format_kg
from vbr.settings import load_config, run_options
from vbr.settings.limits import MAX_EUR_OPTION

# --- options and configuration above the ceilings: exit 2 (ConfigError) -----------------------


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        (1e17, r"from 0 to EUR 10,000,000,000,000"),
        (MAX_EUR_OPTION * 1.5, r"from 0 to EUR 10,000,000,000,000"),
        (float("inf"), r"not a finite amount"),
    ],
)
def test_a_budget_above_the_ceiling_is_refused(budget, message):
    with pytest.raises(ConfigError, match=message):
        run_options(budget_eur=budget)


def test_a_budget_at_the_ceiling_is_taken():
    assert run_options(budget_eur=MAX_EUR_OPTION).config.budget_eur == MAX_EUR_OPTION


@pytest.mark.parametrize(
    ("toml", "where"),
    [
        ("[budget]\nnational_eur = 1e17\n", "budget.national_eur"),
        (
            '[budget]\nnational_eur = 1\n[[budget.regional]]\nregions = ["Peel"]\neur = 1e14\n',
            "budget.regional[1]",
        ),
        ("[subsidy]\nphosphate_eur_per_kg = 1e20\n", "subsidy.phosphate_eur_per_kg"),
        ("[subsidy.stable_eur_per_m2]\ndairy = 1e300\n", "subsidy.stable_eur_per_m2.dairy"),
        ("[sem]\neur_per_cow_per_year = 1e14\n", "sem.eur_per_cow_per_year"),
        ("[rules]\nthreshold_m = 1e308\n", "rules.threshold_m"),
        ("[deposition]\ncutoff_m = 1e9\n", "deposition.cutoff_m"),
    ],
)
def test_config_values_above_their_ceiling_are_refused_naming_the_key(toml, where, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=where.replace("[", r"\[").replace("]", r"\]")):
        load_config(path)


# --- computed values out of range ------------------------------------------------------------


def test_every_computed_value_out_of_range_gives_its_row_a_reason():
    farms = pd.DataFrame(
        {
            "farm_id": ["ok", "ratio", "estimate", "sem", "impact", "per-mol"],
            "subsidy_eur": [1e6, 1e12, 4e302, 1e6, 1e6, 1e6],
            "nh3_kg": [1e3, 1e-300, 1e3, 1e3, 1e3, 1e3],
            "subsidy_source": ["offer", "offer", "estimate", "offer", "offer", "offer"],
            "sem_eur": [np.nan, np.nan, np.nan, np.inf, np.nan, np.nan],
            "impact_mol": [1.0, 1.0, 1.0, 1.0, np.inf, 1e-310],
        }
    )
    reasons = out_of_range(farms)
    assert sorted(reasons) == [1, 2, 3, 4, 5]
    assert reasons[1].startswith("eur_per_kg = subsidy_eur / nh3_kg is not a finite number")
    assert reasons[2].startswith("estimated subsidy_eur is not a finite amount within the ceiling")
    assert reasons[3] == "sem_eur is not a finite number"
    assert reasons[4].startswith("impact_mol is not a finite number")
    assert reasons[5].startswith("eur_per_mol = subsidy_eur / impact_mol is not a finite number")


@pytest.mark.parametrize("value", [1e300, 1e308, 2.5, 0.125, -7.5])
def test_the_people_formats_take_any_finite_number(value):
    assert format_eur(value, "nl")
    assert format_eur_per_kg(value, "en")
    assert format_kg(value, "nl")


# --- the line scan of text inputs ------------------------------------------------------------


@pytest.mark.parametrize("long_line", [2, 41_000, 44_999])
def test_the_line_limit_names_the_right_line_across_the_pieces_read(tmp_path, long_line):
    """Text files are read in pieces of 4 MiB; a long line that straddles two pieces (line
    41,000 starts just before the first piece ends) is found and named alike."""
    lines = [b"farm_id,x,y,nh3_kg,subsidy_eur"] + [
        b"f%07d,180000,460000,1,1" % k for k in range(1, 45_000)
    ]
    lines[long_line - 1] = b"long," + b"9" * 1_000_001
    path = tmp_path / "farms.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    with pytest.raises(InputError, match=f"line {long_line:,} is longer than 1,000,000 bytes"):
        read_table(path)


def test_a_line_just_under_the_limit_is_read(tmp_path):
    path = tmp_path / "farms.csv"
    cell = "9" * (1_000_000 - len("a,180000,460000,1,"))
    path.write_text(f"farm_id,x,y,nh3_kg,note\na,180000,460000,1,{cell}\n", encoding="utf-8")
    assert len(read_table(path).frame["note"].iat[0]) == len(cell)


def test_the_row_limit_counts_data_lines_not_the_header(tmp_path):
    path = tmp_path / "farms.csv"
    path.write_text("farm_id\na\nb\nc", encoding="utf-8")  # no line end after the last row
    assert len(read_table(path, max_rows=3).frame) == 3
    with pytest.raises(InputError, match="more than vbr reads without --large"):
        read_table(path, max_rows=2)
