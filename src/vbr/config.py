"""Run options and the TOML configuration file (rules and budgets, with their sources)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from vbr.errors import ConfigError

__all__ = [
    "BUDGET_POLICIES",
    "Config",
    "DepositionSettings",
    "RegionalBudget",
    "RunOptions",
    "SemConfig",
    "SubsidyConfig",
    "config_from_mapping",
    "default_data_dir",
    "default_options",
    "load_config",
]

BUDGET_POLICIES = ("skip", "stop")


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


def _number(value: object, where: str, *, upper: float | None = None) -> float:
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


def _numbers(table: object, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ConfigError("must be a table of numbers", source=where)
    return {str(k): _number(v, f"{where}.{k}") for k, v in table.items()}


def _subsidy_config(raw: dict, where: str) -> SubsidyConfig:
    w = f"{where}: subsidy"
    for key in ("pig_right_eur", "poultry_right_eur"):
        missing = [r for r in _REGIONS if r not in raw.get(key, {})]
        if missing:
            raise ConfigError(f"needs {', '.join(missing)}", source=f"{w}.{key}")
    if not isinstance(raw.get("estimate_missing", False), bool):
        raise ConfigError("must be true or false", source=f"{w}.estimate_missing")
    sectors = raw.get("sector_of_group", {})
    if not isinstance(sectors, dict) or not all(isinstance(v, str) for v in sectors.values()):
        raise ConfigError("must be a table of sector names", source=f"{w}.sector_of_group")
    try:
        return SubsidyConfig(
            estimate_missing=bool(raw.get("estimate_missing", False)),
            write_off_years=_number(raw["write_off_years"], f"{w}.write_off_years") or 1.0,
            floor_fraction=_number(raw["floor_fraction"], f"{w}.floor_fraction", upper=1),
            reference_year=_number(raw["reference_year"], f"{w}.reference_year"),
            default_stable_age_years=_number(
                raw["default_stable_age_years"], f"{w}.default_stable_age_years"
            ),
            priority_factor=_number(raw["priority_factor"], f"{w}.priority_factor"),
            outside_factor=_number(raw["outside_factor"], f"{w}.outside_factor"),
            phosphate_eur_per_kg=_number(raw["phosphate_eur_per_kg"], f"{w}.phosphate_eur_per_kg"),
            pig_right_eur=_numbers(raw["pig_right_eur"], f"{w}.pig_right_eur"),
            poultry_right_eur=_numbers(raw["poultry_right_eur"], f"{w}.poultry_right_eur"),
            stable_eur_per_m2=_numbers(raw["stable_eur_per_m2"], f"{w}.stable_eur_per_m2"),
            sector_of_group=dict(sectors),
            m2_per_place=_numbers(raw["m2_per_place"], f"{w}.m2_per_place"),
            phosphate_kg_per_place=_numbers(
                raw["phosphate_kg_per_place"], f"{w}.phosphate_kg_per_place"
            ),
            pig_rights_per_place=_numbers(raw["pig_rights_per_place"], f"{w}.pig_rights_per_place"),
            poultry_rights_per_place=_numbers(
                raw["poultry_rights_per_place"], f"{w}.poultry_rights_per_place"
            ),
            source=str(raw.get("source", "")),
        )
    except KeyError as exc:
        raise ConfigError(f"missing key {exc.args[0]}", source=w) from None


def _sem_config(raw: dict, where: str) -> SemConfig:
    w = f"{where}: sem"
    try:
        return SemConfig(
            reduction=_number(raw["reduction"], f"{w}.reduction", upper=1),
            eur_per_cow_per_year=_number(raw["eur_per_cow_per_year"], f"{w}.eur_per_cow_per_year"),
            years=_number(raw["years"], f"{w}.years"),
            phosphate_eur_per_kg=_number(raw["phosphate_eur_per_kg"], f"{w}.phosphate_eur_per_kg"),
            phosphate_kg_per_place=_numbers(
                raw["phosphate_kg_per_place"], f"{w}.phosphate_kg_per_place"
            ),
            source=str(raw.get("source", "")),
        )
    except KeyError as exc:
        raise ConfigError(f"missing key {exc.args[0]}", source=w) from None


def _default_subsidy() -> SubsidyConfig:
    return _subsidy_config(_read_toml(None).get("subsidy", {}), "built-in config")


def _default_sem() -> SemConfig:
    return _sem_config(_read_toml(None).get("sem", {}), "built-in config")


@dataclass(frozen=True)
class DepositionSettings:
    """The deposition kernel and the scenarios (``[deposition]`` in the config file).

    ``K(r) = c / (1 + r / r0_m) ** power`` mol N/ha/yr per kg NH3/yr, 0 beyond ``cutoff_m``;
    ``weight`` is ``area`` (every overloaded hectare counts 1) or ``exceedance`` (weighted by
    the exceedance relative to its mean).
    """

    c: float = 0.45
    r0_m: float = 90.0
    power: float = 1.85
    cutoff_m: float = 25_000.0
    weight: str = "area"
    min_cell_m: float = 100.0
    knapsack_time_limit_s: float = 60.0
    source: str = ""


@dataclass(frozen=True)
class Config:
    """Rules and budgets; the defaults come from ``default_config.toml``."""

    threshold_m: float = 1000.0
    budget_policy: str = "skip"
    budget_eur: float | None = None
    budget_source: str = ""
    regional_budgets: tuple[RegionalBudget, ...] = ()
    source: str = "built-in"
    subsidy: SubsidyConfig = field(default_factory=_default_subsidy)
    sem: SemConfig = field(default_factory=_default_sem)
    deposition: DepositionSettings = field(default_factory=DepositionSettings)
    #: Language of every output for people (maps, ``index.html``, the ``reason`` column):
    #: ``"nl"`` (default) or ``"en"``; ``[output] language`` or ``--lang`` (``[explain] language``
    #: is its older, deprecated name). Also readable as :attr:`language`.
    explain_language: str = "nl"
    #: The effective configuration as one TOML-like dict (defaults merged with the user's file),
    #: recorded in the manifest so that a run can be repeated from it.
    effective: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def language(self) -> str:
        """The run's language (``[output] language``, ``--lang``)."""
        return self.explain_language


