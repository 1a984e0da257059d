"""Write the budget scenarios of a run (``vbr run --scenarios``) to ``scenarios/``.

    scenarios/README.txt     what the files hold, and the caveats
    scenarios/budgets.csv    per pot alone: the rule's selection(s) beside the best possible
    scenarios/reserve.csv    the procedure with and without the national reserve
    scenarios/<national|slug>/cost_curve.csv, cost_curve.png, thresholds.csv

A writer (see :mod:`vbr.writers.context`): it reads the finished result and changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from vbr._version import __version__
from vbr.core.budget import cents_sum_eur
from vbr.core.procedure import Lottery, decide_ranked, window_index
from vbr.core.ranking import national_order
from vbr.core.scenarios import (
    NOT_NESTED,
    THRESHOLDS_M,
    best_selection,
    cost_curve,
    rule_selection,
    threshold_sensitivity,
)
from vbr.model import WriteReport
from vbr.writers.context import WriteContext
from vbr.writers.lists import write_csv
from vbr.writers.tables import as_text
from vbr.writers.text import neutralise_formulas

__all__ = ["reserve_table", "write_scenarios"]

_README = """Budget scenarios written by vbr {version} (vbr run --scenarios). ADVISORY ONLY.

The Vbr rule decides: priority farms (within {threshold:,.0f} m of overloaded nature) first, then
euro per kg NH3 emitted. These files show what that ranking buys and what other choices would buy.

