"""End-to-end: a staff member logs in with the keyboard in headless Chromium and sees the workbench."""

import re

import pytest
from playwright.sync_api import expect

# serialized_rollback: the flush after a live-server test must not lose the migrated calendar data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_login_and_see_the_workbench(page, region, make_staff, tmp_path):
    make_staff("liu", ("office_head", region["county"]), first_name="洋", last_name="刘")
    page.goto("/workbench/")
    assert "/workbench/login/" in page.url
    page.get_by_label("用户名").fill("liu")
    page.get_by_label("密码").fill("Gongkai-test-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^https?://[^/]+/workbench/$"))
    page.screenshot(path=str(tmp_path / "workbench.png"), full_page=True)
    expect(page.get_by_role("heading", name="待办", exact=True)).to_be_visible()  # the desk is the home page
    expect(page.get_by_text("刘洋").first).to_be_visible()
    nav = page.get_by_role("navigation", name="工作台导航")
    nav.get_by_role("link", name="机构管理").click()
    expect(page.get_by_role("link", name=region["edu"].name)).to_be_visible()
    assert not page.get_by_text(region["other"].name).count()


def test_the_portal_is_usable_on_a_phone(browser, live_server, region):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 740},
                                  is_mobile=True)
    phone = context.new_page()
    phone.goto("/")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.get_by_role("link", name="跳到主要内容").count() == 1
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "跳到主要内容"
    context.close()
