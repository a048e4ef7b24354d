"""End-to-end in headless Chromium, on a phone-sized screen: a 公开办 head downloads the PDF of a report over a
large tree — the link leads to the build page, 生成 queues the build (run at once by the tests' immediate task
backend), the page then offers the stored file."""

import re

import pytest
from playwright.sync_api import expect

from reports import services
from reports.services import builds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Gongkai-test-1"


def test_generate_then_download_a_large_report(page, region, make_staff, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(builds, "BACKGROUND_UNITS", 4)
    head = make_staff("county-head", ("office_head", region["county"]))
    units = [region[k] for k in ("county", "office", "edu", "health", "town")]
    report = services.create_draft(region["county"], 2024, units, head)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill("county-head")
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))
    page.goto(f"/workbench/reports/{report.pk}/")
    page.get_by_role("link", name="Excel 数据表（XLSX）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("生成Excel 数据表（XLSX）")
    expect(page.get_by_text("尚未生成")).to_be_visible()
    page.get_by_role("button", name="生成Excel 数据表（XLSX）").click()
    expect(page.get_by_text("已完成")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载Excel 数据表（XLSX）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    expect(page.get_by_role("button", name="重新生成")).to_be_visible()
