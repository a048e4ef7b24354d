"""The search index's tables, now this app's, were created by catalog migrations 0003 (search_fts,
search_title_fts, search_fts_vocab, search_entry, search_df on SQLite; search_part on PostgreSQL), 0007
(search_df and search_part_title_tsv on PostgreSQL) and 0008 (the facets column on SQLite). They stay where
they are (raw SQL tables, not models: no state to move). This migration only fixes the order: every later
change of the index is a migration of this app and comes after it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_search_facets")]
    operations = []
