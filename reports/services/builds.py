"""Report files built by the background worker (issue 15): a report over a large tree — a city's or a
province's, hundreds or thousands of units — is rendered as PDF, DOCX, HTML or XLSX by `gongkai worker`, not
inside the web request, and the file is kept in Django's default storage (so any app server, and an object
store, can serve it). A report over at most BACKGROUND_UNITS units is still built inside the request: its
tables are counted in well under a second and drawn in a few (docs/benchmarks.md "年报汇总").

The staff page shows the build's state (排队中 / 运行中 / 已完成 / 失败, reloading itself while it runs) and,
when done, a download of the stored file. A failed build is retried and shown on the 后台任务 page like every
job (jobs.runner)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from jobs.models import Job, JobState
from jobs.runner import background

from ..models import AnnualReport
from ..rendering import EXPORT_TYPES, export, export_filename

BACKGROUND_UNITS = 50  # a report over more units than this builds its files in the worker
BACKGROUND_FORMATS = ("pdf", "docx", "html", "xlsx")  # JSON is the cells as they are: no drawing, always at once
STORAGE_FOLDER = "reports/exports"


def builds_in_background(report: AnnualReport, fmt: str) -> bool:
    return fmt in BACKGROUND_FORMATS and report.units.count() > BACKGROUND_UNITS


@background("年度报告生成文件")
def build_export(report_id: int, fmt: str) -> dict:
    """Renders the report as `fmt` and stores it; the job's result names the stored file."""
    report = AnnualReport.objects.select_related("agency").get(pk=report_id)
    content, content_type, extension = export(report, fmt)
    filename = export_filename(report, extension)
    path = default_storage.save(f"{STORAGE_FOLDER}/{report.pk}/{fmt}/{filename}", ContentFile(content))
    return {"path": path, "filename": filename, "content_type": content_type, "size": len(content),
            "version": report.version, "report_updated_at": report.updated_at.isoformat()}


def request_export(report: AnnualReport, fmt: str) -> Job:
    """Queues a build unless one for this report and format is already queued or running (a double click, two
    staff at once): then that one is returned."""
    if fmt not in EXPORT_TYPES:
        raise KeyError(fmt)
    running = latest_build(report, fmt)
    if running is not None and running.state in (JobState.QUEUED, JobState.RUNNING, JobState.RETRYING):
        return running
    return build_export.enqueue(report_id=report.pk, fmt=fmt)


def latest_build(report: AnnualReport, fmt: str) -> Job | None:
    return (Job.objects.filter(name=build_export.job_name, kwargs__report_id=report.pk, kwargs__fmt=fmt)
            .order_by("-created_at", "-id").first())


def is_current(job: Job, report: AnnualReport) -> bool:
    """The stored file still shows the report as it is now (a draft changes; a published version does not)."""
    result = job.result or {}
    return (job.state == JobState.SUCCEEDED and result.get("version") == report.version
            and result.get("report_updated_at") == report.updated_at.isoformat())


def open_build(job: Job):
    """(open file, file name, content type) of a finished build; FileNotFoundError when the file is gone."""
    result = job.result or {}
    if job.state != JobState.SUCCEEDED or not result.get("path"):
        raise FileNotFoundError
    return default_storage.open(result["path"], "rb"), result["filename"], result["content_type"]
