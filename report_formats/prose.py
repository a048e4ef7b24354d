"""Reading a report's prose: metadata (agency, year, statistical period, headings) and the figures quoted in
it, turned into the validator's ProseFacts (`prose_facts`). Shared: the checkup's importer reads published
reports with it, and reports.narrative checks a drafted report's prose with the same extraction."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .validation import ProseFacts, ProseFigure, ProsePercentage

_TITLE_AGENCY_FIRST = re.compile(
    r"(?P<agency>[\u4e00-\u9fa5（）()·]{2,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*政府信息公开(?:工作)?年度?报告")
_TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*(?P<agency>[\u4e00-\u9fa5（）()·]{2,40}?)\s*政府信息公开(?:工作)?年度?报告")
_SIGNATURE = re.compile(r"^[\u4e00-\u9fa5（）()]{3,30}(?:人民政府办公室|人民政府|办公室|委员会|局|厅|管理处|街道办事处)$")
_PERIOD = re.compile(
    r"(?P<y1>(?:19|20)\d{2})(?P<n1>年?)(?P<m1>\d{1,2})(?P<n2>月?)(?P<d1>\d{1,2})日(?:起)?至"
    r"(?:(?P<y2>(?:19|20)\d{2})年?)?(?P<m2>\d{1,2})(?P<n3>月?)(?P<d2>\d{1,2})日")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_NAME_LINE = re.compile(r"^[\u4e00-\u9fa5（）()·]{2,40}$")


def find_title(lines: list[tuple[str, str]]) -> tuple[str | None, int | None, str]:
    previous = ""
    for text, where in lines[:60]:
        t = re.sub(r"\s+", "", _clean(text))
        if len(t) > 80:
            previous = ""
            continue
        candidates = [t]
        # A title broken after the agency's name (GB/T 9704 回行, as Gongkai's own PDF prints it):
        # "演示县教育局" / "2023年政府信息公开工作年度报告".
        if _NAME_LINE.match(previous) and not previous.endswith("报告") and re.match(r"(?:19|20)\d{2}年", t):
            candidates.append(previous + t)
        for candidate in candidates:
            for pattern in (_TITLE_YEAR_FIRST, _TITLE_AGENCY_FIRST):
                m = pattern.search(candidate)
                if m:
                    agency = m.group("agency").strip("（）()·")
                    agency = re.sub(r"^(?:关于|印发)", "", agency) or None
                    return agency, int(m.group("year")), where
        previous = t
    return None, None, ""


def find_signature(lines: list[tuple[str, str]]) -> str | None:
    for text, _ in reversed(lines[-80:]):
        t = re.sub(r"\s+", "", _clean(text))
        if _SIGNATURE.match(t) and "主办" not in t and "承办" not in t:
            return t
    return None


def period_text(lines: list[tuple[str, str]]) -> str | None:
    """The statistical period as printed ("201711日至1231日" included); report_formats.validation parses it
    (D-W03, date_reconstructed)."""
    for text, _ in lines:
        t = re.sub(r"\s+", "", _clean(text))
        if "至" not in t or not re.search(r"统计|期限|时限|期间|时间为", t):
            continue
        m = _PERIOD.search(t)
        if m:
            return m.group(0)
    return None


_PUBLISHED = re.compile(r"(?:发布|公开|成文)(?:日期|时间)\s*[:：]\s*((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")


def published_on(lines: list[tuple[str, str]]) -> str | None:
    """The page's 发布日期 / 发布时间 as an ISO date ("2019-01-10"), from the page metadata near the top."""
    for text, _ in lines[:40]:
        m = _PUBLISHED.search(_clean(text))
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])\S{2,40}$")


def headings(lines: list[tuple[str, str]]) -> list[str]:
    """Section headings as printed: a numbered short line, or the numbered lead-in of a paragraph that runs
    on after its heading ("八、工作存在的主要问题和改进情况。当前,…", 湘西州2017)."""
    out = []
    for text, _ in lines:
        head = re.split(r"[。：:]", text.strip(), maxsplit=1)[0].strip()
        if len(head) <= 42 and _HEADING.match(head.rstrip(".")):
            out.append(head)
    return out


