"""gongkai.tables: the spreadsheet reader and writer shared by the agency and catalogue importers."""

import io
from datetime import date, datetime

import openpyxl
import pytest

from gongkai.tables import (
    CellError,
    Column,
    ImportResult,
    RowError,
    TableFileError,
    cell_text,
    parse_date,
    parse_rows,
    read_header,
    read_table,
    write_csv,
    write_xlsx,
)

LIMITS = {"max_bytes": 1024 * 1024, "max_rows": 100}


def read(data, **kwargs):
    return read_table(data, **{**LIMITS, **kwargs})


def values(table):
    return [cells for _, cells in table.rows]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(data, **kwargs) -> str:
    with pytest.raises(TableFileError) as caught:
        read(data, **kwargs)
    return caught.value.message


# ---------------------------------------------------------------------------------------------- CSV


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(encoding):
    table = read("编码,名称\nA1,演示县\n".encode(encoding))
    assert values(table) == [["编码", "名称"], ["A1", "演示县"]]
    assert not table.is_xlsx


def test_tab_separated_and_blank_lines_keep_their_line_numbers():
    # Excel's "文本文件（制表符分隔）": more tabs than commas on the first line.
    table = read("编码\t名称,简称\t日期\n\n\t\t\nA1\t甲,乙\t\n".encode())
    assert table.rows == [(1, ["编码", "名称,简称", "日期"]), (4, ["A1", "甲,乙", ""])]


def test_comma_separated_with_quotes():
    table = read('编码,名称\r\nA1,"甲，""乙"""\r\n'.encode())
    assert values(table)[1] == ["A1", "甲，\"乙\""]


def test_undecodable_csv():
    assert "无法识别文件编码" in refused("编码,名称\n".encode() + b"A1,\x80\xff\n")


def test_unbalanced_quote_reports_the_line():
    assert refused(b'a,b\nc,"d' + b"x" * 200_000) == "第2行无法按 CSV 格式读取（可能有未配对的引号或单元格过长）。"


# ---------------------------------------------------------------------------------------------- XLSX


def test_xlsx_keeps_dates_and_numbers_and_reads_the_named_sheet():
    data = xlsx({"说明": [["不是数据"]],
                 "机构": [["编码", "日期", "时刻", "数"], ["A1", datetime(2024, 1, 31), datetime(2024, 1, 31, 8, 30), 6]]})
    table = read(data, sheet_title="机构")
    assert table.is_xlsx
    assert values(table) == [["编码", "日期", "时刻", "数"], ["A1", datetime(2024, 1, 31), datetime(2024, 1, 31, 8, 30), 6]]
    assert parse_date(table.rows[1][1][1], table.is_xlsx) == date(2024, 1, 31)


def test_xlsx_without_the_named_sheet_reads_the_first():
    data = xlsx({"Sheet": [["编码"], ["A1"]], "其他": [["x"]]})
    assert values(read(data, sheet_title="目录")) == [["编码"], ["A1"]]
    assert values(read(data)) == [["编码"], ["A1"]]


def test_damaged_xlsx():
    assert "XLSX" in refused(b"PK\x03\x04" + b"\x00" * 100)


def test_old_xls_is_refused():
    assert "旧版 Excel" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_xlsx_that_inflates_too_far():
    data = xlsx({"Sheet": [["x" * 1000] for _ in range(200)]})
    assert "解压后超过" in refused(data, max_unzipped_bytes=10_000)


# ---------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("data", [b"", b"  \r\n\t"])
def test_empty_file(data):
    assert refused(data) == "文件为空。"


def test_only_empty_rows():
    assert refused(b",,\n,\n") == "文件中没有任何内容。"


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"%PDF-1.7\n\x00\x01\x02binary"])
def test_non_spreadsheet_bytes(data):
    assert refused(data) == "文件不是 XLSX 或 CSV 表格，请上传 Excel 工作簿（*.xlsx）或 CSV 文件。"


def test_not_bytes():
    assert refused("编码,名称") == "导入的内容不是文件。"


def test_size_limit_names_the_limit():
    message = refused(b"a" * (2 * 1024 * 1024 + 1), max_bytes=2 * 1024 * 1024)
    assert message == "文件大小为 2.0 MB，超过 2 MB 的上限，请拆分后分批导入。"


