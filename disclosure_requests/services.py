"""The one place where a disclosure request changes state (docs/law/requests.md).

Every transition checks the actor's capability for the case's agency, runs in a transaction, recomputes
the due date through the working-day calendar and writes the audit trail (personal data masked)."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record
from catalog import services as catalog_services
from catalog.models import Genre
from gongkai.privacy import identity_key
from gongkai.public_forms import new_lookup_code
from orgs.scoping import Capability, has_capability, require_capability
from orgs.sequences import next_serial
from workdays.calendar import add_working_days
from workdays.services import AffectedCase

from . import case_files, deadlines, fees, messaging
from .identity import identity_error
from .models import (
    LEGACY_TO_OUTCOME,
    OPEN_STATES,
    OUTCOMES_NEEDING_REASONS,
    Applicant,
    ApplicantType,
    CaseFileKind,
    ClockPause,
    DisclosureRequest,
    Extension,
    FeeMethod,
    FeeNotice,
    LegacyOutcome,
    NoticeKind,
    NotificationEvent,
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


def last_step_on(case: DisclosureRequest) -> date | None:
    """The date of the latest recorded step of the case: receipt, 补正, 说明理由, 征求意见 (sent, answered,
    notice of disclosure), 延期, fee notice and settlement. The third party's own receipt of the letter is
    a fact about the other side, not a step of the case, and is left out."""
    days = [case.received_on, case.correction_requested_on, case.correction_received_on, case.reason_requested_on]
    for opinion in case.opinion_requests.all():
        days += [opinion.sent_on, opinion.answered_on, opinion.disclosure_notice_on]
    for extension in case.extensions.all():
        days += [extension.approved_on, extension.notified_on]
    notice = FeeNotice.objects.filter(request=case).select_related("pause").first()
    if notice is not None:
        days += [notice.served_on, notice.paid_on, notice.pause.end if notice.pause_id else None]
    return max((d for d in days if d is not None), default=None)


def _check_step_date(case: DisclosureRequest, on: date, what: str, *, field: str | None = None) -> None:
    """Every dated transition: no later than today, no earlier than the case's previous step."""
    if on is None:
        raise ValidationError({field: f"请填写{what}。"} if field else f"请填写{what}。")
    today = timezone.localdate()
    problem = None
    if on > today:
        problem = f"{what}不能晚于今天（{today}）。"
    elif (last := last_step_on(case)) is not None and on < last:
        problem = (f"{what}不能早于收到申请之日（{last}）。" if last == case.received_on
                   else f"{what}不能早于本申请上一办理步骤的日期（{last}）。")
    if problem:
        raise ValidationError({field: problem} if field else problem)


def _check_lapse(on: date, last_day: date, period: str) -> None:
    """A lapse is recorded only after its period has really ended: on a day after its last day, and not
    before today has reached that day (第三十条; 国办函〔2020〕109号; 第三十二条、第三十四条)."""
    if on <= last_day:
        raise ValidationError(f"{period}至 {last_day}，尚未届满：{last_day} 之后才能按逾期处理。")
    if timezone.localdate() <= last_day:
        raise ValidationError(f"{period}至 {last_day} 尚未届满。")


# --- Intake -------------------------------------------------------------------------------------------

INTAKE_LOCK_CLASS = 0x676B  # pg_advisory_xact_lock(INTAKE_LOCK_CLASS, hash of the identity key) ("gk")


def _lock_intake(id_key: str) -> None:
    """One submission per applicant identity at a time, until the caller's transaction ends (issue 16).

    The duplicate rule is a sliding window (same agency, identity and text within
    GONGKAI_DUPLICATE_WINDOW_MINUTES), which no unique constraint can express: a dedup key over a time
    bucket lets two submissions a second apart fall into two buckets. So the look-up and the insert run
    under one lock. PostgreSQL: a transaction-level advisory lock, taken before the look-up and released
    at commit; under READ COMMITTED the look-up that follows the wait sees the winner's committed case, so
    the losers answer with its number. The key is the identity alone, coarser than the duplicate rule: one
    applicant's submissions queue behind each other (nobody else's), and _applicant_for's look-up-or-create
    of the Applicant row is covered too. It is taken before the audit chain's lock (record), as every path
    into intake does. SQLite: every transaction begins IMMEDIATE (gongkai/settings.py), so the writer lock
    is held from BEGIN and check and insert are atomic already."""
    if connection.vendor == "postgresql":
        digest = hashlib.blake2b(id_key.encode(), digest_size=4, person=b"gk-intake").digest()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [INTAKE_LOCK_CLASS, int.from_bytes(digest, "big", signed=True)])
    elif connection.vendor != "sqlite":
        raise NotImplementedError(f"intake is serialised for PostgreSQL and SQLite only, not {connection.vendor}")


