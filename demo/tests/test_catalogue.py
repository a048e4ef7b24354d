"""The demo county's catalogue: bulk-built 政府信息 in their final published state."""

from collections import Counter
from datetime import date
from io import BytesIO

import pytest
from django.db import transaction

from audit.models import AuditEntry
from catalog import services
from catalog.models import (
    Attachment,
    DisclosureAttribute,
    Document,
    DocumentKind,
    DocumentStatus,
    Genre,
    IndexCounter,
    LifecycleEvent,
    NormativeEvent,
    Validity,
)
from catalog.numbers import format_index_number
from catalog.sanitising import html_to_text
from demo import catalogue
from demo.catalogue import plan_catalogue
from demo.generator import build_region, plan_region
from orgs.models import Agency
from workdays.calendar import count_working_days_detail

YEAR = 2024
N = 400


@pytest.fixture
def built(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_region("county", seed=11, documents=N, year=YEAR)


def test_plan_is_deterministic_data():
    plan = plan_region("county", seed=3)
    weekdays = lambda d: d.weekday() < 5  # noqa: E731
    a = plan_catalogue(plan, 300, year=YEAR, seed=3, is_working_day=weekdays)
    b = plan_catalogue(plan, 300, year=YEAR, seed=3, is_working_day=weekdays)
    assert [(d.agency, d.text, d.published_on, d.status) for d in a.documents] == \
        [(d.agency, d.text, d.published_on, d.status) for d in b.documents]
    c = plan_catalogue(plan, 300, year=YEAR, seed=4, is_working_day=weekdays)
    assert [d.text.title for d in a.documents] != [d.text.title for d in c.documents]


def test_counts_per_genre_and_agency_are_plausible(built):
    in_year = Document.objects.filter(index_year=YEAR)
    assert in_year.count() == N
    genres = Counter(in_year.values_list("genre__code", flat=True))
    assert genres.most_common(1)[0][0] == "news" and genres["notice"] > genres["procurement"]
    assert not Document.objects.filter(kind=DocumentKind.RULE).exists()  # a county makes no 规章
    by_agency = Counter(in_year.values_list("publisher__code", flat=True))
    active = Agency.objects.filter(dissolved_on__isnull=True)
    assert set(by_agency) == set(active.values_list("code", flat=True))  # everyone files an annual report
    assert not Document.objects.filter(publisher__dissolved_on__isnull=False).exists()
    assert by_agency["yc-bgs"] > 2 * by_agency["yc-hmc"] and by_agency["yc-bgs"] > by_agency["yc-tjj"]
    assert genres["annual-report"] == active.count()
    channels = Counter(c for cs in in_year.values_list("channels", flat=True) for c in cs)
    assert channels["other"] > channels["website"] > channels["wechat"] > channels["weibo"]


def test_same_seed_gives_the_same_catalogue(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dumps = []
    for _ in range(2):
        with transaction.atomic():
            build_region("county", seed=11, documents=250, year=YEAR)
            dumps.append(sorted(Document.objects.values_list(
                "publisher__code", "index_number", "title", "document_number", "written_on", "published_on",
                "genre__code", "status", "validity", "body_text")))
            transaction.set_rollback(True)
    assert dumps[0] == dumps[1] and len(dumps[0]) > 250


def test_index_numbers_are_gapless_and_the_next_publication_continues(built):
    serials: dict[tuple[int, int], list[int]] = {}
    for doc in Document.objects.select_related("publisher"):
        serials.setdefault((doc.publisher_id, doc.index_year), []).append(doc.index_serial)
        assert doc.index_number == format_index_number(doc.publisher.effective_index_prefix, doc.index_year,
                                                       doc.index_serial)
        assert doc.published_on.year == doc.index_year
    counters = {(c.agency_id, c.year): c.last_serial for c in IndexCounter.objects.all()}
    assert set(counters) == set(serials)
    for key, values in serials.items():
        assert sorted(values) == list(range(1, len(values) + 1))
        assert counters[key] == len(values)
    # Serials follow publication order within an agency-year.
    office = Agency.objects.get(code="yc-bgs")
    ordered = list(Document.objects.filter(publisher=office, index_year=YEAR).order_by("index_serial")
                   .values_list("published_on", flat=True))
    assert ordered == sorted(ordered)
    before = counters[(office.pk, YEAR)]
    draft = services.create_draft(publisher=office, title="关于演示发布的通知", summary="演示", statutory_item=15,
                                  genre=Genre.objects.get(code="notice"), written_on=date(YEAR, 12, 30)).document
    services.submit(draft)
    services.pass_secrecy_review(draft)
    published = services.publish(draft, on=date(YEAR, 12, 31)).document
    assert published.index_serial == before + 1
    assert IndexCounter.objects.get(agency=office, year=YEAR).last_serial == before + 1


def test_normative_lifecycle_matches_the_plan(built):
    y = YEAR
    earlier = sum(catalogue.NORMATIVE_EARLIER)
    issued_in_year = catalogue.NEW_IN_YEAR + catalogue.REVISED_IN_YEAR
    normative = Document.objects.filter(kind=DocumentKind.NORMATIVE_DOCUMENT)
    assert normative.count() == earlier + issued_in_year
    assert not normative.exclude(genre__code="normative").exists()
    events = Counter(NormativeEvent.objects.filter(on__year=y).values_list("event", flat=True))
    assert events == {LifecycleEvent.ISSUED: issued_in_year, LifecycleEvent.REVISED: catalogue.REVISED_IN_YEAR,
                      LifecycleEvent.REPEALED: catalogue.REPEALED_IN_YEAR}
    assert NormativeEvent.objects.filter(event=LifecycleEvent.ISSUED).count() == normative.count()
    for offset, count in enumerate(catalogue.NORMATIVE_EARLIER):
        year = y - len(catalogue.NORMATIVE_EARLIER) + offset
        assert NormativeEvent.objects.filter(event=LifecycleEvent.ISSUED, on__year=year).count() == count
    assert NormativeEvent.objects.filter(event=LifecycleEvent.REPEALED, on__year__lt=y).count() \
        == catalogue.EARLIER_REPEALED
    in_force = earlier - catalogue.EARLIER_REPEALED - catalogue.REPEALED_IN_YEAR + catalogue.NEW_IN_YEAR
    assert normative.filter(validity=Validity.IN_FORCE).count() == in_force
    amended = normative.filter(validity=Validity.AMENDED)
    assert amended.count() == catalogue.REVISED_IN_YEAR
    for old in amended:
        assert old.replaced_by.kind == DocumentKind.NORMATIVE_DOCUMENT and old.replaced_by.index_year == y
        assert old.replaced_by.title == old.title and old.replaced_by.validity == Validity.IN_FORCE
        assert old.events.get(event=LifecycleEvent.REVISED).related_document == old.replaced_by
    for gone in normative.filter(validity=Validity.REPEALED):
        event = gone.events.get(event=LifecycleEvent.REPEALED)
        assert gone.effective_to == event.on
    repealed_now = NormativeEvent.objects.filter(event=LifecycleEvent.REPEALED, on__year=y)
    decision = {e.related_document for e in repealed_now}
    assert len(decision) == 1 and "废止" in decision.pop().title
    for doc in normative:
        assert doc.events.get(event=LifecycleEvent.ISSUED).on == doc.written_on
        assert doc.document_number and doc.effective_from > doc.written_on


def test_interpretations_link_both_ways(built):
    normative = Document.objects.filter(kind=DocumentKind.NORMATIVE_DOCUMENT)
    interpretations = Document.objects.interpretations()
    assert interpretations.exists()
    for interpretation in interpretations:
        targets = list(interpretation.interprets.all())
        assert len(targets) == 1 and targets[0].kind == DocumentKind.NORMATIVE_DOCUMENT
        assert interpretation in targets[0].interpretations.all()
        assert interpretation.published_on == targets[0].published_on  # 三同步
        assert interpretation.interpretation_forms
    with_one = normative.filter(interpretations__isnull=False).distinct().count()
    assert with_one >= 0.5 * normative.count()
    without = normative.filter(interpretations__isnull=True)
    assert without.filter(interpretation_not_needed="").count() < normative.count()


def test_withdrawn_and_not_proactive_items_stay_off_the_portal(built):
    public = Document.objects.public()
    withdrawn = Document.objects.filter(status=DocumentStatus.WITHDRAWN)
    assert withdrawn.count() >= 2
    assert not public.filter(pk__in=withdrawn).exists()
    for doc in withdrawn:
        assert doc.withdrawn_reason and doc.withdrawn_at and doc.index_number
    on_request = Document.objects.filter(disclosure_attribute=DisclosureAttribute.ON_REQUEST)
    withheld = Document.objects.filter(disclosure_attribute=DisclosureAttribute.WITHHELD)
    assert on_request.count() >= 2 and withheld.count() >= 4
    assert not public.filter(pk__in=on_request).exists() and not public.filter(pk__in=withheld).exists()
    assert all(d.legal_basis.startswith("《中华人民共和国政府信息公开条例》") for d in [*on_request, *withheld])
    assert all(d.withholding_ground for d in withheld)
    assert public.count() == Document.objects.count() - withdrawn.count() - on_request.count() - withheld.count()


def test_publication_lag_uses_the_working_day_calendar(built):
    docs = list(Document.objects.all())
    late = [d for d in docs if d.is_late]
    assert 0.01 * len(docs) <= len(late) <= 0.08 * len(docs)
    assert any(d.late_reason for d in late)
    for d in docs[:: max(1, len(docs) // 60)] + late:
        assert d.publication_lag_wd == count_working_days_detail(d.written_on, d.published_on).count
        assert d.formed_or_changed_on == d.generated_on == d.written_on
    # Every proactive item could have been published through catalog.services.
    assert not Document.objects.public().filter(statutory_item__isnull=True).exists()
    assert not Document.objects.filter(summary="").exists()


def test_bodies_are_sanitised_html_with_their_text(built):
    for doc in Document.objects.all():
        assert doc.body.startswith("<p>") and doc.body_text == html_to_text(doc.body)
        assert 250 <= len(doc.body_text) <= 1200


def test_attachments_open(built):
    import docx
    import pypdf

    attachments = list(Attachment.objects.select_related("document"))
    kinds = Counter(a.content_type for a in attachments)
    assert kinds["application/pdf"] >= 2 and len(kinds) == 2 and len(attachments) <= catalogue.MAX_ATTACHMENTS
    for a in attachments:
        content = a.file.open("rb").read()
        a.file.close()
        assert len(content) == a.size < 60_000
        if a.content_type == "application/pdf":
            text = "".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(content)).pages)
        else:
            text = "\n".join(p.text for p in docx.Document(BytesIO(content)).paragraphs)
        flat = text.replace("\n", "")
        assert a.text.replace("\n", "") in flat if a.content_type == "application/pdf" else a.text.split("\n")[0] in flat
        assert a.text.startswith("附件：") and a.document.is_public


def test_one_audit_entry_summarises_the_catalogue(built):
    entries = AuditEntry.objects.filter(action="demo.catalogue.generate")
    assert entries.count() == 1
    assert entries.get().after["in_year"] == N
    assert not AuditEntry.objects.filter(action__startswith="catalog.document.").exists()
    assert built.catalogue.counts()["documents"] == Document.objects.count()
