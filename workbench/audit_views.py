"""The audit trail viewed by staff: a filtered list and one entry, scoped by orgs (Capability.AUDIT_VIEW).
The templates stay in audit/templates/audit/."""

from datetime import datetime, time

from django import forms
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.views.generic import TemplateView

from audit.actions import ACTION_LABELS
from audit.models import AuditEntry, AuditVerification
from orgs.models import Agency
from orgs.scoping import Capability, ScopedObjectMixin, StaffRequiredMixin, scope_for, scoped_agencies
from report_formats.validation import ALL_CELLS, describe_cell


def visible_entries(user):
    """The audit entries of the user's subtree; entries with no agency are platform-level (admins only)."""
    scope = scope_for(user, Capability.AUDIT_VIEW)
    if scope.is_empty:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(scope.path_q("agency_path", "agency_id"))


# Keys the apps' audit snapshots use that are not model fields (workbench/tests/test_no_raw_codes.py finds new ones).
SNAPSHOT_LABELS = {"publication_pending": "公开待审核"}


class AuditFilterForm(forms.Form):
    agency = forms.ModelChoiceField(label="机构（含下级）", queryset=Agency.objects.none(), required=False,
                                    empty_label="全部")
    action = forms.CharField(label="操作", required=False, max_length=80, help_text="如“发布文件”，或操作代码")
    actor = forms.CharField(label="操作人", required=False, max_length=150, help_text="姓名或账号")
    object_type = forms.CharField(label="对象类型", required=False, max_length=100)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = scoped_agencies(user, Capability.AUDIT_VIEW).order_by("path")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data

    def filter(self, entries):
        data = self.cleaned_data
        if data.get("agency"):
            entries = entries.filter(agency_path__startswith=data["agency"].path)
        if data.get("action"):
            text = data["action"].strip()
            named = [code for code, label in ACTION_LABELS.items() if text in label]
            entries = entries.filter(Q(action__contains=text) | Q(action__in=named))
        if data.get("actor"):
            text = data["actor"].strip()
            people = [u.pk for u in get_user_model().objects.only("pk", "first_name", "last_name")
                      if text in u.get_full_name()]
            entries = entries.filter(Q(actor_label__contains=text) | Q(actor_id__in=people))
        if data.get("object_type"):
            entries = entries.filter(object_type__contains=data["object_type"])
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, tz))
        if data.get("date_to"):
            entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, tz))
        return entries


class AuditListView(StaffRequiredMixin, TemplateView):
    capability = Capability.AUDIT_VIEW
    template_name = "audit/entry_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None, user=self.request.user)
        entries = visible_entries(self.request.user)
        if form.is_bound and form.is_valid():
            entries = form.filter(entries)
        elif form.is_bound:
            entries = entries.none()
        context["form"] = form
        # Platform-wide: the chain has no per-agency part. The message names an entry's number, not its content.
        context["verification"] = AuditVerification.objects.order_by("-at", "-id").first()
        context["page"] = Paginator(entries.select_related("actor", "agency").order_by("-at", "-id"), 50).get_page(self.request.GET.get("page"))
        return context


class AuditDetailView(ScopedObjectMixin, TemplateView):
    model = AuditEntry
    capability = Capability.AUDIT_VIEW
    template_name = "audit/entry_detail.html"

    def get_scope_queryset(self):
        return visible_entries(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = context["entry"] = self.get_object()
        try:
            model_fields = [f for f in django_apps.get_model(entry.object_type)._meta.get_fields()
                            if hasattr(f, "verbose_name")]
        except (LookupError, ValueError):
            model_fields = []
        fields = {**SNAPSHOT_LABELS, **{f.name: str(f.verbose_name) for f in model_fields}}
        choices = {f.name: {k: str(v) for k, v in f.flatchoices} for f in model_fields if getattr(f, "choices", None)}

        def word(name, value):
            return choices.get(name, {}).get(value, value) if isinstance(value, str) else value

        # Field names, report cell ids and coded values in words; the name stays in the row's tooltip.
        context["changes"] = [(fields.get(name) or (describe_cell(name) if name in ALL_CELLS else name), name,
                               word(name, before), word(name, after))
                              for name, before, after in entry.changed_fields()]
        return context
