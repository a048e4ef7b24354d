"""依申请公开 reaches a 事业单位 only when it is a 法律、法规授权的具有管理公共事务职能的组织
(《中华人民共和国政府信息公开条例》第五十四条); other 公共企事业单位 disclose under 第五十五条."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disclosure_requests import services
from disclosure_requests.forms import RegisterForm, TransferForm, receiving_agencies
from disclosure_requests.models import DisclosureRequest
from orgs.models import Agency, AgencyKind, AgencyLevel
from orgs.services import create_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def institutions(region):
    school = create_agency(code="school", name="演示县第一中学", kind=AgencyKind.PUBLIC_INSTITUTION,
                           level=AgencyLevel.COUNTY, parent=region["edu"])
    fund = create_agency(code="fund", name="演示县住房公积金管理中心", kind=AgencyKind.PUBLIC_INSTITUTION,
                         level=AgencyLevel.COUNTY, parent=region["county"], authorised_by_law=True)
    return school, fund


def application(person, agency, **extra):
    return {"agency": agency, "applicant": person(), "description": "2025年住房公积金缴存情况",
            "requested_form": "electronic", "delivery_method": "email", **extra}


def test_unmarked_institution_refuses_every_intake(institutions, person, make_staff, region):
    """条例 第五十四条: only an organisation authorised by law is handled under the 条例; an unmarked 事业单位 is refused
    at the public form, at staff registration and as the target of a transfer, with the article named."""
    school, _fund = institutions
    staff = make_staff("school-handler", ("request_handler", school), ("request_handler", region["edu"]))
    with pytest.raises(ValidationError, match="第五十四条"):
        services.submit_online(**application(person, school))
    with pytest.raises(ValidationError, match="未标记为法律、法规授权的具有管理公共事务职能的组织"):
        services.register(**application(person, school), user=staff, channel="in_person",
                          submitted_on=date(2026, 9, 1))
    case = services.register(**application(person, region["edu"]), user=staff, channel="in_person",
                             submitted_on=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="第五十四条"):
        services.transfer(case, user=staff, to_agency=school, reason="由学校保存")
    assert DisclosureRequest.objects.filter(agency=school).count() == 0


def test_authorised_institution_receives_requests(institutions, person, make_staff):
    """条例 第五十四条: 法律、法规授权的具有管理公共事务职能的组织公开政府信息的活动，适用本条例."""
    _school, fund = institutions
    staff = make_staff("fund-handler", ("request_handler", fund))
    online = services.submit_online(**application(person, fund))
    registered = services.register(**application(person, fund, description="另一份申请"), user=staff,
                                   channel="in_person", submitted_on=date(2026, 9, 1))
    assert online.agency == fund and registered.agency == fund and registered.tracking_number


def test_choice_lists_leave_out_unmarked_institutions(institutions, region, client, person, make_staff):
    """条例 第五十四条: the public list of receiving agencies, the staff registration form and the transfer form offer
    an authorised 事业单位 and never an unmarked one."""
    school, fund = institutions
    assert fund in receiving_agencies() and school not in receiving_agencies()
    text = client.get(reverse("disclosure_public:index")).content.decode()
    assert "演示县住房公积金管理中心" in text and "演示县第一中学" not in text
    assert client.get(reverse("disclosure_public:apply", kwargs={"code": "school"})).status_code == 404
    assert client.get(reverse("disclosure_public:apply", kwargs={"code": "fund"})).status_code == 200

    form = RegisterForm(agencies=Agency.objects.filter(code__in=["school", "fund", "edu"]))
    assert set(form.fields["agency"].queryset.values_list("code", flat=True)) == {"fund", "edu"}
    staff = make_staff("edu-handler", ("request_handler", region["edu"]))
    case = services.register(**application(person, region["edu"]), user=staff, channel="in_person",
                             submitted_on=date(2026, 9, 1))
    codes = set(TransferForm(case=case).fields["to_agency"].queryset.values_list("code", flat=True))
    assert "fund" in codes and "school" not in codes and "edu" not in codes
