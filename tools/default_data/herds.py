"""Herds, ammonia emissions and buyout offers of the synthetic farms, per sector.

Herd sizes are lognormal per kind of farm (``facts/herd_sizes.csv``). Emissions are animal places
times the emission factors of ``facts/emission_factors.csv`` (Rav, kg NH3 per animal place per
year); piglets on sow farms are left out (a simplification). An offer is the production rights at
market value plus the value of the stables (``facts/stable_values.csv``, assumed orders of
magnitude), times a lognormal noise.
"""

from __future__ import annotations

import numpy as np

from tools.default_data.facts import HerdSize, emission_factors, herd_sizes, stable_values

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


def _sizes(rng: np.random.Generator, n: int, herd: HerdSize) -> np.ndarray:
    """n headline herd sizes (animal places) of one kind of farm."""
    return _round_to(_lognormal(rng, n, herd.median, herd.log_sd), herd.step, herd.minimum)


def herds(
    rng: np.random.Generator, sector: str, y: np.ndarray
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
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
    kinds = [h for h in herd_sizes() if h.sector == sector]
    herd = {h.animal: h for h in kinds}
    n = y.size
    u = rng.random((n, 3))
    noise = np.exp(0.18 * rng.standard_normal(n))
    if sector == "dairy":
        cows = _sizes(rng, n, herd["dairy_cow"])
        young = np.rint(cows * (0.25 + 0.2 * u[:, 0]))
        nh3 = cows * kg["dairy_cow"] + young * kg["young_stock"]
        p_kg = (
            _PHOSPHATE_KG_PER_COW[0]
            + (_PHOSPHATE_KG_PER_COW[1] - _PHOSPHATE_KG_PER_COW[0]) * u[:, 1]
        )
        eur = cows * (p_kg * _PHOSPHATE_EUR_PER_KG + stable_eur["dairy_cow"])
        eur = eur + young * stable_eur["young_stock"]
        return cows, [herd["dairy_cow"].animal_type] * n, nh3, eur * noise
    if sector == "pigs":
        right = np.where(y < _PIG_RIGHT_SOUTH_MAX_Y, _PIG_RIGHT_EUR_SOUTH, _PIG_RIGHT_EUR_ELSEWHERE)
        sows = u[:, 0] < herd["sow"].share
        fin = _sizes(rng, n, herd["finishing_pig"])
        sow = _sizes(rng, n, herd["sow"])
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
        types = [herd["sow" if s else "finishing_pig"].animal_type for s in sows.tolist()]
        return count, types, nh3, eur * noise
    if len(kinds) == 2:  # poultry, veal and beef, goats and sheep: one of two kinds of farm
        a, b = kinds
        first = u[:, 0] < a.share
        count = np.where(first, _sizes(rng, n, a), _sizes(rng, n, b))
        nh3 = count * np.where(first, kg[a.animal], kg[b.animal])
        rights = _POULTRY_RIGHT_EUR if sector == "poultry" else 0.0
        eur = count * (rights + np.where(first, stable_eur[a.animal], stable_eur[b.animal]))
        types = [a.animal_type if v else b.animal_type for v in first.tolist()]
        return count, types, nh3, eur * noise
    (only,) = kinds  # horses
    count = _sizes(rng, n, only)
    nh3 = count * kg[only.animal]
    return count, [only.animal_type] * n, nh3, count * stable_eur[only.animal] * noise
