"""The buy-out view of the farm popups ("effect van uitkoop", ``buyoutView`` in
``vbr_scenario.js``), the same on the region maps (``vbr.regionBuyout``) and on the overview map
``national/map.html`` (``vbr.national``).

The view reads the farm's distance, NH3, subsidy, ``impact_mol`` and ``eur_per_mol`` from the
data the popup already shows. With ``--exceedance`` the page also carries (:func:`buyout_payload`):

- the deposition kernel's parameters, once (``c``, ``r0_m``, ``power``, ``cutoff_m``): the
  browser draws the farm's footprint from them (the rings where ``nh3_kg x K(r)`` crosses a
  few levels of mol N/ha/yr), shown only on the overloaded cells of the raster layer;
- per farm of the map the areas it deposits most on (at most :data:`TOP_AREAS`, mol N/yr to
  :data:`MOL_DIGITS` significant digits), computed once a run for every ranked farm with
  :func:`vbr.core.deposition.area_impacts` (the kernel and FFT of ``impact_mol``, split by
  area; :func:`area_table`), in flat arrays (:func:`area_arrays`): ``count`` (areas listed per
  farm), ``area`` (each listed area as an index into ``nr`` and ``name``), ``mol``, and per farm
  ``reach`` (the areas with a contribution) and ``rest`` (``impact_mol`` on the areas not
  listed, summed from the unrounded figures); the view names the rest as "n other areas".
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import numpy as np
import shapely
from branca.element import Element, MacroElement

from vbr.core.deposition import area_impacts
from vbr.geometry import RD_NEW
from vbr.maps.data import display_image, safe_json
from vbr.maps.html import add_scenario_assets
from vbr.model import Result

__all__ = [
    "MOL_DIGITS",
    "TOP_AREAS",
    "add_buyout",
    "area_arrays",
    "area_table",
    "buyout_payload",
    "raster_picture",
    "run_area_table",
]

#: Areas listed per farm (the rest is summed).
TOP_AREAS = 5
#: Significant digits of a listed area's mol N/yr.
MOL_DIGITS = 4


def _significant(value: float) -> float:
    return float(f"{value:.{MOL_DIGITS}g}")


def _short(value: float) -> float | int:
    """``value`` as an int where it is whole (``0``, not ``0.0``, in the page's JSON)."""
    return int(value) if value.is_integer() else value


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


def run_area_table(result: Result) -> tuple[np.ndarray, np.ndarray, dict[int, int]] | None:
    """:func:`area_table` of every ranked farm (one computation for the region maps and the
    overview) and each farm's row in it, or ``None`` without ``--exceedance``."""
    if result.exceedance is None:
        return None
    positions = np.arange(len(result.ranked), dtype=np.int64)
    nr, mol = area_table(result, positions)
    return nr, mol, {int(p): k for k, p in enumerate(positions)}


def raster_picture(result: Result) -> tuple[str, tuple[float, float, float, float]] | None:
    """The exceedance raster's overloaded cells as an inline PNG (``data:`` URI) and its bounds
    (south, west, north, east), the same picture on every map, or ``None`` without
    ``--exceedance``."""
    if result.exceedance is None:
        return None
    import base64

    png, bounds = display_image(result.exceedance)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii"), bounds


def _order(nr: np.ndarray, mol: np.ndarray) -> np.ndarray:
    """Per farm (row of ``mol``) the areas' columns, largest first (ties by ``nr``)."""
    if not mol.size:
        return np.zeros(mol.shape, dtype=np.int64)
    return np.lexsort((np.broadcast_to(nr, mol.shape), -mol), axis=-1)


def _top(nr: np.ndarray, mol: np.ndarray) -> list[list[float]]:
    """Per farm ``[nr, mol, ...]`` of its :data:`TOP_AREAS` largest areas (ties by ``nr``)."""
    out = []
    for row, order in zip(mol, _order(nr, mol), strict=True):
        flat: list[float] = []
        for k in order[:TOP_AREAS]:
            if row[k] > 0:
                flat += [int(nr[k]), _significant(float(row[k]))]
        out.append(flat)
    return out


def _rest(nr: np.ndarray, mol: np.ndarray) -> np.ndarray:
    """Per farm the mol N/yr on the areas :func:`_top` does not list."""
    if not mol.size:
        return np.zeros(len(mol))
    rest = np.take_along_axis(mol, _order(nr, mol)[:, TOP_AREAS:], axis=1)
    return rest.sum(axis=1)


def area_arrays(nr: np.ndarray, mol: np.ndarray, names: dict[int, str]) -> dict:
    """The per-area figures of farms (rows of ``mol``, columns the areas ``nr``) as the buy-out
    view reads them: flat arrays, the listed areas by index into ``nr``/``name`` (only the
    areas some farm lists, by ``nr``)."""
    top = _top(nr, mol)
    listed = sorted({int(a) for flat in top for a in flat[0::2]})
    index = {a: k for k, a in enumerate(listed)}
    return {
        "nr": listed,
        "name": [names.get(a, "") for a in listed],
        "count": [len(flat) // 2 for flat in top],
        "area": [index[int(a)] for flat in top for a in flat[0::2]],
        "mol": [_short(m) for flat in top for m in flat[1::2]],
        "reach": (mol > 0).sum(axis=1).astype(int).tolist(),
        "rest": [_short(_significant(v)) for v in _rest(nr, mol)],
    }


def buyout_payload(
    result: Result,
    positions: np.ndarray,
    table: tuple[np.ndarray, np.ndarray, dict[int, int]] | None,
) -> dict:
    """The buy-out payload of a map whose farms are ``positions`` (rows of ``result.ranked``,
    in the map's order): a region map's or the overview's.

    Parameters
    ----------
    result
        The run.
    positions
        The map's farms (rows of ``result.ranked``), in the map's row order.
    table
        :func:`area_table` of the run's farms and the row of each farm in it
        (``{position: row}``), or ``None`` without ``--exceedance``.
    """
    payload: dict = {"kernel": None, "areas": None}
    if table is not None:
        nr, mol, row_of = table
        rows = np.array([row_of[int(p)] for p in positions], dtype="int64")
        k = result.options.config.deposition
        payload["kernel"] = {
            "c": float(k.c),
            "r0_m": float(k.r0_m),
            "power": float(k.power),
            "cutoff_m": float(k.cutoff_m),
        }
        areas = result.natura.areas
        names = {int(a): str(n) for a, n in zip(areas["nr"], areas["name"], strict=True)}
        mine = mol[rows] if len(rows) else np.zeros((0, len(nr)))
        payload["areas"] = area_arrays(nr, mine, names)
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


def add_buyout(fmap: folium.Map, payload: dict, add_script: Callable[[Element, str], None]) -> None:
    """Put the what-if code (its buy-out view), styles and ``payload`` on a region's map."""
    add_scenario_assets(fmap.get_root())
    fmap.add_child(_Buyout(payload, add_script))
