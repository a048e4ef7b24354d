"""Workbench pages of the annual report (/workbench/reports/): the list, creating a report over chosen
units, the report with every cell's provenance, its findings and its units' status, and each unit's
entered figures (form and XLSX template). Scoped by agency; every change goes through reports.services."""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import FormView, TemplateView, View

from jobs.models import JobState
from orgs.models import Agency
from orgs.scoping import (
    Capability,
    ScopedObjectMixin,
    StaffRequiredMixin,
    has_capability,
    holder_names,
    scope_queryset,
)
from orgs.transitions import TransitionView
from orgs.views import apply_validation_error
from report_formats.formats import FORMATS, format_for_year
from report_formats.validation import SEVERITY_ORDER, Severity, has_errors

from . import services
from .forms import (
    CorrectionForm,
    FiguresForm,
    FiguresUploadForm,
    NarrativeForm,
    PublishForm,
    ReportCreateForm,
)
from .models import AnnualReport, EnteredFigures, EnteredValue, FiguresStatus, ReportStatus
from .narrative import is_prose_finding
from .rendering import EXPORT_TYPES, export, export_filename
from .rendering.document import paragraphs, section_titles
from .services import builds

FORMAT_LABELS = {"pdf": "PDF", "docx": "Word（DOCX）", "html": "网页（HTML）", "xlsx": "Excel 数据表（XLSX）",
                 "json": "数据（JSON）"}

COMPILE, APPROVE = Capability.REPORTS_COMPILE, Capability.REPORTS_APPROVE


def _agencies(user):
    return scope_queryset(Agency.objects.filter(dissolved_on__isnull=True), user, COMPILE, "").order_by("path")


class ReportListView(StaffRequiredMixin, TemplateView):
    capability = COMPILE
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        reports = scope_queryset(AnnualReport.objects.select_related("agency"), user, COMPILE)
        # Filters the 待办 desk links to (an unknown value is ignored: the whole list).
        status = self.request.GET.get("status", "")
        if status in ReportStatus.values:
            reports = reports.filter(status=status)
            context["status_label"] = ReportStatus(status).label
        figures_status = self.request.GET.get("figures", "")
        if figures_status in FiguresStatus.values:
            capability = APPROVE if figures_status == FiguresStatus.SUBMITTED else COMPILE
            context["figures"] = (scope_queryset(EnteredFigures.objects.select_related("agency"), user, capability)
                                  .filter(status=figures_status).order_by("-year", "agency__path")[:500])
            context["figures_label"] = FiguresStatus(figures_status).label
        context["reports"] = reports.order_by("-year", "agency__path", "-version")[:500]
        context["status_choices"] = ReportStatus.choices
        context["status"] = status
        return context


class ReportCreateView(StaffRequiredMixin, FormView):
    capability = COMPILE
    template_name = "reports/report_form.html"
    form_class = ReportCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": _agencies(self.request.user)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            report = services.create_draft(data["agency"], data["year"], data["units"], self.request.user)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已创建年度报告草稿，并按平台数据计算了各表。")
        return redirect("reports:detail", pk=report.pk)


def _table_rows(report, cells):
    """Rows of each table of the format, each with its cells (value and provenance) in column order."""
    tables = []
    for table in FORMATS[report.report_format].tables:
        by_row = {}
        for spec in table.cells:
            by_row.setdefault(spec.row_id, []).append((spec, cells.get(spec.id)))
        rows = [{"row": row, "cells": by_row.get(row.id, [])} for row in table.rows]
        tables.append({"table": table, "rows": rows, "columns": table.columns})
    return tables


class ReportDetailView(ScopedObjectMixin, TemplateView):
    capability = COMPILE
    model = AnnualReport
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_object()
        cells = {c.cell_id: c for c in report.cells.select_related("entered_by")}
        findings = sorted(services.check(report), key=lambda f: (SEVERITY_ORDER[f.severity], f.code))
        user = self.request.user
        context.update(
            report=report, tables=_table_rows(report, cells), findings=findings, blocked=has_errors(findings),
            counts={s.value: sum(1 for f in findings if f.severity == s) for s in Severity},
            units=services.unit_status(report), versions=AnnualReport.objects.filter(
                agency=report.agency, year=report.year).order_by("version"),
            can_approve=has_capability(user, APPROVE, report.agency), correction_form=CorrectionForm(),
            units_by_kind=services.units_by_kind(report.units.all()),
            background_exports=builds.builds_in_background(report, "pdf"))
        return context


