"""The DOCX (GB/T 9704 layout) and XLSX exports of an annual report, reopened with python-docx and openpyxl.

The reports are entered as printed (services.create_entered_report), so every cell is known: the expected
texts and numbers below are the entered ones, the chart captions are summed by hand."""

import dataclasses
import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from report_formats.formats import FORMATS, SECTION_TITLES, ReportFormat
from reports import services
from reports.rendering.docx import render_docx
from reports.rendering.xlsx import render_xlsx

pytestmark = pytest.mark.django_db

NARRATIVE = {
    "overview": "（一）主动公开\n本年度主动公开政府信息。\n（二）依申请公开。本年度新收申请7件。",
    "proactive": "本年度制发规范性文件。",
    "requests": "本年度新收政府信息公开申请7件。",
    "appeals": "本年度发生行政复议2件。",
    "problems": "公开质量有待提高。",
    "other": "无其他需要报告的事项。",
}
ENTERED_2024 = {
    "t3.received_new.natural_person": "7", "t3.received_new.total": "7",
    "t3.granted.natural_person": "5", "t3.granted.total": "5",
    # The row total says 3 but its parts sum to 1: a T3-E01 error.
    "t3.withheld_state_secret.natural_person": "1", "t3.withheld_state_secret.total": "3",
    "t2.fees.amount": "1234.5678",
    "t4.review.upheld": "2", "t4.review.total": "2",
}
LEFT_OUT = "t3.carried_in.total"  # not printed: blank in every export


@pytest.fixture
def report(region):
    """演示县人民政府 2023 (for the trend) and 2024, every F2021 cell printed as 0 unless set above."""
    agency = region["county"]
    services.create_entered_report(agency, 2023, {"t3.received_new.total": "4"}, None, narrative=NARRATIVE)
    values = {cid: "0" for cid in FORMATS[ReportFormat.F2021].cell_ids() if cid != LEFT_OUT}
    return services.create_entered_report(agency, 2024, {**values, **ENTERED_2024}, None, narrative=NARRATIVE)


@pytest.fixture
def legacy(region):
    return services.create_entered_report(region["county"], 2017, {"lg.request.received": "3",
                                                                    "lg.fees.amount": "0.5"}, None,
                                          narrative=NARRATIVE)


def reopen_docx(data: bytes):
    return Document(io.BytesIO(data))


def texts(doc) -> set[str]:
    """Every paragraph's and every table cell's text."""
    found = {p.text for p in doc.paragraphs}
    for table in doc.tables:
        for row in table.rows:
            found.update(cell.text for cell in row.cells)
    return found


def format_labels(fmt: ReportFormat) -> set[str]:
    labels = set()
    for table in FORMATS[fmt].tables:
        labels.add(table.title)
        for part in (table, *table.blocks):
            labels.add(part.title)
            labels.update(h.label for row in part.header_rows for h in row)
            labels.update(r.label for r in part.rows)
            labels.update(c.label for c in part.columns)
    return labels


def xml_text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def table_with(doc, label: str):
    return next(t for t in doc.tables if any(c.text == label for row in t.rows for c in row.cells))


def column_of(table, label: str) -> int:
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if cell.text == label:
                return index
    raise AssertionError(label)


def row_of(table, label: str):
    return next(row for row in table.rows if any(c.text == label for c in row.cells))


def test_docx_prints_every_label_of_the_2021_format_verbatim(report):
    doc = reopen_docx(render_docx(services.document_for(report)))
    printed = texts(doc)
    assert format_labels(ReportFormat.F2021) - printed == set()
    assert set(SECTION_TITLES.values()) <= printed
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "演示县人民政府2024年政府信息公开工作年度报告"
    # 表二/三/四 are titled once, by their section heading.
    assert paragraphs.count("三、收到和处理政府信息公开申请情况") == 1
    assert len(doc.tables) == 3


