"""Upgrading keeps 领导信箱's letters when the app letters became mailboxes (issue 14): a database made by the last
release (app letters, tables letters_*, its migrations recorded under `letters`) is migrated by the current code.
mailboxes 0001/0002 replace letters 0001/0002 and so count as applied; 0003 renames the tables and relabels the
content types. Every row is still there, read through the new models, the public and staff pages answer, and a new
letter is written, numbered after the old ones. Subprocesses on SQLite files of their own
(gongkai/tests/upgrade.py)."""

import json
import sqlite3
from contextlib import closing

import pytest

from gongkai.tests.upgrade import LAST_RELEASE, database_at_release, manage, release_tree

LETTER_FIELDS = ["pk", "number", "mailbox_id", "agency_id", "state", "received_on", "due_on", "replied_on",
                 "published_at", "writer_name", "writer_phone"]
MAILBOX_FIELDS = ["pk", "code", "name", "agency_id", "is_active"]

# The rows as either release reads them; `app` is the package holding the models.
ROWS = """
import json
from django.contrib.contenttypes.models import ContentType
from {app}.models import Letter, LetterCounter, LetterTransfer, Mailbox
print(json.dumps({{
    "letters": list(Letter.objects.order_by("pk").values_list(*{letter_fields!r})),
    "mailboxes": list(Mailbox.objects.order_by("pk").values_list(*{mailbox_fields!r})),
    "counters": list(LetterCounter.objects.order_by("year").values_list("year", "last_serial")),
    "transfers": LetterTransfer.objects.count(),
    "content_type": ContentType.objects.get_for_model(Letter).pk,
}}, ensure_ascii=False, default=str))
"""

# The current code on the upgraded database: the public pages, a citizen's new letter through the public form
# (receipt, then the status lookup with its 查询码), and the staff queue and an old letter's page.
NEW = """
import json
from django.test import Client
from disclosure_requests.forms import issue_challenge
from mailboxes.models import Letter, Mailbox
from mailboxes.public_views import published_letters
from orgs.models import RoleAssignment
public = Client(SERVER_NAME="localhost")
mailbox = Mailbox.objects.filter(is_active=True).order_by("pk").first()
old = published_letters().first()
pages = {"index": public.get("/letters/").status_code,
         "write": public.get(f"/letters/mailboxes/{mailbox.code}/").status_code,
         "reply": public.get(f"/letters/replies/{old.number}/").status_code,
         "status": public.get("/letters/status/").status_code}
_question, token, answer = issue_challenge()
before = set(Letter.objects.values_list("pk", flat=True))
response = public.post(f"/letters/mailboxes/{mailbox.code}/", {
    "name": "马文静", "phone": "13995123456", "email": "", "address": "盐池县盐州路88号", "letter_type": "inquiry",
    "subject": "升级后的来信", "body": "请问报名时间？", "publish": "yes", "challenge": token, "answer": str(answer)})
new = Letter.objects.exclude(pk__in=before).get()
pages["submit"] = [response.status_code, response["Location"]]
pages["receipt"] = new.number in public.get("/letters/receipt/").content.decode()
status = public.post("/letters/status/", {"number": new.number, "lookup_code": new.lookup_code}).content.decode()
pages["lookup"] = "待甄别" in status
staff = Client(SERVER_NAME="localhost")
staff.force_login(RoleAssignment.objects.filter(agency=mailbox.agency, role="office_head").first().user)
pages["queue"] = staff.get("/workbench/letters/").status_code
pages["detail"] = staff.get(f"/workbench/letters/{old.pk}/").status_code
print(json.dumps({"pages": pages, "new": [new.number, new.mailbox_id, new.writer_name]}, ensure_ascii=False))
"""


def _rows(database, app, **tree) -> dict:
    script = ROWS.format(app=app, letter_fields=LETTER_FIELDS, mailbox_fields=MAILBOX_FIELDS)
    return _last_json(manage(database, "shell", "--no-imports", "-c", script, **tree))


def _last_json(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.upgrade
def test_letters_survive_the_rename_to_mailboxes_on_a_database_of_the_last_release(tmp_path):
    release = release_tree(LAST_RELEASE)
    database = database_at_release(tmp_path / "release.sqlite3", LAST_RELEASE,
                                   ["demo", "--documents", "0", "--cases", "35"])  # ~200 letters of the county
    before = _rows(database, "letters", tree=release)
    assert len(before["letters"]) > 100 and before["mailboxes"] and before["counters"], before["counters"]
    assert any(row[8] for row in before["letters"])  # some replies published

    output = manage(database, "migrate").stdout
    assert "Applying mailboxes.0003_table_names... OK" in output, output
    assert "mailboxes.0001_initial" not in output and "mailboxes.0002_letter_counter" not in output, output
    with closing(sqlite3.connect(database)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"mailboxes_mailbox", "mailboxes_letter", "mailboxes_lettercounter", "mailboxes_lettertransfer",
                "mailboxes_letterattachment"} <= tables
        assert not {name for name in tables if name.startswith("letters_")}
        schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'mailboxes_letter'").fetchone()[0]
        assert '"mailboxes_mailbox"' in schema and "letters_mailbox" not in schema, schema
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        applied = set(db.execute("SELECT app, name FROM django_migrations WHERE app = 'mailboxes'").fetchall())
        assert {("mailboxes", "0001_initial"), ("mailboxes", "0002_letter_counter"),
                ("mailboxes", "0003_table_names")} <= applied
        assert db.execute("SELECT count(*) FROM django_content_type WHERE app_label = 'letters'").fetchone() == (0,)
    assert "No changes detected" in manage(database, "makemigrations", "--check", "--dry-run").stdout
    assert "[X] 0003_table_names" in manage(database, "showmigrations", "mailboxes").stdout
    manage(database, "check")

    after = _rows(database, "mailboxes")
    assert after == before  # every row, decrypted the same; the content type kept its id
    result = _last_json(manage(database, "shell", "--no-imports", "-c", NEW))
    pages = result["pages"]
    assert pages == {"index": 200, "write": 200, "reply": 200, "status": 200, "submit": [302, "/letters/receipt/"],
                     "receipt": True, "lookup": True, "queue": 200, "detail": 200}, pages
    number, _mailbox, writer = result["new"]
    assert writer == "马文静" and number not in {row[1] for row in before["letters"]}
    year, serial = int(number[2:6]), int(number[6:])
    assert serial == dict(before["counters"]).get(year, 0) + 1, (number, before["counters"])  # the counter goes on

    # Migrating again changes nothing, and the app can be migrated back to before the rename and forward again.
    assert "No migrations to apply" in manage(database, "migrate").stdout
    manage(database, "migrate", "mailboxes", "0002_letter_counter")
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM letters_letter").fetchone()[0] == len(before["letters"]) + 1
    manage(database, "migrate")
    assert _rows(database, "mailboxes")["letters"][:len(before["letters"])] == before["letters"]
