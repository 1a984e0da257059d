"""Plausibility warnings: inputs that can be read but probably do not say what the run assumes.
They are printed and written to the manifest's notes; they never stop the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import REALDATA, X0, Y0, square, write_csv, write_natura
from test_raster_overload import write_geotiff
from vbr.core.plausibility import exceedance_warnings, priority_warnings
from vbr.core.zones import overloaded_zones
from vbr.io.natura import read_natura
from vbr.io.raster import load_exceedance
from vbr.settings import default_data_dir, input_notes, run_options

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"]
RIVM_CONCENTRATION = REALDATA / "deposition" / "rivm_gcn_conc_nh3_2023.asc"


def write_raster(path: Path, values: np.ndarray) -> Path:
    """A GeoTIFF in RD New with 100 m cells over the 1 km square of `area`."""
    return write_geotiff(path, values, x0=X0, y0=Y0 + 1000)


@pytest.fixture
def area(tmp_path: Path) -> Path:
    """One overloaded 1 km square (100 ha) at (X0, Y0)."""
    return write_natura(tmp_path / "n2k.geojson", [(57, "Veluwe", square(X0, Y0, 1000), True)])


def warnings_for(raster: Path, natura: Path) -> list[str]:
    areas = read_natura(natura)
    zones = overloaded_zones(load_exceedance(raster), areas.areas)
    return exceedance_warnings(zones, areas)


def test_exceedance_in_mol_over_a_few_cells_gives_no_warning(tmp_path, area):
    values = np.zeros((10, 10))
    values[2:4, 2:4] = 350.0  # 4 ha of 100 ha, up to 350 mol N/ha/yr
    assert warnings_for(write_raster(tmp_path / "e.tif", values), area) == []


def test_exceedance_whose_maximum_is_under_100_looks_like_a_concentration(tmp_path, area):
    values = np.zeros((10, 10))
    values[2:4, 2:4] = 12.5  # µg/m³-like values
    (warning,) = warnings_for(write_raster(tmp_path / "e.tif", values), area)
    assert warning.startswith("warning: the exceedance raster e.tif has no value above 12.5")
    assert "looks like a concentration" in warning


def test_exceedance_over_more_than_half_of_the_natura_area_is_doubted(tmp_path, area):
    values = np.zeros((10, 10))
    values[:6, :] = 500.0  # 60 ha of the 100 ha area
    (warning,) = warnings_for(write_raster(tmp_path / "e.tif", values), area)
    assert warning.startswith("warning: the exceedance raster e.tif marks 60 ha, 60% of the 100 ha")
    assert "more than 50%" in warning


def test_exactly_half_of_the_natura_area_is_not_doubted(tmp_path, area):
    values = np.zeros((10, 10))
    values[:5, :] = 500.0
    assert warnings_for(write_raster(tmp_path / "e.tif", values), area) == []


def test_a_run_without_any_priority_farm_warns_and_one_with_them_does_not():
    import pandas as pd

    (warning,) = priority_warnings(pd.DataFrame({"priority": [False, False]}), threshold_m=1000)
    assert warning.startswith("warning: no farm lies within 1,000 m of an overloaded Natura 2000")
    assert priority_warnings(pd.DataFrame({"priority": [False, True]}), threshold_m=1000) == []
    assert priority_warnings(pd.DataFrame({"priority": []}), threshold_m=1000) == []


def test_no_priority_warning_is_printed_and_written_but_the_run_succeeds(run_small, tmp_path, area):
    far = write_csv(tmp_path / "farms.csv", HEADER, [["far", X0 + 5000, Y0, 1000, 500_000]])
    code, stdout, err, out = run_small(far, natura=area)
    assert code == 0, err
    line = next(x for x in stdout.splitlines() if "geen enkele veehouderij ligt" in x)
    # the warning in the run's language, Dutch by default, alike on the console and in the
    # manifest; the number as Dutch writes it
    assert line.startswith("waarschuwing: geen enkele veehouderij ligt binnen 1.000 m")
    notes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]
    assert line in notes


def test_own_farms_with_the_embedded_regions_are_told_those_are_indicative(tmp_path, area):
    farms = tmp_path / "farms.csv"
    notes = input_notes(run_options(farms=farms, natura=area))
    assert any(n.startswith("Regions: the embedded INDICATIVE outlines") for n in notes)
    assert any("give --regions" in n for n in notes)
    own = tmp_path / "regions.geojson"
    assert input_notes(run_options(farms=farms, natura=area, regions=own)) == []
    # the embedded demo data is indicative through and through; no note for it
    assert input_notes(run_options()) == []
    assert default_data_dir().is_dir()


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.skipif(not RIVM_CONCENTRATION.is_file(), reason="../shared/realdata is absent")
def test_real_rivm_nh3_concentration_grid_as_exceedance_warns(vbr, tmp_path, no_regions):
    raster = tmp_path / RIVM_CONCENTRATION.name  # a copy: nothing is written beside the shared file
    shutil.copyfile(RIVM_CONCENTRATION, raster)
    farms = write_csv(
        tmp_path / "farms.csv",
        HEADER,
        [["a", 180_000, 460_000, 1000, 500_000], ["b", 190_000, 470_000, 2000, 900_000]],
    )
    out = tmp_path / "out"
    code, stdout, err = vbr(
        "run", "--farms", farms, "--regions", no_regions, "--out", out,
        "--exceedance", raster, "--exceedance-crs", "28992",
    )  # fmt: skip
    assert code == 0, err
    warnings = [line for line in stdout.splitlines() if line.startswith("waarschuwing: ")]
    # Dutch, the default language
    assert any("dat lijkt een concentratie" in w for w in warnings), stdout
    share = "van de 698.021 ha Natura 2000, als overbelast (meer dan 50%)"
    assert any(share in w for w in warnings), stdout
    notes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]
    assert sum(n.startswith("waarschuwing: de overschrijdingskaart") for n in notes) == 2, notes


IGO = REALDATA / "farms" / "geonovius_igo_veehouderijen_nabij_n2000.gpkg"


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.skipif(not IGO.is_file(), reason="../shared/realdata is absent")
def test_real_igo_farms_ranked_by_the_embedded_regions_are_told_they_are_indicative(vbr, tmp_path):
    farms = tmp_path / IGO.name  # a copy: nothing is written beside the shared file
    shutil.copyfile(IGO, farms)
    out = tmp_path / "out"
    code, stdout, err = vbr(
        "run", "--farms", farms, "--columns", "farm_id=vthobject_id", "--out", out
    )  # fmt: skip
    assert code == 0, err
    assert "opmerking: Regio’s: de ingebouwde INDICATIEVE begrenzingen" in stdout
    assert "opmerking: Natura 2000: de ingebouwde INDICATIEVE begrenzingen" in stdout
    notes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]
    assert any(n.startswith("Regio’s: de ingebouwde INDICATIEVE begrenzingen") for n in notes)
