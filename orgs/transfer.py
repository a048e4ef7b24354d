"""Import and export of the agency tree (机构) as XLSX or CSV.

Export writes parents before children, so an exported file re-imports cleanly. Import is all-or-nothing:
every row is checked (cells, references, cycles, scope) and then written through `create_agency` /
`update_agency` inside one transaction, which is rolled back if any row failed or on a dry run. Every
problem found is reported as a `RowError(line, column, message)` with the row number the user sees in
Excel; bad input never raises.
"""

import codecs
import copy
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from audit.services import record

from . import credit_code as cc
from .models import Agency, AgencyKind, AgencyLevel
from .services import create_agency, update_agency

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# A 10 MB zip can inflate a thousandfold; refuse before openpyxl tries.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Formatted-but-empty rows count towards nothing, but reading a million of them still takes minutes.
MAX_RAW_ROWS = 100_000
SHEET_TITLE = "机构"
HELP_SHEET_TITLE = "填写说明"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    help: str = ""
    width: int = 14
    # Written as text in XLSX so Excel keeps leading zeros and 18-character codes intact.
    text: bool = False


def _labels(choices) -> str:
    return "、".join(str(label) for label in choices.labels)


COLUMNS: tuple[Column, ...] = (
    Column("机构编码", "code", True, "平台内唯一的短编码，只能由字母、数字、“-”和“_”组成，以字母或数字开头，"
           "最长40位。导入时按此列匹配：已有的机构更新，没有的新建。", 14, True),
    Column("机构全称", "name", True, "机构的规范全称，最长200字。", 32),
    Column("简称", "short_name", False, "最长60字，可留空。", 16),
    Column("机构类别", "kind", True, f"填写以下之一：{_labels(AgencyKind)}。", 12),
    Column("层级", "level", True, f"填写以下之一：{_labels(AgencyLevel)}。", 12),
    Column("上级机关编码", "parent", False, "上级机关的机构编码。上级机关可以是平台中已有的机构，也可以是本文件中的"
           "另一行（顺序不限）。留空表示没有上级机关（顶层机构）。", 14, True),
    Column("政府信息公开工作主管部门编码", "supervisor", False, "同级政府信息公开工作主管部门（一般为政府办公室）的"
           "机构编码，可以是已有机构或本文件中的另一行，可留空。", 18, True),
    Column("统一社会信用代码", "credit_code", False, "18位，按 GB 32100-2015 校验第18位校验码；平台内不得重复，可留空。",
           22, True),
    Column("行政区划代码", "division_code", False, "6位数字，可留空。", 12, True),
    Column("索引号前缀", "index_prefix", False, "留空时取统一社会信用代码中的组织机构代码。", 14, True),
    Column("政府信息公开工作机构", "disclosure_office_name", False, "受理政府信息公开申请的工作机构名称，可留空。", 24),
    Column("办公地址", "address", False, "可留空。", 30),
    Column("邮政编码", "postcode", False, "6位数字，可留空。", 10, True),
    Column("联系电话", "phone", False, "可留空。", 16, True),
    Column("传真", "fax", False, "可留空。", 16, True),
    Column("电子邮箱", "email", False, "可留空。", 24),
    Column("互联网联系方式", "website", False, "网站地址等，可留空。", 28),
    Column("办公时间", "office_hours", False, "可留空。", 24),
    Column("排序", "sort_order", False, "不小于0的整数，同级机构按此排列；留空为0。", 8),
    Column("设立日期", "established_on", False, "格式 2024-01-31，可留空。", 12),
    Column("撤销日期", "dissolved_on", False, "格式 2024-01-31，可留空；不得早于设立日期。", 12),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if c.required)
_COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
_HEADER = {c.field: c.header for c in COLUMNS}

IMPORT_RULES = (
    "第一行为表头，列名须与下表一致；除机构编码、机构全称、机构类别、层级外，其他列可以整列省略。",
    "按“机构编码”匹配：平台中已有该编码的机构，更新其变化的字段；没有的，新建机构。",
    "文件中省略的列不修改；列存在但单元格留空，表示清空该字段。",
    "上级机关可以是本文件中的另一行，行的先后顺序不限，但上级关系不能形成循环。",
    "整个文件要么全部导入，要么全部不导入：只要有一处错误，就不写入任何数据，并列出全部错误的行号、列名和原因。",
    "在工作台导入时，只能新建或修改本人有权管理的机构（本机关的下级机构）。",
    f"文件不超过 10 MB，数据不超过 {MAX_ROWS} 行；支持 XLSX 和 CSV（UTF-8 或 GBK 编码，逗号或制表符分隔）。",
)


