"""Search benchmark: builds a throw-away catalogue of N generated documents (demo.corpus) in SQLite and in
PostgreSQL, indexes it, and times count + ranked top 20 for each query class, beside a LIKE scan and
PostgreSQL pg_trgm, with recall against the LIKE scan. Writes the table into docs/benchmarks.md.

    .venv/bin/python bench/search.py --docs 200000
    .venv/bin/python bench/search.py --docs 1000000 --pg-url postgres://postgres@127.0.0.1:5432/postgres

The SQLite file goes to var/bench/; PostgreSQL gets a database `gongkai_bench_search` (dropped and created).
Documents are bulk-inserted as already published (not through the workflow service).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "2 字": ["扶贫", "低保", "医保", "防汛", "专项"],
    "3 字": ["专项债", "公示期", "合作社", "责任制"],
    "4 字": ["行政许可", "安全生产", "乡村振兴", "营商环境"],
    "多词": ["扶贫 资金", "安全生产 检查", "乡村振兴 项目", "低保 医保"],
    "常见词": ["政府", "公开"],
    "短语 5+ 字": ["人居环境整治", "盐池县人民政府办公室"],
    # Inside one agency's column (a department with ~5 % of the documents) and one 第二十条 item.
    "筛选": ["扶贫 @agency=bench-jyj", "政府 @agency=bench-jyj", "乡村振兴 @item=6", "扶贫 资金 @item=6"],
}


def query_of(entry: str):
    """'text @agency=CODE' or 'text @item=N' → (text, agency code or None, item or None)."""
    text, _, condition = entry.partition(" @")
    name, _, value = condition.partition("=")
    return text, value if name == "agency" else None, int(value) if name == "item" else None
PG_DATABASE = "gongkai_bench_search"
BATCH = 5000


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def ms(seconds):
    return f"{seconds * 1000:,.1f}"


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def setup_django(sqlite_path: Path, pg_url: str | None):
    os.environ.setdefault("GONGKAI_DEMO", "1")
    os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    import dj_database_url
    from django.conf import settings

    if pg_url:
        settings.DATABASES["pg"] = dj_database_url.parse(pg_url.rsplit("/", 1)[0] + "/" + PG_DATABASE)
    import django

    django.setup()


def create_pg_database(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")


def build_corpus(n: int, seed: int, aliases: list[str], log) -> int:
    """Agencies and N documents (95 % public) in every database alias; returns the public text in bytes."""
    from audit.context import acting_as
    from catalog.models import Document, Genre, Topic
    from demo.corpus import generate_documents
    from orgs.models import Agency, AgencyKind, AgencyLevel
    from orgs.services import create_agency

    with acting_as(None, label="基准测试"):
        root = create_agency(code="bench-gov", name="盐池县人民政府", kind=AgencyKind.GOVERNMENT,
                             level=AgencyLevel.COUNTY)
        slugs = {}
        for code in ("bgs", "jyj", "wjj", "zrj", "nyj", "hmc", "fgj", "mzj"):
            slugs[code] = create_agency(code=f"bench-{code}", name=f"盐池县{code}局", kind=AgencyKind.DEPARTMENT,
                                        level=AgencyLevel.COUNTY, parent=root)
    agencies = list(Agency.objects.order_by("pk"))
    for alias in aliases[1:]:
        Agency.objects.using(alias).bulk_create(agencies)
    # catalog migration 0002 seeds through the default database only, so other aliases get copies.
    for alias in aliases[1:]:
        if not Genre.objects.using(alias).exists():
            Topic.objects.using(alias).bulk_create(list(Topic.objects.order_by("pk")))
            Genre.objects.using(alias).bulk_create(list(Genre.objects.order_by("pk")))
    # Seeded rows may have other ids in each database: map codes per alias.
    genres = {alias: dict(Genre.objects.using(alias).values_list("code", "pk")) for alias in aliases}
    topics = {alias: dict(Topic.objects.using(alias).values_list("code", "pk")) for alias in aliases}
    text_bytes, batch, started = 0, [], time.perf_counter()
    for number, generated in enumerate(generate_documents(n, seed=seed), start=1):
        public = number % 20 != 0  # 5 % drafts / withdrawn: the public filter is never free
        row = Document(
            pk=number, publisher=slugs.get(generated.publisher_slug, root), title=generated.title,
            document_number=generated.document_number, summary=generated.summary, keywords=generated.keywords,
            kind=generated.kind, statutory_item=generated.statutory_item,
            body=generated.body, body_text=generated.body, written_on=generated.written_on,
            published_on=generated.published_on, status="published" if public else "draft",
            index_number=f"B-{number:07d}" if public else None)
        if public:
            text_bytes += sum(len(part.encode()) for part in (generated.title, generated.document_number,
                                                               generated.summary, generated.keywords, generated.body))
        batch.append((row, generated.genre_code, generated.topic_code))
        if len(batch) == BATCH or number == n:
            for alias in aliases:
                for document, genre, topic in batch:
                    document.genre_id = genres[alias].get(genre, genres[alias]["news"])
                    document.topic_id = topics[alias].get(topic)
                Document.objects.using(alias).bulk_create([document for document, _, _ in batch])
            batch = []
            log(f"\r文档入库 {number}/{n}（{time.perf_counter() - started:.0f} 秒）")
    log("\n")
    return text_bytes


def build_pg_backend(facts: dict, text_bytes: int) -> None:
    from django.db import connections

    from search.postgres import PostgresBackend

    def progress(done, total):
        if done % 50_000 < 500 or done == total:
            sys.stderr.write(f"\rPostgreSQL 索引 {done}/{total}")

    seconds, _ = timed(PostgresBackend("pg").rebuild, progress)
    sys.stderr.write("\n")
    with connections["pg"].cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('search_part')")
        size = cursor.fetchone()[0]
    facts["pg_build"] = f"{seconds:.0f} s"
    facts["pg_size"] = f"{size / 2**20:,.0f} MiB = {size / text_bytes:.2f} × text"


def sqlite_size(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return pages * cursor.fetchone()[0]


def like_ids(alias: str, terms, query) -> set[int]:
    """Ground truth: public documents (within the query's filters) where every term occurs in title, 文号,
    summary, keywords or body."""
    from search.base import filtered_public, like_condition

    documents = filtered_public(query, alias)
    for term in terms:
        documents = documents.filter(like_condition(term))
    return set(documents.values_list("pk", flat=True))


def fts_ids(backend, query, terms) -> set[int]:
    """Every document the SQLite index finds for the query (filters included)."""
    from django.db import connection

    from search.sqlite_fts import ID_MASK

    expression, where, params = backend._match(query, terms)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid & {ID_MASK} FROM search_fts WHERE search_fts MATCH %s{where}",  # noqa: S608
                       [expression, *params])
        return {row[0] for row in cursor.fetchall()}



def trgm_search(terms, agency_id=None, item=None) -> tuple[int, list[int]]:
    """pg_trgm baseline: count + newest 20 with `LIKE` (contains, never ILIKE) on the indexed concatenation."""
    from django.db import connections

    where = " AND ".join(["(title || E'\\n' || document_number || E'\\n' || summary || E'\\n' || keywords "
                          "|| E'\\n' || body_text) LIKE %s"] * len(terms))
    params = ["%" + term.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for term in terms]
    public = "status = 'published' AND disclosure_attribute = 'proactive'"
    if agency_id is not None:  # the bench's departments have no sub-agencies
        public += f" AND publisher_id = {int(agency_id)}"
    if item is not None:
        public += f" AND statutory_item = {int(item)}"
    with connections["pg"].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM catalog_document WHERE {public} AND {where}", params)
        total = cursor.fetchone()[0]
        cursor.execute(f"SELECT id FROM catalog_document WHERE {public} AND {where} "
                       "ORDER BY published_on DESC, id DESC LIMIT 20", params)
        return total, [row[0] for row in cursor.fetchall()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query on the indexes")
    parser.add_argument("--like-repeat", type=int, default=1, help="timed runs of each LIKE / pg_trgm query")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a maintenance database URL; 'none' skips PostgreSQL")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the SQLite file and PostgreSQL database (builds our PostgreSQL backend if the "
                             "earlier run left it out and --pg-backend is on)")
    parser.add_argument("--pg-backend", action=argparse.BooleanOptionalAction, default=True,
                        help="also build and time our PostgreSQL bigram backend (pg_trgm is always timed with "
                             "PostgreSQL); at 1M its build takes ~45 min here")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    pg_url = None if args.pg_url == "none" else args.pg_url
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    sqlite_path = workdir / f"search-{args.docs}.sqlite3"
    facts_path = workdir / f"search-{args.docs}.facts.json"

    def log(text):
        sys.stderr.write(text)
        sys.stderr.flush()

    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        if pg_url:
            create_pg_database(pg_url)
    setup_django(sqlite_path, pg_url)
    from django.core.management import call_command
    from django.db import connection, connections

    from orgs.models import Agency
    from search.like import LikeBackend
    from search.postgres import PostgresBackend
    from search.query import parse
    from search.services import SearchQuery, search
    from search.sqlite_fts import BM25_LIMIT, BM25_TERM_LIMIT, SqliteFtsBackend

    aliases = ["default", "pg"] if pg_url else ["default"]
    # Build facts survive in a file so that a --reuse run (queries only) can still report them.
    facts: dict[str, str] = json.loads(facts_path.read_text()) if args.reuse and facts_path.exists() else {}
    if not args.reuse:
        for alias in aliases:
            call_command("migrate", database=alias, verbosity=0)
        seconds, text_bytes = timed(build_corpus, args.docs, args.seed, aliases, log)
        facts["corpus"] = f"{seconds:.0f} s"
        before = sqlite_size(connection)

        def progress(done, total):
            if done % 50_000 < 1000 or done == total:
                log(f"\rSQLite 索引 {done}/{total}")

        seconds, _ = timed(SqliteFtsBackend().rebuild, progress)
        log("\n")
        after = sqlite_size(connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB))) FROM search_entry")
            copy = cursor.fetchone()[0] or 0
        facts["sqlite_build"] = f"{seconds:.0f} s"
        facts["sqlite_size"] = (f"{(after - before) / 2**20:,.0f} MiB = {(after - before) / text_bytes:.2f} × text "
                                f"(of which the raw-text copy for deletes ≈ {copy / text_bytes:.2f} ×)")
        if pg_url:
            pg = connections["pg"]
            if args.pg_backend:
                build_pg_backend(facts, text_bytes)
            started = time.perf_counter()
            with pg.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("CREATE INDEX bench_trgm ON catalog_document USING gin ((title || E'\\n' || "
                               "document_number || E'\\n' || summary || E'\\n' || keywords || E'\\n' || body_text) "
                               "gin_trgm_ops)")
                cursor.execute("ANALYZE catalog_document")
                cursor.execute("SELECT pg_relation_size('bench_trgm')")
                size = cursor.fetchone()[0]
            facts["trgm_build"] = f"{time.perf_counter() - started:.0f} s"
            facts["trgm_size"] = f"{size / 2**20:,.0f} MiB = {size / text_bytes:.2f} × text"
        facts["text"] = f"{text_bytes / 2**20:,.0f} MiB"
        facts["text_bytes"] = text_bytes
        facts_path.write_text(json.dumps(facts))
    elif pg_url and args.pg_backend and "pg_build" not in facts:
        # The earlier run left our PostgreSQL backend out: build it now on the same documents.
        call_command("migrate", database="pg", verbosity=0)
        if "text_bytes" not in facts:
            with connection.cursor() as cursor:
                cursor.execute("SELECT sum(length(CAST(title AS BLOB)) + length(CAST(document_number AS BLOB)) "
                               "+ length(CAST(summary AS BLOB)) + length(CAST(keywords AS BLOB)) "
                               "+ length(CAST(body AS BLOB))) FROM catalog_document WHERE id % 20 != 0")
                facts["text_bytes"] = cursor.fetchone()[0]
        build_pg_backend(facts, facts["text_bytes"])
        facts_path.write_text(json.dumps(facts))

    facts["load_before"] = f"{os.getloadavg()[0]:.1f}"
    sqlite_backend = SqliteFtsBackend()
    like_backend = LikeBackend()
    pg_backend = PostgresBackend("pg") if pg_url and "pg_build" in facts else None
    rows = []
    for label, texts in QUERIES.items():
        timing = {key: [] for key in ("count", "top", "both", "api", "like", "pg", "trgm")}
        found = expected = hit = 0
        exact_total = True
        for entry in texts:
            text, agency_code, item = query_of(entry)
            agency = Agency.objects.get(code=agency_code) if agency_code else None
            terms = parse(text)
            query = SearchQuery(text=text, agency_path=agency.path if agency else None, statutory_item=item)
            log(f"{label} {entry} …")
            truth = like_ids("default", terms, query)
            ours = fts_ids(sqlite_backend, query, terms)
            expected += len(truth)
            found += len(ours)
            hit += len(truth & ours)
            for _ in range(args.repeat):
                seconds, total = timed(sqlite_backend.count, query, terms)
                timing["count"].append(seconds)
                exact_total &= total == len(truth)
                timing["top"].append(timed(sqlite_backend.page, query, terms, total)[0])
                timing["both"].append(timing["count"][-1] + timing["top"][-1])
                timing["api"].append(timed(search, query, sqlite_backend)[0])
                if pg_backend:
                    seconds, result = timed(search, query, pg_backend)
                    timing["pg"].append(seconds)
                    exact_total &= result.total == len(truth)
            for _ in range(args.like_repeat):
                seconds, result = timed(search, query, like_backend)
                timing["like"].append(seconds)
                exact_total &= result.total == len(truth)
                if pg_url:
                    seconds, (total, _) = timed(trgm_search, terms, agency.pk if agency else None, item)
                    timing["trgm"].append(seconds)
                    exact_total &= total == len(truth)
            log(f" {len(truth)} 篇\n")
        recall = hit / expected if expected else 1.0
        precision = hit / found if found else 1.0
        rows.append((label, " · ".join(texts), expected // len(texts), timing, recall, precision, exact_total))

    facts["load_after"] = f"{os.getloadavg()[0]:.1f}"

    def cell(values):
        return f"{ms(statistics.median(values))} / {ms(percentile(values, 0.95))}" if values else "—"

    lines = [
        "## 搜索 / Search",
        "",
        f"{args.docs:,} generated documents (demo.corpus, seed {args.seed}, 95 % public, mean body ~500 "
        f"characters), {os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
        f"{connection.cursor().connection.execute('select sqlite_version()').fetchone()[0]}"
        + (", PostgreSQL " + connections["pg"].cursor().connection.info.parameter_status("server_version")
           if pg_url else "") + f", {date.today().isoformat()}. Reproduce with:",
        "",
        "    " + " ".join(["DATABASE_URL= .venv/bin/python bench/search.py", f"--docs {args.docs}",
                           f"--repeat {args.repeat}"] + ([f"--pg-url {pg_url}"] if pg_url else ["--pg-url none"])
                          + ([] if pg_backend or not pg_url else ["--no-pg-backend"])),
        "",
    ]
    lines.append(f"* Load average (1 min) before the queries {facts['load_before']}, after {facts['load_after']}.")
    if "sqlite_build" in facts:
        lines += [
            f"* Public text indexed: {facts['text']}; corpus generation and insert: {facts['corpus']}.",
            f"* SQLite FTS5 bigram index (default backend): build {facts['sqlite_build']}, size {facts['sqlite_size']}.",
        ]
        if "pg_build" in facts:
            lines += [
                f"* PostgreSQL bigram tsvector + GIN (production backend): build {facts['pg_build']}, size {facts['pg_size']}.",
            ]
        if "trgm_build" in facts:
            lines += [
                f"* pg_trgm GIN over the same text (baseline): build {facts['trgm_build']}, size {facts['trgm_size']}.",
            ]
    lines += [
        f"* Times in ms, median / p95 over {args.repeat} runs of each query (LIKE and pg_trgm: {args.like_repeat}). "
        "\"count\" = exact total; \"top 20\" = ranked page given the total; \"search()\" = the portal's call "
        "(count + top 20 + loading the 20 documents and their snippets). Relevance ranking: BM25 when the total "
        f"≤ {BM25_LIMIT:,} and no term of several bigrams is in more than {BM25_TERM_LIMIT:,} documents, else "
        "title hits first then newest (docs/search.md).",
        "* Recall / precision: the SQLite index's full match set against a LIKE scan of the same public documents.",
        "",
        "| Class | Queries | Mean matches | FTS5 count | FTS5 top 20 | FTS5 count + top 20 | FTS5 search() "
        "| PG bigram search() | LIKE scan (SQLite) | pg_trgm LIKE | Recall / precision | Totals exact |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, texts, mean, timing, recall, precision, exact in rows:
        lines.append(f"| {label} | {texts} | {mean:,} | {cell(timing['count'])} | {cell(timing['top'])} "
                     f"| {cell(timing['both'])} | {cell(timing['api'])} | {cell(timing['pg'])} | {cell(timing['like'])} "
                     f"| {cell(timing['trgm'])} | {recall:.3f} / {precision:.3f} | {'yes' if exact else 'NO'} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", table)


def write_section(path: Path, section: str) -> None:
    """Replace (or append) the section headed by the first line of `section` (e.g. "## 搜索 / Search"),
    leaving the other sections alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    start = text.find(section.split("\n", 1)[0] + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
