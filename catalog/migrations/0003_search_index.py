"""Full-text search index tables (used by the search app, docs/search.md). They are not Django models: SQLite
gets FTS5 virtual tables, PostgreSQL a table of bigram tsvectors with a GIN index. Both start empty; fill them
with `gongkai search-index rebuild`."""

from django.db import migrations

# unicode61 told that every category except separators and controls is part of a token, so it splits only at
# the spaces between the bigram tokens written by search.bigrams.
TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cn'"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='', tokenize="{TOKENIZE}");""",
    f"""CREATE VIRTUAL TABLE search_title_fts USING fts5(title, content='', tokenize="{TOKENIZE}");""",
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, row);",
    """CREATE TABLE search_entry (doc_id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE,
                                 title TEXT NOT NULL, body TEXT NOT NULL);""",
    "CREATE TABLE search_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS search_df;",
    "DROP TABLE IF EXISTS search_entry;",
    "DROP TABLE IF EXISTS search_fts_vocab;",
    "DROP TABLE IF EXISTS search_title_fts;",
    "DROP TABLE IF EXISTS search_fts;",
]
POSTGRES_FORWARD = [
    # part 0 = 标题 + 文号; parts 1… = the rest of the text in overlapping chunks (tsvector positions stop at
    # 16383, so a phrase far into a long attachment would otherwise be missed).
    """CREATE TABLE search_part (doc_id bigint NOT NULL, part integer NOT NULL, key bigint NOT NULL,
                                tsv tsvector NOT NULL, PRIMARY KEY (doc_id, part));""",
    "CREATE INDEX search_part_tsv ON search_part USING gin (tsv);",
    "CREATE INDEX search_part_key ON search_part (key DESC) WHERE part = 0;",
]
POSTGRES_BACKWARD = ["DROP TABLE IF EXISTS search_part;"]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_seed_topics_and_genres")]
    operations = [migrations.RunPython(forward, backward)]
