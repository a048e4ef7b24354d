"""The files of the exchange with the applicant (models.CaseFile): what the applicant sends with an online 补正,
what the agency releases with its reply. Checked before anything is stored (type by name and by content through
gongkai.file_reading.sniff, which also refuses zip bombs and macro documents; size per file, number per
upload: settings GONGKAI_REQUEST_FILE_MAX_MB, GONGKAI_REQUEST_FILES_MAX), with one Chinese message per problem; stored through default_storage under a name made of the case number (the
applicant's own file name, which may name them, stays in the database for the page only)."""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError

from gongkai import file_reading

from .models import CaseFile, DisclosureRequest

# Extension → (what the page calls it, the kinds gongkai.file_reading.sniff may find in it). Archives are not
# taken: their content cannot be checked for the applicant or the staff who open them.
TYPES = {
    ".pdf": ("PDF", {"pdf"}), ".ofd": ("OFD", {"ofd"}),
    ".doc": ("Word", {"ole"}), ".docx": ("Word", {"docx"}), ".wps": ("WPS 文字", {"ole", "docx"}),
    ".xls": ("Excel", {"ole"}), ".xlsx": ("Excel", {"xlsx"}), ".et": ("WPS 表格", {"ole", "xlsx"}),
    ".jpg": ("JPEG 图片", {"jpeg"}), ".jpeg": ("JPEG 图片", {"jpeg"}), ".png": ("PNG 图片", {"png"}),
    ".txt": ("文本", {"text"}),
}
ACCEPT = ",".join(TYPES)
ACCEPTED_KINDS = set().union(*(kinds for _label, kinds in TYPES.values()))


def max_bytes() -> int:
    return int(settings.GONGKAI_REQUEST_FILE_MAX_MB) * 1024 * 1024


def describe_limits() -> str:
    return (f"可上传 PDF、OFD、Word、Excel、WPS、图片（JPG、PNG）或 TXT 文件，每个不超过 "
            f"{settings.GONGKAI_REQUEST_FILE_MAX_MB} MB，一次最多 {settings.GONGKAI_REQUEST_FILES_MAX} 个。")


def _display_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[-200:] or "文件"


def _problem(upload) -> str:
    """'' when the file may be stored, else why not. The content is read once (bounded by the size limit) and
    sniffed by gongkai.file_reading: a macro document, an executable, a page of HTML or a zip bomb is refused
    whatever its name says."""
    name = _display_name(getattr(upload, "name", ""))
    ext = os.path.splitext(name)[1].lower()
    if ext not in TYPES:
        return f"“{name}”的文件类型不能上传。{describe_limits()}"
    try:
        data = file_reading.read_upload(upload, max_bytes())
        if not data:
            return f"“{name}”是空文件。"
        sniffed = file_reading.sniff(data)
    except file_reading.FileRefused as error:
        return error.for_file(name)
    finally:
        upload.seek(0)
    if sniffed.kind not in TYPES[ext][1]:
        if sniffed.kind not in ACCEPTED_KINDS:
            return f"“{name}”的内容是{sniffed.what}，不能上传。"
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
