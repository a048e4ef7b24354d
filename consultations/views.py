"""Workbench pages of 意见征集 and 回应关切 (/workbench/consultations/), scoped by INTERACTION_HANDLE."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import View

from catalog.models import Document
from orgs.scoping import Capability, ScopedObjectMixin, StaffRequiredMixin, scope_queryset, scoped_agencies
from orgs.transitions import TransitionView
from orgs.views import apply_validation_error

from . import conf, services, statistics
from .forms import (
    CloseForm,
    ConcernForm,
    ConsultationForm,
    DecideForm,
    EventForm,
    FeedbackForm,
    ModerateForm,
    PublishForm,
)
from .models import (
    CommentStatus,
    Consultation,
    ConsultationKind,
    OnlineInterview,
    PressConference,
    PublicConcernResponse,
)

CAP = Capability.INTERACTION_HANDLE


def _agencies(user):
    return scoped_agencies(user, CAP).order_by("path")


class IndexView(StaffRequiredMixin, View):
    capability = CAP
    http_method_names = ["get", "head"]

    def get(self, request):
        today = timezone.localdate()
        items = list(scope_queryset(Consultation.objects.select_related("agency", "feedback"), request.user, CAP))
        for c in items:
            c.phase, c.late = services.phase(c, today), services.feedback_overdue(c, today)
        return render(request, "consultations/index.html", {"items": items})


def _rules():
    """The minimum per kind with the rule that sets it (shown on the create page)."""
    return [(label, conf.rule_for(kind)) for kind, label in ConsultationKind.choices if conf.rule_for(kind)]


class CreateView(StaffRequiredMixin, View):
    capability = CAP
    http_method_names = ["get", "head", "post"]

    def get(self, request):
        return render(request, "consultations/create.html", {"form": ConsultationForm(agencies=_agencies(request.user)),
                                                             "rules": _rules()})

    def post(self, request):
        form = ConsultationForm(request.POST, agencies=_agencies(request.user))
        if form.is_valid():
            try:
                consultation = services.create_consultation(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "已创建，核对后请发布。")
                return redirect("consultations:detail", pk=consultation.pk)
        return render(request, "consultations/create.html", {"form": form, "rules": _rules()})


class ConsultationScopedMixin(ScopedObjectMixin):
    model = Consultation
    capability = CAP


def render_detail(request, consultation, failed=None, failed_key=""):
    consultation = Consultation.objects.select_related("agency", "final_document").get(pk=consultation.pk)
    comments = list(consultation.comments.all())
    for c in comments:
        c.failed_moderate, c.failed_decide = failed_key == f"moderate-{c.pk}", failed_key == f"decide-{c.pk}"
        c.moderate_form = (failed if failed_key == f"moderate-{c.pk}" else
                           ModerateForm(initial={"comment": c.pk, "approve": "1"}, prefix=f"m{c.pk}"))
        c.decide_form = (failed if failed_key == f"decide-{c.pk}" else
                         DecideForm(initial={"comment": c.pk, "adoption": c.adoption,
                                             "rejection_reason": c.rejection_reason}, prefix=f"d{c.pk}"))
    feedback = getattr(consultation, "feedback", None)
    return render(request, "consultations/detail.html", {
        "c": consultation, "comments": comments, "feedback": feedback,
        "phase": services.phase(consultation), "late": services.feedback_overdue(consultation),
        "period": services.period_of(consultation),
        "today_period": (services.check_period(consultation.kind, consultation.opens_on, consultation.closes_on,
                                               published_on=timezone.localdate())
                         if consultation.state == "draft" else None),
        "publish_form": failed if failed_key == "publish" else PublishForm(
            initial={"closes_on": consultation.closes_on, "shortening_reason": consultation.shortening_reason}),
        "feedback_form": failed if failed_key == "feedback" else FeedbackForm(),
        "close_form": failed if failed_key == "close" else CloseForm(), "failed_key": failed_key,
        "link_form": failed if failed_key == "link" else CloseForm(required=True),
        "pending": CommentStatus.PENDING, "approved": CommentStatus.APPROVED})


class DetailView(ConsultationScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        return render_detail(request, self.get_object())


class ConsultationTransitionView(ConsultationScopedMixin, TransitionView):
    """A button on the consultation's page; a refusal re-renders the page with this form open (key)."""

    detail_url_name = "consultations:detail"
    key = ""

    def failed_key(self, form) -> str:
        return self.key

    def render_failure(self, consultation, form):
        return render_detail(self.request, consultation, form, self.failed_key(form))


class PublishView(ConsultationTransitionView):
    """发布征集: the period is counted again from today; a short one needs a later closing day or a reason."""

    form_class, key, success_message = PublishForm, "publish", "已发布，公众可在征集期间提交意见。"

    def perform(self, form, consultation):
        data = form.cleaned_data
        services.publish_consultation(consultation, user=self.request.user, closes_on=data["closes_on"],
                                      shortening_reason=data["shortening_reason"])


