"""`gongkai report build|check --agency CODE --year YYYY`: the annual report as the auditor's JSON, and its
findings. Uses the agency's latest report version for the year (a draft is recomputed first, so the
figures are current); without one, computes an unsaved report over the agency alone (or --subtree)."""

import json
import sys
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orgs.models import Agency
from reports import services
from reports.models import ReportStatus
from reports.validation import Severity, has_errors

LATER_FORMATS = ("docx", "pdf", "html", "xlsx")


class _Unsaved(Exception):
    pass


class Command(BaseCommand):
    help = "生成年度报告数据（JSON）或校验年度报告：report build / report check。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("build", "输出年度报告的 JSON"), ("check", "校验年度报告并列出发现的问题")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--agency", required=True, help="机构编码")
            p.add_argument("--year", required=True, type=int, help="报告年度")
            p.add_argument("--subtree", action="store_true",
                           help="尚无报告时，汇总本机关及全部下级单位（默认只统计本机关）")
            if name == "build":
                p.add_argument("--format", default="json", choices=("json", *LATER_FORMATS))
                p.add_argument("--out", help="输出文件；省略时写到标准输出")

    def handle(self, *args, **options):
        try:
            agency = Agency.objects.get(code=options["agency"])
        except Agency.DoesNotExist:
            raise CommandError(f"没有编码为“{options['agency']}”的机构。") from None
        if options["action"] == "build" and options["format"] != "json":
            raise CommandError(f"{options['format'].upper()} 格式的年度报告尚未提供，目前只能输出 JSON（--format json）。")
        with self._report(agency, options["year"], options["subtree"]) as report:
            findings = services.check(report)
            data = services.export_json(report, findings)
        if options["action"] == "build":
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if options.get("out"):
                with open(options["out"], "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
                self.stdout.write(f"已写入 {options['out']}（{len(data['cells'])} 个单元格，{len(findings)} 条校验结果）。")
            else:
                self.stdout.write(text)
            return
        for f in findings:
            where = f"［{f.where}］" if f.where else ""
            self.stdout.write(f"{f.severity.label} {f.code}{where} {f.message}")
        counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
        self.stdout.write(f"共 {counts[Severity.ERROR]} 个错误，{counts[Severity.WARNING]} 个警告，"
                          f"{counts[Severity.INFO]} 条提示。")
        if has_errors(findings):
            sys.exit(1)

    @contextmanager
    def _report(self, agency, year, subtree):
        report = services.latest_report(agency, year)
        if report is not None:
            if report.status == ReportStatus.DRAFT:
                report = services.recompute(report, None)
            yield report
            return
        # No saved report: build one inside a transaction that is rolled back, so nothing is left behind.
        units = Agency.objects.subtree_of(agency) if subtree else [agency]
        try:
            with transaction.atomic():
                try:
                    report = services.create_draft(agency, year, units, None)
                except ValidationError as exc:
                    raise CommandError("；".join(exc.messages)) from None
                report.unsaved = True  # rolled back below: the JSON must not name a report id
                yield report
                raise _Unsaved
        except _Unsaved:
            pass
