"""Spreadsheet import and export shared by the XLSX/CSV importers (orgs.transfer, catalog.transfer).

Reading: `read_table` turns an uploaded XLSX or CSV (UTF-8, UTF-16 or GB18030; comma or tab separated)
into raw rows with the line numbers the user sees in Excel, or raises `TableFileError` with a message for
the user. `read_header` and `parse_rows` map those rows onto an importer's `Column`s; what a cell means is
left to the importer's own `parse_cell`, which raises `CellError`. Problems are reported as `RowError`s
and collected in an `ImportResult`.

Writing: `write_csv` and `write_xlsx` write a header row and data rows so that the import reads them back
(text columns that keep leading zeros, dates as dates), plus an XLSX help sheet. Every cell goes through
gongkai.spreadsheet_cells (text never becomes a formula; the import restores the guarded text), and files are
read through gongkai.file_reading (type by content, text decoding, ZIP and time limits).

Nothing here knows about Django models; choices are anything with `.labels` and members with
`.label`/`.value` (Django's TextChoices).
"""

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from gongkai import file_reading, spreadsheet_cells

# Formatted-but-empty rows count towards nothing, but reading a million of them still takes minutes.
DEFAULT_MAX_RAW_ROWS = 100_000
# A zip can inflate a thousandfold; openpyxl is refused anything above this multiple of the upload limit.
UNZIPPED_RATIO = 20


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    help: str = ""
    width: int = 14
    # Written as text in XLSX so Excel keeps leading zeros and 18-character codes intact.
    text: bool = False


def choice_labels(choices) -> str:
    return "、".join(str(label) for label in choices.labels)


# ---------------------------------------------------------------------------------------------- results


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
    """Keys created / updated / left unchanged. When not `ok`, nothing was written and the lists are empty.

    Subclasses name what they count for `summary`: "新增 3 个机构，更新 1 个，…"."""

    measure: ClassVar[str] = "项"  # the classifier: 个, 条
    noun: ClassVar[str] = ""  # 机构, 信息

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
        m = self.measure
        counts = f"新增 {len(self.created)} {m}{self.noun}，更新 {len(self.updated)} {m}，未变化 {len(self.unchanged)} {m}。"
        return f"预检通过（未写入）：{counts}" if self.dry_run else f"导入完成：{counts}"


# ---------------------------------------------------------------------------------------------- reading


