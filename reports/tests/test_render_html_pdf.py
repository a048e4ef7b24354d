"""The annual report as HTML and PDF (reports.rendering.html/pdf), the workbench download and
`gongkai report build --format …`.

The report is 演示县教育局's 2024 draft (F2021) with the cells below planted by hand, so every number checked
is distinct from its neighbours: 表三 （一）予以公开 = 11+12+13+14+15+16 = 81 in 总计. Tables are read back
by position (rowspan/colspan expanded) with html.parser, and the whole report by the project's own checkup
(report_checkup.importers), which must find every cell again in the HTML and in the PDF's text layer."""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure_requests.tests.test_notices import skip_pdf_loudly, squash
from report_checkup.importers.importer import import_document
from report_formats.formats import FORMATS, ReportFormat
from reports import services
from reports.models import ReportCell
from reports.rendering import EXPORT_TYPES, export
from reports.rendering.document import build
from reports.rendering.html import CSS_PATH, render_html

pytestmark = pytest.mark.django_db

PLANTED = {
    "t3.received_new.natural_person": 70, "t3.received_new.commercial_enterprise": 20,
    "t3.received_new.total": 90,
    "t3.granted.natural_person": 11, "t3.granted.commercial_enterprise": 12, "t3.granted.research_institution": 13,
    "t3.granted.public_welfare_org": 14, "t3.granted.legal_service_org": 15, "t3.granted.other_org": 16,
    "t3.granted.total": 81,
    "t3.partially_granted.natural_person": 5, "t3.partially_granted.total": 5,
    "t3.withheld_state_secret.natural_person": 2, "t3.withheld_state_secret.total": 2,
    "t3.closed_total.natural_person": 88, "t3.closed_total.total": 88,
    "t4.review.upheld": 1, "t4.review.corrected": 2, "t4.review.total": 3,
    "t4.suit_direct.pending": 4, "t4.suit_direct.total": 4,
}
ENTERED = {"t2.licensing.decisions": "12", "t2.fees.amount": "3.25"}
# Written, not drafted: the pages must not move when the platform's draft wording changes.
NARRATIVE = {
    "overview": "本报告根据《中华人民共和国政府信息公开条例》编制。\n（一）主动公开\n本年度主动公开政府信息。\n"
                "（二）依申请公开。本年度新收政府信息公开申请90件，予以公开81件。",
    "proactive": "主动公开情况见下表。", "requests": "办理情况见下表。", "appeals": "本年度被申请行政复议3件。",
    "problems": "公开内容还不够全面。", "other": "本年度未收取信息处理费。",
}
A4_POINTS = (595.28, 841.89)


# --- reading the HTML back -------------------------------------------------------------------------------


class Page(HTMLParser):
    """Tables (caption, rows of cells with tag, scope, spans, data-cell and text) and the text of headings
    and paragraphs, in order; the SVG's own title/desc are ignored (the figcaption carries the words)."""

    TEXT_TAGS = ("caption", "h1", "h2", "h3", "p", "figcaption")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.blocks: list[tuple[str, str]] = []  # (tag, text) of headings, paragraphs, captions
        self.ids: list[str] = []
        self.refs: list[str] = []
        self._cell = self._block = None
        self._svg = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        for name in ("href", "xlink:href"):
            if (a.get(name) or "").startswith("#"):
                self.refs.append(a[name][1:])
        self.refs += re.findall(r"url\(#([^)]+)\)", " ".join(v or "" for v in a.values()))
        if tag == "svg":
            self._svg += 1
        elif tag == "table":
            self.tables.append({"id": a.get("id"), "caption": "", "rows": [], "thead_rows": 0})
        elif tag == "thead":
            self._in_thead = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
            if getattr(self, "_in_thead", False):
                self.tables[-1]["thead_rows"] += 1
        elif tag in ("td", "th"):
            self._cell = {"tag": tag, "scope": a.get("scope"), "rowspan": int(a.get("rowspan", 1)),
                          "colspan": int(a.get("colspan", 1)), "cell": a.get("data-cell"), "text": ""}
            self.tables[-1]["rows"][-1].append(self._cell)
        elif tag in self.TEXT_TAGS and not self._svg:
            self._block = [tag, ""]

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg -= 1
        elif tag == "thead":
            self._in_thead = False
        elif tag in ("td", "th"):
            self._cell = None
        elif self._block and tag == self._block[0]:
            if tag == "caption":
                self.tables[-1]["caption"] = self._block[1]
            self.blocks.append(tuple(self._block))
            self._block = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        elif self._block is not None:
            self._block[1] += data

    def table(self, table_id: str) -> dict:
        return next(t for t in self.tables if t["id"] == f"gk-table-{table_id}")

    def texts(self) -> set[str]:
        return {c["text"] for t in self.tables for row in t["rows"] for c in row} | {t for _, t in self.blocks}


