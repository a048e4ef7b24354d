"""年报体检 batches in the background worker: the database backend and the worker loop run in the test."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jobs.models import JobState
from jobs.runner import recover_stale, run_worker
from jobs.tests.conftest import db_backend  # noqa: F401 - fixture
from report_checkup import services as checkup
from report_checkup.models import CheckupBatchStatus

pytestmark = pytest.mark.django_db


def uploads(n=3):
    return [SimpleUploadedFile(f"第{i}份.txt", f"某某县人民政府2024年政府信息公开工作年度报告 第{i}份".encode())
            for i in range(1, n + 1)]


@pytest.fixture
def office(region, make_staff):
    return make_staff("checkup-office", ("office_head", region["county"]))


def test_an_upload_is_queued_and_the_worker_completes_it(db_backend, client, region, office):  # noqa: F811
    client.force_login(office)
    response = client.post(reverse("report_checkup:index"),
                           {"source": "upload", "agency": region["county"].pk, "files": uploads()})
    assert response.status_code == 302
    batch = checkup.CheckupBatch.objects.get()
    assert batch.status == CheckupBatchStatus.PROCESSING and batch.processed == 0 and batch.total == 3
    stored = [entry["path"] for entry in batch.items]
    assert all(default_storage.exists(path) for path in stored)
    # The page shows the progress and reloads itself, with no script.
    page = client.get(reverse("report_checkup:batch", args=[batch.pk])).content.decode()
    assert "已处理 0 / 3 份" in page and 'http-equiv="refresh"' in page and "<script" not in page

    run_worker()
    batch.refresh_from_db()
    assert batch.status == CheckupBatchStatus.DONE and batch.processed == 3 and batch.job.state == JobState.SUCCEEDED
    assert not any(default_storage.exists(path) for path in stored)  # the uploaded bytes are not kept
    page = client.get(reverse("report_checkup:batch", args=[batch.pk])).content.decode()
    assert "已处理 3 / 3 份" in page and 'http-equiv="refresh"' not in page


class WorkerKilled(BaseException):
    """What a worker killed mid-file looks like to the code after it: nothing more runs."""


def test_a_worker_dying_mid_batch_loses_nothing(db_backend, region, monkeypatch, client, office, settings):  # noqa: F811
    settings.GONGKAI_CHECKUP_READ_SECONDS = 0  # in process: the worker itself dies (limits.py's child is tested below)
    real = checkup.check_bytes
    calls = []

    def reader(data, name):
        calls.append(name)
        if name == "第2份.txt" and calls.count(name) == 1:
            raise WorkerKilled
        return real(data, name)

    monkeypatch.setattr(checkup, "check_bytes", reader)
    batch = checkup.check_uploads(office, region["county"], uploads())
    run_worker()
    batch.refresh_from_db()
    assert batch.processed == 1 and batch.status == CheckupBatchStatus.PROCESSING
    assert batch.job.state == JobState.RUNNING  # its worker is gone: nobody will finish it but the recovery
    client.force_login(office)
    assert "已处理 1 / 3 份" in client.get(reverse("report_checkup:batch", args=[batch.pk])).content.decode()

    # The restarted worker (or the scheduler) finds the job without a heartbeat and runs it again.
    assert recover_stale(timezone.now() + timedelta(hours=1)) == 1
    run_worker()
    batch.refresh_from_db()
    assert batch.status == CheckupBatchStatus.DONE and batch.processed == 3
    assert sorted(batch.reports.values_list("position", flat=True)) == [1, 2, 3]
    assert calls == ["第1份.txt", "第2份.txt", "第2份.txt", "第3份.txt"]  # file 1 was not checked twice


def test_a_file_over_the_time_limit_becomes_a_failed_row(region, office, monkeypatch, settings):
    import time

    settings.GONGKAI_CHECKUP_FILE_SECONDS = 1
    settings.GONGKAI_CHECKUP_READ_SECONDS = 0  # the worker's own outer limit (SIGALRM), without the child process
    real = checkup.check_bytes
    monkeypatch.setattr(checkup, "check_bytes",
                        lambda data, name: time.sleep(5) if name == "第1份.txt" else real(data, name))
    batch = checkup.check_uploads(office, region["county"], uploads(2))
    assert batch.status == CheckupBatchStatus.DONE and batch.processed == 2 and batch.failed == 1
    assert "超过1秒" in batch.reports.get(position=1).error


def test_a_file_over_the_read_limit_is_stopped_in_its_child_process(region, office, monkeypatch, settings):
    """limits.py: the file is read in a child process killed after GONGKAI_CHECKUP_READ_SECONDS, and the batch
    goes on with the next file."""
    import time

    settings.GONGKAI_CHECKUP_READ_SECONDS = 2
    real = checkup.check_bytes
    monkeypatch.setattr(checkup, "check_bytes",
                        lambda data, name: time.sleep(60) if name == "第1份.txt" else real(data, name))
    batch = checkup.check_uploads(office, region["county"], uploads(2))
    assert batch.status == CheckupBatchStatus.DONE and batch.processed == 2 and batch.failed == 1
    assert batch.reports.get(position=1).error.startswith("无法在限定时间内读取（限定2秒）")
    assert batch.reports.get(position=2).error == ""  # the next file is checked as usual
