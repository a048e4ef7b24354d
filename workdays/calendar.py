"""Read side of the working-day calendar: is a date a working day, add N working days, count working days.

Everything here is a pure function over a `CalendarSnapshot` (all years' status and exception days in
memory). `current_snapshot()` loads it once and caches it in Django's cache under a key derived from the
calendar's generation (count, sum of versions, latest update of the WorkdayCalendar rows). Every change
goes through `workdays.services`, which bumps a year's version and `updated_at`, so a change — committed
or not yet committed in the current transaction — always produces a new key; a rolled-back change leaves
the old key, whose snapshot is still right. The cost per call is one small aggregate query; callers doing
many computations can pass `snapshot=` explicitly.

A year without a confirmed WorkdayCalendar is never answered silently: it is answered by the weekday
rule, plus the fixed-date statutory holidays of 《全国年节及纪念日放假办法》 (元旦, 劳动节, 国庆节: `fixed_holidays`),
plus any exception days already entered for it; every result carries `confirmed=False`.
"""

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Sum

from .models import CalendarDay, CalendarStatus, WorkdayCalendar

REASON_WORKDAY = "工作日"
REASON_WEEKEND = "周末"
REASON_HOLIDAY = "法定节假日"
REASON_MAKEUP = "调休补班"

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# Guards against pathological input: the longest real period is 40 working days plus pauses.
MAX_WORKING_DAYS = 1000
MAX_SPAN_DAYS = 366 * 20

