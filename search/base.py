"""What all backends share: the filters as a Document queryset, the indexed text of a document, hits with
highlighted snippets, and the backend protocol."""

import contextlib
import html
import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import DatabaseError, connections, transaction
from django.db.models import Exists, OuterRef, Q

from catalog.models import Attachment, DisclosureAttribute, Document, DocumentStatus, Genre, Topic
from orgs.models import Agency

from .query import Term

SNIPPET_CHARS = 120
ProgressCallback = Callable[[int, int], None]  # (done, total)


# The Document fields every index reads (indexed_text and the key); a backend adds what else it needs.
INDEXED_FIELDS = ("published_on", "title", "document_number", "summary", "keywords", "body_text")


@dataclass(frozen=True)
class IndexStatus:
    """What `gongkai check`, `migrate` and the 后台任务 page say about an index. state: "ok", "missing" (public
    documents but an empty or absent index), "stale" (the index holds another number of documents than the
    catalogue: run `verify` for which), "building" (a rebuild is under way beside the live index), "unknown"
    (the backend does not implement indexed_count)."""

    state: str
    public: int = 0  # public documents in the database
    indexed: int = 0  # documents in the live index
    building: int | None = None  # documents already in the index being built beside, if any

    @property
    def message(self) -> str:
        text = {"ok": "全文检索索引完整",
                "missing": "全文检索索引缺失或为空，检索不到任何公开信息",
                "stale": "全文检索索引与数据库不一致（篇数不同）",
                "building": "全文检索索引正在后台重建，检索暂由旧索引回答",
                "unknown": "该检索后端不报告索引状态"}[self.state]
        detail = f"：数据库中公开信息 {self.public} 篇，索引中 {self.indexed} 篇"
        if self.building is not None:
            detail += f"，新索引已写入 {self.building} 篇"
        return text + detail + "。"


@dataclass
class VerifyReport:
    """`gongkai search-index verify`: document ids, in id order (at most VERIFY_LIST of each kept)."""

    checked: int = 0  # public documents compared
    missing: list[int] = field(default_factory=list)  # public, not in the index
    extra: list[int] = field(default_factory=list)  # in the index, not (or no longer) public
    stale: list[int] = field(default_factory=list)  # in both, but indexed with other text, date or facets
    counts: dict[str, int] = field(default_factory=lambda: {"missing": 0, "extra": 0, "stale": 0})

    @property
    def ok(self) -> bool:
        return not any(self.counts.values())

    def add(self, kind: str, document_id: int) -> None:
        self.counts[kind] += 1
        listed = getattr(self, kind)
        if len(listed) < VERIFY_LIST:
            listed.append(document_id)

    @property
    def summary(self) -> str:
        if self.ok:
            return f"索引与数据库一致：{self.checked} 篇公开的政府信息均已按当前内容编入索引。"
        parts = []
        for kind, label in (("missing", "索引中缺少"), ("extra", "索引中多出（已非公开或已删除）"),
                            ("stale", "索引内容过期")):
            if self.counts[kind]:
                ids = "、".join(str(i) for i in getattr(self, kind))
                more = "等" if self.counts[kind] > len(getattr(self, kind)) else ""
                parts.append(f"{label} {self.counts[kind]} 篇（编号 {ids}{more}）")
        return ("索引与数据库不一致：" + "；".join(parts) + "。请运行 gongkai search-index rebuild 重建索引。")


VERIFY_LIST = 10


