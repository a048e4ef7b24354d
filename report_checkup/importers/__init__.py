"""The 年报体检's importers (年报体检): any published annual report — plain text, HTML, DOCX, PDF with
a text layer — to the checkup's JSON contract (cells with our cell ids, prose figures, findings).

Pipeline: decode.sniff → readers.read_* (→ Document: lines and table rows, merged cells expanded) →
tables.recognise (the one label-driven recogniser) → prose (agency, year, period, figures)."""

from __future__ import annotations

from .importer import import_document

__all__ = ["import_document"]