# The holidays 《全国年节及纪念日放假办法》 fixes by calendar date, by the year each version took effect. They are
# holidays whatever the year's 调休 schedule says, so a year whose schedule is not yet published still has them.
# The lunar ones (春节、清明节、端午节、中秋节) move every year and come only with the published schedule.
FIXED_HOLIDAY_RULES: tuple[tuple[int, str, dict[tuple[int, int], str]], ...] = (
    # 国务院关于修改《全国年节及纪念日放假办法》的决定（国务院令第513号，2008年1月1日起施行）: 新年（元旦）1月1日；
    # 劳动节1天（5月1日）；国庆节3天（10月1日、2日、3日）.
    (2008, "《全国年节及纪念日放假办法》（2007年修订）",
     {(1, 1): "元旦", (5, 1): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节", (10, 3): "国庆节"}),
    # 国务院关于修改《全国年节及纪念日放假办法》的决定（国务院令第795号，2025年1月1日起施行）: 劳动节放假2天
    # （5月1日、2日）; 元旦 and 国庆节 unchanged.
    (2025, "《全国年节及纪念日放假办法》（2024年修订）",
     {(1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节", (10, 3): "国庆节"}),
)


@functools.cache
def fixed_holidays(year: int) -> dict[date, str]:
    """The fixed-date statutory holidays of `year` (date → name); empty before 2008 (earlier years are in the
    calendar data)."""
    rule = None
    for since, _source, days in FIXED_HOLIDAY_RULES:
        if year >= since:
            rule = days
    if rule is None or not 1 <= year <= 9999:
        return {}
    return {date(year, month, day): name for (month, day), name in rule.items()}


CACHE_PREFIX = "workdays:snapshot:"
CACHE_TIMEOUT = 24 * 3600


def weekday_name(d: date) -> str:
    return WEEKDAY_NAMES[d.weekday()]


def _check_date(value, what: str) -> date:
    # datetime is a subclass of date; taking .date() silently would hide a time-zone mistake.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(f"{what}应为日期（不含时间），收到：{value!r}。")
    return value


# ---------------------------------------------------------------------------------------------------
# Snapshot
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearState:
    version: int
    confirmed: bool


@dataclass(frozen=True)
class DayEntry:
    kind: str  # HOLIDAY or MAKEUP_WORKDAY
    name: str = ""


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_working_day: bool
    reason: str  # 工作日 / 周末 / 法定节假日 / 调休补班
    holiday_name: str
    confirmed: bool

    @property
    def weekday(self) -> str:
        return weekday_name(self.day)

    @property
    def code(self) -> str:
        """A stable ASCII name of `reason` (CSS classes, JSON)."""
        return {REASON_WORKDAY: "workday", REASON_WEEKEND: "weekend", REASON_HOLIDAY: "holiday",
                REASON_MAKEUP: "makeup"}[self.reason]

    def describe(self) -> str:
        """One Chinese sentence, e.g. "2024-10-12（星期六）是工作日：调休补班（国庆节）"."""
        what = "是工作日" if self.is_working_day else "不是工作日"
        name = f"（{self.holiday_name}）" if self.holiday_name else ""
        text = f"{self.day.isoformat()}（{self.weekday}）{what}：{self.reason}{name}"
        if not self.confirmed:
            text += (f"。注意：{self.day.year}年节假日安排未确认，此结论按周一至周五并计入元旦、劳动节、国庆节等"
                     "固定日期的法定节假日推算，可能不准确")
        return text


@dataclass(frozen=True, eq=False)
class CalendarSnapshot:
    years: dict[int, YearState] = field(default_factory=dict)
    days: dict[date, DayEntry] = field(default_factory=dict)

    def is_confirmed(self, year: int) -> bool:
        state = self.years.get(year)
        return bool(state and state.confirmed)

    def version(self, year: int) -> int | None:
        state = self.years.get(year)
        return state.version if state else None

    def entry(self, d: date) -> DayEntry | None:
        """The exception entered for `d`; in a year not confirmed, a fixed-date statutory holiday otherwise."""
        entry = self.days.get(d)
        if entry is None and not self.is_confirmed(d.year):
            name = fixed_holidays(d.year).get(d)
            if name:
                return DayEntry(HOLIDAY, name)
        return entry

    def day_info(self, d: date) -> DayInfo:
        entry = self.entry(d)
        confirmed = self.is_confirmed(d.year)
        if entry is not None and entry.kind == HOLIDAY:
            return DayInfo(d, False, REASON_HOLIDAY, entry.name, confirmed)
        if entry is not None and entry.kind == MAKEUP_WORKDAY:
            return DayInfo(d, True, REASON_MAKEUP, entry.name, confirmed)
        if d.weekday() >= 5:
            return DayInfo(d, False, REASON_WEEKEND, "", confirmed)
        return DayInfo(d, True, REASON_WORKDAY, "", confirmed)

    def is_working_day(self, d: date) -> bool:
        entry = self.entry(d)
        if entry is not None:
            return entry.kind == MAKEUP_WORKDAY
        return d.weekday() < 5

    def exception_days(self, year: int) -> list[tuple[date, DayEntry]]:
        return sorted((d, e) for d, e in self.days.items() if d.year == year)

    # In-memory variants, for previews and tests.
    def with_day(self, d: date, kind: str, name: str = "") -> "CalendarSnapshot":
        return replace(self, days={**self.days, d: DayEntry(kind, name)})

    def without_day(self, d: date) -> "CalendarSnapshot":
        return replace(self, days={k: v for k, v in self.days.items() if k != d})

    def with_status(self, year: int, confirmed: bool) -> "CalendarSnapshot":
        old = self.years.get(year)
        state = YearState((old.version + 1) if old else 1, confirmed)
        return replace(self, years={**self.years, year: state})


def calendar_generation() -> str:
    """A key that changes with every change of calendar data (see the module docstring)."""
    agg = WorkdayCalendar.objects.aggregate(n=Count("id"), v=Sum("version"), t=Max("updated_at"))
    raw = f"{agg['n']}|{agg['v']}|{agg['t'].isoformat() if agg['t'] else ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def load_snapshot() -> CalendarSnapshot:
    """Straight from the database, bypassing every cache."""
    years = {
        y: YearState(v, s == CalendarStatus.CONFIRMED)
        for y, v, s in WorkdayCalendar.objects.values_list("year", "version", "status")
    }
    days = {d: DayEntry(k, n) for d, k, n in CalendarDay.objects.values_list("day", "kind", "name")}
    return CalendarSnapshot(years=years, days=days)


_memo: tuple[str, CalendarSnapshot] | None = None


def current_snapshot() -> CalendarSnapshot:
    global _memo
    generation = calendar_generation()
    memo = _memo
    if memo is not None and memo[0] == generation:
        return memo[1]
    key = CACHE_PREFIX + generation
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = load_snapshot()
        cache.set(key, snapshot, CACHE_TIMEOUT)
    _memo = (generation, snapshot)
    return snapshot


def _snap(snapshot: CalendarSnapshot | None) -> CalendarSnapshot:
    return snapshot if snapshot is not None else current_snapshot()


# ---------------------------------------------------------------------------------------------------
# Pauses
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pause:
    """Time that 不计算在期限内 (e.g. 第三十三条 third-party consultation), from `start` to `end`.

    Which boundary days still count is a setting (docs/law/calendar.md §3, INFERRED defaults):
    GONGKAI_PAUSE_COUNT_START_DAY (default True: the start day counts) and GONGKAI_PAUSE_COUNT_END_DAY
    (default False: the end day does not count; counting resumes on the next working day)."""

    start: date
    end: date
    label: str = "暂停"

    def __post_init__(self):
        _check_date(self.start, "暂停开始日期")
        _check_date(self.end, "暂停结束日期")
        if self.end < self.start:
            raise ValidationError(f"暂停“{self.label}”的结束日期 {self.end} 早于开始日期 {self.start}。")

    def excluded_range(self, count_start_day: bool | None = None,
                       count_end_day: bool | None = None) -> tuple[date, date] | None:
        """First and last day not counted, or None when the pause excludes no day at all."""
        if count_start_day is None:
            count_start_day = settings.GONGKAI_PAUSE_COUNT_START_DAY
        if count_end_day is None:
            count_end_day = settings.GONGKAI_PAUSE_COUNT_END_DAY
        first = self.start + timedelta(days=1) if count_start_day else self.start
        last = self.end - timedelta(days=1) if count_end_day else self.end
        return (first, last) if first <= last else None

    def covers(self, d: date, count_start_day: bool | None = None, count_end_day: bool | None = None) -> bool:
        excluded = self.excluded_range(count_start_day, count_end_day)
        return excluded is not None and excluded[0] <= d <= excluded[1]


def _pauses(pauses: Iterable) -> list[Pause]:
    result = []
    for p in pauses or ():
        if not isinstance(p, Pause):
            raise ValidationError(f"暂停区间应为 Pause 对象，收到：{p!r}。")
        result.append(p)
    return sorted(result, key=lambda p: (p.start, p.end))


# ---------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueDate:
    day: date
    confirmed: bool
    unconfirmed_years: list[int]
    trace: str  # 期限计算说明 (docs/law/requests.md §6: every due date has an explanation)
    calendar_versions: dict[int, int]
    start: date
    n: int
    count_start_day: bool
    pauses: tuple[Pause, ...] = ()
    warning: str = ""  # the unconfirmed-calendar warning, also appended to `trace`

    @property
    def explanation(self) -> str:
        """`trace` without the warning, for pages that show the warning separately."""
        return self.trace[: -len(self.warning) - 1] if self.warning else self.trace


@dataclass(frozen=True)
class WorkdayCount:
    count: int
    confirmed: bool
    unconfirmed_years: list[int]
    calendar_versions: dict[int, int]


def _year_facts(snapshot: CalendarSnapshot, first: date, last: date) -> tuple[list[int], dict[int, int]]:
    if last < first:
        return [], {}
    years = range(first.year, last.year + 1)
    unconfirmed = [y for y in years if not snapshot.is_confirmed(y)]
    versions = {y: snapshot.years[y].version for y in years if y in snapshot.years}
    return unconfirmed, versions


def unconfirmed_warning(years: Iterable[int]) -> str:
    years = sorted(years)
    if not years:
        return ""
    listed = "、".join(f"{y}年" for y in years)
    return (f"注意：{listed}节假日安排未确认（尚未公布或尚未由平台管理员确认），相关日期按周一至周五推算，"
            "已计入元旦、劳动节、国庆节等固定日期的法定节假日，未计入春节等农历节日的假期和调休，结果可能不准确，"
            "请以国务院办公厅公布的安排为准。")


# ---------------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------------

def day_info(d: date, *, snapshot: CalendarSnapshot | None = None) -> DayInfo:
    return _snap(snapshot).day_info(_check_date(d, "日期"))


def is_working_day(d: date, *, snapshot: CalendarSnapshot | None = None) -> bool:
    return _snap(snapshot).is_working_day(_check_date(d, "日期"))


def _next(d: date) -> date:
    try:
        return d + timedelta(days=1)
    except OverflowError as exc:
        raise ValidationError("日期超出可计算范围。") from exc


def add_working_days(start: date, n: int, pauses: Iterable[Pause] = (), count_start_day: bool | None = None,
                     *, snapshot: CalendarSnapshot | None = None, start_label: str = "收到") -> DueDate:
    """The day on which the n-th working day falls (docs/law/calendar.md §3).

    `count_start_day=None` uses settings.GONGKAI_WORKDAY_COUNT_RECEIPT_DAY (default False: counting
    starts the day after `start`). n must be 1..MAX_WORKING_DAYS: a period of 0 working days has no
    due date to compute (an on-the-spot reply needs none). Working days inside a pause are skipped."""
    _check_date(start, "起算日期")
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValidationError(f"工作日数应为整数，收到：{n!r}。")
    if n < 1:
        raise ValidationError("工作日数至少为 1。")
    if n > MAX_WORKING_DAYS:
        raise ValidationError(f"工作日数不能超过 {MAX_WORKING_DAYS}。")
    snap = _snap(snapshot)
    pause_list = _pauses(pauses)
    if count_start_day is None:
        count_start_day = settings.GONGKAI_WORKDAY_COUNT_RECEIPT_DAY
    count_start_day = bool(count_start_day)
    cs, ce = settings.GONGKAI_PAUSE_COUNT_START_DAY, settings.GONGKAI_PAUSE_COUNT_END_DAY
    excluded = [(p, p.excluded_range(cs, ce)) for p in pause_list]

    first = start if count_start_day else _next(start)
    limit = start + timedelta(days=MAX_SPAN_DAYS) if start < date.max - timedelta(days=MAX_SPAN_DAYS) else date.max
    skipped = [0] * len(pause_list)
    counted = 0
    d = first
    while True:
        if d > limit:
            raise ValidationError("期限超出可计算范围（暂停时间过长或工作日数过大）。")
        if snap.is_working_day(d):
            hit = next((i for i, (_p, r) in enumerate(excluded) if r and r[0] <= d <= r[1]), None)
            if hit is None:
                counted += 1
                if counted == n:
                    break
            else:
                skipped[hit] += 1
        d = _next(d)

    unconfirmed, versions = _year_facts(snap, first, d)
    parts = [f"{start_label} {start.isoformat()}", f"{start_label}当日计入" if count_start_day else "自次日起算"]
    for i, (p, r) in enumerate(excluded):
        span = f"{p.label} {p.start.isoformat()} 至 {p.end.isoformat()}"
        if r is None:
            parts.append(f"{span}：起止日均计入，不影响期限")
        elif skipped[i] == 0:
            parts.append(f"{span}：不计期间无工作日落在计算区间内，不影响期限")
        else:
            not_counted = r[0].isoformat() if r[0] == r[1] else f"{r[0].isoformat()} 至 {r[1].isoformat()}"
            parts.append(f"{span}：{not_counted} 不计，少计 {skipped[i]} 个工作日")
    parts.append(f"{n} 个工作日 → {d.isoformat()}（{weekday_name(d)}）")
    if versions:
        parts.append("日历 " + "、".join(f"{y}年第{v}版" for y, v in sorted(versions.items())))
    trace = "；".join(parts)
    warning = unconfirmed_warning(unconfirmed)
    if warning:
        trace += "。" + warning
    return DueDate(day=d, confirmed=not unconfirmed, unconfirmed_years=unconfirmed, trace=trace,
                   calendar_versions=versions, start=start, n=n, count_start_day=count_start_day,
                   pauses=tuple(pause_list), warning=warning)


def count_working_days_detail(start: date, end: date, pauses: Iterable[Pause] = (), include_start: bool = False,
                              *, snapshot: CalendarSnapshot | None = None) -> WorkdayCount:
    """Working days in (start, end] — or [start, end] with include_start — minus paused days.

    The inverse of add_working_days: count_working_days(s, add_working_days(s, n).day) == n. An `end`
    before the first counted day gives 0 (nothing has elapsed), not an error."""
    _check_date(start, "开始日期")
    _check_date(end, "结束日期")
    snap = _snap(snapshot)
    pause_list = _pauses(pauses)
    cs, ce = settings.GONGKAI_PAUSE_COUNT_START_DAY, settings.GONGKAI_PAUSE_COUNT_END_DAY
    ranges = [r for r in (p.excluded_range(cs, ce) for p in pause_list) if r]
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValidationError("日期区间过长，无法计算。")
    if not include_start and start == date.max:
        return WorkdayCount(0, True, [], {})
    first = start if include_start else start + timedelta(days=1)
    count = 0
    d = first
    while d <= end:
        if snap.is_working_day(d) and not any(a <= d <= b for a, b in ranges):
            count += 1
        if d == date.max:
            break
        d += timedelta(days=1)
    unconfirmed, versions = _year_facts(snap, first, end)
    return WorkdayCount(count=count, confirmed=not unconfirmed, unconfirmed_years=unconfirmed,
                        calendar_versions=versions)


def count_working_days(start: date, end: date, pauses: Iterable[Pause] = (), include_start: bool = False,
                       *, snapshot: CalendarSnapshot | None = None) -> int:
    return count_working_days_detail(start, end, pauses, include_start, snapshot=snapshot).count
