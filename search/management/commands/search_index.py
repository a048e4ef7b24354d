"""`gongkai search-index rebuild | verify | status`: the full-text index's upkeep (docs/search.md).

rebuild builds a new index beside the live one and swaps it in when complete (search keeps answering from the
old index); interrupted, it continues where it stopped when run again (--restart starts over). --background
queues it for the worker instead (search.tasks.rebuild_index, shown on the 后台任务 page). verify compares the
index with the database document by document and exits 1 on any difference."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search.services import discard_rebuild, get_backend, rebuild, verify
from search.tasks import rebuild_index


class Command(BaseCommand):
    help = ("维护全文检索索引。rebuild：在现有索引旁按当前公开的政府信息建新索引，建成后替换（可中断后续建）；"
            "verify：逐篇核对索引与数据库；status：索引概况。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "verify", "status"],
                            help="rebuild：重建索引；verify：核对索引与数据库是否一致；status：索引概况。")
        parser.add_argument("--backend", choices=["auto", "sqlite", "postgres", "tantivy", "like"], default=None,
                            help="检索后端（默认取 GONGKAI_SEARCH_BACKEND 设置）。")
        parser.add_argument("--quiet", action="store_true", help="不显示进度。")
        parser.add_argument("--background", action="store_true",
                            help="rebuild 交给后台任务进程执行（在“后台任务”页查看结果）。")
        parser.add_argument("--restart", action="store_true",
                            help="rebuild 丢弃上次未完成的新索引，从头重建（默认接着上次的进度继续）。")

    def handle(self, *args, **options):
        backend = get_backend(options["backend"])
        if options["action"] == "status":
            self.stdout.write(backend.status().message)
            return
        if options["action"] == "verify":
            report = verify(self._progress(options, "核对索引"), backend=backend)
            self._end_progress(options)
            if not report.ok:
                raise CommandError(report.summary)
            self.stdout.write(report.summary)
            return
        if options["restart"]:
            discard_rebuild(backend)
        if options["background"]:
            job = rebuild_index.enqueue(backend=options["backend"])
            self.stdout.write(f"已交给后台任务进程：任务 #{job.pk}（{job.get_state_display()}）。")
            return
        status = backend.status()
        if status.state == "building":
            self.stdout.write(f"接着上次未完成的重建继续：新索引中已有 {status.building} 篇（--restart 可从头重建）。")
        started = time.monotonic()
        count = rebuild(self._progress(options, "重建索引"), backend=backend)
        self._end_progress(options)
        self.stdout.write(f"索引已重建：{count} 篇公开的政府信息，后端 {backend.name}，"
                          f"用时 {time.monotonic() - started:.1f} 秒。")

    def _err(self):
        return self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr

    def _progress(self, options, label: str):
        started, err = time.monotonic(), self._err()

        def progress(done: int, total: int) -> None:
            if options["quiet"]:
                return
            share = done / total if total else 1.0
            bar = "#" * int(share * 30)
            elapsed = time.monotonic() - started
            err.write(f"\r{label} [{bar:<30}] {done}/{total} 篇（{share:.0%}，{elapsed:.0f} 秒）")
            err.flush()

        return progress

    def _end_progress(self, options) -> None:
        if not options["quiet"]:
            self._err().write("\n")
