"""The public portal: home, agency directory, each agency's 政府信息公开 column (国办公开办函〔2019〕61号),
the region-wide catalogue, document pages, attachment downloads, search, and friendly error pages."""

import nh3
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from catalog.models import (
    Attachment,
    Document,
    Genre,
    LocalItem,
    StatutoryItem,
    Topic,
    Validity,
)
from orgs.directory import group_agencies
from search import services as search_services

from .annual_reports import agency_report_rows
from .catalogue import (
    ANNUAL_REPORT_GENRE,
    HOME_COLUMNS,
    documents_of,
    interpretations_of,
    interpreted_by,
    local_items_for,
    paginate,
    parse_filters,
    public_agencies,
    public_documents,
    public_status,
    public_total,
    with_local_item,
    year_choices,
)
from .errors import error_page
from .models import DisclosureGuide

MAX_QUERY_LENGTH = 100
HOME_ITEMS = 8
SUB_COLUMNS = [  # the four first-level sub-columns of 国办公开办函〔2019〕61号, in this order
    ("guide", "政府信息公开指南", "portal:agency_guide"),
    ("system", "政府信息公开制度", "portal:agency_system"),
    ("statutory", "法定主动公开内容", "portal:agency_statutory"),
    ("reports", "政府信息公开工作年度报告", "portal:agency_reports"),
]


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agencies = list(public_agencies().filter(depth__lte=2).order_by("path"))
        root = agencies[0] if agencies else None
        context["root"] = root
        context["groups"] = group_agencies([a for a in agencies if a is not root])
        context["columns"] = [
            (name, codes, list(public_documents().filter(genre__code__in=codes)[:HOME_ITEMS]))
            for name, codes in HOME_COLUMNS
        ]
        return context


class AgencyListView(TemplateView):
    template_name = "portal/agency_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agencies = list(public_agencies().annotate(n_children=Count("children")).order_by("path"))
        context["agencies"] = agencies
        return context


# --- An agency's 政府信息公开 column --------------------------------------------------------------------------

def _agency_context(request, code, current):
    agency = get_object_or_404(public_agencies(), code=code)
    return agency, {
        "agency": agency, "ancestors": agency.ancestors(), "current": current,
        "crumb": next((label for key, label, _name in SUB_COLUMNS if key == current), None),
        "sub_columns": [(key, label, reverse(name, args=[agency.code])) for key, label, name in SUB_COLUMNS],
    }


def agency_detail(request, code):
    agency, context = _agency_context(request, code, None)
    context["children"] = public_agencies().filter(parent=agency).order_by("sort_order", "name")
    context["latest"] = list(documents_of(agency)[:10])
    return render(request, "portal/agency_detail.html", context)


DEFAULT_GUIDE = {
    "intro": "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》（以下简称《条例》），"
             "编制本指南。申请人在获取政府信息前，请仔细阅读本指南。",
    "classification": "本机关主动公开的政府信息按《条例》第二十条、第二十一条规定的事项分类，并按主题分类、"
                      "体裁分类和发布年份编排，每条信息标注索引号、名称、内容概述、生成日期等目录信息。"
                      "政府信息公开专栏设政府信息公开指南、政府信息公开制度、法定主动公开内容、"
                      "政府信息公开工作年度报告四个栏目。",
    "access_methods": "主动公开的政府信息可以在本网站政府信息公开专栏查阅、检索和下载，"
                      "也可以到本机关设立的政府信息公开查阅场所查阅。"
                      "需要获取本机关未主动公开的政府信息的，可以通过网络、信函、传真或者当面提交的方式，"
                      "向本机关政府信息公开工作机构提出申请（《条例》第二十七条至第二十九条）。"
                      "申请人认为本机关在政府信息公开工作中侵犯其合法权益的，"
                      "可以依法申请行政复议或者提起行政诉讼。",
}


def agency_guide(request, code):
    agency, context = _agency_context(request, code, "guide")
    guide = DisclosureGuide.objects.filter(agency=agency).first()
    sections = {name: (getattr(guide, name, "") or "").strip() or default for name, default in DEFAULT_GUIDE.items()}
    # The contact block lives on the Agency: the guide is as recent as the newer of the two.
    updated = max(filter(None, [agency.updated_at, guide.updated_at if guide else None]))
    context.update({"guide": guide, "sections": sections, "updated": updated})
    return render(request, "portal/agency_guide.html", context)


def agency_system(request, code):
    agency, context = _agency_context(request, code, "system")
    guide = DisclosureGuide.objects.filter(agency=agency).first()
    documents = (public_documents().filter(pk__in=guide.system_documents.values("pk")) if guide
                 else Document.objects.none())
    context["documents"] = list(documents)
    return render(request, "portal/agency_system.html", context)


