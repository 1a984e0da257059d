"""Rule sets: the rules of one scheme and year as data (``src/vbr/rules/<name>.toml``).

A rule set holds the tables ``[rule_set]`` (its name, title and source), ``[rules]`` (threshold
and what it measures to, the priority group, the round order, first come first served by day or
time, tie-breaks, the budget policy), ``[subsidy]`` (the percentages inside and outside the
strip), ``[budget]`` (the pots) and ``[[window]]`` (application windows), every value with a
``*_source``. ``default_config.toml`` holds every other default; no key is written in both
(:func:`merge_rule_set` refuses it). :data:`RULE_KEYS` is the schema: the keys a rule set (and a
``--config`` file, which may override them) may hold.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from vbr.errors import ConfigError
from vbr.locale import say

__all__ = [
    "DEFAULT_RULES",
    "FCFS",
    "PRIORITY_GROUPS",
    "ROUND_ORDER",
    "RULE_KEYS",
    "TIE_BREAKS",
    "RuleSet",
    "load_rule_set",
    "merge_rule_set",
    "rule_set_names",
]

#: The rule set of a run without ``--rules``.
DEFAULT_RULES = "vbr-2026"
#: First come first served by the calendar day (with the lottery) or by the exact instant.
FCFS = ("day", "time")
#: Who is in round 1: the locations within the threshold, or every application (a scheme whose
#: group was decided before, e.g. the Lbv-plus's peak emitters).
PRIORITY_GROUPS = ("within_threshold", "all")
#: The one round order vbr implements: round 1 the priority group (first come first served),
#: round 2 the rest by cost (euro per kg, or per mol with --rank-by).
ROUND_ORDER = ("priority", "cost")
#: The one tie-break order vbr implements (contract section 5).
TIE_BREAKS = ("eur_per_kg", "-nh3_kg", "farm_id")
#: What the threshold measures to.
MEASURED_TO = ("overloaded_area",)

#: The tables and keys of a rule set (``window`` is an array of tables with these keys).
RULE_KEYS: dict[str, set[str]] = {
    "rule_set": {"name", "title", "source"},
    "rules": {
        "threshold_m",
        "measured_to",
        "priority_group",
        "threshold_source",
        "round_order",
        "order_source",
        "fcfs",
        "fcfs_source",
        "tie_breaks",
        "tie_breaks_source",
        "budget_policy",
        "policy_source",
    },
    "subsidy": {"priority_factor", "outside_factor", "factor_source"},
    "budget": {
        "national_eur",
        "national_reserve_eur",
        "national_source",
        "national_policy",
        "order",
        "regional",
    },
    "window": {"name", "opens", "closes", "budget_eur", "carry_over", "source"},
}

_RULES_DIR = resources.files("vbr") / "rules"


@dataclass(frozen=True)
class RuleSet:
    """A rule set as read: its name, where it came from, its sha256 and its tables."""

    name: str
    path: str
    sha256: str
    tables: dict

    @property
    def built_in(self) -> bool:
        """Whether it is one of the package's rule sets (``--rules NAME``)."""
        return self.path.startswith("vbr:")


def rule_set_names() -> list[str]:
    """The names of the package's rule sets."""
    return sorted(
        p.name.removesuffix(".toml") for p in _RULES_DIR.iterdir() if p.name.endswith(".toml")
    )


def load_rule_set(name_or_path: str | Path | None = None) -> RuleSet:
    """Read a rule set: a name of the package's (``vbr-2026``) or a TOML file.

    A value that ends in ``.toml`` or holds a path separator is a file; any other is a name.

    Raises
    ------
    ConfigError
        On an unknown name, an unreadable file, unknown tables or keys, or a rule vbr does not
        implement.
    """
    value = DEFAULT_RULES if name_or_path is None else str(name_or_path)
    if value.endswith(".toml") or "/" in value or "\\" in value:
        path = Path(value)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(
                say("rule_set_unreadable", detail=str(exc.strerror or exc)),
                source=f"--rules {value}",
            ) from None
        where = str(path)
    else:
        names = rule_set_names()
        if value not in names:
            raise ConfigError(
                say("rule_set_unknown", name=repr(value), names=", ".join(names)),
                source="--rules",
            )
        data = (_RULES_DIR / f"{value}.toml").read_bytes()
        where = f"vbr:rules/{value}.toml"
    try:
        tables = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(say("not_toml", detail=str(exc)), source=where) from None
    _check_keys(tables, where)
    name = str(tables.get("rule_set", {}).get("name") or Path(value).stem)
    return RuleSet(name=name, path=where, sha256=hashlib.sha256(data).hexdigest(), tables=tables)


def _check_keys(tables: dict, where: str) -> None:
    problems = []
    for table, values in tables.items():
        if table not in RULE_KEYS:
            problems.append(say("rule_set_table", table=table, known=", ".join(RULE_KEYS)))
            continue
        rows = values if table == "window" else [values]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            problems.append(
                say("must_be_array" if table == "window" else "must_be_table", table=table)
            )
            continue
        for row in rows:
            problems += [
                say("unknown_key", key=f"{table}.{k}") for k in row if k not in RULE_KEYS[table]
            ]
    if problems:
        raise ConfigError(say("rule_set_unknown_entries"), source=where, problems=problems)


def merge_rule_set(base: dict, rule_set: RuleSet) -> dict:
    """``base`` (the tables of ``default_config.toml``) with the rule set's tables added.

    Raises
    ------
    ConfigError
        When a key is in both: every default is written in one place.
    """
    merged = {table: dict(values) for table, values in base.items()}
    twice = []
    for table, values in rule_set.tables.items():
        if table == "window":
            merged["window"] = [dict(w) for w in values]
            continue
        target = merged.setdefault(table, {})
        twice += [f"{table}.{k}" for k in values if k in target]
        target.update(values)
    if twice:
        raise ConfigError(
            say("rule_set_twice", keys=", ".join(twice)),
            source=rule_set.path,
        )
    merged["rule_set"] = {
        **rule_set.tables.get("rule_set", {}),
        "name": rule_set.name,
        "path": rule_set.path,
        "sha256": rule_set.sha256,
    }
    return merged
