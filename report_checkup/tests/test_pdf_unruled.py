"""Tables without ruling lines read by their geometry (importers/pdf_unruled.py), on characters placed the way
a PDF places them: labels wrapped over one to three lines, the numbers on the first or the middle line (or
between two lines), blank cells, columns at any spacing. Issue 17: every number in its row and column, or
unreadable, never another number."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from report_checkup.importers import pdf_unruled as U
from report_checkup.importers.pdf_tables import REPLACEMENT, Char

EM, DIGIT, SIZE, PITCH = 10.0, 5.5, 12.0, 14.0
HAN = "属于国家秘密其他法律行政法规禁止公开危及三安全一稳定保护第三方合法权益内部事务信息过程性执法案卷查询"


def text_at(text: str, x: float, top: float) -> list[Char]:
    out = []
    for ch in text:
        width = DIGIT if ch.isascii() else EM
        out.append(Char(ch, x, x + width, top, top + SIZE, SIZE))
        x += width
    return out


def number_at(text: str, centre: float, top: float) -> list[Char]:
    return text_at(text, centre - len(text) * DIGIT / 2, top)


def layout(rows, columns: list[float], label_x: float = 20.0, wrap: int = 12, where: str = "first",
           top: float = 100.0) -> list[Char]:
    """rows: [(label, [value or None])]: the label wrapped every `wrap` characters, the numbers centred on
    their column, on the label's first line, its middle line, or half-way between its two middle lines."""
    chars: list[Char] = []
    for label, values in rows:
        lines = [label[i:i + wrap] for i in range(0, len(label), wrap)]
        for k, line in enumerate(lines):
            chars += text_at(line, label_x, top + k * PITCH)
        at = 0.0 if where == "first" else (len(lines) - 1) / 2
        for centre, value in zip(columns, values, strict=True):
            if value is not None:
                chars += number_at(str(value), centre, top + at * PITCH)
        top += len(lines) * PITCH + 6
    return chars


labels = st.lists(st.sampled_from(HAN), min_size=3, max_size=34).map("".join)
values = st.one_of(st.none(), st.integers(0, 99999))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(labels, st.lists(values, min_size=5, max_size=5)), min_size=3, max_size=9),
       gap=st.floats(12, 60), where=st.sampled_from(["first", "middle"]), wrap=st.integers(6, 40))
def test_every_number_lands_in_its_row_and_column(rows, gap, where, wrap):
    rows = [(f"{k + 1}.{label}", vals) for k, (label, vals) in enumerate(rows)]
    assume(sum(1 for _, vals in rows if sum(v is not None for v in vals) >= 3) >= 2)
    # Limits of the method: a column with no number in any row cannot be seen (its rows then hold too few
    # numbers and the recogniser reports them unreadable); a blank row above the first number is a header, one below the last
    # is left to the text lines (the recogniser reads a label alone as a blank row).
    assume(all(any(vals[k] is not None for _, vals in rows) for k in range(5)))
    assume(any(v is not None for v in rows[0][1]) and any(v is not None for v in rows[-1][1]))
    widest = 5 * DIGIT  # the columns never touch: the widest number fits between two column centres
    columns = [20 + wrap * EM + 40 + k * (widest + gap) for k in range(5)]
    found = U.find(layout(rows, columns, wrap=wrap, where=where))
    assert len(found) == 1
    _, grid, _ = found[0]
    read = [(r[0].replace("\n", ""), r[1:]) for r in grid]
    assert read == [(label, ["" if v is None else str(v) for v in vals]) for label, vals in rows]


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(labels, st.lists(st.integers(0, 999), min_size=4, max_size=4)), min_size=3, max_size=6),
       gap=st.floats(0.5, 6))
def test_columns_too_close_never_give_another_number(rows, gap):
    """Numbers closer together than a digit: whatever the reader makes of them, a cell it reads holds the
    printed number of that row and column (else the row has too few cells and the recogniser reports it)."""
    rows = [(f"{k + 1}.{label}", vals) for k, (label, vals) in enumerate(rows)]
    columns = [400 + k * (3 * DIGIT + gap) for k in range(4)]
    for _, grid, _ in U.find(layout(rows, columns, wrap=40)):
        for r, (_label, vals) in zip(grid, rows, strict=False):
            if len(r) == 5:
                assert r[1:] == [str(v) for v in vals]


def test_group_labels_stay_before_the_row_label_and_the_numbers_with_their_row():
    chars = layout([("一、本年新收政府信息公开申请数量", [12, 0, 3])], [400, 440, 480], wrap=40)
    top = 100 + PITCH + 6
    chars += text_at("（三）不予", 20, top + PITCH)  # a group label set beside the rows it heads
    chars += text_at("公开", 20, top + 2 * PITCH)
    chars += layout([("1.属于国家秘密", [1, 2, 3]), ("2.其他法律行政法规禁止公开", [None, 5, 5])], [400, 440, 480],
                    label_x=100, wrap=8, where="middle", top=top)
    _, grid, _ = U.find(chars)[0]
    assert [r[-4:] for r in grid] == [["一、本年新收政府信息公开申请数量", "12", "0", "3"],
                                      ["1.属于国家秘密", "1", "2", "3"],
                                      ["2.其他法律行政\n法规禁止公开", "", "5", "5"]]
    assert any(r[0] == "（三）不予\n公开" for r in grid[1:])


