"""历史数据补录: the legacy 统计表 of the synthetic 青山州 2017 and 清河县 2018 reports (legacy_reports.py)
re-created as entered reports from their printed text. The validator must report exactly the inconsistencies the
tables were composed with, and every export must print every label and number."""

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
from report_formats.formats import FORMATS, LG, ReportFormat
from report_formats.tests import legacy_reports as L
from report_formats.validation import Severity, has_errors
from reports import services
from reports.models import AnnualReport, Provenance, ReportCell, ReportOrigin, ReportStatus

pytestmark = pytest.mark.django_db

REVIEW = ["lg.review.total", "lg.review.upheld", "lg.review.corrected", "lg.review.other"]
CHANNELS = ["lg.proactive.total", "lg.proactive.via_gazette", "lg.proactive.via_website", "lg.proactive.via_weibo",
            "lg.proactive.via_wechat", "lg.proactive.via_other"]
ANSWERS = ["lg.request.answered", "lg.request.already_public", "lg.request.granted", "lg.request.partially_granted",
           "lg.request.refused", "lg.request.not_this_agency", "lg.request.not_exist", "lg.request.told_to_amend",
           "lg.request.told_other_channel"]
# The printed text of the two tables: cell id → the text in the 统计数 column ("" = printed blank; a row the
# table does not print has no key).
PREFECTURE_2017 = L.prefecture_printed()
COUNTY_2018 = L.county_printed()
P = L.prefecture_values()
C = L.county_values()
REVIEWS = L.p_reviews()
# The prefecture's printed blanks, read as 0 (T-I01); 申请答复数 is not among them: it is derived (T-W02).
PREFECTURE_BLANKS = set(L.P_BLANKS)
# The prose, without figures: check() also compares the figures the prose quotes with the table, and these
# tests are about the table's own inconsistencies (prose findings are the checkup's).
NARRATIVE = {
    "overview": "本报告根据《中华人民共和国政府信息公开条例》编制。",
    "proactive": "主动公开情况详见附表。",
    "requests": "依申请公开情况详见附表，申请均实行免费。",
    "fees": "依申请公开政府信息均实行免费，未减免费用。",  # 2007年条例第三十二条（三）: a section of its own
    "appeals": "行政复议、行政诉讼情况详见附表。",
    "problems": "政务公开工作与群众期待还有差距，下一步将加以改进。",
    "other": "无其他需要报告的事项。",
}


PREFECTURE_NAME = "青山自治州人民政府"


@pytest.fixture
def prefecture(db):
    return create_agency(code="qingshan", name=PREFECTURE_NAME, kind=AgencyKind.GOVERNMENT,
                         level=AgencyLevel.PREFECTURE)


@pytest.fixture
def county(db):
    return create_agency(code="qinghe", name="清河县人民政府", kind=AgencyKind.GOVERNMENT, level=AgencyLevel.COUNTY)


@pytest.fixture
def clerk(make_staff, prefecture, county):
    return make_staff("clerk", ("office_staff", prefecture), ("office_staff", county))


@pytest.fixture
def prefecture_report(prefecture, clerk):
    return services.create_entered_report(prefecture, 2017, PREFECTURE_2017, clerk, narrative=NARRATIVE,
                                          filed_on=date(*L.PREFECTURE_FILED_ON), **L.PREFECTURE_FOOTER)


@pytest.fixture
def county_report(county, clerk):
    return services.create_entered_report(county, 2018, COUNTY_2018, clerk, narrative=NARRATIVE,
                                          filed_on=date(*L.COUNTY_FILED_ON), **L.COUNTY_FOOTER)


def found(report):
    return [(f.code, f.severity, sorted(f.cells)) for f in services.check(report)]


def cells_of(report):
    return {c.cell_id: c for c in report.cells.order_by("id")}  # creation order = the format's order


# ------------------------------------------------------------------------------------------ the typed tables


