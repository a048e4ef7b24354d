"""PDF tables read by their page geometry (年报体检): every character with its position, the ruling lines of the
page, and the table finder of pdfplumber (MIT, on pdfminer.six) turn each printed table into a grid of cell
boxes; a cell's text is the characters whose centre lies in its box, so a label wrapped over three lines and
the number printed on its middle (or first) line land in the same row, whatever order the characters were
drawn in. Merged cells are expanded as the HTML reader does (a cell spanning rows is repeated on every row it
covers, a cell spanning columns appears once), and the rows go to the same label matcher (tables.py).

Text that cannot be trusted is never read: a character drawn with a font that has no usable ToUnicode map
(a subset or CID font without one: the codes are glyph numbers, "1" may be a 民) becomes U+FFFD, so such a
cell is unreadable and such a label matches nothing.

pdfminer runs in a child process (this file run as a script: no Django, no package import), which is killed
when the time budget runs out and cannot map more than its memory limit; the parent gets one JSON line per
page. The comparison with PyMuPDF's find_tables (bench/auditor.py --compare) uses `extract_pymupdf` below;
PyMuPDF is AGPL and is not a dependency (docs/dependencies.md)."""

from __future__ import annotations

import bisect
import ctypes
import io
import json
import math
import os
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

REPLACEMENT = "\ufffd"
# Characters and gaps: a gap wider than this share of the font size is a space between words.
_SPACE_GAP = 0.25
# A gap this narrow between digit groups is a thin space inside one number ("1 234"), not two numbers.
_THIN_GAP = 0.45
_THIN_SPACES = "\u2009\u202f\u200a\u2006\u2005"
_THIN_NUMBER = re.compile(r"^\d{1,3}(?:[ \u2009\u202f\u200a\u2006\u2005]\d{3})+$")
_DIGIT_LINE = re.compile(r"^[\d.,]+$")


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    ink: tuple[float, float] | None = None  # a digit's ink from left to right (its box has side bearings)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


# --- text of a set of characters ----------------------------------------------------------------------------

def text_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters → printed lines, top to bottom, each left to right. Two characters are on one line when
    their vertical centres are closer than half the smaller size (drawing order does not matter)."""
    lines: list[list[Char]] = []
    total = 0.0  # the sum of the vertical centres of the last line's characters
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        cy = ch.cy
        if lines:
            last = lines[-1]
            if abs(cy - total / len(last)) < 0.5 * min(ch.size, last[0].size):
                last.append(ch)
                total += cy
                continue
        lines.append([ch])
        total = cy
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def line_text(line: list[Char]) -> str:
    out = []
    previous = None
    for ch in line:
        if previous is not None and ch.x0 - previous.x1 > _SPACE_GAP * max(ch.size, 1):
            out.append(" ")
        out.append(ch.text)
        previous = ch
    return "".join(out)


def line_cells(line: list[Char]) -> list[tuple[str, float]]:
    """A text line outside any ruled table, cut where the gap is wider than one character (columns of an
    unruled table): (text, centre x) of each piece, for the recogniser's column placement."""
    pieces: list[list[Char]] = []
    for ch in line:
        if pieces and ch.x0 - pieces[-1][-1].x1 <= 0.9 * max(ch.size, 1):
            pieces[-1].append(ch)
        else:
            pieces.append([ch])
    out = []
    for whole in pieces:
        cut = glued_number(whole)
        for piece in (whole[:cut], whole[cut:]) if cut else (whole,):
            text = (_thin_joined(piece) or line_text(piece)).strip()
            if text:
                out.append((text, round((piece[0].x0 + piece[-1].x1) / 2, 1)))
    return out


_GLUED = re.compile(r"[\u4e00-\u9fff）)]\d[\d.,]*$")


def glued_number(chars: list[Char]) -> int | None:
    """A short label with its number set right against it ("行政事业性收费7730.28": a long label fills its
    column): the index where the number starts, or None. Only for short pieces (a label, not a line of prose
    that happens to break after a number)."""
    text = "".join(c.text for c in chars)
    if len(chars) > 40 or len(text) != len(chars):
        return None
    match = _GLUED.search(text)
    return match.start() + 1 if match else None


