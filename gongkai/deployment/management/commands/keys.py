"""gongkai keys generate|status|rotate|rehash — the personal-data keys (docs/privacy.md)."""

import secrets

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError

from audit.context import acting_as
from audit.services import record
from gongkai import key_rotation
from gongkai.privacy import InvalidFieldKey


class Command(BaseCommand):
    help = "个人信息加密密钥：生成、检查、轮换（用最新密钥重新加密）、重算身份散列。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", title="子命令", required=True)
        generate = sub.add_parser("generate", help="生成一个新的 Fernet 密钥（或用 --hash-key 生成身份散列密钥）")
        generate.add_argument("--hash-key", action="store_true", help="生成 GONGKAI_IDENTITY_HASH_KEY 用的随机密钥")
        sub.add_parser("status", help="各加密字段中：已用最新密钥、仍用旧密钥、无法解密的行数（不修改数据）")
        rotate = sub.add_parser("rotate", help="用 GONGKAI_FIELD_KEYS 的第一个密钥重新加密全部加密字段")
        rotate.add_argument("--dry-run", action="store_true", help="只统计，不修改")
        rotate.add_argument("--batch-size", type=int, default=key_rotation.BATCH_SIZE, help="每个事务处理的行数")
        rehash = sub.add_parser("rehash", help="用 GONGKAI_IDENTITY_HASH_KEY 重算全部身份散列（引入该密钥时运行一次）")
        rehash.add_argument("--dry-run", action="store_true", help="只统计，不修改")

    def handle(self, *args, subcommand, **options):
        if subcommand == "generate":
            self.stdout.write(secrets.token_urlsafe(48) if options["hash_key"] else Fernet.generate_key().decode())
            return
        try:
            with acting_as(label="密钥管理命令"):
                if subcommand == "rehash":
                    return self._rehash(options["dry_run"])
                return self._rotate(subcommand, options)
        except InvalidFieldKey as error:
            raise CommandError(f"{error}（运行 `gongkai check` 查看详情）。") from None

    def _table(self, report: key_rotation.Report, rotated_label: str):
        self.stdout.write(f"{'字段':<44}{'有值':>8}{'最新密钥':>10}{rotated_label:>10}{'无法解密':>10}")
        for count in report.fields:
            self.stdout.write(f"{count.label:<44}{count.rows:>8}{count.current:>10}{count.rotated:>10}"
                              f"{count.undecryptable:>10}")
            if count.changed_meanwhile:
                self.stdout.write(f"  {count.label}：{count.changed_meanwhile} 行在处理期间被修改，未覆盖；请再运行一次。")

    def _rotate(self, subcommand, options):
        dry_run = subcommand == "status" or options.get("dry_run")
        if options.get("batch_size", 1) < 1:
            raise CommandError("--batch-size 必须大于 0。")
        report = key_rotation.rotate(dry_run=dry_run, batch_size=options.get("batch_size") or key_rotation.BATCH_SIZE)
        self._table(report, "需轮换" if dry_run else "已轮换")
        if not dry_run:
            record("gongkai.keys.rotate", object_type="gongkai.keys", object_id="field_keys",
                   object_repr="个人信息加密密钥轮换",
                   after={c.label: {"rotated": c.rotated, "current": c.current, "undecryptable": c.undecryptable}
                          for c in report.fields})
            self.stdout.write(f"已用最新密钥重新加密 {report.rotated} 个值。")
        elif subcommand == "status" and report.pending - report.undecryptable == 0 and not report.undecryptable:
            self.stdout.write("全部加密值都已使用最新密钥，可以移除旧密钥。")
        if report.undecryptable:
            raise CommandError(f"{report.undecryptable} 个值无法用任何已配置的密钥解密，已原样保留；"
                               "移除旧密钥前请找回其密钥（docs/privacy.md）。")

    def _rehash(self, dry_run: bool):
        counts = key_rotation.rehash(dry_run=dry_run)
        for count in counts:
            self.stdout.write(f"{count.label}：共 {count.rows} 行，{'需重算' if dry_run else '已重算'} {count.changed}，"
                              f"不变 {count.unchanged}，无法解密 {count.undecryptable}")
        if not dry_run:
            record("gongkai.keys.rehash", object_type="gongkai.keys", object_id="identity_hash",
                   object_repr="身份散列重算", after={c.label: {"changed": c.changed, "undecryptable": c.undecryptable}
                                                   for c in counts})
        if any(c.undecryptable for c in counts):
            raise CommandError("部分身份证明号码无法解密，其散列未重算（docs/privacy.md）。")