class ReportTransitionView(TransitionView):
    """A workflow button on the report's page; refusals are shown as messages there."""

    capability = COMPILE
    model = AnnualReport
    detail_url_name = "reports:detail"
    service = None

    def perform(self, form, report):
        return type(self).service(report, self.request.user)


def _report_name(report) -> str:
    return f"{report.agency.name}{report.year}年政府信息公开工作年度报告（第{report.version}版）"


class RecomputeView(ReportTransitionView):
    service = services.recompute

    def get_success_message(self, report, outcome):
        return f"已按平台最新数据重新计算《{_report_name(report)}》的各表。"


class SubmitView(ReportTransitionView):
    service = services.submit

    def get_success_message(self, report, outcome):
        names = holder_names(APPROVE, report.agency, exclude=self.request.user)
        return f"已提交审核，等待{names or '公开办负责人'}审核：《{_report_name(report)}》。"


class ReturnView(ReportTransitionView):
    service = services.return_to_draft

    def get_success_message(self, report, outcome):
        return f"已退回修改：《{_report_name(report)}》回到草稿状态，修改后请重新提交审核。"


class ApproveView(ReportTransitionView):
    service = services.approve

    def get_success_message(self, report, outcome):
        return f"已审核通过：《{_report_name(report)}》，可以发布。"


class CorrectView(ReportTransitionView):
    """更正: a new draft version of a published report, computed at once; the page goes to the new version."""

    form_class = CorrectionForm

    def perform(self, form, report):
        new = services.correct(report, self.request.user, form.cleaned_data["change_note"])
        return services.recompute(new, self.request.user)

    def get_success_message(self, report, new):
        return f"已创建第{new.version}版（更正草稿）。"

    def get_success_url(self, report, new):
        return self.get_detail_url(new)


class ReportActionView(ReportTransitionView):
    """One POST endpoint for the workflow buttons; a GET (after the lookup in scope) goes to the report."""

    http_method_names = ["get", "post"]
    # Publication has its own confirmation page (PublishView): never one click.
    actions = {"recompute": RecomputeView, "submit": SubmitView, "return": ReturnView, "approve": ApproveView,
               "correct": CorrectView}

    def get(self, request, *args, **kwargs):
        return redirect("reports:detail", pk=self.get_object().pk)


