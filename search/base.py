"""What all backends share: the filters as a Document queryset, the indexed text of a document, hits with
highlighted snippets, and the backend protocol."""

import html
import re
from collections.abc import Callable, Iterable
from datetime import date

from django.db import connections, transaction
from django.db.models import Exists, OuterRef, Q

from catalog.models import Attachment, DisclosureAttribute, Document, DocumentStatus, Genre, Topic
from orgs.models import Agency

from .query import Term

SNIPPET_CHARS = 120
ProgressCallback = Callable[[int, int], None]  # (done, total)


# The Document fields every index reads (indexed_text and the key); a backend adds what else it needs.
INDEXED_FIELDS = ("published_on", "title", "document_number", "summary", "keywords", "body_text")


class Backend:
    """One search engine. `search` must count exactly and see only public documents.

    An index backend implements `rebuild` by supplying three steps to `rebuild` here: `begin_rebuild` (empty
    the index, return any state the batches need), `write_batch` (index one batch of public documents) and
    `finish_rebuild`; the loop over the catalogue, the transaction and the progress reports are shared."""

    name = ""
    using = "default"
    rebuild_batch = 1000  # documents per write_batch
    rebuild_fields = INDEXED_FIELDS  # the Document fields write_batch reads

    def search(self, query, terms: list[Term]):  # -> (total, [(document_id, score)])
        raise NotImplementedError

    def document_changed(self, document_id: int) -> None:
        raise NotImplementedError

    def rebuild(self, progress: ProgressCallback | None = None) -> int:
        """Empty the index and refill it from Document.objects.public() in one transaction (readers keep the old
        index until it commits); returns the number of documents indexed. `progress(done, total)` as it goes."""
        public = Document.objects.using(self.using).public()
        total = public.count()
        done = last = 0
        if progress:
            progress(0, total)
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            state = self.begin_rebuild(cursor)
            while True:
                # Keyset pagination: constant cost per batch however far into the catalogue.
                batch = list(public.filter(pk__gt=last).order_by("pk").only(*self.rebuild_fields)[:self.rebuild_batch])
                if not batch:
                    break
                last = batch[-1].pk
                texts = attachment_texts([document.pk for document in batch], self.using)
                self.write_batch(cursor, [(document, texts.get(document.pk, [])) for document in batch], state)
                done += len(batch)
                if progress:
                    progress(done, total)
            self.finish_rebuild(cursor, done, state)
        return done

    def begin_rebuild(self, cursor):
        """Empty the index inside the rebuild's transaction; returns the state passed to the other steps."""
        raise NotImplementedError

    def write_batch(self, cursor, documents: list[tuple[object, list[str]]], state) -> None:
        """Index (Document, its attachments' texts) pairs, none of them indexed yet."""
        raise NotImplementedError

    def finish_rebuild(self, cursor, documents: int, state) -> None:
        """After the last batch (`documents` indexed in all), before the commit."""


def attachment_texts(document_ids: list[int], using: str = "default") -> dict[int, list[str]]:
    """The non-empty extracted texts of the documents' attachments, in their display order, by document id."""
    texts: dict[int, list[str]] = {}
    for document_id, text in Attachment.objects.using(using).filter(document_id__in=document_ids).exclude(
            text="").order_by("document_id", "sort_order", "id").values_list("document_id", "text"):
        texts.setdefault(document_id, []).append(text)
    return texts


def has_filters(query) -> bool:
    return any(value is not None for value in (query.agency_path, query.topic_id, query.genre_code, query.kind,
                                               query.statutory_item, query.year_from, query.year_to,
                                               query.validity))


def _ids(queryset):
    """The primary keys as a list, or, when there are none, as a subquery: an empty IN list cannot be compiled
    into the SQL the backends embed (Django raises EmptyResultSet)."""
    ids = list(queryset.values_list("pk", flat=True))
    return ids or queryset.values("pk")


