"""No local state outside Django's storage API and a temporary directory (issue 15, docs/operations.md
"多台应用服务器与对象存储"): the flows that write files — a catalogue attachment, a 告知书 (DOCX and PDF), a
领导信箱 attachment, a 年报体检 batch of uploads run by the worker, and its exported results — all work with
the default storage in memory and MEDIA_ROOT pointing at a directory that does not exist and is never made.
So an object store (django-storages) can hold the files and several app servers can share them. (Report
files built in the background: reports/tests/test_background_builds.py; backups: test_backups.py.)"""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import services as catalog
from catalog.tests.conftest import draft_fields, editorial, genres, topic  # noqa: F401 - fixtures
from disclosure_requests import notices
from disclosure_requests.models import NoticeKind
from disclosure_requests.tests.conftest import handlers, in_person, person  # noqa: F401 - fixtures
from jobs.runner import run_worker
from jobs.tests.conftest import db_backend  # noqa: F401 - fixture
from mailboxes import services as mailboxes
from mailboxes.models import Mailbox
from report_checkup import services as checkup
from report_checkup.models import CheckupBatchStatus

pytestmark = pytest.mark.django_db
DOCX_MAGIC = b"PK\x03\x04"


@pytest.fixture(autouse=True)
def storage_only(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.MEDIA_ROOT = tmp_path / "no-media" / "media"
    yield tmp_path / "no-media"
    assert not (tmp_path / "no-media").exists(), "something wrote to MEDIA_ROOT behind the storage API"


def _stored(name: str) -> bytes:
    assert default_storage.exists(name), name
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_catalogue_attachment(region, editorial, draft_fields):  # noqa: F811
    document = catalog.create_draft(publisher=region["edu"], user=editorial["editor"], **draft_fields()).document
    content = "学生资助资金分配表\n第一批 120 万元".encode()
    attachment = catalog.add_attachment(document, user=editorial["editor"], name="分配表.txt", content=content)
    assert _stored(attachment.file.name) == content


def test_notice_docx_and_pdf(in_person):  # noqa: F811
    case = in_person(date(2024, 9, 25))
    notice = notices.render_notice(case, NoticeKind.RECEIPT)
    assert _stored(notice.docx.name)[:4] == DOCX_MAGIC
    if notice.pdf:  # produced when WeasyPrint and the CJK fonts are installed (make test installs them)
        assert _stored(notice.pdf.name)[:5] == b"%PDF-"


def test_mailbox_attachment(region):
    box = Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")
    writer = mailboxes.WriterData(name="马文静", phone="13995123456", email="mwj@example.cn", address="盐池县")
    upload = ("照片说明.txt", "路灯不亮的位置：盐州路88号".encode())  # (name, bytes), as the form hands it on
    letter = mailboxes.submit_letter(mailbox=box, writer=writer, letter_type="inquiry", subject="路灯", body="请修路灯。",
                                     consent_to_publish=False, attachments=[upload])
    attachment = letter.attachments.get()
    assert _stored(attachment.file.name) == "路灯不亮的位置：盐州路88号".encode()


def test_checkup_batch_through_the_worker_and_its_exports(db_backend, region, make_staff):  # noqa: F811
    office = make_staff("checkup-office", ("office_head", region["county"]))
    files = [SimpleUploadedFile(f"第{i}份.txt", f"某某县人民政府2024年政府信息公开工作年度报告 第{i}份".encode())
             for i in (1, 2)]
    batch = checkup.check_uploads(office, region["county"], files)
    stored = [entry["path"] for entry in batch.items]
    assert all(default_storage.exists(path) for path in stored)  # the uploads wait for the worker in storage
    run_worker()
    batch.refresh_from_db()
    assert batch.status == CheckupBatchStatus.DONE and batch.processed == 2
    assert not any(default_storage.exists(path) for path in stored)
    assert checkup.export(batch, ".xlsx")[:4] == DOCX_MAGIC  # written in a temporary directory, returned as bytes
    assert checkup.export(batch, ".json").startswith(b"[")
