"""Where each open letter stands against its two clocks: the reply period and the three-month line
(docs/law/letters-mailbox.md), and the reminders sent each working morning."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from gongkai.site import absolute_url
from jobs.mail import queue_email
from jobs.runner import background
from orgs.models import RoleAssignment
from orgs.scoping import Capability, has_capability
from workdays.calendar import add_working_days, count_working_days, is_working_day

from . import conf
from .models import OPEN_STATES, Letter

logger = logging.getLogger("gongkai.letters.reminders")


@dataclass(frozen=True)
class Standing:
    overdue: bool  # past the reply period
    due_soon: bool  # within GONGKAI_LETTER_REMINDER_WD working days
    veto_warning: bool  # within GONGKAI_LETTER_VETO_WARN_DAYS of the 3-month line
    veto_breached: bool  # unanswered beyond 3 months (the three-month line, one-strike)
    days_to_veto: int | None

    @property
    def label(self) -> str:
        if self.veto_breached:
            return "已超过三个月未答复"
        if self.veto_warning:
            return f"距三个月期满还有 {self.days_to_veto} 天"
        if self.overdue:
            return "已超期"
        if self.due_soon:
            return "即将到期"
        return ""


def standing(letter: Letter, today: date | None = None) -> Standing:
    today = today or timezone.localdate()
    if letter.state not in OPEN_STATES or letter.due_on is None:
        return Standing(False, False, False, False, None)
    soon_limit = add_working_days(today, conf.reminder_wd() + 1, count_start_day=False).day
    days_to_veto = (letter.veto_on - today).days if letter.veto_on else None
    return Standing(
        overdue=letter.due_on < today,
        due_soon=today <= letter.due_on < soon_limit,
        veto_warning=days_to_veto is not None and 0 <= days_to_veto <= conf.veto_warn_days(),
        veto_breached=days_to_veto is not None and days_to_veto < 0,
        days_to_veto=days_to_veto)


def open_letters(queryset: QuerySet) -> QuerySet:
    return queryset.filter(state__in=OPEN_STATES)


def overdue(queryset: QuerySet, today: date) -> QuerySet:
    return open_letters(queryset).filter(due_on__lt=today)


def veto_warnings(queryset: QuerySet, today: date) -> QuerySet:
    """Open letters within the warning window of the 3-month line, or past it."""
    return open_letters(queryset).filter(veto_on__lte=today + timedelta(days=conf.veto_warn_days()))


def oldest_unanswered(queryset: QuerySet) -> Letter | None:
    """The three-month line (docs/law/letters-mailbox.md) asks for a report of the oldest unanswered valid
    message."""
    return open_letters(queryset).exclude(is_valid=False).order_by("received_on", "id").first()


def working_days_taken(letter: Letter) -> int | None:
    if letter.replied_on is None:
        return None
    return count_working_days(letter.received_on, letter.replied_on)


def letters_to_remind(today: date) -> list[Letter]:
    limit = add_working_days(today, conf.reminder_wd() + 1, count_start_day=False).day
    warn = today + timedelta(days=conf.veto_warn_days())
    return list(Letter.objects.filter(state__in=OPEN_STATES)
                .filter(Q(due_on__lt=limit) | Q(veto_on__lte=warn))
                .select_related("agency").order_by("due_on", "number"))


def _recipients(agency) -> list:
    """Active staff who may handle the agency's letters (its own role holders and its 公开办)."""
    users = {}
    prefixes = [agency.path[:i] for i in range(1, len(agency.path) + 1)]
    for assignment in (RoleAssignment.objects.filter(agency__path__in=prefixes, user__is_active=True)
                       .select_related("user", "agency")):
        user = assignment.user
        if user.pk not in users and user.email and has_capability(user, Capability.INTERACTION_HANDLE, agency):
            users[user.pk] = user
    return list(users.values())


def send_reminders(today: date | None = None) -> int:
    """One e-mail per staff member listing letters due soon, overdue or near the 3-month line, by number
    and dates only (the mail leaves the platform: no names, no letter text). Nothing on non-working days."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    by_user = defaultdict(list)
    recipients_of = {}
    for letter in letters_to_remind(today):
        if letter.agency_id not in recipients_of:
            recipients_of[letter.agency_id] = _recipients(letter.agency)
        for user in recipients_of[letter.agency_id]:
            by_user[user].append(letter)
    sent = 0
    for user, letters in by_user.items():
        lines = [f"{x.number}  受理 {x.received_on:%Y-%m-%d}  答复期限 {x.due_on:%Y-%m-%d}  "
                 f"三个月期满 {x.veto_on:%Y-%m-%d}  {standing(x, today).label}\n"
                 f"  {absolute_url(reverse('mailboxes:detail', args=[x.pk]))}" for x in letters]
        body = ("以下来信需要尽快答复（不含来信人信息，请登录工作台查看）：\n\n" + "\n".join(lines)
                + "\n\n有效来信超过三个月未答复属于单项否决情形，请务必在期满前答复。\n")
        queue_email(f"来信办理提醒：{len(letters)} 件", body, [user.email])  # one mail job each (jobs.mail)
        sent += 1
    logger.info("来信提醒：%s 封邮件", sent)
    return sent


@background("领导信箱到期提醒")
def remind_letters(day: str | None = None) -> dict:
    """The scheduler's daily job (jobs.schedule, "letters-remind")."""
    return {"mails": send_reminders(date.fromisoformat(day) if day else None)}
