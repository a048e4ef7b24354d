"""The test column of docs/law/ stays true (docs/law/README.md, "How to read an entry"; issue 13 point 8).

Every rule of docs/law/*.md names the tests that fail when the rule is broken. A name that no longer exists (a test
renamed, moved or deleted) would leave a rule looking covered when nothing checks it, so these tests read every
page and check:

* every cited test exists: `path/to/test_file.py::test_name` is a test function of that file (module level or in a
  class, read with ast, never by grepping text); `…::test_name` is one of the file cited just before it on the same
  line; a bare `test_name` is one of the files the page names for its tests ("Tests are in `x.py` and `y.py`");
  a parametrized id (`test_name[param]`) counts as its function;
* every cited test file exists (`path/to/test_file.py` alone names a whole file);
* every rule row of a table whose last column is "test" names at least one test, or says "none" (no automated test
  yet) or "same" / "see above" (the tests of the row above);
* no rule is left marked pending: the marker was retired when issue 13 landed.

The checker itself is tested on a made-up page, so that a checker that finds nothing cannot pass unnoticed.
"""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAW = ROOT / "docs" / "law"
PLACEHOLDER = "path/to/"  # README.md's description of the column, not a citation

TOKEN = re.compile(r"`([^`\n]+)`")
FULL = re.compile(r"^([\w./-]+\.py)::(\w+)(?:\[[^\]]*\])?$")
SAME_FILE = re.compile(r"^(?:…|\.\.\.)::(\w+)(?:\[[^\]]*\])?$")
BARE_TEST = re.compile(r"^(test_\w+)(?:\[[^\]]*\])?$")
TEST_FILE = re.compile(r"^[\w./-]+/test_\w+\.py$")
TESTS_ARE_IN = re.compile(r"Tests are in\s+((?:`[^`]+\.py`(?:\s*(?:,|and|,\s*and)\s*)?)+)")
NO_TEST = ("none", "same", "see above")
PENDING = re.compile(r"\bpending\b", re.I)  # the retired marker: "pending (issue 13)" in the code or test column


@cache
def functions_of(path: str) -> frozenset[str]:
    """Names of the functions a test file defines, at module level and in its classes."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    return frozenset(names)


def page_test_files(text: str) -> list[str]:
    """The files a page names for its tests in its prose ("Tests are in `a.py` and `b.py`")."""
    prose = " ".join(line for line in text.splitlines() if not line.lstrip().startswith("|"))
    return [path for match in TESTS_ARE_IN.finditer(prose) for path in TOKEN.findall(match.group(1))]


def table_rows(text: str):
    """(line number, cells) of every body row of a table whose header's last column is "test"."""
    header = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = [cell.lower() for cell in cells]
        elif not set(line) <= set("|-: ") and header[-1] == "test":
            yield number, cells


def broken_citations(name: str, text: str) -> list[str]:
    """What is wrong with the test citations of one page (name: for the messages)."""
    found = []
    defaults = page_test_files(text)

    def exists(path: str) -> bool:
        return (ROOT / path).is_file()

    for path in defaults:
        if not exists(path):
            found.append(f"{name}: the page's test file {path} does not exist")
    for number, line in enumerate(text.splitlines(), 1):
        previous = None
        for token in TOKEN.findall(line):
            where = f"{name}:{number}: `{token}`"
            if token.startswith(PLACEHOLDER):
                continue
            if full := FULL.match(token):
                path, test = full.groups()
                previous = path
                if not exists(path):
                    found.append(f"{where}: no file {path}")
                elif test not in functions_of(path):
                    found.append(f"{where}: {path} defines no {test}")
            elif same := SAME_FILE.match(token):
                if previous is None:
                    found.append(f"{where}: “…” with no file cited before it on the line")
                elif exists(previous) and same.group(1) not in functions_of(previous):
                    found.append(f"{where}: {previous} defines no {same.group(1)}")
            elif TEST_FILE.match(token):
                previous = token
                if not exists(token):
                    found.append(f"{where}: no file {token}")
            elif bare := BARE_TEST.match(token):
                files = [path for path in defaults if exists(path)]
                if not files:
                    found.append(f"{where}: a bare test name on a page that names no test file")
                elif not any(bare.group(1) in functions_of(path) for path in files):
                    found.append(f"{where}: none of {', '.join(files)} defines {bare.group(1)}")
    return found


def pending(cells: list[str]) -> bool:
    """A row marked pending: the word in its code or test column outside `code` spans (`filed_or_pending`,
    `test_…_pending` are names), or "pending (issue" anywhere."""
    return (any(PENDING.search(TOKEN.sub("", cell)) for cell in cells[-2:])
            or any("pending (issue" in cell.lower() for cell in cells))


