"""Every upload point refuses a zip bomb made here, with a Chinese message, without inflating more than the
shared reader's cap (counted by gongkai.tests.conftest.inflated) and without storing anything. Timing and
memory are measured in bench/upload_limits.py, not asserted here."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.file_reading import DEFAULT_LIMITS

from . import bombs

pytestmark = pytest.mark.django_db
CAP = DEFAULT_LIMITS.max_total
BOMB_MESSAGE = "疑似压缩炸弹"
CASES = [(kind, bomb) for kind in ("docx", "xlsx") for bomb in bombs.BOMBS]


def _bomb(kind, bomb):
    return bombs.BOMBS[bomb](kind)


@pytest.mark.parametrize(("kind", "bomb"), CASES)
def test_public_letter_attachment(client, region, inflated, kind, bomb, settings, tmp_path):
    """领导信箱, anonymous: the form is shown again with the reason; no letter, no file."""
    from mailboxes.models import Letter, LetterAttachment, Mailbox
    from mailboxes.tests.test_public import valid_post

    settings.MEDIA_ROOT = tmp_path
    mailbox = Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")
    url = reverse("mailboxes_public:write", kwargs={"code": mailbox.code})
    upload = SimpleUploadedFile(f"材料.{kind}", _bomb(kind, bomb))
    response = client.post(url, {**valid_post(), "attachments": [upload]})
    page = response.content.decode()
    assert response.status_code == 200 and f"文件“材料.{kind}”" in page and BOMB_MESSAGE in page
    assert not Letter.objects.exists() and not LetterAttachment.objects.exists()
    assert inflated["packages"] >= 1 and inflated["max"] <= CAP


@pytest.mark.parametrize(("kind", "bomb"), CASES)
def test_catalogue_attachment(inflated, kind, bomb):
    """The one check of catalogue attachments (staff upload and the catalogue import's attachment folder)."""
    from django.core.exceptions import ValidationError

    from catalog.attachments import inspect_attachment

    with pytest.raises(ValidationError, match=f"文件“通知.{kind}”.*{BOMB_MESSAGE}"):
        inspect_attachment(f"通知.{kind}", _bomb(kind, bomb))
    assert inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_agency_import(region, inflated, bomb):
    from orgs.models import Agency
    from orgs.transfer import import_agencies

    before = Agency.objects.count()
    result = import_agencies(SimpleUploadedFile("机构.xlsx", _bomb("xlsx", bomb)), "机构.xlsx", dry_run=False)
    assert not result.ok and BOMB_MESSAGE in result.errors[0].message
    assert Agency.objects.count() == before and inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_catalogue_import(region, inflated, bomb):
    from catalog.models import Document
    from catalog.transfer import import_catalogue

    result = import_catalogue(_bomb("xlsx", bomb), "目录.xlsx", dry_run=False)
    assert not result.ok and BOMB_MESSAGE in result.errors[0].message
    assert not Document.objects.exists() and inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_report_figures_import_reads_through_the_same_table_reader(inflated, bomb):
    """reports.services.import_figures_xlsx reads with these limits (2 MB, 1,000 rows)."""
    from gongkai.tables import TableFileError, read_table

    with pytest.raises(TableFileError, match=BOMB_MESSAGE):
        read_table(SimpleUploadedFile("填报.xlsx", _bomb("xlsx", bomb)), max_bytes=2 * 1024 * 1024, max_rows=1000,
                   sheet_title="填报数据")
    assert inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_auditor_upload(region, inflated, bomb):
    """年报体检 in the workbench: the file is a failed row with its reason; the batch goes on."""
    from report_checkup import services as checkup
    from report_checkup.models import CheckedStatus

    files = [SimpleUploadedFile("年报.docx", _bomb("docx", bomb)), SimpleUploadedFile("好.txt", "2024年度报告".encode())]
    batch = checkup.check_uploads(None, region["county"], files)
    rows = {r.file_name: r for r in batch.reports.all()}
    assert rows["年报.docx"].status == CheckedStatus.FAILED
    assert rows["年报.docx"].error.startswith("文件“年报.docx”") and BOMB_MESSAGE in rows["年报.docx"].error
    assert rows["好.txt"].status == CheckedStatus.DONE and inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_auditor_command_line(inflated, bomb):
    """`gongkai checkup`: the report's JSON carries IMP-E02 with the reason."""
    from report_checkup.checkup import check_file

    result = check_file(_bomb("docx", bomb), "年报.docx")
    assert [f["code"] for f in result["findings"]] == ["IMP-E02"]
    assert BOMB_MESSAGE in result["findings"][0]["message"] and inflated["max"] <= CAP


def test_auditor_reads_a_real_docx_through_the_counted_reader(inflated):
    from report_checkup.checkup import check_file

    result = check_file(bombs.nested("docx"), "年报.docx")
    assert result["input_kind"] == "docx" and 0 < inflated["max"] < 2 * 1024 * 1024
