"""A demo year of 依申请公开 cases and 行政复议/行政诉讼 for the demo county, made through the services (so
tracking numbers, due dates, letters of record and the audit trail are what real use would give).

Shape for the demo year Y (a county: tens of cases; `n` = 40 by default), all dates in the past:

* cases spread over the agencies by weight: most at the 县人民政府办公室 and the big departments
  (自然资源, 住建, 人社, 农业农村), a few at the towns; ~70 % from 自然人, the rest from enterprises, a law
  firm and one each of the other applicant types; channels mostly online and in person;
* every state a case can rest in (待确认, 已登记, 待补正, 办理中, 待说明理由, 待缴费, 已办结, 已归档) and
  every one of the 21 outcome rows of 表三, through the paths that produce them (补正 and its lapse, 征求
  第三方意见, 第三十五条 理由, the fee notice and its lapse, withdrawal, a transfer, an extension, a late reply);
* across the year boundary: received in December Y−1 and closed in January Y (carried in); received in
  December Y and still open, or closed in January Y+1 when that is past (carried out); an online
  application submitted on 29/30 December Y−1 and confirmed in January Y (received in Y);
* 行政复议 and 行政诉讼 against some replies, with every result, including one decided after 31 December
  (尚未审结 in Y's 表四) and one filed in Y−1 and decided in Y.

Stories (each a case's path) are fixed; the seed chooses agencies, applicants, texts and exact dates."""

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from appeals import services as appeal_services
from audit.context import acting_as
from disclosure_requests import messaging, services
from disclosure_requests.identity import resident_id_check_character
from disclosure_requests.models import DisclosureRequest, Outcome, OutcomeDetail
from orgs.credit_code import make_credit_code
from orgs.models import Agency, Role, RoleAssignment
from orgs.scoping import Capability, has_capability
from workdays.calendar import add_working_days, is_working_day

from . import data
from .regions import region_agency_ids

DEFAULT_SEED = 640323
DEFAULT_CASES = 40
AUDIT_LABEL = "演示数据生成"
# Relative weight of an agency by the part of its code after the prefix; others 1, the dissolved 0.
AGENCY_WEIGHTS = {"bgs": 10, "zrzyj": 6, "zjj": 5, "rsj": 3, "nyncj": 3, "gaj": 2, "jyj": 2, "wjj": 2,
                  "scjgj": 2, "czj": 2, "mzj": 2, "hmc": 2}
ROOT_WEIGHT = 4  # requests addressed to the 县人民政府 itself (征收决定, 批复 …)

