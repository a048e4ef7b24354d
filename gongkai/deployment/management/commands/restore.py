"""gongkai restore 文件 [--force] [--check] — restores what `gongkai backup` wrote (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from gongkai.deployment.backups import KEYS_NOT_IN_BACKUP, BackupError, check_restorable, inspect, restore


class Command(BaseCommand):
    help = "恢复 gongkai backup 生成的备份：先完整检查，有问题时不做任何改动。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件")
        parser.add_argument("--force", action="store_true",
                            help="目标数据库已有数据、文件存储已有文件时也恢复（用备份替换现有全部数据）")
        parser.add_argument("--check", action="store_true", help="只检查备份文件和目标，不恢复")

    def handle(self, *args, archive, force, check, **options):
        try:
            if check:
                manifest = inspect(archive)
                check_restorable(manifest, force=force)
                report = None
            else:
                report = restore(archive, force=force, stdout=self.stdout)
                manifest = report.manifest
        except BackupError as error:
            raise CommandError(str(error)) from None
        program = manifest.get("program") or {}
        self.stdout.write(f"备份时间：{manifest['created_at']}；程序版本：{program.get('version') or '不详'}"
                          f"{'（' + program['commit'][:12] + '）' if program.get('commit') else ''}；"
                          f"文件 {manifest['files']['count']} 个。")
        if report is None:
            self.stdout.write(self.style.SUCCESS("检查通过：备份完整，可以恢复到当前配置的数据库和存储。"))
            return
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：数据库已恢复，文件 {report.files} 个"
            f"{f'（其中 {report.replaced_files} 个替换了原有文件）' if report.replaced_files else ''}。"))
        self.stdout.write("接下来：")
        for number, step in enumerate(report.next_steps, 1):
            self.stdout.write(f"  {number}. {step}")
        self.stdout.write(KEYS_NOT_IN_BACKUP)
