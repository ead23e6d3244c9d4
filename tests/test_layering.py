"""The shape of the code, read from the source: the library knows nothing of its shells, the
shells don't know each other, nothing imports in a circle, and no module grows past 400 lines.

Imports are read with ``ast`` (every import statement, also those inside functions; those under
``if TYPE_CHECKING:`` are left out because they never run).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("nlp_jtbd", "api")
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every module name ``module`` imports (absolute, third-party ones included).

    A package's ``__init__`` that Python runs before a submodule is not counted as imported:
    ``from nlp_jtbd.cli import console`` imports ``nlp_jtbd.cli.console``."""
    path = _modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            # `from package import submodule` imports the submodule; anything else the module.
            submodule = f"{base}.{alias.name}"
            names.add(submodule if submodule in _modules() else base)
    return frozenset(names)


def _internal_edges() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {}
    for module in modules:
        edges[module] = {n for n in imports_of(module) if n in modules and n != module}
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def _starts_with(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def test_only_the_command_line_uses_typer_or_rich() -> None:
    offenders = {
        module: sorted(n for n in imports_of(module) if _starts_with(n, ("typer", "rich", "click")))
        for module in _modules()
        if module.startswith("nlp_jtbd") and not _starts_with(module, ("nlp_jtbd.cli",))
    }
    assert {m: n for m, n in offenders.items() if n} == {}


def test_the_api_never_imports_the_command_line() -> None:
    offenders = {
        module: sorted(n for n in imports_of(module) if _starts_with(n, ("nlp_jtbd.cli",)))
        for module in _modules()
        if module.startswith("api")
    }
    assert {m: n for m, n in offenders.items() if n} == {}


def test_the_library_never_imports_the_api() -> None:
    offenders = {
        module: sorted(n for n in imports_of(module) if _starts_with(n, ("api",)))
        for module in _modules()
        if module.startswith("nlp_jtbd") and module != "nlp_jtbd.cli.service"
    }
    assert {m: n for m, n in offenders.items() if n} == {}


def test_no_module_imports_itself_in_a_circle() -> None:
    assert _cycles(_internal_edges()) == []


def test_no_module_is_longer_than_400_lines() -> None:
    long = {
        module: lines
        for module, path in _modules().items()
        if not module.startswith("api.migrations")
        and (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(edges: dict[str, set[str]], expected: list) -> None:
    assert _cycles(edges) == expected