@dataclass(frozen=True)
class RowError:
    line: int  # spreadsheet row as the user sees it (header = 1); 0 = the file as a whole
    column: str  # Chinese header, or "" when the whole row (or file) is concerned
    message: str

    def __str__(self) -> str:
        where = "文件" if self.line == 0 else f"第{self.line}行"
        return f"{where} [{self.column}] {self.message}" if self.column else f"{where} {self.message}"


@dataclass
class ImportResult:
    """Codes created / updated / left unchanged. When not `ok`, nothing was written and the lists are empty."""

    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return f"共发现 {len(self.errors)} 处错误，未导入任何数据。"
        counts = f"新增 {len(self.created)} 个机构，更新 {len(self.updated)} 个，未变化 {len(self.unchanged)} 个。"
        return f"预检通过（未写入）：{counts}" if self.dry_run else f"导入完成：{counts}"


# ---------------------------------------------------------------------------------------------- export


def _export_value(agency: Agency, column: Column):
    if column.field == "kind":
        return agency.get_kind_display()
    if column.field == "level":
        return agency.get_level_display()
    if column.field in ("parent", "supervisor"):
        related = getattr(agency, column.field)
        return related.code if related is not None else ""
    value = getattr(agency, column.field)
    return "" if value is None else value


def _export_rows(queryset):
    for agency in queryset.select_related("parent", "supervisor").order_by("path", "pk"):
        yield [_export_value(agency, column) for column in COLUMNS]


def export_agencies(queryset, fmt: str) -> bytes:
    """The agencies of `queryset`, parents first, as an XLSX workbook or a UTF-8 (BOM) CSV."""
    fmt = (fmt or "").lower()
    if fmt == "xlsx":
        return _export_xlsx(_export_rows(queryset))
    if fmt == "csv":
        return _export_csv(_export_rows(queryset))
    raise ValueError(f"不支持的导出格式：{fmt}（应为 xlsx 或 csv）")


_FORMULA_PREFIXES = ("=", "+", "-", "@")


def _export_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, date):
                value = value.isoformat()
            value = str(value)
            # Excel would run "=…" as a formula (CSV injection); the import strips this apostrophe again.
            if value.startswith(_FORMULA_PREFIXES):
                value = "'" + value
            cells.append(value)
        writer.writerow(cells)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def _export_xlsx(rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, len(column.header) * 2 + 2)
        if column.text:
            # New rows typed in Excel keep leading zeros too, not just the exported cells.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    sheet.append(header)

    count = 0
    for row in rows:
        count += 1
        cells = []
        for column, value in zip(COLUMNS, row, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
                if column.text:
                    cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)

    last_row = max(count + 1, 2)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last_row}"
    for choices, header_text in ((AgencyKind, "机构类别"), (AgencyLevel, "层级")):
        letter = get_column_letter(HEADERS.index(header_text) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices.labels) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=f"{header_text}无效",
                                    error=f"请填写：{_labels(choices)}。")
        validation.add(f"{letter}2:{letter}{count + 1001}")
        sheet.data_validations.append(validation)

    help_sheet = workbook.create_sheet(HELP_SHEET_TITLE)
    help_sheet.column_dimensions["A"].width = 30
    help_sheet.column_dimensions["B"].width = 8
    help_sheet.column_dimensions["C"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")

    def styled(value, font=None, wrapped=True):
        cell = WriteOnlyCell(help_sheet, value=value)
        if wrapped:  # the one-line rules above the table overflow into the empty cells to their right
            cell.alignment = wrap
        if font is not None:
            cell.font = font
        return cell

    help_sheet.append([styled("机构导入填写说明", Font(bold=True, size=14), wrapped=False)])
    for number, rule in enumerate(IMPORT_RULES, start=1):
        help_sheet.append([styled(f"{number}. {rule}", wrapped=False)])
    help_sheet.append([])
    help_sheet.append([styled("列名", bold), styled("必填", bold), styled("说明及可填写的值", bold)])
    for column in COLUMNS:
        help_sheet.append([styled(column.header), styled("是" if column.required else ""), styled(column.help)])

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- reading


class _FileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class _Table:
    rows: list[tuple[int, list]]  # (line, raw cell values); empty rows already dropped; header first
    is_xlsx: bool


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not _clean_text(value))


