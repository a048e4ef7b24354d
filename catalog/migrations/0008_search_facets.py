"""SQLite search index: a `facets` column (publisher, theme, genre, kind, 第二十条 item, validity as tokens), so
that filters are part of the FTS5 MATCH (search.sqlite_fts.facet_tokens). The FTS5 tables are recreated and
refilled from the catalogue here; on a catalogue of 1,000,000 documents that took 735 s on two cores
(docs/operations.md). Nothing changes on PostgreSQL.

The index tables belong to the search app now (docs/search.md); this migration stays in catalog because
databases have applied it under that name. It refills the index with its own frozen copy of the indexer as it
was when the migration was written (the bigram tokens, the facet tokens, the FTS rowid), on the historical
models, so that it never depends on application code that moves or changes."""

import re
import unicodedata

from django.db import migrations

TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cn'"  # as in 0003


def recreate(fts_columns: str, title_columns: str, entry_change: str) -> list[str]:
    """Drop and recreate the FTS5 tables with the given columns, emptying the index."""
    return [
        "DROP TABLE IF EXISTS search_fts_vocab;",
        "DROP TABLE IF EXISTS search_title_fts;",
        "DROP TABLE IF EXISTS search_fts;",
        f"""CREATE VIRTUAL TABLE search_fts USING fts5({fts_columns}, content='', tokenize="{TOKENIZE}");""",
        f"""CREATE VIRTUAL TABLE search_title_fts USING fts5({title_columns}, content='', tokenize="{TOKENIZE}");""",
        "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, row);",
        "DELETE FROM search_entry;",
        "DELETE FROM search_df;",
        entry_change,
    ]


FORWARD = recreate("title, body, facets", "title, facets",
                   "ALTER TABLE search_entry ADD COLUMN facets TEXT NOT NULL DEFAULT '';")
BACKWARD = recreate("title, body", "title", "ALTER TABLE search_entry DROP COLUMN facets;")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in FORWARD:
        schema_editor.execute(sql)
    # Refilled (the index format is code, not schema) by the frozen indexer below. An empty catalogue (a new
    # installation, the tests) costs nothing.
    refill(apps, schema_editor.connection)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)
    # The older code's index is left empty: run `gongkai search-index rebuild` after downgrading.


# --- The SQLite indexer as of this migration (search.bigrams, search.base.indexed_text, search.sqlite_fts), frozen.
BATCH = 1000
_ASCII_UPPER = bytes.maketrans(bytes(range(65, 91)), bytes(range(97, 123)))


def _splitter() -> re.Pattern:
    """Runs are cut at whitespace, control, format and surrogate characters only."""
    spans: list[list[int]] = []
    for code in range(0x110000):
        char = chr(code)
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs")):
            continue
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in spans)
    return re.compile("[" + body + "]+")


def _token_text(splitter: re.Pattern, text: str) -> str:
    """Overlapping bigrams of each run and its last character alone, ASCII letters folded, joined by spaces."""
    folded = text.encode("utf-8", "surrogatepass").translate(_ASCII_UPPER).decode("utf-8", "surrogatepass")
    out: list[str] = []
    for run in splitter.split(folded):
        if run:
            out.extend(map(str.__add__, run, run[1:]))
            out.append(run[-1])
    return " ".join(out)


def _facets(document, topic_parent_id) -> str:
    tokens = [f"@p{document.publisher_id}", f"@g{document.genre_id}", f"@k{document.kind}",
              f"@v{document.validity}"]
    if document.statutory_item is not None:
        tokens.append(f"@i{document.statutory_item}")
    if document.topic_id is not None:
        tokens.append(f"@t{document.topic_id}")
        if topic_parent_id is not None:
            tokens.append(f"@t{topic_parent_id}")
    return " ".join(tokens)


def refill(apps, connection) -> int:
    """Index every public document (published, proactively disclosed) into the emptied tables; returns how many."""
    Document = apps.get_model("catalog", "Document")
    Attachment = apps.get_model("catalog", "Attachment")
    Topic = apps.get_model("catalog", "Topic")
    using = connection.alias
    public = Document.objects.using(using).filter(status="published", disclosure_attribute="proactive")
    if not public.exists():
        return 0
    splitter = _splitter()
    parents = dict(Topic.objects.using(using).values_list("pk", "parent_id"))
    fields = ("published_on", "title", "document_number", "summary", "keywords", "body_text", "publisher_id",
              "statutory_item", "genre_id", "topic_id", "kind", "validity")
    done = last = 0
    with connection.cursor() as cursor:
        while True:
            batch = list(public.filter(pk__gt=last).order_by("pk").only(*fields)[:BATCH])
            if not batch:
                break
            last = batch[-1].pk
            texts: dict[int, list[str]] = {}
            for document_id, text in Attachment.objects.using(using).filter(
                    document_id__in=[d.pk for d in batch]).exclude(text="").order_by(
                    "document_id", "sort_order", "id").values_list("document_id", "text"):
                texts.setdefault(document_id, []).append(text)
            rows = []
            for d in batch:
                key = ((d.published_on.toordinal() if d.published_on else 0) << 32) | d.pk
                title = "\n".join(part for part in (d.title, d.document_number) if part)
                body = "\n".join(part for part in (d.summary, d.keywords, d.body_text, *texts.get(d.pk, [])) if part)
                rows.append((key, d.pk, title, body, _facets(d, parents.get(d.topic_id))))
            cursor.executemany("INSERT INTO search_entry (doc_id, key, title, body, facets) VALUES (%s, %s, %s, %s, %s)",
                               [(pk, key, title, body, facets) for key, pk, title, body, facets in rows])
            tokenised = [(key, _token_text(splitter, title), _token_text(splitter, body), facets)
                         for key, _, title, body, facets in rows]
            cursor.executemany("INSERT INTO search_fts (rowid, title, body, facets) VALUES (%s, %s, %s, %s)", tokenised)
            cursor.executemany("INSERT INTO search_title_fts (rowid, title, facets) VALUES (%s, %s, %s)",
                               [(key, title, facets) for key, title, _, facets in tokenised])
            done += len(batch)
        cursor.execute("INSERT INTO search_df (term, df) SELECT term, doc FROM search_fts_vocab WHERE length(term) <= 2")
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        cursor.execute("INSERT INTO search_title_fts(search_title_fts) VALUES ('optimize')")
    return done


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_search_df_postgres")]
    operations = [migrations.RunPython(forward, backward)]
