"""The embedded default: SQLite FTS5 over CJK bigrams (search.bigrams), no server needed.

Tables (created by catalog migrations 0003 and 0008 on SQLite):

* ``search_fts(title, body, facets)``: contentless FTS5 holding the bigram token text; title = 标题 + 文号,
  body = 内容概述, 关键词, 正文 and attachment text. The tokenizer is unicode61 told that every character
  category except separators is a token character, so it splits only at the spaces we put between tokens.
* ``search_title_fts(title, facets)``: the title column alone, so "title hits newest first" reads title postings only.
* ``search_entry(doc_id, key, title, body, facets)``: the raw text last indexed for each document (also what
  verify compares with the database); FTS5 3.40's contentless tables can only delete a row when given its
  old tokens.
* ``search_df(term, df)``: how many indexed documents contain each token, kept exact on every change:
  the count of a one-bigram query (扶贫, 政府, 公开) is one lookup instead of a walk over its postings.

A rebuild writes the same tables with the suffix ``_next`` beside them (create_tables) and renames them over
the live ones when complete (Backend.rebuild, docs/search.md); its progress is max(doc_id) of
``search_entry_next``.

The FTS rowid is ``key = published_on.toordinal() << 32 | document id``: rowid order is date order, so
"newest first" is FTS5's native rowid-descending scan with LIMIT, which stops after the page.

Ranking (order="relevance"), stated exactly in docs/search.md: title tiers (search.base.title_tiers), newest
first within a tier; score = the number of query terms in the title. The first tier (every term in the title)
reads search_title_fts alone; each other tier is one MATCH on search_fts — all terms anywhere, these in the
title, NOT the others in the title — newest first with LIMIT, so it stops at the page. After MAX_TIER_QUERIES
tiers (only reached with four terms or more) the rest of the page is the newest remaining matches.

Earlier versions used FTS5 bm25() below 5,000 matches and title-first above, so a query's order changed as the
catalogue grew past that count; bm25() also scores every match (43 ms for "乡村振兴 项目" at 1,000,000).
"""

import hashlib
from datetime import date

from django.db import connections, transaction
from django.db.models.expressions import RawSQL

from catalog.models import Document, Genre, Topic
from orgs.models import Agency

from .base import (
    INDEXED_FIELDS,
    Backend,
    attachment_texts,
    filtered_public,
    has_filters,
    indexed_text,
    title_tiers,
)
from .bigrams import term_tokens, token_text
from .query import Term

MAX_TIER_QUERIES = 7  # title tiers queried one by one; then every other match newest first (see title_tiers)
EVERY_DOCUMENT = float(1 << 40)  # the document frequency assumed for a prefix term
# An agency subtree too large for facets, holding more documents than this, is tested per match instead of
# listed (see _agency_condition).
FILTER_LIST_LIMIT = 50_000
ID_MASK = (1 << 32) - 1


def document_key(document_id: int, published_on: date | None) -> int:
    return ((published_on.toordinal() if published_on else 0) << 32) | document_id


def key_range(query) -> tuple[int, int | None] | None:
    """The query's year filters as a range of document keys [low, high), high None for no upper bound; None
    without year filters. Never below 0001-01-01: a document without a publication date fails every year
    filter, as in SQL."""
    if query.year_from is None and query.year_to is None:
        return None
    low = date(min(max(query.year_from or 1, 1), 9999), 1, 1).toordinal() << 32
    if query.year_to is None or query.year_to >= 9999:
        return low, None
    return low, date(max(query.year_to + 1, 1), 1, 1).toordinal() << 32


def _quoted(tokens: str) -> str:
    return '"' + tokens.replace('"', '""') + '"'


TEXT_COLUMNS = "{title body}"


def phrase(term: Term, columns: str = TEXT_COLUMNS) -> str:
    """The FTS5 phrase that matches `term` as a substring (see search.bigrams).

    Only a prefix (a one-character term) carries a column filter: it could match a facet token (all start
    with @, e.g. "@" *). A bigram never does (facet tokens have three characters or more), and a column
    filter makes FTS5 decode the positions of every candidate: without it, "安全生产 检查" counts in 41 ms
    instead of 59 ms, "盐池县人民政府办公室" in 113 instead of 146 (200,000 documents, a loaded machine)."""
    tokens, prefix = term_tokens(term.text)
    if prefix:
        return f"{columns} : ({_quoted(' '.join(tokens))} *)"
    return _quoted(" ".join(tokens))


