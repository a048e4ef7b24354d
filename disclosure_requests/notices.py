"""告知书: the documents a disclosure request produces on paper: 答复告知书、补正告知书、延期答复告知书、
征求意见函、决定公开告知书（第三方）、收费通知书、登记回执 (models.NoticeKind), archived as models.Notice.

(Not to be confused with the 领导信箱 app `letters`, whose Letter is a message from the public.)

The wording lives in editable Django templates (templates/disclosure_requests/notices/), looked up first
under notices/<机构编码>/ and then notices/, so an operator overrides one agency's text, or everyone's, with
a file earlier in the template search path; nothing is stored in the database. Overrides made before the
folder was renamed (disclosure_requests/letters/…) are still found, with a system check warning
(`legacy_template_check`). One rendering of the text feeds both the DOCX (gongkai.gongwen, GB/T 9704 layout)
and the PDF (WeasyPrint from HTML).

Templates never see the applicant or case objects, only plain values chosen here: a template, even an
edited one, cannot reach the identity number, phone or e-mail (none of which a notice needs)."""

import functools
import html
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.template import Context, Engine, engines
from django.utils import timezone

from audit.services import record
from gongkai.gongwen import Block, cn_date, rmb_upper, write_docx
from gongkai.pdf import html_to_pdf
from orgs.models import AgencyKind, AgencyLevel
from orgs.review_bodies import administrative_review_body
from orgs.scoping import Capability, require_capability
from workdays.calendar import count_working_days_detail

from .models import (
    DeliveryMethod,
    DisclosureRequest,
    Extension,
    FeeMethod,
    Notice,
    NoticeKind,
    OpinionKind,
    OpinionRequest,
    OpinionResult,
    Outcome,
    OutcomeGroup,
    RequestState,
)

TEMPLATE_DIR = "disclosure_requests/notices"
# Where operators' overrides lived before the folder was renamed (issue 14); still searched, with a warning.
LEGACY_TEMPLATE_DIR = "disclosure_requests/letters"
LEGACY_NAMES = {"notice.css": "letter.css"}

# --- Template engine -------------------------------------------------------------------------------------


@functools.cache
def _engine() -> Engine:
    """The project's template search path without HTML autoescaping: notices are plain text (an applicant's
    “A&B公司” must not become “A&amp;B公司”); the HTML for the PDF is escaped paragraph by paragraph."""
    base = engines["django"].engine
    return Engine(dirs=base.dirs, loaders=base.loaders, autoescape=False, libraries=base.libraries,
                  debug=base.debug, string_if_invalid="")


@receiver(setting_changed)
def _reset_engine(*, setting, **kwargs):
    if setting in ("TEMPLATES", "INSTALLED_APPS"):
        _engine.cache_clear()


def _candidates(agency, name: str) -> list[str]:
    """The agency's override, then everyone's. An override in the old letters/ folder comes before the
    shipped notices/ template it replaces (nothing ships under letters/ any more, so whatever is there is an
    operator's file)."""
    legacy = LEGACY_NAMES.get(name, name)
    return [f"{TEMPLATE_DIR}/{agency.code}/{name}", f"{LEGACY_TEMPLATE_DIR}/{agency.code}/{legacy}",
            f"{LEGACY_TEMPLATE_DIR}/{legacy}", f"{TEMPLATE_DIR}/{name}"]


def legacy_template_check(app_configs=None, **kwargs) -> list[checks.Warning]:
    """Template overrides still in the old disclosure_requests/letters/ folder of a template directory
    (GONGKAI_TEMPLATE_DIR): they are used, but should move to disclosure_requests/notices/, and an
    `{% extends "disclosure_requests/letters/…" %}` in them no longer finds the shipped template."""
    found = []
    for directory in engines["django"].engine.dirs:
        folder = Path(directory) / LEGACY_TEMPLATE_DIR
        if folder.is_dir():
            found += sorted(str(path) for path in folder.rglob("*") if path.is_file())
    if not found:
        return []
    return [checks.Warning(
        f"告知书模板目录已改名：{LEGACY_TEMPLATE_DIR}/ 下的 {len(found)} 个自定义模板仍然有效，但请移到 "
        f"{TEMPLATE_DIR}/ 下（letter.css 改名为 notice.css），并把其中的 "
        f"extends \"{LEGACY_TEMPLATE_DIR}/…\" 改为 extends \"{TEMPLATE_DIR}/…\"：" + "、".join(found[:5])
        + ("等" if len(found) > 5 else ""),
        id="disclosure_requests.W001")]


