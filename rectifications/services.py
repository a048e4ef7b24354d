"""The one place where 更正申请 change (《政府信息公开条例》第四十一条; docs/law/rectification.md). Every change
checks the actor's capability (REQUESTS_HANDLE on the agency), runs in a transaction and writes the audit trail
(never the applicant's details: the trail is read by many staff). The public form acts without a user.

The 条例 sets no period for 更正申请; settings.GONGKAI_RECTIFICATION_WD (default 20 working days, the period of
第三十三条第二款 for a reply to a disclosure request) is the platform's, counted from the day after receipt."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import record
from catalog.attachments import inspect_attachment
from gongkai.public_forms import new_lookup_code
from orgs.models import Agency
from orgs.scoping import Capability, require_capability
from orgs.sequences import next_serial
from workdays.calendar import add_working_days

from .models import (
    Channel,
    Decision,
    RecordRectificationRequest,
    RectificationCounter,
    RectificationEvidence,
    RectificationState,
    RefusalReason,
)

MAX_EVIDENCE_FILES = 3
MAX_EVIDENCE_MB = 10


@dataclass(frozen=True)
class Applicant:
    name: str
    applicant_type: str = "natural_person"
    phone: str = ""
    email: str = ""
    address: str = ""


def period_wd() -> int:
    return int(getattr(settings, "GONGKAI_RECTIFICATION_WD", 20))


def _require(user, agency) -> None:
    if user is None:  # the public form and demo data act as the system
        return
    require_capability(user, Capability.REQUESTS_HANDLE, agency)


def _snapshot(case: RecordRectificationRequest) -> dict:
    return {"state": case.state, "agency": case.agency_id, "decision": case.decision, "due_on": case.due_on,
            "decided_on": case.decided_on, "refusal_reason": case.refusal_reason}


def _lock(case: RecordRectificationRequest) -> RecordRectificationRequest:
    return RecordRectificationRequest.objects.select_for_update().select_related("agency").get(pk=case.pk)


def _validate(applicant: Applicant, record_description: str, inaccuracy: str, evidence: str, files) -> None:
    errors = {}
    if not (applicant.name or "").strip():
        errors["name"] = "请填写申请人姓名或名称。"
    if not (applicant.phone or "").strip() and not (applicant.email or "").strip() \
            and not (applicant.address or "").strip():
        errors["phone"] = "联系电话、电子邮箱和通信地址至少填写一项，以便告知办理结果。"
    if not (record_description or "").strip():
        errors["record_description"] = "请说明需要更正的是哪一项与您相关的政府信息记录。"
    if not (inaccuracy or "").strip():
        errors["inaccuracy"] = "请说明记录哪里不准确、应当如何更正。"
    # 第四十一条: 有证据证明 — a description of the evidence, or the evidence itself.
    if not (evidence or "").strip() and not files:
        errors["evidence"] = "请提供证明该记录不准确的证据（说明证据或上传证据材料）。"
    if errors:
        raise ValidationError(errors)


def _attach(case: RecordRectificationRequest, files) -> None:
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError({"files": f"证据材料最多 {MAX_EVIDENCE_FILES} 个。"})
    for name, content in files:
        if len(content) > MAX_EVIDENCE_MB * 1024 * 1024:
            raise ValidationError({"files": f"文件“{name}”超过 {MAX_EVIDENCE_MB} MB。"})
        try:
            checked = inspect_attachment(name, content, extract_text=False)  # never parsed: an anonymous upload
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error
        evidence = RectificationEvidence(request=case, name=checked.name, content_type=checked.content_type,
                                         size=len(content))
        evidence.file.save(checked.storage_name, ContentFile(content), save=False)
        evidence.save()


def _due(received_on: date):
    return add_working_days(received_on, period_wd(), count_start_day=False, start_label="收到")


def _numbered(received_on: date, **fields) -> RecordRectificationRequest:
    """A new request received on `received_on`: its number (a locked yearly counter) and its due date."""
    due = _due(received_on)
    return RecordRectificationRequest.objects.create(
        number=f"GZ{received_on.year}{next_serial(RectificationCounter, year=received_on.year):05d}",
        received_on=received_on, due_on=due.day, due_trace=due.trace, **fields)


@transaction.atomic
def submit(*, agency: Agency, applicant: Applicant, record_description: str, inaccuracy: str, evidence: str = "",
           files=(), related_request_number: str = "", channel: str = Channel.ONLINE, received_on: date | None = None,
           user=None) -> RecordRectificationRequest:
    """Register a 更正申请: online (received the day it arrives) or typed in by staff from a letter or a visit,
    with the day it was received."""
    _require(user, agency)
    files = list(files or [])
    _validate(applicant, record_description, inaccuracy, evidence, files)
    if channel not in Channel.values:
        raise ValidationError({"channel": "请选择提交方式。"})
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": "收到日期不能晚于今天。"})
    case = _numbered(
        received_on, agency=agency, lookup_code=new_lookup_code(),
        channel=channel,
        applicant_type=applicant.applicant_type or "natural_person", applicant_name=applicant.name.strip(),
        applicant_phone=(applicant.phone or "").strip(), applicant_email=(applicant.email or "").strip(),
        applicant_address=(applicant.address or "").strip(), record_description=record_description.strip(),
        inaccuracy=inaccuracy.strip(), evidence=(evidence or "").strip(),
        related_request_number=(related_request_number or "").strip()[:40],
        handler=user if getattr(user, "pk", None) else None)
    _attach(case, files)
    record("rectifications.submit", case, after=_snapshot(case), note=case.get_channel_display())
    return case


def _close(case, user, decision: str, on: date | None) -> None:
    on = on or timezone.localdate()
    if on < case.received_on or on > timezone.localdate():
        raise ValidationError({"on": "办结日期应在收到日期和今天之间。"})
    case.state, case.decision, case.decided_on = RectificationState.DECIDED, decision, on
    if case.handler_id is None and getattr(user, "pk", None):
        case.handler = user


def _expect_open(case: RecordRectificationRequest) -> None:
    if not case.is_open:
        raise ValidationError(f"本件更正申请已于 {case.decided_on:%Y-%m-%d} 办结，不能再作决定。")


@transaction.atomic
def correct(case: RecordRectificationRequest, *, user=None, correction_made: str, note: str = "",
            on: date | None = None) -> RecordRectificationRequest:
    """第四十一条: 有权更正的行政机关审核属实的，应当予以更正并告知申请人 — what was corrected is recorded and
    goes into the 告知书."""
    case = _lock(case)
    _require(user, case.agency)
    _expect_open(case)
    if not (correction_made or "").strip():
        raise ValidationError({"correction_made": "请填写已更正的内容。"})
    before = _snapshot(case)
    _close(case, user, Decision.CORRECTED, on)
    case.correction_made, case.decision_note = correction_made.strip(), (note or "").strip()
    case.save()
    record("rectifications.correct", case, before=before, after=_snapshot(case))
    return case


@transaction.atomic
def refuse(case: RecordRectificationRequest, *, user=None, reason: str, note: str = "",
           on: date | None = None) -> RecordRectificationRequest:
    """不予更正: the evidence does not show the record is inaccurate (or the record is not the applicant's own,
    or not government information of this agency); the 告知书 states the reason and the remedies."""
    case = _lock(case)
    _require(user, case.agency)
    _expect_open(case)
    if reason not in RefusalReason.values:
        raise ValidationError({"reason": "请选择不予更正的理由。"})
    if reason == RefusalReason.OTHER and not (note or "").strip():
        raise ValidationError({"note": "选择“其他理由”时请填写说明。"})
    before = _snapshot(case)
    _close(case, user, Decision.REFUSED, on)
    case.refusal_reason, case.decision_note = reason, (note or "").strip()
    case.save()
    record("rectifications.refuse", case, before=before, after=_snapshot(case))
    return case


@transaction.atomic
def transfer(case: RecordRectificationRequest, *, user=None, to_agency: Agency | None = None,
             to_agency_name: str = "", note: str = "", on: date | None = None) -> RecordRectificationRequest:
    """第四十一条: 不属于本行政机关职能范围的，可以转送有权更正的行政机关处理并告知申请人. An agency on the
    platform receives the request as its own case, received the day of the transfer, with the evidence; an
    agency outside the platform is named and the papers go to it outside the system."""
    case = _lock(case)
    _require(user, case.agency)
    _expect_open(case)
    if to_agency is not None and to_agency.pk == case.agency_id:
        raise ValidationError({"to_agency": "不能转送给本机关。"})
    name = to_agency.name if to_agency is not None else (to_agency_name or "").strip()
    if not name:
        raise ValidationError({"to_agency": "请选择或填写有权更正的行政机关。"})
    before = _snapshot(case)
    _close(case, user, Decision.TRANSFERRED, on)
    case.competent_agency_name, case.decision_note = name[:200], (note or "").strip()
    if to_agency is not None:
        successor = _numbered(
            case.decided_on, agency=to_agency, lookup_code=case.lookup_code, channel=case.channel, applicant_type=case.applicant_type,
            applicant_name=case.applicant_name, applicant_phone=case.applicant_phone,
            applicant_email=case.applicant_email, applicant_address=case.applicant_address,
            record_description=case.record_description, inaccuracy=case.inaccuracy, evidence=case.evidence,
            related_request_number=case.related_request_number)
        for item in case.evidence_files.all():
            RectificationEvidence.objects.create(request=successor, file=item.file.name, name=item.name,
                                                 content_type=item.content_type, size=item.size)
        case.transferred_to = successor
        record("rectifications.receive_transfer", successor, after=_snapshot(successor), note=case.number)
    case.save()
    record("rectifications.transfer", case, before=before, after=_snapshot(case), note=name)
    return case


@transaction.atomic
def refer(case: RecordRectificationRequest, *, user=None, competent_agency_name: str, note: str = "",
          on: date | None = None) -> RecordRectificationRequest:
    """第四十一条: …或者告知申请人向有权更正的行政机关提出 — the 告知书 names that agency."""
    case = _lock(case)
    _require(user, case.agency)
    _expect_open(case)
    if not (competent_agency_name or "").strip():
        raise ValidationError({"competent_agency_name": "请填写有权更正的行政机关的名称。"})
    before = _snapshot(case)
    _close(case, user, Decision.REFERRED, on)
    case.competent_agency_name, case.decision_note = competent_agency_name.strip()[:200], (note or "").strip()
    case.save()
    record("rectifications.refer", case, before=before, after=_snapshot(case))
    return case
