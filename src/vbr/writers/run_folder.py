"""The output folder of a run, written all or nothing.

Files go to a temporary folder beside the output folder; only when every file is written are
they moved in, ``manifest.json`` last. A run that fails leaves no output that looks complete, and
the outputs of an earlier run are replaced (other files in the folder are left alone).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from vbr.errors import OutputError
from vbr.writers.manifest import MANIFEST, recorded_outputs

__all__ = ["RunFolder"]


class RunFolder:
    """A temporary folder for a run's files, moved into ``out`` by :meth:`commit`.

    Use as a context manager: the temporary folder is removed on leaving, whether or not the
    files were committed.

    Raises
    ------
    OutputError
        When ``out`` or the temporary folder cannot be created, or the files cannot be moved.
    """

    def __init__(self, out: Path):
        self.out = Path(out)
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.path = Path(
                tempfile.mkdtemp(prefix=f".vbr-tmp-{self.out.name}-", dir=self.out.parent)
            )
        except OSError as exc:
            raise OutputError(
                f"cannot create the output folder: {exc}", source=str(self.out)
            ) from None

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def commit(self, written: Sequence[str]) -> None:
        """Move the top-level names ``written`` and then ``manifest.json`` into ``out``,
        replacing what the previous run there wrote (as its manifest records)."""
        out = self.out
        try:
            out.mkdir(parents=True, exist_ok=True)
            previous = recorded_outputs(out)
            (out / MANIFEST).unlink(missing_ok=True)
            for name in sorted(set(previous) | set(written)):
                target = out / name
                if name == MANIFEST or not (target.exists() or target.is_symlink()):
                    continue
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink()
            for name in written:
                os.replace(self.path / name, out / name)
            os.replace(self.path / MANIFEST, out / MANIFEST)
        except OSError as exc:
            raise OutputError(f"cannot write the outputs: {exc}", source=str(out)) from None
