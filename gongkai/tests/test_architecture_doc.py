"""docs/architecture.md matches the code (issue 14): its dependency table has every app of the graph in the layer
gongkai/tests/test_app_graph.py computes, and each row names exactly the apps that package imports (the edges
to `audit` and to the shared `gongkai` code are left out there, as the page says); the diagram names every
Gongkai app of INSTALLED_APPS."""

import re

from django.conf import settings

from gongkai.tests.test_app_graph import GRAPH, PACKAGES, ROOT, layers

PAGE = ROOT / "docs" / "architecture.md"
NODES = sorted({*GRAPH}, key=len, reverse=True)
NOT_IN_ROWS = {"audit", "gongkai"}  # "Not listed above: the edges to `audit` … and to the shared `gongkai` code"
PROSE_ROWS = {"demo", "workbench"}  # described in words ("every case app's services"): named apps must be edges


def _table() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Dependencies between apps", 1)[1]
    block = section.split("```", 2)[1]
    return block.splitlines()


def _mentioned(text: str) -> set[str]:
    # A package name on its own: not part of a longer name, not a module path (orgs.Agency, workbench.desk).
    return {n for n in NODES if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w]|\.\w)", text)}


def documented_rows() -> tuple[dict[str, int], dict[str, set[str]]]:
    """package → its layer, package → the packages its row (with continuation lines) names."""
    layer_of, names, current, package = {}, {}, None, None
    for line in _table()[1:]:
        row = re.match(r"^\s{1,4}(\d+)\s{2,}(\S.*)$", line)
        continued = re.match(r"^\s{8}(\S.*)$", line)
        if row:
            current, rest = int(row.group(1)), row.group(2)
        elif continued and line[8:9].strip() and not line.startswith(" " * 12):
            rest = continued.group(1)
        else:
            if package and line.strip() and line.startswith(" " * 12):
                names[package] |= _mentioned(line)
            continue
        if current == 0:  # "gongkai (shared code) · report_formats   import no app"
            for shared in ("gongkai", "report_formats"):
                layer_of[shared], names[shared] = 0, set()
            package = None
            continue
        package, _, edges = rest.partition("  ")
        layer_of[package] = current
        names[package] = _mentioned(edges)
    return layer_of, names


def test_every_package_is_in_its_layer():
    layer_of, _names = documented_rows()
    computed = {package: n for n, layer in enumerate(layers(GRAPH)) for package in layer}
    assert layer_of == computed


def test_each_row_names_the_packages_it_imports():
    _layer_of, names = documented_rows()
    wrong = {}
    for package, named in names.items():
        named = named - NOT_IN_ROWS - {package}
        actual = GRAPH[package] - NOT_IN_ROWS
        if (named - actual) if package in PROSE_ROWS else (named != actual):
            wrong[package] = {"page": sorted(named), "code": sorted(actual)}
    assert not wrong


def test_the_diagram_names_every_app():
    text = PAGE.read_text(encoding="utf-8")
    ours = [app for app in settings.INSTALLED_APPS if app.split(".")[0] in PACKAGES]
    assert len(ours) >= 18
    missing = [app for app in ours if not re.search(rf"(?<![\w.]){re.escape(app)}(?!\w)", text)]
    assert not missing
