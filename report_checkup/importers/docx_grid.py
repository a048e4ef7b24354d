"""DOCX tables read from the XML itself (w:tr / w:tc with w:gridSpan and w:vMerge), not from python-docx's
grid: the grid does not depend on w:tblGrid, which WPS and converters write short or stale, and a table
nested in a cell is read as a table of its own.

A table with tables inside its cells is a layout table (a whole report laid out in one big cell, as some
templates do): its cells are walked in order like the body, so its paragraphs and nested tables come out in
reading order. Any other table becomes rows of cell strings: a horizontally merged cell once, a vertically
merged cell repeated on every row it covers (as readers.expand_grid does for HTML)."""

from __future__ import annotations

from collections.abc import Iterator

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_SPAN = 100  # a wild gridSpan must not blow up the grid


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _content(element) -> Iterator:
    """Children, looking through content controls and custom XML wrappers (w:sdt/w:sdtContent, w:customXml)."""
    for child in element.iterchildren():
        name = _local(child)
        if name == "sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _content(content)
        elif name in ("customXml", "smartTag"):
            yield from _content(child)
        else:
            yield child


def paragraph_text(p) -> str:
    """Text of a w:p: w:t, tabs, breaks; deleted text (w:del) and field codes (w:instrText) left out."""
    out = []
    for node in p.iter():
        name = _local(node)
        if name == "t":
            parent = node.getparent()
            if parent is not None and parent.getparent() is not None and _local(parent.getparent()) == "del":
                continue
            out.append(node.text or "")
        elif name == "tab" and node.getparent() is not None and _local(node.getparent()) == "r":
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
    return "".join(out)


def _cell_text(tc) -> str:
    parts = [paragraph_text(child) for child in _content(tc) if _local(child) == "p"]
    return "\n".join(parts).strip()


def _int(value, default=1) -> int:
    try:
        return max(1, min(int(value), MAX_SPAN))
    except (TypeError, ValueError):
        return default


def is_layout(tbl) -> bool:
    return any(_local(child) == "tbl" for tc in tbl.iter(f"{W}tc") for child in _content(tc))


def grid(tbl, check=lambda: None) -> list[list[str]]:
    """Rows of cell strings of a w:tbl (not a layout table)."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}  # grid column → text of the cell that a vMerge continues
    for tr in (c for c in _content(tbl) if _local(c) == "tr"):
        check()
        col = 0
        tr_pr = tr.find(f"{W}trPr")
        if tr_pr is not None:
            before = tr_pr.find(f"{W}gridBefore")
            if before is not None:
                col += _int(before.get(f"{W}val"), 0)
        cells: list[str] = []
        for tc in (c for c in _content(tr) if _local(c) == "tc"):
            tc_pr = tc.find(f"{W}tcPr")
            span, merge = 1, None
            if tc_pr is not None:
                span_el = tc_pr.find(f"{W}gridSpan")
                if span_el is not None:
                    span = _int(span_el.get(f"{W}val"))
                merge_el = tc_pr.find(f"{W}vMerge")
                if merge_el is not None:
                    merge = merge_el.get(f"{W}val") or "continue"
            if merge == "continue":
                text = above.get(col, "")
            else:
                text = _cell_text(tc)
                above[col] = text
            cells.append(text)
            col += span
        rows.append(cells)
    return rows


def blocks(container, check=lambda: None) -> Iterator[tuple[str, object]]:
    """("p", text) and ("tbl", rows) of a body or cell in reading order; layout tables are walked through."""
    for child in _content(container):
        name = _local(child)
        if name == "p":
            yield "p", paragraph_text(child)
        elif name == "tbl":
            check()
            if is_layout(child):
                seen = set()
                for tc in child.iter(f"{W}tc"):
                    if tc.getparent() is not None and _owner_table(tc) is child and id(tc) not in seen:
                        seen.add(id(tc))
                        yield from blocks(tc, check)
            else:
                yield "tbl", grid(child, check)


def _owner_table(tc):
    node = tc.getparent()
    while node is not None and _local(node) != "tbl":
        node = node.getparent()
    return node
