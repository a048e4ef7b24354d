"""依申请公开: requests, their applicants, clock pauses, extensions, consultations, fees and replies.

Names follow docs/law/requests.md §9 and docs/law/annual-report.md §3.2: Outcome values are the 表三 row ids and ApplicantType values its column
ids, so a closed case names the cell it is counted in. State changes only in disclosure_requests.services."""

from django.conf import settings
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q

from gongkai.privacy import EncryptedTextField


class ApplicantType(models.TextChoices):
    NATURAL_PERSON = "natural_person", "自然人"
    COMMERCIAL_ENTERPRISE = "commercial_enterprise", "商业企业"
    RESEARCH_INSTITUTION = "research_institution", "科研机构"
    PUBLIC_WELFARE_ORG = "public_welfare_org", "社会公益组织"
    LEGAL_SERVICE_ORG = "legal_service_org", "法律服务机构"
    OTHER_ORG = "other_org", "其他"

    @property
    def is_organisation(self) -> bool:
        return self != ApplicantType.NATURAL_PERSON


class IdentityDocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_PERMIT = "hk_macao_permit", "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "taiwan_permit", "台湾居民来往大陆通行证"
    FOREIGN_RESIDENCE = "foreign_residence", "外国人永久居留身份证"
    CREDIT_CODE = "credit_code", "统一社会信用代码"
    OTHER = "other", "其他证件"


class SubmissionChannel(models.TextChoices):
    """Receipt-date rule per channel: 第三十一条 (docs/law/requests.md §4)."""

    IN_PERSON = "in_person", "当面"
    ORAL = "oral", "口头（代为填写）"
    REGISTERED_MAIL = "registered_mail", "邮寄（需签收）"
    ORDINARY_MAIL = "ordinary_mail", "平常信函"
    ONLINE = "online", "互联网（网上申请、电子邮件）"
    FAX = "fax", "传真"

    @property
    def needs_confirmation(self) -> bool:
        """第三十一条(二)(三): plain letters, online and fax are received on the day both sides confirm."""
        return self in (SubmissionChannel.ORDINARY_MAIL, SubmissionChannel.ONLINE, SubmissionChannel.FAX)


class RequestState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待确认"
    REGISTERED = "registered", "已登记"
    AWAITING_CORRECTION = "awaiting_correction", "待补正"
    IN_PROGRESS = "in_progress", "办理中"
    AWAITING_REASON = "awaiting_reason", "待说明理由"
    AWAITING_FEE = "awaiting_fee", "待缴费"
    CLOSED = "closed", "已办结"
    ARCHIVED = "archived", "已归档"


OPEN_STATES = [RequestState.REGISTERED, RequestState.AWAITING_CORRECTION, RequestState.IN_PROGRESS,
               RequestState.AWAITING_REASON, RequestState.AWAITING_FEE]


class Regime(models.TextChoices):
    R2008 = "2008", "2008年条例"
    R2019 = "2019", "2019年条例"


class OutcomeGroup(models.TextChoices):
    GRANTED = "granted", "予以公开"
    PARTIAL = "partial", "部分公开"
    WITHHELD = "withheld", "不予公开"
    UNAVAILABLE = "unavailable", "无法提供"
    NOT_PROCESSED = "not_processed", "不予处理"
    OTHER = "other", "其他处理"


