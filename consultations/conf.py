"""Settings of the consultations app, with defaults (the lead adds them to gongkai/settings.py):

- GONGKAI_CONSULTATION_MIN_DAYS: minimum period in calendar days per kind (W-36: 规章草案, 重大行政决策 and
  规范性文件 closely tied to market actors ≥ 30 days);
- GONGKAI_CONSULTATION_MIN_WD: minimum in working days per kind (W-36: 行政规范性文件 ≥ 7 WD);
- GONGKAI_CONSULTATION_FEEDBACK_WD: working days after the period within which the feedback is due
  (W-36 “within a configurable time”; the value 20 is a local choice, UNVERIFIED).
Both ends of a period count (the day it opens and the day it closes)."""

from django.conf import settings

DEFAULT_MIN_DAYS = {"rule_draft": 30, "major_decision": 30, "market_normative_doc": 30}
DEFAULT_MIN_WD = {"normative_doc": 7}


def min_days(kind: str) -> int:
    return int({**DEFAULT_MIN_DAYS, **getattr(settings, "GONGKAI_CONSULTATION_MIN_DAYS", {})}.get(str(kind), 0))


def min_wd(kind: str) -> int:
    return int({**DEFAULT_MIN_WD, **getattr(settings, "GONGKAI_CONSULTATION_MIN_WD", {})}.get(str(kind), 0))


def feedback_wd() -> int:
    return int(getattr(settings, "GONGKAI_CONSULTATION_FEEDBACK_WD", 20))


# W-17 timers, in hours (国办发〔2016〕61号).
AUTHORITATIVE_HOURS = 5
PRESS_CONFERENCE_HOURS = 24
ORDINARY_RESPONSE_HOURS = 48
