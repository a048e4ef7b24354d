"""Workbench editor of each agency's 政府信息公开指南 (its three texts) and 政府信息公开制度 (the documents listed
in that column). The agency is looked up in the user's 审核 scope (orgs.scoping), so another county's agency
is a 404; every change goes through portal.services. Works without JavaScript: the texts are one form, the
current 制度 documents another (tick to remove), and a GET search box finds the agency's public documents to add."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from orgs.models import Agency
from orgs.scoping import Capability, ScopedObjectMixin, StaffRequiredMixin, has_capability, scoped_agencies
from orgs.views import apply_validation_error

from . import services
from .models import DisclosureGuide
from .views import DEFAULT_GUIDE

MAX_RESULTS = 50
MAX_QUERY_LENGTH = 100


class GuideForm(forms.Form):
    """Labels and placeholders only: the length and content rules live in portal.services."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for number, (name, label) in enumerate(services.GUIDE_TEXTS.items(), start=1):
            self.fields[name] = forms.CharField(
                label=f"{'一二三'[number - 1]}、{label}", required=False, strip=False,
                help_text=f"留空则显示默认文字（即框内的灰色文字）；最多 {services.MAX_TEXT_LENGTH} 个字，空一行即另起一段。",
                widget=forms.Textarea(attrs={"rows": 8, "placeholder": DEFAULT_GUIDE[name],
                                             "maxlength": services.MAX_TEXT_LENGTH}))


class GuideListView(StaffRequiredMixin, TemplateView):
    capability = Capability.CATALOG_REVIEW
    template_name = "portal/staff/guide_list.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agencies = (scoped_agencies(self.request.user, Capability.CATALOG_REVIEW)
                    .filter(dissolved_on__isnull=True).select_related("disclosure_guide")
                    .annotate(n_system=Count("disclosure_guide__system_documents")).order_by("path"))
        page = Paginator(agencies, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = [(agency, getattr(agency, "disclosure_guide", None)) for agency in page]
        context.update(page=page, rows=rows)
        return context


class GuideEditView(ScopedObjectMixin, TemplateView):
    model = Agency
    scope_field = ""
    capability = Capability.CATALOG_REVIEW
    pk_url_kwarg = "agency_id"
    template_name = "portal/staff/guide_edit.html"

    def get(self, request, *args, **kwargs):
        self.agency = self.get_object()
        guide = DisclosureGuide.objects.filter(agency=self.agency).first()
        form = GuideForm(initial={name: getattr(guide, name) for name in services.GUIDE_TEXTS} if guide else None)
        return self.render_to_response(self.get_context_data(form=form, guide=guide))

    def post(self, request, *args, **kwargs):
        self.agency = self.get_object()
        action = request.POST.get("action")
        if action == "texts":
            return self._save_texts(request)
        if action in ("add", "remove"):
            return self._change_documents(request, action)
        return self._render(GuideForm(), documents_error="无法识别的操作，请重新提交。")

    def _render(self, form, **extra):
        guide = DisclosureGuide.objects.filter(agency=self.agency).first()
        if guide and not form.is_bound:
            form = GuideForm(initial={name: getattr(guide, name) for name in services.GUIDE_TEXTS})
        return self.render_to_response(self.get_context_data(form=form, guide=guide, **extra))

    def _back(self, query: str):
        url = reverse("portal_staff:edit", kwargs={"agency_id": self.agency.pk})
        return redirect(f"{url}?{urlencode({'q': query})}#system" if query else url)

    def _save_texts(self, request):
        form = GuideForm(request.POST)
        if form.is_valid():
            try:
                services.save_guide(self.agency, user=request.user, **{
                    name: form.cleaned_data[name] for name in services.GUIDE_TEXTS})
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "已保存政府信息公开指南。")
                return self._back("")
        return self._render(form)

    def _change_documents(self, request, action):
        chosen = request.POST.getlist(action)
        query = _query(request.POST.get("q"))[0]
        if not chosen:
            error = "请先勾选要加入的文件。" if action == "add" else "请先勾选要移出的文件。"
            return self._render(GuideForm(), documents_error=error, q_override=query)
        try:
            services.change_system_documents(self.agency, user=request.user, **{action: chosen})
        except ValidationError as error:
            return self._render(GuideForm(), documents_error="".join(error.messages), q_override=query)
        verb = "加入" if action == "add" else "移出"
        messages.success(request, f"已{verb} {len(set(chosen))} 件政府信息公开制度文件。")
        return self._back(query)

    def get_context_data(self, **kwargs):
        query, query_error = _query(kwargs.pop("q_override", None) or self.request.GET.get("q"))
        context = super().get_context_data(**kwargs)
        agency, user, guide = self.agency, self.request.user, kwargs.get("guide")
        selected = list(guide.system_documents.select_related("genre").order_by("-published_on", "-id")) if guide else []
        selected_ids = {d.pk for d in selected}
        results, more = [], False
        if query and not query_error:
            found = list(services.choosable_documents(agency).filter(title__contains=query)
                         .order_by("-published_on", "-id")[:MAX_RESULTS + 1])
            results, more = found[:MAX_RESULTS], len(found) > MAX_RESULTS
        context.update(
            agency=agency,
            selected=selected,
            results=[(d, d.pk in selected_ids) for d in results],
            more=more, q=query, query_error=query_error, searched=bool(query) and not query_error,
            max_results=MAX_RESULTS, max_query_length=MAX_QUERY_LENGTH,
            public=agency.is_active_on(timezone.localdate()),
            can_manage_agency=has_capability(user, Capability.ORGS_MANAGE, agency),
            can_view_agency=has_capability(user, Capability.ORGS_VIEW, agency),
        )
        return context


def _query(raw) -> tuple[str, str]:
    text = " ".join((raw or "").split()) if isinstance(raw, str) else ""
    if "\x00" in text:
        return "", "检索词含有无效字符，请重新输入。"
    if len(text) > MAX_QUERY_LENGTH:
        return "", f"检索词过长：最多 {MAX_QUERY_LENGTH} 个字，请精简后重试。"
    return text, ""
