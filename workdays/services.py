"""The one place where the working-day calendar changes.

Every change runs in a transaction, bumps the year's version, writes the audit trail with before/after,
and returns a `ChangeResult` listing the open cases whose due dates move. Cases live in other apps: each
registers a due-date provider, a callable `(old_snapshot, new_snapshot) -> iterable[AffectedCase]` that
recomputes its open cases' due dates under both calendars (calendar.add_working_days(..., snapshot=...)).
`preview_change` runs a change inside a savepoint and rolls it back, so a preview is computed by exactly
the code that would make the change.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.context import current_actor
from audit.services import record

from . import package
from .calendar import CalendarSnapshot, fixed_holidays, load_snapshot
from .models import CalendarDay, CalendarStatus, DayKind, WorkdayCalendar

MIN_YEAR, MAX_YEAR = 1900, 2200


@dataclass(frozen=True)
class AffectedCase:
    label: str
    url: str
    old_due: date
    new_due: date


DueDateProvider = Callable[[CalendarSnapshot, CalendarSnapshot], Iterable[AffectedCase]]
_providers: list[DueDateProvider] = []


def register_due_date_provider(provider: DueDateProvider) -> DueDateProvider:
    """Called by a case app in its AppConfig.ready(). Returns the provider, so it works as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_due_date_provider(provider: DueDateProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def affected_cases(old: CalendarSnapshot, new: CalendarSnapshot) -> list[AffectedCase]:
    """Open cases whose due date differs between the two calendars."""
    found = []
    for provider in list(_providers):
        for case in provider(old, new) or ():
            if case.old_due != case.new_due:
                found.append(case)
    return sorted(found, key=lambda c: (c.old_due, c.label))


@dataclass
class ChangeResult:
    changed: bool
    messages: list[str] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)  # year -> version after the change
    affected: list[AffectedCase] = field(default_factory=list)
    preview: bool = False


# ---------------------------------------------------------------------------------------------------
# Validation helpers: every message in Chinese; nothing is written before they pass.
# ---------------------------------------------------------------------------------------------------

def _year(year) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"年份应为 {MIN_YEAR}–{MAX_YEAR} 之间的整数，收到：{year!r}。")
    return year


def _day(day, year: int) -> date:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValidationError(f"日期无效：{day!r}。")
    if day.year != year:
        raise ValidationError(f"日期 {day.isoformat()} 不在 {year} 年内。")
    return day


def _reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写修改理由（例如所依据的通知文号）。")
    if len(reason) > 400:
        raise ValidationError("修改理由不能超过 400 字。")
    return reason


def _user(user):
    if user is None:
        actor = current_actor()
        user = actor.user if actor else None
    return user if user is not None and getattr(user, "pk", None) else None


def _day_dict(row: CalendarDay | None) -> dict | None:
    if row is None:
        return None
    return {"day": row.day.isoformat(), "kind": row.kind, "name": row.name}


def _calendar_for_update(year: int, create: bool) -> WorkdayCalendar | None:
    calendar = WorkdayCalendar.objects.select_for_update().filter(year=year).first()
    if calendar is None and create:
        # The creating change is the year's first version.
        calendar = WorkdayCalendar.objects.create(year=year, status=CalendarStatus.UNCONFIRMED, version=0)
    return calendar


def _bump(calendar: WorkdayCalendar, user) -> None:
    calendar.version += 1
    calendar.updated_by = user
    calendar.save()


def _describe(kind: str, name: str) -> str:
    label = DayKind(kind).label
    return f"{label}（{name}）" if name else label


# ---------------------------------------------------------------------------------------------------
# Changes
# ---------------------------------------------------------------------------------------------------

@transaction.atomic
def set_day(year: int, day: date, kind: str, name: str, reason: str, *, user=None) -> ChangeResult:
    """Mark `day` as a holiday or a make-up working day (creating the year's calendar, unconfirmed, if
    needed). A HOLIDAY may fall on a weekend (official spans include weekends; the name is shown); a
    MAKEUP_WORKDAY must be a Saturday or Sunday, since a weekday is a working day anyway."""
    year = _year(year)
    day = _day(day, year)
    if kind not in DayKind.values:
        raise ValidationError(f"类型无效：{kind!r}，应为“法定节假日”或“调休上班日”。")
    kind = DayKind(kind)
    name = (name or "").strip()
    reason = _reason(reason)
    if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
        raise ValidationError(f"{day.isoformat()} 是星期{'一二三四五'[day.weekday()]}，本来就是工作日，"
                              "不能设为调休上班日。")
    if kind == DayKind.HOLIDAY and not name:
        raise ValidationError("请填写节日名称（例如“国庆节”）。")
    if len(name) > 60:
        raise ValidationError("节日名称不能超过 60 字。")
    user = _user(user)
    old = load_snapshot()
    calendar = _calendar_for_update(year, create=True)
    row = CalendarDay.objects.filter(day=day).first()
    before = _day_dict(row)
    if row is not None and row.kind == kind and row.name == name:
        return ChangeResult(False, [f"{day.isoformat()} 已是{_describe(kind, name)}，没有变化。"],
                            {year: calendar.version})
    if row is None:
        row = CalendarDay(calendar=calendar, day=day)
    row.kind, row.name = kind, name
    row.full_clean()
    row.save()
    _bump(calendar, user)
    new = load_snapshot()
    affected = affected_cases(old, new)
    record("workdays.day.set", calendar, before={"version": calendar.version - 1, "day": before},
           after={"version": calendar.version, "day": _day_dict(row), "affected_cases": len(affected)},
           note=reason)
    return ChangeResult(True, [f"已将 {day.isoformat()} 设为{_describe(kind, name)}（{year}年日历第{calendar.version}版）。"],
                        {year: calendar.version}, affected)


