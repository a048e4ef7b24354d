"""The one place where consultations, their comments and feedback, and the 回应关切 records change. Each
change checks INTERACTION_HANDLE on the agency, runs in a transaction and writes the audit trail."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record
from gongkai.pii import mask_pii
from orgs.scoping import Capability, require_capability
from workdays.calendar import add_working_days, count_working_days

from . import conf
from .models import (
    Adoption,
    CommentStatus,
    Consultation,
    ConsultationComment,
    ConsultationFeedback,
    ConsultationKind,
    ConsultationState,
    PublicConcernResponse,
    ResponseChannel,
    ResponseEvent,
)


def _require(user, agency) -> None:
    if user is None:
        return
    require_capability(user, Capability.INTERACTION_HANDLE, agency)


# --- Period rules ---------------------------------------------------------------------------------------
# 《规章制定程序条例》第十五条, 《重大行政决策程序暂行条例》第十五条 and 《优化营商环境条例》第六十二条: a
# period of generally not less than 30 days; 行政规范性文件: 7 working days (法治政府建设示范指标). The
# period is what the public actually has: from publication (or the planned opening, when later) to the
# closing day, both ends counted. A shorter one needs a recorded reason (《重大行政决策程序暂行条例》第十五条:
# “因情况紧急等原因需要缩短期限的，公开征求意见时应当予以说明”), shown with the draft.


@dataclass(frozen=True)
class PeriodCheck:
    days: int  # calendar days, both ends counted
    working_days: int
    minimum: str  # e.g. "30 日", "7 个工作日", "" when the kind has none
    short: bool
    starts_on: date | None = None  # the first day counted
    planned: bool = True  # False once counted from the actual publication
    rule: conf.PeriodRule | None = None  # which rule sets the minimum, and its source

    @property
    def source(self) -> str:
        return self.rule.source if self.rule else ""


def check_period(kind: str, opens_on: date, closes_on: date, *, published_on: date | None = None) -> PeriodCheck:
    """The period from `opens_on` (or from `published_on`, the day the draft actually went public, when that
    is later) to `closes_on`, against the minimum for `kind`."""
    start = max(opens_on, published_on) if published_on else opens_on
    days = max((closes_on - start).days + 1, 0)
    wd = count_working_days(start, closes_on, include_start=True) if closes_on >= start else 0
    planned = published_on is None
    rule = conf.rule_for(kind)
    if rule is None:
        return PeriodCheck(days, wd, "", False, start, planned)
    if rule.unit == "days":
        return PeriodCheck(days, wd, f"{rule.minimum} 日", days < rule.minimum, start, planned, rule)
    return PeriodCheck(days, wd, f"{rule.minimum} 个工作日", wd < rule.minimum, start, planned, rule)


def published_on(consultation: Consultation) -> date | None:
    if consultation.published_at is None:
        return None
    return timezone.localtime(consultation.published_at).date()


def period_of(consultation: Consultation) -> PeriodCheck:
    """The period as planned for a draft, and as the public had it once published."""
    return check_period(consultation.kind, consultation.opens_on, consultation.closes_on,
                        published_on=published_on(consultation))


def _short_message(kind, check: PeriodCheck) -> str:
    start = "" if check.planned else f"自实际发布日 {check.starts_on:%Y-%m-%d} 起算，"
    return (f"{ConsultationKind(kind).label}征求意见期限一般不少于 {check.minimum}（{check.source}）；"
            f"{start}本次 {check.days} 日、{check.working_days} 个工作日。缩短期限须说明理由，"
            "或延长征集截止日期。")


def _validate(kind, title, draft_text, opens_on, closes_on, shortening_reason, published_on=None) -> PeriodCheck:
    errors = {}
    if kind not in ConsultationKind.values:
        errors["kind"] = "请选择征集类型。"
    if not (title or "").strip():
        errors["title"] = "请填写标题。"
    if not (draft_text or "").strip():
        errors["draft_text"] = "请填写草案内容。"
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = "截止日期不能早于开始日期。"
    if errors:
        raise ValidationError(errors)
    check = check_period(kind, opens_on, closes_on, published_on=published_on)
    if check.short and not (shortening_reason or "").strip():
        raise ValidationError({"shortening_reason": _short_message(kind, check)})
    return check


def _period_record(check: PeriodCheck) -> dict:
    return {"starts_on": check.starts_on, "days": check.days, "working_days": check.working_days,
            "minimum": check.minimum, "rule": check.source, "short": check.short}


@transaction.atomic
def create_consultation(*, agency, user=None, title: str, kind: str, draft_text: str, opens_on: date,
                        closes_on: date, explanation: str = "", shortening_reason: str = "") -> Consultation:
    _require(user, agency)
    check = _validate(kind, title, draft_text, opens_on, closes_on, shortening_reason)
    consultation = Consultation(agency=agency, title=title.strip(), kind=kind, draft_text=draft_text.strip(),
                                explanation=(explanation or "").strip(), opens_on=opens_on, closes_on=closes_on,
                                shortening_reason=(shortening_reason or "").strip())
    consultation.full_clean(exclude=["agency", "final_document"])
    consultation.save()
    record("consultations.create", consultation, after={"kind": kind, "opens_on": opens_on, "closes_on": closes_on,
                                                          "shortening_reason": consultation.shortening_reason,
                                                          "period": _period_record(check)})
    return consultation


def _lock(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().select_related("agency").get(pk=consultation.pk)


@transaction.atomic
def publish_consultation(consultation: Consultation, *, user=None, on: date | None = None,
                         closes_on: date | None = None, shortening_reason: str | None = None) -> Consultation:
    """Opens the draft to the public. The period is checked again from the day it actually goes public (a
    draft planned for 1 March and published on 20 March gives the public only what is left), so a late
    publication needs a later closing day (`closes_on`) or a recorded reason (`shortening_reason`); either
    change is audited with the period as published. The feedback deadline is set:
    GONGKAI_CONSULTATION_FEEDBACK_WD working days after the period. `on` records a past publication
    (imports, demo data)."""
    consultation = _lock(consultation)
    _require(user, consultation.agency)
    today = timezone.localdate()
    on = on or today
    if consultation.state != ConsultationState.DRAFT:
        raise ValidationError("该征集已发布。")
    if on > today:
        raise ValidationError("发布日期不能晚于今天。")
    before = {"closes_on": consultation.closes_on, "shortening_reason": consultation.shortening_reason}
    if closes_on is not None:
        consultation.closes_on = closes_on
    if shortening_reason is not None and shortening_reason.strip():
        consultation.shortening_reason = shortening_reason.strip()[:500]
    if consultation.closes_on < on:
        raise ValidationError({"closes_on": "征集截止日期已过，请修改期限后再发布。"})
    check = _validate(consultation.kind, consultation.title, consultation.draft_text, consultation.opens_on,
                      consultation.closes_on, consultation.shortening_reason, published_on=on)
    consultation.state = ConsultationState.PUBLISHED
    consultation.published_at = timezone.now() if on == today else timezone.make_aware(
        datetime.combine(on, datetime.min.time()))
    consultation.feedback_due_on = add_working_days(consultation.closes_on, conf.feedback_wd()).day
    consultation.save()
    changed = {k: v for k, v in (("closes_on", consultation.closes_on),
                                 ("shortening_reason", consultation.shortening_reason)) if before[k] != v}
    record("consultations.publish", consultation,
           before={k: before[k] for k in changed} or None,
           after={"state": consultation.state, "published_on": on, "feedback_due_on": consultation.feedback_due_on,
                  "period": _period_record(check), "shortening_reason": consultation.shortening_reason, **changed},
           note=consultation.shortening_reason if check.short else "")
    return consultation


def is_open_for_comments(consultation: Consultation, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (consultation.state == ConsultationState.PUBLISHED
            and consultation.opens_on <= today <= consultation.closes_on)


def phase(consultation: Consultation, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if consultation.state == ConsultationState.DRAFT:
        return "未发布"
    if consultation.state == ConsultationState.CLOSED:
        return "已结束"
    if today < consultation.opens_on:
        return "即将开始"
    if today <= consultation.closes_on:
        return "正在征集"
    if hasattr(consultation, "feedback"):
        return "已公布反馈"
    return "征集结束，待公布反馈"


def feedback_overdue(consultation: Consultation, today: date | None = None) -> bool:
    """Late publication of 征集 results is deducted (docs/law/consultations.md §2)."""
    today = today or timezone.localdate()
    return (consultation.state == ConsultationState.PUBLISHED and consultation.feedback_due_on is not None
            and today > consultation.feedback_due_on and not hasattr(consultation, "feedback"))


# --- Comments -------------------------------------------------------------------------------------------


@transaction.atomic
def submit_comment(consultation: Consultation, *, body: str, name: str = "", contact: str = "",
                   submitted_at: datetime | None = None) -> ConsultationComment:
    """A comment from the public, hidden until moderated. Name and contact are optional and never shown."""
    submitted_at = submitted_at or timezone.now()
    if not is_open_for_comments(consultation, timezone.localtime(submitted_at).date()):
        raise ValidationError("该征集不在征求意见期间，不能提交意见。")
    if not (body or "").strip():
        raise ValidationError({"body": "请填写意见内容。"})
    comment = ConsultationComment.objects.create(
        consultation=consultation, body=body.strip(), commenter_name=(name or "").strip(),
        commenter_contact=(contact or "").strip(), submitted_at=submitted_at)
    record("consultations.comment", consultation, after={"comment": comment.pk})
    return comment


def _lock_comment(comment: ConsultationComment) -> ConsultationComment:
    return (ConsultationComment.objects.select_for_update().select_related("consultation__agency")
            .get(pk=comment.pk))


@transaction.atomic
def moderate_comment(comment: ConsultationComment, *, user=None, approve: bool, reason: str = "",
                     public_body: str = "") -> ConsultationComment:
    """Approved comments are shown with personal data masked (the commenter's own details and any phone,
    ID, e-mail or card number); a hidden comment needs a reason. Hidden comments still count as received
    when they are real opinions — the moderator decides adoption for those too."""
    comment = _lock_comment(comment)
    _require(user, comment.consultation.agency)
    extra = (comment.commenter_name, comment.commenter_contact)
    if approve:
        comment.status, comment.moderation_reason = CommentStatus.APPROVED, ""
        comment.public_body = mask_pii((public_body or "").strip() or comment.body, extra)
    else:
        if not (reason or "").strip():
            raise ValidationError({"reason": "不予显示须说明理由。"})
        comment.status, comment.moderation_reason, comment.public_body = CommentStatus.REJECTED, reason.strip(), ""
    comment.save()
    record("consultations.moderate", comment.consultation,
           after={"comment": comment.pk, "status": comment.status}, note=comment.moderation_reason)
    return comment


@transaction.atomic
def decide_comment(comment: ConsultationComment, *, user=None, adoption: str,
                   rejection_reason: str = "") -> ConsultationComment:
    """采纳 / 部分采纳 / 未采纳; anything short of adoption needs its reason (docs/law/consultations.md §2)."""
    comment = _lock_comment(comment)
    _require(user, comment.consultation.agency)
    if adoption not in Adoption.values:
        raise ValidationError({"adoption": "请选择采纳情况。"})
    if adoption != Adoption.ADOPTED and not (rejection_reason or "").strip():
        raise ValidationError({"rejection_reason": "未采纳或部分采纳的意见须说明理由。"})
    comment.adoption, comment.rejection_reason = adoption, (rejection_reason or "").strip()
    comment.save()
    record("consultations.decide", comment.consultation, after={"comment": comment.pk, "adoption": adoption})
    return comment


# --- Feedback and closing -------------------------------------------------------------------------------


@transaction.atomic
def publish_feedback(consultation: Consultation, *, user=None, summary: str, rejection_reason: str = "",
                     offline_adopted: int = 0, offline_partly: int = 0, offline_not_adopted: int = 0,
                     on: date | None = None) -> ConsultationFeedback:
    """采纳情况反馈 after the period: every online comment moderated, every approved one decided; counts are
    those decisions plus the comments received otherwise; reasons for not adopting are required."""
    consultation = _lock(consultation)
    _require(user, consultation.agency)
    on = on or timezone.localdate()
    if consultation.state != ConsultationState.PUBLISHED:
        raise ValidationError("只有已发布的征集可以公布反馈。")
    if on <= consultation.closes_on:
        raise ValidationError("征求意见期限届满后才能公布采纳情况。")
    if hasattr(consultation, "feedback"):
        raise ValidationError("反馈已公布。")
    comments = list(consultation.comments.all())
    if any(c.status == CommentStatus.PENDING for c in comments):
        raise ValidationError("还有待审核的意见，请先审核。")
    considered = [c for c in comments if c.status == CommentStatus.APPROVED]
    if any(not c.adoption for c in considered):
        raise ValidationError("还有意见未确定采纳情况。")
    if min(offline_adopted, offline_partly, offline_not_adopted) < 0:
        raise ValidationError("条数不能为负数。")
    adopted = offline_adopted + sum(c.adoption == Adoption.ADOPTED for c in considered)
    partly = offline_partly + sum(c.adoption == Adoption.PARTLY for c in considered)
    not_adopted = offline_not_adopted + sum(c.adoption == Adoption.NOT_ADOPTED for c in considered)
    if not (summary or "").strip():
        raise ValidationError({"summary": "请填写采纳情况说明。"})
    # Online comments carry their own reasons; those received otherwise need the overall one.
    if offline_partly + offline_not_adopted and not (rejection_reason or "").strip():
        raise ValidationError({"rejection_reason": "请说明未采纳意见的理由。"})
    feedback = ConsultationFeedback.objects.create(
        consultation=consultation, received_count=adopted + partly + not_adopted, adopted_count=adopted,
        partly_count=partly, not_adopted_count=not_adopted, summary=summary.strip(),
        rejection_reason=(rejection_reason or "").strip(), published_on=on)
    record("consultations.feedback", consultation,
           after={"received": feedback.received_count, "adopted": adopted, "partly": partly,
                  "not_adopted": not_adopted, "late": bool(consultation.feedback_due_on
                                                           and on > consultation.feedback_due_on)})
    return feedback


@transaction.atomic
def close_consultation(consultation: Consultation, *, user=None, final_document=None,
                       on: date | None = None) -> Consultation:
    """Only after the feedback is public (docs/law/consultations.md §2). The final document, when given, must
    be the agency's."""
    consultation = _lock(consultation)
    _require(user, consultation.agency)
    if consultation.state != ConsultationState.PUBLISHED:
        raise ValidationError("只有已发布的征集可以结束。")
    if not ConsultationFeedback.objects.filter(consultation=consultation).exists():
        raise ValidationError("须先公布意见采纳情况反馈，才能结束征集。")
    if final_document is not None:
        _check_document(consultation, final_document)
        consultation.final_document = final_document
    consultation.state, consultation.closed_on = ConsultationState.CLOSED, on or timezone.localdate()
    consultation.save()
    record("consultations.close", consultation,
           after={"state": consultation.state, "final_document": consultation.final_document_id})
    return consultation


