"""Import and export of catalogues of already-published items: through the services, all-or-nothing,
legacy 索引号 kept, idempotent re-imports, every error reported with its row and column."""

import csv
import io
from datetime import date

import openpyxl
import pytest

from audit.models import AuditEntry
from catalog.models import (
    Attachment,
    Document,
    DocumentStatus,
    LifecycleEvent,
    NormativeEvent,
    Validity,
)
from catalog.tests.test_attachments import PE, make_docx, make_pdf
from catalog.transfer import HEADERS, export_catalogue, import_catalogue

pytestmark = pytest.mark.django_db

EDU_2018 = "640323001/2018-00061"
INTERPRETATION = "640323001/2018-00062"
REPEALED = "640323001/2016-00005"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def row(**overrides) -> dict:
    values = {"索引号": EDU_2018, "标题": "关于做好2018年学生资助工作的通知", "文号": "盐教发[2018]12号",
              "发布机构编码": "edu", "内容概述": "部署学生资助工作。", "文件种类": "行政规范性文件",
              "体裁分类": "行政规范性文件", "主题分类": "科技、教育", "第二十条事项": "（一）", "成文日期": "2018-03-01",
              "发布日期": "2018-03-09", "政策性文件": "是", "正文": "各学校：\n现将有关事项通知如下。"}
    values.update(overrides)
    return values


def catalogue_rows() -> list[dict]:
    return [
        row(),
        row(**{"索引号": INTERPRETATION, "标题": "《关于做好2018年学生资助工作的通知》政策解读", "文号": "",
               "文件种类": "其他公文", "体裁分类": "interpretation", "第二十条事项": "1", "政策性文件": "否",
               "解读的文件索引号": EDU_2018, "解读形式": "文字；图解", "正文": "<p>一、背景</p><script>x</script>"}),
        row(**{"索引号": REPEALED, "标题": "演示县学生资助管理暂行办法", "文号": "盐教发〔2016〕3号", "成文日期": "2016-01-04",
               "发布日期": "2016-01-08", "有效性": "已废止", "有效期至": "2018-03-09", "替代文件索引号": EDU_2018,
               "第二十条事项": "第（一）项"}),
    ]


def to_csv(rows: list[dict], headers=None) -> bytes:
    headers = headers or list(dict.fromkeys(h for r in rows for h in r))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    return out.getvalue().encode("utf-8")


def to_xlsx(rows: list[dict]) -> bytes:
    headers = list(dict.fromkeys(h for r in rows for h in r))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def state():
    return (Document.objects.count(), AuditEntry.objects.count(), NormativeEvent.objects.count(),
            Attachment.objects.count())


def imported(data, **kwargs):
    kwargs.setdefault("dry_run", False)
    result = import_catalogue(data, "目录.csv", **kwargs)
    assert result.ok, [str(e) for e in result.errors]
    return result


# ---------------------------------------------------------------------------------------------- import


def test_import_publishes_legacy_items_with_their_index_numbers(region, genres):
    result = imported(to_csv(catalogue_rows()))
    assert sorted(result.created) == sorted([EDU_2018, INTERPRETATION, REPEALED])
    assert result.summary() == "导入完成：新增 3 条信息，更新 0 条，未变化 0 条。"

    notice = Document.objects.get(index_number=EDU_2018)
    assert notice.status == DocumentStatus.PUBLISHED and notice.published_on == date(2018, 3, 9)
    assert notice.publisher == region["edu"] and notice.document_number == "盐教发〔2018〕12号"
    assert notice.body == "<p>各学校：</p><p>现将有关事项通知如下。</p>"
    assert notice.topic.name == "科技、教育" and notice.statutory_item == 1 and notice.is_policy_document
    assert notice.generated_on == notice.formed_or_changed_on == date(2018, 3, 1)

    interpretation = Document.objects.get(index_number=INTERPRETATION)
    assert list(interpretation.interprets.all()) == [notice]
    assert sorted(interpretation.interpretation_forms) == ["graphic", "text"]
    assert "<script>" not in interpretation.body

    old = Document.objects.get(index_number=REPEALED)
    assert old.validity == Validity.REPEALED and old.replaced_by == notice and old.effective_to == date(2018, 3, 9)
    assert list(old.events.values_list("event", "on")) == [(LifecycleEvent.ISSUED, date(2016, 1, 4)),
                                                          (LifecycleEvent.REPEALED, date(2018, 3, 9))]
    entries = AuditEntry.objects.filter(action__startswith="catalog.")
    assert set(entries.values_list("actor_label", flat=True)) == {"目录导入"}
    assert entries.filter(action="catalog.catalogue.import").count() == 1
    assert entries.filter(action="catalog.document.import").count() == 3  # one per item, by the service


