"""Profile one ranking (the ``ranking`` worker of run.py) with pyinstrument.

    .venv/bin/python benchmarks/profile.py [--size 45000] [--kind ranking|run]

Writes the call tree to stdout and an HTML report to benchmarks/.work/profile-<kind>-<size>.html.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# scenarios beside this script; tools/ (the default-data generator, not installed) one level up
sys.path[:0] = [str(HERE), str(HERE.parent)]


def main() -> int:
    from pyinstrument import Profiler

    import run as bench
    from scenarios import farms_file, natura_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=45_000)
    parser.add_argument("--kind", choices=("ranking", "run"), default="ranking")
    parser.add_argument("--natura", default="auto")
    args = parser.parse_args()
    work = HERE / ".work"
    natura, _ = natura_file(work, source=args.natura)
    farms = farms_file(work, args.size, natura)
    worker_args = argparse.Namespace(
        farms=str(farms), natura_path=str(natura), out=str(work / "profile-out"), save=None
    )
    profiler = Profiler(interval=0.002)
    profiler.start()
    bench.WORKERS[args.kind](worker_args)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    html = work / f"profile-{args.kind}-{args.size}.html"
    html.write_text(profiler.output_html())
    print(f"HTML report: {html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
