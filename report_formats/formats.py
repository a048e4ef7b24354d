"""The one definition of the annual-report formats (docs/law/annual-report.md §2–§6): every table, row,
column, cell id and printed label, as plain Python data. The generator renders from it, the checkup's
importers match labels against it, the validator checks its cells; nothing here touches the database.

Labels are verbatim as printed (full-width brackets, “” quotes, numbering included). Cell ids are the
contract written up in docs/law/annual-report.md §3–§5: `t2.*`/`t2v19.*` (表二), `t3.<row>.<column>` (表三),
`t4.<block>.<column>` (表四), `lg.*` (2014–2018 统计表); the LOCAL 福建 template's ids (`fj.*`) are defined
only here."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

import opencc


class ReportFormat(StrEnum):
    # Values are the checkup's JSON contract: {"format": "2021|2019|legacy|local|prose"}.
    F2021 = "2021"
    F2019 = "2019"
    LEGACY_2014 = "legacy"
    LOCAL = "local"

    @property
    def label(self) -> str:
        return FORMAT_LABELS[self]


FORMAT_LABELS = {
    ReportFormat.F2021: "国办公开办函〔2021〕30号格式",
    ReportFormat.F2019: "国办公开办函〔2019〕60号格式（试行）",
    ReportFormat.LEGACY_2014: "国办发〔2014〕32号《政府信息公开情况统计表》",
    ReportFormat.LOCAL: "地方统计表",
}


def format_for_year(year: int) -> ReportFormat:
    """The format a report for `year` should use (§1). Published reports often deviate (§8): detect by labels."""
    if year >= 2021:
        return ReportFormat.F2021
    if year >= 2019:
        return ReportFormat.F2019
    if year >= 2014:
        return ReportFormat.LEGACY_2014
    return ReportFormat.LOCAL


class CellType(StrEnum):
    COUNT = "count"  # integer ≥ 0
    SIGNED_COUNT = "signed_count"  # 本年增/减 (F2019 表二)
    MONEY_WAN = "money_wan"  # decimal ≥ 0 in 万元
    MONEY_WITH_UNIT = "money_with_unit"  # 采购总金额: number + its own unit, normalised to 元


class ReportSection(StrEnum):
    OVERVIEW = "overview"
    PROACTIVE = "proactive"
    REQUESTS = "requests"
    APPEALS = "appeals"
    PROBLEMS = "problems"
    OTHER = "other"


# §3.1, verbatim (F2021 and F2019).
SECTION_TITLES = {
    ReportSection.OVERVIEW: "一、总体情况",
    ReportSection.PROACTIVE: "二、主动公开政府信息情况",
    ReportSection.REQUESTS: "三、收到和处理政府信息公开申请情况",
    ReportSection.APPEALS: "四、政府信息公开行政复议、行政诉讼情况",
    ReportSection.PROBLEMS: "五、存在的主要问题及改进情况",
    ReportSection.OTHER: "六、其他需要报告的事项",
}
# Accepted variants of a section title (D-E01, §4 and §7.7), without their numbering.
SECTION_VARIANTS = {
    ReportSection.OVERVIEW: ("总体情况",),
    ReportSection.PROACTIVE: ("主动公开政府信息情况",),
    ReportSection.REQUESTS: ("收到和处理政府信息公开申请情况",),
    ReportSection.APPEALS: ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
    ReportSection.PROBLEMS: ("存在的主要问题及改进情况", "存在的主要问题及改进措施"),
    ReportSection.OTHER: ("其他需要报告的事项",),
}
OVERVIEW_SUBSECTIONS = {
    "overview.proactive": "（一）主动公开",
    "overview.requests": "（二）依申请公开",
    "overview.info_management": "（三）政府信息管理",
    "overview.platform": "（四）政府信息公开平台建设",
    "overview.oversight": "（五）监督保障",
}


@dataclass(frozen=True)
class CellSpec:
    id: str
    table: str  # table id: t2, t2v19, t3, t4, lg, fj
    row_id: str
    column_id: str
    row_label: str  # verbatim, with its printed numbering
    column_label: str
    type: CellType = CellType.COUNT
    unit: str | None = "件"
    # Full printed header path (group labels first): what an importer sees around the number.
    row_path: tuple[str, ...] = ()
    column_path: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowSpec:
    id: str | None  # None: a group label that spans rows and carries no numbers
    label: str
    pos: str = ""  # positional alias for people (三(三)1)
    depth: int = 0
    unit: str | None = None  # legacy table: the printed 单位 cell


@dataclass(frozen=True)
class ColumnSpec:
    id: str
    label: str
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str  # verbatim
    header_rows: tuple[tuple[HeaderCell, ...], ...]  # as printed, merged cells included (for rendering)
    rows: tuple[RowSpec, ...]
    columns: tuple[ColumnSpec, ...]
    cells: tuple[CellSpec, ...]
    blocks: tuple[TableSpec, ...] = ()  # 表二: one sub-table per 第二十条 item, each with its own header
    note: str = ""

    def cell_ids(self) -> list[str]:
        return [c.id for c in self.cells]

    def data_rows(self) -> list[RowSpec]:
        return [r for r in self.rows if r.id]


@dataclass(frozen=True)
class FormatSpec:
    code: ReportFormat
    title: str
    tables: tuple[TableSpec, ...]
    sections: dict = field(default_factory=dict)  # ReportSection → verbatim title (F2019/F2021 only)
    outline: tuple[OutlineItem, ...] = ()  # the 2008-regime report's content items (legacy only)

    def cell_ids(self) -> list[str]:
        return [c.id for t in self.tables for c in t.cells]

    def cells(self) -> dict[str, CellSpec]:
        return {c.id: c for t in self.tables for c in t.cells}

    def table(self, table_id: str) -> TableSpec:
        return next(t for t in self.tables if t.id == table_id)


# ---------------------------------------------------------------------------------------------------------
# 表二

def _t2_block(table: str, block_id: str, title: str, rows: list[tuple[str, str]],
              columns: list[tuple[str, str, CellType, str | None]]) -> TableSpec:
    header = ((HeaderCell(title, colspan=len(columns) + 1),),
              (HeaderCell("信息内容"), *(HeaderCell(label) for _, label, _, _ in columns)))
    cells = tuple(CellSpec(f"{table}.{row_id}.{col_id}", table, row_id, col_id, row_label, col_label, ctype, unit,
                           row_path=(title, row_label), column_path=(col_label,))
                  for row_id, row_label in rows for col_id, col_label, ctype, unit in columns)
    return TableSpec(f"{table}.{block_id}", title, header,
                     tuple(RowSpec(r, label) for r, label in rows),
                     tuple(ColumnSpec(c, label, (label,)) for c, label, _, _ in columns), cells)


def _t2(table: str, title: str, blocks: list[TableSpec]) -> TableSpec:
    rows = tuple(r for b in blocks for r in b.rows)
    columns = tuple({c.id: c for b in blocks for c in b.columns}.values())
    return TableSpec(table, title, tuple(h for b in blocks for h in b.header_rows), rows, columns,
                     tuple(c for b in blocks for c in b.cells), blocks=tuple(blocks))


COUNT, SIGNED, WAN, WITH_UNIT = CellType.COUNT, CellType.SIGNED_COUNT, CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT
T2_TITLE = "二、主动公开政府信息情况"
_DECISIONS_2021 = [("decisions", "本年处理决定数量", COUNT, "件")]
T2_2021 = _t2("t2", T2_TITLE, [
    _t2_block("t2", "item1", "第二十条第（一）项", [("rules", "规章"), ("normative_docs", "行政规范性文件")],
              [("issued", "本年制发件数", COUNT, "件"), ("repealed", "本年废止件数", COUNT, "件"),
               ("in_force", "现行有效件数", COUNT, "件")]),
    _t2_block("t2", "item5", "第二十条第（五）项", [("licensing", "行政许可")], _DECISIONS_2021),
    _t2_block("t2", "item6", "第二十条第（六）项", [("penalty", "行政处罚"), ("coercion", "行政强制")], _DECISIONS_2021),
    _t2_block("t2", "item8", "第二十条第（八）项", [("fees", "行政事业性收费")],
              [("amount", "本年收费金额（单位：万元）", WAN, "万元")]),
])
_ITEMS_2019 = [("prev_items", "上一年项目数量", COUNT, "项"), ("change", "本年增/减", SIGNED, "项"),
               ("decisions", "处理决定数量", COUNT, "件")]
T2_2019 = _t2("t2v19", T2_TITLE, [
    _t2_block("t2v19", "item1", "第二十条第（一）项", [("rules", "规章"), ("normative_docs", "规范性文件")],
              [("created", "本年新制作数量", COUNT, "件"), ("published", "本年新公开数量", COUNT, "件"),
               ("total_public", "对外公开总数量", COUNT, "件")]),
    _t2_block("t2v19", "item5", "第二十条第（五）项", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
              _ITEMS_2019),
    _t2_block("t2v19", "item6", "第二十条第（六）项", [("penalty", "行政处罚"), ("coercion", "行政强制")], _ITEMS_2019),
    _t2_block("t2v19", "item8", "第二十条第（八）项", [("fees", "行政事业性收费")], _ITEMS_2019[:2]),
    _t2_block("t2v19", "item9", "第二十条第（九）项", [("procurement", "政府集中采购")],
              [("projects", "采购项目数量", COUNT, "项"), ("amount", "采购总金额", WITH_UNIT, "元")]),
])

# ---------------------------------------------------------------------------------------------------------
# 表三 (§3.3, §4.2)

T3_TITLE = "三、收到和处理政府信息公开申请情况"
T3_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "public_welfare_org",
                     "legal_service_org", "other_org")
_ORG = "法人或其他组织"
T3_COLUMNS = (
    ColumnSpec("natural_person", "自然人", ("申请人情况", "自然人")),
    ColumnSpec("commercial_enterprise", "商业企业", ("申请人情况", _ORG, "商业企业")),
    ColumnSpec("research_institution", "科研机构", ("申请人情况", _ORG, "科研机构")),
    ColumnSpec("public_welfare_org", "社会公益组织", ("申请人情况", _ORG, "社会公益组织")),
    ColumnSpec("legal_service_org", "法律服务机构", ("申请人情况", _ORG, "法律服务机构")),
    ColumnSpec("other_org", "其他", ("申请人情况", _ORG, "其他")),
    ColumnSpec("total", "总计", ("申请人情况", "总计")),
)
T3_HEADER = (
    (HeaderCell(T3_HEADER_NOTE, colspan=3, rowspan=3), HeaderCell("申请人情况", colspan=7)),
    (HeaderCell("自然人", rowspan=2), HeaderCell(_ORG, colspan=5), HeaderCell("总计", rowspan=2)),
    tuple(HeaderCell(label) for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")),
)
_T3_HEAD = (
    RowSpec("received_new", "一、本年新收政府信息公开申请数量", "一"),
    RowSpec("carried_in", "二、上年结转政府信息公开申请数量", "二"),
    RowSpec(None, "三、本年度办理结果", "三"),
    RowSpec("granted", "（一）予以公开", "三(一)", 1),
    RowSpec("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三(二)", 1),
    RowSpec(None, "（三）不予公开", "三(三)", 1),
    RowSpec("withheld_state_secret", "1.属于国家秘密", "三(三)1", 2),
    RowSpec("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", "三(三)2", 2),
    RowSpec("withheld_security_stability", "3.危及“三安全一稳定”", "三(三)3", 2),
    RowSpec("withheld_third_party_rights", "4.保护第三方合法权益", "三(三)4", 2),
    RowSpec("withheld_internal_affairs", "5.属于三类内部事务信息", "三(三)5", 2),
    RowSpec("withheld_process_info", "6.属于四类过程性信息", "三(三)6", 2),
    RowSpec("withheld_enforcement_file", "7.属于行政执法案卷", "三(三)7", 2),
    RowSpec("withheld_admin_inquiry", "8.属于行政查询事项", "三(三)8", 2),
    RowSpec(None, "（四）无法提供", "三(四)", 1),
    RowSpec("unavailable_not_held", "1.本机关不掌握相关政府信息", "三(四)1", 2),
    RowSpec("unavailable_needs_creation", "2.没有现成信息需要另行制作", "三(四)2", 2),
    RowSpec("unavailable_still_unclear", "3.补正后申请内容仍不明确", "三(四)3", 2),
    RowSpec(None, "（五）不予处理", "三(五)", 1),
    RowSpec("not_processed_complaint", "1.信访举报投诉类申请", "三(五)1", 2),
    RowSpec("not_processed_duplicate", "2.重复申请", "三(五)2", 2),
    RowSpec("not_processed_publication", "3.要求提供公开出版物", "三(五)3", 2),
    RowSpec("not_processed_excessive", "4.无正当理由大量反复申请", "三(五)4", 2),
    RowSpec("not_processed_reconfirmation", "5.要求行政机关确认或重新出具已获取信息", "三(五)5", 2),
)
_T3_TAIL = (
    RowSpec("closed_total", "（七）总计", "三(七)", 1),
    RowSpec("carried_out", "四、结转下年度继续办理", "四"),
)
# The three （六） sub-rows are UNVERIFIED wording (§3.3): confirm against an official copy before release.
_T3_OTHER_2021 = (
    RowSpec(None, "（六）其他处理", "三(六)", 1),
    RowSpec("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "三(六)1", 2),
    RowSpec("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "三(六)2", 2),
    RowSpec("other_misc", "3.其他", "三(六)3", 2),
)
_T3_OTHER_2019 = (RowSpec("other", "（六）其他处理", "三(六)", 1),)
T3_BALANCE_ROWS = ("received_new", "carried_in", "closed_total", "carried_out")


def _row_paths(rows: tuple[RowSpec, ...]) -> dict[str, tuple[str, ...]]:
    """Each data row's printed label path: the group labels above it by depth, then its own."""
    stack: list[str] = []
    paths = {}
    for row in rows:
        stack = stack[:row.depth] + [row.label]
        if row.id:
            paths[row.id] = tuple(stack)
    return paths


