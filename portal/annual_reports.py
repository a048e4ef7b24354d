"""Published 政府信息公开工作年度报告 on the portal (issue "annual report" §5): each agency's sub-column, the
report page with its version history, downloads of published versions, the region-wide list and the
JSON of a published version (the contract 年报体检 reads).

Only PUBLISHED versions exist here: a draft, submitted or approved report is a 404 wherever it is asked for,
and nothing from a cell's provenance (who entered it, from which file) is shown. A published version is
immutable (reports.models), so its files are cached for a day; the page of an explicit version (?version=N)
for an hour, since only its "newer version" notice and history may change; the "latest" page changes when a
correction is published and is cached for a few minutes only."""

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from orgs.models import Agency
from reports import services as report_services
from reports.models import AnnualReport, ReportStatus
from reports.rendering import EXPORT_TYPES, export, export_filename
from reports.rendering.document import report_title
from reports.rendering.html import render_html

from .catalogue import paginate, parse_filters, public_agencies
from .errors import error_page

LATEST_MAX_AGE = 300  # the latest page: a correction may replace it at any time
VERSION_MAX_AGE = 3600  # an explicit version: only the notice and history around it may change
DOWNLOAD_MAX_AGE = 86_400  # the file of a published version never changes
RENDER_CACHE_SECONDS = 3600
DOWNLOAD_LABELS = {"pdf": "PDF", "docx": "Word（DOCX）", "xlsx": "Excel 数据表（XLSX）"}


class ReportQueryError(ValueError):
    """A query string the report pages cannot answer; the message is shown to the user (Chinese)."""


def published_reports():
    return AnnualReport.objects.filter(status=ReportStatus.PUBLISHED).select_related("agency")


def latest_published():
    """One row per (agency, year): its newest published version."""
    newer = AnnualReport.objects.filter(agency=OuterRef("agency"), year=OuterRef("year"),
                                        status=ReportStatus.PUBLISHED, version__gt=OuterRef("version"))
    return published_reports().filter(~Exists(newer)).order_by("-year", "agency__path", "-version")


def title_of(report: AnnualReport) -> str:
    return report_title(report.agency.name, report.year)


def report_path(report: AnnualReport, *, version: bool = False) -> str:
    """The report's page; with `version`, the page of this very version (?version=N)."""
    url = reverse("portal:annual_report", args=[report.agency.code, report.year])
    return f"{url}?version={report.version}" if version else url


def listing(reports) -> list[dict]:
    """Rows for the report lists (newest year first, as given)."""
    return [{"report": r, "title": title_of(r), "url": report_path(r)} for r in reports]


def versions_of(code: str, year: int) -> list[AnnualReport]:
    """Every published version of an agency's report for a year, newest first; 404 when there is none."""
    versions = list(published_reports().filter(agency__code=code, year=year).order_by("-version"))
    if not versions:
        raise Http404("该年度报告尚未发布")
    return versions


def chosen_version(versions: list[AnnualReport], raw: str | None) -> AnnualReport:
    text = (raw or "").strip()
    if not text:
        return versions[0]
    if not (text.isascii() and text.isdigit()) or not text.strip("0"):
        raise ReportQueryError("版本号应为正整数，例如 ?version=1。")
    # A number of absurd length is simply no version (and int() of it would refuse).
    number = int(text) if len(text) <= 6 else None
    found = next((v for v in versions if v.version == number), None)
    if found is None:
        raise Http404("该版本不存在或尚未发布")
    return found


def _cache(response, seconds: int, *, page: bool = True):
    response["Cache-Control"] = f"public, max-age={seconds}"
    if page:  # a page may carry a signed-in visitor's flash message: shared only between equal cookies
        patch_vary_headers(response, ("Cookie",))
    return response


