"""End-to-end in headless Chromium: (a) an online application from the public form, handled by staff and
followed on the public status page; (b) an in-person case through 补正 and an extension, with the due dates
counted by hand on the 2024 official calendar."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from .conftest import PLANTED_ID

# serialized_rollback: the flush after a live-server test must not lose the migrated calendar data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Gongkai-test-1"
CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_NOTICES_PDF = False  # the DOCX is downloaded below; PDF rendering is test_notices.py's


def cn_number(text: str) -> int:
    if text.startswith("十"):
        return 10 + (CN_DIGITS[text[1]] if len(text) > 1 else 0)
    return CN_DIGITS[text]


def solve(question: str) -> int:
    a, op, b = re.search(r"([一二三四五六七八九十]+)([加减])([一二三四五六七八九十]+)", question).groups()
    return cn_number(a) + cn_number(b) if op == "加" else cn_number(a) - cn_number(b)


def log_in(page, username):
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))


def log_out(page):
    page.get_by_role("button", name="退出").click()


def act(page, key, fields=None, button=None):
    """Open an action's disclosure widget on the case page, fill it in and submit it."""
    box = page.locator(f"#action-{key}")
    box.locator("summary").click()
    for label, value in (fields or {}).items():
        box.get_by_label(label, exact=True).fill(value)
    box.get_by_role("button", name=button or box.locator("summary").inner_text()).click()


