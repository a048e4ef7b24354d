"""PDF tables without ruling lines (set by spaces alone), read by their geometry (年报体检): the text outside
the ruled tables is searched for runs of lines that end in separated numbers; the columns are the x-ranges of
those numbers clustered across the rows (numbers in one column overlap, centred or right-aligned); the rows
are the label blocks — a label wrapped over lines is one block (a line that does not start with a row number
and sits right under the one above, in the same lane), and the numbers on any line the block spans belong to
its row, so numbers vertically centred on a wrapped label, or printed on its first line, land in its row.
Group labels set in a lane of their own to the left ("（三）不予公开" spanning eight rows) go with the rows
beside them as text cells before the row label, as the HTML reader gives a cell spanning rows.

Nothing is guessed: two numbers from different lines of one row in one column (digits wrapped inside a
cell), or text in a number column, make that cell U+FFFD (unreadable); a row whose numbers fill fewer
columns than the table has keeps its blanks in place; a number between two columns joins them for the whole
table, whose rows then hold too few numbers and are reported unreadable by the recogniser."""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass, field

try:
    from .pdf_tables import _THIN_SPACES, REPLACEMENT, Char, cell_text, glued_number, text_lines
except ImportError:  # pdf_tables run as a script in its child process (no package)
    from pdf_tables import _THIN_SPACES, REPLACEMENT, Char, cell_text, glued_number, text_lines

# A piece of a line: characters closer than this share of an em (a CJK character's width) together.
_NUMBER_GAP = 0.3
_TEXT_GAP = 0.9
# A label wrapped over more lines than this above its numbers (or below them) is not followed further.
_MAX_WRAP = 8
_NUMERIC = re.compile(r"^[-+]?\d[\d.,]*%?$|^[-—/]$")
# A row label starts with its printed number: 一、 （一） 1. 1、 (1)
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])")


@dataclass
class Piece:
    chars: list[Char]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def numeric(self) -> bool:
        text = "".join(c.text for c in self.chars if c.text not in _THIN_SPACES)
        return bool(_NUMERIC.match(text))


@dataclass
class Block:
    """A label wrapped over one or more lines, in one lane (left edge)."""

    pieces: list[Piece]
    lines: list[int]  # the line of each piece
    anchors: set[int] = field(default_factory=set)

    @property
    def x0(self) -> float:
        return self.pieces[0].x0

    @property
    def x1(self) -> float:
        return max(p.x1 for p in self.pieces)

    @property
    def top(self) -> float:
        return self.pieces[0].top

    @property
    def bottom(self) -> float:
        return self.pieces[-1].bottom

    @property
    def text(self) -> str:
        return "\n".join(p.text.strip() for p in self.pieces)


def em_of(chars: list[Char]) -> float:
    """The width of a CJK character on the page (the unit of gaps), or the font size's share when there is none."""
    widths = [c.x1 - c.x0 for c in chars if "\u4e00" <= c.text <= "\u9fff" and c.x1 > c.x0]
    if widths:
        return statistics.median(widths)
    sizes = [c.bottom - c.top for c in chars if c.bottom > c.top]
    return 0.8 * statistics.median(sizes) if sizes else 10.0


def pieces_of(line: list[Char], em: float, text_gap: float = _TEXT_GAP) -> list[Piece]:
    """A line cut into pieces: at a gap wider than _TEXT_GAP em, or wider than _NUMBER_GAP em where a digit
    meets anything (two numbers in neighbouring columns can stand close together)."""
    out: list[Piece] = []
    for ch in line:
        if out:
            prev = out[-1].chars[-1]
            gap = ch.x0 - prev.x1
            digit = ch.text.isdigit() or prev.text.isdigit()
            if gap <= (_NUMBER_GAP if digit else text_gap) * em:
                out[-1].chars.append(ch)
                continue
        out.append(Piece([ch]))
    out = [part for p in out if p.text.strip() for part in _split_numbered(p, em)]
    return [part for p in out for part in _split_glued(p)]


def _split_glued(piece: Piece) -> list[Piece]:
    cut = glued_number(piece.chars)
    return [Piece(piece.chars[:cut]), Piece(piece.chars[cut:])] if cut else [piece]


def _split_numbered(piece: Piece, em: float) -> list[Piece]:
    """A group label and the row label beside it closer than a character ("三、本年度办理结果 （一）予以公开"):
    cut where a row number starts after a gap."""
    chars = piece.chars
    for k in range(1, len(chars)):
        if chars[k].x0 - chars[k - 1].x1 > _NUMBER_GAP * em and _NUMBERED.match(
            "".join(c.text for c in chars[k:])
        ):
            return [Piece(chars[:k]), *_split_numbered(Piece(chars[k:]), em)]
    return [piece]


