"""The texts people read, one catalogue per language (``nl.toml``, ``en.toml``), and their API.

Why TOML and not gettext: the catalogues are small (a few hundred texts), read by people who
are not programmers (a province that wants a word changed opens ``nl.toml`` in any editor), and
need no compile step (gettext's ``.po`` wants a ``.mo`` build or a parser; TOML is read by the
standard library's ``tomllib``). Texts have keys (``popup.subsidy``), not English source text
as gettext ``msgid``s, so changing an English text never orphans the Dutch one. Placeholders are
Python format fields (``{value}``); JavaScript fills the same ones. Tables group texts by where
they appear (``[map.popup]``); the key of a text is its table path and name (``map.popup.nh3``).

``tests/test_locale.py`` fails when a key is missing in a language, when a text's placeholders
differ between languages, or when a key is used nowhere.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from numbers import Integral

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "MADE_KEYS",
    "Message",
    "Texts",
    "babel_locale",
    "check_language",
    "placeholders",
    "plural",
    "say",
    "t",
    "texts",
]

#: The languages with a catalogue; the first is the default.
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
#: The CLDR locale behind each language: number, money and date formats.
_BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


#: How a field's values were made (the manifest's ``columns``: ``made``), by the catalogue key
#: of its words; the console's column summary and the workbook's cover both say them. A value
#: not listed is shown as the reader wrote it.
MADE_KEYS = {
    "geometry": "console.made_geometry",
    "estimate": "console.made_estimate",
    "computed from animal counts": "console.made_animals",
    "row number": "console.made_row_number",
    "'area' and the number": "console.made_area_number",
    "--all-overloaded": "console.made_all_overloaded",
    "exceedance raster": "console.made_raster",
}


def check_language(lang: str) -> str:
    """``lang`` when it has a catalogue, else ``ValueError`` naming the languages there are."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def babel_locale(lang: str) -> str:
    """The Babel/CLDR locale of a language (``nl_NL``, ``en_GB``)."""
    return _BABEL_LOCALES[check_language(lang)]


def _flatten(table: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


class Texts(Mapping):
    """The catalogue of one language: ``key -> text``."""

    def __init__(self, lang: str, entries: dict[str, str]):
        self.lang = lang
        self._entries = entries

    def __getitem__(self, key: str) -> str:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in the {self.lang!r} catalogue") from None

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, key: str, /, **values: object) -> str:
        """The text of ``key`` with ``values`` filled in (see :func:`t`)."""
        return self[key].format_map(values)

    def subset(self, prefixes: Iterable[str]) -> dict[str, str]:
        """The entries whose key starts with one of ``prefixes`` (the texts a page's JavaScript
        needs, handed to it as one JSON object)."""
        prefixes = tuple(prefixes)
        return {k: v for k, v in self._entries.items() if k.startswith(prefixes)}


@cache
def texts(lang: str) -> Texts:
    """The catalogue of ``lang`` (read once)."""
    check_language(lang)
    raw = resources.files("vbr.locale").joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return Texts(lang, _flatten(tomllib.loads(raw)))


def t(key: str, lang: str, /, **values: object) -> str:
    """The text ``key`` in ``lang`` with its placeholders filled: ``t("map.title", "nl",
    region="Veluwe")``. A missing key raises ``KeyError``; a missing value ``KeyError`` too."""
    return texts(lang)(key, **values)


def placeholders(text: str) -> set[str]:
    """The names of the ``{placeholders}`` in a text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def plural(key: str, lang: str, /, count: int, **values: object) -> str:
    """The singular or plural text of ``key`` for ``count`` (CLDR's plural rule of ``lang``,
    Babel): the catalogue holds ``key.one`` and ``key.other`` (``1 rij``, ``2 rijen``);
    ``{count}`` is filled with ``count`` in the language's digits unless ``values`` gives it."""
    from babel import Locale

    form = Locale.parse(babel_locale(lang)).plural_form(abs(count))
    entries = texts(lang)
    name = f"{key}.{form}" if f"{key}.{form}" in entries else f"{key}.other"
    if "count" not in values:
        from vbr.locale.formats import format_count

        values["count"] = format_count(count, lang)
    return entries(name, **values)


class Message(str):
    """A text of the catalogue, made in English (the machine form, what ``str`` gives and
    tests match on) that keeps its key and values, so that it can be said in any language
    (:meth:`render`). A text with the forms ``key.one`` and ``key.other`` takes the form of
    its whole number ``count`` (``1 rij``, ``2 rijen``). Values that are themselves
    :class:`Message` are rendered too."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, /, **values: object) -> Message:
        self = super().__new__(cls, t(_form(key, "en", values), "en", **_said(values, "en")))
        self.key = key
        self.values = values
        return self

    def __reduce__(self):
        return (_message, (self.key, self.values))

    def render(self, lang: str) -> str:
        """The text in ``lang``."""
        if lang == "en":
            return str(self)
        return t(_form(self.key, lang, self.values), lang, **_said(self.values, lang))


def _form(key: str, lang: str, values: dict[str, object]) -> str:
    """The key of a message's text: ``key.one`` or ``key.other`` by the whole number
    ``count`` (as :func:`plural`) where the catalogue has the forms, else ``key``."""
    entries = texts(lang)
    if f"{key}.other" not in entries:
        return key
    count = values.get("count")
    if not isinstance(count, Integral) or isinstance(count, bool):
        return f"{key}.other"
    from babel import Locale

    form = Locale.parse(babel_locale(lang)).plural_form(abs(int(count)))
    return f"{key}.{form}" if f"{key}.{form}" in entries else f"{key}.other"


def _said(values: dict[str, object], lang: str) -> dict[str, object]:
    """Values as a message says them in ``lang``: a nested :class:`Message` in that language,
    a whole number with the language's thousands mark (``1.234``), a fraction with one decimal,
    a :class:`~decimal.Decimal` with all its digits and the language's marks (a share of
    ``0,5``), a list each of these joined by ``", "``; texts (quoted values, names, row
    numbers) as they are."""
    from vbr.locale.formats import format_count, format_number

    out: dict = {}
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in _said(dict(enumerate(value)), lang).values())
        elif isinstance(value, Message):
            value = value.render(lang)
        elif isinstance(value, bool):
            value = str(value)
        elif isinstance(value, int):
            value = format_count(value, lang)
        elif isinstance(value, float):
            value = format_number(value, lang, 1)
        elif isinstance(value, Decimal):
            from babel.numbers import format_decimal

            value = format_decimal(value, locale=babel_locale(lang), decimal_quantization=False)
        out[name] = value
    return out


def _message(key: str, values: dict[str, object]) -> Message:
    return Message(key, **values)


def say(key: str, /, **values: object) -> Message:
    """An error message of the catalogue's ``[messages]`` table (``say("layer_missing",
    file=..., layer=...)``): English as a ``str``, any language by :meth:`Message.render`."""
    return Message(f"messages.{key}", **values)
