"""What every export prints, independent of the file type: the title, the six sections with their prose,
the tables (as layout grids) and the charts (as data). The DOCX, HTML/PDF and XLSX renderers only draw it.

Placement follows the 2019/2021 formats: 表二 in section 二, 表三 in 三, 表四 in 四. A legacy report (2014–2018)
prints its prose and then the 统计表 as an attachment, as typical published reports do (e.g. 湘西州's for
2017, 盐池县's for 2018).

The sections and their headings depend on the format (section_titles): the six of formats.SECTION_TITLES for
2019 and later; for a 2014–2018 report an overview (一、概述) and then the six items of 2007年《条例》第三十二条
in their order (formats.LEGACY_OUTLINE), so its 收费及减免 item is a section of its own (四、), between the
requests and the appeals. Its text states the fee cell of the 统计表 (legacy_fee_sentences)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from report_formats.formats import FORMATS, SECTION_TITLES, ReportFormat, ReportSection
from report_formats.layout import Grid, grids

ATTACHMENTS_HEADING = "附件"
# 二级标题 "（一）主动公开" leading a paragraph of the prose (楷体 in print).
HEADING_2 = re.compile(r"^(（[一二三四五六七八九十]+）[^。；：！？]{1,25}[。；：！？]?)(.*)$")
CHANNEL_LABELS = {"gazette": "政府公报", "website": "政府网站", "weibo": "政务微博", "wechat": "政务微信",
                  "other": "其他方式"}
LEGACY_CHANNEL_CELLS = {"gazette": "lg.proactive.via_gazette", "website": "lg.proactive.via_website",
                        "weibo": "lg.proactive.via_weibo", "wechat": "lg.proactive.via_wechat",
                        "other": "lg.proactive.via_other"}
# 表三 outcome groups (总计 column) shown in the outcomes chart: (label, the leaf rows summed).
OUTCOME_GROUPS_2021 = (
    ("予以公开", ("granted",)),
    ("部分公开", ("partially_granted",)),
    ("不予公开", ("withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability",
                  "withheld_third_party_rights", "withheld_internal_affairs", "withheld_process_info",
                  "withheld_enforcement_file", "withheld_admin_inquiry")),
    ("无法提供", ("unavailable_not_held", "unavailable_needs_creation", "unavailable_still_unclear")),
    ("不予处理", ("not_processed_complaint", "not_processed_duplicate", "not_processed_publication",
                  "not_processed_excessive", "not_processed_reconfirmation")),
    ("其他处理", ("other_no_correction", "other_fee_unpaid", "other_misc")),
)
OUTCOME_GROUPS_2019 = (*OUTCOME_GROUPS_2021[:5], ("其他处理", ("other",)))
LEGACY_OUTCOMES = (("属于已主动公开范围", "lg.request.already_public"), ("同意公开", "lg.request.granted"),
                   ("同意部分公开", "lg.request.partially_granted"), ("不同意公开", "lg.request.refused"),
                   ("不属于本行政机关公开", "lg.request.not_this_agency"),
                   ("申请信息不存在", "lg.request.not_exist"), ("告知作出更改补充", "lg.request.told_to_amend"),
                   ("告知通过其他途径办理", "lg.request.told_other_channel"))
# The main figures whose five-year trend is drawn: (label, cell id per format).
TREND_FIGURES = (
    ("新收申请", {"2021": "t3.received_new.total", "2019": "t3.received_new.total", "legacy": "lg.request.received"}),
    ("行政复议", {"2021": "t4.review.total", "2019": "t4.review.total", "legacy": "lg.review.total"}),
    ("行政诉讼", {"2021": ("t4.suit_direct.total", "t4.suit_after_review.total"),
                  "2019": ("t4.suit_direct.total", "t4.suit_after_review.total"), "legacy": "lg.suit.total"}),
)


FEES_SECTION = "fees"  # the 2008-regime report's 收费及减免 item (LEGACY_OUTLINE id), stored as a narrative key
LEGACY_OVERVIEW_TITLE = "概述"
_CN_NUMERALS = "一二三四五六七八九十"


def section_titles(report_format) -> dict[str, str]:
    """The report's sections in printed order: narrative key → heading (numbering included). A format with an
    outline (the 2008-regime 统计表, 2007年《条例》第三十二条) prints 一、概述 and then its items, each under the
    heading reports use for it (the first of the item's variants); the others print formats.SECTION_TITLES."""
    outline = FORMATS[ReportFormat(report_format)].outline
    if not outline:
        return {key.value: title for key, title in SECTION_TITLES.items()}
    headings = [(ReportSection.OVERVIEW.value, LEGACY_OVERVIEW_TITLE),
                *((item.id, item.variants[0] if item.variants else item.title) for item in outline)]
    return {key: f"{_CN_NUMERALS[i]}、{heading}" for i, (key, heading) in enumerate(headings)}


REDUCTIONS_PLACEHOLDER = "（请填写本年度减免费用的件数、金额及依据；没有减免的，写明“本年度未减免费用”。）"


def legacy_fee_sentences(values: dict) -> list[str]:
    """The 收费及减免 section of a 2008-regime report: the fees of the 统计表's fee cell (七、依申请公开信息收取的
    费用, 万元; zero said as 未收取费用, a blank cell asked for), then the reductions and exemptions, which the
    table has no row for and the platform holds no record of (it issues no fee notice under the 2008 条例):
    a placeholder staff replace."""
    fee = values.get("lg.fees.amount")
    if fee is None:
        fees = "（请填写本年度依申请公开政府信息收取费用的金额。）"
    elif Decimal(fee):
        fees = f"本年度依申请公开政府信息收取费用{_n(fee)}万元。"
    else:
        fees = "本年度依申请公开政府信息未收取费用。"
    return [fees, REDUCTIONS_PLACEHOLDER]


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # "bar" | "pie" | "line"
    categories: list[str]
    series: list[tuple[str, list[Decimal]]]  # (name, one value per category)
    unit: str = "件"

    @property
    def description(self) -> str:
        """The chart in words (alt text, and what a screen reader or a text-only export says)."""
        parts = []
        for name, values in self.series:
            pairs = "，".join(f"{c}{_n(v)}{self.unit}" for c, v in zip(self.categories, values, strict=False))
            parts.append(f"{name}：{pairs}" if len(self.series) > 1 else pairs)
        return f"{self.title}。" + "；".join(parts) + "。"

    @property
    def is_empty(self) -> bool:
        return not any(v for _, values in self.series for v in values)


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str]
    grids: list[Grid] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ReportDocument:
    title: str
    agency_name: str
    year: int
    report_format: ReportFormat
    sections: list[Section]
    attachments: list[Grid] = field(default_factory=list)  # legacy 统计表
    published_on: date | None = None
    version: int = 1
    change_note: str = ""
    status_label: str = ""

    def all_grids(self) -> list[Grid]:
        return [g for s in self.sections for g in s.grids] + list(self.attachments)

    def all_charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]


