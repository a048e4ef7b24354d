"""The one place where a disclosure request changes state (regulation-rules.md §5).

Every transition checks the actor's capability for the case's agency, runs in a transaction, recomputes
the due date through the working-day calendar and writes the audit trail (personal data masked)."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record
from gongkai.privacy import identity_key
from orgs.scoping import Capability, has_capability, require_capability
from orgs.sequences import next_serial
from workdays.calendar import add_working_days

from . import deadlines, fees
from .identity import identity_error
from .models import (
    LEGACY_TO_OUTCOME,
    OPEN_STATES,
    OUTCOMES_NEEDING_REASONS,
    Applicant,
    ApplicantType,
    ClockPause,
    DisclosureRequest,
    Extension,
    FeeMethod,
    FeeNotice,
    LegacyOutcome,
    OpinionKind,
    OpinionRequest,
    OpinionResult,
    Outcome,
    OutcomeDetail,
    PauseKind,
    Regime,
    RequestState,
    SubmissionChannel,
    TrackingCounter,
)

LOOKUP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class DuplicateSubmission(ValidationError):
    def __init__(self, existing: DisclosureRequest):
        super().__init__(f"您在 {settings.GONGKAI_DUPLICATE_WINDOW_MINUTES} 分钟内已提交过内容相同的申请"
                         f"（{existing.tracking_number or '待确认'}），请勿重复提交。")
        self.existing = existing


@dataclass(frozen=True)
class ApplicantData:
    applicant_type: str
    name: str
    id_type: str
    id_number: str
    phone: str
    email: str = ""
    address: str = ""
    postcode: str = ""
    legal_representative: str = ""
    contact_person: str = ""


def _require(user, capability, request_or_agency):
    if user is None:  # the public form, commands and tasks act as the system (audit.context.acting_as)
        return
    agency = getattr(request_or_agency, "agency", request_or_agency)
    require_capability(user, capability, agency)


def regime_for(received_on: date | None) -> str:
    cutover = date.fromisoformat(settings.GONGKAI_REGIME_CUTOVER)
    return Regime.R2008 if received_on is not None and received_on < cutover else Regime.R2019


def _validate_applicant(data: ApplicantData) -> None:
    errors = {}
    if data.applicant_type not in ApplicantType.values:
        errors["applicant_type"] = "请选择申请人类型。"
    if not data.name.strip():
        errors["name"] = "请填写申请人姓名或名称。"
    if problem := identity_error(data.id_type, data.id_number):
        errors["id_number"] = problem
    if data.applicant_type == ApplicantType.NATURAL_PERSON and data.id_type == "credit_code":
        errors["id_type"] = "自然人请填写个人身份证件。"
    if data.applicant_type in ApplicantType.values and ApplicantType(data.applicant_type).is_organisation \
            and data.id_type != "credit_code":
        errors["id_type"] = "法人或其他组织请填写统一社会信用代码。"
    if not data.phone.strip() and not data.email.strip():
        errors["phone"] = "请至少填写联系电话或电子邮箱之一。"
    if errors:
        raise ValidationError(errors)


def _applicant_for(data: ApplicantData) -> Applicant:
    """One identity across requests (the natural-month fee counter groups by it); contact details are
    refreshed from the newest submission."""
    key = identity_key(data.id_number)
    applicant = Applicant.objects.filter(id_key=key, applicant_type=data.applicant_type).order_by("-id").first()
    if applicant is None:
        applicant = Applicant(id_key=key)
    for name in ("applicant_type", "name", "id_type", "id_number", "phone", "email", "address", "postcode",
                 "legal_representative", "contact_person"):
        setattr(applicant, name, getattr(data, name).strip() if isinstance(getattr(data, name), str)
                else getattr(data, name))
    applicant.id_number = "".join(applicant.id_number.split()).upper()
    applicant.save()
    return applicant


def _issue_tracking_number(case: DisclosureRequest, year: int) -> None:
    serial = next_serial(TrackingCounter, agency_id=case.agency_id, year=year)
    case.tracking_number = f"{case.agency.code.upper()}-{year}-{serial:04d}"


def _refresh_deadline(case: DisclosureRequest) -> None:
    deadline = deadlines.compute(case)
    case.due_on, case.due_trace, case.due_confirmed = deadline.due_on, deadline.trace, deadline.confirmed


def _save(case: DisclosureRequest, action: str, *, before_state: str | None = None, note: str = "", **after) -> None:
    if case.pk is None:
        case.save()  # the deadline reads the case's pauses and extensions, which need a saved case
    _refresh_deadline(case)
    case.save()
    record(f"requests.{action}", case, before={"state": before_state} if before_state else None,
           after={"state": case.state, "due_on": case.due_on, **after}, note=note)


def _lock(case: DisclosureRequest) -> DisclosureRequest:
    return DisclosureRequest.objects.select_for_update().select_related("agency", "applicant").get(pk=case.pk)


def _expect(case: DisclosureRequest, *states: str, action: str) -> None:
    if case.state not in states:
        raise ValidationError(f"当前状态为“{case.get_state_display()}”，不能{action}。")


# --- Intake -------------------------------------------------------------------------------------------


@transaction.atomic
def submit_online(*, agency, applicant: ApplicantData, description: str, requested_form: str,
                  delivery_method: str, purpose: str = "", accessibility_assistance: bool = False,
                  via_email: bool = False, account=None) -> DisclosureRequest:
    """The public form (no login needed). The case waits in 待确认 until staff confirm receipt (第三十一条(三)).
    A second identical submission within the duplicate window is refused, not silently doubled."""
    agency.require_accepts_disclosure_requests()  # 条例 第五十四条: a 事业单位 only when authorised by law
    if not (description or "").strip():
        raise ValidationError({"description": "请填写所需政府信息的名称、文号或特征性描述。"})
    _validate_applicant(applicant)
    key = identity_key(applicant.id_number)
    window = timezone.now() - timedelta(minutes=settings.GONGKAI_DUPLICATE_WINDOW_MINUTES)
    existing = (DisclosureRequest.objects.filter(agency=agency, applicant__id_key=key, submitted_at__gte=window,
                                                 description=description.strip()).order_by("-id").first())
    if existing:
        raise DuplicateSubmission(existing)
    person = _applicant_for(applicant)
    if account is not None and person.account_id is None:
        person.account = account
        person.save(update_fields=["account"])
    case = DisclosureRequest(
        agency=agency, applicant=person, applicant_type=applicant.applicant_type, channel=SubmissionChannel.ONLINE,
        via_email=via_email, state=RequestState.SUBMITTED, description=description.strip(), purpose=purpose.strip(),
        requested_form=requested_form, delivery_method=delivery_method,
        accessibility_assistance=accessibility_assistance, submitted_at=timezone.now(),
        lookup_code="".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8)))
    case.full_clean(exclude=["applicant", "agency", "handler", "parent", "transferred_from"])
    # The tracking number is issued at once so the applicant can follow the case; the clock starts later.
    _issue_tracking_number(case, timezone.localdate().year)
    _save(case, "submit", note="网上申请")
    return case


@transaction.atomic
def register(*, agency, user=None, channel: str, applicant: ApplicantData, description: str, requested_form: str,
             delivery_method: str, submitted_on: date, signed_for_on: date | None = None,
             accessibility_assistance: bool = False, purpose: str = "", via_email: bool = False) -> DisclosureRequest:
    """Staff entry for every other channel. 当面 / 口头: received on the day of submission (口头: the day the
    form is filled in for the applicant, INFERRED); 挂号信: the day it is signed for; 平信 / 传真 / 电子邮件:
    registered as 待确认 until the confirmation with the applicant is recorded (第三十一条)."""
    _require(user, Capability.REQUESTS_HANDLE, agency)
    agency.require_accepts_disclosure_requests()  # 条例 第五十四条: a 事业单位 only when authorised by law
    if channel not in SubmissionChannel.values:
        raise ValidationError({"channel": "请选择申请渠道。"})
    if not (description or "").strip():
        raise ValidationError({"description": "请填写所需政府信息的名称、文号或特征性描述。"})
    _validate_applicant(applicant)
    channel = SubmissionChannel(channel)
    if channel == SubmissionChannel.REGISTERED_MAIL and signed_for_on is None:
        raise ValidationError({"signed_for_on": "挂号邮寄的申请以签收之日为收到申请之日，请填写签收日期。"})
    today = timezone.localdate()
    if submitted_on > today or (signed_for_on and signed_for_on > today):
        raise ValidationError("日期不能晚于今天。")
    person = _applicant_for(applicant)
    case = DisclosureRequest(
        agency=agency, applicant=person, applicant_type=applicant.applicant_type, channel=channel,
        via_email=via_email and channel == SubmissionChannel.ONLINE, description=description.strip(), purpose=purpose.strip(), requested_form=requested_form,
        delivery_method=delivery_method, accessibility_assistance=accessibility_assistance,
        submitted_at=timezone.make_aware(datetime.combine(submitted_on, datetime.min.time())),
        handler=user if getattr(user, "pk", None) else None,
        lookup_code="".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8)))
    if channel.needs_confirmation:
        case.state = RequestState.SUBMITTED
        _issue_tracking_number(case, submitted_on.year)
    else:
        received = signed_for_on if channel == SubmissionChannel.REGISTERED_MAIL else submitted_on
        _receive(case, received)
    case.full_clean(exclude=["applicant", "agency", "handler", "parent", "transferred_from"])
    _save(case, "register", note=channel.label)
    return case


def _receive(case: DisclosureRequest, received_on: date) -> None:
    case.received_on = received_on
    case.clock_start_on = received_on
    case.regime = regime_for(received_on)
    case.state = RequestState.REGISTERED
    if not case.tracking_number:
        _issue_tracking_number(case, received_on.year)


@transaction.atomic
def confirm_receipt(case: DisclosureRequest, *, user=None, confirmed_on: date) -> DisclosureRequest:
    """第三十一条(二)(三): for plain letters, online and fax, the day both sides confirm is the day of receipt."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.SUBMITTED, action="确认收到")
    if confirmed_on > timezone.localdate():
        raise ValidationError("确认日期不能晚于今天。")
    if confirmed_on < timezone.localtime(case.submitted_at).date():
        raise ValidationError("确认日期不能早于提交日期。")
    case.confirmed_at = timezone.now()
    _receive(case, confirmed_on)
    if case.handler_id is None and getattr(user, "pk", None):
        case.handler = user
    _save(case, "confirm", before_state=RequestState.SUBMITTED, received_on=confirmed_on)
    return case


