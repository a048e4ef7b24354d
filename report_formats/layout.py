"""The printed grid of each table of a format, merged cells included, as every renderer (DOCX, HTML/PDF,
XLSX) draws it. Built only from report_formats.formats, so the exports and the checkup's label matching read the
same labels.

A grid is a list of rows; each row lists the cells that START in it (as HTML does), each with its column,
colspan and rowspan, so a renderer that needs absolute positions (DOCX, XLSX) merges from (row, column).

Layout rules, from the printed forms (docs/law/annual-report.md §3–§5):
- 表二 is one table of blocks, one per 第二十条 item: a title row spanning the table, a header row
  (信息内容 + the block's columns), then its rows. A block narrower than the widest one stretches its last
  column over the rest.
- 表三 has a three-column label area: a group label (三、本年度办理结果, （三）不予公开 …) is a cell spanning its
  data rows vertically; a data row's label starts at its depth and spans the rest of the label area.
- 表四 prints its fifteen numbers in one row under a three-row header.
- The legacy 统计表 (and the 福建 local table) list every row, group rows included, with a 单位 column."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .formats import FORMATS, CellType, ReportFormat, TableSpec


@dataclass(frozen=True)
class GridCell:
    text: str
    row: int  # absolute row in the grid (headers first)
    column: int
    colspan: int = 1
    rowspan: int = 1
    kind: str = "value"  # "title" | "header" | "label" | "unit" | "value"
    cell_id: str | None = None
    depth: int = 0  # labels: the printed indentation level


@dataclass
class Grid:
    table_id: str
    title: str
    width: int
    rows: list[list[GridCell]] = field(default_factory=list)
    header_rows: set[int] = field(default_factory=set)  # absolute indexes of header rows (repeat on new pages)
    note: str = ""

    def cells(self):
        for row in self.rows:
            yield from row

    @property
    def height(self) -> int:
        return len(self.rows)

    def value_cells(self) -> list[GridCell]:
        return [c for c in self.cells() if c.kind == "value" and c.cell_id]


def format_value(value, cell_type: CellType = CellType.COUNT) -> str:
    """The printed number: integers without decimals, money as its exact decimal, blank for no value."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    if cell_type in (CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


class _Builder:
    def __init__(self, table: TableSpec, width: int):
        self.grid = Grid(table.id, table.title, width, note=table.note)

    def new_row(self, header: bool = False) -> int:
        self.grid.rows.append([])
        index = len(self.grid.rows) - 1
        if header:
            self.grid.header_rows.add(index)
        return index

    def add(self, row: int, cell: GridCell) -> None:
        self.grid.rows[row].append(cell)

    def header(self, header_rows, label_width_override: int | None = None) -> None:
        """Place printed header rows (HTML-style spans) into absolute columns."""
        start = len(self.grid.rows)
        occupied: dict[int, set[int]] = {}
        for r, cells in enumerate(header_rows):
            row = self.new_row(header=True)
            column = 0
            for cell in cells:
                while column in occupied.get(r, set()):
                    column += 1
                self.add(row, GridCell(cell.label, start + r, column, cell.colspan, cell.rowspan, "header"))
                for dr in range(cell.rowspan):
                    occupied.setdefault(r + dr, set()).update(range(column, column + cell.colspan))
                column += cell.colspan


def _value(values: dict, cid: str, cell_type: CellType) -> str:
    return format_value(values.get(cid), cell_type)


def _table_two(table: TableSpec, values: dict) -> Grid:
    width = max(1 + len(block.columns) for block in table.blocks)
    b = _Builder(table, width)
    for block in table.blocks:
        cols = list(block.columns)
        row = b.new_row(header=True)
        b.add(row, GridCell(block.title, row, 0, width, 1, "title"))
        row = b.new_row(header=True)
        b.add(row, GridCell("信息内容", row, 0, 1, 1, "header"))
        for i, col in enumerate(cols):
            span = width - 1 - i if i == len(cols) - 1 else 1
            b.add(row, GridCell(col.label, row, 1 + i, span, 1, "header"))
        cells = {(c.row_id, c.column_id): c for c in block.cells}
        for spec_row in block.rows:
            row = b.new_row()
            b.add(row, GridCell(spec_row.label, row, 0, kind="label"))
            for i, col in enumerate(cols):
                spec = cells[(spec_row.id, col.id)]
                span = width - 1 - i if i == len(cols) - 1 else 1
                b.add(row, GridCell(_value(values, spec.id, spec.type), row, 1 + i, span, 1, "value", spec.id))
    return b.grid


def _table_four(table: TableSpec, values: dict) -> Grid:
    width = sum(c.colspan for c in table.header_rows[0])
    b = _Builder(table, width)
    b.header(table.header_rows)
    row = b.new_row()
    for i, spec in enumerate(table.cells):
        b.add(row, GridCell(_value(values, spec.id, spec.type), row, i, kind="value", cell_id=spec.id))
    return b.grid


