"""Workbench pages for agencies, reorganisations and roles. Every object is looked up through the
user's scope (orgs.scoping); every change goes through orgs.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from . import services
from .forms import AgencyForm, GrantRoleForm, ImportForm, ReorganiseForm
from .models import Agency, Role, RoleAssignment
from .scoping import (
    Capability,
    ScopedObjectMixin,
    StaffRequiredMixin,
    has_capability,
    is_platform_admin,
    scope_for,
    scoped_agencies,
)
from .transfer import export_agencies, import_agencies


def apply_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def scope_roots(user, capability):
    """The agencies at the top of the user's subtrees for `capability` (for import and creation)."""
    scope = scope_for(user, capability)
    if scope.everywhere:
        return Agency.objects.filter(parent__isnull=True)
    return Agency.objects.filter(Q(path__in=scope.subtree_paths) | Q(pk__in=scope.agency_ids))


class AgencyListView(StaffRequiredMixin, TemplateView):
    capability = Capability.ORGS_VIEW
    template_name = "orgs/agency_list.html"
    paginate_by = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agencies = scoped_agencies(self.request.user, Capability.ORGS_VIEW).order_by("path")
        query = self.request.GET.get("q", "").strip()
        if query:
            agencies = agencies.filter(Q(name__contains=query) | Q(short_name__contains=query)
                                       | Q(code__contains=query) | Q(credit_code__contains=query.upper()))
        if not self.request.GET.get("dissolved"):
            agencies = agencies.filter(dissolved_on__isnull=True)
        page = Paginator(agencies, self.paginate_by).get_page(self.request.GET.get("page"))
        min_depth = min((a.depth for a in page), default=0)
        context.update(page=page, query=query, min_depth=min_depth,
                       can_manage=has_capability(self.request.user, Capability.ORGS_MANAGE),
                       show_dissolved=bool(self.request.GET.get("dissolved")))
        return context


class AgencyDetailView(ScopedObjectMixin, TemplateView):
    model = Agency
    scope_field = ""
    capability = Capability.ORGS_VIEW
    template_name = "orgs/agency_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agency = self.get_object()
        user = self.request.user
        context.update(
            agency=agency,
            ancestors=agency.ancestors(),
            children=agency.children.order_by("sort_order", "name"),
            successions_in=agency.successions_in.select_related("predecessor"),
            successions_out=agency.successions_out.select_related("successor"),
            can_manage=has_capability(user, Capability.ORGS_MANAGE, agency),
            can_manage_roles=has_capability(user, Capability.ROLES_MANAGE, agency),
            can_view_audit=has_capability(user, Capability.AUDIT_VIEW, agency),
        )
        return context


class AgencyCreateView(StaffRequiredMixin, FormView):
    capability = Capability.ORGS_MANAGE
    template_name = "orgs/agency_form.html"
    form_class = AgencyForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["parent_choices"] = scoped_agencies(self.request.user, Capability.ORGS_MANAGE).order_by("path")
        # Only a platform admin may create a new root (a new region).
        kwargs["parent_required"] = not is_platform_admin(self.request.user)
        return kwargs

    def get_initial(self):
        return {"parent": self.request.GET.get("parent")}

    def form_valid(self, form):
        fields = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        try:
            agency = services.create_agency(**fields)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已新建机构“{agency.name}”。")
        return redirect("orgs:detail", pk=agency.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="新建机构", **kwargs)


class AgencyFormView(ScopedObjectMixin, FormView):
    """A form about one agency of the user's scope (looked up before anything else, so a foreign one is 404)."""

    model = Agency
    scope_field = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("agency", self.object)
        return super().get_context_data(**kwargs)


class AgencyUpdateView(AgencyFormView):
    capability = Capability.ORGS_MANAGE
    template_name = "orgs/agency_form.html"
    form_class = AgencyForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Agency.objects.get(pk=self.object.pk)  # a copy the form may mutate
        kwargs["parent_choices"] = scoped_agencies(self.request.user, Capability.ORGS_MANAGE).order_by("path")
        kwargs["parent_required"] = self.object.parent_id is not None and not is_platform_admin(self.request.user)
        return kwargs

    def form_valid(self, form):
        changes = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        try:
            agency = services.update_agency(self.object, **changes)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存“{agency.name}”。")
        return redirect("orgs:detail", pk=agency.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"修改机构：{self.object.name}", **kwargs)


