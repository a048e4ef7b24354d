"""The search tests index catalog's documents, so they use catalog's fixtures (genres, a theme, editors), and
share a generated corpus."""

import pytest
from django.db import connection

from catalog.models import Document, DocumentStatus
from catalog.tests import conftest as catalog_fixtures
from demo.corpus import generate_documents
from search import services

genres, topic = catalog_fixtures.genres, catalog_fixtures.topic
editorial, draft_fields = catalog_fixtures.editorial, catalog_fixtures.draft_fields
CORPUS_SIZE = 240
# The shared tests (test_search.py) run against the database's own index and the tantivy index: on SQLite the
# FTS5 default and tantivy, on PostgreSQL tantivy (the default there) and the n-gram GIN backend.
INDEX_BACKENDS = ["sqlite", "tantivy"] if connection.vendor == "sqlite" else ["tantivy", "postgres"]


@pytest.fixture(params=INDEX_BACKENDS)
def index_backend(request, settings):
    """The backend the test's search() calls use (settings.GONGKAI_SEARCH_BACKEND), one run per backend."""
    settings.GONGKAI_SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture
def corpus(region, genres, topic):
    """CORPUS_SIZE generated documents, bulk-inserted as published, plus non-public ones with the same text."""
    agencies = [region["county"], region["office"], region["edu"], region["health"], region["town"],
                region["other"]]
    rows = []
    for number, generated in enumerate(generate_documents(CORPUS_SIZE, seed=7)):
        status, attribute = DocumentStatus.PUBLISHED, "proactive"
        if number % 10 == 3:
            status = DocumentStatus.DRAFT
        elif number % 10 == 5:
            status = DocumentStatus.WITHDRAWN
        elif number % 10 == 7:
            attribute = "on_request"
        rows.append(Document(
            publisher=agencies[number % len(agencies)], title=generated.title, body_text=generated.body,
            body=generated.body, document_number=generated.document_number, summary=generated.summary,
            keywords=generated.keywords, genre=genres.get(generated.genre_code, genres["news"]),
            kind=generated.kind, statutory_item=generated.statutory_item, topic=topic if number % 3 == 0 else None,
            status=status, disclosure_attribute=attribute, validity="repealed" if number % 11 == 0 else "in_force",
            published_on=generated.published_on if status != DocumentStatus.DRAFT else None,
            index_number=f"T-{number:05d}" if status != DocumentStatus.DRAFT else None))
    Document.objects.bulk_create(rows)
    services.rebuild()
    return Document.objects.order_by("pk")


def interrupted_rebuild(monkeypatch, backend, batches: int = 2, size: int = 25) -> list[list[int]]:
    """Run backend.rebuild() in batches of `size` and let it fail after `batches` committed batches; returns the
    ids of each committed batch, and leaves write_batch working again for the rebuild that resumes."""
    cls = type(backend)
    monkeypatch.setattr(cls, "rebuild_batch", size)
    written, original = [], cls.write_batch

    def failing(self, cursor, documents, state):
        if len(written) == batches:
            raise RuntimeError("interrupted")
        written.append([document.pk for document, _ in documents])
        original(self, cursor, documents, state)

    monkeypatch.setattr(cls, "write_batch", failing)
    with pytest.raises(RuntimeError):
        backend.rebuild()
    monkeypatch.setattr(cls, "write_batch", original)
    return written