def test_the_printed_text_reads_as_the_composed_numbers():
    """The printed text (blanks, the annotated cell) parses back to the numbers the tables were composed from."""
    parsed, errors = services.parse_printed_cells(ReportFormat.LEGACY_2014, PREFECTURE_2017)
    assert errors == {}
    assert {cid: f["value"] for cid, f in parsed.items()} == \
        {cid: None if v is None else Decimal(v) for cid, v in P.items()}
    parsed, errors = services.parse_printed_cells(ReportFormat.LEGACY_2014, COUNTY_2018)
    assert errors == {}
    assert {cid: f["value"] for cid, f in parsed.items()} == {cid: Decimal(v) for cid, v in C.items()}
    assert set(PREFECTURE_2017) == set(LG.cell_ids())
    assert set(COUNTY_2018) == set(LG.cell_ids()) - {L.C_NOT_PRINTED}


# ------------------------------------------------------------------------------------------ entering


def test_every_cell_is_stored_as_printed(prefecture_report, clerk):
    report = AnnualReport.objects.get(pk=prefecture_report.pk)
    assert (report.origin, report.status, report.format) == (ReportOrigin.ENTERED, ReportStatus.DRAFT, "legacy")
    assert report.get_origin_display() == "历史数据补录"
    assert (report.period_start, report.period_end, report.deadline) == \
        (date(2017, 1, 1), date(2017, 12, 31), date(2018, 3, 31))
    footer = L.PREFECTURE_FOOTER
    assert (report.filer, report.head, report.reviewer, report.preparer, report.filed_on) == \
        (footer["filer"], footer["head"], footer["reviewer"], footer["preparer"], date(*L.PREFECTURE_FILED_ON))
    assert report.narrative == NARRATIVE
    cells = cells_of(report)
    assert list(cells) == LG.cell_ids()
    assert {c.provenance for c in cells.values()} == {Provenance.ENTERED}
    assert {c.source for c in cells.values()} == {"历史数据补录"}
    assert {c.entered_by for c in cells.values()} == {clerk}
    assert {cid: c.raw for cid, c in cells.items()} == PREFECTURE_2017
    total = cells["lg.proactive.total"]
    assert (total.value, total.unit, total.flags) == (Decimal(P["lg.proactive.total"]), "条", [])
    blank = cells["lg.request.answered"]
    assert (blank.value, blank.raw, blank.flags) == (None, "", ["blank"])
    budget = cells["lg.org.budget"]
    assert (budget.value, budget.unit) == (Decimal(P["lg.org.budget"]), "万元")
    entry = AuditEntry.objects.get(action="reports.report.enter_history")
    assert entry.object_id == str(report.pk) and entry.agency == report.agency
    assert entry.after["cells"]["lg.review.total"] == str(REVIEWS["accepted"]) and entry.after["not_printed"] == []


def test_an_annotated_cell_and_a_row_not_printed(county_report):
    cells = cells_of(county_report)
    press = cells["lg.response.press_conferences"]
    assert (press.value, press.raw, press.flags) == (Decimal(L.C_PRESS), "1（新闻通气会）", ["annotated"])
    missing = cells[L.C_NOT_PRINTED]
    assert (missing.value, missing.raw, missing.flags) == (None, "", ["not_printed"])
    assert missing.source == "历史数据补录（原表未印此行）"
    assert county_report.filed_on == date(*L.COUNTY_FILED_ON)
    entry = AuditEntry.objects.get(action="reports.report.enter_history")
    assert entry.after["not_printed"] == [L.C_NOT_PRINTED]


def test_placeholders_stay_null_with_their_text(prefecture, clerk):
    report = services.create_entered_report(prefecture, 2016, {"lg.request.received": "-", "lg.request.online": "无",
                                                            "lg.request.letter": "约3", "lg.fees.amount": "500元"},
                                            clerk)
    cells = cells_of(report)
    assert (cells["lg.request.received"].value, cells["lg.request.received"].raw) == (None, "-")
    assert cells["lg.request.received"].flags == ["placeholder"]
    assert (cells["lg.request.online"].value, cells["lg.request.online"].flags) == (None, ["placeholder"])
    assert (cells["lg.request.letter"].value, cells["lg.request.letter"].flags) == (Decimal(3), ["approximate"])
    fee = cells["lg.fees.amount"]
    assert (fee.value, fee.unit, fee.raw) == (Decimal("0.05"), "万元", "500元")
    assert report.filer == PREFECTURE_NAME  # default: the agency itself
    assert cells["lg.request.in_person"].flags == ["not_printed"]


