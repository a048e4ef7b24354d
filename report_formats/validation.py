"""The one validator of annual reports (the checks of docs/law/annual-report.md): the generator refuses to
publish on an ERROR, the checkup (年报体检) records every finding. Pure Python: cells in, findings out.

Codes are our own check ids, as docs/law/annual-report.md lists them. Notes without a check code get
lowercase codes: `unknown_label`, `date_reconstructed`, `missing_row`, `annotated_cell`, `approximate_value`,
`narrative`. The 福建 LOCAL template rules (docs/law/annual-report.md §5) are `LOC-E01`…`LOC-W04`."""

from __future__ import annotations

import contextlib
import decimal
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .formats import (
    ALL_CELLS,
    APPLICANT_COLUMNS,
    FORMATS,
    SECTION_VARIANTS,
    CellType,
    ReportFormat,
    format_for_year,
    normalise_label,
    parse_cell_value,
    t3_leaves,
)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class Finding:
    code: str
    severity: Severity
    cells: list[str]
    message: str  # Chinese, says why, with the numbers
    where: str = ""
    expected: Decimal | None = None
    actual: Decimal | None = None

    @property
    def label(self) -> str:
        return check_label(self.code)


# The checks by name, as the pages show them (the code in a tooltip and in exports). The IMP-* codes are the
# 年报体检 importer's (report_checkup.importers), named here so that every finding a page lists has one table.
CHECK_LABELS: dict[str, str] = {
    "T-W02": "合计为空白，按分项推算", "T-I01": "单元格为空白或占位符", "T-E03": "数值不合法", "T-I04": "多处数值相同",
    "annotated_cell": "单元格带有文字说明", "approximate_value": "近似数值", "missing_row": "缺少表格行",
    "date_reconstructed": "日期由上下文推定", "narrative": "正文数字与表格不一致",
    "T2-E01": "表二数值不合法", "T2-W01": "表二规范性文件存量不衔接", "T2-W02": "表二废止数多于存量",
    "T2-W03": "表二规章数与行政层级不符", "T2-W04": "表二收费金额异常", "T2-I05": "正文数字与表二不一致",
    "T3-E01": "表三行合计不等于各类申请人之和", "T3-E02": "表三办理结果总计不等于各项之和",
    "T3-E03": "表三收支不平衡（一+二≠三（七）+四）", "T3-E04": "表三数值不合法", "T3-W01": "表三上年结转与上年度报告不一致",
    "T3-W02": "正文数字与表三不一致", "T3-W03": "正文百分比与表三不一致", "T3-W04": "表三数值明显异常",
    "T3-I05": "表三申请人类型与机关层级不符",
    "T4-E01": "表四合计不等于各项之和", "T4-E02": "表四数值不合法", "T4-W03": "正文数字与表四不一致",
    "T4-W04": "表四与正文的复议诉讼情况不一致",
    "LG-E01": "统计表各渠道之和不等于收到申请数", "LG-E02": "统计表按时与延期办结之和不等于办结数",
    "LG-E03": "统计表各类答复之和不等于答复数", "LG-E04": "统计表不予公开理由之和不等于不予公开数",
    "LG-E05": "统计表行政复议合计不等于各项之和", "LG-E06": "统计表行政诉讼合计不等于各项之和",
    "LG-E07": "统计表人员合计不等于专职与兼职之和", "LG-E08": "统计表数值不合法",
    "LG-W01": "统计表各发布渠道之和与主动公开总数不符", "LG-W02": "统计表发布数与制发数不符",
    "LG-W03": "统计表领导信箱数多于总数", "LG-W04": "统计表答复数多于办结数", "LG-I05": "统计表办结数多于收到数",
    "LG-I06": "统计表回应关切数与各方式不符",
    "LOC-E01": "地方表收到申请数与各渠道之和不符", "LOC-E02": "地方表答复数与各项之和不符",
    "LOC-E03": "地方表累计数小于本年数", "LOC-W04": "地方表累计数与本年数不衔接",
    "D-E01": "统计期限不是自然年度", "D-E02": "报告年度与标题不符", "D-W01": "报告年度无法确定",
    "D-W03": "统计期限无法解析", "D-W04": "发布日期晚于法定期限", "D-W05": "发布日期异常", "D-W06": "正文与其他报告雷同",
    "D-I07": "正文出现其他行政层级的用语", "D-W08": "正文日期晚于发布日期或与条例施行时间矛盾",
    "IMP-E01": "文件过大，未读取", "IMP-E02": "文件无法读取", "IMP-E03": "校验程序出错", "IMP-W01": "单元格无法读取",
    "IMP-U01": "单元格无法读取", "IMP-W02": "内容过多，只读取了一部分", "IMP-W04": "部分内容无法解析",
    "IMP-I03": "已将繁体字转换为简体字", "IMP-I07": "已跳过重复的表头行", "IMP-W09": "混用2019年与2021年格式",
    "IMP-W12": "可能不是年度报告", "IMP-W13": "扫描页未能识别", "IMP-I14": "扫描页已用文字识别读取",
    "IMP-W14": "字体缺少字符映射，文字可能有误", "unknown_label": "表格中有未知的行",
}


def check_label(code: str) -> str:
    return CHECK_LABELS.get(code, "其他检查")


@dataclass(frozen=True)
class ProseFigure:
    """A number the prose states for one cell, or for the sum of several (e.g. "予以公开及部分公开258件")."""
    cells: tuple[str, ...]
    value: Decimal
    text: str = ""
    approximate: bool = False  # "2100余条": never used in a strict comparison
    section: str = ""  # the section heading the sentence is under, quoted in the finding


@dataclass(frozen=True)
class ProsePercentage:
    """A printed share: `value`% with `decimals` decimals, of numerator / denominator. Either side is a number
    or cell ids (summed). Without a denominator the 表三 candidates of T3-W03 are tried."""
    value: Decimal
    decimals: int
    numerator: tuple[str, ...] | Decimal
    denominator: tuple[str, ...] | Decimal | None = None
    text: str = ""
    # Candidate denominators tried in order when `denominator` is None (default: the 表三 ones of T3-W03).
    # A cell id written "-t4.review.pending" is subtracted: 纠错率 = 结果纠正 ÷ (总计 − 尚未审结).
    denominators: tuple = ()
    name: str = ""  # what the share is called in the prose ("纠错率"), for the message
    section: str = ""  # the section heading the sentence is under


