"""Benchmark of `vbr`: generate scenarios, time every stage, compare with two references.

Usage (from the repository root; ``make bench`` runs the default)::

    .venv/bin/python benchmarks/run.py                     # 10k, 45k, 200k, 1M farms, 3 repeats
    .venv/bin/python benchmarks/run.py --quick             # 10k and 45k, 1 repeat, sampled naive
    .venv/bin/python benchmarks/run.py --sizes 45000 --repeat 5

For every size it runs, each in its own process (so that peak memory is that process's own):

- ``ranking``: what a ranking needs: read farms, Natura 2000 and regions, exact distances, rank,
  assign regions, walk the budgets, write ``ranking.csv`` and ``rejected.csv`` (``--repeat``
  times; the median is shown);
- ``run``: the whole ``vbr run`` with every output (and the maps when ``vbr.maps`` is importable),
  as one process from interpreter start (``--repeat`` times, sizes up to ``--full-max``);
- ``floor``: read the inputs (pandas / pyogrio), one sort, write ``ranking.csv``; nothing else;
- ``naive``: the distance stage done the naive way (GeoPandas ``distance`` against every overloaded
  polygon, one polygon at a time, the minimum), on every farm or on a seeded sample
  (``--naive-sample``; its time is then scaled up to all farms and marked ``~``). Where whole
  runs are measured, it runs in as many parts as there are whole runs (every n-th farm), one
  part just before each whole run, and the parts' times add up: the ratio of the two is then
  measured across the same minutes of a machine whose speed drifts, as ranking and floor are
  (they run in turns).

It then checks exactness: on every farm the naive run measured, the fast path and the naive one
must agree on the priority flag, on the distance to 0.01 m and on the nearest area. A failed check
makes the command exit 1.

Times are wall-clock seconds measured inside the process after imports; "as processes" and
"process" are whole processes as a user sees them (interpreter start and imports included).
Peak memory is the process's maximum resident set size (``ru_maxrss`` from ``os.wait4``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# scenarios beside this script; tools/ (the default-data generator, not installed) one level up
sys.path[:0] = [str(HERE), str(HERE.parent)]

DEFAULT_SIZES = (10_000, 45_000, 200_000, 1_000_000)
TOLERANCE_M = 0.01


# --------------------------------------------------------------------------------------------------
# Workers (run in a child process; print one JSON line)
# --------------------------------------------------------------------------------------------------


def _options(args: argparse.Namespace):
    """``vbr run`` on the scenario's farms and Natura 2000 (default regions and configuration)."""
    from dataclasses import replace

    from vbr.settings import default_options

    return replace(
        default_options(Path(args.out)), farms=Path(args.farms), natura=Path(args.natura_path)
    )


def _core_stages(timings: dict) -> dict:
    """The stages both the ranking and the whole run report, taken out of ``timings``."""
    return {
        "load": timings.pop("load_farms")
        + timings.pop("load_natura")
        + timings.pop("load_regions"),
        "distance": timings.pop("distance"),
        "rank": timings.pop("rank") + timings.pop("regions"),
        "allocate": timings.pop("allocate"),
    }


def _worker_ranking(args: argparse.Namespace) -> dict:
    import numpy as np

    from vbr.pipeline import compute
    from vbr.writers.lists import write_csv
    from vbr.writers.tables import ranking_table

    options = _options(args)
    t0 = time.perf_counter()
    result = compute(options)
    t1 = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table = ranking_table(result.ranked, result.carried_table(), with_budget=result.with_budget)
    write_csv(table, out / "ranking.csv")
    write_csv(result.rejected, out / "rejected.csv")
    t2 = time.perf_counter()
    stages = {**_core_stages(dict(result.timings)), "write_csv": t2 - t1, "ranking": t2 - t0}
    if args.save:
        ranked = result.ranked
        n = result.n_read
        distance = np.full(n, np.nan)
        nearest = np.full(n, -1, dtype="int64")
        rows = ranked["row"].to_numpy()
        distance[rows] = ranked["distance_m"].to_numpy()
        nearest[rows] = ranked["nearest_n2000"].to_numpy()
        np.save(Path(args.save) / "fast_distance.npy", distance)
        np.save(Path(args.save) / "fast_nearest.npy", nearest)
    return {
        "stages": stages,
        "farms_read": result.n_read,
        "ranked": len(result.ranked),
        "rejected": len(result.rejected),
        "priority": int(result.ranked["priority"].sum()),
        "threshold_m": options.config.threshold_m,
    }


