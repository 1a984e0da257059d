"""``manifest.json``: what a run read, how, and what it wrote; written here and read here.

The schema is this module: :func:`build_manifest` writes every entry, :data:`MANIFEST_SCHEMA`
says what a manifest must hold to be re-run, and :func:`read_manifest` and :func:`rerun_options`
read it back for ``vbr verify`` (and :func:`previous_outputs` for the next run into the same
folder), so that what is written and what is read cannot drift apart. ``manifest.sha256`` beside
it (:func:`write_sidecar`) holds the manifest's own sha256, so that an edit of the manifest is
seen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import json
import platform
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import shapely

from vbr._version import __version__, code_identity
from vbr.core.rejections import top_reasons
from vbr.digest import sha256_of, sha256_of_each
from vbr.errors import InputError
from vbr.locale import say
from vbr.model import FieldSource, Result
from vbr.settings import (
    BUDGET_POLICIES,
    RANK_BY,
    ColumnMapping,
    RegionalBudget,
    RunOptions,
    config_from_mapping,
)
from vbr.settings.limits import MAX_EUR_OPTION, MAX_THRESHOLD_M

__all__ = [
    "COMPARED_LOOSELY",
    "MANIFEST",
    "MANIFEST_SCHEMA",
    "SIDECAR",
    "build_manifest",
    "columns_entry",
    "comparable_figures",
    "inputs_entry",
    "is_output_path",
    "manifest_problems",
    "previous_outputs",
    "read_manifest",
    "rerun_options",
    "sidecar_problem",
    "write_manifest",
    "write_sidecar",
]

#: The manifest's file name in an output folder.
MANIFEST = "manifest.json"
#: The manifest's own sha256, in the format of ``sha256sum`` (``sha256sum -c manifest.sha256``).
SIDECAR = "manifest.sha256"

_SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_TEXT = {"type": "string"}
#: An output's path as the manifest records it: relative, ``/``-separated, no empty, ``.`` or
#: ``..`` part, no backslash or NUL.
_OUTPUT_PATH = r"^(?!/)(?!(?:.*/)?\.{1,2}(?:/|$))(?!.*//)(?!.*/$)[^\\\x00]+$"

#: What ``vbr verify`` (and the next run into the folder) needs from a manifest, as JSON Schema.
MANIFEST_SCHEMA: dict = {
    "type": "object",
    "required": ["tool", "version", "parameters", "inputs", "outputs", "rerun"],
    "properties": {
        "tool": {"const": "vbr"},
        "version": _TEXT,
        "code": {"type": "object"},
        "created": _TEXT,
        "command": {"type": "array", "items": _TEXT},
        "parameters": {
            "type": "object",
            "required": ["threshold_m", "budget_eur", "budget_policy", "regional_budgets"],
            "properties": {
                "threshold_m": {"type": "number", "minimum": 0, "maximum": MAX_THRESHOLD_M},
                "budget_eur": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_EUR_OPTION},
                "budget_policy": {"enum": list(BUDGET_POLICIES)},
                "regional_budgets": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "regions", "eur", "source"],
                        "properties": {
                            "name": _TEXT,
                            "regions": {"type": "array", "items": _TEXT},
                            "eur": {"type": "number", "minimum": 0, "maximum": MAX_EUR_OPTION},
                            "source": {"type": ["string", "null"]},
                        },
                    },
                },
            },
        },
        "inputs": {
            "type": "object",
            "required": ["farms", "natura"],
            "additionalProperties": {
                "type": "object",
                "required": ["path", "sha256"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "absolute_path": {"type": "string", "minLength": 1},
                    "bytes": {"type": "integer", "minimum": 0},
                    "sha256": _SHA256,
                },
            },
        },
        "outputs": {
            "type": "object",
            "propertyNames": {"pattern": _OUTPUT_PATH},
            "additionalProperties": _SHA256,
        },
        "rerun": {
            "type": "object",
            "required": ["farms_crs", "all_overloaded", "config_effective"],
            "properties": {
                "farms_crs": _TEXT,
                "all_overloaded": {"type": "boolean"},
                "overloaded_given": {"type": "boolean"},
                "with_regions": {"type": "boolean"},
                "explain_language": _TEXT,
                "exceedance_crs": {"type": ["string", "null"]},
                "rank_by": {"enum": list(RANK_BY)},
                "scenarios": {"type": "boolean"},
                "public": {"type": "boolean"},
                "config_effective": {"type": "object"},
            },
        },
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "rejected_reasons": {"type": "object", "additionalProperties": {"type": "integer"}},
        "budgets": {"type": "array", "items": {"type": "object"}},
        "notes": {"type": "array", "items": _TEXT},
        "environment": {"type": "object"},
    },
}

#: Entries of two manifests of one run that may differ, left out by :func:`comparable_figures`:
#: when and how the run was started, with which software (``vbr verify`` notes another version
#: or code),
#: where the files were, the config file (a repeated run takes the effective configuration from
#: ``rerun.config_effective``, which is compared; the file's sha256 is checked as an input's),
#: and the outputs' sha256 (``vbr verify`` compares those file by file).
COMPARED_LOOSELY = (
    "created",
    "command",
    "version",
    "code",
    "environment",
    "parameters.config",
    "inputs.*.path",
    "inputs.*.absolute_path",
    "inputs.config",
    "outputs",
)


def _version_of(module: str) -> str:
    """The version of an installed package: from the loaded module where the run loaded it,
    else from its metadata (openpyxl, which reads workbooks given as input, need not be loaded
    for this: 0.14 s)."""
    import sys

    loaded = sys.modules.get(module)
    if loaded is not None:
        return loaded.__version__
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError as exc:
        raise ImportError(module) from exc


def build_manifest(
    result: Result,
    folder: Path,
    written: Sequence[str],
    *,
    notes: Sequence[str],
    command: Sequence[str] = (),
    created: _dt.datetime | None = None,
) -> dict:
    """The manifest of a written run.

    Parameters
    ----------
    result
        The result written.
    folder
        The folder it was written to (the files are hashed there).
    written
        The top-level names written (files and region folders), in writing order.
    notes
        Every note of the run (the result's and the writers').
    command
        The command line that made the run.
    created
        When the run was made (UTC; default now), as the workbook's cover shows it.
    """
    options, cfg = result.options, result.options.config
    versions = {"python": platform.python_version()}
    for mod in ("geopandas", "shapely", "pyproj", "pyogrio", "pandas", "numpy", "openpyxl"):
        with contextlib.suppress(ImportError, AttributeError):
            versions[mod] = _version_of(mod)
    versions["geos"] = shapely.geos_version_string
    paths = []
    for name in written:
        p = folder / name
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        paths += [f for f in files if f.is_file()]
    digests = sha256_of_each(paths)
    outputs = {f.relative_to(folder).as_posix(): d for f, d in zip(paths, digests, strict=True)}
    return {
        "tool": "vbr",
        "version": __version__,
        "code": code_identity(),
        "created": (created or _dt.datetime.now(_dt.UTC)).replace(microsecond=0).isoformat(),
        "command": list(command),
        "parameters": {
            "threshold_m": cfg.threshold_m,
            "budget_eur": cfg.budget_eur,
            "budget_source": cfg.budget_source,
            "budget_policy": cfg.budget_policy,
            "farms_crs": options.farms_crs,
            "all_overloaded": options.all_overloaded,
            "max_rejected_percent": cfg.max_rejected_percent,
            "config": cfg.source,
            "regional_budgets": [
                {
                    "name": g.name,
                    "regions": list(g.regions),
                    "eur": g.eur,
                    "source": g.source,
                    "policy": g.policy,
                }
                for g in cfg.regional_budgets
            ],
            "rule_set": {
                k: cfg.rule_set.get(k)
                for k in ("name", "title", "path", "sha256")
                if k in cfg.rule_set
            },
            "fcfs": cfg.fcfs,
            "priority_group": cfg.priority_group,
            "pots_run": None if cfg.pots_run is None else list(cfg.pots_run),
            "pot_order": [p.name for p in cfg.pots],
            "windows": [
                {
                    "name": w.name,
                    "opens": w.opens.isoformat(),
                    "closes": w.closes.isoformat(),
                    "budget_eur": w.budget_eur,
                    "carry_over": w.carry_over,
                    "source": w.source,
                }
                for w in cfg.windows
            ],
            "lottery": _lottery_entry(result),
        },
        "inputs": inputs_entry(result),
        "rerun": _rerun_entry(options),
        "farms_read_as": result.farms_info,
        "columns": columns_entry(result.columns),
        "counts": result.counts(),
        # every kind of reason with its rows, and the most common ones with an example row
        "rejected_reasons": {r.reason: r.rows for r in top_reasons(result.rejections, None)},
        "rejected_top": [r.as_dict(public=options.public) for r in top_reasons(result.rejections)],
        "priority_order": (
            f"submitted_at (first come, first served by {cfg.fcfs}; complete_at counts where given)"
            if result.first_come_first_served
            else options.rank_by
        ),
        **_deposition_entries(result),
        "budgets": [
            {
                "name": b.name,
                "regions": list(b.regions),
                "budget_eur": b.budget_eur,
                "used_eur": b.used_eur,
                "left_eur": b.left_eur,
                "selected": b.selected,
                "selected_nh3_kg": round(b.selected_nh3_kg, 3),
                "farms": b.farms,
                "policy": b.policy,
                "source": b.source,
                "windows": [dataclasses.asdict(w) for w in b.windows],
            }
            for b in result.budgets
        ],
        "decisions": _decision_counts(result),
        "notes": list(notes),
        "outputs": outputs,
        "environment": versions,
    }


def inputs_entry(result: Result) -> dict:
    """The manifest's ``inputs``: every input file of the run (``path``, ``absolute_path``,
    ``bytes``, ``sha256``) by role; the workbook's cover lists the same."""
    options, cfg = result.options, result.options.config
    config_file = Path(cfg.source)
    return {
        k: v
        for k, v in {
            "farms": _input_entry(options.farms),
            "offers": _input_entry(options.offers),
            "natura": _input_entry(options.natura),
            "regions": _input_entry(options.regions),
            "overloaded": _input_entry(result.overloaded_list),
            "animals": _input_entry(options.animals),
            "emission_factors": _input_entry(options.emission_factors),
            "exceedance": _input_entry(options.exceedance),
            "config": _input_entry(config_file) if config_file.is_file() else None,
            "rules": _rules_entry(cfg.rule_set),
            "draw": _input_entry(options.draw),
        }.items()
        if v is not None
    }


