"""The modules of the engine and of the processes import one another without a cycle.

Every import statement counts, at module level or inside a function: an import put inside a function
only hides a cycle, it does not remove it. Only an import under ``if TYPE_CHECKING:`` (never run) is not
an edge. ``from package import name`` is an edge to the submodule when ``name`` is one, else to the
package. Migrations are left out. A function-level import that closes a cycle is allowed only when
listed in :data:`ALLOWED_CYCLE_EDGES` with its reason; the list is checked not to go stale.
"""

from __future__ import annotations

import ast
from pathlib import Path

import processes
import workflow

PACKAGE = Path(workflow.__file__).parent
PROCESSES = Path(processes.__file__).parent

#: Function-level imports that close a cycle, each with why it stays; the edge is left out of the graph.
ALLOWED_CYCLE_EDGES: dict[tuple[str, str], str] = {}


def module_files(root: Path, package: str) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == "TYPE_CHECKING"


def all_imports(node: ast.AST, *, in_function: bool = False):
    """Every import statement under ``node`` as ``(statement, inside a function)``, but none under
    ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from all_imports(ast.Module(body=[other], type_ignores=[]), in_function=in_function)
        else:
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from all_imports(child, in_function=inside)


def _targets(node, module: str, is_package: bool, modules) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    source = node.module or ""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    return [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]


def import_edges(roots: dict[str, Path]) -> dict[tuple[str, str], bool]:
    """Each ``(importer, imported)`` among the packages ``roots`` (name: folder), with whether every
    import making that edge sits inside a function."""
    modules: dict[str, Path] = {}
    for package, root in roots.items():
        modules.update(module_files(root, package))
    edges: dict[tuple[str, str], bool] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, in_function in all_imports(tree):
            for target in _targets(node, name, path.name == "__init__.py", modules):
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != name:
                    edges[(name, target)] = edges.get((name, target), True) and in_function
    for name in modules:
        edges.setdefault((name, name), True)  # every module is a node, even one that imports nothing
    return edges


def import_graph(
    root: Path = PACKAGE, package: str = "workflow", *, also: dict[str, Path] | None = None, leave_out=()
) -> dict[str, set[str]]:
    edges = import_edges({package: root, **(also or {})})
    graph: dict[str, set[str]] = {}
    for importer, imported in edges:
        graph.setdefault(importer, set())
        if importer != imported and (importer, imported) not in leave_out:
            graph[importer].add(imported)
    return graph


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, …, a]``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_engine_and_the_processes_have_no_import_cycle():
    graph = import_graph(also={"processes": PROCESSES}, leave_out=ALLOWED_CYCLE_EDGES)
    assert len(graph) > 200, "the walk found the modules of the engine and the processes"
    assert any(name.startswith("processes.proposals.") for name in graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_each_allowed_edge_is_a_function_level_import_that_closes_a_cycle():
    edges = import_edges({"workflow": PACKAGE, "processes": PROCESSES})
    graph = import_graph(also={"processes": PROCESSES}, leave_out=ALLOWED_CYCLE_EDGES)
    for (importer, imported), reason in ALLOWED_CYCLE_EDGES.items():
        assert reason
        assert edges.get((importer, imported)) is True, f"{importer} -> {imported}: gone or at module level"
        assert reaches(graph, imported, importer), f"{importer} -> {imported} closes no cycle any more: drop it"


def test_a_cycle_is_found_and_named(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .sub import b\n")
    (pkg / "sub" / "b.py").write_text("from .. import c\n")
    (pkg / "c.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    from . import a\nfrom pkg import a\n")

    assert find_cycle(import_graph(pkg, "pkg")) == ["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]


def test_an_import_inside_a_function_is_an_edge_and_one_for_type_checking_is_not(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    (pkg / "c.py").write_text("from . import d\n")
    (pkg / "d.py").write_text("class D:\n    def later(self):\n        from . import c\n")

    assert import_graph(pkg, "pkg")["pkg.b"] == set()
    assert import_edges({"pkg": pkg})[("pkg.d", "pkg.c")] is True, "inside a function"
    assert import_edges({"pkg": pkg})[("pkg.c", "pkg.d")] is False, "at module level"
    assert find_cycle(import_graph(pkg, "pkg")) == ["pkg.c", "pkg.d", "pkg.c"]
    assert find_cycle(import_graph(pkg, "pkg", leave_out={("pkg.d", "pkg.c")})) is None