class TableFileError(Exception):
    """The file as a whole cannot be read; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    rows: list[tuple[int, list]]  # (line, raw cell values); empty rows already dropped; header first
    is_xlsx: bool


@dataclass(frozen=True)
class _Limits:
    max_rows: int
    max_raw_rows: int
    max_unzipped_bytes: int
    budget: file_reading.Budget


def _keep_row(rows: list, line: int, values, limits: _Limits) -> None:
    if line % 1000 == 0:
        limits.budget.check()
    if line > limits.max_raw_rows:
        raise TableFileError(f"文件超过 {limits.max_raw_rows} 行，请删除多余的空行或拆分后分批导入。")
    values = list(values)
    if all(is_empty(v) for v in values):
        return
    rows.append((line, values))
    if len(rows) > limits.max_rows + 1:  # + the header
        raise TableFileError(f"数据超过 {limits.max_rows} 行，请拆分后分批导入。")


def _read_xlsx(package: file_reading.ZipPackage, data: bytes, sheet_title: str | None, limits: _Limits) -> Table:
    try:
        workbook = file_reading.open_workbook(data, package=package)
    except file_reading.FileRefused as exc:
        raise TableFileError(exc.for_file()) from exc
    except Exception as exc:  # openpyxl raises many types (KeyError, InvalidFileException, XML errors …)
        raise TableFileError(
            "文件不是有效的 XLSX 工作簿，请用 Excel 或 WPS 另存为“Excel 工作簿（*.xlsx）”后再导入。") from exc
    rows: list[tuple[int, list]] = []
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise TableFileError("XLSX 工作簿中没有工作表。")
        sheet = next((s for s in sheets if s.title == sheet_title), sheets[0])
        if hasattr(sheet, "reset_dimensions"):
            # Some generators write a wrong <dimension>; without this openpyxl would cut columns off.
            sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            _keep_row(rows, line, values, limits)
    except TableFileError:
        raise
    except file_reading.FileRefused as exc:
        raise TableFileError(exc.for_file()) from exc
    except Exception as exc:
        raise TableFileError("读取 XLSX 工作簿时出错，文件可能已损坏，请重新保存后再导入。") from exc
    finally:
        workbook.close()
    return Table(rows, is_xlsx=True)


def _decode(data: bytes) -> str:
    try:
        return file_reading.decode_text(data)[0]
    except file_reading.UndecodableText as exc:
        if "无法识别" in str(exc):
            raise TableFileError("无法识别文件编码，请将 CSV 保存为 UTF-8 或 GBK（GB18030）编码后再导入。") from exc
        raise TableFileError(str(exc)) from exc


_NOT_A_TABLE = "文件不是 XLSX 或 CSV 表格，请上传 Excel 工作簿（*.xlsx）或 CSV 文件。"


def _read_csv(data: bytes, limits: _Limits) -> Table:
    text = _decode(data)
    if file_reading.looks_binary(text, sample=8192):
        raise TableFileError(_NOT_A_TABLE)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list]] = []
    line = 0
    try:
        for line, values in enumerate(reader, start=1):
            _keep_row(rows, line, values, limits)
    except csv.Error as exc:
        raise TableFileError(f"第{line + 1}行无法按 CSV 格式读取（可能有未配对的引号或单元格过长）。") from exc
    return Table(rows, is_xlsx=False)


megabytes = file_reading.megabytes  # a byte limit as the import rules state it: "10", "50", "0.5"


def read_table(data: bytes, *, max_bytes: int, max_rows: int, sheet_title: str | None = None,
               max_raw_rows: int = DEFAULT_MAX_RAW_ROWS, max_unzipped_bytes: int | None = None) -> Table:
    """The non-empty rows of an uploaded XLSX or CSV file, header first. From a workbook, the sheet titled
    `sheet_title` is read, or else the first one. Raises TableFileError for anything that is not a
    readable table within the limits (`max_rows` counts data rows, not the header)."""
    if hasattr(data, "read"):  # an upload: refused by its size before it is read
        try:
            data = file_reading.read_upload(data, max_bytes)
        except file_reading.FileRefused as exc:
            raise TableFileError(exc.for_file().removesuffix("已拒绝。") + "请拆分后分批导入。") from exc
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TableFileError("导入的内容不是文件。")
    data = bytes(data)
    if len(data) > max_bytes:
        raise TableFileError(f"文件大小为 {len(data) / 1024 / 1024:.1f} MB，超过 {megabytes(max_bytes)} MB 的上限，"
                             "请拆分后分批导入。")
    if not data.strip():
        raise TableFileError("文件为空。")
    unzipped = max_unzipped_bytes if max_unzipped_bytes is not None else max_bytes * UNZIPPED_RATIO
    limits = _Limits(max_rows, max_raw_rows, unzipped, file_reading.Budget(file_reading.default_seconds()))
    if data.startswith(b"PK"):
        try:
            package = file_reading.ZipPackage(data, file_reading.ZipLimits(
                max_total=min(unzipped, file_reading.DEFAULT_LIMITS.max_total),
                max_entry=min(unzipped, file_reading.DEFAULT_LIMITS.max_entry)), limits.budget)
        except file_reading.FileDamaged as exc:
            raise TableFileError("文件不是有效的 XLSX 工作簿（压缩包已损坏），请重新保存后再导入。") from exc
        except file_reading.FileRefused as exc:
            raise TableFileError(exc.for_file()) from exc
        table = _read_xlsx(package, data, sheet_title, limits)
    elif data.startswith(file_reading.OLE_MAGIC[:4]):
        raise TableFileError("不支持旧版 Excel（*.xls）格式，请另存为“Excel 工作簿（*.xlsx）”或 CSV 后再导入。")
    elif file_reading.sniff(data[:65536]).kind not in ("text", "html", "binary"):  # an image, a PDF …
        raise TableFileError(_NOT_A_TABLE)
    else:
        table = _read_csv(data, limits)
    if not table.rows:
        raise TableFileError("文件中没有任何内容。")
    return table


# ---------------------------------------------------------------------------------------------- header and rows


def _header_text(raw) -> str:
    # "* 机构编码" and "机构 编码": required-column stars and stray spaces are common in hand-made files.
    return cell_text(raw).replace(" ", "").replace("\u3000", "").strip("*＊")


def read_header(table: Table, columns: Sequence[Column]) -> tuple[list[Column | None], list[RowError]]:
    """The column of each position of the header row (None: unknown, duplicate or blank), and what is
    wrong with the header: unknown or repeated names, missing required columns."""
    by_header = {c.header: c for c in columns}
    line, cells = table.rows[0]
    found: list[Column | None] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    unknown = []
    for position, raw in enumerate(cells, start=1):
        header = _header_text(raw)
        column = by_header.get(header) if header else None
        if header and column is None:
            unknown.append(header)
        elif column is not None and header in seen:
            errors.append(RowError(line, header, f"表头“{header}”重复（第 {seen[header]} 列和第 {position} 列）。"))
            column = None
        elif column is not None:
            seen[header] = position
        found.append(column)
    if unknown:
        errors.append(RowError(line, "", f"无法识别的表头：{'、'.join(shorten(h) for h in unknown)}。"
                                         f"第一行应为表头，可用的列名为：{'、'.join(c.header for c in columns)}。"))
    missing = [c.header for c in columns if c.required and c.header not in seen]
    if missing:
        errors.append(RowError(line, "", f"缺少必需的列：{'、'.join(missing)}。"))
    return found, errors


@dataclass
class ParsedRow:
    line: int
    values: dict  # field → parsed value, for the columns present in the file and parsed without error
    bad_fields: set  # fields whose cell did not parse; checks needing them should be skipped
    errors: list[RowError]


def parse_rows(table: Table, columns: Sequence[Column | None],
               parse_cell: Callable[[Column, object, bool], object]) -> Iterator[ParsedRow]:
    """Each data row with its cells parsed by `parse_cell(column, raw, is_xlsx)`, which raises CellError
    for a bad cell. `columns` is what `read_header` found."""
    unlabelled_reported = False
    for line, cells in table.rows[1:]:
        row = ParsedRow(line, {}, set(), [])
        # A short row (trailing cells dropped by the CSV writer) has empty cells, not missing columns.
        cells = list(cells) + [None] * (len(columns) - len(cells))
        for position, raw in enumerate(cells):
            column = columns[position] if position < len(columns) else None
            if column is None:
                if not is_empty(raw) and not unlabelled_reported:  # once per file: it is one mistake
                    unlabelled_reported = True
                    row.errors.append(RowError(line, "", f"第 {position + 1} 列有数据但没有可识别的表头，"
                                                         "请补上列名或删除该列。"))
                continue
            try:
                row.values[column.field] = parse_cell(column, raw, table.is_xlsx)
            except CellError as exc:
                row.bad_fields.add(column.field)
                row.errors.append(RowError(line, column.header, str(exc)))
        yield row


# ---------------------------------------------------------------------------------------------- cells


class CellError(Exception):
    """A cell that cannot be read; the message is for the user."""


_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def clean_text(value: str) -> str:
    # str.strip() already covers the ideographic space (U+3000) and NBSP; zero-width marks are not spaces.
    return value.strip().strip(_INVISIBLE).strip()


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def cell_text(value) -> str:
    """A raw cell (from XLSX or CSV) as trimmed text; dates as 2024-01-31, whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 751500 as 751500.0
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | datetime):
        return value.isoformat()
    # The exports' guard against formula injection (gongkai.spreadsheet_cells) is taken off again.
    return clean_text(spreadsheet_cells.restore(clean_text(str(value))))


