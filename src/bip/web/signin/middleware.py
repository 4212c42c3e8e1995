"""Administrators and analysts logged in with a password must have passed the second factor.

The login pages only log them in after the code (``twofactor.py``); this catches every other
way a session could hold such a user unverified (a session from before two-factor was
introduced, a role changed to one that needs it): the session ends, audited, and the user
logs in again. Logins through single sign-on are left to the identity provider.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from bip.web.signin.oidc import BACKEND as SSO_BACKEND
from bip.web.signin.twofactor import needs_second_factor


class SecondFactorRequired:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.session.get(BACKEND_SESSION_KEY) != SSO_BACKEND
            and needs_second_factor(user)
            and not getattr(user, "is_verified", lambda: False)()
        ):
            request.bip_logout_reason = "second factor missing"
            path = request.get_full_path() if request.method == "GET" else None
            logout(request)
            messages.info(request, _("Please log in again."))
            return redirect_to_login(path) if path else redirect(settings.LOGIN_URL)
        return self.get_response(request)
