"""The annual report as HTML (the portal page, the HTML export and, through WeasyPrint, the PDF), drawn from
a reports.rendering.document.ReportDocument by the templates in reports/templates/reports/print/.

Tables come from the layout grids with their merged cells (rowspan/colspan), header cells as <th scope>
and the table title as <caption>; a table whose headers all lead (表三, 表四, 统计表) puts them in <thead>, so
a PDF repeats them on every page, while 表二 (a header per 第二十条 block) keeps each block in its own
<tbody>. Charts are the inline SVG of reports.rendering.charts inside a <figure> whose <figcaption> holds
the chart in words, so every number is text. Every string printed goes through Django's autoescaping; the
only markup passed through is the CSS file and the SVG drawn by matplotlib.

The stylesheet is reports/static/reports/report.css (A4 and GB/T 9704 margins for print, the 公文 fonts);
the portal links it, a standalone document inlines it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from gongkai.gongwen import cn_date
from report_formats.layout import Grid, GridCell, column_widths_mm, label_indent

from .charts import chart_svg
from .document import ATTACHMENTS_HEADING, HEADING_2, Chart, ReportDocument, attachments_line, subtitle

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "reports" / "report.css"


@lru_cache(maxsize=1)
def report_css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def _paragraph(text: str) -> dict:
    """二级标题 "（一）主动公开" as a line of its own, or leading its paragraph (as in the DOCX)."""
    m = HEADING_2.match(text)
    if not m:
        return {"text": text}
    if not m.group(2).strip():
        return {"heading": text}
    return {"lead": m.group(1), "text": m.group(2)}


def _cell(cell: GridCell) -> dict:
    if cell.kind in ("title", "header"):
        tag, scope = "th", ("colgroup" if cell.colspan > 1 else "col")
    elif cell.kind == "label":
        tag, scope = "th", ("rowgroup" if cell.rowspan > 1 else "row")
    else:
        tag, scope = "td", ""
    classes = [f"gk-{cell.kind}"]
    if indent := label_indent(cell):
        classes.append(f"gk-indent-{min(indent, 3)}")
    return {"tag": tag, "scope": scope, "text": cell.text, "colspan": cell.colspan, "rowspan": cell.rowspan,
            "classes": " ".join(classes), "cell_id": cell.cell_id or ""}


def _grid(grid: Grid, *, caption_hidden: bool = False) -> dict:
    """The grid as rows of <th>/<td>: leading header rows in <thead> when no header row comes later, else
    one <tbody> per block, each starting at its header rows."""
    rows = [[_cell(c) for c in row] for row in grid.rows]
    leading = set(range(len(grid.header_rows)))
    head, bodies = [], []
    if grid.header_rows and grid.header_rows == leading:
        head, bodies = rows[:len(leading)], [rows[len(leading):]]
    else:
        for index, row in enumerate(rows):
            starts_block = index in grid.header_rows and (index - 1) not in grid.header_rows
            if starts_block or not bodies:
                bodies.append([])
            bodies[-1].append(row)
    total = sum(widths := column_widths_mm(grid))
    return {"id": f"gk-table-{grid.table_id.replace('.', '-')}", "title": grid.title, "head": head,
            "bodies": bodies, "widths": [f"{100 * w / total:.2f}" for w in widths],
            "caption_hidden": caption_hidden, "kind": grid.table_id.split(".")[0], "blocks": len(bodies) > 1}


_SVG_STYLE_ELEMENT = re.compile(r"<style[^>]*>\s*\*\s*\{([^}<]*)\}\s*</style>")
_SVG_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _attributes(declarations: str) -> str:
    pairs = (d.split(":", 1) for d in declarations.split(";") if ":" in d)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def inline_svg(svg: str, prefix: str) -> str:
    """matplotlib's SVG made fit to sit inside an HTML page: its ids (figure_1, patch_1, glyph paths …),
    which repeat from one chart to the next, get the chart's prefix; its CSS (style="fill: …" and a
    `*{…}` rule) becomes presentation attributes, so the page's stylesheet engine (WeasyPrint's too)
    sees no SVG properties. The drawing is unchanged."""
    svg = re.sub(r'\bid="(?!chart-)([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'((?:xlink:)?href)="#([^"]+)"', rf'\1="#{prefix}-\2"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    rule = _SVG_STYLE_ELEMENT.search(svg)
    if rule:  # inherited by every element; an element's own attributes still win, as they did over `*`
        svg = _SVG_STYLE_ELEMENT.sub("", svg, count=1).replace("<svg", "<svg" + _attributes(rule.group(1)), 1)
    return _SVG_STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), svg)


def _chart(chart: Chart) -> dict:
    # chart_svg escapes the chart's title and description; the rest is matplotlib's markup (text as paths).
    svg = inline_svg(chart_svg(chart), f"gk-{chart.id}")
    return {"id": chart.id, "svg": mark_safe(svg), "description": chart.description}  # noqa: S308


def render_html(document: ReportDocument, *, standalone: bool = True) -> SafeString:
    """standalone: a complete HTML document with the stylesheet inline (the HTML export, the PDF's source).
    Otherwise the report's body for a page that prints the title as its own <h1> and links report.css:
    the six sections, the 附件说明, the signature and date, and the attachments."""
    sections = [{"key": s.key, "title": s.title, "paragraphs": [_paragraph(p) for p in s.paragraphs],
                 "grids": [_grid(g, caption_hidden=g.title == s.title) for g in s.grids],
                 "charts": [_chart(c) for c in s.charts]} for s in document.sections]
    several = len(document.attachments) > 1
    attachments = [{"heading": f"{ATTACHMENTS_HEADING}{i}" if several else ATTACHMENTS_HEADING, "number": i,
                    "grid": _grid(g)} for i, g in enumerate(document.attachments, start=1)]
    # A title too long for one line breaks after the agency's name, never inside "2024年…年度报告" (GB/T 9704:
    # 回行时词意完整).
    head, tail = (document.agency_name, document.title[len(document.agency_name):]) \
        if document.title.startswith(document.agency_name) else ("", document.title)
    context = {"doc": document, "standalone": standalone, "subtitle": subtitle(document), "sections": sections,
               "title_head": head, "title_tail": tail,
               "attachments_line": attachments_line(document), "attachments": attachments,
               "date_line": cn_date(document.published_on),
               "published_iso": document.published_on.isoformat() if document.published_on else ""}
    if standalone:
        context["css"] = mark_safe(report_css())  # noqa: S308 - our own stylesheet file
        return mark_safe(render_to_string("reports/print/report.html", context))  # noqa: S308
    return mark_safe(render_to_string("reports/print/_report.html", context))  # noqa: S308