def columns_entry(columns: Mapping[str, Mapping[str, FieldSource | None]]) -> dict:
    """The manifest's ``columns``: for every input (``farms``, ``natura2000``, ``regions``,
    ``offers``), every field and where it came from: ``{"column": ..., "found_by": ...}`` for
    an input column (found by ``name``, ``alias``, ``shapefile name``, or the option or config
    table that named it), ``{"made": ...}`` for values made otherwise (``geometry``, ``row
    number``, ``computed from animal counts``, ``estimate``, ``offers table (FILE)``,
    ``--overloaded list`` ...), both with
    ``made_rows`` where a column gave some rows and the rest were made; ``null`` for a field
    the input does not give."""
    out: dict[str, dict] = {}
    for kind, fields in columns.items():
        out[kind] = {
            name: None
            if source is None
            else {k: v for k, v in vars(source).items() if v is not None}
            for name, source in fields.items()
        }
    return out


def write_manifest(manifest: Mapping, path: Path) -> None:
    """Write the manifest as indented JSON (keys in the order :func:`build_manifest` gives).

    Parameters
    ----------
    manifest
        What :func:`build_manifest` returned.
    path
        The file to write.
    """
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(manifest, fh, indent=2, ensure_ascii=False, default=str)
        fh.write("\n")


