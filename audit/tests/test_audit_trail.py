"""The append-only audit trail: one service writes it; nothing updates or deletes an entry."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.context import acting_as
from audit.models import AuditEntry
from audit.services import REDACTED_FIELDS, record, snapshot
from orgs.services import update_agency

pytestmark = pytest.mark.django_db


def test_record_captures_actor_ip_object_and_agency(region, make_staff):
    user = make_staff("li", first_name="丽", last_name="李")
    with acting_as(user=user, ip_address="10.1.2.3"):
        update_agency(region["edu"], short_name="教育局")
    entry = AuditEntry.objects.filter(action="orgs.agency.update").latest("id")
    assert entry.actor_id == user.pk and entry.actor_label == "李丽"
    assert entry.ip_address == "10.1.2.3"
    assert entry.agency_id == region["edu"].pk and entry.agency_path == region["edu"].path
    assert ("short_name", "", "教育局") in entry.changed_fields()


def test_commands_and_tasks_are_labelled(region):
    with acting_as(label="系统任务"):
        entry = record("test.system", region["edu"], after={"x": 1})
    assert entry.actor is None and entry.actor_label == "系统任务"


def test_the_orm_refuses_updates_and_deletes(region):
    entry = record("test.one", region["edu"], after={"a": 1})
    entry.note = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="篡改")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


def test_the_database_refuses_raw_sql_changes(region, enforced_audit_guard):
    entry = record("test.two", region["edu"], after={"a": 1})
    for sql in ("UPDATE audit_auditentry SET note = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, note="").exists()


def test_secrets_and_personal_data_never_enter_the_trail(make_staff):
    user = make_staff("zhou")
    data = snapshot(user)
    assert data["username"] == "zhou"
    assert data["password"] == "［已隐去］" and user.password not in str(data)
    assert {"identity_number", "phone", "address", "identity_proof"} <= REDACTED_FIELDS


def test_office_staff_browse_only_their_subtree(client, region, make_staff):
    update_agency(region["edu"], short_name="教育局")
    update_agency(region["other_edu"], short_name="邻县教育局简称")
    staff = make_staff("gkb", ("office_staff", region["county"]))
    client.force_login(staff)
    page = client.get(reverse("audit:index")).content.decode()
    assert "演示县教育局" in page
    assert "邻县教育局" not in page
    filtered = client.get(reverse("audit:index"), {"agency": region["edu"].pk, "action": "orgs.agency.update"})
    assert filtered.status_code == 200 and "演示县教育局" in filtered.content.decode()
    foreign = AuditEntry.objects.filter(agency=region["other_edu"]).latest("id")
    assert client.get(reverse("audit:detail", kwargs={"pk": foreign.pk})).status_code == 404


def test_editors_cannot_browse_the_trail(client, region, make_staff):
    editor = make_staff("ed", ("editor", region["edu"]))
    client.force_login(editor)
    assert client.get(reverse("audit:index")).status_code == 403


def test_web_requests_record_the_client_ip(client, region, make_staff):
    head = make_staff("head", ("office_head", region["county"]))
    client.force_login(head)
    response = client.post(reverse("orgs:roles", kwargs={"pk": region["edu"].pk}),
                           {"username": "head", "role": "editor"}, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="orgs.role.grant").latest("id")
    assert entry.ip_address == "192.0.2.44" and entry.actor_id == head.pk
