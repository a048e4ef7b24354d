"""Forms of the 年报体检 page: the scope (辖区) of a batch, and its source — uploaded files or the published
reports of the subtree."""

from django import forms
from django.utils import timezone

from gongkai.public_forms import MultipleFileInput

from .services import MAX_FILES


class ReportFilesField(forms.FileField):
    """Several report files in one input (gongkai.public_forms.MultipleFileInput). Each file is checked by report_checkup.services (type, size) and an unusable
    one becomes its own error row, so the field only requires at least one file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ".txt,.text,.htm,.html,.shtml,.xhtml,.docx,.pdf,.tsv,.csv,text/plain,text/html,application/pdf,"
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError("请选择要体检的报告文件。")
        return files


class _ScopeForm(forms.Form):
    agency = forms.ModelChoiceField(label="辖区", queryset=None, empty_label=None,
                                    help_text="体检结果对该机关及其上级机关的公开办工作人员可见；其他地区看不到。")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class CheckupUploadForm(_ScopeForm):
    files = ReportFilesField(label="报告文件", help_text="可一次选择多个文件：文本、HTML、DOCX、PDF（扫描件也可，用文字识别读取）或扫描图像（PNG、JPEG）；"
                                                      "最多 100 个文件，每个不超过 20 MB。")

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传{MAX_FILES}个文件（本次{len(files)}个），请分批上传。")
        return files


class CheckupPublishedForm(_ScopeForm):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", "全部年度")] + [(y, f"{y}年") for y in range(this_year, 2007, -1)]
