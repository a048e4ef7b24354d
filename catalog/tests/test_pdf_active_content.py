"""PDF attachments with JavaScript or automatic actions (issue 16 §7): flagged at upload (catalog.attachments
through gongkai.file_reading) and always served as a download, never shown inline."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from catalog import services
from catalog.attachments import inspect_attachment
from gongkai import file_reading

from .test_attachments import make_pdf


def _pdf(change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Notice"))))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action_js(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")})


def _names_js(writer):
    """A document-level script in the /Names tree (what pypdf's former add_js wrote)."""
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('x');")})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("init"), writer._add_object(action)])})})


def _open_action_page(writer):
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference,
                                                                  NameObject("/Fit")])


def _page_aa(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("this.print();")})})


def _launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})


@pytest.mark.parametrize("change, expected", [
    (_names_js, {"JavaScript"}),
    (_open_action_js, {"JavaScript", "OpenAction"}),
    (_page_aa, {"AA", "JavaScript"}),
    (_launch, {"Launch", "OpenAction"}),
])
def test_active_content_is_flagged(change, expected):
    result = inspect_attachment("通知.pdf", _pdf(change))
    assert set(result.active_content) >= expected
    assert "公众只能下载" in result.note
    assert "Notice" in result.text  # still accepted, still searchable


def test_a_page_to_open_at_is_not_active_content():
    """/OpenAction with a destination (a page and a zoom) is not an action: not flagged."""
    result = inspect_attachment("通知.pdf", _pdf(_open_action_page))
    assert result.active_content == ()
    assert inspect_attachment("通知.pdf", make_pdf("Plain")).active_content == ()


def test_escaped_names_in_the_bytes_are_recognised():
    data = make_pdf("x").replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (1) >>")
    assert file_reading.pdf_active_markers(data) == ["JavaScript", "OpenAction"]


@pytest.mark.django_db
def test_flagged_pdf_is_served_as_a_download_only(region, editorial, draft_fields, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    editor, reviewer = editorial["editor"], editorial["reviewer"]
    document = services.create_draft(publisher=region["edu"], user=editor, **draft_fields()).document
    flagged = services.add_attachment(document, user=editor, name="附件.pdf", content=_pdf(_open_action_js))
    plain = services.add_attachment(document, user=editor, name="附件2.pdf", content=make_pdf("Plain"))
    assert flagged.active_content == "JavaScript,OpenAction" and plain.active_content == ""
    client.force_login(reviewer)
    assert "仅供下载" in client.get(reverse("catalog:detail", args=[document.pk])).content.decode()
    services.submit(document, user=editor)
    services.pass_secrecy_review(document, user=reviewer)
    services.publish(document, user=reviewer)
    client.logout()
    response = client.get(reverse("portal:attachment", args=[flagged.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    response = client.get(reverse("portal:attachment", args=[plain.pk]))
    assert response["Content-Disposition"].startswith("attachment") and response["Content-Type"] == "application/pdf"