# --- prose figures ----------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\d.])(?P<pre>约|近|逾|超过)?(?P<num>\d+(?:\.\d+)?)\s*(?P<approx>余|多)?\s*(?P<unit>件|条|次|%)")
# (kind, keywords that must occur in the clause before the number), first match wins: more specific first.
_KINDS = (
    ("carried_in", ("上年结转", "上年度结转", "上一年度结转", "上年度未办结")),
    ("carried_out", ("结转下年", "结转下一年", "转入下一年", "结转到下")),
    # Combined categories of real prose: compared with the sum of their cells (SUMS), never one of them.
    ("granted_or_partial", ("予以公开及部分公开", "予以公开和部分公开", "予以公开或部分公开", "公开及部分公开",
                            "全部公开或部分公开", "全部或部分公开", "公开和部分公开", "予以公开（含部分公开）",
                            "予以公开(含部分公开)")),
    ("not_processed", ("不予处理",)),
    ("partially_granted", ("部分公开",)),
    ("withheld", ("不予公开", "不同意公开")),
    ("unavailable", ("无法提供",)),
    ("granted", ("予以公开", "同意公开")),
    ("received", ("收到申请", "收到政府信息公开申请", "收到依申请", "受理申请", "受理依申请", "受理政府信息公开申请",
                  "新收", "申请数", "收到公开申请")),
    ("closed", ("申请办结", "申请答复", "依申请公开办结", "依申请公开答复", "办结申请", "答复申请")),
    ("review", ("行政复议",)),
    ("suit", ("行政诉讼",)),
    ("normative_docs", ("规范性文件",)),
    ("via_website", ("网站",)),
    ("proactive", ("主动公开",)),
)
_REFERS = {
    "2021": {"received": "t3.received_new.total", "carried_in": "t3.carried_in.total",
             "carried_out": "t3.carried_out.total", "granted": "t3.granted.total",
             "partially_granted": "t3.partially_granted.total", "closed": "t3.closed_total.total",
             "review": "t4.review.total"},
    "legacy": {"received": "lg.request.received", "closed": "lg.request.closed", "granted": "lg.request.granted",
               "partially_granted": "lg.request.partially_granted", "withheld": "lg.request.refused",
               "review": "lg.review.total", "suit": "lg.suit.total", "proactive": "lg.proactive.total",
               "normative_docs": "lg.proactive.normative_docs_published", "via_website": "lg.proactive.via_website"},
    "local": {"received": "fj.received.year", "granted": "fj.granted.year",
              "partially_granted": "fj.partially_granted.year", "withheld": "fj.refused.year",
              "review": "fj.reviews.year", "suit": "fj.suits.year", "proactive": "fj.proactive_docs.year",
              "via_website": "fj.via_website.year"},
}
_REFERS["2019"] = _REFERS["2021"]
_WITHHELD = ("state_secret", "prohibited_by_law", "security_stability", "third_party_rights", "internal_affairs",
             "process_info", "enforcement_file", "admin_inquiry")
# Kinds whose figure is the sum of several cells of the 2019/2021 tables (sum_of): 予以公开及部分公开 = （一）+（二）;
# 不予公开, 无法提供, 不予处理 overall = the sum of their numbered sub-rows' 总计; 行政诉讼 = both 诉讼 blocks.
SUMS = {
    "granted_or_partial": ("t3.granted.total", "t3.partially_granted.total"),
    "withheld": tuple(f"t3.withheld_{k}.total" for k in _WITHHELD),
    "unavailable": tuple(f"t3.unavailable_{k}.total" for k in ("not_held", "needs_creation", "still_unclear")),
    "not_processed": tuple(f"t3.not_processed_{k}.total" for k in ("complaint", "duplicate", "publication", "excessive",
                                                                    "reconfirmation")),
    "suit": ("t4.suit_direct.total", "t4.suit_after_review.total"),
}
# 纠错率 (correction rate) of 行政复议 / 行政诉讼: 结果纠正 ÷ 审结（总计 − 尚未审结）, or ÷ 总计 as some agencies
# print it; the validator accepts either and names the formula (docs/auditor.md, 正文与表格).
CORRECTION_RATE = {
    "review": (("t4.review.corrected",), (("t4.review.total", "-t4.review.pending"), ("t4.review.total",))),
    "suit": (("t4.suit_direct.corrected", "t4.suit_after_review.corrected"),
             (("t4.suit_direct.total", "t4.suit_after_review.total", "-t4.suit_direct.pending",
               "-t4.suit_after_review.pending"), ("t4.suit_direct.total", "t4.suit_after_review.total"))),
}
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
# A part (其中, 州本级, 县市) is not the table total: such figures keep refers_to None.
PART_MARKERS = ("其中", "本级", "分别", "累计", "历年")


