from django.db.models import Count
from django.http import HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils import timezone
from django.views.generic import TemplateView

from orgs.models import Agency, AgencyKind, AgencyLevel


def public_agencies():
    """Agencies shown to the public: those not dissolved by a reorganisation."""
    return Agency.objects.active_on(timezone.localdate())


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agencies = list(public_agencies().filter(depth__lte=2).order_by("path"))
        root = agencies[0] if agencies else None
        context["root"] = root
        context["groups"] = group_agencies([a for a in agencies if a is not root])
        return context


def group_agencies(agencies):
    """The usual grouping of a government portal's agency directory."""
    groups = {"政府及办公室": [], "政府部门": [], "直属事业单位": [], "乡镇（街道）": [], "其他": []}
    for agency in agencies:
        if agency.level == AgencyLevel.TOWNSHIP:
            groups["乡镇（街道）"].append(agency)
        elif agency.kind == AgencyKind.PUBLIC_INSTITUTION:
            groups["直属事业单位"].append(agency)
        elif agency.kind == AgencyKind.GOVERNMENT:
            groups["政府及办公室"].append(agency)
        elif agency.kind == AgencyKind.DEPARTMENT:
            groups["政府部门"].append(agency)
        else:
            groups["其他"].append(agency)
    return [(name, items) for name, items in groups.items() if items]


class AgencyListView(TemplateView):
    template_name = "portal/agency_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agencies = list(public_agencies().annotate(n_children=Count("children")).order_by("path"))
        context["agencies"] = agencies
        return context


def agency_detail(request, code):
    agency = get_object_or_404(public_agencies(), code=code)
    children = public_agencies().filter(parent=agency).order_by("sort_order", "name")
    return render(request, "portal/agency_detail.html", {
        "agency": agency, "children": children, "ancestors": agency.ancestors(),
    })


def _error(request, status, title, text):
    return render(request, "portal/error.html", {"title": title, "text": text, "status": status}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "请求有误", "您提交的内容无法处理，请检查后重试。")


def permission_denied(request, exception=None):
    return _error(request, 403, "没有访问权限", "您没有访问此页面的权限。如需开通，请联系本单位政务公开工作机构。")


def page_not_found(request, exception=None):
    return _error(request, 404, "页面不存在", "您访问的页面不存在或已被撤回。")


def server_error(request):
    # Rendered without the request's context processors: whatever broke the page may break them too.
    return HttpResponseServerError(loader.get_template("portal/500.html").render())