def test_docx_numbers_are_in_their_table_cells(report):
    doc = reopen_docx(render_docx(services.document_for(report)))
    t3 = table_with(doc, "（一）予以公开")
    granted = row_of(t3, "（一）予以公开").cells
    assert granted[column_of(t3, "总计")].text == "5"
    assert granted[column_of(t3, "自然人")].text == "5"
    assert granted[column_of(t3, "商业企业")].text == "0"
    assert row_of(t3, "1.属于国家秘密").cells[column_of(t3, "总计")].text == "3"
    assert row_of(t3, "二、上年结转政府信息公开申请数量").cells[column_of(t3, "总计")].text == ""  # not printed
    t2 = table_with(doc, "行政事业性收费")
    assert row_of(t2, "行政事业性收费").cells[column_of(t2, "本年收费金额（单位：万元）")].text == "1234.5678"
    t4 = table_with(doc, "未经复议直接起诉")
    assert [c.text for c in t4.rows[-1].cells] == ["2", "0", "0", "0", "2"] + ["0"] * 10


def test_docx_merges_the_printed_headers_and_repeats_them(report):
    doc = reopen_docx(render_docx(services.document_for(report)))
    t3 = table_with(doc, "（一）予以公开")
    first = t3._tbl.tr_lst[0].tc_lst
    assert first[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"
    assert first[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    assert [(tc.grid_span, xml_text(tc)) for tc in first] == [
        (3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), (7, "申请人情况")]
    second = t3._tbl.tr_lst[1].tc_lst
    assert [(tc.grid_span, tc.vMerge) for tc in second] == [(3, "continue"), (1, "restart"), (5, None),
                                                            (1, "restart")]
    headers = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in t3._tbl.tr_lst]
    assert headers[:3] == [True, True, True] and not any(headers[3:])
    # 三、本年度办理结果 spans its 21 result rows and （七）总计 (22 rows) in the first label column.
    group = next(tc for tr in t3._tbl.tr_lst for tc in tr.tc_lst if xml_text(tc) == "三、本年度办理结果")
    assert group.vMerge == "restart" and group.bottom - group.top == 22
    t4 = table_with(doc, "未经复议直接起诉")
    assert [(tc.grid_span, xml_text(tc)) for tc in t4._tbl.tr_lst[0].tc_lst] == [(5, "行政复议"),
                                                                                          (10, "行政诉讼")]
    borders = t3._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders} == {
        "top": "single", "left": "single", "bottom": "single", "right": "single", "insideH": "single",
        "insideV": "single"}


