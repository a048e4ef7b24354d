"""gongkai.file_reading: ZIP limits checked before inflating and counted while inflating, DTDs refused, the
type by content, text decoding, PDF in a child process with a time budget, uploads capped while streaming."""

import io
import zipfile

import pytest

from gongkai import file_reading
from gongkai.file_reading import FileRefused, ZipPackage

from . import bombs


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize(("bomb", "message"), [("one entry", "解压后超过 100 MB，疑似压缩炸弹"),
                                               ("ratio", "压缩比超过 100 倍，疑似压缩炸弹"),
                                               ("entry count", "包含的条目过多（超过 10000 个）")])
def test_bombs_are_refused_from_the_directory(inflated, kind, bomb, message):
    with pytest.raises(FileRefused, match=message):
        file_reading.sniff(bombs.BOMBS[bomb](kind))
    assert inflated["max"] == 0  # refused before anything was inflated


def test_a_lying_end_record_is_refused_before_zipfile_parses_the_directory():
    data = bytearray(bombs.many_entries("docx"))
    at = data.rfind(b"PK\x05\x06")
    data[at + 8:at + 12] = b"\x01\x00\x01\x00"  # claims one entry; the directory is still 10,001 long
    with pytest.raises(FileRefused, match="条目过多"):
        ZipPackage(bytes(data))


def test_nested_archive_is_never_opened(inflated):
    document = file_reading.open_docx(bombs.nested("docx"))
    assert document.paragraphs[0].text == "关于印发实施方案的通知"
    workbook = file_reading.open_workbook(bombs.nested("xlsx"))
    assert next(workbook.worksheets[0].iter_rows(values_only=True)) == ("机构编码", "机构全称")
    workbook.close()
    assert 0 < inflated["max"] < 2 * 1024 * 1024  # XML parts only; the 8 MB embedded bomb stays compressed


def _zip(**parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name.replace("_", "."), text)
    return out.getvalue()


def test_inflated_bytes_are_counted_and_capped():
    package = ZipPackage(_zip(a_xml="<a>" + "x" * 5000 + "</a>", b_xml="<b>" + "y" * 5000 + "</b>"))
    assert package.read("a.xml").startswith(b"<a>") and package.inflated == 5007
    package.limits = file_reading.ZipLimits(max_total=8000)  # as if the directory had lied
    with pytest.raises(FileRefused, match="解压后超过"):
        package.read("b.xml")
    assert package.inflated <= 8000 + 5007


def test_xml_parts_with_a_dtd_are_refused():
    package = ZipPackage(_zip(a_xml='<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'))
    with pytest.raises(FileRefused, match="DTD"):
        package.read("a.xml")
    # A DOCTYPE-like text inside the document is content, not a declaration.
    assert ZipPackage(_zip(a_xml="<a>&lt;!DOCTYPE x&gt; <!-- x --></a>")).read("a.xml")


def test_damaged_zip():
    with pytest.raises(file_reading.FileDamaged, match="已损坏"):
        ZipPackage(b"PK\x03\x04" + b"\x00" * 100)


def test_workbook_and_docx_are_read_through_the_package(inflated):
    from docx import Document
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["名称", 3])
    out = io.BytesIO()
    book.save(out)
    workbook = file_reading.open_workbook(out.getvalue())
    assert list(workbook.worksheets[0].iter_rows(values_only=True)) == [("名称", 3)]
    workbook.close()
    counted = inflated["max"]
    assert counted > 0
    document = Document()
    document.add_paragraph("关于印发")
    document.add_picture(io.BytesIO(_png()))
    out = io.BytesIO()
    document.save(out)
    assert [p.text for p in file_reading.open_docx(out.getvalue()).paragraphs][0] == "关于印发"


def _png() -> bytes:
    import struct
    import zlib

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n", "pdf"), (b"\xef\xbb\xbf  %PDF-1.4", "pdf"), (b"\x89PNG\r\n\x1a\n....", "png"),
    (b"MZ\x90\x00", "executable"), ("关于印发方案".encode("gb18030"), "text"), ("一\t二\r\n".encode(), "text"),
    (b"<html><body>x</body></html>", "html"), (b"\x00\x01\x02", "binary"),
    ("表格".encode("utf-16"), "text"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "ole"),
])
def test_sniff_by_content(data, kind):
    assert file_reading.sniff(data).kind == kind


