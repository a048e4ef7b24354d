"""`gongkai backup` / `gongkai restore` (gongkai/deployment/backups.py, docs/operations.md "备份与恢复"): a round
trip on SQLite and on PostgreSQL brings the data, the stored files and a verifying audit chain back; a corrupt,
foreign or hostile archive, a database with content and a backup of a newer program are refused with a
Chinese message and change nothing."""

import hashlib
import io
import json
import os
import posixpath
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEntry
from audit.verification import verify_trail
from gongkai.deployment import backups
from orgs.models import Agency, AgencyKind, AgencyLevel
from orgs.services import create_agency

ROOT = Path(__file__).resolve().parents[2]
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# In-process backups and restores of the test database: on SQLite. On PostgreSQL the suite connects as the runtime
# role, which may neither dump every sequence nor drop tables (backup and restore run as the schema's owner), so
# the PostgreSQL round trip runs the commands in processes of their own (test_round_trip_postgresql).
IN_PROCESS = pytest.mark.skipif(connection.vendor != "sqlite", reason="in-process round trips run on SQLite")
MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


@pytest.fixture
def memory_storage(settings, tmp_path):
    """The default storage in memory and MEDIA_ROOT where nothing can be written: the code under test must go
    through the storage API."""
    settings.STORAGES = {**settings.STORAGES, "default": MEMORY}
    settings.MEDIA_ROOT = tmp_path / "no-such-dir" / "media"
    return default_storage


def _agency(code, name):
    return create_agency(code=code, name=name, kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY)


@IN_PROCESS
@TRANSACTIONAL
def test_round_trip_sqlite_brings_back_data_files_and_a_verifying_chain(enforced_audit_guard, memory_storage, tmp_path,
                                                                       capsys):
    kept = _agency("kept", "演示县档案局")
    memory_storage.save("notices/2026/答复书.pdf", ContentFile(PDF))
    memory_storage.save("letters/2026/12/附件 1.docx", ContentFile(b"PK\x03\x04docx"))
    entries = AuditEntry.objects.count()
    archive = tmp_path / "backup.tar"

    call_command("backup", str(archive))
    out = capsys.readouterr().out
    assert "备份完成" in out and "文件 2 个" in out
    assert "GONGKAI_FIELD_KEYS" in out and "GONGKAI_AUDIT_CHAIN_KEY" in out and "GONGKAI_SECRET_KEY" in out
    manifest = backups.inspect(archive)
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["counts"]["orgs_agency"] == Agency.objects.count()
    assert "audit" in manifest["migrations"]
    assert sorted(i["name"] for i in manifest["files"]["items"]) == ["letters/2026/12/附件 1.docx",
                                                                      "notices/2026/答复书.pdf"]

    # After the backup: more data, a lost file, a changed file.
    _agency("later", "演示县后来局")
    memory_storage.delete("notices/2026/答复书.pdf")
    memory_storage.delete("letters/2026/12/附件 1.docx")
    memory_storage.save("letters/2026/12/附件 1.docx", ContentFile(b"changed"))

    with pytest.raises(CommandError, match="目标数据库中已有数据"):
        call_command("restore", str(archive))
    assert Agency.objects.filter(code="later").exists()  # refused: nothing changed
    assert memory_storage.open("letters/2026/12/附件 1.docx").read() == b"changed"

    call_command("restore", str(archive), "--force")
    out = capsys.readouterr().out
    assert "恢复完成" in out and "其中 1 个替换了原有文件" in out and "gongkai migrate" in out
    assert "GONGKAI_AUDIT_CHAIN_KEY" in out
    assert Agency.objects.filter(pk=kept.pk, name="演示县档案局").exists()
    assert not Agency.objects.filter(code="later").exists()
    assert AuditEntry.objects.count() == entries
    assert memory_storage.open("notices/2026/答复书.pdf").read() == PDF
    assert memory_storage.open("letters/2026/12/附件 1.docx").read() == b"PK\x03\x04docx"
    result = verify_trail(store=False)
    assert result.ok, result.problems
    assert result.entries_checked == entries


@IN_PROCESS
@TRANSACTIONAL
def test_restore_into_a_database_without_content(memory_storage, tmp_path):
    """A database `gongkai migrate` just made (no users, agencies or audit entries) takes a restore without
    --force; so does a file system storage whose MEDIA_ROOT was never created."""
    archive = tmp_path / "empty.tar"
    backups.backup(archive)
    assert not backups.has_content(connection)
    report = backups.restore(archive)
    assert report.files == 0
    assert any("gongkai migrate" in step for step in report.next_steps)


