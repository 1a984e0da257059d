"""The output folder is vbr's only where vbr wrote it, and a run replaces the previous one all or
nothing (issue 19, points 1 and 3).

Every destructive case runs in a temporary folder ``p/`` that holds the inputs, the output folder
``p/out`` and files of the user's beside and inside it; the test checks that nothing outside
``--out``, and nothing of the user's inside it, changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import vbr.writers.run_folder as run_folder
from conftest import X0, Y0, square, write_csv, write_natura, write_regions
from vbr import run, run_options
from vbr.errors import OutputError, Terminated
from vbr.model import WriteReport
from vbr.termination import deferred_termination, stop_cleanly
from vbr.writers.manifest import MANIFEST, SIDECAR
from vbr.writers.run_folder import FOLDER_MARKER, OUTPUT_NAMES, clean_stale_temporaries
from vbr.writing import certain_outputs

REPO = Path(__file__).resolve().parents[1]


def tree(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` (itself included) with what it is and holds: files by sha256,
    links by target, folders by name only."""
    found = {}
    for path in [root, *sorted(root.rglob("*"))]:
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = ("link", os.readlink(path))
        elif path.is_dir():
            found[key] = ("dir",)
        else:
            found[key] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def temporaries(*folders: Path) -> list[Path]:
    return [p for f in folders if f.is_dir() for p in f.iterdir() if p.name.startswith(".vbr-tmp")]


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def scene(tmp_path) -> dict[str, Path]:
    """``p/`` with inputs in ``p/in``, a user's file beside the output folder ``p/out``."""
    project = tmp_path / "p"
    inputs = project / "in"
    inputs.mkdir(parents=True)
    (project / "x").mkdir()
    (project / "x" / "keep.txt").write_text("the user's, beside --out\n", encoding="utf-8")
    natura = write_natura(inputs / "n2k.geojson", [(57, "Veluwe", square(X0, Y0, 1000), True)])
    regions = write_regions(
        inputs / "regions.geojson",
        [("RegionA", square(X0 - 3000, Y0 - 3000, 6000)), ("Peel", square(X0, Y0, 4000))],
    )
    farms = write_csv(
        inputs / "farms.csv",
        ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"],
        [[f"f{i}", X0 + 300 * i, Y0 + 1100, 1000 + i, 100_000 * (i + 1)] for i in range(8)],
    )
    return {
        "root": tmp_path,
        "project": project,
        "out": project / "out",
        "farms": farms,
        "natura": natura,
        "regions": regions,
    }


def vbr_run(vbr, scene, *extra, out=None):
    return vbr(
        "run", "--farms", scene["farms"], "--natura", scene["natura"],
        "--regions", scene["regions"], "--out", out or scene["out"], "--quiet",
        "--lang", "en", *extra,
    )  # fmt: skip


def manifest_of(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def forge_manifest(out: Path, outputs: dict[str, str]) -> None:
    """Add ``outputs`` to the manifest in ``out`` and write a sidecar that matches."""
    manifest = manifest_of(out)
    manifest["outputs"].update(outputs)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    digest = hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest()
    (out / SIDECAR).write_text(f"{digest}  {MANIFEST}\n", encoding="ascii")


# --- the cases of the issue: nothing outside --out, nothing of the user's inside it -------------


@pytest.mark.parametrize(
    "key", ["../x", "../x/keep.txt", "/etc/passwd", "", "a//b", "./ranking.csv"]
)
@pytest.mark.slow
def test_a_path_in_an_old_manifest_removes_nothing(vbr, scene, key):
    """A manifest key ``../x`` made ``vbr run`` delete the parent of --out; ``/etc/passwd`` the
    whole output folder with the user's files in it."""
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    (scene["out"] / "mine.txt").write_text("the user's, inside --out\n", encoding="utf-8")
    forge_manifest(scene["out"], {key: "0" * 64})
    before = tree(scene["root"])
    code, _, err = vbr_run(vbr, scene, "--budget", "300000")
    assert code == 2
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert problems[0].startswith(f"  - {scene['out'] / MANIFEST}: is not a manifest as vbr")
    assert "is not a path inside the output folder" in problems[0]
    assert f"{scene['out'] / 'ranking.csv'}: vbr cannot tell it wrote this (the manifest" in err
    assert tree(scene["root"]) == before


@pytest.mark.slow
def test_a_user_folder_named_like_a_region_is_not_deleted(vbr, scene):
    """No earlier manifest: ``regiona/`` is the user's although the run has a region RegionA."""
    mine = scene["out"] / "regiona"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = tree(scene["root"])
    code, _, err = vbr_run(vbr, scene)
    assert code == 2
    assert f"{mine}: vbr cannot tell it wrote this (there is no manifest.json here)" in err
    assert "this run would write over what is not its own (nothing was changed)" in err
    assert "move each path below out of the folder" in err
    assert tree(scene["root"]) == before
    assert not temporaries(scene["out"], scene["project"])


def test_an_input_inside_out_named_like_an_output_is_not_overwritten(vbr, scene):
    """``--farms out/ranking.csv --out out``: the input was overwritten by the output."""
    scene["out"].mkdir()
    farms = scene["out"] / "ranking.csv"
    farms.write_bytes(scene["farms"].read_bytes())
    before = tree(scene["root"])
    err = refused_with_farms(vbr, scene, farms)
    assert f"{farms}: vbr cannot tell it wrote this (there is no manifest.json here)" in err
    assert tree(scene["root"]) == before


def refused_with_farms(vbr, scene, farms: Path) -> str:
    """Run on ``farms`` into the scene's output folder; the run must refuse (exit 2)."""
    code, _, err = vbr(
        "run",
        "--farms",
        farms,
        "--natura",
        scene["natura"],
        "--out",
        scene["out"],
        "--quiet",
        "--lang",
        "en",
    )
    assert code == 2, err
    return err


@pytest.mark.slow
def test_an_output_of_the_previous_run_given_as_input_is_exit_2(vbr, scene):
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    listed = scene["out"] / "regiona" / "ranking.csv"
    before = tree(scene["root"])
    code, _, err = vbr(
        "run", "--farms", scene["farms"], "--natura", scene["natura"], "--overloaded", listed,
        "--out", scene["out"], "--quiet", "--lang", "en",
    )  # fmt: skip
    assert code == 2
    assert f"{listed}: an input of this run is inside {scene['out'] / 'regiona'}" in err
    assert "copy an input elsewhere and give that path" in err
    assert tree(scene["root"]) == before
    ranking = scene["out"] / "ranking.csv"
    err = refused_with_farms(vbr, scene, ranking)
    assert f"{ranking}: an input of this run is an output of the previous run" in err
    assert tree(scene["root"]) == before


@pytest.mark.slow
def test_what_the_user_keeps_in_out_is_left_alone(vbr, scene):
    """Files and folders with other names, and inputs among them, stay as they are."""
    out = scene["out"]
    (out / "mine").mkdir(parents=True)
    (out / "mine" / "a.txt").write_text("a\n", encoding="utf-8")
    (out / "notes.txt").write_text("notes\n", encoding="utf-8")
    farms = out / "farms.csv"
    farms.write_bytes(scene["farms"].read_bytes())
    for extra in ((), ("--budget", "300000")):
        code, _, err = vbr(
            "run", "--farms", farms, "--natura", scene["natura"], "--regions", scene["regions"],
            "--out", out, "--quiet", *extra,
        )  # fmt: skip
        assert code == 0, err
    assert (out / "mine" / "a.txt").read_text(encoding="utf-8") == "a\n"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "notes\n"
    assert farms.read_bytes() == scene["farms"].read_bytes()
    assert manifest_of(out)["parameters"]["budget_eur"] == 300_000


def test_an_output_changed_after_the_run_is_not_overwritten(vbr, scene):
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    with open(scene["out"] / "ranking.xlsx", "ab") as fh:
        fh.write(b"my edits")
    before = tree(scene["root"])
    code, _, err = vbr_run(vbr, scene)
    assert code == 2
    assert (
        f"{scene['out'] / 'ranking.xlsx'}: was changed after vbr wrote it (its sha256 is not "
        "the one in manifest.json)"
    ) in err
    assert tree(scene["root"]) == before


def test_a_changed_output_is_found_while_computing_and_stops_the_run_before_writing(vbr, scene):
    """The names are checked before the inputs are read; the previous files' sha256 in a thread
    beside the computation, whose verdict the run waits for before it writes."""
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    with open(scene["out"] / "ranking.csv", "ab") as fh:
        fh.write(b"my edits")
    options = run_options(
        farms=scene["farms"], natura=scene["natura"], regions=scene["regions"], out=scene["out"]
    )
    contents = run_folder.check_output_folder(
        scene["out"], writes=certain_outputs(options), inputs=[]
    )  # the names are vbr's: no error yet
    with pytest.raises(OutputError) as raised:
        contents.wait()
    assert any("ranking.csv: was changed after vbr wrote it" in p for p in raised.value.problems)
    before = tree(scene["root"])
    with pytest.raises(OutputError):
        run(options)
    assert tree(scene["root"]) == before


def test_a_folder_with_only_vbrs_files_passes_the_contents_check(vbr, scene):
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    options = run_options(
        farms=scene["farms"], natura=scene["natura"], regions=scene["regions"], out=scene["out"]
    )
    run_folder.check_output_folder(scene["out"], writes=certain_outputs(options), inputs=[]).wait()


@pytest.mark.slow
def test_a_file_added_to_a_region_folder_keeps_the_folder(vbr, scene):
    """The folder is replaced by a run that writes it (exit 2), and not removed by one that
    does not."""
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    added = scene["out"] / "peel" / "mine.txt"
    added.write_text("mine\n", encoding="utf-8")
    before = tree(scene["root"])
    code, _, err = vbr_run(vbr, scene)
    assert code == 2
    assert "holds peel/mine.txt, which is not among the outputs manifest.json records" in err
    assert tree(scene["root"]) == before
    only_a = write_regions(scene["root"] / "a.geojson", [("RegionA", square(X0, Y0, 9000))])
    code, _, err = vbr_run(vbr, scene, "--regions", only_a)
    assert code == 0, err
    assert added.read_text(encoding="utf-8") == "mine\n"
    assert (scene["out"] / "peel" / "ranking.csv").is_file()


def test_a_symbolic_link_named_like_an_output_is_not_followed(vbr, scene):
    target = scene["project"] / "x" / "keep.txt"
    scene["out"].mkdir()
    (scene["out"] / "index.html").symlink_to(target)
    before = tree(scene["root"])
    code, _, err = vbr_run(vbr, scene)
    assert code == 2
    assert "index.html: is a symbolic link (vbr writes none)" in err
    assert tree(scene["root"]) == before


@pytest.mark.slow
def test_a_smaller_rerun_removes_the_region_folders_vbr_wrote(vbr, scene):
    code, _, err = vbr_run(vbr, scene, "--scenarios")
    assert code == 0, err
    assert (scene["out"] / "peel" / FOLDER_MARKER).is_file()
    assert (scene["out"] / "scenarios" / FOLDER_MARKER).is_file()
    (scene["out"] / "mine.txt").write_text("mine\n", encoding="utf-8")
    only_a = write_regions(scene["root"] / "a.geojson", [("RegionA", square(X0, Y0, 9000))])
    code, _, err = vbr_run(vbr, scene, "--regions", only_a)
    assert code == 0, err
    names = sorted(p.name for p in scene["out"].iterdir())
    assert "peel" not in names and "scenarios" not in names
    assert {"regiona", "mine.txt", MANIFEST, SIDECAR} <= set(names)


@pytest.mark.slow
def test_a_folder_of_an_older_vbr_without_marker_is_replaced(vbr, scene):
    """Outputs of a vbr version that wrote no marker and no sidecar: the manifest's sha256 of
    every file is enough."""
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    out = scene["out"]
    for marker in out.glob(f"*/{FOLDER_MARKER}"):
        marker.unlink()
    manifest = manifest_of(out)
    manifest["outputs"] = {
        k: v for k, v in manifest["outputs"].items() if not k.endswith(FOLDER_MARKER)
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (out / SIDECAR).unlink()
    only_a = write_regions(scene["root"] / "a.geojson", [("RegionA", square(X0, Y0, 9000))])
    code, _, err = vbr_run(vbr, scene, "--regions", only_a)
    assert code == 0, err
    assert not (out / "peel").exists()
    assert (out / "regiona" / FOLDER_MARKER).is_file()


# --- all or nothing ------------------------------------------------------------------------------


def count_renames(monkeypatch, vbr, scene) -> int:
    """How many renames the replacement of one run by the next makes."""
    calls = []

    def counting(source, target):
        calls.append(source)
        os.rename(source, target)

    monkeypatch.setattr(run_folder, "_rename", counting)
    code, _, err = vbr_run(vbr, scene, "--budget", "300000")
    assert code == 0, err
    monkeypatch.setattr(run_folder, "_rename", os.rename)
    return len(calls)


def fail_at(k: int):
    """A rename that fails at its k-th call (counted from 0) and works otherwise."""
    calls = []

    def rename(source, target):
        calls.append(source)
        if len(calls) == k + 1:
            raise OSError(28, "No space left on device (simulated)")
        os.rename(source, target)

    return rename


@pytest.mark.slow
def test_a_failure_at_any_rename_leaves_the_previous_run_complete(vbr, scene, monkeypatch):
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    renames = count_renames(monkeypatch, vbr, scene)
    top_level = {key.split("/", 1)[0] for key in manifest_of(scene["out"])["outputs"]}
    assert renames == 2 * (len(top_level) + 2)  # out and in: every output, manifest, sidecar
    before = tree(scene["root"])
    for k in range(renames):
        monkeypatch.setattr(run_folder, "_rename", fail_at(k))
        code, _, err = vbr_run(vbr, scene)
        assert code == 2, (k, err)
        assert "cannot move the outputs into place" in err
        assert "the previous outputs are as they were" in err
        assert tree(scene["root"]) == before, k
        assert not temporaries(scene["out"], scene["project"]), k
    monkeypatch.setattr(run_folder, "_rename", os.rename)
    code, out, err = vbr("verify", scene["out"])
    assert code == 0, err
    assert "identical: " in out  # vbr verify speaks the run's language


@pytest.mark.slow
def test_a_replacement_cut_short_is_undone_by_the_next_run(vbr, scene, monkeypatch):
    """As after SIGKILL at the k-th rename: the temporary folder holds half of each run; the
    next run puts the previous one back before it starts."""
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    renames = count_renames(monkeypatch, vbr, scene)
    before = tree(scene["root"])
    for k in (1, renames // 2, renames - 1):
        monkeypatch.setattr(run_folder, "_rename", fail_at(k))
        monkeypatch.setattr(run_folder, "_roll_back", lambda *a: False)  # killed: no roll-back
        code, _, err = vbr_run(vbr, scene)
        assert code == 2 and "nor put the previous ones back" in err
        monkeypatch.undo()
        (left,) = temporaries(scene["out"])
        assert not (scene["out"] / SIDECAR).exists()  # the folder does not look complete
        left.rename(left.with_name(f".vbr-tmp-{dead_pid()}-out-killed"))
        assert clean_stale_temporaries(scene["out"])
        assert tree(scene["root"]) == before, k
    code, _, err = vbr_run(vbr, scene, "--budget", "300000")
    assert code == 0, err


@pytest.mark.slow
def test_a_replacement_killed_after_its_last_rename_keeps_the_new_run(vbr, scene, monkeypatch):
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    monkeypatch.setattr(run_folder.RunFolder, "__exit__", lambda *a: None)  # killed: no clean-up
    code, _, err = vbr_run(vbr, scene, "--budget", "300000")
    assert code == 0, err
    monkeypatch.undo()
    after = tree(scene["out"])
    (left,) = temporaries(scene["out"])
    left.rename(left.with_name(f".vbr-tmp-{dead_pid()}-out-killed"))
    assert clean_stale_temporaries(scene["out"])
    assert tree(scene["out"]) == {k: v for k, v in after.items() if ".vbr-tmp" not in k}
    assert manifest_of(scene["out"])["parameters"]["budget_eur"] == 300_000


def test_stale_temporary_folders_of_ended_processes_are_removed(vbr, scene):
    out, project = scene["out"], scene["project"]
    out.mkdir()
    stale_inside = out / f".vbr-tmp-{dead_pid()}-out-abc"
    stale_beside = project / f".vbr-tmp-{dead_pid()}-out-def"
    for stale in (stale_inside, stale_beside):
        (stale / "new").mkdir(parents=True)
        (stale / "new" / "ranking.gpkg").write_bytes(b"\0" * 1000)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = project / f".vbr-tmp-{sleeper.pid}-out-ghi"
        running.mkdir()
        older = project / ".vbr-tmp-out-jkl"  # no process id: not known to be vbr's of now
        older.mkdir()
        code, _, err = vbr_run(vbr, scene)
        assert code == 0, err
        assert not stale_inside.exists() and not stale_beside.exists()
        assert running.is_dir() and older.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_writer_that_writes_a_name_off_the_list_is_a_bug(scene, tmp_path):
    def write_stray(context):
        path = context.folder / "stray.txt"
        path.write_text("x", encoding="utf-8")
        return WriteReport(files=(path,))

    options = run_options(
        farms=scene["farms"], natura=scene["natura"], regions=scene["regions"], out=scene["out"]
    )
    with pytest.raises(RuntimeError, match=r"outputs outside vbr's list of names: stray\.txt"):
        run(options, writers=[write_stray])
    assert not scene["out"].exists()


@pytest.mark.slow
@pytest.mark.parametrize("extra", [(), ("--public",), ("--scenarios",)])
def test_certain_outputs_are_written_and_on_the_list(vbr, scene, extra):
    code, _, err = vbr_run(vbr, scene, *extra)
    assert code == 0, err
    written = {p.name for p in scene["out"].iterdir()}
    options = run_options(
        farms=scene["farms"], natura=scene["natura"], out=scene["out"],
        public="--public" in extra, scenarios="--scenarios" in extra,
    )  # fmt: skip
    assert certain_outputs(options) <= written
    assert written - OUTPUT_NAMES == {"regiona", "peel"}


# --- stopping: SIGTERM and SIGKILL ---------------------------------------------------------------


def test_a_stop_request_waits_for_the_end_of_a_replacement():
    with stop_cleanly():
        reached = False
        with pytest.raises(Terminated), deferred_termination():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            reached = True  # the request waited for the end of the block
        assert reached
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def start_default_run(out: Path) -> subprocess.Popen:
    """``vbr run --out OUT`` on the embedded 25,000 farms, as a separate process."""
    return subprocess.Popen(
        [sys.executable, "-m", "vbr.cli", "run", "--out", str(out), "--quiet"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_writing(process: subprocess.Popen, out: Path, *, timeout_s: float = 120) -> None:
    """Wait until ``process`` writes its outputs (its temporary folder is there), and a bit."""
    prefix = f".vbr-tmp-{process.pid}-"
    deadline = time.monotonic() + timeout_s
    while not any(p.name.startswith(prefix) for p in temporaries(out)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run did not start writing"
        time.sleep(0.05)
    time.sleep(0.5)


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_a_run_stopped_while_writing_leaves_the_previous_outputs(vbr, scene, stop):
    """SIGTERM: the run removes its temporary folder and exits 143. SIGKILL cannot be caught:
    the folder stays until the next run into --out removes it."""
    code, _, err = vbr_run(vbr, scene)
    assert code == 0, err
    before = tree(scene["root"])
    process = start_default_run(scene["out"])
    try:
        wait_for_writing(process, scene["out"])
        process.send_signal(stop)
        _, err = process.communicate(timeout=120)
    finally:
        process.kill()
    if stop == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM, err
        assert "gestopt door SIGTERM; tijdelijke bestanden verwijderd" in err  # Dutch run
        assert "Traceback" not in err
    else:
        assert process.returncode == -signal.SIGKILL
        assert temporaries(scene["out"])
        assert clean_stale_temporaries(scene["out"])
    assert not temporaries(scene["out"], scene["project"])
    assert tree(scene["root"]) == before
    code, stdout, err = vbr("verify", scene["out"])
    assert code == 0, err
    assert "identical: " in stdout
