"""map.png drawn with Pillow (vbr.maps.static): small pictures built in code, checked pixel by
pixel where the drawing promises something exact."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from shapely.geometry import Polygon, box

from conftest import X0, Y0
from vbr.maps.static import (
    AREA_STYLE,
    SIZE_PX,
    FarmsToDraw,
    LegendEntry,
    StaticMap,
    _Frame,
    _save_rgb,
    draw_png,
    frame_view,
)

GREY = np.array([0xEE, 0xF0, 0xF2])
CRS = "EPSG:28992"


def _areas(*geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"nr": list(range(1, len(geoms) + 1))}, geometry=list(geoms), crs=CRS)


def _static(**changes) -> StaticMap:
    """A small map: a 10 x 8 km view, no area, no farm (``changes`` adds them)."""
    fields = {
        "lang": "en",
        "title": "Test: a picture",
        "run": "Run of today",
        "view": frame_view((X0, Y0, X0 + 10_000, Y0 + 8_000)),
        "outline": None,
        "overloaded": _areas(),
        "other": _areas(),
        "zone": _areas(),
        "legend_title": "Farms",
        "entries": [],
        "areas": [],
        "figures_title": "Test",
        "figures": [("Farms", "3")],
        "sources": ["Farms: test"],
        "limits": ["none"],
    }
    return StaticMap(**{**fields, **changes})


def _draw(static: StaticMap, tmp_path, name: str = "map.png") -> np.ndarray:
    path = draw_png(static, tmp_path / name)
    picture = Image.open(path)
    assert picture.mode == "RGB" and picture.size == SIZE_PX
    return np.asarray(picture).astype(int)


def _pixel(static: StaticMap, x: float, y: float) -> tuple[int, int]:
    """The picture's pixel (column, row) at a point in metres."""
    column, row = _Frame.of(static.view).point(x, y)
    return int(column), int(row)


def _over(colour: str, alpha: float, under: np.ndarray = GREY) -> np.ndarray:
    rgb = np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)])
    return alpha * rgb + (1 - alpha) * under


def test_a_hole_in_an_area_stays_the_map_grey_and_the_area_around_it_is_filled(tmp_path):
    outer = box(X0 + 1_000, Y0 + 1_000, X0 + 9_000, Y0 + 7_000)
    hole = box(X0 + 3_000, Y0 + 3_000, X0 + 7_000, Y0 + 5_000)
    static = _static(overloaded=_areas(Polygon(outer.exterior, [hole.exterior])))
    picture = _draw(static, tmp_path)
    column, row = _pixel(static, X0 + 5_000, Y0 + 4_000)
    assert picture[row, column].tolist() == GREY.tolist()
    column, row = _pixel(static, X0 + 2_000, Y0 + 4_000)
    filled = _over(AREA_STYLE["overloaded"]["fill"], AREA_STYLE["overloaded"]["alpha"])
    assert np.abs(picture[row, column] - filled).max() <= 1


def test_overlapping_areas_are_filled_once_and_a_hole_under_another_area_is_filled(tmp_path):
    # the second square covers part of the first one's hole: filled there, as matplotlib did
    first = Polygon(
        box(X0 + 1_000, Y0 + 1_000, X0 + 6_000, Y0 + 7_000).exterior,
        [box(X0 + 2_000, Y0 + 2_000, X0 + 5_000, Y0 + 6_000).exterior],
    )
    second = box(X0 + 4_000, Y0 + 1_500, X0 + 9_000, Y0 + 6_500)
    static = _static(overloaded=_areas(first, second))
    picture = _draw(static, tmp_path)
    once = _over(AREA_STYLE["overloaded"]["fill"], AREA_STYLE["overloaded"]["alpha"])
    for x, y in ((5_500, 4_000), (4_500, 4_000), (7_000, 4_000), (1_500, 4_000)):
        column, row = _pixel(static, X0 + x, Y0 + y)
        assert np.abs(picture[row, column] - once).max() <= 1, (x, y)
    column, row = _pixel(static, X0 + 3_000, Y0 + 4_000)  # in the hole, under nothing else
    assert picture[row, column].tolist() == GREY.tolist()


