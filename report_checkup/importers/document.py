"""The importers' common intermediate form: every input kind becomes a `Document` — the text lines (for
prose, metadata and flattened tables) and table rows (cell strings, merged cells expanded), each with
where it was read. The one table recogniser (`tables.py`) works on this form only."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    cells: list[str]
    where: str
    # structured: blank cells keep their place (TSV, HTML, DOCX tables). Otherwise (flattened text, PDF
    # layout lines) a blank cell leaves no trace, so a short row can only be placed by column positions.
    structured: bool = False
    offsets: list[int] | None = None  # PDF: character column of each cell in its layout line


@dataclass
class Document:
    kind: str  # text, html, docx, pdf
    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, where), prose and flattened tables
    rows: list[Row] = field(default_factory=list)  # table candidates, in reading order
    findings: list[dict] = field(default_factory=list)  # reader-level findings (size caps, unreadable file)
    encoding: str = ""
    # OCR'd pages (importers/ocr.py): a cell's text as read → the lowest word confidence (0–100) behind it.
    confidence: dict[str, float] = field(default_factory=dict)