def is_prose(text: str) -> bool:
    return len(text) >= 12 and bool(re.search(r"[，,。；;]", text))


def prose_figures(lines: list[tuple[str, str]], fmt: str) -> list[dict]:
    """Every number of the prose with its kind, the one cell it states (`refers_to`) or, for a combined category
    of the 2019/2021 tables, the cells it is the sum of (`sum_of`), the sentence and its section heading."""
    refers = _REFERS.get(fmt, {})
    sums = SUMS if fmt in ("2019", "2021") else {}
    figures = []
    section = ""
    for text, where in lines:
        head = re.split(r"[。：:]", text.strip(), maxsplit=1)[0].strip()
        if len(head) <= 42 and _HEADING.match(head.rstrip(".")):
            section = head
        if not is_prose(text):
            continue
        for sm in _SENTENCE.finditer(text):
            sentence = sm.group(0).strip()
            clean = _clean(sentence)
            for m in _NUMBER.finditer(clean):
                clause = re.split(r"[，,：:（(]", clean[:m.start()])[-1][-30:]
                if m.group("unit") == "%":
                    kind = "correction_rate" if "纠错率" in clause else "percent"
                else:
                    kind = next((k for k, words in _KINDS if any(w in clause for w in words)), None)
                    if kind is None:
                        continue
                    if kind in ("proactive", "normative_docs", "via_website") and (
                            m.group("unit") != "条" or "公开" not in clean[:m.start()]):
                        continue
                num = Decimal(m.group("num"))
                value = int(num) if num == num.to_integral_value() and "." not in m.group("num") else m.group("num")
                approximate = bool(m.group("approx") or m.group("pre"))
                part = any(p in clean[:m.start()] for p in PART_MARKERS)
                exact = not (approximate or part or m.group("unit") == "%")
                refers_to = refers.get(kind) if exact else None
                sum_of = list(sums[kind]) if exact and refers_to is None and kind in sums else None
                figure = {"text": sentence, "value": value, "refers_to": refers_to, "kind": kind,
                          "unit": m.group("unit"), "approximate": approximate, "where": where, "section": section}
                if sum_of:
                    figure["sum_of"] = sum_of
                if kind == "correction_rate" and fmt in ("2019", "2021"):
                    scope = "suit" if "诉讼" in clean[:m.start()] and "复议" not in clause else "review"
                    figure["rate_of"] = scope
                figures.append(figure)
    return figures


def prose_text(lines: list[tuple[str, str]]) -> str:
    return "\n".join(text for text, _ in lines if is_prose(text))


def prose_facts(report: dict) -> ProseFacts:
    """The validator's facts from a report in the checkup's JSON contract (its `prose_text` and
    `prose_figures`; either may be absent)."""
    text = report.get("prose_text") or ""
    figures, percentages = [], []
    for f in report.get("prose_figures", []):
        cells = (f["refers_to"],) if f.get("refers_to") else tuple(f.get("sum_of") or ())
        try:
            if cells:
                figures.append(ProseFigure(cells, Decimal(str(f["value"])), f["text"], bool(f.get("approximate")),
                                           section=f.get("section") or ""))
            elif f.get("rate_of") in CORRECTION_RATE and not f.get("approximate"):
                numerator, denominators = CORRECTION_RATE[f["rate_of"]]
                value = str(f["value"])
                decimals = len(value.split(".")[1]) if "." in value else 0
                percentages.append(ProsePercentage(Decimal(value), decimals, numerator, None, f["text"],
                                                   denominators=denominators, name="纠错率",
                                                   section=f.get("section") or ""))
        except (ArithmeticError, ValueError):
            continue
    upheld = re.search(r"[^。；;！!？?\n]*均(?:获|被|予)?维持[^。；;！!？?\n]*[。；;]?", text)
    return ProseFacts(
        figures=figures,
        states_no_requests=bool(re.search(r"未收到[^，。；]{0,12}申请|收到[^，。；]{0,12}申请0件", text)),
        states_no_fee_items=bool(re.search(r"(?:无|没有|未设)[^，。；]{0,6}行政事业性收费", text)),
        states_appeals_all_upheld=bool(upheld),
        appeals_upheld_sentence=upheld.group(0).strip() if upheld else "",
        percentages=percentages,
        text=text,
        headings=list(report.get("headings") or []),
        agency_name=report.get("agency") or "",
    )
