"""Notes from every layer reach the console, manifest.json, index.html and the workbook alike,
and ``vbr.compute`` with the options ``vbr run`` builds behaves as ``vbr run``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import DATA, X0, Y0, cover_section, square, write_natura
from vbr import compute, run_options, write_result
from vbr.core.overloaded import NITROGEN_SENSITIVE_NOTE
from vbr.locale.reasons import render_note
from vbr.settings import nitrogen_sensitive_list

pytestmark = pytest.mark.slow  # every test runs vbr on the default data or a user file

#: The notes in the run's language, Dutch by default (one text everywhere).
INDICATIVE = "Natura 2000: de ingebouwde INDICATIEVE begrenzingen worden gebruikt"
SENSITIVE = render_note(NITROGEN_SENSITIVE_NOTE, "nl")


@pytest.fixture(scope="module")
def user_farms(tmp_path_factory) -> Path:
    """The first 300 embedded farms in a file of the user's (so not the embedded farm file)."""
    path = tmp_path_factory.mktemp("farms") / "farms.csv"
    with open(DATA / "farms.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:301]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def workbook_notes(out: Path) -> list[str]:
    return [value for _, value in cover_section(out / "ranking.xlsx", "section_notes")]


def manifest_notes(out: Path) -> list[str]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]


def test_indicative_note_reaches_console_manifest_index_and_workbook(vbr, user_farms, tmp_path):
    out = tmp_path / "out"
    code, stdout, err = vbr("run", "--farms", user_farms, "--out", out)
    assert code == 0, err
    assert f"opmerking: {INDICATIVE}" in stdout  # the console's frame is Dutch by default
    notes = manifest_notes(out)
    assert any(n.startswith(INDICATIVE) for n in notes)
    assert INDICATIVE in (out / "index.html").read_text(encoding="utf-8")
    assert workbook_notes(out) == notes
    assert [
        line.removeprefix("opmerking: ")
        for line in stdout.splitlines()
        if line.startswith("opmerking: ")
    ] == notes


def test_renamed_columns_note_is_dutch_in_console_manifest_index_and_workbook(vbr, tmp_path):
    """A carried column named like one of vbr's (``Rank``) is renamed in every output; the note
    that says so is known before any writer runs, so the workbook (written in a process of its
    own, before the lists) has it too, in the run's language."""
    path = tmp_path / "farms.csv"
    with open(DATA / "farms.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:101]
    rows = [[*rows[0], "Rank"], *([*r, f"r{k}"] for k, r in enumerate(rows[1:]))]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out"
    code, stdout, err = vbr("run", "--farms", path, "--out", out)
    assert code == 0, err
    said = "1 invoerkolom heeft in de uitvoer een andere naam"
    notes = [n for n in manifest_notes(out) if n.startswith(said)]
    assert len(notes) == 1 and "'Rank' -> 'input_Rank'" in notes[0]
    assert f"opmerking: {notes[0]}" in stdout
    assert notes[0] in workbook_notes(out)
    assert said in (out / "index.html").read_text(encoding="utf-8")


def test_compute_with_the_cli_options_behaves_as_vbr_run(vbr, user_farms, tmp_path):
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    code, _, err = vbr("run", "--farms", user_farms, "--out", cli_out, "--quiet")
    assert code == 0, err
    result = compute(run_options(farms=user_farms, out=api_out))
    assert result.notes and result.notes[0].startswith(INDICATIVE)
    written = write_result(result, api_out)
    assert list(written.notes) == manifest_notes(cli_out) == manifest_notes(api_out)
    lists = [p.relative_to(cli_out) for p in sorted(cli_out.rglob("*.csv"))]
    assert Path("ranking.csv") in lists and Path("veluwe/ranking.csv") in lists
    for name in lists:
        assert (api_out / name).read_bytes() == (cli_out / name).read_bytes(), name


def test_pdok_data_without_flags_takes_the_nitrogen_sensitive_list(vbr, tmp_path):
    """PDOK attributes (naamN2K, nr) and no overloaded column: the shipped list decides, for the
    command line and the library alike, and the list is recorded as an input."""
    listed = nitrogen_sensitive_list()
    with open(listed, encoding="utf-8", newline="") as fh:
        sensitive = int(next(csv.DictReader(fh))["nr"])
    natura = write_natura(
        tmp_path / "pdok.gpkg",
        [
            (sensitive, "gevoelig", square(X0, Y0, 1000), None),
            (9999, "niet gevoelig", square(X0 + 5000, Y0, 1000), None),
        ],
    )
    farms = tmp_path / "farms.csv"
    farms.write_text(
        f"farm_id,x,y,nh3_kg,subsidy_eur\na,{X0 - 500},{Y0},1000,100000\n"
        f"b,{X0 + 4500},{Y0},1000,100000\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, stdout, err = vbr("run", "--farms", farms, "--natura", natura, "--out", out)
    assert code == 0, err
    assert SENSITIVE.startswith("Natura 2000: PDOK-gegevens zonder kolom overloaded")
    assert f"opmerking: {SENSITIVE}" in stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert SENSITIVE in manifest["notes"]
    assert manifest["inputs"]["overloaded"]["path"] == str(listed)
    result = compute(run_options(farms=farms, natura=natura, out=tmp_path / "api"))
    areas = result.natura.attributes.set_index("nr")
    assert bool(areas.loc[sensitive, "overloaded"]) and not bool(areas.loc[9999, "overloaded"])
    assert set(areas["overloaded_by"]) == {"list"}
    assert SENSITIVE in result.notes
    code, _, err = vbr("verify", out)
    assert code == 0, err
