"""Authentication events into the audit log, and the session's start time for its lifetime.

Django sends ``user_logged_in`` / ``user_logged_out`` from ``login()`` / ``logout()``, so any
way of logging in (the form, a future single sign-on backend) is audited the same way. Failed
logins are audited by ``throttle.py``, which also counts them.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from bip.web.core.audit import audit
from bip.web.core.session import mark_login


@receiver(user_logged_in, dispatch_uid="bip-audit-login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_login(request)
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    # how: "password", "password and TOTP", "password and recovery code", "single sign-on"
    how = getattr(request, "bip_login_method", "password") if request is not None else ""
    audit(user, None, "login", "user", user.username, f"address {address}; {how}")


@receiver(user_logged_out, dispatch_uid="bip-audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None:  # the session had already ended
        return
    reason = getattr(request, "bip_logout_reason", "") if request is not None else ""
    audit(user, None, "logout", "user", user.username, reason)
