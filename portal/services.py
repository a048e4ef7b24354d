"""The one place where an agency's 政府信息公开指南 (DisclosureGuide) changes: its three texts and the documents
of its 政府信息公开制度 column; and where the portal's Site record (the footer identity) changes. Every change checks the actor's 审核 capability (CATALOG_REVIEW) for the
agency, runs in a transaction and writes the audit trail; bad input raises a ValidationError in Chinese
and changes nothing."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import record, snapshot
from catalog.models import Document
from orgs.models import Agency
from orgs.scoping import Capability, require_capability

from .catalogue import documents_of
from .models import DisclosureGuide, Site

MAX_TEXT_LENGTH = 10_000
MAX_SYSTEM_DOCUMENTS = 200
# The editable texts, in the order of the public page; an empty text means "show the default text"
# (portal.views.DEFAULT_GUIDE).
GUIDE_TEXTS = {"intro": "概述", "classification": "信息分类和编排体系", "access_methods": "获取方式"}
_CONTROL = {chr(c) for c in range(32)} - {"\n", "\t"} | {"\x7f"}


def _require(user, agency: Agency) -> None:
    # No system bypass: the guide is written by people, and every change names who made it.
    require_capability(user, Capability.CATALOG_REVIEW, agency)


def _locked_guide(agency: Agency) -> DisclosureGuide:
    guide, _created = DisclosureGuide.objects.select_for_update().get_or_create(agency=agency)
    return guide


def clean_text(value, label: str) -> str:
    """Line endings as the browser's textarea counts them (CRLF → LF), surrounding blank space removed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"“{label}”应为文字。")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if any(ch in _CONTROL for ch in text):
        raise ValidationError(f"“{label}”含有不可见的控制字符，请删除后再保存。")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(f"“{label}”最多 {MAX_TEXT_LENGTH} 个字，现有 {len(text)} 个字，请精简后再保存。")
    return text


@transaction.atomic
def save_guide(agency: Agency, *, intro: str, classification: str, access_methods: str, user) -> DisclosureGuide:
    """Save the three texts of the agency's guide. An empty text shows the default text on the portal."""
    _require(user, agency)
    given = {"intro": intro, "classification": classification, "access_methods": access_methods}
    values, errors = {}, {}
    for name, label in GUIDE_TEXTS.items():
        try:
            values[name] = clean_text(given[name], label)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    guide = _locked_guide(agency)
    before = snapshot(guide, list(GUIDE_TEXTS))
    for name, value in values.items():
        setattr(guide, name, value)
    after = snapshot(guide, list(GUIDE_TEXTS))
    if after != before:
        guide.save()
        record("portal.guide.save", guide, before=before, after=after)
    return guide


def choosable_documents(agency: Agency):
    """What may be listed in the agency's 政府信息公开制度: public (published, 主动公开) documents of the agency's
    own column — those it published or co-published (联合发文). Not its subtree: a department's rules are
    that department's own 制度, shown in its own column, and a county government choosing them would list
    another agency's documents as its own."""
    return documents_of(agency, Document.objects.public())


def _parse_ids(document_ids: Iterable) -> list[int]:
    ids = []
    for value in document_ids:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValidationError("所选文件无效，请重新选择。") from None
        if number <= 0:
            raise ValidationError("所选文件无效，请重新选择。")
        if number not in ids:
            ids.append(number)
    return ids


def _set_documents(guide: DisclosureGuide, ids: list[int]) -> None:
    if len(ids) > MAX_SYSTEM_DOCUMENTS:
        raise ValidationError(f"政府信息公开制度最多列 {MAX_SYSTEM_DOCUMENTS} 件文件。")
    current = set(guide.system_documents.values_list("pk", flat=True))
    # A document chosen earlier and since withdrawn may stay (the portal hides it); a new one must be choosable.
    added = [pk for pk in ids if pk not in current]
    allowed = set(choosable_documents(guide.agency).filter(pk__in=added).values_list("pk", flat=True))
    refused = [pk for pk in added if pk not in allowed]
    if refused:
        raise ValidationError(
            f"有 {len(refused)} 件所选文件不能列入政府信息公开制度：只能选择本机关已发布的主动公开信息"
            f"（文件编号 {'、'.join(str(pk) for pk in refused)}）。")
    if set(ids) == current:
        return
    guide.system_documents.set(ids)
    guide.save(update_fields=["updated_at"])
    record("portal.guide.system_documents", guide, before={"system_documents": sorted(current)},
           after={"system_documents": sorted(ids)})


@transaction.atomic
def set_system_documents(agency: Agency, document_ids: Iterable, user) -> DisclosureGuide:
    """Replace the documents listed in the agency's 政府信息公开制度 column."""
    _require(user, agency)
    ids = _parse_ids(document_ids)
    guide = _locked_guide(agency)
    _set_documents(guide, ids)
    return guide


@transaction.atomic
def change_system_documents(agency: Agency, *, add: Iterable = (), remove: Iterable = (), user) -> DisclosureGuide:
    """Add and remove documents against the selection as it is now (under the row lock), so that two people
    editing at once do not undo each other's choices."""
    _require(user, agency)
    add_ids, remove_ids = _parse_ids(add), set(_parse_ids(remove))
    guide = _locked_guide(agency)
    current = list(guide.system_documents.order_by("pk").values_list("pk", flat=True))
    ids = [pk for pk in current if pk not in remove_ids] + [pk for pk in add_ids if pk not in current]
    _set_documents(guide, ids)
    return guide


SITE_FIELDS = ["name", "is_portal", "agency", "contact", "site_id_code", "icp_number", "police_record_number",
               "party_gov_site_badge"]


@transaction.atomic
def save_site(site: Site, *, user) -> Site:
    """Save a Site as edited in the Django admin (platform configuration, superusers only: the admin has no
    other writer), with the change in the audit trail."""
    if not getattr(user, "is_superuser", False):
        raise PermissionDenied("只有平台管理员可以修改网站信息。")
    before = snapshot(Site.objects.get(pk=site.pk), SITE_FIELDS) if site.pk else None
    site.full_clean()
    site.save()
    record("portal.site.create" if before is None else "portal.site.update", site, before=before,
           after=snapshot(site, SITE_FIELDS))
    return site
