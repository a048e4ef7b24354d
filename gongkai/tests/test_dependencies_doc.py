"""docs/dependencies.md is current (issue 14): every dependency pyproject.toml declares (with its extras, such as
a benchmark's peer) has a row saying why (the test tools in its "Test-only" paragraph), and the table names no
package that is no longer declared."""

import re
import tomllib

from gongkai.tests.test_self_contained import ROOT

PAGE = ROOT / "docs" / "dependencies.md"


def _name(requirement: str) -> str:
    """"psycopg[binary]>=3.2" → "psycopg"; names compared as PyPI does (case and -/_/. alike)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement.strip()).group(0)).lower()


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    runtime = {_name(r) for r in project["dependencies"]}
    runtime |= {_name(r) for extra, requirements in extras.items() if extra != "test" for r in requirements}
    test = {_name(r) for r in extras.get("test", [])}
    return runtime, test


def table_rows() -> list[str]:
    """The first cells of the dependency table (one or more packages each: "django-tasks 0.12, django-tasks-db 0.13",
    "pypdfium2, pdfplumber (with pdfminer.six)"; the part in brackets names what comes with them)."""
    rows = [line for line in PAGE.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    return [row.split("|")[1].strip() for row in rows[1:] if not row.startswith("|---")]


def documented() -> set[str]:
    names = set()
    for cell in table_rows():
        cell = re.sub(r"\([^)]*\)", "", cell)
        names |= {_name(part) for part in cell.split(",") if re.match(r"\s*[A-Za-z]", part)}
    return names


def test_every_dependency_has_a_row_and_every_row_a_dependency():
    runtime, _test = declared()
    assert runtime, "pyproject.toml declares no dependency?"
    assert sorted(runtime - documented()) == [], "declared in pyproject.toml, no row in docs/dependencies.md"
    assert sorted(documented() - runtime) == [], "a row in docs/dependencies.md, not declared in pyproject.toml"


def test_the_test_tools_are_named():
    _runtime, test = declared()
    text = PAGE.read_text(encoding="utf-8")
    paragraph = text[text.index("Test-only:"):].split("\n\n", 1)[0]
    assert sorted(t for t in test if _name(t) not in {_name(w) for w in re.findall(r"[A-Za-z][\w.-]*\w", paragraph)}) == []


def test_the_parsing():
    assert _name("psycopg[binary]>=3.2") == "psycopg" and _name("Django>=5.2,<5.3") == "django"
    assert _name("django_tasks") == _name("django-tasks") == _name("Django.Tasks")
    assert {"pypdfium2", "pdfplumber", "django", "django-tasks", "django-tasks-db", "psycopg"} <= documented()
    assert "pdfminer-six" not in documented()  # "(with pdfminer.six)": comes with pdfplumber
