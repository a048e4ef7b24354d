"""`gongkai report build|check --agency CODE --year YYYY`: the annual report as a file (JSON for the checkup,
DOCX, PDF, HTML or XLSX, from reports.rendering.export like the workbench download), and its findings.
Uses the agency's latest report version for the year (a draft is recomputed first, so the figures are
current); without one, computes an unsaved report over the agency alone (or --subtree).

`gongkai report enter --agency CODE --year YYYY FILE.json`: 历史数据补录 (docs/manual.md) — a report of a
year before the platform held the data, every cell as printed: {"cells": {cell id: printed text}, "narrative":
{section: text}, "filer", "head", "reviewer", "preparer", "filed_on": "YYYY-MM-DD"}. Run again on an entered
draft, it corrects the cells given (services.enter_report_cells)."""

import json
import sys
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.context import acting_as
from gongkai import file_reading
from orgs.models import Agency
from report_formats.validation import Severity, has_errors
from reports import services
from reports.models import ReportOrigin, ReportStatus
from reports.rendering import EXPORT_TYPES, TEXT_FORMATS, export

BINARY_FORMATS = tuple(f for f in EXPORT_TYPES if f not in TEXT_FORMATS)


class _Unsaved(Exception):
    pass


class Command(BaseCommand):
    help = "生成年度报告（JSON、DOCX、PDF、HTML、XLSX）或校验年度报告：report build / report check。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("build", "输出年度报告文件（默认 JSON）"), ("check", "校验年度报告并列出发现的问题")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--agency", required=True, help="机构编码")
            p.add_argument("--year", required=True, type=int, help="报告年度")
            p.add_argument("--subtree", action="store_true",
                           help="尚无报告时，汇总本机关及全部下级单位（默认只统计本机关）")
            if name == "build":
                p.add_argument("--format", default="json", choices=tuple(EXPORT_TYPES),
                               help="json（年报体检格式）、docx、pdf、html 或 xlsx")
                p.add_argument("--out", help="输出文件；json 和 html 省略时写到标准输出，docx、pdf、xlsx 必须指定")
        p = sub.add_parser("enter", help="历史数据补录：按原表照录往年年度报告的统计表")
        p.add_argument("--agency", required=True, help="机构编码")
        p.add_argument("--year", required=True, type=int, help="报告年度")
        p.add_argument("file", help='JSON 文件：{"cells": {单元格编号: 原表文字}, "narrative": {...}, "filer": …, "filed_on": "YYYY-MM-DD"}')

    def handle(self, *args, **options):
        try:
            agency = Agency.objects.get(code=options["agency"])
        except Agency.DoesNotExist:
            raise CommandError(f"没有编码为“{options['agency']}”的机构。") from None
        if options["action"] == "enter":
            return self._enter(agency, options["year"], options["file"])
        build, fmt, out = options["action"] == "build", options.get("format"), options.get("out")
        if build and fmt in BINARY_FORMATS and not out:
            raise CommandError(f"{fmt.upper()} 是二进制文件，不能写到标准输出：请用 --out 指定输出文件，例如 --out 年度报告.{fmt}。")
        with self._report(agency, options["year"], options["subtree"]) as report:
            if build:
                try:
                    content, _content_type, _extension = export(report, fmt)
                except ImproperlyConfigured as error:  # e.g. WeasyPrint's system libraries are missing
                    raise CommandError(str(error)) from None
            else:
                findings = services.check(report)
        if build:
            if out:
                with open(out, "wb") as fh:
                    fh.write(content)
                self.stdout.write(f"已写入 {out}（{fmt.upper()}，{len(content)} 字节）。")
            else:
                self.stdout.write(content.decode("utf-8"), ending="")
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
            if report.status == ReportStatus.DRAFT and report.origin != ReportOrigin.ENTERED:  # entered: as printed
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

    def _enter(self, agency, year, path):
        try:
            data = json.loads(file_reading.read_path(path, 2 * file_reading.MB).decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("cells"), dict):
                raise ValueError('须是一个含 "cells" 的对象')
            filed_on = date.fromisoformat(data["filed_on"]) if data.get("filed_on") else None
        except file_reading.FileRefused as error:
            raise CommandError(error.for_file(str(path))) from None
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取 {path}：{error}") from None
        existing = services.latest_report(agency, year)
        try:
            with acting_as(label="系统任务（gongkai report enter）"):
                if existing is not None and existing.origin == ReportOrigin.ENTERED:
                    report = services.enter_report_cells(existing, data["cells"], None)
                    verb = "已更正"
                else:
                    report = services.create_entered_report(
                        agency, year, data["cells"], None, narrative=data.get("narrative"), filed_on=filed_on,
                        **{k: data.get(k) for k in ("filer", "head", "reviewer", "preparer")})
                    verb = "已补录"
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"{verb}{agency.name}{year}年度报告（草稿，编号 {report.pk}）。")
