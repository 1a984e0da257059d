"""HTML-level tests of the region maps and index.html (vbr.maps)."""

from __future__ import annotations

import html
import re

import folium
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maps_inputs import (
    HOSTILE_AREA,
    HOSTILE_ID,
    HOSTILE_NOTE,
    HOSTILE_REGION,
    HOSTILE_SLUG,
    SCRIPT_ID,
    default_run_once,
    farm_payload,
    page_payload,
    page_texts,
    read_list,
    run_small,
)
from vbr.locale.formats import format_count, format_eur, format_kg
from vbr.maps.data import STATUSES, polygons_geojson, safe_json
from vbr.maps.region_map import render_with_stable_ids

#: URLs a map may hold: basemap tile templates, attribution links and texts inside Leaflet's code
#: (the SVG namespace, comments naming browser bugs, Leaflet's own attribution link).
ALLOWED_URL = re.compile(
    r"^(https://service\.pdok\.nl/.*\{z\}/\{x\}/\{y\}\.(png|jpeg)"
    r"|https://tile\.openstreetmap\.org/\{z\}/\{x\}/\{y\}\.png"
    r"|https://www\.(kadaster|pdok|beeldmateriaal)\.nl"
    r"|https://www\.openstreetmap\.org/copyright"
    r"|https://leafletjs\.com"
    r"|http://www\.w3\.org/2000/svg"
    r"|https://(bugs\.chromium\.org|bugzilla\.mozilla\.org)/\S+)$"
)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A run on the small hostile inputs with a national budget (no regional ones)."""
    return run_small(tmp_path_factory.mktemp("maps-small"))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """A run on the embedded default data (national and regional budgets)."""
    return default_run_once(tmp_path_factory)


def _statuses(payload: dict) -> np.ndarray:
    keys = [s["key"] for s in payload["statuses"]]
    return np.array([keys[i] for i in payload["status"]])


def _expected_statuses(region_list, national_list=None) -> np.ndarray:
    """Status of every row of a region's ranking.csv, from the CSV alone."""
    priority = region_list["priority"].to_numpy() == "true"
    selected = region_list["selected"].to_numpy(dtype=object)
    if national_list is not None:
        selected = np.where(selected == "", national_list["selected"].to_numpy(), selected)
    budget = selected != ""
    chosen = selected == "true"
    return np.where(
        budget,
        np.where(
            priority,
            np.where(chosen, "priority_selected", "priority_not_selected"),
            np.where(chosen, "selected", "not_selected"),
        ),
        np.where(priority, "priority", "ranked"),
    )


