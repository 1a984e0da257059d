"""The buy-out view of a region map's farm popups ("effect van uitkoop", ``vbr.regionBuyout``
in ``vbr_scenario.js``, the code the overview map's popup uses too).

The view reads the farm's distance, NH3, subsidy, ``impact_mol`` and ``eur_per_mol`` from the
row the popup already shows (``ranking.csv``). With ``--exceedance`` the page also carries:

- the deposition kernel's parameters, once (``c``, ``r0_m``, ``power``, ``cutoff_m``): the
  browser draws the farm's footprint from them (the rings where ``nh3_kg x K(r)`` crosses a
  few levels of mol N/ha/yr), shown only on the overloaded cells of the raster layer;
- per farm of the region the areas it deposits most on, as ``[nr, mol, nr, mol, ...]`` (at most
  :data:`TOP_AREAS`, mol N/yr to :data:`MOL_DIGITS` significant digits), computed here with
  :func:`vbr.core.deposition.area_impacts` (the kernel and FFT of ``impact_mol``, split by
  area); the view names the rest as "n other areas" with their sum (``impact_mol`` minus the
  listed ones; ``reach``: the number of areas with a contribution per farm).
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import numpy as np
import shapely
from branca.element import Element, MacroElement

from vbr.core.deposition import area_impacts
from vbr.geometry import RD_NEW
from vbr.maps import assets
from vbr.maps.data import safe_json
from vbr.model import Result

__all__ = ["MOL_DIGITS", "TOP_AREAS", "add_buyout", "area_table", "region_buyout"]

#: Areas listed per farm (the rest is summed).
TOP_AREAS = 5
#: Significant digits of a listed area's mol N/yr.
MOL_DIGITS = 4


def _significant(value: float) -> float:
    return float(f"{value:.{MOL_DIGITS}g}")


def area_table(result: Result, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Per area the mol N/yr each farm at ``positions`` (rows of ``result.ranked``) deposits on
    its overloaded cells (:func:`~vbr.core.deposition.area_impacts`), or ``None`` without
    ``--exceedance``.

    Returns
    -------
    nr, mol
        Area numbers and ``mol[farm, area]`` (farms in the order of ``positions``).
    """
    if result.exceedance is None:
        return None
    ranked = result.ranked
    areas = result.natura.areas
    if areas.crs is not None and not areas.crs.equals(RD_NEW):
        areas = areas.to_crs(RD_NEW)
    points = ranked.geometry.values[positions]
    return area_impacts(
        shapely.get_x(points),
        shapely.get_y(points),
        ranked["nh3_kg"].to_numpy(dtype="float64")[positions],
        result.exceedance,
        areas,
        result.options.config.deposition,
    )


def _top(nr: np.ndarray, mol: np.ndarray) -> list[list[float]]:
    """Per farm ``[nr, mol, ...]`` of its :data:`TOP_AREAS` largest areas (ties by ``nr``)."""
    out = []
    for row in mol:
        order = np.lexsort((nr, -row))[:TOP_AREAS]
        flat: list[float] = []
        for k in order:
            if row[k] > 0:
                flat += [int(nr[k]), _significant(float(row[k]))]
        out.append(flat)
    return out


def _rest(nr: np.ndarray, mol: np.ndarray) -> np.ndarray:
    """Per farm the mol N/yr on the areas :func:`_top` does not list."""
    out = np.zeros(len(mol))
    for k, row in enumerate(mol):
        order = np.lexsort((nr, -row))
        out[k] = float(row[order[TOP_AREAS:]].sum())
    return out


def region_buyout(
    result: Result,
    region_positions: np.ndarray,
    table: tuple[np.ndarray, np.ndarray, dict[int, int]] | None,
) -> dict:
    """The buy-out payload of one region's map.

    Parameters
    ----------
    result
        The run.
    region_positions
        The region's farms (rows of ``result.ranked``), in the map's row order.
    table
        :func:`area_table` of the farms of every region and the row of each farm in it
        (``{position: row}``), or ``None`` without ``--exceedance``.
    """
    payload: dict = {"kernel": None, "areas": None}
    if table is not None:
        nr, mol, row_of = table
        rows = np.array([row_of[int(p)] for p in region_positions], dtype="int64")
        k = result.options.config.deposition
        payload["kernel"] = {
            "c": float(k.c),
            "r0_m": float(k.r0_m),
            "power": float(k.power),
            "cutoff_m": float(k.cutoff_m),
        }
        mine = mol[rows] if len(rows) else np.zeros((0, len(nr)))
        payload["areas"] = _top(nr, mine)
        payload["reach"] = (mine > 0).sum(axis=1).astype(int).tolist()
        payload["rest"] = [_significant(v) for v in _rest(nr, mine)]
    return payload


class _Buyout(MacroElement):
    """Calls ``vbr.regionBuyout`` after ``vbr.setup`` (added after it, so rendered after it)."""

    def __init__(self, payload: dict, add_script: Callable[[Element, str], None]):
        super().__init__()
        self._name = "VbrBuyout"
        self.payload = safe_json(payload)
        self._add_script = add_script

    def render(self, **kwargs) -> None:
        self._add_script(self, f"vbr.regionBuyout({self.payload});\n")


class _Raw(Element):
    def __init__(self, markup: str):
        super().__init__()
        self._markup = markup

    def render(self, **kwargs) -> str:
        return self._markup


def add_buyout(fmap: folium.Map, payload: dict, add_script: Callable[[Element, str], None]) -> None:
    """Put the what-if code (its buy-out view), styles and ``payload`` on a region's map."""
    header = fmap.get_root().header
    header.add_child(_Raw(assets.inline_css(assets.scenario_css())), name="vbr_scenario_css")
    header.add_child(_Raw(assets.inline_script(assets.scenario_js())), name="vbr_scenario_js")
    fmap.add_child(_Buyout(payload, add_script))
