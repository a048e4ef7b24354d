"""The importers never crash: arbitrary bytes, truncated files, huge inputs and tables with extra or missing
rows give a clear finding instead."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_checkup.importers import import_document
from report_checkup.importers.decode import MAX_BYTES

from . import test_importers_fixtures as X

CONTRACT = {"source", "agency", "year", "format", "cells", "unreadable", "prose_figures", "findings"}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid(report: dict) -> None:
    assert set(report) >= CONTRACT
    assert report["format"] in {"2021", "2019", "legacy", "local", "prose"}
    assert not set(report["cells"]) & set(report["unreadable"])
    for f in report["findings"]:
        assert f["severity"] in {"error", "warning", "info"} and f["message"]


@FAST
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(data):
    _valid(import_document(data, "random.bin"))


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes_after_a_pdf_or_zip_header(tail):
    for head in (b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf<table><tr><td rowspan='99999'>"):
        _valid(import_document(head + tail, "x"))


@FAST
@given(st.text(alphabet=st.sampled_from(list("一二三四五六七八九十（）()、.0123456789-/无\t\n 予以公开总计其他商业企业行政复议诉讼")),
               max_size=800))
def test_label_soup_text(text):
    _valid(import_document(text.encode("utf-8"), "soup.txt"))


PDF = X.as_pdf()
DOCX = X.as_docx()
HTML = X.as_html().encode()


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0.05, max_value=0.98))
def test_truncated_files(fraction):
    for data in (PDF, DOCX, HTML):
        report = import_document(data[:int(len(data) * fraction)], "cut")
        _valid(report)
        # whatever was read from a cut file must be right: never a wrong number
        expected = X.expected_cells()
        assert all(report["cells"][k] == expected[k] for k in report["cells"] if k in expected)


def test_huge_input_is_refused_with_a_finding():
    report = import_document(b"0\n" * (MAX_BYTES // 2 + 1), "huge.txt")
    assert report["cells"] == {} and report["findings"][0]["code"] == "IMP-E01"


def test_long_text_is_cut_with_a_finding():
    text = X.as_tsv() + "无关的正文。\n" * 400_000
    report = import_document(text.encode(), "long.txt")
    assert report["cells"] == X.expected_cells()
    assert "IMP-W02" in {f["code"] for f in report["findings"]}


def test_empty_and_binary():
    assert import_document(b"", "e")["findings"][0]["code"] == "IMP-E02"
    assert import_document(b"PK\x03\x04not a zip", "z")["findings"][0]["code"] == "IMP-E02"


def test_extra_and_missing_rows():
    rows = [r for r in X.T3 if r[2] != "withheld_process_info"]  # a row left out
    rows.insert(5, (("三、本年度办理结果",), "（八）本地增设的统计行", "local_extra", ("9",) * 7))  # an unknown row
    report = import_document(X.as_html(t3=tuple(rows)).encode(), "extra.html")
    expected = {k: v for k, v in X.expected_cells().items() if not k.startswith("t3.withheld_process_info")}
    assert report["cells"] == expected
    assert not any("local_extra" in k for k in report["cells"])
    assert report["unknown_rows"] == [{"label": "（八）本地增设的统计行", "cells": ["9"] * 7, "where": "表2第9行"}]
    assert "unknown_label" in {f["code"] for f in report["findings"]}


def test_row_with_too_many_numbers_is_unreadable():
    rows = X.with_t3_values("granted", ("18", "2", "0", "0", "1", "0", "21", "5"))
    report = import_document(X.as_tsv(t3=rows).encode(), "wide.txt")
    row = [f"t3.granted.{c}" for c in X.APPLICANT_COLS]
    assert set(row) <= set(report["unreadable"]) and not set(row) & set(report["cells"])


def test_split_number_is_never_joined():
    rows = X.with_t3_values("granted", ("1 8", "2", "0", "0", "1", "0", "21"))
    report = import_document(X.as_tsv(t3=rows).encode(), "split.txt")
    assert "t3.granted.natural_person" in report["unreadable"]
    assert report["cells"]["t3.granted.total"] == 21