def match_expression(terms: list[Term], columns: str = TEXT_COLUMNS) -> str:
    return " AND ".join(phrase(term, columns) for term in terms)


def single_token(terms: list[Term]) -> str | None:
    """The one bigram a one-term, two-character query consists of, else None."""
    if len(terms) != 1:
        return None
    tokens, prefix = term_tokens(terms[0].text)
    return tokens[0] if len(tokens) == 1 and not prefix else None


FACET_FIELDS = ("publisher_id", "statutory_item", "genre_id", "topic_id", "kind", "validity")
FACET_OR_LIMIT = 64  # an agency subtree of up to this many agencies is an OR of their publisher facets
NO_SUCH_FACET = "@none"  # a filter value that exists nowhere (an unknown genre code): no document matches


def facet_tokens(document, topic_parent_id: int | None) -> str:
    """The document's filter values as tokens of the `facets` column, so that filters are part of the MATCH
    (FTS5 intersects posting lists) instead of a test on the document table for every match. Every facet
    token has three characters or more, and a query's tokens at most two (bigrams): user text never
    matches a facet, and the user's terms are confined to {title body} anyway."""
    tokens = [f"@p{document.publisher_id}", f"@g{document.genre_id}", f"@k{document.kind}",
              f"@v{document.validity}"]
    if document.statutory_item is not None:
        tokens.append(f"@i{document.statutory_item}")
    if document.topic_id is not None:
        tokens.append(f"@t{document.topic_id}")
        if topic_parent_id is not None:  # a theme's filter includes its sub-themes
            tokens.append(f"@t{topic_parent_id}")
    return " ".join(tokens)


