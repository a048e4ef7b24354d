"""Fixtures shared by every app's tests: a small region and staff users holding each role."""

import contextlib
import itertools
import os

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

# CI runs the PostgreSQL suite as the production roles (docs/operations.md §3): DATABASE_URL names the owner,
# which creates and migrates each test database; then every test connection is GONGKAI_TEST_RUNTIME_ROLE, which
# may only INSERT/SELECT the audit trail. Emptying tables between transactional tests (TRUNCATE) is the owner's.
RUNTIME_ROLE = os.environ.get("GONGKAI_TEST_RUNTIME_ROLE", "")
_owner: dict = {}


def _owner_connection():
    """A second connection to the test database as its owner (PostgreSQL runtime-role runs), else None."""
    return _owner.get("connection")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The test database is thrown away, and Django empties tables between transactional tests, so the
    # audit trail's append-only guard (audit migration 0003) is relaxed here; audit tests re-enforce it.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_guard SET enforced = 0")
    if not (RUNTIME_ROLE and connection.vendor == "postgresql"):
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations
    from django.db.utils import load_backend

    from audit.roles import runtime_grants_sql

    with django_db_blocker.unblock():
        # The shared cache's table is the owner's too (gongkai migrate creates it in production); the suite's
        # settings use the local-memory cache, so Django's test set-up did not create it.
        call_command("createcachetable", "gongkai_cache", verbosity=0)
        with connection.cursor() as cursor:
            for sql in runtime_grants_sql(connection.ops.quote_name(RUNTIME_ROLE)):
                cursor.execute(sql)
        settings_dict = connection.settings_dict
        owner_settings = {**settings_dict}
        owner = load_backend(owner_settings["ENGINE"]).DatabaseWrapper(owner_settings, alias="gongkai_test_owner")
        _owner["connection"] = owner
        original_flush = DatabaseOperations.execute_sql_flush

        def flush_as_owner(self, sql_list):
            owner.ensure_connection()
            owner.set_autocommit(False)
            try:
                with owner.cursor() as cursor:
                    for sql in sql_list:
                        cursor.execute(sql)
                owner.commit()
            except BaseException:
                owner.rollback()
                raise
            finally:
                owner.set_autocommit(True)

        DatabaseOperations.execute_sql_flush = flush_as_owner
        saved = settings_dict["USER"], settings_dict["PASSWORD"]
        connection.close()
        settings_dict["USER"] = RUNTIME_ROLE
        settings_dict["PASSWORD"] = os.environ.get("GONGKAI_TEST_RUNTIME_PASSWORD", "")
    yield
    with django_db_blocker.unblock():
        from django.db import connections

        connections.close_all()
        settings_dict["USER"], settings_dict["PASSWORD"] = saved
        DatabaseOperations.execute_sql_flush = original_flush
        owner.close()
        _owner.clear()


@pytest.fixture
def owner_sql(db):
    """owner_sql(sql, params=None) → rows: SQL as the schema's owner, for tests that tamper with the audit trail
    as an attacker holding the owner's account would. Under GONGKAI_TEST_RUNTIME_ROLE that is a separate,
    autocommitting connection, which cannot see the test's uncommitted rows: such tests are marked
    django_db(transaction=True, serialized_rollback=True), like the suite's other transactional tests.
    Otherwise it is the test's own connection."""
    def execute(sql, params=None):
        conn = _owner_connection() or connection
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    return execute


@pytest.fixture
def enforced_audit_guard(owner_sql):
    """The database refuses changes to the audit trail as in production (within one test's transaction, or,
    as the runtime role, until the test ends)."""
    owner_sql("UPDATE audit_guard SET enforced = 1")
    yield
    # Committed when the owner or a transactional test commits: relaxed again for Django's table flush. (A test
    # that left its transaction broken fails here; its rollback restores the flag.)
    with contextlib.suppress(DatabaseError):
        owner_sql("UPDATE audit_guard SET enforced = 0")


