"""政府信息 (Document) and its catalogue metadata, named as in docs/law/proactive-disclosure.md §3.

State changes only in catalog.services; these models hold data and derived read-only helpers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class DocumentKind(models.TextChoices):
    """文件种类: 表二 第二十条第（一）项 counts RULE and NORMATIVE_DOCUMENT."""

    ADMIN_REGULATION = "admin_regulation", "行政法规"
    RULE = "rule", "规章"
    NORMATIVE_DOCUMENT = "normative_document", "行政规范性文件"
    OTHER = "other", "其他公文"


class StatutoryItem(models.IntegerChoices):
    """条例 第二十条 items (VERBATIM)."""

    ITEM_01 = 1, "（一）行政法规、规章和规范性文件"
    ITEM_02 = 2, "（二）机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名"
    ITEM_03 = 3, "（三）国民经济和社会发展规划、专项规划、区域规划及相关政策"
    ITEM_04 = 4, "（四）国民经济和社会发展统计信息"
    ITEM_05 = 5, "（五）办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果"
    ITEM_06 = 6, "（六）实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定"
    ITEM_07 = 7, "（七）财政预算、决算信息"
    ITEM_08 = 8, "（八）行政事业性收费项目及其依据、标准"
    ITEM_09 = 9, "（九）政府集中采购项目的目录、标准及实施情况"
    ITEM_10 = 10, "（十）重大建设项目的批准和实施情况"
    ITEM_11 = 11, "（十一）扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况"
    ITEM_12 = 12, "（十二）突发公共事件的应急预案、预警信息及应对情况"
    ITEM_13 = 13, "（十三）环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"
    ITEM_14 = 14, "（十四）公务员招考的职位、名额、报考条件等事项以及录用结果"
    ITEM_15 = 15, "（十五）法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息"


class LocalItem(models.TextChoices):
    """条例 第二十一条: level-specific content (市/县 governments and departments; 乡镇)."""

    MUNICIPAL_CONSTRUCTION = "municipal_construction", "市政建设"
    PUBLIC_SERVICE = "public_service", "公共服务"
    PUBLIC_WELFARE = "public_welfare", "公益事业"
    LAND_EXPROPRIATION = "land_expropriation", "土地征收"
    HOUSING_EXPROPRIATION = "housing_expropriation", "房屋征收"
    PUBLIC_SECURITY = "public_security", "治安管理"
    SOCIAL_ASSISTANCE = "social_assistance", "社会救助"
    RURAL_POLICY = "rural_policy", "贯彻落实农业农村政策"
    IRRIGATION = "irrigation", "农田水利工程建设运营"
    LAND_CONTRACT_TRANSFER = "land_contract_transfer", "农村土地承包经营权流转"
    HOMESTEAD_REVIEW = "homestead_review", "宅基地使用情况审核"
    FUND_AND_LABOUR = "fund_and_labour", "筹资筹劳"


TOWNSHIP_LOCAL_ITEMS = [LocalItem.RURAL_POLICY, LocalItem.IRRIGATION, LocalItem.LAND_CONTRACT_TRANSFER,
                        LocalItem.HOMESTEAD_REVIEW, LocalItem.LAND_EXPROPRIATION, LocalItem.HOUSING_EXPROPRIATION,
                        LocalItem.FUND_AND_LABOUR, LocalItem.SOCIAL_ASSISTANCE]
COUNTY_LOCAL_ITEMS = [LocalItem.MUNICIPAL_CONSTRUCTION, LocalItem.PUBLIC_SERVICE, LocalItem.PUBLIC_WELFARE,
                      LocalItem.LAND_EXPROPRIATION, LocalItem.HOUSING_EXPROPRIATION, LocalItem.PUBLIC_SECURITY,
                      LocalItem.SOCIAL_ASSISTANCE]


class DisclosureAttribute(models.TextChoices):
    PROACTIVE = "proactive", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    WITHHELD = "withheld", "不予公开"


class WithholdingGround(models.TextChoices):
    """The 8 不予公开 grounds; values equal the `withheld_*` Outcome codes of 表三 (docs/law/requests.md §9)."""

    STATE_SECRET = "withheld_state_secret", "属于国家秘密"
    PROHIBITED_BY_LAW = "withheld_prohibited_by_law", "其他法律行政法规禁止公开"
    SECURITY_STABILITY = "withheld_security_stability", "危及“三安全一稳定”"
    THIRD_PARTY_RIGHTS = "withheld_third_party_rights", "保护第三方合法权益"
    INTERNAL_AFFAIRS = "withheld_internal_affairs", "属于三类内部事务信息"
    PROCESS_INFO = "withheld_process_info", "属于四类过程性信息"
    ENFORCEMENT_FILE = "withheld_enforcement_file", "属于行政执法案卷"
    ADMIN_INQUIRY = "withheld_admin_inquiry", "属于行政查询事项"


class PublicationChannel(models.TextChoices):
    """公开渠道 kept for the legacy (2014–2018) statistics rows."""

    WEBSITE = "website", "政府网站"
    GAZETTE = "gazette", "政府公报"
    WEIBO = "weibo", "政务微博"
    WECHAT = "wechat", "政务微信"
    OTHER = "other", "其他方式"


class Validity(models.TextChoices):
    IN_FORCE = "in_force", "有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "失效"


class InterpretationForm(models.TextChoices):
    TEXT = "text", "文字"
    GRAPHIC = "graphic", "图解"
    VIDEO = "video", "视频"
    EXPERT = "expert", "专家解读"
    MEDIA = "media", "媒体解读"
    QA = "qa", "问答"


class DocumentStatus(models.TextChoices):
    """起草 → 保密审查 → 审核 → 发布; 撤回 keeps the record (staff see 已撤回, the public gets 410)."""

    DRAFT = "draft", "起草"
    SECRECY_REVIEW = "secrecy_review", "保密审查"
    REVIEW = "review", "审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Topic(models.Model):
    """主题分类 (the national theme taxonomy, editable data)."""

    code = models.CharField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey("self", verbose_name="上级分类", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name}／{self.name}" if self.parent_id else self.name

    @classmethod
    def with_subthemes(cls, topic_id: int, using: str = "default") -> list[int]:
        """The theme's id and its sub-themes' ids: what filtering by a theme means."""
        return [topic_id, *cls.objects.using(using).filter(parent_id=topic_id).values_list("pk", flat=True)]


class Genre(models.Model):
    """体裁分类 (规章, 行政规范性文件, 政策解读, 工作动态, 通知公告, 年度报告 …)."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    # Which kind of 栏目 the genre feeds, for the update-frequency checks (the columns fresh rule,
    # docs/law/web.md §2).
    column_type = models.CharField("栏目类型", max_length=20, blank=True,
                                   choices=[("news", "动态/要闻"), ("notice", "通知公告"), ("policy", "政策文件"),
                                            ("report", "年度报告"), ("other", "其他")])
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "体裁分类"
        verbose_name_plural = "体裁分类"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


