"""Catalogue page benchmark: server time of the public catalogue pages with N documents in the database.

Requests go through Django's full stack in process (URL routing, middleware, view, queries, template), so the
time is what the server spends, without the network. Each list page is also computed the plain way, Django's
Paginator (an exact COUNT(*) and OFFSET), on the same query and in the same run: the baseline.

    .venv/bin/python bench/catalog_page.py                      # reuses var/bench/search-1000000.sqlite3
    .venv/bin/python bench/catalog_page.py --docs 200000        # or var/bench/search-200000.sqlite3

The database is the one bench/search.py builds (9 agencies, 95 % of the documents public, published
2019–2024); when it is missing, this script generates the documents itself (without a search index).
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search import build_corpus, percentile, setup_django, write_section  # noqa: E402  (bench/search.py)

PAGE_SIZE = 20


def timed_ms(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def plain_page(queryset, number: int):
    """The baseline: what a stock ListView does for the same list."""
    from django.core.paginator import Paginator

    page = Paginator(queryset, PAGE_SIZE).get_page(number)
    return page.paginator.count, list(page.object_list)


def scenarios(agency_codes: list[str], topic_code: str, genre_code: str, document_ids: list[int]):
    """(label, [url, …], baseline query builder or None)."""
    from catalog.models import StatutoryItem

    items = [int(value) for value in StatutoryItem.values]
    this_year = date.today().year
    return [
        ("首页（各栏目最新）", ["/"], None),
        ("全区目录 第 1 页", ["/catalogue/"], {}),
        ("全区目录 第 2–50 页", [f"/catalogue/?page={n}" for n in (2, 10, 25, 50)], {}),
        ("全区目录 第 500 页（最深）", ["/catalogue/?page=500"], {}),
        ("按第二十条事项", [f"/catalogue/?item={item}" for item in items], {"item": None}),
        ("按主题 / 体裁 / 年份", [f"/catalogue/?topic={topic_code}", f"/catalogue/?genre={genre_code}",
                             f"/catalogue/?year={this_year - 3}"], {}),
        ("组合筛选（机构+事项+年份）", [f"/catalogue/?agency={code}&item={items[0]}&year_from={this_year - 5}"
                                 for code in agency_codes[:4]], {}),
        ("机构栏目 法定主动公开内容", [f"/agencies/{code}/statutory/{item}/" for code in agency_codes[:3]
                                for item in (1, 6, 12)], None),
        ("机构栏目首页", [f"/agencies/{code}/" for code in agency_codes[:4]], None),
        ("文档页", [f"/documents/{pk}/" for pk in document_ids], None),
        ("Atom 订阅 / JSON API", ["/feeds/latest/", "/api/v1/documents/", "/api/v1/documents/?page=100"], None),
    ]


def baseline_for(url: str):
    """The plain Paginator over the same filtered query as the catalogue view."""
    from django.http import QueryDict

    from portal.catalogue import int_or_none, parse_filters, public_documents

    query = QueryDict(url.split("?", 1)[1] if "?" in url else "")
    filters = parse_filters(query)
    return lambda: plain_page(filters.apply(public_documents()), int_or_none(query.get("page", "")) or 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests of each URL per cache state")
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--database", type=Path, help="SQLite file (default var/bench/search-<docs>.sqlite3)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    path = args.database or ROOT / "var" / "bench" / f"search-{args.docs}.sqlite3"
    fresh = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    setup_django(path, None)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from catalog.models import Document, Genre, Topic
    from orgs.models import Agency

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)  # on a kept file: applies any newer migration (e.g. an index)
    if fresh:
        build_corpus(args.docs, 1, ["default"], lambda text: sys.stderr.write(text))
    documents = Document.objects.count()
    public = Document.objects.public().count()
    agency_codes = list(Agency.objects.exclude(parent=None).order_by("code").values_list("code", flat=True))
    topic = Topic.objects.filter(parent=None).order_by("code").first()
    genre = Genre.objects.get(code="notice")
    rng = random.Random(7)
    top = Document.objects.public().order_by("-pk").values_list("pk", flat=True).first()
    document_ids = [pk for pk in (rng.randint(1, top) for _ in range(60)) if pk % 20 != 0][:20]
    client = Client()
    load_before = os.getloadavg()[0]

    rows = []
    for label, urls, baseline in scenarios(agency_codes, topic.code, genre.code, document_ids):
        sys.stderr.write(f"{label} …\n")
        cold, warm, base, status = [], [], [], set()
        for url in urls:
            client.get(url)  # warm-up: imports and compiled templates are not what is measured
            for _ in range(args.repeat):
                cache.clear()  # every count and cached fragment computed again: the first visitor's time
                response = None

                def get(u=url):
                    nonlocal response
                    response = client.get(u)
                cold.append(timed_ms(get))
                status.add(response.status_code)
            for _ in range(args.repeat):
                warm.append(timed_ms(lambda u=url: client.get(u)))
            if baseline is not None:
                run = baseline_for(url)
                for _ in range(args.baseline_repeat):
                    base.append(timed_ms(run))
        rows.append((label, len(urls), cold, warm, base, sorted(status)))

    def cell(values):
        return f"{statistics.median(values):,.1f} / {percentile(values, 0.95):,.1f}" if values else "—"

    with connection.cursor() as cursor:
        version = cursor.execute("select sqlite_version()").fetchone()[0]
    lines = [
        "## 目录页面 / Catalogue pages",
        "",
        f"{documents:,} documents in the database ({public:,} public; the corpus of bench/search.py: 9 agencies, "
        f"published 2019–2024), {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {version}, "
        f"{date.today().isoformat()}. Load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after. "
        "Reproduce with:",
        "",
        f"    .venv/bin/python bench/catalog_page.py --docs {args.docs} --repeat {args.repeat}",
        "",
        "* Server time in ms, median / p95, of a full request through Django in process (routing, middleware, "
        f"view, queries, template); {args.repeat} requests per URL. \"Cold\": the cache emptied before every "
        "request, so every count is computed again; \"warm\": the cached counts of the last two minutes hit.",
        "* Baseline: Django's stock Paginator over the same filtered query (exact COUNT(*) + OFFSET), the query "
        f"work alone without rendering, {args.baseline_repeat} runs per URL.",
        "",
        "| Page | URLs | Status | Ours, cold cache | Ours, warm cache | Baseline: Paginator (queries only) |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for label, count, cold, warm, base, status in rows:
        lines.append(f"| {label} | {count} | {', '.join(map(str, status))} | {cell(cold)} | {cell(warm)} "
                     f"| {cell(base)} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", table)


if __name__ == "__main__":
    main()
