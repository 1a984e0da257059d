"""The lists as text: each list exactly as its CSV holds it (the maps show the same text).

The columns of ``ranking.csv`` (contract section 6) and of the region lists, built column by
column from the ranked farms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vbr.core.budget import to_cents
from vbr.model import RegionList, Result
from vbr.writers.text import (
    format_bools,
    format_integers,
    format_number,
    format_numbers,
    format_texts,
)

__all__ = [
    "DECISION_COLUMNS",
    "EXTRA_COLUMNS",
    "GRANTED",
    "LEAD_COLUMNS",
    "NOT_DECIDED",
    "NOT_GRANTED",
    "NO_POT",
    "NUMERIC_COLUMNS",
    "RESERVED_NAMES",
    "as_text",
    "carried_names",
    "decisions_table",
    "granted_cents",
    "numeric_columns",
    "output_columns",
    "ranking_table",
    "region_list_table",
    "region_table",
    "renamed_note",
]

#: The leading columns of ranking.csv (contract section 6).
LEAD_COLUMNS = [
    "rank",
    "farm_id",
    "regions",
    "priority",
    "distance_m",
    "nearest_n2000",
    "nh3_kg",
    "subsidy_eur",
    "eur_per_kg",
    "selected",
    "cumulative_eur",
]

#: Computed columns that later stages may add; when present in the ranked frame they are
#: written in this order after ``cumulative_eur`` and before the carried-through columns.
#: ``funded_by`` (the pot that funded the farm) is always there.
EXTRA_COLUMNS = [
    "funded_by",
    "nh3_animals_kg",
    "nh3_given_vs_animals",
    "subsidy_source",
    "sem_eur",
    "sem_nh3_kg",
    "sem_eur_per_kg",
    "impact_mol",
    "eur_per_mol",
    "reason",
]


#: The columns that hold numbers, with the number format the workbook shows them in (the Excel
#: CSV writes them with a decimal comma).
NUMERIC_COLUMNS = {
    "rank": "0",
    "national_rank": "0",
    "distance_m": "#,##0.00",
    "nearest_n2000": "0",
    "nh3_kg": "#,##0.0",
    "nh3_animals_kg": "#,##0.0",
    "nh3_given_vs_animals": "0.00",
    "subsidy_eur": "#,##0",
    "eur_per_kg": "#,##0.00",
    "cumulative_eur": "#,##0",
    "sem_eur": "#,##0",
    "sem_nh3_kg": "#,##0.0",
    "sem_eur_per_kg": "#,##0.00",
    "impact_mol": "#,##0.00",
    "eur_per_mol": "#,##0.00",
}


#: Names a carried-through column cannot keep in the outputs, whatever their case: the
#: GeoPackage's own feature id and geometry columns (QGIS CSV exports carry ``fid``).
RESERVED_NAMES = ("fid", "geom", "geometry")


def carried_names(carried: Sequence[str], taken: Sequence[str]) -> dict[str, str]:
    """Output names of carried-through columns: ``input_<name>`` where the name is taken.

    Names are compared without regard to case (the GeoPackage and Excel's filters do): a name
    is taken by an output column (``taken``), by :data:`RESERVED_NAMES`, or by a carried column
    before it (``Name`` then ``NAME`` gives ``Name``, ``input_NAME``).
    """
    taken_set = {t.lower() for t in (*taken, *RESERVED_NAMES)}
    out = {}
    for c in carried:
        name = c
        while name.lower() in taken_set:
            name = f"input_{name}"
        out[c] = name
        taken_set.add(name.lower())
    return out


def output_columns(ranked: pd.DataFrame) -> list[str]:
    """The computed columns of the lists (national and regional), in order."""
    return [*LEAD_COLUMNS, *(c for c in EXTRA_COLUMNS if c in ranked.columns), "national_rank"]


def renamed_note(carried: Sequence[str], ranked: pd.DataFrame) -> str | None:
    """The note naming every carried-through column that the outputs rename (``None`` when
    none is)."""
    names = carried_names(carried, output_columns(ranked))
    renamed = [f"{c!r} -> {n!r}" for c, n in names.items() if c != n]
    if not renamed:
        return None
    return (
        f"{len(renamed)} input column(s) renamed in the outputs because vbr uses the name itself "
        "(compared without regard to case; fid, geom and geometry are the GeoPackage's): "
        + ", ".join(renamed)
    )


def ranking_table(
    ranked: pd.DataFrame, carried: pd.DataFrame, *, with_budget: bool
) -> pd.DataFrame:
    """The national list as text columns, exactly as written to ``ranking.csv``.

    Parameters
    ----------
    ranked
        The ranked farms in national order (``LEAD_COLUMNS`` and any ``EXTRA_COLUMNS``).
    carried
        The carried-through input columns as text, one row per ranked farm in the same order.
    with_budget
        Whether a budget was walked (else ``selected`` and ``cumulative_eur`` stay empty).
    """
    out = pd.DataFrame(
        {
            "rank": format_integers(ranked["rank"]),
            "farm_id": ranked["farm_id"].astype(str).to_numpy(),
            "regions": ranked["regions"].to_numpy(),
            "priority": format_bools(ranked["priority"]),
            "distance_m": format_numbers(ranked["distance_m"].replace(np.inf, np.nan)),
            "nearest_n2000": format_integers(ranked["nearest_n2000"], blank_below=0),
            "nh3_kg": format_numbers(ranked["nh3_kg"]),
            "subsidy_eur": format_numbers(ranked["subsidy_eur"]),
            "eur_per_kg": format_numbers(ranked["eur_per_kg"]),
            "selected": format_bools(ranked["selected"]) if with_budget else [""] * len(ranked),
            "cumulative_eur": format_numbers(ranked["cumulative_eur"])
            if with_budget
            else [""] * len(ranked),
        }
    )
    extras = [c for c in EXTRA_COLUMNS if c in ranked.columns]
    for c in extras:
        values = ranked[c]
        out[c] = (
            format_numbers(values)
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
            else format_texts(values)
        )
    names = carried_names(list(carried.columns), output_columns(ranked))
    for c in carried.columns:
        out[names[c]] = carried[c].to_numpy(dtype=object)
    return out


def region_table(table: pd.DataFrame, positions: np.ndarray, granted: np.ndarray | None):
    """A region's list: the national rows at ``positions`` (the same decision per farm), ``rank``
    in the region then ``national_rank``; ``cumulative_eur`` is the running total of the
    granted subsidies of this list (``granted``: the cents granted per farm in national order,
    ``None`` without a budget)."""
    out = table.iloc[positions].reset_index(drop=True)
    out.insert(1, "national_rank", out["rank"].to_numpy())
    out["rank"] = format_integers(np.arange(1, len(out) + 1))
    if granted is not None:
        out["cumulative_eur"] = format_numbers(np.cumsum(granted[positions]) / 100)
    return out


def region_list_table(result: Result, table: pd.DataFrame, region: RegionList) -> pd.DataFrame:
    """A region's list exactly as ``<slug>/ranking.csv`` holds it: regional rank, national
    rank, and each farm's national decision (``selected``, ``funded_by``, ``reason``), with
    ``cumulative_eur`` counted down this list.

    Parameters
    ----------
    result
        The run's result.
    table
        The national list as text (:func:`ranking_table`).
    region
        The region.
    """
    return region_table(table, region.positions, granted_cents(result))


def granted_cents(result: Result) -> np.ndarray | None:
    """The subsidy granted to each farm in national order, in cents (0 where not selected);
    ``None`` when no pot was walked."""
    if not result.with_budget:
        return None
    ranked = result.ranked
    selected = ranked["selected"].to_numpy(dtype=bool)
    return np.where(selected, to_cents(ranked["subsidy_eur"].to_numpy()), 0)


def numeric_columns(ranked: pd.DataFrame) -> list[str]:
    """Columns of the lists that hold numbers (they get a decimal comma for Dutch Excel)."""
    extras = [
        c
        for c in EXTRA_COLUMNS
        if c in ranked.columns
        and pd.api.types.is_numeric_dtype(ranked[c])
        and not pd.api.types.is_bool_dtype(ranked[c])
    ]
    return [*NUMERIC_COLUMNS, *extras]


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as the machine CSV writes it: numbers as the shortest exact text, booleans
    ``true``/``false``, empty for NaN and None."""
    out = pd.DataFrame(index=range(len(frame)))
    for c in frame.columns:
        values = frame[c]
        if pd.api.types.is_bool_dtype(values):
            out[c] = format_bools(values)
        elif pd.api.types.is_numeric_dtype(values):
            out[c] = [format_number(v) for v in values]
        else:
            out[c] = ["" if pd.isna(v) else str(v) for v in values]
    return out


#: The columns of ``decisions.csv``: the contract's, then ``funded_by`` and the day that counted.
DECISION_COLUMNS = [
    "farm_id",
    "window",
    "round",
    "status",
    "subsidy_eur",
    "lot_number",
    "reason",
    "funded_by",
    "day",
]
#: The ``status`` values of ``decisions.csv`` (README, "decisions.csv"); a rejected row's status
#: is ``rejected: `` and its reason.
GRANTED = "granted"
NOT_GRANTED = "not granted: budget exhausted"
NO_POT = "not granted: no budget for this location"
NOT_DECIDED = "not decided: no budget"


def decisions_table(result: Result) -> pd.DataFrame:
    """``decisions.csv``: one row per application, the ranked ones in national order, then the
    rejected ones as ``rejected.csv`` lists them.

    ``status`` is :data:`GRANTED`, :data:`NOT_GRANTED` (a pot walked it and its budget did not
    reach), :data:`NO_POT` (no pot that ran may fund it), :data:`NOT_DECIDED` (no pot ran) or
    ``rejected: <reason>``; ``subsidy_eur`` is the subsidy granted (0 when not granted, empty
    when not decided or rejected).
    """
    ranked, decisions = result.ranked, result.decisions
    n = len(ranked)
    funded = ranked["funded_by"].to_numpy(dtype=object)
    granted = funded != ""
    if not result.with_budget:
        status = np.full(n, NOT_DECIDED, dtype=object)
    else:
        walked = np.zeros(n, dtype=bool)
        for walk in decisions.walks:
            walked |= walk.considered
        status = np.where(granted, GRANTED, np.where(walked, NOT_GRANTED, NO_POT)).astype(object)
    subsidy = np.where(granted, ranked["subsidy_eur"].to_numpy(dtype="float64"), 0.0)
    lots = decisions.lot_number if decisions is not None else np.zeros(n, dtype="int64")
    table = pd.DataFrame(
        {
            "farm_id": ranked["farm_id"].astype(str).to_numpy(),
            "window": decisions.window if decisions is not None else [""] * n,
            "round": format_integers(decisions.round if decisions is not None else np.ones(n)),
            "status": status,
            "subsidy_eur": format_numbers(subsidy) if result.with_budget else [""] * n,
            "lot_number": np.where(lots > 0, np.asarray(lots).astype(str), "").astype(object),
            "reason": format_texts(ranked["reason"]) if "reason" in ranked else [""] * n,
            "funded_by": funded,
            "day": decisions.day if decisions is not None else [""] * n,
        }
    )
    rejected = result.rejected
    blank = [""] * len(rejected)
    refused = pd.DataFrame(
        {
            "farm_id": rejected["farm_id"].astype(str).to_numpy(),
            "window": blank,
            "round": blank,
            "status": ("rejected: " + rejected["reason"].astype(str)).to_numpy(dtype=object),
            "subsidy_eur": blank,
            "lot_number": blank,
            "reason": rejected["reason"].astype(str).to_numpy(dtype=object),
            "funded_by": blank,
            "day": blank,
        }
    )
    return pd.concat([table, refused], ignore_index=True)[DECISION_COLUMNS]
