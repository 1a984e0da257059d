"""The TOML configuration (rules, budgets, prices, the deposition kernel) as :class:`Config`.

``default_config.toml`` beside this module is the one place where a default of a rule is written:
a user's file replaces what it names, and every value a run uses comes from the merged tables.
The dataclasses here hold values; they have no defaults of their own.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from vbr.errors import ConfigError
from vbr.locale.amounts import AmountError, parse_euro
from vbr.settings.columns import COLUMN_TABLES, parse_column_mapping

__all__ = [
    "BUDGET_POLICIES",
    "Config",
    "DepositionSettings",
    "RegionalBudget",
    "SemConfig",
    "SubsidyConfig",
    "config_from_mapping",
    "load_config",
]

BUDGET_POLICIES = ("skip", "stop")

_DEFAULT_FILE = resources.files("vbr.settings") / "default_config.toml"


@dataclass(frozen=True)
class RegionalBudget:
    """A budget that walks the farms of one or more regions."""

    name: str
    regions: tuple[str, ...]
    eur: float
    source: str = ""


_REGIONS = ("south", "east", "elsewhere")


@dataclass(frozen=True)
class SubsidyConfig:
    """Prices and percentages of the subsidy estimate (``[subsidy]`` in the config file)."""

    estimate_missing: bool
    write_off_years: float
    floor_fraction: float
    reference_year: float
    default_stable_age_years: float
    priority_factor: float
    outside_factor: float
    phosphate_eur_per_kg: float
    pig_right_eur: dict[str, float]
    poultry_right_eur: dict[str, float]
    stable_eur_per_m2: dict[str, float]
    sector_of_group: dict[str, str]
    m2_per_place: dict[str, float]
    phosphate_kg_per_place: dict[str, float]
    pig_rights_per_place: dict[str, float]
    poultry_rights_per_place: dict[str, float]
    source: str = ""


@dataclass(frozen=True)
class SemConfig:
    """Parameters of the Sem alternative (``[sem]`` in the config file)."""

    reduction: float
    eur_per_cow_per_year: float
    years: float
    phosphate_eur_per_kg: float
    phosphate_kg_per_place: dict[str, float]
    source: str = ""


def _number(value: object, where: str, *, upper: float | None = None, euro: bool = False) -> float:
    if euro:
        return _euro(value, where)
    if isinstance(value, bool):
        raise ConfigError(f"must be a number, got {value!r}", source=where)
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"must be a number, got {value!r}", source=where) from None
    if not math.isfinite(v) or v < 0 or (upper is not None and v > upper):
        limit = f" and <= {upper:g}" if upper is not None else ""
        raise ConfigError(f"must be a finite number >= 0{limit}, got {value!r}", source=where)
    return v


def _numbers(table: object, where: str, *, euro: bool = False) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ConfigError("must be a table of numbers", source=where)
    return {str(k): _number(v, f"{where}.{k}", euro=euro) for k, v in table.items()}


def _euro(value: object, where: str) -> float:
    """A euro value of the config: a number, or text as people type amounts (``"100 mln"``,
    ``"1.125.000.000"``; see :mod:`vbr.locale.amounts`).

    Raises
    ------
    ConfigError
        When it is no amount, reads two ways, or is negative or not finite.
    """
    try:
        return float(parse_euro(value))  # type: ignore[arg-type]
    except AmountError as exc:
        raise ConfigError(str(exc), source=where) from None


def _subsidy_config(raw: dict, where: str) -> SubsidyConfig:
    w = f"{where}: subsidy"
    for key in ("pig_right_eur", "poultry_right_eur"):
        missing = [r for r in _REGIONS if r not in raw.get(key, {})]
        if missing:
            raise ConfigError(f"needs {', '.join(missing)}", source=f"{w}.{key}")
    if not isinstance(_required(raw, "estimate_missing", w), bool):
        raise ConfigError("must be true or false", source=f"{w}.estimate_missing")
    sectors = raw.get("sector_of_group", {})
    if not isinstance(sectors, dict) or not all(isinstance(v, str) for v in sectors.values()):
        raise ConfigError("must be a table of sector names", source=f"{w}.sector_of_group")
    config = _from_table(SubsidyConfig, raw, w, fractions=("floor_fraction",))
    return replace(
        config, write_off_years=config.write_off_years or 1.0, sector_of_group=dict(sectors)
    )


def _sem_config(raw: dict, where: str) -> SemConfig:
    return _from_table(SemConfig, raw, f"{where}: sem", fractions=("reduction",))


def _from_table(cls: type, raw: dict, where: str, *, fractions: tuple[str, ...] = ()) -> Any:
    """A config dataclass from its TOML table, field by field: numbers (``>= 0``; ``<= 1`` for
    ``fractions``) and tables of numbers are checked, ``source`` is optional text, other values
    are taken as they are (their checks are the caller's).

    Raises
    ------
    ConfigError
        On a missing key or an unusable number, naming the key.
    """
    values: dict[str, Any] = {"source": str(raw.get("source", ""))}
    for f in fields(cls):
        if f.name == "source":
            continue
        key = f"{where}.{f.name}"
        value = _required(raw, f.name, where)
        # euro values (names with "eur": phosphate_eur_per_kg, pig_right_eur ...) take what
        # people type, as --budget does
        euro = "eur" in f.name.split("_")
        if f.type == "float":
            values[f.name] = _number(
                value, key, upper=1 if f.name in fractions else None, euro=euro
            )
        elif f.type == "dict[str, float]":
            values[f.name] = _numbers(value, key, euro=euro)
        else:
            values[f.name] = value
    return cls(**values)


@dataclass(frozen=True)
class DepositionSettings:
    """The deposition kernel and the scenarios (``[deposition]`` in the config file).

    ``K(r) = c / (1 + r / r0_m) ** power`` mol N/ha/yr per kg NH3/yr, 0 beyond ``cutoff_m``;
    ``weight`` is ``area`` (every overloaded hectare counts 1) or ``exceedance`` (weighted by
    the exceedance relative to its mean).
    """

    c: float
    r0_m: float
    power: float
    cutoff_m: float
    weight: str
    min_cell_m: float
    knapsack_time_limit_s: float
    source: str = ""


@dataclass(frozen=True)
class Config:
    """Rules and budgets, read by :func:`load_config` (the defaults: ``default_config.toml``).

    Change a value of a loaded config with :func:`dataclasses.replace`.
    """

    threshold_m: float
    budget_policy: str
    budget_eur: float | None
    budget_source: str
    regional_budgets: tuple[RegionalBudget, ...]
    source: str
    subsidy: SubsidyConfig
    sem: SemConfig
    deposition: DepositionSettings
    #: Language of every output for people (maps, ``index.html``, the ``reason`` column):
    #: ``"nl"`` or ``"en"``; ``[output] language`` or ``--lang`` (``[explain] language`` is its
    #: older, deprecated name). Also readable as :attr:`language`.
    explain_language: str
    #: Refuse the run (exit 2) when more than this percentage of the farm rows is rejected
    #: (``[input] max_rejected_percent``, ``--max-rejected``), 0..100.
    max_rejected_percent: float
    #: Column mappings of the config file by input (``farms``, ``natura``, ``regions``): field ->
    #: input column, from the tables ``[columns]``, ``[natura_columns]``, ``[regions_columns]``.
    column_tables: Mapping[str, Mapping[str, str]]
    #: The effective configuration as one TOML-like dict (defaults merged with the user's file),
    #: recorded in the manifest so that a run can be repeated from it.
    effective: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def language(self) -> str:
        """The run's language (``[output] language``, ``--lang``)."""
        return self.explain_language

    def overridden(
        self,
        *,
        threshold_m: float | None = None,
        budget_eur: float | None = None,
        budget_policy: str | None = None,
        no_budget: bool = False,
        language: str | None = None,
        max_rejected_percent: float | None = None,
    ) -> Config:
        """A copy that takes the command-line values that were given (``None``: keep).

        ``no_budget`` drops every budget (national and regional): rank without selecting.

        Raises
        ------
        ConfigError
            On an unusable value, or ``budget_eur`` together with ``no_budget``.
        """
        cfg = self
        if no_budget:
            if budget_eur is not None:
                raise ConfigError("give --budget or --no-budget, not both", source="--no-budget")
            cfg = replace(cfg, budget_eur=None, budget_source="", regional_budgets=())
        if threshold_m is not None:
            cfg = replace(cfg, threshold_m=_check_threshold(threshold_m, "--threshold-m"))
        if budget_eur is not None:
            cfg = replace(
                cfg, budget_eur=_check_budget(budget_eur, "--budget"), budget_source="--budget"
            )
        if budget_policy is not None:
            cfg = replace(cfg, budget_policy=_check_policy(budget_policy, "--budget-policy"))
        if language is not None:
            cfg = replace(cfg, explain_language=_check_language(language, "--lang"))
        if max_rejected_percent is not None:
            cfg = replace(
                cfg,
                max_rejected_percent=_number(max_rejected_percent, "--max-rejected", upper=100),
            )
        return cfg


def _check_threshold(value: object, where: str) -> float:
    return _non_negative(
        value, where, expected="threshold must be a number of metres", unit="number >= 0 metres"
    )


def _check_budget(value: object, where: str) -> float | None:
    return None if value is None else _euro(value, where)


def _non_negative(value: object, where: str, *, expected: str, unit: str) -> float:
    """``value`` as a finite number >= 0, else a :class:`ConfigError`: ``expected`` where it is
    no number, ``... must be a finite <unit>`` where it is out of range."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{expected}, got {value!r}", source=where) from None
    if not math.isfinite(v) or v < 0:
        what = expected.split(" must ", 1)[0]
        raise ConfigError(f"{what} must be a finite {unit}, got {value!r}", source=where)
    return v


def _check_policy(value: object, where: str) -> str:
    if value not in BUDGET_POLICIES:
        raise ConfigError(
            f"budget policy must be one of {', '.join(BUDGET_POLICIES)}, got {value!r}",
            source=where,
        )
    return str(value)


def _read_toml(path: Path | None) -> dict:
    try:
        if path is None:
            text = _DEFAULT_FILE.read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError("file not found", source=str(path)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"not a valid UTF-8 TOML file: {exc}", source=str(path)) from None


def _known_keys() -> dict[str, set[str]]:
    """The tables and keys a configuration file may hold: those of ``default_config.toml``, and
    ``[explain] language``, the older name of ``[output] language``."""
    known = {table: set(values) for table, values in _read_toml(None).items()}
    known.setdefault("explain", set()).add("language")
    return known


def load_config(path: Path | None = None) -> Config:
    """Read the configuration.

    Parameters
    ----------
    path
        A TOML file; ``None`` gives the built-in defaults. A user file replaces the tables it has
        (``[rules]`` keys one by one, ``[budget]`` as a whole) and keeps the defaults for the rest.

    Raises
    ------
    ConfigError
        On unknown keys or unusable values, naming the file and the key.
    """
    base = _read_toml(None)
    where = "built-in config" if path is None else str(path)
    if path is not None:
        user = _read_toml(path)
        known = _known_keys()
        problems = []
        mapping_tables = {table for table, _ in COLUMN_TABLES.values()}
        for table, values in user.items():
            if table not in known or not isinstance(values, dict):
                problems.append(f"unknown table [{table}] (known: {', '.join(known)})")
                continue
            if table in mapping_tables:
                continue  # any field name here; the readers check them against their fields
            problems += [f"unknown key {table}.{k}" for k in values if k not in known[table]]
        if problems:
            raise ConfigError(
                "the configuration has unknown entries", source=where, problems=problems
            )
        base["rules"] = {**base.get("rules", {}), **user.get("rules", {})}
        if "explain" in user:
            base["explain"] = {**base.get("explain", {}), **user["explain"]}
        base["output"] = {**base.get("output", {}), **_output_table(user, where)}
        for table in ("subsidy", "sem"):
            merged = dict(base.get(table, {}))
            for key, value in user.get(table, {}).items():
                if isinstance(value, dict) and isinstance(merged.get(key), dict):
                    merged[key] = {**merged[key], **value}
                else:
                    merged[key] = value
            base[table] = merged
        base["deposition"] = {**base.get("deposition", {}), **user.get("deposition", {})}
        base["input"] = {**base.get("input", {}), **user.get("input", {})}
        for table, _ in COLUMN_TABLES.values():
            if table in user:
                base[table] = user[table]
        if "budget" in user:
            base["budget"] = user["budget"]
    return config_from_mapping(base, where=where)


def config_from_mapping(base: dict, *, where: str = "manifest") -> Config:
    """Build a :class:`Config` from an effective configuration (the TOML tables as a dict, as
    :func:`load_config` merges them and as ``manifest.json`` records them).

    Raises
    ------
    ConfigError
        When a table or key that ``default_config.toml`` has is missing, or a value is unusable.
    """
    rules = _required(base, "rules", where)
    budget = base.get("budget", {})
    national = _check_budget(budget.get("national_eur"), f"{where}: budget.national_eur")
    regional = []
    for i, group in enumerate(budget.get("regional", []), start=1):
        key = f"{where}: budget.regional[{i}]"
        if not isinstance(group, dict) or "regions" not in group or "eur" not in group:
            raise ConfigError("needs `regions` (a list of region names) and `eur`", source=key)
        regions = group["regions"]
        if isinstance(regions, str):
            regions = [regions]
        if not regions or not all(isinstance(r, str) for r in regions):
            raise ConfigError("`regions` must be a list of region names", source=key)
        eur = _check_budget(group["eur"], key)
        regional.append(
            RegionalBudget(
                name=str(group.get("name", " en ".join(regions))),
                regions=tuple(regions),
                eur=float(eur or 0.0),
                source=str(group.get("source", "")),
            )
        )
    return Config(
        threshold_m=_check_threshold(
            _required(rules, "threshold_m", f"{where}: rules"), f"{where}: rules.threshold_m"
        ),
        budget_policy=_check_policy(
            _required(rules, "budget_policy", f"{where}: rules"), f"{where}: rules.budget_policy"
        ),
        budget_eur=national,
        budget_source=str(budget.get("national_source", "")),
        regional_budgets=tuple(regional),
        source=where,
        subsidy=_subsidy_config(base.get("subsidy", {}), where),
        sem=_sem_config(base.get("sem", {}), where),
        deposition=_deposition(base.get("deposition", {}), where),
        explain_language=_language(base, where),
        max_rejected_percent=_max_rejected(base, where),
        column_tables={
            kind: parse_column_mapping(base.get(table) or {}, where=f"{where} [{table}]")
            for kind, (table, _) in COLUMN_TABLES.items()
        },
        effective=base,
    )


def _deposition(table: dict, where: str) -> DepositionSettings:
    values = {}
    for key in ("c", "r0_m", "power", "cutoff_m", "min_cell_m", "knapsack_time_limit_s"):
        raw = _required(table, key, f"{where}: deposition")
        try:
            v = float(raw)
        except (TypeError, ValueError):
            raise ConfigError(
                f"must be a number, got {raw!r}", source=f"{where}: deposition.{key}"
            ) from None
        if not math.isfinite(v) or v <= 0:
            raise ConfigError(
                f"must be a finite number > 0, got {raw!r}", source=f"{where}: deposition.{key}"
            )
        values[key] = v
    weight = _required(table, "weight", f"{where}: deposition")
    if weight not in ("area", "exceedance"):
        raise ConfigError(
            f"must be 'area' or 'exceedance', got {weight!r}", source=f"{where}: deposition.weight"
        )
    return DepositionSettings(**values, weight=weight, source=str(table.get("source", "")))


def _required(table: dict, key: str, where: str) -> Any:
    """``table[key]``; a :class:`ConfigError` naming it where it is missing (every default is in
    ``default_config.toml``, so only a hand-made mapping can lack one)."""
    if not isinstance(table, dict) or key not in table:
        raise ConfigError(f"missing key {key}", source=where)
    return table[key]


def _output_table(user: dict, where: str) -> dict:
    """The user's ``[output]`` table, with ``[explain] language`` (the older name of
    ``[output] language``) moved into it."""
    output = dict(user.get("output", {}))
    old = user.get("explain", {}).get("language")
    if old is not None:
        _check_language(old, f"{where}: explain.language")
        if output.get("language", old) != old:
            raise ConfigError(
                "[output] language and [explain] language (its older name) differ; "
                "give [output] language only",
                source=f"{where}: explain.language",
            )
        output["language"] = old
    return output


def _max_rejected(base: dict, where: str) -> float:
    """``[input] max_rejected_percent``; an effective configuration written before it existed
    (in an older manifest) takes the built-in default."""
    table = base.get("input") or _read_toml(None)["input"]
    return _number(
        _required(table, "max_rejected_percent", f"{where}: input"),
        f"{where}: input.max_rejected_percent",
        upper=100,
    )


def _language(base: dict, where: str) -> str:
    """``[output] language``; an effective configuration written before it existed (in an older
    manifest) has ``[explain] language`` instead."""
    if "language" in base.get("output", {}):
        return _check_language(base["output"]["language"], f"{where}: output.language")
    return _check_language(
        _required(_required(base, "explain", where), "language", f"{where}: explain"),
        f"{where}: explain.language",
    )


def _check_language(value: object, where: str) -> str:
    if value not in ("nl", "en"):
        raise ConfigError(f'must be "nl" or "en", got {value!r}', source=where)
    return str(value)
