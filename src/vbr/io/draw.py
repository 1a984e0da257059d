"""An official draw (``--draw PATH``): the farm ids of the days drawn by lot, in drawn order."""

from __future__ import annotations

from pathlib import Path

from vbr.errors import InputError
from vbr.io.farms import FARM_COLUMNS
from vbr.io.tables import find_column, read_table

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
            "has no farm_id column; a draw lists the farm_id of every application of the days "
            f"drawn by lot, one per row in drawn order (columns: {', '.join(table.frame.columns)})",
            source=f"--draw {path}",
        )
    ids = table.frame[column].astype(str).str.strip()
    if not len(ids):
        raise InputError("lists no farm_id", source=f"--draw {path}")
    empty = [str(k + 2) for k in range(len(ids)) if ids.iat[k] == ""]
    twice = sorted(set(ids[ids.duplicated()].tolist()) - {""})
    problems = [f"empty farm_id on line(s) {', '.join(empty[:10])}"] if empty else []
    if twice:
        problems.append(f"farm_id listed more than once: {', '.join(twice[:10])}")
    if problems:
        raise InputError(
            "is not a draw: every application is listed once, in drawn order",
            source=f"--draw {path}",
            problems=problems,
        )
    return tuple(ids.tolist())
