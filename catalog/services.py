"""The one place where government information (Document) changes state.

Workflow: 起草 → 保密审查 → 审核 → 发布; 退回 to 起草 with a reason; 撤回 a published item (the public then
gets 410); 废止/失效/修改 change its validity (the public page stays, marked). Every transition checks the
actor's capability for the document's agency, refuses the drafter approving their own document, runs in
a transaction and writes the audit trail. The search index follows every change after commit."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import record, snapshot
from orgs.scoping import Capability, require_capability
from orgs.sequences import next_serial, reserve_up_to
from workdays.calendar import count_working_days_detail

from . import pii_review
from .attachments import inspect_attachment
from .models import (
    INTERPRETATION_GENRE,
    Attachment,
    DisclosureAttribute,
    Document,
    DocumentKind,
    DocumentStatus,
    IndexCounter,
    InterpretationForm,
    LifecycleEvent,
    LocalItem,
    NormativeEvent,
    PublicationChannel,
    Validity,
)
from .numbers import document_number_error, format_index_number, normalise_document_number
from .sanitising import clean_html, clean_text, html_to_text
from .signals import document_changed

EDITABLE_FIELDS = [
    "title", "document_number", "summary", "keywords", "kind", "genre", "topic", "statutory_item", "local_items",
    "disclosure_attribute", "withholding_ground", "legal_basis", "review_due_on", "channels", "written_on",
    "formed_or_changed_on", "generated_on", "publish_deadline_wd", "late_reason", "effective_from",
    "effective_to", "is_policy_document", "interpretation_not_needed", "interpretation_forms", "body",
]
NORMATIVE_KINDS = (DocumentKind.RULE, DocumentKind.NORMATIVE_DOCUMENT)


@dataclass
class Outcome:
    document: Document
    warnings: list[str] = field(default_factory=list)


def _require(user, capability, document_or_agency):
    if user is None:  # commands, imports and tasks act as the system, under audit.context.acting_as
        return
    agency = getattr(document_or_agency, "publisher", document_or_agency)
    require_capability(user, capability, agency)


def _index_after_commit(document: Document) -> None:
    document_id = document.pk
    # The search app re-indexes it (search.apps); catalog does not import search.
    transaction.on_commit(lambda: document_changed.send(sender=Document, document_id=document_id))


def _clean_fields(document: Document) -> None:
    """Normalise and validate the editable metadata; raises ValidationError naming the fields."""
    errors: dict[str, list[str]] = {}
    document.title = clean_text(document.title)
    if not document.title:
        errors.setdefault("title", []).append("标题不能为空。")
    document.document_number = normalise_document_number(clean_text(document.document_number))
    if problem := document_number_error(document.document_number):
        errors.setdefault("document_number", []).append(problem)
    document.document_number_key = document.document_number
    document.summary = clean_text(document.summary)
    document.keywords = clean_text(document.keywords)
    document.body = clean_html(document.body)
    document.body_text = html_to_text(document.body)
    if document.disclosure_attribute != DisclosureAttribute.PROACTIVE:
        # 国办发〔2016〕80号: 依申请公开 / 不予公开 need a legal reason.
        if not document.withholding_ground and document.disclosure_attribute == DisclosureAttribute.WITHHELD:
            errors.setdefault("withholding_ground", []).append("不予公开的信息必须选择不予公开理由。")
        if not document.legal_basis.strip():
            errors.setdefault("legal_basis", []).append("非主动公开的信息必须填写法律依据。")
    else:
        document.withholding_ground = ""
    for name, allowed, label in (("channels", PublicationChannel.values, "公开渠道"),
                                 ("local_items", LocalItem.values, "第二十一条事项"),
                                 ("interpretation_forms", InterpretationForm.values, "解读形式")):
        values = getattr(document, name) or []
        if not isinstance(values, list) or any(v not in allowed for v in values):
            errors.setdefault(name, []).append(f"{label}包含无效的值。")
    if document.effective_from and document.effective_to and document.effective_to < document.effective_from:
        errors.setdefault("effective_to", []).append("有效期至不能早于施行日期。")
    if document.formed_or_changed_on is None:
        document.formed_or_changed_on = document.written_on
    if document.generated_on is None:
        document.generated_on = document.written_on
    if errors:
        raise ValidationError(errors)
    document.full_clean(exclude=["publisher", "genre", "created_by", "replaced_by"], validate_unique=False)


def duplicate_number_warning(document: Document) -> str | None:
    if not document.document_number:
        return None
    clash = (Document.objects.filter(publisher_id=document.publisher_id, document_number_key=document.document_number_key)
             .exclude(pk=document.pk).exclude(status=DocumentStatus.WITHDRAWN).first())
    if clash:
        return f"本机关已有文号相同的信息：“{clash.title}”（{clash.document_number}），请核对。"
    return None


@transaction.atomic
def create_draft(*, publisher, user=None, co_publishers=(), **fields) -> Outcome:
    _require(user, Capability.CATALOG_DRAFT, publisher)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{', '.join(sorted(unknown))}")
    document = Document(publisher=publisher, created_by=user if getattr(user, "pk", None) else None, **fields)
    _clean_fields(document)
    document.save()
    if co_publishers:
        document.co_publishers.set(co_publishers)
    record("catalog.document.create", document, after=snapshot(document, ["title", "document_number", "status"]))
    warnings = [w for w in [duplicate_number_warning(document)] if w]
    return Outcome(document, warnings)


def _lock(document: Document) -> Document:
    return Document.objects.select_for_update().select_related("genre", "publisher").get(pk=document.pk)


@transaction.atomic
def update_draft(document: Document, *, user=None, co_publishers=None, **changes) -> Outcome:
    document = _lock(document)
    _require(user, Capability.CATALOG_DRAFT if document.status == DocumentStatus.DRAFT else Capability.CATALOG_REVIEW,
             document)
    if document.status in (DocumentStatus.PUBLISHED, DocumentStatus.WITHDRAWN):
        raise ValidationError("已发布或已撤回的信息不能直接修改；如需更正，请发布修订版本或变更有效性。")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{', '.join(sorted(unknown))}")
    before = snapshot(document)
    for name, value in changes.items():
        setattr(document, name, value)
    _clean_fields(document)
    document.save()
    if co_publishers is not None:
        document.co_publishers.set(co_publishers)
    after = snapshot(document)
    if after != before:
        record("catalog.document.update", document, before=before, after=after)
    return Outcome(document, [w for w in [duplicate_number_warning(document)] if w])


def _transition(document: Document, action: str, new_status: str, *, note: str = "", **extra) -> None:
    before = {"status": document.status}
    document.status = new_status
    for name, value in extra.items():
        setattr(document, name, value)
    document.save()
    record(f"catalog.document.{action}", document, before=before, after={"status": new_status, **extra},
           note=note)


def _not_the_drafter(document: Document, user, what: str) -> None:
    if user is not None and document.created_by_id and document.created_by_id == user.pk:
        raise ValidationError(f"起草人不能{what}自己起草的信息。")


@transaction.atomic
def submit(document: Document, *, user=None) -> Outcome:
    document = _lock(document)
    _require(user, Capability.CATALOG_DRAFT, document)
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError("只有起草中的信息可以提交保密审查。")
    _transition(document, "submit", DocumentStatus.SECRECY_REVIEW)
    return Outcome(document)


@transaction.atomic
def pass_secrecy_review(document: Document, *, user=None, note: str = "") -> Outcome:
    document = _lock(document)
    _require(user, Capability.CATALOG_REVIEW, document)
    _not_the_drafter(document, user, "审查")
    if document.status != DocumentStatus.SECRECY_REVIEW:
        raise ValidationError("该信息不在保密审查环节。")
    pii_review.require_decisions(document, "通过保密审查")  # every personal-data hit decided
    _transition(document, "secrecy_review", DocumentStatus.REVIEW, note=note or "保密审查通过")
    return Outcome(document)


@transaction.atomic
def return_to_draft(document: Document, *, user=None, reason: str) -> Outcome:
    document = _lock(document)
    _require(user, Capability.CATALOG_REVIEW, document)
    if document.status not in (DocumentStatus.SECRECY_REVIEW, DocumentStatus.REVIEW):
        raise ValidationError("只有审查或审核中的信息可以退回。")
    if not (reason or "").strip():
        raise ValidationError("退回必须说明理由。")
    _transition(document, "return", DocumentStatus.DRAFT, note=reason.strip())
    return Outcome(document)


def _allocate_index_number(document: Document, year: int) -> None:
    serial = next_serial(IndexCounter, agency_id=document.publisher_id, year=year)
    document.index_year = year
    document.index_serial = serial
    document.index_number = format_index_number(document.publisher.effective_index_prefix, year, serial)


def _reserve_serial(document: Document, index_number: str, fallback_year: int) -> None:
    """A legacy 索引号 in the agency's own current format takes its serial, so that later publications in
    that year continue after it; any other format is kept as text only."""
    document.index_year = fallback_year
    match = re.search(r"(\d{4})\D+(\d+)$", index_number)
    if not match:
        return
    year, serial = int(match[1]), int(match[2])
    if format_index_number(document.publisher.effective_index_prefix, year, serial) != index_number:
        return
    reserve_up_to(IndexCounter, serial, agency_id=document.publisher_id, year=year)
    document.index_year, document.index_serial = year, serial


def publication_blockers(document: Document) -> list[str]:
    """条例 第十二条, the catalogue record rule (docs/law/proactive-disclosure.md §3): a catalogue record needs
    索引、名称、内容概述、生成日期 (the index is assigned here)."""
    problems = []
    if not document.title:
        problems.append("缺少标题。")
    if not document.summary:
        problems.append("缺少内容概述（政府信息公开目录必备项）。")
    if not (document.generated_on or document.written_on):
        problems.append("缺少生成日期或成文日期。")
    # 工作动态 are news, not 法定主动公开内容; everything else proactive belongs to an item of 第二十条.
    if document.statutory_item is None and document.disclosure_attribute == DisclosureAttribute.PROACTIVE \
            and document.genre.column_type != "news":
        problems.append("请选择所属的第二十条事项（法定主动公开内容）。")
    return problems


def publication_warnings(document: Document) -> list[str]:
    warnings = []
    if settings.GONGKAI_WARN_MISSING_INTERPRETATION and document.needs_interpretation \
            and not document.interpretation_not_needed and not document.interpretations.exists():
        warnings.append("行政规范性文件或政策性文件尚无关联的政策解读（三同步）；如无需解读请说明理由。")
    if document.is_late:
        limit = document.publish_deadline_wd or settings.GONGKAI_PROACTIVE_PUBLISH_WD
        warnings.append(f"自形成之日起 {document.publication_lag_wd} 个工作日才发布，超过第二十六条规定的 {limit} 个工作日。")
    if duplicate := duplicate_number_warning(document):
        warnings.append(duplicate)
    return warnings


def _publication_lag(document: Document) -> int | None:
    start = document.formed_or_changed_on or document.written_on
    if start is None or document.published_on is None or document.published_on < start:
        return None if start is None or document.published_on is None else 0
    return count_working_days_detail(start, document.published_on).count


@transaction.atomic
def publish(document: Document, *, user=None, on: date | None = None) -> Outcome:
    """审核通过并发布. `on` exists for imports of already-published catalogues; the portal's date is
    otherwise stamped by the system and immutable (the serious errors rule, docs/law/web.md §2)."""
    document = _lock(document)
    _require(user, Capability.CATALOG_REVIEW, document)
    _not_the_drafter(document, user, "审核发布")
    if document.status != DocumentStatus.REVIEW:
        raise ValidationError("只有通过保密审查、处于审核环节的信息可以发布。")
    if problems := publication_blockers(document):
        raise ValidationError(problems)
    pii_review.require_decisions(document, "发布")  # again: the text or the attachments may have changed since
    now = timezone.now()
    document.published_on = on or timezone.localdate(now)
    document.published_at = now
    document.generated_on = document.generated_on or document.written_on
    _allocate_index_number(document, document.published_on.year)
    document.publication_lag_wd = _publication_lag(document)
    _transition(document, "publish", DocumentStatus.PUBLISHED, index_number=document.index_number,
                published_on=document.published_on, publication_lag_wd=document.publication_lag_wd)
    if document.kind in NORMATIVE_KINDS and not document.events.filter(event=LifecycleEvent.ISSUED).exists():
        NormativeEvent.objects.create(document=document, event=LifecycleEvent.ISSUED,
                                      on=document.written_on or document.published_on)
    _index_after_commit(document)
    return Outcome(document, publication_warnings(document))


@transaction.atomic
def withdraw(document: Document, *, user=None, reason: str) -> Outcome:
    document = _lock(document)
    _require(user, Capability.CATALOG_REVIEW, document)
    if document.status != DocumentStatus.PUBLISHED:
        raise ValidationError("只有已发布的信息可以撤回。")
    if not (reason or "").strip():
        raise ValidationError("撤回必须说明理由。")
    _transition(document, "withdraw", DocumentStatus.WITHDRAWN, note=reason.strip(),
                withdrawn_reason=reason.strip(), withdrawn_at=timezone.now())
    _index_after_commit(document)
    return Outcome(document)


VALIDITY_EVENTS = {Validity.REPEALED: LifecycleEvent.REPEALED, Validity.EXPIRED: LifecycleEvent.EXPIRED,
                   Validity.AMENDED: LifecycleEvent.REVISED}


@transaction.atomic
def change_validity(document: Document, *, user=None, validity: str, on: date, replaced_by: Document | None = None,
                    note: str = "") -> Outcome:
    """废止 / 失效 / 已修改 (the validity marking rule, docs/law/web.md §1): the public page stays, marked, and
    links to the replacement. For 规章 and 行政规范性文件 the change is a lifecycle event that 表二 counts."""
    document = _lock(document)
    _require(user, Capability.CATALOG_REVIEW, document)
    if document.status != DocumentStatus.PUBLISHED:
        raise ValidationError("只有已发布的信息可以变更有效性。")
    if validity not in Validity.values or validity == Validity.IN_FORCE:
        raise ValidationError("有效性只能变更为已修改、已废止或失效。")
    if document.validity in (Validity.REPEALED, Validity.EXPIRED):
        raise ValidationError(f"该信息已{document.get_validity_display()}，不能再次变更。")
    if replaced_by is not None and replaced_by.pk == document.pk:
        raise ValidationError("替代文件不能是本文件。")
    if on is None:
        raise ValidationError("请填写生效日期。")
    before = snapshot(document, ["validity", "effective_to", "replaced_by"])
    document.validity = validity
    document.replaced_by = replaced_by
    if validity in (Validity.REPEALED, Validity.EXPIRED):
        document.effective_to = on
    document.save()
    if document.kind in NORMATIVE_KINDS:
        NormativeEvent.objects.create(document=document, event=VALIDITY_EVENTS[Validity(validity)], on=on,
                                      related_document=replaced_by, note=note)
    record("catalog.document.validity", document, before=before,
           after=snapshot(document, ["validity", "effective_to", "replaced_by"]), note=note)
    _index_after_commit(document)
    return Outcome(document)


@transaction.atomic
def link_interpretation(interpretation: Document, documents, *, user=None) -> Outcome:
    """One relation rendered on both pages (the interpretations linked both ways rule, docs/law/web.md §1)."""
    interpretation = _lock(interpretation)
    _require(user, Capability.CATALOG_DRAFT if interpretation.status == DocumentStatus.DRAFT
             else Capability.CATALOG_REVIEW, interpretation)
    if interpretation.genre.code != INTERPRETATION_GENRE:
        raise ValidationError("只有体裁为“政策解读”的信息可以关联被解读文件。")
    documents = list(documents)
    if any(d.pk == interpretation.pk for d in documents):
        raise ValidationError("解读不能关联自身。")
    if any(d.genre.code == INTERPRETATION_GENRE for d in documents):
        raise ValidationError("被解读文件不能是另一篇解读。")
    before = sorted(interpretation.interprets.values_list("pk", flat=True))
    interpretation.interprets.set(documents)
    record("catalog.document.interprets", interpretation, before={"interprets": before},
           after={"interprets": sorted(d.pk for d in documents)})
    return Outcome(interpretation)


@transaction.atomic
def add_attachment(document: Document, *, user=None, name: str, content: bytes) -> Attachment:
    document = _lock(document)
    _require(user, Capability.CATALOG_DRAFT if document.status == DocumentStatus.DRAFT
             else Capability.CATALOG_REVIEW, document)
    if document.status in (DocumentStatus.PUBLISHED, DocumentStatus.WITHDRAWN):
        raise ValidationError("已发布的信息不能再增加附件。")
    inspected = inspect_attachment(name, content)  # raises ValidationError with the reason
    attachment = Attachment(document=document, original_name=inspected.name, content_type=inspected.content_type,
                            size=len(content), text=inspected.text, text_note=inspected.note,
                            active_content=",".join(inspected.active_content),
                            sort_order=document.attachments.count())
    attachment.file.save(inspected.storage_name, ContentFile(content), save=False)
    attachment.save()
    record("catalog.attachment.add", attachment, after={"name": attachment.original_name, "size": attachment.size,
                                                        "document": document.pk,
                                                        "active_content": attachment.active_content})
    return attachment


@transaction.atomic
def import_published(document: Document, *, published_on: date, index_number: str = "") -> Outcome:
    """Register an item that was published before Gongkai (a legacy catalogue import): it goes straight to
    已发布 with its historical 发布日期 and, when given, its historical 索引号 (a fact that must not change).
    Only imports (user=None, under acting_as) call this; the workflow's review steps happened elsewhere."""
    document = _lock(document)
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError("只有尚未发布的记录可以作为历史信息导入。")
    if problems := publication_blockers(document):
        raise ValidationError(problems)
    document.published_on = published_on
    document.published_at = timezone.now()
    document.generated_on = document.generated_on or document.written_on
    if index_number:
        if Document.objects.filter(index_number=index_number).exclude(pk=document.pk).exists():
            raise ValidationError(f"索引号“{index_number}”已被其他信息使用。")
        document.index_number = index_number
        _reserve_serial(document, index_number, published_on.year)
    else:
        _allocate_index_number(document, published_on.year)
    document.publication_lag_wd = _publication_lag(document)
    _transition(document, "import", DocumentStatus.PUBLISHED, index_number=document.index_number,
                published_on=published_on, publication_lag_wd=document.publication_lag_wd)
    if document.kind in NORMATIVE_KINDS and not document.events.filter(event=LifecycleEvent.ISSUED).exists():
        NormativeEvent.objects.create(document=document, event=LifecycleEvent.ISSUED,
                                      on=document.written_on or published_on)
    _index_after_commit(document)
    return Outcome(document, publication_warnings(document))
