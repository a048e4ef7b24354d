"""gongkai.gongwen, the GB/T 9704 公文 layout shared by the 告知书 (disclosure_requests/tests/test_notices.py checks
each one's DOCX and PDF) and the annual report's DOCX."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn

from gongkai import gongwen


def test_cn_date_has_no_leading_zeros():
    assert gongwen.cn_date(date(2024, 3, 5)) == "2024年3月5日"
    assert gongwen.cn_date(None) == ""


def test_rmb_upper_edges():
    assert gongwen.rmb_upper(Decimal("0")) == "零元整"
    assert gongwen.rmb_upper(Decimal("0.05")) == "伍分"
    assert gongwen.rmb_upper(Decimal("10000")) == "壹万元整"
    with pytest.raises(ValueError, match="金额不能为负"):
        gongwen.rmb_upper(Decimal("-1"))


def test_write_docx_lays_out_blocks_in_gb9704():
    blocks = [gongwen.Block("title", "标题"), gongwen.Block("body", "正文。"), gongwen.Block("signature", "某机关")]
    data = gongwen.write_docx(blocks, title="标题（1）", author="某机关", title_style="测试标题")
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert [round(m.mm) for m in (section.page_width, section.page_height, section.top_margin,
                                   section.bottom_margin, section.left_margin, section.right_margin)] == \
        [210, 297, 37, 35, 28, 26]
    title, body, signature = document.paragraphs
    assert title.style.name == "测试标题" and title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32 and signature.text == "某机关"
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    assert document.core_properties.title == "标题（1）" and document.core_properties.author == "某机关"
