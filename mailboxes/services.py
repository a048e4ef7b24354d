"""The one place where letters change. Every change checks the actor's capability (INTERACTION_HANDLE on
the handling agency), runs in a transaction and writes the audit trail. The public form and commands act
without a user (audit.context.acting_as names them).

Deadlines (docs/law/letters-mailbox.md: the reply period, the three-month line):
- the reply period runs from 受理日期 (the day an online letter arrives) for reply_wd(type) working days,
  or the mailbox's own period, plus any extension granted with a reason;
- the one-strike three-month line is 3 calendar months after 受理日期; a letter marked 无效 with a reason, or
  turned into a disclosure request, leaves both clocks."""

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import record
from catalog.attachments import inspect_attachment
from disclosure_requests import services as request_services
from disclosure_requests.models import Outcome
from gongkai import pii
from gongkai.pii import find_pii, mask_pii
from gongkai.public_forms import new_lookup_code
from orgs.scoping import Capability, require_capability
from orgs.sequences import next_serial
from workdays.calendar import add_working_days

from . import conf
from .models import (
    OPEN_STATES,
    InvalidReason,
    Letter,
    LetterAttachment,
    LetterCounter,
    LetterState,
    LetterTransfer,
    LetterType,
    Mailbox,
    Satisfaction,
)

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_MB = 10


@dataclass(frozen=True)
class WriterData:
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""


def _require(user, agency, capability=Capability.INTERACTION_HANDLE) -> None:
    if user is None:  # the public form, commands and demo data act as the system
        return
    require_capability(user, capability, agency)


def reply_period_wd(letter: Letter) -> int:
    return letter.mailbox.reply_wd or conf.reply_wd(letter.letter_type)


def _refresh_clock(letter: Letter) -> None:
    """Due date and 3-month line while the letter is on the clock; neither once it has left it."""
    if letter.state in OPEN_STATES:
        due = add_working_days(letter.received_on, reply_period_wd(letter) + letter.extension_wd,
                               count_start_day=False, start_label="受理")
        letter.due_on, letter.due_trace = due.day, due.trace
        # The same day N months later, or that month's last day (30 Nov + 3 months = 28/29 Feb): relativedelta.
        letter.veto_on = letter.received_on + relativedelta(months=conf.veto_months())
    elif letter.state in (LetterState.INVALID, LetterState.CONVERTED):
        letter.due_on, letter.due_trace, letter.veto_on = None, "", None


def _snapshot(letter: Letter) -> dict:
    # Never the writer's details or the text: the audit trail is read by many staff.
    return {"state": letter.state, "agency": letter.agency_id, "letter_type": letter.letter_type,
            "is_valid": letter.is_valid, "invalid_reason": letter.invalid_reason, "due_on": letter.due_on,
            "replied_on": letter.replied_on, "published": letter.published_at is not None,
            "publication_pending": letter.publication_pending, "satisfaction": letter.satisfaction}


def _save(letter: Letter, action: str, before: dict | None, note: str = "") -> Letter:
    _refresh_clock(letter)
    letter.save()
    record(f"letters.{action}", letter, before=before, after=_snapshot(letter), note=note)
    return letter


def _lock(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("agency", "mailbox").get(pk=letter.pk)


def _expect(letter: Letter, *states: str, action: str) -> None:
    if letter.state not in states:
        raise ValidationError(f"当前状态为“{letter.get_state_display()}”，不能{action}。")


def _issue_number(year: int) -> str:
    # A locked counter row (orgs.sequences), so concurrent letters never share a number on PostgreSQL either.
    return f"LX{year}{next_serial(LetterCounter, year=year):05d}"


def _validate_letter(letter_type: str, subject: str, body: str, writer: WriterData) -> None:
    errors = {}
    if letter_type not in LetterType.values:
        errors["letter_type"] = "请选择来信类型。"
    if not (subject or "").strip():
        errors["subject"] = "请填写标题。"
    if not (body or "").strip():
        errors["body"] = "请填写来信内容。"
    if not (writer.name or "").strip():
        errors["name"] = "请填写姓名。"
    if not (writer.phone or "").strip() and not (writer.email or "").strip():
        errors["phone"] = "联系电话和电子邮箱至少填写一项，以便答复。"
    if errors:
        raise ValidationError(errors)


def _attach(letter: Letter, files) -> None:
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"附件最多 {MAX_ATTACHMENTS} 个。"})
    for name, content in files:
        if len(content) > MAX_ATTACHMENT_MB * 1024 * 1024:
            raise ValidationError({"attachments": f"附件“{name}”超过 {MAX_ATTACHMENT_MB} MB。"})
        try:
            # Checked by content (zip bombs refused from their directory), but a letter's attachment is never
            # searched: no document parser runs on an anonymous upload.
            checked = inspect_attachment(name, content, extract_text=False)
        except ValidationError as error:
            raise ValidationError({"attachments": error.messages}) from error
        attachment = LetterAttachment(letter=letter, name=checked.name, content_type=checked.content_type,
                                      size=len(content))
        attachment.file.save(checked.storage_name, ContentFile(content), save=False)
        attachment.save()


