"""The buy-out view of the farm popups of the region maps and of the overview map
(``national/map.html``) in headless Chromium (issue 17 point 3).

A farm's popup offers "Effect van uitkoop": its distance, NH3 and euro per kg; with
``--exceedance`` the mol N/yr its buyout removes on overloaded nature, per Natura 2000 area (the
largest areas, by name), the euro per mol, and its deposition footprint drawn on the map while
the view is open; without, that deposition needs ``--exceedance``. The per-area figures are
held against a plain kernel sum over each area's overloaded cells, done here in Python; the
footprint's rings against the kernel of ``vbr.core.deposition``. The overview shows the same
view (the same code) for every farm, with the raster's overloaded cells as a layer; its figures
are held against the region map's. The network is blocked.
"""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from buyout_inputs import AREAS, FARMS, area_mol_by_hand, run
from test_maps_browser import OfflinePage, browser, pytestmark  # noqa: F401
from vbr.core.deposition import Kernel
from vbr.settings import load_config


@pytest.fixture(scope="module")
def runs(tmp_path_factory, browser):  # noqa: F811
    """The same farms with and without --exceedance: ranking rows and the region map pages."""
    folder = tmp_path_factory.mktemp("buyout")
    out = {}
    for key in ("with", "without"):
        target = run(folder / key, exceedance=key == "with")
        with open(target / "ranking.csv", encoding="utf-8") as fh:
            rows = {r["farm_id"]: r for r in csv.DictReader(fh)}
        page = OfflinePage(browser, target / "zuidoost" / "map.html")
        out[key] = (rows, page, target)
    yield out
    for _, page, _ in out.values():
        page.close()


