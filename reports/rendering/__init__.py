"""Exports of the annual report. `export(report, fmt)` is the one dispatch used by the workbench download,
the portal and `gongkai report build`. The renderers are cheap to import: each loads its slow library
(python-docx, WeasyPrint, matplotlib, openpyxl) only when it draws."""

from __future__ import annotations

import json

from .. import services  # the package resolves names lazily, so no cycle with services.exports
from .document import report_title
from .docx import render_docx
from .html import render_html
from .pdf import render_pdf
from .xlsx import render_xlsx

EXPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
TEXT_FORMATS = ("html", "json")  # the others are binary: the command line writes them only to a file


def export(report, fmt: str, *, public: bool = False) -> tuple[bytes, str, str]:
    """The report as `fmt` (a key of EXPORT_TYPES): (content, content type, file extension). Raises KeyError
    for an unknown format and ImproperlyConfigured when the PDF libraries are missing. `public`: the file
    offered on the portal (no staff-only sheets)."""
    content_type = EXPORT_TYPES[fmt]
    if fmt == "json":
        text = json.dumps(services.export_json(report), ensure_ascii=False, indent=2) + "\n"
        return text.encode("utf-8"), content_type, fmt
    if fmt == "xlsx":
        return render_xlsx(report, public=public), content_type, fmt
    document = services.document_for(report)
    if fmt == "docx":
        return render_docx(document), content_type, fmt
    if fmt == "pdf":
        return render_pdf(document), content_type, fmt
    return str(render_html(document, standalone=True)).encode("utf-8"), content_type, fmt


def export_filename(report, fmt: str) -> str:
    """《演示县教育局2024年政府信息公开工作年度报告（第2版）.pdf》: the title, the version when corrected."""
    version = f"（第{report.version}版）" if report.version > 1 else ""
    return f"{report_title(report.agency.name, report.year)}{version}.{fmt}"