def read_manifest(outdir: Path) -> dict:
    """Read ``outdir/manifest.json`` and check that it can be re-run (:data:`MANIFEST_SCHEMA`).

    Raises
    ------
    InputError
        When ``outdir`` is no folder, holds no manifest, or the manifest is not JSON or not one
        that ``vbr verify`` can use (every problem is listed).
    """
    path = outdir / MANIFEST
    if not outdir.is_dir():
        raise InputError(say("run_not_folder"), source=str(outdir))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(say("run_no_manifest", manifest=MANIFEST), source=str(outdir)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(say("not_json", detail=str(exc)), source=str(path)) from None
    problems = manifest_problems(manifest)
    if problems:
        raise InputError(
            say("manifest_unusable"),
            source=str(path),
            problems=problems,
        )
    return manifest


def manifest_problems(manifest: object) -> list[str]:
    """What makes ``manifest`` unusable, one line per problem (``parameters.threshold_m: 'abc'
    is not of type 'number'``); empty for a usable manifest."""
    import jsonschema  # only where a manifest is read: a run that reads none does not load it

    validator = jsonschema.Draft202012Validator(MANIFEST_SCHEMA)
    problems = []
    for error in sorted(validator.iter_errors(manifest), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(p) for p in error.absolute_path) or "the manifest"
        message = error.message
        if "propertyNames" in error.absolute_schema_path:
            message = f"{error.instance!r} is not a path inside the output folder"
        elif error.validator == "const":
            message = f"is {error.instance!r}, not 'vbr': not a vbr manifest"
        problems.append(f"{where}: {_cut(message)}")
    return problems


def is_output_path(name: str) -> bool:
    """Whether ``name`` is a path a manifest may record: relative, ``/``-separated, without
    empty, ``.`` or ``..`` parts."""
    return re.search(_OUTPUT_PATH, name) is not None


def write_sidecar(folder: Path) -> Path:
    """Write ``manifest.sha256`` (the sha256 of ``folder/manifest.json``) and return its path."""
    path = folder / SIDECAR
    path.write_text(f"{sha256_of(folder / MANIFEST)}  {MANIFEST}\n", encoding="ascii")
    return path


def sidecar_problem(folder: Path) -> str | None:
    """What is wrong with ``folder/manifest.sha256``: missing, unreadable, or another sha256
    than that of ``manifest.json``; ``None`` when it matches."""
    try:
        text = (folder / SIDECAR).read_text(encoding="ascii")
    except FileNotFoundError:
        return f"missing (vbr writes it beside {MANIFEST})"
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read ({exc})"
    recorded = text.split(maxsplit=1)[0] if text.strip() else "(nothing)"
    actual = sha256_of(folder / MANIFEST)
    if recorded != actual:
        return (
            f"says sha256 {_cut(recorded, 64)}, but {MANIFEST} has sha256 {actual}: "
            f"{MANIFEST} was changed after the run"
        )
    return None


def previous_outputs(outdir: Path) -> tuple[dict[str, str], str | None]:
    """What the run recorded in ``outdir/manifest.json`` wrote (path -> sha256), and why
    nothing can be taken from the manifest there (``None`` when it is as vbr wrote it, or when
    there is none).

    A manifest counts when it is a usable vbr manifest and ``manifest.sha256`` matches it (a
    manifest of a vbr version that wrote no sidecar counts without one). It only confirms that
    a file with a name from vbr's own list is as vbr wrote it (see
    :mod:`vbr.writers.run_folder`); no path is taken from it.
    """
    path = outdir / MANIFEST
    if not (path.exists() or path.is_symlink()):
        return {}, None
    if path.is_symlink() or not path.is_file():
        return {}, "is not a file that vbr wrote"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}, "is not a vbr manifest (not JSON)"
    problems = manifest_problems(manifest)
    if problems:
        return {}, "is not a manifest as vbr writes it (" + "; ".join(problems[:3]) + ")"
    sidecar = outdir / SIDECAR
    if sidecar.exists() or sidecar.is_symlink():
        problem = sidecar_problem(outdir)
        if problem is not None:
            return {}, f"was changed after vbr wrote it ({SIDECAR} {problem})"
    return dict(manifest["outputs"]), None


