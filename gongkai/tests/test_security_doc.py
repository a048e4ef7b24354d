"""docs/security.md lists every control with the tests that prove it: each cited test exists (path::name, and
the ::name that follow it in the same cell belong to that path), and each cited file exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"(?P<path>\b[\w./-]+\.py)(?:::(?P<first>\w+))?|::(?P<name>\w+)")


def citations() -> tuple[set[str], set[tuple[str, str]]]:
    files, tests = set(), set()
    for line in (ROOT / "docs" / "security.md").read_text(encoding="utf-8").splitlines():
        for cell in line.split("|"):
            current = None
            for match in CITATION.finditer(cell):
                if match["path"]:
                    current = match["path"]
                    files.add(current)
                    if match["first"]:
                        tests.add((current, match["first"]))
                elif current is not None:
                    tests.add((current, match["name"]))
    return files, tests


def test_every_cited_file_and_test_exists():
    files, tests = citations()
    assert len(tests) > 100  # the table was read
    assert sorted(f for f in files if not (ROOT / f).is_file()) == []
    missing = [f"{path}::{name}" for path, name in sorted(tests)
               if not re.search(rf"^\s*(async )?def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)]
    assert missing == []
