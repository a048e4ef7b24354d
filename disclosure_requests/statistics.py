"""Figures the annual report takes from the requests: every cell of 表三 "三、收到和处理政府信息公开申请情况"
(F2021 and F2019 formats of the annual report) and the 依申请 counters of the 2014–2018 统计表, computed
from the cases, never typed in. Cell ids are ours (docs/law/annual-report.md §3.2, §5): `t3.<row id>.<column id>`, `lg.request.<name>`.

Year attribution (INFERRED; the date fields are settings):

- received_new(Y): cases received in Y (GONGKAI_REPORT_RECEIVED_DATE_FIELD, default `received_on`). A case
  still 待确认 has no receipt date, so it is not received;
- outcome rows and closed_total(Y): cases closed in Y (GONGKAI_REPORT_CLOSED_DATE_FIELD, default `closed_on`);
- carried_out(Y): received by 31 Dec Y and not closed by 31 Dec Y (open states, 待补正 and 待缴费 included);
- carried_in(Y) = carried_out(Y−1): the same predicate at 31 Dec Y−1.

So 一 + 二 = 三(七) + 四 holds for every column and any data: a received case is, at each year end, either
closed or open. A closing date earlier than the receipt date (the services refuse one; imported or older
records may hold it) is read as the receipt date, so that such a case is never closed before it is received.

Cases count where they are. A 转办 of a received application (disclosure_requests.services.transfer) closes
the first agency's case with the 第三十六条第（五）项 outcome (三（四）1 本机关不掌握相关政府信息, detail 不属于本机关负责
公开) and opens a new case at the receiving agency, received on the day of the transfer: each agency counts
its own case, so no count moves between agencies afterwards. An application still 待确认 moves whole (neither
agency has received it). A subtree total therefore counts a transferred application once per agency that
handled it."""

from datetime import date

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, When

from .models import (
    OPEN_STATES,
    ApplicantType,
    DisclosureRequest,
    Extension,
    LegacyOutcome,
    Outcome,
    RequestState,
    SubmissionChannel,
)

FORMATS = ("2021", "2019")
CLOSED_STATES = (RequestState.CLOSED, RequestState.ARCHIVED)
COUNTED_STATES = (*OPEN_STATES, *CLOSED_STATES)

# Columns in printed order; `total` is the row sum of the six applicant columns (no 法人或其他组织 subtotal).
APPLICANT_COLUMNS = [t.value for t in ApplicantType]
COLUMNS = [*APPLICANT_COLUMNS, "total"]
COLUMN_LABELS = {"natural_person": "自然人", "commercial_enterprise": "商业企业", "research_institution": "科研机构",
                 "public_welfare_org": "社会公益组织", "legal_service_org": "法律服务机构", "other_org": "其他",
                 "total": "总计"}

OTHER_OUTCOMES = [Outcome.OTHER_NO_CORRECTION.value, Outcome.OTHER_FEE_UNPAID.value, Outcome.OTHER_MISC.value]

# The printed rows, verbatim and in order (§3.3): (label, row id), row id None for a group label without numbers.
_HEAD = [("一、本年新收政府信息公开申请数量", "received_new"),
         ("二、上年结转政府信息公开申请数量", "carried_in"),
         ("三、本年度办理结果", None),
         ("（一）予以公开", "granted"),
         ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
         ("（三）不予公开", None),
         ("1.属于国家秘密", "withheld_state_secret"),
         ("2.其他法律行政法规禁止公开", "withheld_prohibited_by_law"),
         ("3.危及“三安全一稳定”", "withheld_security_stability"),
         ("4.保护第三方合法权益", "withheld_third_party_rights"),
         ("5.属于三类内部事务信息", "withheld_internal_affairs"),
         ("6.属于四类过程性信息", "withheld_process_info"),
         ("7.属于行政执法案卷", "withheld_enforcement_file"),
         ("8.属于行政查询事项", "withheld_admin_inquiry"),
         ("（四）无法提供", None),
         ("1.本机关不掌握相关政府信息", "unavailable_not_held"),
         ("2.没有现成信息需要另行制作", "unavailable_needs_creation"),
         ("3.补正后申请内容仍不明确", "unavailable_still_unclear"),
         ("（五）不予处理", None),
         ("1.信访举报投诉类申请", "not_processed_complaint"),
         ("2.重复申请", "not_processed_duplicate"),
         ("3.要求提供公开出版物", "not_processed_publication"),
         ("4.无正当理由大量反复申请", "not_processed_excessive"),
         ("5.要求行政机关确认或重新出具已获取信息", "not_processed_reconfirmation")]
