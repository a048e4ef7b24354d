"""gongkai workdays … through call_command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from workdays.models import WorkdayCalendar

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_reference_case(settings):
    settings.GONGKAI_WORKDAY_COUNT_RECEIPT_DAY = False
    out, err = run("add", "2024-09-25", "20")
    assert out.splitlines()[0] == "2024-10-28"
    assert "期限计算说明：收到 2024-09-25；自次日起算；20 个工作日 → 2024-10-28（星期一）" in out
    assert err == ""


def test_add_with_receipt_day_and_pause():
    # Receipt day counted: 2024-10-25 (see test_real_schedule); with the pause 09-27..10-08 (start day
    # counts): 09-25(1) 26(2) 27(3) [09-28..10-08] 10-09(4) 10(5) 11(6) 12 Sat(7) 14(8) 15(9) 16(10)
    # 17(11) 18(12) 21(13) 22(14) 23(15) 24(16) 25(17) 28(18) 29(19) 10-30(20)
    out, _ = run("add", "2024-09-25", "20", "--count-receipt-day")
    assert out.splitlines()[0] == "2024-10-25"
    out, _ = run("add", "2024-09-25", "20", "--count-receipt-day", "--pause", "2024-09-27:2024-10-08:征求第三方意见")
    assert out.splitlines()[0] == "2024-10-30"
    assert "征求第三方意见 2024-09-27 至 2024-10-08：2024-09-28 至 2024-10-08 不计" in out
    out, _ = run("add", "2024-09-25", "20", "--no-count-receipt-day")
    assert out.splitlines()[0] == "2024-10-28"


def test_add_into_unconfirmed_year_warns_on_stderr():
    out, err = run("add", "2026-12-25", "20", "--no-count-receipt-day")
    assert out.splitlines()[0] == "2027-01-25"  # 2027-01-01 (元旦) is a fixed-date holiday all the same
    assert "2027年节假日安排未确认" in err


@pytest.mark.parametrize("day, expected", [
    pytest.param("2024-10-12", "2024-10-12（星期六）是工作日：调休补班（国庆节）", id="2024-10-12 make-up Saturday"),
    pytest.param("2024-10-01", "2024-10-01（星期二）不是工作日：法定节假日（国庆节）", id="2024-10-01 National Day"),
    pytest.param("2024-10-13", "2024-10-13（星期日）不是工作日：周末", id="2024-10-13 ordinary Sunday"),
    pytest.param("2024-10-08", "2024-10-08（星期二）是工作日：工作日", id="2024-10-08 ordinary Tuesday"),
])
def test_check(day, expected):
    out, err = run("check", day)
    assert out.strip() == expected
    assert err == ""


def test_check_unconfirmed():
    out, err = run("check", "2027-01-01")
    assert out.strip() == "2027-01-01（星期五）不是工作日：法定节假日（元旦）［2027年日历未确认］"
    out, _ = run("check", "2027-01-04")
    assert out.strip() == "2027-01-04（星期一）是工作日：工作日［2027年日历未确认］"
    assert "2027年节假日安排未确认" in err


def test_count():
    out, _ = run("count", "2024-09-25", "2024-10-28")
    assert out.splitlines()[0] == "20"
    out, _ = run("count", "2024-09-25", "2024-10-28", "--include-start")
    assert out.splitlines()[0] == "21"
    # With the pause 09-27..10-08, the 3 working days 09-29, 09-30 and 10-08 are not counted.
    out, _ = run("count", "2024-09-25", "2024-10-28", "--pause", "2024-09-27:2024-10-08")
    assert out.splitlines()[0] == "17"


def test_list():
    out, _ = run("list")
    assert "2024\t已确认\t第1版\t" in out


def test_sync():
    out, _ = run("sync", "--years", "2025-2027")
    assert "2025年与 chinesecalendar 一致，无需更新（第1版）。" in out
    assert "chinesecalendar 1.11.0 没有2027年的节假日安排，未同步。" in out
    WorkdayCalendar.objects.filter(year=2025).first().days.filter(day="2025-10-11").delete()
    out, _ = run("sync", "--years", "2025", "--reason", "恢复")
    assert "2025年已同步：新增或修改 1 天，删除 0 天" in out
    assert "受影响的未结案件：无。" in out
    entry = AuditEntry.objects.get(action="workdays.calendar.sync")
    assert entry.actor_label == "命令行（gongkai workdays sync）"


@pytest.mark.parametrize("args, message", [
    pytest.param(("add", "2024-13-01", "20"), "起算日期格式无效：“2024-13-01”", id="bad date"),
    pytest.param(("add", "2024-09-25", "二十"), "工作日数应为正整数", id="n not a number"),
    pytest.param(("add", "2024-09-25", "0"), "工作日数至少为 1", id="n zero"),
    pytest.param(("add", "2024-09-25", "999999"), "工作日数不能超过", id="n huge"),
    pytest.param(("add", "2024-09-25", "20", "--pause", "2024-10-08"), "暂停区间格式无效", id="pause one date"),
    pytest.param(("add", "2024-09-25", "20", "--pause", "2024-10-08:2024-09-27"), "早于开始日期",
                 id="pause reversed"),
    pytest.param(("check", "tomorrow"), "日期格式无效", id="check bad date"),
    pytest.param(("sync", "--years", "20x4"), "年份格式无效", id="sync bad years"),
    pytest.param(("count", "2024-01-01", "2024-02-30"), "结束日期格式无效", id="count bad end"),
])
def test_bad_arguments_give_command_error(args, message):
    with pytest.raises(CommandError) as excinfo:
        run(*args)
    assert message in str(excinfo.value)


def test_missing_subcommand_is_a_command_error():
    with pytest.raises(CommandError):
        run()
