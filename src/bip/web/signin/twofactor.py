"""The second factor after the password: a TOTP code from an authenticator app, or one of the
recovery codes (django-otp's TOTP and static devices).

Administrators and analysts (``BIP_SECOND_FACTOR_ROLES``) who log in with a password are not
logged in by the password: the login form puts the user in a *pending* state in the session
(``PENDING``, valid ``PENDING_SECONDS``), and only a valid code logs them in (``finish``). The
first time, the page enrols an authenticator (QR code and the secret) and hands out
``BIP_RECOVERY_CODES`` recovery codes, each valid once. Wrong codes count towards the same
per-user-name lock as wrong passwords (``core/throttle.py``) and are audited as failed logins.
"""

from __future__ import annotations

import time
from base64 import b32encode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import resolve_url
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bip.web.core.access import profile_of
from bip.web.core.audit import audit

PENDING = "bip_2fa_pending"
PENDING_SECONDS = 300


def needs_second_factor(user) -> bool:
    """A password login of this user needs the second factor (by role)."""
    profile = profile_of(user)
    return profile is not None and profile.role in settings.BIP_SECOND_FACTOR_ROLES


def start(request, user, next_url: str) -> None:
    """Remember that ``user`` gave the right password; the code comes next."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "next": next_url,
    }


def pending_user(request):
    """The user who gave the password in this session and still owes the code, or None."""
    p = request.session.get(PENDING)
    if not p or time.time() - p.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=p["user"], is_active=True).first()
    return user


def pending_next(request) -> str:
    return (request.session.get(PENDING) or {}).get("next") or resolve_url(
        settings.LOGIN_REDIRECT_URL
    )


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (made on first use, same secret until used)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it when typed in."""
    return b32encode(device.bin_key).decode()


def normalise(code: str) -> str:
    return "".join(code.split()).lower()


def check_code(user, code: str) -> tuple[object | None, str]:
    """The device that accepts ``code`` and how ("TOTP" or "recovery code"), or (None, "").

    Devices are locked for the check: a recovery code used by two parallel requests logs in
    only one of them, and a TOTP code is accepted once (django-otp remembers its time step).
    """
    code = normalise(code)
    if not code:
        return None, ""
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if code.isdigit() and device.verify_token(code):
                return device, "TOTP"
        for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device, "recovery code"
    return None, ""


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.BIP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrol(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code; returns the new recovery codes, or None
    when the code is wrong."""
    if not normalise(code).isdigit() or not device.verify_token(normalise(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = new_recovery_codes(user)
    audit(user, None, "otp.enrol", "user", user.username, "authenticator app and recovery codes")
    return codes


def finish(request, user, device, how: str) -> None:
    """Log the user in, verified by ``device`` (audited ``login`` with both factors named)."""
    backend = request.session.pop(PENDING, {}).get("backend") or settings.AUTHENTICATION_BACKENDS[0]
    request.bip_login_method = f"password and {how}"
    user.otp_device = device  # django-otp's login signal stores it in the session
    auth.login(request, user, backend=backend)
    if how == "recovery code":
        left = recovery_codes_left(user)
        audit(
            user,
            None,
            "otp.recovery_used",
            "user",
            user.username,
            f"{left} left",
            flagged=left <= 2,
        )


def reset(username: str, by: str) -> int:
    """Remove a user's authenticators and recovery codes (lost phone): the next login enrols
    again. Returns the number of devices removed; audited and flagged."""
    user = get_user_model().objects.get(username=username)
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user)
        static = StaticDevice.objects.filter(user=user)
        n = totp.count() + static.count()
        totp.delete()
        static.delete()
        audit(
            by,
            "cli",
            "otp.reset",
            "user",
            username,
            f"{n} authenticators and recovery-code sets removed",
            flagged=True,
        )
    return n
