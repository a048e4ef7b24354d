"""Composed 2021-format reports (one data set, every input kind) for the importer tests and bench/auditor.py.

The numbers are made up but consistent (表三 balances in every column). Labels are typed from the published
30号 format (docs/law/annual-report.md §3), not taken from report_formats.formats, so that the tests check the
importer against the printed text and not against itself. The one test in this module checks the data set."""

from __future__ import annotations

import html
import io

AGENCY = "青山县人民政府办公室"
YEAR = 2023
TITLE = f"{AGENCY}{YEAR}年政府信息公开工作年度报告"
APPLICANT_COLS = ("natural_person", "commercial_enterprise", "research_institution", "public_welfare_org",
                  "legal_service_org", "other_org", "total")
T4_COLS = [f"{b}.{c}" for b in ("review", "suit_direct", "suit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]

# 表二: (block title, column labels, [(row label, row id, values)])
T2 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     [("规章", "rules", ("0", "0", "2")), ("行政规范性文件", "normative_docs", ("3", "1", "12"))]),
    ("第二十条第（五）项", ("本年处理决定数量",), [("行政许可", "licensing", ("156",))]),
    ("第二十条第（六）项", ("本年处理决定数量",), [("行政处罚", "penalty", ("39",)), ("行政强制", "coercion", ("2",))]),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), [("行政事业性收费", "fees", ("7730.28",))]),
)
T2_COLUMN_IDS = {"本年制发件数": "issued", "本年废止件数": "repealed", "现行有效件数": "in_force",
                 "本年处理决定数量": "decisions", "本年收费金额（单位：万元）": "amount"}