def _duplicate_of(agency, id_key: str, description: str) -> DisclosureRequest | None:
    window = timezone.now() - timedelta(minutes=settings.GONGKAI_DUPLICATE_WINDOW_MINUTES)
    return (DisclosureRequest.objects.filter(agency=agency, applicant__id_key=id_key, submitted_at__gte=window,
                                             description=description.strip()).order_by("-id").first())


@transaction.atomic
def existing_submission(*, agency, applicant: ApplicantData, description: str) -> DisclosureRequest | None:
    """The case an identical online submission made within the duplicate window, or None. The public form
    asks when the same filled-in form is posted again (a double-click, a reload): under the intake lock, so a
    first post still being stored is waited for."""
    key = identity_key(applicant.id_number)
    _lock_intake(key)
    return _duplicate_of(agency, key, description or "")


@transaction.atomic
def submit_online(*, agency, applicant: ApplicantData, description: str, requested_form: str,
                  delivery_method: str, purpose: str = "", accessibility_assistance: bool = False,
                  via_email: bool = False, account=None) -> DisclosureRequest:
    """The public form (no login needed). The case waits in 待确认 until staff confirm receipt (第三十一条(三)).
    A second identical submission within the duplicate window is refused, not silently doubled, also when
    both arrive at once (_lock_intake): DuplicateSubmission carries the case the first one made."""
    agency.require_accepts_disclosure_requests()  # 条例 第五十四条: a 事业单位 only when authorised by law
    if not (description or "").strip():
        raise ValidationError({"description": "请填写所需政府信息的名称、文号或特征性描述。"})
    _validate_applicant(applicant)
    key = identity_key(applicant.id_number)
    _lock_intake(key)  # before the look-up: the check and the insert are one step (see _lock_intake)
    if existing := _duplicate_of(agency, key, description):
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
        lookup_code=new_lookup_code())
    case.full_clean(exclude=["applicant", "agency", "handler", "parent", "transferred_from"])
    # The tracking number is issued at once so the applicant can follow the case; the clock starts later.
    _issue_tracking_number(case, timezone.localdate().year)
    _save(case, "submit", note="网上申请")
    messaging.notify(case, NotificationEvent.SUBMITTED)
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
    _lock_intake(identity_key(applicant.id_number))  # the Applicant look-up-or-create (a double-click: views)
    person = _applicant_for(applicant)
    case = DisclosureRequest(
        agency=agency, applicant=person, applicant_type=applicant.applicant_type, channel=channel,
        via_email=via_email and channel == SubmissionChannel.ONLINE, description=description.strip(), purpose=purpose.strip(), requested_form=requested_form,
        delivery_method=delivery_method, accessibility_assistance=accessibility_assistance,
        submitted_at=timezone.make_aware(datetime.combine(submitted_on, datetime.min.time())),
        handler=user if getattr(user, "pk", None) else None,
        lookup_code=new_lookup_code())
    if channel.needs_confirmation:
        case.state = RequestState.SUBMITTED
        _issue_tracking_number(case, submitted_on.year)
    else:
        received = signed_for_on if channel == SubmissionChannel.REGISTERED_MAIL else submitted_on
        _receive(case, received)
    case.full_clean(exclude=["applicant", "agency", "handler", "parent", "transferred_from"])
    _save(case, "register", note=channel.label)
    if case.state == RequestState.REGISTERED:
        messaging.notify(case, NotificationEvent.RECEIVED)
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
    messaging.notify(case, NotificationEvent.RECEIVED)
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
def request_correction(case: DisclosureRequest, *, user=None, items: str, correction_due_on: date | None = None,
                       on: date | None = None) -> DisclosureRequest:
    """第三十条: once, listing every item and a reasonable period; due within 7 working days of receipt —
    a later notice is allowed but recorded as late.

    Under the 2008 条例 there is no 补正 procedure: 告知作出更改、补充 is itself the reply to the application
    (2008 条例 第二十一条第（四）项), so the notice closes the case with that reply."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.REGISTERED, RequestState.IN_PROGRESS, action="告知补正")
    if case.correction_requested_on is not None:
        raise ValidationError("补正告知只能一次性作出（第三十条），本申请已告知过补正。")
    if not (items or "").strip():
        raise ValidationError({"items": "请逐项列明需要补正的事项。"})
    on = on or timezone.localdate()
    _check_step_date(case, on, "补正告知日期", field="on")
    if case.regime == Regime.R2008:
        return _told_to_amend(case, items=items.strip(), on=on)
    if correction_due_on is None or correction_due_on <= on:
        raise ValidationError({"correction_due_on": "补正期限应晚于告知日期。"})
    before = case.state
    case.correction_requested_on = on
    case.correction_items = items.strip()
    case.correction_due_on = correction_due_on
    case.correction_notice_late = case.regime == Regime.R2019 and on > deadlines.correction_notice_deadline(case)
    case.state = RequestState.AWAITING_CORRECTION
    _save(case, "correction.request", before_state=before, correction_due_on=correction_due_on,
          note="补正告知晚于收到申请后7个工作日" if case.correction_notice_late else "")
    messaging.notify(case, NotificationEvent.CORRECTION)
    return case


@transaction.atomic
def correction_received(case: DisclosureRequest, *, user=None, on: date, text: str = "", files=(),
                        online: bool = False) -> DisclosureRequest:
    """第三十条: the reply period runs again, in full, from the receipt of the corrected application.

    The one way a 补正 is received: staff record one that came on paper (登记收到补正, with what it says when they
    type it in), and the applicant's online answer (answer_correction_online) comes through here too. `text` is
    the corrected request, which the reply letter quotes; `files` its material (case_files: checked, stored)."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.AWAITING_CORRECTION, action="登记补正")
    _check_step_date(case, on, "收到补正的日期", field="on")
    text, files = (text or "").strip(), list(files or ())
    if len(text) > CORRECTION_TEXT_MAX:
        raise ValidationError({"text": f"补正内容不能超过 {CORRECTION_TEXT_MAX} 字。"})
    case_files.validate(files)
    case.correction_received_on = on
    case.clock_start_on = on
    case.correction_text = text
    if online:
        case.correction_answered_at = timezone.now()
    case.state = RequestState.IN_PROGRESS
    _save(case, "correction.received", before_state=RequestState.AWAITING_CORRECTION, correction_received_on=on,
          online=online, files=len(files), note="申请人在线补正" if online else "")
    case_files.store(case, CaseFileKind.CORRECTION, files)
    messaging.notify(case, NotificationEvent.CORRECTION_RECEIVED)
    return case


