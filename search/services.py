"""The search app's interface, fixed here (docs/search.md): `search(SearchQuery) -> SearchResult`,
`document_changed(document_id)`, `rebuild(progress=None)`, `get_backend(name=None)`. The backends live in
this package: `like` (a LIKE scan, the ground truth), `sqlite` (FTS5 over CJK bigrams), `postgres` (n-grams
in a GIN index) and `tantivy` (a tantivy index in settings.GONGKAI_SEARCH_INDEX_DIR);
settings.GONGKAI_SEARCH_BACKEND picks one, "auto" is `sqlite` on SQLite and `tantivy` on PostgreSQL.

`document_changed` runs after every committed change of a document: catalog sends
catalog.signals.document_changed, and SearchConfig.ready connects it here, so that the index follows publish /
withdraw / repeal immediately while catalog never imports this app."""

import time
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connections

from jobs.models import ACTIVE_STATES, Job
from orgs.models import Agency

from .base import hits
from .like import LikeBackend
from .postgres import PostgresBackend
from .query import parse
from .sqlite_fts import SqliteFtsBackend
from .tantivy_index import TantivyBackend

MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchQuery:
    text: str
    agency_path: str | None = None  # an Agency.path: that agency's subtree only
    topic_id: int | None = None
    genre_code: str | None = None
    kind: str | None = None
    statutory_item: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    validity: str | None = None
    order: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    index_number: str
    title: str
    published_on: date | None
    score: float
    snippet_html: str = ""  # escaped text with <mark>…</mark> around matches


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    took_ms: float = 0.0


def get_backend(name: str | None = None, using: str = "default"):
    name = name or getattr(settings, "GONGKAI_SEARCH_BACKEND", "auto")
    if name == "auto":
        name = {"sqlite": "sqlite", "postgresql": "tantivy"}.get(connections[using].vendor, "like")
    if name == "sqlite":
        return SqliteFtsBackend(using)
    if name == "postgres":
        return PostgresBackend(using)
    if name == "tantivy":
        return TantivyBackend(using)
    if name == "like":
        return LikeBackend(using)
    raise ValueError(f"未知的搜索后端：{name}（可选 auto、sqlite、postgres、tantivy、like）")


def search(query: SearchQuery, backend=None) -> SearchResult:
    """Public documents matching every term of `query.text` (see search.query), filtered, counted
    exactly and ranked (docs/search.md states the ranking functions)."""
    started = time.perf_counter()
    terms = parse(query.text)
    if not terms:
        return SearchResult(total=0, took_ms=(time.perf_counter() - started) * 1000)
    limit = min(max(int(query.limit), 1), MAX_LIMIT)
    offset = max(int(query.offset), 0)
    if (limit, offset) != (query.limit, query.offset):
        query = SearchQuery(**{**query.__dict__, "limit": limit, "offset": offset})
    backend = backend or get_backend()
    if query.agency_path and not _excludes_any_agency(query.agency_path, getattr(backend, "using", "default")):
        # The region's root agency filters nothing: search unfiltered (one-bigram counts stay a lookup, and
        # no backend tests a million documents against a condition every one of them meets).
        query = SearchQuery(**{**query.__dict__, "agency_path": None})
    total, ranked = backend.search(query, terms)
    return SearchResult(total=total, hits=hits(ranked, terms, using=getattr(backend, "using", "default")),
                        took_ms=(time.perf_counter() - started) * 1000)


def _excludes_any_agency(agency_path: str, using: str) -> bool:
    return Agency.objects.using(using).exclude(path__startswith=agency_path).exists()


def document_changed(document_id: int) -> None:
    """Re-index (or drop) one document: called after commit of every publish / withdraw / validity change."""
    get_backend().document_changed(document_id)


def rebuild(progress=None, restart: bool = False, backend=None) -> int:
    """Rebuild the index of the configured backend from Document.objects.public() beside the live one, then
    swap it in (search answers from the old index meanwhile); resumes a rebuild that was interrupted unless
    `restart`. Returns the number of documents indexed. `progress(done, total)` is called as it goes."""
    return (backend or get_backend()).rebuild(progress, restart=restart)


def discard_rebuild(backend=None) -> None:
    """Drop a half-built index left by an interrupted rebuild: the next rebuild starts over."""
    (backend or get_backend()).discard_rebuild()


def verify(progress=None, backend=None):
    """The index against the database, document by document (search.base.VerifyReport)."""
    return (backend or get_backend()).verify(progress)


def index_status(backend=None, using: str = "default"):
    """search.base.IndexStatus of the configured backend: cheap (two counts)."""
    return (backend or get_backend(using=using)).status()


def schedule_rebuild_if_needed(using: str = "default"):
    """After `migrate`: when the index is missing or holds another number of documents than the catalogue,
    queue one rebuild job (unless one is queued or running already). Returns (IndexStatus, Job or None)."""
    status = index_status(using=using)
    if status.state not in ("missing", "stale", "building"):
        return status, None
    # cycle: search.tasks imports this module (the jobs call services)
    from .tasks import rebuild_index

    active = Job.objects.using(using).filter(name=rebuild_index.job_name, state__in=ACTIVE_STATES).first()
    return status, active or rebuild_index.enqueue()
