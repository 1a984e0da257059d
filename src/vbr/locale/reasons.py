"""The reasons of rejected rows in the run's language.

Readers and rules (:mod:`vbr.io`, :mod:`vbr.core`) stay language-free: each writes a problem
as one English text with its values (``nh3_kg not a number ('abc')``), the machine form that
the counts by kind (:func:`vbr.io.rejections.reason_kind`, the manifest's ``rejected_reasons``)
are made from. The catalogue's ``[reasons]`` table holds, per key, that English text with
placeholders (``{column} not a number ({value})``, en.toml) and the same text in every other
language (nl.toml). :func:`render_reason` finds the template a text was made from, takes the
values out of it and fills the same key in the run's language; one place, so every reason is
traceable to its key (:func:`reason_key`) and a text that no template matches stays as it is
(English) rather than being lost. :func:`render_kind` does the same for a kind (the part before
the first ``" ("``, ``": "`` or ``"; "``, values written ``N`` and ``'…'``).

A reason of several problems joins them with ``"; "``; a problem may hold ``"; "`` itself, so
the longest run of parts that one template matches is taken first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from vbr.locale import DEFAULT_LANGUAGE, Message, plural, t, texts
from vbr.locale.formats import format_number

__all__ = [
    "count_line",
    "reason_key",
    "render_click",
    "render_kind",
    "render_message",
    "render_note",
    "render_reason",
    "untranslated",
]

#: The table of the catalogue that holds the reasons.
SECTION = "reasons."
#: Values that are themselves texts of the table (a row's label, a ceiling, a missing offer).
_NESTED = frozenset({"where", "ceiling", "lack"})
#: What a value may look like, by placeholder name (default: any text, as short as fits).
_VALUE = {
    "column": r"\S+",
    "count": r"[\d.,]+|N",
    "fields": r"[\d.,]+|N",
    "header": r"[\d.,]+|N",
    "number": r"[\d.,]+|N",
    "position": r"[\d.,]+|N",
}
#: Values that are numbers as the readers write them (``1,000``, ``12.5``): said again in the
#: language's own way (``1.000``, ``12,5``) so that a Dutch text never reads ``1,000`` as one.
_NUMERIC = frozenset({"count", "threshold", "amount", "limit", "times", "explained", "nh3"})
_ENGLISH_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_FIELD = re.compile(r"\{(\w+)\}")
#: The kind's cut and value marks, as :func:`vbr.io.rejections.reason_kind` makes them.
_CUT = re.compile(r" \(|: |; ")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"(?<![<>=] )(?<![\w.{])\d[\d,.]*")


@dataclass(frozen=True)
class _Template:
    key: str
    pattern: re.Pattern[str]
    literal: int


def _compile(key: str, text: str) -> _Template | None:
    """A template's regular expression: its text literally, each placeholder a named group."""
    parts, pos, literal, seen = [], 0, 0, set()
    for m in _FIELD.finditer(text):
        parts.append(re.escape(text[pos : m.start()]))
        literal += m.start() - pos
        name = m.group(1)
        # a placeholder said twice holds the same value twice
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{_VALUE.get(name, '.+?')})")
        seen.add(name)
        pos = m.end()
    parts.append(re.escape(text[pos:]))
    literal += len(text) - pos
    if literal == 0:
        return None  # a bare placeholder would match anything
    return _Template(key, re.compile("".join(parts), re.DOTALL), literal)


def _kind_text(text: str) -> str:
    head = _CUT.split(text, maxsplit=1)[0]
    return _NUMBER.sub("N", _QUOTED.sub("'…'", head)).strip()


@cache
def _templates(kinds: bool, section: str = SECTION) -> tuple[_Template, ...]:
    """The English templates, most literal text first (the most specific wins)."""
    found = []
    for key, text in texts("en").items():
        if key.startswith(section):
            compiled = _compile(key, _kind_text(text) if kinds else text)
            if compiled is not None:
                found.append(compiled)
    return tuple(sorted(found, key=lambda x: (-x.literal, x.key)))


def _match(
    text: str, *, kinds: bool = False, section: str = SECTION
) -> tuple[str, dict[str, str]] | None:
    for template in _templates(kinds, section):
        m = template.pattern.fullmatch(text)
        if m is not None:
            return template.key, m.groupdict()
    return None


def _number(value: str, lang: str) -> str:
    """An English-written number in ``lang`` (``1,000`` -> ``1.000``); other text as it is."""
    m = _ENGLISH_NUMBER.fullmatch(value)
    if m is None:
        return value
    decimals = len(m.group(3)) - 1 if m.group(3) else 0
    return format_number(float(value.replace(",", "")), lang, decimals)


