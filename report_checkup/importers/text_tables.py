"""Tables in plain text as people paste them: `|`-separated (Markdown, forum reposts, web-to-text tools) and
box-drawing (│ ┃ with ─ ┼ ├ ┤ rules), with or without the leading and trailing bar; rule rows
(`---|---`, `|:---:|`, `+----+`, `├──┼──┤`) are skipped. Tab-separated rows are read by readers.read_text.

`split_row(line)` → the cells of a table row (blank cells in place), [] for a rule row, None for a line that
is not a table row (prose with one stray bar stays prose)."""

from __future__ import annotations

import re

BARS = "|│┃║¦"
_BAR = re.compile(f"[{BARS}]")
_RULE = re.compile(r"^[\s|│┃║¦+:\-=─━═┼╋╬├┤┬┴┌┐└┘┠┨┯┷┿╂╪╫╞╡╟╢╤╧╔╗╚╝╠╣╦╩]+$")


def is_rule(line: str) -> bool:
    text = line.strip()
    return bool(text) and bool(_RULE.match(text)) and bool(
        re.search(r"[-=─━═]{3,}|[-=─━═](?:\s*[+┼╋╬|│]\s*[-=─━═])", text))


def split_row(line: str, loose: bool = False) -> list[str] | None:
    """`loose`: the line sits among other table rows, so one bar between two cells is enough."""
    text = line.strip()
    if is_rule(text):
        return []
    if not text or not _BAR.search(text):
        return None
    bars = len(_BAR.findall(text))
    framed = text[0] in BARS or text[-1] in BARS
    if bars < 2 and not framed and not loose:
        return None  # "网址|电话" in prose: one bar is not a table
    if text[0] in BARS:
        text = text[1:]
    if text and text[-1] in BARS:
        text = text[:-1]
    cells = [c.strip() for c in _BAR.split(text)]
    return cells if len(cells) >= 2 else None


def table_lines(lines: list[str]) -> list[list[str] | None]:
    """split_row for every line, a one-bar line counted as a row when a neighbouring line is a table row or
    a rule (a two-column table written without outer bars)."""
    strict = [split_row(line) for line in lines]
    out = list(strict)
    for i, line in enumerate(lines):
        if strict[i] is None and len(_BAR.findall(line)) == 1:
            near = [strict[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
            one_bar_near = [j for j in (i - 1, i + 1) if 0 <= j < len(lines) and len(_BAR.findall(lines[j])) == 1
                            and strict[j] is None]
            if any(n is not None for n in near) or one_bar_near:
                out[i] = split_row(line, loose=True)
    return out
