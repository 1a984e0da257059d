"""``vbr diff OUTDIR_A OUTDIR_B``: what changed between two runs.

From the manifests: the parameters, the inputs (by sha256), the rule set and the code that
differ. From ``decisions.csv`` and ``ranking.csv``: every application whose status, pot, rank or
reason changed (:data:`DIFF_COLUMNS`). The summary, in run B's language, counts the applications
now selected and no longer selected and names the cause: "12 aanvragen nu geselecteerd, 3 niet
meer; oorzaak: budget 750 -> 800 mln". Nothing in either folder is changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.locale import t
from vbr.locale.formats import format_count, format_number
from vbr.outcome import read_list
from vbr.writers.manifest import read_manifest

__all__ = ["DIFF_COLUMNS", "Comparison", "compare"]

#: The columns of ``diff.csv``: one row per application that changed.
DIFF_COLUMNS = [
    "farm_id",
    "change",
    "status_a",
    "status_b",
    "funded_by_a",
    "funded_by_b",
    "rank_a",
    "rank_b",
    "reason_a",
    "reason_b",
]
#: Parameters that are results of the run rather than causes.
_NOT_CAUSES = ("lottery.days_drawn", "config", "rule_set.path")


@dataclass(frozen=True)
class Comparison:
    """Two runs compared.

    Attributes
    ----------
    causes
        ``(what, in A, in B)`` for every parameter, input, rule set and code that differs.
    table
        ``diff.csv``: one row per application whose status, pot, rank or reason changed, or that
        is in one run only (:data:`DIFF_COLUMNS`).
    summary
        The counts and the causes in run B's language.
    language
        Run B's language (``nl``, ``en``): the language the command prints in.
    """

    causes: list[tuple[str, str, str]]
    table: pd.DataFrame
    summary: str
    language: str = "nl"


def _flat(value: object, prefix: str = "") -> dict[str, str]:
    """Leaf values of a nested dict as JSON text by dotted key (lists as a whole)."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(_flat(inner, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): json.dumps(value, ensure_ascii=False, sort_keys=True)}


def _causes(a: dict, b: dict) -> list[tuple[str, str, str]]:
    causes = []
    pa, pb = _flat(a["parameters"]), _flat(b["parameters"])
    for key in sorted(set(pa) | set(pb)):
        if key.startswith(_NOT_CAUSES) or pa.get(key) == pb.get(key):
            continue
        causes.append((key, pa.get(key, "-"), pb.get(key, "-")))
    ia, ib = a.get("inputs", {}), b.get("inputs", {})
    for name in sorted(set(ia) | set(ib)):
        sha_a, sha_b = ia.get(name, {}).get("sha256"), ib.get(name, {}).get("sha256")
        if sha_a != sha_b:
            causes.append(
                (
                    f"input {name}",
                    ia.get(name, {}).get("path", "-"),
                    ib.get(name, {}).get("path", "-"),
                )
            )
    code_a, code_b = a.get("code", {}), b.get("code", {})
    if (a.get("version"), code_a.get("source_sha256")) != (
        b.get("version"),
        code_b.get("source_sha256"),
    ):
        causes.append(
            (
                "code",
                f"{a.get('version')} {str(code_a.get('source_sha256', ''))[:12]}",
                f"{b.get('version')} {str(code_b.get('source_sha256', ''))[:12]}",
            )
        )
    return causes


def _table(outdir: Path) -> pd.DataFrame:
    decided = read_list(outdir / "decisions.csv")
    ranking = read_list(outdir / "ranking.csv")
    ranks = dict(zip(ranking["farm_id"], ranking["rank"], strict=True))
    out = decided[["farm_id", "status", "funded_by", "reason"]].copy()
    out["rank"] = [ranks.get(f, "") for f in out["farm_id"]]
    # a farm_id can stand on more than one application (rejected duplicates, empty ids): the
    # n-th application with an id in run A is compared with the n-th in run B
    out["occurrence"] = out.groupby("farm_id", sort=False).cumcount()
    return out.set_index(["farm_id", "occurrence"])


