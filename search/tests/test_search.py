"""Full-text search: recall against a LIKE scan, filters, ranking, snippets, the index following the workflow,
hostile query strings and the command line. No timings here (bench/search.py measures speed)."""

import json
import random
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import services
from catalog.models import Document, DocumentStatus
from orgs.models import Agency
from search import services as search_module
from search.like import LikeBackend
from search.query import parse
from search.services import SearchQuery, get_backend, search
from search.tests.conftest import CORPUS_SIZE, interrupted_rebuild

pytestmark = pytest.mark.usefixtures("index_backend")  # every test once per index backend (conftest)

FIXED_QUERIES = [
    "扶贫", "低保", "医保", "政府", "公开", "县",  # 2-character, very common, 1-character
    "专项债", "公示期", "办公室",  # 3-character
    "行政许可", "安全生产", "乡村振兴",  # 4-character
    "扶贫 教育", "政府 公开 通知", "低保 医保", "安全 生产 工作",  # multi-word (AND)
    '"安全生产"', '"人民政府办公室"', "“乡村振兴”",  # phrases
    "〔2021〕", "号", "2022", "盐池县人民政府办公室关于",
]


def all_ids(text: str, backend=None, **filters) -> list[int]:
    """Every matching document id, paging through the results as the portal does."""
    ids, offset = [], 0
    while True:
        result = search(SearchQuery(text=text, offset=offset, limit=100, **filters), backend=backend)
        ids.extend(hit.document_id for hit in result.hits)
        offset += 100
        if offset >= result.total:
            assert len(ids) == result.total, "the total must count exactly what the pages list"
            return ids


def sampled_queries(documents, count=40, seed=3) -> list[str]:
    """Substrings of 2–6 characters cut at random from the bodies and titles: arbitrary bigram boundaries."""
    rng = random.Random(seed)
    texts = [text for d in documents for text in (d.title, d.body_text) if len(text) > 10]
    out = []
    while len(out) < count:
        text = rng.choice(texts)
        size = rng.randint(2, 6)
        start = rng.randrange(0, len(text) - size)
        piece = text[start:start + size]
        if piece.strip() == piece and " " not in piece and "\n" not in piece:
            out.append(piece)
    return out


@pytest.mark.django_db
def test_recall_equals_a_like_scan(corpus):
    like = LikeBackend()
    public = set(Document.objects.public().values_list("pk", flat=True))
    for text in FIXED_QUERIES + sampled_queries(corpus):
        expected = all_ids(text, backend=like)
        found = all_ids(text)
        assert sorted(found) == sorted(expected), text
        assert set(found) <= public
    # The corpus is realistic: the common words are common, and non-public copies exist to be excluded.
    assert len(all_ids("政府")) > CORPUS_SIZE // 3
    assert Document.objects.exclude(pk__in=public).filter(body_text__contains="政府").exists()


@pytest.mark.django_db
def test_multi_word_is_and_and_quotes_make_a_phrase(corpus):
    both = set(all_ids("政府 公开"))
    assert both == set(all_ids("政府")) & set(all_ids("公开"))
    phrase = set(all_ids('"人民 政府"'))
    assert phrase <= both or not phrase
    # Punctuation and operator words are literal text, never syntax.
    assert all_ids("政府 AND") == all_ids("政府 AND", backend=LikeBackend())
    assert search(SearchQuery("")).total == 0
    assert search(SearchQuery("   ")).total == 0


def only(backend: str, *names: str) -> None:
    if backend not in names:
        pytest.skip(f"a property of the {' / '.join(names)} backend")


@pytest.mark.django_db
def test_broad_queries_rank_title_hits_first_then_newest(corpus, index_backend):
    only(index_backend, "sqlite")  # the title tiers of the FTS5 backend
    result = search(SearchQuery("政府", limit=100))
    flags = [hit.score for hit in result.hits]
    assert flags == sorted(flags, reverse=True)
    titles = [hit for hit in result.hits if hit.score == 1.0]
    assert titles and all("政府" in hit.title or "政府" in Document.objects.get(pk=hit.document_id).document_number
                          for hit in titles)
    for group in (titles, [hit for hit in result.hits if hit.score == 0.0]):
        keys = [(hit.published_on, hit.document_id) for hit in group]
        assert keys == sorted(keys, reverse=True)
    second = search(SearchQuery("政府", offset=20, limit=20))
    assert [h.document_id for h in second.hits] == [h.document_id for h in result.hits[20:40]]
    # The ranking changes the order, never the set: every backend finds the same documents.
    assert sorted(all_ids("安全生产")) == sorted(all_ids("安全生产", backend=LikeBackend()))


