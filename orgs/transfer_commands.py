"""What the `import|export` commands of the agency tree and the catalogue share: the subcommand dispatch,
reading the file, writing the export and reporting an all-or-nothing import result. It lives in orgs (not in
the shared gongkai package) because it looks agencies up by code; catalog's command imports it from here."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongkai import file_reading
from orgs.models import Agency


class TransferCommand(BaseCommand):
    """Subclasses add their arguments and implement `export(options)` and `import_(options)`."""

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

    @staticmethod
    def export_format(options, out: Path, csv_suffixes=(".csv", ".txt")) -> str:
        return options["format"] or ("csv" if out.suffix.lower() in csv_suffixes else "xlsx")

    def write_export(self, out: Path, content: bytes, done: str) -> None:
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入文件“{out}”：{exc.strerror or exc}") from exc
        self.stdout.write(f"{done}到 {out}。")

    @staticmethod
    def read_file(path: Path) -> bytes:
        """Refused by its size before reading (gongkai.file_reading.read_path); the import's own, smaller limit
        is applied by gongkai.tables.read_table."""
        try:
            return file_reading.read_path(path, int(settings.GONGKAI_UPLOAD_MAX_MB) * file_reading.MB)
        except file_reading.FileRefused as exc:
            raise CommandError(exc.for_file(str(path))) from exc
        except OSError as exc:
            raise CommandError(f"无法读取文件“{path}”：{exc.strerror or exc}") from exc

    def report(self, result) -> None:
        """Every row error on stderr and exit status 1, or the summary."""
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