BASIS = "《中华人民共和国政府信息公开条例》"
# (legal basis, reasons) per outcome, as a reply letter would state them.
REPLY_TEXT = {
    Outcome.GRANTED: ("第三十六条第（二）项", ""),
    Outcome.PARTIALLY_GRANTED: ("第三十七条", "所申请信息中含有个人身份证号码、联系电话等个人隐私，已作区分处理后提供其余部分。"),
    Outcome.WITHHELD_STATE_SECRET: ("第十四条", "所申请信息已依法确定为国家秘密。"),
    Outcome.WITHHELD_PROHIBITED_BY_LAW: ("第十四条", "《中华人民共和国统计法》禁止公开单个调查对象的身份和资料。"),
    Outcome.WITHHELD_SECURITY_STABILITY: ("第十四条", "公开后可能危及公共安全和社会稳定。"),
    Outcome.WITHHELD_THIRD_PARTY_RIGHTS: ("第十五条、第三十二条", "涉及第三方商业秘密，第三方不同意公开，不公开不会对公共利益造成重大影响。"),
    Outcome.WITHHELD_INTERNAL_AFFAIRS: ("第十六条第一款", "属于人事管理、内部工作流程等内部事务信息。"),
    Outcome.WITHHELD_PROCESS_INFO: ("第十六条第二款", "属于行政机关在履行职责过程中形成的讨论记录、请示报告等过程性信息。"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: ("第十六条第二款", "属于行政执法案卷信息。"),
    Outcome.WITHHELD_ADMIN_INQUIRY: ("第三十六条第（七）项", "不动产登记资料的查询依照《不动产登记资料查询暂行办法》办理，请按该办法申请查询。"),
    Outcome.UNAVAILABLE_NOT_HELD: ("第三十六条第（四）项", "经检索，本机关未制作、获取该政府信息。"),
    Outcome.UNAVAILABLE_NEEDS_CREATION: ("第三十八条", "所申请信息需要对现有政府信息进行加工、分析，本机关不予提供。"),
    Outcome.UNAVAILABLE_STILL_UNCLEAR: ("第三十条", "经补正，申请内容仍不明确，无法确定所需政府信息。"),
    Outcome.NOT_PROCESSED_COMPLAINT: ("第三十九条第一款", "申请以政府信息公开申请的形式进行信访、投诉、举报，请通过相应渠道提出。"),
    Outcome.NOT_PROCESSED_DUPLICATE: ("第三十六条第（六）项", "本机关已就同一内容作出答复，申请人重复申请。"),
    Outcome.NOT_PROCESSED_PUBLICATION: ("第三十九条第二款", "所申请的为公开出版的政府公报，可通过公共图书馆或政府网站获取。"),
    Outcome.NOT_PROCESSED_RECONFIRMATION: ("第三十六条", "申请要求本机关确认或重新出具申请人已获取的信息。"),
}
# {y}: the year before the demo year, whose documents people ask about.
TOPICS = {
    "bgs": ["县人民政府{y}年第12次常务会议纪要", "县政府关于城区棚户区改造项目的批复", "县人民政府办公室关于做好春节期间物资保障的通知"],
    "zrzyj": ["花马池镇城东片区土地征收补偿安置方案", "某村集体土地征收的征地批复文件", "{y}年度国土空间规划调整的公示材料"],
    "zjj": ["城西棚户区改造项目房屋征收决定及补偿方案", "某小区商品房预售许可证及附件", "老旧小区改造项目的招标文件"],
    "rsj": ["{y}年事业单位公开招聘考试成绩及拟聘人员名单", "某企业拖欠农民工工资案件的处理结果", "城乡居民养老保险待遇调整文件"],
    "nyncj": ["{y}年耕地地力保护补贴发放名单", "滩羊养殖补贴资金的分配文件", "高标准农田建设项目的验收报告"],
    "jyj": ["{y}年学生资助资金分配文件", "城区义务教育学校招生划片方案", "某学校校舍维修工程的预算及决算"],
    "wjj": ["县人民医院医疗设备采购项目的合同", "{y}年基本公共卫生服务项目资金分配", "某诊所行政处罚决定书"],
    "scjgj": ["某餐饮企业食品安全抽检结果", "某公司的企业年度报告", "某药店行政处罚案件的处理结果"],
    "": ["本单位{y}年部门预算及“三公”经费", "本单位的内设机构及职责", "{y}年民生实事项目的进展情况"],
}
ORG_APPLICANTS = [  # (applicant type, registration prefix of the credit code, name template)
    ("commercial_enterprise", "91", "宁夏盐池{place}滩羊肉食品有限公司"),
    ("commercial_enterprise", "91", "盐池县{place}建筑工程有限公司"),
    ("commercial_enterprise", "91", "吴忠市{place}房地产开发有限公司"),
    ("legal_service_org", "31", "宁夏{place}律师事务所"),
    ("research_institution", "12", "宁夏{place}农业科学研究所"),
    ("public_welfare_org", "52", "盐池县{place}公益服务中心"),
    ("other_org", "51", "盐池县{place}滩羊养殖协会"),
]


@dataclass
class RequestsSummary:
    year: int
    cases: int
    states: dict[str, int]
    outcomes: dict[str, int]
    appeals: int
    seconds: float


class _Builder:
    def __init__(self, agencies: list[Agency], year: int, seed: int, today: date):
        self.rng = random.Random(seed)
        self.year, self.today = year, today
        self.stories: dict[str, DisclosureRequest] = {}
        self.agencies = agencies
        self.by_slug = {a.code.split("-", 1)[-1]: a for a in agencies}
        self.weights = [0 if a.dissolved_on else ROOT_WEIGHT if a.parent_id is None
                        else AGENCY_WEIGHTS.get(a.code.split("-", 1)[-1], 1) for a in agencies]
        self.serial = 0
        self.cases: list[DisclosureRequest] = []

    # -- choices ------------------------------------------------------------------------------------
    def agency(self, prefer: str = "") -> Agency:
        if prefer in self.by_slug:
            return self.by_slug[prefer]
        return self.rng.choices(self.agencies, weights=self.weights)[0]

    def day(self, month: int, lo: int = 1, hi: int = 28, year: int | None = None) -> date:
        """A working day in the month (the next one on or after a random day)."""
        d = date(year or self.year, month, self.rng.randint(lo, hi))
        while not is_working_day(d):
            d += timedelta(days=1)
        return d

    def on_or_before(self, d: date) -> date:
        while not is_working_day(d):
            d -= timedelta(days=1)
        return d

    def after(self, start: date, wd: int) -> date:
        return add_working_days(start, wd).day

    def past(self, d: date) -> bool:
        return d < self.today

    def person(self, organisation: bool | None = None) -> services.ApplicantData:
        self.serial += 1
        phone = f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}{self.rng.randint(0, 99_999_999):08d}"
        if organisation is None:
            organisation = self.rng.random() < 0.3
        if organisation:
            kind, registration, template = self.rng.choice(ORG_APPLICANTS)
            return self.organisation(kind, registration, template, phone)
        surname = self.rng.choice(data.SURNAMES)
        given = "".join(self.rng.choice(data.GIVEN_NAME_CHARS) for _ in range(self.rng.choice((1, 2))))
        born = date(1950, 1, 1) + timedelta(days=self.rng.randint(0, 18_000))
        first17 = f"640323{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
        return services.ApplicantData(applicant_type="natural_person", name=surname + given, id_type="resident_id",
                                      id_number=first17 + resident_id_check_character(first17), phone=phone,
                                      address=f"盐池县{self.rng.choice(data.YANCHI['streets'])}{self.rng.randint(1, 200)}号",
                                      postcode="751500")

    def organisation(self, kind: str, registration: str, template: str, phone: str) -> services.ApplicantData:
        place = self.rng.choice(data.PLACE_SECOND) + self.rng.choice(data.PLACE_SECOND)
        body = f"{self.rng.randint(0, 99_999_999):08d}"
        surname = self.rng.choice(data.SURNAMES)
        return services.ApplicantData(
            applicant_type=kind, name=template.format(place=place), id_type="credit_code",
            id_number=make_credit_code(registration, "640323", body), phone=phone,
            legal_representative=surname + self.rng.choice(data.GIVEN_NAME_CHARS),
            contact_person=self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN_NAME_CHARS),
            address=f"盐池县{self.rng.choice(data.YANCHI['streets'])}{self.rng.randint(1, 200)}号", postcode="751500")

    def topic(self, agency: Agency) -> str:
        return self.rng.choice(TOPICS.get(agency.code.split("-", 1)[-1], TOPICS[""])).format(y=self.year - 1)

    # -- intake -------------------------------------------------------------------------------------
    def receive(self, on: date, *, agency: Agency | None = None, channel: str | None = None,
                applicant: services.ApplicantData | None = None, confirm_on: date | None = None,
                confirm: bool = True) -> DisclosureRequest:
        """A case received on `on` (or, for channels needing confirmation, submitted on `on` and confirmed
        on `confirm_on`, default the same day)."""
        agency = agency or self.agency()
        channel = channel or self.rng.choices(["online", "in_person", "registered_mail", "ordinary_mail", "fax",
                                               "oral"], weights=[40, 30, 12, 8, 5, 5])[0]
        signed = self.after(on, 1) if channel == "registered_mail" else None
        case = services.register(
            agency=agency, channel=channel, applicant=applicant or self.person(), submitted_on=on,
            signed_for_on=signed, description=f"申请公开{self.topic(agency)}（第{self.serial}号演示申请）",
            requested_form=self.rng.choice(["electronic", "electronic", "paper"]),
            delivery_method=self.rng.choice(["email", "email", "post", "pick_up"]),
            purpose=self.rng.choice(["", "了解相关政策", "维护自身合法权益", "学术研究"]))
        if case.state == "submitted" and confirm:
            case = services.confirm_receipt(case, confirmed_on=confirm_on or on)
        self.cases.append(case)
        return case

    def reply(self, case, outcome: str, on: date, **extra) -> DisclosureRequest:
        basis, reasons = REPLY_TEXT[Outcome(outcome)]
        return services.reply(case, outcome=outcome, on=on, legal_basis=BASIS + basis, reasons=reasons, **extra)

    # -- stories ------------------------------------------------------------------------------------
    def simple(self, outcome: str, received: date, wd: int | None = None, **intake) -> DisclosureRequest:
        case = self.receive(received, **intake)
        case = services.start_processing(case)
        extra = {}
        if outcome == Outcome.GRANTED and self.rng.random() < 0.3:
            extra["detail"] = OutcomeDetail.ALREADY_PUBLIC
        elif outcome == Outcome.GRANTED:
            extra["detail"] = OutcomeDetail.PROVIDED
        elif outcome == Outcome.UNAVAILABLE_NOT_HELD and self.rng.random() < 0.4:
            extra = {"detail": OutcomeDetail.NOT_RESPONSIBLE, "competent_agency": "盐池县不动产登记中心，电话 0953-6012345"}
        elif outcome == Outcome.UNAVAILABLE_NOT_HELD:
            extra["detail"] = OutcomeDetail.NOT_EXIST
        return self.reply(case, outcome, self.after(case.received_on, wd or self.rng.randint(3, 17)), **extra)

    def third_party(self, outcome: str, received: date) -> DisclosureRequest:
        case = services.start_processing(self.receive(received, agency=self.agency("scjgj")))
        sent = self.after(received, 3)
        opinion = services.open_opinion_request(case, kind="third_party", addressee="宁夏某商贸有限公司", sent_on=sent,
                                                received_on=self.after(sent, 2))
        answered = self.after(sent, 9)
        services.close_opinion_request(opinion, result="objection", answered_on=answered,
                                       opinion_text="涉及本公司经营数据，属于商业秘密，不同意公开。")
        if outcome in (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED):
            # 第三十二条: disclosure over the objection needs the written notice to the third party first.
            services.notify_third_party_of_disclosure(
                opinion, content="该企业在本年度抽检中的不合格项目及处理结果（经营数据不予公开）",
                reasons="抽检不合格信息涉及食品安全，不公开可能对公共利益造成重大影响。", on=self.after(answered, 2))
        return self.reply(case, outcome, self.after(answered, 4))

    def correction_then(self, received: date, *, lapse: bool, outcome: str = "") -> DisclosureRequest:
        case = self.receive(received)
        asked = self.after(received, 3)
        case = services.request_correction(case, items="请写明所需政府信息的名称、文号或者便于查询的其他特征性描述。",
                                           on=asked, correction_due_on=self.after(asked, 10))
        if lapse:
            return services.correction_lapsed(case, on=self.after(case.correction_due_on, 2))
        case = services.correction_received(case, on=self.after(asked, 6))
        return self.reply(case, outcome, self.after(case.correction_received_on, 8))

    def fee(self, received: date, *, pay: bool) -> DisclosureRequest:
        case = services.start_processing(self.receive(received, agency=self.agency("bgs")))
        served = self.after(received, 5)
        notice = services.issue_fee_notice(case, method="per_page", served_on=served, pages=self.rng.randint(60, 160))
        if pay:
            paid = self.after(served, 6)
            case = services.fee_settled(case, on=paid, payment_reference=f"64032300{self.rng.randint(10**7, 10**8 - 1)}")
            return self.reply(case, Outcome.GRANTED, self.after(paid, 3), detail=OutcomeDetail.PROVIDED)
        return services.fee_lapsed(case, on=self.after(notice.fee_due_on, 1))

    def excessive(self, received: date) -> DisclosureRequest:
        case = services.start_processing(self.receive(received, agency=self.agency("bgs")))
        asked = self.after(received, 4)
        case = services.ask_reason(case, on=asked)
        return services.decide_reason(case, reasonable=False, on=self.after(asked, 12))

    def extended(self, received: date) -> DisclosureRequest:
        case = services.start_processing(self.receive(received, agency=self.agency("zrzyj")))
        approver = _approver(case.agency)
        if approver is not None:
            approved = self.after(received, 16)
            services.extend(case, user=approver, working_days=15, reason="需要调取历史档案并征求相关单位意见",
                            approved_on=approved, notified_on=approved)
            return self.reply(case, Outcome.GRANTED, self.after(received, 28), detail=OutcomeDetail.PROVIDED)
        return self.reply(case, Outcome.GRANTED, self.after(received, 15), detail=OutcomeDetail.PROVIDED)

    def transferred(self, received: date) -> DisclosureRequest:
        case = self.receive(received, agency=self.agency("jyj"))
        target = self.agency("zrzyj")
        if target.pk != case.agency_id:
            # 第三十六条第（五）项: 教育局 answers and closes its case; 自然资源局 receives a new one that day.
            case = services.transfer(case, to_agency=target, reason="所申请信息由自然资源局制作并保存，转该局办理。",
                                     on=self.after(received, 2))
            self.cases.append(case)
        return self.reply(case, Outcome.GRANTED, self.after(received, 9), detail=OutcomeDetail.PROVIDED)