def comparable_figures(manifest: Mapping, *, input_paths: Mapping[str, str] = {}) -> dict:
    """The entries of ``manifest`` that a repeated run must give alike: all but
    :data:`COMPARED_LOOSELY`, flattened (``{"counts.ranked": 24988, "notes[0]": "...", ...}``).

    Parameters
    ----------
    manifest
        A manifest.
    input_paths
        Paths to read as others (the re-run's input paths -> the recorded ones), so that notes
        that name an input file compare alike.
    """
    text = json.dumps(manifest, ensure_ascii=False)
    for found, recorded in input_paths.items():
        if found != recorded:
            text = text.replace(json.dumps(found)[1:-1], json.dumps(recorded)[1:-1])
    flat: dict = {}
    _flatten(json.loads(text), "", flat)
    return {k: v for k, v in flat.items() if not _loose(k)}


def _flatten(value: object, prefix: str, into: dict) -> None:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), into)
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", into)
    else:
        into[prefix] = value


def _loose(key: str) -> bool:
    """Whether the flattened ``key`` falls under :data:`COMPARED_LOOSELY`."""
    parts = [p.split("[", 1)[0] for p in key.split(".")]
    return any(
        len(parts) >= len(want) and all(w in ("*", p) for w, p in zip(want, parts, strict=False))
        for want in (pattern.split(".") for pattern in COMPARED_LOOSELY)
    )


