"""Staff change their own password (issue 16 §7): Chinese page linked from the staff menu, the password
validators apply, the session stays signed in, the change is audited without the password."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
TEST_PASSWORD = "Gongkai-test-1"  # conftest.make_staff
NEW_PASSWORD = "Yanchi-gongkai-2026"


@pytest.fixture
def staff(make_staff, region):
    return make_staff("pw-editor", ("editor", region["edu"]))


def test_the_menu_links_to_a_chinese_password_page(client, staff):
    client.force_login(staff)
    home = client.get(reverse("workbench:home")).content.decode()
    assert reverse("workbench:password_change") in home and "修改密码" in home
    page = client.get(reverse("workbench:password_change")).content.decode()
    assert "当前密码" in page and "再次输入新密码" in page and 'autocomplete="new-password"' in page


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("workbench:password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("workbench:login"))


@pytest.mark.parametrize("weak, code", [("short1A", "password_too_short"),
                                        ("12345678901234", "password_entirely_numeric"),
                                        ("password1234", "password_too_common"),
                                        ("pw-editor1", "password_too_similar")])
def test_the_password_validators_apply(client, staff, weak, code):
    client.force_login(staff)
    response = client.post(reverse("workbench:password_change"),
                           {"old_password": TEST_PASSWORD, "new_password1": weak, "new_password2": weak})
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["new_password2"]]
    assert code in codes
    assert "密码" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(TEST_PASSWORD)


def test_the_old_password_is_required(client, staff):
    client.force_login(staff)
    response = client.post(reverse("workbench:password_change"),
                           {"old_password": "wrong-password", "new_password1": NEW_PASSWORD,
                            "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(TEST_PASSWORD)


def test_a_change_keeps_the_session_and_is_audited_without_the_password(client, staff):
    client.force_login(staff)
    response = client.post(reverse("workbench:password_change"),
                           {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD,
                            "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("workbench:home")
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert client.get(reverse("workbench:home")).status_code == 200  # still signed in
    entry = AuditEntry.objects.get(action="workbench.password_change")
    assert entry.actor_id == staff.pk and entry.object_id == str(staff.pk)
    assert NEW_PASSWORD not in str(entry.before) + str(entry.after) + entry.note
