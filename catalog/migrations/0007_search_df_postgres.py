"""PostgreSQL search backend (search.postgres): exact document frequencies and a GIN index over the
title parts. Nothing on other databases (SQLite got its own search_df in 0003).

search_df(term, df): the number of indexed documents containing each token, and under the empty term the
number of indexed documents; document_changed and rebuild keep it exact. Migrations change structure only:
this one first filled the table from the existing search_part rows; now it creates it empty, and an index
built before it needs `gongkai search-index rebuild` (docs/search.md). Databases that applied the earlier
version keep their filled table."""

from django.db import migrations

POSTGRES_FORWARD = [
    # Title hits when they are rare (search.postgres._title_hits): the GIN index over every part
    # would recheck the phrase in every body chunk that has its bigrams.
    "CREATE INDEX search_part_title_tsv ON search_part USING gin (tsv) WHERE part = 0;",
    "CREATE TABLE search_df (term text PRIMARY KEY, df integer NOT NULL);",
]
POSTGRES_BACKWARD = ["DROP TABLE IF EXISTS search_df;", "DROP INDEX IF EXISTS search_part_title_tsv;"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_list_indexes")]
    operations = [migrations.RunPython(forward, backward)]
