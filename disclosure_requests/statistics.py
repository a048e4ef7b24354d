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

from report_formats import formats

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
COLUMN_LABELS = {c.id: c.label for c in formats.T3_COLUMNS}

OTHER_OUTCOMES = [Outcome.OTHER_NO_CORRECTION.value, Outcome.OTHER_FEE_UNPAID.value, Outcome.OTHER_MISC.value]

# The printed rows, verbatim and in order (§3.3), from the one definition of the format (report_formats):
# (label, row id), row id None for a group label without numbers.
T3_LAYOUT = {fmt: [(row.label, row.id) for row in table.rows]
             for fmt, table in (("2021", formats.T3_2021), ("2019", formats.T3_2019))}
T3_HEADER_NOTE = formats.T3_HEADER_NOTE
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
_LG_ROWS = [(label, cell_id) for cell_id, label, _unit in formats.LG_ROWS_RAW]
LEGACY_LAYOUT = _LG_ROWS[_LG_ROWS.index(("三、依申请公开情况", None)):
                         _LG_ROWS.index(("（三）其他情形数", "lg.suit.other")) + 1]


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
    LegacyOutcome. Same year rules as 表三. The table's 行政复议/行政诉讼 rows come from the appeals app
    (appeals.statistics.legacy_appeal_counters): appeals import this app, never the other way round."""
    return legacy_request_counters_for(RequestPeriods().queryset(agency_ids), year)


def legacy_request_counters_for(cases, year: int) -> dict[str, int]:
    """The legacy counters over `cases` (a `RequestPeriods().queryset(...)`, possibly filtered further).

    延期办结 (INFERRED): closed after the basic period, i.e. with an approved extension (2008 条例 第二十四条)
    or late; 按时办结 = the rest, so 办结 = 按时 + 延期 (LG-E02)."""
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
    return {cell: cells[cell] for _, cell in LEGACY_LAYOUT if cell and cell.startswith("lg.request.")}
