"""Public map mode (`vbr run --public`): only 1 km aggregates, never a farm-level value."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from conftest import X0, Y0, square, write_csv, write_natura, write_regions
from vbr.maps.public import MIN_FARMS_PER_CELL, grid_cells

SECRET_IDS = ["GEHEIM-001", "GEHEIM-002", "GEHEIM-003", "GEHEIM-004", "GEHEIM-005"]


def test_grid_cells_count_sum_and_suppress_cells_under_three_farms():
    # three farms in cell (180, 460), two in cell (181, 460), one in (185, 461)
    x = np.array([X0 + 10, X0 + 500, X0 + 999, X0 + 1_001, X0 + 1_500, X0 + 5_500])
    y = np.array([Y0 + 10, Y0 + 500, Y0 + 999, Y0 + 10, Y0 + 20, Y0 + 1_200])
    nh3 = np.array([1_000.4, 2_000.0, 3_000.0, 10.0, 20.0, 30.0])
    prio = np.array([True, False, True, True, True, False])
    cells = grid_cells(x, y, nh3, prio)
    assert MIN_FARMS_PER_CELL == 3
    assert len(cells.frame) == 1
    cell = cells.frame.iloc[0]
    assert (cell["n"], cell["nh3"], cell["prio"]) == (3, 6_000, 2)
    assert cell.geometry.bounds == (X0, Y0, X0 + 1_000, Y0 + 1_000)
    assert cells.farms_shown == 3
    assert cells.farms_suppressed == 3
    assert cells.cells_suppressed == 2


@pytest.fixture
def scene(tmp_path):
    natura = write_natura(tmp_path / "n.geojson", [(57, "Veluwe", square(X0, Y0, 500), True)])
    regions = write_regions(
        tmp_path / "r.geojson", [("Regio", square(X0 - 5_000, Y0 - 5_000, 20_000))]
    )
    rows = [
        [SECRET_IDS[0], X0 + 600, Y0 + 100, 1_357, 987_654, "Jansen <b>"],
        [SECRET_IDS[1], X0 + 700, Y0 + 200, 2_468, 876_543, "Pietersen"],
        [SECRET_IDS[2], X0 + 800, Y0 + 300, 3_579, 765_432, "=HYPERLINK()"],
        [SECRET_IDS[3], X0 + 3_200, Y0 + 100, 4_444, 654_321, "de Vries"],
        [SECRET_IDS[4], X0 + 3_300, Y0 + 100, 5_555, 543_210, "Bakker"],
    ]
    farms = write_csv(
        tmp_path / "farms.csv", ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "eigenaar"], rows
    )
    return {"farms": farms, "natura": natura, "regions": regions, "rows": rows, "tmp": tmp_path}


def _public_run(vbr, scene, out):
    """``vbr run --public`` on the scene into ``out``; its stdout (the run must succeed)."""
    code, stdout, stderr = vbr(
        "run", "--farms", scene["farms"], "--natura", scene["natura"], "--regions",
        scene["regions"], "--out", out, "--public",
    )  # fmt: skip
    assert code == 0, stderr
    return stdout


def test_public_run_writes_maps_without_lists_or_farm_level_values(vbr, scene):
    out = scene["tmp"] / "public"
    stdout = _public_run(vbr, scene, out)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        "index.html",
        "manifest.json",
        "manifest.sha256",
        "regio/.vbr-folder",
        "regio/map.html",
    ]
    page = (out / "regio" / "map.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    for row in scene["rows"]:
        for value in (row[0], str(row[3]), str(row[4]), row[5]):
            assert value not in page, value
            assert value not in index, value
        assert row[0] not in manifest
    assert "Jansen" not in page and "subsidy" not in page.lower()
    # one cell of three farms is shown; the cell of two is left out
    payload = re.search(r"vbr\.grid\(\w+, (\{.*?\})\);", page).group(1)
    cells = json.loads(payload)["geojson"]["features"]
    assert [f["properties"] for f in cells] == [{"n": 3, "nh3": 7_404, "prio": 3, "c": 1}]
    assert "vbr.farms(" not in page
    assert "2 farms" not in stdout
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
