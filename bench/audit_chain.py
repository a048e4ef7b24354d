# ruff: noqa: S603, S607 - psql with fixed arguments
"""Audit trail hash chain: the cost of one append (record() with the chain lock, the head read and the HMAC)
against the plain INSERT it replaced, and `verify` speed over N entries. Results: docs/benchmarks.md.

    GONGKAI_DEMO=1 .venv/bin/python bench/audit_chain.py --db sqlite --entries 100000
    GONGKAI_DEMO=1 .venv/bin/python bench/audit_chain.py --db postgres --entries 100000

Uses a throw-away database (a temporary SQLite file, or PostgreSQL gk_audit_bench, dropped afterwards)."""

import argparse
import os
import statistics
import subprocess  # noqa: S404
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_DB = "gk_audit_bench"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("GONGKAI_DEMO", "1")
    if args.db == "postgres":
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {PG_DB}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {PG_DB}"], check=True)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='gk_audit_bench')}/bench.sqlite3"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from audit.chain import GENESIS, entry_hash
    from audit.models import AuditEntry
    from audit.services import record
    from audit.verification import walk_chain

    after = {"title": "关于印发某某县2025年政务公开工作要点的通知", "status": "published", "n": 3}

    def plain_insert(i):  # what record() did before the chain: one INSERT
        AuditEntry.objects.create(seq=10_000_000 + i, prev_hash="", entry_hash="", action="bench.plain",
                                  object_type="catalog.document", object_id=str(i), object_repr="文件", after=after)

    def chained(i):
        record("bench.chain", object_type="catalog.document", object_id=str(i), object_repr="文件", after=after)

    results = {}
    for name, op in (("record() with chain (after)", chained), ("plain INSERT (before)", plain_insert)):
        times = []
        for i in range(args.appends):
            start = time.perf_counter()
            with transaction.atomic():
                op(i)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results[name] = (statistics.median(times), times[int(len(times) * 0.95)])
    with connection.cursor() as cursor:  # the plain rows are not on the chain
        cursor.execute("UPDATE audit_guard SET enforced = 0")
        cursor.execute("DELETE FROM audit_auditentry WHERE action = 'bench.plain'")
        cursor.execute("UPDATE audit_guard SET enforced = 1")

    # N chained entries written directly (as record() would), then verify.
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    seq, prev = head if head else (0, GENESIS)
    now = timezone.now()
    batch = []
    for i in range(args.entries - seq):
        seq += 1
        fields = {"at": now, "actor_id": None, "actor_label": "演示数据生成", "ip_address": "10.0.0.1",
                  "action": "bench.bulk", "object_type": "catalog.document", "object_id": str(i),
                  "object_repr": "文件", "agency_id": None, "agency_path": "", "before": None, "after": after,
                  "note": "", "backfilled": False}
        digest = entry_hash(seq, prev, fields)
        batch.append(AuditEntry(seq=seq, prev_hash=prev, entry_hash=digest, **fields))
        prev = digest
        if len(batch) == 5000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)
    start = time.perf_counter()
    problems, checked, *_ = walk_chain()
    verify_s = time.perf_counter() - start
    assert not problems, problems[:3]

    print(f"database: {connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version}")
    print(f"appends, each its own transaction ({args.appends}): median / p95 ms")
    for name, (median, p95) in results.items():
        print(f"  {name}: {median:.2f} / {p95:.2f}")
    print(f"verify (walk the chain): {checked} entries in {verify_s:.1f} s = {checked / verify_s:,.0f} entries/s")
    connection.close()
    if args.db == "postgres":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {PG_DB}"], check=True)


if __name__ == "__main__":
    main()
