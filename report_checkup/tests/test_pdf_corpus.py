"""The PDF table reader (importers/pdf_tables.py) on the generated corpus (tests/corpus, made by make_corpus.py
with WeasyPrint, LibreOffice and reportlab), and its row assembly on random grids.

Targets (issue 17): no wrong cell anywhere; at least 98 % of the cells of every readable report read; no error
from the checks on a consistent report; every planted inconsistency reported as an error naming its cell;
text in fonts without a usable ToUnicode map never read as numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report_checkup.checkup import check_bytes
from report_checkup.importers import pdf_tables as P
from report_checkup.importers.readers import _join_split_row

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = sorted((CORPUS / "files").glob("*.json"))


def _expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_corpus_is_large_and_varied():
    expected = [_expected(p) for p in FILES]
    assert len(expected) >= 30
    assert {e["tool"] for e in expected} == {"weasyprint", "libreoffice", "reportlab"}
    assert sum(1 for e in expected if e["planted"]) >= 5
    assert sum(1 for e in expected if e["unreadable"]) >= 2
    unruled = [e for e in expected if e["class"] == "pdf-unruled"]
    assert len(unruled) >= 5 and {e["tool"] for e in unruled} == {"weasyprint", "reportlab"}
    assert any(e["planted"] for e in unruled)
    assert sum(p.with_suffix(".pdf").stat().st_size + p.stat().st_size for p in FILES) < 5 * 1024 * 1024


def test_expected_cells_are_what_the_generator_prints():
    """The JSON beside each PDF is the generator's own record (seeded), not an edited copy of what was read."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["make_corpus"]
    for report in module.corpus():
        expected = _expected(CORPUS / "files" / f"{report.name}.json")
        assert expected["cells"] == module.expected_cells(report), report.name
        assert expected["planted"] == report.planted


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_report(path):
    expected = _expected(path)
    report = check_bytes(path.with_suffix(".pdf").read_bytes(), path.name)
    cells = expected["cells"]
    wrong = {cid: (value, report["cells"][cid]) for cid, value in cells.items()
             if cid in report["cells"] and report["cells"][cid] != value}
    assert wrong == {}
    check_errors = [f for f in report["findings"] if f["severity"] == "error" and not f["code"].startswith("IMP-")]
    if expected["unreadable"]:
        # Undecodable text: nothing read as a number, and the reader says why.
        assert not any(cid in report["cells"] for cid in cells)
        assert any(f["code"] in ("IMP-W14", "IMP-E02") and "ToUnicode" in f["message"] for f in report["findings"])
        assert check_errors == []
        return
    read = sum(1 for cid in cells if cid in report["cells"])
    # Tables set by spaces alone (no ruling lines) included: read by their geometry (pdf_unruled.py).
    assert read >= 0.98 * len(cells), sorted(set(cells) - set(report["cells"]))[:10]
    assert (report["format"], report["year"]) == (expected["format"], expected["year"])
    if expected["consistent"]:
        assert check_errors == []
    for cid in expected["planted"]:
        assert any(cid in f["cells"] for f in check_errors), cid


# --- row assembly ------------------------------------------------------------------------------------------

CJK = "一二三四五六七八九十申请公开处理结果总计其他机关信息"


def _chars(text: str, box, valign: str, size: float = 10.0) -> list[P.Char]:
    """The characters of `text` (lines separated by newlines) drawn in `box` as a layout engine would."""
    x0, top, x1, bottom = box
    lines = text.split("\n")
    line_h = size * 1.3
    height = line_h * len(lines)
    start = {"top": top + 2, "middle": (top + bottom - height) / 2, "bottom": bottom - 2 - height}[valign]
    out = []
    for k, line in enumerate(lines):
        x = x0 + 3
        y = start + k * line_h
        for ch in line:
            width = size if ord(ch) > 0x2000 else size * 0.55
            out.append(P.Char(ch, x, x + width, y, y + size, size))
            x += width
    return out


