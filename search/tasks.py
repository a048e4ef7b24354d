"""Index work as background jobs (jobs.runner): catalog's document_changed signal queues `reindex_document`
(SearchConfig.ready), and `gongkai search-index rebuild --background` queues `rebuild_index`. With a worker
polling every second (`gongkai worker`, deploy/systemd) a published or withdrawn document is searchable, or
gone, within about a second; run a second worker so a long 年报体检 batch never holds it up (docs/search.md)."""

from jobs.runner import background

from . import services


@background("检索索引：更新一篇政府信息")
def reindex_document(document_id: int) -> None:
    services.document_changed(document_id)


@background("检索索引：重建", max_attempts=1)
def rebuild_index(backend: str | None = None) -> dict:
    return {"documents": services.get_backend(backend).rebuild()}
