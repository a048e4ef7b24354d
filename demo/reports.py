"""The demo year's 政府信息公开工作年度报告, made through reports.services as a 公开办 would: every unit
enters its 行政许可/处罚/强制 and 收费 figures, the county government's report sums the whole county (as
盐池县 2018 did), the education and health bureaux compile their own; those three are approved and published
(so the portal's 年度报告 column has them), one more department's report is left as a draft to work on."""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from orgs.models import Agency, AgencyKind
from report_formats.formats import ReportFormat, format_for_year
from report_formats.validation import Severity
from reports import narrative, services
from reports.services import entered_cell_ids

AUDIT_LABEL = "演示数据"
# Rough yearly volumes of a county department's decisions (typical published reports print thousands of 许可
# for a county).
FEE_COLLECTORS = {"zrzyj", "zjj", "gaj", "scjgj", "jtysj"}  # 不动产登记, 证照工本费 and the like
DECISIONS = {"t2.licensing.decisions": (0, 400), "t2.penalty.decisions": (0, 120), "t2.coercion.decisions": (0, 15)}


# What a county's staff write in place of the draft's placeholders (demo wording, in the style of typical
# published reports).
WRITTEN = {
    **{key: text for key, text in zip(narrative.OVERVIEW_PLACEHOLDERS.values(), (
        "围绕政策文件、重大项目和民生事项，做好主动公开，及时发布政策解读，回应社会关切。",
        "规范依申请公开受理、登记、办理和答复流程，严格按照法定时限答复，做到件件有回音。",
        "落实公文公开属性源头认定和保密审查制度，开展行政规范性文件清理，及时更新有效性标注。",
        "以政府门户网站为第一平台，统筹政务新媒体和政府公报，优化政府信息公开专栏栏目设置。",
        "将政务公开纳入年度绩效考核，组织业务培训，定期开展网站和政务新媒体检查并通报结果。"),
        strict=True)},
    narrative.PROACTIVE_PLACEHOLDER: "本年度围绕财政预决算、重大建设项目、公共资源配置和社会公益事业等重点领域，"
                                     "通过政府网站、政务新媒体和政府公报主动公开政府信息。",
    narrative.REQUESTS_PLACEHOLDER: "畅通网络、信函和当面等申请渠道，对申请逐件登记、分类办理，答复书写明依据和救济途径。",
    narrative.PROBLEMS_PLACEHOLDER: "政策解读的形式还不够丰富，部分乡镇信息更新不够及时。下一步将加强培训，完善信息发布审核机制。",
    narrative.OTHER_PLACEHOLDER: "本年度认真落实上级政务公开工作要点，人大代表建议和政协提案办理结果按要求公开。",
}


@dataclass
class ReportsSummary:
    published: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "report: why" when validation refused approval


def _figures(rng: random.Random, agency: Agency, fmt: ReportFormat) -> dict[str, str]:
    wanted = set(entered_cell_ids(fmt))
    values = {}
    for cid, (low, high) in DECISIONS.items():
        if cid in wanted:
            # Towns and the office decide little; departments more.
            scale = 0.2 if agency.kind != AgencyKind.DEPARTMENT else 1
            values[cid] = str(int(rng.randint(low, high) * scale))
    if "t2.fees.amount" in wanted:
        # 万元, as the table prints it. A county's units mostly collect nothing under this item; the few that
        # do collect a few hundred yuan (盐池县's reports print 0 or hundredths of 万元), never thousands of 万元.
        collects = agency.code.split("-", 1)[-1] in FEE_COLLECTORS
        amount = Decimal(rng.randint(1, 9)) / 100 if collects else Decimal(0)
        values["t2.fees.amount"] = str(amount.quantize(Decimal("0.01")))
    return values


@transaction.atomic
def build_reports(summary, year: int, *, seed: int = 2018) -> ReportsSummary:
    rng = random.Random(seed)
    fmt = format_for_year(year)
    out = ReportsSummary()
    root = summary.root
    county = list(Agency.objects.subtree_of(root).filter(dissolved_on__isnull=True).order_by("path"))
    with acting_as(label=AUDIT_LABEL):
        for agency in county:
            figures = services.enter_figures(agency, year, _figures(rng, agency, fmt), None, source="演示数据")
            services.approve_figures(services.submit_figures(figures, None), None)
        by_code = {a.code: a for a in county}
        chosen = [(root, county)]
        # The bureaux whose demo users (jyj-*, wjj-*) log in: each compiles a report of its own.
        bureaux = sorted({u.roles[0][1] for u in summary.plan.users if u.username.split("-")[0] in ("jyj", "wjj")})
        chosen += [(by_code[code], [by_code[code]]) for code in bureaux if code in by_code]
        for agency, units in chosen:
            report = services.create_draft(agency, year, units, None)
            report = _written(report)
            findings = services.check(report)
            errors = [f"{f.code} {f.message}" for f in findings if f.severity == Severity.ERROR]
            if errors:
                out.refused.append(f"{report}：{errors[0]}")
                out.drafts.append(str(report))
                continue
            report = services.approve(services.submit(report, None), None)
            services.publish(report, None, on=min(date(year + 1, 1, 20), timezone.localdate()))
            out.published.append(str(report))
        compiled = {a.pk for a, _ in chosen}
        spare = next((a for a in county if a.kind == AgencyKind.DEPARTMENT and a.pk not in compiled), None)
        if spare is not None:
            out.drafts.append(str(services.create_draft(spare, year, [spare], None)))
    return out


def _written(report):
    """The draft's prose with every placeholder replaced as staff would before submitting it."""
    sections = {key: "\n".join(WRITTEN.get(p, p) for p in text.split("\n") if not p.startswith(narrative.GENERAL_PLACEHOLDER))
                for key, text in narrative.draft(report).items()}
    return services.save_narrative(report, sections, None, note="演示数据")


@transaction.atomic
def build_current_reports(summary, today, *, seed: int = 2018) -> ReportsSummary:
    """The report of the year in progress, being compiled: the county's draft (its units' figures partly
    entered and submitted, the rest still to fill), and the 教育局's own report submitted for approval —
    work on the desks of the 公开办 (编制, 提交) and its head (审核)."""
    rng = random.Random(seed + today.year)
    year, fmt = today.year, format_for_year(today.year)
    out = ReportsSummary()
    root = summary.root
    county = list(Agency.objects.subtree_of(root).filter(dissolved_on__isnull=True).order_by("path"))
    with acting_as(label=AUDIT_LABEL):
        for i, agency in enumerate(county):
            figures = services.enter_figures(agency, year, _figures(rng, agency, fmt), None, source="演示数据")
            if i % 3:  # two units in three have submitted; the office approved most of those
                figures = services.submit_figures(figures, None)
                if i % 3 == 1:
                    services.approve_figures(figures, None)
        out.drafts.append(str(services.create_draft(root, year, county, None)))
        bureau = next((a for a in county if a.code.endswith("-jyj")), None)
        if bureau is not None:
            report = _written(services.create_draft(bureau, year, [bureau], None))
            if not any(f.severity == Severity.ERROR for f in services.check(report)):
                report = services.submit(report, None)
            out.drafts.append(str(report))
    return out
