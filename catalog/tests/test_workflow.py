"""起草 → 保密审查 → 审核 → 发布, 撤回, 废止: every transition through catalog.services, with the audit trail."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from audit.models import AuditEntry
from catalog import services
from catalog.models import Document, DocumentStatus, LifecycleEvent, NormativeEvent, Validity

pytestmark = pytest.mark.django_db


def publish_through_workflow(document, reviewer, on=None):
    services.submit(document, user=document.created_by)
    services.pass_secrecy_review(document, user=reviewer)
    return services.publish(document, user=reviewer, on=on).document


def test_full_workflow_assigns_an_index_number_and_audits(region, editorial, draft_fields):
    doc = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields()).document
    assert doc.status == DocumentStatus.DRAFT and doc.index_number is None
    published = publish_through_workflow(doc, editorial["reviewer"], on=date(2024, 9, 10))
    prefix = region["edu"].effective_index_prefix
    assert published.index_number == f"{prefix}/2024-00001"
    assert published.published_on == date(2024, 9, 10)
    # 2024-09-02 → 2024-09-10 is 6 working days (3,4,5,6,9,10), within 第二十六条's 20.
    assert published.publication_lag_wd == 6 and not published.is_late
    actions = list(AuditEntry.objects.filter(object_id=str(doc.pk), object_type="catalog.document")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["catalog.document.create", "catalog.document.submit", "catalog.document.secrecy_review",
                       "catalog.document.publish"]
    # A normative document's issue is a lifecycle event for 表二.
    assert NormativeEvent.objects.get(document=doc).event == LifecycleEvent.ISSUED


def test_the_drafter_cannot_approve_their_own_document(region, make_staff, draft_fields):
    both = make_staff("both", ("editor", region["edu"]), ("reviewer", region["edu"]))
    doc = services.create_draft(publisher=region["edu"], user=both, **draft_fields()).document
    services.submit(doc, user=both)
    with pytest.raises(ValidationError, match="起草人不能审查"):
        services.pass_secrecy_review(doc, user=both)
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.SECRECY_REVIEW


def test_roles_are_enforced_by_the_service(region, editorial, draft_fields):
    with pytest.raises(PermissionDenied):
        services.create_draft(publisher=region["edu"], user=editorial["other_editor"], **draft_fields())
    doc = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields()).document
    services.submit(doc, user=editorial["editor"])
    with pytest.raises(PermissionDenied):  # an editor cannot review
        services.pass_secrecy_review(doc, user=editorial["editor"])


def test_late_publication_is_flagged_article_26(region, editorial, draft_fields):
    """第二十六条: within 20 working days of being formed. Counting from 2024-09-03: 9-3…9-13 (9), 9-14 Sat
    make-up (10), 中秋 9-15…17 off, 9-18…20 (13), 9-23…27 (18), 9-29 Sun make-up (19), 9-30 (20); 国庆
    10-1…7 off, 10-8…11 (24), 10-12 Sat make-up (25), 10-14 (26)."""
    doc = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields()).document
    outcome = publish_through_workflow(doc, editorial["reviewer"], on=date(2024, 10, 14))
    assert outcome.publication_lag_wd == 26 and outcome.is_late
    assert any("第二十六条" in w for w in services.publication_warnings(outcome))


def test_publication_needs_the_catalogue_fields_article_12(region, editorial, draft_fields):
    """第十二条: the 目录 holds 索引、名称、内容概述、生成日期."""
    doc = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                **draft_fields(summary="", written_on=None)).document
    services.submit(doc, user=editorial["editor"])
    services.pass_secrecy_review(doc, user=editorial["reviewer"])
    with pytest.raises(ValidationError) as info:
        services.publish(doc, user=editorial["reviewer"])
    assert "内容概述" in str(info.value) and "生成日期" in str(info.value)
    assert Document.objects.get(pk=doc.pk).index_number is None


def test_non_proactive_attribute_needs_a_legal_reason(region, editorial, draft_fields):
    """国办发〔2016〕80号: 依申请公开 / 不予公开 are fixed at drafting with their legal reasons."""
    with pytest.raises(ValidationError) as info:
        services.create_draft(publisher=region["edu"], user=editorial["editor"],
                              **draft_fields(disclosure_attribute="withheld"))
    assert "withholding_ground" in info.value.message_dict and "legal_basis" in info.value.message_dict
    ok = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields(
        disclosure_attribute="withheld", withholding_ground="withheld_process_info",
        legal_basis="条例第十六条第二款")).document
    assert ok.withholding_ground == "withheld_process_info"


def test_document_numbers_are_normalised_and_duplicates_warned(region, editorial, draft_fields):
    first = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                  **draft_fields(document_number="盐教发[2024]12号")).document
    assert first.document_number == "盐教发〔2024〕12号"
    second = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                   **draft_fields(document_number="盐教发（2024）12号"))
    assert second.warnings and "文号相同" in second.warnings[0]
    with pytest.raises(ValidationError, match="格式不正确"):
        services.create_draft(publisher=region["edu"], user=editorial["editor"],
                              **draft_fields(document_number="盐教发2024年12号"))


XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>',
       '<svg onload=alert(1)>', '<p style="background:url(javascript:alert(1))" onmouseover="alert(1)">x</p>',
       '<iframe src="https://evil.example"></iframe>']


@pytest.mark.parametrize("payload", XSS)
def test_script_is_removed_from_titles_and_bodies(region, editorial, draft_fields, payload):
    doc = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                **draft_fields(title=f"通知{payload}", body=f"<p>正文</p>{payload}")).document
    for text in (doc.title, doc.body):
        lowered = text.lower()
        assert "<script" not in lowered and "onerror" not in lowered and "javascript:" not in lowered
        assert "onload" not in lowered and "onmouseover" not in lowered and "<iframe" not in lowered
    assert doc.title.startswith("通知")


def test_withdraw_and_repeal(region, editorial, draft_fields):
    doc = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields()).document
    doc = publish_through_workflow(doc, editorial["reviewer"], on=date(2024, 9, 10))
    new = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                **draft_fields(document_number="盐教发〔2025〕3号")).document
    new = publish_through_workflow(new, editorial["reviewer"], on=date(2025, 3, 3))
    services.change_validity(doc, user=editorial["reviewer"], validity=Validity.REPEALED, on=date(2025, 3, 1),
                             replaced_by=new, note="被盐教发〔2025〕3号废止")
    doc.refresh_from_db()
    assert doc.validity == Validity.REPEALED and doc.replaced_by == new and doc.effective_to == date(2025, 3, 1)
    assert doc.events.filter(event=LifecycleEvent.REPEALED, on=date(2025, 3, 1)).exists()
    with pytest.raises(ValidationError):
        services.withdraw(new, user=editorial["reviewer"], reason="")
    services.withdraw(new, user=editorial["reviewer"], reason="误发")
    new.refresh_from_db()
    assert new.status == DocumentStatus.WITHDRAWN and new.index_number.endswith("/2025-00001")


def test_interpretations_link_both_ways(region, editorial, draft_fields, genres):
    policy = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields()).document
    reading = services.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields(
        title="《关于做好学生资助工作的通知》政策解读", document_number="", genre=genres["interpretation"],
        kind="other", interpretation_forms=["text", "qa"])).document
    services.link_interpretation(reading, [policy], user=editorial["editor"])
    assert list(policy.interpretations.all()) == [reading]
    assert list(reading.interprets.all()) == [policy]
    with pytest.raises(ValidationError):
        services.link_interpretation(policy, [reading], user=editorial["editor"])


def test_index_serials_are_gapless_per_agency_and_year(region, editorial, draft_fields):
    numbers = []
    for i in range(3):
        doc = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                    **draft_fields(document_number=f"盐教发〔2024〕{i + 1}号")).document
        numbers.append(publish_through_workflow(doc, editorial["reviewer"], on=date(2024, 9, 10)).index_serial)
    other = services.create_draft(publisher=region["health"], user=None, **draft_fields()).document
    services.submit(other)
    services.pass_secrecy_review(other)
    assert services.publish(other, on=date(2024, 9, 10)).document.index_serial == 1
    assert numbers == [1, 2, 3]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publication_gives_distinct_gapless_serials(region, draft_fields):
    """Index numbers under concurrent publication (PostgreSQL row locks; SQLite serialises writers)."""
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency proof needs PostgreSQL's row locking; SQLite serialises all writers")
    docs = []
    for i in range(12):
        doc = services.create_draft(publisher=region["edu"], **draft_fields(document_number=f"盐教发〔2024〕{i + 1}号")).document
        services.submit(doc)
        services.pass_secrecy_review(doc)
        docs.append(doc)
    barrier = threading.Barrier(len(docs))
    errors = []

    def worker(document):
        from django.db import connection as thread_connection
        try:
            barrier.wait()
            services.publish(document, on=date(2024, 9, 10))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker, args=(d,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    serials = sorted(Document.objects.filter(publisher=region["edu"]).values_list("index_serial", flat=True))
    assert serials == list(range(1, 13))


def test_legacy_items_keep_their_historical_index_number(region, draft_fields):
    doc = services.create_draft(publisher=region["edu"], **draft_fields()).document
    services.import_published(doc, published_on=date(2018, 5, 2), index_number="640323001/2018-00061")
    doc.refresh_from_db()
    assert (doc.status, doc.index_number, doc.published_on) == (DocumentStatus.PUBLISHED, "640323001/2018-00061",
                                                               date(2018, 5, 2))
    clash = services.create_draft(publisher=region["edu"], **draft_fields(document_number="")).document
    with pytest.raises(ValidationError, match="已被其他信息使用"):
        services.import_published(clash, published_on=date(2018, 5, 3), index_number="640323001/2018-00061")
