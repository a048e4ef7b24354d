"""Entered figures: what units enter because the platform does not hold it (行政许可/处罚/强制, 收费, the legacy
rows it cannot count) — by form or XLSX template — and their submission and approval. The only writer of
EnteredFigures / EnteredValue."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record
from gongkai.tables import (
    Column,
    RowError,
    TableFileError,
    cell_text,
    parse_rows,
    read_header,
    read_table,
    write_xlsx,
)
from orgs.models import Agency
from orgs.scoping import Capability, has_capability
from report_formats.formats import (
    FORMATS,
    CellType,
    ReportFormat,
    format_for_year,
    parse_cell_value,
)
from report_formats.validation import TABLE_NAMES

from ..models import (
    EnteredFigures,
    EnteredValue,
    FiguresStatus,
)
from .compute import entered_cell_ids

# ------------------------------------------------------------------------------------------ entered figures


def require_capability(user, capability: Capability, agency: Agency) -> None:
    if user is not None and not has_capability(user, capability, agency):
        raise PermissionDenied("您没有该操作的权限。")


def figures_for(agency: Agency, year: int) -> EnteredFigures:
    figures, _ = EnteredFigures.objects.get_or_create(agency=agency, year=year)
    return figures


def parse_entered(fmt: ReportFormat, values: dict) -> tuple[dict[str, tuple[Decimal | None, str]], dict[str, str]]:
    """(cell id → (value, raw)), (cell id → error) for the entered cells of `fmt`."""
    allowed = set(entered_cell_ids(fmt))
    cells = FORMATS[fmt].cells()
    parsed, errors = {}, {}
    for cid, raw in values.items():
        if cid not in allowed:
            errors[cid] = f"“{cid}”不是{fmt.label}中需要填报的单元格。"
            continue
        text = "" if raw is None else str(raw).strip()
        if not text:
            parsed[cid] = (None, "")
            continue
        pv = parse_cell_value(text, cells[cid].type)
        bad = pv.value is None or pv.flags & {"invalid", "approximate", "annotated", "placeholder", "unit_missing"}
        if bad:
            errors[cid] = f"“{text}”不是有效的数值（请填写阿拉伯数字，不带“约”“余”等字样）。"
            continue
        value = pv.value
        if cells[cid].type == CellType.COUNT and (value < 0 or value != value.to_integral_value()):
            errors[cid] = f"“{text}”：件数必须是不小于 0 的整数。"
        elif cells[cid].type == CellType.SIGNED_COUNT and value != value.to_integral_value():
            errors[cid] = f"“{text}”：增减数必须是整数。"
        elif cells[cid].type in (CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT) and value < 0:
            errors[cid] = f"“{text}”：金额不能为负数。"
        elif value.as_tuple().exponent < -4 or abs(value) >= Decimal(10) ** 12:
            errors[cid] = f"“{text}”：最多保留4位小数，且不超过12位整数。"
        else:
            parsed[cid] = (value, text)
    return parsed, errors


@transaction.atomic
def enter_figures(agency: Agency, year: int, values: dict, user, source: str = "表单") -> EnteredFigures:
    """Store a unit's entered figures (blank clears a cell). Refused once submitted: reopen first."""
    require_capability(user, Capability.REPORTS_COMPILE, agency)
    fmt = format_for_year(year)
    parsed, errors = parse_entered(fmt, values)
    if errors:
        raise ValidationError(errors)
    figures = EnteredFigures.objects.select_for_update().get(pk=figures_for(agency, year).pk)
    if figures.status != FiguresStatus.DRAFT:
        raise ValidationError(f"{agency}{year}年的填报数据已{figures.get_status_display()}，请先退回修改。")
    now = timezone.now()
    existing = {v.cell_id: v for v in figures.values.all()}
    before = {cid: str(v.value) for cid, v in existing.items()}
    for cid, (value, raw) in parsed.items():
        current = existing.get(cid)
        if value is None:
            if current:
                current.delete()
            continue
        if current and current.value == value:
            continue
        EnteredValue.objects.update_or_create(
            figures=figures, cell_id=cid,
            defaults={"value": value, "raw": raw[:200], "source": source[:300], "entered_by": user, "entered_at": now})
    after = {v.cell_id: str(v.value) for v in figures.values.all()}
    if after != before:
        figures.save(update_fields=["updated_at"])
        record("reports.figures.enter", figures, agency=agency, before=before, after=after, note=source)
    return figures


def _figures_transition(figures: EnteredFigures, user, allowed_from, to, capability, action) -> EnteredFigures:
    figures = EnteredFigures.objects.select_for_update().get(pk=figures.pk)
    require_capability(user, capability, figures.agency)
    if figures.status not in allowed_from:
        raise ValidationError(f"填报数据当前为“{figures.get_status_display()}”，不能执行此操作。")
    before = figures.status
    figures.status = to
    now = timezone.now()
    if to == FiguresStatus.SUBMITTED:
        figures.submitted_by, figures.submitted_at = user, now
    elif to == FiguresStatus.APPROVED:
        figures.approved_by, figures.approved_at = user, now
    else:
        figures.approved_by = figures.approved_at = None
    figures.save()
    record(action, figures, agency=figures.agency, before={"status": before}, after={"status": to})
    return figures


