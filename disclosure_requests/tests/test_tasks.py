"""Deadline reminders: one e-mail per handler, listing case numbers and dates only."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from disclosure_requests import services
from disclosure_requests.models import Outcome
from disclosure_requests.tasks import send_due_reminders

from .conftest import PLANTED_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed_handler(handlers):
    handler = handlers["handler"]
    handler.email = "handler@example.cn"
    handler.save()
    return handler


def test_one_mail_per_handler_with_due_and_overdue_cases(settings, mailed_handler, handlers, in_person, region, person):
    settings.GONGKAI_REMINDER_WD = 3
    # Received 2024-09-25 → due 2024-10-28; on 2024-10-23 three working days are left (10-24, 10-25, 10-28).
    soon = in_person(date(2024, 9, 25))
    # Received 2024-09-10 → due 2024-10-14: overdue on 2024-10-23.
    late = in_person(date(2024, 9, 10), description="更早的申请")
    # Received 2024-10-08 → due 2024-11-04: 8 working days away, not yet.
    later = in_person(date(2024, 10, 8), description="较晚的申请")
    closed = in_person(date(2024, 9, 10), description="已办结")
    services.reply(closed, user=mailed_handler, outcome=Outcome.GRANTED, legal_basis="第三十六条", on=date(2024, 9, 20))
    other = services.register(agency=region["other_edu"], user=handlers["other_handler"], channel="in_person",
                              applicant=person(), description="邻县", requested_form="electronic",
                              delivery_method="email", submitted_on=date(2024, 9, 10))
    assert send_due_reminders(today=date(2024, 10, 23)) == 1  # the other handler has no e-mail address
    message = mail.outbox[0]
    assert message.to == ["handler@example.cn"]
    assert "2 件" in message.subject and "逾期 1 件" in message.subject
    body = message.body
    assert soon.tracking_number in body and "2024-10-28" in body and "剩余 3 个工作日" in body
    assert late.tracking_number in body and "已逾期" in body
    assert later.tracking_number not in body and closed.tracking_number not in body
    assert other.tracking_number not in body
    assert f"/workbench/requests/{soon.pk}/" in body
    for secret in (PLANTED_ID, "13995123456", "盐州路88号", "马文静", "学生资助资金", "mwj@example.cn"):
        assert secret not in body


def test_nothing_due_sends_nothing(mailed_handler, in_person):
    in_person(date(2024, 10, 8))
    assert send_due_reminders(today=date(2024, 10, 9)) == 0
    assert mail.outbox == []


def test_no_reminders_on_holidays_but_on_make_up_working_days(mailed_handler, in_person):
    in_person(date(2024, 9, 10))  # due 2024-10-14
    assert send_due_reminders(today=date(2024, 10, 3)) == 0  # 国庆
    assert send_due_reminders(today=date(2024, 10, 12)) == 1  # Saturday, 调休上班


def test_a_handler_who_left_the_agency_is_not_reminded(mailed_handler, in_person):
    in_person(date(2024, 9, 10))
    mailed_handler.role_assignments.all().delete()
    assert send_due_reminders(today=date(2024, 10, 23)) == 0


def test_the_command_is_the_daily_entry_point(mailed_handler, in_person):
    in_person(date(2024, 9, 10))
    out = StringIO()
    call_command("requests", "remind", "--date", "2024-10-23", stdout=out)
    assert "已发送 1 封" in out.getvalue() and len(mail.outbox) == 1
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("requests", "remind", "--date", "23/10/2024")