def _worker_run(args: argparse.Namespace) -> dict:
    from vbr.writing import run

    options = _options(args)
    t0 = time.perf_counter()
    written = run(options)
    total = time.perf_counter() - t0
    timings = dict(written.result.timings)
    stages = _core_stages(timings)
    stages.update(timings)
    # write_lists, write_workbook, write_geopackage, write_maps, write_manifest
    stages.update({f"write_{k}": v for k, v in written.timings.items()})
    stages["run"] = total
    return {"stages": stages, "maps": True}


def _worker_floor(args: argparse.Namespace) -> dict:
    import numpy as np
    import pandas as pd
    import pyogrio

    t0 = time.perf_counter()
    farms = pd.read_csv(args.farms, dtype=str, keep_default_na=False)
    natura = pyogrio.read_dataframe(args.natura_path)
    key = (
        pd.to_numeric(farms["subsidy_eur"], errors="coerce").to_numpy()
        / pd.to_numeric(farms["nh3_kg"], errors="coerce").to_numpy()
    )
    order = np.argsort(key, kind="stable")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    farms.iloc[order].to_csv(out / "ranking.csv", index=False, lineterminator="\n")
    total = time.perf_counter() - t0
    return {"stages": {"floor": total}, "areas": len(natura)}


def _worker_naive(args: argparse.Namespace) -> dict:
    import numpy as np

    from vbr import load_natura
    from vbr.io.farms import load_farms

    farm_table = load_farms(Path(args.farms))
    natura = load_natura(Path(args.natura_path))
    farms = farm_table.farms
    rng = np.random.default_rng(20261123)
    n = len(farms)
    sample = args.sample if args.sample and args.sample < n else n
    take = np.sort(rng.choice(n, size=sample, replace=False)) if sample < n else np.arange(n)
    # one part of several (--part k/n): every n-th farm of the sample from the k-th on, so that
    # the parts measured between the whole runs add up to the whole sample
    part, parts = (int(x) for x in (args.part or "0/1").split("/"))
    take = take[part::parts]
    measured = len(take)
    points = farms.geometry.iloc[take]
    over = natura.overloaded.sort_values("nr", kind="stable")
    t0 = time.perf_counter()
    best = np.full(measured, np.inf)
    nearest = np.full(measured, -1, dtype="int64")
    for nr, polygon in zip(over["nr"].to_numpy(), over.geometry.to_numpy(), strict=True):
        d = points.distance(polygon).to_numpy()
        closer = d < best  # areas in nr order: on a tie the lowest nr stays
        best[closer] = d[closer]
        nearest[closer] = nr
    seconds = time.perf_counter() - t0
    rows = farms["row"].to_numpy()[take]
    np.save(Path(args.save) / f"naive_rows{part}.npy", rows)
    np.save(Path(args.save) / f"naive_distance{part}.npy", best)
    np.save(Path(args.save) / f"naive_nearest{part}.npy", nearest)
    return {
        # this part's share of the time for all farms: the parts add up to the whole
        "stages": {"naive_distance": seconds * n / sample},
        "sampled": sample < n,
        "measured": int(measured),
        "farms": int(n),
        "polygons": len(over),
    }


WORKERS = {
    "ranking": _worker_ranking,
    "run": _worker_run,
    "floor": _worker_floor,
    "naive": _worker_naive,
}


# --------------------------------------------------------------------------------------------------
# Exactness
# --------------------------------------------------------------------------------------------------


def check_exactness(
    fast_distance,
    fast_nearest,
    naive_rows,
    naive_distance,
    naive_nearest,
    *,
    threshold_m: float,
    tolerance_m: float = TOLERANCE_M,
) -> dict:
    """Compare the fast path with the naive one on the rows the naive run measured.

    Returns a dict with ``checked``, ``flag_mismatches``, ``distance_mismatches``,
    ``nearest_mismatches``, ``max_diff_m`` and ``ok`` (all mismatch counts zero).
    """
    import numpy as np

    fast_d = np.asarray(fast_distance, dtype=float)[naive_rows]
    fast_n = np.asarray(fast_nearest)[naive_rows]
    naive_d = np.asarray(naive_distance, dtype=float)
    naive_n = np.asarray(naive_nearest)
    diff = np.abs(fast_d - naive_d)
    diff = np.where(np.isnan(diff), np.inf, diff)
    flags = int(((fast_d <= threshold_m) != (naive_d <= threshold_m)).sum())
    distances = int((diff > tolerance_m).sum())
    nearest = int((fast_n != naive_n).sum())
    return {
        "checked": len(naive_rows),
        "flag_mismatches": flags,
        "distance_mismatches": distances,
        "nearest_mismatches": nearest,
        "max_diff_m": float(diff.max()) if len(diff) else 0.0,
        "ok": flags == 0 and distances == 0 and nearest == 0,
    }


