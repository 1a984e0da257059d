"""``national/map.html`` and its what-if data, without a browser: written, marked, recorded and
linked like every other output, self-contained, escaped, and its per-farm keys in the order the
Python rules give.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re

import numpy as np
import pytest

from vbr.locale.formats import format_count
from vbr.writers.run_folder import FOLDER_MARKER
from whatif_inputs import SCRIPT_ID, write_run


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    return write_run(tmp_path_factory.mktemp("whatif-py"))


def _page_data(html: str) -> dict:
    match = re.search(r"vbr\.national\((\{.*\})\);\n</script>", html, flags=re.DOTALL)
    assert match, "the page starts vbr.national with its data"
    return json.loads(match.group(1))


@pytest.mark.slow
def test_national_map_is_recorded_with_its_sha256_and_its_folder_marked(plain_run):
    _, out = plain_run
    page = out / "national" / "map.html"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]["national/map.html"] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert (out / "national" / FOLDER_MARKER).is_file()
    assert f"national/{FOLDER_MARKER}" in manifest["outputs"]


def test_index_links_to_the_national_map(plain_run):
    _, out = plain_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="national/map.html"' in index


def test_national_map_is_offline_and_escapes_the_data(plain_run):
    _, out = plain_run
    html = (out / "national" / "map.html").read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="nl">')
    # no script or stylesheet from the network: only the basemap's tile template and links
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html)
    assert SCRIPT_ID not in html  # the id is in the data, escaped
    assert SCRIPT_ID in _page_data(html)["farms"]["ids"]


def test_national_map_is_the_same_bytes_for_the_same_run(tmp_path, plain_run):
    _, out = plain_run
    _, again = write_run(tmp_path)
    a = (out / "national" / "map.html").read_bytes()
    assert a == (again / "national" / "map.html").read_bytes()


def test_embedded_keys_reproduce_the_runs_national_order(plain_run):
    """The cost and time places put the run's ranked farms in the run's order (up to the days
    the lottery drew), and the pot bits and funded pots are the run's."""
    _, out = plain_run
    farms = _page_data((out / "national" / "map.html").read_text(encoding="utf-8"))["farms"]
    n = len(farms["ids"])
    threshold = farms["rules"]["threshold_m"]
    pri = np.array([d <= threshold for d in farms["dist"]])
    # round 2 (after round 1) is in cost order
    cost = np.array(farms["cost"])
    assert pri[: pri.sum()].all() and not pri[pri.sum() :].any()
    assert (np.diff(cost[pri.sum() :]) > 0).all()
    # round 1 by day (every priority farm has a time here), days in order
    time = np.array(farms["time"])[pri]
    assert (time >= 0).all() and (np.diff(time) >= 0).all()
    # every farm may be funded by the national pot; the regional pot only in its region
    bits = np.array(farms["pots"])
    regions = farms["regions"]
    assert ((bits & 1) == 1).all()
    assert [bool(b & 2) for b in bits] == ["Noord" in r.split(";") for r in regions]
    assert len(farms["lot"]) == n and sorted(farms["lot"]) == list(range(n))