# --- Wording helpers -------------------------------------------------------------------------------------


def _fee_standard(method: str) -> str:
    """The 国办函〔2020〕109号 standard for the chosen method, from the configured tiers."""
    if method == FeeMethod.PER_ITEM:
        free = settings.GONGKAI_FEE_PER_ITEM_FREE
        band_end, band_rate = settings.GONGKAI_FEE_PER_ITEM_FIRST_BAND
        step_size, step_rate = settings.GONGKAI_FEE_PER_ITEM_STEP
        return (f"按件计收：同一申请人一个自然月内累计申请{free}件以下（含{free}件）的，不收费；"
                f"累计申请{free + 1}—{band_end}件（含{band_end}件）的部分，{band_rate}元/件；"
                f"累计申请{band_end + 1}件以上的部分，以{step_size}件为一档，每增加一档，收费标准提高{step_rate}元/件。")
    parts, lower = [], 0
    for upper, rate in settings.GONGKAI_FEE_PER_PAGE_TIERS:
        if upper is None:
            parts.append(f"{lower + 1}页以上的部分，{rate}元/页")
            break
        if Decimal(rate) == 0:
            parts.append(f"{upper}页以下（含{upper}页）的，不收费")
        else:
            parts.append(f"{lower + 1}—{upper}页（含{upper}页）的部分，{rate}元/页")
        lower = upper
    return "按量计收：" + "；".join(parts) + "。"


_ITEM_NUMBER = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）.、．]|[-•·])\s*")


def correction_item_list(text: str) -> list[str]:
    """补正事项, one per line; numbering the staff typed is dropped because the template numbers them."""
    return [_ITEM_NUMBER.sub("", line).strip() for line in text.splitlines() if _ITEM_NUMBER.sub("", line).strip()]


def review_first_outcomes() -> frozenset[str]:
    """settings.GONGKAI_REVIEW_FIRST_OUTCOMES, checked: every value must be an Outcome (a 表三 row id)."""
    values = frozenset(settings.GONGKAI_REVIEW_FIRST_OUTCOMES)
    unknown = sorted(values - set(Outcome.values))
    if unknown:
        raise ImproperlyConfigured(f"GONGKAI_REVIEW_FIRST_OUTCOMES 含有未知的办理结果：{'、'.join(unknown)}")
    return values


def review_first_from() -> date:
    return date.fromisoformat(str(settings.GONGKAI_REVIEW_FIRST_FROM))


def review_first(case: DisclosureRequest) -> str:
    """Whether the reply must tell the applicant to apply for 行政复议 before suing (复议前置,
    《中华人民共和国行政复议法》（2023年修订）第二十三条第一款第（四）项、第二款): "all" when the whole reply is a
    不予公开, "part" when only part of it is (部分公开, or a 不予公开 among the secondary outcomes), "" otherwise and
    for cases decided before settings.GONGKAI_REVIEW_FIRST_FROM (2024-01-01, when the revised law took effect)."""
    if not case.outcome or case.closed_on is None or case.closed_on < review_first_from():
        return ""
    listed = review_first_outcomes()
    outcome = Outcome(case.outcome)
    if outcome.value in listed:
        return "part" if outcome.group == OutcomeGroup.PARTIAL else "all"
    if any(value in listed for value in case.secondary_outcomes or ()):
        return "part"
    return ""


def _remedies(case: DisclosureRequest) -> dict:
    agency = case.agency
    return {
        "review_body": administrative_review_body(agency), "court": "有管辖权的人民法院",
        "review_first": review_first(case),
        # 第二十六条: after a 省级人民政府's 复议决定 on its own act, the applicant may also ask the State Council.
        "state_council_ruling": agency.kind == AgencyKind.GOVERNMENT and agency.level == AgencyLevel.PROVINCE
        and not agency.review_jurisdiction,
    }


# --- What a notice is about ------------------------------------------------------------------------------


def _reload(case: DisclosureRequest) -> DisclosureRequest:
    return DisclosureRequest.objects.select_related("agency", "applicant").get(pk=case.pk)


