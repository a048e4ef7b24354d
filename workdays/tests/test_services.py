"""Unconfirmed years, admin changes (versions, audit, affected cases), bad input, sync, caching."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audit.context import acting_as
from audit.models import AuditEntry
from workdays import calendar, services
from workdays.calendar import add_working_days, count_working_days_detail, day_info
from workdays.models import CalendarDay, CalendarStatus, DayKind, WorkdayCalendar
from workdays.services import (
    AffectedCase,
    preview_change,
    register_due_date_provider,
    remove_day,
    set_day,
    set_status,
    sync_from_package,
    unregister_due_date_provider,
)

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def admin(make_staff):
    return make_staff("calendar-admin", ("platform_admin", None))


@pytest.fixture
def provider():
    """A stand-in for the requests app: two open cases received 2026-12-25 and 2024-09-25, 20 WD each."""
    cases = [("依申请〔2026〕1号", "/cases/1/", D("2026-12-25")), ("依申请〔2024〕7号", "/cases/7/", D("2024-09-25"))]

    def due_dates(old, new):
        for label, url, received in cases:
            yield AffectedCase(label, url, add_working_days(received, 20, snapshot=old).day,
                               add_working_days(received, 20, snapshot=new).day)

    register_due_date_provider(due_dates)
    yield due_dates
    unregister_due_date_provider(due_dates)


def test_migration_loaded_2004_to_2026_confirmed():
    years = list(WorkdayCalendar.objects.order_by("year").values_list("year", "status", "version"))
    assert years[0] == (2004, "confirmed", 1) and years[-1] == (2026, "confirmed", 1)
    assert len(years) == 23
    cal_2024 = WorkdayCalendar.objects.get(year=2024)
    assert cal_2024.source_note == ("国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）；"
                                    "数据来自 chinesecalendar 1.11.0")
    # 2024 make-up days (all on weekends): 02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12.
    makeup = list(cal_2024.days.filter(kind=DayKind.MAKEUP_WORKDAY).values_list("day", flat=True))
    assert [d.isoformat() for d in makeup] == ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28",
                                               "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"]


def test_2027_is_answered_by_weekday_rule_with_flag():
    """《全国年节及纪念日放假办法》（2024年修订，国务院令第795号）第二条: 元旦 (1月1日) is a holiday whatever the
    year's 调休 schedule, so an unconfirmed year still has it; the answer stays flagged."""
    # 2027-01-01 is a Friday; 2027 has no schedule yet: 元旦 all the same, flagged.
    info = day_info(D("2027-01-01"))
    assert (info.is_working_day, info.reason, info.holiday_name, info.confirmed) == (False, "法定节假日", "元旦", False)
    assert "2027年节假日安排未确认" in info.describe() and "固定日期的法定节假日" in info.describe()
    assert day_info(D("2027-01-04")).is_working_day is True  # an ordinary Monday: the weekday rule
    # 2026-12-25 (Fri): 12-28(1) 29(2) 30(3) 31(4) [2027-01-01 元旦] 01-04..08(5-9) 11..15(10-14)
    # 18..22(15-19) 25(20)
    due = add_working_days(D("2026-12-25"), 20, count_start_day=False)
    assert due.day == D("2027-01-25")
    assert due.confirmed is False and due.unconfirmed_years == [2027]
    assert due.calendar_versions == {2026: 1}
    assert "注意：2027年节假日安排未确认" in due.trace and "已计入元旦、劳动节、国庆节" in due.trace
    assert due.warning.startswith("注意：2027年") and due.trace == due.explanation + "。" + due.warning
    assert due.explanation == "收到 2026-12-25；自次日起算；20 个工作日 → 2027-01-25（星期一）；日历 2026年第1版"
    detail = count_working_days_detail(D("2026-12-25"), D("2027-01-25"))
    assert (detail.count, detail.confirmed, detail.unconfirmed_years) == (20, False, [2027])


@pytest.mark.parametrize("day", [D("1999-10-01"), D("2100-06-01"), D("9999-12-31")])
def test_years_outside_the_package_never_raise(day):
    assert day_info(day).confirmed is False
    assert day_info(day).reason in {"工作日", "周末"}


