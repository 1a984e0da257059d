"""Headline figures of a region: shown in the map's panel and in ``index.html``."""

from __future__ import annotations

from dataclasses import dataclass

from vbr.core.budget import to_cents
from vbr.model import BudgetSummary

__all__ = ["RegionSummary", "format_eur", "format_kg"]


def format_eur(value: float) -> str:
    """``€ 1,234,567`` (cents shown only when there are any)."""
    cents = int(to_cents(value))
    if cents % 100 == 0:
        return f"€ {cents // 100:,}"
    return f"€ {value:,.2f}"


def format_kg(value: float) -> str:
    """``1,234.5 kg/yr``."""
    return f"{value:,.1f} kg/yr"


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

    @property
    def budget_label(self) -> str:
        """Which budget: ``national budget`` or the regional budget's name."""
        if self.budget is None:
            return "no budget"
        if not self.budget.regions:
            return "national budget"
        return self.budget.name

    def figures(self) -> list[tuple[str, str]]:
        """(label, text) pairs for the map panel."""
        rows = [("Farms", f"{self.farms:,}"), ("Priority farms", f"{self.priority:,}")]
        if self.budget is not None:
            rows += [
                ("Selected farms", f"{self.selected:,}"),
                ("NH3 of selected farms", format_kg(self.selected_nh3_kg or 0.0)),
                ("Subsidy of selected farms", format_eur(self.selected_eur or 0.0)),
                ("Budget", format_eur(self.budget.budget_eur)),
                ("Budget used", format_eur(self.budget.used_eur)),
                ("Budget left", format_eur(self.budget.left_eur)),
            ]
        return rows

    def notes(self) -> list[str]:
        """Explanations shown under the figures."""
        if self.budget is None:
            return ["No budget was given: farms are ranked, none is selected."]
        if not self.budget.regions:
            return ["Selection by the national budget walk; used and left are national."]
        shared = [r for r in self.budget.regions if r != self.name]
        text = f"Selection by the regional budget '{self.budget.name}'"
        if shared:
            text += f", shared with {', '.join(shared)}; used and left are for the whole budget"
        return [text + "."]
