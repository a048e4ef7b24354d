import pytest
from django.test import override_settings


@pytest.fixture
def db_backend(monkeypatch):
    """django-tasks-db's database backend, as in production; `jobs.runner.run_worker()` then runs the
    worker loop in the test. The worker closes "old" connections between tasks, which would end the test's
    transaction: not here."""
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield
