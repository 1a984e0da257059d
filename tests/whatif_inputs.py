"""Small what-if inputs built in code (not a test module): farms around one overloaded square,
with ties, days that must be drawn by lot, a farm without a time, farms in no region, a regional
pot, and optionally application windows; and the Python selection of a setting to compare the
browser's with.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from vbr.core.budget import to_cents
from vbr.pipeline import compute
from vbr.settings import RegionalBudget, RunOptions, Window, load_config
from vbr.writing import run

#: A farm id that must stay text in the page.
SCRIPT_ID = "</script><script>window.__vbrPwned=1</script>"
#: The run's own national budget.
BUDGET_EUR = 3_000_000.0
SEED = 7


def _square(x: float, y: float, size: float) -> list:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def write_inputs(folder: Path) -> dict[str, Path]:
    """farms.csv, natura.geojson, regions.geojson in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    natura = {
        "type": "FeatureCollection",
        "crs": crs,
        "features": [
            {
                "type": "Feature",
                "properties": {"nr": 1, "name": "Heide", "overloaded": True},
                "geometry": {"type": "Polygon", "coordinates": _square(150_000, 450_000, 2_000)},
            }
        ],
    }
    regions = {
        "type": "FeatureCollection",
        "crs": crs,
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Noord"},
                "geometry": {"type": "Polygon", "coordinates": _square(140_000, 451_000, 30_000)},
            }
        ],
    }
    (folder / "natura.geojson").write_text(json.dumps(natura), encoding="utf-8")
    (folder / "regions.geojson").write_text(json.dumps(regions), encoding="utf-8")
    rows = []
    for k in range(60):
        # east of the square, 0..~3,000 m away: the thresholds 250..2000 m cut through them;
        # y below 451,000 is outside the region Noord
        distance = 50 * k
        y = 449_400 + (k % 6) * 400
        nh3 = 1_000 + 100 * (k % 7)
        subsidy = 150_000 + 25_000 * (k % 11)
        if k % 10 in (3, 4):  # ties: the same euro per kg and NH3 (farm_id decides)
            nh3, subsidy = 1_500, 300_000
        if k % 10 == 5:  # the same euro per kg, more NH3 (NH3 decides)
            nh3, subsidy = 3_000, 600_000
        day = 1 + (k % 4)  # four days: a day whose offers do not all fit is drawn by lot
        rows.append(
            {
                "farm_id": f"B{k:02d}",
                "x": 152_000 + distance,
                "y": y,
                "nh3_kg": nh3,
                "subsidy_eur": f"{subsidy + 0.5 * (k % 3):.2f}",
                "submitted_at": f"2026-03-{day:02d}T{8 + k % 9:02d}:00:00+01:00",
            }
        )
    rows[2]["subsidy_eur"] = "2500000"  # an early priority offer the budget cannot pay: skip/stop
    rows[36]["submitted_at"] = ""  # no time at 1,800 m: priority without first come first served
    rows[7]["farm_id"] = SCRIPT_ID
    with open(folder / "farms.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return {
        "farms": folder / "farms.csv",
        "natura": folder / "natura.geojson",
        "regions": folder / "regions.geojson",
    }


def options(folder: Path, *, windows: bool = False, lang: str = "nl") -> RunOptions:
    """The run's options: a national budget, a regional pot for Noord, seed 7; with
    ``windows`` two application windows (the first carries over)."""
    paths = write_inputs(folder / "in")
    config = replace(
        load_config(),
        threshold_m=1000.0,
        budget_eur=BUDGET_EUR,
        regional_budgets=(RegionalBudget(name="Noord-pot", regions=("Noord",), eur=700_000),),
        explain_language=lang,
    )
    if windows:
        config = replace(
            config,
            windows=(
                Window("w1", dt.date(2026, 3, 1), dt.date(2026, 3, 1), 5_000_000, True),
                Window("w2", dt.date(2026, 3, 2), dt.date(2026, 3, 31), 1_000_000, False),
            ),
        )
    return RunOptions(
        farms=paths["farms"],
        natura=paths["natura"],
        regions=paths["regions"],
        out=folder / "out",
        config=config,
        seed=SEED,
    )


def write_run(folder: Path, **kwargs) -> tuple[RunOptions, Path]:
    """Run vbr (every output) with :func:`options`; the options and the output folder."""
    opts = options(folder, **kwargs)
    run(opts)
    return opts, opts.out


def python_selection(
    opts: RunOptions,
    *,
    budget_eur: float,
    threshold_m: float,
    policy: str,
    region: str | None = None,
):
    """What ``vbr run --budget --threshold-m --budget-policy`` selects: the farm ids in national
    order, the euro used (whole cents) and the NH3 (kg/yr); and the run's result.

    With ``region``: the budget is that region's pot's (as a config file with another ``eur``
    would give it), and only the region's farms count."""
    if region is None:
        config = opts.config.overridden(
            budget_eur=budget_eur, threshold_m=threshold_m, budget_policy=policy
        )
    else:
        config = replace(
            opts.config,
            regional_budgets=tuple(
                replace(g, eur=budget_eur) if region in g.regions else g
                for g in opts.config.regional_budgets
            ),
        ).overridden(threshold_m=threshold_m, budget_policy=policy)
    result = compute(replace(opts, config=config))
    ranked = result.ranked
    chosen = ranked["selected"].fillna(False).to_numpy(dtype=bool)
    if region is not None:
        chosen = chosen & np.array([region in r.split(";") for r in ranked["regions"]], dtype=bool)
    cents = int(to_cents(ranked["subsidy_eur"].to_numpy()[chosen]).sum())
    return (
        ranked["farm_id"].to_numpy(dtype=object)[chosen].tolist(),
        cents / 100,
        float(np.sum(ranked["nh3_kg"].to_numpy()[chosen])),
        result,
    )
