"""Forms of the letters app: the public letter form and status lookup, and one small form per staff
action. The rules live in letters.services; these only collect input."""

from django import forms
from django.core.validators import RegexValidator

from disclosure_requests.forms import APPLICANT_TYPE_CHOICES
from disclosure_requests.models import DeliveryMethod, IdentityDocumentType, RequestedForm
from gongkai import file_reading
from gongkai.public_forms import DateInput, HumanCheckMixin, MultipleFileField, NumberAndCodeForm, PlainForm

from .models import InvalidReason, LetterType, MailboxKind, Satisfaction
from .services import MAX_ATTACHMENT_MB, MAX_ATTACHMENTS, WriterData

PUBLISH_CHOICES = [("yes", "公开：同意在网站公开来信和答复（隐去姓名、联系方式等个人信息）"),
                   ("no", "不公开：来信和答复只告知本人")]


class LetterForm(PlainForm):
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label="联系电话", max_length=20, required=False,
                            validators=[RegexValidator(r"^[0-9+\- ]{5,20}\Z", "请填写有效的电话号码。")],
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                            help_text="联系电话和电子邮箱至少填写一项，仅用于答复您，不会公开。")
    email = forms.EmailField(label="电子邮箱", max_length=254, required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label="通信地址（选填）", max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    letter_type = forms.ChoiceField(label="来信类型", choices=LetterType.choices, widget=forms.RadioSelect,
                                    initial=LetterType.INQUIRY)
    subject = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="来信内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    publish = forms.ChoiceField(label="是否同意公开", choices=PUBLISH_CHOICES, widget=forms.RadioSelect)
    attachments = MultipleFileField(label="附件（选填）", required=False, max_files=MAX_ATTACHMENTS,
                                    max_mb=MAX_ATTACHMENT_MB, noun="附件",
                                    help_text=f"最多 {MAX_ATTACHMENTS} 个，每个不超过 {MAX_ATTACHMENT_MB} MB；"
                                              "可上传 PDF、OFD、Word、Excel、图片或文本文件。")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and "phone" not in self.errors \
                and "email" not in self.errors:
            self.add_error("phone", "联系电话和电子邮箱至少填写一项，以便答复。")
        return cleaned

    def writer(self) -> WriterData:
        data = self.cleaned_data
        return WriterData(name=data["name"], phone=data["phone"], email=data["email"], address=data["address"])

    def files_content(self) -> list[tuple[str, bytes]]:
        return [(f.name, file_reading.read_upload(f, MAX_ATTACHMENT_MB * file_reading.MB))
                for f in self.cleaned_data.get("attachments") or []]


class PublicLetterForm(HumanCheckMixin, LetterForm):
    field_order = [*LetterForm.base_fields, "answer", "challenge"]


class LetterLookupForm(NumberAndCodeForm):
    number_label = "来信编号"


class RatingForm(LetterLookupForm):
    """满意度评价: the number and 查询码 travel again (hidden, POST only) so the rating proves the writer."""

    satisfaction = forms.ChoiceField(label="您对本次答复的评价", choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="评价意见（选填）", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget = forms.HiddenInput()
        self.fields["lookup_code"].widget = forms.HiddenInput()


# --- Staff ----------------------------------------------------------------------------------------------


class QueueFilterForm(PlainForm):
    VIEWS = [("open", "待办"), ("unscreened", "待甄别"), ("overdue", "已超期"), ("veto", "三个月期满预警"),
             ("publication", "待审核公开"), ("poorly_rated", "差评待回访"), ("answered", "已答复"),
             ("invalid", "无效来信"), ("all", "全部")]
    view = forms.ChoiceField(label="范围", choices=VIEWS, required=False)
    letter_type = forms.ChoiceField(label="来信类型", choices=[("", "全部"), *LetterType.choices], required=False)
    q = forms.CharField(label="编号或标题", max_length=100, required=False)


class ScreenForm(PlainForm):
    valid = forms.TypedChoiceField(label="甄别结果", choices=[("1", "有效来信"), ("0", "无效来信")],
                                   coerce=lambda v: v == "1", widget=forms.RadioSelect)
    reason = forms.ChoiceField(label="无效理由", choices=[("", "（有效来信不填）"), *InvalidReason.choices],
                               required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)
    letter_type = forms.ChoiceField(label="来信类型（可更正）", choices=LetterType.choices)


class AssignForm(PlainForm):
    to_agency = forms.ModelChoiceField(label="交办至", queryset=None)
    reason = forms.CharField(label="交办说明", max_length=500, required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies


class ExtendForm(PlainForm):
    working_days = forms.IntegerField(label="延长工作日数", min_value=1, max_value=60)
    reason = forms.CharField(label="延期理由", max_length=500)


class ReplyForm(PlainForm):
    text = forms.CharField(label="答复内容", max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
    on = forms.DateField(label="答复日期", widget=DateInput())


class PublishForm(PlainForm):
    public_body = forms.CharField(label="公开的来信内容（已遮盖个人信息，请核对）", max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    public_reply = forms.CharField(label="公开的答复内容（已遮盖个人信息，请核对）", max_length=10000,
                                   widget=forms.Textarea(attrs={"rows": 6}))


class ApprovePublicationForm(PlainForm):
    """No fields: the reviewer approves the texts shown on the page as proposed."""


class ReturnPublicationForm(PlainForm):
    reason = forms.CharField(label="退回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class UnpublishForm(PlainForm):
    reason = forms.CharField(label="撤下理由", max_length=500)


class ConvertForm(PlainForm):
    """第二十九条 needs an identity document, which letters do not collect: staff obtain it from the writer."""

    applicant_type = forms.ChoiceField(label="申请人类型", choices=APPLICANT_TYPE_CHOICES)
    name = forms.CharField(label="姓名或名称", max_length=200)
    id_type = forms.ChoiceField(label="身份证明类型", choices=IdentityDocumentType.choices)
    id_number = forms.CharField(label="身份证明号码", max_length=40)
    phone = forms.CharField(label="联系电话", max_length=40)
    requested_form = forms.ChoiceField(label="信息的指定提供载体", choices=RequestedForm.choices,
                                       initial=RequestedForm.ELECTRONIC)
    delivery_method = forms.ChoiceField(label="获取信息的方式", choices=DeliveryMethod.choices,
                                        initial=DeliveryMethod.EMAIL)
    email = forms.EmailField(label="电子邮箱", required=False)
    address = forms.CharField(label="通信地址", max_length=200, required=False)


class FromRequestForm(PlainForm):
    mailbox = forms.ModelChoiceField(label="转入信箱", queryset=None)
    letter_type = forms.ChoiceField(label="来信类型", choices=LetterType.choices, initial=LetterType.COMPLAINT)

    def __init__(self, *args, mailboxes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].queryset = mailboxes


class MailboxForm(PlainForm):
    agency = forms.ModelChoiceField(label="所属机关", queryset=None)
    code = forms.SlugField(label="代码（英文字母、数字）", max_length=40)
    name = forms.CharField(label="信箱名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=MailboxKind.choices)
    reply_wd = forms.IntegerField(label="答复期限（工作日，留空按来信类型）", min_value=1, max_value=60, required=False)
    intro = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
