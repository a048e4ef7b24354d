"""监测 (MonitoringRun) and 问题 (MonitoringIssue) of the website monitoring rules (docs/law/web.md §2).

Runs are written only by monitoring.services.run_checks. An issue keeps a copy of its rule's title, source
and threshold: the registry and the settings may change later, and an old 自查报告 must still read as it
was found."""

from django.conf import settings
from django.db import models


class Severity(models.TextChoices):
    ERROR = "error", "不合格"
    WARNING = "warning", "警告"


class MonitoringRun(models.Model):
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    checked_on = models.DateField("检查基准日")
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # Null: the whole platform (the daily task); otherwise the subtree of this agency.
    scope = models.ForeignKey("orgs.Agency", verbose_name="监测范围", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    agency_count = models.PositiveIntegerField("检查机构数", default=0)

    class Meta:
        verbose_name = "监测"
        verbose_name_plural = "监测"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        where = self.scope.name if self.scope_id else "全平台"
        return f"{self.started_at:%Y-%m-%d %H:%M} 监测（{where}）"

    @property
    def trigger_label(self) -> str:
        if self.triggered_by_id is None:
            return "系统任务"
        return self.triggered_by.get_full_name() or self.triggered_by.get_username()

    @property
    def agency(self):
        """For the audit trail: a run belongs to its scope (None: platform-wide)."""
        return self.scope


class MonitoringIssue(models.Model):
    run = models.ForeignKey(MonitoringRun, verbose_name="监测", on_delete=models.CASCADE, related_name="issues")
    rule_id = models.CharField("检查规则", max_length=60, db_index=True)
    title = models.CharField("检查指标", max_length=120)
    source = models.CharField("依据", max_length=200)
    rule_status = models.CharField("依据核实情况", max_length=12)
    agency = models.ForeignKey("orgs.Agency", verbose_name="机构", on_delete=models.PROTECT,
                               related_name="monitoring_issues")
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices)
    measured = models.CharField("监测值", max_length=300)
    threshold = models.CharField("阈值", max_length=200)
    items = models.JSONField("问题对象", default=list, blank=True)
    created = models.DateTimeField("发现时间", auto_now_add=True)

    class Meta:
        verbose_name = "问题（监测发现）"
        verbose_name_plural = "问题（监测发现）"
        ordering = ["agency__path", "severity", "rule_id", "id"]
        indexes = [models.Index(fields=["run", "agency"], name="monitoring_issue_run_agency")]

    def __str__(self) -> str:
        return f"{self.agency} {self.title}：{self.measured}"