def _keep_row(rows: list, line: int, values) -> None:
    if line > MAX_RAW_ROWS:
        raise _FileError(f"文件超过 {MAX_RAW_ROWS} 行，请删除多余的空行或拆分后分批导入。")
    values = list(values)
    if all(_is_empty(v) for v in values):
        return
    rows.append((line, values))
    if len(rows) > MAX_ROWS + 1:  # + the header
        raise _FileError(f"数据超过 {MAX_ROWS} 行，请拆分后分批导入。")


def _read_xlsx(data: bytes) -> _Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # zipfile raises BadZipFile, NotImplementedError, struct.error … on damage
        raise _FileError("文件不是有效的 XLSX 工作簿（压缩包已损坏），请重新保存后再导入。") from exc
    if unzipped > MAX_UNZIPPED_BYTES:
        raise _FileError("XLSX 工作簿解压后过大，请删除多余内容或拆分后分批导入。")

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (KeyError, InvalidFileException, XML errors …)
        raise _FileError("文件不是有效的 XLSX 工作簿，请用 Excel 或 WPS 另存为“Excel 工作簿（*.xlsx）”后再导入。") from exc
    rows: list[tuple[int, list]] = []
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _FileError("XLSX 工作簿中没有工作表。")
        sheet = next((s for s in sheets if s.title == SHEET_TITLE), sheets[0])
        if hasattr(sheet, "reset_dimensions"):
            # Some generators write a wrong <dimension>; without this openpyxl would cut columns off.
            sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            _keep_row(rows, line, values)
    except _FileError:
        raise
    except Exception as exc:
        raise _FileError("读取 XLSX 工作簿时出错，文件可能已损坏，请重新保存后再导入。") from exc
    finally:
        workbook.close()
    return _Table(rows, is_xlsx=True)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _FileError("文件以 UTF-8 标记开头，但内容不是有效的 UTF-8 编码。") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode 文本" export.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _FileError("文件以 UTF-16 标记开头，但内容不是有效的 UTF-16 编码。") from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _FileError("无法识别文件编码，请将 CSV 保存为 UTF-8 或 GBK（GB18030）编码后再导入。")


_NOT_A_TABLE = "文件不是 XLSX 或 CSV 表格，请上传 Excel 工作簿（*.xlsx）或 CSV 文件。"
# Control bytes never occur in UTF-8 or GB18030 text (their multi-byte sequences use bytes ≥ 0x30).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in sample)


def _read_csv(data: bytes) -> _Table:
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not is_utf16 and _BINARY_BYTES.search(data[:8192]):
        raise _FileError(_NOT_A_TABLE)
    text = _decode(data)
    if _looks_binary(text):
        raise _FileError(_NOT_A_TABLE)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list]] = []
    line = 0
    try:
        for line, values in enumerate(reader, start=1):
            _keep_row(rows, line, values)
    except csv.Error as exc:
        raise _FileError(f"第{line + 1}行无法按 CSV 格式读取（可能有未配对的引号或单元格过长）。") from exc
    return _Table(rows, is_xlsx=False)


def _read_table(data: bytes) -> _Table:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _FileError("导入的内容不是文件。")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise _FileError(f"文件大小为 {len(data) / 1024 / 1024:.1f} MB，超过 10 MB 的上限，请拆分后分批导入。")
    if not data.strip():
        raise _FileError("文件为空。")
    if data.startswith(b"PK"):
        table = _read_xlsx(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileError("不支持旧版 Excel（*.xls）格式，请另存为“Excel 工作簿（*.xlsx）”或 CSV 后再导入。")
    else:
        table = _read_csv(data)
    if not table.rows:
        raise _FileError("文件中没有任何内容。")
    return table


# ---------------------------------------------------------------------------------------------- cells


_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def _clean_text(value: str) -> str:
    # str.strip() already covers the ideographic space (U+3000) and NBSP; zero-width marks are not spaces.
    return value.strip().strip(_INVISIBLE).strip()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 751500 as 751500.0
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = _clean_text(str(value))
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]  # the CSV export's guard against formula injection
    return text


