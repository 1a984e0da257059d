"""The TOML configuration (rules, budgets, prices, the deposition kernel) as :class:`Config`.

``default_config.toml`` beside this module is the one place where a default of a rule is written:
a user's file replaces what it names, and every value a run uses comes from the merged tables.
The dataclasses here hold values; they have no defaults of their own.
"""

from __future__ import annotations

import datetime as _dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from vbr.errors import ConfigError
from vbr.locale import say
from vbr.locale.amounts import AmountError, parse_euro
from vbr.settings.columns import COLUMN_TABLES, parse_column_mapping
from vbr.settings.limits import MAX_EUR_OPTION, MAX_THRESHOLD_M
from vbr.settings.rules import (
    FCFS,
    MEASURED_TO,
    PRIORITY_GROUPS,
    ROUND_ORDER,
    RULE_KEYS,
    TIE_BREAKS,
    load_rule_set,
    merge_rule_set,
)

__all__ = [
    "BUDGET_POLICIES",
    "NATIONAL_POT",
    "Config",
    "DepositionSettings",
    "Pot",
    "RegionalBudget",
    "SemConfig",
    "SubsidyConfig",
    "Window",
    "config_from_mapping",
    "load_config",
]

BUDGET_POLICIES = ("skip", "stop")

_DEFAULT_FILE = resources.files("vbr.settings") / "default_config.toml"


#: The name of the national pot (``[budget] national_eur``, ``--budget``) in ``funded_by``.
NATIONAL_POT = "national"


@dataclass(frozen=True)
class RegionalBudget:
    """A regional pot: it may fund the farms of its regions (``[[budget.regional]]``)."""

    name: str
    regions: tuple[str, ...]
    eur: float
    source: str = ""
    #: ``skip`` or ``stop``; ``None``: the ``[rules] budget_policy``.
    policy: str | None = None


@dataclass(frozen=True)
class Pot:
    """One pot of money as the procedure walks it (:attr:`Config.pots`).

    Attributes
    ----------
    name
        ``national`` or the regional pot's name (``funded_by`` in the lists).
    regions
        The regions whose farms it may fund; empty: every farm (the national pot).
    budget_eur
        The pot's budget.
    policy
        ``skip`` or ``stop``.
    source
        Where the budget comes from.
    reserve_eur
        Of the budget, the part that is reserved rather than committed (the scenarios show what
        it adds); 0 where none.
    """

    name: str
    regions: tuple[str, ...]
    budget_eur: float
    policy: str
    source: str = ""
    reserve_eur: float = 0.0

    @property
    def national(self) -> bool:
        """Whether this is the national pot (every farm; the windows apply to it)."""
        return self.name == NATIONAL_POT


@dataclass(frozen=True)
class Window:
    """An application window of the national pot (``[[window]]``).

    ``opens``/``closes`` are the first and the last day (inclusive, Europe/Amsterdam); an
    application belongs to the window of its ``submitted_at``. ``budget_eur`` is the window's own
    budget; with ``carry_over`` what it leaves goes to the next window.
    """

    name: str
    opens: _dt.date
    closes: _dt.date
    budget_eur: float
    carry_over: bool
    source: str = ""


_REGIONS = ("south", "east", "elsewhere")


@dataclass(frozen=True)
class SubsidyConfig:
    """Prices and percentages of the subsidy estimate (``[subsidy]`` in the config file)."""

    estimate_missing: bool
    #: The least share of ``nh3_kg`` that animal counts must explain for a subsidy to be
    #: estimated from them (0..1).
    min_herd_share: float
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
        raise ConfigError(say("must_be_number", value=repr(value)), source=where)
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(say("must_be_number", value=repr(value)), source=where) from None
    if not math.isfinite(v) or v < 0 or (upper is not None and v > upper):
        limit = say("and_at_most", upper=f"{upper:g}") if upper is not None else ""
        raise ConfigError(say("must_be_non_negative", limit=limit, value=repr(value)), source=where)
    return v


def _numbers(table: object, where: str, *, euro: bool = False) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ConfigError(say("table_of_numbers"), source=where)
    return {str(k): _number(v, f"{where}.{k}", euro=euro) for k, v in table.items()}