def test_decode_text():
    assert file_reading.decode_text("政府".encode("gb18030")) == ("政府", "gb18030")
    assert file_reading.decode_text("政府".encode("utf-8-sig")) == ("政府", "utf-8-sig")
    with pytest.raises(file_reading.UndecodableText, match="UTF-16"):
        file_reading.decode_text(b"\xff\xfe\xfa")
    assert file_reading.decode_text("政府".encode()[:-1], strict=False) == ("政", "utf-8")  # a cut-off prefix
    assert file_reading.decode_text(b"\x81\x30", strict=False)[1] == "utf-8?"


def _pdf(*lines: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_text_in_a_child_process_with_a_page_cap():
    read = file_reading.pdf_text(_pdf(), max_pages=0, seconds=30)
    assert read.page_count == 1 and read.pages == [] and read.stopped == "pages"
    assert file_reading.pdf_text(b"%PDF-1.4 broken", seconds=30).error


def test_pdf_text_stops_at_the_time_budget():
    """The child is killed when the budget runs out (here before it could even start reading)."""
    read = file_reading.pdf_text(_pdf(), seconds=0.05)
    assert read.stopped == "time" and read.pages == []


@pytest.mark.parametrize(("script", "stopped", "error"), [
    ("kill -9 $$", "memory", ""),  # killed by a signal: an allocation refused in C code aborts, the kernel kills
    ("echo 'MemoryError' >&2; exit 1", "memory", ""),
    ("echo 'ModuleNotFoundError: No module named gongkai' >&2; exit 1", "", "ChildExit1"),
    ("exit 3", "", "ChildExit3"),
])
def test_pdf_child_exit_is_called_memory_only_when_it_was(tmp_path, monkeypatch, script, stopped, error):
    """A child that could not start or crashed is an error (a note that the text could not be read), not
    "所需内存过多"."""
    import sys

    child = tmp_path / "child.sh"
    child.write_text(f"#!/bin/sh\n{script}\n")
    child.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(child))
    read = file_reading.pdf_text(_pdf())
    assert (read.stopped, read.error, read.pages) == (stopped, error, [])


def test_read_upload_refuses_by_size_before_reading():
    class Upload:
        size = 2 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read")

    upload = Upload()
    with pytest.raises(FileRefused, match="大小为 2.0 MB，超过 1 MB 的上限，已拒绝"):
        file_reading.read_upload(upload, 1024 * 1024)


def test_read_upload_never_reads_past_the_limit_whatever_the_size_says():
    upload = io.BytesIO(b"x" * 5000)
    with pytest.raises(FileRefused, match="上限"):
        file_reading.read_upload(upload, 1000)
    assert upload.tell() == 1001
    assert file_reading.read_upload(io.BytesIO(b"abc"), 3) == b"abc"


def test_read_path_refuses_by_size_before_reading_and_never_reads_past_the_limit(tmp_path):
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as handle:
        handle.truncate(3 * 1024 * 1024 * 1024)  # 3 GB, sparse: nothing is read, or the test would need it
    with pytest.raises(FileRefused, match=r"大小为 3072\.0 MB，超过 1 MB 的上限"):
        file_reading.read_path(big, 1024 * 1024)
    with pytest.raises(FileRefused, match="超过 1 MB 的上限"):  # a device says 0 bytes and never ends
        file_reading.read_path("/dev/zero", 1024 * 1024)
    small = tmp_path / "small.csv"
    small.write_bytes(b"abc")
    assert file_reading.read_path(small, 3) == b"abc"


def test_upload_handler_keeps_at_most_the_cap(settings):
    settings.GONGKAI_UPLOAD_MAX_MB = 1
    handler = file_reading.CappedUploadHandler()
    handler.new_file("file", "big.xlsx", "application/octet-stream", None)
    for start in range(0, 3 * 1024 * 1024, 64 * 1024):
        handler.receive_data_chunk(b"0" * (64 * 1024), start)
    upload = handler.file_complete(3 * 1024 * 1024)
    assert upload.size == 3 * 1024 * 1024 and upload.truncated
    assert len(upload.read()) == 1024 * 1024 + 1  # on disk: the cap and one byte, never the rest
    with pytest.raises(FileRefused, match="大小为 3.0 MB，超过 1 MB 的上限"):
        file_reading.read_upload(upload, 1024 * 1024)
