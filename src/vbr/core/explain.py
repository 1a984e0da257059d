"""Plain-language reasons: why each ranked farm stands where it stands, and why it was or was not
selected (Dutch or English). Pure functions on whole columns; no loop with logic per farm.

A reason has two parts joined by ``"; "``:

- the order: ``voorrang: 640 m van Veluwe (57); wie het eerst komt: ingediend 2024-03-01 09:00``
  (priority, first come first served), ``voorrang: 640 m van Veluwe (57); rang op
  kosteneffectiviteit: 812 euro/kg`` (priority ordered by cost), or ``geen voorrang: 2.340 m van
  Veluwe (57), meer dan 1.000 m; rang op kosteneffectiviteit: 812 euro/kg``;
- the budget walk, when there is one: ``geselecteerd: subsidie EUR 2,0 mln binnen resterend budget
  EUR 45,3 mln``, ``niet geselecteerd: resterend budget EUR 1,2 mln < subsidie EUR 2,0 mln``, or
  (policy ``stop``) ``niet geselecteerd: budgetronde gestopt bij rang 812``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vbr.core.budget import left_before, stopped_at
from vbr.model import RegionList
from vbr.settings import Config

__all__ = [
    "LANGUAGES",
    "budget_reasons",
    "join_reasons",
    "national_reasons",
    "order_reasons",
    "region_reasons",
]

LANGUAGES = ("nl", "en")

_WORDS = {
    "nl": {
        "priority": "voorrang",
        "no_priority": "geen voorrang",
        "from": "van",
        "inside": "in",
        "more_than": "meer dan",
        "fcfs": "wie het eerst komt: ingediend",
        "cost": "rang op kosteneffectiviteit",
        "selected": "geselecteerd: subsidie {sub} binnen resterend budget {left}",
        "not_selected": "niet geselecteerd: resterend budget {left} < subsidie {sub}",
        "stopped": "niet geselecteerd: budgetronde gestopt bij rang {rank} (beleid stop)",
        "million": "mln",
        "decimal": ",",
        "thousands": ".",
    },
    "en": {
        "priority": "priority",
        "no_priority": "no priority",
        "from": "from",
        "inside": "inside",
        "more_than": "more than",
        "fcfs": "first come, first served: submitted",
        "cost": "rank by cost-effectiveness",
        "selected": "selected: subsidy {sub} within remaining budget {left}",
        "not_selected": "not selected: remaining budget {left} < subsidy {sub}",
        "stopped": "not selected: the budget walk stopped at rank {rank} (policy stop)",
        "million": "M",
        "decimal": ".",
        "thousands": ",",
    },
}


def _words(language: str) -> dict[str, str]:
    if language not in _WORDS:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return _WORDS[language]


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
    level 2 cents (where two amounts would otherwise read the same)."""
    values = np.asarray(values, dtype="float64")
    level = np.zeros(len(values), dtype="int8") if level is None else level
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
        Whether the priority group is ordered by ``submitted_at``.
    language
        ``"nl"`` or ``"en"``.
    """
    w = _words(language)
    n = len(ranked)
    if n == 0:
        return np.array([], dtype=object)
    priority = ranked["priority"].to_numpy(dtype=bool)
    distance = ranked["distance_m"].to_numpy(dtype="float64")
    nearest = ranked["nearest_n2000"].to_numpy()
    # "name (nr)" once per distinct area, then taken for every farm
    numbers, which = np.unique(nearest, return_inverse=True)
    area = _strings([f"{area_names.get(int(nr), '')} ({int(nr)})" for nr in numbers])[which]
    finite = np.isfinite(distance)
    metres = _metres(np.where(finite, distance, 0.0), threshold_m, w)
    where = np.where(
        distance == 0, _cat(w["inside"] + " ", area), _cat(metres, f" {w['from']} ", area)
    )
    limit = _numbers(np.array([threshold_m]), 0, w)[0]
    cost = _cat(f"; {w['cost']}: ", _euro_per_kg(ranked["eur_per_kg"].to_numpy(dtype="float64"), w))
    head = np.where(
        priority,
        _cat(w["priority"] + ": ", where),
        _cat(w["no_priority"] + ": ", where, f", {w['more_than']} {limit} m"),
    )
    # no overloaded area at all (infinite distance): say nothing about distance
    head = np.where(finite, head, _strings([w["no_priority"]] * n))
    tail = cost
    if first_come_first_served and "submitted_at" in ranked:
        local = pd.to_datetime(ranked["submitted_at"], utc=True).dt.tz_convert("Europe/Amsterdam")
        naive = local.dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
        stamp = np.strings.replace(_strings(np.datetime_as_string(naive, unit="s")), "T", " ")
        tail = np.where(priority, _cat(f"; {w['fcfs']} ", stamp), cost)
    return _cat(head, tail).astype(object)


def budget_reasons(
    *,
    subsidy_eur: np.ndarray,
    selected: np.ndarray,
    left_before_eur: np.ndarray,
    stopped_at_rank: int | None,
    national_rank: np.ndarray,
    language: str,
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
    """
    w = _words(language)
    n = len(subsidy_eur)
    if n == 0:
        return np.array([], dtype=object)
    subsidy = np.asarray(subsidy_eur, dtype="float64")
    left = np.asarray(left_before_eur, dtype="float64")
    # where the two amounts would read the same after rounding, show more digits
    level = np.zeros(n, dtype="int8")
    sub_text, left_text = _money(subsidy, w), _money(left, w)
    for _ in range(2):
        same = sub_text == left_text
        if not same.any():
            break
        level[same] += 1
        sub_text, left_text = _money(subsidy, w, level=level), _money(left, w, level=level)
    chosen_text, rejected_text = w["selected"], w["not_selected"]
    out = np.where(
        np.asarray(selected, dtype=bool),
        _cat(*_template(chosen_text, sub=sub_text, left=left_text)),
        _cat(*_template(rejected_text, sub=sub_text, left=left_text)),
    ).astype(object)
    if stopped_at_rank is not None:
        after = np.asarray(national_rank) > stopped_at_rank
        out[after] = w["stopped"].format(rank=stopped_at_rank)
    return out


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


