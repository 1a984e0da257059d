"""The pipeline on real public data (../shared/realdata; skipped where absent, never copied)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Polygon

from conftest import REALDATA, gpkg_bytes, read_rows, write_csv

N2K = REALDATA / "natura2000" / "boerderijen_n2k"
GML = REALDATA / "farms" / "geonovius_imaer_brabant_limburg_1000m.gml"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (N2K.is_dir() and GML.is_file()), reason="../shared/realdata is absent on this machine"
    ),
]


def boerderijen_areas(flag_column: str = "richtlijn_stikstofgevoelig") -> gpd.GeoDataFrame:
    """The 144 real outlines as read from their custom JSON: one naive multipolygon per area
    (parts are NOT unioned, so overlapping PDOK features make some of them invalid). The
    nitrogen-sensitivity flag (true/false/-) goes into ``flag_column``: by default a name vbr
    does not read, so that ``--all-overloaded`` counts every area."""
    rows = []
    for folder in sorted(p for p in N2K.iterdir() if (p / "geometrie.json").is_file()):
        area = json.loads((folder / "geometrie.json").read_text(encoding="utf-8"))
        first = (folder / "richtlijn-raw.txt").read_text(encoding="utf-8").splitlines()[0]
        fields = first.split("|")
        polygons = [Polygon(rings[0], rings[1:]) for rings in area["polys"]]
        rows.append(
            {
                "nr": int(fields[0]),
                "naamN2K": area["naam"],
                flag_column: fields[6],
                "geometry": MultiPolygon(polygons),
            }
        )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


@pytest.fixture(scope="module")
def real_inputs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("realdata")
    areas = boerderijen_areas()
    natura = tmp / "natura2000.gpkg"
    areas.to_file(natura)
    # GDAL writes a .gfs sidecar beside a GML it opens: read a copy, never the shared file
    gml = tmp / GML.name
    shutil.copyfile(GML, gml)
    sources = pyogrio.read_dataframe(gml)
    farms = write_csv(
        tmp / "farms.csv",
        ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "label"],
        [
            [s.localId, s.geometry.x, s.geometry.y, s.value, 1_000_000, s.label]
            for s in sources.itertuples()
        ],
    )
    return {"natura": natura, "farms": farms, "tmp": tmp, "areas": len(areas)}


def test_real_outlines_hold_the_144_areas_and_some_are_invalid_as_delivered(real_inputs):
    areas = gpd.read_file(real_inputs["natura"])
    assert len(areas) == real_inputs["areas"] >= 140
    assert (~areas.is_valid).sum() >= 10


def test_aerius_1000m_selection_gets_priority_with_the_real_outlines(vbr, real_inputs):
    out = real_inputs["tmp"] / "out"
    code, _, stderr = vbr(
        "run", "--farms", real_inputs["farms"], "--natura", real_inputs["natura"],
        "--all-overloaded", "--no-budget", "--out", out, "--quiet",
    )  # fmt: skip
    assert code == 0, stderr
    rows = read_rows(out / "ranking.csv")
    rejected = read_rows(out / "rejected.csv")
    assert len(rows) + len(rejected) == 1765
    priority = sum(r["priority"] == "true" for r in rows)
    share = priority / 1765
    assert share >= 0.99, f"{priority} of 1765 within 1,000 m ({share:.2%})"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["repaired"] >= 10
    # farms in Brabant and Limburg measure to areas there (Veluwe 57 is far north)
    nearest = {int(r["nearest_n2000"]) for r in rows if r["priority"] == "true"}
    assert 57 not in nearest


def test_real_stikstofgevoelig_flags_are_read_and_a_dash_is_refused(vbr, real_inputs):
    """The real flags say true, false or `-` (bruine-bank, a marine area): `-` is no answer vbr
    may guess, so the run stops naming it; as an empty cell the list or --all-overloaded
    decides there."""
    areas = boerderijen_areas("stikstofgevoelig")
    natura = real_inputs["tmp"] / "flags.gpkg"
    areas.to_file(natura)
    out = real_inputs["tmp"] / "flags-out"
    args = ["run", "--farms", real_inputs["farms"], "--all-overloaded", "--no-budget",
            "--out", out, "--quiet"]  # fmt: skip
    code, _, stderr = vbr(*args, "--natura", natura)
    assert code == 2
    dashes = [i + 1 for i, v in enumerate(areas["stikstofgevoelig"]) if v == "-"]
    assert dashes and f"  - '-' in feature(s) {', '.join(map(str, dashes))}" in stderr
    areas["stikstofgevoelig"] = areas["stikstofgevoelig"].replace("-", "")
    areas.to_file(natura)
    code, _, stderr = vbr(*args, "--natura", natura)
    assert code == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["columns"]["natura2000"]["overloaded"] == {
        "column": "stikstofgevoelig",
        "found_by": "alias",
        "made": "--all-overloaded",
        "made_rows": len(dashes),
    }
    insensitive = int((areas["stikstofgevoelig"] == "false").sum())
    assert manifest["counts"]["overloaded_features"] == len(areas) - insensitive


def test_real_invalid_outlines_measure_by_parts_as_to_their_repaired_whole(real_inputs):
    import numpy as np
    import shapely

    from vbr import load_natura
    from vbr.core.distance import distance_to_overloaded
    from vbr.io.farms import load_farms

    natura = load_natura(real_inputs["natura"], all_overloaded=True)
    assert natura.invalid.sum() >= 10
    points = np.asarray(load_farms(real_inputs["farms"]).farms.geometry.values, dtype=object)
    # farms of Brabant and Limburg, and points spread over the whole country
    rng = np.random.default_rng(11)
    points = np.concatenate(
        [points, shapely.points(rng.uniform([13_000, 306_000], [278_000, 620_000], (3000, 2)))]
    )
    parts, numbers = natura.overloaded_parts()
    by_parts, nearest_parts = distance_to_overloaded(points, parts, numbers)
    whole = natura.overloaded
    by_whole, nearest_whole = distance_to_overloaded(
        points, whole.geometry.values, whole["nr"].to_numpy()
    )
    np.testing.assert_allclose(by_parts, by_whole, rtol=0, atol=1e-6)
    assert (nearest_parts == nearest_whole).all()


IGO = REALDATA / "farms" / "geonovius_igo_veehouderijen_nabij_n2000.gpkg"


@pytest.mark.skipif(not IGO.is_file(), reason="the IGO GeoPackage is absent")
def test_the_rvo_trial_on_igo_locations_one_decision_per_farm(vbr, real_inputs):
    """Issue 20's trial: the IGO locations near Natura 2000 as applications (NH3 from the
    permit, subsidy estimated from the animal counts), EUR 750 M then 800 M, every pot: each farm
    funded once, every list agrees with ranking.csv, the pots add up, vbr diff names every
    changed farm."""
    import pandas as pd

    tmp = real_inputs["tmp"]
    igo = pyogrio.read_dataframe(IGO)
    animals = ["geiten", "kippen", "rundvee", "schapen", "varkens"]
    counts = igo[animals].apply(pd.to_numeric, errors="coerce").fillna(0).astype(int)
    keep = (counts.sum(axis=1) > 0) & ~igo["vthobject_id"].duplicated(keep=False)
    points = igo.geometry[keep].centroid
    farms = write_csv(
        tmp / "igo.csv",
        ["farm_id", "x", "y", "nh3_kg", *animals],
        [
            [fid, p.x, p.y, nh3, *row]
            for fid, p, nh3, row in zip(
                igo["vthobject_id"][keep],
                points,
                igo["nh3_emissie"][keep],
                counts[keep].itertuples(index=False),
                strict=True,
            )
        ],
    )
    outs = {}
    for budget in (750_000_000, 800_000_000):
        out = tmp / f"igo-{budget}"
        code, _, err = vbr(
            "run", "--farms", farms, "--natura", real_inputs["natura"], "--budget", budget,
            "--out", out, "--quiet",
        )  # fmt: skip
        assert code == 0, err
        outs[budget] = out
        ranking = {r["farm_id"]: r for r in read_rows(out / "ranking.csv")}
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        granted = [r for r in ranking.values() if r["selected"] == "true"]
        assert all(r["funded_by"] for r in granted)
        assert sum(b["selected"] for b in manifest["budgets"]) == len(granted)
        total = sum(float(r["subsidy_eur"]) for r in granted)
        assert sum(b["used_eur"] for b in manifest["budgets"]) == pytest.approx(total, abs=0.01)
        for b in manifest["budgets"]:
            assert b["used_eur"] <= b["budget_eur"]
        for region in ("veluwe", "peel", "eindhoven"):
            for row in read_rows(out / region / "ranking.csv"):
                assert row["funded_by"] == ranking[row["farm_id"]]["funded_by"]
                assert row["reason"] == ranking[row["farm_id"]]["reason"]
    code, printed, err = vbr("diff", outs[750_000_000], outs[800_000_000], "--out", tmp / "d.csv")
    assert code == 0, err
    assert "Oorzaak: budget 750 -> 800 mln." in printed.splitlines()[0]
    a = {r["farm_id"]: r for r in read_rows(outs[750_000_000] / "decisions.csv")}
    b = {r["farm_id"]: r for r in read_rows(outs[800_000_000] / "decisions.csv")}
    changed = {
        f for f in a if (a[f]["status"], a[f]["funded_by"]) != (b[f]["status"], b[f]["funded_by"])
    }
    listed = {
        r["farm_id"]
        for r in read_rows(tmp / "d.csv")
        if set(r["change"].split(";")) & {"now granted", "no longer granted", "other pot", "status"}
    }
    assert listed == changed and changed


@pytest.mark.skipif(not IGO.is_file(), reason="the IGO GeoPackage is absent")
def test_the_igo_farms_layer_goes_through_arrow_to_the_bytes_write_dataframe_writes(tmp_path):
    """The IGO GeoPackage as a province holds it (33 text columns carried through): the
    GeoPackage's farms layer takes the Arrow path and gives the same file as pyogrio's
    ``write_dataframe``."""
    from vbr import compute, run_options
    from vbr.writers.geopackage import arrow_points, farms_layer

    result = compute(
        run_options(farms=IGO, columns="farm_id=vthobject_id", out=tmp_path / "unused")
    )
    frame = farms_layer(result)
    assert len(frame) > 800 and len(result.carried) > 20
    assert arrow_points(frame) is not None
    assert gpkg_bytes(frame, tmp_path / "arrow.gpkg", arrow=True) == gpkg_bytes(
        frame, tmp_path / "frame.gpkg", arrow=False
    )
