"""Each agency's 政府信息公开 column: the four sub-columns of 国办公开办函〔2019〕61号 (docs/law/web.md §1:
single column, four sub-columns, statutory items, search, guide contents)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import LocalItem, StatutoryItem
from orgs.services import update_agency
from portal.models import DisclosureGuide

pytestmark = pytest.mark.django_db

FOUR = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开工作年度报告"]


def html(client, name, *args, **params):
    response = client.get(reverse(f"portal:{name}", args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def nav_labels(page):
    nav = re.search(r'<nav class="column-nav" aria-label="政府信息公开栏目">(.*?)</nav>', page, re.S).group(1)
    return re.findall(r">([^<>]+)</a>", nav)


def test_every_agency_page_has_exactly_the_four_sub_columns(client, region):
    for name in ("agency_detail", "agency_guide", "agency_system", "agency_statutory", "agency_reports"):
        page = html(client, name, "edu")
        assert nav_labels(page) == FOUR, name
        assert "在本栏目中检索" in page and 'name="agency" value="edu"' in page
    home = html(client, "agency_detail", "edu")
    for label in FOUR:  # shown prominently on the column's home as well (four sub-columns rule)
        assert 'class="sub-column" href' in home and label in home
    assert '<meta name="ColumnName" content="政府信息公开">' in home


def test_the_guide_shows_default_text_until_one_is_written(client, region):
    update_agency(region["edu"], address="花马池镇盐州路1号", postcode="751500", phone="0953-6012345",
                  fax="0953-6012346", email="gk@edu.example.cn", website="https://edu.example.cn",
                  office_hours="工作日 8:30—12:00", disclosure_office_name="演示县教育局办公室")
    page = html(client, "agency_guide", "edu")
    assert "演示县教育局政府信息公开指南" in page
    assert "信息分类和编排体系" in page and "获取方式" in page
    assert "第二十七条至第二十九条" in page  # the default 获取方式 text
    for text in ("花马池镇盐州路1号", "751500", "0953-6012345", "0953-6012346", "gk@edu.example.cn",
                 "https://edu.example.cn", "工作日 8:30—12:00", "演示县教育局办公室"):
        assert text in page
    assert re.search(r"最近更新：<time datetime=\"\d{4}-\d\d-\d\d\">", page)

    DisclosureGuide.objects.create(agency=region["edu"], intro="本局编制的指南。",
                                   access_methods="请到本局一楼查阅室查阅。\n也可以网上申请。")
    page = html(client, "agency_guide", "edu")
    assert "本局编制的指南。" in page and "请到本局一楼查阅室查阅。<br>也可以网上申请。" in page
    assert "四个栏目" in page  # the classification section was left empty: default text
    assert "第二十七条至第二十九条" not in page


def test_the_guide_escapes_what_staff_wrote(client, region):
    DisclosureGuide.objects.create(agency=region["edu"], intro="<script>alert(1)</script>")
    page = html(client, "agency_guide", "edu")
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_the_system_column_lists_the_chosen_public_documents(client, region, publish):
    chosen = publish(region["edu"], title="演示县教育局政府信息公开保密审查制度", genre="other-document", statutory_item=15)
    withdrawn = publish(region["edu"], title="已撤回的旧制度", genre="other-document", statutory_item=15)
    publish(region["edu"], title="与制度无关的通知", genre="notice")
    assert "暂无信息" in html(client, "agency_system", "edu")
    guide = DisclosureGuide.objects.create(agency=region["edu"])
    guide.system_documents.set([chosen, withdrawn])
    services.withdraw(withdrawn, reason="错发")
    page = html(client, "agency_system", "edu")
    assert chosen.title in page and "2024-09-10" in page
    assert "已撤回的旧制度" not in page and "与制度无关的通知" not in page


def test_statutory_content_lists_all_fifteen_items_and_marks_empty_ones(client, region, publish):
    publish(region["edu"], title="资助政策文件", statutory_item=1, on=date(2024, 3, 5))
    publish(region["edu"], title="更新的资助政策文件", statutory_item=1, on=date(2024, 9, 10))
    publish(region["edu"], title="公务员招考公告", statutory_item=14, genre="personnel", on=date(2023, 5, 6))
    publish(region["health"], title="卫健局的文件", statutory_item=2)
    page = html(client, "agency_statutory", "edu")
    for item in StatutoryItem:
        assert item.label in page  # verbatim labels, all 15 (statutory items rule)
    rows = re.findall(r"<tr><th scope=\"row\"><a href=\"([^\"]+)\">([^<]+)</a></th>\s*(.*?)</tr>", page, re.S)
    assert len(rows) == 15 + len(LocalItem.values) - 5  # 15 items and the 7 county items of 第二十一条
    by_label = {label: cells for _href, label, cells in rows}
    assert ">2 条<" in by_label[StatutoryItem.ITEM_01.label] and "2024-09-10" in by_label[StatutoryItem.ITEM_01.label]
    assert "2023-05-06" in by_label[StatutoryItem.ITEM_14.label]
    assert "暂无信息" in by_label[StatutoryItem.ITEM_02.label]  # 卫健局's document is not 教育局's
    assert page.count("暂无信息") == 13 + 7
    assert "设区的市级、县级人民政府及其部门" in page
    for item in ("市政建设", "公共服务", "公益事业", "土地征收", "房屋征收", "治安管理", "社会救助"):
        assert item in page
    assert "筹资筹劳" not in page


def test_a_township_gets_the_township_items_of_article_21(client, region, publish):
    publish(region["town"], title="2024年度村级筹资筹劳方案公示", statutory_item=15, genre="notice",
            local_items=["fund_and_labour"])
    page = html(client, "agency_statutory", "town")
    assert "乡（镇）人民政府" in page
    for item in ("贯彻落实农业农村政策", "农田水利工程建设运营", "农村土地承包经营权流转", "宅基地使用情况审核",
                 "筹资筹劳", "社会救助"):
        assert item in page
    assert "市政建设" not in page
    item_page = html(client, "agency_local_item", "town", "fund_and_labour")
    assert "2024年度村级筹资筹劳方案公示" in item_page and "第二十一条 · 筹资筹劳" in item_page
    assert "暂无信息" in html(client, "agency_local_item", "town", "irrigation")
    assert client.get(reverse("portal:agency_local_item", args=["town", "municipal_construction"])).status_code == 404


def test_an_item_page_lists_its_documents_newest_first_with_filters(client, region, publish, topics):
    publish(region["edu"], title="二〇二三年的资助文件", on=date(2023, 4, 3), topic="11")
    publish(region["edu"], title="二〇二四年的资助文件", on=date(2024, 4, 3), topic="11")
    publish(region["edu"], title="二〇二四年的卫生文件", on=date(2024, 6, 3), topic="13", genre="notice")
    publish(region["edu"], title="第二项的机构信息", statutory_item=2)
    page = html(client, "agency_item", "edu", 1)
    assert "第二十条（一）行政法规、规章和规范性文件" in page
    assert page.index("二〇二四年的卫生文件") < page.index("二〇二四年的资助文件") < page.index("二〇二三年的资助文件")
    assert "第二项的机构信息" not in page and "共 3 条" in page
    assert '<time datetime="2023-04-03">2023-04-03</time>' in page  # every list shows 发布日期
    assert "二〇二三年" not in html(client, "agency_item", "edu", 1, year="2024").split("<h1>")[1]
    filtered = html(client, "agency_item", "edu", 1, topic="13")
    assert "二〇二四年的卫生文件" in filtered and "二〇二四年的资助文件" not in filtered
    filtered = html(client, "agency_item", "edu", 1, genre="notice", year="2024")
    assert "共 1 条" in filtered
    assert "暂无信息" in html(client, "agency_item", "edu", 7)
    assert client.get(reverse("portal:agency_item", args=["edu", 16])).status_code == 404
    assert 'type="application/atom+xml"' in page and "/feeds/agencies/edu/items/1/" in page


def test_statutory_overview_filters_by_theme_genre_and_year(client, region, publish):
    publish(region["edu"], title="二〇二三年的文件", on=date(2023, 4, 3))
    publish(region["edu"], title="二〇二四年的文件", on=date(2024, 4, 3))
    page = html(client, "agency_statutory", "edu", year="2023")
    assert "符合筛选条件的信息" in page and "二〇二三年的文件" in page and "二〇二四年的文件" not in page
    page = html(client, "agency_statutory", "edu", year="abc")
    assert "年份应在" in page and "符合筛选条件的信息" not in page


def test_annual_reports_newest_first(client, region, publish):
    publish(region["edu"], title="演示县教育局2022年政府信息公开工作年度报告", genre="annual-report",
            statutory_item=15, on=date(2023, 1, 20))
    publish(region["edu"], title="演示县教育局2023年政府信息公开工作年度报告", genre="annual-report",
            statutory_item=15, on=date(2024, 1, 22))
    publish(region["edu"], title="一份通知", genre="notice")
    page = html(client, "agency_reports", "edu")
    assert page.index("2023年政府信息公开工作年度报告") < page.index("2022年政府信息公开工作年度报告")
    assert "一份通知" not in page and "2024-01-22" in page


def test_co_published_documents_appear_in_both_columns(client, region, publish):
    joint = publish(region["edu"], title="教育局与卫健局联合发文", co_publishers=[region["health"]])
    assert joint.title in html(client, "agency_detail", "health")
    assert joint.title in html(client, "agency_item", "health", 1)
    assert "共 1 条" in html(client, "catalogue", agency="health")


def test_unknown_or_dissolved_agency_columns_are_404(client, region):
    update_agency(region["health"], dissolved_on=date(2020, 1, 1))
    for name, args in (("agency_guide", ["health"]), ("agency_statutory", ["nobody"]), ("agency_item", ["health", 1])):
        assert client.get(reverse(f"portal:{name}", args=args)).status_code == 404
