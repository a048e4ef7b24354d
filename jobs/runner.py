"""Background work: a function marked `@background("说明")` runs in the worker (`gongkai worker`) when
enqueued with `func.enqueue(**kwargs)` (JSON-able keyword arguments only).

Underneath is one django-tasks task, `execute(job_id)`, on the backend of settings.TASKS (django-tasks-db's
database backend by default; the immediate backend in the tests). django-tasks has no retries, so they are
here: a job that raises is dispatched again after GONGKAI_JOB_RETRY_SECONDS × 4^(attempt−1) seconds, up to
its max_attempts (GONGKAI_JOB_MAX_ATTEMPTS), then stays failed and shows on the 后台任务 page with its error.
A job whose worker died (no heartbeat for GONGKAI_JOB_STALE_MINUTES) is dispatched again by `recover_stale`
(the worker at start, the scheduler every minute); jobs are written to resume, not to start over."""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks_db.management.commands.db_worker import Worker

from audit.context import acting_as
from gongkai.pii import mask_pii

from .models import ACTIVE_STATES, Job, JobState

logger = logging.getLogger("gongkai.jobs")
_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("gongkai_job", default=None)


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: object
    label: str
    max_attempts: int | None


REGISTRY: dict[str, JobSpec] = {}


def background(label: str, *, max_attempts: int | None = None):
    """Registers the function as a background job; adds `func.enqueue(**kwargs) -> Job`."""

    def mark(func):
        name = f"{func.__module__}.{func.__qualname__}"
        REGISTRY[name] = JobSpec(name, func, label, max_attempts)
        func.job_name = name
        func.enqueue = lambda **kwargs: enqueue(name, **kwargs)
        return func

    return mark


def spec_of(name: str) -> JobSpec:
    if name not in REGISTRY:
        # The worker may not have imported the module yet: importing it registers the job.
        from django.utils.module_loading import import_string

        import_string(name)
    if name not in REGISTRY:
        raise LookupError(f"未登记的后台任务：{name}")
    return REGISTRY[name]


def enqueue(name: str, *, rerun_of: Job | None = None, **kwargs) -> Job:
    spec = spec_of(name)
    attempts = spec.max_attempts or settings.GONGKAI_JOB_MAX_ATTEMPTS
    job = Job.objects.create(name=name, label=spec.label, kwargs=kwargs, max_attempts=attempts, rerun_of=rerun_of)
    dispatch(job)
    job.refresh_from_db()
    return job


def dispatch(job: Job, run_after=None) -> bool:
    """Hands the job to the task backend; False when a later attempt must wait for `requeue_due` (a backend
    that cannot defer, e.g. the immediate one)."""
    if run_after is not None and run_after > timezone.now():
        if not default_task_backend.supports_defer:
            return False
        execute.using(run_after=run_after).enqueue(job.pk)
        return True
    execute.enqueue(job.pk)
    return True


@task()
def execute(job_id: int) -> str:
    return run_job(job_id)


def describe(error: BaseException) -> str:
    """The error as the staff page shows it: class and message, personal data masked, no traceback."""
    return mask_pii(f"{type(error).__name__}: {error}")[:500]


def run_job(job_id: int) -> str:
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state__in=ACTIVE_STATES).update(
        state=JobState.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now, next_attempt_at=None)
    if not claimed:
        return "skipped"
    job = Job.objects.get(pk=job_id)
    token = _current_job.set(job.pk)
    try:
        spec = spec_of(job.name)
        with acting_as(label=f"系统任务（{spec.label}）"):
            result = spec.func(**job.kwargs)
    except Exception as error:  # noqa: BLE001 - recorded on the job, retried or shown to the 公开办
        message = describe(error)
        logger.warning("后台任务 %s（#%s）第 %s 次失败：%s", job.name, job.pk, job.attempts, message)
        if job.attempts < job.max_attempts:
            delay = settings.GONGKAI_JOB_RETRY_SECONDS * 4 ** (job.attempts - 1)
            when = timezone.now() + timedelta(seconds=delay)
            Job.objects.filter(pk=job.pk).update(state=JobState.RETRYING, error=message, next_attempt_at=when)
            dispatch(job, run_after=when)
            return "retrying"
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=message, finished_at=timezone.now())
        logger.error("后台任务 %s（#%s）失败，不再重试：%s", job.name, job.pk, message)
        return "failed"
    finally:
        _current_job.reset(token)
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, error="", finished_at=timezone.now(),
                                         result=_json_safe(result))
    return "succeeded"


def _json_safe(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return str(value)


def beat() -> None:
    """Called by long jobs between units of work (e.g. per file): the job is alive, don't recover it."""
    job_id = _current_job.get()
    if job_id is not None:
        Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())


def recover_stale(now=None) -> int:
    """Dispatches again the jobs whose worker died (running without a heartbeat for GONGKAI_JOB_STALE_MINUTES)
    and the retries a backend could not defer; returns how many."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.GONGKAI_JOB_STALE_MINUTES)
    count = 0
    for job in Job.objects.filter(Q(state=JobState.RUNNING, heartbeat_at__lt=stale)
                                  | Q(state=JobState.RETRYING, next_attempt_at__lte=now)):
        if job.state == JobState.RUNNING:
            logger.warning("后台任务 %s（#%s）的进程已中断，重新派发", job.name, job.pk)
            if job.attempts >= job.max_attempts:
                Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
                    state=JobState.FAILED, error="任务进程中断（超时或内存不足），已达最多尝试次数。",
                    finished_at=now)
                continue
            Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(state=JobState.QUEUED)
        dispatch(job)
        count += 1
    return count


def rerun(job: Job) -> Job:
    """A new job with the same function and arguments (the staff page's 重新运行)."""
    return enqueue(job.name, rerun_of=job, **job.kwargs)


def run_worker(*, batch: bool = True, max_tasks: int | None = None, worker_id: str = "inline") -> None:
    """The database backend's worker loop in this process (tests, `gongkai worker --batch`)."""
    Worker(queue_names=["default"], interval=0 if batch else 1, batch=batch, backend_name="default",
           startup_delay=False, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=[]).run()