_TAIL = [("（七）总计", "closed_total"),
         ("四、结转下年度继续办理", "carried_out")]
T3_LAYOUT = {
    "2021": [*_HEAD,
             ("（六）其他处理", None),
             ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
             ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_fee_unpaid"),
             ("3.其他", "other_misc"),
             *_TAIL],
    "2019": [*_HEAD, ("（六）其他处理", "other"), *_TAIL],
}
T3_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_ROWS = {fmt: [row for _, row in layout if row] for fmt, layout in T3_LAYOUT.items()}
# Result leaf rows: 21 in F2021, 19 in F2019 (§7.2 "Leaves").
T3_LEAVES = {fmt: [r for r in rows if r not in ("received_new", "carried_in", "closed_total", "carried_out")]
             for fmt, rows in T3_ROWS.items()}

# 2014–2018 统计表, 三、依申请公开情况 (§5.2): the rows computable without a LegacyOutcome.
LEGACY_CHANNELS = {
    "in_person": [SubmissionChannel.IN_PERSON, SubmissionChannel.ORAL],  # 口头 is made in person (INFERRED)
    "fax": [SubmissionChannel.FAX],
    "online": [SubmissionChannel.ONLINE],  # 网上申请 and 电子邮件 alike
    "letter": [SubmissionChannel.REGISTERED_MAIL, SubmissionChannel.ORDINARY_MAIL],
}
LEGACY_LAYOUT = [
    ("三、依申请公开情况", None),
    ("（一）收到申请数", "lg.request.received"),
    ("1.当面申请数", "lg.request.in_person"),
    ("2.传真申请数", "lg.request.fax"),
    ("3.网络申请数", "lg.request.online"),
    ("4.信函申请数", "lg.request.letter"),
    ("（二）申请办结数", "lg.request.closed"),
    ("1.按时办结数", "lg.request.closed_on_time"),
    ("2.延期办结数", "lg.request.closed_extended"),
    ("（三）申请答复数", "lg.request.answered"),
    ("1.属于已主动公开范围数", "lg.request.already_public"),
    ("2.同意公开答复数", "lg.request.granted"),
    ("3.同意部分公开答复数", "lg.request.partially_granted"),
    ("4.不同意公开答复数", "lg.request.refused"),
    ("其中：涉及国家秘密", "lg.request.refused_state_secret"),
    ("涉及商业秘密", "lg.request.refused_commercial_secret"),
    ("涉及个人隐私", "lg.request.refused_privacy"),
    ("危及国家安全、公共安全、经济安全和社会稳定", "lg.request.refused_security_stability"),
    ("不是《条例》所指政府信息", "lg.request.refused_not_gov_info"),
    ("法律法规规定的其他情形", "lg.request.refused_other_legal"),
    ("5.不属于本行政机关公开数", "lg.request.not_this_agency"),
    ("6.申请信息不存在数", "lg.request.not_exist"),
    ("7.告知作出更改补充数", "lg.request.told_to_amend"),
    ("8.告知通过其他途径办理数", "lg.request.told_other_channel"),
    ("四、行政复议数量", "lg.review.total"),
    ("（一）维持具体行政行为数", "lg.review.upheld"),
    ("（二）被依法纠错数", "lg.review.corrected"),
    ("（三）其他情形数", "lg.review.other"),
    ("五、行政诉讼数量", "lg.suit.total"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "lg.suit.upheld"),
    ("（二）被依法纠错数", "lg.suit.corrected"),
    ("（三）其他情形数", "lg.suit.other"),
]


class StatisticsDataError(ValueError):
    """The cases hold a value no report cell can take; counting on would break the identities silently."""


