"""Login throttling: too many failed logins for a user name or a client address lock it a while."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


def _keys(request, username: str) -> list[str]:
    addr = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return [f"bip-login-fail:user:{username.lower()}", f"bip-login-fail:addr:{addr}"]


def is_locked(request, username: str) -> bool:
    return any(
        (cache.get(k) or 0) >= settings.BIP_LOGIN_MAX_FAILURES for k in _keys(request, username)
    )


def record_failure(request, username: str) -> None:
    for k in _keys(request, username):
        cache.add(k, 0, settings.BIP_LOGIN_LOCK_SECONDS)
        try:
            cache.incr(k)
        except ValueError:
            cache.set(k, 1, settings.BIP_LOGIN_LOCK_SECONDS)


def clear_failures(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, refusing to even check the password while the name/address is locked."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if is_locked(self.request, username):
            raise forms.ValidationError(
                _("Too many failed logins. Try again in %(minutes)d minutes.")
                % {"minutes": settings.BIP_LOGIN_LOCK_SECONDS // 60},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(self.request, username)
            raise
        clear_failures(self.request, username)
        return cleaned