# 表三 rows in print order: (group labels above the row, row label, row id or None for a group, values)
Z = ("0",) * 7
T3 = (
    ((), "一、本年新收政府信息公开申请数量", "received_new", ("30", "3", "1", "0", "2", "1", "37")),
    ((), "二、上年结转政府信息公开申请数量", "carried_in", ("2", "0", "0", "0", "0", "0", "2")),
    (("三、本年度办理结果",), "（一）予以公开", "granted", ("18", "2", "0", "0", "1", "0", "21")),
    (("三、本年度办理结果",), "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted",
     ("4", "1", "0", "0", "0", "0", "5")),
    (("三、本年度办理结果", "（三）不予公开"), "1.属于国家秘密", "withheld_state_secret", Z),
    (("三、本年度办理结果", "（三）不予公开"), "2.其他法律行政法规禁止公开", "withheld_prohibited_by_law", Z),
    (("三、本年度办理结果", "（三）不予公开"), "3.危及“三安全一稳定”", "withheld_security_stability",
     ("1", "0", "0", "0", "0", "0", "1")),
    (("三、本年度办理结果", "（三）不予公开"), "4.保护第三方合法权益", "withheld_third_party_rights",
     ("1", "0", "0", "0", "0", "0", "1")),
    (("三、本年度办理结果", "（三）不予公开"), "5.属于三类内部事务信息", "withheld_internal_affairs", Z),
    (("三、本年度办理结果", "（三）不予公开"), "6.属于四类过程性信息", "withheld_process_info", Z),
    (("三、本年度办理结果", "（三）不予公开"), "7.属于行政执法案卷", "withheld_enforcement_file", Z),
    (("三、本年度办理结果", "（三）不予公开"), "8.属于行政查询事项", "withheld_admin_inquiry", Z),
    (("三、本年度办理结果", "（四）无法提供"), "1.本机关不掌握相关政府信息", "unavailable_not_held",
     ("3", "0", "1", "0", "0", "0", "4")),
    (("三、本年度办理结果", "（四）无法提供"), "2.没有现成信息需要另行制作", "unavailable_needs_creation",
     ("1", "0", "0", "0", "0", "0", "1")),
    (("三、本年度办理结果", "（四）无法提供"), "3.补正后申请内容仍不明确", "unavailable_still_unclear", Z),
    (("三、本年度办理结果", "（五）不予处理"), "1.信访举报投诉类申请", "not_processed_complaint",
     ("1", "0", "0", "0", "0", "0", "1")),
    (("三、本年度办理结果", "（五）不予处理"), "2.重复申请", "not_processed_duplicate", Z),
    (("三、本年度办理结果", "（五）不予处理"), "3.要求提供公开出版物", "not_processed_publication", Z),
    (("三、本年度办理结果", "（五）不予处理"), "4.无正当理由大量反复申请", "not_processed_excessive", Z),
    (("三、本年度办理结果", "（五）不予处理"), "5.要求行政机关确认或重新出具已获取信息", "not_processed_reconfirmation", Z),
    (("三、本年度办理结果", "（六）其他处理"), "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "other_no_correction", ("1", "0", "0", "0", "0", "0", "1")),
    (("三、本年度办理结果", "（六）其他处理"), "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "other_fee_unpaid", Z),
    (("三、本年度办理结果", "（六）其他处理"), "3.其他", "other_misc", ("0", "0", "0", "0", "1", "1", "2")),
    (("三、本年度办理结果",), "（七）总计", "closed_total", ("30", "3", "1", "0", "2", "1", "37")),
    ((), "四、结转下年度继续办理", "carried_out", ("2", "0", "0", "0", "0", "0", "2")),
)
T4 = ("2", "0", "0", "1", "3", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0")

PROSE = [
    TITLE,
    "一、总体情况",
    "2023年，本机关共收到政府信息公开申请37件，上年结转2件，予以公开21件，部分公开5件。",
    "全年共主动公开政府信息1608条，其中政策解读稿件占比12.5%。",
    "全年发生政府信息公开行政复议3件，行政诉讼1件。",
    "本报告统计期限为2023年1月1日至2023年12月31日。",
]


def expected_cells(t2=T2, t3=T3, t4=T4) -> dict:
    """Cell id → JSON value as the contract wants it (counts int, money a decimal string, blank None)."""
    out = {}
    for _, columns, rows in t2:
        for _, row_id, values in rows:
            for column, value in zip(columns, values, strict=True):
                cid = f"t2.{row_id}.{T2_COLUMN_IDS[column]}"
                out[cid] = value if row_id == "fees" else _count(value)
    for _, _, row_id, values in t3:
        for column, value in zip(APPLICANT_COLS, values, strict=True):
            out[f"t3.{row_id}.{column}"] = _count(value)
    for cid, value in zip(T4_COLS, t4, strict=True):
        out[f"t4.{cid}"] = _count(value)
    return out


def _count(value: str):
    if value == "":
        return None
    return int(value) if value.isdigit() else value


# --- renderings --------------------------------------------------------------------------------------------

def as_tsv(t2=T2, t3=T3, t4=T4, repeat_header=False) -> str:
    """A table copied from a web page: cells separated by tabs, merged cells written once (as copying does)."""
    lines = list(PROSE) + ["二、主动公开政府信息情况"]
    for title, columns, rows in t2:
        lines.append(title)
        lines.append("\t".join(("信息内容", *columns)))
        lines += ["\t".join((label, *values)) for label, _, values in rows]
    lines += ["三、收到和处理政府信息公开申请情况",
              "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
              "\t自然人\t法人或其他组织\t\t\t\t\t总计",
              "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t"]
    for n, (groups, label, _, values) in enumerate(t3):
        lines.append("\t".join((*groups, label, *values)))
        if repeat_header and n == 12:
            lines.append("\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t")
    lines += ["四、政府信息公开行政复议、行政诉讼情况",
              "行政复议\t\t\t\t\t行政诉讼",
              "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
              "\t\t\t\t\t" + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
              "\t".join(t4),
              "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return "\n".join(lines) + "\n"


def as_flat(t2=T2, t3=T3, t4=T4) -> str:
    """The same tables flattened one cell per line (a web page copied as text), with labels broken inside
    their cells ("商业\\n企业", the long （二）部分公开 label over two lines) and group labels written once."""
    lines = list(PROSE) + ["二、主动公开政府信息情况"]
    for title, columns, rows in t2:
        lines += [title, "信息内容", *columns]
        for label, _, values in rows:
            lines += [label, *values]
    lines += ["三、收到和处理政府信息公开申请情况", "（本列数据的勾稽关系为：第一项加第二项之和，", "等于第三项加第四项之和）",
              "申请人情况", "自然人", "法人或其他组织", "总计", "商业", "企业", "科研", "机构", "社会公益", "组织",
              "法律服务", "机构", "其他"]
    seen_groups: set[str] = set()
    for groups, label, _, values in t3:
        for group in groups:
            if group not in seen_groups:
                seen_groups.add(group)
                lines.append(group)
        if label.startswith("（二）部分公开"):
            lines += ["（二）部分公开（区分处理的，只计这一情形，", "不计其他情形）"]
        else:
            lines.append(label)
        lines += [v for v in values if v != ""]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结",
              "总计", "未经复议直接起诉", "复议后起诉", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
              *[v for v in t4 if v != ""], "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return "\n".join(lines) + "\n"


def _td(text, rowspan=1, colspan=1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{html.escape(text).replace(chr(10), '<br>')}</td>"


def as_html(t2=T2, t3=T3, t4=T4, css="") -> str:
    """The official layout: 表三 with 3 label columns, 三、本年度办理结果 spanning 22 rows, group labels spanning
    their leaves, split header labels (商业<br>企业); 表四 with its 3-row header."""
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{TITLE}</title><style>{css}</style></head><body>",
             f"<h1>{TITLE}</h1>", *(f"<p>{html.escape(p)}</p>" for p in PROSE[1:]), "<h2>二、主动公开政府信息情况</h2>"]
    parts.append("<table border='1'>")
    for title, columns, rows in t2:
        parts.append(f"<tr>{_td(title, colspan=4)}</tr>")
        parts.append("<tr>" + _td("信息内容") + "".join(_td(c, colspan=3 if len(columns) == 1 else 1) for c in columns)
                     + "</tr>")
        for label, _, values in rows:
            parts.append("<tr>" + _td(label) + "".join(_td(v, colspan=3 if len(values) == 1 else 1) for v in values)
                         + "</tr>")
    parts.append("</table><h2>三、收到和处理政府信息公开申请情况</h2><table border='1'>")
    parts.append("<tr>" + _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3)
                 + _td("申请人情况", colspan=7) + "</tr>")
    parts.append("<tr>" + _td("自然人", 2) + _td("法人或其他组织", colspan=5) + _td("总计", 2) + "</tr>")
    parts.append("<tr>" + "".join(_td(c) for c in ("商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>")
    spans: dict[str, int] = {}
    for groups, *_ in t3:
        for g in groups:
            spans[g] = spans.get(g, 0) + 1
    opened: set[str] = set()
    for groups, label, _, values in t3:
        cells = ""
        for g in groups:
            if g not in opened:
                opened.add(g)
                cells += _td(g, rowspan=spans[g])
        cells += _td(label, colspan=3 - len(groups))
        parts.append("<tr>" + cells + "".join(_td(v) for v in values) + "</tr>")
    parts.append("</table><h2>四、政府信息公开行政复议、行政诉讼情况</h2><table border='1'>")
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    parts.append("<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>")
    parts.append("<tr>" + "".join(_td(r, 2) for r in results) + _td("未经复议直接起诉", colspan=5)
                 + _td("复议后起诉", colspan=5) + "</tr>")
    parts.append("<tr>" + "".join(_td(r) for r in results * 2) + "</tr>")
    parts.append("<tr>" + "".join(_td(v) for v in t4) + "</tr>")
    parts.append("</table><h2>五、存在的主要问题及改进情况</h2><p>无。</p><h2>六、其他需要报告的事项</h2><p>无。</p>"
                 "</body></html>")
    return "\n".join(parts)


PDF_CSS = ("@page { size: A3 landscape; margin: 1cm } body { font-family: 'Noto Sans CJK SC', sans-serif; "
           "font-size: 9pt } td { padding: 2px 6px; white-space: nowrap } table { border-collapse: collapse }")


def as_pdf(t2=T2, t3=T3, t4=T4) -> bytes:
    from weasyprint import HTML

    return HTML(string=as_html(t2, t3, t4, css=PDF_CSS)).write_pdf()


def as_docx(t2=T2, t3=T3, t4=T4) -> bytes:
    import docx

    document = docx.Document()
    for p in PROSE:
        document.add_paragraph(p)

    def table(rows: int, cols: int):
        return document.add_table(rows=rows, cols=cols)

    document.add_paragraph("二、主动公开政府信息情况")
    for title, columns, rows in t2:
        t = table(2 + len(rows), 1 + len(columns))
        t.cell(0, 0).merge(t.cell(0, len(columns))).text = title
        for c, text in enumerate(("信息内容", *columns)):
            t.cell(1, c).text = text
        for r, (label, _, values) in enumerate(rows, start=2):
            for c, text in enumerate((label, *values)):
                t.cell(r, c).text = text
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = table(3 + len(t3), 10)
    t.cell(0, 0).merge(t.cell(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for c, text in enumerate(("商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他"), start=4):
        t.cell(2, c).text = text
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for r, (groups, label, _, values) in enumerate(t3, start=3):
        for depth, g in enumerate(groups):
            first.setdefault((depth, g), r)
            last[(depth, g)] = r
        label_cell = t.cell(r, len(groups))
        if len(groups) < 2:
            label_cell = label_cell.merge(t.cell(r, 2))
        label_cell.text = label
        for c, v in enumerate(values, start=3):
            t.cell(r, c).text = v
    for (depth, g), r0 in first.items():
        t.cell(r0, depth).merge(t.cell(last[(depth, g)], depth)).text = g
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = table(4, 15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for c, r in enumerate(results):
        t.cell(1, c).merge(t.cell(2, c)).text = r
    t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
    t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
    for c, r in enumerate(results * 2, start=5):
        t.cell(2, c).text = r
    for c, v in enumerate(t4):
        t.cell(3, c).text = v
    for p in ("五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"):
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_t3_values(row_id: str, values: tuple[str, ...]):
    return tuple((g, label, rid, values if rid == row_id else v) for g, label, rid, v in T3)


def test_composed_table_balances():
    """The data set itself: 表三 balances in every column (一+二 = 三(七)+四), leaves sum to （七）总计."""
    rows = {rid: [int(v) for v in values] for _, _, rid, values in T3}
    leaves = [rid for rid in rows if rid not in ("received_new", "carried_in", "closed_total", "carried_out")]
    for k in range(7):
        assert rows["received_new"][k] + rows["carried_in"][k] == rows["closed_total"][k] + rows["carried_out"][k]
        assert sum(rows[r][k] for r in leaves) == rows["closed_total"][k]
    for values in rows.values():
        assert sum(values[:6]) == values[6]
