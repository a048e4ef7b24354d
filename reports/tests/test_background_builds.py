"""Files of reports over large trees are built by the worker and kept in the default storage (issue 15,
reports.services.builds): the page shows the build's state without a script, the download comes from the
storage (here in memory, with a MEDIA_ROOT nothing can be written to), a small report still downloads at once."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from jobs.models import JobState
from jobs.runner import run_worker
from jobs.tests.conftest import db_backend  # noqa: F401 - fixture
from reports import services
from reports.services import builds

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage_only(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.MEDIA_ROOT = tmp_path / "missing" / "media"


@pytest.fixture
def county_report(region, head):
    units = [region[k] for k in ("county", "office", "edu", "health", "town")]
    return services.create_draft(region["county"], 2024, units, head)


def test_a_large_tree_builds_in_the_worker_and_downloads_from_storage(
        db_backend, storage_only, monkeypatch, client, head, county_report, tmp_path):  # noqa: F811
    monkeypatch.setattr(builds, "BACKGROUND_UNITS", 4)  # five units: "large" for the test
    client.force_login(head)
    url = reverse("reports:export", kwargs={"pk": county_report.pk, "fmt": "xlsx"})
    detail = client.get(reverse("reports:detail", args=[county_report.pk])).content.decode()
    assert "由后台任务生成" in detail and f'href="{url}" download' not in detail

    page = client.get(url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "尚未生成" in page.content.decode()
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a second click while queued queues nothing more
    job = builds.latest_build(county_report, "xlsx")
    assert job.state == JobState.QUEUED and builds.Job.objects.filter(name=builds.build_export.job_name).count() == 1
    page = client.get(url).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page and "<script" not in page

    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert default_storage.exists(job.result["path"]) and job.result["path"].startswith("reports/exports/")
    assert not (tmp_path / "missing").exists()
    page = client.get(url).content.decode()
    assert "已完成" in page and 'http-equiv="refresh"' not in page and f"?file={job.pk}" in page
    download = client.get(url, {"file": job.pk})
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and body[:2] == b"PK" and len(body) == job.result["size"]
    assert ".xlsx" in download["Content-Disposition"]

    # The draft changes: the stored file is marked as out of date.
    assert builds.is_current(job, county_report) and "不是最新内容" not in client.get(url).content.decode()
    services.recompute(county_report, head)
    county_report.refresh_from_db()
    assert not builds.is_current(job, county_report) and "不是最新内容" in client.get(url).content.decode()


def test_a_small_report_downloads_at_once(storage_only, client, head, county_report):
    client.force_login(head)
    response = client.get(reverse("reports:export", kwargs={"pk": county_report.pk, "fmt": "xlsx"}))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert not builds.Job.objects.exists()


def test_other_counties_staff_cannot_build_or_download(
        db_backend, monkeypatch, client, make_staff, region, county_report):  # noqa: F811
    monkeypatch.setattr(builds, "BACKGROUND_UNITS", 4)
    client.force_login(make_staff("other-head", ("office_head", region["other"])))
    url = reverse("reports:export", kwargs={"pk": county_report.pk, "fmt": "pdf"})
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 404
    assert not builds.Job.objects.exists()
