"""The one place where annual reports and entered figures change (every change audited), and where a
report's cells are computed from the platform's data.

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
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, DateField, F, Max, Q, Value, When
from django.utils import timezone

from audit.services import record
from orgs.models import Agency, AgencySuccession
from orgs.scoping import Capability, has_capability
from orgs.services import reporting_agency_id
from report_formats.formats import (
    FORMATS,
    SECTION_TITLES,
    CellType,
    ReportFormat,
    format_for_year,
    parse_cell_value,
)
from report_formats.validation import Finding, Severity, deadline_for, has_errors, validate

from .models import (
    AnnualReport,
    EnteredFigures,
    EnteredValue,
    FiguresStatus,
    Provenance,
    ReportCell,
    ReportOrigin,
    ReportStatus,
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
SOURCES = {
    "t2": "catalog.statistics.article_20_item_1（规范性文件生命周期）",
    "t2v19": "catalog.statistics.article_20_item_1（本年制发→新制作/新公开，现行有效→对外公开总数量）",
    "t3": "disclosure_requests.statistics.table_three（依申请公开案件）",
    "t4": "appeals.statistics.table_four（行政复议、行政诉讼记录）",
    "lg.request": "disclosure_requests.statistics.legacy_request_counters（依申请公开案件）",
    "lg.review": "appeals.statistics.table_four（行政复议记录）",
    "lg.suit": "appeals.statistics.table_four（行政诉讼记录）",
    "lg.proactive": "catalog.Document（本年发布的主动公开信息，按公开渠道）",
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


def _source_of(cid: str) -> str:
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
    from disclosure_requests.statistics import RequestPeriods

    p = RequestPeriods()
    end = date(year, 12, 31)
    qs = p.queryset(attr.candidates)
    if attr.windows:
        qs = qs.annotate(_attr_on=Case(When(p.closed_in(year), then=F("_closed_eff")), default=Value(end),
                                       output_field=DateField()))
    return qs.filter(attr.q("_attr_on"))


def _appeals(attr: Attribution):
    from appeals.models import Appeal

    return Appeal.objects.filter(attr.q("filed_on"))


def _table_three(attr: Attribution, year: int, fmt: str) -> dict[str, int]:
    from disclosure_requests.statistics import table_three_for

    return table_three_for(_cases(attr, year), year, fmt)


def _table_four(attr: Attribution, year: int) -> dict[str, int]:
    from appeals.statistics import table_four_for

    return table_four_for(_appeals(attr), year)


def _article_20_item_1(attr: Attribution, year: int) -> dict[str, int]:
    from catalog.models import Document, NormativeEvent
    from catalog.statistics import article_20_item_1_for

    # Events count on their own day; the stock for the agencies answering into the units on 31 December.
    return article_20_item_1_for(Document.objects.filter(publisher_id__in=attr.on(date(year, 12, 31))),
                                 NormativeEvent.objects.filter(attr.q("on", "document__publisher_id")), year)


def _public_documents_of_year(attr: Attribution, year: int):
    from catalog.models import Document

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
    from catalog.models import DocumentKind
    from disclosure_requests.statistics import legacy_request_counters_for

    cells = legacy_request_counters_for(_cases(attr, year), _appeals(attr), year)
    # 主动公开: public documents published in the year; a document counts once in the total and once per
    # channel it went out through (the printed note: 不同渠道和方式公开相同信息计1条).
    docs = _public_documents_of_year(attr, year)
    total, by_channel = _channel_counts(docs)
    cells["lg.proactive.total"] = total
    cells.update({cid: by_channel.get(channel, 0) for channel, cid in CHANNEL_CELLS.items()})
    cells["lg.proactive.normative_docs_published"] = docs.filter(kind=DocumentKind.NORMATIVE_DOCUMENT).count()
    cells["lg.proactive.normative_docs_issued"] = _article_20_item_1(attr, year)["t2.normative_docs.issued"]
    return cells


def compute_cells(unit_ids, year: int, fmt: ReportFormat) -> dict[str, int]:
    """Every computed cell of `fmt` for the units, one grouped query per table."""
    fmt = ReportFormat(fmt)
    attr = attribution(unit_ids)
    if fmt == ReportFormat.F2021:
        return {**_article_20_item_1(attr, year), **_table_three(attr, year, "2021"), **_table_four(attr, year)}
    if fmt == ReportFormat.F2019:
        item1 = _article_20_item_1(attr, year)
        cells = {}
        # INFERRED mapping: a catalogue document is made public when issued, so 新制作 = 新公开 = 制发.
        for row in ("rules", "normative_docs"):
            cells[f"t2v19.{row}.created"] = item1[f"t2.{row}.issued"]
            cells[f"t2v19.{row}.published"] = item1[f"t2.{row}.issued"]
            cells[f"t2v19.{row}.total_public"] = item1[f"t2.{row}.in_force"]
        return {**cells, **_table_three(attr, year, "2019"), **_table_four(attr, year)}
    if fmt == ReportFormat.LEGACY_2014:
        return _legacy(attr, year)
    return {}


# ------------------------------------------------------------------------------------------ entered figures


def _require(user, capability: Capability, agency: Agency) -> None:
    if user is not None and not has_capability(user, capability, agency):
        raise PermissionDenied("您没有该操作的权限。")


def figures_for(agency: Agency, year: int) -> EnteredFigures:
    figures, _ = EnteredFigures.objects.get_or_create(agency=agency, year=year)
    return figures


def parse_entered(fmt: ReportFormat, values: dict) -> tuple[dict[str, tuple[Decimal | None, str]], dict[str, str]]:
    """(cell id → (value, raw)), (cell id → error) for the entered cells of `fmt`."""
    allowed = set(entered_cell_ids(fmt))
    cells = FORMATS[fmt].cells()
    parsed, errors = {}, {}
    for cid, raw in values.items():
        if cid not in allowed:
            errors[cid] = f"“{cid}”不是{fmt.label}中需要填报的单元格。"
            continue
        text = "" if raw is None else str(raw).strip()
        if not text:
            parsed[cid] = (None, "")
            continue
        pv = parse_cell_value(text, cells[cid].type)
        bad = pv.value is None or pv.flags & {"invalid", "approximate", "annotated", "placeholder", "unit_missing"}
        if bad:
            errors[cid] = f"“{text}”不是有效的数值（请填写阿拉伯数字，不带“约”“余”等字样）。"
            continue
        value = pv.value
        if cells[cid].type == CellType.COUNT and (value < 0 or value != value.to_integral_value()):
            errors[cid] = f"“{text}”：件数必须是不小于 0 的整数。"
        elif cells[cid].type == CellType.SIGNED_COUNT and value != value.to_integral_value():
            errors[cid] = f"“{text}”：增减数必须是整数。"
        elif cells[cid].type in (CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT) and value < 0:
            errors[cid] = f"“{text}”：金额不能为负数。"
        elif value.as_tuple().exponent < -4 or abs(value) >= Decimal(10) ** 12:
            errors[cid] = f"“{text}”：最多保留4位小数，且不超过12位整数。"
        else:
            parsed[cid] = (value, text)
    return parsed, errors


@transaction.atomic
def enter_figures(agency: Agency, year: int, values: dict, user, source: str = "表单") -> EnteredFigures:
    """Store a unit's entered figures (blank clears a cell). Refused once submitted: reopen first."""
    _require(user, Capability.REPORTS_COMPILE, agency)
    fmt = format_for_year(year)
    parsed, errors = parse_entered(fmt, values)
    if errors:
        raise ValidationError(errors)
    figures = EnteredFigures.objects.select_for_update().get(pk=figures_for(agency, year).pk)
    if figures.status != FiguresStatus.DRAFT:
        raise ValidationError(f"{agency}{year}年的填报数据已{figures.get_status_display()}，请先退回修改。")
    now = timezone.now()
    existing = {v.cell_id: v for v in figures.values.all()}
    before = {cid: str(v.value) for cid, v in existing.items()}
    for cid, (value, raw) in parsed.items():
        current = existing.get(cid)
        if value is None:
            if current:
                current.delete()
            continue
        if current and current.value == value:
            continue
        EnteredValue.objects.update_or_create(
            figures=figures, cell_id=cid,
            defaults={"value": value, "raw": raw[:200], "source": source[:300], "entered_by": user, "entered_at": now})
    after = {v.cell_id: str(v.value) for v in figures.values.all()}
    if after != before:
        figures.save(update_fields=["updated_at"])
        record("reports.figures.enter", figures, agency=agency, before=before, after=after, note=source)
    return figures


