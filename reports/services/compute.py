"""A report's computed cells: which cells the platform counts (the rest are entered), and counting them from
the platform's data for a set of units and a year.

Aggregation (issue "The annual report" §4). A report sums its units. Reorganisations are followed with
`reporting_agency_id(agency, day)` (orgs.services): what an agency held on `day` counts for the agency that
answers for it then, and belongs to the report when that agency is one of the units. The day is the
record's own: a document's publication or lifecycle event, an appeal's filing, and for a request case the
day it leaves the year — its closing day when closed in the year, else 31 December. One day per case and
year keeps 一 + 二 = 三(七) + 四 for any unit set (a case open at a merger moves to the successor whole;
the successor's 上年结转 then differs from its own last report, which T3-W01 reports as a warning that a
reorganisation explains). The successions are few, so attribution is one filter per date field —
`agency in (plain ids)` OR `(predecessor and date in its window)` — and every table stays ONE grouped query
over the whole unit set. The year rules and the counting are the owning apps' (the `*_for` functions of
disclosure_requests/appeals/catalog .statistics): the querysets below add only the attribution filter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, DateField, F, Q, Value, When

from appeals.models import Appeal
from appeals.statistics import legacy_appeal_counters_for, table_four_for
from catalog.models import Document, DocumentKind, NormativeEvent
from catalog.statistics import article_20_item_1_for
from disclosure_requests.statistics import RequestPeriods, legacy_request_counters_for, table_three_for
from orgs.models import AgencySuccession
from orgs.services import reporting_agency_id
from report_formats.formats import (
    FORMATS,
    ReportFormat,
)

FIRST_YEAR = 2014  # the platform generates the 2014 统计表 and later formats; earlier tables were local

# Cells the platform computes, per format; every other cell of the format is entered by the units.
_T2_ITEM1 = [f"t2.{row}.{col}" for row in ("rules", "normative_docs") for col in ("issued", "repealed", "in_force")]
_T2V19_ITEM1 = [f"t2v19.{row}.{col}" for row in ("rules", "normative_docs")
                for col in ("created", "published", "total_public")]
_LG_COMPUTED = [
    "lg.proactive.total", "lg.proactive.normative_docs_published", "lg.proactive.normative_docs_issued",
    "lg.proactive.via_gazette", "lg.proactive.via_website", "lg.proactive.via_weibo", "lg.proactive.via_wechat",
    "lg.proactive.via_other",
    "lg.request.received", "lg.request.in_person", "lg.request.fax", "lg.request.online", "lg.request.letter",
    "lg.request.closed", "lg.request.closed_on_time", "lg.request.closed_extended",
    *(f"lg.{b}.{c}" for b in ("review", "suit") for c in ("total", "upheld", "corrected", "other")),
]
CHANNEL_CELLS = {"gazette": "lg.proactive.via_gazette", "website": "lg.proactive.via_website",
                 "weibo": "lg.proactive.via_weibo", "wechat": "lg.proactive.via_wechat",
                 "other": "lg.proactive.via_other"}
# Source names shown with each computed cell (provenance "computed, from which query").
SOURCES = {  # in words: the page shows them (issue 19: no code names where a person reads)
    "t2": "平台计算：政府信息目录中的行政规范性文件（制发、废止、现行有效）",
    "t2v19": "平台计算：政府信息目录（本年制发→新制作/新公开，现行有效→对外公开总数量）",
    "t3": "平台计算：依申请公开案件",
    "t4": "平台计算：行政复议、行政诉讼记录",
    "lg.request": "平台计算：依申请公开案件",
    "lg.review": "平台计算：行政复议记录",
    "lg.suit": "平台计算：行政诉讼记录",
    "lg.proactive": "平台计算：本年发布的主动公开信息，按公开渠道",
}


def computed_cell_ids(fmt: ReportFormat) -> list[str]:
    spec = FORMATS[fmt]
    if fmt == ReportFormat.F2021:
        return [*_T2_ITEM1, *spec.table("t3").cell_ids(), *spec.table("t4").cell_ids()]
    if fmt == ReportFormat.F2019:
        return [*_T2V19_ITEM1, *spec.table("t3").cell_ids(), *spec.table("t4").cell_ids()]
    if fmt == ReportFormat.LEGACY_2014:
        return list(_LG_COMPUTED)
    return []


def entered_cell_ids(fmt: ReportFormat) -> list[str]:
    computed = set(computed_cell_ids(fmt))
    return [cid for cid in FORMATS[fmt].cell_ids() if cid not in computed]


def source_of(cid: str) -> str:
    head = cid.split(".")[0]
    return SOURCES.get(".".join(cid.split(".")[:2])) or SOURCES.get(head, "")


# ------------------------------------------------------------------------------------------ attribution


@dataclass
class Attribution:
    """Which records of which agencies count for a set of units, following case-taking successions."""

    unit_ids: frozenset[int]
    plain: set[int] = field(default_factory=set)  # every record counts, whatever its date
    windows: list[tuple[int, date | None, date | None]] = field(default_factory=list)  # (agency, from, before)
    successions: list = field(default_factory=list)

    @property
    def candidates(self) -> list[int]:
        return sorted(self.plain | {a for a, _, _ in self.windows})

    def on(self, day: date) -> list[int]:
        """Agencies whose records held on `day` count (e.g. cases open at the year end)."""
        ids = set(self.plain)
        for a, start, before in self.windows:
            if (start is None or start <= day) and (before is None or day < before):
                ids.add(a)
        return sorted(ids)

    def q(self, date_field: str, agency_field: str = "agency_id") -> Q:
        """Records whose agency answers into the units on their own `date_field`."""
        query = Q(**{f"{agency_field}__in": sorted(self.plain)})
        for a, start, before in self.windows:
            part = Q(**{agency_field: a})
            if start is not None:
                part &= Q(**{f"{date_field}__gte": start})
            if before is not None:
                part &= Q(**{f"{date_field}__lt": before})
            query |= part
        return query


def attribution(unit_ids) -> Attribution:
    unit_ids = frozenset(int(u) for u in unit_ids)
    successions = list(AgencySuccession.objects.filter(takes_over_cases=True))
    attr = Attribution(unit_ids, successions=successions)
    forward = {s.predecessor_id: s for s in successions}
    # Agencies that never handed over anything are where their records are.
    attr.plain = {u for u in unit_ids if u not in forward}
    for agency_id in sorted(set(forward) | set(unit_ids)):
        if agency_id not in forward:
            continue
        # The chain's effective dates split time into intervals, each with one reporting agency.
        dates, current, seen = [], agency_id, set()
        while current in forward and current not in seen:
            seen.add(current)
            dates.append(forward[current].effective_on)
            current = forward[current].successor_id
        bounds = [None, *sorted(set(dates)), None]
        for start, before in zip(bounds, bounds[1:], strict=False):
            probe = start or date.min
            if reporting_agency_id(agency_id, probe, successions) in unit_ids:
                attr.windows.append((agency_id, start, before))
    return attr


# ------------------------------------------------------------------------------------------ the tables


def _cases(attr: Attribution, year: int):
    """The request cases of the year that count for the units, each attributed on one day (module doc)."""
    p = RequestPeriods()
    end = date(year, 12, 31)
    qs = p.queryset(attr.candidates)
    if attr.windows:
        qs = qs.annotate(_attr_on=Case(When(p.closed_in(year), then=F("_closed_eff")), default=Value(end),
                                       output_field=DateField()))
    return qs.filter(attr.q("_attr_on"))


def _appeals(attr: Attribution):
    return Appeal.objects.filter(attr.q("filed_on"))


def table_three(attr: Attribution, year: int, fmt: str) -> dict[str, int]:
    return table_three_for(_cases(attr, year), year, fmt)


def table_four(attr: Attribution, year: int) -> dict[str, int]:
    return table_four_for(_appeals(attr), year)


def article_20_item_1(attr: Attribution, year: int) -> dict[str, int]:
    # Events count on their own day; the stock for the agencies answering into the units on 31 December.
    return article_20_item_1_for(Document.objects.filter(publisher_id__in=attr.on(date(year, 12, 31))),
                                 NormativeEvent.objects.filter(attr.q("on", "document__publisher_id")), year)


def _public_documents_of_year(attr: Attribution, year: int):
    return Document.objects.public().filter(attr.q("published_on", "publisher_id"),
                                            published_on__gte=date(year, 1, 1), published_on__lte=date(year, 12, 31))


def _channel_counts(docs) -> tuple[int, dict[str, int]]:
    """(documents, documents per channel): a document counts once in the total and once per channel."""
    total, by_channel = 0, defaultdict(int)
    for row in docs.order_by().values("channels").annotate(n=Count("pk")):
        total += row["n"]
        for channel in set(row["channels"] or []):
            by_channel[channel] += row["n"]
    return total, dict(by_channel)


def channel_counts(unit_ids, year: int) -> dict[str, int]:
    """Public documents the units published in the year, per channel (the channels chart)."""
    return _channel_counts(_public_documents_of_year(attribution(unit_ids), year))[1]


def _legacy(attr: Attribution, year: int) -> dict[str, int]:
    cells = {**legacy_request_counters_for(_cases(attr, year), year), **legacy_appeal_counters_for(_appeals(attr), year)}
    # 主动公开: public documents published in the year; a document counts once in the total and once per
    # channel it went out through (the printed note: 不同渠道和方式公开相同信息计1条).
    docs = _public_documents_of_year(attr, year)
    total, by_channel = _channel_counts(docs)
    cells["lg.proactive.total"] = total
    cells.update({cid: by_channel.get(channel, 0) for channel, cid in CHANNEL_CELLS.items()})
    cells["lg.proactive.normative_docs_published"] = docs.filter(kind=DocumentKind.NORMATIVE_DOCUMENT).count()
    cells["lg.proactive.normative_docs_issued"] = article_20_item_1(attr, year)["t2.normative_docs.issued"]
    return cells


def compute_cells(unit_ids, year: int, fmt: ReportFormat) -> dict[str, int]:
    """Every computed cell of `fmt` for the units, one grouped query per table."""
    fmt = ReportFormat(fmt)
    attr = attribution(unit_ids)
    if fmt == ReportFormat.F2021:
        return {**article_20_item_1(attr, year), **table_three(attr, year, "2021"), **table_four(attr, year)}
    if fmt == ReportFormat.F2019:
        item1 = article_20_item_1(attr, year)
        cells = {}
        # INFERRED mapping: a catalogue document is made public when issued, so 新制作 = 新公开 = 制发.
        for row in ("rules", "normative_docs"):
            cells[f"t2v19.{row}.created"] = item1[f"t2.{row}.issued"]
            cells[f"t2v19.{row}.published"] = item1[f"t2.{row}.issued"]
            cells[f"t2v19.{row}.total_public"] = item1[f"t2.{row}.in_force"]
        return {**cells, **table_three(attr, year, "2019"), **table_four(attr, year)}
    if fmt == ReportFormat.LEGACY_2014:
        return _legacy(attr, year)
    return {}
