"""Read an offers table (``--offers``): the subsidy asked per location, as an application table
holds it, to be joined on ``farm_id`` to the locations of any farm file.

The table is CSV or XLSX (or any table :func:`vbr.io.tables.read_table` reads) with the fields
``farm_id``, ``subsidy_eur`` and optionally ``submitted_at`` and ``complete_at``, recognised by
the same names and aliases as in the farm file and mapped with ``--offers-columns`` or the
config's ``[offers_columns]``. Numbers, times and ids are read exactly as in the farm file
(:func:`vbr.io.tables.parse_numbers`, :func:`vbr.io.times.parse_times`,
:func:`vbr.io.ids.normalise_ids`), so that an offer joins its location and its times compare
with the farm file's. Every other column is carried through. The join itself is the farm
reader's (:func:`vbr.io.farms.load_farms`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vbr.errors import InputError
from vbr.io.columns import FieldSet, match_columns, missing_fields_error
from vbr.io.farms import FARM_COLUMNS
from vbr.io.ids import normalise_ids
from vbr.io.tables import parse_numbers, read_table, row_label, short_text
from vbr.io.times import parse_times
from vbr.locale import Message, say
from vbr.model import OfferTable
from vbr.settings import ColumnMapping

__all__ = ["OFFER_FIELDS", "read_offers"]

#: The offers table's fields, with the farm file's names and aliases (``--offers-columns``,
#: ``[offers_columns]``).
OFFER_FIELDS = FieldSet(
    table=say("table_offers"),
    names={k: FARM_COLUMNS[k] for k in ("farm_id", "subsidy_eur", "submitted_at", "complete_at")},
    option="--offers-columns",
    config_table="offers_columns",
    meaning={
        "farm_id": say("meaning_offer_farm_id"),
        "subsidy_eur": say("meaning_offer_subsidy_eur"),
    },
)


def read_offers(path: Path, *, columns: ColumnMapping | None = None) -> OfferTable:
    """Read an offers table.

    Parameters
    ----------
    path
        CSV (``,`` or ``;``, decimal point or comma) or XLSX (the first visible sheet).
    columns
        Input columns named for fields (``--offers-columns``, ``[offers_columns]``).

    Returns
    -------
    OfferTable
        Every offer row as read, with its fields parsed and the problems of each row.

    Raises
    ------
    InputError
        When the file cannot be read, has no rows, lacks a ``farm_id`` or ``subsidy_eur``
        column, or two columns could be one field.
    """
    path = Path(path)
    table = read_table(path, sheet_option=None)
    frame = table.frame
    match = match_columns(list(frame.columns), OFFER_FIELDS, path=path, mapping=columns)
    missing = [k for k in ("farm_id", "subsidy_eur") if match[k] is None]
    if missing:
        raise missing_fields_error(OFFER_FIELDS, missing, columns=list(frame.columns), path=path)
    if len(frame) == 0:
        raise InputError(say("no_offers"), source=str(path))
    n = len(frame)
    problems: dict[int, list[str]] = {i: [text] for i, text in table.row_problems.items()}
    notes = list(table.notes)

    def where(i: int) -> str:
        return f"{path.name} row {i + 2}"

    raw = frame[match["subsidy_eur"]]
    subsidy, unparsed = parse_numbers(raw, decimal=table.decimal)
    given = raw.astype(str).str.strip().to_numpy() != ""
    with np.errstate(invalid="ignore"):
        wrong = given & (unparsed | np.isinf(subsidy) | (subsidy < 0))
    raw_values = raw.to_numpy(dtype=object)
    for i in np.flatnonzero(wrong):
        what = "not a number" if unparsed[i] or np.isinf(subsidy[i]) else "must be >= 0"
        problems.setdefault(int(i), []).append(
            f"subsidy_eur {what} ({raw_values[i]!r} in {where(int(i))})"
        )
    subsidy = np.where(wrong, np.nan, subsidy)
    times = {}
    for key in ("submitted_at", "complete_at"):
        column = match[key]
        if column is None:
            times[key] = (None, np.zeros(n, dtype=bool))
            continue
        # read exactly as the farm file's times: ISO 8601, Dutch dates, Excel date cells, DST
        parsed = parse_times(
            frame[column],
            column=key,
            source=str(path),
            excel_epoch=table.excel_epoch,
            row_label=lambda i: row_label(table, i),
        )
        texts = frame[column].astype(str).str.strip()
        for i, text in parsed.problems.items():
            problems.setdefault(int(i), []).append(
                _naming_row(text, short_text(texts.iat[i]), where(int(i)))
            )
        notes += [Message("notes.in_file", file=path.name, note=note) for note in parsed.notes]
        times[key] = (parsed.times, texts.to_numpy() != "")
    # ids as the farm reader makes them: NFC, trimmed, an invisible character rejected
    ids, id_problems = normalise_ids(frame[match["farm_id"]])
    for i, text in id_problems.items():
        problems.setdefault(int(i), []).append(_naming_row(text, repr(ids.iat[i]), where(int(i))))
    used = {match["farm_id"], match["subsidy_eur"]}
    return OfferTable(
        path=path,
        frame=frame,
        ids=ids,
        subsidy=subsidy,
        subsidy_given=given,
        submitted_at=times["submitted_at"][0],
        submitted_given=times["submitted_at"][1],
        complete_at=times["complete_at"][0],
        complete_given=times["complete_at"][1],
        problems=problems,
        carried=[c for c in frame.columns if c not in used],
        sources={name: match.source(name) for name in OFFER_FIELDS.fields},
        notes=notes,
    )


def _naming_row(text: str, value: str, where: str) -> str:
    """A problem text of the farm reader with the offer's row put beside the value it quotes:
    ``submitted_at not a time in an accepted form ('gisteren' in offers.csv row 4); ...``."""
    if value in text:
        return text.replace(value, f"{value} in {where}", 1)
    return f"{text} ({where})"
