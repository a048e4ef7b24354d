"""The calendar against the real official schedules (国务院办公厅 notices), loaded by migration 0002.

Every expected date below was computed by hand from the published notices, not from chinesecalendar
or from the code under test; each case shows its count ("(n)" = the n-th working day)."""

from datetime import date

import pytest

from workdays.calendar import Pause, add_working_days, count_working_days, day_info, is_working_day

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.mark.parametrize("day, working, reason, name", [
    pytest.param("2024-09-29", True, "调休补班", "国庆节", id="2024-09-29 Sunday: make-up day for National Day"),
    pytest.param("2024-10-12", True, "调休补班", "国庆节", id="2024-10-12 Saturday: make-up day for National Day"),
    pytest.param("2024-10-01", False, "法定节假日", "国庆节", id="2024-10-01 Tuesday: National Day"),
    pytest.param("2024-10-04", False, "法定节假日", "国庆节", id="2024-10-04 Friday: National Day span"),
    pytest.param("2024-10-07", False, "法定节假日", "国庆节", id="2024-10-07 Monday: last day of the span"),
    pytest.param("2024-10-05", False, "法定节假日", "国庆节", id="2024-10-05 Saturday inside the span: named"),
    pytest.param("2024-10-08", True, "工作日", "", id="2024-10-08 Tuesday: back to work"),
    pytest.param("2024-10-13", False, "周末", "", id="2024-10-13 Sunday: ordinary weekend"),
    pytest.param("2024-02-09", True, "工作日", "", id="2024-02-09 Friday 除夕: officially a working day in 2024"),
    pytest.param("2024-02-04", True, "调休补班", "春节", id="2024-02-04 Sunday: make-up day for Spring Festival"),
    pytest.param("2024-02-18", True, "调休补班", "春节", id="2024-02-18 Sunday: make-up day for Spring Festival"),
    pytest.param("2020-01-31", False, "法定节假日", "春节", id="2020-01-31 Friday: Spring Festival extended (国办发明电〔2020〕1号)"),
    pytest.param("2020-02-01", False, "法定节假日", "春节", id="2020-02-01 Saturday: planned make-up day cancelled by the extension"),
    pytest.param("2026-01-04", True, "调休补班", "元旦", id="2026-01-04 Sunday: make-up day for New Year"),
    pytest.param("2026-02-28", True, "调休补班", "春节", id="2026-02-28 Saturday: make-up day for Spring Festival"),
    pytest.param("2026-02-23", False, "法定节假日", "春节", id="2026-02-23 Monday: last day of the 9-day Spring Festival"),
])
def test_day_info_real_schedule(day, working, reason, name):
    info = day_info(D(day))
    assert (info.is_working_day, info.reason, info.holiday_name, info.confirmed) == (working, reason, name, True)
    assert is_working_day(D(day)) is working


def test_national_day_2024_whole_span_is_off():
    # 2024: 10月1日至7日放假调休，共7天。
    assert [is_working_day(date(2024, 10, d)) for d in range(1, 8)] == [False] * 7


def test_reference_case_2024_09_25():
    # 2024-09-25 (Wed), counting from 09-26: 09-26(1) 09-27(2) [09-28 Sat] 09-29 Sun 调休(3) 09-30(4)
    # [10-01..07 国庆] 10-08(5) 09(6) 10(7) 11(8) 10-12 Sat 调休(9) 14(10) 15(11) 16(12) 17(13) 18(14)
    # 21(15) 22(16) 23(17) 24(18) 25(19) 10-28(20)
    due = add_working_days(D("2024-09-25"), 20, count_start_day=False)
    assert due.day == D("2024-10-28")
    assert due.confirmed and due.unconfirmed_years == []
    assert due.calendar_versions == {2024: 1}
    assert due.trace == "收到 2024-09-25；自次日起算；20 个工作日 → 2024-10-28（星期一）；日历 2024年第1版"


