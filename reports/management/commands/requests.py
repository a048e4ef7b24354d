"""gongkai requests <子命令> — 依申请公开 from the console. `stats`: 表三 and 表四 of the annual report (or, before
2019, the 依申请 and 复议/诉讼 rows of the 2014–2018 统计表), as a table or as JSON keyed by our cell ids (docs/law/annual-report.md §3–§5).

`remind`: the daily reply-deadline reminders of disclosure_requests.tasks (for cron).

Each subcommand is a `sub.add_parser(...)` in add_arguments plus a `do_<name>` method.

It lives in reports, not in disclosure_requests, because `stats` prints 表四 from appeals next to 表三: reports
may import both case apps, while appeals imports disclosure_requests and so disclosure_requests may not import
appeals (gongkai/tests/test_app_graph.py)."""

import json
import unicodedata
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from appeals import statistics as appeal_stats
from audit.context import acting_as
from disclosure_requests import statistics as stats
from disclosure_requests.models import DisclosureRequest
from disclosure_requests.tasks import send_due_reminders
from orgs.models import Agency

FORMAT_LABELS = {"2021": "2021年版（国办公开办函〔2021〕30号）", "2019": "2019年试行版（国办公开办函〔2019〕60号）"}


def width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, columns: int, align: str = "<") -> str:
    space = " " * max(columns - width(text), 0)
    if align == ">":
        return space + text
    if align == "^":
        half = len(space) // 2
        return space[:half] + text + space[half:]
    return text + space


def default_format(year: int) -> str | None:
    """The format of the year's report: F2021 from 2021, F2019 for 2019–2020, the legacy table before."""
    return "2021" if year >= 2021 else "2019" if year >= 2019 else None


