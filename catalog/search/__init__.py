"""Chinese full-text search over the public catalogue. The interface is fixed here; backends live in
this package (see docs/search.md once written).

`document_changed(document_id)` is called by catalog.services after every committed change of a document,
so that the index follows publish / withdraw / repeal immediately."""

from dataclasses import dataclass, field
from datetime import date


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


def document_changed(document_id: int) -> None:
    """Re-index (or drop) one document. Until the index backends land, there is nothing to update."""
