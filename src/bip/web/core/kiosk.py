"""Kiosk mode: the citizen's part of a measurement on the caseworker's tablet.

The caseworker starts it for one citizen (or one measurement whose citizen part is missing);
from then on the session reaches only the kiosk pages: the questionnaire, the thank-you
screen, the language switch and the exit form. Everything else - menus, other citizens,
log out - answers with the questionnaire again. Leaving needs the caseworker's password (or,
for a login by single sign-on, logging in at the identity provider again as the same person);
wrong passwords count towards the login lock (``throttle.py``), and when the lock sets in the
session ends. The session's idle timeout and lifetime (``session.py``) apply as everywhere.

The kiosk's state lives in the session under :data:`KEY`: the citizen's pseudonym, the
measurement being completed (if any), the form's idempotency key and, once saved, the
measurement id.
"""

from __future__ import annotations

import uuid

from django.shortcuts import redirect

from bip.web.core.audit import audit

KEY = "bip_kiosk"
# the only views a session in kiosk mode may reach; a caseworker logged in by single sign-on
# leaves by logging in at the identity provider again (signin/oidc.py)
OPEN = {"kiosk", "kiosk_done", "kiosk_exit", "set_language", "oidc_login", "oidc_callback"}


def start(request, *, citizen_id: str, measurement_id: str | None = None) -> None:
    """Put the session into kiosk mode for one citizen (and one measurement, if completing)."""
    request.session[KEY] = {
        "citizen": citizen_id,
        "measurement": measurement_id,
        "key": uuid.uuid4().hex,
        "saved": None,
    }
    audit(request.user, None, "kiosk.start", "citizen", citizen_id, measurement_id or "new")


def state(request) -> dict | None:
    """The kiosk's state, or None when the session is not in kiosk mode."""
    session = getattr(request, "session", None)
    return session.get(KEY) if session is not None else None


def saved(request, measurement_id: str) -> None:
    """Record that the citizen's answers are saved (the thank-you screen comes next)."""
    s = dict(state(request) or {})
    s["saved"] = measurement_id
    request.session[KEY] = s


def stop(request) -> dict | None:
    """Leave kiosk mode (audited); returns the state it had."""
    s = request.session.pop(KEY, None)
    if s is not None:
        saved = s.get("saved") or "nothing saved"
        audit(request.user, None, "kiosk.exit", "citizen", s["citizen"], saved)
    return s


class KioskMiddleware:
    """Keeps a session in kiosk mode on the kiosk pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        s = state(request)
        if s is None or request.resolver_match.url_name in OPEN:
            return None
        if request.user.is_authenticated:
            audit(request.user, None, "kiosk.blocked", "citizen", s["citizen"], request.path[:300])
        return redirect("kiosk_done" if s.get("saved") else "kiosk")
