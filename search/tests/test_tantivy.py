"""The tantivy index (search.tantivy_index): a reader sees a writer's commit at its next search, a rebuild is
built beside the live generation and swapped in (resuming after an interruption), verify finds what was
planted, filters are exact, and for random queries its match set is the LIKE scan's. The shared behaviour
(recall, filters, ordering, the workflow, hostile queries) is test_search.py, run against this backend too."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from catalog.models import Document, DocumentStatus
from search import tantivy_index
from search.like import LikeBackend
from search.postgres import PostgresBackend
from search.query import parse
from search.services import SearchQuery, search
from search.tantivy_index import LIVE_POINTER, SIDE_POINTER, TantivyBackend, write_lock
from search.tests.conftest import interrupted_rebuild
from search.tests.test_search import all_ids


@pytest.fixture(autouse=True)
def _tantivy(settings):
    """Before any other fixture: the corpus fixture rebuilds the configured backend's index."""
    settings.GONGKAI_SEARCH_BACKEND = "tantivy"


@pytest.fixture
def backend():
    return TantivyBackend()


def ranked(backend, text, **filters) -> list[tuple[int, float]]:
    """Every match as (document id, score) in rank order, paging as the portal does."""
    out, offset = [], 0
    while True:
        result = search(SearchQuery(text, offset=offset, limit=100, **filters), backend=backend)
        out.extend((hit.document_id, hit.score) for hit in result.hits)
        offset += 100
        if offset >= result.total:
            return out


@pytest.mark.django_db
def test_a_reader_sees_each_commit_at_its_next_search(corpus, backend):
    """A web process keeps its searcher (a reader of the directory) and reloads it when a writer committed;
    the writer here is another backend object, as the worker would be another process."""
    reader, writer = backend, TantivyBackend(path=settings.GONGKAI_SEARCH_INDEX_DIR)
    document = Document.objects.public().order_by("pk").first()
    assert all_ids("滩羊肉品牌专项", backend=reader) == []
    searcher = reader.searcher()
    Document.objects.filter(pk=document.pk).update(title="滩羊肉品牌专项通知")
    writer.document_changed(document.pk)
    assert all_ids("滩羊肉品牌专项", backend=reader) == [document.pk]
    assert reader.searcher() is not searcher  # reloaded, not reopened from scratch on every search
    assert reader.searcher() is reader.searcher()  # and not reloaded again without a commit
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.WITHDRAWN)
    writer.document_changed(document.pk)
    assert search(SearchQuery("滩羊肉品牌专项"), backend=reader).total == 0


@pytest.mark.django_db
def test_a_reader_follows_each_swap_at_its_next_search(corpus, backend):
    """A rebuild swaps CURRENT (a rename): a process that searched before reads the new generation at its next
    search, twice in a row (the second swap may reuse the first pointer file's inode number)."""
    document = Document.objects.public().order_by("pk").first()
    for number in range(2):
        assert all_ids(f"盐池滩羊第{number}号", backend=backend) == []
        # Changed behind the index's back (no document_changed): only the rebuilt generation has it.
        Document.objects.filter(pk=document.pk).update(title=f"盐池滩羊第{number}号通知")
        TantivyBackend(path=settings.GONGKAI_SEARCH_INDEX_DIR).rebuild()
        assert all_ids(f"盐池滩羊第{number}号", backend=backend) == [document.pk]


@pytest.mark.django_db
def test_rebuild_builds_beside_resumes_and_swaps(corpus, backend, monkeypatch):
    root = backend.root
    public = Document.objects.public().count()
    before = all_ids("扶贫", backend=backend)
    live = (root / LIVE_POINTER).read_text()
    written = interrupted_rebuild(monkeypatch, backend)
    # Search answers from the live generation meanwhile; the side one holds the two committed batches.
    assert all_ids("扶贫", backend=backend) == before
    status = backend.status()
    assert status.state == "building" and status.building == 50 and status.indexed == public
    side = (root / SIDE_POINTER).read_text()
    assert side != live and (root / side).is_dir()
    # A document the rebuild has passed is changed: the change reaches the live and the side generation.
    first = Document.objects.get(pk=written[0][0])
    Document.objects.filter(pk=first.pk).update(title="扶贫资金第二份办法")
    backend.document_changed(first.pk)
    assert all_ids("扶贫资金第二份", backend=backend) == [first.pk]
    assert backend.rebuild() == public  # resumes after the 50 documents
    assert (root / LIVE_POINTER).read_text() == side and not (root / SIDE_POINTER).exists()
    assert backend.status().state == "ok"
    assert backend.verify().ok
    assert all_ids("扶贫资金第二份", backend=backend) == [first.pk]
    assert sorted(all_ids("扶贫", backend=backend)) == sorted(all_ids("扶贫", backend=LikeBackend()))
    # Two more rebuilds (one with --restart): only the live generation and the one it replaced are kept.
    backend.discard_rebuild()
    backend.rebuild()
    backend.rebuild(restart=True)
    assert len([child for child in root.iterdir() if child.is_dir()]) == tantivy_index.KEEP_GENERATIONS


