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
from dataclasses import dataclass, field, replace
from pathlib import Path

from vbr._version import __version__
from vbr.errors import InputError
from vbr.outputs import sha256_of
from vbr.settings import RegionalBudget, RunOptions, config_from_mapping

__all__ = ["Difference", "VerifyReport", "verify"]

#: Outputs that are compared byte for byte: every CSV list. The workbook, the GeoPackage and the
#: maps hold timestamps or library-dependent bytes and are not compared.
COMPARED_SUFFIX = ".csv"


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


def _read_manifest(outdir: Path) -> dict:
    path = outdir / "manifest.json"
    if not outdir.is_dir():
        raise InputError("is not a folder (give the output folder of a run)", source=str(outdir))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no manifest.json in this folder", source=str(outdir)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot be read as JSON: {exc}", source=str(path)) from None
    missing = [
        k
        for k in ("tool", "version", "parameters", "inputs", "outputs", "rerun")
        if k not in manifest
    ]
    if not isinstance(manifest, dict) or manifest.get("tool") != "vbr" or missing:
        raise InputError(
            "is not a manifest that vbr verify can use"
            + (f" (missing: {', '.join(missing)})" if missing else "")
            + "; manifests written before vbr verify existed cannot be re-run automatically",
            source=str(path),
        )
    return manifest


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
    from vbr.pipeline import compute, write_result

    outdir = Path(outdir)
    manifest = _read_manifest(outdir)
    report = VerifyReport(manifest_version=str(manifest["version"]))
    if manifest["version"] != __version__:
        report.notes.append(
            f"the run was made with vbr {manifest['version']}, this is vbr {__version__}; "
            f"install vbr=={manifest['version']} to repeat it exactly"
        )
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
            source=str(outdir / "manifest.json"),
            problems=missing,
        )
    if report.differences:
        return report  # re-running on changed inputs proves nothing

    params, rerun = manifest["parameters"], manifest["rerun"]
    config = config_from_mapping(rerun["config_effective"], where="manifest.json")
    config = replace(
        config,
        threshold_m=float(params["threshold_m"]),
        budget_policy=str(params["budget_policy"]),
        budget_eur=None if params["budget_eur"] is None else float(params["budget_eur"]),
        regional_budgets=tuple(
            RegionalBudget(
                name=g["name"], regions=tuple(g["regions"]), eur=float(g["eur"]), source=g["source"]
            )
            for g in params["regional_budgets"]
        ),
        explain_language=str(rerun.get("explain_language", config.explain_language)),
    )
    work = Path(tempfile.mkdtemp(prefix="vbr-verify-"))
    try:
        options = RunOptions(
            farms=paths["farms"],
            natura=paths["natura"],
            regions=paths.get("regions") if rerun.get("with_regions", True) else None,
            out=work / "out",
            overloaded=paths.get("overloaded"),
            all_overloaded=bool(rerun["all_overloaded"]),
            farms_crs=str(rerun["farms_crs"]),
            config=config,
            animals=paths.get("animals"),
            emission_factors=paths.get("emission_factors"),
            exceedance=paths.get("exceedance"),
            exceedance_crs=rerun.get("exceedance_crs"),
            rank_by=str(rerun.get("rank_by", "eur_per_kg")),
            scenarios=bool(rerun.get("scenarios", False)),
        )
        result = compute(options)
        writers = []
        if options.scenarios:
            from vbr.scenario_report import write_scenarios

            writers.append(write_scenarios)
        write_result(result, options.out, writers=writers, command=["vbr", "verify", str(outdir)])
        again = json.loads((options.out / "manifest.json").read_text(encoding="utf-8"))
        _compare(report, manifest["outputs"], again["outputs"], outdir, options.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _compare(
    report: VerifyReport, recorded: dict, repeated: dict, outdir: Path, rerun_dir: Path
) -> None:
    lists = sorted(
        {k for k in (*recorded, *repeated) if k.endswith(COMPARED_SUFFIX)},
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
