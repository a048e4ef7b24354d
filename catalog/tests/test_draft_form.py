"""The draft form as a clerk meets it (issue 19): grouped fields, Chinese prompts instead of "---------", the
clerk's own agency pre-selected, the self-hosted body editor under the page's CSP nonce, and documents named by
索引号 / 文号 / title instead of a drop-down of hundreds of titles."""

import re
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import services
from catalog.forms import FIELD_GROUPS, DocumentForm, ValidityForm
from catalog.models import Document, DocumentStatus, Validity

pytestmark = pytest.mark.django_db


def _publish(agency, reviewer, **fields):
    document = services.create_draft(publisher=agency, **fields).document
    services.submit(document)
    services.pass_secrecy_review(document, user=reviewer)
    return services.publish(document, user=reviewer, on=date(2024, 9, 10)).document


def test_every_field_has_a_group_and_the_groups_are_in_order():
    named = [name for _legend, names in FIELD_GROUPS for name in names]
    assert len(named) == len(set(named))
    form = DocumentForm(publisher_choices=None)
    assert set(form.fields) <= set(named)
    assert [legend for legend, _fields in form.groups()] == ["基本信息", "公开属性", "分类", "有效期", "正文", "关联"]


def test_the_create_page_is_grouped_prompts_in_chinese_and_preselects_the_agency(client, region, editorial):
    client.force_login(editorial["editor"])
    response = client.get(reverse("catalog:create"))
    page = response.content.decode()
    assert "---------" not in page and "请选择…" in page
    assert page.count("<legend>") >= 6
    selected = re.search(r'<select name="publisher"[^>]*>.*?</select>', page, re.S).group(0)
    assert f'<option value="{region["edu"].pk}" selected>' in selected
    # The editor enhances the plain textarea; the import map carries the nonce the CSP header allows.
    assert 'data-django-prose-editor-configurable' in page and "<textarea" in page
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)">', page).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "cdn" not in page.lower()  # self-hosted


def test_a_failed_save_says_so_in_the_title_and_focuses_the_summary(client, region, editorial):
    client.force_login(editorial["editor"])
    page = client.post(reverse("catalog:create"), {"publisher": region["edu"].pk, "title": ""}).content.decode()
    assert re.search(r"<title>有错误：", page)
    summary = re.search(r'<div class="message message-error error-summary"[^>]*>', page).group(0)
    assert "autofocus" in summary and 'href="#id_title"' in page


def test_pasted_word_tables_and_headings_survive_the_sanitiser(client, region, editorial, genres, topic):
    """What the editor posts after a paste from Word: the server keeps headings, lists and tables, drops the rest."""
    client.force_login(editorial["editor"])
    body = ('<h2>一、工作目标</h2><ol><li>资助全覆盖</li></ol><table><tbody><tr><th colspan="2">资助标准</th></tr>'
            '<tr><td>一等</td><td>4000元</td></tr></tbody></table><p style="mso-line-height-rule:exactly">正文'
            '<script>alert(1)</script></p>')
    client.post(reverse("catalog:create"), {
        "publisher": region["edu"].pk, "title": "关于印发学生资助实施方案的通知", "kind": "normative_document",
        "genre": genres["normative"].pk, "topic": topic.pk, "statutory_item": 1, "disclosure_attribute": "proactive",
        "written_on": "2024-09-02", "channels": ["website"], "body": body})
    stored = Document.objects.get(title="关于印发学生资助实施方案的通知").body
    assert "<h2>一、工作目标</h2>" in stored and '<th colspan="2">资助标准</th>' in stored and "<li>资助全覆盖</li>" in stored
    assert "<script" not in stored and "mso-" not in stored


@pytest.fixture
def published(region, editorial, draft_fields):
    first = _publish(region["edu"], editorial["reviewer"], **draft_fields())
    second = _publish(region["edu"], editorial["reviewer"], **draft_fields(
        title="关于做好2025年春季学期学生资助工作的通知", document_number="盐教发〔2025〕3号"))
    return first, second


def test_a_document_is_named_by_index_number_number_or_a_unique_title_fragment(published):
    first, second = published
    choices = Document.objects.filter(status=DocumentStatus.PUBLISHED)

    def resolve(text):
        form = ValidityForm({"validity": Validity.REPEALED, "on": "2025-03-01", "replaced_by": text},
                            replacement_choices=choices)
        return form.is_valid(), form.cleaned_data.get("replaced_by"), form.errors.get("replaced_by")

    assert resolve(second.index_number)[1] == second
    assert resolve("盐教发〔2025〕3号")[1] == second
    assert resolve("2025年春季")[1] == second
    ok, _doc, errors = resolve("学生资助工作")
    assert not ok and "对应多份文件" in errors[0] and first.index_number in errors[0]
    ok, _doc, errors = resolve("不存在的文件")
    assert not ok and "没有找到" in errors[0]
    assert resolve("") == (True, None, None)


def test_validity_change_names_the_replacement_through_the_page(client, published, editorial):
    first, second = published
    client.force_login(editorial["reviewer"])
    page = client.get(reverse("catalog:detail", kwargs={"pk": first.pk})).content.decode()
    assert 'list="replacement-options"' in page and f'<option value="{second.index_number}">' in page
    client.post(reverse("catalog:validity", kwargs={"pk": first.pk}),
                {"validity": Validity.REPEALED, "on": "2025-03-01", "replaced_by": second.index_number, "note": ""})
    first.refresh_from_db()
    assert first.validity == Validity.REPEALED and first.replaced_by == second


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.text(max_size=220))
def test_any_typed_reference_resolves_to_one_document_or_a_chinese_error(published, text):
    choices = Document.objects.filter(status=DocumentStatus.PUBLISHED)
    form = ValidityForm({"validity": Validity.REPEALED, "on": "2025-03-01", "replaced_by": text},
                        replacement_choices=choices)
    if form.is_valid():
        assert form.cleaned_data["replaced_by"] is None or form.cleaned_data["replaced_by"] in choices
    else:
        assert all(re.search(r"[\u4e00-\u9fff]", message) for message in form.errors["replaced_by"])
