"""Rejected rows by kind of reason: what the summary, the manifest and ``--max-rejected`` count.

A reason text holds values (``nh3_kg not a number ('abc')``, ``farm_id duplicated (3 rows share
it)``); its *kind* is the text without them, so that the rows with the same problem count
together: the part before the first ``" ("``, ``": "`` or ``"; "``, with numbers written as
``N`` (but not the bound of a rule: ``must be > 0``) and quoted text as ``'…'``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

__all__ = ["reason_kind", "rejection_table"]

_CUT = re.compile(r" \(|: |; ")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
#: A number that is a value (``row 5``, ``has 7 fields``), not part of a name (``nh3_kg``) nor
#: the bound of a rule (``must be > 0``).
_NUMBER = re.compile(r"(?<![<>=] )(?<![\w.])\d[\d,.]*")


def reason_kind(text: str) -> str:
    """The kind of one problem text: ``nh3_kg not a number ('abc')`` -> ``nh3_kg not a
    number``; ``row has 7 fields, the header has 5`` -> ``row has N fields, the header has N``."""
    head = _CUT.split(str(text), maxsplit=1)[0]
    return _NUMBER.sub("N", _QUOTED.sub("'…'", head)).strip()


def rejection_table(
    reasons: Mapping[int, Sequence[str]], ids: pd.Series, *, label: Callable[[int], str]
) -> pd.DataFrame:
    """One row per problem of a rejected row: ``row`` (0-based position in the file), ``where``
    (how a message names the row, ``row 5``), ``farm_id`` and ``kind``.

    Parameters
    ----------
    reasons
        The problem texts of every rejected row, by position.
    ids
        The farm ids by position.
    label
        How a message names the row at a position.
    """
    rows, kinds = [], []
    for i in sorted(reasons):
        for text in dict.fromkeys(reason_kind(t) for t in reasons[i]):
            rows.append(i)
            kinds.append(text)
    frame = pd.DataFrame({"row": pd.Series(rows, dtype="int64"), "kind": kinds})
    frame.insert(1, "where", [label(i) for i in rows])
    frame.insert(2, "farm_id", ids.to_numpy(dtype=object)[frame["row"].to_numpy()])
    return frame