def test_a_farm_circle_has_its_colour_at_90_percent_in_the_middle_and_its_edge_around(tmp_path):
    x, y = X0 + 5_000, Y0 + 4_000
    farms = FarmsToDraw(
        x=np.array([x]),
        y=np.array([y]),
        radius_px=np.array([10.0]),
        fill=np.array(["#d95f0e"]),
        stroke=np.array(["#7f2704"]),
    )
    static = _static(farms=farms)
    picture = _draw(static, tmp_path)
    column, row = _pixel(static, x, y)
    assert np.abs(picture[row, column] - _over("#d95f0e", 0.9)).max() <= 1
    # the edge, 1.1 pixels wide, 10 pixels out: a pixel there is more than half the stroke's
    # colour (over the fill); 13 pixels out the map's grey
    ring = picture[row, column + 8 : column + 13]
    darkest = ring[ring.sum(axis=1).argmin()]
    fill, stroke = _over("#d95f0e", 0.9), _over("#7f2704", 0.9)
    assert (np.abs(darkest - stroke) <= 0.45 * np.abs(fill - stroke) + 2).all()
    assert picture[row, column + 13].tolist() == GREY.tolist()
    # round: as wide as high (to a pixel), as far to either side
    drawn = (
        np.abs(picture[row - 15 : row + 16, column - 15 : column + 16] - GREY).sum(axis=2)
    ) > 30
    rows, columns = np.nonzero(drawn)
    assert abs((rows.max() - rows.min()) - (columns.max() - columns.min())) <= 1
    assert 20 <= rows.max() - rows.min() <= 23
    assert abs((rows.max() + rows.min()) / 2 - 15) <= 1


def test_later_farms_are_drawn_on_top(tmp_path):
    x, y = X0 + 5_000, Y0 + 4_000
    farms = FarmsToDraw(
        x=np.array([x, x]),
        y=np.array([y, y]),
        radius_px=np.array([12.0, 6.0]),
        fill=np.array(["#d95f0e", "#2c7fb8"]),
        stroke=np.array(["#7f2704", "#08306b"]),
    )
    static = _static(farms=farms)
    picture = _draw(static, tmp_path)
    column, row = _pixel(static, x, y)
    expected = _over("#2c7fb8", 0.9, _over("#d95f0e", 0.9))
    assert np.abs(picture[row, column] - expected).max() <= 2


def test_the_legend_shows_each_dot_in_its_full_colour_and_right_aligns_the_counts(tmp_path):
    entries = [
        LegendEntry("Selected", "#d95f0e", "#7f2704", kind="dot", count="1,234"),
        LegendEntry("Not selected", "#9aa5b1", "#52606d", kind="dot", count="5"),
    ]
    picture = _draw(_static(entries=entries), tmp_path)
    legend = picture[100:1000, 1180:1600]
    colours = {tuple(c) for c in legend.reshape(-1, 3).tolist()}
    assert {(0xD9, 0x5F, 0x0E), (0x9A, 0xA5, 0xB1)} <= colours
    # the counts end at the column's right edge (0.985 of the width: pixel 1576)
    ink = np.nonzero((picture[100:300, 1400:1600] < 200).any(axis=2).any(axis=0))[0]
    assert 1573 <= 1400 + ink.max() <= 1577


def test_the_same_map_gives_the_same_png_bytes(tmp_path):
    farms = FarmsToDraw(
        x=np.array([X0 + 4_000, X0 + 6_000]),
        y=np.array([Y0 + 4_000, Y0 + 4_500]),
        radius_px=np.array([5.0, 9.0]),
        fill=np.array(["#d95f0e", "#2c7fb8"]),
        stroke=np.array(["#7f2704", "#08306b"]),
    )
    static = _static(
        farms=farms,
        outline=box(X0 + 500, Y0 + 500, X0 + 9_500, Y0 + 7_500),
        other=_areas(box(X0 + 2_000, Y0 + 2_000, X0 + 3_000, Y0 + 3_000)),
    )
    first = draw_png(static, tmp_path / "first.png").read_bytes()
    assert draw_png(static, tmp_path / "second.png").read_bytes() == first