def join_reasons(order: np.ndarray, budget: np.ndarray | None) -> np.ndarray:
    """The order part and the budget part of each reason, joined by ``"; "``.

    Parameters
    ----------
    order
        The order part per farm.
    budget
        The budget part per farm, or ``None`` (the order part alone).
    """
    if budget is None:
        return np.asarray(order, dtype=object)
    return (np.asarray(order, dtype=object) + "; " + np.asarray(budget, dtype=object)).astype(
        object
    )


def national_reasons(
    ranked: pd.DataFrame,
    *,
    area_names: dict[int, str],
    config: Config,
    first_come_first_served: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The order part of every farm's reason (national order), and the part of the national
    budget walk (``None`` without a national budget).

    Parameters
    ----------
    ranked
        The ranked farms with the national walk's ``selected`` and ``cumulative_eur``.
    area_names
        Natura 2000 area name by ``nr``.
    config
        The threshold, the budget and its policy, the language.
    first_come_first_served
        Whether the priority group is ordered by ``submitted_at``.
    """
    order = order_reasons(
        ranked,
        area_names=area_names,
        threshold_m=config.threshold_m,
        first_come_first_served=first_come_first_served,
        language=config.explain_language,
    )
    if config.budget_eur is None:
        return order, None
    selected = ranked["selected"].to_numpy(dtype=bool)
    subsidy = ranked["subsidy_eur"].to_numpy()
    ranks = ranked["rank"].to_numpy()
    budget = budget_reasons(
        subsidy_eur=subsidy,
        selected=selected,
        left_before_eur=left_before(
            subsidy, selected, ranked["cumulative_eur"].to_numpy(), config.budget_eur
        ),
        stopped_at_rank=stopped_at(ranks, selected, config.budget_policy),
        national_rank=ranks,
        language=config.explain_language,
    )
    return order, budget


def region_reasons(
    order: np.ndarray, ranked: pd.DataFrame, region: RegionList, *, language: str
) -> np.ndarray:
    """The ``reason`` column of a region's list: the national order part, and the budget part
    of the region's own walk (none when no regional budget covers the region).

    Parameters
    ----------
    order
        The order part of every farm's reason, national order.
    ranked
        The ranked farms (``subsidy_eur``, ``rank``).
    region
        The region with its walk.
    language
        ``"nl"`` or ``"en"``.
    """
    own = order[region.positions]
    if region.selected is None:
        return join_reasons(own, None)
    budget = budget_reasons(
        subsidy_eur=ranked["subsidy_eur"].to_numpy()[region.positions],
        selected=region.selected,
        left_before_eur=region.left_before_eur,
        stopped_at_rank=region.stopped_at_rank,
        national_rank=ranked["rank"].to_numpy()[region.positions],
        language=language,
    )
    return join_reasons(own, budget)
