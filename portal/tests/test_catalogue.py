"""The region-wide catalogue (filters, pagination, cheap counts) and the home page's newest items per column."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from portal.catalogue import PAGE_SIZE

pytestmark = pytest.mark.django_db


def get(client, name="catalogue", **params):
    response = client.get(reverse(f"portal:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


def titles(page):
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else page
    return re.findall(r'<a href="/documents/\d+/">([^<]+)</a>', body)


@pytest.fixture
def catalogue(region, publish, genres):
    made = {
        "edu_2023": publish(region["edu"], title="教育局2023年规范性文件", on=date(2023, 3, 1), topic="11",
                            kind="normative_document"),
        "edu_notice": publish(region["edu"], title="教育局2024年通知", on=date(2024, 5, 6), genre="notice",
                              statutory_item=11, topic="11"),
        "health_news": publish(region["health"], title="卫健局工作动态", on=date(2024, 7, 8), genre="news",
                               statutory_item=13, topic="13"),
        "repealed": publish(region["health"], title="已废止的卫生办法", on=date(2022, 1, 5), topic="13",
                            kind="normative_document"),
        "withdrawn": publish(region["edu"], title="已撤回的通知", on=date(2024, 8, 1), genre="notice"),
    }
    services.change_validity(made["repealed"], validity="repealed", on=date(2024, 1, 1))
    services.withdraw(made["withdrawn"], reason="错发")
    services.create_draft(publisher=region["edu"], title="草稿中的通知", genre=genres["notice"])
    return made


def test_the_catalogue_lists_public_documents_newest_first(client, catalogue):
    page = get(client)
    assert titles(page) == ["卫健局工作动态", "教育局2024年通知", "教育局2023年规范性文件", "已废止的卫生办法"]
    assert "共 4 条" in page
    assert catalogue["edu_notice"].index_number in page and "2024-05-06" in page
    assert '<span class="badge warn">已废止</span>' in page


@pytest.mark.parametrize(("params", "expected"), [
    ({"agency": "health"}, ["卫健局工作动态", "已废止的卫生办法"]),
    ({"topic": "11"}, ["教育局2024年通知", "教育局2023年规范性文件"]),
    ({"genre": "notice"}, ["教育局2024年通知"]),
    ({"item": "13"}, ["卫健局工作动态"]),
    ({"year": "2023"}, ["教育局2023年规范性文件"]),
    ({"validity": "repealed"}, ["已废止的卫生办法"]),
    ({"validity": "in_force", "agency": "edu", "year": "2024"}, ["教育局2024年通知"]),
])
def test_catalogue_filters(client, catalogue, params, expected):
    page = get(client, **params)
    assert titles(page) == expected
    assert f"共 {len(expected)} 条" in page


def test_bad_filters_are_explained_not_errors(client, catalogue):
    page = get(client, agency="nobody", item="99", year="19x", validity="bogus")
    for text in ("没有这个机构。", "第二十条事项应为 1 至 15。", "年份应在", "有效性取值无效。"):
        assert text in page
    assert len(titles(page)) == 4  # the bad filters are ignored


def test_pagination_keeps_filters_and_counts_once(client, region, publish):
    for i in range(PAGE_SIZE + 3):
        publish(region["edu"], title=f"通知{i:02d}", genre="notice", on=date(2024, 1, 1 + i))
    page = get(client, genre="notice")
    assert "共 23 条" in page and "第 1 / 2 页" in page
    assert titles(page)[0] == "通知22" and len(titles(page)) == PAGE_SIZE
    assert 'href="?genre=notice&amp;page=2"' in page
    with CaptureQueriesContext(connection) as queries:
        second = get(client, genre="notice", page="2")
    assert titles(second) == ["通知02", "通知01", "通知00"] and "第 2 / 2 页" in second
    # The count of this filtered list was cached by the first view; paging does not COUNT(*) again.
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # The list is ordered on the indexed (-published_on, -id).
    doc_selects = [q["sql"] for q in queries.captured_queries if 'FROM "catalog_document"' in q["sql"]
                   and "LIMIT" in q["sql"]]
    assert any('ORDER BY "catalog_document"."published_on" DESC, "catalog_document"."id" DESC' in sql
               for sql in doc_selects)
    assert titles(get(client, genre="notice", page="99")) == ["通知02", "通知01", "通知00"]
    assert len(titles(get(client, genre="notice", page="abc"))) == PAGE_SIZE


def test_pages_read_ids_first_and_keep_the_list_order_through_ties(client, region, publish):
    # 45 documents on three dates: the id breaks the ties, and page_rows must give back exactly the slice of the
    # ordered list whatever order the rows come back in by primary key.
    made = [publish(region["edu" if i % 2 else "health"], title=f"同日文件{i:02d}", genre="notice",
                    on=date(2024, 3, 1 + i % 3)) for i in range(45)]
    expected = [d.title for d in sorted(made, key=lambda d: (d.published_on, d.pk), reverse=True)]
    pages = [titles(get(client, genre="notice", page=str(n))) for n in (1, 2, 3)]
    assert pages == [expected[:20], expected[20:40], expected[40:]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan of SQLite without statistics")
@pytest.mark.parametrize(("params", "index"), [
    ({"item": "13"}, "doc_item_list"),
    ({"genre": "notice"}, "doc_genre_list"),
    ({"topic": "13"}, "doc_topic_list"),
    ({"validity": "repealed"}, "doc_validity_list"),
    ({"agency": "edu"}, "doc_publisher_list"),
    ({"agency": "edu", "item": "13", "year_from": "2021"}, "doc_publisher_item_list"),
    ({"year": "2023"}, "doc_public_list"),
])
def test_each_list_filter_walks_its_own_index(catalogue, params, index):
    """Without the filter's own index SQLite walks every public document and reads each row to test the
    filter: 4 s for a rare 第二十条 item at 1,000,000 documents (docs/benchmarks.md, 目录页面)."""
    from portal.catalogue import parse_filters, public_documents

    ids = parse_filters(params).apply(public_documents()).values_list("pk", flat=True)[:21]
    sql, sql_params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        plan = " ".join(row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, sql_params).fetchall())
    assert f"USING COVERING INDEX {index} " in plan
    assert "TEMP B-TREE" not in plan  # read in list order: stops after the page


@pytest.mark.parametrize("attribute", ["on_request", "withheld"])  # sorting before and after 'proactive'
def test_the_region_total_is_all_documents_minus_the_non_public(client, catalogue, genres, region, attribute):
    from catalog.models import Document
    from portal.catalogue import public_total

    # Statuses on both sides of 'published' (draft, review < published < withdrawn), and a published item that
    # is not proactively disclosed.
    services.create_draft(publisher=region["edu"], title="审核中", genre=genres["notice"])
    Document.objects.filter(title="审核中").update(status="review")
    Document.objects.filter(title="卫健局工作动态").update(disclosure_attribute=attribute)
    assert public_total() == Document.objects.public().count() == 3
    assert "共 3 条" in get(client)


def test_a_stale_cached_count_never_hides_new_documents(client, region, publish):
    assert "共 0 条" in get(client, genre="notice")
    publish(region["edu"], title="刚发布的通知", genre="notice")
    page = get(client, genre="notice")
    assert titles(page) == ["刚发布的通知"] and "共 1 条" in page


def test_home_shows_the_newest_items_per_column(client, region, publish):
    publish(region["edu"], title="最新通知公告", genre="notice", on=date(2024, 9, 1))
    publish(region["edu"], title="一件规范性文件", genre="normative", on=date(2024, 8, 1))
    publish(region["edu"], title="一篇政策解读", genre="interpretation", on=date(2024, 8, 2))
    publish(region["health"], title="卫健工作动态", genre="news", on=date(2024, 8, 3))
    page = get(client, "home")
    sections = dict(re.findall(r'<h2 id="col-\d">([^<]+)</h2>(.*?)</section>', page, re.S))
    assert list(sections) == ["通知公告", "政策文件", "政策解读", "工作动态"]
    assert "最新通知公告" in sections["通知公告"] and "2024-09-01" in sections["通知公告"]
    assert "一件规范性文件" in sections["政策文件"] and "一篇政策解读" in sections["政策解读"]
    assert "卫健工作动态" in sections["工作动态"] and "最新通知公告" not in sections["工作动态"]
    assert 'href="/catalogue/?genre=notice"' in page
    assert "信息公开目录" in page and "/feeds/latest/" in page


def test_home_columns_say_when_empty(client, region):
    page = get(client, "home")
    assert page.count('<p class="empty">暂无信息</p>') == 4


def test_filtered_counts_stop_at_the_cap(client, region, publish, monkeypatch):
    from portal import catalogue as module

    monkeypatch.setattr(module, "COUNT_CAP", 3)
    for i in range(5):
        publish(region["edu"], title=f"通知{i}", genre="notice", on=date(2024, 2, 1 + i))
    with CaptureQueriesContext(connection) as queries:
        page = get(client, genre="notice")
    assert "超过 3 条" in page and len(titles(page)) == 5
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0]
    assert "共 5 条" in get(client)  # the unfiltered region-wide total is exact


@pytest.mark.parametrize("url", ["/", "/agencies/", "/agencies/edu/", "/agencies/edu/guide/", "/agencies/edu/system/",
                                 "/agencies/edu/statutory/", "/agencies/edu/statutory/1/",
                                 "/agencies/edu/annual-reports/", "/catalogue/", "/search/?q=资助", "/api/v1/"])
def test_every_page_type_emits_the_site_meta_tags_and_a_date_per_list_row(client, region, publish, url):
    """The meta tags rule (site and column tags on every page; article tags are tested on the document page)
    and the dated lists rule (docs/law/web.md §1)."""
    publish(region["edu"], title="一条信息", on=date(2024, 9, 10))
    page = client.get(url).content.decode()
    head = page.split("</head>")[0]
    for name in ("SiteName", "SiteIDCode", "ColumnName", "ColumnType"):
        assert head.count(f'<meta name="{name}"') == 1, name
    for row in re.findall(r'<ul class="doc-list">(.*?)</ul>', page, re.S):
        for item in re.findall(r"<li>(.*?)</li>", row, re.S):
            assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', item)
