"""A request to stop (SIGTERM, SIGHUP) as an exception, so that a run cleans up behind itself.

:func:`stop_cleanly` turns the signals into :class:`~vbr.errors.Terminated` in the main thread:
``finally`` blocks and context managers then remove the temporary folders and put back what a
half-done replacement moved. :func:`deferred_termination` holds such a request back during a
few renames that must not be cut in two (the swap of an output folder); it is raised when the
block ends. SIGKILL cannot be caught: the next run cleans up (see
:mod:`vbr.writers.run_folder`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from vbr.errors import Terminated

__all__ = ["STOP_SIGNALS", "deferred_termination", "stop_cleanly"]

#: The signals that ask a run to stop and that :func:`stop_cleanly` turns into an exception.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGHUP)


class _State:
    """What the handler needs to know: whether a swap is under way, and a held-back request."""

    depth = 0
    pending: signal.Signals | None = None
    #: The process that installed the handlers: a forked worker (the distance pool) inherits
    #: them, and ends as the signal says instead.
    owner: int | None = None


def _handle(signum: int, _frame: FrameType | None) -> None:
    received = signal.Signals(signum)
    if os.getpid() != _State.owner:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if _State.depth:
        _State.pending = received
        return
    raise Terminated(received)


@contextlib.contextmanager
def stop_cleanly() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`~vbr.errors.Terminated` in the main
    thread; the earlier handlers are restored on leaving. Outside the main thread (where Python
    cannot install handlers) the block runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    earlier_owner, _State.owner = _State.owner, os.getpid()
    earlier = {s: signal.signal(s, _handle) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in earlier.items():
            signal.signal(s, handler)
        _State.owner = earlier_owner


@contextlib.contextmanager
def deferred_termination() -> Iterator[None]:
    """Hold back a stop request that arrives within the block and raise it when the block ends
    (blocks may nest: the outermost one raises)."""
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
        if not _State.depth and _State.pending is not None:
            received, _State.pending = _State.pending, None
            raise Terminated(received)
