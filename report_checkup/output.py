"""Output of `gongkai checkup`: JSON (the contract), XLSX (reports / findings / cells sheets) and a
self-contained Chinese HTML page (no external CSS or JS)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from gongkai.spreadsheet_cells import append
from report_checkup.checkup import SEVERITY_LABELS, counts, tables_line

SEVERITY = SEVERITY_LABELS  # error 错误, warning 警告, info 提示, unread 未能读取 (a cell not read: never an error)
FORMAT = {"2021": "2021年格式", "2019": "2019年试行格式", "legacy": "2014年统计表", "local": "地方统计表",
          "prose": "无统计表"}
CONTRACT_KEYS = ("source", "agency", "year", "format", "cells", "unreadable", "prose_figures", "findings")


def _contract(report: dict) -> dict:
    out = {k: report.get(k) for k in CONTRACT_KEYS}
    out["prose_figures"] = [{"text": f["text"], "value": f["value"], "refers_to": f["refers_to"]}
                            for f in report.get("prose_figures", [])]
    out["cell_sources"] = report.get("cell_sources", {})
    out["tables"] = report.get("tables", [])  # per table: cells read of cells expected
    return out


def write_json(reports: list[dict], path) -> None:
    Path(path).write_text(json.dumps([_contract(r) for r in reports], ensure_ascii=False, indent=1), encoding="utf-8")


def write_xlsx(reports: list[dict], path) -> None:
    # lazy: openpyxl (~25 MB, ~0.7 s to import) only when results are written as XLSX
    from openpyxl import Workbook
    from openpyxl.styles import Font

    # Every cell through gongkai.spreadsheet_cells: uploaded file names and report text never run as formulas.
    book = Workbook()
    sheet = book.active
    sheet.title = "报告"
    append(sheet, ["文件", "机关", "年度", "格式", "错误", "警告", "提示", "单元格数", "未能读取", "各表读取（读到/应有）"])
    for r in reports:
        c = counts(r)
        append(sheet, [r.get("source"), r.get("agency"), r.get("year"), FORMAT.get(r.get("format"), r.get("format")),
                      c["error"], c["warning"], c["info"], len(r.get("cells", {})), c["unread"], tables_line(r)])
    findings = book.create_sheet("问题")
    append(findings, ["文件", "机关", "年度", "代码", "级别", "说明", "单元格", "位置"])
    for r in reports:
        for f in r.get("findings", []):
            append(findings, [r.get("source"), r.get("agency"), r.get("year"), f["code"],
                             SEVERITY.get(f["severity"], f["severity"]), f["message"], "、".join(f["cells"]), f["where"]])
    cells = book.create_sheet("单元格")
    append(cells, ["文件", "机关", "年度", "单元格", "值", "原文", "位置", "标记"])
    for r in reports:
        sources = r.get("cell_sources", {})
        for cid, value in r.get("cells", {}).items():
            src = sources.get(cid, {})
            append(cells, [r.get("source"), r.get("agency"), r.get("year"), cid, value, src.get("raw"), src.get("where"),
                          "、".join(src.get("flags", []))])
        for cid in r.get("unreadable", []):
            append(cells, [r.get("source"), r.get("agency"), r.get("year"), cid, None, None, None, "未能读取"])
    for ws in (sheet, findings, cells):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    book.save(path)


_CSS = """body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:3px 8px;font-size:14px}
th{background:#f0f0f0}.error{color:#b00020;font-weight:bold}.warning{color:#a45a00}.info{color:#555}.unread{color:#555;font-style:italic}
h2{border-bottom:2px solid #ccc;padding-bottom:4px}.num{text-align:right}"""


def write_html(reports: list[dict], path) -> None:
    e = html.escape
    parts = ["<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>年报体检结果</title>",
             f"<style>{_CSS}</style></head><body><h1>政府信息公开工作年度报告体检结果</h1>",
             "<h2>概览</h2><table><tr><th>文件</th><th>机关</th><th>年度</th><th>格式</th><th>错误</th><th>警告</th>"
             "<th>提示</th><th>单元格</th><th>未能读取</th><th>各表读取（读到/应有）</th></tr>"]
    for i, r in enumerate(reports):
        c = counts(r)
        parts.append(f"<tr><td><a href='#r{i}'>{e(str(r.get('source')))}</a></td><td>{e(r.get('agency') or '—')}</td>"
                     f"<td>{r.get('year') or '—'}</td><td>{e(FORMAT.get(r.get('format'), str(r.get('format'))))}</td>"
                     f"<td class='num error'>{c['error']}</td><td class='num warning'>{c['warning']}</td>"
                     f"<td class='num info'>{c['info']}</td><td class='num'>{len(r.get('cells', {}))}</td>"
                     f"<td class='num'>{c['unread']}</td><td>{e(tables_line(r) or '—')}</td></tr>")
    parts.append("</table>")
    for i, r in enumerate(reports):
        parts.append(f"<h2 id='r{i}'>{e(r.get('agency') or '（未识别机关）')} {r.get('year') or ''}"
                     f"（{e(str(r.get('source')))}）</h2>")
        if r.get("findings"):
            parts.append("<table><tr><th>级别</th><th>代码</th><th>说明</th><th>位置</th></tr>")
            for f in r["findings"]:
                parts.append(f"<tr><td class='{e(f['severity'])}'>{SEVERITY.get(f['severity'], e(f['severity']))}</td>"
                             f"<td>{e(f['code'])}</td><td>{e(f['message'])}</td><td>{e(f.get('where') or '')}</td></tr>")
            parts.append("</table>")
        else:
            parts.append("<p>未发现问题。</p>")
        if r.get("cells"):
            parts.append("<details><summary>已读取的单元格</summary><table><tr><th>单元格</th><th>值</th><th>原文</th>"
                         "<th>位置</th></tr>")
            sources = r.get("cell_sources", {})
            for cid, value in r["cells"].items():
                src = sources.get(cid, {})
                shown = "（空白）" if value is None else str(value)
                parts.append(f"<tr><td>{e(cid)}</td><td class='num'>{e(shown)}</td><td>{e(src.get('raw') or '')}</td>"
                             f"<td>{e(src.get('where') or '')}</td></tr>")
            parts.append("</table></details>")
    parts.append("</body></html>")
    Path(path).write_text("\n".join(parts), encoding="utf-8")
