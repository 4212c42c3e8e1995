"""The audit log is tamper-evident (a hash chain, ``bip audit verify``) and, on PostgreSQL, the
application's role can neither rewrite it nor switch its guards off."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from bip.web.core.audit import GENESIS, audit, digest, verify
from bip.web.core.dbguard import install_guards, remove_guards
from bip.web.core.models import AuditLog


def _entries(n=5):
    return [audit(f"user{i}", "admin", "x.test", "t", str(i), "d") for i in range(n)]


def _tamper(sql, *params):
    """As a DBA would: with the append-only triggers lifted."""
    remove_guards(connection)
    try:
        with connection.cursor() as cur:
            cur.execute(sql, params)
    finally:
        install_guards(connection)


def test_entries_are_chained(world):
    es = _entries()
    first = AuditLog.objects.order_by("seq").first()
    assert first.seq == 1 and first.prev_hash == GENESIS
    for a, b in zip(es, es[1:], strict=False):
        assert b.prev_hash == a.hash and b.seq == a.seq + 1
    r = verify()
    assert r.ok and r.checked == AuditLog.objects.count() and r.head_hash == es[-1].hash


def test_a_changed_entry_is_the_first_broken_link(world, audit_guards):
    es = _entries()
    _tamper("UPDATE core_auditlog SET detail = 'harmless' WHERE seq = %s", es[2].seq)
    r = verify()
    assert not r.ok and r.broken_seq == es[2].seq and "changed" in r.reason


def test_a_removed_entry_is_found(world, audit_guards):
    es = _entries()
    _tamper("DELETE FROM core_auditlog WHERE seq = %s", es[1].seq)
    r = verify()
    assert not r.ok and r.broken_seq == es[2].seq and "missing" in r.reason


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(world, audit_guards):
    es = _entries()
    e = AuditLog.objects.get(seq=es[1].seq)
    fields = {k: getattr(e, k) for k in ("seq", "at", "username", "role", "action",
                                         "object_type", "object_id", "flagged")}  # fmt: skip
    forged = digest(e.prev_hash, **fields, detail="forged")
    _tamper("UPDATE core_auditlog SET detail = 'forged', hash = %s WHERE seq = %s", forged, e.seq)
    r = verify()
    assert not r.ok and r.broken_seq == es[2].seq and "previous" in r.reason


def test_removing_the_newest_entries_is_found_through_the_head(world, audit_guards):
    es = _entries()
    _tamper("DELETE FROM core_auditlog WHERE seq >= %s", es[-2].seq)
    r = verify()
    assert not r.ok and "removed" in r.reason


def test_bip_audit_verify_command(world, audit_guards, monkeypatch):
    from bip.cli import main

    monkeypatch.setattr("bip.web.admin_cli._setup", lambda **_: None)
    es = _entries()
    ok = CliRunner().invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output and es[-1].hash in ok.output
    _tamper("UPDATE core_auditlog SET username = 'someone' WHERE seq = %s", es[0].seq)
    bad = CliRunner().invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1 and f"#{es[0].seq}" in bad.output


def test_the_app_role_can_work_but_not_rewrite_the_audit_log(login, world, full_values):
    """Run as the role ``bip db app-role`` creates: the tool works, but UPDATE/DELETE/TRUNCATE
    of the audit log, disabling its triggers, replica mode and DDL are all refused."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (runs in test_postgres.py's pass); on SQLite whoever can write "
            "the file can change it (docs/security.md)"
        )
    from bip.web.dbrole import grant_app_role

    role = f"bip_app_{connection.settings_dict['NAME']}"[:63]
    grant_app_role(connection, role)  # inside the test's transaction: rolled back afterwards
    with connection.cursor() as cur:
        cur.execute(f'SET LOCAL ROLE "{role}"')
        cur.execute("SELECT current_user")
        assert cur.fetchone()[0] == role
    client = login("caseworker")
    c = world.citizens["A"]
    assert client.get(reverse("citizen", args=[c.citizen_id])).status_code == 200
    data = {**full_values(__import__("datetime").date(2024, 4, 1)), "idempotency_key": "role"}
    assert (
        client.post(reverse("measurement_new", args=[c.citizen_id, "both"]), data).status_code
        == 302
    )
    assert client.post(reverse("find"), {"cpr": "230392-1004"}).status_code == 200
    assert verify().ok
    for sql in (
        "UPDATE core_auditlog SET detail = 'x'",
        "DELETE FROM core_auditlog",
        "TRUNCATE core_auditlog",
        "ALTER TABLE core_auditlog DISABLE TRIGGER ALL",
        "DROP TRIGGER auditlog_no_change ON core_auditlog",
        "SET session_replication_role = replica",
        "CREATE TABLE core_evil (id int)",
        "DROP TABLE core_auditlog",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert verify().ok
