"""公文 layout shared by every document the platform writes for paper: the 告知书 of a disclosure request
(disclosure_requests.notices) and the annual report (the reports DOCX renderer).

GB/T 9704-2012 (党政机关公文格式): A4, 版心 156 × 225 mm (天头 37 mm, 订口 28 mm), 标题 方正小标宋简体 二号, 正文
仿宋_GB2312 三号 at a fixed 28 pt line pitch (22 lines on the 版心) with a two-character first-line indent, 页码
“- 1 -” in 宋体 四号, 成文日期 in Arabic numerals without leading zeros.

Here: the font names and sizes, the line pitch and margins, `cn_date` and `rmb_upper`, the python-docx helpers
that write fonts the way Word reads them (`set_font`, `style_run`), the PAGE-field page number
(`add_page_number`) and `write_docx`, which lays out a list of `Block`s as a one-section 公文. python-docx is
imported inside the functions, so importing this module costs nothing for callers that only need `cn_date`."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# GB/T 9704 font names written into a DOCX: Word on a government PC has them. A PDF uses the Noto CJK stand-ins
# named in its stylesheet (Debian has no free 仿宋 or 小标宋).
FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_PAGE_NUMBER = "宋体"
SIZE_BODY = 16  # 三号
SIZE_TITLE = 22  # 二号
SIZE_PAGE_NUMBER = 14  # 四号
LINE_PITCH = 28  # 磅, fixed: 22 lines of 三号 on the 225 mm 版心
TITLE_LINE_PITCH = 36  # 磅, the 二号 title's lines
PAGE_MM = (210, 297)  # A4
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


# --- Text ------------------------------------------------------------------------------------------------


def cn_date(day: date | None) -> str:
    """GB/T 9704-2012 成文日期: Arabic numerals, no leading zeros: 2024年10月28日 ('' for no date)."""
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
    """人民币大写 as on 非税收入缴款书: 1700.00 → 壹仟柒佰元整, 0.05 → 伍分. Negative amounts raise ValueError."""
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


# --- python-docx helpers ---------------------------------------------------------------------------------


def set_font(rpr, name: str) -> None:
    """Name the font of a run-properties element (w:rPr) for every script. python-docx's font.name writes
    w:ascii/w:hAnsi only; Chinese text follows w:eastAsia, and theme attributes would override both in Word."""
    # lazy: python-docx (~6 MB) only when a DOCX is written (module docstring)
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def style_run(run, font: str, size: float, bold: bool = False) -> None:
    """Font, size (磅) and weight of one python-docx run, the font for Chinese text included."""
    # lazy: python-docx (~6 MB) only when a DOCX is written (module docstring)
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    set_font(run._r.get_or_add_rPr(), font)


def add_page_number(paragraph) -> None:
    """GB/T 9704 页码: “- 1 -” in 四号 半角 Arabic numerals, as a PAGE field so Word numbers each page."""
    # lazy: python-docx (~6 MB) only when a DOCX is written (module docstring)
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_part(tag: str, **attributes) -> None:
        run = paragraph.add_run()
        style_run(run, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
        element = OxmlElement(tag)
        for key, value in attributes.items():
            element.set(qn(key), value)
        if tag == "w:instrText":
            element.text = " PAGE "
        run._r.append(element)

    style_run(paragraph.add_run("- "), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    field_part("w:fldChar", **{"w:fldCharType": "begin"})
    field_part("w:instrText", **{"xml:space": "preserve"})
    field_part("w:fldChar", **{"w:fldCharType": "separate"})
    style_run(paragraph.add_run("1"), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)
    field_part("w:fldChar", **{"w:fldCharType": "end"})
    style_run(paragraph.add_run(" -"), FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER)


# --- Blocks → DOCX ---------------------------------------------------------------------------------------

BLOCK_STYLES = ("title", "subtitle", "salutation", "body", "signature", "note")


@dataclass(frozen=True)
class Block:
    """One paragraph of a 公文. Styles: title (标题), subtitle (编号行, 居中), salutation (称呼/主送, 顶格),
    body (正文, 首行缩进二字), signature (落款, 右对齐), note (附注, 顶格)."""

    style: str
    text: str


def write_docx(blocks: Iterable[Block], *, title: str, author: str, title_style: str = "公文标题") -> bytes:
    """A one-section A4 DOCX of the blocks in GB/T 9704 layout, page numbers in the footer.

    `title` and `author` go into the document properties (nothing else does: no personal data in metadata);
    `title_style` names the paragraph style of the title as Word lists it."""
    # lazy: python-docx (~6 MB) only when a DOCX is written (module docstring)
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(MARGINS_MM["bottom"] - 7 - 5)  # 页码 about 7 mm below the 版心

    # Document defaults and Normal: 仿宋_GB2312 三号, Chinese language, fixed line pitch.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_font(default_rpr, FONT_BODY)
    language = default_rpr.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "zh-CN")
        language.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = Pt(SIZE_BODY)
    set_font(normal.element.get_or_add_rPr(), FONT_BODY)
    normal_format = normal.paragraph_format
    normal_format.space_before, normal_format.space_after = Pt(0), Pt(0)
    normal_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal_format.line_spacing = Pt(LINE_PITCH)

    heading = document.styles.add_style(title_style, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = normal
    heading.font.size = Pt(SIZE_TITLE)
    set_font(heading.element.get_or_add_rPr(), FONT_TITLE)
    heading_format = heading.paragraph_format
    heading_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading_format.line_spacing = Pt(TITLE_LINE_PITCH)
    heading_format.space_after = Pt(LINE_PITCH / 2)

    indent = Pt(SIZE_BODY * 2)
    previous = None
    for block in blocks:
        if block.style == "title":
            paragraph = document.add_paragraph(style=heading)
            style_run(paragraph.add_run(block.text), FONT_TITLE, SIZE_TITLE)
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
        style_run(paragraph.add_run(block.text), FONT_BODY, SIZE_BODY)
        previous = block.style

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_page_number(footer)

    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.comments = ""
    properties.keywords = ""
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