def _fill(key: str, values: dict[str, str], lang: str, *, kinds: bool) -> str:
    values = {
        name: (
            _render_one(v, lang)
            if name in _NESTED and not kinds
            else _number(v, lang)
            if name in _NUMERIC
            else v
        )
        for name, v in values.items()
    }
    text = texts(lang)[key]
    return (_kind_text(text) if kinds else text).format_map(values)


def _render_one(text: str, lang: str) -> str:
    found = _match(text)
    return text if found is None else _fill(*found, lang, kinds=False)


def _segments(text: str) -> list[tuple[str, tuple[str, dict[str, str]] | None]]:
    """The problems of a joined reason, each with its template (or ``None``)."""
    parts = str(text).split("; ")
    out, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            piece = "; ".join(parts[i:j])
            found = _match(piece)
            if found is not None:
                out.append((piece, found))
                i = j
                break
        else:
            out.append((parts[i], None))
            i += 1
    return out


@lru_cache(maxsize=1 << 16)
def render_reason(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A reason (one problem, or several joined by ``"; "``) in ``lang``: ``nh3_kg not a
    number ('abc')`` is ``nh3_kg is geen getal ('abc')`` in ``"nl"``. A problem that no template
    matches stays as it is."""
    if lang == "en" or not text:
        return text
    return "; ".join(
        piece if found is None else _fill(*found, lang, kinds=False)
        for piece, found in _segments(text)
    )


@cache
def render_kind(kind: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A kind of reason (``nh3_kg not a number``) in ``lang`` (``nh3_kg is geen getal``)."""
    if lang == "en" or not kind:
        return kind
    found = _match(kind, kinds=True)
    return kind if found is None else _fill(*found, lang, kinds=True)


def reason_key(text: str) -> str | None:
    """The catalogue key of one problem text (``reasons.not_a_number``), or ``None``."""
    found = _match(text)
    return None if found is None else found[0]


def untranslated(text: str) -> list[str]:
    """The problems of a reason that no template matches (they stay English)."""
    return [piece for piece, found in _segments(text) if found is None]


def count_line(kind: str, rows: int, example: str, farm_id: str, lang: str) -> str:
    """One kind of reason counted, in ``lang``: ``nh3_kg ontbreekt: 2 rijen (bijv. rij 3,
    farm_id 'a')`` (``1 rij``); an empty ``farm_id`` (a public run names no farm) is left out."""
    farm = t("rejections.farm", lang, farm_id=repr(farm_id)) if farm_id else ""
    return t(
        "rejections.kind",
        lang,
        reason=render_kind(kind, lang),
        rows=plural("rejections.rows", lang, count=rows),
        example=render_reason(example, lang),
        farm=farm,
    )


def _render_whole(text: str, lang: str, section: str) -> str:
    if isinstance(text, Message):
        return text.render(lang)
    if lang == "en" or not text:
        return text
    found = _match(text, section=section)
    return text if found is None else _fill(*found, lang, kinds=False)


def render_message(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An error message (exit 2) in ``lang`` where the catalogue's ``[messages]`` has its
    template (``file not found``: ``bestand niet gevonden``); else as it is."""
    return _render_whole(text, lang, "messages.")


def render_note(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A note or warning of a run in ``lang`` where the catalogue's ``[notes]`` has its
    template; else as it is (English)."""
    return _render_whole(text, lang, "notes.")


#: click's messages that hold another message (``{detail}``, ``{hint}``).
_CLICK_FRAMES = ("click.invalid_value", "click.no_such_option_hint", "click.no_such_command_hint")


def render_click(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A message of click (the command-line library: an unknown option, a value out of range)
    in ``lang`` where the catalogue's ``[click]`` table has its English form; the part after
    ``Invalid value for ...:`` (``{detail}``) and a ``Did you mean`` are said the same way."""
    if lang == "en" or not text:
        return text
    found = None
    for key in _CLICK_FRAMES:  # the frames first: their detail may look like anything
        template = _compile(key, texts("en")[key])
        m = template.pattern.fullmatch(text) if template is not None else None
        if m is not None:
            found = key, m.groupdict()
            break
    found = found or _match(text, section="click.")
    if found is None:
        return text
    key, values = found
    said = {k: render_click(v, lang) if k in ("detail", "hint") else v for k, v in values.items()}
    return texts(lang)[key].format_map(said)
