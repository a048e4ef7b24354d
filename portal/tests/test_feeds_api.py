"""Atom feeds, the sitemap and the read-only JSON API with its OpenAPI description."""

import json
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own responses
from datetime import date

import pytest
from django.urls import reverse

from catalog import services

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def docs(region, publish, genres):
    made = {
        "notice": publish(region["edu"], title="教育局通知", genre="notice", on=date(2024, 5, 6), statutory_item=11),
        "policy": publish(region["edu"], title="教育局规范性文件", on=date(2024, 4, 1), kind="normative_document",
                          document_number="盐教发〔2024〕3号"),
        "health": publish(region["health"], title="卫健局动态", genre="news", on=date(2024, 6, 1), statutory_item=13),
        "withdrawn": publish(region["edu"], title="撤回的通知", genre="notice", on=date(2024, 7, 1)),
    }
    made["reading"] = publish(region["edu"], title="规范性文件解读", genre="interpretation", on=date(2024, 4, 2))
    services.link_interpretation(made["reading"], [made["policy"]])
    services.withdraw(made["withdrawn"], reason="错发")
    made["draft"] = services.create_draft(publisher=region["edu"], title="草稿", genre=genres["notice"]).document
    return made


def parse(content):
    return ET.fromstring(content)  # noqa: S314 - our own responses, not untrusted input


