"""The production backend on PostgreSQL: the same CJK bigrams (catalog.search.bigrams) as tsvectors with a GIN
index, queried as phrase tsqueries (`'扶贫' <-> '贫工'`, i.e. what phraseto_tsquery builds).

The tsvectors are written as literals with explicit positions, not through to_tsvector(): PostgreSQL's text
parser would split tokens such as "4年" or "，现" and break the phrase arithmetic. Table ``search_part``
(migration 0003): part 0 = 标题 + 文号, parts 1… = 内容概述, 关键词, 正文 and attachment text in
overlapping chunks, because tsvector positions stop at 16,383 and a lexeme keeps at most 256 positions; the
chunks overlap by MAX_TERM_CHARS so every query term lies wholly inside one chunk. A document matches when
each term matches some part of it.

Ranking (order="relevance"): documents whose title part contains every term first, then newest first;
score = 1 or 0. No text search function is ever given `icontains`-style case folding: the tokens are
already folded.
"""

from collections import Counter

from django.db import connections, transaction

from .base import Backend, filtered_public, has_filters, indexed_text
from .bigrams import MAX_TERM_CHARS, chunks, term_tokens, tokens
from .query import Term
from .sqlite_fts import document_key

CHUNK_CHARS = 4000
MAX_POSITIONS_PER_LEXEME = 256
BATCH = 500


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str) -> str:
    positions: dict[str, list[int]] = {}
    for position, token in enumerate(tokens(text), start=1):
        positions.setdefault(token, []).append(position)
    return " ".join(f"{_lexeme(token)}:{','.join(map(str, where))}" for token, where in positions.items())


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


def document_parts(title: str, body: str) -> list[tuple[int, str]]:
    parts = [(0, tsvector_literal(title))]
    if body:
        parts.extend((number, tsvector_literal(piece)) for number, piece in enumerate(_pieces(body), start=1))
    return parts


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, using: str = "default"):
        self.using = using

    def search(self, query, terms):
        total = self.count(query, terms)
        if total == 0 or query.offset >= total:
            return total, []
        return total, self.page(query, terms, total)

    def _matches(self, query, terms) -> tuple[list[str], str, list]:
        queries = [tsquery_literal(term) for term in terms]
        # INTERSECT also removes duplicates (a term in the title and the body); one term needs DISTINCT.
        matches = " INTERSECT ".join(["SELECT DISTINCT doc_id FROM search_part WHERE tsv @@ %s::tsquery"]
                                     * len(queries))
        params: list = list(queries)
        if has_filters(query):
            inner, inner_params = filtered_public(query).using(self.using).values("id").query.sql_with_params()
            matches = f"SELECT doc_id FROM ({matches}) AS m WHERE doc_id IN ({inner})"  # noqa: S608 - Django-compiled
            params.extend(inner_params)
        return queries, matches, params

    def count(self, query, terms) -> int:
        _, matches, params = self._matches(query, terms)
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({matches}) AS m", params)  # noqa: S608 - values are parameters
            return cursor.fetchone()[0]

    def page(self, query, terms, total: int) -> list[tuple[int, float]]:
        queries, matches, params = self._matches(query, terms)
        with connections[self.using].cursor() as cursor:
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

    def _write(self, cursor, rows) -> None:
        """rows: (document id, key, title text, body text)."""
        values = [(document_id, number, key, literal) for document_id, key, title, body in rows
                  for number, literal in document_parts(title, body)]
        cursor.executemany("INSERT INTO search_part (doc_id, part, key, tsv) VALUES (%s, %s, %s, %s::tsvector)",
                           values)

    def document_changed(self, document_id):
        from catalog.models import Attachment, Document

        document = Document.objects.using(self.using).public().filter(pk=document_id).first()
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            cursor.execute("DELETE FROM search_part WHERE doc_id = %s", [document_id])
            if document is not None:
                texts = Attachment.objects.using(self.using).filter(document_id=document_id).exclude(text="") \
                    .order_by("sort_order", "id").values_list("text", flat=True)
                self._write(cursor, [(document.pk, document_key(document.pk, document.published_on),
                                      *indexed_text(document, texts))])

    def rebuild(self, progress=None):
        from catalog.models import Attachment, Document

        public = Document.objects.using(self.using).public()
        total = public.count()
        done = last = 0
        if progress:
            progress(0, total)
        fields = ("published_on", "title", "document_number", "summary", "keywords", "body_text")
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            cursor.execute("DELETE FROM search_part")
            while True:
                batch = list(public.filter(pk__gt=last).order_by("pk").only(*fields)[:BATCH])
                if not batch:
                    break
                last = batch[-1].pk
                attachments: dict[int, list[str]] = {}
                for document_id, text in Attachment.objects.using(self.using).filter(
                        document_id__in=[d.pk for d in batch]).exclude(text="").order_by(
                        "document_id", "sort_order", "id").values_list("document_id", "text"):
                    attachments.setdefault(document_id, []).append(text)
                self._write(cursor, [(d.pk, document_key(d.pk, d.published_on),
                                      *indexed_text(d, attachments.get(d.pk, []))) for d in batch])
                done += len(batch)
                if progress:
                    progress(done, total)
            cursor.execute("ANALYZE search_part")
        return done