def _cut(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def rerun_options(manifest: Mapping, inputs: Mapping[str, Path], out: Path) -> RunOptions:
    """The options that repeat the run a manifest records.

    Parameters
    ----------
    manifest
        As :func:`read_manifest` gives it.
    inputs
        The input files found, by the manifest's input names (``farms``, ``natura`` ...).
    out
        Where the repeated run writes.
    """
    params, rerun = manifest["parameters"], manifest["rerun"]
    config = config_from_mapping(rerun["config_effective"], where=MANIFEST)
    pots_run = params.get("pots_run")
    config = replace(
        config,
        threshold_m=float(params["threshold_m"]),
        budget_policy=str(params["budget_policy"]),
        budget_eur=None if params["budget_eur"] is None else float(params["budget_eur"]),
        budget_source=str(params.get("budget_source", config.budget_source)),
        regional_budgets=tuple(
            RegionalBudget(
                name=g["name"],
                regions=tuple(g["regions"]),
                eur=float(g["eur"]),
                source=g["source"],
                policy=g.get("policy"),
            )
            for g in params["regional_budgets"]
        ),
        explain_language=str(rerun.get("explain_language", config.explain_language)),
        max_rejected_percent=float(params.get("max_rejected_percent", config.max_rejected_percent)),
        pots_run=None if pots_run is None else tuple(pots_run),
    )
    return RunOptions(
        farms=inputs["farms"],
        natura=inputs["natura"],
        regions=inputs.get("regions") if rerun.get("with_regions", True) else None,
        out=out,
        overloaded=inputs.get("overloaded") if rerun.get("overloaded_given", True) else None,
        all_overloaded=bool(rerun["all_overloaded"]),
        farms_crs=str(rerun["farms_crs"]),
        config=config,
        animals=inputs.get("animals"),
        emission_factors=inputs.get("emission_factors"),
        offers=inputs.get("offers"),
        exceedance=inputs.get("exceedance"),
        exceedance_crs=rerun.get("exceedance_crs"),
        rank_by=str(rerun.get("rank_by", "eur_per_kg")),
        scenarios=bool(rerun.get("scenarios", False)),
        public=bool(rerun.get("public", False)),
        large=True,  # the run read its farm file already: verify re-reads it whatever its size
        seed=rerun.get("seed"),
        draw=inputs.get("draw"),
        **_rerun_reading(rerun),
    )


#: The column mappings a run records, by :class:`RunOptions` field.
_MAPPINGS = ("columns", "natura_columns", "regions_columns", "offers_columns")
#: The layer and sheet choices a run records.
_CHOICES = ("layer", "natura_layer", "regions_layer", "sheet")


def _rerun_reading(rerun: Mapping) -> dict:
    """The recorded column mappings, layers and sheet as :class:`RunOptions` fields (none in a
    manifest written before they existed)."""
    out: dict[str, object] = {}
    for name in _MAPPINGS:
        pairs = rerun.get(name) or {}
        if not isinstance(pairs, Mapping) or not all(isinstance(v, str) for v in pairs.values()):
            raise InputError(say("rerun_mapping", name=name), source=MANIFEST)
        given_in = rerun.get(f"{name}_given_in") or {}
        if not isinstance(given_in, Mapping) or not all(
            isinstance(v, str) for v in given_in.values()
        ):
            raise InputError(
                say("rerun_given_in", name=name),
                source=MANIFEST,
            )
        # where each pair was given as the run recorded it (its manifest says so in `columns`),
        # so that the repeated run's manifest reads alike
        where = f"{MANIFEST} rerun.{name}"
        out[name] = ColumnMapping(
            columns=dict(pairs), given_in={k: str(given_in.get(k, where)) for k in pairs}
        )
    for name in _CHOICES:
        value = rerun.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(say("rerun_choice", name=name), source=MANIFEST)
        out[name] = value
    return out


def _input_entry(path: Path | None) -> dict | None:
    if path is None:
        return None
    path = Path(path)
    stat = path.stat()
    return {
        "path": str(path),
        "absolute_path": str(path.resolve()),
        "bytes": stat.st_size,
        "sha256": _input_sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns),
    }


