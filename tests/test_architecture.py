"""The shape of the source tree (docs/architecture.md), checked so it cannot drift.

Imports are read with ``ast`` from every module, function-level (lazy) imports included; only
imports under ``if TYPE_CHECKING:`` are left out, because they never run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "src" / "baozufang_cli"
ROOT_MODULES = {"__init__", "__main__", "errors", "files", "models"}
MAX_LINES = 450
LAYERS = {"ledger", "facts", "reports", "evaluation", "edit", "xlsx_import", "history", "render", "cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str) -> set[str]:
    """The bzf modules that module ``name`` imports when it runs (at any depth of the code)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
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
        for target in sorted(graph[node]):
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

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles() -> None:
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_lazy_imports_count() -> None:
    source = "def f():\n    from baozufang_cli.errors import BzfError\n"
    tree = ast.parse(source)
    assert any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
    assert "baozufang_cli.errors" in imports_of("baozufang_cli.cli.runtime")


def test_the_package_root_holds_only_the_shared_modules() -> None:
    root = {path.stem for path in PACKAGE.glob("*.py")}
    assert root == ROOT_MODULES
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert folders == LAYERS


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name}: {lines} lines — probably two ideas"


@pytest.mark.parametrize("name", sorted(n for n, p in MODULES.items() if p.name == "__init__.py"))
def test_package_files_hold_no_code(name: str) -> None:
    """``__init__.py`` files are a docstring at most — except ``cli``, which holds the console script."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    body = [
        node
        for node in tree.body
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    if name == "baozufang_cli":
        assert all(isinstance(node, ast.Assign) for node in body)  # __version__
    elif name == "baozufang_cli.cli":
        assert [type(node) for node in body] == [ast.ImportFrom, ast.FunctionDef]  # main()
    else:
        assert body == []


def test_names_say_what() -> None:
    vague = {"utils", "helpers", "misc", "common", "util", "helper"}
    assert not [name for name in MODULES if name.rpartition(".")[2] in vague]
    trailing = re.compile(r"^\s*(?:class|def)\s+([A-Za-z0-9_]*[A-Za-z0-9]_)\b", re.M)
    offenders = [
        f"{name}: {match}"
        for name, path in MODULES.items()
        for match in trailing.findall(path.read_text("utf-8"))
    ]
    assert offenders == []


WRITES = re.compile(
    r"\.write_text\(|\.write_bytes\(|open\([^)]*['\"][wax]b?\+?['\"]|\.open\(\s*['\"][wax]|os\.replace\(|os\.rename\("
)


def test_every_write_goes_through_files_py() -> None:
    """No module but ``files.py`` writes, renames or replaces a file on its own."""
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name, path in MODULES.items()
        if name != "baozufang_cli.files"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITES.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []
