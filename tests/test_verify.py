"""`vbr verify OUTDIR`: a run repeats byte for byte from its manifest; a changed input or an edited
list is named. Exit 0 identical, 3 differs, 2 unusable manifest or missing input."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import X0, Y0, square, write_csv, write_regions
from vbr.locale import t

pytestmark = pytest.mark.slow  # every test runs vbr and then vbr verify

HEADER = ["farm_id", "x", "y", "nh3_kg", "subsidy_eur", "note"]


def differing_files(stderr: str) -> list[str]:
    """The files ``vbr verify`` names as differing (one per difference line)."""
    return [
        line.removeprefix("  - ").split(": ", 1)[0]
        for line in stderr.splitlines()
        if line.startswith("  - ")
    ]


def edit_manifest(run_dir: Path, change, *, sidecar: bool = True) -> None:
    """Change ``manifest.json`` with ``change(manifest)``; with ``sidecar``, also write the
    matching ``manifest.sha256`` (as someone would who knows how vbr checks it)."""
    path = run_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if sidecar:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        (run_dir / "manifest.sha256").write_text(f"{digest}  manifest.json\n", encoding="ascii")


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


def run_into(vbr, inputs: dict[str, Path], out: Path, *extra: str) -> Path:
    """The run every test here checks, written to ``out``."""
    code, _, err = vbr(
        "run", "--farms", inputs["farms"], "--natura", inputs["natura"],
        "--regions", inputs["regions"], "--config", inputs["config"], "--out", out,
        "--threshold-m", 1500, "--budget-policy", "stop", "--quiet", *extra,
    )  # fmt: skip
    assert code == 0, err
    return out


@pytest.fixture
def run_dir(vbr, tmp_path, inputs) -> Path:
    return run_into(vbr, inputs, tmp_path / "run")


def test_verify_passes_on_a_fresh_run(vbr, run_dir):
    digest = hashlib.sha256((run_dir / "manifest.json").read_bytes()).hexdigest()
    assert (run_dir / "manifest.sha256").read_text() == f"{digest}  manifest.json\n"  # sha256sum
    code, out, err = vbr("verify", run_dir)
    assert code == 0, err
    last = out.splitlines()[-1]
    assert last.startswith("identical: 20 outputs re-computed byte for byte")
    for name in (
        "ranking.csv", "rejected.csv", "decisions.csv", "ranking.xlsx", "ranking.gpkg",
        "index.html", "west/ranking.csv", "noord/ranking_excel.csv", "west/map.html",
        "west/map.png", "west/.vbr-folder",
    ):  # fmt: skip
        assert name in last
    assert "manifest entries re-computed, manifest.sha256 matches, no file missing or added" in last


def test_verify_passes_on_a_public_run(vbr, tmp_path, inputs):
    """A public run writes no list: its pages are what it published, and they are compared."""
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
    assert stdout.splitlines()[-1].startswith(
        "gelijk: 7 uitvoerbestanden byte voor byte opnieuw berekend"
    )
    assert "index.html" in stdout and "west/map.html" in stdout and "west/map.png" in stdout


def test_verify_passes_on_a_scenarios_run(vbr, tmp_path, inputs):
    """The scenarios (cost curves as CSV and PNG, the best selections) are the same bytes."""
    out = run_into(vbr, inputs, tmp_path / "scenarios", "--scenarios")
    code, stdout, err = vbr("verify", out)
    assert code == 0, err
    assert "scenarios/budgets.csv" in stdout and "scenarios/national/cost_curve.png" in stdout


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
    assert "west/ranking.csv: changed after the run" in err
    assert "first difference at line 3" in err
    assert differing_files(err) == ["west/ranking.csv"]


def test_verify_finds_inputs_in_an_archive_folder(vbr, run_dir, inputs, tmp_path):
    archive = tmp_path / "archive"
    (archive / "inputs").mkdir(parents=True)
    for path in inputs.values():
        shutil.move(path, archive / "inputs" / path.name)
    shutil.move(run_dir, archive / "run")
    code, _, err = vbr("verify", archive / "run")
    assert code == 2
    assert "invoerbestanden van de run ontbreken; geef --inputs MAP" in err  # a Dutch run
    code, out, err = vbr("verify", archive / "run", "--inputs", archive / "inputs")
    assert code == 0, err
    assert "identical" in out


def test_verify_on_a_folder_without_manifest_exits_2(vbr, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = vbr("verify", tmp_path / "empty")
    assert code == 2
    assert "geen manifest.json in deze map" in err  # no run, so no run language: Dutch


# --- every output, the folder and the manifest's figures (issue 19, point 4) -------------------


def test_verify_names_an_edited_workbook_and_its_first_differing_cell(vbr, run_dir):
    book = openpyxl.load_workbook(run_dir / "ranking.xlsx")
    sheet = book.worksheets[1]  # the national list (in English here: "Netherlands")
    header = [cell.value for cell in sheet[1]]
    row = 2
    farm_id, subsidy = t("columns.farm_id", "en"), t("columns.subsidy_eur", "en")
    first_id = sheet.cell(row, header.index(farm_id) + 1).value
    sheet.cell(row, header.index(farm_id) + 1).value = "f999"
    sheet.cell(row, header.index(subsidy) + 1).value = 1
    book.save(run_dir / "ranking.xlsx")
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert differing_files(err) == ["ranking.xlsx"]
    assert "ranking.xlsx: changed after the run" in err
    assert f"first difference in sheet '{sheet.title}', cell B2: 'f999' vs '{first_id}'" in err


def test_verify_names_a_script_injected_into_a_map(vbr, run_dir):
    path = run_dir / "west" / "map.html"
    page = path.read_text(encoding="utf-8")
    path.write_text(page.replace("<head>", "<head><script>steal()</script>", 1), encoding="utf-8")
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert differing_files(err) == ["west/map.html"]
    assert "west/map.html: changed after the run" in err and "steal()" in err


@pytest.mark.parametrize("name", ["ranking.gpkg", "index.html", "west/.vbr-folder"])
def test_verify_names_a_deleted_output(vbr, run_dir, name):
    (run_dir / name).unlink()
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert differing_files(err) == [name]
    assert f"{name}: missing from the output folder" in err


def test_verify_names_an_added_file(vbr, run_dir):
    (run_dir / "fake").mkdir()
    (run_dir / "fake" / "ranking.csv").write_text("rank,farm_id\n1,f1\n", encoding="utf-8")
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert differing_files(err) == ["fake/ranking.csv"]
    assert "fake/ranking.csv: not written by the run (manifest.json does not record it)" in err


@pytest.mark.parametrize(
    ("falsify", "entry"),
    [
        (lambda m: m["counts"].update(ranked=m["counts"]["ranked"] + 1), "counts.ranked"),
        (lambda m: m["counts"].update(rejected=0), "counts.rejected"),
        (lambda m: m["budgets"][0].update(used_eur=1.0), "budgets[0].used_eur"),
        (lambda m: m["budgets"][1].update(selected=99), "budgets[1].selected"),
        (lambda m: m["notes"].append("all farms were checked by hand"), "notes[0]"),
        (lambda m: m["rejected_reasons"].clear(), "rejected_reasons"),
    ],
)
def test_verify_names_falsified_figures_in_the_manifest(vbr, run_dir, falsify, entry):
    """The sidecar is updated too: only the re-run's own manifest can show the lie."""
    edit_manifest(run_dir, falsify)
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert set(differing_files(err)) == {"manifest.json"}
    assert f"manifest.json: {entry}" in err


