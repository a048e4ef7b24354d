"""PostgreSQL roles for the audit trail (docs/operations.md §3): a migration role owns the schema; the runtime
role may only INSERT and SELECT the trail and its verification results, and only SELECT the guard.

`runtime_grants_sql` is the SQL the operator's guide prints (a test keeps the two equal) and the test suite
runs when it connects as the runtime role (conftest.py). `restrict_audit_tables` runs after every
`gongkai migrate` (post_migrate) so that the grants ALTER DEFAULT PRIVILEGES gives a new table never reach the
audit tables. `privilege_problems` is what `gongkai audit-trail verify` reports."""

from django.core.management.base import CommandError
from django.db import connections

# table → the only privileges any role other than its owner may hold
AUDIT_TABLES = {
    "audit_auditentry": ("SELECT", "INSERT"),
    "audit_auditverification": ("SELECT", "INSERT"),
    "audit_guard": ("SELECT",),
}
ALL_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def default_privileges_sql(owner: str, app: str) -> list[str]:
    """Once, in the new database as a superuser: tables and sequences the owner creates later (each
    `gongkai migrate`) are usable by the runtime role."""
    return [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        f"GRANT USAGE ON SCHEMA public TO {app};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE ON SEQUENCES TO {app};",
    ]


def runtime_grants_sql(app: str) -> list[str]:
    """As the owner, after `gongkai migrate` (repeating it is harmless): the runtime role's privileges on the
    tables that exist, the audit tables reduced to INSERT/SELECT (the guard to SELECT)."""
    sql = [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {app};",
    ]
    for table, allowed in AUDIT_TABLES.items():
        sql.append(f"REVOKE ALL ON {table} FROM {app}, PUBLIC;")
        sql.append(f"GRANT {', '.join(allowed)} ON {table} TO {app};")
    return sql


_GRANTS = """
    SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
    WHERE c.oid = to_regclass(%s) AND a.grantee <> c.relowner
"""


def _exists(cursor, table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return cursor.fetchone()[0]


def privilege_problems(connection) -> list[str]:
    """Roles other than an audit table's owner holding more than AUDIT_TABLES allows (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return []
    problems = []
    with connection.cursor() as cursor:
        for table, allowed in AUDIT_TABLES.items():
            if not _exists(cursor, table):
                continue
            cursor.execute(_GRANTS, [table])
            extra: dict[str, list[str]] = {}
            for grantee, privilege in cursor.fetchall():
                if privilege not in allowed:
                    extra.setdefault(grantee, []).append(privilege)
            problems += [f"账号 {grantee} 对 {table} 有 {'、'.join(sorted(p))} 权限" for grantee, p in extra.items()]
    return problems


def owns_or_superuser(connection, table: str = "audit_auditentry") -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_get_userbyid(relowner) = current_user FROM pg_class WHERE oid = to_regclass(%s)",
                       [table])
        row = cursor.fetchone()
        return bool(row and row[0])


def restrict_audit_tables(connection) -> None:
    """Revoke from every role but the owner whatever AUDIT_TABLES does not allow (PostgreSQL; a no-op when the
    connection is not the owner: the runtime role cannot change grants, and has nothing to revoke)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, allowed in AUDIT_TABLES.items():
            if not _exists(cursor, table) or not owns_or_superuser(connection, table):
                continue
            cursor.execute(_GRANTS, [table])
            for grantee, privilege in cursor.fetchall():
                if privilege not in allowed:
                    role = "PUBLIC" if grantee == "PUBLIC" else connection.ops.quote_name(grantee)
                    cursor.execute(f"REVOKE {privilege} ON {table} FROM {role}")


def on_post_migrate(sender, using="default", **kwargs):
    restrict_audit_tables(connections[using])


def on_pre_migrate(sender, using="default", **kwargs):
    """`gongkai migrate` runs as the schema's owner (GONGKAI_MIGRATE_DATABASE_URL): refuse plainly, before any
    migration, when connected as a role that owns neither the audit trail nor is a superuser."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not _exists(cursor, "audit_auditentry"):
            return
    if not owns_or_superuser(connection):
        raise CommandError("gongkai migrate 须以数据库表的所有者账号运行（设置 GONGKAI_MIGRATE_DATABASE_URL，"
                           "见 docs/operations.md §3）；当前账号是运行账号，不能修改表结构。")