@dataclass
class ProseFacts:
    """What the importer read from the prose. Rules that need one of these run only when it is given."""
    figures: list[ProseFigure] = field(default_factory=list)
    percentages: list[ProsePercentage] = field(default_factory=list)
    states_no_requests: bool = False  # "未收到…申请" / "0件" (T3-W04)
    states_no_fee_items: bool = False  # "无行政事业性收费项目" (T2-W04)
    states_appeals_all_upheld: bool = False  # "均获维持" (T4-W03)
    appeals_upheld_sentence: str = ""  # the sentence that says so, quoted in T4-W03 (复议 only / 诉讼 only by its words)
    text: str = ""  # the prose, tables excluded (D-W06, D-I07, D-W08, D-W01)
    headings: list[str] = field(default_factory=list)  # section headings as printed (D-E01, D-W01)
    agency_name: str = ""  # publisher's name (D-I07)
    body_dates: list[date] = field(default_factory=list)  # dates found in the body (D-W08)
    unparsed_dates: list[str] = field(default_factory=list)  # date strings the importer could not read (D-W08)
    compare_with: list[tuple[str, str]] = field(default_factory=list)  # (which report, its prose) for D-W06

    @property
    def is_document(self) -> bool:
        return bool(self.text or self.headings)


TABLE_NAMES = {"t2": "表二", "t2v19": "表二", "t3": "表三", "t4": "表四", "lg": "统计表", "fj": "统计表"}
T4_BLOCKS = ("review", "suit_direct", "suit_after_review")
LG_CHANNELS = ("lg.proactive.via_gazette", "lg.proactive.via_website", "lg.proactive.via_weibo",
               "lg.proactive.via_wechat", "lg.proactive.via_other")
RULE_MAKING_LEVELS = ("province", "prefecture")  # 立法法: 省级 and 设区的市/自治州 governments make 规章
DUPLICATE_THRESHOLD = 100  # T-I04 "non-trivial value"
SIMILARITY_THRESHOLD = 0.8  # D-W06 default
REVISED_REGULATION_PROMULGATED = date(2019, 4, 3)


def _n(value) -> str:
    """A number for a message: no exponent, no trailing zeros."""
    if value is None:
        return "空白"
    if not isinstance(value, Decimal):
        return str(value)
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _label(cid: str) -> str:
    spec = ALL_CELLS.get(cid)
    if spec is None:
        return cid
    if spec.table in ("lg",):
        return f"「{spec.row_label}」"
    if spec.table == "t4":
        return f"「{'·'.join(spec.row_path)} {spec.column_label}」"
    return f"「{spec.row_label} × {spec.column_label}」"


def _where(cid: str) -> str:
    spec = ALL_CELLS.get(cid)
    if spec is None:
        return ""
    return f"{TABLE_NAMES.get(spec.table, spec.table)} {_label(cid)}"


def describe_cell(cid: str) -> str:
    """A cell id in words ("表三 …"), for every page that would otherwise show the id (issue 19); the id
    itself when it names no cell."""
    return _where(cid) or cid


class _Report:
    """The cells of one report, sanitised: values as finite Decimals, with blank/invalid/derived bookkeeping."""

    def __init__(self, cells, fmt: ReportFormat, flags):
        self.spec = FORMATS[fmt]
        self.known = self.spec.cells()
        self.values: dict[str, Decimal | None] = {}
        self.invalid: set[str] = set()
        # Cells a reader could not read (flag "unread"): no number is known, so no identity that needs one
        # runs, and none of them is an error of the report (the checkup reports them as 未能读取).
        self.unread: set[str] = set()
        self.flags: dict[str, set] = {}
        self.derived: dict[str, Decimal] = {}
        for cid, raw in (cells or {}).items():
            if cid not in self.known:
                continue  # cells of another format or unknown labels are kept by the importer, not checked here
            self.values[cid] = self._clean(cid, raw)
        for cid, fl in (flags or {}).items():
            if cid in self.known:
                try:
                    self.flags[cid] = {str(f) for f in fl}
                except TypeError:
                    self.flags[cid] = set()
                if "unread" in self.flags[cid]:
                    self.unread.add(cid)
                    self.values[cid] = None
                elif "invalid" in self.flags[cid]:
                    self.invalid.add(cid)

    def _clean(self, cid, raw) -> Decimal | None:
        if raw is None:
            return None
        if isinstance(raw, bool):
            self.invalid.add(cid)
            return None
        if isinstance(raw, str):
            parsed = parse_cell_value(raw, self.known[cid].type)
            if "invalid" in parsed.flags:
                self.invalid.add(cid)
            return parsed.value
        try:
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except (TypeError, ValueError, ArithmeticError):
            self.invalid.add(cid)
            return None
        if not value.is_finite():
            self.invalid.add(cid)
            return None
        return value

    def present(self, cid) -> bool:
        return cid in self.values

    def blank(self, cid) -> bool:
        """Printed blank (not derived, not an unreadable value, not a missing row)."""
        return (cid in self.values and self.values[cid] is None and cid not in self.derived
                and cid not in self.invalid and cid not in self.unread)

    def num(self, cid) -> Decimal:
        """The value an identity uses: derived total, else the value, blank and missing as 0."""
        if cid in self.derived:
            return self.derived[cid]
        value = self.values.get(cid)
        return value if value is not None else Decimal(0)

    def has(self, cid) -> bool:
        """A number is known for the cell (printed or derived)."""
        return cid in self.derived or self.values.get(cid) is not None

    def unusable(self, cids) -> bool:
        return any(c in self.invalid or c in self.unread or "approximate" in self.flags.get(c, ()) for c in cids)

    def table_present(self, table_id) -> bool:
        return any(cid in self.values for cid in self.spec.table(table_id).cell_ids())


