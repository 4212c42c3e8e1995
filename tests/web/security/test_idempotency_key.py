"""A new measurement carrying another citizen's idempotency key is a clear 409, not a 500."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from bip.web.core.models import AuditLog, Measurement


def test_foreign_idempotency_key_is_refused(login, world, full_values):
    client = login("caseworker", "B")
    b = world.citizens["B"].citizen_id
    data = {**full_values(dt.date(2024, 4, 1)), "idempotency_key": "theirs"}
    assert client.post(reverse("measurement_new", args=[b, "both"]), data).status_code == 302
    client = login("caseworker", "A")
    a = world.citizens["A"].citizen_id
    before = Measurement.objects.count()
    r = client.post(reverse("measurement_new", args=[a, "both"]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 409 and "open a new form" in r.content.decode()
    assert Measurement.objects.count() == before
    e = AuditLog.objects.filter(action="measurement.refused").latest("seq")
    assert e.object_id == a and "another citizen" in e.detail
