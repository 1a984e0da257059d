"""``vbr verify``: check an output folder against its ``manifest.json`` and repeat the run.

Steps: read the manifest (a malformed one is exit 2, every problem listed); check the manifest
against ``manifest.sha256``; check the folder against the manifest (every output's sha256, a
file the manifest records that is missing, a file it does not record); find every input file and
check its sha256; repeat the run with the recorded options and effective configuration in a
temporary folder, with every writer; compare every output of the repeated run byte for byte, and
the repeated run's manifest entry by entry (all but :data:`~vbr.writers.manifest.COMPARED_LOOSELY`:
when, how and with which software it ran, and where the files were). Nothing in the output
folder is changed.
"""

from __future__ import annotations

import datetime as _dt
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from vbr._version import __version__, code_identity
from vbr.digest import sha256_of
from vbr.errors import InputError
from vbr.locale import Message, say
from vbr.writers.manifest import (
    MANIFEST,
    SIDECAR,
    comparable_figures,
    read_manifest,
    rerun_options,
    sidecar_problem,
)
from vbr.writers.run_folder import TEMPORARY_PREFIX, clean_stale_temporaries, temporary_folder
from vbr.writing import run

__all__ = ["Difference", "VerifyReport", "verify"]

#: Outputs whose first differing line is shown (the others are compared as bytes).
TEXT_SUFFIXES = (".csv", ".html", ".txt", ".json")
_MISSING = object()


@dataclass
class Difference:
    """One thing that is not as the manifest says: the file concerned and what differs."""

    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.what}: {self.detail}"

    def render(self, lang: str) -> str:
        """The difference in ``lang`` where the catalogue has its words."""
        what, detail = (
            x.render(lang) if isinstance(x, Message) else x for x in (self.what, self.detail)
        )
        return f"{what}: {detail}"


@dataclass
class VerifyReport:
    """The outcome of a verification.

    Attributes
    ----------
    manifest_version
        The vbr version that made the run.
    inputs_checked
        ``name: path`` of every input file found and hashed.
    outputs_compared
        Every output of the run (as the manifest records it), compared by sha256 with the file
        in the folder and with the repeated run.
    figures_compared
        How many manifest entries (counts, budgets, notes ...) were compared with the repeated
        run's.
    differences
        Everything that is not as the manifest says.
    notes
        What the reader should know but does not make the run differ (another vbr version).
    language
        The run's language (``nl``, ``en``): the language the command prints in.
    """

    manifest_version: str
    inputs_checked: list[str] = field(default_factory=list)
    outputs_compared: list[str] = field(default_factory=list)
    figures_compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    language: str = "nl"

    @property
    def identical(self) -> bool:
        """Whether the folder, every input and every output matched."""
        return not self.differences


def verify(outdir: Path, *, inputs_dir: Path | None = None) -> VerifyReport:
    """Check ``outdir`` against its manifest and repeat the run it records.

    Parameters
    ----------
    outdir
        The output folder of a run (holds ``manifest.json``).
    inputs_dir
        Look for the input files here first (by file name), e.g. in an archive; else at the
        paths the manifest records (as given, then absolute).

    Returns
    -------
    VerifyReport
        ``identical`` when the manifest, the folder, every input and every output matched.

    Raises
    ------
    InputError
        When the manifest cannot be used or an input file is missing.
    """
    outdir = Path(outdir)
    manifest = read_manifest(outdir)
    report = VerifyReport(
        manifest_version=str(manifest["version"]),
        language=str(manifest.get("rerun", {}).get("explain_language", "nl")),
    )
    if manifest["version"] != __version__:
        report.notes.append(
            Message("verify.other_version", version=str(manifest["version"]), this=__version__)
        )
    else:
        report.notes += _code_notes(manifest.get("code"))
    problem = sidecar_problem(outdir)
    if problem is not None:
        report.differences.append(Difference(SIDECAR, problem))
    recorded = manifest["outputs"]
    report.outputs_compared = sorted(recorded, key=_output_order)
    changed = _check_folder(report, outdir, manifest)
    paths = _check_inputs(report, manifest, outdir, inputs_dir)
    if any(d.what.startswith("input ") for d in report.differences):
        return report  # re-running on changed inputs proves nothing

    clean_stale_temporaries(Path(tempfile.gettempdir()))
    work = temporary_folder(Path(tempfile.gettempdir()), "verify")
    try:
        options = rerun_options(manifest, paths, work / "out")
        # the same moment as the run: the workbook's cover and the maps show it
        run(options, command=["vbr", "verify", str(outdir)], created=_created(manifest))
        again = json.loads((options.out / MANIFEST).read_text(encoding="utf-8"))
        _compare_outputs(report, recorded, again["outputs"], outdir, options.out)
        for name, difference in changed.items():
            if (options.out / name).is_file():
                difference.detail = Message(
                    "verify.detail_more",
                    detail=difference.detail,
                    more=_first_difference(outdir / name, options.out / name),
                )
        _compare_figures(report, manifest, again, paths)
        _environment_notes(report, manifest, again)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _created(manifest: dict) -> _dt.datetime | None:
    """When the recorded run was made (``None`` when its manifest does not say)."""
    try:
        return _dt.datetime.fromisoformat(str(manifest["created"]))
    except (KeyError, ValueError):
        return None


