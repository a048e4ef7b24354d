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
- Reading goes through gongkai.file_reading (the type by content, text decoding, ZIP limits checked before
  anything inflates, PDF in a child process with a time budget), so a zip bomb is refused with its reason.
- Text extraction never raises: a damaged file whose type is certain is accepted, and `note` says why it
  has no text; so is a file whose text could not be read within the time budget (partly read, with a note).
  Text is capped at MAX_TEXT_CHARS. Callers that never use the text (领导信箱 letters) pass
  extract_text=False: the file is still checked, but no document parser runs.
"""

import contextlib
import hashlib
import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError

from gongkai import file_reading

MAX_TEXT_CHARS = 1_000_000
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
    # A PDF's active content ("JavaScript", "OpenAction", "AA", "Launch"; gongkai.file_reading): the file is
    # accepted, flagged for the staff and always served as a download (portal.views.attachment_download).
    active_content: tuple[str, ...] = ()


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


_KIND_BY_CODE = {"pdf": PDF, "ofd": OFD, "docx": DOCX, "xlsx": XLSX, "ole": OLE, "png": PNG, "jpeg": JPEG,
                 "gif": GIF, "text": TEXT}
_ENCRYPTED_OLE = "E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e".encode("latin-1")


@dataclass
class _Detected:
    kind: _Kind | None  # None: refused, `what` says what it is
    what: str = ""
    note: str = ""
    sniffed: file_reading.Sniffed | None = None


def _detect(content: bytes, display: str, budget: file_reading.Budget) -> _Detected:
    try:
        sniffed = file_reading.sniff(content, budget=budget)
    except file_reading.FileRefused as error:
        _refuse(error.for_file(display))
    kind = _KIND_BY_CODE.get(sniffed.kind)
    if kind is None:
        # Markup would be rendered by a browser that sniffs the content; a notice never needs it.
        return _Detected(None, sniffed.what)
    note = ""
    if kind is OLE:
        note = "已加密的 Office 文档，未提取文本。" if _ENCRYPTED_OLE in content else "WPS/DOC 旧格式，未提取文本。"
    elif kind in (PNG, JPEG, GIF):
        note = "图片，无可提取的文本。"
    return _Detected(kind, note=note, sniffed=sniffed)


# ---------------------------------------------------------------------------------------------- text


def _cap(text: str) -> tuple[str, str]:
    text = text.replace("\x00", "")  # PostgreSQL text columns cannot hold NUL
    if len(text) > MAX_TEXT_CHARS:
        return text[:MAX_TEXT_CHARS], f"文本超过 {MAX_TEXT_CHARS:,} 字，已截断。"
    return text, ""


class _Enough(Exception):
    """Raised by a collector when the text cap is reached, to stop reading."""


class _Collector:
    def __init__(self, budget: file_reading.Budget):
        self.parts: list[str] = []
        self.size = 0
        self.budget = budget

    def add(self, text: str) -> None:
        self.budget.check()
        if not text:
            return
        self.parts.append(text)
        self.size += len(text) + 1
        if self.size > MAX_TEXT_CHARS:
            raise _Enough

    def text(self) -> str:
        return "\n".join(self.parts)


MAX_PDF_PAGES = 1000


def pdf_active_content(content: bytes, read: file_reading.PdfText) -> tuple[str, ...]:
    """What the parsed file holds (compressed object streams included), plus what its raw bytes name. A raw
    /OpenAction counts only when the file could not be parsed: parsed, a page destination is told from an
    action."""
    raw = set(file_reading.pdf_active_markers(content))
    if not (read.error or read.stopped in ("time", "memory")):
        raw.discard("OpenAction")
    return tuple(sorted(raw | set(read.active_content)))


def _pdf_text(content: bytes, display: str, extract: bool, budget: file_reading.Budget,
              active: list[str]) -> tuple[str, str]:
    read = file_reading.pdf_text(content, max_pages=MAX_PDF_PAGES if extract else 0, max_chars=MAX_TEXT_CHARS,
                                 seconds=max(budget.left, 1), scan_active=True)
    active.extend(pdf_active_content(content, read))
    if read.needs_password:
        _refuse(f"文件“{display}”是设置了打开密码的 PDF，公众无法阅读，已拒绝；请上传未加密的版本。")
    if read.encryption_unknown:
        return "", "PDF 已加密，未能提取文本。"
    if read.error:
        logger.info("PDF text extraction failed for %r: %s", display, read.error)
        return "", "PDF 文本提取失败（文件可能已损坏）。"
    if not extract:
        return "", ""
    text = "\n".join(page.strip() for page in read.pages if page.strip()).strip()
    done = len(read.pages)
    if read.stopped == "time":
        return text, f"PDF 文本提取超过 {budget.seconds:g} 秒，只提取了前 {done} 页。"
    if read.stopped == "memory":
        return text, f"PDF 文本提取所需内存过多，只提取了前 {done} 页。"
    if read.stopped == "pages":
        return text, f"PDF 共 {read.page_count} 页，只提取了前 {MAX_PDF_PAGES} 页的文本。"
    if read.stopped == "chars":
        return text, f"文本超过 {MAX_TEXT_CHARS:,} 字，已截断。"
    return text, "" if text else "PDF 中没有可提取的文本（可能是扫描件）。"


def _partial(collector: _Collector, label: str, error: file_reading.FileTooSlow) -> tuple[str, str]:
    return collector.text().strip(), f"{label} {error.reason.removesuffix('。')}，只提取了部分文本。"


def _collect(label: str, empty: str, budget, read) -> tuple[str, str]:
    """(text, note) of one format: read(collector) adds the lines; the collector stops it when full, a budget
    overrun keeps what was read, a refused file is refused and any other failure is a note."""
    collector = _Collector(budget)
    try:
        with contextlib.suppress(_Enough):  # the collector is full: what it holds is the text
            read(collector)
        text = collector.text().strip()
        return text, "" if text else empty
    except file_reading.FileTooSlow as error:
        return _partial(collector, label, error)
    except file_reading.FileRefused:
        raise
    except Exception as exc:
        logger.info("%s text extraction failed: %r", label, exc)
        return "", f"{label} 文本提取失败（文件可能已损坏）。"


def _docx_text(package: file_reading.ZipPackage, content: bytes, budget) -> tuple[str, str]:
    def read(collector: _Collector) -> None:
        # lazy: python-docx (~6 MB) only when a DOCX attachment is read
        from docx.table import Table

        document = file_reading.open_docx(content, package=package)
        for block in document.iter_inner_content():
            if not isinstance(block, Table):
                collector.add(block.text.strip())
                continue
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
                collector.add("\t".join(c for c in cells if c))

    return _collect("DOCX", "DOCX 中没有文本。", budget, read)


def _xlsx_text(package: file_reading.ZipPackage, content: bytes, budget) -> tuple[str, str]:
    def read(collector: _Collector) -> None:
        workbook = file_reading.open_workbook(content, package=package)
        try:
            for sheet in workbook.worksheets:
                collector.add(str(sheet.title))
                if hasattr(sheet, "reset_dimensions"):
                    # A forged <dimension> (A1:XFD1048576) would make openpyxl pad every row to 16,384 cells.
                    sheet.reset_dimensions()
                for values in sheet.iter_rows(values_only=True):
                    collector.add("\t".join(str(v).strip() for v in values if v is not None and str(v).strip()))
        finally:
            workbook.close()

    return _collect("XLSX", "XLSX 中没有文本。", budget, read)


def _natural_key(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ofd_text(package: file_reading.ZipPackage, budget) -> tuple[str, str]:
    """GB/T 33190: page content is in …/Pages/Page_N/Content.xml; text in TextObject/TextCode elements."""

    def read(collector: _Collector) -> None:
        pages = sorted((n for n in package.names if n.lower().endswith("content.xml") and "/pages/" in n.lower()),
                       key=_natural_key)
        for name in pages:
            with package.open(name) as part:  # a DTD (entities) is refused by the reader
                data = part.read(MAX_XML_PART_BYTES + 1)
            if len(data) > MAX_XML_PART_BYTES:
                continue
            root = ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entity expansion or fetching
            for element in root.iter():
                if _local(element.tag) != "TextObject":
                    continue
                line = "".join((code.text or "") for code in element.iter() if _local(code.tag) == "TextCode")
                collector.add(html.unescape(line).strip())

    return _collect("OFD", "OFD 中没有可提取的文本。", budget, read)


# ---------------------------------------------------------------------------------------------- entry point


def max_bytes() -> int:
    return int(getattr(settings, "GONGKAI_ATTACHMENT_MAX_MB", 50)) * file_reading.MB


def read_upload(upload, limit: int | None = None) -> bytes:
    """The bytes of an uploaded attachment, refused by its size before it is read (ValidationError)."""
    try:
        return file_reading.read_upload(upload, limit or max_bytes())
    except file_reading.FileRefused as error:
        raise ValidationError(error.for_file(_clean_name(getattr(upload, "name", ""))), code="attachment") from error


def inspect_attachment(name: str, content: bytes, *, extract_text: bool = True) -> InspectedAttachment:
    """Check an uploaded file by its content and extract its text (unless `extract_text` is false: then the
    file is checked but no document parser runs). Raises ValidationError (in Chinese, naming the file) when
    the file is refused; never raises anything else."""
    try:
        return _inspect(name, content, extract_text)
    except ValidationError:
        raise
    except Exception as exc:  # a bug here must not become a 500 on upload; refuse the file instead
        logger.exception("attachment inspection failed")
        raise ValidationError(f"文件“{_clean_name(name)}”无法检查，已拒绝。", code="attachment") from exc


def _inspect(name: str, content: bytes, extract: bool) -> InspectedAttachment:
    display = _clean_name(name)
    if not isinstance(content, bytes | bytearray | memoryview):
        _refuse(f"文件“{display}”没有内容。")
    content = bytes(content)
    limit = max_bytes()
    if len(content) > limit:
        _refuse(f"文件“{display}”大小为 {len(content) / file_reading.MB:.1f} MB，"
                f"超过 {file_reading.megabytes(limit)} MB 的上限，已拒绝。")
    if not content:
        _refuse(f"文件“{display}”是空文件，已拒绝。")

    stem, extension = _split_ext(display)
    claimed = _KIND_BY_EXTENSION.get(extension)
    budget = file_reading.Budget(file_reading.default_seconds())
    detected = _detect(content, display, budget)
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
    active: list[str] = []
    package = detected.sniffed.package
    try:
        if kind is PDF:
            text, text_note = _pdf_text(content, display, extract, budget, active)
        elif kind is DOCX and extract:
            text, text_note = _docx_text(package, content, budget)
        elif kind is XLSX and extract:
            text, text_note = _xlsx_text(package, content, budget)
        elif kind is OFD and extract:
            text, text_note = _ofd_text(package, budget)
    except file_reading.FileRefused as error:
        _refuse(error.for_file(display))
    if kind is OLE:
        content_type = _OLE_CONTENT_TYPES.get(extension, kind.content_type)
    elif kind is TEXT:
        text = detected.sniffed.text if extract else ""
        charset = detected.sniffed.encoding.removesuffix("-sig")
        content_type = f"{'text/csv' if extension == '.csv' else 'text/plain'}; charset={charset}"
    text, cap_note = _cap(text)
    if active:
        notes.insert(0, f"PDF 含有{'、'.join(file_reading.ACTIVE_LABELS[a] for a in active)}，公众只能下载，不在浏览器中打开。")
    notes.extend(n for n in (text_note, cap_note) if n)
    note = " ".join(notes)
    if len(note) > 200:  # Attachment.text_note
        note = note[:199] + "…"
    return InspectedAttachment(name=display, storage_name=_storage_name(display, extension, content),
                               content_type=content_type, text=text.strip(), note=note,
                               active_content=tuple(active))
