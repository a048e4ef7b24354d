"""A report the platform generates for a 2008-regime year (2014–2018, format_for_year → the 2014 统计表) follows
the content items of 2007年《政府信息公开条例》第三十二条 (report_formats.formats.LEGACY_OUTLINE; docs/law/annual-report.md
§2): 一、概述, then 主动公开, 依申请公开, 收费及减免 (第三十二条（三）), 复议诉讼, 问题及改进, 其他事项, in that
order, under the headings reports use. The 收费及减免 section states the 统计表's fee cell (七、依申请公开信息收取
的费用, 万元) and the reductions and exemptions, which the table has no row for. A 2019 or 2021 report keeps its
six sections (formats.SECTION_TITLES) and no such section."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from report_formats.formats import LEGACY_OUTLINE, SECTION_TITLES
from reports import services
from reports.models import ReportCell
from reports.narrative import draft, prose_check
from reports.rendering.document import REDUCTIONS_PLACEHOLDER, legacy_fee_sentences, section_titles
from reports.rendering.docx import render_docx
from reports.rendering.html import render_html
from reports.tests.test_render_html_pdf import Page

pytestmark = pytest.mark.django_db

# The headings of a 2008-regime report, written out by hand: 一、概述 and the six items of 第三十二条.
LEGACY_HEADINGS = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
                   "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、存在的主要问题及改进情况",
                   "七、其他需要报告的事项"]
FEES_HEADING = "四、政府信息公开的收费及减免情况"


def set_cells(report, cells):
    for cid, n in cells.items():
        assert ReportCell.objects.filter(report=report, cell_id=cid).update(value=Decimal(n), raw=str(n)) == 1, cid
    return report


def headings(html: str) -> list[str]:
    return [text for tag, text in Page(html).blocks if tag == "h2" and not text.startswith("附件")]


def section_text(blocks: list[tuple[str, str]], heading: str) -> list[str]:
    """The paragraphs printed under `heading`, up to the next heading."""
    start = blocks.index(("h2", heading)) + 1
    end = next((i for i in range(start, len(blocks)) if blocks[i][0] == "h2"), len(blocks))
    return [text for tag, text in blocks[start:end] if tag == "p"]


@pytest.fixture
def report_2016(region, head):
    report = services.create_draft(region["edu"], 2016, [region["edu"]], head)
    return set_cells(report, {"lg.request.received": 4, "lg.request.closed": 4, "lg.fees.amount": "0.35"})


def test_2007_regulations_article_32_a_2016_report_prints_the_outline_with_its_fees_section(report_2016):
    """2007年《政府信息公开条例》第三十二条（三）: the annual report states 政府信息公开的收费及减免情况."""
    assert report_2016.format == "legacy"
    assert list(section_titles(report_2016.format)) == ["overview", *(item.id for item in LEGACY_OUTLINE)]
    document = services.document_for(report_2016)
    assert document.title == "演示县教育局2016年政府信息公开工作年度报告"
    html = str(render_html(document))
    assert headings(html) == LEGACY_HEADINGS
    fees = section_text(Page(html).blocks, FEES_HEADING)
    # 0.35 万元 from the 统计表's fee cell; the reductions, which the table has no row for, asked of staff.
    assert fees == ["本年度依申请公开政府信息收取费用0.35万元。", REDUCTIONS_PLACEHOLDER]
    # The fee sentence moved out of 其他需要报告的事项.
    assert not any("费用" in p for p in section_text(Page(html).blocks, "七、其他需要报告的事项"))

    doc = Document(io.BytesIO(render_docx(document)))
    printed = [p.text for p in doc.paragraphs]
    assert printed[0] == document.title and [t for t in printed if t in LEGACY_HEADINGS] == LEGACY_HEADINGS
    at = printed.index(FEES_HEADING)
    assert printed[at + 1:at + 3] == fees and printed[at + 3] == LEGACY_HEADINGS[4]


def test_2007_regulations_article_32_no_fee_is_stated_as_none_and_a_blank_cell_is_asked_for(region, head):
    """Zero in the fee cell reads 未收取费用; a blank cell is no zero: the amount is asked for."""
    report = set_cells(services.create_draft(region["edu"], 2018, [region["edu"]], head), {"lg.fees.amount": 0})
    assert draft(report)["fees"] == f"本年度依申请公开政府信息未收取费用。\n{REDUCTIONS_PLACEHOLDER}"
    assert legacy_fee_sentences({"lg.fees.amount": Decimal("12")}) == ["本年度依申请公开政府信息收取费用12万元。",
                                                                       REDUCTIONS_PLACEHOLDER]
    assert legacy_fee_sentences({})[0] == "（请填写本年度依申请公开政府信息收取费用的金额。）"


def test_2007_regulations_article_32_an_entered_report_asks_for_its_reductions(region):
    """A 2017 report entered from print: its fee section drafted from the fee cell as printed; a fee section
    entered with it is kept and printed as entered."""
    report = services.create_entered_report(region["county"], 2017, {"lg.fees.amount": "0"}, None,
                                            narrative={"overview": "本报告根据《条例》编制。"})
    fees = draft(report)["fees"].split("\n")
    assert fees == ["本年度依申请公开政府信息未收取费用。", REDUCTIONS_PLACEHOLDER]
    report = services.create_entered_report(region["county"], 2016, {"lg.fees.amount": "0"}, None,
                                            narrative={"fees": "本年度依申请公开政府信息均实行免费。"})
    html = str(render_html(services.document_for(report)))
    assert section_text(Page(html).blocks, FEES_HEADING) == ["本年度依申请公开政府信息均实行免费。"]


def test_the_fees_section_is_saved_and_checked_under_its_heading(report_2016, head):
    report = services.save_narrative(report_2016, {"fees": "本年度依申请公开政府信息收取费用0.35万元，未减免费用。"}, head)
    assert report.narrative["fees"] == "本年度依申请公开政府信息收取费用0.35万元，未减免费用。"
    check = prose_check(report.format, {"fees": "（请填写本年度减免情况。）"})
    assert check.placeholders == {FEES_HEADING: [1]}


def test_a_2021_report_has_no_fees_section_and_refuses_one(region, head):
    report = services.create_draft(region["edu"], 2024, [region["edu"]], head)
    assert list(section_titles(report.format)) == [str(key) for key in SECTION_TITLES]
    assert set(draft(report)) == {str(key) for key in SECTION_TITLES}
    html = str(render_html(services.document_for(report)))
    assert headings(html) == list(SECTION_TITLES.values())
    assert "收费及减免" not in html
    with pytest.raises(ValidationError, match="报告正文没有这些章节：fees"):
        services.save_narrative(report, {"fees": "本年度未收取费用。"}, head)


def test_the_narrative_page_of_a_2016_report_has_a_box_for_the_fees_section(client, report_2016, head):
    client.force_login(head)
    url = reverse("reports:narrative", kwargs={"pk": report_2016.pk})
    page = client.get(url).content.decode()
    for key, title in section_titles(report_2016.format).items():
        assert f'<label for="id_{key}">{title}</label>' in page
    assert page.count("按最新数据重新生成草稿<") == 7
    text = "本年度依申请公开政府信息收取费用0.35万元，对1件申请减免费用。"
    response = client.post(url, {**draft(report_2016), "fees": text})
    assert response.status_code == 302
    report_2016.refresh_from_db()
    assert report_2016.narrative["fees"] == text
    response = client.post(url, {"redraft": "fees"})
    assert response.status_code == 302
    report_2016.refresh_from_db()
    assert report_2016.narrative["fees"] == draft(report_2016)["fees"]
