"""Login throttling: after ``BIP_LOGIN_MAX_FAILURES`` failed logins for a user name, that user
name is locked for ``BIP_LOGIN_LOCK_SECONDS`` (default 5 failures, 15 minutes).

- The lock is kept per user name only. A lock per client address would let anyone behind the
  same proxy or NAT as the staff lock every one of them out; the price is that someone who
  knows a user name can lock that one account for 15 minutes (each lock is audited, flagged).
- The counter is a locked database row (``limits.py``): the check, the password check and the
  count happen in one transaction, so parallel wrong passwords are checked at most
  ``BIP_LOGIN_MAX_FAILURES`` times, in any number of server processes.
- The lock lasts exactly what the page says, from the failure that set it; attempts while
  locked neither check the password nor extend the lock.
- Failed logins and refusals while locked are written to the audit log (successful logins and
  logouts through ``signals.py``).
"""

from __future__ import annotations

import datetime as dt
import math

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bip.web.core.audit import audit
from bip.web.core.limits import locked_counter, seconds_left
from bip.web.core.models import RateCounter


def login_key(username: str) -> str:
    """The login counter's key of a user name (shared by the password and the second factor)."""
    return _key(username)


def _key(username: str) -> str:
    return "login:" + username.strip().lower()[:150]


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def locked_message(seconds: int) -> str:
    """The message shown while a user name is locked, in whole minutes (rounded up)."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed logins. Try again in %(minutes)d minute.",
        "Too many failed logins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _record_failure(counter: RateCounter, username: str, request, what: str = "") -> int:
    """Count a failed login; returns the seconds of the lock it set (0 if none). ``what``
    says which step failed when it was not the password (e.g. the second factor)."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.BIP_LOGIN_LOCK_SECONDS)
    if counter.count == 0 or now >= counter.window_start + window:
        counter.window_start, counter.count = now, 0
        # forget stale counters now and then: a new failure window is a cheap moment
        RateCounter.objects.filter(
            key__startswith="login:", window_start__lt=now - dt.timedelta(days=1)
        ).exclude(locked_until__gt=now).exclude(pk=counter.pk).delete()
    counter.count += 1
    lock = 0
    if counter.count >= settings.BIP_LOGIN_MAX_FAILURES:
        counter.locked_until, counter.count, lock = now + window, 0, settings.BIP_LOGIN_LOCK_SECONDS
    counter.save()
    audit(
        username,
        "-",
        "login.failed",
        "user",
        username,
        f"address {_address(request)}"
        + (f"; {what}" if what else "")
        + (f"; locked for {lock} s" if lock else ""),
        flagged=bool(lock),
    )
    return lock


def clear(counter: RateCounter) -> None:
    """A successful login: the user name's failures are forgotten."""
    if counter.count or counter.locked_until:
        counter.count, counter.locked_until = 0, None
        counter.save(update_fields=["count", "locked_until"])


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, refusing to even check the password while the user name is locked."""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        error = None
        with transaction.atomic():
            counter = locked_counter(_key(username))
            wait = seconds_left(counter.locked_until)
            if wait:
                audit(
                    username,
                    "-",
                    "login.locked",
                    "user",
                    username,
                    f"address {_address(self.request)}; {wait} s left",
                )
                error = forms.ValidationError(locked_message(wait), code="locked")
            else:
                try:
                    cleaned = super().clean()
                except forms.ValidationError as exc:
                    lock = _record_failure(counter, username, self.request)
                    error = (
                        forms.ValidationError(locked_message(lock), code="locked") if lock else exc
                    )
                else:
                    from bip.web.signin.twofactor import needs_second_factor

                    # with a second factor to come, the count of wrong codes must survive a
                    # right password: it is cleared after the right code (signin/views.py)
                    if (counter.count or counter.locked_until) and not needs_second_factor(
                        self.get_user()
                    ):
                        clear(counter)
        # raised outside the transaction block: the count and the audit entry must stay
        if error is not None:
            raise error
        return cleaned


class PasswordCheckForm(forms.Form):
    """The signed-in user's own password, e.g. to leave the citizen's kiosk screen."""

    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def clean_password(self):
        password = self.cleaned_data["password"]
        username = self.user.username
        error = None
        with transaction.atomic():
            counter = locked_counter(_key(username))
            wait = seconds_left(counter.locked_until)
            if wait:
                error = forms.ValidationError(locked_message(wait), code="locked")
            elif not self.user.check_password(password):
                lock = _record_failure(counter, username, self.request)
                error = forms.ValidationError(
                    locked_message(lock) if lock else _("That is not your password."),
                    code="locked" if lock else "wrong",
                )
        if error is not None:
            raise error
        return password

    @property
    def locked(self) -> bool:
        return any(e.code == "locked" for e in self.errors.as_data().get("password", []))