class Outcome(models.TextChoices):
    """The single statistical outcome of a closed case; values are the F2021 表三 row ids."""

    GRANTED = "granted", "予以公开"
    PARTIALLY_GRANTED = "partially_granted", "部分公开（区分处理的，只计这一情形，不计其他情形）"
    WITHHELD_STATE_SECRET = "withheld_state_secret", "属于国家秘密"
    WITHHELD_PROHIBITED_BY_LAW = "withheld_prohibited_by_law", "其他法律行政法规禁止公开"
    WITHHELD_SECURITY_STABILITY = "withheld_security_stability", "危及“三安全一稳定”"
    WITHHELD_THIRD_PARTY_RIGHTS = "withheld_third_party_rights", "保护第三方合法权益"
    WITHHELD_INTERNAL_AFFAIRS = "withheld_internal_affairs", "属于三类内部事务信息"
    WITHHELD_PROCESS_INFO = "withheld_process_info", "属于四类过程性信息"
    WITHHELD_ENFORCEMENT_FILE = "withheld_enforcement_file", "属于行政执法案卷"
    WITHHELD_ADMIN_INQUIRY = "withheld_admin_inquiry", "属于行政查询事项"
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", "本机关不掌握相关政府信息"
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation", "没有现成信息需要另行制作"
    UNAVAILABLE_STILL_UNCLEAR = "unavailable_still_unclear", "补正后申请内容仍不明确"
    NOT_PROCESSED_COMPLAINT = "not_processed_complaint", "信访举报投诉类申请"
    NOT_PROCESSED_DUPLICATE = "not_processed_duplicate", "重复申请"
    NOT_PROCESSED_PUBLICATION = "not_processed_publication", "要求提供公开出版物"
    NOT_PROCESSED_EXCESSIVE = "not_processed_excessive", "无正当理由大量反复申请"
    NOT_PROCESSED_RECONFIRMATION = "not_processed_reconfirmation", "要求行政机关确认或重新出具已获取信息"
    OTHER_NO_CORRECTION = "other_no_correction", \
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    OTHER_FEE_UNPAID = "other_fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    OTHER_MISC = "other_misc", "其他"

    @property
    def group(self) -> OutcomeGroup:
        value = self.value
        if value == "granted":
            return OutcomeGroup.GRANTED
        if value == "partially_granted":
            return OutcomeGroup.PARTIAL
        prefix = value.split("_")[0]
        return {"withheld": OutcomeGroup.WITHHELD, "unavailable": OutcomeGroup.UNAVAILABLE,
                "not": OutcomeGroup.NOT_PROCESSED, "other": OutcomeGroup.OTHER}[prefix]


# What the applicant reads as the result (the public case page, the notices to the applicant): plain words,
# not the 表三 row wording, which is written for the statistics ("部分公开（区分处理的，只计这一情形…）"). One
# entry per Outcome (disclosure_requests/tests/test_applicant_side.py checks that none is missing).
CITIZEN_OUTCOME_LABELS = {
    "granted": "已同意公开",
    "partially_granted": "部分公开（部分信息不予公开，理由见答复书）",
    "withheld_state_secret": "不予公开：属于国家秘密",
    "withheld_prohibited_by_law": "不予公开：法律、行政法规禁止公开",
    "withheld_security_stability": "不予公开：公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    "withheld_third_party_rights": "不予公开：涉及商业秘密、个人隐私等第三方合法权益",
    "withheld_internal_affairs": "不予公开：属于行政机关内部事务信息",
    "withheld_process_info": "不予公开：属于讨论记录、过程稿等过程性信息",
    "withheld_enforcement_file": "不予公开：属于行政执法案卷",
    "withheld_admin_inquiry": "请通过其他途径查询：该信息另有专门的查询办法",
    "unavailable_not_held": "无法提供：本机关没有该信息（答复书写明负责公开的机关）",
    "unavailable_needs_creation": "无法提供：没有现成的信息，需另行制作",
    "unavailable_still_unclear": "无法提供：补正后的申请内容仍不明确",
    "not_processed_complaint": "不作为信息公开申请处理：属于信访、投诉、举报，请按相应途径反映",
    "not_processed_duplicate": "不再重复处理：已就同一内容答复过",
    "not_processed_publication": "不作为信息公开申请处理：所要信息是公开出版物，请通过出版物获取",
    "not_processed_excessive": "不予处理：申请的数量、频次明显超过合理范围",
    "not_processed_reconfirmation": "不予处理：要求确认或重新出具已获取的信息",
    "other_no_correction": "已终止：未在期限内补正，视为放弃申请",
    "other_fee_unpaid": "已终止：未在期限内缴纳信息处理费，视为放弃申请",
    "other_misc": "已办结（详见答复书）",
}


def citizen_outcome_label(outcome: str) -> str:
    return CITIZEN_OUTCOME_LABELS.get(outcome, "") if outcome else ""


# Outcomes whose reply must give reasons (docs/law/requests.md §9).
OUTCOMES_NEEDING_REASONS = [o for o in Outcome if o.group in (OutcomeGroup.WITHHELD, OutcomeGroup.UNAVAILABLE,
                                                              OutcomeGroup.NOT_PROCESSED, OutcomeGroup.PARTIAL)]


