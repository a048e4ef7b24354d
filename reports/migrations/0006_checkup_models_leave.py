"""年报体检's batches moved to the report_checkup app (its migration 0001 took them over). Here they leave
reports' state only: the tables stay, and report_checkup 0002 renames them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_publication_gaps_override'),
        ('report_checkup', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='AuditedReport'),
                migrations.DeleteModel(name='AuditBatch'),
            ],
        ),
    ]
