"""Every upload point refuses a zip bomb made here, with a Chinese message, without inflating more than the
shared reader's cap (counted by gongkai.tests.conftest.inflated) and without storing anything. Timing and
memory are measured in bench/upload_limits.py, not asserted here.

The upload points (FileField, MultipleFileField, request.FILES, and the commands that read a file):
领导信箱 letters (public); catalogue attachments (staff form and the import's attachment folder); the catalogue
and agency imports (web and `gongkai catalogue/agencies import`); report figures (staff); 年报体检 (web and
`gongkai checkup`/`gongkai audit`); the files of a 依申请公开 case (the applicant's online 补正, staff's 登记收到补正,
the reply's and later released files: one CaseFilesField and case_files.validate); 更正申请 evidence (public
form and staff registration). The public API only reads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.file_reading import DEFAULT_LIMITS

from . import bombs

pytestmark = pytest.mark.django_db
CAP = DEFAULT_LIMITS.max_total
BOMB_MESSAGE = "疑似压缩炸弹"
CASES = [(kind, bomb) for kind in ("docx", "xlsx") for bomb in bombs.BOMBS]
# Upload points that take OFD as well (an OFD is a ZIP package too).
ALL_KINDS = [(kind, bomb) for kind in ("docx", "xlsx", "ofd") for bomb in bombs.BOMBS]


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


@pytest.mark.parametrize(("kind", "bomb"), ALL_KINDS)
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
def test_report_figures_import(region, inflated, bomb):
    """填报表 upload (reports.views.FiguresUploadView → reports.services.import_figures_xlsx): nothing written."""
    from reports import services
    from reports.models import EnteredValue

    upload = SimpleUploadedFile("填报.xlsx", _bomb("xlsx", bomb))
    result = services.import_figures_xlsx(region["edu"], 2024, upload, upload.name, None)
    assert not result.ok and BOMB_MESSAGE in result.errors[0].message
    assert not EnteredValue.objects.exists() and inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_checkup_upload(region, inflated, bomb):
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
def test_checkup_command_line(inflated, bomb):
    """`gongkai checkup`: the report's JSON carries IMP-E02 with the reason."""
    from report_checkup.checkup import check_file

    result = check_file(_bomb("docx", bomb), "年报.docx")
    assert [f["code"] for f in result["findings"]] == ["IMP-E02"]
    assert BOMB_MESSAGE in result["findings"][0]["message"] and inflated["max"] <= CAP


def test_checkup_reads_a_real_docx_through_the_counted_reader(inflated):
    from report_checkup.checkup import check_file

    result = check_file(bombs.nested("docx"), "年报.docx")
    assert result["input_kind"] == "docx" and 0 < inflated["max"] < 2 * 1024 * 1024


@pytest.mark.parametrize(("kind", "bomb"), ALL_KINDS)
def test_request_case_files(inflated, kind, bomb, settings):
    """依申请公开: every form that takes case files (CorrectionAnswerForm, CorrectionReceivedForm, ReplyForm,
    LegacyReplyForm, ReleaseFilesForm) refuses them through CaseFilesField, and the services check again."""
    from django.core.exceptions import ValidationError
    from django.utils.datastructures import MultiValueDict

    from disclosure_requests import case_files
    from disclosure_requests.forms import CorrectionAnswerForm, ReleaseFilesForm

    upload = SimpleUploadedFile(f"材料.{kind}", _bomb(kind, bomb))
    for form_class in (CorrectionAnswerForm, ReleaseFilesForm):
        form = form_class(data={"text": "见附件"}, files=MultiValueDict({"files": [upload]}))
        assert not form.is_valid()
        assert any(f"文件“材料.{kind}”" in m and BOMB_MESSAGE in m for m in form.errors["files"]), form.errors
    with pytest.raises(ValidationError, match=BOMB_MESSAGE):
        case_files.validate([upload])
    assert inflated["packages"] >= 1 and inflated["max"] <= CAP


def _rectification_data(region):
    return {"agency": region["edu"].pk, "applicant_type": "natural_person", "name": "马文静", "phone": "13995123456",
            "record_description": "2025年资助名单中本人的出生日期", "inaccuracy": "应为1990年5月1日", "evidence": ""}