class SqliteFtsBackend(Backend):
    name = "sqlite"

    def __init__(self, using: str = "default"):
        self.using = using

    # --- searching ---------------------------------------------------------------------------------
    def _filters(self, query) -> tuple[str, str, list]:
        """(facet clauses to AND to the MATCH expression, SQL conditions on the FTS rowid, their parameters).
        Year bounds are rowid ranges; the other filters are facet tokens (see facet_tokens), except an agency
        subtree of more than FACET_OR_LIMIT agencies, which is tested on the document table."""
        facets, sql, params = [], [], []
        if (keys := key_range(query)) is not None:
            sql.append("{t}.rowid >= %s")
            params.append(keys[0])
            if keys[1] is not None:
                sql.append("{t}.rowid < %s")
                params.append(keys[1])
        if query.agency_path:
            agencies = list(Agency.objects.using(self.using).filter(path__startswith=query.agency_path)
                            .values_list("pk", flat=True)[:FACET_OR_LIMIT + 1])
            if len(agencies) <= FACET_OR_LIMIT:
                facets.append(" OR ".join(_quoted(f"@p{pk}") for pk in agencies) or _quoted(NO_SUCH_FACET))
            else:
                condition, condition_params = self._agency_condition(query)
                sql.append(condition)
                params.extend(condition_params)
        if query.topic_id is not None:
            facets.append(_quoted(f"@t{query.topic_id}"))  # sub-themes carry their parent's token too
        if query.genre_code:
            genre = Genre.objects.using(self.using).filter(code=query.genre_code).values_list("pk", flat=True).first()
            facets.append(_quoted(f"@g{genre}" if genre is not None else NO_SUCH_FACET))
        if query.kind:
            facets.append(_quoted(f"@k{query.kind}"))
        if query.statutory_item is not None:
            facets.append(_quoted(f"@i{query.statutory_item}"))
        if query.validity:
            facets.append(_quoted(f"@v{query.validity}"))
        return "".join(f" AND facets : ({clause})" for clause in facets), \
            "".join(" AND " + part for part in sql), params

    def _agency_condition(self, query) -> tuple[str, list]:
        """A large agency subtree: listed once if it holds few documents, else tested per match."""
        only_agency = type(query)(text=query.text, agency_path=query.agency_path)
        documents = filtered_public(only_agency, self.using)
        if documents[:FILTER_LIST_LIMIT + 1].count() <= FILTER_LIST_LIMIT:
            inner, params = documents.values("id").query.sql_with_params()
            return f"({{t}}.rowid & {ID_MASK}) IN ({inner})", params
        # Each match looks its document up by primary key: the cost follows the matches, and a newest-first
        # page stops early, rather than listing most of the catalogue.
        inner, params = documents.filter(pk=RawSQL(f"{{t}}.rowid & {ID_MASK}", [])).values("id") \
            .query.sql_with_params()  # noqa: S611 - constant SQL
        return f"EXISTS ({inner})", params

    def _match(self, query, terms, table: str = "search_fts", filters=None) -> tuple[str, str, list]:
        """(MATCH expression, extra SQL conditions, parameters) for `table`; `filters` = self._filters(query)
        when the caller already has it (its agency and genre lookups are queries)."""
        facets, where, params = filters or self._filters(query)
        columns = "{title body}" if table == "search_fts" else "title"
        return f"({match_expression(terms, columns)}){facets}", where.format(t=table), params

    def search(self, query, terms):
        filters = self._filters(query)  # once for the count and every query of the page
        total = self.count(query, terms, filters)
        if total == 0 or query.offset >= total:
            return total, []
        return total, self.page(query, terms, total, filters)

    def count(self, query, terms, filters=None) -> int:
        """Exact number of indexed documents matching every term and the filters."""
        with connections[self.using].cursor() as cursor:
            token = single_token(terms) if not has_filters(query) else None
            if token is not None:
                cursor.execute("SELECT df FROM search_df WHERE term = %s", [token])
                row = cursor.fetchone()
                return row[0] if row else 0
            expression, where, params = self._match(query, terms, filters=filters)
            # SQL assembled from constants and Django-compiled filters only; values go as parameters.
            cursor.execute(f"SELECT count(*) FROM search_fts WHERE search_fts MATCH %s{where}",  # noqa: S608
                           [expression, *params])
            return cursor.fetchone()[0]

    def page(self, query, terms, total: int, filters=None) -> list[tuple[int, float]]:
        """(document id, score) of the requested page: newest first (order="date"), or by title tiers
        (search.base.title_tiers), newest first within a tier; score = the number of terms in the title."""
        filters = filters or self._filters(query)
        with connections[self.using].cursor() as cursor:
            if query.order == "date":
                ranked = self._newest(cursor, query, terms, "search_fts", query.offset + query.limit, filters)
                return [(key & ID_MASK, 0.0) for key in ranked[query.offset:]]
            return self._by_tiers(cursor, query, terms, filters)

    def _term_df(self, cursor, terms) -> list[float]:
        """Each term's document frequency as its rarest bigram's (an upper bound; a one-character term, a
        prefix, counts as in every document)."""
        token_lists = [term_tokens(term.text) for term in terms]
        wanted = sorted({token for tokens, prefix in token_lists if not prefix for token in tokens})
        found = {}
        if wanted:
            cursor.execute(f"SELECT term, df FROM search_df WHERE term IN ({', '.join(['%s'] * len(wanted))})",  # noqa: S608
                           wanted)
            found = dict(cursor.fetchall())
        return [EVERY_DOCUMENT if prefix or not tokens else min(found.get(token, 0) for token in tokens)
                for tokens, prefix in token_lists]

    def _by_tiers(self, cursor, query, terms, filters):
        offset, wanted = query.offset, query.offset + query.limit
        facets, where, params = filters
        ranked: list[tuple[int, float]] = []
        for inside in title_tiers(self._term_df(cursor, terms))[:MAX_TIER_QUERIES]:
            need = wanted - len(ranked)
            if len(inside) == len(terms):  # every term in the title: the title index alone
                # (no column filter on bigrams here either: the table's other column holds only facet tokens)
                table, expression = "search_title_fts", match_expression(terms, "title")
            else:
                in_title = match_expression([terms[i] for i in inside], "title")
                for index, term in enumerate(terms):
                    if index not in inside:
                        in_title = f"({in_title}) NOT {phrase(term, 'title')}"
                # The title index alone says cheaply (its postings are short) whether any title holds just
                # these terms; an empty tier read on search_fts would walk every match to find nothing (63 ms
                # for "扶贫 资金" in one 第二十条 item at 200,000 documents).
                cursor.execute("SELECT 1 FROM search_title_fts WHERE search_title_fts MATCH %s"  # noqa: S608
                               f"{where.format(t='search_title_fts')} LIMIT 1", [f"({in_title}){facets}", *params])
                if cursor.fetchone() is None:
                    continue
                table, expression = "search_fts", f"({match_expression(terms)}) AND title : ({in_title})"
            cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s{where.format(t=table)} "  # noqa: S608
                           "ORDER BY rowid DESC LIMIT %s", [f"({expression}){facets}", *params, need])
            ranked.extend((row[0], float(len(inside))) for row in cursor.fetchall())
            if len(ranked) == wanted:
                return [(key & ID_MASK, score) for key, score in ranked[offset:]]
        # Every tier listed so far is exhausted, so the rest of the page is the newest other matches.
        seen = {key for key, _ in ranked}
        rest = [key for key in self._newest(cursor, query, terms, "search_fts", wanted + len(seen), filters)
                if key not in seen]
        ranked.extend((key, 0.0) for key in rest[:wanted - len(ranked)])
        return [(key & ID_MASK, score) for key, score in ranked[offset:]]

    def _newest(self, cursor, query, terms, table, count, filters) -> list[int]:
        expression, where, params = self._match(query, terms, table, filters)
        cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s{where} "  # noqa: S608
                       "ORDER BY rowid DESC LIMIT %s", [expression, *params, count])
        return [row[0] for row in cursor.fetchall()]

    # --- maintaining -------------------------------------------------------------------------------
    def document_changed(self, document_id):
        document = Document.objects.using(self.using).public().select_related("topic").filter(pk=document_id).first()
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            row = None
            if document is not None:
                texts = attachment_texts([document_id], self.using).get(document_id, [])
                parent = document.topic.parent_id if document.topic_id else None
                row = self._row(document, texts, parent)
            self._remove(cursor, document_id, LIVE)
            if row is not None:
                self._add(cursor, [row], LIVE, count_terms=True)
            # A rebuild under way has passed this document already: its side index follows the change too
            # (the write lock, taken at BEGIN IMMEDIATE, keeps this and a batch apart).
            progress = self.side_progress(cursor)
            if progress is not None and document_id <= progress:
                self._remove(cursor, document_id, SIDE, count_terms=False)
                if row is not None:
                    self._add(cursor, [row], SIDE, count_terms=False)

    @staticmethod
    def _row(document, texts, topic_parent_id):
        return (document_key(document.pk, document.published_on), document.pk, *indexed_text(document, texts),
                facet_tokens(document, topic_parent_id))

    @staticmethod
    def _remove(cursor, document_id: int, suffix: str, count_terms: bool = True) -> None:
        cursor.execute(f"SELECT key, title, body, facets FROM search_entry{suffix} WHERE doc_id = %s",  # noqa: S608
                       [document_id])
        row = cursor.fetchone()
        if row is None:
            return
        key, title, body, facets = row
        title_tokens, body_tokens = token_text(title), token_text(body)
        cursor.execute(f"INSERT INTO search_fts{suffix}(search_fts{suffix}, rowid, title, body, facets) "  # noqa: S608
                       "VALUES ('delete', %s, %s, %s, %s)", [key, title_tokens, body_tokens, facets])
        cursor.execute(f"INSERT INTO search_title_fts{suffix}(search_title_fts{suffix}, rowid, title, facets) "  # noqa: S608
                       "VALUES ('delete', %s, %s, %s)", [key, title_tokens, facets])
        if count_terms:
            terms = [[term] for term in set(title_tokens.split(" ")) | set(body_tokens.split(" ")) if term]
            cursor.executemany("UPDATE search_df SET df = df - 1 WHERE term = %s", terms)
            cursor.executemany("DELETE FROM search_df WHERE term = %s AND df <= 0", terms)
        cursor.execute(f"DELETE FROM search_entry{suffix} WHERE doc_id = %s", [document_id])  # noqa: S608

    @staticmethod
    def _add(cursor, rows, suffix: str, count_terms: bool) -> None:
        """rows: (key, document id, title text, body text, facet tokens)."""
        tokenised = [(key, token_text(title), token_text(body), facets) for key, _, title, body, facets in rows]
        cursor.executemany(f"INSERT INTO search_entry{suffix} (doc_id, key, title, body, facets) "  # noqa: S608
                           "VALUES (%s, %s, %s, %s, %s)",
                           [(document_id, key, title, body, facets) for key, document_id, title, body, facets in rows])
        cursor.executemany(f"INSERT INTO search_fts{suffix} (rowid, title, body, facets) "  # noqa: S608
                           "VALUES (%s, %s, %s, %s)", tokenised)
        cursor.executemany(f"INSERT INTO search_title_fts{suffix} (rowid, title, facets) VALUES (%s, %s, %s)",  # noqa: S608
                           [(key, title, facets) for key, title, _, facets in tokenised])
        if count_terms:
            for _, title, body, _ in tokenised:
                terms = [[term] for term in set(title.split(" ")) | set(body.split(" ")) if term]
                cursor.executemany("INSERT INTO search_df (term, df) VALUES (%s, 1) "
                                   "ON CONFLICT (term) DO UPDATE SET df = df + 1", terms)

    # --- rebuilding beside the live index (the loop is Backend.rebuild) --------------------------------
    # The side index is the same five tables with the suffix _next; the swap renames them over the live ones.
    rebuild_fields = (*INDEXED_FIELDS, *FACET_FIELDS)

    def side_progress(self, cursor) -> int | None:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [f"search_entry{SIDE}"])
        if cursor.fetchone() is None:
            return None
        cursor.execute(f"SELECT coalesce(max(doc_id), 0) FROM search_entry{SIDE}")  # noqa: S608
        return cursor.fetchone()[0]

    def side_count(self, cursor) -> int:
        cursor.execute(f"SELECT count(*) FROM search_entry{SIDE}")  # noqa: S608
        return cursor.fetchone()[0]

    def begin_state(self):
        return dict(Topic.objects.using(self.using).values_list("pk", "parent_id"))  # a theme's parent

    def begin_rebuild(self, cursor, resume: bool = False):
        if not resume:
            self.drop_side(cursor)
            for sql in create_tables(SIDE):
                cursor.execute(sql)
        return self.begin_state()

    def write_batch(self, cursor, documents, parents):
        self._add(cursor, [self._row(document, texts, parents.get(document.topic_id)) for document, texts in documents],
                  SIDE, count_terms=False)

    def finish_rebuild(self, cursor, documents, parents):
        # Document frequencies in one pass of C over the finished index, instead of per document. Text tokens
        # only (one or two characters; facet tokens are longer), as document_changed keeps them.
        cursor.execute(f"CREATE VIRTUAL TABLE temp.search_side_vocab USING fts5vocab(main, search_fts{SIDE}, row)")
        cursor.execute(f"INSERT INTO search_df{SIDE} (term, df) SELECT term, doc FROM temp.search_side_vocab "  # noqa: S608
                       "WHERE length(term) <= 2")
        cursor.execute("DROP TABLE temp.search_side_vocab")
        # One b-tree per index: fewer segments to merge on every query.
        cursor.execute(f"INSERT INTO search_fts{SIDE}(search_fts{SIDE}) VALUES ('optimize')")  # noqa: S608
        cursor.execute(f"INSERT INTO search_title_fts{SIDE}(search_title_fts{SIDE}) VALUES ('optimize')")  # noqa: S608

    def swap(self, cursor):
        cursor.execute("DROP TABLE IF EXISTS search_fts_vocab")
        for table in INDEX_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"ALTER TABLE {table}{SIDE} RENAME TO {table}")
        cursor.execute("CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, row)")

    def drop_side(self, cursor):
        for table in INDEX_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}{SIDE}")

    # --- checking ------------------------------------------------------------------------------------
    def indexed_count(self, cursor) -> int:
        cursor.execute("SELECT count(*) FROM search_entry")
        return cursor.fetchone()[0]

    def indexed_fingerprints(self, cursor, after_id, limit):
        cursor.execute("SELECT doc_id, key, title, body, facets FROM search_entry WHERE doc_id > %s "
                       "ORDER BY doc_id LIMIT %s", [after_id, limit])
        return [(row[0], _fingerprint(*row[1:])) for row in cursor.fetchall()]

    def fingerprint(self, document, texts, parents):
        key, _, title, body, facets = self._row(document, texts, parents.get(document.topic_id))
        return _fingerprint(key, title, body, facets)


