"""The files of the exchange with the applicant (models.CaseFile): what the applicant sends with an online 补正,
what the agency releases with its reply. Checked before anything is stored (type by name and by the file's
first bytes, size per file, number per upload: settings GONGKAI_REQUEST_FILE_MAX_MB, GONGKAI_REQUEST_FILES_MAX),
with one Chinese message per problem; stored through default_storage under a name made of the case number (the
applicant's own file name, which may name them, stays in the database for the page only)."""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import CaseFile, DisclosureRequest

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Office / WPS binary container
ZIP = b"PK\x03\x04"
# Extension → (what the page calls it, accepted leading bytes; None: text, checked by decoding).
TYPES = {
    ".pdf": ("PDF", (b"%PDF",)), ".ofd": ("OFD", (ZIP,)),
    ".doc": ("Word", (OLE,)), ".docx": ("Word", (ZIP,)), ".wps": ("WPS 文字", (OLE, ZIP)),
    ".xls": ("Excel", (OLE,)), ".xlsx": ("Excel", (ZIP,)), ".et": ("WPS 表格", (OLE, ZIP)),
    ".jpg": ("JPEG 图片", (b"\xff\xd8\xff",)), ".jpeg": ("JPEG 图片", (b"\xff\xd8\xff",)),
    ".png": ("PNG 图片", (b"\x89PNG\r\n\x1a\n",)), ".zip": ("ZIP 压缩包", (ZIP,)), ".txt": ("文本", None),
}
ACCEPT = ",".join(TYPES)


def max_bytes() -> int:
    return int(settings.GONGKAI_REQUEST_FILE_MAX_MB) * 1024 * 1024


def describe_limits() -> str:
    return (f"可上传 PDF、OFD、Word、Excel、WPS、图片（JPG、PNG）、TXT 或 ZIP 文件，每个不超过 "
            f"{settings.GONGKAI_REQUEST_FILE_MAX_MB} MB，一次最多 {settings.GONGKAI_REQUEST_FILES_MAX} 个。")


def _display_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[-200:] or "文件"


def _problem(upload) -> str:
    name = _display_name(getattr(upload, "name", ""))
    ext = os.path.splitext(name)[1].lower()
    if ext not in TYPES:
        return f"“{name}”的文件类型不能上传。{describe_limits()}"
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        return f"“{name}”是空文件。"
    if size > max_bytes():
        return f"“{name}”超过 {settings.GONGKAI_REQUEST_FILE_MAX_MB} MB 的上限。"
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    magics = TYPES[ext][1]
    if magics is None:
        if b"\x00" in head:
            return f"“{name}”不是文本文件。"
        for encoding in ("utf-8", "gb18030"):
            try:
                head.decode(encoding)
                break
            except UnicodeDecodeError as error:
                if error.start >= len(head) - 4:  # a character cut off at the end of the sample
                    break
        else:
            return f"“{name}”不是可读的文本文件（请使用 UTF-8 或 GB18030 编码）。"
    elif not any(head.startswith(m) for m in magics):
        return f"“{name}”的内容与其扩展名（{TYPES[ext][0]}）不符，请检查文件。"
    return ""


def validate(uploads, *, field: str = "files") -> None:
    """Every problem at once, under `field`; nothing is stored when any file is refused."""
    uploads = list(uploads or ())
    problems = []
    if len(uploads) > int(settings.GONGKAI_REQUEST_FILES_MAX):
        problems.append(f"一次最多上传 {settings.GONGKAI_REQUEST_FILES_MAX} 个文件。")
    problems += [p for p in (_problem(u) for u in uploads) if p]
    if problems:
        raise ValidationError({field: problems})


def store(case: DisclosureRequest, kind: str, uploads) -> list[CaseFile]:
    """Saves the (validated) uploads; a failure removes what this call had written."""
    stored = []
    stem = re.sub(r"[^A-Za-z0-9-]", "", case.tracking_number or f"case{case.pk}")
    try:
        for upload in uploads:
            name = _display_name(upload.name)
            ext = os.path.splitext(name)[1].lower()
            item = CaseFile(request=case, kind=kind, name=name, size=upload.size)
            upload.seek(0)
            item.file.save(f"{stem}-{kind}{ext}", upload, save=False)
            item.save()
            stored.append(item)
    except BaseException:
        for item in stored:
            item.file.storage.delete(item.file.name)
        raise
    return stored
