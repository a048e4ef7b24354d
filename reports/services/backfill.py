"""历史数据补录: a report of a year before the platform held the data (e.g. a 2017 统计表), every cell entered
from the printed report, with its footer and prose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record
from orgs.models import Agency
from orgs.scoping import Capability
from report_formats.formats import (
    FORMATS,
    CellType,
    ReportFormat,
    format_for_year,
    parse_cell_value,
)
from report_formats.validation import deadline_for

from ..models import (
    AnnualReport,
    Provenance,
    ReportCell,
    ReportOrigin,
    ReportStatus,
)
from ..rendering.document import section_titles
from .figures import require_capability

# ------------------------------------------------------------------------------------------ 历史数据补录
# A year before the platform held the data (e.g. a 2017 统计表), entered from the published report so that
# the year-on-year comparison and the trend chart have it. Each cell keeps the printed text; nothing is
# guessed: a blank or a placeholder ("-", "无") stays null, and the validator reports the table as printed.

ENTERED_HISTORY_SOURCE = "历史数据补录"
NOT_PRINTED = "not_printed"  # a row the published table leaves out; the validator sees it as missing_row
FIRST_ENTERED_YEAR = 2008  # 《条例》施行之年
_FOOTER_LIMITS = {"filer": 200, "head": 60, "reviewer": 60, "preparer": 60}


def cell_name(spec) -> str:
    return f"「{spec.row_label}」" if spec.table == "lg" else f"「{spec.row_label} × {spec.column_label}」"


def parse_printed_cells(fmt, values) -> tuple[dict[str, dict], dict[str, str]]:
    """The printed text of an old table's cells → (cell id → ReportCell fields), (cell id → error)."""
    fmt = ReportFormat(fmt)
    if not isinstance(values, dict):
        return {}, {"values": "单元格数据格式不正确。"}
    specs = FORMATS[fmt].cells()
    parsed, errors = {}, {}
    for cid, raw in values.items():
        spec = specs.get(cid) if isinstance(cid, str) else None
        if spec is None:
            errors[str(cid)] = f"“{cid}”不是{fmt.label}中的单元格。"
            continue
        if raw is not None and not isinstance(raw, str):
            errors[cid] = f"{cell_name(spec)}：请按原表照录文字。"
            continue
        text = (raw or "").strip()
        if len(text) > 200:
            errors[cid] = f"{cell_name(spec)}：内容过长（最多200字）。"
            continue
        pv = parse_cell_value(text, spec.type)
        value = None if "placeholder" in pv.flags else pv.value  # "-"/"无" as printed, never read as 0
        if "invalid" in pv.flags:
            errors[cid] = f"{cell_name(spec)}：“{text}”无法识别为数值；请照原表填写数字，原表空白的留空。"
        elif value is not None and (value.as_tuple().exponent < -4 or abs(value) >= Decimal(10) ** 12):
            errors[cid] = f"{cell_name(spec)}：“{text}”最多保留4位小数，且不超过12位整数。"
        else:
            unit = pv.unit if "unit_in_cell" in pv.flags or spec.type == CellType.MONEY_WAN else spec.unit
            parsed[cid] = {"value": value, "raw": text, "unit": unit or "", "flags": sorted(pv.flags)}
    return parsed, errors


def _history_errors(narrative, footer: dict, fmt) -> dict[str, str]:
    errors = {}
    if narrative is not None:
        sections = set(section_titles(fmt))
        if not isinstance(narrative, dict) or any(not isinstance(v, str | None) for v in narrative.values()):
            errors["narrative"] = "报告正文格式不正确。"
        elif unknown := [str(k) for k in narrative if k not in sections]:
            errors["narrative"] = f"报告正文没有这些章节：{'、'.join(unknown)}。"
    for name, limit in _FOOTER_LIMITS.items():
        value = footer.get(name)
        if value is not None and (not isinstance(value, str) or len(value.strip()) > limit):
            errors[name] = f"{AnnualReport._meta.get_field(name).verbose_name}最多{limit}字。"
    if footer.get("filed_on") is not None and not isinstance(footer["filed_on"], date):
        errors["filed_on"] = "填报日期格式不正确。"
    return errors


