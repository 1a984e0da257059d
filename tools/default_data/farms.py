"""The synthetic livestock locations of ``farms.csv``.

Locations are a mixture of hand-placed Gaussian density kernels per sector (``facts/kernels.csv``)
and a thin uniform background, kept on land (:class:`~tools.default_data.land.LandMask`), mostly out
of the big towns (``facts/towns.csv``), never inside a Natura 2000 area and thinned near overloaded
nature. Each farm gets a herd, an emission and an offer (:mod:`~tools.default_data.herds`), maybe a
submission time (:mod:`~tools.default_data.submissions`) and the nearest municipality seat as a
hint (``facts/seats.csv``). Farm ids follow the order of x, then y; twelve rows are made wrong on
purpose (:data:`BAD_ROWS`).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.default_data.areas import Area
from tools.default_data.facts import kernels, seats, sectors, towns
from tools.default_data.herds import herds
from tools.default_data.land import LandMask
from tools.default_data.numeric import KM, smoothstep
from tools.default_data.submissions import submitted_at

__all__ = [
    "BACKGROUND_BOX",
    "BAD_ROWS",
    "FARM_COLUMNS",
    "N_FARMS",
    "Farms",
    "make_farms",
    "write_farms",
]

N_FARMS = 25_000

#: The box (m) of the uniform background of farm locations: minx, miny, maxx, maxy.
BACKGROUND_BOX = (13_000.0, 306_000.0, 279_000.0, 611_000.0)

# Thinning near overloaded nature: a candidate at distance d (m) from the nearest overloaded area is
# kept with probability P0 + (1 - P0) * smoothstep(d / D). Tuned so that a few hundred farms lie
# within 1,000 m (the real share is higher; the default data should show a priority group, not drown
# in it).
_NEAR_P0 = 0.08
_NEAR_D = 3000.0

#: Twelve deliberately bad rows, so that the default run shows rejected.csv: row positions in
#: farms.csv (0-based data rows) and what is wrong with them.
BAD_ROWS = (
    (1_041, "nh3_kg empty"),
    (3_127, "subsidy_eur negative"),
    (5_209, "farm_id duplicated (first of a pair)"),
    (7_293, "x empty"),
    (9_376, "nh3_kg zero"),
    (11_459, "x in Germany (x = 320000)"),
    (13_541, "subsidy_eur not a number ('onbekend')"),
    (15_625, "submitted_at not a date ('gisteren')"),
    (17_708, "farm_id duplicated (second of the pair)"),
    (19_791, "farm_id empty"),
    (21_874, "nh3_kg empty"),
    (23_958, "lon/lat degrees in x/y (x 5.9, y 52.1)"),
)

FARM_COLUMNS = (
    "farm_id",
    "x",
    "y",
    "nh3_kg",
    "subsidy_eur",
    "submitted_at",
    "sector",
    "animals",
    "animal_type",
    "municipality_hint",
)


@dataclass
class Farms:
    """The farms, in farm-id order."""

    x: np.ndarray  # int64, m
    y: np.ndarray
    sector: np.ndarray  # index into sectors()
    nh3_tenths: np.ndarray  # int64, 0.1 kg
    subsidy: np.ndarray  # int64, EUR
    animals: np.ndarray  # int64
    animal_type: list[str]
    submitted_at: list[str]
    hint: list[str]


def _sample_locations(
    rng: np.random.Generator, sector: int, n: int, mask: LandMask
) -> tuple[np.ndarray, np.ndarray]:
    """n farm locations of one sector: kernel mixture, on land, out of towns and nature, thinned."""
    ks = kernels()
    background = sectors()[sector].background_weight
    weights = np.asarray([k.weights[sector] for k in ks] + [background], dtype=np.float64)
    cum = np.cumsum(weights / math.fsum(weights.tolist()))
    kx = np.asarray([k.x for k in ks], dtype=np.float64) * KM
    ky = np.asarray([k.y for k in ks], dtype=np.float64) * KM
    ksx = np.asarray([k.sigma_x for k in ks], dtype=np.float64) * KM
    ksy = np.asarray([k.sigma_y for k in ks], dtype=np.float64) * KM
    urban = np.asarray([(t.x, t.y, t.radius) for t in towns()], dtype=np.float64) * KM
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    while got < n:
        m = max(4 * (n - got), 4000)
        comp = np.minimum(np.searchsorted(cum, rng.random(m), side="right"), len(weights) - 1)
        z = rng.standard_normal((m, 2))
        u = rng.random((m, 4))
        bg = comp == len(ks)
        kc = np.where(bg, 0, comp)
        bx0, by0, bx1, by1 = BACKGROUND_BOX
        x = np.where(bg, bx0 + (bx1 - bx0) * u[:, 0], kx[kc] + ksx[kc] * z[:, 0])
        y = np.where(bg, by0 + (by1 - by0) * u[:, 1], ky[kc] + ksy[kc] * z[:, 1])
        x = np.rint(x)
        y = np.rint(y)
        keep = mask.on_land(x, y)
        # Towns: drop 95 %.
        for ux_, uy_, ur in urban:
            inside = (x - ux_) ** 2 + (y - uy_) ** 2 < ur * ur
            keep &= ~(inside & (u[:, 2] < 0.95))
        sel = np.flatnonzero(keep)
        x, y, u2 = x[sel], y[sel], u[sel, 3]
        keep = ~mask.in_nature(x, y)
        d = mask.overloaded_distance(x, y, max_distance=_NEAR_D)
        p = _NEAR_P0 + (1.0 - _NEAR_P0) * smoothstep(np.where(np.isinf(d), 1.0, d / _NEAR_D))
        keep &= u2 < p
        x, y = x[keep], y[keep]
        take = min(n - got, x.size)
        xs.append(x[:take])
        ys.append(y[:take])
        got += take
    return np.concatenate(xs).astype(np.int64), np.concatenate(ys).astype(np.int64)


def _nearest_seat(x: np.ndarray, y: np.ndarray) -> list[str]:
    """The name of the nearest municipality seat of each point (m)."""
    names = [name for name, _, _ in seats()]
    sx = np.asarray([seat_x for _, seat_x, _ in seats()]) * KM
    sy = np.asarray([seat_y for _, _, seat_y in seats()]) * KM
    d2 = (x[:, None] - sx[None, :]) ** 2 + (y[:, None] - sy[None, :]) ** 2
    return [names[i] for i in np.argmin(d2, axis=1).tolist()]


def make_farms(seed: int, areas: list[Area]) -> Farms:
    """The farms of the default data, sorted by x, then y.

    Parameters
    ----------
    seed
        Seed of every random draw.
    areas
        The drawn Natura 2000 areas: farms keep out of them and are thinned near overloaded ones.

    Returns
    -------
    Farms
    """
    rng = np.random.default_rng([seed, 2])
    mask = LandMask(areas)
    shares = np.asarray([s.share for s in sectors()])
    counts = np.rint(shares * N_FARMS).astype(np.int64)
    counts[0] += N_FARMS - int(counts.sum())
    xs, ys, sec, nh3, eur, animals, kinds = [], [], [], [], [], [], []
    for s, sector in enumerate(sectors()):
        x, y = _sample_locations(rng, s, int(counts[s]), mask)
        count, kind, e_nh3, e_eur = herds(rng, sector.name, y.astype(np.float64))
        xs.append(x)
        ys.append(y)
        sec.append(np.full(x.size, s, dtype=np.int64))
        nh3.append(np.rint(np.asarray(e_nh3, dtype=np.float64) * 10.0).astype(np.int64))
        eur.append(np.rint(np.asarray(e_eur, dtype=np.float64)).astype(np.int64))
        animals.append(np.asarray(count, dtype=np.int64))
        kinds.extend(kind)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    sector = np.concatenate(sec)
    nh3_t = np.concatenate(nh3)
    subsidy = np.concatenate(eur)
    n_animals = np.concatenate(animals)
    # Stable order (and so stable farm ids): west to east, then south to north, then the rest.
    order = np.lexsort((subsidy, nh3_t, n_animals, sector, y, x))
    kinds_sorted = [kinds[i] for i in order.tolist()]
    x, y, sector = x[order], y[order], sector[order]
    nh3_t, subsidy, n_animals = nh3_t[order], subsidy[order], n_animals[order]
    return Farms(
        x=x,
        y=y,
        sector=sector,
        nh3_tenths=nh3_t,
        subsidy=subsidy,
        animals=n_animals,
        animal_type=kinds_sorted,
        submitted_at=submitted_at(rng, x.size),
        hint=_nearest_seat(x.astype(np.float64), y.astype(np.float64)),
    )


def _farm_rows(farms: Farms) -> list[list[str]]:
    """The rows of farms.csv (without the header), the bad rows made bad."""
    names = [s.name for s in sectors()]
    rows = []
    for i in range(farms.x.size):
        t = int(farms.nh3_tenths[i])
        rows.append(
            [
                f"NL-{i + 1:06d}",
                str(int(farms.x[i])),
                str(int(farms.y[i])),
                f"{t // 10}.{t % 10}",
                str(int(farms.subsidy[i])),
                farms.submitted_at[i],
                names[int(farms.sector[i])],
                str(int(farms.animals[i])),
                farms.animal_type[i],
                farms.hint[i],
            ]
        )
    # The twelve deliberately bad rows (see BAD_ROWS).
    (p_nh3a, p_neg, p_dup1, p_x, p_zero, p_de, p_onb, p_gist, p_dup2, p_id, p_nh3b, p_deg) = (
        pos for pos, _ in BAD_ROWS
    )
    rows[p_nh3a][3] = ""
    rows[p_neg][4] = "-" + rows[p_neg][4]
    rows[p_dup2][0] = rows[p_dup1][0]
    rows[p_x][1] = ""
    rows[p_zero][3] = "0"
    rows[p_de][1] = "320000"
    rows[p_onb][4] = "onbekend"
    rows[p_gist][5] = "gisteren"
    rows[p_id][0] = ""
    rows[p_nh3b][3] = ""
    rows[p_deg][1], rows[p_deg][2] = "5.9", "52.1"
    return rows


def write_farms(path: Path, farms: Farms) -> None:
    """Write farms.csv: comma separated, UTF-8 without BOM, "\\n" line ends."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FARM_COLUMNS)
        writer.writerows(_farm_rows(farms))
