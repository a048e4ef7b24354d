"""A demo year of 意见征集 and 回应关切 for a region, made through consultations.services.

Shape (as typical published reports show, e.g. 盐池县's 意见征求 in 2018; a county: a handful of
consultations a year): one of each kind with a period at the minimum, one shortened with a reason, comments
approved / hidden / adopted or not with reasons, feedback published and the consultation closed — except,
in a year still running, the last ones, which stay open or await feedback. Plus 回应关切 records (one major
incident on the 5 h / 24 h timers), press conferences and online interviews so the legacy 回应解读 rows have
values.

Not wired into the demo command (its owner adds the call)."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from consultations import services
from consultations.models import ConsultationKind, OnlineInterview, PressConference

from .regions import agencies_of

DEFAULT_SEED = 2018
AUDIT_LABEL = "演示数据"

# (kind, title, days, shortening reason, the agency whose field it is: the part of its code after the prefix;
# the county government when the region has no such department).
DRAFTS = [
    (ConsultationKind.RULE_DRAFT, "城市绿化管理办法（征求意见稿）", 31, "", "zjj"),
    (ConsultationKind.NORMATIVE_DOC, "城乡居民临时救助实施细则（征求意见稿）", 14, "", "mzj"),
    (ConsultationKind.MARKET_NORMATIVE_DOC, "促进个体工商户发展若干措施（征求意见稿）", 30, "", "scjgj"),
    (ConsultationKind.MAJOR_DECISION, "城区供热价格调整方案（征求意见稿）", 30, "", "fgj"),
    (ConsultationKind.MAJOR_DECISION, "防汛抗旱应急预案（修订征求意见稿）", 10, "汛期临近，预案须在汛前修订实施，征求意见期限相应缩短。",
     "swj"),
    (ConsultationKind.OTHER, "全民健身设施布局规划（征求意见稿）", 20, "", "jyj"),
]
# The year in progress has one consultation open today (and its comments waiting for moderation).
OPEN_NOW = (ConsultationKind.NORMATIVE_DOC, "城乡居民医疗保障困难群众医疗救助实施办法（征求意见稿）", 30, "", "ybj")
COMMENTS = ["建议第五条明确责任部门和办理时限。", "建议增加对老年人、残疾人的照顾条款。",
            "第十二条罚款标准偏高，建议分档设置。", "建议公开资金使用情况，接受群众监督。",
            "我是附近居民，电话13995123456，建议先听证再出台。", "广告：代办各类证件，联系微信……"]


@dataclass(frozen=True)
class ConsultationsSummary:
    year: int
    consultations: int
    comments: int
    closed: int
    concerns: int


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build_consultations(region, year: int, seed: int = DEFAULT_SEED, today: date | None = None) -> ConsultationsSummary:
    today = today or timezone.localdate()
    if year > today.year:
        raise ValueError(f"演示年度不能晚于{today.year}年。")
    agencies = [a for a in agencies_of(region) if a.is_active_on(today)]
    if not agencies:
        raise ValueError("没有可以发起意见征集的机构。")
    rng = random.Random(seed)
    made, comments, closed, concerns = [], 0, 0, 0
    with transaction.atomic(), acting_as(label=AUDIT_LABEL):
        by_slug = {a.code.split("-", 1)[-1]: a for a in agencies}
        plan = [(date(year, 1 + 2 * i, rng.randint(1, 20)), draft) for i, draft in enumerate(DRAFTS)]
        if year == today.year:  # the last one that has started, and one open today
            plan = [(opens, draft) for opens, draft in plan if opens + timedelta(days=draft[2]) < today - timedelta(days=20)]
            plan.append((today - timedelta(days=rng.randint(5, 12)), OPEN_NOW))
        for opens, (kind, title, days, reason, slug) in plan:
            if opens > today:
                break
            closes = opens + timedelta(days=days - 1)
            if kind == ConsultationKind.NORMATIVE_DOC:  # at least 7 working days, whatever the holidays
                while services.check_period(kind, opens, closes).short:
                    closes += timedelta(days=1)
            consultation = services.create_consultation(
                agency=by_slug.get(slug, agencies[0]), title=title, kind=kind, opens_on=opens, closes_on=closes,
                draft_text=f"{title.split('（')[0]}\n\n第一条 为了……，根据……，制定本办法。\n第二条 ……",
                explanation="起草背景、主要内容和需要说明的问题。", shortening_reason=reason)
            consultation = services.publish_consultation(consultation, on=opens)
            made.append(consultation)
            for text in rng.sample(COMMENTS, rng.randint(2, len(COMMENTS))):
                day = min(opens + timedelta(days=rng.randint(0, days - 1)), closes, today)
                comment = services.submit_comment(consultation, body=text, submitted_at=_at(day, 10),
                                                  name=rng.choice(["", "李先生", "某商会"]))
                comments += 1
                if closes >= today:
                    continue
                if text.startswith("广告"):
                    services.moderate_comment(comment, approve=False, reason="广告信息，与征求意见内容无关")
                    continue
                services.moderate_comment(comment, approve=True)
                adoption = rng.choice(["adopted", "partly", "not_adopted"])
                services.decide_comment(comment, adoption=adoption,
                                        rejection_reason="" if adoption == "adopted" else "该事项已由上位法规定，本文件不再重复。")
            published_on = services.add_working_days(closes, rng.randint(3, 15)).day
            if published_on > today:
                continue
            services.publish_feedback(consultation, summary="征求意见期间共收到意见建议若干条，经认真研究，采纳情况如下。",
                                      offline_adopted=rng.randint(0, 3), on=published_on)
            services.close_consultation(consultation, on=published_on)
            closed += 1
        for month in range(1, 13, 2):
            occurred = _at(date(year, month, rng.randint(1, 25)), rng.randint(7, 20))
            if occurred > timezone.now():
                break
            major = month == 7
            services.record_concern(
                agency=rng.choice(agencies), topic="强降雨致部分路段积水" if major else f"群众关注的热点问题（{month}月）",
                occurred_at=occurred, is_major=major,
                authoritative_at=occurred + timedelta(hours=3) if major else None,
                press_conference_at=occurred + timedelta(hours=20) if major else None,
                responded_at=occurred + timedelta(hours=rng.randint(4, 60)),
                channels=rng.sample(["website", "weibo_wechat", "media", "press_conference"], 2),
                response="已组织有关部门核实处置并发布情况通报。")
            concerns += 1
        for model, count in ((PressConference, 4), (OnlineInterview, 3)):
            for k in range(count):
                held = date(year, 2 + 3 * k, 15)
                if held <= today:
                    services.record_event(model, agency=rng.choice(agencies), title=f"{year}年第{k + 1}期",
                                          held_on=held, head_attended=k == 0)
    return ConsultationsSummary(year=year, consultations=len(made), comments=comments, closed=closed,
                                concerns=concerns)
