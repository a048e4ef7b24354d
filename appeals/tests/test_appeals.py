"""行政复议 / 行政诉讼 records (条例 第五十一条, 表四): the service rules and the workbench pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, AppealKind, AppealResult
from audit.models import AuditEntry
from disclosure_requests import services as request_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(region, make_staff):
    return {"handler": make_staff("edu-handler", ("request_handler", region["edu"])),
            "head": make_staff("head", ("office_head", region["county"])),
            "other": make_staff("other", ("office_head", region["other"])),
            "editor": make_staff("editor", ("editor", region["edu"]))}


@pytest.fixture
def case(region, staff):
    applicant = request_services.ApplicantData(applicant_type="natural_person", name="马文静", id_type="passport",
                                               id_number="E12345678", phone="13995123456")
    return request_services.register(agency=region["edu"], user=staff["handler"], channel="in_person",
                                     applicant=applicant, description="2024年学生资助资金分配文件",
                                     requested_form="electronic", delivery_method="email",
                                     submitted_on=date(2024, 9, 25))


def review(region, user=None, **fields):
    data = {"agency": region["edu"], "user": user, "kind": AppealKind.ADMIN_REVIEW, "subject": "不服政府信息公开答复",
            "body": "演示县人民政府", "filed_on": date(2024, 11, 20)}
    data.update(fields)
    return services.create_appeal(**data)


# --- Services --------------------------------------------------------------------------------------------


def test_a_review_about_a_request_of_the_same_agency_is_audited(region, staff, case):
    appeal = review(region, staff["handler"], request=case, case_number="演府复〔2024〕12号")
    assert appeal.result == AppealResult.PENDING and appeal.request == case
    entry = AuditEntry.objects.get(action="appeals.create")
    assert entry.agency == region["edu"] and entry.after["case_number"] == "演府复〔2024〕12号"


def test_the_request_must_belong_to_the_respondent(region, staff, case):
    with pytest.raises(ValidationError) as error:
        review(region, staff["head"], agency=region["health"], request=case)
    assert "request" in error.value.error_dict
    with pytest.raises(ValidationError, match="不能早于"):
        review(region, staff["handler"], request=case, filed_on=date(2024, 9, 1))


def test_a_document_appeal_needs_the_agency_document(region, staff):
    from catalog import services as catalog_services
    from catalog.models import Genre

    document = catalog_services.create_draft(publisher=region["health"], title="卫生文件", summary="",
                                             genre=Genre.objects.get(code="notice")).document
    with pytest.raises(ValidationError, match="不是演示县教育局发布的政府信息"):
        review(region, document=document)
    assert review(region, agency=region["health"], document=document).document == document


def test_a_suit_after_review_links_a_review_of_the_same_agency(region, staff, case):
    prior = review(region, staff["handler"], request=case)
    suit = {"kind": AppealKind.LAWSUIT_AFTER_REVIEW, "body": "演示县人民法院", "filed_on": date(2024, 12, 20)}
    with pytest.raises(ValidationError, match="须关联此前的行政复议"):
        review(region, staff["handler"], **suit)
    direct = review(region, staff["handler"], kind=AppealKind.LAWSUIT_DIRECT, body="演示县人民法院")
    with pytest.raises(ValidationError, match="须为行政复议"):
        review(region, staff["handler"], prior_review=direct, **suit)
    foreign = review(region, staff["head"], agency=region["health"])
    with pytest.raises(ValidationError, match="同一机关"):
        review(region, staff["handler"], prior_review=foreign, **suit)
    with pytest.raises(ValidationError, match="只有“复议后起诉”"):
        review(region, staff["handler"], prior_review=prior, kind=AppealKind.LAWSUIT_DIRECT)
    lawsuit = review(region, staff["handler"], prior_review=prior, **suit)
    assert lawsuit.request == case  # concerns what the review concerned
    assert list(prior.lawsuits.all()) == [lawsuit]


def test_decide_needs_a_date_and_can_be_corrected(region, staff):
    appeal = review(region, staff["handler"])
    with pytest.raises(ValidationError, match="请填写决定或判决日期"):
        services.decide_appeal(appeal, user=staff["handler"], result=AppealResult.UPHELD)
    with pytest.raises(ValidationError, match="不能早于"):
        services.decide_appeal(appeal, user=staff["handler"], result=AppealResult.UPHELD, decided_on=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="晚于今天"):
        services.decide_appeal(appeal, user=staff["handler"], result=AppealResult.UPHELD,
                               decided_on=timezone.localdate() + timedelta(days=1))
    services.decide_appeal(appeal, user=staff["handler"], result=AppealResult.UPHELD, decided_on=date(2025, 1, 10))
    corrected = services.decide_appeal(appeal, user=staff["handler"], result=AppealResult.CORRECTED,
                                       decided_on=date(2025, 1, 10), decision_summary="责令重新答复")
    assert corrected.result == AppealResult.CORRECTED
    entries = AuditEntry.objects.filter(action="appeals.decide").order_by("id")
    assert [e.before["result"] for e in entries] == ["pending", "upheld"]
    with pytest.raises(ValidationError, match="尚未审结"):
        services.decide_appeal(appeal, user=staff["handler"], result=AppealResult.PENDING, decided_on=date(2025, 1, 10))


def test_other_counties_and_editors_cannot_write(region, staff):
    with pytest.raises(PermissionDenied):
        review(region, staff["other"])
    with pytest.raises(PermissionDenied):
        review(region, staff["editor"])
    appeal = review(region)
    with pytest.raises(PermissionDenied):
        services.decide_appeal(appeal, user=staff["other"], result=AppealResult.UPHELD, decided_on=date(2025, 1, 1))


# --- Pages -------------------------------------------------------------------------------------------------


def test_list_is_scoped_and_filtered(client, region, staff):
    mine = review(region, subject="本县的复议")
    review(region, agency=region["other_edu"], subject="邻县的复议")
    review(region, subject="本县的诉讼", kind=AppealKind.LAWSUIT_DIRECT, body="演示县人民法院")
    client.force_login(staff["handler"])
    text = client.get(reverse("appeals:index")).content.decode()
    assert "本县的复议" in text and "本县的诉讼" in text and "邻县的复议" not in text
    text = client.get(reverse("appeals:index"), {"kind": "review"}).content.decode()
    assert "本县的复议" in text and "本县的诉讼" not in text
    assert client.get(reverse("appeals:detail", kwargs={"pk": mine.pk})).status_code == 200
    client.force_login(staff["other"])
    assert client.get(reverse("appeals:detail", kwargs={"pk": mine.pk})).status_code == 404
    client.force_login(staff["editor"])
    assert client.get(reverse("appeals:index")).status_code == 403


def test_create_from_a_case_page(client, region, staff, case):
    client.force_login(staff["handler"])
    form = client.get(reverse("appeals:create"), {"request": case.pk}).content.decode()
    assert f'value="{case.tracking_number}"' in form
    data = {"agency": region["edu"].pk, "kind": "review", "request_number": case.tracking_number.lower(),
            "document_index": "", "prior_review": "", "subject": "不服答复", "body": "演示县人民政府",
            "case_number": "", "filed_on": "2024-11-20"}
    response = client.post(reverse("appeals:create"), {**data, "request_number": "EDU-2024-9999"})
    assert "未找到该受理编号" in response.content.decode() and not Appeal.objects.exists()
    response = client.post(reverse("appeals:create"), {**data, "kind": "suit_after_review"})
    assert "须关联此前的行政复议" in response.content.decode() and not Appeal.objects.exists()
    response = client.post(reverse("appeals:create"), data)
    appeal = Appeal.objects.get()
    assert response["Location"] == reverse("appeals:detail", kwargs={"pk": appeal.pk}) and appeal.request == case
    assert reverse("appeals:detail", kwargs={"pk": appeal.pk}) in client.get(
        reverse("disclosure_requests:detail", kwargs={"pk": case.pk})).content.decode()


def test_decide_through_the_page(client, region, staff):
    appeal = review(region)
    client.force_login(staff["handler"])
    decide = reverse("appeals:decide", kwargs={"pk": appeal.pk})
    response = client.post(decide, {"result": "corrected", "decided_on": "", "decision_summary": ""})
    assert response.status_code == 200 and "请填写决定或判决日期" in response.content.decode()
    response = client.post(decide, {"result": "corrected", "decided_on": "2025-01-10", "decision_summary": "责令重新答复",
                                    "case_number": "演府复〔2024〕12号"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.result == "corrected" and appeal.decided_on == date(2025, 1, 10)
    assert appeal.case_number == "演府复〔2024〕12号"
    client.force_login(staff["other"])
    assert client.post(decide, {"result": "upheld", "decided_on": "2025-01-10"}).status_code == 404