def test_admin_edit_of_2027_changes_answers_versions_and_audit(admin, provider):
    with acting_as(user=admin):
        first = set_day(2027, D("2027-01-04"), DayKind.HOLIDAY, "地方节日", "自治区通知（测试）")
    assert first.changed and first.versions == {2027: 1}
    cal = WorkdayCalendar.objects.get(year=2027)
    assert (cal.status, cal.version, cal.updated_by) == (CalendarStatus.UNCONFIRMED, 1, admin)
    # The entered holiday applies at once, still flagged: 2026-12-25 + 20 moves from 2027-01-25 to 01-26.
    assert [(c.label, c.old_due, c.new_due) for c in first.affected] == [
        ("依申请〔2026〕1号", D("2027-01-25"), D("2027-01-26"))]
    due = add_working_days(D("2026-12-25"), 20, count_start_day=False)
    assert (due.day, due.confirmed) == (D("2027-01-26"), False)

    with acting_as(user=admin):
        second = set_day(2027, D("2027-01-01"), DayKind.HOLIDAY, "元旦", "国务院办公厅通知（测试）")
        # Entering what the unconfirmed year already assumed moves nothing.
        assert second.versions == {2027: 2} and second.affected == []
        for day in ("2027-05-01", "2027-05-02", "2027-10-01", "2027-10-02", "2027-10-03"):
            set_day(2027, D(day), DayKind.HOLIDAY, "劳动节" if day[5:7] == "05" else "国庆节", "国务院办公厅通知（测试）")
        third = set_status(2027, CalendarStatus.CONFIRMED, "国务院办公厅关于2027年部分节假日安排的通知（测试）")
    assert third.versions == {2027: 8} and third.affected == []
    due = add_working_days(D("2026-12-25"), 20, count_start_day=False)
    assert (due.day, due.confirmed, due.unconfirmed_years) == (D("2027-01-26"), True, [])
    assert due.calendar_versions == {2026: 1, 2027: 8}
    assert "2027年第8版" in due.trace
    assert day_info(D("2027-01-01")).reason == "法定节假日"

    entries = list(AuditEntry.objects.filter(object_type="workdays.workdaycalendar").order_by("id"))
    assert [e.action for e in entries] == ["workdays.day.set"] * 7 + ["workdays.calendar.status"]
    assert entries[0].actor == admin and entries[0].note == "自治区通知（测试）"
    assert entries[0].before == {"version": 0, "day": None}
    assert entries[0].after == {"version": 1, "day": {"day": "2027-01-04", "kind": "holiday", "name": "地方节日"},
                                "affected_cases": 1}
    assert entries[-1].before["status"] == "unconfirmed" and entries[-1].after["status"] == "confirmed"


def test_a_year_is_confirmed_only_with_its_fixed_date_holidays(admin):
    """《全国年节及纪念日放假办法》（2024年修订）第二条: 元旦 1月1日, 劳动节 5月1日、2日, 国庆节 10月1日至3日. A confirmed
    year is answered by its entries alone, so confirming one that lacks any of them is refused."""
    with acting_as(user=admin):
        set_day(2027, D("2027-01-01"), DayKind.HOLIDAY, "元旦", "通知（测试）")
        with pytest.raises(ValidationError, match="缺少《全国年节及纪念日放假办法》规定的固定日期法定节假日：2027-05-01（劳动节）、"
                                                  "2027-05-02（劳动节）、2027-10-01（国庆节）"):
            set_status(2027, CalendarStatus.CONFIRMED, "通知（测试）")
    assert WorkdayCalendar.objects.get(year=2027).status == CalendarStatus.UNCONFIRMED


def test_fixed_date_holidays_follow_the_version_in_force():
    """《全国年节及纪念日放假办法》第二条: 劳动节 is one day (5月1日) under the 2007 revision (国务院令第513号, from 2008-01-01)
    and two days (5月1日、2日) under the 2024 revision (国务院令第795号, from 2025-01-01); 元旦 1月1日 and 国庆节
    10月1日、2日、3日 in both. Checked on a calendar with no confirmed year, so only these rules apply."""
    blank = calendar.CalendarSnapshot()
    assert calendar.fixed_holidays(2030) == {
        D("2030-01-01"): "元旦", D("2030-05-01"): "劳动节", D("2030-05-02"): "劳动节",
        D("2030-10-01"): "国庆节", D("2030-10-02"): "国庆节", D("2030-10-03"): "国庆节"}
    assert set(calendar.fixed_holidays(2015)) == {D("2015-01-01"), D("2015-05-01"), D("2015-10-01"),
                                                 D("2015-10-02"), D("2015-10-03")}
    assert calendar.fixed_holidays(2007) == {}  # earlier versions: those years are in the confirmed data
    # 2030-05-02 is a Thursday: a holiday under the 2024 revision; 2019-05-02 (Thursday) was not under 2007's.
    assert blank.day_info(D("2030-05-02")).holiday_name == "劳动节"
    assert not blank.is_working_day(D("2030-05-02"))
    assert blank.is_working_day(D("2019-05-02"))
    # 2030-10-03 (Thursday) → next working day counting 1: 10-04 (Friday); 10-01..03 are skipped.
    assert add_working_days(D("2030-09-30"), 1, snapshot=blank).day == D("2030-10-04")
    # An entered day wins over the rule (a local correction, flagged like every unconfirmed answer).
    corrected = blank.with_day(D("2030-10-03"), calendar.MAKEUP_WORKDAY, "国庆节")
    assert corrected.is_working_day(D("2030-10-03"))
    # A confirmed year is answered by its entries alone.
    confirmed = blank.with_status(2030, True)
    assert confirmed.is_working_day(D("2030-10-01"))


