"""Agencies, reorganisation (机构改革) and roles change only through orgs.services, which audits them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from orgs.models import Agency, AgencyKind, AgencyLevel, AgencySuccession, Role, SuccessionKind
from orgs.services import (
    create_agency,
    grant_role,
    reorganise,
    reporting_agency,
    reporting_agency_id,
    revoke_role,
    update_agency,
)

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(region):
    county, edu = region["county"], region["edu"]
    assert county.path == f"/{county.pk}/" and county.depth == 0
    assert edu.path == f"/{county.pk}/{edu.pk}/" and edu.depth == 1
    assert set(Agency.objects.subtree_of(county)) == {county, region["office"], edu, region["health"], region["town"]}


def test_moving_an_agency_rewrites_its_subtree(region):
    school = create_agency(code="school", name="演示县第一中学", kind=AgencyKind.PUBLIC_INSTITUTION,
                           level=AgencyLevel.COUNTY, parent=region["edu"])
    update_agency(region["edu"], parent=region["town"])
    school.refresh_from_db()
    town = region["town"]
    assert school.path == f"{town.path}{region['edu'].pk}/{school.pk}/"
    assert school.depth == 3


def test_an_agency_cannot_move_below_its_own_descendant(region):
    with pytest.raises(ValidationError):
        update_agency(region["county"], parent=region["edu"])
    region["county"].refresh_from_db()
    assert region["county"].parent is None


def test_invalid_credit_code_changes_nothing(region):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        create_agency(code="bad", name="坏代码局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY,
                      parent=region["county"], credit_code="91350100M000100Y40")
    assert not Agency.objects.filter(code="bad").exists()
    assert AuditEntry.objects.count() == before


def test_changes_are_audited_with_before_and_after(region):
    update_agency(region["edu"], phone="0953-6012345")
    entry = AuditEntry.objects.filter(action="orgs.agency.update").latest("id")
    # An agency's phone is public (政府信息公开指南), so the trail shows the change, unlike a person's.
    assert (entry.before["phone"], entry.after["phone"]) == ("", "0953-6012345")
    assert entry.object_id == str(region["edu"].pk)
    assert entry.agency_path == region["edu"].path


def test_index_prefix_defaults_to_the_org_code(region, settings):
    edu = region["edu"]
    assert edu.effective_index_prefix == edu.credit_code[8:17]
    settings.GONGKAI_INDEX_PREFIX_SOURCE = "credit_code"
    assert edu.effective_index_prefix == edu.credit_code
    edu.index_prefix = "640323-JYJ"
    assert edu.effective_index_prefix == "640323-JYJ"


def test_merge_keeps_history_and_rolls_up_to_the_successor(region):
    """机构改革: 教育局 and 卫生健康局 merge into a new 社会事业局 on 2024-03-01. What happened before that date
    stays theirs; from that date their matters are counted under the successor."""
    new = create_agency(code="social", name="演示县社会事业局", kind=AgencyKind.DEPARTMENT,
                        level=AgencyLevel.COUNTY, parent=region["county"])
    school = create_agency(code="school", name="演示县第一中学", kind=AgencyKind.PUBLIC_INSTITUTION,
                           level=AgencyLevel.COUNTY, parent=region["edu"])
    reorganise(SuccessionKind.MERGE, [region["edu"], region["health"]], [new], date(2024, 3, 1), note="县委发〔2024〕1号")
    edu = Agency.objects.get(pk=region["edu"].pk)
    assert edu.dissolved_on == date(2024, 3, 1)
    assert not edu.is_active_on(date(2024, 3, 1)) and edu.is_active_on(date(2024, 2, 29))
    assert Agency.objects.get(pk=school.pk).parent_id == new.pk  # children move to the successor
    assert reporting_agency_id(edu.pk, date(2024, 2, 29)) == edu.pk
    assert reporting_agency_id(edu.pk, date(2024, 3, 1)) == new.pk
    assert reporting_agency(region["health"], date(2025, 1, 1)) == new
    assert AgencySuccession.objects.filter(successor=new).count() == 2


def test_split_needs_a_primary_successor_and_chains_are_followed(region):
    a = create_agency(code="a", name="甲局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY, parent=region["county"])
    b = create_agency(code="b", name="乙局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY, parent=region["county"])
    with pytest.raises(ValidationError):
        reorganise(SuccessionKind.SPLIT, [region["edu"]], [a, b], date(2020, 1, 1))
    reorganise(SuccessionKind.SPLIT, [region["edu"]], [a, b], date(2020, 1, 1), primary_successor=b)
    c = create_agency(code="c", name="丙局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY, parent=region["county"])
    reorganise(SuccessionKind.RENAME, [b], [c], date(2022, 6, 1))
    assert reporting_agency_id(region["edu"].pk, date(2021, 1, 1)) == b.pk
    assert reporting_agency_id(region["edu"].pk, date(2023, 1, 1)) == c.pk
    with pytest.raises(ValidationError):  # a dissolved agency cannot be reorganised again
        reorganise(SuccessionKind.RENAME, [b], [a], date(2023, 1, 1))


def test_roles_are_granted_once_and_revocation_is_audited(region, make_staff):
    user = make_staff("zhang")
    first = grant_role(user, Role.EDITOR, region["edu"])
    again = grant_role(user, Role.EDITOR, region["edu"])
    assert first.pk == again.pk
    revoke_role(first)
    assert not user.role_assignments.exists()
    actions = list(AuditEntry.objects.filter(object_type="orgs.roleassignment").values_list("action", flat=True))
    assert sorted(actions) == ["orgs.role.grant", "orgs.role.revoke"]
    with pytest.raises(ValidationError):
        grant_role(user, Role.EDITOR, None)
