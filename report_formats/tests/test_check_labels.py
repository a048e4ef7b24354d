"""Every check code a report finding can carry has a Chinese name (issue 19: no raw codes where a person
reads); the pages show the name and keep the code in a tooltip."""

import re
from pathlib import Path

from report_formats.validation import CHECK_LABELS, Finding, Severity, check_label

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"\"((?:[A-Z]+[0-9]?|IMP)-[EWIU][0-9]{2})\"")


def test_every_check_code_in_the_sources_has_a_name():
    sources = [ROOT / "report_formats" / "validation.py", *(ROOT / "report_checkup").rglob("*.py")]
    codes = {code for path in sources if "tests" not in path.parts for code in CODE.findall(path.read_text("utf-8"))}
    assert {"T3-E01", "D-W06", "IMP-E02"} <= codes
    assert not sorted(codes - set(CHECK_LABELS))
    for snake in ("missing_row", "annotated_cell", "approximate_value", "date_reconstructed", "unknown_label"):
        assert snake in CHECK_LABELS


def test_a_finding_reads_by_name():
    finding = Finding("T3-E03", Severity.ERROR, [], "…")
    assert finding.label == "表三收支不平衡（一+二≠三（七）+四）"
    assert check_label("missing_row") == "缺少表格行" and check_label("X-E99") == "其他检查"
