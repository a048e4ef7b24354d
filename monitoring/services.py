"""The one place monitoring runs are recorded: `run_checks` runs every rule of monitoring.rules and stores
a MonitoringRun with its MonitoringIssues, audited as one entry per run.

The daily job (jobs.schedule, "monitor": monitoring.tasks.run_monitoring, every morning, platform-wide, 系统任务),
`gongkai monitor run` and the dashboard's 立即监测 button all call it."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from audit.services import record
from orgs.models import Agency

from .models import MonitoringIssue, MonitoringRun, Severity
from .rules import run_all


def agencies_under(scope: Agency | None):
    agencies = Agency.objects.all() if scope is None else Agency.objects.subtree_of(scope)
    return agencies.order_by("path")


@transaction.atomic
def run_checks(agencies=None, today: date | None = None, user=None, scope: Agency | None = None) -> MonitoringRun:
    """Run every check over `agencies` (default: the subtree of `scope`, or every agency) as of `today`.

    `scope` records what was asked for (null: the whole platform); the dashboard reads a run's result for an
    agency only from runs whose scope contains it."""
    today = today or timezone.localdate()
    agencies = list(agencies if agencies is not None else agencies_under(scope))
    run = MonitoringRun.objects.create(started_at=timezone.now(), checked_on=today, scope=scope,
                                       triggered_by=user if user is not None and user.pk else None,
                                       agency_count=len(agencies))
    found = run_all(agencies, today)
    MonitoringIssue.objects.bulk_create([
        MonitoringIssue(run=run, rule_id=rule.id, title=rule.title, source=rule.source, rule_status=rule.status,
                        agency=issue.agency, severity=issue.severity, measured=issue.measured[:300],
                        threshold=issue.threshold[:200], items=issue.items)
        for rule, issue in found
    ])
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    errors = sum(1 for _rule, issue in found if issue.severity == Severity.ERROR)
    record("monitoring.run", run, agency=scope,
           after={"checked_on": today, "agencies": len(agencies), "errors": errors,
                  "warnings": len(found) - errors, "triggered_by": run.trigger_label})
    return run
