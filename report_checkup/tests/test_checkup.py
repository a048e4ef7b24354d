"""check_file / check_many (importers + report_formats.validation), the duplicate-wording check and `gongkai checkup`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from report_checkup.checkup import check_file, check_many, duplicate_wording
from report_formats.tests import legacy_reports as L

from . import test_importers_fixtures as X
from .test_importers import T2_2019


def _codes(report):
    return {f["code"] for f in report["findings"]}


def test_pre_2019_findings_from_the_validator(tmp_path: Path):
    for document in L.all_documents():
        (tmp_path / document.name).write_bytes(document.data)
    reports = {r["source"]: r for r in check_many([tmp_path])}
    assert len(reports) == 5
    prefecture = reports[L.PREFECTURE_FILE]
    assert {"LG-E05", "LG-W01", "T-W02", "T-I04", "date_reconstructed"} <= _codes(prefecture)
    county = reports[L.COUNTY_FILE]
    assert {"LG-W01", "annotated_cell", "missing_row", "IMP-I07"} <= _codes(county)
    assert "D-W01" in _codes(reports[L.PROSE_FILE])
    township = reports[L.TOWNSHIP_FILE]
    assert {"D-W01", "D-W08"} <= _codes(township)  # published 2019-01-14 yet cites the 2019 revised 条例
    assert "IMP-W12" in _codes(reports[L.POLICY_FILE])
    assert not any("D-W04" in _codes(r) for r in reports.values())


def test_composed_report_is_clean_and_2019_labels_are_flagged():
    clean = check_file(X.as_html().encode(), "clean.html")
    assert [f for f in clean["findings"] if f["severity"] == "error"] == []
    mixed = check_file(X.as_tsv(t2=T2_2019).encode(), "mixed.txt")
    assert {"D-W04", "IMP-W09"} <= _codes(mixed)


def test_unreadable_cell_is_not_reported_as_a_missing_row():
    t3 = X.with_t3_values("closed_total", ("30", "3", "1", "0", "2", "1", ""))
    report = check_file(X.as_flat(t3=t3).encode(), "flat.txt")
    assert "t3.closed_total.total" in report["unreadable"]
    assert not any(f["code"] == "missing_row" and "t3.closed_total.total" in f["cells"] for f in report["findings"])


def test_prose_only_report_of_a_modern_year_needs_its_tables():
    text = "某镇人民政府2022年政府信息公开工作年度报告\n一、总体情况\n2022年，本镇共收到政府信息公开申请3件，均已按时答复。\n"
    report = check_file(text.encode(), "img.txt")
    assert report["format"] == "prose" and "D-E02" in _codes(report)


def _prose_report(agency: str, year: int, body: str) -> dict:
    return {"source": f"{agency}.txt", "agency": agency, "year": year, "prose_text": body, "findings": []}


def test_duplicate_wording_across_a_batch():
    body = "本机关坚持以公开为常态、不公开为例外，围绕重点领域加大主动公开力度，及时回应社会关切。" * 5
    other = "本年度我局完成了政务公开标准化规范化建设，修订了主动公开基本目录，组织开展业务培训两次。" * 5
    a, b, c = _prose_report("甲镇", 2022, body), _prose_report("乙镇", 2022, body + "个别字不同"), \
        _prose_report("丙镇", 2022, other)
    d = _prose_report("丁镇", 2023, body)  # another year, another agency: not compared
    duplicate_wording([a, b, c, d])
    assert "D-W06" in _codes(a) and "D-W06" in _codes(b)
    assert "D-W06" not in _codes(c) and "D-W06" not in _codes(d)


def test_command_outputs(tmp_path: Path, capsys):
    (tmp_path / "a.html").write_bytes(X.as_html().encode())
    (tmp_path / "b.txt").write_text(X.as_tsv(), encoding="gb18030")
    for name in ("out.json", "out.xlsx", "out.html"):
        call_command("checkup", str(tmp_path), "--out", str(tmp_path / name))
    captured = capsys.readouterr()
    assert f"{X.AGENCY}\t{X.YEAR}\t2021\t错误0" in captured.out
    assert "合计：2份报告" in captured.out and "[2/2]" in captured.err
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data[0]["cells"]["t3.granted.total"] == 21 and data[0]["format"] == "2021"
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["报告", "问题", "单元格"] and book["单元格"].max_row > 400
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "年报体检结果" in page and "<script" not in page and "http" not in page.split("<body>")[1]


def test_command_rejects_unknown_output(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("checkup", str(tmp_path), "--out", str(tmp_path / "x.doc"))
