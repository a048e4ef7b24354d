"""Forms of the annual-report pages: creating a report (agency, year, units) and a unit's entered figures."""

from django import forms
from django.utils import timezone

from report_formats.formats import FORMATS, SECTION_TITLES, format_for_year

from .services import FIRST_YEAR, entered_cell_ids


class ReportCreateForm(forms.Form):
    agency = forms.ModelChoiceField(label="报告机关", queryset=None, empty_label="请选择")
    year = forms.TypedChoiceField(label="报告年度", coerce=int, choices=())
    units = forms.ModelMultipleChoiceField(
        label="汇总单位", queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text="勾选本报告汇总的单位（本机关、所属部门、乡镇街道等），须是报告机关或其下级单位。")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["units"].queryset = agencies
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, f"{y}年") for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].initial = this_year - 1


class CorrectionForm(forms.Form):
    change_note = forms.CharField(label="更正说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class PublishForm(forms.Form):
    """发布确认: with gaps, the reason of the 公开办负责人 (not the drafter) who publishes it anyway."""

    override_reason = forms.CharField(
        label="缺项发布的理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="报告尚有单位未填报或单元格空白时必填；只能由编制人以外的公开办负责人确认，理由记入审计日志。")


class FiguresForm(forms.Form):
    """One text field per entered cell of the year's format; values are parsed by reports.services."""

    def __init__(self, *args, year, initial_values=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        fmt = format_for_year(year)
        specs = FORMATS[fmt].cells()
        for cid in entered_cell_ids(fmt):
            spec = specs[cid]
            label = " · ".join(spec.row_path) + ("" if spec.table == "lg" else f" · {spec.column_label}")
            self.fields[cid] = forms.CharField(
                label=label, required=False, disabled=disabled, max_length=40,
                help_text=f"单位：{spec.unit}" if spec.unit else "",
                initial=(initial_values or {}).get(cid, ""),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


class FiguresUploadForm(forms.Form):
    file = forms.FileField(label="填报表（XLSX）")


class NarrativeForm(forms.Form):
    """报告正文: one text box per section, labelled with its title. Lengths are checked by
    services.save_narrative (after line breaks are normalised), so a field carries no max_length."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, title in SECTION_TITLES.items():
            self.fields[str(key)] = forms.CharField(label=title, required=False, strip=False,
                                                    widget=forms.Textarea(attrs={"rows": 12}))


# ------------------------------------------------------------------------------------------ 年报体检


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Each file is checked by reports.auditing (type, size) and an unusable
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


class AuditUploadForm(_ScopeForm):
    files = MultipleFileField(label="报告文件", help_text="可一次选择多个文件：文本、HTML、DOCX 或带文字层的 PDF；"
                                                      "最多 100 个文件，每个不超过 20 MB。")

    def clean_files(self):
        from .auditing import MAX_FILES

        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传{MAX_FILES}个文件（本次{len(files)}个），请分批上传。")
        return files


class AuditPublishedForm(_ScopeForm):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", "全部年度")] + [(y, f"{y}年") for y in range(this_year, 2007, -1)]
