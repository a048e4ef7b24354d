"""Forms of 依申请公开: the public application, staff registration, one small form per transition of the
case workbench, and the public status lookup. Forms only collect and shape input; the rules live in
disclosure_requests.services, whose Chinese ValidationErrors are mapped back onto these forms."""

import secrets

from django import forms
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone

# issue_challenge is re-exported: tests answer the human check through this module.
from gongkai.public_forms import (  # noqa: F401
    DateInput,
    HumanCheckMixin,
    MultipleFileField,
    MultipleFileInput,
    PlainForm,
    issue_challenge,
)
from orgs.models import Agency, AgencyKind

from . import case_files
from .identity import identity_error
from .models import (
    NOTICE_DELIVERY_METHODS,
    ApplicantType,
    DeliveryMethod,
    FeeMethod,
    IdentityDocumentType,
    LegacyOutcome,
    NoticeKind,
    OpinionKind,
    OpinionResult,
    Outcome,
    OutcomeDetail,
    OutcomeGroup,
    Regime,
    RequestedForm,
    RequestState,
)
from .services import ApplicantData


def _today():
    return timezone.localdate()


# --- Shared choices --------------------------------------------------------------------------------------

# 第二十七条: 公民 or 法人或者其他组织; the annual report (表三) needs the organisation's sub-type, so the choice
# is grouped rather than split into two questions that could be answered half.
APPLICANT_TYPE_CHOICES = [
    ("", "请选择"),
    (ApplicantType.NATURAL_PERSON.value, ApplicantType.NATURAL_PERSON.label),
    ("法人或其他组织", [(t.value, t.label) for t in ApplicantType if t.is_organisation]),
]

# The two lapse outcomes have their own transitions (correction_lapsed, fee_lapsed); reply() refuses them.
REPLY_EXCLUDED = {Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_FEE_UNPAID}


def outcome_choices(blank=True, exclude=REPLY_EXCLUDED):
    """Outcomes grouped by OutcomeGroup, with the verbatim 表三 row labels."""
    groups = []
    for group in OutcomeGroup:
        items = [(o.value, o.label) for o in Outcome if o.group == group and o not in exclude]
        if items:
            groups.append((group.label, items))
    return ([("", "请选择")] if blank else []) + groups


# Agencies that may receive applications under 第二十七条 / 第十条第二款: governments, their departments,
# 派出机构 and 开发区管委会, and 事业单位 marked as 法律、法规授权的具有管理公共事务职能的组织 (第五十四条; other
# 事业单位 disclose under 第五十五条 and are not 依申请公开 bodies). A 内设机构 receives only when it acts in its own
# name, which the agency register does not record — those are left out of the public list.
RECEIVING_KINDS = [AgencyKind.GOVERNMENT, AgencyKind.DEPARTMENT, AgencyKind.DISPATCHED_UNIT,
                   AgencyKind.DEVELOPMENT_ZONE]


def receiving_agencies():
    return (Agency.objects.active_on(_today())
            .filter(Q(kind__in=RECEIVING_KINDS) | Q(kind=AgencyKind.PUBLIC_INSTITUTION, authorised_by_law=True))
            .order_by("path"))


# --- Applicant (第二十九条) -----------------------------------------------------------------------------------


