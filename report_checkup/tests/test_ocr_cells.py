"""Scanned reports cell by cell (issue 17 §2, report_checkup/importers/ocr_cells.py): a number is kept only when
the digits-only readings of two differently prepared images agree at or above the confidence threshold (and
the Chinese reading, when it is a number, agrees too); an OCR'd row label one misread character away from
exactly one known label is read as that label, never as another row's.

The tests that run Tesseract need tesseract-ocr and tesseract-ocr-chi-sim (`make pdf-deps`) and a TrueType
font to draw the cells; without them they are SKIPPED, with the reason."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from report_checkup.importers import ocr, ocr_cells, tables
from report_formats import formats as F

needs_ocr = pytest.mark.skipif(bool(ocr.available()), reason=f"!!! OCR SKIPPED: {ocr.available()}")


# --- the decision on a number cell (no Tesseract) --------------------------------------------------------


def test_two_agreeing_readings_above_the_threshold_are_a_number():
    assert ocr_cells.decide_number("", [("128", 96.0), ("128", 91.5)], 80) == ("128", 91.5)
    # chi_sim read the 1 as 工: not a number, so no veto
    assert ocr_cells.decide_number("工28", [("128", 96.0), ("128", 91.5)], 80) == ("128", 91.5)


def test_disagreement_or_low_confidence_is_unreadable():
    assert ocr_cells.decide_number("", [("128", 96.0), ("28", 97.0)], 80) is None  # a dropped leading digit
    assert ocr_cells.decide_number("", [("128", 96.0), ("128", 79.9)], 80) is None
    assert ocr_cells.decide_number("", [("128", 96.0), ("", None)], 80) is None
    assert ocr_cells.decide_number("", [("128", 96.0)], 80) is None  # one image only
    # chi_sim read another number: a veto
    assert ocr_cells.decide_number("28", [("128", 96.0), ("128", 96.0)], 80) is None
    assert ocr_cells.decide_number("", [("工", 96.0), ("工", 96.0)], 80) is None  # not a number


readings = st.lists(
    st.tuples(st.text("0123456789.,-% ", max_size=5), st.one_of(st.none(), st.floats(0, 100))),
    min_size=0,
    max_size=3,
)


@given(first=st.text("0123456789工了刀 ", max_size=4), reads=readings, threshold=st.floats(0, 100))
def test_a_kept_number_is_what_every_reading_says_and_meets_the_threshold(first, reads, threshold):
    decided = ocr_cells.decide_number(first, reads, threshold)
    if decided is None:
        return
    text, confidence = decided
    assert ocr_cells.NUMBER.match(text)
    assert all(t.replace(" ", "") == text for t, _ in reads) and len(reads) >= 2
    assert confidence >= threshold and all(c is not None and c >= confidence for _, c in reads)
    plain = first.replace(" ", "")
    assert not ocr_cells.NUMBER.match(plain) or plain == text


# --- the ink width decides between readings that differ only in their number of digits ---------------------


def test_a_dropped_or_doubled_one_is_outvoted_by_the_ink_width():
    # rl-plain scanned at 200 dpi: chi_sim dropped the 1 of 21; the digits model read 17 and 111 on one image
    # and 7 and 11 on the other; the ink is two and three digits wide
    assert ocr_cells.decide_number("2", [("21", 96.5), ("21", 96.7)], 80, digits=1.88) == ("21", 96.5)
    assert ocr_cells.decide_number("17", [("17", 93.0), ("7", 28.8)], 80, digits=1.99) == ("17", 93.0)
    assert ocr_cells.decide_number("111", [("111", 93.4), ("11", 24.3)], 80, digits=3.01) == ("111", 93.4)
    assert ocr_cells.decide_number("34", [("34", 96.2), ("", None)], 80, digits=2.06) == ("34", 96.2)
    # without the width, as before: unreadable
    assert ocr_cells.decide_number("2", [("21", 96.5), ("21", 96.7)], 80) is None


def test_the_ink_width_never_decides_between_numbers_of_the_same_length():
    assert ocr_cells.decide_number("214", [("274", 79.4), ("274", 96.3)], 80, digits=3.03) is None  # 7 or 1?
    assert ocr_cells.decide_number("2", [("21", 96.5), ("21", 96.7)], 80, digits=1.5) is None  # width unclear
    assert ocr_cells.decide_number("17", [("7", 93.0), ("17", 28.8)], 80, digits=1.99) is None  # confident one wrong
    assert ocr_cells.decide_number("", [("34", 96.2), ("", None)], 80, digits=2.0) is None  # one reading only
    assert ocr_cells.decide_number("12", [("12", 74.8), ("12", 68.8)], 80, digits=1.97) is None  # below 80
    assert ocr_cells.decide_number("", [("1,2", 96.0), ("12", 96.0)], 80, digits=2.0) is None


@given(first=st.text("0123456789工了刀 ", max_size=4), reads=readings, threshold=st.floats(0, 100),
       digits=st.floats(0, 6))
def test_a_number_kept_by_its_width_has_that_many_digits_and_a_second_reading(first, reads, threshold, digits):
    if ocr_cells.decide_number(first, reads, threshold) is not None:
        return
    decided = ocr_cells.decide_number(first, reads, threshold, digits=digits)
    if decided is None:
        return
    text, confidence = decided
    assert text.isdigit() and abs(len(text) - digits) <= 0.3 and confidence >= threshold
    plain = first.replace(" ", "")
    said = [t.replace(" ", "") for t, _ in reads] + ([plain] if ocr_cells.NUMBER.match(plain) else [])
    assert said.count(text) >= 2
    assert all(not t or t == text or abs(len(t) - digits) >= 0.7 for t in said)
    assert all(t.replace(" ", "") == text for t, c in reads if c is not None and c >= threshold)


def test_the_page_digit_width_is_fitted_only_when_every_read_cell_fits():
    samples = [(1, 0.6), (1, 0.65), (1, 0.58), (2, 1.2), (2, 1.25), (3, 1.8), (3, 1.85), (1, 0.62)]
    advance, offset = ocr_cells.digit_fit(samples)
    assert abs(advance - 0.6) < 0.05 and abs((1.2 - offset) / advance - 2) < 0.3
    assert ocr_cells.digit_fit(samples[:7]) is None  # too few cells
    assert ocr_cells.digit_fit([(1, 0.6)] * 8) is None  # one length only
    assert ocr_cells.digit_fit([*samples, (2, 0.7)]) is None  # a proportional "11" as narrow as one digit


def test_ink_ratio_is_the_width_over_the_height_of_the_ink():
    import numpy as np

    region = np.full((30, 60), 255, dtype=np.uint8)
    assert ocr_cells.ink_ratio(region) is None
    region[5:25, 10:40] = 0
    assert ocr_cells.ink_ratio(region) == 1.5


def test_which_cells_are_read_again_as_numbers():
    assert ocr_cells.may_be_number("") and ocr_cells.may_be_number("37")
    assert ocr_cells.may_be_number("工3") and ocr_cells.may_be_number("刀")  # chi_sim's readings of 13 and 21
    for word in ("总计", "其他", "规章", "件", "万元", "自然人", "三、本年度办理结果", "商业企业"):
        assert not ocr_cells.may_be_number(word), word


# --- row labels ------------------------------------------------------------------------------------------

OTHER_NO_CORRECTION = next(r.label for r in F.T3_2021.rows if r.id == "other_no_correction")


def test_a_label_with_one_misread_character_is_the_known_label():
    misread = OTHER_NO_CORRECTION.replace("逾", "斋")
    assert not tables.lookup(misread)
    assert ocr_cells.known_label(misread) == OTHER_NO_CORRECTION
    assert tables.lookup(ocr_cells.known_label("7.属于行政执法案逢"))[0].row_id == "withheld_enforcement_file"
    assert tables.lookup(ocr_cells.known_label("工信访举报投诉类申请"))[0].row_id == "not_processed_complaint"


def test_a_label_as_near_to_two_rows_or_short_or_far_is_not_repaired():
    assert ocr_cells.known_label("政务微X公开政府信息数") is None  # 微信 or 微博: either row
    assert ocr_cells.known_label("重夏申请") is None  # short: 4 characters
    assert ocr_cells.known_label("本列数据的勾稽关系为第一项加第二项之和") is None
    assert ocr_cells.known_label(OTHER_NO_CORRECTION) is None  # matches already


LONG_LABELS = sorted(
    {
        r.label
        for spec in (F.T2_2021, F.T3_2021, F.LG)
        for r in spec.rows
        if r.id and len(F.normalise_label(r.label).text) >= ocr_cells.MIN_LABEL
    }
)


@given(
    label=st.sampled_from(LONG_LABELS),
    where=st.integers(0, 200),
    char=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
)
def test_one_character_misread_never_makes_another_rows_label(label, where, char):
    """Any one character of a label replaced by any Chinese character: the text is read as the same row, or
    not repaired — never as a different row."""
    i = where % len(label)
    misread = label[:i] + char + label[i + 1 :]
    repaired = ocr_cells.known_label(misread)
    if repaired is not None:
        assert {e.row_id for e in tables.lookup(repaired)} == {e.row_id for e in tables.lookup(label)}


# --- with Tesseract: rendered cells ----------------------------------------------------------------------


def _font(size: int):
    for name in ("DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC"):
        if shutil.which("fc-match"):
            found = subprocess.run(["fc-match", "-f", "%{file}", name], capture_output=True, text=True, check=False)  # noqa: S603, S607
            path = found.stdout.strip()
            if path:
                return ImageFont.truetype(path, size)
    pytest.skip("!!! OCR SKIPPED: no TrueType font found by fc-match to draw the cells")


def _table(values: list[str], blot: int | None = None) -> Image.Image:
    """One ruled row of number cells at 200 dpi (10.5 pt digits); the cell `blot` gets an ink smudge over its
    number instead."""
    font = _font(29)
    xs = [100 + 160 * i for i in range(len(values) + 1)]
    image = Image.new("L", (xs[-1] + 100, 300), 255)
    d = ImageDraw.Draw(image)
    for y in (100, 170):
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=3)
    for x in xs:
        d.line([(x, 100), (x, 170)], fill=0, width=3)
    for i, value in enumerate(values):
        d.text(((xs[i] + xs[i + 1]) // 2, 135), value, fill=0, font=font, anchor="mm")
        if i == blot:
            for k in range(12):
                d.line([(xs[i] + 45 + 3 * k, 118), (xs[i] + 70 + 2 * k, 152)], fill=90 + 8 * k, width=4)
    return image


@needs_ocr
def test_rendered_number_cells_are_read_with_their_confidence():
    values = ["0", "7", "18", "50", "111", "4905", "1207"]
    page = ocr.read_page(_table(values), 200, 60, threshold=80)
    [grid] = page.grids
    read = [c.text for c in sorted(grid.cells, key=lambda c: c.c0)]
    assert all(t == v or t == ocr.UNREAD_NUMBER for t, v in zip(read, values, strict=True)), read
    assert sum(t == v for t, v in zip(read, values, strict=True)) >= len(values) - 1
    assert all(c.confidence >= 80 for c in grid.cells if c.text != ocr.UNREAD_NUMBER)


@needs_ocr
def test_a_smudged_cell_is_unreadable_never_a_number():
    values = ["18", "50", "36"]
    page = ocr.read_page(_table(values, blot=1), 200, 60, threshold=80)
    [grid] = page.grids
    read = {c.c0: c.text for c in grid.cells}
    assert read[1] == "50" or not ocr_cells.NUMBER.match(read[1].replace(" ", "")), (
        read
    )  # never another number
    assert not tables.is_value(read[1]) or tables.convert(read[1], F.CellType.COUNT)[0] in (None, 50), read
    assert all(read[i] in (values[i], ocr.UNREAD_NUMBER) for i in (0, 2)), read
    assert tables.is_value(ocr.UNREAD_NUMBER)  # a value slot: the row keeps its other cells
    value, _, readable = tables.convert(ocr.UNREAD_NUMBER, F.CellType.COUNT)
    assert value is None and not readable


def test_a_table_cut_by_the_page_keeps_its_label_columns():
    """A 表三 broken across pages: the number columns' last row is closed by a line, the label columns on the
    left run on to the page's edge. The grid spans all the columns."""
    image = Image.new("L", (1200, 900), 255)
    d = ImageDraw.Draw(image)
    xs = [100, 300, 500, 650, 800, 950]
    ys = [100, 180, 260, 340]
    d.line([(xs[0], ys[0]), (xs[-1], ys[0])], fill=0, width=3)
    for y in ys[1:]:
        d.line([(xs[2], y), (xs[-1], y)], fill=0, width=3)  # rows of the sub-labels and numbers only
    d.line([(xs[0], ys[1]), (xs[2], ys[1])], fill=0, width=3)
    for x in xs[:2]:
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=3)  # the label columns stop at the page cut
    for x in xs[2:]:
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=3)
    [grid], _, _ = ocr.find_grids(image, 150)
    assert abs(grid.xs[0] - xs[0]) <= 3 and abs(grid.xs[-1] - xs[-1]) <= 3
    assert len(grid.xs) == len(xs) and len(grid.ys) == len(ys)


