"""The applicant's side end to end in headless Chromium (issue 19): the citizen submits online choosing 在线下载,
is told of the 补正 by e-mail (Django's mail outbox) with its items, answers it online with a text and a file,
staff see the answer and reply with a released file, the citizen is told the reply is ready, downloads the
letter and the file, and the first download is recorded as the 送达 on the case."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from disclosure_requests.models import DisclosureRequest
from gongkai.tests.test_accessibility_browser import axe_violations

from .conftest import PLANTED_ID
from .test_browser import act, log_in, log_out, solve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    mail.outbox.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_NOTICES_PDF = False  # the letter is the DOCX here; PDF rendering is test_notices.py's
    settings.GONGKAI_SITE_URL = "https://gk.example.gov.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def from_the_desk(page, kind, number):
    """Staff start from the 待办 desk: the case waits under `kind` (workbench.desk) and its row opens it."""
    page.goto("/workbench/")
    waiting = page.locator(f'[data-desk="{kind}"]')
    expect(waiting).to_contain_text(number)
    waiting.get_by_role("link", name=re.compile(re.escape(number))).click()
    expect(page.get_by_text(number).first).to_be_visible()


def look_up(page, number, code):
    page.goto(f"/apply/status/?number={number}")
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=f"受理编号 {number}")).to_be_visible()


def test_citizen_answers_the_correction_online_and_downloads_the_reply(page, region, handlers, tmp_path):
    # The citizen applies online and asks for the information by 在线下载.
    page.goto(f"/apply/agencies/{region['edu'].code}/")
    page.get_by_label("申请人类型").select_option("natural_person")
    page.get_by_label("姓名或名称").fill("马文静")
    page.get_by_label("身份证明号码").fill(PLANTED_ID)
    page.get_by_label("联系电话").fill("13995123456")
    page.get_by_label("电子邮箱").fill("mwj@example.cn")
    page.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").fill("学生资助的文件")
    page.get_by_label("在线下载").check()
    question = page.locator("label[for=id_answer]").inner_text()
    page.get_by_label(re.compile("验证问题")).fill(str(solve(question)))
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number, code = (page.locator(".receipt .code").nth(i).inner_text() for i in range(2))
    assert any(number in m.subject and "已提交" in m.subject for m in mail.outbox)
    case = DisclosureRequest.objects.get(tracking_number=number)

    # Staff confirm receipt and ask for a 补正 listing two items.
    today = timezone.localdate()
    log_in(page, handlers["handler"].username)
    from_the_desk(page, "requests_submitted", number)  # 待确认的申请
    act(page, "confirm")
    expect(page.get_by_text("已确认收到申请")).to_be_visible()
    act(page, "correction_request", {"需要补正的事项（逐项列明）": "1. 请写明文件的年份\n2. 请写明发文机关或文号",
                                     "补正期限": (today + timedelta(days=14)).isoformat()})
    expect(page.get_by_text("已告知补正")).to_be_visible()
    log_out(page)

    # The 补正 notice reached the applicant's mailbox, with its items and a link to the case (never the code).
    notice = next(m for m in mail.outbox if "请补正" in m.subject)
    assert notice.to == ["mwj@example.cn"]
    assert "1. 请写明文件的年份" in notice.body and "2. 请写明发文机关或文号" in notice.body
    assert f"https://gk.example.gov.cn/apply/status/?number={number}" in notice.body and code not in notice.body

    # The citizen opens the case with number + code, sees the items and answers online with a file.
    look_up(page, number, code)
    expect(page.get_by_text("请写明文件的年份")).to_be_visible()
    expect(page.get_by_text("请写明发文机关或文号")).to_be_visible()
    page.get_by_role("button", name="提交补正").click()
    expect(page.get_by_role("alert")).to_contain_text("请填写补正后的申请内容，或上传补正材料。")
    assert axe_violations(page) == []  # axe-core, WCAG 2.1 A/AA: the case page with its form and an error
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # usable on a phone
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("补正后的申请内容").fill("2023年度学生资助资金分配文件，县教育局发文")
    page.get_by_label("补正材料（选填）").set_input_files(
        files=[{"name": "补充说明.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="提交补正").click()
    timeline = page.get_by_role("region", name="办理过程")
    expect(timeline.get_by_text("您在线提交了补正")).to_be_visible()
    expect(timeline.get_by_text("2023年度学生资助资金分配文件，县教育局发文")).to_be_visible()
    expect(page.get_by_role("heading", name="在线补正")).to_have_count(0)
    for secret in (PLANTED_ID, "13995123456", "马文静", "mwj@example.cn"):
        assert secret not in page.content()
    page.screenshot(path=str(tmp_path / "corrected.png"), full_page=True)

    # Staff see the answer on the case (it waits on the desk as 已收到补正) and reply, releasing a file.
    log_in(page, handlers["handler"].username)
    from_the_desk(page, "requests_corrected", number)
    expect(page.get_by_text("2023年度学生资助资金分配文件，县教育局发文").first).to_be_visible()
    expect(page.get_by_role("link", name="补充说明.pdf")).to_be_visible()
    # The online 补正 put the case back in progress, as 登记收到补正 does: nothing to start.
    expect(page.get_by_role("button", name="开始办理")).to_have_count(0)
    box = page.locator("#action-reply")
    box.locator("summary").click()
    box.get_by_label("办理结果", exact=True).select_option("granted")
    box.get_by_label("法律依据").fill("《中华人民共和国政府信息公开条例》第三十六条第（二）项")
    box.get_by_label(re.compile("公开的政府信息")).set_input_files(
        files=[{"name": "2023年学生资助资金分配文件.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    box.get_by_role("button", name="答复并办结").click()
    expect(page.get_by_text("已答复并办结。")).to_be_visible()
    expect(page.get_by_text("申请人尚未下载")).to_be_visible()
    log_out(page)
    reply = next(m for m in mail.outbox if "已答复" in m.subject)
    assert "已同意公开" in reply.body and "可在办理进度页面下载" in reply.body

    # The citizen downloads the letter and the file; the first download is the 送达.
    look_up(page, number, code)
    expect(page.get_by_text("办理结果：已同意公开。")).to_be_visible()
    with page.expect_download() as letter:
        page.get_by_role("link", name=re.compile("下载政府信息公开申请答复告知书")).click()
    saved = tmp_path / letter.value.suggested_filename
    letter.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK" and number in saved.name
    with page.expect_download() as released:
        page.get_by_role("link", name=re.compile("下载公开的信息：2023年学生资助资金分配文件.pdf")).click()
    assert released.value.suggested_filename == "2023年学生资助资金分配文件.pdf"
    page.reload()
    expect(page.get_by_text("首次在线下载答复，视为送达")).to_be_visible()
    case.refresh_from_db()
    assert case.served_at is not None
    assert case.notices.get(kind="reply").delivery_method == "download"

    # Staff see the 送达 and the notice log.
    log_in(page, handlers["handler"].username)
    page.goto(f"/workbench/requests/{case.pk}/")
    expect(page.get_by_text(re.compile("申请人于 .* 首次下载，视为送达"))).to_be_visible()
    log = page.get_by_role("region", name="通知申请人记录")
    expect(log.get_by_role("cell", name="需要补正").first).to_be_visible()
    expect(log.get_by_role("cell", name="已答复").first).to_be_visible()
    assert axe_violations(page) == []
