"""更正申请 under 《政府信息公开条例》第四十一条 (docs/law/rectification.md): evidence, the four decisions and
their 告知书, the period, the public form and lookup, scope and privacy."""

import io
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from audit.models import AuditEntry
from gongkai.public_forms import issue_challenge
from rectifications import notices, services, statistics
from rectifications.models import Decision, RecordRectificationRequest, RectificationState, RefusalReason

pytestmark = pytest.mark.django_db

APPLICANT = services.Applicant(name="马文静", phone="13995123456", address="盐池县花马池镇盐州路88号")
TODAY = date(2026, 3, 16)  # a Monday


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path, frozen_today):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    frozen_today(TODAY)


@pytest.fixture
def handler(make_staff, region):
    return make_staff("edu-handler", ("request_handler", region["edu"]))


@pytest.fixture
def apply(region):
    def make(agency=None, **kw):
        values = {"record_description": "2025年学生资助名单中本人的身份证件号码", "inaccuracy": "出生日期应为1990年5月1日",
                  "evidence": "户口簿复印件", **kw}
        return services.submit(agency=agency or region["edu"], applicant=APPLICANT, **values)
    return make


def test_article_41_needs_evidence(region):
    """第四十一条: 有证据证明…记录不准确 — a request without any evidence is refused at intake, nothing stored."""
    with pytest.raises(ValidationError) as error:
        services.submit(agency=region["edu"], applicant=APPLICANT, record_description="某记录", inaccuracy="有误")
    assert "evidence" in error.value.error_dict
    assert not RecordRectificationRequest.objects.exists()


def test_period_is_20_working_days_from_the_day_after_receipt_and_configurable(apply, settings):
    """The 条例 sets no period for 更正申请: the platform uses 第三十三条第二款's 20 working days by default."""
    case = apply()
    assert case.received_on == TODAY and case.due_on == date(2026, 4, 14)  # 清明 (4 Apr–6 Apr 2026) skipped
    settings.GONGKAI_RECTIFICATION_WD = 10
    assert apply().due_on == date(2026, 3, 30)


def test_article_41_correction_is_told_to_the_applicant(apply, handler):
    """第四十一条: 审核属实的，应当予以更正并告知申请人 — the 告知书 says what was corrected."""
    case = services.correct(apply(), user=handler, correction_made="出生日期已更正为1990年5月1日")
    assert case.state == RectificationState.DECIDED and case.decision == Decision.CORRECTED
    text = notices.compose(case)
    assert text.title == "政府信息更正告知书" and text.salutation == "马文静："
    assert any("已予以更正" in p and "1990年5月1日" in p for p in text.paragraphs)
    assert not any("行政复议" in p for p in text.paragraphs)  # nothing refused, nothing to challenge


def test_refusal_states_the_reason_and_the_remedies_without_review_first(apply, handler, region):
    """A refusal to correct may be challenged by 复议 (60 days, 复议法 第二十条) or 诉讼 (6 months, 行政诉讼法 第四十六条);
    复议前置 (复议法 第二十三条第一款第（四）项) covers only 不予公开, so the sentence offers either; the 复议机关 of a
    county department is the county government (复议法 第二十四条)."""
    with pytest.raises(ValidationError):
        services.refuse(apply(), user=handler, reason=RefusalReason.OTHER)  # "other" needs its explanation
    case = services.refuse(apply(), user=handler, reason=RefusalReason.NOT_INACCURATE)
    paragraphs = notices.compose(case).paragraphs
    assert any("决定不予更正" in p and "记录准确" in p for p in paragraphs)
    remedy = next(p for p in paragraphs if "行政复议" in p)
    assert "60日内向演示县人民政府申请行政复议，或者在6个月内" in remedy and "复议决定" not in remedy


def test_article_41_transfer_to_the_competent_agency_on_the_platform(apply, handler, region, make_staff):
    """第四十一条: 不属于本行政机关职能范围的，可以转送有权更正的行政机关处理并告知申请人 — the other agency gets a
    case of its own with the evidence, received the day of the transfer; the applicant keeps the 查询码."""
    original = apply(files=[("户口簿.txt", "户主：马文静".encode())])
    case = services.transfer(original, user=handler, to_agency=region["health"], note="该记录由卫生健康局登记")
    successor = case.transferred_to
    assert case.decision == Decision.TRANSFERRED and case.competent_agency_name == "演示县卫生健康局"
    assert successor.agency == region["health"] and successor.is_open and successor.lookup_code == case.lookup_code
    assert successor.received_on == TODAY and successor.evidence_files.count() == 1
    assert any(successor.number in p for p in notices.compose(case).paragraphs)
    with pytest.raises(PermissionDenied):  # the sender cannot decide for the agency it transferred to
        services.correct(successor, user=handler, correction_made="x")
    health = make_staff("health-handler", ("request_handler", region["health"]))
    assert services.correct(successor, user=health, correction_made="已更正").decision == Decision.CORRECTED


def test_article_41_referral_names_the_competent_agency(apply, handler):
    """第四十一条: …或者告知申请人向有权更正的行政机关提出."""
    with pytest.raises(ValidationError):
        services.refer(apply(), user=handler, competent_agency_name=" ")
    case = services.refer(apply(), user=handler, competent_agency_name="吴忠市公安局")
    assert any("请您向吴忠市公安局提出更正申请" in p for p in notices.compose(case).paragraphs)


