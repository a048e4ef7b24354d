"""The workbench flow for government information, as an editor and a reviewer of 教育局 use it."""

import pytest
from django.urls import reverse

from catalog.models import Document, DocumentStatus

pytestmark = pytest.mark.django_db


def form_data(genres, topic, **overrides):
    data = {"title": "关于开展2024年学生资助政策宣传的通知", "document_number": "盐教发（2024）21号",
            "summary": "开展资助政策宣传。", "kind": "normative_document", "genre": genres["normative"].pk,
            "topic": topic.pk, "statutory_item": 1, "disclosure_attribute": "proactive", "written_on": "2024-09-02",
            "validity": "in_force", "body": "<p>各学校：</p><script>alert(1)</script>", "channels": ["website"]}
    data.update(overrides)
    return data


def test_draft_review_publish_through_the_pages(client, region, editorial, genres, topic):
    client.force_login(editorial["editor"])
    data = form_data(genres, topic, publisher=region["edu"].pk)
    response = client.post(reverse("catalog:create"), data)
    document = Document.objects.get(title=data["title"])
    assert response["Location"] == reverse("catalog:detail", kwargs={"pk": document.pk})
    assert document.document_number == "盐教发〔2024〕21号" and "<script" not in document.body
    assert document.channels == ["website"]
    client.post(reverse("catalog:submit", kwargs={"pk": document.pk}))
    # The editor may not review; the button is not even offered.
    page = client.get(reverse("catalog:detail", kwargs={"pk": document.pk})).content.decode()
    assert "保密审查通过" not in page
    client.force_login(editorial["reviewer"])
    queue = client.get(reverse("catalog:index")).content.decode()
    assert "待我审查、审核" in queue and data["title"] in queue
    client.post(reverse("catalog:secrecy_review", kwargs={"pk": document.pk}))
    response = client.post(reverse("catalog:publish", kwargs={"pk": document.pk}), follow=True)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PUBLISHED and document.index_number
    body = response.content.decode()
    assert "已发布" in body and "政策解读" in body  # the missing-interpretation warning (docs/law/web.md §1)


def test_bad_input_shows_chinese_errors_and_writes_nothing(client, region, editorial, genres, topic):
    client.force_login(editorial["editor"])
    before = Document.objects.count()
    response = client.post(reverse("catalog:create"), form_data(
        genres, topic, publisher=region["edu"].pk, document_number="盐教发2024年21号", statutory_item=16))
    assert response.status_code == 200 and Document.objects.count() == before
    page = response.content.decode()
    assert "格式不正确" in page or "选择一个有效的选项" in page


def test_an_editor_cannot_draft_for_another_agency(client, region, editorial, genres, topic):
    client.force_login(editorial["editor"])
    response = client.post(reverse("catalog:create"), form_data(genres, topic, publisher=region["health"].pk))
    assert response.status_code == 200 and not Document.objects.exists()


def test_return_needs_a_reason_and_withdraw_keeps_the_record(client, region, editorial, genres, topic):
    client.force_login(editorial["editor"])
    client.post(reverse("catalog:create"), form_data(genres, topic, publisher=region["edu"].pk))
    document = Document.objects.get()
    client.post(reverse("catalog:submit", kwargs={"pk": document.pk}))
    client.force_login(editorial["reviewer"])
    response = client.post(reverse("catalog:return", kwargs={"pk": document.pk}), {"reason": ""}, follow=True)
    assert Document.objects.get().status == DocumentStatus.SECRECY_REVIEW
    client.post(reverse("catalog:return", kwargs={"pk": document.pk}), {"reason": "文号有误"})
    assert Document.objects.get().status == DocumentStatus.DRAFT
    response = client.get(reverse("catalog:detail", kwargs={"pk": document.pk}))
    assert "文号有误" in response.content.decode()  # the history shows the reason