def date_field(setting: str, default: str) -> str:
    """A DateField of DisclosureRequest named by a setting (the year-attribution rules are configurable)."""
    name = getattr(settings, setting, default)
    try:
        field = DisclosureRequest._meta.get_field(name)
    except FieldDoesNotExist:
        raise ImproperlyConfigured(f"{setting}：申请没有名为“{name}”的字段。") from None
    if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
        raise ImproperlyConfigured(f"{setting}：“{name}”不是日期字段。")
    return name


def year_rules() -> dict[str, str]:
    """The date fields in force, for the report's metadata."""
    return {"received": date_field("GONGKAI_REPORT_RECEIVED_DATE_FIELD", "received_on"),
            "closed": date_field("GONGKAI_REPORT_CLOSED_DATE_FIELD", "closed_on")}


class RequestPeriods:
    """The Q objects of the year rules, shared by 表三 and the legacy counters so both count the same cases.

    `queryset()` gives the counted cases with the `_closed_eff` annotation the Q objects rely on; the
    `*_for` functions below take such a queryset, possibly narrowed further (reports: attribution)."""

    def __init__(self):
        rules = year_rules()
        self.received, self.closed = rules["received"], rules["closed"]

    def queryset(self, agency_ids):
        # `_closed_eff`: a closing date before receipt is read as the receipt date (see the module docstring).
        return (DisclosureRequest.objects
                .filter(agency_id__in=list(agency_ids), state__in=COUNTED_STATES,
                        **{f"{self.received}__isnull": False})
                .annotate(_closed_eff=Case(When(**{f"{self.closed}__lt": F(self.received)}, then=F(self.received)),
                                           default=F(self.closed), output_field=models.DateField()))
                .order_by())

    def received_in(self, year: int) -> Q:
        return Q(**{f"{self.received}__gte": date(year, 1, 1), f"{self.received}__lte": date(year, 12, 31)})

    def closed_in(self, year: int) -> Q:
        return Q(state__in=CLOSED_STATES, **{f"{self.closed}__isnull": False},
                 _closed_eff__gte=date(year, 1, 1), _closed_eff__lte=date(year, 12, 31))

    def open_at_end_of(self, year: int) -> Q:
        """Received by 31 Dec and not closed by then: carried_out(year), and carried_in(year + 1)."""
        end = date(year, 12, 31)
        return Q(**{f"{self.received}__lte": end}) & (
            ~Q(state__in=CLOSED_STATES) | Q(**{f"{self.closed}__isnull": True}) | Q(_closed_eff__gt=end))


def table_three(agency_ids, year: int, report_format: str = "2021") -> dict[str, int]:
    """All cells of 表三 for the cases of the given agencies (175 for F2021, 161 for F2019), in printed
    order, with ONE aggregate query grouped by (applicant type, outcome)."""
    return table_three_for(RequestPeriods().queryset(agency_ids), year, report_format)


def table_three_for(cases, year: int, report_format: str = "2021") -> dict[str, int]:
    """表三 over `cases`, a `RequestPeriods().queryset(...)` (possibly filtered further): the year rules
    pick each cell's cases from it."""
    if report_format not in FORMATS:
        raise ValueError(f"未知的年度报告格式“{report_format}”，可选：{'、'.join(FORMATS)}。")
    p = RequestPeriods()
    groups = (cases.values("applicant_type", "outcome")
              .annotate(received_new=Count("pk", filter=p.received_in(year)),
                        carried_in=Count("pk", filter=p.open_at_end_of(year - 1)),
                        closed=Count("pk", filter=p.closed_in(year)),
                        carried_out=Count("pk", filter=p.open_at_end_of(year))))
    rows = T3_ROWS[report_format]
    cells = {f"t3.{row}.{column}": 0 for row in rows for column in COLUMNS}
    for g in groups:
        column, outcome = g["applicant_type"], g["outcome"]
        if not any(g[k] for k in ("received_new", "carried_in", "closed", "carried_out")):
            continue
        if column not in APPLICANT_COLUMNS:
            raise StatisticsDataError(f"申请人类型“{column}”不是表三的列，无法统计。")
        for row in ("received_new", "carried_in", "carried_out"):
            cells[f"t3.{row}.{column}"] += g[row]
        if g["closed"]:
            if outcome not in Outcome.values:
                raise StatisticsDataError(f"办理结果“{outcome}”不是表三的行，无法统计。")
            row = "other" if report_format == "2019" and outcome in OTHER_OUTCOMES else outcome
            cells[f"t3.{row}.{column}"] += g["closed"]
            cells[f"t3.closed_total.{column}"] += g["closed"]
    for row in rows:
        cells[f"t3.{row}.total"] = sum(cells[f"t3.{row}.{column}"] for column in APPLICANT_COLUMNS)
    return cells


