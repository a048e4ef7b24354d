from django import forms

from .models import (
    Document,
    DocumentKind,
    DocumentStatus,
    InterpretationForm,
    LocalItem,
    PersonalDataDecision,
    PublicationChannel,
    Validity,
)
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class DocumentForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(label="公开渠道", choices=PublicationChannel.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    local_items = forms.MultipleChoiceField(label="第二十一条事项", choices=LocalItem.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    interpretation_forms = forms.MultipleChoiceField(label="解读形式（仅政策解读）", choices=InterpretationForm.choices,
                                                     required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Document
        fields = EDITABLE_FIELDS
        widgets = {
            "written_on": DateInput(), "formed_or_changed_on": DateInput(), "generated_on": DateInput(),
            "effective_from": DateInput(), "effective_to": DateInput(), "review_due_on": DateInput(),
            "body": forms.Textarea(attrs={"rows": 14}), "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"body": "可粘贴带格式的文本；脚本、事件属性和外部框架会被自动去除。",
                      "document_number": "例如：盐政办发〔2018〕61号；[]、()、（）会自动规范为〔〕。"}

    def __init__(self, *args, publisher_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if publisher_choices is not None:
            self.fields["publisher"] = forms.ModelChoiceField(label="发布机构", queryset=publisher_choices)
            self.order_fields(["publisher", *EDITABLE_FIELDS])


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label="变更为", choices=[(v, label) for v, label in Validity.choices
                                                        if v != Validity.IN_FORCE])
    on = forms.DateField(label="生效日期", widget=DateInput())
    replaced_by = forms.ModelChoiceField(label="替代文件（可选）", queryset=Document.objects.none(), required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, replacement_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaced_by"].queryset = replacement_choices


class InterpretationLinkForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(label="被解读的文件", queryset=Document.objects.none())

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = choices


class PiiDecisionForm(forms.Form):
    """保密审查: the decision on one personal-data hit (catalog.pii_review)."""

    source = forms.CharField(max_length=40, widget=forms.HiddenInput)
    kind = forms.CharField(max_length=16, widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="决定", choices=PersonalDataDecision.Decision.choices,
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="说明", max_length=300, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件（PDF、DOCX、XLSX、OFD、WPS、图片）")


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label="标题或文号", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", required=False)
    kind = forms.ChoiceField(label="文件种类", required=False,
                             choices=[("", "全部"), *DocumentKind.choices])
    late = forms.BooleanField(label="只看超期发布", required=False)
    mine = forms.BooleanField(label="只看我起草的", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部"), *DocumentStatus.choices]
