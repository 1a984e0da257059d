"""``vbr explain OUTDIR FARM_ID``: why one application got its place and its outcome, from the
outputs and the manifest of a run alone (nothing is computed again from the inputs).

:func:`replay` reads ``ranking.csv``, ``decisions.csv`` and ``manifest.json`` and walks the pots
again down the national order the list holds (a drawn day keeps its drawn order), with the
procedure's own walk (:func:`vbr.core.procedure.decide`); it refuses lists whose decisions it
cannot repeat (edited after the run). :func:`explain` then says, in the run's language (texts
from the catalogue, ``[explain]``): where the location lies, its round, day or rank, the
applications before it, the budget left at its turn in each pot that walked it, the decision, and
what would have changed it.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vbr.core.budget import to_cents
from vbr.core.procedure import NO_DAY, Lottery, decide
from vbr.errors import InputError
from vbr.locale import say, t
from vbr.locale.formats import format_count, format_eur, format_eur_per_kg, format_m
from vbr.maps.summary import pot_name
from vbr.model import Decisions
from vbr.settings import Pot, Window
from vbr.writers.manifest import read_manifest

__all__ = ["Replay", "explain", "read_list", "replay"]


def read_list(path: Path) -> pd.DataFrame:
    """A list vbr wrote, every cell as text (empty cells as ``""``).

    Raises
    ------
    InputError
        When the file is missing (a run before 0.3.0 wrote no ``decisions.csv``).
    """
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            say("explain_missing"),
            source=str(path),
        ) from None


@dataclass(frozen=True)
class Replay:
    """A run's lists and its decisions walked again.

    Attributes
    ----------
    manifest
        The run's manifest.
    ranking, decisions_csv
        ``ranking.csv`` and ``decisions.csv`` as text.
    decisions
        The walk repeated on the list's order (:class:`~vbr.model.Decisions`, same order as
        ``ranking``).
    pots, windows
        The pots and windows of the run.
    language
        The run's language.
    """

    manifest: dict
    ranking: pd.DataFrame
    decisions_csv: pd.DataFrame
    decisions: Decisions
    pots: tuple[Pot, ...]
    windows: tuple[Window, ...]
    language: str

    def numbers(self, column: str) -> np.ndarray:
        """A number column of ``ranking.csv`` (NaN where empty)."""
        return pd.to_numeric(self.ranking[column], errors="coerce").to_numpy(dtype="float64")


def _pots(manifest: dict) -> tuple[Pot, ...]:
    return tuple(
        Pot(
            name=b["name"],
            regions=tuple(b["regions"]),
            budget_eur=float(b["budget_eur"]),
            policy=str(b.get("policy", manifest["parameters"]["budget_policy"])),
        )
        for b in manifest.get("budgets", [])
    )


def _windows(manifest: dict) -> tuple[Window, ...]:
    return tuple(
        Window(
            name=w["name"],
            opens=_dt.date.fromisoformat(w["opens"]),
            closes=_dt.date.fromisoformat(w["closes"]),
            budget_eur=float(w["budget_eur"]),
            carry_over=bool(w["carry_over"]),
        )
        for w in manifest["parameters"].get("windows", [])
    )


def replay(outdir: Path) -> Replay:
    """Read a run's lists and walk its pots again on the order ``ranking.csv`` holds.

    Raises
    ------
    InputError
        When a file is missing or unreadable, or the lists do not give back their own decisions.
    """
    outdir = Path(outdir)
    manifest = read_manifest(outdir)
    ranking = read_list(outdir / "ranking.csv")
    decided = read_list(outdir / "decisions.csv")
    ranked_rows = decided.iloc[: len(ranking)]
    if ranked_rows["farm_id"].tolist() != ranking["farm_id"].tolist():
        raise InputError(
            say("explain_order"),
            source=str(outdir),
        )
    pots, windows = _pots(manifest), _windows(manifest)
    names = {w.name: k for k, w in enumerate(windows)}
    window = np.array([names.get(w, 0) for w in ranked_rows["window"]], dtype="int64")
    days = ranked_rows["day"].to_numpy(dtype=object)
    has_day = days != ""
    day = None
    if has_day.any():
        day = np.full(len(days), NO_DAY, dtype="int64")
        day[has_day] = days[has_day].astype("datetime64[D]").astype("int64")
    regions = ranking["regions"].reset_index(drop=True).str.split(";").explode()
    eligible = []
    for pot in pots:
        if not pot.regions:
            eligible.append(np.ones(len(ranking), dtype=bool))
        else:
            member = regions.isin(pot.regions).groupby(level=0).any()
            eligible.append(member.reindex(range(len(ranking)), fill_value=False).to_numpy())
    subsidy = pd.to_numeric(ranking["subsidy_eur"]).to_numpy(dtype="float64")
    decisions = decide(
        farm_id=ranking["farm_id"].to_numpy(dtype=object),
        subsidy_eur=subsidy,
        nh3_kg=pd.to_numeric(ranking["nh3_kg"]).to_numpy(dtype="float64"),
        priority=(ranking["priority"] == "true").to_numpy(),
        window=window,
        day=day,
        eligible=eligible,
        pots=pots,
        windows=windows,
        lottery=Lottery(as_given=True),
    )
    if list(decisions.funded_by) != ranking["funded_by"].tolist():
        raise InputError(
            say("explain_decisions"),
            source=str(outdir),
        )
    language = str(manifest["rerun"].get("explain_language", "nl"))
    return Replay(manifest, ranking, decided, decisions, pots, windows, language)


def _area_names(outdir: Path) -> dict[int, str]:
    """Natura 2000 area names by ``nr`` from the run's GeoPackage (none where it is absent)."""
    path = outdir / "ranking.gpkg"
    if not path.is_file():
        return {}
    import pyogrio

    try:
        areas = pyogrio.read_dataframe(path, layer="overloaded_natura2000", read_geometry=False)
    except Exception:  # an unreadable GeoPackage only costs the names
        return {}
    return {int(nr): str(name) for nr, name in zip(areas["nr"], areas["name"], strict=True)}