@transaction.atomic
def start_processing(case: DisclosureRequest, *, user=None) -> DisclosureRequest:
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.REGISTERED, action="开始办理")
    case.state = RequestState.IN_PROGRESS
    _save(case, "start", before_state=RequestState.REGISTERED)
    return case


# --- 补正 (第三十条) ------------------------------------------------------------------------------------


@transaction.atomic
def request_correction(case: DisclosureRequest, *, user=None, items: str, correction_due_on: date,
                       on: date | None = None) -> DisclosureRequest:
    """第三十条: once, listing every item and a reasonable period; due within 7 working days of receipt —
    a later notice is allowed but recorded as late."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.REGISTERED, RequestState.IN_PROGRESS, action="告知补正")
    if case.correction_requested_on is not None:
        raise ValidationError("补正告知只能一次性作出（第三十条），本申请已告知过补正。")
    if not (items or "").strip():
        raise ValidationError({"items": "请逐项列明需要补正的事项。"})
    on = on or timezone.localdate()
    if on < case.received_on:
        raise ValidationError("补正告知日期不能早于收到申请之日。")
    if correction_due_on <= on:
        raise ValidationError({"correction_due_on": "补正期限应晚于告知日期。"})
    before = case.state
    case.correction_requested_on = on
    case.correction_items = items.strip()
    case.correction_due_on = correction_due_on
    case.correction_notice_late = case.regime == Regime.R2019 and on > deadlines.correction_notice_deadline(case)
    case.state = RequestState.AWAITING_CORRECTION
    _save(case, "correction.request", before_state=before, correction_due_on=correction_due_on,
          note="补正告知晚于收到申请后7个工作日" if case.correction_notice_late else "")
    return case


@transaction.atomic
def correction_received(case: DisclosureRequest, *, user=None, on: date) -> DisclosureRequest:
    """第三十条: the reply period runs again, in full, from the receipt of the corrected application."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.AWAITING_CORRECTION, action="登记补正")
    if on < case.correction_requested_on:
        raise ValidationError("收到补正的日期不能早于补正告知日期。")
    case.correction_received_on = on
    case.clock_start_on = on
    case.state = RequestState.IN_PROGRESS
    _save(case, "correction.received", before_state=RequestState.AWAITING_CORRECTION, correction_received_on=on)
    return case


