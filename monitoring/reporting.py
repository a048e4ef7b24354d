"""What the dashboard, the 自查报告 exports and the command read: the latest result per agency within a
user's scope, the trend of recent runs, and the XLSX/PDF renderings of the report.

An agency's latest result comes from the newest finished run whose scope contains it (a platform-wide run,
or a run of one of its ancestors or itself); another county's run never shows, even if newer."""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.pdf import html_to_pdf
from gongkai.spreadsheet_cells import append
from orgs.models import Agency
from orgs.scoping import Capability, Scope, scope_for, scoped_agencies

from .models import MonitoringIssue, MonitoringRun, Severity
from .rules import RULES

RECENT_RUNS = 50  # enough to find each agency's latest covering run among mixed platform/county runs


def trend_runs() -> int:
    return getattr(settings, "GONGKAI_MONITOR_TREND_RUNS", 10)


def _ancestor_paths(paths) -> set[str]:
    prefixes = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        prefixes.update("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    return prefixes


def visible_runs(user):
    """Runs that may hold results for the user's agencies: platform-wide ones, those inside the scope, and
    those of an ancestor of it (their issues are filtered by the scope when read)."""
    scope = scope_for(user, Capability.MONITORING_VIEW)
    runs = MonitoringRun.objects.select_related("scope", "triggered_by")
    if scope.everywhere:
        return runs
    if scope.is_empty:
        return runs.none()
    own_paths = list(scope.subtree_paths) + list(Agency.objects.filter(pk__in=scope.agency_ids)
                                                  .values_list("path", flat=True))
    return runs.filter(Q(scope__isnull=True) | scope.q("scope") | Q(scope__path__in=_ancestor_paths(own_paths)))


def covers(run: MonitoringRun, agency: Agency) -> bool:
    return run.scope_id is None or agency.path.startswith(run.scope.path)


@dataclass
class AgencyResult:
    agency: Agency
    run: MonitoringRun | None
    errors: int = 0
    warnings: int = 0
    issues: list = field(default_factory=list)

    @property
    def light(self) -> str:
        if self.run is None:
            return "none"
        return "red" if self.errors else "amber" if self.warnings else "green"

    @property
    def light_label(self) -> str:
        return {"none": "未监测", "red": "不合格", "amber": "有警告", "green": "合格"}[self.light]


def latest_results(user, agencies=None, with_issues: bool = False) -> list[AgencyResult]:
    agencies = list((agencies if agencies is not None else scoped_agencies(user, Capability.MONITORING_VIEW))
                    .order_by("path"))
    runs = list(visible_runs(user).filter(finished_at__isnull=False)[:RECENT_RUNS])
    results = [AgencyResult(agency, next((r for r in runs if covers(r, agency)), None)) for agency in agencies]
    pairs = Q(pk__in=[])
    for result in results:
        if result.run is not None:
            pairs |= Q(run=result.run, agency=result.agency)
    by_key = {(r.run.pk, r.agency.pk): r for r in results if r.run is not None}
    issues = MonitoringIssue.objects.filter(pairs).order_by("severity", "rule_id", "id")
    for issue in issues:
        result = by_key[(issue.run_id, issue.agency_id)]
        if issue.severity == Severity.ERROR:
            result.errors += 1
        else:
            result.warnings += 1
        if with_issues:
            result.issues.append(issue)
    return results


def trend(user) -> list[dict]:
    """Issues per run (errors, warnings) within the user's scope over the last runs, oldest first."""
    scope: Scope = scope_for(user, Capability.MONITORING_VIEW)
    in_scope = scope.q("issues__agency")
    runs = (visible_runs(user).filter(finished_at__isnull=False)
            .annotate(errors=Count("issues", filter=in_scope & Q(issues__severity=Severity.ERROR)),
                      warnings=Count("issues", filter=in_scope & Q(issues__severity=Severity.WARNING)))
            [:trend_runs()])
    return [{"run": run, "errors": run.errors, "warnings": run.warnings} for run in reversed(list(runs))]


def trend_svg(points: list[dict]) -> dict:
    """Geometry of a stacked bar chart (errors under warnings), computed here so the template only draws."""
    width, height, top, bottom, left = 560, 180, 16, 28, 32
    usable = height - top - bottom
    peak = max([p["errors"] + p["warnings"] for p in points] + [1])
    slot = (width - left) / max(len(points), 1)
    bars = []
    for i, p in enumerate(points):
        bar = min(slot * 0.6, 48)  # one or two runs should not draw slabs
        x = left + i * slot + (slot - bar) / 2
        err_h = usable * p["errors"] / peak
        warn_h = usable * p["warnings"] / peak
        base = top + usable
        bars.append({"x": round(x, 1), "w": round(bar, 1), "err_y": round(base - err_h, 1),
                     "err_h": round(err_h, 1), "warn_y": round(base - err_h - warn_h, 1), "warn_h": round(warn_h, 1),
                     "label_x": round(x + bar / 2, 1), "label_y": height - 10, "total_y": round(base - err_h - warn_h - 4, 1),
                     "total": p["errors"] + p["warnings"], "date": f"{timezone.localtime(p['run'].started_at):%m-%d}", **p})
    return {"width": width, "height": height, "bars": bars, "peak": peak, "axis_y": top + usable, "left": left,
            "top": top}


# --- 自查报告 ---------------------------------------------------------------------------------------------


def item_text(item: dict) -> str:
    ref = {"document": "文件", "attachment": "文件", "link": "文件", "request": "申请", "letter": "留言"}.get(item.get("kind"), "")
    number = item.get("document_id") or item.get("request_id") or item.get("letter_id")
    head = f"{ref} #{number} " if number else ""
    text = f"{head}{item.get('label', '')}"
    if item.get("url"):
        text += f" {item['url']}"
    return text + (f"（{item['detail']}）" if item.get("detail") else "")


def report_context(user) -> dict:
    results = latest_results(user, with_issues=True)
    checked = [r for r in results if r.run is not None]
    ids = {r.agency.pk for r in results}  # the scope's top agencies name the report's 监测范围
    return {
        "generated_at": timezone.localtime(),
        "results": results,
        "checked": len(checked),
        "failed": sum(1 for r in checked if r.errors),
        "warned": sum(1 for r in checked if not r.errors and r.warnings),
        "passed": sum(1 for r in checked if not r.errors and not r.warnings),
        "unchecked": len(results) - len(checked),
        "rules": list(RULES.values()),
        "scope_label": "、".join(r.agency.name for r in results if r.agency.parent_id not in ids) or "—",
    }


REPORT_TITLE = "政府网站与政务公开自查报告"


def report_xlsx(user) -> bytes:
    # lazy: openpyxl (~25 MB, ~0.7 s to import) only when the report is exported
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    context = report_context(user)
    book = Workbook()  # every cell through gongkai.spreadsheet_cells: agency names never run as formulas
    summary = book.active
    summary.title = "概况"
    append(summary, [REPORT_TITLE], font=Font(bold=True, size=14))
    append(summary, ["监测范围", context["scope_label"]])
    append(summary, ["生成时间", f"{context['generated_at']:%Y-%m-%d %H:%M}"])
    append(summary, ["检查机构数", context["checked"]])
    append(summary, ["合格", context["passed"]])
    append(summary, ["有警告", context["warned"]])
    append(summary, ["不合格", context["failed"]])
    append(summary, ["未监测", context["unchecked"]])
    summary.append([])
    append(summary, ["机构编码", "机构", "结论", "不合格项", "警告项", "监测时间", "检查基准日"])
    for r in context["results"]:
        append(summary, [r.agency.code, r.agency.name, r.light_label, r.errors, r.warnings,
                        f"{timezone.localtime(r.run.started_at):%Y-%m-%d %H:%M}" if r.run else "",
                        f"{r.run.checked_on:%Y-%m-%d}" if r.run else ""])
    issues = book.create_sheet("问题清单")
    append(issues, ["机构编码", "机构", "检查规则", "检查指标", "严重程度", "监测值", "阈值", "依据", "依据核实情况",
                   "问题对象"])
    for r in context["results"]:
        for issue in r.issues:
            append(issues, [r.agency.code, r.agency.name, issue.rule_id, issue.title, issue.get_severity_display(),
                           issue.measured, issue.threshold, issue.source, issue.rule_status,
                           "\n".join(item_text(item) for item in issue.items)])
    for row in issues.iter_rows(min_row=2, min_col=10, max_col=10):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    rules = book.create_sheet("检查规则")
    append(rules, ["检查规则", "检查指标", "阈值", "依据", "依据核实情况", "对应要求"])
    for rule in context["rules"]:
        append(rules, [rule.id, rule.title, rule.threshold_label(), rule.source, rule.status, rule.requirement])
    for sheet, widths in ((summary, [14, 30, 10, 10, 10, 18, 12]), (issues, [14, 28, 28, 24, 10, 36, 36, 36, 14, 60]),
                          (rules, [30, 28, 50, 50, 14, 14])):
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_html(user) -> str:
    context = report_context(user)
    context["title"] = REPORT_TITLE
    for r in context["results"]:
        for issue in r.issues:
            issue.item_lines = [item_text(item) for item in issue.items]
    return render_to_string("monitoring/report_pdf.html", context)


def report_pdf(user) -> bytes:
    return html_to_pdf(report_html(user), what="监测报告")