def _grid(rows: list[list[str]]) -> ocr.Grid:
    grid = ocr.Grid([50 * r for r in range(len(rows) + 1)], [100 * c for c in range(len(rows[0]) + 1)])
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            grid.cells.append(ocr.Cell(r, c, r + 1, c + 1, (100 * c, 50 * r, 100 * c + 100, 50 * r + 50), text))
    return grid


def test_a_row_cut_by_the_page_break_is_joined():
    """"1.属于国" with its numbers at the foot of one page, "家秘密" with blank cells at the head of the next:
    one row, 1.属于国家秘密, whose numbers are those above."""
    above = _grid([["（一）予以公开", "3", "5"], ["1.属于国", "8", "0"]])
    below = _grid([["家秘密", "", ""], ["2.其他法律行政法规禁止公开", "2", "0"]])
    assert ocr.join_rows(above, below, 3)
    assert above.cells[-3].text == "1.属于国\n家秘密"
    assert tables.lookup(above.cells[-3].text)[0].row_id == "withheld_state_secret"
    assert len(below.ys) == 2 and [c.text for c in below.cells] == ["2.其他法律行政法规禁止公开", "2", "0"]
    assert all(c.r0 == 0 for c in below.cells)


def test_a_row_of_blank_cells_below_a_complete_row_is_not_joined():
    """Blank cells mean zero: a row whose numbers are all blank is a row of its own, not the rest of a label."""
    above = _grid([["1.信访举报投诉类申请", "3", "5"]])
    below = _grid([["2.重复申请", "", ""], ["3.要求提供公开出版物", "1", "0"]])
    assert not ocr.join_rows(above, below, 3)
    assert len(below.ys) == 3 and above.cells[0].text == "1.信访举报投诉类申请"
    header = _grid([["自然人", "商业企业", "总计"]])
    assert not ocr.join_rows(_grid([["1.属于国", "8", "0"]]), header, 3)  # a repeated header: no blank cell


def test_a_misread_numbering_is_restored_and_the_label_found():
    for read, row_id in (("（七总计", "closed_total"), ("（一)）予以公开", "granted"), ("人6属于四类过程性信", "withheld_process_info"),
                         ("了属于行政执法案卷", "withheld_enforcement_file"), ("〈三〉不予公开", None)):
        fixed = ocr.label_numbering(read)
        assert not tables.lookup(read) or row_id is None
        assert (tables.lookup(fixed)[0].row_id if row_id else fixed) == (row_id or "（三）不予公开"), (read, fixed)
    assert ocr.label_numbering("第二十条第（一)项") == "第二十条第（一)项"  # not at the start: untouched
    assert ocr.label_numbering("37") == "37"