def filtered_public(query, using: str = "default"):
    """Document.objects.public() narrowed by the query's filters (never by its text), unordered.

    The agency subtree, the theme with its sub-themes and the genre are looked up first and filtered by id:
    a join to orgs_agency on the path made SQLite walk every public document (2.4 s at 1,000,000), while an
    id list walks the (publisher, status, …) index (31 ms for a department's 47,751 documents)."""
    documents = Document.objects.using(using).public().order_by()
    if query.agency_path:
        documents = documents.filter(publisher_id__in=_ids(
            Agency.objects.using(using).filter(path__startswith=query.agency_path)))
    if query.topic_id is not None:  # a theme includes its sub-themes
        documents = documents.filter(topic_id__in=Topic.with_subthemes(query.topic_id, using))
    if query.genre_code:
        documents = documents.filter(genre_id__in=_ids(Genre.objects.using(using).filter(code=query.genre_code)))
    if query.kind:
        documents = documents.filter(kind=query.kind)
    if query.statutory_item is not None:
        documents = documents.filter(statutory_item=query.statutory_item)
    if query.year_from is not None:
        documents = documents.filter(published_on__gte=date(max(query.year_from, 1), 1, 1))
    if query.year_to is not None:
        documents = documents.filter(published_on__lte=date(min(max(query.year_to, 1), 9999), 12, 31))
    if query.validity:
        documents = documents.filter(validity=query.validity)
    return documents


def like_condition(term: Term, lookup: str = "contains") -> Q:
    """`term` occurs in the title, 文号, summary, keywords, body or an attachment's text."""
    fields = ("title", "document_number", "summary", "keywords", "body_text")
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": term.text})
    attachment = Attachment.objects.filter(document=OuterRef("pk"), **{f"text__{lookup}": term.text})
    return condition | Q(Exists(attachment))


def indexed_text(document, attachment_texts: Iterable[str]) -> tuple[str, str]:
    """(title part, body part) of a document as the indexes see it. Parts are joined by newlines, so a term
    never spans two fields."""
    title = "\n".join(part for part in (document.title, document.document_number) if part)
    body = "\n".join(part for part in (document.summary, document.keywords, document.body_text,
                                       *attachment_texts) if part)
    return title, body


def _term_pattern(terms: list[Term]) -> re.Pattern | None:
    parts = [r"\s+".join(re.escape(word) for word in term.text.split(" ")) for term in terms if term.text]
    if not parts:
        return None
    parts.sort(key=len, reverse=True)  # longest first, so 扶贫工作 is marked whole rather than as 扶贫
    return re.compile("|".join(parts), re.IGNORECASE | re.ASCII)


def snippet(texts: Iterable[str], terms: list[Term], width: int = SNIPPET_CHARS) -> str:
    """Escaped text around the first match, with <mark>…</mark> around every match in the window."""
    pattern = _term_pattern(terms)
    first_text = ""
    for text in texts:
        if not text:
            continue
        first_text = first_text or text
        match = pattern.search(text) if pattern else None
        if match:
            start = max(0, match.start() - width // 3)
            end = min(len(text), start + width)
            return _marked(text, start, end, pattern)
    if not first_text:
        return ""
    return _marked(first_text, 0, min(len(first_text), width), pattern)


def _marked(text: str, start: int, end: int, pattern: re.Pattern | None) -> str:
    window = text[start:end]
    pieces, position = [], 0
    for match in pattern.finditer(window) if pattern else ():
        pieces.append(html.escape(window[position:match.start()]))
        pieces.append(f"<mark>{html.escape(match.group())}</mark>")
        position = match.end()
    pieces.append(html.escape(window[position:]))
    body = "".join(pieces).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def hits(ranked: list[tuple[int, float]], terms: list[Term], using: str = "default"):
    """SearchHits for (document_id, score) in rank order; anything no longer public is dropped."""
    # cycle: search.services imports this module at module level (hits) and defines SearchHit
    from .services import SearchHit

    ids = [document_id for document_id, _ in ranked]
    # By primary key, then checked in Python: with the public() filter in SQL, SQLite's planner prefers the
    # (status, disclosure_attribute, …) index and walks every public document. values(): model instances
    # cost more than the search itself.
    fields = ("pk", "index_number", "title", "published_on", "body_text", "summary", "status",
              "disclosure_attribute")
    documents = {row["pk"]: row for row in Document.objects.using(using).filter(pk__in=ids).values(*fields)
                 if row["status"] == DocumentStatus.PUBLISHED
                 and row["disclosure_attribute"] == DisclosureAttribute.PROACTIVE}
    attachments: dict[int, list[str]] = {}
    for document_id, text in Attachment.objects.using(using).filter(document_id__in=ids).exclude(text="").values_list(
            "document_id", "text"):
        attachments.setdefault(document_id, []).append(text)
    out = []
    for document_id, score in ranked:
        document = documents.get(document_id)
        if document is None:
            continue
        texts = [document["body_text"], document["summary"], *attachments.get(document_id, []), document["title"]]
        out.append(SearchHit(document_id=document_id, index_number=document["index_number"] or "",
                             title=document["title"], published_on=document["published_on"], score=float(score),
                             snippet_html=snippet(texts, terms)))
    return out