@transaction.atomic
def correction_lapsed(case: DisclosureRequest, *, user=None, on: date | None = None) -> DisclosureRequest:
    """第三十条: no correction within the period and no 正当理由 → deemed abandoned, outcome 三(六)1."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.AWAITING_CORRECTION, action="按逾期不补正办结")
    on = on or timezone.localdate()
    if on <= case.correction_due_on:
        raise ValidationError(f"补正期限 {case.correction_due_on} 尚未届满。")
    return _close(case, Outcome.OTHER_NO_CORRECTION, on, legal_basis="《中华人民共和国政府信息公开条例》第三十条",
                  reasons="申请人无正当理由逾期不补正，视为放弃申请。")


# --- 征求意见 (第三十二条, 第三十四条) ----------------------------------------------------------------------


@transaction.atomic
def open_opinion_request(case: DisclosureRequest, *, user=None, kind: str, addressee: str, sent_on: date,
                         received_on: date | None = None) -> OpinionRequest:
    """The time needed for the opinion is not counted in the reply period (第三十三条第三款): a pause from the
    day the letter goes out. The other side has 15 working days from its receipt."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.IN_PROGRESS, action="征求意见")
    if kind not in OpinionKind.values:
        raise ValidationError("请选择征求意见的对象。")
    if sent_on < case.clock_start_on:
        raise ValidationError("征求意见书的发出日期不能早于答复期限起算日。")
    pause = ClockPause.objects.create(request=case, kind=PauseKind.THIRD_PARTY_OPINION if kind == OpinionKind.THIRD_PARTY
                                      else PauseKind.AGENCY_OPINION, start=sent_on, note=addressee)
    opinion = OpinionRequest(request=case, kind=kind, addressee=addressee.strip(), sent_on=sent_on,
                             received_on=received_on, pause=pause)
    if received_on:
        opinion.reply_due_on = add_working_days(received_on, settings.GONGKAI_OPINION_WD).day
    opinion.save()
    _save(case, "opinion.open", kind=kind, sent_on=sent_on)
    return opinion


