"""The hash chain (audit.chain): a gapless `seq`, `prev_hash` and `entry_hash` on every entry, existing entries
chained in id order (in chunks, with the append-only guard lifted for the backfill only and then restored), and
AuditVerification for the results of `gongkai audit-trail verify`.

The columns are added with plain ALTER TABLE ... ADD COLUMN: Django's own AddField/AlterField would rebuild the
table on SQLite, which silently drops the append-only triggers of migration 0003. On SQLite `seq` therefore
stays nullable in the database (verify reports a row without one as inserted); on PostgreSQL it is NOT NULL.
Not reversible: migrating back would erase the chain."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

CHUNK = 2000


def add_columns(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE audit_auditentry ADD COLUMN seq bigint NULL,"
            " ADD COLUMN prev_hash varchar(64) NOT NULL DEFAULT '',"
            " ADD COLUMN entry_hash varchar(64) NOT NULL DEFAULT '',"
            " ADD COLUMN backfilled boolean NOT NULL DEFAULT false")
    else:
        for sql in ("ALTER TABLE audit_auditentry ADD COLUMN seq bigint NULL",
                    "ALTER TABLE audit_auditentry ADD COLUMN prev_hash varchar(64) NOT NULL DEFAULT ''",
                    "ALTER TABLE audit_auditentry ADD COLUMN entry_hash varchar(64) NOT NULL DEFAULT ''",
                    "ALTER TABLE audit_auditentry ADD COLUMN backfilled bool NOT NULL DEFAULT 0"):
            schema_editor.execute(sql)


def backfill(apps, schema_editor):
    from audit.chain import GENESIS, chain_key, entry_hash

    AuditEntry = apps.get_model("audit", "AuditEntry")
    connection = schema_editor.connection
    if not AuditEntry.objects.exists():
        return
    if not getattr(settings, "GONGKAI_AUDIT_CHAIN_KEY", ""):
        raise RuntimeError("GONGKAI_AUDIT_CHAIN_KEY 未设置：无法为已有的审计日志建立哈希链（见 docs/configuration.md）。")
    key = chain_key()
    fields = ["id", "at", "actor_id", "actor_label", "ip_address", "action", "object_type", "object_id",
              "object_repr", "agency_id", "agency_path", "before", "after", "note"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT enforced FROM audit_guard LIMIT 1")
        row = cursor.fetchone()
        enforced = row[0] if row else 1
        cursor.execute("UPDATE audit_guard SET enforced = 0")
        seq, prev, last_id = 0, GENESIS, 0
        while True:
            chunk = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id").values(*fields)[:CHUNK])
            if not chunk:
                break
            updates = []
            for entry in chunk:
                seq += 1
                digest = entry_hash(seq, prev, {**entry, "backfilled": True}, key)
                updates.append((seq, prev, digest, True, entry["id"]))
                prev, last_id = digest, entry["id"]
            cursor.executemany("UPDATE audit_auditentry SET seq = %s, prev_hash = %s, entry_hash = %s,"
                               " backfilled = %s WHERE id = %s", updates)
        cursor.execute("UPDATE audit_guard SET enforced = %s", [enforced])


def constrain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditentry ALTER COLUMN seq SET NOT NULL")
        schema_editor.execute("ALTER TABLE audit_auditentry ADD CONSTRAINT audit_auditentry_seq_key UNIQUE (seq)")
    else:
        schema_editor.execute("CREATE UNIQUE INDEX audit_auditentry_seq_key ON audit_auditentry (seq)")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        # No reverse: Django refuses to migrate back past this migration (IrreversibleError) before touching
        # anything, so the chain cannot be erased by `gongkai migrate audit 0003`.
        migrations.RunPython(migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns), migrations.RunPython(backfill),
                                 migrations.RunPython(constrain)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry", name="at",
                    field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False,
                                               verbose_name="时间")),
                migrations.AddField(
                    model_name="auditentry", name="seq",
                    field=models.BigIntegerField(editable=False, unique=True, verbose_name="序号"),
                    preserve_default=False),
                migrations.AddField(
                    model_name="auditentry", name="prev_hash",
                    field=models.CharField(editable=False, max_length=64, verbose_name="前一条的哈希"),
                    preserve_default=False),
                migrations.AddField(
                    model_name="auditentry", name="entry_hash",
                    field=models.CharField(editable=False, max_length=64, verbose_name="哈希"),
                    preserve_default=False),
                migrations.AddField(
                    model_name="auditentry", name="backfilled",
                    field=models.BooleanField(default=False, editable=False)),
            ],
        ),
        migrations.CreateModel(
            name="AuditVerification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False,
                                            verbose_name="核验时间")),
                ("ok", models.BooleanField(verbose_name="通过")),
                ("entries_checked", models.PositiveBigIntegerField(default=0, verbose_name="核验条数")),
                ("head_seq", models.BigIntegerField(blank=True, null=True, verbose_name="末条序号")),
                ("head_hash", models.CharField(blank=True, max_length=64, verbose_name="末条哈希")),
                ("guard_ok", models.BooleanField(default=True, verbose_name="触发器正常")),
                ("first_problem", models.CharField(blank=True, max_length=500, verbose_name="第一个问题")),
                ("problems", models.JSONField(blank=True, default=list, verbose_name="问题")),
                ("duration_ms", models.PositiveIntegerField(default=0, verbose_name="用时（毫秒）")),
            ],
            options={"verbose_name": "审计日志核验", "verbose_name_plural": "审计日志核验",
                     "ordering": ["-at", "-id"]},
        ),
    ]
