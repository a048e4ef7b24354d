"""Scanned reports, cell by cell (issue 17 §2): how `ocr.py` reads the numbers of a ruled table and repairs
row labels misread by the OCR, without ever guessing a number.

Numbers. A cell whose first (chi_sim) reading has no Chinese is read again with the digits-only model
(`eng`, `--psm 7`, whitelist 0-9 . , - %) on two images prepared differently from the same pixels
(`digit_images`): the ink's bounding box inside the ruling lines, scaled to an ink height of 28 px in grey and
to 32 px black-and-white, each with a white border (the LSTM drops a leading digit of a short number when the
image is cut tight: "50" read as "0" at 96 % confidence). Measured on the five scanned corpus reports (871 number
cells, 200 dpi): each image alone reads 859–863 right with 0–1 wrong at confidence 80; requiring both readings
to agree, both at or above the threshold, and the chi_sim reading (when it is a number) to agree as well reads
851 with 0 wrong (`decide_number`). Anything else is unreadable — never a guessed number.

Labels. chi_sim misreads a few characters of the printed row labels (逾期 → 斋期/送期/广期, 案卷 → 案逢, 1. → 工)
and the recogniser (tables.py) matches labels exactly, so the whole row would be lost. `known_label` takes an
OCR'd label that matches no label to the one label of the formats (report_formats.formats) it is nearest to by
edit distance, only when that label is long (≥ 6 characters), the distance is small (1 per 8 characters,
at least 1) and every other known text — row labels, group labels, column headers — is at least 3 edits
further: one character misread, not another row."""

from __future__ import annotations

import re
from functools import lru_cache

from report_formats import formats as F

from . import tables

DIGIT_OPTIONS = ("-c", "tessedit_char_whitelist=0123456789.,-%")
NUMBER = re.compile(r"^[-+]?[\d,.]+%?$")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Characters chi_sim reads for a lone 1 or 7 in a number cell ("工3" for 13, "了13" for 713 or 13): not text.
_DIGIT_LOOKALIKES = str.maketrans("", "", "工了丁丨一")
INK = 140  # grey level below which a pixel is ink
_SIZES = ((28, False), (32, True))  # (ink height in px, black-and-white): the two images of a number cell
MIN_LABEL = 6
GAP = 3


def may_be_number(first_reading: str) -> bool:
    """A cell read again as a number: its chi_sim reading has no Chinese besides digit look-alikes, or is one or
    two characters that are no word of the tables (chi_sim reads 21 as 刀): units (件, 万元) and short
    headers or labels (总计, 其他, 规章) stay text."""
    text = re.sub(r"\s+", "", first_reading)
    if not _HAN.search(text.translate(_DIGIT_LOOKALIKES)):
        return True
    return len(text) <= 2 and text not in _short_words()


@lru_cache(maxsize=1)
def _short_words() -> frozenset[str]:

    rows, others = _vocabulary()
    labels = {
        F.normalise_label(row.label).core
        for spec in (F.T2_2021, F.T2_2019, F.T3_2021, F.T3_2019, F.LG, F.FJ)
        for row in spec.rows
    }
    return frozenset(w for w in (*labels, *others, *tables.UNITS) if len(w) <= 3)


