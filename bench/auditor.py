"""Benchmark of the report auditor's importers (年报体检): cell-level accuracy per input kind on the labelled
test set, and speed.

    .venv/bin/python bench/auditor.py [--quick]

Accuracy counts, for every expected cell: correct (same value), wrong (a different value: the failure that
must not happen), unreadable (reported as could-not-read), missed (not found at all). Expected values come
from the labelled test set in reports/tests (synthetic pre-2019 reports, composed 2021 reports)."""

from __future__ import annotations

import os
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
        row = defaultdict(int)
        for cid, value in expected.items():
            if cid in report["cells"]:
                row["correct" if report["cells"][cid] == value else "wrong"] += 1
            elif cid in report["unreadable"]:
                row["unreadable"] += 1
            else:
                row["missed"] += 1
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
    """Reports per second on one core. Warm: the label/value caches are kept between reports (as in a batch,
    where the same labels and small numbers recur); cold: cleared before every report."""
    text_inputs = [X.as_tsv().encode(), X.as_flat().encode(), X.as_html().encode()]
    text_inputs += [L.prefecture_2017().data, L.county_2018().data]
    pdf_inputs = [X.as_pdf()]
    out = {}
    for label, inputs in (("文本/HTML", text_inputs), ("PDF", pdf_inputs), ("DOCX", [X.as_docx()])):
        n, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            if cold:
                _clear_caches()
            import_document(inputs[n % len(inputs)], "bench")
            n += 1
        out[label] = n / (time.perf_counter() - started)
    return out


def main():
    quick = "--quick" in sys.argv
    totals, details = accuracy()
    print("单元格准确率（按输入类型）")
    print(f"{'类型':<10}{'正确':>8}{'错误':>8}{'无法读取':>10}{'未找到':>8}{'多余':>6}{'正确率':>9}")
    for kind, row in totals.items():
        n = row["correct"] + row["wrong"] + row["unreadable"] + row["missed"]
        print(f"{kind:<10}{row['correct']:>8}{row['wrong']:>8}{row['unreadable']:>10}{row['missed']:>8}"
              f"{row['extra']:>6}{row['correct'] / n:>9.1%}")
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
