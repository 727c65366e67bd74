"""docs/architecture.md stays true: every module is on its map, and imports point down its layers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "architecture.md"
ROW = re.compile(r"^\| (\d+) \| `([^`]+)` \|", re.M)
ALLOWED_UPWARD: set[tuple[str, str]] = set()  # (importer, imported) pairs allowed to point up, inside a function


def _layers() -> dict[str, int]:
    return {path: int(layer) for layer, path in ROW.findall(MAP.read_text(encoding="utf-8"))}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in ("autodiff", "nn") for p in sorted((ROOT / package).rglob("*.py"))}


def _layer_of(path: Path, layers: dict[str, int]) -> int | None:
    relative = path.relative_to(ROOT).as_posix()
    if relative in layers:
        return layers[relative]
    folders = [row for row in layers if row.endswith("/") and relative.startswith(row)]
    return layers[max(folders, key=len)] if folders else None


def _imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """(imported module of autodiff or nn, whether the import is at the module's top level).

    ``from . import ops`` imports the module ``autodiff.ops``; ``from .engine import Value`` the
    module ``autodiff.engine``."""
    modules = _modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base)
                module = f"{prefix}.{node.module}" if node.module else prefix
            else:
                module = node.module or ""
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
        for target in targets:
            if target.split(".")[0] in ("autodiff", "nn"):
                found.append((target, id(node) in top_level))
    return found


def test_every_module_is_on_the_map():
    layers = _layers()
    missing = [str(p.relative_to(ROOT)) for p in _modules().values() if _layer_of(p, layers) is None]
    assert not missing, f"add these modules to docs/architecture.md's table: {missing}"


def test_imports_point_down_the_layers():
    layers, modules = _layers(), _modules()
    wrong = []
    for name, path in modules.items():
        mine = _layer_of(path, layers)
        for target, at_top in _imports(name, path):
            if target not in modules or target == name:
                continue  # a name imported from a module, not a module
            theirs = _layer_of(modules[target], layers)
            if mine is not None and theirs is not None and theirs > mine:
                if (name, target) in ALLOWED_UPWARD and not at_top:
                    continue
                wrong.append(f"{name} (layer {mine}) imports {target} (layer {theirs})")
    assert not wrong, "imports that point up the layers of docs/architecture.md:\n" + "\n".join(wrong)


def test_the_engine_and_its_tools_never_import_nn():
    """nn builds on autodiff, never the other way round (only the apps in layers above nn may use it)."""
    layers, modules = _layers(), _modules()
    nn_layers = [layer for path, layer in layers.items() if path.startswith("nn/")]
    for name, path in modules.items():
        layer = _layer_of(path, layers)
        if name.startswith("autodiff") and layer is not None and layer < min(nn_layers):
            assert not [t for t, _ in _imports(name, path) if t.split(".")[0] == "nn"], name


def test_the_map_names_only_modules_that_exist():
    for path in _layers():
        assert (ROOT / path).exists(), f"docs/architecture.md names {path}, which does not exist"


def test_no_export_shadows_a_submodule() -> None:
    """`import autodiff.animation as anim` is the module: a package attribute named like a submodule is that module.

    (When `autodiff.animate` was both a module and the function it defines, `import autodiff.animate as anim` gave the
    function and `anim.frames` failed.)"""
    import importlib

    for name in sorted(_modules()):
        package, _, leaf = name.rpartition(".")
        if not package or leaf == "__main__":  # importing __main__ would run the command line
            continue
        module = importlib.import_module(name)
        attribute = getattr(importlib.import_module(package), leaf, module)
        assert attribute is module, f"{package}.{leaf} is {attribute!r}, which hides the submodule {name}"


def test_nn_is_the_library_and_never_imports_its_course() -> None:
    """`import nn` (and building a reference network) loads no module of nn.course; the course reaches the
    library through its public names (`from nn import ...`), as a learner's own code would."""
    import subprocess
    import sys

    code = ("import sys, nn; from nn import MLP, SGD, mse_loss, reference; reference.build('000').loss(); "
            "print(sorted(m for m in sys.modules if m == 'nn.course' or m.startswith('nn.course.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
    for path in sorted((ROOT / "nn").glob("*.py")):
        assert "course" not in {target.split(".")[1] for target, _ in _imports(_module_name(path), path)
                                if target.count(".")}, path
    for path in sorted((ROOT / "nn" / "course").glob("*.py")):
        assert "from .." not in path.read_text(encoding="utf-8"), path