# (receipt date, hand-computed due date for 20 working days counted from the next day, schedule used)
TWENTY_WD = [
    pytest.param("2019-01-28", "2019-02-28", id="2019 春节: 01-28 Mon → 02-28", marks=()),
    pytest.param("2019-09-27", "2019-10-30", id="2019 国庆: 09-27 Fri → 10-30"),
    pytest.param("2020-01-20", "2020-02-25", id="2020 春节 extended to 02-02: 01-20 Mon → 02-25"),
    pytest.param("2020-09-25", "2020-10-29", id="2020 国庆+中秋 8 days: 09-25 Fri → 10-29"),
    pytest.param("2021-02-05", "2021-03-10", id="2021 春节: 02-05 Fri → 03-10"),
    pytest.param("2021-09-24", "2021-10-27", id="2021 国庆: 09-24 Fri → 10-27"),
    pytest.param("2022-01-26", "2022-02-28", id="2022 春节: 01-26 Wed → 02-28"),
    pytest.param("2022-09-28", "2022-10-31", id="2022 国庆: 09-28 Wed → 10-31"),
    pytest.param("2023-01-19", "2023-02-21", id="2023 春节: 01-19 Thu → 02-21"),
    pytest.param("2023-09-27", "2023-10-31", id="2023 中秋+国庆 8 days: 09-27 Wed → 10-31"),
    pytest.param("2024-02-05", "2024-03-08", id="2024 春节 8 days: 02-05 Mon → 03-08"),
    pytest.param("2025-01-24", "2025-02-27", id="2025 春节 8 days: 01-24 Fri → 02-27"),
    pytest.param("2025-09-26", "2025-10-30", id="2025 国庆+中秋 8 days: 09-26 Fri → 10-30"),
    pytest.param("2026-02-11", "2026-03-17", id="2026 春节 9 days: 02-11 Wed → 03-17"),
    pytest.param("2026-09-18", "2026-10-22", id="2026 中秋+国庆: 09-18 Fri → 10-22"),
]
# The counts, by hand (schedule → count; "[..]" = not counted):
# 2019-01-28: 2019 春节 2月4日至10日放假，2月2日(六)、3日(日)上班.
#   01-29(1) 30(2) 31(3) 02-01(4) 02-02 Sat(5) 02-03 Sun(6) [02-04..10] 11(7) 12(8) 13(9) 14(10) 15(11)
#   18(12) 19(13) 20(14) 21(15) 22(16) 25(17) 26(18) 27(19) 02-28(20)
# 2019-09-27: 2019 国庆 10月1日至7日放假，9月29日(日)、10月12日(六)上班.
#   [09-28] 09-29 Sun(1) 30(2) [10-01..07] 08(3) 09(4) 10(5) 11(6) 10-12 Sat(7) 14(8) 15(9) 16(10) 17(11)
#   18(12) 21(13) 22(14) 23(15) 24(16) 25(17) 28(18) 29(19) 10-30(20)
# 2020-01-20: 2020 春节 1月24日至30日放假，延长至2月2日，2月3日起上班 (the 2月1日 make-up day is gone;
#   the 1月19日 make-up day is before the start). 01-21(1) 22(2) 23(3) [01-24..02-02] 02-03(4) 04(5) 05(6)
#   06(7) 07(8) 10(9) 11(10) 12(11) 13(12) 14(13) 17(14) 18(15) 19(16) 20(17) 21(18) 24(19) 02-25(20)
# 2020-09-25: 2020 国庆中秋 10月1日至8日放假，9月27日(日)、10月10日(六)上班.
#   [09-26] 09-27 Sun(1) 28(2) 29(3) 30(4) [10-01..08] 09(5) 10-10 Sat(6) 12(7) 13(8) 14(9) 15(10) 16(11)
#   19(12) 20(13) 21(14) 22(15) 23(16) 26(17) 27(18) 28(19) 10-29(20)
# 2021-02-05: 2021 春节 2月11日至17日放假，2月7日(日)、2月20日(六)上班.
#   [02-06] 02-07 Sun(1) 08(2) 09(3) 10(4) [02-11..17] 18(5) 19(6) 02-20 Sat(7) 22(8) 23(9) 24(10) 25(11)
#   26(12) 03-01(13) 02(14) 03(15) 04(16) 05(17) 08(18) 09(19) 03-10(20)
# 2021-09-24: 2021 国庆 10月1日至7日放假，9月26日(日)、10月9日(六)上班.
#   [09-25] 09-26 Sun(1) 27(2) 28(3) 29(4) 30(5) [10-01..07] 08(6) 10-09 Sat(7) 11(8) 12(9) 13(10) 14(11)
#   15(12) 18(13) 19(14) 20(15) 21(16) 22(17) 25(18) 26(19) 10-27(20)
# 2022-01-26: 2022 春节 1月31日至2月6日放假，1月29日(六)、1月30日(日)上班.
#   01-27(1) 28(2) 01-29 Sat(3) 01-30 Sun(4) [01-31..02-06] 07(5) 08(6) 09(7) 10(8) 11(9) 14(10) 15(11)
#   16(12) 17(13) 18(14) 21(15) 22(16) 23(17) 24(18) 25(19) 02-28(20)
# 2022-09-28: 2022 国庆 10月1日至7日放假，10月8日(六)、10月9日(日)上班.
#   09-29(1) 30(2) [10-01..07] 10-08 Sat(3) 10-09 Sun(4) 10(5) 11(6) 12(7) 13(8) 14(9) 17(10) 18(11)
#   19(12) 20(13) 21(14) 24(15) 25(16) 26(17) 27(18) 28(19) 10-31(20)
# 2023-01-19: 2023 春节 1月21日至27日放假，1月28日(六)、1月29日(日)上班.
#   01-20(1) [01-21..27] 01-28 Sat(2) 01-29 Sun(3) 30(4) 31(5) 02-01(6) 02(7) 03(8) 06(9) 07(10) 08(11)
#   09(12) 10(13) 13(14) 14(15) 15(16) 16(17) 17(18) 20(19) 02-21(20)
# 2023-09-27: 2023 中秋国庆 9月29日至10月6日放假，10月7日(六)、10月8日(日)上班.
#   09-28(1) [09-29..10-06] 10-07 Sat(2) 10-08 Sun(3) 09(4) 10(5) 11(6) 12(7) 13(8) 16(9) 17(10) 18(11)
#   19(12) 20(13) 23(14) 24(15) 25(16) 26(17) 27(18) 30(19) 10-31(20)
# 2024-02-05: 2024 春节 2月10日至17日放假，2月4日(日)、2月18日(日)上班 (2月4日 is before the start).
#   02-06(1) 07(2) 08(3) 09(4) [02-10..17] 02-18 Sun(5) 19(6) 20(7) 21(8) 22(9) 23(10) 26(11) 27(12)
#   28(13) 29(14) 03-01(15) 04(16) 05(17) 06(18) 07(19) 03-08(20)
# 2025-01-24: 2025 春节 1月28日至2月4日放假，1月26日(日)、2月8日(六)上班.
#   [01-25] 01-26 Sun(1) 27(2) [01-28..02-04] 05(3) 06(4) 07(5) 02-08 Sat(6) 10(7) 11(8) 12(9) 13(10)
#   14(11) 17(12) 18(13) 19(14) 20(15) 21(16) 24(17) 25(18) 26(19) 02-27(20)
# 2025-09-26: 2025 国庆中秋 10月1日至8日放假，9月28日(日)、10月11日(六)上班.
#   [09-27] 09-28 Sun(1) 29(2) 30(3) [10-01..08] 09(4) 10(5) 10-11 Sat(6) 13(7) 14(8) 15(9) 16(10)
#   17(11) 20(12) 21(13) 22(14) 23(15) 24(16) 27(17) 28(18) 29(19) 10-30(20)
# 2026-02-11: 2026 春节 2月15日至23日放假，2月14日(六)、2月28日(六)上班.
#   02-12(1) 13(2) 02-14 Sat(3) [02-15..23] 24(4) 25(5) 26(6) 27(7) 02-28 Sat(8) 03-02(9) 03(10) 04(11)
#   05(12) 06(13) 09(14) 10(15) 11(16) 12(17) 13(18) 16(19) 03-17(20)
# 2026-09-18: 2026 中秋 9月25日至27日放假; 国庆 10月1日至7日放假，9月20日(日)、10月10日(六)上班.
#   [09-19] 09-20 Sun(1) 21(2) 22(3) 23(4) 24(5) [09-25..27] 28(6) 29(7) 30(8) [10-01..07] 08(9) 09(10)
#   10-10 Sat(11) 12(12) 13(13) 14(14) 15(15) 16(16) 19(17) 20(18) 21(19) 10-22(20)


