"""The annual report as PDF: WeasyPrint lays out the standalone HTML of reports.rendering.html (A4, GB/T 9704
margins, page numbers, table headers repeated on every page, no table row split across pages) and embeds
the subset of every font it uses, so the text layer reads back (the checkup imports it)."""

from __future__ import annotations

from gongkai.pdf import html_to_pdf

from .document import ReportDocument
from .html import render_html


def render_pdf(document: ReportDocument) -> bytes:
    return html_to_pdf(str(render_html(document, standalone=True)), what="年度报告")