@functools.lru_cache(maxsize=64)
def _input_sha256(path: str, size: int, mtime_ns: int) -> str:
    """An input's sha256, hashed once per run (the workbook's cover and the manifest list it);
    a changed file (size or time) is hashed again."""
    return sha256_of(Path(path))


def _lottery_entry(result: Result) -> dict:
    """How the order inside a drawn day was decided: the seed (given, or derived from the farm
    file's sha256) or the draw file; and the days drawn."""
    decisions, options = result.decisions, result.options
    entry: dict = {"lot_key": "sha256 of the UTF-8 text '<seed>:<farm_id>', ascending"}
    if decisions is None:
        return entry
    if decisions.draw is not None:
        entry.update(draw=str(options.draw), seed=None)
    else:
        entry.update(
            seed=decisions.seed,
            seed_from="--seed" if options.seed is not None else "sha256 of the farm file",
        )
    entry["days_drawn"] = [dict(d) for d in decisions.drawn]
    return entry


def _decision_counts(result: Result) -> dict:
    """How many applications got which decision (``decisions.csv``'s statuses)."""
    ranked = result.ranked
    funded = ranked["funded_by"].to_numpy(dtype=object) if "funded_by" in ranked else []
    return {
        "applications": int(result.n_read),
        "granted": int((funded != "").sum()) if result.with_budget else 0,
        "granted_eur": round(sum(b.used_eur for b in result.budgets), 2),
        "not_granted": int((funded == "").sum()) if result.with_budget else 0,
        "rejected": len(result.rejected),
        "by_pot": {b.name: b.selected for b in result.budgets},
    }


def _rules_entry(rule_set: dict) -> dict | None:
    """A rule set read from a file (``--rules PATH``) is an input like the others; the
    package's own are named and hashed in ``parameters.rule_set``."""
    path = str(rule_set.get("path", ""))
    if not path or path.startswith("vbr:") or not Path(path).is_file():
        return None
    return _input_entry(Path(path))


def _rerun_entry(options: RunOptions) -> dict:
    """Everything ``vbr verify`` needs to repeat the run: the options and the effective config
    (defaults merged with the user's file; command-line overrides are in ``parameters``)."""
    return {
        "farms_crs": options.farms_crs,
        "all_overloaded": options.all_overloaded,
        # the list of overloaded areas is an input either way; only --overloaded is an option
        # (else it is the shipped nitrogen-sensitive list, which the re-run finds itself)
        "overloaded_given": options.overloaded is not None,
        "with_regions": options.regions is not None,
        "explain_language": options.config.explain_language,
        "exceedance_crs": options.exceedance_crs,
        "rank_by": options.rank_by,
        "scenarios": options.scenarios,
        "public": options.public,
        "seed": options.seed,
        **{name: dict(getattr(options, name).columns) for name in _MAPPINGS},
        **{f"{name}_given_in": dict(getattr(options, name).given_in) for name in _MAPPINGS},
        **{name: getattr(options, name) for name in _CHOICES},
        "config_effective": options.config.effective,
    }


def _deposition_entries(result: Result) -> dict:
    """Manifest entries of the deposition options; none for a run that does not use them."""
    options = result.options
    if result.exceedance is None:
        return {}
    dep = options.config.deposition
    zones = result.exceedance
    changes = result.priority_changes
    return {
        "rank_by": options.rank_by,
        "exceedance": {
            **(_input_entry(options.exceedance) or {}),
            "crs": zones.exceedance.source_crs,
            "cell_m": list(zones.exceedance.cell_size),
            "overloaded_cells": int(zones.overloaded.sum()),
            "zone_pieces": len(zones.zones),
            "zone_area_ha": round(zones.area_ha, 2),
            "priority_gained": int((changes["change"] == "gains").sum()),
            "priority_lost": int((changes["change"] == "loses").sum()),
        },
        "deposition_kernel": {
            "formula": "K(r) = c / (1 + r / r0_m) ** power, 0 beyond cutoff_m",
            "c": dep.c,
            "r0_m": dep.r0_m,
            "power": dep.power,
            "cutoff_m": dep.cutoff_m,
            "weight": dep.weight,
            "min_cell_m": dep.min_cell_m,
            "source": dep.source,
        },
    }
