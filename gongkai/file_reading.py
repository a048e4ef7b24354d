"""Reading untrusted files: the one module every input path goes through (public forms, staff uploads,
spreadsheet imports, the 年报体检 auditor, the command line). It owns

- uploads: `CappedUploadHandler` (settings.FILE_UPLOAD_HANDLERS) stops keeping a file's bytes at
  GONGKAI_UPLOAD_MAX_MB while Django streams the request, and `read_upload` checks an upload's size before
  reading it and never reads more than the caller's limit; `read_path` does the same for a file named on the
  command line or found in an import's folder;
- the file type, judged by content: `sniff`;
- bytes → text: `decode_text` (UTF-8, UTF-16/32 with a BOM, GB18030);
- ZIP-based formats (DOCX, XLSX, OFD): `ZipPackage` checks the entry count, the size of the central
  directory, and the declared inflated size (in total, per entry, and as a compression ratio) before anything
  inflates; it then counts every byte it inflates against the same cap, refuses XML parts with a DTD (entity
  expansion) and keeps a time budget. `open_workbook` (openpyxl) and `open_docx` (python-docx) hand those
  libraries packages read only through it;
- PDF: `pdf_text` runs pypdf in a child process with a page cap, a time budget and a memory limit, so a
  crafted PDF costs at most that budget.

Every refusal is a `FileRefused` whose `reason` is a Chinese sentence without the file name; callers name the
file (`for_file`). Why a zip's declared sizes are a real bound: CPython's zipfile never returns more than an
entry's declared size (and checks the CRC), so the directory check bounds what any reader can inflate.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import logging
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

logger = logging.getLogger(__name__)

MB = 1024 * 1024


class FileRefused(Exception):
    """The file is refused; `reason` says why in Chinese, e.g. "解压后超过 100 MB，疑似压缩炸弹，已拒绝。"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def for_file(self, name: str = "") -> str:
        return f"文件“{name}”{self.reason}" if name else f"文件{self.reason}"

    def __str__(self) -> str:
        return self.for_file()


class FileDamaged(FileRefused):
    """The container itself cannot be read (not a readable ZIP)."""


class FileTooSlow(FileRefused):
    """The time budget ran out. Callers that can accept a file without its text may do so."""


def megabytes(size: int) -> str:
    """A byte count as limits are stated to users: "10", "0.5"."""
    return f"{size / MB:g}"


# ---------------------------------------------------------------------------------------------- time budget


