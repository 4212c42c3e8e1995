"""Security basics: argon2, throttled logins, CSRF, cookies, headers, no debug, env secrets."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.test import Client
from django.urls import reverse


def test_production_settings_hash_with_argon2_and_have_debug_off():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='bip.web.settings'; django.setup();"
        "from django.conf import settings as s; print(s.DEBUG, s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE,"
        " s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIP_", "DJANGO_"))}
    env.update({"BIP_SECRET_KEY": "x" * 50, "BIP_HTTPS": "1"})
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == [
        "False",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True",
        "DENY",
        "True",
    ]
    # without a secret key in the environment, production settings refuse to start
    env.pop("BIP_SECRET_KEY")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "BIP_SECRET_KEY" in r.stderr


def test_passwords_are_stored_with_argon2(db):
    from django.contrib.auth.hashers import make_password

    assert "Argon2PasswordHasher" in " ".join(settings.PASSWORD_HASHERS)
    assert make_password("x", hasher="argon2").startswith("argon2$")


def test_security_headers(client, db):
    r = client.get(reverse("login"))
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp and "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"


def test_csrf_is_enforced(world):
    c = Client(enforce_csrf_checks=True)
    r = c.post(reverse("login"), {"username": "caseworkerA", "password": world.password})
    assert r.status_code == 403
    c.force_login(world.users[("caseworker", "A")])
    r = c.post(reverse("find"), {"cpr": "010170-1018"})
    assert r.status_code == 403


def test_login_throttling(client, world):
    from bip.web.core.models import RateCounter

    url = reverse("login")
    for _ in range(settings.BIP_LOGIN_MAX_FAILURES):
        r = client.post(url, {"username": "caseworkerA", "password": "wrong"})
        assert r.status_code == 200 and not r.wsgi_request.user.is_authenticated
    # now even the right password is refused while the lock lasts
    r = client.post(
        url, {"username": "caseworkerA", "password": world.password}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Too many failed logins" in r.content.decode()
    assert "_auth_user_id" not in client.session
    RateCounter.objects.all().delete()
    r = client.post(url, {"username": "caseworkerA", "password": world.password})
    assert r.status_code == 302 and "_auth_user_id" in client.session


def test_session_cookie_flags(client, world):
    r = client.post(reverse("login"), {"username": "caseworkerA", "password": world.password})
    cookie = r.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_language_switch(client, world):
    client.force_login(world.users[("caseworker", "A")])
    assert "Sagsstamme" in client.get(reverse("caseload")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Caseload" in client.get(reverse("caseload")).content.decode()