CORRECTION_TEXT_MAX = 5000


def answer_correction_online(case: DisclosureRequest, *, text: str, files=()) -> DisclosureRequest:
    """The applicant answers the 补正 notice on the case page (number + 查询码): the corrected request and its
    material, received today. Exactly what 登记收到补正 records (第三十条: the reply period starts again from
    the day the corrected application is received), through the same service function."""
    files = list(files or ())
    if not (text or "").strip() and not files:
        raise ValidationError({"text": "请填写补正后的申请内容，或上传补正材料。"})
    return correction_received(case, user=None, on=timezone.localdate(), text=text, files=files, online=True)


@transaction.atomic
def correction_lapsed(case: DisclosureRequest, *, user=None, on: date | None = None) -> DisclosureRequest:
    """第三十条: no correction within the period and no 正当理由 → deemed abandoned, outcome 三(六)1."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.AWAITING_CORRECTION, action="按逾期不补正办结")
    on = on or timezone.localdate()
    _check_step_date(case, on, "办结日期", field="on")
    _check_lapse(on, case.correction_due_on, "补正期限")
    return _close(case, Outcome.OTHER_NO_CORRECTION, on, legal_basis="《中华人民共和国政府信息公开条例》第三十条",
                  reasons="申请人无正当理由逾期不补正，视为放弃申请。")


def _told_to_amend(case: DisclosureRequest, *, items: str, on: date) -> DisclosureRequest:
    """2008 条例 第二十一条第（四）项: 申请内容不明确的，应当告知申请人作出更改、补充 — a reply that ends the case."""
    case.correction_requested_on = on
    case.correction_items = items
    case.legacy_outcome = LegacyOutcome.TOLD_TO_AMEND
    return _close(case, LEGACY_TO_OUTCOME[LegacyOutcome.TOLD_TO_AMEND], on,
                  legal_basis="《中华人民共和国政府信息公开条例》（2008年）第二十一条第（四）项",
                  reasons=items, action="reply")


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
    _check_step_date(case, sent_on, "征求意见书的发出日期", field="sent_on")
    if received_on is not None:
        _check_opinion_receipt(sent_on, received_on)
    pause = ClockPause.objects.create(request=case, kind=PauseKind.THIRD_PARTY_OPINION if kind == OpinionKind.THIRD_PARTY
                                      else PauseKind.AGENCY_OPINION, start=sent_on, note=addressee)
    opinion = OpinionRequest(request=case, kind=kind, addressee=addressee.strip(), sent_on=sent_on,
                             received_on=received_on, pause=pause)
    if received_on:
        opinion.reply_due_on = add_working_days(received_on, settings.GONGKAI_OPINION_WD).day
    opinion.save()
    _save(case, "opinion.open", kind=kind, sent_on=sent_on)
    messaging.notify(case, NotificationEvent.OPINION)
    return opinion


def _check_opinion_receipt(sent_on: date, received_on: date) -> None:
    if received_on < sent_on:
        raise ValidationError({"received_on": "对方收到日期不能早于发出征求意见书的日期。"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "对方收到日期不能晚于今天。"})


@transaction.atomic
def record_opinion_receipt(opinion: OpinionRequest, *, user=None, received_on: date) -> OpinionRequest:
    """The day the other side received the 征求意见书, recorded when it becomes known (e.g. from the postal
    receipt). From it run the other side's 15 working days (第三十二条, 第三十四条); the pause ends by
    itself when they run out, and only then can the consultation be closed as lapsed. A date already
    recorded may be corrected while the consultation is open; the audit trail keeps the previous one."""
    case = _lock(opinion.request)
    _require(user, Capability.REQUESTS_HANDLE, case)
    opinion = OpinionRequest.objects.select_for_update().get(pk=opinion.pk)
    _expect(case, *OPEN_STATES, action="登记对方收到征求意见书的日期")
    if opinion.result != OpinionResult.PENDING:
        raise ValidationError("该征求意见已经结束，不能再更改对方收到日期。")
    if received_on is None:
        raise ValidationError({"received_on": "请填写对方收到征求意见书的日期。"})
    _check_opinion_receipt(opinion.sent_on, received_on)
    previous = opinion.received_on
    opinion.received_on = received_on
    opinion.reply_due_on = add_working_days(received_on, settings.GONGKAI_OPINION_WD).day
    opinion.save(update_fields=["received_on", "reply_due_on"])
    _save(case, "opinion.receipt", opinion=opinion.pk, received_on=received_on, reply_due_on=opinion.reply_due_on,
          previous_received_on=previous,
          note=f"{opinion.addressee}于 {received_on} 收到征求意见书，应于 {opinion.reply_due_on} 前提出意见")
    return opinion


def _end_opinion(opinion: OpinionRequest, *, result: str, answered_on: date, opinion_text: str = "") -> None:
    """Closes a consultation and its pause. The pause never outlasts the other side's 15 working days: it
    ends on the answer, or on the last day of the period when the answer did not come in time."""
    opinion.result = OpinionResult.CONSENT if result == OpinionResult.LAPSED and opinion.silence_means_consent \
        else result
    opinion.answered_on = answered_on
    opinion.opinion = opinion_text.strip()
    opinion.save()
    end = min(answered_on, opinion.reply_due_on) if opinion.reply_due_on else answered_on
    ClockPause.objects.filter(pk=opinion.pause_id).update(end=max(end, opinion.sent_on))


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
    if result not in (OpinionResult.CONSENT, OpinionResult.OBJECTION, OpinionResult.LAPSED):
        raise ValidationError("请选择征求意见的结果。")
    if answered_on < opinion.sent_on:
        raise ValidationError("答复日期不能早于发出日期。")
    _check_step_date(case, answered_on, "答复日期", field="answered_on")
    if result == OpinionResult.LAPSED:
        if opinion.reply_due_on is None:
            raise ValidationError("尚未登记对方收到征求意见书的日期，无法计算其15个工作日的答复期限；"
                                  "请先登记对方收到日期（可后补），期满后再按逾期处理。")
        _check_lapse(answered_on, opinion.reply_due_on, "对方提出意见的期限（收到征求意见书之日起15个工作日）")
    _end_opinion(opinion, result=result, answered_on=answered_on, opinion_text=opinion_text)
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
    _check_step_date(case, approved_on, "批准日期", field="approved_on")
    _check_step_date(case, notified_on, "告知申请人日期", field="notified_on")
    extension = Extension.objects.create(request=case, working_days=working_days, reason=reason.strip(),
                                         approver=user, approved_on=approved_on, notified_on=notified_on)
    _save(case, "extend", working_days=working_days, approved_on=approved_on)
    messaging.notify(case, NotificationEvent.EXTENSION)
    return extension


# --- 第三十五条 --------------------------------------------------------------------------------------------


@transaction.atomic
def ask_reason(case: DisclosureRequest, *, user=None, on: date) -> DisclosureRequest:
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.IN_PROGRESS, action="要求说明理由")
    if case.regime == Regime.R2008:
        # 2008 条例 第二十四条: 15 + 15 working days, stopped only by a third party's consultation; 第三十五条 (a
        # reason, then a later reasonable date) is new in the 2019 条例 (docs/law/requests.md §14).
        raise ValidationError("要求说明理由是2019年修订的条例第三十五条新增的规定，不适用于按2008年条例办理的申请"
                              "（2008年条例第二十四条：答复期限只因征求第三方意见而中止）。")
    _check_step_date(case, on, "要求说明理由日期", field="on")
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
    _check_step_date(case, on, "认定日期", field="on")
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
    _check_step_date(case, served_on, "送达日期", field="served_on")
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
    _check_step_date(case, on, "缴费或减免日期", field="on")
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
    _check_step_date(case, on, "办结日期", field="on")
    _check_lapse(on, notice.fee_due_on, "缴费期限")
    ClockPause.objects.filter(pk=notice.pause_id).update(end=notice.fee_due_on)
    return _close(case, Outcome.OTHER_FEE_UNPAID, on, legal_basis="《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
                  reasons="申请人逾期未按收费通知要求缴纳费用，视为放弃申请。")


# --- 答复与办结 --------------------------------------------------------------------------------------------


def _close(case: DisclosureRequest, outcome: str, on: date, *, legal_basis: str, reasons: str = "",
           detail: str = "", secondary=(), competent_agency: str = "", action: str = "close",
           note: str = "") -> DisclosureRequest:
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
           after={"state": case.state, "outcome": outcome, "closed_on": on, "closed_late": case.closed_late},
           note=note)
    messaging.notify(case, NotificationEvent.REPLY)
    return case


DISCLOSING_OUTCOMES = (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED)


def _consultation_errors(case: DisclosureRequest, outcome: str, on: date, close_opinions: bool) -> dict:
    """The consultations a reply must respect (第三十二条, 第三十三条第三款, 第三十四条).

    - An open consultation keeps the clock stopped: a reply is refused unless the open consultations are
      closed in the same step, so that neither a pause nor the case is left running.
    - Disclosure is decided after the other side's opinion or after its 15 working days have run out: a
      予以公开 / 部分公开 reply is refused while that period is still running (or cannot be computed because the
      other side's receipt of the letter is not recorded).
    - Disclosure over a third party's objection (public interest) needs the written notice to the third party
      of what will be disclosed and why, sent no later than the reply."""
    errors = {}
    pending = [o for o in case.opinion_requests.all() if o.result == OpinionResult.PENDING]
    if pending and not close_opinions:
        names = "、".join(o.addressee for o in pending)
        errors["close_opinions"] = (f"征求{names}的意见尚未结束（征求意见期间不计入答复期限，第三十三条第三款）。"
                                    "请先登记征求意见结果，或在答复时选择一并结束征求意见。")
    for o in pending:
        if o.reply_due_on is None:
            errors.setdefault("close_opinions", f"征求{o.addressee}意见尚未登记对方收到征求意见书的日期，无法判断其"
                                                "15个工作日是否届满；请先登记对方收到日期。")
        elif on <= o.reply_due_on and outcome in DISCLOSING_OUTCOMES:
            article = "第三十四条" if o.kind == OpinionKind.AGENCY else "第三十二条"
            errors["outcome"] = (f"征求{o.addressee}意见的期限至 {o.reply_due_on} 尚未届满：应在对方提出意见或期限届满后"
                                 f"再决定是否公开（{article}）。")
    if outcome in DISCLOSING_OUTCOMES:
        for o in case.opinion_requests.all():
            if o.kind != OpinionKind.THIRD_PARTY or o.result != OpinionResult.OBJECTION:
                continue
            if o.disclosure_notice_on is None or o.disclosure_notice_on > on:
                errors["outcome"] = (f"第三方（{o.addressee}）不同意公开。本机关认为不公开可能对公共利益造成重大影响而决定公开的，"
                                     "应先将决定公开的政府信息内容和理由书面告知第三方（第三十二条），请先办理“书面告知第三方决定公开”。")
    return errors


def _agencies_named_in(text: str, case: DisclosureRequest) -> list[str]:
    """第三十六条第（五）项: the agencies of the register whose full name a "not ours" reply's reasons give (the
    case's own agency and the agencies above it left out: naming them says nothing about who is responsible)."""
    text = (text or "").strip()
    if not text:
        return []
    skip = {case.agency_id, *case.agency.ancestor_ids()}
    agencies = type(case.agency).objects.exclude(pk__in=skip).values_list("name", flat=True)
    return sorted({name for name in agencies if len(name) >= 4 and name in text})


@transaction.atomic
def reply(case: DisclosureRequest, *, user=None, outcome: str = "", legal_basis: str, reasons: str = "",
          detail: str = "", secondary_outcomes=(), competent_agency: str = "", on: date | None = None,
          legacy_outcome: str = "", close_opinions: bool = False,
          competent_agency_unknown: bool = False) -> DisclosureRequest:
    """第三十六条: exactly one outcome (a 表三 row), its legal basis and, for every refusal, the reasons. A
    reply after the due date is recorded as late (a finding, not a block); lateness counts consultation
    pauses only up to the other side's 15 working days.

    `close_opinions` ends the consultations still open with the reply: those whose 15 working days have
    run out as lapsed, the others as ended by the reply (never for a disclosure, see _consultation_errors).
    `competent_agency_unknown`: the handler states that the agency responsible for the information cannot
    be determined (第三十六条第（五）项), so the reply names none."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.REGISTERED, RequestState.IN_PROGRESS, action="答复")
    on = on or timezone.localdate()
    errors = {}
    if case.regime == Regime.R2008:
        # 2008 条例 第二十一条: the legacy table counts these replies; the current row is the nearest one.
        if legacy_outcome not in LegacyOutcome.values:
            raise ValidationError({"legacy_outcome": "2008年条例下的申请须选择2008年条例的办理结果。"})
        outcome = outcome or LEGACY_TO_OUTCOME[legacy_outcome]
    elif legacy_outcome:
        raise ValidationError({"legacy_outcome": "2019年条例下的申请不使用2008年条例的办理结果。"})
    if outcome not in Outcome.values:
        errors["outcome"] = "请选择办理结果。"
    elif outcome in (Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_FEE_UNPAID):
        errors["outcome"] = "逾期不补正、逾期未缴费由相应的办结操作处理。"
    elif outcome == Outcome.UNAVAILABLE_STILL_UNCLEAR and case.correction_received_on is None:
        errors["outcome"] = ("“补正后申请内容仍不明确”只能在告知申请人补正并收到补正后的申请之后作出（第三十条）；"
                             "申请内容不明确的，请先办理“告知补正”。")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = "请填写答复的法律依据。"
    if outcome in OUTCOMES_NEEDING_REASONS and not (reasons or "").strip():
        errors["reasons"] = "不予公开、无法提供、不予处理和部分公开的答复必须说明理由。"
    if detail == OutcomeDetail.NOT_RESPONSIBLE and outcome != Outcome.UNAVAILABLE_NOT_HELD:
        errors["detail"] = "“不属于本机关负责公开”计入“本机关不掌握相关政府信息”。"
    not_responsible = detail == OutcomeDetail.NOT_RESPONSIBLE or legacy_outcome == LegacyOutcome.NOT_THIS_AGENCY
    if not_responsible and not (competent_agency or "").strip() and not competent_agency_unknown:
        errors["competent_agency"] = ("不属于本机关负责公开的，能够确定负责公开该政府信息的行政机关时，应当告知申请人该行政机关的"
                                      "名称、联系方式（第三十六条第（五）项）。请填写，或注明无法确定负责公开的机关。")
    elif not_responsible and not (competent_agency or "").strip() and (named := _agencies_named_in(reasons, case)):
        errors["competent_agency"] = (f"答复理由写明了{'、'.join(named)}，负责公开的机关能够确定：请填写该机关的名称、联系方式"
                                      "（第三十六条第（五）项），不能注明无法确定。")
    if any(s not in Outcome.values or s == outcome for s in secondary_outcomes):
        errors["secondary_outcomes"] = "其他答复理由无效或与主要结果重复。"
    try:
        _check_step_date(case, on, "答复日期", field="on")
    except ValidationError as error:
        errors.update(error.message_dict)
    if "on" not in errors:
        for field, message in _consultation_errors(case, outcome, on, close_opinions).items():
            errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)
    ended = []
    for opinion in case.opinion_requests.filter(result=OpinionResult.PENDING):
        lapsed = on > opinion.reply_due_on
        _end_opinion(opinion, result=OpinionResult.LAPSED if lapsed else OpinionResult.ENDED, answered_on=on)
        ended.append(f"征求{opinion.addressee}意见{'逾期未答复' if lapsed else '于答复时结束'}")
    case.legacy_outcome = legacy_outcome
    return _close(case, outcome, on, legal_basis=legal_basis.strip(), reasons=(reasons or "").strip(),
                  detail=detail, secondary=secondary_outcomes, competent_agency=(competent_agency or "").strip(),
                  action="reply", note="；".join(ended + (["无法确定负责公开的行政机关"] if not_responsible
                                                          and competent_agency_unknown
                                                          and not (competent_agency or "").strip() else [])))


@transaction.atomic
def answer_on_the_spot(case: DisclosureRequest, *, user=None, outcome: str, legal_basis: str,
                       reasons: str = "", detail: str = "", competent_agency: str = "",
                       competent_agency_unknown: bool = False) -> DisclosureRequest:
    """第三十三条第一款: 能够当场答复的，应当当场予以答复."""
    case = _lock(case)
    _expect(case, RequestState.REGISTERED, action="当场答复")
    if case.received_on != timezone.localdate():
        raise ValidationError("只有当日收到的申请可以当场答复。")
    return reply(case, user=user, outcome=outcome, legal_basis=legal_basis, reasons=reasons, detail=detail,
                 competent_agency=competent_agency, competent_agency_unknown=competent_agency_unknown,
                 on=case.received_on)


@transaction.atomic
def notify_third_party_of_disclosure(opinion: OpinionRequest, *, user=None, content: str, reasons: str,
                                     on: date) -> OpinionRequest:
    """第三十二条: 第三方不同意公开且有合理理由的，行政机关不予公开。行政机关认为不公开可能对公共利益造成重大影响的，
    可以决定予以公开，并将决定公开的政府信息内容和理由书面告知第三方. Records that written notice (the letter is
    the 决定公开告知书 letter kind); a disclosing reply after the objection needs it first."""
    case = _lock(opinion.request)
    _require(user, Capability.REQUESTS_HANDLE, case)
    opinion = OpinionRequest.objects.select_for_update().get(pk=opinion.pk)
    _expect(case, RequestState.IN_PROGRESS, action="书面告知第三方决定公开")
    if opinion.kind != OpinionKind.THIRD_PARTY or opinion.result != OpinionResult.OBJECTION:
        raise ValidationError("只有第三方不同意公开时，才需要将决定公开的内容和理由书面告知第三方（第三十二条）。")
    errors = {}
    if not (content or "").strip():
        errors["content"] = "请写明决定公开的政府信息内容。"
    if not (reasons or "").strip():
        errors["reasons"] = "请写明决定公开的理由（不公开可能对公共利益造成的重大影响）。"
    if errors:
        raise ValidationError(errors)
    _check_step_date(case, on, "书面告知日期", field="on")
    previous = opinion.disclosure_notice_on
    opinion.disclosure_notice_on = on
    opinion.disclosure_content = content.strip()
    opinion.disclosure_reasons = reasons.strip()
    opinion.save(update_fields=["disclosure_notice_on", "disclosure_content", "disclosure_reasons"])
    _save(case, "opinion.disclosure_notice", opinion=opinion.pk, disclosure_notice_on=on,
          previous_notice_on=previous, note=f"书面告知{opinion.addressee}决定公开的内容和理由（第三十二条）")
    return opinion


@transaction.atomic
def withdraw(case: DisclosureRequest, *, user=None, on: date, how: str) -> DisclosureRequest:
    """The applicant withdraws (INFERRED → 三(六)3 其他). Open pauses end on the day of withdrawal."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, *OPEN_STATES, action="撤回")
    if not (how or "").strip():
        raise ValidationError("请记录撤回的方式（建议书面撤回）。")
    _check_step_date(case, on, "撤回日期", field="on")
    for opinion in case.opinion_requests.filter(result=OpinionResult.PENDING):
        _end_opinion(opinion, result=OpinionResult.ENDED, answered_on=on)
    ClockPause.objects.filter(request=case, end__isnull=True).update(end=on)
    return _close(case, Outcome.OTHER_MISC, on, legal_basis="申请人撤回申请", reasons=how.strip(), action="withdraw")


TRANSFER_BASIS = "《中华人民共和国政府信息公开条例》第三十六条第（五）项"


@transaction.atomic
def transfer(case: DisclosureRequest, *, user=None, to_agency, reason: str, on: date | None = None,
             competent_agency: str = "") -> DisclosureRequest:
    """转办 to the competent agency inside the platform; returns the receiving agency's case.

    A case not yet received (待确认) simply moves: the first agency never received it. A received case is
    answered by the first agency as 不属于本机关负责公开 — closed with the 第三十六条第（五）项 outcome (表三
    三（四）1), telling the applicant the competent agency — and the receiving agency opens its own new case,
    received on the day of the transfer, linked to the first one and counted in its own 表三."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.SUBMITTED, RequestState.REGISTERED, RequestState.IN_PROGRESS, action="转办")
    to_agency.require_accepts_disclosure_requests()  # 条例 第五十四条
    if to_agency.pk == case.agency_id:
        raise ValidationError("不能转给本机关。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请说明转办理由。"})
    previous = case.agency
    if case.state == RequestState.SUBMITTED:
        case.transferred_from = previous
        case.agency = to_agency
        case.handler = None
        _save(case, "transfer", note=reason.strip(), from_agency=previous.pk, to_agency=to_agency.pk)
        return case
    on = on or timezone.localdate()
    _check_step_date(case, on, "转办日期", field="on")
    if case.opinion_requests.filter(result=OpinionResult.PENDING).exists():
        raise ValidationError("尚有未结束的征求意见，请先登记征求意见结果，再转办。")
    contact = "，".join(x for x in (f"电话 {to_agency.phone}" if to_agency.phone else "",
                                   f"地址 {to_agency.address}" if to_agency.address else "") if x)
    named = (competent_agency or "").strip() or to_agency.name + (f"（{contact}）" if contact else "")
    ClockPause.objects.filter(request=case, end__isnull=True).update(end=on)
    if case.regime == Regime.R2008:
        case.legacy_outcome = LegacyOutcome.NOT_THIS_AGENCY  # 2008 条例 第二十一条第（三）项
    _close(case, Outcome.UNAVAILABLE_NOT_HELD, on, legal_basis=TRANSFER_BASIS, detail=OutcomeDetail.NOT_RESPONSIBLE,
           reasons=f"所申请公开的信息不属于本机关负责公开：{reason.strip()}。已转{to_agency.name}办理。",
           competent_agency=named, action="transfer")
    new = DisclosureRequest(
        agency=to_agency, applicant=case.applicant, applicant_type=case.applicant_type, channel=case.channel,
        via_email=case.via_email, description=case.description, purpose=case.purpose,
        requested_form=case.requested_form, delivery_method=case.delivery_method,
        accessibility_assistance=case.accessibility_assistance, submitted_at=case.submitted_at,
        confirmed_at=case.confirmed_at, transferred_from=previous, transfer_of=case,
        # The applicant's 查询码 carries over: they hold it already, and follow the new case with its new number
        # (told by the notice below) without a code nobody could have given them.
        lookup_code=case.lookup_code)
    _receive(new, on)
    _save(new, "transfer.receive", note=f"由{previous.name}转来（原受理编号 {case.tracking_number}）：{reason.strip()}",
          from_agency=previous.pk, from_request=case.pk)
    messaging.notify(new, NotificationEvent.RECEIVED)
    return new


@transaction.atomic
def archive(case: DisclosureRequest, *, user=None) -> DisclosureRequest:
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.CLOSED, action="归档")
    case.state = RequestState.ARCHIVED
    case.save()
    record("requests.archive", case, before={"state": RequestState.CLOSED}, after={"state": RequestState.ARCHIVED})
    return case


PROMOTABLE_OUTCOMES = (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED)
PROMOTE_GENRE = "other-document"


def promotable(case: DisclosureRequest) -> bool:
    return case.state in (RequestState.CLOSED, RequestState.ARCHIVED) and case.outcome in PROMOTABLE_OUTCOMES


@transaction.atomic
def promote(case: DisclosureRequest, *, user):
    """第四十四条: information disclosed on request that others will want too becomes a catalogue draft
    (publisher = the case's agency), which then goes through the normal review and publication. Returns
    catalog's Outcome (the draft and its warnings); the case keeps the draft in `promoted_documents`."""
    case = _lock(case)
    if not promotable(case):
        raise ValidationError("只有予以公开或部分公开并已办结的申请，才能转为主动公开。")
    if not has_capability(user, Capability.CATALOG_DRAFT, case.agency):
        raise PermissionDenied(f"您没有在“{case.agency.name}”起草政府信息的权限（需要编辑角色），"
                               "请联系本机关的编辑办理转主动公开。")
    title = " ".join(case.description.split())[:120]
    summary = f"依申请公开转主动公开（《中华人民共和国政府信息公开条例》第四十四条）。申请内容：{title}"[:500]
    try:
        genre = Genre.objects.get(code=PROMOTE_GENRE)
    except Genre.DoesNotExist:
        raise ValidationError("目录中没有“其他文件”类别，无法创建草稿。") from None
    outcome = catalog_services.create_draft(publisher=case.agency, user=user, title=title, summary=summary,
                                            genre=genre)
    case.promoted_documents.add(outcome.document)
    record("requests.promote", case, after={"document": outcome.document.pk},
           note=f"转主动公开草稿 #{outcome.document.pk}")
    return outcome


def redate_open_cases(old_snapshot, new_snapshot):
    """The workdays re-dating hook: when the calendar is corrected, every open case whose due date moves is
    re-dated in the same transaction (a preview runs in a rolled-back savepoint) and listed."""
    affected = []
    cases = (DisclosureRequest.objects.filter(state__in=OPEN_STATES, clock_start_on__isnull=False)
             .select_related("agency").prefetch_related("pauses__opinion_request", "extensions__approver"))
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


# --- The applicant's side: released files, 送达 by download ---------------------------------------------------


@transaction.atomic
def add_release_files(case: DisclosureRequest, *, user, files) -> list:
    """The information released with the reply (第四十条: in the form asked for where possible), stored with the
    case; the applicant downloads it from the case page when 在线下载 is the delivery method."""
    case = _lock(case)
    _require(user, Capability.REQUESTS_HANDLE, case)
    _expect(case, RequestState.CLOSED, action="上传公开的信息")
    files = list(files)
    if not files:
        raise ValidationError({"files": "请选择要上传的文件。"})
    case_files.validate(files)
    stored = case_files.store(case, CaseFileKind.RELEASE, files)
    record("requests.files.release", case, after={"files": len(stored)}, note="、".join(f.name for f in stored)[:300])
    return stored


DOWNLOAD_REFERENCE = "申请人在线下载"


@transaction.atomic
def record_download(case: DisclosureRequest, *, notice=None, case_file=None) -> DisclosureRequest:
    """送达 by 在线下载: the applicant's first download of the reply letter or of a released file is the 送达 record
    of the case (date and time, DisclosureRequest.served_at), and of the reply letter (Notice delivery:
    在线下载, that day). Later downloads change nothing. Only for a closed case whose delivery method is 在线下载."""
    case = _lock(case)
    if case.delivery_method != "download" or case.state not in (RequestState.CLOSED, RequestState.ARCHIVED):
        return case
    now = timezone.now()
    if case_file is not None and case_file.downloaded_at is None:
        type(case_file).objects.filter(pk=case_file.pk, downloaded_at__isnull=True).update(downloaded_at=now)
    if case.served_at is not None:
        return case
    case.served_at = now
    case.save(update_fields=["served_at", "updated_at"])
    reply_notices = case.notices.filter(kind=NoticeKind.REPLY, delivered_on__isnull=True)
    for item in reply_notices:
        if item.issued_on <= timezone.localdate():
            item.delivery_method, item.delivered_on = "download", timezone.localdate()
            item.delivery_reference = DOWNLOAD_REFERENCE
            item.save(update_fields=["delivery_method", "delivered_on", "delivery_reference"])
    what = (f"答复告知书 {notice.issued_on}" if notice is not None else f"文件“{case_file.name}”" if case_file else "")
    record("requests.served.download", case, after={"served_at": now}, note=f"申请人首次在线下载{what}，视为送达")
    return case
