"""The what-if controls on a region's map: the data ``vbr.regionWhatif`` (``vbr_scenario.js``)
gets and the page elements that carry it.

A region's farms are decided by pots that walk the whole national order, so the page carries
the run's farms of all the country as :mod:`vbr.maps.scenario_data` arrays (without their
places: the region map draws its own farms), the region's farms among them, and the pot whose
budget the control sets (:func:`~vbr.maps.scenario_data.slider_pot`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium
from branca.element import Element, MacroElement

from vbr.maps.data import safe_json
from vbr.maps.html import add_scenario_assets
from vbr.maps.scenario_data import scenario_texts, slider_pot
from vbr.model import RegionList, Result

__all__ = ["RegionWhatIf", "add_whatif", "region_whatif", "whatif_farms_json"]


def whatif_farms_json(national: dict) -> str:
    """The JSON of the run's farms as every region's what-if carries them (without their
    places: the region map draws its own farms)."""
    return safe_json({k: v for k, v in national.items() if k not in ("lat", "lon", "regions")})


@dataclass(frozen=True)
class RegionWhatIf:
    """The what-if payload of one region's map: the run's farms (JSON text, the same for every
    region, so serialised once a run: 0.4 s a region at 45,000 farms) and the region's own
    part (``view``, ``texts``, ``lang``, ``pot``)."""

    farms_json: str
    own: dict

    def to_json(self) -> str:
        """The payload as one JSON object, ``farms`` first (safe inside ``<script>``)."""
        return '{"farms":' + self.farms_json + "," + safe_json(self.own)[1:]


def region_whatif(
    result: Result, national: dict, region: RegionList, *, farms_json: str | None = None
) -> RegionWhatIf | None:
    """The what-if payload of one region's map, from the run's :func:`~vbr.maps.scenario_data.
    scenario_payload` (``national``); ``None`` for a run without a budget. ``farms_json`` is
    :func:`whatif_farms_json` of ``national`` where an earlier region made it."""
    pot = slider_pot(result, region.name)
    if pot is None or not national["rules"]["has_budget"]:
        return None
    lang = result.options.config.language
    return RegionWhatIf(
        farms_json=whatif_farms_json(national) if farms_json is None else farms_json,
        own={
            "view": [int(p) for p in region.positions],
            "texts": scenario_texts(lang),
            "lang": lang,
            "pot": pot,
        },
    )


class _WhatIf(MacroElement):
    """Calls ``vbr.regionWhatif`` after ``vbr.setup`` (added after it, so rendered after it)."""

    def __init__(self, payload: RegionWhatIf, add_script: Callable[[Element, str], None]):
        super().__init__()
        self._name = "VbrWhatIf"
        self.payload = payload.to_json()
        self._add_script = add_script

    def render(self, **kwargs) -> None:
        self._add_script(self, f"vbr.regionWhatif({self.payload});\n")


def add_whatif(
    fmap: folium.Map, payload: RegionWhatIf, add_script: Callable[[Element, str], None]
) -> None:
    """Put the what-if code, styles and ``payload`` on a region's map (after its setup)."""
    add_scenario_assets(fmap.get_root())
    fmap.add_child(_WhatIf(payload, add_script))
