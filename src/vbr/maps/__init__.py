"""Interactive maps: ``<slug>/map.html`` for every region and ``index.html``.

A thin layer on top of a finished :class:`~vbr.model.Result`: a writer (see
:mod:`vbr.writers.context`) that reads the ranking and writes HTML, and never changes a result.
The pages are self-contained (Leaflet inlined, no CDN); only basemap tiles come from the network.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vbr.cache import cache_folder
from vbr.core.budget import cents_sum_eur
from vbr.geometry import RD_NEW
from vbr.maps.buyout import buyout_payload, raster_picture, run_area_table
from vbr.maps.credits import credits
from vbr.maps.data import DisplayCache, carried_columns, farm_payload, farm_statuses
from vbr.maps.index_page import index_html
from vbr.maps.layout import region_content
from vbr.maps.national import write_national_map
from vbr.maps.pages import write_pages
from vbr.maps.scenario_data import scenario_payload
from vbr.maps.search import search_columns
from vbr.maps.summary import PotShare, RegionSummary
from vbr.maps.whatif import region_whatif
from vbr.model import WriteReport
from vbr.writers.context import WriteContext

__all__ = ["write_maps"]


def write_maps(context: WriteContext) -> WriteReport:
    """Write ``<slug>/map.html`` and ``<slug>/map.png`` for every region,
    ``national/map.html`` (every ranked farm, with the what-if controls) and ``index.html``
    (with the notes so far) into ``context.folder``; the folders are created when missing. The
    pictures are drawn in worker processes while the pages are written."""
    result = context.result
    summaries: list[RegionSummary] = []
    national = scenario_payload(result)
    # with --exceedance: the raster's picture and the mol per area of every ranked farm, made
    # once for the region maps and the overview
    deposition = raster_picture(result)
    table = run_area_table(result)

    def pages():
        for region, summary, content in _region_contents(
            context, national, deposition=deposition, buyout_table=table
        ):
            summaries.append(summary)
            yield region.slug, content

    # the overview's outlines are made at its turn: in a thread beside the region pages they
    # cost more than they saved (the pages' many short GEOS and hashing calls each waited for
    # the interpreter lock): 45,000 farms, 4 runs each, warm cache 1.04 -> 0.93 s CPU, no
    # cache 4.8 -> 3.9 s CPU for the same wall time (the simplification has threads of its own)
    return write_pages(
        context.folder,
        pages(),
        lambda: index_html(result, summaries, context.notes_at_end(), national_map=True),
        jobs=len(result.region_lists),
        stage="maps",
        more=lambda: [
            write_national_map(
                result,
                context.folder,
                payload=national,
                deposition=deposition,
                buyout=buyout_payload(result, np.arange(len(result.ranked)), table),
            )
        ],
    )


_NOT_GIVEN = object()


def _region_contents(
    context: WriteContext,
    national: dict | None = None,
    *,
    deposition=_NOT_GIVEN,
    buyout_table=_NOT_GIVEN,
):
    """Every region's map content (what :func:`write_region_map` and :func:`static_map` draw),
    with the region and its summary, one region at a time; ``national`` is the what-if data of
    the run (:func:`~vbr.maps.scenario_data.scenario_payload`), ``deposition`` the raster's
    picture (:func:`raster_picture`) and ``buyout_table`` :func:`run_area_table` (each made
    here when not given)."""
    result = context.result
    if national is None:
        national = scenario_payload(result)
    if deposition is _NOT_GIVEN:
        deposition = raster_picture(result)
    if buyout_table is _NOT_GIVEN:
        buyout_table = run_area_table(result)
    table = context.ranking_text()
    areas = result.natura.areas
    if areas.crs is not None and not areas.crs.equals(RD_NEW):
        areas = areas.to_crs(RD_NEW)
    zone = context.priority_zone.explode(index_parts=False, ignore_index=True)
    display_cache = DisplayCache(folder=cache_folder())  # outlines the regions share: made once
    farms_json: str | None = None
    area_names = {
        str(int(nr)): str(name) for nr, name in zip(areas["nr"], areas["name"], strict=True)
    }
    regions = result.regions.regions
    geometry_by_slug = dict(zip(regions["slug"], regions.geometry.values, strict=True))
    funded_all = result.ranked["funded_by"].to_numpy(dtype=object)
    nh3_all = result.ranked["nh3_kg"].to_numpy(dtype=float)
    subsidy_all = result.ranked["subsidy_eur"].to_numpy(dtype=float)
    points_all = result.ranked.geometry.values
    threshold_m = float(result.options.config.threshold_m)
    lang = result.options.config.language
    run_credits = credits(result, context.created)
    columns = [str(c) for c in table.columns]
    search = search_columns(table, [columns[k] for k in carried_columns(columns)])
    submitted = _submitted(result.ranked)

    for region in result.region_lists:
        positions = np.asarray(region.positions, dtype=np.int64)
        rows = context.region_text(region)
        statuses = farm_statuses(rows, None)
        payload = farm_payload(
            rows,
            points_all[positions],
            nh3_all[positions],
            statuses=statuses,
            area_names=area_names,
            lang=lang,
            threshold_m=threshold_m,
            national_total=len(table),
            submitted=submitted[positions] if submitted is not None else None,
            search=search,
        )
        summary = _summary(
            region,
            statuses=statuses,
            rows=rows,
            nh3=nh3_all[positions],
            subsidy=subsidy_all[positions],
            funded=funded_all[positions],
            budgets=result.budgets if result.with_budget else None,
        )
        region_geom = geometry_by_slug.get(region.slug)
        content = region_content(
            summary,
            region_geom=region_geom,
            farm_points=points_all[positions],
            areas=areas,
            zone=zone,
            threshold_m=threshold_m,
            farms=payload.data,
            counts=payload.counts,
            lang=lang,
            display_cache=display_cache,
        )
        content.deposition = deposition
        content.whatif = region_whatif(result, national, region, farms_json=farms_json)
        if content.whatif is not None:
            farms_json = content.whatif.farms_json  # the same for every region: made once
        content.buyout = buyout_payload(result, positions, buyout_table)
        content.credits = run_credits.as_dict()
        yield region, summary, content


def _submitted(ranked: pd.DataFrame) -> np.ndarray | None:
    """``submitted_at`` of every ranked farm as ISO 8601 UTC text (``""`` where none), or
    ``None`` when no farm has one."""
    if "submitted_at" not in ranked.columns:
        return None
    times = pd.to_datetime(ranked["submitted_at"], utc=True)
    given = times.notna().to_numpy()
    if not given.any():
        return None
    # numpy writes the seconds in C (pandas' strftime: 0.12 s at 45,000 farms)
    seconds = times.dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    text = np.char.add(np.datetime_as_string(seconds, unit="s"), "Z").astype(object)
    text[~given] = ""
    return text


def _summary(region, *, statuses, rows, nh3, subsidy, funded, budgets) -> RegionSummary:
    """The region's figures: the farms selected here (by any pot, as ``ranking.csv`` says) and
    per pot what it funded here."""
    from vbr.maps.data import STATUSES

    keys = np.array([s.key for s in STATUSES])[statuses] if len(statuses) else np.array([])
    priority = int(np.isin(keys, ["priority", "priority_selected", "priority_not_selected"]).sum())
    chosen = np.isin(keys, ["priority_selected", "selected"])
    pots = None
    if budgets is not None:
        pots = tuple(
            PotShare(
                name=b.name,
                selected=int((funded == b.name).sum()),
                eur=cents_sum_eur(subsidy[funded == b.name]),
                nh3_kg=float(nh3[funded == b.name].sum()),
            )
            for b in budgets
        )
    return RegionSummary(
        name=region.name,
        slug=region.slug,
        farms=len(rows),
        priority=priority,
        selected=int(chosen.sum()) if budgets is not None else None,
        selected_nh3_kg=float(nh3[chosen].sum()) if budgets is not None else None,
        selected_eur=cents_sum_eur(subsidy[chosen]) if budgets is not None else None,
        pots=pots,
    )
