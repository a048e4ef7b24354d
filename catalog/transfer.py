"""Import and export of 政府信息公开目录 (catalogues of already-published items) as XLSX or CSV.

Rows describe items published before Gongkai. Each new row goes through catalog.services: `create_draft`,
`add_attachment` for the files named in 附件, then `import_published` with its historical 发布日期 and 索引号
(kept exactly: legacy numbers are historical facts; the index number rule, docs/law/proactive-disclosure.md
§3). Validity changes (废止/失效/已修改, with their lifecycle events) and 解读 links are made in a second pass,
once every row of the file exists.

A 索引号 already in the database is compared with the row: identical → "unchanged" (re-importing a file is
idempotent); a later validity change or changed 解读 links → applied through the services ("updated"); any
other difference → a row error, because a published item is immutable (the serious errors rule,
docs/law/web.md §2) and is corrected by publishing a revision in the workbench, not by overwriting it from a
spreadsheet.

All-or-nothing: every row is checked and written inside one transaction, which is rolled back if any row
failed or on a dry run (attachment files saved meanwhile are deleted again). Every problem is reported as
`RowError(line, column, message)`; bad input never raises.

Reading and writing the spreadsheet itself (XLSX/CSV, encodings, limits) is gongkai.tables', shared with
orgs.transfer.
"""

import html
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from audit.context import acting_as, current_actor
from audit.services import record
from gongkai import file_reading
from gongkai.tables import (
    CellError,
    Column,
    RowError,
    Table,
    TableFileError,
    cell_text,
    choice_labels,
    megabytes,
    parse_choice,
    parse_date,
    parse_rows,
    read_header,
    read_table,
    shorten,
    write_csv,
    write_xlsx,
)
from gongkai.tables import ImportResult as _BaseImportResult
from orgs.models import Agency

from . import services
from .attachments import inspect_attachment
from .models import (
    INTERPRETATION_GENRE,
    DisclosureAttribute,
    Document,
    DocumentKind,
    Genre,
    InterpretationForm,
    LocalItem,
    PublicationChannel,
    StatutoryItem,
    Topic,
    Validity,
    WithholdingGround,
)
from .numbers import document_number_error, index_number_error, normalise_document_number
from .sanitising import clean_html, clean_text

logger = logging.getLogger(__name__)

# Rows carry 正文, so a catalogue file is much larger per row than the agency tree's.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000
SHEET_TITLE = "目录"
HELP_SHEET_TITLE = "填写说明"
MAX_ATTACHMENTS_PER_ROW = 50
AUDIT_LABEL = "目录导入"


COLUMNS: tuple[Column, ...] = (
    Column("索引号", "index_number", True, "原索引号，原样保留，如 640323001/2018-00061；平台内唯一。"
           "已存在的索引号：内容相同视为未变化，不同则报错（已发布信息不能通过导入修改）。", 26, True),
    Column("标题", "title", True, "", 40),
    Column("文号", "document_number", False, "如 盐政办发〔2018〕61号，可留空。", 20),
    Column("发布机构编码", "publisher", True, "发布机构的机构编码。", 14, True),
    Column("联合发文机构编码", "co_publishers", False, "多个用“；”分隔。", 18, True),
    Column("内容概述", "summary", False, "主动公开的信息必填（目录必备项）。", 40),
    Column("关键词", "keywords", False, "", 16),
    Column("文件种类", "kind", False, f"{choice_labels(DocumentKind)}；留空为其他公文。", 14),
    Column("体裁分类", "genre", True, "体裁分类的名称或编码。", 14),
    Column("主题分类", "topic", False, "主题分类的名称或编码。", 16),
    Column("第二十条事项", "statutory_item", False, "1–15 或（一）…（十五）；主动公开的信息必填。", 12),
    Column("第二十一条事项", "local_items", False, f"{choice_labels(LocalItem)}，多个用“；”分隔。", 16),
    Column("公开属性", "disclosure_attribute", False, f"{choice_labels(DisclosureAttribute)}；留空为主动公开。", 12),
    Column("不予公开理由", "withholding_ground", False, f"{choice_labels(WithholdingGround)}。", 18),
    Column("法律依据", "legal_basis", False, "非主动公开的信息必填。", 24),
    Column("公开渠道", "channels", False, f"{choice_labels(PublicationChannel)}，多个用“；”分隔。", 16),
    Column("成文日期", "written_on", False, "格式 2024-01-31。", 12),
    Column("形成或者变更日期", "formed_or_changed_on", False, "留空时取成文日期。", 14),
    Column("生成日期", "generated_on", False, "留空时取成文日期。", 12),
    Column("发布日期", "published_on", True, "原发布日期。", 12),
    Column("有效性", "validity", False, f"{choice_labels(Validity)}；留空为有效。已废止、失效须填写有效期至。", 10),
    Column("施行日期", "effective_from", False, "", 12),
    Column("有效期至", "effective_to", False, "已废止或失效时为废止、失效日期。", 12),
    Column("替代文件索引号", "replaced_by", False, "本文件或平台中另一条信息的索引号。", 26, True),
    Column("政策性文件", "is_policy_document", False, "是 或 否；留空为否。", 10),
    Column("解读的文件索引号", "interprets", False, "仅政策解读填写：被解读文件的索引号，多个用“；”分隔，"
           "可以是本文件中的另一行或平台中已有的信息。", 26, True),
    Column("解读形式", "interpretation_forms", False, f"{choice_labels(InterpretationForm)}，多个用“；”分隔。", 14),
    Column("正文", "body", False, "HTML 或纯文本（纯文本按行分段）。", 40),
    Column("附件", "attachments", False, "附件文件名，多个用“；”分隔；文件放在导入时指定的附件文件夹中。", 24),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if c.required)