def _approver(agency: Agency):
    """Someone who may approve an extension for `agency` (a 公开办负责人), or None: the story then replies
    within the basic period instead."""
    for assignment in RoleAssignment.objects.filter(role=Role.OFFICE_HEAD).select_related("user").order_by("pk"):
        if has_capability(assignment.user, Capability.REQUESTS_APPROVE_EXTENSION, agency):
            return assignment.user
    return None


def build_requests(region, year: int, seed: int = DEFAULT_SEED, n: int = DEFAULT_CASES,
                   today: date | None = None) -> RequestsSummary:
    """Create the demo year `year` of requests and appeals for `region` (a demo.generator.RegionSummary, a
    mapping of codes to agency ids, or agency ids). All or nothing; returns what was made. `today` (tests)
    must not be later than the real date: the services refuse future dates."""
    started = time.monotonic()
    today = today or timezone.localdate()
    if not 2020 <= year < today.year:
        # Past, so every date can go through the services; from 2020, so December Y−1 is under the 2019 条例.
        raise ValueError(f"演示年度应为2020年至{today.year - 1}年之间已经结束的年度，收到：{year}。")
    # Only agencies that receive 依申请公开: not a 事业单位 unless authorised by law (条例 第五十四条).
    receiving = Agency.objects.filter(pk__in=region_agency_ids(region)).accepting_requests().order_by("path")
    agencies = [a for a in receiving if a.dissolved_on is None or a.dissolved_on > date(year - 1, 12, 1)]
    if not agencies:
        raise ValueError("没有可以生成依申请公开案件的机构。")
    # The past year is not a live exchange with anyone: no notices to its (fictional) applicants.
    with transaction.atomic(), acting_as(label=AUDIT_LABEL), messaging.quiet():
        b = _Builder(agencies, year, seed, today)
        mandatory = _stories(b)
        if n < mandatory:
            raise ValueError(f"演示案件数至少为 {mandatory}（每种状态和办理结果各一件）。")
        for _ in range(n - mandatory):
            outcome = b.rng.choices([Outcome.GRANTED, Outcome.UNAVAILABLE_NOT_HELD, Outcome.PARTIALLY_GRANTED,
                                     Outcome.UNAVAILABLE_NEEDS_CREATION], weights=[50, 25, 15, 10])[0]
            b.simple(outcome, b.day(b.rng.randint(1, 11)))
        for case in b.cases:  # 归档 (第四十五条): cases closed before the autumn are filed away
            case.refresh_from_db()
            if case.state == "closed" and case.closed_on < date(year, 9, 1) and b.rng.random() < 0.6:
                services.archive(case)
        appeals = _appeals(b)
    pks = [c.pk for c in b.cases]
    states = Counter(DisclosureRequest.objects.filter(pk__in=pks).values_list("state", flat=True))
    outcomes = Counter(o for o in DisclosureRequest.objects.filter(pk__in=pks).values_list("outcome", flat=True) if o)
    return RequestsSummary(year=year, cases=len(pks), states=dict(states), outcomes=dict(outcomes), appeals=appeals,
                           seconds=time.monotonic() - started)