@pytest.mark.django_db
def test_verify_finds_what_was_planted(corpus, backend):
    assert backend.verify().ok
    ids = list(Document.objects.public().order_by("pk").values_list("pk", flat=True))
    stale, missing, extra = ids[3], ids[5], Document.objects.exclude(
        pk__in=ids).exclude(published_on=None).order_by("pk").first()
    Document.objects.filter(pk=stale).update(title="另一个标题")  # changed without its re-index job
    root = backend.root
    with write_lock(root):
        index = tantivy_index._open(root / (root / LIVE_POINTER).read_text())
        writer = backend._writer(index)
        writer.delete_documents_by_term("doc_id", missing)  # lost from the index
        # indexed although not public (a withdrawal whose re-index job was lost)
        writer.add_document(tantivy_index.tantivy.Document(**backend._row(extra, [], None)))
        writer.commit()
        writer.wait_merging_threads()
    report = backend.verify()
    assert not report.ok
    assert (report.stale, report.missing, report.extra) == ([stale], [missing], [extra.pk])
    assert "索引内容过期 1 篇" in report.summary and "索引中缺少 1 篇" in report.summary
    assert backend.status().state == "ok"  # same count: one missing, one extra; verify says which
    shown = search(SearchQuery(extra.title[:2], limit=100), backend=backend).hits
    assert extra.pk not in [hit.document_id for hit in shown]  # the extra one is never shown (hits re-check)
    backend.rebuild()
    assert backend.verify().ok


@pytest.mark.django_db
def test_an_empty_directory_is_a_missing_index(db, region, genres, backend):
    first, second = (Document.objects.create(
        publisher=region["edu"], title=f"关于防汛的通知{n}", genre=genres["notice"], body="", body_text="防汛",
        status=DocumentStatus.PUBLISHED, published_on=date(2024, 5, 6), index_number=f"T-EMPTY{n}") for n in (1, 2))
    assert backend.status().state == "missing"
    if connection.vendor == "postgresql":  # the earlier default's tables answer until the first generation exists
        PostgresBackend().rebuild()
        assert search(SearchQuery("防汛"), backend=backend).total == 2
    else:
        assert search(SearchQuery("防汛"), backend=backend).total == 0
    # The first change builds the whole index (never a live index of one document while others are public).
    backend.document_changed(second.pk)
    assert backend.status().state == "ok" and search(SearchQuery("防汛"), backend=backend).total == 2
    assert backend.verify().ok and first.pk in all_ids("防汛", backend=backend)


@pytest.mark.django_db
def test_filters_are_exact_and_do_not_change_the_ranking(corpus, backend, region, topic):
    like = LikeBackend()
    cases = [{"agency_path": region["county"].path, "statutory_item": 11}, {"topic_id": topic.pk},
             {"year_from": 2021, "year_to": 2021}, {"year_to": 2020}, {"genre_code": "notice", "validity": "in_force"},
             {"kind": "normative_document"}, {"genre_code": "no-such-genre"}]
    for filters in cases:
        for text in ("政府", "安全生产", "县 号"):
            assert sorted(all_ids(text, backend=backend, **filters)) == sorted(all_ids(text, backend=like, **filters)), \
                (text, filters)
    # A filter scores nothing: the filtered ranking is the unfiltered one restricted to the filter.
    inside = set(all_ids("安全生产", backend=like, year_from=2021))
    assert ranked(backend, "安全生产", year_from=2021) == [
        (pk, score) for pk, score in ranked(backend, "安全生产") if pk in inside]


@pytest.mark.django_db
@pytest.mark.parametrize("union_max", [1, tantivy_index.FACET_UNION_MAX])
def test_an_agency_subtree_filter_is_exact_as_term_set_union_or_term(corpus, backend, region, union_max,
                                                                      monkeypatch):
    """An agency's filter is its subtree's `@p` tokens: one term, a union of terms, or (many agencies) a
    term-set query; every shape finds the LIKE scan's documents."""
    monkeypatch.setattr(tantivy_index, "FACET_UNION_MAX", union_max)
    like = LikeBackend()
    for agency in ("county", "edu"):
        for text in ("政府", "安全生产"):
            filters = {"agency_path": region[agency].path}
            assert sorted(all_ids(text, backend=backend, **filters)) == sorted(all_ids(text, backend=like, **filters))
            assert all_ids(text, backend=like, **filters)  # not vacuous


@pytest.mark.django_db
def test_relevance_is_bm25_title_first_ties_newest_and_pages_join_up(corpus, backend):
    hits = search(SearchQuery("扶贫 资金", limit=100), backend=backend).hits
    keys = [(-hit.score, -hit.published_on.toordinal(), -hit.document_id) for hit in hits]
    assert keys == sorted(keys)
    assert hits
    pages = [hit.document_id for offset in range(0, 98, 7)
             for hit in search(SearchQuery("政府", offset=offset, limit=7), backend=backend).hits]
    whole = [hit.document_id for hit in search(SearchQuery("政府", limit=98), backend=backend).hits]
    assert len(whole) == 98 and pages == whole


ALPHABET = list("政府公开扶贫资金县人民 \"号2〔〕aA")


@pytest.mark.django_db
@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=7))
def test_match_set_equals_the_like_scan(small_corpus, text):
    terms = parse(text)
    if not terms:
        return
    query = SearchQuery(text)
    expected = {hit.document_id for hit in search(SearchQuery(text, limit=100), backend=LikeBackend()).hits}
    assert TantivyBackend().match_ids(query, terms) == expected, text
    assert search(query, backend=TantivyBackend()).total == len(expected), text


@pytest.fixture
def small_corpus(db, region, genres):
    """40 documents written from the same small alphabet as the queries, so that random queries hit."""
    import random

    rng = random.Random(5)
    letters = "政府公开扶贫资金县人民号2〔〕aA \n"
    rows = [Document(publisher=region["edu"], title="".join(rng.choice(letters) for _ in range(rng.randint(2, 12))),
                     body_text="".join(rng.choice(letters) for _ in range(rng.randint(0, 60))), body="",
                     genre=genres["notice"], status=DocumentStatus.PUBLISHED, published_on=date(2024, 1, 1 + n % 28),
                     index_number=f"T-H{n:03d}") for n in range(40)]
    Document.objects.bulk_create(rows)
    TantivyBackend().rebuild()
    return rows