def test_reimporting_the_same_file_changes_nothing(region, genres):
    data = to_csv(catalogue_rows())
    imported(data)
    before = state()
    result = imported(data)
    assert result.created == result.updated == [] and len(result.unchanged) == 3
    assert state()[0] == before[0] and state()[2:] == before[2:]


def test_xlsx_import_with_date_cells_and_numbers(region, genres):
    rows = [row(**{"成文日期": date(2018, 3, 1), "发布日期": date(2018, 3, 9), "第二十条事项": 1})]
    imported(to_xlsx(rows))
    doc = Document.objects.get(index_number=EDU_2018)
    assert doc.written_on == date(2018, 3, 1) and doc.statutory_item == 1


def test_dry_run_validates_everything_and_writes_nothing(region, genres):
    before = state()
    result = import_catalogue(to_csv(catalogue_rows()), "目录.csv", dry_run=True)
    assert result.ok and len(result.created) == 3
    assert result.summary().startswith("预检通过（未写入）")
    assert state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_round_trips_through_import(region, genres, tmp_path, fmt):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "资助标准.pdf").write_bytes(make_pdf("Subsidy standard"))
    rows = catalogue_rows()
    rows[0]["附件"] = "资助标准.pdf"
    rows[0]["联合发文机构编码"] = "health；office"
    rows[1]["第二十一条事项"] = "公共服务；社会救助"
    rows[1]["公开渠道"] = "政府网站；政府公报"
    rows.append(row(**{"索引号": "640323001/2019-00001", "标题": "依申请公开的记录", "公开属性": "依申请公开",
                       "法律依据": "《条例》第二十七条", "第二十条事项": "", "文件种类": "其他公文", "政策性文件": "否",
                       "文号": "", "关键词": "=1+1"}))
    imported(to_csv(rows), attachments_dir=folder)

    data = export_catalogue(Document.objects.all(), fmt)
    before = state()
    result = import_catalogue(data, f"export.{fmt}", dry_run=True)
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == result.updated == [] and len(result.unchanged) == 4
    assert state() == before
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data))["目录"]
        assert [c.value for c in sheet[1]] == list(HEADERS)
    else:
        assert "'=1+1" in data.decode("utf-8-sig")  # CSV injection guard


def test_attachments_from_a_folder_are_inspected_and_their_text_stored(region, genres, tmp_path, media):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "标准.pdf").write_bytes(make_pdf("Subsidy standard 2018"))
    (folder / "名单.doc").write_bytes(make_docx(paragraphs=("第一中学 受助学生名单",)))
    imported(to_csv([row(**{"附件": "标准.pdf；名单.doc"})]), attachments_dir=folder)
    attachments = list(Document.objects.get(index_number=EDU_2018).attachments.all())
    assert [a.original_name for a in attachments] == ["标准.pdf", "名单.docx"]  # extension corrected by content
    assert "Subsidy standard 2018" in attachments[0].text and "受助学生名单" in attachments[1].text
    assert all(a.file.storage.exists(a.file.name) for a in attachments)


