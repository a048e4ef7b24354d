"""The printed grid every export draws: merged cells as in the published forms, every cell placed once."""

import pytest

from report_formats.formats import FORMATS, ReportFormat
from report_formats.layout import format_value, grids, table_grid


def _occupancy(grid):
    taken = {}
    for cell in grid.cells():
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.column, cell.column + cell.colspan):
                assert (r, c) not in taken, f"{grid.table_id}: {cell.text!r} overlaps {taken[(r, c)].text!r}"
                taken[(r, c)] = cell
    return taken


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_position_is_covered_exactly_once_and_every_cell_placed(fmt):
    for table, grid in zip(FORMATS[fmt].tables, grids(fmt, {}), strict=True):
        taken = _occupancy(grid)
        assert len(taken) == grid.width * grid.height, f"{grid.table_id} has gaps"
        assert sorted(c.cell_id for c in grid.value_cells()) == sorted(table.cell_ids())
        for row_index, row in enumerate(grid.rows):
            assert all(cell.row == row_index for cell in row)


def test_table_three_group_labels_span_their_rows():
    grid = table_grid(FORMATS[ReportFormat.F2021].table("t3"), {})
    labels = {c.text: c for c in grid.cells() if c.kind == "label"}
    # 三、本年度办理结果 spans every result row: (一)(二), 8 不予公开, 3 无法提供, 5 不予处理, 3 其他处理, 总计.
    assert (labels["三、本年度办理结果"].column, labels["三、本年度办理结果"].rowspan) == (0, 1 + 1 + 8 + 3 + 5 + 3 + 1)
    assert (labels["（三）不予公开"].column, labels["（三）不予公开"].rowspan) == (1, 8)
    assert (labels["（一）予以公开"].column, labels["（一）予以公开"].colspan) == (1, 2)
    assert (labels["一、本年新收政府信息公开申请数量"].colspan, labels["1.属于国家秘密"].column) == (3, 2)
    header = [c for c in grid.cells() if c.kind == "header"]
    assert {(c.text, c.colspan, c.rowspan) for c in header} >= {
        ("申请人情况", 7, 1), ("法人或其他组织", 5, 1), ("自然人", 1, 2), ("总计", 1, 2)}
    assert grid.header_rows == {0, 1, 2}


def test_table_two_blocks_stretch_to_the_widest():
    grid = table_grid(FORMATS[ReportFormat.F2021].table("t2"), {"t2.fees.amount": "7730.28",
                                                                  "t2.rules.issued": 3})
    assert grid.width == 4
    fees = next(c for c in grid.cells() if c.cell_id == "t2.fees.amount")
    assert (fees.text, fees.column, fees.colspan) == ("7730.28", 1, 3)
    titles = [c.text for c in grid.cells() if c.kind == "title"]
    assert titles == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert next(c for c in grid.cells() if c.cell_id == "t2.rules.issued").text == "3"


def test_table_four_is_one_row_of_fifteen_numbers():
    grid = table_grid(FORMATS[ReportFormat.F2021].table("t4"), {"t4.suit_after_review.total": 2})
    body = grid.rows[-1]
    assert [c.column for c in body] == list(range(15))
    assert body[-1].cell_id == "t4.suit_after_review.total" and body[-1].text == "2"


def test_legacy_table_lists_group_rows_with_units():
    grid = table_grid(FORMATS[ReportFormat.LEGACY_2014].table("lg"), {"lg.proactive.total": 120})
    first = grid.rows[1]
    assert [c.text for c in first] == ["一、主动公开情况", "", ""]
    second = grid.rows[2]
    assert [c.text for c in second][1:] == ["条", "120"]


@pytest.mark.parametrize(("value", "cell_type", "text"), [
    (None, "count", ""), (5, "count", "5"), ("12.0000", "count", "12"), ("7730.2800", "money_wan", "7730.28"),
    ("0.0000", "money_wan", "0"), ("-3", "signed_count", "-3")])
def test_printed_numbers(value, cell_type, text):
    assert format_value(value, cell_type) == text
