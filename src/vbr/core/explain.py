"""Plain-language reasons: why each ranked farm stands where it stands, and why it was or was not
selected (Dutch or English). Pure functions on whole columns; no loop with logic per farm.

A reason has two parts joined by ``"; "``:

- the order: ``voorrang: 640 m van Veluwe (57); wie het eerst komt: ingediend 2024-03-01 09:00``
  (priority, first come first served), ``voorrang: 640 m van Veluwe (57); rang op
  kosteneffectiviteit: 812 euro/kg`` (priority ordered by cost), or ``geen voorrang: 2.340 m van
  Veluwe (57), meer dan 1.000 m; rang op kosteneffectiviteit: 812 euro/kg``;
- the budget walk, when there is one: ``geselecteerd: subsidie EUR 2,0 mln binnen resterend budget
  EUR 45,3 mln``, ``niet geselecteerd: resterend budget EUR 1,2 mln < subsidie EUR 2,0 mln``, or
  (policy ``stop``) ``niet geselecteerd: budgetronde gestopt bij rang 812``. Where more than one
  pot walked farms, one such part per pot that walked the farm, in walking order, each naming
  its pot: ``niet geselecteerd (landelijk budget): ...; geselecteerd (Veluwe en Peel): ...``
  (:func:`decision_reasons`).

First come first served by day says the day and, in a day drawn by lot, the draw: ``wie het
eerst komt: volledig op 2026-03-02; volgorde bepaald door loting (trekking 7 van 23)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from babel import Locale

from vbr.core.procedure import TIME_ZONE, application_times
from vbr.locale import babel_locale, texts
from vbr.model import Decisions
from vbr.settings import Config
from vbr.threads import map_rows

__all__ = [
    "LANGUAGES",
    "budget_reasons",
    "decision_reasons",
    "national_reasons",
    "order_reasons",
    "pot_label",
]

LANGUAGES = ("nl", "en")

#: The words of a reason, by their key in the catalogues' ``[reason_column]`` table.
_WORD_KEYS = (
    "priority",
    "no_priority",
    "from",
    "inside",
    "more_than",
    "fcfs",
    "fcfs_day",
    "fcfs_complete",
    "fcfs_complete_time",
    "lot",
    "national_pot",
    "window",
    "no_pot",
    "cost",
    "selected",
    "not_selected",
    "stopped",
    "million",
)


@cache
def _words(language: str) -> dict[str, str]:
    """The words of the reasons in ``language`` (the catalogue's ``[reason_column]``) and its
    decimal and thousands marks (Babel's)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    catalogue = texts(language)
    words = {key: catalogue[f"reason_column.{key}"] for key in _WORD_KEYS}
    symbols = Locale.parse(babel_locale(language)).number_symbols["latn"]
    return {**words, "decimal": symbols["decimal"], "thousands": symbols["group"]}


_STRINGS = np.dtypes.StringDType()


def _strings(values: object) -> np.ndarray:
    """An array of text (numpy's variable-width strings: joined and replaced in C)."""
    return np.asarray(values, dtype=_STRINGS)


def _cat(*parts: object) -> np.ndarray:
    """Join text arrays and constants element by element."""
    out = _strings(parts[0])
    for part in parts[1:]:
        out = np.strings.add(out, part if isinstance(part, str) else _strings(part))
    return out


def _numbers(values: np.ndarray, decimals: np.ndarray | int, w: dict[str, str]) -> np.ndarray:
    """Numbers with the language's thousands and decimal marks (``1.234,5`` or ``1,234.5``).

    The same text as Python's ``f"{v:_.{d}f}"`` with the marks swapped in, built column-wise:
    the value scaled by ``10**d`` and rounded gives the digits; where that product is exactly a
    half (the only case where the float product can round differently from the exact decimal
    value), and for values that are not finite or too large for int64, Python formats it.
    """
    values = np.asarray(values, dtype="float64")
    decimals = np.broadcast_to(np.asarray(decimals), np.shape(values))
    out = np.empty(len(values), dtype=_STRINGS)
    for d in np.unique(decimals):
        d = int(d)
        chosen = np.flatnonzero(decimals == d)
        x = values[chosen]
        product = np.abs(x) * 10.0**d
        with np.errstate(invalid="ignore"):
            python = ~np.isfinite(product) | (product >= 2.0**62) | (product % 1.0 == 0.5)
        fast = ~python
        scaled = np.rint(product[fast]).astype(np.int64)
        whole, part = np.divmod(scaled, 10**d)
        text = _grouped(whole.astype(_STRINGS), w["thousands"])
        if d:
            text = _cat(text, w["decimal"], np.strings.zfill(part.astype(_STRINGS), d))
        # a minus sign wherever Python writes one, also for -0.0 and for -0.004 shown as -0
        text = np.where(np.signbit(x[fast]), np.strings.add("-", text), text)
        out[chosen[fast]] = text
        if python.any():
            slow = _strings([f"{v:_.{d}f}" for v in x[python]])
            slow = np.strings.replace(slow, ".", w["decimal"])
            out[chosen[python]] = np.strings.replace(slow, "_", w["thousands"])
    return out


def _grouped(digits: np.ndarray, mark: str) -> np.ndarray:
    """Insert ``mark`` before every group of three digits counted from the right."""
    width = np.strings.str_len(digits)
    top = int(width.max()) if len(width) else 0
    for k in range(3 * ((top - 1) // 3), 0, -3):
        longer = width > k
        if longer.any():
            text = digits[longer]
            cut = np.strings.str_len(text) - k
            digits[longer] = _cat(
                np.strings.slice(text, 0, cut), mark, np.strings.slice(text, cut, None)
            )
    return digits


def _metres(distance: np.ndarray, threshold_m: float, w: dict[str, str]) -> np.ndarray:
    """Whole metres, or centimetres where rounding would blur the comparison with the threshold."""
    blurred = (np.rint(distance) == np.rint(threshold_m)) & (distance != threshold_m)
    return _cat(_numbers(distance, np.where(blurred, 2, 0), w), " m")


def _euro_per_kg(values: np.ndarray, w: dict[str, str]) -> np.ndarray:
    return _cat(_numbers(values, np.where(np.abs(values) >= 100, 0, 2), w), " euro/kg")


def _money(values: np.ndarray, w: dict[str, str], *, level: np.ndarray | None = None) -> np.ndarray:
    """``EUR 1,2 mln`` from a million up, else whole euros; ``level`` 1 forces whole euros and
    level 2 cents (where two amounts would otherwise read the same).

    Without ``level``, each distinct amount (the same bits: ``-0.0`` apart from ``0.0``) is
    written once and taken for every row that holds it: the budget left before each offer
    changes only where an offer is selected."""
    values = np.asarray(values, dtype="float64")
    if level is None:
        distinct, back = np.unique(values.view(np.uint64), return_inverse=True)
        if len(distinct) < len(values):
            return _money(distinct.view(np.float64), w, level=np.zeros(len(distinct), "int8"))[back]
        level = np.zeros(len(values), dtype="int8")
    millions = (level == 0) & (np.abs(values) >= 1e6)
    amount = np.where(millions, values / 1e6, values)
    decimals = np.where(level == 2, 2, np.where(millions, 1, 0))
    text = _cat("EUR ", _numbers(amount, decimals, w))
    return np.where(millions, _cat(text, " " + w["million"]), text)


def order_reasons(
    ranked: pd.DataFrame,
    *,
    area_names: dict[int, str],
    threshold_m: float,
    first_come_first_served: bool,
    language: str,
    by_day: bool = False,
    lot_number: np.ndarray | None = None,
    lot_size: np.ndarray | None = None,
) -> np.ndarray:
    """Why each farm stands where it stands in the national order.

    Parameters
    ----------
    ranked
        The ranked farms: ``priority``, ``distance_m``, ``nearest_n2000``, ``eur_per_kg`` and
        ``submitted_at`` (UTC; shown in Dutch local time).
    area_names
        Natura 2000 area name by ``nr``.
    threshold_m
        The priority strip, metres.
    first_come_first_served
        Whether the priority group is ordered by ``submitted_at`` (``complete_at`` where the
        column gives one).
    language
        ``"nl"`` or ``"en"``.
    by_day
        First come first served by the calendar day (the day is said, not the time).
    lot_number, lot_size
        Per farm in a day drawn by lot: its place in the draw and the day's applications (0
        elsewhere).
    """

    parts = _OrderParts(
        ranked,
        area_names=area_names,
        threshold_m=threshold_m,
        first_come_first_served=first_come_first_served,
        language=language,
        by_day=by_day,
        lot_number=lot_number,
        lot_size=lot_size,
    )
    # every farm's reason is its own: the rows are split over threads (numpy's string
    # functions release the GIL), which joined give the same texts
    return map_rows(lambda start, stop: parts.rows(start, stop).astype(object), len(ranked))


@dataclass(frozen=True)
class _OrderParts:
    """The order parts of rows ``start:stop`` (each row's its own), from the whole ranking."""

    ranked: pd.DataFrame
    area_names: dict[int, str]
    threshold_m: float
    first_come_first_served: bool
    language: str
    by_day: bool
    lot_number: np.ndarray | None
    lot_size: np.ndarray | None

    def rows(self, start: int, stop: int) -> np.ndarray:
        def part(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else np.asarray(values)[start:stop]

        return _order_reasons(
            self.ranked.iloc[start:stop],
            area_names=self.area_names,
            threshold_m=self.threshold_m,
            first_come_first_served=self.first_come_first_served,
            language=self.language,
            by_day=self.by_day,
            lot_number=part(self.lot_number),
            lot_size=part(self.lot_size),
        )


def _order_reasons(
    ranked: pd.DataFrame,
    *,
    area_names: dict[int, str],
    threshold_m: float,
    first_come_first_served: bool,
    language: str,
    by_day: bool,
    lot_number: np.ndarray | None,
    lot_size: np.ndarray | None,
) -> np.ndarray:
    w = _words(language)
    n = len(ranked)
    if n == 0:
        return _strings([])
    priority = ranked["priority"].to_numpy(dtype=bool)
    distance = ranked["distance_m"].to_numpy(dtype="float64")
    nearest = ranked["nearest_n2000"].to_numpy()
    # "name (nr)" once per distinct area, then taken for every farm
    numbers, which = np.unique(nearest, return_inverse=True)
    areas = _strings([f"{area_names.get(int(nr), '')} ({int(nr)})" for nr in numbers])
    # each part is written only for the rows that show it
    finite = np.isfinite(distance)
    inside = finite & (distance == 0)
    away = finite & ~inside
    where = np.empty(n, dtype=_STRINGS)
    where[inside] = _cat(w["inside"] + " ", areas[which[inside]])
    where[away] = _cat(
        _metres(distance[away], threshold_m, w), f" {w['from']} ", areas[which[away]]
    )
    limit = _numbers(np.array([threshold_m]), 0, w)[0]
    near, far = finite & priority, finite & ~priority
    head = np.empty(n, dtype=_STRINGS)
    head[near] = _cat(w["priority"] + ": ", where[near])
    head[far] = _cat(w["no_priority"] + ": ", where[far], f", {w['more_than']} {limit} m")
    # no overloaded area at all (infinite distance): say nothing about distance
    head[~finite] = w["no_priority"]
    by_time = first_come_first_served and ("submitted_at" in ranked or "complete_at" in ranked)
    # the cost rank: every farm, or those without priority where the priority group goes by time
    costed = ~priority if by_time else np.ones(n, dtype=bool)
    eur_per_kg = ranked["eur_per_kg"].to_numpy(dtype="float64")
    tail = np.empty(n, dtype=_STRINGS)
    tail[costed] = _cat(f"; {w['cost']}: ", _euro_per_kg(eur_per_kg[costed], w))
    if by_time:
        timed = np.flatnonzero(priority)
        times = application_times(ranked.get("submitted_at"), ranked.get("complete_at"))
        complete = (
            ranked["complete_at"].notna().to_numpy()[timed]
            if "complete_at" in ranked
            else np.zeros(len(timed), dtype=bool)
        )
        local = times.iloc[timed].dt.tz_convert(TIME_ZONE).dt.tz_localize(None)
        if by_day:
            stamp = _strings(np.datetime_as_string(local.to_numpy(dtype="datetime64[D]")))
            words = np.where(complete, w["fcfs_complete"], w["fcfs_day"])
        else:
            naive = local.to_numpy(dtype="datetime64[s]")
            stamp = np.strings.replace(_strings(np.datetime_as_string(naive, unit="s")), "T", " ")
            words = np.where(complete, w["fcfs_complete_time"], w["fcfs"])
        fcfs = _cat("; ", _strings(words), " ", stamp)
        if lot_number is not None:
            drawn = np.flatnonzero(np.asarray(lot_number)[timed] > 0)
            if len(drawn):
                fcfs[drawn] = _cat(
                    fcfs[drawn],
                    "; ",
                    *_template(
                        w["lot"],
                        number=_numbers(np.asarray(lot_number, "float64")[timed[drawn]], 0, w),
                        size=_numbers(np.asarray(lot_size, "float64")[timed[drawn]], 0, w),
                    ),
                )
        tail[timed] = fcfs
    return _cat(head, tail)


def budget_reasons(
    *,
    subsidy_eur: np.ndarray,
    selected: np.ndarray,
    left_before_eur: np.ndarray,
    stopped_at_rank: int | None,
    national_rank: np.ndarray,
    language: str,
    reached: np.ndarray | None = None,
    stops: tuple[int, ...] = (),
) -> np.ndarray:
    """Why each farm in a budget walk was or was not selected.

    Parameters
    ----------
    subsidy_eur
        The offers in walking order.
    selected
        The walk's outcome per offer.
    left_before_eur
        The budget left when the walk reached each offer.
    stopped_at_rank
        Policy ``stop``: the national rank of the offer at which the walk ended (``None`` when it
        did not end early or the policy is ``skip``).
    national_rank
        National rank per offer (offers after ``stopped_at_rank`` say where the walk stopped).
    language
        ``"nl"`` or ``"en"``.
    reached, stops
        Instead of ``stopped_at_rank``, for walks that may end more than once (one per
        application window): whether the walk reached each offer, and the ranks where a walk
        ended; an offer not reached says the last of those before it.
    """
    subsidy = np.asarray(subsidy_eur, dtype="float64")
    left = np.asarray(left_before_eur, dtype="float64")
    selected = np.asarray(selected, dtype=bool)
    national_rank = np.asarray(national_rank)
    reached = None if reached is None else np.asarray(reached, dtype=bool)

    def rows(start: int, stop: int) -> np.ndarray:
        return _budget_reasons(
            subsidy=subsidy[start:stop],
            selected=selected[start:stop],
            left=left[start:stop],
            stopped_at_rank=stopped_at_rank,
            national_rank=national_rank[start:stop],
            language=language,
            reached=None if reached is None else reached[start:stop],
            stops=stops,
        ).astype(object)

    return map_rows(rows, len(subsidy))


def _budget_reasons(
    *,
    subsidy: np.ndarray,
    selected: np.ndarray,
    left: np.ndarray,
    stopped_at_rank: int | None,
    national_rank: np.ndarray,
    language: str,
    reached: np.ndarray | None,
    stops: tuple[int, ...],
    sub_text: np.ndarray | None = None,
    pot: str = "",
) -> np.ndarray:
    """:func:`budget_reasons` of one share of rows; ``sub_text`` the subsidies already written
    (:func:`_money`), ``pot`` the pot to name in every part (none: ``""``)."""
    w = _words(language)
    n = len(subsidy)
    if n == 0:
        return _strings([])
    sub_text = _money(subsidy, w) if sub_text is None else sub_text.copy()
    left_text = _money(left, w)
    # where the two amounts would read the same after rounding, show more digits: whole euros,
    # then cents (only those rows are written again)
    for level in (1, 2):
        same = np.flatnonzero(sub_text == left_text)
        if len(same) == 0:
            break
        levels = np.full(len(same), level, dtype="int8")
        sub_text[same] = _money(subsidy[same], w, level=levels)
        left_text[same] = _money(left[same], w, level=levels)
    chosen = np.asarray(selected, dtype=bool)
    out = np.empty(n, dtype=_STRINGS)
    for rows, template in ((chosen, w["selected"]), (~chosen, w["not_selected"])):
        if not rows.any():
            continue
        amounts = {"sub": sub_text[rows], "left": left_text[rows]}
        head, colon, rest = template.partition(": ")
        if colon and "{" not in head:  # the catalogue's form: the pot named in the head
            out[rows] = _cat(_with_pot(head + colon, pot), *_template(rest, **amounts))
            continue
        text = _cat(*_template(template, **amounts))  # a text edited otherwise
        out[rows] = _pots_named(text, pot) if pot else text
    if stopped_at_rank is not None:
        after = np.asarray(national_rank) > stopped_at_rank
        out[after] = _with_pot(w["stopped"].format(rank=stopped_at_rank), pot)
    if reached is not None and stops:
        missed = np.flatnonzero(~np.asarray(reached, dtype=bool))
        ends = np.sort(np.asarray(stops))
        at = ends[np.clip(np.searchsorted(ends, np.asarray(national_rank)[missed]) - 1, 0, None)]
        out[missed] = _strings([_with_pot(w["stopped"].format(rank=int(r)), pot) for r in at])
    return out


def _with_pot(text: str, pot: str) -> str:
    """``text`` with ``pot`` named before its first ``": "`` (``niet geselecteerd (Veluwe en
    Peel): ...``; at the end where it has none); ``text`` itself without a pot. One text:
    :func:`_pots_named` names them in a column of texts the same way."""
    if not pot:
        return text
    head, _, rest = text.partition(": ")
    return f"{head} ({pot}): {rest}"


def _pots_named(texts: np.ndarray, pots: str | np.ndarray) -> np.ndarray:
    """:func:`_with_pot` of every text (``pots`` one for all, or one per text)."""
    head, _, rest = np.strings.partition(texts, _strings(": "))
    return _cat(head, " (", pots, "): ", rest)


def _template(template: str, **columns: np.ndarray) -> list[object]:
    """Split ``"... {sub} ... {left}"`` into constants and the named columns, for :func:`_cat`."""
    parts: list[object] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        key, _, rest = after.partition("}")
        parts += [before, columns[key]]
    parts.append(rest)
    return [p for p in parts if not (isinstance(p, str) and p == "")]


def pot_label(name: str, language: str, *, window: str = "") -> str:
    """A pot in words: the national pot as ``landelijk budget`` (with its window:
    ``landelijk budget, openstelling 2026-1``), a regional pot by its name."""
    w = _words(language)
    if name != "national":
        return name
    return w["national_pot"] + (f", {w['window']} {window}" if window else "")


def decision_reasons(
    *,
    subsidy_eur: np.ndarray,
    decisions: Decisions,
    national_rank: np.ndarray,
    language: str,
) -> np.ndarray:
    """The budget part of every farm's reason: one part per pot that walked the farm, in walking
    order (the pot named where more than one pot walked farms, or with windows), and for a farm
    that no pot may fund, that it is outside every pot's regions.

    Parameters
    ----------
    subsidy_eur, national_rank
        Per farm in national order.
    decisions
        What :func:`vbr.core.procedure.decide` decided.
    language
        ``"nl"`` or ``"en"``.
    """
    parts = _DecisionParts(subsidy_eur, decisions, national_rank, language)
    return map_rows(lambda start, stop: parts.rows(start, stop).astype(object), parts.n)


class _DecisionParts:
    """The budget parts of rows ``start:stop`` (each row's its own), from the whole run's walks."""

    def __init__(
        self, subsidy_eur: np.ndarray, decisions: Decisions, national_rank: np.ndarray, lang: str
    ) -> None:
        self.subsidy = np.asarray(subsidy_eur, dtype="float64")
        self.n = len(self.subsidy)
        self.rank = np.asarray(national_rank)
        self.decisions, self.language = decisions, lang
        self.active = [walk for walk in decisions.walks if walk.considered.any()]
        self.windows = bool((decisions.window != "").any())
        self.named = len(self.active) > 1 or self.windows

    def rows(self, start: int, stop: int) -> np.ndarray:
        language, window = self.language, self.decisions.window[start:stop]
        w = _words(language)
        subsidy = self.subsidy[start:stop]
        sub_text = _money(subsidy, w)  # the same in every pot's part
        out = np.full(stop - start, "", dtype=_STRINGS)
        has = np.zeros(stop - start, dtype=bool)  # rows that have a part already
        for walk in self.active:
            rows = np.flatnonzero(walk.considered[start:stop])
            if len(rows) == 0:
                continue
            at = rows + start
            by_window = self.named and walk.name == "national" and self.windows
            text = _budget_reasons(
                subsidy=subsidy[rows],
                selected=np.asarray(walk.selected[at], dtype=bool),
                left=np.asarray(walk.left_before_eur[at], dtype="float64"),
                stopped_at_rank=None,
                national_rank=self.rank[at],
                language=language,
                reached=np.asarray(walk.reached[at], dtype=bool),
                stops=walk.stopped_at_rank,
                sub_text=sub_text[rows],
                pot=pot_label(walk.name, language) if self.named and not by_window else "",
            )
            if by_window:  # the pot's name differs by window: put in row by row
                names, which = np.unique(window[rows].astype(str), return_inverse=True)
                labels = _strings([pot_label(walk.name, language, window=str(x)) for x in names])
                text = _pots_named(text, labels[which])
            joined = has[rows]
            if joined.any():
                text[joined] = _cat(out[rows[joined]], "; ", text[joined])
            out[rows] = text
            has[rows] = True
        if self.decisions.walks:
            out[~has] = w["no_pot"]
        return out


def national_reasons(
    ranked: pd.DataFrame,
    *,
    area_names: dict[int, str],
    config: Config,
    first_come_first_served: bool,
    decisions: Decisions,
) -> np.ndarray:
    """Every farm's reason (national order): the order part, and where a pot runs the part of
    the decision, joined by ``"; "``.

    Parameters
    ----------
    ranked
        The ranked farms in national order.
    area_names
        Natura 2000 area name by ``nr``.
    config
        The threshold, first come first served by day or time, the language.
    first_come_first_served
        Whether the priority group is ordered by time.
    decisions
        What the procedure decided (in the same order as ``ranked``).
    """
    language = config.explain_language
    parts = (
        _DecisionParts(
            ranked["subsidy_eur"].to_numpy(), decisions, ranked["rank"].to_numpy(), language
        )
        if decisions.walks
        else None
    )
    orders = _OrderParts(
        ranked,
        area_names=area_names,
        threshold_m=config.threshold_m,
        first_come_first_served=first_come_first_served,
        language=language,
        by_day=config.fcfs == "day",
        lot_number=decisions.lot_number,
        lot_size=decisions.lot_size,
    )

    def rows(start: int, stop: int) -> np.ndarray:
        order = orders.rows(start, stop)
        if parts is not None:
            order = _cat(order, "; ", parts.rows(start, stop))
        return order.astype(object)

    # every farm's reason is its own: the rows are split over threads (numpy's string
    # functions release the GIL), which joined give the same texts
    return map_rows(rows, len(ranked))
