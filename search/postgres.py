"""The production backend on PostgreSQL: the same CJK bigrams (search.bigrams) as tsvectors with a GIN
index, queried as phrase tsqueries (`'扶贫' <-> '贫工'`, i.e. what phraseto_tsquery builds).

The tsvectors are written as literals with explicit positions, not through to_tsvector(): PostgreSQL's text
parser would split tokens such as "4年" or "，现" and break the phrase arithmetic. Table ``search_part``
(catalog migration 0003): part 0 = 标题 + 文号, parts 1… = 内容概述, 关键词, 正文 and attachment text in
overlapping chunks, because tsvector positions stop at 16,383 and a lexeme keeps at most 256 positions; the
chunks overlap by MAX_TERM_CHARS so every query term lies wholly inside one chunk. A document matches when
each term matches some part of it.

Counts are exact. ``search_df(term, df)`` (catalog migration 0007) holds, for every token, the number of indexed
documents containing it (and under the empty term the number of indexed documents), kept exact by
document_changed (±1 per distinct token that appears or disappears) and recomputed by rebuild: a one-term,
one-bigram query without filters (扶贫, 政府, 公开) is counted by one lookup. Other counts go through the GIN
index (the INTERSECT of the terms' document sets).

Ranking (order="relevance"): documents whose title part contains every term first, then newest first;
score = 1 or 0. order="date": newest first. The page is fetched one of two ways, chosen from the exact
total: few matches (total² < WALK_FACTOR (1) × (offset + limit) × indexed documents) are all read through the
GIN index and sorted; many matches are found by walking the documents newest-first through the btree
``search_part_key`` (part 0, key DESC) and testing each against the terms, which stops after the page.
Both return the same page. No text search function is ever given `icontains`-style case folding: the
tokens are already folded.
"""

from collections import Counter
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models.expressions import RawSQL

from catalog.models import Document

from .base import Backend, attachment_texts, filtered_public, has_filters, indexed_text
from .bigrams import MAX_TERM_CHARS, chunks, term_tokens, tokens
from .query import Term
from .sqlite_fts import document_key, key_range, single_token

CHUNK_CHARS = 4000
MAX_POSITIONS_PER_LEXEME = 256
# Walk newest-first instead of reading every match when total² ≥ WALK_FACTOR × (offset + limit) × documents:
# a walk reads about (offset + limit) × documents / total documents and tests each (~11 µs a document at
# 200,000), the GIN path reads and sorts all `total` matches (4 µs a match for one bigram, ~50 µs for two
# phrases that need rechecks). Measured at 200,000 documents: 乡村振兴 项目 (2,875 matches) 150 ms by GIN,
# 6 ms walking; a walk over a 9-match query reads every document (2.3 s).
WALK_FACTOR = 1
TITLE_WALK = 2000  # newest titles tested before the title hits are looked up in the GIN index instead
DOCUMENTS = ""  # the search_df row that counts indexed documents (no token is empty)
LOCK_CLASS = 0x67CF  # pg_advisory_xact_lock(LOCK_CLASS, document id): one index change per document at a time


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _positions(text: str) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for position, token in enumerate(tokens(text), start=1):
        positions.setdefault(token, []).append(position)
    return positions


def _literal(positions: dict[str, list[int]]) -> str:
    return " ".join(f"{_lexeme(token)}:{','.join(map(str, where))}" for token, where in positions.items())


def tsvector_literal(text: str) -> str:
    return _literal(_positions(text))


def tsquery_literal(term: Term) -> str:
    found, prefix = term_tokens(term.text)
    parts = [_lexeme(token) for token in found]
    if prefix:
        parts[-1] += ":*"
    return " <-> ".join(parts)


