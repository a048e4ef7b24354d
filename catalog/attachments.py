"""Attachment inspection: what a file really is, judged by its content (magic bytes), and its text for search.

Accepted: PDF, OFD, DOCX, XLSX, WPS/DOC-family OLE2 files, PNG/JPEG/GIF images and plain text/CSV (UTF-8 or
GB18030). Everything else is refused with a Chinese message naming the file.

Decisions:
- The content decides the type, never the extension. Dangerous content (executables, installers, scripts,
  HTML/SVG/XML markup, macro-enabled Office files, archives) is refused whatever the name says. A harmless
  file whose extension disagrees with its content (a DOCX named .doc, a JPEG named .png, a PDF with no
  extension) is accepted and its extension corrected, with a note.
- A PDF that needs a password to open is refused: the public could not read it. A PDF with only an owner
  password (printing/copy restrictions) opens with the empty password and is read normally.
- Zip containers are checked before anything inflates them: entry count and the declared uncompressed size
  are capped (zipfile never returns more than the declared size of an entry), so a zip bomb is refused.
- Text extraction never raises: a damaged file whose type is certain is accepted, and `note` says why it
  has no text. Text is capped at MAX_TEXT_CHARS.
"""

import codecs
import hashlib
import html
import io
import logging
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_TEXT_CHARS = 1_000_000
MAX_ZIP_ENTRIES = 10_000
# Generous for a real DOCX/XLSX/OFD (images included), small enough that reading it cannot exhaust memory.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
# One XML part we parse ourselves (OFD page content).
MAX_XML_PART_BYTES = 20 * 1024 * 1024
MAX_NAME_CHARS = 200  # Attachment.original_name

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InspectedAttachment:
    name: str  # the name shown to the public: the original, cleaned, with its extension corrected if needed
    storage_name: str  # safe ASCII file name for the storage backend
    content_type: str
    text: str  # extracted text for search ("" when none)
    note: str  # why there is no or only partial text, or what was corrected


@dataclass(frozen=True)
class _Kind:
    code: str
    label: str  # how the type is named in messages
    extensions: tuple[str, ...]  # accepted extensions; the first is used when correcting
    content_type: str


PDF = _Kind("pdf", "PDF", (".pdf",), "application/pdf")
OFD = _Kind("ofd", "OFD", (".ofd",), "application/ofd")
DOCX = _Kind("docx", "DOCX", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = _Kind("xlsx", "XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
OLE = _Kind("ole", "WPS/DOC", (".doc", ".wps", ".xls", ".et", ".ppt", ".dps"), "application/msword")
PNG = _Kind("png", "PNG 图片", (".png",), "image/png")
JPEG = _Kind("jpeg", "JPEG 图片", (".jpg", ".jpeg"), "image/jpeg")
GIF = _Kind("gif", "GIF 图片", (".gif",), "image/gif")
TEXT = _Kind("text", "文本", (".txt", ".csv"), "text/plain")
KINDS = (PDF, OFD, DOCX, XLSX, OLE, PNG, JPEG, GIF, TEXT)
_KIND_BY_EXTENSION = {ext: kind for kind in KINDS for ext in kind.extensions}
_OLE_CONTENT_TYPES = {".doc": "application/msword", ".wps": "application/msword", ".xls": "application/vnd.ms-excel",
                      ".et": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
                      ".dps": "application/vnd.ms-powerpoint"}
ACCEPTED = "PDF、OFD、DOCX、XLSX、WPS/DOC、PNG、JPEG、GIF、TXT/CSV"

# What the refused content is, for the message; checked on the first bytes.
_DANGEROUS_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "可执行文件"),
    (b"\x7fELF", "可执行文件"),
    (b"\xfe\xed\xfa\xce", "可执行文件"), (b"\xfe\xed\xfa\xcf", "可执行文件"),
    (b"\xce\xfa\xed\xfe", "可执行文件"), (b"\xcf\xfa\xed\xfe", "可执行文件"),
    (b"\xca\xfe\xba\xbe", "可执行文件"),
    (b"#!", "脚本文件"),
    (b"L\x00\x00\x00\x01\x14\x02\x00", "Windows 快捷方式"),
    (b"Rar!", "压缩包"), (b"7z\xbc\xaf\x27\x1c", "压缩包"), (b"\x1f\x8b", "压缩包"), (b"BZh", "压缩包"),
    (b"\xfd7zXZ\x00", "压缩包"), (b"PK\x05\x06", "压缩包"),
    (b"{\\rtf", "RTF 文档"),
    (b"\x00asm", "可执行文件"),
)
# Root-entry CLSIDs of Windows Installer packages (.msi/.msp/.mst), which are OLE2 files too.
_MSI_CLSIDS = {bytes.fromhex(h) for h in ("84100c0000000000c000000000000046", "86100c0000000000c000000000000046",
                                          "82100c0000000000c000000000000046")}
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml|xml|"
                     rb"xsl|form|img|a\s|style|link|base|math|template)\b", re.IGNORECASE)