class ApplicationForm(PlainForm):
    """Everything 第二十九条 requires, plus the applicant type the annual report needs. No purpose is
    required (the 2019 条例 dropped 2008 第十三条's 特殊需要)."""

    applicant_type = forms.ChoiceField(label="申请人类型", choices=APPLICANT_TYPE_CHOICES,
                                       help_text="法人或其他组织请选择所属类别（用于年度报告统计）。")
    name = forms.CharField(label="姓名或名称", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_type = forms.ChoiceField(label="身份证明类型", choices=IdentityDocumentType.choices,
                                initial=IdentityDocumentType.RESIDENT_ID,
                                help_text="自然人填写个人证件；法人或其他组织填写统一社会信用代码。")
    id_number = forms.CharField(label="身份证明号码", max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    legal_representative = forms.CharField(label="法定代表人或负责人（法人或其他组织填写）", max_length=100,
                                           required=False)
    contact_person = forms.CharField(label="联系人（法人或其他组织填写）", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                            help_text="联系电话和电子邮箱至少填写一项。")
    email = forms.EmailField(label="电子邮箱", max_length=254, required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label="通信地址", max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
                              help_text="选择邮寄获取信息时必填。")
    postcode = forms.CharField(label="邮政编码", max_length=6, required=False,
                               validators=[RegexValidator(r"^[0-9]{6}\Z", "邮政编码应为6位数字。")],
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
    description = forms.CharField(label="所需政府信息的名称、文号或者便于查询的其他特征性描述", max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    purpose = forms.CharField(label="用途（选填）", max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    requested_form = forms.ChoiceField(label="信息的指定提供载体", choices=RequestedForm.choices,
                                       initial=RequestedForm.ELECTRONIC, widget=forms.RadioSelect)
    delivery_method = forms.ChoiceField(label="获取信息的方式", choices=DeliveryMethod.choices,
                                        initial=DeliveryMethod.EMAIL, widget=forms.RadioSelect)
    accessibility_assistance = forms.BooleanField(
        label="我有阅读困难或者视听障碍，需要协助（第四十三条）", required=False)

    def clean_id_number(self):
        return "".join(self.cleaned_data["id_number"].split()).upper()

    def clean(self):
        cleaned = super().clean()
        id_type, number = cleaned.get("id_type"), cleaned.get("id_number")
        if id_type and number and (problem := identity_error(id_type, number)):
            self.add_error("id_number", problem)
        delivery = cleaned.get("delivery_method")
        if delivery == DeliveryMethod.POST and not cleaned.get("address") and "address" not in self.errors:
            self.add_error("address", "选择邮寄时请填写通信地址。")
        if delivery == DeliveryMethod.EMAIL and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "选择电子邮件获取时请填写电子邮箱。")
        return cleaned

    def applicant_data(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            applicant_type=data["applicant_type"], name=data["name"], id_type=data["id_type"],
            id_number=data["id_number"], phone=data["phone"], email=data["email"], address=data["address"],
            postcode=data["postcode"], legal_representative=data["legal_representative"],
            contact_person=data["contact_person"])

    def request_fields(self) -> dict:
        data = self.cleaned_data
        return {"description": data["description"], "purpose": data["purpose"],
                "requested_form": data["requested_form"], "delivery_method": data["delivery_method"],
                "accessibility_assistance": data["accessibility_assistance"]}


class PublicApplicationForm(HumanCheckMixin, ApplicationForm):
    field_order = [*ApplicationForm.base_fields, "answer", "challenge"]


# 电子邮件 is the ONLINE channel (第三十一条(三): 互联网渠道); it is offered as its own choice because staff
# register e-mails by hand, and mapped to "online" for the service.
STAFF_CHANNELS = [
    ("in_person", "当面"),
    ("oral", "口头（代为填写）"),
    ("registered_mail", "挂号信（需签收）"),
    ("ordinary_mail", "平信"),
    ("fax", "传真"),
    ("email", "电子邮件"),
]
CHANNEL_FOR_SERVICE = {"email": "online"}


class RegisterForm(ApplicationForm):
    agency = forms.ModelChoiceField(label="受理机关", queryset=Agency.objects.none())
    channel = forms.ChoiceField(label="申请渠道", choices=STAFF_CHANNELS, widget=forms.RadioSelect,
                                help_text="平信、传真、电子邮件须与申请人确认后才算收到申请（第三十一条），登记后为“待确认”。")
    submitted_on = forms.DateField(label="提交日期（口头申请为代为填写之日）", widget=DateInput(), initial=_today)
    signed_for_on = forms.DateField(label="签收日期（挂号信）", widget=DateInput(), required=False)

    # One case per filled-in form: a double-click or a reload posts the same token again (claim_token).
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    field_order = ["agency", "channel", "submitted_on", "signed_for_on", *ApplicationForm.base_fields]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = secrets.token_urlsafe(16)
        # 第五十四条: a 事业单位 not authorised by law receives no applications (the service refuses it too).
        agencies = agencies.exclude(kind=AgencyKind.PUBLIC_INSTITUTION, authorised_by_law=False)
        self.fields["agency"].queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
        # Staff fill the form in for the applicant: contact by phone or e-mail is enough (the service
        # checks it); the delivery-specific checks of the public form still apply.

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") == "registered_mail" and not cleaned.get("signed_for_on") \
                and "signed_for_on" not in self.errors:
            self.add_error("signed_for_on", "挂号邮寄的申请以签收之日为收到申请之日，请填写签收日期。")
        return cleaned

    @property
    def service_channel(self) -> str:
        channel = self.cleaned_data["channel"]
        return CHANNEL_FOR_SERVICE.get(channel, channel)

    # The token's cache entry (shared by every web process, like the public forms' spent questions): 0 while the
    # first post runs, then its case's primary key. cache.add is atomic, so of two posts one claims the token.
    def _token_key(self) -> str | None:
        token = self.cleaned_data.get("form_token") or ""
        return f"{REGISTER_TOKEN_PREFIX}{token}" if token else None

    def claim_token(self) -> tuple[bool, int | None]:
        """(True, None) for the first post of this form (or one without a token); else (False, the first
        post's case pk, or None while it is still running)."""
        key = self._token_key()
        if key is None or cache.add(key, 0, REGISTER_TOKEN_MAX_AGE):
            return True, None
        return False, cache.get(key) or None

    def token_done(self, pk: int | None) -> None:
        """The first post's outcome: its case, or None (refused: the corrected form may be posted again)."""
        if key := self._token_key():
            if pk is None:
                cache.delete(key)
            else:
                cache.set(key, pk, REGISTER_TOKEN_MAX_AGE)


REGISTER_TOKEN_PREFIX = "requests:register:"  # noqa: S105 - a cache key prefix
REGISTER_TOKEN_MAX_AGE = 12 * 60 * 60


# --- Queue filters -----------------------------------------------------------------------------------------


class QueueFilterForm(PlainForm):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RequestState.choices])
    overdue = forms.BooleanField(label="只看逾期", required=False)
    confirmation_overdue = forms.BooleanField(label="只看超时未确认", required=False)
    due_soon = forms.BooleanField(label="只看5个工作日内到期", required=False)
    corrected = forms.BooleanField(label="只看已收到补正", required=False)
    opinion_lapsed = forms.BooleanField(label="只看征求意见期满", required=False)
    agency = forms.ModelChoiceField(label="机关", required=False, queryset=Agency.objects.none(),
                                    empty_label="全部")
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    q = forms.CharField(label="受理编号", required=False, max_length=40)

    def __init__(self, *args, agencies, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["year"].choices = [("", "全部"), *[(y, f"{y}年") for y in years]]


# --- Case transitions (one form each; prefixed by the action name on the detail page) ------------------------


class ConfirmForm(PlainForm):
    confirmed_on = forms.DateField(label="与申请人确认之日", widget=DateInput(), initial=_today,
                                   help_text="第三十一条：确认之日即为收到申请之日，答复期限自次日起算。")


class CorrectionRequestForm(PlainForm):
    items = forms.CharField(label="需要补正的事项（逐项列明）", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    correction_due_on = forms.DateField(label="补正期限", widget=DateInput())
    on = forms.DateField(label="告知日期", widget=DateInput(), initial=_today,
                         help_text="第三十条：自收到申请之日起7个工作日内一次性告知。")

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None and case.regime == Regime.R2008:
            # 2008 条例 第二十一条第（四）项: the notice to amend is the reply; there is no 补正 period.
            del self.fields["correction_due_on"]
            self.fields["items"].label = "需要更改、补充的内容"
            self.fields["on"].help_text = "2008年条例第二十一条第（四）项：告知申请人作出更改、补充即为对本申请的答复，本申请随之办结。"


class CaseFilesField(MultipleFileField):
    """Files of the exchange with the applicant, checked together by case_files.validate (type by name and
    content, size, number), so that a bad file is refused before any step of the case is taken."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": case_files.ACCEPT}))
        kwargs.setdefault("help_text", case_files.describe_limits())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in super().clean(data, initial) if u]
        if not uploads and self.required:
            raise forms.ValidationError("请选择要上传的文件。")
        try:
            case_files.validate(uploads)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["files"]) from error
        return uploads


class CorrectionReceivedForm(PlainForm):
    """登记收到补正 (a 补正 on paper): the date, and what the corrected request says, which the reply quotes."""

    on = forms.DateField(label="收到补正申请之日", widget=DateInput(), initial=_today)
    text = forms.CharField(label="补正后的申请内容（选填，答复告知书将引用）", max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    files = CaseFilesField(label="补正材料（选填）", required=False)


class CorrectionAnswerForm(PlainForm):
    """The applicant's online 补正 on the public case page."""

    text = forms.CharField(label="补正后的申请内容", max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="请针对补正告知的各项逐一说明，例如写明所需信息的名称、文号、年份或其他特征。")
    files = CaseFilesField(label="补正材料（选填）", required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("text") or "").strip() and not cleaned.get("files"):
            raise forms.ValidationError("请填写补正后的申请内容，或上传补正材料。")
        return cleaned


class NotificationTemplateForm(PlainForm):
    subject = forms.CharField(label="邮件标题", max_length=200, required=False)
    body = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, channel="email", **kwargs):
        super().__init__(*args, **kwargs)
        if channel != "email":
            del self.fields["subject"]
            self.fields["body"].help_text = "短信按纯文本发送，超过300字的部分不发送。"


class ReleaseFilesForm(PlainForm):
    files = CaseFilesField(label="公开的政府信息（文件）")


class DateOnlyForm(PlainForm):
    on = forms.DateField(label="日期", widget=DateInput(), initial=_today)

    def __init__(self, *args, label=None, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["on"].label = label
        if help_text:
            self.fields["on"].help_text = help_text


class OpinionOpenForm(PlainForm):
    kind = forms.ChoiceField(label="征求对象", choices=OpinionKind.choices, widget=forms.RadioSelect,
                             help_text="第三十二条征求第三方意见（逾期由本机关决定）；第三十四条征求其他机关意见（逾期视为同意）。")
    addressee = forms.CharField(label="被征求意见方", max_length=200)
    sent_on = forms.DateField(label="发出征求意见书日期", widget=DateInput(), initial=_today)
    received_on = forms.DateField(label="对方收到日期（可后补）", widget=DateInput(), required=False)


class OpinionReceiptForm(PlainForm):
    opinion = forms.ModelChoiceField(label="征求意见", queryset=None, empty_label=None)
    received_on = forms.DateField(label="对方收到征求意见书日期", widget=DateInput(),
                                  help_text="对方自收到之日起15个工作日内提出意见（第三十二条、第三十四条）；期满未答复的，"
                                            "期限中止至期满之日自动结束。")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].queryset = case.opinion_requests.filter(result=OpinionResult.PENDING)


class ThirdPartyNoticeForm(PlainForm):
    """第三十二条: the written notice to an objecting third party before disclosure in the public interest."""

    opinion = forms.ModelChoiceField(label="不同意公开的第三方", queryset=None, empty_label=None)
    content = forms.CharField(label="决定公开的政府信息内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label="决定公开的理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="行政机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开（第三十二条）。")
    on = forms.DateField(label="书面告知日期", widget=DateInput(), initial=_today)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].queryset = case.opinion_requests.filter(kind=OpinionKind.THIRD_PARTY,
                                                                       result=OpinionResult.OBJECTION)


class OpinionCloseForm(PlainForm):
    opinion = forms.ModelChoiceField(label="征求意见", queryset=None, empty_label=None)
    result = forms.ChoiceField(label="结果", choices=[(r.value, r.label) for r in (
        OpinionResult.CONSENT, OpinionResult.OBJECTION, OpinionResult.LAPSED)])
    answered_on = forms.DateField(label="答复日期（逾期的，为认定逾期之日）", widget=DateInput(), initial=_today)
    opinion_text = forms.CharField(label="意见及理由", max_length=3000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].queryset = case.opinion_requests.filter(result=OpinionResult.PENDING)


class ExtendForm(PlainForm):
    working_days = forms.IntegerField(label="延长工作日数", min_value=1, max_value=20)
    reason = forms.CharField(label="理由", max_length=300)
    approved_on = forms.DateField(label="批准日期", widget=DateInput(), initial=_today)
    notified_on = forms.DateField(label="告知申请人日期", widget=DateInput(), initial=_today,
                                  help_text="须在原答复期限届满前批准并告知申请人（第三十三条）。")


class ReasonDecideForm(PlainForm):
    reasonable = forms.TypedChoiceField(label="认定", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                        choices=[("yes", "理由合理，继续办理"), ("no", "理由不合理，不予处理")])
    on = forms.DateField(label="认定日期", widget=DateInput(), initial=_today)
    custom_due_on = forms.DateField(label="延迟答复的合理期限（理由合理但无法按期答复时填写）", widget=DateInput(),
                                    required=False)
    reasons = forms.CharField(label="说明", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FeeNoticeForm(PlainForm):
    method = forms.ChoiceField(label="计收方式", choices=FeeMethod.choices, widget=forms.RadioSelect,
                               help_text="按件或按量，只能选择其一（国办函〔2020〕109号第三条）。")
    pages = forms.IntegerField(label="页数（按量计收）", min_value=0, max_value=1_000_000, required=False)
    served_on = forms.DateField(label="送达日期", widget=DateInput(), initial=_today)


class FeeSettledForm(PlainForm):
    on = forms.DateField(label="缴费或减免日期", widget=DateInput(), initial=_today)
    payment_reference = forms.CharField(label="非税收入缴款书编号", max_length=80, required=False)
    waiver_reason = forms.CharField(label="减免理由（未缴费而减免时填写）", max_length=300, required=False)


class ReplyForm(PlainForm):
    outcome = forms.ChoiceField(label="办理结果", choices=outcome_choices(),
                                help_text="按年度报告表三计一项；部分公开的只计“部分公开”。")
    detail = forms.ChoiceField(label="办理结果细分（可选）", required=False,
                               choices=[("", "—"), *OutcomeDetail.choices])
    legal_basis = forms.CharField(label="法律依据", max_length=300,
                                  help_text="例如：《中华人民共和国政府信息公开条例》第三十六条第（二）项。")
    reasons = forms.CharField(label="理由", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="不予公开、无法提供、不予处理和部分公开的，必须说明理由。")
    competent_agency = forms.CharField(label="负责公开的机关及联系方式（不属于本机关负责公开时填写）", max_length=300,
                                       required=False)
    competent_agency_unknown = forms.BooleanField(label="无法确定负责公开该政府信息的行政机关", required=False)
    secondary_outcomes = forms.MultipleChoiceField(label="其他答复理由（不计入统计）", required=False,
                                                   choices=outcome_choices(blank=False),
                                                   widget=forms.CheckboxSelectMultiple)
    files = CaseFilesField(label="公开的政府信息（选填，申请人选择在线下载时可从办理进度页面下载）", required=False)
    on = forms.DateField(label="答复日期", widget=DateInput(), initial=_today)
    close_opinions = forms.BooleanField(
        label="同时结束尚未结束的征求意见", required=False,
        help_text="对方15个工作日已届满的按逾期未答复处理，期限中止至届满之日；未届满的于答复之日结束（此时不能决定公开）。")

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is None or not case.opinion_requests.filter(result=OpinionResult.PENDING).exists():
            del self.fields["close_opinions"]


class LegacyReplyForm(PlainForm):
    """2008 条例 第二十一条 replies (cases received before 2019-05-15), counted in the 2014–2018 统计表."""

    legacy_outcome = forms.ChoiceField(label="办理结果（2008年条例）", choices=[("", "—"), *LegacyOutcome.choices])
    legal_basis = forms.CharField(label="法律依据", max_length=300,
                                  help_text="例如：《中华人民共和国政府信息公开条例》（2008）第二十一条第（一）项。")
    reasons = forms.CharField(label="理由", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    competent_agency = forms.CharField(label="负责公开的机关及联系方式（不属于本机关公开时填写）", max_length=300,
                                       required=False)
    competent_agency_unknown = forms.BooleanField(label="无法确定该政府信息的公开机关", required=False)
    files = CaseFilesField(label="公开的政府信息（选填，申请人选择在线下载时可从办理进度页面下载）", required=False)
    on = forms.DateField(label="答复日期", widget=DateInput(), initial=_today)
    close_opinions = forms.BooleanField(
        label="同时结束尚未结束的征求第三方意见", required=False,
        help_text="对方15个工作日已届满的按逾期未答复处理；未届满的于答复之日结束（此时不能决定公开）。")

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is None or not case.opinion_requests.filter(result=OpinionResult.PENDING).exists():
            del self.fields["close_opinions"]


class OnTheSpotForm(PlainForm):
    outcome = forms.ChoiceField(label="办理结果", choices=outcome_choices())
    detail = forms.ChoiceField(label="办理结果细分（可选）", required=False, choices=[("", "—"), *OutcomeDetail.choices])
    legal_basis = forms.CharField(label="法律依据", max_length=300)
    reasons = forms.CharField(label="理由", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    competent_agency = forms.CharField(label="负责公开的机关及联系方式（不属于本机关负责公开时填写）", max_length=300,
                                       required=False)
    competent_agency_unknown = forms.BooleanField(label="无法确定负责公开该政府信息的行政机关", required=False)


class WithdrawForm(PlainForm):
    on = forms.DateField(label="撤回日期", widget=DateInput(), initial=_today)
    how = forms.CharField(label="撤回方式", max_length=300, help_text="建议书面撤回，例如：申请人提交书面撤回申请。")


class TransferForm(PlainForm):
    to_agency = forms.ModelChoiceField(label="转至机关", queryset=Agency.objects.none())
    reason = forms.CharField(label="转办理由", max_length=300)
    on = forms.DateField(label="转办日期", widget=DateInput(), initial=_today,
                         help_text="已收到的申请：本机关以“不属于本机关负责公开”答复并办结（第三十六条第（五）项），"
                                   "转至机关于转办之日收到申请，另行登记办理。")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # Any agency of the platform: a case addressed to the wrong agency goes where it belongs, whoever
        # handles that agency.
        self.fields["to_agency"].queryset = (Agency.objects.active_on(_today()).accepting_requests()
                                             .exclude(pk=case.agency_id).order_by("path"))


class NoticeIssueForm(PlainForm):
    kind = forms.ChoiceField(label="文书", choices=NoticeKind.choices,
                             help_text="文书日期为所记录行为的日期；生成后随案归档（DOCX 和 PDF）。")


class NoticeDeliveryForm(PlainForm):
    notice = forms.ModelChoiceField(label="文书", queryset=None, empty_label=None)
    method = forms.ChoiceField(label="送达方式", choices=[(m.value, m.label) for m in NOTICE_DELIVERY_METHODS])
    delivered_on = forms.DateField(label="送达日期", widget=DateInput(), initial=_today)
    reference = forms.CharField(label="邮件号或回执（邮寄必填）", max_length=80, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = case.notices.all()


# --- Public status lookup -----------------------------------------------------------------------------------


class StatusLookupForm(PlainForm):
    tracking_number = forms.CharField(label="受理编号", max_length=40,
                                      widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    lookup_code = forms.CharField(label="查询码", max_length=16,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def clean_tracking_number(self):
        return "".join(self.cleaned_data["tracking_number"].split()).upper()

    def clean_lookup_code(self):
        return "".join(self.cleaned_data["lookup_code"].split()).upper()
