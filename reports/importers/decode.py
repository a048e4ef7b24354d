"""Bytes → text for the auditor: kind sniffing by content, encoding detection, and traditional →
simplified characters (§6.1 step 1, OpenCC through reports.formats: mirror copies of report pages are
often converted to traditional characters)."""

from __future__ import annotations

import codecs
import io
import zipfile

from reports import formats

# A published report is far smaller; larger input is refused with IMP-E01 rather than read.
MAX_BYTES = 20 * 1024 * 1024


def sniff(data: bytes) -> str:
    """The input kind by content, not by file name: pdf, docx, html or text."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, EOFError):
            pass
        return "binary"
    text = decode_text(data[:8192])[0].lower()
    if any(tag in text for tag in ("<html", "<table", "<body", "<p>", "<p ", "<div", "<td", "<tr", "<br")):
        return "html"
    return "text"


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding). BOMs first, then strict UTF-8, then GB18030 (a superset of GBK/GB2312); as a last
    resort UTF-8 with replacement characters, so that an undecodable byte never stops an import."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        # A truncated multi-byte sequence at the very end (sniffing a prefix) is still UTF-8.
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return data[:error.start].decode("utf-8"), "utf-8"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8?"


def to_simplified(text: str) -> tuple[str, int]:
    """(text, number of characters converted). The count becomes an INFO finding when non-zero."""
    converted = formats.to_simplified(text)
    changed = sum(1 for a, b in zip(text, converted, strict=False) if a != b) if converted != text else 0
    return converted, changed
