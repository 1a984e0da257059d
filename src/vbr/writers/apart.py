"""A writer run in a forked process of its own, beside the writers that follow it.

At 45,000 farms the workbook takes about 2 s of CPU, the GeoPackage 1-1.5 s, the CSV lists 1 s
and the maps 2 s, all of it in the interpreter or GDAL: run one after the other on a 2-core
machine, one core idles. A writer marked
``runs_apart`` (see :func:`runs_apart`) is started in a child process made by ``fork`` (it sees
the finished result as it is, nothing is copied); the next writers run here meanwhile, and the
child's :class:`~vbr.model.WriteReport` is read back when it is needed (its notes, for
``index.html`` and the manifest) or at the end.

Nothing of the outcome depends on it: the child writes the same files the writer would write
here, into the same temporary folder. If the child fails in any way (an exception, a crash, a
report that cannot be read back), the writer is run again here, so its error is raised as it
would be without a child. Where ``fork`` does not exist (Windows), on one core, or with
``VBR_WRITERS_APART=0``, the writer simply runs here, in order.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable

from vbr.model import WriteReport
from vbr.writers.context import WriteContext, Writer

__all__ = ["Apart", "runs_apart", "start_apart"]


def runs_apart(
    writer: Writer | None = None,
    *,
    settle: Callable[[WriteContext], object] | None = None,
    starts_first: bool = False,
):
    """Mark ``writer`` as one that may run in a process of its own: it reads only the finished
    result and the notes so far, and writes only its own files. ``settle(context)`` is called
    here just before the fork, for what the writer reads that a thread of this process may
    still be making (a child must not start while another thread holds a lock it needs), or
    what this process keeps for its own writers too (made once, shared by the fork).

    A writer that ``starts_first`` is started before the other writers apart (otherwise they
    start in writer order): its settle is short and the others' is not, so its process works
    while they settle here. Its place among the writers (its notes, its files) stays.

    Use as ``@runs_apart`` or ``@runs_apart(settle=..., starts_first=...)``.
    """

    def mark(writer: Writer) -> Writer:
        writer.runs_apart = True  # type: ignore[attr-defined]
        writer.settle_before_fork = settle  # type: ignore[attr-defined]
        writer.starts_first = starts_first  # type: ignore[attr-defined]
        return writer

    return mark if writer is None else mark(writer)


def _may_fork() -> bool:
    if os.environ.get("VBR_WRITERS_APART", "").strip() == "0" or not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) > 1


class Apart:
    """A writer started in a child process (or already run here); :meth:`report` gives its
    report, waiting for the child once."""

    def __init__(self, writer: Writer, context: WriteContext):
        self._writer, self._context = writer, context
        self._report: WriteReport | None = None
        self._pid: int | None = None
        self._read: int | None = None
        if not _may_fork():
            self._report = writer(context)
            return
        settle = getattr(writer, "settle_before_fork", None)
        if settle is not None:
            settle(context)
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            self._report = writer(context)
            return
        if pid == 0:  # the child: write, send the report, leave without running anything else
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(writer(context))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def report(self) -> WriteReport:
        """The writer's report; when the child failed, the writer runs here (and raises here
        what it raises)."""
        if self._report is None:
            data, code = self._collect()
            report = None
            if code == 0:
                with contextlib.suppress(Exception):
                    report = pickle.loads(data)
            if not isinstance(report, WriteReport):  # the child failed: the writer runs here
                report = self._writer(self._context)
            self._report = report
        return self._report

    def cancel(self) -> None:
        """Stop the child, if it still runs (the run failed elsewhere)."""
        if self._pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, 9)
            self._collect()

    def _collect(self) -> tuple[bytes, int]:
        chunks = []
        if self._read is not None:
            with os.fdopen(self._read, "rb") as pipe:
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
            self._read = None
        code = -1
        if self._pid is not None:
            _, status = os.waitpid(self._pid, 0)
            code = os.waitstatus_to_exitcode(status)
            self._pid = None
        return b"".join(chunks), code


def start_apart(writer: Writer, context: WriteContext) -> Apart:
    """Start ``writer(context)`` in a process of its own (see the module)."""
    return Apart(writer, context)
