"""Write the three files of the default data: natura2000.geojson, regions.geojson, farms.csv."""

from __future__ import annotations

from pathlib import Path

from tools.default_data.areas import make_areas
from tools.default_data.farms import make_farms, write_farms
from tools.default_data.geojson import area_feature, region_features, write_feature_collection

__all__ = ["DEFAULT_SEED", "generate_default_data"]

#: Seed of the committed default data (3 July 2023, the assumed opening of the application window).
DEFAULT_SEED = 20230703


def generate_default_data(out_dir: Path, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write natura2000.geojson, regions.geojson and farms.csv into out_dir; return the paths.

    Parameters
    ----------
    out_dir
        Folder to write into; created when missing. Existing files of the same name are replaced.
    seed
        Seed of every random draw. The same seed gives byte-identical files.

    Returns
    -------
    list of Path
        The paths of the three files, in the order above.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    areas = make_areas(seed)
    natura = out_dir / "natura2000.geojson"
    write_feature_collection(natura, "natura2000", [area_feature(a) for a in areas])
    regions = out_dir / "regions.geojson"
    write_feature_collection(regions, "regions", region_features())
    farms = out_dir / "farms.csv"
    write_farms(farms, make_farms(seed, areas))
    return [natura, regions, farms]
