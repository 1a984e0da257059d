"""Submission times of the synthetic applications (``submitted_at``).

About 40 % of the farms get an ISO 8601 time with the Amsterdam offset, spread over an assumed
application window from 3 July 2023 to 20 December 2024 (a rush in the first ten days, office hours
more likely than evenings); no two are alike. The rest stay empty.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np

__all__ = ["submitted_at"]

# Application window (assumed): 3 July 2023 to 20 December 2024, Europe/Amsterdam local time.
_WINDOW_START = datetime(2023, 7, 3)
_WINDOW_DAYS = 536
_SUBMITTED_SHARE = 0.40
# Central European Summer Time (UTC+2), UTC instants; otherwise UTC+1.
_CEST = (
    (datetime(2023, 3, 26, 1, tzinfo=UTC), datetime(2023, 10, 29, 1, tzinfo=UTC)),
    (datetime(2024, 3, 31, 1, tzinfo=UTC), datetime(2024, 10, 27, 1, tzinfo=UTC)),
)


def _offset_hours(utc: datetime) -> int:
    """Hours Amsterdam is ahead of UTC at the UTC instant utc (2 in summer time, else 1)."""
    return 2 if any(a <= utc < b for a, b in _CEST) else 1


def submitted_at(rng: np.random.Generator, n: int) -> list[str]:
    """ISO 8601 local times for about 40 % of the farms, empty for the rest; no two alike."""
    has = rng.random(n) < _SUBMITTED_SHARE
    u = rng.random((n, 4))
    # A rush in the first ten days, then steady; office hours more likely than evenings.
    day = np.where(u[:, 0] < 0.15, u[:, 1] * 10.0, u[:, 1] * _WINDOW_DAYS).astype(np.int64)
    hour_weights = np.asarray([1, 3, 6, 8, 8, 6, 7, 8, 7, 6, 4, 3, 3, 3, 2, 1], dtype=np.float64)
    hour_cum = np.cumsum(hour_weights) / math.fsum(hour_weights.tolist())
    hour = 7 + np.minimum(np.searchsorted(hour_cum, u[:, 2], side="right"), 15)
    second = (u[:, 3] * 3600.0).astype(np.int64)
    local = day * 86_400 + hour * 3600 + second  # seconds after the window start, local time
    seen: set[int] = set()
    out = []
    for i in range(n):
        if not has[i]:
            out.append("")
            continue
        t = int(local[i])
        while t in seen:
            t += 1
        seen.add(t)
        naive = _WINDOW_START + timedelta(seconds=t)
        offset = _offset_hours((naive - timedelta(hours=1)).replace(tzinfo=UTC))
        out.append(naive.replace(tzinfo=timezone(timedelta(hours=offset))).isoformat())
    return out
