"""`gongkai backup` / `gongkai restore`: one archive file holding the database, every file in Django's default
storage and a manifest (docs/operations.md "备份与恢复").

The archive is a plain (uncompressed) tar file:

    manifest.json          format, program version and commit, date, applied migrations, counts, and the
                           size and SHA-256 of every other member (written last: it is computed while writing)
    database.sqlite3       SQLite: a consistent copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: `pg_dump --format=custom` (the tool PostgreSQL supports for this; it
                           keeps sequences, triggers and grants, restores in one transaction and reads a
                           consistent snapshot while the site runs — `dumpdata` would lose all of these)
    files/<name>           each file of the default storage under its storage name, read and written through
                           the storage API, so a file system, an object store (django-storages) or the tests'
                           in-memory storage are backed up alike

Not compressed: the PDF/DOCX files are compressed already, pg_dump compresses its own output, and a restore
never has to inflate anything, so a hostile archive cannot expand beyond its own size.

Restore reads the archive twice: first it checks everything without changing anything (every member a
regular file named in the manifest with its size and SHA-256, no path leaving `files/`, the manifest of this
format, migrations this program knows, a target without content unless `force`), then it writes. Members are
never extracted with tarfile's extract: each is read into a temporary file or saved to the storage by name.

The keys are not in the archive, on purpose (KEYS_NOT_IN_BACKUP): whoever has the archive and the keys can
read the applicants' personal data and rewrite the audit chain."""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "gongkai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MANIFEST_MAX_BYTES = 64 * 1024 * 1024  # a manifest lists every file; 64 MB is ~300,000 files
CHUNK = 1024 * 1024
# Tables whose rows mean the database holds a site's content (a database that `gongkai migrate` just made
# has none: the migrations only seed the calendar and the report formats).
CONTENT_TABLES = ("auth_user", "orgs_agency", "audit_auditentry", "catalog_document")

KEYS_NOT_IN_BACKUP = (
    "备份中不包含以下内容，请另行妥善保管（不要与备份文件放在一起）：\n"
    "  · GONGKAI_SECRET_KEY（会话和表单签名的密钥）；\n"
    "  · GONGKAI_FIELD_KEYS（申请人身份证件号码、电话、地址的加密密钥，丢失则这些字段无法解密，"
    "见 gongkai keys status）和 GONGKAI_IDENTITY_HASH_KEY；\n"
    "  · GONGKAI_AUDIT_CHAIN_KEY（审计日志哈希链的密钥，没有它 gongkai audit-trail verify 无法通过）；\n"
    "  · 环境变量文件（/etc/gongkai/gongkai.env，含数据库密码）；\n"
    "  · HTTPS 证书和私钥（nginx 配置中的 ssl_certificate、ssl_certificate_key）；\n"
    "  · 部署配置（systemd 服务、nginx 站点）和 GONGKAI_TEMPLATE_DIR 中自定义的文书模板。"
)


class BackupError(Exception):
    """A refusal or failure, in words for the operator (Chinese); nothing was changed when restore raises it
    before writing (RestoreReport.changed says otherwise)."""


@dataclass
class BackupReport:
    path: Path
    database: str
    files: int
    file_bytes: int
    size: int


@dataclass
class RestoreReport:
    manifest: dict
    files: int = 0
    replaced_files: int = 0
    next_steps: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------- backup


def backup(target: Path | str, *, using: str = DEFAULT_DB_ALIAS, storage=None, stdout=None) -> BackupReport:
    """Writes the archive to `target` (a file path; refused if it exists). Written to a temporary name beside
    it and renamed when complete, so a failed backup never leaves a file that looks like one."""
    storage = storage or default_storage
    target = Path(target)
    if target.exists():
        raise BackupError(f"文件 {target} 已存在，不覆盖；请换一个文件名。")
    if not target.parent.is_dir():
        raise BackupError(f"目录 {target.parent} 不存在。")
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）。")
    if connection.in_atomic_block:  # SQLite's backup would wait for the open transaction for ever
        raise BackupError("不能在数据库事务中备份。")
    partial = target.with_name(f".{target.name}.partial")
    parts = []
    try:
        with tempfile.TemporaryDirectory(prefix="gongkai-backup-") as folder, tarfile.open(partial, "w") as tar:
            dump = Path(folder) / DATABASE_MEMBERS[vendor]
            if vendor == "sqlite":
                _dump_sqlite(connection, dump)
            else:
                _dump_postgresql(connection, dump)
            parts.append(_add_path(tar, DATABASE_MEMBERS[vendor], dump))
            dump.unlink()
            files = []
            for name in storage_names(storage):
                files.append(_add_stored(tar, storage, name))
                if stdout is not None and len(files) % 1000 == 0:
                    stdout.write(f"已写入 {len(files)} 个文件…")
            manifest = _manifest(connection, vendor, parts[0], files)
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.chmod(partial, 0o600)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(path=target, database=vendor, files=len(files), file_bytes=sum(f["size"] for f in files),
                        size=target.stat().st_size)


