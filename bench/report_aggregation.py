"""Report aggregation benchmark (年报汇总): every computed table of a province-sized tree in one report.

    .venv/bin/python bench/report_aggregation.py            # builds var/bench/report.sqlite3 when missing

Builds `gongkai demo --profile province` in a throw-away SQLite file, adds appeals spread over the
agencies (one per agency and kind, dated in the year) so the grouped queries have rows to count, then
times reports.services.compute_cells over every agency (F2021 and the legacy table) beside a naive loop
calling the statistics functions once per agency. Prints a Markdown block for docs/benchmarks.md."""

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench" / "report.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("GONGKAI_DEMO", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
YEAR = 2024


def build():
    from django.core.management import call_command

    DB.parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    from orgs.models import Agency

    if not Agency.objects.exists():
        call_command("demo", "--profile", "province", verbosity=0)
    from appeals.models import Appeal

    if not Appeal.objects.exists():
        ids = list(Agency.objects.values_list("pk", flat=True))
        Appeal.objects.bulk_create(
            [Appeal(agency_id=a, kind=kind, subject="不服答复", body="复议机关", filed_on=date(YEAR, 1 + a % 12, 1),
                    result="upheld" if a % 3 else "pending", decided_on=date(YEAR, 12, 1) if a % 3 else None)
             for a in ids for kind in ("review", "suit_direct")], batch_size=1000)


def timed(fn, repeat=3):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    import django

    django.setup()
    build()
    from appeals.statistics import table_four
    from catalog.statistics import article_20_item_1
    from disclosure_requests.models import DisclosureRequest
    from disclosure_requests.statistics import table_three
    from orgs.models import Agency, AgencySuccession
    from reports.services import compute_cells

    ids = list(Agency.objects.values_list("pk", flat=True))
    one, cells = timed(lambda: compute_cells(ids, YEAR, "2021"))
    legacy, _ = timed(lambda: compute_cells(ids, 2018, "legacy"))

    def naive():
        total = {}
        for a in ids:
            for part in (article_20_item_1([a], YEAR), table_three([a], YEAR, "2021"), table_four([a], YEAR)):
                for k, v in part.items():
                    total[k] = total.get(k, 0) + v
        return total

    loop, naive_cells = timed(naive, repeat=1)
    assert {k: cells[k] for k in naive_cells} == naive_cells, "aggregation differs from the per-agency loop"
    import sqlite3

    print("## 年报汇总 / Report aggregation\n")
    print(f"`gongkai demo --profile province` tree: {len(ids):,} agencies, "
          f"{AgencySuccession.objects.count()} successions, {DisclosureRequest.objects.count():,} cases, "
          f"{sum(cells[f't4.{k}.total'] for k in ('review', 'suit_direct', 'suit_after_review')):,} appeals in {YEAR}; "
          f"2 shared cores, Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {date.today()}. "
          "Reproduce with:\n\n    .venv/bin/python bench/report_aggregation.py\n")
    print("| Computation | Time (best of 3) |\n|---|---:|")
    print(f"| compute_cells, F2021 (表二 item 1, 表三, 表四), all agencies, one query per table | {one * 1000:,.0f} ms |")
    print(f"| compute_cells, 2014 统计表 (依申请, 复议诉讼, 主动公开 by channel), all agencies | {legacy * 1000:,.0f} ms |")
    print(f"| naive loop: the three statistics functions per agency, summed (1 run) | {loop * 1000:,.0f} ms |")


if __name__ == "__main__":
    main()
