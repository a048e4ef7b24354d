"""The annual report as an Excel workbook: each table as printed (merged cells, borders, numbers as numbers),
every cell with its provenance on the 单元格 sheet (money as its exact decimal text, since Excel keeps
binary floating point), the validator's findings, and native Excel charts drawn from the report's data.

Drawn from the same document (services.document_for) and layout grids as the DOCX and HTML/PDF exports."""

from __future__ import annotations

import io
import math
from decimal import Decimal

from gongkai.spreadsheet_cells import put
from report_formats.formats import ALL_CELLS, FORMATS, CellType
from report_formats.layout import Grid, column_widths_mm, format_value, label_indent
from report_formats.validation import SEVERITY_ORDER, TABLE_NAMES, Finding, Severity

from .. import services
from .document import Chart, ReportDocument

MONEY_FORMAT = "0.00##"
MONEY_TYPES = (CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT)
MM_PER_WIDTH_UNIT = 1.6  # an Excel width unit is one "0" of the default font, about 1.9 mm; CJK is wider
TITLE_ROWS = 2  # the report title, then the table title
CJK_WIDTH = 2  # width units of a Chinese character
LINE_HEIGHT_PT = 14.5
CHART_ROWS = 20  # rows between two charts on the 图表 sheet (a 9 cm chart is about 18 rows high)
CELL_COLUMNS = (("单元格编号", 34), ("表格", 8), ("行", 60), ("列", 28), ("单位", 8), ("数值", 14),
                ("来源", 12), ("出处", 60))
FINDING_COLUMNS = (("级别", 8), ("代码", 12), ("单元格", 40), ("位置", 30), ("说明", 90))


class _Book:
    def __init__(self, document: ReportDocument):
        # lazy: openpyxl (~25 MB, ~0.7 s to import) only when an XLSX is written
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, Side

        self.document = document
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self.workbook.properties.title = document.title
        self.workbook.properties.creator = document.agency_name
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.Alignment = Alignment

    def put(self, sheet, row: int, column: int, value, *, font=None, align: str | None = None, wrap=True,
            indent: int = 0, border=False, number_format: str | None = None):
        cell = put(sheet.cell(row=row, column=column), value)  # text as text, never a formula
        cell.alignment = self.Alignment(horizontal=align, vertical="center", wrap_text=wrap, indent=indent)
        if font is not None:
            cell.font = font
        if border:
            cell.border = self.border
        if number_format:
            cell.number_format = number_format
        return cell

    def sheet(self, title: str, widths):
        """A sheet whose first row is the report title."""
        # lazy: openpyxl (~25 MB, ~0.7 s to import) only when an XLSX is written
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        self.put(sheet, 1, 1, self.document.title, font=self.title_font, wrap=False)
        return sheet

    def listing(self, title: str, columns, rows) -> None:
        """A plain list under the title row: a bold, frozen, filtered header, one row per item."""
        # lazy: openpyxl (~25 MB, ~0.7 s to import) only when an XLSX is written
        from openpyxl.utils import get_column_letter

        sheet = self.sheet(title, [width for _, width in columns])
        for c, (label, _) in enumerate(columns, start=1):
            self.put(sheet, 2, c, label, font=self.bold, align="center", border=True)
        count = 0
        for r, values in enumerate(rows, start=3):
            count += 1
            for c, value in enumerate(values, start=1):
                self.put(sheet, r, c, value, border=True, align="left" if isinstance(value, str) else "right",
                         number_format="@" if isinstance(value, str) else None)
        sheet.freeze_panes = "A3"
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{count + 2}"

    def table(self, grid: Grid) -> None:
        """A table as printed: the grid below the report title and the table title."""
        name = TABLE_NAMES.get(grid.table_id, grid.table_id)
        if name in self.workbook.sheetnames:
            name = f"{name}（{grid.table_id}）"
        widths = [round(mm / MM_PER_WIDTH_UNIT, 1) for mm in column_widths_mm(grid)]
        sheet = self.sheet(name, widths)
        self.put(sheet, 2, 1, grid.title, font=self.bold, align="center")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=grid.width)
        lines = [1] * grid.height
        for cell in grid.cells():
            row, column = cell.row + TITLE_ROWS + 1, cell.column + 1
            if cell.rowspan == 1:
                width = sum(widths[cell.column:cell.column + cell.colspan])
                lines[cell.row] = max(lines[cell.row], math.ceil(len(cell.text) * CJK_WIDTH / max(width - 1, 1)))
            if cell.kind == "value":
                value, number_format = _number(cell.text, cell.cell_id)
                self.put(sheet, row, column, value, align="center", border=True, number_format=number_format)
            else:
                heading = cell.kind in ("title", "header")
                self.put(sheet, row, column, cell.text, font=self.bold if heading else None,
                         align="center" if heading or cell.kind == "unit" else "left", border=True,
                         indent=label_indent(cell))
            if cell.colspan > 1 or cell.rowspan > 1:
                sheet.merge_cells(start_row=row, start_column=column, end_row=row + cell.rowspan - 1,
                                  end_column=column + cell.colspan - 1)
        for index, count in enumerate(lines):
            # Excel sizes no row holding merged cells to its text: the height is estimated from the widths.
            sheet.row_dimensions[index + TITLE_ROWS + 1].height = LINE_HEIGHT_PT * count + 4
        leading = sorted(grid.header_rows)
        if leading and leading == list(range(len(leading))):
            sheet.print_title_rows = f"{TITLE_ROWS + 1}:{TITLE_ROWS + len(leading)}"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if grid.width > 4 else "portrait"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def charts(self, charts: list[Chart]) -> None:
        # lazy: openpyxl (~25 MB, ~0.7 s to import) only when an XLSX is written
        from openpyxl.chart import BarChart, LineChart, PieChart, Reference

        sheet = self.sheet("图表", [18, 12, 12, 12])
        if not charts:
            self.put(sheet, 3, 1, "本报告没有可绘制的图表数据。", wrap=False)
            return
        top = 3
        for chart in charts:
            self.put(sheet, top, 1, chart.title, font=self.bold, wrap=False)
            self.put(sheet, top + 1, 1, chart.description, wrap=False)
            header = top + 2
            self.put(sheet, header, 1, "项目", font=self.bold, align="center", border=True)
            for s, (name, values) in enumerate(chart.series, start=2):
                self.put(sheet, header, s, f"{name}（{chart.unit}）", font=self.bold, align="center", border=True)
                for i, value in enumerate(values, start=1):
                    number, number_format = _plain_number(value)
                    self.put(sheet, header + i, s, number, border=True, number_format=number_format)
            for i, category in enumerate(chart.categories, start=1):
                self.put(sheet, header + i, 1, category, border=True)
            last = header + len(chart.categories)
            native = {"line": LineChart, "pie": PieChart}.get(chart.kind, BarChart)()
            native.title = chart.title
            native.add_data(Reference(sheet, min_col=2, max_col=1 + len(chart.series), min_row=header, max_row=last),
                            titles_from_data=True)
            native.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
            if chart.kind != "pie":
                native.y_axis.title = chart.unit
                native.x_axis.delete = native.y_axis.delete = False  # newer Excel hides axes otherwise
            if len(chart.series) == 1:
                native.legend = None
            native.width, native.height = 18, 9
            sheet.add_chart(native, f"F{top}")
            top += max(CHART_ROWS, len(chart.categories) + 5)


