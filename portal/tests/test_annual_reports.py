"""Published 政府信息公开工作年度报告 on the portal (issue "annual report" §5): the agency's sub-column, the
region-wide list, the report page with its versions, downloads, the sitemap and the JSON API. Only published
versions are public; drafts and approved-but-unpublished reports are 404 everywhere.

The fixture publishes reports of an empty 2024 (every computed cell 0), with entered figures typed by hand,
so each expected figure below is the figure typed in."""

import io
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own responses
from datetime import date
from urllib.parse import quote

import pytest
from django.http import Http404
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from portal.annual_reports import ReportQueryError, chosen_version
from report_formats.formats import SECTION_TITLES
from reports import services
from reports.models import AnnualReport, ReportCell, ReportStatus

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HEALTH_TITLE = "演示县卫生健康局2024年政府信息公开工作年度报告"
OTHER_TITLE = "邻县教育局2024年政府信息公开工作年度报告"
EDU_TITLE = "演示县教育局2024年政府信息公开工作年度报告"
# Every section written, so that nothing is drafted from live data (reports.narrative).
NARRATIVE = {str(key): f"{title}。本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"
             for key, title in SECTION_TITLES.items()}


@pytest.fixture
def head(region, make_staff):
    return make_staff("county-head", ("office_head", region["county"]), ("office_head", region["other"]))


@pytest.fixture
def filler(region, make_staff):
    """The health bureau's clerk who types its figures: never named on the portal."""
    return make_staff("zhang-tianbao", ("office_staff", region["health"]), first_name="张", last_name="填报员")


GAPS = "部分单位本年度无相关数据，经核实后发布。"


def approved(agency, head, year=2024):
    report = services.create_draft(agency, year, [agency], head)
    AnnualReport.objects.filter(pk=report.pk).update(narrative=NARRATIVE)
    return services.approve(services.submit(report, head), head)


@pytest.fixture
def reports(region, head, filler):
    """health 2024 published 2025-01-20 (行政许可 5, 行政处罚 7 entered by the clerk); 邻县教育局 2024
    published 2025-01-25; edu 2024 approved but not published."""
    services.enter_figures(region["health"], 2024, {"t2.licensing.decisions": "5", "t2.penalty.decisions": "7"},
                           filler)
    # Entered figures are partly blank: published by the system with the reason such a report needs.
    health = services.publish(approved(region["health"], head), None, on=date(2025, 1, 20), override_reason=GAPS)
    other = services.publish(approved(region["other_edu"], head), None, on=date(2025, 1, 25), override_reason=GAPS)
    edu = approved(region["edu"], head)
    return {"health": health, "other": other, "edu": edu}


def corrected(region, report, head, filler):
    """Version 2 of health 2024: 行政许可 5 → 6, published 2025-02-10."""
    services.enter_figures(region["health"], 2024, {"t2.licensing.decisions": "6"}, filler)
    v2 = services.recompute(services.correct(report, head, "更正行政许可决定数量（5件应为6件）"), head)
    return services.publish(services.approve(services.submit(v2, head), head), None, on=date(2025, 2, 10),
                            override_reason=GAPS)


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    return response


def page_of(client, code="health", year=2024, status=200, **params):
    return get(client, reverse("portal:annual_report", args=[code, year]), status, **params)


def text(response) -> str:
    return response.content.decode()


def list_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/agencies/[\w-]+/annual-reports/\d{4}/">([^<]+)</a>', html)


def api(client, code, year, status=200, **params):
    response = get(client, reverse("portal:api_annual_report", args=[code, year]), status, **params)
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_a_published_report_is_listed_in_its_agency_column_beside_the_older_catalogue_reports(
        client, region, reports, publish):
    publish(region["health"], title="演示县卫生健康局2018年政府信息公开工作年度报告", genre="annual-report",
            statutory_item=15, on=date(2019, 3, 20))
    html = text(get(client, reverse("portal:agency_reports", args=["health"])))
    assert list_titles(html) == [HEALTH_TITLE]
    assert 'href="/agencies/health/annual-reports/2024/"' in html and "2025-01-20" in html
    # The legacy catalogue document is still there, below the platform's reports.
    assert "此前发布的年度报告" in html
    assert html.index(HEALTH_TITLE) < html.index("演示县卫生健康局2018年政府信息公开工作年度报告")
    assert "已更正" not in html
    # edu's report is approved but not published: its column has nothing.
    edu = text(get(client, reverse("portal:agency_reports", args=["edu"])))
    assert list_titles(edu) == [] and EDU_TITLE not in edu and "暂无信息" in edu


