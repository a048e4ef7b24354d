from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEntry
from demo.generator import DEMO_PASSWORD, DemoError, build_region, demo_logins, expected_agency_count
from orgs.credit_code import check_credit_code
from orgs.models import Agency, AgencyKind, AgencyLevel, AgencySuccession, Role, RoleAssignment
from orgs.scoping import Capability, has_capability
from orgs.services import reporting_agency
from portal.models import Site


def assert_valid_tree():
    agencies = {a.pk: a for a in Agency.objects.all()}
    for a in agencies.values():
        parent = agencies.get(a.parent_id)
        assert a.path == f"{parent.path if parent else '/'}{a.pk}/"
        assert a.depth == (parent.depth + 1 if parent else 0)
        assert a.ancestor_ids() == (parent.ancestor_ids() + [parent.pk] if parent else [])
        assert check_credit_code(a.credit_code) is None
        a.full_clean(exclude=["path", "depth"])  # every field validator, uniqueness included


def canonical_dump() -> list[tuple]:
    """Everything the generator decides, with ids replaced by codes (ids differ between databases)."""
    code_of = dict(Agency.objects.values_list("id", "code"))
    dump = sorted(
        (a.code, a.name, a.short_name, a.kind, a.level, code_of.get(a.parent_id), code_of.get(a.supervisor_id),
         a.credit_code, a.division_code, a.address, a.postcode, a.phone, a.fax, a.disclosure_office_name,
         a.sort_order, a.established_on, a.dissolved_on, a.depth)
        for a in Agency.objects.all())
    users = list(get_user_model().objects.order_by("username").values_list("username", "last_name", "first_name"))
    roles = sorted(RoleAssignment.objects.values_list("user__username", "role", "agency__code"),
                   key=lambda r: (r[0], r[1], r[2] or ""))
    site = list(Site.objects.values_list("name", "site_id_code", "icp_number", "police_record_number"))
    return dump + users + roles + site


def test_county_profile_builds_the_yanchi_region(db):
    summary = build_region("county", documents=0)
    assert summary.agency_count == Agency.objects.count() == 37
    root = summary.root
    assert (root.code, root.name, root.parent_id) == ("yanchi", "盐池县人民政府", None)
    today = date(2026, 1, 1)
    children = Agency.objects.filter(parent=root).active_on(today)
    kinds = Counter((a.kind, a.level) for a in children)
    # 1 办公室 + 22 departments, 2 事业单位, 8 乡镇, 1 街道 under the 县人民政府 (the root).
    assert kinds == {(AgencyKind.DEPARTMENT, AgencyLevel.COUNTY): 23,
                     (AgencyKind.PUBLIC_INSTITUTION, AgencyLevel.COUNTY): 2,
                     (AgencyKind.GOVERNMENT, AgencyLevel.TOWNSHIP): 8,
                     (AgencyKind.DISPATCHED_UNIT, AgencyLevel.TOWNSHIP): 1}
    assert Agency.objects.filter(dissolved_on__isnull=False).count() == 2
    assert_valid_tree()
    office = Agency.objects.get(code="yc-bgs")
    assert office.name == "盐池县人民政府办公室" and "政务公开办公室" in office.disclosure_office_name
    assert Agency.objects.exclude(pk=office.pk).exclude(supervisor=office).count() == 0
    assert set(Agency.objects.values_list("postcode", flat=True)) == {"751500"}
    assert Agency.objects.filter(index_prefix="").count() == 37
    town = Agency.objects.get(code="yc-hmc")
    assert town.office_hours == "工作日 上午8:30—12:00，下午14:30—18:00"
    # Through the services: one creation entry per agency, labelled as the demo generator.
    creations = AuditEntry.objects.filter(action="orgs.agency.create")
    assert creations.count() == 37
    assert set(AuditEntry.objects.values_list("actor_label", flat=True)) == {"演示数据生成"}


def test_county_reorganisation_rolls_up_to_the_new_bureau(db):
    build_region("county", documents=0)
    successor = Agency.objects.get(code="yc-zrzyj")
    old_land = Agency.objects.get(code="yc-gtzyj")
    assert old_land.dissolved_on == date(2019, 3, 1) and successor.established_on == date(2019, 3, 1)
    assert set(AgencySuccession.objects.values_list("predecessor__code", "successor__code")) == {
        ("yc-gtzyj", "yc-zrzyj"), ("yc-lyj", "yc-zrzyj")}
    assert reporting_agency(old_land, date(2019, 6, 1)) == successor
    assert reporting_agency(old_land, date(2018, 12, 31)) == old_land
    assert AuditEntry.objects.filter(action="orgs.agency.reorganise").count() == 1


def test_same_seed_gives_the_same_region_in_a_fresh_database(db):
    dumps = []
    for _ in range(2):
        with transaction.atomic():
            build_region("county", seed=11, documents=0)
            dumps.append(canonical_dump())
            transaction.set_rollback(True)  # back to an empty database for the next build
    assert Agency.objects.count() == 0
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) == 37 + 12 + 12 + 1


def test_portal_site(db):
    summary = build_region("county", documents=0)
    site = Site.objects.get()
    assert site == summary.site and site.is_portal and site.agency == summary.root
    assert site.name == "盐池县人民政府门户网站"
    assert site.site_id_code_looks_valid
    assert site.icp_number.startswith("宁ICP备") and site.police_record_number.startswith("宁公网安备 640323")