def _euro(value: object, where: str) -> float:
    """A euro value of the config: a number, or text as people type amounts (``"100 mln"``,
    ``"1.125.000.000"``; see :mod:`vbr.locale.amounts`).

    Raises
    ------
    ConfigError
        When it is no amount, reads two ways, is negative or not finite, or is above
        :data:`~vbr.settings.limits.MAX_EUR_OPTION`.
    """
    try:
        amount = float(parse_euro(value))  # type: ignore[arg-type]
    except AmountError as exc:
        raise ConfigError(exc.args[0], source=where) from None
    if amount > MAX_EUR_OPTION:
        raise ConfigError(
            say("amount_ceiling", ceiling=round(MAX_EUR_OPTION), value=repr(value)),
            source=where,
        )
    return amount


def _subsidy_config(raw: dict, where: str) -> SubsidyConfig:
    w = f"{where}: subsidy"
    for key in ("pig_right_eur", "poultry_right_eur"):
        missing = [r for r in _REGIONS if r not in raw.get(key, {})]
        if missing:
            raise ConfigError(say("needs", keys=", ".join(missing)), source=f"{w}.{key}")
    if not isinstance(_required(raw, "estimate_missing", w), bool):
        raise ConfigError(say("true_or_false"), source=f"{w}.estimate_missing")
    sectors = raw.get("sector_of_group", {})
    if not isinstance(sectors, dict) or not all(isinstance(v, str) for v in sectors.values()):
        raise ConfigError(say("table_of_sectors"), source=f"{w}.sector_of_group")
    if "min_herd_share" not in raw:
        # an effective configuration recorded before the rule existed (an older manifest): the
        # run it repeats estimated from any counts
        raw = {**raw, "min_herd_share": 0.0}
    config = _from_table(SubsidyConfig, raw, w, fractions=("floor_fraction", "min_herd_share"))
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
    #: The rule set: ``name``, ``title``, ``source``, ``path`` and ``sha256`` (README, "Rule
    #: sets").
    rule_set: dict = field(default_factory=dict)
    #: First come first served: ``day`` (the calendar day, with the lottery) or ``time``.
    fcfs: str = "day"
    #: Round 1: ``within_threshold`` or ``all`` (every application).
    priority_group: str = "within_threshold"
    #: Application windows of the national pot, in order (none: one window without dates).
    windows: tuple[Window, ...] = ()
    #: Of the national budget, the part that is reserved (not committed).
    national_reserve_eur: float = 0.0
    #: The national pot's own policy (``None``: ``budget_policy``).
    national_policy: str | None = None
    #: The pots in walking order by name (empty: national first, then the regional ones).
    pot_order: tuple[str, ...] = ()
    #: The pots that run (``--pot``, ``--only-national``); ``None``: every pot.
    pots_run: tuple[str, ...] | None = None
    #: The effective configuration as one TOML-like dict (defaults merged with the user's file),
    #: recorded in the manifest so that a run can be repeated from it.
    effective: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def all_pots(self) -> tuple[Pot, ...]:
        """Every pot of the configuration in walking order (also those ``--pot`` leaves out)."""
        pots = []
        if self.budget_eur is not None or self.windows:
            # with windows the pot holds their budgets together, capped by the national budget
            budget = self.budget_eur if self.budget_eur is not None else math.inf
            if self.windows:
                budget = min(budget, sum(w.budget_eur for w in self.windows))
            pots.append(
                Pot(
                    name=NATIONAL_POT,
                    regions=(),
                    budget_eur=budget,
                    policy=self.national_policy or self.budget_policy,
                    source=self.budget_source
                    or "; ".join(f"{w.name}: {w.source}" for w in self.windows if w.source),
                    reserve_eur=min(self.national_reserve_eur, budget),
                )
            )
        pots += [
            Pot(
                name=g.name,
                regions=g.regions,
                budget_eur=g.eur,
                policy=g.policy or self.budget_policy,
                source=g.source,
            )
            for g in self.regional_budgets
        ]
        if self.pot_order:
            by_name = {p.name: p for p in pots}
            pots = [by_name[n] for n in self.pot_order if n in by_name]
        return tuple(pots)

    @property
    def pots(self) -> tuple[Pot, ...]:
        """The pots this run walks, in order."""
        if self.pots_run is None:
            return self.all_pots
        return tuple(p for p in self.all_pots if p.name in self.pots_run)

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
        pots: tuple[str, ...] | None = None,
        only_national: bool = False,
    ) -> Config:
        """A copy that takes the command-line values that were given (``None``: keep).

        ``no_budget`` drops every budget (national and regional): rank without selecting.
        ``pots`` (``--pot``, repeated) or ``only_national`` limit the pots that run.
        ``budget_policy`` sets the policy of every pot.

        Raises
        ------
        ConfigError
            On an unusable value, an unknown pot, or options that cannot go together.
        """
        cfg = self
        if no_budget:
            if budget_eur is not None:
                raise ConfigError(
                    say("not_both", a="--budget", b="--no-budget"), source="--no-budget"
                )
            if pots or only_national:
                option = "--only-national" if only_national else "--pot"
                raise ConfigError(say("not_both", a=option, b="--no-budget"), source="--no-budget")
            cfg = replace(cfg, budget_eur=None, budget_source="", regional_budgets=(), pots_run=())
        if pots and only_national:
            raise ConfigError(
                say("not_both", a="--pot", b="--only-national"), source="--only-national"
            )
        if threshold_m is not None:
            cfg = replace(cfg, threshold_m=_check_threshold(threshold_m, "--threshold-m"))
        if budget_eur is not None:
            cfg = replace(
                cfg, budget_eur=_check_budget(budget_eur, "--budget"), budget_source="--budget"
            )
        if budget_policy is not None:
            cfg = replace(
                cfg,
                budget_policy=_check_policy(budget_policy, "--budget-policy"),
                national_policy=None,
                regional_budgets=tuple(replace(g, policy=None) for g in cfg.regional_budgets),
            )
        if language is not None:
            cfg = replace(cfg, explain_language=_check_language(language, "--lang"))
        if max_rejected_percent is not None:
            cfg = replace(
                cfg,
                max_rejected_percent=_number(max_rejected_percent, "--max-rejected", upper=100),
            )
        if only_national:
            pots = (NATIONAL_POT,)
        if pots:
            cfg = replace(cfg, pots_run=_check_pots_run(cfg, tuple(pots), budget_eur))
        return cfg


