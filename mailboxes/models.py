"""领导信箱 / 网上留言 (docs/law/letters-mailbox.md: the three-month line, the reply period).

A Letter is written to a Mailbox (a leader's or an agency's), screened as 有效 or 无效 (with a reason, which
takes it off the reply clock), assigned or transferred to the agency that handles it (each move kept as a
LetterTransfer), answered, and — when the writer allowed it — its reply published with personal data
removed. The writer's contact details are encrypted at rest and never shown on public pages."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.privacy import EncryptedTextField


class LetterType(models.TextChoices):
    INQUIRY = "inquiry", "咨询"
    SUGGESTION = "suggestion", "建议"
    COMPLAINT = "complaint", "投诉"
    HELP = "help", "求助"


class MailboxKind(models.TextChoices):
    LEADER = "leader", "领导信箱"
    AGENCY = "agency", "部门信箱"


class LetterState(models.TextChoices):
    SUBMITTED = "submitted", "待甄别"
    IN_PROGRESS = "in_progress", "办理中"
    ANSWERED = "answered", "已答复"
    INVALID = "invalid", "无效来信"
    CONVERTED = "converted", "已转为政府信息公开申请"


# States in which the reply clock runs (the three-month line: only invalid letters, with a reason,
# leave the clock).
OPEN_STATES = (LetterState.SUBMITTED, LetterState.IN_PROGRESS)


class InvalidReason(models.TextChoices):
    DUPLICATE = "duplicate", "重复来信"
    ABUSIVE = "abusive", "含有辱骂、攻击等不文明内容"
    NOT_GOVERNMENT = "not_government", "不属于政务事项"
    NO_CONTENT = "no_content", "内容空泛，无法办理"
    SPAM = "spam", "广告或垃圾信息"
    OTHER_CHANNEL = "other_channel", "属于诉讼、仲裁、信访等其他法定途径处理的事项"
    OTHER = "other", "其他（见说明）"


class Satisfaction(models.TextChoices):
    """The five grades of 政务服务“好差评” (国办发〔2019〕51号); the last two are 差评, which the agency follows up."""

    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    FAIRLY_SATISFIED = "fairly_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"


POOR_RATINGS = (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)


class Mailbox(models.Model):
    agency = models.ForeignKey("orgs.Agency", verbose_name="所属机关", on_delete=models.PROTECT,
                               related_name="mailboxes")
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("信箱名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=MailboxKind.choices, default=MailboxKind.AGENCY)
    intro = models.TextField("说明", blank=True)
    # Overrides GONGKAI_LETTER_REPLY_WD for this mailbox (local rules differ, e.g. 沈阳 3 WD).
    reply_wd = models.PositiveSmallIntegerField("答复期限（工作日，留空按来信类型）", null=True, blank=True)
    is_active = models.BooleanField("接收来信", default=True)

    class Meta:
        verbose_name = "信箱"
        verbose_name_plural = "信箱"
        ordering = ["agency__path", "name"]

    def __str__(self) -> str:
        return self.name


class LetterCounter(models.Model):
    """The last 来信编号 serial of a year; the locked row keeps numbers distinct under concurrent letters."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_serial}"


class Letter(models.Model):
    mailbox = models.ForeignKey(Mailbox, verbose_name="信箱", on_delete=models.PROTECT, related_name="letters")
    # The agency now handling the letter; the mailbox's agency keeps seeing it (letters.views.visible_letters).
    agency = models.ForeignKey("orgs.Agency", verbose_name="办理机关", on_delete=models.PROTECT,
                               related_name="letters")
    number = models.CharField("来信编号", max_length=20, unique=True)
    lookup_code = models.CharField("查询码", max_length=8)
    letter_type = models.CharField("来信类型", max_length=16, choices=LetterType.choices)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("来信内容")
    writer_name = EncryptedTextField("姓名")
    writer_phone = EncryptedTextField("联系电话", blank=True)
    writer_email = EncryptedTextField("电子邮箱", blank=True)
    writer_address = EncryptedTextField("通信地址", blank=True)
    consent_to_publish = models.BooleanField("同意公开", default=False)
    submitted_at = models.DateTimeField("提交时间")
    received_on = models.DateField("受理日期", db_index=True)
    state = models.CharField("状态", max_length=16, choices=LetterState.choices, default=LetterState.SUBMITTED,
                             db_index=True)
    is_valid = models.BooleanField("有效来信", null=True, blank=True)  # None: not screened yet
    invalid_reason = models.CharField("无效理由", max_length=20, choices=InvalidReason.choices, blank=True)
    invalid_note = models.CharField("无效说明", max_length=500, blank=True)
    screened_on = models.DateField("甄别日期", null=True, blank=True)
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True)
    due_trace = models.TextField("期限计算说明", blank=True)
    extension_wd = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_reason = models.CharField("延长理由", max_length=500, blank=True)
    veto_on = models.DateField("三个月期满日", null=True, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_agency = models.ForeignKey("orgs.Agency", verbose_name="答复部门", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复撰写人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    public_reply = models.TextField("公开的答复内容", blank=True)
    public_body = models.TextField("公开的来信内容", blank=True)
    # Publication is proposed by one person and approved by another, never by the reply's author.
    publication_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提请公开人", null=True,
                                                blank=True, on_delete=models.SET_NULL, related_name="+")
    publication_proposed_at = models.DateTimeField("提请公开时间", null=True, blank=True)
    publication_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="公开审核人", null=True,
                                                blank=True, on_delete=models.SET_NULL, related_name="+")
    publication_returned_note = models.CharField("退回说明", max_length=500, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True, db_index=True)
    satisfaction = models.CharField("满意度评价", max_length=20, choices=Satisfaction.choices, blank=True)
    satisfaction_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    converted_request = models.OneToOneField("disclosure_requests.DisclosureRequest", verbose_name="转为的公开申请",
                                             null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="from_letter")
    source_request = models.OneToOneField("disclosure_requests.DisclosureRequest",
                                          verbose_name="来自的公开申请（第三十九条）", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="as_letter")

    class Meta:
        verbose_name = "来信"
        verbose_name_plural = "来信"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(name="letter_invalid_has_reason",
                                   condition=~Q(is_valid=False) | ~Q(invalid_reason="")),
            models.CheckConstraint(name="letter_published_needs_consent",
                                   condition=Q(published_at__isnull=True) | Q(consent_to_publish=True)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def publication_pending(self) -> bool:
        return self.publication_proposed_at is not None and self.published_at is None

    @property
    def poorly_rated(self) -> bool:
        return self.satisfaction in POOR_RATINGS


class LetterTransfer(models.Model):
    """One assignment or transfer: the history of who handled the letter."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey("orgs.Agency", verbose_name="原办理机关", on_delete=models.PROTECT,
                                    related_name="+")
    to_agency = models.ForeignKey("orgs.Agency", verbose_name="交办至", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("交办说明", max_length=500, blank=True)
    transferred_on = models.DateField("交办日期")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_agency} → {self.to_agency}"


class LetterAttachment(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="letters/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name
