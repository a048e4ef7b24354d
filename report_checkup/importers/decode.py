"""Bytes → text for the checkup: kind sniffing by content and encoding detection (both from
gongkai.file_reading, the one reader of untrusted files), and traditional → simplified characters (§6.1
step 1, OpenCC through report_formats.formats: mirror copies of report pages are often converted to traditional
characters)."""

from __future__ import annotations

from gongkai import file_reading
from report_formats import formats

# A published report is far smaller; larger input is refused with IMP-E01 rather than read.
MAX_BYTES = 20 * 1024 * 1024
_READABLE = ("pdf", "docx", "html", "text")


def sniff(data: bytes) -> str:
    """The input kind by content, not by file name: pdf, docx, html, text or binary. A ZIP beyond the
    reader's limits (a zip bomb) raises file_reading.FileRefused; a damaged one is "binary"."""
    try:
        sniffed = file_reading.sniff(data)
    except file_reading.FileDamaged:
        return "binary"
    if sniffed.kind in _READABLE:
        return sniffed.kind
    if sniffed.kind == "binary":
        # Text in a mix of encodings is still read (with replacement characters); control bytes are not text.
        text = decode_text(data[:65536])[0]
        if not file_reading.looks_binary(text):
            return "html" if file_reading.sniff(text.encode("utf-8")).kind == "html" else "text"
    return "binary"


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOMs first, then strict UTF-8, then GB18030 (a superset of GBK/GB2312); as a last
    resort UTF-8 with replacement characters ("utf-8?"), so that an undecodable byte never stops an import."""
    return file_reading.decode_text(data, strict=False)


def to_simplified(text: str) -> tuple[str, int]:
    """(text, number of characters converted). The count becomes an INFO finding when non-zero."""
    converted = formats.to_simplified(text)
    changed = sum(1 for a, b in zip(text, converted, strict=False) if a != b) if converted != text else 0
    return converted, changed
