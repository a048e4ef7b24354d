"""Workbench pages: every staff user may look at the calendar and use the calculator; only platform
admins may change it (each change, or its preview, lists the open cases whose due dates move)."""

import calendar as pycalendar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from orgs.scoping import StaffRequiredMixin, is_platform_admin

from . import calendar, services
from .forms import AddForm, CheckForm, RemoveDayForm, SetDayForm, StatusForm, SyncForm
from .models import CalendarStatus, WorkdayCalendar
from .package import package_years

SESSION_KEY = "workdays_last_change"
MONTH_NAMES = [f"{m}月" for m in range(1, 13)]


def _check_year(year: int) -> int:
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Http404("年份超出范围。")
    return year


class IndexView(StaffRequiredMixin, TemplateView):
    template_name = "workdays/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        calendars = list(WorkdayCalendar.objects.annotate(n_days=Count("days"))
                         .select_related("updated_by").order_by("-year"))
        today = timezone.localdate()
        known = {c.year for c in calendars}
        context["calendars"] = calendars
        context["missing_years"] = [y for y in (today.year, today.year + 1) if y not in known]
        op = request.GET.get("op")
        check_form = CheckForm(request.GET if op == "check" else None, prefix="check")
        add_form = AddForm(request.GET if op == "add" else None, prefix="add",
                           initial={"start": today, "n": 20})
        if op == "check" and check_form.is_valid():
            context["check_result"] = calendar.day_info(check_form.cleaned_data["day"])
        if op == "add" and add_form.is_valid():
            data = add_form.cleaned_data
            try:
                due = calendar.add_working_days(data["start"], data["n"],
                                                [data["pause"]] if data["pause"] else (), data["count_start_day"])
            except ValidationError as exc:
                add_form.add_error(None, exc)
            else:
                context["add_result"] = due
        context.update(check_form=check_form, add_form=add_form, today=today,
                       can_change=is_platform_admin(request.user))
        return context


def _month_grid(year: int, snapshot) -> list[dict]:
    cal = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = [[snapshot.day_info(d) if d.month == month else None for d in week]
                 for week in cal.monthdatescalendar(year, month)]
        months.append({"number": month, "label": f"{year}年{month}月", "weeks": weeks})
    return months


def year_context(request, year: int, **extra) -> dict:
    snapshot = calendar.current_snapshot()
    row = WorkdayCalendar.objects.filter(year=year).select_related("updated_by").first()
    can_change = is_platform_admin(request.user)
    last = request.session.pop(SESSION_KEY, None) if request.method == "GET" else None
    if last and last.get("year") != year:
        last = None
    exception_days = [snapshot.day_info(d) for d, _entry in snapshot.exception_days(year)]
    context = {
        "year": year,
        "row": row,
        "confirmed": bool(row and row.is_confirmed),
        "warning": "" if row and row.is_confirmed else calendar.unconfirmed_warning([year]),
        "months": _month_grid(year, snapshot),
        "weekday_headers": ["一", "二", "三", "四", "五", "六", "日"],
        "exception_days": exception_days,
        "can_change": can_change,
        "last_change": last,
        "previous_year": year - 1 if year > services.MIN_YEAR else None,
        "next_year": year + 1 if year < services.MAX_YEAR else None,
    }
    if can_change:
        context.setdefault("set_day_form", SetDayForm(prefix="set", initial={"day": date(year, 1, 1)}))
        context.setdefault("status_form", StatusForm(prefix="status", initial={
            "status": row.status if row else CalendarStatus.UNCONFIRMED,
            "source_note": row.source_note if row else "",
            "region_note": row.region_note if row else "",
        }))
        context.setdefault("sync_form", SyncForm(prefix="sync"))
        context["package_knows_year"] = year in package_years()
    context.update(extra)
    return context


class YearView(StaffRequiredMixin, View):
    def get(self, request, year: int):
        return render(request, "workdays/year.html", year_context(request, _check_year(year)))


def _result_dict(year: int, result: services.ChangeResult) -> dict:
    return {
        "year": year,
        "changed": result.changed,
        "preview": result.preview,
        "messages": list(result.messages),
        "affected": [{"label": c.label, "url": c.url, "old_due": c.old_due.isoformat(),
                      "new_due": c.new_due.isoformat()} for c in result.affected],
    }


class ChangeView(StaffRequiredMixin, View):
    """POST only. `action=preview` renders the year page with what would happen; otherwise the change
    is made and the year page (after a redirect) shows the result and the affected cases."""

    form_class = None
    prefix = ""
    form_context_name = ""
    service = ""

    def service_args(self, year: int, data: dict) -> tuple[tuple, dict]:
        raise NotImplementedError

    def post(self, request, year: int):
        year = _check_year(year)
        if not is_platform_admin(request.user):
            raise PermissionDenied("只有平台管理员可以修改工作日历。")
        form = self.form_class(request.POST, prefix=self.prefix)
        if form.is_valid():
            args, kwargs = self.service_args(year, form.cleaned_data)
            try:
                if request.POST.get(f"{self.prefix}-action") == "preview":
                    result = services.preview_change(self.service, *args, **kwargs)
                else:
                    result = services.CHANGES[self.service](*args, user=request.user, **kwargs)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if result.preview:
                    return render(request, "workdays/year.html", year_context(
                        request, year, last_change=_result_dict(year, result), **{self.form_context_name: form}))
                request.session[SESSION_KEY] = _result_dict(year, result)
                return redirect("workdays:year", year=year)
        return render(request, "workdays/year.html",
                      year_context(request, year, **{self.form_context_name: form}), status=400)


class SetDayView(ChangeView):
    form_class, prefix, form_context_name, service = SetDayForm, "set", "set_day_form", "set_day"

    def service_args(self, year, data):
        return (year, data["day"], data["kind"], data["name"], data["reason"]), {}


class RemoveDayView(ChangeView):
    form_class, prefix, form_context_name, service = RemoveDayForm, "remove", "remove_day_form", "remove_day"

    def service_args(self, year, data):
        return (year, data["day"], data["reason"]), {}


class StatusView(ChangeView):
    form_class, prefix, form_context_name, service = StatusForm, "status", "status_form", "set_status"

    def service_args(self, year, data):
        return (year, data["status"], data["source_note"], data["reason"]), {"region_note": data["region_note"]}


class SyncView(ChangeView):
    form_class, prefix, form_context_name, service = SyncForm, "sync", "sync_form", "sync"

    def service_args(self, year, data):
        return ([year],), {"reason": data["reason"]}