def test_changing_a_known_year_lists_moved_cases_and_removing_restores(admin, provider):
    # A local holiday on 2024-10-08 (Tue) delays the 2024-09-25 case by one working day: 10-28 → 10-29.
    with acting_as(user=admin):
        result = set_day(2024, D("2024-10-08"), DayKind.HOLIDAY, "地方节日", "自治区规定（测试）")
    assert [(c.label, c.old_due, c.new_due) for c in result.affected] == [
        ("依申请〔2024〕7号", D("2024-10-28"), D("2024-10-29"))]
    assert WorkdayCalendar.objects.get(year=2024).version == 2
    with acting_as(user=admin):
        undone = remove_day(2024, D("2024-10-08"), "撤销测试")
    assert [(c.old_due, c.new_due) for c in undone.affected] == [(D("2024-10-29"), D("2024-10-28"))]
    assert WorkdayCalendar.objects.get(year=2024).version == 3
    assert AuditEntry.objects.filter(action="workdays.day.remove").count() == 1


def test_preview_changes_nothing(admin, provider):
    audit_before = AuditEntry.objects.count()
    result = preview_change("set_day", 2024, D("2024-10-08"), DayKind.HOLIDAY, "地方节日", "预览")
    assert result.preview and result.changed
    assert result.messages == ["将 2024-10-08 设为法定节假日（地方节日）（2024年日历第2版）。"]
    assert [(c.old_due, c.new_due) for c in result.affected] == [(D("2024-10-28"), D("2024-10-29"))]
    assert not CalendarDay.objects.filter(day=D("2024-10-08")).exists()
    assert WorkdayCalendar.objects.get(year=2024).version == 1
    assert AuditEntry.objects.count() == audit_before
    assert add_working_days(D("2024-09-25"), 20, count_start_day=False).day == D("2024-10-28")


def test_unchanged_set_day_is_a_no_op(admin):
    result = set_day(2024, D("2024-10-01"), DayKind.HOLIDAY, "国庆节", "重复")
    assert result.changed is False
    assert WorkdayCalendar.objects.get(year=2024).version == 1


@pytest.mark.parametrize("call, message", [
    pytest.param(lambda: set_day(2024, D("2025-01-01"), DayKind.HOLIDAY, "元旦", "x"), "不在 2024 年内",
                 id="date outside the year"),
    pytest.param(lambda: set_day(2024, D("2024-10-09"), DayKind.MAKEUP_WORKDAY, "国庆节", "x"), "本来就是工作日",
                 id="make-up day on a Wednesday"),
    pytest.param(lambda: set_day(2024, D("2024-10-13"), "weekend", "", "x"), "类型无效", id="unknown kind"),
    pytest.param(lambda: set_day(2024, D("2024-10-09"), DayKind.HOLIDAY, "", "x"), "请填写节日名称",
                 id="holiday without a name"),
    pytest.param(lambda: set_day(2024, D("2024-10-09"), DayKind.HOLIDAY, "地方节日", "  "), "请填写修改理由",
                 id="no reason"),
    pytest.param(lambda: remove_day(2024, D("2024-10-09"), "x"), "无需删除", id="remove an ordinary day"),
    pytest.param(lambda: set_status(2027, CalendarStatus.CONFIRMED, "通知"), "不能确认",
                 id="confirm an empty year"),
    pytest.param(lambda: set_status(2024, CalendarStatus.CONFIRMED, ""), "须填写数据来源",
                 id="confirm without a source"),
    pytest.param(lambda: set_status(2024, "maybe", "x"), "状态无效", id="unknown status"),
    pytest.param(lambda: set_day(1800, D("1800-01-01"), DayKind.HOLIDAY, "x", "x"), "年份应为",
                 id="year out of range"),
    pytest.param(lambda: sync_from_package("2026-2024"), "年份范围无效", id="reversed year range"),
])
def test_bad_input_raises_chinese_error_and_changes_nothing(call, message):
    state = list(WorkdayCalendar.objects.values_list("year", "version", "status", "source_note"))
    days = CalendarDay.objects.count()
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert message in " ".join(excinfo.value.messages)
    assert list(WorkdayCalendar.objects.values_list("year", "version", "status", "source_note")) == state
    assert CalendarDay.objects.count() == days and AuditEntry.objects.count() == audit