@st.composite
def tables(draw):
    """A ruled table: a group column whose cells span several rows, a label column (labels wrapped over one
    to three lines), number columns of which some rows merge two; texts and boxes, and the rows expected."""
    nrows = draw(st.integers(2, 7))
    nnum = draw(st.integers(2, 6))
    widths = [60.0, 90.0] + [36.0] * nnum  # every text fits its box (text over a line is unreadable)
    xs = [0.0]
    for w in widths:
        xs.append(xs[-1] + w)
    labels = [draw(st.text(alphabet=CJK, min_size=2, max_size=24)) for _ in range(nrows)]
    wrapped = []
    heights = []
    for label in labels:
        n = max(draw(st.integers(1, 3)), -(-len(label) // 8))  # at most 8 characters a line
        step = max(1, -(-len(label) // n))
        parts = [label[i:i + step] for i in range(0, len(label), step)]
        wrapped.append("\n".join(parts))
        heights.append(14.0 * len(parts) + 6)
    ys = [0.0]
    for h in heights:
        ys.append(ys[-1] + h)
    boxes, texts, expected = [], [], [[] for _ in range(nrows)]
    r = 0
    while r < nrows:  # the group column
        span = draw(st.integers(1, nrows - r))
        group = draw(st.text(alphabet=CJK, min_size=2, max_size=5))
        boxes.append((xs[0], ys[r], xs[1], ys[r + span]))
        texts.append(group)
        for k in range(r, r + span):
            expected[k].append(group)
        r += span
    for r in range(nrows):
        boxes.append((xs[1], ys[r], xs[2], ys[r + 1]))
        texts.append(wrapped[r])
        expected[r].append(labels[r])
        c = 0
        while c < nnum:
            span = 2 if c + 1 < nnum and draw(st.booleans()) and draw(st.booleans()) else 1
            value = draw(st.one_of(st.just(""), st.integers(0, 99999).map(str)))
            boxes.append((xs[2 + c], ys[r], xs[2 + c + span], ys[r + 1]))
            texts.append(value)
            expected[r].append(value)
            c += span
    return boxes, texts, expected


@settings(max_examples=60, deadline=None)
@given(tables(), st.sampled_from(["top", "middle", "bottom"]), st.randoms(use_true_random=False))
def test_rows_come_from_cell_boxes_whatever_the_drawing_order(table, valign, rnd):
    """Wrapped labels, numbers on the first or middle line, cells spanning rows (repeated on each row) or
    columns (once), characters in any order: every row is exactly the printed row."""
    boxes, texts, expected = table
    chars = [ch for box, text in zip(boxes, texts, strict=True) for ch in _chars(text, box, valign)]
    rnd.shuffle(chars)
    rows, _ = P.grid_rows(boxes, chars)
    got = [[cell.replace("\n", "") for cell in row] for row in rows]
    assert got == expected


def test_thin_spaces_and_digits_wrapped_in_a_cell_are_one_number():
    size = 10.0
    chars = [P.Char("1", 0, 5.5, 0, 10, size), P.Char("\u2009", 5.5, 7.5, 0, 10, size),
             P.Char("2", 7.5, 13, 0, 10, size), P.Char("3", 13, 18.5, 0, 10, size), P.Char("4", 18.5, 24, 0, 10, size)]
    assert P.cell_text(chars) == "1234"
    narrow_gap = [P.Char("1", 0, 5.5, 0, 10, size), P.Char("2", 7.5, 13, 0, 10, size),
                  P.Char("3", 13, 18.5, 0, 10, size), P.Char("4", 18.5, 24, 0, 10, size)]
    assert P.cell_text(narrow_gap) == "1234"
    two_numbers = [P.Char("1", 0, 5.5, 0, 10, size), P.Char("2", 20, 25.5, 0, 10, size)]
    assert P.cell_text(two_numbers) == "1 2"  # later reported unreadable, never 12
    wrapped = [P.Char("9", 0, 5.5, 0, 10, size), P.Char("8", 0, 5.5, 13, 23, size)]
    assert P.cell_text(wrapped) == "98"


def test_a_number_over_a_column_line_is_unreadable():
    def digit(d, x0):  # advance box and ink box, as the reader gives them
        return P.Char(d, x0, x0 + 5.5, 5, 15, 10, ink=(x0 + 0.5, x0 + 5.0))

    boxes = [(0, 0, 30, 20), (30, 0, 60, 20)]
    over = [digit(d, 20 + 5.5 * k) for k, d in enumerate("6887")] + [digit("1", 48)]  # the second 8 over x = 30
    rows, _ = P.grid_rows(boxes, over)
    assert rows == [[P.REPLACEMENT, P.REPLACEMENT]]
    inside = [digit(d, 8 + 5.5 * k) for k, d in enumerate("6887")] + [digit("1", 48)]  # ink up to 29.5
    rows, _ = P.grid_rows(boxes, inside)
    assert rows == [["6887", "1"]]


@pytest.mark.parametrize(("above", "below", "joined"), [
    # the numbers at the foot of a page, the label at the top of the next
    (["", "", "", "0", "21", "13"], ["", "", "6.属于四类过程性信息", "", "", ""],
     ["", "", "6.属于四类过程性信息", "0", "21", "13"]),
    # a label cut by the page break
    (["三、本年度办理结果", "（三）不", "1.属于国", "0", "40"], ["", "予公开", "家秘密", "", ""],
     ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "0", "40"]),
    # a complete row, then a row left blank (blank = 0): two rows
    (["", "（一）予以公开", "1", "2"], ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", ""], None),
    # a row with numbers below: two rows
    (["", "", "", "0", "21"], ["", "", "2.重复申请", "1", ""], None),
])
def test_rows_broken_by_a_page_break(above, below, joined):
    assert _join_split_row(above, below) == joined


def test_undecodable_text_is_never_a_number():
    """A font without ToUnicode: what its codes would give ("1", "7") is replaced, so the cell is unreadable."""
    data = (CORPUS / "files" / "rl-garbled-digits.pdf").read_bytes()
    pages = []
    P.extract(data, send=lambda *e: pages.append(e) if e[0] == "page" else None)
    cells = [cell for _, _, items, *_ in pages for item in items if "table" in item for row in item["table"]
             for cell in row]
    assert any(P.REPLACEMENT in c for c in cells)
    assert not any(c.strip().isdigit() for c in cells)


def test_reading_stops_at_the_time_budget():
    data = (CORPUS / "files" / "lo-portrait.pdf").read_bytes()
    read = P.read_pages(data, seconds=0.001)
    assert read.stopped == "time"
    assert P.read_pages(data, seconds=30).page_count >= 2


def test_a_large_heading_broken_over_lines_is_one_line():
    def line(text, top, size):
        return [P.Char(ch, 10 + size * k, 10 + size * (k + 1), top, top + size, size) for k, ch in enumerate(text)]

    title = line("青山区2023年政府信息公开工作年度", 0, 22) + line("报告", 26, 22)
    body = line("一、总体情况", 60, 10) + line("本机关全年共收到申请。", 75, 10) + line("二、主动公开", 90, 10)
    items = P.page_items(title + body, [])
    assert [item["line"] for item in items] == ["青山区2023年政府信息公开工作年度报告", "一、总体情况",
                                                "本机关全年共收到申请。", "二、主动公开"]
