"""The shape of the package: no import cycles, pyoxigraph and SPARQLWrapper in the store layer
only, and layers that import downward (the order is import-linter's contract in
pyproject.toml, which .ci/run checks with ``lint-imports``; this test reads the same list).

Imports are read from the source, all of them: at module level, inside functions and under
``TYPE_CHECKING``, because each is a dependency that can close a cycle at run time or in
the type checker.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "kg"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str) -> str | None:
    """The kg module an imported name lives in (a submodule, else its package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> dict[str, set[str]]:
    """Every module ``module`` imports: kg's own (by module) and the others (top names)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, set[str]] = {"kg": set(), "other": set()}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        for name in names:
            if name == "kg" or name.startswith("kg."):
                target = _target(name)
                if target is not None and target != module:
                    found["kg"].add(target)
            else:
                found["other"].add(name.split(".")[0])
    # `from kg.x import y` names both kg.x and kg.x.y: keep the deepest that exists
    found["kg"] = {t for t in found["kg"] if not any(o.startswith(t + ".") for o in found["kg"])}
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(GRAPH[v]["kg"]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_there_are_no_import_cycles() -> None:
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    GRAPH["kg.test-a"] = {"kg": {"kg.test-b"}, "other": set()}
    GRAPH["kg.test-b"] = {"kg": {"kg.test-a"}, "other": set()}
    try:
        assert ["kg.test-a", "kg.test-b"] in _cycles()
    finally:
        del GRAPH["kg.test-a"], GRAPH["kg.test-b"]


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in layer.split("|")] for layer in contract["layers"]]


def _layer_of(module: str, layers: list[list[str]]) -> int | None:
    for i, layer in enumerate(layers):
        if any(module == name or module.startswith(name + ".") for name in layer):
            return i
    return None


def test_every_module_has_a_layer() -> None:
    layers = _layers()
    assert [m for m in MODULES if m != "kg" and _layer_of(m, layers) is None] == []


def test_layers_import_downward_only() -> None:
    """A module imports only from its own layer or those below (later in the list)."""
    layers = _layers()
    upward = []
    for module, imports in GRAPH.items():
        mine = _layer_of(module, layers)
        if mine is None:
            continue  # kg itself: the public API names what every layer offers
        for target in imports["kg"]:
            theirs = _layer_of(target, layers)
            if theirs is not None and theirs < mine:
                upward.append(f"{module} -> {target}")
    assert upward == []


@pytest.mark.parametrize("library", ["pyoxigraph", "SPARQLWrapper"])
def test_only_the_store_layer_imports_the_engines(library: str) -> None:
    users = sorted(m for m, i in GRAPH.items() if library in i["other"])
    assert [m for m in users if not m.startswith("kg.store")] == []


def _functions() -> list[tuple[str, str, int]]:
    found = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                found.append((module, node.name, node.end_lineno - node.lineno + 1))
    return found


def test_no_module_is_over_600_lines() -> None:
    sizes = {m: len(p.read_text("utf-8").splitlines()) for m, p in MODULES.items()}
    assert {m: n for m, n in sizes.items() if n > 600} == {}


def test_no_function_is_over_80_lines() -> None:
    assert [f for f in _functions() if f[2] > 80] == []