def _subject(case: DisclosureRequest, kind: str, subject):
    """The record a notice reports on: the extension or opinion request (the latest unless given), the fee
    notice. Raises a ValidationError when the transition the notice belongs to has not happened."""
    if case.state == RequestState.ARCHIVED:
        raise ValidationError("申请已归档，归档后的案卷为只读，不能再生成文书。")
    if not case.tracking_number or case.received_on is None:
        raise ValidationError(f"申请尚未登记收到（当前状态为“{case.get_state_display()}”），"
                              f"不能出具{NoticeKind(kind).label}。")
    if kind == NoticeKind.RECEIPT:
        return None
    if kind == NoticeKind.REPLY:
        if case.state != RequestState.CLOSED or not case.outcome:
            raise ValidationError(f"申请尚未办结（当前状态为“{case.get_state_display()}”），不能出具答复告知书。")
        return None
    if kind == NoticeKind.CORRECTION:
        if case.correction_requested_on is None:
            raise ValidationError("本申请没有告知补正的记录，请先办理“告知补正”，再出具补正告知书。")
        return None
    if kind == NoticeKind.FEE:
        notice = getattr(case, "fee_notice", None)  # the reverse one-to-one raises an AttributeError subclass
        if notice is None:
            raise ValidationError("本申请没有收费通知记录，请先办理“发出收费通知”，再出具收费通知书。")
        return notice
    if kind == NoticeKind.EXTENSION:
        model, related, label = Extension, case.extensions.order_by("-approved_on", "-id"), "延长答复期限"
    elif kind == NoticeKind.OPINION:
        model, related, label = OpinionRequest, case.opinion_requests.order_by("-sent_on", "-id"), "征求意见"
    elif kind == NoticeKind.PUBLIC_INTEREST:  # 第三十二条: notice to an objecting third party before disclosure
        model, label = OpinionRequest, "书面告知第三方决定公开"
        related = case.opinion_requests.filter(disclosure_notice_on__isnull=False).order_by("-disclosure_notice_on", "-id")
    else:
        raise ValidationError(f"未知的文书类型：{kind}")
    if subject is None:
        subject = related.first()
        if subject is None:
            raise ValidationError(f"本申请没有{label}的记录，请先办理“{label}”，再出具{NoticeKind(kind).label}。")
    elif not isinstance(subject, model) or subject.request_id != case.pk:
        raise ValidationError(f"所选{label}记录不属于本申请。")
    return subject


def _default_issued_on(case: DisclosureRequest, kind: str, subject) -> date:
    """A notice is dated the day of the act it records, so the date on paper matches the case file."""
    return {
        NoticeKind.RECEIPT: lambda: case.received_on,
        NoticeKind.REPLY: lambda: case.closed_on,
        NoticeKind.CORRECTION: lambda: case.correction_requested_on,
        NoticeKind.EXTENSION: lambda: subject.notified_on,
        NoticeKind.OPINION: lambda: subject.sent_on,
        NoticeKind.PUBLIC_INTEREST: lambda: subject.disclosure_notice_on,
        NoticeKind.FEE: lambda: subject.served_on,
    }[NoticeKind(kind)]()


def _fee_due_status(notice) -> dict:
    """Whether the 缴费期限 was counted on confirmed calendars only. A year whose 节假日安排 is not yet published
    (or not confirmed) is counted by the weekday rule plus its fixed-date holidays, so the date is provisional
    (暂定) until the State Council's schedule is in, like DisclosureRequest.due_confirmed for the reply."""
    detail = count_working_days_detail(notice.served_on, notice.fee_due_on)
    return {"fee_due_confirmed": detail.confirmed,
            "fee_due_unconfirmed_years": "、".join(f"{year}年" for year in detail.unconfirmed_years)}


