"""Database triggers that make the audit log append-only, below the ORM (SQLite, PostgreSQL)."""

from __future__ import annotations

TABLE = "core_auditlog"

_INSTALL = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS auditlog_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        f"CREATE TRIGGER IF NOT EXISTS auditlog_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION bip_auditlog_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
        f"DROP TRIGGER IF EXISTS auditlog_no_change ON {TABLE}",
        f"CREATE TRIGGER auditlog_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION bip_auditlog_append_only()",
        f"DROP TRIGGER IF EXISTS auditlog_no_truncate ON {TABLE}",
        f"CREATE TRIGGER auditlog_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION bip_auditlog_append_only()",
    ],
}
_REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS auditlog_no_update",
        "DROP TRIGGER IF EXISTS auditlog_no_delete",
    ],
    "postgresql": [
        f"DROP TRIGGER IF EXISTS auditlog_no_change ON {TABLE}",
        f"DROP TRIGGER IF EXISTS auditlog_no_truncate ON {TABLE}",
    ],
}


def install_guards(connection) -> None:
    """Create the append-only triggers (idempotent)."""
    with connection.cursor() as cur:
        for sql in _INSTALL.get(connection.vendor, []):
            cur.execute(sql)


def remove_guards(connection) -> None:
    """Drop them: only for a deliberate purge by the data controller, or test-database flushes."""
    with connection.cursor() as cur:
        for sql in _REMOVE.get(connection.vendor, []):
            cur.execute(sql)