# Text files may hold tab, line breaks and form feed; other control characters mean binary content.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PATH_SEPARATORS = re.compile(r"[\\/]")


def _refuse(message: str):
    raise ValidationError(message, code="attachment")


# ---------------------------------------------------------------------------------------------- names


def _clean_name(name: str) -> str:
    """The last path part, without control or bidi-override characters, NFC, at most MAX_NAME_CHARS."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = _PATH_SEPARATORS.split(name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = name.strip().strip(".").strip()
    if not name:
        name = "附件"
    if len(name) > MAX_NAME_CHARS:
        stem, ext = _split_ext(name)
        name = stem[: MAX_NAME_CHARS - len(ext)] + ext
    return name


def _split_ext(name: str) -> tuple[str, str]:
    # An extension has a letter: "通知2024.5" has none, and "5" is part of its name.
    match = re.search(r"(\.(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,8})$", name)
    if not match or match.start() == 0:
        return name, ""
    return name[: match.start()], match[1].lower()


def _storage_name(display_name: str, extension: str, content: bytes) -> str:
    """ASCII letters, digits, '-' and '_' from the original stem plus a content digest: no path parts, no
    user-controlled dots, deterministic for the same file (so re-imports name files alike)."""
    stem, _ext = _split_ext(display_name)
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "-", unicodedata.normalize("NFKD", stem).encode("ascii", "ignore")
                        .decode("ascii")).strip("-_")[:40].strip("-_")
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{ascii_stem or 'attachment'}-{digest}{extension}"


# ---------------------------------------------------------------------------------------------- detection


@dataclass
class _Detected:
    kind: _Kind | None  # None: refused, `what` says what it is
    what: str = ""
    note: str = ""
    zip_names: tuple[str, ...] = ()


def _zip_names(content: bytes, display: str) -> tuple[str, ...]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                _refuse(f"文件“{display}”包含的条目过多（超过 {MAX_ZIP_ENTRIES} 个），疑似压缩炸弹，已拒绝。")
            if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
                _refuse(f"文件“{display}”解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB，疑似压缩炸弹，已拒绝。")
            if any(info.flag_bits & 0x1 for info in infos):
                _refuse(f"文件“{display}”的内容已加密，无法检查，已拒绝；请上传未加密的版本。")
            return tuple(info.filename for info in infos)
    except ValidationError:
        raise
    except Exception:  # BadZipFile, struct.error, NotImplementedError, ValueError … on damaged archives
        _refuse(f"文件“{display}”已损坏（压缩结构无法读取），已拒绝。")


def _ole_clsid(content: bytes) -> bytes:
    """The root storage's CLSID of an OLE2 compound file (b"" when the header is implausible)."""
    try:
        sector_shift = struct.unpack_from("<H", content, 0x1E)[0]
        first_dir_sector = struct.unpack_from("<I", content, 0x30)[0]
        if sector_shift not in (9, 12):
            return b""
        offset = (first_dir_sector + 1) << sector_shift
        return content[offset + 0x50: offset + 0x60]
    except (struct.error, OverflowError):
        return b""


