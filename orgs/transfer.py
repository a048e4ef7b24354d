"""Import and export of the agency tree (机构) as XLSX or CSV.

Export writes parents before children, so an exported file re-imports cleanly. Import is all-or-nothing:
every row is checked (cells, references, cycles, scope) and then written through `create_agency` /
`update_agency` inside one transaction, which is rolled back if any row failed or on a dry run. Every
problem found is reported as a `RowError(line, column, message)` with the row number the user sees in
Excel; bad input never raises.

Reading and writing the spreadsheet itself is gongkai.tables'; what the agency columns mean is here.
"""

import copy
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from audit.services import record
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

from . import credit_code as cc
from .models import Agency, AgencyKind, AgencyLevel, ReviewJurisdiction
from .services import create_agency, update_agency

__all__ = ["COLUMNS", "HEADERS", "MAX_BYTES", "MAX_ROWS", "REQUIRED_HEADERS", "ImportResult", "RowError",
           "export_agencies", "import_agencies"]

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
SHEET_TITLE = "机构"
HELP_SHEET_TITLE = "填写说明"

COLUMNS: tuple[Column, ...] = (
    Column("机构编码", "code", True, "平台内唯一的短编码，只能由字母、数字、“-”和“_”组成，以字母或数字开头，"
           "最长40位。导入时按此列匹配：已有的机构更新，没有的新建。", 14, True),
    Column("机构全称", "name", True, "机构的规范全称，最长200字。", 32),
    Column("简称", "short_name", False, "最长60字，可留空。", 16),
    Column("机构类别", "kind", True, f"填写以下之一：{choice_labels(AgencyKind)}。", 12),
    Column("层级", "level", True, f"填写以下之一：{choice_labels(AgencyLevel)}。", 12),
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
    Column("法律法规授权", "authorised_by_law", False, "事业单位经法律、法规授权具有管理公共事务职能的填“是”，可受理政府信息"
           "公开申请（《中华人民共和国政府信息公开条例》第五十四条）；其他留空或填“否”。只有事业单位可以填“是”。", 12),
    Column("行政复议管辖", "review_jurisdiction", False, "实行垂直领导的行政机关填“vertical”或“"
           f"{ReviewJurisdiction.VERTICAL.label}”，国家安全机关填“state_security”或“{ReviewJurisdiction.STATE_SECURITY.label}”"
           "（《中华人民共和国行政复议法》第二十七条）；其他留空。", 16),
    Column("上一级主管部门", "superior_department", False, "实行垂直领导的行政机关、国家安全机关必填，其行政复议机关为"
           "上一级主管部门；其他留空。", 24),
    Column("上一级人民政府", "superior_government", False, "平台中没有上级人民政府的人民政府填写（例如“吴忠市人民政府”），"
           "答复告知书中写明其为行政复议机关；省级人民政府和其他机构留空。", 24),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if c.required)
_HEADER = {c.field: c.header for c in COLUMNS}

IMPORT_RULES = (
    "第一行为表头，列名须与下表一致；除机构编码、机构全称、机构类别、层级外，其他列可以整列省略。",
    "按“机构编码”匹配：平台中已有该编码的机构，更新其变化的字段；没有的，新建机构。",
    "文件中省略的列不修改；列存在但单元格留空，表示清空该字段。",
    "上级机关可以是本文件中的另一行，行的先后顺序不限，但上级关系不能形成循环。",
    "整个文件要么全部导入，要么全部不导入：只要有一处错误，就不写入任何数据，并列出全部错误的行号、列名和原因。",
    "在工作台导入时，只能新建或修改本人有权管理的机构（本机关的下级机构）。",
    f"文件不超过 {megabytes(MAX_BYTES)} MB，数据不超过 {MAX_ROWS} 行；支持 XLSX 和 CSV（UTF-8 或 GBK 编码，逗号或制表符分隔）。",
)


class ImportResult(_BaseImportResult):
    """Codes created / updated / left unchanged. When not `ok`, nothing was written and the lists are empty."""

    measure = "个"
    noun = "机构"


# ---------------------------------------------------------------------------------------------- export


def _export_value(agency: Agency, column: Column):
    if column.field == "kind":
        return agency.get_kind_display()
    if column.field == "level":
        return agency.get_level_display()
    if column.field in ("parent", "supervisor"):
        related = getattr(agency, column.field)
        return related.code if related is not None else ""
    if column.field == "authorised_by_law":
        return "是" if agency.authorised_by_law else ""
    if column.field == "review_jurisdiction":
        return agency.get_review_jurisdiction_display() if agency.review_jurisdiction else ""
    value = getattr(agency, column.field)
    return "" if value is None else value


