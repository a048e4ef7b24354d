"""Forms of 更正申请: the public form (with the human check), the staff registration of a paper one, the four
decisions and the lookup by 编号 + 查询码."""

from django import forms
from django.core.validators import RegexValidator

from gongkai import file_reading
from gongkai.public_forms import DateInput, HumanCheckMixin, MultipleFileField, NumberAndCodeForm, PlainForm
from orgs.models import Agency

from .models import Channel, RefusalReason
from .services import MAX_EVIDENCE_FILES, MAX_EVIDENCE_MB, Applicant

APPLICANT_KINDS = [("natural_person", "公民"), ("legal_person", "法人或者其他组织")]


class RectificationForm(PlainForm):
    agency = forms.ModelChoiceField(label="向哪个机关提出", queryset=Agency.objects.none(), empty_label="请选择…",
                                    help_text="请选择提供或保存该信息记录的行政机关。")
    applicant_type = forms.ChoiceField(label="申请人", choices=APPLICANT_KINDS, widget=forms.RadioSelect,
                                       initial="natural_person")
    name = forms.CharField(label="姓名或名称", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label="联系电话", max_length=20, required=False,
                            validators=[RegexValidator(r"^[0-9+\- ]{5,20}\Z", "请填写有效的电话号码。")],
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label="电子邮箱", max_length=254, required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label="通信地址", max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
                              help_text="联系电话、电子邮箱和通信地址至少填写一项，仅用于告知办理结果，不会公开。")
    record_description = forms.CharField(
        label="需要更正的信息记录", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="例如：本机关某年某月向您提供的某份文件或证明中，与您本人相关的哪一项记录。")
    inaccuracy = forms.CharField(label="不准确之处及应更正的内容", max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(label="证据说明", max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="《政府信息公开条例》第四十一条要求有证据证明记录不准确：请说明证据，或上传证据材料。")
    files = MultipleFileField(label="证据材料（选填）", required=False, max_files=MAX_EVIDENCE_FILES,
                              max_mb=MAX_EVIDENCE_MB, noun="证据材料",
                              help_text=f"最多 {MAX_EVIDENCE_FILES} 个，每个不超过 {MAX_EVIDENCE_MB} MB；"
                                        "可上传 PDF、OFD、Word、Excel、图片或文本文件。")
    related_request_number = forms.CharField(label="相关的政府信息公开申请编号（选填）", max_length=40, required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(name=data["name"], applicant_type=data["applicant_type"], phone=data["phone"],
                         email=data["email"], address=data["address"])

    def files_content(self) -> list[tuple[str, bytes]]:
        return [(f.name, file_reading.read_upload(f, MAX_EVIDENCE_MB * file_reading.MB))
                for f in self.cleaned_data.get("files") or []]


class PublicRectificationForm(HumanCheckMixin, RectificationForm):
    field_order = [*RectificationForm.base_fields, "answer", "challenge"]


class RegisterForm(RectificationForm):
    """Staff type in a 更正申请 received by letter or in person, with the day it was received."""

    channel = forms.ChoiceField(label="提交方式", choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    received_on = forms.DateField(label="收到日期", widget=DateInput())
    field_order = ["agency", "channel", "received_on"]


class LookupForm(NumberAndCodeForm):
    number_label = "更正申请编号"


class CorrectForm(PlainForm):
    correction_made = forms.CharField(label="已更正的内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label="说明（选填）", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="办结日期", widget=DateInput())


class RefuseForm(PlainForm):
    reason = forms.ChoiceField(label="不予更正的理由", choices=[("", "请选择…"), *RefusalReason.choices])
    note = forms.CharField(label="具体说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="写入告知书；选择“其他理由”时必填。")
    on = forms.DateField(label="办结日期", widget=DateInput())


class TransferForm(PlainForm):
    to_agency = forms.ModelChoiceField(label="转送至（本平台的机关）", queryset=Agency.objects.none(), required=False,
                                       empty_label="请选择…")
    to_agency_name = forms.CharField(label="或填写平台外的有权机关名称", max_length=200, required=False)
    note = forms.CharField(label="说明（选填）", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="转送日期", widget=DateInput())

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["to_agency"].queryset = agencies


class ReferForm(PlainForm):
    competent_agency_name = forms.CharField(label="有权更正的行政机关", max_length=200)
    note = forms.CharField(label="说明（选填）", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="办结日期", widget=DateInput())
