"""The benchmark script runs, prints its table, and its exactness check can fail."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "run.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("vbr_bench_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "300", "--repeat", "1", "--natura", "default",
         "--work", str(tmp_path / "work"), "--json", str(tmp_path / "bench.json"), *extra],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_benchmark_runs_a_tiny_size_and_prints_the_table(tmp_path: Path) -> None:
    done = _run(tmp_path, "--repeat", "2")
    assert done.returncode == 0, done.stderr
    assert "| 300 |" in done.stdout
    assert "Whole `vbr run`" in done.stdout
    result = json.loads((tmp_path / "bench.json").read_text())["results"][0]
    ranking = result["ranking"]
    assert ranking["farms_read"] == 300
    assert ranking["ranked"] + ranking["rejected"] == 300
    # the naive run measured every ranked farm, and both agree
    assert result["exact"]["checked"] == ranking["ranked"]
    assert result["exact"]["ok"] and result["exact"]["max_diff_m"] <= 0.01
    assert result["naive"]["sampled"] is False
    # measured in two parts, one before each whole run, which together cover every farm once
    assert result["naive"]["parts"] == 2 and result["naive"]["measured"] == ranking["ranked"]
    assert {"write_ranking_csv", "write_xlsx", "write_gpkg"} <= set(result["run"]["stages"])
    # a first whole run with the strip not cached, then the measured ones with it cached
    assert result["run"]["cold_process_s"] > 0
    assert "strip not cached" in done.stdout and "naive / process" in done.stdout
    assert result["ranking"]["peak_mb"] > 50


@pytest.mark.slow
def test_benchmark_fails_when_a_distance_is_off_by_two_centimetres(tmp_path: Path) -> None:
    done = _run(tmp_path, "--perturb-m", "0.02", "--full-max", "0")
    assert done.returncode == 1
    assert "EXACTNESS CHECK FAILED at 300 farms" in done.stdout
    exact = json.loads((tmp_path / "bench.json").read_text())["results"][0]["exact"]
    assert exact["distance_mismatches"] == 1 and not exact["ok"]


def test_exactness_check_counts_each_kind_of_disagreement() -> None:
    check = _bench_module().check_exactness
    fast_d = np.array([0.0, 999.995, 1500.0, 20.0, 7.0])
    fast_n = np.array([57, 57, 3, 12, 12])
    rows = np.array([0, 1, 2, 3])
    same = check(fast_d, fast_n, rows, fast_d[rows], fast_n[rows], threshold_m=1000)
    assert same["ok"] and same["checked"] == 4 and same["max_diff_m"] == 0
    # 1000.004 instead of 999.995: within 0.01 m, but the flag flips
    flipped = check(
        fast_d, fast_n, rows, [0.0, 1000.004, 1500.0, 20.0], fast_n[rows], threshold_m=1000
    )
    assert not flipped["ok"] and flipped["flag_mismatches"] == 1
    assert flipped["distance_mismatches"] == 0
    off = check(fast_d, fast_n, rows, [0.0, 999.995, 1500.02, 20.0], fast_n[rows], threshold_m=1000)
    assert not off["ok"] and off["distance_mismatches"] == 1 and off["flag_mismatches"] == 0
    other = check(fast_d, fast_n, rows, fast_d[rows], [57, 57, 3, 13], threshold_m=1000)
    assert not other["ok"] and other["nearest_mismatches"] == 1
    missing = check(
        np.array([np.nan, 1.0]), np.array([1, 1]), np.array([0]), [5.0], [1], threshold_m=1000
    )
    assert not missing["ok"]