def _figures_transition(figures: EnteredFigures, user, allowed_from, to, capability, action) -> EnteredFigures:
    figures = EnteredFigures.objects.select_for_update().get(pk=figures.pk)
    _require(user, capability, figures.agency)
    if figures.status not in allowed_from:
        raise ValidationError(f"填报数据当前为“{figures.get_status_display()}”，不能执行此操作。")
    before = figures.status
    figures.status = to
    now = timezone.now()
    if to == FiguresStatus.SUBMITTED:
        figures.submitted_by, figures.submitted_at = user, now
    elif to == FiguresStatus.APPROVED:
        figures.approved_by, figures.approved_at = user, now
    else:
        figures.approved_by = figures.approved_at = None
    figures.save()
    record(action, figures, agency=figures.agency, before={"status": before}, after={"status": to})
    return figures


@transaction.atomic
def submit_figures(figures, user):
    return _figures_transition(figures, user, [FiguresStatus.DRAFT], FiguresStatus.SUBMITTED,
                               Capability.REPORTS_COMPILE, "reports.figures.submit")


@transaction.atomic
def approve_figures(figures, user):
    return _figures_transition(figures, user, [FiguresStatus.SUBMITTED], FiguresStatus.APPROVED,
                               Capability.REPORTS_APPROVE, "reports.figures.approve")


@transaction.atomic
def reopen_figures(figures, user):
    return _figures_transition(figures, user, [FiguresStatus.SUBMITTED, FiguresStatus.APPROVED],
                               FiguresStatus.DRAFT, Capability.REPORTS_COMPILE, "reports.figures.reopen")


# XLSX template: one row per entered cell; departments fill in the 数值 column and upload it back.
def _template_columns():
    from gongkai.tables import Column

    return [Column("单元格编号", "cell_id", required=True, help="不要修改。", width=36, text=True),
            Column("表格", "table", help="仅供参考。", width=10),
            Column("项目", "label", help="仅供参考。", width=60),
            Column("单位", "unit", help="仅供参考；金额以万元计。", width=8),
            Column("数值", "value", help="阿拉伯数字；件数为整数，金额可带小数；不涉及的填0，未统计的留空。",
                   width=14, text=True)]