def digit_images(region) -> list:
    """The two images of one number cell for the digits-only pass, from `region` (greyscale numpy array,
    the cell inside its ruling lines, lines erased); [] when it has no ink."""
    # lazy: numpy (~16 MB, ~0.15 s) and Pillow (~3 MB) only when a scan is read
    import numpy as np
    from PIL import Image

    ys, xs = np.nonzero(region < INK)
    if ys.size == 0:
        return []
    ink = region[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    out = []
    for height, bw in _SIZES:
        scale = height / ink.shape[0]
        image = Image.fromarray(ink).resize((max(1, round(ink.shape[1] * scale)), height), Image.LANCZOS)
        if bw:
            image = Image.fromarray(np.where(np.asarray(image) < 160, 0, 255).astype(np.uint8))
        pad_x, pad_y = 2 * height, height if not bw else height // 2
        framed = Image.new("L", (image.width + 2 * pad_x, image.height + 2 * pad_y), 255)
        framed.paste(image, (pad_x, pad_y))
        out.append(framed)
    return out


def ink_ratio(region) -> float | None:
    """Width over height of the ink of a number cell (`region` as for `digit_images`), None without ink."""
    # lazy: numpy (~16 MB, ~0.15 s) only when a scan is read
    import numpy as np

    ys, xs = np.nonzero(region < INK)
    if ys.size == 0:
        return None
    return float(xs.max() - xs.min() + 1) / float(ys.max() - ys.min() + 1)


def digit_fit(samples: list[tuple[int, float]]) -> tuple[float, float] | None:
    """(advance, offset) of the page's digits — ink width / ink height ≈ advance × digits + offset — fitted on
    the number cells already read (`samples`: (digits, ink_ratio)); None unless at least 8 cells of at least two
    lengths fit with no cell off by more than 0.3 of a digit (tabular digits: "1" as wide as "8"), the window
    decide_number accepts a length in (a number one digit longer or shorter is then at least 0.7 away)."""
    if len(samples) < 8 or len({n for n, _ in samples}) < 2:
        return None
    count = len(samples)
    mean_n = sum(n for n, _ in samples) / count
    mean_r = sum(r for _, r in samples) / count
    var = sum((n - mean_n) ** 2 for n, _ in samples)
    advance = sum((n - mean_n) * (r - mean_r) for n, r in samples) / var
    if advance <= 0.2:
        return None
    offset = mean_r - advance * mean_n
    if any(abs((r - offset) / advance - n) > 0.3 for n, r in samples):
        return None
    return advance, offset


def decide_number(
    first: str, readings: list[tuple[str, float | None]], threshold: float, digits: float | None = None
) -> tuple[str, float] | None:
    """(text, confidence) of a number cell, or None (unreadable): every digits-only reading the same number at
    or above `threshold`, and the chi_sim reading `first` — when it is a number — the same too. Failing that,
    when the width of the ink says how many digits the cell holds (`digits`: its ink_ratio measured by the
    page's digit_fit), a reading that only drops or doubles a digit (a "1" in some fonts: 17 read as 7, 21 as
    2, 111 as 11) is outvoted: the confident readings (at or above `threshold`) are one number whose length is
    within 0.3 of `digits`, a second reading (digits-only or chi_sim) says the same, and every other reading
    is a number at least 0.7 of a digit away from that width (or nothing)."""
    texts = {re.sub(r"\s+", "", text) for text, _ in readings}
    if len(readings) < len(_SIZES) or len(texts) != 1:
        return _by_width(first, readings, threshold, digits)
    text = texts.pop()
    confidence = min((c if c is not None else -1) for _, c in readings)
    if not NUMBER.match(text) or confidence < threshold:
        return _by_width(first, readings, threshold, digits)
    plain = re.sub(r"\s+", "", first)
    if NUMBER.match(plain) and plain != text:
        return _by_width(first, readings, threshold, digits)
    return text, confidence


def _by_width(
    first: str, readings: list[tuple[str, float | None]], threshold: float, digits: float | None
) -> tuple[str, float] | None:
    if digits is None:
        return None
    read = [(re.sub(r"\s+", "", text), c) for text, c in readings]
    confident = [(text, c) for text, c in read if c is not None and c >= threshold]
    numbers = {text for text, _ in confident}
    if len(numbers) != 1:
        return None
    text = numbers.pop()
    if not text.isdigit() or abs(len(text) - digits) > 0.3:
        return None
    plain = re.sub(r"\s+", "", first)
    others = [t for t, _ in read if t] + ([plain] if NUMBER.match(plain) else [])
    if sum(1 for t in others if t == text) < 2:
        return None
    if any(not t.isdigit() or abs(len(t) - digits) < 0.7 for t in others if t != text):
        return None
    return text, min(c for _, c in confident)


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, str], frozenset[str]]:
    """(normalised row label → printed label, every other printed text of the tables, normalised)."""

    rows: dict[str, str] = {}  # normalised label (≥ MIN_LABEL characters) → printed label
    for spec in (F.T2_2021, F.T2_2019, F.T3_2021, F.T3_2019, F.LG, F.FJ):
        for row in spec.rows:
            if row.id:
                nl = F.normalise_label(row.label)
                for key in (nl.text, nl.core):
                    if len(key) >= MIN_LABEL and tables.lookup(row.label):
                        rows.setdefault(key, row.label)
    others = {*tables.KNOWN_GROUPS, *tables.HEADER_WORDS, *tables.T2_2021_HEADERS, *tables.T2_2019_HEADERS}
    return rows, frozenset(F.normalise_label(t).text for t in others) - set(rows)


def known_label(text: str) -> str | None:
    """The printed label an OCR'd row label stands for when one character or so was misread, else None (the
    text matches a label already, is short, or is not clearly nearer one row label than any other text)."""

    if len(_HAN.findall(text)) < MIN_LABEL or tables.lookup(text):
        return None
    # The numbering is not compared (normalisation drops it; a misread one like "8&" is dropped here).
    own = re.sub(r"^[^\u3400-\u9fff(（]+", "", F.normalise_label(text).text)
    rows, others = _vocabulary()
    best: list[tuple[int, str]] = []
    limit = max(1, len(own) // 8) + GAP
    for key in (*rows, *others):
        d = _distance(own, key, limit)
        if d <= limit:
            best.append((d, key))
    best.sort()
    if not best or best[0][1] not in rows or best[0][0] > max(1, len(best[0][1]) // 8):
        return None
    if len(best) > 1 and best[1][0] < best[0][0] + GAP and rows.get(best[1][1]) != rows[best[0][1]]:
        return None
    return rows[best[0][1]]