def east_asia(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_styles_name_the_gb_fonts_for_chinese_text(report):
    doc = reopen_docx(render_docx(services.document_for(report)))
    fonts = {name: (east_asia(doc.styles[name]), doc.styles[name].font.size.pt)
             for name in ("GK Title", "GK Body", "GK Heading 1", "GK Heading 2", "GK Table")}
    assert fonts == {"GK Title": ("方正小标宋简体", 22), "GK Body": ("仿宋_GB2312", 16),
                     "GK Heading 1": ("黑体", 16), "GK Heading 2": ("楷体_GB2312", 16),
                     "GK Table": ("仿宋_GB2312", 10.5)}
    for name in ("GK Title", "GK Body", "GK Heading 1", "GK Heading 2", "GK Table"):
        rfonts = doc.styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:hAnsi")) == east_asia(doc.styles[name])
    assert east_asia(doc.styles["GK Heading 2 Char"]) == "楷体_GB2312"
    body = doc.styles["GK Body"].paragraph_format
    assert (body.line_spacing.pt, body.first_line_indent.pt) == (28, 32)
    style_of = {p.text: p.style.name for p in doc.paragraphs}
    assert style_of["演示县人民政府2024年政府信息公开工作年度报告"] == "GK Title"
    assert all(style_of[title] == "GK Heading 1" for title in SECTION_TITLES.values())
    assert style_of["（一）主动公开"] == "GK Heading 2"
    assert style_of["本年度主动公开政府信息。"] == "GK Body"
    # A heading leading its paragraph: 楷体 up to the full stop, 仿宋 after it.
    runs = next(p for p in doc.paragraphs if p.text.startswith("（二）依申请公开。")).runs
    assert [(r.text, r.style.name) for r in runs] == [("（二）依申请公开。", "GK Heading 2 Char"),
                                                      ("本年度新收申请7件。", "Default Paragraph Font")]
    # No paragraph or cell falls back to a style without the Chinese fonts.
    cells = [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    assert {p.style.name for p in [*doc.paragraphs, *cells]} <= {
        "GK Title", "GK Subtitle", "GK Body", "GK Heading 1", "GK Heading 2", "GK Table", "GK Table Number",
        "GK Table Header", "GK Table Caption", "GK Figure", "GK Caption", "GK Signature"}


def test_docx_page_is_a4_with_gb_margins_and_a_page_number_field(report):
    doc = reopen_docx(render_docx(services.document_for(report)))
    section = doc.sections[0]
    measured = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                section.left_margin, section.right_margin]
    assert [round(length.mm) for length in measured] == [210, 297, 37, 35, 28, 26]
    footer = section.footer.paragraphs[0]
    field = footer._p.find(qn("w:fldSimple"))
    assert field is not None and field.get(qn("w:instr")).strip() == "PAGE"
    assert xml_text(footer._p) == "- 1 -"
    assert footer.style.name == "GK Page Number"
    assert (east_asia(footer.style), footer.style.font.size.pt) == ("宋体", 14)
    assert footer.alignment == 1  # centred


def test_docx_charts_have_their_numbers_in_a_caption(report):
    doc = reopen_docx(render_docx(services.document_for(report)))
    assert len(doc.inline_shapes) == 2  # the trend and the outcomes; no channel counts for an entered report
    captions = [p.text for p in doc.paragraphs if p.style.name == "GK Caption"]
    assert captions == [
        "近五年主要数据。新收申请：2023年4件，2024年7件；行政复议：2023年0件，2024年2件；行政诉讼：2023年0件，2024年0件。",
        "依申请公开办理结果（总计列）。予以公开5件，部分公开0件，不予公开3件，无法提供0件，不予处理0件，其他处理0件。",
    ]
    assert round(doc.inline_shapes[0].width.cm) == 15


def test_legacy_report_prints_its_statistics_table_as_an_attachment_after_the_signature(legacy):
    document = services.document_for(legacy)
    doc = reopen_docx(render_docx(document))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "（草稿，未发布）" in paragraphs
    assert format_labels(ReportFormat.LEGACY_2014) - texts(doc) == set()
    notice = paragraphs.index("附件：政府信息公开情况统计表")
    signature = paragraphs.index("演示县人民政府")
    assert notice < signature and paragraphs[signature + 1] == ""  # not published: no date yet
    attachment = doc.paragraphs[paragraphs.index("附件")]
    assert attachment.paragraph_format.page_break_before and paragraphs.index("附件") > signature
    assert paragraphs[paragraphs.index("附件") + 1] == "政府信息公开情况统计表"
    table = doc.tables[-1]
    assert [c.text for c in row_of(table, "（一）收到申请数").cells] == ["（一）收到申请数", "件", "3"]
    assert [c.text for c in row_of(table, "七、依申请公开信息收取的费用").cells] == [
        "七、依申请公开信息收取的费用", "万元", "0.5"]
    assert row_of(table, "1.当面申请数").cells[0].paragraphs[0].paragraph_format.left_indent.pt == 21  # depth 2

    published = reopen_docx(render_docx(dataclasses.replace(document, published_on=date(2025, 1, 20),
                                                             status_label="已发布")))
    lines = [p.text for p in published.paragraphs]
    assert lines[lines.index("演示县人民政府") + 1] == "2025年1月20日"
    assert published.paragraphs[lines.index("2025年1月20日")].style.name == "GK Signature"
    assert "（已发布，未发布）" not in lines and "（草稿，未发布）" not in lines


def reopen_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_xlsx_lists_every_cell_with_its_exact_value_and_provenance(report):
    book = reopen_xlsx(render_xlsx(report))
    assert book.sheetnames == ["表二", "表三", "表四", "单元格", "校验结果", "图表"]
    sheet = book["单元格"]
    assert sheet["A1"].value == "演示县人民政府2024年政府信息公开工作年度报告"
    assert [c.value for c in sheet[2]] == ["单元格编号", "表格", "行", "列", "单位", "数值", "来源", "出处"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert list(rows) == FORMATS[ReportFormat.F2021].cell_ids()
    assert rows["t2.fees.amount"][5] == "1234.5678"  # money as its exact decimal text
    assert rows["t3.granted.total"] == (
        "t3.granted.total", "表三", "三、本年度办理结果 · （一）予以公开", "申请人情况 · 总计", "件", 5, "单位填报",
        "历史数据补录")
    assert rows["t3.withheld_state_secret.natural_person"][5] == 1
    assert rows[LEFT_OUT][5] is None and rows[LEFT_OUT][7] == "历史数据补录（原表未印此行）"


def test_xlsx_tables_are_drawn_from_the_printed_grid(report):
    book = reopen_xlsx(render_xlsx(report))
    t3 = book["表三"]
    assert {"A1:J1", "A2:J2", "A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5"} <= {str(r) for r in t3.merged_cells.ranges}
    assert t3["A2"].value == "三、收到和处理政府信息公开申请情况"
    granted = next(row for row in t3.iter_rows(min_row=6) if row[1].value == "（一）予以公开")
    assert [c.value for c in granted[3:]] == [5, 0, 0, 0, 0, 0, 5]
    assert granted[1].border.left.style == "thin" and granted[9].alignment.horizontal == "center"
    t2 = book["表二"]
    fees = next(row for row in t2.iter_rows() if row[0].value == "行政事业性收费")
    assert (fees[1].value, fees[1].number_format) == (1234.5678, "0.00##")
    t4 = book["表四"]
    assert {"A3:E3", "F3:O3", "F4:J4", "K4:O4", "A4:A5"} <= {str(r) for r in t4.merged_cells.ranges}
    assert [c.value for c in t4[6]] == [2, 0, 0, 0, 2] + [0] * 10


def test_xlsx_lists_the_findings_and_draws_native_charts(report):
    book = reopen_xlsx(render_xlsx(report))
    findings = book["校验结果"]
    assert [c.value for c in findings[2]] == ["级别", "代码", "单元格", "位置", "说明"]
    rows = list(findings.iter_rows(min_row=3, values_only=True))
    e01 = [r for r in rows if r[1] == "T3-E01"]
    assert len(e01) == 1 and e01[0][0] == "错误"
    assert e01[0][2].split("、")[0] == "t3.withheld_state_secret.total"
    assert "为 3，而分项之和" in e01[0][4]
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=["错误", "警告", "提示"].index)

    charts = book["图表"]
    assert [type(c).__name__ for c in charts._charts] == ["LineChart", "BarChart"]
    values = {row[0]: row[1:3] for row in charts.iter_rows(min_row=3, max_col=3, values_only=True) if row[0]}
    assert values["2023年"] == (4, 0) and values["2024年"] == (7, 2)  # 新收申请, 行政复议
    assert values["予以公开"][0] == 5 and values["不予公开"][0] == 3


def test_xlsx_of_a_legacy_report_has_the_statistics_table(legacy):
    book = reopen_xlsx(render_xlsx(legacy))
    assert book.sheetnames == ["统计表", "单元格", "校验结果", "图表"]
    sheet = book["统计表"]
    received = next(row for row in sheet.iter_rows() if row[0].value == "（一）收到申请数")
    assert [c.value for c in received] == ["（一）收到申请数", "件", 3]
    fees = next(row for row in sheet.iter_rows() if row[0].value == "七、依申请公开信息收取的费用")
    assert (fees[2].value, fees[2].number_format) == (0.5, "0.00##")
    cells = {row[0]: row[5] for row in book["单元格"].iter_rows(min_row=3, values_only=True)}
    assert cells["lg.fees.amount"] == "0.5" and cells["lg.request.received"] == 3