def _n(value) -> str:
    value = Decimal(value or 0)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def cell_sum(values: dict, ids) -> Decimal:
    ids = (ids,) if isinstance(ids, str) else ids
    return sum((Decimal(values.get(i) or 0) for i in ids), Decimal(0))


def outcomes_chart(fmt: ReportFormat, values: dict) -> Chart:
    if fmt == ReportFormat.LEGACY_2014:
        cats = list(LEGACY_OUTCOMES)
        return Chart("outcomes", "依申请公开办理结果", "bar", [label for label, _ in cats],
                     [("件数", [cell_sum(values, cid) for _, cid in cats])])
    groups = OUTCOME_GROUPS_2021 if fmt == ReportFormat.F2021 else OUTCOME_GROUPS_2019
    return Chart("outcomes", "依申请公开办理结果（总计列）", "bar", [label for label, _ in groups],
                 [("件数", [cell_sum(values, [f"t3.{row}.total" for row in rows]) for _, rows in groups])])


def channels_chart(fmt: ReportFormat, values: dict, channel_counts: dict[str, int] | None) -> Chart:
    if fmt == ReportFormat.LEGACY_2014:
        counts = {k: cell_sum(values, cid) for k, cid in LEGACY_CHANNEL_CELLS.items()}
    else:
        counts = {k: Decimal((channel_counts or {}).get(k, 0)) for k in CHANNEL_LABELS}
    return Chart("channels", "主动公开政府信息的渠道", "bar", list(CHANNEL_LABELS.values()),
                 [("条数", [counts[k] for k in CHANNEL_LABELS])], unit="条")