def _check_pots_run(cfg: Config, names: tuple[str, ...], budget_eur: float | None) -> tuple:
    """The pots ``--pot``/``--only-national`` name, each one of the configuration's."""
    option = "--only-national" if names == (NATIONAL_POT,) else "--pot"
    known = [p.name for p in cfg.all_pots]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            say(
                "no_pot",
                names=", ".join(map(repr, unknown)),
                pots=", ".join(map(repr, known)) if known else say("no_pots"),
            ),
            source=option,
        )
    if budget_eur is not None and NATIONAL_POT not in names:
        raise ConfigError(
            say("budget_without_national"),
            source="--pot",
        )
    return tuple(dict.fromkeys(names))


def _check_threshold(value: object, where: str) -> float:
    return _non_negative(
        value,
        where,
        upper=MAX_THRESHOLD_M,
    )


def _check_budget(value: object, where: str) -> float | None:
    return None if value is None else _euro(value, where)


def _non_negative(value: object, where: str, *, upper: float) -> float:
    """``value`` as a threshold in metres from 0 to ``upper``, else a :class:`ConfigError`."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(say("threshold_number", value=repr(value)), source=where) from None
    if not (0 <= v <= upper):
        raise ConfigError(
            say("threshold_range", upper=round(upper), value=repr(value)), source=where
        )
    return v


def _check_policy(value: object, where: str) -> str:
    if value not in BUDGET_POLICIES:
        raise ConfigError(
            say("budget_policy", policies=", ".join(BUDGET_POLICIES), value=repr(value)),
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
        raise ConfigError(say("file_not_found"), source=str(path)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(say("not_toml", detail=str(exc)), source=str(path)) from None


def _known_keys() -> dict[str, set[str]]:
    """The tables and keys a configuration file may hold: those of ``default_config.toml`` and
    of a rule set (:data:`~vbr.settings.rules.RULE_KEYS`), and ``[explain] language``, the older
    name of ``[output] language``."""
    known = {table: set(values) for table, values in _read_toml(None).items()}
    for table, keys in RULE_KEYS.items():
        if table != "rule_set":
            known.setdefault(table, set()).update(keys)
    known.setdefault("explain", set()).add("language")
    return known


def load_config(path: Path | None = None, *, rules: str | Path | None = None) -> Config:
    """Read the configuration: ``default_config.toml``, the rule set, then the user's file.

    Parameters
    ----------
    path
        A TOML file; ``None`` gives the built-in defaults. A user file replaces the tables it has
        (``[rules]`` keys one by one, ``[budget]`` and the ``[[window]]`` list as a whole) and
        keeps the defaults for the rest.
    rules
        The rule set: a name of the package's (default ``vbr-2026``) or a TOML file
        (``--rules``).

    Raises
    ------
    ConfigError
        On unknown keys or unusable values, naming the file and the key.
    """
    base = merge_rule_set(_read_toml(None), load_rule_set(rules))
    where = "built-in config" if path is None else str(path)
    if path is not None:
        user = _read_toml(path)
        known = _known_keys()
        problems = []
        mapping_tables = {table for table, _ in COLUMN_TABLES.values()}
        for table, values in user.items():
            rows = values if table == "window" and isinstance(values, list) else [values]
            if table not in known or not all(isinstance(r, dict) for r in rows):
                problems.append(say("unknown_table", table=table, known=", ".join(known)))
                continue
            if table in mapping_tables:
                continue  # any field name here; the readers check them against their fields
            for row in rows:
                problems += [
                    say("unknown_key", key=f"{table}.{k}") for k in row if k not in known[table]
                ]
        if problems:
            raise ConfigError(say("unknown_entries"), source=where, problems=problems)
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
        if "window" in user:
            base["window"] = user["window"]
    return config_from_mapping(base, where=where)


def config_from_mapping(base: dict, *, where: str = "manifest") -> Config:
    """Build a :class:`Config` from an effective configuration (the TOML tables as a dict, as
    :func:`load_config` merges them and as ``manifest.json`` records them).

    Raises
    ------
    ConfigError
        When a table or key that ``default_config.toml`` or the rule set has is missing, or a
        value is unusable.
    """
    rules = _required(base, "rules", where)
    budget = base.get("budget", {})
    national = _check_budget(budget.get("national_eur"), f"{where}: budget.national_eur")
    regional = []
    for i, group in enumerate(budget.get("regional", []), start=1):
        key = f"{where}: budget.regional[{i}]"
        if not isinstance(group, dict) or "regions" not in group or "eur" not in group:
            raise ConfigError(say("pot_needs"), source=key)
        regions = group["regions"]
        if isinstance(regions, str):
            regions = [regions]
        if not regions or not all(isinstance(r, str) for r in regions):
            raise ConfigError(say("pot_regions"), source=key)
        eur = _check_budget(group["eur"], key)
        policy = group.get("policy")
        regional.append(
            RegionalBudget(
                name=str(group.get("name", " en ".join(regions))),
                regions=tuple(regions),
                eur=float(eur or 0.0),
                source=str(group.get("source", "")),
                policy=None if policy is None else _check_policy(policy, f"{key}.policy"),
            )
        )
    national_policy = budget.get("national_policy")
    config = Config(
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
        rule_set=dict(base.get("rule_set", {})),
        fcfs=_choice(rules, "fcfs", FCFS, where),
        priority_group=_choice(rules, "priority_group", PRIORITY_GROUPS, where),
        windows=_windows(base.get("window", []), where),
        national_reserve_eur=_check_budget(
            budget.get("national_reserve_eur", 0), f"{where}: budget.national_reserve_eur"
        )
        or 0.0,
        national_policy=None
        if national_policy is None
        else _check_policy(national_policy, f"{where}: budget.national_policy"),
        pot_order=_pot_order(budget, regional, national is not None, where),
        column_tables={
            kind: parse_column_mapping(base.get(table) or {}, where=f"{where} [{table}]")
            for kind, (table, _) in COLUMN_TABLES.items()
        },
        effective=base,
    )
    _choice(rules, "measured_to", MEASURED_TO, where)
    for key, implemented in (("round_order", ROUND_ORDER), ("tie_breaks", TIE_BREAKS)):
        value = rules.get(key, list(implemented))
        if list(value) != list(implemented):
            raise ConfigError(
                say("implements_only", allowed=str(list(implemented)), value=repr(value)),
                source=f"{where}: rules.{key}",
            )
    if config.budget_eur is not None and config.national_reserve_eur > config.budget_eur:
        raise ConfigError(say("reserve_too_large"), source=f"{where}: budget")
    return config


def _choice(table: dict, key: str, allowed: tuple[str, ...], where: str) -> str:
    """``table[key]``, one of ``allowed`` (the first when absent)."""
    value = table.get(key, allowed[0])
    if value not in allowed:
        raise ConfigError(
            say("one_of", allowed=", ".join(map(repr, allowed)), value=repr(value)),
            source=f"{where}: rules.{key}",
        )
    return str(value)


def _pot_order(budget: dict, regional: list, national: bool, where: str) -> tuple[str, ...]:
    """``[budget] order``: every pot named once (empty where not given)."""
    order = budget.get("order")
    names = [NATIONAL_POT] * national + [g.name for g in regional]
    if len(set(names)) != len(names):
        raise ConfigError(
            say("pots_same_name", pots=", ".join(names), national=repr(NATIONAL_POT)),
            source=f"{where}: budget",
        )
    if order is None:
        return ()
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(names):
        raise ConfigError(
            say("pot_order", pots=", ".join(map(repr, names)), value=repr(order)),
            source=f"{where}: budget.order",
        )
    return tuple(map(str, order))


def _date(value: object, where: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        raise ConfigError(say("day_not_time", value=repr(value)), source=where)
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(say("day", value=repr(value)), source=where) from None


def _windows(rows: object, where: str) -> tuple[Window, ...]:
    """The ``[[window]]`` list: named, in order, not overlapping, each with a budget."""
    if not isinstance(rows, list):
        raise ConfigError(say("window_list"), source=f"{where}: window")
    windows: list[Window] = []
    for i, row in enumerate(rows, start=1):
        key = f"{where}: window[{i}]"
        missing = [k for k in ("name", "opens", "closes", "budget_eur") if k not in row]
        if missing:
            raise ConfigError(say("needs", keys=", ".join(missing)), source=key)
        carry = row.get("carry_over", False)
        if not isinstance(carry, bool):
            raise ConfigError(say("true_or_false"), source=f"{key}.carry_over")
        window = Window(
            name=str(row["name"]),
            opens=_date(row["opens"], f"{key}.opens"),
            closes=_date(row["closes"], f"{key}.closes"),
            budget_eur=float(_check_budget(row["budget_eur"], f"{key}.budget_eur") or 0.0),
            carry_over=carry,
            source=str(row.get("source", "")),
        )
        if window.closes < window.opens:
            raise ConfigError(
                say("window_closes", closes=str(window.closes), opens=str(window.opens)), source=key
            )
        if windows and window.opens <= windows[-1].closes:
            raise ConfigError(
                say(
                    "window_overlap",
                    opens=str(window.opens),
                    previous=repr(windows[-1].name),
                    closes=str(windows[-1].closes),
                ),
                source=key,
            )
        if any(w.name == window.name for w in windows):
            raise ConfigError(say("window_twice", name=repr(window.name)), source=key)
        windows.append(window)
    return tuple(windows)


#: Upper bounds of the ``[deposition]`` numbers that size the work (the kernel grid, the
#: solver's time): the width of the Netherlands, a 10 km cell, a day.
_DEPOSITION_UPPER = {
    "cutoff_m": 300_000.0,
    "min_cell_m": 10_000.0,
    "knapsack_time_limit_s": 86_400.0,
}


def _deposition(table: dict, where: str) -> DepositionSettings:
    values = {}
    for key in ("c", "r0_m", "power", "cutoff_m", "min_cell_m", "knapsack_time_limit_s"):
        raw = _required(table, key, f"{where}: deposition")
        try:
            v = float(raw)
        except (TypeError, ValueError, OverflowError):
            raise ConfigError(
                say("must_be_number", value=repr(raw)), source=f"{where}: deposition.{key}"
            ) from None
        upper = _DEPOSITION_UPPER.get(key, math.inf)
        if not math.isfinite(v) or v <= 0 or v > upper:
            limit = say("and_at_most", upper=f"{upper:g}") if math.isfinite(upper) else ""
            raise ConfigError(
                say("must_be_positive", limit=limit, value=repr(raw)),
                source=f"{where}: deposition.{key}",
            )
        values[key] = v
    weight = _required(table, "weight", f"{where}: deposition")
    if weight not in ("area", "exceedance"):
        raise ConfigError(
            say("one_of", allowed="'area', 'exceedance'", value=repr(weight)),
            source=f"{where}: deposition.weight",
        )
    return DepositionSettings(**values, weight=weight, source=str(table.get("source", "")))


def _required(table: dict, key: str, where: str) -> Any:
    """``table[key]``; a :class:`ConfigError` naming it where it is missing (every default is in
    ``default_config.toml``, so only a hand-made mapping can lack one)."""
    if not isinstance(table, dict) or key not in table:
        raise ConfigError(say("missing_key", key=key), source=where)
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
                say("languages_differ"),
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
        raise ConfigError(say("language", value=repr(value)), source=where)
    return str(value)
