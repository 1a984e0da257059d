"""Which regions hold each farm (contract section 4): a farm belongs to every region that
contains it, and regions may overlap."""

from __future__ import annotations

import numpy as np
import shapely

from vbr.model import RegionList, Regions

__all__ = ["assign_regions"]


def assign_regions(points: np.ndarray, regions: Regions) -> tuple[list[RegionList], np.ndarray]:
    """Every region's farms, and every farm's regions.

    Parameters
    ----------
    points
        The farms' points in national order (EPSG:28992).
    regions
        The regions.

    Returns
    -------
    region_lists, names
        One :class:`RegionList` per region (in the regions file's order) with the positions of
        its farms in national order, and per farm its region names joined by ``;`` (empty for
        none).
    """
    names = np.full(len(points), "", dtype=object)
    lists: list[RegionList] = []
    if len(regions.regions) == 0:
        return lists, names
    tree = shapely.STRtree(regions.regions.geometry.values)
    farm_idx, region_idx = tree.query(points, predicate="intersects")
    for k, (name, slug) in enumerate(
        zip(regions.regions["name"], regions.regions["slug"], strict=True)
    ):
        positions = np.sort(farm_idx[region_idx == k])
        current = names[positions]
        names[positions] = np.where(current == "", name, current + ";" + name)
        lists.append(RegionList(name=name, slug=slug, positions=positions))
    return lists, names
