from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "全文检索"

    def ready(self):
        # catalog announces committed changes of a document; the index follows them. The dependency points one
        # way: search reads catalog, catalog never imports search.
        from catalog.signals import document_changed

        document_changed.connect(_reindex, dispatch_uid="search.reindex")


def _reindex(sender, document_id: int, **kwargs) -> None:
    # A background job (search.tasks), so a slow index write never holds up the request that published.
    from .tasks import reindex_document

    reindex_document.enqueue(document_id=document_id)