def test_row_limit_counts_data_rows_not_the_header():
    rows = "编码\n" + "".join(f"A{i}\n" for i in range(3))
    assert len(read(rows.encode(), max_rows=3).rows) == 4
    assert refused((rows + "A9\n").encode(), max_rows=3) == "数据超过 3 行，请拆分后分批导入。"


def test_raw_row_limit_counts_empty_rows_too():
    assert "请删除多余的空行" in refused(b"a\n" + b",\n" * 20, max_raw_rows=10)


# ---------------------------------------------------------------------------------------------- header and rows

COLUMNS = (Column("编码", "code", required=True), Column("日期", "day"))


def parse(column, raw, is_xlsx):
    if column.field == "day":
        return parse_date(raw, is_xlsx)
    return str(raw or "")


def test_header_and_rows():
    table = read("* 编码,日期,,日期,多余\nA1,2024年1月31日,,,\nA2,明天,,,x\n,,孤,,\n".encode())
    columns, errors = read_header(table, COLUMNS)
    assert [c.field if c else None for c in columns] == ["code", "day", None, None, None]
    assert errors == [RowError(1, "日期", "表头“日期”重复（第 2 列和第 4 列）。"),
                      RowError(1, "", "无法识别的表头：多余。第一行应为表头，可用的列名为：编码、日期。")]
    first, second, third = parse_rows(table, columns, parse)
    assert first.values == {"code": "A1", "day": date(2024, 1, 31)} and not first.errors
    assert second.bad_fields == {"day"}
    assert second.errors == [RowError(3, "日期", "日期“明天”无法识别，请使用 2024-01-31 格式。"),
                             RowError(3, "", "第 5 列有数据但没有可识别的表头，请补上列名或删除该列。")]
    assert third.errors == []  # an unlabelled column is reported once per file


def test_missing_required_column():
    _, errors = read_header(read("日期\n2024-01-01\n".encode()), COLUMNS)
    assert errors == [RowError(1, "", "缺少必需的列：编码。")]


def test_parse_date_rejects_impossible_dates():
    with pytest.raises(CellError):
        parse_date("2024-02-30", False)


# ---------------------------------------------------------------------------------------------- writing and results


def test_written_csv_reads_back():
    rows = [["007", "=1+1", date(2024, 1, 31)], ["A", None, None]]
    table = read(write_csv(["编码", "公式", "日期"], rows))
    assert values(table) == [["编码", "公式", "日期"], ["007", "'=1+1", "2024-01-31"], ["A", "", ""]]
    assert cell_text(table.rows[1][1][1]) == "=1+1"  # the formula guard comes off again on import


def test_written_xlsx_reads_back():
    columns = (Column("编码", "code", text=True), Column("公式", "formula"), Column("日期", "day"))
    # A control character would make the workbook invalid; it is dropped. Trailing empty cells are not read.
    rows = [["007", "=1+1", date(2024, 1, 31)], ["A\x01B", None, None]]
    data = write_xlsx(columns, rows, sheet_title="数据", help_sheet_title="填写说明", help_title="说明", rules=["规则"])
    table = read(data, sheet_title="数据")
    assert values(table) == [["编码", "公式", "日期"], ["007", "'=1+1", datetime(2024, 1, 31)], ["AB"]]
    assert cell_text(table.rows[1][1][1]) == "=1+1"  # stored as guarded text; the guard comes off on import
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["数据", "填写说明"]


def test_summary_names_what_was_counted():
    class Counted(ImportResult):
        measure, noun = "个", "机构"

    assert Counted(created=["a"], unchanged=["b"]).summary() == "导入完成：新增 1 个机构，更新 0 个，未变化 1 个。"
    assert Counted(dry_run=True).summary().startswith("预检通过（未写入）")
    failed = Counted(errors=[RowError(0, "", "文件为空。")])
    assert not failed.ok and failed.summary() == "共发现 1 处错误，未导入任何数据。"
    assert str(RowError(3, "编码", "x")) == "第3行 [编码] x" and str(RowError(0, "", "y")) == "文件 y"
