"""Two-factor login: administrators and analysts are logged in only after a TOTP code or a
recovery code; enrolment, replay, recovery codes, the lock, the audit, the middleware's net."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bip.web.core.models import AuditLog
from tests.web.twofactor import authenticator, code_for, code_for_secret


def _password(client, world, username, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": world.password}, **extra
    )


def _code(client, code, **extra):
    return client.post(reverse("login_code"), {"code": code}, **extra)


def _enrol(client, world, username) -> list[str]:
    """Password, then the enrolment page's secret as an app would read it; the codes shown."""
    _password(client, world, username)
    page = client.get(reverse("login_code")).content.decode()
    secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    r = _code(client, code_for_secret(secret))
    assert r.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", r.content.decode())


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_password_alone_does_not_log_in(client, world, role):
    r = _password(client, world, f"{role}A")
    assert r.status_code == 302 and r["Location"] == reverse("login_code")
    assert not _logged_in(client)
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    assert not AuditLog.objects.filter(action="login", username=f"{role}A").exists()


def test_caseworker_and_manager_need_no_second_factor(client, world):
    for name in ("caseworkerA", "managerA"):
        c = Client()
        r = _password(c, world, name)
        assert r.status_code == 302 and r["Location"] != reverse("login_code")
        assert _logged_in(c)


def test_first_login_enrols_and_hands_out_recovery_codes(client, world):
    page = (_password(client, world, "adminA"), client.get(reverse("login_code")))[1]
    text = page.content.decode()
    assert "<svg" in text and 'id="otp-secret"' in text and not _logged_in(client)
    r = _code(client, "000000")  # wrong: nothing confirmed, counted and audited
    assert r.status_code == 400 and not _logged_in(client)
    assert not TOTPDevice.objects.filter(user__username="adminA", confirmed=True).exists()
    failed = AuditLog.objects.filter(action="login.failed", username="adminA").get()
    assert "second factor wrong" in failed.detail
    secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7 ]+)<', text).group(1)
    r = _code(client, code_for_secret(secret))
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", r.content.decode())
    assert r.status_code == 200 and len(codes) == settings.BIP_RECOVERY_CODES
    assert len(set(codes)) == len(codes) and _logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("otp_totp.")
    assert client.get(reverse("admin_users")).status_code == 200
    login = AuditLog.objects.filter(action="login", username="adminA").get()
    assert "password and TOTP" in login.detail
    assert AuditLog.objects.filter(action="otp.enrol", username="adminA").count() == 1


def test_code_is_accepted_once_and_recovery_codes_once_each(world):
    c = Client()
    codes = _enrol(c, world, "analystA")
    c.post(reverse("logout"))
    device = TOTPDevice.objects.get(user__username="analystA", confirmed=True)
    c = Client()
    _password(c, world, "analystA")
    # the enrolment's own code again (its time step is used up) is refused
    used = TOTP(device.bin_key)
    used.time = device.last_t * used.step + 1
    assert _code(c, f"{used.token():06d}").status_code == 400
    r = _code(c, code_for(device))
    assert r.status_code == 302 and _logged_in(c)
    c.post(reverse("logout"))
    for attempt in range(2):  # a recovery code works once
        c = Client()
        _password(c, world, "analystA")
        r = _code(c, codes[0].upper())  # typed in capitals, with the app's spacing
        assert (r.status_code == 302) == (attempt == 0)
        c.post(reverse("logout"))
    assert StaticToken.objects.filter(device__user__username="analystA").count() == len(codes) - 1
    used = AuditLog.objects.get(action="otp.recovery_used", username="analystA")
    assert used.detail == f"{len(codes) - 1} left"
    logins = AuditLog.objects.filter(action="login", username="analystA").order_by("seq")
    assert [e.detail.split("; ")[1] for e in logins] == [
        "password and TOTP",
        "password and TOTP",
        "password and recovery code",
    ]


