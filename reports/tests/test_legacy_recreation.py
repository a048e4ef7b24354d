"""历史数据补录: the legacy 统计表 of the shared 湘西州 2017 and 盐池县 2018 reports re-created as entered reports
from the hand-typed printed text (seed_tables.py). The validator must report exactly the published tables' own
inconsistencies (../shared/seeds/README.md §1, §2, §6), and every export must print every label and number."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from orgs.models import AgencyKind, AgencyLevel
from orgs.services import create_agency
from reports import services
from reports.formats import FORMATS, LG, ReportFormat
from reports.models import AnnualReport, Provenance, ReportCell, ReportOrigin, ReportStatus
from reports.tests import test_seeds
from reports.tests.seed_tables import (
    XIANGXI_2017,
    XIANGXI_2017_FOOTER,
    YANCHI_2018,
    YANCHI_2018_FILED_ON,
    YANCHI_2018_FOOTER,
)
from reports.validation import Severity

pytestmark = pytest.mark.django_db

REVIEW = ["lg.review.total", "lg.review.upheld", "lg.review.corrected", "lg.review.other"]
CHANNELS = ["lg.proactive.total", "lg.proactive.via_gazette", "lg.proactive.via_website", "lg.proactive.via_weibo",
            "lg.proactive.via_wechat", "lg.proactive.via_other"]
ANSWERS = ["lg.request.answered", "lg.request.already_public", "lg.request.granted", "lg.request.partially_granted",
           "lg.request.refused", "lg.request.not_this_agency", "lg.request.not_exist", "lg.request.told_to_amend",
           "lg.request.told_other_channel"]
# 湘西州2017's printed blanks, read as 0 (T-I01); 申请答复数 is not among them: it is derived as 15 (T-W02).
XIANGXI_BLANKS = {"lg.request.fax", "lg.request.closed_extended", "lg.request.already_public",
                  "lg.request.partially_granted", "lg.request.refused", "lg.request.refused_state_secret",
                  "lg.request.refused_commercial_secret", "lg.request.refused_privacy",
                  "lg.request.refused_security_stability", "lg.request.refused_not_gov_info",
                  "lg.request.refused_other_legal", "lg.request.not_this_agency", "lg.request.not_exist",
                  "lg.request.told_to_amend", "lg.request.told_other_channel", "lg.suit.corrected", "lg.suit.other"}
# The prose, without figures: check() also compares the figures the prose quotes with the table, and these
# tests are about the table's own inconsistencies (the seeds' prose findings are the auditor's).
NARRATIVE = {
    "overview": "本报告根据《中华人民共和国政府信息公开条例》编制。",
    "proactive": "主动公开情况详见附表。",
    "requests": "依申请公开情况详见附表，申请均实行免费。",
    "appeals": "行政复议、行政诉讼情况详见附表。",
    "problems": "政务公开工作与群众期待还有差距，下一步将加以改进。",
    "other": "无其他需要报告的事项。",
}


@pytest.fixture
def xiangxi(db):
    return create_agency(code="xiangxi", name="湘西土家族苗族自治州人民政府", kind=AgencyKind.GOVERNMENT,
                         level=AgencyLevel.PREFECTURE)


@pytest.fixture
def yanchi(db):
    return create_agency(code="yanchi", name="盐池县人民政府", kind=AgencyKind.GOVERNMENT, level=AgencyLevel.COUNTY)


@pytest.fixture
def clerk(make_staff, xiangxi, yanchi):
    return make_staff("clerk", ("office_staff", xiangxi), ("office_staff", yanchi))


@pytest.fixture
def xiangxi_report(xiangxi, clerk):
    return services.create_entered_report(xiangxi, 2017, XIANGXI_2017, clerk, narrative=NARRATIVE,
                                          filed_on=date(2018, 3, 15), **XIANGXI_2017_FOOTER)


@pytest.fixture
def yanchi_report(yanchi, clerk):
    return services.create_entered_report(yanchi, 2018, YANCHI_2018, clerk, narrative=NARRATIVE,
                                          filed_on=date(*YANCHI_2018_FILED_ON), **YANCHI_2018_FOOTER)


def found(report):
    return [(f.code, f.severity, sorted(f.cells)) for f in services.check(report)]


def cells_of(report):
    return {c.cell_id: c for c in report.cells.order_by("id")}  # creation order = the format's order


# ------------------------------------------------------------------------------------------ the typed tables


def test_the_typed_text_reads_as_the_numbers_typed_in_test_seeds():
    """Two independent hand copies of the same printed tables agree cell by cell."""
    parsed, errors = services.parse_printed_cells(ReportFormat.LEGACY_2014, XIANGXI_2017)
    assert errors == {}
    assert {cid: f["value"] for cid, f in parsed.items()} == \
        {cid: None if v is None else Decimal(v) for cid, v in test_seeds.XIANGXI_2017.items()}
    parsed, errors = services.parse_printed_cells(ReportFormat.LEGACY_2014, YANCHI_2018)
    assert errors == {}
    assert {cid: f["value"] for cid, f in parsed.items()} == \
        {cid: Decimal(v) for cid, v in test_seeds.YANCHI_2018.items()}
    assert set(XIANGXI_2017) == set(LG.cell_ids())
    assert set(YANCHI_2018) == set(LG.cell_ids()) - {"lg.suit.other"}


# ------------------------------------------------------------------------------------------ entering


def test_every_cell_is_stored_as_printed(xiangxi_report, clerk):
    report = AnnualReport.objects.get(pk=xiangxi_report.pk)
    assert (report.origin, report.status, report.format) == (ReportOrigin.ENTERED, ReportStatus.DRAFT, "legacy")
    assert report.get_origin_display() == "历史数据补录"
    assert (report.period_start, report.period_end, report.deadline) == \
        (date(2017, 1, 1), date(2017, 12, 31), date(2018, 3, 31))
    assert (report.filer, report.head, report.reviewer, report.preparer, report.filed_on) == \
        ("湘西州政务公开政务服务管理办公室", "包太洋", "向小燕", "彭莹", date(2018, 3, 15))
    assert report.narrative == NARRATIVE
    cells = cells_of(report)
    assert list(cells) == LG.cell_ids()
    assert {c.provenance for c in cells.values()} == {Provenance.ENTERED}
    assert {c.source for c in cells.values()} == {"历史数据补录"}
    assert {c.entered_by for c in cells.values()} == {clerk}
    assert {cid: c.raw for cid, c in cells.items()} == XIANGXI_2017
    total = cells["lg.proactive.total"]
    assert (total.value, total.unit, total.flags) == (Decimal(248071), "条", [])
    blank = cells["lg.request.answered"]
    assert (blank.value, blank.raw, blank.flags) == (None, "", ["blank"])
    budget = cells["lg.org.budget"]
    assert (budget.value, budget.unit) == (Decimal(65), "万元")
    entry = AuditEntry.objects.get(action="reports.report.enter_history")
    assert entry.object_id == str(report.pk) and entry.agency == report.agency
    assert entry.after["cells"]["lg.review.total"] == "101" and entry.after["not_printed"] == []


def test_an_annotated_cell_and_a_row_not_printed(yanchi_report):
    cells = cells_of(yanchi_report)
    press = cells["lg.response.press_conferences"]
    assert (press.value, press.raw, press.flags) == (Decimal(1), "1（新闻通气会）", ["annotated"])
    missing = cells["lg.suit.other"]
    assert (missing.value, missing.raw, missing.flags) == (None, "", ["not_printed"])
    assert missing.source == "历史数据补录（原表未印此行）"
    assert yanchi_report.filed_on == date(2019, 2, 11)
    entry = AuditEntry.objects.get(action="reports.report.enter_history")
    assert entry.after["not_printed"] == ["lg.suit.other"]


def test_placeholders_stay_null_with_their_text(xiangxi, clerk):
    report = services.create_entered_report(xiangxi, 2016, {"lg.request.received": "-", "lg.request.online": "无",
                                                            "lg.request.letter": "约3", "lg.fees.amount": "500元"},
                                            clerk)
    cells = cells_of(report)
    assert (cells["lg.request.received"].value, cells["lg.request.received"].raw) == (None, "-")
    assert cells["lg.request.received"].flags == ["placeholder"]
    assert (cells["lg.request.online"].value, cells["lg.request.online"].flags) == (None, ["placeholder"])
    assert (cells["lg.request.letter"].value, cells["lg.request.letter"].flags) == (Decimal(3), ["approximate"])
    fee = cells["lg.fees.amount"]
    assert (fee.value, fee.unit, fee.raw) == (Decimal("0.05"), "万元", "500元")
    assert report.filer == "湘西土家族苗族自治州人民政府"  # default: the agency itself
    assert cells["lg.request.in_person"].flags == ["not_printed"]


def nothing_written():
    return (AnnualReport.objects.count(), ReportCell.objects.count(),
            AuditEntry.objects.filter(action__startswith="reports.").count()) == (0, 0, 0)


@pytest.mark.parametrize(("values", "kwargs", "key", "text"), [
    ({**XIANGXI_2017, "lg.request.received_new": "1"}, {}, "lg.request.received_new", "不是"),
    ({**XIANGXI_2017, "t3.granted.total": "1"}, {}, "t3.granted.total", "不是"),
    ({**XIANGXI_2017, "lg.review.total": "一百零一"}, {}, "lg.review.total", "无法识别为数值"),
    ({**XIANGXI_2017, "lg.review.total": "5万元"}, {}, "lg.review.total", "无法识别为数值"),
    ({**XIANGXI_2017, "lg.review.total": 101}, {}, "lg.review.total", "照录文字"),
    ({**XIANGXI_2017, "lg.org.budget": "0.00001"}, {}, "lg.org.budget", "4位小数"),
    ({**XIANGXI_2017, "lg.review.total": "1" * 13}, {}, "lg.review.total", "12位整数"),
    (XIANGXI_2017, {"narrative": {"summary": "x"}}, "narrative", "没有这些章节"),
    (XIANGXI_2017, {"head": "包" * 61}, "head", "最多60字"),
    (XIANGXI_2017, {"filed_on": "2018-03-15"}, "filed_on", "填报日期"),
    ({}, {}, "values", "至少"),
])
def test_bad_input_is_refused_and_nothing_is_written(xiangxi, clerk, values, kwargs, key, text):
    with pytest.raises(ValidationError) as exc:
        services.create_entered_report(xiangxi, 2017, values, clerk, **kwargs)
    assert text in " ".join(exc.value.message_dict[key])
    assert nothing_written()


@pytest.mark.parametrize("year", [2007, date.today().year, date.today().year + 1, "2017"])
def test_only_past_years_can_be_entered(xiangxi, clerk, year):
    with pytest.raises(ValidationError, match="只能补录"):
        services.create_entered_report(xiangxi, year, XIANGXI_2017, clerk)
    assert nothing_written()


def test_a_year_is_entered_once(xiangxi_report, xiangxi, clerk):
    with pytest.raises(ValidationError, match="已存在"):
        services.create_entered_report(xiangxi, 2017, XIANGXI_2017, clerk)
    assert AnnualReport.objects.count() == 1


def test_entering_needs_the_compile_capability(xiangxi, make_staff):
    outsider = make_staff("outsider")
    with pytest.raises(PermissionDenied):
        services.create_entered_report(xiangxi, 2017, XIANGXI_2017, outsider)
    assert nothing_written()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=30), st.from_regex(r"[约近]?[0-9,.]{0,14}[余多]?(件|条|万元|元)?", fullmatch=True)))
def test_any_printed_text_is_either_stored_faithfully_or_refused(text):
    for cid in ("lg.request.received", "lg.org.budget"):
        parsed, errors = services.parse_printed_cells(ReportFormat.LEGACY_2014, {cid: text})
        assert (cid in parsed) != (cid in errors)
        if cid in parsed:
            fields = parsed[cid]
            assert fields["raw"] == text.strip()
            value = fields["value"]
            if value is None:
                assert fields["flags"] in (["blank"], ["placeholder"])
            else:
                assert value.is_finite() and value.as_tuple().exponent >= -4 and abs(value) < 10 ** 12


def test_recompute_refuses_an_entered_report(xiangxi_report, clerk):
    with pytest.raises(ValidationError, match="历史数据补录的报告不由平台计算"):
        services.recompute(xiangxi_report, clerk)
    assert cells_of(xiangxi_report)["lg.review.total"].value == Decimal(101)


# ------------------------------------------------------------------------------------------ the validator


def test_xiangxi_2017_reports_exactly_its_published_inconsistencies(xiangxi_report):
    findings = services.check(xiangxi_report)
    assert [(f.code, f.severity) for f in findings] == [
        ("LG-E05", Severity.ERROR), ("LG-W01", Severity.WARNING), ("T-W02", Severity.WARNING),
        ("T-I01", Severity.INFO), ("T-I04", Severity.INFO)]
    by_code = {f.code: f for f in findings}
    review = by_code["LG-E05"]  # 101 ≠ 56 + 24 + 1 = 81: 20 cases unaccounted for
    assert review.cells == REVIEW and (review.actual, review.expected) == (101, 81)
    assert "56 + 24 + 1 = 81" in review.message and "多出 20 件" in review.message
    channels = by_code["LG-W01"]  # 2137 + 181049 + 1202 + 764 + 45237 = 230389 < 248071
    assert channels.cells == CHANNELS and (channels.actual, channels.expected) == (230389, 248071)
    assert "少 17682 条" in channels.message
    answered = by_code["T-W02"]  # 申请答复数 printed blank, 同意公开答复数 15
    assert answered.cells == ANSWERS and answered.expected == 15
    duplicate = by_code["T-I04"]  # 其他方式回应事件数 = 其他方式公开政府信息数 = 45237
    assert set(duplicate.cells) == {"lg.proactive.via_other", "lg.response.other_events"}
    assert duplicate.actual == 45237
    assert set(by_code["T-I01"].cells) == XIANGXI_BLANKS
    assert services.has_errors(findings)


def test_yanchi_2018_reports_exactly_its_published_inconsistencies(yanchi_report):
    assert found(yanchi_report) == [
        ("LG-W01", Severity.WARNING, sorted(CHANNELS)),  # 17 + 5701 + 230 + 1870 + 8260 = 16078 < 16084
        ("annotated_cell", Severity.INFO, ["lg.response.press_conferences"]),  # "1（新闻通气会）"
        ("missing_row", Severity.INFO, ["lg.suit.other"]),  # 行政诉讼（三）其他情形数 not printed
    ]
    channels = services.check(yanchi_report)[0]
    assert (channels.actual, channels.expected) == (16078, 16084) and "少 6 条" in channels.message


def test_a_consistent_copy_of_xiangxi_2017_has_no_findings(xiangxi_report, clerk):
    fixes = {cid: "0" for cid in XIANGXI_BLANKS}
    fixes.update({"lg.request.answered": "15", "lg.review.total": "81", "lg.response.other_events": "120",
                  "lg.proactive.via_website": str(181049 + 17682)})
    services.enter_report_cells(xiangxi_report, fixes, clerk)
    assert services.check(xiangxi_report) == []
    entry = AuditEntry.objects.get(action="reports.report.enter_cells")
    assert entry.before["lg.review.total"] == "101" and entry.after["lg.review.total"] == "81"
    assert entry.before["lg.request.answered"] == "" and entry.after["lg.request.answered"] == "15"
    assert len(entry.after) == len(fixes)


def test_a_consistent_copy_of_yanchi_2018_has_no_findings(yanchi_report, clerk):
    services.enter_report_cells(yanchi_report, {"lg.proactive.via_other": "8266", "lg.suit.other": "0",
                                                "lg.response.press_conferences": "1"}, clerk)
    assert services.check(yanchi_report) == []
    cell = cells_of(yanchi_report)["lg.suit.other"]
    assert (cell.value, cell.raw, cell.flags, cell.source) == (Decimal(0), "0", [], "历史数据补录")
    entry = AuditEntry.objects.get(action="reports.report.enter_cells")
    assert entry.before == {"lg.proactive.via_other": "8260", "lg.suit.other": None,
                            "lg.response.press_conferences": "1（新闻通气会）"}


def test_editing_cells_is_all_or_nothing_and_only_for_entered_drafts(yanchi_report, clerk, region, make_staff):
    with pytest.raises(ValidationError) as exc:
        services.enter_report_cells(yanchi_report, {"lg.proactive.via_other": "8266", "lg.nope": "1"}, clerk)
    assert "不是" in exc.value.message_dict["lg.nope"][0]
    assert cells_of(yanchi_report)["lg.proactive.via_other"].raw == "8260"
    services.enter_report_cells(yanchi_report, {"lg.proactive.via_other": "8260"}, clerk)  # unchanged: no entry
    assert not AuditEntry.objects.filter(action="reports.report.enter_cells").exists()
    services.submit(yanchi_report, clerk)
    with pytest.raises(ValidationError, match="只有草稿"):
        services.enter_report_cells(yanchi_report, {"lg.proactive.via_other": "8266"}, clerk)
    staff = make_staff("county-staff", ("office_staff", region["county"]))
    generated = services.create_draft(region["county"], 2023, [region["county"]], staff)
    with pytest.raises(ValidationError, match="只有历史数据补录"):
        services.enter_report_cells(generated, {"lg.proactive.via_other": "1"}, staff)


def test_an_entered_year_feeds_the_next_years_comparison(xiangxi_report, xiangxi, clerk):
    later = services.create_entered_report(xiangxi, 2018, {**XIANGXI_2017, "lg.request.received": "20"}, clerk,
                                           narrative=NARRATIVE)
    assert [(year, fmt) for year, fmt, _ in services.history(later)] == [(2017, "legacy"), (2018, "legacy")]
    trend = services.document_for(later).sections[0].charts[0]
    assert trend.categories == ["2017年", "2018年"]
    assert dict(trend.series)["新收申请"] == [Decimal(15), Decimal(20)]
    assert dict(trend.series)["行政复议"] == [Decimal(101), Decimal(101)]


def test_every_cell_of_the_format_is_stored_even_if_none_is_printed(yanchi, clerk):
    report = services.create_entered_report(yanchi, 2015, {"lg.proactive.total": "10"}, clerk)
    assert report.cells.count() == len(FORMATS[ReportFormat.LEGACY_2014].cell_ids())
    assert sum(c.flags == ["not_printed"] for c in report.cells.all()) == len(LG.cell_ids()) - 1
    assert report.narrative == {}


# ------------------------------------------------------------------------------------------ rendering
# Every row of the 统计表 as printed: (label, unit, number). A number is the printed text without its note
# ("1（新闻通气会）" prints 1); a blank cell, a row not printed and a group row print nothing.


def printed_number(text: str) -> str:
    match = re.match(r"\d+(?:\.\d+)?", text)
    return match.group() if match else ""


def expected_rows(typed: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(row.label, row.unit or "", printed_number(typed.get(f"lg.{row.id}", "")) if row.id else "")
            for row in LG.rows]


SEEDS = [("xiangxi_report", XIANGXI_2017), ("yanchi_report", YANCHI_2018)]


def test_expected_rows_are_the_hand_typed_numbers():
    rows = dict((label, (unit, number)) for label, unit, number in expected_rows(YANCHI_2018))
    assert rows["1.参加或举办新闻发布会总次数"] == ("次", "1")
    assert rows["（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）"] == ("万元", "97")
    assert expected_rows(XIANGXI_2017)[1] == ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "248071")
    assert len(expected_rows(XIANGXI_2017)) == len(LG.rows)


def _statistics_rows(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The rows after the 统计表's header row."""
    start = rows.index(("统计指标", "单位", "统计数"))
    return rows[start + 1:]


