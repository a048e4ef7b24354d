"""Benchmark of the report auditor's importers (年报体检): cell-level accuracy per input kind on the labelled
test set and on the generated PDF corpus (report_checkup/tests/corpus), the checks' verdicts on the corpus
(false errors on consistent reports, planted inconsistencies found), the PDF table readers compared, and speed.

    GONGKAI_DEMO=1 .venv/bin/python bench/auditor.py [--quick] [--json] [--no-compare] [--ocr]

--ocr adds the separate line for OCR'd scans: five consistent corpus reports rendered to page images at 200 dpi
and read by OCR (bench/auditor_ocr.py, which also compares resolutions; needs Tesseract, slow: ~10 CPU s a file).

Accuracy counts, for every expected cell: correct (same value), wrong (a different value: the failure that
must not happen), unreadable (reported as could-not-read), missed (not found at all). Expected values come
from the labelled test set in reports/tests (synthetic pre-2019 reports, composed 2021 reports)."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

from report_checkup.importers import import_document  # noqa: E402
from report_checkup.tests import test_importers as T  # noqa: E402
from report_checkup.tests import test_importers_fixtures as X  # noqa: E402
from report_formats.tests import legacy_reports as L  # noqa: E402

NARROW_CSS = "@page { size: A4; margin: 2cm } body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 10pt }"


def cases():
    """(input kind, case name, bytes, expected cells)."""
    for document, expected in ((L.prefecture_2017(), L.importer_cells(L.prefecture_values())),
                               (L.county_2018(), L.importer_cells(L.county_values())),
                               (L.township_2018(), L.township_values())):
        yield "legacy-text", document.name, document.data, expected
    blank = T.BLANK_TOTAL
    placeholders = T.PLACEHOLDERS
    variants = {
        "clean": ({}, X.expected_cells()),
        "blank-total": ({"t3": blank}, X.expected_cells(t3=blank)),
        "placeholders": ({"t3": placeholders}, X.expected_cells(t3=placeholders)),
        "2019-labels": ({"t2": T.T2_2019}, {**{k: v for k, v in X.expected_cells().items() if not k.startswith("t2.")},
                                             **T.T2_2019_EXPECTED}),
    }
    for kind, render in T.KINDS.items():
        for name, (kwargs, expected) in variants.items():
            yield kind, name, render(**kwargs), expected
    yield "tsv", "repeated-header", X.as_tsv(repeat_header=True).encode(), X.expected_cells()
    from weasyprint import HTML

    narrow = HTML(string=X.as_html(css=NARROW_CSS)).write_pdf()
    yield "pdf", "a4-portrait-wrapped-labels", narrow, X.expected_cells()


def accuracy():
    totals = defaultdict(lambda: defaultdict(int))
    details = []
    for kind, name, data, expected in cases():
        report = import_document(data, name)
        row = score({"cells": expected}, report)
        row["extra"] = len(set(report["cells"]) - set(expected))
        for k, v in row.items():
            totals[kind][k] += v
        details.append((kind, name, dict(row)))
    return totals, details


def _clear_caches():
    from report_checkup.importers import tables

    for fn in (tables._norm, tables.is_value, tables._lookup, tables.convert):
        fn.cache_clear()


def speed(seconds: float = 3.0, cold: bool = False):
    """Reports per second on one core: reports / CPU seconds of this process and its children (the PDF reader's
    child process), so that other work on a shared machine does not count. Warm: the label/value caches are
    kept between reports (as in a batch, where the same labels and small numbers recur); cold: cleared
    before every report."""
    text_inputs = [X.as_tsv().encode(), X.as_flat().encode(), X.as_html().encode()]
    text_inputs += [L.prefecture_2017().data, L.county_2018().data]
    pdf_inputs = [(CORPUS / f"{name}.pdf").read_bytes() for name in ("wp-landscape", "lo-portrait", "rl-plain")]
    out = {}
    for label, inputs in (("文本/HTML", text_inputs), ("PDF", pdf_inputs), ("DOCX", [X.as_docx()])):
        n, started, cpu = 0, time.perf_counter(), _cpu()
        while time.perf_counter() - started < seconds:
            if cold:
                _clear_caches()
            import_document(inputs[n % len(inputs)], "bench")
            n += 1
        out[label] = n / (_cpu() - cpu)
    return out


CORPUS = Path(__file__).resolve().parent.parent / "report_checkup" / "tests" / "corpus" / "files"
CLASS_NAMES = {"pdf-weasyprint": "PDF (WeasyPrint from HTML)", "pdf-libreoffice": "PDF (LibreOffice from DOCX)",
               "pdf-reportlab": "PDF (reportlab, drawn cell by cell)", "pdf-garbled": "PDF, fonts without ToUnicode",
               "pdf-unruled": "PDF, tables without ruling lines"}


def corpus_files():
    """(name, expected JSON, PDF bytes) of every generated report."""
    for path in sorted(CORPUS.glob("*.json")):
        yield path.stem, json.loads(path.read_text(encoding="utf-8")), (CORPUS / f"{path.stem}.pdf").read_bytes()


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the PDF reader runs in a child process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def score(expected: dict, report: dict) -> dict:
    row = {"correct": 0, "wrong": 0, "unreadable": 0, "missed": 0}
    for cid, value in expected["cells"].items():
        if cid in report["cells"]:
            row["correct" if report["cells"][cid] == value else "wrong"] += 1
        elif cid in report["unreadable"]:
            row["unreadable"] += 1
        else:
            row["missed"] += 1
    return row


def corpus_run():
    """Every corpus report through the whole checkup (import and checks), as `gongkai audit` does."""
    from report_checkup.checkup import check_bytes

    classes = defaultdict(lambda: defaultdict(float))
    details = []
    for name, expected, data in corpus_files():
        cpu, wall = _cpu(), time.perf_counter()
        report = check_bytes(data, name)
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
        row = score(expected, report)
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        check_errors = [f for f in errors if not f["code"].startswith("IMP-")]
        row["false_errors"] = len(check_errors) if expected["consistent"] else 0
        row["planted"] = len(expected["planted"])
        row["planted_found"] = sum(1 for cid in expected["planted"] if any(cid in f["cells"] for f in check_errors))
        row["files"] = 1
        row["cpu"], row["wall"] = cpu, wall
        for k, v in row.items():
            classes[expected["class"]][k] += v
        details.append({"name": name, "class": expected["class"], **row,
                        "errors": [f"{f['code']} {f['message'][:60]}" for f in errors]})
    return classes, details


def compare_readers():
    """The PDF table readers side by side on the corpus, each feeding the same recogniser: ours (PDFium's
    characters and ruling lines, pdfplumber's table finder), pdfplumber alone (characters from pdfminer.six),
    PyMuPDF's find_tables (when installed; AGPL, not a dependency). Reading time is CPU seconds in process."""
    from report_checkup.importers import pdf_tables

    def ours(data):
        pages = []
        pdf_tables.extract(data, send=lambda *e: pages.append(e[1:]) if e[0] == "page" else None)
        return [(items, n, garbled) for _, items, n, garbled, _ in pages]

    readers = {"PDFium + pdfplumber finder (chosen)": ours, "pdfplumber (pdfminer.six)": pdf_tables.extract_pdfplumber}
    try:
        import pymupdf  # noqa: F401

        readers["PyMuPDF find_tables"] = pdf_tables.extract_pymupdf
    except ImportError:
        pass
    original = pdf_tables.read_pages
    out = {}
    try:
        for label, reader in readers.items():
            totals = defaultdict(float)
            for name, expected, data in corpus_files():
                started = _cpu()
                try:
                    pages = reader(data)
                    error = ""
                except Exception as exc:  # noqa: BLE001 - a reader failing on a file is a result
                    pages, error = [], type(exc).__name__
                totals["cpu"] += _cpu() - started
                totals["all_files"] += 1
                read = pdf_tables.PdfPages([{"number": k, "items": items, "chars": n, "garbled": g, "error": ""}
                                            for k, (items, n, g) in enumerate(pages, start=1)],
                                           page_count=len(pages), error=error)
                pdf_tables.read_pages = lambda *_a, _read=read, **_k: _read
                row = score(expected, import_document(data, name))
                if expected["unreadable"]:  # undecodable text: every cell read is a number made up from glyph codes
                    totals["garbled_read"] += row["correct"] + row["wrong"]
                    continue
                for k, v in row.items():
                    totals[k] += v
                totals["files"] += 1
            out[label] = dict(totals)
    finally:
        pdf_tables.read_pages = original
    return out


def _pct(part, whole) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def _cells(row) -> str:
    """correct, wrong, unreadable, not found and the share read correctly, as table columns."""
    n = row["correct"] + row["wrong"] + row["unreadable"] + row["missed"]
    return (f"{row['correct']:>7.0f}{row['wrong']:>5.0f}{row['unreadable']:>8.0f}{row['missed']:>6.0f}"
            f"{_pct(row['correct'], n):>8}")


def ocr_line() -> dict:
    """The OCR'd-scans line: bench/auditor_ocr.py's default files scanned at 200 dpi."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import auditor_ocr

    return auditor_ocr.summary(auditor_ocr.run(auditor_ocr.DEFAULT_FILES, [200])).get("scan 200 dpi", {})


def main():
    quick = "--quick" in sys.argv
    as_json = "--json" in sys.argv
    ocr = ocr_line() if "--ocr" in sys.argv else None
    classes, corpus_details = corpus_run()
    compared = {} if "--no-compare" in sys.argv else compare_readers()
    if as_json:
        totals, details = accuracy()
        warm = speed(1.0 if quick else 3.0)
        print(json.dumps({"corpus": {k: dict(v) for k, v in classes.items()}, "corpus_files": corpus_details,
                          "readers": compared, "test_set": {k: dict(v) for k, v in totals.items()},
                          "speed_warm": warm, "ocr_scans": ocr}, ensure_ascii=False, indent=1))
        return
    print("生成的PDF语料（report_checkup/tests/corpus）：单元格与校验结论")
    print(f"{'类型':<36}{'份数':>4}{'正确':>7}{'错误':>5}{'无法读取':>8}{'未找到':>6}{'读取率':>8}{'误报错误':>8}"
          f"{'埋设错误找到':>10}{'CPU秒/份':>9}{'份/秒/核':>9}")
    for cls, row in classes.items():
        per = row["cpu"] / row["files"]
        print(f"{CLASS_NAMES.get(cls, cls):<36}{row['files']:>4.0f}{_cells(row)}{row['false_errors']:>8.0f}"
              f"{row['planted_found']:>6.0f}/{row['planted']:<3.0f}{per:>9.3f}{1 / per:>9.1f}")
    if ocr:
        print(f"{'扫描件（200 dpi，文字识别）':<36}{ocr['files']:>4}{ocr['correct']:>7}{ocr['wrong']:>5}{ocr['unreadable']:>8}"
              f"{0:>6}{ocr['read']:>8.1%}{ocr['false_errors']:>8}{'—':>10}{ocr['cpu_seconds_per_file']:>9.1f}"
              f"{1 / ocr['cpu_seconds_per_file']:>9.2f}（墙钟{ocr['seconds_per_file']:.1f}秒/份）")
    for d in corpus_details:
        if d["wrong"] or (d["class"] != "pdf-garbled" and (d["unreadable"] or d["missed"])) or d["false_errors"] \
                or d["planted_found"] < d["planted"]:
            print(f"  {d['name']}: {d}")
    if compared:
        print("\nPDF表格读取器对比（同一语料、同一识别器；读取时间为进程内CPU秒）")
        print("（可读的报告逐格统计；字体缺少ToUnicode的报告只统计读出的“数字”，应为0）")
        print(f"{'读取器':<38}{'正确':>7}{'错误':>5}{'无法读取':>8}{'未找到':>6}{'读取率':>8}{'乱码读成数':>10}{'CPU秒/份':>9}")
        for label, row in compared.items():
            print(f"{label:<38}{_cells(row)}{row.get('garbled_read', 0):>10.0f}{row['cpu'] / row['all_files']:>9.3f}")
    print()
    totals, details = accuracy()
    print("单元格准确率（按输入类型）")
    print(f"{'类型':<14}{'正确':>7}{'错误':>5}{'无法读取':>8}{'未找到':>6}{'正确率':>8}{'多余':>6}")
    for kind, row in totals.items():
        print(f"{kind:<14}{_cells(row)}{row['extra']:>6}")
    print()
    for kind, name, row in details:
        if row.get("wrong") or row.get("unreadable") or row.get("missed"):
            print(f"  {kind}/{name}: {row}")
    warm, cold = speed(1.0 if quick else 3.0), speed(1.0 if quick else 3.0, cold=True)
    print("\n速度（单核，每秒报告数；批量=缓存保留，冷启动=每份清空缓存）")
    for label in warm:
        print(f"  {label}: 批量 {warm[label]:.1f} 份/秒，冷启动 {cold[label]:.1f} 份/秒")


if __name__ == "__main__":
    main()
