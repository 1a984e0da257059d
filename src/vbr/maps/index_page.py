"""``index.html``: the run's headline figures, a bar chart of every budget, the regions with their
maps and lists, the rules and the run's notes, in the run's language.

Plain HTML from the Jinja2 template ``templates/index.html.j2`` (autoescape), inline styles, an
inline SVG chart and no script: it opens offline in any browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vbr._version import __version__
from vbr.locale import t
from vbr.locale.formats import format_count, format_eur, format_kg, format_m, format_tonnes
from vbr.maps.html import render
from vbr.maps.summary import RegionSummary, budget_name

__all__ = ["ChartRow", "budget_chart", "index_html"]

#: Width of a full bar in the chart, pixels.
BAR_PX = 360


@dataclass(frozen=True)
class ChartRow:
    """One budget in the chart: euro used against the budget, NH3 removed against the most any
    budget removed (bar lengths in pixels)."""

    name: str
    used_px: float
    used_text: str
    nh3_px: float
    nh3_text: str


def budget_chart(budgets: Sequence, lang: str) -> list[ChartRow]:
    """The chart's rows: one per budget walk (national first, then the regional ones)."""
    most_nh3 = max((b.selected_nh3_kg for b in budgets), default=0.0)
    rows = []
    for b in budgets:
        share = b.used_eur / b.budget_eur if b.budget_eur > 0 else 0.0
        name = budget_name(b, lang)
        rows.append(
            ChartRow(
                name=name[:1].upper() + name[1:],
                used_px=round(BAR_PX * min(max(share, 0.0), 1.0), 1),
                used_text=f"{format_eur(b.used_eur, lang)} "
                + t("index.chart_of", lang, budget=format_eur(b.budget_eur, lang)),
                nh3_px=round(BAR_PX * b.selected_nh3_kg / most_nh3, 1) if most_nh3 > 0 else 0.0,
                nh3_text=format_tonnes(b.selected_nh3_kg, lang),
            )
        )
    return rows


def _national(result, lang: str) -> list[tuple[str, str]]:
    counts = result.counts()
    figures = [
        (t("index.read", lang), format_count(counts["read"], lang)),
        (t("index.ranked", lang), format_count(counts["ranked"], lang)),
        (t("index.rejected", lang), format_count(counts["rejected"], lang)),
        (t("index.priority", lang), format_count(counts["priority"], lang)),
    ]
    national = next((b for b in result.budgets if not b.regions), None)
    if result.with_budget and national is not None:
        figures += [
            (t("index.selected", lang), format_count(national.selected, lang)),
            (t("index.selected_nh3", lang), format_kg(national.selected_nh3_kg, lang)),
            (t("index.selected_eur", lang), format_eur(national.used_eur, lang)),
        ]
    return figures


def _rules(result, lang: str) -> list[tuple[str, str]]:
    cfg = result.options.config
    rules = [
        (
            t("index.rule_zone", lang),
            t("index.rule_zone_value", lang, distance=format_m(cfg.threshold_m, lang)),
        ),
        (
            t("index.rule_order", lang),
            t("index.rule_order_fcfs", lang)
            if result.first_come_first_served
            else t("index.rule_order_cost", lang),
        ),
        (
            t("index.rule_policy", lang),
            t("index.rule_policy_stop", lang)
            if cfg.budget_policy == "stop"
            else t("index.rule_policy_skip", lang),
        ),
    ]
    for b in result.budgets:
        name = budget_name(b, lang)
        if b.regions:
            name += f" ({', '.join(b.regions)})"
        rules.append(
            (
                t("index.rule_budget", lang, name=name),
                t(
                    "index.rule_budget_value",
                    lang,
                    budget=format_eur(b.budget_eur, lang),
                    used=format_eur(b.used_eur, lang),
                    left=format_eur(b.left_eur, lang),
                    selected=format_count(b.selected, lang),
                ),
            )
        )
    if not result.budgets:
        rules.append((t("index.col_budget", lang), t("index.rule_no_budget", lang)))
    return rules


def index_html(result, summaries: Sequence[RegionSummary], notes: Sequence[str]) -> str:
    """The text of ``index.html`` for a computed run, its regions' summaries (in the regions
    file's order) and the run's notes so far."""
    lang = result.options.config.language
    return render(
        "index.html.j2",
        lang,
        version=__version__,
        national=_national(result, lang),
        chart=budget_chart(result.budgets, lang),
        bar_px=BAR_PX,
        regions=summaries,
        rules=_rules(result, lang),
        notes=list(notes),
    )
