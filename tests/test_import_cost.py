"""`import vbr` stays light: the heavy libraries load where they are used (issue 18, point 5;
the time itself is measured by the benchmark, not here)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import vbr

HEAVY = ("pandas", "shapely", "geopandas", "folium", "pyogrio", "openpyxl", "numpy")
#: Not heavy on their own, but neither ``vbr --help`` nor an option error needs them.
DEFERRED = ("babel", "importlib.metadata", "subprocess", "jinja2")


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


def test_the_command_line_loads_no_heavy_library_before_a_command_runs():
    loaded = _modules_after("import vbr.cli")
    assert not loaded & set(HEAVY + DEFERRED), sorted(loaded & set(HEAVY + DEFERRED))


def test_vbr_help_answers_without_the_heavy_libraries():
    code = (
        "import sys\nfrom vbr.cli import main\ncode = main(['run', '--help'])\n"
        "sys.stdout.flush()\nprint('MODULES', ' '.join(sys.modules))\nsys.exit(code)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--budget" in out.stdout
    loaded = set(out.stdout.rsplit("MODULES", 1)[1].split())
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_version_is_written_once_and_is_the_package_metadata():
    from importlib.metadata import version

    assert version("vbr") == vbr.__version__


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


def test_a_ranking_loads_neither_the_maps_nor_the_workbook():
    """``compute`` (the ranking) imports no writer of pictures, pages or workbooks, nor the
    manifest's schema checker (only reading a manifest needs it), nor what only a deposition
    raster needs (affine and the attrs it brings: 10-20 ms a start)."""
    loaded = _modules_after("from vbr.pipeline import compute")
    unwanted = {"folium", "matplotlib", "openpyxl", "jsonschema", "jinja2", "vbr.maps"}
    unwanted |= {"affine", "attrs", "rasterio", "scipy"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def _blas_threads_after(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport os\nprint(os.environ.get('OPENBLAS_NUM_THREADS'))"],
        capture_output=True,
        text=True,
        check=True,
        env={**environ, **env},
    ).stdout
    return out.split()[-1]


def test_the_command_line_starts_numpy_with_one_blas_thread():
    """OpenBLAS's threads spin about 0.1 s of CPU each after numpy's import; vbr needs none."""
    start = "from vbr.cli import limit_blas_threads\nlimit_blas_threads()"
    assert _blas_threads_after(start) == "1"
    # the user's own choice stands, and once numpy is loaded the setting is left alone
    assert _blas_threads_after(start, OPENBLAS_NUM_THREADS="2") == "2"
    assert _blas_threads_after(f"import numpy\n{start}") == "None"