@transaction.atomic
def close_opinion_request(opinion: OpinionRequest, *, user=None, result: str, answered_on: date,
                          opinion_text: str = "") -> OpinionRequest:
    """Ends the pause. A third party's silence is not consent (第三十二条: the agency decides); another
    agency's silence is consent (第三十四条)."""
    case = _lock(opinion.request)
    _require(user, Capability.REQUESTS_HANDLE, case)
    opinion = OpinionRequest.objects.select_for_update().get(pk=opinion.pk)
    _expect(case, RequestState.IN_PROGRESS, action="结束征求意见")
    if opinion.result != OpinionResult.PENDING:
        raise ValidationError("该征求意见已经结束。")
    if result not in OpinionResult.values or result == OpinionResult.PENDING:
        raise ValidationError("请选择征求意见的结果。")
    if answered_on < opinion.sent_on:
        raise ValidationError("答复日期不能早于发出日期。")
    if result == OpinionResult.LAPSED and (opinion.reply_due_on is None or answered_on <= opinion.reply_due_on):
        raise ValidationError("只有在对方收到征求意见书15个工作日后仍未答复，才能按逾期处理。")
    opinion.result = OpinionResult.CONSENT if result == OpinionResult.LAPSED and opinion.silence_means_consent \
        else result
    opinion.answered_on = answered_on
    opinion.opinion = opinion_text.strip()
    opinion.save()
    ClockPause.objects.filter(pk=opinion.pause_id).update(end=answered_on)
    _save(case, "opinion.close", result=opinion.result, answered_on=answered_on,
          note="逾期未答复，视为同意公开（第三十四条）" if result == OpinionResult.LAPSED and opinion.silence_means_consent
          else ("第三方逾期未提出意见，由本机关依法决定（第三十二条）" if result == OpinionResult.LAPSED else ""))
    return opinion