def _t3(rows: tuple[RowSpec, ...]) -> TableSpec:
    paths = _row_paths(rows)
    cells = tuple(CellSpec(f"t3.{r.id}.{c.id}", "t3", r.id, c.id, r.label, c.label, COUNT, "件",
                           row_path=paths[r.id], column_path=c.path)
                  for r in rows if r.id for c in T3_COLUMNS)
    return TableSpec("t3", T3_TITLE, T3_HEADER, rows, T3_COLUMNS, cells, note=T3_HEADER_NOTE)


T3_2021 = _t3((*_T3_HEAD, *_T3_OTHER_2021, *_T3_TAIL))
T3_2019 = _t3((*_T3_HEAD, *_T3_OTHER_2019, *_T3_TAIL))


def t3_leaves(fmt: ReportFormat) -> list[str]:
    """The result leaf rows (§7.2 "Leaves"): 21 in F2021, 19 in F2019."""
    table = T3_2021 if fmt == ReportFormat.F2021 else T3_2019
    return [r.id for r in table.rows if r.id and r.id not in T3_BALANCE_ROWS]


# ---------------------------------------------------------------------------------------------------------
# 表四 (§3.4; F2021 = F2019)

T4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
T4_BLOCKS = (("review", ("行政复议",)), ("suit_direct", ("行政诉讼", "未经复议直接起诉")),
             ("suit_after_review", ("行政诉讼", "复议后起诉")))
