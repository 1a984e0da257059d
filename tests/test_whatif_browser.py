"""The what-if of ``national/map.html`` in headless Chromium against the Python rules.

``window.vbr.scenario({budget_eur, threshold_m, policy})`` must select what ``vbr run`` with
``--budget``, ``--threshold-m`` and ``--budget-policy`` selects (same farms, same order, the same
euro to the cent), on small inputs built in code (``whatif_inputs.py``) with ties, days drawn by
lot, a farm without a time, a regional pot and application windows. Every expected value comes
from a Python run. The network is blocked: the page must work offline.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from test_maps_browser import OfflinePage, browser, pytestmark  # noqa: F401
from whatif_inputs import BUDGET_EUR, SCRIPT_ID, python_selection, write_run

#: Settings (budget, threshold, policy): the run's own, the skip/stop difference, every
#: threshold the map offers, no national money, a budget in cents, twice the budget.
SETTINGS = [
    (BUDGET_EUR, 1000, "skip"),
    (BUDGET_EUR, 1000, "stop"),
    (BUDGET_EUR / 2, 500, "skip"),
    (BUDGET_EUR * 1.7, 2000, "stop"),
    (BUDGET_EUR, 250, "skip"),
    (0, 1500, "skip"),
    (1_234_567.89, 1500, "stop"),
    (BUDGET_EUR * 2, 2000, "skip"),
    (900_000, 1000, "skip"),
    (BUDGET_EUR, 1234.5, "stop"),
]


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    return write_run(tmp_path_factory.mktemp("whatif"))


@pytest.fixture(scope="module")
def window_run(tmp_path_factory):
    return write_run(tmp_path_factory.mktemp("whatif-windows"), windows=True)


@pytest.fixture(scope="module")
def plain_page(browser, plain_run):  # noqa: F811
    page = OfflinePage(browser, plain_run[1] / "national" / "map.html")
    yield page
    page.close()


def _compare(page, opts, setting, region=None):
    budget, threshold, policy = setting
    got = page.eval(
        "(s) => vbr.scenario(s)", {"budget_eur": budget, "threshold_m": threshold, "policy": policy}
    )
    ids, eur, nh3, result = python_selection(
        opts, budget_eur=budget, threshold_m=threshold, policy=policy, region=region
    )
    assert got["selected"] == ids, setting
    assert got["eur_used"] == eur, setting
    assert got["nh3_kg"] == pytest.approx(nh3, rel=1e-12), setting
    return ids, result


def test_scenario_selects_as_vbr_run_on_every_setting(plain_page, plain_run):
    opts, _ = plain_run
    outcomes = {}
    drawn = fcfs = not_fcfs = 0
    for setting in SETTINGS:
        ids, result = _compare(plain_page, opts, setting)
        outcomes[setting] = ids
        drawn += bool(result.decisions.drawn)
        fcfs += result.first_come_first_served
        not_fcfs += not result.first_come_first_served
    # a budget that the selection of another setting fills exactly: the last offer just fits
    _, exact, _, _ = python_selection(opts, budget_eur=900_000, threshold_m=1000, policy="skip")
    _compare(plain_page, opts, (exact, 1000, "skip"))
    _compare(plain_page, opts, (exact, 1000, "stop"))
    # the settings cover what they are meant to: skip and stop differ, a day drawn by lot,
    # round 1 by day and (with the farm without a time) by euro per kg
    assert outcomes[SETTINGS[0]] != outcomes[SETTINGS[1]]
    assert drawn and fcfs and not_fcfs
    assert plain_page.errors == []


def test_scenario_with_windows_and_carry_over_selects_as_vbr_run(browser, window_run):  # noqa: F811
    opts, out = window_run
    page = OfflinePage(browser, out / "national" / "map.html")
    try:
        carried = 0
        for setting in SETTINGS:
            _, result = _compare(page, opts, setting)
            national = result.budgets[0]
            carried += national.windows[0].carried_out_eur > 0
        assert carried  # some setting carries money from the first window to the second
        assert page.errors == []
    finally:
        page.close()


def test_national_map_draws_every_farm_including_those_in_no_region(plain_page, plain_run):
    _, out = plain_run
    with open(out / "ranking.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = plain_page.eval("() => vbr.maps[0].data.ids")
    assert ids == [r["farm_id"] for r in rows]
    assert any(r["regions"] == "" for r in rows)
    assert plain_page.eval("() => vbr.maps[0].farms.draws") >= 1
    assert plain_page.eval("() => window.__vbrPwned") is None
    assert SCRIPT_ID in ids
    assert plain_page.blocked == [] or all(u.startswith("https://") for u in plain_page.blocked)


def test_reset_returns_to_the_runs_own_selection(plain_page, plain_run):
    _, out = plain_run
    with open(out / "ranking.csv", encoding="utf-8") as fh:
        own = [r["farm_id"] for r in csv.DictReader(fh) if r["selected"] == "true"]
    plain_page.eval("() => vbr.scenario({budget_eur: 1, threshold_m: 250, policy: 'stop'})")
    plain_page.page.click(".vbr-whatif-reset")
    assert plain_page.eval("() => vbr.current().selected") == own


def test_a_shared_url_reopens_the_same_scenario(browser, plain_page, plain_run):  # noqa: F811
    setting = {"budget_eur": 1_234_567.89, "threshold_m": 1500, "policy": "stop"}
    chosen = plain_page.eval("(s) => vbr.scenario(s).selected", setting)
    url = plain_page.eval("() => window.location.href")
    assert "#" in url
    other = browser.new_page()
    try:
        other.goto(url)
        other.wait_for_function("window.vbr && window.vbr.maps.length === 1")
        current = other.evaluate("() => vbr.current()")
        assert current["setting"] == setting
        assert current["selected"] == chosen
        assert other.eval_on_selector(".vbr-whatif-policy", "e => e.value") == "stop"
        assert other.eval_on_selector(".vbr-whatif-threshold", "e => e.value") == "1500"
    finally:
        other.close()


def test_controls_apply_a_setting_and_show_the_change(plain_page, plain_run):
    opts, _ = plain_run
    plain_page.page.click(".vbr-whatif-reset")
    plain_page.page.select_option(".vbr-whatif-threshold", "500")
    plain_page.page.select_option(".vbr-whatif-policy", "stop")
    plain_page.page.fill(".vbr-whatif-amount", "1.500.000")
    plain_page.page.dispatch_event(".vbr-whatif-amount", "change")
    ids, _, _, _ = python_selection(opts, budget_eur=1_500_000, threshold_m=500, policy="stop")
    assert plain_page.eval("() => vbr.current().selected") == ids
    text = plain_page.page.inner_text(".vbr-whatif-figures")
    assert str(len(ids)) in text
    # the two columns say what they are: the setting's figures and their change against the run
    head = plain_page.page.inner_text(".vbr-whatif-figures .vbr-whatif-head")
    assert "wat als" in head and "t.o.v. de run" in head


def test_export_downloads_the_selection_in_dutch_excel_format(plain_page, plain_run):
    opts, _ = plain_run
    setting = {"budget_eur": 2_000_000, "threshold_m": 2000, "policy": "skip"}
    plain_page.eval("(s) => vbr.scenario(s)", setting)
    with plain_page.page.expect_download() as info:
        plain_page.page.click(".vbr-whatif-export")
    data = Path(info.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    ids, _, _, result = python_selection(
        opts, budget_eur=2_000_000, threshold_m=2000, policy="skip"
    )
    assert rows[0][:2] == ["rank", "farm_id"]
    got = [r[1].removeprefix("'") for r in rows[1:]]
    assert got == ids
    ranked = result.ranked.set_index("farm_id")
    for r in rows[1:]:
        farm = ranked.loc[r[1]]
        assert r[5] == f"{farm['subsidy_eur']:.2f}".replace(".", ",")
        assert int(r[0]) == int(farm["rank"])


#: Settings of the region map's own pot (Noord-pot, EUR 700,000 in the run).
REGION_SETTINGS = [
    (700_000, 1000, "skip"),
    (700_000, 1000, "stop"),
    (350_000.5, 500, "skip"),
    (1_400_000, 2000, "stop"),
    (0, 250, "skip"),
    (1_000_000, 1500, "skip"),
    (123_456.78, 2000, "skip"),
]


def test_region_map_scenario_selects_the_regions_farms_as_vbr_run(browser, plain_run):  # noqa: F811
    opts, out = plain_run
    page = OfflinePage(browser, out / "noord" / "map.html")
    try:
        outcomes = {}
        for setting in REGION_SETTINGS:
            ids, _ = _compare(page, opts, setting, region="Noord")
            outcomes[setting] = ids
        assert len({tuple(v) for v in outcomes.values()}) > 3
        # the region's farms recolour as the Python run decides them
        colours = page.eval(
            """() => {
                vbr.scenario({budget_eur: 0, threshold_m: 250, policy: 'skip'});
                const layers = vbr.maps[0].farms.getLayers();
                return layers.map(l => [l.feature.properties.farm_id, l.options.fillColor]);
            }"""
        )
        ids, _, _, result = python_selection(
            opts, budget_eur=0, threshold_m=250, policy="skip", region="Noord"
        )
        priority = dict(zip(result.ranked["farm_id"], result.ranked["priority"], strict=True))
        fills = {
            (True, True): "#D55E00",
            (True, False): "#F0E442",
            (False, True): "#009E73",
            (False, False): "#9aa5b1",
        }
        assert len(colours) == sum("Noord" in r.split(";") for r in result.ranked["regions"])
        for farm, fill in colours:
            assert fill == fills[(bool(priority[farm]), farm in ids)], farm
        texts = page.page.inner_text(".vbr-whatif")
        assert "Budget Noord-pot" in texts
        assert page.errors == []
    finally:
        page.close()


def test_region_first_view_leaves_the_farms_clear_of_the_panels(browser, plain_run):  # noqa: F811
    _, out = plain_run
    page = OfflinePage(browser, out / "noord" / "map.html")
    try:
        covered = page.eval(
            """() => {
                const {map, farms} = vbr.maps[0];
                const view = map.getContainer().getBoundingClientRect();
                const boxes = ['.vbr-whatif', '.vbr-panel', '.vbr-legend']
                    .map((s) => document.querySelector(s).getBoundingClientRect());
                return farms.getLayers().filter((l) => {
                    const p = map.latLngToContainerPoint(l.getLatLng());
                    const x = view.left + p.x;
                    const y = view.top + p.y;
                    return boxes.some((b) => x >= b.left && x <= b.right && y >= b.top
                        && y <= b.bottom) || p.x < 0 || p.y < 0 || p.x > view.width
                        || p.y > view.height;
                }).map((l) => l.feature.properties.farm_id);
            }"""
        )
        assert covered == []
        assert page.eval("() => vbr.maps[0].farms.getLayers().length") > 10
    finally:
        page.close()


def test_region_legend_and_popups_follow_the_scenario(browser, plain_run):  # noqa: F811
    opts, out = plain_run
    page = OfflinePage(browser, out / "noord" / "map.html")
    legend = """() => Array.from(
        document.querySelectorAll('.vbr-legend .vbr-legend-row[data-status]')
    ).map((r) => [r.dataset.status, r.querySelector('.vbr-legend-count').textContent])"""
    try:
        own = page.eval(legend)
        assert ["priority_selected", own[0][1]] == own[0] and len(own) >= 3
        ids, _, _, result = python_selection(
            opts, budget_eur=0, threshold_m=2000, policy="skip", region="Noord"
        )
        page.eval("() => vbr.scenario({budget_eur: 0, threshold_m: 2000, policy: 'skip'})")
        in_region = result.ranked[["Noord" in r.split(";") for r in result.ranked["regions"]]]
        chosen_ids = set(ids)
        counts = {}
        for farm, pri in zip(in_region["farm_id"], in_region["priority"], strict=True):
            key = ("priority_" if pri else "") + ("selected" if farm in chosen_ids else "")
            key = {"priority_": "priority_not_selected", "": "not_selected"}.get(key, key)
            counts[key] = counts.get(key, 0) + 1
        order = ["priority_selected", "priority_not_selected", "selected", "not_selected"]
        expected = [[k, str(counts[k])] for k in order if counts.get(k)]
        assert page.eval(legend) == expected
        assert expected != own and len(expected) >= 3
        assert "wat-als-scenario" in page.page.inner_text(".vbr-legend")
        # a farm the run selects: its popup gives the scenario's status and the run's
        with open(out / "noord" / "ranking.csv", encoding="utf-8") as fh:
            chosen = next(r for r in csv.DictReader(fh) if r["selected"] == "true")
        page.eval(
            """(id) => {
                const e = vbr.maps[0];
                const d = e.farms.vbrData;
                vbr.openFarm(e.map, e.farms, d.rows.findIndex((r) => r[d.id] === id));
            }""",
            chosen["farm_id"],
        )
        popup = page.page.inner_text(".leaflet-popup-content")
        assert "niet geselecteerd" in popup.split("\n")[1].lower()
        assert "In de run zelf: " in popup
        # back to the run: the run's legend and popups again
        page.eval("() => { vbr.maps[0].map.closePopup(); vbr.maps[0].whatif.reset(); }")
        page.page.wait_for_selector(".leaflet-popup", state="detached")  # it fades out
        assert page.eval(legend) == own
        assert "wat-als-scenario" not in page.page.inner_text(".vbr-legend")
        page.eval(
            """(id) => {
                const e = vbr.maps[0];
                const d = e.farms.vbrData;
                vbr.openFarm(e.map, e.farms, d.rows.findIndex((r) => r[d.id] === id));
            }""",
            chosen["farm_id"],
        )
        assert "In de run zelf" not in page.page.inner_text(".leaflet-popup-content")
        assert page.errors == []
    finally:
        page.close()


def test_a_run_without_budget_draws_its_farms_without_controls(browser, tmp_path, vbr):  # noqa: F811
    from whatif_inputs import write_inputs

    paths = write_inputs(tmp_path / "in")
    code, _, _ = vbr(
        "run",
        "--farms",
        paths["farms"],
        "--natura",
        paths["natura"],
        "--regions",
        paths["regions"],
        "--no-budget",
        "--out",
        tmp_path / "out",
    )
    assert code == 0
    page = OfflinePage(browser, tmp_path / "out" / "national" / "map.html")
    try:
        assert page.errors == []
        assert page.eval("() => document.querySelectorAll('.vbr-whatif').length") == 0
        assert page.eval("() => vbr.maps[0].farms.draws") >= 1
        message = page.eval("() => { try { vbr.scenario({}); } catch (e) { return e.message; } }")
        assert "no budget" in message
    finally:
        page.close()


def _click_farm(page, farm_id: str) -> str:
    """Centre the overview map on a farm, click it, open the buy-out view, and return the popup's
    text."""
    page.eval(
        """(id) => {
            const {map, data} = vbr.maps[0];
            const i = data.ids.indexOf(id);
            map.setView([data.lat[i], data.lon[i]], 16, {animate: false});
        }""",
        farm_id,
    )
    size = page.eval("() => vbr.maps[0].map.getSize()")
    page.page.mouse.click(size["x"] / 2, size["y"] / 2)
    page.page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout summary")
    page.page.click(".leaflet-popup-content .vbr-popup-buyout summary")  # open the view
    page.page.wait_for_selector(".leaflet-popup-content .vbr-popup-buyout[open]")
    return page.page.inner_text(".leaflet-popup-content")


def test_buyout_view_without_deposition_says_it_needs_exceedance(plain_page, plain_run):
    _, out = plain_run
    with open(out / "ranking.csv", encoding="utf-8") as fh:
        farm = next(r for r in csv.DictReader(fh) if r["farm_id"] == "B30")
    text = _click_farm(plain_page, "B30")
    assert "B30" in text and "Effect van uitkoop" in text
    nh3 = f"{float(farm['nh3_kg']):,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert f"{nh3} kg NH₃ per jaar minder uitstoot" in text
    assert "--exceedance" in text


@pytest.fixture(scope="module")
def deposition_inputs(tmp_path_factory):
    from test_deposition_run import inputs

    return inputs.__wrapped__(tmp_path_factory.mktemp("whatif-deposition"))


def test_scenario_ranked_by_euro_per_mol_selects_as_vbr_run(
    browser,  # noqa: F811
    deposition_inputs,
    vbr,
):
    def cli(out, *extra):
        code, _, err = vbr(
            "run",
            "--farms",
            deposition_inputs["farms"],
            "--natura",
            deposition_inputs["natura"],
            "--exceedance",
            deposition_inputs["tif"],
            "--rank-by",
            "eur_per_mol",
            "--out",
            out,
            "--quiet",
            *extra,
        )
        assert code == 0, err
        with open(out / "ranking.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        return [r["farm_id"] for r in rows if r["selected"] == "true"], rows

    tmp = deposition_inputs["tmp"]
    _, own_rows = cli(tmp / "own", "--budget", "3000000")
    page = OfflinePage(browser, tmp / "own" / "national" / "map.html")
    try:
        for k, (budget, threshold, policy) in enumerate(
            [(3_000_000, 1000, "skip"), (1_500_000, 2000, "stop"), (2_500_000, 500, "skip")]
        ):
            ids, _ = cli(
                tmp / f"s{k}",
                "--budget",
                str(budget),
                "--threshold-m",
                str(threshold),
                "--budget-policy",
                policy,
            )
            got = page.eval(
                "(s) => vbr.scenario(s).selected",
                {"budget_eur": budget, "threshold_m": threshold, "policy": policy},
            )
            assert got == ids, (budget, threshold, policy)
        # the buy-out view gives the deposition removed and the euro per mol
        farm = next(r for r in own_rows if r["impact_mol"] not in ("", "0"))
        text = _click_farm(page, farm["farm_id"])
        mol = f"{float(farm['impact_mol']):,.1f}".replace(",", "X").replace(".", ",")
        assert f"{mol.replace('X', '.')} mol N per jaar minder depositie" in text
        assert page.errors == []
    finally:
        page.close()
