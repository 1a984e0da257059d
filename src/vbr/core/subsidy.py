"""Subsidy estimate where there is no offer, and the Sem alternative for dairy farms.

The estimate follows the way the Lbv/Vbr compensate: the age-corrected value of the stables
(a value per m2 per sector, written off linearly over ``write_off_years`` to a floor) plus the
market value of the production rights that lapse (phosphate, pig and poultry rights; pig and
poultry prices by concentration area), times ``priority_factor`` inside the priority strip. The
Sem (Subsidieregeling extensivering melkveehouderij) pays per cow given up for a number of years
plus a price per kg of phosphate right that lapses. Every price and percentage comes from the
``[subsidy]`` and ``[sem]`` tables of the configuration.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from vbr.io.animals import entry_factors
from vbr.io.tables import find_column, parse_numbers
from vbr.model import RAV_CODE, EmissionFactors, FarmTable
from vbr.settings import Config, SemConfig, SubsidyConfig

__all__ = [
    "ESTIMATE_COLUMNS",
    "estimate_subsidy",
    "fill_estimates",
    "rights_region",
    "sector_of",
    "sem_alternative",
]

#: Optional farm columns the estimate reads (case-insensitive, Dutch aliases).
ESTIMATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "stable_m2": ("stable_m2", "stal_m2", "staloppervlakte", "staloppervlakte_m2"),
    "stable_year": ("stable_year", "bouwjaar", "bouwjaar_stal", "stal_bouwjaar"),
    "stable_age": ("stable_age", "stable_age_years", "leeftijd_stal"),
    "phosphate_kg": ("phosphate_kg", "fosfaatrechten", "fosfaatrechten_kg", "fosfaat_kg"),
    "pig_rights": ("pig_rights", "varkensrechten"),
    "poultry_rights": ("poultry_rights", "pluimveerechten"),
    "rights_region": ("rights_region", "concentratiegebied"),
}

_SPECIES_SECTOR = {
    "rundvee": "A1",
    "varkens": "D3",
    "kippen": "E2",
    "geiten": "C1",
    "schapen": "B1",
    "paarden": "K1",
}
_REGION_WORDS = {
    "south": "south",
    "zuid": "south",
    "east": "east",
    "oost": "east",
    "elsewhere": "elsewhere",
    "overig": "elsewhere",
    "other": "elsewhere",
    "none": "elsewhere",
    "geen": "elsewhere",
}


def sector_of(code: str) -> str:
    """The animal group of a code, as the config keys it: ``A1`` dairy cows, ``A3`` young
    stock, ``D1.2`` farrowing sows, ... (the Rav code without its housing number; the letter
    alone for custom IMAER housing)."""
    if RAV_CODE.match(code):
        return code.rsplit(".", 1)[0]
    if code.startswith("custom "):
        return code.split(" ", 1)[1][:1]
    return _SPECIES_SECTOR.get(code, "?")


def _lookup(table: dict[str, float], group: str) -> float:
    """Most specific key first: ``D1.2`` then ``D1`` then ``D``; 0 when none."""
    parts = group.split(".")
    for k in range(len(parts), 0, -1):
        key = ".".join(parts[:k])
        if key in table:
            return float(table[key])
    return float(table.get(group[:1], 0.0))


def rights_region(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Approximate concentration area of a location (EPSG:28992) for the rights prices.

    ``south`` (Noord-Brabant and Limburg): y < 420,000 and x > 77,000; ``east`` (Gelderland,
    Overijssel, eastern Utrecht): x >= 160,000 and 420,000 <= y < 540,000; else ``elsewhere``.
    A coarse box rule: give a ``rights_region`` column where it matters.
    """
    south = (y < 420_000) & (x > 77_000)
    east = (x >= 160_000) & (y >= 420_000) & (y < 540_000)
    return np.where(south, "south", np.where(east, "east", "elsewhere"))


def _column(frame: pd.DataFrame, key: str, decimal: str) -> np.ndarray:
    col = find_column(list(frame.columns), ESTIMATE_COLUMNS[key], path="farms")
    if col is None:
        return np.full(len(frame), np.nan)
    values, _ = parse_numbers(frame[col].astype(str), decimal=decimal)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values) & (values >= 0), values, np.nan)


def _places(herd: pd.DataFrame, rows: np.ndarray, per_group: dict[str, float]) -> np.ndarray:
    """Sum of animal places x a per-group amount, per farm input row (aligned with ``rows``)."""
    if len(herd) == 0:
        return np.zeros(len(rows))
    amount = herd["rav_code"].map(lambda c: _lookup(per_group, sector_of(c)))
    totals = (herd["animals"] * amount).groupby(herd["row"]).sum()
    return totals.reindex(rows, fill_value=0.0).to_numpy(dtype="float64")


