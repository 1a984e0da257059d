"""Animal counts and emission factors: the factor table, wide and long counts, species fallbacks.

Where a farm file gives animal places instead of ``nh3_kg``, the contract reads the field as
``nh3_kg = sum(animal places x kg NH3 per animal place per year)`` (:func:`nh3_from_animals`):
part of reading the farms, so it lives with the readers. The factors come from
``data/emission_factors.csv`` (Rav codes for conventional housing plus documented species-level
fallbacks such as ``rundvee``); a user table given with ``--emission-factors`` adds codes (e.g.
low-emission housing) and replaces the shipped value of a code it repeats.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vbr.errors import InputError
from vbr.io.tables import find_column, normalise_name, parse_numbers, read_table
from vbr.locale import Message, say
from vbr.model import RAV_CODE, EmissionFactors
from vbr.settings import default_data_dir

__all__ = [
    "animal_columns",
    "entry_factors",
    "load_animals_table",
    "load_emission_factors",
    "nh3_from_animals",
    "normalise_code",
    "wide_to_long",
]

_FACTOR_COLUMNS = {
    "rav_code": ("rav_code", "rav", "code", "diercategorie", "huisvestingscode"),
    "kg_nh3_per_place": (
        "kg_nh3_per_place",
        "kg_nh3_per_animal_place",
        "emissiefactor",
        "emission_factor",
        "factor",
        "kg_nh3",
    ),
    "category_en": ("category_en", "category"),
    "category_nl": ("category_nl", "categorie", "omschrijving"),
    "source": ("source", "bron"),
}
_ANIMAL_COLUMNS = {
    "farm_id": ("farm_id", "farmid", "locatie_id", "locatieid", "bedrijf_id", "vestiging_id", "id"),
    "rav_code": ("rav_code", "rav", "code", "diercategorie", "huisvestingscode"),
    "animals": ("animals", "animal_places", "dieren", "aantal", "aantal_dieren", "dierplaatsen"),
}


def normalise_code(code: object) -> str:
    """A Rav code as written in the factor table: Rav codes upper case, species names lower case."""
    text = str(code).strip()
    return text.upper() if RAV_CODE.match(text) else text.lower()


def _read_factor_file(path: Path) -> pd.DataFrame:
    raw = read_table(path)
    columns = list(raw.frame.columns)
    cols = {k: find_column(columns, names, path=path) for k, names in _FACTOR_COLUMNS.items()}
    missing = [k for k in ("rav_code", "kg_nh3_per_place") if cols[k] is None]
    if missing:
        raise InputError(
            say("factors_columns", missing=", ".join(missing), columns=", ".join(columns)),
            source=str(path),
        )
    codes = raw.frame[cols["rav_code"]].astype(str).map(normalise_code)
    values, bad = parse_numbers(raw.frame[cols["kg_nh3_per_place"]], decimal=raw.decimal)
    problems = []
    for i in np.flatnonzero(bad | np.isnan(values) | ~np.isfinite(values) | (values < 0)):
        problems.append(
            say(
                "factor_not_number",
                row=str(i + 2),
                value=repr(raw.frame[cols["kg_nh3_per_place"]].iloc[i]),
            )
        )
    for i in np.flatnonzero((codes == "").to_numpy()):
        problems.append(say("factor_code_missing", row=str(i + 2)))
    dup = codes[codes.duplicated(keep=False) & (codes != "")]
    if len(dup):
        problems.append(say("factor_codes_twice", codes=", ".join(sorted(set(dup)))))
    if problems:
        raise InputError(say("factors_unusable"), source=str(path), problems=problems)

    def text(key: str) -> list[str]:
        return raw.frame[cols[key]].astype(str).tolist() if cols[key] else [""] * len(codes)

    return pd.DataFrame(
        {
            "rav_code": codes.tolist(),
            "category_en": text("category_en"),
            "category_nl": text("category_nl"),
            "kg_nh3_per_place": values,
            "source": [s or f"user table {path.name}" for s in text("source")],
        }
    )


def load_emission_factors(path: Path | None = None) -> EmissionFactors:
    """The shipped factor table, with a user table's codes added or replacing shipped ones.

    Raises
    ------
    InputError
        When a table lacks ``rav_code`` / ``kg_nh3_per_place`` or has unusable values.
    """
    shipped_path = default_data_dir() / "emission_factors.csv"
    table = _read_factor_file(shipped_path)
    sources = [str(shipped_path)]
    if path is not None:
        user = _read_factor_file(Path(path))
        table = pd.concat([table[~table["rav_code"].isin(user["rav_code"])], user])
        table = table.reset_index(drop=True)
        sources.append(str(path))
    return EmissionFactors(table=table, sources=tuple(sources))


def animal_columns(columns: list[str], factors: EmissionFactors) -> list[str]:
    """Columns of a wide farm table that hold animal places: named by a Rav code (known or not)
    or by a species of the factor table (``rundvee``, ``varkens``, ...)."""
    species = {c for c in factors.factors if factors.is_species(c)}
    return [c for c in columns if RAV_CODE.match(str(c).strip()) or normalise_name(c) in species]


def wide_to_long(
    frame: pd.DataFrame, columns: list[str], *, decimal: str
) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    """Animal places from one column per code to rows ``row, rav_code, animals``.

    Empty cells and zeros give no row. Returns the long table and per-row problems (a count
    that is not a number or is negative).
    """
    parts = []
    problems: dict[int, list[str]] = {}
    for c in columns:
        values, bad = parse_numbers(frame[c], decimal=decimal)
        raw = frame[c].tolist()
        with np.errstate(invalid="ignore"):
            wrong = bad | np.isinf(values) | (values < 0)
        for i in np.flatnonzero(wrong):
            problems.setdefault(int(i), []).append(
                f"animals in column {c} not a number >= 0 ({raw[i]!r})"
            )
        ok = ~wrong & np.isfinite(values) & (values > 0)
        rows = np.flatnonzero(ok)
        parts.append(
            pd.DataFrame({"row": rows, "rav_code": normalise_code(c), "animals": values[ok]})
        )
    long = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({"row": [], "rav_code": [], "animals": []})
    )
    return long.astype({"row": "int64", "animals": "float64"}), problems


def load_animals_table(
    path: Path, farm_ids: pd.Series
) -> tuple[pd.DataFrame, dict[int, list[str]], list[str]]:
    """Read a long animal table ``farm_id, rav_code, animals`` and attach it to farm rows.

    Parameters
    ----------
    path
        CSV, XLSX or any table ``read_table`` reads; several rows per farm (stables) add up.
    farm_ids
        The farm table's ``farm_id`` per input row (stripped text).

    Returns
    -------
    long, problems, notes
        Rows ``row, rav_code, animals`` (``row`` = farm input row), per-farm-row problems and
        notes on animal rows that match no farm.
    """
    path = Path(path)
    raw = read_table(path)
    columns = list(raw.frame.columns)
    cols = {k: find_column(columns, names, path=path) for k, names in _ANIMAL_COLUMNS.items()}
    missing = [k for k, v in cols.items() if v is None]
    if missing:
        raise InputError(
            say("animals_columns", missing=", ".join(missing), columns=", ".join(columns)),
            source=str(path),
        )
    ids = raw.frame[cols["farm_id"]].astype(str).str.strip()
    codes = raw.frame[cols["rav_code"]].astype(str).map(normalise_code)
    values, bad = parse_numbers(raw.frame[cols["animals"]], decimal=raw.decimal)
    first_row = {fid: i for i, fid in reversed(list(enumerate(farm_ids.tolist())))}
    farm_row = ids.map(first_row)
    problems: dict[int, list[str]] = {}
    notes: list[str] = []
    unmatched = sorted(set(ids[farm_row.isna() & (ids != "")]))
    if unmatched:
        shown = ", ".join(unmatched[:5]) + (" ..." if len(unmatched) > 5 else "")
        notes.append(
            Message("notes.animals_unknown", file=path.name, count=len(unmatched), ids=shown)
        )
    n_no_id = int((ids == "").sum())
    if n_no_id:
        notes.append(Message("notes.animals_no_id", file=path.name, count=n_no_id))
    raw_values = raw.frame[cols["animals"]].tolist()
    with np.errstate(invalid="ignore"):
        wrong = bad | np.isinf(values) | (values < 0) | (codes == "").to_numpy()
    matched = farm_row.notna().to_numpy()
    for i in np.flatnonzero(wrong & matched):
        fr = int(farm_row.iloc[i])
        what = (
            "rav_code missing"
            if codes.iloc[i] == ""
            else f"animals not a number >= 0 ({raw_values[i]!r})"
        )
        problems.setdefault(fr, []).append(f"{path.name} row {i + 2}: {what}")
    ok = matched & ~wrong & np.isfinite(values) & (values > 0)
    long = pd.DataFrame(
        {
            "row": farm_row[ok].astype("int64").to_numpy(),
            "rav_code": codes[ok].to_numpy(dtype=object),
            "animals": values[ok],
        }
    )
    return long, problems, notes


def nh3_from_animals(
    long: pd.DataFrame, factors: EmissionFactors, n_rows: int
) -> tuple[np.ndarray, np.ndarray, dict[int, list[str]]]:
    """Sum animals x factor per farm row.

    ``long`` may carry a column ``kg_nh3_per_place`` with a factor of its own per entry (an
    IMAER custom housing); where it is NaN the table's factor is used.

    Returns
    -------
    nh3, has_animals, unknown
        kg NH3 per row (0 where no animals), whether a row has animal entries, and per row the
        codes that the factor table does not know.
    """
    nh3 = np.zeros(n_rows)
    has = np.zeros(n_rows, dtype=bool)
    unknown: dict[int, list[str]] = {}
    if len(long) == 0:
        return nh3, has, unknown
    factor = entry_factors(long, factors)
    rows = long["row"].to_numpy(dtype="int64")
    missing = np.isnan(factor)
    for r, code in zip(rows[missing], long["rav_code"].to_numpy()[missing], strict=True):
        codes = unknown.setdefault(int(r), [])
        if code not in codes:
            codes.append(code)
    np.add.at(nh3, rows[~missing], long["animals"].to_numpy()[~missing] * factor[~missing])
    has[rows] = True
    return nh3, has, unknown


def entry_factors(long: pd.DataFrame, factors: EmissionFactors) -> np.ndarray:
    """kg NH3 per animal place of every entry of a long animal table: the entry's own
    ``kg_nh3_per_place`` (IMAER custom housing) where it has one, else the table's factor of its
    code; NaN for a code the table does not know.

    Parameters
    ----------
    long
        Animal entries: ``rav_code`` (and ``kg_nh3_per_place`` where given).
    factors
        The emission factor table.
    """
    factor = long["rav_code"].map(factors.factors).to_numpy(dtype="float64", na_value=np.nan)
    if "kg_nh3_per_place" in long.columns:
        own = long["kg_nh3_per_place"].to_numpy(dtype="float64", na_value=np.nan)
        factor = np.where(np.isnan(own), factor, own)
    return factor
