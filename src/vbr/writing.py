"""Writing a run: :func:`write_result` runs the writers into a run folder; :func:`run` computes
(:func:`vbr.pipeline.compute`) and writes.

``write_result(result, out) -> Written`` runs the writers the options ask for
(:func:`default_writers`: the lists, the workbook, the GeoPackage and the maps) into a temporary
folder, writes the manifest last and moves the folder into place
(:mod:`vbr.writers.run_folder`). The writers that run apart (the workbook and the GeoPackage,
:mod:`vbr.writers.apart`) start first, each in a process of its own with the notes of the run
and of the outputs; the others then write here in order, each with the notes so far. Nothing
here changes the result.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from vbr.locale import Message
from vbr.locale.reasons import render_note
from vbr.model import Result, WriteReport, Written
from vbr.pipeline import Progress, compute
from vbr.settings import RunOptions
from vbr.writers.apart import Apart, start_apart
from vbr.writers.context import WriteContext, Writer
from vbr.writers.geopackage import write_geopackage
from vbr.writers.lists import write_lists
from vbr.writers.manifest import MANIFEST, SIDECAR, build_manifest, write_manifest, write_sidecar
from vbr.writers.run_folder import RunFolder, check_output_folder
from vbr.writers.scenarios import write_scenarios
from vbr.writers.workbook import write_workbook

__all__ = ["certain_outputs", "default_writers", "input_files", "run", "write_result"]


def write_maps(context: WriteContext) -> WriteReport:
    """:func:`vbr.maps.write_maps`, imported at its turn: folium and the maps' modules (0.3 s)
    load after the writers apart have started, while their processes work."""
    from vbr.maps import write_maps as write

    return write(context)


def write_public_maps(context: WriteContext) -> WriteReport:
    """:func:`vbr.maps.public.write_public_maps`, imported at its turn (as :func:`write_maps`)."""
    from vbr.maps.public import write_public_maps as write

    return write(context)


def default_writers(options: RunOptions) -> list[Writer]:
    """The writers a run with ``options`` uses, in order: the lists, the workbook, the
    GeoPackage and the maps (only the public maps with ``public``), and the scenarios."""
    if options.public:
        writers: list[Writer] = [write_public_maps]
    else:
        writers = [write_lists, write_workbook, write_geopackage, write_maps]
    if options.scenarios:
        writers.append(write_scenarios)
    return writers


def write_result(
    result: Result,
    out: Path,
    *,
    writers: Sequence[Writer] | None = None,
    progress: Progress | None = None,
    command: Sequence[str] = (),
    created: dt.datetime | None = None,
) -> Written:
    """Write every output of a result into ``out``.

    The writers (:func:`default_writers` unless given) write into a temporary folder in
    ``out`` (or beside it): those that run apart start first, the others follow in order, each
    with the notes so far; ``manifest.json`` records them all
    and ``manifest.sha256`` the manifest, and they are moved in only when everything is written,
    the manifest last (:mod:`vbr.writers.run_folder`). Outputs of an earlier run in ``out`` are
    replaced all or nothing; what vbr did not write is left alone. The result is not changed.

    Parameters
    ----------
    result
        What :func:`compute` returned.
    out
        The output folder.
    writers
        The writers, in order (default: :func:`default_writers` of the result's options).
    progress
        Called with a message before every writer.
    command
        The command line that made the run, for the manifest.
    created
        When the run was made (UTC; default now, or ``$SOURCE_DATE_EPOCH``): the manifest, the
        workbook's cover and the maps show it (``vbr verify`` gives the recorded time).

    Returns
    -------
    Written
        The files written, every note of the run and the writers' timings.

    Raises
    ------
    OutputError
        When ``out`` cannot be created or written, or holds what vbr did not write where the
        run writes (see :mod:`vbr.writers.run_folder`).
    """
    out = Path(out)
    writers = default_writers(result.options) if writers is None else list(writers)
    timings: dict[str, float] = {}
    lang = result.options.config.language
    with RunFolder(out) as folder, _Aparts() as aparts:
        context = WriteContext.of(result, folder.path, created=created)
        names = [getattr(w, "__name__", "writer").removeprefix("write_") for w in writers]
        # the writers that run apart start first, so that their processes work while the others
        # write here, and among them those that start first (their settle is short: their
        # processes work while the others' settle); each sees the notes of the run and of the
        # outputs (context.notes)
        started: dict[int, tuple[Apart, float]] = {}
        for k in sorted(range(len(writers)), key=lambda k: not _starts_first(writers[k])):
            writer = writers[k]
            if getattr(writer, "runs_apart", False):
                if progress:
                    progress(_writing(names[k]))
                started[k] = (aparts.start(writer, context), time.perf_counter())
        notes = list(context.notes)  # of the writers done here, for the next writer's context
        before: list = []  # per writer, in order: its notes, or a wait for a writer apart
        reports: list = []  # per writer: its report, or the writer running apart
        for k, writer in enumerate(writers):
            if k in started:
                apart, t0 = started[k]
                reports.append((names[k], apart, t0))
                before.append(lambda a=apart: [render_note(n, lang) for n in a.report().notes])
                continue
            if progress:
                progress(_writing(names[k]))
            t0 = time.perf_counter()
            report = writer(context.with_notes(notes, before=before))
            reports.append((names[k], report, time.perf_counter() - t0))
            mine = [render_note(n, lang) for n in report.notes]
            notes += mine
            before.append(mine)
        files: list[str] = []
        notes = list(context.notes)
        for name, report, seconds in reports:
            if not isinstance(report, WriteReport):  # apart: wait for it (if not done yet)
                report = report.report()
                seconds = time.perf_counter() - seconds  # there: when it was started
            # a writer that timed its parts itself says so; else it counts as one stage
            timings.update(report.timings or {name: seconds})
            notes += [render_note(n, lang) for n in report.notes]
            files += [Path(p).relative_to(folder.path).as_posix() for p in report.files]
        written = list(dict.fromkeys(f.split("/", 1)[0] for f in files))
        files += folder.mark_folders(written)
        if progress:
            progress(Message("progress.manifest"))
        t0 = time.perf_counter()
        manifest = build_manifest(
            result,
            folder.path,
            written,
            notes=notes,
            command=command,
            created=context.created,
        )
        write_manifest(manifest, folder.path / MANIFEST)
        write_sidecar(folder.path)
        timings["manifest"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        folder.commit(
            written,
            regions=[region.slug for region in result.region_lists],
            inputs=input_files(result.options),
        )
        timings["replace"] = time.perf_counter() - t0
    return Written(
        result=result,
        folder=out,
        files=(*files, MANIFEST, SIDECAR),
        notes=tuple(notes),
        timings=timings,
    )


class _Aparts:
    """The writers of one run started apart (:mod:`vbr.writers.apart`); on leaving, every child
    still running is stopped (the run failed elsewhere, or was stopped)."""

    def __init__(self) -> None:
        self._started: list[Apart] = []

    def start(self, writer: Writer, context: WriteContext) -> Apart:
        apart = start_apart(writer, context)
        self._started.append(apart)
        return apart

    def __enter__(self) -> _Aparts:
        return self

    def __exit__(self, *exc: object) -> None:
        for apart in self._started:
            apart.cancel()


def run(
    options: RunOptions,
    *,
    progress: Progress | None = None,
    writers: Sequence[Writer] | None = None,
    command: Sequence[str] = (),
    created: dt.datetime | None = None,
) -> Written:
    """Compute and write one run into ``options.out``.

    Parameters
    ----------
    options
        What to read, the rules, where to write (see :func:`compute`).
    progress
        Called with a message at the start of every long stage.
    writers
        The writers (see :func:`write_result`).
    command
        The command line, for the manifest.
    created
        When the run was made (see :func:`write_result`).

    Returns
    -------
    Written
        The result and what was written (see :func:`write_result`).
    """
    writes = certain_outputs(options) if writers is None else {MANIFEST, SIDECAR}
    contents = check_output_folder(options.out, writes=writes, inputs=input_files(options))
    result = compute(options, progress=progress)
    contents.wait()  # the previous outputs as their manifest says: checked while computing
    return write_result(
        result, options.out, writers=writers, progress=progress, command=command, created=created
    )


def certain_outputs(options: RunOptions) -> set[str]:
    """The top-level names every run with ``options`` writes (whatever its result), so that a
    folder that holds something else under one of them stops the run before it computes."""
    names = {MANIFEST, SIDECAR, "index.html"}
    if not options.public:
        names |= {"ranking.csv", "rejected.csv", "ranking_excel.csv", "rejected_excel.csv"}
        names |= {"ranking.xlsx", "ranking.gpkg"}
    if options.scenarios:
        names.add("scenarios")
    return names


def input_files(options: RunOptions) -> list[Path]:
    """Every file a run with ``options`` reads (its path options and the config file)."""
    paths = [getattr(options, f.name) for f in fields(options) if f.name != "out"]
    paths = [p for p in paths if isinstance(p, Path)]
    config = Path(options.config.source)
    return [*paths, *([config] if config.is_file() else [])]


#: What ``--progress`` says while a writer of vbr writes (another writer: its name).
_WRITING = {
    "geopackage": "progress.write_geopackage",
    "lists": "progress.write_lists",
    "maps": "progress.write_maps",
    "public_maps": "progress.write_public_maps",
    "result": "progress.write_result",
    "scenarios": "progress.write_scenarios",
    "workbook": "progress.write_workbook",
}


def _starts_first(writer: Writer) -> bool:
    return bool(getattr(writer, "runs_apart", False) and getattr(writer, "starts_first", False))


def _writing(name: str) -> Message:
    """The progress line of writer ``name`` (a :class:`Message`: English as a ``str``)."""
    if name in _WRITING:
        return Message(_WRITING[name])
    return Message("progress.writing", name=name.replace("_", " "))