# --- 延期 (第三十三条) ------------------------------------------------------------------------------------


@transaction.atomic
def extend(case: DisclosureRequest, *, user, working_days: int, reason: str, approved_on: date,
           notified_on: date) -> Extension:
    """At most 20 working days in total (15 in the 2008 regime), approved by the head of the disclosure
    office and notified to the applicant before the current period ends (INFERRED)."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    if not has_capability(user, Capability.REQUESTS_APPROVE_EXTENSION, case.agency):
        raise PermissionDenied("延长答复期限须经政府信息公开工作机构负责人同意（第三十三条）。")
    _expect(case, RequestState.IN_PROGRESS, RequestState.AWAITING_REASON, action="延长答复期限")
    used = sum(e.working_days for e in case.extensions.all())
    limit = deadlines.max_extension(case)
    if working_days < 1 or used + working_days > limit:
        raise ValidationError(f"延长的期限最长不得超过 {limit} 个工作日（已延长 {used} 个工作日）。")
    if not (reason or "").strip():
        raise ValidationError("请说明延长答复期限的理由。")
    if case.due_on and (approved_on > case.due_on or notified_on > case.due_on):
        raise ValidationError(f"延期须在原答复期限 {case.due_on} 届满前批准并告知申请人。")
    if notified_on < approved_on:
        raise ValidationError("告知日期不能早于批准日期。")
    extension = Extension.objects.create(request=case, working_days=working_days, reason=reason.strip(),
                                         approver=user, approved_on=approved_on, notified_on=notified_on)
    _save(case, "extend", working_days=working_days, approved_on=approved_on)
    return extension


# --- 第三十五条 --------------------------------------------------------------------------------------------


@transaction.atomic
def ask_reason(case: DisclosureRequest, *, user=None, on: date) -> DisclosureRequest:
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.IN_PROGRESS, action="要求说明理由")
    case.reason_requested_on = on
    case.state = RequestState.AWAITING_REASON
    _save(case, "reason.ask", before_state=RequestState.IN_PROGRESS)
    return case


@transaction.atomic
def decide_reason(case: DisclosureRequest, *, user=None, reasonable: bool, on: date,
                  custom_due_on: date | None = None, reasons: str = "") -> DisclosureRequest:
    """第三十五条: an unreasonable reason → 不予处理 (三(五)4); a reasonable one → continue, with a later
    reasonable date when the 第三十三条 period cannot be met."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.AWAITING_REASON, action="认定理由")
    if on < case.received_on:
        raise ValidationError("认定日期不能早于收到申请之日。")
    if not reasonable:
        return _close(case, Outcome.NOT_PROCESSED_EXCESSIVE, on,
                      legal_basis="《中华人民共和国政府信息公开条例》第三十五条",
                      reasons=reasons or "申请人申请公开政府信息的数量、频次明显超过合理范围，所说明的理由不合理。")
    if custom_due_on is not None and case.due_on and custom_due_on <= case.due_on:
        raise ValidationError("延迟答复的合理期限应晚于原答复期限。")
    case.custom_due_on = custom_due_on
    case.state = RequestState.IN_PROGRESS
    _save(case, "reason.accept", before_state=RequestState.AWAITING_REASON, custom_due_on=custom_due_on)
    return case