def agency_reports(request, code):
    agency, context = _agency_context(request, code, "reports")
    # The reports published on the platform first, then those published as catalogue documents before it.
    context["reports"] = agency_report_rows(agency)
    context["page"] = paginate(documents_of(agency).filter(genre__code=ANNUAL_REPORT_GENRE), request.GET.get("page"))
    return render(request, "portal/agency_reports.html", context)


def _browse_filters(request):
    """Theme, genre and year inside an agency's 法定主动公开内容."""
    filters = parse_filters(request.GET, allow=("topic", "genre", "year"))
    return filters, {"filters": filters, "topics": Topic.objects.all(), "genres": Genre.objects.all(),
                     "years": year_choices()}


def agency_statutory(request, code):
    agency, context = _agency_context(request, code, "statutory")
    filters, filter_context = _browse_filters(request)
    context.update(filter_context)
    documents = filters.apply(documents_of(agency))
    # One GROUP BY for the 15 items; every item is listed, an empty one as 暂无信息 (the statutory items
    # rule, docs/law/web.md §1).
    stats = {row["statutory_item"]: row for row in documents.order_by()
             .values("statutory_item").annotate(n=Count("id"), latest=Max("published_on"))}
    context["items"] = [(item, stats.get(item.value, {}).get("n", 0), stats.get(item.value, {}).get("latest"))
                        for item in StatutoryItem]
    local = local_items_for(agency)
    local_counts = dict.fromkeys(local, 0)
    local_latest = {}
    if local:
        for items, published_on in documents.exclude(local_items=[]).order_by().values_list("local_items",
                                                                                             "published_on"):
            for item in items or []:
                if item in local_counts:
                    local_counts[item] += 1
                    local_latest[item] = max(local_latest.get(item, published_on), published_on)
    context["local_items"] = [(LocalItem(item), local_counts[item], local_latest.get(item)) for item in local]
    context["page"] = paginate(documents, request.GET.get("page")) if filters.any else None
    return render(request, "portal/agency_statutory.html", context)


def agency_item(request, code, item):
    if item not in StatutoryItem.values:
        raise Http404("没有这个事项")
    agency, context = _agency_context(request, code, "statutory")
    filters, filter_context = _browse_filters(request)
    context.update(filter_context)
    context["item_label"] = StatutoryItem(item).label
    context["item_heading"] = f"第二十条{StatutoryItem(item).label}"
    context["feed_url"] = reverse("portal:feed_agency_item", args=[agency.code, item])
    context["page"] = paginate(filters.apply(documents_of(agency).filter(statutory_item=item)),
                               request.GET.get("page"))
    return render(request, "portal/agency_item.html", context)


def agency_local_item(request, code, item):
    agency, context = _agency_context(request, code, "statutory")
    if item not in local_items_for(agency):
        raise Http404("没有这个事项")
    filters, filter_context = _browse_filters(request)
    context.update(filter_context)
    context["item_label"] = LocalItem(item).label
    context["item_heading"] = f"第二十一条 · {LocalItem(item).label}"
    context["page"] = paginate(filters.apply(with_local_item(documents_of(agency), item)), request.GET.get("page"))
    return render(request, "portal/agency_item.html", context)


# --- Region-wide catalogue ------------------------------------------------------------------------------------

def catalogue(request):
    filters = parse_filters(request.GET)
    # The region-wide total is worth one exact (cached) count; filtered lists count only up to COUNT_CAP.
    page = paginate(filters.apply(public_documents()), request.GET.get("page"), exact_count=not filters.any,
                    count=None if filters.any else public_total())
    return render(request, "portal/catalogue.html", {
        "filters": filters, "page": page, "agencies": public_agencies().order_by("path"),
        "topics": Topic.objects.all(), "genres": Genre.objects.all(), "items": list(StatutoryItem),
        "years": year_choices(), "validities": list(Validity),
    })


# --- Document page, print view, attachments -------------------------------------------------------------------

def _withdrawn(request):
    return error_page(request, 410, "信息已撤回", "您访问的政府信息已被发布机关撤回，不再公开。")


def document_detail(request, pk):
    document = get_object_or_404(Document.objects.select_related("publisher", "genre", "topic", "replaced_by"), pk=pk)
    status = public_status(document)
    if status == 410:
        return _withdrawn(request)
    if status:
        raise Http404("该信息未公开")
    replacement = document.replaced_by if document.replaced_by and document.replaced_by.is_public else None
    interpretations = interpretations_of(document)
    interpreted = interpreted_by(document)
    # Same agency and theme first, then the theme region-wide; what is already linked above is not repeated.
    shown = [document.pk, *[d.pk for d in interpretations + interpreted]]
    related = list(public_documents().filter(publisher=document.publisher_id, topic=document.topic_id)
                   .exclude(pk__in=shown)[:5]) if document.topic_id else []
    if len(related) < 5 and document.topic_id:
        related += list(public_documents().filter(topic=document.topic_id)
                        .exclude(pk__in=shown + [d.pk for d in related])[:5 - len(related)])
    return render(request, "portal/document.html", {
        "document": document, "replacement": replacement, "interpretations": interpretations,
        "interpreted": interpreted, "related": related,
        "attachments": list(document.attachments.all()),
        "co_publishers": list(document.co_publishers.all()),
        "print_view": request.GET.get("print") == "1", "pub_date": pub_date(document),
        "canonical_url": request.build_absolute_uri(reverse("portal:document", args=[document.pk])),
        "validity_banner": document.validity != Validity.IN_FORCE,
        "item_label": StatutoryItem(document.statutory_item).label if document.statutory_item else "",
    })


