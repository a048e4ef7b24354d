"""OCR'd scans for the 年报体检 (report_checkup/importers/ocr.py): reports of the generated PDF corpus
(report_checkup/tests/corpus/files, with their expected cells) rendered to page images by pdftoppm at 150,
200 and 300 dpi, wrapped as image-only PDFs (a scan without noise or skew), and read back through the
checkup with its limits (report_checkup.limits.check_limited). The same PDFs with their text layer are read
in the same run as the baseline.

    GONGKAI_DEMO=1 .venv/bin/python bench/auditor_ocr.py [--dpi 150,200,300] [--files lo-portrait,rl-plain] [--worn]

Per cell: correct (the expected value), wrong (another value: must be 0), unreadable (reported 未能读取); per
report the errors found (these reports are consistent: every error is a false one).
Needs tesseract-ocr, tesseract-ocr-chi-sim and poppler-utils (make pdf-deps)."""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

CORPUS = Path(__file__).resolve().parent.parent / "report_checkup" / "tests" / "corpus" / "files"
DEFAULT_FILES = ("lo-portrait", "lo-landscape", "rl-plain", "wp-a4-wrapped-middle", "wp-landscape")
# The fonts pdftoppm may use for a font the PDF does not embed (rl-plain: reportlab's STSong-Light and Helvetica):
# only Debian's fonts-noto-cjk (make pdf-deps), whatever else the machine has, so the scans are the same everywhere.
NOTO_CJK = "/usr/share/fonts/opentype/noto"
FONTS_CONF = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>{NOTO_CJK}</dir><cachedir>{{cache}}</cachedir></fontconfig>
"""


def scan(pdf: bytes, dpi: int, worn: bool = False) -> bytes:
    """The PDF as an image-only PDF at `dpi`; `worn`: as a worn office scan (grey paper noise, a slight blur, JPEG
    at quality 50; fixed seed)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "in.pdf").write_bytes(pdf)
        Path(tmp, "fonts.conf").write_text(FONTS_CONF.format(cache=f"{tmp}/fontcache"), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": f"{tmp}/fonts.conf"}
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", f"{tmp}/in.pdf", f"{tmp}/p"],  # noqa: S603, S607
                       check=True, env=env)
        pages = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p*.png"))]
        if worn:
            pages = [_wear(page, seed) for seed, page in enumerate(pages)]
        out = io.BytesIO()
        # Pillow stores a greyscale page as JPEG: its default quality (75) for clean scans, 50 for worn ones.
        jpeg = {"quality": 50} if worn else {}
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, **jpeg)
        return out.getvalue()


def _wear(page, seed: int):
    import numpy as np
    from PIL import Image, ImageFilter

    noise = np.random.default_rng(seed).normal(0, 18, (page.height, page.width))
    worn = np.clip(np.asarray(page.filter(ImageFilter.GaussianBlur(0.7)), dtype=float) * 0.92 + 10 + noise, 0, 255)
    out = io.BytesIO()
    Image.fromarray(worn.astype(np.uint8)).save(out, "JPEG", quality=50)
    return Image.open(io.BytesIO(out.getvalue())).convert("L")


def score(result: dict, expected: dict) -> tuple[int, int, int, int]:
    """(correct, wrong, unreadable, errors): errors on these consistent reports are false errors."""
    cells = result.get("cells", {})
    right = sum(1 for k, v in expected.items() if k in cells and cells[k] == v)
    wrong = sum(1 for k, v in expected.items() if k in cells and cells[k] != v)
    errors = sum(1 for f in result.get("findings", []) if f["severity"] == "error")
    return right, wrong, len(expected) - right - wrong, errors


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children (the checkup's child and its Tesseract and
    pdftoppm runs): on a shared machine the wall time says more about the other work than about OCR."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(files, dpis, worn: bool = False) -> list[tuple]:
    """Rows (input, file, correct, wrong, unreadable, errors, seconds, CPU seconds): each file with its text
    layer, then scanned at each dpi."""
    import django

    django.setup()
    from django.conf import settings

    from report_checkup.limits import check_limited

    rows = []
    for name in files:
        pdf = (CORPUS / f"{name}.pdf").read_bytes()
        expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))["cells"]
        started, cpu = time.perf_counter(), _cpu()
        result = check_limited(pdf, f"{name}.pdf")
        rows.append(("text layer", name, *score(result, expected), time.perf_counter() - started, _cpu() - cpu))
        for dpi in dpis:
            data = scan(pdf, dpi, worn)
            settings.GONGKAI_OCR_DPI = dpi
            started, cpu = time.perf_counter(), _cpu()
            result = check_limited(data, f"{name}-{dpi}.pdf")
            rows.append((f"{'worn ' if worn else ''}scan {dpi} dpi", name, *score(result, expected), time.perf_counter() - started,
                         _cpu() - cpu))
    return rows


def summary(rows) -> dict[str, dict]:
    """Per input kind: files, cells, correct, wrong, unreadable, read share, (false) errors, wall and CPU seconds
    per file."""
    out = {}
    for kind in dict.fromkeys(r[0] for r in rows):
        sel = [r for r in rows if r[0] == kind]
        right, wrong, unread, errors = (sum(r[i] for r in sel) for i in (2, 3, 4, 5))
        cells = right + wrong + unread
        out[kind] = {"files": len(sel), "cells": cells, "correct": right, "wrong": wrong, "unreadable": unread,
                     "read": right / cells if cells else 0.0, "false_errors": errors,
                     "seconds_per_file": sum(r[6] for r in sel) / len(sel),
                     "cpu_seconds_per_file": sum(r[7] for r in sel) / len(sel)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--files", default=",".join(DEFAULT_FILES))
    parser.add_argument("--worn", action="store_true", help="scans with paper noise, blur and JPEG artefacts")
    args = parser.parse_args()
    dpis = list(map(int, args.dpi.split(",")))
    if not Path(NOTO_CJK).is_dir():
        sys.exit(f"{NOTO_CJK} is missing: the scans need fonts-noto-cjk (make pdf-deps)")
    rows = run(args.files.split(","), dpis, args.worn)
    for row in rows:
        print(f"{row[0]:<14} {row[1]:<24} correct {row[2]:>3}  wrong {row[3]:>2}  unreadable {row[4]:>3}  "
              f"errors {row[5]}  {row[6]:6.1f} s  CPU {row[7]:5.1f} s", flush=True)
    print()
    print("| input | files | cells | correct | wrong | unreadable | read | errors (false) | wall s/file | CPU s/file |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind, t in summary(rows).items():
        print(f"| {kind} | {t['files']} | {t['cells']} | {t['correct']} | {t['wrong']} | {t['unreadable']} | "
              f"{t['read']:.1%} | {t['false_errors']} | {t['seconds_per_file']:.1f} | {t['cpu_seconds_per_file']:.1f} |")


if __name__ == "__main__":
    main()