# --- Intake ---------------------------------------------------------------------------------------------


@transaction.atomic
def submit_letter(*, mailbox: Mailbox, writer: WriterData, letter_type: str, subject: str, body: str,
                  consent_to_publish: bool, attachments=(), submitted_at: datetime | None = None,
                  user=None) -> Letter:
    """A letter from the public form (or typed in by staff from paper, with its own date). An online letter
    is received the day it arrives: the reply clock starts at once, before screening (the three-month
    line)."""
    _require(user, mailbox.agency)
    if not mailbox.is_active:
        raise ValidationError("该信箱已停止接收来信。")
    _validate_letter(letter_type, subject, body, writer)
    submitted_at = submitted_at or timezone.now()
    received_on = timezone.localtime(submitted_at).date()
    if received_on > timezone.localdate():
        raise ValidationError("来信日期不能晚于今天。")
    letter = Letter(
        mailbox=mailbox, agency=mailbox.agency, number=_issue_number(received_on.year),
        lookup_code=new_lookup_code(), letter_type=letter_type,
        subject=subject.strip(), body=body.strip(), writer_name=writer.name.strip(),
        writer_phone=(writer.phone or "").strip(), writer_email=(writer.email or "").strip(),
        writer_address=(writer.address or "").strip(), consent_to_publish=bool(consent_to_publish),
        submitted_at=submitted_at, received_on=received_on, handler=user if getattr(user, "pk", None) else None)
    letter.full_clean(exclude=["mailbox", "agency", "handler", "reply_agency", "converted_request",
                               "source_request", "lookup_code", "number"])
    _refresh_clock(letter)
    letter.save()
    _attach(letter, attachments)
    record("letters.submit", letter, after=_snapshot(letter), note=mailbox.name)
    return letter


# --- Handling -------------------------------------------------------------------------------------------


@transaction.atomic
def screen(letter: Letter, *, user=None, valid: bool, reason: str = "", note: str = "",
           letter_type: str | None = None, on: date | None = None) -> Letter:
    """有效 / 无效. An invalid letter needs a reason (the three-month line: only then does it leave the
    clock). A wrong screening can be corrected until the letter is answered; the type may be corrected at the
    same time, which changes the reply period."""
    letter = _lock(letter)
    _require(user, letter.agency)
    _expect(letter, LetterState.SUBMITTED, LetterState.IN_PROGRESS, LetterState.INVALID, action="甄别")
    before = _snapshot(letter)
    on = on or timezone.localdate()
    if on < letter.received_on or on > timezone.localdate():
        raise ValidationError("甄别日期应在受理日期和今天之间。")
    if letter_type:
        if letter_type not in LetterType.values:
            raise ValidationError({"letter_type": "请选择来信类型。"})
        letter.letter_type = letter_type
    if valid:
        letter.is_valid, letter.invalid_reason, letter.invalid_note = True, "", ""
        letter.state = LetterState.IN_PROGRESS
    else:
        if reason not in InvalidReason.values:
            raise ValidationError({"reason": "标记为无效来信须选择理由。"})
        if reason == InvalidReason.OTHER and not (note or "").strip():
            raise ValidationError({"note": "理由为“其他”时请填写说明。"})
        letter.is_valid, letter.invalid_reason, letter.invalid_note = False, reason, (note or "").strip()
        letter.state = LetterState.INVALID
    letter.screened_on = on
    return _save(letter, "screen", before, note=letter.get_invalid_reason_display() if not valid else "有效")


