"""A login made by one administrator needs a second one's approval, and its owner's own
password; the steps are flagged on the audit view. Implausible transfer dates are refused."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from bip.web.core.models import AuditLog, Citizen

NEW = {
    "username": "ny.sagsbehandler",
    "full_name": "Ny Sagsbehandler",
    "role": "caseworker",
    "password": "a long passphrase 2024!",
}


def test_a_new_login_waits_for_a_second_administrator(login, world):
    admin = login("admin", "A")
    r = admin.post(reverse("admin_users"), {**NEW, "jobcenter": world.jc["A"].pk})
    assert r.status_code == 302
    # the creating administrator cannot log in as it ...
    other = Client()
    other.post(reverse("login"), {"username": NEW["username"], "password": NEW["password"]})
    assert "_auth_user_id" not in other.session
    # ... nor approve it
    admin.post(reverse("admin_users"), {"approve": NEW["username"]})
    admin.post(reverse("admin_users"), {"toggle_active": NEW["username"]})
    assert not get_user_model().objects.get(username=NEW["username"]).is_active
    login("admin", "B").post(reverse("admin_users"), {"approve": NEW["username"]})
    assert get_user_model().objects.get(username=NEW["username"]).is_active
    # the first login must choose its own password before anything else
    other.post(reverse("login"), {"username": NEW["username"], "password": NEW["password"]})
    r = other.get(reverse("caseload"))
    assert r.status_code == 302 and r["Location"] == reverse("password_change")
    flagged = AuditLog.objects.filter(flagged=True).values_list("action", "username", "detail")
    flagged = list(flagged.order_by("seq"))
    assert [(a, u) for a, u, _d in flagged] == [
        ("user.create", "adminA"),
        ("user.approve", "adminA"),
        ("user.approve", "adminB"),
    ]
    assert "refused" in flagged[1][2]
    page = login("admin", "A").get(reverse("admin_audit"), {"flagged": "on"})
    assert [e.action for e in page.context["page"]][-3:] == [
        "user.approve",
        "user.approve",
        "user.create",
    ]


def test_transfer_dates_outside_a_plausible_range_are_refused(login, world):
    client = login("caseworker")
    c = world.citizens["A"]
    to = world.caseworkers["A2"].pk
    for day in ("1900-01-01", "2999-01-01", "2023-12-31", str(dt.date.today() + dt.timedelta(1))):
        r = client.post(
            reverse("transfer", args=[c.citizen_id]),
            {"caseworker": to, "started_on": day, "confirm": "on"},
        )
        assert r.status_code == 400, day
    assert Citizen.objects.get(pk=c.pk).caseworker == world.caseworkers["A"]
    r = client.post(
        reverse("transfer", args=[c.citizen_id]),
        {"caseworker": to, "started_on": "2024-03-01", "confirm": "on"},
    )
    assert r.status_code == 302
