"""`verify_trail()`: walk the audit trail's hash chain and report the first altered, missing, inserted or
back-dated entry, and whether the append-only guard is in place. Each run (`gongkai audit-trail verify`, and
the scheduler's daily audit-verify job in jobs.daily) stores its result as an AuditVerification, which the audit
trail page shows, and records the run in the trail itself.

It does not rely on the guard: an entry edited after the triggers were dropped or switched off fails its hash.
What it cannot see: an attacker holding both the owner's database account and GONGKAI_AUDIT_CHAIN_KEY can
rewrite the chain consistently (docs/security.md); the previous run's head anchors against a rewrite of what that
run had seen, as far as the verification rows themselves were left alone."""

import re
import time
from dataclasses import asdict, dataclass, field
from importlib import import_module

from django.db import connection

from .chain import GENESIS, HASHED_FIELDS, chain_key, entry_hash
from .models import AuditEntry, AuditVerification
from .roles import owns_or_superuser, privilege_problems
from .services import record

KIND_LABELS = {"missing": "缺失", "altered": "被修改", "inserted": "被插入", "backdated": "时间倒序",
               "head": "与上次核验不符", "guard": "防篡改触发器", "privileges": "数据库权限"}
MAX_PROBLEMS = 100
SQLITE_TRIGGERS = {"audit_entry_no_update", "audit_entry_no_delete"}
POSTGRES_TRIGGERS = {"audit_entry_no_change", "audit_entry_no_truncate"}


@dataclass
class Problem:
    kind: str
    message: str
    seq: int | None = None
    entry_id: int | None = None


@dataclass
class VerifyResult:
    ok: bool
    entries_checked: int
    head_seq: int | None
    head_hash: str
    guard_ok: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration_ms: int = 0
    verification_id: int | None = None

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def summary(self) -> str:
        if self.ok:
            return (f"审计日志核验通过：共 {self.entries_checked} 条记录，哈希链完整，序号连续，时间未倒序；"
                    "防篡改触发器已启用。")
        return f"审计日志核验未通过（共发现 {len(self.problems)} 个问题）：{self.problems[0].message}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["summary"] = self.summary()
        data["first_problem"] = asdict(self.first_problem) if self.first_problem else None
        return data


def _where(seq, entry_id) -> str:
    return f"第 {seq} 条记录（编号 {entry_id}）"


