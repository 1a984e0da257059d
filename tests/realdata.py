"""Where the shared real data lives: ``../shared/realdata`` beside the checkout (CI, main repo),
one level higher for a git worktree under ``wt/``, or ``$VBR_REALDATA``."""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve()
_CANDIDATES = [
    Path(os.environ["VBR_REALDATA"]) if os.environ.get("VBR_REALDATA") else None,
    _HERE.parents[2] / "shared" / "realdata",
    _HERE.parents[3] / "shared" / "realdata",
]
REALDATA = next(
    (p for p in _CANDIDATES if p is not None and p.is_dir()),
    _HERE.parents[2] / "shared" / "realdata",
)
