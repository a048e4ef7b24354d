"""Upgrading keeps 年报体检's batches: a database made by the last release (the batches were reports.AuditBatch /
reports.AuditedReport, on the tables reports_auditbatch / reports_auditedreport) is migrated by the current code
(report_checkup 0001 takes the models over, reports 0006 lets them go, report_checkup 0002 renames the tables);
every row is still there, read through the new models, the batch page shows it, and a new batch is written.
Subprocesses on SQLite files of their own (gongkai/tests/upgrade.py)."""

import json
import sqlite3
from contextlib import closing

import pytest

from gongkai.tests.upgrade import LAST_RELEASE, database_at_release, manage, release_tree

BATCH_FIELDS = ["pk", "agency_id", "source", "year", "status", "total", "processed", "failed", "created_by_id"]
REPORT_FIELDS = ["pk", "batch_id", "position", "file_name", "origin", "reference", "sha256", "size", "annual_report_id",
                 "agency_id", "status", "error", "detected_agency", "year", "format", "errors", "warnings", "infos"]
REPORT_TEXT = ("盐池县人民政府2024年政府信息公开工作年度报告\n"
               "本年度共收到政府信息公开申请12件，上年结转0件。予以公开8件。因政府信息公开被申请行政复议1件。\n")

# The last release's code: one batch of the county's published reports (rows linked to their AnnualReport), one
# batch of uploads (a readable text and an empty file), and the rows as they stand.
OLD = f"""
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from orgs.models import Agency
from reports import auditing
from reports.models import AuditBatch, AuditedReport
county = Agency.objects.order_by("path").first()
auditing.audit_published(None, county)
auditing.audit_uploads(None, county, [SimpleUploadedFile("年报.txt", {REPORT_TEXT!r}.encode()),
                                      SimpleUploadedFile("空.txt", b"")])
print(json.dumps({{"batches": list(AuditBatch.objects.order_by("pk").values_list(*{BATCH_FIELDS!r})),
                  "reports": list(AuditedReport.objects.order_by("pk").values_list(*{REPORT_FIELDS!r}))}},
                 ensure_ascii=False))
"""

# The current code on the upgraded database: the same rows, the result page of each old batch as the county's
# 公开办 head sees it, and a new batch of the published reports.
NEW = f"""
import json
from django.test import Client
from orgs.models import Agency, RoleAssignment
from report_checkup import services
from report_checkup.models import CheckedReport, CheckupBatch
county = Agency.objects.order_by("path").first()
rows = {{"batches": list(CheckupBatch.objects.order_by("pk").values_list(*{BATCH_FIELDS!r})),
        "reports": list(CheckedReport.objects.order_by("pk").values_list(*{REPORT_FIELDS!r}))}}
client = Client(SERVER_NAME="localhost")
client.force_login(RoleAssignment.objects.filter(agency=county, role="office_head").first().user)
pages = {{}}
for batch in CheckupBatch.objects.order_by("pk"):
    response = client.get(f"/workbench/checkup/{{batch.pk}}/")
    body = response.content.decode()
    pages[batch.pk] = [response.status_code, all(r.file_name in body for r in batch.reports.all())]
    pages[f"{{batch.pk}}.json"] = client.get(f"/workbench/checkup/{{batch.pk}}/result.json").status_code
new = services.check_published(None, county)  # queued for the worker (the database backend, as in production)
from jobs.runner import run_worker
run_worker()
new.refresh_from_db()
print(json.dumps({{**rows, "pages": pages, "index": client.get("/workbench/checkup/").status_code,
                  "new": [new.total, new.processed, new.reports.exclude(annual_report=None).count()]}},
                 ensure_ascii=False))
"""


def _last_json(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.upgrade
def test_checkup_batches_survive_upgrading_a_database_of_the_last_release(tmp_path):
    release = release_tree(LAST_RELEASE)
    database = database_at_release(tmp_path / "release.sqlite3", LAST_RELEASE,
                                   ["demo", "--documents", "0", "--cases", "35"])  # publishes 3 annual reports
    before = _last_json(manage(database, "shell", "--no-imports", "-c", OLD, tree=release))
    assert len(before["batches"]) == 2 and len(before["reports"]) == 5, before
    assert sum(1 for r in before["reports"] if r[8]) == 3  # rows pointing at their AnnualReport

    output = manage(database, "migrate").stdout
    for step in ("report_checkup.0001_initial", "reports.0006_checkup_models_leave", "report_checkup.0002_table_names"):
        assert f"Applying {step}... OK" in output, output
    with closing(sqlite3.connect(database)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"report_checkup_checkupbatch", "report_checkup_checkedreport"} <= tables
        assert not {"reports_auditbatch", "reports_auditedreport"} & tables
        schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'report_checkup_checkedreport'").fetchone()[0]
        assert '"report_checkup_checkupbatch"' in schema and "reports_auditbatch" not in schema, schema
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []

    after = _last_json(manage(database, "shell", "--no-imports", "-c", NEW))
    assert after["batches"] == before["batches"] and after["reports"] == before["reports"]
    first, second = (str(b[0]) for b in before["batches"])
    assert after["pages"] == {first: [200, True], f"{first}.json": 200, second: [200, True], f"{second}.json": 200}
    assert after["index"] == 200
    assert after["new"] == [3, 3, 3]
