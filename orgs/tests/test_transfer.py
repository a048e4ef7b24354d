"""Import and export of the agency tree (orgs.transfer)."""

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from audit.models import AuditEntry
from orgs.credit_code import credit_check_character, make_credit_code
from orgs.models import Agency, AgencyKind, AgencyLevel
from orgs.services import update_agency
from orgs.transfer import (
    COLUMNS,
    HEADERS,
    MAX_BYTES,
    MAX_ROWS,
    RowError,
    export_agencies,
    import_agencies,
)

REQUIRED = ["机构编码", "机构全称", "机构类别", "层级"]
TREE_FIELDS = [c.field for c in COLUMNS if c.field not in ("parent", "supervisor")]


def csv_bytes(rows, header=HEADERS, *, encoding="utf-8-sig", delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(code, name, kind="政府部门", level="县级", parent="", **extra):
    """A full row in COLUMNS order; extra cells by Chinese header."""
    cells = {"机构编码": code, "机构全称": name, "机构类别": kind, "层级": level, "上级机关编码": parent, **extra}
    return [cells.get(h, "") for h in HEADERS]


def state():
    return Agency.objects.count(), AuditEntry.objects.count()


def tree():
    return sorted(
        (a.code, a.parent.code if a.parent else None, a.supervisor.code if a.supervisor else None,
         a.depth, *(getattr(a, f) for f in TREE_FIELDS))
        for a in Agency.objects.select_related("parent", "supervisor")
    )


def only_error(result) -> RowError:
    assert not result.ok
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.fixture
def rich_region(region):
    """The region with every column filled in somewhere, so a round trip exercises them all."""
    update_agency(region["county"], short_name="演示县政府", division_code="640323", postcode="751500",
                  address="演示县花马池镇1号", phone="0953-1234567", fax="0953-1234568",
                  email="gk@example.gov.cn", website="http://www.example.gov.cn", office_hours="工作日 8:30—12:00",
                  disclosure_office_name="演示县人民政府办公室", sort_order=1, established_on=date(1936, 6, 21),
                  index_prefix="YSX", supervisor=region["office"])
    for key in ("edu", "health", "town"):
        update_agency(region[key], supervisor=region["office"], sort_order=3)
    update_agency(region["health"], dissolved_on=date(2030, 1, 1), established_on=date(2019, 1, 15))
    return region


# ---------------------------------------------------------------------------------------------- export


def test_columns_are_the_documented_headers_in_order():
    assert list(HEADERS) == [
        "机构编码", "机构全称", "简称", "机构类别", "层级", "上级机关编码", "政府信息公开工作主管部门编码",
        "统一社会信用代码", "行政区划代码", "索引号前缀", "政府信息公开工作机构", "办公地址", "邮政编码", "联系电话",
        "传真", "电子邮箱", "互联网联系方式", "办公时间", "排序", "设立日期", "撤销日期",
        "法律法规授权", "行政复议管辖", "上一级主管部门", "上一级人民政府",
    ]


def test_csv_export_has_bom_chinese_labels_and_parents_first(rich_region):
    data = export_agencies(Agency.objects.all(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    codes = [r[0] for r in rows[1:]]
    assert set(codes) == set(Agency.objects.values_list("code", flat=True))
    for r in rows[1:]:
        if r[5]:
            assert codes.index(r[5]) < codes.index(r[0]), "parent after child"
    county = rows[1 + codes.index("county")]
    assert county[3] == "人民政府" and county[4] == "县级"
    assert county[12] == "751500" and county[19] == "1936-06-21" and county[6] == "office"


def test_xlsx_export_layout(rich_region):
    data = export_agencies(Agency.objects.all(), "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["机构", "填写说明"]
    sheet = workbook["机构"]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 30
    assert sheet.max_row == Agency.objects.count() + 1
    county = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "county")
    assert county[12] == "751500"  # text, not the number 751500
    assert county[19].date() == date(1936, 6, 21)
    help_text = "\n".join(str(c.value) for r in workbook["填写说明"].iter_rows() for c in r if c.value)
    for header in HEADERS:
        assert header in help_text
    for label in [*AgencyKind.labels, *AgencyLevel.labels]:
        assert label in help_text


def test_export_rejects_unknown_format(region):
    with pytest.raises(ValueError, match="xlsx 或 csv"):
        export_agencies(Agency.objects.all(), "pdf")


def test_export_never_turns_a_value_into_a_formula(region):
    update_agency(region["edu"], short_name="=HYPERLINK(\"http://evil\")", phone="+86 953 1234567")
    xlsx = openpyxl.load_workbook(io.BytesIO(export_agencies(Agency.objects.all(), "xlsx")))["机构"]
    edu = next(r for r in xlsx.iter_rows(min_row=2) if r[0].value == "edu")
    assert edu[2].data_type == "s"
    text = export_agencies(Agency.objects.all(), "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    for fmt in ("csv", "xlsx"):
        result = import_agencies(export_agencies(Agency.objects.all(), fmt), f"x.{fmt}", dry_run=True)
        assert result.ok and result.updated == [], result.errors


# ---------------------------------------------------------------------------------------------- round trip


def _empty_database():
    for agency in Agency.objects.order_by("-depth"):
        agency.delete()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_into_an_empty_database(rich_region, fmt):
    before = tree()
    data = export_agencies(Agency.objects.all(), fmt)
    _empty_database()
    result = import_agencies(data, f"机构.{fmt}", dry_run=False)
    assert result.ok, result.errors
    assert len(result.created) == len(before) and result.updated == [] and result.unchanged == []
    assert tree() == before
    county = Agency.objects.get(code="county")
    assert all(a.path.startswith(county.path) for a in Agency.objects.filter(code__in=["edu", "town", "office"]))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_dry_run_of_an_export_is_all_unchanged_and_writes_nothing(rich_region, fmt):
    data = export_agencies(Agency.objects.all(), fmt)
    counts = state()
    result = import_agencies(data, f"机构.{fmt}", dry_run=True)
    assert result.ok, result.errors
    assert result.created == [] and result.updated == []
    assert sorted(result.unchanged) == sorted(Agency.objects.values_list("code", flat=True))
    assert state() == counts
    assert "预检" in result.summary()


def test_subtree_export_reimports(region):
    data = export_agencies(Agency.objects.subtree_of(region["county"]), "csv")
    result = import_agencies(data, "x.csv", dry_run=True, scope_root=region["county"])
    assert result.ok, result.errors
    assert len(result.unchanged) == 5


# ---------------------------------------------------------------------------------------------- create / update


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_new_subtree_with_the_parent_in_a_later_row(region, make):
    credit = make_credit_code("12", "640323", "02000001")
    data = make([
        row("school-1", "演示县第一中学", "事业单位", "县级", "edu-new", 统一社会信用代码=credit),
        row("school-1-lab", "演示县第一中学实验室", "内设机构", "县级", "school-1"),
        row("edu-new", "演示县教育体育局", "政府部门", "县级", "county", 政府信息公开工作主管部门编码="office"),
    ])
    counts = state()
    result = import_agencies(data, "new", dry_run=False)
    assert result.ok, result.errors
    assert sorted(result.created) == ["edu-new", "school-1", "school-1-lab"]
    lab = Agency.objects.get(code="school-1-lab")
    assert [a.code for a in lab.ancestors()] == ["county", "edu-new", "school-1"]
    assert lab.depth == 3
    assert Agency.objects.get(code="school-1").credit_code == credit
    assert Agency.objects.get(code="edu-new").supervisor == region["office"]
    # 3 creations and the import summary
    assert state() == (counts[0] + 3, counts[1] + 4)
    summary = AuditEntry.objects.filter(action="orgs.agency.import").get()
    assert summary.after["created"] == 3


def test_supervisor_may_be_a_later_new_row(region):
    data = csv_bytes([
        row("zone", "演示县开发区管委会", "开发区管委会", "县级", "county", 政府信息公开工作主管部门编码="zone-office"),
        row("zone-office", "演示县开发区管委会办公室", "内设机构", "县级", "zone"),
    ])
    result = import_agencies(data, "x.csv", dry_run=False)
    assert result.ok, result.errors
    assert Agency.objects.get(code="zone").supervisor.code == "zone-office"


def test_update_changes_only_the_named_fields_and_is_audited(region):
    edu = region["edu"]
    update_agency(edu, office_hours="工作日", address="老地址")
    data = csv_bytes([["edu", "演示县教育局", "政府部门", "县级", "工作日 9:00—17:00"]],
                     header=[*REQUIRED, "办公时间"])
    counts = state()
    result = import_agencies(data, "x.csv", dry_run=False)
    assert result.ok, result.errors
    assert result.updated == ["edu"] and result.created == [] and result.unchanged == []
    edu.refresh_from_db()
    assert edu.office_hours == "工作日 9:00—17:00"
    assert edu.address == "老地址" and edu.parent == region["county"]  # columns not in the file: untouched
    entry = AuditEntry.objects.filter(action="orgs.agency.update", object_id=str(edu.pk)).order_by("-id").first()
    assert [name for name, _, _ in entry.changed_fields() if name != "updated_at"] == ["office_hours"]
    assert state() == (counts[0], counts[1] + 2)  # the update and the import summary


def test_empty_cell_clears_and_moves_are_applied(region):
    update_agency(region["town"], phone="123")
    data = csv_bytes([["town", "演示县花马池镇人民政府", "人民政府", "乡级", "edu", ""]],
                     header=[*REQUIRED, "上级机关编码", "联系电话"])
    result = import_agencies(data, "x.csv", dry_run=False)
    assert result.ok, result.errors
    town = Agency.objects.get(code="town")
    assert town.phone == "" and town.parent.code == "edu"
    assert town.path == f"{region['edu'].path}{town.pk}/"


def test_unchanged_rows_write_nothing(region):
    data = csv_bytes([["edu", "演示县教育局", "政府部门", "县级", "county"]], header=[*REQUIRED, "上级机关编码"])
    counts = state()
    result = import_agencies(data, "x.csv", dry_run=False)
    assert result.ok and result.unchanged == ["edu"]
    assert state() == (counts[0], counts[1] + 1)  # only the import summary


def test_stored_values_are_accepted_for_kind_and_level(region):
    data = csv_bytes([row("x1", "某单位", "public_institution", "County", "county")])
    result = import_agencies(data, "x.csv", dry_run=False)
    assert result.ok, result.errors
    x1 = Agency.objects.get(code="x1")
    assert (x1.kind, x1.level) == (AgencyKind.PUBLIC_INSTITUTION, AgencyLevel.COUNTY)


# ---------------------------------------------------------------------------------------------- errors


def assert_rejected(region, rows, line, column, *fragments, header=HEADERS):
    counts = state()
    result = import_agencies(csv_bytes(rows, header=header), "x.csv", dry_run=False)
    error = only_error(result)
    assert (error.line, error.column) == (line, column), error
    for fragment in fragments:
        assert fragment in error.message, error
    assert state() == counts
    assert result.created == result.updated == result.unchanged == []
    return error


def test_wrong_check_character_names_the_expected_one(region):
    good = make_credit_code("11", "640323", "03000001")
    wrong = "1" if good[-1] != "1" else "2"
    error = assert_rejected(region, [row("ok1", "甲", parent="county"),
                                     row("bad", "乙", parent="county", 统一社会信用代码=good[:17] + wrong)],
                            3, "统一社会信用代码")
    assert error.message == (f"统一社会信用代码校验位错误：第18位应为“{credit_check_character(good[:17])}”，"
                             f"实际为“{wrong}”。")


def test_unknown_parent(region):
    error = assert_rejected(region, [row("x1", "甲", parent="abc")], 2, "上级机关编码")
    assert error.message == "上级机关编码“abc”不存在，也不在本文件中。"


def test_unknown_supervisor(region):
    assert_rejected(region, [row("x1", "甲", parent="county", 政府信息公开工作主管部门编码="nope")], 2,
                    "政府信息公开工作主管部门编码", "“nope”不存在")


def test_unknown_level_label(region):
    error = assert_rejected(region, [row("x1", "甲", level="市级", parent="county")], 2, "层级")
    assert error.message == "层级“市级”无效，应为：省级、设区的市级、县级、乡级。"


def test_unknown_kind_label(region):
    assert_rejected(region, [row("x1", "甲", kind="局", parent="county")], 2, "机构类别", "“局”无效", "人民政府")


def test_duplicate_code_in_the_file(region):
    rows = [row("x1", "甲", parent="county"), row("x2", "乙", parent="county"), row("x3", "丙", parent="county"),
            row("x4", "丁", parent="county"), row("x1", "戊", parent="county")]
    error = assert_rejected(region, rows, 6, "机构编码")
    assert error.message == "机构编码重复（第 2 行已出现）。"


def test_cycle_between_new_rows(region):
    counts = state()
    result = import_agencies(csv_bytes([row("a", "甲", parent="b"), row("b", "乙", parent="a"),
                                        row("c", "丙", parent="county")]), "x.csv", dry_run=False)
    assert [(e.line, e.column) for e in result.errors] == [(2, "上级机关编码"), (3, "上级机关编码")]
    assert "循环" in result.errors[0].message
    assert state() == counts


def test_moving_an_agency_under_its_own_descendant_is_a_cycle(region):
    error = assert_rejected(region, [["county", "演示县人民政府", "人民政府", "县级", "town"]], 2, "上级机关编码",
                            "循环", header=[*REQUIRED, "上级机关编码"])
    assert "county → town → county" in error.message


def test_bad_date(region):
    error = assert_rejected(region, [row("x1", "甲", parent="county", 设立日期="2024/13/01")], 2, "设立日期")
    assert error.message == "日期“2024/13/01”无法识别，请使用 2024-01-31 格式。"


def test_dissolved_before_established(region):
    assert_rejected(region, [row("x1", "甲", parent="county", 设立日期="2024-02-01", 撤销日期="2024-01-31")], 2,
                    "撤销日期", "早于设立日期")


def test_bad_postcode(region):
    assert_rejected(region, [row("x1", "甲", parent="county", 邮政编码="75150")], 2, "邮政编码", "6位数字")


def test_bad_email_uses_the_model_validation(region):
    assert_rejected(region, [row("x1", "甲", parent="county", 电子邮箱="not-an-email")], 2, "电子邮箱")


def test_credit_code_already_used_by_another_agency(region):
    assert_rejected(region, [row("x1", "甲", parent="county", 统一社会信用代码=region["edu"].credit_code)], 2,
                    "统一社会信用代码", "“edu”")


def test_invalid_code(region):
    assert_rejected(region, [row("中文编码", "甲", parent="county")], 2, "机构编码", "只能由字母")


def test_missing_required_value(region):
    assert_rejected(region, [row("x1", "", parent="county")], 2, "机构全称", "不能为空")


def test_every_error_is_listed_and_nothing_is_written(region):
    rows = [
        row("x1", "甲", level="市级", parent="county"),  # line 2
        row("x2", "乙", parent="x1"),  # line 3: fine, but its parent fails
        row("x3", "丙", parent="county", 邮政编码="12", 设立日期="昨天"),  # line 4: two errors
        row("x1", "丁", parent="county"),  # line 5
        row("x5", "戊", parent="nowhere"),  # line 6
        row("x6", "己", parent="county"),  # line 7: fine
    ]
    counts = state()
    result = import_agencies(csv_bytes(rows), "x.csv", dry_run=False)
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "层级"), (4, "邮政编码"), (4, "设立日期"), (5, "机构编码"), (6, "上级机关编码")]
    assert state() == counts
    assert not Agency.objects.filter(code__in=["x2", "x6"]).exists()
    assert "5 处错误" in result.summary()


def test_a_failing_write_rolls_back_earlier_rows(region, monkeypatch):
    """A row that only fails when written (here: a model check) still undoes the rows written before it."""
    import orgs.transfer as transfer

    real = transfer.create_agency

    def create(**fields):
        if fields["code"] == "x2":
            from django.core.exceptions import ValidationError

            raise ValidationError({"name": "名称与已有机构冲突。"})
        return real(**fields)

    monkeypatch.setattr(transfer, "create_agency", create)
    counts = state()
    result = import_agencies(csv_bytes([row("x1", "甲", parent="county"), row("x2", "乙", parent="x1")]),
                             "x.csv", dry_run=False)
    assert only_error(result) == RowError(3, "机构全称", "名称与已有机构冲突。")
    assert state() == counts


# ---------------------------------------------------------------------------------------------- files


def test_gb18030_csv(region):
    data = csv_bytes([row("x1", "演示县䶮字测试局", parent="county", 办公地址="花马池镇")], encoding="gb18030")
    result = import_agencies(data, "x.csv", dry_run=False)
    assert result.ok, result.errors
    assert Agency.objects.get(code="x1").name == "演示县䶮字测试局"


def test_tab_separated_csv_without_bom(region):
    data = csv_bytes([row("x1", "甲局", parent="county", 办公地址="一路, 二号")], encoding="utf-8", delimiter="\t")
    result = import_agencies(data, "x.txt", dry_run=False)
    assert result.ok, result.errors
    assert Agency.objects.get(code="x1").address == "一路, 二号"


def test_utf16_tab_text_from_excel(region):
    data = csv_bytes([row("x1", "甲局", parent="county")], encoding="utf-16", delimiter="\t")
    assert import_agencies(data, "x.txt", dry_run=True).ok


def test_format_is_detected_by_content_not_name(region):
    assert import_agencies(xlsx_bytes([row("x1", "甲", parent="county")]), "x.csv", dry_run=True).ok
    assert import_agencies(csv_bytes([row("x1", "甲", parent="county")]), "x.xlsx", dry_run=True).ok


def test_cells_are_normalised(region):
    data = xlsx_bytes([
        row(" ＸＹ－１ ", "  演示县某局\u3000", " 政府部门 ", "县级", "ｃｏｕｎｔｙ ", 邮政编码=751500.0, 排序=3.0,
            行政区划代码=640323, 设立日期=datetime(2020, 5, 1), 撤销日期="2030年1月2日", 联系电话=13800138000.0,
            统一社会信用代码=" " + make_credit_code("11", "640323", "04000001").lower() + " "),
        row("x2", "乙", parent="county", 邮政编码=10000, 设立日期="2021.3.4"),
    ])
    result = import_agencies(data, "x.xlsx", dry_run=False)
    assert result.ok, result.errors
    agency = Agency.objects.get(code="XY-1")
    assert agency.name == "演示县某局" and agency.parent == region["county"]
    assert (agency.postcode, agency.sort_order, agency.division_code) == ("751500", 3, "640323")
    assert (agency.established_on, agency.dissolved_on) == (date(2020, 5, 1), date(2030, 1, 2))
    assert agency.phone == "13800138000"
    assert agency.credit_code == make_credit_code("11", "640323", "04000001")
    x2 = Agency.objects.get(code="x2")
    assert x2.postcode == "010000" and x2.established_on == date(2021, 3, 4)


def test_numbers_written_as_floats_in_a_csv(region):
    data = csv_bytes([row("101.0", "甲", parent="county", 邮政编码="751500.0", 排序="3.0", 联系电话="13800138000.0",
                          行政区划代码="640323.0")])
    result = import_agencies(data, "x.csv", dry_run=False)
    assert result.ok, result.errors
    agency = Agency.objects.get(code="101")
    assert (agency.postcode, agency.sort_order, agency.phone, agency.division_code) == (
        "751500", 3, "13800138000", "640323")


def test_empty_rows_are_skipped_and_lines_stay_true(region):
    text = "\ufeff" + ",".join(REQUIRED) + "\r\n,,,\r\n\r\nx1,甲,政府部门,市级\r\n"
    error = only_error(import_agencies(text.encode(), "x.csv", dry_run=True))
    assert (error.line, error.column) == (4, "层级")


def test_headers_tolerate_spaces_and_asterisks(region):
    data = csv_bytes([["x1", "甲", "政府部门", "县级"]], header=[" 机构编码* ", "机构全称*", "机构类别", "层级"])
    assert import_agencies(data, "x.csv", dry_run=True).ok


@pytest.mark.parametrize(("data", "fragment"), [
    (b"", "为空"),
    (b"   \r\n  ", "为空"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是 XLSX 或 CSV"),
    (b"PK\x03\x04" + b"\x00" * 100, "XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
    (b"\xff\xfe\xfa", "UTF-16"),
])
def test_unreadable_files(region, data, fragment):
    result = import_agencies(data, "x", dry_run=False)
    error = only_error(result)
    assert error.line == 0 and error.column == "" and fragment in error.message


def test_a_zip_that_is_not_a_workbook(region):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "你好")
    assert "XLSX" in only_error(import_agencies(out.getvalue(), "x.xlsx", dry_run=False)).message


def test_truncated_xlsx(region):
    data = export_agencies(Agency.objects.all(), "xlsx")
    error = only_error(import_agencies(data[: len(data) // 2], "x.xlsx", dry_run=False))
    assert error.line == 0


def test_huge_file_is_refused(region):
    error = only_error(import_agencies(b"a" * (MAX_BYTES + 1), "x.csv", dry_run=False))
    assert error.line == 0 and "10 MB" in error.message


def test_too_many_rows(region):
    lines = [",".join(REQUIRED)] + [f"x{i},甲,政府部门,县级" for i in range(MAX_ROWS + 1)]
    error = only_error(import_agencies("\n".join(lines).encode(), "x.csv", dry_run=False))
    assert error.line == 0 and str(MAX_ROWS) in error.message


def test_unknown_and_missing_headers(region):
    data = csv_bytes([["x1", "甲", "x"]], header=["机构编码", "机构名称", "备注"])
    result = import_agencies(data, "x.csv", dry_run=False)
    messages = [e.message for e in result.errors]
    assert all(e.line == 1 for e in result.errors)
    assert any("机构名称" in m and "备注" in m and "无法识别" in m for m in messages)
    assert any("缺少必需的列" in m and "机构全称" in m and "层级" in m for m in messages)


def test_data_under_a_blank_header(region):
    data = "机构编码,机构全称,机构类别,层级,\nx1,甲,政府部门,县级,多余\n".encode()
    error = only_error(import_agencies(data, "x.csv", dry_run=False))
    assert (error.line, error.column) == (2, "") and "第 5 列" in error.message


def test_header_only(region):
    assert "没有机构数据" in only_error(import_agencies(csv_bytes([]), "x.csv", dry_run=False)).message


def test_unclosed_quote_is_an_error_not_an_exception(region):
    data = ("机构编码,机构全称,机构类别,层级\n" + 'x1,"甲' + "a" * 200_000 + "\n").encode()
    result = import_agencies(data, "x.csv", dry_run=False)
    assert not result.ok


def test_row_error_formatting():
    assert str(RowError(3, "层级", "无效。")) == "第3行 [层级] 无效。"
    assert str(RowError(3, "", "重复。")) == "第3行 重复。"
    assert str(RowError(0, "", "文件为空。")) == "文件 文件为空。"


# ---------------------------------------------------------------------------------------------- scope


def test_scope_root_rejects_rows_outside_its_subtree(region):
    counts = state()
    rows = [
        row("x1", "甲", parent="edu"),  # inside
        row("x2", "乙", parent="other"),  # outside
        row("x3", "丙", parent=""),  # top level: outside
        row("other-edu", "邻县教育局", parent="other"),  # not ours to edit
        row("x4", "丁", parent="x1"),  # inside, through a new row
    ]
    result = import_agencies(csv_bytes(rows), "x.csv", dry_run=False, scope_root=region["county"])
    assert [(e.line, e.column) for e in result.errors] == [(3, "上级机关编码"), (4, "上级机关编码"), (5, "机构编码")]
    assert "无权" in result.errors[0].message
    assert state() == counts


def test_scope_root_cannot_move_itself_but_may_edit_itself(region):
    header = [*REQUIRED, "上级机关编码", "联系电话"]
    moved = csv_bytes([["county", "演示县人民政府", "人民政府", "县级", "other", ""]], header=header)
    error = only_error(import_agencies(moved, "x.csv", dry_run=False, scope_root=region["county"]))
    assert error.column == "上级机关编码"
    edited = csv_bytes([["county", "演示县人民政府", "人民政府", "县级", "", "0953-1"]], header=header)
    result = import_agencies(edited, "x.csv", dry_run=False, scope_root=region["county"])
    assert result.ok and result.updated == ["county"], result.errors


def test_scope_root_cannot_pull_an_outside_agency_in(region):
    data = csv_bytes([["other-edu", "邻县教育局", "政府部门", "县级", "county"]], header=[*REQUIRED, "上级机关编码"])
    error = only_error(import_agencies(data, "x.csv", dry_run=False, scope_root=region["county"]))
    assert error.column == "机构编码"
    assert Agency.objects.get(code="other-edu").parent == region["other"]