def test_a_backdrop_kept_in_the_cache_gives_the_same_picture_and_is_not_drawn_again(
    tmp_path, monkeypatch
):
    from dataclasses import replace

    import vbr.maps.static as static_module

    farms = FarmsToDraw(
        x=np.array([X0 + 4_000]),
        y=np.array([Y0 + 4_000]),
        radius_px=np.array([7.0]),
        fill=np.array(["#d95f0e"]),
        stroke=np.array(["#7f2704"]),
    )
    static = _static(
        farms=farms,
        outline=box(X0 + 500, Y0 + 500, X0 + 9_500, Y0 + 7_500),
        overloaded=_areas(box(X0 + 1_000, Y0 + 1_000, X0 + 5_000, Y0 + 5_000)),
        zone=_areas(box(X0, Y0, X0 + 6_000, Y0 + 6_000)),
    )
    monkeypatch.setenv("VBR_CACHE_DIR", "off")
    drawn = draw_png(static, tmp_path / "drawn.png").read_bytes()
    cache = tmp_path / "cache"
    monkeypatch.setenv("VBR_CACHE_DIR", str(cache))
    assert draw_png(static, tmp_path / "kept.png").read_bytes() == drawn
    (kept,) = cache.glob("backdrop-*.bin")

    def not_again(*args, **kwargs):
        raise AssertionError("the backdrop was drawn again")

    with monkeypatch.context() as m:
        m.setattr(static_module, "_draw_areas", not_again)
        assert draw_png(static, tmp_path / "read.png").read_bytes() == drawn
    # other farms on the same backdrop: read too, and the farms drawn on it
    moved = replace(static, farms=replace(farms, x=farms.x + 500))
    with monkeypatch.context() as m:
        m.setattr(static_module, "_draw_areas", not_again)
        assert draw_png(moved, tmp_path / "moved.png").read_bytes() != drawn
    # a damaged backdrop is drawn again and replaced
    kept.write_bytes(b"not zlib")
    assert draw_png(static, tmp_path / "again.png").read_bytes() == drawn
    assert kept.read_bytes() != b"not zlib"


def test_the_png_writer_keeps_every_pixel(tmp_path):
    pixels = np.random.default_rng(1).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    path = tmp_path / "random.png"
    _save_rgb(Image.fromarray(pixels, "RGB"), path)
    read = Image.open(path)
    read.load()  # checks the chunks' CRCs
    assert read.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(read), pixels)


@pytest.mark.slow
def test_drawing_a_picture_does_not_import_matplotlib(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path

        import numpy as np
        from shapely.geometry import box

        import vbr.maps.static as static

        view = static.frame_view(({X0}, {Y0}, {X0 + 10_000}, {Y0 + 8_000}))
        empty = static.gpd.GeoDataFrame(geometry=[], crs="EPSG:28992")
        picture = static.StaticMap(
            lang="en", title="T", run="R", view=view,
            outline=box({X0 + 500}, {Y0 + 500}, {X0 + 9_500}, {Y0 + 7_500}),
            overloaded=empty, other=empty, zone=empty, legend_title="Farms",
            entries=[static.LegendEntry("A", "#d95f0e", "#7f2704", kind="dot", count="1")],
            areas=[static.LegendEntry("Area", "#b07cc6", "#7a3e9d", dashed=True)],
            figures_title="F", figures=[("a", "1")], sources=["s"], limits=["l"],
            sizes_title="Sizes", sizes=[(4.0, "200"), (9.0, "5,000")],
            farms=static.FarmsToDraw(
                x=np.array([{X0 + 5_000}]), y=np.array([{Y0 + 4_000}]),
                radius_px=np.array([8.0]), fill=np.array(["#d95f0e"]),
                stroke=np.array(["#7f2704"]),
            ),
        )
        static._warm_up()
        static.draw_png(picture, Path({str(tmp_path / "map.png")!r}))
        print(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "map.png").stat().st_size > 10_000
