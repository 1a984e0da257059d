"""Headline figures of a region: shown in the map's panel and in ``index.html``, in the run's
language (texts from :mod:`vbr.locale`, numbers by :mod:`vbr.locale.formats`)."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list

from vbr.locale import babel_locale, t
from vbr.locale.formats import format_count, format_eur, format_kg
from vbr.model import BudgetSummary

__all__ = ["RegionSummary", "budget_name"]


def budget_name(budget: BudgetSummary | None, lang: str) -> str:
    """Which budget, in words: ``landelijk budget``, ``regionaal budget Veluwe en Peel``,
    ``geen budget``."""
    if budget is None:
        return t("budget.none", lang)
    if not budget.regions:
        return t("budget.national", lang)
    return t("budget.regional", lang, name=budget.name)


@dataclass
class RegionSummary:
    """Headline figures of one region.

    ``selected``/``selected_nh3_kg``/``selected_eur`` count the farms of this region that the
    budget walk shown on its map selected: the region's own budget where it has one, else the
    national budget. ``budget`` is that walk (``None`` without any budget); its used and left
    amounts are for the whole budget, which may be shared with other regions.
    """

    name: str
    slug: str
    farms: int
    priority: int
    selected: int | None
    selected_nh3_kg: float | None
    selected_eur: float | None
    budget: BudgetSummary | None

    def budget_label(self, lang: str) -> str:
        """Which budget, in words (see :func:`budget_name`)."""
        return budget_name(self.budget, lang)

    def budget_short(self, lang: str) -> str:
        """Which budget, short: a regional budget's own name, else as :meth:`budget_label`."""
        if self.budget is not None and self.budget.regions:
            return self.budget.name
        return self.budget_label(lang)

    def figures(self, lang: str) -> list[tuple[str, str]]:
        """(label, text) pairs for the map panel: a budget's lines only where one applies, the
        selection's only where the region has farms."""
        rows = [(t("map.panel.farms", lang), format_count(self.farms, lang))]
        if self.farms:
            rows.append((t("map.panel.priority", lang), format_count(self.priority, lang)))
        if self.budget is not None and self.farms:
            rows += [
                (t("map.panel.selected", lang), format_count(self.selected or 0, lang)),
                (t("map.panel.selected_nh3", lang), format_kg(self.selected_nh3_kg or 0.0, lang)),
                (t("map.panel.selected_eur", lang), format_eur(self.selected_eur or 0.0, lang)),
            ]
        if self.budget is not None:
            rows += [
                (t("map.panel.budget", lang), format_eur(self.budget.budget_eur, lang)),
                (t("map.panel.budget_used", lang), format_eur(self.budget.used_eur, lang)),
                (t("map.panel.budget_left", lang), format_eur(self.budget.left_eur, lang)),
            ]
        return rows

    def notes(self, lang: str) -> list[str]:
        """Explanations shown under the figures."""
        if self.budget is None:
            return [t("map.panel.no_budget", lang)]
        if not self.budget.regions:
            return [t("map.panel.national", lang)]
        shared = [r for r in self.budget.regions if r != self.name]
        if shared:
            regions = format_list(shared, locale=babel_locale(lang))
            return [t("map.panel.regional_shared", lang, budget=self.budget.name, regions=regions)]
        return [t("map.panel.regional", lang, budget=self.budget.name)]
