"""网站监测 workbench pages for the 公开办: the traffic-light dashboard, an agency's issues, 立即监测 and the
自查报告 exports. Everything is read within the user's MONITORING_VIEW scope (orgs.scoping)."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import DetailView, TemplateView, View

from orgs.models import Agency
from orgs.scoping import Capability, ScopedObjectMixin, StaffRequiredMixin, scope_for, scoped_agencies

from . import reporting
from .models import MonitoringIssue, Severity
from .rules import RULES
from .services import run_checks


class DashboardView(StaffRequiredMixin, TemplateView):
    capability = Capability.MONITORING_VIEW
    template_name = "monitoring/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        results = reporting.latest_results(user)
        points = reporting.trend(user)
        context.update(
            results=results,
            totals={light: sum(1 for r in results if r.light == light) for light in ("red", "amber", "green", "none")},
            points=points,
            chart=reporting.trend_svg(points) if points else None,
            rules=list(RULES.values()),
        )
        return context


class RunNowView(StaffRequiredMixin, View):
    """立即监测: one run per top agency of the user's scope, so each run's scope is one subtree."""

    capability = Capability.MONITORING_VIEW
    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        scope = scope_for(user, Capability.MONITORING_VIEW)
        if scope.everywhere:
            roots = [None]
        else:
            agencies = list(scoped_agencies(user, Capability.MONITORING_VIEW))
            ids = {a.pk for a in agencies}
            roots = [a for a in agencies if a.parent_id not in ids]
        today = timezone.localdate()
        runs = [run_checks(scope=root, today=today, user=user) for root in roots]
        found = sum(run.issues.count() for run in runs)
        messages.success(request, f"监测已完成：检查 {sum(r.agency_count for r in runs)} 个机构，发现 {found} 个问题。")
        return redirect("monitoring:index")


class AgencyIssuesView(ScopedObjectMixin, DetailView):
    capability = Capability.MONITORING_VIEW
    model = Agency
    scope_field = ""
    template_name = "monitoring/agency.html"
    context_object_name = "agency"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agency = self.object
        result = reporting.latest_results(self.request.user, Agency.objects.filter(pk=agency.pk),
                                          with_issues=True)[0]
        # This agency's counts in the recent runs that covered it, newest first.
        runs = [run for run in reporting.visible_runs(self.request.user).filter(finished_at__isnull=False)
                [:reporting.RECENT_RUNS] if reporting.covers(run, agency)][:reporting.trend_runs()]
        counts = {(row["run"], row["severity"]): row["n"] for row in MonitoringIssue.objects
                  .filter(agency=agency, run__in=runs).values("run", "severity").annotate(n=Count("id"))}
        context.update(result=result, history=[
            {"run": run, "errors": counts.get((run.pk, Severity.ERROR), 0),
             "warnings": counts.get((run.pk, Severity.WARNING), 0)} for run in runs])
        return context


class ReportExportView(StaffRequiredMixin, View):
    capability = Capability.MONITORING_VIEW
    file_format = "xlsx"

    def get(self, request):
        stamp = timezone.localdate().strftime("%Y%m%d")
        if self.file_format == "pdf":
            body, content_type = reporting.report_pdf(request.user), "application/pdf"
        else:
            body = reporting.report_xlsx(request.user)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="monitoring-self-inspection-{stamp}.{self.file_format}"'
        return response