@pytest.mark.parametrize(("kind", "bomb"), ALL_KINDS)
def test_rectification_public_form(client, region, inflated, kind, bomb, settings, tmp_path):
    """更正申请, anonymous: the form is shown again with the reason; no request, no file."""
    from django.core.cache import cache

    from gongkai.public_forms import issue_challenge
    from rectifications.models import RecordRectificationRequest, RectificationEvidence

    cache.clear()
    settings.MEDIA_ROOT = tmp_path
    _question, token, answer = issue_challenge()
    upload = SimpleUploadedFile(f"证据.{kind}", _bomb(kind, bomb))
    response = client.post(reverse("rectifications_public:apply"), {
        **_rectification_data(region), "challenge": token, "answer": str(answer), "files": [upload]})
    page = response.content.decode()
    assert response.status_code == 400 and f"文件“证据.{kind}”" in page and BOMB_MESSAGE in page
    assert not RecordRectificationRequest.objects.exists() and not RectificationEvidence.objects.exists()
    assert inflated["packages"] >= 1 and inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_rectification_staff_registration(client, region, make_staff, inflated, bomb, settings, tmp_path):
    """更正申请 received by letter, typed in by staff with its evidence files."""
    from rectifications.models import RecordRectificationRequest, RectificationEvidence

    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_staff("edu-handler", ("request_handler", region["edu"])))
    upload = SimpleUploadedFile("证据.docx", _bomb("docx", bomb))
    response = client.post(reverse("rectifications:register"), {
        **_rectification_data(region), "channel": "letter", "received_on": "2026-03-16", "files": [upload]})
    page = response.content.decode()
    assert response.status_code == 400 and "文件“证据.docx”" in page and BOMB_MESSAGE in page
    assert not RecordRectificationRequest.objects.exists() and not RectificationEvidence.objects.exists()
    assert inflated["packages"] >= 1 and inflated["max"] <= CAP