def test_users_hold_their_roles_and_log_in_with_the_demo_password(db, client):
    summary = build_region("county", documents=0)
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == set(summary.usernames) == {
        "admin", "gkb-head", "gkb-staff", "jyj-editor", "jyj-reviewer", "jyj-handler",
        "wjj-editor", "wjj-reviewer", "wjj-handler", "hmc-editor", "hmc-reviewer", "hmc-handler"}
    held = {(a.user.username, a.role, a.agency.code if a.agency else None)
            for a in RoleAssignment.objects.select_related("user", "agency")}
    assert held == {
        ("admin", Role.PLATFORM_ADMIN, None),
        ("gkb-head", Role.OFFICE_HEAD, "yanchi"), ("gkb-staff", Role.OFFICE_STAFF, "yanchi"),
        ("jyj-editor", Role.EDITOR, "yc-jyj"), ("jyj-reviewer", Role.REVIEWER, "yc-jyj"),
        ("jyj-handler", Role.REQUEST_HANDLER, "yc-jyj"),
        ("wjj-editor", Role.EDITOR, "yc-wjj"), ("wjj-reviewer", Role.REVIEWER, "yc-wjj"),
        ("wjj-handler", Role.REQUEST_HANDLER, "yc-wjj"),
        ("hmc-editor", Role.EDITOR, "yc-hmc"), ("hmc-reviewer", Role.REVIEWER, "yc-hmc"),
        ("hmc-handler", Role.REQUEST_HANDLER, "yc-hmc"),
    }
    admin = users["admin"]
    assert admin.is_superuser and admin.is_staff
    assert not any(u.is_staff for name, u in users.items() if name != "admin")
    for user in users.values():
        assert len(user.last_name) == 1 and 1 <= len(user.first_name) <= 2  # 姓 + 名, in Chinese
    validate_password(DEMO_PASSWORD, users["gkb-head"])
    assert has_capability(users["gkb-head"], Capability.ORGS_MANAGE)
    # Through the login form: client.login() bypasses the request that django-axes requires.
    wrong = client.post(reverse("workbench:login"), {"username": "jyj-editor", "password": "wrong-password-1"})
    assert wrong.status_code == 200
    response = client.post(reverse("workbench:login"), {"username": "jyj-editor", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("workbench:home")
    page = client.get(reverse("workbench:home")).content.decode()
    assert users["jyj-editor"].get_full_name() in page and "盐池县教育体育局" in page


def test_demo_logins_lists_every_demo_user_and_notices_a_changed_password(db):
    build_region("county", documents=0)
    logins = {x.username: x for x in demo_logins()}
    assert len(logins) == 12
    assert logins["gkb-head"].roles == "公开办负责人" and logins["gkb-head"].agencies == "盐池县人民政府"
    assert logins["admin"].agencies == "全平台"
    assert {x.password for x in logins.values()} == {DEMO_PASSWORD}
    user = get_user_model().objects.get(username="jyj-editor")
    user.set_password("Another-secret-42")
    user.save()
    assert {x.username: x for x in demo_logins()}["jyj-editor"].password == "（已修改）"


def test_refuses_a_database_that_already_has_agencies(region):
    with pytest.raises(DemoError):
        build_region("county")


def test_province_profile_is_bulk_created_with_a_valid_tree(db):
    seen = []
    summary = build_region("province", 0.1, progress=lambda done, total: seen.append((done, total)))
    assert summary.agency_count == Agency.objects.count() == expected_agency_count("province", 0.1) == 306
    assert seen[-1] == (306, 306)
    assert_valid_tree()
    governments = Counter(Agency.objects.filter(kind=AgencyKind.GOVERNMENT).values_list("level", flat=True))
    assert governments == {AgencyLevel.PROVINCE: 1, AgencyLevel.PREFECTURE: 1, AgencyLevel.COUNTY: 6,
                           AgencyLevel.TOWNSHIP: 48}
    county = Agency.objects.filter(kind=AgencyKind.GOVERNMENT, level=AgencyLevel.COUNTY).first()
    assert Agency.objects.subtree_of(county).count() == 35
    office = Agency.objects.get(parent=county, name=f"{county.name}办公室")
    assert county.supervisor == office
    assert Agency.objects.filter(parent=county, supervisor=office).count() == 33  # all but the office itself
    # ONE audit entry for the bulk creation, none per agency.
    assert AuditEntry.objects.filter(action="demo.region.generate").count() == 1
    assert not AuditEntry.objects.filter(action="orgs.agency.create").exists()
    assert AgencySuccession.objects.filter(successor__code="390000-zrzyt").count() == 2
    assert Site.objects.get().agency == summary.root
    town_editor = RoleAssignment.objects.get(user__username="xz-editor")
    assert town_editor.agency.level == AgencyLevel.TOWNSHIP
    assert {x.username for x in demo_logins()} == set(summary.usernames)


def test_city_profile(db):
    summary = build_region("city", 1 / 3)  # 2 counties
    assert summary.agency_count == Agency.objects.count() == 44 + 2 * 35
    assert summary.root.level == AgencyLevel.PREFECTURE and summary.root.name.endswith("市人民政府")
    assert_valid_tree()
