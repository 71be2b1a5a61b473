"""The shape of the code: rules of the house style that a reader would otherwise have to police."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tacenter"


def _module_imports() -> dict[str, set[str]]:
    """Each tacenter module and the tacenter modules its top-level statements import.

    Imports inside functions are left out: they run when called, not at import time.
    """
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[name] = {other for other in imported if other in modules and other != name}
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        for other in graph[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def test_no_module_imports_itself_back_through_another():
    graph = _module_imports()
    cycles = sorted(name for name in graph if name in _reachable(graph, name))
    assert cycles == []
