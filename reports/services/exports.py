"""What a report prints: the checkup's JSON contract, the earlier years of its trend chart, the data fixed at
publication, and the document every renderer draws (reports.rendering)."""

from __future__ import annotations

from decimal import Decimal

from report_formats.formats import (
    ALL_CELLS,
    CellType,
)
from report_formats.validation import Finding

from ..models import (
    AnnualReport,
    ReportOrigin,
    ReportStatus,
)
from ..rendering.document import build, report_title
from .checking import check, finding_dict
from .compute import channel_counts
from .drafts import cell_values
from .figures import plain_number
from .narrative_text import narrative_of


def export_json(report: AnnualReport, findings: list[Finding] | None = None) -> dict:
    """The checkup's JSON contract (report_checkup.output.CONTRACT_KEYS), money as decimal strings."""
    findings = check(report) if findings is None else findings
    cells = {}
    for cid, value in report.cells.order_by("id").values_list("cell_id", "value"):
        cells[cid] = None if value is None else _json_number(cid, value)
    return {"source": "gongkai:computed" if getattr(report, "unsaved", False) or not report.pk
            else f"gongkai:report/{report.pk}/v{report.version}",
            "agency": report.agency.code, "year": report.year, "format": report.format, "cells": cells,
            "unreadable": [], "prose_figures": [], "findings": [finding_dict(f) for f in findings]}


def _json_number(cid: str, value: Decimal):
    spec = ALL_CELLS.get(cid)
    if spec is not None and spec.type in (CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT):
        return plain_number(value)
    return int(value) if value == value.to_integral_value() else plain_number(value)


# ------------------------------------------------------------------------------------------ printing


def history(report: AnnualReport, years: int = 5) -> list[tuple[int, str, dict]]:
    """(year, format, cells) of the agency's reports for the last `years` years, this one included, oldest
    first; each earlier year from its latest published version, else its latest version. A published report
    (shown on the portal) never prints another year's unpublished figures, except a 历史数据补录 one: that is
    a transcript of a report already published on paper."""
    out = []
    for year in range(report.year - years + 1, report.year):
        qs = AnnualReport.objects.filter(agency=report.agency, year=year)
        fallback = qs.filter(origin=ReportOrigin.ENTERED) if report.is_published else qs
        earlier = (qs.filter(status=ReportStatus.PUBLISHED).order_by("-version").first()
                   or fallback.order_by("-version").first())
        if earlier is not None:
            out.append((year, earlier.format, cell_values(earlier)))
    out.append((report.year, report.format, cell_values(report)))
    return out


def print_data(report: AnnualReport) -> dict:
    unit_ids = list(report.units.values_list("pk", flat=True)) or [report.agency_id]
    counts = channel_counts(unit_ids, report.year) if report.origin == ReportOrigin.GENERATED else {}
    return {"channel_counts": counts,
            "history": [[year, fmt, {cid: None if v is None else str(v) for cid, v in values.items()}]
                        for year, fmt, values in history(report)]}


def document_for(report: AnnualReport, narrative: dict[str, str] | None = None):
    """The printable report (reports.rendering.document) every export draws. A published version prints what
    was fixed at publication; anything else is read live. `narrative`: narrative_of(report), when the caller
    already has it (drafting it reads this year's and last year's cells)."""
    data = report.printed if report.is_published and report.printed else print_data(report)
    return build(title=report_title(report.agency.name, report.year), agency_name=report.agency.name,
                 year=report.year, report_format=report.format, values=cell_values(report),
                 narrative=narrative if narrative is not None else narrative_of(report),
                 channel_counts=data["channel_counts"],
                 history=[(year, fmt, values) for year, fmt, values in data["history"]],
                 published_on=report.published_on, version=report.version, change_note=report.change_note,
                 status_label=report.get_status_display())