def rows_without_tests(name: str, text: str) -> list[str]:
    found = []
    for number, cells in table_rows(text):
        cell = cells[-1]
        names_a_test = any(FULL.match(t) or SAME_FILE.match(t) or TEST_FILE.match(t) or BARE_TEST.match(t)
                           for t in TOKEN.findall(cell))
        if not names_a_test and not cell.lower().startswith(NO_TEST):
            found.append(f"{name}:{number}: the test column names no test and does not say none: {cell[:80]!r}")
    return found


def pages() -> list[tuple[str, str]]:
    return [(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")) for path in sorted(LAW.glob("*.md"))]


def test_every_cited_test_exists():
    found = [problem for name, text in pages() for problem in broken_citations(name, text)]
    assert not found, f"{len(found)} test citations in docs/law/ that do not resolve:\n" + "\n".join(found)


def test_every_rule_row_names_its_test_or_says_none():
    found = [problem for name, text in pages() for problem in rows_without_tests(name, text)]
    assert not found, "\n".join(found)


def test_no_rule_is_left_pending():
    found = [f"{name}:{number}: {' | '.join(cells)[:120]}" for name, text in pages()
             for number, cells in table_rows(text) if pending(cells)]
    assert not found, "rules still marked pending (issue 13: none may be):\n" + "\n".join(found)


def test_the_pages_cite_the_tests_of_issue_13():
    """Issue 13's rules each have their test on a page: the two tests the issue's "Done means" names, and one per
    numbered point (复议前置, consultation lapses, 第三十二条's notice, step dates, consultation periods, the report
    publication guards, and the smaller points)."""
    text = "\n".join(text for _, text in pages())
    for citation in (
        "disclosure_requests/tests/test_remedies.py::test_refusal_decided_in_2026_offers_review_first_and_the_later_suit",
        "disclosure_requests/tests/test_remedies.py::test_refusal_decided_in_2023_reads_as_before",
        "disclosure_requests/tests/test_consultations.py::test_article_33_pause_ends_by_itself_at_the_lapse",
        "disclosure_requests/tests/test_consultations.py::test_article_32_the_notice_letter_goes_to_the_third_party",
        "disclosure_requests/tests/test_dates.py::test_every_dated_transition_refuses_a_date_after_today",
        "consultations/tests/test_periods.py::test_rule_draft_period_counts_from_actual_publication",
        "reports/tests/test_publication_guards.py::test_gaps_need_a_second_head_and_a_recorded_reason",
        "disclosure_requests/tests/test_rules.py::test_article_30_still_unclear_only_after_a_correction",
        "disclosure_requests/tests/test_intake_institutions.py::test_unmarked_institution_refuses_every_intake",
        "workdays/tests/test_services.py::test_fixed_date_holidays_follow_the_version_in_force",
    ):
        assert f"`{citation}`" in text, citation


def test_the_checker_finds_what_is_wrong():
    """A made-up page: one good citation of each form, and one broken citation of each form."""
    good = "disclosure_requests/tests/test_remedies.py"
    page = "\n".join([
        "# made up", "", f"Tests are in `{good}`.", "",
        "| rule | source | code | test |", "|---|---|---|---|",
        f"| a | 条例 | `x` | `{good}::test_the_rule_is_a_setting`; `…::test_other_outcomes_keep_the_either_or[granted]` |",
        "| b | 条例 | `x` | `test_refusal_decided_in_2023_reads_as_before`; `disclosure_requests/tests/test_rules.py` |",
        "| c | 条例 | `x` | none |",
        f"| d | 条例 | `x` | `{good}::test_no_such_test` |",
        f"| e | 条例 | `x` | `{good}::test_the_rule_is_a_setting`; `…::test_gone` |",
        "| f | 条例 | `x` | `test_renamed_long_ago` |",
        "| g | 条例 | `x` | `disclosure_requests/tests/test_nothing_here.py::test_x` |",
        "| h | 条例 | `x` | covered by hand |",
        "| i | 条例 | `x` | pending (issue 13) |",
        "| j | 条例 | `filed_or_pending` | `consultations/tests/test_consultations.py::"
        "test_ordinary_concern_48_hours_and_pending` |",
        "| k | 条例 | pending: a notice | none |",
    ])
    broken = broken_citations("made-up page", page)
    assert [line.split(":")[1] for line in broken] == ["10", "11", "12", "13"], broken
    assert "defines no test_no_such_test" in broken[0] and "defines no test_gone" in broken[1]
    assert "defines test_renamed_long_ago" in broken[2] and "no file" in broken[3]
    assert [line.split(":")[1] for line in rows_without_tests("made-up page", page)] == ["14", "15"]
    assert [n for n, cells in table_rows(page) if pending(cells)] == [15, 17]
    assert page_test_files("Tests are in\n`a/test_x.py` and `b/test_y.py` unless stated.") == ["a/test_x.py",
                                                                                                 "b/test_y.py"]
