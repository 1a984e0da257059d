"""The priority strip kept in the user's cache folder: the same strip, byte for byte, whether
computed or read back; a damaged or unwritable cache is passed over."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

import vbr.writers.strip_cache as strip_cache
from conftest import X0, Y0, square
from vbr.core.zones import priority_zone
from vbr.writers.strip_cache import cache_folder, cached_priority_zone, strip_key


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
    assert path.read_bytes() == _wkb(computed)  # and kept right this time


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
