"""报告正文: the draft the platform writes for the six sections of an annual report (docs/law/annual-report.md
§2), and the reading of the numbers a report's prose quotes, for the prose check of services.checking.check.

The draft states only figures read from the report's own cells (services.cell_values) and from last year's
report (services.previous_report), so an untouched draft never contradicts its tables. What the platform
cannot know is a placeholder paragraph "（请填写……）" that staff replace. Section titles are not part of the
text: the renderers print rendering.document.section_titles (a 2014–2018 report has a seventh section,
"fees": 2007年《条例》第三十二条（三）收费及减免).

The prose check reads a report's prose the way the 年报体检 reads a published one (report_formats.prose),
so both find the same numbers; services.checking.check hands the result to the validator."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from disclosure_requests.models import FeeNotice
from report_formats.formats import (
    OVERVIEW_SUBSECTIONS,
    T3_BALANCE_ROWS,
    T4_RESULTS,
    ReportFormat,
)
from report_formats.prose import PART_MARKERS, prose_facts, prose_figures
from report_formats.validation import Finding, ProseFacts, ProseFigure, ProsePercentage, Severity

from .rendering.document import (
    FEES_SECTION,
    OUTCOME_GROUPS_2019,
    OUTCOME_GROUPS_2021,
    TREND_FIGURES,
    cell_sum,
    legacy_fee_sentences,
    paragraphs,
    section_titles,
)
from .services.compute import attribution
from .services.drafts import cell_values, previous_report
from .services.figures import plain_number

PLACEHOLDER_MARK = "（请填写"
OVERVIEW_PLACEHOLDERS = {
    "overview.proactive": "（请填写本年度主动公开工作的主要做法和成效。）",
    "overview.requests": "（请填写本年度依申请公开工作的主要做法和成效，如受理渠道、办理流程、答复质量等。）",
    "overview.info_management": "（请填写政府信息公开属性认定、保密审查、规范性文件清理等政府信息管理情况。）",
    "overview.platform": "（请填写政府网站、政务新媒体、政府公报等政府信息公开平台建设情况。）",
    "overview.oversight": "（请填写工作机制、教育培训、考核评议和责任追究等监督保障情况。）",
}
PROACTIVE_PLACEHOLDER = ("（请填写本年度主动公开政府信息的主要内容、渠道和成效，以及行政许可、行政处罚、行政强制和"
                         "行政事业性收费等信息的公开情况。）")
REQUESTS_PLACEHOLDER = "（请填写本年度依申请公开工作的主要做法。）"
PROBLEMS_PLACEHOLDER = "（请填写本年度政府信息公开工作存在的主要问题及改进措施。）"
OTHER_PLACEHOLDER = "（请填写其他需要报告的事项，如落实上级年度政务公开工作要点、办理人大代表建议和政协提案等情况。）"
GENERAL_PLACEHOLDER = "（请填写。）"
CARRY_LEAD = "上年度存在问题的整改情况："
CARRY_SUFFIX = "整改情况：（请填写）"
FEE_RULES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
FEE_RULES_FROM = 2021  # the 办法 took effect on 1 January 2021

_TREND = dict(TREND_FIGURES)
# Last year's headline figures, whatever its format (an F2019 report follows a 2018 统计表).
HEADLINES = {
    "received": _TREND["新收申请"],
    "closed": {"2021": "t3.closed_total.total", "2019": "t3.closed_total.total", "legacy": "lg.request.closed"},
    "review": _TREND["行政复议"],
    "suit": _TREND["行政诉讼"],
}
ONE_DECIMAL = Decimal("0.1")


def percent(part, whole) -> str | None:
    """`part` as a share of `whole` in %, one decimal, rounded half up; None when `whole` is 0."""
    whole = Decimal(whole or 0)
    if whole == 0:
        return None
    return str((Decimal(part or 0) * 100 / whole).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def _n(value) -> str:
    return plain_number(Decimal(value or 0))


def _ids(ids) -> tuple[str, ...]:
    return (ids,) if isinstance(ids, str) else tuple(ids)


@dataclass
class _Data:
    report: object
    fmt: ReportFormat
    values: dict
    previous: object | None  # last year's AnnualReport
    previous_values: dict = field(default_factory=dict)

    def count(self, ids) -> Decimal:
        return cell_sum(self.values, ids)

    def headline(self, key: str, values: dict | None = None, fmt=None) -> Decimal | None:
        values = self.values if values is None else values
        ids = HEADLINES[key].get(str(fmt or self.fmt))
        if ids is None or any(values.get(i) is None for i in _ids(ids)):
            return None
        return cell_sum(values, ids)

    def versus(self, key: str) -> str:
        """"，同比增加X件（增长Y%）" against last year's report; "" without one."""
        if self.previous is None:
            return ""
        now, before = self.headline(key), self.headline(key, self.previous_values, self.previous.format)
        if now is None or before is None:
            return ""
        diff = now - before
        if diff == 0:
            return "，同比持平"
        more = diff > 0
        rate = percent(abs(diff), before)
        return (f"，同比{'增加' if more else '减少'}{_n(abs(diff))}件"
                + (f"（{'增长' if more else '下降'}{rate}%）" if rate is not None else ""))


