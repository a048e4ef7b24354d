"""End-to-end: the 公开办 head opens 网站监测 from the menu, runs the checks with the button (no JavaScript
needed) and drills down from the traffic light to the offending document."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_run_and_drill_down(page, region, make_staff, doc, tmp_path):
    stale = doc("edu", "news", 400)  # far older than any threshold, whatever today is
    make_staff("liu", ("office_head", region["county"]), first_name="洋", last_name="刘")
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill("liu")
    page.get_by_label("密码").fill("Gongkai-test-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="网站监测").click()
    expect(page.get_by_role("heading", name="网站监测", exact=True)).to_be_visible()
    page.get_by_role("button", name="立即监测").click()
    page.wait_for_url(re.compile(r"/workbench/monitoring/$"))
    expect(page.get_by_role("status").get_by_text("监测已完成")).to_be_visible()
    expect(page.get_by_role("img", name="每次监测发现的问题数")).to_be_visible()
    page.screenshot(path=str(tmp_path / "monitoring.png"), full_page=True)
    row = page.get_by_role("row", name=re.compile(region["edu"].name))
    expect(row.get_by_text("不合格")).to_be_visible()
    row.get_by_role("link", name=region["edu"].name).click()
    page.get_by_role("link", name=stale.title).first.click()
    page.wait_for_url(re.compile(rf"/workbench/documents/{stale.pk}/$"))
    assert not page.get_by_text(region["other"].name).count()
