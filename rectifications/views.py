"""Workbench pages of 更正申请 (/workbench/corrections/): the queue with due dates, a case with its evidence and
the four decisions, the 告知书, and the registration of a paper request. Seen by staff holding REQUESTS_HANDLE
on the agency (orgs.scoping)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import TemplateView, View

from orgs.models import Agency
from orgs.scoping import Capability, ScopedObjectMixin, StaffRequiredMixin, scope_for, scoped_agencies
from orgs.transitions import TransitionView
from orgs.views import apply_validation_error

from . import notices, services, statistics
from .forms import CorrectForm, ReferForm, RefuseForm, RegisterForm, TransferForm
from .models import RecordRectificationRequest, RectificationEvidence, RectificationState

CAP = Capability.REQUESTS_HANDLE
VIEWS = {"open": "办理中", "overdue": "已超期", "decided": "已办结", "all": "全部"}


def visible_cases(user):
    scope = scope_for(user, CAP)
    if scope.is_empty:
        return RecordRectificationRequest.objects.none()
    return RecordRectificationRequest.objects.filter(scope.q("agency")).select_related("agency")


class QueueView(StaffRequiredMixin, TemplateView):
    capability = CAP
    template_name = "rectifications/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        cases = visible_cases(self.request.user)
        view = self.request.GET.get("view") if self.request.GET.get("view") in VIEWS else "open"
        selected = {
            "open": cases.filter(state=RectificationState.RECEIVED).order_by("due_on", "id"),
            "overdue": cases.filter(state=RectificationState.RECEIVED, due_on__lt=today).order_by("due_on", "id"),
            "decided": cases.filter(state=RectificationState.DECIDED).order_by("-decided_on", "-id"),
            "all": cases.order_by("-received_on", "-id"),
        }[view]
        page = Paginator(selected, 50).get_page(self.request.GET.get("page"))
        context.update(page=page, view=view, views=VIEWS, today=today, year=today.year,
                       stats=statistics.compute(cases, today.year, today))
        return context


class CaseScopedMixin(ScopedObjectMixin):
    model = RecordRectificationRequest
    capability = CAP

    def get_scope_queryset(self):
        return visible_cases(self.request.user)


def _agencies_on_platform():
    return Agency.objects.active_on(timezone.localdate()).order_by("path")


def render_case(request, case, forms=None, open_action=""):
    case = visible_cases(request.user).select_related("transferred_to", "handler").get(pk=case.pk)
    today = timezone.localdate()
    defaults = {
        "correct": CorrectForm(initial={"on": today}),
        "refuse": RefuseForm(initial={"on": today}),
        "transfer": TransferForm(initial={"on": today}, agencies=_agencies_on_platform().exclude(pk=case.agency_id)),
        "refer": ReferForm(initial={"on": today}),
    }
    defaults.update(forms or {})
    labels = {"correct": "予以更正", "refuse": "不予更正", "transfer": "转送有权更正的机关", "refer": "告知向有权机关提出"}
    actions = [(key, label, defaults[key]) for key, label in labels.items()] if case.is_open else []
    origin = RecordRectificationRequest.objects.filter(transferred_to=case).select_related("agency").first()
    return render(request, "rectifications/detail.html", {
        "case": case, "actions": actions, "open_action": open_action, "today": today,
        "evidence_files": case.evidence_files.all(), "origin": origin,
        "notice": notices.compose(case) if case.decision else None})


class DetailView(CaseScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        return render_case(request, self.get_object())


class NoticePdfView(CaseScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        case = self.get_object()
        if not case.decision:
            raise Http404("本件更正申请尚未办结。")
        response = HttpResponse(notices.render_pdf(case), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{case.number}.pdf"'
        return response


class EvidenceView(CaseScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk, evidence_id):
        case = self.get_object()
        item = RectificationEvidence.objects.filter(request=case, pk=evidence_id).first()
        if item is None:
            raise Http404("未找到该证据材料。")
        return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name,
                            content_type=item.content_type)


class DecisionView(CaseScopedMixin, TransitionView):
    detail_url_name = "rectifications:detail"
    key = ""

    def perform(self, form, case):
        return self.decide(case, form.cleaned_data)

    def decide(self, case, data):
        raise NotImplementedError

    def render_failure(self, case, form):
        return render_case(self.request, case, {self.key: form}, open_action=self.key)


class CorrectView(DecisionView):
    key, form_class = "correct", CorrectForm
    success_message = "已办结：予以更正。请下载告知书送达申请人。"

    def decide(self, case, data):
        return services.correct(case, user=self.request.user, correction_made=data["correction_made"],
                                note=data["note"], on=data["on"])


class RefuseView(DecisionView):
    key, form_class = "refuse", RefuseForm
    success_message = "已办结：不予更正。请下载告知书送达申请人。"

    def decide(self, case, data):
        return services.refuse(case, user=self.request.user, reason=data["reason"], note=data["note"], on=data["on"])


class TransferView(DecisionView):
    key, form_class = "transfer", TransferForm

    def get_form_kwargs(self, case):
        return {"agencies": _agencies_on_platform().exclude(pk=case.agency_id)}

    def get_success_message(self, case, outcome):
        return f"已转送{outcome.competent_agency_name}办理，请下载告知书告知申请人。"

    def decide(self, case, data):
        return services.transfer(case, user=self.request.user, to_agency=data["to_agency"],
                                 to_agency_name=data["to_agency_name"], note=data["note"], on=data["on"])


class ReferView(DecisionView):
    key, form_class = "refer", ReferForm
    success_message = "已办结：告知申请人向有权更正的机关提出。请下载告知书送达申请人。"

    def decide(self, case, data):
        return services.refer(case, user=self.request.user, competent_agency_name=data["competent_agency_name"],
                              note=data["note"], on=data["on"])


class RegisterView(StaffRequiredMixin, View):
    """A 更正申请 received by letter or in person, typed in with the day it arrived."""

    capability = CAP
    http_method_names = ["get", "head", "post"]

    def _form(self, data=None, files=None):
        agencies = scoped_agencies(self.request.user, CAP)
        return RegisterForm(data, files, agencies=agencies, initial={"received_on": timezone.localdate()})

    def get(self, request):
        return render(request, "rectifications/register.html", {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.submit(agency=data["agency"], applicant=form.applicant(),
                                       record_description=data["record_description"], inaccuracy=data["inaccuracy"],
                                       evidence=data["evidence"], files=form.files_content(),
                                       related_request_number=data["related_request_number"],
                                       channel=data["channel"], received_on=data["received_on"], user=request.user)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"已登记更正申请 {case.number}，办理期限为 {case.due_on:%Y-%m-%d}。")
                return redirect("rectifications:detail", pk=case.pk)
        return render(request, "rectifications/register.html", {"form": form}, status=400)

