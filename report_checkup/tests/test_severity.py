"""Severity that means something (issue 17 §3): a cell the reader could not read is 未能读取 — its own class,
never an error, never counted as one; an error is only a broken identity between numbers that were read; the
result says per table how many cells were read of how many expected. And `gongkai audit` (the issue's name for
`gongkai checkup`): a consistent report prints no error, a report whose printed totals contradict their parts
prints exactly those errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from report_checkup.checkup import check_bytes, counts

from . import test_importers_fixtures as X

# 行政复议 printed 10/1/0/0 with 总计 0 and 复议后起诉 5/0/0/0 with 总计 0 (the real 2023 report).
BROKEN_T4 = ("10", "1", "0", "0", "0", "0", "0", "0", "1", "1", "5", "0", "0", "0", "0")
BLANK_TOTAL = X.with_t3_values("closed_total", ("30", "3", "1", "", "2", "1", "37"))


def _errors(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["severity"] == "error"]


def test_consistent_report_has_no_error_and_every_cell_read():
    report = check_bytes(X.as_tsv().encode("utf-8"), "ok.tsv")
    assert _errors(report) == []
    assert counts(report)["unread"] == 0
    assert [(t["name"], t["read"], t["expected"]) for t in report["tables"]] == [
        ("表二", 10, 10), ("表三", 175, 175), ("表四", 15, 15)]


def test_broken_totals_are_exactly_the_errors():
    report = check_bytes(X.as_tsv(t4=BROKEN_T4).encode("utf-8"), "broken.tsv")
    errors = _errors(report)
    assert sorted((f["code"], f["cells"][0]) for f in errors) == [
        ("T4-E01", "t4.review.total"), ("T4-E01", "t4.suit_after_review.total")]
    assert "10 + 1 + 0 + 0 = 11" in next(f["message"] for f in errors if f["cells"][0] == "t4.review.total")


def test_an_unreadable_cell_is_not_an_error_and_its_identities_do_not_run():
    """Flattened text loses the blank cell of （七）总计: the row cannot be placed, so its 7 cells are 未能读取;
    T3-E02 / T3-E03 over that row are not checked (no number was read), and nothing is counted as an error."""
    report = check_bytes(X.as_flat(t3=BLANK_TOTAL).encode("gb18030"), "blank.txt")
    row = [f"t3.closed_total.{c}" for c in X.APPLICANT_COLS]
    assert set(row) <= set(report["unreadable"])
    assert _errors(report) == []
    assert not [f for f in report["findings"] if f["severity"] == "warning" and set(f["cells"]) & set(row)]
    unread = [f for f in report["findings"] if f["severity"] == "unread"]
    assert {f["code"] for f in unread} == {"IMP-W01", "IMP-U01"}
    summary = next(f for f in unread if f["code"] == "IMP-U01")
    assert summary["message"].startswith("表三应有175个单元格，读到168个；未能读取7个")
    c = counts(report)
    assert c["error"] == 0 and c["unread"] == 7
    assert ("表三", 168, 175) in [(t["name"], t["read"], t["expected"]) for t in report["tables"]]


def test_a_row_not_found_is_unread_not_a_missing_row_counted_as_zero():
    """A row of 表三 the reader did not find must not enter the identities as 0 (a false T3-E02)."""
    t3 = tuple(row for row in X.T3 if row[2] != "unavailable_not_held")  # 4 requests there: the sum would break
    report = check_bytes(X.as_tsv(t3=t3).encode("utf-8"), "row-lost.tsv")
    assert _errors(report) == []
    assert not [f for f in report["findings"] if f["code"] == "missing_row"]
    assert {f"t3.unavailable_not_held.{c}" for c in X.APPLICANT_COLS} <= set(report["unreadable"])


def test_a_broken_identity_next_to_an_unread_cell_is_still_found():
    t3 = X.with_t3_values("granted", ("18", "2", "0", "0", "1", "0", "99"))  # 表三 行合计 broken
    t3 = tuple(row for row in t3 if row[2] != "carried_out")
    report = check_bytes(X.as_tsv(t3=t3).encode("utf-8"), "two.tsv")
    codes = {(f["code"], f["cells"][0]) for f in _errors(report)}
    assert ("T3-E01", "t3.granted.total") in codes
    # T3-E03 needs 结转下年, which was not read: not run, so not reported
    assert not [f for f in _errors(report) if f["code"] == "T3-E03"]


def _audit(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command("audit", str(path), "--quiet", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["tsv", "pdf"])
def test_gongkai_audit_on_a_consistent_report_prints_no_error(tmp_path, kind):
    data = X.as_tsv().encode("utf-8") if kind == "tsv" else X.as_pdf()
    text = _audit(tmp_path, f"ok.{kind}", data)
    first = text.splitlines()[0]
    assert "\t错误0\t" in first and "  错误" not in text
    assert "有错误0份" in text


def test_gongkai_audit_prints_exactly_the_contradicted_totals(tmp_path):
    text = _audit(tmp_path, "broken.tsv", X.as_tsv(t4=BROKEN_T4).encode("utf-8"))
    lines = [line for line in text.splitlines() if line.startswith("  错误 ")]
    assert len(lines) == 2 and all(line.startswith("  错误 T4-E01：") for line in lines)
    assert any("行政复议" in line and "为 0" in line for line in lines)
    assert "\t错误2\t" in text.splitlines()[0]
