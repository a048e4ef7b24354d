"""End-to-end in headless Chromium: browse to a document, search, print, and the layout on a phone."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from catalog import services

# serialized_rollback: the flush after a live-server test must not lose the migrated calendar data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def published(region, publish):
    """A policy with its interpretation, a few other items; committed, so the search index follows."""
    policy = publish(region["edu"], title="关于做好2024年秋季学期学生资助工作的通知", document_number="盐教发〔2024〕12号",
                     kind="normative_document", written_on=date(2024, 9, 2), on=date(2024, 9, 10),
                     body="<p>各学校：</p><p>现就做好家庭经济困难学生资助工作通知如下。</p>")
    reading = publish(region["edu"], title="《关于做好2024年秋季学期学生资助工作的通知》政策解读",
                      genre="interpretation", on=date(2024, 9, 10), summary="解读秋季学期学生资助政策。")
    services.link_interpretation(reading, [policy])
    publish(region["edu"], title="演示县教育局2024年部门预算公开", genre="finance", statutory_item=7,
            summary="公开2024年部门预算。", on=date(2024, 3, 1))
    publish(region["health"], title="关于开展爱国卫生月活动的通知", genre="notice", statutory_item=13,
            summary="部署爱国卫生月活动。", on=date(2024, 4, 1))
    return {"policy": policy, "reading": reading}


def test_browse_from_home_to_a_document_and_its_interpretation(page, published, tmp_path):
    page.goto("/")
    page.screenshot(path=str(tmp_path / "home-desktop.png"), full_page=True)
    page.get_by_role("link", name="演示县教育局", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("演示县教育局 · 政府信息公开")
    column_nav = page.get_by_role("navigation", name="政府信息公开栏目")
    assert column_nav.get_by_role("link").all_inner_texts() == [
        "政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开工作年度报告"]
    column_nav.get_by_role("link", name="法定主动公开内容").click()
    expect(page.get_by_role("heading", name="法定主动公开内容", level=1)).to_be_visible()
    assert page.locator("td.empty", has_text="暂无信息").count() >= 13  # empty items stay listed
    page.screenshot(path=str(tmp_path / "statutory-desktop.png"), full_page=True)
    page.get_by_role("link", name="（一）行政法规、规章和规范性文件").click()
    page.get_by_role("link", name="关于做好2024年秋季学期学生资助工作的通知", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("关于做好2024年秋季学期学生资助工作的通知")
    meta = page.locator("table.meta-table")
    for label, value in (("索引号", published["policy"].index_number), ("文号", "盐教发〔2024〕12号"),
                         ("成文日期", "2024-09-02"), ("发布日期", "2024-09-10"), ("有效性", "有效"),
                         ("发布机构", "演示县教育局"), ("主题分类", "科技、教育")):
        cell = meta.get_by_role("rowheader", name=label, exact=True).locator("xpath=following-sibling::td[1]")
        assert cell.inner_text() == value, label
    page.screenshot(path=str(tmp_path / "document-desktop.png"), full_page=True)
    page.get_by_role("link", name="《关于做好2024年秋季学期学生资助工作的通知》政策解读").first.click()
    expect(page.get_by_role("heading", name="解读的文件")).to_be_visible()
    page.get_by_role("region", name="解读的文件").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("关于做好2024年秋季学期学生资助工作的通知")


def test_search_highlights_and_opens_the_result(page, published, tmp_path):
    page.goto("/")
    page.get_by_role("search", name="站内检索").get_by_label("检索政府信息").fill("资助")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert "与“资助”相关的信息" in page.get_by_role("status").first.inner_text()
    results = page.locator("ol.search-results > li")
    assert results.count() == 2
    assert page.locator("ol.search-results mark").first.inner_text() == "资助"
    page.screenshot(path=str(tmp_path / "search-desktop.png"), full_page=True)
    results.first.get_by_role("link").first.click()
    expect(page.locator("table.meta-table")).to_be_visible()
    assert "资助" in page.get_by_role("heading", level=1).inner_text()


def test_search_inside_an_agency_column(page, published):
    page.goto("/agencies/health/")
    page.get_by_label("在本栏目中检索").fill("资助")
    page.get_by_label("在本栏目中检索").press("Enter")
    page.wait_for_url(re.compile(r"agency=health"))
    assert "共找到 0 条" in page.get_by_role("status").first.inner_text()
    expect(page.get_by_text("没有找到相关信息")).to_be_visible()


def test_print_view(page, published, tmp_path):
    page.goto(f"/documents/{published['policy'].pk}/")
    page.get_by_role("link", name="打印版").click()
    assert "print=1" in page.url
    assert page.get_by_role("navigation", name="主导航").count() == 0
    expect(page.locator("table.meta-table")).to_be_visible()
    expect(page.locator(".doc-body")).to_be_visible()
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    # The ordinary page printed from the browser hides the navigation too (print stylesheet).
    page.goto(f"/documents/{published['policy'].pk}/")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="主导航")).not_to_be_visible()
    expect(page.locator(".site-footer")).not_to_be_visible()
    expect(page.locator("table.meta-table")).to_be_visible()


def test_pages_fit_a_phone_and_work_without_javascript(browser, live_server, published, tmp_path):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 740},
                                  is_mobile=True, java_script_enabled=False)
    phone = context.new_page()
    policy = published["policy"]
    for url in ("/", "/agencies/edu/", "/agencies/edu/statutory/", "/agencies/edu/statutory/1/",
                "/agencies/edu/guide/", "/catalogue/", f"/documents/{policy.pk}/", "/search/?q=资助",
                "/api/v1/"):
        phone.goto(url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, url
        if url == "/catalogue/":
            phone.screenshot(path=str(tmp_path / "catalogue-phone.png"), full_page=True)
    phone.goto(f"/documents/{policy.pk}/")
    phone.screenshot(path=str(tmp_path / "document-phone.png"), full_page=True)
    phone.goto("/agencies/edu/")
    phone.screenshot(path=str(tmp_path / "column-phone.png"), full_page=True)
    # Searching is a plain GET form: it works with JavaScript off.
    phone.get_by_label("在本栏目中检索").fill("资助")
    phone.get_by_role("search", name="在本机关政府信息公开专栏中检索").get_by_role("button", name="检索").click()
    phone.wait_for_load_state()  # count() does not wait; the results page may still be loading (slower on PG)
    phone.locator("ol.search-results mark").first.wait_for()
    assert phone.locator("ol.search-results mark").count() >= 1
    phone.screenshot(path=str(tmp_path / "search-phone.png"), full_page=True)
    context.close()
