"""Forms of the annual-report pages: creating a report (agency, year, units) and a unit's entered figures."""

from datetime import date

from django import forms
from django.utils import timezone

from report_formats.formats import FORMATS, ReportFormat, format_for_year

from .rendering.document import section_titles
from .services import FIRST_YEAR, entered_cell_ids


class ReportCreateForm(forms.Form):
    agency = forms.ModelChoiceField(label="报告机关", queryset=None, empty_label="请选择")
    year = forms.TypedChoiceField(label="报告年度", coerce=int, choices=())
    # 全选 without JavaScript: the server takes the whole subtree (a county's report sums ~35 units).
    all_units = forms.BooleanField(label="汇总报告机关及其全部下级单位（全选）", required=False)
    units = forms.ModelMultipleChoiceField(
        label="汇总单位", queryset=None, widget=forms.CheckboxSelectMultiple, required=False,
        help_text="勾选本报告汇总的单位（本机关、所属部门、乡镇街道等），须是报告机关或其下级单位；"
                  "或勾选上面的“全选”。")

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["units"].queryset = agencies
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, f"{y}年") for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].initial = this_year - 1

    def clean(self):
        data = super().clean()
        agency = data.get("agency")
        if data.get("all_units") and agency is not None:
            # The reporting agency and every unit under it that the user may compile for and that still
            # existed in the year (a unit dissolved earlier reports through its successor).
            year = data.get("year")
            subtree = self.fields["units"].queryset.filter(path__startswith=agency.path)
            if year:
                subtree = subtree.exclude(dissolved_on__lt=date(year, 1, 1))
            data["units"] = list(subtree)
        elif not data.get("units") and "units" not in self.errors:
            self.add_error("units", "请勾选汇总单位，或勾选“全选”汇总全部下级单位。")
        return data


class CorrectionForm(forms.Form):
    change_note = forms.CharField(label="更正说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                  error_messages={"required": "请填写更正说明。"})


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
    """报告正文: one text box per section of the report's format (rendering.document.section_titles), labelled
    with its title. Lengths are checked by services.save_narrative (after line breaks are normalised), so a
    field carries no max_length."""

    def __init__(self, *args, report_format=ReportFormat.F2021, **kwargs):
        super().__init__(*args, **kwargs)
        for key, title in section_titles(report_format).items():
            self.fields[key] = forms.CharField(label=title, required=False, strip=False,
                                               widget=forms.Textarea(attrs={"rows": 12}))