budgets.csv
  One row per pot ALONE (national, and each regional pot on its regions' farms) and selection:
  what that budget would buy if it were the only one. These are scenarios, not decisions: in
  the decisions (ranking.csv, decisions.csv) the pots walk one after the other and each farm is
  funded by one pot at most.
  - rule eur_per_kg: the rule's own budget walk ({policy});
  - rule eur_per_mol: the same walk down the ranking by euro per mol of deposition on
    overloaded nature (with --exceedance only);
  - best nh3_kg / best impact_mol: the selection that removes the most NH3 (or deposition)
    for the same budget, priority farms first, solved exactly as a 0-1 knapsack
    (scipy.optimize.milp / HiGHS; `optimal` says whether optimality was proven, `gap` bounds
    the shortfall otherwise). `*_vs_rule_pct` says how much more than the rule it removes.
  {not_nested}

reserve.csv
  The decision procedure itself (every pot, the windows, the same lottery) with the national
  pot at its committed part only (its budget minus the reserve, e.g. EUR 750 M of 1,125 M) and
  with the reserve (with application windows: the reserve added to the last window), and what
  the reserve adds: applications granted, euro, NH3.

<national or region>/cost_curve.csv and .png
  Walking each ranking from the top: cumulative subsidy against cumulative NH3 removed (kg/yr)
  and deposition removed from overloaded nature (mol/yr, with --exceedance). Farms appear once
  per ranking.

<national or region>/thresholds.csv
  Farms, subsidy and NH3 in the priority group for strips of 250, 500, 1,000, 1,500 and
  2,000 m (distances as in ranking.csv).

Deposition (impact_mol) is an estimate for ranking from a distance-decay kernel, not an AERIUS
calculation; see the README section "Deposition and scenarios".
"""


def write_scenarios(context: WriteContext) -> WriteReport:
    """Write ``scenarios/`` for a finished result."""
    result = context.result
    ranked = result.ranked
    cfg = result.options.config
    out = context.folder / "scenarios"
    out.mkdir()
    data = _Columns(ranked, window_index(ranked["submitted_at"], cfg.windows))
    # the run's own ranking is the national order itself (a drawn day in its drawn order)
    rank_by = result.options.rank_by
    own = np.arange(len(ranked))
    orders = {"rule eur_per_kg": own if rank_by == "eur_per_kg" else data.order(None, cfg)}
    if data.impact is not None:
        orders["rule eur_per_mol"] = (
            own if rank_by == "eur_per_mol" else data.order(data.eur_per_mol, cfg)
        )
    written: list[Path] = []
    groups = [("national", np.arange(len(ranked)))]
    groups += [(r.slug, r.positions) for r in result.region_lists]
    for slug, positions in groups:
        folder = out / slug
        folder.mkdir()
        written += _write_group(folder, data, orders, positions, cfg, title=slug)
    rows = []
    by_name = {r.name: r for r in result.region_lists}
    for pot in cfg.pots:
        if not pot.regions:
            positions = np.arange(len(ranked))
        else:
            members = [by_name[r].positions for r in pot.regions if r in by_name]
            if not members:
                continue
            positions = np.unique(np.concatenate(members))
        rows += _budget_rows(pot.name, pot.budget_eur, positions, data, orders, cfg, pot.policy)
    table = pd.DataFrame(rows)
    if len(table):
        write_csv(_as_text(table), out / "budgets.csv")
        written.append(out / "budgets.csv")
    reserve = reserve_table(result)
    if reserve is not None:
        write_csv(_as_text(reserve), out / "reserve.csv")
        written.append(out / "reserve.csv")
    (out / "README.txt").write_text(
        _README.format(
            version=__version__,
            threshold=cfg.threshold_m,
            policy=cfg.budget_policy,
            not_nested=NOT_NESTED,
        ),
        encoding="utf-8",
    )
    written.append(out / "README.txt")
    return WriteReport(files=tuple(written))


class _Columns:
    def __init__(self, ranked: pd.DataFrame, window: np.ndarray | None = None):
        self.farm_id = ranked["farm_id"].to_numpy(dtype=object)
        self.priority = ranked["priority"].to_numpy(dtype=bool)
        self.subsidy = ranked["subsidy_eur"].to_numpy(dtype="float64")
        self.nh3 = ranked["nh3_kg"].to_numpy(dtype="float64")
        self.eur_per_kg = ranked["eur_per_kg"].to_numpy(dtype="float64")
        self.distance = ranked["distance_m"].to_numpy(dtype="float64")
        self.submitted_at = ranked["submitted_at"].to_numpy() if "submitted_at" in ranked else None
        self.window = window
        if "complete_at" in ranked:  # the time that counts for first come first served
            self.submitted_at = ranked["complete_at"].fillna(ranked["submitted_at"]).to_numpy()
        self.impact = (
            ranked["impact_mol"].to_numpy(dtype="float64") if "impact_mol" in ranked else None
        )
        self.eur_per_mol = (
            ranked["eur_per_mol"].to_numpy(dtype="float64") if "eur_per_mol" in ranked else None
        )

    def order(self, eur_per_mol: np.ndarray | None, cfg) -> np.ndarray:
        order, _ = national_order(
            priority=self.priority,
            eur_per_kg=self.eur_per_kg,
            nh3_kg=self.nh3,
            farm_id=self.farm_id,
            submitted_at=self.submitted_at,
            eur_per_mol=eur_per_mol,
            fcfs=cfg.fcfs,
            window=self.window,
        )
        return order


def _within(order: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``order`` restricted to ``positions`` (keeping the order)."""
    member = np.zeros(len(order), dtype=bool)
    member[positions] = True
    return order[member[order]]


def _write_group(folder, data: _Columns, orders, positions, cfg, *, title) -> list[Path]:
    curves = [
        cost_curve(
            _within(order, positions),
            farm_id=data.farm_id,
            priority=data.priority,
            subsidy_eur=data.subsidy,
            nh3_kg=data.nh3,
            impact_mol=data.impact,
            ranking=name,
        )
        for name, order in orders.items()
    ]
    curve = pd.concat(curves, ignore_index=True)
    write_csv(_as_text(curve), folder / "cost_curve.csv")
    thresholds = sorted({*THRESHOLDS_M, float(cfg.threshold_m)})
    sens = threshold_sensitivity(
        data.distance[positions],
        data.subsidy[positions],
        data.nh3[positions],
        None if data.impact is None else data.impact[positions],
        thresholds_m=tuple(thresholds),
    )
    write_csv(_as_text(sens), folder / "thresholds.csv")
    budget = cfg.budget_eur if title == "national" else None
    _plot(curves, folder / "cost_curve.png", title=title, budget=budget)
    return [folder / "cost_curve.csv", folder / "thresholds.csv", folder / "cost_curve.png"]


def _budget_rows(name, eur, positions, data: _Columns, orders, cfg, policy) -> list[dict]:
    limit = cfg.deposition.knapsack_time_limit_s
    rows = []
    rule = {}
    for label, order in orders.items():
        sub = _within(order, positions)
        sel = rule_selection(sub, data.subsidy, eur, policy=policy)
        rule[label] = sel
        rows.append(_row(name, eur, label, sel, data))
    objectives = [("best nh3_kg", data.nh3)]
    if data.impact is not None:
        objectives.append(("best impact_mol", data.impact))
    for label, values in objectives:
        ks = best_selection(
            values[positions],
            data.subsidy[positions],
            data.priority[positions],
            eur,
            time_limit_s=limit,
        )
        sel = np.zeros(len(data.subsidy), dtype=bool)
        sel[positions[ks.selected]] = True
        rows.append(
            _row(
                name,
                eur,
                label,
                sel,
                data,
                optimal=ks.optimal,
                gap=ks.gap,
            )
        )
    base = rows[0]
    for row in rows:
        row["nh3_vs_rule_pct"] = _pct(row["nh3_kg"], base["nh3_kg"])
        if data.impact is not None:
            row["impact_vs_rule_pct"] = _pct(row["impact_mol"], base["impact_mol"])
    return rows


def reserve_table(result) -> pd.DataFrame | None:
    """The decision procedure with the national pot at its committed part and with the reserve,
    and what the reserve adds (``None`` when the national pot has no reserve).

    With application windows the reserve is added to the last window's budget. The lottery is
    the run's (its seed; with an official draw the list's order is kept, no day is drawn again).
    """
    cfg = result.options.config
    national = next((p for p in cfg.pots if p.national), None)
    if national is None or national.reserve_eur <= 0 or result.decisions is None:
        return None
    ranked = result.ranked
    seed = result.decisions.seed
    lottery = Lottery(seed=seed) if seed is not None else Lottery(as_given=True)
    # the national budget (with windows only: theirs together) is committed + reserve
    whole = cfg.budget_eur if cfg.budget_eur is not None else national.budget_eur
    committed = whole - national.reserve_eur
    variants = {
        "committed": replace(cfg, budget_eur=committed),
        "committed + reserve": replace(cfg, budget_eur=whole),
    }
    if cfg.windows:
        last = cfg.windows[-1]
        more = replace(last, budget_eur=last.budget_eur + national.reserve_eur)
        variants["committed + reserve"] = replace(
            variants["committed + reserve"], windows=(*cfg.windows[:-1], more)
        )
    rows = []
    for label, variant in variants.items():
        decided = decide_ranked(
            ranked,
            result.region_lists,
            variant,
            lottery,
            first_come_first_served=result.first_come_first_served,
        )
        chosen = decided.selected[np.argsort(decided.order)]  # back to the ranked order
        rows.append(
            {
                "scenario": label,
                "national_budget_eur": variant.budget_eur,
                "granted": int(chosen.sum()),
                "granted_eur": cents_sum_eur(ranked["subsidy_eur"].to_numpy()[chosen]),
                "nh3_kg": float(ranked["nh3_kg"].to_numpy()[chosen].sum()),
                "national_granted": decided.budgets[cfg.pots.index(national)].selected,
                "national_eur": decided.budgets[cfg.pots.index(national)].used_eur,
            }
        )
    added = {"scenario": "reserve adds", "national_budget_eur": national.reserve_eur}
    for key in ("granted", "granted_eur", "nh3_kg", "national_granted", "national_eur"):
        added[key] = rows[1][key] - rows[0][key]
    return pd.DataFrame([*rows, added])


def _pct(value: float, base: float) -> float:
    return round(100.0 * (value - base) / base, 3) if base > 0 else float("nan")


def _row(name, eur, label, sel, data: _Columns, *, optimal=None, gap=None) -> dict:
    """One row of ``budgets.csv``. No solver time: the same inputs give the same bytes (vbr
    verify compares them)."""
    row = {
        "budget": name,
        "budget_eur": eur,
        "selection": label,
        "farms": int(sel.sum()),
        "priority_farms": int((sel & data.priority).sum()),
        "used_eur": cents_sum_eur(data.subsidy[sel]),
        "nh3_kg": float(data.nh3[sel].sum()),
    }
    if data.impact is not None:
        row["impact_mol"] = float(data.impact[sel].sum())
    row["optimal"] = "" if optimal is None else ("true" if optimal else "false")
    row["gap"] = "" if gap is None else gap
    return row


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`~vbr.writers.tables.as_text` of the frame with sums of kg and mol to 0.001 (float
    round-off hidden; euro are whole cents) and the solver's gap to 1e-6; formula-like text
    (a farm id ``=1+2``) neutralised, as these are lists for people."""
    rounded = {
        c: frame[c].round(6 if c == "gap" else 3)
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c])
    }
    return neutralise_formulas(as_text(frame.assign(**rounded)))


def _plot(curves: list[pd.DataFrame], path: Path, *, title: str, budget: float | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with_impact = "cumulative_impact_mol" in curves[0]
    panels = [("cumulative_nh3_kg", "NH3 removed (t/yr)", 1e3)]
    if with_impact:
        panels.append(("cumulative_impact_mol", "deposition removed (kmol N/yr)", 1e3))
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.5), squeeze=False)
    for ax, (column, label, scale) in zip(axes[0], panels, strict=True):
        for curve in curves:
            ax.plot(
                curve["cumulative_eur"] / 1e6,
                curve[column] / scale,
                label=str(curve["ranking"].iloc[0]) if len(curve) else "",
                linewidth=1.2,
            )
        if budget is not None:
            ax.axvline(budget / 1e6, color="grey", linestyle="--", linewidth=0.8, label="budget")
            total = max(float(c["cumulative_eur"].iloc[-1]) for c in curves if len(c))
            right = min(total, 3 * budget)  # show the part around the budget
            top = max(
                float(c.loc[c["cumulative_eur"] <= right, column].max()) if len(c) else 0.0
                for c in curves
            )
            ax.set_xlim(0, right / 1e6)
            if np.isfinite(top) and top > 0:
                ax.set_ylim(0, 1.05 * top / scale)
        ax.set_xlabel("cumulative subsidy (EUR M)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:  # a region without farms has no curve
            ax.legend(fontsize=8)
    fig.suptitle(f"Cost curve: {title} (priority farms first in both rankings)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