def positions(table: dict) -> dict[tuple[int, int], dict]:
    """(row, column) → the cell covering it, merged cells expanded as a printed form shows them."""
    grid: dict[tuple[int, int], dict] = {}
    for r, row in enumerate(table["rows"]):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    grid[(r + dr, c + dc)] = cell
            c += cell["colspan"]
    return grid


def row_of(grid, label: str) -> int:
    return next(r for (r, _c), cell in grid.items() if cell["text"] == label and cell["rowspan"] == 1)


def columns_of(grid, header: str) -> list[int]:
    return sorted({c for (_r, c), cell in grid.items() if cell["text"] == header and cell["tag"] == "th"})


def format_labels(fmt: ReportFormat) -> set[str]:
    """Every printed label of the format: table titles, header cells, row and column labels."""
    labels = set()
    for table in FORMATS[fmt].tables:
        for spec in (table, *table.blocks):
            labels.add(spec.title)
            labels |= {h.label for row in spec.header_rows for h in row}
            labels |= {r.label for r in spec.rows} | {c.label for c in spec.columns}
    return labels


# --- fixtures --------------------------------------------------------------------------------------------


@pytest.fixture
def report(region, head):
    services.enter_figures(region["edu"], 2024, ENTERED, None)
    report = services.create_draft(region["edu"], 2024, [region["edu"]], head)
    for cid, value in PLANTED.items():
        ReportCell.objects.filter(report=report, cell_id=cid).update(value=value)
    return services.save_narrative(report, NARRATIVE, head)


@pytest.fixture
def document(report):
    return services.document_for(report)


@functools.cache
def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [squash(page.extract_text() or "") for page in _pdf_reader(data).pages]


def pdf_of(document) -> tuple[bytes, list[str]]:
    """The PDF and each page's text without whitespace (labels wrap inside their cells)."""
    skip_pdf_loudly()
    from reports.rendering.pdf import render_pdf

    data = render_pdf(document)
    return data, page_texts(data)


def missing_labels(fmt: ReportFormat, found) -> list[str]:
    return sorted(label for label in format_labels(fmt) if not found(label))


