"""import_document: bytes → the checkup's JSON contract (without the validator's findings; checkup.py adds
those)."""

from __future__ import annotations

import re

from gongkai import file_reading
from report_formats import prose

from .decode import MAX_BYTES, refusal, sniff
from .readers import PdfUnreadable, read_bytes
from .tables import recognise

_FORMAT_TABLES = {"2021": ("t2.", "t3.", "t4."), "2019": ("t2v19.", "t3.", "t4."), "legacy": ("lg.",),
                  "local": ("fj.",), "prose": ()}


_KIND_NAMES = {"image": "扫描图像"}


def _finding(code, severity, message, cells=(), where=""):
    return {"code": code, "severity": severity, "cells": list(cells), "message": message, "where": where}


def empty_result(name: str, findings: list[dict]) -> dict:
    return {"source": name, "agency": None, "year": None, "format": "prose", "cells": {}, "unreadable": [],
            "prose_figures": [], "findings": findings, "cell_sources": {}, "input_kind": None, "prose_text": "",
            "period": None, "published_on": None, "headings": []}


def detect_format(result, year: int | None) -> tuple[str, list[dict]]:
    seen = result.tables_seen
    cells = set(result.cells) | set(result.unreadable)
    findings = []
    if seen.get("lg", 0) >= 5 and seen.get("lg", 0) >= seen.get("t3", 0):
        return "legacy", findings
    if seen.get("fj", 0) >= 4:
        return "local", findings
    if seen.get("t3", 0) >= 3 or "t4" in seen or seen.get("t2_2021", 0) + seen.get("t2_2019", 0) >= 2:
        f2019 = "t2_2019" in result.t2_variants or any(c.startswith("t3.other.") for c in cells)
        f2021 = "t2_2021" in result.t2_variants or any(c.startswith(("t3.other_no_correction", "t3.other_fee_unpaid",
                                                                          "t3.other_misc")) for c in cells)
        if f2019 and f2021:
            findings.append(_finding("IMP-W09", "warning", "同一报告中同时出现2019年试行格式和2021年格式的标签（按表二的格式认定）"))
            return ("2019" if "t2_2019" in result.t2_variants else "2021"), findings
        if f2019:
            return "2019", findings
        if f2021:
            return "2021", findings
        return ("2019" if year in (2019, 2020) else "2021"), findings
    return "prose", findings


def _source(read, doc) -> dict:
    """Where a cell was read, its raw text and flags; for a cell read by OCR its confidence (0–100: the lowest
    word confidence behind that text on the scanned pages, ocr.py)."""
    source = {"where": read.where, "raw": read.raw, "flags": list(read.flags)}
    if doc.confidence and "扫描件识别" in read.where:
        confidence = doc.confidence.get(" ".join(str(read.raw).split()))
        if confidence is not None:
            source["confidence"] = confidence
    return source


def import_document(data: bytes, name: str = "") -> dict:
    if not isinstance(data, bytes | bytearray):
        raise TypeError("import_document expects bytes")
    if len(data) > MAX_BYTES:
        return empty_result(name, [_finding("IMP-E01", "error", f"文件过大（{len(data)}字节，上限{MAX_BYTES}字节），未读取")])
    if not data.strip():
        return empty_result(name, [_finding("IMP-E02", "error", "文件为空")])
    # The time budget of one file (settings.GONGKAI_FILE_TIME_BUDGET_SECONDS) covers sniffing and reading.
    budget = file_reading.Budget(file_reading.default_seconds())
    kind = "binary"
    try:
        kind = sniff(bytes(data))
        if kind == "binary":  # an executable, an archive, an OFD…: refused by content, whatever its name
            reason = refusal(bytes(data)) or "无法识别的文件类型（不是PDF、DOCX、HTML、文本或扫描图像），未读取"
            return empty_result(name, [_finding("IMP-E02", "error", reason)])
        doc = read_bytes(bytes(data), kind, budget)
    except file_reading.FileTooSlow as slow:  # the time budget of the DOCX reader
        return empty_result(name, [_finding("IMP-E02", "error", f"无法在限定时间内读取：{slow.reason}", where=kind)])
    except file_reading.FileRefused as refused:  # a zip bomb, a DTD: nothing is kept
        return empty_result(name, [_finding("IMP-E02", "error", refused.for_file(), where=kind)])
    except PdfUnreadable as error:
        if re.search(r"超过\s*[\d.]+\s*秒", str(error)):  # the PDF reader's child process ran out of time
            return empty_result(name, [_finding("IMP-E02", "error", f"无法在限定时间内读取（{kind}，限定{budget.seconds:g}秒），"
                                                                  "已停止，未能体检；请检查文件是否异常")])
        return empty_result(name, [_finding("IMP-E02", "error", f"文件无法读取（{_KIND_NAMES.get(kind, kind)}）：{error}"[:300])])
    except Exception as error:  # noqa: BLE001 - a damaged PDF/DOCX is a finding, never a crash
        return empty_result(name, [_finding("IMP-E02", "error", f"文件无法读取（{kind}）：{type(error).__name__}: {error}"[:300])])
    findings = list(doc.findings)
    agency, year, _ = prose.find_title(doc.lines)
    if agency is None:
        agency = prose.find_signature(doc.lines)
    result = recognise(doc, year)
    fmt, fmt_findings = detect_format(result, year)
    findings += fmt_findings
    keep = _FORMAT_TABLES[fmt]
    cells = {cid: read for cid, read in result.cells.items() if cid.startswith(keep)}
    unreadable = {cid: where for cid, where in result.unreadable.items() if cid.startswith(keep)}
    findings += [f for f in result.findings if not f["cells"] or any(c.startswith(keep) for c in f["cells"])]
    if fmt != "prose":
        findings += [_finding("IMP-I07", "info", "表格中间重复出现表头行（分页），已跳过", [], where)
                     for where in result.repeated_headers]
    if fmt != "prose":
        findings += [_finding("unknown_label", "info", f"表中有未知的行“{label}”（{'、'.join(c or '空白' for c in cells)}），"
                              "按原样保留，未参与校验", [], where) for label, cells, where in result.unknown_rows]
    if fmt == "prose" and year is None:
        findings.append(_finding("IMP-W12", "warning", "没有找到“××××年政府信息公开工作年度报告”标题，也没有统计表：可能不是年度报告"))
    return {
        "source": name,
        "agency": agency,
        "year": year,
        "format": fmt,
        "cells": {cid: read.value for cid, read in sorted(cells.items())},
        "unreadable": sorted(unreadable),
        "prose_figures": prose.prose_figures(doc.lines, fmt),
        "findings": findings,
        # Beyond the contract, for people and diffs: where each cell was read, its raw text and flags.
        "cell_sources": {cid: _source(read, doc) for cid, read in sorted(cells.items())},
        "input_kind": kind,
        "prose_text": prose.prose_text(doc.lines),
        "period": prose.period_text(doc.lines),
        "published_on": prose.published_on(doc.lines),
        "headings": prose.headings(doc.lines),
        "unknown_rows": [{"label": label, "cells": cells, "where": where} for label, cells, where in result.unknown_rows]
        if fmt != "prose" else [],
    }