class _Validator:
    def __init__(self, report: _Report, fmt: ReportFormat):
        self.r = report
        self.fmt = fmt
        self.findings: list[Finding] = []
        self.identity_cells: set[str] = set()

    def add(self, code, severity, cells, message, *, expected=None, actual=None):
        cells = list(cells)
        self.findings.append(Finding(code, severity, cells, message, _where(cells[0]) if cells else "",
                                     expected, actual))

    # -- generic -------------------------------------------------------------------------------------------

    def identity(self, code: str, total: str, parts: list[str], what: str, hint: str = ""):
        """total = Σ parts (ERROR). A blank total is derived instead (T-W02) when its parts are non-zero."""
        self.identity_cells.update([total, *parts])
        r = self.r
        if not r.present(total) or r.unusable([total, *parts]):
            return
        expected = sum((r.num(p) for p in parts), Decimal(0))
        if r.blank(total):
            if expected != 0:
                r.derived[total] = expected
                self.add("T-W02", Severity.WARNING, [total, *parts],
                         f"合计单元格{_label(total)}为空白，但其分项之和为 {_n(expected)}（{what}）；"
                         f"已按分项推算为 {_n(expected)}（derived），请核对原表。", expected=expected)
            return
        actual = r.num(total)
        if actual != expected:
            terms = " + ".join(_n(r.num(p)) for p in parts)
            gap = actual - expected
            self.add(code, Severity.ERROR, [total, *parts],
                     f"{what}不成立：{_label(total)} 为 {_n(actual)}，而分项之和 {terms} = {_n(expected)}，"
                     f"{'多出' if gap > 0 else '少了'} {_n(abs(gap))} 件未得到分项说明。{hint}",
                     expected=expected, actual=actual)

    def domain(self, code: str, table: str):
        for spec in self.r.spec.table(table).cells:
            cid = spec.id
            if cid in self.r.invalid:
                self.add(code, Severity.ERROR, [cid], f"{_label(cid)}的内容无法识别为数值，请人工核对原表。")
                continue
            value = self.r.values.get(cid)
            if value is None:
                continue
            integral = value == value.to_integral_value()
            if spec.type == CellType.COUNT and (not integral or value < 0):
                self.add(code, Severity.ERROR, [cid],
                         f"{_label(cid)}为 {_n(value)}：件数必须是不小于 0 的整数。", actual=value)
            elif spec.type == CellType.SIGNED_COUNT and not integral:
                self.add(code, Severity.ERROR, [cid], f"{_label(cid)}为 {_n(value)}：增减数必须是整数（可为负）。",
                         actual=value)
            elif spec.type in (CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT) and value < 0:
                self.add(code, Severity.ERROR, [cid], f"{_label(cid)}为 {_n(value)}：金额不能为负数。", actual=value)

    def blanks(self):
        """T-I01, one finding per table: blank or placeholder cells read as 0."""
        by_table = defaultdict(list)
        for cid in self.r.values:
            fl = self.r.flags.get(cid, ())
            if cid not in self.r.derived and (self.r.blank(cid) or "placeholder" in fl or "blank" in fl):
                by_table[ALL_CELLS[cid].table].append(cid)
        for table, cids in by_table.items():
            self.add("T-I01", Severity.INFO, cids,
                     f"{TABLE_NAMES[table]}有 {len(cids)} 个单元格为空白或占位符（如“-”“无”），校验时按 0 计。")

    def cell_notes(self):
        for cid, fl in self.r.flags.items():
            if "annotated" in fl:
                self.add("annotated_cell", Severity.INFO, [cid],
                         f"{_label(cid)}带有注释文字，已取其中的数字 {_n(self.r.values.get(cid))}，注释原文保留。")
            if "approximate" in fl:
                self.add("approximate_value", Severity.INFO, [cid],
                         f"{_label(cid)}为约数（如“余”“多”“约”），不参与严格的勾稽校验。")

    def missing_rows(self, optional_identity_cells=()):
        """§6.1 step 7: a row absent from a present table. WARNING when an identity needs it, else INFO."""
        for table in self.r.spec.tables:
            if not self.r.table_present(table.id):
                continue
            by_row = defaultdict(list)
            for spec in table.cells:
                by_row[spec.row_id].append(spec.id)
            for row in table.data_rows():
                cids = by_row[row.id]
                if any(self.r.present(c) for c in cids):
                    continue
                used = any(c in self.identity_cells for c in cids) and not set(cids) <= set(optional_identity_cells)
                self.add("missing_row", Severity.WARNING if used else Severity.INFO, cids,
                         f"{TABLE_NAMES[table.id]}缺少「{row.label}」行，按 0 计"
                         f"{'；该行参与勾稽校验，请核对原表是否漏印' if used else ''}。")

    def duplicates(self):
        """T-I04: the same value ≥ 100 in cells of different blocks, a likely copy of the row above."""
        groups = defaultdict(list)
        for cid, value in self.r.values.items():
            spec = ALL_CELLS[cid]
            if value is None or spec.type != CellType.COUNT or value < DUPLICATE_THRESHOLD:
                continue
            groups[value].append(cid)
        for value, cids in groups.items():
            blocks = {_block(c) for c in cids}
            if len(blocks) > 1:
                self.add("T-I04", Severity.INFO, cids,
                         f"同一数值 {_n(value)} 出现在不同栏目的单元格中：{'、'.join(_label(c) for c in cids)}，"
                         f"可能是误抄上下行，请核对。", actual=value)

    # -- 表三 ----------------------------------------------------------------------------------------------

    def table_three(self):
        r = self.r
        columns = [*APPLICANT_COLUMNS, "total"]
        rows = [row.id for row in r.spec.table("t3").data_rows()]
        leaves = t3_leaves(self.fmt)
        for row in rows:
            self.identity("T3-E01", f"t3.{row}.total", [f"t3.{row}.{k}" for k in APPLICANT_COLUMNS],
                          "表三行合计（总计 = 各类申请人之和）")
        for k in columns:
            self.identity("T3-E02", f"t3.closed_total.{k}", [f"t3.{leaf}.{k}" for leaf in leaves],
                          "表三办理结果合计（（七）总计 = 各办理结果之和）")
        for k in columns:
            cids = [f"t3.{row}.{k}" for row in ("received_new", "carried_in", "closed_total", "carried_out")]
            self.identity_cells.update(cids)
            if not any(r.present(c) for c in cids) or r.unusable(cids):
                continue
            left = r.num(cids[0]) + r.num(cids[1])
            right = r.num(cids[2]) + r.num(cids[3])
            if left != right:
                self.add("T3-E03", Severity.ERROR, cids,
                         f"表三勾稽关系（第一项加第二项之和，等于第三项加第四项之和）在“{_col(k)}”列不成立："
                         f"新收 {_n(r.num(cids[0]))} + 上年结转 {_n(r.num(cids[1]))} = {_n(left)}，"
                         f"而办理结果总计 {_n(r.num(cids[2]))} + 结转下年 {_n(r.num(cids[3]))} = {_n(right)}，"
                         f"相差 {_n(abs(left - right))} 件。", expected=left, actual=right)
        self.domain("T3-E04", "t3")

    # -- 表四 ----------------------------------------------------------------------------------------------

    def table_four(self):
        for b in T4_BLOCKS:
            self.identity("T4-E01", f"t4.{b}.total", [f"t4.{b}.{c}" for c in ("upheld", "corrected", "other", "pending")],
                          "表四总计（总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结）")
        self.domain("T4-E02", "t4")

    # -- 表二 ----------------------------------------------------------------------------------------------

    def table_two_2021(self, previous: _Report | None, agency_level, agency_kind):
        r = self.r
        self.domain("T2-E01", "t2")
        if previous is not None:
            for row, name in (("rules", "规章"), ("normative_docs", "行政规范性文件")):
                cur, issued, repealed = f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed"
                if not (previous.has(cur) and r.has(cur)) or r.unusable([cur, issued, repealed]):
                    continue
                before = previous.num(cur)
                residual = r.num(cur) - (before + r.num(issued) - r.num(repealed))
                if residual != 0:
                    self.add("T2-W01", Severity.WARNING, [cur, issued, repealed],
                             f"{name}现行有效件数 {_n(r.num(cur))} 与“上年现行有效 {_n(before)} + 本年制发 "
                             f"{_n(r.num(issued))} − 本年废止 {_n(r.num(repealed))}”相差 {_n(residual)}。"
                             f"本年制发可能包含修订，不一定是错误，请说明。", expected=before + r.num(issued) - r.num(repealed),
                             actual=r.num(cur))
                if r.num(repealed) > before + r.num(issued):
                    self.add("T2-W02", Severity.WARNING, [repealed, issued, cur],
                             f"{name}本年废止件数 {_n(r.num(repealed))} 大于上年现行有效 {_n(before)} 与本年制发 "
                             f"{_n(r.num(issued))} 之和，废止的文件不可能多于可废止的文件。",
                             expected=before + r.num(issued), actual=r.num(repealed))
        rules = [c for c in ("t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force") if r.num(c) > 0]
        level = str(agency_level) if agency_level else ""
        if rules and level:
            if level in ("county", "township"):
                self.add("T2-W03", Severity.WARNING, rules,
                         "县级、乡级机关无权制定规章（立法法：只有国务院部门、省级人民政府和设区的市、自治州人民政府"
                         f"可以制定规章），但表二规章栏填有数字：{'、'.join(f'{_label(c)} {_n(r.num(c))}' for c in rules)}。")
            elif level in RULE_MAKING_LEVELS and str(agency_kind or "") != "government":
                self.add("T2-W03", Severity.INFO, rules,
                         "规章由省级和设区的市、自治州人民政府制定，本机关不是人民政府，但表二规章栏填有数字："
                         f"{'、'.join(f'{_label(c)} {_n(r.num(c))}' for c in rules)}；请确认填报口径。")

    def table_two_2019(self, previous: _Report | None):
        r = self.r
        self.domain("T2v19-E01", "t2v19")
        for row, name in (("rules", "规章"), ("normative_docs", "规范性文件")):
            total, published, created = (f"t2v19.{row}.total_public", f"t2v19.{row}.published",
                                         f"t2v19.{row}.created")
            if r.has(total) and r.has(published) and not r.unusable([total, published]) \
                    and r.num(total) < r.num(published):
                self.add("T2v19-W01", Severity.WARNING, [total, published],
                         f"{name}对外公开总数量 {_n(r.num(total))} 小于本年新公开数量 {_n(r.num(published))}。",
                         expected=r.num(published), actual=r.num(total))
            # "By a large margin" (INFERRED threshold): more than twice the new documents and at least 10 more.
            if r.has(published) and r.has(created) and not r.unusable([published, created]):
                p, c = r.num(published), r.num(created)
                if p > 2 * c and p - c >= 10:
                    self.add("T2v19-I02", Severity.INFO, [published, created],
                             f"{name}本年新公开数量 {_n(p)} 远大于本年新制作数量 {_n(c)}；公开往年文件是允许的，请确认。")
        if previous is not None:
            for row, name in (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"),
                              ("penalty", "行政处罚"), ("coercion", "行政强制"), ("fees", "行政事业性收费")):
                prev_items, change = f"t2v19.{row}.prev_items", f"t2v19.{row}.change"
                if not (previous.has(prev_items) and previous.has(change) and r.has(prev_items)):
                    continue
                expected = previous.num(prev_items) + previous.num(change)
                if r.num(prev_items) != expected:
                    self.add("T2v19-W03", Severity.WARNING, [prev_items],
                             f"{name}上一年项目数量 {_n(r.num(prev_items))} 不等于上年报告的上一年项目数量 "
                             f"{_n(previous.num(prev_items))} 加本年增/减 {_n(previous.num(change))} = {_n(expected)}。",
                             expected=expected, actual=r.num(prev_items))
        amount = "t2v19.procurement.amount"
        if "unit_missing" in r.flags.get(amount, ()):
            self.add("T2v19-W04", Severity.WARNING, [amount],
                     f"政府集中采购总金额 {_n(r.values.get(amount))} 没有可识别的单位（元或万元），请人工确认。")

    # -- 2014–2018 统计表 ------------------------------------------------------------------------------------

    def legacy(self):
        r = self.r
        rq = "lg.request."
        self.identity("LG-E01", f"{rq}received", [f"{rq}{c}" for c in ("in_person", "fax", "online", "letter")],
                      "收到申请数 = 当面 + 传真 + 网络 + 信函")
        self.identity("LG-E02", f"{rq}closed", [f"{rq}closed_on_time", f"{rq}closed_extended"],
                      "申请办结数 = 按时办结 + 延期办结")
        # Refusals first: a blank 不同意公开答复数 derived from its reasons feeds the answers identity.
        self.identity("LG-E04", f"{rq}refused",
                      [f"{rq}{c}" for c in ("refused_state_secret", "refused_commercial_secret", "refused_privacy",
                                            "refused_security_stability", "refused_not_gov_info",
                                            "refused_other_legal")],
                      "不同意公开答复数 = 六类不公开理由之和")
        self.identity("LG-E03", f"{rq}answered",
                      [f"{rq}{c}" for c in ("already_public", "granted", "partially_granted", "refused",
                                            "not_this_agency", "not_exist", "told_to_amend", "told_other_channel")],
                      "申请答复数 = 八类答复之和")
        self.identity("LG-E05", "lg.review.total", ["lg.review.upheld", "lg.review.corrected", "lg.review.other"],
                      "行政复议数量 = 维持 + 纠错 + 其他情形",
                      "统计表没有“尚未审结”行，差额通常是漏计的未审结案件。")
        self.identity("LG-E06", "lg.suit.total", ["lg.suit.upheld", "lg.suit.corrected", "lg.suit.other"],
                      "行政诉讼数量 = 维持或驳回 + 纠错 + 其他情形")
        self.identity("LG-E07", "lg.org.staff_total", ["lg.org.staff_full_time", "lg.org.staff_part_time"],
                      "从事政府信息公开工作人员数 = 专职 + 兼职")
        self.domain("LG-E08", "lg")

        total = "lg.proactive.total"
        if r.has(total) and not r.unusable([total, *LG_CHANNELS]) and any(r.present(c) for c in LG_CHANNELS):
            channels = sum((r.num(c) for c in LG_CHANNELS), Decimal(0))
            if channels < r.num(total):
                self.add("LG-W01", Severity.WARNING, [total, *LG_CHANNELS],
                         f"各渠道公开数之和 {' + '.join(_n(r.num(c)) for c in LG_CHANNELS)} = {_n(channels)}，"
                         f"小于主动公开政府信息数 {_n(r.num(total))}（少 {_n(r.num(total) - channels)} 条）。"
                         f"总数已对不同渠道公开的相同信息去重，渠道之和不应更小。",
                         expected=r.num(total), actual=channels)
        published, issued = "lg.proactive.normative_docs_published", "lg.proactive.normative_docs_issued"
        if r.has(published) and not r.unusable([published, issued, total]):
            if r.has(issued) and r.num(published) > r.num(issued):
                self.add("LG-W02", Severity.WARNING, [published, issued],
                         f"主动公开规范性文件数 {_n(r.num(published))} 大于制发规范性文件总数 {_n(r.num(issued))}。",
                         expected=r.num(issued), actual=r.num(published))
            if r.has(total) and r.num(published) > r.num(total):
                self.add("LG-W02", Severity.WARNING, [published, total],
                         f"主动公开规范性文件数 {_n(r.num(published))} 大于主动公开政府信息数 {_n(r.num(total))}。",
                         expected=r.num(total), actual=r.num(published))
        for by_head, whole, name in (("lg.response.press_conferences_by_head", "lg.response.press_conferences", "新闻发布会"),
                                     ("lg.response.online_interviews_by_head", "lg.response.online_interviews", "在线访谈")):
            if r.has(by_head) and r.has(whole) and not r.unusable([by_head, whole]) and r.num(by_head) > r.num(whole):
                self.add("LG-W03", Severity.WARNING, [by_head, whole],
                         f"主要负责同志参加{name}次数 {_n(r.num(by_head))} 大于{name}总次数 {_n(r.num(whole))}（“其中”项不能大于总数）。",
                         expected=r.num(whole), actual=r.num(by_head))
        answered, closed, received = f"{rq}answered", f"{rq}closed", f"{rq}received"
        if r.has(answered) and r.has(closed) and not r.unusable([answered, closed]) \
                and r.num(answered) != r.num(closed):
            self.add("LG-W04", Severity.WARNING, [answered, closed],
                     f"申请答复数 {_n(r.num(answered))} 不等于申请办结数 {_n(r.num(closed))}；每件办结的申请都应有答复。",
                     expected=r.num(closed), actual=r.num(answered))
        if r.has(closed) and r.has(received) and not r.unusable([closed, received]) and r.num(closed) > r.num(received):
            self.add("LG-I05", Severity.INFO, [closed, received],
                     f"申请办结数 {_n(r.num(closed))} 大于收到申请数 {_n(r.num(received))}；上年结转的申请可以解释，"
                     f"统计表没有结转行。")
        hot = "lg.response.hot_topics"
        ways = ["lg.response.press_conferences", "lg.response.online_interviews", "lg.response.weibo_wechat_events",
                "lg.response.other_events"]
        if r.has(hot) and not r.unusable([hot, *ways]) and any(r.present(c) for c in ways):
            responses = sum((r.num(c) for c in ways), Decimal(0))
            if responses < r.num(hot):
                self.add("LG-I06", Severity.INFO, [hot, *ways],
                         f"各方式回应次数之和 {_n(responses)} 小于回应热点或舆情数 {_n(r.num(hot))}；"
                         f"每个热点至少应有一次回应。", expected=r.num(hot), actual=responses)

    # -- LOCAL 福建 template (§7.6) ------------------------------------------------------------------------

    def local_fujian(self, previous: _Report | None):
        r = self.r
        for col in ("year", "cumulative"):
            self.identity("LOC-E01", f"fj.received.{col}", [f"fj.{c}.{col}" for c in ("in_person", "online", "letter_fax")],
                          "受理总数 = 当面 + 网络 + 信函、传真")
            self.identity("LOC-E02", f"fj.answered.{col}",
                          [f"fj.{c}.{col}" for c in ("granted", "partially_granted", "refused", "other_answers")],
                          "答复总数 = 同意公开 + 同意部分公开 + 不予公开 + 其他类型")
        for spec in r.spec.table("fj").data_rows():
            year, cum = f"fj.{spec.id}.year", f"fj.{spec.id}.cumulative"
            if r.has(year) and r.has(cum) and not r.unusable([year, cum]) and r.num(cum) < r.num(year):
                self.add("LOC-E03", Severity.ERROR, [cum, year],
                         f"「{spec.label}」历年累计 {_n(r.num(cum))} 小于本年 {_n(r.num(year))}，累计数不可能小于当年数。",
                         expected=r.num(year), actual=r.num(cum))
            if previous is not None and previous.has(cum) and r.has(cum) and r.has(year):
                expected = previous.num(cum) + r.num(year)
                if r.num(cum) != expected:
                    self.add("LOC-W04", Severity.WARNING, [cum, year],
                             f"「{spec.label}」历年累计 {_n(r.num(cum))} 不等于上年历年累计 {_n(previous.num(cum))} "
                             f"加本年 {_n(r.num(year))} = {_n(expected)}。", expected=expected, actual=r.num(cum))
        self.domain("T-E03", "fj")

    # -- year over year ------------------------------------------------------------------------------------

    def carry_over(self, previous: _Report):
        for k in [*APPLICANT_COLUMNS, "total"]:
            cur, prev = f"t3.carried_in.{k}", f"t3.carried_out.{k}"
            if previous.has(prev) and self.r.has(cur) and previous.num(prev) != self.r.num(cur):
                self.add("T3-W01", Severity.WARNING, [cur],
                         f"“{_col(k)}”列上年结转 {_n(self.r.num(cur))} 件，不等于上年报告的结转下年度继续办理 "
                         f"{_n(previous.num(prev))} 件；机构改革或更正上年报告可以解释，否则请核对。",
                         expected=previous.num(prev), actual=self.r.num(cur))


