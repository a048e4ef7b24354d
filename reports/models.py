"""The annual report as data (docs/law/annual-report.md): one row per version of an agency's report for a
year, one row per cell with its provenance, and the figures units enter because the platform does not hold
them.

Only reports.services changes these rows. A published version is immutable: the guards below refuse any
save or delete that would change it, so a correction is always a new version."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from report_formats.formats import ReportFormat


class ReportOrigin(models.TextChoices):
    GENERATED = "generated", "平台生成"
    IMPORTED = "imported", "导入"
    # Years before the platform held the data (e.g. a 2017 统计表): every cell entered from the printed report.
    ENTERED = "entered", "历史数据补录"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交审核"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已发布"


class Provenance(models.TextChoices):
    COMPUTED = "computed", "平台计算"
    ENTERED = "entered", "单位填报"
    IMPORTED = "imported", "导入"


class FiguresStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已审核"


FORMAT_CHOICES = [(f.value, f.label) for f in ReportFormat]


class PublishedReportError(ValidationError):
    """A published report version was about to change."""


class AnnualReport(models.Model):
    agency = models.ForeignKey("orgs.Agency", verbose_name="报告机关", on_delete=models.PROTECT,
                               related_name="annual_reports")
    year = models.PositiveSmallIntegerField("报告年度")
    format = models.CharField("报告格式", max_length=16, choices=FORMAT_CHOICES)
    origin = models.CharField("来源", max_length=16, choices=ReportOrigin.choices, default=ReportOrigin.GENERATED)
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    version = models.PositiveSmallIntegerField("版本", default=1)
    parent = models.ForeignKey("self", verbose_name="更正的版本", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="corrections")
    change_note = models.TextField("更正说明", blank=True)
    # The sections' prose, keyed by rendering.document.section_titles (formats.ReportSection values "overview" …
    # "other", and "fees" for a 2014–2018 report: 2007年条例第三十二条（三）); paragraphs are
    # separated by newlines. Drafted by reports.narrative, edited freely by staff, checked against the tables.
    narrative = models.JSONField("报告正文", default=dict, blank=True)
    # Fixed at publication, so a published version prints the same forever: the channel counts and the earlier
    # years of the trend chart, which are otherwise read live ({"channel_counts": {}, "history": [...]}).
    printed = models.JSONField("发布时的图表数据", default=dict, blank=True)
    # The agencies whose figures are summed (the reporting agency itself included when chosen).
    units = models.ManyToManyField("orgs.Agency", verbose_name="汇总单位", related_name="+", blank=True)
    period_start = models.DateField("统计期限起")
    period_end = models.DateField("统计期限止")
    deadline = models.DateField("法定发布期限")
    # Legacy 统计表 footer (填报单位/单位负责人/审核人/填报人/填报日期).
    filer = models.CharField("填报单位", max_length=200, blank=True)
    head = models.CharField("单位负责人", max_length=60, blank=True)
    reviewer = models.CharField("审核人", max_length=60, blank=True)
    preparer = models.CharField("填报人", max_length=60, blank=True)
    filed_on = models.DateField("填报日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    computed_at = models.DateTimeField("最近计算时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人（平台）", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    # Published with units still 未填报 or cells blank: who (a 公开办负责人 other than the drafter) allowed it,
    # why, and what was missing at that moment (reports.services.publish).
    gaps_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认缺项发布的负责人", null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    gaps_override_reason = models.TextField("缺项发布的理由", blank=True)
    gaps_at_publication = models.JSONField("发布时的缺项", default=dict, blank=True)

    class Meta:
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "agency__path", "-version"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "version"], name="report_version_once")]

    def __str__(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告（第{self.version}版）"

    def save(self, *args, **kwargs):
        if self._stored_status() == ReportStatus.PUBLISHED:
            raise PublishedReportError("已发布的年度报告不能修改；如需更正，请发布新版本。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == ReportStatus.PUBLISHED:
            raise PublishedReportError("已发布的年度报告不能删除。")
        return super().delete(*args, **kwargs)

    def _stored_status(self):
        if not self.pk:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def report_format(self) -> ReportFormat:
        return ReportFormat(self.format)

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class ReportCell(models.Model):
    report = models.ForeignKey(AnnualReport, verbose_name="年度报告", on_delete=models.CASCADE, related_name="cells")
    cell_id = models.CharField("单元格编号", max_length=80)
    value = models.DecimalField("数值", max_digits=16, decimal_places=4, null=True, blank=True)
    raw = models.CharField("原文", max_length=200, blank=True)
    unit = models.CharField("单位", max_length=16, blank=True)
    flags = models.JSONField("标记", default=list, blank=True)
    provenance = models.CharField("来源", max_length=16, choices=Provenance.choices)
    source = models.CharField("出处", max_length=300, blank=True,
                              help_text="计算所用的统计查询，或填报、导入的文件。")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("填报时间", null=True, blank=True)

    class Meta:
        verbose_name = "年度报告单元格"
        verbose_name_plural = "年度报告单元格"
        constraints = [models.UniqueConstraint(fields=["report", "cell_id"], name="report_cell_once")]

    def __str__(self) -> str:
        return f"{self.cell_id} = {self.value}"

    def save(self, *args, **kwargs):
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self):
        status = AnnualReport.objects.filter(pk=self.report_id).values_list("status", flat=True).first()
        if status == ReportStatus.PUBLISHED:
            raise PublishedReportError("已发布的年度报告不能修改；如需更正，请发布新版本。")


class EnteredFigures(models.Model):
    """A unit's entered figures for one year (行政许可/处罚/强制, 收费, and the legacy rows the platform cannot
    count). Kept apart from AnnualReport: a department fills these in whether or not it compiles a report
    of its own, and every version of every report that aggregates the unit reads the same figures."""

    agency = models.ForeignKey("orgs.Agency", verbose_name="填报单位", on_delete=models.PROTECT,
                               related_name="entered_figures")
    year = models.PositiveSmallIntegerField("报告年度")
    status = models.CharField("状态", max_length=16, choices=FiguresStatus.choices, default=FiguresStatus.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年报填报数据"
        verbose_name_plural = "年报填报数据"
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="entered_figures_once")]

    def __str__(self) -> str:
        return f"{self.agency}{self.year}年填报数据"


class EnteredValue(models.Model):
    figures = models.ForeignKey(EnteredFigures, verbose_name="填报数据", on_delete=models.CASCADE,
                                related_name="values")
    cell_id = models.CharField("单元格编号", max_length=80)
    value = models.DecimalField("数值", max_digits=16, decimal_places=4, null=True, blank=True)
    raw = models.CharField("原文", max_length=200, blank=True)
    source = models.CharField("来源", max_length=300, blank=True, help_text="表单，或上传的文件名。")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "填报数值"
        verbose_name_plural = "填报数值"
        constraints = [models.UniqueConstraint(fields=["figures", "cell_id"], name="entered_value_once")]

    def __str__(self) -> str:
        return f"{self.cell_id} = {self.value}"
