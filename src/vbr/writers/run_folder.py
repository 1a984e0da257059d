"""The output folder of a run: vbr's only where vbr wrote it, replaced all or nothing.

- **Only its own names.** A run writes, replaces and removes only names from
  :data:`OUTPUT_NAMES` and its region folders, and only where vbr wrote them: a file counts as
  vbr's when the previous run's ``manifest.json`` (checked against ``manifest.sha256``) records
  it with the sha256 it has now; a folder when it also holds the marker :data:`FOLDER_MARKER`
  and nothing but files so recorded. No path is ever taken from a manifest. Anything else is
  left alone; where the new run would write over it, the run stops with exit 2 and names it, as
  it does for an input file inside what would be replaced.
- **All or nothing.** Files are written to a temporary folder (``.vbr-tmp-<pid>-...``, inside
  ``--out``, or beside it when it does not exist yet). When every file is written, the previous
  run's outputs are moved into the temporary folder (``manifest.json`` first) and the new ones
  moved in (``manifest.json`` and ``manifest.sha256`` last); on any failure the moves are undone
  and the previous run is as it was. The moves are recorded first in ``swap.json``.
- **Nothing left behind.** The temporary folder goes when the run ends, also on SIGTERM
  (:mod:`vbr.termination`). After SIGKILL or a power cut the next run into the folder removes
  the temporary folders of processes that are gone, and first puts back a previous run whose
  replacement was cut short.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType

from vbr.digest import sha256_of
from vbr.errors import InputError, OutputError
from vbr.locale import say
from vbr.termination import deferred_termination
from vbr.writers.manifest import MANIFEST, SIDECAR, previous_outputs, sidecar_problem

__all__ = [
    "FOLDER_MARKER",
    "OUTPUT_NAMES",
    "TEMPORARY_PREFIX",
    "ContentsCheck",
    "RunFolder",
    "check_output_folder",
    "clean_stale_temporaries",
    "temporary_folder",
]

#: Every top-level name a run may write in ``--out`` besides its region folders.
OUTPUT_NAMES = frozenset(
    {
        "ranking.csv",
        "rejected.csv",
        "ranking_excel.csv",
        "rejected_excel.csv",
        "ranking.xlsx",
        "ranking.gpkg",
        "index.html",
        "decisions.csv",
        "nh3_check.csv",
        "subsidy_estimates.csv",
        "priority_changes.csv",
        "scenarios",
        "national",
        MANIFEST,
        SIDECAR,
    }
)
#: The file vbr writes into every folder it writes in ``--out`` (region folders, ``scenarios``).
FOLDER_MARKER = ".vbr-folder"
_MARKER_TEXT = (
    "This folder was written by vbr. The next vbr run into the folder above replaces it, unless "
    "a file in it was changed or added.\n"
)
#: How the temporary folders of vbr start; the process id follows.
TEMPORARY_PREFIX = ".vbr-tmp-"
_TEMPORARY = re.compile(rf"^{re.escape(TEMPORARY_PREFIX)}(\d+)-")
_JOURNAL = "swap.json"

#: The one way a file or folder is moved (a seam where tests inject failures).
_rename = os.rename


class RunFolder:
    """A temporary folder for a run's files, moved into ``out`` by :meth:`commit`.

    Use as a context manager: the temporary folder is removed on leaving, whether or not the
    files were committed (it is kept only when a failed replacement could not be undone; the
    error then says where the previous outputs are).

    Raises
    ------
    OutputError
        When ``out`` is a file, or the temporary folder cannot be created.
    """

    def __init__(self, out: Path):
        self.out = Path(out)
        self.target = _resolved(self.out)
        if self.target.exists() and not self.target.is_dir():
            raise OutputError(say("out_is_file"), source=str(self.out))
        base = self.target if self.target.is_dir() else self.target.parent
        for folder in {self.target, self.target.parent}:
            clean_stale_temporaries(folder)
        try:
            base.mkdir(parents=True, exist_ok=True)
            self.work = temporary_folder(base, self.target.name)
            self.path = self.work / "new"
            self.path.mkdir()  # not mkdtemp: the outputs get the permissions of the umask
        except OSError as exc:
            raise OutputError(
                say("out_cannot_create", detail=str(exc)), source=str(self.out)
            ) from None
        self._keep = False

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def mark_folders(self, written: Iterable[str]) -> list[str]:
        """Write :data:`FOLDER_MARKER` into every folder among the top-level names ``written``;
        return the markers' paths (relative to the folder)."""
        markers = []
        for name in written:
            if (self.path / name).is_dir():
                (self.path / name / FOLDER_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
                markers.append(f"{name}/{FOLDER_MARKER}")
        return markers

    def commit(
        self, written: Sequence[str], *, regions: Collection[str] = (), inputs: Iterable[Path] = ()
    ) -> None:
        """Put the top-level names ``written`` (and ``manifest.json``, ``manifest.sha256``) into
        ``out`` in place of the previous run's outputs, all or nothing.

        Parameters
        ----------
        written
            The top-level names the run wrote (files and folders), without the manifest.
        regions
            The run's region folders (the names ``written`` may hold besides
            :data:`OUTPUT_NAMES`).
        inputs
            The run's input files: one inside an output to be replaced stops the run.

        Raises
        ------
        OutputError
            When ``out`` holds something vbr did not write where the run writes, an input lies
            inside an output to be replaced, or the files cannot be moved (the previous outputs
            are then as they were).
        """
        unknown = sorted(set(written) - OUTPUT_NAMES - set(regions))
        if unknown:  # a writer wrote a name that is not on the list: a bug, not the user's input
            raise RuntimeError(f"outputs outside vbr's list of names: {', '.join(unknown)}")
        new = [*sorted(set(written) - {MANIFEST, SIDECAR}), MANIFEST, SIDECAR]
        if not self.target.exists():
            with deferred_termination():
                self._move_whole()
            return
        if self.work.parent != self.target:
            raise OutputError(say("out_appeared"), source=str(self.out))
        old = _replaced_names(self.target, new, inputs=inputs, shown=self.out)
        journal = {"old": old, "new": new}
        with deferred_termination():
            try:
                (self.work / _JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
                (self.work / "old").mkdir()
                for name in old:
                    _move(self.target / name, self.work / "old" / name)
                for name in new:
                    _move(self.work / "new" / name, self.target / name)
            except BaseException as exc:
                if not _roll_back(self.work, self.target, journal):
                    self._keep = True
                    raise OutputError(
                        say("out_no_roll_back", detail=str(exc), folder=str(self.work / "old")),
                        source=str(self.out),
                    ) from None
                if isinstance(exc, OSError):
                    raise OutputError(
                        say("out_rolled_back", detail=str(exc)),
                        source=str(self.out),
                    ) from None
                raise

    def _move_whole(self) -> None:
        """The first run into ``out``: the finished folder becomes ``out`` in one rename."""
        try:
            _move(self.path, self.target)
        except OSError as exc:
            raise OutputError(
                say("out_cannot_move", detail=str(exc)), source=str(self.out)
            ) from None


def check_output_folder(
    out: Path, *, writes: Collection[str], inputs: Iterable[Path]
) -> ContentsCheck:
    """Before a run: remove what runs that are gone left behind, and stop early (exit 2) where
    ``out`` holds something vbr did not write under a name the run ``writes`` for certain, or an
    input lies inside an output the run replaces.

    Whether the previous run's files still hold what its manifest records (their sha256 over
    every byte: 142 MB after a 45,000-farm run) is checked in a thread while the run computes:
    the returned :class:`ContentsCheck` says it, and the run waits for it before it writes
    anything.

    Raises
    ------
    OutputError
        What :meth:`RunFolder.commit` would raise at the end of the run (a changed file: from
        :meth:`ContentsCheck.wait`).
    """
    target = _resolved(Path(out))
    inputs = list(inputs)  # read twice: here and in the thread
    if target.exists() and not target.is_dir():
        raise OutputError(say("out_is_file"), source=str(out))
    check = ContentsCheck(None)
    if target.is_dir():
        clean_stale_temporaries(target)
        _replaced_names(target, writes, inputs=inputs, shown=Path(out), contents=False)
        check = ContentsCheck(
            lambda: _replaced_names(target, writes, inputs=inputs, shown=Path(out))
        )
    clean_stale_temporaries(target.parent)
    return check


class ContentsCheck:
    """A check of the output folder running in a thread of its own (reading and hashing files
    leaves the interpreter free); :meth:`wait` raises what it raised."""

    def __init__(self, check: Callable[[], object] | None):
        self._done: Future = Future()
        if check is None:
            self._done.set_result(None)
            return

        def work() -> None:
            try:
                self._done.set_result(check())
            except BaseException as exc:  # handed to wait(), in the run's thread
                self._done.set_exception(exc)

        # a daemon: a run that fails while computing does not wait for it
        threading.Thread(target=work, name="vbr-out-check", daemon=True).start()

    def wait(self) -> None:
        """Wait for the check; raise what it found (:class:`~vbr.errors.OutputError`)."""
        self._done.result()


def temporary_folder(base: Path, label: str) -> Path:
    """A new temporary folder in ``base`` named after this process (``.vbr-tmp-<pid>-<label>-
    ...``), so that a later run can tell whether its owner is gone."""
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", label)[:40] or "out"
    return Path(tempfile.mkdtemp(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-{label}-", dir=base))


def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary folders in ``folder`` whose process is gone; put back first the
    previous run of a replacement that was cut short. Returns what was removed."""
    removed = []
    try:
        candidates = sorted(folder.glob(f"{TEMPORARY_PREFIX}*"))
    except OSError:
        return removed
    for work in candidates:
        found = _TEMPORARY.match(work.name)
        if not found or _alive(int(found[1])) or work.is_symlink() or not work.is_dir():
            continue
        if not _recover(work):
            continue  # the previous outputs could not be put back: keep them where they are
        shutil.rmtree(work, ignore_errors=True)
        removed.append(work)
    return removed


def _recover(work: Path) -> bool:
    """Undo the replacement recorded in ``work/swap.json`` unless it got to its end (its last
    move is that of ``manifest.sha256``); whether nothing of the previous run is left in
    ``work``."""
    journal_path = work / _JOURNAL
    if not journal_path.is_file():
        return True
    if not (work / "new" / SIDECAR).exists():
        return True  # the replacement was complete: what is in work/old is the run before
    try:
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
        names = [*journal["old"], *journal["new"]]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not all(isinstance(n, str) and _is_plain_name(n) for n in names):
        return False
    return _roll_back(work, work.parent, journal)


def _roll_back(work: Path, out: Path, journal: dict) -> bool:
    """Move the new names that got into ``out`` back into ``work/new`` and the previous run's
    back from ``work/old``; never over an existing path. Whether all went back."""
    complete = True
    for name in reversed(journal["new"]):
        moved_in = not _present(work / "new" / name) and _present(out / name)
        if moved_in:
            complete &= _try_move(out / name, work / "new" / name)
    for name in journal["old"]:
        if _present(work / "old" / name):
            complete &= not _present(out / name) and _try_move(work / "old" / name, out / name)
    return complete


def _replaced_names(
    out: Path, new: Collection[str], *, inputs: Iterable[Path], shown: Path, contents: bool = True
) -> list[str]:
    """The names in ``out`` that the run moves away (the previous run's outputs, replaced or
    no longer written), ``manifest.sha256`` and ``manifest.json`` first. Without ``contents``,
    a file the manifest records counts as vbr's whatever it holds now (its sha256 is not
    compared).

    Raises
    ------
    OutputError
        Listing every name the run writes that holds something vbr did not write, and every
        input inside a name to be moved away.
    """
    recorded, manifest_problem = previous_outputs(out)
    legacy = manifest_problem is None and not _present(out / SIDECAR)
    conflicts: list[tuple[bool, str]] = []  # (not the manifest, line): the manifest's first
    old: list[str] = []
    for entry in sorted(out.iterdir(), key=lambda p: p.name):
        name = entry.name
        if name.startswith(TEMPORARY_PREFIX):
            continue
        candidate = (
            name in OUTPUT_NAMES
            or name in new
            or (entry.is_dir() and not entry.is_symlink() and (entry / FOLDER_MARKER).is_file())
            or (legacy and any(key.startswith(f"{name}/") for key in recorded))
        )
        if not candidate:
            continue  # not a name vbr writes: the user's, left alone
        why = _why_not_vbrs(
            entry, out, recorded, manifest_problem, legacy=legacy, contents=contents
        )
        if why is None:
            old.append(name)
        elif name in new:
            conflicts.append(
                (
                    name not in (MANIFEST, SIDECAR),
                    say("out_path_why", path=str(shown / name), why=why),
                )
            )
    for path in inputs:
        resolved = _resolved(Path(path))
        for name in old:
            inside = (out / name).resolve()
            if resolved == inside:
                conflicts.append((True, say("out_input_is_output", path=str(path))))
            elif inside in resolved.parents:
                conflicts.append(
                    (True, say("out_input_inside", path=str(path), folder=str(shown / name)))
                )
    if conflicts:
        raise OutputError(
            say("out_not_its_own"),
            source=str(shown),
            problems=[line for _, line in sorted(conflicts)],
        )
    first = [n for n in (SIDECAR, MANIFEST) if n in old]
    return [*first, *(n for n in old if n not in first)]


def _why_not_vbrs(
    path: Path,
    out: Path,
    recorded: dict[str, str],
    manifest_problem: str | None,
    *,
    legacy: bool,
    contents: bool = True,
) -> str | None:
    """Why ``path`` (a top-level name in ``out``) is not as vbr wrote it; ``None`` when it is
    (see :func:`_replaced_names` for ``contents``)."""
    name = path.name
    if path.is_symlink():
        return say("why_symlink")
    if name == MANIFEST:
        return manifest_problem
    if name == SIDECAR:
        if manifest_problem is not None or not _present(out / MANIFEST):
            return say("why_sidecar_alone", manifest=MANIFEST)
        problem = sidecar_problem(out)
        return None if problem is None else say("why_changed_sidecar", problem=problem)
    if not recorded:
        if manifest_problem:
            return say("why_manifest_changed", manifest=MANIFEST)
        return say("why_no_manifest", manifest=MANIFEST)
    if path.is_file():
        return _why_file_not_vbrs(path, out, recorded, contents=contents)
    if not path.is_dir():
        return say("why_not_file_or_folder")
    if not (path / FOLDER_MARKER).is_file() and not legacy:
        return say("why_foreign_folder", marker=FOLDER_MARKER)
    found = False
    for inner in sorted(path.rglob("*")):
        if inner.is_dir() and not inner.is_symlink():
            continue
        found = True
        why = _why_file_not_vbrs(inner, out, recorded, contents=contents)
        if why is not None:
            return say("why_holds", path=inner.relative_to(out).as_posix(), why=why)
    return None if found else say("why_empty_folder")


def _why_file_not_vbrs(
    path: Path, out: Path, recorded: dict[str, str], *, contents: bool = True
) -> str | None:
    key = path.relative_to(out).as_posix()
    if path.is_symlink() or not path.is_file():
        return say("why_not_vbrs_file")
    digest = recorded.get(key)
    if digest is None:
        return say("why_not_recorded", manifest=MANIFEST)
    if contents and _sha256_unless_known(path) != digest:
        return say("why_file_changed", manifest=MANIFEST)
    return None


#: sha256 of the files checked in this process, by path and what ``stat`` says of them: the check
#: before the run and the one before the swap hash each previous output once.
_KNOWN_SHA256: dict[tuple, str] = {}


def _sha256_unless_known(path: Path) -> str:
    info = path.stat()
    key = (str(path), info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if key not in _KNOWN_SHA256:
        _KNOWN_SHA256[key] = sha256_of(path)
    return _KNOWN_SHA256[key]


def _move(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``, which must not exist (a rename never writes over)."""
    if _present(target):
        raise FileExistsError(f"{target} appeared while the outputs were being moved")
    _rename(source, target)


def _try_move(source: Path, target: Path) -> bool:
    try:
        _move(source, target)
    except OSError:
        return False
    return True


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _is_plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\0" not in name


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one of another user counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, ValueError):
        return False
    return True


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:
        raise InputError(say("cannot_resolve", detail=str(exc)), source=str(path)) from None