def _looks_like_text(content: bytes) -> str | None:
    """The decoded text when `content` is UTF-8 or GB18030 text without binary control bytes."""
    body = content[len(codecs.BOM_UTF8):] if content.startswith(codecs.BOM_UTF8) else content
    if _BINARY_BYTES.search(body):
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _detect(content: bytes, display: str) -> _Detected:
    head = content[:64]
    if head.startswith(b"%PDF-"):
        return _Detected(PDF)
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(content, display)
        name_set = set(names)
        lowered = {n.lower() for n in names}
        if "[Content_Types].xml" in name_set:
            if any(n.endswith("vbaproject.bin") for n in lowered):
                return _Detected(None, "含宏的 Office 文档")
            if "word/document.xml" in name_set:
                return _Detected(DOCX, zip_names=names)
            if "xl/workbook.xml" in name_set:
                return _Detected(XLSX, zip_names=names)
            return _Detected(None, "其他 Office 文档")
        if "OFD.xml" in name_set:
            return _Detected(OFD, zip_names=names)
        if any(n.startswith("META-INF/") for n in names) and any(n.endswith(".class") for n in lowered):
            return _Detected(None, "可执行文件")
        return _Detected(None, "压缩包")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if _ole_clsid(content) in _MSI_CLSIDS:
            return _Detected(None, "Windows 安装程序")
        encrypted = "E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e".encode("latin-1")
        if encrypted in content:
            return _Detected(OLE, note="已加密的 Office 文档，未提取文本。")
        return _Detected(OLE, note="WPS/DOC 旧格式，未提取文本。")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _Detected(PNG, note="图片，无可提取的文本。")
    if head.startswith(b"\xff\xd8\xff"):
        return _Detected(JPEG, note="图片，无可提取的文本。")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _Detected(GIF, note="图片，无可提取的文本。")
    for magic, what in _DANGEROUS_MAGIC:
        if head.startswith(magic):
            return _Detected(None, what)
    text = _looks_like_text(content)
    if text is not None:
        # Markup would be rendered by a browser that sniffs the content; a notice never needs it.
        if _MARKUP.search(content[:65536]) or b"<script" in content.lower():
            return _Detected(None, "网页或脚本（HTML/SVG/XML）")
        return _Detected(TEXT)
    return _Detected(None, "无法识别的二进制文件")


# ---------------------------------------------------------------------------------------------- text


def _cap(text: str) -> tuple[str, str]:
    text = text.replace("\x00", "")  # PostgreSQL text columns cannot hold NUL
    if len(text) > MAX_TEXT_CHARS:
        return text[:MAX_TEXT_CHARS], f"文本超过 {MAX_TEXT_CHARS:,} 字，已截断。"
    return text, ""


class _Enough(Exception):
    """Raised by a collector when the text cap is reached, to stop reading."""


class _Collector:
    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        if not text:
            return
        self.parts.append(text)
        self.size += len(text) + 1
        if self.size > MAX_TEXT_CHARS:
            raise _Enough

    def text(self) -> str:
        return "\n".join(self.parts)


def _pdf_text(content: bytes, display: str) -> tuple[str, str]:
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # AES needs the cryptography package; then we cannot know
                return "", "PDF 已加密，未能提取文本。"
            if opened == PasswordType.NOT_DECRYPTED:
                _refuse(f"文件“{display}”是设置了打开密码的 PDF，公众无法阅读，已拒绝；请上传未加密的版本。")
        pages = reader.pages
        collector = _Collector()
        try:
            for page in pages:
                collector.add((page.extract_text() or "").strip())
        except _Enough:
            pass
        text = collector.text().strip()
        return text, "" if text else "PDF 中没有可提取的文本（可能是扫描件）。"
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files (PdfReadError, KeyError, RecursionError …)
        logger.info("PDF text extraction failed for %r: %r", display, exc)
        return "", "PDF 文本提取失败（文件可能已损坏）。"


def _docx_text(content: bytes) -> tuple[str, str]:
    try:
        from docx import Document as load_docx
        from docx.table import Table

        document = load_docx(io.BytesIO(content))
        collector = _Collector()

        def table_text(table: Table) -> None:
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
                collector.add("\t".join(c for c in cells if c))

        try:
            for block in document.iter_inner_content():
                if isinstance(block, Table):
                    table_text(block)
                else:
                    collector.add(block.text.strip())
        except _Enough:
            pass
        text = collector.text().strip()
        return text, "" if text else "DOCX 中没有文本。"
    except Exception as exc:
        logger.info("DOCX text extraction failed: %r", exc)
        return "", "DOCX 文本提取失败（文件可能已损坏）。"


def _xlsx_text(content: bytes) -> tuple[str, str]:
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        collector = _Collector()
        try:
            for sheet in workbook.worksheets:
                collector.add(str(sheet.title))
                if hasattr(sheet, "reset_dimensions"):
                    # A forged <dimension> (A1:XFD1048576) would make openpyxl pad every row to 16,384 cells.
                    sheet.reset_dimensions()
                for values in sheet.iter_rows(values_only=True):
                    collector.add("\t".join(str(v).strip() for v in values if v is not None and str(v).strip()))
        except _Enough:
            pass
        finally:
            workbook.close()
        text = collector.text().strip()
        return text, "" if text else "XLSX 中没有文本。"
    except Exception as exc:
        logger.info("XLSX text extraction failed: %r", exc)
        return "", "XLSX 文本提取失败（文件可能已损坏）。"


