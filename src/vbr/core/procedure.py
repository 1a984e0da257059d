"""The decision procedure as RVO runs it (pure): application windows, first come first served by
day with the lottery, and the pots, each farm funded at most once.

The procedure gets the farms in the contract's national order (:func:`vbr.core.ranking.
rank_farms`: round 1, the priority group, by window, then by the day that counts, then the
tie-breaks; round 2 by cost) and walks the pots in order (:func:`decide`):

- A pot walks, in national order, the farms it may fund (its regions; every farm for the
  national pot) that no earlier pot funded, with :func:`vbr.core.budget.allocate_budget` (the one
  walk: ``skip`` or ``stop``, whole cents).
- The national pot walks each application window in turn (:attr:`Config.windows`): round 1 of the
  window, then round 2 with what round 1 left; the window's budget is its own plus what the
  previous window carried over, and never more than the national budget has left.
- First come first served by day: the applications of one day (and window) walk as one block.
  When the block does not all fit in the budget left at its turn, such that the order inside the
  day could change an outcome, the day is drawn by lot (:class:`Lottery`): its applications take
  the order of their lot keys, in the national order too. Other days keep the tie-break order.
  A day that only a later pot finds oversubscribed is drawn then: an earlier pot's outcome on that
  day did not depend on its order (else it would have drawn it), so it stays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vbr.core.budget import allocate_budget, to_cents
from vbr.core.ordering import ties_by_id
from vbr.errors import InputError
from vbr.locale import say
from vbr.model import BudgetSummary, Decisions, PotWalk, RegionList, WindowSummary
from vbr.settings import Config, Pot, Window

__all__ = [
    "TIME_ZONE",
    "Lottery",
    "application_times",
    "day_numbers",
    "day_texts",
    "decide",
    "decide_ranked",
    "derive_seed",
    "lot_key",
    "lot_order",
    "needs_lot",
    "window_index",
    "window_rejections",
]

#: The calendar days of first come first served and of the windows are days in this zone.
TIME_ZONE = "Europe/Amsterdam"
#: A day number for "no time" (sorts after every real day).
NO_DAY = np.iinfo(np.int64).max


def application_times(submitted_at: pd.Series | None, complete_at: pd.Series | None) -> pd.Series:
    """The time that counts for first come first served: ``complete_at`` where given, else
    ``submitted_at`` (UTC; NaT where neither)."""
    if submitted_at is None and complete_at is None:
        return pd.Series(dtype="datetime64[ns, UTC]")
    submitted = pd.to_datetime(submitted_at, utc=True) if submitted_at is not None else None
    if complete_at is None:
        return submitted.reset_index(drop=True)
    complete = pd.to_datetime(complete_at, utc=True).reset_index(drop=True)
    if submitted is None:
        return complete
    return complete.fillna(submitted.reset_index(drop=True))


def day_numbers(times: pd.Series) -> np.ndarray:
    """The calendar day (Europe/Amsterdam) of each UTC time as days since 1970-01-01;
    :data:`NO_DAY` where there is no time."""
    local = pd.to_datetime(times, utc=True).dt.tz_convert(TIME_ZONE).dt.tz_localize(None)
    days = local.to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(local.isna().to_numpy(), NO_DAY, days)


def day_texts(days: np.ndarray) -> np.ndarray:
    """Day numbers as ``YYYY-MM-DD`` (``""`` for :data:`NO_DAY`)."""
    days = np.asarray(days, dtype="int64")
    has = days != NO_DAY
    out = np.full(len(days), "", dtype=object)
    out[has] = np.datetime_as_string(days[has].astype("datetime64[D]"), unit="D").astype(object)
    return out


def window_index(submitted_at: pd.Series, windows: Sequence[Window]) -> np.ndarray:
    """The window of each application by the day of its ``submitted_at`` (Europe/Amsterdam),
    as an index into ``windows``; -1 outside every window or without a time; 0 for all when
    there are no windows (one window without dates)."""
    n = len(submitted_at)
    if not windows:
        return np.zeros(n, dtype="int64")
    days = day_numbers(submitted_at)
    opens = np.array([np.datetime64(w.opens, "D").astype("int64") for w in windows])
    closes = np.array([np.datetime64(w.closes, "D").astype("int64") for w in windows])
    k = np.searchsorted(opens, days, side="right") - 1
    inside = (k >= 0) & (days != NO_DAY)
    inside[inside] = days[inside] <= closes[k[inside]]
    return np.where(inside, k, -1)


def window_rejections(submitted_at: pd.Series, windows: Sequence[Window]) -> np.ndarray:
    """The rejection reason of every application outside every window (``""`` for the others):
    the windows are walked for the applications that came in while one was open."""
    index = window_index(submitted_at, windows)
    reasons = np.full(len(index), "", dtype=object)
    if not windows:
        return reasons
    spans = ", ".join(f"{w.name}: {w.opens}..{w.closes}" for w in windows)
    days = day_texts(day_numbers(submitted_at))
    outside = index < 0
    dated = outside & (days != "")
    reasons[dated] = (
        "submitted_at " + days[dated] + f" is outside every application window ({spans})"
    )
    reasons[outside & ~dated] = (
        "submitted_at missing: an application needs it to belong to an application window "
        f"({spans})"
    )
    return reasons


def _lot_digest(seed: int, farm_id: str) -> bytes:
    """The sha256 of the UTF-8 text ``"<seed>:<farm_id>"`` (the seed in decimal): the one
    place the lot key's text is made."""
    return hashlib.sha256(f"{seed}:{farm_id}".encode()).digest()


