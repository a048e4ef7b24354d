"""The annual report as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式): A4, 版心 156 × 225 mm
(天头 37 mm, 订口 28 mm), 标题 方正小标宋简体 二号, 正文 仿宋_GB2312 三号 at a fixed 28 pt line pitch with a
two-character first-line indent, 一级标题 黑体, 二级标题 楷体_GB2312, 页码 “- 1 -” in 宋体 四号.

Everything is formatted through named styles (GK Title, GK Body, GK Heading 1/2, GK Table …) whose run
properties carry w:eastAsia as well as w:ascii/w:hAnsi: Word picks the font of Chinese text from
w:eastAsia, which python-docx's font.name does not write.

Tables are drawn from report_formats.layout grids (merged cells included), charts from
reports.rendering.charts as PNG with their description as a caption, so every number is also text."""

from __future__ import annotations

import io

from gongkai.gongwen import (
    FONT_BODY,
    FONT_PAGE_NUMBER,
    FONT_TITLE,
    LINE_PITCH,
    MARGINS_MM,
    SIZE_BODY,
    SIZE_PAGE_NUMBER,
    SIZE_TITLE,
    cn_date,
    set_font,
)
from report_formats.layout import Grid, GridCell, column_widths_mm, label_indent

from .charts import chart_png
from .document import ATTACHMENTS_HEADING, HEADING_2, Chart, ReportDocument, attachments_line, subtitle

FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
SIZE_TABLE = 10.5  # 五号
SIZE_CAPTION = 12  # 小四
PAGE_MM = (210, 297)
CHART_WIDTH_CM = 15

STYLE_TITLE = "GK Title"
STYLE_SUBTITLE = "GK Subtitle"
STYLE_BODY = "GK Body"
STYLE_HEADING_1 = "GK Heading 1"
STYLE_HEADING_2 = "GK Heading 2"
STYLE_HEADING_2_CHAR = "GK Heading 2 Char"
STYLE_TABLE = "GK Table"
STYLE_TABLE_NUMBER = "GK Table Number"
STYLE_TABLE_HEADER = "GK Table Header"
STYLE_TABLE_CAPTION = "GK Table Caption"
STYLE_FIGURE = "GK Figure"
STYLE_CAPTION = "GK Caption"
STYLE_SIGNATURE = "GK Signature"
STYLE_PAGE_NUMBER = "GK Page Number"


# --- XML helpers -----------------------------------------------------------------------------------------


def _element(tag: str, **attributes):
    # lazy: python-docx (~6 MB) only when a DOCX is written
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(key), str(value))
    return element


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _outline_level(style, level: int) -> None:
    """Headings appear in Word's navigation pane and in a generated table of contents."""
    style.element.get_or_add_pPr().insert_element_before(
        _element("w:outlineLvl", **{"w:val": level}), "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


# --- Styles ----------------------------------------------------------------------------------------------


def _styles(document) -> dict:
    # lazy: python-docx (~6 MB) only when a DOCX is written
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    # Document defaults: 仿宋_GB2312, Chinese; anything without a GK style still prints in the right font.
    default_rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_font(default_rpr, FONT_BODY)
    for language in default_rpr.findall(qn("w:lang")):
        language.set(qn("w:eastAsia"), "zh-CN")
    set_font(document.styles["Normal"].element.get_or_add_rPr(), FONT_BODY)

    def paragraph_style(name, font, size, *, base=None, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=0.0,
                        pitch: float | None = LINE_PITCH, bold=False, keep=False):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = base or document.styles["Normal"]
        style.quick_style = True
        style.font.size, style.font.bold = Pt(size), bold
        set_font(style.element.get_or_add_rPr(), font)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(indent)
        fmt.left_indent = fmt.right_indent = Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)
        if pitch is None:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(pitch)
        fmt.keep_with_next = keep
        fmt.widow_control = True
        return style

    center, left, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
    two_chars = SIZE_BODY * 2
    styles = {
        STYLE_TITLE: paragraph_style(STYLE_TITLE, FONT_TITLE, SIZE_TITLE, align=center, pitch=36, keep=True),
        STYLE_SUBTITLE: paragraph_style(STYLE_SUBTITLE, FONT_BODY, SIZE_BODY, align=center, keep=True),
        STYLE_BODY: paragraph_style(STYLE_BODY, FONT_BODY, SIZE_BODY, indent=two_chars),
        STYLE_HEADING_1: paragraph_style(STYLE_HEADING_1, FONT_HEADING_1, SIZE_BODY, indent=two_chars, keep=True),
        STYLE_HEADING_2: paragraph_style(STYLE_HEADING_2, FONT_HEADING_2, SIZE_BODY, indent=two_chars, keep=True),
        STYLE_TABLE: paragraph_style(STYLE_TABLE, FONT_BODY, SIZE_TABLE, align=left, pitch=None),
        STYLE_TABLE_CAPTION: paragraph_style(STYLE_TABLE_CAPTION, FONT_HEADING_1, SIZE_BODY, align=center,
                                             keep=True),
        STYLE_FIGURE: paragraph_style(STYLE_FIGURE, FONT_BODY, SIZE_BODY, align=center, pitch=None, keep=True),
        STYLE_CAPTION: paragraph_style(STYLE_CAPTION, FONT_BODY, SIZE_CAPTION, pitch=SIZE_CAPTION * 1.5),
        STYLE_SIGNATURE: paragraph_style(STYLE_SIGNATURE, FONT_BODY, SIZE_BODY, align=right),
        STYLE_PAGE_NUMBER: paragraph_style(STYLE_PAGE_NUMBER, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER, align=center,
                                           pitch=None),
    }
    styles[STYLE_TABLE_NUMBER] = paragraph_style(STYLE_TABLE_NUMBER, FONT_BODY, SIZE_TABLE, base=styles[STYLE_TABLE],
                                                 align=center, pitch=None)
    styles[STYLE_TABLE_HEADER] = paragraph_style(STYLE_TABLE_HEADER, FONT_BODY, SIZE_TABLE, base=styles[STYLE_TABLE],
                                                 align=center, pitch=None, bold=True, keep=True)
    styles[STYLE_SIGNATURE].paragraph_format.right_indent = Pt(two_chars)
    _outline_level(styles[STYLE_HEADING_1], 0)
    _outline_level(styles[STYLE_HEADING_2], 1)
    char = document.styles.add_style(STYLE_HEADING_2_CHAR, WD_STYLE_TYPE.CHARACTER)
    set_font(char.element.get_or_add_rPr(), FONT_HEADING_2)
    styles[STYLE_HEADING_2_CHAR] = char
    return styles