# --- 信息处理费 --------------------------------------------------------------------------------------------


def monthly_ordinal(case: DisclosureRequest) -> int:
    """The position of this application among the applicant's applications received in the same natural
    month across the agency (国办函〔2020〕109号 第四条)."""
    month_start = case.received_on.replace(day=1)
    return (DisclosureRequest.objects.filter(agency=case.agency, applicant__id_key=case.applicant.id_key,
                                             received_on__gte=month_start)
            .filter(received_on__lt=case.received_on).count()
            + DisclosureRequest.objects.filter(agency=case.agency, applicant__id_key=case.applicant.id_key,
                                               received_on=case.received_on, pk__lte=case.pk).count())


@transaction.atomic
def issue_fee_notice(case: DisclosureRequest, *, user=None, method: str, served_on: date,
                     pages: int | None = None) -> FeeNotice:
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.IN_PROGRESS, action="发出收费通知")
    if case.regime != Regime.R2019:
        raise ValidationError("2008年条例下的申请不收取信息处理费。")
    if FeeNotice.objects.filter(request=case).exists():
        raise ValidationError("本申请已发出过收费通知，不能重复收费。")
    if case.due_on and served_on > case.due_on:
        raise ValidationError("收费通知应在答复期限内发出。")
    if method == FeeMethod.PER_ITEM:
        ordinal = monthly_ordinal(case)
        computation = fees.per_item_fee(ordinal)
        pages = None
    elif method == FeeMethod.PER_PAGE:
        if pages is None or pages < 0:
            raise ValidationError({"pages": "按量计收须填写页数。"})
        ordinal = None
        computation = fees.per_page_fee(pages)
    else:
        raise ValidationError("请选择按件或按量计收（不得同时适用）。")
    if computation.amount == 0:
        raise ValidationError(f"按所选方式不应收费：{computation.explanation}")
    # Payment within 20 working days counted from the day after the notice is received.
    due = add_working_days(served_on, settings.GONGKAI_FEE_PAYMENT_WD).day
    pause = ClockPause.objects.create(request=case, kind=PauseKind.FEE, start=served_on, note="收费通知")
    notice = FeeNotice.objects.create(request=case, method=method, monthly_ordinal=ordinal, pages=pages,
                                      amount=computation.amount, computation=computation.explanation,
                                      served_on=served_on, fee_due_on=due, pause=pause)
    case.state = RequestState.AWAITING_FEE
    _save(case, "fee.notice", before_state=RequestState.IN_PROGRESS, amount=notice.amount, fee_due_on=due)
    return notice


