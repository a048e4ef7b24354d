"""Upgrading keeps search working: a database made by the last release (catalog still held the search code, and
catalog migration 0008 refilled the index with it) is migrated by the current code, which must find what the
old code found, without a rebuild; a database from before 0008 gets an empty index from the (now structure-only)
migration and a queued rebuild job. Subprocesses on SQLite files of their own (gongkai/tests/upgrade.py)."""

import json
import shutil
import sqlite3
from contextlib import closing

import pytest

from gongkai.tests.upgrade import LAST_RELEASE, database_at_release, manage, release_tree

# Run by either release's `manage.py shell`: the totals of a few searches, through whichever search code the
# release has.
TOTALS = """
import json
from django.apps import apps
# By installed app, not by import: the current tree's search package may be importable from the release's
# folder too (an editable install), without being the release's app.
if apps.is_installed("search"):
    from search.services import SearchQuery, search
else:
    from catalog.search import SearchQuery, search
print(json.dumps({text: search(SearchQuery(text)).total for text in ["扶贫", "乡村振兴", "县 通知", "号"]}))
"""


def _totals(database, tree=None) -> dict[str, int]:
    output = manage(database, "shell", "--no-imports", "-c", TOTALS, **({"tree": tree} if tree else {})).stdout
    return json.loads(output.strip().splitlines()[-1])


@pytest.mark.upgrade
def test_search_finds_the_same_after_upgrading_a_database_of_the_last_release(tmp_path):
    release = release_tree(LAST_RELEASE)
    old = database_at_release(tmp_path / "release.sqlite3", LAST_RELEASE,
                              ["demo", "--documents", "200", "--cases", "0"])  # the demo rebuilds the index
    before = _totals(old, release)
    assert all(before.values()), before
    # The same database with catalog 0008 unapplied by the old code (its index emptied).
    before_0008 = tmp_path / "before-0008.sqlite3"
    shutil.copyfile(old, before_0008)
    manage(before_0008, "migrate", "catalog", "0007_search_df_postgres", tree=release)
    with closing(sqlite3.connect(before_0008)) as db:
        assert db.execute("SELECT count(*) FROM search_entry").fetchone() == (0,)

    # The last release's index is kept as it is: nothing to rebuild.
    output = manage(old, "migrate").stdout
    assert "Applying search.0001_initial... OK" in output, output
    assert "全文检索索引" not in output, output
    assert _totals(old) == before
    assert "索引与数据库一致" in manage(old, "search-index", "verify", "--quiet").stdout

    # Migrations only change structure: 0008 leaves the index empty and `migrate` says so and queues the rebuild
    # job, which the worker runs; until then `check` warns.
    output = manage(before_0008, "migrate").stdout
    assert "全文检索索引缺失或为空" in output and "已安排后台任务" in output, output
    assert _totals(before_0008) == dict.fromkeys(before, 0)
    check = manage(before_0008, "check", "--database", "default")
    assert "search.W001" in check.stdout + check.stderr
    worker = manage(before_0008, "worker", "--batch")
    assert _totals(before_0008) == before, worker.stdout + worker.stderr
    assert "索引与数据库一致" in manage(before_0008, "search-index", "verify", "--quiet").stdout
    check = manage(before_0008, "check", "--database", "default")
    assert "search.W001" not in check.stdout + check.stderr
