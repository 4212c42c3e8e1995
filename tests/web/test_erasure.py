"""Erasure on request: recorded by a caseworker, confirmed by a second user of the jobcentre,
then the citizen is erased whole; every step audited, the pseudonym kept out of the record."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _entries(action):
    from bip.web.core.models import AuditLog

    return list(AuditLog.objects.filter(action=action).order_by("seq"))


def test_a_second_user_confirms_then_the_citizen_is_erased(world):
    from bip.web.core.audit import verify
    from bip.web.core.models import Assignment, Citizen, Measurement
    from bip.web.core.services.erasure import ErasureRefused, erasure_confirm, erasure_request
    from bip.web.lifecycle.models import ErasureRequest

    a, cw, manager = (
        world.citizens["A"],
        world.users[("caseworker", "A")],
        world.users[("manager", "A")],
    )
    req = erasure_request(user=cw, citizen=a, reason="the citizen asked by letter")
    assert Citizen.objects.filter(pk=a.pk).exists()  # nothing erased on the request alone
    with pytest.raises(ErasureRefused, match="second user"):
        erasure_confirm(user=cw, request_id=req.pk)
    with pytest.raises(ErasureRefused, match="of the jobcentre"):
        erasure_confirm(user=world.users[("manager", "B")], request_id=req.pk)
    with pytest.raises(ErasureRefused, match="of the jobcentre"):
        erasure_confirm(user=world.users[("admin", "A")], request_id=req.pk)
    assert Citizen.objects.filter(pk=a.pk).exists()
    done = erasure_confirm(user=manager, request_id=req.pk)
    assert [(e.jobcenter_id, e.citizens, e.measurements, e.assignments) for e in done] == [
        ("JCA", 1, 1, 1)
    ]
    assert not Citizen.objects.filter(pk=a.pk).exists()
    assert not Measurement.objects.filter(measurement_id="MA1").exists()
    assert not Assignment.objects.filter(citizen_id=a.pk).exists()
    assert Citizen.objects.filter(pk=world.citizens["B"].pk).exists()
    req.refresh_from_db()
    assert (req.state, req.citizen_id, req.decided_by) == ("done", "", manager)
    (erase,) = _entries("citizen.erase")
    assert erase.flagged and a.citizen_id not in erase.detail and "caseworkerA" in erase.detail
    assert _entries("citizen.erase_request")[0].flagged
    assert not ErasureRequest.objects.filter(citizen_id=a.citizen_id).exists()
    with pytest.raises(ErasureRefused, match="no waiting"):
        erasure_confirm(user=manager, request_id=req.pk)
    assert verify().ok


def test_only_the_jobcentres_caseworker_records_and_a_request_can_be_withdrawn(world):
    from bip.web.core.models import Citizen
    from bip.web.core.services.erasure import ErasureRefused, erasure_request, erasure_withdraw

    a = world.citizens["A"]
    for who in (("caseworker", "B"), ("manager", "A"), ("analyst", "A")):
        with pytest.raises(ErasureRefused):
            erasure_request(user=world.users[who], citizen=a)
    req = erasure_request(user=world.users[("caseworker", "A")], citizen=a)
    with pytest.raises(ErasureRefused, match="waiting already"):
        erasure_request(user=world.users[("caseworker", "A")], citizen=a)
    erasure_withdraw(user=world.users[("caseworker", "A")], request_id=req.pk)
    assert Citizen.objects.filter(pk=a.pk).exists()
    assert _entries("citizen.erase_withdraw")[0].object_id == str(req.pk)