_FLOAT_TAIL = re.compile(r"([0-9]+)\.0+")


def _code_text(value) -> str:
    # Full-width letters, digits and hyphens (ＡＢ１２－) are common when typed with a Chinese IME.
    text = unicodedata.normalize("NFKC", _text(value)).strip()
    # "751500.0" in a CSV written from a spreadsheet tool: codes never contain a dot, so it is a number.
    match = _FLOAT_TAIL.fullmatch(text)
    return match[1] if match else text


def _show(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


class _CellError(Exception):
    pass


_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _parse_choice(value, choices, header: str) -> str:
    text = _text(value)
    for member in choices:
        if text == member.label or text.lower() == member.value:
            return member.value
    raise _CellError(f"{header}“{_show(text)}”无效，应为：{_labels(choices)}。")


def _parse_date(value, is_xlsx: bool) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_xlsx and isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A date cell that lost its date format arrives as an Excel serial number.
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return None
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise _CellError(f"日期“{_show(text)}”无法识别，请使用 2024-01-31 格式。")


def _parse_sort_order(value) -> int:
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not 0 <= number <= 2_147_483_647:
        raise _CellError(f"排序“{_show(text)}”应为不小于0的整数。")
    return int(number)


def _parse_digits(value, header: str, is_xlsx: bool) -> str:
    text = re.sub(r"\s+", "", _code_text(value))
    if is_xlsx and isinstance(value, int | float) and not isinstance(value, bool) and re.fullmatch("[0-9]{1,5}", text):
        text = text.zfill(6)  # Excel turns 010000 into the number 10000
    if text and not re.fullmatch("[0-9]{6}", text):
        raise _CellError(f"{header}“{_show(text)}”应为6位数字。")
    return text


def _parse_cell(column: Column, value, is_xlsx: bool):
    name = column.field
    if name in ("kind", "level"):
        if not _text(value):
            raise _CellError(f"{column.header}不能为空。")
        return _parse_choice(value, AgencyKind if name == "kind" else AgencyLevel, column.header)
    if name in ("established_on", "dissolved_on"):
        return _parse_date(value, is_xlsx)
    if name == "sort_order":
        return _parse_sort_order(value)
    if name in ("division_code", "postcode"):
        return _parse_digits(value, column.header, is_xlsx)
    if name == "credit_code":
        text = cc.normalise(re.sub(r"\s+", "", _code_text(value)))
        if not text:
            return None
        error = cc.check_credit_code(text)
        if error:
            raise _CellError(error.message)
        return text
    if name in ("code", "parent", "supervisor"):
        text = _code_text(value)
        if name == "code" and not text:
            raise _CellError("机构编码不能为空。")
        if text and not _CODE_RE.fullmatch(text):
            raise _CellError(f"{column.header}“{_show(text)}”无效：只能由字母、数字、“-”和“_”组成，"
                             "以字母或数字开头，不超过40位。")
        return text
    if name in ("phone", "fax"):
        return _code_text(value)
    text = _text(value)
    if name == "name" and not text:
        raise _CellError("机构全称不能为空。")
    if name == "email":
        text = unicodedata.normalize("NFKC", text)
    return text


# ---------------------------------------------------------------------------------------------- import


@dataclass
class _Row:
    line: int
    values: dict  # field → parsed value, for the columns present in the file
    bad_fields: set = field(default_factory=set)
    failed: bool = False  # any error on this row: it (and its file descendants) will not be written

    @property
    def code(self) -> str:
        return self.values.get("code", "")


class _Import:
    def __init__(self, table: _Table, scope_root: Agency | None, result: ImportResult):
        self.table = table
        self.scope_root = scope_root
        self.result = result
        self.columns: list[Column | None] = []
        self.rows: list[_Row] = []
        self.by_code: dict[str, _Row] = {}  # first row of each code
        self.existing: dict[str, Agency] = {}
        # code → (parent code or None, path) of every agency in the database
        self.db_tree: dict[str, tuple[str | None, str]] = {}
        # code → Agency with an up-to-date path, for use as a parent; emptied whenever an agency moves
        self.fresh: dict[str, Agency | None] = {}

    def error(self, row: _Row | None, line: int, column: str, message: str) -> None:
        self.result.errors.append(RowError(line, column, message))
        if row is not None:
            row.failed = True

    # -- header and cells -------------------------------------------------------------------------

    def read_header(self) -> bool:
        line, cells = self.table.rows[0]
        seen: dict[str, int] = {}
        unknown = []
        for position, raw in enumerate(cells, start=1):
            header = _text(raw).replace(" ", "").replace("\u3000", "").strip("*＊")
            if not header:
                self.columns.append(None)
                continue
            column = _COLUMN_BY_HEADER.get(header)
            if column is None:
                unknown.append(header)
            elif header in seen:
                self.error(None, line, header, f"表头“{header}”重复（第 {seen[header]} 列和第 {position} 列）。")
            else:
                seen[header] = position
            self.columns.append(column if column is not None and seen.get(header) == position else None)
        if unknown:
            self.error(None, line, "", f"无法识别的表头：{'、'.join(_show(h) for h in unknown)}。"
                                       f"第一行应为表头，可用的列名为：{'、'.join(HEADERS)}。")
        missing = [h for h in REQUIRED_HEADERS if h not in seen]
        if missing:
            self.error(None, line, "", f"缺少必需的列：{'、'.join(missing)}。")
        return not self.result.errors

    def read_rows(self) -> None:
        unlabelled_reported = False
        for line, cells in self.table.rows[1:]:
            row = _Row(line, {})
            # A short row (trailing cells dropped by the CSV writer) has empty cells, not missing columns.
            cells = list(cells) + [None] * (len(self.columns) - len(cells))
            for position, raw in enumerate(cells):
                column = self.columns[position] if position < len(self.columns) else None
                if column is None:
                    if not _is_empty(raw) and not unlabelled_reported:
                        unlabelled_reported = True
                        self.error(row, line, "", f"第 {position + 1} 列有数据但没有可识别的表头，请补上列名或删除该列。")
                    continue
                try:
                    row.values[column.field] = _parse_cell(column, raw, self.table.is_xlsx)
                except _CellError as exc:
                    row.bad_fields.add(column.field)
                    self.error(row, line, column.header, str(exc))
            self.rows.append(row)
            if "code" in row.bad_fields:
                continue
            first = self.by_code.get(row.code)
            if first is not None:
                self.error(row, line, _HEADER["code"], f"机构编码重复（第 {first.line} 行已出现）。")
            else:
                self.by_code[row.code] = row

    # -- checks against the database and between rows ---------------------------------------------

    def load_database(self) -> None:
        for code, parent_code, path in Agency.objects.values_list("code", "parent__code", "path").iterator(
                chunk_size=2000):
            self.db_tree[code] = (parent_code, path)
        self.existing = Agency.objects.in_bulk(list(set(self.by_code) & set(self.db_tree)), field_name="code")

    def check_fields(self) -> None:
        explicit = {"code", "parent", "supervisor", "credit_code", "division_code", "postcode", "kind", "level",
                    "sort_order", "established_on", "dissolved_on"}
        for row in self.rows:
            instance = self.instance_for(row)
            exclude = explicit | row.bad_fields | {"path", "depth"}
            try:
                instance.clean_fields(exclude=list(exclude))
            except ValidationError as exc:
                self.report_validation(row, exc)
            start, end = instance.established_on, instance.dissolved_on
            if start and end and end < start and not row.bad_fields & {"established_on", "dissolved_on"}:
                self.error(row, row.line, _HEADER["dissolved_on"], f"撤销日期 {end} 早于设立日期 {start}。")

    def instance_for(self, row: _Row) -> Agency:
        current = self.existing.get(row.code) if self.by_code.get(row.code) is row else None
        instance = copy.copy(current) if current is not None else Agency()
        for name, value in row.values.items():
            if name not in ("parent", "supervisor") and name not in row.bad_fields:
                setattr(instance, name, value)
        return instance

    def report_validation(self, row: _Row, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                header = _HEADER.get(name, "")
                for message in messages:
                    self.error(row, row.line, header, message)
        else:
            for message in exc.messages:
                self.error(row, row.line, "", message)

    def parent_code(self, code: str) -> str | None:
        """The parent after the import: the file's, or else the database's."""
        row = self.by_code.get(code)
        if row is not None and "parent" in row.values:
            return row.values["parent"] or None
        return self.db_tree.get(code, (None, ""))[0]

    def check_references(self) -> None:
        for row in self.rows:
            for name in ("parent", "supervisor"):
                target = row.values.get(name)
                if target and target not in self.by_code and target not in self.db_tree:
                    row.bad_fields.add(name)
                    self.error(row, row.line, _HEADER[name], f"{_HEADER[name]}“{target}”不存在，也不在本文件中。")
        self.check_cycles()
        if self.scope_root is not None:
            self.check_scope()
        self.check_credit_codes()

    def check_cycles(self) -> None:
        done: set[str] = set()
        for start in self.by_code:
            trail: list[str] = []
            on_trail: dict[str, int] = {}
            code = start
            while code is not None and code not in done:
                if code in on_trail:
                    cycle = trail[on_trail[code]:]
                    shown = " → ".join([*cycle, code])
                    for member in cycle:
                        member_row = self.by_code.get(member)
                        if member_row is not None and "parent" not in member_row.bad_fields:
                            member_row.bad_fields.add("parent")
                            self.error(member_row, member_row.line, _HEADER["parent"], f"上级机关形成循环：{shown}。")
                    break
                on_trail[code] = len(trail)
                trail.append(code)
                code = self.parent_code(code)
            done.update(trail)

    def check_scope(self) -> None:
        root = self.scope_root
        for row in self.by_code.values():
            if "parent" in row.bad_fields:
                continue
            current = self.db_tree.get(row.code)
            if current is not None and not current[1].startswith(root.path):
                self.error(row, row.line, _HEADER["code"], f"机构编码“{row.code}”已被“{root.name}”以外的机构使用，无权修改。")
                continue
            if row.code == root.code:
                if "parent" in row.values and (row.values["parent"] or None) != current[0]:
                    self.error(row, row.line, _HEADER["parent"], f"不能修改“{root.name}”本身的上级机关。")
                continue
            ancestor, seen = self.parent_code(row.code), {row.code}
            while ancestor is not None and ancestor != root.code and ancestor not in seen:
                seen.add(ancestor)
                ancestor = self.parent_code(ancestor)
            if ancestor != root.code:
                self.error(row, row.line, _HEADER["parent"], f"机构“{row.code}”不在“{root.name}”的下级机构范围内，无权导入。")

    def check_credit_codes(self) -> None:
        first_line: dict[str, int] = {}
        for row in self.rows:
            value = row.values.get("credit_code")
            if not value:
                continue
            if value in first_line:
                self.error(row, row.line, _HEADER["credit_code"], f"统一社会信用代码重复（第 {first_line[value]} 行已出现）。")
            else:
                first_line[value] = row.line
        holders = dict(Agency.objects.filter(credit_code__in=list(first_line)).values_list("credit_code", "code"))
        for row in self.by_code.values():
            value = row.values.get("credit_code")
            holder = holders.get(value) if value else None
            if holder is None or holder == row.code:
                continue
            holder_row = self.by_code.get(holder)
            # Moving a code between two rows of the file is left to the write, which reports any clash.
            if holder_row is None or "credit_code" not in holder_row.values:
                self.error(row, row.line, _HEADER["credit_code"], f"统一社会信用代码“{value}”已被机构编码为“{holder}”的机构使用。")

    # -- writing ---------------------------------------------------------------------------------

    def write_order(self) -> list[_Row]:
        """Rows that can be written, parents before children; descendants of failed rows are left out."""
        writable: dict[str, bool] = {}
        depth: dict[str, int] = {}
        for start in self.by_code:
            chain: list[str] = []
            seen: set[str] = set()
            code = start
            while code in self.by_code and code not in writable and code not in seen:
                chain.append(code)
                seen.add(code)
                code = self.parent_code(code)
            # Above the chain: a row already judged, or the database (always fine). Cycle rows have failed.
            verdict = writable.get(code, True)
            level = depth.get(code, -1)
            for member in reversed(chain):
                verdict = verdict and not self.by_code[member].failed
                level += 1
                writable[member], depth[member] = verdict, level
        rows = [row for code, row in self.by_code.items() if writable[code]]
        return sorted(rows, key=lambda row: (depth[row.code], row.line))

    def agency(self, code: str | None) -> Agency | None:
        if not code:
            return None
        agency = self.fresh.get(code)
        if agency is None:
            agency = self.fresh[code] = Agency.objects.filter(code=code).first()
        return agency

    def write(self) -> None:
        deferred: list[tuple[_Row, str]] = []
        for row in self.write_order():
            fields = {k: v for k, v in row.values.items() if k not in ("parent", "supervisor")}
            supervisor_code = row.values.get("supervisor")
            try:
                if "parent" in row.values:
                    fields["parent"] = self.agency(row.values["parent"])
                if supervisor_code:
                    supervisor = self.agency(supervisor_code)
                    if supervisor is None:  # a later row of this file: set once everything exists
                        deferred.append((row, supervisor_code))
                    else:
                        fields["supervisor"] = supervisor
                elif "supervisor" in row.values:
                    fields["supervisor"] = None
                current = self.existing.get(row.code)
                if current is None:
                    self.fresh[row.code] = create_agency(**fields)
                    self.result.created.append(row.code)
                else:
                    changes = self.changes(current, fields)
                    if changes:
                        updated = update_agency(current, **changes)
                        if "parent" in changes:
                            self.fresh.clear()  # its whole subtree got new paths
                        self.fresh[row.code] = updated
                        self.result.updated.append(row.code)
                    else:
                        self.result.unchanged.append(row.code)
            except ValidationError as exc:
                self.report_validation(row, exc)
            except DatabaseError as exc:
                self.error(row, row.line, "", f"写入数据库失败：{exc}")
        for row, supervisor_code in deferred:
            if row.failed:
                continue
            try:
                agency = Agency.objects.get(code=row.code)
                supervisor = self.agency(supervisor_code)
                if supervisor is not None:
                    update_agency(agency, supervisor=supervisor)
                    if row.code in self.result.unchanged:
                        self.result.unchanged.remove(row.code)
                        self.result.updated.append(row.code)
            except ValidationError as exc:
                self.report_validation(row, exc)
            except DatabaseError as exc:
                self.error(row, row.line, _HEADER["supervisor"], f"写入数据库失败：{exc}")

    @staticmethod
    def changes(current: Agency, fields: dict) -> dict:
        changed = {}
        for name, value in fields.items():
            if name in ("parent", "supervisor"):
                if (value.pk if value is not None else None) != getattr(current, f"{name}_id"):
                    changed[name] = value
            elif (getattr(current, name) or None) != (value or None):
                changed[name] = value
        return changed


def import_agencies(data: bytes, filename: str = "", *, dry_run: bool, scope_root: Agency | None = None
                    ) -> ImportResult:
    """Check and import an XLSX/CSV file of agencies. Nothing is written unless the result is `ok` and
    this is not a dry run. `scope_root` confines every row to that agency's subtree."""
    result = ImportResult(dry_run=dry_run)
    try:
        table = _read_table(data)
    except _FileError as exc:
        result.errors.append(RowError(0, "", exc.message))
        return result
    job = _Import(table, scope_root, result)
    if not job.read_header():
        return result
    job.read_rows()
    if not job.rows:
        result.errors.append(RowError(0, "", "文件中只有表头，没有机构数据。"))
        return result
    with transaction.atomic():
        # Checks and writes see the same database state (SQLite: the write lock is taken up front).
        job.load_database()
        job.check_fields()
        job.check_references()
        # Rows are written even when errors are already known: the write runs the models' own checks
        # (uniqueness and the like), so the user gets every error in one pass; it is all rolled back.
        job.write()
        if result.ok and not dry_run:
            record("orgs.agency.import", None, agency=scope_root, object_type="orgs.agency",
                   object_repr=f"导入机构：{filename}"[:300],
                   after={"filename": filename, "created": len(result.created), "updated": len(result.updated),
                          "unchanged": len(result.unchanged)})
        else:
            transaction.set_rollback(True)
    result.errors.sort(key=lambda e: e.line)
    if not result.ok:
        result.created, result.updated, result.unchanged = [], [], []
    return result
