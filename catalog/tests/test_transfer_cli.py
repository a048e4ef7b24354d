"""`gongkai catalogue import|export`."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from catalog.models import Document
from catalog.tests.test_attachments import make_pdf
from catalog.tests.test_transfer import EDU_2018, row, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_dry_run_then_run_with_attachments(region, genres, tmp_path):
    folder = tmp_path / "附件"
    folder.mkdir()
    (folder / "标准.pdf").write_bytes(make_pdf("Standard"))
    target = tmp_path / "目录.csv"
    target.write_bytes(to_csv([row(**{"附件": "标准.pdf"})]))
    out, _ = run("import", str(target), "--attachments", str(folder), "--dry-run")
    assert "预检通过（未写入）：新增 1 条信息" in out and not Document.objects.exists()
    out, _ = run("import", str(target), "--attachments", str(folder), "--root", "county")
    assert "导入完成：新增 1 条信息" in out
    assert Document.objects.get(index_number=EDU_2018).attachments.get().text == "Standard"


def test_import_errors_are_printed_per_row_and_exit_non_zero(region, genres, tmp_path):
    target = tmp_path / "目录.csv"
    target.write_bytes(to_csv([row(**{"索引号": "bad", "发布机构编码": "nowhere"})]))
    entries = AuditEntry.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError, match="共发现 2 处错误，未导入任何数据。"):
        call_command("catalogue", "import", str(target), stderr=err)
    assert err.getvalue().splitlines() == [
        "第2行 [索引号] 索引号“bad”格式不正确，应为“机构代码/年份-流水号”，例如：640323001/2018-00061。",
        "第2行 [发布机构编码] 机构编码“nowhere”不存在。"]
    assert AuditEntry.objects.count() == entries and not Document.objects.exists()


def test_command_errors_exit_with_status_1(region, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run("import", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="附件文件夹"):
        run("import", __file__, "--attachments", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="“nope”不存在"):
        run("export", "--out", str(tmp_path / "x.csv"), "--agency", "nope")


def test_export_of_an_agency_subtree_round_trips(region, genres, tmp_path):
    source = tmp_path / "目录.csv"
    source.write_bytes(to_csv([row(), row(**{"索引号": "640323002/2018-00001", "发布机构编码": "other-edu"})]))
    run("import", str(source))
    target = tmp_path / "导出.xlsx"
    out, _ = run("export", "--out", str(target), "--agency", "county")
    assert "已导出 1 条信息" in out
    sheet = openpyxl.load_workbook(target)["目录"]
    assert sheet["A2"].value == EDU_2018 and sheet.max_row == 2
    out, _ = run("import", str(target), "--dry-run")
    assert "未变化 1 条" in out
    csv_target = tmp_path / "导出.csv"
    run("export", "--format", "csv", "--out", str(csv_target))
    assert csv_target.read_bytes().startswith(b"\xef\xbb\xbf\xe7\xb4\xa2\xe5\xbc\x95\xe5\x8f\xb7")  # BOM + 索引号
