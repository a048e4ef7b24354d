"""The platform's own daily jobs (jobs.schedule lists when; the apps' daily jobs live in the apps:
disclosure_requests.tasks, mailboxes.deadlines, monitoring.tasks — so no app below depends back on jobs
through them). Each takes the day it is run for (ISO date) and returns a short summary for the 后台任务 page."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.verification import verify_trail
from orgs.models import Role
from workdays.models import WorkdayCalendar

from .mail import queue_email
from .models import Job, JobState, ScheduledRun
from .runner import background


@background("审计日志核验")
def verify_audit_trail(day: str | None = None) -> dict:
    result = verify_trail()
    if not result.ok:
        # Failing loudly keeps it on the page (and retried: a transient database error is not tampering).
        raise RuntimeError(f"审计日志核验未通过（{len(result.problems)} 处问题），详见“审计日志”页")
    return {"ok": result.ok, "entries": result.entries_checked}


@background("工作日历检查")
def check_calendar(day: str | None = None) -> dict:
    """From GONGKAI_CALENDAR_CHECK_FROM (month-day, default 12-01): next year's 节假日安排 must be confirmed,
    else the platform admins get a mail every day until it is (deadlines in that year stay flagged 未确认)."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    month, dom = (int(x) for x in settings.GONGKAI_CALENDAR_CHECK_FROM.split("-"))
    if (today.month, today.day) < (month, dom):
        return {"checked": False}
    year = today.year + 1
    calendar = WorkdayCalendar.objects.filter(year=year).first()
    if calendar is not None and calendar.is_confirmed():
        return {"checked": True, "year": year, "confirmed": True}
    admins = (get_user_model().objects.filter(is_active=True).exclude(email="")
              .filter(Q(is_superuser=True) | Q(role_assignments__role=Role.PLATFORM_ADMIN)).distinct())
    body = (f"{year}年的工作日历（节假日安排）尚未确认。国务院办公厅公布安排后，请在工作台“工作日历”中录入并确认"
            f"（或升级 chinesecalendar 后运行 gongkai workdays sync）。未确认之前，{year}年的期限都带“日历未确认”提示。\n")
    for admin in admins:
        queue_email(f"提醒：{year}年工作日历尚未确认", body, [admin.email])
    return {"checked": True, "year": year, "confirmed": False, "mails": len(admins)}


@background("清理后台任务记录")
def prune_jobs(day: str | None = None) -> dict:
    """Finished jobs and queue rows older than GONGKAI_JOB_KEEP_DAYS go (failed jobs stay until re-run or
    that old as well); the scheduler's day rows are kept a year."""
    cutoff = timezone.now() - timedelta(days=settings.GONGKAI_JOB_KEEP_DAYS)
    queue = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff).delete()[0]
    runs = ScheduledRun.objects.filter(day__lt=(timezone.localdate() - timedelta(days=366))).delete()[0]
    jobs = Job.objects.filter(state__in=[JobState.SUCCEEDED, JobState.FAILED], finished_at__lt=cutoff).delete()[0]
    return {"jobs": jobs, "queue": queue, "runs": runs}
