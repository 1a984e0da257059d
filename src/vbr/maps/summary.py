"""Headline figures of a region: shown in the map's panel and in ``index.html``, in the run's
language (texts from :mod:`vbr.locale`, numbers by :mod:`vbr.locale.formats`)."""

from __future__ import annotations

from dataclasses import dataclass

from vbr.locale import t
from vbr.locale.formats import format_count, format_eur, format_kg
from vbr.model import BudgetSummary

__all__ = ["PotShare", "RegionSummary", "budget_name", "pot_name"]


def budget_name(budget: BudgetSummary | None, lang: str) -> str:
    """Which pot, in words: ``landelijk budget``, ``regionaal budget Veluwe en Peel``,
    ``geen budget``."""
    if budget is None:
        return t("budget.none", lang)
    return pot_name(budget.name, lang, regional=bool(budget.regions))


def pot_name(name: str, lang: str, *, regional: bool = True) -> str:
    """A pot by its ``funded_by`` name, in words: ``landelijk budget`` for ``national``, else
    ``regionaal budget <name>``."""
    if name == "national" or not regional:
        return t("budget.national", lang)
    return t("budget.regional", lang, name=name)


@dataclass(frozen=True)
class PotShare:
    """What one pot funded in a region: farms, their subsidy and NH3."""

    name: str
    selected: int
    eur: float
    nh3_kg: float


@dataclass
class RegionSummary:
    """Headline figures of one region.

    ``selected``/``selected_nh3_kg``/``selected_eur`` count the farms of this region that were
    selected, whichever pot funded them: the same decision as ``ranking.csv``. ``pots`` says
    per pot how many of them it funded (``None`` without any budget).
    """

    name: str
    slug: str
    farms: int
    priority: int
    selected: int | None
    selected_nh3_kg: float | None
    selected_eur: float | None
    pots: tuple[PotShare, ...] | None = None

    @property
    def with_budget(self) -> bool:
        """Whether a pot was walked."""
        return self.pots is not None

    def funded_text(self, lang: str) -> str:
        """Per pot that funded farms here: ``landelijk budget 80, Veluwe en Peel 25``."""
        if not self.pots:
            return t("index.not_applicable", lang)
        return ", ".join(
            f"{pot_name(p.name, lang)}: {format_count(p.selected, lang)}"
            for p in self.pots
            if p.selected
        ) or t("index.not_applicable", lang)

    def figures(self, lang: str) -> list[tuple[str, str]]:
        """(label, text) pairs for the map panel: the selection's lines only where a pot was
        walked and the region has farms, then one line per pot that funded farms here."""
        rows = [(t("map.panel.farms", lang), format_count(self.farms, lang))]
        if self.farms:
            rows.append((t("map.panel.priority", lang), format_count(self.priority, lang)))
        if self.pots is not None and self.farms:
            rows += [
                (t("map.panel.selected", lang), format_count(self.selected or 0, lang)),
                (t("map.panel.selected_nh3", lang), format_kg(self.selected_nh3_kg or 0.0, lang)),
                (t("map.panel.selected_eur", lang), format_eur(self.selected_eur or 0.0, lang)),
            ]
            rows += [
                (
                    t("map.panel.funded_by", lang, budget=pot_name(p.name, lang)),
                    t(
                        "map.panel.funded_value",
                        lang,
                        farms=format_count(p.selected, lang),
                        eur=format_eur(p.eur, lang),
                    ),
                )
                for p in self.pots
                if p.selected
            ]
        return rows

    def notes(self, lang: str) -> list[str]:
        """Explanations shown under the figures."""
        if self.pots is None:
            return [t("map.panel.no_budget", lang)]
        return [t("map.panel.pots", lang)]
