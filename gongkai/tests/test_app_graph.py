"""The apps depend on each other in one direction only (issue 14; the layering is drawn in docs/architecture.md).

Every .py file of each first-party package (the apps of INSTALLED_APPS that live in the repository, the
`gongkai` package and `report_formats`) is parsed with `ast`; tests/ and migrations/ are left out,
management commands are in. Each import that names another first-party package, at module level or inside a
function (a function-level import is still a dependency), is an edge package → package.

* `gongkai` is split in three: the project root (`gongkai.urls`, `settings`, `wsgi`, `cli`, `testing`),
  which wires every app together and is no node of the graph; `gongkai.deployment`, the deployment app (its
  `keys` command writes the audit trail); and `gongkai`, the shared infrastructure (privacy, gongwen,
  file_reading, tables, …), which must import no app at all.
* The graph must have no cycle (strongly connected components, Tarjan).
* The audit trail is the bottom of the case apps: `audit` imports no other app (its foreign keys name
  `orgs.Agency` and the user model by string). Nothing imports `workbench`, the staff shell at the top: an
  app offers its menu entries as data on its AppConfig (`workbench_menu`), and the portal's navigation the
  same way (`portal_menu`).
* Imports belong at module level. An import inside a function — of a first-party module, a library or the
  standard library, in any first-party file including the project root — is allowed only with a comment
  saying why, on the same line or directly above it (or above the run of imports it belongs to): `# cycle: …`
  where a module-level import would be circular, `# lazy: …` for an optional backend, a heavy library loaded
  on demand or a module that must not load in some process. Imports inside `AppConfig.ready()` need no
  comment: Django loads the models after apps.py, so ready() is the documented place.

Run `python gongkai/tests/test_app_graph.py` to print the graph and its layers.
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXCLUDED_PACKAGES = {"bench", "deploy", "docs", "var"}  # bench: measurement scripts, not part of the product
PROJECT_ROOT_MODULES = {"gongkai.urls", "gongkai.settings", "gongkai.wsgi", "gongkai.cli", "gongkai.testing"}
SUBNODES = {"gongkai.deployment"}  # sub-packages that are a node of their own
SKIPPED_DIRS = {"tests", "migrations", "__pycache__"}
BOTTOM_APPS = {"audit": {"gongkai"}}  # app → the only first-party packages it may import
INFRASTRUCTURE = {"gongkai", "report_formats"}  # import no app
TOP = {"workbench"}  # imported by nothing (except the project root)


def first_party_packages() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir()
                  if (p / "__init__.py").is_file() and p.name not in EXCLUDED_PACKAGES and not p.name.startswith("."))


PACKAGES = first_party_packages()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def node_of(module: str) -> str | None:
    """The graph node a module belongs to (None: not first-party, or the project root)."""
    if module in PROJECT_ROOT_MODULES or any(module.startswith(m + ".") for m in PROJECT_ROOT_MODULES):
        return None
    for sub in SUBNODES:
        if module == sub or module.startswith(sub + "."):
            return sub
    top = module.split(".")[0]
    return top if top in PACKAGES else None


def source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
                continue
            yield path


def resolve(module: str, is_package: bool, node: ast.ImportFrom | ast.Import, alias: ast.alias) -> list[str]:
    """The absolute module names an import statement may name."""
    if isinstance(node, ast.Import):
        return [alias.name]
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    # `from pkg import name`: the name may be a submodule (`from appeals import statistics`).
    return [target, f"{target}.{alias.name}"]


class Import:
    def __init__(self, path: Path, line: int, target: str, in_function: bool, in_ready: bool, commented: bool):
        self.path, self.line, self.target = path, line, target
        self.in_function, self.in_ready, self.commented = in_function, in_ready, commented

    def __str__(self):
        return f"{self.path.relative_to(ROOT)}:{self.line} imports {self.target}"


def imports_of(path: Path) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    module = module_name(path)
    is_package = path.name == "__init__.py"
    found = []

    def visit(parent, in_function: bool, in_ready: bool):
        statements = [n for n in ast.iter_child_nodes(parent) if isinstance(n, ast.stmt)]
        for child in ast.iter_child_nodes(parent):
            if isinstance(child, ast.Import | ast.ImportFrom):
                commented = in_function and _explained(child, lines, statements)
                for alias in child.names:
                    named = resolve(module, is_package, child, alias)
                    targets = [t for t in named if node_of(t)] or named  # a library: the module it names
                    found.append(Import(path, child.lineno, targets[0], in_function, in_ready, commented))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                ready = in_ready or (child.name == "ready" and isinstance(parent, ast.ClassDef))
                visit(child, True, ready)
            else:
                visit(child, in_function, in_ready)

    visit(tree, False, False)
    return found


def _explained(node, lines: list[str], siblings: list) -> bool:
    """A comment on the import's own lines, or on the line above the run of import statements it starts or
    belongs to."""
    if any("#" in lines[i - 1] for i in range(node.lineno, node.end_lineno + 1)):
        return True
    position = siblings.index(node)
    first = node
    while position > 0 and isinstance(siblings[position - 1], ast.Import | ast.ImportFrom) \
            and siblings[position - 1].end_lineno == first.lineno - 1:
        position -= 1
        first = siblings[position]
        if any("#" in lines[i - 1] for i in range(first.lineno, first.end_lineno + 1)):
            return True
    above = first.lineno - 1
    return above >= 1 and lines[above - 1].strip().startswith("#")


def collect() -> tuple[dict[tuple[str, str], list[Import]], list[Import]]:
    edges: dict[tuple[str, str], list[Import]] = defaultdict(list)
    all_imports = []
    for path in source_files():
        source = node_of(module_name(path))  # None: the project root, which is no node but keeps the import rule
        for item in imports_of(path):
            all_imports.append(item)
            target = node_of(item.target)
            if source and target and target != source:
                edges[(source, target)].append(item)
    return edges, all_imports


def graph(edges) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {n: set() for n in [*PACKAGES, *SUBNODES]}
    for source, target in edges:
        result[source].add(target)
    return result


def strongly_connected(g: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; iterative enough for a graph of twenty nodes (recursion depth ≤ nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            components.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return components


def layers(g: dict[str, set[str]]) -> list[list[str]]:
    """Layer 0 imports nothing first-party; layer n imports only from layers below n (needs no cycle)."""
    level: dict[str, int] = {}

    def depth(v: str) -> int:
        if v not in level:
            level[v] = 0
            level[v] = 1 + max((depth(w) for w in g[v]), default=-1)
        return level[v]

    for v in g:
        depth(v)
    result: list[list[str]] = [[] for _ in range(max(level.values()) + 1)]
    for v, n in level.items():
        result[n].append(v)
    return [sorted(layer) for layer in result]


EDGES, IMPORTS = collect()
GRAPH = graph(EDGES)


def _describe(source: str, target: str) -> str:
    found = EDGES[(source, target)]
    return f"  {source} → {target}: " + "; ".join(str(i) for i in found[:3]) + (
        f" (+{len(found) - 3})" if len(found) > 3 else "")


def test_the_graph_covers_the_apps():
    assert {"audit", "orgs", "workbench", "disclosure_requests", "reports", "gongkai"} <= set(GRAPH)
    assert GRAPH["reports"] >= {"disclosure_requests", "appeals"}  # the walker finds real edges


def test_no_cycles_between_apps():
    cycles = [c for c in strongly_connected(GRAPH) if len(c) > 1]
    message = []
    for component in cycles:
        message.append("cycle among " + ", ".join(component) + ":")
        message += [_describe(a, b) for a in component for b in component if (a, b) in EDGES]
    assert not cycles, "\n".join(message)


def test_shared_infrastructure_imports_no_app():
    bad = [_describe(source, target) for (source, target) in EDGES
           if source in INFRASTRUCTURE and target not in INFRASTRUCTURE]
    assert not bad, "gongkai's shared modules and report_formats import no app:\n" + "\n".join(bad)


def test_the_audit_trail_is_the_bottom():
    bad = [_describe(source, target) for (source, target) in EDGES
           if source in BOTTOM_APPS and target not in BOTTOM_APPS[source]]
    assert not bad, "audit imports no other app (foreign keys by string):\n" + "\n".join(bad)


def test_nothing_imports_the_workbench():
    bad = [_describe(source, target) for (source, target) in EDGES if target in TOP]
    assert not bad, ("apps offer menu entries as AppConfig.workbench_menu, they do not import workbench:\n"
                     + "\n".join(bad))


def unexplained_function_level_imports() -> list[Import]:
    return [i for i in IMPORTS if i.in_function and not i.in_ready and not i.commented]


def test_function_level_imports_say_why():
    """Every function-level import — first-party, library or standard library — says why it is not at module
    level (issue 14)."""
    unexplained = [f"{i.path.relative_to(ROOT).as_posix()}:{i.line} → {i.target}"
                   for i in unexplained_function_level_imports()]
    assert not unexplained, ("import at module level, or say why not in a comment (# cycle: … / # lazy: …):\n"
                             + "\n".join(unexplained))


def test_the_import_rule_sees_libraries_and_the_project_root():
    """The walker records imports of libraries and the standard library, explained or not, in the project root
    too: WeasyPrint's lazy import is seen with its comment; a standard-library import in a function without a
    comment is unexplained, with one above it (or above its run of imports) explained."""
    lazy = [i for i in IMPORTS if i.target == "weasyprint"]
    assert lazy and all(i.in_function and i.commented for i in lazy)
    assert any(i.path.name == "cli.py" and i.target.startswith("django.") for i in IMPORTS)
    source = ("def bare():\n    import bisect\n\n"
              "def said():\n    # lazy: why\n    import numpy\n    import PIL\n")
    lines = source.splitlines()
    bare, said = ast.parse(source).body
    assert not _explained(bare.body[0], lines, bare.body)
    assert all(_explained(node, lines, said.body) for node in said.body)


def describe() -> str:
    out = ["Layers (each imports only from the layers below it):"]
    for n, layer in enumerate(layers(GRAPH)):
        out.append(f"  {n}: " + "  ".join(layer))
    out.append("")
    out.append("Edges:")
    for source in sorted(GRAPH):
        if GRAPH[source]:
            out.append(f"  {source} → " + ", ".join(sorted(GRAPH[source])))
    return "\n".join(out)


if __name__ == "__main__":
    cycles = [c for c in strongly_connected(GRAPH) if len(c) > 1]
    if cycles:
        print("cycles:", cycles)
        sys.exit(1)
    print(describe())
