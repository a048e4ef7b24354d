"""The project is self-contained (issue 14): no file names a path, a document or a requirement code kept
outside the repository. The rules the code implements are written up in docs/law/ (docs/law/README.md);
comments, docstrings, templates, docs and tests cite those pages, e.g. "(docs/law/requests.md §5)" or "the
meta tags rule (docs/law/web.md)", never an outside write-up.

Which files: every file git knows about (`git ls-files --cached --others --exclude-standard`: tracked files
and new files not yet added, minus what .gitignore ignores). Without git (an exported tarball) the tree is
walked instead, leaving out .git, .venv, var, __pycache__, .hypothesis and the other ignored build and cache
folders. Binary files (a NUL byte) are skipped. This file is left out: it has to spell the names.

What is flagged (`OUTSIDE`):

* the outside documents by name: regulation-rules(.md), annual-report-formats(.md), glossary, web-requirements
  (.md), technology-notes(.md), DEVELOPERS(.md), and "the spec" / "the spec's" / "spec text" (the outside
  write-up the annual-report formats were typed from; our own is docs/law/annual-report.md);
* outside paths: /work/shared, ../shared, shared/spec, shared/seeds;
* the five published reports that used to be test inputs, called "seeds": "seeds:" / "seeds (", "seeds'",
  "the/real/five seeds", "shared seed(s)", "seed report(s)/text(s)/file(s)/input(s)/cell(s)" and "the shared
  2018 …". The word alone is not flagged: random seeds (`seed=7`, `--seed`, `DEFAULT_SEED`, "the seed
  chooses"), the data migration that seeds the topics and "the bench seeds its own SQLite file" are ours. A
  published report may be cited by its title (《湘西州2017年政府信息公开工作年度报告》) as a public source;
* the outside requirement codes `W-` + digits (W-31) when not preceded by a letter or a hyphen, so that our
  own check and finding codes (IMP-W01, D-W06, LOC-W04, LG-E05) are not touched.

The one exception is the table of docs/law/web.md §4 ("Old requirement codes → rule names"), which keeps the
old codes so that anyone holding one can find our rule name. Only the W-code pattern is excused there, and
only in that section's table rows whose first cell is the code (`| W-31 | meta tags | web.md §1 |`);
`test_the_old_code_table_is_the_only_exception` keeps the exception from growing.

Test files (under a tests/ folder, test_*.py, conftest.py) also may not name an absolute path under /work/
or a ../shared folder: a test reads only what the repository holds or what it writes itself.
"""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()
OLD_CODES_PAGE = "docs/law/web.md"
OLD_CODES_HEADING = re.compile(r"^## 4\. Old requirement codes")
OLD_CODE_ROW = re.compile(r"^\| W-\d+ \|")

# Folders never walked when git is unavailable (.gitignore, plus git's own).
WALK_SKIP = {".git", ".venv", "var", "__pycache__", ".hypothesis", ".pytest_cache", ".ruff_cache", "build",
             "node_modules"}

W_CODE = re.compile(r"(?<![A-Za-z-])W-\d+")
OUTSIDE = [
    (re.compile(r"regulation-rules"), "outside document regulation-rules.md → docs/law/"),
    (re.compile(r"annual-report-formats"), "outside document annual-report-formats.md → docs/law/annual-report.md"),
    (re.compile(r"\bglossary\b", re.I), "outside document glossary.md → docs/law/"),
    (re.compile(r"web-requirements"), "outside document web-requirements.md → docs/law/web.md"),
    (re.compile(r"technology-notes"), "outside document technology-notes.md → docs/benchmarks.md or our words"),
    (re.compile(r"\bDEVELOPERS\b"), "outside document DEVELOPERS.md → docs/architecture.md"),
    (re.compile(r"\bthe spec\b|\bspec's\b|\bspec text\b", re.I), "the outside spec → docs/law/"),
    (re.compile(r"/work/shared|\.\./shared|\bshared/(?:spec|seeds)\b"), "path outside the repository"),
    (re.compile(r"\bseeds\s*[:(]|\bseeds'|\b(?:the|real|five)\s+seeds\b|\bshared\s+seeds?\b"
                r"|\bseed\s+(?:reports?|texts?|files?|inputs?|cells?)\b|\bthe shared (?:\d{4}|[\u4e00-\u9fff])",
                re.I), "the outside seed reports → cite the published report by its title"),
    (W_CODE, "outside requirement code → our rule name (docs/law/web.md §4)"),
]
TEST_ONLY = [
    (re.compile(r"/work/|\.\./shared"), "a test names a path outside the repository"),
]


