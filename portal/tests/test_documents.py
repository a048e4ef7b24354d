"""The document page (docs/law/web.md §1): metadata box, validity marking, interpretations linked both ways,
meta tags, print view, attachments through a checked view, and 404 / 410 for what is not public."""

import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from catalog import services
from catalog.models import Attachment, Document
from portal.models import Site

pytestmark = pytest.mark.django_db


def page_of(client, document, **params):
    response = client.get(reverse("portal:document", args=[document.pk]), params)
    return response, response.content.decode()


def meta_cells(page):
    table = re.search(r'<table class="meta-table">(.*?)</table>', page, re.S).group(1)
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', table))


def test_the_metadata_box_is_always_complete(client, region, publish):
    full = publish(region["edu"], title="关于做好学生资助工作的通知", document_number="盐教发〔2024〕12号",
                   written_on=date(2024, 9, 2), on=date(2024, 9, 10))
    _response, page = page_of(client, full)
    cells = meta_cells(page)
    assert cells == {"索引号": full.index_number, "主题分类": "科技、教育", "发布机构": "演示县教育局",
                     "成文日期": "2024-09-02", "文号": "盐教发〔2024〕12号", "发布日期": "2024-09-10",
                     "有效性": "有效", "体裁分类": "行政规范性文件"}
    bare = publish(region["edu"], title="没有文号和主题的信息", topic=None, document_number="")
    cells = meta_cells(page_of(client, bare)[1])
    assert cells["文号"] == "—" and cells["主题分类"] == "—"
    assert "内容概述" in page and "部署秋季学期学生资助工作。" in page


def test_the_body_is_rendered_as_sanitised_html(client, region, publish):
    document = publish(region["edu"], body='<p>第一段<script>alert(1)</script></p><p><strong>加粗</strong></p>')
    _response, page = page_of(client, document)
    assert "<p><strong>加粗</strong></p>" in page  # the body's markup is kept
    assert "<script>alert" not in page


def test_w31_meta_tags(client, region, publish):
    Site.objects.create(name="演示县人民政府门户网站", agency=region["county"], site_id_code="6403230001")
    document = publish(region["edu"], title="关于秋季学期的通知", genre="notice", keywords="资助 秋季")
    _response, page = page_of(client, document)
    head = page.split("</head>")[0]
    expected = {"SiteName": "演示县人民政府门户网站", "SiteIDCode": "6403230001", "ColumnName": "通知公告",
                "ColumnType": "通知公告", "ArticleTitle": "关于秋季学期的通知", "ContentSource": "演示县教育局"}
    for name, value in expected.items():
        assert f'<meta name="{name}" content="{value}">' in head, name
    assert '<meta name="PubDate" content="2024-09-10">' in head  # imported with its date: no time of day
    today = publish(region["edu"], title="今天发布", on=timezone.localdate())
    head = page_of(client, today)[1].split("</head>")[0]
    assert re.search(r'<meta name="PubDate" content="\d{4}-\d\d-\d\d \d\d:\d\d">', head)
    for name in ("ColumnDescription", "ColumnKeywords"):
        assert f'<meta name="{name}"' in head


def test_withdrawn_is_410_and_unpublished_is_404(client, region, publish, genres):
    withdrawn = publish(region["edu"], title="撤回的信息")
    services.withdraw(withdrawn, reason="内容有误")
    response, page = page_of(client, withdrawn)
    assert response.status_code == 410 and "信息已撤回" in page and "内容有误" not in page
    assert "撤回的信息" not in page
    draft = services.create_draft(publisher=region["edu"], title="草稿", summary="草稿", genre=genres["notice"],
                                  statutory_item=1).document
    assert page_of(client, draft)[0].status_code == 404
    on_request = services.create_draft(publisher=region["edu"], title="依申请公开的信息", summary="不主动公开",
                                       genre=genres["notice"], statutory_item=1, written_on=date(2024, 9, 1),
                                       disclosure_attribute="on_request", legal_basis="条例第二十七条").document
    services.submit(on_request)
    services.pass_secrecy_review(on_request)
    services.publish(on_request, on=date(2024, 9, 10))
    response, page = page_of(client, on_request)
    assert response.status_code == 404 and "依申请公开的信息" not in page
    assert client.get(reverse("portal:document", args=[999999])).status_code == 404


