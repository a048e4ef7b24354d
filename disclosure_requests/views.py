"""Workbench pages of 依申请公开: the queue, staff registration, the case page and one POST-only view per
transition. Cases are looked up through the user's scope (orgs.scoping); every change goes through
disclosure_requests.services, whose Chinese ValidationErrors are shown on the form that caused them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from audit.models import AuditEntry
from gongkai.privacy import mask
from orgs.scoping import (
    Capability,
    ScopedObjectMixin,
    StaffRequiredMixin,
    has_capability,
    scope_for,
    scope_queryset,
    scoped_agencies,
)
from orgs.views import apply_validation_error
from workdays.calendar import add_working_days

from . import messaging, notices, services
from .deadlines import confirmation_due_on, confirmation_overdue, working_days_left
from .forms import (
    ConfirmForm,
    CorrectionReceivedForm,
    CorrectionRequestForm,
    DateOnlyForm,
    ExtendForm,
    FeeNoticeForm,
    FeeSettledForm,
    LegacyReplyForm,
    NoticeDeliveryForm,
    NoticeIssueForm,
    NotificationTemplateForm,
    OnTheSpotForm,
    OpinionCloseForm,
    OpinionOpenForm,
    OpinionReceiptForm,
    QueueFilterForm,
    ReasonDecideForm,
    RegisterForm,
    ReleaseFilesForm,
    ReplyForm,
    ThirdPartyNoticeForm,
    TransferForm,
    WithdrawForm,
)
from .models import (
    OPEN_STATES,
    CaseFileKind,
    DeliveryMethod,
    DisclosureRequest,
    FeeNotice,
    NoticeKind,
    NotificationChannel,
    NotificationEvent,
    NotificationTemplate,
    OpinionKind,
    OpinionResult,
    Outcome,
    Regime,
    RequestState,
    SubmissionChannel,
)

CASE_OBJECT_TYPE = DisclosureRequest._meta.label_lower

# The audit trail's action codes, as the timeline shows them.
TIMELINE_LABELS = {
    "requests.submit": "网上提交申请", "requests.register": "登记申请", "requests.confirm": "确认收到申请",
    "requests.start": "开始办理", "requests.correction.request": "告知补正", "requests.correction.received": "收到补正申请",
    "requests.opinion.open": "征求意见", "requests.opinion.close": "征求意见结束", "requests.extend": "延长答复期限",
    "requests.reason.ask": "要求说明理由（第三十五条）", "requests.reason.accept": "认定理由合理",
    "requests.fee.notice": "发出收费通知", "requests.fee.settled": "缴费或减免", "requests.close": "办结",
    "requests.reply": "答复", "requests.withdraw": "申请人撤回", "requests.transfer": "转办",
    "requests.archive": "归档", "requests.redate": "工作日历变更，期限重算", "requests.promote": "转主动公开（第四十四条）",
    "requests.letter.issue": "出具文书", "requests.letter.deliver": "登记文书送达",
    "requests.opinion.receipt": "登记对方收到征求意见书日期",
    "requests.opinion.disclosure_notice": "书面告知第三方决定公开（第三十二条）",
    "requests.transfer.receive": "转办收到申请",
    "requests.files.release": "上传公开的信息", "requests.served.download": "申请人在线下载（送达）",
}
# A notice's audit entries: "disclosure_requests.letter" is what they were filed under before the model was
# renamed Notice (issue 14); the audit trail is append-only, so the old entries keep it.
NOTICE_OBJECT_TYPES = ("disclosure_requests.notice", "disclosure_requests.letter")


def visible_cases(user):
    return scope_queryset(DisclosureRequest.objects.select_related("agency"), user, Capability.REQUESTS_VIEW)


def annotate_days_left(cases, today):
    """Working days left for open cases (deadlines.working_days_left); the page shows them per row, and
    flags applications left in 待确认 beyond their confirmation day (第三十一条)."""
    for case in cases:
        case.days_left = working_days_left(case.due_on, today) if case.is_open and case.due_on else None
        case.overdue = bool(case.is_open and case.due_on and case.due_on < today)
        # Shown as "已逾期 N 个工作日": a positive count (days_left is negative when overdue).
        case.overdue_days = -case.days_left if case.overdue and case.days_left else None
        case.confirmation_overdue = confirmation_overdue(case, today)
    return cases


def confirmation_overdue_ids(cases, today) -> list[int]:
    """Ids of the 待确认 applications not confirmed in time (the filter of the queue; computed, not stored)."""
    submitted = cases.filter(state=RequestState.SUBMITTED).select_related(None)
    return [c.pk for c in submitted.only("pk", "state", "channel", "submitted_at") if confirmation_overdue(c, today)]


# --- Queue -----------------------------------------------------------------------------------------------


class QueueView(StaffRequiredMixin, TemplateView):
    capability = Capability.REQUESTS_VIEW
    template_name = "disclosure_requests/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        cases = visible_cases(user)
        years = sorted({d.year for d in cases.dates("submitted_at", "year")}, reverse=True)
        form = QueueFilterForm(self.request.GET or None, years=years,
                               agencies=scoped_agencies(user, Capability.REQUESTS_VIEW).order_by("path"))
        listed = cases
        if form.is_valid():
            data = form.cleaned_data
            if data["state"]:
                listed = listed.filter(state=data["state"])
            if data["overdue"]:
                listed = listed.filter(state__in=OPEN_STATES, due_on__lt=today)
            if data["confirmation_overdue"]:
                listed = listed.filter(pk__in=confirmation_overdue_ids(cases, today))
            if data["due_soon"]:  # the 待办 desk's "due within 5 working days"
                listed = listed.filter(state__in=OPEN_STATES, due_on__gte=today,
                                       due_on__lte=add_working_days(today, 5).day)
            if data["corrected"]:
                listed = listed.filter(state=RequestState.IN_PROGRESS, correction_received_on__isnull=False)
            if data["opinion_lapsed"]:
                listed = listed.filter(state__in=OPEN_STATES, opinion_requests__result=OpinionResult.PENDING,
                                       opinion_requests__reply_due_on__lt=today).distinct()
            if data["agency"]:
                listed = listed.filter(agency=data["agency"])
            if data["year"]:
                listed = listed.filter(Q(received_on__year=data["year"])
                                       | Q(received_on__isnull=True, submitted_at__year=data["year"]))
            if data["q"]:
                listed = listed.filter(tracking_number__icontains=data["q"].strip())
        # Open cases first, the most urgent on top; then the rest, newest first.
        listed = listed.annotate(open_rank=Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1),
                                                output_field=IntegerField()))
        listed = listed.order_by("open_rank", "due_on", "-submitted_at", "-id")
        page = Paginator(listed, 50).get_page(self.request.GET.get("page"))
        annotate_days_left(page.object_list, today)
        scope = scope_for(user, Capability.REQUESTS_VIEW)
        office_overdue = None
        if scope.everywhere or scope.subtree_paths:
            # 公开办: every overdue case of the subtree, whoever handles it.
            office_overdue = annotate_days_left(list(cases.filter(state__in=OPEN_STATES, due_on__lt=today)
                                                     .order_by("due_on", "id")[:200]), today)
        context.update(
            form=form,
            page=page,
            office_overdue=office_overdue,
            pending=annotate_days_left(list(cases.filter(state=RequestState.SUBMITTED).order_by("submitted_at", "id")[:100]),
                                       today),
            can_register=has_capability(user, Capability.REQUESTS_HANDLE),
            can_edit_templates=has_capability(user, Capability.REQUESTS_APPROVE_EXTENSION),
            reminder_wd=settings.GONGKAI_REMINDER_WD,
            today=today,
        )
        return context


# --- Registration ------------------------------------------------------------------------------------------


class RegisterView(StaffRequiredMixin, FormView):
    capability = Capability.REQUESTS_HANDLE
    template_name = "disclosure_requests/register.html"
    form_class = RegisterForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["agencies"] = (scoped_agencies(self.request.user, Capability.REQUESTS_HANDLE)
                              .active_on(timezone.localdate()).order_by("path"))
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        first, done = form.claim_token()
        if not first:  # the same form posted again (a double-click, a reload): never a second case
            case = visible_cases(self.request.user).filter(pk=done).first() if done else None
            if case is None:
                form.add_error(None, "该表单已提交，正在登记：请勿重复点击，稍后在办理队列中查看。")
                return self.form_invalid(form)
            messages.info(self.request, f"该申请已登记（受理编号 {case.tracking_number}），未重复登记。")
            return redirect("disclosure_requests:detail", pk=case.pk)
        try:
            case = services.register(
                agency=data["agency"], user=self.request.user, channel=form.service_channel,
                applicant=form.applicant_data(), submitted_on=data["submitted_on"],
                signed_for_on=data["signed_for_on"] if data["channel"] == "registered_mail" else None,
                via_email=data["channel"] == "email", **form.request_fields())
        except ValidationError as error:
            form.token_done(None)
            apply_validation_error(form, error)
            return self.form_invalid(form)
        except BaseException:
            form.token_done(None)
            raise
        form.token_done(case.pk)
        if case.state == RequestState.SUBMITTED:
            messages.success(self.request, f"已登记，受理编号 {case.tracking_number}。该渠道须与申请人确认后才算收到"
                                           "申请（第三十一条）：确认后请点击“确认收到”。")
        else:
            messages.success(self.request, f"已登记，受理编号 {case.tracking_number}，答复期限 {case.due_on}。")
        return redirect("disclosure_requests:detail", pk=case.pk)


# --- Case page and its actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Perms:
    handle: bool
    approve: bool
    draft: bool


@dataclass(frozen=True)
class Action:
    """One transition on the case page: its button, its form, when it is offered, and the service call."""

    key: str
    label: str
    perform: Callable
    available: Callable
    form: Callable | None = None
    success: str = "已保存。"
    help: str = ""


def _date_form(label, help_text=""):
    return lambda case, data=None, prefix=None: DateOnlyForm(data, prefix=prefix, label=label, help_text=help_text)


def _plain(form_class):
    return lambda case, data=None, prefix=None: form_class(data, prefix=prefix)


def _with_case(form_class):
    return lambda case, data=None, prefix=None: form_class(data, prefix=prefix, case=case)


def _has_fee_notice(case) -> bool:
    return FeeNotice.objects.filter(request=case).exists()


def _issue_fee_notice(request, case, d):
    # A case has one fee notice (FeeNotice.request is one-to-one); refuse a second one plainly rather
    # than let the database refuse it.
    if _has_fee_notice(case):
        raise ValidationError("本申请已发出过收费通知。")
    return services.issue_fee_notice(case, user=request.user, method=d["method"], served_on=d["served_on"],
                                     pages=d["pages"])


def _close_opinion(request, case, d):
    return services.close_opinion_request(d["opinion"], user=request.user, result=d["result"],
                                          answered_on=d["answered_on"], opinion_text=d["opinion_text"])


def _pending_opinions(case):
    return case.opinion_requests.filter(result=OpinionResult.PENDING)


def _objections(case):
    return case.opinion_requests.filter(kind=OpinionKind.THIRD_PARTY, result=OpinionResult.OBJECTION)


def _reply_form(case, data=None, prefix=None):
    # Cases under the 2008 条例 are answered with its reply types (the legacy table counts them).
    return (LegacyReplyForm if case.regime == Regime.R2008 else ReplyForm)(data, prefix=prefix, case=case)


def _reply(request, case, d):
    """The reply, then what goes with it: the released files (checked by the form already), and, when the
    applicant chose 在线下载, the 答复告知书 generated at once so that it can be downloaded from the case page."""
    case = services.reply(case, user=request.user, outcome=d.get("outcome", ""),
                          legacy_outcome=d.get("legacy_outcome", ""), legal_basis=d["legal_basis"],
                          reasons=d["reasons"], detail=d.get("detail", ""),
                          secondary_outcomes=d.get("secondary_outcomes", []), competent_agency=d["competent_agency"],
                          competent_agency_unknown=d["competent_agency_unknown"], on=d["on"],
                          close_opinions=d.get("close_opinions", False))
    if d.get("files"):
        services.add_release_files(case, user=request.user, files=d["files"])
    if case.delivery_method == DeliveryMethod.DOWNLOAD and not case.notices.filter(kind=NoticeKind.REPLY).exists():
        try:
            notices.render_notice(case, NoticeKind.REPLY, user=request.user)
        except (ValidationError, ImproperlyConfigured) as error:
            messages.warning(request, "答复告知书未能自动生成，请在“生成文书”中生成：" + "；".join(
                getattr(error, "messages", None) or [str(error)]))
    return case


def _issue_notice(request, case, d):
    from . import notices  # the 告知书 generator (python-docx, WeasyPrint) loads only when used

    try:
        return notices.render_notice(case, d["kind"], user=request.user)
    except ImproperlyConfigured as error:  # e.g. the PDF libraries are missing on this server
        raise ValidationError(str(error)) from error


def _record_delivery(request, case, d):
    return notices.record_delivery(d["notice"], d["method"], d["delivered_on"], d["reference"], user=request.user)


def _state(*states):
    return lambda case, perms: perms.handle and case.state in states


ACTIONS = [
    Action("confirm", "确认收到", available=_state(RequestState.SUBMITTED), form=_plain(ConfirmForm),
           perform=lambda r, c, d: services.confirm_receipt(c, user=r.user, confirmed_on=d["confirmed_on"]),
           success="已确认收到申请，答复期限开始计算。"),
    Action("start", "开始办理", available=_state(RequestState.REGISTERED),
           perform=lambda r, c, d: services.start_processing(c, user=r.user), success="已开始办理。"),
    Action("correction_request", "告知补正",
           available=lambda c, p: _state(RequestState.REGISTERED, RequestState.IN_PROGRESS)(c, p)
           and c.correction_requested_on is None,
           form=_with_case(CorrectionRequestForm),
           perform=lambda r, c, d: services.request_correction(c, user=r.user, items=d["items"],
                                                               correction_due_on=d.get("correction_due_on"),
                                                               on=d["on"]),
           success="已告知补正；答复期限自收到补正申请之日起重新计算。",
           help="第三十条：一次性告知全部需要补正的事项和合理的补正期限。"),
    Action("correction_received", "登记收到补正", available=_state(RequestState.AWAITING_CORRECTION),
           form=_plain(CorrectionReceivedForm),
           perform=lambda r, c, d: services.correction_received(c, user=r.user, on=d["on"], text=d["text"],
                                                                files=d["files"]),
           success="已登记收到补正，答复期限重新计算。"),
    Action("correction_lapsed", "按逾期不补正办结", available=_state(RequestState.AWAITING_CORRECTION),
           form=_date_form("办结日期", "补正期限届满，申请人无正当理由逾期不补正的，视为放弃申请（第三十条）。"),
           perform=lambda r, c, d: services.correction_lapsed(c, user=r.user, on=d["on"]),
           success="已按逾期不补正办结。"),
    Action("opinion_open", "征求意见", available=_state(RequestState.IN_PROGRESS), form=_plain(OpinionOpenForm),
           perform=lambda r, c, d: services.open_opinion_request(c, user=r.user, kind=d["kind"], addressee=d["addressee"],
                                                                 sent_on=d["sent_on"], received_on=d["received_on"]),
           success="已登记征求意见；征求意见所需时间不计入答复期限（第三十三条）。"),
    Action("opinion_receipt", "登记对方收到日期",
           available=lambda c, p: p.handle and c.is_open and _pending_opinions(c).exists(),
           form=_with_case(OpinionReceiptForm),
           perform=lambda r, c, d: services.record_opinion_receipt(d["opinion"], user=r.user,
                                                                   received_on=d["received_on"]),
           success="已登记对方收到征求意见书的日期。",
           help="对方收到日期可以后补；登记后按对方收到之日起15个工作日计算其答复期限，期满未答复的，期限中止至期满之日结束。"),
    Action("opinion_close", "登记征求意见结果",
           available=lambda c, p: p.handle and c.is_open and _pending_opinions(c).exists(),
           form=_with_case(OpinionCloseForm), perform=_close_opinion, success="已登记征求意见结果，期限恢复计算。"),
    Action("opinion_notice", "书面告知第三方决定公开",
           available=lambda c, p: _state(RequestState.IN_PROGRESS)(c, p) and _objections(c).exists(),
           form=_with_case(ThirdPartyNoticeForm),
           perform=lambda r, c, d: services.notify_third_party_of_disclosure(
               d["opinion"], user=r.user, content=d["content"], reasons=d["reasons"], on=d["on"]),
           success="已记录书面告知第三方；请生成“决定公开告知书（第三方）”并登记送达。",
           help="第三十二条：第三方不同意公开且有合理理由的，不予公开；认为不公开可能对公共利益造成重大影响而决定公开的，"
                "应将决定公开的政府信息内容和理由书面告知第三方，再予公开。"),
    Action("extend", "延长答复期限",
           available=lambda c, p: p.approve and _state(RequestState.IN_PROGRESS, RequestState.AWAITING_REASON)(c, p),
           form=_plain(ExtendForm),
           perform=lambda r, c, d: services.extend(c, user=r.user, working_days=d["working_days"], reason=d["reason"],
                                                   approved_on=d["approved_on"], notified_on=d["notified_on"]),
           success="已延长答复期限。", help="第三十三条：经政府信息公开工作机构负责人同意，延长最长不超过20个工作日；您作为批准人记录。"),
    Action("reason_ask", "要求说明理由",
           available=lambda c, p: _state(RequestState.IN_PROGRESS)(c, p) and c.regime == Regime.R2019,
           form=_date_form("要求说明理由日期", "第三十五条：申请数量、频次明显超过合理范围的，可以要求申请人说明理由。"),
           perform=lambda r, c, d: services.ask_reason(c, user=r.user, on=d["on"]), success="已要求申请人说明理由。"),
    Action("reason_decide", "认定理由", available=_state(RequestState.AWAITING_REASON), form=_plain(ReasonDecideForm),
           perform=lambda r, c, d: services.decide_reason(c, user=r.user, reasonable=d["reasonable"], on=d["on"],
                                                          custom_due_on=d["custom_due_on"], reasons=d["reasons"]),
           success="已认定。"),
    Action("fee_notice", "发出收费通知",
           available=lambda c, p: _state(RequestState.IN_PROGRESS)(c, p) and c.regime == Regime.R2019
           and not _has_fee_notice(c),
           form=_plain(FeeNoticeForm), perform=_issue_fee_notice, success="已发出收费通知。"),
    Action("fee_settled", "登记缴费或减免", available=_state(RequestState.AWAITING_FEE), form=_plain(FeeSettledForm),
           perform=lambda r, c, d: services.fee_settled(c, user=r.user, on=d["on"],
                                                        payment_reference=d["payment_reference"],
                                                        waiver_reason=d["waiver_reason"]),
           success="已登记，恢复办理。"),
    Action("fee_lapsed", "按逾期未缴费办结", available=_state(RequestState.AWAITING_FEE),
           form=_date_form("办结日期", "申请人逾期未缴纳信息处理费的，视为放弃申请。"),
           perform=lambda r, c, d: services.fee_lapsed(c, user=r.user, on=d["on"]), success="已按逾期未缴费办结。"),
    Action("reply", "答复并办结", available=_state(RequestState.REGISTERED, RequestState.IN_PROGRESS),
           form=_reply_form, perform=_reply,
           success="已答复并办结。", help="第三十六条：答复须载明办理结果、法律依据；拒绝的须说明理由。"),
    Action("on_the_spot", "当场答复",
           available=lambda c, p: _state(RequestState.REGISTERED)(c, p) and c.received_on == timezone.localdate(),
           form=_plain(OnTheSpotForm),
           perform=lambda r, c, d: services.answer_on_the_spot(
               c, user=r.user, outcome=d["outcome"], legal_basis=d["legal_basis"], reasons=d["reasons"],
               detail=d["detail"], competent_agency=d["competent_agency"],
               competent_agency_unknown=d["competent_agency_unknown"]),
           success="已当场答复并办结。", help="第三十三条第一款：能够当场答复的，应当当场予以答复。"),
    Action("withdraw", "登记撤回", available=_state(*OPEN_STATES), form=_plain(WithdrawForm),
           perform=lambda r, c, d: services.withdraw(c, user=r.user, on=d["on"], how=d["how"]),
           success="已登记撤回并办结。"),
    Action("transfer", "转办",
           available=_state(RequestState.SUBMITTED, RequestState.REGISTERED, RequestState.IN_PROGRESS),
           form=_with_case(TransferForm),
           perform=lambda r, c, d: services.transfer(c, user=r.user, to_agency=d["to_agency"], reason=d["reason"],
                                                     on=d["on"]),
           success="已转办。",
           help="所申请信息不属于本机关负责公开的，转至平台内负责公开的机关：本机关以“不属于本机关负责公开”答复并办结，"
                "告知申请人负责公开的机关（第三十六条第（五）项）；转至机关另行登记，计入其年度报告。尚未确认收到的申请整件转出。"),
    Action("notice_issue", "生成文书",
           available=lambda c, p: p.handle and c.received_on is not None and c.state != RequestState.ARCHIVED,
           form=_plain(NoticeIssueForm), perform=_issue_notice, success="文书已生成并归档。"),
    Action("notice_delivery", "登记送达",
           available=lambda c, p: p.handle and c.state != RequestState.ARCHIVED and c.notices.exists(),
           form=_with_case(NoticeDeliveryForm), perform=_record_delivery, success="已登记送达。"),
    Action("release_files", "上传公开的信息", available=_state(RequestState.CLOSED), form=_plain(ReleaseFilesForm),
           perform=lambda r, c, d: services.add_release_files(c, user=r.user, files=d["files"]),
           success="已上传；申请人选择在线下载的，可在办理进度页面下载。",
           help="第四十条：按申请人要求的形式提供；申请人选择“在线下载”的，其首次下载即为送达。"),
    Action("archive", "归档", available=_state(RequestState.CLOSED),
           perform=lambda r, c, d: services.archive(c, user=r.user), success="已归档。"),
]
ACTIONS_BY_KEY = {action.key: action for action in ACTIONS}


def _perms(user, case) -> Perms:
    return Perms(handle=has_capability(user, Capability.REQUESTS_HANDLE, case.agency),
                 approve=has_capability(user, Capability.REQUESTS_APPROVE_EXTENSION, case.agency),
                 draft=has_capability(user, Capability.CATALOG_DRAFT, case.agency))


def applicant_rows(case, reveal: bool):
    """The applicant as the case page shows it: in full to staff who may handle the case's agency,
    masked for everyone else in scope (gongkai.privacy.mask)."""
    person = case.applicant

    def shown(value, keep_start=1):
        # keep_end stays 1: gongkai.privacy.mask returns the whole text when keep_end is 0.
        return value if reveal else mask(value, keep_start, 1)

    rows = [("申请人类型", case.get_applicant_type_display()),
            ("姓名或名称", shown(person.name)),
            ("身份证明", f"{person.get_id_type_display()} {shown(person.id_number)}")]
    if person.legal_representative:
        rows.append(("法定代表人或负责人", shown(person.legal_representative)))
    if person.contact_person:
        rows.append(("联系人", shown(person.contact_person)))
    rows += [("联系电话", shown(person.phone, 3) or "—"),
             ("电子邮箱", shown(person.email) or "—"),
             ("通信地址", shown(person.address, 3) or "—"),
             ("邮政编码", (person.postcode if reveal else "*" * len(person.postcode)) or "—")]
    return rows


def _timeline(case):
    notice_ids = [str(pk) for pk in case.notices.values_list("pk", flat=True)]
    entries = list(AuditEntry.objects.filter(Q(object_type=CASE_OBJECT_TYPE, object_id=str(case.pk))
                                             | Q(object_type__in=NOTICE_OBJECT_TYPES, object_id__in=notice_ids))
                   .select_related("actor").order_by("at", "id"))
    for entry in entries:
        entry.label = TIMELINE_LABELS.get(entry.action) or entry.action_label
        after = entry.after or {}
        entry.due_after = after.get("due_on") if isinstance(after, dict) else None
    return entries


def render_case(request, case, failed: tuple[str, object] | None = None, status: int = 200):
    """The case page; after a refused action, the same page with that action's form, its input and its
    errors (so nothing typed is lost)."""
    user, today = request.user, timezone.localdate()
    case = (DisclosureRequest.objects.select_related("agency", "applicant", "handler", "transferred_from",
                                                     "transfer_of__agency")
            .prefetch_related("pauses", "extensions__approver", "opinion_requests").get(pk=case.pk))
    perms = _perms(user, case)
    actions = []
    for action in ACTIONS:
        if not action.available(case, perms):
            continue
        if failed and failed[0] == action.key:
            form = failed[1]
        else:
            form = action.form(case, prefix=action.key) if action.form else None
        actions.append({"action": action, "form": form, "open": bool(failed and failed[0] == action.key),
                        "url": reverse(f"disclosure_requests:{action.key}", kwargs={"pk": case.pk})})
    fee_notice = FeeNotice.objects.filter(request=case).first()
    days_left = working_days_left(case.due_on, today) if case.is_open and case.due_on else None
    promotable = services.promotable(case)
    context = {
        "case": case,
        "perms": perms,
        "reveal": perms.handle,
        "applicant_rows": applicant_rows(case, perms.handle),
        "days_left": days_left,
        "overdue_days": -days_left if days_left is not None and days_left < 0 else None,
        "overdue": bool(case.is_open and case.due_on and case.due_on < today),
        "actions": actions,
        "failed_form": failed[1] if failed else None,
        "failed_label": ACTIONS_BY_KEY[failed[0]].label if failed and failed[0] in ACTIONS_BY_KEY else "",
        "fee_notice": fee_notice,
        "timeline": _timeline(case),
        "promotable": promotable,
        "promoted": list(case.promoted_documents.order_by("id")) if promotable else [],
        "appeals": list(case.appeals.order_by("filed_on", "id")),
        "can_register_appeal": perms.handle,
        "secondary_labels": [Outcome(o).label for o in case.secondary_outcomes if o in Outcome.values],
        "needs_confirmation": SubmissionChannel(case.channel).needs_confirmation,
        "today": today,
        "confirmation_due_on": confirmation_due_on(case),
        "confirmation_overdue": confirmation_overdue(case, today),
        "objections": list(_objections(case)) if case.is_open else [],
        "transferred_to": DisclosureRequest.objects.filter(transfer_of=case).select_related("agency").first(),
        "can_see_transfer": visible_cases(user).filter(Q(transfer_of=case) | Q(transferred_to=case)).exists(),
        "correction_files": list(case.files.filter(kind=CaseFileKind.CORRECTION)),
        "release_files": list(case.files.filter(kind=CaseFileKind.RELEASE)),
        "notifications": list(case.notifications.all()),
    }
    return render(request, "disclosure_requests/detail.html", context, status=status)


class CaseScopedMixin(ScopedObjectMixin):
    model = DisclosureRequest
    capability = Capability.REQUESTS_VIEW

    def get_scope_queryset(self):
        return visible_cases(self.request.user)


class CaseDetailView(CaseScopedMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        return render_case(request, self.get_object())


class CaseActionView(CaseScopedMixin, View):
    """POST-only: one transition. The service checks the capability (403 when missing) and the rules; a
    refusal re-renders the case page with the form and the service's Chinese message."""

    http_method_names = ["post"]
    action: Action = None

    def post(self, request, pk):
        case = self.get_object()
        action = self.action
        form = action.form(case, data=request.POST, prefix=action.key) if action.form else None
        if form is not None:
            form.files = request.FILES  # the reply's released files, a 补正's material
        if form is not None and not form.is_valid():
            return render_case(request, case, failed=(action.key, form))
        try:
            action.perform(request, case, form.cleaned_data if form is not None else {})
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("disclosure_requests:detail", pk=case.pk)
            apply_validation_error(form, error)
            return render_case(request, case, failed=(action.key, form))
        messages.success(request, action.success)
        if not visible_cases(request.user).filter(pk=case.pk).exists():  # transferred out of the user's scope
            return redirect("disclosure_requests:index")
        return redirect("disclosure_requests:detail", pk=case.pk)


