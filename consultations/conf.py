"""Settings of the consultations app, with defaults (overridable in gongkai/settings.py):

- GONGKAI_CONSULTATION_MIN_DAYS: minimum public-comment period in calendar days per kind;
- GONGKAI_CONSULTATION_MIN_WD: minimum in working days per kind;
- GONGKAI_CONSULTATION_FEEDBACK_WD: working days after the period within which the feedback is due (20 is a
  local choice: no national text fixes it).

The period runs from the day the draft is actually published (or the planned opening day, when that is
later) to the closing day, both ends counted. The defaults and the text each one rests on are in RULES; a
kind whose minimum a deployment overrides shows “本地设置” as its basis instead."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PeriodRule:
    minimum: int
    unit: str  # "days" (calendar days) or "wd" (working days)
    source: str  # the law and article
    text: str  # what it says about the period, as quoted on the staff pages


# The national minimums, each with its source.
RULES = {
    "rule_draft": PeriodRule(
        30, "days", "《规章制定程序条例》第十五条",
        "起草规章，除依法需要保密的外，应当将规章草案及其说明等向社会公布，征求意见。"
        "向社会公布征求意见的期限一般不少于30日。"),
    "major_decision": PeriodRule(
        30, "days", "《重大行政决策程序暂行条例》第十五条",
        "公开征求意见的期限一般不少于30日；因情况紧急等原因需要缩短期限的，公开征求意见时应当予以说明。"),
    "market_normative_doc": PeriodRule(
        30, "days", "《优化营商环境条例》第六十二条",
        "（要旨）制定与市场主体生产经营活动密切相关的行政规范性文件，向社会公开征求意见的期限一般不少于30日。"),
    "normative_doc": PeriodRule(
        7, "wd", "法治政府建设示范指标（提高公众参与度）",
        "对公民、法人和其他组织权利义务有重大影响、涉及人民群众切身利益的行政规范性文件，在向社会公开征求"
        "意见时，期限一般不少于7个工作日（与市场主体生产经营活动密切相关的行政规范性文件，期限一般不少于30日）。"),
}
DEFAULT_MIN_DAYS = {kind: r.minimum for kind, r in RULES.items() if r.unit == "days"}
DEFAULT_MIN_WD = {kind: r.minimum for kind, r in RULES.items() if r.unit == "wd"}
LOCAL_SOURCE = "本地设置"


def min_days(kind: str) -> int:
    return int({**DEFAULT_MIN_DAYS, **getattr(settings, "GONGKAI_CONSULTATION_MIN_DAYS", {})}.get(str(kind), 0))


def min_wd(kind: str) -> int:
    return int({**DEFAULT_MIN_WD, **getattr(settings, "GONGKAI_CONSULTATION_MIN_WD", {})}.get(str(kind), 0))


def rule_for(kind: str) -> PeriodRule | None:
    """The minimum that applies to `kind` and where it comes from: the national rule when the settings keep
    its value, else the local setting (the national text still quoted, for comparison)."""
    kind = str(kind)
    national = RULES.get(kind)
    days, wd = min_days(kind), min_wd(kind)
    if days:
        unit, minimum, setting = "days", days, "GONGKAI_CONSULTATION_MIN_DAYS"
    elif wd:
        unit, minimum, setting = "wd", wd, "GONGKAI_CONSULTATION_MIN_WD"
    else:
        return None
    if national and (national.unit, national.minimum) == (unit, minimum):
        return national
    text = f"{setting} 设定本类征集的最短期限。"
    if national:
        text += f"（{national.source}：{national.text}）"
    return PeriodRule(minimum, unit, LOCAL_SOURCE, text)


def feedback_wd() -> int:
    return int(getattr(settings, "GONGKAI_CONSULTATION_FEEDBACK_WD", 20))


# 回应关切 timers, in hours (国办发〔2016〕61号).
AUTHORITATIVE_HOURS = 5
PRESS_CONFERENCE_HOURS = 24
ORDINARY_RESPONSE_HOURS = 48
