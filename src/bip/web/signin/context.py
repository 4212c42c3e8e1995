"""Template context: whether this session was logged in by single sign-on (then the kiosk's
exit asks the identity provider, not a password BIP does not have)."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY

from bip.web.signin.oidc import BACKEND


def signin(request) -> dict:
    session = getattr(request, "session", None)
    return {"bip_sso_session": session is not None and session.get(BACKEND_SESSION_KEY) == BACKEND}
