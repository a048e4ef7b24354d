"""Zip bombs made in the tests (never stored in the repository): DOCX, XLSX and OFD whose one entry inflates past
the reader's cap, whose compression ratio is a bomb's, with too many entries, or with a nested archive."""

import functools
import io
import zipfile

from demo.files import pdf_file
from gongkai import file_reading

LIMITS = file_reading.DEFAULT_LIMITS
_PARTS = {
    "docx": {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "word/document.xml": "<w:document xmlns:w='x'/>",
    },
    "xlsx": {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "xl/workbook.xml": "<workbook/>",
    },
    "ofd": {  # GB/T 33190: the entry file OFD.xml names the document's folder
        "OFD.xml": '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
        "Doc_0/Document.xml": "<ofd:Document xmlns:ofd='http://www.ofdspec.org/2016'/>",
    },
}
_BIG_PART = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml", "ofd": "Doc_0/Pages/Page_0/Content.xml"}


def _zeros(archive: zipfile.ZipFile, name: str, size: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as part:
        chunk = b"0" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            part.write(chunk)
        part.write(b"0" * (size % len(chunk)))


def _package(kind: str, extra) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS[kind].items():
            if name != _BIG_PART[kind]:
                archive.writestr(name, text)
        extra(archive)
    return out.getvalue()


@functools.cache
def one_entry(kind: str) -> bytes:
    """One entry inflating past the total cap (about 100 KB on disk)."""
    return _package(kind, lambda a: _zeros(a, _BIG_PART[kind], LIMITS.max_total + 1024 * 1024))


@functools.cache
def ratio(kind: str) -> bytes:
    """Under every size cap, but inflating a thousandfold (the issue's 0.9 MB XLSX under the old 300 MB cap)."""
    return _package(kind, lambda a: _zeros(a, _BIG_PART[kind], 8 * 1024 * 1024))


@functools.cache
def many_entries(kind: str) -> bytes:
    def extra(archive):
        for n in range(LIMITS.max_entries + 1):
            archive.writestr(f"x/{n}.xml", b"")
    return _package(kind, extra)


def real(kind: str) -> bytes:
    """A real, small DOCX (python-docx) or XLSX (openpyxl)."""
    out = io.BytesIO()
    if kind == "docx":
        from docx import Document

        document = Document()
        document.add_paragraph("关于印发实施方案的通知")
        document.save(out)
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["机构编码", "机构全称"])
        book.save(out)
    return out.getvalue()


@functools.cache
def nested(kind: str) -> bytes:
    """A real document with an embedded archive that is itself a bomb: never opened by any reader."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real(kind))) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            copy.writestr(item.filename, source.read(item))
        folder = "word" if kind == "docx" else "xl"
        copy.writestr(zipfile.ZipInfo(f"{folder}/embeddings/oleObject1.bin"), ratio("xlsx"), zipfile.ZIP_STORED)
    return out.getvalue()


BOMBS = {"one entry": one_entry, "ratio": ratio, "entry count": many_entries}


@functools.cache
def pdf(pages: int, inflated: int) -> bytes:
    """A PDF of `pages` pages sharing one FlateDecode content stream that inflates to `inflated` bytes of
    drawing operators: a decompression bomb inside a PDF (a few hundred KB on disk), or a page-count bomb."""
    import zlib

    packer, chunk, parts, total = zlib.compressobj(9), b"0 0 m 1 1 l S\n" * 65536, [], 0
    while total < inflated:
        parts.append(packer.compress(chunk))
        total += len(chunk)
    stream = b"".join(parts) + packer.flush()
    contents = 3 + pages
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{' '.join(f'{3 + i} 0 R' for i in range(pages))}] /Count {pages} >>".encode()]
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {contents} 0 R >>".encode()] * pages
    objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream")
    return pdf_file(objects, "1.7")
