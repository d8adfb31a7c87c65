"""No import circle in the project (issue 13), except the one accepted pair: a task module and the
domain module that queues it (the task imports that module's function lazily, inside the task).

import-linter's layers contract (pyproject.toml) forbids upward imports between layers; it does
not see a circle among modules of one layer (two rule modules importing each other). This test
looks for any circle in the module graph grimp builds for lint-imports."""

import sys
from pathlib import Path

import grimp

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "programme", "registrations", "exports", "vsop_events", "ops")
ACCEPTED = [{"registrations.domain.outbox", "registrations.tasks"}]


def import_circles(graph):
    """The strongly connected components with more than one module (Tarjan), each as a set."""
    modules = sorted(graph.modules)
    edges = {m: sorted(set(graph.find_modules_directly_imported_by(m)) & set(modules)) for m in modules}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(component)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(modules)))
    try:
        for module in modules:
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return circles


def test_no_import_circle_but_the_task_and_its_queuing_module():
    sys.path.insert(0, str(BASE_DIR))
    try:
        graph = grimp.build_graph(*PACKAGES)
    finally:
        sys.path.remove(str(BASE_DIR))
    assert import_circles(graph) == ACCEPTED


def test_the_search_finds_a_circle_inside_one_layer():
    """The check can fail: two rule modules importing each other are one circle."""
    graph = grimp.ImportGraph()
    for module in ("rules", "rules.fees", "rules.billing", "rules.windows"):
        graph.add_module(module)
    graph.add_import(importer="rules.fees", imported="rules.billing")
    graph.add_import(importer="rules.billing", imported="rules.fees")
    graph.add_import(importer="rules.billing", imported="rules.windows")
    assert import_circles(graph) == [{"rules.fees", "rules.billing"}]
