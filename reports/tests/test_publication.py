"""A published version prints the same forever (issue "annual report" §5 versioning): its prose and chart
data are fixed at publication, not read live from data that keeps changing."""

from datetime import date

from report_formats.formats import SECTION_TITLES
from reports import services
from reports.models import AnnualReport, ReportStatus


def _approved(agency, year, head, narrative=None):
    report = services.create_draft(agency, year, [agency], head)
    if narrative is not None:
        AnnualReport.objects.filter(pk=report.pk).update(narrative=narrative)
    return services.approve(services.submit(report, head), head)


def test_publication_fixes_prose_and_trend(region, head, publish):
    health = region["health"]
    # Only section 一 written by staff: the other five are drafted from the data at publication.
    v2024 = publish(_approved(health, 2024, head, {"overview": "本年度工作总体平稳。"}), on=date(2025, 1, 20))
    assert set(v2024.narrative) == {str(k) for k in SECTION_TITLES}
    assert v2024.narrative["overview"] == "本年度工作总体平稳。"
    assert v2024.printed["history"] == [[2024, "2021", {cid: str(v) if v is not None else None for cid, v in
                                                        services.cell_values(v2024).items()}]]
    before = services.document_for(v2024)
    assert [c.id for c in before.all_charts()] == []  # one year, nothing proactive, no requests: no chart

    # The year before is published afterwards: live, it would now join the 2024 trend chart.
    v2023 = publish(_approved(health, 2023, head), on=date(2025, 2, 1))
    assert v2023.status == ReportStatus.PUBLISHED
    live = services.history(v2024)
    assert [year for year, _, _ in live] == [2023, 2024]
    after = services.document_for(AnnualReport.objects.get(pk=v2024.pk))
    assert [c.id for c in after.all_charts()] == [c.id for c in before.all_charts()]
    assert [s.paragraphs for s in after.sections] == [s.paragraphs for s in before.sections]


def test_a_correction_starts_from_the_published_prose_and_reads_live_again(region, head, publish):
    v1 = publish(_approved(region["health"], 2024, head, {"overview": "第一版。"}))
    v2 = services.correct(v1, head, "更正数字")
    assert v2.narrative == v1.narrative and v2.printed == {}
    publish(_approved(region["health"], 2023, head))
    assert [year for year, _, _ in services.history(v2)] == [2023, 2024]
    assert [c.id for c in services.document_for(v2).all_charts()] == ["trend"]