def _data(report) -> _Data:
    previous = previous_report(report)
    return _Data(report, report.report_format, cell_values(report), previous,
                 cell_values(previous) if previous else {})


# ------------------------------------------------------------------------------------------ the draft


def draft(report) -> dict[str, str]:
    """Text for every section of the report's format (keys of rendering.document.section_titles: the six of
    formats.ReportSection, and "fees" for a 2014–2018 report), paragraphs separated by newlines."""
    d = _data(report)
    if d.fmt in (ReportFormat.F2021, ReportFormat.F2019):
        sections = _modern(d)
    elif d.fmt == ReportFormat.LEGACY_2014:
        sections = _legacy(d)
    else:
        sections = {key: [GENERAL_PLACEHOLDER] for key in ("overview", "proactive", "requests", "appeals", "other")}
        sections["overview"] = [_basis(d), GENERAL_PLACEHOLDER]
    sections["problems"] = _problems(d.previous)
    return {key: "\n".join(sections[key]) for key in section_titles(d.fmt)}


def _basis(d: _Data) -> str:
    articles = "第四十九条、第五十条" if d.report.year >= 2019 else "第三十一条、第三十二条"
    return (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）{articles}的规定编制，"
            f"所列数据的统计期限为{d.report.year}年1月1日至12月31日。")


def _modern(d: _Data) -> dict[str, list[str]]:
    year, name = d.report.year, d.report.agency.name
    received, carried_in, closed, carried_out = (d.count(f"t3.{row}.total") for row in T3_BALANCE_ROWS)
    overview = [
        _basis(d),
        f"{year}年，{name}认真贯彻落实《条例》，坚持以公开为常态、不公开为例外，依法做好政府信息公开工作。",
        f"本年度新收政府信息公开申请{_n(received)}件{d.versus('received')}；"
        f"上年结转政府信息公开申请{_n(carried_in)}件；办结申请{_n(closed)}件{d.versus('closed')}；"
        f"结转下年度继续办理{_n(carried_out)}件。",
    ]
    if closed:
        # One sentence per outcome ("；"): the prose check pairs each share with the count just before it.
        groups = OUTCOME_GROUPS_2021 if d.fmt == ReportFormat.F2021 else OUTCOME_GROUPS_2019
        shares = []
        for label, rows in groups:
            n = d.count([f"t3.{row}.total" for row in rows])
            shares.append(f"{label}{_n(n)}件，占{percent(n, closed)}%")
        overview.append(f"从办理结果看，{'；'.join(shares)}。")
    review, suits = d.count("t4.review.total"), d.count(_TREND["行政诉讼"][str(d.fmt)])
    overview.append(f"本年度因政府信息公开工作被申请行政复议{_n(review)}件{d.versus('review')}；"
                    f"被提起行政诉讼{_n(suits)}件{d.versus('suit')}。")
    for key, title in OVERVIEW_SUBSECTIONS.items():
        overview += [title, OVERVIEW_PLACEHOLDERS[key]]
    return {
        "overview": overview,
        "proactive": [_proactive_modern(d), PROACTIVE_PLACEHOLDER],
        "requests": [f"本年度新收政府信息公开申请{_n(received)}件，上年结转政府信息公开申请{_n(carried_in)}件，"
                     f"办结申请{_n(closed)}件，结转下年度继续办理{_n(carried_out)}件。申请人情况和办理结果见下表。",
                     REQUESTS_PLACEHOLDER],
        "appeals": [_appeals_modern(d)],
        "other": [_fees(d.report), OTHER_PLACEHOLDER],
    }