class PublishView(ScopedObjectMixin, TemplateView):
    """发布确认: the date rule, what is still missing (units 未填报, blank cells), and — when something is —
    the reason a 公开办负责人 other than the drafter gives to publish anyway. Publishing happens on POST."""

    capability = APPROVE
    model = AnnualReport
    template_name = "reports/publish_confirm.html"

    def _page(self, report, form=None, status=200):
        today = timezone.localdate()
        gaps = services.publication_gaps(report)
        user = self.request.user
        return self.render_to_response({
            "report": report, "gaps": gaps, "form": form or PublishForm(), "today": today,
            "earliest": services.earliest_publication(report), "basis": services.PUBLICATION_BASIS,
            "too_early": today < services.earliest_publication(report),
            "is_drafter": user.pk in services.drafters(report), "publishable": report.status == ReportStatus.APPROVED,
            "deadline_passed": today > report.deadline},
            status=status)

    def get(self, request, *args, **kwargs):
        return self._page(self.get_object())

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.publish(report, request.user, override_reason=form.cleaned_data["override_reason"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"已发布：《{_report_name(report)}》，公众可在门户网站“年度报告”栏目查看。")
                return redirect("reports:detail", pk=report.pk)
        return self._page(report, form, status=400)


class NarrativeView(ScopedObjectMixin, TemplateView):
    """报告正文: one text box per section with a redraft button each, the prose findings (numbers the text
    quotes that differ from the tables, placeholders left) above. Read only unless the report is a draft."""

    capability = COMPILE
    model = AnnualReport
    template_name = "reports/narrative.html"

    def _page(self, report, form=None):
        texts, saved = services.narrative_of(report), report.narrative or {}
        findings = sorted((f for f in services.check(report, narrative=texts) if is_prose_finding(f)),
                          key=lambda f: (SEVERITY_ORDER[f.severity], f.code))
        editable = report.status == ReportStatus.DRAFT
        titles = section_titles(report.report_format)
        if editable and form is None:
            form = NarrativeForm(initial={k: texts.get(k, "") for k in titles}, report_format=report.report_format)
        sections = [{"key": key, "title": title, "field": form[key] if form else None,
                     "paragraphs": paragraphs(texts.get(key, "")),
                     "drafted": not (saved.get(key) or "").strip()} for key, title in titles.items()]
        return self.render_to_response({"report": report, "form": form, "sections": sections, "editable": editable,
                                        "findings": findings})

    def get(self, request, *args, **kwargs):
        return self._page(self.get_object())

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        key = request.POST.get("redraft")
        form = None if key is not None else NarrativeForm(request.POST, report_format=report.report_format)
        try:
            if key is not None:
                services.redraft_narrative(report, request.user, [key])
                messages.success(request, f"已按最新数据重新生成“{section_titles(report.report_format)[key]}”的草稿。")
            elif form.is_valid():
                services.save_narrative(report, form.cleaned_data, request.user)
                messages.success(request, "报告正文已保存。")
            else:
                return self._page(report, form)
        except ValidationError as exc:
            if form is not None and hasattr(exc, "error_dict") and report.status == ReportStatus.DRAFT:
                apply_validation_error(form, exc)
                return self._page(report, form)
            for message in exc.messages:
                messages.error(request, message)
        return redirect("reports:narrative", pk=report.pk)


class _UnitMixin(ScopedObjectMixin):
    """A unit (agency) and a year from the URL, looked up inside the user's scope."""

    capability = COMPILE
    model = Agency
    scope_field = ""
    pk_url_kwarg = "agency"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.agency = self.get_object()
        self.year = int(kwargs["year"])
        if not (services.FIRST_YEAR <= self.year <= 2100):
            raise PermissionDenied("不支持该年度。")
        return super().dispatch(request, *args, **kwargs)

    def figures_url(self):
        return reverse("reports:figures", kwargs={"agency": self.agency.pk, "year": self.year})


class FiguresView(_UnitMixin, TemplateView):
    template_name = "reports/figures.html"

    def _context(self, form=None, upload_errors=None):
        figures = EnteredFigures.objects.filter(agency=self.agency, year=self.year).first()
        values = {v.cell_id: services.plain_number(v.value) for v in
                  EnteredValue.objects.filter(figures__agency=self.agency, figures__year=self.year)}
        locked = figures is not None and figures.status != "draft"
        form = form or FiguresForm(year=self.year, initial_values=values, disabled=locked)
        user = self.request.user
        return {"agency": self.agency, "year": self.year, "format": format_for_year(self.year), "form": form,
                "figures": figures, "locked": locked, "upload_form": FiguresUploadForm(),
                "upload_errors": upload_errors or [], "can_approve": has_capability(user, APPROVE, self.agency)}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self._context())

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "save")
        if action in FiguresTransitionView.transitions:
            return FiguresTransitionView.as_view()(request, *args, **kwargs)
        form = FiguresForm(request.POST, year=self.year)
        if not form.is_valid():
            return self.render_to_response(self._context(form))
        try:
            services.enter_figures(self.agency, self.year, form.cleaned_data, request.user)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_to_response(self._context(form))
        messages.success(request, "填报数据已保存。")
        return redirect(self.figures_url())


