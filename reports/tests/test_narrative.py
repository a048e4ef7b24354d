"""报告正文: the draft written from a report's cells, its year-on-year comparisons, last year's problems
carried over, the 信息处理费 actually paid, the prose-vs-table check, saving (drafts only, in scope) and the
page. Every expected sentence and share below is computed by hand from the cells the fixtures set."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from disclosure_requests import services as requests
from disclosure_requests.tests.conftest import handlers, in_person, person  # noqa: F401 - fixtures
from report_formats.formats import SECTION_TITLES
from report_formats.validation import Severity, has_errors
from reports import services
from reports.models import ReportCell
from reports.narrative import CARRY_LEAD, draft, is_prose_finding, percent, prose_check

pytestmark = pytest.mark.django_db

SECTIONS = [str(s) for s in SECTION_TITLES]
REQUESTS_TITLE = "三、收到和处理政府信息公开申请情况"
# 2023 (previous year): 新收5, 办结3 (予以公开1, 部分公开2), 结转下年2; 行政复议4 (all upheld); no suit.
T3_2023 = {"received_new": 5, "granted": 1, "partially_granted": 2, "closed_total": 3, "carried_out": 2}
T4_2023 = {"t4.review.upheld": 4, "t4.review.total": 4}
# 2024: 新收8 + 上年结转2 = 办结8 + 结转2. Outcomes of the 8: 予以公开3 (37.5%), 部分公开1 (12.5%),
# 不予公开2 (25.0%), 无法提供1 (12.5%), 不予处理1 (12.5%), 其他处理0 (0.0%).
T3_2024 = {"received_new": 8, "carried_in": 2, "granted": 3, "partially_granted": 1, "withheld_third_party_rights": 2,
           "unavailable_not_held": 1, "not_processed_duplicate": 1, "closed_total": 8, "carried_out": 2}
# 行政复议3 (维持1, 尚未审结2); 行政诉讼1 (未经复议直接起诉, 纠正); 规范性文件 制发2 废止1 现行有效15.
T4_2024 = {"t4.review.upheld": 1, "t4.review.pending": 2, "t4.review.total": 3, "t4.suit_direct.corrected": 1,
           "t4.suit_direct.total": 1, "t2.normative_docs.issued": 2, "t2.normative_docs.repealed": 1,
           "t2.normative_docs.in_force": 15}
PROBLEMS_2023 = "\n".join([
    CARRY_LEAD, "2022年的老问题。整改情况：已整改。",  # last year's own carry-over is not carried again
    "一是信息公开内容不够全面。", "二是面向社会宣传力度不够", "（请填写本年度政府信息公开工作存在的主要问题及改进措施。）"])


def set_cells(report, t3=None, cells=None):
    """Table 三 rows as 自然人 = 总计 (so every row and column identity holds), other cells as given."""
    values = {f"t3.{row}.{col}": n for row, n in (t3 or {}).items() for col in ("natural_person", "total")}
    values.update(cells or {})
    for cid, n in values.items():
        assert ReportCell.objects.filter(report=report, cell_id=cid).update(value=Decimal(n), raw=str(n)) == 1, cid
    return report


@pytest.fixture
def previous(region, head):
    report = set_cells(services.create_draft(region["edu"], 2023, [region["edu"]], head), T3_2023, T4_2023)
    return services.save_narrative(report, {"problems": PROBLEMS_2023}, head)


@pytest.fixture
def report(region, head, previous):
    return set_cells(services.create_draft(region["edu"], 2024, [region["edu"]], head), T3_2024, T4_2024)


def prose(report):
    """The findings the prose raised (numbers or shares), without the placeholder notes."""
    return [f for f in services.check(report) if is_prose_finding(f) and f.code != "RPT-W02"]


def test_percent_rounds_half_up_to_one_decimal_and_never_divides_by_zero():
    assert [percent(3, 8), percent(1, 3), percent(2, 3), percent(1, 16), percent(5, 3)] == [
        "37.5", "33.3", "66.7", "6.3", "166.7"]  # 6.25 → 6.3 (half up, not half even)
    assert percent(1, 0) is None and percent(0, 0) is None


def test_the_overview_states_the_cells_shares_and_last_years_comparison(report):
    lines = draft(report)["overview"].split("\n")
    assert lines[:5] == [
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条、第五十条的规定编制，"
        "所列数据的统计期限为2024年1月1日至12月31日。",
        "2024年，演示县教育局认真贯彻落实《条例》，坚持以公开为常态、不公开为例外，依法做好政府信息公开工作。",
        # 8 vs 5: +3 = 60.0%; 办结 8 vs 3: +5 = 166.7%.
        "本年度新收政府信息公开申请8件，同比增加3件（增长60.0%）；上年结转政府信息公开申请2件；"
        "办结申请8件，同比增加5件（增长166.7%）；结转下年度继续办理2件。",
        "从办理结果看，予以公开3件，占37.5%；部分公开1件，占12.5%；不予公开2件，占25.0%；无法提供1件，占12.5%；"
        "不予处理1件，占12.5%；其他处理0件，占0.0%。",
        # 复议 3 vs 4: −1 = 25.0%; 诉讼 1 vs 0: no rate (last year's 0 is no base).
        "本年度因政府信息公开工作被申请行政复议3件，同比减少1件（下降25.0%）；被提起行政诉讼1件，同比增加1件。",
    ]
    assert lines[5:] == ["（一）主动公开", "（请填写本年度主动公开工作的主要做法和成效。）",
                         "（二）依申请公开", lines[8], "（三）政府信息管理", lines[10],
                         "（四）政府信息公开平台建设", lines[12], "（五）监督保障", lines[14]]
    assert all(line.startswith("（请填写") for line in lines[6::2])
    assert not any(title in draft(report)[key] for key, title in SECTION_TITLES.items())


def test_the_other_sections_and_last_years_problems(report):
    text = draft(report)
    assert text["proactive"].split("\n")[0] == "本年度制发行政规范性文件2件，废止1件，现行有效15件。"  # no 规章: omitted
    assert text["requests"].split("\n")[0] == ("本年度新收政府信息公开申请8件，上年结转政府信息公开申请2件，办结申请8件，"
                                               "结转下年度继续办理2件。申请人情况和办理结果见下表。")
    assert text["appeals"] == ("本年度因政府信息公开工作被申请行政复议3件（结果维持1件，结果纠正0件，其他结果0件，尚未审结2件）；"
                               "被提起行政诉讼1件（结果维持0件，结果纠正1件，其他结果0件，尚未审结0件）。具体情况见下表。")
    assert text["problems"].split("\n") == [
        "上年度存在问题的整改情况：",
        "一是信息公开内容不够全面。整改情况：（请填写）",
        "二是面向社会宣传力度不够。整改情况：（请填写）",
        "（请填写本年度政府信息公开工作存在的主要问题及改进措施。）"]
    assert text["other"].split("\n")[0] == "本年度未收取信息处理费。"


def test_without_a_previous_report_there_is_no_comparison_and_only_the_problems_placeholder(region, head):
    """2020 uses the 2019 format: 办结3 = 予以公开1 (33.3%) + 部分公开2 (66.7%); 其他处理 is one row there."""
    report = set_cells(services.create_draft(region["edu"], 2020, [region["edu"]], head),
                       {"received_new": 3, "granted": 1, "partially_granted": 2, "closed_total": 3},
                       {"t2v19.normative_docs.created": 3, "t2v19.normative_docs.published": 3,
                        "t2v19.normative_docs.total_public": 10})
    text = draft(report)
    assert text["overview"].split("\n")[2:4] == [
        "本年度新收政府信息公开申请3件；上年结转政府信息公开申请0件；办结申请3件；结转下年度继续办理0件。",
        "从办理结果看，予以公开1件，占33.3%；部分公开2件，占66.7%；不予公开0件，占0.0%；无法提供0件，占0.0%；"
        "不予处理0件，占0.0%；其他处理0件，占0.0%。"]
    assert text["proactive"].split("\n")[0] == "本年度新制作规范性文件3件，新公开3件，对外公开总数量10件。"
    assert text["problems"] == "（请填写本年度政府信息公开工作存在的主要问题及改进措施。）"
    assert prose(report) == []


def test_nothing_closed_means_no_shares(region, head):
    report = services.create_draft(region["edu"], 2024, [region["edu"]], head)
    overview = draft(report)["overview"]
    assert "办结申请0件" in overview and "占" not in overview and "从办理结果看" not in overview


def test_information_fees_paid_in_the_year_by_the_units(report, region, handlers, in_person):  # noqa: F811
    """Paid: 150 pages (1700 元) and 40 pages (100 元) at 教育局 in 2024 → 2 件, 1800 元. Not counted: a
    waived fee, a fee paid in 2025, and a fee paid at 卫生健康局 (not a unit of the report)."""
    h = handlers["handler"]

    def fee(case, pages, served, paid=None, waived=False, user=h):
        case = requests.start_processing(case, user=user)
        requests.issue_fee_notice(case, user=user, method="per_page", pages=pages, served_on=served)
        requests.fee_settled(case, user=user, on=paid, payment_reference="" if waived else f"FS-{case.pk}",
                             waiver_reason="困难群众" if waived else "")

    fee(in_person(date(2024, 5, 6), description="一"), 150, date(2024, 5, 8), date(2024, 5, 20))
    fee(in_person(date(2024, 6, 3), description="二"), 40, date(2024, 6, 5), date(2024, 6, 12))
    fee(in_person(date(2024, 7, 1), description="三"), 150, date(2024, 7, 3), date(2024, 7, 10), waived=True)
    fee(in_person(date(2024, 12, 16), description="四"), 150, date(2024, 12, 18), date(2025, 1, 6))
    fee(in_person(date(2024, 5, 6), description="五", agency=region["health"], user=None), 150, date(2024, 5, 8),
        date(2024, 5, 20), user=None)
    assert draft(report)["other"].split("\n")[0] == (
        "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度对2件政府信息公开申请收取信息处理费，"
        "共计1800元。")


def test_the_prose_check_reads_every_number_of_the_draft_and_finds_no_error(report, head):
    text = draft(report)
    facts = prose_check(report.format, text).facts
    read = sorted((f.cells[0] if len(f.cells) == 1 else f"{len(f.cells)} cells", int(f.value)) for f in facts.figures)
    assert ("t3.received_new.total", 8) in read and ("t3.carried_in.total", 2) in read
    assert ("t3.closed_total.total", 8) in read and ("t3.carried_out.total", 2) in read
    assert {("t3.granted.total", 3), ("t3.partially_granted.total", 1), ("8 cells", 2), ("3 cells", 1),
            ("t4.review.total", 3), ("2 cells", 1)} <= set(read)  # 不予公开, 无法提供, 诉讼 as sums of cells
    assert sorted(str(p.value) for p in facts.percentages) == ["12.5", "12.5", "25.0", "37.5"]  # 不予处理: no count
    assert prose(report) == []  # printed from the draft (nothing saved yet)
    services.redraft_narrative(report, head)
    report.refresh_from_db()
    assert report.narrative == text
    assert prose(report) == []
    notes = [f for f in services.check(report) if f.code == "RPT-W02"]
    assert {f.where for f in notes} >= {"一、总体情况，正文第7、9、11、13、15段", "五、存在的主要问题及改进情况，正文第2、3、4段"}
    assert all(f.severity == Severity.WARNING for f in notes)  # publishing a placeholder is a mistake


def test_a_wrong_number_in_edited_prose_is_reported_with_its_paragraph_and_blocks_nothing(report, head, publish):
    report = services.save_narrative(report, {
        "overview": "从办理结果看，予以公开3件，占40.0%；不予公开5件，占25.0%。",
        "requests": "本年度新收政府信息公开申请9件，上年结转政府信息公开申请2件，办结申请8件，结转下年度继续办理2件。"}, head)
    findings = prose(report)
    found = sorted((f.code, f.severity, f.where, f.expected, f.actual) for f in findings)
    assert found == [
        # 不予公开: 5 stated, the eight 不予公开 rows sum to 2 (its 25.0% = 2 ÷ 8 is right).
        ("T3-W02", Severity.WARNING, "一、总体情况，正文第1段", 2, 5),
        ("T3-W02", Severity.WARNING, f"{REQUESTS_TITLE}，正文第1段", 8, 9),
        # 3 ÷ 8 = 37.5%, 3 ÷ 8 (新收) = 37.5%, 3 ÷ 10 (新收 + 结转) = 30%: 40.0% fits none.
        ("T3-W03", Severity.WARNING, "一、总体情况，正文第1段", Decimal("37.5"), Decimal("40.0")),
    ]
    assert sorted(len(f.cells) for f in findings if f.code == "T3-W02") == [1, 8]
    # Warnings are reported, never blocking: the report is approved and published with them.
    assert not has_errors(services.check(report))
    approved = services.approve(services.submit(report, head), head)
    assert approved.status == "approved"
    published = publish(approved, on=date(2025, 1, 20))
    with pytest.raises(ValidationError, match="只有草稿可以修改正文"):
        services.save_narrative(published, {"other": "无。"}, head)
    with pytest.raises(ValidationError, match="只有草稿可以修改正文"):
        services.redraft_narrative(published, head, ["other"])
    published.refresh_from_db()
    # Publication fixed the drafted 六 (services.publish); the refused save did not replace it.
    assert published.narrative["other"] != "无。" and published.narrative["other"].strip()


def test_save_is_audited_normalised_and_refuses_unknown_sections_and_long_text(report, head):
    before = AuditEntry.objects.filter(action="reports.report.narrative").count()
    services.save_narrative(report, {"other": "第一段。  \r\n\r\n第二段\x00。\r\n"}, head)
    report.refresh_from_db()
    assert report.narrative["other"] == "第一段。\n\n第二段。"
    entry = AuditEntry.objects.filter(action="reports.report.narrative").latest("pk")
    assert entry.after == {"other": "第一段。\n\n第二段。"} and entry.before == {"other": ""}
    services.save_narrative(report, {"other": "第一段。\n\n第二段。"}, head)  # unchanged: not recorded again
    assert AuditEntry.objects.filter(action="reports.report.narrative").count() == before + 1
    with pytest.raises(ValidationError, match="没有这些章节：summary"):
        services.save_narrative(report, {"summary": "概述", "other": "改了"}, head)
    with pytest.raises(ValidationError) as error:
        services.save_narrative(report, {"other": "字" * 20_001}, head)
    assert "最多20000字" in error.value.message_dict["other"][0]
    with pytest.raises(ValidationError, match="没有这些章节"):
        services.redraft_narrative(report, head, ["other", "bogus"])
    report.refresh_from_db()
    assert report.narrative["other"] == "第一段。\n\n第二段。"


def test_only_staff_who_compile_the_agencys_reports_may_save(report, region, make_staff, head):
    outsider = make_staff("other-head", ("office_head", region["other"]))
    editor = make_staff("edu-editor", ("editor", region["edu"]))
    for user in (outsider, editor):
        with pytest.raises(PermissionDenied):
            services.save_narrative(report, {"other": "无。"}, user)
        with pytest.raises(PermissionDenied):
            services.redraft_narrative(report, user)
    report.refresh_from_db()
    assert "other" not in report.narrative


def test_a_legacy_report_drafts_its_totals_and_they_check(region, head):
    report = set_cells(services.create_draft(region["edu"], 2018, [region["edu"]], head), cells={
        "lg.proactive.total": 120, "lg.proactive.via_website": 100, "lg.proactive.via_wechat": 30,
        "lg.request.received": 6, "lg.request.in_person": 6, "lg.request.closed": 5, "lg.request.closed_on_time": 5,
        "lg.request.answered": 5, "lg.request.granted": 5, "lg.review.total": 1, "lg.review.upheld": 1,
        "lg.fees.amount": 0})
    text = draft(report)
    assert text["overview"].split("\n")[:2] == [
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第三十一条、第三十二条的规定编制，"
        "所列数据的统计期限为2018年1月1日至12月31日。",
        "2018年，演示县教育局依法做好政府信息公开工作：主动公开政府信息120条；收到政府信息公开申请6件，办结申请5件；"
        "因政府信息公开申请行政复议1件，提起行政诉讼0件。"]
    assert text["proactive"].split("\n")[0] == (
        "本年度主动公开政府信息120条。通过政府公报公开0条，通过政府网站公开100条，通过政务微博公开0条，"
        "通过政务微信公开30条，通过其他方式公开0条。")
    assert text["requests"].split("\n")[0] == "本年度收到政府信息公开申请6件，办结申请5件，作出答复5件。"
    assert text["appeals"] == "本年度因政府信息公开申请行政复议1件，提起行政诉讼0件。"
    assert text["fees"].split("\n")[0] == "本年度依申请公开政府信息未收取费用。"  # its own section (第三十二条（三）)
    assert "费用" not in text["other"]
    read = {(f.cells, int(f.value)) for f in prose_check("legacy", text).facts.figures}
    assert {(("lg.proactive.total",), 120), (("lg.request.received",), 6), (("lg.request.closed",), 5),
            (("lg.review.total",), 1), (("lg.suit.total",), 0), (("lg.proactive.via_website",), 100)} <= read
    report = services.save_narrative(report, text, head)
    assert prose(report) == []
    report = services.save_narrative(report, {"appeals": "本年度因政府信息公开申请行政复议2件，提起行政诉讼0件。"}, head)
    assert [(f.code, f.where) for f in prose(report)] == [
        ("T4-W03", "五、因政府信息公开申请行政复议、提起行政诉讼的情况，正文第1段")]  # the 2008-regime heading


TRICKY = ["1" * 5000 + "件", "本年度新收政府信息公开申请" + "9" * 5000 + "件", "予以公开3件，占" + "1" * 5000 + ".5%",
          "予以公开３件，占３７.５％；不予公开 ２ 件（占25%）", "\x00\x1f\r\n\u2028", "（请填写", "其中不予公开2件，占25.0%",
          "未收到政府信息公开申请；均获维持；无行政事业性收费项目。", "占%件", "字" * 20_001]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from([*SECTIONS, "bogus"]),
                       st.one_of(st.text(max_size=400), st.sampled_from(TRICKY), st.none()), max_size=7))
def test_arbitrary_text_never_breaks_saving_or_checking(report, head, sections):
    report.refresh_from_db()
    before = dict(report.narrative)
    try:
        services.save_narrative(report, sections, head)
    except ValidationError:
        report.refresh_from_db()
        assert report.narrative == before  # refused as a whole
    else:
        assert set(sections) <= set(SECTIONS)
    report.refresh_from_db()
    assert all(isinstance(v, str) and len(v) <= 20_000 and "\x00" not in v for v in report.narrative.values())
    findings = services.check(report)
    assert all(is_prose_finding(f) for f in findings if f.message.startswith("正文"))


def test_statements_contradicting_the_tables_point_at_their_paragraph(report, head):
    report = services.save_narrative(report, {"other": "本年度无新情况。\n本年度未收到政府信息公开申请，复议诉讼均获维持。"}, head)
    where = "六、其他需要报告的事项，正文第2段"
    assert sorted((f.code, f.severity, f.where) for f in prose(report)) == [
        ("T3-W04", Severity.WARNING, where),  # 新收 8
        ("T4-W03", Severity.WARNING, where)]  # 复议: 尚未审结 2; 诉讼: 纠正 1


# ------------------------------------------------------------------------------------------ the page


def test_the_page_shows_labelled_boxes_saves_and_redrafts(client, report, head):
    client.force_login(head)
    url = reverse("reports:narrative", kwargs={"pk": report.pk})
    assert url in client.get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    page = client.get(url).content.decode()
    for key, title in SECTION_TITLES.items():
        assert f'<label for="id_{key}">{title}</label>' in page
        assert f'form="redraft-{key}"' in page and f'<input type="hidden" name="redraft" value="{key}">' in page
    assert page.count("按最新数据重新生成草稿<") == 6 and "不能撤销" in page
    assert "予以公开3件，占37.5%" in page and "正文引用的数字与表格一致" not in page  # placeholders are listed
    assert "一、总体情况，正文第7、9、11、13、15段" in page  # the placeholders left

    wrong = "本年度新收政府信息公开申请9件。" + "具体情况见下表，" * 2
    response = client.post(url, {**draft(report), "requests": wrong})
    assert response.status_code == 302 and response["Location"] == url
    report.refresh_from_db()
    assert report.narrative["requests"] == wrong
    page = client.get(url).content.decode()
    assert f"{REQUESTS_TITLE}，正文第1段" in page and "T3-W02" in page

    response = client.post(url, {"redraft": "requests"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative["requests"] == draft(report)["requests"]
    assert "T3-W02" not in client.get(url).content.decode()

    long = client.post(url, {**draft(report), "other": "字" * 20_001})
    assert long.status_code == 200 and "最多20000字" in long.content.decode()


def test_a_published_report_is_read_only(client, report, head, publish):
    report = services.save_narrative(report, {"other": "无其他需要报告的事项。"}, head)
    published = publish(services.approve(services.submit(report, head), head), on=date(2025, 1, 20))
    client.force_login(head)
    url = reverse("reports:narrative", kwargs={"pk": published.pk})
    page = client.get(url).content.decode()
    assert "<textarea" not in page and "<p>无其他需要报告的事项。</p>" in page and "更正" in page
    response = client.post(url, {"other": "改了"}, follow=True)
    assert "只有草稿可以修改正文" in response.content.decode()
    published.refresh_from_db()
    assert published.narrative["other"] == "无其他需要报告的事项。"
