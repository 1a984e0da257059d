"""Geometry kept in the user's cache folder (:mod:`vbr.cache`): the valid parts of the Natura 2000
areas, the priority strip, the repaired outlines and the display outlines are the same, byte for
byte, whether computed or read back, and so is every output of a run; a damaged or unwritable
cache is passed over."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.affinity

import vbr.writers.strip_cache as strip_cache
from conftest import X0, Y0, square
from vbr.cache import _read, cache_folder, cached_geometries
from vbr.core.zones import priority_zone
from vbr.writers.strip_cache import cached_priority_zone, strip_key


@pytest.fixture
def zones():
    """Two overloaded zones (as an exceedance raster gives them), one with a hole."""
    ring = square(X0, Y0, 2000).difference(square(X0 + 500, Y0 + 500, 500))
    return gpd.GeoDataFrame(geometry=[ring, square(X0 + 5000, Y0, 800)], crs="EPSG:28992")


def _wkb(frame: gpd.GeoDataFrame) -> bytes:
    return shapely.to_wkb(frame.geometry.iloc[0])


def test_a_strip_read_from_the_cache_is_the_computed_strip_to_the_bit(zones, tmp_path, monkeypatch):
    computed = priority_zone(None, threshold_m=1000.0, polygons=zones)
    first = cached_priority_zone(None, threshold_m=1000.0, polygons=zones, folder=tmp_path)
    assert len(list(tmp_path.glob("strip-*.wkb"))) == 1

    def no_second_computation(*args, **kwargs):
        raise AssertionError("the strip was computed again")

    monkeypatch.setattr(strip_cache, "strip_around", no_second_computation)
    second = cached_priority_zone(None, threshold_m=1000.0, polygons=zones, folder=tmp_path)
    assert _wkb(first) == _wkb(second) == _wkb(computed)
    assert list(second.columns) == list(computed.columns)
    assert second.crs == computed.crs


def test_another_threshold_or_other_areas_have_another_key(zones):
    sources = zones.geometry.values
    key = strip_key(sources, 1000.0)
    assert key != strip_key(sources, 500.0)
    assert key != strip_key(sources[:1], 1000.0)
    assert key != strip_key(sources[::-1], 1000.0)
    assert key == strip_key(zones.copy().geometry.values, 1000.0)


def test_a_damaged_cache_file_is_computed_again(zones, tmp_path):
    computed = priority_zone(None, threshold_m=1000.0, polygons=zones)
    cached_priority_zone(None, threshold_m=1000.0, polygons=zones, folder=tmp_path)
    (path,) = tmp_path.glob("strip-*.wkb")
    path.write_bytes(b"not wkb")
    again = cached_priority_zone(None, threshold_m=1000.0, polygons=zones, folder=tmp_path)
    assert _wkb(again) == _wkb(computed)
    assert shapely.to_wkb(_read(path.read_bytes())[0]) == _wkb(computed)  # and kept right now


def test_a_cache_folder_that_cannot_be_written_is_passed_over(zones, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    zone = cached_priority_zone(None, threshold_m=1000.0, polygons=zones, folder=blocked / "vbr")
    assert _wkb(zone) == _wkb(priority_zone(None, threshold_m=1000.0, polygons=zones))
    assert blocked.read_text() == "not a folder"


def test_the_cache_folder_follows_vbr_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("VBR_CACHE_DIR", str(tmp_path))
    assert cache_folder() == tmp_path
    monkeypatch.setenv("VBR_CACHE_DIR", "off")
    assert cache_folder() is None
    monkeypatch.delenv("VBR_CACHE_DIR")
    assert cache_folder().name in ("vbr", "Cache")


def _natura_with_a_bowtie(tmp_path):
    bowtie = shapely.Polygon([(X0, Y0), (X0 + 900, Y0 + 900), (X0 + 900, Y0), (X0, Y0 + 900)])
    path = tmp_path / "natura.gpkg"
    gpd.GeoDataFrame(
        {"nr": [1, 2], "name": ["Vlinder", "Vierkant"], "overloaded": [True, False]},
        geometry=[bowtie, square(X0 + 3000, Y0, 500)],
        crs="EPSG:28992",
    ).to_file(path)
    return path


def test_repaired_outlines_read_from_the_cache_are_the_repaired_outlines(tmp_path, monkeypatch):
    import vbr.model
    from vbr.io.natura import read_natura

    path = _natura_with_a_bowtie(tmp_path)
    monkeypatch.setenv("VBR_CACHE_DIR", str(tmp_path / "cache"))
    first = read_natura(path).outlines()
    assert len(list((tmp_path / "cache").glob("outlines-*.wkb"))) == 1

    def no_second_repair(*args, **kwargs):
        raise AssertionError("repaired again")

    monkeypatch.setattr(vbr.model, "repaired_outlines", no_second_repair)
    second = read_natura(path).outlines()
    assert shapely.to_wkb(second).tolist() == shapely.to_wkb(first).tolist()
    assert shapely.area(first[0]) > 0  # the bow-tie repaired, not lost


def _parts(areas):
    return shapely.to_wkb(areas.parts).tolist(), areas.part_of.tolist(), areas.invalid.tolist()


def test_valid_parts_read_from_the_cache_are_the_computed_parts_to_the_bit(tmp_path, monkeypatch):
    import vbr.io.polygons
    from vbr.io.natura import read_natura

    path = _natura_with_a_bowtie(tmp_path)
    monkeypatch.setenv("VBR_CACHE_DIR", "off")
    computed = read_natura(path)
    assert computed.invalid.tolist() == [True, False] and len(computed.parts) >= 3
    monkeypatch.setenv("VBR_CACHE_DIR", str(tmp_path / "cache"))
    first = read_natura(path)
    assert len(list((tmp_path / "cache").glob("parts-*.bin"))) == 1

    def no_second_repair(*args, **kwargs):
        raise AssertionError("repaired again")

    monkeypatch.setattr(vbr.io.polygons, "valid_parts", no_second_repair)
    monkeypatch.setattr(vbr.io.polygons.shapely, "is_valid", no_second_repair)
    second = read_natura(path)
    assert _parts(second) == _parts(first) == _parts(computed)
    assert second.repaired == computed.repaired == 1


def test_a_parts_file_damaged_on_disk_is_made_again_not_read(tmp_path, monkeypatch):
    from vbr.io.natura import read_natura

    path = _natura_with_a_bowtie(tmp_path)
    monkeypatch.setenv("VBR_CACHE_DIR", str(tmp_path / "cache"))
    computed = read_natura(path)
    (kept,) = (tmp_path / "cache").glob("parts-*.bin")
    data = bytearray(kept.read_bytes())
    # one bit of a coordinate of the last part: still WKB that reads, but another outline
    data[-3] ^= 0x01
    kept.write_bytes(bytes(data))
    again = read_natura(path)
    assert _parts(again) == _parts(computed)
    assert kept.read_bytes() != bytes(data)  # and kept right now


def test_parts_made_by_other_code_are_not_read(tmp_path, monkeypatch):
    import vbr.io.polygons
    from vbr.io.natura import read_natura

    path = _natura_with_a_bowtie(tmp_path)
    monkeypatch.setenv("VBR_CACHE_DIR", str(tmp_path / "cache"))
    read_natura(path)
    monkeypatch.setattr(vbr.io.polygons, "package_sha256", lambda: "other code")
    read_natura(path)
    assert len(list((tmp_path / "cache").glob("parts-*.bin"))) == 2


def test_each_geometry_is_kept_on_its_own_and_found_in_other_company(tmp_path):
    a, b, c = square(X0, Y0, 100), square(X0 + 500, Y0, 100), square(X0, Y0 + 500, 100)
    calls = []

    def grow(geoms):
        calls.append(len(geoms))
        return shapely.buffer(geoms, 10.0)

    first = cached_geometries(
        "grown", 1, np.array([a, b], dtype=object), grow, folder=tmp_path, each=True
    )
    second = cached_geometries(
        "grown", 1, np.array([c, b, a], dtype=object), grow, folder=tmp_path, each=True
    )
    assert calls == [2, 1]  # only c was new
    assert shapely.to_wkb(second).tolist() == shapely.to_wkb([grow([c])[0], *first[::-1]]).tolist()
    assert len(list(tmp_path.glob("grown-*.wkb"))) == 3
    assert (
        cached_geometries("grown", 2, np.array([a], dtype=object), grow, folder=tmp_path, each=True)
        is not None
    )
    assert calls[-1] == 1  # another version is made again


@pytest.mark.slow
def test_a_run_writes_the_same_bytes_with_the_cache_off_filled_and_read(tmp_path, monkeypatch):
    from maps_inputs import run_small

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the run's time is on every page
    outputs = []
    for k, cache in enumerate(["off", str(tmp_path / "cache"), str(tmp_path / "cache")]):
        monkeypatch.setenv("VBR_CACHE_DIR", cache)
        _, out = run_small(tmp_path / f"run{k}")
        outputs.append(out)
    kept = {p.name.split("-")[0] for p in (tmp_path / "cache").glob("*.*")}
    assert kept >= {"parts", "strip", "display", "picture"}
    names = sorted(
        p.relative_to(outputs[0]).as_posix()
        for p in outputs[0].rglob("*")
        if p.is_file() and not p.name.startswith("manifest")
    )
    assert any(n.endswith("map.html") for n in names) and "ranking.gpkg" in names
    assert any(n.endswith("map.png") for n in names)
    for name in names:
        assert len({(out / name).read_bytes() for out in outputs}) == 1, name


def test_a_key_follows_the_geometries_content_not_the_objects_met_before() -> None:
    import gc

    from vbr import cache

    area = square(X0, Y0, 1000)
    key = cache.geometry_key("strip", 1, np.array([area, None], dtype=object), 1000.0)
    # the same object again (its WKB hashed once), an equal copy, and other content
    assert cache.geometry_key("strip", 1, np.array([area, None], dtype=object), 1000.0) == key
    copy = shapely.from_wkb(shapely.to_wkb(area))
    assert copy is not area
    assert cache.geometry_key("strip", 1, np.array([copy, None], dtype=object), 1000.0) == key
    moved = shapely.affinity.translate(area, 0.001)
    assert cache.geometry_key("strip", 1, np.array([moved, None], dtype=object), 1000.0) != key
    assert cache.geometry_key("strip", 1, np.array([None, area], dtype=object), 1000.0) != key
    # a geometry that goes is forgotten: its id may name another geometry next
    assert id(area) in cache._DIGESTS
    gone = id(area)
    del area
    gc.collect()
    assert gone not in cache._DIGESTS or cache._DIGESTS[gone][0]() is not None