def _col(k: str) -> str:
    return ALL_CELLS[f"t3.received_new.{k}"].column_label


def _block(cid: str) -> str:
    parts = cid.split(".")
    if parts[0] in ("t3", "fj"):
        return parts[0]  # within 表三 equal values are expected (identities), so it is one block
    return ".".join(parts[:2])


def _sum_of(report: _Report, ref) -> Decimal | None:
    if isinstance(ref, Decimal | int):
        return Decimal(ref)
    signed = tuple(ref)
    cids = tuple(c[1:] if c.startswith("-") else c for c in signed)
    if not cids or any(c not in ALL_CELLS for c in cids) or not all(report.present(c) for c in cids) \
            or report.unusable(cids):
        return None
    return sum((-report.num(c[1:]) if c.startswith("-") else report.num(c) for c in signed), Decimal(0))


def _prose(v: _Validator, facts: ProseFacts, agency_level):
    r = v.r
    checked = set()
    for fig in facts.figures:
        if fig.approximate or not fig.cells or (fig.cells, fig.value) in checked:
            continue  # the same statement twice (a combined category mapped by two readers) is one finding
        checked.add((fig.cells, fig.value))
        table_value = _sum_of(r, fig.cells)
        try:
            stated = Decimal(fig.value)
        except (TypeError, ValueError, ArithmeticError):
            continue
        if table_value is None or not stated.is_finite() or stated == table_value:
            continue
        first = fig.cells[0]
        if first.startswith(("t3.", "lg.request.")):
            code, severity = "T3-W02", Severity.WARNING
        elif first.startswith(("t4.", "lg.review.", "lg.suit.")):
            code, severity = "T4-W03", Severity.WARNING
        elif first.startswith(("t2.", "t2v19.")):
            code, severity = "T2-I05", Severity.INFO
        else:
            code, severity = "narrative", Severity.WARNING
        v.add(code, severity, list(fig.cells),
              f"正文“{fig.text}”{f'（{fig.section}）' if fig.section else ''}所述 {_n(stated)} 与表中{'、'.join(_label(c) for c in fig.cells)}"
              f"{'之和' if len(fig.cells) > 1 else ''} {_n(table_value)} 不一致。", expected=table_value, actual=stated)
    for pct in facts.percentages:
        _percentage(v, pct)
    if facts.states_no_requests:
        for cid in ("t3.received_new.total", "lg.request.received"):
            if r.has(cid) and r.num(cid) != 0:
                v.add("T3-W04", Severity.WARNING, [cid],
                      f"正文称未收到政府信息公开申请，但表中{_label(cid)}为 {_n(r.num(cid))}。", expected=Decimal(0),
                      actual=r.num(cid))
    if facts.states_no_fee_items and r.has("t2.fees.amount") and r.num("t2.fees.amount") > 0:
        v.add("T2-W04", Severity.WARNING, ["t2.fees.amount"],
              f"正文称本机关没有行政事业性收费项目，但表二本年收费金额为 {_n(r.num('t2.fees.amount'))} 万元。",
              actual=r.num("t2.fees.amount"))
    if facts.states_appeals_all_upheld:
        said = facts.appeals_upheld_sentence
        blocks = T4_BLOCKS
        if "复议" in said and "诉讼" not in said:
            blocks = ("review",)
        elif "诉讼" in said and "复议" not in said:
            blocks = ("suit_direct", "suit_after_review")
        cids = [f"t4.{b}.{c}" for b in blocks for c in ("corrected", "other", "pending") if r.num(f"t4.{b}.{c}") > 0]
        if cids:
            quoted = f"（“{said}”）" if said else ""
            v.add("T4-W03", Severity.WARNING, cids,
                  f"正文称复议诉讼“均获维持”{quoted}，但表四{'、'.join(f'{_label(c)} {_n(r.num(c))}' for c in cids)}"
                  f"（被纠正、其他结果或尚未审结的案件不是“维持”）。")
    if str(agency_level or "") == "township":
        cids = [c for c in r.values if c.startswith("t3.") and c.split(".")[2] in ("research_institution",
                                                                                   "public_welfare_org")
                and r.num(c) > 0]
        if cids:
            v.add("T3-I05", Severity.INFO, cids,
                  f"乡镇、街道收到科研机构或社会公益组织的申请较为少见：{'、'.join(f'{_label(c)} {_n(r.num(c))}' for c in cids)}，"
                  f"请确认申请人类型。")


