from datetime import datetime

import pytest
from django.core import mail
from django.db.models import QuerySet
from django.test import override_settings
from django.utils import timezone

from jobs.models import Job, JobState, ScheduledRun
from jobs.runner import run_worker
from jobs.schedule import SCHEDULE
from jobs.scheduler import tick

pytestmark = pytest.mark.django_db
KEYS = {entry.key for entry in SCHEDULE}


def at(*args):
    return timezone.make_aware(datetime(*args))


def test_every_daily_job_is_scheduled_once_a_day(db_backend):
    monday = at(2026, 12, 7, 9, 0)
    assert {run.schedule for run in tick(monday)} == KEYS
    assert tick(at(2026, 12, 7, 15, 0)) == []  # later the same day, or after a restart: nothing again
    assert Job.objects.count() == len(KEYS)
    # The next day, each once more.
    assert {run.schedule for run in tick(at(2026, 12, 8, 9, 0))} == KEYS
    assert Job.objects.count() == 2 * len(KEYS)


def test_two_schedulers_start_each_job_once(db_backend, monkeypatch):
    tick(at(2026, 12, 7, 9, 0))
    # A second scheduler that checked before the first one's rows were there: the unique (schedule, day)
    # refuses its rows, and no second job is queued.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    assert tick(at(2026, 12, 7, 9, 0, 5)) == []
    assert Job.objects.count() == len(KEYS)
    assert ScheduledRun.objects.count() == len(KEYS)


def test_jobs_start_at_their_time():
    assert [run.schedule for run in tick(at(2026, 12, 7, 2, 0))] == []
    assert [run.schedule for run in tick(at(2026, 12, 7, 6, 0))] == ["jobs-prune"]
    assert [run.schedule for run in tick(at(2026, 12, 7, 6, 20))] == ["audit-verify"]


@override_settings(GONGKAI_SCHEDULE={"monitor": "05:00", "jobs-prune": "23:00"})
def test_times_are_settings():
    assert [run.schedule for run in tick(at(2026, 12, 7, 5, 30))] == ["monitor"]


def test_reminders_send_nothing_on_holidays(db_backend):
    national_day = at(2026, 10, 1, 9, 0)
    runs = {run.schedule: run for run in tick(national_day)}
    assert set(runs) == KEYS
    for key in ("requests-remind", "letters-remind"):
        assert runs[key].job is None and runs[key].skipped
    assert not Job.objects.filter(name__endswith="remind_requests").exists()
    assert Job.objects.count() == len(KEYS) - 2
    # A 调休 make-up Sunday is a working day: reminders go out.
    makeup = {run.schedule: run for run in tick(at(2026, 9, 20, 9, 0))}
    assert makeup["requests-remind"].job is not None


def test_the_daily_jobs_run_through_the_worker(db_backend, region, make_staff, enforced_audit_guard):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root-jobs", "root@example.gov.cn", "Gongkai-test-1")
    tick(at(2026, 12, 7, 9, 0))
    run_worker()
    jobs = {job.name.rsplit(".", 1)[1]: job for job in Job.objects.all()}
    failed = {name: job.error for name, job in jobs.items() if job.state != JobState.SUCCEEDED}
    assert failed == {}
    assert jobs["verify_audit_trail"].result["ok"] is True
    # 2027's calendar is not confirmed on 7 December: the platform admin is told (by a mail job).
    assert jobs["check_calendar"].result == {"checked": True, "year": 2027, "confirmed": False, "mails": 1}
    assert any("2027年工作日历尚未确认" in m.subject for m in mail.outbox)


def test_scheduler_command_once(db_backend, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(timezone, "now", lambda: at(2026, 12, 7, 9, 0))
    call_command("scheduler", "--once")
    assert ScheduledRun.objects.count() == len(KEYS)


def test_pruning_keeps_recent_and_unfinished_jobs(db_backend):
    from datetime import timedelta

    from jobs.daily import prune_jobs

    from . import sample

    old = sample.record_call.enqueue(value=1)
    run_worker()
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=40))
    waiting = sample.record_call.enqueue(value=2)
    assert prune_jobs()["jobs"] == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [waiting.pk]