def figures_template(agency: Agency, year: int) -> bytes:
    from gongkai.tables import write_xlsx
    from report_formats.validation import TABLE_NAMES

    fmt = format_for_year(year)
    cells = FORMATS[fmt].cells()
    current = {v.cell_id: v.value for v in EnteredValue.objects.filter(figures__agency=agency, figures__year=year)}
    rows = []
    for cid in entered_cell_ids(fmt):
        spec = cells[cid]
        label = " · ".join(spec.row_path) + ("" if spec.table == "lg" else f" · {spec.column_label}")
        value = current.get(cid)
        rows.append([cid, TABLE_NAMES.get(spec.table, spec.table), label, spec.unit or "",
                     "" if value is None else _plain(value)])
    return write_xlsx(_template_columns(), rows, sheet_title="填报数据", help_sheet_title="填写说明",
                      help_title=f"{agency.name}{year}年政府信息公开工作年度报告填报表（{fmt.label}）",
                      rules=["每行一个单元格，只填写“数值”列，不要增删或修改“单元格编号”。",
                             "文件中任何一行有错误时，整份文件都不会导入，请按提示改正后重新上传。",
                             "已提交或已审核的填报数据不能覆盖，请先退回修改。"])


@dataclass
class FiguresImportResult:
    errors: list = field(default_factory=list)  # gongkai.tables.RowError
    changed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_figures_xlsx(agency: Agency, year: int, data: bytes, filename: str, user) -> FiguresImportResult:
    """All or nothing: any row error and nothing is written."""
    from gongkai.tables import (
        RowError,
        TableFileError,
        cell_text,
        parse_rows,
        read_header,
        read_table,
    )

    _require(user, Capability.REPORTS_COMPILE, agency)
    fmt = format_for_year(year)
    allowed = set(entered_cell_ids(fmt))
    result = FiguresImportResult()
    try:
        table = read_table(data, max_bytes=2 * 1024 * 1024, max_rows=1000, sheet_title="填报数据")
    except TableFileError as exc:
        result.errors.append(RowError(0, "", exc.message))
        return result
    columns, header_errors = read_header(table, _template_columns())
    if header_errors:
        result.errors.extend(header_errors)
        return result

    def parse_cell(column, raw, is_xlsx):
        if column.field == "value" and isinstance(raw, float):
            return repr(raw)  # keep the digits Excel stored, never a rounded str()
        return cell_text(raw)

    values, seen = {}, {}
    for row in parse_rows(table, columns, parse_cell):
        result.errors.extend(row.errors)
        cid = row.values.get("cell_id", "")
        if not cid:
            result.errors.append(RowError(row.line, "单元格编号", "单元格编号不能为空。"))
            continue
        if cid not in allowed:
            result.errors.append(RowError(row.line, "单元格编号", f"“{cid}”不是{year}年度报告需要填报的单元格。"))
            continue
        if cid in seen:
            result.errors.append(RowError(row.line, "单元格编号", f"“{cid}”与第{seen[cid]}行重复。"))
            continue
        seen[cid] = row.line
        parsed, errors = parse_entered(fmt, {cid: row.values.get("value", "")})
        if errors:
            result.errors.append(RowError(row.line, "数值", errors[cid]))
        else:
            values[cid] = row.values.get("value", "")
    if result.errors:
        return result
    try:
        figures = enter_figures(agency, year, values, user, source=f"上传文件：{filename}")
    except ValidationError as exc:
        result.errors.append(RowError(0, "", "；".join(exc.messages)))
        return result
    result.changed = figures.values.count()
    return result


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ------------------------------------------------------------------------------------------ reports


def _check_units(agency: Agency, units) -> list[Agency]:
    units = list(units)
    if not units:
        raise ValidationError("请至少选择一个汇总单位。")
    outside = [u.name for u in units if not u.path.startswith(agency.path)]
    if outside:
        raise ValidationError(f"汇总单位须是{agency.name}或其下级单位：{'、'.join(outside)}不是。")
    return units


@transaction.atomic
def create_draft(agency: Agency, year: int, units, user, *, report_format: ReportFormat | None = None) -> AnnualReport:
    _require(user, Capability.REPORTS_COMPILE, agency)
    if year < FIRST_YEAR:
        raise ValidationError(f"平台只生成{FIRST_YEAR}年度及以后的年度报告。")
    if year > timezone.localdate().year:
        raise ValidationError("不能为尚未开始的年度编制报告。")
    if AnnualReport.objects.filter(agency=agency, year=year).exists():
        raise ValidationError(f"{agency.name}{year}年度报告已存在；已发布的报告请通过“更正”发布新版本。")
    units = _check_units(agency, units)
    fmt = ReportFormat(report_format or format_for_year(year))
    report = AnnualReport.objects.create(
        agency=agency, year=year, format=fmt, origin=ReportOrigin.GENERATED, status=ReportStatus.DRAFT,
        period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        deadline=deadline_for(year, agency.level, agency.kind), filer=agency.name, created_by=user)
    report.units.set(units)
    record("reports.report.create", report, agency=agency,
           after={"year": year, "format": fmt.value, "units": sorted(u.pk for u in units)})
    return recompute(report, user)


def _entered_cells(report: AnnualReport, unit_ids: list[int]) -> dict[str, dict]:
    attr = attribution(unit_ids)
    fmt = report.report_format
    wanted = set(entered_cell_ids(fmt))
    rows = (EnteredValue.objects.filter(figures__year=report.year, figures__agency_id__in=attr.on(report.period_end),
                                        cell_id__in=wanted, value__isnull=False)
            .select_related("figures__agency", "entered_by").order_by("entered_at"))
    out: dict[str, dict] = {}
    for v in rows:
        cell = out.setdefault(v.cell_id, {"value": Decimal(0), "agencies": [], "by": None, "at": None, "raw": []})
        cell["value"] += v.value
        cell["agencies"].append(v.figures.agency.display_name)
        cell["raw"].append(v.raw)
        cell["by"], cell["at"] = v.entered_by, v.entered_at  # the latest entry
    return out


