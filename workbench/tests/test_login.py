"""Staff login: Django's password validators, throttled failures (django-axes), expiring sessions."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_leads_to_the_workbench_with_the_users_roles(client, region, make_staff):
    make_staff("wang", ("office_head", region["county"]), first_name="芳", last_name="王")
    response = client.post(reverse("workbench:login"), {"username": "wang", "password": "Gongkai-test-1"})
    assert response.status_code == 302 and response["Location"] == reverse("workbench:home")
    page = client.get(reverse("workbench:home")).content.decode()
    assert "王芳" in page and "公开办负责人" in page and region["county"].name in page
    assert "机构管理" in page and "审计日志" in page  # the menu follows the role


def test_a_user_without_roles_is_told_so(client, make_staff):
    client.force_login(make_staff("nobody"))
    assert "尚未分配任何角色" in client.get(reverse("workbench:home")).content.decode()


def test_wrong_password_is_refused_in_chinese(client, make_staff):
    make_staff("zhao")
    response = client.post(reverse("workbench:login"), {"username": "zhao", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "用户名和密码" in response.content.decode()


def test_repeated_failures_lock_the_account_at_that_address(client, make_staff):
    make_staff("qian")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("workbench:login"), {"username": "qian", "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
    locked = client.post(reverse("workbench:login"), {"username": "qian", "password": "Gongkai-test-1"},
                         REMOTE_ADDR="198.51.100.7")
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's guessing.
    other = client.post(reverse("workbench:login"), {"username": "qian", "password": "Gongkai-test-1"},
                        REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


def test_weak_passwords_are_rejected():
    for weak in ("12345678901", "password123", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Gongkai@demo2026")


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_SAVE_EVERY_REQUEST


def test_logout_needs_post(client, make_staff):
    client.force_login(make_staff("sun"))
    assert client.get(reverse("workbench:logout")).status_code == 405
    assert client.post(reverse("workbench:logout")).status_code == 302
    assert client.get(reverse("workbench:home")).status_code == 302
