"""年报体检 in the workbench: batches of annual reports — uploaded files, or the published reports of the
user's subtree already in the platform — checked by report_checkup.checkup (the one importer and validator),
kept as CheckupBatch / CheckedReport rows so the result page can be revisited. This module is the one place
those rows change; it also assembles what the result page and the downloads show (read only).

Starting a batch stores what is to be checked (uploaded files go to Django's storage under checkup/<batch>/,
published reports and attachments are named by id in CheckupBatch.items) and enqueues `run_batch` for the
background worker (jobs.runner): the request returns at once and the batch page shows "已处理 N / M 份".
Each report is committed on its own, so a worker that dies mid-batch loses nothing: running the job again
(its retry, the recovery of a dead worker's jobs, or 重新运行 on the 后台任务 page) checks only the files
not yet done. A file that cannot be read — or takes longer than GONGKAI_CHECKUP_FILE_SECONDS — becomes a row
with its Chinese reason (never an exception). The uploaded bytes are deleted when the batch is done: the file
name, size and SHA-256 are kept."""

from __future__ import annotations

import hashlib
import json
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import record
from catalog.models import Attachment, DocumentStatus
from gongkai import file_reading
from jobs.runner import background, beat
from orgs.models import Agency
from orgs.scoping import Capability, has_capability
from report_formats.formats import ALL_CELLS
from reports import services as report_services
from reports.models import AnnualReport, ReportStatus
from reports.rendering.charts import chart_svg
from reports.rendering.document import TREND_FIGURES, trend_chart

from .checkup import SUFFIXES, check_bytes, counts, duplicate_wording
from .importers.decode import MAX_BYTES, refusal, sniff
from .importers.importer import empty_result
from .limits import check_limited
from .models import (
    CheckedOrigin,
    CheckedReport,
    CheckedStatus,
    CheckupBatch,
    CheckupBatchStatus,
    CheckupSource,
)
from .output import write_json, write_xlsx

CAPABILITY = Capability.REPORTS_COMPILE
MAX_FILES = 100
MAX_FILE_BYTES = MAX_BYTES  # 20 MB, the importer's own limit
MAX_PUBLISHED = 500  # the published option: narrow it by year beyond this
MAX_CHARTS = 20  # year-on-year charts drawn on one page; further agencies get their data table only
ANNUAL_REPORT_GENRE = "annual-report"
# The importer's "could not read this file at all" codes: such a report is listed as failed with the reason.
UNREADABLE_CODES = {"IMP-E01", "IMP-E02"}
ACCEPTED_HINT = "文本（.txt）、网页（.html）、Word（.docx）、PDF 或扫描图像（.png、.jpg，文字识别）"


@dataclass
class Item:
    """One report to check: a file (upload, catalogue attachment) or a platform report."""

    name: str
    origin: str
    size: int | None = None
    load: Callable[[], bytes] | None = None
    report: AnnualReport | None = None
    reference: str = ""
    attachment_id: int | None = None


def _require(user, agency: Agency) -> None:
    if user is not None and not has_capability(user, CAPABILITY, agency):
        raise PermissionDenied("您没有该操作的权限。")


# ------------------------------------------------------------------------------------------ starting a batch


def check_uploads(user, agency: Agency, files) -> CheckupBatch:
    """`files`: objects with .name, .size and .read() (Django's UploadedFile)."""
    _require(user, agency)
    files = list(files)
    if not files:
        raise ValidationError("请选择要体检的报告文件。")
    if len(files) > MAX_FILES:
        raise ValidationError(f"一次最多上传{MAX_FILES}个文件（本次{len(files)}个），请分批上传。")
    items = [Item(_file_name(f.name), CheckedOrigin.UPLOAD, f.size, _upload_reader(f)) for f in files]
    return _start(user, agency, CheckupSource.UPLOAD, None, items)


