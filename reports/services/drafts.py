"""A report's drafts: creating one for an agency, year and units, (re)computing its cells from the platform's data
and the entered figures, and reading them back (cell values, last year's report, the units' status)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.services import record
from orgs.models import Agency
from orgs.scoping import Capability
from report_formats.formats import (
    FORMATS,
    ReportFormat,
    format_for_year,
)
from report_formats.validation import deadline_for

from ..models import (
    AnnualReport,
    EnteredFigures,
    EnteredValue,
    FiguresStatus,
    Provenance,
    ReportCell,
    ReportOrigin,
    ReportStatus,
)
from .compute import FIRST_YEAR, attribution, compute_cells, entered_cell_ids, source_of
from .figures import plain_number, require_capability

# ------------------------------------------------------------------------------------------ reports


def _check_units(agency: Agency, units) -> list[Agency]:
    units = list(units)
    if not units:
        raise ValidationError("请至少选择一个汇总单位。")
    outside = [u.name for u in units if not u.path.startswith(agency.path)]
    if outside:
        raise ValidationError(f"汇总单位须是{agency.name}或其下级单位：{'、'.join(outside)}不是。")
    return units


@transaction.atomic
def create_draft(agency: Agency, year: int, units, user, *, report_format: ReportFormat | None = None) -> AnnualReport:
    require_capability(user, Capability.REPORTS_COMPILE, agency)
    if year < FIRST_YEAR:
        raise ValidationError(f"平台只生成{FIRST_YEAR}年度及以后的年度报告。")
    if year > timezone.localdate().year:
        raise ValidationError("不能为尚未开始的年度编制报告。")
    if AnnualReport.objects.filter(agency=agency, year=year).exists():
        raise ValidationError(f"{agency.name}{year}年度报告已存在；已发布的报告请通过“更正”发布新版本。")
    units = _check_units(agency, units)
    fmt = ReportFormat(report_format or format_for_year(year))
    report = AnnualReport.objects.create(
        agency=agency, year=year, format=fmt, origin=ReportOrigin.GENERATED, status=ReportStatus.DRAFT,
        period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        deadline=deadline_for(year, agency.level, agency.kind), filer=agency.name, created_by=user)
    report.units.set(units)
    record("reports.report.create", report, agency=agency,
           after={"year": year, "format": fmt.value, "units": sorted(u.pk for u in units)})
    return recompute(report, user)


def _entered_cells(report: AnnualReport, unit_ids: list[int]) -> dict[str, dict]:
    attr = attribution(unit_ids)
    fmt = report.report_format
    wanted = set(entered_cell_ids(fmt))
    rows = (EnteredValue.objects.filter(figures__year=report.year, figures__agency_id__in=attr.on(report.period_end),
                                        cell_id__in=wanted, value__isnull=False)
            .select_related("figures__agency", "entered_by").order_by("entered_at"))
    out: dict[str, dict] = {}
    for v in rows:
        cell = out.setdefault(v.cell_id, {"value": Decimal(0), "agencies": [], "by": None, "at": None, "raw": []})
        cell["value"] += v.value
        cell["agencies"].append(v.figures.agency.display_name)
        cell["raw"].append(v.raw)
        cell["by"], cell["at"] = v.entered_by, v.entered_at  # the latest entry
    return out


@transaction.atomic
def recompute(report: AnnualReport, user=None) -> AnnualReport:
    """Refill the computed cells and the entered ones (from the units' figures). Drafts only."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    require_capability(user, Capability.REPORTS_COMPILE, report.agency)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError("只有草稿可以重新计算；已提交的报告请先退回。")
    if report.origin != ReportOrigin.GENERATED:
        raise ValidationError(f"{report.get_origin_display()}的报告不由平台计算。")
    fmt = report.report_format
    unit_ids = list(report.units.values_list("pk", flat=True))
    computed = compute_cells(unit_ids, report.year, fmt)
    entered = _entered_cells(report, unit_ids)
    specs = FORMATS[fmt].cells()
    report.cells.exclude(provenance=Provenance.IMPORTED).delete()
    cells = []
    for cid in FORMATS[fmt].cell_ids():
        spec = specs[cid]
        if cid in computed:
            value = Decimal(computed[cid])
            cells.append(ReportCell(report=report, cell_id=cid, value=value, raw=plain_number(value), unit=spec.unit or "",
                                    provenance=Provenance.COMPUTED, source=source_of(cid)))
        else:
            e = entered.get(cid)
            source = f"单位填报：{'、'.join(e['agencies'])}"[:300] if e else "单位填报：尚未填报"
            cells.append(ReportCell(report=report, cell_id=cid, value=e["value"] if e else None,
                                    raw=plain_number(e["value"]) if e else "", unit=spec.unit or "",
                                    flags=[] if e else ["blank"], provenance=Provenance.ENTERED, source=source,
                                    entered_by=e["by"] if e else None, entered_at=e["at"] if e else None))
    ReportCell.objects.bulk_create(cells)
    report.computed_at = timezone.now()
    report.save(update_fields=["computed_at", "updated_at"])
    record("reports.report.recompute", report, agency=report.agency,
           after={"computed": len(computed), "entered": len(entered)})
    return report


def cell_values(report: AnnualReport) -> dict[str, Decimal | None]:
    return dict(report.cells.values_list("cell_id", "value"))


def previous_report(report: AnnualReport) -> AnnualReport | None:
    """Last year's report of the same agency: its latest published version, else its latest version."""
    qs = AnnualReport.objects.filter(agency=report.agency, year=report.year - 1)
    return qs.filter(status=ReportStatus.PUBLISHED).order_by("-version").first() or qs.order_by("-version").first()


def unit_status(report: AnnualReport) -> list[dict]:
    """Each unit's figures status, with its own statutory deadline (docs/law/annual-report.md §1)."""
    units = list(report.units.all().order_by("path"))
    figures = {f.agency_id: f for f in EnteredFigures.objects.filter(year=report.year, agency__in=units)
               .annotate(n=Count("values"))}
    today = timezone.localdate()
    rows = []
    for unit in units:
        f = figures.get(unit.pk)
        deadline = deadline_for(report.year, unit.level, unit.kind)
        status = f.status if f else None
        rows.append({"agency": unit, "figures": f, "status": status,
                     "status_label": f.get_status_display() if f else "未填报", "entered": f.n if f else 0,
                     "deadline": deadline, "overdue": status != FiguresStatus.APPROVED and today > deadline})
    return rows


def latest_report(agency: Agency, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(agency=agency, year=year).order_by("-version").first()


def units_by_kind(units) -> dict[str, int]:
    counts = defaultdict(int)
    for unit in units:
        counts[unit.get_kind_display()] += 1
    return dict(counts)