def _proactive_modern(d: _Data) -> str:
    if d.fmt == ReportFormat.F2021:
        table, columns = "t2", (("issued", "制发{}{}件"), ("repealed", "废止{}件"), ("in_force", "现行有效{}件"))
        rows = (("rules", "规章"), ("normative_docs", "行政规范性文件"))
    else:
        table, columns = "t2v19", (("created", "新制作{}{}件"), ("published", "新公开{}件"),
                                   ("total_public", "对外公开总数量{}件"))
        rows = (("rules", "规章"), ("normative_docs", "规范性文件"))
    parts = []
    for row, label in rows:
        counts = [d.count(f"{table}.{row}.{col}") for col, _ in columns]
        if row == "rules" and not any(counts):
            continue  # most agencies cannot make 规章: say nothing rather than "0件"
        texts = [columns[0][1].format(label, _n(counts[0])),
                 *(template.format(_n(n)) for (_, template), n in zip(columns[1:], counts[1:], strict=True))]
        parts.append("，".join(texts))
    return f"本年度{'；'.join(parts)}。"


def _appeals_modern(d: _Data) -> str:
    # Results in brackets, not after "其中": the prose check reads no total from a sentence holding a part.
    sentences = []
    for lead, blocks in (("本年度因政府信息公开工作被申请行政复议", ("review",)),
                         ("被提起行政诉讼", ("suit_direct", "suit_after_review"))):
        total = d.count([f"t4.{b}.total" for b in blocks])
        text = f"{lead}{_n(total)}件"
        if total:
            results = "，".join(f"{label}{_n(d.count([f't4.{b}.{col}' for b in blocks]))}件"
                                for col, label in T4_RESULTS if col != "total")
            text += f"（{results}）"
        sentences.append(text)
    return "；".join(sentences) + "。具体情况见下表。"


def _legacy(d: _Data) -> dict[str, list[str]]:
    year, name, v = d.report.year, d.report.agency.name, d.values
    channels = (("政府公报", "via_gazette"), ("政府网站", "via_website"), ("政务微博", "via_weibo"),
                ("政务微信", "via_wechat"), ("其他方式", "via_other"))
    requests = f"本年度收到政府信息公开申请{_n(d.count('lg.request.received'))}件，办结申请{_n(d.count('lg.request.closed'))}件"
    if v.get("lg.request.answered") is not None:
        requests += f"，作出答复{_n(v['lg.request.answered'])}件"
    return {
        "overview": [
            _basis(d),
            # The name gets its own clause (“：”): the checkup reads the words just before each number.
            f"{year}年，{name}依法做好政府信息公开工作：主动公开政府信息{_n(d.count('lg.proactive.total'))}条；"
            f"收到政府信息公开申请{_n(d.count('lg.request.received'))}件{d.versus('received')}，"
            f"办结申请{_n(d.count('lg.request.closed'))}件{d.versus('closed')}；"
            f"因政府信息公开申请行政复议{_n(d.count('lg.review.total'))}件{d.versus('review')}，"
            f"提起行政诉讼{_n(d.count('lg.suit.total'))}件{d.versus('suit')}。",
            GENERAL_PLACEHOLDER],
        "proactive": [
            f"本年度主动公开政府信息{_n(d.count('lg.proactive.total'))}条。"
            + "，".join(f"通过{label}公开{_n(d.count(f'lg.proactive.{cid}'))}条" for label, cid in channels) + "。",
            PROACTIVE_PLACEHOLDER],
        "requests": [requests + "。", REQUESTS_PLACEHOLDER],
        "appeals": [f"本年度因政府信息公开申请行政复议{_n(d.count('lg.review.total'))}件，"
                    f"提起行政诉讼{_n(d.count('lg.suit.total'))}件。"],
        FEES_SECTION: legacy_fee_sentences(v),
        "other": [OTHER_PLACEHOLDER],
    }


