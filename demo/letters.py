"""A demo year of 领导信箱 letters for a region, made through letters.services (numbers, due dates, the
audit trail and the statistics are what real use gives).

Shape (《湘西州2017年政府信息公开工作年度报告》: 州长信箱 237 = 有效 197 + 无效 40, i.e. ~17 % invalid; a
county: a couple of hundred letters a year): `n` letters (default 200) over the year, ~15 % invalid with
each reason, the valid ones mostly assigned to a department and answered within the period, some late, a
few answered only after the 3-month line (so the three-month line report has something to show) and, in a
year that is still running, some open; about half the writers allow publication and most of those replies
are published after a second person's review; most writers rate the reply (好差评), a few of them poorly.
`gongkai demo` builds the last full year and the year in progress."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from mailboxes import services
from mailboxes.models import (
    InvalidReason,
    Letter,
    LetterState,
    LetterType,
    Mailbox,
    MailboxKind,
    Satisfaction,
)
from orgs.models import Agency, AgencyKind
from orgs.scoping import Capability, holders
from workdays.calendar import add_working_days

from .regions import agencies_of

DEFAULT_SEED = 2017
DEFAULT_LETTERS = 200
AUDIT_LABEL = "演示数据"

SUBJECTS = {
    LetterType.INQUIRY: [("小学入学报名时间", "请问今年城区小学一年级报名的时间和需要准备的材料？"),
                         ("新农合缴费标准", "想咨询今年城乡居民医保个人缴费标准和缴费截止时间。"),
                         ("公积金提取", "在外地购房能否提取本县缴存的住房公积金？需要哪些材料？")],
    LetterType.SUGGESTION: [("增设公交站点", "建议在县医院新院区门口增设公交站点，方便老人就医。"),
                            ("延长图书馆开放时间", "建议图书馆周末开放到晚上八点。")],
    LetterType.COMPLAINT: [("夜间施工噪音", "小区旁工地夜间施工至凌晨，严重影响休息，请相关部门查处。"),
                           ("农贸市场占道经营", "农贸市场周边占道经营严重，交通拥堵。")],
    LetterType.HELP: [("拖欠农民工工资", "我们在某工地务工，工资被拖欠三个月，请求帮助讨薪。"),
                      ("残疾人补贴申请", "家中老人重度残疾，请问如何申请两项补贴？")],
}
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "马文静", "周敏", "吴刚"]
REPLIES = ["您好！您反映的问题已转相关部门核实办理，具体情况如下：经核实，……感谢您的关注。",
           "您好！经研究，您的建议已纳入下一步工作计划，我们将结合实际逐步推进。",
           "您好！根据有关规定，……如有疑问，可拨打12345政务服务便民热线咨询。"]


@dataclass(frozen=True)
class LettersSummary:
    year: int
    letters: int
    states: dict
    invalid: int
    published: int


def _mailboxes(agencies: list[Agency]) -> list[Mailbox]:
    """A 县长信箱 at the top government and a 部门信箱 for up to four departments (created when missing)."""
    top = agencies[0]
    boxes = [Mailbox.objects.get_or_create(code=f"{top.code}-leader"[:40], defaults={
        "agency": top, "name": "县长信箱" if "县" in top.name else "领导信箱", "kind": MailboxKind.LEADER})[0]]
    for agency in [a for a in agencies if a.kind == AgencyKind.DEPARTMENT][:4]:
        boxes.append(Mailbox.objects.get_or_create(code=f"{agency.code}-box"[:40], defaults={
            "agency": agency, "name": f"{agency.name}信箱", "kind": MailboxKind.AGENCY})[0])
    return boxes


def build_letters(region, year: int, seed: int = DEFAULT_SEED, n: int = DEFAULT_LETTERS,
                  today: date | None = None) -> LettersSummary:
    """Create the demo letters of `year` for `region` (a demo.generator.RegionSummary, a mapping of codes to
    agency ids, or agency ids). All or nothing. Dates after `today` are not used."""
    today = today or timezone.localdate()
    if year > today.year:
        raise ValueError(f"演示年度不能晚于{today.year}年。")
    agencies = [a for a in agencies_of(region) if a.is_active_on(today)]
    if not agencies:
        raise ValueError("没有可以接收来信的机构。")
    rng = random.Random(seed)
    departments = [a for a in agencies if a.kind == AgencyKind.DEPARTMENT] or agencies
    last_day = min(date(year, 12, 31), today)
    span = (last_day - date(year, 1, 1)).days
    made, reviewers = [], {}
    with transaction.atomic(), acting_as(label=AUDIT_LABEL):
        boxes = _mailboxes(agencies)
        for _ in range(n):
            received = date(year, 1, 1) + timedelta(days=rng.randint(0, span))
            letter_type = rng.choices(list(LetterType), weights=[45, 20, 25, 10])[0]
            subject, body = rng.choice(SUBJECTS[letter_type])
            name = rng.choice(NAMES)
            writer = services.WriterData(name=name, phone=f"139{rng.randint(10000000, 99999999)}",
                                         address=f"{agencies[0].name[:3]}{rng.randint(1, 200)}号")
            at = timezone.make_aware(datetime.combine(received, time(rng.randint(8, 21), rng.randint(0, 59))))
            letter = services.submit_letter(
                mailbox=rng.choices(boxes, weights=[5] + [1] * (len(boxes) - 1))[0], writer=writer,
                letter_type=letter_type, subject=subject, body=body, consent_to_publish=rng.random() < 0.5,
                submitted_at=at)
            made.append(letter)
            screened = min(add_working_days(received, 1).day, today)
            if screened <= received and received == today:
                continue  # arrived today: still waiting to be screened
            if rng.random() < 0.15:
                reason = rng.choice(list(InvalidReason))
                services.screen(letter, valid=False, reason=reason, on=screened,
                                note="演示：与其他来信内容重复" if reason == InvalidReason.OTHER else "")
                continue
            services.screen(letter, valid=True, on=screened)
            if letter.mailbox.kind == MailboxKind.LEADER and rng.random() < 0.7:
                services.assign(letter, to_agency=rng.choice(departments), reason="请按职责办理并直接答复来信人。",
                                on=screened)
            roll = rng.random()
            wd = services.reply_period_wd(letter)
            if roll < 0.80:
                replied = add_working_days(received, rng.randint(1, wd)).day
            elif roll < 0.93:
                replied = add_working_days(received, wd + rng.randint(1, 15)).day
            elif roll < 0.96:
                replied = received + relativedelta(months=3) + timedelta(days=rng.randint(1, 20))
            else:
                replied = None  # still open
            if (replied is None or replied > today) and (today - received).days > 60:
                # In a year still running, an old letter has been answered by now (late, within 3 months):
                # only the recent ones are open, as in an office that works its queue.
                replied = min(today, add_working_days(received, wd + rng.randint(1, 20)).day)
            if replied is None or replied > today:
                continue
            letter = services.reply(letter, text=rng.choice(REPLIES), on=replied)
            if rng.random() < 0.6:  # most writers rate the reply; 差评 are rare (5 % 不满意, 2 % 非常不满意)
                services.rate_reply(letter, satisfaction=rng.choices(list(Satisfaction), weights=[46, 32, 15, 5, 2])[0])
            if letter.consent_to_publish and rng.random() < 0.8:
                reviewer = reviewers.setdefault(letter.agency_id, next(iter(
                    holders(Capability.INTERACTION_HANDLE, letter.agency)), None))
                if reviewer is None:
                    continue  # publication needs a second person (mailboxes.services.approve_publication)
                body_text, reply_text = services.suggested_public_text(letter)
                letter = services.propose_publication(letter, public_body=body_text, public_reply=reply_text)
                services.approve_publication(letter, user=reviewer)
        if year == today.year:
            # This morning's post, not screened yet: what the 待办 of the office shows first.
            for k in range(3):
                letter_type = list(LetterType)[k % len(LetterType)]
                subject, body = SUBJECTS[letter_type][0]
                made.append(services.submit_letter(
                    mailbox=boxes[k % len(boxes)], letter_type=letter_type, subject=subject, body=body,
                    writer=services.WriterData(name=rng.choice(NAMES), phone=f"139{rng.randint(10000000, 99999999)}"),
                    consent_to_publish=True,
                    submitted_at=min(timezone.now(), timezone.make_aware(datetime.combine(today, time(8, 10 + k))))))
    pks = [x.pk for x in made]
    rows = Letter.objects.filter(pk__in=pks)
    return LettersSummary(year=year, letters=len(pks),
                          states=dict(Counter(rows.values_list("state", flat=True))),
                          invalid=rows.filter(state=LetterState.INVALID).count(),
                          published=rows.filter(published_at__isnull=False).count())
