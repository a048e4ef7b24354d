"""Daily reminders of reply deadlines (第三十三条): each handler gets one e-mail listing their open cases
that are due within settings.GONGKAI_REMINDER_WD working days or overdue. The mail names cases by 受理编号
and dates only — never the applicant or what was asked (it leaves the platform over SMTP).

Run every morning by the scheduler (jobs.schedule, "requests-remind"; by hand `gongkai requests remind`); it
sends nothing on holidays and weekends, and does send on 调休 make-up working days. Each mail is its own
background job (jobs.mail), retried on its own when the mail server refuses it."""

import logging
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from jobs.mail import queue_email
from jobs.runner import background
from orgs.scoping import Capability, has_capability
from workdays.calendar import add_working_days, is_working_day

from .deadlines import working_days_left
from .models import OPEN_STATES, DisclosureRequest

logger = logging.getLogger("gongkai.requests.reminders")


def cases_to_remind(today: date) -> list[DisclosureRequest]:
    """Open cases with a handler whose due date is at most GONGKAI_REMINDER_WD working days away, or past."""
    horizon = settings.GONGKAI_REMINDER_WD
    # Every due date before the (horizon + 1)-th working day after today has at most `horizon` left.
    limit = add_working_days(today, horizon + 1, count_start_day=False).day
    cases = (DisclosureRequest.objects.filter(state__in=OPEN_STATES, due_on__isnull=False, due_on__lt=limit,
                                              handler__isnull=False, handler__is_active=True)
             .select_related("agency", "handler").order_by("due_on", "tracking_number"))
    selected = []
    for case in cases:
        case.days_left = working_days_left(case.due_on, today)
        case.overdue = case.due_on < today
        selected.append(case)
    return selected


def send_due_reminders(today: date | None = None) -> int:
    """Queues the reminders (one mail job each); returns the number of e-mails."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        # The scheduler skips non-working days too; the calendar (with its 调休 make-up days) decides whether anyone is at work.
        logger.info("到期提醒：%s 不是工作日，不发送", today)
        return 0
    by_handler = defaultdict(list)
    skipped = 0
    for case in cases_to_remind(today):
        # A handler who has since left the agency is not told about its cases (the office sees them
        # in its overdue list).
        if has_capability(case.handler, Capability.REQUESTS_HANDLE, case.agency):
            by_handler[case.handler].append(case)
        else:
            skipped += 1
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    sent = 0
    for handler, cases in sorted(by_handler.items(), key=lambda item: item[0].pk):
        if not handler.email:
            logger.warning("到期提醒：承办人 %s 未设置电子邮箱，%d 件未能提醒", handler.get_username(), len(cases))
            continue
        for case in cases:
            case.url = site + reverse("disclosure_requests:detail", kwargs={"pk": case.pk})
        overdue = sum(1 for c in cases if c.overdue)
        subject = f"依申请公开到期提醒：{len(cases)} 件" + (f"（其中逾期 {overdue} 件）" if overdue else "")
        body = render_to_string("disclosure_requests/reminder_email.txt", {
            "handler": handler, "cases": cases, "today": today, "horizon": settings.GONGKAI_REMINDER_WD})
        queue_email(subject, body, [handler.email])
        sent += 1
    logger.info("到期提醒：发送 %d 封邮件，涉及 %d 位承办人；%d 件因承办人已无办理权限未发送",
                sent or 0, len(by_handler), skipped)
    return sent or 0


@background("依申请公开到期提醒")
def remind_requests(day: str | None = None) -> dict:
    """The scheduler's daily job (jobs.schedule, "requests-remind")."""
    return {"mails": send_due_reminders(date.fromisoformat(day) if day else None)}
