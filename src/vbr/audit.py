"""``vbr verify``: repeat a run from its ``manifest.json`` and confirm every list is byte-identical.

Steps: read the manifest; find every input file and check its sha256; re-run with the recorded
options and effective configuration into a temporary folder; compare every CSV list (national,
rejected, regions, Excel versions, extra tables) byte for byte with the manifest's hashes and with
the files in the output folder. Nothing in the output folder is changed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from vbr._version import __version__, code_identity
from vbr.errors import InputError
from vbr.pipeline import default_writers, run
from vbr.settings import RunOptions
from vbr.writers.context import Writer, run_time
from vbr.writers.lists import write_lists
from vbr.writers.manifest import MANIFEST, read_manifest, rerun_options, sha256_of
from vbr.writers.scenarios import write_scenarios

__all__ = ["Difference", "VerifyReport", "verify"]

#: Outputs that are compared byte for byte: every CSV list. The workbook, the GeoPackage and the
#: maps hold timestamps or library-dependent bytes and are not compared, except the pages of a
#: public run (``--public``), which writes no list: its maps are what it published.
COMPARED_SUFFIX = ".csv"
PUBLIC_COMPARED_SUFFIX = ".html"


@dataclass
class Difference:
    """One thing that is not as the manifest says."""

    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.what}: {self.detail}"


@dataclass
class VerifyReport:
    """The outcome of a verification."""

    manifest_version: str
    inputs_checked: list[str] = field(default_factory=list)
    lists_compared: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """Whether every input and every list matched."""
        return not self.differences


def _locate_input(entry: dict, inputs_dir: Path | None) -> Path | None:
    candidates = []
    if inputs_dir is not None:
        candidates.append(inputs_dir / Path(entry["path"]).name)
    candidates += [Path(entry["path"]), Path(entry.get("absolute_path", entry["path"]))]
    for c in candidates:
        if c.is_file():
            return c
    return None


def _first_difference(a: Path, b: Path) -> str:
    """``line N`` and both lines (cut), or which file is shorter."""
    with (
        open(a, encoding="utf-8-sig", errors="replace", newline="") as fa,
        open(b, encoding="utf-8-sig", errors="replace", newline="") as fb,
    ):
        n = 0
        for n, (la, lb) in enumerate(zip(fa, fb, strict=False), start=1):
            if la != lb:
                return f"first difference at line {n}: {_cut(la)!r} vs {_cut(lb)!r}"
        rest_a, rest_b = fa.readline(), fb.readline()
    if rest_a or rest_b:
        return f"one file ends after line {n}, the other goes on"
    return "same text, different bytes (encoding or line ends)"


def _cut(line: str, limit: int = 160) -> str:
    line = line.rstrip("\r\n")
    return line if len(line) <= limit else line[:limit] + "..."


def verify(outdir: Path, *, inputs_dir: Path | None = None) -> VerifyReport:
    """Repeat the run recorded in ``outdir/manifest.json`` and compare its lists.

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
        ``identical`` when every input and every list matched.

    Raises
    ------
    InputError
        When the manifest cannot be used or an input file is missing.
    """
    outdir = Path(outdir)
    manifest = read_manifest(outdir)
    report = VerifyReport(manifest_version=str(manifest["version"]))
    if manifest["version"] != __version__:
        report.notes.append(
            f"the run was made with vbr {manifest['version']}, this is vbr {__version__}; "
            f"install vbr=={manifest['version']} to repeat it exactly"
        )
    else:
        report.notes += _code_notes(manifest.get("code"))
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
                    f"input {name} ({found})",
                    f"sha256 is {digest}, the manifest says {entry['sha256']}: the file changed "
                    "since the run",
                )
            )
    if missing:
        raise InputError(
            "input files of the run are missing; give --inputs FOLDER where they are kept",
            source=str(outdir / MANIFEST),
            problems=missing,
        )
    if report.differences:
        return report  # re-running on changed inputs proves nothing

    work = Path(tempfile.mkdtemp(prefix="vbr-verify-"))
    try:
        options = rerun_options(manifest, paths, work / "out")
        run(
            options,
            writers=_writers(options),
            command=["vbr", "verify", str(outdir)],
            created=run_time(manifest.get("created")),  # the pages print the run's date
        )
        again = json.loads((options.out / MANIFEST).read_text(encoding="utf-8"))
        suffix = PUBLIC_COMPARED_SUFFIX if options.public else COMPARED_SUFFIX
        _compare(report, manifest["outputs"], again["outputs"], outdir, options.out, suffix)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _writers(options: RunOptions) -> list[Writer]:
    """What the re-run writes: what is compared (the lists; the pages of a public run)."""
    if options.public:
        return default_writers(options)
    return [write_lists, *([write_scenarios] if options.scenarios else [])]


def _compare(
    report: VerifyReport,
    recorded: dict,
    repeated: dict,
    outdir: Path,
    rerun_dir: Path,
    suffix: str,
) -> None:
    lists = sorted(
        {k for k in (*recorded, *repeated) if k.endswith(suffix)},
        key=lambda k: (k.count("/"), k),
    )
    for name in lists:
        report.lists_compared.append(name)
        if name not in recorded:
            report.differences.append(
                Difference(name, "the re-run writes this list; the manifest does not record it")
            )
            continue
        if name not in repeated:
            report.differences.append(
                Difference(name, "the manifest records this list; the re-run does not write it")
            )
            continue
        archived = outdir / name
        if not archived.is_file():
            report.differences.append(Difference(name, "missing from the output folder"))
        elif sha256_of(archived) != recorded[name]:
            report.differences.append(
                Difference(
                    name,
                    "the file in the output folder was changed after the run ("
                    + _first_difference(archived, rerun_dir / name)
                    + ")",
                )
            )
        if repeated[name] != recorded[name]:
            report.differences.append(
                Difference(
                    name,
                    "the re-run gives a different list ("
                    + (
                        _first_difference(archived, rerun_dir / name)
                        if archived.is_file()
                        else "the archived file is missing"
                    )
                    + ")",
                )
            )


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
        f"the run was made by other code (source sha256 {str(recorded['source_sha256'])[:12]}..."
        + (f", git commit {str(commit)[:12]}" if commit else "")
        + f"; this is {str(here['source_sha256'])[:12]}...): a difference may come from the code"
        + (f"; git checkout {commit} gives the run's code" if commit else "")
    ]
