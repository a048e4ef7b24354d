"""`gongkai search-index rebuild`: rebuild the full-text index from the public catalogue, with progress;
`--background` queues it for the worker instead (search.tasks.rebuild_index, shown on the 后台任务 page)."""

import sys
import time

from django.core.management.base import BaseCommand

from search.services import get_backend
from search.tasks import rebuild_index


class Command(BaseCommand):
    help = "维护全文检索索引。rebuild：按当前公开的政府信息重建索引（显示进度）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild"], help="rebuild：重建索引。")
        parser.add_argument("--backend", choices=["auto", "sqlite", "postgres", "like"], default=None,
                            help="检索后端（默认取 GONGKAI_SEARCH_BACKEND 设置）。")
        parser.add_argument("--quiet", action="store_true", help="不显示进度。")
        parser.add_argument("--background", action="store_true", help="交给后台任务进程执行（在“后台任务”页查看结果）。")

    def handle(self, *args, **options):
        if options["background"]:
            job = rebuild_index.enqueue(backend=options["backend"])
            self.stdout.write(f"已交给后台任务进程：任务 #{job.pk}（{job.get_state_display()}）。")
            return
        backend = get_backend(options["backend"])
        started = time.monotonic()
        err = self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr

        def progress(done: int, total: int) -> None:
            if options["quiet"]:
                return
            share = done / total if total else 1.0
            bar = "#" * int(share * 30)
            elapsed = time.monotonic() - started
            err.write(f"\r重建索引 [{bar:<30}] {done}/{total} 篇（{share:.0%}，{elapsed:.0f} 秒）")
            err.flush()

        count = backend.rebuild(progress)
        if not options["quiet"]:
            err.write("\n")
        self.stdout.write(f"索引已重建：{count} 篇公开的政府信息，后端 {backend.name}，"
                          f"用时 {time.monotonic() - started:.1f} 秒。")
