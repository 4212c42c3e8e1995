"""The citizen's kiosk screen reaches nothing else and is left with the caseworker's password;
every session has an idle timeout and keeps its absolute lifetime."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.urls import reverse

from bip.web.core.models import AuditLog, Measurement


def _kiosk(login, world):
    client = login("caseworker")
    r = client.post(reverse("kiosk_start", args=[world.citizens["A"].citizen_id]))
    assert r.status_code == 302 and r["Location"] == reverse("kiosk")
    return client


def test_kiosk_page_shows_only_the_questionnaire(login, world):
    client = _kiosk(login, world)
    html = client.get(reverse("kiosk")).content.decode()
    assert 'name="B1"' in html and "kiosk" in html
    for elsewhere in ("caseload", "find", "logout", "password_change"):
        assert f'href="{reverse(elsewhere)}"' not in html and reverse(elsewhere) not in html
    assert world.citizens["A"].citizen_id[:10] not in html  # not even the pseudonym


def test_nothing_else_is_reachable_in_kiosk_mode(login, world):
    client = _kiosk(login, world)
    other = world.citizens["A"].citizen_id
    for url in (
        reverse("caseload"),
        reverse("citizen", args=[other]),
        reverse("find"),
        reverse("home"),
        reverse("password_change"),
        reverse("measurement_new", args=[other, "both"]),
        "/dashboard/",
    ):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"] == reverse("kiosk"), url
    r = client.post(reverse("logout"))
    assert r["Location"] == reverse("kiosk") and "_auth_user_id" in client.session
    assert AuditLog.objects.filter(action="kiosk.blocked").count() == 8


def test_leaving_needs_the_caseworkers_password(login, world, full_values):
    client = _kiosk(login, world)
    data = {k: v for k, v in full_values(dt.date.today()).items() if not k.startswith("S")}
    assert client.post(reverse("kiosk"), data)["Location"] == reverse("kiosk_done")
    assert client.get(reverse("caseload"))["Location"] == reverse("kiosk_done")
    r = client.post(reverse("kiosk_exit"), {"password": "not it"})
    assert r.status_code == 400
    assert client.get(reverse("caseload"))["Location"] == reverse("kiosk_done")
    r = client.post(reverse("kiosk_exit"), {"password": world.password})
    m = Measurement.objects.filter(citizen=world.citizens["A"]).latest("id")
    assert r["Location"] == reverse("measurement_edit", args=[m.measurement_id, "caseworker"])
    assert client.get(reverse("caseload")).status_code == 200
    actions = AuditLog.objects.filter(action__startswith="kiosk").values_list("action", flat=True)
    assert list(actions.order_by("seq")) == [
        "kiosk.start",
        "kiosk.blocked",
        "kiosk.blocked",
        "kiosk.exit",
    ]


def test_guessing_the_password_ends_the_session(login, world):
    client = _kiosk(login, world)
    for _ in range(settings.BIP_LOGIN_MAX_FAILURES):
        r = client.post(reverse("kiosk_exit"), {"password": "guess"})
    assert r["Location"] == reverse("login") and "_auth_user_id" not in client.session


def test_kiosk_for_another_jobcentres_citizen_is_refused(login, world):
    client = login("caseworker", "A")
    assert (
        client.post(reverse("kiosk_start", args=[world.citizens["B"].citizen_id])).status_code
        == 404
    )
    m = world.measurements["B"].measurement_id
    assert client.post(reverse("kiosk_complete", args=[m])).status_code == 404
    assert client.get(reverse("caseload")).status_code == 200  # not in kiosk mode


def test_idle_sessions_end_after_30_minutes(login, world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        client = login("caseworker")
        assert client.get(reverse("caseload")).status_code == 200
        t.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("caseload")).status_code == 200
        t.shift(dt.timedelta(minutes=31))
        r = client.get(reverse("caseload"))
        assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
    e = AuditLog.objects.filter(action="logout").latest("seq")
    assert "idle" in e.detail


def test_idle_timeout_is_configurable(login, world, settings):
    settings.BIP_SESSION_IDLE_SECONDS = 5 * 60
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        client = login("caseworker")
        t.shift(dt.timedelta(minutes=6))
        assert client.get(reverse("caseload")).status_code == 302


def test_busy_sessions_still_end_after_eight_hours(login, world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), tick=False) as t:
        client = login("caseworker")
        for _ in range(8 * 3):  # a request every 20 minutes for 8 hours
            assert client.get(reverse("caseload")).status_code == 200
            t.shift(dt.timedelta(minutes=20))
        t.shift(dt.timedelta(minutes=1))  # 8 h 1 min after the login
        r = client.get(reverse("caseload"))
        assert r.status_code == 302
    assert "lifetime" in AuditLog.objects.filter(action="logout").latest("seq").detail
