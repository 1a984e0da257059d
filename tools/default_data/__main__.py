"""Command line: ``python -m tools.default_data --out data`` regenerates the default data."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tools.default_data.generate import DEFAULT_SEED, generate_default_data

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Parse the options, write the files, print what was written; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.default_data",
        description="Regenerate the embedded synthetic default data of vbr (byte for byte with "
        "the same seed).",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("data"), help="folder to write to (default: data)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = generate_default_data(args.out, seed=args.seed)
    for p in paths:
        print(f"wrote {p}")
    print(f"generated in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