class CommentActionView(ConsultationTransitionView):
    """Moderation and adoption of one comment (its id in the form, checked against this consultation)."""

    prefix = ""

    def post(self, request, pk):
        raw = next((v for k, v in request.POST.items() if k.endswith("-comment")), "")
        consultation = self.get_object()
        self.comment = consultation.comments.filter(pk=int(raw)).first() if str(raw).isdigit() else None
        if self.comment is None:
            return self.refuse(consultation, ValidationError("未找到该意见。"))
        return super().post(request, pk)

    def get_form_kwargs(self, consultation):
        return {"prefix": f"{self.prefix}{self.comment.pk}"}

    def failed_key(self, form):
        return f"{self.key}-{self.comment.pk}"


class ModerateView(CommentActionView):
    form_class, prefix, key = ModerateForm, "m", "moderate"

    def get_success_message(self, consultation, outcome):
        self.comment.refresh_from_db()
        if self.comment.status == "approved":
            return "该意见已通过审核，已在征集页面显示（个人信息已自动遮盖）。"
        return "该意见不予显示，理由已记录。"

    def perform(self, form, consultation):
        data = form.cleaned_data
        services.moderate_comment(self.comment, user=self.request.user, approve=data["approve"],
                                  reason=data["reason"])


class DecideView(CommentActionView):
    form_class, prefix, key = DecideForm, "d", "decide"

    def get_success_message(self, consultation, outcome):
        self.comment.refresh_from_db()
        return f"已登记采纳情况：{self.comment.get_adoption_display()}，公布反馈时将一并公开。"

    def perform(self, form, consultation):
        data = form.cleaned_data
        services.decide_comment(self.comment, user=self.request.user, adoption=data["adoption"],
                                rejection_reason=data["rejection_reason"])


class FeedbackView(ConsultationTransitionView):
    form_class, key, success_message = FeedbackForm, "feedback", "采纳情况反馈已公布。"

    def perform(self, form, consultation):
        services.publish_feedback(consultation, user=self.request.user, **form.cleaned_data)


class CloseView(ConsultationTransitionView):
    """结束征集 (CloseForm, key "close"); LinkDocumentView links the final document of a closed one later."""

    form_class, key, success_message = CloseForm, "close", "征集已结束。"

    def get_form_kwargs(self, consultation):
        return {"required": self.key == "link"}

    def perform(self, form, consultation):
        document = None
        number = form.cleaned_data["document_index"].strip()
        if number:
            document = Document.objects.filter(index_number=number).first()
            if document is None:
                raise ValidationError({"document_index": "未找到该索引号的政府信息。"})
        self.call(consultation, document)

    def call(self, consultation, document):
        services.close_consultation(consultation, user=self.request.user, final_document=document)


class LinkDocumentView(CloseView):
    """最终文件: the document adopted after the consultation, often published after it closed (links back)."""

    key, success_message = "link", "已关联最终文件。"

    def call(self, consultation, document):
        services.link_final_document(consultation, user=self.request.user, document=document)


class ResponsesView(StaffRequiredMixin, View):
    """回应关切, 新闻发布会, 在线访谈 records and the legacy 回应解读 rows they give for a year."""

    capability = CAP
    http_method_names = ["get", "head", "post"]
    FORMS = {"concern": ConcernForm, "press": EventForm, "interview": EventForm}

    def _render(self, request, forms=None, status=200):
        user = request.user
        agencies = _agencies(user)
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
        built = {key: cls(agencies=agencies, prefix=key) for key, cls in self.FORMS.items()}
        built.update(forms or {})
        concerns = list(scope_queryset(PublicConcernResponse.objects.select_related("agency"), user, CAP)[:50])
        for concern in concerns:
            concern.timers = services.timers(concern)
        cells = statistics.legacy_response_cells(agencies, year)
        return render(request, "consultations/responses.html", {
            "forms": built, "concerns": concerns, "year": year,
            "press": scope_queryset(PressConference.objects.select_related("agency"), user, CAP)[:50],
            "interviews": scope_queryset(OnlineInterview.objects.select_related("agency"), user, CAP)[:50],
            "legacy": [(cid, label, unit, cells[cid]) for cid, label, unit in statistics.LEGACY_ROWS]},
            status=status)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        kind = request.POST.get("kind", "")
        if kind not in self.FORMS:
            return self._render(request, status=400)
        form = self.FORMS[kind](request.POST, agencies=_agencies(request.user), prefix=kind)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "concern":
                    services.record_concern(user=request.user, **data)
                else:
                    services.record_event(PressConference if kind == "press" else OnlineInterview,
                                          user=request.user, **data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "已登记。")
                return redirect("consultations:responses")
        return self._render(request, {kind: form})
