"""Readers: one per input kind, each turning bytes into a `Document` (document.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gongkai import file_reading

from . import docx_grid, ocr, pdf_tables, text_tables
from .decode import decode_text, to_simplified
from .document import Document, Row
from .tables import is_exact_label, is_value

MAX_CHARS = 2_000_000  # about 1000 pages of text; beyond it the text is cut with a finding
MAX_PDF_PAGES = 300
MAX_TABLE_CELLS = 200_000

_CELL_SPLIT = re.compile(r"\s{2,}|\t|\u3000+")


def _finding(code: str, severity: str, message: str, where: str = "") -> dict:
    return {"code": code, "severity": severity, "cells": [], "message": message, "where": where}


def _cap_text(text: str, doc: Document) -> str:
    if len(text) > MAX_CHARS:
        doc.findings.append(_finding("IMP-W02", "warning",
                                     f"文本过长（{len(text)}字符），只读取了前{MAX_CHARS}字符", ""))
        return text[:MAX_CHARS]
    return text


def _simplify(text: str, doc: Document) -> str:
    text, changed = to_simplified(text)
    if changed:
        doc.findings.append(_finding("IMP-I03", "info", f"将{changed}个繁体字转换为简体字后再识别", ""))
    return text


# --- plain text -------------------------------------------------------------------------------------------

def read_text(text: str, doc: Document | None = None) -> Document:
    """Plain text: a line with tabs is a table row with its blank cells in place (tab-separated copy); any
    other non-blank line is one cell of a flattened table or a prose line."""
    doc = doc or Document("text")
    text = _simplify(_cap_text(text.replace("\r\n", "\n").replace("\r", "\n"), doc), doc)
    lines = text.split("\n")
    barred = text_tables.table_lines(lines)  # "| 规章 | 0 | 0 | 2 |", box drawing; [] for a rule row
    for number, line in enumerate(lines, start=1):
        where = f"第{number}行"
        bars = barred[number - 1]
        if bars == []:
            continue
        if bars is not None:
            doc.rows.append(Row(bars, where, structured=True))
            doc.lines.append((" ".join(c for c in bars if c), where))
        elif "\t" in line and line.strip():
            cells = [c.strip() for c in line.split("\t")]
            doc.rows.append(Row(cells, where, structured=True))
            doc.lines.append((" ".join(c for c in cells if c), where))
        elif line.strip():
            doc.rows.append(Row([line.strip()], where))
            doc.lines.append((line.strip(), where))
    return doc


# --- HTML -------------------------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "title",
               "table", "ul", "ol", "dd", "dt", "header", "footer", "blockquote", "pre"}


class _HTMLCollector(HTMLParser):
    """Text lines outside tables, and tables as grids of cell strings with rowspan/colspan expanded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.tables: list[list[list[tuple[str, int, int]]]] = []  # raw rows of (text, rowspan, colspan)
        self.stack: list[list] = []  # open tables (nested tables are read as separate tables)
        self.cell: list[str] | None = None
        self.cell_span = (1, 1)
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self.skip += 1
            return
        if tag == "table":
            self._flush()
            self.stack.append([])
        elif tag == "tr" and self.stack:
            self.stack[-1].append([])
        elif tag in ("td", "th") and self.stack:
            if not self.stack[-1]:
                self.stack[-1].append([])
            values = dict(attrs)
            self.cell = []
            self.cell_span = (_span(values.get("rowspan")), _span(values.get("colspan")))
        elif tag in _BLOCK_TAGS:
            if self.cell is not None:
                self.cell.append("\n")
            else:
                self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript"):
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("td", "th") and self.stack and self.cell is not None:
            self.stack[-1][-1].append(("".join(self.cell), *self.cell_span))
            self.cell = None
        elif tag == "table" and self.stack:
            if self.cell is not None:  # unclosed cell
                self.stack[-1][-1].append(("".join(self.cell), *self.cell_span))
                self.cell = None
            self.tables.append(self.stack.pop())
        elif tag in _BLOCK_TAGS and self.cell is None:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)

    def _flush(self):
        text = "".join(self.current).strip()
        if text:
            self.lines.extend(part.strip() for part in text.split("\n") if part.strip())
        self.current = []

    def close(self):
        super().close()
        self._flush()
        while self.stack:
            self.tables.append(self.stack.pop())


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))  # a wild rowspan must not blow up the grid
    except (TypeError, ValueError):
        return 1


