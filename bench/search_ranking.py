"""Search ranking and phrase-count benchmark on the SQLite index: the relevance order of search.sqlite_fts (title
tiers, then newest) beside the two orders it replaced — FTS5's exact BM25 (`bm25()`, title weighted 10) and
the earlier title-first order (titles holding every term newest first, then every other match newest first) —
on the same index, the same queries and in the same run; and the count of each query with the whole
expression under a `{title body}` column filter (the earlier form) beside the form without it (the current).

    .venv/bin/python bench/search.py --docs 200000 --pg-url none --no-write   # builds the corpus, once
    .venv/bin/python bench/search_ranking.py --docs 200000   # var/bench/gongkai_bench_search-200000.sqlite3
    .venv/bin/python bench/search_ranking.py --sqlite PATH --no-write

The database is the one bench/search.py builds (and indexes), found by the same --name and --docs. Relevance columns, per class
(mean over its queries): “全在标题” the share of the top 20 whose title holds every query word; “稀有词在标题”
the share whose title holds the query's rarest word (fewest documents); “与 BM25 重合” the share of the top 20
also in the exact BM25 top 20.
"""

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
bench_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_search)  # its query classes, setup, percentile and write_section

TOP = 20


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200_000, help="picks var/bench/<name>-<docs>.sqlite3")
    parser.add_argument("--name", default=bench_search.PG_DATABASE, help="bench/search.py's --name")
    parser.add_argument("--sqlite", type=Path, default=None, help="another SQLite file built by bench/search.py")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query and order")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    path = args.sqlite or ROOT / "var" / "bench" / f"{args.name}-{args.docs}.sqlite3"
    if not path.exists():
        sys.exit(f"{path} 不存在：先运行 bench/search.py --docs {args.docs} --name {args.name} 建库。")
    bench_search.setup_django(path.resolve(), None)
    from django.db import connection

    from catalog.models import Document
    from orgs.models import Agency
    from search.query import parse
    from search.services import SearchQuery
    from search.sqlite_fts import ID_MASK, SqliteFtsBackend, match_expression

    backend = SqliteFtsBackend()
    cursor = connection.cursor()

    def bm25(query, terms, filters):
        expression, where, params = backend._match(query, terms, filters=filters)
        cursor.execute(f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s{where} "  # noqa: S608
                       "ORDER BY bm25(search_fts, 10.0, 1.0, 0.0), rowid DESC LIMIT %s", [expression, *params, TOP])
        return [row[0] & ID_MASK for row in cursor.fetchall()]

    def title_first(query, terms, filters):
        in_title = backend._newest(cursor, query, terms, "search_title_fts", TOP, filters)
        if len(in_title) < TOP:
            seen = set(in_title)
            in_title += [key for key in backend._newest(cursor, query, terms, "search_fts", 2 * TOP, filters)
                         if key not in seen][:TOP - len(in_title)]
        return [key & ID_MASK for key in in_title]

    def tiers(query, terms, filters):
        return [document_id for document_id, _ in backend._by_tiers(cursor, query, terms, filters)]

    def count(query, terms, filters, column_filter):
        facets, where, params = filters
        expression = match_expression(terms)
        if column_filter:
            expression = "{title body} : (" + expression + ")"
        cursor.execute(f"SELECT count(*) FROM search_fts WHERE search_fts MATCH %s{where.format(t='search_fts')}",  # noqa: S608
                       [f"({expression}){facets}", *params])
        return cursor.fetchone()[0]

    orders = {"标题分层（现行）": tiers, "BM25（精确）": bm25, "标题优先（原）": title_first}
    counts = {"有列过滤（原）": True, "无列过滤（现行）": False}
    rows = []
    for name, entries in bench_search.QUERIES.items():
        times = {label: [] for label in [*orders, *counts]}
        relevance = {label: {"all": [], "rare": [], "overlap": []} for label in orders}
        for entry in entries:
            text, agency, item = bench_search.query_of(entry)
            agency_path = Agency.objects.get(code=agency).path if agency else None
            query = SearchQuery(text=text, agency_path=agency_path, statutory_item=item, limit=TOP)
            terms = parse(text)
            filters = backend._filters(query)
            frequencies = backend._term_df(cursor, terms)
            rarest = terms[min(range(len(terms)), key=frequencies.__getitem__)].text
            pages, totals = {}, set()
            for _ in range(args.repeat):
                for label, function in orders.items():
                    started = time.perf_counter()
                    pages[label] = function(query, terms, filters)
                    times[label].append(time.perf_counter() - started)
                for label, column_filter in counts.items():
                    started = time.perf_counter()
                    totals.add(count(query, terms, filters, column_filter))
                    times[label].append(time.perf_counter() - started)
            assert len(totals) == 1, (entry, totals)  # both count forms count the same documents
            reference = set(pages["BM25（精确）"])
            for label, ids in pages.items():
                titles = dict(Document.objects.filter(pk__in=ids).values_list("pk", "title"))
                folded = {pk: title.lower() for pk, title in titles.items()}
                relevance[label]["all"].append(sum(all(t.text in folded[i] for t in terms) for i in ids) / TOP)
                relevance[label]["rare"].append(sum(rarest in folded[i] for i in ids) / TOP)
                relevance[label]["overlap"].append(len(reference & set(ids)) / TOP)
        rows.append((name, times, relevance))

    def cell(values):
        return f"{statistics.median(values) * 1000:,.1f} / {bench_search.percentile(values, 0.95) * 1000:,.1f}"

    documents = Document.objects.public().count()
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        "## 检索排序与计数 / Search ranking and counts",
        "",
        f"`.venv/bin/python bench/search_ranking.py --docs {args.docs} --repeat {args.repeat}` on {date.today()}, "
        f"{platform.machine()}, {platform.python_version()}, SQLite index of bench/search.py's corpus "
        f"({documents:,} public documents), load average at the end {load} (1 / 5 / 15 min: on a shared machine "
        f"compare within a row, not across runs). Times in ms, median / p95 over the class's queries × {args.repeat} "
        "runs, top 20 only (no count, no snippets). Relevance per class, mean over its queries: 全在标题 = share "
        "of the top 20 whose title holds every query word; 稀有词在标题 = share whose title holds the query's "
        "rarest word; 与 BM25 重合 = share also in the exact BM25 top 20. Counts: the same total either way "
        "(checked); only the column filter differs. Same run, same index, interleaved.",
        "",
        "| 类别 | " + " | ".join(f"{label} ms" for label in orders) + " | "
        + " | ".join(f"{label} 全在标题 / 稀有词在标题 / 与 BM25 重合" for label in orders) + " | "
        + " | ".join(f"计数 {label} ms" for label in counts) + " |",
        "|---|" + "---:|" * (2 * len(orders) + len(counts)),
    ]
    for name, times, relevance in rows:
        shares = [" / ".join(f"{statistics.mean(relevance[label][key]):.2f}" for key in ("all", "rare", "overlap"))
                  for label in orders]
        lines.append(f"| {name} | " + " | ".join(cell(times[label]) for label in orders) + " | "
                     + " | ".join(shares) + " | " + " | ".join(cell(times[label]) for label in counts) + " |")
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_write:
        bench_search.write_section(ROOT / "docs" / "benchmarks.md", table)


if __name__ == "__main__":
    main()
