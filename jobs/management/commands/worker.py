"""gongkai worker — runs background jobs (django-tasks-db's `db_worker` on the default queue), after
re-dispatching the jobs a previous worker left unfinished (jobs.runner.recover_stale). Options are passed
to db_worker: --batch (stop when the queue is empty), --max-tasks N, --interval SECONDS.
Production: deploy/systemd/gongkai-worker.service."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from jobs.runner import recover_stale


class Command(BaseCommand):
    help = "运行后台任务（年报体检、邮件、检索索引、定时任务等）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="队列为空时退出")
        parser.add_argument("--max-tasks", type=int, default=None, help="运行这么多个任务后退出（便于定期更换进程）")
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒）")

    def handle(self, *args, **options):
        recovered = recover_stale()
        if recovered:
            self.stderr.write(f"重新派发了 {recovered} 个中断的任务")
        extra = ["--batch"] if options["batch"] else []
        if options["max_tasks"]:
            extra += ["--max-tasks", str(options["max_tasks"])]
        call_command("db_worker", "--interval", str(options["interval"]), "--no-reload", *extra)
