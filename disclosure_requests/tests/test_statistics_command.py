"""`gongkai requests stats`: 表三 and 表四 as a table with the printed labels (docs/law/annual-report.md §3), or JSON keyed by cell ids."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from appeals.models import Appeal
from disclosure_requests import services

pytestmark = pytest.mark.django_db
OK = {"legal_basis": "《中华人民共和国政府信息公开条例》第三十六条", "reasons": "理由"}


def run(*args) -> str:
    out = StringIO()
    call_command("requests", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def year_2024(region, handlers, in_person):
    """教育局: granted (received 2024-03-04), withdrawn (received 2024-05-06), open since 2024-12-16;
    卫生健康局: open since 2024-02-01. Appeals against 教育局: a review filed 2024-04-01, upheld 2024-06-01."""
    h = handlers["handler"]
    services.reply(in_person(date(2024, 3, 4), description="甲"), user=h, outcome="granted", on=date(2024, 3, 20), **OK)
    services.withdraw(in_person(date(2024, 5, 6), description="乙"), user=h, on=date(2024, 5, 8), how="书面撤回")
    in_person(date(2024, 12, 16), description="丙")
    in_person(date(2024, 2, 1), description="丁", agency=region["health"], user=None)
    Appeal.objects.create(agency=region["edu"], kind="review", subject="不服答复", body="演示县人民政府",
                          filed_on=date(2024, 4, 1), result="upheld", decided_on=date(2024, 6, 1))


def test_json_has_every_cell_id(year_2024):
    cells = json.loads(run("stats", "--agency", "edu", "--year", "2024", "--json"))
    assert len(cells) == 175 + 15
    assert cells["t3.received_new.natural_person"] == 3
    assert cells["t3.granted.natural_person"] == 1 and cells["t3.other_misc.total"] == 1
    assert cells["t3.closed_total.total"] == 2 and cells["t3.carried_out.total"] == 1
    assert cells["t4.review.upheld"] == 1 and cells["t4.review.total"] == 1 and cells["t4.review.pending"] == 0


def test_json_f2019_and_subtree(year_2024):
    cells = json.loads(run("stats", "--agency", "county", "--year", "2024", "--format", "2019", "--subtree",
                           "--json"))
    assert len(cells) == 161 + 15
    assert cells["t3.other.natural_person"] == 1
    assert cells["t3.received_new.total"] == 4 and cells["t3.carried_out.total"] == 2  # 丙 and 丁
    assert json.loads(run("stats", "--agency", "county", "--year", "2024", "--json"))["t3.received_new.total"] == 0


def test_table_prints_the_verbatim_labels_and_the_numbers(year_2024):
    text = run("stats", "--agency", "edu", "--year", "2024")
    assert "三、收到和处理政府信息公开申请情况" in text
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in text
    for label in ("自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "总计",
                  "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "3.危及“三安全一稳定”",
                  "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（七）总计",
                  "四、政府信息公开行政复议、行政诉讼情况", "结果维持", "尚未审结", "统计口径"):
        assert label in text
    lines = text.splitlines()
    row = next(line for line in lines if line.startswith("一、本年新收政府信息公开申请数量"))
    assert row.split()[1:] == ["3", "0", "0", "0", "0", "0", "3"]
    row = next(line for line in lines if line.strip().startswith("3.其他"))
    assert row.split()[1:] == ["1", "0", "0", "0", "0", "0", "1"]
    row = next(line for line in lines if line.startswith("行政复议"))
    assert row.split()[1:] == ["1", "0", "0", "0", "1"]


def test_f2019_table_has_one_other_row(year_2024):
    text = run("stats", "--agency", "edu", "--year", "2020")
    assert "2019年试行版" in text and "申请人无正当理由逾期不补正" not in text
    assert any(line.startswith("（六）其他处理") and line.split()[1:] == ["0"] * 7 for line in text.splitlines())


def test_years_before_2019_print_the_legacy_rows(region, in_person, handlers):
    case = in_person(date(2017, 3, 1), channel="fax")
    services.confirm_receipt(case, user=handlers["handler"], confirmed_on=date(2017, 3, 2))
    text = run("stats", "--agency", "edu", "--year", "2017")
    assert "（一）收到申请数" in text and "2.传真申请数" in text and "四、行政复议数量" in text
    assert json.loads(run("stats", "--agency", "edu", "--year", "2017", "--json"))["lg.request.fax"] == 1
    with pytest.raises(CommandError, match="不适用 --format"):
        run("stats", "--agency", "edu", "--year", "2017", "--format", "2021")


def test_unknown_agency(region):
    with pytest.raises(CommandError, match="nowhere"):
        run("stats", "--agency", "nowhere", "--year", "2024")


def test_remind_subcommand_runs(region):
    assert run("remind", "--date", "2024-10-08").strip() == "已发送 0 封到期提醒邮件。"
    with pytest.raises(CommandError, match="日期格式无效"):
        run("remind", "--date", "2024/10/08")