def _anchor(pieces: list[Piece]) -> bool:
    """A line that ends in numbers: one or more numeric pieces, nothing but numbers after the first of them."""
    first = next((k for k, p in enumerate(pieces) if p.numeric), None)
    return first is not None and all(p.numeric for p in pieces[first:])


def _columns(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """x-ranges of the numbers clustered: ranges that overlap are one column."""
    out: list[list[float]] = []
    for x0, x1 in sorted(intervals):
        if out and x0 < out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def find(
    chars: list[Char], carry: dict | None = None
) -> list[tuple[tuple[float, float, float, float], list[list[str]], set[int]]]:
    """The unruled tables among `chars`: (bbox, rows of cell strings, ids of the characters used)."""
    if not chars:
        return []
    em = em_of(chars)
    lines = [(line, pieces_of(line, em)) for line in text_lines(chars)]
    lines = [(line, pieces) for line, pieces in lines if pieces]
    anchors = [k for k, (_, pieces) in enumerate(lines) if _anchor(pieces)]
    out = []
    for group in _groups(lines, anchors, em):
        table = _table(lines, group, em, carry if carry is not None else {})
        if table is not None:
            out.append(table)
    return out


def _numbers(pieces: list[Piece]) -> list[Piece]:
    first = next(k for k, p in enumerate(pieces) if p.numeric)
    return pieces[first:]


def _groups(lines, anchors: list[int], em: float) -> list[list[int]]:
    """Anchor lines that make one table: consecutive anchors with only label text between them (a line
    reaching into the numbers' zone — a header, a paragraph — ends the table). A table needs two lines of
    three or more numbers, or one of five or more (a row left alone at the foot of a page, 表四's data row)."""
    groups: list[list[int]] = []
    current: list[int] = []
    for k in anchors:
        if current:
            zone = min(p.x0 for j in current for p in _numbers(lines[j][1]))
            between = range(current[-1] + 1, k)
            here = _numbers(lines[k][1])
            if any(p.x1 > min(zone, here[0].x0) - 0.5 * em for j in between for p in lines[j][1]) or any(
                p.x1 > zone - 0.5 * em for p in lines[k][1][: len(lines[k][1]) - len(here)]
            ):
                groups.append(current)
                current = []
        current.append(k)
    if current:
        groups.append(current)
    out = []
    for group in groups:
        counts = [len(_numbers(lines[j][1])) for j in group]
        if sum(1 for n in counts if n >= 3) >= 2 or max(counts) >= 5:
            out.append(group)
    return out


def _table(lines, group: list[int], em: float, carry: dict):
    columns = _columns([(p.x0, p.x1) for j in group for p in _numbers(lines[j][1])])
    if len(columns) < 2:
        return None
    zone = columns[0][0]
    edges = [(a[1] + b[0]) / 2 for a, b in zip(columns, columns[1:], strict=False)]
    left = zone - 0.3 * em  # every number of the first column starts at `zone` or right of it
    right = columns[-1][1] + em
    # The table's lines: the anchors, the label lines between them, and the lines of a label wrapped just
    # above the first anchor and just below the last (a wrapped label whose numbers are on its middle or first
    # line): close together, text only, in the label column; above, up to the line where a row number starts.
    first, last = group[0], group[-1]

    def label_only(j) -> bool:
        return not _anchor(lines[j][1]) and all(p.x1 <= left for p in lines[j][1])

    def gap(a, b) -> float:
        return min(c.top for c in lines[b][0]) - max(c.bottom for c in lines[a][0])

    # The lines of one wrapped label stand closer together than two rows (cell padding): a line continues a
    # label when its gap is under half the usual gap between two rows of numbers, and under 0.6 em.
    row_gaps = [gap(j, j + 1) for j in group if j + 1 in group]
    wrap_gap = min(0.6 * em, 0.5 * statistics.median(row_gaps)) if row_gaps else 0.6 * em

    def close(a, b) -> bool:  # line b right under line a
        return gap(a, b) < wrap_gap

    def lane(b) -> bool:  # line b starts where a label of the table starts (a wrapped label's next line)
        return any(
            abs(p.x0 - lines[b][1][0].x0) < 0.5 * em
            for j in range(first, last + 1)
            for p in lines[j][1]
            if p.x1 <= left
        )

    # Above the first number line: label lines as close as two rows (a wrapped label, a row printed blank,
    # the rest of a row broken by the page), up to a header or a paragraph. Below the last: a wrapped label's
    # unnumbered lines.
    near = max(wrap_gap, statistics.median(row_gaps) + 0.25 * em) if row_gaps else 0.6 * em
    for _ in range(_MAX_WRAP):
        if first - 1 < 0 or not label_only(first - 1) or gap(first - 1, first) >= near:
            break
        first -= 1
    for _ in range(_MAX_WRAP):
        nxt = last + 1
        if (
            nxt >= len(lines)
            or not label_only(nxt)
            or not close(last, nxt)
            or not lane(nxt)
            or _NUMBERED.match(lines[nxt][1][0].text)
        ):
            break  # below, only the rest of a wrapped label: a numbered line there may be the next heading
        last = nxt
    # The header: up to four text lines right above, reaching over the number columns, cut at every gap
    # ("本年新制作数量  本年新公开数量": the recogniser tells 2019 from 2021 labels by them).
    heads: list[tuple[int, list[Piece]]] = []
    while first - 1 >= 0 and len(heads) < 4:
        k = first - 1
        fine = pieces_of(lines[k][0], em, text_gap=_NUMBER_GAP)
        if (
            any(p.numeric for p in fine)
            or gap(k, first) >= 1.2 * em
            or not any(p.x1 > left for p in fine)
            or (len(fine) < 2 and fine[0].x0 < left)
        ):
            break
        heads.insert(0, (k, fine))
        first = k
    hidden = _header_columns([p for _, fine in heads for p in fine], columns, left, em)
    if not heads:  # a table continued from the page before, without its header: the columns it had there
        hidden = _carried_columns(columns, carry.get("columns", []), em)
    if hidden:  # columns with no number in any row (zeros left blank), told by their headers
        columns = sorted(columns + hidden)
        edges = [(a[1] + b[0]) / 2 for a, b in zip(columns, columns[1:], strict=False)]
    carry.setdefault("columns", []).insert(0, columns)
    anchor_set = set(group)
    counts = {j: len(_numbers(lines[j][1])) for j in group}
    # Label blocks, lane by lane.
    blocks: list[Block] = []
    numbers: dict[int, list[Piece]] = {}
    used: set[int] = set()
    head_lines = {k for k, _ in heads}
    for j in range(first, last + 1):
        line, pieces = lines[j]
        used.update(id(c) for c in line if c.cx <= right or j in head_lines)
        if j in head_lines:
            continue
        for p in pieces:
            if p.x0 >= right:
                continue
            if p.x0 >= left and j in anchor_set:
                numbers.setdefault(j, []).append(p)
                continue
            if p.x1 > left:  # text reaching into the numbers' columns: unreadable there
                over = [
                    Char(REPLACEMENT, c.x0, c.x1, c.top, c.bottom, c.size) for c in p.chars if c.cx >= left
                ]
                if over:
                    numbers.setdefault(j, []).append(Piece(over))
                p = Piece([c for c in p.chars if c.cx < left])
                if not p.chars:
                    continue
            _add_to_block(blocks, p, j, counts, em, wrap_gap)
    # Which anchors each block spans.
    spans = {
        j: (min(p.top for p in numbers.get(j, [])), max(p.bottom for p in numbers.get(j, [])))
        for j in anchor_set
        if numbers.get(j)
    }
    for b in blocks:
        for j, (top, bottom) in spans.items():
            if min(bottom, b.bottom) - max(top, b.top) > 0.2 * em:
                b.anchors.add(j)
    # Each anchor's row label: the rightmost block beside it; anchors sharing a row label are one row.
    leaf_of: dict[int, Block] = {}
    for j in spans:
        beside = [b for b in blocks if j in b.anchors]
        if beside:
            leaf_of[j] = max(beside, key=lambda b: b.x0)
    rows: list[tuple[float, list[str]]] = []
    done: set[int] = set()
    for j in sorted(spans):
        if j in done:
            continue
        leaf = leaf_of.get(j)
        members = sorted(a for a in spans if leaf is not None and leaf_of.get(a) is leaf) if leaf else [j]
        done.update(members)
        groups_beside = sorted(
            {id(b): b for a in members for b in blocks if a in b.anchors and b is not leaf}.values(),
            key=lambda b: b.x0,
        )
        # a row without a label (its label on the next page, or 表四's data row) keeps an empty label cell, so
        # that the reader can join it with the label at the top of the next page (readers._join_split_row)
        cells = [b.text for b in groups_beside] + [leaf.text if leaf else ""]
        cells += _row_numbers([numbers[a] for a in members], edges)
        top = min([spans[a][0] for a in members] + ([leaf.top] if leaf else []))
        rows.append((top, cells))
    # A label with no numbers beside it (a row printed blank: zero) is a row of blanks, unless text stands to
    # its right on its lines (a group label set between two rows).
    for b in blocks:
        if b.anchors or any(b is leaf for leaf in leaf_of.values()):
            continue
        if any(
            o is not b
            and o.x0 > b.x1
            and any(
                min(p.bottom, q.bottom) - max(p.top, q.top) > 0.3 * em for p in b.pieces for q in o.pieces
            )
            for o in blocks
        ):
            continue
        # below the last numbers: the row's numbers may be at the top of the next page, so not read as blank
        trailing = b.top > max(bottom for _, bottom in spans.values())
        rows.append((b.top, [b.text] + [REPLACEMENT if trailing else ""] * len(columns)))
    rows.sort(key=lambda r: r[0])
    rows[:0] = [(0.0, [p.text.strip() for p in fine]) for _, fine in heads]
    all_chars = [c for j in range(first, last + 1) for c in lines[j][0] if c.cx <= right or j in head_lines]
    bbox = (
        min(c.x0 for c in all_chars),
        min(c.top for c in all_chars),
        max(c.x1 for c in all_chars),
        max(c.bottom for c in all_chars),
    )
    return bbox, [cells for _, cells in rows], used


def _header_columns(heads: list[Piece], columns: list[tuple[float, float]], left: float, em: float):
    """Columns that hold no number in any row (a kind of applicant with none all year, its zeros left blank):
    the header pieces over the number zone that stand over no column of numbers, clustered by their centres
    (a header wrapped character by character stands in one place). A header over several columns overlaps
    one that has numbers and adds nothing; a column whose header is not on the page cannot be told, and its
    table's rows then hold too few numbers (unreadable)."""
    centres = sorted(
        (p.x0 + p.x1) / 2
        for p in heads
        if p.x0 >= left and not any(p.x0 - 0.3 * em < b and a < p.x1 + 0.3 * em for a, b in columns)
    )
    clusters: list[list[float]] = []
    for c in centres:
        if clusters and c - clusters[-1][-1] < 0.6 * em:
            clusters[-1].append(c)
        else:
            clusters.append([c])
    out = []
    for cluster in clusters:
        centre = statistics.median(cluster)
        if centre < columns[-1][1]:  # between the columns of numbers, never beyond the last (a note)
            out.append((centre - 0.25 * em, centre + 0.25 * em))
    return out


def _carried_columns(
    columns, carried: list[list[tuple[float, float]]], em: float
) -> list[tuple[float, float]]:
    """The columns without numbers of an earlier table (the same table on the page before) whose columns with
    numbers are all where this table's are: every column found here lies on one of its columns."""

    def on(c, d) -> bool:
        return c[0] < d[1] + 0.5 * em and d[0] - 0.5 * em < c[1]

    for earlier in carried:
        if len(earlier) > len(columns) and all(sum(1 for d in earlier if on(c, d)) == 1 for c in columns):
            return [d for d in earlier if not any(on(c, d) for c in columns)]
    return []


def _add_to_block(
    blocks: list[Block], piece: Piece, line: int, counts: dict[int, int], em: float, wrap_gap: float
) -> None:
    """A label piece continues the block above it in its lane (same left edge, right under it, not starting
    with a row number), or starts a block of its own. A piece on a line with as many numbers as the block's
    own number line is a row of its own ("规章" / "行政规范性文件", unnumbered rows set close); with fewer
    numbers it continues the block (digits wrapped inside a cell: those cells become unreadable)."""
    if not _NUMBERED.match(piece.text):
        for b in reversed(blocks):
            last = b.pieces[-1]
            if abs(last.x0 - piece.x0) < 0.5 * em and -0.5 * em < piece.top - last.bottom < min(
                wrap_gap, 0.5 * em
            ):
                own = [counts[j] for j in b.lines if j in counts and j != line]
                if line in counts and own and counts[line] >= max(own):
                    break
                b.pieces.append(piece)
                b.lines.append(line)
                return
    blocks.append(Block([piece], [line]))


def _row_numbers(lines: list[list[Piece]], edges: list[float]) -> list[str]:
    """The row's number cells: each piece to the column its centre falls in; one piece → its text, pieces from
    two lines in one column (digits wrapped in a cell) or text in a number column → U+FFFD."""
    found: dict[int, list[tuple[int, Piece]]] = {}
    for k, pieces in enumerate(lines):
        for p in pieces:
            column = bisect.bisect_right(edges, (p.x0 + p.x1) / 2)
            found.setdefault(column, []).append((k, p))
    out = []
    for column in range(len(edges) + 1):
        pieces = found.get(column, [])
        if not pieces:
            out.append("")
        elif len({k for k, _ in pieces}) > 1 or any(REPLACEMENT in p.text for _, p in pieces):
            out.append(REPLACEMENT)
        else:
            out.append(cell_text([c for _, p in pieces for c in p.chars]))
    return out
