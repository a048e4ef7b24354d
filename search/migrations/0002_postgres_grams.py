"""PostgreSQL search backend, second design (search.postgres, docs/search.md): one row per document in
``search_doc`` holding its normalised text, and a GIN index over the expression ``search_grams(title) ||
search_grams(body) || facets`` — every substring of one to four characters of every run, plus the filter
values — so that a term of up to four characters, with its filters, is one GIN lookup that needs no recheck.
The old tsvector table ``search_part`` is dropped. Nothing on other databases.

Structure only: the new table starts empty, `gongkai search-index rebuild` fills it (docs/operations.md)."""

from django.db import migrations

# The n-grams (1 to 4 characters) of text that search.postgres has already cut into runs joined by single
# spaces (search.bigrams.runs, folded): so the database never has to agree with Python on what whitespace
# is. array_agg without DISTINCT: GIN's extractValue sorts and deduplicates the keys itself. The high COST
# keeps the planner from ever choosing to compute it row by row instead of using the index.
GRAMS = """
CREATE FUNCTION search_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 100000 AS $$
  SELECT coalesce(array_agg(substr(r, i, n)), '{}')
  FROM unnest(string_to_array(t, ' ')) AS r, generate_series(1, length(r)) AS i, generate_series(1, 4) AS n
  WHERE i + n <= length(r) + 1
$$;
"""

POSTGRES_FORWARD = [
    "DROP TABLE IF EXISTS search_part;",
    GRAMS,
    # title / body: search.bigrams.runs of 标题+文号 / 内容概述, 关键词, 正文, attachments, joined by spaces.
    # facets: the filter values as keys that start with a space (no n-gram does): ' p<publisher>',
    # ' i<第二十条 item>', ' t<theme>' (and its parent), ' g<genre>', ' k<kind>', ' v<validity>', ' y<year>'.
    """CREATE TABLE search_doc (doc_id bigint PRIMARY KEY, key bigint NOT NULL, title text NOT NULL,
        body text NOT NULL, facets text[] NOT NULL);""",
    "CREATE INDEX search_doc_grams ON search_doc USING gin ((search_grams(title) || search_grams(body) || facets));",
    "CREATE INDEX search_doc_title_grams ON search_doc USING gin ((search_grams(title) || facets));",
    "CREATE INDEX search_doc_key ON search_doc (key DESC);",
    # (auto)ANALYZE would compute search_grams for every sampled row; no plan depends on those statistics.
    "ALTER INDEX search_doc_grams ALTER COLUMN 1 SET STATISTICS 0;",
    "ALTER INDEX search_doc_title_grams ALTER COLUMN 1 SET STATISTICS 0;",
    # search_df also sums the characters of each field (BM25's average lengths): beyond integer at scale.
    "DELETE FROM search_df;",
    "ALTER TABLE search_df ALTER COLUMN df TYPE bigint;",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS search_doc;",
    "DROP FUNCTION IF EXISTS search_grams(text);",
    """CREATE TABLE search_part (doc_id bigint NOT NULL, part integer NOT NULL, key bigint NOT NULL,
        tsv tsvector NOT NULL, PRIMARY KEY (doc_id, part));""",
    "CREATE INDEX search_part_tsv ON search_part USING gin (tsv);",
    "CREATE INDEX search_part_key ON search_part (key DESC) WHERE part = 0;",
    "CREATE INDEX search_part_title_tsv ON search_part USING gin (tsv) WHERE part = 0;",
    "DELETE FROM search_df;",
    "ALTER TABLE search_df ALTER COLUMN df TYPE integer;",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
