"""Every daily job of the platform, in one place. The scheduler (`gongkai scheduler`, jobs.scheduler) starts
each once a day at or after its time (local time, Asia/Shanghai); GONGKAI_SCHEDULE overrides the times
("monitor=05:30,requests-remind=08:00"). `workdays_only`: nothing runs on a non-working day of the workday
calendar (weekends and holidays; a 调休 make-up Saturday is a working day)."""

from dataclasses import dataclass
from datetime import time

from django.conf import settings


@dataclass(frozen=True)
class Daily:
    key: str
    job: str  # the dotted path of a @background function (jobs.runner); named, not imported, so apps may use jobs
    at: str  # HH:MM
    workdays_only: bool = False

    def time(self) -> time:
        return time.fromisoformat(settings.GONGKAI_SCHEDULE.get(self.key, self.at))


SCHEDULE = [
    Daily("audit-verify", "jobs.daily.verify_audit_trail", "06:15"),
    Daily("monitor", "monitoring.tasks.run_monitoring", "06:30"),
    Daily("requests-remind", "disclosure_requests.tasks.remind_requests", "07:30", workdays_only=True),
    Daily("letters-remind", "mailboxes.deadlines.remind_letters", "07:40", workdays_only=True),
    Daily("calendar-check", "jobs.daily.check_calendar", "08:00"),
    Daily("jobs-prune", "jobs.daily.prune_jobs", "03:00"),
]
