"""Generates the PDF corpus of the 年报体检 (report_checkup/tests/corpus/files): annual reports in the 2021
format (and one in the 2019 format) made with the tools agencies use — WeasyPrint from HTML, LibreOffice from
a DOCX written by python-docx, reportlab — varied on purpose the way published reports vary: labels wrapped
over two or three lines with the numbers on the first or the middle line, the 表三 and 表四 headers with their
spans, 表三 broken across pages with and without repeated headers, landscape pages (one stored turned, /Rotate), blank cells for zero,
thin spaces inside numbers, text drawn glyph by glyph in shuffled order, fonts without a ToUnicode map
(their text must come out unreadable), 表四 printed as two tables, （六）其他处理 as one row in a 2021 report,
label typos, 2019 labels in a 2021 report; consistent reports and reports with planted inconsistencies.

Beside each `<name>.pdf` is `<name>.json`: the class of the input, the cells it prints (cell id → value as the
importer's JSON contract gives it), whether its text is expected to be unreadable, and the planted
inconsistencies (the cell changed; the checkup must report an error naming it). The numbers are drawn from a
seeded generator, so a rerun gives the same files.

    .venv/bin/python report_checkup/tests/corpus/make_corpus.py        # needs soffice and reportlab

Only this script needs LibreOffice (Debian libreoffice-writer-nogui) and reportlab (pip); the tests and
bench/auditor.py read the committed files. The labels are typed here from the published format, not taken
from report_formats, so that the corpus tests the importer against printed text and not against itself."""

from __future__ import annotations

import html
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
# A TrueType CJK font (Debian fonts-wqy-microhei): its subsets are small, so the corpus stays small; the
# CFF-based Noto CJK subsets WeasyPrint makes are about 250 kB per report.
FONT = "WenQuanYi Micro Hei"
OUT = HERE / "files"

APPLICANT = ("natural_person", "commercial_enterprise", "research_institution", "public_welfare_org",
             "legal_service_org", "other_org", "total")