T3_DENOMINATORS = (("t3.closed_total.total",), ("t3.received_new.total",), ("t3.received_new.total", "t3.carried_in.total"))


def _percentage(v: _Validator, pct: ProsePercentage):
    num = _sum_of(v.r, pct.numerator)
    try:
        printed, decimals = Decimal(pct.value), int(pct.decimals)
    except (TypeError, ValueError, ArithmeticError):
        return
    if num is None or not printed.is_finite() or not 0 <= decimals <= 10:
        return
    candidates = [pct.denominator] if pct.denominator is not None else list(pct.denominators or T3_DENOMINATORS)
    tolerance = Decimal("0.5") * Decimal(10) ** -decimals + Decimal("1e-9")
    tried = []
    for ref in candidates:
        den = _sum_of(v.r, ref)
        if den is None or den == 0:
            continue
        computed = 100 * num / den
        tried.append((ref, den, computed))
        if abs(printed - computed) <= tolerance:
            return
    if not tried:
        return
    ref, den, computed = tried[0]
    shown = computed.quantize(Decimal(10) ** -(decimals + 2))
    cells = [cid for ref_ in (pct.numerator, ref) if not isinstance(ref_, Decimal | int) for cid in ref_]
    cells = [c.lstrip("-") for c in cells]
    if pct.name == "纠错率":
        v.add("T4-W04", Severity.WARNING, cells,
              f"正文“{pct.text}”{f'（{pct.section}）' if pct.section else ''}所述纠错率 {_n(printed)}%，按表四计算：结果纠正 {_n(num)} ÷ 已审结（总计 − 尚未审结）"
              f"{_n(den)} = {_n(shown)}%，按 {decimals} 位小数应为 {_n(computed.quantize(Decimal(10) ** -decimals))}%"
              f"（以总计作分母也不相符）。", expected=computed, actual=printed)
        return
    v.add("T3-W03", Severity.WARNING, cells,
          f"正文“{pct.text}”{f'（{pct.section}）' if pct.section else ''}印作 {_n(printed)}%，但 {_n(num)} ÷ {_n(den)} = {_n(shown)}%，"
          f"按 {decimals} 位小数应为 {_n(computed.quantize(Decimal(10) ** -decimals))}%"
          f"{'（已依次尝试办理结果总计、本年新收、新收加上年结转作分母）' if pct.denominator is None else ''}。",
          expected=computed, actual=printed)


