"""Scanned reports (issue 17 §2, report_checkup/importers/ocr.py): the table grid from the ruling lines of a page
image, OCR'd numbers carrying their confidence, a low-confidence number unreadable — never a guessed number.

The OCR tests need Tesseract with chi_sim and pdftoppm (Debian tesseract-ocr, tesseract-ocr-chi-sim,
poppler-utils: `make pdf-deps`); without them they are SKIPPED, with the reason."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from report_checkup.checkup import check_bytes
from report_checkup.importers import ocr
from report_checkup.importers.decode import sniff

CORPUS = Path(__file__).parent / "corpus" / "files"
needs_ocr = pytest.mark.skipif(bool(ocr.available()), reason=f"!!! OCR SKIPPED: {ocr.available()}")


def _ruled(width=1200, height=800) -> Image.Image:
    """A 4×5 ruled table at 150 dpi: the top-left cell spans two rows, the header of columns 2–4 spans three
    columns, and a stroke of a character (a short vertical bar) sits inside a cell."""
    image = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(image)
    xs, ys = [100, 400, 600, 800, 1000], [100, 180, 260, 340, 420]
    for y in ys:
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for x in xs:
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    d.line([(xs[0] + 1, ys[1]), (xs[1] - 1, ys[1])], fill=255, width=2)  # (0,0) spans rows 0–1
    for x in xs[2:4]:
        d.line([(x, ys[0] + 2), (x, ys[1] - 2)], fill=255, width=2)  # the header spans 3 columns
    d.line([(700, 280), (700, 300)], fill=0, width=3)  # a stroke, not a ruling line
    return image


def test_grid_from_ruling_lines_with_merged_cells():
    [grid], _, _ = ocr.find_grids(_ruled(), 150)
    assert len(grid.ys) == 5 and len(grid.xs) == 5
    spans = {(c.r0, c.c0): (c.r1 - c.r0, c.c1 - c.c0) for c in grid.cells}
    assert spans[(0, 0)] == (2, 1) and spans[(0, 1)] == (1, 3)
    assert len(grid.cells) == 16 - 1 - 2
    rows = ocr.grid_rows(grid)
    assert [len(r) for r in rows] == [2, 3, 4, 4]


def test_a_page_without_ruling_lines_has_no_grid():
    image = Image.new("L", (1200, 800), 255)
    ImageDraw.Draw(image).text((100, 100), "2023 37 21 5", fill=0)
    assert ocr.find_grids(image, 150)[0] == []


def _scan(pdf: bytes, dpi: int) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", f"{tmp}/in.pdf", f"{tmp}/p"], check=True)  # noqa: S603, S607
        return [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p*.png"))]


def _as_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


@needs_ocr
def test_a_scanned_report_is_read_without_a_wrong_number(settings):
    """A corpus report (LibreOffice PDF, ruled tables) printed to images at 200 dpi and wrapped as an
    image-only PDF: every number read is the printed one, each with its confidence; the rest is 未能读取 and
    no unread cell becomes an error."""
    import json

    settings.GONGKAI_OCR_DPI = 200
    expected = json.loads((CORPUS / "lo-portrait.json").read_text(encoding="utf-8"))["cells"]
    report = check_bytes(_as_pdf(_scan((CORPUS / "lo-portrait.pdf").read_bytes(), 200), 200), "scan.pdf")
    cells = report["cells"]
    wrong = {k: (cells[k], v) for k, v in expected.items() if k in cells and cells[k] != v}
    assert wrong == {}
    right = [k for k, v in expected.items() if cells.get(k, object()) == v]
    assert len(right) >= 0.95 * len(expected)  # measured 2026-12: 200 of 200, docs/benchmarks.md (OCR'd scans)
    assert all("confidence" in report["cell_sources"][k] for k in right if report["cell_sources"][k]["raw"])
    assert any(f["code"] == "IMP-I14" for f in report["findings"])
    assert not [f for f in report["findings"] if f["severity"] == "error"]  # a consistent report: no false error


@needs_ocr
def test_below_the_confidence_threshold_a_number_is_unreadable_never_guessed(settings):
    """GONGKAI_OCR_MIN_CONFIDENCE above any confidence: not one number is read, none is wrong, none is an
    error. The page comes as a PNG (a scan saved as an image): its type is found by content."""
    settings.GONGKAI_OCR_MIN_CONFIDENCE = 101
    page = _scan((CORPUS / "lo-portrait.pdf").read_bytes(), 200)[0]
    out = io.BytesIO()
    page.save(out, "PNG")
    assert sniff(out.getvalue()) == "image"
    report = check_bytes(out.getvalue(), "page1.png")
    numbers = [k for k, src in report["cell_sources"].items() if any(ch.isdigit() for ch in str(src["raw"]))]
    assert numbers == []
    assert not [f for f in report["findings"] if f["severity"] == "error" and f["code"] in ("T3-E01", "T3-E02", "T3-E03")]
    assert any(f["code"] == "IMP-I14" and "置信度低于101" in f["message"] for f in report["findings"])