def test_online_application_handled_and_followed_by_the_applicant(page, region, handlers, tmp_path):
    # The applicant: choose the agency, fill in the form, answer the question.
    page.goto("/apply/")
    page.get_by_role("link", name="向演示县教育局申请").click()
    page.get_by_label("申请人类型").select_option("natural_person")
    page.get_by_label("姓名或名称").fill("马文静")
    page.get_by_label("身份证明号码").fill(PLANTED_ID)
    page.get_by_label("联系电话").fill("13995123456")
    page.get_by_label("电子邮箱").fill("mwj@example.cn")
    page.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").fill("2024年学生资助资金分配文件")
    question = page.locator("label[for=id_answer]").inner_text()
    page.get_by_label(re.compile("验证问题")).fill(str(solve(question)))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/apply/receipt/$"))
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number, code = (page.locator(".receipt .code").nth(i).inner_text() for i in range(2))
    assert re.fullmatch(r"EDU-\d{4}-\d{4}", number) and len(code) == 8
    assert PLANTED_ID not in page.content()
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)

    # Staff: confirm receipt, start, reply.
    log_in(page, handlers["handler"].username)
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="依申请公开").click()
    page.get_by_role("region", name=re.compile("待确认")).get_by_role("link", name=number).click()
    act(page, "confirm")
    expect(page.get_by_text("已确认收到申请")).to_be_visible()
    page.get_by_role("button", name="开始办理").click()
    expect(page.get_by_text("已开始办理。")).to_be_visible()
    box = page.locator("#action-reply")
    box.locator("summary").click()
    box.get_by_label("办理结果", exact=True).select_option("granted")
    box.get_by_label("法律依据").fill("《中华人民共和国政府信息公开条例》第三十六条第（二）项")
    box.get_by_role("button", name="答复并办结").click()
    expect(page.get_by_text("已答复并办结。")).to_be_visible()
    page.screenshot(path=str(tmp_path / "closed.png"), full_page=True)

    # The reply notice (disclosure_requests.notices) is generated and downloaded from the case page.
    notice = page.locator("#action-notice_issue")
    notice.locator("summary").click()
    notice.get_by_label("文书").select_option("reply")
    notice.get_by_role("button", name="生成文书").click()
    expect(page.get_by_text("文书已生成并归档。")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载 DOCX")).first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith(number) and saved.read_bytes()[:2] == b"PK"
    log_out(page)

    # The applicant looks the case up: closed, with its outcome, and nothing personal.
    page.goto("/apply/status/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    result = page.get_by_role("region", name=f"受理编号 {number}")
    expect(result.get_by_text("已办结")).to_be_visible()
    expect(result.get_by_text("已同意公开")).to_be_visible()  # plain words, not the 表三 row
    for secret in (PLANTED_ID, "13995123456", "马文静"):
        assert secret not in page.content()


def test_in_person_case_with_correction_and_extension(page, region, handlers, tmp_path):
    log_in(page, handlers["handler"].username)
    page.goto("/workbench/requests/new/")
    page.get_by_label("当面", exact=True).check()
    page.get_by_label("提交日期（口头申请为代为填写之日）").fill("2024-09-10")
    page.get_by_label("申请人类型").select_option("natural_person")
    page.get_by_label("姓名或名称").fill("马文静")
    page.get_by_label("身份证明号码").fill(PLANTED_ID)
    page.get_by_label("联系电话").fill("13995123456")
    page.get_by_label("电子邮箱").fill("mwj@example.cn")
    page.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").fill("2024年学生资助资金分配文件")
    page.get_by_role("button", name="登记").click()
    case_url = page.url
    # Received 2024-09-10 (Tue). 20 working days from the next day: 9-11 (1), 9-12 (2), 9-13 (3),
    # 9-14 Sat make-up day (4); 中秋 9-15…17 off; 9-18…20 (7), 9-23…27 (12), 9-29 Sun make-up (13), 9-30 (14);
    # 国庆 10-1…7 off; 10-8…11 (18), 10-12 Sat make-up (19), 10-14 (20) → 2024-10-14.
    expect(page.locator(".due-date").get_by_text("2024-10-14")).to_be_visible()

    # 补正 on 9-12 (the 2nd working day: within 7), period until 9-20; the clock stops.
    act(page, "correction_request", {"需要补正的事项（逐项列明）": "请写明所需文件的年份和名称", "补正期限": "2024-09-20",
                                     "告知日期": "2024-09-12"})
    expect(page.get_by_text("待补正").first).to_be_visible()
    expect(page.locator(".due-date")).to_have_count(0)

    # Corrected application received 9-24 (Tue): the period runs again in full from 9-24:
    # 9-25…27 (3), 9-29 Sun make-up (4), 9-30 (5); 国庆 off; 10-8…11 (9), 10-12 Sat make-up (10),
    # 10-14…18 (15), 10-21…25 (20) → 2024-10-25.
    act(page, "correction_received", {"收到补正申请之日": "2024-09-24"})
    expect(page.locator(".due-date").get_by_text("2024-10-25")).to_be_visible()
    expect(page.locator("#action-extend")).to_have_count(0)  # a handler cannot approve an extension
    log_out(page)

    # The head of the 公开办 approves 20 more working days on 10-21, notified 10-22 (before 10-25):
    # 40 working days from 9-24 — after 10-25 (20): 10-28…11-1 (25), 11-4…8 (30), 11-11…15 (35),
    # 11-18…22 (40) → 2024-11-22.
    log_in(page, handlers["head"].username)
    page.goto(case_url)
    act(page, "extend", {"延长工作日数": "20", "理由": "需要调取多个学校的档案", "批准日期": "2024-10-21",
                         "告知申请人日期": "2024-10-22"})
    expect(page.get_by_text("已延长答复期限。")).to_be_visible()
    expect(page.locator(".due-date").get_by_text("2024-11-22")).to_be_visible()
    expect(page.get_by_text("延长 20 个工作日：2024-10-21 经gkb-head批准，2024-10-22 告知申请人")).to_be_visible()
    page.screenshot(path=str(tmp_path / "extended.png"), full_page=True)


def test_the_public_pages_fit_a_phone(browser, live_server, region, tmp_path):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 740},
                                  is_mobile=True)
    phone = context.new_page()
    for path in ("/apply/", f"/apply/agencies/{region['edu'].code}/", "/apply/status/"):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, path
    # The form is usable from the keyboard alone: the first field takes the focus after the skip link.
    phone.goto(f"/apply/agencies/{region['edu'].code}/")
    phone.screenshot(path=str(tmp_path / "apply-phone.png"), full_page=True)
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_role("alert")).to_contain_text("请修改以下内容后重新提交")
    context.close()


def test_the_request_queue_is_a_list_of_cards_on_a_phone(browser, live_server, in_person, handlers, tmp_path):
    """On a phone the staff's request table becomes one card per case, each value under its column's name,
    with nothing wider than the screen (issue 19, accessibility)."""
    case = in_person(date(2024, 9, 2))
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 740},
                                  is_mobile=True)
    phone = context.new_page()
    log_in(phone, handlers["handler"].username)
    phone.goto("/workbench/requests/")
    row = phone.locator("table.stacks-on-phone tbody tr", has_text=case.tracking_number).first
    expect(row).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    agency_cell = row.locator('td[data-label="受理机关"]')
    label = agency_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"受理机关"'
    box = agency_cell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    phone.screenshot(path=str(tmp_path / "queue-phone.png"), full_page=True)
    context.close()
