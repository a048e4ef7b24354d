"""保密审查's personal-data scan: every hit of gongkai.pii in what the public would see of a document (its
title, summary and body, and the text extracted from each attachment), and the reviewer's decision on each
("已确认可以公开" or "已处理"). `pass_secrecy_review` and `publish` refuse while a hit has no decision
(catalog.services); each decision is audited, without the value.

A decision is keyed by the source, the kind and a keyed hash of the normalised value (gongkai.privacy
.identity_key), so it follows that value in that source through later edits, and a new value found after an
edit needs its own decision. Heuristic hits (addresses) are listed like the others: the reviewer decides."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record
from gongkai import pii
from gongkai.privacy import identity_key
from orgs.scoping import Capability, require_capability

from .models import Document, DocumentStatus, PersonalDataDecision

BODY = "body"
CONTEXT_CHARS = 20
MAX_EXCERPTS = 3
_NUMBER_SEPARATORS = re.compile(r"[\s.\-_/()+]")


@dataclass
class Finding:
    source: str  # "body" or "attachment:<id>"
    source_label: str
    kind: str
    value_key: str
    value: str  # as first found (staff see the document anyway)
    excerpts: list[tuple[str, str, str]] = field(default_factory=list)  # (before, hit, after)
    count: int = 0
    decision: PersonalDataDecision | None = None

    @property
    def label(self) -> str:
        return pii.LABELS[self.kind]

    @property
    def form_id(self) -> str:
        return f"pii-{self.source.replace(':', '-')}-{self.kind}-{self.value_key[:12]}"


def value_key(kind: str, value: str) -> str:
    folded = pii.normalise(value)
    folded = _NUMBER_SEPARATORS.sub("", folded) if kind in (pii.ID_NUMBER, pii.PHONE, pii.BANK_CARD) else "".join(
        folded.split())
    return identity_key(f"catalog-pii:{kind}:{folded.upper()}")


def sources(document: Document) -> list[tuple[str, str, str]]:
    """(source, label, text) for what the public would read."""
    body = "\n".join(part for part in (document.title, document.summary, document.body_text) if part)
    items = [(BODY, "标题、内容概述和正文", body)]
    for attachment in document.attachments.all():
        items.append((f"attachment:{attachment.pk}", f"附件“{attachment.original_name}”", attachment.text or ""))
    return items


def findings(document: Document) -> list[Finding]:
    decisions = {(d.source, d.kind, d.value_key): d for d in document.pii_decisions.select_related("decided_by")}
    found: dict[tuple[str, str, str], Finding] = {}
    for source, label, text in sources(document):
        for hit in pii.scan(text):
            key = (source, hit.kind, value_key(hit.kind, hit.text))
            finding = found.get(key)
            if finding is None:
                finding = found[key] = Finding(source, label, hit.kind, key[2], hit.text, decision=decisions.get(key))
            finding.count += 1
            if len(finding.excerpts) < MAX_EXCERPTS:
                before = text[max(0, hit.start - CONTEXT_CHARS):hit.start].replace("\n", " ")
                after = text[hit.end:hit.end + CONTEXT_CHARS].replace("\n", " ")
                finding.excerpts.append((before, hit.text, after))
    return list(found.values())


def undecided(document: Document) -> list[Finding]:
    return [f for f in findings(document) if f.decision is None]


def require_decisions(document: Document, what: str) -> None:
    """Raises ValidationError while a hit has no decision (called by catalog.services)."""
    if missing := undecided(document):
        kinds = "、".join(dict.fromkeys(f.label for f in missing))
        raise ValidationError(f"个人信息检查：还有 {len(missing)} 处疑似个人信息（{kinds}）尚未作出决定，不能{what}。"
                              "请在“个人信息检查”中逐项确认可以公开，或删除、遮盖后标记为已处理。")


@transaction.atomic
def decide(document: Document, *, user=None, source: str, kind: str, key: str, decision: str,
           note: str = "") -> PersonalDataDecision:
    document = Document.objects.select_for_update().select_related("publisher").get(pk=document.pk)
    if user is not None:
        require_capability(user, Capability.CATALOG_REVIEW, document.publisher)
        if document.created_by_id and document.created_by_id == user.pk:
            raise ValidationError("起草人不能审查自己起草的信息。")
    if document.status not in (DocumentStatus.SECRECY_REVIEW, DocumentStatus.REVIEW):
        raise ValidationError("只有保密审查或审核环节的信息可以作出个人信息审查决定。")
    if decision not in PersonalDataDecision.Decision.values:
        raise ValidationError("无效的决定。")
    if not any(f.source == source and f.kind == kind and f.value_key == key for f in findings(document)):
        raise ValidationError("该项个人信息已不在文件中（内容可能已修改），请刷新页面。")
    note = (note or "").strip()
    if decision == PersonalDataDecision.Decision.HANDLED and not note:
        raise ValidationError("标记为已处理时请说明如何处理（例如已在附件中遮盖、已替换附件）。")
    existing = PersonalDataDecision.objects.filter(document=document, source=source, kind=kind, value_key=key).first()
    before = {"decision": existing.decision, "note": existing.note} if existing else None
    item, _ = PersonalDataDecision.objects.update_or_create(
        document=document, source=source, kind=kind, value_key=key,
        defaults={"decision": decision, "note": note, "decided_at": timezone.now(),
                  "decided_by": user if getattr(user, "pk", None) else None})
    # The value is not recorded: the kind, where, and the decision are.
    record("catalog.document.pii_decision", document, before=before,
           after={"source": source, "kind": kind, "decision": decision, "note": note})
    return item
