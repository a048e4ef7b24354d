"""gongkai monitor run [--agency CODE] [--json] [--date YYYY-MM-DD] — run every monitoring check now
(monitoring.services.run_checks, recorded and audited as a 系统任务 run) and print the findings per agency.

Every morning the scheduler runs the same checks platform-wide as a background job (jobs.schedule, "monitor",
06:30 by default; monitoring.tasks.run_monitoring).
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from audit.context import acting_as
from monitoring.models import Severity
from monitoring.reporting import item_text
from monitoring.rules import RULES
from monitoring.services import run_checks
from orgs.models import Agency


class Command(BaseCommand):
    help = "网站监测：按国办秘函〔2019〕19号等检查指标检查平台数据，并按机构列出问题。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", title="子命令", required=True)
        run = sub.add_parser("run", help="立即运行全部检查（每日系统任务也调用它）")
        run.add_argument("--agency", metavar="CODE", help="只检查该机构及其下级机构（默认：全平台）")
        run.add_argument("--json", action="store_true", help="输出 JSON")
        run.add_argument("--date", default=None, help="检查基准日（默认今天），YYYY-MM-DD")

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['subcommand']}")(options)

    def do_run(self, options):
        scope = None
        if options["agency"]:
            scope = Agency.objects.filter(code=options["agency"]).first()
            if scope is None:
                raise CommandError(f"未找到机构编码“{options['agency']}”。")
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式无效：“{options['date']}”，应为 YYYY-MM-DD。") from None
        with acting_as(label="系统任务（gongkai monitor run）"):
            run = run_checks(scope=scope, today=today)
        issues = list(run.issues.select_related("agency").order_by("agency__path", "severity", "rule_id", "id"))
        if options["json"]:
            self.stdout.write(json.dumps(self.as_json(run, issues), ensure_ascii=False, indent=2))
        else:
            self.write_text(run, issues)

    @staticmethod
    def as_json(run, issues) -> dict:
        agencies: dict[int, dict] = {}
        for issue in issues:
            entry = agencies.setdefault(issue.agency_id, {"code": issue.agency.code, "name": issue.agency.name,
                                                          "issues": []})
            entry["issues"].append({"rule": issue.rule_id, "title": issue.title, "severity": issue.severity,
                                    "status": issue.rule_status, "measured": issue.measured,
                                    "threshold": issue.threshold, "source": issue.source, "items": issue.items})
        return {
            "run": run.pk,
            "checked_on": run.checked_on.isoformat(),
            "scope": run.scope.code if run.scope_id else None,
            "agencies_checked": run.agency_count,
            "errors": sum(1 for i in issues if i.severity == Severity.ERROR),
            "warnings": sum(1 for i in issues if i.severity == Severity.WARNING),
            "rules": [{"id": r.id, "title": r.title, "threshold": r.threshold_label(), "source": r.source,
                       "status": r.status.value} for r in RULES.values()],
            "agencies": list(agencies.values()),
        }

    def write_text(self, run, issues):
        errors = sum(1 for i in issues if i.severity == Severity.ERROR)
        where = f"{run.scope.name}及下级机构" if run.scope_id else "全平台"
        self.stdout.write(f"监测完成（第 {run.pk} 次）：{where}，基准日 {run.checked_on:%Y-%m-%d}，检查 {run.agency_count} 个机构，"
                          f"不合格 {errors} 项，警告 {len(issues) - errors} 项。")
        current = None
        for issue in issues:
            if issue.agency_id != current:
                current = issue.agency_id
                self.stdout.write(f"\n{issue.agency.name}（{issue.agency.code}）")
            self.stdout.write(f"  [{issue.get_severity_display()}] {issue.rule_id} {issue.title}：{issue.measured}")
            self.stdout.write(f"      阈值：{issue.threshold}；依据：{issue.source}")
            for item in issue.items:
                self.stdout.write(f"      - {item_text(item)}")
        if not issues:
            self.stdout.write("未发现问题。")