T4_RESULTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
              ("total", "总计"))
_T4_RESULT_HEADERS = tuple(HeaderCell(label) for _, label in T4_RESULTS)
T4_HEADER = (
    (HeaderCell("行政复议", colspan=5), HeaderCell("行政诉讼", colspan=10)),
    (*(HeaderCell(label, rowspan=2) for _, label in T4_RESULTS),
     HeaderCell("未经复议直接起诉", colspan=5), HeaderCell("复议后起诉", colspan=5)),
    (*_T4_RESULT_HEADERS, *_T4_RESULT_HEADERS),
)
T4 = TableSpec(
    "t4", T4_TITLE, T4_HEADER,
    rows=tuple(RowSpec(block, path[-1]) for block, path in T4_BLOCKS),
    columns=tuple(ColumnSpec(col, label) for col, label in T4_RESULTS),
    cells=tuple(CellSpec(f"t4.{block}.{col}", "t4", block, col, path[-1], label, COUNT, "件",
                         row_path=path, column_path=(*path, label))
                for block, path in T4_BLOCKS for col, label in T4_RESULTS),
)

# ---------------------------------------------------------------------------------------------------------
# 2014–2018 《政府信息公开情况统计表》 (§5.2): (cell id or None for a block/group row, verbatim label, unit)