@transaction.atomic
def recompute(report: AnnualReport, user=None) -> AnnualReport:
    """Refill the computed cells and the entered ones (from the units' figures). Drafts only."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require(user, Capability.REPORTS_COMPILE, report.agency)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError("只有草稿可以重新计算；已提交的报告请先退回。")
    if report.origin != ReportOrigin.GENERATED:
        raise ValidationError(f"{report.get_origin_display()}的报告不由平台计算。")
    fmt = report.report_format
    unit_ids = list(report.units.values_list("pk", flat=True))
    computed = compute_cells(unit_ids, report.year, fmt)
    entered = _entered_cells(report, unit_ids)
    specs = FORMATS[fmt].cells()
    report.cells.exclude(provenance=Provenance.IMPORTED).delete()
    cells = []
    for cid in FORMATS[fmt].cell_ids():
        spec = specs[cid]
        if cid in computed:
            value = Decimal(computed[cid])
            cells.append(ReportCell(report=report, cell_id=cid, value=value, raw=_plain(value), unit=spec.unit or "",
                                    provenance=Provenance.COMPUTED, source=_source_of(cid)))
        else:
            e = entered.get(cid)
            source = f"单位填报：{'、'.join(e['agencies'])}"[:300] if e else "单位填报：尚未填报"
            cells.append(ReportCell(report=report, cell_id=cid, value=e["value"] if e else None,
                                    raw=_plain(e["value"]) if e else "", unit=spec.unit or "",
                                    flags=[] if e else ["blank"], provenance=Provenance.ENTERED, source=source,
                                    entered_by=e["by"] if e else None, entered_at=e["at"] if e else None))
    ReportCell.objects.bulk_create(cells)
    report.computed_at = timezone.now()
    report.save(update_fields=["computed_at", "updated_at"])
    record("reports.report.recompute", report, agency=report.agency,
           after={"computed": len(computed), "entered": len(entered)})
    return report


def cell_values(report: AnnualReport) -> dict[str, Decimal | None]:
    return dict(report.cells.values_list("cell_id", "value"))


def previous_report(report: AnnualReport) -> AnnualReport | None:
    """Last year's report of the same agency: its latest published version, else its latest version."""
    qs = AnnualReport.objects.filter(agency=report.agency, year=report.year - 1)
    return qs.filter(status=ReportStatus.PUBLISHED).order_by("-version").first() or qs.order_by("-version").first()


def unit_status(report: AnnualReport) -> list[dict]:
    """Each unit's figures status, with its own statutory deadline (docs/law/annual-report.md §1)."""
    units = list(report.units.all().order_by("path"))
    figures = {f.agency_id: f for f in EnteredFigures.objects.filter(year=report.year, agency__in=units)
               .annotate(n=Count("values"))}
    today = timezone.localdate()
    rows = []
    for unit in units:
        f = figures.get(unit.pk)
        deadline = deadline_for(report.year, unit.level, unit.kind)
        status = f.status if f else None
        rows.append({"agency": unit, "figures": f, "status": status,
                     "status_label": f.get_status_display() if f else "未填报", "entered": f.n if f else 0,
                     "deadline": deadline, "overdue": status != FiguresStatus.APPROVED and today > deadline})
    return rows


def finding_dict(f: Finding) -> dict:
    return {"code": f.code, "severity": str(f.severity), "cells": list(f.cells), "message": f.message,
            "where": f.where, "expected": None if f.expected is None else _plain(f.expected),
            "actual": None if f.actual is None else _plain(f.actual)}


def check(report: AnnualReport, narrative: dict[str, str] | None = None) -> list[Finding]:
    """Every rule of report_formats.validation the platform's data allows, plus the units' submission status. The
    numbers the prose (as printed: narrative_of, or `narrative` when the caller already has it) quotes are
    checked against the tables; those findings say which paragraph (reports.narrative.prose_check)."""
    from .narrative import prose_check

    flags = {cid: fl for cid, fl in report.cells.values_list("cell_id", "flags") if fl}
    # A row an entered (历史数据补录) table does not print stays absent, as the validator expects (missing_row).
    cells = {cid: v for cid, v in cell_values(report).items() if NOT_PRINTED not in flags.get(cid, ())}
    prev = previous_report(report)
    prose = prose_check(report.format, narrative if narrative is not None else narrative_of(report))
    findings = validate(cells, report_format=report.format, year=report.year,
                        previous=cell_values(prev) if prev else None, agency_level=report.agency.level,
                        agency_kind=report.agency.kind, flags=flags, prose_figures=prose.facts,
                        published_on=report.published_on, period=(report.period_start, report.period_end))
    findings = prose.locate(findings)
    pending = [row["agency"].display_name for row in unit_status(report) if row["status"] != FiguresStatus.APPROVED]
    if pending and entered_cell_ids(report.report_format):
        findings.append(Finding("RPT-W01", Severity.WARNING, [],
                                f"{len(pending)} 个汇总单位的填报数据尚未审核：{'、'.join(pending)}；"
                                "其已录入的数字已计入，但可能还会变化。"))
    return findings


def _transition(report: AnnualReport, user, allowed_from, capability, action, **changes) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require(user, capability, report.agency)
    if report.status not in allowed_from:
        raise ValidationError(f"报告当前为“{report.get_status_display()}”，不能执行此操作。")
    before = report.status
    for name, value in changes.items():
        setattr(report, name, value)
    report.save()
    record(action, report, agency=report.agency, before={"status": before}, after={"status": report.status})
    return report