@transaction.atomic
def fee_settled(case: DisclosureRequest, *, user=None, on: date, payment_reference: str = "",
                waiver_reason: str = "") -> DisclosureRequest:
    """Paid (with the 非税收入 reference) or waived (with a reason): processing resumes."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.AWAITING_FEE, action="登记缴费")
    notice = case.fee_notice
    if not payment_reference.strip() and not waiver_reason.strip():
        raise ValidationError("请填写缴款书编号，或减免的理由。")
    notice.paid_on = on if payment_reference.strip() else None
    notice.payment_reference = payment_reference.strip()
    notice.waived = not payment_reference.strip()
    notice.waiver_reason = waiver_reason.strip()
    notice.save()
    ClockPause.objects.filter(pk=notice.pause_id).update(end=on)
    case.state = RequestState.IN_PROGRESS
    _save(case, "fee.settled", before_state=RequestState.AWAITING_FEE, waived=notice.waived)
    return case


@transaction.atomic
def fee_lapsed(case: DisclosureRequest, *, user=None, on: date | None = None) -> DisclosureRequest:
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.AWAITING_FEE, action="按逾期未缴费办结")
    on = on or timezone.localdate()
    notice = case.fee_notice
    if on <= notice.fee_due_on:
        raise ValidationError(f"缴费期限 {notice.fee_due_on} 尚未届满。")
    ClockPause.objects.filter(pk=notice.pause_id).update(end=notice.fee_due_on)
    return _close(case, Outcome.OTHER_FEE_UNPAID, on, legal_basis="《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
                  reasons="申请人逾期未按收费通知要求缴纳费用，视为放弃申请。")


# --- 答复与办结 --------------------------------------------------------------------------------------------


def _close(case: DisclosureRequest, outcome: str, on: date, *, legal_basis: str, reasons: str = "",
           detail: str = "", secondary=(), competent_agency: str = "", action: str = "close") -> DisclosureRequest:
    before = case.state
    case.outcome = outcome
    case.outcome_detail = detail
    case.secondary_outcomes = list(secondary)
    case.legal_basis = legal_basis
    case.reasons = reasons
    case.competent_agency = competent_agency
    case.closed_on = on
    _refresh_deadline(case)
    case.closed_late = bool(case.due_on and on > case.due_on)
    case.state = RequestState.CLOSED
    case.save()
    record(f"requests.{action}", case, before={"state": before},
           after={"state": case.state, "outcome": outcome, "closed_on": on, "closed_late": case.closed_late})
    return case


@transaction.atomic
def reply(case: DisclosureRequest, *, user=None, outcome: str = "", legal_basis: str, reasons: str = "",
          detail: str = "", secondary_outcomes=(), competent_agency: str = "", on: date | None = None,
          legacy_outcome: str = "") -> DisclosureRequest:
    """第三十六条: exactly one outcome (a 表三 row), its legal basis and, for every refusal, the reasons. A
    reply after the due date is recorded as late (a finding, not a block)."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.REGISTERED, RequestState.IN_PROGRESS, action="答复")
    on = on or timezone.localdate()
    errors = {}
    if case.regime == Regime.R2008:
        # 2008 条例 第二十一条: the legacy table counts these replies; the current row follows by §5.4.
        if legacy_outcome not in LegacyOutcome.values:
            raise ValidationError({"legacy_outcome": "2008年条例下的申请须选择2008年条例的办理结果。"})
        outcome = outcome or LEGACY_TO_OUTCOME[legacy_outcome]
    elif legacy_outcome:
        raise ValidationError({"legacy_outcome": "2019年条例下的申请不使用2008年条例的办理结果。"})
    if outcome not in Outcome.values:
        errors["outcome"] = "请选择办理结果。"
    elif outcome in (Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_FEE_UNPAID):
        errors["outcome"] = "逾期不补正、逾期未缴费由相应的办结操作处理。"
    if not (legal_basis or "").strip():
        errors["legal_basis"] = "请填写答复的法律依据。"
    if outcome in OUTCOMES_NEEDING_REASONS and not (reasons or "").strip():
        errors["reasons"] = "不予公开、无法提供、不予处理和部分公开的答复必须说明理由。"
    if detail == OutcomeDetail.NOT_RESPONSIBLE and outcome != Outcome.UNAVAILABLE_NOT_HELD:
        errors["detail"] = "“不属于本机关负责公开”计入“本机关不掌握相关政府信息”。"
    if any(s not in Outcome.values or s == outcome for s in secondary_outcomes):
        errors["secondary_outcomes"] = "其他答复理由无效或与主要结果重复。"
    if on < case.received_on:
        errors["on"] = "答复日期不能早于收到申请之日。"
    if errors:
        raise ValidationError(errors)
    case.legacy_outcome = legacy_outcome
    return _close(case, outcome, on, legal_basis=legal_basis.strip(), reasons=(reasons or "").strip(),
                  detail=detail, secondary=secondary_outcomes, competent_agency=competent_agency.strip(),
                  action="reply")