def test_a_decided_request_takes_no_second_decision(apply, handler):
    case = services.correct(apply(), user=handler, correction_made="已更正")
    with pytest.raises(ValidationError, match="已于"):
        services.refuse(case, user=handler, reason=RefusalReason.NO_EVIDENCE)
    assert RecordRectificationRequest.objects.get(pk=case.pk).decision == Decision.CORRECTED


def test_staff_of_another_agency_see_nothing(apply, make_staff, region, client):
    case = apply()
    client.force_login(make_staff("other-handler", ("request_handler", region["other_edu"])))
    assert client.get(reverse("rectifications:detail", args=[case.pk])).status_code == 404
    assert case.number not in client.get(reverse("rectifications:index") + "?view=all").content.decode()


def test_the_audit_trail_never_holds_the_applicant(apply, handler):
    services.correct(apply(), user=handler, correction_made="已更正")
    for entry in AuditEntry.objects.filter(action__startswith="rectifications."):
        assert "马文静" not in f"{entry.before}{entry.after}{entry.note}{entry.object_repr}"
        assert "13995123456" not in f"{entry.before}{entry.after}{entry.note}"


def test_statistics_count_decisions_and_lateness(apply, handler):
    services.correct(apply(), user=handler, correction_made="已更正")
    services.refuse(apply(), user=handler, reason=RefusalReason.NO_EVIDENCE)
    apply(received_on=date(2026, 1, 5))
    stats = statistics.compute(RecordRectificationRequest.objects.all(), 2026, TODAY)
    assert (stats.received, stats.decided, stats.decided_on_time, stats.open, stats.overdue) == (3, 2, 2, 1, 1)
    assert stats.by_decision["予以更正"] == 1 and stats.by_decision["不予更正"] == 1


def _human():
    question, token, answer = issue_challenge()
    return {"challenge": token, "answer": str(answer)}


def _public_post(client, region, **overrides):
    data = {"agency": region["edu"].pk, "applicant_type": "natural_person", "name": "马文静", "phone": "13995123456",
            "record_description": "2025年资助名单中本人的出生日期", "inaccuracy": "应为1990年5月1日",
            "evidence": "户口簿", **_human(), **overrides}
    return client.post(reverse("rectifications_public:apply"), data)


def test_public_form_receipt_lookup_and_notice_download(client, region, handler):
    response = _public_post(client, region)
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    case = RecordRectificationRequest.objects.get()
    assert case.number in receipt and case.lookup_code in receipt and case.channel == "online"
    status = client.post(reverse("rectifications_public:status"),
                         {"number": case.number, "lookup_code": case.lookup_code}).content.decode()
    assert "办理中" in status and "马文静" not in status and "13995123456" not in status
    services.correct(case, user=handler, correction_made="出生日期已更正")
    status = client.post(reverse("rectifications_public:status"),
                         {"number": case.number.lower(), "lookup_code": case.lookup_code}).content.decode()
    assert "政府信息更正告知书" in status and "出生日期已更正" in status
    pdf = client.post(reverse("rectifications_public:notice_pdf"),
                      {"number": case.number, "lookup_code": case.lookup_code})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "private" in pdf["Cache-Control"] and "no-store" in pdf["Cache-Control"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "更正告知书" in re.sub(r"\s", "", text)


def test_wrong_code_finds_nothing_and_the_pdf_needs_the_code(client, apply, handler):
    case = services.correct(apply(), user=handler, correction_made="已更正")
    for url in ("rectifications_public:status", "rectifications_public:notice_pdf"):
        response = client.post(reverse(url), {"number": case.number, "lookup_code": "ZZZZZZZZ"})
        assert response.status_code == 404 and "查询码不正确" in response.content.decode()


def test_evidence_files_are_checked_by_content(client, region):
    exe = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = _public_post(client, region, files=[exe])
    assert response.status_code == 400 and not RecordRectificationRequest.objects.exists()


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(name=st.text(max_size=120), record=st.text(max_size=2100), inaccuracy=st.text(max_size=50),
       evidence=st.text(max_size=50), phone=st.one_of(st.just(""), st.text(max_size=25)))
def test_public_form_never_fails_and_stores_only_valid_requests(client, region, name, record, inaccuracy, evidence,
                                                               phone):
    cache.clear()  # the per-address limits would refuse later examples
    before = RecordRectificationRequest.objects.count()
    response = _public_post(client, region, name=name, record_description=record, inaccuracy=inaccuracy,
                            evidence=evidence, phone=phone)
    assert response.status_code in (302, 400)
    stored = RecordRectificationRequest.objects.count() - before
    assert stored == (1 if response.status_code == 302 else 0)
    if stored:
        case = RecordRectificationRequest.objects.latest("id")
        assert case.applicant_name == name.strip() and case.record_description == record.strip()
        assert case.evidence.strip() or case.evidence_files.exists()


def test_workbench_decides_and_offers_the_notice(client, apply, handler):
    case = apply()
    client.force_login(handler)
    page = client.get(reverse("rectifications:detail", args=[case.pk])).content.decode()
    assert "予以更正" in page and "马文静" in page  # the handler sees the applicant
    bad = client.post(reverse("rectifications:refuse", args=[case.pk]), {"reason": "", "on": "2026-03-16"})
    assert bad.status_code == 200 and "不予更正的理由" in bad.content.decode()
    response = client.post(reverse("rectifications:refuse", args=[case.pk]),
                           {"reason": "no_evidence", "note": "", "on": "2026-03-16"}, follow=True)
    assert "已办结：不予更正" in response.content.decode()
    assert RecordRectificationRequest.objects.get(pk=case.pk).decision == Decision.REFUSED
    pdf = client.get(reverse("rectifications:notice_pdf", args=[case.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
