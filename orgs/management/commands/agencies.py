"""`gongkai agencies export|import`: the agency tree (机构) as XLSX or CSV, for bulk set-up and review."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.context import acting_as
from orgs.models import Agency
from orgs.transfer import export_agencies, import_agencies


class Command(BaseCommand):
    help = "导出或导入机构（XLSX / CSV）。导入要么全部成功，要么不写入任何数据。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="export|import")
        export = actions.add_parser("export", help="导出机构")
        export.add_argument("--format", choices=["xlsx", "csv"], default=None,
                            help="文件格式；省略时按 --out 的扩展名判断，默认 xlsx")
        export.add_argument("--out", required=True, help="输出文件路径")
        export.add_argument("--root", metavar="CODE", help="只导出该机构及其全部下级机构")
        import_ = actions.add_parser("import", help="导入机构")
        import_.add_argument("file", help="XLSX 或 CSV 文件")
        import_.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        import_.add_argument("--root", metavar="CODE", help="只允许导入该机构的下级机构")

    def handle(self, *args, **options):
        if options["action"] == "export":
            self.export(options)
        else:
            self.import_(options)

    @staticmethod
    def agency(code: str | None) -> Agency | None:
        if not code:
            return None
        try:
            return Agency.objects.get(code=code)
        except Agency.DoesNotExist:
            raise CommandError(f"机构编码“{code}”不存在。") from None

    def export(self, options):
        out = Path(options["out"])
        fmt = options["format"] or ("csv" if out.suffix.lower() in (".csv", ".tsv", ".txt") else "xlsx")
        root = self.agency(options["root"])
        queryset = Agency.objects.subtree_of(root) if root else Agency.objects.all()
        try:
            out.write_bytes(export_agencies(queryset, fmt))
        except OSError as exc:
            raise CommandError(f"无法写入文件“{out}”：{exc.strerror or exc}") from exc
        self.stdout.write(f"已导出 {queryset.count()} 个机构到 {out}。")

    def import_(self, options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc
        root = self.agency(options["root"])
        with acting_as(label="命令行导入"):
            result = import_agencies(data, path.name, dry_run=options["dry_run"], scope_root=root)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