# -- document level (§7.7) ---------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return normalise_label(text).text


def _sections(v: _Validator, facts: ProseFacts):
    headings = [_norm(h) for h in facts.headings]
    missing = [variants[0] for section, variants in SECTION_VARIANTS.items()
               if not any(_norm(variant) in h for h in headings for variant in variants)]
    if missing:
        v.add("D-E01", Severity.ERROR, [],
              f"年度报告缺少法定章节：{'、'.join(missing)}（《条例》第五十条及年度报告格式要求六个部分）。")


LEGACY_ITEMS = (  # 2008 条例 第三十二条 (一)–(五): heading keywords, table prefixes, report phrases
    ("主动公开政府信息的情况", ("主动公开",), ("lg.proactive.", "fj.proactive_docs."), ()),
    ("依申请公开和不予公开政府信息的情况", ("依申请", "申请公开"), ("lg.request.", "fj.received."),
     ("收到政府信息公开申请", "未收到", "依申请公开情况")),
    ("政府信息公开的收费及减免情况", ("收费", "减免", "费用"), ("lg.fees.",),
     ("收费及减免", "未收取", "不收取", "均实行免费", "收取费用")),
    ("因政府信息公开申请行政复议、提起行政诉讼的情况", ("复议", "诉讼"), ("lg.review.", "lg.suit.", "fj.reviews."),
     ("未发生", "行政复议、行政诉讼情况")),
    ("政府信息公开工作存在的主要问题及改进情况", ("问题", "改进", "不足"), (), ()),
)