@pytest.mark.django_db
def test_backup_refuses_to_overwrite(memory_storage, tmp_path):
    archive = tmp_path / "b.tar"
    archive.write_bytes(b"older backup")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"older backup"


# --------------------------------------------------------------------------------------- refusals


def _archive(path: Path, members: dict[str, bytes], manifest: dict | None, *, symlink: str = ""):
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
        if manifest is not None:
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest_for(members: dict[str, bytes], files: list[str]) -> dict:
    def part(member):
        return {"member": member, "size": len(members[member]), "sha256": hashlib.sha256(members[member]).hexdigest()}

    return {"format": "gongkai-backup", "format_version": 1, "created_at": "2026-12-07T00:00:00+00:00",
            "program": {"version": "0", "commit": ""}, "migrations": {},
            "database": {"vendor": "sqlite", **part("database.sqlite3")},
            "files": {"count": len(files), "bytes": 0,
                      "items": [{**part(m), "name": m.removeprefix("files/")} for m in files]}}


@pytest.fixture
def guarded(memory_storage, region):
    """The state a refused restore must leave untouched."""
    memory_storage.save("keep.txt", ContentFile(b"keep"))
    return lambda: (Agency.objects.count(), AuditEntry.objects.count(), memory_storage.open("keep.txt").read())


@pytest.mark.django_db
@pytest.mark.parametrize("case, message", [
    ("not-a-tar", "已损坏或不是 tar 文件"),
    ("no-manifest", "缺少 manifest.json"),
    ("foreign-manifest", "清单格式不符"),
    ("broken-json", "清单（manifest.json）已损坏"),
    ("traversal-listed", "不安全"),
    ("absolute-listed", "不安全"),
    ("unlisted-member", "清单之外"),
    ("symlink", "清单之外"),
    ("corrupt-file", "校验值不符"),
    ("missing-part", "不完整"),
    ("newer-program", "更新的程序版本"),
    ("other-database", "当前配置的数据库"),
])
def test_restore_refuses_and_changes_nothing(guarded, tmp_path, case, message):
    before = guarded()
    db = b"SQLite format 3\x00" + b"\x00" * 100
    members = {"database.sqlite3": db, "files/a.txt": b"alpha"}
    manifest = _manifest_for(members, ["files/a.txt"])
    path = tmp_path / f"{case}.tar"
    if case == "not-a-tar":
        path.write_bytes(b"\x1f\x8b not a tar file at all" * 50)
    elif case == "no-manifest":
        _archive(path, members, None)
    elif case == "foreign-manifest":
        _archive(path, members, {"format": "something-else"})
    elif case == "broken-json":
        _archive(path, {**members, "manifest.json": b"{not json"}, None)
    elif case in ("traversal-listed", "absolute-listed"):
        name = "../../etc/cron.d/x" if case == "traversal-listed" else "/etc/cron.d/x"
        members = {"database.sqlite3": db, f"files/{name}": b"evil"}
        _archive(path, members, _manifest_for(members, [f"files/{name}"]))
    elif case == "unlisted-member":
        _archive(path, {**members, "../outside.txt": b"evil"}, manifest)
    elif case == "symlink":
        _archive(path, members, manifest, symlink="files/link")
    elif case == "corrupt-file":
        _archive(path, {**members, "files/a.txt": b"alphA"}, manifest)
    elif case == "missing-part":
        _archive(path, {"database.sqlite3": db}, manifest)
    elif case == "newer-program":
        _archive(path, members, {**manifest, "migrations": {"audit": ["9999_from_the_future"]}})
    elif case == "other-database" and connection.vendor == "sqlite":
        manifest["database"] = {**manifest["database"], "vendor": "postgresql", "member": "database.pgdump"}
        _archive(path, {"database.pgdump": db, "files/a.txt": b"alpha"}, manifest)
    elif case == "other-database":  # on PostgreSQL the SQLite archive is the other database
        _archive(path, members, manifest)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--force" if case != "newer-program" else "--check")
    assert guarded() == before
    assert not default_storage.exists("a.txt")


@IN_PROCESS
@TRANSACTIONAL
def test_check_reports_a_good_archive_without_restoring(memory_storage, region, tmp_path, capsys):
    archive = tmp_path / "ok.tar"
    backups.backup(archive)
    _agency("after", "之后新建的局")
    with pytest.raises(CommandError, match="已有数据"):
        call_command("restore", str(archive), "--check")
    call_command("restore", str(archive), "--check", "--force")
    assert "检查通过" in capsys.readouterr().out
    assert Agency.objects.filter(code="after").exists()


