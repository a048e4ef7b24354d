"""The production backend on PostgreSQL: a GIN index over every 1- to 4-character substring of the text,
with the filters in the same index, and the text itself to verify longer terms. Chosen by measurement
against RUM, the earlier bigram-tsvector design and pg_trgm (docs/search.md, "postgres"; docs/benchmarks.md).

Table ``search_doc(doc_id, key, title, body, facets)`` (search migration 0002): one row per indexed document.
``title`` / ``body`` are the runs (search.bigrams.runs: cut at whitespace and control characters, ASCII
folded) of 标题 + 文号 / 内容概述, 关键词, 正文 and attachment text, joined by single spaces; ``facets`` the filter
values as keys starting with a space (' p<publisher>', ' i<第二十条 item>', ' t<theme>' and its parent,
' g<genre>', ' k<kind>', ' v<validity>', ' y<year>'). ``key`` = published_on.toordinal() << 32 | id, as the
SQLite rowid. Index ``search_doc_grams``: GIN over ``search_grams(title) || search_grams(body) || facets``,
where the SQL function search_grams lists every substring of 1 to 4 characters of every run. Nothing but the
normalised text is stored: the n-grams exist only in the index.

Matching (exact, the same as the LIKE scan, see search.bigrams for the run semantics):

* a term of at most 4 characters within one run is a substring of the text exactly when it is one of its
  n-grams: the condition is ``grams @> ARRAY[term, facet keys…]``. GIN answers ``@>`` without a recheck, so a
  count is a merge of posting lists and a bitmap count (no row is read when the pages are all-visible);
* a longer term, or a quoted phrase with spaces, needs every 4-character window of its runs (a superset) and
  then ``title LIKE '%term%' OR body LIKE '%term%'`` on those candidates only;
* an agency subtree of up to 64 agencies is ``facets && ARRAY[' p…', …]`` on the same index; a larger one is
  an EXISTS on catalog_document. A year range is an overlap with its ' y' keys (up to 200 years).

``search_df(term, df)`` holds, for every bigram token (search.bigrams.tokens), the number of indexed documents
containing it, under '' the number of indexed documents and under ' title' / ' body' the total characters of
each field (BM25's average lengths). A one-term, two-character query without filters is counted by one
lookup there.

Ranking (order="relevance"): Okapi BM25 (k1 1.2, b 0.75) per field, title weighted TITLE_WEIGHT (10) and body
1, IDF per term from its exact document count; ties newest first. When the total exceeds BM25_LIMIT, BM25
ranks the documents holding every term in the title (found through ``search_doc_title_grams``), newest
first beyond BM25_LIMIT of those, and the other matches follow newest first. order="date": newest first.

Rebuild: beside the live table (search_doc_next, filled by COPY, GIN built in bulk at the end, then renamed
over search_doc in one transaction); resumable; see Backend.rebuild for the contract.
"""

import hashlib
import math
from collections import Counter
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models.expressions import RawSQL

from catalog.models import Document, Genre, Topic
from orgs.models import Agency

from .base import INDEXED_FIELDS, Backend, attachment_texts, filtered_public, has_filters, indexed_text
from .bigrams import runs, tokens
from .query import Term
from .sqlite_fts import FACET_FIELDS, FACET_OR_LIMIT, document_key, key_range, single_token

GRAM = 4  # the longest substring in the index (search migration 0002's search_grams)
GRAMS = "(search_grams(title) || search_grams(body) || facets)"  # the expression of search_doc_grams
TITLE_GRAMS = "(search_grams(title) || facets)"  # the expression of search_doc_title_grams
DOCUMENTS, TITLE_CHARS, BODY_CHARS = "", " title", " body"  # search_df rows beside the bigrams
NO_SUCH_FACET = " none"  # a filter value that exists nowhere (an unknown genre): nothing matches
YEAR_LIST_LIMIT = 200  # a longer year range is a range of keys instead of a list of ' y' facets
BM25_LIMIT = 20_000  # matches scored by BM25; beyond it see the module docstring
K1, B, TITLE_WEIGHT = 1.2, 0.75, 10.0
# Walk newest-first instead of reading every match when total² ≥ WALK_FACTOR × (offset + limit) × documents
# (order="date" and the tail of a large relevance page): a walk reads about (offset + limit) × documents /
# total rows and tests each with LIKE.
WALK_FACTOR = 1
LOCK_CLASS = 0x67CF  # pg_advisory_xact_lock(LOCK_CLASS, document id): one index change per document at a time


