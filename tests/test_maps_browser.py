"""The maps in a real browser: headless Chromium driven by Playwright, with the network blocked.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test-deps``), never a browser
that Playwright downloads. Every request that is not a ``file:`` URL is aborted, so a page that
needed a CDN would fail here exactly as it would on a government network.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from maps_inputs import HOSTILE_ID, HOSTILE_SLUG, SCRIPT_ID, default_run_once, read_list, run_small
from vbr.io.regions import slugify
from vbr.settings import default_data_dir

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TILE_PREFIXES = ("https://service.pdok.nl/", "https://tile.openstreetmap.org/")


def _why_no_browser() -> str | None:
    if not CHROMIUM.exists():
        return (
            "Chromium is not installed at /usr/bin/chromium and could not be installed here "
            "(`make test-deps` installs the Debian packages chromium and chromium-driver)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (it is in the [test] extras: pip install -e '.[test]')"
    return None


pytestmark = pytest.mark.skipif(_why_no_browser() is not None, reason=_why_no_browser() or "")


def _default_slugs() -> list[str]:
    regions = json.loads((default_data_dir() / "regions.geojson").read_text(encoding="utf-8"))
    return [slugify(f["properties"]["name"]) for f in regions["features"]]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A page with every non-file request aborted and every error and dialog recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        start = time.perf_counter()
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.vbr === undefined || window.vbr.maps.length === 1")
        self.load_s = time.perf_counter() - start

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file:") or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, message) -> None:
        # Aborted tile requests are logged as "Failed to load resource"; the test checks what
        # was requested through `blocked` instead.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(f"console: {message.text}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def eval(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def close(self) -> None:
        self.page.close()


def _click_farm(offline: OfflinePage, rank: str) -> str:
    """Centre the map on the farm with this regional rank, click it and return the popup text."""
    point = offline.eval(
        """async (rank) => {
            const {map, farms} = window.vbr.maps[0];
            map.closePopup();
            const layer = farms.getLayers().find(l => l.feature.properties.rank === rank);
            await new Promise(done => {
                map.once('moveend', done);
                map.setView(layer.getLatLng(), 16, {animate: false});
            });
            const p = map.latLngToContainerPoint(layer.getLatLng());
            const box = map.getContainer().getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y, id: layer.feature.properties.farm_id};
        }""",
        rank,
    )
    # wait for this farm's popup, not a popup that an earlier step left; on a loaded machine the
    # first click can land before the canvas has drawn, so click again (at most three times)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        offline.page.mouse.click(point["x"], point["y"])
        try:
            offline.page.wait_for_function(
                """(id) => {
                    const popup = document.querySelector('.leaflet-popup-content .vbr-popup');
                    return popup !== null && popup.innerText.includes(id);
                }""",
                arg=point["id"],
                timeout=5000,
            )
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            offline.eval("() => window.vbr.maps[0].map.closePopup()")
    return offline.page.inner_text(".leaflet-popup-content")


@pytest.mark.parametrize("slug", _default_slugs())
def test_default_map_works_offline(browser, tmp_path_factory, tmp_path, slug):
    _, out = default_run_once(tmp_path_factory)
    path = out / slug / "map.html"
    listed = read_list(out / slug / "ranking.csv")
    offline = OfflinePage(browser, path)
    try:
        assert offline.errors == []
        assert all(url.startswith(TILE_PREFIXES) for url in offline.blocked), offline.blocked
        drawn = offline.eval(
            """() => {
                const {map, farms} = window.vbr.maps[0];
                return {
                    onMap: map.hasLayer(farms),
                    features: farms.getLayers().length,
                    drawn: farms.getLayers()
                        .filter(l => l._map && l._renderer instanceof L.Canvas).length,
                    canvases: document.querySelectorAll('.leaflet-overlay-pane canvas').length,
                    legend: document.querySelectorAll('.vbr-legend-row[data-status]').length,
                    panel: document.querySelector('.vbr-panel').innerText,
                };
            }"""
        )
        assert drawn["onMap"]
        assert drawn["features"] == len(listed)
        assert drawn["drawn"] == len(listed)
        assert drawn["canvases"] >= 1
        assert drawn["legend"] >= 3
        assert f"{len(listed):,}" in drawn["panel"]

        popup = _click_farm(offline, "1")
        first = listed.iloc[0]
        assert first["farm_id"] in popup
        assert "rank in region\t1" in popup
        assert f"national rank\t{first['national_rank']}" in popup
        for column in ("distance_m", "nh3_kg", "subsidy_eur", "eur_per_kg", "selected"):
            assert first[column] in popup
        offline.page.screenshot(path=str(tmp_path / f"{slug}.png"))
        assert (tmp_path / f"{slug}.png").stat().st_size > 10_000
        print(f"{slug}: {len(listed)} farms, loaded and drawn in {offline.load_s:.2f} s")
        assert offline.errors == []
    finally:
        offline.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return run_small(tmp_path_factory.mktemp("maps-hostile"))


def test_hostile_farm_ids_show_as_text_and_run_nothing(browser, hostile):
    _, out = hostile
    offline = OfflinePage(browser, out / HOSTILE_SLUG / "map.html")
    try:
        page = offline.page
        page.fill(".vbr-search input", HOSTILE_ID)
        page.press(".vbr-search input", "Enter")
        page.wait_for_selector(".leaflet-popup-content .vbr-popup")
        assert HOSTILE_ID in page.inner_text(".leaflet-popup-content")
        assert page.locator(".leaflet-popup-content img").count() == 0
        page.fill(".vbr-search input", SCRIPT_ID)
        page.press(".vbr-search input", "Enter")
        page.wait_for_function(
            "(id) => document.querySelector('.leaflet-popup-content').innerText.includes(id)",
            arg=SCRIPT_ID,
        )
        # The hostile note is a carried-through column of the farm ranked first.
        text = _click_farm(offline, "1")
        assert '"><svg onload=alert(2)> & </script>' in text
        assert page.locator(".leaflet-popup-content svg").count() == 0
        assert offline.dialogs == []
        assert offline.eval("() => window.__vbrPwned === undefined")
        assert offline.errors == []
    finally:
        offline.close()


def test_search_lists_partial_matches_and_says_when_nothing_matches(browser, hostile):
    _, out = hostile
    offline = OfflinePage(browser, out / "oost" / "map.html")
    try:
        page = offline.page
        page.fill(".vbr-search input", "f01")
        page.press(".vbr-search input", "Enter")
        hits = page.locator(".vbr-search-hit").all_inner_texts()
        listed = read_list(out / "oost" / "ranking.csv")
        expected = [f for f in listed["farm_id"] if "f01" in f.lower()]
        assert hits and hits == expected[: len(hits)]
        page.locator(".vbr-search-hit").first.click()
        page.wait_for_selector(".leaflet-popup-content .vbr-popup")
        assert hits[0] in page.inner_text(".leaflet-popup-content")
        page.fill(".vbr-search input", "no-such-farm")
        page.press(".vbr-search input", "Enter")
        assert "no farm" in page.inner_text(".vbr-search-results")
        assert offline.errors == []
    finally:
        offline.close()


def test_index_opens_offline_and_every_link_exists(browser, tmp_path_factory):
    _, out = default_run_once(tmp_path_factory)
    offline = OfflinePage(browser, out / "index.html")
    try:
        assert offline.blocked == []
        assert offline.errors == []
        links = offline.eval("() => [...document.querySelectorAll('a')].map(a => a.href)")
        files = [Path(link.removeprefix("file://")) for link in links]
        assert files and all(f.is_file() for f in files), [f for f in files if not f.is_file()]
        assert len([f for f in files if f.name == "map.html"]) == len(_default_slugs())
    finally:
        offline.close()


def test_map_of_a_region_without_farms_opens_without_errors(browser, tmp_path):
    _, out = run_small(tmp_path, empty_region=True)
    offline = OfflinePage(browser, out / "leeg" / "map.html")
    try:
        assert offline.errors == []
        assert offline.eval("() => window.vbr.maps[0].farms.getLayers().length") == 0
        assert "Farms" in offline.page.inner_text(".vbr-panel")
    finally:
        offline.close()
