from django import forms
from django.contrib.auth import get_user_model

from .models import Agency, Role, SuccessionKind
from .services import AGENCY_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class AgencyForm(forms.ModelForm):
    """Validation happens twice on purpose: here for the form's messages, and again in the service, which
    is the boundary every other caller (import, API, commands) also passes."""

    class Meta:
        model = Agency
        fields = [f for f in AGENCY_FIELDS if f != "dissolved_on"]
        widgets = {"established_on": DateInput()}

    def __init__(self, *args, parent_choices=None, parent_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_choices is not None:
            self.fields["parent"].queryset = parent_choices
            self.fields["supervisor"].queryset = parent_choices
        self.fields["parent"].required = parent_required
        if self.instance.pk:
            # Moving an agency below its own descendant would make a cycle.
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(path__startswith=self.instance.path)

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper() or None


class ReorganiseForm(forms.Form):
    kind = forms.ChoiceField(label="改革类型", choices=SuccessionKind.choices)
    successors = forms.ModelMultipleChoiceField(label="继任机构", queryset=Agency.objects.none(),
                                                help_text="合并、更名、撤销选一个；拆分选两个以上。")
    primary_successor = forms.ModelChoiceField(label="承接未结事项的继任机构", queryset=Agency.objects.none(),
                                               required=False, help_text="拆分时必填。")
    effective_on = forms.DateField(label="生效日期", widget=DateInput())
    note = forms.CharField(label="说明（文件依据）", max_length=300, required=False)

    def __init__(self, *args, successor_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successors"].queryset = successor_choices
        self.fields["primary_successor"].queryset = successor_choices


class GrantRoleForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    role = forms.ChoiceField(label="角色")

    def __init__(self, *args, allow_platform_admin=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(v, label) for v, label in Role.choices
                                       if allow_platform_admin or v != Role.PLATFORM_ADMIN]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise forms.ValidationError(f"用户“{username}”不存在或已停用。") from exc


class ImportForm(forms.Form):
    file = forms.FileField(label="机构表文件（XLSX 或 CSV）")
    scope_root = forms.ModelChoiceField(label="导入范围", queryset=Agency.objects.none(), required=False,
                                        empty_label="全平台",
                                        help_text="文件中的每个机构都必须在所选机构之下。")
    dry_run = forms.BooleanField(label="只检查，不写入", required=False, initial=True)

    def __init__(self, *args, scope_roots, allow_everywhere, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_root"].queryset = scope_roots
        self.fields["scope_root"].required = not allow_everywhere