def test_the_region_list_filters_by_year_and_agency_subtree(client, reports):
    url = reverse("portal:annual_reports")
    html = text(get(client, url))
    # Same year: ordered by the agency tree (演示县 before 邻县); the unpublished edu report is absent.
    assert list_titles(html) == [HEALTH_TITLE, OTHER_TITLE] and "共 2 份" in html
    assert list_titles(text(get(client, url, agency="county"))) == [HEALTH_TITLE]  # health lies under county
    assert list_titles(text(get(client, url, agency="other"))) == [OTHER_TITLE]
    assert list_titles(text(get(client, url, year="2024", agency="health"))) == [HEALTH_TITLE]
    assert list_titles(text(get(client, url, year="2023"))) == []
    assert '<option value="2024">2024年</option>' in html


def test_the_region_list_is_linked_from_the_navigation_and_the_agency_directory(client, reports):
    assert 'href="/annual-reports/">年度报告</a>' in text(get(client, "/"))
    assert 'href="/annual-reports/"' in text(get(client, reverse("portal:agency_list")))
    nav = text(get(client, "/annual-reports/"))
    assert 'href="/annual-reports/" aria-current="page">年度报告</a>' in nav


@pytest.mark.parametrize(("params", "message"), [
    ({"year": "abc"}, "年份应在"), ({"year": "1800"}, "年份应在"), ({"year": "99999999"}, "年份应在"),
    ({"agency": "nobody"}, "没有这个机构。"), ({"agency": "<script>"}, "没有这个机构。"),
])
def test_bad_list_filters_give_a_chinese_message_and_the_unfiltered_list(client, reports, params, message):
    html = text(get(client, reverse("portal:annual_reports"), **params))
    assert message in html and 'role="alert"' in html
    assert list_titles(html) == [HEALTH_TITLE, OTHER_TITLE]
    assert "<script>" not in html.split("</head>")[1]