@pytest.mark.parametrize("received, expected", TWENTY_WD)
def test_twenty_working_days_across_spring_festival_and_national_day(received, expected):
    due = add_working_days(D(received), 20, count_start_day=False)
    assert due.day == D(expected)
    assert due.confirmed
    assert count_working_days(D(received), due.day) == 20


def test_default_count_start_day_follows_setting(settings):
    settings.GONGKAI_WORKDAY_COUNT_RECEIPT_DAY = False
    assert add_working_days(D("2024-09-25"), 20).day == D("2024-10-28")
    # Counting the day of receipt: 09-25(1) 26(2) 27(3) 29 Sun(4) 30(5) 10-08(6) 09(7) 10(8) 11(9)
    # 12 Sat(10) 14(11) 15(12) 16(13) 17(14) 18(15) 21(16) 22(17) 23(18) 24(19) 10-25(20)
    settings.GONGKAI_WORKDAY_COUNT_RECEIPT_DAY = True
    due = add_working_days(D("2024-09-25"), 20)
    assert due.day == D("2024-10-25")
    assert "收到当日计入" in due.trace
    assert count_working_days(D("2024-09-25"), due.day, include_start=True) == 20


def test_explicit_count_start_day_overrides_setting(settings):
    settings.GONGKAI_WORKDAY_COUNT_RECEIPT_DAY = True
    assert add_working_days(D("2024-09-25"), 20, count_start_day=False).day == D("2024-10-28")