def estimate_subsidy(
    farms: pd.DataFrame,
    herd: pd.DataFrame,
    carried: pd.DataFrame,
    *,
    priority: np.ndarray,
    config: SubsidyConfig,
    decimal: str = ".",
) -> pd.DataFrame:
    """Estimate the subsidy of every farm.

    Parameters
    ----------
    farms
        Farms with ``row`` (input row) and a point geometry in EPSG:28992.
    herd
        Animal places per input row: ``row, rav_code, animals``.
    carried
        The input columns as text, indexed by input row (optional stable and rights columns).
    priority
        Whether each farm lies in the priority strip (gets ``priority_factor``).

    Returns
    -------
    DataFrame
        Per farm: ``stable_m2``, ``stable_age``, ``stable_eur``, ``phosphate_kg``,
        ``pig_rights``, ``poultry_rights``, ``rights_region``, ``rights_eur``, ``factor``,
        ``estimate_eur`` (whole euros).
    """
    rows = farms["row"].to_numpy()
    extra = carried.iloc[rows].reset_index(drop=True)

    def given(key: str) -> np.ndarray:
        return _column(extra, key, decimal)

    default_m2 = _places(herd, rows, config.m2_per_place)
    new_value = _places(herd, rows, _stable_value_per_place(config))
    area = given("stable_m2")
    area = np.where(np.isnan(area), default_m2, area)
    with np.errstate(invalid="ignore", divide="ignore"):
        new_value = np.where(default_m2 > 0, new_value * area / default_m2, 0.0)
    age = given("stable_age")
    year = given("stable_year")
    age = np.where(np.isnan(age), config.reference_year - year, age)
    age = np.where(np.isnan(age) | (age < 0), config.default_stable_age_years, age)
    age_factor = np.maximum(config.floor_fraction, 1.0 - age / config.write_off_years)
    stable_eur = new_value * age_factor

    phosphate = given("phosphate_kg")
    phosphate = np.where(
        np.isnan(phosphate), _places(herd, rows, config.phosphate_kg_per_place), phosphate
    )
    pigs = given("pig_rights")
    pigs = np.where(np.isnan(pigs), _places(herd, rows, config.pig_rights_per_place), pigs)
    poultry = given("poultry_rights")
    poultry = np.where(
        np.isnan(poultry), _places(herd, rows, config.poultry_rights_per_place), poultry
    )
    region = _regions(extra, farms)
    pig_price = np.array([config.pig_right_eur[r] for r in region])
    poultry_price = np.array([config.poultry_right_eur[r] for r in region])
    rights_eur = (
        phosphate * config.phosphate_eur_per_kg + pigs * pig_price + poultry * poultry_price
    )
    factor = np.where(priority, config.priority_factor, config.outside_factor)
    estimate = np.rint((stable_eur + rights_eur) * factor)
    return pd.DataFrame(
        {
            "stable_m2": np.round(area, 1),
            "stable_age": age,
            "stable_eur": np.round(stable_eur, 2),
            "phosphate_kg": np.round(phosphate, 1),
            "pig_rights": np.round(pigs, 1),
            "poultry_rights": np.round(poultry, 1),
            "rights_region": region,
            "rights_eur": np.round(rights_eur, 2),
            "factor": factor,
            "estimate_eur": estimate,
        }
    )


def _stable_value_per_place(config: SubsidyConfig) -> dict[str, float]:
    """New-build stable value per animal place, per animal group: m2 per place x EUR per m2
    of the group's sector."""
    out = {}
    for group, m2 in config.m2_per_place.items():
        sector = config.sector_of_group.get(group, config.sector_of_group.get(group[:1], ""))
        out[group] = m2 * config.stable_eur_per_m2.get(sector, 0.0)
    return out


def _regions(extra: pd.DataFrame, farms: pd.DataFrame) -> np.ndarray:
    geoms = farms.geometry.values
    region = rights_region(np.asarray(geoms.x), np.asarray(geoms.y)).astype(object)
    col = find_column(list(extra.columns), ESTIMATE_COLUMNS["rights_region"], path="farms")
    if col is not None:
        words = extra[col].astype(str).str.strip().str.lower().map(_REGION_WORDS)
        region = np.where(words.notna(), words.to_numpy(dtype=object), region)
    return region