def lot_key(seed: int, farm_id: str) -> str:
    """The lot key of one application: the sha256 (hex) of the UTF-8 text ``"<seed>:<farm_id>"``
    (the seed in decimal). A drawn day orders its applications by key, ascending."""
    return _lot_digest(seed, farm_id).hex()


def lot_order(seed: int, farm_ids: Iterable[object]) -> np.ndarray:
    """The drawn order of applications by lot (positions into ``farm_ids``): by
    :func:`lot_key` ascending, then by ``farm_id`` as text.

    The hex text of a digest sorts as its bytes do, so the digests are compared as four
    big-endian 64-bit words (no 64-character key is made per farm); the ids are compared only
    where the digests tie (the same id twice)."""
    ids = [str(f) for f in farm_ids]
    digests = b"".join([_lot_digest(seed, f) for f in ids])
    words = np.frombuffer(digests, dtype=">u8").reshape(len(ids), 4).astype("uint64")
    keys = list(words[:, ::-1].T)  # the first word decides first (np.lexsort: the last key)
    return ties_by_id(np.lexsort(keys), keys, np.asarray(ids, dtype=object))


def derive_seed(input_sha256: str) -> int:
    """The seed of a run without ``--seed``: the first 12 hex digits (48 bits, exact in
    JavaScript too) of the farm file's sha256, as a number."""
    return int(input_sha256[:12], 16)


@dataclass(frozen=True)
class Lottery:
    """How the order inside a drawn day is decided: by lot keys from ``seed``
    (:func:`lot_key`), or as an official draw lists the farm ids (``draw``), or (``as_given``,
    for replaying a written list) in the order the farms already have."""

    seed: int | None = None
    draw: tuple[str, ...] | None = None
    as_given: bool = False
    _position: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.draw is not None:
            self._position.update({farm: k for k, farm in enumerate(self.draw)})

    def order(self, farm_ids: np.ndarray) -> np.ndarray:
        """The drawn order of one day's applications (positions into ``farm_ids``).

        Raises
        ------
        InputError
            With a draw: when an application of the day is not in it.
        """
        n = len(farm_ids)
        if self.as_given:
            return np.arange(n)
        if self.draw is not None:
            missing = [f for f in farm_ids if f not in self._position]
            if missing:
                raise InputError(
                    say(
                        "draw_missing",
                        count=len(missing),
                        ids=", ".join(map(str, missing[:10]))
                        + (" ..." if len(missing) > 10 else ""),
                    ),
                    source="--draw",
                )
            keys = np.array([self._position[f] for f in farm_ids], dtype="int64")
            return np.argsort(keys, kind="stable")
        return lot_order(int(self.seed or 0), farm_ids)


def needs_lot(cents: np.ndarray, left: int, policy: str) -> bool:
    """Whether the order inside a day could change an outcome, with ``left`` cents at its turn.

    ``skip``: the offers that fit on their own (``<= left``) add up to more than ``left``.
    ``stop``: some offer fits on its own and all of them add up to more than ``left``.
    """
    cents = np.asarray(cents, dtype="int64")
    fitting = cents[cents <= left]
    if policy == "stop":
        return bool(len(fitting)) and int(cents.sum()) > left
    return int(fitting.sum()) > left


