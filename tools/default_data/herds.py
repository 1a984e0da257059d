"""Herds, ammonia emissions and buyout offers of the synthetic farms, per sector.

Herd sizes are lognormal per sector. Emissions are animal places times the emission factors of
``facts/emission_factors.csv`` (Rav, kg NH3 per animal place per year). An offer is the production
rights at market value plus the value of the stables (``facts/stable_values.csv``, assumed orders of
magnitude), times a lognormal noise. Piglets on sow farms are left out (a simplification).
"""

from __future__ import annotations

import numpy as np

from tools.default_data.facts import emission_factors, stable_values

__all__ = ["herds"]

# Production rights. Phosphate rights ~EUR 121 per kg, dairy cow ~40-45 kg phosphate (rights per
# cow incl. young stock); pig rights ~EUR 150 in the southern concentration area (1 right ~ 1
# finishing pig place; a sow place is assumed to need 2.5 rights), EUR 120 elsewhere (assumed);
# poultry rights EUR 30 per place (assumed).
_PHOSPHATE_EUR_PER_KG = 121.0
_PHOSPHATE_KG_PER_COW = (40.0, 45.0)
_PIG_RIGHT_EUR_SOUTH, _PIG_RIGHT_EUR_ELSEWHERE = 150.0, 120.0
_PIG_RIGHT_SOUTH_MAX_Y = 420_000.0  # concentratiegebied Zuid: Noord-Brabant and Limburg
_RIGHTS_PER_SOW = 2.5
_POULTRY_RIGHT_EUR = 30.0


def _lognormal(rng: np.random.Generator, n: int, median: float, sigma: float) -> np.ndarray:
    """n lognormal draws of the given median and log standard deviation."""
    return median * np.exp(sigma * rng.standard_normal(n))


def _round_to(a: np.ndarray, step: int, minimum: int) -> np.ndarray:
    """a rounded to a multiple of step (whole numbers), at least minimum."""
    return np.maximum(np.rint(a / step).astype(np.int64) * step, minimum)


def herds(rng: np.random.Generator, sector: str, y: np.ndarray) -> tuple:
    """Headline animal count, its type, kg NH3 per year and the buyout offer (EUR) per farm.

    Parameters
    ----------
    rng
        The farms' random stream.
    sector
        A sector of ``facts/sectors.csv``.
    y
        The farms' y coordinates (m): pig rights are dearer in the south.

    Returns
    -------
    tuple
        Animal counts, animal types (Dutch), kg NH3 per year, offers in EUR (unrounded).
    """
    factors = emission_factors()  # pigs: a value per housing (finishing pigs), a range (sows)
    kg = {animal: values[0] for animal, values in factors.items()}
    stable_eur = stable_values()
    n = y.size
    u = rng.random((n, 3))
    noise = np.exp(0.18 * rng.standard_normal(n))
    if sector == "dairy":
        cows = _round_to(_lognormal(rng, n, 105.0, 0.45), 1, 12)
        young = np.rint(cows * (0.25 + 0.2 * u[:, 0]))
        nh3 = cows * kg["dairy_cow"] + young * kg["young_stock"]
        p_kg = (
            _PHOSPHATE_KG_PER_COW[0]
            + (_PHOSPHATE_KG_PER_COW[1] - _PHOSPHATE_KG_PER_COW[0]) * u[:, 1]
        )
        eur = cows * (p_kg * _PHOSPHATE_EUR_PER_KG + stable_eur["dairy_cow"])
        eur = eur + young * stable_eur["young_stock"]
        return cows, ["melkkoeien"] * n, nh3, eur * noise
    if sector == "pigs":
        right = np.where(y < _PIG_RIGHT_SOUTH_MAX_Y, _PIG_RIGHT_EUR_SOUTH, _PIG_RIGHT_EUR_ELSEWHERE)
        sows = u[:, 0] < 0.35
        fin = _round_to(_lognormal(rng, n, 2200.0, 0.6), 10, 200)
        sow = _round_to(_lognormal(rng, n, 550.0, 0.5), 10, 60)
        housing = np.asarray(factors["finishing_pig"])[
            np.minimum(np.searchsorted([0.35, 0.70], u[:, 1], side="right"), 2)
        ]
        lo, hi = factors["sow"]
        sow_factor = lo + (hi - lo) * u[:, 1]
        count = np.where(sows, sow, fin)
        nh3 = np.where(sows, sow * sow_factor, fin * housing)
        eur = np.where(
            sows,
            sow * (_RIGHTS_PER_SOW * right + stable_eur["sow"]),
            fin * (right + stable_eur["finishing_pig"]),
        )
        kinds = ["zeugen" if s else "vleesvarkens" for s in sows.tolist()]
        return count, kinds, nh3, eur * noise
    if sector == "poultry":
        layers = u[:, 0] < 0.6
        hens = _round_to(_lognormal(rng, n, 38_000.0, 0.55), 100, 2000)
        broilers = _round_to(_lognormal(rng, n, 70_000.0, 0.5), 100, 5000)
        count = np.where(layers, hens, broilers)
        nh3 = np.where(layers, hens * kg["laying_hen"], broilers * kg["broiler"])
        stable = np.where(layers, stable_eur["laying_hen"], stable_eur["broiler"])
        eur = count * (_POULTRY_RIGHT_EUR + stable)
        kinds = ["leghennen" if s else "vleeskuikens" for s in layers.tolist()]
        return count, kinds, nh3, eur * noise
    if sector == "veal_beef":
        veal = u[:, 0] < 0.75
        calves = _round_to(_lognormal(rng, n, 700.0, 0.55), 10, 50)
        beef = _round_to(_lognormal(rng, n, 90.0, 0.6), 1, 10)
        count = np.where(veal, calves, beef)
        nh3 = np.where(veal, calves * kg["veal_calf"], beef * kg["beef"])
        eur = np.where(veal, calves * stable_eur["veal_calf"], beef * stable_eur["beef"])
        kinds = ["vleeskalveren" if s else "vleesvee" for s in veal.tolist()]
        return count, kinds, nh3, eur * noise
    if sector == "goats_sheep":
        goats = u[:, 0] < 0.55
        g = _round_to(_lognormal(rng, n, 700.0, 0.6), 10, 50)
        s = _round_to(_lognormal(rng, n, 250.0, 0.7), 5, 20)
        count = np.where(goats, g, s)
        nh3 = np.where(goats, g * kg["goat"], s * kg["sheep"])
        eur = np.where(goats, g * stable_eur["goat"], s * stable_eur["sheep"])
        kinds = ["melkgeiten" if v else "schapen" for v in goats.tolist()]
        return count, kinds, nh3, eur * noise
    horses = _round_to(_lognormal(rng, n, 25.0, 0.7), 1, 4)
    nh3 = horses * kg["horse"]
    return horses, ["paarden"] * n, nh3, horses * stable_eur["horse"] * noise