def check_published(user, agency: Agency, year: int | None = None) -> CheckupBatch:
    """The latest published version of every AnnualReport of the subtree, and the attachments of the
    published catalogue documents of genre 年度报告 (imported with the same importer)."""
    _require(user, agency)
    items = published_items(agency, year)
    if not items:
        raise ValidationError(f"{agency.name}及其下级机关{f'{year}年度' if year else ''}还没有已发布的年度报告，"
                              "也没有带附件的“年度报告”类政府信息。")
    if len(items) > MAX_PUBLISHED:
        raise ValidationError(f"共有{len(items)}份报告，一次最多体检{MAX_PUBLISHED}份，请选择年度或下级机关后分批体检。")
    return _start(user, agency, CheckupSource.PUBLISHED, year, items)


def published_items(agency: Agency, year: int | None = None) -> list[Item]:
    reports = AnnualReport.objects.filter(status=ReportStatus.PUBLISHED, agency__path__startswith=agency.path)
    if year:
        reports = reports.filter(year=year)
    latest: dict[tuple[int, int], AnnualReport] = {}
    for r in reports.select_related("agency").order_by("agency__path", "year", "-version"):
        latest.setdefault((r.agency_id, r.year), r)
    items = [Item(f"{r.agency.name}{r.year}年政府信息公开工作年度报告（第{r.version}版）", CheckedOrigin.PLATFORM,
                  report=r, reference=f"年度报告 {r.pk}") for r in latest.values()]
    attachments = Attachment.objects.filter(
        document__genre__code=ANNUAL_REPORT_GENRE, document__status=DocumentStatus.PUBLISHED,
        document__publisher__path__startswith=agency.path).select_related("document")
    if year:
        attachments = attachments.filter(document__title__contains=str(year))
    for a in attachments.order_by("document__publisher__path", "-document__published_on", "sort_order", "pk"):
        items.append(Item(_file_name(a.original_name), CheckedOrigin.CATALOGUE, a.size, _reader(a),
                          reference=f"政府信息 {a.document_id} 附件 {a.pk}", attachment_id=a.pk))
    return items


def _upload_reader(upload) -> Callable[[], bytes]:
    # Never more than the limit is read (gongkai.file_reading), whatever the declared size says.
    return lambda: file_reading.read_upload(upload, MAX_FILE_BYTES)


def _reader(attachment) -> Callable[[], bytes]:
    def read() -> bytes:
        with attachment.file.open("rb") as handle:
            return file_reading.read_upload(handle, MAX_FILE_BYTES)

    return read


def _file_name(name) -> str:
    return (Path(str(name or "")).name or "（无文件名）")[:255]


# ------------------------------------------------------------------------------------------ processing


def _start(user, agency: Agency, source: str, year: int | None, items: list[Item]) -> CheckupBatch:
    """Creates the batch with what it is to check, stores uploaded files, and enqueues `run_batch`; the row,
    its items and the queued job commit together."""
    with transaction.atomic():
        batch = CheckupBatch.objects.create(agency=agency, source=source, year=year, total=len(items),
                                          created_by=user if getattr(user, "pk", None) else None)
        record("report_checkup.batch.create", batch, agency=agency,
               after={"source": source, "year": year, "total": len(items)})
        batch.items = [_describe(batch, position, item) for position, item in enumerate(items, start=1)]
        batch.save(update_fields=["items"])
        batch.job = run_batch.enqueue(batch_id=batch.pk)
        CheckupBatch.objects.filter(pk=batch.pk).update(job=batch.job)
    batch.refresh_from_db()
    return batch


def _describe(batch: CheckupBatch, position: int, item: Item) -> dict:
    """What the worker needs to check the item later: an uploaded file is stored (up to the size limit)."""
    entry = {"position": position, "name": item.name, "origin": item.origin, "size": item.size,
             "reference": item.reference}
    if item.report is not None:
        entry["report"] = item.report.pk
    elif item.origin == CheckedOrigin.CATALOGUE:
        entry["attachment"] = item.attachment_id
    elif item.size is None or item.size <= MAX_FILE_BYTES:
        try:
            data = item.load()
        except file_reading.FileRefused:  # the declared size was wrong: reading stopped at the limit
            entry["size"] = MAX_FILE_BYTES + 1
        else:
            entry["size"] = len(data)
            entry["path"] = default_storage.save(f"checkup/{batch.pk}/{position}.bin", ContentFile(data))
    return entry


