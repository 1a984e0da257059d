"""Exception types of vbr.

Every problem a user can fix is an :class:`InputError` (exit status 2 on the command line); anything
else that escapes is a bug (exit status 1).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ConfigError", "InputError", "OutputError", "Terminated", "refuse_rows"]


class InputError(Exception):
    """An input file or option cannot be used.

    Parameters
    ----------
    message
        What is wrong and what to do about it.
    source
        The file or option concerned (shown first in the message).
    problems
        Further lines, e.g. every row or column that has the same kind of problem.
    language
        The language the message is written in, where it is not English (``nl``): the command
        line frames it in that language too (``vbr: fout: ...``).
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        problems: list[str] | None = None,
        language: str | None = None,
    ):
        self.message = message
        self.source = source
        self.problems = list(problems or [])
        self.language = language
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.source}: {self.message}" if self.source else self.message
        if not self.problems:
            return head
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        lines = [head, *(f"  - {p}" for p in shown)]
        if more > 0:
            lines.append(f"  ... and {more} more")
        return "\n".join(lines)


def refuse_rows(values: Sequence[object], bad: Sequence[bool], rule: str, *, source: str) -> None:
    """Raise one :class:`InputError` listing every row of ``values`` that breaks ``rule``
    (rows counted from 1); nothing when no row is ``bad``.

    Parameters
    ----------
    values
        The values as read, one per row.
    bad
        Per row: whether it breaks the rule.
    rule
        What every row must be (``column 'nr' must hold whole area numbers``).
    source
        The file concerned.
    """
    rows = [i for i, b in enumerate(bad) if b]
    if rows:
        raise InputError(
            f"{rule}; these rows do not",
            source=source,
            problems=[f"row {i + 1}: {values[i]!r}" for i in rows],
        )


class ConfigError(InputError):
    """The configuration file or a command-line option has an unusable value."""


class OutputError(InputError):
    """The output folder cannot be written."""


class Terminated(BaseException):
    """The process was asked to stop (SIGTERM, SIGHUP) while a run was under way.

    A :class:`BaseException`, like :class:`KeyboardInterrupt`, so that no ``except Exception``
    swallows it; the temporary folders are removed as it passes.
    """

    def __init__(self, signal_received: object):
        self.signal_received = signal_received
        super().__init__(f"stopped by {getattr(signal_received, 'name', signal_received)}")
