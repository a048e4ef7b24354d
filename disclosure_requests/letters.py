"""依申请公开文书: 答复告知书、补正告知书、延期答复告知书、征求意见函、收费通知书、登记回执.

The wording lives in editable Django templates (templates/disclosure_requests/letters/), looked up first
under letters/<机构编码>/ and then letters/, so an operator overrides one agency's text, or everyone's, with
a file earlier in the template search path; nothing is stored in the database. One rendering of the text
feeds both the DOCX (python-docx, GB/T 9704 layout) and the PDF (WeasyPrint from HTML).

Templates never see the applicant or case objects, only plain values chosen here: a template, even an
edited one, cannot reach the identity number, phone or e-mail (none of which a letter needs)."""

import functools
import html
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.template import Context, Engine, engines
from django.utils import timezone

from audit.services import record
from orgs.models import AgencyKind, AgencyLevel
from orgs.scoping import Capability, require_capability
from workdays.calendar import count_working_days_detail

from .models import (
    DeliveryMethod,
    DisclosureRequest,
    Extension,
    FeeMethod,
    Letter,
    LetterKind,
    OpinionKind,
    OpinionRequest,
    OpinionResult,
    Outcome,
    OutcomeGroup,
    RequestState,
)

TEMPLATE_DIR = "disclosure_requests/letters"

# GB/T 9704 font names written into the DOCX: Word on a government PC has them. The PDF uses the Noto CJK
# stand-ins named in letters/letter.css (Debian has no free 仿宋 or 小标宋).
FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_PAGE_NUMBER = "宋体"
SIZE_BODY = 16  # 三号
SIZE_TITLE = 22  # 二号
SIZE_PAGE_NUMBER = 14  # 四号
LINE_PITCH = 28  # 磅, fixed: 22 lines of 三号 on the 225 mm 版心
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


# --- Template engine -------------------------------------------------------------------------------------


@functools.cache
def _engine() -> Engine:
    """The project's template search path without HTML autoescaping: letters are plain text (an applicant's
    “A&B公司” must not become “A&amp;B公司”); the HTML for the PDF is escaped paragraph by paragraph."""
    base = engines["django"].engine
    return Engine(dirs=base.dirs, loaders=base.loaders, autoescape=False, libraries=base.libraries,
                  debug=base.debug, string_if_invalid="")


@receiver(setting_changed)
def _reset_engine(*, setting, **kwargs):
    if setting in ("TEMPLATES", "INSTALLED_APPS"):
        _engine.cache_clear()


def _candidates(agency, name: str) -> list[str]:
    return [f"{TEMPLATE_DIR}/{agency.code}/{name}", f"{TEMPLATE_DIR}/{name}"]


# --- Formatting helpers ----------------------------------------------------------------------------------


