"""Publication guards of the annual report: not before the reported year is over (《中华人民共和国政府信息
公开条例》第四十九条), and with units still 未填报 or cells blank only when a 公开办负责人 other than the drafter
confirms it with a recorded reason. Each test names its article."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from report_formats.formats import format_for_year
from reports import services
from reports.models import ReportStatus

pytestmark = pytest.mark.django_db
REASON = "卫生健康局本年度无行政强制事项，经核实后发布。"


@pytest.fixture
def clock(monkeypatch):
    """clock.set(date): timezone.now() stands at 10:00 that day (starts on 7 December 2026)."""

    class Clock:
        def set(self, day):
            now = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
            monkeypatch.setattr(timezone, "now", lambda: now)

    c = Clock()
    c.set(date(2026, 12, 7))
    return c


def approved(agency, year, head):
    return services.approve(services.submit(services.create_draft(agency, year, [agency], head), head), head)


def filled(agency, year, head):
    """Every entered cell of the year's format filled in: no unit 未填报, no cell blank."""
    values = {cid: "0" for cid in services.entered_cell_ids(format_for_year(year))}
    services.enter_figures(agency, year, values, head)


def test_a_report_is_not_published_before_the_year_is_over(clock, region, head):
    """《中华人民共和国政府信息公开条例》第四十九条: the annual report covers the previous year (部门 by 1月31日,
    政府 by 3月31日), so a 2026 report cannot be published in 2026, nor dated in the future; from 1 January
    2027 it can."""
    filled(region["health"], 2026, head)
    report = approved(region["health"], 2026, head)
    with pytest.raises(ValidationError) as error:
        services.publish(report, head)
    assert "最早 2027年1月1日" in error.value.messages[0] and "第四十九条" in error.value.messages[0]
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.publish(report, head, on=date(2027, 1, 5))
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    clock.set(date(2027, 1, 1))
    published = services.publish(report, head)
    assert (published.status, published.published_on) == (ReportStatus.PUBLISHED, date(2027, 1, 1))
    assert published.gaps_at_publication == {} and published.gaps_override_by is None


def test_gaps_need_a_second_head_and_a_recorded_reason(clock, region, head, second_head):
    """《中华人民共和国政府信息公开条例》第四十九条、第五十条 (the report states the year's figures): with units
    未填报 and cells blank, the drafter cannot publish, not even with a reason; another 公开办负责人
    (REPORTS_APPROVE) needs a reason; who, why and what was missing stay with the version and the audit trail."""
    report = approved(region["health"], 2025, head)
    gaps = services.publication_gaps(report)
    assert [u.pk for u in gaps.units] == [region["health"].pk]
    assert [cid for cid, _ in gaps.cells] == ["t2.licensing.decisions", "t2.penalty.decisions",
                                              "t2.coercion.decisions", "t2.fees.amount"]
    assert dict(gaps.cells)["t2.fees.amount"] == "「行政事业性收费 × 本年收费金额（单位：万元）」"
    with pytest.raises(ValidationError, match="须由编制人以外的公开办负责人"):
        services.publish(report, head)
    with pytest.raises(ValidationError, match="编制或提交本报告的人员不能确认缺项发布"):
        services.publish(report, head, override_reason=REASON)
    with pytest.raises(ValidationError, match="须由编制人以外的公开办负责人"):
        services.publish(report, second_head, override_reason="  ")
    published = services.publish(report, second_head, override_reason=REASON)
    assert published.status == ReportStatus.PUBLISHED
    assert (published.gaps_override_by, published.gaps_override_reason) == (second_head, REASON)
    assert published.gaps_at_publication == {"units": ["演示县卫生健康局"], "cells": [cid for cid, _ in gaps.cells]}
    entry = AuditEntry.objects.get(action="reports.report.publish_with_gaps")
    assert entry.after["confirmed_by"] == second_head.pk and entry.note == REASON
    assert entry.after["gaps"]["units"] == ["演示县卫生健康局"] and entry.after["drafters"] == [head.pk]


def test_a_complete_report_is_published_by_its_head_without_an_override(clock, region, head):
    """《中华人民共和国政府信息公开条例》第四十九条: nothing missing, the approving head publishes it directly."""
    filled(region["health"], 2025, head)
    report = approved(region["health"], 2025, head)
    assert not services.publication_gaps(report)
    published = services.publish(report, head)
    assert published.status == ReportStatus.PUBLISHED and published.gaps_override_reason == ""
    assert not AuditEntry.objects.filter(action="reports.report.publish_with_gaps").exists()


def test_the_confirmation_page_shows_what_is_missing_and_only_a_second_head_confirms(clock, client, region, head,
                                                                                        second_head):
    """《中华人民共和国政府信息公开条例》第四十九条 on the page: the earliest date and the legal deadline, the units
    未填报 and the blank cells; the drafter gets no confirm button and a POST from them is refused; the report
    page has no one-click publication (the old action answers 未知的操作)."""
    report = approved(region["health"], 2025, head)
    client.force_login(head)
    detail = client.get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    assert reverse("reports:publish", kwargs={"pk": report.pk}) in detail and 'value="publish"' not in detail
    client.post(reverse("reports:action", kwargs={"pk": report.pk}), {"action": "publish"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    url = reverse("reports:publish", kwargs={"pk": report.pk})
    page = client.get(url).content.decode()
    assert "第四十九条" in page and "未填报的单位" in page and "演示县卫生健康局" in page
    assert "行政事业性收费 × 本年收费金额（单位：万元）" in page and "不能确认缺项发布" in page
    assert "确认缺项并发布" not in page
    response = client.post(url, {"override_reason": REASON})
    assert response.status_code == 400 and "编制或提交本报告的人员不能确认缺项发布" in response.content.decode()
    client.force_login(second_head)
    page = client.get(url).content.decode()
    assert "确认缺项并发布" in page
    assert client.post(url, {"override_reason": ""}).status_code == 400
    assert client.post(url, {"override_reason": REASON}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.gaps_override_by == second_head
    assert REASON in client.get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
