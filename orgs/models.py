from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from . import credit_code as cc


class User(AbstractUser):
    """A staff account (工作人员). Roles come from RoleAssignment; names are shown family name first."""

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"
        swappable = "AUTH_USER_MODEL"

    def get_full_name(self) -> str:
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府部门"
    DISPATCHED_UNIT = "dispatched_unit", "派出机构"
    INTERNAL_UNIT = "internal_unit", "内设机构"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    DEVELOPMENT_ZONE = "development_zone", "开发区管委会"


class ReviewJurisdiction(models.TextChoices):
    """Who hears a 行政复议 against the agency (《中华人民共和国行政复议法》（2023年修订）第二十四条、第二十七条)."""

    GENERAL = "", "由人民政府管辖（一般规定）"
    VERTICAL = "vertical", "实行垂直领导的行政机关（海关、金融、外汇管理、税务等）"
    STATE_SECURITY = "state_security", "国家安全机关"


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "设区的市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"


def validate_credit_code(value: str) -> None:
    error = cc.check_credit_code(value)
    if error:
        raise ValidationError(error.message, code="credit_code")


code_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z", "机构编码只能由字母、数字、“-”和“_”组成。")
division_validator = RegexValidator(r"^[0-9]{6}\Z", "行政区划代码应为6位数字。")
postcode_validator = RegexValidator(r"^[0-9]{6}\Z", "邮政编码应为6位数字。")


class AgencyQuerySet(models.QuerySet):
    def subtree_of(self, agency: "Agency"):
        return self.filter(path__startswith=agency.path)

    def accepting_requests(self):
        """Agencies that may receive 依申请公开: every kind except a 事业单位 not authorised by law (第五十四条)."""
        return self.exclude(kind=AgencyKind.PUBLIC_INSTITUTION, authorised_by_law=False)

    def active_on(self, day):
        return self.filter(Q(established_on__isnull=True) | Q(established_on__lte=day)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
        )


