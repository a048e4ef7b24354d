"""The working-day calendar (工作日历) as data: one versioned schedule per year plus its exception days.

Working day = Monday–Friday, minus HOLIDAY days, plus MAKEUP_WORKDAY days (docs/law/calendar.md §1).
Only `workdays.services` writes these tables; everything else reads them through `workdays.calendar`.
"""

from django.conf import settings
from django.db import models


class CalendarStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已确认"
    UNCONFIRMED = "unconfirmed", "未确认"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班日"


class WorkdayCalendar(models.Model):
    """节假日安排（年度）. A year without a confirmed row is answered by the weekday rule, flagged."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    status = models.CharField("状态", max_length=16, choices=CalendarStatus.choices,
                              default=CalendarStatus.UNCONFIRMED)
    version = models.PositiveIntegerField("版本", default=1,
                                          help_text="每次修改本年日历（含状态）加一，期限计算说明中引用。")
    source_note = models.TextField("数据来源", blank=True,
                                   help_text="例如：国务院办公厅关于2024年部分节假日安排的通知（文号）。")
    region_note = models.TextField("地方差异说明", blank=True,
                                   help_text="本地区与全国安排不同之处（如民族自治地方节日）及其依据。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "年度工作日历"
        verbose_name_plural = "年度工作日历"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年工作日历（第{self.version}版，{self.get_status_display()}）"

    @property
    def is_confirmed(self) -> bool:
        return self.status == CalendarStatus.CONFIRMED


class CalendarDay(models.Model):
    """An exception to the weekday rule. HOLIDAY rows may fall on a weekend: the official notice declares
    a continuous span (e.g. 10月1日至7日), and storing the whole span names those days; it does not change
    whether they are working days."""

    calendar = models.ForeignKey(WorkdayCalendar, verbose_name="年度日历", on_delete=models.CASCADE,
                                 related_name="days")
    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("节日名称", max_length=60, blank=True,
                            help_text="法定节假日的名称；调休上班日填写所调休的节日。")

    class Meta:
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"
        ordering = ["day"]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{self.day.isoformat()} {label}{f'（{self.name}）' if self.name else ''}"
