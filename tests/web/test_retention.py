"""Retention: citizens with no contact for the period are erased whole, after a dry run that
counts them per jobcentre; the audit keeps that it happened, without pseudonyms."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_cutoff_is_months_back_and_clamps_the_day():
    from bip.web.core.services.retention import cutoff_for

    assert cutoff_for(12, dt.date(2026, 3, 15)) == dt.date(2025, 3, 15)
    assert cutoff_for(1, dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert cutoff_for(14, dt.date(2026, 1, 10)) == dt.date(2024, 11, 10)


def _extra_citizens(world):
    from bip.web.core.models import Assignment, Citizen, Measurement

    a = world.citizens["A"]
    recent = Citizen.objects.create(
        citizen_id="r" * 64,
        jobcenter=a.jobcenter,
        caseworker=a.caseworker,
        enrolled_on=dt.date(2020, 1, 1),
    )
    Measurement.objects.create(
        measurement_id="M-recent",
        citizen=recent,
        caseworker=a.caseworker,
        measured_on=TODAY - dt.timedelta(days=30),
    )
    moved = Citizen.objects.create(
        citizen_id="t" * 64,
        jobcenter=a.jobcenter,
        caseworker=a.caseworker,
        enrolled_on=dt.date(2020, 1, 1),
    )
    Assignment.objects.create(citizen=moved, caseworker=a.caseworker, started_on=TODAY)
    undated = Citizen.objects.create(citizen_id="u" * 64, jobcenter=a.jobcenter)
    return recent, moved, undated


def test_dry_run_counts_per_jobcentre_and_changes_nothing(world):
    from bip.web.core.models import AuditLog, Citizen
    from bip.web.core.services.retention import Erasable, cutoff_for, retention_plan

    _extra_citizens(world)
    before = Citizen.objects.count()
    plan = retention_plan(cutoff=cutoff_for(12))
    assert plan == [Erasable("JCA", 1, 1, 1), Erasable("JCB", 1, 1, 1)]
    assert Citizen.objects.count() == before and not AuditLog.objects.exists()
    assert retention_plan(cutoff=cutoff_for(120)) == []


def test_apply_erases_answers_periods_and_pseudonyms_and_audits_counts_only(world):
    from bip.web.core.audit import verify
    from bip.web.core.models import Assignment, AuditLog, Citizen, Measurement
    from bip.web.core.services.retention import cutoff_for, retention_apply

    recent, moved, undated = _extra_citizens(world)
    gone = [world.citizens[s].citizen_id for s in "AB"]
    done = retention_apply(cutoff=cutoff_for(12), actor="cli:test", months=12)
    assert [(e.jobcenter_id, e.citizens) for e in done] == [("JCA", 1), ("JCB", 1)]
    assert not Citizen.objects.filter(citizen_id__in=gone).exists()
    assert not Measurement.objects.filter(measurement_id__in=["MA1", "MB1"]).exists()
    assert not Assignment.objects.filter(citizen__citizen_id__in=gone).exists()
    kept = set(Citizen.objects.values_list("citizen_id", flat=True))
    assert kept == {recent.citizen_id, moved.citizen_id, undated.citizen_id}
    entries = list(AuditLog.objects.filter(action="retention.erase").order_by("seq"))
    assert [e.object_id for e in entries] == ["JCA", "JCB"]
    assert "1 citizens, 1 measurements, 1 caseworker periods erased" in entries[0].detail
    text = " ".join(f"{e.object_id} {e.detail}" for e in AuditLog.objects.all())
    assert not any(cid in text or cid[:10] in text for cid in gone)
    assert verify().ok
    # nothing left to erase: a second run changes nothing and audits nothing
    assert retention_apply(cutoff=cutoff_for(12), actor="cli:test", months=12) == []
    assert AuditLog.objects.filter(action="retention.erase").count() == 2