def nothing_written():
    return (AnnualReport.objects.count(), ReportCell.objects.count(),
            AuditEntry.objects.filter(action__startswith="reports.").count()) == (0, 0, 0)


@pytest.mark.parametrize(("values", "kwargs", "key", "text"), [
    ({**PREFECTURE_2017, "lg.request.received_new": "1"}, {}, "lg.request.received_new", "不是"),
    ({**PREFECTURE_2017, "t3.granted.total": "1"}, {}, "t3.granted.total", "不是"),
    ({**PREFECTURE_2017, "lg.review.total": "一百零一"}, {}, "lg.review.total", "无法识别为数值"),
    ({**PREFECTURE_2017, "lg.review.total": "5万元"}, {}, "lg.review.total", "无法识别为数值"),
    ({**PREFECTURE_2017, "lg.review.total": 101}, {}, "lg.review.total", "照录文字"),
    ({**PREFECTURE_2017, "lg.org.budget": "0.00001"}, {}, "lg.org.budget", "4位小数"),
    ({**PREFECTURE_2017, "lg.review.total": "1" * 13}, {}, "lg.review.total", "12位整数"),
    (PREFECTURE_2017, {"narrative": {"summary": "x"}}, "narrative", "没有这些章节"),
    (PREFECTURE_2017, {"head": "韩" * 61}, "head", "最多60字"),
    (PREFECTURE_2017, {"filed_on": "2018-03-20"}, "filed_on", "填报日期"),
    ({}, {}, "values", "至少"),
])
def test_bad_input_is_refused_and_nothing_is_written(prefecture, clerk, values, kwargs, key, text):
    with pytest.raises(ValidationError) as exc:
        services.create_entered_report(prefecture, 2017, values, clerk, **kwargs)
    assert text in " ".join(exc.value.message_dict[key])
    assert nothing_written()


@pytest.mark.parametrize("year", [2007, date.today().year, date.today().year + 1, "2017"])
def test_only_past_years_can_be_entered(prefecture, clerk, year):
    with pytest.raises(ValidationError, match="只能补录"):
        services.create_entered_report(prefecture, year, PREFECTURE_2017, clerk)
    assert nothing_written()


def test_a_year_is_entered_once(prefecture_report, prefecture, clerk):
    with pytest.raises(ValidationError, match="已存在"):
        services.create_entered_report(prefecture, 2017, PREFECTURE_2017, clerk)
    assert AnnualReport.objects.count() == 1


def test_entering_needs_the_compile_capability(prefecture, make_staff):
    outsider = make_staff("outsider")
    with pytest.raises(PermissionDenied):
        services.create_entered_report(prefecture, 2017, PREFECTURE_2017, outsider)
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


def test_recompute_refuses_an_entered_report(prefecture_report, clerk):
    with pytest.raises(ValidationError, match="历史数据补录的报告不由平台计算"):
        services.recompute(prefecture_report, clerk)
    assert cells_of(prefecture_report)["lg.review.total"].value == Decimal(REVIEWS["accepted"])


# ------------------------------------------------------------------------------------------ the validator


def test_prefecture_2017_reports_exactly_its_composed_inconsistencies(prefecture_report):
    findings = services.check(prefecture_report)
    assert [(f.code, f.severity) for f in findings] == [
        ("LG-E05", Severity.ERROR), ("LG-W01", Severity.WARNING), ("T-W02", Severity.WARNING),
        ("T-I01", Severity.INFO), ("T-I04", Severity.INFO)]
    by_code = {f.code: f for f in findings}
    review = by_code["LG-E05"]  # total ≠ 维持 + 纠错 + 其他: cases unaccounted for
    explained = REVIEWS["upheld"] + REVIEWS["corrected"] + REVIEWS["other"]
    assert review.cells == REVIEW and (review.actual, review.expected) == (REVIEWS["accepted"], explained)
    assert f"{REVIEWS['upheld']} + {REVIEWS['corrected']} + {REVIEWS['other']} = {explained}" in review.message
    assert f"多出 {REVIEWS['accepted'] - explained} 件" in review.message
    channels = by_code["LG-W01"]  # the channels' sum < 主动公开政府信息数
    assert channels.cells == CHANNELS
    assert (channels.actual, channels.expected) == (L.p_channel_total(), P["lg.proactive.total"])
    assert f"少 {L.P_UNLISTED} 条" in channels.message
    answered = by_code["T-W02"]  # 申请答复数 printed blank, 同意公开答复数 printed
    assert answered.cells == ANSWERS and answered.expected == P["lg.request.granted"]
    duplicate = by_code["T-I04"]  # 其他方式回应事件数 = 其他方式公开政府信息数
    assert set(duplicate.cells) == {"lg.proactive.via_other", "lg.response.other_events"}
    assert duplicate.actual == P["lg.proactive.via_other"]
    assert set(by_code["T-I01"].cells) == PREFECTURE_BLANKS
    assert has_errors(findings)