def _floor_eur(cents: float) -> float:
    """Whole euros at most ``cents`` (a bid "of at most" this amount fits)."""
    return math.floor(cents / 100)


def explain(outdir: Path, farm_id: str) -> list[str]:
    """Why application ``farm_id`` of the run in ``outdir`` got its place and its outcome, as
    lines in the run's language.

    Raises
    ------
    InputError
        When the run's files cannot be used or it has no application ``farm_id``.
    """
    outdir = Path(outdir)
    run = replay(outdir)
    lang = run.language
    decided = run.decisions_csv
    farm_id = str(farm_id).strip()
    rows = np.flatnonzero(decided["farm_id"].to_numpy(dtype=object) == farm_id)
    if not len(rows):
        raise InputError(
            say("explain_no_application", farm=repr(farm_id), count=len(decided)),
            source=str(outdir),
        )
    row = decided.iloc[rows[0]]
    lines = [t("explain.title", lang, farm=farm_id)]
    if row["status"].startswith("rejected: "):
        return [*lines, t("explain.rejected", lang, reason=row["reason"])]
    i = int(rows[0])
    return lines + _place(run, i, outdir) + _order(run, i) + _pots_lines(run, i)


def _place(run: Replay, i: int, outdir: Path) -> list[str]:
    lang, r = run.language, run.ranking.iloc[i]
    params = run.manifest["parameters"]
    threshold = format_m(float(params["threshold_m"]), lang)
    nr = int(r["nearest_n2000"]) if r["nearest_n2000"] else None
    if nr is None:
        return [t("explain.no_area", lang)]
    name = _area_names(outdir).get(nr)
    area = t("map.popup.area", lang, name=name, nr=nr) if name else f"nr. {nr}"
    distance = float(r["distance_m"])
    where = (
        t("explain.inside", lang, area=area)
        if distance == 0
        else t("explain.distance", lang, distance=format_m(distance, lang), area=area)
    )
    if params.get("priority_group") == "all":
        group = t("explain.group_all", lang, rules=params["rule_set"].get("name", ""))
    elif r["priority"] == "true":
        group = t("explain.group_in", lang, threshold=threshold)
    else:
        group = t("explain.group_out", lang, threshold=threshold)
    return [t("explain.where", lang, where=where, group=group)]


def _granted_before(run: Replay, mask: np.ndarray) -> tuple[int, str]:
    """How many of the rows in ``mask`` were granted, and their subsidy."""
    subsidy = run.numbers("subsidy_eur")
    chosen = mask & (run.ranking["selected"].to_numpy() == "true")
    return int(chosen.sum()), format_eur(int(to_cents(subsidy[chosen]).sum()) / 100, run.language)


def _order(run: Replay, i: int) -> list[str]:
    lang, d = run.language, run.decisions
    n = len(run.ranking)
    window = d.window[i]
    lines = [
        t(
            "explain.rank",
            lang,
            rank=format_count(i + 1, lang),
            total=format_count(n, lang),
            round=int(d.round[i]),
            window=", " + t("explain.window", lang, name=window) if window else "",
        )
    ]
    before = np.arange(n) < i
    same_window = d.window == window
    if d.round[i] == 1 and d.day[i]:
        earlier = same_window & (d.round == 1) & (d.day < d.day[i]) & (d.day != "")
        granted, eur = _granted_before(run, earlier)
        lines.append(
            t(
                "explain.day",
                lang,
                day=d.day[i],
                earlier=format_count(int(earlier.sum()), lang),
                granted=format_count(granted, lang),
                eur=eur,
            )
        )
        day = same_window & (d.round == 1) & (d.day == d.day[i])
        lines.append(
            t(
                "explain.same_day",
                lang,
                count=format_count(int(day.sum()), lang),
                before=format_count(int((day & before).sum()), lang),
            )
        )
        if d.lot_number[i]:
            lottery = run.manifest["parameters"].get("lottery", {})
            how = (
                t("explain.lot_draw", lang, file=Path(str(lottery["draw"])).name)
                if lottery.get("draw")
                else t("explain.lot_seed", lang, seed=lottery.get("seed"))
            )
            lines.append(
                t(
                    "explain.lot",
                    lang,
                    number=format_count(int(d.lot_number[i]), lang),
                    size=format_count(int(d.lot_size[i]), lang),
                    how=how,
                )
            )
    else:
        ahead = before & (d.round == d.round[i]) & same_window
        granted, eur = _granted_before(run, ahead)
        key = "explain.cost" if d.round[i] == 2 else "explain.order_cost"
        lines.append(
            t(
                key,
                lang,
                eur_per_kg=format_eur_per_kg(run.numbers("eur_per_kg")[i], lang),
                before=format_count(int(ahead.sum()), lang),
                granted=format_count(granted, lang),
                eur=eur,
            )
        )
    return lines


