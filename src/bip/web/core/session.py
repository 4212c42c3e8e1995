"""Session lifetime: an idle timeout and an absolute lifetime for every login, and the
first-login password change.

- Idle: a session unused for ``BIP_SESSION_IDLE_MINUTES`` (default 30) ends at its next
  request; the user logs in again and comes back to the page.
- Absolute: a session ends ``SESSION_COOKIE_AGE`` (8 hours) after the login, however busy.
- A login whose password was set by an administrator must choose its own before anything else.

The last-seen time is written at most once a minute, so a busy session does not rewrite its
row on every request. Both ends are audited (``logout`` with the reason).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LOGIN_AT = "bip_login_at"
SEEN_AT = "bip_seen_at"
SEEN_EVERY_S = 60
# views a user who must change the password may still reach
_PASSWORD_CHANGE_OPEN = {"password_change", "logout", "set_language"}


def mark_login(request) -> None:
    """Start the clocks of a new login (called from the ``user_logged_in`` signal)."""
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def _expired(session, now: float) -> str:
    """Why the session has ended ("" if it has not)."""
    login_at, seen = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen is None:
        return ""
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return f"session lifetime of {settings.SESSION_COOKIE_AGE // 60} minutes reached"
    if now - seen > settings.BIP_SESSION_IDLE_SECONDS:
        return f"idle for more than {settings.BIP_SESSION_IDLE_SECONDS // 60} minutes"
    return ""


class SessionTimeout:
    """Ends idle and too old sessions; sends a user who must change the password to do so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        reason = _expired(request.session, now)
        if reason:
            request.bip_logout_reason = reason
            path = request.get_full_path() if request.method == "GET" else None
            logout(request)
            messages.info(request, _("Your session has ended; please log in again."))
            return redirect_to_login(path) if path else redirect(settings.LOGIN_URL)
        if request.session.get(LOGIN_AT) is None:  # a session from before these clocks
            mark_login(request)
        elif now - request.session.get(SEEN_AT, 0) > SEEN_EVERY_S:
            request.session[SEEN_AT] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        profile = getattr(user, "profile", None)
        if (
            profile is not None
            and profile.must_change_password
            and request.resolver_match.url_name not in _PASSWORD_CHANGE_OPEN
        ):
            return redirect("password_change")
        return None
