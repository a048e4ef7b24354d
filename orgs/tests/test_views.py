"""Workbench pages for agencies and roles, driven as a 公开办负责人 would."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from orgs.credit_code import make_credit_code
from orgs.models import Agency, AgencySuccession, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(client, region, make_staff):
    user = make_staff("head", ("office_head", region["county"]))
    client.force_login(user)
    return user


def agency_form(region, **overrides):
    data = {"code": "stats", "name": "演示县统计局", "kind": "department", "level": "county",
            "parent": region["county"].pk, "sort_order": 0}
    data.update(overrides)
    return data


def test_create_refuses_a_wrong_check_character_and_writes_nothing(client, region, head):
    good = make_credit_code("11", "640323", "01000099")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = AuditEntry.objects.count()
    response = client.post(reverse("orgs:create"), agency_form(region, credit_code=bad))
    assert response.status_code == 200
    assert f"第18位应为“{good[17]}”" in response.content.decode()
    assert not Agency.objects.filter(code="stats").exists() and AuditEntry.objects.count() == before
    response = client.post(reverse("orgs:create"), agency_form(region, credit_code=good))
    agency = Agency.objects.get(code="stats")
    assert response["Location"] == reverse("orgs:detail", kwargs={"pk": agency.pk})
    assert agency.parent == region["county"] and agency.path.startswith(region["county"].path)
    assert AuditEntry.objects.filter(action="orgs.agency.create", object_id=str(agency.pk)).exists()


def test_office_head_cannot_create_outside_the_subtree(client, region, head):
    response = client.post(reverse("orgs:create"), agency_form(region, parent=region["other"].pk))
    assert response.status_code == 200 and not Agency.objects.filter(code="stats").exists()
    # A new region (no parent) is for platform admins only.
    client.post(reverse("orgs:create"), agency_form(region, parent=""))
    assert not Agency.objects.filter(code="stats").exists()


def test_edit_changes_the_contact_block(client, region, head):
    data = agency_form(region, code="edu", name="演示县教育局", parent=region["county"].pk,
                       credit_code=region["edu"].credit_code, phone="0953-6012345", postcode="751500")
    response = client.post(reverse("orgs:update", kwargs={"pk": region["edu"].pk}), data)
    assert response.status_code == 302
    region["edu"].refresh_from_db()
    assert region["edu"].phone == "0953-6012345"
    bad = dict(data, postcode="7515")
    response = client.post(reverse("orgs:update", kwargs={"pk": region["edu"].pk}), bad)
    assert "邮政编码应为6位数字" in response.content.decode()


def test_reorganise_through_the_form(client, region, head):
    url = reverse("orgs:reorganise", kwargs={"pk": region["health"].pk})
    response = client.post(url, {"kind": "merge", "successors": [region["edu"].pk], "effective_on": "2024-03-01",
                                 "note": "机构改革方案"})
    assert response.status_code == 302
    assert AgencySuccession.objects.filter(predecessor=region["health"], successor=region["edu"]).exists()
    # Two successors for a merge: refused with the reason.
    response = client.post(reverse("orgs:reorganise", kwargs={"pk": region["town"].pk}),
                           {"kind": "merge", "successors": [region["edu"].pk, region["office"].pk],
                            "effective_on": "2024-03-01"})
    assert "合并只能有一个继任机构" in response.content.decode()


def test_grant_and_revoke_roles(client, region, head, make_staff):
    make_staff("newbie")
    url = reverse("orgs:roles", kwargs={"pk": region["edu"].pk})
    assert client.post(url, {"username": "newbie", "role": "platform_admin"}).status_code == 200  # not offered
    assert not RoleAssignment.objects.filter(user__username="newbie").exists()
    assert client.post(url, {"username": "nobody", "role": "editor"}).status_code == 200
    client.post(url, {"username": "newbie", "role": "editor"})
    assignment = RoleAssignment.objects.get(user__username="newbie")
    assert assignment.agency == region["edu"] and assignment.granted_by == head
    client.post(reverse("orgs:revoke_role", kwargs={"pk": assignment.pk}))
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_import_page_dry_run_then_commit(client, region, head):
    csv = ("机构编码,机构全称,机构类别,层级,上级机关编码\n"
           "stats,演示县统计局,政府部门,县级,county\n").encode()
    url = reverse("orgs:import")
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", csv), "scope_root": region["county"].pk,
                                 "dry_run": "on"})
    assert "检查通过" in response.content.decode() and not Agency.objects.filter(code="stats").exists()
    client.post(url, {"file": SimpleUploadedFile("a.csv", csv), "scope_root": region["county"].pk})
    assert Agency.objects.get(code="stats").parent == region["county"]
    outside = ("机构编码,机构全称,机构类别,层级,上级机关编码\n"
               "x2,邻县统计局,政府部门,县级,other\n").encode()
    response = client.post(url, {"file": SimpleUploadedFile("b.csv", outside), "scope_root": region["county"].pk})
    assert "文件未写入任何数据" in response.content.decode() and not Agency.objects.filter(code="x2").exists()
