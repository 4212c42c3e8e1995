"""Every read and write of a citizen's data, every refused write and the administrator's own
audit view leave an audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bip.web.core.models import AuditLog


def _last(n=1):
    return list(AuditLog.objects.order_by("-seq").values_list("action", "object_id", "detail")[:n])


@pytest.mark.parametrize("part", ["both", "caseworker"])  # the citizen's alone: the kiosk's
def test_opening_each_new_measurement_form_is_audited(login, world, part):
    c = world.citizens["A"]
    login("caseworker").get(reverse("measurement_new", args=[c.citizen_id, part]))
    ((action, obj, detail),) = _last()
    assert (action, obj, detail) == ("measurement.new", c.citizen_id, f"part {part}")


def test_transfer_page_is_audited(login, world):
    c = world.citizens["A"]
    login("caseworker").get(reverse("transfer", args=[c.citizen_id]))
    assert _last()[0][:2] == ("transfer.view", c.citizen_id)


def test_rejected_writes_are_audited(login, world, full_values):
    client = login("caseworker")
    c = world.citizens["A"]
    data = full_values(dt.date(2024, 4, 1))
    del data["B4"]
    r = client.post(reverse("measurement_new", args=[c.citizen_id, "both"]), data)
    assert r.status_code == 400
    action, obj, detail = _last()[0]
    assert (action, obj) == ("measurement.refused", c.citizen_id) and "B4" in detail
    m = world.measurements["A"]
    r = client.post(reverse("measurement_edit", args=[m.measurement_id, "both"]), data)
    assert r.status_code == 400 and _last()[0][:2] == ("measurement.refused", m.measurement_id)
    r = client.post(reverse("transfer", args=[c.citizen_id]), {"started_on": "2999-01-01"})
    assert r.status_code == 400
    action, obj, detail = _last()[0]
    assert action == "citizen.transfer" and detail.startswith("refused") and "started_on" in detail


def test_the_admins_own_audit_view_is_audited(login, world):
    client = login("admin")
    client.get(reverse("admin_audit"), {"username": "caseworkerA"})
    action, _obj, detail = _last()[0]
    assert action == "audit.view" and "caseworkerA" in detail


def test_every_citizen_page_leaves_an_entry(login, world):
    client = login("caseworker")
    c, m = world.citizens["A"].citizen_id, world.measurements["A"].measurement_id
    for url in (
        reverse("citizen", args=[c]),
        reverse("transfer", args=[c]),
        reverse("measurement_new", args=[c, "both"]),
        reverse("measurement_new", args=[c, "caseworker"]),
        reverse("measurement_edit", args=[m, "both"]),
        reverse("measurement_edit", args=[m, "caseworker"]),
        reverse("caseload"),
    ):
        before = AuditLog.objects.count()
        assert client.get(url).status_code == 200
        assert AuditLog.objects.count() == before + 1, url
