"""The house rules of ``src/vbr``: imports only point down the layers, and every public module
says what it offers (``__all__``).

Layers, bottom to top (README, Development): support (``_version``, ``errors``, ``threads``,
``geometry``, ``digest``, ``cache``, ``locale``) -> ``settings`` -> ``model`` -> ``io`` ->
``core`` -> ``pipeline`` (``compute``) -> ``writers`` -> ``maps`` -> ``writing``
(``write_result``, ``run``) -> ``audit``, ``download``, ``outcome``, ``compare`` -> ``cli`` ->
the package face ``vbr``.
A module may import its own layer and the layers below; every import is read, also those inside
functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: Module name prefixes by layer, bottom first.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "support",
        (
            "vbr._version",
            "vbr.errors",
            "vbr.threads",
            "vbr.geometry",
            "vbr.digest",
            "vbr.cache",
            "vbr.locale",
            "vbr.termination",
        ),
    ),
    ("settings", ("vbr.settings",)),
    ("model", ("vbr.model",)),
    ("io", ("vbr.io",)),
    ("core", ("vbr.core",)),
    ("pipeline", ("vbr.pipeline",)),
    ("writers", ("vbr.writers",)),
    ("maps", ("vbr.maps",)),
    ("writing", ("vbr.writing",)),
    ("tasks", ("vbr.audit", "vbr.download", "vbr.outcome", "vbr.compare")),
    ("cli", ("vbr.cli",)),
)


def layer_of(module: str) -> int:
    """The rank of a module of the package (``vbr`` itself, the face, is above all)."""
    if module == "vbr":
        return len(LAYERS)
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (and to the README)")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source: str, module: str, *, package: bool = False) -> list[tuple[str, int, str]]:
    """``(imported module, line, names)`` of every import of a ``vbr`` module in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                (a.name, node.lineno, "") for a in node.names if a.name.split(".")[0] == "vbr"
            ]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:  # relative: from the module's package
                base = module.split(".") if package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, target] if target else base)
            if target.split(".")[0] == "vbr":
                names = ", ".join(a.name for a in node.names)
                found.append((target, node.lineno, names))
    return found


def upward_imports(source: str, module: str, *, package: bool = False) -> list[str]:
    """What in ``source`` (the text of ``module``) breaks the layering."""
    own = layer_of(module)
    problems = []
    for target, line, names in imports(source, module, package=package):
        if target == "vbr":
            problems.append(f"{module}:{line} imports {names} from the package face vbr")
        elif target.startswith("vbr.") and layer_of(target) > own:
            problems.append(
                f"{module}:{line} imports {target} ({LAYERS[layer_of(target)][0]}), "
                f"above its layer {LAYERS[own][0]}"
            )
    return problems


def modules() -> list[tuple[str, Path]]:
    return [(module_name(p), p) for p in sorted((SRC / "vbr").rglob("*.py"))]


def test_imports_only_point_down_the_layers():
    problems = []
    for name, path in modules():
        if name == "vbr":
            continue  # the face hands the public names on
        problems += upward_imports(
            path.read_text(encoding="utf-8"), name, package=path.name == "__init__.py"
        )
    assert not problems, "\n".join(problems)


def test_the_check_finds_an_upward_import():
    """The check itself: each rule of the issue, broken once."""
    cases = {
        "vbr.io.farms": "from vbr.core.ranking import rank_farms\n",
        "vbr.core.ranking": "def f():\n    from vbr.writers.lists import write_csv\n",
        "vbr.core.budget": "import vbr.pipeline\n",
        "vbr.core.explain": "from vbr.maps import write_maps\n",
        "vbr.model": "if TYPE_CHECKING:\n    from vbr.io import crs\n",
        "vbr.settings.options": "from vbr.model import Result\n",
        "vbr.maps.summary": "from vbr.writing import run\n",
        "vbr.pipeline": "from vbr.writers.lists import write_lists\n",
        "vbr.writers.manifest": "from vbr import __version__\n",
        "vbr.io.natura": "from ..core import overloaded\n",
    }
    for module, source in cases.items():
        assert upward_imports(source, module), (module, source)
    assert not upward_imports("from vbr.io.tables import read_table\n", "vbr.core.subsidy")
    assert not upward_imports("from . import tables\n", "vbr.io", package=True)


def test_every_public_module_says_what_it_offers():
    """A module that defines public names lists them in ``__all__``."""
    missing = []
    for name, path in modules():
        if any(part.startswith("_") and part != "__init__" for part in name.split(".")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defines = any(
            isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
            for node in tree.body
        )
        has_all = any(
            isinstance(node, ast.Assign)
            and any(getattr(t, "id", "") == "__all__" for t in node.targets)
            for node in tree.body
        )
        if defines and not has_all:
            missing.append(name)
    assert not missing, missing
