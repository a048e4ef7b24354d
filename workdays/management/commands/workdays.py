"""gongkai workdays add|check|count|list|sync — the working-day calendar from the console."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from audit.context import acting_as
from workdays import calendar
from workdays.models import WorkdayCalendar
from workdays.services import sync_from_package


def parse_date(text: str, what: str = "日期") -> date:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise CommandError(f"{what}格式无效：“{text}”，应为 YYYY-MM-DD，例如 2024-09-25。") from None


def parse_pause(text: str) -> calendar.Pause:
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise CommandError(f"暂停区间格式无效：“{text}”，应为 开始:结束[:说明]，例如 2024-09-27:2024-10-08:征求第三方意见。")
    start, end = parse_date(parts[0], "暂停开始日期"), parse_date(parts[1], "暂停结束日期")
    label = parts[2].strip() if len(parts) == 3 and parts[2].strip() else "暂停"
    try:
        return calendar.Pause(start, end, label)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None


class Command(BaseCommand):
    help = "工作日历：判断工作日、推算期限、统计工作日、从 chinesecalendar 同步节假日安排。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", title="子命令", required=True)

        add = sub.add_parser("add", help="推算期限：起算日期加 N 个工作日，例如 add 2024-09-25 20")
        add.add_argument("start", help="起算日期（收到申请之日），YYYY-MM-DD")
        add.add_argument("n", help="工作日数，例如 20")
        group = add.add_mutually_exclusive_group()
        group.add_argument("--count-receipt-day", dest="count_start_day", action="store_true", default=None,
                           help="收到当日计入期限（默认按系统设置 GONGKAI_WORKDAY_COUNT_RECEIPT_DAY）")
        group.add_argument("--no-count-receipt-day", dest="count_start_day", action="store_false",
                           help="自次日起算")
        add.add_argument("--pause", action="append", default=[], metavar="开始:结束[:说明]",
                         help="不计算在期限内的时间，可重复，例如 2024-09-27:2024-10-08:征求第三方意见")

        check = sub.add_parser("check", help="判断某日是否为工作日及原因，例如 check 2024-10-12")
        check.add_argument("day", help="日期，YYYY-MM-DD")

        count = sub.add_parser("count", help="统计两个日期之间的工作日数（默认不含开始日、含结束日）")
        count.add_argument("start", help="开始日期，YYYY-MM-DD")
        count.add_argument("end", help="结束日期，YYYY-MM-DD")
        count.add_argument("--include-start", action="store_true", help="开始日也计入")
        count.add_argument("--pause", action="append", default=[], metavar="开始:结束[:说明]",
                           help="不计入的暂停区间，可重复")

        sub.add_parser("list", help="列出各年度日历的状态和版本")

        sync = sub.add_parser("sync", help="从 chinesecalendar 同步并确认若干年度的节假日安排")
        sync.add_argument("--years", required=True, help="年份或范围，例如 2024-2026 或 2024,2026")
        sync.add_argument("--reason", default="", help="修改理由（记入审计日志）")

    def handle(self, *args, **options):
        try:
            return getattr(self, f"do_{options['subcommand']}")(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _warn(self, years):
        if years:
            self.stderr.write(self.style.WARNING(calendar.unconfirmed_warning(years)))

    def do_add(self, options):
        start = parse_date(options["start"], "起算日期")
        try:
            n = int(options["n"])
        except ValueError:
            raise CommandError(f"工作日数应为正整数，收到：“{options['n']}”。") from None
        pauses = [parse_pause(p) for p in options["pause"]]
        due = calendar.add_working_days(start, n, pauses, options["count_start_day"])
        self.stdout.write(due.day.isoformat())
        self.stdout.write(f"期限计算说明：{due.trace}")
        self._warn(due.unconfirmed_years)

    def do_check(self, options):
        info = calendar.day_info(parse_date(options["day"]))
        name = f"（{info.holiday_name}）" if info.holiday_name else ""
        what = "是工作日" if info.is_working_day else "不是工作日"
        flag = "" if info.confirmed else f"［{info.day.year}年日历未确认］"
        self.stdout.write(f"{info.day.isoformat()}（{info.weekday}）{what}：{info.reason}{name}{flag}")
        self._warn([] if info.confirmed else [info.day.year])

    def do_count(self, options):
        start = parse_date(options["start"], "开始日期")
        end = parse_date(options["end"], "结束日期")
        pauses = [parse_pause(p) for p in options["pause"]]
        result = calendar.count_working_days_detail(start, end, pauses, options["include_start"])
        scope = "含" if options["include_start"] else "不含"
        self.stdout.write(f"{result.count}")
        self.stdout.write(f"{start.isoformat()} 至 {end.isoformat()}（{scope}开始日，含结束日）共 {result.count} 个工作日")
        self._warn(result.unconfirmed_years)

    def do_list(self, options):
        rows = list(WorkdayCalendar.objects.annotate(n_days=Count("days")).order_by("year"))
        if not rows:
            self.stdout.write("尚无任何年度日历。")
        for row in rows:
            self.stdout.write(f"{row.year}\t{row.get_status_display()}\t第{row.version}版\t"
                              f"{row.n_days}个例外日\t{row.source_note}")

    def do_sync(self, options):
        with acting_as(label="命令行（gongkai workdays sync）"):
            result = sync_from_package(options["years"], reason=options["reason"])
        for message in result.messages:
            self.stdout.write(message)
        if result.affected:
            self.stdout.write(f"受影响的未结案件（{len(result.affected)} 件）：")
            for case in result.affected:
                self.stdout.write(f"  {case.label}：{case.old_due.isoformat()} → {case.new_due.isoformat()}")
        elif result.changed:
            self.stdout.write("受影响的未结案件：无。")
