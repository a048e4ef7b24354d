"""The public portal shell: home, agency directory, the 政府信息公开 column, and friendly error pages."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from orgs.services import update_agency
from portal.models import Site
from portal.views import server_error

pytestmark = pytest.mark.django_db


def test_home_lists_the_region_by_group(client, region):
    Site.objects.create(name="演示县人民政府门户网站", agency=region["county"], site_id_code="6403230001",
                        icp_number="宁ICP备05001234号")
    page = client.get(reverse("portal:home")).content.decode()
    assert "演示县人民政府门户网站" in page  # header and footer come from the Site
    assert "政府部门" in page and region["edu"].name in page
    assert "乡镇（街道）" in page and region["town"].name in page
    assert "6403230001" in page and "宁ICP备05001234号" in page and "主办单位：演示县人民政府" in page


def test_agency_page_shows_the_guide_contact_block(client, region):
    update_agency(region["edu"], address="花马池镇盐州路1号", postcode="751500", phone="0953-6012345",
                  office_hours="工作日 8:30—12:00")
    page = client.get(reverse("portal:agency_detail", kwargs={"code": "edu"})).content.decode()
    assert "政府信息公开指南" in page
    for text in ("花马池镇盐州路1号", "751500", "0953-6012345", "工作日 8:30—12:00"):
        assert text in page


def test_dissolved_agencies_leave_the_public_directory(client, region):
    from datetime import date

    update_agency(region["health"], dissolved_on=date(2020, 1, 1))
    assert client.get(reverse("portal:agency_detail", kwargs={"code": "health"})).status_code == 404
    assert region["health"].name not in client.get(reverse("portal:agency_list")).content.decode()


def test_unknown_pages_get_a_chinese_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_server_errors_never_show_a_traceback():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "系统繁忙" in body and "Traceback" not in body


def test_the_stylesheet_is_served_without_a_cdn(client, region):
    page = client.get(reverse("portal:home")).content.decode()
    assert '<link rel="stylesheet" href="/static/gongkai/gongkai.css">' in page
    assert "http://" not in page.split("<body")[0] and "https://" not in page.split("<body")[0]
    css = client.get("/static/gongkai/gongkai.css")
    assert css.status_code == 200
    assert b"--red" in b"".join(css.streaming_content)


def test_the_portal_links_to_the_request_form(client, region):
    page = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("disclosure_public:index")}"' in page and "依申请公开" in page
