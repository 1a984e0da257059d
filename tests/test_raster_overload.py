"""The exceedance raster loader and the overloaded zones polygonised from it."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from vbr.core.zones import overloaded_zones, priority_changes, weight_grid
from vbr.errors import InputError
from vbr.io.crs import RD_NEW
from vbr.io.raster import load_exceedance

X0, Y0, CELL = 150_000.0, 450_000.0, 100.0

# 4 x 5 cells; cells above 0 form an L (5 cells) and a single cell; -999 is nodata
GRID = np.array(
    [
        [10.0, 0.0, -5.0, -999.0, 0.0],
        [20.0, 0.0, 0.0, 0.0, 7.0],
        [30.0, 40.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, -1.0, 0.0],
    ]
)


def write_geotiff(path: Path, values: np.ndarray, *, crs: str | None = "EPSG:28992", x0=X0, y0=Y0):
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=values.shape[0],
        width=values.shape[1],
        count=1,
        dtype="float64",
        crs=crs,
        transform=from_origin(x0, y0, CELL, CELL),
        nodata=-999.0,
    ) as dst:
        dst.write(values, 1)
    return path


def write_ascii_grid(path: Path, values: np.ndarray, *, prj: str | None = None) -> Path:
    rows, cols = values.shape
    lines = [
        f"ncols {cols}",
        f"nrows {rows}",
        f"xllcorner {X0}",
        f"yllcorner {Y0 - rows * CELL}",
        f"cellsize {CELL}",
        "NODATA_value -999",
        *(" ".join(f"{v:g}" for v in row) for row in values),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    if prj is not None:
        path.with_suffix(".prj").write_text(prj, encoding="ascii")
    return path


def cell_box(row: int, col: int) -> shapely.Polygon:
    return shapely.box(
        X0 + col * CELL, Y0 - (row + 1) * CELL, X0 + (col + 1) * CELL, Y0 - row * CELL
    )


def test_geotiff_with_crs_reads_values_transform_and_nodata(tmp_path):
    exc = load_exceedance(write_geotiff(tmp_path / "e.tif", GRID))
    assert exc.values.shape == (4, 5)
    assert np.isnan(exc.values[0, 3])
    assert exc.values[2, 1] == 40.0
    assert exc.bounds == (X0, Y0 - 400, X0 + 500, Y0)
    assert exc.cell_area_ha == 1.0
    assert exc.source_crs == "EPSG:28992"


def test_ascii_grid_without_crs_needs_exceedance_crs(tmp_path):
    path = write_ascii_grid(tmp_path / "e.asc", GRID)
    with pytest.raises(InputError, match="--exceedance-crs"):
        load_exceedance(path)
    exc = load_exceedance(path, crs="28992")
    assert np.array_equal(np.isnan(exc.values), GRID == -999)
    assert exc.values[1, 4] == 7.0
    assert exc.bounds == (X0, Y0 - 400, X0 + 500, Y0)


def test_ascii_grid_with_prj_uses_the_declared_crs(tmp_path):
    path = write_ascii_grid(tmp_path / "e.asc", GRID, prj=RD_NEW.to_wkt("WKT1_ESRI"))
    assert load_exceedance(path).source_crs == "EPSG:28992"


def test_given_crs_that_contradicts_the_file_is_an_error(tmp_path):
    path = write_geotiff(tmp_path / "e.tif", GRID)
    with pytest.raises(InputError, match="declares EPSG:28992 but --exceedance-crs says"):
        load_exceedance(path, crs="3035")


def test_raster_in_another_crs_is_reprojected_to_rd(tmp_path):
    # an ETRS89-LAEA raster over the Veluwe; the values survive (nearest cell)
    x0, y0 = 4_000_000.0, 3_250_000.0
    values = np.full((10, 10), 50.0)
    path = write_geotiff(tmp_path / "laea.tif", values, crs="EPSG:3035", x0=x0, y0=y0)
    exc = load_exceedance(path)
    assert exc.source_crs == "EPSG:3035"
    assert any("reprojected" in n for n in exc.notes)
    assert set(np.unique(exc.values[np.isfinite(exc.values)])) == {50.0}
    xmin, ymin, xmax, ymax = exc.bounds
    assert -7_000 < xmin < xmax < 300_000 and 289_000 < ymin < ymax < 629_000


def test_raster_outside_the_netherlands_suggests_a_wrong_crs(tmp_path):
    # an RD grid read as lon/lat cannot even be converted
    path = write_ascii_grid(tmp_path / "e.asc", GRID)
    with pytest.raises(InputError, match="is its CRS right"):
        load_exceedance(path, crs="4326")
    # a UTM grid over the Netherlands read as RD lands far outside it
    utm = write_geotiff(tmp_path / "utm.tif", GRID, crs=None, x0=680_000.0, y0=5_800_000.0)
    with pytest.raises(InputError, match="outside the Netherlands"):
        load_exceedance(utm, crs="28992")


def test_unreadable_and_missing_files_are_input_errors(tmp_path):
    bad = tmp_path / "bad.tif"
    bad.write_text("not a raster")
    with pytest.raises(InputError, match="cannot read this raster"):
        load_exceedance(bad)
    with pytest.raises(InputError, match="file not found"):
        load_exceedance(tmp_path / "absent.tif")


def test_zones_without_areas_are_the_cells_above_zero(tmp_path):
    exc = load_exceedance(write_geotiff(tmp_path / "e.tif", GRID))
    zones = overloaded_zones(exc, None)
    expected = shapely.union_all(
        [cell_box(r, c) for r, c in zip(*np.nonzero(GRID > 0), strict=True)]
    )
    got = shapely.union_all(zones.zones.geometry.values)
    assert shapely.equals(shapely.normalize(got), shapely.normalize(expected))
    assert len(zones.zones) == 2  # the L and the single cell (4-connected)
    assert zones.area_ha == pytest.approx(5.0)
    assert zones.overloaded.sum() == 5


def test_zones_are_clipped_exactly_to_natura_areas_and_carry_their_nr(tmp_path):
    exc = load_exceedance(write_geotiff(tmp_path / "e.tif", GRID))
    # area 7 covers the right 60 % of column 0 and all of column 1; area 3 the single cell
    area7 = shapely.box(X0 + 40, Y0 - 400, X0 + 200, Y0)
    area3 = shapely.box(X0 + 400, Y0 - 200, X0 + 500, Y0 - 100)
    areas = gpd.GeoDataFrame(
        {"nr": [7, 3], "name": ["a", "b"]}, geometry=[area7, area3], crs=RD_NEW
    )
    zones = overloaded_zones(exc, areas)
    by_nr = {nr: shapely.union_all(g.geometry.values) for nr, g in zones.zones.groupby("nr")}
    l_shape = shapely.union_all([cell_box(0, 0), cell_box(1, 0), cell_box(2, 0), cell_box(2, 1)])
    assert shapely.equals(
        shapely.normalize(by_nr[7]), shapely.normalize(shapely.intersection(l_shape, area7))
    )
    assert by_nr[7].area == pytest.approx(3 * 6_000 + 10_000)
    assert shapely.equals(by_nr[3], cell_box(1, 4))
    # the impact grid counts a cell when its centre is inside an area
    expected = np.zeros(GRID.shape, dtype=bool)
    expected[0, 0] = expected[1, 0] = expected[2, 0] = expected[2, 1] = expected[1, 4] = True
    assert np.array_equal(zones.overloaded, expected)


def test_no_cell_above_zero_inside_an_area_is_an_input_error(tmp_path):
    exc = load_exceedance(write_geotiff(tmp_path / "e.tif", GRID))
    far = gpd.GeoDataFrame(
        {"nr": [1], "name": ["x"]}, geometry=[shapely.box(0, 400_000, 1000, 401_000)], crs=RD_NEW
    )
    with pytest.raises(InputError, match="no cell of the exceedance raster is above 0"):
        overloaded_zones(exc, far)


def test_weight_grid_by_area_or_by_exceedance_keeps_the_total_hectares(tmp_path):
    exc = load_exceedance(write_geotiff(tmp_path / "e.tif", GRID))
    zones = overloaded_zones(exc, None)
    area = weight_grid(zones, weight="area")
    by_exc = weight_grid(zones, weight="exceedance")
    assert area.sum() == pytest.approx(5.0)
    assert by_exc.sum() == pytest.approx(5.0)
    assert by_exc[2, 1] / by_exc[1, 4] == pytest.approx(40.0 / 7.0)


def test_priority_changes_lists_farms_that_gain_or_lose():
    frame = priority_changes(
        np.array(["b", "a", "c"], dtype=object),
        np.array([500.0, 2000.0, 10.0]),
        np.array([1500.0, 900.0, 20.0]),
        threshold_m=1000.0,
    )
    assert frame["farm_id"].tolist() == ["a", "b"]
    assert frame["change"].tolist() == ["gains", "loses"]


RIVM_ASC = next(
    (
        p / "shared" / "realdata" / "deposition" / "rivm_gcn_conc_nh3_2023.asc"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "realdata").is_dir()
    ),
    Path("/nonexistent"),
)


@pytest.mark.realdata
@pytest.mark.skipif(not RIVM_ASC.exists(), reason="shared real data absent")
def test_real_rivm_ascii_grid_needs_a_crs_and_then_reads_in_rd():
    with pytest.raises(InputError, match="--exceedance-crs"):
        load_exceedance(RIVM_ASC)
    grid = load_exceedance(RIVM_ASC, crs="EPSG:28992")
    assert grid.values.shape == (316, 273)
    assert grid.cell_size == (1000.0, 1000.0)
    assert grid.bounds[:2] == (6_000.0, 306_000.0)
    assert np.nanmin(grid.values) > 0 and np.isnan(grid.values).any()


def test_display_image_is_a_transparent_png_with_wgs84_bounds(tmp_path):
    import io

    from PIL import Image

    from vbr.maps.data import display_image

    zones = overloaded_zones(load_exceedance(write_geotiff(tmp_path / "e.tif", GRID)), None)
    png, (south, west, north, east) = display_image(zones)
    image = np.asarray(Image.open(io.BytesIO(png)))
    assert image.shape == (4, 5, 4)
    assert np.array_equal(image[..., 3] > 0, GRID > 0)
    assert 50 < south < north < 54 and 3 < west < east < 8