def _check_document(consultation, document) -> None:
    if document.publisher_id != consultation.agency_id:
        raise ValidationError({"final_document": "最终文件须由征集机关发布。"})


@transaction.atomic
def link_final_document(consultation: Consultation, *, user=None, document) -> Consultation:
    consultation = _lock(consultation)
    _require(user, consultation.agency)
    _check_document(consultation, document)
    consultation.final_document = document
    consultation.save()
    record("consultations.link_document", consultation, after={"final_document": document.pk})
    return consultation


# --- 回应关切 (docs/law/consultations.md §3) --------------------------------------------------------------


@transaction.atomic
def record_concern(*, agency, user=None, topic: str, occurred_at: datetime, is_major: bool = False,
                   authoritative_at=None, press_conference_at=None, responded_at=None, channels=(),
                   response: str = "") -> PublicConcernResponse:
    _require(user, agency)
    errors = {}
    if not (topic or "").strip():
        errors["topic"] = "请填写热点或舆情。"
    for name, value in (("authoritative_at", authoritative_at), ("press_conference_at", press_conference_at),
                        ("responded_at", responded_at)):
        if value is not None and value < occurred_at:
            errors[name] = "时间不能早于发生时间。"
    bad = [c for c in channels if c not in ResponseChannel.values]
    if bad:
        errors["channels"] = "回应渠道不正确。"
    if errors:
        raise ValidationError(errors)
    concern = PublicConcernResponse.objects.create(
        agency=agency, topic=topic.strip(), occurred_at=occurred_at, is_major=is_major,
        authoritative_at=authoritative_at, press_conference_at=press_conference_at,
        responded_at=responded_at or authoritative_at, channels=sorted(set(channels)),
        response=(response or "").strip())
    record("consultations.concern", concern, after={"topic": concern.topic, "is_major": is_major})
    return concern