@dataclass
class _State:
    """The walk's state, per farm by position in the order the procedure was given."""

    order: np.ndarray  # the national order now (positions)
    subsidy: np.ndarray
    cents: np.ndarray
    priority: np.ndarray
    window: np.ndarray
    group: np.ndarray  # day group per farm (-1: none)
    group_start: np.ndarray  # per group: its first index in the national order
    group_end: np.ndarray
    farm_id: np.ndarray
    lottery: Lottery
    drawn_by: dict = field(default_factory=dict)  # group -> pot name
    funded: np.ndarray = field(default=None)  # pot index per farm (-1: none)

    def draw_day(self, group: int, pot: str) -> None:
        """Put the day's applications in their drawn order (in the national order too)."""
        start, end = int(self.group_start[group]), int(self.group_end[group])
        members = self.order[start:end]
        self.order[start:end] = members[self.lottery.order(self.farm_id[members])]
        self.drawn_by[group] = pot


@dataclass
class _Walk:
    left_before: np.ndarray  # cents, -1 where not walked
    considered: np.ndarray
    selected: np.ndarray
    reached: np.ndarray
    stops: list = field(default_factory=list)  # farm positions where a walk ended


def _walk(state: _State, walk: _Walk, pot: Pot, mask: np.ndarray, left: int) -> tuple[int, int]:
    """Walk ``pot`` over the farms of ``mask`` (and not funded) in national order with ``left``
    cents: round 1 day by day (a day drawn by lot where needed), then round 2. Returns the cents
    granted in round 1 and in round 2."""
    candidates = state.order[mask[state.order] & (state.funded[state.order] < 0)]
    walk.considered[candidates] = True
    if not len(candidates):
        return 0, 0
    groups = state.group[candidates]
    rounds = np.where(state.priority[candidates], 1, 2)
    # runs of one day group (round 1 by day) or of one round (no days): the segments walked
    cut = np.flatnonzero((np.diff(groups) != 0) | (np.diff(rounds) != 0)) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(candidates)]])
    granted = [0, 0]
    stopped = False
    for s, e in zip(starts, ends, strict=True):
        segment = candidates[s:e]
        if stopped:
            walk.left_before[segment] = left
            continue
        walk.reached[segment] = True
        group = int(groups[s])
        if (
            group >= 0
            and group not in state.drawn_by
            and needs_lot(state.cents[segment], left, pot.policy)
        ):
            state.draw_day(group, pot.name)
            block = state.order[state.group_start[group] : state.group_end[group]]
            segment = block[np.isin(block, segment)]
        selected, cumulative = allocate_budget(
            state.subsidy[segment], budget_eur=left / 100, policy=pot.policy
        )
        cents = state.cents[segment]
        spent = to_cents(cumulative)
        walk.left_before[segment] = left - (spent - np.where(selected, cents, 0))
        walk.selected[segment[selected]] = True
        used = int(spent[-1])
        granted[int(rounds[s]) - 1] += used
        left -= used
        if pot.policy == "stop" and not selected.all():
            stopped = True
            walk.stops.append(int(segment[np.argmin(selected)]))
            walk.reached[segment[np.argmin(selected) + 1 :]] = False
    return granted[0], granted[1]


def _day_groups(priority: np.ndarray, window: np.ndarray, day: np.ndarray | None):
    """Day groups among the priority farms (runs of one window and day in national order)."""
    n = len(priority)
    group = np.full(n, -1, dtype="int64")
    if day is None or not priority.any():
        return group, np.array([], dtype="int64"), np.array([], dtype="int64")
    rows = np.flatnonzero(priority)
    key_change = (np.diff(window[rows]) != 0) | (np.diff(day[rows]) != 0)
    starts = np.concatenate([[0], np.flatnonzero(key_change) + 1])
    ids = np.cumsum(np.isin(np.arange(len(rows)), starts)) - 1
    group[rows] = ids
    ends = np.concatenate([starts[1:], [len(rows)]])
    return group, rows[starts], rows[ends - 1] + 1