def _stories(b: _Builder) -> int:
    """The fixed stories: every state, every outcome, the year boundaries. Returns how many cases they made."""
    y = b.year
    # Carried in from Y−1: received in December, closed in January (15 working days from 18 December at the
    # earliest end after New Year; so does the 补正 path, 17 working days from 12 December).
    b.simple(Outcome.GRANTED, b.day(12, 18, 24, y - 1), wd=15)
    prior = b.correction_then(b.day(12, 12, 20, y - 1), lapse=False, outcome=Outcome.PARTIALLY_GRANTED)
    b.stories["prior"] = prior
    # Submitted online on 29/30 December, confirmed after New Year: received (and counted) in Y.
    late = b.receive(date(y - 1, 12, b.rng.choice((29, 30))), channel="online", confirm_on=b.day(1, 2, 6))
    b.reply(services.start_processing(late), Outcome.GRANTED, b.after(late.received_on, 10), detail=OutcomeDetail.PROVIDED)
    # Every outcome row of 表三 (F2021), each once, through its own path.
    for i, outcome in enumerate([Outcome.GRANTED, Outcome.WITHHELD_STATE_SECRET, Outcome.WITHHELD_PROHIBITED_BY_LAW,
                                 Outcome.WITHHELD_SECURITY_STABILITY, Outcome.WITHHELD_INTERNAL_AFFAIRS,
                                 Outcome.WITHHELD_PROCESS_INFO, Outcome.WITHHELD_ENFORCEMENT_FILE,
                                 Outcome.WITHHELD_ADMIN_INQUIRY, Outcome.UNAVAILABLE_NOT_HELD,
                                 Outcome.UNAVAILABLE_NEEDS_CREATION, Outcome.NOT_PROCESSED_COMPLAINT,
                                 Outcome.NOT_PROCESSED_DUPLICATE, Outcome.NOT_PROCESSED_PUBLICATION,
                                 Outcome.NOT_PROCESSED_RECONFIRMATION]):
        case = b.simple(outcome, b.day(1 + i % 11))
        b.stories.setdefault(outcome, case)
    b.stories["partial"] = b.third_party(Outcome.PARTIALLY_GRANTED, b.day(3))
    b.stories["third_party"] = b.third_party(Outcome.WITHHELD_THIRD_PARTY_RIGHTS, b.day(6))
    b.correction_then(b.day(4), lapse=False, outcome=Outcome.UNAVAILABLE_STILL_UNCLEAR)
    b.correction_then(b.day(5), lapse=True)  # 逾期不补正
    b.fee(b.day(7), pay=False)  # 逾期未缴费
    b.fee(b.day(8), pay=True)
    b.excessive(b.day(9))
    withdrawn = b.receive(b.day(10))
    services.withdraw(withdrawn, on=b.after(withdrawn.received_on, 2), how="申请人书面撤回申请")
    b.extended(b.day(2, 1, 10))
    b.transferred(b.day(8, 1, 20))
    # A late reply (a finding, not a block): answered after the 20 working days.
    late_reply = services.start_processing(b.receive(b.day(3, 1, 10)))
    b.stories["late"] = b.reply(late_reply, Outcome.UNAVAILABLE_NOT_HELD, b.after(late_reply.received_on, 26),
                                detail=OutcomeDetail.NOT_EXIST)
    # Carried out of Y: open on 31 December in each open state; answered in January Y+1 when that is past
    # (the demo's last full year is complete: nothing of it lies forgotten in a queue).
    working = services.start_processing(b.receive(b.day(12, 8, 18)))  # 办理中
    registered = b.receive(b.day(12, 20, 24))  # 已登记
    pending_correction = b.receive(b.day(12, 1, 10))
    asked = b.after(pending_correction.received_on, 2)
    pending_correction = services.request_correction(pending_correction, items="请补充所需信息的文号或形成时间。", on=asked,
                                                     correction_due_on=b.after(asked, 15))  # 待补正
    reasoned = services.start_processing(b.receive(b.day(11, 20, 28)))
    reasoned = services.ask_reason(reasoned, on=b.after(reasoned.received_on, 3))  # 待说明理由
    fee_case = services.start_processing(b.receive(b.day(12, 1, 8), agency=b.agency("bgs")))
    fee_notice = services.issue_fee_notice(fee_case, method="per_page", served_on=b.after(fee_case.received_on, 4),
                                           pages=45)
    faxed = b.receive(date(y, 12, b.rng.choice((29, 30))), channel="fax", confirm=False)  # 待确认: not received in Y
    january = b.day(1, 5, 12, y + 1)
    crossing = services.start_processing(b.receive(b.day(12, 14, 20)))
    if b.past(january):
        b.reply(crossing, Outcome.GRANTED, january, detail=OutcomeDetail.PROVIDED)
        _close_carried(b, january, working=working, registered=registered, correction=pending_correction,
                       reasoned=reasoned, fee=(fee_case, fee_notice), faxed=faxed)
    return len(b.cases)


