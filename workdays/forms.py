from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from .calendar import MAX_WORKING_DAYS, Pause
from .models import CalendarStatus, DayKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _receipt_choices():
    default = "计入" if settings.GONGKAI_WORKDAY_COUNT_RECEIPT_DAY else "不计入，自次日起算"
    return [("", f"按系统设置（{default}）"), ("yes", "计入"), ("no", "不计入，自次日起算")]


class CheckForm(forms.Form):
    day = forms.DateField(label="日期", widget=DATE_INPUT)


class AddForm(forms.Form):
    start = forms.DateField(label="起算日期（收到申请之日）", widget=DATE_INPUT)
    n = forms.IntegerField(label="工作日数", min_value=1, max_value=MAX_WORKING_DAYS, initial=20)
    count_receipt_day = forms.ChoiceField(label="收到当日是否计入", required=False, choices=())
    pause_start = forms.DateField(label="暂停开始日期（可选）", required=False, widget=DATE_INPUT)
    pause_end = forms.DateField(label="暂停结束日期（可选）", required=False, widget=DATE_INPUT)
    pause_label = forms.CharField(label="暂停事由（可选）", required=False, max_length=40,
                                  help_text="例如：征求第三方意见。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count_receipt_day"].choices = _receipt_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("pause_start"), data.get("pause_end")
        if bool(start) != bool(end):
            raise ValidationError("暂停区间须同时填写开始日期和结束日期。")
        if start and end:
            try:
                data["pause"] = Pause(start, end, data.get("pause_label") or "暂停")
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        else:
            data["pause"] = None
        data["count_start_day"] = {"yes": True, "no": False}.get(data.get("count_receipt_day") or "")
        return data


class ChangeForm(forms.Form):
    """Base of the change forms. Each is submitted by one of two buttons named "<prefix>-action":
    "preview" (nothing saved) or "apply"; the view reads the button, so it is no form field."""


class SetDayForm(ChangeForm):
    day = forms.DateField(label="日期", widget=DATE_INPUT)
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="节日名称", max_length=60, required=False,
                           help_text="法定节假日必填；调休上班日填写所调休的节日。")
    reason = forms.CharField(label="修改理由", max_length=400, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="例如所依据的通知名称和文号。记入审计日志。")


class RemoveDayForm(ChangeForm):
    day = forms.DateField(label="日期", widget=forms.HiddenInput)
    reason = forms.CharField(label="删除理由", max_length=400)


class StatusForm(ChangeForm):
    status = forms.ChoiceField(label="状态", choices=CalendarStatus.choices)
    source_note = forms.CharField(label="数据来源", required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="确认时必填：国务院办公厅通知的名称和文号。")
    region_note = forms.CharField(label="地方差异说明", required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="修改理由", required=False, max_length=400)


class SyncForm(ChangeForm):
    reason = forms.CharField(label="同步理由", required=False, max_length=400,
                             help_text="可选，记入审计日志。")
