"""The layout: no module of bot/ or flows/ imports one that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGES = ("bot", "flows")


def _module_name(path: Path) -> str:
    name = ".".join(path.with_suffix("").parts)
    return name.removesuffix(".__init__")


def _import_graph() -> dict[str, set[str]]:
    """Module -> the modules of bot/ and flows/ it imports (type-checking imports included)."""
    files = {_module_name(p): p for package in PACKAGES for p in Path(package).rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.append(sub if sub in files else node.module)
            graph[name].update(t for t in targets if t in files and t != name)
    return graph


def _circle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from start back to start, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        for target in sorted(graph[name]):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_module_of_bot_or_flows_imports_itself_back() -> None:
    graph = _import_graph()
    circles = [c for name in sorted(graph) if (c := _circle_from(name, graph))]
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)