def feed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = parse(response.content)
    return root.find(f"{ATOM}title").text, [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")], root


def test_region_feed(client, docs):
    title, entries, root = feed_titles(client, reverse("portal:feed_latest"))
    assert "最新公开信息" in title
    assert entries == ["卫健局动态", "教育局通知", "规范性文件解读", "教育局规范性文件"]
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").endswith(reverse("portal:document", args=[docs["health"].pk]))
    assert entry.find(f"{ATOM}id").text == f"urn:gongkai:document:{docs['health'].index_number}"
    assert entry.find(f"{ATOM}published").text.startswith("2024-06-01")


def test_agency_and_item_feeds(client, docs, region):
    title, entries, _root = feed_titles(client, reverse("portal:feed_agency", args=["edu"]))
    assert title == "演示县教育局 · 政府信息公开"
    assert entries == ["教育局通知", "规范性文件解读", "教育局规范性文件"]
    title, entries, _root = feed_titles(client, reverse("portal:feed_agency_item", args=["edu", 11]))
    assert "第二十条（十一）" in title and entries == ["教育局通知"]
    assert client.get(reverse("portal:feed_agency_item", args=["edu", 16])).status_code == 404
    assert client.get(reverse("portal:feed_agency", args=["nobody"])).status_code == 404


def test_sitemap_lists_agencies_and_public_documents(client, docs, region):
    index = client.get(reverse("portal:sitemap"))
    assert index.status_code == 200
    sections = [e.text for e in parse(index.content).iter(f"{SITEMAP}loc")]
    assert any(s.endswith("/sitemap-agencies.xml") for s in sections)
    assert any(s.endswith("/sitemap-documents.xml") for s in sections)
    urls = [e.text for e in parse(client.get("/sitemap-documents.xml").content).iter(f"{SITEMAP}loc")]
    expected = {f"http://testserver/documents/{docs[k].pk}/" for k in ("notice", "policy", "health", "reading")}
    assert set(urls) == expected
    agencies = [e.text for e in parse(client.get("/sitemap-agencies.xml").content).iter(f"{SITEMAP}loc")]
    assert "http://testserver/agencies/edu/" in agencies
    assert client.get("/sitemap-nothing.xml").status_code == 404


STAFF_ONLY = {"withdrawn_reason", "withdrawn_at", "created_by", "status", "disclosure_attribute",
              "withholding_ground", "legal_basis", "review_due_on", "publication_lag_wd", "late_reason",
              "publish_deadline_wd", "interpretation_not_needed", "created_at", "formed_or_changed_on", "body_text"}


def api(client, name, *args, status=200, **params):
    response = client.get(reverse(f"portal:{name}", args=args), params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_api_lists_only_public_documents_without_staff_fields(client, docs):
    data = api(client, "api_documents")
    assert [d["title"] for d in data["results"]] == ["卫健局动态", "教育局通知", "规范性文件解读", "教育局规范性文件"]
    assert data["next"] is None and data["page_size"] == 20
    for item in data["results"]:
        assert not STAFF_ONLY & set(item)
    first = data["results"][1]
    assert first["index_number"] == docs["notice"].index_number and first["published_on"] == "2024-05-06"
    assert first["genre"] == {"code": "notice", "name": "通知公告"}
    assert first["statutory_item"]["number"] == 11 and first["publisher"]["code"] == "edu"
    assert first["url"] == f"http://testserver/documents/{docs['notice'].pk}/"


def test_api_filters_and_errors(client, docs):
    assert [d["title"] for d in api(client, "api_documents", agency="health")["results"]] == ["卫健局动态"]
    assert [d["title"] for d in api(client, "api_documents", genre="interpretation")["results"]] == ["规范性文件解读"]
    assert [d["title"] for d in api(client, "api_documents", item="13", year="2024")["results"]] == ["卫健局动态"]
    error = api(client, "api_documents", status=400, item="99")
    assert error["errors"] == {"item": "第二十条事项应为 1 至 15。"}
    assert "page_size" in api(client, "api_documents", status=400, page_size="101")["detail"]
    assert api(client, "api_documents", status=400, cursor="!!!")["detail"] == "cursor 无效。"
    assert client.post(reverse("portal:api_documents")).status_code == 405


def test_api_cursor_pagination_walks_everything_once(client, region, publish):
    made = [publish(region["edu"], title=f"信息{i}", on=date(2024, 3, 1 + i // 3)) for i in range(11)]
    seen, url, pages = [], reverse("portal:api_documents") + "?page_size=4&agency=edu", 0
    while url:
        data = json.loads(client.get(url).content)
        assert len(data["results"]) <= 4
        seen += [d["id"] for d in data["results"]]
        url, pages = data["next"], pages + 1
        assert url is None or "agency=edu" in url
    expected = sorted(made, key=lambda d: (d.published_on, d.pk), reverse=True)
    assert seen == [d.pk for d in expected] and pages == 3


def test_api_detail_by_id_or_index_number(client, docs):
    by_id = api(client, "api_document", str(docs["policy"].pk))
    by_index = api(client, "api_document", docs["policy"].index_number)
    assert by_id == by_index and "/" in docs["policy"].index_number
    assert by_id["document_number"] == "盐教发〔2024〕3号" and by_id["body_html"].startswith("<p>")
    assert [d["title"] for d in by_id["interpretations"]] == ["规范性文件解读"]
    assert not STAFF_ONLY & set(by_id)
    reading = api(client, "api_document", str(docs["reading"].pk))
    assert [d["title"] for d in reading["interprets"]] == ["教育局规范性文件"]
    assert api(client, "api_document", str(docs["withdrawn"].pk), status=410)["detail"].startswith("该信息已被")
    assert api(client, "api_document", docs["withdrawn"].index_number, status=410)
    api(client, "api_document", str(docs["draft"].pk), status=404)
    api(client, "api_document", "no/such-number", status=404)


def test_api_agencies(client, region):
    data = api(client, "api_agencies")
    codes = [a["code"] for a in data["results"]]
    assert "edu" in codes and "county" in codes
    edu = next(a for a in data["results"] if a["code"] == "edu")
    assert edu["parent"] == "county" and edu["kind"]["label"] == "政府部门" and "phone" in edu["contact"]
    assert set(edu) == {"code", "name", "short_name", "kind", "level", "parent", "url", "contact"}


def _resolve_refs(node, spec, seen):
    if isinstance(node, dict):
        if "$ref" in node:
            path = node["$ref"].removeprefix("#/").split("/")
            target = spec
            for part in path:
                target = target[part]
            seen.add(node["$ref"])
        for value in node.values():
            _resolve_refs(value, spec, seen)
    elif isinstance(node, list):
        for value in node:
            _resolve_refs(value, spec, seen)


def test_openapi_document_describes_every_api_route(client, docs):
    spec = api(client, "api_openapi")
    assert spec["openapi"].startswith("3.") and spec["info"]["title"]
    assert set(spec["paths"]) == {"/api/v1/documents/", "/api/v1/documents/{key}/", "/api/v1/agencies/",
                                  "/api/v1/annual-reports/{code}/{year}.json"}
    refs = set()
    _resolve_refs(spec, spec, refs)  # every $ref points at a defined schema
    assert "#/components/schemas/DocumentSummary" in refs
    # The documented fields are the fields served.
    summary_fields = set(spec["components"]["schemas"]["DocumentSummary"]["allOf"][1]["properties"])
    summary_fields |= set(spec["components"]["schemas"]["DocumentRef"]["properties"])
    served = api(client, "api_documents")["results"][0]
    assert set(served) == summary_fields
    detail_fields = summary_fields | set(spec["components"]["schemas"]["Document"]["allOf"][1]["properties"])
    assert set(api(client, "api_document", str(docs["policy"].pk))) == detail_fields
    params = {p["name"] for p in spec["paths"]["/api/v1/documents/"]["get"]["parameters"]}
    assert {"agency", "topic", "genre", "item", "year", "validity", "page_size", "cursor"} <= params


def test_api_human_page(client, db):
    page = client.get(reverse("portal:api_index")).content.decode()
    for text in ("/api/v1/documents/", "/api/v1/agencies/", "/api/v1/openapi.json", "page_size", "游标"):
        assert text in page
