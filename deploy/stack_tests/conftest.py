"""The stack tests (marker `stack`): HTTP through nginx to the stack `make stack` started (deploy/stack.sh).
They run only when GONGKAI_STACK_URL is set — .ci/run's stack step sets it after `make stack` — and are
skipped, saying so, in `make test`, which needs nothing but Python."""

import os
import secrets
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STACK_URL = os.environ.get("GONGKAI_STACK_URL", "").rstrip("/")
SECOND_URL = os.environ.get("GONGKAI_STACK_SECOND_URL", "http://127.0.0.1:8089").rstrip("/")
DATABASE_URL = os.environ.get("GONGKAI_STACK_DATABASE_URL", "postgresql://gongkai_app@127.0.0.1:5432/gongkai_stack")


def pytest_configure(config):
    config.addinivalue_line("markers", "stack: HTTP test through the running `make stack` (deploy/stack.sh)")


def pytest_collection_modifyitems(config, items):
    if STACK_URL:
        return
    skip = pytest.mark.skip(reason="needs the running stack: `make stack`, then GONGKAI_STACK_URL=http://127.0.0.1:8080 "
                                   "(.ci/run's stack step)")
    for item in items:
        if "stack" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def stack_url():
    return STACK_URL


@pytest.fixture(scope="session")
def second_url():
    return SECOND_URL


@pytest.fixture(scope="session")
def stack_db():
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        yield connection


@pytest.fixture
def new_address():
    """A loopback source address no other test (nor an earlier run, within the 10-minute windows) used: nginx
    sees it as $remote_addr, as it would a citizen's."""
    used = set()

    def make():
        while True:
            address = f"127.{10 + secrets.randbelow(240)}.{secrets.randbelow(256)}.{2 + secrets.randbelow(248)}"
            if address not in used:
                used.add(address)
                return address

    return make


def stack_command(*args: str, timeout: float = 60) -> str:
    """deploy/stack.sh with arguments (e.g. `manage shell -c …`, `worker-kill`); its standard output."""
    done = subprocess.run([str(ROOT / "deploy" / "stack.sh"), *args], capture_output=True, text=True,  # noqa: S603
                          timeout=timeout, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
