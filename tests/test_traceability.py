"""Every list traced to its code (issue 20 point 5): the manifest and ``vbr --version`` record the
version, the git commit (and uncommitted changes) and one sha256 over the package's files."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from vbr._version import (
    PACKAGE_DIR,
    __version__,
    code_identity,
    git_revision,
    source_sha256,
    version_text,
)


@pytest.fixture
def package_copy(tmp_path) -> Path:
    """A copy of the installed package's files (without bytecode caches)."""
    copy = tmp_path / "vbr"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def test_the_source_hash_changes_when_a_source_file_changes(package_copy):
    before = source_sha256(package_copy)
    assert before == source_sha256(PACKAGE_DIR)  # the copy is the same code
    ranking = package_copy / "core" / "ranking.py"
    ranking.write_text(ranking.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = source_sha256(package_copy)
    assert changed != before
    (package_copy / "extra.toml").write_text("", encoding="utf-8")
    assert source_sha256(package_copy) not in (before, changed)


def test_bytecode_caches_are_not_source(package_copy):
    before = source_sha256(package_copy)
    (package_copy / "__pycache__").mkdir()
    (package_copy / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"\0")
    assert source_sha256(package_copy) == before


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program")
def test_git_commit_and_uncommitted_changes_of_a_checkout(tmp_path):
    repo = tmp_path / "repo"
    package = repo / "src" / "vbr"
    package.mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n", encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert git_revision(package) == {"commit": head, "dirty": False}
    (package / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert git_revision(package) == {"commit": head, "dirty": True}
    # packed refs (after git gc / a clone) are read too
    _git(repo, "checkout", "-q", "--", "src/vbr/a.py")
    _git(repo, "pack-refs", "--all")
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    assert git_revision(package)["commit"] == head


def test_a_worktree_checkout_is_followed_to_its_commit(tmp_path):
    """A ``.git`` file (``git worktree``) points to the worktree's folder; refs live in the
    common folder."""
    common = tmp_path / "main.git"
    (common / "worktrees" / "wt").mkdir(parents=True)
    (common / "refs" / "heads").mkdir(parents=True)
    (common / "refs" / "heads" / "feature").write_text("ab" * 20 + "\n", encoding="utf-8")
    wt_git = common / "worktrees" / "wt"
    (wt_git / "HEAD").write_text("ref: refs/heads/feature\n", encoding="utf-8")
    (wt_git / "commondir").write_text("../..\n", encoding="utf-8")
    checkout = tmp_path / "wt"
    (checkout / "src" / "vbr").mkdir(parents=True)
    (checkout / ".git").write_text(f"gitdir: {wt_git}\n", encoding="utf-8")
    assert git_revision(checkout / "src" / "vbr")["commit"] == "ab" * 20


def test_no_checkout_gives_no_commit(tmp_path):
    folder = tmp_path / "site-packages" / "vbr"
    folder.mkdir(parents=True)
    assert git_revision(folder) == {"commit": None, "dirty": None}


def test_manifest_and_version_option_record_the_same_code(vbr, tmp_path, one_area, no_regions):
    farms = tmp_path / "farms.csv"
    farms.write_text("farm_id,x,y,nh3_kg,subsidy_eur\nf1,180500,459500,100,1000\n")
    out = tmp_path / "out"
    code, _, err = vbr(
        "run", "--farms", farms, "--natura", one_area, "--regions", no_regions, "--out", out,
        "--quiet",
    )  # fmt: skip
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    identity = code_identity()
    assert manifest["version"] == __version__ == "0.3.0"
    assert manifest["code"] == identity
    assert manifest["code"]["source_sha256"] == source_sha256()
    code, printed, _ = vbr("--version")
    assert code == 0
    assert printed.strip() == version_text()
    assert identity["source_sha256"] in printed
    if identity["commit"]:
        assert identity["commit"] in printed


@pytest.mark.slow
def test_verify_names_a_run_made_by_other_code(vbr, tmp_path, one_area, no_regions):
    farms = tmp_path / "farms.csv"
    farms.write_text("farm_id,x,y,nh3_kg,subsidy_eur\nf1,180500,459500,100,1000\n")
    out = tmp_path / "out"
    args = ("--natura", one_area, "--regions", no_regions, "--out", out, "--quiet")
    assert vbr("run", "--farms", farms, *args)[0] == 0
    code, printed, _ = vbr("verify", out)
    assert code == 0 and "andere code" not in printed  # the run is Dutch
    path = out / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["code"] = {**manifest["code"], "source_sha256": "0" * 64, "commit": "c" * 40}
    path.write_text(json.dumps(manifest), encoding="utf-8")
    # as the other code would have written it: with the manifest's own sha256 beside it
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / "manifest.sha256").write_text(f"{digest}  manifest.json\n", encoding="utf-8")
    code, printed, _ = vbr("verify", out)
    assert code == 0
    assert "de run is gemaakt met andere code" in printed
    assert "git checkout " + "c" * 40 + " geeft de code van de run" in printed


def test_the_digests_of_many_files_come_in_their_order_whatever_thread_made_them(tmp_path):
    from vbr.digest import sha256_of_each

    sizes = [0, 1, 5_000_000, 3, 70_000, 2_000_000, 17]
    paths = []
    for k, size in enumerate(sizes):
        path = tmp_path / f"file{k}.bin"
        path.write_bytes(bytes([k]) * size)
        paths.append(path)
    expected = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert sha256_of_each(paths) == expected
    assert sha256_of_each(paths, max_threads=1) == expected
    assert sha256_of_each([]) == []