class FiguresTransitionView(_UnitMixin, TransitionView):
    """提交 / 审核通过 / 退回修改 of a unit's entered figures (buttons on the figures page, refusals as messages)."""

    transitions = {"submit": services.submit_figures, "approve": services.approve_figures,
                   "reopen": services.reopen_figures}

    def get_detail_url(self, agency):
        return self.figures_url()

    def perform(self, form, agency):
        transition = self.transitions.get(self.request.POST.get("action", ""))
        if transition is None:
            raise ValidationError("未知的操作。")
        return transition(services.figures_for(agency, self.year), self.request.user)

    def get_success_message(self, agency, figures):
        what = f"{agency.name}{self.year}年填报数据"
        action = self.request.POST["action"]
        if action == "submit":
            names = holder_names(APPROVE, agency, exclude=self.request.user)
            return f"已提交{what}，等待{names or '公开办负责人'}审核。"
        if action == "approve":
            return f"已审核通过{what}，汇总报告将使用这些数字。"
        return f"已退回{what}，可以修改后重新提交。"


class FiguresTemplateView(_UnitMixin, View):
    def get(self, request, *args, **kwargs):
        data = services.figures_template(self.agency, self.year)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="figures-{self.agency.code}-{self.year}.xlsx"'
        return response


class FiguresUploadView(_UnitMixin, TemplateView):
    template_name = "reports/figures.html"

    def get(self, request, *args, **kwargs):
        return redirect(self.figures_url())

    def post(self, request, *args, **kwargs):
        form = FiguresUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "请选择要上传的文件。")
            return redirect(self.figures_url())
        upload = form.cleaned_data["file"]
        # The upload itself: read_table refuses it by its size before reading it.
        result = services.import_figures_xlsx(self.agency, self.year, upload, upload.name, request.user)
        if result.ok:
            messages.success(request, f"导入完成：共 {result.changed} 个单元格有数值。")
            return redirect(self.figures_url())
        view = FiguresView()
        view.setup(request, *args, **kwargs)
        view.agency, view.year = self.agency, self.year
        context = view._context(upload_errors=[str(e) for e in result.errors])
        return self.render_to_response(context, status=400)


class ReportExportView(ScopedObjectMixin, View):
    """The report as DOCX, PDF, HTML, XLSX or JSON (reports.rendering.export, the same files the command line
    writes), named after its title. An unknown format is a 404; missing PDF libraries a message.

    A report over a large tree (reports.services.builds) is not drawn in the request: the GET shows the
    build's state (reloading itself while the worker runs it) and the download of the stored file; a POST
    queues a build."""

    capability = COMPILE
    model = AnnualReport
    http_method_names = ["get", "post"]

    def _format(self, kwargs):
        if kwargs["fmt"] not in EXPORT_TYPES:
            raise Http404("不支持该导出格式。")
        return kwargs["fmt"]

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        fmt = self._format(kwargs)
        if builds.builds_in_background(report, fmt):
            return self._build_page(request, report, fmt)
        try:
            content, content_type, extension = export(report, fmt)
        except ImproperlyConfigured as error:
            messages.error(request, str(error))
            return redirect("reports:detail", pk=report.pk)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, export_filename(report, extension))
        return response

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        fmt = self._format(kwargs)
        if not builds.builds_in_background(report, fmt):
            return redirect("reports:export", pk=report.pk, fmt=fmt)
        builds.request_export(report, fmt)
        messages.success(request, "已交给后台任务生成，完成后本页提供下载。")
        return redirect("reports:export", pk=report.pk, fmt=fmt)

    def _build_page(self, request, report, fmt):
        job = builds.latest_build(report, fmt)
        if job is not None and request.GET.get("file") == str(job.pk):
            try:
                handle, filename, content_type = builds.open_build(job)
            except FileNotFoundError:
                messages.error(request, "生成的文件已不存在，请重新生成。")
            else:
                return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
        active = job is not None and job.state in (JobState.QUEUED, JobState.RUNNING, JobState.RETRYING)
        return render(request, "reports/export_build.html", {
            "report": report, "fmt": fmt, "format_label": FORMAT_LABELS[fmt], "job": job, "active": active,
            "current": job is not None and builds.is_current(job, report), "units": report.units.count(),
            "threshold": builds.BACKGROUND_UNITS})
