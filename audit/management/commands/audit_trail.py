"""`gongkai audit-trail verify [--json]`: check the audit trail's hash chain and guard (audit.verification).
Exit status 0 when intact, 1 naming the first altered, missing, inserted or back-dated entry. Run daily
(docs/operations.md §8)."""

import json
import sys

from django.core.management.base import BaseCommand

from audit.context import acting_as
from audit.verification import KIND_LABELS, verify_trail


class Command(BaseCommand):
    help = "审计日志：verify 核验哈希链、序号、时间顺序和防篡改触发器（有问题时退出码为 1）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="核验审计日志")
        verify.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        verify.add_argument("--no-store", action="store_true", help="不保存核验结果（也不记入审计日志）")

    def handle(self, *args, **options):
        with acting_as(label="系统任务（审计日志核验）"):
            result = verify_trail(store=not options["no_store"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(result.summary())
            for problem in result.problems[1:20]:
                self.stdout.write(f"  [{KIND_LABELS.get(problem.kind, problem.kind)}] {problem.message}")
            if len(result.problems) > 20:
                self.stdout.write(f"  ……另有 {len(result.problems) - 20} 个问题（--json 列出前 100 个）。")
            for note in result.notes:
                self.stdout.write(f"注意：{note}")
            self.stdout.write(f"用时 {result.duration_ms} 毫秒。")
        if not result.ok:
            sys.exit(1)