_HEADER = {c.field: c.header for c in COLUMNS}
# Model field names that services report in ValidationError.error_dict, mapped to their columns.
_HEADER_BY_MODEL_FIELD = {**_HEADER, "index_number": "索引号"}

# Columns passed to services.create_draft as they are (after parsing).
DRAFT_FIELDS = ("title", "document_number", "summary", "keywords", "kind", "statutory_item", "local_items",
                "disclosure_attribute", "withholding_ground", "legal_basis", "channels", "written_on",
                "formed_or_changed_on", "generated_on", "effective_from", "effective_to", "is_policy_document",
                "interpretation_forms", "body")
# What may change on an existing (published) item through a re-import, via the services.
UPDATABLE_FIELDS = {"validity", "effective_to", "replaced_by", "interprets"}

IMPORT_RULES = (
    "第一行为表头，列名须与下表一致；索引号、标题、发布机构编码、体裁分类、发布日期为必需的列，其他列可以整列省略。",
    "每行是一条已经发布的历史信息：导入后直接为“已发布”，索引号和发布日期原样保留。",
    "索引号已存在的：内容相同视为未变化（同一文件可重复导入）；有效性变更和解读关联会更新；其他列不同则报错。",
    "替代文件、被解读文件可以是本文件中的另一行（顺序不限）或平台中已有的信息。",
    "附件列填写文件名，文件放在导入时指定的附件文件夹中；附件按内容检查并提取文本。",
    "整个文件要么全部导入，要么全部不导入：只要有一处错误，就不写入任何数据，并列出全部错误的行号、列名和原因。",
    f"文件不超过 {megabytes(MAX_BYTES)} MB，数据不超过 {MAX_ROWS} 行；支持 XLSX 和 CSV（UTF-8 或 GBK 编码，逗号或制表符分隔）。",
)


class ImportResult(_BaseImportResult):
    """The lists hold 索引号."""

    measure = "条"
    noun = "信息"


# ---------------------------------------------------------------------------------------------- cells

