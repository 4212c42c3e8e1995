"""The least-privileged PostgreSQL role the web tool runs as.

The database owner (who runs the migrations) grants the application role the rows it needs
and nothing else: no DDL (it owns no table and cannot create one), no ``UPDATE``, ``DELETE`` or
``TRUNCATE`` on the audit log, no ``TRIGGER`` privilege. Disabling the audit log's triggers
(``ALTER TABLE``) needs ownership and ``session_replication_role`` needs a superuser, so the
application's own connection cannot rewrite history. Run as the owner: ``bip db app-role``.
"""

from __future__ import annotations

from psycopg import sql

AUDIT_TABLES = ("core_auditlog",)
READ_ONLY_TABLES = ("django_migrations",)


def grant_app_role(connection, role: str, *, password: str | None = None) -> list[str]:
    """Create ``role`` (if missing) and grant it what the tool needs on ``connection``'s
    database; returns the statements run. Idempotent: run it again after every upgrade."""
    if connection.vendor != "postgresql":
        raise ValueError("a separate database role exists only on PostgreSQL")
    r = sql.Identifier(role)
    with connection.cursor() as cur:
        cur.execute("SELECT current_database(), current_user")
        db, owner = cur.fetchone()
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cur.fetchone() is not None
        stmts: list[sql.Composable] = []
        if not exists:
            stmts.append(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                ).format(r)
            )
        if password is not None:
            stmts.append(sql.SQL("ALTER ROLE {} PASSWORD {}").format(r, sql.Literal(password)))
        stmts += [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(db), r),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(r),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(r),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
            ).format(sql.Identifier(owner), r),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT USAGE, SELECT ON SEQUENCES TO {}"
            ).format(sql.Identifier(owner), r),
        ]
        for t in AUDIT_TABLES:
            stmts.append(
                sql.SQL(
                    "REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {} FROM {}"
                ).format(sql.Identifier(t), r)
            )
        for t in READ_ONLY_TABLES:
            stmts.append(
                sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(t), r)
            )
        done = []
        raw = cur.connection if hasattr(cur, "connection") else None
        for st in stmts:
            text = st.as_string(raw)
            cur.execute(text)
            done.append(text if "PASSWORD" not in text else f'ALTER ROLE "{role}" PASSWORD ...')
    return done