def decide(
    *,
    farm_id: np.ndarray,
    subsidy_eur: np.ndarray,
    nh3_kg: np.ndarray,
    priority: np.ndarray,
    window: np.ndarray,
    day: np.ndarray | None,
    eligible: Sequence[np.ndarray],
    pots: Sequence[Pot],
    windows: Sequence[Window],
    lottery: Lottery,
) -> Decisions:
    """Walk the pots down the national order and decide every application.

    Parameters
    ----------
    farm_id, subsidy_eur, nh3_kg, priority
        Per farm in national order (:func:`vbr.core.ranking.rank_farms`).
    window
        Each farm's window (index into ``windows``; 0 for all without windows).
    day
        Each farm's first-come-first-served day (:func:`day_numbers`) where round 1 is ordered
        by day (``fcfs = "day"``), else ``None`` (no lottery).
    eligible
        Per pot: the farms it may fund (its regions; all for the national pot).
    pots
        The pots in walking order.
    windows
        The application windows of the national pot (none: one window without dates).
    lottery
        How a drawn day is ordered.

    Returns
    -------
    Decisions
        The final national order (the drawn days in lot order) and every decision in it.

    Raises
    ------
    InputError
        With a draw that does not list exactly the applications of the days drawn.
    """
    n = len(farm_id)
    priority = np.asarray(priority, dtype=bool)
    window = np.asarray(window, dtype="int64")
    group, group_start, group_end = _day_groups(priority, window, day)
    subsidy = np.asarray(subsidy_eur, dtype="float64")
    state = _State(
        order=np.arange(n),
        subsidy=subsidy,
        cents=to_cents(subsidy),
        priority=priority,
        window=window,
        group=group,
        group_start=group_start,
        group_end=group_end,
        farm_id=np.asarray(farm_id, dtype=object),
        lottery=lottery,
        funded=np.full(n, -1, dtype="int64"),
    )
    walks: list[_Walk] = []
    window_figures: list[list[WindowSummary]] = []
    for k, (pot, may) in enumerate(zip(pots, eligible, strict=True)):
        walk = _Walk(
            left_before=np.full(n, -1, dtype="int64"),
            considered=np.zeros(n, dtype=bool),
            selected=np.zeros(n, dtype=bool),
            reached=np.zeros(n, dtype=bool),
        )
        may = np.asarray(may, dtype=bool)
        figures: list[WindowSummary] = []
        if pot.national and windows:
            figures = _walk_windows(state, walk, pot, may, windows)
        else:
            _walk(state, walk, pot, may, int(to_cents(pot.budget_eur)))
        state.funded[walk.selected] = k
        walks.append(walk)
        window_figures.append(figures)
    if lottery.draw is not None:
        _check_draw(state, lottery.draw, day)
    return _decisions(state, walks, window_figures, pots, windows, day, nh3_kg, lottery)


def _walk_windows(
    state: _State, walk: _Walk, pot: Pot, may: np.ndarray, windows: Sequence[Window]
) -> list[WindowSummary]:
    """The national pot, window by window: each its budget plus the carry-over, within what the
    national budget has left."""
    cap = int(to_cents(pot.budget_eur))
    spent = carry = 0
    figures = []
    for k, w in enumerate(windows):
        carried_in = carry
        available = min(int(to_cents(w.budget_eur)) + carry, cap - spent)
        in_window = may & (state.window == k)
        round1, round2 = _walk(state, walk, pot, in_window, available)
        used = round1 + round2
        spent += used
        carry = available - used if w.carry_over else 0
        figures.append(
            WindowSummary(
                name=w.name,
                opens=w.opens.isoformat(),
                closes=w.closes.isoformat(),
                budget_eur=w.budget_eur,
                carried_in_eur=carried_in / 100,
                available_eur=available / 100,
                used_round1_eur=round1 / 100,
                used_round2_eur=round2 / 100,
                carried_out_eur=carry / 100,
                applications=int(in_window.sum()),
                granted=int((walk.selected & in_window).sum()),
            )
        )
    return figures


def _check_draw(state: _State, draw: tuple[str, ...], day: np.ndarray | None) -> None:
    """Every farm a draw lists is in a day that was drawn (the missing ones were refused when
    their day was drawn)."""
    drawn = np.zeros(len(state.farm_id), dtype=bool)
    for group in state.drawn_by:
        drawn[state.order[state.group_start[group] : state.group_end[group]]] = True
    in_drawn = set(state.farm_id[drawn].tolist())
    extra = [f for f in draw if f not in in_drawn]
    if extra:
        days = sorted({str(d) for d in day_texts(day[drawn])}) if day is not None else []
        raise InputError(
            say(
                "draw_extra",
                count=len(extra),
                ids=", ".join(extra[:10]) + (" ..." if len(extra) > 10 else ""),
                days=say("draw_days", days=", ".join(days)) if days else say("draw_no_days"),
            ),
            source="--draw",
        )


