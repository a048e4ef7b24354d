"""`gongkai agencies export|import`."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from orgs.models import Agency


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("agencies", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_csv_of_a_subtree(region, tmp_path):
    target = tmp_path / "机构.csv"
    out, _ = run("export", "--format", "csv", "--out", str(target), "--root", "county")
    assert "已导出 5 个机构" in out
    text = target.read_bytes().decode("utf-8-sig")
    assert "演示县教育局" in text and "邻县" not in text


def test_export_format_follows_the_extension(region, tmp_path):
    target = tmp_path / "机构.xlsx"
    run("export", "--out", str(target))
    assert openpyxl.load_workbook(target).sheetnames == ["机构", "填写说明"]


def test_export_unknown_root(region, tmp_path):
    with pytest.raises(CommandError, match="“nope”不存在"):
        run("export", "--out", str(tmp_path / "x.csv"), "--root", "nope")


def test_import_dry_run_then_run(region, tmp_path):
    target = tmp_path / "new.csv"
    target.write_text("机构编码,机构全称,机构类别,层级,上级机关编码\nlib,演示县图书馆,事业单位,县级,county\n",
                      encoding="utf-8-sig")
    out, _ = run("import", str(target), "--dry-run")
    assert "预检通过" in out and "新增 1 个" in out
    assert not Agency.objects.filter(code="lib").exists()
    out, _ = run("import", str(target))
    assert "导入完成" in out
    lib = Agency.objects.get(code="lib")
    assert lib.parent == region["county"]
    entries = AuditEntry.objects.filter(action__in=["orgs.agency.create", "orgs.agency.import"]).order_by("-id")[:2]
    assert {e.actor_label for e in entries} == {"命令行导入"}


def test_import_errors_are_listed_and_fail(region, tmp_path):
    target = tmp_path / "bad.csv"
    target.write_text("机构编码,机构全称,机构类别,层级,上级机关编码\nlib,图书馆,事业单位,市级,county\n"
                      "lib2,档案馆,事业单位,县级,nowhere\n", encoding="utf-8-sig")
    count = Agency.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 处错误"):
        call_command("agencies", "import", str(target), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == ["第2行 [层级] 层级“市级”无效，应为：省级、设区的市级、县级、乡级。",
                     "第3行 [上级机关编码] 上级机关编码“nowhere”不存在，也不在本文件中。"]
    assert Agency.objects.count() == count


def test_import_scoped_by_root(region, tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("机构编码,机构全称,机构类别,层级,上级机关编码\nlib,邻县图书馆,事业单位,县级,other\n",
                      encoding="utf-8-sig")
    with pytest.raises(CommandError):
        run("import", str(target), "--root", "county")


def test_import_missing_file(tmp_path, db):
    with pytest.raises(CommandError, match="无法读取文件"):
        run("import", str(tmp_path / "nope.xlsx"))


def test_round_trip_through_the_command(region, tmp_path):
    target = tmp_path / "all.xlsx"
    run("export", "--format", "xlsx", "--out", str(target))
    out, _ = run("import", str(target), "--dry-run")
    assert f"未变化 {Agency.objects.count()} 个" in out
