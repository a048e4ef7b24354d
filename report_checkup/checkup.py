"""年报体检: import published annual reports (report_checkup.importers) and check them (report_formats.validation).

`check_file(path_or_bytes, name)` returns the checkup's JSON contract for one report; `check_many` does a
batch and adds the batch-level duplicate-wording check (D-W06, 内容雷同) across reports of the same year."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from gongkai import file_reading
from report_checkup.importers import import_document
from report_checkup.importers.decode import MAX_BYTES
from report_formats import validation as V
from report_formats.formats import ALL_CELLS, FORMATS, ReportFormat, format_for_year
from report_formats.prose import prose_facts

SUFFIXES = {".txt", ".text", ".md", ".htm", ".html", ".shtml", ".xhtml", ".mhtml", ".docx", ".pdf", ".tsv", ".csv",
            ".png", ".jpg", ".jpeg", ""}
SIMILARITY_THRESHOLD = V.SIMILARITY_THRESHOLD  # D-W06, one setting shared with the validator


def _agency_level(agency: str | None) -> str | None:
    if not agency:
        return None
    name = re.sub(r"(?:人民政府办公室|人民政府|办公室|党政办)$", "", agency)
    if name.endswith(("乡", "镇", "街道", "街道办事处")):
        return "township"
    if name.endswith(("县", "旗")) or (name.endswith("区") and "自治区" not in name):
        return "county"
    return None


def _finding_dict(f: V.Finding) -> dict:
    return {"code": f.code, "severity": str(f.severity), "cells": list(f.cells), "message": f.message,
            "where": f.where}


def check_bytes(data: bytes, name: str) -> dict:
    report = import_document(data, name)
    fmt, year = report["format"], report["year"]
    if fmt == "prose":
        if year is None:
            return report
        # No table: the document-level rules of the year's format still apply (D-E02, D-W01).
        report_format, cells = format_for_year(year), {}
    else:
        report_format = ReportFormat(fmt)
        coverage(report, report_format)
        # A cell not read (unreadable, or not found in a table that was found) is present but has no number
        # (flag unread): no identity that needs it runs, it is never an error and never a missing row.
        cells = {**report["cells"], **dict.fromkeys(report["unreadable"])}
    flags = {cid: src["flags"] for cid, src in report["cell_sources"].items()}
    flags.update({cid: ["unread"] for cid in report["unreadable"]})
    try:
        found = V.validate(cells, report_format=report_format, year=year, flags=flags,
                           prose_figures=prose_facts(report), period=report.get("period"),
                           agency_level=_agency_level(report["agency"]),
                           published_on=date.fromisoformat(report["published_on"]) if report.get("published_on")
                           else None)
    except Exception as error:  # noqa: BLE001 - a validator bug must not lose the import
        report["findings"].append({"code": "IMP-E03", "severity": "error", "cells": [],
                                   "message": f"校验程序出错：{type(error).__name__}: {error}"[:300], "where": ""})
        return report
    sources = report["cell_sources"]
    # Pages read by OCR: a heading or table not found may be one not recognised, so "missing" is 未能读取 there.
    scanned = any(f["code"] == "IMP-I14" for f in report["findings"])
    for f in found:
        d = _finding_dict(f)
        if not d["where"] and d["cells"] and d["cells"][0] in sources:
            d["where"] = sources[d["cells"][0]]["where"]
        if scanned and d["code"] in ("D-E01", "D-E02"):
            d["severity"] = UNREAD
            d["message"] += "（扫描件：可能是标题或表格未能识别，请对照原件核对）"
        report["findings"].append(d)
    return report


# Severity of a cell the reader could not read: its own class (未能读取), never an error or a warning.
UNREAD = "unread"
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示", UNREAD: "未能读取"}
# The importer's findings about cells it could not read (IMP-W01), and the per-table summary (IMP-U01).
UNREAD_CODES = {"IMP-W01", "IMP-U01"}


def coverage(report: dict, report_format: ReportFormat) -> None:
    """Per table of the format that the document has (a cell read or unreadable): how many cells were read of
    how many expected (report["tables"]). The expected cells not found join `unreadable`; the importer's
    IMP-W01 findings and one IMP-U01 summary per table with unread cells get the severity 未能读取."""
    spec = FORMATS[report_format]
    read, unreadable = set(report["cells"]), set(report["unreadable"])
    tables = []
    for table in spec.tables:
        ids = table.cell_ids()
        if not (read | unreadable) & set(ids):
            continue  # the table is absent (D-E02 says so when the year's format needs it)
        missing = [cid for cid in ids if cid not in read]
        if report_format not in (ReportFormat.F2019, ReportFormat.F2021):
            # The 2014 statistical table and local tables varied by place: a row not found may not be printed
            # at all, which the validator reports (missing_row). Only 表二–表四 are fixed by the template.
            missing = [cid for cid in missing if cid in unreadable]
        unreadable |= set(missing)
        name = V.TABLE_NAMES.get(table.id, table.id)
        tables.append({"table": table.id, "name": name, "expected": len(ids), "read": len(ids) - len(missing)})
        if missing:
            shown = "、".join(_cell_name(c) for c in missing[:8]) + ("等" if len(missing) > 8 else "")
            report["findings"].append({
                "code": "IMP-U01", "severity": UNREAD, "cells": missing, "where": name,
                "message": f"{name}应有{len(ids)}个单元格，读到{len(ids) - len(missing)}个；"
                           f"未能读取{len(missing)}个（{shown}），这些单元格不参与校验，请对照原件核对"})
    for f in report["findings"]:
        if f["code"] == "IMP-W01":
            f["severity"] = UNREAD
    report["unreadable"] = sorted(unreadable)
    report["tables"] = tables


def _cell_name(cid: str) -> str:
    spec = ALL_CELLS.get(cid)
    if spec is None:
        return cid
    return f"「{spec.row_label}」" if spec.table in ("lg", "fj") else f"「{spec.row_label} × {spec.column_label}」"


def tables_line(report: dict) -> str:
    """"表二 10/10，表三 120/126，表四 15/15" (cells read / expected per table), or ""."""
    return "，".join(f"{t['name']} {t['read']}/{t['expected']}" for t in report.get("tables") or [])


def check_file(path_or_bytes, name: str | None = None) -> dict:
    if isinstance(path_or_bytes, bytes | bytearray):
        return check_bytes(bytes(path_or_bytes), name or "")
    path = Path(path_or_bytes)
    try:
        data = file_reading.read_path(path, MAX_BYTES)  # refused by its size before anything is read
    except file_reading.FileRefused as error:
        return _refused(str(path), "IMP-E01", error.for_file(path.name))
    return check_bytes(data, name or path.name)


def _refused(source: str, code: str, message: str) -> dict:
    return {"source": source, "agency": None, "year": None, "format": "prose", "cells": {}, "unreadable": [],
            "prose_figures": [], "cell_sources": {},
            "findings": [{"code": code, "severity": "error", "cells": [], "message": message, "where": ""}]}


def expand_paths(paths: Iterable) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                          and not f.name.startswith("."))
        else:
            out.append(p)
    return out


def check_many(paths: Iterable, progress: Callable[[int, int, str], None] | None = None) -> list[dict]:
    files = expand_paths(paths)
    reports = []
    for i, path in enumerate(files, start=1):
        if progress:
            progress(i, len(files), str(path))
        try:
            from .limits import check_limited  # cycle: limits runs check_bytes of this module in its child

            # Refused by its size before it is read; then in a child process with the time and memory caps
            # (limits.py).
            reports.append(check_limited(file_reading.read_path(path, MAX_BYTES), path.name))
        except file_reading.FileRefused as error:
            reports.append(_refused(str(path), "IMP-E01", error.for_file(path.name)))
        except OSError as error:
            reports.append(_refused(str(path), "IMP-E02", f"文件无法读取：{error}"))
    duplicate_wording(reports)
    return reports


def duplicate_wording(reports: list[dict], threshold: float = SIMILARITY_THRESHOLD) -> None:
    """D-W06 across a batch: the prose (tables excluded) of two reports of the same year by different agencies,
    or of one agency in consecutive years, shares ≥ threshold of its 5-character shingles."""
    shingles = [_shingles(r.get("prose_text") or "") for r in reports]
    for i, a in enumerate(reports):
        for j in range(i + 1, len(reports)):
            b = reports[j]
            same_agency = a.get("agency") and a.get("agency") == b.get("agency")
            years = (a.get("year"), b.get("year"))
            comparable = (years[0] == years[1] and not same_agency) or (
                same_agency and None not in years and abs(years[0] - years[1]) == 1)
            if not comparable or not shingles[i] or not shingles[j]:
                continue
            score = len(shingles[i] & shingles[j]) / len(shingles[i] | shingles[j])
            if score >= threshold:
                for this, other in ((a, b), (b, a)):
                    this["findings"].append({
                        "code": "D-W06", "severity": "warning", "cells": [],
                        "message": f"正文与《{other.get('source')}》（{other.get('agency') or '未知机关'}"
                                   f"{other.get('year') or ''}）的相似度为{score:.0%}（五字片段重合率，阈值"
                                   f"{threshold:.0%}），可能存在“内容雷同”",
                        "where": ""})


def _shingles(text: str, k: int = 5) -> set[str]:
    # Same measure as report_formats.validation.shingle_similarity, computed once per report for the batch.
    t = re.sub(r"\s+", "", text)
    return {t[i:i + k] for i in range(max(len(t) - k + 1, 0))}


def counts(report: dict) -> dict[str, int]:
    """Findings per severity; "unread" counts the cells not read (not findings), never errors."""
    out = {"error": 0, "warning": 0, "info": 0}
    for f in report.get("findings", []):
        if f["severity"] != UNREAD:
            out[f["severity"]] = out.get(f["severity"], 0) + 1
    out[UNREAD] = len(report.get("unreadable") or [])
    return out