@transaction.atomic
def submit(report, user) -> AnnualReport:
    return _transition(report, user, [ReportStatus.DRAFT], Capability.REPORTS_COMPILE, "reports.report.submit",
                       status=ReportStatus.SUBMITTED, submitted_by=user, submitted_at=timezone.now())


@transaction.atomic
def return_to_draft(report, user) -> AnnualReport:
    return _transition(report, user, [ReportStatus.SUBMITTED, ReportStatus.APPROVED], Capability.REPORTS_COMPILE,
                       "reports.report.return", status=ReportStatus.DRAFT, approved_by=None, approved_at=None)


@transaction.atomic
def approve(report, user) -> AnnualReport:
    """Refused while the validator finds an error."""
    findings = check(report)
    if has_errors(findings):
        errors = [f"{f.code}：{f.message}" for f in findings if f.severity == Severity.ERROR]
        raise ValidationError(["报告有错误，不能审核通过：", *errors])
    return _transition(report, user, [ReportStatus.SUBMITTED], Capability.REPORTS_APPROVE, "reports.report.approve",
                       status=ReportStatus.APPROVED, approved_by=user, approved_at=timezone.now())


# Publication guards. 《中华人民共和国政府信息公开条例》第四十九条: departments publish their report on the
# previous year by 31 January, governments by 31 March (validation.deadline_for), so a report on year Y
# covers a finished year and is published from 1 January of Y+1. A report with units still 未填报 or cells
# blank is published only when a 公开办负责人 (REPORTS_APPROVE) other than its drafter confirms it with a
# reason; what was missing is kept with the published version.
PUBLICATION_BASIS = "《中华人民共和国政府信息公开条例》第四十九条"


def earliest_publication(report: AnnualReport) -> date:
    return date(report.year + 1, 1, 1)


@dataclass
class PublicationGaps:
    units: list[Agency] = field(default_factory=list)  # 未填报: no figures at all
    cells: list[tuple[str, str]] = field(default_factory=list)  # (cell id, printed name) left blank

    def __bool__(self) -> bool:
        return bool(self.units or self.cells)

    def as_dict(self) -> dict:
        return {"units": [u.display_name for u in self.units], "cells": [cid for cid, _ in self.cells]}


def publication_gaps(report: AnnualReport) -> PublicationGaps:
    """What the report still lacks: units that entered nothing (when the format has entered cells) and the
    cells left blank (rows an entered legacy table does not print are not gaps)."""
    gaps = PublicationGaps()
    if entered_cell_ids(report.report_format):
        gaps.units = [row["agency"] for row in unit_status(report) if row["status"] is None]
    specs = FORMATS[report.report_format].cells()
    for cid, value, flags in report.cells.values_list("cell_id", "value", "flags"):
        if value is None and NOT_PRINTED not in (flags or ()) and cid in specs:
            gaps.cells.append((cid, _cell_name(specs[cid])))
    order = {cid: i for i, cid in enumerate(FORMATS[report.report_format].cell_ids())}
    gaps.cells.sort(key=lambda c: order.get(c[0], 0))
    return gaps


def drafters(report: AnnualReport) -> set[int]:
    """Who drafted the report (created or submitted it): they cannot confirm its publication with gaps."""
    return {pk for pk in (report.created_by_id, report.submitted_by_id) if pk is not None}


def _check_publication_date(report: AnnualReport, on: date, today: date) -> None:
    if on < earliest_publication(report):
        raise ValidationError(
            f"{report.year}年度报告须在该年度结束后发布，最早 {report.year + 1}年1月1日"
            f"（{PUBLICATION_BASIS}：年度报告报告上一年度的政府信息公开工作）。")
    if on > today:
        raise ValidationError("发布日期不能晚于今天。")