def _open_buyout(page: OfflinePage, farm_id: str) -> str:
    """Click a farm on the map (centred at zoom 13), open its popup's buy-out view; its text."""
    point = page.eval(
        """(id) => {
            const entry = vbr.maps[0];
            const layer = entry.farms.vbrFarmsById.get(id);
            entry.map.closePopup();
            entry.map.setView(layer.getLatLng(), 13, {animate: false});
            const p = entry.map.latLngToContainerPoint(layer.getLatLng());
            const box = entry.map.getContainer().getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        farm_id,
    )
    page.page.mouse.click(point["x"], point["y"])
    page.page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout summary")
    assert farm_id in page.page.inner_text(".leaflet-popup-content .vbr-popup-id")
    page.page.click(".leaflet-popup-content .vbr-popup-buyout summary")
    page.page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout[open]")
    return page.page.inner_text(".leaflet-popup-content .vbr-popup-buyout")


def _dutch(value: float, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


#: The footprint canvas's alpha at points ``[lat, lon]`` (as the map now stands).
_ALPHA_AT = """(points) => {
    const map = vbr.maps[0].map;
    const canvas = document.querySelector('canvas.vbr-footprint');
    if (!canvas) return points.map(() => 0);
    const ctx = canvas.getContext('2d');
    const ratio = window.devicePixelRatio || 1;
    return points.map(([lat, lon]) => {
        const p = map.latLngToContainerPoint([lat, lon]);
        return ctx.getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data[3];
    });
}"""


def _footprint_alpha(page: OfflinePage, points: list) -> list:
    """The footprint's alpha at ``points``, read in one frame once it is drawn: opening the
    view may pan the map to show the popup whole, and the footprint is cleared and drawn again
    after a pan; waits (at most 5 s) for a frame in which the first point, on an overloaded
    cell, is coloured, and gives that frame's alphas."""
    handle = page.page.wait_for_function(
        f"(points) => {{ const a = ({_ALPHA_AT})(points); return a[0] > 100 ? a : null; }}",
        arg=points,
        timeout=5_000,
    )
    return handle.json_value()


def test_buyout_view_lists_mol_per_area_and_euro_per_mol(runs):
    rows, page, _ = runs["with"]
    farm = rows["A2"]  # between the two areas: deposits on both
    text = _open_buyout(page, "A2")
    impact = float(farm["impact_mol"])
    assert f"{_dutch(impact)} mol N per jaar minder depositie op overbelaste natuur" in text
    per_mol = float(farm["subsidy_eur"]) / impact
    assert f"€ {_dutch(per_mol, 2)} per mol" in text
    assert "€ 620,00 per kg NH₃" in text  # 3,100,000 / 5,000
    assert "5.000,0 kg NH₃ per jaar minder uitstoot" in text
    assert "m van overbelaste natuur" in text
    lines = {m.group(1): m.group(2) for m in re.finditer(r"(\w+) \(nr\.\s(\d+)\)", text)}
    assert lines == {"Heide": "11", "Venen": "12"}
    assert "Minder depositie per Natura 2000-gebied" in text
    assert page.errors == []


def test_per_area_mol_equals_a_plain_kernel_sum_for_several_farms(runs):
    rows, page, _ = runs["with"]
    for farm_id in ("A1", "A2", "A3", "A4"):
        x, y, nh3 = next((f[1], f[2], f[3]) for f in FARMS if f[0] == farm_id)
        shown = page.eval(
            """(id) => {
                const entry = vbr.maps[0];
                const d = entry.farms.vbrData;
                const i = d.rows.findIndex((r) => r[d.id] === id);
                return entry.buyout.facts(i).areas;
            }""",
            farm_id,
        )
        expected = {
            f"{name} (nr.\u00a0{nr})": area_mol_by_hand(x, y, nh3, nr)
            for nr, name, *_ in AREAS
            if area_mol_by_hand(x, y, nh3, nr) > 0
        }
        got = dict(shown)
        assert set(got) == set(expected), farm_id
        for name, mol in got.items():
            assert mol == pytest.approx(expected[name], rel=1e-3), (farm_id, name)  # 4 digits
        # the areas add up to the farm's impact_mol of ranking.csv
        assert sum(expected.values()) == pytest.approx(float(rows[farm_id]["impact_mol"]), 1e-6)


def test_footprint_appears_with_the_view_and_goes_with_the_popup(runs):
    _, page, _ = runs["with"]
    _open_buyout(page, "A1")
    state = page.eval(
        """() => {
            const b = vbr.maps[0].buyout;
            const f = b.footprint;
            return {shown: b.shown(), onMap: vbr.maps[0].map.hasLayer(f),
                    rings: f.rings(), drawn: f.ringsDrawn,
                    canvas: document.querySelectorAll('canvas.vbr-footprint').length};
        }"""
    )
    assert state["onMap"] and state["canvas"] == 1 and state["drawn"] >= 3
    # the rings are where nh3_kg x K(r) of the run's kernel crosses each level
    kernel = Kernel.of(load_config().deposition)
    for level, radius in state["rings"]:
        assert 3_000 * float(kernel(np.array(radius))) == pytest.approx(level, rel=1e-9)
    # coloured only on overloaded cells: on the overloaded west part of Heide, not on its
    # east part (not overloaded), both well within the rings of farm A1
    from vbr.io.crs import to_wgs84

    lon, lat = to_wgs84([150_500.0, 151_700.0], [451_000.0, 451_000.0])
    alpha = _footprint_alpha(page, [[lat[0], lon[0]], [lat[1], lon[1]]])
    assert alpha[0] > 100 and alpha[1] == 0, alpha
    page.page.click(".leaflet-popup-close-button")
    gone = page.eval(
        """() => ({onMap: vbr.maps[0].map.hasLayer(vbr.maps[0].buyout.footprint),
                  canvas: document.querySelectorAll('canvas.vbr-footprint').length})"""
    )
    assert gone == {"onMap": False, "canvas": 0}
    assert page.errors == []


def test_without_exceedance_the_view_says_it_needs_it(runs):
    _, page, _ = runs["without"]
    text = _open_buyout(page, "A2")
    assert "--exceedance" in text
    assert "5.000,0 kg NH₃ per jaar minder uitstoot" in text
    assert "€ 620,00 per kg NH₃" in text
    assert "minder depositie" not in text and "per mol" not in text
    assert "Natura 2000-gebied" not in text
    assert page.eval("() => vbr.maps[0].buyout.footprint") is None
    assert page.errors == []


# ------------------------------------------------------------------ the overview map


@pytest.fixture(scope="module")
def overviews(runs, browser):  # noqa: F811
    """``national/map.html`` of the same runs, with and without --exceedance."""
    pages = {
        key: OfflinePage(browser, target / "national" / "map.html")
        for key, (_, _, target) in runs.items()
    }
    yield pages
    for page in pages.values():
        page.close()


def _open_overview_buyout(page: OfflinePage, farm_id: str) -> str:
    """Click a farm on the overview (centred at zoom 13), open its popup's buy-out view; the
    view's text."""
    page.eval(
        """(id) => {
            const {map, data} = vbr.maps[0];
            const i = data.ids.indexOf(id);
            map.closePopup();
            map.setView([data.lat[i], data.lon[i]], 13, {animate: false});
        }""",
        farm_id,
    )
    size = page.eval("() => vbr.maps[0].map.getSize()")
    box = page.eval("() => vbr.maps[0].map.getContainer().getBoundingClientRect().toJSON()")
    page.page.mouse.click(box["left"] + size["x"] / 2, box["top"] + size["y"] / 2)
    page.page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout summary")
    assert farm_id in page.page.inner_text(".leaflet-popup-content")
    page.page.click(".leaflet-popup-content .vbr-popup-buyout summary")
    page.page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout[open]")
    return page.page.inner_text(".leaflet-popup-content .vbr-popup-buyout")


def test_overview_buyout_view_lists_areas_euro_per_mol_and_draws_the_footprint(runs, overviews):
    rows, _, _ = runs["with"]
    page = overviews["with"]
    # the raster's overloaded cells are a layer of the overview, as on the region maps
    assert page.eval("() => document.querySelectorAll('img.leaflet-image-layer').length") == 1
    text = _open_overview_buyout(page, "A2")
    impact = float(rows["A2"]["impact_mol"])
    assert f"{_dutch(impact)} mol N per jaar minder depositie op overbelaste natuur" in text
    assert f"€ {_dutch(float(rows['A2']['subsidy_eur']) / impact, 2)} per mol" in text
    assert "Minder depositie per Natura 2000-gebied" in text
    lines = {m.group(1): m.group(2) for m in re.finditer(r"(\w+) \(nr\.\s(\d+)\)", text)}
    assert lines == {"Heide": "11", "Venen": "12"}
    state = page.eval(
        """() => {
            const e = vbr.maps[0];
            const f = e.buyout.footprint;
            return {shown: e.data.ids[e.buyout.shown()], onMap: e.map.hasLayer(f),
                    drawn: f.ringsDrawn, rings: f.rings(),
                    canvas: document.querySelectorAll('canvas.vbr-footprint').length};
        }"""
    )
    assert state["shown"] == "A2" and state["onMap"] and state["canvas"] == 1
    assert state["drawn"] >= 3
    kernel = Kernel.of(load_config().deposition)
    for level, radius in state["rings"]:
        assert 5_000 * float(kernel(np.array(radius))) == pytest.approx(level, rel=1e-9)
    # coloured on the overloaded cells of the overview's raster layer only: the west part of
    # Heide is overloaded, its east part not (both within the rings of A2)
    from vbr.io.crs import to_wgs84

    lon, lat = to_wgs84([151_000.0, 151_800.0], [451_500.0, 451_500.0])
    alpha = _footprint_alpha(page, [[lat[0], lon[0]], [lat[1], lon[1]]])
    assert alpha[0] > 100 and alpha[1] == 0, alpha
    page.page.click(".leaflet-popup-close-button")
    gone = page.eval(
        """() => ({onMap: vbr.maps[0].map.hasLayer(vbr.maps[0].buyout.footprint),
                  shown: vbr.maps[0].buyout.shown(),
                  canvas: document.querySelectorAll('canvas.vbr-footprint').length})"""
    )
    assert gone == {"onMap": False, "shown": None, "canvas": 0}
    assert page.errors == []


def test_overview_per_area_mol_is_the_region_maps_for_every_farm(runs, overviews):
    _, region, _ = runs["with"]
    page = overviews["with"]
    ids = [f[0] for f in FARMS]
    on_overview = page.eval(
        """(ids) => ids.map((id) => {
            const e = vbr.maps[0];
            return e.buyout.facts(e.data.ids.indexOf(id));
        })""",
        ids,
    )
    on_region = region.eval(
        """(ids) => ids.map((id) => {
            const e = vbr.maps[0];
            const d = e.farms.vbrData;
            return e.buyout.facts(d.rows.findIndex((r) => r[d.id] === id));
        })""",
        ids,
    )
    for farm, a, b in zip(ids, on_overview, on_region, strict=True):
        assert a["areas"] and a["areas"] == b["areas"], farm
        assert a["others"] == b["others"], farm
        assert a["mol"] == pytest.approx(b["mol"], rel=1e-9), farm
        assert a["eur"] == b["eur"] and a["nh3"] == b["nh3"], farm


def test_overview_without_exceedance_says_the_view_needs_it(overviews):
    page = overviews["without"]
    assert page.eval("() => document.querySelectorAll('img.leaflet-image-layer').length") == 0
    text = _open_overview_buyout(page, "A2")
    assert "--exceedance" in text
    assert "5.000,0 kg NH₃ per jaar minder uitstoot" in text
    assert "€ 620,00 per kg NH₃" in text
    assert "per mol" not in text and "Natura 2000-gebied" not in text
    assert page.eval("() => vbr.maps[0].buyout.footprint") is None
    assert page.errors == []