class LegacyOutcome(models.TextChoices):
    """2008 条例 第二十一条 replies as the 2014–2018 统计表 counts them; values are `lg.request.<value>` cell ids."""

    ALREADY_PUBLIC = "already_public", "属于已主动公开范围"
    GRANTED = "granted", "同意公开"
    PARTIALLY_GRANTED = "partially_granted", "同意部分公开"
    REFUSED_STATE_SECRET = "refused_state_secret", "不同意公开 · 涉及国家秘密"
    REFUSED_COMMERCIAL_SECRET = "refused_commercial_secret", "不同意公开 · 涉及商业秘密"
    REFUSED_PRIVACY = "refused_privacy", "不同意公开 · 涉及个人隐私"
    REFUSED_SECURITY_STABILITY = "refused_security_stability", "不同意公开 · 危及国家安全、公共安全、经济安全和社会稳定"
    REFUSED_NOT_GOV_INFO = "refused_not_gov_info", "不同意公开 · 不是《条例》所指政府信息"
    REFUSED_OTHER_LEGAL = "refused_other_legal", "不同意公开 · 法律法规规定的其他情形"
    NOT_THIS_AGENCY = "not_this_agency", "不属于本行政机关公开"
    NOT_EXIST = "not_exist", "申请信息不存在"
    TOLD_TO_AMEND = "told_to_amend", "告知作出更改补充"
    TOLD_OTHER_CHANNEL = "told_other_channel", "告知通过其他途径办理"


# The nearest current row for each legacy reply (docs/law/annual-report.md §5, legacy → current crosswalk, INFERRED; for trend charts and
# so that every closed case also has an Outcome). 不是政府信息 and 告知更改补充 have no equivalent: 其他.
LEGACY_TO_OUTCOME = {
    "already_public": "granted", "granted": "granted", "partially_granted": "partially_granted",
    "refused_state_secret": "withheld_state_secret", "refused_commercial_secret": "withheld_third_party_rights",
    "refused_privacy": "withheld_third_party_rights", "refused_security_stability": "withheld_security_stability",
    "refused_not_gov_info": "other_misc", "refused_other_legal": "withheld_prohibited_by_law",
    "not_this_agency": "unavailable_not_held", "not_exist": "unavailable_not_held", "told_to_amend": "other_misc",
    "told_other_channel": "withheld_admin_inquiry",
}


class OutcomeDetail(models.TextChoices):
    ALREADY_PUBLIC = "already_public", "已主动公开，告知获取方式"
    PROVIDED = "provided", "提供信息"
    NOT_EXIST = "not_exist", "信息不存在"
    NOT_RESPONSIBLE = "not_responsible", "不属于本机关负责公开"


class RequestedForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"


class DeliveryMethod(models.TextChoices):
    PICK_UP = "pick_up", "自行领取"
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    DOWNLOAD = "download", "在线下载"
    # 《政府信息公开条例》第四十条: the agency may arrange for the applicant to 查阅、抄录 the information.
    INSPECTION = "inspection", "查阅、抄录"


# A notice is served, not read on site: every delivery method except 查阅、抄录 serves a notice.
NOTICE_DELIVERY_METHODS = [m for m in DeliveryMethod if m != DeliveryMethod.INSPECTION]


class Applicant(models.Model):
    """申请人: a person or organisation. Name, identity number, phone, e-mail, address and the persons named
    (法定代表人, 联系人) are personal data: encrypted at rest, shown only to the staff handling the applicant's cases, never in logs, public pages or exports."""

    applicant_type = models.CharField("申请人类型", max_length=32, choices=ApplicantType.choices)
    # Names and e-mail addresses are encrypted too (docs/privacy.md): nothing searches or sorts by them.
    name = EncryptedTextField("姓名或名称")
    id_type = models.CharField("身份证明类型", max_length=24, choices=IdentityDocumentType.choices)
    id_number = EncryptedTextField("身份证明号码")
    # A keyed hash of the normalised identity number: the natural-month fee counter and duplicate detection
    # group by it without decrypting anything.
    id_key = models.CharField(max_length=64, db_index=True, editable=False)
    legal_representative = EncryptedTextField("法定代表人或负责人", blank=True)
    contact_person = EncryptedTextField("联系人", blank=True)
    phone = EncryptedTextField("联系电话")
    email = EncryptedTextField("电子邮箱", blank=True, validators=[validate_email])
    address = EncryptedTextField("通信地址", blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="公众账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="applicant_profiles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申请人"
        verbose_name_plural = "申请人"

    def __str__(self) -> str:
        return self.name


class TrackingCounter(models.Model):
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="tracking_counter_once")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_serial}"