def storage_names(storage, folder: str = ""):
    """Every file name in the storage, walked with listdir (any storage backend), sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a file-system storage whose MEDIA_ROOT was never created holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from storage_names(storage, posixpath.join(folder, sub) if folder else sub)


def _dump_sqlite(connection, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)  # SQLite's online backup: one consistent snapshot
    finally:
        target.close()


def _pg_env(connection) -> tuple[list[str], dict]:
    """libpq settings of the Django connection, for pg_dump / pg_restore (the password in the environment,
    never on the command line)."""
    s = connection.settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    options = s.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return ["--no-password", f"--dbname={s['NAME']}"], env


def _run(command: list[str], env: dict, what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client，"
                          "版本不低于数据库服务器）。")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed programs
    if result.returncode != 0:
        raise BackupError(f"{what}失败（{command[0]} 退出码 {result.returncode}）：{result.stderr.strip()[-800:]}")


def _dump_postgresql(connection, path: Path) -> None:
    args, env = _pg_env(connection)
    _run(["pg_dump", "--format=custom", f"--file={path}", *args], env, "导出数据库")


def _add_path(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as handle:
        return _add_stream(tar, name, handle, path.stat().st_size)


def _add_stored(tar: tarfile.TarFile, storage, name: str) -> dict:
    with storage.open(name, "rb") as handle:
        part = _add_stream(tar, FILES_PREFIX + name, handle, storage.size(name))
    return {**part, "name": name}


class _Hashing(io.RawIOBase):
    def __init__(self, stream, digest):
        self.stream, self.digest = stream, digest

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _add_stream(tar: tarfile.TarFile, member: str, stream, size: int) -> dict:
    digest = hashlib.sha256()
    info = tarfile.TarInfo(member)
    info.size, info.mtime, info.mode = size, int(datetime.now(UTC).timestamp()), 0o600
    tar.addfile(info, _Hashing(stream, digest))  # tarfile reads exactly `size` bytes, or fails if fewer
    return {"member": member, "size": size, "sha256": digest.hexdigest()}


def applied_migrations(connection) -> dict[str, list[str]]:
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _program_version() -> dict:
    try:
        version = metadata.version("gongkai")
    except metadata.PackageNotFoundError:
        version = ""
    commit = ""
    if shutil.which("git") and (Path(settings.BASE_DIR) / ".git").exists():
        result = subprocess.run(["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S603, S607
                                capture_output=True, text=True, check=False)
        commit = result.stdout.strip() if result.returncode == 0 else ""
    return {"version": version, "commit": commit}


def _counts(connection) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table in CONTENT_TABLES:
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - fixed names
                counts[table] = cursor.fetchone()[0]
    return counts


def _manifest(connection, vendor: str, database: dict, files: list[dict]) -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": datetime.now(UTC).isoformat(),
            "program": _program_version(), "database": {"vendor": vendor, **database},
            "migrations": applied_migrations(connection), "counts": _counts(connection),
            "files": {"count": len(files), "bytes": sum(f["size"] for f in files), "items": files}}


# ------------------------------------------------------------------------------------------------ restore


def safe_storage_name(name: str) -> bool:
    """A storage name from an archive that stays inside the storage: relative, no `..`, no backslash or
    control characters, normalised."""
    if not name or name != unicodedata.normalize("NFC", name) or len(name) > 1000:
        return False
    if name.startswith("/") or "\\" in name or any(ord(c) < 32 for c in name):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _manifest_of(tar: tarfile.TarFile) -> dict:
    try:
        info = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("这不是 gongkai backup 生成的备份文件（缺少 manifest.json）。") from None
    if not info.isreg() or info.size > MANIFEST_MAX_BYTES:
        raise BackupError("备份文件的清单（manifest.json）不是普通文件或过大，拒绝恢复。")
    try:
        manifest = json.loads(tar.extractfile(info).read())
    except (ValueError, UnicodeDecodeError):
        raise BackupError("备份文件的清单（manifest.json）已损坏，拒绝恢复。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("这不是 gongkai backup 生成的备份文件（清单格式不符）。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受本程序支持（支持 {FORMAT_VERSION}）；"
                          "请用生成备份的版本恢复。")
    return manifest


def _expected_members(manifest: dict) -> dict[str, dict]:
    """member name → {"size", "sha256"} from the manifest; refuses names that leave the storage."""
    try:
        database = manifest["database"]
        expected = {database["member"]: database}
        if database["member"] != DATABASE_MEMBERS.get(database["vendor"]):
            raise BackupError("备份清单中的数据库部分不符，拒绝恢复。")
        for item in manifest["files"]["items"]:
            if not safe_storage_name(item["name"]) or item["member"] != FILES_PREFIX + item["name"]:
                raise BackupError(f"备份中的文件名 {item['name'][:200]!r} 不安全（绝对路径、.. 或控制字符），拒绝恢复。")
            if item["member"] in expected:
                raise BackupError("备份清单中有重复的文件，拒绝恢复。")
            expected[item["member"]] = item
        for item in expected.values():
            if not isinstance(item["size"], int) or item["size"] < 0 or not isinstance(item["sha256"], str):
                raise BackupError("备份清单已损坏（大小或校验值无效），拒绝恢复。")
    except (KeyError, TypeError, AttributeError):
        raise BackupError("备份清单已损坏（缺少必要项），拒绝恢复。") from None
    return expected


def _hash_member(tar: tarfile.TarFile, info: tarfile.TarInfo, sink=None) -> str:
    digest = hashlib.sha256()
    stream = tar.extractfile(info)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest()


def inspect(path: Path | str) -> dict:
    """Checks the whole archive without changing anything; returns its manifest or raises BackupError."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件 {path} 不存在。")
    try:
        with tarfile.open(path, "r:") as tar:
            manifest = _manifest_of(tar)
            expected = _expected_members(manifest)
            seen = set()
            for info in tar.getmembers():
                if info.name == MANIFEST:
                    continue
                if info.name not in expected or info.name in seen:
                    raise BackupError(f"备份中有清单之外或重复的内容 {info.name[:200]!r}，拒绝恢复。")
                if not info.isreg():
                    raise BackupError(f"备份中的 {info.name[:200]!r} 不是普通文件（链接或设备），拒绝恢复。")
                item = expected[info.name]
                if info.size != item["size"] or _hash_member(tar, info) != item["sha256"]:
                    raise BackupError(f"备份中的 {info.name[:200]!r} 与清单的大小或校验值不符（文件已损坏），拒绝恢复。")
                seen.add(info.name)
            missing = set(expected) - seen
            if missing:
                raise BackupError(f"备份不完整：缺少 {len(missing)} 个部分（如 {sorted(missing)[0][:200]!r}），拒绝恢复。")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"备份文件已损坏或不是 tar 文件（{type(error).__name__}），拒绝恢复。") from None
    return manifest


