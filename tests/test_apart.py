"""A writer run apart (a forked process of its own, beside the writers after it): the same files
and notes as run in order, its notes in index.html and the manifest in writer order, its error
raised as without a child, and no child left behind when the run fails elsewhere."""

from __future__ import annotations

import json
import os

import pytest

from conftest import X0, Y0, square, write_csv, write_natura
from vbr import compute, run_options, write_result
from vbr.errors import OutputError
from vbr.model import WriteReport
from vbr.writers.apart import runs_apart


@pytest.fixture(scope="module")
def small_result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("apart")
    natura = write_natura(folder / "n2k.geojson", [(57, "Veluwe", square(X0, Y0, 1000), True)])
    farms = write_csv(
        folder / "farms.csv",
        ["farm_id", "x", "y", "nh3_kg", "subsidy_eur"],
        [[f"f{i}", X0 + 300 * i, Y0 + 1100, 1000 + i, 100_000 * (i + 1)] for i in range(6)],
    )
    return compute(run_options(farms=farms, natura=natura, out=folder / "unused"))


@runs_apart
def write_apart(context):
    """Writes its process id into ranking.xlsx and says so in a note."""
    path = context.folder / "ranking.xlsx"
    path.write_text(f"{os.getpid()} saw {len(context.notes)} notes", encoding="utf-8")
    return WriteReport(files=(path,), notes=("note of the writer apart",))


def write_lists_like(context):
    path = context.folder / "ranking.csv"
    path.write_text(str(os.getpid()), encoding="utf-8")
    return WriteReport(files=(path,), notes=("note of the first writer",))


def write_index_like(context):
    """Like the maps: writes index.html last, with every note so far."""
    path = context.folder / "index.html"
    path.write_text("\n".join(context.notes_at_end()), encoding="utf-8")
    return WriteReport(files=(path,), notes=("note of the last writer",))


WRITERS = [write_lists_like, write_apart, write_index_like]


def test_a_writer_apart_starts_first_in_a_child_and_its_notes_keep_their_place(
    small_result, tmp_path
):
    said = []
    written = write_result(small_result, tmp_path / "out", writers=WRITERS, progress=said.append)
    # started before the writers that run here, so that its process works beside them
    assert [m.values.get("name") for m in said[:3]] == ["apart", "lists like", "index like"]
    out = tmp_path / "out"
    pid, _, seen = (out / "ranking.xlsx").read_text().partition(" saw ")
    if os.cpu_count() and os.cpu_count() > 1:
        assert int(pid) != os.getpid()  # written by another process ...
    assert (out / "ranking.csv").read_text() == str(os.getpid())
    mine = ["note of the first writer", "note of the writer apart", "note of the last writer"]
    notes = list(small_result.notes)
    assert list(written.notes) == [*notes, *mine]  # ... its notes where it stands in order
    assert json.loads((out / "manifest.json").read_text())["notes"] == [*notes, *mine]
    assert (out / "index.html").read_text().splitlines() == [*notes, *mine[:2]]
    assert seen == f"{len(notes)} notes"  # it saw the run's notes, not those written after


def test_a_writer_apart_that_starts_first_starts_before_the_others_and_keeps_its_place(
    small_result, tmp_path
):
    settled = []

    def settle_long(context):
        settled.append("long")

    def settle_short(context):
        settled.append("short")

    @runs_apart(settle=settle_long)
    def write_late(context):
        path = context.folder / "ranking.xlsx"
        path.write_text("late", encoding="utf-8")
        return WriteReport(files=(path,), notes=("note of the late writer",))

    @runs_apart(settle=settle_short, starts_first=True)
    def write_early(context):
        path = context.folder / "ranking.gpkg"
        path.write_text("early", encoding="utf-8")
        return WriteReport(files=(path,), notes=("note of the early writer",))

    said = []
    written = write_result(
        small_result,
        tmp_path / "out",
        writers=[write_lists_like, write_late, write_early, write_index_like],
        progress=said.append,
    )
    assert [m.values.get("name") for m in said[:4]] == [
        "early",
        "late",
        "lists like",
        "index like",
    ]
    if len(os.sched_getaffinity(0)) > 1:
        assert settled == ["short", "long"]
    mine = [
        "note of the first writer",
        "note of the late writer",
        "note of the early writer",
        "note of the last writer",
    ]
    assert list(written.notes) == [*small_result.notes, *mine]  # in writer order still
    assert [f for f in written.files if f.startswith("ranking")] == [
        "ranking.csv",
        "ranking.xlsx",
        "ranking.gpkg",
    ]


