"""Dependencies between the first-party apps run one way (issue 9 item 8).

Every module of every app is parsed (AST, so imports inside functions count too) and the imports
between apps make a graph:

* no cycle between any apps (the test prints the cycle and the import lines that make it);
* `tenancy` is the base app: it imports no other app (only the apcommission kernel);
* nothing imports a composition root (the project's URLconf and views, the `demo` loader);
* other apps use the providers app through its public surface only (PROVIDERS_SURFACE below).

The project package `apcommission` is two nodes: its composition root (URLconf, project views,
settings, WSGI/ASGI: PROJECT_ROOT_MODULES), which may import every app and which no app imports,
and its shared kernel (clock, forms kit, uploads, PDF, Celery app...), which apps import and which
must itself import no app.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "apcommission", "tenancy", "providers", "placements", "slas", "notifications", "attendance",
        "monitoring", "escalation", "qa_framework", "api", "demo", "safeguarding", "finance", "exams", "oversight")
PROJECT = "apcommission (project root)"
# Composition roots: they may import every app, and no app imports them.
ROOTS = (PROJECT, "demo")
PROJECT_ROOT_MODULES = ("apcommission.urls", "apcommission.views", "apcommission.settings", "apcommission.wsgi",
                        "apcommission.asgi")

# What other apps may import from providers:
#   api       — the public read API (listing status, suspension, registration figures, suitability,
#               provider choices) and the sources other apps register;
#   models    — model classes and their choices (foreign keys, status values, test set-up);
#   apps      — the AppConfig (settings);
#   factories — test and demo data builders; demo — the demo loader's providers part.
# Never selectors, services, rules, views, forms or tasks: those change with the providers app.
PROVIDERS_SURFACE = ("providers", "providers.api", "providers.models", "providers.apps", "providers.factories",
                     "providers.demo")

# Known edges waiting for another helper's change this session, each with its reason: remove an
# entry when its edge goes (test_pending_edges_still_exist fails on a stale entry).
PENDING_EDGES = {
    # Formatting filters shared by templates belong in apcommission/templatetags, not placements.
    ("providers/templatetags/providers_tags.py", "placements"),
}


def _node(module: str) -> str | None:
    top = module.split(".")[0]
    if top not in APPS:
        return None
    if top == "apcommission" and module.startswith(PROJECT_ROOT_MODULES):
        return PROJECT
    return top


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports() -> list[tuple[str, str, str, int]]:
    """(importing file, importing module, imported module, line) for every first-party import."""
    # Migrations count too: a migration importing another app is a dependency.
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in f"/{rel}" or path.name.startswith("test_"):
                continue
            module = _module_name(path)
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for node in ast.walk(ast.parse(path.read_text(), filename=rel)):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:  # relative: resolve against the package
                        anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                        base = ".".join([*anchor, base] if base else anchor)
                    # `from providers import api` imports providers.api
                    targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
                else:
                    continue
                found += [(rel, module, target, node.lineno) for target in targets]
    return found


def _target_module(target: str) -> str:
    """`providers.api.registration_figures` → `providers.api` (the deepest module that exists)."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ROOT.joinpath(*parts[:end])
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            return ".".join(parts[:end])
    return target


def app_graph() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel, module, target, line in imports():
        source, dest = _node(module), _node(target)
        if dest is None or source == dest:
            continue
        if (rel, dest) in PENDING_EDGES:
            continue
        edges[(source, dest)].append(f"{rel}:{line} imports {target}")
    return edges


def find_cycles(edges) -> list[list[str]]:
    """The groups of apps that import each other (strongly connected components of two or more)."""
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    nodes = sorted({n for edge in edges for n in edge})

    def reaches(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reach = {n: reaches(n) for n in nodes}
    groups = []
    for n in nodes:
        group = sorted(m for m in nodes if m == n or (m in reach[n] and n in reach[m]))
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return groups


def test_pending_edges_still_exist():
    found = {(rel, _node(target)) for rel, _m, target, _l in imports()}
    stale = sorted(PENDING_EDGES - found)
    assert not stale, f"these edges are gone: remove them from PENDING_EDGES: {stale}"


def test_no_app_imports_a_composition_root():
    edges = app_graph()
    bad = [line for (a, b), lines in edges.items() if b in ROOTS and a not in ROOTS for line in lines]
    assert not bad, "apps import the project root or the demo loader:\n" + "\n".join(bad)


def test_the_scan_sees_imports_inside_functions():
    found = {(rel, target) for rel, _m, target, _l in imports()}
    assert ("placements/apps.py", "providers.api") in found  # imported inside PlacementsConfig.ready()


def test_no_import_cycle_between_apps():
    edges = app_graph()
    cycles = find_cycles(edges)
    report = []
    for group in cycles:
        report.append("these apps import each other: " + ", ".join(group))
        for (a, b), lines in sorted(edges.items()):
            if a in group and b in group:
                report += [f"  {a} -> {b}", *(f"    {line}" for line in lines[:5])]
    assert not cycles, "import cycles between apps:\n" + "\n".join(report)


def test_the_base_app_imports_no_domain_app():
    edges = app_graph()
    bad = [line for (a, b), lines in edges.items() if a == "tenancy" and b not in ("apcommission",) for line in lines]
    assert not bad, "tenancy (the base app) imports:\n" + "\n".join(bad)


def test_the_kernel_imports_no_app():
    edges = app_graph()
    bad = [line for (a, b), lines in edges.items() if a == "apcommission" and b != "apcommission" for line in lines]
    assert not bad, "the apcommission kernel (not the project root) imports apps:\n" + "\n".join(bad)


def test_providers_imports_no_placements_or_slas():
    edges = app_graph()
    bad = [line for (a, b), lines in edges.items() if a == "providers" and b in ("placements", "slas")
           for line in lines]
    assert not bad, "\n".join(bad)


def test_other_apps_use_the_providers_public_surface():
    bad = []
    for rel, module, target, line in imports():
        if _node(module) in ("providers", None) or _node(target) != "providers":
            continue
        if _target_module(target) not in PROVIDERS_SURFACE:
            bad.append(f"{rel}:{line} imports {target}")
    assert not bad, ("use providers.api (or providers.models) instead:\n" + "\n".join(bad))