def rendered_body(report: AnnualReport) -> str:
    """The report drawn by reports.rendering.html, cached per published version: building the document
    reads the tables, the prose and the five-year history."""
    key = f"portal:annual-report-html:{report.pk}:v{report.version}"
    body = cache.get(key)
    if body is None:
        body = str(render_html(report_services.document_for(report), standalone=False))
        cache.set(key, body, RENDER_CACHE_SECONDS)
    # render_html escapes every text it prints (reports.rendering.html); the body holds no user HTML.
    return mark_safe(body)  # noqa: S308 - produced by our renderer from escaped text


@require_safe
def annual_report(request, code, year):
    versions = versions_of(code, year)
    latest = versions[0]
    try:
        report = chosen_version(versions, request.GET.get("version"))
    except ReportQueryError as exc:
        return error_page(request, 400, "请求有误", str(exc))
    agency = report.agency
    is_latest = report.pk == latest.pk
    page_url = report_path(report)
    response = render(request, "portal/annual_report.html", {
        "agency": agency, "ancestors": agency.ancestors(), "report": report, "latest": latest,
        "is_latest": is_latest, "title": title_of(report), "body": rendered_body(report),
        "versions": versions, "page_url": page_url,
        "canonical_url": request.build_absolute_uri(report_path(report, version=not is_latest)),
        "downloads": [(DOWNLOAD_LABELS[fmt], reverse("portal:annual_report_download",
                                                     args=[agency.code, year, report.version, fmt]))
                      for fmt in DOWNLOAD_LABELS],
        "api_url": reverse("portal:api_annual_report", args=[agency.code, year]),
        "agency_public": agency.is_active_on(timezone.localdate()),
    })
    explicit = bool((request.GET.get("version") or "").strip())
    return _cache(response, VERSION_MAX_AGE if explicit else LATEST_MAX_AGE)


def published_export(report: AnnualReport, fmt: str) -> bytes:
    """A published version's file. Versions never change (reports.services.publish fixes what they print), so
    each file is rendered once per cache lifetime, not per download (a PDF takes seconds)."""
    key = f"portal:annual-report-file:{report.pk}:{report.version}:{fmt}"
    content = cache.get(key)
    if content is None:
        content = export(report, fmt, public=True)[0]
        cache.set(key, content, DOWNLOAD_MAX_AGE)
    return content


@require_safe
def annual_report_download(request, code, year, version, fmt):
    if fmt not in DOWNLOAD_LABELS:
        raise Http404("没有这种下载格式")
    report = published_reports().filter(agency__code=code, year=year, version=version).first()
    if report is None:
        raise Http404("该版本不存在或尚未发布")
    try:
        content = published_export(report, fmt)
    except ImproperlyConfigured:  # the PDF libraries are missing on this server
        return error_page(request, 503, "暂时无法下载",
                      f"服务器暂时无法生成{DOWNLOAD_LABELS[fmt]}文件，请下载其他格式或稍后再试。")
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                 filename=export_filename(report, fmt))
    return _cache(response, DOWNLOAD_MAX_AGE, page=False)


def report_years():
    return list(published_reports().order_by("-year").values_list("year", flat=True).distinct())


@require_safe
def annual_reports(request):
    """Every agency's latest published report, filtered by 报告年度 and by an agency with its subtree."""
    filters = parse_filters(request.GET, allow=("agency", "year"))
    reports = latest_published()
    if filters.agency is not None:
        reports = reports.filter(agency__path__startswith=filters.agency.path)
    if filters.year_from is not None:
        reports = reports.filter(year=filters.year_from)
    page = paginate(reports, request.GET.get("page"), exact_count=True)
    response = render(request, "portal/annual_reports.html", {
        "filters": filters, "page": page, "rows": listing(page.object_list),
        "agencies": public_agencies().order_by("path"), "years": report_years(),
    })
    return _cache(response, LATEST_MAX_AGE)


def agency_report_rows(agency: Agency) -> list[dict]:
    """The agency's published reports for its 政府信息公开工作年度报告 sub-column, newest year first."""
    return listing(latest_published().filter(agency=agency))
