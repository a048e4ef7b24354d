"""SQLite search index: a `facets` column (publisher, theme, genre, kind, 第二十条 item, validity as tokens), so
that filters are part of the FTS5 MATCH (search.sqlite_fts.facet_tokens). The FTS5 tables are recreated, which
empties the index. Nothing changes on PostgreSQL.

Migrations change structure only. This one first refilled the index itself (735 s at 1,000,000 documents, search
down meanwhile, a frozen copy of the indexer inside the migration); now it leaves the index empty, and `migrate`
queues the rebuild job when it finds the index missing (search.apps: a check warning, a message and one job
`search.tasks.rebuild_index`; or run `gongkai search-index rebuild`). Databases that applied the earlier version
keep the index it built.

The index tables belong to the search app now (docs/search.md); this migration stays in catalog because
databases have applied it under that name."""

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
    # Structure only: the emptied index is refilled by the rebuild job that `migrate` queues when it finds the
    # index missing (search.apps), not here.


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)
    # The older code's index is left empty: run `gongkai search-index rebuild` after downgrading.


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_search_df_postgres")]
    operations = [migrations.RunPython(forward, backward)]
