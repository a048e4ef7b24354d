"""行政复议 / 行政诉讼 about disclosure (条例 第五十一条); 表四 is a direct count over these records."""

from django.db import models


class AppealKind(models.TextChoices):
    ADMIN_REVIEW = "review", "行政复议"
    LAWSUIT_DIRECT = "suit_direct", "行政诉讼（未经复议直接起诉）"
    LAWSUIT_AFTER_REVIEW = "suit_after_review", "行政诉讼（复议后起诉）"


class AppealResult(models.TextChoices):
    UPHELD = "upheld", "结果维持"
    CORRECTED = "corrected", "结果纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"


class Appeal(models.Model):
    agency = models.ForeignKey("orgs.Agency", verbose_name="被申请人（机关）", on_delete=models.PROTECT,
                               related_name="appeals")
    kind = models.CharField("类型", max_length=24, choices=AppealKind.choices)
    request = models.ForeignKey("disclosure_requests.DisclosureRequest", verbose_name="相关申请", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="appeals")
    document = models.ForeignKey("catalog.Document", verbose_name="相关政府信息（主动公开）", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="appeals")
    prior_review = models.ForeignKey("self", verbose_name="此前的行政复议", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="lawsuits")
    subject = models.CharField("案由", max_length=300)
    body = models.CharField("复议机关或法院", max_length=200)
    case_number = models.CharField("案号", max_length=100, blank=True)
    filed_on = models.DateField("申请或起诉日期", db_index=True)
    result = models.CharField("结果", max_length=16, choices=AppealResult.choices, default=AppealResult.PENDING)
    decided_on = models.DateField("决定或判决日期", null=True, blank=True)
    decision_summary = models.TextField("决定或判决要旨", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "行政复议、行政诉讼"
        verbose_name_plural = "行政复议、行政诉讼"
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(result="pending", decided_on__isnull=True)
                                   | (~models.Q(result="pending") & models.Q(decided_on__isnull=False)),
                                   name="appeal_decided_iff_result"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"
