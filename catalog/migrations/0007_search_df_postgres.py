"""PostgreSQL search backend (search.postgres): exact document frequencies and a GIN index over the
title parts. Nothing on other databases (SQLite got its own search_df in 0003).

search_df(term, df): the number of indexed documents containing each token, and under the empty term the
number of indexed documents. It is filled here from the existing search_part rows, so an index built before
this migration stays correct without a rebuild; afterwards document_changed and rebuild keep it exact."""

from django.db import migrations

POSTGRES_FORWARD = [
    # Title hits when they are rare (search.postgres._title_hits): the GIN index over every part
    # would recheck the phrase in every body chunk that has its bigrams.
    "CREATE INDEX search_part_title_tsv ON search_part USING gin (tsv) WHERE part = 0;",
    "CREATE TABLE search_df (term text PRIMARY KEY, df integer NOT NULL);",
    """INSERT INTO search_df (term, df)
       SELECT term, count(*) FROM (SELECT DISTINCT doc_id, unnest(tsvector_to_array(tsv)) AS term
                                   FROM search_part) AS t
       GROUP BY term;""",
    "INSERT INTO search_df (term, df) SELECT '', count(*) FROM search_part WHERE part = 0;",
    "ANALYZE search_df;",
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