def has_content(connection) -> bool:
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table in CONTENT_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608 - fixed names
                if cursor.fetchone():
                    return True
    return False


def _unknown_migrations(manifest: dict, connection) -> list[str]:
    """Migrations the backup has applied that this program does not have (a backup of a newer version)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    # Django's own replaced/squashed records and apps no longer installed are not ours to judge.
    installed = {app for app, _ in known}
    return [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
            if app in installed and (app, name) not in known]


def check_restorable(manifest: dict, *, using: str = DEFAULT_DB_ALIAS, storage=None, force: bool = False) -> None:
    storage = storage or default_storage
    connection = connections[using]
    unknown = _unknown_migrations(manifest, connection)
    if unknown and not force:
        raise BackupError(f"备份来自更新的程序版本（有本程序没有的迁移，如 {unknown[0]}）：请先安装生成备份的版本"
                          f"（{manifest['program'].get('version') or '版本不详'}）再恢复。")
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"备份的数据库是 {vendor}，当前配置的数据库是 {connection.vendor}，不能直接恢复"
                          "（换数据库请用 gongkai dumpdata / loaddata）。")
    if force:
        return
    if has_content(connection):
        raise BackupError("目标数据库中已有数据（用户、机构或审计日志），为防止覆盖，拒绝恢复。请恢复到新建的空数据库，"
                          "或确认要用备份替换现有全部数据后加 --force。")
    if next(iter(storage_names(storage)), None) is not None:
        raise BackupError("文件存储中已有文件，为防止覆盖，拒绝恢复。请清空存储，或确认要替换后加 --force。")


def restore(path: Path | str, *, using: str = DEFAULT_DB_ALIAS, storage=None, force: bool = False,
            stdout=None) -> RestoreReport:
    """Checks the archive and the target (BackupError, nothing changed), then restores the database and the
    files. `force`: replace a database with content and files already stored."""
    storage = storage or default_storage
    manifest = inspect(path)
    check_restorable(manifest, using=using, storage=storage, force=force)
    connection = connections[using]
    report = RestoreReport(manifest=manifest)
    member = manifest["database"]["member"]
    with tarfile.open(path, "r:") as tar, tempfile.TemporaryDirectory(prefix="gongkai-restore-") as folder:
        dump = Path(folder) / member
        info = tar.getmember(member)
        if info.size > shutil.disk_usage(folder).free:
            raise BackupError(f"临时目录 {folder} 空间不足（数据库部分 {info.size} 字节）；请设置 TMPDIR 指向更大的磁盘。")
        with open(dump, "wb") as sink:
            if _hash_member(tar, info, sink) != manifest["database"]["sha256"]:
                raise BackupError("备份文件在检查之后被改动，拒绝恢复。")
        if connection.vendor == "sqlite":
            _restore_sqlite(connection, dump)
        else:
            _restore_postgresql(connection, dump)
        dump.unlink()
        for item in manifest["files"]["items"]:
            name = item["name"]
            if storage.exists(name):
                storage.delete(name)
                report.replaced_files += 1
            with tempfile.TemporaryFile(dir=folder) as copy:
                if _hash_member(tar, tar.getmember(item["member"]), copy) != item["sha256"]:
                    raise BackupError(f"备份文件在检查之后被改动（{name[:200]!r}），恢复中止：数据库已恢复，文件未全部恢复。")
                copy.seek(0)
                saved = storage.save(name, File(copy, name=posixpath.basename(name)))
            if saved != name:
                raise BackupError(f"文件 {name[:200]!r} 被存储改名为 {saved[:200]!r}，恢复中止。")
            report.files += 1
            if stdout is not None and report.files % 1000 == 0:
                stdout.write(f"已恢复 {report.files} 个文件…")
    report.next_steps = _next_steps(manifest, connection)
    return report


def _restore_sqlite(connection, dump: Path) -> None:
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces every page of the target, schema included
    finally:
        source.close()
    connection.close()  # the next query opens a fresh connection on the restored database


def _restore_postgresql(connection, dump: Path) -> None:
    """Drops the tables of the public schema (a database `gongkai migrate` made, or any with --force: tables
    a newer program added would otherwise stay), then pg_restore in one transaction, as the connection's role (the schema owner: docs/operations.md §3)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"DROP TABLE {names} CASCADE")  # noqa: S608 - names from the catalogue, quoted
    connection.close()
    args, env = _pg_env(connection)
    # --clean --if-exists: the functions of the audit triggers and any other object of the dump that a migrated
    # database already has are dropped and made again from the dump.
    _run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction", "--exit-on-error", *args,
          str(dump)], env,
         "恢复数据库")


def _next_steps(manifest: dict, connection) -> list[str]:
    steps = []
    connection.close()
    pending = []
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    for key in loader.graph.leaf_nodes():
        pending += [node for node in loader.graph.forwards_plan(key) if node not in applied]
    if pending:
        steps.append(f"本程序比备份时新，有 {len(set(pending))} 个迁移尚未执行：请运行 gongkai migrate（以迁移账号）。")
    else:
        steps.append("运行 gongkai migrate（没有新迁移时只重新检查审计日志表的权限，无害）。")
    steps += [
        "运行 gongkai search-index rebuild --background 重建全文检索索引。",
        "运行 gongkai audit-trail verify 核验审计日志（需要与备份时相同的 GONGKAI_AUDIT_CHAIN_KEY）。",
        "运行 gongkai keys status 确认个人信息能用当前的 GONGKAI_FIELD_KEYS 解密。",
        "重启网站、任务进程和调度进程（systemctl restart gongkai-web gongkai-worker@1 gongkai-worker@2 gongkai-scheduler）。",
    ]
    return steps