def test_a_repealed_document_is_marked_and_links_to_its_replacement(client, region, publish):
    old = publish(region["edu"], title="旧的资助办法", kind="normative_document")
    new = publish(region["edu"], title="新的资助办法", kind="normative_document", on=date(2024, 10, 8))
    services.change_validity(old, validity="repealed", on=date(2024, 10, 8), replaced_by=new)
    _response, page = page_of(client, old)
    banner = re.search(r'<div class="validity-banner" role="note">(.*?)</div>', page, re.S).group(1)
    assert "本文件已废止" in banner and "2024年10月8日起" in banner
    assert f'href="{reverse("portal:document", args=[new.pk])}"' in banner and "新的资助办法" in banner
    assert meta_cells(page)["有效性"] == "已废止"
    assert "validity-banner" not in page_of(client, new)[1]
    # A replacement that is no longer public is not linked.
    services.withdraw(new, reason="重新发布")
    banner = re.search(r'<div class="validity-banner" role="note">(.*?)</div>', page_of(client, old)[1], re.S).group(1)
    assert "本文件已废止" in banner and "新的资助办法" not in banner


def test_interpretations_are_linked_both_ways(client, region, publish):
    policy = publish(region["edu"], title="关于学生资助的实施意见", kind="normative_document")
    reading = publish(region["edu"], title="《关于学生资助的实施意见》政策解读", genre="interpretation")
    hidden = publish(region["edu"], title="已撤回的解读", genre="interpretation")
    services.link_interpretation(reading, [policy])
    services.link_interpretation(hidden, [policy])
    services.withdraw(hidden, reason="重复")
    _response, page = page_of(client, policy)
    section = page.split('id="interp-heading"')[1]
    assert "相关解读" in page and reverse("portal:document", args=[reading.pk]) in section
    assert "已撤回的解读" not in page
    _response, page = page_of(client, reading)
    assert "解读的文件" in page and reverse("portal:document", args=[policy.pk]) in page.split('id="interpreted-heading"')[1]


def test_related_documents_share_the_topic(client, region, publish):
    document = publish(region["edu"], title="本文", topic="11")
    same = publish(region["edu"], title="同机关同主题", topic="11")
    other_agency = publish(region["health"], title="他机关同主题", topic="11")
    publish(region["edu"], title="同机关别的主题", topic="13")
    _response, page = page_of(client, document)
    related = page.split('id="related-heading"')[1]
    assert related.index(same.title) < related.index(other_agency.title)
    assert "同机关别的主题" not in related and ">本文<" not in related


def test_print_view(client, region, publish):
    document = publish(region["edu"], title="打印测试")
    _response, page = page_of(client, document)
    assert '<a href="?print=1">打印版</a>' in page and 'class="site-nav"' in page
    _response, page = page_of(client, document, print="1")
    assert 'class="print-view"' in page and 'class="site-nav"' not in page and 'class="site-footer"' not in page
    assert "打印测试" in page and 'class="meta-table"' in page and '<meta name="robots" content="noindex">' in page


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach(document, name="附件一.pdf", content=b"%PDF-1.4 test"):
    attachment = Attachment(document=document, original_name=name, content_type="application/pdf", size=len(content))
    attachment.file.save("a.pdf", ContentFile(content), save=False)
    attachment.save()
    return attachment


def test_attachments_are_served_only_while_the_document_is_public(client, region, publish, media, genres):
    document = publish(region["edu"], title="带附件的通知")
    attachment = attach(document)
    _response, page = page_of(client, document)
    url = reverse("portal:attachment", args=[attachment.pk])
    assert f'href="{url}"' in page and "附件一.pdf" in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    # No response.close(): it fires request_finished, which closes the database connection that the test's
    # transaction runs on (PostgreSQL then fails every later query).
    services.withdraw(document, reason="错发")
    assert client.get(url).status_code == 410
    draft = services.create_draft(publisher=region["edu"], title="草稿", genre=genres["notice"]).document
    assert client.get(reverse("portal:attachment", args=[attach(draft).pk])).status_code == 404


def test_a_missing_attachment_file_is_404_not_500(client, region, publish, media):
    attachment = attach(publish(region["edu"]))
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(reverse("portal:attachment", args=[attachment.pk])).status_code == 404


def test_document_page_query_count_is_bounded(client, region, publish, django_assert_max_num_queries):
    document = publish(region["edu"])
    for i in range(6):
        publish(region["edu"], title=f"相关{i}")
    with django_assert_max_num_queries(12):
        client.get(reverse("portal:document", args=[document.pk]))
    assert Document.objects.public().count() == 7