def expand_grid(raw_rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Merged cells expanded: a cell spanning rows is repeated on every row it covers, so each grid row
    carries its group labels (三、本年度办理结果, （三）不予公开) before its own label; a cell spanning columns
    appears once."""
    grid: list[list[str | None]] = []
    for r, raw in enumerate(raw_rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for text, rowspan, colspan in raw:
            row = grid[r]
            while c < len(row) and row[c] is not None:
                c += 1
            for dr in range(rowspan):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                while len(target) < c + colspan:
                    target.append(None)
                target[c] = text
                for dc in range(1, colspan):
                    target[c + dc] = _SPANNED
            c += colspan
    return [[cell if cell is not None else "" for cell in row if cell is not _SPANNED] for row in grid[:len(raw_rows)]]


# A grid position covered by a cell's colspan. A horizontally merged cell is one cell (a value spanning
# three columns is one number, not three), while a rowspan is repeated on every row it covers, so that each
# row carries its group labels.
_SPANNED = object()


def read_html(text: str) -> Document:
    doc = Document("html")
    text = _simplify(_cap_text(text, doc), doc)
    parser = _HTMLCollector()
    try:
        parser.feed(text)
        parser.close()
    except Exception as error:  # noqa: BLE001 - html.parser is lenient; anything left is reported, not raised
        doc.findings.append(_finding("IMP-W04", "warning", f"HTML解析不完整：{error}", ""))
    for number, line in enumerate(parser.lines, start=1):
        doc.lines.append((line, f"正文第{number}段"))
        doc.rows.append(Row([line], f"正文第{number}段"))
    _add_tables(doc, [expand_grid(t) for t in parser.tables])
    return doc


def _add_tables(doc: Document, grids: list[list[list[str]]], start: int = 1, page: int | None = None) -> None:
    total = sum(len(r.cells) for r in doc.rows if r.structured)
    for t, grid in enumerate(grids, start=start):
        for r, cells in enumerate(grid, start=1):
            total += len(cells)
            if total > MAX_TABLE_CELLS:
                doc.findings.append(_finding("IMP-W02", "warning", f"表格单元格过多，只读取了前{MAX_TABLE_CELLS}个", ""))
                return
            cleaned = [_clean_cell(c) for c in cells]
            where = f"第{page}页表{t}第{r}行" if page else f"表{t}第{r}行"
            doc.rows.append(Row(cleaned, where, structured=True))
            doc.lines.append((" ".join(c for c in cleaned if c), where))


# --- DOCX -------------------------------------------------------------------------------------------------

def read_docx(data: bytes, budget: file_reading.Budget | None = None) -> Document:
    """Through gongkai.file_reading: ZIP limits before anything inflates, python-docx given the XML parts
    only, and the time budget checked between paragraphs and tables (FileRefused / FileTooSlow)."""
    doc = Document("docx")
    budget = budget or file_reading.Budget(file_reading.default_seconds())
    document = file_reading.open_docx(data, budget=budget)
    # The XML itself (docx_grid): merged cells by w:gridSpan / w:vMerge whatever w:tblGrid says (WPS writes it
    # short), tables nested in cells read as tables, a layout table walked through in reading order.
    tables = 0
    paragraph_no = 0
    for kind, content in docx_grid.blocks(document.element.body, budget.check):
        budget.check()
        if kind == "p":
            text = _simplify(content, doc).strip()
            paragraph_no += 1
            if text:
                doc.lines.append((text, f"第{paragraph_no}段"))
                doc.rows.append(Row([text], f"第{paragraph_no}段"))
        else:
            tables += 1
            _add_tables(doc, [[[_simplify(cell, doc) for cell in row] for row in content]], start=tables)
    return doc


# --- PDF --------------------------------------------------------------------------------------------------

class PdfUnreadable(Exception):
    """The PDF could not be read at all; the message is for the finding."""


def read_pdf(data: bytes, budget: file_reading.Budget | None = None) -> Document:
    """By the page geometry (pdf_tables.py): ruled tables become rows of cell strings (blank cells in place,
    merged cells expanded as in HTML), read in a child process with a page cap, the time budget and a memory
    limit. Text outside the ruled tables is read line by line, cut into pieces at wide gaps, each with its
    horizontal centre (an unruled table is then placed column by column, or reported unreadable)."""
    doc = Document("pdf")
    seconds = max(budget.left if budget is not None else file_reading.default_seconds(), 1)
    read = pdf_tables.read_pages(data, seconds=seconds, memory_mb=file_reading.PDF_MEMORY_MB,
                                 max_pages=MAX_PDF_PAGES)
    if read.needs_password:
        raise PdfUnreadable("PDF设置了打开密码或已加密，无法读取文字")
    if read.error and not read.pages:
        raise PdfUnreadable(read.error)
    if read.stopped in ("time", "memory") and not read.pages:
        why = f"超过{seconds:g}秒" if read.stopped == "time" else "所需内存过多"
        raise PdfUnreadable(f"读取{why}，已停止，未能读取任何一页")
    if read.stopped == "pages":
        doc.findings.append(_finding("IMP-W02", "warning", f"PDF共{read.page_count}页，只读取前{MAX_PDF_PAGES}页", ""))
    elif read.stopped in ("time", "memory"):
        why = f"超过{seconds:g}秒" if read.stopped == "time" else "所需内存过多"
        doc.findings.append(_finding("IMP-W02", "warning", f"PDF读取{why}，只读取了前{len(read.pages)}页", ""))
    tables = 0
    chars = garbled = 0
    last_table = None  # (grid, index of its first row in doc.rows) when a table ends its page

    def first_item(page) -> int:
        return next((n for n, it in enumerate(page["items"]) if "table" in it or not _PAGE_NUMBER.match(it["line"])),
                    -1)

    def last_item(page) -> int:
        items = page["items"]
        return next((n for n in range(len(items) - 1, -1, -1)
                     if "table" in items[n] or not _PAGE_NUMBER.match(items[n]["line"])), -1)

    for page in read.pages:
        p = page["number"]
        if page["error"]:
            doc.findings.append(_finding("IMP-W04", "warning", f"第{p}页无法提取文字：{page['error']}", f"第{p}页"))
            continue
        chars += page["chars"]
        garbled += page["garbled"]
        if page["garbled"]:
            doc.findings.append(_finding(
                "IMP-W14", "warning", f"第{p}页有{page['garbled']}个字符所用的字体没有可用的字符映射（ToUnicode），"
                "无法解码：这些文字和数字标为无法读取，不按字形猜测", f"第{p}页"))
        line_no = 0
        for n, item in enumerate(page["items"]):
            if "table" in item:
                tables += 1
                grid = [[_simplify(cell, doc) for cell in row] for row in item["table"]]
                if n == first_item(page) and last_table is not None and grid:
                    # the header rows repeated at the top of the page (the same rows as above) come first
                    k = next((k for k, row in enumerate(grid) if row not in last_table[0][:6]), len(grid))
                    joined = _join_split_row(last_table[0][-1], grid[k]) if k < len(grid) else None
                    if joined is not None:
                        doc.rows[last_table[1]] = Row([_clean_cell(c) for c in joined], doc.rows[last_table[1]].where,
                                                      structured=True)
                        grid = grid[:k] + grid[k + 1:]
                before = len(doc.rows)
                _add_tables(doc, [grid], start=tables, page=p)
                last_table = (grid, len(doc.rows) - 1) if n == last_item(page) and len(doc.rows) > before else None
                continue
            if n == last_item(page):
                last_table = None
            line_no += 1
            text = _simplify(item["line"], doc)
            if _PAGE_NUMBER.match(text):
                continue
            where = f"第{p}页第{line_no}行"
            cells, offsets = [], []
            for piece, centre in item["cells"]:
                piece = _simplify(piece, doc)
                for start, end in _split_label_number(piece):
                    cells.append(piece[start:end])
                    offsets.append(centre)
            doc.rows.append(Row(cells, where, structured=False, offsets=offsets))
            doc.lines.append((text, where))
    scanned = [page["number"] for page in read.pages if not page["error"] and not page["chars"] and not page["items"]]
    if scanned:  # image-only pages (scans): OCR (ocr.py) within the time left
        ocr.read_scanned_pages(data, scanned, doc, max(budget.left if budget is not None else seconds, 1))
    if not tables and not garbled and not scanned and any(t for t, _ in doc.lines):
        # No ruled table anywhere: the columns can only be told by their spacing (pypdf's layout text).
        return read_pdf_layout(data, budget)
    unruled = {page["number"] for page in read.pages if _unruled_table(page)}
    if unruled and not garbled and not scanned:
        # Some tables ruled, some set by spaces alone: those pages' rows from pypdf's layout text, whose runs of
        # spaces keep the columns apart (the recogniser places short rows by them or reports them unreadable).
        layout = read_pdf_layout(data, budget)
        rows = [r for r in doc.rows if _page_of(r.where) not in unruled]
        rows += [r for r in layout.rows if _page_of(r.where) in unruled]
        doc.rows = sorted(rows, key=lambda r: _page_of(r.where))  # stable: each page keeps its order
    if garbled and garbled == chars:
        doc.findings.append(_finding("IMP-E02", "error", "PDF的文字全部使用缺少字符映射（ToUnicode）的字体，无法解码，"
                                                         "需要人工录入", ""))
    elif not any(t for t, _ in doc.lines):
        doc.findings.append(_finding("IMP-E02", "error", "PDF没有可提取的文字层（可能是扫描件），需要人工录入", ""))
    return doc


def read_pdf_layout(data: bytes, budget: file_reading.Budget | None = None) -> Document:
    """For a PDF without ruled tables (tables set by spaces): pypdf layout extraction keeps the columns as runs of spaces. A cell boundary is two or more spaces:
    one space never separates cells, so a number is never split or joined across columns. pypdf runs in a
    child process (gongkai.file_reading.pdf_text) with a page cap, the time budget and a memory limit."""
    doc = Document("pdf")
    seconds = budget.left if budget is not None else file_reading.default_seconds()
    read = file_reading.pdf_text(data, layout=True, max_pages=MAX_PDF_PAGES, max_chars=MAX_CHARS,
                                 seconds=max(seconds, 1))
    if read.needs_password or read.encryption_unknown:
        raise PdfUnreadable("PDF设置了打开密码或已加密，无法读取文字")
    if read.error:
        raise PdfUnreadable(read.error)
    if read.stopped in ("time", "memory") and not read.pages:
        why = f"超过{max(seconds, 1):g}秒" if read.stopped == "time" else "所需内存过多"
        raise PdfUnreadable(f"读取{why}，已停止，未能读取任何一页")
    if read.stopped == "pages":
        doc.findings.append(_finding("IMP-W02", "warning", f"PDF共{read.page_count}页，只读取前{MAX_PDF_PAGES}页", ""))
    elif read.stopped == "chars":
        doc.findings.append(_finding("IMP-W02", "warning", f"PDF文字过多，只读取到第{len(read.pages)}页", ""))
    elif read.stopped in ("time", "memory"):
        why = f"超过{max(seconds, 1):g}秒" if read.stopped == "time" else "所需内存过多"
        doc.findings.append(_finding("IMP-W02", "warning", f"PDF读取{why}，只读取了前{len(read.pages)}页", ""))
    for p, text in enumerate(read.pages, start=1):
        if p in read.page_errors:
            doc.findings.append(_finding("IMP-W04", "warning", f"第{p}页无法提取文字：{read.page_errors[p]}", f"第{p}页"))
            continue
        text = _simplify(text, doc)
        for n, line in enumerate(text.split("\n"), start=1):
            if not line.strip() or _PAGE_NUMBER.match(line):
                continue
            where = f"第{p}页第{n}行"
            cells, offsets = [], []
            for m in re.finditer(r"\S+(?: \S+)*", line):
                for start, end in _split_label_number(m.group(0)):
                    cells.append(m.group(0)[start:end])
                    # centre: headers and numbers align on centres
                    offsets.append(m.start() + (start + end) // 2)
            doc.rows.append(Row(cells, where, structured=False, offsets=offsets))
            doc.lines.append((re.sub(r"\s{2,}", " ", line.strip()), where))
    if not any(t for t, _ in doc.lines):
        doc.findings.append(_finding("IMP-E02", "error", "PDF没有可提取的文字层（可能是扫描件），需要人工录入", ""))
    return doc


def _page_of(where: str) -> int:
    match = re.match(r"第(\d+)页", where)
    return int(match[1]) if match else 0


def _unruled_table(page: dict) -> bool:
    """A page without a ruled table whose text has three or more lines of a label and three or more numbers
    (a table set by spaces alone)."""
    if page["error"] or any("table" in item for item in page["items"]):
        return False
    rows = sum(1 for item in page["items"] if sum(1 for piece, _ in item["cells"] if is_value(piece)) >= 3)
    return rows >= 3


def _join_split_row(above: list[str], below: list[str]) -> list[str] | None:
    """A table row broken by a page break: its numbers (and the start of its label) at the foot of one page,
    the rest of its label at the top of the next, with the number cells there empty. The two parts are one
    row (returned) when (a) the part above has no label at all, or (b) the part above's label is not a row
    label by itself and the two together are. Any other pair of rows: None."""
    if len(above) != len(below):
        return None

    def is_text(c: str) -> bool:
        return bool(c.strip()) and not is_value(c)

    if any(c.strip() and not is_text(c) for c in below) or not any(is_text(c) for c in below):
        return None  # the part below must be label text only
    if not any(c.strip() and not is_text(c) for c in above):
        return None  # the part above must hold the numbers
    joined = [a + b if is_text(a) or is_text(b) else a for a, b in zip(above, below, strict=True)]
    label_above = [c for c in above if is_text(c)]
    label_joined = [c for c in joined if is_text(c)]
    if label_above and (is_exact_label(label_above[-1]) or not is_exact_label(label_joined[-1])):
        return None
    return joined


def _clean_cell(cell: str) -> str:
    return re.sub(r"\s+", lambda m: "\n" if "\n" in m.group(0) else " ", cell).strip()


# A page number printed in the footer ("- 3 -", "—3—", "第 3 页"): never table data or prose.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?)\s*$")
_NUMERIC_TOKEN = re.compile(r"^[-+]?[\d.,]+%?$")


def _split_label_number(cell: str) -> list[tuple[int, int]]:
    """A run of text with single spaces is one cell, except where a label meets a number ("行政规范性文件 3"
    when a long label leaves one space before the column): a number never contains CJK text, so that split is
    safe. Two numbers with one space between ("1 8") stay together and are reported unreadable later."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", cell)]
    out = [spans[0]]
    for start, end in spans[1:]:
        left = cell[out[-1][0]:out[-1][1]]
        right = cell[start:end]
        if bool(_NUMERIC_TOKEN.match(left.split(" ")[-1])) != bool(_NUMERIC_TOKEN.match(right)):
            out.append((start, end))
        else:
            out[-1] = (out[-1][0], end)
    return out


def read_bytes(data: bytes, kind: str, budget: file_reading.Budget | None = None) -> Document:
    if kind == "pdf":
        return read_pdf(data, budget)
    if kind == "docx":
        return read_docx(data, budget)
    if kind == "image":  # a scanned page saved as PNG/JPEG: OCR (ocr.py)
        return ocr.read_image(data, max(budget.left if budget is not None else file_reading.default_seconds(), 1))
    text, encoding = decode_text(data)
    doc = read_html(text) if kind == "html" else read_text(text)
    doc.encoding = encoding
    return doc
