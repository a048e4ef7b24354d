"""The format definition against the published formats: counts, ids and verbatim labels
(docs/law/annual-report.md §2–§5)."""

from decimal import Decimal

import pytest

from report_formats.formats import (
    ALL_CELLS,
    FORMATS,
    LG,
    SECTION_TITLES,
    T3_2019,
    T3_2021,
    T3_HEADER_NOTE,
    T4,
    ReportFormat,
    ReportSection,
    format_for_year,
    label_index,
    normalise_label,
    parse_cell_value,
    t3_leaves,
)

F2021, F2019 = FORMATS[ReportFormat.F2021], FORMATS[ReportFormat.F2019]


def test_format_codes_are_the_checkup_contract():
    assert [f.value for f in ReportFormat] == ["2021", "2019", "legacy", "local"]
    assert ReportFormat("legacy") is ReportFormat.LEGACY_2014


@pytest.mark.parametrize(("year", "fmt"), [(2024, ReportFormat.F2021), (2021, ReportFormat.F2021),
                                           (2020, ReportFormat.F2019), (2019, ReportFormat.F2019),
                                           (2018, ReportFormat.LEGACY_2014), (2014, ReportFormat.LEGACY_2014),
                                           (2013, ReportFormat.LOCAL), (2008, ReportFormat.LOCAL)])
def test_format_for_year(year, fmt):
    assert format_for_year(year) is fmt


def test_cell_counts():
    assert len(F2021.table("t3").cells) == 175  # 25 rows × 7 columns
    assert len(F2019.table("t3").cells) == 161  # 23 × 7
    assert len(F2021.table("t4").cells) == len(F2019.table("t4").cells) == 15
    assert len(F2021.table("t2").cells) == 10
    assert len(F2019.table("t2v19").cells) == 22
    assert len(T3_2021.data_rows()) == 25 and len(T3_2019.data_rows()) == 23
    assert len(t3_leaves(ReportFormat.F2021)) == 21 and len(t3_leaves(ReportFormat.F2019)) == 19
    # §5.2: 65 printed rows, of which 7 block/group rows carry no number.
    assert len(LG.rows) == 65 and len(LG.cells) == 58
    assert [r.pos for r in LG.rows] == [str(i) for i in range(1, 66)]
    for spec in FORMATS.values():
        ids = spec.cell_ids()
        assert len(ids) == len(set(ids))


def test_cell_ids_follow_the_spec_pattern():
    assert "t3.granted.natural_person" in ALL_CELLS and "t3.closed_total.total" in ALL_CELLS
    assert "t3.other.total" in F2019.cells() and "t3.other.total" not in F2021.cells()
    assert "t3.other_misc.other_org" in F2021.cells()
    assert T4.cell_ids()[:5] == ["t4.review.upheld", "t4.review.corrected", "t4.review.other",
                                 "t4.review.pending", "t4.review.total"]
    assert "t4.suit_after_review.total" in ALL_CELLS
    assert F2021.table("t2").cell_ids() == [
        "t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force", "t2.normative_docs.issued",
        "t2.normative_docs.repealed", "t2.normative_docs.in_force", "t2.licensing.decisions",
        "t2.penalty.decisions", "t2.coercion.decisions", "t2.fees.amount"]
    assert ALL_CELLS["t2.fees.amount"].type == "money_wan" and ALL_CELLS["t2.fees.amount"].unit == "万元"
    assert ALL_CELLS["t2v19.penalty.change"].type == "signed_count"
    assert ALL_CELLS["t2v19.procurement.amount"].type == "money_with_unit"
    assert ALL_CELLS["lg.org.budget"].type == "money_wan"


def test_labels_verbatim():
    cells = ALL_CELLS
    assert cells["t3.received_new.total"].row_label == "一、本年新收政府信息公开申请数量"
    assert cells["t3.partially_granted.total"].row_label == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert cells["t3.withheld_security_stability.total"].row_label == "3.危及“三安全一稳定”"
    assert cells["t3.not_processed_reconfirmation.total"].row_label == "5.要求行政机关确认或重新出具已获取信息"
    assert cells["t3.other_fee_unpaid.total"].row_label == \
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    assert cells["t3.carried_out.total"].row_label == "四、结转下年度继续办理"
    assert cells["t3.granted.legal_service_org"].column_label == "法律服务机构"
    assert cells["t3.granted.legal_service_org"].column_path == ("申请人情况", "法人或其他组织", "法律服务机构")
    assert cells["t3.withheld_state_secret.total"].row_path == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")
    assert T3_HEADER_NOTE == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert cells["t2.fees.amount"].column_label == "本年收费金额（单位：万元）"
    assert cells["t2.normative_docs.in_force"].row_label == "行政规范性文件"
    assert cells["t2v19.normative_docs.created"].row_label == "规范性文件"
    assert cells["t2v19.other_services.change"].row_label == "其他对外管理服务事项"
    assert cells["t2v19.licensing.change"].column_label == "本年增/减"
    assert cells["t4.suit_direct.pending"].row_path == ("行政诉讼", "未经复议直接起诉")
    assert cells["t4.suit_direct.pending"].column_label == "尚未审结"
    assert cells["lg.proactive.total"].row_label == "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）"
    assert cells["lg.request.refused_security_stability"].row_label == "危及国家安全、公共安全、经济安全和社会稳定"
    assert cells["lg.suit.upheld"].row_label == "（一）维持具体行政行为或者驳回原告诉讼请求数"
    assert cells["lg.org.staff_full_time"].row_label == "1.专职人员数（不包括政府公报及政府网站工作人员数）"
    assert cells["lg.meetings.trainees"].unit == "人次"
    assert cells["lg.request.refused_state_secret"].row_label == "其中：涉及国家秘密"
    assert [b.title for b in F2021.table("t2").blocks] == ["第二十条第（一）项", "第二十条第（五）项",
                                                           "第二十条第（六）项", "第二十条第（八）项"]
    assert F2019.table("t2v19").blocks[-1].title == "第二十条第（九）项"


