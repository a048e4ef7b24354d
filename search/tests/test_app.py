"""The search app's boundaries: catalog never imports it (catalog.signals announces changes, search.apps
listens), and the rebuild writes the index that following each change writes."""

import ast
from pathlib import Path

import pytest
from django.db import connection

from catalog.models import Attachment, Document, Topic
from catalog.signals import document_changed
from search import services as search_module

CATALOG = Path(__file__).resolve().parents[2] / "catalog"


def test_catalog_never_imports_search():
    offenders = []
    for path in CATALOG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            offenders += [f"{path.relative_to(CATALOG.parent)}: {name}" for name in names
                          if name == "search" or name.startswith("search.")]
    assert offenders == []


def test_the_index_listens_to_catalog(db, monkeypatch):
    # Through a background job (search.tasks); the tests run jobs inside the caller.
    seen = []
    monkeypatch.setattr(search_module, "document_changed", seen.append)
    document_changed.send(sender=Document, document_id=42)
    assert seen == [42]


def _index_contents() -> dict[str, list]:
    with connection.cursor() as cursor:
        out = {}
        for name, sql in {"entry": "SELECT doc_id, key, title, body, facets FROM search_entry ORDER BY doc_id",
                          "df": "SELECT term, df FROM search_df ORDER BY term",
                          "vocab": "SELECT term, doc, cnt FROM search_fts_vocab ORDER BY term"}.items():
            cursor.execute(sql)
            out[name] = cursor.fetchall()
        # The title index has no vocabulary table: its posting of every token, through MATCH.
        cursor.execute("SELECT rowid FROM search_title_fts WHERE search_title_fts MATCH %s ORDER BY rowid",
                       ['"政府" OR "通知" OR "公开" OR "@p1" OR "@k" *'])
        out["titles"] = cursor.fetchall()
        return out


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite index's tables")
def test_a_rebuild_writes_what_following_each_change_writes(corpus, topic):
    """The two ways into the index agree: a rebuild (built beside, frequencies from the vocabulary, swapped in)
    and document_changed one document at a time (frequencies counted as it goes)."""
    from search.sqlite_fts import SqliteFtsBackend

    # Facets of a sub-theme (@t of the theme and of its parent) and attachment text, too.
    subtheme = Topic.objects.create(code="02-01", name="子主题", parent=topic, sort_order=99)
    public = list(Document.objects.public().order_by("pk")[:4])
    Document.objects.filter(pk__in=[d.pk for d in public[:3]]).update(topic=subtheme)
    for order, text in enumerate(["附件：困难群众救助对象花名册", "", "第二个附件 ABC"]):
        Attachment.objects.create(document=public[3], file=f"a{order}.txt", original_name=f"a{order}.txt",
                                  content_type="text/plain", size=1, text=text, sort_order=2 - order)
    backend = SqliteFtsBackend()
    backend.rebuild()
    rebuilt = _index_contents()
    assert rebuilt["entry"] and rebuilt["df"] and rebuilt["titles"]
    assert any(f"@t{subtheme.pk} @t{topic.pk}" in facets for *_, facets in rebuilt["entry"])
    assert any("花名册" in body for *_, body, _ in rebuilt["entry"])
    with connection.cursor() as cursor:  # emptied, as catalog 0008 leaves the tables
        cursor.execute("DELETE FROM search_entry")
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        cursor.execute("INSERT INTO search_title_fts(search_title_fts) VALUES ('delete-all')")
        cursor.execute("DELETE FROM search_df")
    for document_id in Document.objects.order_by("pk").values_list("pk", flat=True):
        backend.document_changed(document_id)
    assert _index_contents() == rebuilt