def test_receipt_on_a_holiday_counts_nothing_that_day():
    # Received 2024-10-01 (国庆, not a working day). Counting it changes nothing: 10-08(1) 09(2) 10(3)
    # 11(4) 12 Sat(5) 14(6) 15(7) 16(8) 17(9) 18(10) 21(11) 22(12) 23(13) 24(14) 25(15) 28(16) 29(17)
    # 30(18) 31(19) 11-01(20)
    assert add_working_days(D("2024-10-01"), 20, count_start_day=False).day == D("2024-11-01")
    assert add_working_days(D("2024-10-01"), 20, count_start_day=True).day == D("2024-11-01")


PAUSE = Pause(D("2024-09-27"), D("2024-10-08"), "征求第三方意见")


def test_pause_default_boundaries(settings):
    settings.GONGKAI_PAUSE_COUNT_START_DAY = True
    settings.GONGKAI_PAUSE_COUNT_END_DAY = False
    # 09-26(1) 09-27 pause start, counts(2) [09-28..10-08 paused: 09-29 Sun 调休, 09-30, 10-08 are the
    # 3 working days lost] 10-09(3) 10(4) 11(5) 12 Sat(6) 14(7) 15(8) 16(9) 17(10) 18(11) 21(12) 22(13)
    # 23(14) 24(15) 25(16) 28(17) 29(18) 30(19) 10-31(20)
    due = add_working_days(D("2024-09-25"), 20, [PAUSE], count_start_day=False)
    assert due.day == D("2024-10-31")
    assert due.trace == ("收到 2024-09-25；自次日起算；征求第三方意见 2024-09-27 至 2024-10-08："
                         "2024-09-28 至 2024-10-08 不计，少计 3 个工作日；20 个工作日 → 2024-10-31（星期四）；"
                         "日历 2024年第1版")
    assert count_working_days(D("2024-09-25"), due.day, [PAUSE]) == 20