@pytest.mark.django_db
def test_relevance_and_date_ordering(corpus):
    by_date = search(SearchQuery("安全生产", order="date", limit=50)).hits
    keys = [(hit.published_on, hit.document_id) for hit in by_date]
    assert keys == sorted(keys, reverse=True)
    ranked = search(SearchQuery("安全生产", limit=50)).hits
    assert [hit.score for hit in ranked] == sorted((hit.score for hit in ranked), reverse=True)
    assert {hit.document_id for hit in ranked} == {hit.document_id for hit in by_date}


@pytest.mark.django_db
def test_filters(corpus, region, topic):
    like = LikeBackend()
    cases = [
        {"agency_path": region["county"].path}, {"agency_path": region["edu"].path}, {"topic_id": topic.pk},
        {"genre_code": "notice"}, {"kind": "normative_document"}, {"statutory_item": 11},
        {"year_from": 2021, "year_to": 2022}, {"year_from": 2023}, {"validity": "repealed"},
        {"agency_path": region["county"].path, "year_to": 2021, "order": "date"},
    ]
    for filters in cases:
        for text in ("政府", "通知", "安全生产", "县 号"):
            expected = all_ids(text, backend=like, **filters)
            assert sorted(all_ids(text, **filters)) == sorted(expected), (text, filters)
    inside = all_ids("政府", agency_path=region["county"].path)
    assert not set(inside) & set(Document.objects.filter(publisher=region["other"]).values_list("pk", flat=True))
    for pk in all_ids("通知", year_from=2021, year_to=2022):
        assert 2021 <= Document.objects.get(pk=pk).published_on.year <= 2022


