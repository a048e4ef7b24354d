"""The Django admin is no second writer (issue 14, the one-writer rule; gongkai/admin.py): case data is not
editable there, and the one admin that edits (portal.Site, configuration with no workbench page) goes
through a service that writes the audit trail."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEntry
from disclosure_requests import services as request_services
from disclosure_requests.models import DisclosureRequest
from disclosure_requests.services import ApplicantData
from gongkai.admin import ReadOnlyAdminMixin
from gongkai.tests.test_app_graph import PACKAGES
from portal.admin import SiteAdmin
from portal.models import DisclosureGuide, Site

# Admins that may write, each because its save_model/delete_model calls a service.
SERVICE_ADMINS = {"portal.Site": SiteAdmin}


def test_every_first_party_admin_is_read_only_or_calls_a_service():
    offenders = []
    for model, model_admin in admin.site._registry.items():
        if model.__module__.split(".")[0] not in PACKAGES:
            continue  # Django's and third-party apps' own admins (auth.Group, axes, tasks)
        label = model._meta.label
        if isinstance(model_admin, ReadOnlyAdminMixin):
            continue
        if SERVICE_ADMINS.get(label) is type(model_admin) and "save_model" in type(model_admin).__dict__:
            continue
        offenders.append(f"{label}: {type(model_admin).__name__}")
    assert not offenders, "admin edits bypass the services and the trail:\n" + "\n".join(offenders)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.cn", "Gongkai-test-1")


def test_a_change_post_for_a_case_is_refused(client, region, make_staff, superuser):
    handler = make_staff("handler", ("request_handler", region["edu"]))
    case = request_services.register(
        agency=region["edu"], user=handler, channel="in_person", description="某文件", requested_form="electronic",
        delivery_method="email", submitted_on=date(2024, 9, 25),
        applicant=ApplicantData(applicant_type="natural_person", name="马文静", id_type="resident_id",
                                id_number="64032319900101123X", phone="13995123456"))
    client.force_login(superuser)
    url = f"/admin/disclosure_requests/disclosurerequest/{case.pk}/change/"
    response = client.post(url, {"description": "改过的内容", "state": "closed"})
    assert response.status_code in (403, 404)
    assert DisclosureRequest.objects.get(pk=case.pk).description == "某文件"


def test_the_guide_is_read_only_in_the_admin(client, region, superuser):
    guide = DisclosureGuide.objects.create(agency=region["edu"], intro="原文")
    client.force_login(superuser)
    url = reverse("admin:portal_disclosureguide_change", args=[guide.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="intro"' not in page.content  # shown, not as a form field
    assert client.post(url, {"agency": region["edu"].pk, "intro": "改过"}).status_code == 403
    assert client.post(reverse("admin:portal_disclosureguide_add"), {"agency": region["town"].pk}).status_code == 403
    assert DisclosureGuide.objects.get(pk=guide.pk).intro == "原文"


def test_a_site_edit_goes_through_the_service_and_the_trail(client, region, superuser):
    site = Site.objects.create(name="演示县人民政府网", agency=region["county"])
    client.force_login(superuser)
    url = reverse("admin:portal_site_change", args=[site.pk])
    response = client.post(url, {"name": "演示县人民政府网", "is_portal": "on", "agency": region["county"].pk,
                                 "contact": "0953-1234567", "site_id_code": "6403230001", "icp_number": "",
                                 "police_record_number": "", "party_gov_site_badge": "on"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="portal.site.update", object_id=str(site.pk))
    assert entry.before["contact"] == "" and entry.after["contact"] == "0953-1234567"
    assert client.post(reverse("admin:portal_site_delete", args=[site.pk]), {"post": "yes"}).status_code == 403