def fonts_embedded(data: bytes) -> dict[str, bool]:
    """Every font in every page's resources → whether its program is in the file (a Type0 font through its
    descendant CID font)."""
    out = {}
    for page in _pdf_reader(data).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            described = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            out[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return out


# --- HTML ------------------------------------------------------------------------------------------------


def test_html_prints_every_label_of_the_2021_format_verbatim(document):
    html = str(render_html(document))
    page = Page(html)
    texts = page.texts()
    assert missing_labels(ReportFormat.F2021, lambda label: label in texts) == []
    headings = [text for tag, text in page.blocks if tag == "h2"]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [text for tag, text in page.blocks if tag == "h1"] == ["演示县教育局2024年政府信息公开工作年度报告"]
    assert {t["caption"] for t in page.tables} == {"二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                                   "四、政府信息公开行政复议、行政诉讼情况"}
    # A standalone document: A4 print CSS inline, the 公文 fonts, page numbers "- N -".
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html
    assert "size: A4" in html and "margin: 37mm 26mm 35mm 28mm" in html
    assert 'content: "- " counter(page) " -"' in html
    assert '"FangSong_GB2312", "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", serif' in html
    assert '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"' in html
    assert '"SimHei", "黑体", "Noto Sans CJK SC"' in html
    assert CSS_PATH.read_text(encoding="utf-8") in html  # the portal's stylesheet, inlined


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_prints_all_its_labels(fmt):
    doc = build(title="演示县教育局2018年政府信息公开工作年度报告", agency_name="演示县教育局", year=2018,
                report_format=fmt, values={}, narrative={})
    html = str(render_html(doc))
    texts = Page(html).texts()
    assert missing_labels(fmt, lambda label: label in texts) == []
    # 表二 (a header per 第二十条 item) keeps each item together; the other tables repeat their <thead>.
    assert bool(re.search(r'<table class="[^"]*gk-table-blocks', html)) == (fmt in (ReportFormat.F2021, ReportFormat.F2019))
    assert html.count("<thead>") == len(FORMATS[fmt].tables) - (fmt in (ReportFormat.F2021, ReportFormat.F2019))


def test_numbers_sit_in_their_cells(document):
    page = Page(str(render_html(document)))
    t3 = positions(page.table("t3"))
    granted = row_of(t3, "（一）予以公开")
    total, = columns_of(t3, "总计")
    person, = columns_of(t3, "自然人")
    company, = columns_of(t3, "商业企业")
    assert t3[(granted, total)]["text"] == "81" and t3[(granted, total)]["cell"] == "t3.granted.total"
    assert (t3[(granted, person)]["text"], t3[(granted, company)]["text"]) == ("11", "12")
    assert [t3[(granted, c)]["text"] for c in range(person, total + 1)] == ["11", "12", "13", "14", "15", "16", "81"]
    assert t3[(row_of(t3, "1.属于国家秘密"), total)]["text"] == "2"
    assert t3[(row_of(t3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), person)]["text"] == "5"
    assert t3[(row_of(t3, "一、本年新收政府信息公开申请数量"), company)]["text"] == "20"
    assert t3[(row_of(t3, "3.其他"), total)]["text"] == "0"  # computed: nothing in the region

    t4 = positions(page.table("t4"))
    review, direct = columns_of(t4, "行政复议"), columns_of(t4, "未经复议直接起诉")
    values = max(r for r, _c in t4)
    assert review == [0, 1, 2, 3, 4] and direct == [5, 6, 7, 8, 9]
    assert [t4[(values, c)]["text"] for c in review] == ["1", "2", "0", "0", "3"]  # 维持 纠正 其他 尚未审结 总计
    assert [t4[(values, c)]["text"] for c in direct] == ["0", "0", "0", "4", "4"]
    assert [t4[(values, c)]["text"] for c in columns_of(t4, "尚未审结")] == ["0", "4", "0"]

    t2 = positions(page.table("t2"))
    assert t2[(row_of(t2, "行政事业性收费"), 1)]["text"] == "3.25"
    assert t2[(row_of(t2, "行政许可"), 1)]["text"] == "12"
    assert t2[(row_of(t2, "行政强制"), 1)]["text"] == ""  # not entered: blank, not 0


def test_table_three_merges_its_group_labels_and_marks_its_headers(document):
    t3 = Page(str(render_html(document))).table("t3")
    cells = {c["text"]: c for row in t3["rows"] for c in row if c["tag"] == "th"}
    group = cells["三、本年度办理结果"]
    assert (group["rowspan"], group["colspan"], group["scope"]) == (22, 1, "rowgroup")  # （一）… to （七）总计
    assert (cells["（三）不予公开"]["rowspan"], cells["（四）无法提供"]["rowspan"]) == (8, 3)
    assert (cells["（五）不予处理"]["rowspan"], cells["（六）其他处理"]["rowspan"]) == (5, 3)
    assert (cells["申请人情况"]["colspan"], cells["法人或其他组织"]["colspan"]) == (7, 5)
    note = cells["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    assert (note["rowspan"], note["colspan"], note["scope"]) == (3, 3, "colgroup")
    assert (cells["自然人"]["rowspan"], cells["自然人"]["scope"]) == (2, "col")
    assert cells["（一）予以公开"]["scope"] == "row" and cells["（一）予以公开"]["colspan"] == 2
    assert cells["1.属于国家秘密"]["colspan"] == 1
    assert t3["thead_rows"] == 3  # repeated on every printed page
    # Every value is a <td>; every label and header a <th> with a scope.
    assert all(c["scope"] for row in t3["rows"] for c in row if c["tag"] == "th")
    assert {c["tag"] for row in t3["rows"] for c in row if c["cell"]} == {"td"}
    # 3 header rows and 25 data rows of 10 columns: the merged cells cover every position exactly once.
    assert sum(c["rowspan"] * c["colspan"] for row in t3["rows"] for c in row) == len(positions(t3)) == 28 * 10


def test_charts_are_inline_svg_with_their_numbers_in_words(document):
    page = Page(str(render_html(document)))
    assert [text for tag, text in page.blocks if tag == "figcaption"] == [
        "依申请公开办理结果（总计列）。予以公开81件，部分公开5件，不予公开2件，无法提供0件，不予处理0件，其他处理0件。"]
    # All three charts on one page: matplotlib numbers its ids per figure, here they are unique and resolve.
    values = {"t3.received_new.total": 4, "t3.granted.total": 3, "t4.review.total": 1}
    three = build(title="演示县教育局2024年政府信息公开工作年度报告", agency_name="演示县教育局", year=2024,
                  report_format="2021", values=values, narrative={}, channel_counts={"website": 12},
                  history=[(2023, "2021", {"t3.received_new.total": 2}), (2024, "2021", values)])
    html = str(render_html(three))
    page = Page(html)
    assert html.count("<figure") == html.count("<svg") == 3
    assert [text for tag, text in page.blocks if tag == "figcaption"][1] == \
        "主动公开政府信息的渠道。政府公报0条，政府网站12条，政务微博0条，政务微信0条，其他方式0条。"
    assert len(page.ids) == len(set(page.ids)) and set(page.refs) <= set(page.ids) and page.refs
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert not any(' style="' in svg or "<style" in svg for svg in svgs)  # no CSS for the page's engine


def test_the_fragment_for_the_portal_has_no_title_or_stylesheet(document):
    fragment = str(render_html(document, standalone=False))
    assert fragment.lstrip().startswith('<div class="gk-report"')
    assert "<html" not in fragment and "<style" not in fragment and "<h1" not in fragment
    assert "一、总体情况" in fragment and 'data-cell="t3.granted.total">81<' in fragment
    assert "演示县教育局</p>" in fragment  # the signature
    # 二级标题 in 楷体: a line of its own is a heading, one leading its paragraph a span.
    assert '<h3 class="gk-h2">（一）主动公开</h3>' in fragment
    assert '<p><span class="gk-h2">（二）依申请公开。</span>本年度新收政府信息公开申请90件，予以公开81件。</p>' in fragment


def test_signature_and_date_line(document):
    draft = Page(str(render_html(document)))
    paragraphs = [text for tag, text in draft.blocks if tag == "p"]
    assert "（草稿，未发布）" in paragraphs
    assert paragraphs[-2:] == ["演示县教育局", ""]  # no date before publication
    published = dataclasses.replace(document, published_on=date(2025, 1, 20), status_label="已发布")
    paragraphs = [text for tag, text in Page(str(render_html(published))).blocks if tag == "p"]
    assert paragraphs[-2:] == ["演示县教育局", "2025年1月20日"]
    assert not any("未发布" in p for p in paragraphs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=60)
       .filter(str.strip))
def test_any_prose_is_printed_as_text(text):
    """Whatever staff write (angle brackets, ampersands, quotes) is escaped and reads back unchanged."""
    doc = build(title="演示县教育局2024年政府信息公开工作年度报告", agency_name="演示县教育局", year=2024,
                report_format="2021", values={}, narrative={"other": text})
    blocks = Page(str(render_html(doc))).blocks
    assert text.strip() in [t for tag, t in blocks if tag in ("p", "h3")]


# --- PDF -------------------------------------------------------------------------------------------------


def test_pdf_text_layer_holds_every_label_and_every_font_is_embedded(document):
    data, pages = pdf_of(document)
    text = "".join(pages)
    # (表二/三/四's titles are their section headings; the captions repeating them are not printed.)
    assert missing_labels(ReportFormat.F2021, lambda label: squash(label) in text) == []
    assert text.startswith("演示县教育局2024年政府信息公开工作年度报告")
    assert "-1-" in pages[0] and f"-{len(pages)}-" in pages[-1]
    reader = _pdf_reader(data)
    assert all((round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) == A4_POINTS
               for p in reader.pages)
    fonts = fonts_embedded(data)
    assert fonts and all(fonts.values()), fonts
    # 表三's rows, each as its label and seven numbers: every row whole on one page (none split), and the
    # table's header on every page that holds one of its rows.
    t3 = Page(str(render_html(document))).table("t3")
    rows = [squash("".join(c["text"] for c in row if c["rowspan"] == 1)) for row in t3["rows"][3:]]
    assert rows[2] == "（一）予以公开11121314151681"
    on_pages = [[i for i, p in enumerate(pages) if row in p] for row in rows]
    assert all(len(found) == 1 for found in on_pages), on_pages
    for i in {found[0] for found in on_pages}:
        assert "申请人情况" in pages[i] and "法人或其他组织" in pages[i]


def test_the_checkup_reads_every_cell_back_from_the_html_and_the_pdf(report, document):
    expected = services.export_json(report, findings=[])["cells"]
    assert expected["t3.granted.total"] == 81 and expected["t2.fees.amount"] == "3.25"
    read = import_document(str(render_html(document)).encode("utf-8"), "report.html")
    assert (read["format"], read["agency"], read["year"]) == ("2021", "演示县教育局", 2024)
    assert read["cells"] == expected and read["unreadable"] == []
    data, _pages = pdf_of(document)
    read = import_document(data, "report.pdf")
    assert read["format"] == "2021" and read["cells"] == expected and read["unreadable"] == []


def test_a_legacy_report_prints_its_statistics_table_as_an_attachment(region, head):
    report = services.create_draft(region["edu"], 2017, [region["edu"]], head)
    ReportCell.objects.filter(report=report, cell_id="lg.request.granted").update(value=7)
    document = services.document_for(report)
    html = str(render_html(document))
    page = Page(html)
    assert [t["id"] for t in page.tables] == ["gk-table-lg"]
    texts = page.texts()
    assert missing_labels(ReportFormat.LEGACY_2014, lambda label: label in texts) == []
    # 附件说明 before the signature; the table after the date, under its own heading, on a new page.
    order = [text for tag, text in page.blocks]
    note, signature = order.index("附件：政府信息公开情况统计表"), order.index("演示县教育局")
    heading = order.index("附件")
    assert note < signature < heading
    assert html.index('id="gk-attachment-1"') > html.index('class="gk-signature"')
    assert html.index('id="gk-table-lg"') > html.index('id="gk-attachment-1"')
    lg = positions(page.table("lg"))
    granted = row_of(lg, "2.同意公开答复数")
    assert (lg[(granted, 1)]["text"], lg[(granted, 2)]["text"]) == ("件", "7")
    data, pages = pdf_of(document)
    text = "".join(pages)
    assert missing_labels(ReportFormat.LEGACY_2014, lambda label: squash(label) in text) == []
    signature_page = next(i for i, p in enumerate(pages) if "演示县教育局" in p and "附件：政府信息公开情况统计表" in p)
    table_page = next(i for i, p in enumerate(pages) if "统计指标" in p)
    assert table_page > signature_page
    assert all(fonts_embedded(data).values())
    assert import_document(data, "legacy.pdf")["cells"]["lg.request.granted"] == 7


# --- the workbench download and the command line ---------------------------------------------------------


def test_the_download_is_scoped_and_named_after_the_report(client, region, head, report):
    client.force_login(head)

    def url(fmt, pk=report.pk):
        return reverse("reports:export", kwargs={"pk": pk, "fmt": fmt})

    response = client.get(url("html"))
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert "%E6%BC%94%E7%A4%BA%E5%8E%BF" in response["Content-Disposition"]  # 演示县, percent-encoded UTF-8
    assert response["Content-Disposition"].endswith(".html")
    assert 'data-cell="t3.granted.total">81<' in response.content.decode()
    response = client.get(url("json"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["cells"]["t3.granted.total"] == 81
    assert client.get(url("exe")).status_code == 404
    assert client.get(url("PDF")).status_code == 404
    foreign = services.create_draft(region["other_edu"], 2024, [region["other_edu"]], None)
    assert client.get(url("html", pk=foreign.pk)).status_code == 404
    assert client.get(url("json", pk=foreign.pk)).status_code == 404
    detail = client.get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    for fmt in EXPORT_TYPES:
        assert f'href="{url(fmt)}"' in detail
    skip_pdf_loudly()
    response = client.get(url("pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and response["Content-Disposition"].endswith(".pdf")


def test_docx_and_xlsx_come_through_the_same_dispatch(report):
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK")):
        content, content_type, extension = export(report, fmt)
        assert content.startswith(magic) and content_type == EXPORT_TYPES[fmt] and extension == fmt


def test_the_command_writes_pdf_and_html_and_needs_out_for_binary_formats(region, tmp_path, capsys):
    services.enter_figures(region["edu"], 2024, ENTERED, None)
    html_file = tmp_path / "年报.html"
    call_command("report", "build", "--agency", "edu", "--year", "2024", "--format", "html", "--out", str(html_file))
    html = html_file.read_text(encoding="utf-8")
    assert [text for tag, text in Page(html).blocks if tag == "h1"] == ["演示县教育局2024年政府信息公开工作年度报告"]
    assert 'data-cell="t2.fees.amount">3.25<' in html
    assert "已写入" in capsys.readouterr().out
    call_command("report", "build", "--agency", "edu", "--year", "2024", "--format", "html")
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    for fmt in ("pdf", "docx", "xlsx"):
        with pytest.raises(CommandError, match="--out"):
            call_command("report", "build", "--agency", "edu", "--year", "2024", "--format", fmt)
    assert not list(tmp_path.glob("*.pdf"))
    skip_pdf_loudly()
    pdf_file = tmp_path / "年报.pdf"
    call_command("report", "build", "--agency", "edu", "--year", "2024", "--format", "pdf", "--out", str(pdf_file))
    data = pdf_file.read_bytes()
    assert data.startswith(b"%PDF-")
    assert "演示县教育局2024年政府信息公开工作年度报告" in "".join(page_texts(data))
    assert Decimal(str(import_document(data, "x.pdf")["cells"]["t2.fees.amount"])) == Decimal("3.25")


def test_missing_pdf_libraries_are_a_message_not_a_traceback(client, head, report, monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    import reports.rendering.pdf

    def unavailable(html, **kwargs):
        raise ImproperlyConfigured("无法生成PDF年度报告：WeasyPrint 或其系统库（Pango、HarfBuzz）不可用。")

    monkeypatch.setattr(reports.rendering.pdf, "html_to_pdf", unavailable)
    client.force_login(head)
    response = client.get(reverse("reports:export", kwargs={"pk": report.pk, "fmt": "pdf"}), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:detail", kwargs={"pk": report.pk})
    assert "无法生成PDF年度报告" in response.content.decode()
    with pytest.raises(CommandError, match="无法生成PDF年度报告"):
        call_command("report", "build", "--agency", "edu", "--year", "2024", "--format", "pdf",
                     "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
