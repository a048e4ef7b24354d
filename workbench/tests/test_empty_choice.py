"""Drop-downs prompt "请选择…", not Django's "---------" (issue 19)."""

from django import forms

from orgs.models import Agency, RoleAssignment


def test_model_choice_fields_and_model_choices_prompt_in_chinese(db):
    class Pick(forms.Form):
        agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False)

    class Assign(forms.ModelForm):
        class Meta:
            model = RoleAssignment
            fields = ["role", "agency"]

    for form in (Pick(), Assign()):
        html = form.as_p()
        assert "请选择…" in html and "---------" not in html