def test_validity_change_on_reimport_updates_through_the_service(region, genres):
    imported(to_csv([row()]))
    result = imported(to_csv([row(**{"有效性": "失效", "有效期至": "2023-12-31"})]))
    assert result.updated == [EDU_2018]
    doc = Document.objects.get(index_number=EDU_2018)
    assert doc.validity == Validity.EXPIRED and doc.effective_to == date(2023, 12, 31)
    assert doc.events.filter(event=LifecycleEvent.EXPIRED, on=date(2023, 12, 31)).exists()


def test_interpretation_may_point_at_a_document_already_in_the_database(region, genres):
    imported(to_csv([row()]))
    interpretation = catalogue_rows()[1]
    imported(to_csv([interpretation]))
    assert Document.objects.get(index_number=INTERPRETATION).interprets.get().index_number == EDU_2018


# ---------------------------------------------------------------------------------------------- errors


def assert_rejected(data, line, column, fragment, **kwargs):
    before = state()
    result = import_catalogue(data, "目录.csv", dry_run=False, **kwargs)
    assert not result.ok and result.created == result.updated == result.unchanged == []
    assert state() == before, "nothing may be written"
    assert any(e.line == line and e.column == column and fragment in e.message for e in result.errors), \
        [str(e) for e in result.errors]
    return result


@pytest.mark.parametrize(("overrides", "column", "fragment"), [
    ({"索引号": "2018-61"}, "索引号", "索引号“2018-61”格式不正确"),
    ({"文号": "盐教发2018第12号"}, "文号", "格式不正确"),
    ({"发布机构编码": "nowhere"}, "发布机构编码", "机构编码“nowhere”不存在"),
    ({"联合发文机构编码": "edu；ghost"}, "联合发文机构编码", "“ghost”不存在"),
    ({"体裁分类": "会议纪要"}, "体裁分类", "体裁分类“会议纪要”不存在"),
    ({"主题分类": "航天"}, "主题分类", "主题分类“航天”不存在"),
    ({"第二十条事项": "（十六）"}, "第二十条事项", "无效"),
    ({"发布日期": "2018-02-30"}, "发布日期", "无法识别"),
    ({"发布日期": ""}, "发布日期", "发布日期不能为空"),
    ({"标题": ""}, "标题", "标题不能为空"),
    ({"有效性": "已废止"}, "有效期至", "须在“有效期至”填写已废止日期"),
    ({"替代文件索引号": "640323001/2010-00001"}, "替代文件索引号", "不存在，也不在本文件中"),
    ({"解读的文件索引号": "640323001/2010-00001"}, "解读的文件索引号", "只有体裁为“政策解读”"),
    ({"政策性文件": "也许"}, "政策性文件", "应为“是”或“否”"),
    ({"公开属性": "依申请公开", "法律依据": ""}, "法律依据", "必须填写法律依据"),
    ({"施行日期": "2018-05-01", "有效期至": "2018-04-01"}, "有效期至", "不能早于施行日期"),
    ({"附件": "不存在.pdf"}, "附件", "填写了附件，但导入时没有指定附件文件夹"),
])
def test_row_errors_name_the_line_and_column_and_write_nothing(region, genres, overrides, column, fragment):
    rows = [catalogue_rows()[2], row(**overrides)]  # a good row first: it must be rolled back too
    rows[0] = {**rows[0], "替代文件索引号": "", "有效性": "", "有效期至": ""}
    assert_rejected(to_csv(rows), 3, column, fragment)


def test_missing_publication_blockers_are_reported(region, genres):
    assert_rejected(to_csv([row(**{"内容概述": ""})]), 2, "", "缺少内容概述")


def test_interpretation_target_must_exist(region, genres):
    rows = [catalogue_rows()[1]]  # its document is neither in the file nor in the database
    assert_rejected(to_csv(rows), 2, "解读的文件索引号", f"被解读文件索引号“{EDU_2018}”不存在")


def test_duplicate_index_number_in_the_file(region, genres):
    assert_rejected(to_csv([row(), row(**{"标题": "另一个"})]), 3, "索引号", "索引号重复（第 2 行已出现）")