def shorten(value: str) -> str:
    """A user's value quoted in a message, cut so that a pasted paragraph does not swamp it."""
    return value if len(value) <= 40 else value[:40] + "…"


def parse_choice(value, choices, header: str) -> str:
    """The value of the choice whose label (or value, in any case) the cell holds."""
    text = cell_text(value)
    for member in choices:
        if text == member.label or text.lower() == member.value:
            return member.value
    raise CellError(f"{header}“{shorten(text)}”无效，应为：{choice_labels(choices)}。")


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value, is_xlsx: bool) -> date | None:
    """A date cell, a date typed as text (2024-01-31, 2024/1/31, 2024年1月31日, 20240131) or, in XLSX,
    an Excel serial number; None when empty."""
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
    text = unicodedata.normalize("NFKC", cell_text(value))
    if not text:
        return None
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(f"日期“{shorten(text)}”无法识别，请使用 2024-01-31 格式。")


# ---------------------------------------------------------------------------------------------- writing


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A UTF-8 CSV with a BOM (so that Excel detects the encoding) and CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_cells.csv_value(h) for h in headers])
    for row in rows:
        # Text that Excel would run as a formula (CSV injection) is guarded; the import takes the guard off.
        writer.writerow([spreadsheet_cells.csv_value(value) for value in row])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def write_xlsx(columns: Sequence[Column], rows: Iterable[Sequence], *, sheet_title: str, help_sheet_title: str,
               help_title: str, rules: Sequence[str], required_label: str = "必填", choices: dict | None = None
               ) -> bytes:
    """A workbook with the data sheet `sheet_title` (styled header, frozen and filtered; text columns keep
    leading zeros) and a help sheet: `help_title`, the numbered `rules`, then each column's help.
    `choices` maps a header to its choices, offered as a drop-down list in that column."""
    # lazy: openpyxl (~25 MB, ~0.7 s to import) only when a workbook is made
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, len(column.header) * 2 + 2)
        if column.text:
            # New rows typed in Excel keep leading zeros too, not just the exported cells.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    sheet.append([spreadsheet_cells.cell(sheet, column.header, font=bold, fill=fill,
                                         alignment=Alignment(horizontal="center", vertical="center"))
                  for column in columns])

    count = 0
    for row in rows:
        count += 1
        cells = []
        for column, value in zip(columns, row, strict=True):
            cell = spreadsheet_cells.cell(sheet, value)  # text as text, never a formula
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and column.text:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)

    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(count + 1, 2)}"
    headers = [c.header for c in columns]
    for header_text, options in (choices or {}).items():
        letter = get_column_letter(headers.index(header_text) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(options.labels) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=f"{header_text}无效",
                                    error=f"请填写：{choice_labels(options)}。")
        validation.add(f"{letter}2:{letter}{count + 1001}")  # room for rows typed in later
        sheet.data_validations.append(validation)

    help_sheet = workbook.create_sheet(help_sheet_title)
    help_sheet.column_dimensions["A"].width = 30
    help_sheet.column_dimensions["B"].width = 8
    help_sheet.column_dimensions["C"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")

    def styled(value, font=None, wrapped=True):
        cell = spreadsheet_cells.cell(help_sheet, value)
        if wrapped:  # the one-line rules above the table overflow into the empty cells to their right
            cell.alignment = wrap
        if font is not None:
            cell.font = font
        return cell

    help_sheet.append([styled(help_title, Font(bold=True, size=14), wrapped=False)])
    for number, rule in enumerate(rules, start=1):
        help_sheet.append([styled(f"{number}. {rule}", wrapped=False)])
    help_sheet.append([])
    help_sheet.append([styled("列名", bold), styled(required_label, bold), styled("说明及可填写的值", bold)])
    for column in columns:
        help_sheet.append([styled(column.header), styled("是" if column.required else ""), styled(column.help)])

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