@dataclass
class Budget:
    """A per-file time budget (seconds of wall time, checked between units of work)."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    @property
    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def check(self) -> None:
        if self.left < 0:
            raise FileTooSlow(f"处理时间超过 {self.seconds:g} 秒，已停止读取。")


def default_seconds() -> float:
    return float(getattr(settings, "GONGKAI_FILE_TIME_BUDGET_SECONDS", 10))


# ---------------------------------------------------------------------------------------------- uploads


class _CappedFile:
    """Wraps the handler's file: writes beyond the cap are counted, not kept."""

    def __init__(self, file, cap: int):
        self.file, self.cap, self.size = file, cap, 0

    def write(self, data: bytes) -> None:
        room = self.cap + 1 - self.size  # one byte over, so that a reader sees the file is too large
        if room > 0:
            self.file.write(data[:room])
        self.size += len(data)


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler that keeps at most GONGKAI_UPLOAD_MAX_MB (+1 byte) of any file, on
    disk, while the request streams in, and at most GONGKAI_UPLOAD_REQUEST_MAX_MB over all the files of one
    request (one request may carry up to DATA_UPLOAD_MAX_NUMBER_FILES files). The upload's `size` is the
    real size, and `truncated` is set (with `over_request_cap` when the request's total was the reason), so
    every upload point refuses it by size with its own message before reading anything."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_cap = int(getattr(settings, "GONGKAI_UPLOAD_REQUEST_MAX_MB", 200)) * MB
        self.request_total = 0  # bytes received for every file of this request so far

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.cap = int(getattr(settings, "GONGKAI_UPLOAD_MAX_MB", 50)) * MB
        self.capped = _CappedFile(self.file, self.cap)
        self.over_request_cap = False

    def receive_data_chunk(self, raw_data, start):
        self.request_total += len(raw_data)
        if self.request_total > self.request_cap:
            # Past the request's total nothing more is kept for this file (or any later one).
            self.over_request_cap = True
            return
        self.capped.write(raw_data)

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        self.file.truncated = file_size > self.cap or self.over_request_cap
        self.file.over_request_cap = self.over_request_cap
        return self.file


def check_upload_size(upload, max_bytes: int) -> None:
    """Refuse an upload (Django's UploadedFile) by its size, without reading it."""
    size = getattr(upload, "size", None)
    if getattr(upload, "over_request_cap", False):
        total = int(getattr(settings, "GONGKAI_UPLOAD_REQUEST_MAX_MB", 200))
        raise FileRefused(f"本次提交的文件合计超过 {total} MB 的上限，已拒绝；请分次提交。")
    if getattr(upload, "truncated", False) or (size is not None and size > max_bytes):
        raise FileRefused(f"大小为 {size / MB:.1f} MB，超过 {megabytes(max_bytes)} MB 的上限，已拒绝。" if size
                          else f"超过 {megabytes(max_bytes)} MB 的上限，已拒绝。")


def read_upload(upload, max_bytes: int) -> bytes:
    """The bytes of an uploaded file (Django's UploadedFile, or anything with .read and optionally .size),
    refused by its size before reading and never read beyond `max_bytes` + 1."""
    check_upload_size(upload, max_bytes)
    limit = f"超过 {megabytes(max_bytes)} MB 的上限，已拒绝。"
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    chunks, total = [], 0
    while total <= max_bytes:
        chunk = upload.read(min(MB, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:
        raise FileRefused(limit)
    return b"".join(chunks)


def read_path(path, max_bytes: int) -> bytes:
    """The bytes of a file named on the command line or found in an import's folder, refused by its size
    before reading and never read beyond `max_bytes` + 1 (a device, a pipe or a file that grows while read
    reports a size it does not keep). OSError is left to the caller."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise FileRefused(f"大小为 {size / MB:.1f} MB，超过 {megabytes(max_bytes)} MB 的上限，已拒绝。")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused(f"超过 {megabytes(max_bytes)} MB 的上限，已拒绝。")
    return data



# ---------------------------------------------------------------------------------------------- text


class UndecodableText(ValueError):
    pass


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Text holds tab, line breaks and form feed; other control characters mean binary content.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, *, strict: bool = True) -> tuple[str, str]:
    """(text, encoding). A BOM decides first (UTF-8, UTF-16, UTF-32), then strict UTF-8, then GB18030 (a
    superset of GBK/GB2312). `strict`: raise UndecodableText when none fits (or the BOM lies); otherwise
    fall back to UTF-8 with replacement characters ("utf-8?"), so that one bad byte never stops a reader,
    and accept a multi-byte sequence cut off at the very end (a sniffed prefix)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as error:
                if strict:
                    label = name.upper().removesuffix("-SIG")
                    raise UndecodableText(f"文件以 {label} 标记开头，但内容不是有效的 {label} 编码。") from error
                return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if not strict and error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return data[:error.start].decode("utf-8"), "utf-8"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        if strict:
            raise UndecodableText("无法识别文件编码，请保存为 UTF-8 或 GBK（GB18030）编码。") from error
        return data.decode("utf-8", errors="replace"), "utf-8?"


def looks_binary(text: str, sample: int = 65536) -> bool:
    """Control characters other than tab, line breaks and form feed: not text."""
    return bool(_CONTROL.search(text[:sample]))


# ---------------------------------------------------------------------------------------------- sniffing


@dataclass(frozen=True)
class Sniffed:
    """What a file is by content. `kind`: pdf, docx, xlsx, ofd, ole, png, jpeg, gif, text, html — or, for
    content no reader accepts: office-macro, office-other, zip, msi, executable, script, shortcut, archive,
    rtf, binary. `what` names refused kinds in messages; `package` is the checked ZIP for zip kinds."""

    kind: str
    what: str = ""
    package: ZipPackage | None = None
    text: str | None = None  # the decoded text for text and html
    encoding: str = ""


_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png", ""), (b"\xff\xd8\xff", "jpeg", ""), (b"GIF87a", "gif", ""), (b"GIF89a", "gif", ""),
    (b"MZ", "executable", "可执行文件"), (b"\x7fELF", "executable", "可执行文件"),
    (b"\xfe\xed\xfa\xce", "executable", "可执行文件"), (b"\xfe\xed\xfa\xcf", "executable", "可执行文件"),
    (b"\xce\xfa\xed\xfe", "executable", "可执行文件"), (b"\xcf\xfa\xed\xfe", "executable", "可执行文件"),
    (b"\xca\xfe\xba\xbe", "executable", "可执行文件"), (b"\x00asm", "executable", "可执行文件"),
    (b"#!", "script", "脚本文件"),
    (b"L\x00\x00\x00\x01\x14\x02\x00", "shortcut", "Windows 快捷方式"),
    (b"Rar!", "archive", "压缩包"), (b"7z\xbc\xaf\x27\x1c", "archive", "压缩包"), (b"\x1f\x8b", "archive", "压缩包"),
    (b"BZh", "archive", "压缩包"), (b"\xfd7zXZ\x00", "archive", "压缩包"), (b"PK\x05\x06", "archive", "压缩包"),
    (b"{\\rtf", "rtf", "RTF 文档"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Root-entry CLSIDs of Windows Installer packages (.msi/.msp/.mst), which are OLE2 files too.
_MSI_CLSIDS = {bytes.fromhex(h) for h in ("84100c0000000000c000000000000046", "86100c0000000000c000000000000046",
                                          "82100c0000000000c000000000000046")}
# Markup a browser would render, or a report page the auditor reads as HTML.
_MARKUP = re.compile(r"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml|xml|xsl|form|img|"
                     r"a\s|style|link|base|math|template|table|p|div|td|tr|br)\b", re.IGNORECASE)


def _ole_clsid(data: bytes) -> bytes:
    """The root storage's CLSID of an OLE2 compound file (b"" when the header is implausible)."""
    try:
        sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
        first_dir_sector = struct.unpack_from("<I", data, 0x30)[0]
        if sector_shift not in (9, 12):
            return b""
        offset = (first_dir_sector + 1) << sector_shift
        return data[offset + 0x50: offset + 0x60]
    except (struct.error, OverflowError):
        return b""


def sniff(data: bytes, *, limits: ZipLimits | None = None, budget: Budget | None = None) -> Sniffed:
    """The kind of `data` by its content, never its name. A ZIP is opened through `ZipPackage`, so a zip
    bomb raises FileRefused here, before any reader sees it."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if head.startswith(b"%PDF-"):
        return Sniffed("pdf")
    if data[:4] == b"PK\x03\x04":
        package = ZipPackage(data, limits, budget)
        names = set(package.names)
        lowered = {n.lower() for n in names}
        if "[Content_Types].xml" in names:
            if any(n.endswith("vbaproject.bin") for n in lowered):
                return Sniffed("office-macro", "含宏的 Office 文档", package)
            if "word/document.xml" in names:
                return Sniffed("docx", package=package)
            if "xl/workbook.xml" in names:
                return Sniffed("xlsx", package=package)
            return Sniffed("office-other", "其他 Office 文档", package)
        if "OFD.xml" in names:
            return Sniffed("ofd", package=package)
        if any(n.startswith("META-INF/") for n in names) and any(n.endswith(".class") for n in lowered):
            return Sniffed("executable", "可执行文件", package)
        return Sniffed("zip", "压缩包", package)
    if data.startswith(OLE_MAGIC):
        if _ole_clsid(data) in _MSI_CLSIDS:
            return Sniffed("msi", "Windows 安装程序")
        return Sniffed("ole", "WPS/DOC 旧格式")
    for magic, kind, what in _MAGIC:
        if data.startswith(magic):
            return Sniffed(kind, what)
    try:
        text, encoding = decode_text(data)
    except UndecodableText:
        return Sniffed("binary", "无法识别的二进制文件")
    if looks_binary(text):
        return Sniffed("binary", "无法识别的二进制文件")
    if _MARKUP.search(text[:65536]) or "<script" in text.lower():
        return Sniffed("html", "网页或脚本（HTML/SVG/XML）", text=text, encoding=encoding)
    return Sniffed("text", "文本", text=text, encoding=encoding)


# ---------------------------------------------------------------------------------------------- ZIP packages


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 10_000  # a 1,000-page OFD has about 3,000; a DOCX or XLSX tens
    max_directory_bytes: int = 4 * MB  # parsed before the entry count is known: bounded first
    max_total: int = 100 * MB  # declared inflated size of all entries (images included)
    max_entry: int = 50 * MB  # one entry
    max_ratio: int = 100  # inflated / compressed of an entry above `ratio_floor`: real XML is 5–30
    ratio_floor: int = 2 * MB


DEFAULT_LIMITS = ZipLimits()
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _end_record(data: bytes) -> tuple[int, int]:
    """(entries, central directory bytes) from the end-of-central-directory record (zip64 when present),
    read before zipfile builds an object per entry. (0, 0) when there is none (zipfile then refuses)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if at < 0 or len(data) < at + 22:
        return 0, 0
    entries, directory = struct.unpack_from("<HI", data, at + 10)
    locator = at - 20
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        record = struct.unpack_from("<Q", data, locator + 8)[0]
        if data[record:record + 4] == b"PK\x06\x06" and len(data) >= record + 56:
            entries, directory = struct.unpack_from("<QQ", data, record + 32)
    return entries, directory


class ZipPackage:
    """A ZIP read within `limits`: checked from its directory on opening, and counted while inflating
    (`inflated`). Raises FileRefused."""

    def __init__(self, data: bytes, limits: ZipLimits | None = None, budget: Budget | None = None):
        limits = limits or DEFAULT_LIMITS
        self.limits, self.budget, self.inflated = limits, budget, 0
        entries, directory = _end_record(data)
        if entries > limits.max_entries or directory > limits.max_directory_bytes:
            raise FileRefused(f"包含的条目过多（超过 {limits.max_entries} 个），疑似压缩炸弹，已拒绝。")
        try:
            self.zip = _CountingZipFile(io.BytesIO(data), self)
        except Exception as error:  # BadZipFile, struct.error, NotImplementedError, ValueError … on damage
            raise FileDamaged("已损坏（压缩结构无法读取），已拒绝。") from error
        infos = self.zip.infolist()
        if len(infos) > limits.max_entries:
            raise FileRefused(f"包含的条目过多（超过 {limits.max_entries} 个），疑似压缩炸弹，已拒绝。")
        total = sum(info.file_size for info in infos)
        bomb = f"解压后超过 {megabytes(limits.max_total)} MB，疑似压缩炸弹，已拒绝。"
        if total > limits.max_total:
            raise FileRefused(bomb)
        for info in infos:
            if info.file_size > limits.max_entry:
                raise FileRefused(f"其中一项解压后超过 {megabytes(limits.max_entry)} MB，疑似压缩炸弹，已拒绝。")
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise FileRefused(f"压缩比超过 {limits.max_ratio} 倍，疑似压缩炸弹，已拒绝。")
            if info.flag_bits & 0x1:
                raise FileRefused("的内容已加密，无法检查，已拒绝；请上传未加密的版本。")
        self.infos = infos
        self.names = tuple(info.filename for info in infos)

    def count(self, size: int) -> None:
        self.inflated += size
        if self.inflated > self.limits.max_total:
            raise FileRefused(f"解压后超过 {megabytes(self.limits.max_total)} MB，疑似压缩炸弹，已拒绝。")
        if self.budget is not None:
            self.budget.check()

    def open(self, name: str):
        return self.zip.open(name)

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def close(self) -> None:
        self.zip.close()


class _CountingZipFile(zipfile.ZipFile):
    """zipfile.ZipFile whose members are read through `_CountedStream` (ZipFile.read uses open too), so a
    library handed this object inflates only through the package's count."""

    def __init__(self, file, package: ZipPackage):
        super().__init__(file)
        self.package = package

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        if mode != "r":
            raise ValueError("read only")
        stream = super().open(name, mode, pwd)
        member = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return _CountedStream(stream, self.package, member.lower().endswith(_XML_SUFFIXES))


class _CountedStream(io.RawIOBase):
    def __init__(self, raw, package: ZipPackage, xml: bool):
        super().__init__()
        self.raw, self.package = raw, package
        self.prolog = b"" if xml else None  # XML parts: the bytes before the root element, checked for a DTD

    def readable(self) -> bool:
        return True

    def _take(self, data: bytes) -> bytes:
        self.package.count(len(data))
        if self.prolog is not None and data:
            self.prolog += data[:65536]
            root = _ROOT_START.search(self.prolog)
            if _DTD.search(self.prolog[:root.start()] if root else self.prolog):
                raise FileRefused("含有 DTD 声明（XML 实体），已拒绝。")
            if root or len(self.prolog) >= 65536:
                self.prolog = None
        return data

    def read(self, size=-1) -> bytes:
        if size is None or size < 0:
            parts = []
            while chunk := self.raw.read(MB):
                parts.append(self._take(chunk))
            return b"".join(parts)
        return self._take(self.raw.read(size))

    def read1(self, size=-1) -> bytes:
        return self.read(size if size and size > 0 else MB)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _package(data: bytes, package: ZipPackage | None, limits: ZipLimits | None, budget: Budget | None) -> ZipPackage:
    return package if package is not None else ZipPackage(data, limits, budget)


def open_workbook(data: bytes, *, package: ZipPackage | None = None, limits: ZipLimits | None = None,
                  budget: Budget | None = None):
    """An openpyxl read-only workbook (data_only) whose parts are read through `package` (opened here when not
    given). Close it when done. Raises FileRefused for limits; openpyxl's own errors for damaged files."""
    # lazy: openpyxl (~25 MB, ~0.7 s to import) only when a workbook is read
    from openpyxl.reader.excel import ExcelReader

    package = _package(data, package, limits, budget)
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)  # parses the directory only
    reader.archive.close()
    reader.archive, reader.valid_files = package.zip, list(package.names)
    reader.read()
    return reader.wb


def open_docx(data: bytes, *, package: ZipPackage | None = None, limits: ZipLimits | None = None,
              budget: Budget | None = None):
    """A python-docx Document built from the XML parts read through `package`; other parts (images, fonts,
    embedded files — never needed for text, and never opened, so a nested archive is not inflated) become
    empty placeholders. python-docx inflates nothing itself: it gets an uncompressed copy."""
    # lazy: python-docx only when a DOCX is read (the PDF child process imports this module)
    import docx

    package = _package(data, package, limits, budget)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for name in package.names:
            if name.endswith("/"):
                continue
            copy.writestr(name, package.read(name) if name.lower().endswith(_XML_SUFFIXES) else b"")
    return docx.Document(io.BytesIO(out.getvalue()))


# ---------------------------------------------------------------------------------------------- PDF


@dataclass
class PdfText:
    pages: list[str] = field(default_factory=list)  # text of each page read, in order ("" when none)
    page_count: int = 0
    page_errors: dict[int, str] = field(default_factory=dict)  # page number (from 1) → exception name
    needs_password: bool = False
    encryption_unknown: bool = False  # encrypted with a scheme we cannot open without a password check
    stopped: str = ""  # "", "pages", "chars", "time", "memory"
    error: str = ""  # the PDF could not be opened: exception name
    active_content: list[str] = field(default_factory=list)  # "JavaScript", "OpenAction", "AA", "Launch" (scan_active)

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.pages if p)


MAX_PDF_PAGES = 300
PDF_MEMORY_MB = 512


def _pdf_worker() -> None:
    """The child process (`pdf_text`): parameters as one JSON line on stdin, then the PDF; one JSON line per
    event on stdout: ["count", n], ["page", n, text, error], ["stopped", why], ["needs-password"],
    ["encryption-unknown"], ["error", name]."""
    params = json.loads(sys.stdin.buffer.readline())
    logging.disable(logging.CRITICAL)  # pypdf's warnings about a damaged file: the events below say what matters
    try:
        # lazy: Unix only; without it the child runs without the memory limit (except below)
        import resource

        with open("/proc/self/statm") as statm:  # the address space already mapped (interpreter, libraries)
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        limit = mapped + params["memory_mb"] * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass
    out = sys.stdout

    def send(*event) -> None:
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
        out.flush()

    try:
        # lazy: pypdf runs only in the child process of pdf_text, never in the web process
        from pypdf import PasswordType, PdfReader

        reader = PdfReader(io.BytesIO(sys.stdin.buffer.read()), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - AES needs the cryptography package; then we cannot know
                send("encryption-unknown")
                return
            if opened == PasswordType.NOT_DECRYPTED:
                send("needs-password")
                return
        if params.get("scan_active"):
            send("active", _pdf_active_objects(reader))
        pages = reader.pages
        send("count", len(pages))
        chars = 0
        for number, page in enumerate(pages, start=1):
            if number > params["max_pages"]:
                send("stopped", "pages")
                return
            try:
                text = (page.extract_text(extraction_mode="layout") if params["layout"] else page.extract_text()) or ""
            except MemoryError:
                raise
            except Exception as error:  # noqa: BLE001 - one bad page must not lose the others
                send("page", number, "", type(error).__name__)
                continue
            chars += len(text)
            if chars > params["max_chars"]:
                send("stopped", "chars")
                return
            send("page", number, text, "")
    except MemoryError:
        send("stopped", "memory")
    except Exception as error:  # noqa: BLE001 - damaged files raise many types
        send("error", type(error).__name__)


# Active content in a PDF (a viewer may run it when the file is opened): JavaScript (/JS, /JavaScript), actions
# run on opening (/OpenAction when it is an action, not just a page to show) or on events (/AA: additional
# actions of the document, a page, a form field), and /Launch (start a program). Names may be written with
# #xx escapes (/J#61vaScript); in compressed object streams they are only visible after parsing, which the
# child process does (_pdf_active_objects).
_PDF_NAME = re.compile(rb"/([A-Za-z#0-9]{1,40})")
_ACTIVE_NAMES = {b"JS": "JavaScript", b"JavaScript": "JavaScript", b"AA": "AA", b"OpenAction": "OpenAction",
                 b"Launch": "Launch"}
ACTIVE_LABELS = {"JavaScript": "JavaScript 脚本", "OpenAction": "打开时自动执行的动作（/OpenAction）",
                 "AA": "事件触发的动作（/AA）", "Launch": "启动外部程序（/Launch）"}


def _pdf_name(raw: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw)


def pdf_active_markers(data: bytes) -> list[str]:
    """Active-content names in the PDF's uncompressed bytes (fast; the child process also looks inside
    compressed object streams). A /OpenAction counts here whatever it points to: from the bytes alone an
    action cannot be told from a page destination, so `pdf_text(..., scan_active=True)` decides that one."""
    found = set()
    for match in _PDF_NAME.finditer(data):
        name = _ACTIVE_NAMES.get(_pdf_name(match[1]))
        if name:
            found.add(name)
    return sorted(found)


def _pdf_active_objects(reader) -> list[str]:
    """In the child process: every object of the file, compressed object streams included."""
    # lazy: pypdf runs only in the child process of pdf_text, never in the web process
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found = set()

    def action(value) -> None:
        value = value.get_object() if isinstance(value, IndirectObject) else value
        if isinstance(value, DictionaryObject):
            found.add("OpenAction")
            kind = value.get("/S")
            if kind == "/JavaScript" or "/JS" in value:
                found.add("JavaScript")
            elif kind == "/Launch":
                found.add("Launch")

    def look(value) -> None:
        if not isinstance(value, DictionaryObject):
            return
        if "/JS" in value or value.get("/S") == "/JavaScript":
            found.add("JavaScript")
        if value.get("/S") == "/Launch":
            found.add("Launch")
        if "/AA" in value:
            found.add("AA")
        names = value.get("/Names")
        names = names.get_object() if isinstance(names, IndirectObject) else names
        if isinstance(names, DictionaryObject) and "/JavaScript" in names:
            found.add("JavaScript")
        if "/OpenAction" in value and not isinstance(value["/OpenAction"], ArrayObject):
            action(value["/OpenAction"])  # an array is a destination (a page to show), not an action

    look(reader.trailer.get("/Root"))
    references = [(number, generation) for generation, numbers in reader.xref.items() for number in numbers]
    references += [(number, 0) for number in reader.xref_objStm]
    for number, generation in references:
        try:
            look(reader.get_object(IndirectObject(number, generation, reader)))
        except Exception:  # noqa: BLE001, S112 - a damaged object is skipped, the others are still read
            continue
    return sorted(found)


def pdf_text(data: bytes, *, layout: bool = False, max_pages: int = MAX_PDF_PAGES, max_chars: int = 2_000_000,
             seconds: float | None = None, memory_mb: int = PDF_MEMORY_MB, scan_active: bool = False) -> PdfText:
    """The text of a PDF, page by page, read by pypdf in a child process that is killed when `seconds`
    (default: settings.GONGKAI_FILE_TIME_BUDGET_SECONDS) run out, and that cannot map more than `memory_mb`.
    Pages read before reading stopped are kept (`stopped` says why). Never raises for a bad file."""
    seconds = default_seconds() if seconds is None else seconds
    params = {"layout": layout, "max_pages": max_pages, "max_chars": max_chars, "memory_mb": memory_mb,
              "scan_active": scan_active}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    result = PdfText()
    # The child's stderr goes to a temporary file, never into this process's memory; only its end is read.
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no user input in the command
            [sys.executable, "-c", "from gongkai.file_reading import _pdf_worker; _pdf_worker()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env)
        try:
            output, _ = process.communicate(json.dumps(params).encode() + b"\n" + data, timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            result.stopped = "time"
        stderr.seek(max(0, stderr.seek(0, os.SEEK_END) - 4096))
        errors = stderr.read()
    for line in output.decode("utf-8", errors="replace").splitlines():
        try:
            tag, *rest = json.loads(line)
        except ValueError:
            continue  # a line cut off by the kill
        if tag == "page":
            number, text, error = rest
            result.pages.append(text)
            if error:
                result.page_errors[number] = error
        elif tag == "count":
            result.page_count = rest[0]
        elif tag == "stopped":
            result.stopped = result.stopped or rest[0]
        elif tag == "needs-password":
            result.needs_password = True
        elif tag == "encryption-unknown":
            result.encryption_unknown = True
        elif tag == "active":
            result.active_content = rest[0]
        elif tag == "error":
            result.error = rest[0]
    if not result.stopped and process.returncode not in (0, None):
        # Killed by a signal (an allocation refused inside C code aborts; the kernel kills), or a MemoryError
        # that escaped: the memory limit. Any other exit (the child could not start, a bug) is an error, not a
        # claim about the file; only the exception's class is logged, never anything of the file's content.
        last = errors.decode("utf-8", errors="replace").strip().splitlines()[-1:] or [""]
        kind = last[0].split(":", 1)[0].strip()[:80]
        if process.returncode < 0 or kind == "MemoryError":
            result.stopped = "memory"
        else:
            logger.warning("PDF reader process exited with status %s (%s)", process.returncode, kind or "no message")
            result.error = result.error or f"ChildExit{process.returncode}"
    return result
