"""Attachments are judged by their content, their text is extracted for search, and bad input is refused
with a Chinese message naming the file — never with another exception."""

import contextlib
import functools
import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.attachments import MAX_TEXT_CHARS, inspect_attachment

# ---------------------------------------------------------------------------------------------- real files


def make_pdf(*lines: str) -> bytes:
    """A minimal hand-written PDF with one page per line of (Latin-1) text, and a correct xref table."""
    lines = lines or ("Hello Gongkai",)
    page_ids = [3 + 2 * i for i in range(len(lines))]
    font_id = 3 + 2 * len(lines)
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids),
                                                              len(lines)),
               font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    for page_id, line in zip(page_ids, lines, strict=True):
        stream = b"BT /F1 12 Tf 20 100 Td (" + line.encode("latin-1") + b") Tj ET"
        objects[page_id] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page_id + 1, font_id))
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def encrypt_pdf(pdf: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(paragraphs=("关于做好秋季学期学生资助工作的通知",), table=(("项目", "标准"), ("助学金", "2000元"))) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(rows=(("学校", "人数"), ("第一中学", 120))) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资助名单"
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_ofd(pages=(("关于印发", "实施方案的通知"), ("第二页正文",))) -> bytes:
    """GB/T 33190 layout: OFD.xml → Doc_0/Document.xml → Pages/Page_N/Content.xml with TextObject/TextCode."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD">'
                                    "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        archive.writestr("Doc_0/Document.xml", f"<ofd:Document {ns}><ofd:Pages/></ofd:Document>")
        # Page_10 after Page_2: the order is numeric, not alphabetical.
        numbers = [0, 2, 10][: len(pages)]
        for number, texts in zip(numbers, pages, strict=True):
            objects = "".join(f'<ofd:TextObject ID="{i}"><ofd:TextCode X="0" Y="0">{text}</ofd:TextCode></ofd:TextObject>'
                              for i, text in enumerate(texts))
            archive.writestr(f"Doc_0/Pages/Page_{number}/Content.xml",
                             f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="1">'
                             f"{objects}</ofd:Layer></ofd:Content></ofd:Page>")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x01\x00\x01\x00" + b"\x00" * 16
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 54 + b"This program cannot be run in DOS mode."


def ole2(clsid: bytes = b"\x00" * 16) -> bytes:
    """An OLE2 compound file header with its first directory sector holding a root entry of `clsid`."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, 0)  # directory starts at sector 0 (file offset 512)
    directory = bytearray(512)
    directory[:10] = "Root Entry".encode("utf-16-le")[:10]
    directory[0x50:0x60] = clsid
    return bytes(header + directory)


# ---------------------------------------------------------------------------------------------- accepted


def test_pdf_text_is_extracted_from_every_page():
    result = inspect_attachment("通知.pdf", make_pdf("First page", "Second page"))
    assert result.content_type == "application/pdf"
    assert "First page" in result.text and "Second page" in result.text
    assert result.name == "通知.pdf" and result.note == ""
    assert result.storage_name.endswith(".pdf") and result.storage_name.isascii()


def test_docx_paragraphs_and_tables():
    result = inspect_attachment("资助.docx", make_docx())
    assert "学生资助工作" in result.text and "助学金\t2000元" in result.text
    assert result.content_type.endswith("wordprocessingml.document")


def test_xlsx_cells_are_extracted():
    result = inspect_attachment("名单.xlsx", make_xlsx())
    assert "资助名单" in result.text and "第一中学\t120" in result.text


def test_ofd_text_codes_in_page_order():
    result = inspect_attachment("方案.ofd", make_ofd((("关于印发", "实施方案"), ("第二页",), ("第十页",))))
    assert result.content_type == "application/ofd"
    assert result.text.split("\n") == ["关于印发", "实施方案", "第二页", "第十页"]


def test_ofd_with_a_dtd_is_refused_without_expanding_entities():
    """No OFD, DOCX or XLSX part has a DTD; entity declarations are how XML bombs work (gongkai.file_reading)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        archive.writestr("Doc_0/Pages/Page_0/Content.xml",
                         '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Page>&lol;</Page>')
    with pytest.raises(ValidationError, match="文件“a.ofd”含有 DTD 声明"):
        inspect_attachment("a.ofd", out.getvalue())


def test_old_wps_or_doc_is_accepted_without_text():
    result = inspect_attachment("通知.wps", ole2())
    assert result.text == "" and result.note == "WPS/DOC 旧格式，未提取文本。"
    assert result.name == "通知.wps"


@pytest.mark.parametrize(("content", "name", "content_type"),
                         [(PNG, "图.png", "image/png"), (JPEG, "照片.jpg", "image/jpeg"), (GIF, "动图.gif", "image/gif")])
def test_images_are_accepted_without_text(content, name, content_type):
    result = inspect_attachment(name, content)
    assert result.content_type == content_type and result.text == "" and result.name == name


def test_plain_text_in_utf8_or_gb18030():
    utf8 = inspect_attachment("说明.txt", "政府信息公开指南".encode())
    gbk = inspect_attachment("名单.csv", "姓名,学校\n张三,第一中学\n".encode("gb18030"))
    assert utf8.text == "政府信息公开指南" and utf8.content_type == "text/plain; charset=utf-8"
    assert "第一中学" in gbk.text and gbk.content_type == "text/csv; charset=gb18030"


def test_owner_password_only_pdf_is_read():
    result = inspect_attachment("受限.pdf", encrypt_pdf(make_pdf("Restricted but readable"), user_password=""))
    assert "Restricted but readable" in result.text


# ---------------------------------------------------------------------------------------------- names


def test_harmless_mismatch_gets_the_right_extension():
    result = inspect_attachment("通知.doc", make_docx())
    assert result.name == "通知.docx" and result.storage_name.endswith(".docx")
    assert "已由“.doc”更正为“.docx”" in result.note
    assert inspect_attachment("photo.png", JPEG).name == "photo.jpg"
    assert inspect_attachment("扫描件", make_pdf()).name == "扫描件.pdf"


def test_storage_name_is_safe_ascii_without_path_parts():
    result = inspect_attachment("../../etc/passwd/..\\..\\win.ini/../报告 2024.pdf", make_pdf())
    assert result.name == "报告 2024.pdf"
    assert "/" not in result.storage_name and "\\" not in result.storage_name and ".." not in result.storage_name
    assert result.storage_name.isascii() and result.storage_name.endswith(".pdf")
    assert inspect_attachment("\u202egpj.exe", make_pdf()).name == "gpj.pdf"  # bidi override dropped


# ---------------------------------------------------------------------------------------------- refused


def test_executable_renamed_as_pdf_is_refused_with_the_file_name():
    with pytest.raises(ValidationError) as info:
        inspect_attachment("x.pdf", PE)
    assert info.value.messages == ["文件“x.pdf”的内容不是 PDF（实际为可执行文件），已拒绝。"]


@pytest.mark.parametrize(("name", "content", "what"), [
    ("setup.exe", PE, "可执行文件"),
    ("tool", ELF, "可执行文件"),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n", "脚本文件"),
    ("page.html", b"<!DOCTYPE html><html><body>hi</body></html>", "网页或脚本"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "网页或脚本"),
    ("notes.txt", b"hello <script>alert(1)</script>", "网页或脚本"),
    ("bundle.zip", None, "压缩包"),
    ("installer.doc", ole2(bytes.fromhex("84100c0000000000c000000000000046")), "Windows 安装程序"),
    ("macro.docx", None, "含宏的 Office 文档"),
    ("blob.bin", bytes(range(256)), "无法识别的二进制文件"),
])
def test_dangerous_or_unknown_content_is_refused(name, content, what):
    if name == "bundle.zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("a.txt", "x")
        content = out.getvalue()
    if name == "macro.docx":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(make_docx())) as source, zipfile.ZipFile(out, "w") as archive:
            for item in source.infolist():
                archive.writestr(item, source.read(item))
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
        content = out.getvalue()
    with pytest.raises(ValidationError) as info:
        inspect_attachment(name, content)
    message = info.value.messages[0]
    assert f"“{name}”" in message and what in message and message.endswith("已拒绝。")


def test_password_protected_pdf_is_refused():
    with pytest.raises(ValidationError, match="打开密码"):
        inspect_attachment("密.pdf", encrypt_pdf(make_pdf(), user_password="secret"))


def test_oversized_file_is_refused(settings):
    settings.GONGKAI_ATTACHMENT_MAX_MB = 1
    with pytest.raises(ValidationError, match=r"文件“大.pdf”大小为 1\.0 MB，超过 1 MB 的上限"):
        inspect_attachment("大.pdf", make_pdf() + b" " * (1024 * 1024))


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空文件"):
        inspect_attachment("空.pdf", b"")


def test_zip_bomb_docx_is_refused_before_inflating():
    """A DOCX whose document.xml inflates to 400 MB: refused from the declared sizes, nothing is inflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, source.read(item))
        with bomb.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(400):
                part.write(chunk)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="疑似压缩炸弹"):
        inspect_attachment("炸弹.docx", out.getvalue())


