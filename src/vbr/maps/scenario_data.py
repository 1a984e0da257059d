"""What a map needs to re-apply the decision procedure in the browser (``vbr_scenario.js``).

A scenario is ``vbr run`` with another ``--budget``, ``--threshold-m`` and ``--budget-policy``
and every other option as the run had it. What does not depend on those three settings is
computed here, once, from the finished :class:`~vbr.model.Result`, and embedded per farm as
compact arrays (one array per field, the farms in the run's national order):

- ``dist``: ``distance_m`` exactly (the shortest decimal text of the float: JavaScript reads
  the same double), for ``priority = distance_m <= threshold_m``;
- ``cents``: ``subsidy_eur`` in whole cents (:func:`vbr.core.budget.to_cents`);
- ``cost``: the farm's place in the cost order (round 2: ``eur_per_kg`` or ``eur_per_mol``,
  then the tie-breaks): a total order that no setting changes;
- ``time``: the farm's place among the first-come-first-served keys (the calendar day with
  ``fcfs = "day"``, the instant with ``"time"``; equal keys share a place; -1 without a time);
- ``win``: the application window (index; 0 without windows);
- ``lot``: the farm's place in the run's lottery (by the lot keys of the run's seed, or its
  place in the ``--draw`` file, -1 where the draw does not list it): a drawn day orders its
  applications by it, so the browser needs no sha256;
- ``pots``: a bit per pot that may fund the farm (its regions; every farm for the national pot).

The rules (pots in walking order with their budgets, windows, ``fcfs``, the run's own setting)
come beside them. The selection a scenario returns is the one :func:`vbr.core.procedure.decide`
makes with the same setting (``tests/test_whatif_browser.py`` compares them).
"""

from __future__ import annotations

import numpy as np
import shapely

from vbr.core.budget import to_cents
from vbr.core.procedure import application_times, day_numbers, lot_order, window_index
from vbr.core.ranking import national_order
from vbr.io.crs import to_wgs84
from vbr.locale import texts
from vbr.locale.formats import intl_locale
from vbr.model import Result

__all__ = [
    "THRESHOLD_CHOICES",
    "scenario_payload",
    "scenario_payload_budget",
    "scenario_texts",
    "slider_pot",
]

#: The thresholds a map offers besides the run's own (metres).
THRESHOLD_CHOICES = (250, 500, 1000, 1500, 2000)
#: Decimal places of a farm's degrees on the overview map (0.1 m).
_DEGREE_DECIMALS = 6


