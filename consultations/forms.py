from django import forms

from gongkai.public_forms import DateInput, HumanCheckMixin, PlainForm

from .models import Adoption, ConsultationKind, ResponseChannel


class ConsultationForm(PlainForm):
    agency = forms.ModelChoiceField(label="征集机关", queryset=None)
    title = forms.CharField(label="标题", max_length=200)
    kind = forms.ChoiceField(label="征集类型", choices=ConsultationKind.choices,
                             help_text="规章草案（《规章制定程序条例》第十五条）、重大行政决策（《重大行政决策程序暂行条例》"
                                       "第十五条）和涉及市场主体的规范性文件（《优化营商环境条例》第六十二条）一般不少于30日；"
                                       "行政规范性文件一般不少于7个工作日。期限自实际发布之日起算。")
    draft_text = forms.CharField(label="草案内容", widget=forms.Textarea(attrs={"rows": 12}))
    explanation = forms.CharField(label="起草说明", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    opens_on = forms.DateField(label="征集开始日期", widget=DateInput())
    closes_on = forms.DateField(label="征集截止日期", widget=DateInput())
    shortening_reason = forms.CharField(label="缩短征求意见期限的理由（期限不足时必填）", max_length=500,
                                        required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class PublishForm(PlainForm):
    """Publishing after the planned opening day shortens the period: extend it, or record why not."""

    closes_on = forms.DateField(label="征集截止日期", widget=DateInput(), required=False,
                                help_text="发布晚于计划开始日期时，可延长截止日期以保证法定期限。")
    shortening_reason = forms.CharField(label="缩短征求意见期限的理由（期限不足时必填，与草案一并公开）",
                                        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ModerateForm(PlainForm):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(label="审核结果", choices=[("1", "显示（自动遮盖个人信息）"), ("0", "不予显示")],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    reason = forms.CharField(label="不予显示的理由", max_length=300, required=False)


class DecideForm(PlainForm):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    adoption = forms.ChoiceField(label="采纳情况", choices=Adoption.choices)
    rejection_reason = forms.CharField(label="未采纳或部分采纳的理由", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(PlainForm):
    summary = forms.CharField(label="采纳情况说明", widget=forms.Textarea(attrs={"rows": 5}))
    offline_adopted = forms.IntegerField(label="其他渠道收到并采纳的意见（条）", min_value=0, initial=0)
    offline_partly = forms.IntegerField(label="其他渠道收到并部分采纳的意见（条）", min_value=0, initial=0)
    offline_not_adopted = forms.IntegerField(label="其他渠道收到未采纳的意见（条）", min_value=0, initial=0)
    rejection_reason = forms.CharField(label="其他渠道意见未采纳的理由", required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(PlainForm):
    document_index = forms.CharField(label="最终文件索引号（选填）", max_length=60, required=False)

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if required:  # linking the final document of a closed consultation
            field = self.fields["document_index"]
            field.required, field.label = True, "最终文件索引号"


class CommentForm(HumanCheckMixin):
    body = forms.CharField(label="您的意见", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label="姓名或单位（选填，不公开）", max_length=100, required=False)
    contact = forms.CharField(label="联系方式（选填，不公开）", max_length=100, required=False)
    field_order = ["body", "name", "contact", "answer", "challenge"]


class ConcernForm(PlainForm):
    agency = forms.ModelChoiceField(label="回应机关", queryset=None)
    topic = forms.CharField(label="热点或舆情", max_length=200)
    occurred_at = forms.DateTimeField(label="发生或发现时间",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    is_major = forms.BooleanField(label="特别重大或重大突发事件", required=False)
    authoritative_at = forms.DateTimeField(label="发布权威信息时间", required=False,
                                           widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    press_conference_at = forms.DateTimeField(label="召开新闻发布会时间", required=False,
                                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    responded_at = forms.DateTimeField(label="回应时间", required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    channels = forms.MultipleChoiceField(label="回应渠道", choices=ResponseChannel.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    response = forms.CharField(label="回应内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class EventForm(PlainForm):
    agency = forms.ModelChoiceField(label="机关", queryset=None)
    title = forms.CharField(label="主题", max_length=200)
    held_on = forms.DateField(label="日期", widget=DateInput())
    head_attended = forms.BooleanField(label="主要负责同志参加", required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