def test_the_report_page_shows_the_title_metadata_and_the_printed_tables(client, reports):
    response = page_of(client)
    html = text(response)
    assert f'<h1 id="report-title" class="doc-title">{HEALTH_TITLE}</h1>' in html
    meta = re.search(r'<table class="meta-table">(.*?)</table>', html, re.S).group(1)
    assert "发布机构</th><td>演示县卫生健康局</td>" in meta
    assert '2025-01-20</time>' in meta and "第1版，最新版本" in meta
    assert "索引号" not in meta  # a report has none
    # Verbatim labels of the 2021 format (docs/law/annual-report.md §2–§3) and the sections.
    for label in ("一、总体情况", "二、主动公开政府信息情况", "行政事业性收费", "本年收费金额（单位：万元）",
                  "一、本年新收政府信息公开申请数量", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                  "四、结转下年度继续办理", "本机关认真贯彻落实"):
        assert label in html, label
    assert "reports/report.css" in html
    assert "此为历史版本" not in html
    # The downloads of this version and the version history (one version, no change note).
    for fmt in ("pdf", "docx", "xlsx"):
        assert f'href="/agencies/health/annual-reports/2024/v1.{fmt}"' in html
    history = re.search(r'<table class="version-table">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r">第(\d)版</a>", history) == ["1"] and "首次发布" in history
    # The latest page may change with a correction: a short cache only.
    assert response["Cache-Control"] == "public, max-age=300"
    head = html.split("</head>")[0]
    assert f'<meta name="ArticleTitle" content="{HEALTH_TITLE}">' in head
    assert '<meta name="PubDate" content="2025-01-20">' in head
    assert '<link rel="canonical" href="http://testserver/agencies/health/annual-reports/2024/">' in head


def test_who_entered_a_figure_is_never_shown(client, reports, filler):
    html = text(page_of(client))
    for private in ("填报员", "zhang-tianbao", "单位填报", "disclosure_requests.statistics"):
        assert private not in html, private
    data = api(client, "health", 2024)
    assert "填报员" not in json.dumps(data, ensure_ascii=False) and "entered_by" not in json.dumps(data)


def test_unpublished_reports_are_not_public_anywhere(client, region, reports, head):
    page_of(client, "edu", status=404)
    page_of(client, "edu", status=404, version="1")
    api(client, "edu", 2024, status=404)
    for fmt in ("pdf", "docx", "xlsx"):
        get(client, reverse("portal:annual_report_download", args=["edu", 2024, 1, fmt]), 404)
    page_of(client, "health", 2023, status=404)
    page_of(client, "nobody", status=404)
    # A correction in progress (draft v2) is not public either: the page stays on version 1.
    v2 = services.correct(reports["health"], head, "更正")
    assert v2.status == ReportStatus.DRAFT
    page_of(client, status=404, version="2")
    get(client, reverse("portal:annual_report_download", args=["health", 2024, 2, "pdf"]), 404)
    api(client, "health", 2024, status=404, version="2")
    assert "第1版，最新版本" in text(page_of(client))
    services.approve(services.submit(v2, head), head)  # approved, still unpublished
    page_of(client, status=404, version="2")
    assert re.findall(r">第(\d)版</a>", text(page_of(client))) == ["1"]


def test_the_trend_chart_of_a_published_report_leaves_out_another_years_draft(client, region, reports, head):
    draft = services.create_draft(region["health"], 2023, [region["health"]], head)
    ReportCell.objects.filter(report=draft, cell_id="t3.received_new.total").update(value=9)
    html = text(page_of(client))
    assert "近五年主要数据" not in html and "2023年9件" not in html


def test_the_trend_chart_draws_on_a_transcribed_earlier_report(client, region, reports, head, filler):
    """A 历史数据补录 report copies a report already published on paper: its figures are public. A published
    version prints what it printed when published, so the transcription reaches the next version only."""
    services.create_entered_report(region["health"], 2023, {"t3.received_new.total": "9"}, head)
    assert "近五年主要数据" not in text(page_of(client))
    corrected(region, reports["health"], head, filler)
    html = text(page_of(client))
    assert "近五年主要数据。新收申请：2023年9件，2024年0件" in html
    assert "近五年主要数据" not in text(page_of(client, version="1"))


def test_a_correction_shows_both_versions_and_the_change_note(client, region, reports, head, filler):
    corrected(region, reports["health"], head, filler)
    html = text(page_of(client))
    assert "此为历史版本" not in html and "第2版（更正），最新版本" in html
    assert "更正说明：</strong>更正行政许可决定数量（5件应为6件）" in html
    history = re.search(r'<table class="version-table">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r">第(\d)版</a>", history) == ["2", "1"]
    assert "2025-02-10" in history and "2025-01-20" in history
    assert "更正行政许可决定数量（5件应为6件）" in history and "首次发布" in history
    assert 'href="?version=1"' in history and 'href="?version=2" aria-current="page"' in history
    # The column shows the corrected report once, with its latest date.
    column = text(get(client, reverse("portal:agency_reports", args=["health"])))
    assert list_titles(column) == [HEALTH_TITLE] and "已更正（第2版）" in column and "2025-02-10" in column
    assert list_titles(text(get(client, reverse("portal:annual_reports")))) == [HEALTH_TITLE, OTHER_TITLE]


def test_an_older_version_says_so_and_links_to_the_latest(client, region, reports, head, filler):
    corrected(region, reports["health"], head, filler)
    response = page_of(client, version="1")
    html = text(response)
    assert "此为历史版本，最新版本为第2版" in html
    assert re.search(r'<a href="/agencies/health/annual-reports/2024/">查看最新版本</a>', html)
    assert "第1版，最新版本" not in html and "<th scope=\"row\">版本</th><td>第1版</td>" in html
    assert 'href="/agencies/health/annual-reports/2024/v1.pdf"' in html
    assert 'href="?version=1" aria-current="page"' in html
    assert '<link rel="canonical" href="http://testserver/agencies/health/annual-reports/2024/?version=1">' in html
    assert response["Cache-Control"] == "public, max-age=3600"
    assert "此为历史版本" not in text(page_of(client, version="2"))


@pytest.mark.parametrize("version", ["abc", "0", "00", "-1", "1.5", "１", "v1", "1e3"])
def test_a_bad_version_is_a_chinese_400(client, reports, version):
    html = text(page_of(client, status=400, version=version))
    assert "版本号应为正整数" in html
    assert "版本号应为正整数" in api(client, "health", 2024, status=400, version=version)["detail"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.from_regex(r"\s*[0-9]{1,9}\s*", fullmatch=True)))
def test_any_version_parameter_is_a_version_a_400_or_a_404(raw):
    versions = [AnnualReport(version=2), AnnualReport(version=1)]  # newest first, as versions_of gives them
    text_ = raw.strip()
    number = int(text_) if text_.isascii() and text_.isdigit() else None
    try:
        found = chosen_version(versions, raw)
    except ReportQueryError:
        assert text_ and not number
    except Http404:
        assert number is not None and number not in (1, 2)
    else:
        assert found.version == (number if text_ else 2)


@pytest.mark.parametrize("version", ["2", "3", "99999", "9" * 5000])
def test_a_version_that_does_not_exist_is_404(client, reports, version):
    page_of(client, status=404, version=version)
    assert "尚未发布" in api(client, "health", 2024, status=404, version=version)["detail"]


def test_downloads_serve_only_published_versions_in_known_formats(client, reports):
    get(client, reverse("portal:annual_report_download", args=["health", 2024, 1, "exe"]), 404)
    get(client, reverse("portal:annual_report_download", args=["health", 2024, 1, "json"]), 404)
    get(client, reverse("portal:annual_report_download", args=["health", 2024, 2, "pdf"]), 404)
    get(client, "/agencies/health/annual-reports/2024/v1.xlsx.pdf", 404)
    expected = {"pdf": ("application/pdf", b"%PDF"),
                "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
                "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK")}
    for fmt, (content_type, magic) in expected.items():
        response = get(client, reverse("portal:annual_report_download", args=["health", 2024, 1, fmt]))
        assert response["Content-Type"] == content_type and response.content.startswith(magic), fmt
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''" + quote(f"{HEALTH_TITLE}.{fmt}")), fmt
        assert response["Cache-Control"] == "public, max-age=86400"


