"""Loaded as a pytest plugin (`-p gongkai.testing` in pyproject.toml) so that it runs before pytest-django
imports the settings: the test suite runs in demo mode (throw-away secret key, local hosts)."""

import os

os.environ.setdefault("GONGKAI_DEMO", "1")
# Background jobs run inside the test (jobs/tests run the database backend and a worker loop explicitly).
os.environ.setdefault("GONGKAI_TASKS_BACKEND", "immediate")