def _pieces(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Chunks small enough that no token needs more positions than a tsvector keeps."""
    out = []
    for piece in chunks(text, size):
        counts = Counter(tokens(piece)).most_common(1)
        if size > 4 * MAX_TERM_CHARS and counts and counts[0][1] > MAX_POSITIONS_PER_LEXEME:
            out.extend(_pieces(piece, size // 2))
        else:
            out.append(piece)
    return out


def document_parts(title: str, body: str, vocabulary: set | None = None) -> list[tuple[int, str]]:
    """(part number, tsvector literal); `vocabulary`, if given, receives every token of the document."""
    pieces = [title, *(_pieces(body) if body else [])]
    parts = []
    for number, piece in enumerate(pieces):
        positions = _positions(piece)
        if vocabulary is not None:
            vocabulary.update(positions)
        parts.append((number, _literal(positions)))
    return parts


def _key_range(query) -> tuple[str, list]:
    """The year filters as SQL on search_part.key (see sqlite_fts.key_range)."""
    keys = key_range(query)
    if keys is None:
        return "", []
    if keys[1] is None:
        return " AND {t}.key >= %s", [keys[0]]
    return " AND {t}.key >= %s AND {t}.key < %s", list(keys)


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, using: str = "default"):
        self.using = using
        self._resolved = None  # (query, SQL, params) of the document filters: see _document_filter

    @contextmanager
    def _cursor(self):
        """A cursor on which the planner never seq-scans: its cost model does not know that `tsv @@ q`
        detoasts (and decompresses) every tsvector, so a seq scan of search_part, whose heap holds little
        more than TOAST pointers, looks cheap and reads the whole index text (seen: 140 ms instead of 20 ms
        for 扶贫 in one agency at 50,000 documents)."""
        with transaction.atomic(using=self.using, savepoint=False), connections[self.using].cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            previous = cursor.fetchone()[0]
            yield cursor
            # Inside a longer transaction (tests, callers' atomic blocks) the setting is put back.
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def search(self, query, terms):
        total = self.count(query, terms)
        if total == 0 or query.offset >= total:
            return total, []
        return total, self.page(query, terms, total)

    # --- searching ---------------------------------------------------------------------------------
    def _filters(self, query, alias: str, force_per_row: bool = False) -> tuple[str, list]:
        """SQL conditions on `alias` (a row with doc_id and key) for the query's filters."""
        sql, params = _key_range(query)
        sql = sql.format(t=alias)
        other = type(query)(**{**query.__dict__, "year_from": None, "year_to": None})
        if has_filters(other):
            inner, inner_params = self._document_filter(other)
            # OFFSET 0 keeps it a per-row test (walks read a few hundred rows; a semi-join would read all).
            sql += f" AND EXISTS ({inner.format(alias=alias)}{' OFFSET 0' if force_per_row else ''})"
            params.extend(inner_params)
        return sql, params

    def _document_filter(self, query) -> tuple[str, list]:
        """The filters as SQL on catalog_document correlated on the primary key with `{alias}.doc_id`: whatever
        the planner thinks of a phrase's selectivity (it guesses one row), the document is found by one index
        probe. Compiled once per count + page (a page's walk asks for it once per batch), because compiling
        looks the agency subtree, theme and genre up."""
        if self._resolved is None or self._resolved[0] != query:
            documents = filtered_public(query, self.using).filter(pk=RawSQL("{alias}.doc_id", []))  # noqa: S611 - constant
            self._resolved = (query, *documents.order_by().values("id").query.sql_with_params())
        return self._resolved[1], list(self._resolved[2])

    def _matches(self, query, terms) -> tuple[list[str], str, list]:
        """SQL for the set of matching doc_id (DISTINCT), its parameters, and the terms' tsqueries."""
        queries = [tsquery_literal(term) for term in terms]
        where, params = self._filters(query, "search_part")
        # INTERSECT also removes duplicates (a term in the title and the body); one term needs DISTINCT.
        matches = " INTERSECT ".join(
            [f"SELECT DISTINCT doc_id FROM search_part WHERE tsv @@ %s::tsquery{where}"]  # noqa: S608 - constants
            * len(queries))
        return queries, matches, [value for q in queries for value in (q, *params)]

    def match_ids(self, query, terms) -> list[int]:
        """Every matching document id (for the exactness tests and the benchmark's recall)."""
        self._resolved = None
        with self._cursor() as cursor:
            _, matches, params = self._matches(query, terms)
            cursor.execute(matches, params)
            return [row[0] for row in cursor.fetchall()]

    def _df(self, cursor, term: str) -> int:
        cursor.execute("SELECT df FROM search_df WHERE term = %s", [term])
        row = cursor.fetchone()
        return row[0] if row else 0

    def count(self, query, terms) -> int:
        """Exact number of indexed documents matching every term and the filters."""
        self._resolved = None  # a search starts here: look the filters up afresh
        with self._cursor() as cursor:
            token = single_token(terms) if not has_filters(query) else None
            if token is not None:
                return self._df(cursor, token)
            _, matches, params = self._matches(query, terms)
            cursor.execute(f"SELECT count(*) FROM ({matches}) AS m", params)  # noqa: S608 - values are parameters
            return cursor.fetchone()[0]

    def page(self, query, terms, total: int) -> list[tuple[int, float]]:
        """(document id, score) of the requested page; `total` (from count) picks how it is fetched."""
        wanted = query.offset + query.limit
        with self._cursor() as cursor:
            documents = self._df(cursor, DOCUMENTS)
            if total * total >= WALK_FACTOR * wanted * max(documents, total):
                return self._walk_page(cursor, query, terms, total, documents)
            return self._gin_page(cursor, query, terms)

    def _gin_page(self, cursor, query, terms) -> list[tuple[int, float]]:
        """Every match through the GIN index, sorted."""
        queries, matches, params = self._matches(query, terms)
        if query.order == "date":
            rank, order, rank_params = "0", "p.key DESC", []
        else:
            rank = "CASE WHEN p.tsv @@ %s::tsquery THEN 1 ELSE 0 END"
            order, rank_params = "3 DESC, p.key DESC", [" & ".join(f"({q})" for q in queries)]
        cursor.execute(f"SELECT p.doc_id, p.key, {rank} FROM ({matches}) AS m "  # noqa: S608 - constants only
                       "JOIN search_part p ON p.doc_id = m.doc_id AND p.part = 0 "
                       f"ORDER BY {order} LIMIT %s OFFSET %s",
                       [*rank_params, *params, query.limit, query.offset])
        return [(document_id, float(score)) for document_id, _, score in cursor.fetchall()]

    def _walk_page(self, cursor, query, terms, total: int, documents: int) -> list[tuple[int, float]]:
        """Title hits newest first, then the other matches newest first, found by walking the documents
        newest-first (btree search_part_key) and stopping after the page."""
        queries = [tsquery_literal(term) for term in terms]
        wanted = query.offset + query.limit
        titles: list[int] = []
        if query.order != "date":
            titles = self._title_hits(cursor, query, " & ".join(f"({q})" for q in queries), wanted)
            if len(titles) >= wanted:
                return [(document_id, 1.0) for document_id in titles[query.offset:wanted]]
        # Fewer title hits than the page needs, so `titles` holds all of them: the rest of the page is the
        # newest other matches.
        exclude = set(titles)
        others = self._newest_matches(cursor, query, queries, wanted - len(titles), exclude, total, documents)
        ranked = [(document_id, 1.0) for document_id in titles] + [(document_id, 0.0) for document_id in others]
        return ranked[query.offset:wanted]

    def _walk(self, cursor, query, batch: int, before: int | None, test: str, test_params: list):
        """Test the `batch` newest part-0 rows (older than key `before`) with the SQL condition `test` on `s`.
        Returns (doc_id of the rows that pass, newest first; rows walked; oldest key walked)."""
        range_sql, range_params = _key_range(query)
        if before is not None:
            range_sql += " AND {t}.key < %s"
            range_params = [*range_params, before]
        where, params = self._filters(query, "s", force_per_row=True)
        # The LIMIT inside the materialised CTE fixes the plan: a btree walk of search_part_key, whatever
        # the planner guesses about the terms. The last row carries (-rows walked, oldest key).
        cursor.execute("WITH b AS MATERIALIZED (SELECT doc_id, key, tsv FROM search_part "  # noqa: S608
                       f"WHERE part = 0{range_sql.format(t='search_part')} ORDER BY key DESC LIMIT %s) "
                       f"(SELECT s.doc_id, s.key FROM b AS s WHERE {test}{where} ORDER BY s.key DESC) "
                       "UNION ALL SELECT -count(*), min(key) FROM b",
                       [*range_params, batch, *test_params, *params])
        rows = cursor.fetchall()
        walked, oldest = -rows[-1][0], rows[-1][1]
        hits = sorted(rows[:-1], key=lambda row: row[1], reverse=True)
        return [row[0] for row in hits], walked, oldest

    def _title_hits(self, cursor, query, all_terms: str, wanted: int) -> list[int]:
        """Ids of the newest `wanted` documents whose title part matches every term (all of them if fewer)."""
        # The newest TITLE_WALK titles first: titles are short and stored inline, so testing them costs
        # little, and a term frequent in titles is found there.
        hits, walked, oldest = self._walk(cursor, query, TITLE_WALK, None, "s.tsv @@ %s::tsquery", [all_terms])
        if len(hits) >= wanted or walked < TITLE_WALK:  # the page, or every title there is
            return hits[:wanted]
        # Title hits are rare: the rest of them through the title GIN index (search_part_title_tsv), older than what was walked.
        where, params = self._filters(query, "search_part")
        # Materialised without ORDER BY / LIMIT, so that the planner cannot prefer walking the btree (it
        # estimates the terms' frequency over all parts, not over titles).
        cursor.execute("WITH t AS MATERIALIZED (SELECT doc_id, key FROM search_part WHERE part = 0 "  # noqa: S608
                       f"AND tsv @@ %s::tsquery AND key < %s{where}) "
                       "SELECT doc_id FROM t ORDER BY key DESC LIMIT %s",
                       [all_terms, oldest, *params, wanted - len(hits)])
        return hits + [row[0] for row in cursor.fetchall()]

    def _newest_matches(self, cursor, query, queries, needed: int, exclude: set, total: int,
                        documents: int) -> list[int]:
        """Ids of the newest `needed` matching documents not in `exclude`, walking newest-first in batches."""
        # One EXISTS per term (a term may be in any part); OFFSET 0 keeps each a per-row probe of the
        # document's parts rather than a semi-join over every match.
        test = " AND ".join(["EXISTS (SELECT 1 FROM search_part x WHERE x.doc_id = s.doc_id "
                             "AND x.tsv @@ %s::tsquery OFFSET 0)"] * len(queries))
        found: list[int] = []
        before = None
        # About documents / total rows per match; the first batch aims at the whole page.
        batch = min(max(64, (needed + len(exclude)) * max(documents, total) // max(total, 1) * 5 // 4 + 32), 20_000)
        while len(found) < needed:
            hits, walked, before = self._walk(cursor, query, batch, before, test, queries)
            found.extend(document_id for document_id in hits if document_id not in exclude)
            if walked < batch:
                break
            batch = min(batch * 2, 50_000)
        return found[:needed]

    # --- maintaining -------------------------------------------------------------------------------
    def _write(self, cursor, documents, vocabularies: list | None = None) -> None:
        """documents: (Document, its attachments' texts); each document's set of tokens is appended to
        `vocabularies` if given."""
        values = []
        for document, texts in documents:
            vocabulary: set[str] = set()
            key = document_key(document.pk, document.published_on)
            values.extend((document.pk, number, key, literal)
                          for number, literal in document_parts(*indexed_text(document, texts), vocabulary))
            if vocabularies is not None:
                vocabularies.append(vocabulary)
        cursor.executemany("INSERT INTO search_part (doc_id, part, key, tsv) VALUES (%s, %s, %s, %s::tsvector)",
                           values)

    def document_changed(self, document_id):
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            # Waits for a running rebuild (SHARE ROW EXCLUSIVE), and one change per document at a time, so
            # that the old tokens read below are the ones being replaced and search_df stays exact.
            cursor.execute("LOCK TABLE search_part IN ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, document_id % 2**31])
            document = Document.objects.using(self.using).public().filter(pk=document_id).first()
            cursor.execute("SELECT DISTINCT unnest(tsvector_to_array(tsv)) FROM search_part WHERE doc_id = %s",
                           [document_id])
            old = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT EXISTS (SELECT 1 FROM search_part WHERE doc_id = %s)", [document_id])
            was_indexed = cursor.fetchone()[0]
            cursor.execute("DELETE FROM search_part WHERE doc_id = %s", [document_id])
            new: set[str] = set()
            if document is not None:
                vocabularies: list[set[str]] = []
                self._write(cursor, [(document, attachment_texts([document_id], self.using).get(document_id, []))],
                            vocabularies)
                new = vocabularies[0]
            changes = {term: 1 for term in new - old} | {term: -1 for term in old - new}
            if (document is not None) != was_indexed:
                changes[DOCUMENTS] = 1 if document is not None else -1
            if changes:
                terms = sorted(changes)  # one order for every writer: no deadlocks between them
                cursor.execute("INSERT INTO search_df (term, df) SELECT term, df FROM unnest(%s::text[], %s::int[]) "
                               "AS c (term, df) ORDER BY term "
                               "ON CONFLICT (term) DO UPDATE SET df = search_df.df + EXCLUDED.df",
                               [terms, [changes[term] for term in terms]])
                cursor.execute("DELETE FROM search_df WHERE term = ANY(%s) AND df <= 0", [terms])

    # rebuild (the loop is Backend.rebuild): the frequencies are counted in Python as the documents are
    # tokenised (one counter entry per distinct bigram) and written with COPY at the end.
    rebuild_batch = 500

    def begin_rebuild(self, cursor):
        # Readers go on (ACCESS SHARE); document_changed waits until this commits.
        cursor.execute("LOCK TABLE search_part, search_df IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("DELETE FROM search_part")
        cursor.execute("DELETE FROM search_df")
        return Counter()

    def write_batch(self, cursor, documents, frequencies):
        vocabularies: list[set[str]] = []
        self._write(cursor, documents, vocabularies)
        for vocabulary in vocabularies:
            frequencies.update(vocabulary)

    def finish_rebuild(self, cursor, documents, frequencies):
        frequencies[DOCUMENTS] = documents
        with cursor.copy("COPY search_df (term, df) FROM STDIN") as copy:
            for row in frequencies.items():
                copy.write_row(row)
        cursor.execute("ANALYZE search_part")
        cursor.execute("ANALYZE search_df")