def _natural_key(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ofd_text(content: bytes, names: tuple[str, ...]) -> tuple[str, str]:
    """GB/T 33190: page content is in …/Pages/Page_N/Content.xml; text in TextObject/TextCode elements."""
    try:
        pages = sorted((n for n in names if n.lower().endswith("content.xml") and "/pages/" in n.lower()),
                       key=_natural_key)
        collector = _Collector()
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            try:
                for name in pages:
                    with archive.open(name) as part:
                        data = part.read(MAX_XML_PART_BYTES + 1)
                    if len(data) > MAX_XML_PART_BYTES or b"<!DOCTYPE" in data:
                        continue  # a DTD (entities) has no business in OFD; skip the page rather than expand it
                    root = ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entity expansion or fetching
                    for element in root.iter():
                        if _local(element.tag) != "TextObject":
                            continue
                        line = "".join((code.text or "") for code in element.iter() if _local(code.tag) == "TextCode")
                        collector.add(html.unescape(line).strip())
            except _Enough:
                pass
        text = collector.text().strip()
        return text, "" if text else "OFD 中没有可提取的文本。"
    except Exception as exc:
        logger.info("OFD text extraction failed: %r", exc)
        return "", "OFD 文本提取失败（文件可能已损坏）。"


def _plain_text(content: bytes) -> tuple[str, str]:
    return _looks_like_text(content) or "", ""


# ---------------------------------------------------------------------------------------------- entry point


def inspect_attachment(name: str, content: bytes) -> InspectedAttachment:
    """Check an uploaded file by its content and extract its text. Raises ValidationError (in Chinese,
    naming the file) when the file is refused; never raises anything else."""
    try:
        return _inspect(name, content)
    except ValidationError:
        raise
    except Exception as exc:  # a bug here must not become a 500 on upload; refuse the file instead
        logger.exception("attachment inspection failed")
        raise ValidationError(f"文件“{_clean_name(name)}”无法检查，已拒绝。", code="attachment") from exc


def _inspect(name: str, content: bytes) -> InspectedAttachment:
    display = _clean_name(name)
    if not isinstance(content, bytes | bytearray | memoryview):
        _refuse(f"文件“{display}”没有内容。")
    content = bytes(content)
    limit_mb = int(getattr(settings, "GONGKAI_ATTACHMENT_MAX_MB", 50))
    if len(content) > limit_mb * 1024 * 1024:
        _refuse(f"文件“{display}”大小为 {len(content) / 1024 / 1024:.1f} MB，超过 {limit_mb} MB 的上限，已拒绝。")
    if not content:
        _refuse(f"文件“{display}”是空文件，已拒绝。")

    stem, extension = _split_ext(display)
    claimed = _KIND_BY_EXTENSION.get(extension)
    detected = _detect(content, display)
    if detected.kind is None:
        if claimed is not None:
            _refuse(f"文件“{display}”的内容不是 {claimed.label}（实际为{detected.what}），已拒绝。")
        _refuse(f"文件“{display}”的内容是{detected.what}，不能作为附件（只接受 {ACCEPTED}），已拒绝。")

    kind = detected.kind
    notes = [detected.note] if detected.note else []
    if extension not in kind.extensions:
        # Harmless content under the wrong (or no) extension: name it for what it is, so it opens correctly.
        fixed = kind.extensions[0]
        notes.append(f"扩展名与内容不符，已由“{extension or '无'}”更正为“{fixed}”。")
        extension = fixed
        display = stem[: MAX_NAME_CHARS - len(fixed)] + fixed

    content_type = kind.content_type
    text, text_note = "", ""
    if kind is PDF:
        text, text_note = _pdf_text(content, display)
    elif kind is DOCX:
        text, text_note = _docx_text(content)
    elif kind is XLSX:
        text, text_note = _xlsx_text(content)
    elif kind is OFD:
        text, text_note = _ofd_text(content, detected.zip_names)
    elif kind is OLE:
        content_type = _OLE_CONTENT_TYPES.get(extension, kind.content_type)
    elif kind is TEXT:
        text, text_note = _plain_text(content)
        body = content[3:] if content.startswith(codecs.BOM_UTF8) else content
        try:
            body.decode("utf-8")
            charset = "utf-8"
        except UnicodeDecodeError:
            charset = "gb18030"
        content_type = f"{'text/csv' if extension == '.csv' else 'text/plain'}; charset={charset}"
    text, cap_note = _cap(text)
    notes.extend(n for n in (text_note, cap_note) if n)
    note = " ".join(notes)
    if len(note) > 200:  # Attachment.text_note
        note = note[:199] + "…"
    return InspectedAttachment(name=display, storage_name=_storage_name(display, extension, content),
                               content_type=content_type, text=text.strip(), note=note)
