"""Make the audit trail append-only in the database itself: UPDATE, DELETE (and on PostgreSQL TRUNCATE) of
audit_auditentry are refused by triggers, so neither raw SQL nor a forgetful code path rewrites history.

The triggers consult a one-row table `audit_guard` (not a Django model, so `flush` leaves it alone). It is
enforced (1) everywhere; only the test suite switches it off for its throw-away database so that Django
can empty tables between transactional tests. Real tamper-resistance also needs database privileges:
docs/operations.md tells operators to revoke UPDATE/DELETE on the table from the application's role."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE audit_guard (enforced INTEGER NOT NULL DEFAULT 1);",
    "INSERT INTO audit_guard (enforced) VALUES (1);",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       WHEN (SELECT enforced FROM audit_guard LIMIT 1) = 1
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       WHEN (SELECT enforced FROM audit_guard LIMIT 1) = 1
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
    "DROP TABLE IF EXISTS audit_guard;",
]
POSTGRES_FORWARD = [
    "CREATE TABLE audit_guard (enforced INTEGER NOT NULL DEFAULT 1);",
    "INSERT INTO audit_guard (enforced) VALUES (1);",
    """CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger AS $$
       BEGIN
         IF (SELECT enforced FROM audit_guard LIMIT 1) = 1 THEN
           RAISE EXCEPTION 'audit trail is append-only';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();""",
    # TRUNCATE bypasses row triggers; refuse it too.
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry;",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change();",
    "DROP TABLE IF EXISTS audit_guard;",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