@pytest.fixture
def region(db):
    """A small county: 县人民政府 with its 办公室 (公开办), two departments and a town, plus a second county
    whose staff must never see the first one's objects."""
    from orgs.credit_code import make_credit_code
    from orgs.models import AgencyKind, AgencyLevel
    from orgs.services import create_agency

    def agency(code, name, kind, level, parent=None, body=None):
        credit = make_credit_code("11", "640323", body) if body else None
        return create_agency(code=code, name=name, kind=kind, level=level, parent=parent, credit_code=credit)

    county = agency("county", "演示县人民政府", AgencyKind.GOVERNMENT, AgencyLevel.COUNTY, body="01000001")
    office = agency("office", "演示县人民政府办公室", AgencyKind.DEPARTMENT, AgencyLevel.COUNTY, county, "01000002")
    dept_a = agency("edu", "演示县教育局", AgencyKind.DEPARTMENT, AgencyLevel.COUNTY, county, "01000003")
    dept_b = agency("health", "演示县卫生健康局", AgencyKind.DEPARTMENT, AgencyLevel.COUNTY, county, "01000004")
    town = agency("town", "演示县花马池镇人民政府", AgencyKind.GOVERNMENT, AgencyLevel.TOWNSHIP, county, "01000005")
    other = agency("other", "邻县人民政府", AgencyKind.GOVERNMENT, AgencyLevel.COUNTY, body="01000006")
    other_dept = agency("other-edu", "邻县教育局", AgencyKind.DEPARTMENT, AgencyLevel.COUNTY, other, "01000007")
    return {"county": county, "office": office, "edu": dept_a, "health": dept_b, "town": town,
            "other": other, "other_edu": other_dept}


@pytest.fixture
def frozen_today(monkeypatch):
    """frozen_today(date(2024, 4, 15)) makes that day "today" for timezone.localdate() and timezone.now()
    (noon, local time) everywhere, so tests of "not later than today" do not depend on the real date."""
    from datetime import datetime, time

    from django.utils import timezone

    real_localdate = timezone.localdate

    def freeze(day):
        moment = timezone.make_aware(datetime.combine(day, time(12, 0)))

        def localdate(value=None, timezone=None):
            return real_localdate(value, timezone) if value is not None else day

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return day

    return freeze  # monkeypatch puts the real clock back after the test


TEST_PASSWORD = "Gongkai-test-1"  # noqa: S105 - test accounts only


@pytest.fixture
def make_staff(db):
    """make_staff("alice", ("editor", agency), ...) → a user holding those roles; password "Gongkai-test-1"."""
    from django.contrib.auth import get_user_model

    from orgs.models import Role
    from orgs.services import grant_role

    def make(username, *roles, **extra):
        user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD, **extra)
        for role, agency in roles:
            grant_role(user, Role(role), agency)
        return user

    return make


# --- Browser tests: Playwright driving Debian's Chromium (make test installs it when missing) -------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
_browser_skips: list[str] = []


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _browser_skips.append("chromium missing")
        pytest.skip(f"!!! {CHROMIUM} 不存在：浏览器测试被跳过 / browser tests SKIPPED")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM use is still
    # synchronous, so Django's async-safety guard must be told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Once Playwright's sync API runs, Django hands this thread new connection wrappers that lack the
    # test database's serialised contents, and serialized_rollback would silently stop restoring the
    # migrated data (calendar, genres, topics) after live-server tests. Carry the contents over.
    saved = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        for alias, contents in saved.items():
            if contents is not None and not hasattr(connections[alias], "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def pytest_terminal_summary(terminalreporter):
    if _browser_skips:
        terminalreporter.write_line(
            "!!! 浏览器测试被跳过：/usr/bin/chromium 不存在 (browser tests were SKIPPED: Chromium missing)",
            red=True, bold=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: database ids are reused after a rollback, so a cached page of one
    test's report 5 could otherwise be served for another test's report 5."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_search_index(tmp_path_factory):
    """Each test gets its own tantivy index directory (the search index on PostgreSQL, docs/search.md): the
    database rolls back after a test, an index directory would not. Created only when a test writes to it."""
    from django.conf import settings

    saved = settings.GONGKAI_SEARCH_INDEX_DIR
    settings.GONGKAI_SEARCH_INDEX_DIR = tmp_path_factory.getbasetemp() / f"search-index-{next(_index_numbers)}"
    yield
    settings.GONGKAI_SEARCH_INDEX_DIR = saved


_index_numbers = itertools.count()
