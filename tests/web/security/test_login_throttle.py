"""Login throttling: the lock lasts what the page says, is per user name (not per address),
holds under parallel requests on PostgreSQL, and every authentication event is audited."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from bip.web.core.models import AuditLog

WRONG = {"username": "caseworkerA", "password": "wrong password 1"}


def _fail(client, n=None, **extra):
    for _ in range(n or settings.BIP_LOGIN_MAX_FAILURES):
        client.post(reverse("login"), WRONG, **extra)


def _login_ok(client, world, **extra) -> bool:
    client.post(reverse("login"), {"username": "caseworkerA", "password": world.password}, **extra)
    return "_auth_user_id" in client.session


def test_lock_lasts_the_promised_fifteen_minutes(client, world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        _fail(client)
        r = client.post(reverse("login"), WRONG, HTTP_ACCEPT_LANGUAGE="en")
        assert "Try again in 15 minutes" in r.content.decode()
        t.shift(dt.timedelta(minutes=10))  # the old cache-based lock had expired after 5
        assert not _login_ok(client, world)
        client.post(reverse("login"), WRONG)  # attempts while locked do not extend the lock
        t.shift(dt.timedelta(minutes=4, seconds=59))
        assert not _login_ok(client, world)
        t.shift(dt.timedelta(seconds=2))
        assert _login_ok(client, world)


def test_one_address_cannot_lock_out_other_users(world):
    """Behind a shared proxy every user has the same address; failures of one user name must
    not lock the others."""
    attacker, colleague = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.1")
    for name in ("caseworkerA", "managerA", "nobody"):
        for _ in range(settings.BIP_LOGIN_MAX_FAILURES):
            attacker.post(reverse("login"), {"username": name, "password": "wrong"})
    r = colleague.post(reverse("login"), {"username": "caseworkerB", "password": world.password})
    assert r.status_code == 302 and "_auth_user_id" in colleague.session


def test_authentication_events_are_audited(client, world):
    _fail(client, 2, REMOTE_ADDR="10.1.2.3")
    assert _login_ok(client, world)
    client.post(reverse("logout"))
    events = list(
        AuditLog.objects.filter(object_type="user", object_id="caseworkerA")
        .order_by("seq")
        .values_list("action", "detail")
    )
    assert [a for a, _d in events] == ["login.failed", "login.failed", "login", "logout"]
    assert "10.1.2.3" in events[0][1]
    _fail(client)
    lock = AuditLog.objects.filter(action="login.failed").order_by("-seq").first()
    assert lock.flagged and "locked for 900 s" in lock.detail
    client.post(reverse("login"), WRONG)
    assert AuditLog.objects.filter(action="login.locked").exists()


def test_parallel_wrong_passwords_are_checked_at_most_five_times(
    transactional_db, world, monkeypatch
):
    """40 wrong passwords at once, each on its own connection: at most 5 password checks."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (runs in test_postgres.py's pass); SQLite runs one write "
            "transaction at a time (BEGIN IMMEDIATE), so requests cannot overlap there"
        )
    from django.contrib.auth.hashers import check_password as real_check

    checks, lock = [], threading.Lock()

    def counting(*a, **kw):
        with lock:
            checks.append(1)
        return real_check(*a, **kw)

    monkeypatch.setattr("django.contrib.auth.base_user.check_password", counting)
    start = threading.Barrier(40)
    codes = []

    def attempt():
        try:
            start.wait()
            r = Client().post(reverse("login"), WRONG)
            with lock:
                codes.append(r.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 40
    assert len(checks) == settings.BIP_LOGIN_MAX_FAILURES
    assert AuditLog.objects.filter(action="login.failed").count() == 5
    assert AuditLog.objects.filter(action="login.locked").count() == 35
