"""The public search page over search.services: messages, filters passed through, highlighted snippets."""

from datetime import date

import pytest
from django.urls import reverse

from catalog import services
from search import services as search_services
from search.services import SearchHit, SearchResult

pytestmark = pytest.mark.django_db


def get(client, **params):
    response = client.get(reverse("portal:search"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def fake_search(monkeypatch):
    """Records the SearchQuery and answers with the given hits."""
    calls = []

    def install(hits=(), total=None):
        def fake(query):
            calls.append(query)
            return SearchResult(total=len(hits) if total is None else total, hits=list(hits))

        monkeypatch.setattr(search_services, "search", fake)
        return calls

    return install


def test_without_a_query_the_page_shows_the_form(client, region, fake_search):
    calls = fake_search()
    page = get(client)
    assert "检索政府信息" in page and 'name="q"' in page and "高级检索" in page
    assert "请输入检索词" not in page and calls == []


def test_empty_and_too_long_queries_get_a_chinese_message(client, region, fake_search):
    calls = fake_search()
    assert "请输入检索词。" in get(client, q="   ")
    page = get(client, q="资" * 101)
    assert "检索词过长：最多 100 个字" in page
    assert calls == []


def test_filters_reach_the_search_interface(client, region, fake_search, topics):
    calls = fake_search()
    get(client, q=" 学生  资助 ", agency="edu", topic="11", genre="notice", item="1", year_from="2020",
        year_to="2024", validity="in_force", order="date", page="3")
    query = calls[0]
    assert query.text == "学生 资助" and query.agency_path == region["edu"].path
    assert (query.topic_id, query.genre_code, query.statutory_item) == (topics["11"].pk, "notice", 1)
    assert (query.year_from, query.year_to, query.validity, query.order) == (2020, 2024, "in_force", "date")
    assert (query.offset, query.limit) == (40, 20)


def test_hits_show_snippets_metadata_and_drop_what_is_no_longer_public(client, region, publish, fake_search):
    shown = publish(region["edu"], title="关于学生资助的通知", on=date(2024, 9, 10))
    gone = publish(region["edu"], title="已撤回的资助通知")
    services.withdraw(gone, reason="错发")
    fake_search([
        SearchHit(shown.pk, shown.index_number, shown.title, shown.published_on, 2.0,
                  "做好学生<mark>资助</mark>工作<script>alert(1)</script><b>粗</b>"),
        SearchHit(gone.pk, gone.index_number, gone.title, gone.published_on, 1.0, "<mark>资助</mark>"),
    ], total=2)
    page = get(client, q="资助")
    assert "共找到 2 条与“资助”相关的信息" in page
    assert "做好学生<mark>资助</mark>工作" in page
    assert "<script>alert(1)" not in page and "<b>粗</b>" not in page  # only <mark> survives
    assert f'href="/documents/{shown.pk}/"' in page and "演示县教育局" in page and "2024-09-10" in page
    assert shown.index_number in page
    assert "已撤回的资助通知" not in page


def test_no_results_message(client, region, fake_search):
    fake_search()
    assert "没有找到相关信息" in get(client, q="不存在的词")


def test_the_column_search_form_limits_to_the_agency(client, region, fake_search):
    calls = fake_search()
    column = client.get(reverse("portal:agency_detail", args=["edu"])).content.decode()
    assert 'action="/search/"' in column and '<input type="hidden" name="agency" value="edu">' in column
    page = get(client, q="资助", agency="edu")
    assert "在“演示县教育局”中共找到 0 条" in page and calls[0].agency_path == region["edu"].path


def test_search_finds_a_published_document_end_to_end(client, region, publish, settings,
                                                      django_capture_on_commit_callbacks):
    """Through the real search backend (the index follows publication after commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        document = publish(region["edu"], title="关于做好2024年秋季学期学生资助工作的通知",
                           body="<p>各学校要做好家庭经济困难学生资助工作。</p>")
        publish(region["health"], title="关于开展爱国卫生运动的通知", summary="部署爱国卫生运动。",
                body="<p>开展爱国卫生运动。</p>")
    page = get(client, q="资助")
    assert "共找到 1 条" in page and f'href="/documents/{document.pk}/"' in page
    assert "<mark>资助</mark>" in page
    assert "共找到 0 条" in get(client, q="资助", agency="health")