class Agency(models.Model):
    """行政机关 / 单位: any body that discloses information (条例 第十条)."""

    code = models.CharField("机构编码", max_length=40, unique=True, validators=[code_validator],
                            help_text="平台内唯一的短编码，用于命令行、导入导出和链接。")
    name = models.CharField("机构全称", max_length=200)
    short_name = models.CharField("简称", max_length=60, blank=True)
    kind = models.CharField("机构类别", max_length=32, choices=AgencyKind.choices)
    level = models.CharField("层级", max_length=16, choices=AgencyLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级机关", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    supervisor = models.ForeignKey("self", verbose_name="政府信息公开工作主管部门", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="supervised")
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True,
                                   validators=[validate_credit_code])
    division_code = models.CharField("行政区划代码", max_length=6, blank=True, validators=[division_validator])
    index_prefix = models.CharField("索引号前缀", max_length=40, blank=True,
                                    help_text="留空时取统一社会信用代码中的组织机构代码。")
    disclosure_office_name = models.CharField("政府信息公开工作机构", max_length=120, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True, validators=[postcode_validator])
    phone = models.CharField("联系电话", max_length=60, blank=True)
    fax = models.CharField("传真", max_length=60, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    website = models.CharField("互联网联系方式", max_length=200, blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    authorised_by_law = models.BooleanField(
        "法律、法规授权的组织", default=False,
        help_text="事业单位经法律、法规授权具有管理公共事务职能的，勾选后可受理政府信息公开申请（《中华人民共和国"
                  "政府信息公开条例》第五十四条）；未勾选的事业单位依照第五十五条公开信息，不作为依申请公开的受理机关。")
    review_jurisdiction = models.CharField(
        "行政复议管辖", max_length=16, choices=ReviewJurisdiction.choices, blank=True, default="",
        help_text="实行垂直领导的行政机关和国家安全机关，行政复议由上一级主管部门管辖"
                  "（《中华人民共和国行政复议法》第二十七条）。")
    superior_department = models.CharField(
        "上一级主管部门", max_length=200, blank=True,
        help_text="实行垂直领导的行政机关、国家安全机关填写上一级主管部门的全称，答复告知书中写明其为行政复议机关。")
    superior_government = models.CharField(
        "上一级人民政府", max_length=200, blank=True,
        help_text="平台中没有上级人民政府的人民政府（如本平台的县人民政府）填写上一级人民政府的全称，例如"
                  "“吴忠市人民政府”（《中华人民共和国行政复议法》第二十四条第一款第（二）项）。"
                  "省级人民政府不填：对其不服的行政复议由其本身管辖（第二十四条第二款）。")
    sort_order = models.PositiveIntegerField("排序", default=0)
    established_on = models.DateField("设立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True,
                                    help_text="机构改革中被合并、拆分或撤销的日期；此后其事项由继任机构承接。")
    # Materialised path "/1/5/23/" of ids from the root: subtree queries are one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    # An agency's contact block is published in its 政府信息公开指南, so the audit trail may show it
    # (audit.services masks fields named phone/address by default: on people they are personal data).
    audit_public_fields = frozenset({"phone", "address"})

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def org_code(self) -> str:
        return cc.org_code_of(self.credit_code) if self.credit_code else ""

    @property
    def effective_index_prefix(self) -> str:
        if self.index_prefix:
            return self.index_prefix
        if not self.credit_code:
            return self.code
        return self.credit_code if settings.GONGKAI_INDEX_PREFIX_SOURCE == "credit_code" else self.org_code

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.authorised_by_law and self.kind != AgencyKind.PUBLIC_INSTITUTION:
            errors["authorised_by_law"] = "只有事业单位需要标记“法律、法规授权的组织”；行政机关本身即可受理政府信息公开申请。"
        if self.review_jurisdiction and self.kind == AgencyKind.GOVERNMENT:
            errors["review_jurisdiction"] = "人民政府不是实行垂直领导的行政机关或国家安全机关。"
        if self.review_jurisdiction and not (self.superior_department or "").strip():
            errors["superior_department"] = ("实行垂直领导的行政机关、国家安全机关须填写上一级主管部门"
                                             "（《中华人民共和国行政复议法》第二十七条）。")
        if self.superior_government and self.kind != AgencyKind.GOVERNMENT:
            errors["superior_government"] = "只有人民政府需要填写上一级人民政府；工作部门等由本级人民政府管辖行政复议。"
        elif self.superior_government and self.level == AgencyLevel.PROVINCE:
            errors["superior_government"] = ("省级人民政府不填写上一级人民政府：对其不服的行政复议由其本身管辖"
                                              "（《中华人民共和国行政复议法》第二十四条第二款）。")
        if errors:
            raise ValidationError(errors)

    @property
    def accepts_disclosure_requests(self) -> bool:
        """A 事业单位 receives 依申请公开 only when authorised by law (条例 第五十四条; others: 第五十五条)."""
        return self.kind != AgencyKind.PUBLIC_INSTITUTION or self.authorised_by_law

    def require_accepts_disclosure_requests(self) -> None:
        """Raise a ValidationError naming 第五十四条 when this agency may not receive 依申请公开 cases."""
        if not self.accepts_disclosure_requests:
            raise ValidationError(
                f"“{self.name}”是事业单位，未标记为法律、法规授权的具有管理公共事务职能的组织，不能受理政府信息公开申请。"
                "依照《中华人民共和国政府信息公开条例》第五十四条，只有法律、法规授权的具有管理公共事务职能的组织"
                "公开政府信息的活动适用本条例；其他公共企事业单位依照第五十五条公开信息，不作为依申请公开办理。"
                "请向主管该单位的行政机关提出申请。", code="not_authorised")

    def is_active_on(self, day) -> bool:
        return (self.established_on is None or self.established_on <= day) and (
            self.dissolved_on is None or self.dissolved_on > day
        )

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def ancestors(self):
        ids = self.ancestor_ids()
        return sorted(Agency.objects.filter(id__in=ids), key=lambda a: ids.index(a.id))

    def is_in_subtree_of(self, other: "Agency") -> bool:
        return self.path.startswith(other.path)

    @property
    def can_make_rules(self) -> bool:
        """Only 省级/设区的市级 governments and their departments may make 规章 (立法法 第九十三条)."""
        return self.level in (AgencyLevel.PROVINCE, AgencyLevel.PREFECTURE)


class SuccessionKind(models.TextChoices):
    MERGE = "merge", "合并"
    SPLIT = "split", "拆分"
    RENAME = "rename", "更名"
    ABOLISH = "abolish", "撤销（职责划转）"


class AgencySuccession(models.Model):
    """机构改革: from `effective_on`, what the predecessor held is attributed to the successor."""

    predecessor = models.ForeignKey(Agency, verbose_name="原机构", on_delete=models.PROTECT,
                                    related_name="successions_out")
    successor = models.ForeignKey(Agency, verbose_name="继任机构", on_delete=models.PROTECT,
                                  related_name="successions_in")
    kind = models.CharField("改革类型", max_length=16, choices=SuccessionKind.choices)
    effective_on = models.DateField("生效日期")
    takes_over_cases = models.BooleanField(
        "承接未结事项", default=True,
        help_text="拆分时只能有一个继任机构承接原机构的案件、文件和统计（其他继任机构只承接职责）。")
    note = models.CharField("说明（文件依据）", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "机构改革记录"
        verbose_name_plural = "机构改革记录"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}（{self.get_kind_display()}，{self.effective_on}）"


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", "平台管理员"
    OFFICE_HEAD = "office_head", "公开办负责人"
    OFFICE_STAFF = "office_staff", "公开办工作人员"
    EDITOR = "editor", "编辑"
    REVIEWER = "reviewer", "审核"
    REQUEST_HANDLER = "request_handler", "依申请承办人"


class RoleAssignment(models.Model):
    """A person's role in an agency (over its subtree for 公开办 roles); one person may hold many."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    agency = models.ForeignKey(Agency, verbose_name="机构", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="role_assignments")
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="授予人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="role_once_per_agency"),
            models.CheckConstraint(
                condition=(Q(role="platform_admin", agency__isnull=True) | (~Q(role="platform_admin") & Q(agency__isnull=False))),
                name="role_agency_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        where = f"（{self.agency}）" if self.agency_id else ""
        return f"{self.user} · {self.get_role_display()}{where}"