class DisclosureRequest(models.Model):
    agency = models.ForeignKey("orgs.Agency", verbose_name="受理机关", on_delete=models.PROTECT,
                               related_name="disclosure_requests")
    tracking_number = models.CharField("受理编号", max_length=40, unique=True, null=True, blank=True, editable=False)
    lookup_code = models.CharField("查询码", max_length=16, editable=False)
    applicant = models.ForeignKey(Applicant, verbose_name="申请人", on_delete=models.PROTECT, related_name="requests")
    # Fixed at intake (表三 column); the applicant record may later be corrected, the statistics may not move.
    applicant_type = models.CharField("申请人类型", max_length=32, choices=ApplicantType.choices)
    channel = models.CharField("申请渠道", max_length=24, choices=SubmissionChannel.choices)
    via_email = models.BooleanField("通过电子邮件提交", default=False)
    regime = models.CharField("适用条例", max_length=4, choices=Regime.choices, default=Regime.R2019)
    regime_override_reason = models.CharField("适用条例调整理由", max_length=300, blank=True)
    state = models.CharField("状态", max_length=24, choices=RequestState.choices, default=RequestState.SUBMITTED,
                             db_index=True)
    description = models.TextField("申请公开的政府信息（名称、文号或特征性描述）")
    purpose = models.TextField("用途（选填）", blank=True)
    requested_form = models.CharField("信息的指定提供载体", max_length=16, choices=RequestedForm.choices,
                                      default=RequestedForm.ELECTRONIC)
    delivery_method = models.CharField("获取信息的方式", max_length=16, choices=DeliveryMethod.choices,
                                       default=DeliveryMethod.EMAIL)
    accessibility_assistance = models.BooleanField("需要无障碍协助（第四十三条）", default=False)
    parent = models.ForeignKey("self", verbose_name="拆分自", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="splits")
    transferred_from = models.ForeignKey("orgs.Agency", verbose_name="转自机关", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    # 转办: the first agency's case closes (第三十六条第（五）项) and the receiving agency opens this new one.
    transfer_of = models.OneToOneField("self", verbose_name="转办自申请", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="transferred_to")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="handled_requests")
    submitted_at = models.DateTimeField("提交时间")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    received_on = models.DateField("收到申请之日", null=True, blank=True, db_index=True)
    clock_start_on = models.DateField("答复期限起算日", null=True, blank=True,
                                      help_text="收到申请之日，或补正后收到补正申请之日（第三十条）。")
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True, editable=False)
    due_trace = models.TextField("期限计算说明", blank=True, editable=False)
    due_confirmed = models.BooleanField("期限按已确认日历计算", default=True, editable=False)
    custom_due_on = models.DateField("延迟答复的合理期限（第三十五条）", null=True, blank=True)
    correction_requested_on = models.DateField("补正告知日期", null=True, blank=True)
    correction_items = models.TextField("需要补正的事项", blank=True)
    correction_due_on = models.DateField("补正期限", null=True, blank=True)
    correction_received_on = models.DateField("收到补正之日", null=True, blank=True)
    # What the applicant corrected (typed online, or written down by staff from the paper): the reply quotes it.
    correction_text = models.TextField("补正后的申请内容", blank=True)
    correction_answered_at = models.DateTimeField("网上提交补正时间", null=True, blank=True)
    # 送达 by 在线下载: the applicant's first download of the reply letter or a released file.
    served_at = models.DateTimeField("在线下载送达时间", null=True, blank=True)
    correction_notice_late = models.BooleanField("补正告知超过7个工作日", default=False, editable=False)
    reason_requested_on = models.DateField("要求说明理由日期（第三十五条）", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    closed_late = models.BooleanField("逾期答复", default=False, editable=False)
    outcome = models.CharField("办理结果", max_length=40, choices=Outcome.choices, blank=True)
    outcome_detail = models.CharField("办理结果细分", max_length=24, choices=OutcomeDetail.choices, blank=True)
    legacy_outcome = models.CharField("办理结果（2008年条例）", max_length=32, choices=LegacyOutcome.choices, blank=True)
    secondary_outcomes = models.JSONField("其他答复理由（不计入统计）", default=list, blank=True)
    legal_basis = models.CharField("法律依据", max_length=300, blank=True)
    reasons = models.TextField("理由", blank=True)
    competent_agency = models.CharField("负责公开的机关及联系方式", max_length=300, blank=True)
    # 第四十四条: catalogue drafts made from this case (services.promote writes it; the audit trail only audits).
    promoted_documents = models.ManyToManyField("catalog.Document", verbose_name="转为主动公开的信息", blank=True,
                                                related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state", "due_on"], name="request_queue"),
            models.Index(fields=["agency", "received_on"], name="request_received"),
            models.Index(fields=["agency", "closed_on"], name="request_closed"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["closed", "archived"], outcome__gt="")
                                   | (~Q(state__in=["closed", "archived"]) & Q(outcome="")),
                                   name="outcome_iff_closed"),
            models.CheckConstraint(condition=Q(legacy_outcome="") | (Q(regime="2008") & Q(state__in=["closed", "archived"])),
                                   name="legacy_outcome_only_closed_2008"),
        ]

    def __str__(self) -> str:
        return self.tracking_number or f"待确认申请 #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def outcome_group(self):
        return Outcome(self.outcome).group if self.outcome else None


