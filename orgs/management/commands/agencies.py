"""`gongkai agencies export|import`: the agency tree (机构) as XLSX or CSV, for bulk set-up and review."""

from pathlib import Path

from audit.context import acting_as
from orgs.models import Agency
from orgs.transfer import export_agencies, import_agencies
from orgs.transfer_commands import TransferCommand


class Command(TransferCommand):
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

    def export(self, options):
        out = Path(options["out"])
        fmt = self.export_format(options, out, (".csv", ".tsv", ".txt"))
        root = self.agency(options["root"])
        queryset = Agency.objects.subtree_of(root) if root else Agency.objects.all()
        self.write_export(out, export_agencies(queryset, fmt), f"已导出 {queryset.count()} 个机构")

    def import_(self, options):
        path = Path(options["file"])
        data = self.read_file(path)
        root = self.agency(options["root"])
        with acting_as(label="命令行导入"):
            result = import_agencies(data, path.name, dry_run=options["dry_run"], scope_root=root)
        self.report(result)