@transaction.atomic
def submit_figures(figures, user):
    return _figures_transition(figures, user, [FiguresStatus.DRAFT], FiguresStatus.SUBMITTED,
                               Capability.REPORTS_COMPILE, "reports.figures.submit")


@transaction.atomic
def approve_figures(figures, user):
    return _figures_transition(figures, user, [FiguresStatus.SUBMITTED], FiguresStatus.APPROVED,
                               Capability.REPORTS_APPROVE, "reports.figures.approve")


@transaction.atomic
def reopen_figures(figures, user):
    return _figures_transition(figures, user, [FiguresStatus.SUBMITTED, FiguresStatus.APPROVED],
                               FiguresStatus.DRAFT, Capability.REPORTS_COMPILE, "reports.figures.reopen")


# XLSX template: one row per entered cell; departments fill in the 数值 column and upload it back.
def _template_columns():
    return [Column("单元格编号", "cell_id", required=True, help="不要修改。", width=36, text=True),
            Column("表格", "table", help="仅供参考。", width=10),
            Column("项目", "label", help="仅供参考。", width=60),
            Column("单位", "unit", help="仅供参考；金额以万元计。", width=8),
            Column("数值", "value", help="阿拉伯数字；件数为整数，金额可带小数；不涉及的填0，未统计的留空。",
                   width=14, text=True)]


def figures_template(agency: Agency, year: int) -> bytes:
    fmt = format_for_year(year)
    cells = FORMATS[fmt].cells()
    current = {v.cell_id: v.value for v in EnteredValue.objects.filter(figures__agency=agency, figures__year=year)}
    rows = []
    for cid in entered_cell_ids(fmt):
        spec = cells[cid]
        label = " · ".join(spec.row_path) + ("" if spec.table == "lg" else f" · {spec.column_label}")
        value = current.get(cid)
        rows.append([cid, TABLE_NAMES.get(spec.table, spec.table), label, spec.unit or "",
                     "" if value is None else plain_number(value)])
    return write_xlsx(_template_columns(), rows, sheet_title="填报数据", help_sheet_title="填写说明",
                      help_title=f"{agency.name}{year}年政府信息公开工作年度报告填报表（{fmt.label}）",
                      rules=["每行一个单元格，只填写“数值”列，不要增删或修改“单元格编号”。",
                             "文件中任何一行有错误时，整份文件都不会导入，请按提示改正后重新上传。",
                             "已提交或已审核的填报数据不能覆盖，请先退回修改。"])


@dataclass
class FiguresImportResult:
    errors: list = field(default_factory=list)  # gongkai.tables.RowError
    changed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_figures_xlsx(agency: Agency, year: int, data: bytes, filename: str, user) -> FiguresImportResult:
    """All or nothing: any row error and nothing is written."""
    require_capability(user, Capability.REPORTS_COMPILE, agency)
    fmt = format_for_year(year)
    allowed = set(entered_cell_ids(fmt))
    result = FiguresImportResult()
    try:
        table = read_table(data, max_bytes=2 * 1024 * 1024, max_rows=1000, sheet_title="填报数据")
    except TableFileError as exc:
        result.errors.append(RowError(0, "", exc.message))
        return result
    columns, header_errors = read_header(table, _template_columns())
    if header_errors:
        result.errors.extend(header_errors)
        return result

    def parse_cell(column, raw, is_xlsx):
        if column.field == "value" and isinstance(raw, float):
            return repr(raw)  # keep the digits Excel stored, never a rounded str()
        return cell_text(raw)

    values, seen = {}, {}
    for row in parse_rows(table, columns, parse_cell):
        result.errors.extend(row.errors)
        cid = row.values.get("cell_id", "")
        if not cid:
            result.errors.append(RowError(row.line, "单元格编号", "单元格编号不能为空。"))
            continue
        if cid not in allowed:
            result.errors.append(RowError(row.line, "单元格编号", f"“{cid}”不是{year}年度报告需要填报的单元格。"))
            continue
        if cid in seen:
            result.errors.append(RowError(row.line, "单元格编号", f"“{cid}”与第{seen[cid]}行重复。"))
            continue
        seen[cid] = row.line
        parsed, errors = parse_entered(fmt, {cid: row.values.get("value", "")})
        if errors:
            result.errors.append(RowError(row.line, "数值", errors[cid]))
        else:
            values[cid] = row.values.get("value", "")
    if result.errors:
        return result
    try:
        figures = enter_figures(agency, year, values, user, source=f"上传文件：{filename}")
    except ValidationError as exc:
        result.errors.append(RowError(0, "", "；".join(exc.messages)))
        return result
    result.changed = figures.values.count()
    return result


def plain_number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
