"""A write and its audit entry are committed or rolled back together."""

from __future__ import annotations

import datetime as dt

import pytest

from bip.web.core import services
from bip.web.core.models import Assignment, AuditLog, Citizen


def test_a_failing_audit_write_rolls_the_change_back(world, monkeypatch):
    c = world.citizens["A"]

    def broken(*a, **kw):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("bip.web.core.services.citizens.audit", broken)
    before = (Assignment.objects.count(), AuditLog.objects.count())
    with pytest.raises(RuntimeError):
        services.citizen_transfer(
            citizen=c, to=world.caseworkers["A2"], started_on=dt.date(2024, 3, 1), user=None
        )
    assert (Assignment.objects.count(), AuditLog.objects.count()) == before
    assert Citizen.objects.get(pk=c.pk).caseworker == world.caseworkers["A"]


def test_a_failing_change_rolls_its_audit_entry_back(world, monkeypatch):
    c = world.citizens["A"]
    real = Citizen.save

    def fail_after_audit(self, *a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Citizen, "save", fail_after_audit)
    before = AuditLog.objects.count()
    with pytest.raises(RuntimeError):
        services.citizen_transfer(
            citizen=c, to=world.caseworkers["A2"], started_on=dt.date(2024, 3, 1), user=None
        )
    monkeypatch.setattr(Citizen, "save", real)
    assert AuditLog.objects.count() == before and Assignment.objects.filter(citizen=c).count() == 1


def test_both_commit_together(world):
    c = world.citizens["A"]
    services.citizen_transfer(
        citizen=c, to=world.caseworkers["A2"], started_on=dt.date(2024, 3, 1), user=None
    )
    e = AuditLog.objects.latest("seq")
    assert e.action == "citizen.transfer" and e.object_id == c.citizen_id
    assert Citizen.objects.get(pk=c.pk).caseworker == world.caseworkers["A2"]
