"""Security headers not covered by Django's own middleware, and a Server-Timing header."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings


def _policy() -> str:
    """``BIP_CSP``; with single sign-on, the provider's origin may receive the logout form's
    redirect (RP-initiated logout: BIP's logout answers with the provider's end-session URL,
    and browsers hold a form's redirects to ``form-action`` too)."""
    csp, issuer = settings.BIP_CSP, getattr(settings, "BIP_OIDC_ISSUER", "")
    if not issuer or "form-action 'self'" not in csp:
        return csp
    parts = urlsplit(issuer)
    return csp.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")


class ContentSecurityPolicy:
    """Adds a Content-Security-Policy without any external host (no CDN, no external JS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", _policy())
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class ServerTiming:
    """Adds ``Server-Timing: app;dur=<ms>``: time spent in Django, without network or queueing.

    Lets a load test (and the browser's developer tools) tell service time from waiting time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        response.headers["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - start):.1f}"
        return response