def _thin_joined(line: list[Char]) -> str | None:
    """A line of digits whose groups of three are set apart by narrow gaps (or thin-space characters):
    the number without them. None when the line is anything else."""
    text = "".join(c.text for c in line if not c.text.isspace())
    if not text.isdigit():
        return None
    for a, b in zip(line, line[1:], strict=False):
        if b.text in _THIN_SPACES or a.text in _THIN_SPACES:
            continue
        if b.x0 - a.x1 > _THIN_GAP * max(b.size, 1):
            return None
    spaced = line_text(line)
    if spaced.replace(" ", "").isdigit() and (" " not in spaced or _THIN_NUMBER.match(spaced)):
        return text
    for sep in _THIN_SPACES:
        spaced = spaced.replace(sep, " ")
    if _THIN_NUMBER.match(re.sub(r" +", " ", spaced)):
        return text
    return None


def cell_text(chars: list[Char]) -> str:
    """The text of one cell: its lines joined by newlines (a label wrapped inside its cell is rejoined by
    the label matcher, which ignores whitespace). Digits wrapped inside a narrow cell are one number: a cell
    holds one value. A number with thin spaces between its groups of three is read without them."""
    lines = text_lines(chars)
    texts = []
    for line in lines:
        joined = _thin_joined(line)
        texts.append(joined if joined is not None else line_text(line).strip())
    texts = [t for t in texts if t]
    if len(texts) > 1 and all(_DIGIT_LINE.match(t) for t in texts):
        return "".join(texts)
    return "\n".join(texts)


# --- a table's cell boxes → rows ----------------------------------------------------------------------------