@transaction.atomic
def create_entered_report(agency: Agency, year: int, values: dict[str, str], user, *, narrative: dict | None = None,
                          filer: str | None = None, head: str | None = None, reviewer: str | None = None,
                          preparer: str | None = None, filed_on: date | None = None) -> AnnualReport:
    """A draft report of an old year, every cell of its format entered as printed (`values`: cell id → the
    printed text). A cell absent from `values` is a row the table does not print. All or nothing."""
    require_capability(user, Capability.REPORTS_COMPILE, agency)
    last = timezone.localdate().year - 1
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_ENTERED_YEAR <= year <= last:
        raise ValidationError(f"只能补录{FIRST_ENTERED_YEAR}年度至{last}年度（已结束的年度）的报告。")
    if AnnualReport.objects.filter(agency=agency, year=year).exists():
        raise ValidationError(f"{agency.name}{year}年度报告已存在，不能重复补录；请修改已有的报告。")
    fmt = format_for_year(year)
    parsed, errors = parse_printed_cells(fmt, values)
    footer = {"filer": filer, "head": head, "reviewer": reviewer, "preparer": preparer, "filed_on": filed_on}
    errors.update(_history_errors(narrative, footer, fmt))
    if not errors and not parsed:
        errors["values"] = "请至少照录统计表的一个单元格。"
    if errors:
        raise ValidationError(errors)
    text = {k: v.strip() for k, v in (narrative or {}).items() if (v or "").strip()}
    report = AnnualReport.objects.create(
        agency=agency, year=year, format=fmt, origin=ReportOrigin.ENTERED, status=ReportStatus.DRAFT,
        period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        deadline=deadline_for(year, agency.level, agency.kind), filer=(filer or "").strip() or agency.name,
        head=(head or "").strip(), reviewer=(reviewer or "").strip(), preparer=(preparer or "").strip(),
        filed_on=filed_on, narrative=text, created_by=user)
    now = timezone.now()
    specs = FORMATS[fmt].cells()
    blank = {"value": None, "raw": "", "flags": [NOT_PRINTED]}
    ReportCell.objects.bulk_create([
        ReportCell(report=report, cell_id=cid, provenance=Provenance.ENTERED, entered_by=user, entered_at=now,
                   source=ENTERED_HISTORY_SOURCE if cid in parsed else f"{ENTERED_HISTORY_SOURCE}（原表未印此行）",
                   **{"unit": specs[cid].unit or "", **parsed.get(cid, blank)})
        for cid in FORMATS[fmt].cell_ids()])
    record("reports.report.enter_history", report, agency=agency,
           after={"year": year, "format": fmt.value, "cells": {cid: f["raw"] for cid, f in parsed.items()},
                  "not_printed": [cid for cid in FORMATS[fmt].cell_ids() if cid not in parsed],
                  "narrative": sorted(text)})
    return report


@transaction.atomic
def enter_report_cells(report: AnnualReport, values: dict[str, str], user) -> AnnualReport:
    """Correct cells of a 历史数据补录 draft, as printed (an empty text makes the cell blank)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    require_capability(user, Capability.REPORTS_COMPILE, report.agency)
    if report.origin != ReportOrigin.ENTERED:
        raise ValidationError("只有历史数据补录的报告可以直接修改单元格；平台生成的报告请修改填报数据后重新计算。")
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(f"报告当前为“{report.get_status_display()}”，只有草稿可以修改单元格。")
    parsed, errors = parse_printed_cells(report.format, values)
    if errors:
        raise ValidationError(errors)
    existing = {c.cell_id: c for c in report.cells.select_for_update()}
    now = timezone.now()
    before, after = {}, {}
    for cid, fields in parsed.items():
        cell = existing.get(cid) or ReportCell(report=report, cell_id=cid, flags=[NOT_PRINTED])
        printed = NOT_PRINTED not in (cell.flags or [])
        if cell.pk and printed and (cell.value, cell.raw, cell.flags) == (fields["value"], fields["raw"],
                                                                          fields["flags"]):
            continue
        before[cid] = cell.raw if printed else None
        after[cid] = fields["raw"]
        for name, value in fields.items():
            setattr(cell, name, value)
        cell.provenance, cell.source = Provenance.ENTERED, ENTERED_HISTORY_SOURCE
        cell.entered_by, cell.entered_at = user, now
        cell.save()
    if after:
        report.save(update_fields=["updated_at"])
        record("reports.report.enter_cells", report, agency=report.agency, before=before, after=after)
    return report
