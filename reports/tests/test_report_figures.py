"""Entered figures (form and XLSX template, all or nothing), the `gongkai report` command, the pages and
their scoping."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from reports import services
from reports.models import EnteredValue, ReportCell

pytestmark = pytest.mark.django_db


def template_rows(data):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))["填报数据"]


def fill(data, values):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book["填报数据"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in values:
            row[4].value = values[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_template_lists_the_entered_cells_and_upload_round_trips(region):
    data = services.figures_template(region["edu"], 2024)
    ids = [r[0].value for r in template_rows(data).iter_rows(min_row=2)]
    assert ids == ["t2.licensing.decisions", "t2.penalty.decisions", "t2.coercion.decisions", "t2.fees.amount"]
    filled = fill(data, {"t2.licensing.decisions": "12", "t2.fees.amount": "1234.5678"})
    result = services.import_figures_xlsx(region["edu"], 2024, filled, "教育局.xlsx", None)
    assert result.ok, result.errors
    values = dict(EnteredValue.objects.values_list("cell_id", "value"))
    assert values == {"t2.licensing.decisions": Decimal("12"), "t2.fees.amount": Decimal("1234.5678")}
    assert EnteredValue.objects.get(cell_id="t2.fees.amount").source == "上传文件：教育局.xlsx"


def test_a_bad_row_imports_nothing(region):
    data = services.figures_template(region["edu"], 2024)
    filled = fill(data, {"t2.licensing.decisions": "12", "t2.penalty.decisions": "约30",
                         "t2.coercion.decisions": "-1"})
    result = services.import_figures_xlsx(region["edu"], 2024, filled, "x.xlsx", None)
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(3, "数值"), (4, "数值")]
    assert EnteredValue.objects.count() == 0
    # A legacy year has its own template: 回应解读, 机构/人员/经费, 会议和培训 …
    legacy = [r[0].value for r in template_rows(services.figures_template(region["edu"], 2018)).iter_rows(min_row=2)]
    assert "lg.org.budget" in legacy and "lg.meetings.trainees" in legacy and "lg.request.received" not in legacy
    bad = services.import_figures_xlsx(region["edu"], 2018, filled, "x.xlsx", None)
    assert not bad.ok and {e.column for e in bad.errors} == {"单元格编号"}


def test_submitted_figures_are_locked_until_reopened(region):
    figures = services.enter_figures(region["edu"], 2024, {"t2.licensing.decisions": "3"}, None)
    services.submit_figures(figures, None)
    with pytest.raises(Exception, match="已提交"):
        services.enter_figures(region["edu"], 2024, {"t2.licensing.decisions": "4"}, None)
    services.reopen_figures(figures, None)
    services.enter_figures(region["edu"], 2024, {"t2.licensing.decisions": "4"}, None)
    assert EnteredValue.objects.get().value == 4


def test_command_builds_the_checkup_json_and_check_exits_1_on_errors(region, tmp_path, capsys):
    services.enter_figures(region["edu"], 2024, {"t2.fees.amount": "2.5"}, None)
    out = tmp_path / "edu.json"
    call_command("report", "build", "--agency", "edu", "--year", "2024", "--format", "json", "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["source", "agency", "year", "format", "cells", "unreadable", "prose_figures", "findings"]
    assert (data["agency"], data["year"], data["format"], data["source"]) == ("edu", 2024, "2021", "gongkai:computed")
    assert data["cells"]["t2.fees.amount"] == "2.5" and data["cells"]["t3.granted.total"] == 0
    assert data["cells"]["t2.penalty.decisions"] is None
    with pytest.raises(CommandError, match="--out"):  # a binary format needs a file
        call_command("report", "build", "--agency", "edu", "--year", "2024", "--format", "docx")
    call_command("report", "check", "--agency", "edu", "--year", "2024")  # no errors: returns normally
    report = services.create_draft(region["edu"], 2024, [region["edu"]], None)
    services.submit(report, None)  # not a draft: the command does not recompute it
    ReportCell.objects.filter(report=report, cell_id="t3.granted.total").update(value=3)
    with pytest.raises(SystemExit) as exit_:
        call_command("report", "check", "--agency", "edu", "--year", "2024")
    assert exit_.value.code == 1
    assert "T3-E01" in capsys.readouterr().out


def test_pages_are_scoped_and_show_provenance(client, region, make_staff):
    head = make_staff("head", ("office_head", region["county"]))
    other = make_staff("other-head", ("office_head", region["other"]))
    client.force_login(head)
    response = client.post(reverse("reports:create"), {
        "agency": region["county"].pk, "year": 2024,
        "units": [region["county"].pk, region["edu"].pk, region["town"].pk]})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "平台计算" in page and "单位填报" in page and "汇总单位与填报情况" in page and "2025-01-31" in page
    figures_url = reverse("reports:figures", kwargs={"agency": region["edu"].pk, "year": 2024})
    assert client.post(figures_url, {"action": "save", "t2.licensing.decisions": "8"}).status_code == 302
    assert EnteredValue.objects.get(cell_id="t2.licensing.decisions").value == 8
    assert client.post(figures_url, {"action": "save", "t2.penalty.decisions": "abc"}).status_code == 200
    client.force_login(other)
    assert client.get(response["Location"]).status_code == 404
    assert client.get(figures_url).status_code == 404
    assert region["county"].name not in client.get(reverse("reports:index")).content.decode()
