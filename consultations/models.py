"""意见征集 (docs/law/consultations.md §1, §2) and the records of 回应关切 (§3; legacy table 二、回应解读情况,
docs/law/annual-report.md §5).

A Consultation is opened on a draft for a period checked against the minimum for its kind (a shorter
period needs `shortening_reason`); comments are moderated (only the masked text of approved ones is
shown, never who wrote them); after the period the agency publishes a ConsultationFeedback (采纳情况 and
the reasons for not adopting) and only then may close it; the final document links back to it."""

from django.db import models
from django.db.models import Q

from gongkai.privacy import EncryptedTextField


class ConsultationKind(models.TextChoices):
    RULE_DRAFT = "rule_draft", "规章草案"
    NORMATIVE_DOC = "normative_doc", "行政规范性文件"
    MARKET_NORMATIVE_DOC = "market_normative_doc", "涉及市场主体的行政规范性文件"
    MAJOR_DECISION = "major_decision", "重大行政决策"
    OTHER = "other", "其他"


class ConsultationState(models.TextChoices):
    DRAFT = "draft", "未发布"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"


class Consultation(models.Model):
    agency = models.ForeignKey("orgs.Agency", verbose_name="征集机关", on_delete=models.PROTECT,
                               related_name="consultations")
    title = models.CharField("标题", max_length=200)
    kind = models.CharField("征集类型", max_length=24, choices=ConsultationKind.choices)
    draft_text = models.TextField("草案内容")
    explanation = models.TextField("起草说明", blank=True)
    opens_on = models.DateField("征集开始日期")
    closes_on = models.DateField("征集截止日期")
    shortening_reason = models.CharField("缩短征求意见期限的理由", max_length=500, blank=True)
    state = models.CharField("状态", max_length=12, choices=ConsultationState.choices,
                             default=ConsultationState.DRAFT, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    feedback_due_on = models.DateField("反馈公布期限", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    # catalog may not be edited: the link lives here (the final document's page can look it up).
    final_document = models.ForeignKey("catalog.Document", verbose_name="最终文件", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="consultations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "意见征集"
        verbose_name_plural = "意见征集"
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(name="consultation_period_order", condition=Q(closes_on__gte=models.F("opens_on"))),
        ]

    def __str__(self) -> str:
        return self.title


class CommentStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已采用显示"
    REJECTED = "rejected", "不予显示"


class Adoption(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class ConsultationComment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField("意见内容")
    public_body = models.TextField("公开的意见内容", blank=True)  # masked copy, set on approval
    commenter_name = EncryptedTextField("姓名或单位", blank=True)
    commenter_contact = EncryptedTextField("联系方式", blank=True)
    submitted_at = models.DateTimeField("提交时间")
    status = models.CharField("审核状态", max_length=12, choices=CommentStatus.choices,
                              default=CommentStatus.PENDING)
    moderation_reason = models.CharField("不予显示的理由", max_length=300, blank=True)
    adoption = models.CharField("采纳情况", max_length=12, choices=Adoption.choices, blank=True)
    rejection_reason = models.TextField("未采纳理由", blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"意见 {self.pk}"


class ConsultationFeedback(models.Model):
    """采纳情况反馈: counts over the online comments and those received otherwise (letters, meetings)."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="feedback")
    received_count = models.PositiveIntegerField("收到意见（条）")
    adopted_count = models.PositiveIntegerField("采纳（条）")
    partly_count = models.PositiveIntegerField("部分采纳（条）")
    not_adopted_count = models.PositiveIntegerField("未采纳（条）")
    summary = models.TextField("采纳情况说明")
    rejection_reason = models.TextField("未采纳理由", blank=True)
    published_on = models.DateField("公布日期")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="feedback_counts_add_up",
                condition=Q(received_count=models.F("adopted_count") + models.F("partly_count")
                            + models.F("not_adopted_count"))),
        ]


# --- 回应关切 (docs/law/consultations.md §3) and the legacy 回应解读 rows --------------------------------

    def __str__(self) -> str:
        return f"{self.consultation} 采纳情况"


class ResponseChannel(models.TextChoices):
    PRESS_CONFERENCE = "press_conference", "新闻发布会"
    ONLINE_INTERVIEW = "online_interview", "在线访谈"
    WEBSITE = "website", "政府网站"
    WEIBO_WECHAT = "weibo_wechat", "微博微信"
    MEDIA = "media", "新闻媒体"
    OTHER = "other", "其他方式"


class PublicConcernResponse(models.Model):
    """回应关切 / 舆情回应. The public-concern timers (docs/law/consultations.md §3; 国办发〔2016〕61号):
    特别重大/重大 incidents — authoritative information within 5 h, a press conference within 24 h; other 政务舆情
    answered within 48 h."""

    agency = models.ForeignKey("orgs.Agency", verbose_name="回应机关", on_delete=models.PROTECT,
                               related_name="concern_responses")
    topic = models.CharField("热点或舆情", max_length=200)
    occurred_at = models.DateTimeField("发生或发现时间")
    is_major = models.BooleanField("特别重大或重大突发事件", default=False)
    authoritative_at = models.DateTimeField("发布权威信息时间", null=True, blank=True)
    press_conference_at = models.DateTimeField("召开新闻发布会时间", null=True, blank=True)
    responded_at = models.DateTimeField("回应时间", null=True, blank=True)
    channels = models.JSONField("回应渠道", default=list, blank=True)
    response = models.TextField("回应内容", blank=True)

    class Meta:
        verbose_name = "回应关切"
        verbose_name_plural = "回应关切"
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return self.topic


class ResponseEvent(models.Model):
    """A 新闻发布会 or an 在线访谈 (legacy rows 14–17): both are counted the same way, each in its own table."""

    agency = models.ForeignKey("orgs.Agency", verbose_name="举办或参加机关", on_delete=models.PROTECT,
                               related_name="%(class)s_events")
    title = models.CharField("主题", max_length=200)
    held_on = models.DateField("日期")
    head_attended = models.BooleanField("主要负责同志参加", default=False)
    concern = models.ForeignKey(PublicConcernResponse, verbose_name="回应的热点", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="%(class)s_events")

    class Meta:
        abstract = True
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PressConference(ResponseEvent):
    pass


class OnlineInterview(ResponseEvent):
    pass