def test_verify_sees_an_edited_manifest_through_its_sidecar(vbr, run_dir):
    edit_manifest(run_dir, lambda m: m.update(created="2020-01-01T00:00:00+00:00"), sidecar=False)
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    # the repeated run takes the edited moment, which the workbook's cover shows and the maps
    # and their pictures print (the day): they differ too
    assert differing_files(err) == [
        "manifest.sha256",
        "ranking.xlsx",
        *(f"{slug}/{name}" for slug in ("noord", "west") for name in ("map.html", "map.png")),
    ]
    assert "manifest.json was changed after the run" in err
    assert "sheet 'About', cell B5" in err and "'1 January 2020 01:00')" in err
    (run_dir / "manifest.sha256").unlink()
    code, _, err = vbr("verify", run_dir)
    assert code == 3
    assert "manifest.sha256: missing" in err


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (
            lambda m: m["inputs"].update(farms="farms.csv"),
            "inputs.farms: 'farms.csv' is not of type",
        ),
        (lambda m: m.update(rerun=[1, 2]), "rerun: [1, 2] is not of type 'object'"),
        (
            lambda m: m["parameters"].update(threshold_m="abc"),
            "parameters.threshold_m: 'abc' is not of type 'number'",
        ),
        (lambda m: m.pop("outputs"), "the manifest: 'outputs' is a required property"),
        (lambda m: m["inputs"].pop("natura"), "inputs: 'natura' is a required property"),
        (
            lambda m: m["outputs"].update({"../x": "0" * 64}),
            "outputs: '../x' is not a path inside the output folder",
        ),
        (
            lambda m: m["outputs"].update({"/etc/passwd": "0" * 64}),
            "outputs: '/etc/passwd' is not a path inside the output folder",
        ),
        (lambda m: m.update(tool="other"), "tool: is 'other', not 'vbr'"),
        (
            lambda m: m["parameters"].update(budget_policy="greedy"),
            "parameters.budget_policy: 'greedy' is not one of ['skip', 'stop']",
        ),
        (  # above the ceiling of vbr: the repeated run would otherwise fail inside the walk
            lambda m: m["parameters"].update(budget_eur=1e20),
            "parameters.budget_eur: 1e+20 is greater than the maximum of 10000000000000.0",
        ),
        (
            lambda m: m["parameters"].update(threshold_m=1e9),
            "parameters.threshold_m: 1000000000.0 is greater than the maximum of 100000.0",
        ),
    ],
)
def test_verify_of_a_malformed_manifest_exits_2_saying_what_is_wrong(vbr, run_dir, damage, problem):
    edit_manifest(run_dir, damage)
    code, _, err = vbr("verify", run_dir)
    assert code == 2, err
    assert "manifest.json: is geen manifest dat vbr verify kan gebruiken" in err
    assert problem in err
    assert "Traceback" not in err


def test_verify_of_a_manifest_that_is_not_json_exits_2(vbr, run_dir):
    (run_dir / "manifest.json").write_text('{"tool": "vbr", ', encoding="utf-8")
    code, _, err = vbr("verify", run_dir)
    assert code == 2
    assert "manifest.json: is niet als JSON te lezen" in err
    assert "Traceback" not in err


def test_geopackage_is_the_same_bytes_from_run_to_run(vbr, run_dir, inputs, tmp_path):
    again = run_into(vbr, inputs, tmp_path / "again")
    assert (again / "ranking.gpkg").read_bytes() == (run_dir / "ranking.gpkg").read_bytes()