def cn_date(day: date | None) -> str:
    """GB/T 9704-2012 成文日期: Arabic numerals, no leading zeros: 2024年10月28日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _upper_group(group: int) -> str:
    text, zero = "", False
    for position, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = group // 10 ** position % 10
        if digit == 0:
            zero = zero or bool(text)
            continue
        if zero:
            text, zero = text + "零", False
        text += _DIGITS[digit] + unit
    return text


def rmb_upper(amount: Decimal) -> str:
    """人民币大写 for the fee notice, as on 非税收入缴款书: 1700.00 → 壹仟柒佰元整."""
    cents = int((Decimal(amount) * 100).quantize(Decimal("1")))
    if cents < 0:
        raise ValueError("金额不能为负")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = gap or bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _upper_group(group) + ("", "万", "亿", "万亿")[index]
        gap = False
    if yuan:
        text += "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    if not fen:
        text = (text or "零元") + "整"
    return text


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


def _items(text: str) -> list[str]:
    """补正事项, one per line; numbering the staff typed is dropped because the template numbers them."""
    return [_ITEM_NUMBER.sub("", line).strip() for line in text.splitlines() if _ITEM_NUMBER.sub("", line).strip()]


def _review_body(agency) -> str:
    """The 行政复议机关 under 《中华人民共和国行政复议法》（2023年修订）:

    - 实行垂直领导的行政机关（海关、金融、外汇管理等）、税务和国家安全机关: the recorded 上一级主管部门 (第二十七条);
    - a 省级人民政府: itself (第二十四条第二款);
    - any other 人民政府: the 上一级人民政府 (第二十四条第一款第（二）项): the nearest government above it on the
      platform, or the name recorded on it when the platform has none (the county at the root of the tree);
    - a department, 派出机构/派出机关, 开发区管委会 or 法律、法规授权的组织: the 本级人民政府, i.e. the nearest
      government above it (第二十四条第一款第（一）、（三）、（四）项 and 第四款)."""
    if agency.review_jurisdiction:
        return agency.superior_department.strip() or "上一级主管部门"
    if agency.kind == AgencyKind.GOVERNMENT and agency.level == AgencyLevel.PROVINCE:
        return agency.name
    for ancestor in reversed(agency.ancestors()):
        if ancestor.kind == AgencyKind.GOVERNMENT:
            return ancestor.name
    if agency.kind == AgencyKind.GOVERNMENT:
        return agency.superior_government.strip() or "上一级人民政府"
    return "本级人民政府"


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
        "review_body": _review_body(agency), "court": "有管辖权的人民法院",
        "review_first": review_first(case),
        # 第二十六条: after a 省级人民政府's 复议决定 on its own act, the applicant may also ask the State Council.
        "state_council_ruling": agency.kind == AgencyKind.GOVERNMENT and agency.level == AgencyLevel.PROVINCE
        and not agency.review_jurisdiction,
    }


# --- What a letter is about ------------------------------------------------------------------------------


def _reload(case: DisclosureRequest) -> DisclosureRequest:
    return DisclosureRequest.objects.select_related("agency", "applicant").get(pk=case.pk)


def _subject(case: DisclosureRequest, kind: str, subject):
    """The record a letter reports on: the extension or opinion request (the latest unless given), the fee
    notice. Raises a ValidationError when the transition the letter belongs to has not happened."""
    if case.state == RequestState.ARCHIVED:
        raise ValidationError("申请已归档，归档后的案卷为只读，不能再生成文书。")
    if not case.tracking_number or case.received_on is None:
        raise ValidationError(f"申请尚未登记收到（当前状态为“{case.get_state_display()}”），"
                              f"不能出具{LetterKind(kind).label}。")
    if kind == LetterKind.RECEIPT:
        return None
    if kind == LetterKind.REPLY:
        if case.state != RequestState.CLOSED or not case.outcome:
            raise ValidationError(f"申请尚未办结（当前状态为“{case.get_state_display()}”），不能出具答复告知书。")
        return None
    if kind == LetterKind.CORRECTION:
        if case.correction_requested_on is None:
            raise ValidationError("本申请没有告知补正的记录，请先办理“告知补正”，再出具补正告知书。")
        return None
    if kind == LetterKind.FEE:
        notice = getattr(case, "fee_notice", None)  # the reverse one-to-one raises an AttributeError subclass
        if notice is None:
            raise ValidationError("本申请没有收费通知记录，请先办理“发出收费通知”，再出具收费通知书。")
        return notice
    if kind == LetterKind.EXTENSION:
        model, related, label = Extension, case.extensions.order_by("-approved_on", "-id"), "延长答复期限"
    elif kind == LetterKind.OPINION:
        model, related, label = OpinionRequest, case.opinion_requests.order_by("-sent_on", "-id"), "征求意见"
    elif kind == LetterKind.PUBLIC_INTEREST:  # 第三十二条: notice to an objecting third party before disclosure
        model, label = OpinionRequest, "书面告知第三方决定公开"
        related = case.opinion_requests.filter(disclosure_notice_on__isnull=False).order_by("-disclosure_notice_on", "-id")
    else:
        raise ValidationError(f"未知的文书类型：{kind}")
    if subject is None:
        subject = related.first()
        if subject is None:
            raise ValidationError(f"本申请没有{label}的记录，请先办理“{label}”，再出具{LetterKind(kind).label}。")
    elif not isinstance(subject, model) or subject.request_id != case.pk:
        raise ValidationError(f"所选{label}记录不属于本申请。")
    return subject


def _default_issued_on(case: DisclosureRequest, kind: str, subject) -> date:
    """A letter is dated the day of the act it records, so the date on paper matches the case file."""
    return {
        LetterKind.RECEIPT: lambda: case.received_on,
        LetterKind.REPLY: lambda: case.closed_on,
        LetterKind.CORRECTION: lambda: case.correction_requested_on,
        LetterKind.EXTENSION: lambda: subject.notified_on,
        LetterKind.OPINION: lambda: subject.sent_on,
        LetterKind.PUBLIC_INTEREST: lambda: subject.disclosure_notice_on,
        LetterKind.FEE: lambda: subject.served_on,
    }[LetterKind(kind)]()


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
        "title": LetterKind(kind).label,
        "issued_on": cn_date(issued_on),
        "agency": {
            "code": agency.code, "name": agency.name, "display_name": agency.display_name,
            "disclosure_office_name": agency.disclosure_office_name, "address": agency.address,
            "postcode": agency.postcode, "phone": agency.phone, "fax": agency.fax, "email": agency.email,
            "website": agency.website, "office_hours": agency.office_hours,
        },
        # Name and postal address only: the letter is addressed to the applicant. No identity number.
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
            "correction_items": _items(case.correction_items),
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
    if kind == LetterKind.REPLY:
        context["third_party_objected"] = case.opinion_requests.filter(
            kind=OpinionKind.THIRD_PARTY, result=OpinionResult.OBJECTION).exists()
        fee = getattr(case, "fee_notice", None)
        context["fee"] = {"served_on": cn_date(fee.served_on), "fee_due_on": cn_date(fee.fee_due_on),
                          **_fee_due_status(fee)} if fee else None
    if kind == LetterKind.EXTENSION:
        latest = case.extensions.order_by("-approved_on", "-id").first()
        context["extension"] = {
            "working_days": subject.working_days, "reason": subject.reason.strip().rstrip("。；;."),
            "approved_on": cn_date(subject.approved_on), "notified_on": cn_date(subject.notified_on),
            # The current due date is the extended one only for the newest extension of an open case.
            "new_due_on": cn_date(case.due_on) if case.is_open and latest.pk == subject.pk else "",
        }
    if kind == LetterKind.OPINION:
        context["opinion"] = {
            "kind": subject.kind, "is_agency": subject.kind == OpinionKind.AGENCY, "addressee": subject.addressee,
            "sent_on": cn_date(subject.sent_on), "received_on": cn_date(subject.received_on),
            "reply_due_on": cn_date(subject.reply_due_on), "working_days": settings.GONGKAI_OPINION_WD,
        }
    if kind == LetterKind.PUBLIC_INTEREST:
        context["notice"] = {"addressee": subject.addressee, "answered_on": cn_date(subject.answered_on),
                             "content": subject.disclosure_content, "reasons": subject.disclosure_reasons,
                             "notice_on": cn_date(subject.disclosure_notice_on)}
    if kind == LetterKind.FEE:
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


@dataclass(frozen=True)
class Block:
    """One paragraph. Styles: title (标题), subtitle (编号行, 居中), salutation (称呼, 顶格), body (正文, 首行
    缩进二字), signature (落款, 右对齐), note (附注, 顶格)."""

    style: str
    text: str


# Line prefixes of the letter templates (documented in letters/base.txt).
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
class LetterContent:
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
    if kind not in LetterKind.values:
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
    title = next((b.text for b in blocks if b.style == "title"), LetterKind(kind).label)
    return LetterContent(kind, title, case.tracking_number, case.agency.name, blocks), subject, issued_on


def _refuse_identity_number(case: DisclosureRequest, text: str) -> None:
    """Belt and braces for edited templates: a letter never carries the applicant's identity number."""
    number = "".join((case.applicant.id_number or "").split()).upper()
    if len(number) >= 6 and number in "".join(text.split()).upper():
        raise ValidationError("文书内容含有申请人的身份证明号码，已停止生成。请检查文书模板。")


