"""The maps in a real browser: headless Chromium driven by Playwright, with the network blocked.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``make test-deps``), never a browser
that Playwright downloads. Every request that is not a ``file:`` URL is aborted, so a page that
needed a CDN would fail here exactly as it would on a government network.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest

from maps_inputs import (
    HOSTILE_ID,
    HOSTILE_SLUG,
    SCRIPT_ID,
    WIDE_COLUMNS,
    default_run_once,
    read_list,
    run_small,
)
from vbr.io.regions import slugify
from vbr.locale.formats import (
    format_count,
    format_datetime,
    format_eur,
    format_eur_per_kg,
    format_eur_per_mol,
    format_kg,
    format_m,
    format_mol,
    format_number,
)
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


def _nbsp(text: str) -> str:
    return text.replace("\u00a0", " ")


#: A number with more than three decimals, in either language's marks.
TOO_PRECISE = re.compile(r"\d[.,]\d{4,}")
#: A label that is a column name rather than words.
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def _assert_readable(popup: str) -> None:
    """The visible popup text: no over-precise number, no column name as a label, units."""
    assert not TOO_PRECISE.search(popup), TOO_PRECISE.search(popup)
    labels = [line.split("\t")[0] for line in popup.splitlines() if "\t" in line]
    assert labels and not [label for label in labels if SNAKE.match(label)], labels
    assert "kg NH₃/jaar" in popup and "€" in popup and " m" in popup


def _assert_popup_box_clear(offline: OfflinePage) -> dict:
    """The opened popup's box: at most 380 px wide, inside the view, clear of every control in
    the top corners (zoom, panel, search, layers) and of the legend."""
    boxes = offline.eval(
        """() => {
            const rect = n => { const r = n.getBoundingClientRect();
                return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                        width: r.width, height: r.height}; };
            const popup = document.querySelector('.leaflet-popup-content-wrapper');
            const body = document.querySelector('.vbr-popup-body');
            return {
                popup: rect(popup),
                view: {width: innerWidth, height: innerHeight},
                scrolls: body.scrollHeight > body.clientHeight
                    ? getComputedStyle(body).overflowY : 'fits',
                clipped: body.scrollWidth > body.clientWidth + 1,
                controls: [...document.querySelectorAll(
                    '.leaflet-top .leaflet-control, .vbr-legend')]
                    .map(rect).filter(r => r.width > 0),
            };
        }"""
    )
    box = boxes["popup"]
    assert box["width"] <= 380, box
    assert box["left"] >= 0 and box["top"] >= 0, box
    assert box["right"] <= boxes["view"]["width"] and box["bottom"] <= boxes["view"]["height"], box
    assert boxes["scrolls"] in ("fits", "auto"), boxes["scrolls"]
    assert not boxes["clipped"]  # nothing cut off sideways
    for control in boxes["controls"]:
        apart = (
            box["right"] <= control["left"]
            or box["left"] >= control["right"]
            or box["bottom"] <= control["top"]
            or box["top"] >= control["bottom"]
        )
        assert apart, (box, control)
    return boxes


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
        assert drawn["legend"] >= 1  # only the statuses the region has
        assert format_count(len(listed), "nl") in drawn["panel"]

        popup = _click_farm(offline, "1")
        first = listed.iloc[0]
        assert first["farm_id"] in popup
        assert f"Rang in de regio\t1 van {format_count(len(listed), 'nl')}" in popup
        assert f"Rang in Nederland\t{format_count(int(first['national_rank']), 'nl')} van" in popup
        assert format_kg(float(first["nh3_kg"]), "nl") in popup
        assert _nbsp(format_eur(float(first["subsidy_eur"]), "nl")) in _nbsp(popup)
        assert _nbsp(format_eur_per_kg(float(first["eur_per_kg"]), "nl")) in _nbsp(popup)
        assert first["reason"] in popup
        _assert_readable(popup)
        _assert_popup_box_clear(offline)
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
        _click_farm(offline, "1")
        page.click(".vbr-popup-more summary")  # the input's own columns are folded
        text = page.inner_text(".leaflet-popup-content")
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
        hits = page.locator(".vbr-search-hit .vbr-search-id").all_inner_texts()
        lines = page.locator(".vbr-search-hit .vbr-search-line").all_inner_texts()
        assert lines and all(re.match(r"Rang \d+ in de regio · \d+ landelijk · ", x) for x in lines)
        listed = read_list(out / "oost" / "ranking.csv")
        expected = [f for f in listed["farm_id"] if "f01" in f.lower()]
        assert hits and hits == expected[: len(hits)]
        page.locator(".vbr-search-hit").first.click()
        page.wait_for_selector(".leaflet-popup-content .vbr-popup")
        assert hits[0] in page.inner_text(".leaflet-popup-content")
        page.fill(".vbr-search input", "no-such-farm")
        page.press(".vbr-search input", "Enter")
        assert "Geen veehouderij" in page.inner_text(".vbr-search-results")
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
        maps = [f for f in files if f.name == "map.html"]
        # every region's map and the national overview map
        assert sorted(f.parent.name for f in maps) == sorted([*_default_slugs(), "national"])
    finally:
        offline.close()


def test_map_of_a_region_without_farms_opens_without_errors(browser, tmp_path):
    _, out = run_small(tmp_path, empty_region=True)
    offline = OfflinePage(browser, out / "leeg" / "map.html")
    try:
        assert offline.errors == []
        assert offline.eval("() => window.vbr.maps[0].farms.getLayers().length") == 0
        assert "Veehouderijen\t0" in offline.page.inner_text(".vbr-panel")
        # the legend offers no farm class at all, and says why
        legend = offline.page.inner_text(".vbr-legend")
        assert offline.page.locator(".vbr-legend-row[data-status]").count() == 0
        assert "Geen veehouderijen in deze regio." in legend
        assert "Grootte" not in legend  # no sizes without farms
    finally:
        offline.close()


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """The small inputs with twenty carried-through columns and submission times."""
    return run_small(tmp_path_factory.mktemp("maps-wide"), wide=True)


@pytest.mark.parametrize("rank", ["1", "2", "17", "33"])
def test_popups_of_farms_with_many_columns_are_readable_and_clear(browser, wide, rank):
    _, out = wide
    listed = read_list(out / "oost" / "ranking.csv")
    row = listed.iloc[int(rank) - 1]
    offline = OfflinePage(browser, out / "oost" / "map.html")
    try:
        popup = _click_farm(offline, rank)
        _assert_readable(popup)
        _assert_popup_box_clear(offline)
        # the key facts in words, the input's own columns folded away
        assert "Waarom" in popup and row["reason"] in popup
        moment = dt.datetime.fromisoformat(row["submitted_at"])
        assert f"Ingediend op\t{format_datetime(moment, 'nl')}" in popup
        assert "Meer gegevens (23)" in popup
        assert "kenmerk_01" not in popup  # folded
        offline.page.click(".vbr-popup-more summary")
        opened = offline.page.inner_text(".leaflet-popup-content")
        for column in WIDE_COLUMNS:
            assert column in opened
        assert row["opmerking_lang"] in opened.replace("\n", "")
        _assert_popup_box_clear(offline)  # still 380 px at most, scrolling inside
        assert offline.errors == []
    finally:
        offline.close()


def test_the_first_view_shows_every_farm_beside_the_panel(browser, tmp_path_factory):
    _, out = default_run_once(tmp_path_factory)
    for slug in _default_slugs():
        offline = OfflinePage(browser, out / slug / "map.html")
        try:
            hidden = offline.eval(
                """() => {
                    const {map, farms} = window.vbr.maps[0];
                    const view = map.getContainer().getBoundingClientRect();
                    const panel = document.querySelector('.vbr-panel').getBoundingClientRect();
                    const search = document.querySelector('.vbr-search').getBoundingClientRect();
                    const under = (p, r) => p.x >= r.left && p.x <= r.right
                        && p.y >= r.top && p.y <= r.bottom;
                    return farms.getLayers().map(l => {
                        const c = map.latLngToContainerPoint(l.getLatLng());
                        return {x: view.left + c.x, y: view.top + c.y};
                    }).filter(p => p.x < view.left || p.x > view.right || p.y < view.top
                        || p.y > view.bottom || under(p, panel) || under(p, search)).length;
                }"""
            )
            assert hidden == 0, (slug, hidden)
        finally:
            offline.close()


def test_a_popup_opened_beside_the_panel_is_panned_clear_of_it(browser, tmp_path_factory):
    _, out = default_run_once(tmp_path_factory)
    offline = OfflinePage(browser, out / "veluwe" / "map.html")
    try:
        # put the farm right under the panel, then click it there through the map's API
        offline.eval(
            """() => {
                const {map, farms} = window.vbr.maps[0];
                const layer = farms.getLayers().find(l => l.feature.properties.rank === '1');
                map.setView(layer.getLatLng(), 15, {animate: false});
                const panel = document.querySelector('.vbr-panel').getBoundingClientRect();
                const here = map.latLngToContainerPoint(layer.getLatLng());
                map.panBy([here.x - (panel.left + 60), here.y - (panel.top + 80)],
                          {animate: false});
                layer.fire('click', {latlng: layer.getLatLng()}, true);
            }"""
        )
        offline.page.wait_for_selector(".leaflet-popup-content .vbr-popup")
        _assert_popup_box_clear(offline)
        assert offline.errors == []
    finally:
        offline.close()


def test_the_browser_writes_numbers_as_python_does(browser, tmp_path_factory):
    """Popups format in the browser (Intl) what index and panel format in Python (Babel)."""
    _, out = default_run_once(tmp_path_factory)
    values = [0.0, 0.5, 2.5, 0.15, 83.87408781694496, 934.6550323642458, 999.6, 1000.4, 8085.0,
              678122.0, 1234567.5, 20.129, 1125000000.0, 12.3456]  # fmt: skip
    python = {
        "m": format_m,
        "kg": format_kg,
        "mol": format_mol,
        "eur": format_eur,
        "eur_per_kg": format_eur_per_kg,
        "eur_per_mol": format_eur_per_mol,
        "count": format_count,
        "ratio": lambda value, lang: format_number(value, lang, 2),
    }
    times = ["2024-03-05T14:59:00Z", "2024-07-01T12:00:00Z", "2024-10-27T00:30:00Z"]
    for lang in ("nl", "en"):
        _, english = (None, out) if lang == "nl" else run_small(tmp_path_factory.mktemp("en"),
                                                                 lang="en")  # fmt: skip
        page = english / ("veluwe" if lang == "nl" else "oost") / "map.html"
        offline = OfflinePage(browser, page)
        try:
            got = offline.eval(
                """([kinds, values, times]) => ({
                    numbers: kinds.map(k => values.map(v => window.vbr.format(k, String(v),
                                                                              {threshold: 1000}))),
                    times: times.map(t => window.vbr.format('datetime', t)),
                })""",
                [list(python), values, times],
            )
        finally:
            offline.close()
        for kind, row in zip(python, got["numbers"], strict=True):
            for value, text in zip(values, row, strict=True):
                if kind == "m":
                    expected = format_m(value, lang, threshold_m=1000)
                else:
                    expected = python[kind](value, lang)
                assert text == expected, (lang, kind, value)
        for moment, text in zip(times, got["times"], strict=True):
            assert text == format_datetime(dt.datetime.fromisoformat(moment), lang)


def test_screenshot_of_an_opened_popup(browser, wide, tmp_path_factory):
    """docs/map-popup.png: a farm's popup on the Veluwe map of the default data (written when
    VBR_SCREENSHOTS is set; always taken)."""
    import os

    _, out = default_run_once(tmp_path_factory)
    offline = OfflinePage(browser, out / "veluwe" / "map.html")
    try:
        _click_farm(offline, "1")
        _assert_popup_box_clear(offline)
        target = Path(os.environ.get("VBR_SCREENSHOTS", tmp_path_factory.mktemp("shots")))
        offline.page.screenshot(path=str(target / "map-popup.png"))
        assert (target / "map-popup.png").stat().st_size > 10_000
    finally:
        offline.close()