T4_COLS = [f"{b}.{c}" for b in ("review", "suit_direct", "suit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]
RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# 表三 rows: (group labels, printed label, row id); F2021.
G3 = "三、本年度办理结果"
T3_2021 = [
    ((), "一、本年新收政府信息公开申请数量", "received_new"),
    ((), "二、上年结转政府信息公开申请数量", "carried_in"),
    ((G3,), "（一）予以公开", "granted"),
    ((G3,), "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ((G3, "（三）不予公开"), "1.属于国家秘密", "withheld_state_secret"),
    ((G3, "（三）不予公开"), "2.其他法律行政法规禁止公开", "withheld_prohibited_by_law"),
    ((G3, "（三）不予公开"), "3.危及“三安全一稳定”", "withheld_security_stability"),
    ((G3, "（三）不予公开"), "4.保护第三方合法权益", "withheld_third_party_rights"),
    ((G3, "（三）不予公开"), "5.属于三类内部事务信息", "withheld_internal_affairs"),
    ((G3, "（三）不予公开"), "6.属于四类过程性信息", "withheld_process_info"),
    ((G3, "（三）不予公开"), "7.属于行政执法案卷", "withheld_enforcement_file"),
    ((G3, "（三）不予公开"), "8.属于行政查询事项", "withheld_admin_inquiry"),
    ((G3, "（四）无法提供"), "1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ((G3, "（四）无法提供"), "2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ((G3, "（四）无法提供"), "3.补正后申请内容仍不明确", "unavailable_still_unclear"),
    ((G3, "（五）不予处理"), "1.信访举报投诉类申请", "not_processed_complaint"),
    ((G3, "（五）不予处理"), "2.重复申请", "not_processed_duplicate"),
    ((G3, "（五）不予处理"), "3.要求提供公开出版物", "not_processed_publication"),
    ((G3, "（五）不予处理"), "4.无正当理由大量反复申请", "not_processed_excessive"),
    ((G3, "（五）不予处理"), "5.要求行政机关确认或重新出具已获取信息", "not_processed_reconfirmation"),
    ((G3, "（六）其他处理"), "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ((G3, "（六）其他处理"), "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_fee_unpaid"),
    ((G3, "（六）其他处理"), "3.其他", "other_misc"),
    ((G3,), "（七）总计", "closed_total"),
    ((), "四、结转下年度继续办理", "carried_out"),
]
OTHER_2021 = ("other_no_correction", "other_fee_unpaid", "other_misc")
# （六）其他处理 as one row (the 2019 trial format, still printed in some 2021-format reports)
T3_OTHER_ONE_ROW = [r for r in T3_2021 if r[2] not in OTHER_2021]
T3_OTHER_ONE_ROW.insert(len(T3_OTHER_ONE_ROW) - 2, ((G3,), "（六）其他处理", "other"))
BALANCE = ("received_new", "carried_in", "closed_total", "carried_out")

# 表二 (2021): (block title, columns [(label, id)], rows [(label, row id)])
T2_2021 = [
    ("第二十条第（一）项", [("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件数", "in_force")],
     [("规章", "rules"), ("行政规范性文件", "normative_docs")]),
    ("第二十条第（五）项", [("本年处理决定数量", "decisions")], [("行政许可", "licensing")]),
    ("第二十条第（六）项", [("本年处理决定数量", "decisions")], [("行政处罚", "penalty"), ("行政强制", "coercion")]),
    ("第二十条第（八）项", [("本年收费金额（单位：万元）", "amount")], [("行政事业性收费", "fees")]),
]
# 表二 with the 2019 trial format's labels (printed by agencies that kept last year's template)
T2_2019 = [
    ("第二十条第（一）项", [("本年新制作数量", "created"), ("本年新公开数量", "published"), ("对外公开总数量", "total_public")],
     [("规章", "rules"), ("规范性文件", "normative_docs")]),
    ("第二十条第（五）项", [("上一年项目数量", "prev_items"), ("本年增/减", "change"), ("处理决定数量", "decisions")],
     [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")]),
    ("第二十条第（六）项", [("上一年项目数量", "prev_items"), ("本年增/减", "change"), ("处理决定数量", "decisions")],
     [("行政处罚", "penalty"), ("行政强制", "coercion")]),
    ("第二十条第（八）项", [("上一年项目数量", "prev_items"), ("本年增/减", "change")], [("行政事业性收费", "fees")]),
]

TYPOS = {"2.其他法律行政法规禁止公开": "2.其他法律行政止公开", "3.危及“三安全一稳定”": "3.危机“三安全一稳定”",
         "1.属于国家秘密": "1.属于国家机密"}

AGENCIES = ("青山区人民政府", "临川县人民政府办公室", "云溪区教育局", "白石镇人民政府", "东湖区卫生健康委员会",
            "南岭县自然资源局", "北塘区住房和城乡建设局", "西江县人民政府")


@dataclass
class Report:
    name: str
    tool: str  # weasyprint, libreoffice, reportlab
    year: int = 2023
    agency: str = ""
    t2: list = field(default_factory=lambda: T2_2021)
    t3_rows: list = field(default_factory=lambda: T3_2021)
    values: dict = field(default_factory=dict)  # cell id → int / str (the true numbers)
    printed: dict = field(default_factory=dict)  # cell id → printed text
    options: dict = field(default_factory=dict)
    planted: list = field(default_factory=list)  # cell ids whose printed value contradicts the others
    unreadable: bool = False  # the text cannot be decoded: every cell must come out unreadable or absent

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def t2_prefix(self) -> str:
        return "t2v19" if self.t2 is T2_2019 else "t2"


def make_values(rng: random.Random, report: Report, big: bool = False) -> None:
    v: dict = {}
    for _, columns, rows in report.t2:
        for _, rid in rows:
            for _, cid in columns:
                key = f"{report.t2_prefix()}.{rid}.{cid}"
                if cid == "amount":
                    v[key] = f"{rng.randint(0, 9999)}.{rng.randint(0, 99):02d}"
                elif rid == "rules":
                    v[key] = 0  # a county-level agency makes no 规章
                elif cid == "change":
                    v[key] = rng.randint(-3, 3)
                else:
                    v[key] = rng.randint(1000, 99999) if big and cid in ("decisions", "in_force", "total_public") \
                        else rng.randint(0, 300)
    ids = [rid for _, _, rid in report.t3_rows]
    leaves = [r for r in ids if r not in BALANCE]
    cols = APPLICANT[:6]
    for rid in leaves:
        for c in cols:
            v[f"t3.{rid}.{c}"] = rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 13, 21, 40)) if c == "natural_person" or \
                rng.random() < 0.3 else 0
    for c in cols:
        closed = sum(v[f"t3.{rid}.{c}"] for rid in leaves)
        carried_in = rng.randint(0, min(closed, 6))
        carried_out = rng.randint(0, 6)
        v[f"t3.closed_total.{c}"] = closed
        v[f"t3.carried_in.{c}"] = carried_in
        v[f"t3.carried_out.{c}"] = carried_out
        v[f"t3.received_new.{c}"] = closed + carried_out - carried_in
    for rid in ids:
        v[f"t3.{rid}.total"] = sum(v[f"t3.{rid}.{c}"] for c in cols)
    for block in ("review", "suit_direct", "suit_after_review"):
        parts = [rng.choice((0, 0, 1, 2, 3, 7, 12)) for _ in range(4)]
        for c, n in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            v[f"t4.{block}.{c}"] = n
        v[f"t4.{block}.total"] = sum(parts)
    report.values = v


def plant(report: Report, cid: str, delta: int = 1) -> None:
    """A printed number that contradicts the others (a total that is not the sum of its parts)."""
    report.values[cid] += delta
    report.planted.append(cid)


def printed(report: Report, value) -> str:
    opts = report.options
    if isinstance(value, str):
        return value
    if value == 0 and opts.get("blank_zero"):
        return ""
    text = str(value)
    if opts.get("thin") and abs(value) >= 1000:
        text = re.sub(r"(?<=\d)(?=(\d{3})+$)", "\u2009", text)
    return text


def expected_cells(report: Report) -> dict:
    out = {}
    for cid, value in report.values.items():
        text = printed(report, value)
        out[cid] = None if text == "" else value
    return out


def prose(report: Report) -> list[str]:
    v = report.values
    return [
        "一、总体情况",
        f"本报告由{report.agency}根据《中华人民共和国政府信息公开条例》编制，统计期限为{report.year}年1月1日至"
        f"{report.year}年12月31日。",
        f"{report.year}年，本机关共收到政府信息公开申请{v['t3.received_new.total']}件，"
        f"上年结转{v['t3.carried_in.total']}件。",
        "二、主动公开政府信息情况",
    ]


TAIL = ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]


# --- WeasyPrint (HTML) ---------------------------------------------------------------------------------------

def _td(text, rowspan=1, colspan=1, cls="") -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    attrs += f' class="{cls}"' if cls else ""
    return f"<td{attrs}>{html.escape(text).replace(chr(10), '<br>')}</td>"


def as_html(report: Report) -> str:
    o = report.options
    v = report.values
    page = o.get("page", "A4")
    css = (f"@page {{ size: {page}; margin: {o.get('margin', '2cm')} }} "
           f"body {{ font-family: 'WenQuanYi Micro Hei', sans-serif; font-size: {o.get('font', '10.5pt')} }} "
           "table { border-collapse: collapse; width: 100%; margin: 6pt 0 } "
           f"td {{ border: 0.75pt solid black; padding: 2pt 3pt; vertical-align: {o.get('valign', 'middle')}; "
           "text-align: center } td.label { text-align: left } "
           f"td.label {{ width: {o.get('label_width', 'auto')} }} h1 {{ font-size: 16pt; font-weight: normal; text-align: center }}"
           " table.unruled td { border: none }")  # 表三 and 表四 set by spaces alone, 表二 ruled
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>",
             f"<h1>{html.escape(report.title)}</h1>"]
    body = prose(report)
    parts += [f"<p>{html.escape(p)}</p>" for p in body]
    parts.append("<table class='unruled'>" if o.get("unruled_all") else "<table>")
    for title, columns, rows in report.t2:
        n = len(columns)
        parts.append(f"<tr>{_td(title, colspan=1 + max(n, 3))}</tr>")
        span = 3 if n == 1 else 1
        parts.append("<tr>" + _td("信息内容") + "".join(_td(c, colspan=span if n == 1 else (2 if n == 2 else 1))
                                                       for c, _ in columns) + "</tr>")
        for label, rid in rows:
            cells = [printed(report, v[f"{report.t2_prefix()}.{rid}.{cid}"]) for _, cid in columns]
            parts.append("<tr>" + _td(label, cls="label") + "".join(
                _td(c, colspan=3 if n == 1 else (2 if n == 2 and k == 1 else 1)) for k, c in enumerate(cells)) + "</tr>")
    parts.append("</table><p>三、收到和处理政府信息公开申请情况</p>"
                 + ("<table class='unruled'>" if o.get("unruled") else "<table>"))
    header = ["<tr>" + _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3)
              + _td("申请人情况", colspan=7) + "</tr>",
              "<tr>" + _td("自然人", 2) + _td("法人或其他组织", colspan=5) + _td("总计", 2) + "</tr>",
              "<tr>" + "".join(_td(c) for c in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>"]
    if o.get("thead"):
        parts.append("<thead>" + "".join(header) + "</thead><tbody>")
    else:
        parts += header
    spans: dict = {}
    for groups, _, _ in report.t3_rows:
        for depth, g in enumerate(groups):
            spans[(depth, g)] = spans.get((depth, g), 0) + 1
    opened = set()
    for groups, label, rid in report.t3_rows:
        label = TYPOS.get(label, label) if o.get("typos") else label
        cells = ""
        for depth, g in enumerate(groups):
            if (depth, g) not in opened:
                opened.add((depth, g))
                cells += _td(g, rowspan=spans[(depth, g)], cls="label")
        cells += _td(label, colspan=3 - len(groups), cls="label")
        parts.append("<tr>" + cells + "".join(_td(printed(report, v[f"t3.{rid}.{c}"])) for c in APPLICANT) + "</tr>")
    parts.append(("</tbody>" if o.get("thead") else "") + "</table><p>四、政府信息公开行政复议、行政诉讼情况</p>")
    t4 = [printed(report, v[f"t4.{c}"]) for c in T4_COLS]
    t4_at = len(parts)
    if o.get("t4_bands"):  # one table, 表四's fifteen columns printed in two bands one under the other
        parts.append("<table><tr>" + _td("行政复议", colspan=10) + "</tr><tr>" + "".join(_td(r, colspan=2) for r in RESULTS)
                     + "</tr><tr>" + "".join(_td(x, colspan=2) for x in t4[:5]) + "</tr><tr>" + _td("行政诉讼", colspan=10)
                     + "</tr><tr>" + _td("未经复议直接起诉", colspan=5) + _td("复议后起诉", colspan=5) + "</tr><tr>"
                     + "".join(_td(r) for r in RESULTS * 2) + "</tr><tr>" + "".join(_td(x) for x in t4[5:])
                     + "</tr></table>")
    elif o.get("t4_split"):
        parts.append("<table><tr>" + _td("行政复议", colspan=5) + "</tr><tr>" + "".join(_td(r) for r in RESULTS)
                     + "</tr><tr>" + "".join(_td(x) for x in t4[:5]) + "</tr></table>")
        parts.append("<table><tr>" + _td("行政诉讼", colspan=10) + "</tr><tr>" + _td("未经复议直接起诉", colspan=5)
                     + _td("复议后起诉", colspan=5) + "</tr><tr>" + "".join(_td(r) for r in RESULTS * 2) + "</tr><tr>"
                     + "".join(_td(x) for x in t4[5:]) + "</tr></table>")
    else:
        parts.append("<table><tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr><tr>"
                     + "".join(_td(r, 2) for r in RESULTS) + _td("未经复议直接起诉", colspan=5)
                     + _td("复议后起诉", colspan=5) + "</tr><tr>" + "".join(_td(r) for r in RESULTS * 2)
                     + "</tr><tr>" + "".join(_td(x) for x in t4) + "</tr></table>")
    if o.get("unruled"):
        parts[t4_at:] = [part.replace("<table>", "<table class='unruled'>") for part in parts[t4_at:]]
    parts += [f"<p>{html.escape(p)}</p>" for p in TAIL]
    parts.append("</body></html>")
    return "\n".join(parts)


def weasyprint_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=as_html(report)).write_pdf()


# --- python-docx → LibreOffice -------------------------------------------------------------------------------

def as_docx(report: Report) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    o = report.options
    v = report.values
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(o.get("font_pt", 10.5))
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    if o.get("landscape"):
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    valign = {"top": WD_CELL_VERTICAL_ALIGNMENT.TOP, "middle": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
              "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM}[o.get("valign", "middle")]
    document.add_paragraph(report.title)
    for p in prose(report):
        document.add_paragraph(p)

    def table(rows, cols):
        t = document.add_table(rows=rows, cols=cols)
        t.style = "Table Grid"
        return t

    def put(cell, text):
        cell.text = text
        cell.vertical_alignment = valign

    for title, columns, rows in report.t2:
        n = len(columns)
        t = table(2 + len(rows), 1 + n)
        t.cell(0, 0).merge(t.cell(0, n)).text = title
        for c, (text, _) in enumerate([("信息内容", None), *columns]):
            put(t.cell(1, c), text)
        for r, (label, rid) in enumerate(rows, start=2):
            put(t.cell(r, 0), label)
            for c, (_, cid) in enumerate(columns, start=1):
                put(t.cell(r, c), printed(report, v[f"{report.t2_prefix()}.{rid}.{cid}"]))
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    rows3 = report.t3_rows
    t = table(3 + len(rows3), 10)
    t.cell(0, 0).merge(t.cell(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for c, text in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"), start=4):
        put(t.cell(2, c), text)
    if o.get("repeat_header"):
        for r in range(3):
            tr_pr = t.rows[r]._tr.get_or_add_trPr()
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            tr_pr.append(el)
    first, last = {}, {}
    for r, (groups, label, rid) in enumerate(rows3, start=3):
        label = TYPOS.get(label, label) if o.get("typos") else label
        for depth, g in enumerate(groups):
            first.setdefault((depth, g), r)
            last[(depth, g)] = r
        cell = t.cell(r, len(groups))
        if len(groups) < 2:
            cell = cell.merge(t.cell(r, 2))
        put(cell, label)
        for c, col in enumerate(APPLICANT, start=3):
            put(t.cell(r, c), printed(report, v[f"t3.{rid}.{col}"]))
    for (depth, g), r0 in first.items():
        cell = t.cell(r0, depth).merge(t.cell(last[(depth, g)], depth))
        put(cell, g)
    if o.get("label_cm"):
        widths = [Cm(o["label_cm"])] * 3 + [Cm(1.3)] * 7
        for row in t.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = width
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = table(4, 15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    for c, r in enumerate(RESULTS):
        t.cell(1, c).merge(t.cell(2, c)).text = r
    t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
    t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
    for c, r in enumerate(RESULTS * 2, start=5):
        t.cell(2, c).text = r
    for c, col in enumerate(T4_COLS):
        put(t.cell(3, c), printed(report, v[f"t4.{col}"]))
    for p in TAIL:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def libreoffice_pdf(report: Report) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("需要 LibreOffice（Debian: apt-get install libreoffice-writer-nogui）")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{report.name}.docx"
        source.write_bytes(as_docx(report))
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",  # noqa: S603
                        "--outdir", tmp, str(source)], check=True, capture_output=True, timeout=180)
        return (Path(tmp) / f"{report.name}.pdf").read_bytes()


# --- reportlab ---------------------------------------------------------------------------------------------

def reportlab_pdf(report: Report) -> bytes:
    """Drawn cell by cell on a canvas, as report generators in office systems do: ruled lines, labels
    wrapped by hand over two or three lines with the numbers on the middle (or first) line; optionally every
    glyph drawn on its own in shuffled order; optionally the numbers in an embedded subset font whose
    ToUnicode map is removed afterwards (glyph codes only)."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    rl_config.useA85 = 0  # binary streams, as office software writes them (ASCII85 text is not what agencies publish)
    o = report.options
    v = report.values
    rng = random.Random(report.name)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    digits_font = "STSong-Light"
    if o.get("garbled_digits"):
        pdfmetrics.registerFont(TTFont("Digits", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"))
        digits_font = "Digits"
    size = landscape(A4) if o.get("landscape") else A4
    width, height = size
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=size)
    fs = 9
    glyphs = o.get("glyphs")

    def text(x, y, s, font="STSong-Light"):
        if not glyphs:
            c.setFont(font, fs)
            c.drawString(x, y, s)
            return
        pieces = []
        for ch in s:
            pieces.append((x, ch))
            x += pdfmetrics.stringWidth(ch, font, fs)
        rng.shuffle(pieces)
        for px, ch in pieces:
            c.setFont(font, fs)
            c.drawString(px, y, ch)

    margin = 50
    y = height - margin
    c.setFont("STSong-Light", 14)
    c.drawString(margin, y, report.title)
    y -= 28
    for p in prose(report):
        text(margin, y, p)
        y -= 16

    def wrap(label, n):
        return [label[i:i + n] for i in range(0, len(label), n)] or [""]

    def draw_table(rows, col_widths, line_h=13, first_line=False, ruled=True):
        """rows: [(cells: [(text, colspan)], is_number flags)]; one grid row per entry, no row spans."""
        nonlocal y
        for cells in rows:
            wrapped = [wrap(t, max(int(w_ / (fs + 0.5)), 1)) if not num else [t]
                       for (t, span, num), w_ in zip(cells, _span_widths(cells, col_widths), strict=True)]
            lines = max(len(w) for w in wrapped)
            h = lines * line_h + 6
            if y - h < margin:
                c.showPage()
                y = height - margin
            x = margin
            for (t, _span, num), w_, wl in zip(cells, _span_widths(cells, col_widths), wrapped, strict=True):
                if ruled:
                    c.rect(x, y - h, w_, h, stroke=1, fill=0)
                if num:
                    row = 0 if first_line else (lines - 1) / 2
                    if t:
                        text(x + w_ / 2 - len(t) * 2.5, y - 3 - (row + 1) * line_h + 3, t, digits_font)
                else:
                    for k, piece in enumerate(wl):
                        text(x + 3, y - 3 - (k + 1) * line_h + 3, piece)
                x += w_
            y -= h
        y -= 12

    def _span_widths(cells, widths):
        out, k = [], 0
        for _, span, _ in cells:
            out.append(sum(widths[k:k + span]))
            k += span
        return out

    usable = width - 2 * margin
    t2rows = []
    for title, columns, rows in report.t2:
        n = len(columns)
        t2rows.append([(title, 4, False)])
        spans = [3] if n == 1 else [1] * n
        t2rows.append([("信息内容", 1, False), *((lbl, s, False) for (lbl, _), s in zip(columns, spans, strict=True))])
        for label, rid in rows:
            t2rows.append([(label, 1, False), *((printed(report, v[f"{report.t2_prefix()}.{rid}.{cid}"]), s, True)
                                                for (_, cid), s in zip(columns, spans, strict=True))])
    draw_table(t2rows, [usable * 0.4] + [usable * 0.2] * 3, ruled=not o.get("unruled_all"))
    text(margin, y, "三、收到和处理政府信息公开申请情况")
    y -= 18
    label_w = usable * (0.42 if o.get("landscape") else 0.36)
    num_w = (usable - label_w) / 7
    t3rows = [[("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 1, False), ("申请人情况", 7, False)],
              [("", 1, False), ("自然人", 1, False), ("法人或其他组织", 5, False), ("总计", 1, False)],
              [("", 1, False), ("", 1, False), *((h, 1, False) for h in ("商业企业", "科研机构", "社会公益组织",
                                                                       "法律服务机构", "其他")), ("", 1, False)]]
    for _groups, label, rid in report.t3_rows:
        t3rows.append([(label, 1, False), *((printed(report, v[f"t3.{rid}.{col}"]), 1, True) for col in APPLICANT)])
    draw_table(t3rows, [label_w] + [num_w] * 7, first_line=o.get("valign") == "top", ruled=not o.get("unruled"))
    text(margin, y, "四、政府信息公开行政复议、行政诉讼情况")
    y -= 18
    w4 = usable / 15
    t4rows = [[("行政复议", 5, False), ("行政诉讼", 10, False)],
              [*(("", 1, False),) * 5, ("未经复议直接起诉", 5, False), ("复议后起诉", 5, False)],
              [*((r, 1, False) for r in RESULTS * 3)],
              [*((printed(report, v[f"t4.{col}"]), 1, True) for col in T4_COLS)]]
    draw_table(t4rows, [w4] * 15, ruled=not o.get("unruled"))
    for p in TAIL:
        text(margin, y, p)
        y -= 16
    c.save()
    data = buffer.getvalue()
    if o.get("garbled_digits"):
        data = data.replace(b"/ToUnicode", b"/ToUnicodX")  # same length: the cross-reference offsets hold
    return data  # (reportlab writes its font dictionaries uncompressed, so the renaming reaches every one)


def turned(data: bytes) -> bytes:
    """A landscape page stored as a portrait page with its content turned and /Rotate 270 (as some printer
    drivers and scanners' PDF writers do): it looks the same, its text runs up the page."""
    import pypdf
    from pypdf import Transformation

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        page.add_transformation(Transformation().rotate(90).translate(height, 0))
        page.mediabox = pypdf.generic.RectangleObject([0, 0, height, width])
        page.rotation = 270
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def strip_tounicode(data: bytes) -> bytes:
    """Every font's ToUnicode map removed (pypdf rewrites the file): what a PDF made by an old converter or
    a font without a Unicode cmap looks like. The glyphs still print right; their codes mean nothing."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        for ref in (fonts.get_object().values() if fonts is not None else []):
            font = ref.get_object()
            if "/ToUnicode" in font:
                del font["/ToUnicode"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the corpus ----------------------------------------------------------------------------------------------

def corpus() -> list[Report]:
    rng = random.Random(20261207)
    reports: list[Report] = []

    def add(name, tool, planted=(), big=False, **kw):
        options = kw.pop("options", {})
        report = Report(name, tool, agency=AGENCIES[len(reports) % len(AGENCIES)], options=options, **kw)
        make_values(rng, report, big=big or options.get("thin", False))
        for column in options.get("empty_columns", ()):  # no applicant of this kind all year: a column of zeros
            for key in [k for k in report.values if k.startswith("t3.") and k.endswith(f".{column}")]:
                report.values[key] = 0
            for _, _, rid in report.t3_rows:
                report.values[f"t3.{rid}.total"] = sum(report.values[f"t3.{rid}.{c}"] for c in APPLICANT[:6])
        for cid in planted:
            plant(report, cid)
        reports.append(report)

    # WeasyPrint
    add("wp-a4-wrapped-middle", "weasyprint", options={"label_width": "22%"})
    add("wp-a4-wrapped-top", "weasyprint", options={"label_width": "18%", "valign": "top"})
    add("wp-a4-thead-repeated", "weasyprint", options={"thead": True, "font": "12pt"})
    add("wp-a4-no-repeat-break", "weasyprint", options={"font": "12pt"})
    add("wp-landscape", "weasyprint", options={"page": "A4 landscape"})
    add("wp-blank-zero", "weasyprint", options={"blank_zero": True})
    add("wp-thin-spaces", "weasyprint", options={"thin": True})
    add("wp-t4-split", "weasyprint", options={"t4_split": True})
    add("wp-other-one-row", "weasyprint", t3_rows=T3_OTHER_ONE_ROW)
    add("wp-typos", "weasyprint", options={"typos": True})
    add("wp-2019-labels", "weasyprint", t2=T2_2019)
    add("wp-2019-format", "weasyprint", year=2020, t2=T2_2019, t3_rows=T3_OTHER_ONE_ROW)
    add("wp-planted-t3-total", "weasyprint", planted=["t3.closed_total.total"], options={"label_width": "20%"})
    add("wp-planted-t4", "weasyprint", planted=["t4.review.total", "t4.suit_after_review.total"])
    add("wp-planted-row-total", "weasyprint", planted=["t3.granted.total"], options={"page": "A4 landscape"})
    add("wp-garbled-font", "weasyprint", options={"garbled": True})
    # LibreOffice from python-docx
    add("lo-portrait", "libreoffice")
    add("lo-narrow-labels-middle", "libreoffice", options={"label_cm": 2.2})
    add("lo-narrow-labels-top", "libreoffice", options={"label_cm": 2.0, "valign": "top"})
    add("lo-repeat-header", "libreoffice", options={"repeat_header": True, "font_pt": 12})
    add("lo-no-repeat", "libreoffice", options={"font_pt": 12})
    add("lo-landscape", "libreoffice", options={"landscape": True})
    add("lo-blank-zero", "libreoffice", options={"blank_zero": True, "label_cm": 2.5})
    add("lo-thin-spaces", "libreoffice", options={"thin": True})
    add("lo-typos", "libreoffice", options={"typos": True})
    add("lo-other-one-row", "libreoffice", t3_rows=T3_OTHER_ONE_ROW)
    add("lo-planted-balance", "libreoffice", planted=["t3.carried_out.natural_person"])
    add("lo-planted-t4", "libreoffice", planted=["t4.suit_direct.total"], options={"landscape": True})
    # reportlab
    add("rl-plain", "reportlab")
    add("rl-middle-line", "reportlab", options={"valign": "middle"})
    add("rl-first-line", "reportlab", options={"valign": "top"})
    add("rl-glyph-by-glyph", "reportlab", options={"glyphs": True})
    add("rl-landscape-glyphs", "reportlab", options={"landscape": True, "glyphs": True})
    add("rl-planted-leaf", "reportlab", planted=["t3.closed_total.natural_person"], options={"glyphs": True})
    add("rl-garbled-digits", "reportlab", options={"garbled_digits": True})
    # added later: at the end, so that the numbers of the reports above stay as they were
    add("wp-rotated-landscape", "weasyprint", options={"page": "A4 landscape", "rotate": True})
    add("wp-unruled-t3-t4", "weasyprint", options={"page": "A4 landscape", "unruled": True})
    # tables without ruling lines in the ways they come (issue 17): portrait with wrapped labels, numbers on
    # the first line and zeros left blank, every table unruled (表二 too, with thin spaces), a planted error;
    # reportlab with the numbers on the middle line of a wrapped label; 表四 in one table in two bands
    add("wp-unruled-a4-wrapped", "weasyprint", options={"label_width": "22%", "unruled": True})
    add("wp-unruled-top-blank", "weasyprint", options={"label_width": "18%", "valign": "top", "blank_zero": True,
                                                       "unruled": True})
    add("wp-unruled-all-thin", "weasyprint", options={"unruled": True, "unruled_all": True, "thin": True,
                                                      "font": "12pt"})
    add("wp-unruled-planted", "weasyprint", planted=["t3.closed_total.total", "t4.review.total"],
        options={"unruled": True, "label_width": "20%"})
    add("rl-unruled-middle", "reportlab", options={"valign": "middle", "unruled": True})
    add("rl-unruled-all-glyphs", "reportlab", options={"unruled": True, "unruled_all": True, "glyphs": True})
    add("wp-t4-bands", "weasyprint", options={"t4_bands": True})
    add("wp-unruled-garbled", "weasyprint", options={"unruled": True, "unruled_all": True, "garbled": True})
    add("wp-unruled-blank-columns", "weasyprint", options={"unruled": True, "blank_zero": True, "label_width": "24%",
                                                           "empty_columns": ("research_institution", "legal_service_org")})
    for report in reports:
        report.unreadable = bool(report.options.get("garbled") or report.options.get("garbled_digits"))
    return reports


def render(report: Report) -> bytes:
    if report.tool == "weasyprint":
        data = weasyprint_pdf(report)
        if report.options.get("rotate"):
            data = turned(data)
        return strip_tounicode(data) if report.options.get("garbled") else data
    if report.tool == "libreoffice":
        return libreoffice_pdf(report)
    return reportlab_pdf(report)


def input_class(report: Report) -> str:
    if report.unreadable:
        return "pdf-garbled"
    if report.options.get("unruled"):
        return "pdf-unruled"
    return f"pdf-{report.tool}"


def main(argv: list[str]) -> None:
    """Arguments: report names to make (default all); --json-only rewrites the expectations without rendering."""
    OUT.mkdir(exist_ok=True)
    json_only = "--json-only" in argv
    only = set(argv) - {"--json-only"}
    for report in corpus():
        if only and report.name not in only:
            continue
        if not json_only:
            data = render(report)
            (OUT / f"{report.name}.pdf").write_bytes(data)
            print(f"{report.name}: {len(data)} bytes")
        expected = {
            "class": input_class(report), "tool": report.tool, "options": report.options,
            # the format is told by 表二's labels (2019 labels in a 2021 report: 2019, with a warning)
            "format": "2019" if report.year < 2021 or report.t2 is T2_2019 else "2021", "year": report.year,
            "agency": report.agency,
            "unreadable": report.unreadable, "planted": report.planted, "consistent": not report.planted,
            "cells": expected_cells(report),
        }
        (OUT / f"{report.name}.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True)
                                                 + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
