"""Computed and entered cells of generated reports, aggregation over units and a merged agency, versioning
and approval. Every expected cell is counted by hand from the fixture's docstring and written literally."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from appeals.models import Appeal
from appeals.statistics import table_four
from catalog import services as catalog
from catalog.statistics import article_20_item_1
from catalog.tests.conftest import draft_fields, genres, topic  # noqa: F401 - fixtures
from disclosure_requests import services as requests
from disclosure_requests.statistics import table_three
from disclosure_requests.tests.conftest import handlers, in_person, person  # noqa: F401 - fixtures
from orgs.credit_code import make_credit_code
from orgs.models import AgencyKind, AgencyLevel, SuccessionKind
from orgs.services import create_agency, reorganise
from reports import services
from reports.models import PublishedReportError, ReportCell, ReportStatus

pytestmark = pytest.mark.django_db

COMPANY = make_credit_code("91", "640323", "0C000001")
OK = {"legal_basis": "《中华人民共和国政府信息公开条例》第三十六条", "reasons": "理由"}


def nonzero(cells):
    return {k: v for k, v in cells.items() if v}


@pytest.fixture
def known(region, handlers, in_person, person, draft_fields):  # noqa: F811 - imported fixtures
    """2024. 体育局 (sport, new) is merged into 教育局 (edu) on 2024-07-01. np = 自然人.

    Cases
      A  edu, np, received 2024-03-04, 予以公开 2024-03-20
      B  edu, 商业企业, received 2024-05-06, 保护第三方合法权益 2024-05-30
      C  edu, np, received 2023-12-20, 予以公开 2024-01-10 (上年结转)
      D  edu, np, received 2024-12-16, in progress (结转下年)
      S1 sport, np, received 2024-03-01, 予以公开 2024-03-15 (before the merger: sport's)
      S2 sport, np, received 2024-06-20, 部分公开 2024-07-10 (closed after the merger: edu's)
    Appeals
      R1 edu, review filed 2024-03-01, upheld 2024-05-01
      R2 sport, review filed 2024-02-01, corrected 2024-04-01 (sport's)
      R3 sport, direct suit filed 2024-08-01, pending (after the merger: edu's)
    Catalogue (行政规范性文件 unless said)
      N1 edu, issued 2024-05-06;  N2 sport, issued 2024-03-01 (flow: sport's; in force at 31 Dec: edu's)
      G1 edu, 规章 issued 2024-04-01 (a county department cannot make 规章: T2-W03)
    Entered figures
      edu:    行政许可 12, 行政事业性收费 3.25 万元
      health: 行政许可 5, 行政处罚 7
    """
    h = handlers["handler"]
    sport = create_agency(code="sport", name="演示县体育局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY,
                          parent=region["county"])
    a = in_person(date(2024, 3, 4), description="A")
    requests.reply(a, user=h, outcome="granted", on=date(2024, 3, 20), **OK)
    b = in_person(date(2024, 5, 6), description="B", applicant=person(
        applicant_type="commercial_enterprise", name="某商贸有限公司", id_type="credit_code", id_number=COMPANY))
    requests.reply(b, user=h, outcome="withheld_third_party_rights", on=date(2024, 5, 30), **OK)
    c = in_person(date(2023, 12, 20), description="C")
    requests.reply(c, user=h, outcome="granted", on=date(2024, 1, 10), **OK)
    d = in_person(date(2024, 12, 16), description="D")
    requests.start_processing(d, user=h)
    s1 = in_person(date(2024, 3, 1), description="S1", agency=sport, user=None)
    requests.reply(s1, user=None, outcome="granted", on=date(2024, 3, 15), **OK)
    s2 = in_person(date(2024, 6, 20), description="S2", agency=sport, user=None)
    requests.reply(s2, user=None, outcome="partially_granted", on=date(2024, 7, 10), **OK)

    def appeal(agency, kind, filed, result="pending", decided=None):
        Appeal.objects.create(agency=agency, kind=kind, subject="不服答复", body="演示县人民政府", filed_on=filed,
                              result=result, decided_on=decided)

    appeal(region["edu"], "review", date(2024, 3, 1), "upheld", date(2024, 5, 1))
    appeal(sport, "review", date(2024, 2, 1), "corrected", date(2024, 4, 1))
    appeal(sport, "suit_direct", date(2024, 8, 1))

    def issue(publisher, number, on, **extra):
        doc = catalog.create_draft(publisher=publisher, **draft_fields(document_number=number, written_on=on,
                                                                       **extra)).document
        catalog.submit(doc)
        catalog.pass_secrecy_review(doc)
        return catalog.publish(doc, on=on).document

    issue(region["edu"], "演教发〔2024〕1号", date(2024, 5, 6))
    issue(sport, "演体发〔2024〕1号", date(2024, 3, 1))
    issue(region["edu"], "演教令〔2024〕1号", date(2024, 4, 1), kind="rule")

    reorganise(SuccessionKind.MERGE, [sport], [region["edu"]], date(2024, 7, 1), note="机构改革")
    region["sport"] = sport
    services.enter_figures(region["edu"], 2024, {"t2.licensing.decisions": "12", "t2.fees.amount": "3.25"}, None)
    services.enter_figures(region["health"], 2024, {"t2.licensing.decisions": "5", "t2.penalty.decisions": "7"},
                           None)
    return region


def cells_of(report):
    return {c.cell_id: c.value for c in report.cells.all()}


def test_a_department_report_counts_its_own_data_and_the_merged_agency_from_the_merger(known, head):
    report = services.create_draft(known["edu"], 2024, [known["edu"]], head)
    assert report.format == "2021" and report.deadline == date(2025, 1, 31)
    cells = cells_of(report)
    assert len(cells) == 6 + 4 + 175 + 15
    assert nonzero(cells) == {
        "t2.rules.issued": 1, "t2.rules.in_force": 1,  # G1
        "t2.normative_docs.issued": 1,  # N1 (N2 was issued by sport before the merger)
        "t2.normative_docs.in_force": 2,  # N1, N2 (sport's documents are edu's at the year end)
        "t2.licensing.decisions": 12, "t2.fees.amount": Decimal("3.25"),
        "t3.received_new.natural_person": 3, "t3.received_new.commercial_enterprise": 1,  # A, D, S2; B
        "t3.received_new.total": 4,
        "t3.carried_in.natural_person": 1, "t3.carried_in.total": 1,  # C
        "t3.granted.natural_person": 2, "t3.granted.total": 2,  # A, C
        "t3.partially_granted.natural_person": 1, "t3.partially_granted.total": 1,  # S2
        "t3.withheld_third_party_rights.commercial_enterprise": 1, "t3.withheld_third_party_rights.total": 1,
        "t3.closed_total.natural_person": 3, "t3.closed_total.commercial_enterprise": 1, "t3.closed_total.total": 4,
        "t3.carried_out.natural_person": 1, "t3.carried_out.total": 1,  # D
        "t4.review.upheld": 1, "t4.review.total": 1,  # R1
        "t4.suit_direct.pending": 1, "t4.suit_direct.total": 1,  # R3
    }
    by_id = {c.cell_id: c for c in report.cells.all()}
    assert by_id["t3.granted.total"].provenance == "computed"
    assert by_id["t3.granted.total"].source == "平台计算：依申请公开案件"  # in words, not the query's name
    assert by_id["t2.fees.amount"].provenance == "entered" and "演示县教育局" in by_id["t2.fees.amount"].source
    assert by_id["t2.coercion.decisions"].value is None and by_id["t2.coercion.decisions"].flags == ["blank"]
    codes = {f.code for f in services.check(report)}
    assert "T2-W03" in codes  # 规章 by a county department
    assert "T3-E03" not in codes  # the balance holds across the merger


def test_the_merged_agency_keeps_what_it_held_before_the_merger(known, head):
    report = services.create_draft(known["sport"], 2024, [known["sport"]], head)
    assert nonzero({k: v for k, v in cells_of(report).items() if k.startswith(("t3", "t4", "t2.normative"))}) == {
        "t2.normative_docs.issued": 1,  # N2
        "t3.received_new.natural_person": 1, "t3.received_new.total": 1,  # S1
        "t3.granted.natural_person": 1, "t3.granted.total": 1,
        "t3.closed_total.natural_person": 1, "t3.closed_total.total": 1,
        "t4.review.corrected": 1, "t4.review.total": 1,  # R2
    }


def test_a_government_report_aggregates_the_chosen_units(known, head):
    units = [known[k] for k in ("county", "office", "edu", "health", "town", "sport")]
    report = services.create_draft(known["county"], 2024, units, head)
    assert report.deadline == date(2025, 3, 31)
    cells = cells_of(report)
    assert cells["t3.received_new.total"] == 5  # A B D S1 S2
    assert cells["t3.received_new.natural_person"] == 4  # A D S1 S2
    assert cells["t3.granted.total"] == 3  # A C S1
    assert cells["t4.review.total"] == 2 and cells["t4.suit_direct.total"] == 1
    assert cells["t2.normative_docs.issued"] == 2 and cells["t2.normative_docs.in_force"] == 2
    assert cells["t2.licensing.decisions"] == 17 and cells["t2.penalty.decisions"] == 7
    assert cells["t2.fees.amount"] == Decimal("3.25")
    # Without the merged agency as a unit, its pre-merger records are not the county's.
    without = services.create_draft(known["other"], 2024, [known["other"]], None)
    assert cells_of(without)["t3.received_new.total"] == 0


def test_aggregation_agrees_with_the_statistics_functions(known):
    ids = [known["edu"].pk, known["sport"].pk, known["health"].pk]
    computed = services.compute_cells(ids, 2024, "2021")
    expected = {**article_20_item_1(ids, 2024), **table_three(ids, 2024, "2021"), **table_four(ids, 2024)}
    assert computed == expected


def test_units_must_lie_in_the_subtree(known, head):
    with pytest.raises(ValidationError):
        services.create_draft(known["county"], 2024, [known["other_edu"]], head)


def test_errors_block_approval_and_publication_is_immutable(known, head, publish):
    report = services.create_draft(known["health"], 2024, [known["health"]], head)
    # An entered count that is not an integer is refused at entry …
    with pytest.raises(ValidationError):
        services.enter_figures(known["health"], 2024, {"t2.coercion.decisions": "1.5"}, head)
    # … so an error is planted the way a broken computation would leave it.
    ReportCell.objects.filter(report=report, cell_id="t3.received_new.total").update(value=9)
    report = services.submit(report, head)
    with pytest.raises(ValidationError, match="T3-E01"):
        services.approve(report, head)
    report = services.return_to_draft(report, head)
    report = services.recompute(report, head)
    report = services.approve(services.submit(report, head), head)
    report = publish(report, on=date(2025, 1, 20))
    assert report.status == ReportStatus.PUBLISHED
    with pytest.raises(PublishedReportError):
        report.cells.first().save()
    with pytest.raises(PublishedReportError):
        report.save()
    with pytest.raises(ValidationError):
        services.recompute(report, head)
    services.enter_figures(known["health"], 2024, {"t2.coercion.decisions": "2"}, head)
    v2 = services.correct(report, head, "补录行政强制决定数")
    assert (v2.version, v2.parent_id, v2.status) == (2, report.pk, ReportStatus.DRAFT)
    v2 = services.recompute(v2, head)
    assert cells_of(v2)["t2.coercion.decisions"] == 2
    assert cells_of(report)["t2.coercion.decisions"] is None  # the published version is unchanged
    v2 = publish(services.approve(services.submit(v2, head), head))
    assert services.latest_report(known["health"], 2024) == v2


def test_cross_year_carry_over_is_checked(known, head):
    prev = services.create_draft(known["edu"], 2023, [known["edu"]], head)
    ReportCell.objects.filter(report=prev, cell_id__in=["t3.carried_out.natural_person", "t3.carried_out.total"]) \
        .update(value=5)
    report = services.create_draft(known["edu"], 2024, [known["edu"]], head)
    w01 = [f for f in services.check(report) if f.code == "T3-W01"]
    assert {tuple(f.cells) for f in w01} == {("t3.carried_in.natural_person",), ("t3.carried_in.total",)}


def test_units_status_lists_deadlines_and_pending_figures(known, head):
    units = [known[k] for k in ("county", "edu", "town")]
    report = services.create_draft(known["county"], 2024, units, head)
    figures = services.figures_for(known["edu"], 2024)
    services.approve_figures(services.submit_figures(figures, head), head)
    rows = {r["agency"].code: r for r in services.unit_status(report)}
    assert rows["edu"]["status"] == "approved" and rows["edu"]["deadline"] == date(2025, 1, 31)
    assert rows["county"]["status"] is None and rows["county"]["deadline"] == date(2025, 3, 31)
    assert rows["town"]["deadline"] == date(2025, 1, 31)
    pending = [f for f in services.check(report) if f.code == "RPT-W01"]
    assert pending and "演示县人民政府" in pending[0].message and "教育局" not in pending[0].message