def _squeezed(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip().lower()


def _migration_0003():
    return import_module("audit.migrations.0003_append_only_triggers")


def _expected_sqlite_triggers() -> dict[str, str]:
    """Trigger name → its CREATE TRIGGER statement as migration 0003 wrote it (squeezed)."""
    statements = [sql for sql in _migration_0003().SQLITE_FORWARD if sql.startswith("CREATE TRIGGER")]
    return {sql.split()[2]: _squeezed(sql) for sql in statements}


def _expected_function_body() -> str:
    create = next(sql for sql in _migration_0003().POSTGRES_FORWARD if "FUNCTION audit_entry_refuse_change" in sql)
    return _squeezed(create.split("$$")[1])


# pg_trigger.tgtype bits (PostgreSQL's trigger.h): ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32.
POSTGRES_TRIGGER_TYPES = {"audit_entry_no_change": 1 | 2 | 8 | 16, "audit_entry_no_truncate": 2 | 32}


def guard_problems(conn=connection) -> list[Problem]:
    """The triggers of audit migration 0003 exist, are enabled and are still the ones it created (same
    statement on SQLite; same events, timing and function, and the function's body unchanged, on PostgreSQL),
    and audit_guard has its one row set to 1. A trigger replaced by a do-nothing one of the same name is
    reported as rewritten."""
    problems = []
    rewritten: list[str] = []
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditentry'")
            present = dict(cursor.fetchall())
            missing = sorted(SQLITE_TRIGGERS - set(present))
            disabled = []
            expected = _expected_sqlite_triggers()
            rewritten = sorted(name for name in SQLITE_TRIGGERS & set(present)
                               if _squeezed(present[name] or "") != expected[name])
        elif conn.vendor == "postgresql":
            cursor.execute("SELECT t.tgname, t.tgenabled, t.tgtype, p.proname FROM pg_trigger t"
                           " JOIN pg_proc p ON p.oid = t.tgfoid"
                           " WHERE t.tgrelid = to_regclass('audit_auditentry') AND NOT t.tgisinternal")
            present = {name: (enabled, kind, function) for name, enabled, kind, function in cursor.fetchall()}
            missing = sorted(POSTGRES_TRIGGERS - set(present))
            # 'O' fires normally, 'A' always; 'D' is disabled and 'R' fires only on a replica.
            disabled = sorted(name for name in POSTGRES_TRIGGERS & set(present) if present[name][0] not in ("O", "A"))
            rewritten = sorted(name for name in POSTGRES_TRIGGERS & set(present)
                               if present[name][2] != "audit_entry_refuse_change"
                               or present[name][1] & 0b111111 != POSTGRES_TRIGGER_TYPES[name])
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'audit_entry_refuse_change'")
            bodies = [row[0] for row in cursor.fetchall()]
            if len(bodies) != 1 or _squeezed(bodies[0]) != _expected_function_body():
                problems.append(Problem("guard", "防篡改触发器函数 audit_entry_refuse_change 缺失或已被改写。"))
        else:
            return [Problem("guard", f"不支持的数据库（{conn.vendor}）：无法检查防篡改触发器。")]
        if missing:
            problems.append(Problem("guard", f"防篡改触发器缺失：{'、'.join(missing)}（审计日志可被修改或删除）。"))
        if disabled:
            problems.append(Problem("guard", f"防篡改触发器被停用：{'、'.join(disabled)}。"))
        if rewritten:
            problems.append(Problem("guard", f"防篡改触发器已被改写（与迁移 0003 创建的不同）：{'、'.join(rewritten)}。"))
        cursor.execute("SELECT to_regclass('audit_guard') IS NOT NULL" if conn.vendor == "postgresql" else
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_guard'")
        if not cursor.fetchone()[0]:
            problems.append(Problem("guard", "防篡改开关表 audit_guard 缺失。"))
        else:
            cursor.execute("SELECT enforced FROM audit_guard")
            rows = [row[0] for row in cursor.fetchall()]
            if rows != [1]:
                problems.append(Problem("guard", f"防篡改开关 audit_guard 未启用（应为一行 1，实为 {rows}）。"))
    return problems


def _head_problems(entries_by_seq: dict[int, str], last_seq: int) -> list[Problem]:
    """The entry the previous run saw last must still be there with the same hash."""
    previous = AuditVerification.objects.exclude(head_seq=None).order_by("-id").first()
    if previous is None:
        return []
    when = f"{previous.at:%Y-%m-%d %H:%M}"
    if previous.head_seq > last_seq:
        return [Problem("head", f"上次核验（{when}）时最后一条是第 {previous.head_seq} 条，现在只到第 {last_seq} 条："
                                f"第 {last_seq + 1}—{previous.head_seq} 条记录缺失。", seq=last_seq + 1)]
    stored = entries_by_seq.get(previous.head_seq)
    if stored is not None and stored != previous.head_hash:
        return [Problem("head", f"第 {previous.head_seq} 条记录的哈希与上次核验（{when}）时不同：该记录或其之前的"
                                "哈希链被改写。", seq=previous.head_seq)]
    return []


def walk_chain(key: bytes | None = None, chunk_size: int = 5000):
    """Return (problems, checked, head_seq, head_hash, anchors) after walking every entry in (seq, id) order."""
    key = key or chain_key()
    problems: list[Problem] = []
    anchor_seq = (AuditVerification.objects.exclude(head_seq=None).order_by("-id")
                  .values_list("head_seq", flat=True).first())
    anchors: dict[int, str] = {}
    columns = ["id", "seq", "prev_hash", "entry_hash", *HASHED_FIELDS]
    expected, prev_hash, prev_at, prev_backfilled, prev_seq = 1, GENESIS, None, False, None
    checked = 0
    rows = AuditEntry.objects.order_by("seq", "id").values(*columns).iterator(chunk_size=chunk_size)
    for row in rows:
        checked += 1
        seq, entry_id = row["seq"], row["id"]
        where = _where(seq, entry_id)
        if seq is None:
            problems.append(Problem("inserted", f"编号 {entry_id} 的记录没有序号：不是经审计服务写入的，是被插入的。",
                                    entry_id=entry_id))
            continue
        if seq == anchor_seq:
            anchors[seq] = row["entry_hash"]
        valid = entry_hash(seq, row["prev_hash"], row, key) == row["entry_hash"]
        if seq == prev_seq:
            problems.append(Problem("inserted", f"{where}与前一条序号重复：{'有一条是被插入的' if valid else '是被插入的'}。",
                                    seq, entry_id))
            continue
        gap = seq > expected
        if gap:
            missing = f"第 {expected} 条" if seq == expected + 1 else f"第 {expected}—{seq - 1} 条"
            problems.append(Problem("missing", f"{missing}记录缺失（已被删除）。", expected))
        if not valid:
            chained = gap or row["prev_hash"] == prev_hash
            problems.append(Problem("altered" if chained else "inserted",
                                    f"{where}的内容与其哈希不符：记录被修改。" if chained else
                                    f"{where}不在哈希链上（哈希与内容、前一条均不符）：是被插入的。", seq, entry_id))
        elif not gap and row["prev_hash"] != prev_hash:
            problems.append(Problem("inserted", f"{where}的“前一条哈希”与前一条不符：哈希链在此断开，该记录是被插入的"
                                                "或替换了原记录。", seq, entry_id))
        if prev_at is not None and row["at"] < prev_at and not (row["backfilled"] and prev_backfilled):
            problems.append(Problem("backdated", f"{where}的时间 {row['at']:%Y-%m-%d %H:%M:%S} 早于前一条：记录被倒签"
                                                 "（插入或修改过时间）。", seq, entry_id))
        expected, prev_hash, prev_at, prev_backfilled, prev_seq = (
            seq + 1, row["entry_hash"], row["at"], row["backfilled"], seq)
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems, checked, prev_seq, (prev_hash if prev_seq else ""), anchors


def verify_trail(*, store: bool = True, record_run: bool = True) -> VerifyResult:
    """The daily check. Returns the result; with `store`, saves it as an AuditVerification (and, with
    `record_run`, adds an "audit.verify" entry to the trail naming it)."""
    started = time.monotonic()
    problems, checked, head_seq, head_hash, anchors = walk_chain()
    if head_seq is not None:
        problems += _head_problems(anchors, head_seq)
    guard = guard_problems()
    privileges = [Problem("privileges", f"{text}：审计日志可被运行账号改写（应只有 INSERT、SELECT）。")
                  for text in privilege_problems(connection)]
    problems = [*problems, *guard, *privileges]
    notes = []
    if connection.vendor == "postgresql" and owns_or_superuser(connection):
        notes.append("本次以审计日志表的所有者或超级用户账号核验；网站运行时应使用只能追加的运行账号（docs/operations.md §3）。")
    result = VerifyResult(ok=not problems, entries_checked=checked, head_seq=head_seq, head_hash=head_hash,
                          guard_ok=not guard, problems=problems, notes=notes,
                          duration_ms=int((time.monotonic() - started) * 1000))
    if store:
        verification = AuditVerification.objects.create(
            ok=result.ok, entries_checked=checked, head_seq=head_seq, head_hash=head_hash, guard_ok=result.guard_ok,
            first_problem=problems[0].message[:500] if problems else "",
            problems=[asdict(p) for p in problems[:20]], duration_ms=result.duration_ms)
        result.verification_id = verification.pk
        if record_run:
            record("audit.verify", verification, object_repr=str(verification),
                   after={"ok": result.ok, "entries_checked": checked, "head_seq": head_seq,
                          "first_problem": verification.first_problem})
    return result