@transaction.atomic
def publish(report, user, on: date | None = None, *, override_reason: str = "") -> AnnualReport:
    """Publishes, fixing what a version prints: the prose (drafted sections included) and the chart data.
    Refused before 1 January of the following year (PUBLICATION_BASIS); with gaps (publication_gaps), only
    with `override_reason` from a REPORTS_APPROVE holder who did not draft the report (`user` None — imports
    and the demo — still needs the reason)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require(user, Capability.REPORTS_APPROVE, report.agency)
    now = timezone.now()
    today = timezone.localdate(now)
    on = on or today
    _check_publication_date(report, on, today)
    gaps = publication_gaps(report)
    reason = (override_reason or "").strip()
    override = {}
    if gaps:
        missing = []
        if gaps.units:
            missing.append(f"{len(gaps.units)} 个单位未填报")
        if gaps.cells:
            missing.append(f"{len(gaps.cells)} 个单元格空白")
        if not reason:
            raise ValidationError(f"报告尚有缺项（{'，'.join(missing)}），须由编制人以外的公开办负责人说明理由后确认发布。")
        if user is not None and user.pk in drafters(report):
            raise ValidationError(f"报告尚有缺项（{'，'.join(missing)}）：编制或提交本报告的人员不能确认缺项发布，"
                                  "请由另一位公开办负责人确认。")
        override = {"gaps_override_by": user, "gaps_override_reason": reason, "gaps_at_publication": gaps.as_dict()}
    published = _transition(report, user, [ReportStatus.APPROVED], Capability.REPORTS_APPROVE,
                            "reports.report.publish", status=ReportStatus.PUBLISHED, published_at=now,
                            published_on=on, narrative=narrative_of(report), printed=_print_data(report), **override)
    if override:
        record("reports.report.publish_with_gaps", published, agency=published.agency,
               after={"gaps": override["gaps_at_publication"], "drafters": sorted(drafters(published)),
                      "confirmed_by": user.pk if user is not None else None, "published_on": on}, note=reason)
    return published


@transaction.atomic
def correct(report, user, change_note: str) -> AnnualReport:
    """A new draft version of a published report; the published version stays as it is."""
    _require(user, Capability.REPORTS_COMPILE, report.agency)
    if report.status != ReportStatus.PUBLISHED:
        raise ValidationError("只有已发布的报告需要更正；未发布的报告可直接修改。")
    if not (change_note or "").strip():
        raise ValidationError("请填写更正说明。")
    latest = AnnualReport.objects.filter(agency=report.agency, year=report.year).aggregate(v=Max("version"))["v"]
    if AnnualReport.objects.filter(agency=report.agency, year=report.year).exclude(
            status=ReportStatus.PUBLISHED).exists():
        raise ValidationError("该报告已有未发布的更正版本。")
    new = AnnualReport.objects.create(
        agency=report.agency, year=report.year, format=report.format, origin=report.origin,
        status=ReportStatus.DRAFT, version=latest + 1, parent=report, change_note=change_note.strip(),
        period_start=report.period_start, period_end=report.period_end, deadline=report.deadline,
        filer=report.filer, head=report.head, reviewer=report.reviewer, preparer=report.preparer,
        narrative=dict(report.narrative or {}), created_by=user)
    new.units.set(report.units.all())
    ReportCell.objects.bulk_create([
        ReportCell(report=new, cell_id=c.cell_id, value=c.value, raw=c.raw, unit=c.unit, flags=c.flags,
                   provenance=c.provenance, source=c.source, entered_by=c.entered_by, entered_at=c.entered_at)
        for c in report.cells.all()])
    record("reports.report.correct", new, agency=new.agency,
           after={"parent": report.pk, "version": new.version, "change_note": new.change_note})
    return new


def latest_report(agency: Agency, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(agency=agency, year=year).order_by("-version").first()


def export_json(report: AnnualReport, findings: list[Finding] | None = None) -> dict:
    """The checkup's JSON contract (report_checkup.output.CONTRACT_KEYS), money as decimal strings."""
    findings = check(report) if findings is None else findings
    cells = {}
    for cid, value in report.cells.order_by("id").values_list("cell_id", "value"):
        cells[cid] = None if value is None else _json_number(cid, value)
    return {"source": "gongkai:computed" if getattr(report, "unsaved", False) or not report.pk
            else f"gongkai:report/{report.pk}/v{report.version}",
            "agency": report.agency.code, "year": report.year, "format": report.format, "cells": cells,
            "unreadable": [], "prose_figures": [], "findings": [finding_dict(f) for f in findings]}


def _json_number(cid: str, value: Decimal):
    from report_formats.formats import ALL_CELLS

    spec = ALL_CELLS.get(cid)
    if spec is not None and spec.type in (CellType.MONEY_WAN, CellType.MONEY_WITH_UNIT):
        return _plain(value)
    return int(value) if value == value.to_integral_value() else _plain(value)


def units_by_kind(units) -> dict[str, int]:
    counts = defaultdict(int)
    for unit in units:
        counts[unit.get_kind_display()] += 1
    return dict(counts)


# ------------------------------------------------------------------------------------------ printing


def history(report: AnnualReport, years: int = 5) -> list[tuple[int, str, dict]]:
    """(year, format, cells) of the agency's reports for the last `years` years, this one included, oldest
    first; each earlier year from its latest published version, else its latest version. A published report
    (shown on the portal) never prints another year's unpublished figures, except a 历史数据补录 one: that is
    a transcript of a report already published on paper."""
    out = []
    for year in range(report.year - years + 1, report.year):
        qs = AnnualReport.objects.filter(agency=report.agency, year=year)
        fallback = qs.filter(origin=ReportOrigin.ENTERED) if report.is_published else qs
        earlier = (qs.filter(status=ReportStatus.PUBLISHED).order_by("-version").first()
                   or fallback.order_by("-version").first())
        if earlier is not None:
            out.append((year, earlier.format, cell_values(earlier)))
    out.append((report.year, report.format, cell_values(report)))
    return out


def narrative_of(report: AnnualReport) -> dict[str, str]:
    """The report's prose; sections never written yet come from the draft (reports.narrative)."""
    from .narrative import draft

    saved = {k: v for k, v in (report.narrative or {}).items() if (v or "").strip()}
    if len(saved) == len(SECTION_TITLES):
        return saved
    return {**draft(report), **saved}


NARRATIVE_MAX_CHARS = 20_000  # per section
_CONTROL = {c: None for c in range(32) if chr(c) not in "\n\t"} | {127: None}


def _section_keys(keys) -> list[str]:
    sections = [str(s) for s in SECTION_TITLES]
    unknown = [str(k) for k in keys if k not in sections]
    if unknown:
        raise ValidationError(f"报告正文没有这些章节：{'、'.join(unknown)}；章节为{'、'.join(SECTION_TITLES.values())}。")
    return [s for s in sections if s in keys]


