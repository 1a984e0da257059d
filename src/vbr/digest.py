"""The sha256 of a file: one owner for the manifest, the run folder, `vbr verify` and the seed
of the lottery (which derives from the farm file's digest)."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["sha256_of"]


def sha256_of(path: Path) -> str:
    """The sha256 of a file, hex."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
