"""Public map mode (`vbr run --public`): farms counted in hexagons whose size adapts to the
density, never a hexagon or a group under three farms, never a farm-level value."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely

from conftest import REALDATA, X0, Y0, square, write_csv, write_natura, write_regions
from vbr.maps.hexagons import (
    HEX_SIZES_M,
    MAX_SUPPRESSED_SHARE,
    aggregate,
    choose_sizes,
    hex_index,
    hex_polygons,
)
from vbr.maps.public import MIN_FARMS_PER_CELL

SECRET_IDS = [f"GEHEIM-00{k}" for k in range(1, 7)]


def test_every_point_lies_in_the_hexagon_it_is_counted_in_and_hexagons_tile():
    rng = np.random.default_rng(3)
    x = rng.uniform(150_000, 160_000, 5_000)
    y = rng.uniform(450_000, 460_000, 5_000)
    for size in (1_000.0, 3_000.0, 7_500.0):
        q, r = hex_index(x, y, size)
        hexes = hex_polygons(q, r, size)
        assert (
            shapely.contains_xy(hexes, x, y).all()
            | shapely.touches(hexes, shapely.points(x, y)).all()
        )
        unique = hex_polygons(*np.unique(np.c_[q, r], axis=0).T, size)
        # side to side is `size`; the hexagons of a grid do not overlap
        assert np.allclose(shapely.area(unique), np.sqrt(3) / 2 * size**2)
        assert shapely.area(shapely.union_all(unique)) == pytest.approx(
            shapely.area(unique).sum(), rel=1e-9
        )


def test_hexagons_with_fewer_than_three_farms_are_left_out_and_count_every_farm_in_them():
    size = 1_000.0
    # three farms in one hexagon (two of region A, one outside it), two in another, one alone
    q, r = hex_index(np.array([X0, X0 + 3_000, X0 + 9_000]), np.array([Y0, Y0, Y0]), size)
    centres = hex_polygons(q, r, size)
    cx, cy = shapely.get_x(shapely.centroid(centres)), shapely.get_y(shapely.centroid(centres))
    x = np.array([cx[0], cx[0] + 50, cx[0] - 50, cx[1], cx[1] + 60, cx[2]])
    y = np.array([cy[0], cy[0] + 50, cy[0] - 40, cy[1], cy[1] - 30, cy[2]])
    nh3 = np.array([1_000.4, 2_000.0, 3_000.0, 10.0, 20.0, 30.0])
    prio = np.array([True, False, True, True, True, False])
    in_a = np.array([True, True, False, True, True, True])
    a = aggregate(x, y, nh3, prio, in_a, size_m=size)
    assert MIN_FARMS_PER_CELL == 3
    assert len(a.cells) == 1
    cell = a.cells.iloc[0]
    # the hexagon counts all three farms, also the one outside the region
    assert (cell["n"], round(cell["nh3"]), cell["prio"], cell["own"]) == (3, 6_000, 2, 2)
    assert a.farms == 5 and a.suppressed == 3 and a.shown == 2 and a.secondary == 0


def test_one_or_two_left_out_farms_take_the_smallest_shown_hexagon_with_them():
    size = 1_000.0
    q, r = hex_index(np.array([X0, X0 + 3_000, X0 + 9_000]), np.array([Y0, Y0, Y0]), size)
    centre = shapely.centroid(hex_polygons(q, r, size))
    cx, cy = shapely.get_x(centre), shapely.get_y(centre)
    # 5 farms, 3 farms, 1 farm: the lone farm's emission would be the total minus the shown
    x = np.r_[np.full(5, cx[0]), np.full(3, cx[1]), cx[2]] + np.arange(9)
    y = np.r_[np.full(5, cy[0]), np.full(3, cy[1]), cy[2]]
    a = aggregate(x, y, np.ones(9), np.zeros(9, bool), np.ones(9, bool), size_m=size)
    assert a.secondary == 1
    assert a.suppressed == 4  # the lone farm and the hexagon of three
    assert a.cells["n"].tolist() == [5]


def test_the_size_is_the_smallest_that_shows_four_fifths_of_the_farms():
    rng = np.random.default_rng(5)
    # 200 farms spread thinly over 40 x 40 km: 1 km hexagons leave most of them out
    x = rng.uniform(170_000, 210_000, 200)
    y = rng.uniform(440_000, 480_000, 200)
    everyone = np.ones(200, bool)
    (chosen,) = choose_sizes(x, y, np.ones(200), np.zeros(200, bool), [everyone])
    assert chosen.suppressed_share <= MAX_SUPPRESSED_SHARE
    smaller = [s for s in HEX_SIZES_M if s < chosen.size_m]
    assert smaller, "the thin spread should not fit the smallest size"
    below = aggregate(x, y, np.ones(200), np.zeros(200, bool), everyone, size_m=smaller[-1])
    assert below.suppressed_share > MAX_SUPPRESSED_SHARE
    assert (chosen.cells["n"] >= 3).all()


def test_regions_whose_hexagons_could_cover_the_same_farms_get_one_size():
    rng = np.random.default_rng(9)
    # a dense region beside a thin one, 500 m apart: one size for both (the larger)
    dense_x = rng.uniform(150_000, 155_000, 600)
    thin_x = rng.uniform(155_500, 185_500, 60)
    x = np.r_[dense_x, thin_x]
    y = np.r_[rng.uniform(450_000, 455_000, 600), rng.uniform(450_000, 480_000, 60)]
    dense = np.r_[np.ones(600, bool), np.zeros(60, bool)]
    thin = ~dense
    far = np.zeros(660, bool)  # a third region far away keeps its own size
    x = np.r_[x, rng.uniform(20_000, 25_000, 300)]
    y = np.r_[y, rng.uniform(380_000, 385_000, 300)]
    dense, thin = np.r_[dense, np.zeros(300, bool)], np.r_[thin, np.zeros(300, bool)]
    far = np.r_[far, np.ones(300, bool)]
    n = len(x)
    alone = [
        choose_sizes(x, y, np.ones(n), np.zeros(n, bool), [m])[0].size_m for m in (dense, thin)
    ]
    assert alone[0] < alone[1]
    together = choose_sizes(x, y, np.ones(n), np.zeros(n, bool), [dense, thin, far])
    assert together[0].size_m == together[1].size_m == alone[1]
    assert together[2].size_m < alone[1]


def _hex_centre(x: float, y: float, size: float) -> tuple[float, float]:
    q, r = hex_index(np.array([x]), np.array([y]), size)
    centre = shapely.centroid(hex_polygons(q, r, size))[0]
    return round(centre.x), round(centre.y)


@pytest.fixture
def scene(tmp_path):
    natura = write_natura(tmp_path / "n.geojson", [(57, "Veluwe", square(X0, Y0, 500), True)])
    regions = write_regions(
        tmp_path / "r.geojson", [("Regio", square(X0 - 5_000, Y0 - 5_000, 20_000))]
    )
    # three farms in the middle of one 1 km hexagon, three in another 13 km away
    ax, ay = _hex_centre(X0 + 700, Y0 + 200, 1_000.0)
    bx, by = _hex_centre(X0 + 9_200, Y0 + 9_100, 1_000.0)
    rows = [
        [SECRET_IDS[0], ax - 40, ay, 1_357, 987_654, "Jansen <b>"],
        [SECRET_IDS[1], ax + 40, ay, 2_468, 876_543, "Pietersen"],
        [SECRET_IDS[2], ax, ay + 40, 3_579, 765_432, "=HYPERLINK()"],
        [SECRET_IDS[3], bx - 40, by, 4_444, 654_321, "de Vries"],
        [SECRET_IDS[4], bx + 40, by, 5_555, 543_210, "Bakker"],
        [SECRET_IDS[5], bx, by - 40, 6_666, 432_109, "Smit"],
    ]
    farms = write_csv(
        tmp_path / "farms.csv", ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "eigenaar"], rows
    )
    return {"farms": farms, "natura": natura, "regions": regions, "rows": rows, "tmp": tmp_path}


def _public_run(vbr, scene, out, *extra):
    """``vbr run --public`` on the scene into ``out``; its stdout (the run must succeed)."""
    code, stdout, stderr = vbr(
        "run", "--farms", scene["farms"], "--natura", scene["natura"], "--regions",
        scene["regions"], "--out", out, "--public", *extra,
    )  # fmt: skip
    assert code == 0, stderr
    return stdout


def _cells(page: str) -> list[dict]:
    payload = re.search(r"vbr\.grid\(\w+, (\{.*?\})\);", page).group(1)
    return [f["properties"] for f in json.loads(payload)["geojson"]["features"]]


@pytest.mark.slow
def test_public_run_writes_maps_and_pictures_without_lists_or_farm_level_values(
    vbr, scene, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # the pages print the run's date
    out = scene["tmp"] / "public"
    stdout = _public_run(vbr, scene, out)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        "index.html",
        "manifest.json",
        "manifest.sha256",
        "regio/.vbr-folder",
        "regio/map.html",
        "regio/map.png",
    ]
    page = (out / "regio" / "map.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    picture = (out / "regio" / "map.png").read_bytes()
    for row in scene["rows"]:
        for value in (row[0], str(row[3]), str(row[4]), row[5]):
            assert value not in page, value
            assert value not in index, value
            assert value.encode() not in picture, value
        assert row[0] not in manifest
    assert "Jansen" not in page and "subsidy" not in page.lower()
    # two hexagons of three farms each: the smallest size shows them all
    cells = _cells(page)
    assert sorted((c["n"], c["nh3"]) for c in cells) == [(3, 7_404), (3, 16_665)]
    assert "1 km breed" in page and "6 (100%)" in page  # the size and the share shown
    assert "vbr.farms(" not in page
    assert "2 farms" not in stdout
    assert "1 km breed" in index and "6 (100%)" in index
    again = scene["tmp"] / "public-again"
    _public_run(vbr, scene, again)
    assert (again / "regio" / "map.html").read_bytes() == (out / "regio" / "map.html").read_bytes()


def test_public_cannot_go_with_scenarios(vbr, scene):
    code, _, stderr = vbr(
        "run", "--farms", scene["farms"], "--natura", scene["natura"], "--out",
        scene["tmp"] / "x", "--public", "--scenarios",
    )  # fmt: skip
    assert code == 2
    assert "--public" in stderr


@pytest.mark.slow
def test_default_public_maps_never_show_a_hexagon_under_three_and_agree_where_they_meet(
    tmp_path,
):
    from vbr.settings import default_options
    from vbr.writing import run

    options = default_options(tmp_path / "out")
    from dataclasses import replace

    written = run(replace(options, public=True))
    out = written.folder
    seen: dict[tuple, tuple] = {}
    for slug in ("veluwe", "peel", "eindhoven", "rotterdam", "groene-hart"):
        page = (out / slug / "map.html").read_text(encoding="utf-8")
        cells = _cells(page)
        assert cells and all(c["n"] >= MIN_FARMS_PER_CELL for c in cells)
        coords = re.search(r"vbr\.grid\(\w+, (\{.*?\})\);", page).group(1)
        for feature in json.loads(coords)["geojson"]["features"]:
            ring = tuple(map(tuple, feature["geometry"]["coordinates"][0]))
            numbers = tuple(feature["properties"].values())
            # the same hexagon on two maps shows the same numbers
            assert seen.setdefault(ring, numbers) == numbers
        share = re.search(r'"Veehouderijen in weggelaten zeshoeken","[\d.]+ \((\d+)%\)"', page)
        assert int(share.group(1)) <= 100 * MAX_SUPPRESSED_SHARE
        assert (out / slug / "map.png").stat().st_size > 50_000


def igo_farms_csv(folder) -> tuple:
    """The real IGO farms (Gelderland, Brabant, Limburg) as a farm list vbr reads without
    hints: ``farm_id`` from ``vthobject_id``, ``nh3_kg`` from ``nh3_emissie``, a made-up
    subsidy (EUR 500 per kg NH3), the point, and the municipality and (pseudonymised)
    address carried through."""
    import geopandas as gpd

    path = REALDATA / "farms" / "geonovius_igo_veehouderijen_nabij_n2000.gpkg"
    if not path.exists():
        pytest.skip("shared/realdata is absent")
    frame = gpd.read_file(path)
    points = shapely.get_geometry(frame.geometry.values, 0)  # MultiPoint of one point each
    rows = [
        [fid, f"{x:.2f}", f"{y:.2f}", f"{nh3:g}", f"{round(500 * nh3)}", town, address]
        for fid, x, y, nh3, town, address in zip(
            frame["vthobject_id"], shapely.get_x(points), shapely.get_y(points),
            frame["nh3_emissie"], frame["bevoegdgezag"], frame["adres"], strict=True,
        )
    ]  # fmt: skip
    header = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "gemeente", "adres"]
    return write_csv(folder / "igo.csv", header, rows), frame


@pytest.mark.realdata
@pytest.mark.slow
def test_public_map_of_real_veluwe_farms_shows_at_least_four_fifths_of_them(vbr, tmp_path):
    farms, _ = igo_farms_csv(tmp_path)
    out = tmp_path / "public"
    code, _, stderr = vbr("run", "--farms", farms, "--out", out, "--public", "--quiet")
    assert code == 0, stderr
    page = (out / "veluwe" / "map.html").read_text(encoding="utf-8")
    figures = dict(json.loads(re.search(r'"figures":(\[\[.*?\]\])', page).group(1)))
    farms_n = int(figures["Veehouderijen"].replace(".", ""))
    shown, share = re.match(
        r"([\d.]+) \((\d+)%\)", figures["Veehouderijen in getoonde zeshoeken"]
    ).groups()
    size = figures["Zeshoeken"]
    print(
        f"real IGO farms, Veluwe: {farms_n} farms, hexagons {size}, "
        f"{shown} in shown hexagons ({share}%), {len(_cells(page))} hexagons"
    )
    assert farms_n > 100
    assert int(shown.replace(".", "")) >= 0.8 * farms_n
    assert all(c["n"] >= MIN_FARMS_PER_CELL for c in _cells(page))


@pytest.mark.slow
def test_verify_repeats_a_public_run_with_its_own_date(vbr, scene, monkeypatch):
    # the pages print the day of the run; vbr verify repeats the run with the recorded time,
    # so a public run made on another day still verifies
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709647140")  # 2024-03-05 13:59 UTC
    out = scene["tmp"] / "public"
    _public_run(vbr, scene, out)
    page = (out / "regio" / "map.html").read_text(encoding="utf-8")
    assert "Run van 5 maart 2024" in page
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["created"] == "2024-03-05T13:59:00+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    code, stdout, stderr = vbr("verify", out)
    assert code == 0, stdout + stderr
