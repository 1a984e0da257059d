"""Small map inputs built in code, shared by the map tests (not a test module itself).

Two Natura 2000 squares (one overloaded, with a hostile name), two overlapping regions and 40
farms whose ids and carried-through columns include HTML and ``</script>`` that must show as text.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pandas as pd

from vbr.model import Result
from vbr.settings import RegionalBudget, RunOptions, default_options, load_config
from vbr.writing import run

HOSTILE_ID = "<img src=x onerror=alert(1)>"
SCRIPT_ID = "</script><script>window.__vbrPwned=1</script>"
HOSTILE_NOTE = '"><svg onload=alert(2)> & </script>'
HOSTILE_AREA = "Heide <script>alert(3)</script> & Ven"
HOSTILE_REGION = "West <b>bold</b> {{ 7*7 }}"
#: Its folder name.
HOSTILE_SLUG = "west-b-bold-b-7-7"


def _square(x: float, y: float, size: float) -> list:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


#: With ``wide``: the input's own columns that the farms carry through (snake_case, long text).
WIDE_COLUMNS = [f"kenmerk_{k:02d}" for k in range(1, 19)] + ["opmerking_lang", "submitted_at"]

#: With ``named``: what a province's list holds besides the contract's columns: a company name,
#: an address, a postcode, a place (accents included), an application number and a herd count.
NAMED_COLUMNS = ["Bedrijfsnaam", "Adres", "Postcode", "Woonplaats", "aanvraagnummer", "rundvee"]
_NAMES = ["Maatschap Dekker", "Hoeve Cañada", "Melkveebedrijf Van 't Hof", "Boerderij Ééndracht"]
_STREETS = ["Dorpsstraat", "Kerkweg", "Beekseweg", "Achterstraat"]
_PLACES = ["Barneveld", "Ede", "Wijk bij Duurstede", "Hoevelaken"]


def named_values(k: int) -> dict[str, str]:
    """The ``named`` columns of the k-th farm of the small inputs."""
    return {
        "Bedrijfsnaam": f"{_NAMES[k % 4]} {k}",
        "Adres": f"{_STREETS[k % 4]} {10 + k}",
        "Postcode": f"67{k:02d} A{'BCDE'[k % 4]}",
        "Woonplaats": _PLACES[k % 4],
        "aanvraagnummer": str(2024_000 + k),
        "rundvee": str(12 * (k % 7)),
    }


def write_inputs(
    folder: Path, *, empty_region: bool = False, wide: bool = False, named: bool = False
) -> dict[str, Path]:
    """Write farms.csv, natura.geojson and regions.geojson into ``folder``; with
    ``empty_region`` a third region without farms ("Leeg") is added; with ``wide`` every farm
    carries twenty more columns (:data:`WIDE_COLUMNS`), one a long text, one a submission time;
    with ``named`` a name, an address and the like (:data:`NAMED_COLUMNS`)."""
    folder.mkdir(parents=True, exist_ok=True)
    natura = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"nr": 1, "name": HOSTILE_AREA, "overloaded": True},
                "geometry": {"type": "Polygon", "coordinates": _square(150_000, 450_000, 2_000)},
            },
            {
                "type": "Feature",
                "properties": {"nr": 2, "name": "Bos & Beek", "overloaded": False},
                "geometry": {"type": "Polygon", "coordinates": _square(160_000, 450_000, 1_000)},
            },
        ],
    }
    regions = {
        "type": "FeatureCollection",
        "crs": natura["crs"],
        "features": [
            {
                "type": "Feature",
                "properties": {"name": HOSTILE_REGION},
                "geometry": {"type": "Polygon", "coordinates": _square(140_000, 440_000, 20_000)},
            },
            {
                "type": "Feature",
                "properties": {"name": "Oost"},
                "geometry": {"type": "Polygon", "coordinates": _square(155_000, 440_000, 20_000)},
            },
        ],
    }
    if empty_region:
        regions["features"].append(
            {
                "type": "Feature",
                "properties": {"name": "Leeg"},
                "geometry": {"type": "Polygon", "coordinates": _square(100_000, 500_000, 5_000)},
            }
        )
    (folder / "natura.geojson").write_text(json.dumps(natura), encoding="utf-8")
    (folder / "regions.geojson").write_text(json.dumps(regions), encoding="utf-8")
    rows = []
    for k in range(40):
        # Farms on a line eastwards from the overloaded square: the first few inside the strip.
        x = 152_100 + 450 * k
        y = 450_500 + (k % 5) * 200
        rows.append(
            {
                "farm_id": f"F{k:03d}",
                "x": x,
                "y": y,
                "nh3_kg": 200 + 97 * k,
                "subsidy_eur": 100_000 + 37_000 * (k % 9),
                "note": f"note {k}",
            }
        )
        if wide:
            rows[-1].update({c: f"waarde {k}-{c[-2:]} 1234.567891" for c in WIDE_COLUMNS[:-2]})
            rows[-1]["opmerking_lang"] = (
                "Een lange opmerking zonder spaties: "
                + "x" * 120
                + " en daarna nog een zin met gewone woorden om te zien hoe de popup afbreekt."
            )
            rows[-1]["submitted_at"] = f"2024-03-{1 + k % 28:02d}T14:59:00Z"
        if named:
            rows[-1].update(named_values(k))
    rows[0]["farm_id"] = HOSTILE_ID
    rows[1]["farm_id"] = SCRIPT_ID
    rows[1]["subsidy_eur"] = 9_000_000  # a priority farm the budget cannot pay
    rows[2]["note"] = HOSTILE_NOTE
    with open(folder / "farms.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return {
        "farms": folder / "farms.csv",
        "natura": folder / "natura.geojson",
        "regions": folder / "regions.geojson",
    }


def run_small(
    folder: Path,
    *,
    budget_eur: float | None = 2_000_000,
    regional: bool = False,
    empty_region: bool = False,
    wide: bool = False,
    named: bool = False,
    lang: str = "nl",
):
    """Run vbr (with the map writer) on the small inputs in ``lang``; returns (result, out
    folder)."""
    paths = write_inputs(folder / "in", empty_region=empty_region, wide=wide, named=named)
    groups = (
        (RegionalBudget(name="Oost budget", regions=("Oost",), eur=1_000_000),) if regional else ()
    )
    config = replace(
        load_config(),
        threshold_m=1000.0,
        budget_eur=budget_eur,
        regional_budgets=groups,
        explain_language=lang,
    )
    out = folder / "out"
    options = RunOptions(
        farms=paths["farms"],
        natura=paths["natura"],
        regions=paths["regions"],
        out=out,
        config=config,
    )
    return run(options).result, out


_DEFAULT_RUNS: dict[str, tuple[Result, Path]] = {}


def default_run_once(tmp_path_factory) -> tuple[Result, Path]:
    """One run on the default data per test session, shared by the map test modules."""
    if "run" not in _DEFAULT_RUNS:
        out = tmp_path_factory.mktemp("maps-default") / "out"
        _DEFAULT_RUNS["run"] = (run_default(out), out)
    return _DEFAULT_RUNS["run"]


def run_default(out: Path) -> Result:
    """Run vbr (the lists and the maps) on the embedded default data."""
    return run(default_options(out)).result


def farm_payload(html: str) -> dict:
    """The JSON the page hands to ``vbr.farms`` (decoded as the browser would)."""
    start = html.index("vbr.farms(")
    brace = html.index("{", start)
    data, _ = json.JSONDecoder().raw_decode(html, brace)
    return data


def page_payload(html: str) -> dict:
    """The JSON the page hands to ``vbr.setup`` (legend and headline panel)."""
    start = html.index("vbr.setup(")
    data, _ = json.JSONDecoder().raw_decode(html, html.index("{", start))
    return data


def page_texts(html: str) -> dict:
    """The words the page hands to ``vbr.setTexts`` (one object from the catalogue)."""
    start = html.index("vbr.setTexts(") + len("vbr.setTexts(")
    data, _ = json.JSONDecoder().raw_decode(html, start)
    return data


def read_list(path: Path) -> pd.DataFrame:
    """A ranking.csv as text (as a user's script would read it)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)
