"""Workbench pages for 行政复议 / 行政诉讼 about disclosure (/workbench/appeals/): list, registration and the
result. Appeals are scoped by their respondent agency; every change goes through appeals.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.generic import FormView, TemplateView, View

from catalog.models import Document
from disclosure_requests.models import DisclosureRequest
from orgs.scoping import (
    Capability,
    ScopedObjectMixin,
    StaffRequiredMixin,
    has_capability,
    scope_queryset,
    scoped_agencies,
)
from orgs.transitions import TransitionView
from orgs.views import apply_validation_error

from . import services
from .forms import AppealFilterForm, AppealForm, DecideForm
from .models import Appeal, AppealKind, AppealResult


def visible_appeals(user):
    return scope_queryset(Appeal.objects.select_related("agency", "request", "document", "prior_review"), user,
                          Capability.REQUESTS_VIEW)


class AppealListView(StaffRequiredMixin, TemplateView):
    capability = Capability.REQUESTS_VIEW
    template_name = "appeals/appeal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        appeals = visible_appeals(user)
        years = sorted({d.year for d in appeals.dates("filed_on", "year")}, reverse=True)
        form = AppealFilterForm(self.request.GET or None, years=years,
                                agencies=scoped_agencies(user, Capability.REQUESTS_VIEW).order_by("path"))
        if form.is_valid():
            data = form.cleaned_data
            for name in ("kind", "result", "agency"):
                if data[name]:
                    appeals = appeals.filter(**{name: data[name]})
            if data["year"]:
                appeals = appeals.filter(filed_on__year=data["year"])
        context.update(form=form, page=Paginator(appeals.order_by("-filed_on", "-id"), 50).get_page(
            self.request.GET.get("page")), can_create=has_capability(user, Capability.REQUESTS_HANDLE))
        return context


class AppealCreateView(StaffRequiredMixin, FormView):
    capability = Capability.REQUESTS_HANDLE
    template_name = "appeals/appeal_form.html"
    form_class = AppealForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        kwargs["agencies"] = scoped_agencies(user, Capability.REQUESTS_HANDLE).order_by("path")
        kwargs["reviews"] = (scope_queryset(Appeal.objects.filter(kind=AppealKind.ADMIN_REVIEW), user,
                                            Capability.REQUESTS_HANDLE).select_related("agency").order_by("-filed_on"))
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        # Arriving from a case page (?request=<pk>): the case and its agency are filled in.
        pk = self.request.GET.get("request", "")
        if pk.isdigit():
            case = scope_queryset(DisclosureRequest.objects.all(), self.request.user,
                                  Capability.REQUESTS_HANDLE).filter(pk=int(pk)).first()
            if case is not None:
                initial.update(agency=case.agency_id, request_number=case.tracking_number or "")
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user
        request_case = document = None
        if data["request_number"]:
            request_case = scope_queryset(DisclosureRequest.objects.all(), user, Capability.REQUESTS_VIEW).filter(
                tracking_number=data["request_number"]).first()
            if request_case is None:
                form.add_error("request_number", "未找到该受理编号的申请（或您无权查看）。")
        if data["document_index"]:
            document = Document.objects.filter(index_number=data["document_index"]).first()
            if document is None:
                form.add_error("document_index", "未找到该索引号的政府信息。")
        if form.errors:
            return self.form_invalid(form)
        try:
            appeal = services.create_appeal(agency=data["agency"], user=user, kind=data["kind"],
                                            subject=data["subject"], body=data["body"],
                                            case_number=data["case_number"], filed_on=data["filed_on"],
                                            request=request_case, document=document,
                                            prior_review=data["prior_review"])
        except ValidationError as error:
            _apply(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "已登记。")
        return redirect("appeals:detail", pk=appeal.pk)


def _apply(form, error):
    """Service errors name model fields; the form names the request and document by number."""
    if hasattr(error, "error_dict"):
        renamed = {{"request": "request_number", "document": "document_index"}.get(k, k): v
                   for k, v in error.error_dict.items()}
        error = ValidationError(renamed)
    apply_validation_error(form, error)


class AppealScopedMixin(ScopedObjectMixin):
    model = Appeal
    capability = Capability.REQUESTS_VIEW

    def get_scope_queryset(self):
        return visible_appeals(self.request.user)


def render_appeal(request, appeal, form=None):
    appeal = visible_appeals(request.user).get(pk=appeal.pk)
    can_decide = has_capability(request.user, Capability.REQUESTS_HANDLE, appeal.agency)
    if form is None and can_decide:
        form = DecideForm(initial={"result": appeal.result, "decided_on": appeal.decided_on,
                                   "decision_summary": appeal.decision_summary})
    return render(request, "appeals/appeal_detail.html", {
        "appeal": appeal, "form": form, "can_decide": can_decide,
        "lawsuits": appeal.lawsuits.order_by("filed_on"), "pending": AppealResult.PENDING})


class AppealDetailView(AppealScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        return render_appeal(request, self.get_object())


class AppealDecideView(AppealScopedMixin, TransitionView):
    detail_url_name = "appeals:detail"
    form_class = DecideForm

    def get_success_message(self, appeal, outcome):
        appeal.refresh_from_db()
        return f"已登记{appeal.get_kind_display()}结果：{appeal.get_result_display()}。"

    def perform(self, form, appeal):
        data = form.cleaned_data
        services.decide_appeal(appeal, user=self.request.user, result=data["result"], decided_on=data["decided_on"],
                               decision_summary=data["decision_summary"], case_number=data["case_number"])

    def render_failure(self, appeal, form):
        return render_appeal(self.request, appeal, form)