def _plain_number(value) -> tuple[int | float, str]:
    value = Decimal(value or 0)
    if value == value.to_integral_value():
        return int(value), "0"
    return float(value), MONEY_FORMAT


def _number(text: str, cell_id: str | None) -> tuple[int | float | None, str | None]:
    """A grid value as an Excel number: counts as integers, money as a float shown with its decimals (the
    exact decimal is on the 单元格 sheet)."""
    if not text:
        return None, None
    spec = ALL_CELLS.get(cell_id or "")
    if spec is not None and spec.type in MONEY_TYPES:
        return float(Decimal(text)), MONEY_FORMAT
    return _plain_number(text)


def _cell_rows(report) -> list[list]:
    """Every cell of the report's format, in the format's order, with its provenance and source; a money
    value as its exact decimal text, a count as a number."""
    specs = FORMATS[report.report_format].cells()
    stored = {c.cell_id: c for c in report.cells.all()}
    rows = []
    for cid in [*specs, *sorted(set(stored) - set(specs))]:
        spec, cell = specs.get(cid) or ALL_CELLS.get(cid), stored.get(cid)
        value = None if cell is None else cell.value
        if value is not None:
            money = spec is not None and spec.type in MONEY_TYPES
            value = format_value(value, spec.type) if money else _plain_number(value)[0]
        rows.append([cid, TABLE_NAMES.get(spec.table, spec.table) if spec else "",
                     " · ".join(spec.row_path) if spec else "", " · ".join(spec.column_path) if spec else "",
                     (cell.unit if cell and cell.unit else spec.unit if spec else "") or "",
                     value,
                     cell.get_provenance_display() if cell else "", cell.source if cell else ""])
    return rows


def _finding_rows(findings: list[Finding]) -> list[list]:
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.code))
    return [[Severity(f.severity).label, f.code, "、".join(f.cells), f.where, f.message] for f in ordered]


def render_xlsx(report, *, public: bool = False) -> bytes:
    """The report (an AnnualReport) as XLSX: 表二/表三/表四 or the 统计表, 单元格, 校验结果, 图表. The public
    workbook (portal downloads) leaves out 单元格 (each cell's provenance and who entered it) and 校验结果
    (findings that compare with other years' unpublished figures)."""
    narrative = services.narrative_of(report)  # drafted once for the document and the checks
    document = services.document_for(report, narrative=narrative)
    book = _Book(document)
    for grid in document.all_grids():
        book.table(grid)
    if not public:
        book.listing("单元格", CELL_COLUMNS, _cell_rows(report))
        findings = _finding_rows(services.check(report, narrative=narrative))
        book.listing("校验结果", FINDING_COLUMNS, findings or [["", "", "", "", "未发现问题。"]])
    book.charts(document.all_charts())
    out = io.BytesIO()
    book.workbook.save(out)
    return out.getvalue()
