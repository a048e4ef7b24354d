"""更正申请 (《政府信息公开条例》第四十一条; docs/law/rectification.md).

A person or organisation with evidence that a government-information record about them is inaccurate asks the
agency to correct it. The agency that may correct it checks the evidence and either corrects the record and tells
the applicant (予以更正) or refuses with reasons (不予更正); an agency that may not correct it transfers the
request to the one that may and tells the applicant (转送), or tells the applicant where to apply (告知另行提出).
The applicant's contact details are encrypted at rest and seen only by the staff handling the case."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.privacy import EncryptedTextField


class RectificationState(models.TextChoices):
    RECEIVED = "received", "办理中"
    DECIDED = "decided", "已办结"


class Decision(models.TextChoices):
    CORRECTED = "corrected", "予以更正"
    REFUSED = "refused", "不予更正"
    TRANSFERRED = "transferred", "转送有权更正的行政机关"
    REFERRED = "referred", "告知向有权更正的行政机关提出"


class RefusalReason(models.TextChoices):
    NOT_INACCURATE = "not_inaccurate", "经审核，该信息记录准确，不存在需要更正的情形"
    NO_EVIDENCE = "no_evidence", "未能提供证明该信息记录不准确的证据"
    NOT_OWN_RECORD = "not_own_record", "要求更正的信息不是与申请人自身相关的政府信息记录"
    NOT_GOVERNMENT_INFORMATION = "not_government_information", "要求更正的内容不属于本机关提供的政府信息"
    OTHER = "other", "其他理由（见说明）"


class Channel(models.TextChoices):
    ONLINE = "online", "网上提交"
    LETTER = "letter", "信函"
    IN_PERSON = "in_person", "当面提交"


class RectificationCounter(models.Model):
    """The last serial of a year; the locked row keeps numbers distinct under concurrent submissions."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_serial}"


class RecordRectificationRequest(models.Model):
    agency = models.ForeignKey("orgs.Agency", verbose_name="办理机关", on_delete=models.PROTECT,
                               related_name="rectification_requests")
    number = models.CharField("更正申请编号", max_length=20, unique=True)
    lookup_code = models.CharField("查询码", max_length=8)
    channel = models.CharField("提交方式", max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    applicant_type = models.CharField("申请人类型", max_length=32, default="natural_person")
    applicant_name = EncryptedTextField("申请人姓名或名称")
    applicant_phone = EncryptedTextField("联系电话", blank=True)
    applicant_email = EncryptedTextField("电子邮箱", blank=True)
    applicant_address = EncryptedTextField("通信地址", blank=True)
    record_description = models.TextField("需要更正的信息记录")
    inaccuracy = models.TextField("不准确之处及应更正的内容")
    evidence = models.TextField("证据说明", blank=True)
    related_request_number = models.CharField("相关的公开申请编号", max_length=40, blank=True)
    received_on = models.DateField("收到日期", db_index=True)
    due_on = models.DateField("办理期限", db_index=True)
    due_trace = models.TextField("期限计算说明", blank=True)
    state = models.CharField("状态", max_length=16, choices=RectificationState.choices,
                             default=RectificationState.RECEIVED, db_index=True)
    decision = models.CharField("办理结果", max_length=16, choices=Decision.choices, blank=True)
    decided_on = models.DateField("办结日期", null=True, blank=True)
    correction_made = models.TextField("更正的内容", blank=True)
    refusal_reason = models.CharField("不予更正理由", max_length=32, choices=RefusalReason.choices, blank=True)
    decision_note = models.TextField("说明", blank=True)
    competent_agency_name = models.CharField("有权更正的行政机关", max_length=200, blank=True)
    transferred_to = models.OneToOneField("self", verbose_name="转送后的更正申请", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="transferred_from")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "更正申请"
        verbose_name_plural = "更正申请"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(name="rectification_refusal_has_reason",
                                   condition=~Q(decision="refused") | ~Q(refusal_reason="")),
            models.CheckConstraint(name="rectification_decided_has_date",
                                   condition=Q(state="received") | Q(decided_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"更正申请 {self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == RectificationState.RECEIVED


class RectificationEvidence(models.Model):
    request = models.ForeignKey(RecordRectificationRequest, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(upload_to="rectifications/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name
