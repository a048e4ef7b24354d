"""The in-project scheduler: `gongkai scheduler` calls `tick` every GONGKAI_SCHEDULER_INTERVAL_SECONDS.
A daily job is started when its time has come and no ScheduledRun row exists for it today; the row's unique
(schedule, day) makes that once a day with any number of scheduler processes and across restarts. A
scheduler that was down at the job's time starts it when it comes back (the same day; missed days are not
caught up). Each tick also re-dispatches jobs whose worker died (jobs.runner.recover_stale)."""

import logging
import signal
import time as clock

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from workdays.calendar import is_working_day

from .models import ScheduledRun
from .runner import enqueue, recover_stale
from .schedule import SCHEDULE

logger = logging.getLogger("gongkai.jobs.scheduler")


def tick(now=None) -> list[ScheduledRun]:
    """Starts the daily jobs that are due; returns the rows created by this call."""
    now = timezone.localtime(now)
    today = now.date()
    created = []
    for entry in SCHEDULE:
        if now.time() < entry.time() or ScheduledRun.objects.filter(schedule=entry.key, day=today).exists():
            continue
        skipped = "非工作日，不运行" if entry.workdays_only and not is_working_day(today) else ""
        try:
            # The day's row and the queued task commit together: a crash in between loses neither.
            with transaction.atomic():
                run = ScheduledRun.objects.create(schedule=entry.key, day=today, skipped=skipped)
                if not skipped:
                    run.job = enqueue(entry.job, day=today.isoformat())
                    run.save(update_fields=["job"])
        except IntegrityError:  # another scheduler was first
            continue
        logger.info("定时任务 %s（%s）：%s", entry.key, today, skipped or f"已派发任务 #{run.job_id}")
        created.append(run)
    recover_stale(now)
    return created


def run_forever(interval: float) -> None:
    running = True

    def stop(signum, frame):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info("调度进程启动，每 %s 秒检查一次", interval)
    while running:
        close_old_connections()
        try:
            tick()
        except Exception:  # a database hiccup must not end the scheduler
            logger.exception("调度出错，稍后重试")
        slept = 0.0
        while running and slept < interval:
            clock.sleep(min(1.0, interval - slept))
            slept += 1.0
