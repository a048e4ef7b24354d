"""The one place where 行政复议 / 行政诉讼 records (条例 第五十一条; 表四) are written. Each change checks the
actor's capability for the respondent agency, runs in a transaction and writes the audit trail."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record, snapshot
from orgs.scoping import Capability, require_capability

from .models import Appeal, AppealKind, AppealResult

RECORDED_FIELDS = ["kind", "request", "document", "prior_review", "subject", "body", "case_number", "filed_on",
                   "result", "decided_on", "decision_summary"]


def _require(user, agency) -> None:
    if user is None:  # commands and imports act as the system (audit.context.acting_as)
        return
    require_capability(user, Capability.REQUESTS_HANDLE, agency)


def _document_belongs_to(document, agency) -> bool:
    return document.publisher_id == agency.pk or document.co_publishers.filter(pk=agency.pk).exists()


@transaction.atomic
def create_appeal(*, agency, user=None, kind: str, subject: str, body: str, filed_on: date, case_number: str = "",
                  request=None, document=None, prior_review: Appeal | None = None,
                  decision_summary: str = "") -> Appeal:
    """A new remedy case against `agency`, about one of its requests, one of its documents, or neither
    (e.g. about a failure to publish). A 复议后起诉 names the 行政复议 it follows, which must be against
    the same agency; when it names nothing else it concerns what that review concerned."""
    _require(user, agency)
    errors: dict[str, str] = {}
    if kind not in AppealKind.values:
        errors["kind"] = "请选择类型。"
    if not (subject or "").strip():
        errors["subject"] = "请填写案由。"
    if not (body or "").strip():
        errors["body"] = "请填写复议机关或法院。"
    if filed_on > timezone.localdate():
        errors["filed_on"] = "申请或起诉日期不能晚于今天。"
    if request is not None and document is not None:
        errors["document"] = "相关申请和相关政府信息只能填写其一。"
    if request is not None:
        if request.agency_id != agency.pk:
            errors["request"] = f"申请 {request} 不是{agency.name}办理的申请。"
        elif filed_on < timezone.localtime(request.submitted_at).date():
            errors["filed_on"] = "申请或起诉日期不能早于政府信息公开申请的提交日期。"
    if document is not None and not _document_belongs_to(document, agency):
        errors["document"] = f"“{document.title}”不是{agency.name}发布的政府信息。"
    if kind == AppealKind.LAWSUIT_AFTER_REVIEW:
        if prior_review is None:
            errors["prior_review"] = "复议后起诉须关联此前的行政复议。"
        elif prior_review.kind != AppealKind.ADMIN_REVIEW:
            errors["prior_review"] = "关联的此前案件须为行政复议。"
        elif prior_review.agency_id != agency.pk:
            errors["prior_review"] = "关联的行政复议须以同一机关为被申请人。"
        elif filed_on < prior_review.filed_on:
            errors["filed_on"] = "起诉日期不能早于此前行政复议的申请日期。"
    elif prior_review is not None:
        errors["prior_review"] = "只有“复议后起诉”可以关联此前的行政复议。"
    if errors:
        raise ValidationError(errors)
    if prior_review is not None and request is None and document is None:
        request, document = prior_review.request, prior_review.document
    appeal = Appeal(agency=agency, kind=kind, request=request, document=document, prior_review=prior_review,
                    subject=subject.strip(), body=body.strip(), case_number=(case_number or "").strip(),
                    filed_on=filed_on, decision_summary=(decision_summary or "").strip())
    appeal.full_clean(exclude=["agency", "request", "document", "prior_review"])
    appeal.save()
    record("appeals.create", appeal, after=snapshot(appeal, RECORDED_FIELDS))
    return appeal


@transaction.atomic
def decide_appeal(appeal: Appeal, *, user=None, result: str, decided_on: date | None = None,
                  decision_summary: str = "", case_number: str | None = None) -> Appeal:
    """Record (or correct) the result: 结果维持 / 结果纠正 / 其他结果 with the decision date, or back to
    尚未审结 without one (the model's appeal_decided_iff_result constraint)."""
    appeal = Appeal.objects.select_for_update().select_related("agency").get(pk=appeal.pk)
    _require(user, appeal.agency)
    errors: dict[str, str] = {}
    if result not in AppealResult.values:
        errors["result"] = "请选择结果。"
    elif result == AppealResult.PENDING:
        if decided_on is not None:
            errors["decided_on"] = "尚未审结的案件不填写决定或判决日期。"
    elif decided_on is None:
        errors["decided_on"] = "请填写决定或判决日期。"
    elif decided_on < appeal.filed_on:
        errors["decided_on"] = "决定或判决日期不能早于申请或起诉日期。"
    elif decided_on > timezone.localdate():
        errors["decided_on"] = "决定或判决日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    before = snapshot(appeal, RECORDED_FIELDS)
    appeal.result = result
    appeal.decided_on = decided_on if result != AppealResult.PENDING else None
    appeal.decision_summary = (decision_summary or "").strip()
    if case_number is not None and case_number.strip():
        appeal.case_number = case_number.strip()
    appeal.full_clean(exclude=["agency", "request", "document", "prior_review"])
    appeal.save()
    record("appeals.decide", appeal, before=before, after=snapshot(appeal, RECORDED_FIELDS))
    return appeal
