"""`vbr verify OUTDIR`: a run repeats byte for byte from its manifest; a changed input or an edited
list is named. Exit 0 identical, 3 differs, 2 unusable manifest or missing input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import X0, Y0, square, write_csv, write_regions

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "note"]


@pytest.fixture
def inputs(tmp_path, one_area) -> dict[str, Path]:
    rows = [
        [f"f{i}", X0 - 100 * i, Y0 + 37 * i, 1000 + i, 100_000 * (i % 7 + 1), f"=note {i}"]
        for i in range(1, 30)
    ]
    rows.append(["bad", X0, Y0, "x", 1, "-"])
    farms = write_csv(tmp_path / "farms.csv", HEADER, rows)
    regions = write_regions(
        tmp_path / "regions.geojson",
        [("West", square(X0 - 2000, Y0, 1800)), ("Noord", square(X0 - 3000, Y0 + 500, 3000))],
    )
    config = tmp_path / "rules.toml"
    config.write_text(
        '[explain]\nlanguage = "en"\n\n[budget]\nnational_eur = 2_000_000\n\n'
        '[[budget.regional]]\nname = "West"\nregions = ["West"]\neur = 700_000\n',
        encoding="utf-8",
    )
    return {"farms": farms, "natura": one_area, "regions": regions, "config": config}


@pytest.fixture
def run_dir(vbr, tmp_path, inputs) -> Path:
    out = tmp_path / "run"
    code, _, err = vbr(
        "run", "--farms", inputs["farms"], "--natura", inputs["natura"],
        "--regions", inputs["regions"], "--config", inputs["config"], "--out", out,
        "--threshold-m", 1500, "--budget-policy", "stop", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    return out


def test_verify_passes_on_a_fresh_run(vbr, run_dir):
    code, out, err = vbr("verify", run_dir)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("identical: 9 lists re-computed byte for byte")
    for name in (
        "ranking.csv", "rejected.csv", "decisions.csv", "west/ranking.csv",
        "noord/ranking_excel.csv",
    ):  # fmt: skip
        assert name in out


def test_verify_passes_on_a_public_run(vbr, tmp_path, inputs):
    """A public run writes no list: the rerun records ``public`` and compares the pages."""
    out = tmp_path / "public"
    code, _, err = vbr(
        "run", "--farms", inputs["farms"], "--natura", inputs["natura"],
        "--regions", inputs["regions"], "--out", out, "--public", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rerun"]["public"] is True
    assert not any(name.endswith(".csv") for name in manifest["outputs"])
    code, stdout, err = vbr("verify", out)
    assert code == 0, err
    assert stdout.splitlines()[-1].startswith("identical: 3 lists re-computed byte for byte")
    assert "index.html" in stdout and "west/map.html" in stdout


def test_manifest_holds_everything_needed_to_rerun(run_dir, inputs):
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["threshold_m"] == 1500
    assert manifest["parameters"]["budget_policy"] == "stop"
    assert manifest["parameters"]["budget_eur"] == 2_000_000
    rerun = manifest["rerun"]
    assert rerun["config_effective"]["explain"] == {"language": "en"}
    assert rerun["config_effective"]["budget"]["regional"][0]["eur"] == 700_000
    assert rerun["farms_crs"] == "EPSG:28992"
    assert set(manifest["inputs"]) == {"farms", "natura", "regions", "config"}
    assert manifest["inputs"]["farms"]["absolute_path"] == str(inputs["farms"].resolve())


def test_verify_names_a_changed_input_file(vbr, run_dir, inputs):
    with open(inputs["farms"], "a", encoding="utf-8") as fh:
        fh.write("late,180000,460000,1,1,x\r\n")
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert f"input farms ({inputs['farms']}): sha256 is" in err
    assert "the file changed since the run" in err


def test_verify_names_an_edited_list_and_its_first_differing_line(vbr, run_dir):
    path = run_dir / "west" / "ranking.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("true", "false", 1)
    path.write_text("".join(lines), encoding="utf-8")
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert "west/ranking.csv: the file in the output folder was changed after the run" in err
    assert "first difference at line 3" in err
    assert "ranking.csv: the file" not in err.replace("west/ranking.csv", "")


def test_verify_finds_inputs_in_an_archive_folder(vbr, run_dir, inputs, tmp_path):
    archive = tmp_path / "archive"
    (archive / "inputs").mkdir(parents=True)
    for path in inputs.values():
        shutil.move(path, archive / "inputs" / path.name)
    shutil.move(run_dir, archive / "run")
    code, _, err = vbr("verify", archive / "run")
    assert code == 2
    assert "input files of the run are missing; give --inputs FOLDER" in err
    code, out, err = vbr("verify", archive / "run", "--inputs", archive / "inputs")
    assert code == 0, err
    assert "identical" in out


def test_verify_on_a_folder_without_manifest_exits_2(vbr, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = vbr("verify", tmp_path / "empty")
    assert code == 2
    assert "no manifest.json in this folder" in err
