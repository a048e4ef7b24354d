"""Submission, approval, publication and correction of a report: the state changes of AnnualReport after
drafting, and the publication guards (第四十九条: not before the year is over, gaps need a second head)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import record
from orgs.models import Agency
from orgs.scoping import Capability
from report_formats.formats import (
    FORMATS,
)
from report_formats.validation import Severity, has_errors

from ..models import (
    AnnualReport,
    ReportCell,
    ReportStatus,
)
from .backfill import NOT_PRINTED, cell_name
from .checking import check
from .compute import entered_cell_ids
from .drafts import unit_status
from .exports import print_data
from .figures import require_capability
from .narrative_text import narrative_of


def _transition(report: AnnualReport, user, allowed_from, capability, action, **changes) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    require_capability(user, capability, report.agency)
    if report.status not in allowed_from:
        raise ValidationError(f"报告当前为“{report.get_status_display()}”，不能执行此操作。")
    before = report.status
    for name, value in changes.items():
        setattr(report, name, value)
    report.save()
    record(action, report, agency=report.agency, before={"status": before}, after={"status": report.status})
    return report


@transaction.atomic
def submit(report, user) -> AnnualReport:
    return _transition(report, user, [ReportStatus.DRAFT], Capability.REPORTS_COMPILE, "reports.report.submit",
                       status=ReportStatus.SUBMITTED, submitted_by=user, submitted_at=timezone.now())


@transaction.atomic
def return_to_draft(report, user) -> AnnualReport:
    return _transition(report, user, [ReportStatus.SUBMITTED, ReportStatus.APPROVED], Capability.REPORTS_COMPILE,
                       "reports.report.return", status=ReportStatus.DRAFT, approved_by=None, approved_at=None)


@transaction.atomic
def approve(report, user) -> AnnualReport:
    """Refused while the validator finds an error."""
    findings = check(report)
    if has_errors(findings):
        errors = [f"{f.code}：{f.message}" for f in findings if f.severity == Severity.ERROR]
        raise ValidationError(["报告有错误，不能审核通过：", *errors])
    return _transition(report, user, [ReportStatus.SUBMITTED], Capability.REPORTS_APPROVE, "reports.report.approve",
                       status=ReportStatus.APPROVED, approved_by=user, approved_at=timezone.now())


# Publication guards. 《中华人民共和国政府信息公开条例》第四十九条: departments publish their report on the
# previous year by 31 January, governments by 31 March (validation.deadline_for), so a report on year Y
# covers a finished year and is published from 1 January of Y+1. A report with units still 未填报 or cells
# blank is published only when a 公开办负责人 (REPORTS_APPROVE) other than its drafter confirms it with a
# reason; what was missing is kept with the published version.
PUBLICATION_BASIS = "《中华人民共和国政府信息公开条例》第四十九条"


def earliest_publication(report: AnnualReport) -> date:
    return date(report.year + 1, 1, 1)


@dataclass
class PublicationGaps:
    units: list[Agency] = field(default_factory=list)  # 未填报: no figures at all
    cells: list[tuple[str, str]] = field(default_factory=list)  # (cell id, printed name) left blank

    def __bool__(self) -> bool:
        return bool(self.units or self.cells)

    def as_dict(self) -> dict:
        return {"units": [u.display_name for u in self.units], "cells": [cid for cid, _ in self.cells]}


def publication_gaps(report: AnnualReport) -> PublicationGaps:
    """What the report still lacks: units that entered nothing (when the format has entered cells) and the
    cells left blank (rows an entered legacy table does not print are not gaps)."""
    gaps = PublicationGaps()
    if entered_cell_ids(report.report_format):
        gaps.units = [row["agency"] for row in unit_status(report) if row["status"] is None]
    specs = FORMATS[report.report_format].cells()
    for cid, value, flags in report.cells.values_list("cell_id", "value", "flags"):
        if value is None and NOT_PRINTED not in (flags or ()) and cid in specs:
            gaps.cells.append((cid, cell_name(specs[cid])))
    order = {cid: i for i, cid in enumerate(FORMATS[report.report_format].cell_ids())}
    gaps.cells.sort(key=lambda c: order.get(c[0], 0))
    return gaps


def drafters(report: AnnualReport) -> set[int]:
    """Who drafted the report (created or submitted it): they cannot confirm its publication with gaps."""
    return {pk for pk in (report.created_by_id, report.submitted_by_id) if pk is not None}


def _check_publication_date(report: AnnualReport, on: date, today: date) -> None:
    if on < earliest_publication(report):
        raise ValidationError(
            f"{report.year}年度报告须在该年度结束后发布，最早 {report.year + 1}年1月1日"
            f"（{PUBLICATION_BASIS}：年度报告报告上一年度的政府信息公开工作）。")
    if on > today:
        raise ValidationError("发布日期不能晚于今天。")


@transaction.atomic
def publish(report, user, on: date | None = None, *, override_reason: str = "") -> AnnualReport:
    """Publishes, fixing what a version prints: the prose (drafted sections included) and the chart data.
    Refused before 1 January of the following year (PUBLICATION_BASIS); with gaps (publication_gaps), only
    with `override_reason` from a REPORTS_APPROVE holder who did not draft the report (`user` None — imports
    and the demo — still needs the reason)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    require_capability(user, Capability.REPORTS_APPROVE, report.agency)
    now = timezone.now()
    today = timezone.localdate(now)
    on = on or today
    _check_publication_date(report, on, today)
    gaps = publication_gaps(report)
    reason = (override_reason or "").strip()
    override = {}
    if gaps:
        missing = []
        if gaps.units:
            missing.append(f"{len(gaps.units)} 个单位未填报")
        if gaps.cells:
            missing.append(f"{len(gaps.cells)} 个单元格空白")
        if not reason:
            raise ValidationError(f"报告尚有缺项（{'，'.join(missing)}），须由编制人以外的公开办负责人说明理由后确认发布。")
        if user is not None and user.pk in drafters(report):
            raise ValidationError(f"报告尚有缺项（{'，'.join(missing)}）：编制或提交本报告的人员不能确认缺项发布，"
                                  "请由另一位公开办负责人确认。")
        override = {"gaps_override_by": user, "gaps_override_reason": reason, "gaps_at_publication": gaps.as_dict()}
    published = _transition(report, user, [ReportStatus.APPROVED], Capability.REPORTS_APPROVE,
                            "reports.report.publish", status=ReportStatus.PUBLISHED, published_at=now,
                            published_on=on, narrative=narrative_of(report), printed=print_data(report), **override)
    if override:
        record("reports.report.publish_with_gaps", published, agency=published.agency,
               after={"gaps": override["gaps_at_publication"], "drafters": sorted(drafters(published)),
                      "confirmed_by": user.pk if user is not None else None, "published_on": on}, note=reason)
    return published