def _item(entry: dict) -> Item:
    item = Item(entry["name"], entry["origin"], entry.get("size"), reference=entry.get("reference", ""))
    if "report" in entry:
        item.report = AnnualReport.objects.select_related("agency").get(pk=entry["report"])
    elif "attachment" in entry:
        item.load = _reader(Attachment.objects.get(pk=entry["attachment"]))
    elif "path" in entry:
        def load(path=entry["path"]) -> bytes:
            with default_storage.open(path, "rb") as handle:
                return file_reading.read_upload(handle, MAX_FILE_BYTES)

        item.load = load
    # else: too large, refused by its size before anything is loaded (_file_result)
    return item


@background("年报体检")
def run_batch(batch_id: int) -> dict:
    """Checks the batch's items not yet checked (so a second run resumes), then the batch-level check."""
    batch = CheckupBatch.objects.get(pk=batch_id)
    if batch.status == CheckupBatchStatus.DONE:
        return {"processed": batch.processed}
    done = set(batch.reports.values_list("position", flat=True))
    for entry in batch.items:
        if entry["position"] in done:
            continue
        _process(batch, entry["position"], _item(entry))
        beat()
    batch = finish(batch)
    for entry in batch.items:
        if entry.get("path"):
            default_storage.delete(entry["path"])
    return {"processed": batch.processed, "failed": batch.failed}


class FileTimeout(Exception):
    pass