def normalised(text: str) -> str:
    """The form search_doc stores: runs joined by single spaces (search_grams splits at them)."""
    return " ".join(runs(text))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def term_keys(term: Term) -> tuple[list[str], bool]:
    """(index keys every matching document has, whether the text must be verified): the term itself when it
    is one run of at most GRAM characters, else every GRAM-character window of each of its runs."""
    parts = term.text.split(" ")
    if len(parts) == 1 and len(parts[0]) <= GRAM:
        return [parts[0]], False
    keys: list[str] = []
    for part in parts:
        keys.extend(part[i:i + GRAM] for i in range(max(1, len(part) - GRAM + 1)))
    return sorted(set(keys)), True


def facets(document, topic_parent_id: int | None) -> list[str]:
    """The document's filter values as search_doc.facets keys."""
    keys = [f" p{document.publisher_id}", f" g{document.genre_id}", f" k{document.kind}", f" v{document.validity}"]
    if document.statutory_item is not None:
        keys.append(f" i{document.statutory_item}")
    if document.topic_id is not None:
        keys.append(f" t{document.topic_id}")
        if topic_parent_id is not None:  # a theme's filter includes its sub-themes
            keys.append(f" t{topic_parent_id}")
    if document.published_on is not None:
        keys.append(f" y{document.published_on.year}")
    return keys


def bm25_idf(documents: int, df: int) -> float:
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


