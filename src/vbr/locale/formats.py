"""Numbers, money, distances and times as people write them, by Babel (CLDR data).

``format_eur(1234567, "nl")`` is ``€ 1.234.567``, ``format_eur_per_kg(20.129, "nl")`` is
``€ 20,13 per kg NH₃``, ``format_kg(83.87, "nl")`` is ``83,9 kg NH₃/jaar``, ``format_m(934.6,
"nl")`` is ``935 m`` and ``format_datetime(t, "nl")`` is ``5 maart 2024 15:59`` (Dutch local
time); the English forms with ``"en"`` (``€1,234,567``, ``83.9 kg NH₃/year``, ``5 March 2024
15:59``). Distances to the metre, kg to one decimal, euro to the euro, euro per kg to the cent.

Rounding: the float's shortest decimal text (``0.15`` for 0.15), halves away from zero, as
JavaScript's ``Intl.NumberFormat`` does in Chromium (V8/ICU). The maps format a farm's values
in the browser with ``Intl`` from the raw numbers (one popup at a time: no time or bytes spent
on 45,000 farms here), and a browser test holds the two to the same text.

The words around the numbers (units) come from the catalogue (``units.*``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal

from vbr.locale import babel_locale, t

__all__ = [
    "AMSTERDAM",
    "DATETIME_PATTERN",
    "format_count",
    "format_date",
    "format_datetime",
    "format_eur",
    "format_eur_per_kg",
    "format_eur_per_mol",
    "format_kg",
    "format_m",
    "format_mol",
    "format_number",
    "format_tonnes",
    "intl_locale",
]

#: Times are shown in Dutch local time, summer time included.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: Day, month in words, year, 24-hour time: ``5 maart 2024 15:59``, ``5 March 2024 15:59``.
DATETIME_PATTERN = "d MMMM y HH:mm"
#: The day alone: ``5 maart 2024``, ``5 March 2024``.
DATE_PATTERN = "d MMMM y"


def intl_locale(lang: str) -> str:
    """The BCP 47 tag JavaScript's ``Intl`` gets for a language (``nl-NL``, ``en-GB``)."""
    return babel_locale(lang).replace("_", "-")


def _rounded(value: float, decimals: int) -> decimal.Decimal:
    """``value`` (as its shortest decimal text) rounded to ``decimals`` places, halves away from
    zero; exact for every finite float (a float has at most 309 digits before the point)."""
    exact = decimal.Decimal(repr(float(value)))
    with decimal.localcontext(prec=_DIGITS + decimals):
        return exact.quantize(decimal.Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP)


#: Enough significant digits for any finite float before the decimal point (at most 309), so
#: that no figure is too large to format.
_DIGITS = 320


@cache
def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


@cache
def _currency_pattern(lang: str, decimals: int) -> str:
    """The locale's own currency pattern (where the sign goes, a space or not) with
    ``decimals`` fraction digits."""
    pattern = Locale.parse(babel_locale(lang)).currency_formats["standard"].pattern
    return pattern.replace("0.00", "0" + ("." + "0" * decimals if decimals else ""))


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """``1.234,5`` (nl) or ``1,234.5`` (en), with exactly ``decimals`` places."""
    with decimal.localcontext(prec=_DIGITS + decimals):
        return format_decimal(
            _rounded(value, decimals), _pattern(decimals), locale=babel_locale(lang)
        )


def format_count(value: int, lang: str) -> str:
    """A whole number with the language's thousands mark: ``24.988``, ``24,988``."""
    return format_number(value, lang, 0)


def _money(value: float, lang: str, decimals: int) -> str:
    with decimal.localcontext(prec=_DIGITS + decimals):
        return format_currency(
            _rounded(value, decimals),
            "EUR",
            _currency_pattern(lang, decimals),
            locale=babel_locale(lang),
            currency_digits=False,
        )


def format_eur(value: float, lang: str) -> str:
    """Euro to the euro: ``€ 1.234.567`` (nl), ``€1,234,567`` (en)."""
    return _money(value, lang, 0)


def format_eur_per_kg(value: float, lang: str) -> str:
    """Euro per kg NH₃ to the cent: ``€ 20,13 per kg NH₃``."""
    return t("units.eur_per_kg", lang, value=_money(value, lang, 2))


def format_eur_per_mol(value: float, lang: str) -> str:
    """Euro per mol N to the cent: ``€ 1.234,56 per mol N``."""
    return t("units.eur_per_mol", lang, value=_money(value, lang, 2))


def format_kg(value: float, lang: str) -> str:
    """kg NH₃ a year to one decimal: ``83,9 kg NH₃/jaar``."""
    return t("units.kg_per_year", lang, value=format_number(value, lang, 1))


def format_tonnes(value_kg: float, lang: str) -> str:
    """Tonnes NH₃ a year to one decimal, from kg: ``6.911,2 t NH₃/jaar``."""
    return t("units.t_per_year", lang, value=format_number(value_kg / 1000.0, lang, 1))


def format_mol(value: float, lang: str) -> str:
    """Deposition in mol N a year to one decimal: ``12,3 mol N/jaar``."""
    return t("units.mol_per_year", lang, value=format_number(value, lang, 1))


def format_m(value: float, lang: str, *, threshold_m: float | None = None) -> str:
    """A distance to the metre (``935 m``); to the centimetre where rounding would hide which
    side of ``threshold_m`` it lies on (``1.000,40 m`` for 1,000.4 m against 1,000 m)."""
    blurred = (
        threshold_m is not None
        and value != threshold_m
        and _rounded(value, 0) == _rounded(threshold_m, 0)
    )
    return t("units.m", lang, value=format_number(value, lang, 2 if blurred else 0))


def format_datetime(value: dt.datetime, lang: str) -> str:
    """A moment in Dutch local time: ``5 maart 2024 15:59``. A time without a zone is taken to
    be Dutch local time already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=AMSTERDAM)
    return _babel_datetime(value, DATETIME_PATTERN, tzinfo=AMSTERDAM, locale=babel_locale(lang))


def format_date(value: dt.datetime, lang: str) -> str:
    """The day of a moment in Dutch local time: ``5 maart 2024``. A time without a zone is taken
    to be Dutch local time already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=AMSTERDAM)
    return _babel_datetime(value, DATE_PATTERN, tzinfo=AMSTERDAM, locale=babel_locale(lang))