_LIST_SEPARATORS = re.compile(r"[；;\n]+")
_CODE_LIST_SEPARATORS = re.compile(r"[；;、,，\s]+")
_CN_NUMERALS = {name: number for number, name in enumerate(
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"], start=1)}
_NUMERAL_BY_ITEM = {number: name for name, number in _CN_NUMERALS.items()}
_STATUTORY_PREFIX = re.compile(r"^第?\(?([一二三四五六七八九十]{1,3}|\d{1,2})\)?项?")
_LOOKS_LIKE_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*\b[^<>]*|/[A-Za-z][A-Za-z0-9]*\s*)>")
_TRUE = {"是", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "n", "no", "false", "0", ""}


def _nfkc(value) -> str:
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


def _index_number(value, header: str) -> str:
    text = re.sub(r"\s+", "", _nfkc(value))
    if text and (problem := index_number_error(text)):
        raise CellError(problem)
    return text


def _index_numbers(value, header: str) -> tuple[str, ...]:
    numbers = [n for n in (re.sub(r"\s+", "", p) for p in _CODE_LIST_SEPARATORS.split(_nfkc(value))) if n]
    for number in numbers:
        if problem := index_number_error(number):
            raise CellError(problem)
    return tuple(sorted(set(numbers)))


def _choice_list(value, choices, header: str) -> tuple[str, ...]:
    values = []
    for part in _LIST_SEPARATORS.split(cell_text(value)):
        part = part.strip().replace("、", "")
        if not part:
            continue
        values.append(parse_choice(part, choices, header))
    return tuple(sorted(set(values)))


def _statutory_item(value) -> int | None:
    text = re.sub(r"\s+", "", _nfkc(value))
    if not text:
        return None
    for member in StatutoryItem:
        if text == unicodedata.normalize("NFKC", member.label).replace(" ", ""):
            return member.value
    match = _STATUTORY_PREFIX.fullmatch(text)
    if match:
        token = match[1]
        number = int(token) if token.isdigit() else _CN_NUMERALS.get(token)
        if number is not None and 1 <= number <= 15:
            return number
    raise CellError(f"第二十条事项“{shorten(text)}”无效，应为 1–15 或（一）…（十五）。")


def _bool(value, header: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _nfkc(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{header}“{shorten(text)}”无效，应为“是”或“否”。")


def _body(value) -> str:
    """HTML is kept (and sanitised, as create_draft does); plain text becomes one paragraph per line."""
    text = cell_text(value)
    if not text:
        return ""
    if not _LOOKS_LIKE_HTML.search(text):
        text = "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    return clean_html(text)


def _attachment_names(value) -> tuple[str, ...]:
    names = [n.strip() for n in _LIST_SEPARATORS.split(cell_text(value)) if n.strip()]
    for name in names:
        if "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
            raise CellError(f"附件“{shorten(name)}”应只填写文件名，不能包含路径。")
    if len(names) > MAX_ATTACHMENTS_PER_ROW:
        raise CellError(f"附件不能超过 {MAX_ATTACHMENTS_PER_ROW} 个。")
    if len(set(names)) != len(names):
        raise CellError("附件文件名重复。")
    return tuple(names)


def _parse_cell(column: Column, value, is_xlsx: bool):
    name = column.field
    header = column.header
    if name == "index_number":
        text = _index_number(value, header)
        if not text:
            raise CellError("索引号不能为空。")
        return text
    if name == "replaced_by":
        return _index_number(value, header)
    if name == "interprets":
        return _index_numbers(value, header)
    if name == "publisher":
        text = re.sub(r"\s+", "", _nfkc(value))
        if not text:
            raise CellError("发布机构编码不能为空。")
        return text
    if name == "co_publishers":
        return tuple(sorted({p for p in _CODE_LIST_SEPARATORS.split(_nfkc(value)) if p}))
    if name in ("title", "summary", "keywords", "legal_basis"):
        text = clean_text(cell_text(value))
        if name == "title" and not text:
            raise CellError("标题不能为空。")
        return text
    if name == "document_number":
        text = normalise_document_number(clean_text(cell_text(value)))
        if problem := document_number_error(text):
            raise CellError(problem)
        return text
    if name == "kind":
        return parse_choice(value, DocumentKind, header) if cell_text(value) else DocumentKind.OTHER.value
    if name == "disclosure_attribute":
        return parse_choice(value, DisclosureAttribute, header) if cell_text(value) else DisclosureAttribute.PROACTIVE.value
    if name == "withholding_ground":
        return parse_choice(value, WithholdingGround, header) if cell_text(value) else ""
    if name == "validity":
        return parse_choice(value, Validity, header) if cell_text(value) else Validity.IN_FORCE.value
    if name == "local_items":
        return _choice_list(value, LocalItem, header)
    if name == "channels":
        return _choice_list(value, PublicationChannel, header)
    if name == "interpretation_forms":
        return _choice_list(value, InterpretationForm, header)
    if name in ("written_on", "formed_or_changed_on", "generated_on", "published_on", "effective_from",
                "effective_to"):
        day = parse_date(value, is_xlsx)
        if name == "published_on" and day is None:
            raise CellError("发布日期不能为空。")
        return day
    if name == "statutory_item":
        return _statutory_item(value)
    if name == "is_policy_document":
        return _bool(value, header)
    if name == "body":
        return _body(value)
    if name == "attachments":
        return _attachment_names(value)
    if name in ("genre", "topic"):
        return _nfkc(value)
    raise AssertionError(name)  # pragma: no cover - every column is handled above


# ---------------------------------------------------------------------------------------------- export


def _short_code_or_name(instance, ambiguous: set[str]) -> str:
    return instance.code if instance.name in ambiguous else instance.name


def _export_rows(queryset):
    genre_names = list(Genre.objects.values_list("name", flat=True))
    topic_names = list(Topic.objects.values_list("name", flat=True))
    ambiguous_genres = {n for n in genre_names if genre_names.count(n) > 1}
    ambiguous_topics = {n for n in topic_names if topic_names.count(n) > 1}
    documents = (queryset.select_related("publisher", "genre", "topic", "replaced_by")
                 .prefetch_related("co_publishers", "interprets", "attachments")
                 .order_by("published_on", "index_number", "pk"))
    for doc in documents.iterator(chunk_size=500):
        values = {
            "index_number": doc.index_number or "",
            "title": doc.title,
            "document_number": doc.document_number,
            "publisher": doc.publisher.code,
            "co_publishers": "；".join(sorted(a.code for a in doc.co_publishers.all())),
            "summary": doc.summary,
            "keywords": doc.keywords,
            "kind": doc.get_kind_display(),
            "genre": _short_code_or_name(doc.genre, ambiguous_genres),
            "topic": _short_code_or_name(doc.topic, ambiguous_topics) if doc.topic_id else "",
            "statutory_item": f"（{_NUMERAL_BY_ITEM[doc.statutory_item]}）" if doc.statutory_item else "",
            "local_items": "；".join(str(LocalItem(v).label) for v in doc.local_items or []),
            "disclosure_attribute": doc.get_disclosure_attribute_display(),
            "withholding_ground": doc.get_withholding_ground_display() if doc.withholding_ground else "",
            "legal_basis": doc.legal_basis,
            "channels": "；".join(str(PublicationChannel(v).label) for v in doc.channels or []),
            "written_on": doc.written_on,
            "formed_or_changed_on": doc.formed_or_changed_on,
            "generated_on": doc.generated_on,
            "published_on": doc.published_on,
            "validity": doc.get_validity_display(),
            "effective_from": doc.effective_from,
            "effective_to": doc.effective_to,
            "replaced_by": (doc.replaced_by.index_number or "") if doc.replaced_by_id else "",
            "is_policy_document": "是" if doc.is_policy_document else "否",
            "interprets": "；".join(sorted(d.index_number for d in doc.interprets.all() if d.index_number)),
            "interpretation_forms": "；".join(str(InterpretationForm(v).label) for v in doc.interpretation_forms or []),
            "body": doc.body,
            "attachments": "；".join(a.original_name for a in doc.attachments.all()),
        }
        yield [values[column.field] for column in COLUMNS]


def export_catalogue(queryset, fmt: str) -> bytes:
    """The documents of `queryset` in the import's columns, as an XLSX workbook or a UTF-8 (BOM) CSV.
    Callers pass published items: a draft has no 索引号 and would not re-import."""
    fmt = (fmt or "").lower()
    if fmt == "xlsx":
        return write_xlsx(COLUMNS, _export_rows(queryset), sheet_title=SHEET_TITLE,
                          help_sheet_title=HELP_SHEET_TITLE, help_title="政府信息公开目录导入填写说明",
                          rules=IMPORT_RULES, required_label="必需")
    if fmt == "csv":
        return write_csv(HEADERS, _export_rows(queryset))
    raise ValueError(f"不支持的导出格式：{fmt}（应为 xlsx 或 csv）")


# ---------------------------------------------------------------------------------------------- import


@dataclass
class _Row:
    line: int
    values: dict  # field → parsed value, for the columns present in the file
    failed: bool = False
    bad_fields: set = field(default_factory=set)  # cells that did not parse; checks needing them are skipped
    document: Document | None = None  # once written (or the existing one)
    new: bool = False
    pending: set = field(default_factory=set)  # UPDATABLE_FIELDS to apply in the second pass

    @property
    def index_number(self) -> str:
        return self.values.get("index_number", "")


class _Import:
    def __init__(self, table: Table, result: ImportResult, *, dry_run: bool, attachments_dir: Path | None,
                 scope_root: Agency | None):
        self.table = table
        self.result = result
        self.dry_run = dry_run
        self.attachments_dir = attachments_dir
        self.scope_root = scope_root
        self.columns: list[Column | None] = []
        self.present: set[str] = set()
        self.rows: list[_Row] = []
        self.by_number: dict[str, _Row] = {}
        self.agencies: dict[str, Agency] = {}
        self.genres: dict[str, Genre] = {}
        self.genre_names: dict[str, list[Genre]] = {}
        self.topics: dict[str, Topic] = {}
        self.topic_names: dict[str, list[Topic]] = {}
        self.existing: dict[str, Document] = {}
        self.saved_files: list[tuple[object, str]] = []  # (storage, name) to delete on rollback

    def error(self, row: _Row | None, column: str, message: str, line: int | None = None) -> None:
        self.result.errors.append(RowError(row.line if row is not None else (line or 0), column, message))
        if row is not None:
            row.failed = True

    def report_validation(self, row: _Row, exc: ValidationError, column: str = "") -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.error(row, _HEADER_BY_MODEL_FIELD.get(name, column), message)
        else:
            for message in exc.messages:
                self.error(row, column, message)

    # -- header and cells -------------------------------------------------------------------------

    def read_header(self) -> bool:
        self.columns, errors = read_header(self.table, COLUMNS)
        self.result.errors.extend(errors)
        self.present = {c.field for c in self.columns if c is not None}
        return not self.result.errors

    def read_rows(self) -> None:
        for parsed in parse_rows(self.table, self.columns, _parse_cell):
            row = _Row(parsed.line, parsed.values, bad_fields=parsed.bad_fields)
            for error in parsed.errors:
                self.error(row, error.column, error.message)
            self.rows.append(row)
            number = row.values.get("index_number")
            if not number:
                continue
            first = self.by_number.get(number)
            if first is not None:
                self.error(row, _HEADER["index_number"], f"索引号重复（第 {first.line} 行已出现）。")
            else:
                self.by_number[number] = row

    # -- references -------------------------------------------------------------------------------

    def load_database(self) -> None:
        self.agencies = Agency.objects.in_bulk(field_name="code")
        for genre in Genre.objects.all():
            self.genres[genre.code] = genre
            self.genre_names.setdefault(genre.name, []).append(genre)
        for topic in Topic.objects.select_related("parent"):
            self.topics[topic.code] = topic
            self.topic_names.setdefault(topic.name, []).append(topic)
            if topic.parent_id:  # "上级／名称", as str(topic) shows it
                self.topic_names.setdefault(str(topic), []).append(topic)
        wanted = set(self.by_number)
        for row in self.rows:
            wanted.update(row.values.get("interprets", ()))
            if row.values.get("replaced_by"):
                wanted.add(row.values["replaced_by"])
        wanted = sorted(wanted)
        for start in range(0, len(wanted), 500):
            documents = (Document.objects.filter(index_number__in=wanted[start:start + 500])
                         .select_related("publisher", "genre", "topic", "replaced_by")
                         .prefetch_related("co_publishers", "interprets", "attachments"))
            self.existing.update({d.index_number: d for d in documents})

    def resolve(self, row: _Row, name: str, by_code: dict, by_name: dict[str, list]):
        text = row.values.get(name, "")
        if not text:
            return None
        if text in by_code:
            return by_code[text]
        matches = by_name.get(text, [])
        if len(matches) == 1:
            return matches[0]
        what = _HEADER[name]
        if matches:
            self.error(row, what, f"{what}名称“{shorten(text)}”对应多个分类，请改填编码：{'、'.join(m.code for m in matches)}。")
        else:
            self.error(row, what, f"{what}“{shorten(text)}”不存在（应填写平台中已有{what}的名称或编码）。")
        return None

    def in_scope(self, agency: Agency) -> bool:
        return self.scope_root is None or agency.path.startswith(self.scope_root.path)

    def check_row(self, row: _Row) -> None:
        values = row.values
        code = values.get("publisher")
        publisher = self.agencies.get(code) if code else None
        if code and publisher is None:
            self.error(row, _HEADER["publisher"], f"机构编码“{shorten(code)}”不存在。")
        elif publisher is not None and not self.in_scope(publisher):
            self.error(row, _HEADER["publisher"], f"机构“{publisher.name}”不在“{self.scope_root.name}”的下级机构范围内，无权导入。")
        for co_code in values.get("co_publishers", ()):
            if co_code not in self.agencies:
                self.error(row, _HEADER["co_publishers"], f"联合发文机构编码“{shorten(co_code)}”不存在。")
        values["genre_obj"] = self.resolve(row, "genre", self.genres, self.genre_names) if "genre" in values else None
        values["topic_obj"] = self.resolve(row, "topic", self.topics, self.topic_names) if "topic" in values else None

        # The defaults create_draft applies, so that a re-import compares like with like.
        if values.get("disclosure_attribute", DisclosureAttribute.PROACTIVE) == DisclosureAttribute.PROACTIVE \
                and "withholding_ground" in values:
            values["withholding_ground"] = ""
        for derived in ("formed_or_changed_on", "generated_on"):
            if derived in values and values[derived] is None:
                values[derived] = values.get("written_on")

        own = row.index_number
        replaced_by = values.get("replaced_by")
        if replaced_by:
            if replaced_by == own:
                self.error(row, _HEADER["replaced_by"], "替代文件不能是本文件。")
            elif replaced_by not in self.by_number and replaced_by not in self.existing:
                self.error(row, _HEADER["replaced_by"], f"替代文件索引号“{replaced_by}”不存在，也不在本文件中。")
        interprets = values.get("interprets", ())
        genre = values.get("genre_obj")
        if interprets:
            if genre is not None and genre.code != INTERPRETATION_GENRE:
                self.error(row, _HEADER["interprets"], "只有体裁为“政策解读”的信息可以填写解读的文件索引号。")
            for number in interprets:
                target_row = self.by_number.get(number)
                target_genre = (target_row.values.get("genre_obj") if target_row is not None
                                else self.existing[number].genre if number in self.existing else None)
                if number == own:
                    self.error(row, _HEADER["interprets"], "解读不能关联自身。")
                elif target_row is None and number not in self.existing:
                    self.error(row, _HEADER["interprets"], f"被解读文件索引号“{number}”不存在，也不在本文件中。")
                elif target_genre is not None and target_genre.code == INTERPRETATION_GENRE:
                    self.error(row, _HEADER["interprets"], f"被解读文件“{number}”本身是政策解读。")

        validity = values.get("validity", Validity.IN_FORCE)
        if row.bad_fields & {"validity", "effective_to", "replaced_by"}:
            validity = Validity.IN_FORCE  # already reported; a second message about it would only confuse
        if validity in (Validity.REPEALED, Validity.EXPIRED) and not values.get("effective_to"):
            self.error(row, _HEADER["effective_to"], f"有效性为{Validity(validity).label}时，须在“有效期至”填写{Validity(validity).label}日期。")
        if validity == Validity.AMENDED and not values.get("effective_to") and not replaced_by:
            self.error(row, _HEADER["effective_to"], "有效性为已修改时，须填写有效期至（修改生效日期）或替代文件索引号。")
        if validity != Validity.IN_FORCE and values.get("published_on") and values.get("effective_to") \
                and values["effective_to"] < values["published_on"] and validity != Validity.AMENDED:
            self.error(row, _HEADER["effective_to"], f"{Validity(validity).label}日期 {values['effective_to']} 早于发布日期。")

        if values.get("attachments"):
            self.check_attachment_files(row)

    def attachment_path(self, name: str) -> Path | None:
        base = self.attachments_dir.resolve()
        try:
            path = (base / name).resolve()
        except (OSError, RuntimeError):
            return None
        # A symlink out of the folder is as good as a "../" in the name.
        if path.parent != base or not path.is_file():
            return None
        return path

    def check_attachment_files(self, row: _Row) -> None:
        header = _HEADER["attachments"]
        if self.attachments_dir is None:
            if row.index_number not in self.existing:
                self.error(row, header, "填写了附件，但导入时没有指定附件文件夹。")
            return
        if row.index_number in self.existing:
            return  # attachments of a published item are compared by name, never re-read
        limit = int(settings.GONGKAI_ATTACHMENT_MAX_MB) * 1024 * 1024
        for name in row.values["attachments"]:
            path = self.attachment_path(name)
            if path is None:
                self.error(row, header, f"附件“{shorten(name)}”在附件文件夹中不存在。")
            elif path.stat().st_size > limit:
                self.error(row, header, f"附件“{shorten(name)}”超过 {settings.GONGKAI_ATTACHMENT_MAX_MB} MB 的上限。")

    # -- comparison with an existing item ---------------------------------------------------------

    @staticmethod
    def existing_values(doc: Document) -> dict:
        return {
            "index_number": doc.index_number, "title": doc.title, "document_number": doc.document_number,
            "publisher": doc.publisher.code, "co_publishers": tuple(sorted(a.code for a in doc.co_publishers.all())),
            "summary": doc.summary, "keywords": doc.keywords, "kind": doc.kind,
            "genre_obj": doc.genre_id, "topic_obj": doc.topic_id, "statutory_item": doc.statutory_item,
            "local_items": tuple(sorted(doc.local_items or [])), "disclosure_attribute": doc.disclosure_attribute,
            "withholding_ground": doc.withholding_ground, "legal_basis": doc.legal_basis,
            "channels": tuple(sorted(doc.channels or [])), "written_on": doc.written_on,
            "formed_or_changed_on": doc.formed_or_changed_on, "generated_on": doc.generated_on,
            "published_on": doc.published_on, "validity": doc.validity, "effective_from": doc.effective_from,
            "effective_to": doc.effective_to,
            "replaced_by": (doc.replaced_by.index_number or "") if doc.replaced_by_id else "",
            "is_policy_document": doc.is_policy_document,
            "interprets": tuple(sorted(d.index_number for d in doc.interprets.all() if d.index_number)),
            "interpretation_forms": tuple(sorted(doc.interpretation_forms or [])), "body": doc.body,
            "attachments": tuple(sorted(_stem(a.original_name) for a in doc.attachments.all())),
        }

    def compare(self, row: _Row, doc: Document) -> None:
        if not self.in_scope(doc.publisher):
            self.error(row, _HEADER["index_number"], f"索引号“{row.index_number}”已被“{self.scope_root.name}”以外的机构使用，无权修改。")
            return
        current = self.existing_values(doc)
        incoming = dict(row.values)
        incoming["genre_obj"] = incoming["genre_obj"].pk if incoming.get("genre_obj") else None
        incoming["topic_obj"] = incoming["topic_obj"].pk if incoming.get("topic_obj") else None
        if "attachments" in incoming:
            incoming["attachments"] = tuple(sorted(_stem(n) for n in incoming["attachments"]))
        differing = []
        for name, value in incoming.items():
            if name in ("genre", "topic") or name not in current:
                continue
            source = {"genre_obj": "genre", "topic_obj": "topic"}.get(name, name)
            if source not in self.present:
                continue
            if value != current[name]:
                differing.append(source)
        changes = set(differing) & UPDATABLE_FIELDS
        validity_changes = "validity" in changes
        for name in differing:
            if name in UPDATABLE_FIELDS and (name == "interprets" or validity_changes) \
                    and not (name == "effective_to" and row.values.get("validity") == Validity.AMENDED):
                continue
            shown = current[{"genre": "genre_obj", "topic": "topic_obj"}.get(name, name)]
            if name == "genre":
                shown = doc.genre.name
            elif name == "topic":
                shown = doc.topic.name if doc.topic_id else ""
            self.error(row, _HEADER[name], f"与平台中索引号相同的已发布信息不一致（平台中为“{shorten(_display(shown))}”）；"
                                           "已发布的信息不能通过导入修改，如需更正请在工作台发布修订版本。")
        if row.failed:
            return
        row.document = doc
        row.pending = changes
        if not changes:
            self.result.unchanged.append(row.index_number)

    # -- writing ----------------------------------------------------------------------------------

    def write_new(self, row: _Row) -> None:
        values = row.values
        fields = {name: (list(values[name]) if isinstance(values[name], tuple) else values[name])
                  for name in DRAFT_FIELDS if name in values and values[name] is not None}
        fields["genre"] = values["genre_obj"]
        if values.get("topic_obj") is not None:
            fields["topic"] = values["topic_obj"]
        co_publishers = [self.agencies[c] for c in values.get("co_publishers", ())]
        try:
            outcome = services.create_draft(publisher=self.agencies[values["publisher"]], user=None,
                                            co_publishers=co_publishers, **fields)
        except ValidationError as exc:
            self.report_validation(row, exc)
            return
        doc = outcome.document
        for name in values.get("attachments", ()):
            try:
                content = file_reading.read_path(self.attachment_path(name),
                                                 int(settings.GONGKAI_ATTACHMENT_MAX_MB) * file_reading.MB)
                if self.dry_run:
                    inspect_attachment(name, content)  # no file is stored on a dry run
                else:
                    attachment = services.add_attachment(doc, user=None, name=name, content=content)
                    self.saved_files.append((attachment.file.storage, attachment.file.name))
            except ValidationError as exc:
                self.report_validation(row, exc, _HEADER["attachments"])
            except file_reading.FileRefused as exc:
                self.error(row, _HEADER["attachments"], exc.for_file(shorten(name)))
            except (OSError, AttributeError, TypeError) as exc:
                self.error(row, _HEADER["attachments"], f"附件“{shorten(name)}”无法读取：{getattr(exc, 'strerror', None) or exc}")
        if row.failed:
            return
        try:
            services.import_published(doc, published_on=values["published_on"], index_number=row.index_number)
        except ValidationError as exc:
            self.report_validation(row, exc)
            return
        row.document, row.new = doc, True
        row.pending = set()
        if values.get("validity", Validity.IN_FORCE) != Validity.IN_FORCE:
            row.pending.add("validity")
        if values.get("interprets"):
            row.pending.add("interprets")
        self.result.created.append(row.index_number)

    def target(self, number: str) -> Document | None:
        row = self.by_number.get(number)
        if row is not None:
            return row.document  # None when that row failed; its own error explains why
        return self.existing.get(number)

    def apply_pending(self, row: _Row) -> None:
        values, doc = row.values, row.document
        try:
            if "validity" in row.pending:
                replaced_by = self.target(values["replaced_by"]) if values.get("replaced_by") else None
                if values.get("replaced_by") and replaced_by is None:
                    return
                on = values.get("effective_to") or (replaced_by.published_on if replaced_by is not None else None)
                services.change_validity(doc, user=None, validity=values["validity"], on=on, replaced_by=replaced_by)
        except ValidationError as exc:
            self.report_validation(row, exc, _HEADER["validity"])
            return
        try:
            if "interprets" in row.pending:
                targets = [self.target(n) for n in values.get("interprets", ())]
                if any(t is None for t in targets):
                    return
                services.link_interpretation(doc, targets, user=None)
        except ValidationError as exc:
            self.report_validation(row, exc, _HEADER["interprets"])
            return
        if not row.new:
            self.result.updated.append(row.index_number)

    def write(self) -> None:
        for row in self.rows:
            if row.failed:
                continue
            doc = self.existing.get(row.index_number)
            if doc is not None:
                self.compare(row, doc)
                continue
            try:
                self.write_new(row)
            except DatabaseError as exc:
                self.error(row, "", f"写入数据库失败：{exc}")
        for row in self.rows:
            if not row.failed and row.document is not None and row.pending:
                try:
                    self.apply_pending(row)
                except DatabaseError as exc:
                    self.error(row, "", f"写入数据库失败：{exc}")

    def delete_saved_files(self) -> None:
        for storage, name in self.saved_files:
            try:
                storage.delete(name)
            except Exception:  # a leftover file is harmless; the rollback must not fail because of it
                logger.warning("could not delete imported attachment %s after rollback", name)
        self.saved_files.clear()


def _stem(name: str) -> str:
    """A file name without its extension: inspection may correct the extension (通知.doc → 通知.docx)."""
    return re.sub(r"\.[A-Za-z0-9]{1,8}$", "", name or "")


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "；".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def import_catalogue(data: bytes, filename: str = "", *, dry_run: bool, attachments_dir: Path | None = None,
                     scope_root: Agency | None = None) -> ImportResult:
    """Check and import an XLSX/CSV catalogue of already-published items. Nothing is written unless the
    result is `ok` and this is not a dry run. `scope_root` confines every row to that agency's subtree."""
    result = ImportResult(dry_run=dry_run)
    job = None
    try:
        try:
            table = read_table(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, sheet_title=SHEET_TITLE)
        except TableFileError as exc:
            result.errors.append(RowError(0, "", exc.message))
            return result
        attachments_dir = Path(attachments_dir) if attachments_dir is not None else None
        if attachments_dir is not None and not attachments_dir.is_dir():
            result.errors.append(RowError(0, "", f"附件文件夹“{attachments_dir}”不存在。"))
            return result
        job = _Import(table, result, dry_run=dry_run, attachments_dir=attachments_dir, scope_root=scope_root)
        if not job.read_header():
            return result
        job.read_rows()
        if not job.rows:
            result.errors.append(RowError(0, "", "文件中只有表头，没有目录数据。"))
            return result
        outer = current_actor()
        # Keep who is importing (a web user) for the audit trail; the label says it was an import.
        with acting_as(user=outer.user if outer else None, ip_address=outer.ip_address if outer else None,
                       label=AUDIT_LABEL), transaction.atomic():
            job.load_database()
            for row in job.rows:  # rows with bad cells too: the user gets every error in one pass
                job.check_row(row)
            # Rows are written even when errors are already known: the services run their own checks, so
            # the user gets every error in one pass; it is all rolled back.
            job.write()
            if result.ok and not dry_run:
                record("catalog.catalogue.import", None, agency=scope_root, object_type="catalog.document",
                       object_repr=f"导入目录：{filename}"[:300],
                       after={"filename": filename, "created": len(result.created), "updated": len(result.updated),
                              "unchanged": len(result.unchanged)})
            else:
                transaction.set_rollback(True)
    except Exception as exc:  # never let a bug or a database fault escape as a 500; nothing was committed
        logger.exception("catalogue import failed")
        result.errors.append(RowError(0, "", f"导入时发生内部错误，未导入任何数据（{type(exc).__name__}）。"))
    finally:
        if job is not None and (not result.ok or dry_run):
            job.delete_saved_files()
    result.errors.sort(key=lambda e: e.line)
    if not result.ok:
        result.created, result.updated, result.unchanged = [], [], []
    return result
