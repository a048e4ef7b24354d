"""The search index as a tantivy index in a directory (PyPI `tantivy`, the embedded Lucene-class engine): the
production choice beside PostgreSQL, selectable on SQLite too. Chosen by measurement (docs/search.md,
docs/benchmarks.md): the exact count and the BM25 page in milliseconds at every size, an index smaller than
the text.

What is indexed: the same bigram token text as every other index (search.bigrams.token_text, whitespace
tokenizer, positions), fields ``title`` (标题 + 文号) and ``body`` (概述, 关键词, 正文, attachments); ``facets``
the filter values as tokens (search.sqlite_fts.facet_tokens: @p publisher, @g genre, @k kind, @v validity,
@i 第二十条 item, @t theme and its parent); ``key`` = published_on.toordinal() << 32 | id (date order, year
ranges); ``doc_id``; ``fingerprint`` (stored: what verify compares).

Matching is the LIKE scan's: a term of ≥ 2 characters is the phrase of its bigrams over positions, a
one-character term (or a phrase ending in one) a prefix; several terms must all match (AND); a term matches in
the title or the body. Filters are non-scoring clauses of the same boolean query. Counts are exact
(tantivy's count collector). order="relevance": tantivy's BM25 (k1 1.2, b 0.75 per field), title weighted
TITLE_WEIGHT, ties newest first; order="date": the ``key`` fast field, newest first.

The directory (settings.GONGKAI_SEARCH_INDEX_DIR):

    CURRENT        the name of the live generation, e.g. "g000003" (replaced atomically on a swap)
    NEXT           the name of the generation a rebuild is filling, while there is one
    g000003/       a tantivy index (one generation)
    write.lock     flock()ed by every writer: one writer at a time, across processes and app servers

Writers (the worker's document_changed, `gongkai search-index rebuild`) take write.lock, write, and commit
before releasing it: each change is one commit, searchable at once. Readers (web processes) never write: on
every search they stat CURRENT and the live generation's meta.json and reload their searcher when either
changed, so a commit is visible to the next search in every process that sees the directory.
"""

import fcntl
import hashlib
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connections

from catalog.models import Document, Genre, Topic
from orgs.models import Agency

from .base import INDEXED_FIELDS, Backend, attachment_texts, indexed_text
from .bigrams import term_tokens, token_text
from .postgres import PostgresBackend
from .query import Term
from .sqlite_fts import FACET_FIELDS, ID_MASK, NO_SUCH_FACET, document_key, facet_tokens, key_range

TITLE_WEIGHT = 10.0  # a title hit outweighs body hits, as the other backends' rankings
WRITER_HEAP = 50_000_000  # bytes for one writer (one thread); a rebuild batch of 1,000 documents fits
CHANGE_HEAP = 15_000_000  # the writer of one document_changed
LIVE_POINTER, SIDE_POINTER, LOCK_FILE = "CURRENT", "NEXT", "write.lock"
KEEP_GENERATIONS = 2  # the live one and the one it replaced (readers that have not reloaded yet)
FACET_UNION_MAX = 16  # facet values matched as a union of term queries; a larger set is a term-set query
TIE_MARGIN = 20  # documents read past the page, to see whether its last score is tied beyond it


def index_dir() -> Path:
    return Path(getattr(settings, "GONGKAI_SEARCH_INDEX_DIR", settings.BASE_DIR / "var" / "search-index"))


def schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("body", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("facets", tokenizer_name="whitespace", index_option="basic")
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("key", indexed=True, fast=True)
    builder.add_text_field("fingerprint", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


SCHEMA = schema()


def fingerprint_of(key: int, title: str, body: str, facets: str) -> str:
    return hashlib.blake2b(f"{key}\x00{title}\x00{body}\x00{facets}".encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


# --- the directory: generations, pointers, the writers' lock --------------------------------------------
def _read_pointer(root: Path, name: str) -> str | None:
    try:
        return (root / name).read_text().strip() or None
    except FileNotFoundError:
        return None


def _write_pointer(root: Path, name: str, generation: str) -> None:
    temporary = root / f".{name}.tmp"
    with open(temporary, "w") as handle:
        handle.write(generation)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / name)  # atomic: a reader sees the old name or the new one


def _new_generation(root: Path) -> str:
    numbers = [int(child.name[1:]) for child in root.glob("g*") if child.name[1:].isdigit()]
    return f"g{max(numbers, default=0) + 1:06d}"


_local = threading.local()


@contextmanager
def write_lock(root: Path):
    """One writer at a time across processes (flock on write.lock); re-entrant within a thread."""
    depth = getattr(_local, "depth", 0)
    if depth:
        _local.depth = depth + 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _local.depth = 1
        try:
            yield
        finally:
            _local.depth = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open(path: Path, create: bool = False):
    if create:
        path.mkdir(parents=True, exist_ok=True)
        return tantivy.Index(SCHEMA, path=str(path))
    return tantivy.Index.open(str(path))


class _Reader:
    """A process's searcher of one directory's live generation, reloaded when a commit or a swap changed it."""

    def __init__(self, root: Path):
        self.pointer = str(root / LIVE_POINTER)
        self.root = root
        self.pointer_stamp = None
        self.meta = None  # the live generation's meta.json (a str: os.stat takes it without pathlib's joins)
        self.generation = None
        self.stamp = None
        self.index = None
        self.searcher = None
        self.lock = threading.Lock()

    def current(self):
        """The live generation's searcher, or None when there is no index. Two stat() calls when nothing
        changed: CURRENT is only read again when its stat changed (every swap replaces it by a rename, so
        its inode and ctime change), and meta.json is replaced by a rename on every commit."""
        try:
            pointer = os.stat(self.pointer)
        except FileNotFoundError:
            return None
        pointer_stamp = (pointer.st_ino, pointer.st_mtime_ns, pointer.st_ctime_ns, pointer.st_size)
        with self.lock:
            if pointer_stamp != self.pointer_stamp:
                generation = _read_pointer(self.root, LIVE_POINTER)
                if generation is None:
                    return None
                meta = str(self.root / generation / "meta.json")
            else:
                generation, meta = self.generation, self.meta
            try:
                stat = os.stat(meta)
            except FileNotFoundError:
                return None
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if generation != self.generation:
                self.index, self.generation, self.stamp = _open(self.root / generation), generation, stamp
                self.searcher = self.index.searcher()
            elif stamp != self.stamp:
                self.index.reload()
                self.stamp = stamp
                self.searcher = self.index.searcher()
            self.pointer_stamp, self.meta = pointer_stamp, meta
            return self.searcher


_readers: dict[str, _Reader] = {}
_readers_lock = threading.Lock()


def _reader(root: Path) -> _Reader:
    reader = _readers.get(str(root))
    if reader is None:
        with _readers_lock:
            reader = _readers.setdefault(str(root), _Reader(root))
    return reader


# --- queries ------------------------------------------------------------------------------------------
Q, Occur = tantivy.Query, tantivy.Occur


def _field_query(field: str, tokens: list[str], prefix: bool):
    if prefix and len(tokens) == 1:
        # Every token that starts with this character (a bigram cX, or the terminal unigram c). \x{…} escapes
        # any character for tantivy's regex syntax.
        return Q.regex_query(SCHEMA, field, f"\\x{{{ord(tokens[0]):X}}}.*")
    if prefix:
        return Q.phrase_prefix_query(SCHEMA, field, tokens)
    if len(tokens) == 1:
        return Q.term_query(SCHEMA, field, tokens[0])
    return Q.phrase_query(SCHEMA, field, tokens)


def term_query(term: Term):
    """`term` as a substring of the title or the body (BM25, the title weighted TITLE_WEIGHT)."""
    tokens, prefix = term_tokens(term.text)
    return Q.boolean_query([(Occur.Should, Q.boost_query(_field_query("title", tokens, prefix), TITLE_WEIGHT)),
                            (Occur.Should, _field_query("body", tokens, prefix))])


def facet_query(values: list[str]):
    """Documents carrying any of the facet tokens `values`. One value (a theme, an item, an agency without
    sub-agencies) is a term query and a few a union of term queries: both walk the posting lists alongside the
    text's. tantivy's term-set query first collects every match of the set into a bitset of the whole index
    (0.2–0.3 ms more per filtered query at 100,000 documents of bench/search.py); it is kept for large sets,
    where a union of that many posting lists was not measured."""
    if len(values) == 1:
        return Q.term_query(SCHEMA, "facets", values[0])
    if len(values) <= FACET_UNION_MAX:
        return Q.boolean_query([(Occur.Should, Q.term_query(SCHEMA, "facets", value)) for value in values])
    return Q.term_set_query(SCHEMA, "facets", values)


class TantivyBackend(Backend):
    name = "tantivy"
    rebuild_fields = (*INDEXED_FIELDS, *FACET_FIELDS)

    def __init__(self, using: str = "default", path: Path | str | None = None):
        self.using = using
        self.root = Path(path) if path is not None else index_dir()

    # --- searching ---------------------------------------------------------------------------------
    def _filters(self, query) -> list:
        """The query's filters as non-scoring clauses (score 0: BM25 stays the text's)."""
        clauses = []

        def facet(values):
            clauses.append(Q.const_score_query(facet_query(values or [NO_SUCH_FACET]), 0.0))

        if query.agency_path:
            facet([f"@p{pk}" for pk in Agency.objects.using(self.using).filter(
                path__startswith=query.agency_path).values_list("pk", flat=True)])
        if query.topic_id is not None:  # a sub-theme's documents carry their parent's token too
            facet([f"@t{query.topic_id}"])
        if query.genre_code:
            genre = Genre.objects.using(self.using).filter(code=query.genre_code).values_list("pk", flat=True).first()
            facet([f"@g{genre}"] if genre is not None else [])
        if query.kind:
            facet([f"@k{query.kind}"])
        if query.statutory_item is not None:
            facet([f"@i{query.statutory_item}"])
        if query.validity:
            facet([f"@v{query.validity}"])
        if (keys := key_range(query)) is not None:
            low, high = keys
            clauses.append(Q.const_score_query(Q.range_query(
                SCHEMA, "key", tantivy.FieldType.Integer, low, None if high is None else high - 1), 0.0))
        return clauses

    def query(self, query, terms):
        return Q.boolean_query([(Occur.Must, term_query(term)) for term in terms]
                               + [(Occur.Must, clause) for clause in self._filters(query)])

    def searcher(self):
        return _reader(self.root).current()

    def search(self, query, terms):
        searcher = self.searcher()
        if searcher is None:
            if connections[self.using].vendor == "postgresql":
                # Upgrading a PostgreSQL deployment: until the rebuild job (queued by migrate) has built the
                # first generation, the n-gram tables of the earlier default answer (hits() re-checks every hit).
                return PostgresBackend(self.using).search(query, terms)
            return 0, []
        expression = self.query(query, terms)
        wanted = query.offset + query.limit
        if query.order == "date":
            result = searcher.search(expression, limit=query.limit, offset=query.offset, count=True,
                                     order_by_field="key", order=tantivy.Order.Desc)
            ids = searcher.fast_field_values("doc_id", [address for _, address in result.hits])
            return result.count, [(document_id, 0.0) for document_id in ids]
        # BM25, ties newest first. tantivy breaks ties by its own document order, and its length norms are
        # quantised, so ties are common: read until past every document tied with the page's last score, then
        # sort by (score, key). That is one total order, so the pages join up.
        limit = wanted + TIE_MARGIN
        while True:
            result = searcher.search(expression, limit=limit, count=True)
            hits = result.hits
            if len(hits) <= wanted or len(hits) < limit or hits[-1][0] < hits[wanted - 1][0]:
                break
            limit *= 4
        keys = searcher.fast_field_values("key", [address for _, address in hits])
        ranked = sorted(zip((score for score, _ in hits), keys, strict=True), reverse=True)  # (score, key) desc
        return result.count, [(key & ID_MASK, round(score, 4)) for score, key in ranked[query.offset:wanted]]

    def count(self, query, terms) -> int:
        searcher = self.searcher()
        return searcher.search(self.query(query, terms), limit=1, count=True).count if searcher else 0

    def match_ids(self, query, terms) -> set[int]:
        """Every matching document id (the tests and the benchmark compare these with the LIKE scan)."""
        searcher = self.searcher()
        if searcher is None:
            return set()
        expression = self.query(query, terms)
        total = searcher.search(expression, limit=1, count=True).count
        if not total:
            return set()
        result = searcher.search(expression, limit=total, count=False)
        return set(searcher.fast_field_values("doc_id", [address for _, address in result.hits]))

    # --- maintaining -------------------------------------------------------------------------------
    def write_guard(self):
        return write_lock(self.root)

    def _row(self, document, texts, topic_parent_id) -> dict:
        title, body = indexed_text(document, texts)
        facets = facet_tokens(document, topic_parent_id)
        key = document_key(document.pk, document.published_on)
        return {"title": token_text(title), "body": token_text(body), "facets": facets, "doc_id": document.pk,
                "key": key, "fingerprint": fingerprint_of(key, title, body, facets)}

    @staticmethod
    def _writer(index, heap: int = WRITER_HEAP):
        return index.writer(heap_size=heap, num_threads=1)

    def document_changed(self, document_id):
        with self.write_guard():
            # Read under the lock: a rebuild batch reads its documents under it too, so whichever writes last
            # wrote the document as committed last.
            document = Document.objects.using(self.using).public().select_related("topic").filter(
                pk=document_id).first()
            row = None
            if document is not None:
                texts = attachment_texts([document_id], self.using).get(document_id, [])
                row = self._row(document, texts, document.topic.parent_id if document.topic_id else None)
            targets = []
            live = _read_pointer(self.root, LIVE_POINTER)
            side = _read_pointer(self.root, SIDE_POINTER)
            if live is None and side is None:
                # No index yet (a new installation, or a deployment switching to this backend): build the whole
                # index, this document included. Only a completed rebuild names a live generation, so search never
                # answers from a partial one (on PostgreSQL the earlier tables answer until then).
                self.rebuild()
                return
            if live is not None:
                targets.append(live)
            if side is not None:  # a rebuild under way that has passed this document follows the change too
                progress = self._max_id(_open(self.root / side))
                if document_id <= progress:
                    targets.append(side)
            for generation in targets:
                writer = self._writer(_open(self.root / generation), CHANGE_HEAP)
                writer.delete_documents_by_term("doc_id", document_id)
                if row is not None:
                    writer.add_document(tantivy.Document(**row))
                writer.commit()
                writer.wait_merging_threads()

    @staticmethod
    def _max_id(index) -> int:
        index.reload()
        searcher = index.searcher()
        if not searcher.num_docs:
            return 0
        result = searcher.search(Q.all_query(), limit=1, count=False, order_by_field="doc_id",
                                 order=tantivy.Order.Desc)
        return result.hits[0][0] if result.hits else 0

    # --- rebuilding beside the live index (the loop is Backend.rebuild) --------------------------------
    def side_progress(self, cursor) -> int | None:
        side = _read_pointer(self.root, SIDE_POINTER)
        if side is None or not (self.root / side / "meta.json").exists():
            return None
        return self._max_id(_open(self.root / side))

    def side_count(self, cursor) -> int:
        side = _read_pointer(self.root, SIDE_POINTER)
        index = _open(self.root / side)
        index.reload()
        return index.searcher().num_docs

    def begin_state(self):
        return dict(Topic.objects.using(self.using).values_list("pk", "parent_id"))

    def begin_rebuild(self, cursor, resume: bool = False):
        with self.write_guard():
            if not resume:
                self.drop_side(cursor)
                generation = _new_generation(self.root)
                _open(self.root / generation, create=True)
                _write_pointer(self.root, SIDE_POINTER, generation)
        return self.begin_state()

    def write_batch(self, cursor, documents, parents):
        writer = self._writer(_open(self.root / _read_pointer(self.root, SIDE_POINTER)))
        for document, texts in documents:
            writer.add_document(tantivy.Document(**self._row(document, texts, parents.get(document.topic_id))))
        writer.commit()  # the batch and the progress (its highest doc_id) in one commit
        writer.wait_merging_threads()

    def finish_rebuild(self, cursor, documents, state):
        """Nothing to compute: tantivy keeps its statistics per segment and merges segments as it goes."""

    def swap(self, cursor):
        side = _read_pointer(self.root, SIDE_POINTER)
        _write_pointer(self.root, LIVE_POINTER, side)
        (self.root / SIDE_POINTER).unlink()
        # Keep the generation just replaced: a reader on another server may still be searching it until its
        # next search stats CURRENT.
        generations = sorted(child.name for child in self.root.glob("g*") if child.is_dir())
        keep = set(generations[-KEEP_GENERATIONS:]) | {side}
        for name in generations:
            if name not in keep:
                shutil.rmtree(self.root / name, ignore_errors=True)

    def drop_side(self, cursor):
        with self.write_guard():
            side = _read_pointer(self.root, SIDE_POINTER)
            if side is not None:
                (self.root / SIDE_POINTER).unlink()
                shutil.rmtree(self.root / side, ignore_errors=True)

    # --- checking ------------------------------------------------------------------------------------
    def indexed_count(self, cursor) -> int:
        searcher = self.searcher()
        return searcher.num_docs if searcher else 0

    def indexed_fingerprints(self, cursor, after_id, limit):
        searcher = self.searcher()
        if searcher is None:
            return []
        result = searcher.search(Q.range_query(SCHEMA, "doc_id", tantivy.FieldType.Integer, after_id + 1, None),
                                 limit=limit, count=False, order_by_field="doc_id", order=tantivy.Order.Asc)
        out = []
        for document_id, address in result.hits:
            out.append((document_id, searcher.doc(address)["fingerprint"][0]))
        return out

    def fingerprint(self, document, texts, parents):
        return self._row(document, texts, parents.get(document.topic_id))["fingerprint"]
