"""The 2008-regime report's outline in the one format definition (report_formats.formats.LEGACY_OUTLINE)."""

from report_formats.formats import FORMATS, LEGACY_OUTLINE_BASIS, LG, ReportFormat


def test_the_2008_outline_has_its_fees_and_exemptions_item():
    """《中华人民共和国政府信息公开条例》（2007年国务院令第492号）第三十二条（三）：政府信息公开的收费及减免情况.
    The legacy format carries the article's six items in order; 收费及减免 points at the 统计表's fee row
    (七、依申请公开信息收取的费用, 万元) and says that the 减免 must be stated in prose, the table having no row
    for it."""
    outline = FORMATS[ReportFormat.LEGACY_2014].outline
    assert "第三十二条" in LEGACY_OUTLINE_BASIS
    assert [i.item for i in outline] == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"]
    fees = next(i for i in outline if i.id == "fees")
    assert fees.title == "政府信息公开的收费及减免情况" and fees.item == "（三）"
    assert fees.cells == ("lg.fees.amount",) and "减免" in fees.prose
    assert "依申请收费及减免情况" in fees.variants
    table_cells = set(LG.cell_ids())
    assert all(c in table_cells for i in outline for c in i.cells)
    assert not FORMATS[ReportFormat.F2021].outline  # the 2019 and 2021 formats have their six sections instead
