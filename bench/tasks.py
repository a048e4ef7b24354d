"""Task-queue benchmark: enqueues N no-op tasks through django-tasks with its database backend
(django-tasks-db) and runs them with one worker (the `db_worker` loop, in this process), on SQLite and on
PostgreSQL. Prints enqueue latency (median, p95) and worker throughput (tasks/s); `--write` puts the table
into docs/benchmarks.md (section "后台任务 / Background tasks").

    .venv/bin/python bench/tasks.py --tasks 500
    .venv/bin/python bench/tasks.py --tasks 500 --pg-url postgres://postgres@127.0.0.1:5432/postgres

The SQLite file goes to var/bench/tasks.sqlite3 (recreated); PostgreSQL gets a database `gk_tasks_x`
(dropped and created). Each backend runs in its own child process (Django is configured once per process).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "gk_tasks_x"


def noop(n):
    return n


def child(url: str, count: int) -> dict:
    import dj_database_url
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django_tasks", "django_tasks_db"],
        DATABASES={"default": dj_database_url.parse(url)},
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        USE_TZ=True, LOGGING_CONFIG=None,
    )
    django.setup()
    from django.core.management import call_command
    from django_tasks import task
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    call_command("migrate", verbosity=0)
    job = globals()["noop"] = task()(noop)  # the worker finds the task by module path (__main__.noop)
    latencies = []
    for i in range(count):
        start = time.perf_counter()
        job.enqueue(i)
        latencies.append(time.perf_counter() - start)
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="bench", excluded_queue_names=[])
    start = time.perf_counter()
    worker.run()
    elapsed = time.perf_counter() - start
    done = DBTaskResult.objects.successful().count()
    latencies.sort()
    return {"enqueue_median_ms": statistics.median(latencies) * 1000,
            "enqueue_p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
            "worker_per_s": done / elapsed, "done": done, "worker_s": elapsed}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--pg-url", default="")
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.tasks)))
        return
    sys.path.insert(0, str(ROOT))
    runs = []
    sqlite = ROOT / "var" / "bench" / "tasks.sqlite3"
    sqlite.parent.mkdir(parents=True, exist_ok=True)
    sqlite.unlink(missing_ok=True)
    runs.append(("SQLite (WAL off, one file)", f"sqlite:///{sqlite}"))
    if args.pg_url:
        import psycopg
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        runs.append(("PostgreSQL 15", args.pg_url.rsplit("/", 1)[0] + "/" + PG_DB))
    for name, url in runs:
        out = subprocess.run([sys.executable, __file__, "--tasks", str(args.tasks), "--child", url],  # noqa: S603
                             capture_output=True, text=True, check=True, env={**os.environ})
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {name} | {args.tasks} | {result['enqueue_median_ms']:.2f} | {result['enqueue_p95_ms']:.2f} "
              f"| {result['worker_per_s']:.0f} | {result['done']} |")
    if args.pg_url:
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


if __name__ == "__main__":
    main()