@dataclass(frozen=True)
class Timer:
    label: str
    limit: timedelta
    at: datetime | None
    met: bool | None  # None: not yet done and not yet late


def timers(concern: PublicConcernResponse, now: datetime | None = None) -> list[Timer]:
    """The public-concern timers (docs/law/consultations.md §3): 5 h / 24 h for major incidents, 48 h for
    other 政务舆情."""
    now = now or timezone.now()

    def timer(label, hours, at):
        limit = timedelta(hours=hours)
        if at is not None:
            return Timer(label, limit, at, at - concern.occurred_at <= limit)
        return Timer(label, limit, None, False if now - concern.occurred_at > limit else None)

    if concern.is_major:
        return [timer("发布权威信息（5小时内）", conf.AUTHORITATIVE_HOURS, concern.authoritative_at),
                timer("召开新闻发布会（24小时内）", conf.PRESS_CONFERENCE_HOURS, concern.press_conference_at)]
    return [timer("回应（48小时内）", conf.ORDINARY_RESPONSE_HOURS, concern.responded_at)]


@transaction.atomic
def record_event(model, *, agency, user=None, title: str, held_on: date, head_attended: bool = False,
                 concern=None):
    """A 新闻发布会 or an 在线访谈 (legacy rows 14–17)."""
    if not issubclass(model, ResponseEvent) or model._meta.abstract:
        raise ValueError(model)
    _require(user, agency)
    if not (title or "").strip():
        raise ValidationError({"title": "请填写主题。"})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "日期不能晚于今天。"})
    event = model.objects.create(agency=agency, title=title.strip(), held_on=held_on, head_attended=head_attended,
                                 concern=concern)
    record(f"consultations.{model._meta.model_name}", event, after={"title": event.title, "held_on": held_on,
                                                                    "head_attended": head_attended})
    return event
