"""gongkai checkup FILE_OR_DIR… [--out report.html|.xlsx|.json]: 年报体检 for published annual reports.
One line per report (errors, warnings, notes, cells not read per table), then each of its errors in full;
`gongkai audit` is the same command under the name issue 17 uses."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from report_checkup.checkup import check_many, counts, tables_line
from report_checkup.output import write_html, write_json, write_xlsx


class Command(BaseCommand):
    help = "年报体检：读取已发布的政府信息公开工作年度报告（文本、HTML、DOCX、PDF），提取表格与正文数字并校验"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="报告文件或目录")
        parser.add_argument("--out", help="输出文件：.html、.xlsx 或 .json")
        parser.add_argument("--quiet", action="store_true", help="不显示进度")

    def handle(self, *args, **options):
        out = options.get("out")
        if out and Path(out).suffix.lower() not in (".html", ".htm", ".xlsx", ".json"):
            raise CommandError("--out 只支持 .html、.xlsx 或 .json")
        missing = [p for p in options["paths"] if not Path(p).exists()]
        if missing:
            raise CommandError(f"找不到文件或目录：{'、'.join(missing)}")
        started = time.perf_counter()
        err = sys.stderr

        def progress(i, total, path):
            if not options["quiet"]:
                err.write(f"\r[{i}/{total}] {Path(path).name[:60]:<60}")
                err.flush()

        reports = check_many(options["paths"], progress=progress)
        if not options["quiet"] and reports:
            err.write("\n")
        for r in reports:
            c = counts(r)
            read = f"（{tables_line(r)}）" if r.get("tables") else ""
            self.stdout.write(f"{r.get('agency') or '（未识别机关）'}\t{r.get('year') or '-'}\t{r.get('format')}\t"
                              f"错误{c['error']}\t警告{c['warning']}\t提示{c['info']}\t未能读取{c['unread']}{read}\t"
                              f"{r.get('source')}")
            for f in r.get("findings", []):
                if f.get("severity") == "error":  # every error in full; warnings and notes are in --out
                    self.stdout.write(f"  错误 {f['code']}：{f['message']}{'（' + f['where'] + '）' if f.get('where') else ''}")
        self.stdout.write(scorecard(reports, time.perf_counter() - started))
        if out:
            suffix = Path(out).suffix.lower()
            if suffix == ".json":
                write_json(reports, out)
            elif suffix == ".xlsx":
                write_xlsx(reports, out)
            else:
                write_html(reports, out)
            self.stdout.write(f"结果已写入 {out}")


def scorecard(reports: list[dict], seconds: float) -> str:
    total = len(reports)
    by_format: dict[str, int] = {}
    for r in reports:
        by_format[r.get("format") or "prose"] = by_format.get(r.get("format") or "prose", 0) + 1
    with_errors = sum(1 for r in reports if counts(r)["error"])
    with_warnings = sum(1 for r in reports if counts(r)["warning"] and not counts(r)["error"])
    clean = total - with_errors - with_warnings
    cells = sum(len(r.get("cells", {})) for r in reports)
    unreadable = sum(counts(r)["unread"] for r in reports)
    formats = "，".join(f"{k} {v}份" for k, v in sorted(by_format.items()))
    return (f"合计：{total}份报告（{formats}）；有错误{with_errors}份，仅有警告{with_warnings}份，无问题{clean}份；"
            f"读取单元格{cells}个，未能读取{unreadable}个（不计为错误）；用时{seconds:.1f}秒")


