"""The workbook's cover (``Toelichting`` / ``About``): what a reader needs to know about the
run before the lists, in the run's language.

Every figure comes from what the run already has, as the manifest records it: the moment of
the run (:attr:`WriteContext.created`), the code (:func:`~vbr._version.code_identity`), the
input files (:func:`~vbr.writers.manifest.inputs_entry`), the counts
(:meth:`~vbr.model.Result.counts`), the budgets (:attr:`~vbr.model.Result.budgets`) and the
column mapping (:func:`~vbr.writers.manifest.columns_entry`). Nothing of the result is changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vbr._version import __version__, code_identity
from vbr.locale import MADE_KEYS, plural, t
from vbr.locale.formats import format_count, format_datetime, format_eur, format_kg, format_m
from vbr.model import BudgetSummary, Result
from vbr.settings import default_data_dir
from vbr.writers.context import WriteContext
from vbr.writers.manifest import columns_entry, inputs_entry

__all__ = ["CoverRow", "cover_rows"]

#: One row of the cover: item, value, and whether it is a section title (bold).
CoverRow = tuple[str, str, bool]


def cover_rows(
    context: WriteContext, notes: Sequence[str], *, columns: Sequence[tuple[str, str]]
) -> list[CoverRow]:
    """The cover's rows: the run, its inputs, rules, budgets, counts, column mapping, notes,
    what each column means and the limits of the method.

    Parameters
    ----------
    context
        The writers' context (the result, the moment of the run).
    notes
        Every note of the run so far, the workbook's own last.
    columns
        ``(column, header)`` of the columns with a header in words, in sheet order.
    """
    result = context.result
    lang = result.options.config.language
    rows: list[CoverRow] = [(t("workbook.title", lang), "", True)]
    rows += _run(context, lang)
    rows += _inputs(result, lang)
    rows += _rules(result, lang)
    rows += _budgets(result, lang)
    rows += _counts(result, lang)
    rows += _mapping(result, lang)
    rows.append(("", "", False))
    rows.append((t("workbook.section_notes", lang), "", True))
    rows += [("", note, False) for note in notes] or [("", t("workbook.no_notes", lang), False)]
    rows.append(("", "", False))
    rows.append((t("workbook.section_meaning", lang), "", True))
    rows += [(header, t(f"column_help.{c}", lang), False) for c, header in columns]
    rows.append(("", t("column_help.carried", lang), False))
    rows.append(("", "", False))
    rows.append((t("workbook.section_limits", lang), "", True))
    rows += [
        ("", t(key, lang), False)
        for key in (
            "workbook.limit_distance",
            "workbook.limit_input",
            "workbook.limit_overloaded",
            "workbook.limit_decision",
            "workbook.limit_sheets",
        )
    ]
    return rows


def _section(key: str, lang: str) -> list[CoverRow]:
    return [("", "", False), (t(key, lang), "", True)]


def _run(context: WriteContext, lang: str) -> list[CoverRow]:
    code = code_identity()
    commit = str(code.get("commit") or t("workbook.code_unknown", lang))
    return [
        *_section("workbook.section_run", lang),
        (t("workbook.created", lang), format_datetime(context.created, lang), False),
        (t("workbook.version", lang), __version__, False),
        (
            t("workbook.code", lang),
            t(
                "workbook.code_value",
                lang,
                commit=commit,
                dirty=t("workbook.code_dirty", lang) if code.get("dirty") else "",
                sha256=code.get("source_sha256", ""),
            ),
            False,
        ),
    ]


#: The words for the role of each input file (the manifest's ``inputs`` keys), and for the
#: inputs of the column mapping (the manifest's ``columns`` keys).
_ROLES = {
    "farms": "workbook.input.farms",
    "offers": "workbook.input.offers",
    "natura": "workbook.input.natura",
    "natura2000": "workbook.input.natura",
    "regions": "workbook.input.regions",
    "overloaded": "workbook.input.overloaded",
    "animals": "workbook.input.animals",
    "emission_factors": "workbook.input.emission_factors",
    "exceedance": "workbook.input.exceedance",
    "config": "workbook.input.config",
    "rules": "workbook.input.rules",
    "draw": "workbook.input.draw",
}


def _role(role: str, lang: str) -> str:
    return t(_ROLES[role], lang) if role in _ROLES else role


def _rows_read(result: Result, role: str) -> int | None:
    """Rows read from an input, where the run counts them."""
    if role == "farms":
        return int(result.n_read)
    if role == "offers":
        offers = result.farms_info.get("offers")
        return int(offers["rows"]) if isinstance(offers, dict) and "rows" in offers else None
    if role == "natura":
        return len(result.natura.attributes)
    if role == "regions":
        return len(result.regions.regions)
    return None


def _inputs(result: Result, lang: str) -> list[CoverRow]:
    rows = _section("workbook.section_inputs", lang)
    shipped = default_data_dir().resolve()
    for role, entry in inputs_entry(result).items():
        if role == "config":
            # vbr verify repeats a run from the manifest's effective settings, without the file:
            # the cover names where the settings are instead, the same in both runs
            continue
        path = Path(entry["path"])
        name = path.name
        if path.resolve().parent == shipped:
            name = t("workbook.input_embedded", lang, file=name)
        read = _rows_read(result, role)
        value = (
            t("workbook.input_value_no_rows", lang, file=name, sha256=entry["sha256"])
            if read is None
            else t(
                "workbook.input_value",
                lang,
                file=name,
                rows=format_count(read, lang),
                sha256=entry["sha256"],
            )
        )
        rows.append((_role(role, lang), value, False))
    rows.append((t("workbook.input.config", lang), t("workbook.config_value", lang), False))
    return rows


def _rules(result: Result, lang: str) -> list[CoverRow]:
    cfg = result.options.config
    rule_set = cfg.rule_set
    rows = _section("workbook.section_rules", lang)
    if rule_set:
        rows.append(
            (
                t("workbook.rule_set", lang),
                t(
                    "workbook.rule_set_value",
                    lang,
                    name=rule_set.get("name", ""),
                    sha256=rule_set.get("sha256", ""),
                ),
                False,
            )
        )
    rows.append(
        (
            t("workbook.threshold", lang),
            t("workbook.threshold_value", lang, distance=format_m(cfg.threshold_m, lang))
            if cfg.priority_group == "within_threshold"
            else t("index.rule_zone_all", lang),
            False,
        )
    )
    rows.append((t("workbook.order", lang), _order(result, lang), False))
    return rows


def _order(result: Result, lang: str) -> str:
    """How round 1 is ordered (the same words as ``index.html``)."""
    if not result.first_come_first_served:
        return t("index.rule_order_cost", lang)
    if result.options.config.fcfs != "day":
        return t("index.rule_order_fcfs", lang)
    drawn = len(result.decisions.drawn) if result.decisions is not None else 0
    return plural("index.rule_order_day", lang, count=drawn)


def _pot(budget: BudgetSummary, lang: str) -> str:
    if budget.name == "national" or not budget.regions:
        return t("budget.national", lang)
    return t("budget.regional", lang, name=f"{budget.name} ({', '.join(budget.regions)})")


def _budgets(result: Result, lang: str) -> list[CoverRow]:
    rows = _section("workbook.section_budgets", lang)
    if not result.budgets:
        return [*rows, (t("index.col_budget", lang), t("workbook.no_budget", lang), False)]
    for b in result.budgets:
        policy = (
            t("index.rule_policy_stop", lang)
            if b.policy == "stop"
            else t("index.rule_policy_skip", lang)
        )
        rows.append(
            (
                _pot(b, lang),
                t(
                    "workbook.budget_value",
                    lang,
                    budget=format_eur(b.budget_eur, lang),
                    policy=policy,
                    used=format_eur(b.used_eur, lang),
                    left=format_eur(b.left_eur, lang),
                    selected=format_count(b.selected, lang),
                ),
                False,
            )
        )
    return rows


def _counts(result: Result, lang: str) -> list[CoverRow]:
    counts = result.counts()
    rows = _section("workbook.section_counts", lang)
    rows += [
        (t(key, lang), format_count(counts[k], lang), False)
        for key, k in (
            ("workbook.count_read", "read"),
            ("workbook.count_ranked", "ranked"),
            ("workbook.count_rejected", "rejected"),
            ("workbook.count_priority", "priority"),
            ("workbook.count_selected", "selected"),
        )
    ]
    rows.append(
        (
            t("workbook.count_eur", lang),
            format_eur(sum(b.used_eur for b in result.budgets), lang),
            False,
        )
    )
    rows.append(
        (
            t("workbook.count_nh3", lang),
            format_kg(sum(b.selected_nh3_kg for b in result.budgets), lang),
            False,
        )
    )
    return rows


#: How a column was found (``found_by``), in words; an option or config table stays as it is.
_FOUND_BY = {
    "name": "workbook.found_name",
    "alias": "workbook.found_alias",
    "shapefile name": "workbook.found_shapefile",
}


def _words(table: dict[str, str], value: object, lang: str) -> str:
    text = str(value)
    return t(table[text], lang) if text in table else text


def _mapping(result: Result, lang: str) -> list[CoverRow]:
    rows = _section("workbook.section_columns", lang)
    for kind, fields in columns_entry(result.columns).items():
        for field, source in fields.items():
            if source is None:
                value = t("workbook.no_column", lang)
            elif "column" in source:
                value = t(
                    "workbook.column_value",
                    lang,
                    column=source["column"],
                    found_by=_words(_FOUND_BY, source.get("found_by", ""), lang),
                )
                if "made" in source:
                    value += "; " + _words(MADE_KEYS, source["made"], lang)
            else:
                value = _words(MADE_KEYS, source.get("made", ""), lang)
            rows.append((f"{_role(kind, lang)}: {field}", value, False))
    return rows
