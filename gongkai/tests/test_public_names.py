"""What one module offers another has a public name (issue 14): no module imports a `_private` name from
another module, nor reaches one through an imported module (`services._helper`). A name used across modules
is part of an interface: it gets a public name (and a docstring), or the caller stops needing it.

Which files: every first-party .py file git knows about (the apps, the shared `gongkai` package, report_formats,
bench/ and deploy/), tests and migrations left out: a test may open up the module it tests. Names of the
form `__x__` are not private. The attribute check follows only names bound to a first-party module by an import
(`from gongkai import file_reading`, `import reports.services as services`), not a class's attributes (Django's
`Model._meta` is public API).
"""

import ast

from gongkai.tests.test_self_contained import ROOT, is_test_file, project_files

# Files of other owners that did this when the check was written (issue 14); each entry is removed when its
# file is fixed, and the test fails on an entry that no longer holds, so the list only shrinks.
KNOWN = {
    "bench/auditor.py → report_checkup.importers.tables._lookup",
    "bench/auditor.py → report_checkup.importers.tables._norm",
    "report_checkup/importers/ocr.py → report_checkup.importers.readers._add_tables",
    "report_checkup/importers/ocr.py → report_checkup.importers.readers._finding",
    "report_checkup/importers/pdf_unruled.py → report_checkup.importers.pdf_tables._THIN_SPACES",
}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_of(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(path: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = _module_of(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_module(dotted: str) -> bool:
    """A module or package of the repository (an imported class's attributes, such as Model._meta, are not
    followed)."""
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _first_party(files: list[str]) -> set[str]:
    return {path.split("/", 1)[0] for path in files if "/" in path and path.endswith(".py")}


def private_uses(path: str, source: str, first_party: set[str]) -> set[str]:
    """`path → module.name` for each private name of another first-party module that `path` uses."""
    tree = ast.parse(source)
    own = _module_of(path)
    modules: dict[str, str] = {}  # local name → first-party module it is bound to
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            if module.split(".")[0] not in first_party:
                continue
            for alias in node.names:
                if _private(alias.name) and module != own:
                    found.add(f"{path} → {module}.{alias.name}")
                if _is_module(f"{module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in first_party:
                    local = alias.asname or alias.name.split(".")[0]
                    modules[local] = alias.name if alias.asname else local
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            chain, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in modules:
                target = ".".join([modules[value.id], *reversed(chain[1:])])
                if target != own:
                    found.add(f"{path} → {target}.{node.attr}")
    return found


def all_private_uses() -> set[str]:
    files = project_files()
    first_party = _first_party(files)
    found = set()
    for path in files:
        if not path.endswith(".py") or is_test_file(path) or "/migrations/" in path:
            continue
        try:
            source = (ROOT / path).read_text(encoding="utf-8")
        except OSError:  # listed by git, deleted in the working tree
            continue
        found |= private_uses(path, source, first_party)
    return found


def test_no_module_uses_another_module_s_private_names():
    found = all_private_uses()
    assert not found - KNOWN, "give these a public name (or stop needing them):\n" + "\n".join(sorted(found - KNOWN))
    assert not KNOWN - found, "fixed — remove from KNOWN:\n" + "\n".join(sorted(KNOWN - found))


def test_the_check_sees_both_forms_and_spares_a_module_s_own_names():
    first_party = {"reports", "gongkai", "portal"}
    source = "\n".join([
        "from portal.catalogue import _int, parse_filters",
        "from reports import services",
        "import gongkai.tables as tables",
        "from . import _own_helper",
        "from .models import _Hidden",
        "services._table_three(1)",
        "tables._decode(b'')",
        "services.compute_cells(1)",
        "self._cache, obj._meta, __name__",
        "from django.db import _private_of_django",
    ])
    assert private_uses("reports/views.py", source, first_party) == {
        "reports/views.py → portal.catalogue._int",
        "reports/views.py → reports._own_helper",
        "reports/views.py → reports.models._Hidden",
        "reports/views.py → reports.services._table_three",
        "reports/views.py → gongkai.tables._decode",
    }
    # A package's own __init__ may use its own private names.
    assert private_uses("reports/services/__init__.py", "from . import _x", first_party) == set()