def _close_carried(b: _Builder, january: date, *, working, registered, correction, reasoned, fee, faxed) -> None:
    """The cases open on 31 December Y, answered in January Y+1 (each step only once its day is past)."""
    b.reply(working, Outcome.GRANTED, b.after(january, 1), detail=OutcomeDetail.PROVIDED)
    b.reply(services.start_processing(registered), Outcome.UNAVAILABLE_NOT_HELD, b.after(january, 2),
            detail=OutcomeDetail.NOT_EXIST)
    # Each closes in January, never before New Year (they are the cases carried out of Y).
    lapse = max(b.after(correction.correction_due_on, 1), january)
    if b.past(lapse):
        services.correction_lapsed(correction, on=lapse)
    decided = max(b.after(reasoned.reason_requested_on, 10), january)
    if b.past(decided):
        services.decide_reason(reasoned, reasonable=False, on=decided)
    case, notice = fee
    lapsed = max(b.after(notice.fee_due_on, 1), january)
    if b.past(lapsed):
        services.fee_lapsed(case, on=lapsed)
    confirmed = b.after(timezone.localdate(faxed.submitted_at), 2)
    if not b.past(confirmed):
        return
    faxed = services.start_processing(services.confirm_receipt(faxed, confirmed_on=confirmed))
    answered = b.after(confirmed, 9)
    if b.past(answered):
        b.reply(faxed, Outcome.GRANTED, answered, detail=OutcomeDetail.PROVIDED)


