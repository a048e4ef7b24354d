"""The validator (report_formats.validation) run on a report: the table rules, the prose check of its
报告正文 (reports.narrative) and the units' submission status."""

from __future__ import annotations

from report_formats.validation import Finding, Severity, validate

from ..models import (
    AnnualReport,
    FiguresStatus,
)
from ..narrative import prose_check
from .backfill import NOT_PRINTED
from .compute import entered_cell_ids
from .drafts import cell_values, previous_report, unit_status
from .figures import plain_number
from .narrative_text import narrative_of


def finding_dict(f: Finding) -> dict:
    return {"code": f.code, "severity": str(f.severity), "cells": list(f.cells), "message": f.message,
            "where": f.where, "expected": None if f.expected is None else plain_number(f.expected),
            "actual": None if f.actual is None else plain_number(f.actual)}


def check(report: AnnualReport, narrative: dict[str, str] | None = None) -> list[Finding]:
    """Every rule of report_formats.validation the platform's data allows, plus the units' submission status. The
    numbers the prose (as printed: narrative_of, or `narrative` when the caller already has it) quotes are
    checked against the tables; those findings say which paragraph (reports.narrative.prose_check)."""
    flags = {cid: fl for cid, fl in report.cells.values_list("cell_id", "flags") if fl}
    # A row an entered (历史数据补录) table does not print stays absent, as the validator expects (missing_row).
    cells = {cid: v for cid, v in cell_values(report).items() if NOT_PRINTED not in flags.get(cid, ())}
    prev = previous_report(report)
    prose = prose_check(report.format, narrative if narrative is not None else narrative_of(report))
    findings = validate(cells, report_format=report.format, year=report.year,
                        previous=cell_values(prev) if prev else None, agency_level=report.agency.level,
                        agency_kind=report.agency.kind, flags=flags, prose_figures=prose.facts,
                        published_on=report.published_on, period=(report.period_start, report.period_end))
    findings = prose.locate(findings)
    pending = [row["agency"].display_name for row in unit_status(report) if row["status"] != FiguresStatus.APPROVED]
    if pending and entered_cell_ids(report.report_format):
        findings.append(Finding("RPT-W01", Severity.WARNING, [],
                                f"{len(pending)} 个汇总单位的填报数据尚未审核：{'、'.join(pending)}；"
                                "其已录入的数字已计入，但可能还会变化。"))
    return findings