class PauseKind(models.TextChoices):
    THIRD_PARTY_OPINION = "third_party_opinion", "征求第三方意见"
    AGENCY_OPINION = "agency_opinion", "征求其他机关意见"
    FEE = "fee", "缴纳信息处理费"


class ClockPause(models.Model):
    """期限中止: an interval not counted in the reply period (第三十三条第三款; fee: configurable)."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField("类型", max_length=24, choices=PauseKind.choices)
    start = models.DateField("开始")
    end = models.DateField("结束", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "期限中止"
        verbose_name_plural = "期限中止"
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}—{self.end or '进行中'}"


class OpinionKind(models.TextChoices):
    THIRD_PARTY = "third_party", "第三方"
    AGENCY = "agency", "其他机关"


class OpinionResult(models.TextChoices):
    PENDING = "pending", "尚未答复"
    CONSENT = "consent", "同意公开"
    OBJECTION = "objection", "不同意公开"
    LAPSED = "lapsed", "逾期未答复"
    # The agency replied to the applicant (with a refusal or another non-disclosure outcome) before the
    # other side's 15 working days ran out; the consultation ends with the reply.
    ENDED = "ended", "答复时结束征求"


class OpinionRequest(models.Model):
    """征求意见 (第三十二条 third party, 15 WD, silence is not consent; 第三十四条 other agency, 15 WD, silence
    is consent)."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="opinion_requests")
    kind = models.CharField("征求对象", max_length=16, choices=OpinionKind.choices)
    addressee = models.CharField("被征求意见方", max_length=200)
    sent_on = models.DateField("发出征求意见书日期")
    received_on = models.DateField("对方收到日期", null=True, blank=True)
    reply_due_on = models.DateField("答复期限", null=True, blank=True, editable=False)
    result = models.CharField("结果", max_length=16, choices=OpinionResult.choices, default=OpinionResult.PENDING)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    opinion = models.TextField("意见及理由", blank=True)
    pause = models.OneToOneField(ClockPause, on_delete=models.PROTECT, related_name="opinion_request")
    # 第三十二条: disclosure over the third party's objection (public interest) needs a written notice to the
    # third party stating what will be disclosed and why, before the disclosure.
    disclosure_notice_on = models.DateField("书面告知第三方决定公开日期", null=True, blank=True)
    disclosure_content = models.TextField("决定公开的政府信息内容", blank=True)
    disclosure_reasons = models.TextField("决定公开的理由", blank=True)

    class Meta:
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"征求{self.get_kind_display()}意见：{self.addressee}"

    @property
    def silence_means_consent(self) -> bool:
        return self.kind == OpinionKind.AGENCY


