from django import forms
from django.db.models import Q
from django_prose_editor.widgets import ProseEditorWidget

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


# The body editor (django-prose-editor, Tiptap): headings, lists, tables and links survive a paste from Word or WPS;
# the server sanitises the result as before (catalog.sanitising). Without JavaScript it is the plain textarea.
BODY_EDITOR_EXTENSIONS = {
    "Bold": True, "Italic": True, "Underline": True, "Subscript": True, "Superscript": True,
    "Heading": {"levels": [1, 2, 3, 4]}, "BulletList": True, "OrderedList": True, "ListItem": True,
    "Blockquote": True, "HorizontalRule": True, "HardBreak": True, "Link": True,
    "Table": True, "TableRow": True, "TableHeader": True, "TableCell": True, "History": True, "HTML": True,
}

# The draft form in the groups a clerk fills in (issue 19): each (legend, field names).
FIELD_GROUPS = [
    ("基本信息", ["publisher", "title", "document_number", "kind", "genre", "written_on", "summary", "keywords"]),
    ("公开属性", ["disclosure_attribute", "withholding_ground", "legal_basis", "review_due_on", "channels",
              "publish_deadline_wd", "late_reason"]),
    ("分类", ["topic", "statutory_item", "local_items", "is_policy_document"]),
    ("有效期", ["formed_or_changed_on", "generated_on", "effective_from", "effective_to"]),
    ("正文", ["body"]),
    ("关联", ["interpretation_not_needed", "interpretation_forms"]),
]
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
            "body": ProseEditorWidget(config={"extensions": BODY_EDITOR_EXTENSIONS}, preset="configurable",
                                      attrs={"rows": 14}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"body": "可直接从 Word、WPS 粘贴，标题、列表和表格会保留；脚本、事件属性和外部框架会被自动去除。",
                      "document_number": "例如：盐政办发〔2018〕61号；[]、()、（）会自动规范为〔〕。"}

    def __init__(self, *args, publisher_choices=None, default_publisher=None, **kwargs):
        super().__init__(*args, **kwargs)
        if publisher_choices is not None:
            self.fields["publisher"] = forms.ModelChoiceField(label="发布机构", queryset=publisher_choices,
                                                              initial=default_publisher)
            self.order_fields(["publisher", *EDITABLE_FIELDS])

    def groups(self):
        """(legend, bound fields) in FIELD_GROUPS order; a field no group names goes to the first group."""
        named = {name for _legend, names in FIELD_GROUPS for name in names}
        groups = [(legend, [self[name] for name in names if name in self.fields]) for legend, names in FIELD_GROUPS]
        strays = [self[name] for name in self.fields if name not in named]
        if strays:
            groups[0] = (groups[0][0], groups[0][1] + strays)
        return [(legend, fields) for legend, fields in groups if fields]


class DocumentReferenceField(forms.CharField):
    """A document named by its 索引号 (or 文号, or a title fragment that matches one document), typed with the
    browser's own suggestion list (a <datalist>) instead of a drop-down of hundreds of titles."""

    def __init__(self, *args, **kwargs):
        self.queryset = Document.objects.none()
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        exact = self.queryset.filter(Q(index_number=text) | Q(document_number=text))
        found = list(exact[:2]) or list(self.queryset.filter(title__contains=text).order_by("-published_on")[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(f"没有找到“{text}”对应的文件，请输入索引号、文号或标题中的一段。")
        shown = "；".join(f"{d.index_number or '无索引号'} {d.title}" for d in found[:5])
        raise forms.ValidationError(f"“{text}”对应多份文件，请输入其中一份的索引号：{shown}")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label="变更为", choices=[(v, label) for v, label in Validity.choices
                                                        if v != Validity.IN_FORCE])
    on = forms.DateField(label="生效日期", widget=DateInput())
    replaced_by = DocumentReferenceField(label="替代文件（可选）", required=False,
                                         help_text="输入替代文件的索引号、文号或标题中的一段。",
                                         widget=forms.TextInput(attrs={"list": "replacement-options"}))
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, replacement_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaced_by"].queryset = replacement_choices
        self.options = replacement_choices


class InterpretationLinkForm(forms.Form):
    document = DocumentReferenceField(label="被解读的文件", help_text="输入被解读文件的索引号、文号或标题中的一段。",
                                      widget=forms.TextInput(attrs={"list": "interpreted-options"}))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = choices
        self.options = choices


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