def carried_problems(text: str) -> list[str]:
    """Last year's section 五 paragraphs to report on, without its own carry-over (the lead line and the
    paragraphs it reported on) and without placeholders nobody replaced."""
    return [p for p in paragraphs(text) if p != CARRY_LEAD and "整改情况：" not in p and PLACEHOLDER_MARK not in p]


def _problems(previous) -> list[str]:
    text = (previous.narrative or {}).get("problems") if previous is not None else None
    carried = carried_problems(text) if isinstance(text, str) else []
    lines = []
    if carried:
        lines.append(CARRY_LEAD)
        lines += [f"{p if p.endswith(('。', '；', '！', '？', '.')) else p + '。'}{CARRY_SUFFIX}" for p in carried]
    return [*lines, PROBLEMS_PLACEHOLDER]


def information_fees(report) -> tuple[int, Decimal]:
    """(requests, 元) of 信息处理费 actually paid within the report's period for cases of its units (a
    waived fee has no payment day). A case counts for the unit that answers for its agency on the day paid."""
    unit_ids = list(report.units.values_list("pk", flat=True)) or [report.agency_id]
    attr = attribution(unit_ids)
    paid = FeeNotice.objects.filter(attr.q("paid_on", "request__agency_id"), waived=False,
                                    paid_on__gte=report.period_start, paid_on__lte=report.period_end)
    totals = paid.aggregate(n=Count("pk"), amount=Sum("amount"))
    return totals["n"] or 0, totals["amount"] or Decimal(0)


def _fees(report) -> str:
    count, amount = information_fees(report)
    if not count:
        return "本年度未收取信息处理费。"
    basis = FEE_RULES if report.year >= FEE_RULES_FROM else "《条例》第四十二条"
    return f"依据{basis}，本年度对{count}件政府信息公开申请收取信息处理费，共计{_n(amount)}元。"


# ------------------------------------------------------------------------------------------ the prose check

# Kinds the checkup's extraction reads but maps to no single cell of the 2019/2021 tables: their totals
# are sums of cells (ProseFigure takes several). Legacy and local tables have their own cells for these.
_GROUPS = {label: tuple(f"t3.{row}.total" for row in rows) for label, rows in OUTCOME_GROUPS_2021}
_SUMMED_KINDS = {"withheld": _GROUPS["不予公开"], "unavailable": _GROUPS["无法提供"],
                 "suit": _ids(_TREND["行政诉讼"]["2021"])}
SUMMED_KINDS = {ReportFormat.F2021: _SUMMED_KINDS, ReportFormat.F2019: _SUMMED_KINDS}
# What the checkup reads from wording rather than numbers (ProseFacts flags), and the findings they raise.
STATEMENTS = {"states_no_requests": ("T3-W04", "正文称"), "states_no_fee_items": ("T2-W04", "正文称"),
              "states_appeals_all_upheld": ("T4-W03", "正文称")}


def _number_text(value) -> str | None:
    try:
        return str(value)
    except ValueError:  # an integer beyond Python's digit limit for str()
        return None


@dataclass
class ProseCheck:
    """The numbers and statements of a report's prose, with where each was read."""

    facts: ProseFacts
    sentences: dict[str, list[str]]  # sentence → where ("三、…，正文第1段")
    stated: dict[str, str]  # ProseFacts flag → the first paragraph that states it
    placeholders: dict[str, list[int]]  # section title → paragraphs still holding "（请填写"

    def locate(self, findings: list[Finding]) -> list[Finding]:
        """Point every finding the prose raised at its paragraph, and add one INFO per section with
        placeholders left."""
        quoted = sorted(self.sentences, key=len, reverse=True)
        for f in findings:
            if f.message.startswith("正文“"):
                sentence = next((s for s in quoted if f.message.startswith(f"正文“{s}”")), None)
                if sentence is not None:
                    f.where = "；".join(self.sentences[sentence])
                continue
            for flag, (code, prefix) in STATEMENTS.items():
                if f.code == code and f.message.startswith(prefix) and flag in self.stated:
                    f.where = self.stated[flag]
        for title, numbers in self.placeholders.items():
            findings.append(Finding(
                "RPT-W02", Severity.WARNING, [],
                f"{title}还有 {len(numbers)} 段“（请填写……）”提示文字，发布前请改写或删除。",
                where=f"{title}，正文第{'、'.join(str(n) for n in numbers)}段"))
        return findings