def pub_date(document) -> str:
    """PubDate of the meta tags rule (docs/law/web.md §1). An imported catalogue's items keep their original
    发布日期 but were stamped today, so the time is shown only when it belongs to that date."""
    if document.published_at and timezone.localtime(document.published_at).date() == document.published_on:
        return timezone.localtime(document.published_at).strftime("%Y-%m-%d %H:%M")
    return document.published_on.isoformat() if document.published_on else ""


def attachment_download(request, pk):
    """Attachments are served here, never from MEDIA_URL, so a withdrawn or unpublished document's files
    are not reachable by a remembered address."""
    attachment = get_object_or_404(Attachment.objects.select_related("document"), pk=pk)
    status = public_status(attachment.document)
    if status == 410:
        return _withdrawn(request)
    if status:
        raise Http404("该附件未公开")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在") from exc
    # Always a download (Content-Disposition: attachment). A PDF flagged at upload for JavaScript or automatic
    # actions (catalog.attachments) also goes out as application/octet-stream, so that no browser offers to
    # open it in its own viewer; and should any browser render a file anyway, the sandbox policy runs nothing.
    content_type = attachment.content_type or "application/octet-stream"
    if attachment.active_content:
        content_type = "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Search ---------------------------------------------------------------------------------------------------

def _snippet(html: str):
    # The backend promises escaped text with <mark>; keep exactly that much HTML whatever it returns.
    return mark_safe(nh3.clean(html or "", tags={"mark"}, attributes={}))  # noqa: S308 - sanitised just above


def search(request):
    text = " ".join((request.GET.get("q") or "").split())
    filters = parse_filters(request.GET)
    order = "date" if request.GET.get("order") == "date" else "relevance"
    context = {
        "q": text, "filters": filters, "order": order, "agencies": public_agencies().order_by("path"),
        "topics": Topic.objects.all(), "genres": Genre.objects.all(), "items": list(StatutoryItem),
        "years": year_choices(), "validities": list(Validity), "max_length": MAX_QUERY_LENGTH,
        "searched": False,
    }
    if "q" in request.GET and not text:
        context["message"] = "请输入检索词。"
    elif len(text) > MAX_QUERY_LENGTH:
        context["message"] = f"检索词过长：最多 {MAX_QUERY_LENGTH} 个字，请精简后重试。"
    elif text:
        per_page = 20
        number = max(1, min(int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1, 50))
        query = search_services.SearchQuery(
            text=text, agency_path=filters.agency.path if filters.agency else None,
            topic_id=filters.topic.pk if filters.topic else None,
            genre_code=filters.genre.code if filters.genre else None, statutory_item=filters.item,
            year_from=filters.year_from, year_to=filters.year_to, validity=filters.validity, order=order,
            offset=(number - 1) * per_page, limit=per_page)
        result = search_services.search(query)
        # Re-check against the database: the index may lag a withdrawal by a moment.
        documents = public_documents().in_bulk([hit.document_id for hit in result.hits])
        hits = [(hit, documents[hit.document_id], _snippet(hit.snippet_html)) for hit in result.hits
                if hit.document_id in documents]
        pages = min(50, (result.total + per_page - 1) // per_page)
        context.update({"searched": True, "total": result.total, "hits": hits, "number": number, "pages": pages,
                        "took_ms": result.took_ms, "start": (number - 1) * per_page + 1,
                        "previous": number - 1 if number > 1 else None,
                        "next": number + 1 if number < pages else None})
    return render(request, "portal/search.html", context)


# --- Errors ---------------------------------------------------------------------------------------------------

def bad_request(request, exception=None):
    return error_page(request, 400, "请求有误", "您提交的内容无法处理，请检查后重试。")


def permission_denied(request, exception=None):
    return error_page(request, 403, "没有访问权限", "您没有访问此页面的权限。如需开通，请联系本单位政务公开工作机构。")


def page_not_found(request, exception=None):
    return error_page(request, 404, "页面不存在", "您访问的页面不存在或已被撤回。")


def server_error(request):
    # Rendered without the request's context processors: whatever broke the page may break them too.
    return HttpResponseServerError(loader.get_template("portal/500.html").render())
