"""Shared fixtures: small inputs built in code, and a way to run the command line in-process."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from realdata import REALDATA  # noqa: F401  (re-exported for the tests)
from vbr.cli import main

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"

#: Fixtures that start a browser or run vbr on sizeable data (the default data, real files): a
#: test that uses one is ``slow`` whatever its own time, so that ``make test`` (``-m "not slow"``)
#: never pays for them; ``make check`` and CI run every test.
SLOW_FIXTURES = frozenset(
    {
        "browser",
        "default_run",
        "generated",
        "lang_run",
        "plain_run",
        "real_inputs",
        "scene_files",
        "window_run",
    }
)


@pytest.fixture(autouse=True, scope="session")
def _cache_of_this_session(tmp_path_factory: pytest.TempPathFactory):
    """The runs of the tests keep what they cache (the priority strip) in a folder of this test
    session, never in the user's cache folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("VBR_CACHE_DIR", str(tmp_path_factory.mktemp("vbr-cache")))
    yield
    mp.undo()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that reads real data or uses one of :data:`SLOW_FIXTURES`."""
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("realdata") or uses & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


# A corner of the Veluwe in RD New: every test geometry sits around here, well inside the country.
X0, Y0 = 180_000.0, 460_000.0


def write_natura(
    path: Path,
    areas: Sequence[tuple[int, str, object, bool | None]],
    *,
    crs: str | None = "EPSG:28992",
) -> Path:
    """Write Natura 2000 areas ``(nr, name, geometry, overloaded)`` to a GeoJSON or GeoPackage.

    ``overloaded=None`` leaves the cell empty, so that other sources must decide.
    """
    frame = gpd.GeoDataFrame(
        {
            "nr": [a[0] for a in areas],
            "naamN2K": [a[1] for a in areas],
            "overloaded": [a[3] for a in areas],
        },
        geometry=[a[2] for a in areas],
        crs=crs,
    )
    if all(a[3] is None for a in areas):
        frame = frame.drop(columns="overloaded")
    frame.to_file(path)
    return path


def write_regions(path: Path, regions: Sequence[tuple[str, object]]) -> Path:
    """Write region polygons ``(name, geometry)`` in EPSG:28992."""
    gpd.GeoDataFrame(
        {"name": [r[0] for r in regions]}, geometry=[r[1] for r in regions], crs="EPSG:28992"
    ).to_file(path)
    return path


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write a small CSV exactly as given (values as text)."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV that vbr wrote."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def cover_section(path: Path, section: str, lang: str = "nl") -> list[tuple[str, str]]:
    """The ``(item, value)`` rows of one section of a workbook's cover (its first sheet): the
    rows after the bold title ``workbook.<section>`` up to the next blank row."""
    import openpyxl

    from vbr.locale import t

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    start = rows.index((t(f"workbook.{section}", lang), None)) + 1
    out = []
    for item, value in rows[start:]:
        if item is None and value is None:
            break
        out.append((item or "", value or ""))
    return out


def gpkg_bytes(frame, path: Path, *, arrow: bool) -> bytes:
    """The bytes of a GeoPackage of ``frame`` as layer ``farms``, written by vbr's
    ``write_gpkg``: through the Arrow path where it takes the frame (``arrow``), or with that
    path switched off, so that pyogrio's ``write_dataframe`` writes it."""
    from unittest import mock

    from vbr.writers import geopackage

    if arrow:
        geopackage.write_gpkg([("farms", frame)], path)
    else:
        with mock.patch.object(geopackage, "arrow_points", lambda frame: None):
            geopackage.write_gpkg([("farms", frame)], path)
    return path.read_bytes()


def square(x: float, y: float, size: float) -> Polygon:
    """A square with its lower-left corner at ``(x, y)``."""
    return box(x, y, x + size, y + size)


@pytest.fixture
def one_area(tmp_path: Path) -> Path:
    """One overloaded 1 km square (nr 57) with its lower-left corner at (X0, Y0)."""
    return write_natura(tmp_path / "n2k.geojson", [(57, "Veluwe", square(X0, Y0, 1000), True)])


@pytest.fixture
def no_regions(tmp_path: Path) -> Path:
    """A regions file with one region far from every test farm (so no region lists matter)."""
    return write_regions(tmp_path / "regions.geojson", [("Elders", square(250_000, 600_000, 10))])


class Runner:
    """Runs ``vbr`` in-process and keeps exit code, stdout and stderr."""

    def __init__(self, capsys: pytest.CaptureFixture[str]):
        self.capsys = capsys

    def __call__(self, *args: object) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def vbr(capsys: pytest.CaptureFixture[str]) -> Runner:
    """Call as ``vbr("run", "--farms", path, ...)``; returns ``(exit code, stdout, stderr)``."""
    return Runner(capsys)


def polygon_with_hole(x: float, y: float, size: float, hole: float) -> Polygon:
    """A square of ``size`` with a centred square hole of side ``hole``."""
    inner_x, inner_y = x + (size - hole) / 2, y + (size - hole) / 2
    return Polygon(
        square(x, y, size).exterior.coords, [square(inner_x, inner_y, hole).exterior.coords]
    )


@pytest.fixture
def run_small(vbr, tmp_path, one_area, no_regions):
    """``vbr run`` on a farm file against `one_area` (or ``natura=``) without regions (or
    ``regions=``), into ``tmp_path/out`` (or ``out=``); returns ``(exit code, stdout, stderr,
    out folder)``; never a traceback."""

    def _run(
        farms: Path,
        *extra: object,
        out: Path | None = None,
        natura: Path | None = None,
        regions: Path | None = None,
    ):
        out = out or tmp_path / "out"
        code, stdout, stderr = vbr(
            "run",
            "--farms",
            farms,
            "--natura",
            natura or one_area,
            "--regions",
            regions or no_regions,
            "--out",
            out,
            *extra,
        )
        assert "Traceback" not in stderr
        return code, stdout, stderr, out

    return _run
