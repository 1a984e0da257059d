"""An official draw (``--draw PATH``): the farm ids of the days drawn by lot, in drawn order."""

from __future__ import annotations

from pathlib import Path

from vbr.errors import InputError
from vbr.io.farms import FARM_COLUMNS
from vbr.io.tables import find_column, read_table
from vbr.locale import say

__all__ = ["load_draw"]


def load_draw(path: Path) -> tuple[str, ...]:
    """Read a draw: a CSV or XLSX file with a ``farm_id`` column (or one of its aliases), one row
    per application in drawn order; other columns are ignored.

    Raises
    ------
    InputError
        When the file cannot be read, has no ``farm_id`` column, no rows, an empty id or an id
        listed twice.
    """
    path = Path(path)
    table = read_table(path)
    column = find_column(list(table.frame.columns), FARM_COLUMNS["farm_id"], path=path)
    if column is None:
        raise InputError(
            say("draw_no_column", columns=", ".join(table.frame.columns)),
            source=f"--draw {path}",
        )
    ids = table.frame[column].astype(str).str.strip()
    if not len(ids):
        raise InputError(say("draw_empty"), source=f"--draw {path}")
    empty = [str(k + 2) for k in range(len(ids)) if ids.iat[k] == ""]
    twice = sorted(set(ids[ids.duplicated()].tolist()) - {""})
    problems = [say("draw_empty_ids", lines=", ".join(empty[:10]))] if empty else []
    if twice:
        problems.append(say("draw_twice", ids=", ".join(twice[:10])))
    if problems:
        raise InputError(
            say("draw_not"),
            source=f"--draw {path}",
            problems=problems,
        )
    return tuple(ids.tolist())
