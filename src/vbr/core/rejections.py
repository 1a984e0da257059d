"""Rejected rows in figures, and the refusal of a list made from too few of them.

A list ranked from what is left of a file that was mostly misread looks finished and is wrong.
When more than ``max_rejected_percent`` of the rows are rejected, :func:`refuse_misleading_list`
stops the run with the counts, the most common kinds of reason with one example row each, and the
option that overrides it. :func:`top_reasons` gives the same figures for the summary and the
manifest of every run that rejected a row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from vbr.errors import InputError

__all__ = ["ReasonCount", "TooManyRejectedError", "refuse_misleading_list", "top_reasons"]

#: How many kinds of reason the summary and the refusal name.
TOP = 3


@dataclass(frozen=True)
class ReasonCount:
    """One kind of reason: how many rows have it, and the first of them."""

    reason: str
    rows: int
    example: str
    example_farm_id: str

    def as_dict(self, *, public: bool = False) -> dict[str, object]:
        """For the manifest; ``public`` leaves the farm id out (a public folder names no farm)."""
        entry: dict[str, object] = {
            "reason": self.reason,
            "rows": self.rows,
            "example": self.example,
        }
        if not public:
            entry["example_farm_id"] = self.example_farm_id
        return entry

    def text(self, *, public: bool = False) -> str:
        """``nh3_kg missing: 2 row(s) (e.g. row 3, farm_id 'a')``; ``public`` leaves the farm id
        out."""
        farm = f", farm_id {self.example_farm_id!r}" if self.example_farm_id and not public else ""
        return f"{self.reason}: {self.rows:,} row(s) (e.g. {self.example}{farm})"

    def __str__(self) -> str:
        return self.text()


class TooManyRejectedError(InputError):
    """More than ``--max-rejected`` percent of the rows are rejected (exit 2). The message is
    English; the figures are kept so that the caller can say it in the run's language.

    Attributes
    ----------
    n_read, n_rejected, max_percent
        The rows read and rejected, and the limit.
    reasons
        The most common kinds of reason, with an example row each.
    """

    def __init__(
        self,
        *,
        n_read: int,
        n_rejected: int,
        max_percent: float,
        reasons: list[ReasonCount],
        source: str,
    ):
        self.n_read, self.n_rejected, self.max_percent = n_read, n_rejected, max_percent
        self.reasons = reasons
        share = 100 * n_rejected / n_read
        super().__init__(
            f"{n_rejected:,} of {n_read:,} rows ({share:.1f}%) are rejected, more than "
            f"--max-rejected {max_percent:g}%: a list made from the rest would mislead; fix the "
            f"file (the README's Inputs section shows what is read), or give --max-rejected "
            f"{math.ceil(share)} (config: [input] max_rejected_percent) to rank the rest anyway. "
            "The most common reasons (a row can have several):",
            source=source,
            problems=[str(r) for r in reasons],
        )

    @property
    def share(self) -> float:
        """The rejected rows in percent of the rows read."""
        return 100 * self.n_rejected / self.n_read


def top_reasons(rejections: pd.DataFrame, n: int | None = TOP) -> list[ReasonCount]:
    """The kinds of reason, most rows first (ties by kind), with the first row of each.

    Parameters
    ----------
    rejections
        One row per problem: ``row``, ``where``, ``farm_id``, ``kind``
        (:attr:`vbr.model.FarmTable.rejections`).
    n
        How many kinds (``None``: all).
    """
    if rejections.empty:
        return []
    ordered = rejections.sort_values(["kind", "row"], kind="stable")
    first = ordered.drop_duplicates("kind").set_index("kind")
    counts = ordered.groupby("kind", sort=False).size()
    order = sorted(counts.index, key=lambda k: (-int(counts[k]), str(k)))
    return [
        ReasonCount(
            reason=str(kind),
            rows=int(counts[kind]),
            example=str(first.at[kind, "where"]),
            example_farm_id=str(first.at[kind, "farm_id"]),
        )
        for kind in (order if n is None else order[:n])
    ]


def refuse_misleading_list(
    *, n_read: int, n_rejected: int, rejections: pd.DataFrame, max_percent: float, source: str
) -> None:
    """Stop the run when more than ``max_percent`` of the rows are rejected.

    Raises
    ------
    TooManyRejectedError
        With the counts, the three most common kinds of reason (rows and an example each) and
        the option that overrides the limit.
    """
    if n_read == 0 or n_rejected * 100 <= max_percent * n_read:
        return
    raise TooManyRejectedError(
        n_read=n_read,
        n_rejected=n_rejected,
        max_percent=max_percent,
        reasons=top_reasons(rejections),
        source=source,
    )