def test_damaged_zip_is_refused():
    with pytest.raises(ValidationError, match="已损坏"):
        inspect_attachment("坏.docx", make_docx()[:200])


# ---------------------------------------------------------------------------------------------- extraction never raises


def test_damaged_pdf_is_accepted_with_a_note():
    result = inspect_attachment("坏.pdf", b"%PDF-1.4\n garbage without objects")
    assert result.text == "" and "PDF" in result.note


def test_docx_whose_xml_is_broken_is_accepted_with_a_note():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as source, zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, b"<not xml" if item.filename == "word/document.xml" else source.read(item))
    result = inspect_attachment("坏.docx", out.getvalue())
    assert result.text == "" and result.note == "DOCX 文本提取失败（文件可能已损坏）。"


def test_text_is_capped():
    result = inspect_attachment("长.txt", b"a" * (MAX_TEXT_CHARS + 10))
    assert len(result.text) == MAX_TEXT_CHARS and "已截断" in result.note


def test_scanned_pdf_without_text_has_a_note():
    result = inspect_attachment("扫描.pdf", make_pdf(""))
    assert result.text == "" and "扫描件" in result.note


PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n", b"MZ",
            b"<svg", b"\xef\xbb\xbf"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2048),
       name=st.text(max_size=80))
def test_arbitrary_bytes_never_raise_anything_but_validation_error(prefix, body, name):
    try:
        result = inspect_attachment(name, prefix + body)
    except ValidationError as exc:
        assert exc.messages and all(m.endswith("。") for m in exc.messages)
        return
    assert result.storage_name.isascii() and "/" not in result.storage_name and "\\" not in result.storage_name
    assert 0 < len(result.name) <= 200 and len(result.note) <= 200 and "\x00" not in result.text


@functools.lru_cache(maxsize=1)
def real_files() -> tuple[bytes, ...]:
    # Made once: DOCX/XLSX carry timestamps, and hypothesis needs the same bytes on every replay.
    return (make_pdf("abc"), make_docx(), make_xlsx(), make_ofd())


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_mangled_real_files_never_raise_anything_but_validation_error(data):
    original = data.draw(st.sampled_from(real_files()))
    position = data.draw(st.integers(0, len(original) - 1))
    junk = data.draw(st.binary(min_size=1, max_size=64))
    mangled = original[:position] + junk + original[position + len(junk):]
    with contextlib.suppress(ValidationError):
        inspect_attachment("f", mangled)
