"""Time the `reason` column (order and budget parts) at 25,000 and 1,000,000 farms.

Run: .venv/bin/python benchmarks/bench_explain.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from vbr.core.budget import allocate_budget
from vbr.core.explain import budget_reasons, order_reasons


def frame(n: int, rng: np.random.Generator) -> pd.DataFrame:
    distance = rng.exponential(5_000, n)
    return pd.DataFrame(
        {
            "rank": np.arange(1, n + 1),
            "priority": distance <= 1000,
            "distance_m": distance,
            "nearest_n2000": rng.integers(1, 160, n),
            "eur_per_kg": rng.uniform(20, 400, n),
            "subsidy_eur": rng.uniform(1e5, 5e6, n).round(),
            "submitted_at": pd.Timestamp("2024-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 3e7, n), unit="s"),
        }
    )


def main() -> None:
    rng = np.random.default_rng(7)
    names = {k: f"gebied {k}" for k in range(1, 160)}
    for n in (25_000, 1_000_000):
        df = frame(n, rng)
        selected, cumulative = allocate_budget(
            df["subsidy_eur"].to_numpy(), budget_eur=n * 5e5, policy="skip"
        )
        t0 = time.perf_counter()
        order = order_reasons(
            df, area_names=names, threshold_m=1000, first_come_first_served=True, language="nl"
        )
        t1 = time.perf_counter()
        left = n * 5e5 - (cumulative - np.where(selected, df["subsidy_eur"], 0))
        budget = budget_reasons(
            subsidy_eur=df["subsidy_eur"].to_numpy(),
            selected=selected,
            left_before_eur=left,
            stopped_at_rank=None,
            national_rank=df["rank"].to_numpy(),
            language="nl",
        )
        reasons = order + "; " + budget  # as national_reasons joins them
        t2 = time.perf_counter()
        print(
            f"{n:>9,} farms: order part {t1 - t0:6.2f} s, budget part + join {t2 - t1:6.2f} s, "
            f"total {t2 - t0:6.2f} s ({(t2 - t0) / n * 1e6:.2f} us/farm); e.g. {reasons[0]!r}"
        )


if __name__ == "__main__":
    main()
