"""The one table recogniser: maps the rows of a `Document` to our cell ids by their printed labels
(report_formats.formats is the only label definition), for every input kind.

Principles (§6.1, §8): labels are matched exactly after normalisation and the curated aliases, never by
edit distance; an ambiguous label (（二）被依法纠错数 under 行政复议 or 行政诉讼) is resolved by its position
after the previous matched row of the same table; a row whose numbers cannot be placed column by column
(blank cells lost in a flattened copy, a PDF line with too few numbers) is marked unreadable rather than
guessed."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from report_formats import formats as F

from .document import Document, Row

_SPLIT_DIGITS = re.compile(r"\d[\s\u3000]+\d")
UNITS = {"条", "件", "次", "个", "篇", "万元", "元", "人次", "人", "名", "项", "场", "期", "家"}


@dataclass(frozen=True)
class Entry:
    table: str  # t2_2021, t2_2019, t3, lg, fj
    order: int  # position in the printed table, for resolving repeated labels
    row_id: str
    cell_ids: tuple[str, ...]  # in printed column order
    types: tuple[F.CellType, ...]
    numbered: bool  # the canonical label carries numbering (一、 （一） 1.)


@lru_cache(maxsize=65536)
def _norm(text: str) -> F.NormalisedLabel:
    return F.normalise_label(text)


def _build_index() -> tuple[dict[str, list[Entry]], list[tuple[str, list[Entry]]]]:
    exact: dict[str, list[Entry]] = {}

    def add(table: str, order: int, row_id: str, label: str, cells, numbered=True):
        entry = Entry(table, order, row_id, tuple(c.id for c in cells), tuple(c.type for c in cells), numbered)
        nl = _norm(label)
        for key in {nl.text, nl.core}:
            exact.setdefault(key, [])
            if entry not in exact[key]:
                exact[key].append(entry)

    for spec, key in ((F.T2_2021, "t2_2021"), (F.T2_2019, "t2_2019")):
        cells = spec.cells
        for order, row in enumerate(spec.rows):
            add(key, order, row.id, row.label, [c for c in cells if c.row_id == row.id], numbered=False)
    seen = set()
    order = 0
    for spec in (F.T3_2021, F.T3_2019):
        for row in spec.rows:
            if not row.id or (row.id in seen):
                continue
            seen.add(row.id)
            order = [r.id for r in F.T3_2021.rows if r.id].index(row.id) if row.id != "other" else 21
            add("t3", order, row.id, row.label, [c for c in spec.cells if c.row_id == row.id])
    for order, row in enumerate(F.LG.rows):
        if row.id:
            add("lg", order, row.id, row.label, [c for c in F.LG.cells if c.row_id == row.id])
    for order, row in enumerate(F.FJ.rows):
        add("fj", order, row.id, row.label, [c for c in F.FJ.cells if c.row_id == row.id])
    prefixes = sorted(exact.items(), key=lambda kv: kv[0])
    return exact, prefixes


INDEX, _PREFIXES = _build_index()
LG_GROUPS = {_norm(r.label).core for r in F.LG.rows if not r.id}
T3_GROUPS = {_norm(r.label).core for r in F.T3_2021.rows if not r.id}
T2_2021_HEADERS = {_norm(c.label).core for c in F.T2_2021.columns}
T2_2019_HEADERS = {_norm(c.label).core for c in F.T2_2019.columns} - T2_2021_HEADERS
# Header cells cut by a line break inside a narrow cell ("本年新制作数" + "量" on the next line), or two cut
# headers run together in a PDF line ("本年新制作数本年新公开数"): recognised by their first four characters.
T2_2021_HEAD_PREFIXES = {h[:4] for h in T2_2021_HEADERS}
T2_2019_HEAD_PREFIXES = {h[:4] for h in T2_2019_HEADERS} - T2_2021_HEAD_PREFIXES
T4_HEADERS = {"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", *(label for _, label in F.T4_RESULTS)}
T4_CELLS = [c.id for c in F.T4.cells]
KNOWN_GROUPS = LG_GROUPS | T3_GROUPS
HEADER_WORDS = {"统计指标", "单位", "统计数", "指标", "信息内容", "申请人情况", "自然人", "法人或其他组织", "总计",
                "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", *T4_HEADERS}


def is_unit(text: str) -> bool:
    return text.strip() in UNITS


@lru_cache(maxsize=65536)
def is_value(text: str) -> bool:
    """A cell that holds a number, a placeholder (- / 无) or an annotated number (1（新闻通气会）)."""
    t = text.strip()
    if "\ufffd" in t:
        return True  # text the PDF reader could not decode: a value slot that stays unreadable, never a label
    if not t or len(t) > 40:
        return False
    if t.isascii() and t.isdigit():
        return True
    parsed = F.parse_cell_value(t, F.CellType.COUNT)
    if "invalid" not in parsed.flags:
        return True
    parsed = F.parse_cell_value(t, F.CellType.MONEY_WITH_UNIT)
    return "invalid" not in parsed.flags and parsed.value is not None


def lookup(label: str) -> list[Entry]:
    return list(_lookup(label))


def is_exact_label(text: str) -> bool:
    """A printed row label as a whole (after normalisation and the curated aliases), not a prefix of one."""
    nl = _norm(text)
    return bool(INDEX.get(nl.text) or INDEX.get(nl.core))


@lru_cache(maxsize=65536)
def _lookup(label: str) -> tuple[Entry, ...]:
    nl = _norm(label)
    found = INDEX.get(nl.text) or INDEX.get(nl.core) or []
    # Short labels (其他, 总计) only count with their printed numbering (3.其他, （七）总计), so that header
    # cells of the same words are never taken for rows.
    found = tuple(e for e in found if not (len(nl.core) <= 2 and e.numbered and not nl.numbering))
    if found or len(nl.text) < 4 or len(nl.text) > 80:
        return found
    # A label cut by a line break inside its cell (PDF, narrow HTML columns): an unambiguous prefix.
    matches = [entries for key, entries in _PREFIXES if key.startswith(nl.text) and len(key) > len(nl.text)]
    if len(matches) == 1:
        return tuple(matches[0])
    return ()


@dataclass
class Logical:
    label: str | None
    values: list[tuple[str, str, int | None]]  # (raw, where, offset)
    where: str
    structured: bool
    texts: list[str] = field(default_factory=list)  # every text cell of the row (group labels, headers)
    notes: list[str] = field(default_factory=list)


def assemble(rows: list[Row]) -> list[Logical]:
    """Rows → logical rows (one label + its value cells). A flattened table has one cell per line: a text
    line opens a row and the number lines after it are its cells; unit lines are skipped (units never
    identify a row, §8.9); a parenthetical note on its own line stays with its label (§8.4)."""
    out: list[Logical] = []
    current: Logical | None = None
    for row in rows:
        if row.structured or len(row.cells) > 1:
            texts = [i for i, c in enumerate(row.cells) if c.strip() and not is_value(c) and not is_unit(c)]
            if (not texts and row.offsets is not None and current is not None and not current.structured
                    and current.values and current.label is not None and lookup(current.label)
                    and _next_line(current.values[-1][1], row.where)):
                # PDF: numbers alone on the layout line under a table row's numbers are digits wrapped inside
                # their cells. They stay with the row, whose count then no longer fits (unreadable): never
                # read as a row of their own, never joined to the digits above.
                current.values += [(c, row.where, o) for c, o in zip(row.cells, row.offsets, strict=False)
                                   if c.strip() and not is_unit(c)]
                continue
            last = texts[-1] if texts else -1
            offsets = row.offsets or [None] * len(row.cells)
            values = [(c, row.where, offsets[i]) for i, c in enumerate(row.cells)
                      if i > last and not is_unit(c) and (row.structured or c.strip())]
            label = row.cells[last] if texts else None
            current = Logical(label, values, row.where, row.structured, [row.cells[i] for i in texts])
            out.append(current)
            continue
        text = row.cells[0].strip() if row.cells else ""
        if not text:
            continue
        if is_value(text):
            if current is not None and not current.structured and current.label is not None:
                current.values.append((text, row.where, None))
            else:
                current = Logical(None, [(text, row.where, None)], row.where, False)
                out.append(current)
            continue
        if is_unit(text):
            continue
        nl = _norm(text)
        if (current is not None and not current.values and not current.structured and nl.text.startswith("(")
                and nl.text.endswith(")") and not nl.numbering and not lookup(text)):
            current.notes.append(text)
            continue
        current = Logical(text, [], row.where, False, [text])
        out.append(current)
    return out


@dataclass
class CellRead:
    value: object  # int | str (decimal string or the placeholder as printed) | None
    raw: str
    where: str
    flags: tuple[str, ...] = ()


@dataclass
class TableResult:
    cells: dict[str, CellRead] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # cell id → where
    findings: list[dict] = field(default_factory=list)
    tables_seen: dict[str, int] = field(default_factory=dict)  # table key → rows matched
    t2_variants: set[str] = field(default_factory=set)
    repeated_headers: list[str] = field(default_factory=list)
    unknown_rows: list[tuple[str, list[str], str]] = field(default_factory=list)  # (label, cells, where)


def _finding(code, severity, message, cells=(), where=""):
    return {"code": code, "severity": severity, "cells": list(cells), "message": message, "where": where}


@lru_cache(maxsize=65536)
def convert(raw: str, cell_type: F.CellType) -> tuple[object, tuple[str, ...], bool]:
    """(JSON value, flags, readable). Counts become ints; money stays a decimal string; a placeholder is
    kept as printed (flagged, never turned into a number here); blank is None."""
    if _SPLIT_DIGITS.search(raw):
        return None, ("invalid", "split_digits"), False  # "1 8" is 18 or two cells: never join
    parsed = F.parse_cell_value(raw, cell_type)
    flags = tuple(sorted(parsed.flags))
    if "blank" in parsed.flags:
        return None, flags, True
    if "invalid" in parsed.flags or parsed.value is None:
        return None, flags, False
    if "placeholder" in parsed.flags:
        return raw.strip(), flags, True
    if cell_type == F.CellType.MONEY_WAN:
        return _decimal_str(parsed.value), flags, True  # as printed: "7730.28", "0.50"
    if cell_type == F.CellType.MONEY_WITH_UNIT:
        return _decimal_str(parsed.value.normalize()), flags, True  # 25.1万元 → "251000" (元)
    value: Decimal = parsed.value
    if value == value.to_integral_value():
        return int(value), flags, True
    return _decimal_str(value), flags, True


def _decimal_str(value: Decimal) -> str:
    return format(value, "f")


class Recogniser:
    def __init__(self, year: int | None = None):
        self.year = year
        self.result = TableResult()
        self.cursor: dict[str, int] = {}
        self.last_table: str | None = None
        self.t2_variant: str | None = None
        self.t3_centres: dict[str, list[float]] | None = None

    # -- context -------------------------------------------------------------------------------------------
    def _observe_headers(self, logical: Logical) -> None:
        cores = {_norm(t).core for t in logical.texts}
        if cores & T2_2021_HEADERS:
            self.t2_variant = "t2_2021"
        elif cores & T2_2019_HEADERS:
            self.t2_variant = "t2_2019"
        elif not logical.values and len(logical.texts) >= 2:
            heads = {c[:4] for c in cores if 4 <= len(c) <= 16}
            if heads & T2_2021_HEAD_PREFIXES and not heads & T2_2019_HEAD_PREFIXES:
                self.t2_variant = "t2_2021"
            elif heads & T2_2019_HEAD_PREFIXES and not heads & T2_2021_HEAD_PREFIXES:
                self.t2_variant = "t2_2019"
        if {"统计指标", "单位", "统计数"} <= cores and "lg" in self.result.tables_seen:
            self.result.repeated_headers.append(logical.where)

    def _choose(self, entries: list[Entry], nvalues: int) -> Entry | None:
        if not entries:
            return None
        tables = {e.table for e in entries}
        if tables == {"t2_2021", "t2_2019"}:
            wanted = self.t2_variant
            if wanted is None:
                fitting = {e.table for e in entries if len(e.cell_ids) == nvalues}
                wanted = fitting.pop() if len(fitting) == 1 else (
                    "t2_2019" if self.year and self.year in (2019, 2020) else "t2_2021")
            entries = [e for e in entries if e.table == wanted] or entries
        if len({e.table for e in entries}) > 1 and self.last_table in {e.table for e in entries}:
            entries = [e for e in entries if e.table == self.last_table]
        table = entries[0].table
        cursor = self.cursor.get(table, -1)
        after = sorted((e for e in entries if e.order > cursor), key=lambda e: e.order)
        return after[0] if after else entries[0]

    # -- main loop -----------------------------------------------------------------------------------------
    def run(self, logicals: list[Logical]) -> TableResult:
        consumed: set[int] = set()
        pending_blank: dict[Entry, Logical] = {}
        placed_at: tuple[int, Entry, Logical] | None = None  # the last row placed: (logical index, entry, source)
        t4_done = False
        i = 0
        while i < len(logicals):
            lg = logicals[i]
            self._observe_headers(lg)
            cores = {_norm(t).core for t in lg.texts}
            if not t4_done and any("复议后起诉" in c or "直接起诉" in c for c in cores):
                i = self._read_t4(logicals, i)
                t4_done = True
                continue
            if lg.label is None or i in consumed:
                i += 1
                continue
            entries = lookup(lg.label)
            joined_with = None
            if not entries or (not lg.values and i + 1 < len(logicals)):
                # A label broken over lines: join with the label-only rows before it, or the next one.
                for back in (1, 2):
                    if not entries and i - back >= 0 and all(
                            logicals[j].label and not logicals[j].values for j in range(i - back, i)):
                        text = "".join(logicals[j].label for j in range(i - back, i)) + lg.label
                        if lookup(text):
                            entries = lookup(text)
                            break
                if (not lg.values and i + 1 < len(logicals) and logicals[i + 1].label is not None
                        and not lookup(logicals[i + 1].label)):
                    joined = lookup(lg.label + logicals[i + 1].label)
                    if joined:
                        entries, joined_with = joined, i + 1
            if not entries:
                if self._wrapped_tail(lg, placed_at, i):
                    i += 1
                    continue
                if (self.last_table and any(v[0].strip() for v in lg.values) and len(lg.label) <= 60
                        and _norm(lg.label).core not in KNOWN_GROUPS):
                    # §6.1 step 7: a row we have no label for, inside a recognised table, is kept as data.
                    self.result.unknown_rows.append((lg.label, [v[0] for v in lg.values], lg.where))
                i += 1
                continue
            source = logicals[joined_with] if joined_with is not None else lg
            entry = self._choose(entries, len(source.values))
            if joined_with is not None:
                consumed.add(joined_with)
            self.cursor[entry.table] = entry.order
            self.last_table = entry.table
            self.result.tables_seen[entry.table] = self.result.tables_seen.get(entry.table, 0) + 1
            if entry.table.startswith("t2"):
                self.result.t2_variants.add(entry.table)
            if not source.values and not source.structured:
                pending_blank[entry] = source  # blank unless the row turns up again with numbers
            else:
                pending_blank.pop(entry, None)
                self._place(entry, source)
                placed_at = (i if joined_with is None else joined_with, entry, source)
            i += 1
        for entry, source in pending_blank.items():
            if not any(cid in self.result.cells or cid in self.result.unreadable for cid in entry.cell_ids):
                self._place(entry, source)
        self._fix_t3_other()
        return self.result

    def _wrapped_tail(self, lg: Logical, placed_at, i: int) -> bool:
        """PDF: right after a placed row, a line with an unknown, unnumbered label fragment and fewer numbers than
        the row holds is the rest of that row's cells (the label and some numbers wrapped inside their
        cells): the row above is then unreadable, never read from the digits that happen to sit on its line."""
        if placed_at is None or placed_at[0] != i - 1 or not lg.values or lg.values[0][2] is None:
            return False
        _, entry, source = placed_at
        if source.structured or len(lg.values) >= len(entry.cell_ids) or _norm(lg.label).numbering:
            return False
        if _norm(lg.label).core in KNOWN_GROUPS:
            return False
        self._unreadable(entry.cell_ids, source.where,
                         f"“{source.label}”一行的文字和数字在单元格内折行（下一行还有“{lg.label}”"
                         f"{'、'.join(v[0] for v in lg.values)}），无法确定各数所在的列，标为无法读取")
        return True

    def _unreadable(self, cell_ids, where: str, message: str) -> None:
        for cid in cell_ids:
            self.result.unreadable[cid] = where
            self.result.cells.pop(cid, None)
        self.result.findings.append(_finding("IMP-W01", "warning", message, cell_ids, where))

    def _place(self, entry: Entry, source: Logical) -> None:
        n = len(entry.cell_ids)
        values = list(source.values)
        if source.structured and len(values) > n and all(not v[0].strip() for v in values[:len(values) - n]):
            values = values[len(values) - n:]  # a blank unit column or a merged label column before the numbers
        if len(values) != n and values and all(v[2] is not None for v in values) and entry.table == "t3":
            placed = self._place_by_offsets(values, n)
            if placed is not None:
                values = placed
        if not values and not source.structured:
            for cid in entry.cell_ids:
                self.result.cells[cid] = CellRead(None, "", source.where, ("blank",))
                self.result.unreadable.pop(cid, None)
            return
        if len(values) != n:
            self._unreadable(entry.cell_ids, source.where,
                             f"“{source.label}”一行应有{n}个数，读到{len(values)}个，无法确定各数所在的列，标为无法读取")
            return
        for cid, ctype, (raw, where, _) in zip(entry.cell_ids, entry.types, values, strict=True):
            if raw is None:
                self.result.cells[cid] = CellRead(None, "", where, ("blank",))
                continue
            value, flags, readable = convert(raw, ctype)
            if readable:
                self.result.cells[cid] = CellRead(value, raw, where, flags)
                self.result.unreadable.pop(cid, None)
            else:
                self.result.unreadable[cid] = where
                self.result.cells.pop(cid, None)
                self.result.findings.append(_finding("IMP-W01", "warning", f"单元格内容“{raw}”无法识别为数值",
                                                     [cid], where))

    def _place_by_offsets(self, values, n):
        """PDF rows with blank cells: place each number under the column whose centre it sits on, using the
        centres of the complete rows of the same table on the same page (column positions change from page
        to page). Any doubt (no reference, two numbers on one column, a number between columns) → None, and
        the row is reported unreadable."""
        centres = (self.t3_centres or {}).get(_page(values[0][1]))
        if not centres or len(centres) != n:
            return None
        gap = min(b - a for a, b in zip(centres, centres[1:], strict=False)) if n > 1 else 10
        # pypdf's layout lines can be shifted as a whole when a cell is missing, so the numbers are matched
        # by the pattern of their spacing: every shift that puts the first number on some column is tried,
        # and exactly one placement must fit.
        placements = set()
        for k0 in range(n):
            shift = values[0][2] - centres[k0]
            columns = []
            for _, _, offset in values:
                k = min(range(n), key=lambda j: abs(centres[j] + shift - offset))
                if abs(centres[k] + shift - offset) > gap / 3 or k in columns:
                    break
                columns.append(k)
            else:
                placements.add(tuple(columns))
        if len(placements) != 1:
            return None
        columns = placements.pop()
        placed: list = [(None, values[0][1], None)] * n
        for k, value in zip(columns, values, strict=True):
            placed[k] = value
        return placed

    def learn_t3_centres(self, logicals: list[Logical]) -> None:
        full: dict[str, list[Logical]] = {}
        for lg in logicals:
            if (lg.label and len(lg.values) == 7 and all(v[2] is not None for v in lg.values)
                    and any(e.table == "t3" for e in lookup(lg.label))):
                full.setdefault(_page(lg.where), []).append(lg)
        self.t3_centres = {page: [statistics.median(lg.values[k][2] for lg in rows) for k in range(7)]
                           for page, rows in full.items() if len(rows) >= 2}

    def _read_t4(self, logicals: list[Logical], i: int) -> int:
        """表四: header rows, then one data row of 15 numbers. Structured rows keep blanks; in flattened
        text or PDF the 15 numbers must all be present, or the row is unreadable."""
        start = i
        j = i
        while j < len(logicals) and j < i + 12:
            lg = logicals[j]
            cores = [_norm(t).core for t in lg.texts]
            if (lg.label is not None and not all(c in T4_HEADERS or c in HEADER_WORDS for c in cores)
                    and (lookup(lg.label) or lg.values)):
                break  # the next table or prose: no data row under this header
            if lg.values:
                values = lg.values
                if lg.structured and len(values) > 15 and all(not v[0].strip() for v in values[:-15]):
                    values = values[-15:]
                pdf = values[0][2] is not None
                if lg.structured and len(values) == 10:
                    review = _t4_review_part(logicals, start)
                    if review is not None:  # 表四 printed as two tables: 行政复议 (5), then 行政诉讼 (10)
                        values = review + values
                if pdf and j + 1 < len(logicals) and logicals[j + 1].label is None and logicals[j + 1].values:
                    # The data row is one line in a PDF: numbers on the next line are digits wrapped in their cells.
                    self.result.tables_seen["t4"] = 1
                    self._unreadable(T4_CELLS, lg.where, "表四的数字分在多行（数字在单元格内折行），无法确定各数所在的列，"
                                                         "标为无法读取")
                    return j + 2
                if len(values) < 15 and not lg.structured and not lg.label and not pdf:
                    # flattened: the 15 numbers can continue over several lines
                    k = j + 1
                    while len(values) < 15 and k < len(logicals) and logicals[k].label is None:
                        values = values + logicals[k].values
                        k += 1
                    j = k - 1
                self._place_t4(values, lg.where)
                return j + 1
            j += 1
        self.result.findings.append(_finding("IMP-W01", "warning", "找到表四表头，但没有找到数据行", T4_CELLS,
                                             logicals[start].where))
        for cid in T4_CELLS:
            self.result.unreadable[cid] = logicals[start].where
        return start + 1

    def _place_t4(self, values, where) -> None:
        self.result.tables_seen["t4"] = 1
        if len(values) != 15:
            self._unreadable(T4_CELLS, where, f"表四应有15个数，读到{len(values)}个，无法确定各数所在的列，标为无法读取")
            return
        entry = Entry("t4", 0, "t4", tuple(T4_CELLS), tuple(F.CellType.COUNT for _ in T4_CELLS), False)
        self._place(entry, Logical("表四", list(values), where, True))

    def _fix_t3_other(self) -> None:
        """（六）其他处理 is a group in F2021 and a leaf in F2019: with F2021 sub-rows present, a blank
        'other' row was the group label."""
        cells = self.result.cells
        sub = any(k.startswith(("t3.other_no_correction", "t3.other_fee_unpaid", "t3.other_misc")) for k in
                  [*cells, *self.result.unreadable])
        if sub:
            for column in F.T3_COLUMNS:
                cid = f"t3.other.{column.id}"
                if cid in cells and cells[cid].value is None:
                    del cells[cid]


def _t4_review_part(logicals: list[Logical], start: int):
    """表四 split into two printed tables: the 行政复议 table's data row (5 cells, no label) among the few rows
    before the 行政诉讼 header, under a header naming 行政复议. None when there is no such row."""
    for k in range(start - 1, max(start - 5, 0) - 1, -1):
        lg = logicals[k]
        if lg.label is None and lg.structured and len(lg.values) == 5:
            heads = {_norm(t).core for j in range(max(k - 3, 0), k) for t in logicals[j].texts}
            return list(lg.values) if "行政复议" in heads else None
        if lg.values:
            return None
    return None


def _next_line(above: str, below: str) -> bool:
    """PDF positions ("第2页第24行"): `below` is the layout line right after `above` on the same page."""
    a, b = re.fullmatch(r"第(\d+)页第(\d+)行", above), re.fullmatch(r"第(\d+)页第(\d+)行", below)
    return bool(a and b and a[1] == b[1] and int(b[2]) == int(a[2]) + 1)


def _page(where: str) -> str:
    return where.split("页", 1)[0] if "页" in where else ""


def recognise(doc: Document, year: int | None = None) -> TableResult:
    logicals = assemble(doc.rows)
    recogniser = Recogniser(year)
    if doc.kind == "pdf":
        recogniser.learn_t3_centres(logicals)
    return recogniser.run(logicals)
