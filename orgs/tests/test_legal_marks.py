"""What the agency register records for the law: 法律、法规授权的事业单位 (条例 第五十四条) and who hears a 行政复议
against an agency (行政复议法 第二十四条、第二十七条) — kept in the model, the form, and the import/export."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from orgs.forms import AgencyForm
from orgs.models import Agency, AgencyKind, AgencyLevel, ReviewJurisdiction
from orgs.services import create_agency, update_agency
from orgs.transfer import HEADERS, export_agencies, import_agencies

pytestmark = pytest.mark.django_db


def institution(region, code="school", **extra):
    return create_agency(code=code, name="演示县第一中学", kind=AgencyKind.PUBLIC_INSTITUTION,
                         level=AgencyLevel.COUNTY, parent=region["edu"], **extra)


def test_only_authorised_institutions_receive_requests(region):
    """《中华人民共和国政府信息公开条例》第五十四条: 法律、法规授权的具有管理公共事务职能的组织公开政府信息的活动，
    适用本条例; other 公共企事业单位 fall under 第五十五条 and receive no 依申请公开."""
    school = institution(region)
    fund = institution(region, code="fund", authorised_by_law=True)
    assert not school.accepts_disclosure_requests and fund.accepts_disclosure_requests
    assert region["edu"].accepts_disclosure_requests and region["county"].accepts_disclosure_requests
    receiving = set(Agency.objects.accepting_requests().values_list("code", flat=True))
    assert "fund" in receiving and "edu" in receiving and "school" not in receiving
    with pytest.raises(ValidationError, match="第五十四条") as refused:
        school.require_accepts_disclosure_requests()
    assert "演示县第一中学" in refused.value.messages[0] and "第五十五条" in refused.value.messages[0]
    fund.require_accepts_disclosure_requests()  # no error


def test_the_mark_belongs_to_institutions_only(region):
    """条例 第五十四条 concerns organisations authorised by law; a 行政机关 receives applications in its own right."""
    with pytest.raises(ValidationError) as error:
        update_agency(region["edu"], authorised_by_law=True)
    assert "只有事业单位" in error.value.message_dict["authorised_by_law"][0]


def test_vertical_and_state_security_agencies_need_their_superior_department(region):
    """《中华人民共和国行政复议法》（2023年修订）第二十七条: 对海关、金融、外汇管理等实行垂直领导的行政机关、税务和
    国家安全机关的行政行为不服的，向上一级主管部门申请行政复议 — so the register must name that department."""
    with pytest.raises(ValidationError) as error:
        create_agency(code="tax", name="国家税务总局演示县税务局", kind=AgencyKind.DEPARTMENT,
                      level=AgencyLevel.COUNTY, parent=region["county"], review_jurisdiction=ReviewJurisdiction.VERTICAL)
    assert "第二十七条" in error.value.message_dict["superior_department"][0]
    tax = create_agency(code="tax", name="国家税务总局演示县税务局", kind=AgencyKind.DEPARTMENT,
                        level=AgencyLevel.COUNTY, parent=region["county"], review_jurisdiction=ReviewJurisdiction.VERTICAL,
                        superior_department="国家税务总局演示市税务局")
    assert tax.get_review_jurisdiction_display().startswith("实行垂直领导的行政机关")
    with pytest.raises(ValidationError) as error:
        update_agency(region["county"], review_jurisdiction=ReviewJurisdiction.STATE_SECURITY,
                      superior_department="演示市国家安全局")
    assert "review_jurisdiction" in error.value.message_dict


def test_superior_government_is_for_governments_below_province_level(region):
    """行政复议法 第二十四条第一款第（二）项: 对下一级人民政府 — the county's 上一级人民政府 hears its cases; 第二十四条
    第二款: a 省级人民政府 hears cases against itself, so it records no superior."""
    county = update_agency(region["county"], superior_government="演示市人民政府")
    assert county.superior_government == "演示市人民政府"
    with pytest.raises(ValidationError) as error:
        update_agency(region["edu"], superior_government="演示市人民政府")
    assert "只有人民政府" in error.value.message_dict["superior_government"][0]
    province = create_agency(code="prov", name="演示省人民政府", kind=AgencyKind.GOVERNMENT, level=AgencyLevel.PROVINCE)
    with pytest.raises(ValidationError) as error:
        update_agency(province, superior_government="国务院")
    assert "第二十四条第二款" in error.value.message_dict["superior_government"][0]


def test_the_agency_form_edits_the_marks(region):
    form = AgencyForm(instance=region["county"])
    for name in ("authorised_by_law", "review_jurisdiction", "superior_department", "superior_government"):
        assert name in form.fields


def test_import_and_export_carry_the_marks(region):
    """The marks of 第五十四条 (条例) and 第二十四条/第二十七条 (行政复议法) survive an export and a re-import."""
    institution(region, code="fund", authorised_by_law=True)
    update_agency(region["county"], superior_government="演示市人民政府")
    create_agency(code="tax", name="国家税务总局演示县税务局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY,
                  parent=region["county"], review_jurisdiction=ReviewJurisdiction.VERTICAL,
                  superior_department="国家税务总局演示市税务局")
    data = export_agencies(Agency.objects.all(), "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    at = {header: index for index, header in enumerate(rows[0])}
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["fund"][at["法律法规授权"]] == "是" and by_code["edu"][at["法律法规授权"]] == ""
    assert by_code["tax"][at["行政复议管辖"]] == ReviewJurisdiction.VERTICAL.label
    assert by_code["tax"][at["上一级主管部门"]] == "国家税务总局演示市税务局"
    assert by_code["county"][at["上一级人民政府"]] == "演示市人民政府"

    # Re-import with the marks changed: the school becomes authorised, the tax bureau a 国家安全机关 by value.
    changed = [list(r) for r in rows[1:] if r[0] in ("fund", "tax")]
    for r in changed:
        if r[0] == "fund":
            r[at["法律法规授权"]] = "否"
        else:
            r[at["行政复议管辖"]] = "state_security"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(changed)
    result = import_agencies(out.getvalue().encode("utf-8-sig"), "a.csv", dry_run=False)
    assert result.ok, result.errors
    assert Agency.objects.get(code="fund").authorised_by_law is False
    assert Agency.objects.get(code="tax").review_jurisdiction == ReviewJurisdiction.STATE_SECURITY

    # A bad cell and a department marked as authorised are reported by row and column, nothing written.
    bad = [list(r) for r in changed]
    bad[0][at["法律法规授权"]] = "也许"
    edu_row = list(by_code["edu"])
    edu_row[at["法律法规授权"]] = "是"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([*bad, edu_row])
    result = import_agencies(out.getvalue().encode("utf-8-sig"), "b.csv", dry_run=False)
    assert not result.ok
    messages = {(e.column, e.message) for e in result.errors}
    assert any(column == "法律法规授权" and "应为“是”或“否”" in message for column, message in messages)
    assert any(column == "法律法规授权" and "只有事业单位" in message for column, message in messages)
    assert Agency.objects.get(code="edu").authorised_by_law is False