@transaction.atomic
def save_narrative(report: AnnualReport, sections: dict, user, *, note: str = "") -> AnnualReport:
    """Store the prose of the given sections (section key → text; paragraphs separated by newlines), the
    others keep theirs. Drafts only. An empty section prints the platform's draft (narrative_of)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require(user, Capability.REPORTS_COMPILE, report.agency)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(f"报告当前为“{report.get_status_display()}”，只有草稿可以修改正文；"
                              "已发布的报告请通过“更正”生成新版本。")
    if not isinstance(sections, dict):
        raise ValidationError("报告正文格式不正确。")
    keys = _section_keys(sections)
    texts, errors = {}, {}
    for key in keys:
        text = sections[key]
        if text is not None and not isinstance(text, str):
            errors[key] = f"{SECTION_TITLES[key]}：正文须是文字。"
            continue
        # Browsers send CRLF; control characters (other than newline and tab) cannot be printed.
        text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n")
                         .translate(_CONTROL).split("\n")).strip("\n")
        if len(text) > NARRATIVE_MAX_CHARS:
            errors[key] = f"{SECTION_TITLES[key]}：最多{NARRATIVE_MAX_CHARS}字（现为{len(text)}字）。"
        texts[key] = text
    if errors:
        raise ValidationError(errors)
    current = dict(report.narrative or {})
    changed = {k: t for k, t in texts.items() if current.get(k, "") != t}
    if not changed:
        return report
    report.narrative = {**current, **changed}
    report.save(update_fields=["narrative", "updated_at"])
    record("reports.report.narrative", report, agency=report.agency, note=note,
           before={k: current.get(k, "") for k in changed}, after=changed)
    return report


@transaction.atomic
def redraft_narrative(report: AnnualReport, user, keys=None) -> AnnualReport:
    """Replace the chosen sections (all when `keys` is None) with the draft from the current data."""
    from .narrative import draft

    _require(user, Capability.REPORTS_COMPILE, report.agency)
    keys = _section_keys(list(SECTION_TITLES) if keys is None else list(keys))
    drafted = draft(report)
    return save_narrative(report, {k: drafted[k] for k in keys}, user, note="按最新数据重新生成草稿")


def _print_data(report: AnnualReport) -> dict:
    unit_ids = list(report.units.values_list("pk", flat=True)) or [report.agency_id]
    counts = channel_counts(unit_ids, report.year) if report.origin == ReportOrigin.GENERATED else {}
    return {"channel_counts": counts,
            "history": [[year, fmt, {cid: None if v is None else str(v) for cid, v in values.items()}]
                        for year, fmt, values in history(report)]}


def document_for(report: AnnualReport, narrative: dict[str, str] | None = None):
    """The printable report (reports.rendering.document) every export draws. A published version prints what
    was fixed at publication; anything else is read live. `narrative`: narrative_of(report), when the caller
    already has it (drafting it reads this year's and last year's cells)."""
    from .rendering.document import build, report_title

    data = report.printed if report.is_published and report.printed else _print_data(report)
    return build(title=report_title(report.agency.name, report.year), agency_name=report.agency.name,
                 year=report.year, report_format=report.format, values=cell_values(report),
                 narrative=narrative if narrative is not None else narrative_of(report),
                 channel_counts=data["channel_counts"],
                 history=[(year, fmt, values) for year, fmt, values in data["history"]],
                 published_on=report.published_on, version=report.version, change_note=report.change_note,
                 status_label=report.get_status_display())


# ------------------------------------------------------------------------------------------ 历史数据补录
# A year before the platform held the data (e.g. a 2017 统计表), entered from the published report so that
# the year-on-year comparison and the trend chart have it. Each cell keeps the printed text; nothing is
# guessed: a blank or a placeholder ("-", "无") stays null, and the validator reports the table as printed.

ENTERED_HISTORY_SOURCE = "历史数据补录"
NOT_PRINTED = "not_printed"  # a row the published table leaves out; the validator sees it as missing_row
FIRST_ENTERED_YEAR = 2008  # 《条例》施行之年
_FOOTER_LIMITS = {"filer": 200, "head": 60, "reviewer": 60, "preparer": 60}


def _cell_name(spec) -> str:
    return f"「{spec.row_label}」" if spec.table == "lg" else f"「{spec.row_label} × {spec.column_label}」"


def parse_printed_cells(fmt, values) -> tuple[dict[str, dict], dict[str, str]]:
    """The printed text of an old table's cells → (cell id → ReportCell fields), (cell id → error)."""
    fmt = ReportFormat(fmt)
    if not isinstance(values, dict):
        return {}, {"values": "单元格数据格式不正确。"}
    specs = FORMATS[fmt].cells()
    parsed, errors = {}, {}
    for cid, raw in values.items():
        spec = specs.get(cid) if isinstance(cid, str) else None
        if spec is None:
            errors[str(cid)] = f"“{cid}”不是{fmt.label}中的单元格。"
            continue
        if raw is not None and not isinstance(raw, str):
            errors[cid] = f"{_cell_name(spec)}：请按原表照录文字。"
            continue
        text = (raw or "").strip()
        if len(text) > 200:
            errors[cid] = f"{_cell_name(spec)}：内容过长（最多200字）。"
            continue
        pv = parse_cell_value(text, spec.type)
        value = None if "placeholder" in pv.flags else pv.value  # "-"/"无" as printed, never read as 0
        if "invalid" in pv.flags:
            errors[cid] = f"{_cell_name(spec)}：“{text}”无法识别为数值；请照原表填写数字，原表空白的留空。"
        elif value is not None and (value.as_tuple().exponent < -4 or abs(value) >= Decimal(10) ** 12):
            errors[cid] = f"{_cell_name(spec)}：“{text}”最多保留4位小数，且不超过12位整数。"
        else:
            unit = pv.unit if "unit_in_cell" in pv.flags or spec.type == CellType.MONEY_WAN else spec.unit
            parsed[cid] = {"value": value, "raw": text, "unit": unit or "", "flags": sorted(pv.flags)}
    return parsed, errors


