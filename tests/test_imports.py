"""The package's import graph has no cycle, counting imports inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dossier"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The dossier modules a file imports anywhere in it (a package's own __init__ counts as the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n in modules)
    return found


def graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {name: _imports(path, set(files)) - {name} for name, path in files.items()}


def _cycle(edges: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_import_cycle_in_the_package():
    cycle = _cycle(graph())
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_build_and_archive_do_not_import_each_other():
    edges = graph()
    assert "dossier.archive" not in edges["dossier.build"]
    assert "dossier.build" not in edges["dossier.archive"]


def test_document_modules_do_not_import_the_workbook_writers():
    edges = graph()
    documents = [name for name in edges if name.startswith("dossier.documents")]
    assert documents
    for name in documents:
        assert "dossier.workbooks" not in edges[name], f"{name} imports dossier.workbooks"


def _private_uses(path: Path, modules: set[str]) -> list[str]:
    """Where a file takes another dossier module's private (underscore) name: imported, or read off the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound: dict[str, str] = {}  # local name -> the dossier module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules and alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module in modules and node.level == 0:
            for alias in node.names:
                if f"{node.module}.{alias.name}" in modules:
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                elif alias.name.startswith("_") and not alias.name.startswith("__") and alias.name != "_":
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"line {node.lineno}: {bound[node.value.id]}.{node.attr}")
    return found


def test_no_module_takes_another_modules_private_names():
    """A name another module needs is public, in a module both can see (gettext's `_` is meant to be imported)."""
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    found = [f"{name}, {use}" for name, path in sorted(files.items()) for use in _private_uses(path, set(files))]
    assert not found, "make these public where both modules can see them:\n" + "\n".join(found)


def test_the_private_name_check_sees_both_ways_in(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("from dossier.archive import _rel, INDEX\nfrom dossier.i18n import _\n"
                      "from dossier import workers\nimport dossier.build as b\n"
                      "workers._pool()\nb._plan\nb.build\nb.__name__\n", encoding="utf-8")
    modules = {"dossier", "dossier.archive", "dossier.i18n", "dossier.workers", "dossier.build"}
    assert sorted(_private_uses(source, modules)) == ["line 1: from dossier.archive import _rel",
                                              "line 5: dossier.workers._pool", "line 6: dossier.build._plan"]
