"""`gongkai demo`: generate a demo region, or print its logins. The logic lives in demo.generator."""

import unicodedata
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from audit.models import AuditEntry
from demo.catalogue import (
    DEFAULT_DOCUMENTS,
    FULL_SCALE_DOCUMENTS,
    MIN_DOCUMENTS,
    build_workflow,
    default_year,
)
from demo.consultations import build_consultations
from demo.generator import DEFAULT_SEED, PROFILES, DemoError, build_region, demo_logins
from demo.letters import DEFAULT_LETTERS, build_letters
from demo.rectifications import build_rectifications
from demo.reports import build_current_reports, build_reports
from demo.requests import DEFAULT_CASES, build_current, build_requests
from orgs.models import Agency, AgencyKind

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
STALE_DAYS = 30  # --if-empty: older demo data than this gets a hint on how to rebuild it for today


def _width(text: str) -> int:
    # Chinese characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, ["-" * w for w in widths], *rows]]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "生成演示区域：机构（含一次机构改革）、门户网站标识和各角色的演示用户。"
        "county 为盐池县（37 个机构）；city 为 1 个市 + 6×scale 个县（区）；"
        "province 为 1 个省 + 12×scale 个市、每市 6 个县（区）（四舍五入，至少 1 个；scale 为 1 时约 3,000 个机构）。"
        "county 还生成上一年度的政府信息目录（--documents 条，含行政规范性文件的制发、修订、废止和政策解读）。"
        "仅在 GONGKAI_DEMO=1 时运行，除非指定 --force。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=PROFILES, default="county",
                            help="区域类型：county（县，默认）、city（市）或 province（省）。")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="下级区域数量的倍数：city 的县（区）数为 6×scale，province 的市数为 "
                                 "12×scale（四舍五入，至少 1 个）；county 只能为 1。")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"随机种子，同一种子总是生成相同的数据（默认 {DEFAULT_SEED}）。")
        parser.add_argument("--documents", type=int, default=None,
                            help=f"county 演示年度发布的政府信息条数（默认 {DEFAULT_DOCUMENTS}，至少 {MIN_DOCUMENTS}；"
                                 f"盐池县 2018 年的实际规模为 {FULL_SCALE_DOCUMENTS}；0 表示不生成目录）。")
        parser.add_argument("--cases", type=int, default=None,
                            help="县级演示区域的依申请公开案件数（默认 40，0 表示不生成）。")
        parser.add_argument("--year", type=int, default=None,
                            help="政府信息目录的演示年度（默认上一年度）。")
        parser.add_argument("--if-empty", action="store_true",
                            help="已有任何机构时什么也不做（只打印一行说明）。")
        parser.add_argument("--print-logins", action="store_true",
                            help="只打印演示用户的登录信息和访问地址，不生成数据。")
        parser.add_argument("--base-url", default=DEFAULT_BASE_URL,
                            help="打印的访问地址（make run 传入实际的主机和端口，默认 http://127.0.0.1:8000/）。")
        parser.add_argument("--force", action="store_true",
                            help="在未设置 GONGKAI_DEMO=1 的环境中也运行（会写入演示用户，慎用）。")

    def handle(self, *args, **options):
        if not settings.DEMO and not options["force"]:
            raise CommandError("拒绝运行：当前不是演示环境（GONGKAI_DEMO 未开启）。演示数据含公开的演示密码，"
                               "不得写入生产数据库；确需运行请加 --force。")
        if options["print_logins"]:
            self.print_logins(options["base_url"])
            return
        existing = Agency.objects.count()
        if options["if_empty"] and existing:
            self.stdout.write(f"数据库中已有 {existing} 个机构，演示数据已存在，未重新生成。")
            # The first entry of the trail: the demo build (the county profile writes through the services).
            made = AuditEntry.objects.order_by("seq").first()
            if made is not None and (timezone.now() - made.at).days > STALE_DAYS:
                # The demo lives relative to the day it was built: old data shows last year's queue.
                self.stdout.write(f"演示数据生成于 {timezone.localdate(made.at):%Y-%m-%d}，其中的期限和待办以那天为准。"
                                  "如需以今天为准重新生成，请删除数据库文件（默认 var/gongkai.sqlite3）后再运行 make run。")
            return
        progress = self.progress if options["profile"] != "county" else None
        try:
            summary = build_region(options["profile"], options["scale"], options["seed"], progress=progress,
                                   documents=options["documents"], year=options["year"])
        except DemoError as error:
            raise CommandError(str(error)) from error
        counts = summary.plan.counts()
        labels = dict(AgencyKind.choices)
        parts = [f"{labels[kind]} {counts[kind]}" for kind in AgencyKind.values if counts[kind]]
        if counts["dissolved"]:
            parts.append(f"已撤销 {counts['dissolved']}")
        reorganisation = summary.plan.reorganisation
        self.stdout.write(self.style.SUCCESS(
            f"已生成演示区域“{summary.plan.region_name}”：{summary.agency_count} 个机构（{'，'.join(parts)}），"
            f"{len(summary.usernames)} 个演示用户，用时 {summary.seconds:.1f} 秒。"))
        self.stdout.write(f"机构改革：{reorganisation.effective_on:%Y-%m-%d} {reorganisation.note}")
        if summary.catalogue is not None:
            c = summary.catalogue.counts()
            self.stdout.write(
                f"政府信息目录：{c['documents']} 条（{summary.catalogue.year} 年发布 {c['in_year']} 条），其中行政规范性文件 "
                f"{c['normative']} 件、政策解读 {c['interpretations']} 篇、已撤回 {c['withdrawn']} 条、"
                f"超过 20 个工作日发布 {c['late']} 条、附件 {c['attachments']} 个，用时 {summary.catalogue.seconds:.1f} 秒。")
            if summary.catalogue.search_note:
                self.stdout.write(summary.catalogue.search_note)
        cases = options["cases"] if options["cases"] is not None else (DEFAULT_CASES if options["profile"] == "county" else 0)
        if cases and options["profile"] == "county":
            try:
                made = build_requests(summary, options["year"] or default_year(), seed=options["seed"], n=cases)
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"依申请公开：{made.cases} 件申请、{made.appeals} 件行政复议和行政诉讼，用时 {made.seconds:.1f} 秒。")
        if options["profile"] == "county" and cases:
            year = options["year"] or default_year()
            letters = build_letters(summary, year, seed=options["seed"])
            consultations = build_consultations(summary, year, seed=options["seed"])
            rectifications = build_rectifications(summary, year, timezone.localdate())
            self.stdout.write(f"更正申请（第四十一条）：{rectifications.requests} 件。")
            self.stdout.write(f"互动交流：来信 {letters.letters} 件（无效 {letters.invalid} 件，公开答复 {letters.published} 件），"
                              f"意见征集 {consultations.consultations} 项（意见 {consultations.comments} 条），"
                              f"回应关切 {consultations.concerns} 次。")
            made_reports = build_reports(summary, year, seed=options["seed"])
            self.stdout.write(f"年度报告：已发布 {len(made_reports.published)} 份，草稿 {len(made_reports.drafts)} 份。")
            for why in made_reports.refused:
                self.stdout.write(f"  未能审核通过：{why}")
            today = timezone.localdate()
            if year == today.year - 1:
                self.build_current_year(summary, today, options["seed"])
        self.stdout.write(f"门户网站：{summary.site.name}。运行 gongkai demo --print-logins 查看登录信息。")

    def build_current_year(self, summary, today, seed: int) -> None:
        """The year in progress up to today (the demo lives in today: cases in every state, letters this
        month, an open consultation, this year's report being compiled, documents in the workflow)."""
        with transaction.atomic(), acting_as(label="演示数据生成"):
            cases = build_current(summary, seed=seed, today=today)
            elapsed = (today - date(today.year, 1, 1)).days + 1
            letters = build_letters(summary, today.year, seed=seed + 1, n=max(10, DEFAULT_LETTERS * elapsed // 365),
                                    today=today)
            consultations = build_consultations(summary, today.year, seed=seed + 1, today=today)
            rectifications = build_rectifications(summary, today.year, today)
            agencies = {a.code: a for a in Agency.objects.filter(pk__in=summary.agency_ids.values())}
            documents = build_workflow(summary.plan, agencies, today, seed) if summary.catalogue is not None else 0
            reports = build_current_reports(summary, today, seed=seed)
        self.stdout.write(
            f"{today.year}年（截至{today:%m月%d日}）：依申请公开 {cases.cases} 件（办理中 "
            f"{sum(n for state, n in cases.states.items() if state not in ('closed', 'archived'))} 件），"
            f"来信 {letters.letters} 件，意见征集 {consultations.consultations} 项，"
            f"更正申请 {rectifications.requests} 件（办理中 {rectifications.open} 件），"
            f"编辑中的文件 {documents} 件，编制中的年度报告 {len(reports.drafts)} 份。")

    def progress(self, done: int, total: int) -> None:
        # A counter line that overwrites itself; plain text, so not coloured as an error.
        self.stderr.write(f"\r正在生成机构：{done}/{total}", style_func=str, ending="\n" if done >= total else "")
        self.stderr.flush()

    def print_logins(self, base_url: str = DEFAULT_BASE_URL) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write("数据库中还没有演示用户。请先运行：gongkai demo --profile county")
        else:
            self.stdout.write("演示登录信息（仅供演示环境使用）：")
            rows = [[x.username, x.full_name, x.roles, x.agencies, x.password] for x in logins]
            self.stdout.write(format_table(["用户名", "姓名", "角色", "机构", "密码"], rows))
        self.stdout.write("")
        base_url = base_url.rstrip("/") + "/"
        self.stdout.write(f"门户：  {base_url}")
        self.stdout.write(f"工作台：{base_url}workbench/")