def test_holiday_on_a_weekend_is_allowed_and_changes_no_due_date(provider):
    # 2024-10-19 is an ordinary Saturday: naming it a (local) holiday is recorded but moves nothing.
    result = set_day(2024, D("2024-10-19"), DayKind.HOLIDAY, "地方节日", "测试")
    assert result.changed and result.affected == []


def test_sync_is_idempotent_and_restores_package_data(admin, provider):
    unchanged = sync_from_package([2024, 2025])
    assert unchanged.changed is False
    assert WorkdayCalendar.objects.get(year=2024).version == 1
    # Damage 2024 (remove the 10-12 make-up day), then re-sync: it comes back, version bumps once.
    with acting_as(user=admin):
        remove_day(2024, D("2024-10-12"), "测试")
        set_day(2024, D("2024-10-08"), DayKind.HOLIDAY, "地方节日", "测试")
    assert add_working_days(D("2024-09-25"), 20, count_start_day=False).day == D("2024-10-30")
    with acting_as(user=admin):
        result = sync_from_package("2024-2025", reason="恢复全国安排")
    assert result.changed and result.versions == {2024: 4, 2025: 1}
    assert [(c.old_due, c.new_due) for c in result.affected] == [(D("2024-10-30"), D("2024-10-28"))]
    assert add_working_days(D("2024-09-25"), 20, count_start_day=False).day == D("2024-10-28")
    assert sync_from_package([2024]).changed is False
    entry = AuditEntry.objects.get(action="workdays.calendar.sync")
    assert entry.note == "恢复全国安排" and entry.after["removed"] == ["2024-10-08"]


def test_sync_of_an_unknown_year_reports_it():
    result = sync_from_package([2027])
    assert result.changed is False
    assert result.messages == ["chinesecalendar 1.11.0 没有2027年的节假日安排，未同步。"]
    assert not WorkdayCalendar.objects.filter(year=2027).exists()


def test_sync_confirms_an_unconfirmed_year():
    set_status(2025, CalendarStatus.UNCONFIRMED, "待核对")
    assert calendar.day_info(D("2025-10-01")).confirmed is False
    result = sync_from_package([2025])
    assert result.changed and result.versions == {2025: 3}
    assert calendar.day_info(D("2025-10-01")).confirmed is True
    assert WorkdayCalendar.objects.get(year=2025).source_note.endswith("数据来自 chinesecalendar 1.11.0")


def test_snapshot_cache_sees_changes_and_rollbacks():
    calendar.current_snapshot()
    assert calendar.is_working_day(D("2024-10-08"))
    set_day(2024, D("2024-10-08"), DayKind.HOLIDAY, "地方节日", "测试")
    assert not calendar.is_working_day(D("2024-10-08"))
    preview_change("remove_day", 2024, D("2024-10-08"), "预览")
    assert not calendar.is_working_day(D("2024-10-08"))


def test_parse_years():
    assert services.parse_years("2024-2026") == [2024, 2025, 2026]
    assert services.parse_years(["2024,2026", 2025]) == [2024, 2025, 2026]
    with pytest.raises(ValidationError):
        services.parse_years("abc")


@pytest.mark.parametrize("call", [
    pytest.param(lambda: add_working_days(D("2024-09-25"), 0), id="n=0"),
    pytest.param(lambda: add_working_days(D("2024-09-25"), -3), id="negative n"),
    pytest.param(lambda: add_working_days(D("2024-09-25"), 10**9), id="huge n"),
    pytest.param(lambda: add_working_days(D("2024-09-25"), "20"), id="n as text"),
    pytest.param(lambda: add_working_days("2024-09-25", 20), id="start as text"),
    pytest.param(lambda: add_working_days(D("9999-12-20"), 20), id="beyond the last date"),
    pytest.param(lambda: add_working_days(D("2024-09-25"), 20,
                                          [calendar.Pause(D("2024-09-26"), D("9000-01-01"), "无限")]),
                 id="pause without end"),
    pytest.param(lambda: calendar.Pause(D("2024-10-08"), D("2024-09-27")), id="pause ends before it starts"),
    pytest.param(lambda: calendar.count_working_days(D("1900-01-01"), D("2200-01-01")), id="count span huge"),
])
def test_pathological_input_is_a_validation_error(call):
    with pytest.raises(ValidationError):
        call()