def _export_rows(queryset):
    for agency in queryset.select_related("parent", "supervisor").order_by("path", "pk"):
        yield [_export_value(agency, column) for column in COLUMNS]


def export_agencies(queryset, fmt: str) -> bytes:
    """The agencies of `queryset`, parents first, as an XLSX workbook or a UTF-8 (BOM) CSV."""
    fmt = (fmt or "").lower()
    if fmt == "xlsx":
        return write_xlsx(COLUMNS, _export_rows(queryset), sheet_title=SHEET_TITLE,
                          help_sheet_title=HELP_SHEET_TITLE, help_title="机构导入填写说明", rules=IMPORT_RULES,
                          choices={"机构类别": AgencyKind, "层级": AgencyLevel})
    if fmt == "csv":
        return write_csv(HEADERS, _export_rows(queryset))
    raise ValueError(f"不支持的导出格式：{fmt}（应为 xlsx 或 csv）")


# ---------------------------------------------------------------------------------------------- cells


_FLOAT_TAIL = re.compile(r"([0-9]+)\.0+")


def _code_text(value) -> str:
    # Full-width letters, digits and hyphens (ＡＢ１２－) are common when typed with a Chinese IME.
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    # "751500.0" in a CSV written from a spreadsheet tool: codes never contain a dot, so it is a number.
    match = _FLOAT_TAIL.fullmatch(text)
    return match[1] if match else text


_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


def _parse_sort_order(value) -> int:
    text = unicodedata.normalize("NFKC", cell_text(value))
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not 0 <= number <= 2_147_483_647:
        raise CellError(f"排序“{shorten(text)}”应为不小于0的整数。")
    return int(number)


_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"", "否", "n", "no", "false", "0"}


def _parse_yes_no(value, header: str) -> bool:
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"{header}“{shorten(text)}”无效，应为“是”或“否”（或留空）。")


def _parse_digits(value, header: str, is_xlsx: bool) -> str:
    text = re.sub(r"\s+", "", _code_text(value))
    if is_xlsx and isinstance(value, int | float) and not isinstance(value, bool) and re.fullmatch("[0-9]{1,5}", text):
        text = text.zfill(6)  # Excel turns 010000 into the number 10000
    if text and not re.fullmatch("[0-9]{6}", text):
        raise CellError(f"{header}“{shorten(text)}”应为6位数字。")
    return text


def _parse_cell(column: Column, value, is_xlsx: bool):
    name = column.field
    if name in ("kind", "level"):
        if not cell_text(value):
            raise CellError(f"{column.header}不能为空。")
        return parse_choice(value, AgencyKind if name == "kind" else AgencyLevel, column.header)
    if name in ("established_on", "dissolved_on"):
        return parse_date(value, is_xlsx)
    if name == "authorised_by_law":
        return _parse_yes_no(value, column.header)
    if name == "review_jurisdiction":
        return parse_choice(value, ReviewJurisdiction, column.header) if cell_text(value) else ""
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
            raise CellError(error.message)
        return text
    if name in ("code", "parent", "supervisor"):
        text = _code_text(value)
        if name == "code" and not text:
            raise CellError("机构编码不能为空。")
        if text and not _CODE_RE.fullmatch(text):
            raise CellError(f"{column.header}“{shorten(text)}”无效：只能由字母、数字、“-”和“_”组成，"
                             "以字母或数字开头，不超过40位。")
        return text
    if name in ("phone", "fax"):
        return _code_text(value)
    text = cell_text(value)
    if name == "name" and not text:
        raise CellError("机构全称不能为空。")
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
    def __init__(self, table: Table, scope_root: Agency | None, result: ImportResult):
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
        self.columns, errors = read_header(self.table, COLUMNS)
        self.result.errors.extend(errors)
        return not self.result.errors

    def read_rows(self) -> None:
        for parsed in parse_rows(self.table, self.columns, _parse_cell):
            row = _Row(parsed.line, parsed.values, parsed.bad_fields)
            for error in parsed.errors:
                self.error(row, error.line, error.column, error.message)
            self.rows.append(row)
            if "code" in row.bad_fields:
                continue
            first = self.by_code.get(row.code)
            if first is not None:
                self.error(row, row.line, _HEADER["code"], f"机构编码重复（第 {first.line} 行已出现）。")
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
        table = read_table(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, sheet_title=SHEET_TITLE)
    except TableFileError as exc:
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
