"""The lists as text: each list exactly as its CSV holds it (the maps show the same text).

The columns of ``ranking.csv`` (contract section 6) and of the region lists, built column by
column from the ranked farms.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from vbr.core.budget import to_cents
from vbr.io.tables import text_frame
from vbr.locale import Message, t
from vbr.model import RegionList, Result
from vbr.writers.text import (
    cell_values,
    format_bools,
    format_integers,
    format_numbers,
    format_texts,
    join_all,
)

__all__ = [
    "BOOLEAN_COLUMNS",
    "DECISION_COLUMNS",
    "EXTRA_COLUMNS",
    "GRANTED",
    "HEADED_COLUMNS",
    "LEAD_COLUMNS",
    "NOT_DECIDED",
    "NOT_GRANTED",
    "NO_POT",
    "NUMERIC_COLUMNS",
    "RESERVED_NAMES",
    "as_text",
    "carried_names",
    "carried_numbers",
    "decision_words",
    "decisions_table",
    "granted_cents",
    "numeric_columns",
    "output_columns",
    "people_headers",
    "ranking_table",
    "region_list_table",
    "region_table",
    "renamed_note",
    "status_words",
    "yes_no",
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
#: CSV writes them with a decimal comma): metres to the metre, kg to one decimal, euro to the
#: euro, euro per kg (or mol) to the cent. The cells hold the exact values.
NUMERIC_COLUMNS = {
    "rank": "0",
    "national_rank": "0",
    "distance_m": "#,##0",
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
    "impact_mol": "#,##0.0",
    "eur_per_mol": "#,##0.00",
    "round": "0",
    "lot_number": "0",
}


def people_headers(columns: Sequence[str], lang: str, *, known: Collection[str]) -> list[str]:
    """The headers people read: the words (with units) of every column in ``known`` (its
    ``columns.<name>`` text in ``lang``); any other column (carried through from the input)
    keeps its own name."""
    known = set(known) & set(HEADED_COLUMNS)
    return [t(f"columns.{c}", lang) if c in known else str(c) for c in columns]


def status_words(table: pd.DataFrame, lang: str) -> np.ndarray:
    """Each row's priority and selection in words (``Voorrang · geselecteerd`` ...), from the
    text columns ``priority`` and ``selected`` of a list (``selected`` empty: no budget)."""
    priority = table["priority"].to_numpy(dtype=object) == "true"
    selected = table["selected"].to_numpy(dtype=object)
    if not (selected != "").any():
        return np.where(priority, t("status.priority", lang), t("status.ranked", lang)).astype(
            object
        )
    chosen = selected == "true"
    return np.select(
        [priority & chosen, priority, chosen],
        [
            t("status.priority_selected", lang),
            t("status.priority_not_selected", lang),
            t("status.selected", lang),
        ],
        default=t("status.not_selected", lang),
    ).astype(object)


#: A carried-through column of numbers, its cells joined by line feeds: plain decimal numbers
#: (a point, no thousands mark, no leading zero, so ``007`` and ``0123`` stay text) or empty.
_CARRIED_NUMBERS = re.compile(
    r"(?:-?(?:0|[1-9]\d*)(?:\.\d+)?)?(?:\n(?:-?(?:0|[1-9]\d*)(?:\.\d+)?)?)*"
)
#: Names of columns that hold identifiers, even when their values are digits (postcodes,
#: farm numbers, codes): they stay text.
_ID_NAME = re.compile(
    r"(?:^|[^a-z])(?:id|nr|no|nummer|number|code|postcode|pc\d?|kvk|brs|relatienummer)"
    r"(?:$|[^a-z])|id$|nummer$|code$",
    re.IGNORECASE,
)
#: Excel keeps 15 significant digits: a longer number stays text.
_MAX_NUMBER_CHARS = 15


def carried_numbers(table: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """Which of the ``names`` (carried-through text columns of ``table``) hold numbers in every
    filled cell, with at least one filled: those the people's lists show as numbers.

    A column whose name says it holds identifiers (``postcode``, ``kvk_nummer``, ``id`` ...)
    stays text, and so does one with a leading zero (``007``), a thousands mark, a decimal comma
    or more than 15 characters in a cell.
    """
    out = []
    for name in names:
        if name not in table.columns or _ID_NAME.search(str(name)):
            continue
        values = cell_values(table[name])
        joined = join_all(values)
        if (
            joined is None
            or not joined.replace("\n", "")
            or joined.count("\n") != len(values) - 1
            or max(map(len, values), default=0) > _MAX_NUMBER_CHARS
            or not _CARRIED_NUMBERS.fullmatch(joined)
        ):
            continue
        out.append(name)
    return out


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


def renamed_note(carried: Sequence[str], ranked: pd.DataFrame) -> Message | None:
    """The note naming every carried-through column that the outputs rename (``None`` when
    none is)."""
    names = carried_names(carried, output_columns(ranked))
    renamed = [f"{c!r} -> {n!r}" for c, n in names.items() if c != n]
    if not renamed:
        return None
    return Message("notes.renamed_columns", count=len(renamed), columns=", ".join(renamed))


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
    empty = np.full(len(ranked), "", dtype=object)
    made = {
        "rank": lambda: format_integers(ranked["rank"]),
        "farm_id": lambda: ranked["farm_id"].astype(str).to_numpy(dtype=object),
        "regions": lambda: ranked["regions"].to_numpy(dtype=object),
        "priority": lambda: format_bools(ranked["priority"]),
        "distance_m": lambda: format_numbers(ranked["distance_m"].replace(np.inf, np.nan)),
        "nearest_n2000": lambda: format_integers(ranked["nearest_n2000"], blank_below=0),
        "nh3_kg": lambda: format_numbers(ranked["nh3_kg"]),
        "subsidy_eur": lambda: format_numbers(ranked["subsidy_eur"]),
        "eur_per_kg": lambda: format_numbers(ranked["eur_per_kg"]),
        "selected": lambda: format_bools(ranked["selected"]) if with_budget else empty,
        "cumulative_eur": lambda: (
            format_numbers(ranked["cumulative_eur"]) if with_budget else empty
        ),
    }
    # one column at a time: what a column is made from is let go before the next is made (a
    # million rows' list of texts holds 8 MB of references); the table is made of the columns
    # once, without copying them (0.5 s less at a million rows than adding them one by one)
    out: dict[str, np.ndarray] = {}
    for name, make in made.items():
        out[name] = make()
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
    return text_frame(list(out), list(out.values()))


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
            out[c] = format_numbers(values)
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
#: Every column of the lists for people that has a header in words (``columns.<name>`` in the
#: catalogues) and a line that says what it means (``column_help.<name>``): the lists' own
#: columns, the workbook's ``status_text``, and those of ``decisions.csv``.
HEADED_COLUMNS = tuple(
    dict.fromkeys(
        [
            "rank",
            "national_rank",
            "farm_id",
            "status_text",
            *LEAD_COLUMNS,
            *EXTRA_COLUMNS,
            *DECISION_COLUMNS,
        ]
    )
)
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


#: The columns of yes/no values (``true``/``false`` in the machine lists).
BOOLEAN_COLUMNS = frozenset({"priority", "selected"})


def yes_no(values: pd.Series, lang: str) -> np.ndarray:
    """``true``/``false`` of a machine list as the words of ``lang`` (``ja``/``nee``, ``yes``/
    ``no``) for people's lists; anything else (empty) as it is."""
    words = {"true": t("workbook.yes", lang), "false": t("workbook.no", lang)}
    return np.array([words.get(v, v) for v in values.tolist()], dtype=object)


_DECISIONS = {
    GRANTED: "workbook.decision_granted",
    NOT_GRANTED: "workbook.decision_not_granted",
    NO_POT: "workbook.decision_no_pot",
    NOT_DECIDED: "workbook.decision_not_decided",
}
_REJECTED = "rejected: "


def decision_words(status: Sequence | pd.Series, lang: str) -> np.ndarray:
    """``decisions.csv``'s ``status`` values (machine values) in the words of ``lang``, for the
    workbook's decisions sheet; ``decisions.csv`` keeps the machine values."""

    def one(value: str) -> str:
        if value in _DECISIONS:
            return t(_DECISIONS[value], lang)
        if value.startswith(_REJECTED):
            return t("workbook.decision_rejected", lang, reason=value.removeprefix(_REJECTED))
        return value

    values = status.to_numpy(dtype=object) if isinstance(status, pd.Series) else list(status)
    texts = [str(v) for v in values]
    said = {value: one(value) for value in dict.fromkeys(texts)}  # each distinct status once
    return np.array([said[v] for v in texts], dtype=object)