def _appeals(b: _Builder) -> int:
    """复议 and 诉讼 against some replies, with every result; returns how many were made."""
    y, made = b.year, 0
    court, review_body = "盐池县人民法院", "盐池县人民政府"

    def appeal(case, kind, filed, result=None, decided=None, prior=None, summary=""):
        nonlocal made
        made += 1
        item = appeal_services.create_appeal(
            agency=case.agency, kind=kind, request=None if prior else case, prior_review=prior,
            subject=f"不服{case.agency.name}政府信息公开答复（{case.tracking_number}）",
            body=court if kind != "review" else review_body,
            case_number=f"（{filed.year}）宁0323{'行初' if kind != 'review' else '行复'}{made:02d}号", filed_on=filed)
        if result and decided and b.past(decided):
            item = appeal_services.decide_appeal(item, result=result, decided_on=decided, decision_summary=summary)
        return item

    third = b.stories["third_party"]
    upheld = appeal(third, "review", b.after(third.closed_on, 20), "upheld", b.after(third.closed_on, 60),
                    summary="维持被申请人作出的政府信息公开答复。")
    appeal(third, "suit_after_review", b.after(upheld.decided_on or upheld.filed_on, 10), prior=upheld)  # 尚未审结
    partial = b.stories["partial"]
    appeal(partial, "review", b.after(partial.closed_on, 15), "corrected", b.after(partial.closed_on, 55),
           summary="责令被申请人在十五个工作日内重新答复。")
    late = b.stories["late"]
    appeal(late, "suit_direct", b.after(late.closed_on, 30), "upheld", b.after(late.closed_on, 90),
           summary="驳回原告的诉讼请求。")
    dup = b.stories[Outcome.NOT_PROCESSED_DUPLICATE]
    appeal(dup, "suit_direct", b.after(dup.closed_on, 10), "other", b.after(dup.closed_on, 40),
           summary="原告撤回起诉，准予撤诉。")
    # Filed in November Y, decided in February Y+1 (if past): 尚未审结 in Y's 表四.
    secret = b.stories[Outcome.WITHHELD_STATE_SECRET]
    appeal(secret, "review", b.day(11, 3, 20), "upheld", b.day(2, 10, 20, y + 1), summary="维持。")
    # Filed in December Y−1 against the carried-in case's 补正告知, decided in March Y: counted in Y−1's 表四
    # (尚未审结), not in Y's.
    prior = b.stories["prior"]
    appeal(prior, "review", b.on_or_before(date(y - 1, 12, 29)), "other", b.day(3, 1, 20),
           summary="申请人撤回复议申请，终止审理。")
    return made


