"""Exception types of vbr.

Every problem a user can fix is an :class:`InputError` (exit status 2 on the command line); anything
else that escapes is a bug (exit status 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from vbr.locale import LANGUAGES, Message, say, t

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
        return self.render(self.language or "en")[0]

    def render(self, lang: str) -> tuple[str, str]:
        """The whole message (source, message, problem lines) for people in ``lang`` where the
        catalogue has it, and the language it is written in: a message already written in a
        language (``language``) stays as it is; one that no template gives stays English."""
        from vbr.locale.reasons import render_message, render_reason

        lang = lang if lang in LANGUAGES else "en"
        if self.language is not None:
            said, lang = self.message, self.language
        elif isinstance(self.message, Message):
            said = self.message.render(lang)
        else:
            said = render_message(self.message, lang)
            if said == self.message and lang != "en":
                lang = "en"  # not in the catalogue: the frame says it is English

        def line(problem: str) -> str:
            if self.language is not None:
                return problem
            if isinstance(problem, Message):
                return problem.render(lang)
            return render_reason(render_message(problem, lang), lang)

        head = f"{self.source}: {said}" if self.source else said
        if not self.problems:
            return head, lang
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        lines = [head, *(f"  - {line(p)}" for p in shown)]
        if more > 0:
            lines.append(t("errors.more", lang, more=more))
        return "\n".join(lines), lang


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
            say("rows_do_not", rule=rule),
            source=source,
            problems=[say("row_value", row=i + 1, value=repr(values[i])) for i in rows],
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