def is_prose_finding(finding: Finding) -> bool:
    return "正文第" in (finding.where or "")


def prose_check(report_format, narrative: dict) -> ProseCheck:
    """Read the prose of `narrative` (section key → text) with the checkup's extraction (report_formats.prose).

    Only the prose-number rules of the validator should run on a generated report: the facts carry the
    figures, the shares and the statements, and leave `text`, `headings`, `agency_name`, `body_dates` and
    `compare_with` empty. The document rules keyed on those (D-E01 section titles and D-E02 tables — the
    renderers print both —, D-W01, D-W06 similarity across a batch, D-I07 and D-W08 dates) describe an
    imported document and would fire spuriously here; leaving the fields empty switches them off without
    a new parameter of validate()."""

    fmt = ReportFormat(report_format)
    lines, placeholders = [], {}
    for key, title in section_titles(fmt).items():
        text = (narrative or {}).get(key)
        for number, paragraph in enumerate(paragraphs(text if isinstance(text, str) else ""), start=1):
            lines.append((paragraph, f"{title}，正文第{number}段"))
            if PLACEHOLDER_MARK in paragraph:
                placeholders.setdefault(title, []).append(number)
    figures = prose_figures(lines, fmt.value)
    sentences: dict[str, list[str]] = {}
    for f in figures:
        wheres = sentences.setdefault(f["text"], [])
        if f["where"] not in wheres:
            wheres.append(f["where"])
    stated = {}
    for paragraph, where in lines:
        facts = prose_facts({"prose_text": paragraph})
        for flag in STATEMENTS:
            if getattr(facts, flag):
                stated.setdefault(flag, where)
    facts = ProseFacts(figures=[*prose_facts({"prose_figures": figures}).figures, *_summed(fmt, figures)],
                       percentages=_shares(fmt, figures), **{flag: flag in stated for flag in STATEMENTS})
    return ProseCheck(facts, sentences, stated, placeholders)


def _cells_of(fmt: ReportFormat, figure: dict) -> tuple[str, ...]:
    if figure["refers_to"]:
        return (figure["refers_to"],)
    summed = SUMMED_KINDS.get(fmt, {}).get(figure["kind"])
    # The checkup leaves a part ("其中…", "本级…") unmapped; the sentence-wide test is the cautious side.
    if not summed or figure["approximate"] or any(m in figure["text"] for m in PART_MARKERS):
        return ()
    return summed


def _summed(fmt: ReportFormat, figures: list[dict]) -> list[ProseFigure]:
    out = []
    for f in figures:
        text = _number_text(f["value"]) if not f["refers_to"] and f["unit"] != "%" else None
        cells = _cells_of(fmt, f) if text else ()
        if cells:
            out.append(ProseFigure(cells, Decimal(text), f["text"]))
    return out


def _shares(fmt: ReportFormat, figures: list[dict]) -> list[ProsePercentage]:
    """"予以公开3件，占37.5%": a share printed right after a count the prose check maps to cells. Its
    denominator is left to the validator (办结总计, then 新收, then 新收加上年结转: T3-W03)."""
    by_sentence: dict[tuple[str, str], list[dict]] = {}
    for f in figures:
        by_sentence.setdefault((f["where"], f["text"]), []).append(f)
    out = []
    for (_, sentence), figs in by_sentence.items():
        clean = unicodedata.normalize("NFKC", sentence)
        counts = [(text, _cells_of(fmt, f)) for f in figs if f["unit"] != "%"
                  for text in [_number_text(f["value"])] if text]
        for pct in (f for f in figs if f["unit"] == "%"):
            value = _number_text(pct["value"])
            if value is None:
                continue
            shares = {cells for count, cells in counts if cells and re.search(
                rf"(?<![\d.]){re.escape(count)}\s*件[,，(（]?\s*占[^,，;；。%\d]{{0,10}}{re.escape(value)}\s*%", clean)}
            if len(shares) != 1:
                continue  # no count right before the share, or two that fit: nothing to compare
            decimals = len(value.split(".")[1]) if "." in value else 0
            out.append(ProsePercentage(Decimal(value), decimals, shares.pop(), None, sentence))
    return out