def _output_order(name: str) -> tuple[int, str]:
    return (name.count("/"), name)


def _check_folder(report: VerifyReport, outdir: Path, manifest: dict) -> dict[str, Difference]:
    """Every output the manifest records is in ``outdir`` with its sha256, and nothing else is
    (but the manifest, its sidecar and the run's own input files); returns the differences of
    the outputs that were changed, by name."""
    recorded = manifest["outputs"]
    changed = {}
    for name in report.outputs_compared:
        path = outdir / name
        if path.is_symlink() or not path.is_file():
            report.differences.append(Difference(name, Message("verify.missing")))
        elif sha256_of(path) != recorded[name]:
            changed[name] = Difference(name, Message("verify.changed", manifest=MANIFEST))
            report.differences.append(changed[name])
    inputs = {
        str(Path(entry.get("absolute_path", entry["path"])))
        for entry in manifest["inputs"].values()
    }
    for path in sorted(outdir.rglob("*"), key=lambda p: _output_order(p.as_posix())):
        name = path.relative_to(outdir).as_posix()
        top = name.split("/", 1)[0]
        if top.startswith(TEMPORARY_PREFIX):
            if top == name:
                report.notes.append(Message("verify.temporary", name=name))
            continue
        if path.is_dir() and not path.is_symlink():
            continue
        if name in recorded or name in (MANIFEST, SIDECAR):
            continue
        if str(path.resolve()) in inputs:
            report.notes.append(Message("verify.input_inside", name=name))
        else:
            report.differences.append(Difference(name, Message("verify.added", manifest=MANIFEST)))
    return changed


def _check_inputs(
    report: VerifyReport, manifest: dict, outdir: Path, inputs_dir: Path | None
) -> dict[str, Path]:
    """Find every input file and compare its sha256 with the manifest's."""
    paths: dict[str, Path] = {}
    missing = []
    for name, entry in manifest["inputs"].items():
        found = _locate_input(entry, inputs_dir)
        if found is None:
            missing.append(f"{name}: {entry['path']} (sha256 {entry['sha256'][:12]}...)")
            continue
        paths[name] = found
        report.inputs_checked.append(f"{name}: {found}")
        digest = sha256_of(found)
        if digest != entry["sha256"]:
            report.differences.append(
                Difference(
                    Message("verify.input", name=name, path=str(found)),
                    Message("verify.input_changed", digest=digest, recorded=entry["sha256"]),
                )
            )
    if missing:
        raise InputError(
            say("inputs_missing"),
            source=str(outdir / MANIFEST),
            problems=missing,
        )
    return paths


def _locate_input(entry: dict, inputs_dir: Path | None) -> Path | None:
    candidates = []
    if inputs_dir is not None:
        candidates.append(inputs_dir / Path(entry["path"]).name)
    candidates += [Path(entry["path"]), Path(entry.get("absolute_path", entry["path"]))]
    for c in candidates:
        if c.is_file():
            return c
    return None


def _compare_outputs(
    report: VerifyReport,
    recorded: dict[str, str],
    repeated: dict[str, str],
    outdir: Path,
    rerun_dir: Path,
) -> None:
    """The repeated run writes the same files with the same sha256 as the manifest records."""
    for name in sorted(set(recorded) | set(repeated), key=_output_order):
        if name not in recorded:
            report.differences.append(
                Difference(name, Message("verify.rerun_extra", manifest=MANIFEST))
            )
        elif name not in repeated:
            report.differences.append(
                Difference(name, Message("verify.rerun_lacks", manifest=MANIFEST))
            )
        elif repeated[name] != recorded[name]:
            archived = outdir / name
            where = (
                _first_difference(archived, rerun_dir / name)
                if archived.is_file()
                else Message("verify.archived_missing")
            )
            report.differences.append(Difference(name, Message("verify.other_bytes", where=where)))


