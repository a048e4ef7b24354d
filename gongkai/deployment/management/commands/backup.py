"""gongkai backup [文件] — the database, every stored file and a manifest in one archive (docs/operations.md)."""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.deployment.backups import KEYS_NOT_IN_BACKUP, BackupError, backup


class Command(BaseCommand):
    help = "备份：数据库、文件存储中的全部文件和清单写入一个 tar 文件（密钥不在其中）。"

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", default="",
                            help="备份文件名（默认 gongkai-backup-年月日-时分秒.tar，在当前目录）；已存在时拒绝覆盖")

    def handle(self, *args, output, **options):
        path = Path(output or f"gongkai-backup-{datetime.now():%Y%m%d-%H%M%S}.tar")
        try:
            report = backup(path, stdout=self.stdout)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{report.path}（{report.size / 1024 / 1024:.1f} MB；数据库 {report.database}，"
            f"文件 {report.files} 个，共 {report.file_bytes / 1024 / 1024:.1f} MB）。"))
        self.stdout.write(KEYS_NOT_IN_BACKUP)
        self.stdout.write("恢复：gongkai restore " + str(report.path))