@pytest.mark.parametrize("bomb", list(bombs.BOMBS))
def test_import_commands(region, inflated, bomb, tmp_path):
    """`gongkai agencies import` and `gongkai catalogue import`: exit status 1 with the reason, nothing written."""
    from django.core.management import CommandError, call_command

    from catalog.models import Document
    from orgs.models import Agency

    path = tmp_path / "表.xlsx"
    path.write_bytes(_bomb("xlsx", bomb))
    before = Agency.objects.count()
    for command in ("agencies", "catalogue"):
        with pytest.raises(CommandError):
            call_command(command, "import", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
        assert BOMB_MESSAGE in err.getvalue()
    assert Agency.objects.count() == before and not Document.objects.exists() and inflated["max"] <= CAP


def test_command_line_files_are_refused_by_size_before_reading(region, tmp_path, settings):
    """A file named on the command line is never read whole: its size is checked first (file_reading.read_path)."""
    from django.core.management import CommandError, call_command

    from report_checkup.checkup import check_file, check_many

    settings.GONGKAI_UPLOAD_MAX_MB = 1
    big = tmp_path / "年报.docx"
    with open(big, "wb") as handle:
        handle.truncate(2 * 1024 * 1024 * 1024)  # 2 GB, sparse
    for command in ("agencies", "catalogue"):
        with pytest.raises(CommandError, match="超过 1 MB 的上限"):
            call_command(command, "import", str(big), stdout=io.StringIO(), stderr=io.StringIO())
    for result in (check_file(big), *check_many([big])):
        assert [f["code"] for f in result["findings"]] == ["IMP-E01"]
        assert "文件“年报.docx”大小为 2048.0 MB，超过 20 MB 的上限" in result["findings"][0]["message"]


PDF_BOMBS = {"inflating stream": (1, 400 * 1024 * 1024), "5,000 pages": (5000, 1024 * 1024)}


@pytest.mark.parametrize("bomb", list(PDF_BOMBS))
def test_pdf_bombs_are_parsed_only_in_the_child_process(monkeypatch, bomb):
    """Every upload point that takes a PDF (catalogue attachments with their text; letters', case files' and
    更正申请 evidence checked without text) reads it through catalog.attachments → file_reading.pdf_text: pypdf
    runs in a child process with the page cap, the time budget and the memory limit, never in the web process
    (where it is made to fail here). The file is kept, with a note when its text was cut short."""
    import pypdf

    from catalog.attachments import MAX_PDF_PAGES, inspect_attachment

    def refuse(*args, **kwargs):
        raise AssertionError("pypdf ran in the web process")

    monkeypatch.setattr(pypdf, "PdfReader", refuse)
    data = bombs.pdf(*PDF_BOMBS[bomb])
    assert len(data) < 1024 * 1024
    for extract in (True, False):
        checked = inspect_attachment("通知.pdf", data, extract_text=extract)
        assert checked.content_type == "application/pdf" and not checked.active_content
    if bomb == "5,000 pages":
        assert inspect_attachment("通知.pdf", data).note == f"PDF 共 5000 页，只提取了前 {MAX_PDF_PAGES} 页的文本。"


def record_kept_uploads(monkeypatch, flag: str) -> list:
    """Each upload Django's request parsing completes, as (bytes on disk, real size, upload.<flag>)."""
    from gongkai import file_reading

    kept = []
    complete = file_reading.CappedUploadHandler.file_complete

    def file_complete(self, file_size):
        upload = complete(self, file_size)
        kept.append((upload.file.seek(0, 2), upload.size, getattr(upload, flag)))
        return upload

    monkeypatch.setattr(file_reading.CappedUploadHandler, "file_complete", file_complete)
    return kept


def test_an_oversized_public_upload_is_kept_only_up_to_the_cap_while_it_streams(client, region, settings, tmp_path,
                                                                                 monkeypatch):
    """领导信箱, anonymous, through Django's request parsing with settings.FILE_UPLOAD_HANDLERS: of an 11 MB
    attachment at most GONGKAI_UPLOAD_MAX_MB (+1 byte) reaches the temporary file, nothing is read into memory,
    and the writer gets the limit in Chinese."""
    from gongkai import file_reading
    from mailboxes.models import Letter, Mailbox
    from mailboxes.tests.test_public import valid_post

    settings.MEDIA_ROOT, settings.GONGKAI_UPLOAD_MAX_MB = tmp_path, 1
    kept = record_kept_uploads(monkeypatch, "truncated")
    monkeypatch.setattr(file_reading, "read_upload", lambda *args: pytest.fail("an oversized upload was read"))
    mailbox = Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")
    upload = SimpleUploadedFile("材料.pdf", b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024))
    response = client.post(reverse("mailboxes_public:write", kwargs={"code": mailbox.code}),
                           {**valid_post(), "attachments": [upload]})
    page = response.content.decode()
    assert kept == [(1024 * 1024 + 1, 11 * 1024 * 1024 + 9, True)]
    assert response.status_code == 200 and "文件“材料.pdf”大小为 11.0 MB，超过 10 MB 的上限" in page
    assert not Letter.objects.exists()


def test_one_request_keeps_at_most_the_request_total_over_all_its_files(client, region, settings, tmp_path,
                                                                       monkeypatch):
    """Several files each under the per-file cap but together over GONGKAI_UPLOAD_REQUEST_MAX_MB: what exceeds the
    request's total is not kept on disk, and the writer is told the total limit in Chinese; nothing is stored."""
    from mailboxes.models import Letter, Mailbox
    from mailboxes.tests.test_public import valid_post

    settings.MEDIA_ROOT, settings.GONGKAI_UPLOAD_MAX_MB, settings.GONGKAI_UPLOAD_REQUEST_MAX_MB = tmp_path, 5, 1
    kept = record_kept_uploads(monkeypatch, "over_request_cap")
    mailbox = Mailbox.objects.create(agency=region["county"], code="county-head", name="县长信箱", kind="leader")
    uploads = [SimpleUploadedFile(f"材料{n}.pdf", b"%PDF-1.7\n" + b"0" * (700 * 1024)) for n in (1, 2)]
    response = client.post(reverse("mailboxes_public:write", kwargs={"code": mailbox.code}),
                           {**valid_post(), "attachments": uploads})
    page = response.content.decode()
    assert sum(on_disk for on_disk, _, _ in kept) <= 1024 * 1024
    assert [over for _, _, over in kept] == [False, True]
    assert response.status_code == 200 and "本次提交的文件合计超过 1 MB 的上限" in page
    assert not Letter.objects.exists()
