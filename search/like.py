"""The LIKE scan: no index at all, so it is the ground truth the indexed backends are tested against, and
a fallback that works on any database. Slow on large catalogues (it reads every public document).

Ranking: number of query terms found in the title (or 文号), then newest first. Score = that number."""

from django.db import connections
from django.db.models import Case, IntegerField, Value, When

from catalog.models import Document

from .base import Backend, IndexStatus, VerifyReport, filtered_public, like_condition


class LikeBackend(Backend):
    name = "like"

    def __init__(self, using: str = "default"):
        self.using = using

    def search(self, query, terms):
        # SQLite's LIKE folds ASCII case, as the index does. PostgreSQL's LIKE folds nothing, so ILIKE there
        # (it also folds non-ASCII letters: Chinese is unaffected).
        lookup = "contains" if connections[self.using].vendor == "sqlite" else "icontains"
        documents = filtered_public(query, self.using)
        for term in terms:
            documents = documents.filter(like_condition(term, lookup))
        total = documents.count()
        if query.order == "date":
            documents = documents.annotate(rank=Value(0, output_field=IntegerField()))
            ordering = ["-published_on", "-id"]
        else:
            in_title = Value(0, output_field=IntegerField())
            for term in terms:
                in_title = in_title + Case(When(**{f"title__{lookup}": term.text}, then=1),
                                           When(**{f"document_number__{lookup}": term.text}, then=1),
                                           default=0, output_field=IntegerField())
            documents = documents.annotate(rank=in_title)
            ordering = ["-rank", "-published_on", "-id"]
        page = documents.order_by(*ordering)[query.offset:query.offset + query.limit]
        return total, [(row["id"], float(row["rank"])) for row in page.values("id", "rank")]

    def document_changed(self, document_id):
        """Nothing to maintain: every search reads the documents themselves."""

    def rebuild(self, progress=None, restart=False):
        total = Document.objects.using(self.using).public().count()
        if progress:
            progress(total, total)
        return total

    def status(self):
        public = Document.objects.using(self.using).public().count()
        return IndexStatus("ok", public, public)

    def verify(self, progress=None, batch=0):
        """Nothing can disagree: the scan reads the documents themselves."""
        return VerifyReport(checked=self.rebuild(progress))