def _pots_lines(run: Replay, i: int) -> list[str]:
    lang, d = run.language, run.decisions
    subsidy = run.numbers("subsidy_eur")[i]
    if not d.walks:
        return [t("explain.no_budget", lang)]
    lines = []
    walked = [w for w in d.walks if w.considered[i]]
    if not walked:
        return [t("explain.no_pot", lang)]
    for walk in walked:
        pot = _pot_words(run, walk.name, i)
        if not walk.reached[i]:
            stop = max((r for r in walk.stopped_at_rank if r <= i + 1), default=None)
            lines.append(t("explain.pot_stopped", lang, pot=pot, rank=stop or ""))
            continue
        key = "explain.pot_selected" if walk.selected[i] else "explain.pot_not_selected"
        lines.append(
            t(
                key,
                lang,
                pot=pot,
                left=format_eur(walk.left_before_eur[i], lang),
                subsidy=format_eur(subsidy, lang),
            )
        )
    funded = d.funded_by[i]
    if funded:
        walk = next(w for w in d.walks if w.name == funded)
        lines.append(
            t(
                "explain.outcome_granted",
                lang,
                pot=_pot_words(run, funded, i),
                subsidy=format_eur(subsidy, lang),
            )
        )
        lines.append(
            t(
                "explain.change_granted",
                lang,
                bid=format_eur(_floor_eur(walk.left_before_eur[i] * 100), lang),
                pot=_pot_words(run, funded, i),
            )
        )
        return lines
    lines.append(t("explain.outcome_not", lang))
    lines += _what_would_change(run, i, walked)
    return lines


def _pot_words(run: Replay, name: str, i: int) -> str:
    words = pot_name(name, run.language)
    window = run.decisions.window[i]
    if name == "national" and window:
        words += ", " + t("explain.window", run.language, name=window)
    return words


def _what_would_change(run: Replay, i: int, walked: list) -> list[str]:
    """The highest bid that would have been selected in some pot, all else equal.

    Round 1 keeps its place whatever the bid (first come first served; a drawn day keeps its
    lot): a bid up to the budget left at its turn fits. Round 2 moves with the bid (euro per kg):
    each place among the other round-2 applications the pot walked in the window gives the most
    the bid can be there (the budget left at that place, and just under the euro per kg of the
    application it would come before); the best place wins.
    """
    lang, d = run.language, run.decisions
    nh3 = run.numbers("nh3_kg")[i]
    best: tuple[float, str] | None = None
    for walk in walked:
        if d.round[i] == 1:
            bid = walk.left_before_eur[i] * 100 if walk.reached[i] else -1.0
        else:
            bid = _round2_bid(run, walk, i, nh3)
        if bid >= 0 and (best is None or bid > best[0]):
            best = (bid, walk.name)
    if best is None:
        return [t("explain.change_none", lang)]
    bid = _floor_eur(best[0])
    pot = _pot_words(run, best[1], i)
    if d.round[i] == 2:
        return [
            t(
                "explain.change_eur_per_kg",
                lang,
                eur_per_kg=format_eur_per_kg(bid / nh3, lang),
                bid=format_eur(bid, lang),
                pot=pot,
            )
        ]
    return [t("explain.change_bid", lang, bid=format_eur(bid, lang), pot=pot)]


def _round2_bid(run: Replay, walk, i: int, nh3: float) -> float:
    """The highest bid (cents) with which farm ``i`` would have been selected by ``walk`` in
    round 2 of its window, or -1: the best over every place among the other round-2 farms the
    pot walked there (before farm k: at most the budget left at k's turn, and a cent under k's
    euro per kg; after the last: what the walk had left at its end)."""
    d = run.decisions
    policy = next(p.policy for p in run.pots if p.name == walk.name)
    others = np.flatnonzero(walk.considered & (d.round == 2) & (d.window == d.window[i]))
    others = others[others != i]
    if not len(others):
        return walk.left_before_eur[i] * 100 if walk.reached[i] else -1.0
    per_kg, subsidy = run.numbers("eur_per_kg"), run.numbers("subsidy_eur")
    reached = others[walk.reached[others]]
    bids = [min(walk.left_before_eur[k] * 100, per_kg[k] * nh3 * 100 - 1) for k in reached]
    last = others[-1]
    if walk.reached[last] and (walk.selected[last] or policy == "skip"):
        bids.append(
            (walk.left_before_eur[last] - (subsidy[last] if walk.selected[last] else 0)) * 100
        )
    return max(bids, default=-1.0)