def _decisions(state, walks, window_figures, pots, windows, day, nh3_kg, lottery) -> Decisions:
    order = state.order
    n = len(order)
    rank = np.empty(n, dtype="int64")
    rank[order] = np.arange(1, n + 1)
    lot_number = np.zeros(n, dtype="int64")
    lot_size = np.zeros(n, dtype="int64")
    drawn = []
    for group, pot in sorted(state.drawn_by.items()):
        block = order[state.group_start[group] : state.group_end[group]]
        lot_number[block] = np.arange(1, len(block) + 1)
        lot_size[block] = len(block)
        drawn.append(
            {
                "window": windows[state.window[block[0]]].name if windows else "",
                "day": str(day_texts(day[block[:1]])[0]) if day is not None else "",
                "applications": len(block),
                "pot": pot,
            }
        )
    nh3 = np.asarray(nh3_kg, dtype="float64")
    funded_by = np.full(n, "", dtype=object)
    pot_walks, budgets = [], []
    for pot, walk, figures in zip(pots, walks, window_figures, strict=True):
        funded_by[walk.selected] = pot.name
        pot_walks.append(
            PotWalk(
                name=pot.name,
                considered=walk.considered[order],
                selected=walk.selected[order],
                left_before_eur=np.where(walk.left_before >= 0, walk.left_before / 100, np.nan)[
                    order
                ],
                reached=walk.reached[order],
                stopped_at_rank=tuple(int(rank[f]) for f in walk.stops),
            )
        )
        budgets.append(
            BudgetSummary(
                name=pot.name,
                regions=tuple(pot.regions),
                budget_eur=pot.budget_eur,
                used_eur=int(state.cents[walk.selected].sum()) / 100,
                selected=int(walk.selected.sum()),
                selected_nh3_kg=float(nh3[walk.selected].sum()),
                farms=int(walk.considered.sum()),
                source=pot.source,
                policy=pot.policy,
                windows=tuple(figures),
            )
        )
    names = np.array([w.name for w in windows] or [""], dtype=object)
    return Decisions(
        order=order,
        funded_by=funded_by[order],
        window=names[np.clip(state.window, 0, None)][order],
        round=np.where(state.priority, 1, 2).astype("int8")[order],
        day=(day_texts(day) if day is not None else np.full(n, "", dtype=object))[order],
        lot_number=lot_number[order],
        lot_size=lot_size[order],
        walks=tuple(pot_walks),
        budgets=tuple(budgets),
        drawn=tuple(drawn),
        seed=lottery.seed if lottery.draw is None and not lottery.as_given else None,
        draw=lottery.draw,
    )


def decide_ranked(
    ranked: pd.DataFrame,
    region_lists: Sequence[RegionList],
    config: Config,
    lottery: Lottery,
    *,
    first_come_first_served: bool,
) -> Decisions:
    """:func:`decide` for ranked farms (:func:`vbr.core.ranking.rank_farms`, with ``regions``
    assigned): the pots of ``config`` with the farms each may fund (its regions; all for the
    national pot), the windows, and the days where round 1 is first come first served by day.

    Parameters
    ----------
    ranked
        The farms in national order (``farm_id``, ``subsidy_eur``, ``nh3_kg``, ``priority``,
        ``submitted_at`` and, where given, ``complete_at``).
    region_lists
        The regions with their farms' positions in that order.
    config
        The pots, windows and ``fcfs``.
    lottery
        How a drawn day is ordered.
    first_come_first_served
        Whether round 1 is ordered by time (every priority farm has one).
    """
    n = len(ranked)
    by_region = {r.name: r.positions for r in region_lists}
    eligible = []
    for pot in config.pots:
        may = np.zeros(n, dtype=bool)
        if not pot.regions:
            may[:] = True
        for name in pot.regions:
            may[by_region.get(name, [])] = True
        eligible.append(may)
    times = application_times(ranked.get("submitted_at"), ranked.get("complete_at"))
    by_day = first_come_first_served and config.fcfs == "day"
    return decide(
        farm_id=ranked["farm_id"].to_numpy(dtype=object),
        subsidy_eur=ranked["subsidy_eur"].to_numpy(),
        nh3_kg=ranked["nh3_kg"].to_numpy(),
        priority=ranked["priority"].to_numpy(dtype=bool),
        window=window_index(ranked["submitted_at"], config.windows),
        day=day_numbers(times) if by_day else None,
        eligible=eligible,
        pots=config.pots,
        windows=config.windows,
        lottery=lottery,
    )
