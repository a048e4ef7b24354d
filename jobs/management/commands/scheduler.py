"""gongkai scheduler — starts the daily jobs of jobs.schedule at their times (jobs.scheduler). Several
scheduler processes may run: each job still starts once a day. --once: one check, then exit.
Production: deploy/systemd/gongkai-scheduler.service."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.scheduler import run_forever, tick


class Command(BaseCommand):
    help = "定时任务调度：按 jobs/schedule.py 每日派发审计核验、网站监测、到期提醒、日历检查。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次（派发已到时间的任务）后退出")

    def handle(self, *args, **options):
        if options["once"]:
            for run in tick():
                self.stdout.write(f"{run.schedule} {run.day}：{run.skipped or f'任务 #{run.job_id}'}")
            return
        run_forever(settings.GONGKAI_SCHEDULER_INTERVAL_SECONDS)