def _fingerprint(key: int, title: str, body: str, facets: str) -> str:
    return hashlib.blake2b(f"{key}\x00{title}\x00{body}\x00{facets}".encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


LIVE, SIDE = "", "_next"
# search_fts_vocab reads search_fts by name and is recreated after the swap.
INDEX_TABLES = ("search_fts", "search_title_fts", "search_entry", "search_df")
# unicode61 told that every category except separators and controls is part of a token, so it splits only at
# the spaces between the bigram tokens written by search.bigrams (as catalog migration 0003 made the tables).
TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cn'"


def create_tables(suffix: str) -> list[str]:
    """The index's tables as catalog migrations 0003 and 0008 left them, under the given suffix."""
    return [
        f"""CREATE VIRTUAL TABLE search_fts{suffix} USING fts5(title, body, facets, content='', tokenize="{TOKENIZE}")""",
        f"""CREATE VIRTUAL TABLE search_title_fts{suffix} USING fts5(title, facets, content='', tokenize="{TOKENIZE}")""",
        f"""CREATE TABLE search_entry{suffix} (doc_id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE,
                                   title TEXT NOT NULL, body TEXT NOT NULL, facets TEXT NOT NULL DEFAULT '')""",
        f"CREATE TABLE search_df{suffix} (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    ]
