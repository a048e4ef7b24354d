"""The daily monitoring run as a background job (jobs.schedule, "monitor")."""

from datetime import date

from jobs.runner import background

from .services import run_checks


@background("网站监测")
def run_monitoring(day: str | None = None) -> dict:
    run = run_checks(today=date.fromisoformat(day) if day else None)
    return {"run": run.pk, "issues": run.issues.count()}
