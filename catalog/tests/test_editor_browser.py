"""End-to-end in headless Chromium: a clerk pastes a table and headings copied from Word into the body editor
(the self-hosted django-prose-editor under the page's CSP), saves, and the stored body keeps them."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What Word puts on the clipboard (abridged): Office namespaces, mso- styles, class names, a heading and a table.
WORD_CLIPBOARD = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=Generator content="Microsoft Word 15"><style>p.MsoNormal{mso-style-parent:"";}</style></head>
<body lang=ZH-CN><!--StartFragment-->
<h2 style='mso-outline-level:2'><span style='font-family:黑体'>一、资助标准</span></h2>
<p class=MsoNormal style='text-indent:2em'><span style='font-family:仿宋_GB2312'>各学校按下表执行：</span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0'><td width=200 style='border:solid windowtext 1.0pt'><p class=MsoNormal>档次</p></td>
  <td width=200 style='border:solid windowtext 1.0pt'><p class=MsoNormal>标准（元/年）</p></td></tr>
 <tr style='mso-yfti-irow:1'><td width=200><p class=MsoNormal>一等</p></td><td width=200><p class=MsoNormal>4000</p></td></tr>
</table>
<!--EndFragment--></body></html>"""


def test_paste_a_word_table_into_the_editor(page, region, make_staff, genres, topic):
    make_staff("bianji", ("editor", region["edu"]))
    page.goto("/workbench/login/")
    page.get_by_label("用户名").fill("bianji")
    page.get_by_label("密码").fill("Gongkai-test-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/workbench/$"))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/workbench/documents/new/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()  # the module loaded: the CSP nonce let the import map through
    editor.click()
    page.evaluate("""html => {
        const data = new DataTransfer();
        data.setData('text/html', html);
        data.setData('text/plain', '一、资助标准');
        const target = document.querySelector(".ProseMirror[contenteditable=true]");
        target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", WORD_CLIPBOARD)
    expect(editor.locator("table")).to_have_count(1)
    expect(editor.locator("h2")).to_have_text("一、资助标准")
    page.locator("#id_title").fill("关于印发学生资助标准的通知")
    page.locator("#id_kind").select_option("normative_document")
    page.locator("#id_genre").select_option(str(genres["normative"].pk))
    page.locator("#id_topic").select_option(str(topic.pk))
    page.locator("#id_statutory_item").select_option("1")
    page.locator("#id_written_on").fill("2024-09-02")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/workbench/documents/\d+/$"))
    body = Document.objects.get(title="关于印发学生资助标准的通知").body
    assert re.search(r"<h2>一、资助标准</h2>", body)
    assert "<table>" in body and re.search(r"<td[^>]*><p>一等</p></td><td[^>]*><p>4000</p></td>", body)
    assert "mso-" not in body and "MsoNormal" not in body
    assert not [e for e in errors if "Content Security Policy" in e], errors