@pytest.mark.slow
def test_national_map_follows_the_runs_language(tmp_path):
    _, out = write_run(tmp_path, lang="en")
    html = (out / "national" / "map.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    texts = _page_data(html)["texts"]
    assert texts["locale"] == "en-GB"
    assert texts["whatif.title"] == "What if?"


def test_lot_places_order_any_day_as_the_lottery_draws_it(plain_run):
    from vbr.core.procedure import Lottery
    from whatif_inputs import SEED

    _, out = plain_run
    farms = _page_data((out / "national" / "map.html").read_text(encoding="utf-8"))["farms"]
    ids = np.array(farms["ids"], dtype=object)
    lot = np.array(farms["lot"])
    rng = np.random.default_rng(1)
    for size in (2, 5, 17, len(ids)):
        day = rng.choice(len(ids), size=size, replace=False)
        drawn = ids[day][Lottery(seed=SEED).order(ids[day])]
        assert list(drawn) == list(ids[day][np.argsort(lot[day])])


@pytest.mark.slow
def test_summary_names_the_overview_map_and_the_farms_in_no_region(vbr, tmp_path):
    from whatif_inputs import write_inputs

    paths = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    code, stdout, _ = vbr(
        "run",
        "--farms",
        paths["farms"],
        "--natura",
        paths["natura"],
        "--regions",
        paths["regions"],
        "--out",
        out,
        "--seed",
        "7",
    )
    assert code == 0
    with open(out / "ranking.csv", encoding="utf-8") as fh:
        in_none = sum(1 for row in csv.DictReader(fh) if row["regions"] == "")
    assert in_none > 0
    assert (
        "overzichtskaart: national/map.html (elke gerangschikte veehouderij, met wat-als; "
        f"{format_count(in_none, 'nl')} daarvan in geen enkele regio)"
    ) in stdout  # the run's language, Dutch by default


def test_buyout_lists_a_farms_largest_areas_and_sums_the_rest():
    """The region maps' buy-out view: at most five areas per farm, largest first (ties by
    ``nr``), mol to four significant digits, the rest summed."""
    import numpy as np

    from vbr.maps.buyout import TOP_AREAS, _rest, _top

    nr = np.array([3, 1, 2, 9, 8, 7, 5])
    mol = np.array([[0.5, 10.0, 10.0, 3.0, 0.0, 123_456.0, 2.0], [0.0] * 7])
    assert TOP_AREAS == 5
    assert _top(nr, mol) == [[7, 123_500.0, 1, 10.0, 2, 10.0, 9, 3.0, 5, 2.0], []]
    assert _rest(nr, mol).tolist() == [0.5, 0.0]


def test_region_map_buyout_data_is_escaped_and_the_same_bytes_for_the_same_run(tmp_path):
    """With --exceedance the region map carries the kernel once and per farm its areas; an
    area's name from the input stays text, and a rerun writes the same bytes."""
    from buyout_inputs import run

    hostile = {11: SCRIPT_ID}
    out = run(tmp_path / "a", exceedance=True, names=hostile)
    html = (out / "zuidoost" / "map.html").read_text(encoding="utf-8")
    again = run(tmp_path / "b", exceedance=True, names=hostile)
    assert html == (again / "zuidoost" / "map.html").read_text(encoding="utf-8")
    assert SCRIPT_ID not in html
    match = re.search(r"vbr\.regionBuyout\((\{.*?\})\);\n", html)
    assert match
    payload = json.loads(match.group(1))
    assert payload["kernel"] == {"c": 0.45, "r0_m": 90.0, "power": 1.85, "cutoff_m": 25_000.0}
    assert html.count('"kernel":') == 1
    areas = payload["areas"]
    assert areas["count"] == [2] * 6 and areas["reach"] == [2] * 6
    assert areas["nr"] == [11, 12] and len(areas["area"]) == len(areas["mol"]) == 12
    # without --exceedance: no kernel and no areas, the view says what is missing
    plain = run(tmp_path / "c", exceedance=False)
    html = (plain / "zuidoost" / "map.html").read_text(encoding="utf-8")
    assert 'vbr.regionBuyout({"kernel":null,"areas":null});' in html


def test_area_arrays_are_the_listed_areas_by_index_into_the_listed_numbers():
    """The buy-out payload's flat arrays: per farm its count, each listed area as an index into
    the listed areas' ``nr`` and ``name``, whole figures as ints; the same lists as ``_top``."""
    import numpy as np

    from vbr.maps.buyout import _top, area_arrays

    nr = np.array([3, 1, 2, 9, 8, 7, 5])
    mol = np.array(
        [[0.5, 10.0, 10.0, 3.0, 0.0, 123_456.0, 2.0], [0.0] * 7, [0, 0, 0, 0, 4.25, 0, 0]]
    )
    a = area_arrays(nr, mol, {7: "Zeven", 8: "Acht"})
    assert a["nr"] == [1, 2, 5, 7, 8, 9] and a["name"] == ["", "", "", "Zeven", "Acht", ""]
    assert a["count"] == [5, 0, 1] and a["reach"] == [6, 0, 1] and a["rest"] == [0.5, 0, 0]
    flat = [[a["nr"][k], m] for k, m in zip(a["area"], a["mol"], strict=True)]
    assert [x for pair in flat[:5] for x in pair] == _top(nr, mol)[0]
    assert flat[5] == [8, 4.25] and a["mol"][0] == 123_500 and isinstance(a["mol"][0], int)


def _national_page(html: str) -> dict:
    match = re.search(r"vbr\.national\((\{.*\})\);", html)
    assert match
    return json.loads(match.group(1))


def test_overview_map_carries_every_farms_areas_as_the_region_map_does(tmp_path):
    """With --exceedance the overview carries the kernel, the raster's picture and per farm its
    areas (the region map's figures for the same farm); an area's name stays text, and a rerun
    writes the same bytes; without, neither."""
    from buyout_inputs import run

    hostile = {11: SCRIPT_ID}
    out = run(tmp_path / "a", exceedance=True, names=hostile)
    html = (out / "national" / "map.html").read_text(encoding="utf-8")
    again = run(tmp_path / "b", exceedance=True, names=hostile)
    assert html == (again / "national" / "map.html").read_text(encoding="utf-8")
    assert SCRIPT_ID not in html
    page = _national_page(html)
    assert page["buyout"]["kernel"] == {"c": 0.45, "r0_m": 90.0, "power": 1.85, "cutoff_m": 25e3}
    assert page["deposition"]["url"].startswith("data:image/png;base64,")
    region = (out / "zuidoost" / "map.html").read_text(encoding="utf-8")
    assert page["deposition"]["url"] in region  # the same picture
    match = re.search(r"vbr\.regionBuyout\((\{.*?\})\);\n", region)
    in_region = json.loads(match.group(1))["areas"]
    # every farm is in the one region and both maps list them in ranking.csv's order: the
    # region map's figures are the overview's (the browser test compares them farm by farm)
    with open(out / "ranking.csv", encoding="utf-8") as fh:
        ranking = [r["farm_id"] for r in csv.DictReader(fh)]
    assert page["farms"]["ids"] == ranking and len(ranking) == 6
    assert page["buyout"]["areas"] == in_region
    assert page["buyout"]["areas"]["name"] == [SCRIPT_ID, "Venen"]
    plain = run(tmp_path / "c", exceedance=False)
    page = _national_page((plain / "national" / "map.html").read_text(encoding="utf-8"))
    assert page["buyout"] == {"kernel": None, "areas": None} and page["deposition"] is None


def test_the_per_area_table_is_made_once_a_run_for_the_region_maps_and_the_overview(
    tmp_path, monkeypatch
):
    """``area_impacts`` runs once per run, for every ranked farm; the region map and the
    overview take their farms' figures from it."""
    import vbr.maps.buyout as buyout
    from buyout_inputs import run

    calls = []

    def counted(x, *args, **kwargs):
        calls.append(len(x))
        return area_impacts(x, *args, **kwargs)

    area_impacts = buyout.area_impacts
    monkeypatch.setattr(buyout, "area_impacts", counted)
    out = run(tmp_path, exceedance=True)
    assert calls == [6]  # the six ranked farms, once
    assert '"areas":{"nr":[11,12]' in (out / "national" / "map.html").read_text(encoding="utf-8")
    assert '"areas":{"nr":[11,12]' in (out / "zuidoost" / "map.html").read_text(encoding="utf-8")
