"""The audit log records reads and writes of citizen data and can only grow."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from bip.web.core.audit import audit
from bip.web.core.models import AppendOnlyError, AuditLog


def test_reads_and_writes_are_logged_with_who_role_what(login, world, full_values):
    import datetime as dt

    client = login("caseworker")
    c = world.citizens["A"]
    client.get(reverse("citizen", args=[c.citizen_id]))
    client.post(
        reverse("measurement_new", args=[c.citizen_id, "both"]),
        {**full_values(dt.date(2024, 4, 1)), "idempotency_key": "a1"},
    )
    client.get(reverse("measurement_edit", args=[world.measurements["A"].measurement_id, "both"]))
    entries = list(AuditLog.objects.filter(username="caseworkerA").order_by("id"))
    actions = [e.action for e in entries]
    assert actions == ["login", "citizen.view", "measurement.create", "measurement.view"]
    assert all(e.role == "caseworker" and e.at is not None for e in entries)
    assert entries[1].object_id == c.citizen_id[:64]


def test_append_only_in_the_orm(world, audit_guards):
    e = audit("u", "admin", "x", "t")
    e.action = "changed"
    with pytest.raises(AppendOnlyError):
        e.save()
    with pytest.raises(AppendOnlyError):
        e.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=e.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()


def test_append_only_in_the_database(world, audit_guards):
    """Even raw SQL (a DBA, a bug, an attacker with the app's DB login) cannot rewrite history."""
    conn = audit_guards
    e = audit("u", "admin", "x", "t")
    for sql in (
        f"UPDATE core_auditlog SET action = 'y' WHERE id = {e.pk}",
        f"DELETE FROM core_auditlog WHERE id = {e.pk}",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            conn.cursor() as cur,
        ):
            cur.execute(sql)
    assert AuditLog.objects.get(pk=e.pk).action == "x"
    if conn.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            conn.cursor() as cur,
        ):
            cur.execute("TRUNCATE core_auditlog")


def test_admin_searches_and_exports(login, world):
    audit("caseworkerA", "caseworker", "citizen.view", "citizen", "abc")
    audit("caseworkerB", "caseworker", "citizen.view", "citizen", "def")
    client = login("admin")
    r = client.get(reverse("admin_audit"), {"username": "caseworkerA"})
    assert r.status_code == 200
    assert [e.username for e in r.context["page"]] == ["caseworkerA"]
    r = client.get(reverse("admin_audit"), {"action": "citizen.view", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode())))
    assert {row["object_id"] for row in rows} == {"abc", "def"}
    assert AuditLog.objects.filter(action="audit.export", username="adminA").exists()


def test_refused_access_is_logged(login, world):
    client = login("caseworker")
    other = world.citizens["B"].citizen_id
    assert client.get(reverse("citizen", args=[other])).status_code == 404
    client = login("analyst")
    assert client.get(reverse("caseload")).status_code == 403
    denied = list(AuditLog.objects.filter(action="access.denied").order_by("id"))
    assert [(e.username, e.object_type) for e in denied] == [
        ("caseworkerA", "path"),
        ("analystA", "path"),
    ]
    assert denied[0].object_id == other[:64]
    client = login("manager")
    assert client.get(reverse("dashboard") + "?jobcenter=JCB").status_code == 404
    assert AuditLog.objects.filter(
        action="access.denied", username="managerA", detail__contains="JCB"
    ).exists()
