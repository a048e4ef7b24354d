"""Background jobs (jobs.runner) and the scheduler's ledger (jobs.scheduler).

`Job` is what the 公开办 sees: one row per piece of background work, with its attempts and its last error
(exception class and a masked message, never a traceback or personal data). The queue itself is
django-tasks' database backend (django_tasks_db.DBTaskResult); a Job may be dispatched to it several times
(retries, recovery after a worker died, a re-run from the staff page)."""

from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    RETRYING = "retrying", "等待重试"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING, JobState.RETRYING)


class Job(models.Model):
    name = models.CharField("任务", max_length=200, help_text="登记的任务函数（模块.函数）。")
    label = models.CharField("说明", max_length=200)
    kwargs = models.JSONField("参数", default=dict, blank=True)
    state = models.CharField("状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    max_attempts = models.PositiveIntegerField("最多尝试次数", default=3)
    error = models.CharField("最近一次错误", max_length=500, blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近活动", null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    rerun_of = models.ForeignKey("self", verbose_name="重新运行自", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="job_state_idx")]

    def __str__(self) -> str:
        return f"{self.label}（#{self.pk}）"


class ScheduledRun(models.Model):
    """One row per scheduled job and day: the unique constraint makes a daily job start once a day however
    many scheduler processes run, and across their restarts."""

    schedule = models.CharField("定时任务", max_length=64)
    day = models.DateField("日期")
    skipped = models.CharField("未运行的原因", max_length=200, blank=True)
    job = models.ForeignKey(Job, verbose_name="任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "定时任务记录"
        verbose_name_plural = "定时任务记录"
        ordering = ["-day", "schedule"]
        constraints = [models.UniqueConstraint(fields=["schedule", "day"], name="scheduled_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.schedule} {self.day}"