def trend_chart(history: list[tuple[int, str, dict]]) -> Chart:
    """`history`: (year, format, cell values) for up to five years, oldest first."""
    years = [f"{year}年" for year, _, _ in history]
    series = []
    for label, by_format in TREND_FIGURES:
        series.append((label, [cell_sum(values, by_format.get(str(fmt), ())) for _, fmt, values in history]))
    return Chart("trend", "近五年主要数据", "line", years, series)


def build(*, title: str, agency_name: str, year: int, report_format, values: dict, narrative: dict,
          channel_counts: dict[str, int] | None = None, history: list[tuple[int, str, dict]] | None = None,
          published_on: date | None = None, version: int = 1, change_note: str = "",
          status_label: str = "") -> ReportDocument:
    """The printable report. `narrative`: section key → text; `history`: earlier years for the trend chart."""
    fmt = ReportFormat(report_format)
    tables = grids(fmt, values)
    by_table = {g.table_id: g for g in tables}
    sections = []
    for key, heading in section_titles(fmt).items():
        section = Section(key, heading, paragraphs(narrative.get(key, "")))
        if key == FEES_SECTION and not section.paragraphs:  # a narrative saved before the section existed
            section.paragraphs = legacy_fee_sentences(values)
        if fmt in (ReportFormat.F2021, ReportFormat.F2019):
            if key == ReportSection.PROACTIVE:
                section.grids.append(by_table["t2" if fmt == ReportFormat.F2021 else "t2v19"])
            elif key == ReportSection.REQUESTS:
                section.grids.append(by_table["t3"])
            elif key == ReportSection.APPEALS:
                section.grids.append(by_table["t4"])
        if key == ReportSection.OVERVIEW and history and len(history) > 1:
            section.charts.append(trend_chart(history))
        elif key == ReportSection.PROACTIVE:
            chart = channels_chart(fmt, values, channel_counts)
            if not chart.is_empty:
                section.charts.append(chart)
        elif key == ReportSection.REQUESTS:
            chart = outcomes_chart(fmt, values)
            if not chart.is_empty:
                section.charts.append(chart)
        sections.append(section)
    attachments = tables if fmt in (ReportFormat.LEGACY_2014, ReportFormat.LOCAL) else []
    return ReportDocument(title, agency_name, year, fmt, sections, attachments, published_on, version,
                          change_note, status_label)


def report_title(agency_name: str, year: int) -> str:
    return f"{agency_name}{year}年政府信息公开工作年度报告"


def subtitle(document: ReportDocument) -> str:
    """The line under the title: the version of a correction, the status of a report not yet published."""
    parts = []
    if document.version > 1:
        parts.append(f"第{document.version}版")
    if document.published_on is None and document.status_label:
        parts.append(f"{document.status_label}，未发布")
    return f"（{'；'.join(parts)}）" if parts else ""


def attachments_line(document: ReportDocument) -> str:
    """附件说明 above the signature (GB/T 9704): "附件：政府信息公开情况统计表"; numbered when several."""
    titles = [grid.title for grid in document.attachments]
    if len(titles) == 1:
        return f"{ATTACHMENTS_HEADING}：{titles[0]}"
    return f"{ATTACHMENTS_HEADING}：" + "　".join(f"{i}.{t}" for i, t in enumerate(titles, start=1)) if titles else ""
