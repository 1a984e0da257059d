"""`import vbr` stays light: the heavy libraries load where they are used (issue 18, point 5;
the time itself is measured by the benchmark, not here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import vbr

HEAVY = ("pandas", "shapely", "geopandas", "folium", "pyogrio", "openpyxl", "numpy")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_import_vbr_loads_no_heavy_library():
    loaded = _modules_after("import vbr")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_every_public_name_of_vbr_resolves_to_its_home():
    for name in vbr.__all__:
        value = getattr(vbr, name)
        assert value is not None
        if name != "__version__":
            assert value.__module__.startswith("vbr"), name
    assert set(dir(vbr)) >= set(vbr.__all__)


def test_an_unknown_name_of_vbr_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        vbr.no_such_name  # noqa: B018