def legacy_request_counters(agency_ids, year: int) -> dict[str, int]:
    """The 2014–2018 统计表 依申请 rows: 收到申请数 by channel, 申请办结数 with 按时/延期, 申请答复数 by
    LegacyOutcome, and 行政复议/行政诉讼 (from 表四's counts). Same year rules as 表三."""
    from appeals.models import Appeal

    return legacy_request_counters_for(RequestPeriods().queryset(agency_ids),
                                       Appeal.objects.filter(agency_id__in=list(agency_ids)), year)


def legacy_request_counters_for(cases, appeals, year: int) -> dict[str, int]:
    """The legacy counters over `cases` (a `RequestPeriods().queryset(...)`, possibly filtered further) and
    `appeals` (Appeal records, counted as in 表四).

    延期办结 (INFERRED): closed after the basic period, i.e. with an approved extension (2008 条例 第二十四条)
    or late; 按时办结 = the rest, so 办结 = 按时 + 延期 (LG-E02). 行政复议/诉讼: the legacy table has no
    尚未审结 row, so cases pending on 31 Dec count as 其他情形 (INFERRED), keeping LG-E05/E06."""
    from appeals.statistics import table_four_for

    p = RequestPeriods()
    extended = Exists(Extension.objects.filter(request=OuterRef("pk")))
    received = p.received_in(year)
    closed = p.closed_in(year)
    totals = (cases.annotate(_extended=extended)
              .aggregate(received=Count("pk", filter=received),
                         closed=Count("pk", filter=closed),
                         closed_extended=Count("pk", filter=closed & (Q(_extended=True) | Q(closed_late=True))),
                         **{name: Count("pk", filter=received & Q(channel__in=channels))
                            for name, channels in LEGACY_CHANNELS.items()}))
    if sum(totals[name] for name in LEGACY_CHANNELS) != totals["received"]:
        raise StatisticsDataError("有申请的申请渠道不在当面、传真、网络、信函之列，无法统计。")
    cells = {"lg.request.received": totals["received"]}
    cells.update({f"lg.request.{name}": totals[name] for name in LEGACY_CHANNELS})
    cells.update({"lg.request.closed": totals["closed"],
                  "lg.request.closed_on_time": totals["closed"] - totals["closed_extended"],
                  "lg.request.closed_extended": totals["closed_extended"]})
    # 申请答复数 and its rows: the 2008-regime replies closed in the year (LegacyOutcome); a case closed without
    # a reply (withdrawn, lapsed) is 办结 but not 答复, which LG-W04 then shows.
    answers = cases.filter(closed).exclude(legacy_outcome="").values("legacy_outcome").annotate(n=Count("pk"))
    by_outcome = {row["legacy_outcome"]: row["n"] for row in answers}
    for value in LegacyOutcome.values:
        cells[f"lg.request.{value}"] = by_outcome.get(value, 0)
    cells["lg.request.refused"] = sum(by_outcome.get(v, 0) for v in LegacyOutcome.values if v.startswith("refused_"))
    cells["lg.request.answered"] = sum(by_outcome.values())
    t4 = table_four_for(appeals, year)
    blocks = {"review": ["review"], "suit": ["suit_direct", "suit_after_review"]}
    for legacy, blocks_of in blocks.items():
        for column in ("upheld", "corrected"):
            cells[f"lg.{legacy}.{column}"] = sum(t4[f"t4.{b}.{column}"] for b in blocks_of)
        cells[f"lg.{legacy}.other"] = sum(t4[f"t4.{b}.other"] + t4[f"t4.{b}.pending"] for b in blocks_of)
        cells[f"lg.{legacy}.total"] = sum(t4[f"t4.{b}.total"] for b in blocks_of)
    return {cell: cells[cell] for _, cell in LEGACY_LAYOUT if cell}
