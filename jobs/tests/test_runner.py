from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from jobs.models import Job, JobState
from jobs.runner import recover_stale, run_worker

from . import sample

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset():
    sample.CALLS.clear()
    sample.FAILURES["left"] = 0


def test_immediate_backend_runs_the_job_inside_the_caller():
    job = sample.record_call.enqueue(value=3)
    assert job.state == JobState.SUCCEEDED and job.result == 6 and sample.CALLS == [3]


def test_database_backend_queues_until_the_worker_runs(db_backend):
    job = sample.record_call.enqueue(value=4)
    assert job.state == JobState.QUEUED and sample.CALLS == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.attempts == 1 and sample.CALLS == [4]


@override_settings(GONGKAI_JOB_RETRY_SECONDS=0)
def test_a_failing_job_is_retried_then_succeeds(db_backend):
    sample.FAILURES["left"] = 2
    job = sample.flaky.enqueue(value=1)
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.attempts == 3 and sample.CALLS == [1, 1, 1]


@override_settings(GONGKAI_JOB_RETRY_SECONDS=0)
def test_a_job_failing_every_time_shows_as_failed_and_can_be_rerun(db_backend, client, region, make_staff):
    sample.FAILURES["left"] = 5
    job = sample.flaky.enqueue(value=7)
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == 3
    # The error names the exception; the phone number in its message is masked.
    assert job.error.startswith("ValueError: 连接失败") and "13912345678" not in job.error

    head = make_staff("jobs-head", ("office_head", region["county"]))
    client.force_login(head)
    page = client.get(reverse("jobs:index")).content.decode()
    assert "会失败的测试任务" in page and "ValueError" in page and "13912345678" not in page

    sample.FAILURES["left"] = 0
    response = client.post(reverse("jobs:rerun"), {"job": job.pk})
    assert response.status_code == 302
    new = Job.objects.get(rerun_of=job)
    run_worker()
    new.refresh_from_db()
    assert new.state == JobState.SUCCEEDED
    assert AuditEntry.objects.filter(action="jobs.rerun", object_id=str(new.pk)).exists()


def test_the_jobs_page_needs_the_capability(client, region, make_staff):
    editor = make_staff("jobs-editor", ("editor", region["edu"]))
    client.force_login(editor)
    assert client.get(reverse("jobs:index")).status_code == 403
    assert client.post(reverse("jobs:rerun"), {"job": 1}).status_code == 403


def test_a_job_whose_worker_died_is_dispatched_again(db_backend):
    job = sample.record_call.enqueue(value=5)
    # A worker claimed it and died: the task row and the job say "running", nothing beats any more.
    DBTaskResult.objects.update(status="RUNNING")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=1,
                                         heartbeat_at=timezone.now() - timedelta(hours=1))
    assert recover_stale() == 1
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and sample.CALLS == [5]