def sem_alternative(
    farms: pd.DataFrame,
    herd: pd.DataFrame,
    factors: EmissionFactors,
    *,
    config: SemConfig,
    phosphate_kg: np.ndarray | None = None,
) -> pd.DataFrame:
    """What the Sem would pay a farm with dairy cows for keeping ``reduction`` fewer cows.

    ``sem_eur = cows x reduction x eur_per_cow_per_year x years + phosphate that lapses x
    phosphate_eur_per_kg``, the lapsing phosphate being ``reduction`` x the farm's dairy
    phosphate (given ``phosphate_kg`` or the default per place). ``sem_nh3_kg`` is
    ``reduction`` x the NH3 of the farm's dairy cattle (cows and young stock), scaled to the
    farm's ``nh3_kg``. Farms without dairy cows get empty values.
    """
    rows = farms["row"].to_numpy()
    if len(herd):
        groups = herd["rav_code"].map(sector_of)
        is_cow = groups.eq("A1").to_numpy()
        is_cattle = groups.isin(["A1", "A3"]).to_numpy()
        nh3 = herd["animals"].to_numpy() * np.nan_to_num(entry_factors(herd, factors))
        by_row = herd["row"]
        cows = pd.Series(np.where(is_cow, herd["animals"], 0.0)).groupby(by_row).sum()
        cattle_nh3 = pd.Series(np.where(is_cattle, nh3, 0.0)).groupby(by_row).sum()
        total_nh3 = pd.Series(nh3).groupby(by_row).sum()
        cows = cows.reindex(rows, fill_value=0.0).to_numpy()
        cattle_nh3 = cattle_nh3.reindex(rows, fill_value=0.0).to_numpy()
        total_nh3 = total_nh3.reindex(rows, fill_value=0.0).to_numpy()
    else:
        cows = cattle_nh3 = total_nh3 = np.zeros(len(rows))
    if phosphate_kg is None:
        phosphate_kg = _places(herd, rows, config.phosphate_kg_per_place)
    r = config.reduction
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total_nh3 > 0, cattle_nh3 / total_nh3, 0.0)
        sem_nh3 = np.round(r * farms["nh3_kg"].to_numpy() * share, 3)
        sem_eur = np.round(
            cows * r * config.eur_per_cow_per_year * config.years
            + r * phosphate_kg * config.phosphate_eur_per_kg,
            2,
        )
        per_kg = sem_eur / sem_nh3
    dairy = (cows > 0) & (sem_nh3 > 0)
    return pd.DataFrame(
        {
            "sem_eur": np.where(dairy, sem_eur, np.nan),
            "sem_nh3_kg": np.where(dairy, sem_nh3, np.nan),
            "sem_eur_per_kg": np.where(dairy, per_kg, np.nan),
        }
    )


def fill_estimates(
    farms: gpd.GeoDataFrame, farm_table: FarmTable, factors: EmissionFactors, config: Config
) -> tuple[gpd.GeoDataFrame, dict[str, pd.DataFrame]]:
    """Fill the estimated subsidies (where there is no offer) and add the Sem alternative.

    Parameters
    ----------
    farms
        The farms with ``distance_m`` (the estimate's factor depends on the priority strip).
    farm_table
        The farms as read (animal places, carried columns, whether to estimate).
    factors
        The emission factors.
    config
        The run's configuration (``[subsidy]``, ``[sem]``, the threshold).

    Returns
    -------
    farms, tables
        The farms with ``subsidy_eur`` filled and the ``sem_*`` columns, and the list of the
        estimates by file name (``subsidy_estimates.csv``).
    """
    # absurd counts or stable sizes overflow to inf here: vbr.core.bounds rejects those rows
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _fill_estimates(farms, farm_table, factors, config)


def _fill_estimates(
    farms: gpd.GeoDataFrame, farm_table: FarmTable, factors: EmissionFactors, config: Config
) -> tuple[gpd.GeoDataFrame, dict[str, pd.DataFrame]]:
    tables: dict[str, pd.DataFrame] = {}
    herd = farm_table.animals
    phosphate = None
    if farm_table.estimate_subsidy:
        priority = farms["distance_m"].to_numpy() <= config.threshold_m
        est = estimate_subsidy(
            farms,
            herd,
            farm_table.carried_values,
            priority=priority,
            config=config.subsidy,
            decimal=farm_table.info.get("decimal", "."),
        )
        need = (farms["subsidy_source"] == "estimate").to_numpy()
        farms = farms.assign(
            subsidy_eur=np.where(need, est["estimate_eur"].to_numpy(), farms["subsidy_eur"])
        )
        phosphate = est["phosphate_kg"].to_numpy()
        detail = est[need].copy()
        detail.insert(0, "farm_id", farms["farm_id"].to_numpy()[need])
        tables["subsidy_estimates.csv"] = detail.rename(columns={"factor": "strip_factor"})
    if len(herd):
        sem = sem_alternative(farms, herd, factors, config=config.sem, phosphate_kg=phosphate)
        farms = farms.assign(**{c: sem[c].to_numpy() for c in sem.columns})
    return farms, tables