@transaction.atomic
def assign(letter: Letter, *, user=None, to_agency, reason: str = "", on: date | None = None) -> Letter:
    """交办 / 转办 to the agency that must answer. The history is kept; the clock does not restart (the
    writer's wait is what the three-month line measures)."""
    letter = _lock(letter)
    _require(user, letter.agency)
    _expect(letter, *OPEN_STATES, action="交办")
    if letter.is_valid is not True:
        raise ValidationError("请先将来信甄别为有效来信，再交办。")
    if to_agency is None or to_agency.pk == letter.agency_id:
        raise ValidationError({"to_agency": "请选择另一个办理机关。"})
    if not to_agency.is_active_on(timezone.localdate()):
        raise ValidationError({"to_agency": "该机关已撤销，不能交办。"})
    before = _snapshot(letter)
    LetterTransfer.objects.create(letter=letter, from_agency=letter.agency, to_agency=to_agency,
                                  reason=(reason or "").strip(), transferred_on=on or timezone.localdate(),
                                  by=user if getattr(user, "pk", None) else None)
    letter.agency, letter.handler = to_agency, None
    return _save(letter, "assign", before, note=f"交办至{to_agency.name}")


@transaction.atomic
def extend(letter: Letter, *, user=None, working_days: int, reason: str) -> Letter:
    """An extension with a reason (docs/law/letters-mailbox.md), up to GONGKAI_LETTER_MAX_EXTENSION_WD in
    all. It does not move the 3-month line."""
    letter = _lock(letter)
    _require(user, letter.agency)
    _expect(letter, LetterState.IN_PROGRESS, action="延期")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写延期理由。"})
    if working_days < 1 or letter.extension_wd + working_days > conf.max_extension_wd():
        raise ValidationError({"working_days": f"延长期限合计不能超过 {conf.max_extension_wd()} 个工作日。"})
    before = _snapshot(letter)
    letter.extension_wd += working_days
    letter.extension_reason = "；".join(filter(None, [letter.extension_reason, reason.strip()]))[:500]
    return _save(letter, "extend", before, note=reason.strip())


@transaction.atomic
def reply(letter: Letter, *, user=None, text: str, on: date | None = None) -> Letter:
    """答复: the handling agency becomes 答复部门. A late reply is still recorded — the statistics show it."""
    letter = _lock(letter)
    _require(user, letter.agency)
    _expect(letter, LetterState.IN_PROGRESS, action="答复")
    if not (text or "").strip():
        raise ValidationError({"text": "请填写答复内容。"})
    on = on or timezone.localdate()
    if on < letter.received_on or on > timezone.localdate():
        raise ValidationError({"on": "答复日期应在受理日期和今天之间。"})
    before = _snapshot(letter)
    letter.reply_text, letter.replied_on, letter.reply_agency = text.strip(), on, letter.agency
    letter.replied_by = user if getattr(user, "pk", None) else None
    if letter.handler_id is None and getattr(user, "pk", None):
        letter.handler = user
    letter.state = LetterState.ANSWERED
    letter.save()  # the clock fields keep the due date of record for the on-time statistics
    record("letters.reply", letter, before=before, after=_snapshot(letter))
    return letter


def _writer_values(letter: Letter) -> tuple[str, ...]:
    return (letter.writer_name, letter.writer_phone, letter.writer_email, letter.writer_address)


def suggested_public_text(letter: Letter) -> tuple[str, str]:
    """The letter and the reply with personal data masked: the starting point staff edit before publishing."""
    extra = _writer_values(letter)
    return mask_pii(letter.body, extra), mask_pii(letter.reply_text, extra)