class Backend:
    """One search engine. `search` must count exactly and see only public documents.

    The contract an index backend implements (SqliteFtsBackend is the reference; the loops are shared here):

    Searching and following changes
      search(query, terms) -> (total, [(document_id, score)]) and document_changed(document_id), as before.
      document_changed must also update the index being built beside (below) when one exists and the
      document's id is at or below its progress; it must serialise with write_batch (SQLite: both take the
      write lock at BEGIN IMMEDIATE; PostgreSQL: e.g. both lock the side table's progress row), so that a
      change committed while a batch is being written is never lost.

    Rebuilding beside the live index, resumably (Backend.rebuild drives it; readers keep the live index):
      side_progress(cursor) -> int | None: the highest document id already written into the index being built
        beside the live one, 0 when it exists but is empty, None when there is none. It is the rebuild's stored
        progress: a batch and its progress commit together, so a rebuild killed at any point resumes after
        the last committed batch.
      begin_rebuild(cursor, resume) -> state: resume=False: create the empty side index (dropping any left
        over); resume=True: keep it. Returns what write_batch needs (e.g. a lookup table), recomputed on resume.
      write_batch(cursor, [(Document, [attachment texts])], state): index these public documents, in id order,
        none of them in the side index yet, into the side index. Each batch is its own transaction.
      finish_rebuild(cursor, documents, state): after the last batch (statistics, merging, ANALYZE); may take
        long, and must leave the live index answering.
      swap(cursor): in one transaction, the side index becomes the live one and the old live one is dropped.
      drop_side(cursor): throw away a side index (`search-index rebuild --restart`).
      write_guard() -> context manager (optional): held around each batch's read and write and around the swap;
        an index outside the database (tantivy) serialises document_changed with it instead of a database lock.

    Checking (Backend.verify and Backend.status drive them):
      indexed_count(cursor) -> int: documents in the live index (raise DatabaseError when it does not exist).
      indexed_fingerprints(cursor, after_id, limit) -> [(document_id, fingerprint)]: the live index's
        documents with id > after_id, in id order, at most `limit`.
      fingerprint(document, texts, state) -> str: what the index would hold for this (Document with
        rebuild_fields, attachment texts), comparable with indexed_fingerprints (e.g. a hash of the indexed
        text, date key and filter values). state = begin_state().
      begin_state() -> state: what fingerprint needs (the same as write_batch's, without touching the index).

    A backend that does not implement side_progress is rebuilt in place in one transaction, as before this
    contract: begin_rebuild(cursor) empties the live index, then write_batch and finish_rebuild, no swap."""

    name = ""
    using = "default"
    rebuild_batch = 1000  # documents per write_batch
    rebuild_fields = INDEXED_FIELDS  # the Document fields write_batch reads

    def search(self, query, terms: list[Term]):  # -> (total, [(document_id, score)])
        raise NotImplementedError

    def document_changed(self, document_id: int) -> None:
        raise NotImplementedError

    # --- rebuilding ---------------------------------------------------------------------------------
    def rebuild(self, progress: ProgressCallback | None = None, restart: bool = False) -> int:
        """Build a new index from Document.objects.public() beside the live one, batch by batch (each batch
        commits with its progress, so running it again after an interruption continues where it stopped),
        then swap it in; search answers from the old index until the swap. Returns the number of documents
        indexed. `progress(done, total)` as it goes; restart=True discards a half-built side index."""
        public = Document.objects.using(self.using).public()
        connection = connections[self.using]
        if not self.builds_beside():
            return self._rebuild_in_place(progress)
        with self.write_guard(), transaction.atomic(using=self.using), connection.cursor() as cursor:
            if restart:
                self.drop_side(cursor)
            last = self.side_progress(cursor)
            state = self.begin_rebuild(cursor, resume=last is not None)
        total = public.count()
        done = public.filter(pk__lte=last).count() if last else 0
        if progress:
            progress(done, total)
        while True:
            # Keyset pagination: constant cost per batch however far into the catalogue. The batch is read
            # inside its write transaction, so document_changed (serialised with it) cannot slip between, and
            # starts after the side index's progress as committed (a second rebuild running at the same time
            # shares the work instead of writing the same documents twice).
            with self.write_guard(), transaction.atomic(using=self.using), connection.cursor() as cursor:
                last = self.side_progress(cursor)
                if last is None:  # another rebuild finished and swapped, or --restart dropped it
                    return self.indexed_count(cursor)
                batch = list(public.filter(pk__gt=last).order_by("pk").only(*self.rebuild_fields)[:self.rebuild_batch])
                if not batch:
                    break
                texts = attachment_texts([document.pk for document in batch], self.using)
                self.write_batch(cursor, [(document, texts.get(document.pk, [])) for document in batch], state)
            done += len(batch)
            if progress:
                progress(done, max(total, done))
        with self.write_guard(), transaction.atomic(using=self.using), connection.cursor() as cursor:
            if self.side_progress(cursor) is not None:
                self.finish_rebuild(cursor, done, state)
                self.swap(cursor)
            return self.indexed_count(cursor)

    def write_guard(self):
        """Held around each batch (its read and its write) and the swap, as document_changed holds it: for an
        index outside the database (tantivy: a lock file), where no database lock serialises the two."""
        return contextlib.nullcontext()

    def builds_beside(self) -> bool:
        """The backend implements the side-index contract (else it is rebuilt in place)."""
        return type(self).side_progress is not Backend.side_progress

    def discard_rebuild(self) -> None:
        """Throw away a half-built side index, so the next rebuild starts over."""
        if self.builds_beside():
            with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
                self.drop_side(cursor)

    def _rebuild_in_place(self, progress: ProgressCallback | None) -> int:
        public = Document.objects.using(self.using).public()
        total = public.count()
        done = last = 0
        if progress:
            progress(0, total)
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            state = self.begin_rebuild(cursor)  # the in-place contract: empty the live index
            while True:
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

    def side_progress(self, cursor) -> int | None:
        raise NotImplementedError

    def begin_rebuild(self, cursor, resume: bool):
        raise NotImplementedError

    def write_batch(self, cursor, documents: list[tuple[object, list[str]]], state) -> None:
        raise NotImplementedError

    def finish_rebuild(self, cursor, documents: int, state) -> None:
        """After the last batch (`documents` written in this run), before the swap."""

    def swap(self, cursor) -> None:
        raise NotImplementedError

    def drop_side(self, cursor) -> None:
        raise NotImplementedError

    # --- checking -----------------------------------------------------------------------------------
    def indexed_count(self, cursor) -> int:
        raise NotImplementedError

    def indexed_fingerprints(self, cursor, after_id: int, limit: int) -> list[tuple[int, str]]:
        raise NotImplementedError

    def fingerprint(self, document, texts: list[str], state) -> str:
        raise NotImplementedError

    def begin_state(self):
        return None

    def status(self) -> IndexStatus:
        """Cheap enough for `migrate` and `gongkai check`: two counts and the rebuild's progress."""
        public = Document.objects.using(self.using).public().count()
        if type(self).indexed_count is Backend.indexed_count:
            return IndexStatus("unknown", public)
        try:
            with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
                indexed = self.indexed_count(cursor)
                building = None
                if self.builds_beside() and self.side_progress(cursor) is not None:
                    building = self.side_count(cursor)
        except DatabaseError:  # the index's tables do not exist (yet)
            return IndexStatus("missing" if public else "ok", public, 0)
        if building is not None:
            state = "building"
        elif public and not indexed:
            state = "missing"
        elif public != indexed:
            state = "stale"
        else:
            state = "ok"
        return IndexStatus(state, public, indexed, building)

    def side_count(self, cursor) -> int:
        """Documents already in the index being built beside (only called when side_progress is not None)."""
        raise NotImplementedError

    def verify(self, progress: ProgressCallback | None = None, batch: int = 2000) -> VerifyReport:
        """Compare the live index with the database, document by document: every public document indexed
        with its current text, date and filter values (fingerprint), and nothing else indexed. Both sides
        are walked in id order in batches, so memory stays flat at any size."""
        report = VerifyReport()
        public = Document.objects.using(self.using).public()
        total = public.count()
        state = self.begin_state()
        indexed: list[tuple[int, str]] = []
        indexed_after = 0  # the highest id fetched from the index so far
        indexed_done = False
        last = 0
        with connections[self.using].cursor() as cursor:
            def refill():
                nonlocal indexed_after, indexed_done
                if not indexed and not indexed_done:
                    indexed.extend(self.indexed_fingerprints(cursor, indexed_after, batch))
                    indexed.reverse()  # popped from the end
                    if indexed:
                        indexed_after = indexed[0][0]
                    else:
                        indexed_done = True

            while True:
                documents = list(public.filter(pk__gt=last).order_by("pk").only(*self.rebuild_fields)[:batch])
                texts = attachment_texts([document.pk for document in documents], self.using)
                for document in documents:
                    expected = self.fingerprint(document, texts.get(document.pk, []), state)
                    refill()
                    while indexed and indexed[-1][0] < document.pk:
                        report.add("extra", indexed.pop()[0])
                        refill()
                    if indexed and indexed[-1][0] == document.pk:
                        if indexed.pop()[1] != expected:
                            report.add("stale", document.pk)
                    else:
                        report.add("missing", document.pk)
                    report.checked += 1
                if not documents:
                    break
                last = documents[-1].pk
                if progress:
                    progress(report.checked, max(total, report.checked))
            refill()
            while indexed:
                report.add("extra", indexed.pop()[0])
                refill()
        return report


def title_tiers(document_frequencies: list[float]) -> list[tuple[int, ...]]:
    """The relevance order shared by the index backends, as tiers of documents: each tier is the set of query
    terms (their indexes) a document's title (标题 + 文号) holds, every other term being only in the body.
    Tiers go by how many terms the title holds, then, among as many, rarer terms first (the smaller product of
    document frequencies, i.e. the larger sum of log(N / df): BM25's IDF, whatever N); a document holding no
    term in its title comes last (not listed here). Within a tier, newest first.

    This is BM25 with a dominant title weight, minus the term-frequency and length factors, plus recency: a
    function of the query and of each document alone, so it never changes with the size of the catalogue (no
    switch between ranking functions at a number of matches), and it is cheap at every size, since each
    tier is read newest first and the reading stops at the page."""
    count = len(document_frequencies)
    subsets = [subset for size in range(count, 0, -1) for subset in itertools.combinations(range(count), size)]
    return sorted(subsets, key=lambda subset: (-len(subset), math.prod(document_frequencies[i] for i in subset)))


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