# --------------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------------


def _spawn(kind: str, *, env: dict[str, str] | None = None, **kwargs: object) -> dict:
    """Run one worker in a fresh process (with ``env`` added to this one's environment); return
    its JSON plus wall time and peak memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
    for key, value in kwargs.items():
        if value is not None:
            cmd += [f"--{key.replace('_', '-')}", str(value)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"worker {kind} failed ({proc.returncode}):\n{stderr}")
    data = json.loads(stdout.strip().splitlines()[-1])
    data["process_s"] = wall
    # CPU seconds of the process and of the children it waited for (the forked distance workers)
    data["cpu_s"] = usage.ru_utime + usage.ru_stime
    data["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return data


def _median_stages(runs: list[dict]) -> dict:
    keys = runs[0]["stages"].keys()
    return {k: statistics.median(r["stages"][k] for r in runs) for k in keys}


def bench_size(
    n: int,
    *,
    natura: Path,
    work: Path,
    repeat: int,
    naive_sample: int | None,
    full: bool,
    perturb_m: float = 0.0,
    log=print,
) -> dict:
    """Measure one farm count; see the module docstring."""
    import numpy as np

    from scenarios import farms_file

    farms = farms_file(work, n, natura)
    out = {"size": n}
    with tempfile.TemporaryDirectory(prefix=f"vbr-bench-{n}-", dir=work) as tmp:
        tmp = Path(tmp)
        common = {"farms": farms, "natura_path": natura}
        # ranking and floor in turns, so that a machine whose speed drifts (other processes,
        # a shared virtual CPU) slows both alike
        runs, floors = [], []
        for k in range(repeat):
            log(f"  {n:,} farms: ranking and floor {k + 1}/{repeat}")
            runs.append(
                _spawn("ranking", **common, out=tmp / f"ranking{k}", save=tmp if k == 0 else None)
            )
            floors.append(_spawn("floor", **common, out=tmp / f"floor{k}"))
        out["ranking"] = {
            **{k: v for k, v in runs[0].items() if k != "stages"},
            "stages": _median_stages(runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
            "process_s": statistics.median(r["process_s"] for r in runs),
            "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        }
        out["floor"] = {
            "stages": _median_stages(floors),
            "peak_mb": max(r["peak_mb"] for r in floors),
            "process_s": statistics.median(r["process_s"] for r in floors),
            "cpu_s": statistics.median(r["cpu_s"] for r in floors),
        }
        sampled = f" (sample of {naive_sample:,})" if naive_sample else ""
        # With whole runs, the naive distance is measured in as many parts as there are whole
        # runs, one part before each (below), so that both are measured across the same
        # minutes of a machine whose speed drifts; without them, in one go here.
        naive_parts: list[dict] = []

        def naive_part(k: int, parts: int) -> None:
            log(f"  {n:,} farms: naive{sampled}, part {k + 1}/{parts}")
            naive_parts.append(
                _spawn("naive", **common, save=tmp, sample=naive_sample, part=f"{k}/{parts}")
            )

        if not full:
            naive_part(0, 1)
        else:
            # the priority strip, the repaired outlines and the display outlines are kept in a
            # cache folder (vbr.cache): one run with it empty, as a first run on a Natura 2000
            # file is, then the measured runs, as every later run on the same areas is
            cache = {"VBR_CACHE_DIR": str(tmp / "geometry-cache")}
            log(f"  {n:,} farms: whole vbr run, the cache folder empty")
            cold = _spawn("run", env=cache, **common, out=tmp / "run-cold")
            fulls = []
            for k in range(repeat):
                naive_part(k, repeat)
                log(f"  {n:,} farms: whole vbr run {k + 1}/{repeat}")
                fulls.append(_spawn("run", env=cache, **common, out=tmp / f"run{k}"))
            out["run"] = {
                "stages": _median_stages(fulls),
                "process_s": statistics.median(r["process_s"] for r in fulls),
                "cold_process_s": cold["process_s"],
                "cpu_s": statistics.median(r["cpu_s"] for r in fulls),
                "peak_mb": max(r["peak_mb"] for r in [cold, *fulls]),
                "maps": fulls[0]["maps"],
            }
        out["naive"] = {
            **{k: v for k, v in naive_parts[0].items() if k not in ("stages", "measured")},
            "stages": {"naive_distance": sum(p["stages"]["naive_distance"] for p in naive_parts)},
            "measured": sum(p["measured"] for p in naive_parts),
            "parts": len(naive_parts),
        }
        fast_distance = np.load(tmp / "fast_distance.npy")
        naive_rows, naive_distance, naive_nearest = (
            np.concatenate([np.load(tmp / f"{name}{k}.npy") for k in range(len(naive_parts))])
            for name in ("naive_rows", "naive_distance", "naive_nearest")
        )
        if perturb_m:
            # self-test of the check: move one measured farm by perturb_m
            fast_distance[naive_rows[len(naive_rows) // 2]] += perturb_m
        out["exact"] = check_exactness(
            fast_distance,
            np.load(tmp / "fast_nearest.npy"),
            naive_rows,
            naive_distance,
            naive_nearest,
            threshold_m=runs[0]["threshold_m"],
        )
    return out


def _fmt_s(v: float | None, approx: bool = False) -> str:
    if v is None:
        return "-"
    text = f"{v:.2f}" if v < 100 else f"{v:.0f}"
    return ("~" if approx else "") + text


def format_tables(results: list[dict]) -> str:
    """Markdown tables of the results (ranking with references; whole runs)."""
    lines = [
        "Ranking (ranking.csv + rejected.csv) against the floor and the naive approach; seconds, "
        "median of the repeats; ~ = naive measured on a sample and scaled to all farms",
        "",
        "| farms | load | distance | rank | allocate | write csv | **ranking** | floor | "
        "ranking/floor | as processes | naive | naive/ranking | exact (checked, max diff) "
        "| peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|",
    ]
    for r in results:
        s = r["ranking"]["stages"]
        floor = r["floor"]["stages"]["floor"]
        naive = r["naive"]
        naive_total = s["ranking"] - s["distance"] + naive["stages"]["naive_distance"]
        ex = r["exact"]
        verdict = "yes" if ex["ok"] else "**NO**"
        lines.append(
            f"| {r['size']:,} | {_fmt_s(s['load'])} | {_fmt_s(s['distance'])} | {_fmt_s(s['rank'])}"
            f" | {_fmt_s(s['allocate'])} | {_fmt_s(s['write_csv'])} | **{_fmt_s(s['ranking'])}**"
            f" | {_fmt_s(floor)} | {s['ranking'] / floor:.1f}x"
            f" | {_processes(r)}"
            f" | {_fmt_s(naive_total, naive['sampled'])} | {naive_total / s['ranking']:.0f}x"
            f" | {verdict} ({ex['checked']:,}, {ex['max_diff_m']:.3f} m) "
            f"| {r['ranking']['peak_mb']:,.0f} |"
        )
    fulls = [r for r in results if "run" in r]
    if fulls:
        keys: list[str] = []
        for r in fulls:
            for k in r["run"]["stages"]:
                if k.startswith("write_") and k not in keys:
                    keys.append(k)
        lines += [
            "",
            "Whole `vbr run` with every output"
            + (" and the maps" if any(r["run"]["maps"] for r in fulls) else " (vbr.maps absent)")
            + "; seconds, median",
            "",
            "| farms | load | distance | rank | allocate | "
            + " | ".join(k.removeprefix("write_") for k in keys)
            + " | in process | **process** | strip not cached | naive / process | peak MB |",
            "|---:|" + "---:|" * (len(keys) + 9),
        ]
        for r in fulls:
            s = r["run"]["stages"]
            naive_total = r["naive"]["stages"]["naive_distance"]
            process = r["run"]["process_s"]
            lines.append(
                f"| {r['size']:,} | {_fmt_s(s['load'])} | {_fmt_s(s['distance'])} "
                f"| {_fmt_s(s['rank'])} | {_fmt_s(s['allocate'])} | "
                + " | ".join(_fmt_s(s.get(k)) for k in keys)
                + f" | {_fmt_s(s['run'])} | **{_fmt_s(process)}** "
                f"| {_fmt_s(r['run'].get('cold_process_s'))} | {naive_total / process:.0f}x "
                f"| {r['run']['peak_mb']:,.0f} |"
            )
    return "\n".join(lines)


def _processes(r: dict) -> str:
    """Ranking and floor as whole processes (interpreter start and imports included): wall
    time, and CPU time (children included) where measured."""
    ranking, floor = r["ranking"].get("process_s"), r["floor"].get("process_s")
    if not (ranking and floor):
        return "-"
    text = f"{ranking:.2f} / {floor:.2f} s = {ranking / floor:.1f}x"
    cpu, cpu_floor = r["ranking"].get("cpu_s"), r["floor"].get("cpu_s")
    if cpu and cpu_floor:
        text += f"; CPU {cpu:.2f} / {cpu_floor:.2f} s = {cpu / cpu_floor:.1f}x"
    return text


def _machine() -> str:
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores, {mem:.0f} GB, Python {platform.python_version()}, "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="farm counts, comma separated (default 10k,45k,200k,1M)")
    parser.add_argument("--repeat", type=int, help="runs per measurement (default 3)")
    parser.add_argument("--quick", action="store_true", help="10k and 45k, 1 repeat, naive sample")
    parser.add_argument(
        "--natura",
        choices=("auto", "real", "synthetic", "default"),
        default="auto",
        help="Natura 2000 outlines: real (shared real data), synthetic, default (embedded, for "
        "self-tests), auto (real when present)",
    )
    parser.add_argument(
        "--naive-sample",
        type=int,
        help="farms the naive approach measures (default: all up to 45,000, else 20,000)",
    )
    parser.add_argument(
        "--full-max",
        type=int,
        default=200_000,
        help="largest size measured with the whole `vbr run` (default 200,000)",
    )
    parser.add_argument("--work", type=Path, help="scenario cache (default benchmarks/.work)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--from-json", type=Path, help="print the tables of a saved --json run")
    parser.add_argument("--perturb-m", type=float, default=0.0, help=argparse.SUPPRESS)
    # worker mode (internal)
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    for name in ("farms", "natura-path", "out", "save"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--part", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        if args.worker in ("ranking", "run"):
            # start as the command line does (vbr.cli.entry): numpy's BLAS on one thread
            from vbr.cli import limit_blas_threads

            limit_blas_threads()
        print(json.dumps(WORKERS[args.worker](args)), flush=True)
        # leave as the command line does (vbr.cli.entry): without the interpreter's teardown
        os._exit(0)

    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        print(f"vbr benchmark ({args.from_json.name}), {saved['machine']}")
        print(format_tables(saved["results"]))
        return 0
    from scenarios import describe_natura, natura_file

    sizes = (
        [int(float(s)) for s in args.sizes.replace("k", "e3").replace("M", "e6").split(",")]
        if args.sizes
        else ([10_000, 45_000] if args.quick else list(DEFAULT_SIZES))
    )
    repeat = args.repeat or (1 if args.quick else 3)
    work = args.work or HERE / ".work"
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    log(f"machine: {_machine()}")
    natura, what = natura_file(work, source=args.natura)
    facts = describe_natura(natura)
    log(f"Natura 2000: {what}: {facts}")
    results = []
    for n in sizes:
        sample = args.naive_sample
        if sample is None:
            sample = 2_000 if args.quick else (None if n <= 45_000 else 20_000)
        results.append(
            bench_size(
                n,
                natura=natura,
                work=work,
                repeat=repeat,
                naive_sample=sample,
                full=n <= args.full_max,
                perturb_m=args.perturb_m,
                log=log,
            )
        )
    print(f"vbr benchmark, {time.strftime('%Y-%m-%d')}, {_machine()}")
    print(
        f"Natura 2000: {what}, {facts['areas']} areas ({facts['overloaded']} overloaded), "
        f"{facts['vertices']:,} vertices, {facts['parts']:,} parts, {facts['holes']:,} holes"
    )
    print()
    print(format_tables(results))
    bad = [r for r in results if not r["exact"]["ok"]]
    for r in bad:
        print(f"EXACTNESS CHECK FAILED at {r['size']:,} farms: {r['exact']}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": _machine(), "natura": {"what": what, **facts}, "results": results},
                indent=2,
            )
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