def _positions(values: list[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(positions: list[float], v: float) -> int:
    return min(range(len(positions)), key=lambda i: abs(positions[i] - v))


def grid_rows(cells: list[Box], chars: list[Char], tolerance: float = 2.0) -> tuple[list[list[str]], list[float]]:
    """(rows of cell strings, top of each row). The boxes' edges define the grid lines; a box covering
    several grid rows is repeated on each (group labels stay with every row they head); a box covering
    several grid columns appears once. Each character goes to the box holding its centre."""
    if not cells:
        return [], []
    xs = _positions([c[0] for c in cells] + [c[2] for c in cells], tolerance)
    ys = _positions([c[1] for c in cells] + [c[3] for c in cells], tolerance)
    nrows, ncols = max(len(ys) - 1, 1), max(len(xs) - 1, 1)
    owner: list[list[int | None]] = [[None] * ncols for _ in range(nrows)]
    spans = []
    for k, (x0, top, x1, bottom) in enumerate(cells):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            spans.append(None)
            continue
        spans.append((r0, r1, c0, c1))
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner[r][c] = k
    contents: dict[int, list[Char]] = {}
    for ch in chars:
        r, c = bisect.bisect_right(ys, ch.cy) - 1, bisect.bisect_right(xs, ch.cx) - 1
        if 0 <= r < nrows and 0 <= c < ncols and owner[r][c] is not None:
            contents.setdefault(owner[r][c], []).append(ch)
    texts = {k: cell_text(v) for k, v in contents.items()}
    for k in _spilled(chars, xs, ys, owner):
        texts[k] = REPLACEMENT  # text running over a column line: which part belongs where cannot be told
    rows = []
    for r in range(nrows):
        row: list[str] = []
        for c in range(ncols):
            k = owner[r][c]
            if k is None:
                row.append("")  # a grid position no box covers: a blank in its place
            elif spans[k][2] == c:
                row.append(texts.get(k, ""))  # a box spanning columns appears once
        rows.append(row)
    return rows, ys[:nrows]


def _spilled(chars: list[Char], xs: list[float], ys: list[float], owner) -> set[int]:
    """The cells on both sides of a column line that a digit straddles (a number too wide for its cell,
    printed over the line into the next cell: "688772" reads as "68877" beside "2" + "3691")."""
    out: set[int] = set()
    for ch in chars:
        if not (ch.text.isdigit() or ch.text in ".,"):
            continue  # a label or header running over a line is still read by its words
        r = bisect.bisect_right(ys, ch.cy) - 1
        if not 0 <= r < len(owner):
            continue
        x0, x1 = ch.ink or (ch.x0, ch.x1)
        margin = 0.3 if ch.ink else 1.0  # points: ink touching a line is not yet over it
        for j in range(bisect.bisect_right(xs, x0 + margin), len(xs)):
            if xs[j] >= x1 - margin:
                break
            left = owner[r][j - 1] if 0 <= j - 1 < len(owner[r]) else None
            right = owner[r][j] if j < len(owner[r]) else None
            if left != right:  # a line between two cells (not one inside a cell spanning columns)
                out.update(k for k in (left, right) if k is not None)
    return out


# --- fonts whose text cannot be trusted ----------------------------------------------------------------------

def _is_subset(name: str) -> bool:
    return bool(re.match(r"^[A-Z]{6}\+", name))


def unreliable_fonts_pdfminer(page) -> set[str]:
    """BaseFont names of the page's fonts (and of its form XObjects') that map character codes to glyphs only:
    no /ToUnicode, and a Type0/CID font or an embedded subset (whose codes are assigned in order of use)."""
    # lazy: pdfminer.six (~9 MB) only for the bench's pdfplumber comparison (extract_pdfplumber)
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral

    found: set[str] = set()
    seen: set[int] = set()

    def name_of(value) -> str:
        value = resolve1(value)
        return value.name if isinstance(value, PSLiteral) else str(value or "")

    def visit(resources, depth=0):
        resources = resolve1(resources) or {}
        if not isinstance(resources, dict) or depth > 4:
            return
        fonts = resolve1(resources.get("Font")) or {}
        for spec in (fonts.values() if isinstance(fonts, dict) else []):
            spec = resolve1(spec)
            if not isinstance(spec, dict) or "ToUnicode" in spec:
                continue
            base = name_of(spec.get("BaseFont"))
            subtype = name_of(spec.get("Subtype"))
            if subtype == "Type0" or _is_subset(base) or subtype == "Type3":
                found.add(base)
        xobjects = resolve1(resources.get("XObject")) or {}
        for xobj in (xobjects.values() if isinstance(xobjects, dict) else []):
            obj = resolve1(xobj)
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            attrs = getattr(obj, "attrs", None)
            if attrs and name_of(attrs.get("Subtype")) == "Form":
                visit(attrs.get("Resources"), depth + 1)

    visit(page.resources)
    return found


def _trusted(text: str) -> bool:
    return not ("(cid:" in text or REPLACEMENT in text or any(0xE000 <= ord(ch) <= 0xF8FF for ch in text))


# --- one page → items --------------------------------------------------------------------------------------

def heading_lines(lines: list[list[Char]], chars: list[Char]) -> list[list[Char]]:
    """A heading set larger than the body text and broken over lines ("…工作年度" / "报告", a 二号 title is
    wider than the page) is one line: consecutive lines of the same large size, close together."""
    if not lines:
        return lines
    sizes = sorted(c.size for c in chars)
    body = sizes[len(sizes) // 2]
    out: list[list[Char]] = []
    for line in lines:
        size = max(c.size for c in line)
        if out:
            above = out[-1]
            above_size = max(c.size for c in above)
            gap = min(c.top for c in line) - max(c.bottom for c in above)
            if (size >= 1.3 * body and abs(size - above_size) < 0.5 and gap < 0.8 * size
                    and all(c.size >= 1.3 * body for c in above)):
                out[-1] = above + _after(line, above)
                continue
        out.append(line)
    return out


def _after(line: list[Char], above: list[Char]) -> list[Char]:
    """`line` moved onto the end of `above` (the order of a heading broken over lines), its spacing kept."""
    shift = max(c.x1 for c in above) - min(c.x0 for c in line)
    top, bottom = above[0].top, above[0].bottom
    return [Char(c.text, c.x0 + shift, c.x1 + shift, top, bottom, c.size) for c in line]


def page_items(chars: list[Char], tables: list[tuple[Box, list[Box]]], carry: dict | None = None) -> list[dict]:
    """The page in reading order: {"table": rows} for each table, {"line": text} for each text line outside
    the tables. `carry`: what the unruled reader keeps from page to page (the columns of its tables)."""
    items: list[tuple[float, dict]] = []
    inside: set[int] = set()
    for bbox, cells in tables:
        x0, top, x1, bottom = bbox
        mine = [ch for ch in chars if x0 - 1 <= ch.cx <= x1 + 1 and top - 1 <= ch.cy <= bottom + 1]
        inside.update(id(ch) for ch in mine)
        rows, _ = grid_rows(cells, mine)
        items.append((top, {"table": rows}))
    rest = [ch for ch in chars if id(ch) not in inside]
    try:
        unruled = _unruled().find(rest, carry)  # tables set by spaces alone (pdf_unruled.py)
    except (ValueError, IndexError, ZeroDivisionError):  # an arrangement not foreseen: the page read by lines
        unruled = []
    for bbox, rows, used in unruled:
        items.append((bbox[1], {"table": rows}))
        rest = [ch for ch in rest if id(ch) not in used]
    for line in heading_lines(text_lines(rest), chars):
        text = line_text(line).strip()
        if text:
            items.append((min(c.top for c in line), {"line": text, "cells": line_cells(line)}))
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


def _unruled():
    if __package__:
        # cycle: pdf_unruled imports this module's character helpers (Char, text_lines, …) at module level
        from . import pdf_unruled
    else:  # this file run as a script in the child process: its directory is on the path
        # cycle: as above (pdf_unruled then imports the script's file as the module pdf_tables)
        import pdf_unruled
    return pdf_unruled


def _plumber_page(page) -> tuple[dict, int, int]:
    bad_fonts = unreliable_fonts_pdfminer(page.page_obj)
    chars, garbled = [], 0
    for c in page.chars:
        if not c.get("upright", True) or not c["text"]:
            continue
        text = c["text"]
        if c.get("fontname") in bad_fonts or not _trusted(text):
            text = REPLACEMENT
            garbled += 1
        chars.append(Char(text, c["x0"], c["x1"], c["top"], c["bottom"], c.get("size") or (c["bottom"] - c["top"])))
    found = page.find_tables()
    tables = [(t.bbox, [tuple(cell) for cell in t.cells]) for t in found]
    return page_items(chars, tables), len(chars), garbled


class _EdgesOnly:
    """What pdfplumber's TableFinder needs of a page when it finds tables from ruling lines alone."""

    def __init__(self, edges: list[dict], bbox: Box):
        self.edges = edges
        self.bbox = bbox


def find_tables(edges: list[dict], bbox: Box) -> list[tuple[Box, list[Box]]]:
    """pdfplumber's table finder (Nurminen's method: snap and join the ruling lines, find their intersections,
    the smallest closed rectangles between them are the cells; a merged cell is one rectangle) on edges."""
    # lazy: pdfplumber (~24 MB, ~0.15 s) only when a PDF is read; preloaded before the fork (_preload)
    from pdfplumber.table import TableFinder

    finder = TableFinder(_EdgesOnly(edges + closing_edges(edges), bbox), {"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    return [(tuple(t.bbox), [tuple(c) for c in t.cells]) for t in finder.tables]


def closing_edges(edges: list[dict], tolerance: float = 3.0) -> list[dict]:
    """A table broken across pages is often left open: its last row on the page has side lines but no line
    under it (or the first row on the next page none above it). Where three or more vertical lines end at the
    same height, a horizontal line joins them (where one is already drawn, the two snap into one)."""
    ends: dict[int, list[dict]] = {}
    for e in edges:
        if e["orientation"] == "v":
            for y in (e["top"], e["bottom"]):
                ends.setdefault(round(y / tolerance), []).append({**e, "end": y})
    out = []
    for group in ends.values():
        xs = sorted({round(e["x0"], 1) for e in group})
        if len(xs) >= 3:
            y = sum(e["end"] for e in group) / len(group)
            out.append({"x0": xs[0], "x1": xs[-1], "top": y, "bottom": y, "width": xs[-1] - xs[0], "height": 0,
                        "orientation": "h", "object_type": "line"})
    return out


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict | None:
    x0, x1 = sorted((x0, x1))
    top, bottom = sorted((top, bottom))
    if x1 - x0 < 0.5 and bottom - top >= 1:
        return {"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0, "height": bottom - top,
                "orientation": "v", "object_type": "line"}
    if bottom - top < 0.5 and x1 - x0 >= 1:
        return {"x0": x0, "x1": x1, "top": top, "bottom": top, "width": x1 - x0, "height": 0,
                "orientation": "h", "object_type": "line"}
    return None


def _pdfium_edges(page_handle, view) -> list[dict]:
    """Every straight horizontal or vertical segment of the page's paths (in form XObjects too), in
    top-down coordinates: the ruling lines and the sides of rectangles (borders drawn as thin filled boxes
    give two close edges, which the finder snaps into one)."""
    # lazy: pypdfium2 (~8 MB) only when a PDF is read; preloaded before the fork (_preload)
    import pypdfium2.raw as R

    edges: list[dict] = []

    def apply(m, x, y):
        return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]

    def compose(inner, outer):
        a, b, c, d, e, f = inner
        return (a * outer[0] + b * outer[2], a * outer[1] + b * outer[3], c * outer[0] + d * outer[2],
                c * outer[1] + d * outer[3], e * outer[0] + f * outer[2] + outer[4], e * outer[1] + f * outer[3] + outer[5])

    def visit(obj, outer, depth):
        kind = R.FPDFPageObj_GetType(obj)
        matrix = R.FS_MATRIX()
        R.FPDFPageObj_GetMatrix(obj, matrix)
        m = compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        if kind == R.FPDF_PAGEOBJ_FORM and depth < 5:
            for k in range(R.FPDFFormObj_CountObjects(obj)):
                visit(R.FPDFFormObj_GetObject(obj, k), m, depth + 1)
            return
        if kind != R.FPDF_PAGEOBJ_PATH:
            return
        x, y = ctypes.c_float(), ctypes.c_float()
        start = previous = None
        for s in range(R.FPDFPath_CountSegments(obj)):
            segment = R.FPDFPath_GetPathSegment(obj, s)
            R.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            point = apply(m, x.value, y.value)
            kind = R.FPDFPathSegment_GetType(segment)
            if kind == R.FPDF_SEGMENT_MOVETO:
                start = previous = point
                continue
            if kind == R.FPDF_SEGMENT_LINETO and previous is not None:
                e = _edge(*view(*previous), *view(*point))
                if e:
                    edges.append(e)
            previous = point
            if R.FPDFPathSegment_GetClose(segment) and start is not None:
                e = _edge(*view(*point), *view(*start))
                if e:
                    edges.append(e)
                previous = start

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for k in range(R.FPDFPage_CountObjects(page_handle)):
        visit(R.FPDFPage_GetObject(page_handle, k), identity, 0)
    return edges


def unreliable_fonts(reader, number: int) -> set[str]:
    """pypdf: the base names (without the subset prefix) of the page's fonts, and of its form XObjects' fonts,
    that map character codes to glyphs only — no /ToUnicode, and a Type0/Type3 font or an embedded subset
    (whose codes are assigned in order of use, so that code 0x31 is whatever glyph came second)."""
    found: set[str] = set()

    def visit(resources, depth):
        resources = resources.get_object() if resources is not None else None
        if not resources or depth > 4:
            return
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else {}
        for spec in fonts.values():
            spec = spec.get_object()
            if "/ToUnicode" in spec:
                continue
            base = str(spec.get("/BaseFont", ""))[1:]
            subtype = spec.get("/Subtype")
            if subtype == "/Type0":
                # A predefined CMap (UniGB-UCS2-H, GBK-EUC-H…) names the characters; Identity-H or an embedded
                # CMap stream gives glyph numbers only.
                encoding = spec.get("/Encoding")
                if not isinstance(encoding, str) or str(encoding).startswith("/Identity"):
                    found.add(base.split("+", 1)[-1])
            elif subtype == "/Type3" or _is_subset(base):
                found.add(base.split("+", 1)[-1])
        xobjects = resources.get("/XObject")
        for xobj in (xobjects.get_object().values() if xobjects is not None else []):
            xobj = xobj.get_object()
            if xobj.get("/Subtype") == "/Form":
                visit(xobj.get("/Resources"), depth + 1)

    try:
        visit(reader.pages[number - 1].get("/Resources"), 0)
    except Exception:  # noqa: BLE001, S110 - a damaged resource dictionary: judged by PDFium's own flags only
        return found
    return found


def viewer(quarter_turns: int, width: float, height: float):
    """(x, y) in PDF space (y up) → (x, y) as read (y down), the page turned so that text drawn at
    `quarter_turns` × 90° reads left to right: a landscape page printed on a rotated
    portrait page (/Rotate 90, or content drawn turned) is read like any other."""
    q = quarter_turns % 4  # PDFium's character angle turns clockwise
    if q == 3:
        return (lambda x, y: (y, x)), (height, width)
    if q == 2:
        return (lambda x, y: (width - x, y)), (width, height)
    if q == 1:
        return (lambda x, y: (height - y, width - x)), (height, width)
    return (lambda x, y: (x, height - y)), (width, height)


def _pdfium_page(page, bad_fonts: set[str], carry: dict | None = None) -> tuple[list[dict], int, int]:
    # lazy: pypdfium2 (~8 MB) only when a PDF is read; preloaded before the fork (_preload)
    import pypdfium2.raw as R

    width, height = page.get_width(), page.get_height()
    textpage = page.get_textpage()
    tp = textpage.raw
    raw, garbled = [], 0
    box = R.FS_RECTF()
    name = ctypes.create_string_buffer(256)
    font_of: dict[int, bool] = {}
    turns: dict[int, int] = {}
    ink_left, ink_right, ink_bottom, ink_top = (ctypes.c_double() for _ in range(4))
    for i in range(R.FPDFText_CountChars(tp)):
        if R.FPDFText_IsGenerated(tp, i):
            continue
        code = R.FPDFText_GetUnicode(tp, i)
        if code in (0, 0xFFFE, 0xFFFF) or chr(code) in "\r\n":
            continue
        text = chr(code)
        if text.isspace() and text not in _THIN_SPACES:
            continue
        angle = R.FPDFText_GetCharAngle(tp, i)
        q = round(angle / (math.pi / 2))
        if abs(angle - q * math.pi / 2) > 0.01:
            continue  # slanted text (a stamp): not table content
        R.FPDFText_GetLooseCharBox(tp, i, box)
        size = R.FPDFText_GetFontSize(tp, i) or abs(box.top - box.bottom)
        ink = None
        if text.isdigit():  # a digit's ink, for telling a number printed over a column line
            R.FPDFText_GetCharBox(tp, i, ctypes.byref(ink_left), ctypes.byref(ink_right), ctypes.byref(ink_bottom),
                                  ctypes.byref(ink_top))
            if ink_right.value > ink_left.value:
                ink = (ink_left.value, ink_right.value)
        bad = bool(R.FPDFText_HasUnicodeMapError(tp, i)) or not _trusted(text)
        if not bad and bad_fonts:
            handle = R.FPDFText_GetTextObject(tp, i)
            key = ctypes.cast(handle, ctypes.c_void_p).value or 0
            if key not in font_of:
                R.FPDFText_GetFontInfo(tp, i, name, 256, None)
                base = name.value.decode("latin-1", "replace").split("+", 1)[-1]
                font_of[key] = base in bad_fonts
            bad = font_of[key]
        if bad:
            text = REPLACEMENT
            garbled += 1
        q %= 4
        turns[q] = turns.get(q, 0) + 1
        raw.append((text, box.left, box.top, box.right, box.bottom, size, q, ink))
    textpage.close()
    # The page is read in the direction most of its text runs; text turned against it (a vertical note) is left out.
    quarter = max(turns, key=turns.get) if turns else 0
    view, (view_width, view_height) = viewer(quarter, width, height)
    chars = []
    for text, left, top, right, bottom, size, q, ink in raw:
        if q != quarter:
            continue
        (ax, ay), (bx, by) = view(left, top), view(right, bottom)
        if ink is not None:
            ink = tuple(sorted((view(ink[0], top)[0], view(ink[1], bottom)[0]))) if quarter % 2 == 0 else None
        chars.append(Char(text, min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), size, ink))
    garbled = sum(1 for c in chars if c.text == REPLACEMENT)
    edges = _pdfium_edges(page.raw, view)
    tables = find_tables(edges, (0, 0, view_width, view_height)) if edges else []
    return page_items(chars, tables, carry), len(chars), garbled


def extract(data: bytes, max_pages: int = 300, send=None) -> None:
    """PDFium (characters, ruling lines) and pdfplumber's table finder: every page → send("page", n, items,
    chars, garbled, error)."""
    # lazy: pypdf (~26 MB, ~0.15 s) and pypdfium2 (~8 MB) only when a PDF is read; preloaded before the fork
    import pypdf
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            send("needs-password")
        else:
            send("error", "PdfiumError")
        return
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    except Exception:  # noqa: BLE001 - PDFium opened it; the fonts are then judged by PDFium's flags only
        reader = None
    count = len(pdf)
    carry: dict = {}  # the unruled tables' columns, for a table continued on the next page without its header
    send("count", count)
    for number in range(1, count + 1):
        if number > max_pages:
            send("stopped", "pages")
            return
        try:
            page = pdf[number - 1]
            bad_fonts = unreliable_fonts(reader, number) if reader is not None else set()
            items, n, garbled = _pdfium_page(page, bad_fonts, carry)
            page.close()
        except MemoryError:
            raise
        except Exception as error:  # noqa: BLE001 - one bad page must not lose the others
            send("page", number, [], 0, 0, type(error).__name__)
            continue
        send("page", number, items, n, garbled, "")
    pdf.close()


def extract_pdfplumber(data: bytes, max_pages: int = 300) -> list[tuple[list[dict], int, int]]:
    """The same reading entirely on pdfplumber (characters from pdfminer.six, which is pure Python): for the
    comparison in bench/auditor.py."""
    # lazy: pdfplumber (~24 MB, ~0.15 s) only for the bench's comparison
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if number > max_pages:
                break
            out.append(_plumber_page(page))
            page.close()
    return out


def extract_pymupdf(data: bytes, max_pages: int = 300) -> list[tuple[list[dict], int, int]]:
    """The same reading on PyMuPDF (characters from rawdict, cell boxes from find_tables): for the comparison
    in bench/auditor.py only. Without ToUnicode MuPDF still gives characters; fonts are judged the same way."""
    # lazy: PyMuPDF is not a dependency (AGPL, docs/dependencies.md); the bench calls this only when installed
    import pymupdf

    out = []
    document = pymupdf.open(stream=data, filetype="pdf")
    for number, page in enumerate(document, start=1):
        if number > max_pages:
            break
        bad_fonts = set()
        for _xref, _ext, subtype, base, _name, _enc, *_ in page.get_fonts(full=True):
            font_has_map = b"/ToUnicode" in document.xref_object(_xref).encode()
            if not font_has_map and (subtype in ("Type0", "Type3") or _is_subset(base)):
                bad_fonts.add(base.split("+", 1)[-1])
        chars, garbled = [], 0
        raw = page.get_text("rawdict")
        for block in raw["blocks"]:
            for line in block.get("lines", []):
                if line.get("dir", (1, 0)) != (1, 0):
                    continue
                for span in line["spans"]:
                    bad = span["font"].split("+", 1)[-1] in bad_fonts
                    for c in span["chars"]:
                        x0, y0, x1, y1 = c["bbox"]
                        text = c["c"]
                        if not text.strip():
                            if text in _THIN_SPACES:
                                chars.append(Char(text, x0, x1, y0, y1, span["size"]))
                            continue
                        if bad or not _trusted(text):
                            text = REPLACEMENT
                            garbled += 1
                        chars.append(Char(text, x0, x1, y0, y1, span["size"]))
        try:  # PyMuPDF 2 gates the line-based finder by an ONNX layout model (seconds a page) unless told not to
            found = page.find_tables(use_layout=False)
        except TypeError:
            found = page.find_tables()
        tables = []
        for t in found.tables:
            tables.append((tuple(t.bbox), [tuple(cell) for cell in t.cells if cell is not None]))
        out.append((page_items(chars, tables), len(chars), garbled))
    return out


# --- the child process ---------------------------------------------------------------------------------------

def _child() -> None:
    """Parameters as one JSON line on stdin, then the PDF; one JSON line per event on stdout."""
    params = json.loads(sys.stdin.buffer.readline())
    _limit_memory(params["memory_mb"])
    out = sys.stdout

    def send(*event) -> None:
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
        out.flush()

    try:
        extract(sys.stdin.buffer.read(), params["max_pages"], send)
    except MemoryError:
        send("stopped", "memory")
    except Exception as error:  # noqa: BLE001 - damaged files raise many types
        send("error", type(error).__name__)


@dataclass
class PdfPages:
    pages: list[dict]  # {"number", "items", "chars", "garbled", "error"}
    page_count: int = 0
    stopped: str = ""  # "", "pages", "time", "memory"
    error: str = ""
    needs_password: bool = False


def _limit_memory(memory_mb: int) -> None:
    try:
        # lazy: Unix only; without it the child runs without the memory limit (except below)
        import resource

        with open("/proc/self/statm") as statm:  # the address space already mapped (interpreter, libraries)
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        limit = mapped + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass


_PRELOADED = False


def _preload() -> None:
    """The libraries imported once in the parent, so that a forked child starts reading at once (importing
    them takes longer than reading a whole report)."""
    global _PRELOADED
    if not _PRELOADED:
        # lazy: in the parent only once a PDF is to be read (~60 MB together), never at start-up
        import pdfplumber.table  # noqa: F401
        import pypdf  # noqa: F401
        import pypdfium2  # noqa: F401

        _PRELOADED = True


def _run_forked(data: bytes, params: dict, seconds: float) -> tuple[bytes, bool, int]:
    """(output, timed out, exit status): the reading in a forked child (no interpreter start, no imports),
    killed when `seconds` run out; its output read as it comes so that a full pipe never blocks it."""
    _preload()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 0
        try:
            os.close(read_end)
            _limit_memory(params["memory_mb"])
            out = os.fdopen(write_end, "w", encoding="utf-8")

            def send(*event) -> None:
                out.write(json.dumps(event, ensure_ascii=False) + "\n")
                out.flush()

            try:
                extract(data, params["max_pages"], send)
            except MemoryError:
                send("stopped", "memory")
            except Exception as error:  # noqa: BLE001 - damaged files raise many types
                send("error", type(error).__name__)
            out.close()
        except BaseException:  # noqa: BLE001 - whatever happens, the child ends here
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks, timed_out = [], False
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    return b"".join(chunks), timed_out, status


def _run_subprocess(data: bytes, params: dict, seconds: float) -> tuple[bytes, bool, int]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and this file, no user input in the command
        [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        output, _ = process.communicate(json.dumps(params).encode() + b"\n" + data, timeout=seconds)
        return output, False, process.returncode
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return output, True, process.returncode


_EVENT_FIELDS = {"count": "page_count", "stopped": "stopped", "error": "error"}


def read_pages(data: bytes, *, seconds: float, memory_mb: int = 512, max_pages: int = 300) -> PdfPages:
    """The reading in a child process (forked where the system can, else this file run as a script), killed
    after `seconds`, with at most `memory_mb` more memory. Never raises for a bad file; pages read before a
    stop are kept."""
    params = {"max_pages": max_pages, "memory_mb": memory_mb}
    runner = _run_forked if hasattr(os, "fork") else _run_subprocess
    output, timed_out, status = runner(data, params, seconds)
    result = PdfPages([], stopped="time" if timed_out else "")
    for line in output.decode("utf-8", errors="replace").splitlines():
        try:
            tag, *rest = json.loads(line)
        except ValueError:
            continue  # a line cut off by the kill
        if tag == "page":
            result.pages.append(dict(zip(("number", "items", "chars", "garbled", "error"), rest, strict=True)))
        elif tag == "needs-password":
            result.needs_password = True
        elif tag in _EVENT_FIELDS and not getattr(result, _EVENT_FIELDS[tag]):
            setattr(result, _EVENT_FIELDS[tag], rest[0])  # the first "stopped" (the time limit) is kept
    if not result.stopped and status not in (0, None):
        result.stopped = "memory"  # killed by the memory limit inside C code
    return result


if __name__ == "__main__":
    _child()
