"""The installed version of vbr and the code behind it (the lowest layer: every module that shows
them imports them here).

- :data:`__version__`: the package version (written here only; ``pyproject.toml`` reads it).
- :func:`source_sha256`: one sha256 over every file of the installed package (its Python
  sources, templates, catalogues, rule sets and map assets), so that two runs made by different
  code can be told apart even when the version is the same.
- :func:`git_revision`: the git commit of the checkout the package runs from (an editable
  install), read from the ``.git`` files without the ``git`` program, and whether the tree had
  uncommitted changes (asked of ``git status`` only where ``git`` is installed).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__all__ = [
    "__version__",
    "code_identity",
    "git_revision",
    "package_sha256",
    "source_sha256",
    "version_text",
]

#: The one place the version is written: hatchling reads it from here for the package metadata
#: (``[tool.hatch.version]`` in ``pyproject.toml``), so ``import vbr`` needs no
#: ``importlib.metadata`` (0.1 s of a start-up).
__version__ = "0.3.0"

#: The package folder (``src/vbr`` in a checkout, ``site-packages/vbr`` in a wheel install).
PACKAGE_DIR = Path(__file__).resolve().parent
#: Files that are not code: Python's bytecode caches.
_NOT_SOURCE = ("__pycache__",)


def source_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Every file of the package that makes its behaviour, in a fixed order (relative POSIX
    path): all files under the package folder except bytecode caches."""
    files = [
        p
        for p in package_dir.rglob("*")
        if p.is_file()
        and not any(part in _NOT_SOURCE for part in p.relative_to(package_dir).parts)
        and p.suffix not in (".pyc", ".pyo")
    ]
    return sorted(files, key=lambda p: p.relative_to(package_dir).as_posix())


def source_sha256(package_dir: Path = PACKAGE_DIR) -> str:
    """One sha256 over the package's files: the sha256 of the text
    ``<relative path>\\0<sha256 of the file>\\n`` for every file of :func:`source_files`, in
    that order. Any change to a file's bytes, a new file or a removed one changes it."""
    total = hashlib.sha256()
    for path in source_files(package_dir):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        total.update(f"{path.relative_to(package_dir).as_posix()}\0{digest}\n".encode())
    return total.hexdigest()


@cache
def package_sha256() -> str:
    """:func:`source_sha256` of this package (computed once per process)."""
    return source_sha256(PACKAGE_DIR)


def _git_dir(start: Path) -> Path | None:
    """The git folder of the checkout that holds ``start`` (a worktree's ``.git`` file followed),
    or ``None``."""
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else (folder / target).resolve()
            return None
    return None


def _resolve_ref(git_dir: Path, ref: str) -> str | None:
    """The commit a ref names: its loose file, else ``packed-refs`` (in the common folder of a
    worktree)."""
    common = git_dir
    if (git_dir / "commondir").is_file():
        common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    for base in (git_dir, common):
        loose = base / ref
        if loose.is_file():
            return loose.read_text(encoding="utf-8").strip() or None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref:
                return parts[0]
    return None


def git_revision(package_dir: Path = PACKAGE_DIR) -> dict[str, object]:
    """The checkout the package runs from: ``{"commit": hex or None, "dirty": bool or None}``.

    ``commit`` is ``None`` when the package does not run from a git checkout (a wheel install).
    ``dirty`` says whether ``git status`` saw uncommitted changes (tracked or untracked files
    that are not ignored); ``None`` when that could not be asked (no checkout, or no ``git``
    program).
    """
    git_dir = _git_dir(package_dir)
    if git_dir is None or not (git_dir / "HEAD").is_file():
        return {"commit": None, "dirty": None}
    head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    commit = (
        _resolve_ref(git_dir, head.removeprefix("ref:").strip())
        if head.startswith("ref:")
        else head
    )
    return {"commit": commit, "dirty": _dirty(package_dir)}


def _dirty(package_dir: Path) -> bool | None:
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        return None
    try:
        status = subprocess.run(
            [git, "status", "--porcelain"],
            cwd=package_dir,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(status.stdout.strip()) if status.returncode == 0 else None


@cache
def code_identity() -> dict[str, object]:
    """The code of this process, as the manifest records it: ``version``, ``commit``,
    ``dirty`` and ``source_sha256`` (computed once per process)."""
    return {"version": __version__, **git_revision(), "source_sha256": package_sha256()}


def version_text() -> str:
    """What ``vbr --version`` prints: the version, the commit (with ``+ uncommitted changes``
    where the tree had them) and the source hash."""
    code = code_identity()
    lines = [f"vbr {code['version']}"]
    if code["commit"]:
        dirty = {True: " + uncommitted changes", False: "", None: " (changes unknown)"}
        lines.append(f"git commit {code['commit']}{dirty[code['dirty']]}")
    else:
        lines.append("git commit: none (not run from a git checkout)")
    lines.append(f"source sha256 {code['source_sha256']}")
    return "\n".join(lines)