INTERPRETATION_GENRE = "interpretation"


class IndexCounter(models.Model):
    """The last 索引号 serial used by an agency in a year; locked row per (agency, year) keeps serials
    gapless and unique under concurrent publication."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="index_counter_once")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last_serial}"


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """What the portal may show: published and proactively disclosed."""
        return self.filter(status=DocumentStatus.PUBLISHED, disclosure_attribute=DisclosureAttribute.PROACTIVE)

    def interpretations(self):
        return self.filter(genre__code=INTERPRETATION_GENRE)


class Document(models.Model):
    publisher = models.ForeignKey("orgs.Agency", verbose_name="发布机构", on_delete=models.PROTECT,
                                  related_name="documents")
    co_publishers = models.ManyToManyField("orgs.Agency", verbose_name="联合发文机构", blank=True,
                                           related_name="co_published_documents")
    index_number = models.CharField("索引号", max_length=80, unique=True, null=True, blank=True, editable=False)
    index_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    index_serial = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField("标题", max_length=300)
    document_number = models.CharField("文号", max_length=80, blank=True)
    # 文号 with 〔〕/[]/() variants folded, for the duplicate warning and for search.
    document_number_key = models.CharField(max_length=80, blank=True, db_index=True, editable=False)
    summary = models.CharField("内容概述", max_length=500, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True)
    kind = models.CharField("文件种类", max_length=24, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    genre = models.ForeignKey(Genre, verbose_name="体裁分类", on_delete=models.PROTECT, related_name="documents")
    topic = models.ForeignKey(Topic, verbose_name="主题分类", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="documents")
    statutory_item = models.PositiveSmallIntegerField("第二十条事项", choices=StatutoryItem.choices, null=True,
                                                      blank=True, validators=[MinValueValidator(1),
                                                                              MaxValueValidator(15)])
    local_items = models.JSONField("第二十一条事项", default=list, blank=True)
    disclosure_attribute = models.CharField("公开属性", max_length=16, choices=DisclosureAttribute.choices,
                                            default=DisclosureAttribute.PROACTIVE)
    withholding_ground = models.CharField("不予公开理由", max_length=40, choices=WithholdingGround.choices,
                                          blank=True)
    legal_basis = models.CharField("法律依据", max_length=300, blank=True)
    review_due_on = models.DateField("下次评估审查日期", null=True, blank=True)
    channels = models.JSONField("公开渠道", default=list, blank=True)
    written_on = models.DateField("成文日期", null=True, blank=True)
    formed_or_changed_on = models.DateField("形成或者变更之日", null=True, blank=True,
                                            help_text="第二十六条 20 个工作日的起算日；留空时取成文日期。")
    generated_on = models.DateField("生成日期", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True, editable=False, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    publication_lag_wd = models.PositiveIntegerField("发布用时（工作日）", null=True, blank=True, editable=False)
    publish_deadline_wd = models.PositiveSmallIntegerField(
        "发布时限（工作日）", null=True, blank=True,
        help_text="法律、法规另有规定时填写（第二十六条但书）；留空为 20 个工作日。")
    late_reason = models.CharField("超期说明", max_length=300, blank=True)
    validity = models.CharField("有效性", max_length=16, choices=Validity.choices, default=Validity.IN_FORCE)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    effective_to = models.DateField("有效期至", null=True, blank=True)
    replaced_by = models.ForeignKey("self", verbose_name="替代文件", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="replaces")
    is_policy_document = models.BooleanField("政策性文件", default=False)
    interpretation_not_needed = models.CharField("无需解读的理由", max_length=300, blank=True)
    interprets = models.ManyToManyField("self", verbose_name="解读的文件", symmetrical=False, blank=True,
                                        related_name="interpretations")
    interpretation_forms = models.JSONField("解读形式", default=list, blank=True)
    body = models.TextField("正文", blank=True)  # sanitised HTML (catalog.sanitising)
    body_text = models.TextField(blank=True, editable=False)  # plain text of the body, for search
    status = models.CharField("状态", max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT,
                              db_index=True)
    withdrawn_reason = models.CharField("撤回理由", max_length=300, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "政府信息"
        verbose_name_plural = "政府信息"
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["status", "disclosure_attribute", "-published_on", "-id"], name="doc_public_list"),
            models.Index(fields=["kind", "publisher"], name="doc_kind_publisher"),
            # The portal's lists: one index per browse filter, the filter first, then the public condition and the
            # list order. With equality on every column before the date, the planner walks the filtered rows
            # newest first and stops after the page, and a capped count reads only the index. Without the filter
            # first, SQLite walks the whole public list and reads every row to test the filter (4 s at 1M
            # documents for a rare 第二十条 item; bench/catalog_page.py).
            models.Index(fields=["publisher", "status", "disclosure_attribute", "-published_on", "-id"],
                         name="doc_publisher_list"),
            models.Index(fields=["publisher", "statutory_item", "status", "disclosure_attribute", "-published_on",
                                 "-id"], name="doc_publisher_item_list"),
            models.Index(fields=["statutory_item", "status", "disclosure_attribute", "-published_on", "-id"],
                         name="doc_item_list"),
            models.Index(fields=["topic", "status", "disclosure_attribute", "-published_on", "-id"],
                         name="doc_topic_list"),
            models.Index(fields=["genre", "status", "disclosure_attribute", "-published_on", "-id"],
                         name="doc_genre_list"),
            models.Index(fields=["validity", "status", "disclosure_attribute", "-published_on", "-id"],
                         name="doc_validity_list"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["publisher", "index_year", "index_serial"], name="index_serial_once",
                                    condition=Q(index_serial__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def agency(self):
        """For scoping and the audit trail: a document belongs to its publisher."""
        return self.publisher

    @property
    def is_interpretation(self) -> bool:
        return self.genre.code == INTERPRETATION_GENRE

    @property
    def is_public(self) -> bool:
        return self.status == DocumentStatus.PUBLISHED and self.disclosure_attribute == DisclosureAttribute.PROACTIVE

    @property
    def needs_interpretation(self) -> bool:
        return (self.kind == DocumentKind.NORMATIVE_DOCUMENT or self.is_policy_document) and not self.is_interpretation

    @property
    def is_late(self) -> bool:
        limit = self.publish_deadline_wd or settings.GONGKAI_PROACTIVE_PUBLISH_WD
        return self.publication_lag_wd is not None and self.publication_lag_wd > limit


def attachment_path(instance, filename):
    return f"attachments/{instance.document.publisher_id}/{instance.document_id}/{filename}"


class Attachment(models.Model):
    document = models.ForeignKey(Document, verbose_name="文件", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    text = models.TextField("提取的文本", blank=True, editable=False)
    text_note = models.CharField("文本提取说明", max_length=200, blank=True, editable=False)
    # A PDF's active content found at upload (catalog.attachments): "JavaScript,OpenAction"; such a file is
    # always served as a download, never shown in the browser (portal.views.attachment_download).
    active_content = models.CharField("PDF 活动内容", max_length=100, blank=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def agency(self):
        return self.document.publisher


class LifecycleEvent(models.TextChoices):
    ISSUED = "issued", "制发"
    REVISED = "revised", "修订"
    REPEALED = "repealed", "废止"
    EXPIRED = "expired", "失效"


class NormativeEvent(models.Model):
    """The lifecycle of a 规章 or 行政规范性文件, from which 表二 第二十条第（一）项 is computed."""

    document = models.ForeignKey(Document, verbose_name="文件", on_delete=models.PROTECT, related_name="events")
    event = models.CharField("事项", max_length=16, choices=LifecycleEvent.choices)
    on = models.DateField("日期", db_index=True)
    related_document = models.ForeignKey(Document, verbose_name="相关文件（修订或废止文件）", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "规范性文件生命周期事项"
        verbose_name_plural = "规范性文件生命周期事项"
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["event", "on"], name="normative_event_on"),
            # 表二's 现行有效 asks per document "制发 / 废止 by 31 December?"; without this index SQLite answers
            # from normative_event_on, reading every such event for each document (bench/report_aggregation.py).
            models.Index(fields=["document", "event", "on"], name="normative_event_document"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_event_display()} {self.document}"

    @property
    def agency(self):
        return self.document.publisher


class PersonalDataDecision(models.Model):
    """保密审查: a reviewer's decision on one piece of personal data found in a document before publication
    (catalog.pii_review). The value itself is never stored: `value_key` is a keyed hash of it (normalised),
    so the decision follows the value wherever it stays in that source and is void once it is gone."""

    class Decision(models.TextChoices):
        PUBLISHABLE = "publishable", "已确认可以公开"
        HANDLED = "handled", "已处理（已删除或遮盖）"

    document = models.ForeignKey(Document, verbose_name="文件", on_delete=models.CASCADE, related_name="pii_decisions")
    source = models.CharField("位置", max_length=40)  # "body" or "attachment:<id>"
    kind = models.CharField("类别", max_length=16)  # gongkai.pii kinds
    value_key = models.CharField(max_length=64, editable=False)
    decision = models.CharField("决定", max_length=16, choices=Decision.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审查人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        verbose_name = "个人信息审查决定"
        verbose_name_plural = "个人信息审查决定"
        constraints = [models.UniqueConstraint(fields=["document", "source", "kind", "value_key"],
                                               name="pii_decision_once")]

    def __str__(self) -> str:
        return f"{self.document_id} {self.source} {self.kind}: {self.get_decision_display()}"

    @property
    def agency(self):
        return self.document.publisher
