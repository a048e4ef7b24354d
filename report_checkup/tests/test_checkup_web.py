"""年报体检 in the workbench (/workbench/checkup/): uploads of the synthetic pre-2019 reports give their findings
per report and a table across agencies; a file that cannot be read gets its Chinese reason and does not stop
the others; another county's staff cannot open a batch; the published reports of the subtree are checked;
the XLSX/JSON downloads are those of `gongkai checkup`; arbitrary bytes never give a 500."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from appeals.models import Appeal
from audit.models import AuditEntry
from catalog.tests.conftest import draft_fields, genres, topic  # noqa: F401 - fixtures
from report_checkup import services as checkup
from report_checkup.models import CheckedReport, CheckedStatus, CheckupBatch, CheckupBatchStatus
from report_formats.tests import legacy_reports as L
from reports import services

from . import test_importers_fixtures as X

pytestmark = pytest.mark.django_db

PREFECTURE, COUNTY, PROSE, TOWNSHIP, POLICY = (L.PREFECTURE_FILE, L.COUNTY_FILE, L.PROSE_FILE, L.TOWNSHIP_FILE,
                                               L.POLICY_FILE)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def staff(region, make_staff):
    # 公开办 staff (REPORTS_COMPILE over the county's subtree, no approval rights).
    return make_staff("county-staff", ("office_staff", region["county"]))


def _upload(client, agency, files):
    return client.post(reverse("report_checkup:index"), {"source": "upload", "agency": agency.pk, "files": files})


def _codes(row: CheckedReport) -> set[str]:
    return {f["code"] for f in row.result["findings"]}


def _pre_2019_files():
    return [SimpleUploadedFile(d.name, d.data, content_type="text/plain") for d in L.all_documents()]


def test_pre_2019_upload_gives_findings_per_report_and_a_table_across_agencies(client, region, staff):
    client.force_login(staff)
    response = _upload(client, region["county"], [*_pre_2019_files(), SimpleUploadedFile("scan.jpg", PNG)])
    batch = CheckupBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_checkup:batch", args=[batch.pk])
    assert (batch.total, batch.processed, batch.failed, batch.status) == (6, 6, 1, CheckupBatchStatus.DONE)
    assert batch.agency == region["county"] and batch.created_by == staff
    rows = {r.file_name: r for r in batch.reports.all()}
    assert all(len(r.sha256) == 64 for r in rows.values())

    prefecture = rows[PREFECTURE]
    assert (prefecture.detected_agency, prefecture.year, prefecture.format) == (L.PREFECTURE, 2017, "legacy")
    e05 = [f for f in prefecture.result["findings"] if f["code"] == "LG-E05"]
    assert len(e05) == 1 and e05[0]["severity"] == "error" and "lg.review.total" in e05[0]["cells"]
    assert {"LG-W01", "T-W02", "T-I04"} <= _codes(prefecture)
    assert {"LG-W01", "annotated_cell", "missing_row"} <= _codes(rows[COUNTY])
    assert "D-W01" in _codes(rows[PROSE]) and rows[TOWNSHIP].format == "local"
    assert "IMP-W12" in _codes(rows[POLICY])
    scan = rows["scan.jpg"]
    # A picture is read by OCR (a scanned page); this one holds no text, so it is listed with the reason.
    assert scan.status == CheckedStatus.FAILED and scan.error.startswith("文件无法读取（扫描图像）")

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "已处理 6 / 6 份" in html and "其中 1 份无法读取" in html
    assert "文件无法读取（扫描图像）" in html
    # Per report: the 行政复议 total ≠ 维持 + 纠错 + 其他 error with its cell label and where it was read.
    assert "行政复议数量" in html and "LG-E05" in html
    # The table across agencies: the prefecture's requests, reviews and lawsuits; the county had none.
    values = L.prefecture_values()
    figures = [values["lg.request.received"], values["lg.review.total"], values["lg.suit.total"]]
    table = {e["report"].file_name: e["figures"] for e in page.context["view"].table}
    assert table[PREFECTURE] == [Decimal(n) for n in figures]
    assert table[COUNTY] == [Decimal(0), Decimal(0), Decimal(0)]
    assert table[PROSE] == [None, None, None]  # prose only: nothing read, never 0
    row = re.search(rf'<a href="#r\d+">{L.PREFECTURE}</a></th><td>2017</td><td>2014年统计表</td>'
                    r'\s*<td class="num sev-error">1</td>.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row)[-3:] == [str(n) for n in figures]
    # Sorted by year (newest first): the 2018 reports come before the 2017 one.
    assert [e["report"].year for e in page.context["view"].table][:4] == [2018, 2018, 2018, 2017]


def test_unusable_files_get_a_chinese_reason_and_do_not_stop_the_others(client, region, staff):
    client.force_login(staff)
    files = [SimpleUploadedFile("big.txt", b"a" * (checkup.MAX_FILE_BYTES + 1)),
             SimpleUploadedFile("empty.txt", b""),
             SimpleUploadedFile("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
             SimpleUploadedFile("broken.pdf", b"%PDF-1.4\n garbage"),
             SimpleUploadedFile("report.html", X.as_html().encode("utf-8")),
             SimpleUploadedFile("report-gbk.txt", X.as_tsv().encode("gb18030"))]
    response = _upload(client, region["edu"], files)
    batch = CheckupBatch.objects.get()
    assert response.status_code == 302
    assert (batch.total, batch.processed, batch.failed) == (6, 6, 4)
    rows = {r.file_name: r for r in batch.reports.all()}
    assert rows["big.txt"].error == "文件过大（20.0 MB），每个文件不能超过20 MB，未读取。"
    assert rows["big.txt"].sha256 == ""  # never read
    assert rows["empty.txt"].error == "文件为空"
    assert rows["old.doc"].error.startswith("不支持的文件类型（.doc）：这是旧版 Word/WPS（.doc/.wps）文件：请另存为 DOCX 或 PDF")
    assert rows["broken.pdf"].error.startswith("文件无法读取（pdf）")
    for name in ("report.html", "report-gbk.txt"):
        ok = rows[name]
        assert (ok.status, ok.detected_agency, ok.year, ok.format, ok.errors) == (
            CheckedStatus.DONE, X.AGENCY, X.YEAR, "2021", 0)
        assert ok.result["cells"]["t3.granted.total"] == 21 and ok.result["cells"]["t2.fees.amount"] == "7730.28"
    # The same report twice in one year by the same agency: not a D-W06 pair (same agency, same year).
    assert "D-W06" not in _codes(rows["report.html"])
    html = client.get(reverse("report_checkup:batch", args=[batch.pk])).content.decode()
    assert "已处理 6 / 6 份" in html and "其中 4 份无法读取" in html and "文件为空" in html
    # Per report: cells read of cells expected, per table; 未能读取 is not counted as an error.
    assert "未能读取 0 个（不计为错误）；各表读到/应有：表二 10/10，表三 175/175，表四 15/15" in html
    entries = AuditEntry.objects.filter(object_type="report_checkup.checkupbatch", object_id=str(batch.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["report_checkup.batch.create", "report_checkup.batch.finish"]
    assert entries.get(action="report_checkup.batch.finish").after == {"processed": 6, "failed": 4}


def test_duplicate_wording_across_the_batch(client, region, staff):
    """Two agencies' 2023 reports with the same text (only the title differs) are 内容雷同 (D-W06); a third
    agency's report of another year is not compared with them."""
    client.force_login(staff)
    text = X.as_tsv()
    files = [SimpleUploadedFile("a.txt", text.replace(X.AGENCY, "甲县人民政府办公室").encode()),
             SimpleUploadedFile("b.txt", text.replace(X.AGENCY, "乙县人民政府办公室").encode()),
             SimpleUploadedFile("c.txt", text.replace(X.AGENCY, "丙县人民政府办公室").replace("2023", "2022").encode())]
    _upload(client, region["county"], files)
    batch = CheckupBatch.objects.get()
    rows = {r.file_name: r for r in batch.reports.all()}
    assert "D-W06" in _codes(rows["a.txt"]) and "D-W06" in _codes(rows["b.txt"])
    assert "D-W06" not in _codes(rows["c.txt"])
    assert rows["a.txt"].warnings == sum(1 for f in rows["a.txt"].result["findings"] if f["severity"] == "warning")
    page = client.get(reverse("report_checkup:batch", args=[batch.pk]))
    assert [(d["report"].file_name, "《b.txt》（乙县人民政府办公室2023）" in d["message"])
            for d in page.context["view"].duplicates][:1] == [("a.txt", True)]
    assert len(page.context["view"].duplicates) == 2 and "可能存在“内容雷同”" in page.content.decode()