def _history_errors(narrative, footer: dict) -> dict[str, str]:
    errors = {}
    if narrative is not None:
        sections = {str(s) for s in SECTION_TITLES}
        if not isinstance(narrative, dict) or any(not isinstance(v, str | None) for v in narrative.values()):
            errors["narrative"] = "报告正文格式不正确。"
        elif unknown := [str(k) for k in narrative if k not in sections]:
            errors["narrative"] = f"报告正文没有这些章节：{'、'.join(unknown)}。"
    for name, limit in _FOOTER_LIMITS.items():
        value = footer.get(name)
        if value is not None and (not isinstance(value, str) or len(value.strip()) > limit):
            errors[name] = f"{AnnualReport._meta.get_field(name).verbose_name}最多{limit}字。"
    if footer.get("filed_on") is not None and not isinstance(footer["filed_on"], date):
        errors["filed_on"] = "填报日期格式不正确。"
    return errors


@transaction.atomic
def create_entered_report(agency: Agency, year: int, values: dict[str, str], user, *, narrative: dict | None = None,
                          filer: str | None = None, head: str | None = None, reviewer: str | None = None,
                          preparer: str | None = None, filed_on: date | None = None) -> AnnualReport:
    """A draft report of an old year, every cell of its format entered as printed (`values`: cell id → the
    printed text). A cell absent from `values` is a row the table does not print. All or nothing."""
    _require(user, Capability.REPORTS_COMPILE, agency)
    last = timezone.localdate().year - 1
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_ENTERED_YEAR <= year <= last:
        raise ValidationError(f"只能补录{FIRST_ENTERED_YEAR}年度至{last}年度（已结束的年度）的报告。")
    if AnnualReport.objects.filter(agency=agency, year=year).exists():
        raise ValidationError(f"{agency.name}{year}年度报告已存在，不能重复补录；请修改已有的报告。")
    fmt = format_for_year(year)
    parsed, errors = parse_printed_cells(fmt, values)
    footer = {"filer": filer, "head": head, "reviewer": reviewer, "preparer": preparer, "filed_on": filed_on}
    errors.update(_history_errors(narrative, footer))
    if not errors and not parsed:
        errors["values"] = "请至少照录统计表的一个单元格。"
    if errors:
        raise ValidationError(errors)
    text = {k: v.strip() for k, v in (narrative or {}).items() if (v or "").strip()}
    report = AnnualReport.objects.create(
        agency=agency, year=year, format=fmt, origin=ReportOrigin.ENTERED, status=ReportStatus.DRAFT,
        period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        deadline=deadline_for(year, agency.level, agency.kind), filer=(filer or "").strip() or agency.name,
        head=(head or "").strip(), reviewer=(reviewer or "").strip(), preparer=(preparer or "").strip(),
        filed_on=filed_on, narrative=text, created_by=user)
    now = timezone.now()
    specs = FORMATS[fmt].cells()
    blank = {"value": None, "raw": "", "flags": [NOT_PRINTED]}
    ReportCell.objects.bulk_create([
        ReportCell(report=report, cell_id=cid, provenance=Provenance.ENTERED, entered_by=user, entered_at=now,
                   source=ENTERED_HISTORY_SOURCE if cid in parsed else f"{ENTERED_HISTORY_SOURCE}（原表未印此行）",
                   **{"unit": specs[cid].unit or "", **parsed.get(cid, blank)})
        for cid in FORMATS[fmt].cell_ids()])
    record("reports.report.enter_history", report, agency=agency,
           after={"year": year, "format": fmt.value, "cells": {cid: f["raw"] for cid, f in parsed.items()},
                  "not_printed": [cid for cid in FORMATS[fmt].cell_ids() if cid not in parsed],
                  "narrative": sorted(text)})
    return report


@transaction.atomic
def enter_report_cells(report: AnnualReport, values: dict[str, str], user) -> AnnualReport:
    """Correct cells of a 历史数据补录 draft, as printed (an empty text makes the cell blank)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require(user, Capability.REPORTS_COMPILE, report.agency)
    if report.origin != ReportOrigin.ENTERED:
        raise ValidationError("只有历史数据补录的报告可以直接修改单元格；平台生成的报告请修改填报数据后重新计算。")
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(f"报告当前为“{report.get_status_display()}”，只有草稿可以修改单元格。")
    parsed, errors = parse_printed_cells(report.format, values)
    if errors:
        raise ValidationError(errors)
    existing = {c.cell_id: c for c in report.cells.select_for_update()}
    now = timezone.now()
    before, after = {}, {}
    for cid, fields in parsed.items():
        cell = existing.get(cid) or ReportCell(report=report, cell_id=cid, flags=[NOT_PRINTED])
        printed = NOT_PRINTED not in (cell.flags or [])
        if cell.pk and printed and (cell.value, cell.raw, cell.flags) == (fields["value"], fields["raw"],
                                                                          fields["flags"]):
            continue
        before[cid] = cell.raw if printed else None
        after[cid] = fields["raw"]
        for name, value in fields.items():
            setattr(cell, name, value)
        cell.provenance, cell.source = Provenance.ENTERED, ENTERED_HISTORY_SOURCE
        cell.entered_by, cell.entered_at = user, now
        cell.save()
    if after:
        report.save(update_fields=["updated_at"])
        record("reports.report.enter_cells", report, agency=report.agency, before=before, after=after)
    return report