def _changes(both: pd.DataFrame) -> np.ndarray:
    """The ``change`` of every application (``""`` where nothing changed), column by column."""
    a, b = (both[f"status_{x}"].to_numpy(dtype=object) for x in "ab")
    status = np.where(
        a == b,
        np.where(both["funded_by_a"] != both["funded_by_b"], "other pot", ""),
        np.where(
            b == "granted", "now granted", np.where(a == "granted", "no longer granted", "status")
        ),
    ).astype(object)
    rank = np.where(both["rank_a"] != both["rank_b"], "rank", "").astype(object)
    reason = np.where(both["reason_a"] != both["reason_b"], "reason", "").astype(object)
    joined = pd.Series(status + ";" + rank + ";" + reason).str.replace(r";+", ";", regex=True)
    change = joined.str.strip(";").to_numpy(dtype=object)
    change[a == ""] = "only in B"
    change[b == ""] = "only in A"
    return change


def compare(outdir_a: Path, outdir_b: Path) -> Comparison:
    """Compare two runs' manifests and decisions.

    Raises
    ------
    InputError
        When a folder is no run of vbr 0.3.0 or later (no manifest, ``decisions.csv`` or
        ``ranking.csv``).
    """
    a, b = read_manifest(Path(outdir_a)), read_manifest(Path(outdir_b))
    ta, tb = _table(Path(outdir_a)), _table(Path(outdir_b))
    ids = pd.MultiIndex.from_tuples(list(dict.fromkeys([*tb.index, *ta.index])))
    both = pd.DataFrame({"farm_id": ids.get_level_values(0)})
    for column in ("status", "funded_by", "rank", "reason"):
        both[f"{column}_a"] = ta[column].reindex(ids).fillna("").to_numpy(dtype=object)
        both[f"{column}_b"] = tb[column].reindex(ids).fillna("").to_numpy(dtype=object)
    both["change"] = _changes(both)
    table = both[both["change"] != ""][DIFF_COLUMNS]
    # decisions first, then places, then reasons alone (each in run B's order)
    weight = table["change"].map(
        lambda c: 0 if c.split(";")[0] not in ("rank", "reason") else 1 if c != "reason" else 2
    )
    table = table.iloc[weight.argsort(kind="stable")].reset_index(drop=True)
    causes = _causes(a, b)
    lang = str(b["rerun"].get("explain_language", "nl"))
    return Comparison(
        causes=causes,
        table=table,
        summary=_summary(table, causes, a, b, lang),
        language=lang,
    )


def _millions(value: object, lang: str) -> str:
    try:
        amount = float(value) / 1e6
    except (TypeError, ValueError):
        return str(value)
    decimals = next(d for d in range(3) if d == 2 or round(amount, d) == round(amount, 2))
    return format_number(amount, lang, decimals)


def _cause_text(cause: tuple[str, str, str], lang: str) -> str:
    what, before, after = cause
    if what == "budget_eur":
        return t(
            "diff.cause_budget",
            lang,
            a=_millions(json.loads(before), lang) if before != "null" else "-",
            b=_millions(json.loads(after), lang) if after != "null" else "-",
        )
    if what.startswith("input "):
        return t("diff.cause_input", lang, name=what.removeprefix("input "))
    return t("diff.cause_value", lang, what=what, a=before, b=after)


def _summary(table: pd.DataFrame, causes, a: dict, b: dict, lang: str) -> str:
    change = table["change"].str.split(";")
    count = {
        key: int(change.map(lambda parts, key=key: key in parts).sum())
        for key in ("now granted", "no longer granted", "other pot", "rank", "status")
    }
    only = int(table["change"].isin(["only in A", "only in B"]).sum())
    text = t(
        "diff.summary",
        lang,
        now=format_count(count["now granted"], lang),
        no_longer=format_count(count["no longer granted"], lang),
        pot=format_count(count["other pot"], lang),
        rank=format_count(count["rank"], lang),
        reason=format_count(int((table["change"] == "reason").sum()), lang),
    )
    if count["status"] or only:
        text += " " + t(
            "diff.summary_other",
            lang,
            status=format_count(count["status"], lang),
            only=format_count(only, lang),
        )
    cause = "; ".join(_cause_text(c, lang) for c in causes) if causes else t("diff.no_cause", lang)
    granted = [m.get("decisions", {}).get("granted_eur") for m in (a, b)]
    money = ""
    if all(isinstance(g, int | float) for g in granted):
        money = " " + t(
            "diff.money",
            lang,
            a=_millions(granted[0], lang),
            b=_millions(granted[1], lang),
        )
    return text + money + " " + t("diff.cause", lang, cause=cause)
