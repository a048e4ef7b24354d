"""End-to-end in headless Chromium: a citizen writes to the 县长信箱, keeps the code, staff screen and
answer, and the citizen follows the case with the code; no personal data on the public pages."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from mailboxes.models import Letter, Mailbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Gongkai-test-1"
CN = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _n(text):
    return 10 + (CN[text[1]] if len(text) > 1 else 0) if text.startswith("十") else CN[text]


def solve(label):
    a, op, b = re.search(r"([一二三四五六七八九十]+)([加减])([一二三四五六七八九十]+)", label).groups()
    return _n(a) + _n(b) if op == "加" else _n(a) - _n(b)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


def answer_check(page):
    label = page.locator("label", has_text="验证问题").first.inner_text()
    page.get_by_label(re.compile("验证问题")).fill(str(solve(label)))


def test_write_a_letter_and_follow_it(page, region, make_staff):
    Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")
    make_staff("office", ("office_head", region["county"]))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/letters/")
    page.get_by_role("link", name="县长信箱").click()
    page.get_by_label("姓名", exact=True).fill("马文静")
    page.get_by_label("联系电话", exact=True).fill("13995123456")
    page.get_by_label("通信地址（选填）").fill("盐池县盐州路88号")
    page.get_by_label("咨询", exact=True).check()
    page.get_by_label("标题", exact=True).fill("小学报名时间")
    page.get_by_label("来信内容", exact=True).fill("请问今年小学一年级什么时候报名？")
    page.get_by_role("radio", name=re.compile("同意在网站公开")).check()
    answer_check(page)
    page.get_by_role("button", name="提交来信").click()
    expect(page.get_by_role("heading", name="来信已提交")).to_be_visible()
    number = page.locator(".receipt dd .code").nth(0).inner_text()
    code = page.locator(".receipt dd .code").nth(1).inner_text()
    assert "13995123456" not in page.content()

    # Staff screen and answer.
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))
    page.goto("/workbench/letters/")
    page.get_by_role("link", name=number).first.click()
    page.locator("#action-screen summary").click()
    page.locator("#action-screen").get_by_label("有效来信").check()
    page.locator("#action-screen").get_by_role("button", name="甄别").click()
    expect(page.get_by_text(re.compile("已甄别为有效来信，答复期限"))).to_be_visible()
    page.locator("#action-reply summary").click()
    page.locator("#action-reply").get_by_label("答复内容").fill("您好，报名时间为每年7月上旬。")
    page.locator("#action-reply").get_by_role("button", name="答复").click()
    expect(page.get_by_text(re.compile(r"已答复（.*在答复期限内）"))).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # The writer follows the case with the code.
    page.goto("/letters/status/")
    page.get_by_label("来信编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("已答复", exact=True)).to_be_visible()
    expect(page.get_by_text("报名时间为每年7月上旬")).to_be_visible()
    body = page.content()
    assert "13995123456" not in body and "盐州路" not in body and "马文静" not in body
    assert Letter.objects.get(number=number).replied_on == timezone.localdate()


def test_comment_on_a_draft(page, region):
    from consultations import services

    today = timezone.localdate()
    c = services.create_consultation(agency=region["county"], title="城市绿化管理办法（征求意见稿）", kind="other",
                                     draft_text="第一条 为了加强城市绿化管理……", opens_on=today - timedelta(days=1),
                                     closes_on=today + timedelta(days=10))
    services.publish_consultation(c)
    page.goto("/consultations/")
    page.get_by_role("link", name="城市绿化管理办法（征求意见稿）").click()
    expect(page.get_by_text("第一条 为了加强城市绿化管理")).to_be_visible()
    page.get_by_label("您的意见").fill("建议增加古树名木保护条款。")
    page.get_by_label("联系方式（选填，不公开）").fill("13995123456")
    answer_check(page)
    page.get_by_role("button", name="提交意见").click()
    expect(page.get_by_text("您的意见已提交")).to_be_visible()
    assert c.comments.get().body == "建议增加古树名木保护条款。"
    assert "13995123456" not in page.content()