def test_without_fork_the_same_run_writes_the_same(small_result, tmp_path, monkeypatch):
    apart = write_result(small_result, tmp_path / "a", writers=WRITERS)
    monkeypatch.setenv("VBR_WRITERS_APART", "0")
    here = write_result(small_result, tmp_path / "b", writers=WRITERS)
    assert (tmp_path / "b" / "ranking.xlsx").read_text().startswith(f"{os.getpid()} saw")
    assert apart.notes == here.notes
    assert (tmp_path / "a" / "index.html").read_text() == (
        tmp_path / "b" / "index.html"
    ).read_text()


def test_a_failing_writer_apart_raises_its_own_error_here(small_result, tmp_path):
    @runs_apart
    def write_failing(context):
        raise OutputError("cannot write ranking.xlsx: disk full", source="ranking.xlsx")

    with pytest.raises(OutputError, match="disk full"):
        write_result(small_result, tmp_path / "out", writers=[write_lists_like, write_failing])
    assert not (tmp_path / "out").exists()


def test_a_run_that_fails_after_a_writer_apart_leaves_no_child(small_result, tmp_path):
    import time

    pid_file = tmp_path / "child.pid"

    @runs_apart
    def write_slow(context):
        pid_file.write_text(str(os.getpid()))
        time.sleep(30)
        return WriteReport()

    def write_broken(context):
        for _ in range(200):  # until the child has started
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.05)
        raise RuntimeError("a later writer fails")

    if not (os.cpu_count() and os.cpu_count() > 1):
        pytest.skip("one core: writers run in order, there is no child")
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="a later writer fails"):
        write_result(small_result, tmp_path / "out", writers=[write_slow, write_broken])
    assert time.perf_counter() - t0 < 20  # the child was not waited for
    with pytest.raises(ProcessLookupError):  # stopped and reaped (a zombie could be signalled)
        os.kill(int(pid_file.read_text()), 0)
    assert not (tmp_path / "out").exists()


def test_what_a_writer_apart_settles_is_settled_here_before_the_child_starts(
    small_result, tmp_path
):
    settled = []

    def settle(context):
        settled.append(os.getpid())

    @runs_apart(settle=settle)
    def write_settled(context):
        path = context.folder / "ranking.xlsx"
        path.write_text(f"{os.getpid()} {len(settled)}", encoding="utf-8")
        return WriteReport(files=(path,))

    write_result(small_result, tmp_path / "out", writers=[write_lists_like, write_settled])
    pid, count = (tmp_path / "out" / "ranking.xlsx").read_text().split()
    if len(os.sched_getaffinity(0)) > 1:
        assert settled == [os.getpid()]  # here, once
        assert count == "1"  # and the writer, in its child, saw it done
        assert int(pid) != os.getpid()
    else:  # one core: no child, nothing to settle
        assert int(pid) == os.getpid()


@pytest.mark.slow
def test_the_default_writers_write_the_same_bytes_apart_and_in_order(
    small_result, tmp_path, monkeypatch
):
    import datetime as dt

    from vbr.writing import default_writers

    writers = default_writers(small_result.options)
    # the lists, the workbook and the GeoPackage run apart (the GeoPackage, which reads none of
    # the lists' text, starts first); the maps here, in order
    assert [getattr(w, "runs_apart", False) for w in writers] == [True, True, True, False]
    assert [getattr(w, "starts_first", False) for w in writers] == [False, False, True, False]
    created = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    apart = write_result(small_result, tmp_path / "a", writers=writers, created=created)
    monkeypatch.setenv("VBR_WRITERS_APART", "0")
    here = write_result(small_result, tmp_path / "b", writers=writers, created=created)
    assert apart.files == here.files and apart.notes == here.notes
    assert {"ranking.csv", "ranking.xlsx", "ranking.gpkg", "index.html"} <= set(apart.files)
    for name in apart.files:
        a, b = (tmp_path / side / name for side in "ab")
        if a.is_file() and name not in ("manifest.json", "manifest.sha256"):
            assert a.read_bytes() == b.read_bytes(), name
