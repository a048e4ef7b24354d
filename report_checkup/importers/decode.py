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
_IMAGES = ("png", "jpeg")  # a scanned page saved as an image: read by OCR (ocr.py)
# Kinds file_reading recognises that the checkup does not read, with what to tell the person.
REFUSED = {
    "executable": "这是可执行程序，不是报告，已拒绝（未保存）",
    "script": "这是脚本文件，不是报告，已拒绝（未保存）",
    "msi": "这是 Windows 安装程序，不是报告，已拒绝（未保存）",
    "shortcut": "这是 Windows 快捷方式，不是报告，已拒绝（未保存）",
    "archive": "这是压缩包：请解压后逐份上传报告文件（未保存）",
    "zip": "这是压缩包（不是 Word 文档）：请解压后逐份上传报告文件（未保存）",
    "office-macro": "这是含宏的 Office 文档，已拒绝：请另存为不含宏的 DOCX 或 PDF（未保存）",
    "office-other": "这是表格或演示文稿等其他 Office 文档，不是年度报告的 Word 文档（未保存）",
    "xlsx": "这是 Excel 表格：年度报告请上传 Word（DOCX）、PDF、网页或文本（未保存）",
    "ole": "这是旧版 Word/WPS（.doc/.wps）文件：请另存为 DOCX 或 PDF 后上传（未保存）",
    "ofd": "这是 OFD 版式文件，暂不能体检：请用 OFD 阅读器另存为 PDF 后上传（未保存）",
    "rtf": "这是 RTF 文档：请另存为 DOCX 或 PDF 后上传（未保存）",
    "gif": "这是 GIF 图片：扫描件请以 PDF、PNG 或 JPEG 上传（未保存）",
}


def refusal(data: bytes) -> str:
    """Why the checkup does not read `data`, in Chinese, by its content ("" when it is read)."""
    try:
        kind = file_reading.sniff(data).kind
    except file_reading.FileRefused as refused:
        return refused.for_file()
    if kind in _READABLE or kind in _IMAGES:
        return ""
    return REFUSED.get(kind, "无法识别的文件类型（不是PDF、DOCX、HTML、文本或扫描图像），未读取")


def sniff(data: bytes) -> str:
    """The input kind by content, not by file name: pdf, docx, html, text, image or binary. A ZIP beyond the
    reader's limits (a zip bomb) raises file_reading.FileRefused; a damaged one is "binary"."""
    try:
        sniffed = file_reading.sniff(data)
    except file_reading.FileDamaged:
        return "binary"
    if sniffed.kind in _READABLE:
        return sniffed.kind
    if sniffed.kind in _IMAGES:
        return "image"
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