@pytest.mark.parametrize(("fixture", "typed"), SEEDS)
def test_docx_prints_every_row_with_its_unit_and_number(request, fixture, typed):
    import docx

    from reports.rendering.docx import render_docx

    report = request.getfixturevalue(fixture)
    data = render_docx(services.document_for(report))
    document = docx.Document(io.BytesIO(data))
    table = next(t for t in document.tables if any(c.text.strip() == "统计指标" for r in t.rows for c in r.cells))
    rows = _statistics_rows([tuple(c.text.strip() for c in r.cells) for r in table.rows])
    assert rows == expected_rows(typed)


@pytest.mark.parametrize(("fixture", "typed"), SEEDS)
def test_html_prints_every_row_with_its_unit_and_number(request, fixture, typed):
    import lxml.html

    from reports.rendering.html import render_html

    report = request.getfixturevalue(fixture)
    page = lxml.html.fromstring(str(render_html(services.document_for(report))))
    table = next(t for t in page.xpath("//table") if "统计指标" in (c.text_content().strip() for c in t.xpath(".//th")))
    rows = [tuple("".join(c.text_content().split()) for c in tr.xpath("./th|./td")) for tr in table.xpath(".//tr")]
    assert _statistics_rows(rows) == expected_rows(typed)
    labels = {"".join(c.text_content().split()): c.get("scope") for c in table.xpath(".//tbody//th")}
    assert {labels[row.label] for row in LG.rows} == {"row"}  # every label a row header for screen readers


@pytest.mark.parametrize(("fixture", "typed"), SEEDS)
def test_pdf_text_layer_holds_every_label_and_number(request, fixture, typed):
    import pypdf

    from reports.rendering.pdf import render_pdf

    report = request.getfixturevalue(fixture)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(services.document_for(report))))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    position = 0
    for label, unit, number in expected_rows(typed):
        # In reading order, row by row: the label (wrapped lines joined), its unit, its number.
        found_at = text.find(label + unit + number, position)
        assert found_at >= 0, (label, unit, number)
        position = found_at + len(label)