@transaction.atomic
def remove_day(year: int, day: date, reason: str, *, user=None) -> ChangeResult:
    """Remove an exception day: the date goes back to the weekday rule."""
    year = _year(year)
    day = _day(day, year)
    reason = _reason(reason)
    user = _user(user)
    old = load_snapshot()
    calendar = _calendar_for_update(year, create=False)
    row = CalendarDay.objects.filter(day=day, calendar=calendar).first() if calendar else None
    if row is None:
        raise ValidationError(f"{day.isoformat()} 不是{year}年日历中的节假日或调休上班日，无需删除。")
    before = _day_dict(row)
    row.delete()
    _bump(calendar, user)
    new = load_snapshot()
    affected = affected_cases(old, new)
    record("workdays.day.remove", calendar, before={"version": calendar.version - 1, "day": before},
           after={"version": calendar.version, "day": None, "affected_cases": len(affected)}, note=reason)
    return ChangeResult(True, [f"已删除 {day.isoformat()} 的{_describe(before['kind'], before['name'])}设置"
                               f"（{year}年日历第{calendar.version}版）。"], {year: calendar.version}, affected)


@transaction.atomic
def set_status(year: int, status: str, source_note: str, reason: str = "", *, region_note: str | None = None,
               user=None) -> ChangeResult:
    """Confirm a year's schedule (naming its source) or mark it unconfirmed again."""
    year = _year(year)
    if status not in CalendarStatus.values:
        raise ValidationError(f"状态无效：{status!r}，应为“已确认”或“未确认”。")
    status = CalendarStatus(status)
    source_note = (source_note or "").strip()
    reason = (reason or "").strip()
    if status == CalendarStatus.CONFIRMED and not source_note:
        raise ValidationError("确认日历时须填写数据来源（例如国务院办公厅通知的名称和文号）。")
    if len(source_note) > 2000 or (region_note and len(region_note) > 2000):
        raise ValidationError("说明不能超过 2000 字。")
    user = _user(user)
    old = load_snapshot()
    calendar = _calendar_for_update(year, create=False)
    if status == CalendarStatus.CONFIRMED and (
            calendar is None or not CalendarDay.objects.filter(calendar=calendar).exists()):
        raise ValidationError(f"{year}年日历还没有录入任何节假日或调休上班日，不能确认。"
                              "请先录入国务院办公厅公布的安排。")
    if status == CalendarStatus.CONFIRMED:
        # A confirmed year is answered by its entries alone (the fixed-date holidays are added only while it is
        # unconfirmed), so every holiday 《全国年节及纪念日放假办法》 fixes by date must be among them.
        holidays = set(CalendarDay.objects.filter(calendar=calendar, kind=DayKind.HOLIDAY).values_list("day", flat=True))
        missing = [f"{day.isoformat()}（{name}）" for day, name in sorted(fixed_holidays(year).items())
                   if day not in holidays]
        if missing:
            raise ValidationError(f"{year}年日历缺少《全国年节及纪念日放假办法》规定的固定日期法定节假日："
                                  f"{'、'.join(missing)}，不能确认。请先录入为法定节假日。")
    if calendar is None:
        calendar = _calendar_for_update(year, create=True)
    fields = ["status", "source_note", "region_note"]
    before = {f: getattr(calendar, f) for f in fields}
    calendar.status = status
    calendar.source_note = source_note
    if region_note is not None:
        calendar.region_note = region_note.strip()
    after = {f: getattr(calendar, f) for f in fields}
    if after == before and calendar.version > 0:
        return ChangeResult(False, [f"{year}年日历没有变化。"], {year: calendar.version})
    _bump(calendar, user)
    new = load_snapshot()
    affected = affected_cases(old, new)
    record("workdays.calendar.status", calendar, before={**before, "version": calendar.version - 1},
           after={**after, "version": calendar.version, "affected_cases": len(affected)}, note=reason)
    return ChangeResult(True, [f"{year}年日历已设为“{status.label}”（第{calendar.version}版）。"],
                        {year: calendar.version}, affected)