@pytest.mark.django_db
def test_broad_and_narrow_filters_find_the_same_documents(corpus, region, topic, monkeypatch):
    """A filter is a facet token in the MATCH (SQLite), or for a large agency subtree listed once or tested per
    match; the root agency is no filter at all. Every way gives the LIKE scan's documents."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    from search import sqlite_fts

    like = LikeBackend()
    cases = [{"agency_path": region["edu"].path}, {"agency_path": region["county"].path, "statutory_item": 11},
             {"topic_id": topic.pk, "order": "date"}, {"genre_code": "notice"}]
    # Facet tokens in the MATCH (the default), then an agency subtree listed once, then tested per match.
    for facet_agencies, listed in ((64, 10**9), (0, 10**9), (0, 0)):
        monkeypatch.setattr(sqlite_fts, "FACET_OR_LIMIT", facet_agencies)
        monkeypatch.setattr(sqlite_fts, "FILTER_LIST_LIMIT", listed)
        for filters in cases:
            for text in ("政府", "安全生产", "县 号"):
                assert sorted(all_ids(text, **filters)) == sorted(all_ids(text, backend=like, **filters)), filters
    # An agency whose subtree holds every agency filters nothing, and is dropped before the backend is asked.
    seen = []

    class Spy(LikeBackend):
        def search(self, query, terms):
            seen.append(query.agency_path)
            return super().search(query, terms)

    county = region["county"].path
    search(SearchQuery("政府", agency_path=county), backend=Spy())  # 邻县 lies outside: a real filter
    Agency.objects.exclude(path__startswith=county).update(path=Concat(Value(county), "path"))
    search(SearchQuery("政府", agency_path=county), backend=Spy())  # now every agency is inside
    assert seen == [county, None]


@pytest.mark.django_db
def test_facets_follow_the_document_and_never_match_text(corpus, django_capture_on_commit_callbacks):
    """The filters' facet tokens (SQLite) are re-indexed with the document, and a query can never reach them:
    a one-character query '@' (a prefix query) finds only documents with '@' in their text."""
    like = LikeBackend()
    document = Document.objects.public().filter(kind="normative_document").first()
    if document is None:
        document = Document.objects.public().first()
        Document.objects.filter(pk=document.pk).update(kind="normative_document")
        get_backend().document_changed(document.pk)
    assert document.pk not in all_ids("县 号", validity="repealed")
    with django_capture_on_commit_callbacks(execute=True):  # the index follows after commit
        services.change_validity(Document.objects.get(pk=document.pk), validity="repealed", on=date(2024, 6, 1))
    text = Document.objects.get(pk=document.pk).title[:2]
    assert document.pk in all_ids(text, validity="repealed")
    assert sorted(all_ids(text, validity="repealed")) == sorted(all_ids(text, backend=like, validity="repealed"))
    assert sorted(all_ids("@")) == sorted(all_ids("@", backend=like))
    assert search(SearchQuery("政府", genre_code="no-such-genre")).total == 0


@pytest.mark.django_db
def test_snippets_are_escaped_and_marked(corpus, region, genres):
    document = Document.objects.create(
        publisher=region["edu"], title="关于<b>学生资助</b>的通知", genre=genres["notice"], body="",
        body_text="前言。" * 40 + "落实<script>精准扶贫</script>工作，扶贫资金到位。", status=DocumentStatus.PUBLISHED,
        published_on=date(2024, 3, 1), index_number="T-SNIP")
    get_backend().document_changed(document.pk)
    hit = next(h for h in search(SearchQuery("精准扶贫 资金", limit=100)).hits if h.document_id == document.pk)
    assert "<mark>精准扶贫</mark>" in hit.snippet_html
    assert "<mark>资金</mark>" in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html and "<script>" not in hit.snippet_html
    assert hit.snippet_html.startswith("…")
    assert hit.title == "关于<b>学生资助</b>的通知"  # plain text: the template escapes it


def _publish(document, editorial):
    services.submit(document, user=editorial["editor"])
    services.pass_secrecy_review(document, user=editorial["reviewer"])
    return services.publish(document, user=editorial["reviewer"]).document


@pytest.mark.django_db
def test_the_index_follows_the_workflow(region, editorial, draft_fields, django_capture_on_commit_callbacks):
    search_module.rebuild()
    draft = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields(
        title="关于开展农村低保专项治理的通知", body="<p>开展农村低保专项治理，核查医保参保情况。</p>")).document
    services.add_attachment(draft, user=editorial["editor"], name="名单.txt",
                            content="附件：困难群众救助对象花名册".encode())
    assert search(SearchQuery("低保")).total == 0  # drafts are never indexed
    with django_capture_on_commit_callbacks(execute=True):
        document = _publish(draft, editorial)
    assert [h.document_id for h in search(SearchQuery("低保")).hits] == [document.pk]
    assert search(SearchQuery("花名册")).total == 1  # attachment text
    assert search(SearchQuery("专项治理", validity="in_force")).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.change_validity(document, user=editorial["reviewer"], validity="repealed", on=date(2025, 1, 2))
    assert search(SearchQuery("专项治理", validity="in_force")).total == 0
    assert search(SearchQuery("专项治理", validity="repealed")).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(document, user=editorial["reviewer"], reason="内容有误")
    for text in ("低保", "花名册", "专项治理", "低 保"):
        assert search(SearchQuery(text)).total == 0


@pytest.mark.django_db
def test_rebuild_after_tables_were_emptied(corpus):
    """Django empties model tables between transactional tests but not the index: rebuild makes it agree."""
    before = search(SearchQuery("政府")).total
    Document.objects.filter(pk__in=all_ids("政府")[:5]).delete()
    assert all(hit.document_id for hit in search(SearchQuery("政府")).hits)  # stale rows are never shown
    search_module.rebuild()
    assert search(SearchQuery("政府")).total == before - 5


@pytest.mark.django_db
def test_long_documents_are_matched_anywhere(region, genres):
    """Past 16,383 tokens (PostgreSQL's position limit) and with a bigram repeated more than 256 times."""
    body = "政府" * 9000 + "。" + "说明" * 5000 + "盐池县滩羊肉品牌建设" + "。" * 300
    document = Document.objects.create(
        publisher=region["edu"], title="长文", genre=genres["notice"], body_text=body, body="",
        status=DocumentStatus.PUBLISHED, published_on=date(2024, 5, 6), index_number="T-LONG")
    search_module.rebuild()
    for text in ("滩羊肉品牌", "明盐", "府。说", "设。", '"品牌建设。。"', "政府政府政府"):
        assert [h.document_id for h in search(SearchQuery(text)).hits] == [document.pk], text


HOSTILE = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from(list('"*()^:-+{}[]~\'\\%_ ANDORNEAR扶贫政府公开😀\x00\u200b“”；，')), max_size=20),
    st.sampled_from(['"', '""', "*", "扶贫*", "NEAR(政府 公开)", "政府 OR 1=1", "'; DROP TABLE search_fts; --",
                     "title:政府", "{title body}: 政府", "^政府", "政府 NOT 公开", "(((", "😀", "\x00", "%", "_",
                     "a" * 500, "政府 " * 50]),
)


