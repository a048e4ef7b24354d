"""The app letters became mailboxes (issue 14): its tables get mailboxes' names (letters_letter →
mailboxes_letter, …) and its content types the new app label, so permissions and anything else pointing at them
follow. Real database operations, the same on a fresh database (0001 and 0002 created letters_* tables) and on an
existing one (where 0001 and 0002 count as applied through `replaces`). No row is copied. docs/operations.md,
升级说明."""

from django.db import migrations

MODELS = ("mailbox", "lettercounter", "letter", "lettertransfer", "letterattachment")


def relabel_content_types(apps, schema_editor):
    """letters.<model> → mailboxes.<model>, keeping the rows (and their ids). Where post_migrate already made a
    mailboxes row for the model (a database migrated by an interim build), the old row is left alone."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label="mailboxes").values_list("model", flat=True))
    ContentType.objects.using(db).filter(app_label="letters", model__in=set(MODELS) - taken).update(
        app_label="mailboxes")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(ContentType.objects.using(db).filter(app_label="letters").values_list("model", flat=True))
    ContentType.objects.using(db).filter(app_label="mailboxes", model__in=set(MODELS) - taken).update(
        app_label="letters")


class Migration(migrations.Migration):

    dependencies = [
        ('mailboxes', '0002_letter_counter'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterModelTable(name='mailbox', table=None),
        migrations.AlterModelTable(name='lettercounter', table=None),
        migrations.AlterModelTable(name='letter', table=None),
        migrations.AlterModelTable(name='lettertransfer', table=None),
        migrations.AlterModelTable(name='letterattachment', table=None),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
