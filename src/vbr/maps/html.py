"""The HTML pages vbr writes itself (``index.html``, the public maps' index, a map's title), from
Jinja2 templates in ``maps/templates/`` with autoescape on: every value is HTML-escaped unless
the template says otherwise, so names and ids from the input show as text. Values are never
parsed as templates (``{{ 7*7 }}`` in a region name stays that text).
"""

from __future__ import annotations

from functools import cache

import jinja2
from branca.element import Element, Figure

from vbr.locale import formats as _formats
from vbr.locale import t

__all__ = ["Formats", "RawMarkup", "add_scenario_assets", "render"]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("vbr.maps", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class Formats:
    """The formats of :mod:`vbr.locale.formats` in one language, for templates (``f.eur(x)``)."""

    def __init__(self, lang: str):
        self.lang = lang

    def count(self, value: int) -> str:
        return _formats.format_count(value, self.lang)

    def eur(self, value: float) -> str:
        return _formats.format_eur(value, self.lang)

    def kg(self, value: float) -> str:
        return _formats.format_kg(value, self.lang)

    def tonnes(self, value_kg: float) -> str:
        return _formats.format_tonnes(value_kg, self.lang)

    def m(self, value: float) -> str:
        return _formats.format_m(value, self.lang)


def render(name: str, lang: str, **context: object) -> str:
    """Render ``templates/<name>`` in ``lang``: the template gets ``lang``, ``tr(key, **values)``
    (a catalogue text) and ``f`` (:class:`Formats`) besides ``context``."""

    def tr(key: str, **values: object) -> str:
        return t(key, lang, **values)

    template = _environment().get_template(name)
    return template.render(lang=lang, tr=tr, f=Formats(lang), **context)


class RawMarkup(Element):
    """Markup put on a Folium page as it is (never parsed as a Jinja template: input text such
    as ``{{ 7*7 }}`` in a region name stays text)."""

    def __init__(self, markup: str):
        super().__init__()
        self._markup = markup

    def render(self, **kwargs) -> str:
        return self._markup


def add_scenario_assets(root: Figure) -> None:
    """Put the what-if code and styles (``vbr_scenario.js``/``.css``) in a page's head, once
    (the what-if controls and the buy-out view both need them)."""
    from vbr.maps import assets

    root.header.add_child(
        RawMarkup(assets.inline_css(assets.scenario_css())), name="vbr_scenario_css"
    )
    root.header.add_child(
        RawMarkup(assets.inline_script(assets.scenario_js())), name="vbr_scenario_js"
    )