@transaction.atomic
def correct(report, user, change_note: str) -> AnnualReport:
    """A new draft version of a published report; the published version stays as it is."""
    require_capability(user, Capability.REPORTS_COMPILE, report.agency)
    if report.status != ReportStatus.PUBLISHED:
        raise ValidationError("只有已发布的报告需要更正；未发布的报告可直接修改。")
    if not (change_note or "").strip():
        raise ValidationError("请填写更正说明。")
    latest = AnnualReport.objects.filter(agency=report.agency, year=report.year).aggregate(v=Max("version"))["v"]
    if AnnualReport.objects.filter(agency=report.agency, year=report.year).exclude(
            status=ReportStatus.PUBLISHED).exists():
        raise ValidationError("该报告已有未发布的更正版本。")
    new = AnnualReport.objects.create(
        agency=report.agency, year=report.year, format=report.format, origin=report.origin,
        status=ReportStatus.DRAFT, version=latest + 1, parent=report, change_note=change_note.strip(),
        period_start=report.period_start, period_end=report.period_end, deadline=report.deadline,
        filer=report.filer, head=report.head, reviewer=report.reviewer, preparer=report.preparer,
        narrative=dict(report.narrative or {}), created_by=user)
    new.units.set(report.units.all())
    ReportCell.objects.bulk_create([
        ReportCell(report=new, cell_id=c.cell_id, value=c.value, raw=c.raw, unit=c.unit, flags=c.flags,
                   provenance=c.provenance, source=c.source, entered_by=c.entered_by, entered_at=c.entered_at)
        for c in report.cells.all()])
    record("reports.report.correct", new, agency=new.agency,
           after={"parent": report.pk, "version": new.version, "change_note": new.change_note})
    return new