def test_county_2018_reports_exactly_its_composed_inconsistencies(county_report):
    assert found(county_report) == [
        ("LG-W01", Severity.WARNING, sorted(CHANNELS)),  # the channels' sum < 主动公开政府信息数
        ("annotated_cell", Severity.INFO, ["lg.response.press_conferences"]),  # "1（新闻通气会）"
        ("missing_row", Severity.INFO, [L.C_NOT_PRINTED]),  # 行政诉讼（三）其他情形数 not printed
    ]
    channels = services.check(county_report)[0]
    assert (channels.actual, channels.expected) == (sum(L.C_CHANNELS.values()), C["lg.proactive.total"])
    assert f"少 {L.C_UNLISTED} 条" in channels.message


def test_a_consistent_copy_of_prefecture_2017_has_no_findings(prefecture_report, clerk):
    explained = str(REVIEWS["upheld"] + REVIEWS["corrected"] + REVIEWS["other"])
    granted = str(P["lg.request.granted"])
    fixes = {cid: "0" for cid in PREFECTURE_BLANKS}
    fixes.update({"lg.request.answered": granted, "lg.review.total": explained, "lg.response.other_events": "120",
                  "lg.proactive.via_website": str(P["lg.proactive.via_website"] + L.P_UNLISTED)})
    services.enter_report_cells(prefecture_report, fixes, clerk)
    assert services.check(prefecture_report) == []
    entry = AuditEntry.objects.get(action="reports.report.enter_cells")
    assert entry.before["lg.review.total"] == str(REVIEWS["accepted"]) and entry.after["lg.review.total"] == explained
    assert entry.before["lg.request.answered"] == "" and entry.after["lg.request.answered"] == granted
    assert len(entry.after) == len(fixes)


VIA_OTHER = str(C["lg.proactive.via_other"])
VIA_OTHER_FIXED = str(C["lg.proactive.via_other"] + L.C_UNLISTED)  # the channels then cover the total


def test_a_consistent_copy_of_county_2018_has_no_findings(county_report, clerk):
    services.enter_report_cells(county_report, {"lg.proactive.via_other": VIA_OTHER_FIXED, L.C_NOT_PRINTED: "0",
                                                "lg.response.press_conferences": "1"}, clerk)
    assert services.check(county_report) == []
    cell = cells_of(county_report)[L.C_NOT_PRINTED]
    assert (cell.value, cell.raw, cell.flags, cell.source) == (Decimal(0), "0", [], "历史数据补录")
    entry = AuditEntry.objects.get(action="reports.report.enter_cells")
    assert entry.before == {"lg.proactive.via_other": VIA_OTHER, L.C_NOT_PRINTED: None,
                            "lg.response.press_conferences": "1（新闻通气会）"}


def test_editing_cells_is_all_or_nothing_and_only_for_entered_drafts(county_report, clerk, region, make_staff):
    with pytest.raises(ValidationError) as exc:
        services.enter_report_cells(county_report, {"lg.proactive.via_other": VIA_OTHER_FIXED, "lg.nope": "1"}, clerk)
    assert "不是" in exc.value.message_dict["lg.nope"][0]
    assert cells_of(county_report)["lg.proactive.via_other"].raw == VIA_OTHER
    services.enter_report_cells(county_report, {"lg.proactive.via_other": VIA_OTHER}, clerk)  # unchanged: no entry
    assert not AuditEntry.objects.filter(action="reports.report.enter_cells").exists()
    services.submit(county_report, clerk)
    with pytest.raises(ValidationError, match="只有草稿"):
        services.enter_report_cells(county_report, {"lg.proactive.via_other": VIA_OTHER_FIXED}, clerk)
    staff = make_staff("county-staff", ("office_staff", region["county"]))
    generated = services.create_draft(region["county"], 2023, [region["county"]], staff)
    with pytest.raises(ValidationError, match="只有历史数据补录"):
        services.enter_report_cells(generated, {"lg.proactive.via_other": "1"}, staff)


