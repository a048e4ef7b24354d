"""No raw codes where a person reads (issue 19): walk the workbench from the 待办 desk as the 公开办负责人 (who
sees most) and as a handler, following every workbench link, and look at the visible text of each page —
no action codes ("catalog.document.create"), cell ids ("t3.closed_total.natural_person"), check or rule
ids ("missing_row", "homepage_freshness", "T3-E01") or "---------" placeholders. Codes may stay in
attributes (title tooltips, values)."""

import re
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from monitoring import services as monitoring_services
from reports import services as report_services

from .test_desk import TODAY, freeze

RAW = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z0-9_]+\b"  # dotted codes: actions, cell ids, query names
                 r"|\b[a-z]+_[a-z_]+\b"  # snake_case: check codes, rule ids, field names
                 r"|\b[A-Z]{1,3}\d?-[EWIU]\d\d\b"  # report check codes
                 r"|-{5,}")  # Django's empty choice
SKIP = ("/logout/", ".xlsx", ".pdf", ".docx", ".csv", ".json", "/export", "/download", "template")
LIMIT = 150


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def crawl(client) -> dict[str, list[str]]:
    found, todo, done = {}, [reverse("workbench:home")], set()
    while todo and len(done) < LIMIT:
        url = todo.pop(0)
        if url in done:
            continue
        done.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        hits = sorted(set(RAW.findall(visible(html))))
        if hits:
            found[url] = hits
        for href in re.findall(r'href="(/workbench/[^"#]*)"', html):
            href = href.replace("&amp;", "&")
            if href not in done and not any(s in href for s in SKIP):
                todo.append(href)
    assert len(done) > 20, done  # the walk reached the apps' pages, not just the desk
    return found


def test_the_workbench_shows_no_raw_codes(desk, client, monkeypatch, region):
    freeze(monkeypatch, TODAY)
    head = desk["people"]["head"]
    draft = report_services.create_draft(region["county"], TODAY.year - 1, [region["county"], region["edu"]], head)
    report_services.enter_figures(region["edu"], TODAY.year - 1, {"t2.fees.amount": "0.05"}, head, source="表单")
    assert draft.pk
    monitoring_services.run_checks(today=timezone.localdate())
    for who in ("head", "handler"):
        client.force_login(desk["people"][who])
        found = crawl(client)
        assert found == {}, (who, found)