def test_no_file_and_too_many_files_are_refused_and_change_nothing(client, region, staff):
    client.force_login(staff)
    response = _upload(client, region["county"], [])
    assert response.status_code == 400 and "请选择要体检的报告文件。" in response.content.decode()
    many = [SimpleUploadedFile(f"r{i}.txt", b"x") for i in range(checkup.MAX_FILES + 1)]
    response = _upload(client, region["county"], many)
    assert response.status_code == 400 and "一次最多上传100个文件（本次101个），请分批上传。" in response.content.decode()
    assert CheckupBatch.objects.count() == 0
    # The service refuses it too (another caller, or a raised Django limit).
    with pytest.raises(Exception, match="一次最多上传100个文件"):
        checkup.check_uploads(staff, region["county"], many)
    assert CheckupBatch.objects.count() == 0


def test_a_batch_of_another_county_is_refused(client, region, make_staff, staff):
    client.force_login(staff)
    _upload(client, region["edu"], [SimpleUploadedFile("report.html", X.as_html().encode())])
    batch = CheckupBatch.objects.get()
    neighbour = make_staff("neighbour-head", ("office_head", region["other"]))
    client.force_login(neighbour)
    for name in ("report_checkup:batch", "report_checkup:xlsx", "report_checkup:json"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert f'href="{reverse("report_checkup:batch", args=[batch.pk])}"' not in \
        client.get(reverse("report_checkup:index")).content.decode()
    # The neighbour cannot start a batch for the first county either.
    response = _upload(client, region["county"], [SimpleUploadedFile("r.txt", b"x")])
    assert response.status_code == 400 and CheckupBatch.objects.count() == 1
    # A department editor has no checkup at all.
    editor = make_staff("edu-editor", ("editor", region["edu"]))
    client.force_login(editor)
    assert client.get(reverse("report_checkup:index")).status_code == 403
    assert client.get(reverse("report_checkup:batch", args=[batch.pk])).status_code in (403, 404)


def _published(agency, year, reviews_upheld: int, head):
    for n in range(reviews_upheld):
        Appeal.objects.create(agency=agency, kind="review", subject=f"不服答复{n}", body="演示县人民政府",
                              filed_on=date(year, 3, 1 + n), result="upheld", decided_on=date(year, 5, 1))
    report = services.create_draft(agency, year, [agency], head)
    # Blank entered figures: published by the system with the recorded reason (the drafter may not confirm).
    return services.publish(services.approve(services.submit(report, head), head), None, on=date(year + 1, 1, 20),
                            override_reason="演示：部分单位无相关数据。")


def test_published_reports_of_the_subtree_with_year_on_year_chart(client, region, head, settings, tmp_path,
                                                                   genres, draft_fields):  # noqa: F811
    from catalog import services as catalog

    settings.MEDIA_ROOT = tmp_path
    old = _published(region["edu"], 2022, 1, head)
    new = _published(region["edu"], 2023, 2, head)
    _published(region["other_edu"], 2023, 3, None)  # another county: never in this batch
    draft = services.create_draft(region["health"], 2023, [region["health"]], head)  # not published: not checked
    document = catalog.create_draft(publisher=region["town"], **draft_fields(
        title=f"{X.AGENCY}{X.YEAR}年政府信息公开工作年度报告", genre=genres["annual-report"], kind="other",
        document_number="")).document
    catalog.add_attachment(document, name="年度报告.txt", content=X.as_tsv().encode("utf-8"))
    catalog.import_published(document, published_on=date(2024, 1, 15))

    client.force_login(head)
    response = client.post(reverse("report_checkup:index"), {"source": "published", "pub-agency": region["county"].pk,
                                                            "pub-year": ""})
    batch = CheckupBatch.objects.get()
    assert response.status_code == 302 and batch.source == "published" and batch.total == 3
    rows = list(batch.reports.order_by("position"))
    assert [(r.origin, r.annual_report_id, r.detected_agency, r.year, r.format) for r in rows] == [
        ("platform", old.pk, "演示县教育局", 2022, "2021"), ("platform", new.pk, "演示县教育局", 2023, "2021"),
        ("catalogue", None, X.AGENCY, X.YEAR, "2021")]
    assert draft.pk not in [r.annual_report_id for r in rows]
    assert rows[1].result["cells"]["t4.review.upheld"] == 2 and rows[1].result["cells"]["t4.review.total"] == 2
    assert rows[2].result["cells"]["t2.fees.amount"] == "7730.28" and rows[2].size == len(X.as_tsv().encode())

    page = client.get(reverse("report_checkup:batch", args=[batch.pk]))
    html = page.content.decode()
    yoy = page.context["view"].year_on_year
    assert [(a.name, a.years) for a in yoy] == [("演示县教育局", [2022, 2023])]
    assert [r["figures"] for r in yoy[0].rows] == [[0, 1, 0], [0, 2, 0]]
    assert '<svg role="img"' in html and "演示县教育局历年主要数据" in html
    assert "行政复议：2022年1件，2023年2件" in html  # the chart's description, beside it

    # One year only: the 2023 reports, and the catalogue document whose title names 2023.
    client.post(reverse("report_checkup:index"), {"source": "published", "pub-agency": region["county"].pk,
                                                 "pub-year": "2023"})
    assert CheckupBatch.objects.latest("pk").total == 2
    # Nothing published there: a clear message, no batch.
    response = client.post(reverse("report_checkup:index"), {"source": "published", "pub-agency": region["town"].pk,
                                                            "pub-year": "2019"})
    assert response.status_code == 400 and "还没有已发布的年度报告" in response.content.decode()
    assert CheckupBatch.objects.count() == 2


def test_year_on_year_from_uploads_with_the_platform_history(client, region, head):
    """An uploaded report whose agency is in the platform is compared with the platform's published years."""
    _published(region["edu"], 2022, 1, head)
    text = X.as_tsv().replace(X.AGENCY, "演示县教育局")
    client.force_login(head)
    _upload(client, region["county"], [SimpleUploadedFile("edu-2023.txt", text.encode())])
    batch = CheckupBatch.objects.get()
    assert batch.reports.get().agency == region["edu"]
    yoy = checkup.batch_view(batch, charts=False).year_on_year
    assert [(a.name, [r["source"] for r in a.rows]) for a in yoy] == [
        ("演示县教育局", ["平台：第1版", "本批：edu-2023.txt"])]
    # 2023 from the upload: the fixture's 37 new requests.
    assert yoy[0].rows[1]["figures"][0] == 37


def test_downloads_are_the_command_line_outputs(client, region, staff):
    from openpyxl import load_workbook

    client.force_login(staff)
    _upload(client, region["edu"], [SimpleUploadedFile("report.html", X.as_html().encode()),
                                    SimpleUploadedFile("scan.png", PNG)])
    batch = CheckupBatch.objects.get()
    response = client.get(reverse("report_checkup:json", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert [d["source"] for d in data] == ["report.html", "scan.png"]
    assert data[0]["agency"] == X.AGENCY and data[0]["cells"]["t3.granted.total"] == 21
    assert data[1]["findings"][0]["code"] == "IMP-E02" and "文件无法读取（扫描图像）" in data[1]["findings"][0]["message"]
    response = client.get(reverse("report_checkup:xlsx", args=[batch.pk]))
    assert response.status_code == 200 and f'filename="checkup-{batch.pk}.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["报告", "问题", "单元格"]
    sheet = list(book["报告"].values)
    assert sheet[1][:4] == ("report.html", X.AGENCY, X.YEAR, "2021年格式") and sheet[1][4] == 0
    assert sheet[2][0] == "scan.png" and sheet[2][4] == 1


def test_navigation_and_report_list_link_to_the_checkup(client, region, staff):
    client.force_login(staff)
    url = reverse("report_checkup:index")
    assert f'href="{url}"' in client.get(reverse("reports:index")).content.decode()
    assert f'<a href="{url}">年报体检</a>' in client.get(reverse("workbench:home")).content.decode()


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=3000), st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04junk", b"\xef\xbb\xbf"]),
                      st.text(max_size=400).map(lambda t: t.encode("utf-8"))),
       suffix=st.sampled_from(["txt", "html", "pdf", "docx", "doc", "bin", ""]))
def test_arbitrary_bytes_give_a_result_or_a_per_file_error(client, region, staff, data, suffix):
    client.force_login(staff)
    before = CheckupBatch.objects.count()
    name = f"upload.{suffix}" if suffix else "upload"
    response = _upload(client, region["edu"], [SimpleUploadedFile(name, data),
                                               SimpleUploadedFile("good.html", X.as_html().encode())])
    assert response.status_code == 302
    batch = CheckupBatch.objects.latest("pk")
    assert CheckupBatch.objects.count() == before + 1 and (batch.processed, batch.total) == (2, 2)
    row = batch.reports.get(position=1)
    assert (row.status == CheckedStatus.FAILED and row.error) or (row.status == CheckedStatus.DONE and row.result)
    assert batch.reports.get(position=2).status == CheckedStatus.DONE
    assert client.get(reverse("report_checkup:batch", args=[batch.pk])).status_code == 200
