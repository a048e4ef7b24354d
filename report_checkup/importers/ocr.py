"""Scanned reports: OCR of image-only PDF pages and of page images (PNG/JPEG), with the table grid found from
the ruling lines of the page image, so that every recognised word lands in the cell whose box holds it.

- The page is rendered by `pdftoppm` (Debian poppler-utils: it decodes every image codec scanned PDFs use,
  JBIG2 and CCITT included) at `GONGKAI_OCR_DPI`, in a child process with the file's time budget.
- Ruling lines: a long run of dark pixels (horizontal ≥ half an inch, vertical ≥ 12 pt at the page's
  resolution) is a line; numpy only (running sums along rows and columns, i.e. a morphological opening).
  Horizontal and vertical lines make the elementary grid; two neighbouring grid boxes with no line between them
  are one merged cell. The cells become rows of cell strings, merged cells expanded as for HTML
  (`readers.expand_grid`), for the one label-driven recogniser (`tables.py`).
- Words: Tesseract (Debian tesseract-ocr + tesseract-ocr-chi-sim) run once per page over the crops of all the
  cells (a list of image files, one "page" per cell, `--psm 6`), TSV output with each word's confidence;
  then once over the page with the tables blanked out, for the title and the prose.
- Confidence: a cell's confidence is the lowest of its words'. A cell that reads as a number with a confidence
  below `GONGKAI_OCR_MIN_CONFIDENCE` is replaced by `LOW_CONFIDENCE` (no digits), which the recogniser
  reports as unreadable: never a guessed number. Every number kept carries its confidence
  (`Document.confidence`, then `cell_sources[cid]["confidence"]`).

Tesseract and pdftoppm run as subprocesses (no Python wrapper package: pytesseract would only build the same
command line); when either is missing the page is reported unreadable with the reason (`available()`)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from . import ocr_cells, tables
from .document import Document

DEFAULT_DPI = 200  # measured best and cheapest of 150/200/300 on the scanned corpus (docs/benchmarks.md)
DEFAULT_MIN_CONFIDENCE = 80
LOW_CONFIDENCE = "〔识别不清〕"  # a text cell with ink and nothing read: no label, its row is not matched
# A number cell not read with confidence: a value slot (the replacement character makes it one for the
# recogniser, as for undecodable PDF text), so the row keeps its other cells and this one is 未能读取.
UNREAD_NUMBER = "〔识别不清〕\ufffd"
MAX_PIXELS = 40_000_000  # a page image beyond this (e.g. 600 dpi A3) is scaled down before OCR
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff（）]")
_JUNK = {"|", "丨", "｜", "I", "l", "i", "_", "!", "'", "\"", ".", ",", "、", "·"}
# Brackets chi_sim reads for the full-width parentheses of the labels (（二）部分公开〈区分处理的…〉).
# A label's numbering with its dot lost or read as a comma ("1属于国家秘密", "3,补正后…", "了.属于…"): 1. 3. 7.
_LABEL_NUMBER = re.compile(r"^([1-9了])(?:[.,，、]|(?=[\u4e00-\u9fff]))(?=[\u4e00-\u9fff])")
_LABEL_MARKS = str.maketrans({"〈": "（", "〉": "）", "《": "（", "》": "）", "【": "（", "】": "）"})
# A bracketed numbering with a bracket lost or doubled ("（七总计", "（一)）予以公开"), and a speck read as a
# character before a numbering digit ("人6属于四类过程性信息"): the numbering as printed, nothing else changed.
_BRACKET_NUMBER = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,2})\s*[)）]*\s*(?=[\u4e00-\u9fff])")
_STRAY_BEFORE_NUMBER = re.compile(r"^[\u4e00-\u9fff](?=[1-9][.,，、]?[\u4e00-\u9fff])")


def _setting(name: str, default):
    try:
        return type(default)(getattr(settings, name, default))
    except Exception:  # noqa: BLE001 - settings not configured (a bench script): the documented default
        return default


def min_confidence() -> int:
    return _setting("GONGKAI_OCR_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE)


def dpi() -> int:
    return _setting("GONGKAI_OCR_DPI", DEFAULT_DPI)


def page_seconds() -> int:
    """Time for the OCR of one page (rendering, two Tesseract runs); the file's outer wall is limits.py's."""
    return _setting("GONGKAI_OCR_PAGE_SECONDS", 30)


@lru_cache(maxsize=1)
def available() -> str:
    """"" when OCR can run, else the reason in Chinese."""
    tesseract = shutil.which("tesseract")
    if not tesseract:
        return "本机未安装 Tesseract（tesseract-ocr），无法识别扫描件"
    try:
        langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, timeout=20,  # noqa: S603
                               check=False).stdout.decode("utf-8", "replace").split()
    except (OSError, subprocess.SubprocessError):
        return "Tesseract 无法运行，无法识别扫描件"
    if "chi_sim" not in langs:
        return "本机未安装 Tesseract 简体中文语言包（tesseract-ocr-chi-sim），无法识别扫描件"
    if not shutil.which("pdftoppm"):
        return "本机未安装 pdftoppm（poppler-utils），无法把扫描页转为图像"
    return ""


class OcrStopped(Exception):
    """Time ran out or a tool failed; the message is for the finding."""


# --- page images ------------------------------------------------------------------------------------------

def render_pdf_page(data: bytes, page: int, resolution: int, seconds: float):
    """Page `page` (from 1) as a greyscale PIL image, rendered by pdftoppm in a child process."""
    # lazy: Pillow (~3 MB) only when a scan is read (the web process may never read one)
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="gongkai-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(resolution), "-gray", "-png",  # noqa: S603, S607
                            "-singlefile", str(source), str(Path(tmp) / "page")],
                           capture_output=True, timeout=max(seconds, 1), check=True)
        except subprocess.TimeoutExpired as error:
            raise OcrStopped(f"第{page}页转为图像超过{max(seconds, 1):g}秒") from error
        except (OSError, subprocess.CalledProcessError) as error:
            raise OcrStopped(f"第{page}页无法转为图像") from error
        image = Image.open(Path(tmp) / "page.png")
        image.load()
        return image.convert("L")


def open_image(data: bytes):
    """A PNG/JPEG page image as a greyscale PIL image, scaled down beyond MAX_PIXELS."""
    # lazy: Pillow (~3 MB) only when a scan is read (the web process may never read one)
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = 4 * MAX_PIXELS  # a decompression bomb raises before decoding
    image = Image.open(io.BytesIO(data))
    image.load()
    image = image.convert("L")
    if image.width * image.height > MAX_PIXELS:
        scale = (MAX_PIXELS / (image.width * image.height)) ** 0.5
        image = image.resize((int(image.width * scale), int(image.height * scale)))
    return image


# --- the table grid ---------------------------------------------------------------------------------------

@dataclass
class Cell:
    r0: int
    c0: int
    r1: int  # exclusive
    c1: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels
    text: str = ""
    confidence: float | None = None


@dataclass
class Grid:
    ys: list[int]
    xs: list[int]
    cells: list[Cell] = field(default_factory=list)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def _opening(dark, length: int, axis: int):
    """Pixels on a run of at least `length` dark pixels along `axis` (erosion then dilation by running sums)."""
    # lazy: numpy (~16 MB, ~0.15 s) only when a scan is read (the web process may never read one)
    import numpy as np

    a = dark if axis == 1 else dark.T
    h, w = a.shape
    if length >= w:
        return np.zeros_like(dark)
    s = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(a, axis=1, out=s[:, 1:])
    eroded = (s[:, length:] - s[:, :-length]) == length  # run of `length` starting at column j
    e = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(np.pad(eroded, ((0, 0), (0, length - 1))), axis=1, out=e[:, 1:])
    # pixel j is covered when any run start in [j - length + 1, j] is set
    idx = np.arange(w)
    lo = np.clip(idx - length + 1, 0, None)
    covered = (e[:, idx + 1] - e[:, lo]) > 0
    return covered if axis == 1 else covered.T


def _grow(mask, pixels: int):
    """The mask grown by `pixels` in every direction."""
    # lazy: numpy (~16 MB, ~0.15 s) only when a scan is read (the web process may never read one)
    import numpy as np

    out = mask.copy()
    for dy in range(-pixels, pixels + 1):
        for dx in range(-pixels, pixels + 1):
            out |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return out


def _lines(mask, axis: int, min_length: int) -> list[tuple[int, int, int]]:
    """Line segments of a one-direction mask: (centre, start, end) — centre across the line, extent along it.
    Bands of adjacent rows (columns) are cut into their runs: two tables one above the other, or the strokes
    of characters in one column of text, are separate segments, each at least `min_length` long."""
    # lazy: numpy (~16 MB, ~0.15 s) only when a scan is read (the web process may never read one)
    import numpy as np

    counts = mask.sum(axis=1 if axis == 1 else 0)
    rows = np.nonzero(counts >= min_length)[0]
    out = []
    if rows.size == 0:
        return out
    for g in np.split(rows, np.nonzero(np.diff(rows) > 2)[0] + 1):
        band = mask[g[0]:g[-1] + 1, :] if axis == 1 else mask[:, g[0]:g[-1] + 1]
        along = np.nonzero(band.any(axis=0 if axis == 1 else 1))[0]
        for run in np.split(along, np.nonzero(np.diff(along) > 3)[0] + 1):
            if run.size and run[-1] - run[0] + 1 >= min_length:
                out.append((int((g[0] + g[-1]) // 2), int(run[0]), int(run[-1])))
    return out


def find_grids(gray, resolution: int = DEFAULT_DPI) -> tuple[list[Grid], object, object]:
    """The ruled tables of a page image: (grids, horizontal-line mask, vertical-line mask)."""
    # lazy: numpy (~16 MB, ~0.15 s) only when a scan is read (the web process may never read one)
    import numpy as np

    dark = np.asarray(gray) < 140
    h_len = max(resolution // 2, 20)
    v_len = max(resolution * 12 // 72, 12)
    hmask = _opening(dark, h_len, 1)
    vmask = _opening(dark, v_len, 0)
    hlines = _lines(hmask, 1, h_len)
    tol = max(resolution // 50, 3)
    vlines = _lines(vmask, 0, v_len)
    # A table broken across pages has no line where the page cuts it: where three or more vertical lines that
    # meet a horizontal line at one end stop at the same height, that height closes the table; so does a
    # horizontal line at that height which does not reach them (the bottom line of the last complete row of
    # the right-hand columns, when the label columns on the left run on over the page break).
    for end in (1, 2):
        other = 3 - end
        ends = sorted(v[end] for v in vlines if _meets(hlines, v[0], v[other], tol) and not _meets(hlines, v[0], v[end], tol))
        for group in _clusters(ends, tol):
            y = group[len(group) // 2]
            level = [(s, e) for hy, s, e in hlines if abs(hy - y) <= tol]
            if len(group) >= 3 or level:
                xs_ = [v[0] for v in vlines if abs(v[end] - y) <= tol] + [x for se in level for x in se]
                hlines.append((y, min(xs_), max(xs_)))
    # A ruling line meets a horizontal line at both ends; a stroke of a character (丨 in a heading) does not.
    vlines = [(x, s, e) for x, s, e in vlines if _meets(hlines, x, s, tol) and _meets(hlines, x, e, tol)]
    hlines = [(y, s, e) for y, s, e in hlines if sum(1 for x, vs, ve in vlines
                                                    if s - tol <= x <= e + tol and vs - tol <= y <= ve + tol) >= 2]
    # Tables: vertical extents of the vertical lines, merged; each with at least two horizontal lines.
    spans = sorted((s, e) for _, s, e in vlines)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + tol:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    grids = []
    for top, bottom in merged:
        gap = max(resolution * 8 // 72, 6)  # no row or column is narrower than 8 pt
        ys = _dedupe([y for y, s, e in hlines if top - tol <= y <= bottom + tol], gap)
        inside = [(x, s, e) for x, s, e in vlines if s >= top - tol and e <= bottom + tol]
        xs = _dedupe([x for x, _, _ in inside], gap)
        if len(ys) < 2 or len(xs) < 2:
            continue
        grid = Grid(ys, xs)
        _merge_cells(grid, hmask, vmask, tol)
        grids.append(grid)
    return grids, hmask, vmask


def _clusters(values: list[int], gap: int) -> list[list[int]]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= gap:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _meets(hlines, x: int, y: int, tol: int) -> bool:
    return any(abs(hy - y) <= tol and hs - tol <= x <= he + tol for hy, hs, he in hlines)


def _dedupe(values: list[int], gap: int = 6) -> list[int]:
    out: list[int] = []
    for v in sorted(values):
        if out and v - out[-1] <= gap:
            out[-1] = (out[-1] + v) // 2
        else:
            out.append(v)
    return out


def _merge_cells(grid: Grid, hmask, vmask, tol: int) -> None:
    """Elementary boxes joined where no ruling line separates them (merged cells), by union-find."""
    ys, xs = grid.ys, grid.xs
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a, b):
        parent[find(a)] = find(b)

    def covered(mask, fixed, a, b, vertical) -> bool:
        pad = max((b - a) // 8, 1)
        lo, hi = a + pad, b - pad
        if hi <= lo:
            return True
        band = mask[lo:hi, max(fixed - tol, 0):fixed + tol + 1] if vertical else \
            mask[max(fixed - tol, 0):fixed + tol + 1, lo:hi]
        hits = band.any(axis=1 if vertical else 0)
        return hits.mean() >= 0.6

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not covered(vmask, xs[c + 1], ys[r], ys[r + 1], True):
                union(r * cols + c, r * cols + c + 1)
            if r + 1 < rows and not covered(hmask, ys[r + 1], xs[c], xs[c + 1], False):
                union(r * cols + c, (r + 1) * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    for members in groups.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members) + 1
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members) + 1
        grid.cells.append(Cell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1], ys[r1])))
    grid.cells.sort(key=lambda cell: (cell.r0, cell.c0))


def grid_rows(grid: Grid) -> list[list[tuple[str, int, int]]]:
    """The grid as raw rows of (text, rowspan, colspan), the form `readers.expand_grid` takes for HTML. Cells
    covered by a bigger (non-rectangular) group are dropped rather than guessed."""
    rows: list[list[tuple[str, int, int]]] = [[] for _ in range(len(grid.ys) - 1)]
    taken: set[tuple[int, int]] = set()
    for cell in grid.cells:
        spots = {(r, c) for r in range(cell.r0, cell.r1) for c in range(cell.c0, cell.c1)}
        if spots & taken:
            continue
        taken |= spots
        rows[cell.r0].append((cell.text, cell.r1 - cell.r0, cell.c1 - cell.c0))
    return rows


# --- Tesseract --------------------------------------------------------------------------------------------

@dataclass
class Word:
    image: int  # which image of the run (from 0)
    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int
    confidence: float
    text: str


def tesseract(images: list, seconds: float, psm: int = 6, lang: str = "chi_sim", options: tuple = ()) -> list[Word]:
    """One Tesseract run over `images` (PIL), TSV: every word with its box and confidence."""
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="gongkai-ocr-") as tmp:
        names = []
        for i, image in enumerate(images):
            name = Path(tmp) / f"{i:05d}.png"
            image.save(name)
            names.append(str(name))
        listing = Path(tmp) / "list.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        try:
            done = subprocess.run(["tesseract", str(listing), "stdout", "-l", lang, "--psm", str(psm),  # noqa: S603, S607
                                   "-c", "preserve_interword_spaces=1", *options, "tsv"],
                                  capture_output=True, timeout=max(seconds, 1), check=False,
                                  env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
        except subprocess.TimeoutExpired as error:
            raise OcrStopped(f"文字识别超过{max(seconds, 1):g}秒") from error
        except OSError as error:
            raise OcrStopped("Tesseract 无法运行") from error
    words = []
    for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        try:
            words.append(Word(int(parts[1]) - 1, int(parts[2]), int(parts[3]), int(parts[4]), int(parts[6]),
                              int(parts[7]), int(parts[8]), int(parts[9]), float(parts[10]), parts[11].strip()))
        except ValueError:
            continue
    return words


def join_words(words: list[Word]) -> str:
    """Words of one line in reading order: no space between CJK characters (chi_sim splits them), one space
    elsewhere, so that "1 8" stays two numbers and is reported unreadable, never joined."""
    out = ""
    for w in sorted(words, key=lambda w: w.left):
        text = unicodedata.normalize("NFKC", w.text)
        if out and not (_CJK.search(out[-1]) or _CJK.search(text[0])):
            out += " "
        out += text
    return out


def _lines_of(words: list[Word]) -> list[list[Word]]:
    lines: dict[tuple[int, int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault((w.image, w.block, w.par, w.line), []).append(w)
    return sorted(lines.values(), key=lambda ws: (ws[0].image, min(w.top for w in ws), min(w.left for w in ws)))


# --- one page ---------------------------------------------------------------------------------------------

@dataclass
class PageRead:
    lines: list[str] = field(default_factory=list)  # text outside the tables, in reading order
    grids: list[Grid] = field(default_factory=list)
    low_confidence: int = 0  # cells not read with confidence (unreadable)
    repaired_labels: int = 0  # row labels read as the known label one misread character away (ocr_cells)


def read_page(gray, resolution: int, seconds: float, threshold: float | None = None) -> PageRead:
    """OCR of one page image: the tables cell by cell, then the rest of the page."""
    # lazy: numpy (~16 MB, ~0.15 s) and Pillow (~3 MB) only when a scan is read
    import numpy as np
    from PIL import Image

    started = time.monotonic()
    threshold = min_confidence() if threshold is None else threshold
    grids, hmask, vmask = find_grids(gray, resolution)
    pixels = np.asarray(gray).copy()
    # Ruling lines erased with their anti-aliased edges (the mask grown by 2 px), and the page made black and
    # white: a grey remnant of a column line beside a 0 is read as "10" otherwise. The grey page (lines erased)
    # is kept for the digits-only pass.
    lines = _grow(hmask | vmask, 2)
    grey = pixels.copy()
    grey[lines] = 255
    pixels = np.where(pixels < 160, 0, 255).astype(np.uint8)
    pixels[lines] = 255
    clean = Image.fromarray(pixels)
    inset = max(resolution // 50, 3)
    crops, owners, regions = [], [], []
    for grid in grids:
        for cell in grid.cells:
            x0, y0, x1, y1 = cell.box
            box = (x0 + inset, y0 + inset, x1 - inset, y1 - inset)
            if box[2] - box[0] < 4 or box[3] - box[1] < 4:
                continue
            region = pixels[box[1]:box[3], box[0]:box[2]]
            if int((region < 140).sum()) < max(8, (resolution // 40) ** 2):
                continue  # blank cell (a speck of dust is not a number)
            crop = Image.new("L", (box[2] - box[0] + 2 * inset + 20, box[3] - box[1] + 2 * inset + 20), 255)
            crop.paste(clean.crop(box), (inset + 10, inset + 10))
            crops.append(crop)
            owners.append(cell)
            regions.append(grey[box[1]:box[3], box[0]:box[2]])
    left = seconds - (time.monotonic() - started)
    if left <= 0:
        raise OcrStopped("文字识别超过限定时间")
    words = tesseract(crops, left, psm=6)
    by_image: dict[int, list[Word]] = {}
    for w in words:
        by_image.setdefault(w.image, []).append(w)
    page = PageRead(grids=grids)
    for i, cell in enumerate(owners):
        ws = by_image.get(i, [])
        cell.text = "\n".join(join_words(line) for line in _lines_of(ws))
        cell.confidence = min((w.confidence for w in ws), default=None)
    # Cells without Chinese (numbers, or nothing read) again with the digits-only model, two images each
    # (ocr_cells): a number is kept only when the readings agree at or above the threshold.
    again = [i for i, cell in enumerate(owners) if ocr_cells.may_be_number(cell.text)]
    images = {i: ocr_cells.digit_images(regions[i]) for i in again}
    batch = [(i, k, image) for i in again for k, image in enumerate(images[i])]
    left = seconds - (time.monotonic() - started)
    if batch and left <= 0:
        raise OcrStopped("文字识别超过限定时间")
    digits = tesseract([image for _, _, image in batch], left, psm=7, lang="eng",
                       options=ocr_cells.DIGIT_OPTIONS) if batch else []
    by_digit: dict[int, list[Word]] = {}
    for w in digits:
        by_digit.setdefault(w.image, []).append(w)
    readings: dict[int, list[tuple[str, float | None]]] = {i: [] for i in again}
    for n, (i, _, _) in enumerate(batch):
        ws = by_digit.get(n, [])
        readings[i].append((join_words(ws), min((w.confidence for w in ws), default=None)))
    blank, undecided = set(), []
    for i in again:
        cell = owners[i]
        if cell.text.strip() in _JUNK and not any(text for text, _ in readings[i]):
            cell.text = ""  # the rest of a ruling line or a speck read as 丨 | I: no content
            blank.add(i)
            continue
        decided = ocr_cells.decide_number(cell.text, readings[i], threshold)
        if decided:
            cell.text, cell.confidence = decided
        else:
            undecided.append(i)
    # A cell whose readings disagree only on how many digits it has: its ink width, measured in the page's
    # digits (fitted on the cells read above), decides between them — or it stays unreadable.
    ratios = {i: ocr_cells.ink_ratio(regions[i]) for i in again}
    fit = ocr_cells.digit_fit([(len(owners[i].text), ratios[i]) for i in again
                               if i not in blank and i not in undecided and owners[i].text.isdigit()
                               and ratios[i] is not None])
    for i in undecided:
        digits = (ratios[i] - fit[1]) / fit[0] if fit and ratios[i] is not None else None
        decided = ocr_cells.decide_number(owners[i].text, readings[i], threshold, digits)
        owners[i].text, owners[i].confidence = decided if decided else (UNREAD_NUMBER, None)
    for i, cell in enumerate(owners):
        if cell.text == UNREAD_NUMBER or i in blank:
            continue
        cell.text = label_numbering(cell.text)
        label = ocr_cells.known_label(cell.text)
        if label:
            cell.text = label
            page.repaired_labels += 1
        if not cell.text.strip():
            cell.text = LOW_CONFIDENCE  # ink without a word read: unreadable, never blank
    page.low_confidence = sum(1 for cell in owners if cell.text in (LOW_CONFIDENCE, UNREAD_NUMBER))
    # The rest of the page: tables blanked out.
    for grid in grids:
        x0, y0, x1, y1 = grid.box
        pixels[max(y0 - inset, 0):y1 + inset, max(x0 - inset, 0):x1 + inset] = 255
    left = seconds - (time.monotonic() - started)
    if left <= 0:
        raise OcrStopped("文字识别超过限定时间")
    rest = tesseract([Image.fromarray(pixels)], left, psm=4)
    page.lines = [join_words(line) for line in _lines_of(rest) if join_words(line).strip()]
    page.lines = [re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", t) for t in page.lines]
    return page


def label_numbering(text: str) -> str:
    """An OCR'd cell with the numbering of a row label as printed: brackets unified, a lost or doubled bracket
    and a lost dot restored, a speck before the number dropped; the words are not touched."""
    text = _STRAY_BEFORE_NUMBER.sub("", text.translate(_LABEL_MARKS))
    text = _BRACKET_NUMBER.sub(lambda m: f"（{m.group(1)}）", text)
    return _LABEL_NUMBER.sub(lambda m: {"了": "7"}.get(m.group(1), m.group(1)) + ".", text)


def add_page(doc: Document, page: PageRead, number: int, first_table: int) -> int:
    """The page's text and tables into `doc` (tables numbered from `first_table`); returns the next number.
    Tables come after the page's other text: a scanned report's tables sit under their section heading,
    and the recogniser needs only the rows' order within a table."""
    from .readers import _add_tables, expand_grid  # cycle: readers dispatches image-only pages here

    prefix = f"第{number}页（扫描件识别）"
    # Text outside the ruled tables is prose and titles only, never table rows: a row label found there (its
    # table's lines missed) has no cells to read, and a flattened-text row without numbers would read as blank.
    for n, text in enumerate(page.lines, start=1):
        doc.lines.append((text, f"{prefix}第{n}行"))
    t = first_table
    for grid in page.grids:
        rows_from, lines_from = len(doc.rows), len(doc.lines)
        _add_tables(doc, [expand_grid(grid_rows(grid))], start=t)
        for row in doc.rows[rows_from:]:
            row.where = f"{prefix}{row.where}"
        doc.lines[lines_from:] = [(text, f"{prefix}{where}") for text, where in doc.lines[lines_from:]]
        for cell in grid.cells:
            if cell.confidence is not None and cell.text and cell.text not in (LOW_CONFIDENCE, UNREAD_NUMBER):
                key = re.sub(r"\s+", " ", cell.text).strip()
                doc.confidence[key] = min(doc.confidence.get(key, 100.0), round(cell.confidence, 1))
        t += 1
    return t


