"""`gongkai catalogue import|export`: 政府信息公开目录 (already-published items) as XLSX or CSV."""

from pathlib import Path

from django.core.management.base import CommandError

from catalog.models import Document, DocumentStatus
from catalog.transfer import export_catalogue, import_catalogue
from orgs.transfer_commands import TransferCommand


class Command(TransferCommand):
    help = "导入或导出政府信息公开目录（XLSX / CSV）。导入要么全部成功，要么不写入任何数据。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|export")
        import_ = actions.add_parser("import", help="导入已发布的历史目录")
        import_.add_argument("file", help="XLSX 或 CSV 文件")
        import_.add_argument("--attachments", metavar="DIR", help="附件所在的文件夹（附件列填写其中的文件名）")
        import_.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        import_.add_argument("--root", metavar="CODE", help="只允许导入该机构及其下级机构发布的信息")
        export = actions.add_parser("export", help="导出已发布的信息")
        export.add_argument("--format", choices=["xlsx", "csv"], default=None,
                            help="文件格式；省略时按 --out 的扩展名判断，默认 xlsx")
        export.add_argument("--out", required=True, help="输出文件路径")
        export.add_argument("--agency", metavar="CODE", help="只导出该机构及其下级机构发布的信息")

    def export(self, options):
        out = Path(options["out"])
        fmt = self.export_format(options, out)
        agency = self.agency(options["agency"])
        # Drafts have no 索引号 and withdrawn items are not part of the catalogue; neither would re-import.
        queryset = Document.objects.filter(status=DocumentStatus.PUBLISHED)
        if agency is not None:
            queryset = queryset.filter(publisher__path__startswith=agency.path)
        self.write_export(out, export_catalogue(queryset, fmt), f"已导出 {queryset.count()} 条信息")

    def import_(self, options):
        path = Path(options["file"])
        data = self.read_file(path)
        attachments = Path(options["attachments"]) if options["attachments"] else None
        if attachments is not None and not attachments.is_dir():
            raise CommandError(f"附件文件夹“{attachments}”不存在。")
        root = self.agency(options["root"])
        result = import_catalogue(data, path.name, dry_run=options["dry_run"], attachments_dir=attachments,
                                  scope_root=root)
        self.report(result)
