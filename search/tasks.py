"""Index work as background jobs (jobs.runner): catalog's document_changed signal queues `reindex_document`
(SearchConfig.ready); `gongkai search-index rebuild --background`, and `migrate` when it finds the index missing
or out of step with the catalogue (search.apps), queue `rebuild_index`. With a worker polling every second
(`gongkai worker`, deploy/systemd) a published or withdrawn document is searchable, or gone, within about a
second; run a second worker so a long rebuild or 年报体检 batch never holds it up (docs/search.md).

The rebuild resumes: each batch commits with its progress, so a retry, or the worker restarted after a crash
(jobs.runner.recover_stale), continues after the last committed batch."""

from jobs.runner import background, beat

from . import services


@background("检索索引：更新一篇政府信息")
def reindex_document(document_id: int) -> None:
    services.document_changed(document_id)


@background("检索索引：重建")
def rebuild_index(backend: str | None = None) -> dict:
    def progress(done: int, total: int) -> None:
        beat()  # one batch done: the job is alive

    documents = services.rebuild(progress, backend=services.get_backend(backend))
    return {"documents": documents}