class AgencyReorganiseView(AgencyFormView):
    capability = Capability.ORGS_MANAGE
    template_name = "orgs/agency_reorganise.html"
    form_class = ReorganiseForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["successor_choices"] = (scoped_agencies(self.request.user, Capability.ORGS_MANAGE)
                                       .filter(dissolved_on__isnull=True).exclude(pk=self.object.pk).order_by("path"))
        kwargs["initial"] = {"effective_on": timezone.localdate()}
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.reorganise(data["kind"], [self.object], list(data["successors"]), data["effective_on"],
                                note=data["note"], primary_successor=data["primary_successor"])
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已登记“{self.object.name}”的机构改革，自{data['effective_on']}起生效。")
        return redirect("orgs:detail", pk=self.object.pk)



class AgencyRolesView(AgencyFormView):
    capability = Capability.ROLES_MANAGE
    template_name = "orgs/agency_roles.html"
    form_class = GrantRoleForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["allow_platform_admin"] = False  # platform admins are made in the Django admin
        return kwargs

    def form_valid(self, form):
        user = form.cleaned_data["username"]
        role = Role(form.cleaned_data["role"])
        services.grant_role(user, role, self.object, granted_by=self.request.user)
        messages.success(self.request, f"已授予 {user.get_username()}“{role.label}”角色。")
        return redirect("orgs:roles", pk=self.object.pk)

    def get_context_data(self, **kwargs):
        assignments = self.object.role_assignments.select_related("user", "granted_by").order_by("role")
        return super().get_context_data(assignments=assignments, **kwargs)


class RoleRevokeView(ScopedObjectMixin, View):
    model = RoleAssignment
    scope_field = "agency"
    capability = Capability.ROLES_MANAGE
    http_method_names = ["post"]

    def post(self, request, pk):
        assignment = self.get_object()
        if assignment.user_id == request.user.pk and assignment.role == Role.OFFICE_HEAD:
            raise PermissionDenied("不能撤销自己的公开办负责人角色，请由上级或平台管理员办理。")
        agency = assignment.agency
        services.revoke_role(assignment)
        messages.success(request, f"已撤销 {assignment.user.get_username()} 的“{assignment.get_role_display()}”角色。")
        return redirect("orgs:roles", pk=agency.pk)


class AgencyExportView(StaffRequiredMixin, View):
    capability = Capability.ORGS_VIEW
    http_method_names = ["get"]

    def get(self, request):
        fmt = request.GET.get("format", "xlsx")
        if fmt not in ("xlsx", "csv"):
            fmt = "xlsx"
        queryset = scoped_agencies(request.user, Capability.ORGS_VIEW).order_by("path")
        content_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                        else "text/csv; charset=utf-8")
        response = HttpResponse(export_agencies(queryset, fmt), content_type=content_type)
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="agencies-{stamp}.{fmt}"'
        return response


class AgencyImportView(StaffRequiredMixin, FormView):
    capability = Capability.ORGS_MANAGE
    template_name = "orgs/agency_import.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["scope_roots"] = scope_roots(self.request.user, Capability.ORGS_MANAGE).order_by("path")
        kwargs["allow_everywhere"] = is_platform_admin(self.request.user)
        return kwargs

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        # The upload itself: read_table refuses it by its size before reading it.
        result = import_agencies(upload, upload.name, dry_run=form.cleaned_data["dry_run"],
                                 scope_root=form.cleaned_data["scope_root"])
        if result.ok and not form.cleaned_data["dry_run"]:
            messages.success(self.request, "导入完成。")
        return self.render_to_response(self.get_context_data(form=form, result=result,
                                                             dry_run=form.cleaned_data["dry_run"]))