# --- Blocks ----------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self):
        # lazy: python-docx (~6 MB) only when a DOCX is written
        from docx import Document

        self.document = Document()
        self.styles = _styles(self.document)
        # Setting paragraph.style looks the style up among all styles each time; tables set hundreds.
        self.style_ids = {name: style.style_id for name, style in self.styles.items()}

    def paragraph(self, text: str, style: str):
        return self.document.add_paragraph(text, style=self.styles[style])

    def body(self, text: str) -> None:
        m = HEADING_2.match(text)
        if not m:
            self.paragraph(text, STYLE_BODY)
        elif not m.group(2).strip():
            self.paragraph(text, STYLE_HEADING_2)
        else:  # "（一）主动公开。本年度……": the heading in 楷体, the rest of the paragraph in 仿宋
            paragraph = self.paragraph("", STYLE_BODY)
            paragraph.add_run(m.group(1), style=self.styles[STYLE_HEADING_2_CHAR])
            paragraph.add_run(m.group(2))

    def page_setup(self) -> None:
        # lazy: python-docx (~6 MB) only when a DOCX is written
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        for side, mm in MARGINS_MM.items():
            setattr(section, f"{side}_margin", Mm(mm))
        section.header_distance = Mm(15)
        section.footer_distance = Mm(MARGINS_MM["bottom"] - 12)  # 页码 about 7 mm below the 版心
        footer = section.footer.paragraphs[0]
        footer.style = self.styles[STYLE_PAGE_NUMBER]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("- ")
        page = _element("w:fldSimple", **{"w:instr": " PAGE "})
        page.append(footer.add_run("1")._r)  # Word replaces the shown number on every page
        footer._p.append(page)
        footer.add_run(" -")

    def table(self, grid: Grid) -> None:
        # lazy: python-docx (~6 MB) only when a DOCX is written
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.shared import Mm, Pt

        widths = column_widths_mm(grid)
        table = self.document.add_table(rows=grid.height, cols=grid.width)
        _table_properties(table, grid.title, widths)
        leading_headers = set(range(len(grid.header_rows)))
        # Positions are taken before merging: table.cell() recounts every cell on each call.
        cells = []
        for r, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(_element("w:cantSplit"))
            # Word repeats only a table's leading header rows; 表二 has a header per block, none repeats.
            if grid.header_rows == leading_headers and r in leading_headers:
                tr_pr.append(_element("w:tblHeader"))
            cells.append(row.cells)
            for c, cell in enumerate(row.cells):
                cell.width = Mm(widths[c])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                cell.paragraphs[0]._p.style = self.style_ids[STYLE_TABLE]
        for grid_cell in grid.cells():
            paragraph = cells[grid_cell.row][grid_cell.column].paragraphs[0]
            paragraph._p.style = self.style_ids[_cell_style(grid_cell)]
            if indent := label_indent(grid_cell):
                paragraph.paragraph_format.left_indent = Pt(SIZE_TABLE * indent)
            if grid_cell.text:
                paragraph.add_run(grid_cell.text)
        for g in grid.cells():
            if g.colspan > 1 or g.rowspan > 1:
                cells[g.row][g.column].merge(cells[g.row + g.rowspan - 1][g.column + g.colspan - 1])

    def chart(self, chart: Chart) -> None:
        # lazy: python-docx (~6 MB) only when a DOCX is written
        from docx.shared import Cm

        run = self.paragraph("", STYLE_FIGURE).add_run()
        shape = run.add_picture(io.BytesIO(chart_png(chart)), width=Cm(CHART_WIDTH_CM))
        shape._inline.docPr.set("title", chart.title)
        shape._inline.docPr.set("descr", chart.description)  # alternative text
        self.paragraph(chart.description, STYLE_CAPTION)