def _check_public_text(letter: Letter, public_body: str, public_reply: str) -> None:
    errors = {}
    # The agency's reply often names an office's address (a heuristic hit); the writer's letter may not carry any.
    reply_kinds = tuple(kind for kind in pii.ORDER if kind != pii.ADDRESS)
    for field, text, kinds in (("public_body", public_body, pii.ORDER), ("public_reply", public_reply, reply_kinds)):
        if not (text or "").strip():
            errors[field] = "请填写公开的内容。"
        elif found := find_pii(text, _writer_values(letter), kinds):
            errors[field] = f"内容中含有个人信息（{'、'.join(found)}），请删除或遮盖后再公开。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def propose_publication(letter: Letter, *, user=None, public_body: str, public_reply: str) -> Letter:
    """提请公开: the texts to publish, checked now — with the writer's consent only, and only text in which no
    personal data is found (the writer's own details or any phone, ID, e-mail or card number). Another
    person approves (approve_publication)."""
    letter = _lock(letter)
    _require(user, letter.agency)
    _expect(letter, LetterState.ANSWERED, action="提请公开")
    if not letter.consent_to_publish:
        raise ValidationError("来信人选择了不公开，不能公开本件来信。")
    if letter.published_at is not None:
        raise ValidationError("本件答复已公开。")
    _check_public_text(letter, public_body, public_reply)
    before = _snapshot(letter)
    letter.public_body, letter.public_reply = public_body.strip(), public_reply.strip()
    letter.publication_proposed_by = user if getattr(user, "pk", None) else None
    letter.publication_proposed_at = timezone.now()
    letter.publication_returned_note = ""
    letter.save()
    record("letters.propose_publication", letter, before=before, after=_snapshot(letter))
    return letter


def may_review_publication(letter: Letter, user) -> bool:
    """The reviewer is neither the reply's author nor the person who proposed publishing it."""
    author_ids = {letter.replied_by_id, letter.publication_proposed_by_id} - {None}
    return getattr(user, "pk", None) is not None and user.pk not in author_ids


def awaiting_publication_review(letters, user):
    """Letters whose publication waits for a reviewer, which `user` may review (not the reply's author nor
    the proposer: may_review_publication)."""
    return (letters.filter(publication_proposed_at__isnull=False, published_at__isnull=True)
            .exclude(replied_by=user).exclude(publication_proposed_by=user))


@transaction.atomic
def approve_publication(letter: Letter, *, user) -> Letter:
    """审核公开: a second person approves the proposed texts, which are checked again before they go out."""
    letter = _lock(letter)
    _require(user, letter.agency)
    if not letter.publication_pending:
        raise ValidationError("本件来信没有待审核的公开申请。")
    if not may_review_publication(letter, user):
        raise ValidationError("答复的撰写人或提请公开的人不能审核自己的公开申请，请由其他工作人员审核。")
    if not letter.consent_to_publish:
        raise ValidationError("来信人选择了不公开，不能公开本件来信。")
    _check_public_text(letter, letter.public_body, letter.public_reply)
    before = _snapshot(letter)
    letter.publication_reviewed_by = user
    letter.published_at = timezone.now()
    letter.save()
    record("letters.approve_publication", letter, before=before, after=_snapshot(letter))
    return letter


@transaction.atomic
def return_publication(letter: Letter, *, user, reason: str) -> Letter:
    """退回: the reviewer sends the proposed texts back with a reason; nothing is published."""
    letter = _lock(letter)
    _require(user, letter.agency)
    if not letter.publication_pending:
        raise ValidationError("本件来信没有待审核的公开申请。")
    if not may_review_publication(letter, user):
        raise ValidationError("答复的撰写人或提请公开的人不能审核自己的公开申请，请由其他工作人员审核。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写退回的理由。"})
    before = _snapshot(letter)
    letter.publication_proposed_at = None
    letter.publication_returned_note = reason.strip()[:500]
    letter.save()
    record("letters.return_publication", letter, before=before, after=_snapshot(letter), note=reason.strip())
    return letter