def read_scanned_pages(data: bytes, pages: list[int], doc: Document, seconds: float) -> None:
    """OCR of the image-only pages `pages` of a PDF into `doc`, with a finding per page that says so."""
    from .readers import _finding  # cycle: readers dispatches image-only pages here

    reason = available()
    if reason:
        doc.findings.append(_finding("IMP-W13", "warning", f"第{'、'.join(map(str, pages))}页只有图像（扫描件）：{reason}", ""))
        return
    started = time.monotonic()
    seconds = max(seconds, page_seconds() * len(pages))  # the text reader's budget is for text, not OCR
    resolution = dpi()
    table_no = 1 + sum(1 for r in doc.rows if r.structured and r.where.endswith("第1行"))
    pending: tuple[int, PageRead] | None = None  # a page is added once the next one is read (join_rows)
    for p in pages:
        left = seconds - (time.monotonic() - started)
        try:
            if left <= 0:
                raise OcrStopped("已用完限定时间")
            gray = render_pdf_page(data, p, resolution, left)
            page = read_page(gray, resolution, seconds - (time.monotonic() - started))
        except OcrStopped as stopped:
            if pending:
                table_no = add_page(doc, pending[1], pending[0], table_no)
                doc.findings.append(_scan_note(*pending))
                pending = None
            doc.findings.append(_finding("IMP-W13", "warning", f"第{p}页为扫描件，未能识别：{stopped}", f"第{p}页"))
            continue
        if pending:
            if pending[0] == p - 1 and pending[1].grids and page.grids:
                join_rows(pending[1].grids[-1], page.grids[0], max(resolution // 50, 3))
            table_no = add_page(doc, pending[1], pending[0], table_no)
            doc.findings.append(_scan_note(*pending))
        pending = (p, page)
    if pending:
        table_no = add_page(doc, pending[1], pending[0], table_no)
        doc.findings.append(_scan_note(*pending))


def join_rows(above: Grid, below: Grid, tol: int) -> bool:
    """A table row cut by the page break: the next page's table begins with the rest of the labels of the last
    row (its number cells blank), as in "1.属于国" / "家秘密". The rest is appended to the labels above and
    that row removed. Only between tables with the same columns, and only when the first row below has
    text without digits and at least half of its cells blank (a repeated header row has no blank cells)."""
    if len(above.xs) != len(below.xs) or any(abs(a - b) > 2 * tol for a, b in zip(above.xs, below.xs, strict=True)):
        return False
    first = [c for c in below.cells if c.r0 == 0]
    texts = [c for c in first if c.text.strip()]
    if not texts or 2 * len(texts) > len(first) or any(re.search(r"\d", c.text) or c.text in (
            LOW_CONFIDENCE, UNREAD_NUMBER) or not _CJK.search(c.text) for c in texts):
        return False
    last = len(above.ys) - 2
    targets = []
    for cell in texts:
        target = [c for c in above.cells if c.r1 - 1 == last and (c.c0, c.c1) == (cell.c0, cell.c1)]
        if len(target) != 1:
            return False
        targets.append(target[0])
    # The row label (the rightmost text) is a known label only with its rest: a row of its own below (blank
    # cells meaning zero) is never joined to a complete label above.
    label, rest = max(zip(targets, texts, strict=True), key=lambda pair: pair[0].c0)
    if tables.lookup(label.text) or not tables.lookup(f"{label.text}{rest.text}"):
        return False
    for target, cell in zip(targets, texts, strict=True):
        target.text = f"{target.text}\n{cell.text}"
    moved = {id(cell) for cell in texts}
    below.cells = [c for c in below.cells if not (c.r0 == 0 and c.r1 == 1)]
    for cell in below.cells:
        if id(cell) in moved:
            cell.text = ""  # a group label spanning on below: its text went to the row above
        cell.r0, cell.r1 = max(cell.r0 - 1, 0), cell.r1 - 1
    below.ys = below.ys[1:]
    return True


def _scan_note(p: int, page: PageRead) -> dict:
    from .readers import _finding  # cycle: readers dispatches image-only pages here

    low = (f"；{page.low_confidence}个单元格未能可靠识别（识别置信度低于{min_confidence()}，或几次识别结果不一致），"
           "按未能读取处理") if page.low_confidence else ""
    repaired = (f"；{page.repaired_labels}个行标签有个别字识别有误，按最接近的标准标签读取"
                if page.repaired_labels else "")
    return _finding("IMP-I14", "info", f"第{p}页为扫描件，已用文字识别（OCR）读取，表格{len(page.grids)}个{low}{repaired}",
                    f"第{p}页")


def read_image(data: bytes, seconds: float) -> Document:
    """A report page saved as an image (PNG/JPEG): OCR as for a scanned PDF page."""
    from .readers import PdfUnreadable  # cycle: readers dispatches image files here

    doc = Document("image")
    reason = available()
    if reason:
        raise PdfUnreadable(reason)
    try:
        gray = open_image(data)
        if min(gray.width, gray.height) < 100:
            raise OcrStopped("图像太小，无法识别")
        resolution = _guess_resolution(gray)
        page = read_page(gray, resolution, max(seconds, page_seconds()))
    except OcrStopped as stopped:
        raise PdfUnreadable(f"图像未能识别：{stopped}") from stopped
    except (OSError, ValueError) as error:  # PIL: a damaged or truncated image, a decompression bomb
        raise PdfUnreadable("图像已损坏或过大，无法打开") from error
    if not page.lines and not page.grids:
        raise PdfUnreadable("图像中没有识别出文字（不是报告页面，或分辨率过低）")
    add_page(doc, page, 1, 1)
    doc.findings.append(_scan_note(1, page))
    return doc


def _guess_resolution(gray) -> int:
    """An image has no page size: take it for an A4 page (portrait or landscape) to scale the line lengths."""
    short = min(gray.width, gray.height)
    return max(72, min(600, round(short / 8.27)))
