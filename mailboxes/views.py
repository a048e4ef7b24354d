"""Workbench pages of 来信办理 (/workbench/letters/): the queue with due dates and the overdue and
3-month warnings, a letter's page with its actions, the statistics and the mailboxes. Letters are seen
by the staff of the handling agency and of the mailbox's agency (INTERACTION_HANDLE, scoped)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import TemplateView, View

from disclosure_requests.models import DisclosureRequest
from disclosure_requests.services import ApplicantData
from orgs.models import Agency
from orgs.scoping import (
    Capability,
    ScopedObjectMixin,
    StaffRequiredMixin,
    has_capability,
    scope_for,
    scope_queryset,
    scoped_agencies,
)
from orgs.transitions import TransitionView
from orgs.views import apply_validation_error

from . import deadlines, services, statistics
from .forms import (
    ApprovePublicationForm,
    AssignForm,
    ConvertForm,
    ExtendForm,
    FromRequestForm,
    MailboxForm,
    PublishForm,
    QueueFilterForm,
    ReplyForm,
    ReturnPublicationForm,
    ScreenForm,
    UnpublishForm,
)
from .models import POOR_RATINGS, Letter, LetterAttachment, LetterState, Mailbox

CAP = Capability.INTERACTION_HANDLE


def visible_letters(user):
    scope = scope_for(user, CAP)
    if scope.is_empty:
        return Letter.objects.none()
    return Letter.objects.filter(scope.q("agency") | scope.q("mailbox__agency")).select_related(
        "agency", "mailbox", "mailbox__agency", "reply_agency")


class QueueView(StaffRequiredMixin, TemplateView):
    capability = CAP
    template_name = "mailboxes/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        letters = visible_letters(self.request.user)
        form = QueueFilterForm(self.request.GET or None)
        view, letter_type, q = "open", "", ""
        if form.is_valid():
            view = form.cleaned_data["view"] or "open"
            letter_type, q = form.cleaned_data["letter_type"], form.cleaned_data["q"].strip()
        selected = {
            "open": deadlines.open_letters(letters),
            "unscreened": letters.filter(state=LetterState.SUBMITTED),
            "overdue": deadlines.overdue(letters, today),
            "veto": deadlines.veto_warnings(letters, today),
            "publication": services.awaiting_publication_review(letters, self.request.user),
            "poorly_rated": letters.filter(satisfaction__in=POOR_RATINGS),
            "answered": letters.filter(state=LetterState.ANSWERED),
            "invalid": letters.filter(state=LetterState.INVALID),
            "all": letters,
        }[view]
        if letter_type:
            selected = selected.filter(letter_type=letter_type)
        if q:
            selected = selected.filter(Q(number__iexact=q) | Q(subject__icontains=q))
        order = ("due_on", "received_on", "id") if view in ("open", "unscreened", "overdue", "veto") else (
            "-received_on", "-id")
        page = Paginator(selected.order_by(*order), 50).get_page(self.request.GET.get("page"))
        for letter in page:
            letter.standing = deadlines.standing(letter, today)
        context.update(form=form, page=page, view=view, today=today,
                       counts={"overdue": deadlines.overdue(letters, today).count(),
                               "veto": deadlines.veto_warnings(letters, today).count(),
                               "unscreened": letters.filter(state=LetterState.SUBMITTED).count()},
                       oldest=deadlines.oldest_unanswered(letters))
        return context


class LetterScopedMixin(ScopedObjectMixin):
    model = Letter
    capability = CAP

    def get_scope_queryset(self):
        return visible_letters(self.request.user)


def _assign_targets(user):
    # Any active agency may receive a transfer (a letter may concern another department entirely).
    return Agency.objects.active_on(timezone.localdate()).order_by("path")


def render_letter(request, letter, forms=None, open_action=""):
    letter = visible_letters(request.user).get(pk=letter.pk)
    today = timezone.localdate()
    can_handle = has_capability(request.user, CAP, letter.agency)
    body, reply_text = services.suggested_public_text(letter)
    defaults = {
        "screen": ScreenForm(initial={"letter_type": letter.letter_type}),
        "assign": AssignForm(agencies=_assign_targets(request.user)),
        "extend": ExtendForm(),
        "reply": ReplyForm(initial={"on": today}),
        "publish": PublishForm(initial={"public_body": letter.public_body or body,
                                        "public_reply": letter.public_reply or reply_text}),
        "approve_publication": ApprovePublicationForm(),
        "return_publication": ReturnPublicationForm(),
        "unpublish": UnpublishForm(),
        "convert": ConvertForm(initial={"name": letter.writer_name, "phone": letter.writer_phone,
                                        "email": letter.writer_email, "address": letter.writer_address,
                                        "applicant_type": "natural_person"}),
    }
    defaults.update(forms or {})
    state = letter.state
    actions = []
    if can_handle:
        if state in (LetterState.SUBMITTED, LetterState.IN_PROGRESS, LetterState.INVALID):
            actions.append(("screen", "甄别"))
        if state in (LetterState.SUBMITTED, LetterState.IN_PROGRESS) and letter.is_valid:
            actions.append(("assign", "交办或转办"))
        if state == LetterState.IN_PROGRESS:
            actions += [("extend", "延期"), ("reply", "答复")]
        if (state == LetterState.ANSWERED and letter.consent_to_publish and not letter.published_at
                and not letter.publication_pending):
            actions.append(("publish", "提请公开答复"))
        if letter.publication_pending and services.may_review_publication(letter, request.user):
            actions += [("approve_publication", "审核通过并公开"), ("return_publication", "退回公开申请")]
        if letter.published_at:
            actions.append(("unpublish", "撤下公开"))
        if state in (LetterState.SUBMITTED, LetterState.IN_PROGRESS) and has_capability(
                request.user, Capability.REQUESTS_HANDLE, letter.agency):
            actions.append(("convert", "转为政府信息公开申请"))
    return render(request, "mailboxes/detail.html", {
        "letter": letter, "standing": deadlines.standing(letter, today), "can_handle": can_handle,
        "may_review": services.may_review_publication(letter, request.user),
        "actions": [(key, label, defaults[key]) for key, label in actions], "open_action": open_action,
        "transfers": letter.transfers.select_related("from_agency", "to_agency", "by"),
        "attachments": letter.attachments.all(), "period": services.reply_period_wd(letter),
        "taken": deadlines.working_days_taken(letter)})


class DetailView(LetterScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        return render_letter(request, self.get_object())


class AttachmentView(LetterScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk, attachment_id):
        letter = self.get_object()
        attachment = LetterAttachment.objects.filter(letter=letter, pk=attachment_id).first()
        if attachment is None:
            raise Http404("未找到该附件。")
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)


class ActionView(LetterScopedMixin, TransitionView):
    """POST-only: one form, one service call; errors re-render the letter page with the form open."""

    detail_url_name = "mailboxes:detail"
    key = ""

    def call(self, letter, data):
        raise NotImplementedError

    def perform(self, form, letter):
        return self.call(letter, form.cleaned_data)

    def render_failure(self, letter, form):
        return render_letter(self.request, letter, {self.key: form}, open_action=self.key)


class ScreenView(ActionView):
    key, form_class = "screen", ScreenForm

    def get_success_message(self, letter, outcome):
        if outcome.is_valid:
            return f"已甄别为有效来信，答复期限 {outcome.due_on:%Y-%m-%d}。"
        return f"已甄别为无效来信（{outcome.get_invalid_reason_display()}），不计入答复时限。"

    def call(self, letter, data):
        return services.screen(letter, user=self.request.user, valid=data["valid"], reason=data["reason"],
                               note=data["note"], letter_type=data["letter_type"])


class AssignView(ActionView):
    key, form_class = "assign", AssignForm

    def get_success_message(self, letter, outcome):
        return f"已交办{outcome.agency.name}办理，答复期限不变（{outcome.due_on:%Y-%m-%d}）。"

    def get_form_kwargs(self, letter):
        return {"agencies": _assign_targets(self.request.user)}

    def call(self, letter, data):
        return services.assign(letter, user=self.request.user, to_agency=data["to_agency"], reason=data["reason"])


class ExtendView(ActionView):
    key, form_class = "extend", ExtendForm

    def get_success_message(self, letter, outcome):
        return f"已延长答复期限至 {outcome.due_on:%Y-%m-%d}。"

    def call(self, letter, data):
        return services.extend(letter, user=self.request.user, working_days=data["working_days"], reason=data["reason"])


class ReplyView(ActionView):
    key, form_class = "reply", ReplyForm

    def get_success_message(self, letter, outcome):
        late = outcome.due_on and outcome.replied_on > outcome.due_on
        return (f"已答复（{outcome.replied_on:%Y-%m-%d}，{'超过答复期限' if late else '在答复期限内'}），"
                "来信人可凭来信编号和查询码查看答复。")

    def call(self, letter, data):
        return services.reply(letter, user=self.request.user, text=data["text"], on=data["on"])


class PublishView(ActionView):
    key, form_class, success_message = "publish", PublishForm, "已提请公开，等待其他工作人员审核后公开。"

    def call(self, letter, data):
        services.propose_publication(letter, user=self.request.user, public_body=data["public_body"],
                                     public_reply=data["public_reply"])


class ApprovePublicationView(ActionView):
    key, form_class, success_message = "approve_publication", ApprovePublicationForm, "审核通过，答复已在门户网站公开。"

    def call(self, letter, data):
        services.approve_publication(letter, user=self.request.user)


class ReturnPublicationView(ActionView):
    key, form_class, success_message = "return_publication", ReturnPublicationForm, "已退回，答复未公开。"

    def call(self, letter, data):
        services.return_publication(letter, user=self.request.user, reason=data["reason"])


class UnpublishView(ActionView):
    key, form_class, success_message = "unpublish", UnpublishForm, "已从门户网站撤下本件来信和答复。"

    def call(self, letter, data):
        services.unpublish(letter, user=self.request.user, reason=data["reason"])


class ConvertView(ActionView):
    key, form_class, success_message = "convert", ConvertForm, "已转为政府信息公开申请（待确认）。"

    def call(self, letter, data):
        applicant = ApplicantData(applicant_type=data["applicant_type"], name=data["name"], id_type=data["id_type"],
                                  id_number=data["id_number"], phone=data["phone"], email=data["email"] or "",
                                  address=data["address"] or "")
        services.convert_to_request(letter, user=self.request.user, applicant=applicant,
                                    requested_form=data["requested_form"], delivery_method=data["delivery_method"])


class FromRequestView(ScopedObjectMixin, View):
    """条例 第三十九条: a request answered as 信访举报投诉类 becomes a letter (pk is the request's)."""

    model = DisclosureRequest
    capability = CAP
    http_method_names = ["get", "head", "post"]

    def _mailboxes(self):
        return scope_queryset(Mailbox.objects.filter(is_active=True), self.request.user, CAP).select_related("agency")

    def _render(self, case, form):
        return render(self.request, "mailboxes/from_request.html", {"case": case, "form": form})

    def get(self, request, pk):
        return self._render(self.get_object(), FromRequestForm(mailboxes=self._mailboxes()))

    def post(self, request, pk):
        case = self.get_object()
        form = FromRequestForm(request.POST, mailboxes=self._mailboxes())
        if form.is_valid():
            try:
                letter = services.letter_from_request(case, user=request.user, mailbox=form.cleaned_data["mailbox"],
                                                      letter_type=form.cleaned_data["letter_type"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"已转为来信 {letter.number}。")
                return redirect("mailboxes:detail", pk=letter.pk)
        return self._render(case, form)


class StatisticsView(StaffRequiredMixin, TemplateView):
    capability = CAP
    template_name = "mailboxes/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= today.year else today.year
        letters = visible_letters(self.request.user)
        total, months = statistics.yearly(letters, year, today)
        years = sorted({d.year for d in letters.dates("received_on", "year")} | {today.year}, reverse=True)
        context.update(year=year, years=years, total=total, months=months)
        return context


class MailboxesView(StaffRequiredMixin, View):
    capability = CAP
    http_method_names = ["get", "head", "post"]

    def _render(self, request, form):
        mailboxes = scope_queryset(Mailbox.objects.select_related("agency"), request.user, CAP)
        return render(request, "mailboxes/mailboxes.html", {"mailboxes": mailboxes, "form": form})

    def _form(self, data=None):
        return MailboxForm(data, agencies=scoped_agencies(self.request.user, CAP).order_by("path"))

    def get(self, request):
        return self._render(request, self._form())

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.create_mailbox(agency=data["agency"], user=request.user, code=data["code"],
                                        name=data["name"], kind=data["kind"], intro=data["intro"],
                                        reply_wd=data["reply_wd"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "信箱已创建。")
                return redirect("mailboxes:mailboxes")
        return self._render(request, form)