# -- the year in progress ------------------------------------------------------------------------------------
CURRENT_CLOSED = 24  # cases received and answered earlier this year (a county: a few dozen a year)


def build_current(region, seed: int = DEFAULT_SEED, today: date | None = None,
                  closed: int = CURRENT_CLOSED) -> RequestsSummary:
    """The current year up to `today`: `closed` cases answered over the months so far, and at the agencies
    whose 依申请承办人 log in (and the 县政府办公室) one case in each state a handler meets today — 待确认 (one
    older than the confirmation day), 已登记, 待补正, 补正 received, paused for 征求意见, a 征求意见 whose 15
    working days lapsed, due within 5 working days, overdue, 待说明理由, 待缴费 — with dates counted back
    from today in working days, so the queue reads the same whatever the day."""
    started = time.monotonic()
    today = today or timezone.localdate()
    receiving = Agency.objects.filter(pk__in=region_agency_ids(region)).accepting_requests().order_by("path")
    agencies = [a for a in receiving if a.dissolved_on is None or a.dissolved_on > today]
    if not agencies:
        raise ValueError("没有可以生成依申请公开案件的机构。")
    handled = list(dict.fromkeys(
        a.agency for a in RoleAssignment.objects.filter(role=Role.REQUEST_HANDLER, agency__in=agencies)
        .select_related("agency").order_by("agency__path")))
    with transaction.atomic(), acting_as(label=AUDIT_LABEL):
        b = _Builder(agencies, today.year, seed + today.year, today)
        office = b.agency("bgs")
        places = (handled or [office]) * 3

        def back(wd: int) -> date:
            """The working day `wd` working days before today (0: today, or the last working day)."""
            d = today
            while not is_working_day(d):
                d -= timedelta(days=1)
            for _ in range(wd):
                d -= timedelta(days=1)
                while not is_working_day(d):
                    d -= timedelta(days=1)
            return d

        # Answered earlier this year: received from January up to 25 working days ago.
        first, last = date(today.year, 1, 2), back(25)
        with messaging.quiet():  # long answered: no notices now; the open cases below notify as live ones do
            for _ in range(closed if last > first else 0):
                received = first + timedelta(days=b.rng.randint(0, (last - first).days))
                received = received if is_working_day(received) else b.on_or_before(received)
                if received < first:
                    continue
                outcome = b.rng.choices([Outcome.GRANTED, Outcome.UNAVAILABLE_NOT_HELD, Outcome.PARTIALLY_GRANTED,
                                         Outcome.UNAVAILABLE_NEEDS_CREATION], weights=[50, 25, 15, 10])[0]
                b.simple(outcome, received)
        # Open today, at the handlers' agencies in turn.
        b.receive(back(1), agency=places[0], channel="fax", confirm=False)  # 待确认 since yesterday
        b.receive(back(4), agency=places[1], channel="ordinary_mail", confirm=False)  # 待确认, beyond its day
        services.start_processing(b.receive(back(16), agency=places[0]))  # due within 5 working days
        services.start_processing(b.receive(back(23), agency=places[1]))  # overdue by 3 working days
        correcting = b.receive(back(6), agency=places[2])  # 待补正
        services.request_correction(correcting, items="请写明所需政府信息的名称、文号或者形成时间。", on=back(3),
                                    correction_due_on=add_working_days(back(3), 10).day)
        corrected = b.receive(back(12), agency=places[0])  # 补正 received: the period runs again
        corrected = services.request_correction(corrected, items="请明确所需信息涉及的项目名称和年度。", on=back(10),
                                                correction_due_on=add_working_days(back(10), 10).day)
        services.correction_received(corrected, on=back(2))
        b.receive(back(1), agency=places[2])  # 已登记
        paused = services.start_processing(b.receive(back(9), agency=places[1]))  # 征求意见, within its 15 days
        services.open_opinion_request(paused, kind="third_party", addressee="宁夏某商贸有限公司", sent_on=back(4),
                                      received_on=back(3))
        lapsed = services.start_processing(b.receive(back(28), agency=places[2]))  # 征求意见 lapsed
        services.open_opinion_request(lapsed, kind="agency", addressee="盐池县自然资源局", sent_on=back(24),
                                      received_on=back(23))
        reasoned = services.start_processing(b.receive(back(8), agency=office))
        services.ask_reason(reasoned, on=back(5))  # 待说明理由
        fee_case = services.start_processing(b.receive(back(7), agency=office))
        services.issue_fee_notice(fee_case, method="per_page", served_on=back(3), pages=80)  # 待缴费
    pks = [c.pk for c in b.cases]
    states = Counter(DisclosureRequest.objects.filter(pk__in=pks).values_list("state", flat=True))
    outcomes = Counter(o for o in DisclosureRequest.objects.filter(pk__in=pks).values_list("outcome", flat=True) if o)
    return RequestsSummary(year=today.year, cases=len(pks), states=dict(states), outcomes=dict(outcomes), appeals=0,
                           seconds=time.monotonic() - started)