class PostgresBackend(Backend):
    name = "postgres"
    rebuild_fields = (*INDEXED_FIELDS, *FACET_FIELDS)

    def __init__(self, using: str = "default"):
        self.using = using

    @contextmanager
    def _cursor(self):
        """A cursor on which the planner never seq-scans search_doc (it would compute search_grams per row)."""
        with transaction.atomic(using=self.using, savepoint=False), connections[self.using].cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            previous = cursor.fetchone()[0]
            yield cursor
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    # --- the query as SQL ------------------------------------------------------------------------------
    def _filters(self, query) -> tuple[list[str], list[str], str, list]:
        """(facet keys every match has, facet keys of which a match has one — empty for no such condition,
        further SQL conditions on search_doc `d`, their parameters)."""
        every, some, sql, params = [], [], "", []
        if query.agency_path:
            agencies = list(Agency.objects.using(self.using).filter(path__startswith=query.agency_path)
                            .values_list("pk", flat=True)[:FACET_OR_LIMIT + 1])
            if len(agencies) <= FACET_OR_LIMIT:
                some = [f" p{pk}" for pk in agencies] or [NO_SUCH_FACET]
            else:
                only_agency = type(query)(text=query.text, agency_path=query.agency_path)
                inner, inner_params = filtered_public(only_agency, self.using).filter(
                    pk=RawSQL("d.doc_id", [])).values("id").query.sql_with_params()  # noqa: S611 - constant
                sql += f" AND EXISTS ({inner})"
                params.extend(inner_params)
        if query.topic_id is not None:
            every.append(f" t{query.topic_id}")
        if query.genre_code:
            genre = Genre.objects.using(self.using).filter(code=query.genre_code).values_list("pk", flat=True).first()
            every.append(f" g{genre}" if genre is not None else NO_SUCH_FACET)
        if query.kind:
            every.append(f" k{query.kind}")
        if query.statutory_item is not None:
            every.append(f" i{query.statutory_item}")
        if query.validity:
            every.append(f" v{query.validity}")
        if query.year_from is not None or query.year_to is not None:
            low = max(query.year_from or 1, 1)
            high = min(query.year_to if query.year_to is not None else 9999, 9999)
            if high - low < YEAR_LIST_LIMIT:
                if some:  # one overlap condition only: the agency list stays, the years become a key range
                    keys = key_range(query)
                    sql += " AND d.key >= %s" + (" AND d.key < %s" if keys[1] is not None else "")
                    params.extend(k for k in keys if k is not None)
                else:
                    some = [f" y{year}" for year in range(low, high + 1)] or [NO_SUCH_FACET]
            else:
                keys = key_range(query)
                sql += " AND d.key >= %s" + (" AND d.key < %s" if keys[1] is not None else "")
                params.extend(k for k in keys if k is not None)
        return every, some, sql, params

    def _where(self, query, terms, filters, expression: str = GRAMS, verify: bool = True) -> tuple[str, list]:
        """The WHERE clause on search_doc `d` for every term and the filters."""
        every, some, sql, params = filters
        keys, checks = list(every), []
        for term in terms:
            term_key, needs_check = term_keys(term)
            keys.extend(term_key)
            if needs_check:
                checks.append(term.text)
        where = f"{expression} @> %s::text[]"
        args: list = [sorted(set(keys))]
        if some:
            where += f" AND {expression} && %s::text[]"
            args.append(some)
        if verify:
            for text in checks:
                pattern = "%" + _escape_like(text) + "%"
                field = "d.title" if expression == TITLE_GRAMS else "d.title LIKE %s OR d.body"
                where += f" AND ({field} LIKE %s)"
                args.extend([pattern] if expression == TITLE_GRAMS else [pattern, pattern])
        return where + sql, args + params

    def _df(self, cursor, term: str) -> int:
        cursor.execute("SELECT df FROM search_df WHERE term = %s", [term])
        row = cursor.fetchone()
        return row[0] if row else 0

    # --- searching -------------------------------------------------------------------------------------
    def search(self, query, terms):
        filters = self._filters(query)
        total = self.count(query, terms, filters)
        if total == 0 or query.offset >= total:
            return total, []
        return total, self.page(query, terms, total, filters)

    def count(self, query, terms, filters=None) -> int:
        """Exact number of indexed documents matching every term and the filters."""
        with self._cursor() as cursor:
            token = single_token(terms) if not has_filters(query) else None
            if token is not None:
                return self._df(cursor, token)
            where, params = self._where(query, terms, filters or self._filters(query))
            cursor.execute(f"SELECT count(*) FROM search_doc d WHERE {where}", params)  # noqa: S608 - constants
            return cursor.fetchone()[0]

    def match_ids(self, query, terms) -> list[int]:
        """Every matching document id (for the exactness tests and the benchmark's recall)."""
        with self._cursor() as cursor:
            where, params = self._where(query, terms, self._filters(query))
            cursor.execute(f"SELECT d.doc_id FROM search_doc d WHERE {where}", params)  # noqa: S608
            return [row[0] for row in cursor.fetchall()]

    def page(self, query, terms, total: int, filters=None) -> list[tuple[int, float]]:
        """(document id, score) of the requested page; `total` (from count) picks how it is fetched."""
        filters = filters or self._filters(query)
        wanted = query.offset + query.limit
        with self._cursor() as cursor:
            documents = self._df(cursor, DOCUMENTS)
            if query.order == "date":
                if total * total >= WALK_FACTOR * wanted * max(documents, total):
                    ids = self._walk(cursor, query, terms, filters, wanted, total, documents, set())
                else:
                    ids = self._newest(cursor, query, terms, filters, wanted)
                return [(document_id, 0.0) for document_id in ids[query.offset:wanted]]
            if total <= BM25_LIMIT:
                return self._bm25(cursor, query, terms, filters, GRAMS, documents)[query.offset:wanted]
            return self._title_first(cursor, query, terms, filters, total, documents)

    def _newest(self, cursor, query, terms, filters, count: int) -> list[int]:
        where, params = self._where(query, terms, filters)
        # Materialised: every match through the GIN index, then sorted (never a walk that computes grams).
        cursor.execute(f"WITH m AS MATERIALIZED (SELECT d.doc_id, d.key FROM search_doc d WHERE {where}) "  # noqa: S608
                       "SELECT doc_id FROM m ORDER BY key DESC LIMIT %s", [*params, count])
        return [row[0] for row in cursor.fetchall()]

    def _walk(self, cursor, query, terms, filters, needed: int, total: int, documents: int, exclude: set) -> list[int]:
        """The newest `needed` matches not in `exclude`, walking search_doc_key newest first in batches and
        testing each row with LIKE and its facets (many matches: the page is found after a few rows)."""
        every, some, sql, params = filters
        test, args = [], []
        for term in terms:
            pattern = "%" + _escape_like(term.text) + "%"
            test.append("(d.title LIKE %s OR d.body LIKE %s)")
            args.extend([pattern, pattern])
        if every:
            test.append("d.facets @> %s::text[]")
            args.append(every)
        if some:
            test.append("d.facets && %s::text[]")
            args.append(some)
        condition = " AND ".join(test) + sql
        args += params
        found: list[int] = []
        before = None
        batch = min(max(64, (needed + len(exclude)) * max(documents, total) // max(total, 1) * 5 // 4 + 32), 20_000)
        while len(found) < needed:
            bound = " WHERE key < %s" if before is not None else ""
            cursor.execute(f"WITH b AS MATERIALIZED (SELECT doc_id, key, title, body, facets FROM search_doc{bound} "  # noqa: S608
                           "ORDER BY key DESC LIMIT %s) "
                           f"(SELECT d.doc_id, d.key FROM b AS d WHERE {condition} ORDER BY d.key DESC) "
                           "UNION ALL SELECT -count(*), min(key) FROM b",
                           [*([before] if before is not None else []), batch, *args])
            rows = cursor.fetchall()
            walked, before = -rows[-1][0], rows[-1][1]
            found.extend(row[0] for row in rows[:-1] if row[0] not in exclude)
            if walked < batch:
                break
            batch = min(batch * 2, 50_000)
        return found[:needed]

    def _stats(self, cursor, query, terms, documents: int) -> tuple[list[float], float, float]:
        """(IDF of each term, average title length, average body length)."""
        cursor.execute("SELECT term, df FROM search_df WHERE term IN (%s, %s)", [TITLE_CHARS, BODY_CHARS])
        sums = dict(cursor.fetchall())
        idfs = []
        for term in terms:
            token = single_token([term])
            if token is not None:
                df = self._df(cursor, token)
            else:
                where, params = self._where(type(query)(text=term.text), [term], ([], [], "", []))
                cursor.execute(f"SELECT count(*) FROM search_doc d WHERE {where}", params)  # noqa: S608
                df = cursor.fetchone()[0]
            idfs.append(bm25_idf(documents, df))
        count = max(documents, 1)
        return idfs, max(sums.get(TITLE_CHARS, 0) / count, 1.0), max(sums.get(BODY_CHARS, 0) / count, 1.0)

    def _bm25(self, cursor, query, terms, filters, expression, documents, limit=None) -> list[tuple[int, float]]:
        """Every match (of `expression`'s index: all text or the title), scored by BM25, best first."""
        idfs, title_avg, body_avg = self._stats(cursor, query, terms, documents)
        where, params = self._where(query, terms, filters, expression)
        parts, score_params = [], []
        for term, idf in zip(terms, idfs, strict=True):
            # Occurrences of the term in a field (non-overlapping, as LIKE counts them), saturated by BM25.
            for field, weight, average in (("title", TITLE_WEIGHT, title_avg), ("body", 1.0, body_avg)):
                tf = f"((length(m.{field}) - length(replace(m.{field}, %s, ''))) / length(%s)::float8)"
                parts.append(f"%s * {tf} / ({tf} + %s * (1 - %s + %s * length(m.{field}) / %s))")
                score_params.extend([idf * weight * (K1 + 1), term.text, term.text, term.text, term.text,
                                     K1, B, B, average])
        score = " + ".join(parts)
        cursor.execute(f"WITH m AS MATERIALIZED (SELECT d.doc_id, d.key, d.title, d.body FROM search_doc d "  # noqa: S608
                       f"WHERE {where}) SELECT doc_id, {score} AS s FROM m ORDER BY s DESC, key DESC LIMIT %s",
                       [*params, *score_params, limit if limit is not None else BM25_LIMIT])
        return [(document_id, float(score)) for document_id, score in cursor.fetchall()]

    def _title_first(self, cursor, query, terms, filters, total, documents) -> list[tuple[int, float]]:
        """More than BM25_LIMIT matches: the documents with every term in the title, by BM25 (newest first
        beyond BM25_LIMIT of them), then the other matches newest first."""
        wanted = query.offset + query.limit
        where, params = self._where(query, terms, filters, TITLE_GRAMS)
        cursor.execute(f"SELECT count(*) FROM search_doc d WHERE {where}", params)  # noqa: S608
        titled = cursor.fetchone()[0]
        if titled <= BM25_LIMIT:
            ranked = self._bm25(cursor, query, terms, filters, TITLE_GRAMS, documents, wanted) if titled else []
        else:
            cursor.execute(f"WITH m AS MATERIALIZED (SELECT d.doc_id, d.key FROM search_doc d WHERE {where}) "  # noqa: S608
                           "SELECT doc_id FROM m ORDER BY key DESC LIMIT %s", [*params, wanted])
            ranked = [(row[0], 1.0) for row in cursor.fetchall()]
        if len(ranked) >= wanted:
            return ranked[query.offset:wanted]
        exclude = {document_id for document_id, _ in ranked}
        others = self._walk(cursor, query, terms, filters, wanted - len(ranked), total, documents, exclude)
        return (ranked + [(document_id, 0.0) for document_id in others])[query.offset:wanted]

    # --- maintaining -----------------------------------------------------------------------------------
    def _rows(self, documents, parents) -> list[tuple]:
        rows = []
        for document, texts in documents:
            title, body = indexed_text(document, texts)
            rows.append((document.pk, document_key(document.pk, document.published_on), normalised(title),
                         normalised(body), facets(document, parents.get(document.topic_id))))
        return rows

    @staticmethod
    def _vocabulary(title: str, body: str) -> set[str]:
        return set(tokens(title)) | set(tokens(body))

    def _side_changed(self, cursor, document_id: int, values) -> None:
        """A rebuild under way that has passed this document gets the change too."""
        progress = self.side_progress(cursor)
        if progress is not None and document_id <= progress:
            cursor.execute("DELETE FROM search_doc_next WHERE doc_id = %s", [document_id])
            if values is not None:
                cursor.execute("INSERT INTO search_doc_next (doc_id, key, title, body, facets) "
                               "VALUES (%s, %s, %s, %s, %s)", values)

    def document_changed(self, document_id):
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            # Waits for a swap, and one change per document at a time, so that the old text read below is
            # the one being replaced and search_df stays exact.
            cursor.execute("LOCK TABLE search_doc IN ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, document_id % 2**31])
            document = Document.objects.using(self.using).public().filter(pk=document_id).only(
                *self.rebuild_fields).first()
            cursor.execute("DELETE FROM search_doc WHERE doc_id = %s RETURNING title, body", [document_id])
            row = cursor.fetchone()
            old = self._vocabulary(*row) if row else set()
            changes: Counter = Counter()
            if row:
                changes.update({TITLE_CHARS: -len(row[0]), BODY_CHARS: -len(row[1]), DOCUMENTS: -1})
            new: set[str] = set()
            if document is not None:
                parent = Topic.objects.using(self.using).filter(pk=document.topic_id).values_list(
                    "parent_id", flat=True).first() if document.topic_id else None
                texts = attachment_texts([document_id], self.using).get(document_id, [])
                [values] = self._rows([(document, texts)], {document.topic_id: parent})
                cursor.execute("INSERT INTO search_doc (doc_id, key, title, body, facets) VALUES (%s, %s, %s, %s, %s)",
                               values)
                new = self._vocabulary(values[2], values[3])
                changes.update({TITLE_CHARS: len(values[2]), BODY_CHARS: len(values[3]), DOCUMENTS: 1})
            self._side_changed(cursor, document_id, values if document is not None else None)
            changes.update({term: 1 for term in new - old})
            changes.update({term: -1 for term in old - new})
            changes = {term: change for term, change in changes.items() if change}
            if changes:
                terms = sorted(changes)  # one order for every writer: no deadlocks between them
                cursor.execute("INSERT INTO search_df (term, df) SELECT term, df FROM unnest(%s::text[], %s::bigint[]) "
                               "AS c (term, df) ORDER BY term "
                               "ON CONFLICT (term) DO UPDATE SET df = search_df.df + EXCLUDED.df",
                               [terms, [changes[term] for term in terms]])
                cursor.execute("DELETE FROM search_df WHERE term = ANY(%s) AND df <= 0 AND term NOT LIKE ' %%'",
                               [terms])

    # --- checking (Backend.status and Backend.verify drive these) -----------------------------------------
    def indexed_count(self, cursor) -> int:
        cursor.execute("SELECT count(*) FROM search_doc")
        return cursor.fetchone()[0]

    def indexed_fingerprints(self, cursor, after_id: int, limit: int) -> list[tuple[int, str]]:
        cursor.execute("SELECT doc_id, md5(key::text || chr(1) || title || chr(1) || body || chr(1) "
                       "|| array_to_string(facets, chr(2))) FROM search_doc WHERE doc_id > %s ORDER BY doc_id LIMIT %s",
                       [after_id, limit])
        return cursor.fetchall()

    def begin_state(self):
        return dict(Topic.objects.using(self.using).values_list("pk", "parent_id"))

    def fingerprint(self, document, texts, parents) -> str:
        [(_, key, title, body, keys)] = self._rows([(document, texts)], parents)
        return hashlib.md5(f"{key}\x01{title}\x01{body}\x01{chr(2).join(keys)}".encode(),
                           usedforsecurity=False).hexdigest()

    # --- rebuilding beside the live index (the loop is Backend.rebuild) --------------------------------------
    # The side index is search_doc_next (+ search_df_next), filled by COPY without its GIN indexes, which
    # finish_rebuild then builds in bulk (faster and smaller than row by row); swap renames it over the live
    # tables in one transaction. The side table's highest doc_id is the stored progress.
    rebuild_batch = 1000

    def builds_beside(self) -> bool:
        """Beside + swap needs DDL (CREATE TABLE, DROP and RENAME the live tables): only when the connected role
        may create in the schema and owns search_doc, as the owner running `gongkai search-index rebuild` or
        `migrate` does. The runtime role of docs/operations.md §3 (DML only) rebuilds in place instead: one
        transaction, readers keep the old rows until it commits, not resumable."""
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT has_schema_privilege(current_schema(), 'CREATE') AND pg_has_role("
                           "(SELECT relowner FROM pg_class WHERE oid = to_regclass('search_doc')), 'USAGE')")
            return bool(cursor.fetchone()[0])

    def side_progress(self, cursor) -> int | None:
        cursor.execute("SELECT to_regclass('search_doc_next') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        # Serialises a batch (which calls this first, then reads its documents) with document_changed, which
        # takes the same lock before updating the side table, and with a second rebuild.
        cursor.execute("LOCK TABLE search_doc_next IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT coalesce(max(doc_id), 0) FROM search_doc_next")
        return cursor.fetchone()[0]

    def side_count(self, cursor) -> int:
        cursor.execute("SELECT count(*) FROM search_doc_next")
        return cursor.fetchone()[0]

    def drop_side(self, cursor) -> None:
        cursor.execute("DROP TABLE IF EXISTS search_doc_next, search_df_next")

    def begin_rebuild(self, cursor, resume: bool = False):
        if not self.builds_beside():  # in place (Backend._rebuild_in_place: one transaction)
            cursor.execute("LOCK TABLE search_doc, search_df IN SHARE ROW EXCLUSIVE MODE")  # readers go on
            cursor.execute("DELETE FROM search_doc")
            self._in_place = True
            return self.begin_state()
        self._in_place = False
        if not resume:
            self.drop_side(cursor)
            cursor.execute("CREATE TABLE search_doc_next (doc_id bigint PRIMARY KEY, key bigint NOT NULL, "
                           "title text NOT NULL, body text NOT NULL, facets text[] NOT NULL)")
        return self.begin_state()

    def write_batch(self, cursor, documents, parents):
        table = "search_doc" if getattr(self, "_in_place", False) else "search_doc_next"
        with cursor.copy(f"COPY {table} (doc_id, key, title, body, facets) FROM STDIN") as copy:
            for row in self._rows(documents, parents):
                copy.write_row(row)

    def finish_rebuild(self, cursor, documents, state):
        # The frequencies from the side table's text (a resumed rebuild has no counts of earlier runs).
        in_place = getattr(self, "_in_place", False)
        table = "search_doc" if in_place else "search_doc_next"
        frequencies: Counter = Counter()
        last = 0
        while True:
            cursor.execute(f"SELECT doc_id, title, body FROM {table} WHERE doc_id > %s ORDER BY doc_id "  # noqa: S608
                           "LIMIT 5000", [last])
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            for _, title, body in rows:
                frequencies.update(self._vocabulary(title, body))
                frequencies.update({DOCUMENTS: 1, TITLE_CHARS: len(title), BODY_CHARS: len(body)})
        if in_place:
            cursor.execute("DELETE FROM search_df")
        else:
            cursor.execute("CREATE TABLE search_df_next (term text PRIMARY KEY, df bigint NOT NULL)")
        with cursor.copy(f"COPY {'search_df' if in_place else 'search_df_next'} (term, df) FROM STDIN") as copy:
            for row in frequencies.items():
                copy.write_row(row)
        if in_place:
            cursor.execute("ANALYZE search_doc")
            cursor.execute("ANALYZE search_df")
            return
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # GIN's bulk build sorts in memory
        cursor.execute(f"CREATE INDEX search_doc_next_grams ON search_doc_next USING gin ({GRAMS})")
        cursor.execute(f"CREATE INDEX search_doc_next_title_grams ON search_doc_next USING gin ({TITLE_GRAMS})")
        cursor.execute("CREATE INDEX search_doc_next_key ON search_doc_next (key DESC)")
        # No statistics of the n-gram expressions: ANALYZE would compute search_grams for 30,000 sampled rows
        # (minutes), and no plan here depends on them (the queries fix their shape).
        for index in ("search_doc_next_grams", "search_doc_next_title_grams"):
            cursor.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS 0")
        cursor.execute("ANALYZE search_doc_next")
        cursor.execute("ANALYZE search_df_next")

    def swap(self, cursor) -> None:
        # ACCESS EXCLUSIVE on the live tables: waits for running searches and changes, for a moment.
        cursor.execute("DROP TABLE search_doc, search_df")
        cursor.execute("ALTER TABLE search_doc_next RENAME TO search_doc")
        cursor.execute("ALTER TABLE search_df_next RENAME TO search_df")
        for suffix in ("pkey", "grams", "title_grams", "key"):
            cursor.execute(f"ALTER INDEX search_doc_next_{suffix} RENAME TO search_doc_{suffix}")
        cursor.execute("ALTER INDEX search_df_next_pkey RENAME TO search_df_pkey")
