"""年报体检 batches: the reports checked together in the workbench (report_checkup.services is the one place
these rows change). The uploaded bytes are not kept: each report keeps its file name, SHA-256 and the
checkup's JSON result.

The models were reports.AuditBatch / reports.AuditedReport until the checkup became its own app: migration
0001 takes them over without touching the tables, 0002 renames the tables (see its docstring)."""

from django.conf import settings
from django.db import models


class CheckupSource(models.TextChoices):
    UPLOAD = "upload", "上传的报告文件"
    PUBLISHED = "published", "本辖区已发布的年度报告"


class CheckupBatchStatus(models.TextChoices):
    PROCESSING = "processing", "处理中"
    DONE = "done", "已完成"


class CheckupBatch(models.Model):
    agency = models.ForeignKey("orgs.Agency", verbose_name="辖区", on_delete=models.PROTECT, related_name="+",
                               help_text="体检结果对该机关及其上级机关的公开办工作人员可见；其他地区看不到。")
    source = models.CharField("来源", max_length=16, choices=CheckupSource.choices)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, help_text="只体检该年度的报告；留空为全部。")
    status = models.CharField("状态", max_length=16, choices=CheckupBatchStatus.choices,
                              default=CheckupBatchStatus.PROCESSING)
    total = models.PositiveIntegerField("报告份数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    failed = models.PositiveIntegerField("无法读取", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    items = models.JSONField("待体检的报告", default=list, blank=True,
                             help_text="每份报告的序号、文件名和存放位置（上传的文件在体检完成后删除）。")
    job = models.ForeignKey("jobs.Job", verbose_name="后台任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")

    class Meta:
        verbose_name = "年报体检批次"
        verbose_name_plural = "年报体检批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"年报体检第{self.pk}批（{self.agency}，{self.total}份）"


class CheckedOrigin(models.TextChoices):
    UPLOAD = "upload", "上传文件"
    PLATFORM = "platform", "平台年度报告"
    CATALOGUE = "catalogue", "已发布信息的附件"


class CheckedStatus(models.TextChoices):
    DONE = "done", "已体检"
    FAILED = "failed", "无法读取"


class CheckedReport(models.Model):
    batch = models.ForeignKey(CheckupBatch, verbose_name="体检批次", on_delete=models.CASCADE, related_name="reports")
    position = models.PositiveIntegerField("序号")
    file_name = models.CharField("文件名", max_length=255)
    origin = models.CharField("来源", max_length=16, choices=CheckedOrigin.choices)
    reference = models.CharField("出处", max_length=120, blank=True,
                                 help_text="平台年度报告或政府信息附件的编号。")
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("大小（字节）", null=True, blank=True)
    annual_report = models.ForeignKey("reports.AnnualReport", verbose_name="平台年度报告", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("orgs.Agency", verbose_name="对应机关", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               help_text="平台中与识别出的机关名称对应的机关（用于历年对比）。")
    status = models.CharField("状态", max_length=16, choices=CheckedStatus.choices)
    error = models.CharField("无法读取的原因", max_length=300, blank=True)
    detected_agency = models.CharField("识别的机关", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("识别的年度", null=True, blank=True)
    format = models.CharField("识别的格式", max_length=16, blank=True)
    errors = models.PositiveIntegerField("错误", default=0)
    warnings = models.PositiveIntegerField("警告", default=0)
    infos = models.PositiveIntegerField("提示", default=0)
    result = models.JSONField("体检结果", default=dict, blank=True)

    class Meta:
        verbose_name = "体检的报告"
        verbose_name_plural = "体检的报告"
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="checked_report_position_once")]

    def __str__(self) -> str:
        return self.file_name
