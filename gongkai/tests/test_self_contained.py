"""The project is self-contained (issue 14): no file names a path, a document or a requirement code kept
outside the repository. The rules the code implements are written up in docs/law/ (docs/law/README.md);
comments, docstrings, templates, docs and tests cite those pages, e.g. "(docs/law/requests.md §5)" or "the
meta tags rule (docs/law/web.md)", never an outside write-up.

Which files: every file git knows about (`git ls-files --cached --others --exclude-standard`: tracked files
and new files not yet added, minus what .gitignore ignores). Without git (an exported tarball) the tree is
walked instead, leaving out .git, .venv, var, __pycache__, .hypothesis and the other ignored build and cache
folders. Binary files (a NUL byte) are skipped.

What is flagged — by rule, so that this file names no outside document itself:

* a Markdown document (`something.md`) that the repository does not hold: every `*.md` a file names must be
  one of ours (README.md, docs/…, docs/law/…), so a pointer to an outside write-up cannot creep back;
* "the spec" / "the spec's" / "spec text": the outside write-up the report formats were typed from (ours is
  docs/law/annual-report.md);
* a relative path that climbs out of the repository (`../x` from a file whose folder is the repository root);
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

Test files (under a tests/ folder, test_*.py, conftest.py) also may not name an absolute path that exists
on this machine outside the repository and outside the system's own folders (/usr, /tmp, /dev …): a test
reads only what the repository holds, what the system provides, or what it writes itself.
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
MARKDOWN_NAME = re.compile(r"(?<![\w.-])([\w-]+\.md)\b")
CLIMBING_PATH = re.compile(r"(?<![\w./-])(?:\.\./)+[\w-]+")
ABSOLUTE_PATH = re.compile(r"(?<![\w.~-])/(?:[\w.-]+/)+[\w.-]+")  # two parts at least: not a URL root
SYSTEM_FOLDERS = ("/usr", "/tmp",  # noqa: S108 - names, never written to
                   "/dev", "/proc", "/sys", "/etc", "/bin", "/lib", "/opt", "/var", "/run", "/media", "/mnt", "/srv")
OUTSIDE = [
    (re.compile(r"\bthe spec\b|\bspec's\b|\bspec text\b", re.I), "the outside spec → docs/law/"),
    (re.compile(r"\bseeds\s*[:(]|\bseeds'|\b(?:the|real|five)\s+seeds\b|\bshared\s+seeds?\b"
                r"|\bseed\s+(?:reports?|texts?|files?|inputs?|cells?)\b|\bthe shared (?:\d{4}|[\u4e00-\u9fff])",
                re.I), "the outside seed reports → cite the published report by its title"),
    (W_CODE, "outside requirement code → our rule name (docs/law/web.md §4)"),
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


def our_markdown() -> set[str]:
    return {path.rsplit("/", 1)[-1] for path in project_files() if path.endswith(".md")}


def outside_references(path: str, line: str, documents: set[str]) -> list[tuple[str, str]]:
    """The rule-based findings of one line: a Markdown document we do not hold, a path climbing out."""
    found = [(name, "a document outside the repository → docs/law/ or docs/")
             for name in MARKDOWN_NAME.findall(line) if name not in documents]
    depth = path.count("/")
    for match in CLIMBING_PATH.finditer(line):
        if match.group(0).count("../") > depth:
            found.append((match.group(0), "a path outside the repository"))
    return found


def findings(patterns, only=None, rules=True) -> list[str]:
    found = []
    documents = our_markdown()
    for path in project_files():
        if path == THIS or (only and not only(path)):
            continue
        lines = text_lines(path)
        if lines is None:
            continue
        for index, line in enumerate(lines):
            hits = [(m.group(0), why) for pattern, why in patterns
                    if (m := pattern.search(line)) and not excused(path, lines, index, pattern)]
            if rules:
                hits += outside_references(path, line, documents)
            found += [f"{path}:{index + 1}: {text!r} ({why}): {line.strip()[:160]}" for text, why in hits]
    return found


def outside_absolute_paths(line: str) -> list[str]:
    """Absolute paths that exist on this machine outside the repository and the system's own folders."""
    paths = []
    for match in ABSOLUTE_PATH.finditer(line):
        candidate = Path(match.group(0))
        if candidate.as_posix().startswith(SYSTEM_FOLDERS) or candidate.as_posix() == "/":
            continue
        if candidate.exists() and ROOT not in candidate.resolve().parents and candidate.resolve() != ROOT:
            paths.append(match.group(0))
    return paths


def test_no_file_names_a_document_path_or_code_outside_the_repository():
    found = findings(OUTSIDE)
    assert not found, f"{len(found)} references to things outside the repository:\n" + "\n".join(found)


def test_no_test_names_an_absolute_path_outside_the_repository():
    found = []
    for path in project_files():
        lines = text_lines(path) if path != THIS and is_test_file(path) else None
        for index, line in enumerate(lines or []):
            found += [f"{path}:{index + 1}: {p!r}" for p in outside_absolute_paths(line)]
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


def test_the_patterns_flag_outside_names_and_spare_our_own(tmp_path, monkeypatch):
    documents = our_markdown()

    def flagged(text, path="reports/formats.py"):
        return ([why for pattern, why in OUTSIDE if pattern.search(text)]
                + outside_references(path, text, documents))

    for outside in ("see W-31", "(W-22)", "`W-01`", "W-15/W-16", "notes-kept-elsewhere.md §4.1",
                    "(ELSEWHERE.md, Privacy)", "../../outside/x", "seeds: 湘西州2017",
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
                 "《湘西州2017年政府信息公开工作年度报告》", "/opt/gongkai", "docs/law/web.md §4",
                 "see docs/law/requests.md §5", "(README.md)", "[notices](notices.md)", "../static/x.css"):
        assert not flagged(ours), ours
    assert flagged("../x.md", path="README.md") and not flagged("../static/x", path="portal/templates/x.html")
    assert not outside_absolute_paths(f'Path("{ROOT / "docs"}") /usr/bin/chromium {tmp_path} /no/such/folder')
    monkeypatch.setattr(f"{__name__}.SYSTEM_FOLDERS", ())  # tmp_path: exists, outside the repository
    assert outside_absolute_paths(f'Path("{tmp_path}")') == [str(tmp_path)]
    assert is_test_file("reports/tests/legacy_reports.py") and is_test_file("conftest.py")
    assert not is_test_file("reports/validation.py")
