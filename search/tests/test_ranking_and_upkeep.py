"""The relevance order (title tiers, then newest: search.base.title_tiers) on a small hand-made corpus, and the
index's upkeep: a rebuild beside the live index that resumes, verify, status, the rebuild job."""

import itertools
import math
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Document, DocumentStatus
from jobs.models import Job, JobState
from search import services
from search.base import title_tiers
from search.services import SearchQuery, get_backend, search

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="the FTS5 backend (the PostgreSQL backend implements the same contract)")


def _document(region, genres, title, body, day, number):
    return Document(publisher=region["edu"], title=title, body_text=body, body="", genre=genres["notice"],
                    status=DocumentStatus.PUBLISHED, published_on=date(2020, 1, 1) + timedelta(days=day),
                    index_number=f"R-{number:05d}")


@pytest.fixture
def ranked_corpus(region, genres):
    """Four documents for "扶贫 资金" with the words in the title or not, and, newer than all of them, 30 documents
    holding both words in the body only (more than a page). Returns the four by name."""
    named = {
        "both_in_title": _document(region, genres, "扶贫资金管理办法", "本办法自发布之日起施行。", 1, 1),
        "poverty_in_title": _document(region, genres, "关于扶贫工作的通知", "请做好资金拨付。", 2, 2),
        "funds_in_title": _document(region, genres, "专项资金使用情况", "用于产业扶贫项目。", 3, 3),
        "body_only": _document(region, genres, "工作动态", "扶贫 资金", 4, 4),
    }
    Document.objects.bulk_create(list(named.values()))
    Document.objects.bulk_create([_document(region, genres, f"简报第{n}期", "本期介绍扶贫和资金情况。" * 3, 100 + n, 10 + n)
                                  for n in range(30)])
    return {name: document.pk for name, document in named.items()}


def _add_others(region, genres, count, start):
    """`count` more documents, newer than the rest, none containing either word."""
    Document.objects.bulk_create([_document(region, genres, f"其他事项公告{n}", "与本查询无关的内容。", 1000 + n, start + n)
                                  for n in range(count)])


def _ids(text, **kwargs):
    return [hit.document_id for hit in search(SearchQuery(text, limit=100, **kwargs)).hits]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6), st.integers(min_value=2, max_value=50))
def test_tiers_list_every_combination_once_and_ignore_the_catalogue_size(frequencies, growth):
    tiers = title_tiers(frequencies)
    assert sorted(tiers) == sorted(subset for size in range(1, len(frequencies) + 1)
                                   for subset in itertools.combinations(range(len(frequencies)), size))
    assert [len(tier) for tier in tiers] == sorted((len(tier) for tier in tiers), reverse=True)
    # Every frequency grown by the same factor (a larger catalogue of the same kind): the same tiers, in the
    # same order up to ties.
    grown = title_tiers([frequency * growth for frequency in frequencies])
    products = {tier: math.prod(frequencies[i] for i in tier) for tier in tiers}
    assert [(len(tier), products[tier]) for tier in grown] == [(len(tier), products[tier]) for tier in tiers]


def test_tiers_order_by_terms_in_title_then_rarer_terms():
    # Three terms with document frequencies 50, 5, 500: all three, then the pairs (the rarest pair first), then
    # the single terms (the rarest first).
    assert title_tiers([50, 5, 500]) == [(0, 1, 2), (0, 1), (1, 2), (0, 2), (1,), (0,), (2,)]
    # Only the ratios matter, so the order is the same when every frequency grows with the catalogue.
    assert title_tiers([500, 50, 5000]) == title_tiers([50, 5, 500])


@pytest.mark.django_db
def test_both_words_in_the_title_rank_first_then_one_then_the_body(ranked_corpus, region, genres):
    services.rebuild()
    ids = _ids("扶贫 资金")
    # The oldest document comes first because its title holds both words; then the two titles holding one word;
    # the 31 body-only documents, though newer, after all of them (the old title-first order put them first).
    assert ids[0] == ranked_corpus["both_in_title"]
    assert set(ids[1:3]) == {ranked_corpus["poverty_in_title"], ranked_corpus["funds_in_title"]}
    assert ranked_corpus["body_only"] in ids[3:]
    scores = [hit.score for hit in search(SearchQuery("扶贫 资金", limit=100)).hits]
    assert scores[:3] == [2.0, 1.0, 1.0] and set(scores[3:]) == {0.0}
    body_only = search(SearchQuery("扶贫 资金", limit=100)).hits[3:]
    assert [(h.published_on, h.document_id) for h in body_only] == sorted(
        ((h.published_on, h.document_id) for h in body_only), reverse=True)
    # 按时间: the newest first, whatever the title holds.
    by_date = search(SearchQuery("扶贫 资金", order="date", limit=100)).hits
    assert by_date[0].title.startswith("简报") and sorted(h.document_id for h in by_date) == sorted(ids)