def _context(case: DisclosureRequest, kind: str, subject, issued_on: date) -> dict:
    agency, applicant = case.agency, case.applicant
    outcome = Outcome(case.outcome) if case.outcome else None
    context = {
        "kind": kind,
        "title": NoticeKind(kind).label,
        "issued_on": cn_date(issued_on),
        "agency": {
            "code": agency.code, "name": agency.name, "display_name": agency.display_name,
            "disclosure_office_name": agency.disclosure_office_name, "address": agency.address,
            "postcode": agency.postcode, "phone": agency.phone, "fax": agency.fax, "email": agency.email,
            "website": agency.website, "office_hours": agency.office_hours,
        },
        # Name and postal address only: the notice is addressed to the applicant. No identity number.
        "applicant": {
            "name": applicant.name, "address": applicant.address, "postcode": applicant.postcode,
            "contact_person": applicant.contact_person, "legal_representative": applicant.legal_representative,
            "is_organisation": case.applicant_type != "natural_person",
        },
        "case": {
            "tracking_number": case.tracking_number, "lookup_code": case.lookup_code,
            "description": case.description, "channel": case.get_channel_display(),
            "requested_form": case.get_requested_form_display(),
            "delivery_method": case.get_delivery_method_display(), "delivery_method_code": case.delivery_method,
            "received_on": cn_date(case.received_on), "due_on": cn_date(case.due_on),
            "custom_due_on": cn_date(case.custom_due_on), "closed_on": cn_date(case.closed_on),
            "correction_requested_on": cn_date(case.correction_requested_on),
            "correction_due_on": cn_date(case.correction_due_on),
            "correction_received_on": cn_date(case.correction_received_on),
            # What the applicant corrected (online, or typed in by staff from the paper): the reply quotes it.
            "correction_text": case.correction_text,
            "correction_items": correction_item_list(case.correction_items),
            "reason_requested_on": cn_date(case.reason_requested_on),
            "outcome": case.outcome, "outcome_label": outcome.label if outcome else "",
            "outcome_detail": case.outcome_detail, "legal_basis": case.legal_basis, "reasons": case.reasons,
            "competent_agency": case.competent_agency,
            "secondary_outcomes": [Outcome(value).label for value in case.secondary_outcomes
                                   if value in Outcome.values],
            "regime": case.regime, "is_open": case.is_open, "due_confirmed": case.due_confirmed,
        },
        "remedies": _remedies(case),
        "outcome_template": _candidates(agency, f"outcomes/{case.outcome}.txt") if outcome else "",
        "delivery_template": _candidates(agency, "delivery.txt"),
        "remedies_template": _candidates(agency, "remedies.txt"),
    }
    if kind == NoticeKind.REPLY:
        context["third_party_objected"] = case.opinion_requests.filter(
            kind=OpinionKind.THIRD_PARTY, result=OpinionResult.OBJECTION).exists()
        fee = getattr(case, "fee_notice", None)
        context["fee"] = {"served_on": cn_date(fee.served_on), "fee_due_on": cn_date(fee.fee_due_on),
                          **_fee_due_status(fee)} if fee else None
    if kind == NoticeKind.EXTENSION:
        latest = case.extensions.order_by("-approved_on", "-id").first()
        context["extension"] = {
            "working_days": subject.working_days, "reason": subject.reason.strip().rstrip("。；;."),
            "approved_on": cn_date(subject.approved_on), "notified_on": cn_date(subject.notified_on),
            # The current due date is the extended one only for the newest extension of an open case.
            "new_due_on": cn_date(case.due_on) if case.is_open and latest.pk == subject.pk else "",
        }
    if kind == NoticeKind.OPINION:
        context["opinion"] = {
            "kind": subject.kind, "is_agency": subject.kind == OpinionKind.AGENCY, "addressee": subject.addressee,
            "sent_on": cn_date(subject.sent_on), "received_on": cn_date(subject.received_on),
            "reply_due_on": cn_date(subject.reply_due_on), "working_days": settings.GONGKAI_OPINION_WD,
        }
    if kind == NoticeKind.PUBLIC_INTEREST:
        context["notice"] = {"addressee": subject.addressee, "answered_on": cn_date(subject.answered_on),
                             "content": subject.disclosure_content, "reasons": subject.disclosure_reasons,
                             "notice_on": cn_date(subject.disclosure_notice_on)}
    if kind == NoticeKind.FEE:
        context["fee"] = {
            "method": subject.get_method_display(), "method_code": subject.method,
            "standard": _fee_standard(subject.method), "amount": f"{subject.amount:.2f}",
            "amount_upper": rmb_upper(subject.amount), "computation": subject.computation,
            "pages": subject.pages, "monthly_ordinal": subject.monthly_ordinal,
            "served_on": cn_date(subject.served_on), "fee_due_on": cn_date(subject.fee_due_on),
            "payment_wd": settings.GONGKAI_FEE_PAYMENT_WD, **_fee_due_status(subject),
        }
    return context


# --- Text → blocks ---------------------------------------------------------------------------------------


# Line prefixes of the notice templates (documented in notices/base.txt).
_MARKERS = {"#": "title", "@": "subtitle", ">": "salutation", "=": "signature", "~": "note"}


def _blocks(text: str) -> list[Block]:
    """Every non-empty line is one paragraph: template tags on their own lines leave only blank lines."""
    blocks = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        style = _MARKERS.get(line[0])
        if style and (len(line) == 1 or line[1] == " "):
            line = line[1:].strip()
            if not line:
                continue
        else:
            style = "body"
        blocks.append(Block(style, line))
    return blocks