@pytest.mark.parametrize("name, safe", [
    ("notices/2026/a.pdf", True), ("中文/文件 名.docx", True), ("../a", False), ("a/../../b", False),
    ("/etc/passwd", False), ("a\\..\\b", False), ("a//b", False), ("./a", False), ("a\x00b", False), ("", False),
])
def test_safe_storage_name(name, safe):
    assert backups.safe_storage_name(name) is safe


@given(st.lists(st.sampled_from(["a", "中文", "..", ".", "", "/", "\\", "\x00", "b.pdf", " ", "~"]), max_size=8)
       .map("".join) | st.text(max_size=40))
def test_a_safe_name_never_leaves_the_storage(name):
    """Whatever an archive's manifest names, a name accepted as safe resolves inside the storage's root."""
    if backups.safe_storage_name(name):
        resolved = posixpath.normpath(posixpath.join("/storage", name))
        assert resolved.startswith("/storage/") and "\x00" not in name and "\\" not in name


# --------------------------------------------------------------------------------------- PostgreSQL


def _pg_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith("postgres") else "postgres://postgres@127.0.0.1:5432"


def _admin(url: str, sql: str) -> None:
    import psycopg  # lazy: only the PostgreSQL round trip needs a second connection

    with psycopg.connect(f"{url}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


SEED = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from orgs.models import AgencyKind, AgencyLevel
from orgs.services import create_agency
create_agency(code="pg-kept", name="备份测试局", kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY)
default_storage.save("notices/2026/pg.pdf", ContentFile(b"%PDF pg backup"))
"""
CHECK = """
import json
from django.core.files.storage import default_storage
from audit.models import AuditEntry
from audit.verification import verify_trail
from orgs.models import Agency
result = verify_trail(store=False)
print(json.dumps({"agency": Agency.objects.filter(code="pg-kept").exists(), "entries": AuditEntry.objects.count(),
                  "file": default_storage.open("notices/2026/pg.pdf").read().decode(), "ok": result.ok,
                  "checked": result.entries_checked}))
"""


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])  # `shell` first says what it imported


@pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="no PostgreSQL client")
def test_round_trip_postgresql(tmp_path):
    """pg_dump / pg_restore through the commands, in processes of their own on a database of this test's own:
    migrate, seed, back up, drop and re-create the database, restore, check."""
    server = _pg_server_url()
    name = f"h2backup_{uuid.uuid4().hex[:8]}"
    try:
        _admin(server, f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - no server to test against
        pytest.skip(f"PostgreSQL not reachable: {type(error).__name__}")
    env = {k: v for k, v in os.environ.items() if k not in ("GONGKAI_MIGRATE_DATABASE_URL", "GONGKAI_TEST_RUNTIME_ROLE")}
    env.update(DATABASE_URL=f"{server}/{name}", GONGKAI_DEMO="1", GONGKAI_MEDIA_ROOT=str(tmp_path / "media"),
               DJANGO_SETTINGS_MODULE="gongkai.settings", GONGKAI_TASKS_BACKEND="immediate")

    def gongkai(*args):
        result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=tmp_path,  # noqa: S603
                                capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    try:
        gongkai("migrate", "--verbosity", "0")
        gongkai("shell", "-c", SEED)
        before = _last_json(gongkai("shell", "-c", CHECK))
        out = gongkai("backup", str(tmp_path / "pg.tar"))
        assert "数据库 postgresql" in out and "GONGKAI_FIELD_KEYS" in out
        _admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')
        _admin(server, f'CREATE DATABASE "{name}"')
        shutil.rmtree(tmp_path / "media")
        out = gongkai("restore", str(tmp_path / "pg.tar"))
        assert "恢复完成" in out and "文件 1 个" in out
        after = _last_json(gongkai("shell", "-c", CHECK))
        assert after == before and after["agency"] and after["ok"] and after["file"] == "%PDF pg backup"
        # A second restore onto the restored database is refused without --force, and works with it.
        refused = subprocess.run([sys.executable, str(ROOT / "manage.py"), "restore", str(tmp_path / "pg.tar")],  # noqa: S603
                                 env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
        assert refused.returncode != 0 and "已有数据" in refused.stderr
        gongkai("restore", str(tmp_path / "pg.tar"), "--force")
        assert _last_json(gongkai("shell", "-c", CHECK)) == before
    finally:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