class PromoteView(CaseScopedMixin, View):
    """第四十四条: information disclosed on request that others will want too becomes a catalogue draft
    (publisher = the case's agency); the draft then goes through the normal review and publication."""

    http_method_names = ["post"]

    def post(self, request, pk):
        case = self.get_object()
        try:
            outcome = services.promote(case, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", None) or [str(error) or "无法创建草稿。"]:
                messages.error(request, message)
            return redirect("disclosure_requests:detail", pk=case.pk)
        messages.success(request, "已创建主动公开草稿，请补充正文后按流程送审发布。")
        for warning in outcome.warnings:
            messages.warning(request, warning)
        return redirect("catalog:detail", pk=outcome.document.pk)


class NoticeDownloadView(CaseScopedMixin, View):
    """A generated notice (?notice=<id>&format=docx|pdf). Notices name and address the applicant, so only
    staff who may handle the case's agency download them."""

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        case = self.get_object()
        if not has_capability(request.user, Capability.REQUESTS_HANDLE, case.agency):
            raise PermissionDenied("文书含申请人信息，仅限本机关承办人员下载。")
        notice_id = request.GET.get("notice", "")
        notice = case.notices.filter(pk=int(notice_id)).first() if notice_id.isdigit() else None
        if notice is None:
            messages.error(request, "请从文书列表中选择要下载的文书。")
            return redirect("disclosure_requests:detail", pk=case.pk)
        field = notice.pdf if request.GET.get("format") == "pdf" else notice.docx
        if not field:
            raise Http404("该文书没有此格式的文件。")
        try:
            handle = field.open("rb")
        except FileNotFoundError as exc:
            raise Http404("文书文件不存在。") from exc
        return FileResponse(handle, as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


class CaseFileDownloadView(CaseScopedMixin, View):
    """A file of the exchange (补正材料, 公开的信息) for the staff who handle the case's agency."""

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        case = self.get_object()
        if not has_capability(request.user, Capability.REQUESTS_HANDLE, case.agency):
            raise PermissionDenied("申请文件仅限本机关承办人员下载。")
        file_id = request.GET.get("file", "")
        item = case.files.filter(pk=int(file_id)).first() if file_id.isdigit() else None
        if item is None:
            messages.error(request, "请从申请页面的文件列表中选择要下载的文件。")
            return redirect("disclosure_requests:detail", pk=case.pk)
        try:
            handle = item.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("文件不存在。") from exc
        response = FileResponse(handle, as_attachment=True, filename=item.name)
        response["Cache-Control"] = "private, no-store"
        return response


class NotificationTemplatesView(StaffRequiredMixin, View):
    """通知申请人模板: the wording of each notice to the applicant (event × e-mail / SMS), edited by the 公开办
    负责人 (who approves extensions, Capability.REQUESTS_APPROVE_EXTENSION); platform-wide. A save is checked by
    messaging.save_template (syntax, allowed names, no tags that reach outside the text); 恢复默认 deletes the row."""

    capability = Capability.REQUESTS_APPROVE_EXTENSION
    http_method_names = ["get", "post"]

    def _rows(self, failed=None):
        stored = {(t.event, t.channel): t for t in NotificationTemplate.objects.select_related("updated_by")}
        rows = []
        for (event, channel), (subject, body) in messaging.DEFAULTS.items():
            row = stored.get((event, channel))
            key = f"{event}-{channel}"
            if failed and failed[0] == key:
                form = failed[1]
            else:
                form = NotificationTemplateForm(prefix=key, channel=channel, initial={
                    "subject": row.subject if row else subject, "body": row.body if row else body})
            rows.append({"key": key, "event": event, "channel": channel, "custom": row,
                         "label": f"{NotificationEvent(event).label}（{NotificationChannel(channel).label}）",
                         "form": form, "open": bool(failed and failed[0] == key)})
        return rows

    def _render(self, request, failed=None, status=200):
        return render(request, "disclosure_requests/notification_templates.html", {
            "rows": self._rows(failed), "names": messaging.CONTEXT_NAMES}, status=status)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        event, channel = request.POST.get("event", ""), request.POST.get("channel", "")
        if (event, channel) not in messaging.DEFAULTS:
            messages.error(request, "未知的通知模板。")
            return redirect("disclosure_requests:notification_templates")
        label = f"{NotificationEvent(event).label}（{NotificationChannel(channel).label}）"
        if request.POST.get("reset"):
            messaging.reset_template(event=event, channel=channel, user=request.user)
            messages.success(request, f"“{label}”已恢复为默认文字。")
            return redirect("disclosure_requests:notification_templates")
        key = f"{event}-{channel}"
        form = NotificationTemplateForm(request.POST, prefix=key, channel=channel)
        if form.is_valid():
            try:
                messaging.save_template(event=event, channel=channel, subject=form.cleaned_data.get("subject", ""),
                                        body=form.cleaned_data["body"], user=request.user)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"“{label}”的通知模板已保存，此后的通知按新文字发送。")
                return redirect("disclosure_requests:notification_templates")
        return self._render(request, failed=(key, form))
