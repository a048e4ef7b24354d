"""Task-queue benchmark: enqueues N no-op tasks through django-tasks with its database backend
(django-tasks-db) and runs them with one worker (the `db_worker` loop, in this process), on SQLite and on
PostgreSQL. Prints enqueue latency (median, p95) and worker throughput (tasks/s); `--write` puts the table
into docs/benchmarks.md (section "后台任务 / Background tasks").

    .venv/bin/python bench/tasks.py --tasks 500
    .venv/bin/python bench/tasks.py --tasks 500 --pg-url postgres://postgres@127.0.0.1:5432/postgres

The SQLite file goes to var/bench/tasks.sqlite3 (recreated); PostgreSQL gets a database `gk_tasks_x`
(dropped and created). Each backend runs in its own child process (Django is configured once per process).

`--celery-python PATH` adds Celery 5 with Redis as broker and result store (the option the issue names; not a
Gongkai dependency, so it runs under another interpreter, e.g. a throw-away virtualenv:
`python3 -m venv var/bench/celery-venv && var/bench/celery-venv/bin/pip install "celery[redis]==5.*"`), on
`--celery-broker` (default redis://127.0.0.1:6379/13, flushed before and after). The same N no-op tasks are sent
one by one with `delay()`, then one worker (`celery worker --pool=solo`, one process, like `gongkai worker`) is
started and runs them; its rate is taken from the first to the last completion (its start-up, ~1–2 s, is
printed apart), while the database worker's includes its start-up (a few ms).
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
CELERY_APP = """
import time
from celery import Celery
app = Celery("gk_bench", broker={broker!r}, backend={broker!r})
app.conf.update(worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True, worker_hijack_root_logger=False)

@app.task(name="gk_bench.noop")
def noop(n):
    return time.time()
"""


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


def celery_child(count: int, broker: str) -> dict:
    """Runs under the Celery interpreter: sends `count` tasks, then starts one solo worker and waits for all."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "gk_celery_bench.py").write_text(CELERY_APP.format(broker=broker))
        sys.path.insert(0, folder)
        import redis
        from gk_celery_bench import noop

        redis.Redis.from_url(broker).flushdb()
        latencies, results = [], []
        for i in range(count):
            start = time.perf_counter()
            results.append(noop.delay(i))
            latencies.append(time.perf_counter() - start)
        started = time.time()
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "gk_celery_bench", "worker",  # noqa: S603
                                   "--pool=solo", "--concurrency=1", "--loglevel=WARNING", "--without-gossip",
                                   "--without-mingle", "--without-heartbeat"],
                                  cwd=folder, env={**os.environ, "PYTHONPATH": folder},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            finished = [r.get(timeout=300) for r in results]
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        redis.Redis.from_url(broker).flushdb()
    latencies.sort()
    first, last = min(finished), max(finished)
    return {"enqueue_median_ms": statistics.median(latencies) * 1000,
            "enqueue_p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
            "worker_per_s": (len(finished) - 1) / (last - first), "done": len(finished),
            "worker_s": last - started, "startup_s": first - started}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--pg-url", default="")
    parser.add_argument("--child", default="")
    parser.add_argument("--celery-python", default="", help="an interpreter with celery[redis] installed")
    parser.add_argument("--celery-broker", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--celery-child", action="store_true")
    args = parser.parse_args()
    if args.celery_child:
        print(json.dumps(celery_child(args.tasks, args.celery_broker)))
        return
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
    if args.celery_python:
        out = subprocess.run([args.celery_python, __file__, "--tasks", str(args.tasks), "--celery-child",  # noqa: S603
                              "--celery-broker", args.celery_broker], capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| Celery 5 + Redis (solo worker; start-up {result['startup_s']:.1f} s not counted) | {args.tasks} "
              f"| {result['enqueue_median_ms']:.2f} | {result['enqueue_p95_ms']:.2f} | {result['worker_per_s']:.0f} "
              f"| {result['done']} |")
    if args.pg_url:
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


if __name__ == "__main__":
    main()