@transaction.atomic
def rate_reply(letter: Letter, *, satisfaction: str, comment: str = "") -> Letter:
    """满意度评价 by the writer (who proved it with the 来信编号 and 查询码): once, after the reply, on the five
    grades of 政务服务“好差评” (国办发〔2019〕51号). A 差评 (不满意 / 非常不满意) is flagged for follow-up."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.state != LetterState.ANSWERED:
        raise ValidationError("来信答复后才能评价。")
    if letter.rated_at is not None:
        raise ValidationError("您已评价过本件来信，每件来信只能评价一次。")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": "请选择满意度。"})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": "评价意见不能超过500字。"})
    before = _snapshot(letter)
    letter.satisfaction, letter.satisfaction_comment, letter.rated_at = satisfaction, comment, timezone.now()
    letter.save()
    # The comment may carry personal data: the trail keeps the grade only.
    record("letters.rate", letter, before=before, after=_snapshot(letter))
    return letter


@transaction.atomic
def unpublish(letter: Letter, *, user=None, reason: str) -> Letter:
    letter = _lock(letter)
    _require(user, letter.agency)
    if letter.published_at is None:
        raise ValidationError("本件来信未公开。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写撤下的理由。"})
    before = _snapshot(letter)
    letter.published_at = None
    letter.publication_proposed_at = None
    letter.save()
    record("letters.unpublish", letter, before=before, after=_snapshot(letter), note=reason.strip())
    return letter


# --- Conversions to and from 依申请公开 -----------------------------------------------------------------


@transaction.atomic
def convert_to_request(letter: Letter, *, user=None, applicant, requested_form: str, delivery_method: str,
                       note: str = ""):
    """A letter that asks for government information is registered as a disclosure request with the
    letter's own date as its submission date (the writer must not lose time), as an online submission
    awaiting confirmation (第三十一条(三)). Staff fill in the identity document the 条例 requires
    (第二十九条), which letters do not collect. The letter leaves the reply clock."""
    letter = _lock(letter)
    _require(user, letter.agency)
    _expect(letter, *OPEN_STATES, action="转为政府信息公开申请")
    before = _snapshot(letter)
    case = request_services.register(
        agency=letter.agency, user=user, channel="online", applicant=applicant,
        description=f"{letter.subject}\n{letter.body}", requested_form=requested_form,
        delivery_method=delivery_method, submitted_on=letter.received_on)
    letter.converted_request, letter.state = case, LetterState.CONVERTED
    return _save(letter, "convert", before, note=(note or "").strip() or f"转为申请 {case.tracking_number}")


@transaction.atomic
def letter_from_request(case, *, user=None, mailbox: Mailbox, letter_type: str = LetterType.COMPLAINT) -> Letter:
    """条例 第三十九条: a “request” that is really a complaint, petition or report is answered as not a
    disclosure request (its own outcome, recorded in disclosure_requests) and handled as a letter, with the
    request's original dates."""
    _require(user, case.agency)
    _require(user, mailbox.agency)
    if case.outcome != Outcome.NOT_PROCESSED_COMPLAINT:
        raise ValidationError("只有已按第三十九条答复为“信访举报投诉类申请”的申请，才能转为来信办理。")
    if Letter.objects.filter(source_request=case).exists():
        raise ValidationError("该申请已转为来信。")
    if letter_type not in LetterType.values:
        raise ValidationError({"letter_type": "请选择来信类型。"})
    person = case.applicant
    received_on = case.received_on or timezone.localtime(case.submitted_at).date()
    letter = Letter(
        mailbox=mailbox, agency=mailbox.agency, number=_issue_number(received_on.year),
        lookup_code=new_lookup_code(), letter_type=letter_type,
        subject=f"来自政府信息公开申请 {case.tracking_number}", body=case.description,
        writer_name=person.name, writer_phone=person.phone or "", writer_email=person.email or "",
        writer_address=person.address or "", consent_to_publish=False, submitted_at=case.submitted_at,
        received_on=received_on, source_request=case, is_valid=True, state=LetterState.IN_PROGRESS,
        screened_on=timezone.localdate())
    _refresh_clock(letter)
    letter.save()
    record("letters.from_request", letter, after=_snapshot(letter), note=f"第三十九条，申请 {case.tracking_number}")
    return letter


# --- Mailboxes ------------------------------------------------------------------------------------------


@transaction.atomic
def create_mailbox(*, agency, user=None, code: str, name: str, kind: str, intro: str = "",
                   reply_wd: int | None = None) -> Mailbox:
    _require(user, agency)
    mailbox = Mailbox(agency=agency, code=code, name=(name or "").strip(), kind=kind, intro=(intro or "").strip(),
                      reply_wd=reply_wd)
    mailbox.full_clean(exclude=["agency"])
    mailbox.save()
    record("letters.mailbox_create", mailbox, after={"code": code, "name": mailbox.name, "reply_wd": reply_wd})
    return mailbox
