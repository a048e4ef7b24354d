"""Reading the official schedule out of the `chinesecalendar` package (import name `chinese_calendar`).

Used by `services.sync_from_package`; migration 0002 keeps its own frozen copy of this logic, as
migrations must not change meaning when application code changes.
"""

from datetime import date

import chinese_calendar
from chinese_calendar.constants import holidays, workdays

# The package names holidays in English; these are the names used in the 国务院办公厅 notices.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# Document numbers we can vouch for; other years get the generic title and an admin can add the number.
NOTICE_NUMBERS = {
    2024: "国办发明电〔2023〕7号",
}
# Later notices that changed a year's schedule after it was published.
EXTRA_NOTICES = {
    2020: "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）",
}


def package_version() -> str:
    return getattr(chinese_calendar, "__version__", "?")


def package_years() -> range:
    return range(min(holidays).year, max(holidays).year + 1)


def chinese_name(english: str | None) -> str:
    if not english:
        return ""
    return HOLIDAY_NAMES.get(english, english)


def package_schedule(year: int) -> list[tuple[date, str, str]] | None:
    """[(day, kind, name)] for `year`, or None when the package has no schedule for it.

    Stored: every day the package lists as a holiday (weekend days inside an official span included, so
    they carry the holiday's name) and every make-up working day (always a Saturday or Sunday)."""
    if year not in package_years():
        return None
    rows = [(d, "holiday", chinese_name(n)) for d, n in holidays.items() if d.year == year]
    rows += [(d, "makeup_workday", chinese_name(n)) for d, n in workdays.items()
             if d.year == year and d.weekday() >= 5]
    return sorted(rows)


def default_source_note(year: int) -> str:
    number = NOTICE_NUMBERS.get(year)
    parts = [f"国务院办公厅关于{year}年部分节假日安排的通知" + (f"（{number}）" if number else "")]
    if year in EXTRA_NOTICES:
        parts.append(EXTRA_NOTICES[year])
    parts.append(f"数据来自 chinesecalendar {package_version()}")
    return "；".join(parts)