class Command(BaseCommand):
    help = "依申请公开：统计年度报告表三（收到和处理政府信息公开申请情况）和表四（行政复议、行政诉讼情况）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", title="子命令", required=True)
        st = sub.add_parser("stats", help="年度报告表三、表四的全部数据（2019年以前：2014—2018年统计表的相应行）")
        st.add_argument("--agency", required=True, metavar="CODE", help="机构编码")
        st.add_argument("--year", required=True, type=int, help="报告年度，例如 2024")
        st.add_argument("--format", dest="report_format", choices=stats.FORMATS, default=None,
                        help="年度报告格式：2021（2021年度起）或 2019（2019、2020年度）；默认按年度选择")
        st.add_argument("--subtree", action="store_true", help="汇总本机关及全部下级机构的申请（仅供监测：每个机关的年度报告只统计本机关的申请）")
        st.add_argument("--json", action="store_true", help="输出 JSON，键为单元格编号（如 t3.granted.natural_person）")
        remind = sub.add_parser("remind", help="向承办人发送答复期限到期提醒邮件（每个工作日早晨运行一次）")
        remind.add_argument("--date", default=None, help="按该日期计算（默认今天），YYYY-MM-DD")

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['subcommand']}")(options)

    # -- remind ---------------------------------------------------------------------------------------
    def do_remind(self, options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"].strip())
            except ValueError:
                raise CommandError(f"日期格式无效：“{options['date']}”，应为 YYYY-MM-DD。") from None
        with acting_as(label="系统任务（gongkai requests remind）"):
            sent = send_due_reminders(today)
        self.stdout.write(f"已发送 {sent} 封到期提醒邮件。")

    # -- stats ----------------------------------------------------------------------------------------
    def do_stats(self, options):
        try:
            agency = Agency.objects.get(code=options["agency"])
        except Agency.DoesNotExist:
            raise CommandError(f"机构编码“{options['agency']}”不存在。") from None
        year = options["year"]
        if not 1900 < year < 10000:
            raise CommandError(f"年度“{year}”无效，应为四位年份，例如 2024。")
        report_format = options["report_format"]
        if report_format is None:
            report_format = default_format(year)
        elif year < 2019:
            raise CommandError("2019年以前的年度使用2014—2018年《政府信息公开情况统计表》，不适用 --format。")
        ids = (list(Agency.objects.subtree_of(agency).values_list("pk", flat=True)) if options["subtree"]
               else [agency.pk])
        try:
            if report_format is None:
                cells = {**stats.legacy_request_counters(ids, year), **appeal_stats.legacy_appeal_counters(ids, year)}
            else:
                cells = {**stats.table_three(ids, year, report_format), **appeal_stats.table_four(ids, year)}
        except stats.StatisticsDataError as exc:
            raise CommandError(f"数据异常：{exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(cells, ensure_ascii=False, indent=2))
            return
        scope = f"（含下级机构，共 {len(ids)} 个机构的汇总）" if options["subtree"] else ""
        self.stdout.write(f"{agency.name}{scope}　{year}年度")
        if report_format is None:
            self._legacy(cells)
        else:
            self.stdout.write(f"年度报告格式：{FORMAT_LABELS[report_format]}")
            self.stdout.write("")
            self._table_three(cells, report_format)
            self.stdout.write("")
            self._table_four(cells)
        self.stdout.write("")
        self._rules()

    def _table_three(self, cells, report_format):
        layout = stats.T3_LAYOUT[report_format]
        label_w = max(width(label) + (2 if label[0].isdigit() else 0) for label, _ in layout)
        col_w = {c: max(width(stats.COLUMN_LABELS[c]), 6) for c in stats.COLUMNS}
        orgs = stats.APPLICANT_COLUMNS[1:]
        orgs_w = sum(col_w[c] for c in orgs) + 2 * (len(orgs) - 1)
        self.stdout.write("三、收到和处理政府信息公开申请情况")
        self.stdout.write(stats.T3_HEADER_NOTE)
        all_w = sum(col_w.values()) + 2 * (len(col_w) - 1)
        self.stdout.write(" " * label_w + "  " + pad("申请人情况", all_w, "^"))
        self.stdout.write(" " * label_w + "  " + "  ".join([
            pad(stats.COLUMN_LABELS["natural_person"], col_w["natural_person"], "^"),
            pad("法人或其他组织", orgs_w, "^"), pad(stats.COLUMN_LABELS["total"], col_w["total"], "^")]))
        self.stdout.write(" " * label_w + "  " + "  ".join(
            pad(stats.COLUMN_LABELS[c] if c in orgs else "", col_w[c], "^") for c in stats.COLUMNS))
        for label, row in layout:
            shown = ("  " + label) if label[0].isdigit() else label
            if row is None:
                self.stdout.write(shown)
                continue
            numbers = "  ".join(pad(str(cells[f"t3.{row}.{c}"]), col_w[c], ">") for c in stats.COLUMNS)
            self.stdout.write(f"{pad(shown, label_w)}  {numbers}")

    def _table_four(self, cells):
        self.stdout.write("四、政府信息公开行政复议、行政诉讼情况")
        label_w = max(width(label) for label in appeal_stats.BLOCK_LABELS.values())
        col_w = {c: max(width(label), 6) for c, label in appeal_stats.COLUMN_LABELS.items()}
        self.stdout.write(" " * label_w + "  " + "  ".join(
            pad(appeal_stats.COLUMN_LABELS[c], col_w[c], "^") for c in appeal_stats.COLUMNS))
        for block in appeal_stats.BLOCKS:
            numbers = "  ".join(pad(str(cells[f"t4.{block}.{c}"]), col_w[c], ">") for c in appeal_stats.COLUMNS)
            self.stdout.write(f"{pad(appeal_stats.BLOCK_LABELS[block], label_w)}  {numbers}")

    def _legacy(self, cells):
        self.stdout.write("《政府信息公开情况统计表》（国办发〔2014〕32号）：依申请公开、行政复议、行政诉讼部分")
        def indented(label):
            return "    " + label if label[0].isdigit() else "  " + label if label.startswith("（") else label

        label_w = max(width(indented(label)) for label, _ in stats.LEGACY_LAYOUT)
        self.stdout.write(f"{pad('统计指标', label_w)}  单位  {pad('统计数', 6, '>')}")
        for label, cell in stats.LEGACY_LAYOUT:
            shown = indented(label)
            if cell is None:
                self.stdout.write(shown)
            else:
                self.stdout.write(f"{pad(shown, label_w)}  件    {pad(str(cells[cell]), 6, '>')}")
        self.stdout.write("说明：“（三）申请答复数”及其细项需要按2008年条例的答复类型统计，目前的申请记录没有该字段，未列出。"
                          "延期办结数含经批准延长答复期限后办结和逾期办结的申请；尚未审结的复议、诉讼计入“其他情形数”。")

    def _rules(self):
        rules = stats.year_rules()
        field = DisclosureRequest._meta.get_field
        received, closed = field(rules["received"]).verbose_name, field(rules["closed"]).verbose_name
        appeal_rule = ("当年提出的行政复议、行政诉讼" if appeal_stats.year_rule() == "filed"
                       else "当年提出的，以及以前年度提出、截至1月1日尚未审结的行政复议、行政诉讼")
        self.stdout.write(
            f"统计口径：本年新收按“{received}”（{rules['received']}）计入年度，尚待确认收到的申请不计；"
            f"办理结果按“{closed}”（{rules['closed']}）计入年度；结转下年度为截至12月31日已收到、尚未办结的申请，"
            f"上年结转即上一年度的结转下年度；转办的申请计入现办理机关。"
            f"复议、诉讼：统计{appeal_rule}，按12月31日的状态计（此后作出的决定计为尚未审结）。")