@pytest.mark.django_db
def test_the_order_does_not_change_as_the_catalogue_grows(ranked_corpus, region, genres):
    _add_others(region, genres, 50, 1000)
    services.rebuild()
    with_50 = _ids("扶贫 资金"), _ids("扶贫"), _ids("资金 扶贫 办法")
    _add_others(region, genres, 450, 2000)
    services.rebuild()
    assert (_ids("扶贫 资金"), _ids("扶贫"), _ids("资金 扶贫 办法")) == with_50
    assert Document.objects.public().count() == 4 + 30 + 500


@pytest.mark.django_db
def test_pages_of_the_tiers_join_up(ranked_corpus):
    services.rebuild()
    whole = _ids("扶贫 资金")
    pages = [hit.document_id for offset in range(0, 40, 3)
             for hit in search(SearchQuery("扶贫 资金", offset=offset, limit=3)).hits]
    assert pages == whole and len(whole) == 34


@pytest.mark.django_db
def test_rebuild_builds_beside_and_resumes(ranked_corpus, monkeypatch):
    services.rebuild()
    before = _ids("扶贫 资金")
    backend = get_backend()
    monkeypatch.setattr(type(backend), "rebuild_batch", 10)
    written = []
    original = type(backend).write_batch

    def failing(self, cursor, documents, state):
        if len(written) == 2:
            raise RuntimeError("interrupted")
        written.append([document.pk for document, _ in documents])
        original(self, cursor, documents, state)

    monkeypatch.setattr(type(backend), "write_batch", failing)
    with pytest.raises(RuntimeError):
        backend.rebuild()
    # Two batches are in the side index; the live index still answers, unchanged.
    assert _ids("扶贫 资金") == before
    status = backend.status()
    assert status.state == "building" and status.building == 20 and status.indexed == 34
    # A document changed meanwhile, already passed by the rebuild: the side index follows it too.
    first = Document.objects.get(pk=written[0][0])
    Document.objects.filter(pk=first.pk).update(title="扶贫资金第二份办法")
    services.document_changed(first.pk)
    # Run again: it continues after the last committed batch, then swaps.
    monkeypatch.setattr(type(backend), "write_batch", original)
    progress = []
    assert backend.rebuild(lambda done, total: progress.append((done, total))) == 34
    assert progress[0] == (20, 34) and progress[-1] == (34, 34)
    assert backend.status().state == "ok"
    assert backend.verify().ok
    assert _ids("扶贫资金第二份")[:1] == [first.pk]


@pytest.mark.django_db
def test_verify_finds_missing_extra_and_stale_documents(ranked_corpus, region, genres):
    services.rebuild()
    assert services.verify().ok
    ids = sorted(ranked_corpus.values())
    # Changes the index has not followed (document_changed not run): a new document, a withdrawn one, an edit.
    new = Document.objects.create(publisher=region["edu"], title="新发布", body_text="正文", body="",
                                  genre=genres["notice"], status=DocumentStatus.PUBLISHED,
                                  published_on=date(2024, 1, 1), index_number="R-NEW")
    Document.objects.filter(pk=ids[0]).update(status=DocumentStatus.WITHDRAWN)
    Document.objects.filter(pk=ids[1]).update(title="改过的标题")
    report = services.verify()
    assert not report.ok
    assert (report.missing, report.extra, report.stale) == ([new.pk], [ids[0]], [ids[1]])
    assert "索引中缺少 1 篇" in report.summary and "索引内容过期 1 篇" in report.summary
    with pytest.raises(CommandError, match="索引与数据库不一致"):
        call_command("search-index", "verify", "--quiet")
    out = StringIO()
    call_command("search-index", "rebuild", "--quiet", stdout=out)
    call_command("search-index", "verify", "--quiet", stdout=out)
    assert "索引与数据库一致：34 篇" in out.getvalue()


@pytest.mark.django_db
def test_status_and_the_rebuild_job_after_an_emptied_index(ranked_corpus):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_entry")
    status, job = services.schedule_rebuild_if_needed()
    assert status.state == "missing" and "全文检索索引缺失" in status.message
    # The tests' immediate task backend ran the job at once; in production the worker does.
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.result == {"documents": 34}
    assert services.index_status().state == "ok"
    assert services.schedule_rebuild_if_needed() == (services.index_status(), None)
    assert Job.objects.filter(name=job.name).count() == 1
    out = StringIO()
    call_command("search-index", "status", stdout=out)
    assert "全文检索索引完整" in out.getvalue()


@pytest.mark.django_db
def test_the_command_says_it_continues_an_interrupted_rebuild(ranked_corpus, monkeypatch):
    services.rebuild()
    backend = get_backend()
    with transaction.atomic(), connection.cursor() as cursor:
        backend.begin_rebuild(cursor)  # an empty side index, as a rebuild interrupted before its first batch
    assert services.index_status().state == "building"
    out = StringIO()
    call_command("search-index", "rebuild", "--quiet", stdout=out)
    assert "接着上次未完成的重建继续" in out.getvalue() and "索引已重建：34 篇" in out.getvalue()
    assert services.index_status().state == "ok" and services.verify().ok