@pytest.mark.slow
def test_every_region_gets_a_map_and_the_index_links_them(small):
    result, out = small
    assert (out / "index.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    for region in result.region_lists:
        assert (out / region.slug / "map.html").is_file()
        assert f'href="{region.slug}/map.html"' in index
        assert f'href="{region.slug}/ranking.csv"' in index


def test_manifest_lists_the_maps(small):
    import json

    _, out = small
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "index.html" in manifest["outputs"]
    assert "oost/map.html" in manifest["outputs"]


@pytest.mark.slow
def test_map_makes_no_cdn_request_and_inlines_leaflet(default_run):
    result, out = default_run
    for region in result.region_lists:
        text = (out / region.slug / "map.html").read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", text, flags=re.IGNORECASE)
        assert not re.search(r"<link[^>]+href=", text, flags=re.IGNORECASE)
        assert "@import" not in text
        assert "sourceMappingURL" not in text
        for url in set(re.findall(r"""https?://[^"'\s<>)\\]+""", text)):
            assert ALLOWED_URL.match(url), url
        assert 't.version="1.9.4"' in text  # Leaflet itself, inlined
        assert "jquery" not in text.lower()
        assert "bootstrap" not in text.lower()


LAYERS = {
    "nl": (
        "BRT-Achtergrondkaart grijs (PDOK)",
        "BRT-Achtergrondkaart standaard (PDOK)",
        "Luchtfoto (PDOK)",
        "OpenStreetMap",
        "Geen achtergrondkaart",
        "Overbelaste Natura 2000-gebieden",
        "Overige Natura 2000-gebieden",
        "Voorrangszone (1.000 m)",
        "Grens van de regio",
        "Veehouderijen",
    ),
    "en": (
        "BRT background map grey (PDOK)",
        "Aerial photo (PDOK)",
        "No basemap",
        "Overloaded Natura 2000 areas",
        "Other Natura 2000 areas",
        "Priority strip (1,000 m)",
        "Region outline",
        "Farms",
    ),
}


@pytest.mark.parametrize("k", [0, 1, 2])
def test_our_tile_layer_renders_as_folium_tile_layer(k):
    """vbr's tile layer skips folium's search of the xyzservices providers; the page must not
    change for it (nor when folium changes what its TileLayer writes)."""
    import folium

    from vbr.maps.region_map import BASEMAPS, _Tiles

    base = BASEMAPS[k]
    pages = []
    for layer in (folium.TileLayer, _Tiles):
        fmap = folium.Map(location=[52.1, 5.3], tiles=None)
        layer(
            tiles=base.url,
            attr=base.attribution,
            name=f"basemap {k}",
            max_zoom=21,
            max_native_zoom=base.max_native_zoom,
            overlay=False,
            control=True,
            show=k == 0,
        ).add_to(fmap)
        tiles = next(c for c in fmap._children.values() if isinstance(c, folium.TileLayer))
        script = tiles._template.module.script(tiles, {})
        pages.append(script.replace(tiles.get_name(), "tiles").replace(fmap.get_name(), "map"))
    assert pages[0] == pages[1]
    assert base.url in pages[1]


def test_map_offers_the_four_basemaps_and_every_layer(small):
    _, out = small
    text = (out / "oost" / "map.html").read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="nl">')
    for name in LAYERS["nl"]:
        assert f'"{name}" :' in text, name
    for url in (
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png",
        "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_orthoHR/EPSG:3857/{z}/{x}/{y}.jpeg",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    ):
        assert url in text
    assert "L.control.layers(" in text
    assert '"preferCanvas": true' in text


@pytest.mark.slow
def test_an_english_run_has_english_maps_and_index(tmp_path):
    _, out = run_small(tmp_path, lang="en")
    text = (out / "oost" / "map.html").read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    for name in LAYERS["en"]:
        assert f'"{name}" :' in text, name
    assert "<title>Oost: Vbr ranking map</title>" in text
    texts = page_texts(text)
    assert texts["locale"] == "en-GB" and texts["map.popup.nh3"] == "Emission"
    assert {s["label"] for s in farm_payload(text)["statuses"]} >= {"Priority · selected"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<h1>Vbr: maps and lists per region</h1>" in index
    assert "€2,000,000" in index  # the national budget, in English


def test_map_words_come_from_the_catalogue_as_one_object(small):
    _, out = small
    text = (out / "oost" / "map.html").read_text(encoding="utf-8")
    texts = page_texts(text)
    assert texts["locale"] == "nl-NL"
    assert texts["map.popup.reason"] == "Waarom"
    assert texts["units.kg_per_year"] == "{value} kg NH₃/jaar"
    assert text.count("vbr.setTexts(") == 1


def test_farm_statuses_match_the_region_lists_with_regional_budgets(default_run):
    result, out = default_run
    for region in result.region_lists:
        payload = farm_payload((out / region.slug / "map.html").read_text(encoding="utf-8"))
        listed = read_list(out / region.slug / "ranking.csv")
        assert payload["columns"] == list(listed.columns)
        assert payload["rows"] == listed.to_numpy().tolist()
        expected = _expected_statuses(listed)
        got = _statuses(payload)
        np.testing.assert_array_equal(got, expected)
        assert sum(got == "priority_selected") + sum(got == "priority_not_selected") == sum(
            listed["priority"] == "true"
        )
        assert sum(np.isin(got, ["selected", "priority_selected"])) == sum(
            listed["selected"] == "true"
        )


def test_region_lists_and_maps_show_the_national_decision(small):
    result, out = small
    national = read_list(out / "ranking.csv").set_index("farm_id")
    for region in result.region_lists:
        payload = farm_payload((out / region.slug / "map.html").read_text(encoding="utf-8"))
        listed = read_list(out / region.slug / "ranking.csv")
        national_rows = national.loc[listed["farm_id"]].reset_index()
        for column in ("selected", "funded_by", "reason"):
            assert listed[column].tolist() == national_rows[column].tolist()
        np.testing.assert_array_equal(_statuses(payload), _expected_statuses(listed))
        assert payload["walks"] == []  # no walk of the region's own
    statuses = _statuses(farm_payload((out / HOSTILE_SLUG / "map.html").read_text()))
    assert "priority_not_selected" in statuses  # the farm the budget could not pay


@pytest.mark.slow
def test_without_a_budget_farms_are_priority_or_ranked(tmp_path):
    _, out = run_small(tmp_path, budget_eur=None)
    payload = farm_payload((out / "oost" / "map.html").read_text(encoding="utf-8"))
    assert set(_statuses(payload)) <= {"priority", "ranked"}
    assert "Geen voorrang" in {s["label"] for s in payload["statuses"]}
    # no budget: no budget lines in the popup, none in the panel
    assert payload["walks"] == []
    assert [f["label"] for f in payload["facts"]][-1] == "Regio’s"
    text = (out / "oost" / "map.html").read_text(encoding="utf-8")
    figures = [label for label, _ in page_payload(text)["headline"]["figures"]]
    assert figures == ["Veehouderijen", "Met voorrang"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "geen budget" in index


@pytest.mark.slow
def test_a_region_without_farms_still_gets_a_map(tmp_path):
    _, out = run_small(tmp_path, empty_region=True)
    text = (out / "leeg" / "map.html").read_text(encoding="utf-8")
    assert farm_payload(text)["rows"] == []
    assert ["Veehouderijen", "0"] in page_payload(text)["headline"]["figures"]
    assert page_payload(text)["legend"]["statuses"] == []  # no class without farms
    assert 'href="leeg/map.html"' in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_regional_pot_is_named_in_the_panel_the_popup_and_the_index(tmp_path):
    result, out = run_small(tmp_path, regional=True)
    oost = read_list(out / "oost" / "ranking.csv")
    funded = oost.loc[oost["selected"] == "true", "funded_by"].value_counts().to_dict()
    assert set(funded) == {"national", "Oost budget"}  # both pots funded farms here
    assert set(oost.loc[oost["selected"] == "false", "funded_by"]) == {""}
    headline = page_payload((out / "oost" / "map.html").read_text(encoding="utf-8"))["headline"]
    figures = dict(map(tuple, headline["figures"]))
    assert figures["Geselecteerd"] == str(sum(funded.values()))
    eur = {
        name: format_eur(
            oost.loc[oost["funded_by"] == name, "subsidy_eur"].astype(float).sum(), "nl"
        )
        for name in funded
    }
    assert (
        figures["Uit landelijk budget"]
        == f"{funded['national']} veehouderijen, " + (eur["national"])
    )
    assert figures["Uit regionaal budget Oost budget"] == (
        f"{funded['Oost budget']} veehouderijen, {eur['Oost budget']}"
    )
    assert headline["notes"][0].startswith("Eén besluit per veehouderij")
    payload = farm_payload((out / "oost" / "map.html").read_text(encoding="utf-8"))
    np.testing.assert_array_equal(_statuses(payload), _expected_statuses(oost))
    # the popup names the pot that funded the farm
    (fact,) = [f for f in payload["facts"] if f["label"] == "Gefinancierd uit"]
    assert fact["choices"] == {
        "Oost budget": "regionaal budget Oost budget",
        "national": "landelijk budget",
    }
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        f"<td>landelijk budget: {funded['national']}, regionaal budget Oost budget: "
        f"{funded['Oost budget']}</td>"
    ) in index
    assert '<text class="name" x="0" y="87">Regionaal budget Oost budget</text>' in index
    assert "<th>Budget: regionaal budget Oost budget (Oost)</th>" in index
    oost_pot = result.budgets[1]
    assert oost_pot.selected == funded["Oost budget"]
    assert f"<td>€\u00a01.000.000; gebruikt {format_eur(oost_pot.used_eur, 'nl')}" in index


def test_legend_names_every_status_drawn_and_the_sizes(default_run):
    result, out = default_run
    for region in result.region_lists:
        text = (out / region.slug / "map.html").read_text(encoding="utf-8")
        legend = page_payload(text)["legend"]
        payload = farm_payload(text)
        drawn = set(_statuses(payload))
        keys = [s.key for s in STATUSES]
        legend_keys = {keys[e["status"]] for e in legend["statuses"]}
        assert drawn == legend_keys  # every status drawn, none without farms
        for entry in legend["statuses"]:
            assert entry["count"] == int((_statuses(payload) == keys[entry["status"]]).sum())
        assert len(legend["sizes"]) >= 2
        radii = [s["radius"] for s in legend["sizes"]]
        assert radii == sorted(radii)
        assert [a["label"] for a in legend["areas"]] == [
            "Overbelast Natura 2000-gebied",
            "Ander Natura 2000-gebied (geeft geen voorrang)",
            "Voorrangszone (1.000 m)",
            "Grens van de regio",
        ]


def test_circle_size_grows_with_nh3(default_run):
    _, out = default_run
    payload = farm_payload((out / "veluwe" / "map.html").read_text(encoding="utf-8"))
    nh3 = np.array([float(r[payload["columns"].index("nh3_kg")]) for r in payload["rows"]])
    radius = np.array(payload["radius"])
    order = np.argsort(nh3, kind="stable")
    assert (np.diff(radius[order]) >= 0).all()
    assert radius.min() >= 3 and radius.max() <= 14


def test_farm_positions_are_the_ranked_points_in_wgs84(default_run):
    from pyproj import Transformer

    result, out = default_run
    region = result.region_lists[0]
    payload = farm_payload((out / region.slug / "map.html").read_text(encoding="utf-8"))
    points = result.ranked.geometry.values[region.positions]
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(points.x, points.y)
    np.testing.assert_allclose(payload["lon"], lon, atol=1e-6)
    np.testing.assert_allclose(payload["lat"], lat, atol=1e-6)


def test_hostile_text_is_data_never_markup(small):
    _, out = small
    text = (out / HOSTILE_SLUG / "map.html").read_text(encoding="utf-8")
    for raw in (HOSTILE_ID, SCRIPT_ID, HOSTILE_NOTE, HOSTILE_AREA, "<svg onload"):
        assert raw not in text
    # The page's script elements are exactly the ones vbr writes: none is closed early.
    opened = len(re.findall(r"<script\b", text, flags=re.IGNORECASE))
    closed = len(re.findall(r"</script>", text, flags=re.IGNORECASE))
    assert opened == closed
    payload = farm_payload(text)
    ids = [r[payload["columns"].index("farm_id")] for r in payload["rows"]]
    assert HOSTILE_ID in ids and SCRIPT_ID in ids
    notes = [r[payload["columns"].index("note")] for r in payload["rows"]]
    assert HOSTILE_NOTE in notes
    assert HOSTILE_AREA in payload["areaNames"].values()
    # Popups and tooltips put input text on the page as text only.
    js = text[text.index("var vbr = { maps: [] };") :]
    assert "innerHTML" not in js.split("window.vbr = vbr;")[0]


def test_index_escapes_names_and_shows_headline_figures(small):
    result, out = small
    index = (out / "index.html").read_text(encoding="utf-8")
    assert HOSTILE_REGION not in index
    assert html.escape(HOSTILE_REGION) in index
    assert "<script" not in index.lower()
    assert "{{ 7*7 }}" in index  # no template ever evaluates input text

    for region in result.region_lists:
        listed = read_list(out / region.slug / "ranking.csv")
        row = re.search(rf'<tr data-slug="{region.slug}">(.*?)</tr>', index, flags=re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells[3] == format_count(len(listed), "nl")
        assert cells[4] == format_count(int((listed["priority"] == "true").sum()), "nl")


def test_region_name_is_text_in_the_map_title_and_panel(small):
    _, out = small
    text = (out / HOSTILE_SLUG / "map.html").read_text(encoding="utf-8")
    title = f"<title>{html.escape(HOSTILE_REGION)}: Vbr-rangschikking op de kaart</title>"
    assert title in text
    assert "{{ 7*7 }}" in text
    assert page_payload(text)["headline"]["title"] == HOSTILE_REGION


def test_default_index_figures_match_the_lists(default_run):
    result, out = default_run
    index = (out / "index.html").read_text(encoding="utf-8")
    for region in result.region_lists:
        listed = read_list(out / region.slug / "ranking.csv")
        row = re.search(rf'<tr data-slug="{region.slug}">(.*?)</tr>', index, flags=re.S).group(1)
        cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        chosen = listed["selected"] == "true"
        assert cells[3] == format_count(len(listed), "nl")
        assert cells[5] == format_count(int(chosen.sum()), "nl")
        nh3 = listed.loc[chosen, "nh3_kg"].astype(float).sum()
        assert cells[6] == format_kg(nh3, "nl")
        subsidy = listed.loc[chosen, "subsidy_eur"].astype(float).sum()
        assert cells[7] == format_eur(subsidy, "nl")
        by_pot = listed.loc[chosen, "funded_by"].value_counts()
        for pot, count in by_pot.items():
            words = "landelijk budget" if pot == "national" else f"regionaal budget {pot}"
            assert f"{words}: {format_count(int(count), 'nl')}" in cells[8]


def test_safe_json_cannot_close_a_script_element():
    text = safe_json({"a": "</script><script>alert(1)</script>", "b": "x\u2028y & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    import json

    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "x\u2028y & <!--"}


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        {"rows": [["a", "b"], ["c", float("nan")]]},
        {"coordinates": [[[[5.1, 52.0], [5.2, float("inf")]]]]},
        [[1.0, 2.0], {"hidden": float("-inf")}],  # a dict among lists is not flattened away
        ("x", 1, None, float("nan")),
        [np.float64("nan")],
    ],
    ids=["bare", "in-text-rows", "in-coordinates", "dict-among-lists", "mixed", "numpy"],
)
def test_safe_json_refuses_nan_and_infinity_wherever_they_sit(value):
    with pytest.raises(ValueError, match="not JSON compliant"):
        safe_json(value)


def _json_module_safe(value) -> str:
    """What safe_json wrote with the json module alone (before orjson)."""
    import json

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw in "<>&  ":
        text = text.replace(raw, f"\\u{ord(raw):04x}")
    return text


def test_safe_json_writes_what_the_json_module_writes():
    import json

    texts = {
        "ids": ["NL-1", "Café <b>", "\x01\t", "é "],
        "numbers": [0.1, 1e16, 1e-05, -0.0, 3, True, None, 1 / 3],
        "rows": [["a", 1.5], ("b", 2)],
        "nested": {"k": [[[5.123456, 52.1]]], "e": [], "t": ()},
    }
    # orjson writes it: the same text, but for exponents (1e16 where json writes 1e+16)
    assert json.loads(safe_json(texts)) == json.loads(_json_module_safe(texts))
    plain = {k: v for k, v in texts.items() if k != "numbers"}
    assert safe_json(plain) == _json_module_safe(plain)
    beyond = {**texts, "big": 2**70, "numpy": np.float64(0.25), 7: "key that is not text"}
    assert safe_json(beyond) == _json_module_safe(beyond)  # the json module writes it


def test_display_polygons_are_rounded_and_simplified_but_the_input_is_untouched(default_run):
    result, _ = default_run
    areas = result.natura.areas
    before = areas.geometry.values.copy()
    collection = polygons_geojson(areas.head(3), ["nr", "name"])
    assert [f["properties"]["nr"] for f in collection["features"]] == list(areas["nr"].head(3))
    coords = []

    def walk(c):
        if isinstance(c[0], (int, float)):
            coords.append(c)
        else:
            for x in c:
                walk(x)

    for f in collection["features"]:
        walk(f["geometry"].parsed()["coordinates"])
    assert coords and all(round(v, 5) == v for c in coords for v in c)
    assert all(3 < c[0] < 8 and 50 < c[1] < 54 for c in coords)  # degrees, not metres
    assert all(a.equals_exact(b, 0) for a, b in zip(before, areas.geometry.values, strict=True))


def test_default_maps_stay_small(default_run):
    result, out = default_run
    for region in result.region_lists:
        size = (out / region.slug / "map.html").stat().st_size
        assert size < 15 * 1024 * 1024


@pytest.mark.slow
def test_maps_are_the_same_bytes_in_every_run(tmp_path):
    # Folium names every element with a random id; vbr numbers them, so reruns can be compared
    _, first = run_small(tmp_path / "a")
    _, second = run_small(tmp_path / "b")
    pages = sorted(p.relative_to(first) for p in first.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        assert (first / page).read_bytes() == (second / page).read_bytes(), page


def test_stable_ids_leave_text_that_looks_like_an_id_alone():
    lookalike = "map_" + "ab" * 16
    fmap = folium.Map(location=[52, 5], tiles=None)
    folium.Marker([52, 5], tooltip=lookalike).add_to(fmap)
    random_name = fmap.get_name()
    page = render_with_stable_ids(fmap.get_root())
    assert random_name not in page  # Folium's random name is gone ...
    assert "map_" + "0" * 32 in page  # ... numbered in order of appearance
    assert lookalike in page  # data is not an id, even when it looks like one


def test_stable_ids_put_every_layers_data_back_whole_and_leave_it_alone():
    from vbr.maps.region_map import _ScriptLayer

    fmap = folium.Map(location=[52, 5], tiles=None)
    names = []
    for k in range(3):  # data long enough to be left out while the ids are replaced
        data = {"k": k, "ids": [fmap.get_name(), "map_" + "cd" * 16] * 300}
        layer = _ScriptLayer("farms", data, name=f"layer {k}")
        layer.add_to(fmap)
        names.append((layer.get_name(), layer.payload))
    page = render_with_stable_ids(fmap.get_root())
    for name, payload in names:
        assert name not in page  # the layer's own name is numbered ...
        assert page.count(payload) == 1  # ... its data is back, whole and untouched
    assert "\x00" not in page
    again = folium.Map(location=[52, 5], tiles=None)
    for k in range(3):
        _ScriptLayer("farms", {"k": k, "ids": ["x"] * 2000}, name=f"layer {k}").add_to(again)
    first, second = (
        render_with_stable_ids(again.get_root()),
        render_with_stable_ids(again.get_root()),
    )
    assert first == second


def test_index_has_the_national_figures_a_bar_per_budget_and_the_notes(default_run):

    from vbr.maps import index_page

    result, out = default_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.startswith('<!DOCTYPE html>\n<html lang="nl">')
    counts = result.counts()
    assert (
        f'<tr><th>Rijen gelezen</th><td class="num">{format_count(counts["read"], "nl")}' in index
    )
    # one pair of bars per budget: euro used against the budget, NH3 against the most removed
    used = [
        float(w) for w in re.findall(r'class="bar-eur" x="140" y="\d+" width="([\d.]+)"', index)
    ]
    nh3 = [float(w) for w in re.findall(r'class="bar-nh3" x="140" y="\d+" width="([\d.]+)"', index)]
    assert len(used) == len(nh3) == len(result.budgets) == 3
    most = max(b.selected_nh3_kg for b in result.budgets)
    for b, u, n in zip(result.budgets, used, nh3, strict=True):
        assert u == pytest.approx(360 * b.used_eur / b.budget_eur, abs=0.05)
        assert n == pytest.approx(360 * b.selected_nh3_kg / most, abs=0.05)
    # the run's notes and warnings, as text
    page = index_page.index_html(result, [], ["Let op: <b>indicatief</b> & niet officieel"])
    assert "<li>Let op: &lt;b&gt;indicatief&lt;/b&gt; &amp; niet officieel</li>" in page
    assert "Deze run had geen regio’s." in page


def test_every_list_map_and_the_index_agree_with_ranking_csv_on_every_farm(default_run):
    """Issue 20: one status everywhere. The default run has the national pot and two regional
    pots, regions that overlap and farms in no region."""
    result, out = default_run
    national = read_list(out / "ranking.csv").set_index("farm_id")
    decided = read_list(out / "decisions.csv").set_index("farm_id")
    ranked_ids = national.index
    assert (decided.loc[ranked_ids, "status"] == "granted").tolist() == (
        national["selected"] == "true"
    ).tolist()
    assert decided.loc[ranked_ids, "funded_by"].tolist() == national["funded_by"].tolist()
    assert set(national["funded_by"]) == {"", "national", *(b.name for b in result.budgets)}
    index = (out / "index.html").read_text(encoding="utf-8")
    for region in result.region_lists:
        listed = read_list(out / region.slug / "ranking.csv")
        mine = national.loc[listed["farm_id"]].reset_index()
        for column in ("selected", "funded_by", "reason", "regions"):
            assert listed[column].tolist() == mine[column].tolist(), (region.slug, column)
        payload = farm_payload((out / region.slug / "map.html").read_text(encoding="utf-8"))
        np.testing.assert_array_equal(_statuses(payload), _expected_statuses(mine))
        row = re.search(rf'<tr data-slug="{region.slug}">(.*?)</tr>', index, flags=re.S).group(1)
        cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        assert cells[5] == format_count(int((mine["selected"] == "true").sum()), "nl")
    outside = int((national["regions"] == "").sum())
    assert outside > 0
    assert (
        f'<tr><th>Gerangschikt, in geen enkele regio</th><td class="num">'
        f"{format_count(outside, 'nl')}</td></tr>"
    ) in index
    # the pots' figures add up to the money granted, each farm counted once
    granted = national.loc[national["selected"] == "true", "subsidy_eur"].astype(float).sum()
    assert sum(b.used_eur for b in result.budgets) == pytest.approx(granted, abs=0.005)
    assert sum(b.selected for b in result.budgets) == int((national["selected"] == "true").sum())


# --- map.png: a static picture of every region's map (issue 21 point 3) -------------------------


def _colours(picture, box) -> set[tuple[int, int, int]]:
    """The colours in a part (left, top, right, bottom) of a picture."""
    return {c[:3] for _, c in picture.crop(box).getcolors(maxcolors=1 << 20)}


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))


def test_every_region_gets_a_picture_with_its_farms_and_the_legend(default_run):
    from PIL import Image

    from vbr.maps.static import SIZE_PX

    result, out = default_run
    for region in result.region_lists:
        path = out / region.slug / "map.png"
        picture = Image.open(path).convert("RGB")
        assert picture.size == SIZE_PX
        listed = read_list(out / region.slug / "ranking.csv")
        statuses = _statuses(farm_payload((out / region.slug / "map.html").read_text("utf-8")))
        keys = set(statuses)
        legend = _colours(picture, (1180, 100, 1600, 1000))  # the column right of the map
        frame = _colours(picture, (30, 110, 1150, 1090))  # the map
        every = {_hex_rgb(s.fill) for s in STATUSES}
        present = {_hex_rgb(s.fill) for s in STATUSES if s.key in keys}
        # the legend has the colours of the statuses the region's farms have, and no other
        assert legend & every == present, region.slug
        # the map has them too (drawn at 90 % over the map's grey, as in the browser)
        grey = np.array([0xEE, 0xF0, 0xF2])
        drawn = np.array(sorted(frame), dtype=float)
        for status in STATUSES:
            blended = 0.9 * np.array(_hex_rgb(status.fill)) + 0.1 * grey
            near = np.abs(drawn - blended).max(axis=1).min() <= 2
            assert near == (status.key in keys) or _hex_rgb(status.fill) in present, status.key
        assert len(listed) == len(statuses)
    # the picture is listed in the manifest and linked from the index
    assert "veluwe/map.png" in (out / "manifest.json").read_text(encoding="utf-8")
    assert 'href="veluwe/map.png"' in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_public_picture_shows_hexagons_and_no_farm(tmp_path):
    from dataclasses import replace

    from PIL import Image

    from vbr.maps.public import _CLASSES
    from vbr.settings import default_options
    from vbr.writing import run

    out = run(replace(default_options(tmp_path / "out"), public=True)).folder
    picture = Image.open(out / "veluwe" / "map.png").convert("RGB")
    frame = _colours(picture, (30, 110, 1150, 1090))
    # no farm's circle colour anywhere on the map, and the hexagons' colours there
    for status in STATUSES:
        assert _hex_rgb(status.fill) not in frame, status.key
    legend = _colours(picture, (1180, 100, 1600, 1000))
    assert {_hex_rgb(fill) for _, fill, _ in _CLASSES} <= legend


@pytest.mark.slow
def test_pictures_take_their_words_from_the_run_language(tmp_path):
    from vbr.maps import _region_contents
    from vbr.maps.static import static_map
    from vbr.writers.context import WriteContext

    result, out = run_small(tmp_path, lang="en")
    assert (out / "oost" / "map.png").exists()
    # the picture's texts, built as write_maps builds them
    context = WriteContext.of(result, tmp_path / "again")
    for region, _, content in _region_contents(context):
        static = static_map(content)
        assert static.title == f"{region.name}: Vbr ranking map"
        assert static.run.startswith("Run of ")
        assert static.legend_title == "Farms"
        assert static.areas[0].label == "Overloaded Natura 2000 area"
        assert any(s.startswith("Farms: ") for s in static.sources)


def test_display_outlines_shared_by_regions_are_simplified_once(monkeypatch):
    import geopandas as gpd
    import shapely

    import vbr.maps.data as data

    areas = gpd.GeoDataFrame(
        {"nr": [1, 2]},
        geometry=[
            shapely.box(150_000, 450_000, 151_000, 451_000).buffer(300, quad_segs=64),
            shapely.box(160_000, 450_000, 161_000, 451_000),
        ],
        crs="EPSG:28992",
    )
    plain = polygons_geojson(areas, ["nr"])
    calls = []
    simplify = shapely.simplify
    monkeypatch.setattr(
        data.shapely, "simplify", lambda g, *a, **k: calls.append(len(g)) or simplify(g, *a, **k)
    )
    cache = data.DisplayCache()  # no folder: what one run makes once
    first = polygons_geojson(areas, ["nr"], cache=cache)
    made_first = sum(calls)
    second = polygons_geojson(areas.iloc[[1]], ["nr"], cache=cache)
    made_second = sum(calls) - made_first
    other_tolerance = polygons_geojson(areas.iloc[[1]], ["nr"], simplify_m=50.0, cache=cache)
    assert first == plain  # the cache changes nothing of what is drawn
    assert second["features"] == plain["features"][1:]
    # the second region's call made nothing; another tolerance did
    assert (made_first, made_second, sum(calls)) == (2, 0, 3)
    assert other_tolerance["features"][0]["properties"] == {"nr": 2}


def test_display_outlines_kept_in_the_cache_folder_are_not_simplified_again(monkeypatch, tmp_path):
    import geopandas as gpd
    import shapely

    import vbr.maps.data as data

    areas = gpd.GeoDataFrame(
        {"nr": [1]},
        geometry=[shapely.box(150_000, 450_000, 151_000, 451_000).buffer(300, quad_segs=64)],
        crs="EPSG:28992",
    )
    first = polygons_geojson(areas, ["nr"], cache=data.DisplayCache(folder=tmp_path))
    assert len(list(tmp_path.glob("display-*.wkb"))) == 1

    def no_simplify(*args, **kwargs):
        raise AssertionError("simplified again")

    monkeypatch.setattr(data.shapely, "simplify", no_simplify)
    again = polygons_geojson(areas, ["nr"], cache=data.DisplayCache(folder=tmp_path))
    assert (
        again == first == polygons_geojson(areas, ["nr"], cache=data.DisplayCache(folder=tmp_path))
    )


def test_pictures_left_when_the_pages_are_done_are_drawn_here_each_once(tmp_path, monkeypatch):
    import os
    import time

    import vbr.maps.static as static

    log = tmp_path / "drawn.log"

    def slow_draw(picture, path):
        time.sleep(0.4)
        path.write_text(picture)
        with open(log, "a") as fh:  # one line per drawing, from whichever process drew it
            fh.write(f"{picture} {os.getpid()}\n")
        return path

    monkeypatch.setattr(static, "draw_png", slow_draw)
    monkeypatch.setattr(static, "_warm_up", lambda: None)
    with static.PictureDrawer(jobs=4, workers=1) as drawer:
        for k in range(4):
            drawer.submit(f"picture {k}", tmp_path / f"{k}.png")
        time.sleep(1.0)  # the pages are written meanwhile; the worker draws the first ones
        paths = drawer.finish()
    assert paths == [tmp_path / f"{k}.png" for k in range(4)]
    assert [p.read_text() for p in paths] == [f"picture {k}" for k in range(4)]
    lines = log.read_text().splitlines()
    assert sorted(line.rsplit(" ", 1)[0] for line in lines) == [f"picture {k}" for k in range(4)]
    drawers = {line.rsplit(" ", 1)[1] for line in lines}
    assert str(os.getpid()) in drawers  # this process drew the last ones instead of waiting
    assert len(drawers) == 2  # and the worker the first ones


@pytest.mark.parametrize(
    ("own_farms", "own_areas", "says"),
    [
        (False, False, "geen echte veehouderijen en geen officiële grenzen"),
        (True, False, "Natura 2000-contouren van vbr: geen officiële grenzen"),
        (False, True, "Voorbeelddata: geen echte veehouderijen;"),
        (True, True, None),
    ],
)
def test_map_limits_say_which_data_are_examples(tmp_path, own_farms, own_areas, says):
    """Real farms measured against vbr's outlines are not "no real farms": the limits name
    what is an example, and nothing when both files are the user's."""
    import datetime as dt
    from types import SimpleNamespace

    from vbr.maps.credits import credits
    from vbr.settings import run_options

    options = run_options(
        farms=tmp_path / "farms.csv" if own_farms else None,
        natura=tmp_path / "n2k.gpkg" if own_areas else None,
        out=tmp_path / "out",
    )
    result = SimpleNamespace(options=options, overloaded_list=None)
    limits = credits(result, dt.datetime(2026, 12, 7, tzinfo=dt.UTC)).limits
    examples = [text for text in limits if "niet gebruiken voor besluiten" in text]
    if says is None:
        assert examples == []
    else:
        assert len(examples) == 1 and says in examples[0]


COORDINATE = st.one_of(
    st.integers(min_value=300_000, max_value=5_400_000).map(lambda v: v / 100_000),  # degrees
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(COORDINATE, COORDINATE), min_size=3, max_size=10),
    st.sampled_from(["polygon", "with hole", "multi", "line", "3d"]),
)
def test_a_display_outline_is_written_as_orjson_writes_geos_geojson(corners, kind):
    """geometry_json writes the text that parsing GEOS's GeoJSON and writing it with orjson
    gives (GEOS itself writes 17 digits: 53.128660000000004 for 53.12866), and safe_json writes
    a RawJSON as it wrote the parsed value, through orjson and through the json fallback."""
    import orjson
    import shapely

    from vbr.maps.data import RawJSON, geometry_json

    shape = shapely.Polygon(corners)
    if kind == "with hole":
        shape = shapely.Polygon(corners, [shapely.get_coordinates(shape.centroid.buffer(1e-4))])
    elif kind == "multi":
        shape = shapely.MultiPolygon([shape, shapely.affinity.translate(shape, 100.0, 0.0)])
    elif kind == "line":
        shape = shapely.LineString(corners)
    elif kind == "3d":
        shape = shapely.Polygon([(x, y, 1.5) for x, y in corners])
    expected = orjson.dumps(orjson.loads(shapely.to_geojson(shape))).decode()
    text = geometry_json(shape)
    assert text == expected
    parsed = orjson.loads(expected)
    raw = {"type": "FeatureCollection", "features": [{"geometry": RawJSON(text)}]}
    plain = {"type": "FeatureCollection", "features": [{"geometry": parsed}]}
    assert safe_json(raw) == safe_json(plain)
    # an int beyond 64 bits sends the value to the json fallback: the same text there
    assert safe_json({"n": 2**70, **raw}) == safe_json({"n": 2**70, **plain})