def test_an_entered_year_feeds_the_next_years_comparison(prefecture_report, prefecture, clerk):
    received = P["lg.request.received"]
    later = services.create_entered_report(prefecture, 2018, {**PREFECTURE_2017, "lg.request.received":
                                                              str(received + 5)}, clerk, narrative=NARRATIVE)
    assert [(year, fmt) for year, fmt, _ in services.history(later)] == [(2017, "legacy"), (2018, "legacy")]
    trend = services.document_for(later).sections[0].charts[0]
    assert trend.categories == ["2017年", "2018年"]
    assert dict(trend.series)["新收申请"] == [Decimal(received), Decimal(received + 5)]
    assert dict(trend.series)["行政复议"] == [Decimal(REVIEWS["accepted"])] * 2


def test_every_cell_of_the_format_is_stored_even_if_none_is_printed(county, clerk):
    report = services.create_entered_report(county, 2015, {"lg.proactive.total": "10"}, clerk)
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


TABLES = [("prefecture_report", PREFECTURE_2017), ("county_report", COUNTY_2018)]


def test_expected_rows_are_the_printed_numbers():
    rows = dict((label, (unit, number)) for label, unit, number in expected_rows(COUNTY_2018))
    assert rows["1.参加或举办新闻发布会总次数"] == ("次", "1")
    assert rows["（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）"] == \
        ("万元", str(L.C_BUDGET))
    assert expected_rows(PREFECTURE_2017)[1] == ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条",
                                                 str(P["lg.proactive.total"]))
    assert len(expected_rows(PREFECTURE_2017)) == len(LG.rows)


def _statistics_rows(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The rows after the 统计表's header row."""
    start = rows.index(("统计指标", "单位", "统计数"))
    return rows[start + 1:]


@pytest.mark.parametrize(("fixture", "typed"), TABLES)
def test_docx_prints_every_row_with_its_unit_and_number(request, fixture, typed):
    import docx

    from reports.rendering.docx import render_docx

    report = request.getfixturevalue(fixture)
    data = render_docx(services.document_for(report))
    document = docx.Document(io.BytesIO(data))
    table = next(t for t in document.tables if any(c.text.strip() == "统计指标" for r in t.rows for c in r.cells))
    rows = _statistics_rows([tuple(c.text.strip() for c in r.cells) for r in table.rows])
    assert rows == expected_rows(typed)


@pytest.mark.parametrize(("fixture", "typed"), TABLES)
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


@pytest.mark.parametrize(("fixture", "typed"), TABLES)
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


def test_the_command_enters_a_printed_report_and_corrects_it(prefecture, tmp_path):
    """`gongkai report enter` is how the platform administrator enters a printed report (docs/manual.md,
    历史数据补录); run again, it corrects the cells of the entered draft; `report check` reads it as printed."""
    import json

    from django.core.management import call_command

    path = tmp_path / "2017.json"
    path.write_text(json.dumps({"cells": PREFECTURE_2017, "narrative": NARRATIVE, "filed_on": "2018-01-20",
                                **L.PREFECTURE_FOOTER}, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("report", "enter", "--agency", prefecture.code, "--year", "2017", str(path), stdout=out)
    report = AnnualReport.objects.get(agency=prefecture, year=2017)
    assert report.origin == ReportOrigin.ENTERED and "已补录" in out.getvalue()
    assert report.filed_on == date(2018, 1, 20) and AuditEntry.objects.filter(action="reports.report.enter_history")
    path.write_text(json.dumps({"cells": {"lg.request.online": "7"}}), encoding="utf-8")
    call_command("report", "enter", "--agency", prefecture.code, "--year", "2017", str(path), stdout=io.StringIO())
    assert cells_of(report)["lg.request.online"].raw == "7"
    with pytest.raises(SystemExit):  # the printed table's own errors, reported as printed, not recomputed
        call_command("report", "check", "--agency", prefecture.code, "--year", "2017", stdout=io.StringIO())
