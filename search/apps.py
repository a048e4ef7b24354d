import sys

from django.apps import AppConfig
from django.db import DatabaseError
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "全文检索"

    def ready(self):
        # catalog announces committed changes of a document; the index follows them. The dependency points one
        # way: search reads catalog, catalog never imports search.
        from catalog.signals import document_changed

        document_changed.connect(_reindex, dispatch_uid="search.reindex")
        from . import checks  # noqa: F401 - registers the index check

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="search.after_migrate")


def _after_migrate(sender, using="default", verbosity=1, stdout=None, plan=None, **kwargs) -> None:
    """Migrations only change the index's structure (a migration that recreates its tables leaves them empty);
    the data is the rebuild job's. When the index is missing or out of step with the catalogue, queue that
    job once and say so. Only after `migrate` (which passes its plan): `flush` sends post_migrate too, and
    leaves the index's raw tables full while the catalogue is empty."""
    if plan is None:
        return
    # lazy: search.services imports models, which cannot be imported while the app registry loads this module
    from .services import schedule_rebuild_if_needed

    try:
        status, job = schedule_rebuild_if_needed(using)
    except DatabaseError:  # a partial migrate (e.g. back to before the catalogue or the job queue existed)
        return
    if job is not None and verbosity >= 1:
        (stdout or sys.stdout).write(
            f"{status.message}已安排后台任务 #{job.pk}（检索索引：重建），由 gongkai worker 执行；"
            f"也可直接运行 gongkai search-index rebuild。\n")


def _reindex(sender, document_id: int, **kwargs) -> None:
    # A background job (search.tasks), so a slow index write never holds up the request that published.
    from .tasks import reindex_document

    reindex_document.enqueue(document_id=document_id)
