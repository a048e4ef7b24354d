"""A multi-process deployment behind a proxy (issue 15): the client address, state shared by every web
process (rate limits, one-time human-check tokens, login lock-out), the deploy checks and absolute links."""

import os
import threading
from datetime import date

import pytest
from django.core import mail
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from disclosure_requests.tasks import send_due_reminders
from disclosure_requests.tests.conftest import handlers, in_person, person  # noqa: F401 - fixtures
from gongkai import public_forms
from gongkai.cache import DatabaseCache
from gongkai.client_address import client_ip
from gongkai.public_forms import RateLimit, check_challenge, issue_challenge

DB_CACHE = {"BACKEND": "gongkai.cache.DatabaseCache", "LOCATION": "gongkai_cache"}


def request_from(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- The client address ----------------------------------------------------------------------------------


def test_without_a_trusted_proxy_the_address_is_remote_addr_and_the_header_is_ignored(settings):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    assert client_ip(request_from("")) is None


def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended(settings):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("127.0.0.1", "203.0.113.5")) == "203.0.113.5"
    # Whatever the client wrote itself stands to the left of what nginx appended, and is not believed.
    assert client_ip(request_from("127.0.0.1", "10.9.9.9, 1.2.3.4 ,203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_from("127.0.0.1", "2001:db8::1")) == "2001:db8::1"


def test_beyond_the_trusted_count_nothing_is_believed(settings):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 2  # e.g. a load balancer, then nginx
    assert client_ip(request_from("127.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"
    # Too few entries: the request did not come through both proxies; it gets the proxy's address, not
    # one of its own choosing. A garbled entry likewise.
    assert client_ip(request_from("127.0.0.1", "6.6.6.6")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", "<script>, 10.0.0.2")) == "127.0.0.1"


def test_the_audit_trail_records_the_forwarded_address(client, settings, region, make_staff):
    from audit.models import AuditEntry

    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    client.force_login(make_staff("head", ("office_head", region["county"])))
    response = client.post(reverse("orgs:roles", kwargs={"pk": region["edu"].pk}),
                           {"username": "head", "role": "editor"},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(ip_address="192.0.2.44").exists()
    assert not AuditEntry.objects.filter(ip_address__in=["127.0.0.1", "6.6.6.6"]).exists()


# --- Shared state: the database cache --------------------------------------------------------------------


@pytest.fixture
def two_processes(db):
    """Two cache instances on one table, as two web processes hold them; `cache` of the code under test is
    the first."""
    call_command("createcachetable", "gongkai_cache", verbosity=0)
    first, second = DatabaseCache("gongkai_cache", {}), DatabaseCache("gongkai_cache", {})
    first.clear()
    return first, second


def test_a_rate_limit_is_shared_by_processes(two_processes, monkeypatch, settings):
    first, second = two_processes
    settings.GONGKAI_PUBLIC_LOOKUPS_PER_WINDOW = 3
    lookups = RateLimit("test-lookup", public_forms.LOOKUPS_PER_WINDOW)
    for process in (first, second, first):
        monkeypatch.setattr(public_forms, "cache", process)
        lookups.hit("203.0.113.5")
    monkeypatch.setattr(public_forms, "cache", second)
    assert lookups.used("203.0.113.5") == 3 and lookups.exhausted("203.0.113.5")
    assert lookups.hit("203.0.113.5") == 4 > lookups.limit
    # The limit is read when used: a changed setting applies without a restart.
    settings.GONGKAI_PUBLIC_LOOKUPS_PER_WINDOW = 10
    assert not lookups.exhausted("203.0.113.5")
    settings.GONGKAI_PUBLIC_RATE_WINDOW_MINUTES = 7
    assert f"{public_forms.WINDOW_MINUTES} 分钟" == "7 分钟"


def test_the_database_cache_counts_across_instances(two_processes):
    first, second = two_processes
    first.add("n", 0, 600)
    assert [first.incr("n"), second.incr("n"), first.incr("n", 5)] == [1, 2, 7]
    with pytest.raises(ValueError):
        second.incr("missing")


def test_the_database_cache_incr_leaves_the_expiry_alone(two_processes):
    first, _second = two_processes
    first.add("n", 0, 600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM gongkai_cache WHERE cache_key LIKE %s", ["%:n"])
        (set_by_add,) = cursor.fetchone()
        first.incr("n")
        cursor.execute("SELECT expires FROM gongkai_cache WHERE cache_key LIKE %s", ["%:n"])
        assert cursor.fetchone()[0] == set_by_add


def test_a_counter_is_not_shared_by_local_memory_caches():
    """What the deploy check is about: two processes with local-memory caches count apart."""
    first, second = LocMemCache("a", {}), LocMemCache("b", {})
    first.add("n", 0)
    second.add("n", 0)
    assert first.incr("n") == second.incr("n") == 1


def test_a_human_check_token_is_accepted_once_across_processes(two_processes, monkeypatch):
    first, second = two_processes
    _question, token, answer = issue_challenge()
    monkeypatch.setattr(public_forms, "cache", first)
    assert check_challenge(token, str(answer)) is None
    monkeypatch.setattr(public_forms, "cache", second)
    assert check_challenge(token, str(answer)) == "该验证问题已使用过，请回答新的问题。"


def all_at_once(n, action):
    """Runs action() in n threads released together; each thread has its own database connection and its
    own cache instance, as n web processes would."""
    from django.db import connections

    barrier, results = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            results.append(action())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def skip_on_sqlite():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database refuses a second writer instead of waiting; "
                    "this runs on PostgreSQL (CI's second pass)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_token_sent_to_several_processes_at_once_is_accepted_once(settings):
    skip_on_sqlite()
    settings.CACHES = {"default": DB_CACHE}
    call_command("createcachetable", verbosity=0)
    _question, token, answer = issue_challenge()
    results = all_at_once(8, lambda: check_challenge(token, str(answer)))
    assert len(results) == 8 and results.count(None) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_hits_are_all_counted(settings):
    skip_on_sqlite()
    settings.CACHES = {"default": DB_CACHE}
    call_command("createcachetable", verbosity=0)
    lookups = RateLimit("test-lookup", 20)
    all_at_once(8, lambda: [lookups.hit("203.0.113.5") for _ in range(5)])
    assert lookups.used("203.0.113.5") == 40


def test_gongkai_migrate_creates_the_cache_table(db, settings):
    if os.environ.get("GONGKAI_TEST_RUNTIME_ROLE"):
        pytest.skip("migrate runs as the schema's owner (docs/operations.md §3), not as this run's runtime role")
    settings.CACHES = {"default": DB_CACHE}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS gongkai_cache")
    call_command("migrate", verbosity=0)
    assert "gongkai_cache" in connection.introspection.table_names()


# --- Login lock-out ----------------------------------------------------------------------------------------


def test_a_password_spray_from_one_address_is_stopped(client, make_staff, settings):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    make_staff("target")
    behind_nginx = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    codes = [client.post(reverse("workbench:login"), {"username": f"user{i}", "password": "Guess-2026!"},
                         **behind_nginx).status_code for i in range(40)]
    assert codes[:settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(codes[settings.AXES_FAILURE_LIMIT:]) == {429}
    # The address stays locked, even for a real account with its right password ...
    right = client.post(reverse("workbench:login"), {"username": "target", "password": "Gongkai-test-1"},
                        **behind_nginx)
    assert right.status_code == 429
    # ... while everyone else behind the same proxy is not: the lock is on the client's address.
    other = client.post(reverse("workbench:login"), {"username": "target", "password": "Gongkai-test-1"},
                        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.status_code == 302


def test_a_spoofed_forwarded_for_does_not_escape_the_lock(client, make_staff, settings):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("workbench:login"), {"username": f"u{i}", "password": "x"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.66")
    locked = client.post(reverse("workbench:login"), {"username": "u9", "password": "x"},
                         REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.66")
    assert locked.status_code == 429


# --- Deploy checks -------------------------------------------------------------------------------------------


def deploy_errors(ids_from="gongkai."):
    return sorted(m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith(ids_from))


def test_the_deploy_check_refuses_a_local_memory_cache_with_several_workers(settings):
    settings.GONGKAI_SITE_URL = "https://gk.example.gov.cn"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.GONGKAI_WEB_WORKERS = 4
    assert "gongkai.E001" in deploy_errors()
    settings.GONGKAI_WEB_WORKERS = 1  # one demo process may keep it
    assert "gongkai.E001" not in deploy_errors()
    settings.DEMO = settings.DEBUG = False  # in production never
    assert "gongkai.E001" in deploy_errors()
    settings.CACHES = {"default": DB_CACHE}
    settings.GONGKAI_WEB_WORKERS = 4
    assert "gongkai.E001" not in deploy_errors()


def test_the_deploy_check_wants_an_absolute_site_url(settings):
    settings.GONGKAI_SITE_URL = ""
    assert "gongkai.E002" in deploy_errors()
    settings.GONGKAI_SITE_URL = "gk.example.gov.cn"
    assert "gongkai.E002" in deploy_errors()
    settings.GONGKAI_SITE_URL = "https://gk.example.gov.cn"
    assert "gongkai.E002" not in deploy_errors()
    settings.GONGKAI_TRUSTED_PROXY_COUNT, settings.SECURE_PROXY_SSL_HEADER = 1, None
    assert "gongkai.W003" in deploy_errors()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert "gongkai.W003" not in deploy_errors()


def test_the_proxy_scheme_header_makes_requests_secure(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https").is_secure()
    assert not RequestFactory().get("/").is_secure()


# --- Absolute links in mails ---------------------------------------------------------------------------------


def test_request_reminders_link_to_the_site(settings, handlers, in_person):  # noqa: F811
    settings.GONGKAI_SITE_URL = "https://gk.example.gov.cn"
    handler = handlers["handler"]
    handler.email = "handler@example.cn"
    handler.save()
    case = in_person(date(2024, 9, 25))
    assert send_due_reminders(today=date(2024, 10, 23)) == 1
    assert f"https://gk.example.gov.cn/workbench/requests/{case.pk}/" in mail.outbox[0].body


def test_letter_reminders_link_to_the_site(settings, region, make_staff):
    from mailboxes import deadlines, services
    from mailboxes.models import Mailbox
    from mailboxes.tests.conftest import WRITER, at

    settings.GONGKAI_SITE_URL = "https://gk.example.gov.cn/"
    make_staff("mailer", ("office_staff", region["county"]), email="office@example.cn")
    box = Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")
    letter = services.submit_letter(mailbox=box, writer=WRITER, letter_type="inquiry", subject="咨询",
                                    body="请问报名时间？", consent_to_publish=True, submitted_at=at(2024, 9, 25))
    assert deadlines.send_reminders(date(2024, 10, 12)) == 1
    assert f"https://gk.example.gov.cn/workbench/letters/{letter.pk}/" in mail.outbox[0].body


def production_settings(**env) -> list[str]:
    """The cache and static-file backends as a production process (no GONGKAI_DEMO) reads its settings."""
    import subprocess
    import sys

    code = ("import django; from django.conf import settings; django.setup(); "
            "print(settings.CACHES['default']['BACKEND'], settings.STORAGES['staticfiles']['BACKEND'])")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "gongkai.settings",
           "GONGKAI_SECRET_KEY": "x" * 50, "GONGKAI_FIELD_KEYS": "k", **env}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,  # noqa: S603
                          check=True).stdout.split()


def test_a_production_process_shares_its_cache_and_hashes_static_files():
    assert production_settings() == ["gongkai.cache.DatabaseCache",
                                     "whitenoise.storage.CompressedManifestStaticFilesStorage"]
    redis = production_settings(GONGKAI_REDIS_URL="redis://127.0.0.1:6379/1")
    assert redis[0] == "django.core.cache.backends.redis.RedisCache"
