"""Test helpers that pass the second factor (administrators and analysts), never a setting
that switches it off: a confirmed authenticator is made for the user and its current code
computed as the user's app would (RFC 6238, django-otp's own TOTP)."""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator (made if there is none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def code_for_key(key: bytes, after_t: int = -1) -> str:
    """The app's code for ``key`` now, or for the next time step if ``after_t`` was used."""
    totp = TOTP(key)
    totp.time = max(time.time(), (after_t + 1) * totp.step)
    return f"{totp.token():06d}"


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return code_for_key(device.bin_key, device.last_t)


def code_for_secret(secret: str) -> str:
    """The code for a secret as the enrolment page shows it (base32 in groups)."""
    return code_for_key(b32decode("".join(secret.split())))


def pass_second_factor(client, user) -> None:
    """Mark a test client's session (after ``force_login``) as verified by an authenticator."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def browser_second_factor(page, username: str) -> None:
    """After the password in a browser: type the code, enrolling first if the page asks."""
    from django.contrib.auth import get_user_model

    if "/login/code/" not in page.url:
        return
    secret = page.locator("#otp-secret")
    if secret.count():
        page.fill("#id_code", code_for_secret(secret.inner_text()))
        page.click("button.primary")
        page.click("#main a.button.primary")  # "I have saved them, continue"
        return
    user = get_user_model().objects.get(username=username)
    page.fill("#id_code", code_for(authenticator(user)))
    page.click("button.primary")


def http_second_factor(client, response) -> None:
    """After the password with an HTTP client (httpx) against a running server: enrol the
    authenticator as the page asks and type its code."""
    import re

    if response.headers.get("location") != "/login/code/":
        return
    page = client.get("/login/code/").text
    secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    r = client.post(
        "/login/code/", data={"code": code_for_secret(secret), "csrfmiddlewaretoken": token}
    )
    assert r.status_code == 200 and 'id="recovery-codes"' in r.text, r.status_code