@pytest.mark.django_db
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE, order=st.sampled_from(["relevance", "date"]))
def test_hostile_queries_never_raise_nor_leak(corpus, text, order):
    public = set(Document.objects.public().values_list("pk", flat=True))
    result = search(SearchQuery(text=text, order=order))
    assert result.total >= len(result.hits)
    assert {hit.document_id for hit in result.hits} <= public


@pytest.mark.django_db
def test_cli_text_and_json(corpus, region):
    out = StringIO()
    call_command("search", "扶贫", "--json", "--limit", "5", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["total"] == search(SearchQuery("扶贫")).total > 0
    assert len(payload["results"]) == min(5, payload["total"])
    assert set(payload["results"][0]) == {"index_number", "title", "published_on", "score"}
    out = StringIO()
    call_command("search", "政府", "--agency", "edu", stdout=out)
    total = search(SearchQuery("政府", agency_path=region["edu"].path)).total
    assert out.getvalue().startswith(f"共 {total} 条结果")
    with pytest.raises(Exception, match="没有机构编码"):
        call_command("search", "政府", "--agency", "nowhere", stdout=StringIO())


@pytest.mark.django_db
def test_cli_rebuild_shows_progress(corpus):
    out, err = StringIO(), StringIO()
    call_command("search_index", "rebuild", stdout=out, stderr=err)
    public = Document.objects.public().count()
    assert f"{public}/{public}" in err.getvalue()
    assert f"索引已重建：{public} 篇" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL backend: run with DATABASE_URL=postgres://… (this run uses SQLite)")
def test_postgres_backend_is_exact_and_tantivy_the_default(corpus, settings, index_backend):
    from search.postgres import PostgresBackend
    from search.tantivy_index import TantivyBackend

    only(index_backend, "postgres")
    settings.GONGKAI_SEARCH_BACKEND = "auto"
    assert isinstance(get_backend(), TantivyBackend)
    like = LikeBackend()
    for text in FIXED_QUERIES[:12]:
        assert sorted(all_ids(text, backend=PostgresBackend())) == sorted(all_ids(text, backend=like)), text


ONE_BIGRAM = ["政府", "公开", "扶贫", "通知", "低保", "县人", "〔2"]


@pytest.mark.django_db
def test_one_bigram_counts_stay_exact_through_changes(corpus, region, genres):
    """One-bigram queries are counted from the document-frequency table (search_df): it must follow every
    re-index, withdrawal, publication and edit exactly."""
    backend = get_backend()
    like = LikeBackend()

    def check():
        for text in ONE_BIGRAM:
            assert search(SearchQuery(text)).total == search(SearchQuery(text), backend=like).total, text

    check()
    public = list(Document.objects.public().order_by("pk").values_list("pk", flat=True))
    for pk in public[:6]:  # withdrawn
        Document.objects.filter(pk=pk).update(status=DocumentStatus.WITHDRAWN)
        backend.document_changed(pk)
    for pk in public[6:9]:  # re-indexed unchanged, twice
        backend.document_changed(pk)
        backend.document_changed(pk)
    edited = Document.objects.get(pk=public[9])  # edited: tokens leave and arrive
    edited.title, edited.body_text, edited.summary, edited.keywords = "扶贫通知", "政府公开低保", "", ""
    edited.save()
    backend.document_changed(edited.pk)
    draft = Document.objects.filter(status=DocumentStatus.DRAFT).first()  # published
    Document.objects.filter(pk=draft.pk).update(status=DocumentStatus.PUBLISHED, published_on=date(2024, 2, 3),
                                                index_number="T-DF")
    backend.document_changed(draft.pk)
    backend.document_changed(10**9)  # no such document: nothing changes
    check()
    if backend.name == "postgres":  # the table equals a recount from the indexed text
        from collections import Counter

        from search.bigrams import tokens

        with connection.cursor() as cursor:
            cursor.execute("SELECT term, df FROM search_df")
            stored = dict(cursor.fetchall())
            cursor.execute("SELECT title, body FROM search_doc")
            recount = Counter()
            for title, body in cursor.fetchall():
                recount.update(set(tokens(title)) | set(tokens(body)))
                recount.update({"": 1, " title": len(title), " body": len(body)})
            assert stored == dict(recount)


@pytest.mark.django_db
def test_terms_in_different_parts_of_a_document(region, genres):
    """Every term must occur somewhere: in the title, the 文号, the body, far into a long body, or an attachment."""
    from catalog.models import Attachment

    body = "前言。" * 3000 + "农田水利" + "。" * 10 + "尾声"  # past the first chunk of the PostgreSQL backend
    document = Document.objects.create(
        publisher=region["edu"], title="关于防汛工作的通知", document_number="盐教发〔2024〕9号", genre=genres["notice"],
        body_text=body, body="", status=DocumentStatus.PUBLISHED, published_on=date(2024, 5, 6), index_number="T-PARTS")
    Attachment.objects.create(document=document, original_name="a.txt", content_type="text/plain", file="t/a.txt",
                              size=10, text="附件：滩羊养殖名单", sort_order=1)
    other = Document.objects.create(
        publisher=region["edu"], title="关于防汛的通知", genre=genres["notice"], body_text="前言。农田", body="",
        status=DocumentStatus.PUBLISHED, published_on=date(2024, 5, 7), index_number="T-PARTS2")
    search_module.rebuild()
    for text in ("防汛 农田水利", "〔2024〕 尾声", "滩羊 防汛工作", "农田水利 滩羊养殖 9号 前言", '"防汛工作" 尾声'):
        assert [h.document_id for h in search(SearchQuery(text)).hits] == [document.pk], text
        assert [h.document_id for h in search(SearchQuery(text, order="date")).hits] == [document.pk], text
    assert sorted(h.document_id for h in search(SearchQuery("防汛 前言")).hits) == sorted([document.pk, other.pk])
    assert search(SearchQuery("防汛 滩羊 农田水利 尾巴")).total == 0


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL backend: run with DATABASE_URL=postgres://… (this run uses SQLite)")
def test_postgres_walk_and_gin_pages_are_the_same(corpus, region, monkeypatch, index_backend):
    """Newest-first pages of many matches are found by walking the documents, of few matches through GIN;
    relevance pages of many matches put the title hits first: the same result whichever way."""
    only(index_backend, "postgres")
    from search import postgres

    cases = [{"order": "date"}, {"order": "date", "offset": 20, "limit": 10}, {"order": "date", "offset": 95, "limit": 30},
             {"order": "date", "agency_path": region["county"].path}, {"year_from": 2021, "year_to": 2022},
             {"year_to": 2021, "order": "date"}, {"validity": "in_force", "offset": 5}, {}]
    texts = ["政府", "公开", "通知", "县", "安全生产", "政府 公开 通知", '"人民政府办公室"', "〔2021〕", "号 县"]

    def pages():
        return {(text, str(case)): search(SearchQuery(text, **case)) for text in texts for case in cases}

    monkeypatch.setattr(postgres, "BM25_LIMIT", 0)  # relevance: title hits first, by BM25, then newest
    monkeypatch.setattr(postgres, "WALK_FACTOR", 10**9)  # never walk
    expected = pages()
    monkeypatch.setattr(postgres, "WALK_FACTOR", 0)  # always walk
    walked = pages()
    for key, result in expected.items():
        ids = [(h.document_id, h.score) for h in result.hits]
        assert [(h.document_id, h.score) for h in walked[key].hits] == ids, key
        assert walked[key].total == result.total
        if "order" in key[1]:  # newest first, as the LIKE scan orders by date
            like = search(SearchQuery(key[0], **eval(key[1])), backend=LikeBackend())  # noqa: S307 - our own repr
            assert [h.document_id for h in result.hits] == [h.document_id for h in like.hits], key


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL backend: run with DATABASE_URL=postgres://… (this run uses SQLite)")
def test_postgres_relevance_is_bm25(corpus, index_backend):
    """order=relevance is Okapi BM25 (title ×10, k1 1.2, b 0.75) over every match, recomputed here from the
    documents' text: the same order, the same scores."""
    only(index_backend, "postgres")
    import math

    from search import postgres
    from search.base import indexed_text

    documents = {d.pk: d for d in Document.objects.public()}
    texts = {pk: [postgres.normalised(part) for part in indexed_text(d, [])] for pk, d in documents.items()}
    n = len(texts)
    averages = [sum(len(t[i]) for t in texts.values()) / n for i in (0, 1)]
    for text in ["扶贫", "安全生产", "扶贫 资金", "人民政府办公室", "政府 公开"]:
        terms = parse(text)
        matches = [pk for pk, t in texts.items() if all(term.text in t[0] or term.text in t[1] for term in terms)]
        idf = {term: math.log(1 + (n - (df := sum(1 for t in texts.values() if term.text in t[0] or term.text in t[1]))
                                   + 0.5) / (df + 0.5)) for term in terms}

        def bm25(pk, terms=terms, idf=idf):
            score = 0.0
            for term in terms:
                for field, weight in ((0, 10.0), (1, 1.0)):
                    tf = texts[pk][field].count(term.text)
                    norm = 1.2 * (1 - 0.75 + 0.75 * len(texts[pk][field]) / averages[field])
                    score += idf[term] * weight * tf * 2.2 / (tf + norm)
            return score

        result = search(SearchQuery(text, limit=50))
        assert result.total == len(matches)
        expected = sorted(matches, key=lambda pk: (-round(bm25(pk), 6), -documents[pk].published_on.toordinal(), -pk))
        assert [round(h.score, 6) for h in result.hits] == [round(bm25(pk), 6) for pk in expected[:50]], text
        assert [round(bm25(h.document_id), 6) for h in result.hits] == [round(h.score, 6) for h in result.hits], text


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL backend: run with DATABASE_URL=postgres://… (this run uses SQLite)")
def test_postgres_rebuild_builds_beside_resumes_and_verifies(corpus, monkeypatch, index_backend):
    """The PostgreSQL side index (search_doc_next): batches commit with their progress, search answers from
    the live index meanwhile, a change the rebuild has passed reaches the side index, and the swap leaves an
    index that verify finds equal to the database."""
    only(index_backend, "postgres")
    from search.postgres import PostgresBackend

    backend = PostgresBackend()
    if not backend.builds_beside():
        pytest.skip("this role may not create tables (the CI runtime role): it rebuilds in place, tested below")
    public = Document.objects.public().count()
    before = all_ids("扶贫")
    written = interrupted_rebuild(monkeypatch, backend)
    assert all_ids("扶贫") == before
    status = backend.status()
    assert status.state == "building" and status.building == 50 and status.indexed == public
    first = Document.objects.get(pk=written[0][0])
    Document.objects.filter(pk=first.pk).update(title="扶贫资金第二份办法")
    backend.document_changed(first.pk)
    assert backend.rebuild() == public
    assert backend.status().state == "ok"
    assert backend.verify().ok
    assert all_ids("扶贫资金第二份") == [first.pk]
    assert sorted(all_ids("扶贫")) == sorted(all_ids("扶贫", backend=LikeBackend()))
    # A stale row is found by verify.
    Document.objects.filter(pk=first.pk).update(title="另一个标题")
    report = backend.verify()
    assert not report.ok and report.stale == [first.pk]


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="PostgreSQL backend: run with DATABASE_URL=postgres://… (this run uses SQLite)")
def test_postgres_rebuild_in_place_for_a_role_without_ddl(corpus, monkeypatch, index_backend):
    """The runtime role (DML only, docs/operations.md §3) cannot create or rename tables: its rebuild empties
    and refills search_doc in one transaction, with the same result."""
    only(index_backend, "postgres")
    from search.postgres import PostgresBackend

    monkeypatch.setattr(PostgresBackend, "builds_beside", lambda self: False)
    backend = PostgresBackend()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_doc")
    assert backend.rebuild() == Document.objects.public().count()
    assert backend.verify().ok
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_doc_next') IS NULL")
        assert cursor.fetchone()[0]
    for text in ("扶贫", "乡村振兴", "人民政府办公室", "政府 公开"):
        assert sorted(all_ids(text)) == sorted(all_ids(text, backend=LikeBackend())), text
