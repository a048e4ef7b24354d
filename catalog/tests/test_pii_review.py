"""保密审查's personal-data scan (issue 16 §6): hits in the body and the attachments' text, a decision on each
before the review passes and before publication, decisions audited without the value."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from catalog import pii_review, services
from catalog.models import DocumentStatus, PersonalDataDecision

from .test_attachments import make_docx

PHONE = "１３９ ９５１２ ３４５６"  # full-width and spaced: the masking check once let this through
ADDRESS = "盐池县花马池镇盐州路88号"

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(region, editorial, draft_fields):
    def make(body="<p>各学校：</p><p>现将有关事项通知如下。</p>", attachments=()):
        document = services.create_draft(publisher=region["edu"], user=editorial["editor"],
                                         **draft_fields(body=body)).document
        for name, content in attachments:
            services.add_attachment(document, user=editorial["editor"], name=name, content=content)
        services.submit(document, user=editorial["editor"])
        document.refresh_from_db()
        return document
    return make


def _decide_all(document, user, decision="publishable", note=""):
    for finding in pii_review.undecided(document):
        pii_review.decide(document, user=user, source=finding.source, kind=finding.kind, key=finding.value_key,
                          decision=decision, note=note)


def test_hits_in_body_and_attachment_text_are_listed(in_review):
    document = in_review(body=f"<p>联系人电话：{PHONE}。</p>",
                         attachments=[("名单.docx", make_docx(paragraphs=(f"申请人住址：{ADDRESS}",)))])
    found = {(f.source.split(":")[0], f.kind, f.value) for f in pii_review.findings(document)}
    assert ("body", "phone", PHONE) in found
    assert ("attachment", "address", ADDRESS) in found


def test_review_and_publication_refused_until_every_hit_is_decided(in_review, editorial):
    reviewer = editorial["reviewer"]
    document = in_review(body=f"<p>电话 {PHONE}</p>",
                         attachments=[("名单.docx", make_docx(paragraphs=(f"住址：{ADDRESS}",)))])
    with pytest.raises(ValidationError, match="2 处疑似个人信息"):
        services.pass_secrecy_review(document, user=reviewer)
    first = pii_review.undecided(document)[0]
    pii_review.decide(document, user=reviewer, source=first.source, kind=first.kind, key=first.value_key,
                      decision="publishable")
    with pytest.raises(ValidationError, match="1 处"):
        services.pass_secrecy_review(document, user=reviewer)
    _decide_all(document, reviewer, decision="handled", note="已在附件原件中遮盖")
    services.pass_secrecy_review(document, user=reviewer)
    # A new hit after the review (an edit in 审核) blocks publication again.
    services.update_draft(document, user=reviewer, body=f"<p>电话 {PHONE}</p><p>银行卡 4111 1111 1111 1111</p>")
    with pytest.raises(ValidationError, match="银行卡号"):
        services.publish(document, user=reviewer)
    document.refresh_from_db()
    _decide_all(document, reviewer)
    assert services.publish(document, user=reviewer).document.status == DocumentStatus.PUBLISHED


def test_decisions_follow_the_value_not_its_spelling(in_review, editorial):
    document = in_review(body=f"<p>电话 {PHONE}</p>")
    _decide_all(document, editorial["reviewer"])
    services.update_draft(document, user=editorial["reviewer"], body="<p>电话 139-9512-3456，又 13995123457</p>")
    document.refresh_from_db()
    assert [f.value for f in pii_review.undecided(document)] == ["13995123457"]


def test_decisions_are_audited_without_the_value_and_need_a_reviewer(in_review, editorial):
    document = in_review(body=f"<p>电话 {PHONE}</p>")
    finding = pii_review.undecided(document)[0]
    with pytest.raises(PermissionDenied):  # an editor does not review
        pii_review.decide(document, user=editorial["editor"], source=finding.source, kind=finding.kind,
                          key=finding.value_key, decision="publishable")
    with pytest.raises(ValidationError, match="说明如何处理"):
        pii_review.decide(document, user=editorial["reviewer"], source=finding.source, kind=finding.kind,
                          key=finding.value_key, decision="handled")
    pii_review.decide(document, user=editorial["reviewer"], source=finding.source, kind=finding.kind,
                      key=finding.value_key, decision="publishable", note="机关公开的咨询电话")
    entry = AuditEntry.objects.get(action="catalog.document.pii_decision")
    assert entry.after["decision"] == "publishable" and entry.after["kind"] == "phone"
    assert "9512" not in str(entry.after) and "9512" not in str(entry.before)
    assert "9512" not in PersonalDataDecision.objects.get().value_key


def test_a_document_without_personal_data_passes_as_before(in_review, editorial):
    document = in_review()
    assert pii_review.findings(document) == []
    services.pass_secrecy_review(document, user=editorial["reviewer"])


def test_the_review_page_shows_hits_and_records_a_decision(in_review, editorial, client):
    document = in_review(body=f"<p>电话 {PHONE}</p>")
    client.force_login(editorial["reviewer"])
    url = reverse("catalog:detail", args=[document.pk])
    page = client.get(url).content.decode()
    assert "个人信息检查" in page and f"<mark>{PHONE}</mark>" in page and "尚未决定" in page
    finding = pii_review.undecided(document)[0]
    response = client.post(reverse("catalog:pii_decide", args=[document.pk]),
                           {"source": finding.source, "kind": finding.kind, "key": finding.value_key,
                            "decision": "publishable", "note": ""})
    assert response.status_code == 302
    assert "已确认可以公开" in client.get(url).content.decode()
    assert pii_review.undecided(document) == []