def test_the_public_workbook_has_the_tables_but_no_provenance_or_findings(client, reports):
    from openpyxl import load_workbook

    response = get(client, reverse("portal:annual_report_download", args=["health", 2024, 1, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    assert "单元格" not in book.sheetnames and "校验结果" not in book.sheetnames
    assert "图表" in book.sheetnames and len(book.sheetnames) >= 4  # 表二, 表三, 表四, 图表
    texts = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "一、本年新收政府信息公开申请数量" in texts and "行政许可" in texts
    assert 5 in {c.value for sheet in book for row in sheet.iter_rows() for c in row}  # 行政许可 5
    for private in ("平台计算", "单位填报", "填报员", "zhang-tianbao", "statistics"):
        assert not any(private in t for t in texts), private


def test_the_api_returns_the_cells_of_published_versions(client, region, reports, head, filler):
    data = api(client, "health", 2024)
    assert (data["agency"], data["year"], data["format"], data["version"]) == ("health", 2024, "2021", 1)
    assert data["published_on"] == "2025-01-20" and data["findings"] == []
    assert data["cells"]["t2.licensing.decisions"] == 5 and data["cells"]["t2.penalty.decisions"] == 7
    assert data["cells"]["t3.received_new.total"] == 0 and data["cells"]["t2.coercion.decisions"] is None
    assert len(data["cells"]) == 6 + 4 + 175 + 15  # every cell of the 2021 format
    assert data["url"] == "http://testserver/agencies/health/annual-reports/2024/"
    corrected(region, reports["health"], head, filler)
    latest = api(client, "health", 2024)
    assert latest["version"] == 2 and latest["cells"]["t2.licensing.decisions"] == 6
    assert latest["change_note"] == "更正行政许可决定数量（5件应为6件）"
    first = api(client, "health", 2024, version="1")
    assert first["cells"]["t2.licensing.decisions"] == 5 and first["latest_version"] == 2
    assert first["url"].endswith("/agencies/health/annual-reports/2024/?version=1")
    api(client, "nobody", 2024, status=404)


def test_the_openapi_description_lists_the_report_endpoint(client, reports):
    spec = api_openapi = json.loads(get(client, reverse("portal:api_openapi")).content)
    assert "/api/v1/annual-reports/{code}/{year}.json" in spec["paths"]
    described = set(api_openapi["components"]["schemas"]["AnnualReport"]["properties"])
    assert described == set(api(client, "health", 2024))


def test_the_sitemap_lists_published_reports_only(client, reports):
    index = ET.fromstring(get(client, reverse("portal:sitemap")).content)  # noqa: S314 - our own response
    assert any(e.text.endswith("/sitemap-annual-reports.xml") for e in index.iter(f"{SITEMAP}loc"))
    root = ET.fromstring(get(client, "/sitemap-annual-reports.xml").content)  # noqa: S314
    assert [e.text for e in root.iter(f"{SITEMAP}loc")] == [
        "http://testserver/agencies/health/annual-reports/2024/",
        "http://testserver/agencies/other-edu/annual-reports/2024/"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_report_page_reads_on_a_phone(page, reports, tmp_path):
    """390 px wide (a common phone): the page never scrolls sideways; a wide table scrolls inside its own
    wrapper, which a keyboard user can focus and which is named by the table's caption."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/agencies/health/annual-reports/2024/")
    assert page.get_by_role("heading", level=1).inner_text() == HEALTH_TITLE
    expect(page.get_by_role("heading", name="三、收到和处理政府信息公开申请情况", level=2)).to_be_visible()
    table = page.locator("table#gk-table-t3")
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name="一、本年新收政府信息公开申请数量")).to_be_visible()
    wrapper = page.locator(".gk-table-wrap").filter(has=table)
    assert wrapper.get_attribute("tabindex") == "0" and wrapper.get_attribute("role") == "region"
    assert wrapper.get_attribute("aria-labelledby") == "gk-table-t3-caption"
    box = wrapper.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] > 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if wrapper.evaluate("e => e.scrollWidth > e.clientWidth"):  # the table scrolls inside its wrapper
        wrapper.focus()
        page.keyboard.press("ArrowRight")
        # Chromium may scroll smoothly: wait for the scroll to start rather than read it at once.
        page.wait_for_function("e => e.scrollLeft > 0", arg=wrapper.element_handle(), timeout=5000)
    shot = tmp_path / "annual-report-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 390
    assert len(png) > 50_000  # a long page of text and tables, not a blank or an error page
    page.get_by_role("link", name="第1版").first.click()
    expect("?version=1" in page.url and page.locator("table.version-table")).to_be_visible()
    for url in ("/annual-reports/", "/agencies/health/annual-reports/"):  # the lists fit the phone too
        page.goto(url)
        expect(page.get_by_role("link", name=HEALTH_TITLE), url).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url


def test_the_report_pages_carry_the_site_meta_tags_once(client, reports):
    """The meta tags rule on the new page types, and the dated lists rule: every list row shows its date
    (docs/law/web.md §1)."""
    for url in ("/annual-reports/", "/agencies/health/annual-reports/", "/agencies/health/annual-reports/2024/"):
        html = text(get(client, url))
        head = html.split("</head>")[0]
        for name in ("SiteName", "SiteIDCode", "ColumnName", "ColumnType"):
            assert head.count(f'<meta name="{name}"') == 1, (url, name)
        for rows in re.findall(r'<ul class="doc-list[^"]*">(.*?)</ul>', html, re.S):
            for item in re.findall(r"<li>(.*?)</li>", rows, re.S):
                assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', item), url
    assert client.head("/agencies/health/annual-reports/2024/").status_code == 200
    assert client.post("/agencies/health/annual-reports/2024/").status_code == 405
