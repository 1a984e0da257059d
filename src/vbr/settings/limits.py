"""The documented limits of a run: money ceilings, value ranges and input sizes.

These are safety bounds, not rules of the scheme: they keep every sum exact and finite and every
input within what the machine can handle, far above any real value. The README lists them
(section "Reliability", "Money ceilings and size limits"). A row above a per-row limit is
rejected with a reason; an option or a file above its limit stops the run with exit status 2.
"""

from __future__ import annotations

__all__ = [
    "BYTES_PER_ROW",
    "MAX_EUR_OPTION",
    "MAX_LINE_BYTES",
    "MAX_NH3_KG",
    "MAX_OFFER_EUR",
    "MAX_REJECTED_CELL_CHARS",
    "MAX_ROWS",
    "MAX_SLUG_CHARS",
    "MAX_THRESHOLD_M",
]

#: The largest offer or estimated subsidy of one farm (euro): EUR 1,000 billion. A row above it
#: is rejected; 2**63 cents (the int64 the budget walk counts in) is 92,000 times as much.
MAX_OFFER_EUR = 1e12
#: The largest budget, and any other euro amount of an option or the configuration: EUR 10,000
#: billion. Above it the run stops with exit status 2.
MAX_EUR_OPTION = 1e13
#: The largest NH3 emission of one farm (kg a year; the Netherlands emit about 1.2e8 in all): a
#: row above it is rejected, so that every sum of emissions stays finite.
MAX_NH3_KG = 1e12
#: The widest priority strip (``--threshold-m``, ``[rules] threshold_m``), metres.
MAX_THRESHOLD_M = 100_000.0

#: The longest line of a text input (bytes). A longer line stops the reading with exit 2,
#: naming the file and the line.
MAX_LINE_BYTES = 1_000_000
#: The most data rows of one input file without ``--large``.
MAX_ROWS = 2_000_000
#: Memory a whole run needs per input row (bytes): a whole run of 1,000,000 farms with every
#: output and the maps peaked at 2,935 MB; the rest is margin. An input that needs more than
#: the machine has free stops early.
BYTES_PER_ROW = 4_000
#: ``rejected.csv`` keeps at most this many characters of a cell as read (the input has all).
MAX_REJECTED_CELL_CHARS = 1_000
#: The longest region folder name; a longer slug is cut and gets a hash of the whole name.
MAX_SLUG_CHARS = 60
