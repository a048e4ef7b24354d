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
import re
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
# tix: the product's tantivy backend (search.tantivy_index) on the PostgreSQL copy, the default there;
# tantivy: the peer below, built straight from the documents.
BACKENDS = "sqlite,pg,tix,tantivy,like,trgm"
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


def drop_pg_database(pg_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


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
        cursor.execute("SELECT pg_total_relation_size('search_doc') + pg_total_relation_size('search_df')")
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



class TantivyPeer:
    """The peer: tantivy (PyPI `tantivy`, a Lucene-class engine embedded in-process) over the same bigram
    token text (search.bigrams.token_text, whitespace tokenizer, positions), title field boosted 10 × over
    the body, Okapi BM25 (k1 1.2, b 0.75), exact count. Filters are `facets` tokens (@p<publisher>,
    @i<第二十条 item>). Kept as the reference the product's own tantivy backend (search.tantivy_index, "tix" here)
    is measured beside: the same engine, written and read through the product's code."""

    def __init__(self, path: Path):
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("title", tokenizer_name="whitespace", index_option="position")
        builder.add_text_field("body", tokenizer_name="whitespace", index_option="position")
        builder.add_text_field("facets", tokenizer_name="whitespace", index_option="basic")
        builder.add_integer_field("doc_id", stored=True, fast=True)
        builder.add_integer_field("key", fast=True)
        self.schema = builder.build()
        if path.exists():
            for child in path.iterdir():
                child.unlink()
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.index = tantivy.Index(self.schema, path=str(path))

    def build(self, alias: str = "default") -> int:
        from catalog.models import Document
        from search.base import attachment_texts, indexed_text
        from search.bigrams import token_text
        from search.sqlite_fts import document_key

        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        last, done = 0, 0
        public = Document.objects.using(alias).public()
        while True:
            batch = list(public.filter(pk__gt=last).order_by("pk")[:2000])
            if not batch:
                break
            last = batch[-1].pk
            texts = attachment_texts([document.pk for document in batch], alias)
            for document in batch:
                title, body = indexed_text(document, texts.get(document.pk, []))
                facets = f"@p{document.publisher_id}" + (
                    f" @i{document.statutory_item}" if document.statutory_item is not None else "")
                writer.add_document(self.tantivy.Document(
                    title=token_text(title), body=token_text(body), facets=facets, doc_id=document.pk,
                    key=document_key(document.pk, document.published_on)))
            done += len(batch)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return done

    def size(self) -> int:
        return sum(child.stat().st_size for child in self.path.iterdir())

    def _query(self, query, terms, agency_id):
        from search.bigrams import term_tokens

        tantivy, Occur, Q = self.tantivy, self.tantivy.Occur, self.tantivy.Query

        def field_query(field, tokens, prefix):
            if prefix and len(tokens) == 1:
                return Q.regex_query(self.schema, field, re.escape(tokens[0]) + ".*")
            if prefix:
                return Q.phrase_prefix_query(self.schema, field, tokens)
            if len(tokens) == 1:
                return Q.term_query(self.schema, field, tokens[0])
            return Q.phrase_query(self.schema, field, tokens)

        musts = []
        for term in terms:
            tokens, prefix = term_tokens(term.text)
            musts.append((Occur.Must, Q.boolean_query([
                (Occur.Should, Q.boost_query(field_query("title", tokens, prefix), 10.0)),
                (Occur.Should, field_query("body", tokens, prefix))])))
        # Filters score nothing (const 0), so the reference ranking is the text's BM25 alone.
        if agency_id is not None:
            musts.append((Occur.Must, Q.const_score_query(Q.term_query(self.schema, "facets", f"@p{agency_id}"), 0.0)))
        if query.statutory_item is not None:
            musts.append((Occur.Must, Q.const_score_query(
                Q.term_query(self.schema, "facets", f"@i{query.statutory_item}"), 0.0)))
        del tantivy
        return Q.boolean_query(musts)

    def search(self, query, terms, agency_id=None, limit=20) -> tuple[int, list[int]]:
        """Exact count and the BM25 top `limit` (document ids)."""
        result = self.searcher.search(self._query(query, terms, agency_id), limit=limit, count=True)
        return result.count, [self.searcher.doc(address)["doc_id"][0] for _, address in result.hits]

    def ids(self, query, terms, agency_id=None) -> set[int]:
        total, _ = self.search(query, terms, agency_id, limit=1)
        return set(self.search(query, terms, agency_id, limit=max(total, 1))[1]) if total else set()


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
    global PG_DATABASE
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
    parser.add_argument("--backend", default=BACKENDS,
                        help=f"comma-separated, of {BACKENDS} (tix: the product's tantivy backend on the PostgreSQL "
                             "copy; tantivy: the peer; LIKE is the ground truth and always run)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL database at the end")
    parser.add_argument("--name", default=PG_DATABASE,
                        help="the PostgreSQL database and SQLite file name (several runs side by side)")
    args = parser.parse_args(argv)
    PG_DATABASE = args.name
    pg_url = None if args.pg_url == "none" else args.pg_url
    workdir = ROOT / "var" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    sqlite_path = workdir / f"{args.name}-{args.docs}.sqlite3"
    facts_path = workdir / f"{args.name}-{args.docs}.facts.json"

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
    from search.sqlite_fts import SqliteFtsBackend
    from search.tantivy_index import TantivyBackend

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
    chosen = set(args.backend.split(","))
    sqlite_backend = SqliteFtsBackend() if "sqlite" in chosen else None
    like_backend = LikeBackend()
    pg_backend = PostgresBackend("pg") if pg_url and "pg" in chosen and "pg_build" in facts else None
    tix_backend = None
    if pg_url and "tix" in chosen:
        tix_backend = TantivyBackend("pg", path=workdir / f"{args.name}-{args.docs}.tix")
        if "tix_build" not in facts or tix_backend.status().state != "ok":
            def tix_progress(done, total):
                if done % 50_000 < 1000 or done == total:
                    log(f"\rtantivy 索引（产品后端）{done}/{total}")

            seconds, _ = timed(tix_backend.rebuild, tix_progress, True)
            log("\n")
            size = sum(path.stat().st_size for path in (tix_backend.root / (tix_backend.root / "CURRENT").read_text())
                       .iterdir())
            facts["tix_build"] = f"{seconds:.0f} s"
            facts["tix_size"] = f"{size / 2**20:,.0f} MiB = {size / facts['text_bytes']:.2f} × text"
            facts_path.write_text(json.dumps(facts))
    peer = None
    if "tantivy" in chosen:
        peer = TantivyPeer(workdir / f"{args.name}-{args.docs}.tantivy")
        seconds, _ = timed(peer.build)
        facts["tantivy_build"] = f"{seconds:.0f} s"
        facts["tantivy_size"] = f"{peer.size() / 2**20:,.0f} MiB = {peer.size() / facts['text_bytes']:.2f} × text"
    rows, report = [], {}
    for label, texts in QUERIES.items():
        timing: dict[str, list[float]] = {}
        quality: dict[str, dict[str, float]] = {}
        exact_total: dict[str, bool] = {}

        def add(key, seconds, timing=timing):
            timing.setdefault(key, []).append(seconds)

        def score(name, truth, found, total, top, terms, titles, reference, quality=quality,
                  exact_total=exact_total):
            """Match set, total and top 20 of one backend for one query, summed over the class."""
            entry = quality.setdefault(name, {"hit": 0, "expected": 0, "found": 0, "overlap": 0, "reference": 0,
                                              "titled": 0, "top": 0})
            exact_total[name] = exact_total.get(name, True) and total == len(truth)
            if found is not None:
                entry["hit"] += len(truth & found)
                entry["found"] += len(found)
                entry["expected"] += len(truth)
            entry["top"] += len(top)
            entry["titled"] += sum(1 for document_id in top if all(term.text in titles[document_id] for term in terms))
            if reference is not None:
                entry["overlap"] += len(set(top) & set(reference))
                entry["reference"] += len(reference)

        for entry in texts:
            text, agency_code, item = query_of(entry)
            agency = Agency.objects.get(code=agency_code) if agency_code else None
            terms = parse(text)
            query = SearchQuery(text=text, agency_path=agency.path if agency else None, statutory_item=item)
            agency_id = agency.pk if agency else None
            log(f"{label} {entry} …")
            truth = like_ids("default", terms, query)
            reference = peer.search(query, terms, agency_id)[1] if peer else None  # exact BM25 top 20
            tops: dict[str, list[int]] = {}
            for _ in range(args.repeat):
                if sqlite_backend:
                    seconds, total = timed(sqlite_backend.count, query, terms)
                    add("sqlite count", seconds)
                    seconds, ranked = timed(sqlite_backend.page, query, terms, total)
                    add("sqlite top", seconds)
                    add("sqlite both", timing["sqlite count"][-1] + seconds)
                    add("sqlite search", timed(search, query, sqlite_backend)[0])
                    tops["sqlite"] = ([document_id for document_id, _ in ranked], total)
                if pg_backend:
                    seconds, total = timed(pg_backend.count, query, terms)
                    add("pg count", seconds)
                    seconds, ranked = timed(pg_backend.page, query, terms, total)
                    add("pg top", seconds)
                    add("pg both", timing["pg count"][-1] + seconds)
                    add("pg search", timed(search, query, pg_backend)[0])
                    tops["pg"] = ([document_id for document_id, _ in ranked], total)
                if tix_backend:
                    add("tix count", timed(tix_backend.count, query, terms)[0])
                    seconds, (total, ranked) = timed(tix_backend.search, query, terms)
                    add("tix both", seconds)
                    add("tix search", timed(search, query, tix_backend)[0])
                    tops["tix"] = ([document_id for document_id, _ in ranked], total)
                if peer:
                    seconds, (total, top) = timed(peer.search, query, terms, agency_id)
                    add("tantivy both", seconds)
                    tops["tantivy"] = (top, total)
            for _ in range(args.like_repeat):
                if "like" in chosen:
                    seconds, result = timed(search, query, like_backend)
                    add("like search", seconds)
                    tops["like"] = ([hit.document_id for hit in result.hits], result.total)
                if pg_url and "trgm" in chosen:
                    seconds, (total, top) = timed(trgm_search, terms, agency_id, item)
                    add("trgm both", seconds)
                    tops["trgm"] = (top, total)
            titles = title_texts([document_id for top, _ in tops.values() for document_id in top])
            for name, (top, total) in tops.items():
                found = {"sqlite": lambda: fts_ids(sqlite_backend, query, terms),  # noqa: B023 - called here
                         "pg": lambda: set(pg_backend.match_ids(query, terms)),  # noqa: B023
                         "tix": lambda: tix_backend.match_ids(query, terms),  # noqa: B023
                         "tantivy": lambda: peer.ids(query, terms, agency_id)}.get(name)  # noqa: B023
                score(name, truth, found() if found else None, total, top, terms, titles, reference)
            log(f" {len(truth)} 篇\n")
        rows.append((label, " · ".join(texts), timing, quality, exact_total))
        report[label] = {
            "queries": texts,
            "times_ms": {key: {"median": round(statistics.median(values) * 1000, 2),
                               "p95": round(percentile(values, 0.95) * 1000, 2)} for key, values in timing.items()},
            "quality": {name: {
                "recall": round(q["hit"] / q["expected"], 4) if q["expected"] else (1.0 if q["found"] == 0 else None),
                "precision": round(q["hit"] / q["found"], 4) if q["found"] else (1.0 if q["expected"] == 0 else None),
                "totals_exact": exact_total[name],
                "overlap_at_20_with_bm25": round(q["overlap"] / q["reference"], 3) if q["reference"] else None,
                "top20_all_words_in_title": round(q["titled"] / q["top"], 3) if q["top"] else None,
            } for name, q in quality.items()},
        }

    # Writes: an editor's change through the backend's document_changed (what the worker's job runs) until
    # search finds it; the worker adds its poll interval (≤ 1 s) on top.
    for name, backend, alias in (("sqlite", sqlite_backend, "default"), ("pg", pg_backend, "pg"),
                                 ("tix", tix_backend, "pg")):
        if backend is not None:
            report.setdefault("写入", {"queries": ["20 edits"], "times_ms": {}, "quality": {}})["times_ms"][
                f"{name} write"] = write_latency(backend, alias)
    facts["load_after"] = f"{os.getloadavg()[0]:.1f}"
    if args.json:
        print(json.dumps({"docs": args.docs, "facts": facts, "classes": report}, ensure_ascii=False, indent=1))

    def cell(values):
        return f"{ms(statistics.median(values))} / {ms(percentile(values, 0.95))}" if values else "—"

    lines = [
        "## 搜索 / Search",
        "",
        f"{args.docs:,} generated documents (demo.corpus, seed {args.seed}, 95 % public, mean body ~500 "
        f"characters), {os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
        f"{connection.cursor().connection.execute('select sqlite_version()').fetchone()[0]}"
        + (", PostgreSQL " + connections["pg"].cursor().connection.info.parameter_status("server_version")
           if pg_url else "") + (f", tantivy {peer.tantivy.__version__}" if peer else "")
        + f", {date.today().isoformat()}. Reproduce with:",
        "",
        "    " + " ".join(["DATABASE_URL= .venv/bin/python bench/search.py", f"--docs {args.docs}",
                           f"--repeat {args.repeat}"] + ([f"--pg-url {pg_url}"] if pg_url else ["--pg-url none"])
                          + ([] if pg_backend or not pg_url else ["--no-pg-backend"])
                          + ([] if args.backend == BACKENDS else [f"--backend {args.backend}"])),
        "",
    ]
    lines.append(f"* Load average (1 min) before the queries {facts['load_before']}, after {facts['load_after']} "
                 "(two cores, shared with other work while this ran).")
    for key, label in (("sqlite", "SQLite FTS5 bigram index (default backend)"),
                       ("pg", "PostgreSQL n-gram GIN backend (`postgres`)"),
                       ("tix", "tantivy backend (`tantivy`, the product's index on PostgreSQL)"),
                       ("trgm", "pg_trgm GIN over the same text (baseline)"),
                       ("tantivy", "tantivy peer (same bigrams, BM25)")):
        if f"{key}_build" in facts:
            lines.append(f"* {label}: build {facts[f'{key}_build']}, size {facts[f'{key}_size']}.")
    if "text" in facts:
        lines.append(f"* Public text indexed: {facts['text']}; corpus generation and insert: {facts['corpus']}.")
    lines += [
        f"* Times in ms, median / p95 over {args.repeat} runs of each query (LIKE and pg_trgm: {args.like_repeat}). "
        "\"count + top 20\" = exact total and the ranked first page (relevance order); \"search()\" = the portal's call "
        "(count + top 20 + loading the 20 documents and their snippets); tantivy: exact count + BM25 top 20 in one "
        "call; pg_trgm: count + newest 20.",
        "* Recall / precision: each index's full match set against a LIKE scan of the same public documents "
        "(SQLite · PostgreSQL · tantivy backend · tantivy peer). Overlap@20: share of the top 20 also in tantivy's exact BM25 top 20; "
        "title: share of the top 20 whose title or 文号 holds every query word.",
        "",
        "| Class | Queries | FTS5 count + top 20 | FTS5 search() | PG count + top 20 | PG search() "
        "| **tantivy backend count + top 20** | **tantivy backend search()** | tantivy peer count + top 20 "
        "| LIKE scan | pg_trgm LIKE | Recall / precision | Totals exact | Overlap@20 FTS5 · PG · backend "
        "| Title FTS5 · PG · backend · peer |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|",
    ]
    for label, texts, timing, quality, exact in rows:
        def q(name, key, digits=3, label=label):
            value = report[label]["quality"].get(name, {}).get(key)
            return "—" if value is None else f"{value:.{digits}f}"

        recall = " · ".join(f"{q(n, 'recall')}/{q(n, 'precision')}" for n in ("sqlite", "pg", "tix", "tantivy")
                            if n in quality)
        lines.append(
            f"| {label} | {texts} | {cell(timing.get('sqlite both'))} | {cell(timing.get('sqlite search'))} "
            f"| {cell(timing.get('pg both'))} | {cell(timing.get('pg search'))} | {cell(timing.get('tix both'))} "
            f"| {cell(timing.get('tix search'))} | {cell(timing.get('tantivy both'))} "
            f"| {cell(timing.get('like search'))} | {cell(timing.get('trgm both'))} | {recall} "
            f"| {'yes' if all(exact.values()) else 'NO: ' + ', '.join(n for n, v in exact.items() if not v)} "
            f"| {q('sqlite', 'overlap_at_20_with_bm25', 2)} · {q('pg', 'overlap_at_20_with_bm25', 2)} · "
            f"{q('tix', 'overlap_at_20_with_bm25', 2)} "
            f"| {q('sqlite', 'top20_all_words_in_title', 2)} · {q('pg', 'top20_all_words_in_title', 2)} · "
            f"{q('tix', 'top20_all_words_in_title', 2)} · "
            f"{q('tantivy', 'top20_all_words_in_title', 2)} |")
    if "写入" in report:
        lines += ["", "Writes (edit → document_changed → found by search, ms median / p95 over 20 edits; the worker's "
                  "poll, ≤ 1 s, comes on top): " + ", ".join(f"{key} {value['median']:.1f} / {value['p95']:.1f}"
                                                            for key, value in report["写入"]["times_ms"].items()) + "."]
    table = "\n".join(lines) + "\n"
    if not args.json:
        print(table)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", table)
    if args.drop and pg_url:
        drop_pg_database(pg_url)


def write_latency(backend, alias: str, edits: int = 20) -> dict[str, float]:
    """Median and p95 ms from an edit's commit to search finding the new title, over `edits` documents."""
    from catalog.models import Document
    from search.services import SearchQuery, search

    marker = f"写入{int(time.time()) % 100000:05d}"
    seconds = []
    public = [pk for pk in range(1001, 1001 + 2 * edits) if pk % 20 != 0][:edits]  # the bench's drafts: pk % 20 == 0
    for number, pk in enumerate(public):
        Document.objects.using(alias).filter(pk=pk).update(title=f"{marker}测{number:02d} 调整通知")
        started = time.perf_counter()
        backend.document_changed(pk)
        result = search(SearchQuery(text=f"{marker}测{number:02d}"), backend)
        seconds.append(time.perf_counter() - started)
        assert [hit.document_id for hit in result.hits] == [pk], (alias, pk)
    return {"median": round(statistics.median(seconds) * 1000, 2), "p95": round(percentile(seconds, 0.95) * 1000, 2)}


def title_texts(ids) -> dict[int, str]:
    """Folded title + 文号 of the documents (for the share of title hits in a top 20)."""
    from catalog.models import Document
    from search.base import indexed_text
    from search.bigrams import fold

    return {document.pk: fold(indexed_text(document, [])[0])
            for document in Document.objects.filter(pk__in=set(ids)).only("title", "document_number")}


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