def test_pause_start_day_not_counted(settings):
    settings.GONGKAI_PAUSE_COUNT_START_DAY = False
    settings.GONGKAI_PAUSE_COUNT_END_DAY = False
    # 09-26(1) [09-27..10-08] 10-09(2) 10(3) 11(4) 12 Sat(5) 14(6) 15(7) 16(8) 17(9) 18(10) 21(11)
    # 22(12) 23(13) 24(14) 25(15) 28(16) 29(17) 30(18) 31(19) 11-01(20)
    due = add_working_days(D("2024-09-25"), 20, [PAUSE], count_start_day=False)
    assert due.day == D("2024-11-01")
    assert "2024-09-27 至 2024-10-08 不计，少计 4 个工作日" in due.trace


def test_pause_end_day_counted(settings):
    settings.GONGKAI_PAUSE_COUNT_START_DAY = True
    settings.GONGKAI_PAUSE_COUNT_END_DAY = True
    # 09-26(1) 27(2) [09-28..10-07] 10-08 end day counts(3) 09(4) 10(5) 11(6) 12 Sat(7) 14(8) 15(9) 16(10)
    # 17(11) 18(12) 21(13) 22(14) 23(15) 24(16) 25(17) 28(18) 29(19) 10-30(20)
    due = add_working_days(D("2024-09-25"), 20, [PAUSE], count_start_day=False)
    assert due.day == D("2024-10-30")


def test_overlapping_pauses_count_once():
    # Two overlapping consultations cover the union 2024-10-14..2024-10-18 (start day of the first counts):
    # 10-08..10-11 and 10-12 Sat as before; without pauses 20 WD from 09-25 is 10-28.
    a = Pause(D("2024-10-14"), D("2024-10-16"), "征求第三方意见")
    b = Pause(D("2024-10-15"), D("2024-10-18"), "征求其他机关意见")
    # Counted: ..., 10-14 (a's start day counts); 10-15..10-18 not counted (4 working days) → 4 days later
    # than 10-28: 10-29(1) 30(2) 31(3) 11-01(4).
    due = add_working_days(D("2024-09-25"), 20, [b, a], count_start_day=False)
    assert due.day == D("2024-11-01")
    assert "征求第三方意见 2024-10-14 至 2024-10-16：2024-10-15 至 2024-10-16 不计，少计 2 个工作日" in due.trace
    assert "征求其他机关意见 2024-10-15 至 2024-10-18：2024-10-16 至 2024-10-18 不计，少计 2 个工作日" in due.trace


def test_pause_outside_the_window_is_reported_as_harmless():
    early = Pause(D("2024-01-02"), D("2024-01-05"), "补正")
    due = add_working_days(D("2024-09-25"), 20, [early], count_start_day=False)
    assert due.day == D("2024-10-28")
    assert "补正 2024-01-02 至 2024-01-05：不计期间无工作日落在计算区间内，不影响期限" in due.trace


def test_one_day_pause_with_default_boundaries_excludes_nothing():
    same_day = Pause(D("2024-10-09"), D("2024-10-09"), "当日往返")
    due = add_working_days(D("2024-09-25"), 20, [same_day], count_start_day=False)
    assert due.day == D("2024-10-28")
    assert "起止日均计入，不影响期限" in due.trace


def test_count_working_days_examples():
    # 2024-10-01..2024-10-13: 10-08(1) 09(2) 10(3) 11(4) 12 Sat 调休(5)
    assert count_working_days(D("2024-09-30"), D("2024-10-13")) == 5
    assert count_working_days(D("2024-09-30"), D("2024-10-13"), include_start=True) == 6
    assert count_working_days(D("2024-10-13"), D("2024-09-30")) == 0
    assert count_working_days(D("2024-10-01"), D("2024-10-01"), include_start=True) == 0