def _table_properties(table, title: str, widths: list[float]) -> None:
    """Centred, fixed column widths, single ½ pt borders on every cell, narrow cell margins (表四 prints 15
    columns on 156 mm), and the title as the table's caption (what a screen reader announces)."""
    # lazy: python-docx (~6 MB) only when a DOCX is written
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    tbl_pr = table._tbl.tblPr
    for child in tbl_pr.findall(_element("w:tblW").tag):
        tbl_pr.remove(child)
    tbl_pr.insert_element_before(_element("w:tblW", **{"w:w": _twips(sum(widths)), "w:type": "dxa"}),
                                 "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                                 "w:tblLayout", "w:tblCellMar", "w:tblLook")
    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", **{"w:val": "single", "w:sz": 4, "w:space": 0, "w:color": "000000"}))
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    margins = _element("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", **{"w:w": _twips(0.8), "w:type": "dxa"}))
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    tbl_pr.append(_element("w:tblCaption", **{"w:val": title}))


def _cell_style(cell: GridCell) -> str:
    if cell.kind in ("title", "header"):
        return STYLE_TABLE_HEADER
    if cell.kind in ("value", "unit"):
        return STYLE_TABLE_NUMBER
    return STYLE_TABLE


def render_docx(document: ReportDocument) -> bytes:
    """The report as DOCX: title, the six sections (prose, tables, charts), 署名 and 成文日期, then the
    attachments (the legacy 统计表) each on a new page."""
    # lazy: python-docx (~6 MB) only when a DOCX is written
    from docx.shared import Pt

    w = _Writer()
    w.page_setup()
    w.paragraph(document.title, STYLE_TITLE)
    if line := subtitle(document):
        w.paragraph(line, STYLE_SUBTITLE)
    if document.change_note:
        w.paragraph(f"更正说明：{document.change_note}", STYLE_BODY)
    w.paragraph("", STYLE_BODY)  # a blank line between the title and the body
    for section in document.sections:
        w.paragraph(section.title, STYLE_HEADING_1)
        for text in section.paragraphs:
            w.body(text)
        for grid in section.grids:
            if grid.title != section.title:  # 表二/三/四 are titled by their section heading
                w.paragraph(grid.title, STYLE_TABLE_CAPTION)
            w.table(grid)
        for chart in section.charts:
            w.chart(chart)
    if line := attachments_line(document):
        w.paragraph(line, STYLE_BODY).paragraph_format.space_before = Pt(LINE_PITCH)
    signature = w.paragraph(document.agency_name, STYLE_SIGNATURE)
    signature.paragraph_format.space_before = Pt(LINE_PITCH * 2)
    w.paragraph(cn_date(document.published_on), STYLE_SIGNATURE)
    for number, grid in enumerate(document.attachments, start=1):
        several = len(document.attachments) > 1
        heading = w.paragraph(f"{ATTACHMENTS_HEADING}{number if several else ''}", STYLE_HEADING_1)
        heading.paragraph_format.first_line_indent = Pt(0)  # 顶格
        heading.paragraph_format.page_break_before = True
        w.paragraph(grid.title, STYLE_TABLE_CAPTION)
        w.table(grid)

    properties = w.document.core_properties
    properties.title = document.title
    properties.author = properties.last_modified_by = document.agency_name
    properties.comments = properties.keywords = ""
    out = io.BytesIO()
    w.document.save(out)
    return out.getvalue()
