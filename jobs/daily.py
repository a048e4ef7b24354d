"""The daily jobs the scheduler starts (jobs.schedule lists when). Each takes the day it is run for
(ISO date) and returns a short summary for the 后台任务 page. They call the apps' own entry points."""

from datetime import date

from django.conf import settings

from .runner import background


@background("审计日志核验")
def verify_audit_trail(day: str | None = None) -> dict:
    from audit.verification import verify_trail

    result = verify_trail()
    if not result.ok:
        # Failing loudly keeps it on the page (and retried: a transient database error is not tampering).
        raise RuntimeError(f"审计日志核验未通过（{len(result.problems)} 处问题），详见“审计日志”页")
    return {"ok": result.ok, "entries": result.entries_checked}


@background("网站监测")
def run_monitoring(day: str | None = None) -> dict:
    from monitoring.services import run_checks

    run = run_checks(today=date.fromisoformat(day) if day else None)
    return {"run": run.pk, "issues": run.issues.count()}


@background("依申请公开到期提醒")
def remind_requests(day: str | None = None) -> dict:
    from disclosure_requests.tasks import send_due_reminders

    return {"mails": send_due_reminders(date.fromisoformat(day) if day else None)}


@background("领导信箱到期提醒")
def remind_letters(day: str | None = None) -> dict:
    from mailboxes.deadlines import send_reminders

    return {"mails": send_reminders(date.fromisoformat(day) if day else None)}


@background("工作日历检查")
def check_calendar(day: str | None = None) -> dict:
    """From GONGKAI_CALENDAR_CHECK_FROM (month-day, default 12-01): next year's 节假日安排 must be confirmed,
    else the platform admins get a mail every day until it is (deadlines in that year stay flagged 未确认)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from orgs.models import Role
    from workdays.models import WorkdayCalendar

    today = date.fromisoformat(day) if day else date.today()
    month, dom = (int(x) for x in settings.GONGKAI_CALENDAR_CHECK_FROM.split("-"))
    if (today.month, today.day) < (month, dom):
        return {"checked": False}
    year = today.year + 1
    calendar = WorkdayCalendar.objects.filter(year=year).first()
    if calendar is not None and calendar.is_confirmed():
        return {"checked": True, "year": year, "confirmed": True}
    admins = (get_user_model().objects.filter(is_active=True).exclude(email="")
              .filter(Q(is_superuser=True) | Q(role_assignments__role=Role.PLATFORM_ADMIN)).distinct())
    from .mail import queue_email

    body = (f"{year}年的工作日历（节假日安排）尚未确认。国务院办公厅公布安排后，请在工作台“工作日历”中录入并确认"
            f"（或升级 chinesecalendar 后运行 gongkai workdays sync）。未确认之前，{year}年的期限都带“日历未确认”提示。\n")
    for admin in admins:
        queue_email(f"提醒：{year}年工作日历尚未确认", body, [admin.email])
    return {"checked": True, "year": year, "confirmed": False, "mails": len(admins)}


@background("清理后台任务记录")
def prune_jobs(day: str | None = None) -> dict:
    """Finished jobs and queue rows older than GONGKAI_JOB_KEEP_DAYS go (failed jobs stay until re-run or
    that old as well); the scheduler's day rows are kept a year."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from .models import Job, JobState, ScheduledRun

    cutoff = timezone.now() - timedelta(days=settings.GONGKAI_JOB_KEEP_DAYS)
    queue = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff).delete()[0]
    runs = ScheduledRun.objects.filter(day__lt=(timezone.localdate() - timedelta(days=366))).delete()[0]
    jobs = Job.objects.filter(state__in=[JobState.SUCCEEDED, JobState.FAILED], finished_at__lt=cutoff).delete()[0]
    return {"jobs": jobs, "queue": queue, "runs": runs}