@transaction.atomic
def answer_on_the_spot(case: DisclosureRequest, *, user=None, outcome: str, legal_basis: str,
                       reasons: str = "", detail: str = "") -> DisclosureRequest:
    """第三十三条第一款: 能够当场答复的，应当当场予以答复."""
    case = _lock(case)
    _expect(case, RequestState.REGISTERED, action="当场答复")
    if case.received_on != timezone.localdate():
        raise ValidationError("只有当日收到的申请可以当场答复。")
    return reply(case, user=user, outcome=outcome, legal_basis=legal_basis, reasons=reasons, detail=detail,
                 on=case.received_on)


@transaction.atomic
def withdraw(case: DisclosureRequest, *, user=None, on: date, how: str) -> DisclosureRequest:
    """The applicant withdraws (INFERRED → 三(六)3 其他)."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, *OPEN_STATES, action="撤回")
    if not (how or "").strip():
        raise ValidationError("请记录撤回的方式（建议书面撤回）。")
    if case.received_on and on < case.received_on:
        raise ValidationError("撤回日期不能早于收到申请之日。")
    ClockPause.objects.filter(request=case, end__isnull=True).update(end=on)
    return _close(case, Outcome.OTHER_MISC, on, legal_basis="申请人撤回申请", reasons=how.strip(), action="withdraw")


@transaction.atomic
def transfer(case: DisclosureRequest, *, user=None, to_agency, reason: str) -> DisclosureRequest:
    """A case addressed to the wrong agency moves inside the platform with its history and dates."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.SUBMITTED, RequestState.REGISTERED, RequestState.IN_PROGRESS, action="转办")
    to_agency.require_accepts_disclosure_requests()  # 条例 第五十四条
    if to_agency.pk == case.agency_id:
        raise ValidationError("不能转给本机关。")
    if not (reason or "").strip():
        raise ValidationError("请说明转办理由。")
    previous = case.agency
    case.transferred_from = previous
    case.agency = to_agency
    case.handler = None
    _save(case, "transfer", note=reason.strip(), from_agency=previous.pk, to_agency=to_agency.pk)
    return case


@transaction.atomic
def archive(case: DisclosureRequest, *, user=None) -> DisclosureRequest:
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.CLOSED, action="归档")
    case.state = RequestState.ARCHIVED
    case.save()
    record("requests.archive", case, before={"state": RequestState.CLOSED}, after={"state": RequestState.ARCHIVED})
    return case


def redate_open_cases(old_snapshot, new_snapshot):
    """The workdays re-dating hook: when the calendar is corrected, every open case whose due date moves is
    re-dated in the same transaction (a preview runs in a rolled-back savepoint) and listed."""
    from django.urls import reverse

    from workdays.services import AffectedCase

    affected = []
    cases = (DisclosureRequest.objects.filter(state__in=OPEN_STATES, clock_start_on__isnull=False)
             .select_related("agency").prefetch_related("pauses", "extensions__approver"))
    for case in cases:
        before = deadlines.compute(case, snapshot=old_snapshot)
        after = deadlines.compute(case, snapshot=new_snapshot)
        if before.due_on == after.due_on:
            continue
        case.due_on, case.due_trace, case.due_confirmed = after.due_on, after.trace, after.confirmed
        case.save(update_fields=["due_on", "due_trace", "due_confirmed", "updated_at"])
        record("requests.redate", case, before={"due_on": before.due_on}, after={"due_on": after.due_on},
               note="工作日历变更")
        affected.append(AffectedCase(f"{case.tracking_number}（{case.agency.display_name}）",
                                     reverse("disclosure_requests:detail", kwargs={"pk": case.pk}),
                                     before.due_on, after.due_on))
    return affected