def test_sections():
    assert list(F2021.sections.values()) == ["一、总体情况", "二、主动公开政府信息情况",
                                             "三、收到和处理政府信息公开申请情况",
                                             "四、政府信息公开行政复议、行政诉讼情况",
                                             "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [s.value for s in SECTION_TITLES] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
    assert F2019.sections == F2021.sections and ReportSection.OTHER in F2021.sections


def test_header_structure_spans_the_numeric_columns():
    def width(row):
        return sum(c.colspan for c in row)
    assert width(T3_2021.header_rows[0]) == 3 + 7
    assert width(T4.header_rows[0]) == 15 and width(T4.header_rows[2]) == 10


def test_generator_cells_agree_with_the_disclosure_requests_layout():
    """disclosure_requests.statistics reads its T3 layout from here; it must keep the same labels and ids."""
    from disclosure_requests.statistics import T3_LAYOUT
    for code, table in (("2021", T3_2021), ("2019", T3_2019)):
        assert [(r.label, r.id) for r in table.rows] == list(T3_LAYOUT[code])


@pytest.mark.parametrize(("printed", "canonical_id"), [
    ("2.同一公开答复数", "lg.request.granted"),
    ("其中：涉及国家机密", "lg.request.refused_state_secret"),
    ("涉及商业机密", "lg.request.refused_commercial_secret"),
    ("危机国家安全、公共安全、经济安全和社会稳定", "lg.request.refused_security_stability"),
    ("7.告知做出更改补充数", "lg.request.told_to_amend"),
    ("五、行政诉讼量", "lg.suit.total"),
    ("（三）从事政府信息公开工作人数员", "lg.org.staff_total"),
    ("     1、政府公报公开政府信息数", "lg.proactive.via_gazette"),
    ("(一)主动公开政府信息数", "lg.proactive.total"),
    ("（一）主动公开政府信息数　（不同渠道和方式公开相同信息计1条）", "lg.proactive.total"),
    ("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面经费）", "lg.org.budget"),
])
def test_seed_label_variants_match_the_canonical_row(printed, canonical_id):
    canonical = normalise_label(ALL_CELLS[canonical_id].row_label)
    got = normalise_label(printed)
    assert got.core == canonical.core


def test_normalise_label_pipeline():
    assert normalise_label("商业\n企业").text == "商业企业"
    assert normalise_label("(二)依法纠错数").text == "被依法纠错数"
    assert normalise_label("（二）被依法纠错数").text == "被依法纠错数"
    assert normalise_label("1．属于国家秘密").numbering == "1."
    assert normalise_label("3.危及\"三安全一稳定\"").text == normalise_label("3.危及“三安全一稳定”").text
    # No edit distance: an unknown word stays itself.
    assert normalise_label("同一申请").text == "同一申请"
    assert normalise_label("其他").text == "其他"
    index = label_index(ReportFormat.F2021)
    assert index["其他"] == ["t3:other_misc"]


@pytest.mark.parametrize(("raw", "ctype", "value", "flags", "unit"), [
    ("", "count", None, {"blank"}, None),
    (None, "count", None, {"blank"}, None),
    ("　", "count", None, {"blank"}, None),
    ("0", "count", Decimal(0), set(), None),
    ("０", "count", Decimal(0), set(), None),
    ("-", "count", Decimal(0), {"placeholder"}, None),
    ("—", "count", Decimal(0), {"placeholder"}, None),
    ("－", "count", Decimal(0), {"placeholder"}, None),
    ("/", "count", Decimal(0), {"placeholder"}, None),
    ("／", "count", Decimal(0), {"placeholder"}, None),
    ("无", "count", Decimal(0), {"placeholder"}, None),
    ("不涉及", "count", Decimal(0), {"placeholder"}, None),
    ("1（新闻通气会）", "count", Decimal(1), {"annotated"}, None),
    ("2100余", "count", Decimal(2100), {"approximate"}, None),
    ("5000多", "count", Decimal(5000), {"approximate"}, None),
    ("约300", "count", Decimal(300), {"approximate"}, None),
    ("251000元", "money_with_unit", Decimal(251000), {"unit_in_cell"}, "元"),
    ("25.1万元", "money_with_unit", Decimal(251000), {"unit_in_cell"}, "元"),
    ("251000", "money_with_unit", Decimal(251000), {"unit_missing"}, None),
    ("-8", "signed_count", Decimal(-8), set(), None),
    ("-8", "count", Decimal(-8), set(), None),
    ("12.5", "count", Decimal("12.5"), set(), None),
    ("0.35", "money_wan", Decimal("0.35"), set(), "万元"),
    ("3500元", "money_wan", Decimal("0.35"), {"unit_in_cell"}, "万元"),
    ("1,234", "count", Decimal(1234), set(), None),
    ("12件", "count", Decimal(12), {"unit_in_cell"}, "件"),
    ("abc", "count", None, {"invalid"}, None),
    ("5万元", "count", Decimal(5), {"unit_in_cell", "invalid"}, "万元"),
])
def test_parse_cell_value(raw, ctype, value, flags, unit):
    parsed = parse_cell_value(raw, ctype)
    assert parsed.value == value and set(parsed.flags) == flags and parsed.unit == unit


def test_traditional_labels_from_mirror_sites_are_recognised():
    from report_formats.formats import normalise_label

    assert normalise_label("商業企業").core == normalise_label("商业企业").core
    assert normalise_label("（一）予以公開").core == normalise_label("（一）予以公开").core