def _dense_rank(keys: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Places 0.. of ``keys`` where ``has`` (equal keys share a place), -1 elsewhere."""
    out = np.full(len(keys), -1, dtype="int64")
    if has.any():
        _, inverse = np.unique(keys[has], return_inverse=True)
        out[has] = inverse
    return out


def _time_places(result: Result) -> np.ndarray:
    ranked = result.ranked
    if "submitted_at" not in ranked and "complete_at" not in ranked:
        return np.full(len(ranked), -1, dtype="int64")
    times = application_times(ranked.get("submitted_at"), ranked.get("complete_at"))
    has = times.notna().to_numpy()
    if result.options.config.fcfs == "day":
        keys = day_numbers(times)
    else:
        keys = times.to_numpy(dtype="datetime64[ns]").astype("int64")
    return _dense_rank(keys, has)


def _lot_places(result: Result) -> np.ndarray:
    """Each farm's place in the run's lottery (-1: not in the draw file): by the lot keys of the
    run's seed (:func:`vbr.core.procedure.lot_order`: by lot key, then ``farm_id``, as
    :meth:`vbr.core.procedure.Lottery.order` draws a day), or by the place in the draw file."""
    ids = [str(f) for f in result.ranked["farm_id"].tolist()]
    decisions = result.decisions
    n = len(ids)
    if decisions is not None and decisions.draw is not None:
        position = {farm: k for k, farm in enumerate(decisions.draw)}
        return np.array([position.get(f, -1) for f in ids], dtype="int64")
    seed = int(decisions.seed) if decisions is not None and decisions.seed is not None else 0
    order = lot_order(seed, ids)  # by key, then farm_id
    out = np.empty(n, dtype="int64")
    out[order] = np.arange(n)
    return out


def _cost_places(result: Result) -> np.ndarray:
    """Each farm's place in round 2's order (the cost key and the tie-breaks)."""
    ranked = result.ranked
    n = len(ranked)
    per_mol = None
    if result.options.rank_by == "eur_per_mol" and "eur_per_mol" in ranked:
        per_mol = ranked["eur_per_mol"].to_numpy(dtype="float64")
    order, _ = national_order(
        priority=np.zeros(n, dtype=bool),
        eur_per_kg=ranked["eur_per_kg"].to_numpy(dtype="float64"),
        nh3_kg=ranked["nh3_kg"].to_numpy(dtype="float64"),
        farm_id=ranked["farm_id"].to_numpy(dtype=object),
        eur_per_mol=per_mol,
    )
    out = np.empty(n, dtype="int64")
    out[order] = np.arange(n)
    return out


def _pot_bits(result: Result) -> tuple[np.ndarray, list[dict]]:
    cfg = result.options.config
    n = len(result.ranked)
    by_region = {r.name: r.positions for r in result.region_lists}
    bits = np.zeros(n, dtype="int64")
    pots = []
    for k, pot in enumerate(cfg.pots):
        may = np.zeros(n, dtype=bool)
        if not pot.regions:
            may[:] = True
        for name in pot.regions:
            may[np.asarray(by_region.get(name, []), dtype="int64")] = True
        bits[may] |= 1 << k
        pots.append(
            {
                "name": pot.name,
                "national": pot.national,
                "cents": int(to_cents(pot.budget_eur)) if np.isfinite(pot.budget_eur) else None,
                "policy": pot.policy,
            }
        )
    return bits, pots


def _decimal_list(values: np.ndarray) -> list[float]:
    return [float(v) for v in values]


def scenario_payload(result: Result) -> dict:
    """The per-farm arrays and the rules of the run for ``vbr.scenario`` (module docstring),
    with each farm's id, place (degrees), NH3 (kg/yr) and the pot that funded it in the run.

    The national pot's budget is the setting's ``budget_eur``; with application windows it is
    at most the windows' budgets together (as ``vbr run --budget`` does).
    """
    ranked = result.ranked
    cfg = result.options.config
    n = len(ranked)
    if len(pots := cfg.pots) > 30:
        raise ValueError("more than 30 pots cannot be marked per farm")
    points = ranked.geometry.values
    if n:
        lon, lat = to_wgs84(shapely.get_x(points), shapely.get_y(points))
    else:
        lon = lat = np.array([], dtype="float64")
    bits, pot_list = _pot_bits(result)
    funded = ranked["funded_by"].to_numpy(dtype=object) if "funded_by" in ranked else None
    pot_index = {p.name: k for k, p in enumerate(pots)}
    run_funded = (
        [pot_index.get(f, -1) if f else -1 for f in funded]
        if funded is not None and result.with_budget
        else [-1] * n
    )
    windows = cfg.windows
    national = next((p for p in pots if p.national), None)
    budget_eur = scenario_payload_budget(result)
    return {
        "ids": ranked["farm_id"].astype(str).tolist(),
        "lat": np.round(lat, _DEGREE_DECIMALS).tolist(),
        "lon": np.round(lon, _DEGREE_DECIMALS).tolist(),
        "dist": _decimal_list(ranked["distance_m"].to_numpy(dtype="float64")),
        "cents": to_cents(ranked["subsidy_eur"].to_numpy(dtype="float64")).tolist(),
        "nh3": _decimal_list(ranked["nh3_kg"].to_numpy(dtype="float64")),
        "cost": _cost_places(result).tolist(),
        "time": _time_places(result).tolist(),
        "win": (
            np.clip(window_index(ranked["submitted_at"], windows), 0, None).tolist()
            if windows
            else [0] * n
        ),
        "lot": _lot_places(result).tolist(),
        "pots": bits.tolist(),
        "funded": run_funded,
        "rules": {
            "threshold_m": float(cfg.threshold_m),
            "priority_all": cfg.priority_group == "all",
            "fcfs": cfg.fcfs,
            "policy": cfg.budget_policy,
            "budget_eur": float(cfg.budget_eur) if cfg.budget_eur is not None else None,
            "pots": pot_list,
            "windows": [
                {"name": w.name, "cents": int(to_cents(w.budget_eur)), "carry": w.carry_over}
                for w in windows
            ],
            "windows_eur": float(sum(w.budget_eur for w in windows)) if windows else None,
            "draw_given": result.decisions is not None and result.decisions.draw is not None,
            "has_budget": national is not None and budget_eur is not None,
            "thresholds": sorted({float(v) for v in (*THRESHOLD_CHOICES, cfg.threshold_m)}),
        },
    }


def slider_pot(result: Result, region: str | None = None) -> dict | None:
    """The pot whose budget a map's budget control sets: on a region's map the one regional pot
    that may fund the region's farms (where exactly one does), else the national pot; ``None``
    when the run walked no such pot (the map then has no what-if controls).

    Returns
    -------
    dict
        ``name``, ``national`` and ``budget_eur`` (the run's budget of that pot).
    """
    pots = result.options.config.pots
    if region is not None:
        regional = [p for p in pots if region in p.regions]
        if len(regional) == 1 and np.isfinite(regional[0].budget_eur):
            return {
                "name": regional[0].name,
                "national": False,
                "budget_eur": regional[0].budget_eur,
            }
    payload_budget = scenario_payload_budget(result)
    national = next((p for p in pots if p.national), None)
    if national is None or payload_budget is None:
        return None
    return {"name": national.name, "national": True, "budget_eur": payload_budget}


def scenario_payload_budget(result: Result) -> float | None:
    """The national budget a scenario starts from: ``--budget`` or the rule set's, else (with
    windows only) the national pot's."""
    cfg = result.options.config
    if cfg.budget_eur is not None:
        return float(cfg.budget_eur)
    national = next((p for p in cfg.pots if p.national), None)
    if national is not None and np.isfinite(national.budget_eur):
        return float(national.budget_eur)
    return None


def scenario_texts(lang: str) -> dict[str, str]:
    """The words the what-if code needs (and the ``Intl`` locale), as one JSON object; with
    how the buy-out view names an area (``map.popup.area``)."""
    words = texts(lang)
    return {
        "locale": intl_locale(lang),
        **words.subset(("whatif.", "status.")),
        "map.popup.area": words["map.popup.area"],
    }
