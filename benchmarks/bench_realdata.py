"""Print how long reading the real IMAER files and the IGO herd file takes (figures, no asserts).

Run: .venv/bin/python benchmarks/bench_realdata.py [path/to/shared/realdata]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from vbr.io.farms import load_farms
from vbr.settings import ColumnMapping


def main(root: Path) -> None:
    farms = root / "farms"
    for path in [
        *sorted(farms.glob("*.gml")),
        farms / "geonovius_igo_veehouderijen_nabij_n2000.gpkg",
    ]:
        start = time.perf_counter()
        # the IGO file's `id` is a database row number: its location id is vthobject_id
        named = {"farm_id": "vthobject_id"} if path.suffix == ".gpkg" else {}
        table = load_farms(path, columns=ColumnMapping.given(named, where="benchmark"))
        seconds = time.perf_counter() - start
        info = table.info
        line = (
            f"{path.name}: {table.n_read} rows, {len(table.farms)} usable, "
            f"{len(table.rejected)} rejected, {seconds:.2f} s"
        )
        if "sources" in info:
            line += f" ({info['sources']} IMAER sources, {info['merged_sources']} merged)"
        check = table.nh3_check
        if len(check):
            ratio = (check["nh3_kg_from_animals"] / check["nh3_kg_given"]).to_numpy()
            ratio = ratio[ratio > 0]
            q25, q50, q75 = np.quantile(ratio, [0.25, 0.5, 0.75])
            line += (
                f"; computed/given NH3 over {len(ratio)} farms: median {q50:.2f}, "
                f"IQR {q25:.2f}-{q75:.2f}"
            )
        print(line)


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "realdata"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