@dataclass(frozen=True)
class NoticeContent:
    kind: str
    title: str
    tracking_number: str
    agency_name: str
    blocks: list[Block]

    @property
    def text(self) -> str:
        """Plain text for the preview: body paragraphs indented with two full-width spaces."""
        lines = []
        for block in self.blocks:
            if block.style == "title":
                lines += [block.text.center(24, "　"), ""]
            elif block.style == "body":
                lines.append("　　" + block.text)
            elif block.style == "signature":
                lines.append(block.text.rjust(30, "　"))
            else:
                lines.append(block.text)
        return "\n".join(lines)


def _compose(case: DisclosureRequest, kind: str, subject=None, issued_on: date | None = None) -> tuple:
    if kind not in NoticeKind.values:
        raise ValidationError(f"未知的文书类型：{kind}")
    subject = _subject(case, kind, subject)
    issued_on = issued_on or _default_issued_on(case, kind, subject)
    if issued_on < case.received_on:
        raise ValidationError("文书日期不能早于收到申请之日。")
    if issued_on > timezone.localdate():
        raise ValidationError("文书日期不能晚于今天。")
    context = _context(case, kind, subject, issued_on)
    template = _engine().select_template(_candidates(case.agency, f"{kind}.txt"))
    text = template.render(Context(context, autoescape=False))
    _refuse_identity_number(case, text)
    blocks = _blocks(text)
    title = next((b.text for b in blocks if b.style == "title"), NoticeKind(kind).label)
    return NoticeContent(kind, title, case.tracking_number, case.agency.name, blocks), subject, issued_on


def _refuse_identity_number(case: DisclosureRequest, text: str) -> None:
    """Belt and braces for edited templates: a notice never carries the applicant's identity number."""
    number = "".join((case.applicant.id_number or "").split()).upper()
    if len(number) >= 6 and number in "".join(text.split()).upper():
        raise ValidationError("文书内容含有申请人的身份证明号码，已停止生成。请检查文书模板。")


# --- DOCX ------------------------------------------------------------------------------------------------


def render_docx(content: NoticeContent) -> bytes:
    """The DOCX: the blocks in GB/T 9704 layout (gongkai.gongwen); the metadata names the case number and the
    agency, never the applicant."""
    return write_docx(content.blocks, title=f"{content.title}（{content.tracking_number}）",
                      author=content.agency_name, title_style="告知书标题")


# --- PDF -------------------------------------------------------------------------------------------------


def notice_html(content: NoticeContent, agency) -> str:
    """The same blocks as HTML for WeasyPrint; the stylesheet is the editable template notices/notice.css."""
    css = _engine().select_template(_candidates(agency, "notice.css")).render(Context({}, autoescape=False))
    paragraphs = []
    previous = None
    for block in content.blocks:
        classes = [block.style]
        if block.style in ("signature", "note") and previous != block.style:
            classes.append("first")
        tag = "h1" if block.style == "title" else "p"
        paragraphs.append(f'<{tag} class="{" ".join(classes)}">{html.escape(block.text)}</{tag}>')
        previous = block.style
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(content.title)}（{html.escape(content.tracking_number)}）</title>"
            f"<meta name=\"author\" content=\"{html.escape(content.agency_name)}\">"
            f"<style>{css}</style></head><body>\n" + "\n".join(paragraphs) + "\n</body></html>")


def pdf_enabled() -> bool:
    """settings.GONGKAI_NOTICES_PDF; a settings module that still sets the old name GONGKAI_LETTERS_PDF
    (deprecated) is obeyed."""
    legacy = getattr(settings, "GONGKAI_LETTERS_PDF", None)
    return bool(legacy) if legacy is not None else getattr(settings, "GONGKAI_NOTICES_PDF", True)


def render_pdf(content: NoticeContent, agency) -> bytes:
    return html_to_pdf(notice_html(content, agency), what="文书")


# --- Public interface ------------------------------------------------------------------------------------


def preview_notice(case: DisclosureRequest, kind: str, *, subject=None, issued_on: date | None = None) -> str:
    """The notice's text as it would be issued now, for staff to read before issuing; nothing is stored."""
    return _compose(_reload(case), kind, subject, issued_on)[0].text


