"""Our workbook writer against XlsxWriter (``constant_memory``) on the same national sheet.
Prints figures; asserts nothing (issue 18, point 4: keep our own writer only while it is the
faster for the same cells).

    .venv/bin/python benchmarks/xlsx_writers.py [--size 45000] [--repeat 3]

Computes the ranking of the benchmark scenario of ``--size`` farms (``benchmarks/.work``), takes
its national list as text (``ranking_table``, what ``ranking.xlsx``'s national sheet holds), and
writes that one sheet with both writers in turns: numbers as numbers in the lists' number
formats, ``priority``/``selected`` as booleans, text as text, header bold, frozen, autofilter.
XlsxWriter is given each cell by type (``write_number``/``write_boolean``/``write_string``),
which is the least it needs to do for the same cells.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def write_with_xlsxwriter(table, path: Path) -> None:
    import xlsxwriter

    from vbr.writers.workbook import BOOLEAN, default_formats

    columns = [str(c) for c in table.columns]
    formats = default_formats(columns)
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    with xlsxwriter.Workbook(path, {**options, "strings_to_urls": False}) as workbook:
        sheet = workbook.add_worksheet("ranking")
        sheet.write_row(0, 0, columns, workbook.add_format({"bold": True, "text_wrap": True}))
        styles = {
            c: workbook.add_format({"num_format": f}) for c, f in formats.items() if f != BOOLEAN
        }
        kinds = [(j, formats.get(c, ""), styles.get(c)) for j, c in enumerate(columns)]
        values = [table[c].tolist() for c in columns]
        for r, row in enumerate(zip(*values, strict=True), start=1):
            for (j, kind, style), v in zip(kinds, row, strict=True):
                if v == "" or v is None:
                    continue
                if kind == BOOLEAN:
                    sheet.write_boolean(r, j, v == "true")
                elif kind:
                    sheet.write_number(r, j, float(v), style)
                else:
                    sheet.write_string(r, j, v)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(table), len(columns) - 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=45_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import run as bench
    from scenarios import farms_file, natura_file
    from vbr.pipeline import compute
    from vbr.writers.tables import ranking_table
    from vbr.writers.workbook import Sheet, write_xlsx

    work = HERE / ".work"
    natura, _ = natura_file(work, source="auto")
    farms = farms_file(work, args.size, natura)
    options = bench._options(
        argparse.Namespace(farms=str(farms), natura_path=str(natura), out=str(work / "xlsx"))
    )
    result = compute(options)
    table = ranking_table(result.ranked, result.carried_table(), with_budget=result.with_budget)
    times: dict[str, list[float]] = {"vbr": [], "xlsxwriter": []}
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = Path(tmp) / "vbr.xlsx", Path(tmp) / "xlsxwriter.xlsx"
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            write_xlsx([Sheet("ranking", table)], ours)
            t1 = time.perf_counter()
            write_with_xlsxwriter(table, theirs)
            times["vbr"].append(t1 - t0)
            times["xlsxwriter"].append(time.perf_counter() - t1)
        sizes = {"vbr": ours.stat().st_size, "xlsxwriter": theirs.stat().st_size}
    print(f"national sheet of {len(table):,} rows x {table.shape[1]} columns, {args.repeat} runs")
    for name, runs in times.items():
        print(
            f"{name:>10}: median {statistics.median(runs):.2f} s "
            f"(min {min(runs):.2f}, max {max(runs):.2f}), file {sizes[name] / 1e6:.1f} MB"
        )
    ratio = statistics.median(times["xlsxwriter"]) / statistics.median(times["vbr"])
    print(f"XlsxWriter / vbr: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