class Extension(models.Model):
    """延长答复期限 (第三十三条第二款): approved by the head of the disclosure office and notified."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField("延长工作日数")
    reason = models.CharField("理由", max_length=300)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT,
                                 related_name="+")
    approved_on = models.DateField("批准日期")
    notified_on = models.DateField("告知申请人日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "延期答复"
        verbose_name_plural = "延期答复"
        ordering = ["approved_on", "id"]

    def __str__(self) -> str:
        return f"延长 {self.working_days} 个工作日（{self.approved_on}）"


class FeeMethod(models.TextChoices):
    PER_ITEM = "per_item", "按件计收"
    PER_PAGE = "per_page", "按量计收"


class FeeNotice(models.Model):
    """收费通知 (国办函〔2020〕109号). Amounts are exact decimals in 元."""

    request = models.OneToOneField(DisclosureRequest, on_delete=models.CASCADE, related_name="fee_notice")
    method = models.CharField("计收方式", max_length=16, choices=FeeMethod.choices)
    monthly_ordinal = models.PositiveIntegerField("本自然月累计申请件数序号", null=True, blank=True)
    pages = models.PositiveIntegerField("页数", null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    computation = models.TextField("计算说明")
    served_on = models.DateField("送达日期")
    fee_due_on = models.DateField("缴费期限")
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    payment_reference = models.CharField("非税收入缴款书编号", max_length=80, blank=True)
    waived = models.BooleanField("减免", default=False)
    waiver_reason = models.CharField("减免理由", max_length=300, blank=True)
    pause = models.OneToOneField(ClockPause, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "收费通知"
        verbose_name_plural = "收费通知"

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} 元"


class NoticeKind(models.TextChoices):
    REPLY = "reply", "政府信息公开申请答复告知书"
    CORRECTION = "correction", "补正告知书"
    EXTENSION = "extension", "延期答复告知书"
    OPINION = "opinion", "征求意见函"
    FEE = "fee", "收费通知书"
    RECEIPT = "receipt", "政府信息公开申请登记回执"
    PUBLIC_INTEREST = "public_interest", "决定公开告知书（第三方）"


class Notice(models.Model):
    """A generated 告知书 (or 通知书, 征求意见函, 登记回执: see NoticeKind), archived with the case; its delivery
    is recorded. Written by disclosure_requests.notices; not the 领导信箱's letters.Letter."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("文书", max_length=16, choices=NoticeKind.choices)
    docx = models.FileField("DOCX", upload_to="notices/%Y/", max_length=300)
    pdf = models.FileField("PDF", upload_to="notices/%Y/", max_length=300, blank=True)
    issued_on = models.DateField("出具日期")
    delivery_method = models.CharField("送达方式", max_length=16, blank=True,
                                       choices=[(m.value, m.label) for m in NOTICE_DELIVERY_METHODS])
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_reference = models.CharField("邮件号或回执", max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.issued_on}）"


class CaseFileKind(models.TextChoices):
    CORRECTION = "correction", "补正材料"
    RELEASE = "release", "公开的政府信息"


class CaseFile(models.Model):
    """A file of the exchange with the applicant: material sent with a 补正 (from the applicant), or information
    released with the reply (from the agency). Stored through default_storage under a name made of the case
    number, never the applicant's file name; never public: the applicant reaches it with number + 查询码."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类型", max_length=16, choices=CaseFileKind.choices)
    file = models.FileField("文件", upload_to="request-files/%Y/", max_length=300)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    downloaded_at = models.DateTimeField("申请人首次下载时间", null=True, blank=True)

    class Meta:
        verbose_name = "申请文件"
        verbose_name_plural = "申请文件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class NotificationEvent(models.TextChoices):
    SUBMITTED = "submitted", "网上申请已提交"
    RECEIVED = "received", "已收到申请"
    CORRECTION = "correction", "需要补正"
    CORRECTION_RECEIVED = "correction_received", "已收到补正"
    EXTENSION = "extension", "延长答复期限"
    OPINION = "opinion", "征求意见（期限中止）"
    REPLY = "reply", "已答复"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    LOGGED = "logged", "已记录（未接入短信服务，未实际发送）"
    FAILED = "failed", "发送失败"


class ApplicantNotification(models.Model):
    """The notice log of a case: each message to the applicant (e-mail or SMS) with its text and what became
    of it. The address or phone number is not stored: the sending job reads it from the applicant when it
    runs, so the log, the job table and the worker's log never hold it."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField("事项", max_length=24, choices=NotificationEvent.choices)
    channel = models.CharField("方式", max_length=8, choices=NotificationChannel.choices)
    status = models.CharField("状态", max_length=8, choices=NotificationStatus.choices,
                              default=NotificationStatus.QUEUED)
    subject = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("内容")
    error = models.CharField("错误", max_length=500, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "申请人通知"
        verbose_name_plural = "申请人通知"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_event_display()}（{self.get_channel_display()}）"


class NotificationTemplate(models.Model):
    """A staff-edited wording of one notice to the applicant (event × channel); without a row the shipped
    default (disclosure_requests.messaging.DEFAULTS) is used. Django template syntax over a small context of
    plain values (messaging.CONTEXT_NAMES), checked when saved (messaging.save_template)."""

    event = models.CharField("事项", max_length=24, choices=NotificationEvent.choices)
    channel = models.CharField("方式", max_length=8, choices=NotificationChannel.choices)
    subject = models.CharField("邮件标题", max_length=200, blank=True)
    body = models.TextField("内容")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "申请人通知模板"
        verbose_name_plural = "申请人通知模板"
        constraints = [models.UniqueConstraint(fields=["event", "channel"], name="notification_template_once")]

    def __str__(self) -> str:
        return f"{self.get_event_display()}（{self.get_channel_display()}）"