def _hierarchical(table: TableSpec, values: dict) -> Grid:
    """表三: group labels span their data rows vertically in a multi-column label area."""
    label_width = table.header_rows[0][0].colspan
    width = label_width + len(table.columns)
    b = _Builder(table, width)
    b.header(table.header_rows)
    cells = {(c.row_id, c.column_id): c for c in table.cells}
    rows = list(table.rows)
    pending_groups: list[tuple[int, str, int]] = []  # (depth, label, rowspan) waiting for their first data row
    for i, spec_row in enumerate(rows):
        if spec_row.id is None:
            span = 0
            for later in rows[i + 1:]:
                if later.depth <= spec_row.depth:
                    break
                span += 1 if later.id else 0
            pending_groups.append((spec_row.depth, spec_row.label, span))
            continue
        row = b.new_row()
        for depth, label, span in pending_groups:
            b.add(row, GridCell(label, row, depth, 1, span, "label", depth=depth))
        pending_groups = []
        b.add(row, GridCell(spec_row.label, row, spec_row.depth, label_width - spec_row.depth, 1, "label",
                            depth=spec_row.depth))
        for j, col in enumerate(table.columns):
            spec = cells.get((spec_row.id, col.id))
            text = _value(values, spec.id, spec.type) if spec else ""
            b.add(row, GridCell(text, row, label_width + j, kind="value", cell_id=spec.id if spec else None))
    return b.grid


def _listed(table: TableSpec, values: dict) -> Grid:
    """The legacy 统计表 and the 福建 table: every row printed, with its 单位."""
    width = 2 + len(table.columns)
    b = _Builder(table, width)
    b.header(table.header_rows)
    cells = {(c.row_id, c.column_id): c for c in table.cells}
    for spec_row in table.rows:
        row = b.new_row()
        b.add(row, GridCell(spec_row.label, row, 0, kind="label", depth=spec_row.depth))
        b.add(row, GridCell(spec_row.unit or "", row, 1, kind="unit"))
        for j, col in enumerate(table.columns):
            spec = cells.get((spec_row.id, col.id)) if spec_row.id else None
            text = _value(values, spec.id, spec.type) if spec else ""
            b.add(row, GridCell(text, row, 2 + j, kind="value", cell_id=spec.id if spec else None))
    return b.grid


def table_grid(table: TableSpec, values: dict) -> Grid:
    if table.blocks:
        return _table_two(table, values)
    if table.id == "t4":
        return _table_four(table, values)
    if table.id in ("lg", "fj"):
        return _listed(table, values)
    return _hierarchical(table, values)


def grids(report_format: ReportFormat, values: dict) -> list[Grid]:
    """Every table of the format, in printed order, filled with `values` (cell id → number or None)."""
    return [table_grid(table, values) for table in FORMATS[ReportFormat(report_format)].tables]


# Column widths on the printed page (DOCX, HTML/PDF, XLSX).
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 less the GB/T 9704 left and right margins

UNIT_COLUMN_MM = 14
VALUE_COLUMN_MM = 28  # at most; narrower when a table has many value columns
GROUP_COLUMN_MM = 10  # 表三's group label columns (三、本年度办理结果 …), spanning their rows
LABEL_AREA_MIN_MM = 60


def column_widths_mm(grid: Grid, total: float = TEXT_WIDTH_MM) -> list[float]:
    """Each grid column's width: label columns share what the value columns leave, the last label column
    (where the row labels are) taking the most; a table without row labels (表四) is split evenly."""
    label_columns = {c.column for c in grid.cells() if c.kind == "label"}
    unit_columns = {c.column for c in grid.cells() if c.kind == "unit"}
    if not label_columns:
        return [total / grid.width] * grid.width
    value_count = grid.width - len(label_columns | unit_columns)
    units = UNIT_COLUMN_MM * len(unit_columns)
    value = min(VALUE_COLUMN_MM, (total - LABEL_AREA_MIN_MM - units) / max(value_count, 1))
    last_label = max(label_columns)
    groups = GROUP_COLUMN_MM * (len(label_columns) - 1)
    widths = []
    for column in range(grid.width):
        if column in unit_columns:
            widths.append(UNIT_COLUMN_MM)
        elif column == last_label:
            widths.append(total - units - value * value_count - groups)
        elif column in label_columns:
            widths.append(GROUP_COLUMN_MM)
        else:
            widths.append(value)
    return widths


def label_indent(cell: GridCell) -> int:
    """Characters a label is indented by: its depth beyond the column it starts in (表三 shows depth by
    column already; the 统计表 prints every level in one column)."""
    return max(cell.depth - cell.column, 0) if cell.kind == "label" else 0