# --- DOCX ------------------------------------------------------------------------------------------------


def _set_font(rpr, name: str) -> None:
    """python-docx's font.name writes w:ascii/w:hAnsi only; Chinese text follows w:eastAsia, and theme
    attributes would override both in Word."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _style_run(run, font: str, size: int, bold: bool = False) -> None:
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    _set_font(run._r.get_or_add_rPr(), font)


def _page_number(paragraph) -> None:
    """GB/T 9704 页码: “- 1 -” in 四号 半角 Arabic numerals, as a PAGE field so Word numbers each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_part(tag: str, **attributes) -> None:
        run = paragraph.add_run()
        _style_run(run, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
        element = OxmlElement(tag)
        for key, value in attributes.items():
            element.set(qn(key), value)
        if tag == "w:instrText":
            element.text = " PAGE "
        run._r.append(element)

    _style_run(paragraph.add_run("- "), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    field_part("w:fldChar", **{"w:fldCharType": "begin"})
    field_part("w:instrText", **{"xml:space": "preserve"})
    field_part("w:fldChar", **{"w:fldCharType": "separate"})
    _style_run(paragraph.add_run("1"), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    field_part("w:fldChar", **{"w:fldCharType": "end"})
    _style_run(paragraph.add_run(" -"), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)


def render_docx(content: LetterContent) -> bytes:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(MARGINS_MM["bottom"] - 7 - 5)  # 页码 about 7 mm below the 版心

    # Document defaults and Normal: 仿宋_GB2312 三号, Chinese language, fixed line pitch.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_font(default_rpr, FONT_BODY)
    language = default_rpr.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "zh-CN")
        language.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = Pt(SIZE_BODY)
    _set_font(normal.element.get_or_add_rPr(), FONT_BODY)
    normal_format = normal.paragraph_format
    normal_format.space_before, normal_format.space_after = Pt(0), Pt(0)
    normal_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal_format.line_spacing = Pt(LINE_PITCH)

    title_style = document.styles.add_style("告知书标题", WD_STYLE_TYPE.PARAGRAPH)
    title_style.base_style = normal
    title_style.font.size = Pt(SIZE_TITLE)
    _set_font(title_style.element.get_or_add_rPr(), FONT_TITLE)
    title_format = title_style.paragraph_format
    title_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_format.line_spacing = Pt(36)
    title_format.space_after = Pt(LINE_PITCH / 2)

    indent = Pt(SIZE_BODY * 2)
    previous = None
    for block in content.blocks:
        if block.style == "title":
            paragraph = document.add_paragraph(style=title_style)
            _style_run(paragraph.add_run(block.text), FONT_TITLE, SIZE_TITLE)
            previous = block.style
            continue
        paragraph = document.add_paragraph(style=normal)
        fmt = paragraph.paragraph_format
        if block.style == "subtitle":
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(LINE_PITCH / 2)
        elif block.style == "body":
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = indent
        elif block.style == "signature":
            fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = indent
            if previous != "signature":
                fmt.space_before = Pt(LINE_PITCH)  # a blank line between 正文 and 署名, room for the seal
        elif block.style == "note":
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if previous != "note":
                fmt.space_before = Pt(LINE_PITCH / 2)
        else:
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _style_run(paragraph.add_run(block.text), FONT_BODY, SIZE_BODY)
        previous = block.style

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    # Metadata: the case number and the agency, never the applicant.
    properties = document.core_properties
    properties.title = f"{content.title}（{content.tracking_number}）"
    properties.author = content.agency_name
    properties.last_modified_by = content.agency_name
    properties.comments = ""
    properties.keywords = ""
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------


def letter_html(content: LetterContent, agency) -> str:
    """The same blocks as HTML for WeasyPrint; the stylesheet is the editable template letters/letter.css."""
    css = _engine().select_template(_candidates(agency, "letter.css")).render(Context({}, autoescape=False))
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
    return getattr(settings, "GONGKAI_LETTERS_PDF", True)


def render_pdf(content: LetterContent, agency) -> bytes:
    from gongkai.pdf import html_to_pdf

    return html_to_pdf(letter_html(content, agency), what="文书")


# --- Public interface ------------------------------------------------------------------------------------


def preview_letter(case: DisclosureRequest, kind: str, *, subject=None, issued_on: date | None = None) -> str:
    """The letter's text as it would be issued now, for staff to read before issuing; nothing is stored."""
    return _compose(_reload(case), kind, subject, issued_on)[0].text


def issuable_kinds(case: DisclosureRequest) -> dict[str, str]:
    """Every LetterKind mapped to '' when it can be issued now, or to the reason it cannot (for buttons)."""
    case = _reload(case)
    result = {}
    for kind in LetterKind.values:
        try:
            _subject(case, kind, None)
            result[kind] = ""
        except ValidationError as error:
            result[kind] = "；".join(error.messages)
    return result


def render_letter(case: DisclosureRequest, kind: str, *, issued_on: date | None = None, subject=None,
                  user=None) -> Letter:
    """Generate the DOCX and PDF of a notice and archive them with the case as a new Letter.

    `subject` picks the Extension or OpinionRequest a 延期/征求意见 letter is about (default: the latest).
    `issued_on` defaults to the date of the act the letter records (收到申请、告知补正、批准延期后告知、发出征求意见书、
    送达收费通知、办结). A ValidationError says why a letter cannot be issued in the case's current state."""
    case = _reload(case)
    if user is not None:
        require_capability(user, Capability.REQUESTS_HANDLE, case.agency)
    content, subject, issued_on = _compose(case, kind, subject, issued_on)
    docx_bytes = render_docx(content)
    pdf_bytes = render_pdf(content, case.agency) if pdf_enabled() else None
    # File names carry the case number and kind only: no personal data in paths or storage listings.
    stem = re.sub(r"[^A-Za-z0-9-]", "", case.tracking_number) + f"-{kind}-{issued_on:%Y%m%d}"
    letter = Letter(request=case, kind=kind, issued_on=issued_on)
    try:
        with transaction.atomic():
            letter.docx.save(f"{stem}.docx", ContentFile(docx_bytes), save=False)
            if pdf_bytes is not None:
                letter.pdf.save(f"{stem}.pdf", ContentFile(pdf_bytes), save=False)
            letter.save()
            after = {"kind": kind, "issued_on": issued_on, "request": case.pk, "pdf": pdf_bytes is not None}
            if subject is not None:
                after["subject"] = f"{subject._meta.label_lower}:{subject.pk}"
            record("requests.letter.issue", letter, agency=case.agency, after=after,
                   note=f"{case.tracking_number} {LetterKind(kind).label}")
    except BaseException:
        # Files written before a failed commit would be orphans no case points to.
        for field in (letter.docx, letter.pdf):
            if field.name:
                field.storage.delete(field.name)
        raise
    return letter


@transaction.atomic
def record_delivery(letter: Letter, method: str, delivered_on: date, reference: str = "", *,
                    user=None) -> Letter:
    """送达: how and when the letter reached its addressee (the 邮件号 for post, a 回执 or 签收 note otherwise).
    A correction overwrites the record; the audit trail keeps the previous values."""
    letter = Letter.objects.select_for_update().select_related("request__agency").get(pk=letter.pk)
    case = letter.request
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
    elif delivered_on < letter.issued_on:
        errors["delivered_on"] = f"送达日期不能早于文书日期（{cn_date(letter.issued_on)}）。"
    elif delivered_on > timezone.localdate():
        errors["delivered_on"] = "送达日期不能晚于今天。"
    if method == DeliveryMethod.POST and not reference:
        errors["reference"] = "邮寄送达请填写邮件号。"
    if len(reference) > Letter._meta.get_field("delivery_reference").max_length:
        errors["reference"] = "邮件号或回执不能超过80个字符。"
    if errors:
        raise ValidationError(errors)
    before = {"delivery_method": letter.delivery_method, "delivered_on": letter.delivered_on,
              "delivery_reference": "［已填写］" if letter.delivery_reference else ""}
    letter.delivery_method, letter.delivered_on, letter.delivery_reference = method, delivered_on, reference
    letter.save(update_fields=["delivery_method", "delivered_on", "delivery_reference"])
    # The reference may be an e-mail address or a parcel number that leads to an address: not in the trail.
    record("requests.letter.deliver", letter, agency=case.agency,
           before=before if before["delivery_method"] else None,
           after={"delivery_method": method, "delivered_on": delivered_on,
                  "delivery_reference": "［已填写］" if reference else ""},
           note=f"{case.tracking_number} {letter.get_kind_display()}")
    return letter