LG_TITLE = "政府信息公开情况统计表"
LG_ROWS_RAW = (
    (None, "一、主动公开情况", None),
    ("lg.proactive.total", "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条"),
    ("lg.proactive.normative_docs_published", "其中：主动公开规范性文件数", "条"),
    ("lg.proactive.normative_docs_issued", "制发规范性文件总数", "件"),
    (None, "（二）通过不同渠道和方式公开政府信息的情况", None),
    ("lg.proactive.via_gazette", "1.政府公报公开政府信息数", "条"),
    ("lg.proactive.via_website", "2.政府网站公开政府信息数", "条"),
    ("lg.proactive.via_weibo", "3.政务微博公开政府信息数", "条"),
    ("lg.proactive.via_wechat", "4.政务微信公开政府信息数", "条"),
    ("lg.proactive.via_other", "5.其他方式公开政府信息数", "条"),
    (None, "二、回应解读情况", None),
    ("lg.response.hot_topics", "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次"),
    (None, "（二）通过不同渠道和方式回应解读的情况", None),
    ("lg.response.press_conferences", "1.参加或举办新闻发布会总次数", "次"),
    ("lg.response.press_conferences_by_head", "其中：主要负责同志参加新闻发布会次数", "次"),
    ("lg.response.online_interviews", "2.政府网站在线访谈次数", "次"),
    ("lg.response.online_interviews_by_head", "其中：主要负责同志参加政府网站在线访谈次数", "次"),
    ("lg.response.interpretations", "3.政策解读稿件发布数", "篇"),
    ("lg.response.weibo_wechat_events", "4.微博微信回应事件数", "次"),
    ("lg.response.other_events", "5.其他方式回应事件数", "次"),
    (None, "三、依申请公开情况", None),
    ("lg.request.received", "（一）收到申请数", "件"),
    ("lg.request.in_person", "1.当面申请数", "件"),
    ("lg.request.fax", "2.传真申请数", "件"),
    ("lg.request.online", "3.网络申请数", "件"),
    ("lg.request.letter", "4.信函申请数", "件"),
    ("lg.request.closed", "（二）申请办结数", "件"),
    ("lg.request.closed_on_time", "1.按时办结数", "件"),
    ("lg.request.closed_extended", "2.延期办结数", "件"),
    ("lg.request.answered", "（三）申请答复数", "件"),
    ("lg.request.already_public", "1.属于已主动公开范围数", "件"),
    ("lg.request.granted", "2.同意公开答复数", "件"),
    ("lg.request.partially_granted", "3.同意部分公开答复数", "件"),
    ("lg.request.refused", "4.不同意公开答复数", "件"),
    ("lg.request.refused_state_secret", "其中：涉及国家秘密", "件"),
    ("lg.request.refused_commercial_secret", "涉及商业秘密", "件"),
    ("lg.request.refused_privacy", "涉及个人隐私", "件"),
    ("lg.request.refused_security_stability", "危及国家安全、公共安全、经济安全和社会稳定", "件"),
    ("lg.request.refused_not_gov_info", "不是《条例》所指政府信息", "件"),
    ("lg.request.refused_other_legal", "法律法规规定的其他情形", "件"),
    ("lg.request.not_this_agency", "5.不属于本行政机关公开数", "件"),
    ("lg.request.not_exist", "6.申请信息不存在数", "件"),
    ("lg.request.told_to_amend", "7.告知作出更改补充数", "件"),
    ("lg.request.told_other_channel", "8.告知通过其他途径办理数", "件"),
    ("lg.review.total", "四、行政复议数量", "件"),
    ("lg.review.upheld", "（一）维持具体行政行为数", "件"),
    ("lg.review.corrected", "（二）被依法纠错数", "件"),
    ("lg.review.other", "（三）其他情形数", "件"),
    ("lg.suit.total", "五、行政诉讼数量", "件"),
    ("lg.suit.upheld", "（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("lg.suit.corrected", "（二）被依法纠错数", "件"),
    ("lg.suit.other", "（三）其他情形数", "件"),
    ("lg.complaints.total", "六、举报投诉数量", "件"),
    ("lg.fees.amount", "七、依申请公开信息收取的费用", "万元"),
    (None, "八、机构建设和保障经费情况", None),
    ("lg.org.dedicated_units", "（一）政府信息公开工作专门机构数", "个"),
    ("lg.org.reading_points", "（二）设置政府信息公开查阅点数", "个"),
    ("lg.org.staff_total", "（三）从事政府信息公开工作人员数", "人"),
    ("lg.org.staff_full_time", "1.专职人员数（不包括政府公报及政府网站工作人员数）", "人"),
    ("lg.org.staff_part_time", "2.兼职人员数", "人"),
    ("lg.org.budget", "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元"),
    (None, "九、政府信息公开会议和培训情况", None),
    ("lg.meetings.meetings", "（一）召开政府信息公开工作会议或专题会议数", "次"),
    ("lg.meetings.trainings", "（二）举办各类培训班数", "次"),
    ("lg.meetings.trainees", "（三）接受培训人员数", "人次"),
)
# Units accepted besides the canonical one (§5.2: 盐池 prints 个 for staff; 人, 个 and 名 are all seen).
LG_UNIT_VARIANTS = {"lg.org.staff_total": ("人", "个", "名"), "lg.org.staff_full_time": ("人", "个", "名"),
                    "lg.org.staff_part_time": ("人", "个", "名")}
LG_MONEY = ("lg.fees.amount", "lg.org.budget")


def _lg_depth(label: str) -> int:
    if re.match(r"^[一二三四五六七八九十]+、", label):
        return 0
    if label.startswith("（"):
        return 1
    return 2


def _legacy() -> TableSpec:
    rows, cells, stack = [], [], []
    for number, (cell_id, label, unit) in enumerate(LG_ROWS_RAW, start=1):
        depth = _lg_depth(label)
        stack = stack[:depth] + [label]
        row_id = cell_id.removeprefix("lg.") if cell_id else None
        rows.append(RowSpec(row_id, label, str(number), depth, unit))
        if cell_id:
            ctype = WAN if cell_id in LG_MONEY else COUNT
            cells.append(CellSpec(cell_id, "lg", row_id, "value", label, "统计数", ctype, unit,
                                  row_path=tuple(stack), column_path=("统计数",)))
    header = ((HeaderCell("统计指标"), HeaderCell("单位"), HeaderCell("统计数")),)
    return TableSpec("lg", LG_TITLE, header, tuple(rows), (ColumnSpec("value", "统计数"),), tuple(cells))


LG = _legacy()

# ---------------------------------------------------------------------------------------------------------
# LOCAL: the 福建 template still used by 赤门乡2018 (§5.3, §7.6). Ids `fj.<row>.<year|cumulative>` are ours.

FJ_ROWS_RAW = (
    ("proactive_docs", "主动公开文件数", "件"),
    ("via_website", "其中：1.政府网站公开数", "件"),
    ("via_gazette", "2.政府公报公开数", "件"),
    ("received", "受理政府信息公开申请总数", "件"),
    ("in_person", "其中：1.当面申请数", "件"),
    ("online", "2.网络申请数", "件"),
    ("letter_fax", "3.信函、传真申请数", "件"),
    ("answered", "对申请的答复总数", "件"),
    ("granted", "其中：1.同意公开答复数", "件"),
    ("partially_granted", "2.同意部分公开答复数", "件"),
    ("refused", "3.不予公开答复数", "件"),
    ("other_answers", "4.其他类型答复数", "件"),
    ("petitions", "接受行政申诉、举报数", "件"),
    ("reviews", "行政复议数", "件"),
    ("suits", "行政诉讼数", "件"),
)
FJ_COLUMNS = (ColumnSpec("year", "本年"), ColumnSpec("cumulative", "历年累计"))


def _fujian() -> TableSpec:
    rows = tuple(RowSpec(r, label, str(i), 0 if not label[0].isdigit() and not label.startswith("其中") else 1, unit)
                 for i, (r, label, unit) in enumerate(FJ_ROWS_RAW, start=1))
    cells = tuple(CellSpec(f"fj.{r}.{c.id}", "fj", r, c.id, label, c.label, COUNT, unit,
                           row_path=(label,), column_path=(c.label,))
                  for r, label, unit in FJ_ROWS_RAW for c in FJ_COLUMNS)
    header = ((HeaderCell("指标"), HeaderCell("单位"), HeaderCell("本年"), HeaderCell("历年累计")),)
    return TableSpec("fj", "政府信息公开情况统计表（福建地方格式）", header, rows, FJ_COLUMNS, cells)


FJ = _fujian()

# ---------------------------------------------------------------------------------------------------------
# The 2008-regime report (2014–2018 years): 《中华人民共和国政府信息公开条例》(2007年国务院令第492号) 第三十二条
# lists what the annual report contains; the 统计表 above is its annex. Each item keeps the statutory wording,
# the headings reports print for it, and the 统计表 cells that carry its figures. 收费及减免: the table has
# one row for the fees (七、依申请公开信息收取的费用, 万元) and none for reductions and exemptions, which the
# report states in its prose.


@dataclass(frozen=True)
class OutlineItem:
    id: str
    item: str  # the article's item number
    title: str  # verbatim wording of the item
    variants: tuple[str, ...] = ()  # headings seen in reports for it
    cells: tuple[str, ...] = ()  # 统计表 cells that carry its figures
    prose: str = ""  # what the figures do not cover and the text must say


LEGACY_OUTLINE_BASIS = "《中华人民共和国政府信息公开条例》（2007年）第三十二条"
LEGACY_OUTLINE = (
    OutlineItem("proactive", "（一）", "行政机关主动公开政府信息的情况", ("主动公开政府信息情况", "主动公开情况"),
                tuple(c for c, _, _ in LG_ROWS_RAW if c and c.startswith("lg.proactive."))),
    OutlineItem("requests", "（二）", "行政机关依申请公开政府信息和不予公开政府信息的情况",
                ("依申请公开政府信息情况", "依申请公开情况"),
                tuple(c for c, _, _ in LG_ROWS_RAW if c and c.startswith("lg.request."))),
    OutlineItem("fees", "（三）", "政府信息公开的收费及减免情况",
                ("政府信息公开的收费及减免情况", "依申请收费及减免情况", "收费及减免情况", "政府信息公开收费及减免情况"),
                ("lg.fees.amount",), "减免的件数、金额及依据（统计表只有收取的费用一行）"),
    OutlineItem("appeals", "（四）", "因政府信息公开申请行政复议、提起行政诉讼的情况",
                ("因政府信息公开申请行政复议、提起行政诉讼的情况", "行政复议和行政诉讼情况", "复议、诉讼情况"),
                tuple(c for c, _, _ in LG_ROWS_RAW if c and c.startswith(("lg.review.", "lg.suit.")))),
    OutlineItem("problems", "（五）", "政府信息公开工作存在的主要问题及改进情况",
                ("存在的主要问题及改进情况", "存在的主要问题和改进措施", "存在的主要问题及改进措施")),
    OutlineItem("other", "（六）", "其他需要报告的事项", ("其他需要报告的事项", "需要说明的事项")),
)

FORMATS: dict[ReportFormat, FormatSpec] = {
    ReportFormat.F2021: FormatSpec(ReportFormat.F2021, FORMAT_LABELS[ReportFormat.F2021], (T2_2021, T3_2021, T4),
                                   dict(SECTION_TITLES)),
    ReportFormat.F2019: FormatSpec(ReportFormat.F2019, FORMAT_LABELS[ReportFormat.F2019], (T2_2019, T3_2019, T4),
                                   dict(SECTION_TITLES)),
    ReportFormat.LEGACY_2014: FormatSpec(ReportFormat.LEGACY_2014, FORMAT_LABELS[ReportFormat.LEGACY_2014], (LG,),
                                         outline=LEGACY_OUTLINE),
    ReportFormat.LOCAL: FormatSpec(ReportFormat.LOCAL, FORMAT_LABELS[ReportFormat.LOCAL], (FJ,)),
}
ALL_CELLS: dict[str, CellSpec] = {c.id: c for spec in FORMATS.values() for t in spec.tables for c in t.cells}

# Trend series comparable across F2019 → F2021 (§4.4): F2021 cell → the F2019 cells that sum to it.
F2019_EQUIVALENTS = {
    "t2.licensing.decisions": ("t2v19.licensing.decisions",),
    "t2.penalty.decisions": ("t2v19.penalty.decisions",),
    "t2.coercion.decisions": ("t2v19.coercion.decisions",),
}

# ---------------------------------------------------------------------------------------------------------
# §6.1 label normalisation

# Whole-label aliases (after normalisation, numbering removed): printed variant → canonical (§5.2, §8.7).
LABEL_ALIASES = {
    "同一公开答复数": "同意公开答复数",
    "依法纠错数": "被依法纠错数",
    "行政诉讼量": "行政诉讼数量",
    "政府信政息公开情况统计表": "政府信息公开情况统计表",
}
# Fragment aliases: curated typos long enough to be unambiguous inside a label. Never edit distance: "同一"
# and "同意" differ by one character and mean different things.
FRAGMENT_ALIASES = (
    ("同一公开答复数", "同意公开答复数"),
    ("危机国家安全", "危及国家安全"),
    ("危机\"三安全一稳定\"", "危及\"三安全一稳定\""),
    ("国家机密", "国家秘密"),
    ("法律行政止公开", "法律行政法规禁止公开"),
    ("商业机密", "商业秘密"),
    ("告知做出", "告知作出"),
    ("行政诉讼量", "行政诉讼数量"),
    ("工作人数员", "工作人员数"),
    ("政府信政息", "政府信息"),
    ("等方面经费", "等方面的经费"),
    ("不同渠道和方式公开相同的信息列为1条", "不同渠道和方式公开相同信息计1条"),
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "‘": "'", "’": "'",
                         "[": "〔", "]": "〕", "【": "〔", "】": "〕", "、": ".", "．": "."})