@dataclass(frozen=True)
class RunOptions:
    """Everything one ``vbr run`` needs; paths are resolved by the command line."""

    farms: Path
    natura: Path
    regions: Path | None
    out: Path
    overloaded: Path | None = None
    all_overloaded: bool = False
    farms_crs: str = "EPSG:28992"
    config: Config = field(default_factory=Config)
    animals: Path | None = None
    emission_factors: Path | None = None
    exceedance: Path | None = None
    exceedance_crs: str | None = None
    rank_by: str = "eur_per_kg"
    scenarios: bool = False
    #: Public mode: only aggregated maps (1 km cells), no lists and no farm-level data.
    public: bool = False

    def with_overrides(
        self,
        *,
        threshold_m: float | None = None,
        budget_eur: float | None = None,
        budget_policy: str | None = None,
        no_budget: bool = False,
        language: str | None = None,
    ) -> RunOptions:
        """Return a copy whose config takes the command-line values that were given.

        ``no_budget`` drops every budget (national and regional): rank without selecting.
        """
        cfg = self.config
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
        return replace(self, config=cfg)


def default_data_dir() -> Path:
    """Folder of the embedded default data.

    The repository's ``data/`` for a checkout or an editable install, else the copy inside the
    installed package.
    """
    repo = Path(__file__).resolve().parents[2] / "data"
    if (repo / "farms.csv").exists():
        return repo
    return Path(str(resources.files("vbr") / "_default_data"))


def default_options(out: Path) -> RunOptions:
    """``vbr run`` with no options but ``--out``: the embedded default data and configuration."""
    data = default_data_dir()
    return RunOptions(
        farms=data / "farms.csv",
        natura=data / "natura2000.geojson",
        regions=data / "regions.geojson",
        out=Path(out),
        config=load_config(None),
    )