class _time_limit:
    """Wall-clock limit on checking one file (SIGALRM; only in the main thread, where the worker runs jobs)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.active = seconds > 0 and threading.current_thread() is threading.main_thread()

    def _expired(self, signum, frame):
        raise FileTimeout

    def __enter__(self):
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


def _process(batch: CheckupBatch, position: int, item: Item) -> CheckedReport:
    row = CheckedReport(batch=batch, position=position, file_name=item.name, origin=item.origin,
                        reference=item.reference, size=item.size, annual_report=item.report)
    try:
        with _time_limit(settings.GONGKAI_CHECKUP_FILE_SECONDS):
            result = _platform_result(item.report) if item.report is not None else _file_result(item, row)
    except FileTimeout:
        result = _failure(item.name, "IMP-E02", f"处理该文件超过{settings.GONGKAI_CHECKUP_FILE_SECONDS}秒，已停止，未能体检。")
    except Exception as error:  # noqa: BLE001 - one bad report never stops the batch or shows a traceback
        result = empty_result(item.name, [{"code": "IMP-E02", "severity": "error", "cells": [], "where": "",
                                           "message": f"处理该文件时出错（{type(error).__name__}），未能体检。"}])
    _fill(row, result)
    if item.report is not None:
        row.agency = item.report.agency
    elif row.detected_agency:
        row.agency = match_agency(batch.agency, row.detected_agency)
    with transaction.atomic():
        row.save()
        CheckupBatch.objects.filter(pk=batch.pk).update(
            processed=F("processed") + 1, failed=F("failed") + int(row.status == CheckedStatus.FAILED))
    return row


def _file_result(item: Item, row: CheckedReport) -> dict:
    suffix = Path(item.name).suffix.lower()
    if item.size is not None and item.size > MAX_FILE_BYTES:
        return _too_large(item.name, item.size)
    try:
        data = item.load()
    except file_reading.FileRefused:  # the declared size was wrong: reading stopped at the limit
        return _too_large(item.name, MAX_FILE_BYTES + 1)
    row.size, row.sha256 = len(data), hashlib.sha256(data).hexdigest()
    try:
        kind = sniff(data) if data.strip() else "empty"
    except file_reading.FileRefused as refused:  # a zip bomb: refused from its directory, nothing inflated
        return _failure(item.name, "IMP-E02", refused.for_file(item.name))
    # The content decides (a ".doc" that is really a web page is read); an unknown suffix with plain text
    # is refused, since "text" is only the fallback of the sniffer (an image decodes as GB18030 too).
    if kind == "binary" or (suffix not in SUFFIXES and kind in ("text", "empty")):
        hint = "旧版 Word（.doc）文件请另存为 DOCX 或 PDF 后上传；" if suffix in (".doc", ".wps") else ""
        why = refusal(data) if kind == "binary" else ""  # by content: 可执行程序, 压缩包, OFD… whatever the name says
        return _failure(item.name, "IMP-E02", f"不支持的文件类型（{suffix or '无扩展名'}）：{why + '；' if why else hint}"
                                              f"只能体检{ACCEPTED_HINT}。")
    return check_limited(data, item.name, check=check_bytes)  # a child process with time and memory caps (limits.py)


def _failure(name: str, code: str, message: str) -> dict:
    return empty_result(name, [{"code": code, "severity": "error", "cells": [], "message": message, "where": ""}])


def _too_large(name: str, size: int) -> dict:
    return _failure(name, "IMP-E01", f"文件过大（{size / 1024 / 1024:.1f} MB），每个文件不能超过"
                                     f"{MAX_FILE_BYTES // 1024 // 1024} MB，未读取。")


def _platform_result(report: AnnualReport) -> dict:
    result = report_services.export_json(report)
    result.update(source=f"{report.agency.name}{report.year}年度报告（平台第{report.version}版）",
                  agency=report.agency.name, agency_code=report.agency.code, input_kind="platform",
                  cell_sources={}, prose_text="\n".join(str(v) for v in (report.narrative or {}).values() if v),
                  published_on=report.published_on.isoformat() if report.published_on else None)
    return result


def _fill(row: CheckedReport, result: dict) -> None:
    unreadable = [f for f in result.get("findings", []) if f.get("code") in UNREADABLE_CODES]
    row.status = CheckedStatus.FAILED if unreadable else CheckedStatus.DONE
    row.error = unreadable[0]["message"][:300] if unreadable else ""
    row.detected_agency = (result.get("agency") or "")[:200]
    row.year = result.get("year") if isinstance(result.get("year"), int) and 0 < result["year"] < 10000 else None
    row.format = "" if row.status == CheckedStatus.FAILED else (result.get("format") or "")
    c = counts(result)
    row.errors, row.warnings, row.infos = c["error"], c["warning"], c["info"]
    row.result = json.loads(json.dumps(result, ensure_ascii=False, default=str))


def finish(batch: CheckupBatch) -> CheckupBatch:
    """The batch-level check (D-W06, 内容雷同, report_checkup.checkup.duplicate_wording) over the reports read, then done."""
    with transaction.atomic():
        batch = CheckupBatch.objects.select_for_update().get(pk=batch.pk)
        rows = list(batch.reports.filter(status=CheckedStatus.DONE).order_by("position"))
        before = [len(r.result.get("findings", [])) for r in rows]
        duplicate_wording([r.result for r in rows])
        for row, n in zip(rows, before, strict=True):
            if len(row.result.get("findings", [])) != n:
                _fill(row, row.result)
                row.save(update_fields=["errors", "warnings", "infos", "result", "status", "error"])
        batch.status, batch.finished_at = CheckupBatchStatus.DONE, timezone.now()
        batch.save(update_fields=["status", "finished_at"])
        batch.refresh_from_db()
        record("report_checkup.batch.finish", batch, agency=batch.agency,
               after={"processed": batch.processed, "failed": batch.failed})
    return batch


def match_agency(scope: Agency, name: str) -> Agency | None:
    """The platform agency of the subtree whose full name or short name is `name`, when exactly one is."""
    found = list(Agency.objects.filter(Q(name=name) | Q(short_name=name), path__startswith=scope.path)[:2])
    return found[0] if len(found) == 1 else None


# ------------------------------------------------------------------------------------------ what the page shows


def decimal_or_none(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def key_figures(fmt: str, cells: dict) -> list[Decimal | None]:
    """新收申请, 行政复议, 行政诉讼 (reports.rendering.document.TREND_FIGURES): None when no cell was read."""
    out = []
    for _label, by_format in TREND_FIGURES:
        ids = by_format.get(fmt or "", ())
        ids = (ids,) if isinstance(ids, str) else ids
        values = [decimal_or_none(cells.get(i)) for i in ids]
        out.append(None if not ids or all(v is None for v in values) else sum((v or 0 for v in values), Decimal(0)))
    return out


KEY_FIGURE_LABELS = [label for label, _ in TREND_FIGURES]


def cell_label(cid: str) -> str:
    spec = ALL_CELLS.get(cid)
    if spec is None:
        return cid
    return spec.row_label if spec.table in ("lg", "fj") else f"{spec.row_label} · {spec.column_label}"


@dataclass
class YearOnYear:
    name: str
    years: list[int]
    rows: list[dict]  # year, source, figures (one per KEY_FIGURE_LABELS)
    chart: object | None = None
    svg: str = ""


@dataclass
class BatchView:
    batch: CheckupBatch
    reports: list[CheckedReport]
    failed: list[CheckedReport]
    table: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    year_on_year: list[YearOnYear] = field(default_factory=list)


def batch_view(batch: CheckupBatch, charts: bool = True) -> BatchView:
    rows = list(batch.reports.select_related("agency").order_by("position"))
    view = BatchView(batch, [r for r in rows if r.status == CheckedStatus.DONE],
                     [r for r in rows if r.status == CheckedStatus.FAILED])
    for r in view.reports:
        view.table.append({"report": r, "figures": key_figures(r.format, r.result.get("cells") or {})})
        for f in r.result.get("findings", []):
            if f.get("code") == "D-W06":
                view.duplicates.append({"report": r, "message": f.get("message", "")})
    view.table.sort(key=lambda e: (-(e["report"].year or 0), e["report"].detected_agency, e["report"].position))
    view.year_on_year = year_on_year(batch, view.reports, charts)
    return view


def year_on_year(batch: CheckupBatch, reports: list[CheckedReport], charts: bool = True) -> list[YearOnYear]:
    """Per agency with two or more years (in the batch, or in the platform's published reports of an agency
    the batch matched): the key figures per year, a line chart (reports.rendering.charts) and its data."""
    groups: dict[object, dict] = {}
    for r in reports:
        if r.format not in ("2021", "2019", "legacy") or not r.year:
            continue
        key = r.agency_id or r.detected_agency
        if not key:
            continue
        group = groups.setdefault(key, {"name": r.agency.name if r.agency else r.detected_agency, "agency": r.agency,
                                        "years": {}})
        group["years"].setdefault(r.year, (r.format, r.result.get("cells") or {}, f"本批：{r.file_name}"))
    for group in groups.values():
        if group["agency"] is None:
            continue
        published = AnnualReport.objects.filter(agency=group["agency"], status=ReportStatus.PUBLISHED)
        for report in published.order_by("year", "-version"):
            if report.year not in group["years"] and report.format in ("2021", "2019", "legacy"):
                group["years"][report.year] = (report.format, report_services.cell_values(report), f"平台：第{report.version}版")
    out = []
    for group in sorted(groups.values(), key=lambda g: g["name"]):
        if len(group["years"]) < 2:
            continue
        years = sorted(group["years"])
        rows, history = [], []
        for year in years:
            fmt, cells, source = group["years"][year]
            rows.append({"year": year, "source": source, "figures": key_figures(fmt, cells)})
            history.append((year, fmt, {k: v for k, v in ((k, decimal_or_none(v)) for k, v in cells.items())
                                        if v is not None}))
        entry = YearOnYear(group["name"], years, rows)
        if charts and sum(1 for e in out if e.svg) < MAX_CHARTS:
            chart = trend_chart(history)
            chart.id, chart.title = f"yoy-{batch.pk}-{len(out) + 1}", f"{group['name']}历年主要数据"
            try:
                entry.chart, entry.svg = chart, chart_svg(chart)
            except Exception:  # noqa: BLE001 - a chart that cannot be drawn leaves its data table, never a 500
                entry.chart, entry.svg = None, ""
        out.append(entry)
    return out


# ------------------------------------------------------------------------------------------ downloads


def results(batch: CheckupBatch) -> list[dict]:
    """The checkup's JSON of every report of the batch, failed ones included (with their reason)."""
    return [r.result or _failure(r.file_name, "IMP-E02", r.error) for r in batch.reports.order_by("position")]


def export(batch: CheckupBatch, suffix: str) -> bytes:
    """The batch as `gongkai checkup --out` writes it (report_checkup.output): .xlsx or .json."""
    writers = {".json": write_json, ".xlsx": write_xlsx}
    if suffix not in writers:
        raise ValidationError("只能下载 XLSX 或 JSON。")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"checkup{suffix}"
        writers[suffix](results(batch), path)
        return path.read_bytes()
