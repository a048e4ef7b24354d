"""Settings of the letters app, with their defaults (the lead adds them to gongkai/settings.py and
docs/configuration.md; until then these defaults apply).

- GONGKAI_LETTER_REPLY_WD: reply period per LetterType, in working days. No national deadline exists
  (docs/law/letters-mailbox.md, *reply period*); 5 WD is the bar for simple questions in the 通报
  deductions and our default.
- GONGKAI_LETTER_MAX_EXTENSION_WD: the most a reply period may be extended, with a reason (安徽: 7 → 15).
- GONGKAI_LETTER_VETO_MONTHS: the three-month line (docs/law/letters-mailbox.md), a one-strike rule — no
  valid letter unanswered for more than 3 months.
- GONGKAI_LETTER_VETO_WARN_DAYS: how many calendar days before that line the queue starts warning.
- GONGKAI_LETTER_REMINDER_WD: reminders list letters due within this many working days."""

from django.conf import settings

DEFAULT_REPLY_WD = {"inquiry": 5, "suggestion": 5, "complaint": 5, "help": 5}


def reply_wd(letter_type: str) -> int:
    table = {**DEFAULT_REPLY_WD, **getattr(settings, "GONGKAI_LETTER_REPLY_WD", {})}
    return int(table.get(str(letter_type), 5))


def max_extension_wd() -> int:
    return int(getattr(settings, "GONGKAI_LETTER_MAX_EXTENSION_WD", 10))


def veto_months() -> int:
    return int(getattr(settings, "GONGKAI_LETTER_VETO_MONTHS", 3))


def veto_warn_days() -> int:
    return int(getattr(settings, "GONGKAI_LETTER_VETO_WARN_DAYS", 30))


def reminder_wd() -> int:
    return int(getattr(settings, "GONGKAI_LETTER_REMINDER_WD", getattr(settings, "GONGKAI_REMINDER_WD", 3)))