def test_digits_wrapped_inside_a_cell_are_unreadable():
    chars = layout([("1.甲类信息", [10, 20, 30]), ("2.乙类信息", [40, 50, 60])], [400, 440, 480], wrap=40)
    # row 3: its label wrapped over two lines, "1234" printed as "12" over "34" in the middle column
    top = 100 + 2 * (PITCH + 6)
    chars += text_at("3.丙类信息其他事项", 20, top) + number_at("7", 400, top) + number_at("12", 440, top)
    chars += number_at("9", 480, top) + text_at("补充", 20, top + PITCH) + number_at("34", 440, top + PITCH)
    _, grid, _ = U.find(chars)[0]
    assert grid[-1] == ["3.丙类信息其他事项\n补充", "7", REPLACEMENT, "9"]


def test_a_row_without_numbers_is_blank_and_unnumbered_rows_set_close_stay_apart():
    chars = layout([("规章", [0, 0, 2]), ("行政规范性文件", [3, 1, 12]), ("3.其他", [None, None, None]),
                    ("4.合计", [3, 1, 14])], [400, 440, 480], wrap=40)
    _, grid, _ = U.find(chars)[0]
    assert grid == [["规章", "0", "0", "2"], ["行政规范性文件", "3", "1", "12"], ["3.其他", "", "", ""],
                    ["4.合计", "3", "1", "14"]]


def test_thin_spaces_inside_a_number():
    chars = layout([("1.甲", [1, 2, 5]), ("2.乙", [3, 4, 6])], [400, 480, 520], wrap=40)
    chars += text_at("3.丙", 20, 140) + text_at("62\u2009449", 380, 140) + number_at("7", 480, 140)
    chars += text_at("4.丁", 20, 160) + text_at("1", 392, 160) + text_at("8", 402.5, 160)  # a space apart: two
    _, grid, _ = U.find(chars)[0]
    assert grid[2:] == [["3.丙", "62449", "7", ""], ["4.丁", "1 8", "", ""]]


def test_prose_with_numbers_is_not_a_table():
    chars = []
    for k, line in enumerate(["2023年，本机关共收到政府信息公开申请547件，上年结转20件。",
                              "全年共主动公开政府信息1608条，其中政策解读稿件占比12.5%。",
                              "本报告统计期限为2023年1月1日至2023年12月31日。", "联系电话 0731 8888 6666 转 12"]):
        chars += text_at(line, 20, 100 + k * PITCH)
    assert U.find(chars) == []


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("0123456789.,-属于国家（）一、1 \u2009"), st.floats(0, 600), st.floats(0, 800),
                          st.floats(1, 20)), max_size=120))
def test_any_scatter_of_characters_is_read_or_left_alone(scatter):
    """Characters anywhere, of any size: the reader returns tables whose every cell is text it was given (or
    U+FFFD), and never fails."""
    chars = [Char(t, x, x + size / 2, y, y + size, size) for t, x, y, size in scatter]
    given_text = {c.text for c in chars}
    for _, grid, used in U.find(chars):
        assert used <= {id(c) for c in chars}
        for row in grid:
            for cell in row:
                assert set(cell) - {"\n", " "} <= given_text | {REPLACEMENT}


def test_read_in_a_child_process_run_as_a_script():
    """Where the system cannot fork, pdf_tables.py runs as a script: the unruled reader is imported beside it."""
    import json
    from pathlib import Path

    from report_checkup.importers import pdf_tables

    data = (Path(__file__).parent / "corpus" / "files" / "wp-unruled-t3-t4.pdf").read_bytes()
    out, timed_out, status = pdf_tables._run_subprocess(data, {"max_pages": 300, "memory_mb": 512}, 120)
    pages = [json.loads(line) for line in out.decode().splitlines()]
    assert (timed_out, status) == (False, 0)
    rows = [row for event in pages if event[0] == "page" for item in event[2] if "table" in item for row in item["table"]]
    assert ["一、本年新收政府信息公开申请数量", "191", "23", "26", "108", "63", "136", "547"] in rows


def test_a_column_of_blanks_is_told_by_its_header_and_kept_on_the_next_page():
    """Zeros left blank and no applicant of one kind all year: that column has no number in any row. Its
    header shows where it is; on the next page, without the header, the columns of the page before."""
    columns = [400, 440, 480, 520, 560]
    heads = text_at("自然人", 385, 72) + text_at("商业", 430, 72) + text_at("科研", 470, 72) + text_at("其他", 510, 72)
    heads += text_at("总计", 550, 72) + text_at("企业", 430, 86) + text_at("机构", 470, 86)
    rows = [("1.甲类", [3, 1, None, 2, 6]), ("2.乙类", [2, None, None, 1, 3]), ("3.丙类", [None, 5, None, 1, 6])]
    carry: dict = {}
    _, grid, _ = U.find(heads + layout(rows, columns, wrap=40), carry)[0]
    assert grid[-3:] == [["1.甲类", "3", "1", "", "2", "6"], ["2.乙类", "2", "", "", "1", "3"],
                         ["3.丙类", "", "5", "", "1", "6"]]
    more = [("4.丁类", [1, None, None, 1, 2]), ("5.戊类", [None, 2, None, 1, 3])]
    _, grid, _ = U.find(layout(more, columns, wrap=40), carry)[0]
    assert grid == [["4.丁类", "1", "", "", "1", "2"], ["5.戊类", "", "2", "", "1", "3"]]
    # without what the page before told, the blank column cannot be seen: four columns, not five
    _, grid, _ = U.find(layout(more, columns, wrap=40))[0]
    assert [len(r) for r in grid] == [5, 5]