def parse_years(years) -> list[int]:
    """2024, "2024", "2024-2026", "2024,2026" or an iterable of those → sorted unique years."""
    if isinstance(years, int | str):
        years = [years]
    result = set()
    for item in years:
        if isinstance(item, str):
            for part in item.replace("，", ",").split(","):
                part = part.strip()
                if not part:
                    continue
                lo, sep, hi = part.partition("-")
                try:
                    lo_i, hi_i = int(lo), int(hi) if sep else int(lo)
                except ValueError as exc:
                    raise ValidationError(f"年份格式无效：“{part}”，应为 2024 或 2024-2026。") from exc
                if hi_i < lo_i:
                    raise ValidationError(f"年份范围无效：“{part}”。")
                result.update(range(_year(lo_i), _year(hi_i) + 1))
        else:
            result.add(_year(item))
    if not result:
        raise ValidationError("请指定年份。")
    return sorted(result)


@transaction.atomic
def sync_from_package(years, user=None, reason: str = "") -> ChangeResult:
    """Make each year's exception days equal to chinesecalendar's, confirm it and set its source note.
    Idempotent: a year that already matches and is confirmed is left alone (no new version, its note
    kept). Local days the package does not have are removed; the page says so before an admin re-syncs."""
    years = parse_years(years)
    user = _user(user)
    reason = (reason or "").strip() or "从 chinesecalendar 同步"
    old = load_snapshot()
    messages, versions, changed_years = [], {}, []
    for year in years:
        rows = package.package_schedule(year)
        if rows is None:
            messages.append(f"chinesecalendar {package.package_version()} 没有{year}年的节假日安排，未同步。")
            continue
        wanted = {d: (k, n) for d, k, n in rows}
        calendar = _calendar_for_update(year, create=False)
        existing = {r.day: r for r in CalendarDay.objects.filter(calendar=calendar)} if calendar else {}
        have = {d: (r.kind, r.name) for d, r in existing.items()}
        if calendar is not None and have == wanted and calendar.is_confirmed:
            messages.append(f"{year}年与 chinesecalendar 一致，无需更新（第{calendar.version}版）。")
            versions[year] = calendar.version
            continue
        before = {"status": calendar.status if calendar else None, "version": calendar.version if calendar else None,
                  "source_note": calendar.source_note if calendar else None}
        calendar = calendar or _calendar_for_update(year, create=True)
        # A day listed elsewhere (another year's calendar) cannot exist: days are unique and in-year.
        removed = sorted(d for d in have if d not in wanted)
        added_or_changed = sorted(d for d in wanted if have.get(d) != wanted[d])
        CalendarDay.objects.filter(calendar=calendar, day__in=removed).delete()
        for d in added_or_changed:
            kind, name = wanted[d]
            CalendarDay.objects.update_or_create(day=d, defaults={"calendar": calendar, "kind": kind, "name": name})
        # The year's data is now the package's, so its source note says so.
        calendar.status = CalendarStatus.CONFIRMED
        calendar.source_note = package.default_source_note(year)
        _bump(calendar, user)
        versions[year] = calendar.version
        changed_years.append((calendar, before, removed, added_or_changed, wanted, have))
        messages.append(f"{year}年已同步：新增或修改 {len(added_or_changed)} 天，删除 {len(removed)} 天，"
                        f"状态“已确认”（第{calendar.version}版）。")
    if not changed_years:
        return ChangeResult(False, messages, versions)
    new = load_snapshot()
    affected = affected_cases(old, new)
    for calendar, before, removed, added_or_changed, wanted, have in changed_years:
        record("workdays.calendar.sync", calendar, before={
            **before, "days": [{"day": d, "kind": have[d][0], "name": have[d][1]}
                               for d in sorted(set(removed) | set(added_or_changed)) if d in have]},
            after={"status": calendar.status, "version": calendar.version, "source_note": calendar.source_note,
                   "days": [{"day": d, "kind": wanted[d][0], "name": wanted[d][1]} for d in added_or_changed],
                   "removed": removed, "affected_cases": len(affected)},
            note=reason)
    return ChangeResult(True, messages, versions, affected)


class _Rollback(Exception):  # noqa: N818 - control flow, never escapes preview_change
    def __init__(self, result):
        super().__init__()
        self.result = result


CHANGES = {"set_day": set_day, "remove_day": remove_day, "set_status": set_status, "sync": sync_from_package}


def preview_change(action: str, *args, **kwargs) -> ChangeResult:
    """What `action` ("set_day", "remove_day", "set_status", "sync") would do, with the same arguments as
    the service: the same validation errors, messages and affected cases, but nothing is kept."""
    if action not in CHANGES:
        raise ValueError(f"unknown calendar change {action!r}")
    try:
        with transaction.atomic():
            result = CHANGES[action](*args, **kwargs)
            raise _Rollback(result)
    except _Rollback as rollback:
        result = rollback.result
    result.preview = True
    # The services word their messages as done; a preview says what would be done.
    for done, would in (("已将", "将"), ("已删除", "将删除"), ("已设为", "将设为"), ("已同步", "将同步")):
        result.messages = [m.replace(done, would, 1) for m in result.messages]
    return result