def issuable_kinds(case: DisclosureRequest) -> dict[str, str]:
    """Every NoticeKind mapped to '' when it can be issued now, or to the reason it cannot (for buttons)."""
    case = _reload(case)
    result = {}
    for kind in NoticeKind.values:
        try:
            _subject(case, kind, None)
            result[kind] = ""
        except ValidationError as error:
            result[kind] = "；".join(error.messages)
    return result


def render_notice(case: DisclosureRequest, kind: str, *, issued_on: date | None = None, subject=None,
                  user=None) -> Notice:
    """Generate the DOCX and PDF of a notice and archive them with the case as a new Notice.

    `subject` picks the Extension or OpinionRequest a 延期/征求意见 notice is about (default: the latest).
    `issued_on` defaults to the date of the act the notice records (收到申请、告知补正、批准延期后告知、发出征求意见书、
    送达收费通知、办结). A ValidationError says why a notice cannot be issued in the case's current state."""
    case = _reload(case)
    if user is not None:
        require_capability(user, Capability.REQUESTS_HANDLE, case.agency)
    content, subject, issued_on = _compose(case, kind, subject, issued_on)
    docx_bytes = render_docx(content)
    pdf_bytes = render_pdf(content, case.agency) if pdf_enabled() else None
    # File names carry the case number and kind only: no personal data in paths or storage listings.
    stem = re.sub(r"[^A-Za-z0-9-]", "", case.tracking_number) + f"-{kind}-{issued_on:%Y%m%d}"
    notice = Notice(request=case, kind=kind, issued_on=issued_on)
    try:
        with transaction.atomic():
            notice.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
            if pdf_bytes is not None:
                notice.pdf.save(f"{stem}.pdf", ContentFile(pdf_bytes), save=False)
            notice.save()
            after = {"kind": kind, "issued_on": issued_on, "request": case.pk, "pdf": pdf_bytes is not None}
            if subject is not None:
                after["subject"] = f"{subject._meta.label_lower}:{subject.pk}"
            # The audit action keeps its name from before the rename: the trail is append-only (one history).
            record("requests.letter.issue", notice, agency=case.agency, after=after,
                   note=f"{case.tracking_number} {NoticeKind(kind).label}")
    except BaseException:
        # Files written before a failed commit would be orphans no case points to.
        for field in (notice.docx, notice.pdf):
            if field.name:
                field.storage.delete(field.name)
        raise
    return notice


@transaction.atomic
def record_delivery(notice: Notice, method: str, delivered_on: date, reference: str = "", *,
                    user=None) -> Notice:
    """送达: how and when the notice reached its addressee (the 邮件号 for post, a 回执 or 签收 note otherwise).
    A correction overwrites the record; the audit trail keeps the previous values."""
    notice = Notice.objects.select_for_update().select_related("request__agency").get(pk=notice.pk)
    case = notice.request
    if user is not None:
        require_capability(user, Capability.REQUESTS_HANDLE, case.agency)
    if case.state == RequestState.ARCHIVED:
        raise ValidationError("申请已归档，归档后的案卷为只读，不能再登记送达。")
    reference = (reference or "").strip()
    errors = {}
    if method not in DeliveryMethod.values:
        errors["method"] = "请选择送达方式。"
    if delivered_on is None:
        errors["delivered_on"] = "请填写送达日期。"
    elif delivered_on < notice.issued_on:
        errors["delivered_on"] = f"送达日期不能早于文书日期（{cn_date(notice.issued_on)}）。"
    elif delivered_on > timezone.localdate():
        errors["delivered_on"] = "送达日期不能晚于今天。"
    if method == DeliveryMethod.POST and not reference:
        errors["reference"] = "邮寄送达请填写邮件号。"
    if len(reference) > Notice._meta.get_field("delivery_reference").max_length:
        errors["reference"] = "邮件号或回执不能超过80个字符。"
    if errors:
        raise ValidationError(errors)
    before = {"delivery_method": notice.delivery_method, "delivered_on": notice.delivered_on,
              "delivery_reference": "［已填写］" if notice.delivery_reference else ""}
    notice.delivery_method, notice.delivered_on, notice.delivery_reference = method, delivered_on, reference
    notice.save(update_fields=["delivery_method", "delivered_on", "delivery_reference"])
    # The reference may be an e-mail address or a parcel number that leads to an address: not in the trail.
    record("requests.letter.deliver", notice, agency=case.agency,
           before=before if before["delivery_method"] else None,
           after={"delivery_method": method, "delivered_on": delivered_on,
                  "delivery_reference": "［已填写］" if reference else ""},
           note=f"{case.tracking_number} {notice.get_kind_display()}")
    return notice


