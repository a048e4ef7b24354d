"""Load the official holiday schedules 2004–2026 from chinesecalendar as confirmed calendars, version 1.

Self-contained on purpose (a frozen copy of workdays/package.py): a migration must mean the same thing
whatever the application code becomes. Stored: every day the package lists as a holiday (weekend days of
an official span included, so they carry the holiday's name) and every make-up working day on a weekend.
"""

from django.db import migrations

YEARS = range(2004, 2027)
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
NOTICE_NUMBERS = {2024: "国办发明电〔2023〕7号"}
EXTRA_NOTICES = {2020: "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）"}


def load(apps, schema_editor):
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    WorkdayCalendar = apps.get_model("workdays", "WorkdayCalendar")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    version = getattr(chinese_calendar, "__version__", "?")
    known = {d.year for d in holidays}
    for year in YEARS:
        if year not in known or WorkdayCalendar.objects.filter(year=year).exists():
            continue
        parts = [f"国务院办公厅关于{year}年部分节假日安排的通知"
                 + (f"（{NOTICE_NUMBERS[year]}）" if year in NOTICE_NUMBERS else "")]
        if year in EXTRA_NOTICES:
            parts.append(EXTRA_NOTICES[year])
        parts.append(f"数据来自 chinesecalendar {version}")
        calendar = WorkdayCalendar.objects.create(year=year, status="confirmed", version=1,
                                                  source_note="；".join(parts))
        rows = [CalendarDay(calendar=calendar, day=d, kind="holiday", name=NAMES.get(n, n or ""))
                for d, n in holidays.items() if d.year == year]
        rows += [CalendarDay(calendar=calendar, day=d, kind="makeup_workday", name=NAMES.get(n, n or ""))
                 for d, n in workdays.items() if d.year == year and d.weekday() >= 5]
        CalendarDay.objects.bulk_create(sorted(rows, key=lambda r: r.day))


def unload(apps, schema_editor):
    apps.get_model("workdays", "WorkdayCalendar").objects.filter(year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
