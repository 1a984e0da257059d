"""``index.html``: the run's headline figures, a bar chart of every budget, the regions with their
maps and lists, the rules and the run's notes, in the run's language.

Plain HTML from the Jinja2 template ``templates/index.html.j2`` (autoescape), inline styles, an
inline SVG chart and no script: it opens offline in any browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vbr._version import __version__
from vbr.locale import plural, t
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
    if len(result.regions.regions):
        outside = int((result.ranked["regions"].to_numpy(dtype=object) == "").sum())
        figures.append((t("index.no_region", lang), format_count(outside, lang)))
    if result.with_budget:
        figures += [
            (
                t("index.selected", lang),
                format_count(sum(b.selected for b in result.budgets), lang),
            ),
            (
                t("index.selected_nh3", lang),
                format_kg(sum(b.selected_nh3_kg for b in result.budgets), lang),
            ),
            (
                t("index.selected_eur", lang),
                format_eur(sum(b.used_eur for b in result.budgets), lang),
            ),
        ]
    return figures


def _rules(result, lang: str) -> list[tuple[str, str]]:
    cfg = result.options.config
    rules = []
    if cfg.rule_set:
        rules.append(
            (
                t("index.rule_set", lang),
                f"{cfg.rule_set.get('name', '')}: {cfg.rule_set.get('title', '')}".rstrip(": "),
            )
        )
    rules += [
        (
            t("index.rule_zone", lang),
            t("index.rule_zone_value", lang, distance=format_m(cfg.threshold_m, lang))
            if cfg.priority_group == "within_threshold"
            else t("index.rule_zone_all", lang),
        ),
        (t("index.rule_order", lang), _order_rule(result, lang)),
        (
            t("index.rule_policy", lang),
            t("index.rule_policy_stop", lang)
            if cfg.budget_policy == "stop"
            else t("index.rule_policy_skip", lang),
        ),
    ]
    if result.with_budget:
        rules.append((t("index.rule_pots", lang), t("index.rule_pots_value", lang)))
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
        for w in b.windows:
            rules.append(
                (
                    t("index.rule_window", lang, name=w.name, opens=w.opens, closes=w.closes),
                    t(
                        "index.rule_window_value",
                        lang,
                        available=format_eur(w.available_eur, lang),
                        round1=format_eur(w.used_round1_eur, lang),
                        round2=format_eur(w.used_round2_eur, lang),
                        carried=format_eur(w.carried_out_eur, lang),
                    ),
                )
            )
    if not result.budgets:
        rules.append((t("index.col_budget", lang), t("index.rule_no_budget", lang)))
    return rules


def _order_rule(result, lang: str) -> str:
    """How round 1 is ordered: by day with the lottery, by time, or by cost."""
    if not result.first_come_first_served:
        return t("index.rule_order_cost", lang)
    if result.options.config.fcfs != "day":
        return t("index.rule_order_fcfs", lang)
    decisions = result.decisions
    drawn = len(decisions.drawn) if decisions is not None else 0
    return plural("index.rule_order_day", lang, count=drawn)


def index_html(
    result,
    summaries: Sequence[RegionSummary],
    notes: Sequence[str],
    *,
    national_map: bool = False,
) -> str:
    """The text of ``index.html`` for a computed run, its regions' summaries (in the regions
    file's order) and the run's notes so far; with ``national_map`` a link to
    ``national/map.html``."""
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
        national_map=national_map,
    )