def test_wrong_codes_lock_the_user_name_like_wrong_passwords(client, world):
    authenticator(world.users[("admin", "A")])
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        _password(client, world, "adminA")
        for _ in range(settings.BIP_LOGIN_MAX_FAILURES - 1):
            assert _code(client, "123456").status_code == 400
        r = _code(client, "123456", HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 302 and r["Location"] == reverse("login")
        assert not _logged_in(client)
        # the pending state is gone and the password is locked too
        assert client.get(reverse("login_code"))["Location"] == reverse("login")
        r = _password(client, world, "adminA", HTTP_ACCEPT_LANGUAGE="en")
        assert "Try again in 15 minutes" in r.content.decode()
        lock = (
            AuditLog.objects.filter(action="login.failed", username="adminA").order_by("seq").last()
        )
        assert lock.flagged and "locked for 900 s" in lock.detail
        t.shift(dt.timedelta(minutes=15, seconds=1))
        _password(client, world, "adminA")
        assert (
            _code(client, code_for(authenticator(world.users[("admin", "A")]))).status_code == 302
        )
        assert _logged_in(client)


def test_password_step_expires(client, world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        _password(client, world, "adminA")
        t.shift(dt.timedelta(minutes=5, seconds=1))
        r = client.get(reverse("login_code"))
        assert r.status_code == 302 and r["Location"] == reverse("login")


def test_unverified_session_of_an_administrator_is_ended(client, world):
    """The middleware's net: a session holding an administrator without the second factor (here
    a force_login whose verification is removed) ends at its next request, audited."""
    client.force_login(world.users[("admin", "A")])
    assert client.get(reverse("admin_users")).status_code == 200
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    r = client.get(reverse("admin_users"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    assert not _logged_in(client)
    out = AuditLog.objects.filter(action="logout", username="adminA").get()
    assert out.detail == "second factor missing"


def test_next_page_is_kept_through_the_code(client, world):
    authenticator(world.users[("admin", "A")])
    client.post(
        reverse("login") + "?next=/administration/audit/",
        {"username": "adminA", "password": world.password, "next": "/administration/audit/"},
    )
    r = _code(client, code_for(authenticator(world.users[("admin", "A")])))
    assert r["Location"] == "/administration/audit/"


@pytest.mark.parametrize(
    "lang,words",
    [
        ("da", ["Opsæt totrinslogin", "Kode fra appen", "Bekræft og log ind"]),
        ("en", ["Set up two-factor login", "Code from the app", "Confirm and log in"]),
    ],
)
def test_enrolment_page_in_each_language(client, world, lang, words):
    _password(client, world, "adminA")
    text = client.get(reverse("login_code"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    for w in words:
        assert w in text, w


def test_new_recovery_codes_replace_the_old(client, world):
    codes = _enrol(client, world, "adminA")
    r = client.post(reverse("recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", r.content.decode())
    assert len(new) == settings.BIP_RECOVERY_CODES and not set(new) & set(codes)
    assert StaticToken.objects.filter(device__user__username="adminA").count() == len(new)
    assert AuditLog.objects.filter(action="otp.recovery_new", username="adminA").exists()


def test_a_recovery_code_used_in_parallel_logs_in_once(world, transactional_db):
    """Twenty parallel requests with the same recovery code: exactly one is logged in."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (runs in test_postgres.py's pass); SQLite runs one write "
            "transaction at a time, so requests cannot overlap there"
        )
    codes = _enrol(Client(), world, "adminA")
    clients = []
    for _ in range(20):
        c = Client()
        _password(c, world, "adminA")
        clients.append(c)
    results: list[bool] = []
    barrier = threading.Barrier(len(clients))

    def go(c):
        barrier.wait()
        r = _code(c, codes[0])
        results.append(r.status_code == 302 and r["Location"] != reverse("login"))
        connection.close()

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # one logged in; the others were told the code is wrong, or (from the fifth) locked out
    assert results.count(True) == 1, results


def test_reset_after_a_lost_phone_makes_the_next_login_enrol_again(world, monkeypatch):
    from click.testing import CliRunner

    from bip.cli import main
    from bip.web import admin_cli

    c = Client()
    _enrol(c, world, "adminA")
    monkeypatch.setattr(admin_cli, "_setup", lambda **kw: None)  # Django is set up already
    r = CliRunner().invoke(main, ["two-factor", "reset", "adminA"])
    assert r.exit_code == 0 and "2 removed" in r.output, r.output
    assert (
        "no login named nobody"
        in CliRunner().invoke(main, ["two-factor", "reset", "nobody"]).output
    )
    entry = AuditLog.objects.get(action="otp.reset")
    assert entry.flagged and entry.object_id == "adminA"
    c = Client()
    _password(c, world, "adminA")
    assert 'id="otp-secret"' in c.get(reverse("login_code")).content.decode()


def test_the_right_password_again_does_not_clear_the_count_of_wrong_codes(client, world):
    """Someone who has the password cannot get fresh guesses by typing it again."""
    authenticator(world.users[("admin", "A")])
    for _ in range(settings.BIP_LOGIN_MAX_FAILURES - 1):
        _password(client, world, "adminA")
        assert _code(client, "123456").status_code == 400
    _password(client, world, "adminA")
    r = _code(client, "123456")
    assert r.status_code == 302 and r["Location"] == reverse("login")  # the fifth: locked
    assert AuditLog.objects.filter(action="login.failed", flagged=True).count() == 1


def test_the_right_code_clears_the_count(client, world):
    device = authenticator(world.users[("admin", "A")])
    _password(client, world, "adminA")
    for _ in range(settings.BIP_LOGIN_MAX_FAILURES - 1):
        _code(client, "123456")
    assert _code(client, code_for(device)).status_code == 302
    client.post(reverse("logout"))
    _password(client, world, "adminA")
    assert _code(client, "123456").status_code == 400  # counting from 0 again, not locked
