"""Euro amounts as people type them: ``100.000.000``, ``EUR 100 mln``, ``1,125 mld``, ``1.5e8``.

One parser for every euro amount (``--budget``, euro values in the config file): the command
line wraps :func:`parse_euro` in a click parameter type, the config reader calls it on text
values. The rules, in order:

- A currency mark before or after the number is dropped: ``€``, ``EUR``, ``euro`` (any case).
- A unit after the number multiplies it: ``k``, ``duizend`` (1,000); ``M``, ``mln``, ``mio``,
  ``miljoen``, ``million`` (1,000,000); ``mld``, ``miljard``, ``bn``, ``billion`` (10^9).
  ``biljoen`` is refused: it is 10^12 in Dutch but looks like the English billion.
- Thousands are grouped by three with ``.``, ``,``, a space (also no-break and narrow spaces),
  ``_`` or ``'``: ``100.000.000``, ``100,000,000``, ``100 000 000``, ``100_000_000``.
- Where both ``.`` and ``,`` occur, the last one is the decimal mark (``1.234.567,89``,
  ``1,234,567.89``). One mark that occurs more than once groups thousands (``1.125.000.000``).
- One lone ``.`` or ``,``: with a unit it is the decimal mark (``1,125 mld``, ``2.5 mln``: a
  fraction of the unit is what people write there); without a unit it is the decimal mark when
  not exactly three digits follow (``12,5``, ``0.75``). ``1.125`` and ``1,125`` without a unit
  read two ways (one and a bit, or eleven hundred and twenty-five) and are refused.
- Scientific notation with a decimal point: ``1.5e8``, ``1E9``.

Negative, infinite and not-a-number amounts are refused. The amount is computed exactly
(:class:`decimal.Decimal`): ``1,125 mld`` is 1,125,000,000 to the cent.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from vbr.locale import say

__all__ = ["UNITS", "AmountError", "parse_euro"]

#: Unit words after the number (lower case) and what they multiply by.
UNITS: dict[str, int] = {
    "k": 10**3,
    "duizend": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mln": 10**6,
    "mio": 10**6,
    "miljoen": 10**6,
    "million": 10**6,
    "mld": 10**9,
    "miljard": 10**9,
    "bn": 10**9,
    "billion": 10**9,
}

#: What a message suggests instead of a form that cannot be used.
EXAMPLES = "100000000, 100.000.000, 100 000 000, EUR 100 mln, 1,125 mld or 1.5e8"

_CURRENCY = re.compile(r"^(?:€|eur|euro)\s*|\s*(?:€|eur|euro)$", re.IGNORECASE)
_UNIT = re.compile(r"^(?P<number>.*?)\s*(?P<unit>[a-z]+)\.?$", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
#: Marks that only group thousands (spaces of several kinds, underscore, apostrophe).
_GROUP_ONLY = re.compile(r"[ \u00a0\u202f\u2009_']")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_MINUS = ("-", "\u2212")


class AmountError(ValueError):
    """Text that is not a usable euro amount; the message says why and what to write."""


def parse_euro(text: str | float | int) -> Decimal:
    """The euro amount that ``text`` means (see the module's rules).

    Parameters
    ----------
    text
        What was typed; numbers (``int``, ``float``) are taken as they are.

    Returns
    -------
    Decimal
        The amount in euro, >= 0 and finite.

    Raises
    ------
    AmountError
        When the text is empty, is no amount, reads two ways, or is negative or not finite.
    """
    if isinstance(text, bool):
        raise AmountError(say("amount_not", value=repr(text), examples=EXAMPLES))
    if isinstance(text, int | float):
        return _checked(Decimal(repr(text)) if isinstance(text, float) else Decimal(text), text)
    raw = str(text)
    body = raw.strip()
    for _ in range(2):  # a mark on both sides ("EUR 5 €") is dropped once each
        body = _CURRENCY.sub("", body).strip()
    negative = body.startswith(_MINUS)
    if negative or body.startswith("+"):
        body = body[1:].lstrip()
    if body.lower() in ("nan", "inf", "infinity"):
        raise AmountError(say("amount_not_finite", value=repr(raw)))
    unit = 1
    match = _UNIT.match(body)
    if match and not _SCIENTIFIC.match(body):
        if not match["number"].strip():
            raise AmountError(say("amount_not", value=repr(raw), examples=EXAMPLES))
        word = match["unit"].lower()
        if word == "biljoen":
            raise AmountError(say("amount_biljoen", value=repr(raw)))
        if word not in UNITS:
            raise AmountError(
                say("amount_unit", value=repr(raw), unit=repr(match["unit"]), examples=EXAMPLES)
            )
        unit, body = UNITS[word], match["number"].strip()
    number = _number(body, raw, with_unit=unit != 1)
    amount = number * unit
    if negative and amount != 0:
        raise AmountError(say("amount_negative", value=repr(raw)))
    return _checked(amount, raw)


def _number(body: str, raw: str, *, with_unit: bool) -> Decimal:
    """The number in ``body`` (no sign, currency or unit left)."""
    if not body:
        raise AmountError(say("amount_no_number", value=repr(raw), examples=EXAMPLES))
    if _SCIENTIFIC.match(body):
        return _decimal(body, raw)
    if _GROUP_ONLY.search(body):
        groups = _GROUP_ONLY.split(body)
        rest = groups[-1]
        head, decimals = _split_decimal(rest)
        if not re.fullmatch(r"\d{1,3}", groups[0]) or not all(
            re.fullmatch(r"\d{3}", g) for g in [*groups[1:-1], head]
        ):
            raise AmountError(say("amount_spaces", value=repr(raw), examples=EXAMPLES))
        return _decimal("".join(groups[:-1]) + head + decimals, raw)
    points, commas = body.count("."), body.count(",")
    if points and commas:
        decimal_mark = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        whole, _, fraction = body.rpartition(decimal_mark)
        if thousands in fraction or not _grouped(whole, thousands):
            raise AmountError(say("amount_both_marks", value=repr(raw)))
        return _decimal(whole.replace(thousands, "") + "." + fraction, raw)
    mark = "." if points else "," if commas else ""
    count = points or commas
    if count > 1:
        if not _grouped(body, mark):
            raise AmountError(
                say(
                    "amount_groups", value=repr(raw), mark=mark, count=str(count), examples=EXAMPLES
                )
            )
        return _decimal(body.replace(mark, ""), raw)
    if count == 1:
        whole, _, fraction = body.partition(mark)
        if len(fraction) == 3 and not with_unit and re.fullmatch(r"[1-9]\d{0,2}", whole):
            raise AmountError(
                say(
                    "amount_two_ways",
                    value=repr(raw),
                    mark=mark,
                    full=f"{whole}{fraction}",
                    cents=f"{whole}.{fraction},00",
                    unit=f"{whole},{fraction} mld",
                )
            )
        return _decimal(whole + "." + fraction, raw)
    return _decimal(body, raw)


def _split_decimal(group: str) -> tuple[str, str]:
    """The last space-separated group and its decimal part (``"000,50"`` -> ``"000", ".50"``)."""
    for mark in (",", "."):
        if mark in group:
            head, _, fraction = group.partition(mark)
            return head, "." + fraction
    return group, ""


def _grouped(text: str, mark: str) -> bool:
    """Whether ``text`` is digits grouped by three with ``mark`` (``1.234.567``)."""
    return bool(_GROUPED.match(text.replace(mark, ","))) if text else False


def _decimal(text: str, raw: str) -> Decimal:
    if not re.fullmatch(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", text):
        raise AmountError(say("amount_not", value=repr(raw), examples=EXAMPLES))
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover (the pattern above admits only numbers)
        raise AmountError(say("amount_not", value=repr(raw), examples=EXAMPLES)) from None


def _checked(amount: Decimal, raw: object) -> Decimal:
    if not amount.is_finite():
        raise AmountError(say("amount_not_finite", value=repr(raw)))
    if amount < 0:
        raise AmountError(say("amount_negative", value=repr(raw)))
    if not math.isfinite(float(amount)):  # beyond any float: as good as infinite
        raise AmountError(say("amount_not_finite", value=repr(raw)))
    return amount