def test_changing_a_published_item_is_refused(region, genres):
    imported(to_csv([row()]))
    result = assert_rejected(to_csv([row(**{"标题": "改过的标题", "发布日期": "2018-03-10"})]), 2, "标题",
                             "已发布的信息不能通过导入修改")
    assert {e.column for e in result.errors} == {"标题", "发布日期"}


def test_every_row_error_is_reported_at_once(region, genres):
    rows = [row(**{"索引号": "bad"}), row(**{"索引号": "640323001/2018-00070", "发布机构编码": "x"}),
            row(**{"索引号": "640323001/2018-00071", "体裁分类": "y"})]
    result = assert_rejected(to_csv(rows), 2, "索引号", "格式不正确")
    assert [(e.line, e.column) for e in result.errors] == [(2, "索引号"), (3, "发布机构编码"), (4, "体裁分类")]
    assert str(result.errors[1]) == "第3行 [发布机构编码] 机构编码“x”不存在。"


def test_refused_attachment_and_files_of_good_rows_are_removed(region, genres, tmp_path, media):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "好.pdf").write_bytes(make_pdf("fine"))
    (folder / "坏.pdf").write_bytes(PE)
    rows = [row(**{"附件": "好.pdf"}), row(**{"索引号": "640323001/2018-00070", "附件": "坏.pdf"})]
    assert_rejected(to_csv(rows), 3, "附件", "文件“坏.pdf”的内容不是 PDF（实际为可执行文件），已拒绝。",
                    attachments_dir=folder)
    stored = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    assert stored == [], "a rolled-back import leaves no files behind"


def test_attachment_names_cannot_leave_the_folder(region, genres, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert_rejected(to_csv([row(**{"附件": "../secret.txt"})]), 2, "附件", "不能包含路径", attachments_dir=folder)
    assert_rejected(to_csv([row(**{"附件": "link.txt"})]), 2, "附件", "不存在", attachments_dir=folder)


def test_scope_root_confines_rows_to_the_subtree(region, genres):
    rows = [row(), row(**{"索引号": "640323001/2018-00070", "发布机构编码": "other-edu"})]
    assert_rejected(to_csv(rows), 3, "发布机构编码", "不在“演示县人民政府”的下级机构范围内",
                    scope_root=region["county"])
    imported(to_csv([row()]), scope_root=region["county"])


def test_existing_item_of_another_agency_is_out_of_scope(region, genres):
    imported(to_csv([row(**{"发布机构编码": "other-edu"})]))
    assert_rejected(to_csv([row()]), 2, "索引号", "已被“演示县人民政府”以外的机构使用", scope_root=region["county"])


def test_file_level_problems(region, genres):
    assert_rejected(b"", 0, "", "文件为空")
    assert_rejected("索引号,标题\n1,2\n".encode(), 1, "", "缺少必需的列：发布机构编码、体裁分类、发布日期")
    assert_rejected(to_csv([row()])[: to_csv([row()]).index(b"\n") + 1], 0, "", "没有目录数据")
    assert_rejected(b"\x7fELF\x00\x00\x00", 0, "", "不是 XLSX 或 CSV")


def test_unexpected_failure_is_reported_not_raised(region, genres, monkeypatch):
    from catalog import services

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "import_published", explode)
    assert_rejected(to_csv([row()]), 0, "", "导入时发生内部错误")


def test_a_later_publication_does_not_collide_with_an_imported_number(region, genres, editorial, draft_fields):
    from catalog import services

    own_number = f"{region['edu'].effective_index_prefix}/2018-00001"
    imported(to_csv([row(**{"索引号": own_number})]))
    draft = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                  **draft_fields(document_number="")).document
    services.submit(draft, user=editorial["editor"])
    services.pass_secrecy_review(draft, user=editorial["reviewer"])
    published = services.publish(draft, user=editorial["reviewer"], on=date(2018, 6, 1)).document
    assert published.index_number == f"{region['edu'].effective_index_prefix}/2018-00002"
