"""Demo 更正申请 (条例 第四十一条): a few a year, as a county sees them — records of 学生资助, 社保, 不动产,
低保 名单 with a wrong birth date, name or area — decided in each of the four ways, and, in the year in progress,
open ones on the handlers' desks (one of them overdue, so the desk has something red)."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from audit.context import acting_as
from orgs.models import AgencyKind
from rectifications import services
from rectifications.models import RecordRectificationRequest, RefusalReason
from workdays.calendar import add_working_days

from .regions import agencies_of

RECORDS = [
    ("2025年度学生资助名单中本人的出生日期", "出生日期登记为1990年1月5日，应为1990年5月1日", "户口簿、居民身份证复印件"),
    ("城乡居民最低生活保障公示名单中本人的家庭人口数", "家庭人口登记为4人，实为3人（长子已于2024年分户）", "分户后的户口簿"),
    ("农村危房改造补助公示中本人的姓名", "姓名“马文清”应为“马文靜”的规范字“马文静”", "居民身份证复印件"),
    ("不动产登记信息查询结果中本人房屋的建筑面积", "建筑面积登记为86.5平方米，测绘报告为96.5平方米", "房屋测绘报告"),
    ("退役军人优待证申领名单中本人的入伍时间", "入伍时间登记为2003年12月，应为2002年12月", "退伍证复印件"),
]
NAMES = ["马建国", "李秀兰", "王志强", "杨海燕", "张伟"]


@dataclass(frozen=True)
class RectificationsSummary:
    year: int
    requests: int
    open: int


def build_rectifications(region, year: int, today: date, seed: int = 41) -> RectificationsSummary:
    """Create the demo 更正申请 of `year` (dates up to `today`). In the year in progress two stay open at the
    departments whose demo handlers log in (教育、卫生健康 first), one of them past its period."""
    rng = random.Random(seed + year)
    agencies = [a for a in agencies_of(region) if a.is_active_on(today)]
    departments = sorted((a for a in agencies if a.kind == AgencyKind.DEPARTMENT),
                         key=lambda a: (not any(k in a.name for k in ("教育", "卫生")), a.path))
    if not departments:
        return RectificationsSummary(year, 0, 0)
    made = []
    with transaction.atomic(), acting_as(label="演示数据生成"):
        current = year == today.year
        for k, (record, inaccuracy, evidence) in enumerate(RECORDS):
            agency = departments[k % len(departments)]
            if current and k < 2:
                # Open: one received a week ago, one received long enough ago to be overdue.
                received = today - timedelta(days=7 if k == 0 else 45)
            else:
                received = date(year, 1, 1) + timedelta(days=rng.randint(0, max(0, (today - date(year, 1, 1)).days
                                                                                    if current else 330)))
            received = min(received, today)
            case = services.submit(agency=agency, applicant=services.Applicant(
                name=NAMES[k], phone=f"139{rng.randint(10000000, 99999999)}", address=f"{agency.name[:3]}{k + 3}号"),
                record_description=record, inaccuracy=inaccuracy, evidence=evidence, received_on=received)
            made.append(case)
            if current and k < 2:
                continue
            decided = min(add_working_days(received, rng.randint(3, 15)).day, today)
            if decided < received:
                continue
            if k % 4 == 0:
                services.correct(case, correction_made=inaccuracy.split("，")[-1].replace("应为", "已更正为"), on=decided)
            elif k % 4 == 1:
                services.refuse(case, reason=RefusalReason.NO_EVIDENCE, on=decided,
                                note="所附材料不能证明登记信息有误，可补充原始登记材料后重新提出")
            elif k % 4 == 2:
                target = next((a for a in agencies if a.pk != agency.pk and a.kind == AgencyKind.DEPARTMENT), None)
                services.transfer(case, to_agency=target, to_agency_name="" if target else "有权更正的行政机关",
                                  on=decided)
            else:
                services.refer(case, competent_agency_name="吴忠市自然资源局", on=decided)
    open_count = RecordRectificationRequest.objects.filter(pk__in=[c.pk for c in made], state="received").count()
    return RectificationsSummary(year, len(made), open_count)