_CN_NUM = "一二三四五六七八九十"
_NUMBERING = re.compile(
    rf"^(?:其中[:：]?|[{_CN_NUM}]+\.|\([{_CN_NUM}]+\)|\(\d+\)|\d+\.(?!\d)|\d+\)|[{_CN_NUM}]+是)"
)
_WHITESPACE = re.compile(r"\s+")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


@dataclass(frozen=True)
class NormalisedLabel:
    numbering: str  # normalised numbering tokens, e.g. "(一)", "1.", "其中:"; "" when none
    text: str  # the label without numbering, aliases applied
    core: str  # text without a trailing parenthetical note (notes move between lines in copies)
    raw: str


def _nfkc(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # NFKC leaves 、 and “” alone; they are unified here so that printed variants compare equal.
    return text.translate(_QUOTES)


@functools.lru_cache(maxsize=1)
def _t2s():
    return opencc.OpenCC("t2s")  # character-level: mirror sites convert characters, not vocabulary


def to_simplified(text: str) -> str:
    """§6.1 step 1: traditional → simplified (reports copied from mirror sites are often converted)."""
    return _t2s().convert(text) if text else text


def normalise_label(text) -> NormalisedLabel:
    """The label pipeline of §6.1: traditional → simplified, NFKC and punctuation unification, whitespace
    removal, numbering split, alias lookup."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    try:
        s = _WHITESPACE.sub("", _nfkc(to_simplified(raw)))
        numbering = []
        while True:
            m = _NUMBERING.match(s)
            if not m or m.end() == len(s):
                break
            numbering.append(m.group(0).replace("：", ":"))
            s = s[m.end():]
        s = LABEL_ALIASES.get(s, s)
        for variant, canonical in FRAGMENT_ALIASES:
            if variant in s:
                s = s.replace(variant, canonical)
        s = LABEL_ALIASES.get(s, s)
        core = s
        while True:
            stripped = _TRAILING_NOTE.sub("", core)
            if stripped == core or not stripped:
                break
            core = stripped
        return NormalisedLabel("".join(numbering), s, core, raw)
    except Exception:  # noqa: BLE001 - a label must never break an import
        return NormalisedLabel("", raw, raw, raw)


def label_index(fmt: ReportFormat) -> dict[str, list[str]]:
    """Normalised row label (core) → row ids of the format's tables, for matching within a block context
    (§6.1 step 6: short labels such as 其他 or 总计 are ambiguous on their own)."""
    index: dict[str, list[str]] = {}
    for table in FORMATS[fmt].tables:
        for row in table.rows:
            key = normalise_label(row.label).core
            index.setdefault(key, []).append(f"{table.id}:{row.id}" if row.id else f"{table.id}:")
    return index


# ---------------------------------------------------------------------------------------------------------
# §6 cell values

@dataclass(frozen=True)
class ParsedValue:
    value: Decimal | None
    flags: frozenset[str] = frozenset()
    unit: str | None = None
    annotation: str = ""  # the text of an annotated cell, e.g. "新闻通气会"
    raw: str = ""


PLACEHOLDERS = {"-", "--", "—", "——", "–", "/", "//", "无", "不涉及", "暂无", "空", "×", "x"}
_MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_COUNT_UNITS = ("人次", "件", "条", "次", "个", "人", "篇", "名", "项", "场", "期", "家")
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_APPROX_PREFIX = ("大约", "约", "近", "逾", "超过", "达")
_APPROX_SUFFIX = ("余", "多", "左右", "以上")
_ANNOTATION = re.compile(r"^(.*?)\((.+)\)$")


def parse_cell_value(raw, cell_type=CellType.COUNT) -> ParsedValue:
    """Normalise one printed cell (§6). Never raises: unreadable text yields value None with flag `invalid`."""
    try:
        return _parse(raw, CellType(cell_type))
    except Exception:  # noqa: BLE001 - an importer must keep going on any input
        return ParsedValue(None, frozenset({"invalid"}), None, "", raw if isinstance(raw, str) else repr(raw))


def _parse(raw, cell_type: CellType) -> ParsedValue:
    if raw is None:
        return ParsedValue(None, frozenset({"blank"}))
    if isinstance(raw, bool):
        raise TypeError("bool is not a cell value")
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
        return ParsedValue(value if value.is_finite() else None,
                           frozenset() if value.is_finite() else frozenset({"invalid"}), raw=str(raw))
    if isinstance(raw, float):
        raw = repr(raw)
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", str(raw)))
    if not text:
        return ParsedValue(None, frozenset({"blank"}), raw=raw)
    if text in PLACEHOLDERS or text.strip("-—–/") == "" and len(text) <= 3:
        return ParsedValue(Decimal(0), frozenset({"placeholder"}), raw=raw)
    flags: set[str] = set()
    annotation = ""
    m = _ANNOTATION.match(text)
    if m and m.group(1):
        text, annotation = m.group(1), m.group(2)
        flags.add("annotated")
    for prefix in _APPROX_PREFIX:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            flags.add("approximate")
            break
    unit = None
    for candidate in sorted((*_MONEY_UNITS, *_COUNT_UNITS, "%"), key=len, reverse=True):  # 万元 before 元
        if text.endswith(candidate) and len(text) > len(candidate):
            unit, text = candidate, text[:-len(candidate)]
            flags.add("unit_in_cell")
            break
    for suffix in _APPROX_SUFFIX:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[:-len(suffix)]
            flags.add("approximate")
            break
    m = _NUMBER.match(text)
    if not m:
        return ParsedValue(None, frozenset(flags | {"invalid"}), unit, annotation, raw)
    try:
        value = Decimal(m.group(1) + m.group(2).replace(",", "") + (m.group(3) or ""))
    except InvalidOperation:
        return ParsedValue(None, frozenset(flags | {"invalid"}), unit, annotation, raw)
    if cell_type == CellType.MONEY_WITH_UNIT:
        if unit in _MONEY_UNITS:
            value, unit = value * _MONEY_UNITS[unit], "元"
        elif unit is None:
            flags.add("unit_missing")  # T2v19-W04: keep the number, a person must confirm the unit
        else:
            flags.add("invalid")
    elif cell_type == CellType.MONEY_WAN:
        if unit in _MONEY_UNITS:
            value, unit = value * _MONEY_UNITS[unit] / Decimal(10000), "万元"
        elif unit is None:
            unit = "万元"
        else:
            flags.add("invalid")
    elif unit in _MONEY_UNITS or unit == "%":
        flags.add("invalid")  # money or a share in a count cell is not a count
    return ParsedValue(value, frozenset(flags), unit, annotation, raw)