def _check_threshold(value: object, where: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(
            f"threshold must be a number of metres, got {value!r}", source=where
        ) from None
    if not math.isfinite(v) or v < 0:
        raise ConfigError(
            f"threshold must be a finite number >= 0 metres, got {value!r}", source=where
        )
    return v


def _check_budget(value: object, where: str) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(
            f"budget must be an amount in euro, got {value!r}", source=where
        ) from None
    if not math.isfinite(v) or v < 0:
        raise ConfigError(f"budget must be a finite amount >= 0 euro, got {value!r}", source=where)
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
            text = (resources.files("vbr") / "default_config.toml").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError("file not found", source=str(path)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"not a valid UTF-8 TOML file: {exc}", source=str(path)) from None


_KNOWN = {
    "rules": {"threshold_m", "budget_policy"},
    "budget": {"national_eur", "national_source", "regional"},
    "subsidy": {
        "estimate_missing",
        "write_off_years",
        "floor_fraction",
        "reference_year",
        "default_stable_age_years",
        "priority_factor",
        "outside_factor",
        "phosphate_eur_per_kg",
        "source",
        "pig_right_eur",
        "poultry_right_eur",
        "stable_eur_per_m2",
        "sector_of_group",
        "m2_per_place",
        "phosphate_kg_per_place",
        "pig_rights_per_place",
        "poultry_rights_per_place",
    },
    "output": {"language"},
    # the older name of [output] language, still read
    "explain": {"language"},
    "sem": {
        "reduction",
        "eur_per_cow_per_year",
        "years",
        "phosphate_eur_per_kg",
        "source",
        "phosphate_kg_per_place",
    },
    "deposition": {
        "c",
        "r0_m",
        "power",
        "cutoff_m",
        "weight",
        "min_cell_m",
        "knapsack_time_limit_s",
        "source",
    },
}


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
        problems = []
        for table, values in user.items():
            if table not in _KNOWN or not isinstance(values, dict):
                problems.append(f"unknown table [{table}] (known: {', '.join(_KNOWN)})")
                continue
            problems += [f"unknown key {table}.{k}" for k in values if k not in _KNOWN[table]]
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
        if "budget" in user:
            base["budget"] = user["budget"]
    return config_from_mapping(base, where=where)


def config_from_mapping(base: dict, *, where: str = "manifest") -> Config:
    """Build a :class:`Config` from an effective configuration (the TOML tables as a dict, as
    :func:`load_config` merges them and as ``manifest.json`` records them)."""
    rules = base.get("rules", {})
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
        threshold_m=_check_threshold(rules.get("threshold_m", 1000), f"{where}: rules.threshold_m"),
        budget_policy=_check_policy(
            rules.get("budget_policy", "skip"), f"{where}: rules.budget_policy"
        ),
        budget_eur=national,
        budget_source=str(budget.get("national_source", "")),
        regional_budgets=tuple(regional),
        source=where,
        subsidy=_subsidy_config(base.get("subsidy", {}), where),
        sem=_sem_config(base.get("sem", {}), where),
        deposition=_deposition(base.get("deposition", {}), where),
        explain_language=_language(base, where),
        effective=base,
    )


def _deposition(table: dict, where: str) -> DepositionSettings:
    values = {}
    for key in ("c", "r0_m", "power", "cutoff_m", "min_cell_m", "knapsack_time_limit_s"):
        if key not in table:
            continue
        raw = table[key]
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
    weight = table.get("weight", "area")
    if weight not in ("area", "exceedance"):
        raise ConfigError(
            f"must be 'area' or 'exceedance', got {weight!r}", source=f"{where}: deposition.weight"
        )
    return DepositionSettings(**values, weight=weight, source=str(table.get("source", "")))


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


def _language(base: dict, where: str) -> str:
    """``[output] language``; an effective configuration written before it existed (in an older
    manifest) has ``[explain] language`` instead."""
    if "language" in base.get("output", {}):
        return _check_language(base["output"]["language"], f"{where}: output.language")
    return _check_language(
        base.get("explain", {}).get("language", "nl"), f"{where}: explain.language"
    )


def _check_language(value: object, where: str) -> str:
    if value not in ("nl", "en"):
        raise ConfigError(f'must be "nl" or "en", got {value!r}', source=where)
    return str(value)
