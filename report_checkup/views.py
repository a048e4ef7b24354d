"""Workbench pages of 年报体检 (/workbench/checkup/): start a batch (upload report files, or the published
reports of the user's subtree; the checking runs in the background worker), the batch page (progress while it
runs: the page reloads itself with <meta http-equiv="refresh">, no script), and its XLSX/JSON download. Batches are scoped by their
辖区 agency; every change goes through report_checkup.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView, View

from orgs.models import Agency
from orgs.scoping import ScopedObjectMixin, StaffRequiredMixin, scope_queryset
from report_formats.validation import check_label

from . import services
from .forms import CheckupPublishedForm, CheckupUploadForm
from .models import CheckupBatch, CheckupBatchStatus
from .output import FORMAT, SEVERITY

CAPABILITY = services.CAPABILITY
PUBLISHED_PREFIX = "pub"


def _scope_agencies(user):
    return scope_queryset(Agency.objects.filter(dissolved_on__isnull=True), user, CAPABILITY, "").order_by("path")


class CheckupIndexView(StaffRequiredMixin, TemplateView):
    """The batches of the user's scope, and the two ways to start one."""

    capability = CAPABILITY
    template_name = "report_checkup/index.html"

    def forms(self, data=None, files=None, source=None):
        agencies = _scope_agencies(self.request.user)
        upload = CheckupUploadForm(data if source == "upload" else None, files if source == "upload" else None,
                                 agencies=agencies)
        published = CheckupPublishedForm(data if source == "published" else None, agencies=agencies,
                                       prefix=PUBLISHED_PREFIX)
        return upload, published

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "upload_form" not in context:
            context["upload_form"], context["published_form"] = self.forms()
        batches = scope_queryset(CheckupBatch.objects.select_related("agency", "created_by"), self.request.user,
                                 CAPABILITY)
        context.update(batches=batches[:100], max_files=services.MAX_FILES,
                       max_mb=services.MAX_FILE_BYTES // 1024 // 1024)
        return context

    def post(self, request, *args, **kwargs):
        source = request.POST.get("source")
        upload, published = self.forms(request.POST, request.FILES, source)
        form = upload if source == "upload" else published if source == "published" else None
        if form is None:
            messages.error(request, "请选择体检的方式。")
            return redirect("report_checkup:index")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(upload_form=upload, published_form=published),
                                           status=400)
        data = form.cleaned_data
        try:
            if form is upload:
                batch = services.check_uploads(request.user, data["agency"], data["files"])
            else:
                batch = services.check_published(request.user, data["agency"], data.get("year"))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(upload_form=upload, published_form=published),
                                           status=400)
        if batch.status == CheckupBatchStatus.DONE:
            messages.success(request, f"体检完成：已处理 {batch.processed} / {batch.total} 份，其中 {batch.failed} 份无法读取。")
        else:
            messages.success(request, f"已开始体检 {batch.total} 份报告：在后台逐份处理，本页显示进度。")
        return redirect("report_checkup:batch", pk=batch.pk)


def _finding_rows(findings):
    return [{**f, "severity_label": SEVERITY.get(f.get("severity"), f.get("severity")), "label": check_label(f.get("code", "")),
             "cell_labels": [(c, services.cell_label(c)) for c in f.get("cells") or []]}
            for f in sorted(findings, key=lambda f: ({"error": 0, "warning": 1, "unread": 2}.get(f.get("severity"), 3),
                                                     f.get("code", "")))]


class CheckupBatchView(ScopedObjectMixin, TemplateView):
    capability = CAPABILITY
    model = CheckupBatch
    template_name = "report_checkup/batch.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.get_object()
        view = services.batch_view(batch, charts=batch.status == CheckupBatchStatus.DONE)
        for r in view.reports:
            r.format_label = FORMAT.get(r.format, r.format or "—")
            r.finding_rows = _finding_rows(r.result.get("findings", []))
        job = batch.job
        context.update(batch=batch, view=view, labels=services.KEY_FIGURE_LABELS, job=job,
                       running=batch.status == CheckupBatchStatus.PROCESSING,
                       job_failed=job is not None and job.state == "failed")
        return context


class _DownloadView(ScopedObjectMixin, View):
    capability = CAPABILITY
    model = CheckupBatch
    suffix = ""
    content_type = ""

    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        response = HttpResponse(services.export(batch, self.suffix), content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="checkup-{batch.pk}{self.suffix}"'
        return response


class CheckupXlsxView(_DownloadView):
    suffix = ".xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CheckupJsonView(_DownloadView):
    suffix = ".json"
    content_type = "application/json; charset=utf-8"