def _legacy_items(v: _Validator, facts: ProseFacts):
    # 其他需要报告的事项 (第三十二条(六)) is not required: an agency may have nothing else to report.
    headings = [_norm(h) for h in facts.headings]
    text = _norm(facts.text)
    missing = []
    for name, heading_words, prefixes, phrases in LEGACY_ITEMS:
        in_heading = any(w in h for h in headings for w in heading_words)
        in_table = any(v.r.present(c) for c in v.r.values if c.startswith(prefixes)) if prefixes else False
        in_text = any(_norm(p) in text for p in phrases)
        if not (in_heading or in_table or in_text):
            missing.append(name)
    if missing:
        v.add("D-W01", Severity.WARNING, [],
              f"年度报告未涉及2008年《条例》第三十二条规定的内容：{'、'.join(missing)}。")


def _tables_present(v: _Validator):
    names = {"t2": "表二（主动公开）", "t2v19": "表二（主动公开）", "t3": "表三（依申请公开）", "t4": "表四（复议诉讼）"}
    missing = [names[t.id] for t in v.r.spec.tables if not v.r.table_present(t.id)]
    if missing:
        v.add("D-E02", Severity.ERROR, [],
              f"报告正文中没有{'、'.join(missing)}的表格文字（可能只以图片或附件发布），需人工录入后才能校验。")


def deadline_for(year: int, agency_level=None, agency_kind=None, local_deadline: date | None = None) -> date:
    """D-W05: 2008 条例 第三十一条 — 3月31日 for every report up to 2018; 2019 条例 第四十九条 — 1月31日 for
    departments (and by default 乡镇/街道), 3月31日 for 县级以上 governments. Unknown kind: the later date."""
    if local_deadline:
        return local_deadline
    if year <= 2018:
        return date(year + 1, 3, 31)
    kind, level = str(agency_kind or ""), str(agency_level or "")
    if not kind or (kind == "government" and level in ("province", "prefecture", "county")):
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


_PERIOD_SPLIT = re.compile(r"至|到|~|～|—|－|-")
_FULL_DATE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_DIGITS = re.compile(r"^(\d+)日")