def project_files() -> list[str]:
    """Paths relative to ROOT, POSIX style."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
            cwd=ROOT, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        result = None
    if result is not None and result.returncode == 0 and result.stdout:
        return sorted({p for p in result.stdout.decode("utf-8", "replace").split("\0") if p})
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in WALK_SKIP and not d.endswith(".egg-info")]
        found += [(Path(folder) / f).relative_to(ROOT).as_posix() for f in files]
    return sorted(found)


def text_lines(path: str) -> list[str] | None:
    try:
        data = (ROOT / path).read_bytes()
    except OSError:  # listed by git but deleted in the working tree, or a dangling link
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", "replace").splitlines()


def is_test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return "/tests/" in f"/{path}" or name.startswith("test_") or name == "conftest.py"


def old_code_section(lines: list[str]) -> range:
    """Line indexes of docs/law/web.md §4: from its heading to the next level-2 heading or the end."""
    start = next((i for i, line in enumerate(lines) if OLD_CODES_HEADING.match(line)), None)
    if start is None:
        return range(0)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return range(start, end)


def excused(path: str, lines: list[str], index: int, pattern: re.Pattern) -> bool:
    return (pattern is W_CODE and path == OLD_CODES_PAGE and index in old_code_section(lines)
            and bool(OLD_CODE_ROW.match(lines[index])))


def findings(patterns, only=None) -> list[str]:
    found = []
    for path in project_files():
        if path == THIS or (only and not only(path)):
            continue
        lines = text_lines(path)
        if lines is None:
            continue
        for index, line in enumerate(lines):
            for pattern, why in patterns:
                match = pattern.search(line)
                if match and not excused(path, lines, index, pattern):
                    found.append(f"{path}:{index + 1}: {match.group(0)!r} ({why}): {line.strip()[:160]}")
    return found


def test_no_file_names_a_document_path_or_code_outside_the_repository():
    found = findings(OUTSIDE)
    assert not found, f"{len(found)} references to things outside the repository:\n" + "\n".join(found)


def test_no_test_names_an_absolute_path_outside_the_repository():
    found = findings(TEST_ONLY, only=is_test_file)
    assert not found, "tests reading outside the repository:\n" + "\n".join(found)


def test_the_old_code_table_is_the_only_exception():
    lines = text_lines(OLD_CODES_PAGE)
    assert lines, OLD_CODES_PAGE
    section = old_code_section(lines)
    rows = [lines[i] for i in section if OLD_CODE_ROW.match(lines[i])]
    # One row per old code, W-01 … W-51, each with a rule name and a page.
    assert [row.split("|")[1].strip() for row in rows] == [f"W-{n:02d}" for n in range(1, 52)]
    assert all(row.split("|")[2].strip() and row.split("|")[3].strip() for row in rows)
    # Nothing else on the page (its prose included) names an old code.
    assert not [i + 1 for i, line in enumerate(lines) if W_CODE.search(line) and not excused(
        OLD_CODES_PAGE, lines, i, W_CODE)]


def test_the_patterns_flag_outside_names_and_spare_our_own():
    def flagged(text):
        return [why for pattern, why in OUTSIDE if pattern.search(text)]

    for outside in ("see W-31", "(W-22)", "`W-01`", "W-15/W-16", "regulation-rules.md §4.1",
                    "annual-report-formats §5.2", "glossary §9", "web-requirements §D", "technology-notes:",
                    "(DEVELOPERS.md, Privacy)", "/work/shared/spec/x.md", "../shared/seeds", "seeds: 湘西州2017",
                    "Seeds: 盐池县2018", "at the seeds' scale", "(shared seeds)", "the seeds print",
                    "the shared 2018 report", "the shared 湘西州 2017 report", "Codes are the spec's.",
                    "typed from the spec", "hand-read seed cells"):
        assert flagged(outside), outside
    for ours in ("IMP-W01", "IMP-W12", "LG-E05", "D-W06", "LOC-W04", "T3-W01", "test_w31_meta_tags",
                 "seed=7", "--seed", "DEFAULT_SEED", "the seed chooses agencies", "def seed(apps, schema_editor):", "seed: int",
                 "The bench seeds its own SQLite file", "# seeds var/bench/report.sqlite3",
                 "migration 0002 seeds through the default database", "deterministic for a seed",
                 "reports/tests/test_seeds.py", "test_seed_label_variants_match_the_canonical_row",
                 "shared by the reply letters and the annual report", "the OpenAPI spec", "spec = FORMATS[fmt]",
                 "《湘西州2017年政府信息公开工作年度报告》", "/opt/gongkai", "docs/law/web.md §4"):
        assert not flagged(ours), ours
    assert is_test_file("reports/tests/legacy_reports.py") and is_test_file("conftest.py")
    assert not is_test_file("reports/validation.py")