def _compare_figures(
    report: VerifyReport, manifest: dict, again: dict, paths: dict[str, Path]
) -> None:
    """The repeated run's manifest holds the same figures as the recorded one."""
    renamed: dict[str, str] = {}
    for name, found in paths.items():
        entry = manifest["inputs"][name]
        renamed[str(found)] = entry["path"]
        renamed[str(found.resolve())] = entry.get("absolute_path", entry["path"])
    recorded = comparable_figures(manifest)
    repeated = comparable_figures(again, input_paths=renamed)
    report.figures_compared = len(recorded)
    for key in sorted(set(recorded) | set(repeated)):
        was, now = recorded.get(key, _MISSING), repeated.get(key, _MISSING)
        if was != now:
            report.differences.append(
                Difference(
                    MANIFEST,
                    Message("verify.figure", key=key, was=_shown(was), now=_shown(now)),
                )
            )


def _environment_notes(report: VerifyReport, manifest: dict, again: dict) -> None:
    was, now = manifest.get("environment") or {}, again.get("environment") or {}
    changed = [f"{k} {was.get(k)} -> {now.get(k)}" for k in sorted(now) if was.get(k) != now[k]]
    if changed and isinstance(was, dict):
        report.notes.append(Message("verify.libraries", changed=", ".join(changed)))


def _shown(value: object) -> str:
    if value is _MISSING:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:160] + "..."


def _first_difference(a: Path, b: Path) -> Message:
    """Where two versions of an output first differ: a line of a text file, a cell of a
    workbook, else that the bytes differ."""
    if a.suffix == ".xlsx":
        return _first_cell_difference(a, b)
    if a.suffix not in TEXT_SUFFIXES:
        return Message("verify.bytes_differ")
    with (
        open(a, encoding="utf-8-sig", errors="replace", newline="") as fa,
        open(b, encoding="utf-8-sig", errors="replace", newline="") as fb,
    ):
        n = 0
        for n, (la, lb) in enumerate(zip(fa, fb, strict=False), start=1):
            if la != lb:
                return Message("verify.first_line", line=str(n), a=repr(_cut(la)), b=repr(_cut(lb)))
        rest_a, rest_b = fa.readline(), fb.readline()
    if rest_a or rest_b:
        return Message("verify.one_ends", line=str(n))
    return Message("verify.same_text")


def _first_cell_difference(a: Path, b: Path) -> Message:
    """The first cell (sheet, cell, both values) where two workbooks differ."""
    import openpyxl

    try:
        book_a = openpyxl.load_workbook(a, read_only=True)
        book_b = openpyxl.load_workbook(b, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        return Message("verify.no_workbook", error=type(exc).__name__)
    try:
        if book_a.sheetnames != book_b.sheetnames:
            return Message("verify.sheets", a=str(book_a.sheetnames), b=str(book_b.sheetnames))
        for sheet in book_a.sheetnames:
            rows_a = book_a[sheet].iter_rows()
            rows_b = book_b[sheet].iter_rows()
            for row_a, row_b in zip(rows_a, rows_b, strict=False):
                for cell_a, cell_b in zip(row_a, row_b, strict=False):
                    if cell_a.value != cell_b.value:
                        return Message(
                            "verify.first_cell",
                            sheet=repr(sheet),
                            cell=cell_a.coordinate,
                            a=repr(_cut(str(cell_a.value))),
                            b=repr(_cut(str(cell_b.value))),
                        )
                if len(row_a) != len(row_b):
                    return Message("verify.row_lengths", sheet=repr(sheet))
            if next(rows_a, None) is not None or next(rows_b, None) is not None:
                return Message("verify.more_rows", sheet=repr(sheet))
    finally:
        book_a.close()
        book_b.close()
    return Message("verify.same_cells")


def _cut(line: str, limit: int = 160) -> str:
    line = line.rstrip("\r\n")
    return line if len(line) <= limit else line[:limit] + "..."


def _code_notes(recorded: dict | None) -> list[str]:
    """A note when the run's code (its source sha256) is not this code; none where the manifest
    records no code (written before 0.3.0) or the code is the same."""
    if not isinstance(recorded, dict) or not recorded.get("source_sha256"):
        return []
    here = code_identity()
    if recorded["source_sha256"] == here["source_sha256"]:
        return []
    commit = recorded.get("commit")
    return [
        Message(
            "verify.other_code",
            source=str(recorded["source_sha256"])[:12],
            commit=f", git commit {str(commit)[:12]}" if commit else "",
            this=str(here["source_sha256"])[:12],
            checkout=Message("verify.checkout", commit=str(commit)) if commit else "",
        )
    ]