def parse_period(text: str, year: int) -> tuple[date | None, date | None, bool]:
    """A statistical period as printed, e.g. "2017年1月1日至12月31日", or garbled by stripped markup
    ("201711日至1231日", §8.10). Returns (start, end, reconstructed); a side that cannot be read unambiguously
    is None: the year constrains the digit split, nothing is guessed."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    s = re.sub(r"^(?:从|自)", "", s)
    sides = _PERIOD_SPLIT.split(s, maxsplit=1)
    if len(sides) != 2:
        return None, None, False
    results, reconstructed = [], False
    for side in sides:
        side = re.sub(r"^(?:从|自)", "", side)
        m = _FULL_DATE.match(side)
        if m:
            try:
                results.append(date(int(m.group(1) or year), int(m.group(2)), int(m.group(3))))
            except ValueError:
                results.append(None)
            continue
        m = _DIGITS.match(side)
        if not m:
            results.append(None)
            continue
        digits, y = m.group(1), year
        if len(digits) > 4 and digits[:4].isdigit() and 1990 <= int(digits[:4]) <= 2100:
            y, digits = int(digits[:4]), digits[4:]
        options = set()
        for i in (1, 2):
            month, day = digits[:i], digits[i:]
            if not day or len(day) > 2 or month.startswith("0") and len(month) > 1:
                continue
            with contextlib.suppress(ValueError):
                options.add(date(y, int(month), int(day)))
        results.append(options.pop() if len(options) == 1 else None)
        reconstructed = True
    return results[0], results[1], reconstructed


def _period(v: _Validator, period, year: int):
    if isinstance(period, str):
        start, end, reconstructed = parse_period(period, year)
        raw = period
    else:
        try:
            start, end = period
        except (TypeError, ValueError):
            start, end = None, None
        reconstructed, raw = False, f"{start} 至 {end}"
    if start is None or end is None:
        v.add("D-W03", Severity.WARNING, [], f"统计期限“{raw}”无法解析，请人工核对是否为 {year} 年1月1日至12月31日。")
        return
    if reconstructed:
        v.add("date_reconstructed", Severity.INFO, [],
              f"统计期限“{raw}”的年月日字样已丢失，按报告年度还原为 {start:%Y年%m月%d日}至{end:%Y年%m月%d日}。")
    if (start, end) != (date(year, 1, 1), date(year, 12, 31)):
        v.add("D-W03", Severity.WARNING, [],
              f"统计期限为 {start:%Y年%m月%d日}至{end:%Y年%m月%d日}，应为 {year}年1月1日至12月31日。")


def shingle_similarity(a: str, b: str, k: int = 5) -> float:
    """D-W06: Jaccard similarity of k-character shingles, whitespace removed."""
    a, b = re.sub(r"\s+", "", a or ""), re.sub(r"\s+", "", b or "")
    sa = {a[i:i + k] for i in range(max(len(a) - k + 1, 0))}
    sb = {b[i:i + k] for i in range(max(len(b) - k + 1, 0))}
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _document(v: _Validator, facts: ProseFacts, *, fmt, year, agency_level, published_on):
    modern = fmt in (ReportFormat.F2019, ReportFormat.F2021)
    if facts.is_document:
        if modern:
            if facts.headings:
                _sections(v, facts)
            _tables_present(v)
        elif year is None or year <= 2018:
            _legacy_items(v, facts)
    for label, other in facts.compare_with:
        score = shingle_similarity(facts.text, other)
        if score >= SIMILARITY_THRESHOLD:
            v.add("D-W06", Severity.WARNING, [],
                  f"正文与{label}的相似度为 {score:.0%}（五字片段重合率，阈值 {SIMILARITY_THRESHOLD:.0%}），"
                  f"可能存在“内容雷同”。")
    name, text = facts.agency_name, facts.text
    if name and text:
        level = str(agency_level or "")
        if level == "county" and "县" in name and "全市" in text:
            v.add("D-I07", Severity.INFO, [], f"{name}是县级机关，正文却出现“全市”，可能套用了其他报告的模板。")
        if level == "township" and name.removesuffix("人民政府").endswith("乡") and ("街道" in text or "社区" in text):
            v.add("D-I07", Severity.INFO, [], f"{name}是乡级机关，正文却出现“街道”或“社区”，可能套用了其他报告的模板。")
    if published_on:
        late = [d for d in facts.body_dates if d > published_on]
        if late:
            v.add("D-W08", Severity.WARNING, [],
                  f"正文日期 {'、'.join(f'{d:%Y年%m月%d日}' for d in late)} 晚于发布日期 {published_on:%Y年%m月%d日}。")
        if published_on < REVISED_REGULATION_PROMULGATED and re.search(r"新修订的?《?中华人民共和国政府信息公开条例", text):
            v.add("D-W08", Severity.WARNING, [],
                  f"报告发布于 {published_on:%Y年%m月%d日}，却引用“新修订的《中华人民共和国政府信息公开条例》”，"
                  f"而修订后的条例于2019年4月3日才公布；页面可能在发布后被修改，或发布日期有误。")
    if facts.unparsed_dates:
        v.add("D-W08", Severity.WARNING, [], f"正文中的日期无法解析：{'、'.join(facts.unparsed_dates)}。")


def validate(cells: dict, *, report_format, year: int | None = None, previous: dict | None = None,
             agency_level=None, agency_kind=None, flags: dict | None = None, prose_figures: ProseFacts | None = None,
             published_on: date | None = None, period=None, local_deadline: date | None = None) -> list[Finding]:
    """Every §7 rule that the given inputs allow. `cells`: cell id → value (None = printed blank; an id
    absent from a present table = a missing row). `previous`: the same agency's cells for year − 1.
    `flags`: cell id → parse flags (§6). Findings come ordered by severity, then code."""
    fmt = ReportFormat(report_format)
    with decimal.localcontext() as ctx:
        # Arbitrary published numbers must never break the validator: no traps, generous precision.
        ctx.prec = 60
        ctx.traps = dict.fromkeys(ctx.traps, False)
        report = _Report(cells, fmt, flags)
        prev = _Report(previous, fmt, None) if previous else None
        v = _Validator(report, fmt)
        if fmt in (ReportFormat.F2019, ReportFormat.F2021):
            v.table_three()
            v.table_four()
            if fmt == ReportFormat.F2021:
                v.table_two_2021(prev, agency_level, agency_kind)
            else:
                v.table_two_2019(prev)
            if prev is not None:
                v.carry_over(prev)
            v.missing_rows()
        elif fmt == ReportFormat.LEGACY_2014:
            v.legacy()
            v.missing_rows(optional_identity_cells=("lg.suit.other",))  # LG-E06: a missing row counts as 0, INFO
        else:
            v.local_fujian(prev)
            v.missing_rows()
        v.blanks()
        v.cell_notes()
        v.duplicates()
        if prose_figures is not None:
            _prose(v, prose_figures, agency_level)
        elif agency_level is not None and fmt in (ReportFormat.F2019, ReportFormat.F2021):
            _prose(v, ProseFacts(), agency_level)  # T3-I05 needs only the agency level
        if year is not None:
            expected = format_for_year(year)
            legacy_ok = fmt in (ReportFormat.LEGACY_2014, ReportFormat.LOCAL) and year <= 2018
            if fmt != expected and not legacy_ok:
                v.add("D-W04", Severity.WARNING, [],
                      f"{year}年度报告应使用{expected.label}，但报告采用的是{fmt.label}。")
            if period is not None:
                _period(v, period, year)
            if published_on is not None:
                deadline = deadline_for(year, agency_level, agency_kind, local_deadline)
                if published_on > deadline:
                    v.add("D-W05", Severity.WARNING, [],
                          f"报告发布于 {published_on:%Y年%m月%d日}，晚于法定期限 {deadline:%Y年%m月%d日}"
                          f"（逾期 {(published_on - deadline).days} 天）。")
        if prose_figures is not None:
            _document(v, prose_figures, fmt=fmt, year=year, agency_level=agency_level, published_on=published_on)
    return sorted(v.findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.code))


def has_errors(findings) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
