from django import forms
from django.utils import timezone

from gongkai.public_forms import DateInput, PlainForm
from orgs.models import Agency

from .models import Appeal, AppealKind, AppealResult


class AppealForm(PlainForm):
    agency = forms.ModelChoiceField(label="被申请人（机关）", queryset=Agency.objects.none())
    kind = forms.ChoiceField(label="类型", choices=AppealKind.choices, widget=forms.RadioSelect)
    request_number = forms.CharField(label="相关申请的受理编号（选填）", max_length=40, required=False,
                                     help_text="针对依申请公开的答复或不作为提起的，填写该申请的受理编号。")
    document_index = forms.CharField(label="相关政府信息的索引号（选填）", max_length=80, required=False,
                                     help_text="针对主动公开的政府信息提起的，填写该信息的索引号。")
    prior_review = forms.ModelChoiceField(label="此前的行政复议（复议后起诉必填）", required=False,
                                          queryset=Appeal.objects.none())
    subject = forms.CharField(label="案由", max_length=300)
    body = forms.CharField(label="复议机关或法院", max_length=200)
    case_number = forms.CharField(label="案号", max_length=100, required=False)
    filed_on = forms.DateField(label="申请或起诉日期", widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, agencies, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["prior_review"].queryset = reviews
        self.fields["prior_review"].label_from_instance = (
            lambda a: f"{a.case_number or '（无案号）'} {a.subject}（{a.agency.display_name}，{a.filed_on:%Y-%m-%d}）")

    def clean_request_number(self):
        return "".join(self.cleaned_data["request_number"].split()).upper()

    def clean_document_index(self):
        return self.cleaned_data["document_index"].strip()


class DecideForm(PlainForm):
    result = forms.ChoiceField(label="结果", choices=AppealResult.choices)
    decided_on = forms.DateField(label="决定或判决日期", widget=DateInput(), required=False)
    decision_summary = forms.CharField(label="决定或判决要旨", max_length=5000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    case_number = forms.CharField(label="案号（补录或更正）", max_length=100, required=False)


class AppealFilterForm(PlainForm):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *AppealKind.choices])
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *AppealResult.choices])
    agency = forms.ModelChoiceField(label="机关", required=False, queryset=Agency.objects.none(), empty_label="全部")
    year = forms.TypedChoiceField(label="年度（申请或起诉）", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, agencies, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["year"].choices = [("", "全部"), *[(y, f"{y}年") for y in years]]
